//! Detached CMS `SignedData` (RFC 5652) in the CAdES-BES shape that PAdES readers expect.
//!
//! CAdES (`ETSI.CAdES.detached`) differs from plain `adbe.pkcs7.detached` in two ways that
//! readers check: the signed attributes must carry ESS signing-certificate-v2 (binding the
//! signature to the exact certificate, so it cannot be swapped for another one with the same
//! key) and must *not* carry signing-time (the time lives in the PDF's `/M` instead).

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{OctetString, SetOfVec};
use der::referenced::OwnedToRef;
use der::{Any, Decode, Encode, Reader, SliceReader, Tagged};
use p256::ecdsa::{DerSignature, VerifyingKey};
use sha2::{Digest, Sha256};
use signature::Verifier;
use spki::{AlgorithmIdentifierOwned, ObjectIdentifier};
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::Certificate;

use super::keys::{common_name_of, SigningIdentity};
use super::signing_failed;
use crate::Result;

const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
/// id-ecPublicKey: some signers put the key algorithm instead of ecdsa-with-SHA256 here.
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const OID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const OID_SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
/// id-aa-signingCertificateV2 (RFC 5035).
const OID_SIGNING_CERT_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// Signs `digest` (SHA-256 of the PDF byte ranges) and returns the DER `ContentInfo`.
pub(super) fn build_detached(id: &SigningIdentity, digest: &[u8]) -> Result<Vec<u8>> {
    let cert = id.certificate();
    let econtent = EncapsulatedContentInfo {
        econtent_type: OID_DATA,
        econtent: None,
    };
    let sha256 = AlgorithmIdentifierOwned {
        oid: OID_SHA256,
        parameters: None,
    };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: cert.tbs_certificate.issuer.clone(),
        serial_number: cert.tbs_certificate.serial_number.clone(),
    });
    let mut signer =
        SignerInfoBuilder::new(id.signer(), sid, sha256.clone(), &econtent, Some(digest))
            .map_err(signing_failed)?;
    signer
        .add_signed_attribute(signing_certificate_v2(cert)?)
        .map_err(signing_failed)?;

    let mut builder = SignedDataBuilder::new(&econtent);
    builder
        .add_digest_algorithm(sha256)
        .map_err(signing_failed)?
        .add_certificate(CertificateChoices::Certificate(cert.clone()))
        .map_err(signing_failed)?
        .add_signer_info::<_, DerSignature>(signer)
        .map_err(signing_failed)?;
    let content_info = builder.build().map_err(signing_failed)?;
    content_info.to_der().map_err(signing_failed)
}

/// ESS signing-certificate-v2, hand-encoded because cms 0.2 has no type for it:
///
/// ```text
/// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
/// ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING,          -- hashAlgorithm omitted: SHA-256 is DEFAULT
///                            issuerSerial SEQUENCE { issuer GeneralNames, serialNumber INTEGER } }
/// GeneralNames ::= SEQUENCE OF GeneralName; directoryName [4] EXPLICIT Name
/// ```
fn signing_certificate_v2(cert: &Certificate) -> Result<Attribute> {
    let cert_der = cert.to_der().map_err(signing_failed)?;
    let issuer = cert
        .tbs_certificate
        .issuer
        .to_der()
        .map_err(signing_failed)?;
    let serial = cert
        .tbs_certificate
        .serial_number
        .to_der()
        .map_err(signing_failed)?;
    let hash = Sha256::digest(&cert_der);

    let general_names = tlv(0x30, &tlv(0xa4, &issuer));
    let issuer_serial = tlv(0x30, &[general_names, serial].concat());
    let ess_cert_id = tlv(0x30, &[tlv(0x04, &hash), issuer_serial].concat());
    let value = tlv(0x30, &tlv(0x30, &ess_cert_id));

    let value = Any::from_der(&value).map_err(signing_failed)?;
    Ok(Attribute {
        oid: OID_SIGNING_CERT_V2,
        values: SetOfVec::try_from(vec![value]).map_err(signing_failed)?,
    })
}

/// One DER tag-length-value with a definite length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// What checking a CMS blob found: the signer's name whenever a certificate could be read,
/// and the first reason it does not verify, if any.
pub(super) struct CmsCheck {
    pub signer: String,
    pub problem: Option<String>,
}

/// Checks a detached CMS blob (trailing zero padding from `/Contents` allowed) against the
/// SHA-256 of the signed bytes.
pub(super) fn verify_detached(blob: &[u8], digest: &[u8]) -> CmsCheck {
    let mut signer = String::new();
    let problem = check(blob, digest, &mut signer).err();
    CmsCheck { signer, problem }
}

fn check(blob: &[u8], digest: &[u8], signer_name: &mut String) -> Result<(), String> {
    // `/Contents` is padded with zeros after the DER value; read exactly one value.
    let mut reader = SliceReader::new(blob).map_err(|e| format!("CMS unreadable: {e}"))?;
    let info: ContentInfo = reader
        .decode()
        .map_err(|e| format!("CMS unreadable: {e}"))?;
    if info.content_type != OID_SIGNED_DATA {
        return Err(format!("CMS is not SignedData but {}", info.content_type));
    }
    let signed: SignedData = info
        .content
        .decode_as()
        .map_err(|e| format!("SignedData unreadable: {e}"))?;
    if signed.encap_content_info.econtent.is_some() {
        return Err("CMS is not detached (it embeds content)".into());
    }
    if signed.encap_content_info.econtent_type != OID_DATA {
        return Err("CMS does not sign plain data (eContentType is not id-data)".into());
    }
    let mut infos = signed.signer_infos.0.iter();
    let si = match (infos.next(), infos.next()) {
        (Some(si), None) => si,
        (None, _) => return Err("CMS has no signer".into()),
        (Some(_), Some(_)) => return Err("CMS has more than one signer".into()),
    };
    let cert = signer_certificate(&signed, si)?;
    *signer_name = common_name_of(cert).unwrap_or_default();

    if si.digest_alg.oid != OID_SHA256 {
        return Err(format!(
            "unsupported digest algorithm {}",
            si.digest_alg.oid
        ));
    }
    if !signed.digest_algorithms.iter().any(|a| a.oid == OID_SHA256) {
        return Err("SignedData does not list the signer's digest algorithm".into());
    }
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or("CMS has no signed attributes")?;
    let mut message_digest = None;
    let mut content_type_ok = false;
    for attr in attrs.iter() {
        let mut values = attr.values.iter();
        let value = match (values.next(), values.next()) {
            (Some(v), None) => v,
            _ => return Err(format!("attribute {} must have one value", attr.oid)),
        };
        if attr.oid == OID_MESSAGE_DIGEST {
            let md: OctetString = value
                .decode_as()
                .map_err(|e| format!("message digest unreadable: {e}"))?;
            message_digest = Some(md.as_bytes().to_vec());
        } else if attr.oid == OID_CONTENT_TYPE {
            let ct: ObjectIdentifier = value
                .decode_as()
                .map_err(|e| format!("content type unreadable: {e}"))?;
            content_type_ok = ct == OID_DATA;
        } else if attr.oid == OID_SIGNING_CERT_V2 {
            check_signing_certificate_v2(value, cert)?;
        }
    }
    if !content_type_ok {
        return Err("content-type attribute missing or not id-data".into());
    }
    match message_digest {
        Some(md) if md == digest => {}
        Some(_) => return Err("document digest does not match: the file was altered".into()),
        None => return Err("message-digest attribute missing".into()),
    }

    let alg = &si.signature_algorithm.oid;
    if *alg != OID_ECDSA_SHA256 && *alg != OID_EC_PUBLIC_KEY {
        return Err(format!("unsupported signature algorithm {alg}"));
    }
    let key = VerifyingKey::try_from(cert.tbs_certificate.subject_public_key_info.owned_to_ref())
        .map_err(|e| format!("signer key is not P-256: {e}"))?;
    let sig = DerSignature::try_from(si.signature.as_bytes())
        .map_err(|e| format!("signature value unreadable: {e}"))?;
    // The signature covers the DER SET OF the attributes, not their [0] IMPLICIT form.
    let signed_der = attrs
        .to_der()
        .map_err(|e| format!("signed attributes unreadable: {e}"))?;
    key.verify(&signed_der, &sig)
        .map_err(|_| "the CMS signature does not verify with the signer's certificate".to_string())
}

/// The embedded certificate the signer identifier points at.
fn signer_certificate<'a>(
    signed: &'a SignedData,
    si: &SignerInfo,
) -> Result<&'a Certificate, String> {
    let certs = signed
        .certificates
        .as_ref()
        .ok_or("the signer's certificate is not embedded")?;
    certs
        .0
        .iter()
        .filter_map(|c| match c {
            CertificateChoices::Certificate(cert) => Some(cert),
            _ => None,
        })
        .find(|cert| match &si.sid {
            SignerIdentifier::IssuerAndSerialNumber(isn) => {
                isn.issuer == cert.tbs_certificate.issuer
                    && isn.serial_number == cert.tbs_certificate.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => cert
                .tbs_certificate
                .extensions
                .iter()
                .flatten()
                .filter(|ext| ext.extn_id == OID_SUBJECT_KEY_ID)
                .any(|ext| {
                    SubjectKeyIdentifier::from_der(ext.extn_value.as_bytes())
                        .is_ok_and(|own| own == *ski)
                }),
        })
        .ok_or_else(|| "the signer's certificate is not embedded".to_string())
}

/// If ESS signing-certificate-v2 is present, its first certificate hash must be the SHA-256
/// (the default, the only one we accept) of the embedded signer certificate.
fn check_signing_certificate_v2(value: &Any, cert: &Certificate) -> Result<(), String> {
    let bad = |what: &str| format!("signing-certificate-v2 attribute {what}");
    // SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies OPTIONAL }: walk it as nested
    // SEQUENCE OF ANY so unknown optional parts are tolerated.
    let first = |any: &Any| -> Result<Any, String> {
        let items: Vec<Any> = any.decode_as().map_err(|_| bad("unreadable"))?;
        items.into_iter().next().ok_or_else(|| bad("is empty"))
    };
    let ess_cert_id: Vec<Any> = first(&first(value)?)?
        .decode_as()
        .map_err(|_| bad("unreadable"))?;
    let mut fields = ess_cert_id.iter();
    let mut hash_field = fields.next().ok_or_else(|| bad("is empty"))?;
    // hashAlgorithm is present only when it is not the SHA-256 default.
    if hash_field.tag() != der::Tag::OctetString {
        let alg: AlgorithmIdentifierOwned =
            hash_field.decode_as().map_err(|_| bad("unreadable"))?;
        if alg.oid != OID_SHA256 {
            return Err(bad("uses a hash other than SHA-256"));
        }
        hash_field = fields
            .next()
            .ok_or_else(|| bad("has no certificate hash"))?;
    }
    let hash: OctetString = hash_field.decode_as().map_err(|_| bad("unreadable"))?;
    let cert_der = cert.to_der().map_err(|_| bad("unreadable"))?;
    if hash.as_bytes() != Sha256::digest(&cert_der).as_slice() {
        return Err(bad("names a different certificate"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlv_uses_definite_long_form_lengths() {
        assert_eq!(tlv(0x04, &[1, 2]), vec![0x04, 2, 1, 2]);
        let long = tlv(0x04, &[0u8; 300]);
        assert_eq!(&long[..4], &[0x04, 0x82, 0x01, 0x2c]);
        assert_eq!(long.len(), 304);
    }
}
