//! The device archive at the office: a device's archive with its whole history, read with the
//! purpose when its level is logged (the core logs the read under the person logged in), and
//! refused above the role's clearance. Who may read how secret an archive is the office's own
//! table ([`clearance`]); the comparison and the refusal are the core's
//! ([`weibao::views::archive::open_cleared`]).

use crate::routes::{blocking, lock};
use crate::staff::Role;
use crate::staff_web::{access, StaffCaller};
use crate::{AppError, AppResult, Office};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::Arc;
use weibao::domain::device::Confidentiality;
use weibao::views::archive::ArchiveView;

pub fn router() -> Router<Arc<Office>> {
    Router::new().route("/api/v1/archive/{code}", get(open))
}

/// The most secret archive a role may read: the archive keeper and the technical lead read
/// 秘密 archives (with a purpose, logged); the service centre reads up to 内部.
pub fn clearance(role: Role) -> Confidentiality {
    match role {
        Role::Archivist | Role::TechLead => Confidentiality::Secret,
        Role::Dispatcher | Role::Admin => Confidentiality::Internal,
    }
}

#[derive(Deserialize)]
pub struct Purpose {
    purpose: Option<String>,
}

async fn open(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(code): Path<String>,
    q: Result<Query<Purpose>, QueryRejection>,
) -> AppResult<Json<ArchiveView>> {
    caller.require(access::DEVICES)?;
    let q = q.map(|Query(v)| v).map_err(|e| {
        AppError::invalid(
            "query",
            format!("查询参数无效：{}", e.body_text()),
            format!("the query is not valid: {}", e.body_text()),
        )
    })?;
    let who = caller.author();
    let level = clearance(caller.session.staff.role);
    blocking(move || {
        let mut store = lock(&office.store)?;
        Ok(Json(store.with_author(&who, |s| {
            weibao::views::archive::open_cleared(s, &code, q.purpose.as_deref(), level)
        })?))
    })
    .await
}
