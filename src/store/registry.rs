//! The table registry: every table the core writes, declared once with how it merges and which
//! columns it syncs.
//!
//! Change sets are built from this declaration (never from payloads written beside the SQL),
//! and a change that arrives from elsewhere may only name a table and columns found here: every
//! table and column name that reaches SQL comes out of these constants, never off the wire.

/// How a table's rows merge between replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// Edited in place: each field merges by last writer (HLC stamp, then installation id);
    /// overwritten values are kept in `field_history`.
    Record,
    /// Written once, never edited: the same id with the same content is a duplicate; with other
    /// content it is a conflict (the earlier stamp stays in force, the other is listed).
    Event,
    /// A stock movement: written once like an event and always kept, however many vans take
    /// the last part; balances are sums and a negative one is listed as a conflict.
    Ledger,
}

/// The SQLite storage class of a synced column, used to turn a change's JSON back into SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    Int,
    Real,
}

#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    pub ty: Type,
}

/// One synced table. Every synced table also has the sync columns `id`, `hlc`, `author`,
/// `author_device` (last change), `created_hlc`, `created_by`, `created_device` and `deleted`.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub merge: Merge,
    pub columns: &'static [Column],
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether rows may be edited or tombstoned after they are written.
    pub fn mutable(&self) -> bool {
        self.merge == Merge::Record
    }
}

/// Columns added to a synced table after sync began (migrations 0005, 0012, 0013, …). An insert
/// logged by an older weibao lacks them — the office's log replayed to a newly enrolled laptop,
/// a laptop not upgraded yet — and they read as empty (NULL) there; every other column must be in
/// an insert. A migration that adds a synced column adds it here.
pub const ADDED_LATER: &[(&str, &str)] = &[
    ("photo", "taken_at_raw"),
    ("fault_report", "channel"),
    ("service_record", "backup_restore"),
    ("device", "firmware"),
];

impl Table {
    /// Whether an insert from elsewhere must carry `column` (see [`ADDED_LATER`]).
    pub fn required_on_insert(&self, column: &str) -> bool {
        !ADDED_LATER.contains(&(self.name, column))
    }
}

/// The tombstone column: a field like any other for records (last writer wins).
pub const DELETED: Column = Column {
    name: "deleted",
    ty: Type::Int,
};

/// Tables that never leave this machine: keys, caches, bookkeeping, sync state. Listed so a
/// test can prove none of them reaches a change set.
pub const LOCAL_ONLY: &[&str] = &[
    "meta",
    "change_log",
    "held_change",
    "field_clock",
    "field_history",
    "sync_conflict",
    "blob",
    "report_sequence",
    "engineer_secret",
    "device_type_label",
    "device_fts",
    "note_fts",
];

macro_rules! cols {
    ($($name:ident : $ty:ident),* $(,)?) => {
        &[$(Column { name: stringify!($name), ty: Type::$ty }),*]
    };
}

macro_rules! table {
    ($name:ident, $merge:ident, { $($cols:tt)* }) => {
        Table { name: stringify!($name), merge: Merge::$merge, columns: cols!($($cols)*) }
    };
}

/// Every synced table, parents before children (the order a full replay inserts them in).
pub static TABLES: &[Table] = &[
    table!(company, Record, { name: Text, address: Text, phone: Text }),
    table!(engineer, Record, { company_id: Text, name: Text, phone: Text, report_prefix: Text }),
    table!(customer, Record, { name: Text, address: Text }),
    table!(contact, Record, { customer_id: Text, name: Text, phone: Text, role: Text }),
    table!(site, Record, { customer_id: Text, name: Text, address: Text }),
    table!(lane, Record, { site_id: Text, name: Text, code: Text }),
    table!(device, Record, {
        code: Text, device_type: Text, model: Text, manufacturer: Text, serial: Text,
        manufacture_date: Text, install_date: Text, warranty_end: Text, status: Text,
        lane_id: Text, position: Text, confidentiality: Text, notes: Text, firmware: Text,
    }),
    table!(contract, Record, {
        number: Text, customer_id: Text, name: Text, start_date: Text, end_date: Text,
        fee_fen: Int, calendar: Text, terms: Text,
    }),
    table!(contract_site, Record, { contract_id: Text, site_id: Text }),
    table!(engineer_key, Record, {
        engineer_id: Text, cert_pem: Text, cert_sha256: Text, created_at: Text,
    }),
    table!(work_order, Record, {
        kind: Text, title: Text, device_id: Text, lane_id: Text, contract_id: Text, level: Int,
        assignee_id: Text, respond_by: Text, on_site_by: Text, reported_at: Text,
    }),
    table!(work_order_event, Event, {
        work_order_id: Text, from_state: Text, to_state: Text, step: Int, at: Text, note: Text,
    }),
    table!(fault_report, Record, {
        work_order_id: Text, fault_time: Text, phenomenon: Text, location: Text,
        contact_name: Text, contact_phone: Text, taken_by: Text, result: Text, channel: Text,
    }),
    table!(service_record, Record, {
        work_order_id: Text, found_state: Text, process: Text, analysis: Text,
        customer_feedback: Text, satisfaction: Int, backup_restore: Text,
    }),
    table!(sla_pause, Record, {
        work_order_id: Text, clock: Text, reason: Text, note: Text, started_at: Text,
        started_by: Text, recorded_at: Text, ended_at: Text, ended_by: Text,
        end_recorded_at: Text,
    }),
    table!(device_event, Event, {
        device_id: Text, at: Text, kind: Text, summary: Text, work_order_id: Text,
        status: Text, serial: Text,
    }),
    table!(archive_access, Event, { device_id: Text, at: Text, purpose: Text }),
    table!(stock_location, Record, { kind: Text, name: Text, engineer_id: Text }),
    table!(part, Record, {
        code: Text, name: Text, category: Text, unit: Text, price_fen: Int, serialised: Int,
        device_type: Text,
    }),
    table!(spare_unit, Record, { part_id: Text, serial: Text }),
    table!(stock_movement, Ledger, {
        kind: Text, part_id: Text, qty: Int, from_location: Text, to_location: Text,
        work_order_id: Text, unit_id: Text, condition: Text, at: Text, note: Text,
    }),
    table!(rma, Record, {
        work_order_id: Text, device_id: Text, faulty_serial: Text, spare_unit_id: Text,
        opened_at: Text, note: Text,
    }),
    table!(rma_event, Event, { rma_id: Text, status: Text, step: Int, at: Text, note: Text }),
    table!(inspection, Record, {
        lane_id: Text, template_id: Text, template_version: Int, template_sha256: Text,
        kind: Text, name: Text, engineer_id: Text, started_at: Text, completed_at: Text,
    }),
    table!(inspection_item, Event, {
        inspection_id: Text, seq: Int, key: Text, item_id: Text, device_id: Text,
        section_zh: Text, spec: Text,
    }),
    table!(inspection_answer, Event, {
        inspection_id: Text, item_id: Text, value: Text, failed: Int, out_of_range: Int,
        note: Text, answered_at: Text, addendum: Int, reason: Text,
    }),
    table!(inspection_fault, Event, {
        inspection_id: Text, item_id: Text, work_order_id: Text, level: Int,
    }),
    table!(photo, Record, {
        work_order_id: Text, inspection_id: Text, inspection_item_id: Text,
        original_sha256: Text, original_mime: Text, report_sha256: Text, width: Int,
        height: Int, caption: Text, taken_at: Text, gps_lat: Real, gps_lon: Real,
        added_at: Text, taken_at_raw: Text,
    }),
    table!(customer_signature, Record, {
        work_order_id: Text, png_sha256: Text, signer_name: Text, refused: Int,
        refusal_reason: Text, signed_at: Text,
    }),
    table!(phone_confirmation, Record, {
        work_order_id: Text, confirmer: Text, phone: Text, confirmed_at: Text,
    }),
    table!(report, Event, {
        work_order_id: Text, number: Text, kind: Text, lang: Text, sha256: Text, size: Int,
        engineer_id: Text, signer: Text, cert_sha256: Text, signed_at: Text,
        addendum_of: Text, addendum_of_sha256: Text, addendum_reason: Text,
        addendum_text: Text,
    }),
    table!(inspection_work_order, Event, { inspection_id: Text, work_order_id: Text }),
    table!(inspection_addendum, Event, {
        inspection_id: Text, text: Text, engineer_id: Text, written_at: Text,
    }),
    table!(work_order_billing, Record, {
        work_order_id: Text, cause: Text, labour_half_days: Int, travel_fen: Int, survey_fen: Int,
    }),
    table!(billing_consent, Event, {
        work_order_id: Text, signer: Text, total_fen: Int, refurbished_ok: Int, engineer_id: Text,
        consented_at: Text,
    }),
    table!(work_order_resolution, Event, { work_order_id: Text, method: Text, detail: Text }),
    table!(status_report, Event, {
        customer_id: Text, site_id: Text, period_from: Text, period_to: Text, number: Text,
        lang: Text, sha256: Text, size: Int, engineer_id: Text, cert_sha256: Text,
        signed_at: Text,
    }),
    table!(conflict_resolution, Record, {
        conflict_key: Text, action: Text, note: Text, resolved_at: Text,
    }),
    table!(common_fault, Record, {
        device_type: Text, phenomenon: Text, cause: Text, remedy: Text, hidden: Int,
        confirmed_by: Text, confirmed_at: Text,
    }),
    table!(checklist_template, Record, {
        code: Text, version: Int, kind: Text, name_zh: Text, name_en: Text, sha256: Text,
        body: Text, retired: Int,
    }),
    table!(stock_minimum, Record, {
        location_id: Text, part_id: Text, minimum: Int, set_at: Text,
    }),
    table!(complaint, Record, {
        number: Text, received_at: Text, taken_by: Text, customer_id: Text, project: Text,
        complainant: Text, phone: Text, content: Text, investigation: Text,
        initial_action: Text, answered_at: Text, handled_by: Text, correction: Text,
        completed_at: Text, feedback_at: Text, customer_opinion: Text, satisfaction: Int,
        summary: Text, closed_at: Text,
    }),
    table!(paper_loan, Record, {
        site_id: Text, device_id: Text, title: Text, borrower: Text, purpose: Text,
        lent_by: Text, lent_at: Text, due_back: Text, returned_at: Text, received_by: Text,
    }),
    table!(follow_up_call, Event, {
        kind: Text, work_order_id: Text, customer_id: Text, month: Text, called_at: Text,
        called_by: Text, person: Text, phone: Text, reached: Int, satisfaction: Int,
        comments: Text,
    }),
];

/// The declared table named `name`, if any: the only way a name from outside reaches SQL.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// Position of a table in [`TABLES`] (parents first), for ordering a replay.
pub fn rank(name: &str) -> usize {
    TABLES
        .iter()
        .position(|t| t.name == name)
        .unwrap_or(TABLES.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_synced_table_is_also_local_only() {
        for t in TABLES {
            assert!(!LOCAL_ONLY.contains(&t.name), "{} is both", t.name);
            assert!(t.column("id").is_none() && t.column("hlc").is_none());
        }
    }

    #[test]
    fn every_column_added_later_is_a_declared_column() {
        for (table, column) in ADDED_LATER {
            let t = table_named(table);
            assert!(
                t.column(column).is_some(),
                "{table}.{column} is not declared"
            );
            assert!(!t.required_on_insert(column));
        }
        assert!(table_named("device").required_on_insert("serial"));
    }

    fn table_named(name: &str) -> &'static Table {
        table(name).unwrap_or_else(|| panic!("no table {name}"))
    }
}
