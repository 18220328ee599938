//! Stock movements as the screen lists them: the ledger's rows with their time in China
//! Standard Time.

use super::time;
use crate::stock::{self, Movement};
use crate::store::Store;
use crate::Result;
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
