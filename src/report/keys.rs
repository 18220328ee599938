//! The engineer's report-signing key: one P-256 key pair and self-signed certificate per
//! engineer profile, made the first time it is needed and kept in the profile's database.
//!
//! The certificate is a synced record (the office learns who signed what); the private key is
//! kept in the local-only `engineer_secret` table, which the registry never syncs, so it never
//! leaves the laptop.
//! An office-issued certificate can later replace the self-signed one by the same table.

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::org;
use crate::report::sign::SigningIdentity;
use crate::store::{blobs::sha256_hex, new_id, Store};
use crate::{Error, Result};

/// The public part of an engineer's key, as synced and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineerCert {
    pub id: String,
    pub engineer_id: String,
    pub cert_pem: String,
    /// SHA-256 of the DER certificate: the fingerprint printed next to a report's signer.
    pub cert_sha256: String,
    pub created_at: String,
}

/// The engineer's signing identity on this laptop, creating it on first use. The key is named
/// after the engineer (certificate CN) and their company (O).
pub fn ensure(store: &mut Store, engineer_id: &str) -> Result<(SigningIdentity, EngineerCert)> {
    if let Some(found) = load(store.conn(), engineer_id)? {
        return Ok(found);
    }
    let eng = org::engineer(store, engineer_id)?;
    let company: String = store
        .conn()
        .query_row(
            "SELECT name FROM company WHERE id = ?1",
            [&eng.company_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default();
    let identity = SigningIdentity::generate(&eng.name, &company, store.now())?;
    let (key_pem, cert_pem) = identity.to_pem()?;
    let cert_sha256 = sha256_hex(&identity.certificate_der());
    store.write(|tx| {
        // Two windows asking at once: the first one's key wins, the second reuses it.
        if let Some(found) = load(tx.conn(), engineer_id)? {
            return Ok(found);
        }
        let id = new_id();
        let created_at = tx.now().to_rfc3339();
        let cert = EngineerCert {
            id: id.clone(),
            engineer_id: engineer_id.to_string(),
            cert_pem: cert_pem.clone(),
            cert_sha256: cert_sha256.clone(),
            created_at: created_at.clone(),
        };
        tx.insert(
            "engineer_key",
            &id,
            &[
                ("engineer_id", &engineer_id),
                ("cert_pem", &cert_pem),
                ("cert_sha256", &cert_sha256),
                ("created_at", &created_at),
            ],
        )?;
        // Local only: not a registered table, so no change ever carries it.
        tx.conn().execute(
            "INSERT INTO engineer_secret(key_id, engineer_id, key_pem) VALUES (?1, ?2, ?3)",
            rusqlite::params![id, engineer_id, key_pem],
        )?;
        Ok((identity.clone(), cert))
    })
}

/// The engineer's identity on this laptop, if one was made here.
pub fn load(
    conn: &rusqlite::Connection,
    engineer_id: &str,
) -> Result<Option<(SigningIdentity, EngineerCert)>> {
    let row = conn
        .query_row(
            "SELECT k.id, k.engineer_id, k.cert_pem, k.cert_sha256, k.created_at, s.key_pem
             FROM engineer_key k JOIN engineer_secret s ON s.key_id = k.id
             WHERE k.engineer_id = ?1 AND k.deleted = 0
             ORDER BY k.hlc DESC LIMIT 1",
            [engineer_id],
            |r| {
                Ok((
                    EngineerCert {
                        id: r.get(0)?,
                        engineer_id: r.get(1)?,
                        cert_pem: r.get(2)?,
                        cert_sha256: r.get(3)?,
                        created_at: r.get(4)?,
                    },
                    r.get::<_, String>(5)?,
                ))
            },
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((cert, key_pem)) => {
            let identity =
                SigningIdentity::from_pem(&key_pem, &cert.cert_pem).map_err(|e| Error::Report {
                    kind: "bad_key",
                    zh: format!("工程师 {engineer_id} 的签名密钥已损坏：{}", e.message_zh()),
                    en: format!("the signing key of engineer {engineer_id} is damaged: {e}"),
                })?;
            Ok(Some((identity, cert)))
        }
    }
}

/// Every certificate known for an engineer (this laptop's and synced ones), newest first: what
/// the office checks a report's signer against.
pub fn certificates(conn: &rusqlite::Connection, engineer_id: &str) -> Result<Vec<EngineerCert>> {
    let mut st = conn.prepare_cached(
        "SELECT id, engineer_id, cert_pem, cert_sha256, created_at FROM engineer_key
         WHERE engineer_id = ?1 AND deleted = 0 ORDER BY hlc DESC",
    )?;
    let rows = st.query_map([engineer_id], |r| {
        Ok(EngineerCert {
            id: r.get(0)?,
            engineer_id: r.get(1)?,
            cert_pem: r.get(2)?,
            cert_sha256: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The fingerprint of a certificate sent as PEM (SHA-256 of its DER, as `cert_sha256`), or a
/// clear refusal naming `certificate` when it is not one. The office registers a laptop's
/// certificate with it at enrolment.
pub fn fingerprint(cert_pem: &str) -> Result<String> {
    use x509_cert::der::{Decode, DecodePem, Encode};
    let bad = |e: &dyn std::fmt::Display| {
        Error::invalid(
            "certificate",
            format!("证书无效：{e}"),
            format!("the certificate is not valid: {e}"),
        )
    };
    if cert_pem.len() > 64 * 1024 {
        return Err(bad(&"larger than 64 KB"));
    }
    let cert = x509_cert::Certificate::from_pem(cert_pem.trim().as_bytes()).map_err(|e| bad(&e))?;
    let der = cert.to_der().map_err(|e| bad(&e))?;
    // Round trip: the DER must parse back to the same certificate.
    x509_cert::Certificate::from_der(&der).map_err(|e| bad(&e))?;
    Ok(sha256_hex(&der))
}
