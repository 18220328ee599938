//! PDF digital signatures (issue 5): signed with `weibao::report::sign`, checked by real readers
//! (poppler's `pdfsig`, `pdftotext`, OpenSSL) as well as by our own `verify_pdf`.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};
use weibao::report::sign::{
    sign_pdf, sign_pdf_with, verify_pdf, SignRequest, SigningIdentity, Verification,
};

const CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

fn signing_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 9, 30, 0).unwrap()
}

/// A two-page A4 report with Chinese text, made the way the renderer makes them (krilla).
fn sample_pdf() -> &'static [u8] {
    static PDF: OnceLock<Vec<u8>> = OnceLock::new();
    PDF.get_or_init(|| {
        use krilla::geom::Point;
        use krilla::page::PageSettings;
        use krilla::text::{Font, TextDirection};
        let data = std::fs::read(CJK_FONT).expect("fonts-noto-cjk is installed");
        let font = Font::new(data.into(), 2).expect("face 2 is Noto Sans CJK SC");
        let mut doc = krilla::Document::new();
        for (i, line) in ["巡检记录 张伟 收费站 A3 车道", "第 2 页 客户签字"]
            .iter()
            .enumerate()
        {
            let mut page = doc.start_page_with(PageSettings::from_wh(595.0, 842.0).unwrap());
            let mut surface = page.surface();
            surface.draw_text(
                Point::from_xy(60.0, 100.0 + 20.0 * i as f32),
                font.clone(),
                16.0,
                line,
                false,
                TextDirection::Auto,
            );
            surface.finish();
            page.finish();
        }
        doc.finish().expect("krilla writes the PDF")
    })
}

fn engineer() -> &'static SigningIdentity {
    static ID: OnceLock<SigningIdentity> = OnceLock::new();
    ID.get_or_init(|| {
        SigningIdentity::generate("张伟", "华安维保服务有限公司", signing_time()).unwrap()
    })
}

fn signed_sample() -> &'static [u8] {
    static PDF: OnceLock<Vec<u8>> = OnceLock::new();
    PDF.get_or_init(|| {
        sign_pdf_with(
            sample_pdf(),
            engineer(),
            &SignRequest {
                signing_time: signing_time(),
                reason: "巡检记录确认",
                location: Some("G15 沈海高速 朱桥收费站"),
            },
        )
        .unwrap()
    })
}

fn write_temp(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `pdfsig` stdout + stderr (it reports some problems on stderr).
fn pdfsig(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(dir.path(), "report.pdf", pdf);
    let out = Command::new("pdfsig")
        .arg(&path)
        .output()
        .expect("poppler-utils (pdfsig) is installed");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The four `/ByteRange` numbers of the last signature, read textually like a reader does.
fn byte_range(pdf: &[u8]) -> [usize; 4] {
    let text = String::from_utf8_lossy(pdf);
    let at = text.rfind("/ByteRange").unwrap();
    let open = at + text[at..].find('[').unwrap();
    let close = open + text[open..].find(']').unwrap();
    let nums: Vec<usize> = text[open + 1..close]
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    nums.try_into().unwrap()
}

fn assert_valid(v: &Verification, signer: &str) {
    assert!(v.valid, "expected valid, got {v:?}");
    assert_eq!(v.problem, None);
    assert_eq!(v.signer, signer);
    assert_eq!(v.signing_time, Some(signing_time()));
    assert!(v.covers_whole_file);
}

#[test]
fn pdfsig_and_verify_pdf_accept_the_signature_and_show_the_chinese_signer() {
    let signed = signed_sample();
    // Incremental update: the unsigned report is untouched at the start of the signed file.
    assert!(signed.starts_with(sample_pdf()));

    let report = pdfsig(signed);
    assert!(
        report.contains("Signature Validation: Signature is Valid."),
        "{report}"
    );
    assert!(
        report.contains("Signer Certificate Common Name: 张伟"),
        "{report}"
    );
    assert!(report.contains("Total document signed"), "{report}");
    assert!(report.contains("ETSI.CAdES.detached"), "{report}");
    assert!(report.contains("Signature #1"), "{report}");
    assert!(!report.contains("Signature #2"), "{report}");

    let v = verify_pdf(signed).unwrap();
    assert_valid(&v, "张伟");
    assert_eq!(
        v.sha256_hex,
        format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(signed))
    );

    // The text layer still reads back after signing.
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(dir.path(), "signed.pdf", signed);
    let text = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("巡检记录"));
}

#[test]
fn one_flipped_byte_in_either_signed_range_fails_pdfsig_and_verify_pdf() {
    let signed = signed_sample();
    let [_, gap_start, gap_end, tail] = byte_range(signed);
    assert_eq!(gap_end + tail, signed.len());
    let positions = [
        0,                      // the %PDF header
        gap_start / 3,          // the original report body
        sample_pdf().len() - 3, // the original %%EOF
        gap_start - 40,         // the signature dictionary before /Contents
        gap_end + 2,            // the signature dictionary after /Contents
        gap_end + tail / 2,     // the update's widget / xref
        signed.len() - 2,       // the final %%EOF
    ];
    for at in positions {
        let mut tampered = signed.to_vec();
        tampered[at] ^= 0x01;
        match verify_pdf(&tampered) {
            Ok(v) => {
                assert!(!v.valid, "byte {at} flipped but verify_pdf says valid");
                assert!(v.problem.is_some(), "byte {at}: no problem named");
            }
            // 40 bytes before /Contents are the /ByteRange digits: a changed number leaves no
            // sane range to check, which is a typed error rather than a verdict.
            Err(e) => assert_eq!(e.kind(), "bad_signature_range", "byte {at}: {e:?}"),
        }
        let report = pdfsig(&tampered);
        assert!(
            !report.contains("Signature is Valid"),
            "byte {at} flipped but pdfsig says valid:\n{report}"
        );
    }
}

#[test]
fn a_changed_signature_value_or_appended_bytes_are_not_valid() {
    let signed = signed_sample();
    let [_, gap_start, _, _] = byte_range(signed);

    let blob_len = cms_blob(signed).len();
    let flip_hex_digit = |pdf: &mut [u8], blob_byte: usize| {
        let at = gap_start + 1 + 2 * blob_byte + 1;
        pdf[at] = if pdf[at] == b'0' { b'1' } else { b'0' };
    };

    // The ECDSA value at the end of the CMS blob (outside the byte ranges, but it is the
    // signature itself).
    let mut tampered = signed.to_vec();
    flip_hex_digit(&mut tampered, blob_len - 10);
    let v = verify_pdf(&tampered).unwrap();
    assert!(!v.valid);
    assert_eq!(v.signer, "张伟", "the certificate is still readable");
    assert!(!pdfsig(&tampered).contains("Signature is Valid"));

    // The embedded certificate's validity dates: the ECDSA value still verifies with the key,
    // but ESS signing-certificate-v2 binds the signature to the exact certificate. (pdfsig
    // 22.12 does not check that binding and still reports this one as valid.)
    let cert = engineer().certificate_der();
    let cms = cms_blob(signed);
    let cert_at = cms.windows(cert.len()).position(|w| w == cert).unwrap();
    let not_after = cert_at + cert.windows(2).rposition(|w| w == [0x17, 0x0d]).unwrap();
    let mut tampered = signed.to_vec();
    flip_hex_digit(&mut tampered, not_after + 3);
    let v = verify_pdf(&tampered).unwrap();
    assert!(!v.valid);
    assert!(
        v.problem
            .as_deref()
            .unwrap()
            .contains("signing-certificate-v2"),
        "{v:?}"
    );

    // Content appended after signing: the signed revision is intact but the file is not.
    let mut appended = signed.to_vec();
    appended.extend_from_slice(b"\n% appended after signing\n");
    let v = verify_pdf(&appended).unwrap();
    assert!(!v.valid);
    assert!(!v.covers_whole_file);
    assert_eq!(v.signer, "张伟");
}

#[test]
fn unsigned_and_non_pdf_input_are_typed_errors() {
    let e = verify_pdf(sample_pdf()).unwrap_err();
    assert_eq!(e.kind(), "no_signature");

    let mut noise = Vec::with_capacity(4096);
    let mut x: u32 = 0x2545_f491;
    for _ in 0..4096 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.push(x as u8);
    }
    assert_eq!(verify_pdf(&noise).unwrap_err().kind(), "not_pdf");
    assert_eq!(verify_pdf(b"").unwrap_err().kind(), "not_pdf");
    let e = sign_pdf(&noise, engineer(), signing_time(), "x").unwrap_err();
    assert_eq!(e.kind(), "not_pdf");
    let half = &sample_pdf()[..sample_pdf().len() / 2];
    assert!(verify_pdf(half).is_err());
}

#[test]
fn key_and_certificate_survive_a_pem_round_trip() {
    let id = engineer();
    let (key_pem, cert_pem) = id.to_pem().unwrap();
    assert!(key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let back = SigningIdentity::from_pem(&key_pem, &cert_pem).unwrap();
    assert_eq!(back.certificate_der(), id.certificate_der());
    assert_eq!(back.common_name(), "张伟");

    // The restored key signs files that verify.
    let signed = sign_pdf(sample_pdf(), &back, signing_time(), "").unwrap();
    assert_valid(&verify_pdf(&signed).unwrap(), "张伟");

    // OpenSSL reads the name as UTF-8, and the cert as an end-entity signing certificate.
    let dir = tempfile::tempdir().unwrap();
    let cert_path = write_temp(dir.path(), "cert.pem", cert_pem.as_bytes());
    let out = Command::new("openssl")
        .args([
            "x509",
            "-noout",
            "-subject",
            "-ext",
            "basicConstraints,keyUsage",
        ])
        .args(["-nameopt", "utf8,sep_comma_plus"])
        .arg("-in")
        .arg(&cert_path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CN=张伟"), "{text}");
    assert!(text.contains("O=华安维保服务有限公司"), "{text}");
    assert!(text.contains("CA:FALSE"), "{text}");
    assert!(text.contains("Digital Signature"), "{text}");

    // A certificate for another key is refused, as is garbage.
    let other = SigningIdentity::generate("李娜", "", signing_time()).unwrap();
    let (_, other_cert) = other.to_pem().unwrap();
    let e = SigningIdentity::from_pem(&key_pem, &other_cert).unwrap_err();
    assert_eq!(e.kind(), "bad_key");
    let e = SigningIdentity::from_pem("not a key", &cert_pem).unwrap_err();
    assert_eq!(e.kind(), "bad_key");
    let e = SigningIdentity::generate("  ", "华安", signing_time()).unwrap_err();
    assert_eq!(e.kind(), "invalid");
}

#[test]
fn signing_a_signed_file_again_adds_a_second_valid_signature() {
    let office =
        SigningIdentity::generate("李娜（审核）", "华安维保服务有限公司", signing_time()).unwrap();
    let twice = sign_pdf(signed_sample(), &office, signing_time(), "办公室审核").unwrap();
    assert!(twice.starts_with(signed_sample()));

    let report = pdfsig(&twice);
    assert!(report.contains("Signature #2"), "{report}");
    assert_eq!(
        report
            .matches("Signature Validation: Signature is Valid.")
            .count(),
        2,
        "{report}"
    );
    assert!(report.contains("Common Name: 李娜（审核）"), "{report}");
    // The first signature still covers exactly its own revision.
    assert!(report.contains("Not total document signed"), "{report}");
    assert_valid(&verify_pdf(&twice).unwrap(), "李娜（审核）");
}

/// A PDF shaped unlike krilla's: an inline `/AcroForm` with a text field and a page whose
/// `/Annots` is an indirect array holding a link, so signing must extend both in place.
fn lopdf_pdf_with_form_and_link() -> Vec<u8> {
    use lopdf::{dictionary, Document, Object};
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let page_id = doc.new_object_id();
    let link = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Link",
        "Rect" => vec![10.into(), 10.into(), 50.into(), 20.into()],
    });
    let text_field = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget",
        "FT" => "Tx", "T" => Object::string_literal("remark"),
        "Rect" => vec![0.into(), 0.into(), 0.into(), 0.into()], "P" => page_id,
    });
    let annots = doc.add_object(vec![Object::Reference(link), Object::Reference(text_field)]);
    doc.objects.insert(
        page_id,
        Object::Dictionary(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Annots" => annots,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog", "Pages" => pages_id,
        "AcroForm" => dictionary! { "Fields" => vec![Object::Reference(text_field)] },
    });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn existing_form_fields_and_annotations_are_kept() {
    let pdf = lopdf_pdf_with_form_and_link();
    let signed = sign_pdf(&pdf, engineer(), signing_time(), "确认").unwrap();
    assert!(pdfsig(&signed).contains("Signature is Valid."));
    assert_valid(&verify_pdf(&signed).unwrap(), "张伟");

    let doc = lopdf::Document::load_mem(&signed).unwrap();
    let page = doc.get_pages()[&1];
    let annots = doc.get_page_annotations(page).unwrap();
    let subtypes: Vec<_> = annots
        .iter()
        .map(|a| a.get(b"Subtype").unwrap().as_name().unwrap().to_vec())
        .collect();
    assert_eq!(subtypes, [&b"Link"[..], b"Widget", b"Widget"]);
    let root = doc.catalog().unwrap();
    let form = root.get(b"AcroForm").unwrap().as_dict().unwrap();
    assert_eq!(form.get(b"SigFlags").unwrap().as_i64().unwrap(), 3);
    assert_eq!(form.get(b"Fields").unwrap().as_array().unwrap().len(), 2);
}

/// The DER CMS blob of the last signature, without the zero padding of `/Contents`.
fn cms_blob(pdf: &[u8]) -> Vec<u8> {
    let [_, gap_start, gap_end, _] = byte_range(pdf);
    let hex_text = std::str::from_utf8(&pdf[gap_start + 1..gap_end - 1]).unwrap();
    let mut blob = hex::decode(hex_text).unwrap();
    // The DER length says where the blob ends (SEQUENCE, 0x82, 16-bit length).
    assert_eq!(&blob[..2], &[0x30, 0x82]);
    let der_len = 4 + u16::from_be_bytes([blob[2], blob[3]]) as usize;
    blob.truncate(der_len);
    blob
}

#[test]
fn openssl_verifies_the_extracted_cades_blob() {
    let signed = signed_sample();
    let [_, gap_start, gap_end, tail] = byte_range(signed);
    let blob = cms_blob(signed);
    let mut content = signed[..gap_start].to_vec();
    content.extend_from_slice(&signed[gap_end..gap_end + tail]);

    let dir = tempfile::tempdir().unwrap();
    let sig = write_temp(dir.path(), "sig.der", &blob);
    let data = write_temp(dir.path(), "data.bin", &content);
    let out = Command::new("openssl")
        .args(["cms", "-verify", "-binary", "-noverify", "-inform", "DER"])
        .arg("-in")
        .arg(&sig)
        .arg("-content")
        .arg(&data)
        .args(["-out", "/dev/null"])
        .output()
        .unwrap();
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{msg}");
    assert!(msg.contains("Verification successful"), "{msg}");

    // CAdES shape: signing-certificate-v2 present, no signing-time.
    let out = Command::new("openssl")
        .args(["cms", "-cmsout", "-print", "-inform", "DER", "-in"])
        .arg(&sig)
        .output()
        .unwrap();
    let dump = String::from_utf8_lossy(&out.stdout);
    assert!(dump.contains("signingCertificateV2"), "{dump}");
    assert!(!dump.contains("signingTime"), "{dump}");

    // And a different content no longer verifies.
    let mut other = content.clone();
    other[10] ^= 1;
    let data = write_temp(dir.path(), "other.bin", &other);
    let out = Command::new("openssl")
        .args(["cms", "-verify", "-binary", "-noverify", "-inform", "DER"])
        .arg("-in")
        .arg(&sig)
        .arg("-content")
        .arg(&data)
        .args(["-out", "/dev/null"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
