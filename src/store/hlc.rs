//! The hybrid logical clock, persisted so its stamps never run backwards across restarts even
//! if the laptop's wall clock does (a dead CMOS battery at the lane is common).

use crate::Result;
use rusqlite::Connection;
use std::time::Duration;
use uhlc::{HLCBuilder, Timestamp, HLC, ID, NTP64};

pub struct PersistentHlc {
    hlc: HLC,
    id_hex: String,
}

impl PersistentHlc {
    /// Build the clock for this installation and move it past the last stamp ever committed.
    pub fn load(conn: &Connection, installation_id: &str) -> Result<Self> {
        let raw = uuid::Uuid::parse_str(installation_id)
            .map(|u| u.as_u128())
            .unwrap_or(1)
            .max(1);
        let id = ID::try_from(raw.to_le_bytes()).unwrap_or_else(|_| ID::rand());
        // The delta only guards against remote stamps far in the future; our own persisted
        // stamp may be "ahead" of a wall clock that was set back, and must still be accepted.
        let hlc = HLCBuilder::new()
            .with_id(id)
            .with_max_delta(Duration::from_secs(100 * 365 * 24 * 3600))
            .build();
        let id_hex = format!("{raw:032x}");
        if let Some(last) = super::meta_get(conn, "hlc_last")? {
            if let Some(t) = parse_time(&last) {
                let _ = hlc.update_with_timestamp(&Timestamp::new(NTP64(t), id));
            }
        }
        Ok(PersistentHlc { hlc, id_hex })
    }

    /// A fresh stamp, greater than every stamp made or persisted before.
    pub fn next(&self) -> String {
        let ts = self.hlc.new_timestamp();
        format!("{:016x}-{}", ts.get_time().as_u64(), self.id_hex)
    }

    /// Remember `stamp` as the latest, in the caller's transaction.
    pub fn persist(conn: &Connection, stamp: &str) -> Result<()> {
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('hlc_last', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE excluded.value > meta.value",
            [stamp],
        )?;
        Ok(())
    }
}

/// The physical+logical part of a stored stamp.
pub fn parse_time(stamp: &str) -> Option<u64> {
    u64::from_str_radix(stamp.get(..16)?, 16).ok()
}
