//! Sync with the office off the UI thread: the "Sync now" button, enrolment, and a background
//! thread that syncs by the core's [`Timetable`] (every 5 minutes; after failures 30 s doubling
//! to 15 minutes) for as long as the app runs.
//!
//! One sync at a time: whoever starts one (the timer, the button, enrolment) takes the one slot;
//! a second asker is told "already running" at once and sees the running sync's progress. Every
//! outcome re-arms the timer (a button press is as good as a timed attempt) and is recorded with
//! `sync::status::record`, so the panel shows it after a restart too.
//!
//! A sync runs on its own connection to the database (SQLite WAL; each write is one IMMEDIATE
//! transaction), so the screens keep working while it waits for the network: the store lock of
//! [`crate::state::AppState`] is never held across a request. The client, the merge, the
//! timetable and the status are the core's; this only schedules and reports progress.

use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use weibao::sync::client::{self, Event, Remote, Summary};
use weibao::sync::enrol::{self, EnrolAnswer};
use weibao::sync::status::{self, Timetable};
use weibao::{Error, Result, Store, SystemClock};

/// The event the UI listens to for progress.
pub const PROGRESS_EVENT: &str = "sync-progress";

/// Tries per request before a transient failure is given up on: few, because a person may be
/// waiting (the timer tries again anyway).
const ATTEMPTS: u32 = 3;

/// The first timed attempt after start: soon, but not in the way of the first screen.
const FIRST_DELAY: Duration = Duration::from_secs(8);

/// Who started a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Background,
    Now,
    Enrol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Started,
    Step,
    Done,
    Failed,
}

/// One progress report to the UI: the core's event line in both languages and the counts.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub phase: Phase,
    pub trigger: Trigger,
    pub line: Option<String>,
    pub line_zh: Option<String>,
    pub pushed: usize,
    pub pulled: usize,
    /// The core's error (`{kind, message, message_en, field}`) when `phase` is `failed`.
    pub error: Option<serde_json::Value>,
}

/// Where progress goes: the app's event bus, or a test's list.
pub type Emit = Arc<dyn Fn(Progress) + Send + Sync>;

struct Inner {
    running: bool,
    failures: u32,
    next: Instant,
    stop: bool,
}

pub struct Syncer {
    db_path: PathBuf,
    table: Timetable,
    emit: Emit,
    inner: Mutex<Inner>,
    wake: Condvar,
}

/// How an attempt ended, for the timer.
enum Ended {
    /// Nothing was tried (not enrolled): look again after the regular interval.
    NotTried,
    Ok,
    Failed,
}

impl Syncer {
    pub fn new(db_path: PathBuf, table: Timetable, emit: Emit) -> Arc<Syncer> {
        Arc::new(Syncer {
            db_path,
            table,
            emit,
            inner: Mutex::new(Inner {
                running: false,
                failures: 0,
                next: Instant::now() + FIRST_DELAY,
                stop: false,
            }),
            wake: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Start the background thread. It ends after [`Syncer::stop`].
    pub fn start(self: &Arc<Self>) -> std::io::Result<()> {
        let me = Arc::clone(self);
        std::thread::Builder::new()
            .name("weibao-sync".into())
            .spawn(move || me.background())?;
        Ok(())
    }

    /// Stop the background thread (at app exit); a sync in flight finishes on its own.
    pub fn stop(&self) {
        self.lock().stop = true;
        self.wake.notify_all();
    }

    pub fn running(&self) -> bool {
        self.lock().running
    }

    /// Failures in a row and the wait until the next timed attempt (for tests and the panel).
    pub fn schedule(&self) -> (u32, Duration) {
        let g = self.lock();
        (g.failures, g.next.saturating_duration_since(Instant::now()))
    }

    fn background(&self) {
        loop {
            {
                let mut g = self.lock();
                loop {
                    if g.stop {
                        return;
                    }
                    let now = Instant::now();
                    if !g.running && now >= g.next {
                        break;
                    }
                    // While another sync runs, its end wakes us (it re-arms `next`).
                    let wait = if g.running {
                        self.table.every
                    } else {
                        g.next - now
                    };
                    g = self
                        .wake
                        .wait_timeout(g, wait)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
            }
            // `None`: someone else started one in between; its end re-arms the timer.
            let _ = self.sync_once(Trigger::Background);
        }
    }

    /// Take the one slot, or `false` if a sync is already running.
    fn begin(&self) -> bool {
        let mut g = self.lock();
        if g.running || g.stop {
            return false;
        }
        g.running = true;
        true
    }

    /// Free the slot and re-arm the timer by the core's timetable.
    fn end(&self, ended: Ended) {
        let mut g = self.lock();
        g.running = false;
        match ended {
            Ended::NotTried => {}
            Ended::Ok => g.failures = 0,
            Ended::Failed => g.failures = g.failures.saturating_add(1),
        }
        g.next = Instant::now() + self.table.next_delay(g.failures);
        drop(g);
        self.wake.notify_all();
    }

    fn report(&self, phase: Phase, trigger: Trigger, counts: (usize, usize), ev: Option<&Event>) {
        (self.emit)(Progress {
            phase,
            trigger,
            line: ev.map(Event::line),
            line_zh: ev.map(Event::line_zh),
            pushed: counts.0,
            pulled: counts.1,
            error: None,
        });
    }

    fn finish<T>(&self, trigger: Trigger, counts: (usize, usize), r: &Result<T>) {
        let (phase, error) = match r {
            Ok(_) => (Phase::Done, None),
            Err(e) => (Phase::Failed, serde_json::to_value(e).ok()),
        };
        (self.emit)(Progress {
            phase,
            trigger,
            line: None,
            line_zh: None,
            pushed: counts.0,
            pulled: counts.1,
            error,
        });
    }

    /// One sync on the calling thread (never the UI's): `None` if one is already running.
    pub fn sync_once(&self, trigger: Trigger) -> Option<Result<Summary>> {
        if !self.begin() {
            return None;
        }
        let mut counts = (0, 0);
        let outcome = self.sync_enrolled(trigger, &mut counts);
        let ended = match &outcome {
            Ok(Some(_)) => Ended::Ok,
            Ok(None) => Ended::NotTried,
            Err(_) => Ended::Failed,
        };
        self.end(ended);
        let outcome = outcome.and_then(|s| s.ok_or_else(not_enrolled));
        if !matches!(&outcome, Err(e) if e.kind() == "not_enrolled") {
            self.finish(trigger, counts, &outcome);
        }
        Some(outcome)
    }

    /// Sync with the saved office; `Ok(None)` when this laptop is not enrolled.
    fn sync_enrolled(
        &self,
        trigger: Trigger,
        counts: &mut (usize, usize),
    ) -> Result<Option<Summary>> {
        let mut store = Store::open(&self.db_path, Arc::new(SystemClock))?;
        let Some(saved) = enrol::saved(&store)? else {
            return Ok(None);
        };
        self.report(Phase::Started, trigger, *counts, None);
        let outcome = Remote::new(&saved.server, &saved.token, ATTEMPTS).and_then(|remote| {
            client::run(&mut store, &remote, &mut |e| {
                count(counts, e);
                self.report(Phase::Step, trigger, *counts, Some(e));
            })
        });
        status::record(&mut store, &outcome)?;
        outcome.map(Some)
    }

    /// Enrol with the office (then sync, as the core's enrolment does), taking the slot like
    /// any sync. The address and token are checked by the core before anything is sent.
    pub fn enrol(&self, server: &str, token: &str) -> Result<EnrolAnswer> {
        let remote = Remote::new(server, token, ATTEMPTS)?;
        if !self.begin() {
            return Err(Error::refused(
                "sync_running",
                "正在同步，请等这次同步结束后再连接办公室",
                "a sync is running: connect to the office once it has finished",
            ));
        }
        let mut counts = (0, 0);
        let outcome = self.enrol_with(&remote, &mut counts);
        self.end(match &outcome {
            Ok(_) => Ended::Ok,
            Err(_) => Ended::NotTried,
        });
        self.finish(Trigger::Enrol, counts, &outcome);
        outcome
    }

    fn enrol_with(&self, remote: &Remote, counts: &mut (usize, usize)) -> Result<EnrolAnswer> {
        let mut store = Store::open(&self.db_path, Arc::new(SystemClock))?;
        self.report(Phase::Started, Trigger::Enrol, *counts, None);
        let (answer, outcome) = match enrol::enrol(&mut store, remote, &mut |e| {
            count(counts, e);
            self.report(Phase::Step, Trigger::Enrol, *counts, Some(e));
        }) {
            Ok((a, sum)) => (Some(a), Ok(sum)),
            Err(e) => (None, Err(e)),
        };
        // Only an enrolment that got as far as saving the office is a sync worth showing; a
        // refused token or a typo leaves no trace.
        if enrol::saved(&store)?.is_some() {
            status::record(&mut store, &outcome)?;
        }
        outcome?;
        answer.ok_or_else(not_enrolled)
    }
}

fn count(counts: &mut (usize, usize), e: &Event) {
    match e {
        Event::Pushed { pushed, .. } => counts.0 = *pushed,
        Event::Pulled { pulled, .. } => counts.1 = *pulled,
        _ => {}
    }
}

/// "Sync now" on a laptop that has no office yet.
pub fn not_enrolled() -> Error {
    Error::refused(
        "not_enrolled",
        "本机尚未连接办公室：请先填写办公室地址和令牌",
        "this laptop is not connected to an office yet: enter the office address and token first",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syncer(dir: &tempfile::TempDir) -> (Arc<Syncer>, Arc<Mutex<Vec<Progress>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let emit: Emit = Arc::new(move |p: Progress| sink.lock().expect("lock").push(p));
        let s = Syncer::new(dir.path().join("t.db"), Timetable::default(), emit);
        (s, seen)
    }

    #[test]
    fn not_enrolled_is_said_plainly_and_does_not_count_as_a_failure() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (s, seen) = syncer(&dir);
        let e = s
            .sync_once(Trigger::Now)
            .expect("ran")
            .expect_err("no office");
        assert_eq!(e.kind(), "not_enrolled");
        assert_eq!(s.schedule().0, 0);
        assert!(!s.running());
        assert!(seen.lock().expect("lock").is_empty(), "nothing to report");
    }

    #[test]
    fn an_unreachable_office_is_recorded_and_retried_by_the_timetable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (s, seen) = syncer(&dir);
        {
            let mut store =
                Store::open(&dir.path().join("t.db"), Arc::new(SystemClock)).expect("open");
            // Port 1 on loopback: nothing listens, the connection is refused at once.
            enrol::save(&mut store, "http://127.0.0.1:1", "token", None).expect("save");
        }
        let e = s
            .sync_once(Trigger::Now)
            .expect("ran")
            .expect_err("offline");
        assert_eq!(e.kind(), "offline");
        let (failures, wait) = s.schedule();
        assert_eq!(failures, 1);
        assert!(wait <= Duration::from_secs(30) && wait > Duration::from_secs(20));
        let store = Store::open(&dir.path().join("t.db"), Arc::new(SystemClock)).expect("open");
        let st = status::status(&store).expect("status");
        assert_eq!(st.last_error.map(|e| e.kind).as_deref(), Some("offline"));
        let phases: Vec<Phase> = seen.lock().expect("lock").iter().map(|p| p.phase).collect();
        assert_eq!(phases.first(), Some(&Phase::Started));
        assert_eq!(phases.last(), Some(&Phase::Failed));
        assert!(phases.contains(&Phase::Step), "the retries are reported");
    }

    #[test]
    fn a_second_sync_while_one_runs_is_told_so() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (s, _) = syncer(&dir);
        assert!(s.begin());
        assert!(s.sync_once(Trigger::Now).is_none());
        let e = s.enrol("http://127.0.0.1:1", "t").expect_err("busy");
        assert_eq!(e.kind(), "sync_running");
        s.end(Ended::NotTried);
        assert!(!s.running());
    }

    #[test]
    fn a_malformed_address_is_refused_before_anything_is_sent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (s, seen) = syncer(&dir);
        let e = s.enrol("127.0.0.1:8470", "t").expect_err("no scheme");
        assert_eq!(e.field(), Some("server"));
        assert!(seen.lock().expect("lock").is_empty());
        assert!(!s.running());
    }
}
