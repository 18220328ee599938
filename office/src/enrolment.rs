//! Laptops bound to engineers (`POST /sync/v1/enrol`, `docs/sync.md` "Enrolment") and the
//! engineers' records in the office replica.
//!
//! An engineer's token, their record in the replica (`engineer`, with the report-number
//! prefix) and their laptop share one id. The laptop list lives in the auth file beside the
//! tokens: which installation belongs to whom and its registered certificate are office
//! concerns, not synced data. One engineer has one active laptop: two laptops under one
//! report prefix could give two reports one number.

use crate::auth::{Auth, Caller, Engineer};
use crate::routes::{bearer, blocking, caller, check_versions, lock};
use crate::{AppError, AppResult, DataDir, Office};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::sync::Arc;
use weibao::store::Store;
use weibao::sync::enrol::{EnrolAnswer, EnrolRequest};
use weibao::{Error, Result};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS office_laptop (
    installation TEXT PRIMARY KEY,
    engineer_id  TEXT NOT NULL REFERENCES office_engineer(id),
    hostname     TEXT,
    cert_sha256  TEXT,
    cert_pem     TEXT,
    enrolled_at  TEXT NOT NULL
) STRICT;
";

/// A laptop as the office lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Laptop {
    pub installation: String,
    pub engineer_id: String,
    pub hostname: Option<String>,
    pub cert_sha256: Option<String>,
    pub enrolled_at: String,
}

/// Add an engineer: their record in the office replica (reusing one of that name, e.g. from
/// the demo data, so their history stays theirs) and their token. `prefix` is the report-number
/// prefix; by default the record's own, or the first free `EA`, `EB`, … `EZ`, `EAA`, …
/// (the core's rule: 2–6 letters).
pub fn add_engineer(
    data: &DataDir,
    name: &str,
    sites: &str,
    prefix: Option<&str>,
) -> Result<(Engineer, String, String)> {
    let mut auth = data.open_auth()?;
    let mut store = data.open_store()?;
    add_engineer_with(&mut auth, &mut store, name, sites, prefix)
}

/// [`add_engineer`] on an open auth file and replica (the admin endpoint's).
pub fn add_engineer_with(
    auth: &mut Auth,
    store: &mut Store,
    name: &str,
    sites: &str,
    prefix: Option<&str>,
) -> Result<(Engineer, String, String)> {
    if auth.list()?.iter().any(|e| e.name == name.trim()) {
        return Err(Error::invalid(
            "name",
            format!("工程师「{}」已存在", name.trim()),
            format!("engineer '{}' already exists", name.trim()),
        ));
    }
    let (id, prefix) = replica_engineer(store, name, prefix)?;
    let (e, token) = auth.add_as(&id, name, sites)?;
    Ok((e, token, prefix))
}

/// The replica's engineer of that name, or a new one under the office's company.
fn replica_engineer(
    store: &mut Store,
    name: &str,
    prefix: Option<&str>,
) -> Result<(String, String)> {
    let name = name.trim();
    let found: Option<(String, String)> = store
        .conn()
        .query_row(
            "SELECT id, report_prefix FROM engineer WHERE name = ?1 AND deleted = 0",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some(found) = found {
        return Ok(found);
    }
    let taken: Vec<String> = store
        .conn()
        .prepare("SELECT report_prefix FROM engineer WHERE deleted = 0")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let prefix = match prefix.map(|p| p.trim().to_ascii_uppercase()) {
        Some(p) if taken.contains(&p) => {
            return Err(Error::invalid(
                "prefix",
                format!("报告编号前缀「{p}」已被其他工程师使用"),
                format!("report prefix '{p}' is already another engineer's"),
            ))
        }
        Some(p) => p,
        None => free_prefixes()
            .find(|p| !taken.contains(p))
            .ok_or_else(|| Error::invalid("prefix", "没有可用的前缀", "no free prefix"))?,
    };
    let company: Option<String> = store
        .conn()
        .query_row(
            "SELECT company_id FROM engineer WHERE deleted = 0 ORDER BY name LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let e = store.write(|tx| {
        let company = match company {
            Some(c) => c,
            None => weibao::org::add_company(tx, "维保服务", None, None)?.id,
        };
        weibao::org::add_engineer(tx, &company, name, None, &prefix)
    })?;
    Ok((e.id, e.report_prefix))
}

/// `EA`…`EZ`, then `EAA`…`EZZ`, then `EAAA`…`EZZZ`: 18,278 engineers.
fn free_prefixes() -> impl Iterator<Item = String> {
    let letters = || (b'A'..=b'Z').map(char::from);
    let two = move || letters().flat_map(move |a| letters().map(move |b| format!("{a}{b}")));
    letters()
        .map(|a| format!("E{a}"))
        .chain(two().map(|ab| format!("E{ab}")))
        .chain(letters().flat_map(move |a| two().map(move |bc| format!("E{a}{bc}"))))
}

/// Every enrolled laptop.
pub fn laptops(auth: &Auth) -> Result<Vec<Laptop>> {
    ensure_schema(auth)?;
    let mut st = auth.conn().prepare(
        "SELECT installation, engineer_id, hostname, cert_sha256, enrolled_at
         FROM office_laptop ORDER BY enrolled_at",
    )?;
    let rows = st.query_map([], |r| {
        Ok(Laptop {
            installation: r.get(0)?,
            engineer_id: r.get(1)?,
            hostname: r.get(2)?,
            cert_sha256: r.get(3)?,
            enrolled_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The installation an engineer's laptop is, once enrolled (for checking pushes).
pub fn laptop_of(auth: &Auth, engineer_id: &str) -> Result<Option<String>> {
    ensure_schema(auth)?;
    Ok(auth
        .conn()
        .query_row(
            "SELECT installation FROM office_laptop WHERE engineer_id = ?1",
            [engineer_id],
            |r| r.get(0),
        )
        .optional()?)
}

fn ensure_schema(auth: &Auth) -> Result<()> {
    auth.conn().execute_batch(SCHEMA)?;
    Ok(())
}

/// `POST /sync/v1/enrol`: bind the caller's laptop, register its certificate when sent.
pub async fn enrol(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<EnrolAnswer>> {
    check_versions(&headers)?;
    let token = bearer(&headers)?;
    let body = crate::routes::decode(&headers, body, 1024 * 1024)?;
    blocking(move || {
        let who = caller(&office, &token)?;
        let req: EnrolRequest = serde_json::from_slice(&body).map_err(|e| {
            AppError::invalid(
                "body",
                format!("绑定请求无效：{e}"),
                format!("the enrolment request is not valid: {e}"),
            )
        })?;
        if uuid::Uuid::parse_str(&req.installation).is_err() {
            return Err(AppError::invalid(
                "installation",
                "安装编号不是 UUID".into(),
                "the installation id is not a UUID".into(),
            ));
        }
        // A laptop that already writes as another engineer cannot become this one: refused
        // before anything is bound, so it never blocks the engineer's real laptop.
        if req.engineer_id.as_ref().is_some_and(|id| *id != who.engineer_id) {
            return Err(conflict(
                "enrolled_elsewhere",
                format!("这台电脑已以另一位工程师的身份工作，不能绑定为「{}」：请为该工程师使用新的数据库", who.name),
                format!("this laptop already works as another engineer and cannot be bound to '{}': use a new database for them", who.name),
            ));
        }
        let cert = match &req.certificate {
            Some(pem) => Some((weibao::report::keys::fingerprint(pem)?, pem.clone())),
            None => None,
        };
        let (name, prefix) = {
            let store = lock(&office.store)?;
            store
                .conn()
                .query_row(
                    "SELECT name, report_prefix FROM engineer WHERE id = ?1 AND deleted = 0",
                    [&who.engineer_id],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
                )
                .optional()
                .map_err(Error::from)?
                .ok_or_else(|| no_record(&who))?
        };
        let auth = lock(&office.auth)?;
        bind(&auth, &who, &req, cert.as_ref())?;
        tracing::info!(engineer = %who.name, installation = %req.installation,
            certificate = cert.as_ref().map(|c| c.0.as_str()).unwrap_or("-"), "enrol");
        Ok(Json(EnrolAnswer {
            engineer_id: who.engineer_id.clone(),
            name,
            report_prefix: prefix,
            certificate_sha256: cert.map(|c| c.0),
        }))
    })
    .await
}

/// Bind `req.installation` to the caller (idempotent), refusing a laptop of someone else's and
/// a second laptop for one engineer.
fn bind(
    auth: &Auth,
    who: &Caller,
    req: &EnrolRequest,
    cert: Option<&(String, String)>,
) -> AppResult<()> {
    ensure_schema(auth)?;
    let conn = auth.conn();
    let bound: Option<String> = conn
        .query_row(
            "SELECT engineer_id FROM office_laptop WHERE installation = ?1",
            [&req.installation],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::from)?;
    match bound {
        Some(e) if e != who.engineer_id => {
            return Err(conflict(
                "installation_taken",
                "这台电脑已绑定另一位工程师".into(),
                "this laptop is already bound to another engineer".into(),
            ))
        }
        Some(_) => {}
        None => {
            if let Some(other) = laptop_of(auth, &who.engineer_id)? {
                return Err(conflict(
                    "already_enrolled",
                    format!("工程师「{}」已绑定另一台电脑（{other}）：同一报告前缀不能在两台电脑上使用；请办公室先停用旧电脑", who.name),
                    format!("engineer '{}' is already enrolled on another laptop ({other}): one report prefix cannot be used on two laptops; ask the office to retire the old one", who.name),
                ));
            }
            conn.execute(
                "INSERT INTO office_laptop(installation, engineer_id, hostname, enrolled_at)
                 VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    req.installation,
                    who.engineer_id,
                    req.hostname
                        .as_deref()
                        .map(|h| h.chars().take(100).collect::<String>()),
                    chrono::Utc::now().to_rfc3339()
                ],
            )
            .map_err(Error::from)?;
        }
    }
    if let Some((sha, pem)) = cert {
        conn.execute(
            "UPDATE office_laptop SET cert_sha256 = ?2, cert_pem = ?3 WHERE installation = ?1",
            rusqlite::params![req.installation, sha, pem],
        )
        .map_err(Error::from)?;
    }
    Ok(())
}

/// A push must come from the caller's laptop: an installation bound to someone else is
/// refused, and a first push from an unenrolled laptop binds it (as enrolment without a
/// certificate), so that one engineer's changes always come from one laptop.
pub fn check_laptop(auth: &Auth, who: &Caller, installation: &str) -> AppResult<()> {
    let req = EnrolRequest {
        installation: installation.to_string(),
        certificate: None,
        hostname: None,
        engineer_id: None,
    };
    bind(auth, who, &req, None).map_err(|e| match e {
        AppError::Http { kind, zh, en, .. } => {
            AppError::new(StatusCode::FORBIDDEN, kind, zh, en).with_field("installation")
        }
        other => other,
    })
}

/// Retire an engineer's laptop (a stolen or replaced one), so that another can be enrolled.
pub fn retire(auth: &Auth, installation: &str) -> Result<bool> {
    ensure_schema(auth)?;
    Ok(auth.conn().execute(
        "DELETE FROM office_laptop WHERE installation = ?1",
        [installation],
    )? > 0)
}

fn no_record(who: &Caller) -> AppError {
    AppError::new(
        StatusCode::CONFLICT,
        "no_engineer_record",
        format!(
            "办公室数据中没有工程师「{}」的档案：请办公室重新添加该工程师",
            who.name
        ),
        format!(
            "the office data has no record of engineer '{}': ask the office to add them again",
            who.name
        ),
    )
}

fn conflict(kind: &'static str, zh: String, en: String) -> AppError {
    AppError::new(StatusCode::CONFLICT, kind, zh, en).with_field("installation")
}

#[cfg(test)]
mod tests {
    #[test]
    fn office_prefixes_are_distinct_letters_in_the_cores_length() {
        let all: Vec<String> = super::free_prefixes().collect();
        assert_eq!(all.len(), 26 + 26 * 26 + 26 * 26 * 26);
        let unique: std::collections::HashSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
        assert!(all
            .iter()
            .all(|p| (2..=6).contains(&p.len()) && p.chars().all(|c| c.is_ascii_uppercase())));
        assert_eq!(all[0], "EA");
        assert_eq!(all[26], "EAA");
    }
}
