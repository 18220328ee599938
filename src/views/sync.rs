//! The sync panel and the always-visible sync indicator: the core's [`SyncStatus`] with the
//! indicator's state decided here (so the desktop app, and later the office pages, say the
//! same thing for the same facts) and its times in China Standard Time.

use super::time;
use crate::store::Store;
use crate::sync::status::{self, SyncStatus};
use crate::Result;
use serde::Serialize;

/// What the indicator says, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// No office saved: enrolment is offered.
    NotEnrolled,
    /// The last attempt could not reach the office (work goes on; it retries by itself).
    Offline,
    /// The last attempt reached the office and was refused (token revoked, update needed, …).
    Failed,
    /// Own changes or photos wait to be pushed.
    Pending,
    /// Everything sent; `last_ok_short` says when.
    Synced,
    /// Enrolled, never synced yet.
    Never,
}

#[derive(Debug, Clone, Serialize)]
pub struct SyncView {
    #[serde(flatten)]
    pub status: SyncStatus,
    pub indicator: Indicator,
    /// What waits to be sent: changes and photos (the indicator's count).
    pub to_send: i64,
    /// `YYYY-MM-DD HH:MM`, China time.
    pub last_ok_text: Option<String>,
    /// `HH:MM` when it was today (China time), else `MM-DD HH:MM`: for the indicator.
    pub last_ok_short: Option<String>,
    pub last_try_text: Option<String>,
    pub last_error_text: Option<String>,
}

/// The panel as of now (reads only: no network).
pub fn view(store: &Store) -> Result<SyncView> {
    let status = status::status(store)?;
    let indicator = indicator(&status);
    let today = crate::report::local_time(store.now()).date();
    let short = |at: &str| {
        time::parse(at).map(|t| {
            let local = crate::report::local_time(t);
            if local.date() == today {
                local.format("%H:%M").to_string()
            } else {
                local.format("%m-%d %H:%M").to_string()
            }
        })
    };
    Ok(SyncView {
        last_ok_text: status.last_ok_at.as_deref().map(time::china_text),
        last_ok_short: status.last_ok_at.as_deref().and_then(short),
        last_try_text: status.last_try_at.as_deref().map(time::china_text),
        last_error_text: status.last_error.as_ref().map(|e| time::china_text(&e.at)),
        indicator,
        to_send: status
            .pending_changes
            .saturating_add(i64::try_from(status.photos_to_send).unwrap_or(i64::MAX)),
        status,
    })
}

/// The indicator's state: not enrolled; else the last failure (offline or refused); else
/// whether changes wait; else synced (or never).
pub fn indicator(s: &SyncStatus) -> Indicator {
    if s.server.is_none() {
        Indicator::NotEnrolled
    } else if let Some(e) = &s.last_error {
        if e.kind == "offline" {
            Indicator::Offline
        } else {
            Indicator::Failed
        }
    } else if s.pending_changes > 0 || s.photos_to_send > 0 {
        Indicator::Pending
    } else if s.last_ok_at.is_some() {
        Indicator::Synced
    } else {
        Indicator::Never
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::client::Summary;
    use crate::views::fixture::world;
    use crate::Error;

    #[test]
    fn the_indicator_follows_enrolment_failures_and_pending_changes() {
        let mut w = world();
        let v = view(&w.store).expect("view");
        assert_eq!(v.indicator, Indicator::NotEnrolled);

        crate::sync::enrol::save(&mut w.store, "http://127.0.0.1:8470", "t", None).expect("save");
        // The fixture wrote changes that were never pushed.
        assert_eq!(view(&w.store).expect("view").indicator, Indicator::Pending);

        let offline = Error::refused("offline", "无法连接", "cannot reach");
        status::record(&mut w.store, &Err(offline)).expect("record");
        let v = view(&w.store).expect("view");
        assert_eq!(v.indicator, Indicator::Offline);
        // 10:00 China time on 1 June 2026, the fixture's clock.
        assert_eq!(v.last_error_text.as_deref(), Some("2026-06-01 10:00"));
        assert_eq!(v.last_ok_short, None);

        let revoked = Error::refused("unauthenticated", "令牌无效", "bad token");
        status::record(&mut w.store, &Err(revoked)).expect("record");
        assert_eq!(view(&w.store).expect("view").indicator, Indicator::Failed);

        let last = crate::store::changes::last_seq(w.store.conn(), w.store.installation())
            .expect("last seq");
        crate::sync::set_acknowledged(&mut w.store, last).expect("ack");
        status::record(&mut w.store, &Ok(Summary::default())).expect("record");
        let v = view(&w.store).expect("view");
        assert_eq!(v.indicator, Indicator::Synced);
        assert_eq!(v.last_ok_short.as_deref(), Some("10:00"));
        assert_eq!(v.last_ok_text.as_deref(), Some("2026-06-01 10:00"));

        // The next day the indicator names the date too.
        w.clock.advance(chrono::Duration::hours(24));
        let v = view(&w.store).expect("view");
        assert_eq!(v.last_ok_short.as_deref(), Some("06-01 10:00"));
    }

    #[test]
    fn a_photo_not_yet_sent_keeps_the_indicator_at_pending() {
        let mut w = world();
        crate::sync::enrol::save(&mut w.store, "http://127.0.0.1:8470", "t", None).expect("save");
        let last = crate::store::changes::last_seq(w.store.conn(), w.store.installation())
            .expect("last seq");
        crate::sync::set_acknowledged(&mut w.store, last).expect("ack");
        status::record(&mut w.store, &Ok(Summary::default())).expect("record");
        let before = view(&w.store).expect("view");
        // A file taken here after the last sync (the fixture's own files count too).
        let sha = w
            .store
            .blobs()
            .put(b"%PDF-1.7 a scanned delivery note")
            .expect("blob");
        crate::sync::blobs::register(&mut w.store, &sha, 32, "application/pdf", false)
            .expect("register");
        let v = view(&w.store).expect("view");
        assert_eq!(v.status.pending_changes, 0);
        assert_eq!(v.status.photos_to_send, before.status.photos_to_send + 1);
        assert_eq!(v.indicator, Indicator::Pending);
        assert_eq!(
            v.to_send,
            i64::try_from(v.status.photos_to_send).expect("count")
        );

        crate::sync::blobs::mark_sent(&mut w.store, &sha).expect("sent");
        let v = view(&w.store).expect("view");
        assert_eq!(v.status.photos_to_send, before.status.photos_to_send);
    }
}
