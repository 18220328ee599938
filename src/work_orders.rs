//! Work orders in the store: fault reports, the state machine's transitions, service records.

use crate::devices;
use crate::domain::device::DeviceStatus;
use crate::domain::values::*;
use crate::domain::work_order::*;
use crate::store::{new_id, Store, Tx};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

/// What opening any work order needs.
#[derive(Debug, Clone)]
pub struct NewWorkOrder {
    pub kind: WorkOrderKind,
    pub lane_id: String,
    pub device_id: Option<String>,
    pub level: Option<FaultLevel>,
    pub title: String,
}

/// Open a work order in state `reported`, with SLA deadlines from the contract covering the
/// lane's site (if any). Checklists and fault reports both come through here.
pub fn open(tx: &Tx, new: &NewWorkOrder) -> Result<WorkOrderSummary> {
    let title = required_text("work_order.title", &new.title, MAX_NAME_CHARS)?;
    let site_id: String = tx
        .conn()
        .prepare_cached("SELECT site_id FROM lane WHERE id = ?1 AND deleted = 0")?
        .query_row([&new.lane_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("lane", &new.lane_id))?;
    let now = tx.now();
    let contract = crate::contracts::contract_for_site(tx.conn(), &site_id, now.date_naive())?;
    let id = new_id();
    let contract_id = contract.as_ref().map(|c| c.id.clone());
    // The deadlines as first computed, by the same rule that computes the live clocks
    // (`crate::sla::clocks`), kept on the record for readers of the stored row; the screens,
    // the CLI and the report recompute them with the pauses that came after.
    let mut rec =
        crate::sla::Records::new(&id, new.kind, new.level.map(|l| l.get()), now, contract);
    if let (Some(cid), WorkOrderKind::Emergency) = (&contract_id, new.kind) {
        rec.other_emergencies = crate::sla::records::emergencies_of(tx.conn(), cid, &id)?;
    }
    let clocks = crate::sla::clocks(&rec, &crate::calendar::active(), now);
    let deadline = |k| clocks.get(k).map(|c| c.deadline.to_rfc3339());
    let respond_by = deadline(crate::sla::ClockKind::Response);
    let on_site_by = deadline(crate::sla::ClockKind::OnSite);
    let level = new.level.map(|l| l.get());
    let reported_at = now.to_rfc3339();
    let summary = WorkOrderSummary {
        id: id.clone(),
        kind: new.kind,
        state: WorkOrderState::Reported,
        title,
        device_id: new.device_id.clone(),
        device_code: None,
        lane_id: new.lane_id.clone(),
        contract_id,
        level,
        assignee_id: None,
        respond_by,
        on_site_by,
        reported_at: reported_at.clone(),
    };
    tx.insert(
        "work_order",
        &id,
        &[
            ("kind", &new.kind.code()),
            ("title", &summary.title),
            ("device_id", &summary.device_id),
            ("lane_id", &summary.lane_id),
            ("contract_id", &summary.contract_id),
            ("level", &summary.level),
            ("respond_by", &summary.respond_by),
            ("on_site_by", &summary.on_site_by),
            ("reported_at", &reported_at),
        ],
    )?;
    add_event(tx, &id, None, WorkOrderState::Reported, None)?;
    Ok(summary)
}

/// 报障登记: open a fault-repair work order on a device and record the report.
pub fn report_fault(tx: &Tx, input: &FaultReportInput) -> Result<WorkOrderSummary> {
    let level = FaultLevel::new(input.level)?;
    let device = devices::device_in(tx.conn(), &input.device_id)?;
    let phenomenon = required_text("fault.phenomenon", &input.phenomenon, MAX_NOTE_CHARS)?;
    let fault_time = match input.fault_time.as_deref().map(str::trim) {
        None | Some("") => tx.now(),
        Some(s) => parse_time("fault.fault_time", s)?,
    };
    if fault_time > tx.now() + chrono::Duration::minutes(5) {
        return Err(Error::invalid(
            "fault.fault_time",
            "故障时间不能晚于现在",
            "fault time is in the future",
        ));
    }
    crate::fault_register::check_after_install(&device, fault_time)?;
    let channel = crate::fault_register::Channel::read(input.channel.as_deref())?;
    let taken_by = crate::fault_register::taken_by(tx, input.taken_by.as_deref())?;
    let kind = match input.kind.as_deref() {
        None | Some("") => WorkOrderKind::FaultRepair,
        Some(k) => WorkOrderKind::parse(k)?,
    };
    let contact_phone = input
        .contact_phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| Phone::parse("fault.contact_phone", p))
        .transpose()?;
    let title = format!(
        "{} {}：{}",
        device.code,
        device.device_type.label_zh(),
        clip(&phenomenon)
    );
    let mut wo = open(
        tx,
        &NewWorkOrder {
            kind,
            lane_id: device.lane_id.clone(),
            device_id: Some(device.id.clone()),
            level: Some(level),
            title,
        },
    )?;
    wo.device_code = Some(device.code.to_string());
    // One fault report per work order: its id comes from the work order's, so two laptops
    // writing it offline write the same record.
    let id = crate::store::derived_id("fault_report", &wo.id);
    tx.insert(
        "fault_report",
        &id,
        &[
            ("work_order_id", &wo.id),
            ("fault_time", &fault_time.to_rfc3339()),
            ("phenomenon", &phenomenon),
            (
                "location",
                &optional_text("fault.location", input.location.as_deref(), MAX_NAME_CHARS)?,
            ),
            (
                "contact_name",
                &optional_text(
                    "fault.contact_name",
                    input.contact_name.as_deref(),
                    MAX_NAME_CHARS,
                )?,
            ),
            ("contact_phone", &contact_phone.as_ref().map(|p| p.as_str())),
            ("taken_by", &taken_by),
            ("channel", &channel.map(|c| c.code())),
        ],
    )?;
    devices::add_event(
        tx,
        &device.id,
        "fault",
        &format!("{}故障：{phenomenon}", level.label_zh()),
        Some(&wo.id),
    )?;
    devices::set_status(tx, &device.id, DeviceStatus::Faulty, "报障", Some(&wo.id))?;
    Ok(wo)
}

/// Parse a time typed by a user: RFC 3339, or `YYYY-MM-DD HH:MM` in China Standard Time.
pub fn parse_time(field: &str, s: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let t = t.with_timezone(&Utc);
        check_date_range(field, t.date_naive())?;
        return Ok(t);
    }
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").map_err(|_| {
        Error::invalid(
            field,
            format!("时间格式应为 YYYY-MM-DD HH:MM，收到「{}」", clip(s)),
            format!("time must be YYYY-MM-DD HH:MM, got '{}'", clip(s)),
        )
    })?;
    check_date_range(field, naive.date())?;
    Ok((naive - chrono::Duration::hours(8)).and_utc())
}

pub(crate) fn add_event(
    tx: &Tx,
    wo: &str,
    from: Option<WorkOrderState>,
    to: WorkOrderState,
    note: Option<&str>,
) -> Result<()> {
    let id = new_id();
    let at = tx.now().to_rfc3339();
    let from = from.map(|f| f.code());
    let note = optional_text("work_order.note", note, MAX_NOTE_CHARS)?;
    tx.insert(
        "work_order_event",
        &id,
        &[
            ("work_order_id", &wo),
            ("from_state", &from),
            ("to_state", &to.code()),
            ("step", &to.step()),
            ("at", &at),
            ("note", &note),
        ],
    )
}

/// Move a work order one step along its state machine. `assignee` is required for `assigned`
/// (defaults to the current engineer). `customer_signed` is refused here: a work order is
/// signed only by finalising its report ([`crate::report::finalise`]), which stores the signed
/// PDF and its hash in the same transaction ("无客户确认视作无效记录").
pub fn advance(
    tx: &Tx,
    id: &str,
    to: WorkOrderState,
    note: Option<&str>,
    assignee: Option<&str>,
) -> Result<WorkOrderSummary> {
    if to == WorkOrderState::CustomerSigned {
        return Err(Error::refused(
            "signature_required",
            "工单须通过客户签字（或记录拒签）并生成签名报告才能变为「客户已签字」",
            "a work order becomes customer-signed only by finalising its signed report (signature or recorded refusal)",
        ));
    }
    transition(tx, id, to, note, assignee)
}

/// Record the customer's confirmation: only [`crate::report::finalise`] calls this, in the
/// transaction that files the signed report.
pub(crate) fn record_customer_signed(
    tx: &Tx,
    id: &str,
    note: Option<&str>,
) -> Result<WorkOrderSummary> {
    transition(tx, id, WorkOrderState::CustomerSigned, note, None)
}

fn transition(
    tx: &Tx,
    id: &str,
    to: WorkOrderState,
    note: Option<&str>,
    assignee: Option<&str>,
) -> Result<WorkOrderSummary> {
    let wo = summary_in(tx.conn(), id)?;
    wo.state.check_transition(to, &wo.id)?;
    let assignee_id = match to {
        WorkOrderState::Assigned => {
            let a = assignee
                .map(str::to_string)
                .unwrap_or_else(|| tx.author().to_string());
            let exists: Option<String> = tx
                .conn()
                .prepare_cached("SELECT id FROM engineer WHERE id = ?1 AND deleted = 0")?
                .query_row([&a], |r| r.get(0))
                .optional()?;
            Some(exists.ok_or_else(|| Error::not_found("engineer", &a))?)
        }
        _ => wo.assignee_id.clone(),
    };
    // The state itself is not stored: it is the furthest step among the events (so events
    // merged from two laptops never move it backwards). Only the assignee is a field.
    tx.update("work_order", &wo.id, &[("assignee_id", &assignee_id)])?;
    add_event(tx, &wo.id, Some(wo.state), to, note)?;
    if let Some(dev) = &wo.device_id {
        match to {
            WorkOrderState::OnSite => {
                devices::set_status(tx, dev, DeviceStatus::Repairing, "工程师到场", Some(&wo.id))?
            }
            WorkOrderState::Resolved => device_resolved(tx, dev, note, &wo.id)?,
            _ => {}
        }
    }
    summary_in(tx.conn(), &wo.id)
}

/// A device's archive when its fault is resolved (on site or remotely): the history line and
/// the status back to normal.
pub(crate) fn device_resolved(tx: &Tx, dev: &str, note: Option<&str>, wo: &str) -> Result<()> {
    devices::add_event(tx, dev, "resolved", note.unwrap_or("故障已解决"), Some(wo))?;
    devices::set_status(tx, dev, DeviceStatus::Normal, "故障已解决", Some(wo))
}

/// Refuse changes to a work order the customer has signed.
pub fn ensure_editable(conn: &rusqlite::Connection, id: &str) -> Result<WorkOrderSummary> {
    let wo = summary_in(conn, id)?;
    if matches!(
        wo.state,
        WorkOrderState::CustomerSigned | WorkOrderState::Closed
    ) {
        return Err(Error::immutable(
            format!(
                "工单已{}，不能再修改；如需更正请添加补充说明",
                wo.state.label_zh()
            ),
            format!(
                "the work order is {} and cannot be changed; add an addendum to correct it",
                wo.state.label_en()
            ),
        ));
    }
    Ok(wo)
}

/// Write (or rewrite) the 客户服务记录表 of a work order that is not yet signed.
pub fn record_service(tx: &Tx, id: &str, input: &ServiceRecordInput) -> Result<ServiceRecord> {
    let wo = ensure_editable(tx.conn(), id)?;
    let rec = input.validate()?;
    let existing: Option<String> = tx
        .conn()
        .prepare_cached("SELECT id FROM service_record WHERE work_order_id = ?1 AND deleted = 0")?
        .query_row([&wo.id], |r| r.get(0))
        .optional()?;
    let sat = rec.satisfaction.map(i64::from);
    let cols: [(&'static str, &dyn rusqlite::ToSql); 6] = [
        ("found_state", &rec.found_state),
        ("process", &rec.process),
        ("analysis", &rec.analysis),
        ("customer_feedback", &rec.customer_feedback),
        ("satisfaction", &sat),
        ("backup_restore", &rec.backup_restore),
    ];
    match existing {
        Some(rid) => tx.update("service_record", &rid, &cols)?,
        None => {
            let rid = crate::store::derived_id("service_record", &wo.id);
            let mut all: Vec<(&'static str, &dyn rusqlite::ToSql)> =
                vec![("work_order_id", &wo.id)];
            all.extend(cols);
            tx.insert("service_record", &rid, &all)?;
        }
    }
    Ok(rec)
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkOrderSummary {
    pub id: String,
    pub kind: WorkOrderKind,
    pub state: WorkOrderState,
    pub title: String,
    pub device_id: Option<String>,
    pub device_code: Option<String>,
    pub lane_id: String,
    pub contract_id: Option<String>,
    pub level: Option<u8>,
    pub assignee_id: Option<String>,
    pub respond_by: Option<String>,
    pub on_site_by: Option<String>,
    pub reported_at: String,
}

const SUMMARY_COLS: &str =
    "w.id, w.kind, w.state, w.title, w.device_id, d.code, w.lane_id, w.contract_id, w.level,
    w.assignee_id, w.respond_by, w.on_site_by, w.reported_at";

fn summary_row(r: &rusqlite::Row) -> rusqlite::Result<Result<WorkOrderSummary>> {
    let kind: String = r.get(1)?;
    let state: String = r.get(2)?;
    let level: Option<u8> = r.get(8)?;
    let base = WorkOrderSummary {
        id: r.get(0)?,
        kind: WorkOrderKind::Inspection,
        state: WorkOrderState::Reported,
        title: r.get(3)?,
        device_id: r.get(4)?,
        device_code: r.get(5)?,
        lane_id: r.get(6)?,
        contract_id: r.get(7)?,
        level,
        assignee_id: r.get(9)?,
        respond_by: r.get(10)?,
        on_site_by: r.get(11)?,
        reported_at: r.get(12)?,
    };
    Ok(WorkOrderKind::parse(&kind).and_then(|k| {
        WorkOrderState::parse(&state).map(|s| WorkOrderSummary {
            kind: k,
            state: s,
            ..base
        })
    }))
}

pub(crate) fn summary_in(conn: &rusqlite::Connection, id: &str) -> Result<WorkOrderSummary> {
    // Cached: the views behind it make this one of the costliest statements to prepare, and a
    // board of 10,000 work orders asks it 10,000 times.
    conn.prepare_cached(&format!("SELECT {SUMMARY_COLS} FROM work_order_now w LEFT JOIN device_now d ON d.id = w.device_id WHERE w.id = ?1 AND w.deleted = 0"))?
    .query_row([id], summary_row)
    .optional()?
    .ok_or_else(|| Error::not_found("work_order", id))?
}

#[derive(Debug, Clone, Default)]
pub struct WorkOrderFilter {
    pub device_id: Option<String>,
    pub lane_id: Option<String>,
    pub assignee_id: Option<String>,
    pub state: Option<WorkOrderState>,
    pub open_only: bool,
}

pub fn list(store: &Store, f: &WorkOrderFilter) -> Result<Vec<WorkOrderSummary>> {
    let mut st = store.conn().prepare(&format!(
        "SELECT {SUMMARY_COLS} FROM work_order_now w LEFT JOIN device_now d ON d.id = w.device_id
         WHERE w.deleted = 0 AND (?1 IS NULL OR w.device_id = ?1) AND (?2 IS NULL OR w.lane_id = ?2)
           AND (?3 IS NULL OR w.assignee_id = ?3) AND (?4 IS NULL OR w.state = ?4)
           AND (?5 = 0 OR w.state NOT IN ('customer_signed', 'closed'))
         ORDER BY COALESCE(w.level, 9), w.reported_at"
    ))?;
    let rows = st.query_map(
        rusqlite::params![
            f.device_id,
            f.lane_id,
            f.assignee_id,
            f.state.map(|s| s.code()),
            f.open_only
        ],
        summary_row,
    )?;
    rows.map(|r| r?).collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct TransitionView {
    pub from: Option<String>,
    pub to: String,
    pub at: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FaultReportView {
    pub fault_time: String,
    pub phenomenon: String,
    pub location: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub taken_by: Option<String>,
    /// 报障方式 code, if recorded.
    pub channel: Option<String>,
    /// 故障处理结果, once written.
    pub result: Option<String>,
}

/// A work order with everything recorded on it.
#[derive(Debug, Clone, Serialize)]
pub struct WorkOrderDetail {
    #[serde(flatten)]
    pub summary: WorkOrderSummary,
    pub transitions: Vec<TransitionView>,
    pub fault_report: Option<FaultReportView>,
    pub service_record: Option<ServiceRecord>,
    pub parts: Vec<crate::stock::PartUse>,
}

pub fn detail(store: &Store, id: &str) -> Result<WorkOrderDetail> {
    let conn = store.conn();
    let summary = summary_in(conn, id)?;
    let mut st = conn.prepare_cached("SELECT from_state, to_state, at, note FROM work_order_event WHERE work_order_id = ?1 ORDER BY at, hlc",
    )?;
    let transitions = st
        .query_map([&summary.id], |r| {
            Ok(TransitionView {
                from: r.get(0)?,
                to: r.get(1)?,
                at: r.get(2)?,
                note: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let fault_report = conn
        .prepare_cached(
            "SELECT fault_time, phenomenon, location, contact_name, contact_phone, taken_by,
                    channel, result
             FROM fault_report WHERE work_order_id = ?1",
        )?
        .query_row([&summary.id], |r| {
            Ok(FaultReportView {
                fault_time: r.get(0)?,
                phenomenon: r.get(1)?,
                location: r.get(2)?,
                contact_name: r.get(3)?,
                contact_phone: r.get(4)?,
                taken_by: r.get(5)?,
                channel: r.get(6)?,
                result: r.get(7)?,
            })
        })
        .optional()?;
    let service_record = conn
        .prepare_cached(
            "SELECT found_state, process, analysis, customer_feedback, satisfaction, backup_restore
             FROM service_record WHERE work_order_id = ?1 AND deleted = 0",
        )?
        .query_row([&summary.id], |r| {
            Ok(ServiceRecord {
                found_state: r.get(0)?,
                process: r.get(1)?,
                analysis: r.get(2)?,
                customer_feedback: r.get(3)?,
                satisfaction: r.get(4)?,
                backup_restore: r.get(5)?,
            })
        })
        .optional()?;
    let parts = crate::stock::parts_used(conn, &summary.id)?;
    Ok(WorkOrderDetail {
        summary,
        transitions,
        fault_report,
        service_record,
        parts,
    })
}
