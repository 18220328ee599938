//! The client's side of an engineer's scope (the sites assigned to them), run by
//! [`super::client::run`] after the pull:
//!
//! 1. Sites this laptop holds that are no longer in the scope the office announced leave it
//!    ([`super::evict`]: local eviction, no change is written; rows with unsent changes stay
//!    until pushed and acknowledged, then go at the next sync).
//! 2. When a check is due, the office's per-site checksums (`GET /sync/v1/sites`) are compared
//!    with this laptop's ([`super::scope::checksums`], the same function), and every site that
//!    differs and has no unsent change here is fetched whole (`GET /sync/v1/site`): its rows are
//!    evicted, then every change to them is applied again. A site that entered the scope
//!    differs (this laptop has little or none of it), so it arrives whole the same way.
//!
//! A check is due when the scope differs from the one remembered (the first sync, a site
//! assigned or unassigned), when the pull left changes waiting for a row or parent that is
//! not here (a device moved in from a site this laptop does not hold), when the last check is
//! more than a day old, or when asked ([`check_sites_next`], `weibao sync --verify`).

use super::client::{self, Event, Remote, Summary};
use super::scope::{self, Scope, SiteSum};
use super::{evict, PullAnswer};
use crate::store::apply::ApplyReport;
use crate::store::{meta_get, Change, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// Local-only `meta` keys: the scope as last reconciled, and when the sites were last checked.
const SCOPE_KEY: &str = "sync_scope";
const CHECKED_KEY: &str = "sync_sites_checked_at";
/// How often the checksums are compared when nothing else asks for it.
const CHECK_EVERY: chrono::Duration = chrono::Duration::hours(24);

/// `GET /sync/v1/sites`: the caller's scope and the checksum of each of its sites (every site
/// of the office for `all`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SitesAnswer {
    pub scope: Scope,
    pub sites: Vec<SiteSum>,
}

/// The scope this laptop last reconciled with the office (`None` before its first sync).
pub fn remembered_scope(store: &Store) -> Result<Option<Scope>> {
    match meta_get(store.conn(), SCOPE_KEY)? {
        None => Ok(None),
        Some(v) => Scope::parse(&v)
            .map(Some)
            .map_err(|_| Error::Migration(format!("meta.{SCOPE_KEY} is damaged: {v:?}"))),
    }
}

/// Make the next sync compare every site with the office's checksum.
pub fn check_sites_next(store: &mut Store) -> Result<()> {
    store.write(|tx| {
        tx.conn()
            .execute("DELETE FROM meta WHERE key = ?1", [CHECKED_KEY])?;
        Ok(())
    })
}

/// After a pull: evict what left the scope, then compare checksums and fetch sites whole
/// when a check is due. Does nothing if the office did not say the scope.
pub(crate) fn reconcile(
    store: &mut Store,
    remote: &Remote,
    sum: &mut Summary,
    on: &mut dyn FnMut(&Event),
) -> Result<()> {
    let Some(scope) = sum.scope.clone() else {
        return Ok(());
    };
    let ev = evict::out_of_scope(store, &scope)?;
    if ev != evict::Evicted::default() {
        sum.evicted += ev.rows;
        sum.kept += ev.kept;
        on(&Event::Evicted {
            rows: ev.rows,
            kept: ev.kept,
        });
    }
    if !due(store, &scope, sum)? {
        return Ok(());
    }
    let v = remote
        .get_json("/sync/v1/sites", &[], sum, on)
        .map_err(|f| remote.error(f))?;
    let office: SitesAnswer = client::parse(v)?;
    let ids: Vec<String> = office.sites.iter().map(|s| s.id.clone()).collect();
    let local = scope::checksums(store.conn(), &ids)?;
    let mut settled = true;
    for theirs in &office.sites {
        if local.iter().any(|l| l == theirs) {
            continue;
        }
        if evict::pending_in(store, &theirs.id)? > 0 {
            // Its unsent changes differ from the office by definition: check again once they
            // are pushed.
            settled = false;
            continue;
        }
        fetch_site(store, remote, &theirs.id, sum, on)?;
    }
    remember(store, &scope, settled)
}

/// Whether the checksums should be compared now.
fn due(store: &mut Store, scope: &Scope, sum: &Summary) -> Result<bool> {
    let waiting = sum.pulled > 0
        && store.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM held_change
                            WHERE reason IN ('row_missing', 'missing_parent'))",
            [],
            |r| r.get::<_, bool>(0),
        )?;
    let remembered = remembered_scope(store)?;
    if remembered.is_none() && sum.pulled_from == 0 && !waiting {
        // A first sync pulled its whole share just now: nothing to compare yet.
        remember(store, scope, true)?;
        return Ok(false);
    }
    if waiting || remembered.as_ref() != Some(scope) {
        return Ok(true);
    }
    let last = meta_get(store.conn(), CHECKED_KEY)?
        .and_then(|v| chrono::DateTime::parse_from_rfc3339(&v).ok());
    Ok(match last {
        None => true,
        Some(t) => store.now().signed_duration_since(t) > CHECK_EVERY,
    })
}

fn remember(store: &mut Store, scope: &Scope, settled: bool) -> Result<()> {
    let now = store.now().to_rfc3339();
    store.write(|tx| {
        let conn = tx.conn();
        conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            rusqlite::params![SCOPE_KEY, scope.code()],
        )?;
        if settled {
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                rusqlite::params![CHECKED_KEY, now],
            )?;
        } else {
            conn.execute("DELETE FROM meta WHERE key = ?1", [CHECKED_KEY])?;
        }
        Ok(())
    })
}

/// Fetch one site whole: every change to its rows, page by page, then its rows evicted and
/// those changes applied in one transaction ([`whole`]). Interrupted, nothing of it changed
/// here, and the next sync's check (still due: the check time is cleared first) fetches it
/// again.
fn fetch_site(
    store: &mut Store,
    remote: &Remote,
    site: &str,
    sum: &mut Summary,
    on: &mut dyn FnMut(&Event),
) -> Result<()> {
    check_sites_next(store)?;
    let mut changes: Vec<Change> = Vec::new();
    let mut after = 0i64;
    loop {
        let query = [("id", site.to_string()), ("after", after.to_string())];
        let v = remote
            .get_json("/sync/v1/site", &query, sum, on)
            .map_err(|f| remote.error(f))?;
        let page: PullAnswer = client::parse(v)?;
        if page.more && page.next <= after {
            return Err(Error::refused(
                "bad_answer",
                "办公室的站点分页没有前进",
                "the office's site pages do not advance",
            ));
        }
        changes.extend(page.changes);
        after = page.next;
        if !page.more {
            break;
        }
    }
    let me = store.installation().to_string();
    let own: Vec<Change> = changes.iter().filter(|c| c.origin == me).cloned().collect();
    let report = match whole(store, site, &changes, &own) {
        Err(e) if e.kind() == INCOMPLETE => piecewise(store, site, &changes, &own)?,
        other => other?,
    };
    sum.applied += report.applied + report.released;
    sum.held = report.held;
    sum.sites_fetched += 1;
    on(&Event::SiteFetched {
        site: site.to_string(),
        changes: changes.len(),
    });
    Ok(())
}

const INCOMPLETE: &str = "site_incomplete";

/// Evict the site's rows and apply all its changes in one transaction, foreign keys checked
/// only at its end. Replaying a row's history may pass through parents this laptop does not
/// hold (a device that moved in from another site was first inserted on a lane of that site);
/// only the end state must be complete, and the scope rule makes a site's rows refer only to
/// its own and global rows. If something is still missing at the end (a global row the pull
/// has not brought yet), nothing is changed and `site_incomplete` is returned.
fn whole(store: &mut Store, site: &str, changes: &[Change], own: &[Change]) -> Result<ApplyReport> {
    let me = store.installation().to_string();
    let acked = super::acknowledged(store)?;
    let skew = store.max_skew_units();
    store.write(|tx| {
        // Also defers the foreign keys for the rest of this transaction.
        evict::within(tx.conn(), &me, acked, &[site.to_string()], &[])?;
        let mut total = ApplyReport::default();
        for chunk in changes.chunks(PAGE) {
            add(&mut total, tx.apply_refetched(chunk, skew)?);
        }
        if !own.is_empty() {
            tx.apply_refetched(own, skew)?;
        }
        let broken = tx
            .conn()
            .prepare("PRAGMA foreign_key_check")?
            .query([])?
            .next()?
            .is_some();
        if broken {
            return Err(Error::refused(
                INCOMPLETE,
                "站点的记录引用了本机没有的记录",
                "the site's rows refer to rows this laptop does not have",
            ));
        }
        Ok(total)
    })
}

/// The fallback of [`whole`]: evict, then apply page by page with foreign keys checked at
/// once, so what cannot apply yet is held until its parent arrives (and the site's checksum
/// keeps differing until then).
fn piecewise(
    store: &mut Store,
    site: &str,
    changes: &[Change],
    own: &[Change],
) -> Result<ApplyReport> {
    evict::sites(store, &[site.to_string()])?;
    let mut total = ApplyReport::default();
    for chunk in changes.chunks(PAGE) {
        add(&mut total, store.apply_refetched(chunk)?);
    }
    if !own.is_empty() {
        store.apply_refetched(own)?;
    }
    Ok(total)
}

const PAGE: usize = 1000;

fn add(total: &mut ApplyReport, r: ApplyReport) {
    total.applied += r.applied;
    total.released += r.released;
    total.duplicates += r.duplicates;
    total.conflicts += r.conflicts;
    total.held = r.held;
}
