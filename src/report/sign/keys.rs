//! The engineer's signing identity: a P-256 key pair and a self-signed X.509 certificate.
//!
//! P-256 rather than RSA because poppler, OpenSSL and pyHanko all verify ECDSA signatures, keys
//! are generated instantly on a lane laptop, and it needs no extra crate (`rsa` would add a
//! second big dependency tree). The certificate is self-signed for now (the office will issue
//! real ones later), so readers show the signature as *valid* but the signer as *untrusted*.

use std::fmt;
use std::time::{Duration, SystemTime};

use der::asn1::{BmpString, Ia5StringRef, PrintableStringRef, SetOfVec, Utf8StringRef};
use der::pem::LineEnding;
use der::referenced::OwnedToRef;
use der::{Any, DecodePem, Encode, EncodePem, Tag, Tagged};
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use pkcs8::{DecodePrivateKey, EncodePrivateKey};
use spki::{
    AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey, ObjectIdentifier,
    SubjectPublicKeyInfoOwned,
};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

use super::bad_key;
use crate::{Error, Result};

/// id-at-commonName.
const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
/// id-at-organizationName.
const OID_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");

/// How long a self-signed engineer certificate stays valid. Long, because a report signed today
/// is checked years later and an expired self-signed certificate only adds noise; the office
/// CA will set its own terms.
const VALIDITY: Duration = Duration::from_secs(10 * 366 * 24 * 3600);

/// Certificates are back-dated a little so that a laptop whose clock runs slightly behind the
/// one that generated the key does not sign "before" the certificate exists.
const BACKDATE: Duration = Duration::from_secs(24 * 3600);

/// id-ecdsa-with-SHA256 (RFC 5758), parameters absent.
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// The P-256 key as the x509/cms builders want it.
///
/// `SigningKey` itself only advertises its algorithm identifier when `sha2` is built with its
/// `oid` feature; naming ecdsa-with-SHA256 here keeps that detail out of the shared manifest.
/// The signature is the same: `SigningKey` hashes with SHA-256 for P-256.
#[derive(Clone)]
pub(super) struct P256Signer(SigningKey);

impl signature::Keypair for P256Signer {
    type VerifyingKey = VerifyingKey;

    fn verifying_key(&self) -> VerifyingKey {
        *self.0.verifying_key()
    }
}

impl DynSignatureAlgorithmIdentifier for P256Signer {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        Ok(AlgorithmIdentifierOwned {
            oid: OID_ECDSA_SHA256,
            parameters: None,
        })
    }
}

impl signature::Signer<DerSignature> for P256Signer {
    fn try_sign(&self, msg: &[u8]) -> Result<DerSignature, signature::Error> {
        signature::Signer::<DerSignature>::try_sign(&self.0, msg)
    }
}

/// An engineer's private key and the certificate that names them.
///
/// `Debug` never prints the key.
#[derive(Clone)]
pub struct SigningIdentity {
    key: P256Signer,
    cert: Certificate,
    cert_der: Vec<u8>,
}

impl fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningIdentity")
            .field("common_name", &self.common_name())
            .finish_non_exhaustive()
    }
}

impl SigningIdentity {
    /// New P-256 key pair and self-signed certificate with the engineer's name as CN (UTF-8, so
    /// Chinese names survive) and the company as O.
    pub fn generate(
        common_name: &str,
        organisation: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Self> {
        let common_name = common_name.trim();
        if common_name.is_empty() {
            return Err(Error::invalid(
                "common_name",
                "签名证书需要工程师姓名",
                "the signing certificate needs the engineer's name",
            ));
        }
        let subject = utf8_name(common_name, organisation.trim()).map_err(bad_key)?;
        let key = P256Signer(SigningKey::random(&mut rand::rngs::OsRng));

        let now = SystemTime::from(now);
        let not_before = now.checked_sub(BACKDATE).unwrap_or(now);
        let not_after = now.checked_add(VALIDITY).unwrap_or(now);
        let validity = Validity {
            not_before: Time::try_from(not_before).map_err(bad_key)?,
            not_after: Time::try_from(not_after).map_err(bad_key)?,
        };

        // RFC 5280 wants a positive serial of at most 20 octets with enough entropy that two
        // engineers never collide; 16 random bytes with the top bit clear and a non-zero lead.
        let mut serial = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut serial);
        serial[0] = (serial[0] & 0x7f) | 0x01;
        let serial = SerialNumber::new(&serial).map_err(bad_key)?;

        let spki = SubjectPublicKeyInfoOwned::from_key(*key.0.verifying_key()).map_err(bad_key)?;
        // A leaf profile (CA:false, digitalSignature + nonRepudiation) issued by itself: a
        // document-signing certificate, not a CA that could issue others.
        let profile = Profile::Leaf {
            issuer: subject.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        };
        let builder = CertificateBuilder::new(profile, serial, validity, subject, spki, &key)
            .map_err(bad_key)?;
        let cert = builder.build::<DerSignature>().map_err(bad_key)?;
        Self::from_parts(key, cert)
    }

    /// PKCS#8 private key PEM and certificate PEM, for the engineer profile on disk.
    pub fn to_pem(&self) -> Result<(String, String)> {
        let key_pem = self.key.0.to_pkcs8_pem(LineEnding::LF).map_err(bad_key)?;
        let cert_pem = self.cert.to_pem(LineEnding::LF).map_err(bad_key)?;
        Ok((key_pem.to_string(), cert_pem))
    }

    /// Loads a key and certificate saved by [`Self::to_pem`] (or issued by the office), and
    /// refuses a pair whose certificate names a different key: signing with it would produce
    /// reports that no reader accepts.
    pub fn from_pem(key_pem: &str, cert_pem: &str) -> Result<Self> {
        let key = SigningKey::from_pkcs8_pem(key_pem)
            .map_err(|e| bad_key(format!("private key: {e}")))?;
        let cert = Certificate::from_pem(cert_pem.trim().as_bytes())
            .map_err(|e| bad_key(format!("certificate: {e}")))?;
        Self::from_parts(P256Signer(key), cert)
    }

    fn from_parts(key: P256Signer, cert: Certificate) -> Result<Self> {
        let cert_key =
            VerifyingKey::try_from(cert.tbs_certificate.subject_public_key_info.owned_to_ref())
                .map_err(|e| bad_key(format!("certificate key is not P-256: {e}")))?;
        if &cert_key != key.0.verifying_key() {
            return Err(bad_key(
                "the certificate does not belong to this private key",
            ));
        }
        // Also fail early on a certificate that could not be encoded into the CMS blob.
        key.0.verifying_key().to_public_key_der().map_err(bad_key)?;
        let cert_der = cert.to_der().map_err(bad_key)?;
        Ok(Self {
            key,
            cert,
            cert_der,
        })
    }

    /// The DER certificate, as embedded in every signature.
    pub fn certificate_der(&self) -> Vec<u8> {
        self.cert_der.clone()
    }

    /// The certificate's subject CN (the engineer's name), empty if it has none.
    pub fn common_name(&self) -> String {
        common_name_of(&self.cert).unwrap_or_default()
    }

    pub(super) fn signer(&self) -> &P256Signer {
        &self.key
    }

    pub(super) fn certificate(&self) -> &Certificate {
        &self.cert
    }
}

/// Builds `CN=…, O=…` with UTF8String values by hand instead of parsing an RFC 4514 string, so a
/// company name containing `,` `+` or `=` needs no escaping and cannot change the structure.
fn utf8_name(common_name: &str, organisation: &str) -> der::Result<Name> {
    let mut rdns = Vec::new();
    if !organisation.is_empty() {
        rdns.push(rdn(OID_O, organisation)?);
    }
    rdns.push(rdn(OID_CN, common_name)?);
    Ok(RdnSequence(rdns))
}

fn rdn(oid: ObjectIdentifier, value: &str) -> der::Result<RelativeDistinguishedName> {
    let atv = AttributeTypeAndValue {
        oid,
        value: Any::new(Tag::Utf8String, value.as_bytes())?,
    };
    Ok(RelativeDistinguishedName(SetOfVec::try_from(vec![atv])?))
}

/// The most specific CN of a certificate subject, decoded whatever string type the issuer used
/// (office CAs may use PrintableString or BMPString instead of UTF8String).
pub(super) fn common_name_of(cert: &Certificate) -> Option<String> {
    cert.tbs_certificate
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .filter(|atv| atv.oid == OID_CN)
        .filter_map(|atv| any_to_string(&atv.value))
        .next_back()
}

fn any_to_string(value: &Any) -> Option<String> {
    match value.tag() {
        Tag::Utf8String => Utf8StringRef::try_from(value).ok().map(|s| s.to_string()),
        Tag::PrintableString => PrintableStringRef::try_from(value)
            .ok()
            .map(|s| s.to_string()),
        Tag::Ia5String => Ia5StringRef::try_from(value).ok().map(|s| s.to_string()),
        Tag::BmpString => value.decode_as::<BmpString>().ok().map(|s| s.to_string()),
        _ => Some(String::from_utf8_lossy(value.value()).into_owned()),
    }
}
