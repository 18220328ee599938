//! Review at the office: the signed reports that came back from the lanes with their
//! verification judged now, one work order as reviewed (photos, confirmation, reports) and its
//! files, closing after review, the sync conflicts a person resolves, and the technical lead's
//! confirmation of the common-faults table. Every rule is the core's ([`weibao::review`],
//! [`weibao::conflicts`], [`weibao::common_faults`]); this only translates.

use crate::routes::{blocking, lock};
use crate::staff_web::{access, body, StaffCaller};
use crate::{AppResult, Office};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::Arc;
use weibao::conflicts::{self, Conflict};
use weibao::review::{self, ReportFilter, ReportReview, WorkOrderReview};

pub fn router() -> Router<Arc<Office>> {
    Router::new()
        .route("/api/v1/reports", get(reports))
        .route("/api/v1/reports/{number}/pdf", get(report_pdf))
        .route("/api/v1/work-orders/{id}", get(work_order))
        .route("/api/v1/work-orders/{id}/close", post(close))
        .route("/api/v1/blobs/{sha256}", get(blob))
        .route("/api/v1/conflicts", get(list_conflicts))
        .route("/api/v1/conflicts/{key}/resolve", post(resolve))
        // The list (GET) is staff_web's; the methods of one path merge.
        .route("/api/v1/common-faults", post(curate))
}

async fn reports(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Query(f): Query<ReportFilter>,
) -> AppResult<Json<Vec<ReportReview>>> {
    caller.require(access::REVIEW)?;
    blocking(move || Ok(Json(review::reports(&*lock(&office.store)?, &f)?))).await
}

/// A stored file as it is, typed, never cached as anything else: the bytes are addressed by
/// their hash, so a browser may keep them.
fn file(bytes: Vec<u8>, mime: &'static str, name: Option<String>) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    // Report numbers are ASCII (prefix, year, sequence); anything else goes without a name.
    if let Some(v) = name
        .filter(|n| {
            n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        })
        .and_then(|n| HeaderValue::from_str(&format!("inline; filename=\"{n}.pdf\"")).ok())
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

async fn report_pdf(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(number): Path<String>,
) -> AppResult<Response> {
    caller.require(access::REVIEW)?;
    blocking(move || {
        let bytes = review::report_pdf(&*lock(&office.store)?, &number)?;
        Ok(file(bytes, "application/pdf", Some(number)))
    })
    .await
}

async fn work_order(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
) -> AppResult<Json<WorkOrderReview>> {
    caller.require(access::REVIEW)?;
    blocking(move || Ok(Json(review::work_order(&*lock(&office.store)?, &id)?))).await
}

async fn blob(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(sha): Path<String>,
) -> AppResult<Response> {
    caller.require(access::REVIEW)?;
    blocking(move || {
        let (bytes, mime) = review::blob(&*lock(&office.store)?, &sha)?;
        Ok(file(bytes, mime, None))
    })
    .await
}

#[derive(Deserialize)]
struct CloseBody {
    /// The reviewer's remark, kept on the closing step.
    note: Option<String>,
}

/// Close after review; answers the work order as reviewed after the close.
async fn close(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
    b: Result<Json<CloseBody>, JsonRejection>,
) -> AppResult<Json<WorkOrderReview>> {
    caller.require(access::REVIEW)?;
    let input = body(b)?;
    let reviewer = caller.session.staff.name.clone();
    blocking(move || {
        let mut store = lock(&office.store)?;
        let wo = store.with_author(&reviewer, |s| {
            review::close(s, &id, &reviewer, input.note.as_deref())
        })?;
        Ok(Json(review::work_order(&store, &wo.id)?))
    })
    .await
}

#[derive(Deserialize)]
struct ConflictQuery {
    /// Resolved ones too.
    #[serde(default)]
    all: bool,
}

async fn list_conflicts(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Query(q): Query<ConflictQuery>,
) -> AppResult<Json<Vec<Conflict>>> {
    caller.require(access::CONFLICTS)?;
    blocking(move || Ok(Json(conflicts::list(&*lock(&office.store)?, q.all)?))).await
}

#[derive(Deserialize)]
struct ResolveBody {
    note: String,
}

/// Resolve one conflict (its key percent-encoded in the path: keys hold `/`) with a note, a
/// synced record like any change; answers the conflicts still open.
async fn resolve(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(key): Path<String>,
    b: Result<Json<ResolveBody>, JsonRejection>,
) -> AppResult<Json<Vec<Conflict>>> {
    caller.require(access::CONFLICTS)?;
    let who = caller.author();
    let input = body(b)?;
    // The resolution is written as the person logged in; the note carries their name too,
    // for where only the note is shown.
    let note = if input.note.trim().is_empty() {
        String::new()
    } else {
        format!("{}（{}）", input.note.trim(), caller.session.staff.name)
    };
    blocking(move || {
        let mut store = lock(&office.store)?;
        store.with_author(&who, |s| conflicts::resolve(s, &key, &note))?;
        Ok(Json(conflicts::list(&store, false)?))
    })
    .await
}

/// The lead's confirmation of one row; `by` is the person logged in unless given.
#[derive(Deserialize)]
struct CurateBody {
    device_type: String,
    phenomenon: String,
    cause: Option<String>,
    remedy: Option<String>,
    #[serde(default)]
    hidden: bool,
    by: Option<String>,
}

async fn curate(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<CurateBody>, JsonRejection>,
) -> AppResult<Json<weibao::common_faults::Curated>> {
    caller.require(access::COMMON_FAULTS)?;
    let who = caller.author();
    let b = body(b)?;
    let input = weibao::common_faults::CurateInput {
        device_type: b.device_type,
        phenomenon: b.phenomenon,
        cause: b.cause,
        remedy: b.remedy,
        hidden: b.hidden,
        by: b
            .by
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| caller.session.staff.name.clone()),
    };
    blocking(move || {
        let mut store = lock(&office.store)?;
        Ok(Json(store.with_author(&who, |s| {
            s.write(|tx| weibao::common_faults::curate(tx, &input))
        })?))
    })
    .await
}
