//! Fault intake for the office's dispatchers (报障登记): find the caller by phone, the device
//! by code, serial or label text with the contract that covers it, register the fault with
//! every field of the 报障登记表, and record the customer's consent to a billable visit. Each
//! rule is the core's ([`weibao::intake`], [`weibao::work_orders::report_fault`],
//! [`weibao::billing::consent`], [`weibao::office_resolution`]); the person who took the call
//! is the logged-in dispatcher unless the form names another.

use crate::routes::{blocking, lock};
use crate::staff_web::{access, body, StaffCaller};
use crate::{AppResult, Office};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use weibao::billing::BillingView;
use weibao::domain::work_order::FaultReportInput;
use weibao::intake::{CallDevice, Caller};
use weibao::views::work_order::WorkOrderView;

#[derive(Deserialize)]
pub struct PhoneQuery {
    #[serde(default)]
    phone: String,
}

pub async fn callers(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Query(q): Query<PhoneQuery>,
) -> AppResult<Json<Vec<Caller>>> {
    caller.require(access::INTAKE)?;
    blocking(move || {
        Ok(Json(weibao::intake::find_caller(
            &*lock(&office.store)?,
            &q.phone,
        )?))
    })
    .await
}

#[derive(Deserialize)]
pub struct DeviceQuery {
    #[serde(default)]
    q: String,
}

pub async fn device(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Query(q): Query<DeviceQuery>,
) -> AppResult<Json<CallDevice>> {
    caller.require(access::INTAKE)?;
    blocking(move || {
        Ok(Json(weibao::intake::device_for_call(
            &*lock(&office.store)?,
            &q.q,
        )?))
    })
    .await
}

/// The registered fault as the office then sees it: the work order with its SLA clocks, and
/// its charges (free under the contract, or the quote the customer must agree to).
#[derive(Serialize)]
pub struct Registered {
    work_order: WorkOrderView,
    billing: BillingView,
}

pub async fn register(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<FaultReportInput>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Registered>)> {
    caller.require(access::INTAKE)?;
    let who = caller.author();
    let mut input = body(b)?;
    if input
        .taken_by
        .as_deref()
        .is_none_or(|t| t.trim().is_empty())
    {
        input.taken_by = Some(caller.session.staff.name.clone());
    }
    blocking(move || {
        let mut store = lock(&office.store)?;
        let wo = store.with_author(&who, |s| {
            s.write(|tx| weibao::work_orders::report_fault(tx, &input))
        })?;
        Ok((
            StatusCode::CREATED,
            Json(Registered {
                work_order: weibao::views::work_order::view(&store, &wo.id)?,
                billing: weibao::billing::view(&store, &wo.id)?,
            }),
        ))
    })
    .await
}

#[derive(Deserialize)]
pub struct ConsentBody {
    /// Who agreed for the customer (on the phone: their name).
    signer: String,
    #[serde(default)]
    refurbished_ok: bool,
}

pub async fn consent(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
    b: Result<Json<ConsentBody>, JsonRejection>,
) -> AppResult<Json<BillingView>> {
    caller.require(access::INTAKE)?;
    let who = caller.author();
    let body = body(b)?;
    blocking(move || {
        let mut store = lock(&office.store)?;
        Ok(Json(store.with_author(&who, |s| {
            weibao::billing::consent(s, &id, &body.signer, body.refurbished_ok)
        })?))
    })
    .await
}

/// The charges the dispatcher agrees with the caller before a billable visit (labour days,
/// travel, survey; the cause if known): the quote the consent is then given to.
pub async fn billing(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
    b: Result<Json<weibao::billing::BillingInput>, JsonRejection>,
) -> AppResult<Json<BillingView>> {
    caller.require(access::INTAKE)?;
    let who = caller.author();
    let input = body(b)?;
    blocking(move || {
        let mut store = lock(&office.store)?;
        Ok(Json(store.with_author(&who, |s| {
            weibao::billing::set(s, &id, &input)
        })?))
    })
    .await
}

/// A fault fixed on the phone or in a remote session from the office: the work order as it now
/// stands (customer signed, no engineer sent) and its report, signed in the service centre's
/// name.
#[derive(Serialize)]
pub struct ResolvedAtOffice {
    work_order: WorkOrderView,
    report: weibao::report::StoredReport,
}

pub async fn resolve_at_office(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
    b: Result<Json<weibao::office_resolution::OfficeResolutionInput>, JsonRejection>,
) -> AppResult<(StatusCode, Json<ResolvedAtOffice>)> {
    caller.require(access::RESOLVE_AT_OFFICE)?;
    let who = caller.author();
    let input = body(b)?;
    blocking(move || {
        let assets = weibao::report::ReportAssets::locate()?;
        let mut store = lock(&office.store)?;
        let report = store.with_author(&who, |s| {
            weibao::office_resolution::resolve(s, &assets, &id, &input, weibao::Lang::Zh)
        })?;
        tracing::info!(staff = %who, number = %report.number, "fault resolved at the office");
        Ok((
            StatusCode::CREATED,
            Json(ResolvedAtOffice {
                work_order: weibao::views::work_order::view(&store, &report.work_order_id)?,
                report,
            }),
        ))
    })
    .await
}
