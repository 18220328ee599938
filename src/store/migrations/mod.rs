//! Schema migrations, embedded in the binary. Append only: never edit a shipped migration.
//! Each feature adds its own file; the schema version is the number of entries applied.
//! [`run`] applies each pending migration in its own IMMEDIATE transaction (with its version
//! bump), with foreign keys off while tables are rebuilt and checked before each commit.

mod backfill;

use crate::{Error, Result};
use rusqlite::{Connection, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

/// Every migration in order. Its position + 1 is the schema version (`PRAGMA user_version`).
const SQL: &[&str] = &[
    include_str!("0001_core.sql"),
    include_str!("0002_checklist.sql"),
    include_str!("0003_reports.sql"),
    include_str!("0004_sync.sql"),
    include_str!("0005_photo_time.sql"),
    include_str!("0006_inspection_addendum.sql"),
    include_str!("0007_billing.sql"),
    include_str!("0008_remote_resolution.sql"),
    include_str!("0009_sla_pause.sql"),
    include_str!("0010_status_report.sql"),
    include_str!("0011_common_fault.sql"),
    include_str!("0012_paper_forms.sql"),
    include_str!("0013_device_firmware.sql"),
    include_str!("0014_checklist_template.sql"),
    include_str!("0015_stock_minimum.sql"),
    include_str!("0016_complaint.sql"),
    include_str!("0017_follow_up.sql"),
    include_str!("0018_paper_loan.sql"),
    include_str!("0019_phone_confirmation.sql"),
];

fn migration(i: usize, sql: &'static str) -> M<'static> {
    match i {
        3 => M::up_with_hook(sql, backfill::sync_ready).foreign_key_check(),
        _ => M::up(sql).foreign_key_check(),
    }
}

pub fn all() -> Migrations<'static> {
    Migrations::new(
        SQL.iter()
            .enumerate()
            .map(|(i, s)| migration(i, s))
            .collect(),
    )
}

/// Migrations up to (and including) `version` only: used to build old databases in tests.
pub fn up_to(version: usize) -> Migrations<'static> {
    Migrations::new(
        SQL.iter()
            .take(version)
            .enumerate()
            .map(|(i, s)| migration(i, s))
            .collect(),
    )
}

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    SQL.len() as i64
}

/// Bring the schema up to date, one IMMEDIATE transaction per migration, so a second process
/// opening the same file waits instead of migrating it twice, and a crash leaves the database
/// at a whole version. Refuses a database from a newer weibao before touching it.
pub fn run(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let supported = latest_version();
    if found > supported {
        return Err(Error::SchemaTooNew { found, supported });
    }
    if found == supported {
        return Ok(());
    }
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let migrations = all();
    let mut result = Ok(());
    for v in (found + 1)..=supported {
        let target = usize::try_from(v).unwrap_or(usize::MAX);
        if let Err(e) = migrations.to_version(conn, target) {
            result = Err(Error::Migration(e.to_string()));
            break;
        }
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_transaction_behavior(TransactionBehavior::Deferred);
    result
}
