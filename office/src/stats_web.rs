//! The customer's quarterly statistics at the office: on screen per customer and quarter (the
//! core's [`weibao::stats`], the same figures the engineer's laptop and the exported files
//! show) and the customer's workbook (statistics, fault register, common faults) as XLSX.

use crate::routes::{blocking, lock};
use crate::staff_web::{access, body, StaffCaller};
use crate::{AppError, AppResult, Office};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use weibao::stats::{self, CommonFault, Scope, Stats};
use weibao::status_report::StoredStatusReport;

pub fn router() -> Router<Arc<Office>> {
    Router::new()
        .route("/api/v1/stats", get(view))
        .route("/api/v1/stats/xlsx", get(xlsx))
        .route(
            "/api/v1/status-reports",
            get(status_reports).post(make_status_report),
        )
        .route(
            "/api/v1/status-reports/{number}/pdf",
            get(status_report_pdf),
        )
}

/// The device status reports (设备运行状态报告) engineers made and signed for customers, newest
/// first, as they arrived with sync.
async fn status_reports(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Vec<StoredStatusReport>>> {
    caller.require(access::STATS)?;
    blocking(move || {
        let store = lock(&office.store)?;
        let mut all = weibao::status_report::all(store.conn())?;
        all.sort_by(|a, b| b.signed_at.cmp(&a.signed_at));
        Ok(Json(all))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStatusReport {
    customer: String,
    quarter: String,
    #[serde(default)]
    site: Option<String>,
}

/// The customer's quarterly device status report made at the office and signed by the service
/// centre ([`weibao::service_centre`]): the same report an engineer makes on the laptop, from
/// the office replica's records. Who asked is in the office's log.
async fn make_status_report(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<NewStatusReport>, JsonRejection>,
) -> AppResult<(StatusCode, Json<StoredStatusReport>)> {
    caller.require(access::STATS)?;
    let req = body(b)?;
    let who = caller.author();
    blocking(move || {
        let scope = Scope::quarter(&req.customer, req.site.as_deref(), &req.quarter)?;
        let assets = weibao::report::ReportAssets::locate()?;
        let mut store = lock(&office.store)?;
        let centre = weibao::service_centre::ensure(&mut store)?;
        let made = store.with_author(&centre, |s| {
            weibao::status_report::make(s, &assets, &scope, weibao::Lang::Zh)
        })?;
        tracing::info!(staff = %who, number = %made.report.number, "status report made at the office");
        Ok((StatusCode::CREATED, Json(made.report)))
    })
    .await
}

/// One signed status report's PDF, checked against its hash; one whose file has not arrived
/// yet is named as such (`blob_pending`), an unknown number is 404.
async fn status_report_pdf(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(number): Path<String>,
) -> AppResult<Response> {
    caller.require(access::STATS)?;
    blocking(move || {
        let store = lock(&office.store)?;
        let r = weibao::status_report::by_number(store.conn(), &number)?
            .ok_or_else(|| weibao::Error::not_found("status_report", number.clone()))?;
        let bytes = weibao::status_report::pdf_of(&store, &r)?;
        let mut res = bytes.into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/pdf"),
        );
        Ok(res)
    })
    .await
}

#[derive(Deserialize)]
pub struct StatsQuery {
    /// A customer id or name; none lists the customers only.
    customer: Option<String>,
    /// `2026Q4`; none is the quarter the office's clock is in.
    quarter: Option<String>,
}

#[derive(Serialize)]
pub struct Customer {
    id: String,
    name: String,
}

#[derive(Serialize)]
pub struct StatsView {
    quarter: String,
    customers: Vec<Customer>,
    stats: Option<Stats>,
    common_faults: Vec<CommonFault>,
}

fn query(q: Result<Query<StatsQuery>, QueryRejection>) -> AppResult<StatsQuery> {
    q.map(|Query(v)| v).map_err(|e| {
        AppError::invalid(
            "query",
            format!("查询参数无效：{}", e.body_text()),
            format!("the query is not valid: {}", e.body_text()),
        )
    })
}

async fn view(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    q: Result<Query<StatsQuery>, QueryRejection>,
) -> AppResult<Json<StatsView>> {
    caller.require(access::STATS)?;
    let q = query(q)?;
    blocking(move || {
        let store = lock(&office.store)?;
        let quarter = q
            .quarter
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| stats::current_quarter(&store));
        let customers: Vec<Customer> = weibao::setup::customers(&store)?
            .into_iter()
            .map(|c| Customer {
                id: c.id,
                name: c.name,
            })
            .collect();
        let (stats, common_faults) = match q.customer.filter(|c| !c.trim().is_empty()) {
            Some(c) => {
                let scope = Scope::quarter(&c, None, &quarter)?;
                (
                    Some(stats::stats(&store, &scope)?),
                    stats::common_faults(&store, &scope)?,
                )
            }
            None => (None, Vec::new()),
        };
        Ok(Json(StatsView {
            quarter,
            customers,
            stats,
            common_faults,
        }))
    })
    .await
}

/// The customer's workbook for the quarter, as a download named after the customer.
async fn xlsx(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    q: Result<Query<StatsQuery>, QueryRejection>,
) -> AppResult<Response> {
    caller.require(access::STATS)?;
    let q = query(q)?;
    blocking(move || {
        let store = lock(&office.store)?;
        let customer = q.customer.unwrap_or_default();
        let quarter = q
            .quarter
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| stats::current_quarter(&store));
        let scope = Scope::quarter(&customer, None, &quarter)?;
        // Written into a folder of its own beside the replica, read back, then removed: the
        // core writes workbooks to files (durably, under a temporary name first).
        let dir = store
            .path()
            .with_extension("exports")
            .join(weibao::store::new_id());
        let made = stats::export_into(&store, &scope, &dir);
        let answer = made.and_then(|sum| {
            let path = std::path::PathBuf::from(sum.files.first().cloned().unwrap_or_default());
            let bytes = std::fs::read(&path).map_err(|e| weibao::Error::File {
                field: "out".into(),
                path: path.display().to_string(),
                zh: format!("无法读取导出的文件：{e}"),
                en: format!("cannot read the exported file: {e}"),
            })?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "stats.xlsx".into());
            Ok((bytes, name))
        });
        let _ = std::fs::remove_dir_all(&dir);
        let (bytes, name) = answer?;
        let disposition = format!(
            "attachment; filename=\"stats.xlsx\"; filename*=UTF-8''{}",
            utf8_percent(&name)
        );
        let mut res = bytes.into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        );
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        Ok(res)
    })
    .await
}

/// RFC 5987 percent-encoding of a file name (the customer's name is Chinese).
fn utf8_percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
