//! The device archive at the office: a device's archive with its whole history, read with the
//! purpose when its level is logged (the core logs the read under the person logged in), and
//! refused above the role's clearance. Who may read how secret an archive is the office's own
//! table ([`clearance`]); the comparison and the refusal are the core's
//! ([`weibao::views::archive::open_cleared`]).

use crate::routes::{blocking, lock};
use crate::staff::Role;
use crate::staff_web::{access, body, StaffCaller};
use crate::{AppError, AppResult, Office};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::Arc;
use weibao::domain::device::Confidentiality;
use weibao::inventory::{ImportOptions, ImportOutcome, Upload};
use weibao::paper_archive;
use weibao::views::archive::ArchiveView;

pub fn router() -> Router<Arc<Office>> {
    Router::new()
        .route("/api/v1/archive/{code}", get(open))
        .route("/api/v1/import", post(import))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    files: Vec<Upload>,
    #[serde(default)]
    dry_run: bool,
}

/// The office's XLSX/CSV inventory files, checked (a dry run answers what would change or
/// every bad cell) or imported all or nothing: the core's import, as the CLI and the desktop
/// run it, written under the name of the person logged in. The body limit (`--max-body-mb`)
/// bounds the files.
async fn import(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<ImportBody>, JsonRejection>,
) -> AppResult<Json<ImportOutcome>> {
    caller.require(access::IMPORT)?;
    let who = caller.author();
    let req = body(b)?;
    if req.files.is_empty() {
        return Err(AppError::invalid(
            "files",
            "请选择要导入的台账文件".into(),
            "choose the inventory files to import".into(),
        ));
    }
    blocking(move || {
        let mut store = lock(&office.store)?;
        let opts = ImportOptions {
            kind: None,
            dry_run: req.dry_run,
        };
        Ok(Json(store.with_author(&who, |s| {
            weibao::inventory::import_uploads_outcome(s, &req.files, opts)
        })?))
    })
    .await
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

pub fn room_router() -> Router<Arc<Office>> {
    Router::new()
        .route("/api/v1/archive-access", get(access_log))
        .route("/api/v1/paper-loans", get(loans).post(lend))
        .route("/api/v1/paper-loans/{id}/return", post(give_back))
}

/// Everyone's reads of logged archives, with who and why.
async fn access_log(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Vec<weibao::views::archive::AccessRow>>> {
    caller.require(access::PAPER_ARCHIVE)?;
    blocking(move || {
        Ok(Json(weibao::views::archive::access_log_all(&*lock(
            &office.store,
        )?)?))
    })
    .await
}

async fn loans(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Vec<paper_archive::Loan>>> {
    caller.require(access::PAPER_ARCHIVE)?;
    blocking(move || {
        let store = lock(&office.store)?;
        let today = weibao::checklist::schedule::local_day(store.now());
        Ok(Json(paper_archive::loans(store.conn(), today)?))
    })
    .await
}

async fn lend(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<paper_archive::NewLoan>, JsonRejection>,
) -> AppResult<(StatusCode, Json<paper_archive::Loan>)> {
    caller.require(access::PAPER_ARCHIVE)?;
    let who = caller.author();
    let mut input = body(b)?;
    if input.lent_by.trim().is_empty() {
        input.lent_by = who.clone();
    }
    blocking(move || {
        let mut store = lock(&office.store)?;
        let loan = store.with_author(&who, |s| s.write(|tx| paper_archive::lend(tx, &input)))?;
        Ok((StatusCode::CREATED, Json(loan)))
    })
    .await
}

#[derive(Deserialize)]
pub struct ReturnBody {
    #[serde(default)]
    received_by: String,
}

async fn give_back(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
    b: Result<Json<ReturnBody>, JsonRejection>,
) -> AppResult<Json<paper_archive::Loan>> {
    caller.require(access::PAPER_ARCHIVE)?;
    let who = caller.author();
    let input = body(b)?;
    let received_by = if input.received_by.trim().is_empty() {
        who.clone()
    } else {
        input.received_by
    };
    blocking(move || {
        let mut store = lock(&office.store)?;
        Ok(Json(store.with_author(&who, |s| {
            s.write(|tx| paper_archive::give_back(tx, &id, &received_by))
        })?))
    })
    .await
}
