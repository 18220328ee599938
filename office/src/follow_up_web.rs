//! 回访 at the office: what is due (after each closed work order, and the month's call list per
//! customer), recording a call, and the calls made. What is due and by when is the core's
//! ([`weibao::follow_up`]); the caller is the person logged in unless the form names another.

use crate::routes::{blocking, lock};
use crate::staff_web::{access, body, StaffCaller};
use crate::{AppResult, Office};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use weibao::follow_up::{self, Call, MonthlyDue, NewCall, WorkOrderDue};

pub fn router() -> Router<Arc<Office>> {
    Router::new()
        .route("/api/v1/follow-ups", get(due).post(record))
        .route("/api/v1/follow-ups/calls", get(calls))
}

#[derive(Deserialize)]
struct MonthQuery {
    /// `YYYY-MM` (China time); absent means this month.
    month: Option<String>,
}

/// Both lists of what is due.
#[derive(Serialize)]
struct Due {
    month: String,
    after_work_orders: Vec<WorkOrderDue>,
    monthly: Vec<MonthlyDue>,
}

async fn due(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Query(q): Query<MonthQuery>,
) -> AppResult<Json<Due>> {
    caller.require(access::FOLLOW_UPS)?;
    blocking(move || {
        let store = lock(&office.store)?;
        let (month, monthly) = follow_up::due_monthly(&store, q.month.as_deref())?;
        Ok(Json(Due {
            month,
            after_work_orders: follow_up::due_after_work_orders(&store)?,
            monthly,
        }))
    })
    .await
}

async fn record(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<NewCall>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Call>)> {
    caller.require(access::FOLLOW_UPS)?;
    let who = caller.author();
    let mut input = body(b)?;
    if input.called_by.trim().is_empty() {
        input.called_by = caller.session.staff.name.clone();
    }
    blocking(move || {
        let mut store = lock(&office.store)?;
        let call = store.with_author(&who, |s| s.write(|tx| follow_up::record(tx, &input)))?;
        Ok((StatusCode::CREATED, Json(call)))
    })
    .await
}

#[derive(Deserialize)]
struct CallsQuery {
    /// A customer's id or name; absent means every customer.
    customer: Option<String>,
}

async fn calls(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Query(q): Query<CallsQuery>,
) -> AppResult<Json<Vec<Call>>> {
    caller.require(access::FOLLOW_UPS)?;
    blocking(move || {
        let store = lock(&office.store)?;
        Ok(Json(follow_up::calls(&store, q.customer.as_deref())?))
    })
    .await
}
