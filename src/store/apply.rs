//! Applying a batch of remote changes: validation of the whole batch first, idempotency by
//! (origin, sequence), the clock-skew bound, and held changes retried until nothing moves.

use super::changes::Change;
use super::merge::{self, Outcome, Replica};
use crate::{Error, Result};
use serde::Serialize;

/// Why a change is held because of its stamp (kept apart: only time or a person releases it).
pub const CLOCK_SKEW: &str = "clock_skew";
/// The start of the reason of a change the receiver refused (`sync::vet`): held, listed as a
/// `refused_change` conflict, applied only once a person accepts it.
pub const REFUSED: &str = "refused";

/// What one batch did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ApplyReport {
    /// Changes that took effect (in force, or kept in the field history).
    pub applied: usize,
    /// Changes already processed here, skipped.
    pub duplicates: usize,
    /// Events whose id was already used with other content: both kept and listed.
    pub conflicts: usize,
    /// Changes now waiting (from this batch or earlier ones) for their row or parent, or
    /// with a stamp too far ahead.
    pub held: usize,
    /// Held changes that applied in this batch once what they waited for arrived.
    pub released: usize,
    /// Changes this replica refused (held with their reason until a person accepts them).
    pub refused: usize,
    /// Own changes merged once more ([`apply_batch_again`]) that still wait for their row or
    /// parent (they stay logged; the caller passes them again once it arrived).
    pub unrestored: usize,
    /// The highest stamp applied (the local clock moves past it).
    #[serde(skip)]
    pub max_hlc: Option<String>,
}

/// Apply `changes` to `r`. Any malformed change refuses the whole batch before anything is
/// written (the caller's transaction rolls back); changes whose stamp is more than `max_skew`
/// ahead of `now` are held with the skew named in the report.
pub fn apply_batch<R: Replica>(
    r: &mut R,
    changes: &[Change],
    now: u64,
    max_skew: u64,
) -> Result<ApplyReport> {
    apply_inner(r, changes, now, max_skew, None, &|_| None)
}

/// [`apply_batch`], with `refuse` saying which changes this replica will not apply and why
/// (the office's rules on what a laptop may change, `sync::vet`): those are received (the
/// sender's sequence moves on, nothing else waits for them) but held with the reason.
pub fn apply_vetted<R: Replica>(
    r: &mut R,
    changes: &[Change],
    now: u64,
    max_skew: u64,
    refuse: &dyn Fn(&Change) -> Option<String>,
) -> Result<ApplyReport> {
    apply_inner(r, changes, now, max_skew, None, refuse)
}

/// [`apply_batch`], except that the changes of origin `again` (this installation) that are
/// already logged are merged once more instead of skipped. A site fetched whole after its rows
/// were evicted (`sync::evict`) brings back rows this installation wrote; their changes stayed
/// in its log (they are its outbox and its sequence numbers), so the log alone would skip
/// them. Merging one change twice changes nothing (the same stamp neither wins nor loses a
/// field; an event with the same content is a duplicate), so a row still here is untouched.
pub fn apply_batch_again<R: Replica>(
    r: &mut R,
    changes: &[Change],
    now: u64,
    max_skew: u64,
    again: Option<&str>,
) -> Result<ApplyReport> {
    apply_inner(r, changes, now, max_skew, again, &|_| None)
}

fn apply_inner<R: Replica>(
    r: &mut R,
    changes: &[Change],
    now: u64,
    max_skew: u64,
    again: Option<&str>,
    refuse: &dyn Fn(&Change) -> Option<String>,
) -> Result<ApplyReport> {
    let mut tables = Vec::with_capacity(changes.len());
    for (i, c) in changes.iter().enumerate() {
        tables.push(c.validate(&format!("changes[{i}]"))?);
    }
    let limit = now.saturating_add(max_skew);
    let mut report = ApplyReport::default();
    for (c, t) in changes.iter().zip(tables) {
        if r.is_held(&c.origin, c.seq)? {
            report.duplicates += 1;
            continue;
        }
        if let Some(why) = refuse(c) {
            if r.log_new(c)? {
                r.unlog(c)?;
                r.hold(c, &format!("{REFUSED}: {why}"))?;
                report.refused += 1;
            } else {
                report.duplicates += 1;
            }
            continue;
        }
        if super::hlc::parse_time(&c.hlc).unwrap_or(u64::MAX) > limit {
            // Held unless it was applied here before (released by a person, then resent).
            if r.log_new(c)? {
                r.unlog(c)?;
                r.hold(c, CLOCK_SKEW)?;
            } else {
                report.duplicates += 1;
            }
            continue;
        }
        if !r.log_new(c)? {
            if again == Some(c.origin.as_str()) {
                match merge::apply(r, t, c)? {
                    Outcome::Held(_) => report.unrestored += 1,
                    outcome => count(&mut report, &outcome, c),
                }
            } else {
                report.duplicates += 1;
            }
            continue;
        }
        match merge::apply(r, t, c)? {
            Outcome::Held(why) => {
                r.unlog(c)?;
                r.hold(c, &why)?;
            }
            outcome => count(&mut report, &outcome, c),
        }
    }
    retry_held(r, limit, &mut report)?;
    report.held = r.held()?.len();
    Ok(report)
}

fn count(report: &mut ApplyReport, outcome: &Outcome, c: &Change) {
    match outcome {
        Outcome::Applied => report.applied += 1,
        Outcome::Duplicate => report.duplicates += 1,
        Outcome::Conflict => report.conflicts += 1,
        Outcome::Held(_) => report.held += 1,
    }
    if report.max_hlc.as_deref().is_none_or(|m| c.hlc.as_str() > m) {
        report.max_hlc = Some(c.hlc.clone());
    }
}

/// Retry held changes (oldest stamp first) until a pass applies none. A change held for its
/// clock is retried once a person accepted it, here or on another replica (the resolution is
/// a synced record: every replica that held the change then applies it).
fn retry_held<R: Replica>(r: &mut R, limit: u64, report: &mut ApplyReport) -> Result<()> {
    loop {
        let mut moved = false;
        for (c, why) in r.held()? {
            let ahead = super::hlc::parse_time(&c.hlc).unwrap_or(u64::MAX) > limit;
            if (ahead || why.starts_with(REFUSED)) && !r.accepted(&c.origin, c.seq)? {
                continue;
            }
            let Some(t) = super::registry::table(&c.table) else {
                continue;
            };
            let outcome = merge::apply(r, t, &c)?;
            if matches!(outcome, Outcome::Held(_)) {
                continue;
            }
            r.unhold(&c)?;
            r.log(&c)?;
            report.released += 1;
            if ahead {
                // Accepted as it is, like [`release`]: the clock does not follow its stamp
                // (it would stamp everything written here years ahead).
                let max = report.max_hlc.take();
                count(report, &outcome, &c);
                report.max_hlc = max;
            } else {
                count(report, &outcome, &c);
            }
            moved = true;
        }
        if !moved {
            return Ok(());
        }
    }
}

/// Apply one held change regardless of its stamp (an office person accepted a laptop's clock
/// that ran ahead). Refused if it is not held, or if its row or parent is still missing.
pub fn release<R: Replica>(r: &mut R, origin: &str, seq: i64) -> Result<()> {
    let Some((c, _)) = r
        .held()?
        .into_iter()
        .find(|(c, _)| c.origin == origin && c.seq == seq)
    else {
        return Err(Error::not_found("held_change", format!("{origin}/{seq}")));
    };
    let t = c.validate("held_change")?;
    match merge::apply(r, t, &c)? {
        Outcome::Held(why) => Err(Error::refused(
            "still_held",
            format!("该变更仍不能应用：{why}"),
            format!("the change still cannot apply: {why}"),
        )),
        _ => {
            r.unhold(&c)?;
            r.log(&c)
        }
    }
}
