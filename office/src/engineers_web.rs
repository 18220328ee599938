//! Engineers from the office web app (administrator only): the list with the sites each covers
//! and their open work, enrolment (the token shown once, as text and as a QR code the laptop's
//! enrol form can be filled from), a change of sites, and revocation. The same functions as
//! `weibao-office engineer …` ([`crate::enrolment`], [`crate::auth::Auth`]); a revoked token
//! is refused at the engineer's next sync, and a change of sites reaches the laptop with it.

use crate::auth::Engineer;
use crate::enrolment;
use crate::routes::{blocking, lock};
use crate::staff_web::{access, body, StaffCaller};
use crate::{AppResult, Office};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use weibao::org::SiteView;

pub fn router() -> Router<Arc<Office>> {
    Router::new()
        .route("/api/v1/engineers", get(list).post(enrol))
        .route("/api/v1/engineers/{who}/sites", post(assign))
        .route("/api/v1/engineers/{who}/revoke", post(revoke))
}

/// One engineer as the list shows them.
#[derive(Serialize)]
pub struct EngineerRow {
    #[serde(flatten)]
    engineer: Engineer,
    /// Open work orders assigned to them in the office replica.
    open_work_orders: usize,
}

#[derive(Serialize)]
pub struct Engineers {
    engineers: Vec<EngineerRow>,
    /// Every site, for choosing which an engineer covers.
    sites: Vec<SiteView>,
}

async fn list(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Engineers>> {
    caller.require(access::ENGINEERS)?;
    blocking(move || {
        let engineers = lock(&office.auth)?.list()?;
        let store = lock(&office.store)?;
        // The board's own count of open work per engineer, so the two screens agree.
        let load = weibao::views::board::candidates(&store, None)?;
        let rows = engineers
            .into_iter()
            .map(|e| EngineerRow {
                open_work_orders: load
                    .iter()
                    .find(|c| c.id == e.id)
                    .map_or(0, |c| c.open_load),
                engineer: e,
            })
            .collect();
        Ok(Json(Engineers {
            engineers: rows,
            sites: weibao::org::sites(&store)?,
        }))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEngineer {
    name: String,
    /// `all`, or site ids separated by commas.
    sites: String,
    #[serde(default)]
    prefix: Option<String>,
}

/// A new engineer with their token: shown once, only its hash is kept.
#[derive(Serialize)]
pub struct Enrolled {
    engineer: Engineer,
    report_prefix: String,
    token: String,
    /// The token as a QR code (SVG).
    token_qr_svg: String,
}

async fn enrol(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<NewEngineer>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Enrolled>)> {
    caller.require(access::ENGINEERS)?;
    let req = body(b)?;
    blocking(move || {
        let mut auth = lock(&office.auth)?;
        let mut store = lock(&office.store)?;
        let (engineer, token, report_prefix) = enrolment::add_engineer_with(
            &mut auth,
            &mut store,
            &req.name,
            &req.sites,
            req.prefix.as_deref(),
        )?;
        let token_qr_svg = weibao::labels::qr::encode(&token)?.to_svg();
        tracing::info!(staff = %caller.session.staff.name, engineer = %engineer.name, "engineer enrolled");
        Ok((
            StatusCode::CREATED,
            Json(Enrolled {
                engineer,
                report_prefix,
                token,
                token_qr_svg,
            }),
        ))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sites {
    sites: String,
}

async fn assign(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(who): Path<String>,
    b: Result<Json<Sites>, JsonRejection>,
) -> AppResult<Json<Engineer>> {
    caller.require(access::ENGINEERS)?;
    let req = body(b)?;
    blocking(move || {
        let (e, _before) = lock(&office.auth)?.assign(&who, &req.sites)?;
        Ok(Json(e))
    })
    .await
}

async fn revoke(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(who): Path<String>,
) -> AppResult<Json<Engineer>> {
    caller.require(access::ENGINEERS)?;
    blocking(move || {
        let e = lock(&office.auth)?.revoke(&who)?;
        tracing::info!(staff = %caller.session.staff.name, engineer = %e.name, "engineer revoked");
        Ok(Json(e))
    })
    .await
}
