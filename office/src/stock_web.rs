//! Stock at the office: every location (the warehouse and each van) with what it holds and its
//! minimums, the parts below their minimum anywhere, and the units away for repair (RMA). The
//! figures are the core's ([`weibao::views::stock::overview`]), the same ledger the vans keep.

use crate::routes::{blocking, lock};
use crate::staff_web::{access, StaffCaller};
use crate::{AppResult, Office};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use weibao::views::stock::StockOverview;

pub fn router() -> Router<Arc<Office>> {
    Router::new().route("/api/v1/stock", get(overview))
}

async fn overview(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<StockOverview>> {
    caller.require(access::STOCK)?;
    blocking(move || {
        Ok(Json(weibao::views::stock::overview(&*lock(
            &office.store,
        )?)?))
    })
    .await
}
