//! A device's archive as the screen shows it: the store's archive, with its history in China
//! Standard Time and its open work orders judged against their SLA like every other list.

use super::work_order::{self, WorkOrderRow};
use super::{english, time};
use crate::domain::device::Device;
// The store's device and lane functions, in one place (they move to `crate::devices`, …).
use crate::devices::{self, HistoryLine};
use crate::org::LaneView;
use crate::store::Store;
use crate::Result;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    #[serde(flatten)]
    pub line: HistoryLine,
    /// The line in English (what a person typed inside it stays as typed).
    pub summary_en: String,
    pub at_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArchiveView {
    pub device: Device,
    pub type_label: String,
    pub type_label_en: &'static str,
    pub status_label: String,
    pub status_label_en: &'static str,
    pub lane: LaneView,
    pub in_warranty: bool,
    pub history: Vec<HistoryRow>,
    pub open_work_orders: Vec<WorkOrderRow>,
}

/// Open a device's archive (logged for confidential devices, by the store) for the screen.
pub fn open(store: &mut Store, id_or_code: &str, purpose: Option<&str>) -> Result<ArchiveView> {
    let a = devices::open_archive(store, id_or_code, purpose)?;
    Ok(ArchiveView {
        open_work_orders: work_order::rows(store, a.open_work_orders)?,
        history: a
            .history
            .into_iter()
            .map(|line| HistoryRow {
                at_text: time::china_text(&line.at),
                summary_en: english::history_line_en(&line.kind, &line.summary),
                line,
            })
            .collect(),
        type_label_en: a.device.device_type.label_en(),
        status_label_en: a.device.status.label_en(),
        device: a.device,
        type_label: a.type_label,
        status_label: a.status_label,
        lane: a.lane,
        in_warranty: a.in_warranty,
    })
}
