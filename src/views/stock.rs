//! Stock movements as the screen lists them: the ledger's rows with their time in China
//! Standard Time.

use super::time;
use crate::stock::{self, Movement};
use crate::store::Store;
use crate::Result;
use rusqlite::OptionalExtension;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct MovementRow {
    #[serde(flatten)]
    pub movement: Movement,
    pub at_text: String,
}

/// The latest `limit` movements in or out of a location, newest first.
pub fn movements(store: &Store, location: &str, limit: i64) -> Result<Vec<MovementRow>> {
    Ok(stock::movements_at(store, location, limit)?
        .into_iter()
        .map(|movement| MovementRow {
            at_text: time::china_text(&movement.at),
            movement,
        })
        .collect())
}

/// One location with what it holds, for the office's view of every location at once.
#[derive(Debug, Clone, Serialize)]
pub struct LocationStock {
    pub location: stock::Location,
    pub lines: Vec<stock::StockLine>,
}

/// A unit away for repair (RMA) as the office lists it: which device it came from, where the
/// process stands, and the spare unit that replaced it.
#[derive(Debug, Clone, Serialize)]
pub struct RmaRow {
    #[serde(flatten)]
    pub rma: stock::Rma,
    pub device_code: Option<String>,
    pub opened_text: String,
}

/// Every location (warehouse, vans, repair) and its stock, the parts below their minimum
/// anywhere, and the RMA units not yet back: the office's stock page.
#[derive(Debug, Clone, Serialize)]
pub struct StockOverview {
    pub locations: Vec<LocationStock>,
    pub low: Vec<stock::LowStock>,
    pub rmas: Vec<RmaRow>,
}

pub fn overview(store: &Store) -> Result<StockOverview> {
    let mut locations = Vec::new();
    for location in stock::locations(store)? {
        let lines = stock::stock_at(store, &location.id)?;
        locations.push(LocationStock { location, lines });
    }
    let mut rmas = Vec::new();
    for rma in stock::open_rmas(store)? {
        let device_code = store
            .conn()
            .prepare_cached("SELECT code FROM device WHERE id = ?1")?
            .query_row([&rma.device_id], |r| r.get(0))
            .optional()?;
        rmas.push(RmaRow {
            device_code,
            opened_text: time::china_text(&rma.opened_at),
            rma,
        });
    }
    Ok(StockOverview {
        locations,
        low: stock::low_stock(store.conn(), None)?,
        rmas,
    })
}
