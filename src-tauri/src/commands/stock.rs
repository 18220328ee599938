//! Van and warehouse stock: the ledger, parts used on a job, and 备机 swaps.

use super::{Cmd, St};
use weibao::stock::{self, Location, LowStock, Minimum, Movement, MovementForm, Rma, StockLine};
use weibao::views::stock::{self as view, MovementRow};

#[tauri::command]
pub fn stock_locations(state: St) -> Cmd<Vec<Location>> {
    state.with(|s| stock::locations(s))
}

#[tauri::command]
pub fn stock_at(state: St, location: String) -> Cmd<Vec<StockLine>> {
    state.with(|s| stock::stock_at(s, &location))
}

/// The parts at a location that fit a device (its type's parts and generic ones).
#[tauri::command]
pub fn stock_for_device(state: St, location: String, device_id: String) -> Cmd<Vec<StockLine>> {
    state.with(|s| stock::stock_for_device(s, &location, &device_id))
}

#[tauri::command]
pub fn stock_movements(state: St, location: String, limit: Option<i64>) -> Cmd<Vec<MovementRow>> {
    state.with(|s| view::movements(s, &location, limit.unwrap_or(50)))
}

/// Any ledger movement; a part used on a job is `kind: "issue"` with the work order. `qty` is
/// sent as typed (a number or text): the core refuses "1.5" as `invalid` on `movement.qty`.
#[tauri::command]
pub fn record_movement(state: St, input: MovementForm) -> Cmd<Movement> {
    state.with(|s| s.write(|tx| stock::record_form(tx, input)))
}

#[tauri::command]
pub fn swap_unit(
    state: St,
    work_order_id: String,
    spare_serial: String,
    from_location: String,
) -> Cmd<Rma> {
    state
        .with(|s| s.write(|tx| stock::swap_unit(tx, &work_order_id, &spare_serial, &from_location)))
}

/// Set the minimum stock of a part at a location, as typed ("3"); 0 clears it. The core
/// refuses "-1", "1.5" or a figure past its bound on `stock_minimum.minimum`.
#[tauri::command]
pub fn set_stock_minimum(
    state: St,
    location: String,
    part: String,
    minimum: String,
) -> Cmd<Minimum> {
    state.with(|s| {
        let n = stock::parse_minimum(&minimum)?;
        s.write(|tx| stock::set_minimum(tx, &location, &part, n))
    })
}

/// The parts below their minimum at a location (or everywhere).
#[tauri::command]
pub fn low_stock(state: St, location: Option<String>) -> Cmd<Vec<LowStock>> {
    state.with(|s| stock::low_stock(s.conn(), location.as_deref()))
}
