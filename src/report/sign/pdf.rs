//! Signing a finished PDF as an incremental update.
//!
//! An incremental update leaves every original byte in place, so the unsigned report and the
//! signed one share a prefix and a later signature (an office countersignature) can be added
//! the same way without breaking this one. The signature value can only be computed once the
//! final bytes are known, so the update is written with fixed-width placeholders for
//! `/ByteRange` and `/Contents` which are then patched in place: same length, so no offset in
//! the cross-reference section moves.

use lopdf::{
    dictionary, Dictionary, Document, IncrementalDocument, Object, ObjectId, StringFormat,
};
use sha2::{Digest, Sha256};

use super::keys::SigningIdentity;
use super::{cms, find, has_pdf_header, not_pdf, pdf_date, signing_failed, CONTENTS_CAPACITY};
use crate::Result;

/// Written as each `/ByteRange` number before patching. lopdf prints integers without padding,
/// so ten digits reserve the width for offsets of files up to 9.9 GB.
const BYTE_RANGE_PLACEHOLDER: i64 = 9_999_999_999;

/// What to put into the signature dictionary besides the signature itself.
#[derive(Debug, Clone)]
pub struct SignRequest<'a> {
    /// Goes into `/M`. CAdES forbids a signing-time attribute in the CMS, so this is the
    /// signing time readers show.
    pub signing_time: chrono::DateTime<chrono::Utc>,
    /// `/Reason`, e.g. "维修报告确认".
    pub reason: &'a str,
    /// `/Location`, e.g. the site name; omitted when `None` or empty.
    pub location: Option<&'a str>,
}

/// Sign a finished PDF: incremental update appending a `/Sig` field covering the whole original
/// file; returns the signed bytes. `reason` goes into `/Reason`, `signing_time` into `/M`.
pub fn sign_pdf(
    pdf: &[u8],
    id: &SigningIdentity,
    signing_time: chrono::DateTime<chrono::Utc>,
    reason: &str,
) -> Result<Vec<u8>> {
    sign_pdf_with(
        pdf,
        id,
        &SignRequest {
            signing_time,
            reason,
            location: None,
        },
    )
}

/// [`sign_pdf`] with every signature-dictionary option.
///
/// Signing an already signed file adds a second signature that covers the first one; the first
/// stays valid for the revision it signed (readers report it as "not the whole document").
pub fn sign_pdf_with(pdf: &[u8], id: &SigningIdentity, req: &SignRequest<'_>) -> Result<Vec<u8>> {
    if !has_pdf_header(pdf) {
        return Err(not_pdf("no %PDF header"));
    }
    let doc = Document::load_mem(pdf).map_err(not_pdf)?;
    // Re-encrypting the appended objects is possible in lopdf, but a report we produce is never
    // encrypted, and a signature over content the signer cannot read is not one to make.
    if doc.is_encrypted() || doc.was_encrypted() || doc.trailer.has(b"Encrypt") {
        return Err(signing_failed("encrypted PDFs are not signed"));
    }
    let mut inc = IncrementalDocument::create_from(pdf.to_vec(), doc);
    add_signature_objects(&mut inc, id, req)?;

    let mut out = Vec::with_capacity(pdf.len() + 2 * CONTENTS_CAPACITY + 4096);
    inc.save_to(&mut out).map_err(signing_failed)?;

    // The only `/ByteRange` and the only all-zero hex string of this size after the original
    // bytes are ours: objects of earlier revisions are not re-written.
    let appended = pdf.len();
    let (range_open, range_close) = locate_byte_range(&out, appended)?;
    let contents_at = locate_contents(&out, appended)?;
    let gap_end = contents_at + 2 * CONTENTS_CAPACITY + 2;
    if range_close > contents_at && range_open < gap_end {
        return Err(signing_failed("placeholders overlap"));
    }
    let ranges = [0, contents_at, gap_end, out.len() - gap_end];
    let text = format!("{} {} {} {}", ranges[0], ranges[1], ranges[2], ranges[3]);
    let width = range_close - range_open - 1;
    if text.len() > width {
        return Err(signing_failed(
            "file too large for the byte range placeholder",
        ));
    }
    out[range_open + 1..range_close].copy_from_slice(format!("{text:<width$}").as_bytes());

    let mut hasher = Sha256::new();
    hasher.update(&out[..contents_at]);
    hasher.update(&out[gap_end..]);
    let digest = hasher.finalize();

    let blob = cms::build_detached(id, &digest)?;
    if blob.len() > CONTENTS_CAPACITY {
        return Err(signing_failed(format!(
            "signature of {} bytes exceeds the {} reserved",
            blob.len(),
            CONTENTS_CAPACITY
        )));
    }
    let hex = hex::encode_upper(&blob);
    out[contents_at + 1..contents_at + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// Adds the signature dictionary, the invisible widget on page 1, the page's `/Annots` entry
/// and the `/AcroForm` field.
fn add_signature_objects(
    inc: &mut IncrementalDocument,
    id: &SigningIdentity,
    req: &SignRequest<'_>,
) -> Result<()> {
    let prev = inc.get_prev_documents();
    let root_id = prev
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| not_pdf("no document catalog"))?;
    let page_id = *prev
        .get_pages()
        .values()
        .next()
        .ok_or_else(|| not_pdf("the document has no page"))?;
    let taken = field_names(prev, root_id);
    // Field names must be unique in the form; count up past any already used.
    let field_name = (1..)
        .map(|n| format!("weibao_signature_{n}"))
        .find(|name| !taken.contains(name))
        .unwrap_or_default();

    let mut sig = dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "ByteRange" => vec![Object::Integer(0), Object::Integer(BYTE_RANGE_PLACEHOLDER),
            Object::Integer(BYTE_RANGE_PLACEHOLDER), Object::Integer(BYTE_RANGE_PLACEHOLDER)],
        "Contents" => Object::String(vec![0u8; CONTENTS_CAPACITY], StringFormat::Hexadecimal),
        "M" => Object::string_literal(pdf_date(req.signing_time)),
        "Name" => lopdf::text_string(&id.common_name()),
    };
    if !req.reason.trim().is_empty() {
        sig.set("Reason", lopdf::text_string(req.reason.trim()));
    }
    if let Some(location) = req.location.map(str::trim).filter(|l| !l.is_empty()) {
        sig.set("Location", lopdf::text_string(location));
    }
    let sig_id = inc.new_document.add_object(sig);

    // Field and widget merged in one dictionary; a zero rectangle makes it invisible, and
    // Print|Locked (4 + 128) keeps viewers from offering to move or clear it.
    let widget = dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "T" => Object::string_literal(field_name),
        "V" => sig_id,
        "Rect" => vec![0.into(), 0.into(), 0.into(), 0.into()],
        "F" => 132,
        "P" => page_id,
    };
    let widget_id = inc.new_document.add_object(widget);

    push_to_array(inc, page_id, b"Annots", widget_id)?;
    add_to_acroform(inc, root_id, widget_id)
}

/// The `/T` names of the top-level fields of the catalog's `/AcroForm`, following references.
fn field_names(doc: &Document, root_id: ObjectId) -> Vec<String> {
    let fields = doc
        .get_dictionary(root_id)
        .and_then(|root| root.get(b"AcroForm"))
        .and_then(|f| deref(doc, f))
        .and_then(Object::as_dict)
        .and_then(|f| f.get(b"Fields"))
        .and_then(|f| deref(doc, f))
        .and_then(Object::as_array);
    fields
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| deref(doc, f).and_then(Object::as_dict).ok())
                .filter_map(|f| f.get(b"T").ok())
                .filter_map(|t| lopdf::decode_text_string(t).ok())
                .collect()
        })
        .unwrap_or_default()
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> lopdf::Result<&'a Object> {
    match obj {
        Object::Reference(r) => doc.get_object(*r),
        other => Ok(other),
    }
}

/// Appends `item` to the array under `key` of object `owner`, whether that array is inline, an
/// indirect object, or missing (then created inline). Existing entries are kept: the report's
/// own links or an earlier signature must survive.
fn push_to_array(
    inc: &mut IncrementalDocument,
    owner: ObjectId,
    key: &[u8],
    item: ObjectId,
) -> Result<()> {
    inc.opt_clone_object_to_new_document(owner)
        .map_err(signing_failed)?;
    let target = inc
        .new_document
        .get_dictionary(owner)
        .map_err(signing_failed)?
        .get(key)
        .ok()
        .cloned();
    match target {
        Some(Object::Reference(array_id)) => {
            inc.opt_clone_object_to_new_document(array_id)
                .map_err(signing_failed)?;
            let array = inc
                .new_document
                .get_object_mut(array_id)
                .and_then(Object::as_array_mut)
                .map_err(signing_failed)?;
            array.push(Object::Reference(item));
        }
        Some(Object::Array(mut array)) => {
            array.push(Object::Reference(item));
            set_key(inc, owner, key, Object::Array(array))?;
        }
        _ => set_key(
            inc,
            owner,
            key,
            Object::Array(vec![Object::Reference(item)]),
        )?,
    }
    Ok(())
}

fn set_key(
    inc: &mut IncrementalDocument,
    owner: ObjectId,
    key: &[u8],
    value: Object,
) -> Result<()> {
    inc.new_document
        .get_dictionary_mut(owner)
        .map_err(signing_failed)?
        .set(key.to_vec(), value);
    Ok(())
}

/// Registers the field in `/AcroForm` with `/SigFlags 3` (SignaturesExist | AppendOnly: tells
/// editors that saving must be incremental or the signature breaks).
fn add_to_acroform(
    inc: &mut IncrementalDocument,
    root_id: ObjectId,
    field: ObjectId,
) -> Result<()> {
    inc.opt_clone_object_to_new_document(root_id)
        .map_err(signing_failed)?;
    let form = inc
        .new_document
        .get_dictionary(root_id)
        .map_err(signing_failed)?
        .get(b"AcroForm")
        .ok()
        .cloned();
    match form {
        Some(Object::Reference(form_id)) => {
            inc.opt_clone_object_to_new_document(form_id)
                .map_err(signing_failed)?;
            push_to_array(inc, form_id, b"Fields", field)?;
            set_key(inc, form_id, b"SigFlags", Object::Integer(3))
        }
        Some(Object::Dictionary(mut dict)) => {
            match dict.get(b"Fields").ok().cloned() {
                Some(Object::Reference(fields_id)) => {
                    inc.opt_clone_object_to_new_document(fields_id)
                        .map_err(signing_failed)?;
                    inc.new_document
                        .get_object_mut(fields_id)
                        .and_then(Object::as_array_mut)
                        .map_err(signing_failed)?
                        .push(Object::Reference(field));
                }
                Some(Object::Array(mut fields)) => {
                    fields.push(Object::Reference(field));
                    dict.set("Fields", fields);
                }
                _ => dict.set("Fields", vec![Object::Reference(field)]),
            }
            dict.set("SigFlags", 3);
            set_key(inc, root_id, b"AcroForm", Object::Dictionary(dict))
        }
        _ => {
            let form: Dictionary = dictionary! {
                "Fields" => vec![Object::Reference(field)],
                "SigFlags" => 3,
            };
            let form_id = inc.new_document.add_object(form);
            set_key(inc, root_id, b"AcroForm", Object::Reference(form_id))
        }
    }
}

/// Positions of `[` and `]` of our `/ByteRange` placeholder in the appended part.
fn locate_byte_range(out: &[u8], from: usize) -> Result<(usize, usize)> {
    let missing = || signing_failed("byte range placeholder not found in the update");
    let key = from + find(&out[from..], b"/ByteRange").ok_or_else(missing)?;
    let open = key + find(&out[key..], b"[").ok_or_else(missing)?;
    let close = open + find(&out[open..], b"]").ok_or_else(missing)?;
    let inside = &out[open + 1..close];
    let expected = BYTE_RANGE_PLACEHOLDER.to_string();
    if inside
        .split(|b| b.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .count()
        != 4
        || find(inside, expected.as_bytes()).is_none()
    {
        return Err(missing());
    }
    Ok((open, close))
}

/// Position of the `<` of our all-zero `/Contents` placeholder in the appended part.
fn locate_contents(out: &[u8], from: usize) -> Result<usize> {
    let mut needle = Vec::with_capacity(2 * CONTENTS_CAPACITY + 2);
    needle.push(b'<');
    needle.resize(2 * CONTENTS_CAPACITY + 1, b'0');
    needle.push(b'>');
    find(&out[from..], &needle)
        .map(|at| from + at)
        .ok_or_else(|| signing_failed("contents placeholder not found in the update"))
}
