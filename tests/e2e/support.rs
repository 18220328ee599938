//! Shared test setup: a real SQLite file in a temp dir, a fake clock, the demo data.

use chrono::{DateTime, TimeZone, Utc};
use std::path::PathBuf;
use std::sync::Arc;
use weibao::{FakeClock, Store};

pub struct TestDb {
    #[allow(dead_code)] // kept so the folder lives as long as the test
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub clock: Arc<FakeClock>,
}

/// Monday 2026-11-23 10:00 China time (02:00 UTC): inside 5×8 service hours.
pub fn monday_10am() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0)
        .single()
        .expect("valid time")
}

impl TestDb {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("weibao.db");
        TestDb {
            dir,
            path,
            clock: Arc::new(FakeClock::new(monday_10am())),
        }
    }

    pub fn open(&self) -> Store {
        Store::open(&self.path, self.clock.clone()).expect("open store")
    }

    /// A store holding the demo data set.
    pub fn demo() -> (Self, Store) {
        let t = TestDb::new();
        let mut s = t.open();
        weibao::demo::load(&mut s, None, &mut |_, _| {}).expect("demo loads");
        (t, s)
    }
}

/// The path of the built `weibao` binary.
pub fn weibao_bin() -> &'static str {
    env!("CARGO_BIN_EXE_weibao")
}

/// Run the `weibao` CLI on the database at `db` with `args`.
pub fn weibao_at(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(weibao_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run weibao")
}
