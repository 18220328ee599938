-- weibao schema 4: a sync-ready store (issue 9).
--
-- Runs with foreign keys off (the tables below are rebuilt) and checks them before commit.
-- The Rust hook that follows this file moves signing keys to a local table, backfills the
-- events that now carry derived state, rebuilds the search index and writes the change log
-- from the rows (the old outbox's hand-made payloads could not rebuild them).

-- The change log: every change made here or applied from elsewhere, in local commit order.
-- (origin, origin_seq) identifies a change everywhere, so a repeated one is skipped.
CREATE TABLE change_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    origin     TEXT NOT NULL,
    origin_seq INTEGER NOT NULL CHECK (origin_seq > 0),
    tbl        TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    hlc        TEXT NOT NULL,
    author     TEXT NOT NULL,
    fields     TEXT NOT NULL,
    UNIQUE (origin, origin_seq)
) STRICT;
DROP TABLE outbox;

-- Remote changes that cannot apply yet (row or parent not here, stamp too far ahead).
CREATE TABLE held_change (
    origin     TEXT NOT NULL,
    origin_seq INTEGER NOT NULL,
    hlc        TEXT NOT NULL,
    reason     TEXT NOT NULL,
    change     TEXT NOT NULL,
    PRIMARY KEY (origin, origin_seq)
) STRICT, WITHOUT ROWID;

-- Per-field clocks of record fields written after their row's insert (the others carry the
-- row's created stamp).
CREATE TABLE field_clock (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field  TEXT NOT NULL,
    hlc    TEXT NOT NULL,
    author TEXT NOT NULL,
    device TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id, field)
) STRICT, WITHOUT ROWID;

-- Every value that is not (or no longer) in force, with its stamp and author: nothing a
-- replica ever wrote is lost to a merge.
CREATE TABLE field_history (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field  TEXT NOT NULL,
    hlc    TEXT NOT NULL,
    author TEXT NOT NULL,
    device TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id, field, hlc)
) STRICT, WITHOUT ROWID;

-- The version of an event that is not in force because the same id was first written with
-- other content.
CREATE TABLE sync_conflict (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    hlc    TEXT NOT NULL,
    author TEXT NOT NULL,
    device TEXT NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id, hlc)
) STRICT, WITHOUT ROWID;

-- An office person's decision on a listed conflict: a synced record like any other.
CREATE TABLE conflict_resolution (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    conflict_key TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT,
    resolved_at TEXT NOT NULL
) STRICT;

-- The private half of an engineer's signing key: local only, never in a change.
CREATE TABLE engineer_secret (
    key_id      TEXT PRIMARY KEY REFERENCES engineer_key(id),
    engineer_id TEXT NOT NULL,
    key_pem     TEXT NOT NULL
) STRICT;
INSERT INTO engineer_secret(key_id, engineer_id, key_pem)
    SELECT id, engineer_id, key_pem FROM engineer_key WHERE key_pem IS NOT NULL;
ALTER TABLE engineer_key DROP COLUMN key_pem;

-- Keys two offline laptops can both create are no longer UNIQUE: the core refuses a
-- duplicate made here with a field error, and a clash that arrives by sync is listed as a
-- conflict instead of blocking the rest. (SQLite cannot drop a UNIQUE constraint: rebuild.)
DROP TRIGGER device_fts_insert;
DROP TRIGGER device_fts_update;
DROP TRIGGER fault_report_fts;
DROP TRIGGER service_record_fts_insert;
DROP TRIGGER service_record_fts_update;

CREATE TABLE device_new (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    code TEXT NOT NULL,
    device_type TEXT NOT NULL,
    model TEXT NOT NULL, manufacturer TEXT NOT NULL, serial TEXT NOT NULL,
    manufacture_date TEXT, install_date TEXT, warranty_end TEXT,
    -- the status recorded in the archive; the current one is derived (device_now)
    status TEXT NOT NULL,
    lane_id TEXT NOT NULL REFERENCES lane(id),
    position TEXT,
    confidentiality TEXT NOT NULL,
    notes TEXT
) STRICT;
INSERT INTO device_new SELECT * FROM device;
DROP TABLE device;
ALTER TABLE device_new RENAME TO device;
CREATE INDEX device_code ON device(code);
CREATE INDEX device_lane ON device(lane_id);
CREATE INDEX device_serial ON device(serial);
CREATE INDEX device_model ON device(model);

CREATE TABLE contract_new (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    number TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customer(id),
    name TEXT NOT NULL,
    start_date TEXT NOT NULL, end_date TEXT NOT NULL,
    fee_fen INTEGER NOT NULL,
    calendar TEXT NOT NULL,
    -- No CHECK (end_date >= start_date) any more: two laptops can each move one date validly
    -- and the merge of both can cross them. The core refuses such a contract when it is written
    -- here, and a crossing made by a merge is listed as a conflict (contract_period), instead of
    -- holding one laptop's change forever and leaving the replicas different.
    terms TEXT NOT NULL
) STRICT;
INSERT INTO contract_new SELECT * FROM contract;
DROP TABLE contract;
ALTER TABLE contract_new RENAME TO contract;
CREATE INDEX contract_number ON contract(number);

CREATE TABLE stock_location_new (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL CHECK (kind IN ('warehouse', 'van', 'repair')),
    name TEXT NOT NULL,
    engineer_id TEXT REFERENCES engineer(id)
) STRICT;
INSERT INTO stock_location_new SELECT * FROM stock_location;
DROP TABLE stock_location;
ALTER TABLE stock_location_new RENAME TO stock_location;
CREATE INDEX stock_location_name ON stock_location(name);

CREATE TABLE part_new (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('main', 'vulnerable', 'crash_prone')),
    unit TEXT NOT NULL,
    price_fen INTEGER NOT NULL DEFAULT 0,
    serialised INTEGER NOT NULL DEFAULT 0,
    device_type TEXT
) STRICT;
INSERT INTO part_new SELECT * FROM part;
DROP TABLE part;
ALTER TABLE part_new RENAME TO part;
CREATE INDEX part_code ON part(code);

CREATE TABLE spare_unit_new (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    part_id TEXT NOT NULL REFERENCES part(id),
    serial TEXT NOT NULL
) STRICT;
INSERT INTO spare_unit_new SELECT * FROM spare_unit;
DROP TABLE spare_unit;
ALTER TABLE spare_unit_new RENAME TO spare_unit;
CREATE INDEX spare_unit_serial ON spare_unit(serial);

CREATE TABLE report_new (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT NOT NULL REFERENCES work_order(id),
    number TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('inspection', 'service', 'addendum')),
    lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    engineer_id TEXT NOT NULL REFERENCES engineer(id),
    signer TEXT NOT NULL,
    cert_sha256 TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    addendum_of TEXT REFERENCES report(id),
    addendum_of_sha256 TEXT,
    addendum_reason TEXT,
    addendum_text TEXT,
    CHECK ((kind = 'addendum') = (addendum_of IS NOT NULL)),
    CHECK (addendum_of IS NULL OR (addendum_of_sha256 IS NOT NULL AND addendum_reason IS NOT NULL))
) STRICT;
INSERT INTO report_new SELECT * FROM report;
DROP TABLE report;
ALTER TABLE report_new RENAME TO report;
CREATE INDEX report_work_order ON report(work_order_id);
CREATE INDEX report_number ON report(number);
CREATE INDEX report_sha256 ON report(sha256);

-- Derived, not stored: a work order's state is the furthest step among its events, and its
-- report is the one filed for it. `step` is WorkOrderState's position in the (total) order.
ALTER TABLE work_order_event ADD COLUMN step INTEGER NOT NULL DEFAULT 0;
UPDATE work_order_event SET step = CASE to_state
    WHEN 'reported' THEN 0 WHEN 'assigned' THEN 1 WHEN 'responded' THEN 2 WHEN 'on_site' THEN 3
    WHEN 'resolved' THEN 4 WHEN 'customer_signed' THEN 5 WHEN 'closed' THEN 6 END;
DROP INDEX work_order_state;
ALTER TABLE work_order DROP COLUMN state;
ALTER TABLE work_order DROP COLUMN assigned_at;
ALTER TABLE work_order DROP COLUMN responded_at;
ALTER TABLE work_order DROP COLUMN on_site_at;
ALTER TABLE work_order DROP COLUMN resolved_at;
ALTER TABLE work_order DROP COLUMN signed_at;
ALTER TABLE work_order DROP COLUMN closed_at;
ALTER TABLE work_order DROP COLUMN report_sha256;
CREATE INDEX work_order_event_step ON work_order_event(work_order_id, step);

-- A device's current status and serial come from its history: the latest event that set one
-- (a status change, a 备机 swap), else the archive's own value.
ALTER TABLE device_event ADD COLUMN status TEXT;
ALTER TABLE device_event ADD COLUMN serial TEXT;
UPDATE device_event SET status = CASE
    WHEN summary LIKE '状态改为「运行正常」%' THEN 'normal'
    WHEN summary LIKE '状态改为「故障」%' THEN 'faulty'
    WHEN summary LIKE '状态改为「维修中」%' THEN 'repairing'
    WHEN summary LIKE '状态改为「已报废」%' THEN 'retired' END
  WHERE kind = 'status';
UPDATE device_event SET serial = substr(summary, instr(summary, '装上备机 SN ') + length('装上备机 SN '))
  WHERE kind = 'swap' AND instr(summary, '装上备机 SN ') > 0;
CREATE INDEX device_event_status ON device_event(device_id, hlc) WHERE status IS NOT NULL;
CREATE INDEX device_event_serial ON device_event(serial) WHERE serial IS NOT NULL;
CREATE INDEX device_event_swap ON device_event(device_id, hlc) WHERE serial IS NOT NULL;

-- RMA progress as events (awaiting_shipment → at_factory → returned).
CREATE TABLE rma_event (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    rma_id TEXT NOT NULL REFERENCES rma(id),
    status TEXT NOT NULL CHECK (status IN ('at_factory', 'returned')),
    step INTEGER NOT NULL,
    at TEXT NOT NULL,
    note TEXT
) STRICT;
CREATE INDEX rma_event_rma ON rma_event(rma_id, step);
-- (the hook turns each RMA's stored status into its events before these columns go)
CREATE TABLE rma_status_backfill AS SELECT id, status, returned_at, hlc, author, author_device FROM rma;
ALTER TABLE rma DROP COLUMN status;
ALTER TABLE rma DROP COLUMN returned_at;

-- (created_hlc / created_by / created_device are added to every synced table, and filled
-- from the last-change columns, by the hook, from the table registry.)

CREATE VIEW work_order_now AS
SELECT w.*,
    COALESCE((SELECT e.to_state FROM work_order_event e WHERE e.work_order_id = w.id AND e.deleted = 0
              ORDER BY e.step DESC LIMIT 1), 'reported') AS state,
    (SELECT MIN(e.at) FROM work_order_event e WHERE e.work_order_id = w.id AND e.step = 1) AS assigned_at,
    (SELECT MIN(e.at) FROM work_order_event e WHERE e.work_order_id = w.id AND e.step = 2) AS responded_at,
    (SELECT MIN(e.at) FROM work_order_event e WHERE e.work_order_id = w.id AND e.step = 3) AS on_site_at,
    (SELECT MIN(e.at) FROM work_order_event e WHERE e.work_order_id = w.id AND e.step = 4) AS resolved_at,
    (SELECT MIN(e.at) FROM work_order_event e WHERE e.work_order_id = w.id AND e.step = 5) AS signed_at,
    (SELECT MIN(e.at) FROM work_order_event e WHERE e.work_order_id = w.id AND e.step = 6) AS closed_at,
    (SELECT r.sha256 FROM report r WHERE r.work_order_id = w.id AND r.kind <> 'addendum' AND r.deleted = 0
     ORDER BY r.created_hlc LIMIT 1) AS report_sha256
FROM work_order w;

CREATE VIEW device_now AS
SELECT d.id, d.hlc, d.deleted, d.code, d.device_type, d.model, d.manufacturer,
    COALESCE((SELECT e.serial FROM device_event e WHERE e.device_id = d.id AND e.serial IS NOT NULL
              ORDER BY e.hlc DESC LIMIT 1), d.serial) AS serial,
    d.manufacture_date, d.install_date, d.warranty_end,
    COALESCE((SELECT e.status FROM device_event e WHERE e.device_id = d.id AND e.status IS NOT NULL
              ORDER BY e.hlc DESC LIMIT 1), d.status) AS status,
    d.lane_id, d.position, d.confidentiality, d.notes
FROM device d;

CREATE VIEW rma_now AS
SELECT r.*,
    COALESCE((SELECT e.status FROM rma_event e WHERE e.rma_id = r.id ORDER BY e.step DESC LIMIT 1),
             'awaiting_shipment') AS status,
    (SELECT MIN(e.at) FROM rma_event e WHERE e.rma_id = r.id AND e.status = 'returned') AS returned_at
FROM rma r;
