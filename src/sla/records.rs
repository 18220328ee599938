//! What the clocks of one work order are computed from, read from the store.

use super::{clocks, Clocks, Note, Pause, Step};
use crate::domain::contract::Contract;
use crate::domain::work_order::{WorkOrderKind, WorkOrderState};
use crate::store::Store;
use crate::views::time;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

/// Everything recorded that a work order's clocks depend on.
#[derive(Debug, Clone, PartialEq)]
pub struct Records {
    pub id: String,
    pub kind: WorkOrderKind,
    /// The furthest step reached (a step reached without a recorded time still counts).
    pub state: WorkOrderState,
    pub level: Option<u8>,
    /// When the fault was reported to the service company: every clock but the repair one runs
    /// from here (接到报障通知起算), not from when the fault happened.
    pub reported_at: DateTime<Utc>,
    pub contract: Option<Contract>,
    /// Why the work order's contract could not be read, if it could not.
    pub contract_problem: Option<Note>,
    pub responded: Option<DateTime<Utc>>,
    pub on_site: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
    /// Resolved by phone or remote session ([`crate::resolution`]): nobody had to come, so the
    /// on-site clock is kept by the resolution itself.
    pub remote: bool,
    /// The first part or unit issued to the job.
    pub first_part: Option<DateTime<Utc>>,
    /// The first spare unit (备机) swapped in.
    pub spare_unit: Option<DateTime<Utc>>,
    pub pauses: Vec<Pause>,
    /// The contract's other emergency work orders (reported at, id), for the yearly quota.
    pub other_emergencies: Vec<(DateTime<Utc>, String)>,
}

impl Records {
    /// A work order about to be opened: nothing has happened to it yet.
    pub fn new(
        id: &str,
        kind: WorkOrderKind,
        level: Option<u8>,
        reported_at: DateTime<Utc>,
        contract: Option<Contract>,
    ) -> Self {
        Records {
            id: id.to_string(),
            kind,
            state: WorkOrderState::Reported,
            level,
            reported_at,
            contract,
            contract_problem: None,
            responded: None,
            on_site: None,
            resolved: None,
            remote: false,
            first_part: None,
            spare_unit: None,
            pauses: Vec::new(),
            other_emergencies: Vec::new(),
        }
    }

    /// Whether `step` has happened, and when if that is recorded.
    pub fn step(&self, at: Option<DateTime<Utc>>, step: WorkOrderState) -> Step {
        if self.state.step() >= step.step() {
            Step::Done(at)
        } else {
            Step::Pending
        }
    }
}

/// The contract's emergency work orders other than `id`, for the out-of-hours quota.
pub(crate) fn emergencies_of(
    conn: &Connection,
    contract_id: &str,
    id: &str,
) -> Result<Vec<(DateTime<Utc>, String)>> {
    let mut st = conn.prepare_cached(
        "SELECT reported_at, id FROM work_order
         WHERE contract_id = ?1 AND kind = 'emergency' AND deleted = 0 AND id <> ?2",
    )?;
    let rows = st
        .query_map([contract_id, id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(t, id)| time::parse(&t).map(|t| (t, id)))
        .collect())
}

/// The records of work order `id`; `None` when its report time is not a time (an old or
/// foreign record): there is nothing to count from.
pub fn read(conn: &Connection, id: &str) -> Result<Option<Records>> {
    type Row = (
        String,
        String,
        String,
        Option<u8>,
        String,
        Option<String>,
        [Option<String>; 3],
    );
    let row: Row = conn
        .prepare_cached(
            "SELECT id, kind, state, level, reported_at, contract_id, responded_at, on_site_at,
                    resolved_at
             FROM work_order_now WHERE id = ?1 AND deleted = 0",
        )?
        .query_row([id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                [r.get(6)?, r.get(7)?, r.get(8)?],
            ))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("work_order", id))?;
    let (id, kind, state, level, reported, contract_id, [responded, on_site, resolved]) = row;
    let Some(reported_at) = time::parse(&reported) else {
        return Ok(None);
    };
    let at = |t: Option<String>| t.as_deref().and_then(time::parse);
    let (contract, contract_problem) = match &contract_id {
        None => (None, None),
        Some(cid) => match crate::contracts::contract_in(conn, cid) {
            Ok(c) => (Some(c), None),
            Err(e) => (
                None,
                Some(Note::new(
                    format!("工单的合同无法读取，不计服务时限：{}", e.message_zh()),
                    format!(
                        "the work order's contract cannot be read, so no clock is counted: {e}"
                    ),
                )),
            ),
        },
    };
    let first = |only_units: bool| -> Result<Option<DateTime<Utc>>> {
        let t: Option<String> = conn
            .prepare_cached(
                "SELECT MIN(at) FROM stock_movement WHERE work_order_id = ?1 AND kind = 'issue'
               AND deleted = 0 AND (?2 = 0 OR unit_id IS NOT NULL)",
            )?
            .query_row(rusqlite::params![id, only_units], |r| r.get(0))?;
        Ok(t.as_deref().and_then(time::parse))
    };
    let other_emergencies = match &contract_id {
        Some(cid) if kind == WorkOrderKind::Emergency.code() => emergencies_of(conn, cid, &id)?,
        _ => Vec::new(),
    };
    Ok(Some(Records {
        kind: WorkOrderKind::parse(&kind)?,
        state: WorkOrderState::parse(&state)?,
        level,
        reported_at,
        contract,
        contract_problem,
        responded: at(responded),
        on_site: at(on_site),
        resolved: at(resolved),
        remote: crate::resolution::of(conn, &id)?.is_some(),
        first_part: first(false)?,
        spare_unit: first(true)?,
        pauses: super::pause::of_work_order(conn, &id)?,
        other_emergencies,
        id,
    }))
}

/// The clocks of work order `id` at the store's clock, counted in the calendars in use.
pub fn for_work_order(store: &Store, id: &str) -> Result<Clocks> {
    let Some(rec) = read(store.conn(), id)? else {
        return Ok(Clocks::default());
    };
    Ok(clocks(&rec, &crate::calendar::active(), store.now()))
}
