//! The archive by hand at the office (archive keeper, administrator): customers, sites, lanes
//! and devices created one at a time with the desktop's own form (`AddByHand`), and a device's
//! archive corrected with the lane's own form (`DeviceEditForm`). The rules are the core's
//! ([`weibao::setup`], [`weibao::views::archive::edit_at_lane`]); every write is under the
//! name of the person logged in, so the history says who at the office did it, and the laptops
//! get it at their next sync.

use crate::routes::{blocking, lock};
use crate::staff_web::{access, body, StaffCaller};
use crate::{AppResult, Office};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use std::sync::Arc;
use weibao::domain::device::DeviceInput;
use weibao::org::{LaneView, SiteView};
use weibao::setup::{self, CustomerForm, LaneForm, SiteForm};

pub fn router() -> Router<Arc<Office>> {
    Router::new()
        .route(
            "/api/v1/org/customers",
            get(customers).post(create_customer),
        )
        .route("/api/v1/org/sites", get(sites).post(create_site))
        .route("/api/v1/org/lanes", get(lanes).post(create_lane))
        .route("/api/v1/org/devices", post(create_device))
        .route("/api/v1/archive/{code}/edit", post(edit))
}

async fn customers(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Vec<weibao::domain::org::Customer>>> {
    caller.require(access::ORG)?;
    blocking(move || Ok(Json(setup::customers(&*lock(&office.store)?)?))).await
}

async fn sites(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Vec<SiteView>>> {
    caller.require(access::ORG)?;
    blocking(move || Ok(Json(weibao::org::sites(&*lock(&office.store)?)?))).await
}

async fn lanes(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Vec<LaneView>>> {
    caller.require(access::ORG)?;
    blocking(move || Ok(Json(weibao::org::lanes(&*lock(&office.store)?, None)?))).await
}

/// Run `write` on the form in `b` as the person logged in, for the archive's roles (adding
/// and correcting by hand share it, [`crate::org_edit_web`] too).
pub(crate) async fn as_staff<I, T>(
    office: Arc<Office>,
    caller: StaffCaller,
    b: Result<Json<I>, JsonRejection>,
    write: impl FnOnce(&mut weibao::Store, &I) -> weibao::Result<T> + Send + 'static,
) -> AppResult<T>
where
    I: Send + 'static,
    T: Send + 'static,
{
    caller.require(access::ORG)?;
    let who = caller.author();
    let input = body(b)?;
    blocking(move || {
        let mut store = lock(&office.store)?;
        Ok(store.with_author(&who, |s| write(s, &input))?)
    })
    .await
}

/// [`as_staff`], answering 201 with what it made.
pub(crate) async fn create<I, T>(
    office: Arc<Office>,
    caller: StaffCaller,
    b: Result<Json<I>, JsonRejection>,
    write: fn(&mut weibao::Store, &I) -> weibao::Result<T>,
) -> AppResult<(StatusCode, Json<T>)>
where
    I: Send + 'static,
    T: Serialize + Send + 'static,
{
    let made = as_staff(office, caller, b, write).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

async fn create_customer(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<CustomerForm>, JsonRejection>,
) -> AppResult<(StatusCode, Json<weibao::domain::org::Customer>)> {
    create(office, caller, b, setup::create_customer).await
}

async fn create_site(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<SiteForm>, JsonRejection>,
) -> AppResult<(StatusCode, Json<weibao::domain::org::Site>)> {
    create(office, caller, b, setup::create_site).await
}

async fn create_lane(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<LaneForm>, JsonRejection>,
) -> AppResult<(StatusCode, Json<weibao::domain::org::Lane>)> {
    create(office, caller, b, setup::create_lane).await
}

async fn create_device(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<DeviceInput>, JsonRejection>,
) -> AppResult<(StatusCode, Json<weibao::domain::device::Device>)> {
    create(office, caller, b, setup::create_device).await
}

/// The archive keeper corrects a device's archive (serial, model, firmware, position, status,
/// notes): the same fields and checks as the engineer's correction at the lane.
async fn edit(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(code): Path<String>,
    b: Result<Json<weibao::devices::DeviceEdit>, JsonRejection>,
) -> AppResult<Json<weibao::views::archive::LaneEditView>> {
    caller.require(access::ARCHIVE_EDIT)?;
    let who = caller.author();
    let input = body(b)?;
    blocking(move || {
        let mut store = lock(&office.store)?;
        Ok(Json(store.with_author(&who, |s| {
            weibao::views::archive::edit_at_lane(s, &code, &input)
        })?))
    })
    .await
}
