//! The dispatch board of the office (派工看板): every open work order, the one nearest to
//! breaching its contract first, with its site and engineer; and who can take one.
//!
//! "Nearest to breach" is a rule, so it is decided here: a work order's urgency is its clock
//! still running (not met) whose deadline comes first; overdue ones lead (longest overdue
//! first), then those at risk, then the rest by that deadline; a work order with no running
//! clock (no contract, or every clock met) comes last. Ties go to the more serious level, then
//! to the earlier report.

use super::sla::{ClockKind, SlaStatus};
use super::work_order::{self, WorkOrderRow};
use crate::store::Store;
use crate::work_orders::{self, WorkOrderFilter};
use crate::Result;
use serde::Serialize;
use std::collections::BTreeMap;

/// One line of the board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardRow {
    #[serde(flatten)]
    pub row: WorkOrderRow,
    pub site_id: String,
    pub site_name: String,
    pub lane_code: String,
    pub assignee_name: Option<String>,
    /// The running clock that decides the order, if any.
    pub urgent_clock: Option<ClockKind>,
    /// Its status: `breached` and `at_risk` are what the board highlights.
    pub urgency: Option<SlaStatus>,
    /// Its deadline (RFC 3339) and as people read it.
    pub urgent_deadline: Option<String>,
    pub urgent_deadline_text: Option<String>,
    /// It may be dispatched or reassigned now (not yet signed or closed: [`crate::dispatch`]).
    pub can_dispatch: bool,
}

/// An engineer who may take work at a site, with how many open work orders they hold.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub open_load: usize,
}

fn rank(status: Option<SlaStatus>) -> u8 {
    match status {
        Some(SlaStatus::Breached) => 0,
        Some(SlaStatus::AtRisk) => 1,
        Some(SlaStatus::OnTime) => 2,
        Some(SlaStatus::Paused) => 3,
        _ => 4,
    }
}

/// Every open work order, most urgent first.
pub fn board(store: &Store) -> Result<Vec<BoardRow>> {
    let open = work_orders::list(
        store,
        &WorkOrderFilter {
            open_only: true,
            ..Default::default()
        },
    )?;
    let lanes: BTreeMap<String, crate::org::LaneView> = crate::org::lanes(store, None)?
        .into_iter()
        .map(|l| (l.id.clone(), l))
        .collect();
    let names: BTreeMap<String, String> = crate::org::engineers(store)?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let mut rows: Vec<BoardRow> = work_order::rows(store, open)?
        .into_iter()
        .map(|row| {
            let urgent = row
                .clocks
                .iter()
                .filter(|c| !matches!(c.status, SlaStatus::Met))
                .min_by(|a, b| {
                    rank(Some(a.status))
                        .cmp(&rank(Some(b.status)))
                        .then_with(|| a.deadline.cmp(&b.deadline))
                })
                .cloned();
            let lane = lanes.get(&row.summary.lane_id);
            BoardRow {
                site_id: lane.map(|l| l.site_id.clone()).unwrap_or_default(),
                site_name: lane.map(|l| l.site_name.clone()).unwrap_or_default(),
                lane_code: lane.map(|l| l.code.clone()).unwrap_or_default(),
                assignee_name: row
                    .summary
                    .assignee_id
                    .as_ref()
                    .and_then(|a| names.get(a).cloned()),
                urgent_clock: urgent.as_ref().map(|c| c.kind),
                urgency: urgent.as_ref().map(|c| c.status),
                urgent_deadline: urgent.as_ref().map(|c| c.deadline.clone()),
                urgent_deadline_text: urgent.map(|c| c.deadline_text),
                can_dispatch: crate::dispatch::may_dispatch(row.summary.state),
                row,
            }
        })
        .collect();
    // Deadlines are RFC 3339 in UTC from one clock, so their text order is their time order.
    rows.sort_by(|a, b| {
        rank(a.urgency)
            .cmp(&rank(b.urgency))
            .then_with(|| match (&a.urgent_deadline, &b.urgent_deadline) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| {
                a.row
                    .summary
                    .level
                    .unwrap_or(9)
                    .cmp(&b.row.summary.level.unwrap_or(9))
            })
            .then_with(|| a.row.summary.reported_at.cmp(&b.row.summary.reported_at))
    });
    Ok(rows)
}

/// The engineers among `allowed` (ids: those the office assigned to the work order's site;
/// `None` for all), each with their open load, least loaded first.
pub fn candidates(store: &Store, allowed: Option<&[String]>) -> Result<Vec<Candidate>> {
    let mut load: BTreeMap<String, usize> = BTreeMap::new();
    for wo in work_orders::list(
        store,
        &WorkOrderFilter {
            open_only: true,
            ..Default::default()
        },
    )? {
        if let Some(a) = wo.assignee_id {
            *load.entry(a).or_default() += 1;
        }
    }
    let mut out: Vec<Candidate> = crate::org::engineers(store)?
        .into_iter()
        .filter(|e| allowed.is_none_or(|ids| ids.contains(&e.id)))
        .map(|e| Candidate {
            open_load: load.get(&e.id).copied().unwrap_or(0),
            id: e.id,
            name: e.name,
        })
        .collect();
    out.sort_by(|a, b| {
        a.open_load
            .cmp(&b.open_load)
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(out)
}

/// What the dispatcher narrows the board to; every part optional.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct BoardFilter {
    pub site: Option<String>,
    /// An engineer's id, or `none` for the unassigned.
    pub engineer: Option<String>,
    /// `breached`, `at_risk`, `on_time`, `paused`, or `none` (no running clock).
    pub urgency: Option<String>,
    /// How many rows to send (default [`DEFAULT_PAGE`], at most [`MAX_PAGE`]).
    pub limit: Option<usize>,
}

/// Rows a board page holds unless asked otherwise: a screen's worth and then some. A board of
/// 10,000 work orders is ~26 MB of JSON and many seconds to lay out; nobody reads past the
/// most urgent few hundred, and the counts say how many more there are.
pub const DEFAULT_PAGE: usize = 200;
pub const MAX_PAGE: usize = 2000;

/// How many open work orders stand where, over the filtered board.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BoardCounts {
    pub breached: usize,
    pub at_risk: usize,
    pub on_time: usize,
    pub paused: usize,
    pub none: usize,
}

/// The most urgent rows of the filtered board, with the counts of all of it.
#[derive(Debug, Clone, Serialize)]
pub struct BoardPage {
    pub rows: Vec<BoardRow>,
    /// Work orders matching the filter (the rows are the first of them).
    pub total: usize,
    pub counts: BoardCounts,
    /// Sites with open work, for the filter: (id, name).
    pub sites: Vec<(String, String)>,
}

/// A page of `board` (already in the board's order) under `filter`.
pub fn page(board: &[BoardRow], filter: &BoardFilter) -> BoardPage {
    let urgency_code = |r: &BoardRow| r.urgency.map_or("none", |u| u.code());
    let mut sites: BTreeMap<String, String> = BTreeMap::new();
    for r in board {
        sites.insert(r.site_id.clone(), r.site_name.clone());
    }
    let matching: Vec<&BoardRow> = board
        .iter()
        .filter(|r| {
            filter
                .site
                .as_deref()
                .is_none_or(|s| s.is_empty() || r.site_id == s)
        })
        .filter(|r| match filter.engineer.as_deref() {
            None | Some("") => true,
            Some("none") => r.row.summary.assignee_id.is_none(),
            Some(e) => r.row.summary.assignee_id.as_deref() == Some(e),
        })
        .filter(|r| {
            filter
                .urgency
                .as_deref()
                .is_none_or(|u| u.is_empty() || urgency_code(r) == u)
        })
        .collect();
    let mut counts = BoardCounts::default();
    for r in &matching {
        match r.urgency {
            Some(SlaStatus::Breached) => counts.breached += 1,
            Some(SlaStatus::AtRisk) => counts.at_risk += 1,
            Some(SlaStatus::OnTime) => counts.on_time += 1,
            Some(SlaStatus::Paused) => counts.paused += 1,
            _ => counts.none += 1,
        }
    }
    let limit = filter.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let mut sites: Vec<(String, String)> = sites.into_iter().collect();
    sites.sort_by(|a, b| a.1.cmp(&b.1));
    BoardPage {
        total: matching.len(),
        rows: matching.into_iter().take(limit).cloned().collect(),
        counts,
        sites,
    }
}
