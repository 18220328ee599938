//! Schema migrations, embedded in the binary. Append only: never edit a shipped migration.
//! Each feature adds its own file; the schema version is the number of entries applied.

use rusqlite_migration::{Migrations, M};

/// Every migration in order. Its position + 1 is the schema version (`PRAGMA user_version`).
const SQL: &[&str] = &[
    include_str!("0001_core.sql"),
    include_str!("0002_checklist.sql"),
    include_str!("0003_reports.sql"),
];

pub fn all() -> Migrations<'static> {
    Migrations::new(SQL.iter().map(|sql| M::up(sql)).collect())
}

/// Migrations up to (and including) `version` only: used to build old databases in tests.
pub fn up_to(version: usize) -> Migrations<'static> {
    Migrations::new(SQL.iter().take(version).map(|sql| M::up(sql)).collect())
}

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    SQL.len() as i64
}
