//! The dispatch board's endpoints: the open work orders most urgent first, who may take one
//! (the engineers the office assigned to its site, with their open load), and dispatch. The
//! order, the load and what dispatch allows are the core's ([`weibao::views::board`],
//! [`weibao::dispatch`]); the office adds only which engineers cover which sites (its auth
//! file). The engineer's laptop gets the assignment at its next sync, like any change.

use crate::routes::{blocking, lock};
use crate::staff_web::{access, body, StaffCaller};
use crate::{AppResult, Office};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;
use weibao::views::board::{BoardRow, Candidate};
use weibao::work_orders::WorkOrderSummary;

pub async fn board(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Vec<BoardRow>>> {
    caller.require(access::BOARD)?;
    blocking(move || Ok(Json(weibao::views::board::board(&*lock(&office.store)?)?))).await
}

/// The engineers who cover `site` in the office's auth file (not revoked, the site in their
/// sync scope).
fn covering(office: &Office, site: &str) -> AppResult<Vec<String>> {
    let auth = lock(&office.auth)?;
    let mut ids = Vec::new();
    for e in auth.list()? {
        // The sync scope's own reading of `all` / a site list: who may pull a site may take it.
        if e.revoked_at.is_none() && weibao::sync::scope::Scope::parse(&e.sites)?.contains(site) {
            ids.push(e.id);
        }
    }
    Ok(ids)
}

pub async fn candidates(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<Candidate>>> {
    caller.require(access::DISPATCH)?;
    blocking(move || {
        let site = weibao::dispatch::site_of(lock(&office.store)?.conn(), &id)?;
        let allowed = covering(&office, &site)?;
        let store = lock(&office.store)?;
        Ok(Json(weibao::views::board::candidates(
            &store,
            Some(&allowed),
        )?))
    })
    .await
}

#[derive(Deserialize)]
pub struct DispatchBody {
    engineer: String,
}

pub async fn dispatch(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
    b: Result<Json<DispatchBody>, JsonRejection>,
) -> AppResult<Json<WorkOrderSummary>> {
    caller.require(access::DISPATCH)?;
    let body = body(b)?;
    blocking(move || {
        let site = weibao::dispatch::site_of(lock(&office.store)?.conn(), &id)?;
        let allowed = covering(&office, &site)?;
        let mut store = lock(&office.store)?;
        Ok(Json(store.write(|tx| {
            weibao::dispatch::dispatch(tx, &id, &body.engineer, Some(&allowed))
        })?))
    })
    .await
}
