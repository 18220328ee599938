//! A device's archive as the screen shows it: the store's archive, with its history in China
//! Standard Time and its open work orders judged against their SLA like every other list.

use super::reports::{self, ReportFilter, ReportRow};
use super::work_order::{self, WorkOrderRow};
use super::{english, time};
use crate::domain::device::{Confidentiality, Device};
// The store's device and lane functions, in one place (they move to `crate::devices`, …).
use crate::devices::{self, AccessLine, EditableField, FieldChange, HistoryLine};
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
    /// The signed report of this line's work order, on the work order's latest line only (one
    /// link per visit, not one per step).
    pub report_number: Option<String>,
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
    /// Its signed reports, newest first: its repairs and its lane's inspections.
    pub reports: Vec<ReportRow>,
    /// What the engineer may correct at the lane (the core decides, the screen shows).
    pub editable: Vec<EditableField>,
}

/// A correction made at the lane: what changed, and the archive as it reads now.
#[derive(Debug, Clone, Serialize)]
pub struct LaneEditView {
    pub changed: Vec<FieldChange>,
    pub archive: ArchiveView,
}

/// One of the engineer's own archive reads, for the access log.
#[derive(Debug, Clone, Serialize)]
pub struct AccessRow {
    #[serde(flatten)]
    pub line: AccessLine,
    pub at_text: String,
    pub type_label: &'static str,
    pub type_label_en: &'static str,
    pub confidentiality_label: &'static str,
    pub confidentiality_label_en: &'static str,
}

/// Correct a device at the lane ([`devices::edit_at_lane`]) and show its archive again (not
/// logged as another read: the edit itself is in the history under the engineer's name).
pub fn edit_at_lane(
    store: &mut Store,
    id_or_code: &str,
    edit: &devices::DeviceEdit,
) -> Result<LaneEditView> {
    let changed = devices::edit_at_lane(store, id_or_code, edit)?;
    let a = devices::archive_after_edit(store, id_or_code)?;
    Ok(LaneEditView {
        changed,
        archive: view(store, a)?,
    })
}

/// The current engineer's own archive reads, newest first (the latest 200).
pub fn access_log(store: &Store) -> Result<Vec<AccessRow>> {
    Ok(rows_of(devices::access_log(store, 200)?))
}

/// Everyone's archive reads, newest first (the latest 500): the office's access log.
pub fn access_log_all(store: &Store) -> Result<Vec<AccessRow>> {
    Ok(rows_of(devices::access_log_all(store, 500)?))
}

fn rows_of(lines: Vec<devices::AccessLine>) -> Vec<AccessRow> {
    use crate::domain::device::{Confidentiality, DeviceType};
    lines
        .into_iter()
        .map(|line| {
            let ty = DeviceType::parse(&line.device_type).ok();
            let conf = Confidentiality::parse(&line.confidentiality).ok();
            AccessRow {
                at_text: time::china_text(&line.at),
                type_label: ty.map_or("", |t| t.label_zh()),
                type_label_en: ty.map_or("", |t| t.label_en()),
                confidentiality_label: conf.map_or("", |c| c.label_zh()),
                confidentiality_label_en: conf.map_or("", |c| c.label_en()),
                line,
            }
        })
        .collect()
}

/// Open a device's archive (logged for confidential devices, by the store) for the screen.
pub fn open(store: &mut Store, id_or_code: &str, purpose: Option<&str>) -> Result<ArchiveView> {
    let a = devices::open_archive(store, id_or_code, purpose)?;
    view(store, a)
}

/// How secret a level is: a reader cleared for one level reads it and every level below.
fn rank(level: Confidentiality) -> u8 {
    match level {
        Confidentiality::Public => 0,
        Confidentiality::Internal => 1,
        Confidentiality::Secret => 2,
    }
}

/// [`open`] for a reader cleared up to `clearance` (the office gives each role its level): an
/// archive above it is refused before anything is read or logged, naming its level.
pub fn open_cleared(
    store: &mut Store,
    id_or_code: &str,
    purpose: Option<&str>,
    clearance: Confidentiality,
) -> Result<ArchiveView> {
    let device = devices::device(store, id_or_code)?;
    if rank(device.confidentiality) > rank(clearance) {
        return Err(crate::Error::refused(
            "archive_clearance",
            format!(
                "设备 {} 的档案密级为「{}」，您的岗位只能查阅「{}」及以下的档案",
                device.code,
                device.confidentiality.label_zh(),
                clearance.label_zh()
            ),
            format!(
                "the archive of {} is {}; your role may read {} archives and below",
                device.code,
                device.confidentiality.label_en(),
                clearance.label_en()
            ),
        ));
    }
    open(store, id_or_code, purpose)
}

fn view(store: &Store, a: devices::Archive) -> Result<ArchiveView> {
    let reports = reports::list(
        store,
        &ReportFilter {
            device_id: Some(a.device.id.clone()),
            ..Default::default()
        },
    )?;
    let report_of = |wo: &Option<String>| {
        reports
            .iter()
            .find(|r| Some(&r.work_order_id) == wo.as_ref() && r.kind != "addendum")
            .map(|r| r.number.clone())
    };
    // History runs oldest first: a work order's last line is where its report belongs.
    let mut last: std::collections::HashMap<&str, usize> = Default::default();
    for (i, l) in a.history.iter().enumerate() {
        if let Some(wo) = l.work_order_id.as_deref() {
            last.insert(wo, i);
        }
    }
    let history = a
        .history
        .iter()
        .enumerate()
        .map(|(i, line)| HistoryRow {
            at_text: time::china_text(&line.at),
            summary_en: english::history_line_en(&line.kind, &line.summary),
            report_number: line
                .work_order_id
                .as_deref()
                .filter(|wo| last.get(wo) == Some(&i))
                .and_then(|_| report_of(&line.work_order_id)),
            line: line.clone(),
        })
        .collect();
    Ok(ArchiveView {
        open_work_orders: work_order::rows(store, a.open_work_orders)?,
        history,
        reports,
        type_label_en: a.device.device_type.label_en(),
        status_label_en: a.device.status.label_en(),
        device: a.device,
        type_label: a.type_label,
        status_label: a.status_label,
        lane: a.lane,
        in_warranty: a.in_warranty,
        editable: a.editable,
    })
}
