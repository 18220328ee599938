//! Correcting the archive by hand at the office (archive keeper, administrator): a customer's
//! or site's address, a lane's name, contracts made and corrected, and a contract's terms as
//! the one document [`weibao::contract_terms`] reads. The rules are the core's
//! ([`weibao::org_edit`]); each write is under the name of the person logged in.

use crate::routes::{blocking, lock};
use crate::staff_web::{access, StaffCaller};
use crate::{AppResult, Office};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use weibao::domain::contract::Contract;
use weibao::domain::org::{Customer, Lane, Site};
use weibao::org_edit::{self, ContractForm, ContractRow, CustomerEdit, Edited, LaneEdit, SiteEdit};

pub fn router() -> Router<Arc<Office>> {
    Router::new()
        .route("/api/v1/org/customers/{id}", post(edit_customer))
        .route("/api/v1/org/sites/{id}", post(edit_site))
        .route("/api/v1/org/lanes/{id}", post(edit_lane))
        .route(
            "/api/v1/org/contracts",
            get(contracts).post(create_contract),
        )
        .route("/api/v1/org/contracts/{number}", post(edit_contract))
        .route(
            "/api/v1/org/contracts/{number}/terms",
            get(terms).post(set_terms),
        )
}

/// Correct the record `key` with the form in `b`, as the person logged in.
async fn write<I, T>(
    office: Arc<Office>,
    caller: StaffCaller,
    key: String,
    b: Result<Json<I>, JsonRejection>,
    write: fn(&mut weibao::Store, &str, &I) -> weibao::Result<T>,
) -> AppResult<Json<T>>
where
    I: Send + 'static,
    T: Send + 'static,
{
    let done = crate::org_web::as_staff(office, caller, b, move |s, i| write(s, &key, i)).await?;
    Ok(Json(done))
}

async fn edit_customer(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
    b: Result<Json<CustomerEdit>, JsonRejection>,
) -> AppResult<Json<Edited<Customer>>> {
    write(office, caller, id, b, org_edit::edit_customer).await
}

async fn edit_site(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
    b: Result<Json<SiteEdit>, JsonRejection>,
) -> AppResult<Json<Edited<Site>>> {
    write(office, caller, id, b, org_edit::edit_site).await
}

async fn edit_lane(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
    b: Result<Json<LaneEdit>, JsonRejection>,
) -> AppResult<Json<Edited<Lane>>> {
    write(office, caller, id, b, org_edit::edit_lane).await
}

async fn edit_contract(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(number): Path<String>,
    b: Result<Json<ContractForm>, JsonRejection>,
) -> AppResult<Json<Edited<Contract>>> {
    write(office, caller, number, b, org_edit::edit_contract).await
}

async fn contracts(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Vec<ContractRow>>> {
    caller.require(access::ORG)?;
    blocking(move || Ok(Json(org_edit::contracts(&*lock(&office.store)?)?))).await
}

async fn create_contract(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<ContractForm>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Contract>)> {
    crate::org_web::create(office, caller, b, org_edit::create_contract).await
}

/// A contract's terms as the TOML document a person edits (with its header of units).
#[derive(Serialize, Deserialize)]
pub struct Terms {
    text: String,
}

async fn terms(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(number): Path<String>,
) -> AppResult<Json<Terms>> {
    caller.require(access::ORG)?;
    blocking(move || {
        let store = lock(&office.store)?;
        Ok(Json(Terms {
            text: weibao::contract_terms::to_toml(store.conn(), &number)?,
        }))
    })
    .await
}

async fn set_terms(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(number): Path<String>,
    b: Result<Json<Terms>, JsonRejection>,
) -> AppResult<Json<Edited<String>>> {
    fn save(s: &mut weibao::Store, number: &str, t: &Terms) -> weibao::Result<Edited<String>> {
        org_edit::set_terms(s, number, &t.text)
    }
    write(office, caller, number, b, save).await
}
