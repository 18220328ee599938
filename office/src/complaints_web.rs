//! Complaints at the office (客户服务投诉处理记录表): list, register, and record each step. The
//! steps, what closing needs and the answer-by-the-second-working-day clock are the core's
//! ([`weibao::complaints`]); the person who took a complaint is the one logged in unless the form
//! names another.

use crate::routes::{blocking, lock};
use crate::staff_web::{access, body, StaffCaller};
use crate::{AppResult, Office};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use std::sync::Arc;
use weibao::complaints::{self, Complaint, ComplaintStep, NewComplaint};

pub async fn list(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Vec<Complaint>>> {
    caller.require(access::COMPLAINTS)?;
    blocking(move || Ok(Json(complaints::list(&*lock(&office.store)?)?))).await
}

pub async fn register(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<NewComplaint>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Complaint>)> {
    caller.require(access::COMPLAINTS)?;
    let who = caller.author();
    let mut input = body(b)?;
    if input.taken_by.trim().is_empty() {
        input.taken_by = caller.session.staff.name.clone();
    }
    blocking(move || {
        let mut store = lock(&office.store)?;
        let c = store.with_author(&who, |s| s.write(|tx| complaints::register(tx, &input)))?;
        Ok((StatusCode::CREATED, Json(c)))
    })
    .await
}

pub async fn step(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
    b: Result<Json<ComplaintStep>, JsonRejection>,
) -> AppResult<Json<Complaint>> {
    caller.require(access::COMPLAINTS)?;
    let who = caller.author();
    let input = body(b)?;
    blocking(move || {
        let mut store = lock(&office.store)?;
        Ok(Json(store.with_author(&who, |s| {
            s.write(|tx| complaints::record(tx, &id, &input))
        })?))
    })
    .await
}
