//! The admin commands as HTTP endpoints (`/admin/v1/…`), for the office web app to come: the
//! same functions as `weibao-office engineer …`, `laptop …` and `demo`, behind admin tokens.
//!
//! Admin tokens are a kind of their own (`weibao-office admin add NAME`, table
//! `office_admin_token` in the auth file): an engineer's sync token is refused here (403) and
//! an admin token cannot sync (401 there), so a laptop's token can never manage the office.
//! Staff accounts with passwords and sessions come with the office web app.

use crate::auth::{constant_time_eq, hash, new_token, Auth, Engineer};
use crate::enrolment::{self, Laptop};
use crate::routes::{bearer, blocking, check_versions, lock};
use crate::{AppError, AppResult, Office};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use weibao::{Error, Result};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS office_admin_token (
    token_sha256 TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;
";

/// Make an admin token (shown once; only its hash is kept).
pub fn add_admin(auth: &Auth, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid(
            "name",
            "名称不能为空，且不超过 100 个字",
            "the name must be 1 to 100 characters",
        ));
    }
    auth.conn().execute_batch(SCHEMA)?;
    let token = new_token();
    auth.conn().execute(
        "INSERT INTO office_admin_token(token_sha256, name, created_at) VALUES (?1, ?2, ?3)",
        rusqlite::params![hash(&token), name, chrono::Utc::now().to_rfc3339()],
    )?;
    Ok(token)
}

/// The admin a token belongs to, compared in constant time with every admin hash.
fn admin(auth: &Auth, token: &str) -> Result<Option<String>> {
    auth.conn().execute_batch(SCHEMA)?;
    let wanted = Sha256::digest(token.as_bytes());
    let mut st = auth
        .conn()
        .prepare_cached("SELECT token_sha256, name FROM office_admin_token")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut found = None;
    for row in rows {
        let (stored, name) = row?;
        if constant_time_eq(&hex::decode(stored).unwrap_or_default(), &wanted) {
            found = Some(name);
        }
    }
    Ok(found)
}

pub fn router() -> Router<Arc<Office>> {
    Router::new()
        .route(
            "/admin/v1/engineers",
            get(list_engineers).post(add_engineer),
        )
        .route("/admin/v1/engineers/{who}/revoke", post(revoke_engineer))
        .route("/admin/v1/laptops", get(list_laptops))
        .route(
            "/admin/v1/laptops/{installation}/retire",
            post(retire_laptop),
        )
        .route("/admin/v1/demo", post(load_demo))
}

/// Versions, then an admin token: an engineer's token is told it may not (403).
fn check_admin(office: &Office, headers: &HeaderMap) -> AppResult<String> {
    check_versions(headers)?;
    let token = bearer(headers)?;
    let auth = lock(&office.auth)?;
    if let Some(name) = admin(&auth, &token)? {
        return Ok(name);
    }
    if auth.check(&token)?.is_some() {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "工程师的同步令牌不能管理办公室".into(),
            "an engineer's sync token cannot manage the office".into(),
        ));
    }
    Err(AppError::unauthenticated())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewEngineer {
    name: String,
    sites: String,
    #[serde(default)]
    prefix: Option<String>,
}

#[derive(Serialize)]
struct AddedEngineer {
    engineer: Engineer,
    report_prefix: String,
    /// Shown once: only its hash is kept.
    token: String,
}

async fn list_engineers(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
) -> AppResult<Json<Vec<Engineer>>> {
    blocking(move || {
        check_admin(&office, &headers)?;
        Ok(Json(lock(&office.auth)?.list()?))
    })
    .await
}

async fn add_engineer(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<AddedEngineer>> {
    blocking(move || {
        let who = check_admin(&office, &headers)?;
        let req: NewEngineer = serde_json::from_slice(&body).map_err(|e| {
            AppError::invalid(
                "body",
                format!("请求内容无效：{e}"),
                format!("the request is not valid: {e}"),
            )
        })?;
        let mut auth = lock(&office.auth)?;
        let mut store = lock(&office.store)?;
        let (engineer, token, report_prefix) = enrolment::add_engineer_with(
            &mut auth,
            &mut store,
            &req.name,
            &req.sites,
            req.prefix.as_deref(),
        )?;
        tracing::info!(admin = %who, engineer = %engineer.name, "engineer added");
        Ok(Json(AddedEngineer {
            engineer,
            report_prefix,
            token,
        }))
    })
    .await
}

async fn revoke_engineer(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
    Path(who): Path<String>,
) -> AppResult<Json<Engineer>> {
    blocking(move || {
        let admin = check_admin(&office, &headers)?;
        let e = lock(&office.auth)?.revoke(&who)?;
        tracing::info!(%admin, engineer = %e.name, "engineer revoked");
        Ok(Json(e))
    })
    .await
}

async fn list_laptops(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
) -> AppResult<Json<Vec<Laptop>>> {
    blocking(move || {
        check_admin(&office, &headers)?;
        Ok(Json(enrolment::laptops(&*lock(&office.auth)?)?))
    })
    .await
}

async fn retire_laptop(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
    Path(installation): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    blocking(move || {
        let admin = check_admin(&office, &headers)?;
        if !enrolment::retire(&*lock(&office.auth)?, &installation)? {
            return Err(Error::not_found("laptop", installation).into());
        }
        tracing::info!(%admin, %installation, "laptop retired");
        Ok(Json(serde_json::json!({"retired": installation})))
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Demo {
    #[serde(default)]
    scale: Option<usize>,
}

async fn load_demo(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<serde_json::Value>> {
    blocking(move || {
        let admin = check_admin(&office, &headers)?;
        let demo: Demo = if body.is_empty() {
            Demo::default()
        } else {
            serde_json::from_slice(&body).map_err(|e| {
                AppError::invalid(
                    "body",
                    format!("请求内容无效：{e}"),
                    format!("the request is not valid: {e}"),
                )
            })?
        };
        let scale = demo.scale;
        let mut store = lock(&office.store)?;
        let sum = weibao::demo::load(&mut store, scale, &mut |_, _| {})?;
        tracing::info!(%admin, devices = sum.devices, "demo loaded");
        Ok(Json(
            serde_json::json!({"devices": sum.devices, "sites": sum.sites}),
        ))
    })
    .await
}
