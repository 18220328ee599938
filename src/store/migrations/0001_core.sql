-- weibao schema 1: the core domain.
-- Every table that syncs carries: id (UUIDv7), hlc (hybrid logical clock stamp of the last
-- change, sortable text), author (engineer id), author_device, deleted (tombstone).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE outbox (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    entity  TEXT NOT NULL,
    row_id  TEXT NOT NULL,
    op      TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    hlc     TEXT NOT NULL,
    author  TEXT NOT NULL,
    author_device TEXT NOT NULL,
    payload TEXT NOT NULL
) STRICT;

CREATE TABLE company (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL, address TEXT, phone TEXT
) STRICT;

CREATE TABLE engineer (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    company_id TEXT NOT NULL REFERENCES company(id),
    name TEXT NOT NULL, phone TEXT, report_prefix TEXT NOT NULL
) STRICT;

CREATE TABLE customer (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL, address TEXT
) STRICT;

CREATE TABLE contact (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    customer_id TEXT NOT NULL REFERENCES customer(id),
    name TEXT NOT NULL, phone TEXT NOT NULL, role TEXT
) STRICT;

CREATE TABLE site (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    customer_id TEXT NOT NULL REFERENCES customer(id),
    name TEXT NOT NULL, address TEXT
) STRICT;

CREATE TABLE lane (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    site_id TEXT NOT NULL REFERENCES site(id),
    name TEXT NOT NULL, code TEXT NOT NULL
) STRICT;
CREATE INDEX lane_site ON lane(site_id);

CREATE TABLE device (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    code TEXT NOT NULL UNIQUE,
    device_type TEXT NOT NULL,
    model TEXT NOT NULL, manufacturer TEXT NOT NULL, serial TEXT NOT NULL,
    manufacture_date TEXT, install_date TEXT, warranty_end TEXT,
    status TEXT NOT NULL,
    lane_id TEXT NOT NULL REFERENCES lane(id),
    position TEXT,
    confidentiality TEXT NOT NULL,
    notes TEXT
) STRICT;
CREATE INDEX device_lane ON device(lane_id);
CREATE INDEX device_serial ON device(serial);
CREATE INDEX device_model ON device(model);

CREATE TABLE device_type_label (code TEXT PRIMARY KEY, zh TEXT NOT NULL, en TEXT NOT NULL) STRICT;
INSERT INTO device_type_label VALUES
 ('barrier_gate','电子栏杆 道闸','barrier gate'), ('card_reader','IC读卡器','IC card reader'),
 ('camera','摄像机','camera'), ('industrial_pc','工控机','industrial PC'),
 ('led_display','LED显示屏','LED display'), ('loop_detector','车辆检测器 地感线圈','loop detector'),
 ('cabinet','室外机柜','outdoor cabinet'), ('console','室内控制台','indoor console'),
 ('network_switch','网络交换机','network switch'), ('floodlight','泛光灯','floodlight'),
 ('monitor','显示器','monitor'), ('power_adapter','电源适配器','power adapter');

-- Free-text search. The trigram tokenizer matches any substring of 3+ characters, which is
-- what Chinese needs (no word boundaries); shorter queries fall back to LIKE on the same text.
CREATE VIRTUAL TABLE device_fts USING fts5(device_id UNINDEXED, body, tokenize = 'trigram');

CREATE TRIGGER device_fts_insert AFTER INSERT ON device BEGIN
    INSERT INTO device_fts(device_id, body)
    SELECT NEW.id, NEW.code || ' ' || NEW.serial || ' ' || NEW.model || ' ' || NEW.manufacturer
        || ' ' || COALESCE(NEW.position, '') || ' ' || COALESCE(NEW.notes, '') || ' '
        || COALESCE((SELECT zh || ' ' || en FROM device_type_label WHERE code = NEW.device_type), '')
        || ' ' || COALESCE((SELECT s.name || ' ' || l.name || ' ' || l.code FROM lane l JOIN site s ON s.id = l.site_id WHERE l.id = NEW.lane_id), '');
END;
CREATE TRIGGER device_fts_update AFTER UPDATE ON device BEGIN
    DELETE FROM device_fts WHERE device_id = OLD.id;
    INSERT INTO device_fts(device_id, body)
    SELECT NEW.id, NEW.code || ' ' || NEW.serial || ' ' || NEW.model || ' ' || NEW.manufacturer
        || ' ' || COALESCE(NEW.position, '') || ' ' || COALESCE(NEW.notes, '') || ' '
        || COALESCE((SELECT zh || ' ' || en FROM device_type_label WHERE code = NEW.device_type), '')
        || ' ' || COALESCE((SELECT s.name || ' ' || l.name || ' ' || l.code FROM lane l JOIN site s ON s.id = l.site_id WHERE l.id = NEW.lane_id), '')
    WHERE NEW.deleted = 0;
END;

CREATE TABLE contract (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    number TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL REFERENCES customer(id),
    name TEXT NOT NULL,
    start_date TEXT NOT NULL, end_date TEXT NOT NULL,
    fee_fen INTEGER NOT NULL,
    calendar TEXT NOT NULL,
    -- the structured terms (levels, holidays, early schedule, billing, exclusions) as JSON:
    -- they are read and written whole, never queried by field.
    terms TEXT NOT NULL,
    CHECK (end_date >= start_date)
) STRICT;

CREATE TABLE contract_site (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    contract_id TEXT NOT NULL REFERENCES contract(id),
    site_id TEXT NOT NULL REFERENCES site(id)
) STRICT;
CREATE INDEX contract_site_site ON contract_site(site_id);

CREATE TABLE work_order (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    title TEXT NOT NULL,
    device_id TEXT REFERENCES device(id),
    lane_id TEXT NOT NULL REFERENCES lane(id),
    contract_id TEXT REFERENCES contract(id),
    level INTEGER CHECK (level BETWEEN 1 AND 4),
    assignee_id TEXT REFERENCES engineer(id),
    respond_by TEXT, on_site_by TEXT,
    reported_at TEXT NOT NULL, assigned_at TEXT, responded_at TEXT, on_site_at TEXT,
    resolved_at TEXT, signed_at TEXT, closed_at TEXT
) STRICT;
CREATE INDEX work_order_state ON work_order(state);
CREATE INDEX work_order_device ON work_order(device_id);

-- Append-only: one row per state change, the evidence for every SLA.
CREATE TABLE work_order_event (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT NOT NULL REFERENCES work_order(id),
    from_state TEXT, to_state TEXT NOT NULL,
    at TEXT NOT NULL, note TEXT
) STRICT;
CREATE INDEX work_order_event_wo ON work_order_event(work_order_id);

CREATE TABLE fault_report (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT NOT NULL UNIQUE REFERENCES work_order(id),
    fault_time TEXT NOT NULL, phenomenon TEXT NOT NULL, location TEXT,
    contact_name TEXT, contact_phone TEXT, taken_by TEXT, result TEXT
) STRICT;

CREATE TABLE service_record (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT NOT NULL UNIQUE REFERENCES work_order(id),
    found_state TEXT NOT NULL, process TEXT NOT NULL, analysis TEXT,
    customer_feedback TEXT, satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5)
) STRICT;

-- Free-text search over fault phenomena and service notes.
CREATE VIRTUAL TABLE note_fts USING fts5(work_order_id UNINDEXED, source UNINDEXED, body, tokenize = 'trigram');
CREATE TRIGGER fault_report_fts AFTER INSERT ON fault_report BEGIN
    INSERT INTO note_fts(work_order_id, source, body) VALUES (NEW.work_order_id, 'fault_report',
        NEW.phenomenon || ' ' || COALESCE(NEW.location, '') || ' ' || COALESCE(NEW.result, ''));
END;
CREATE TRIGGER service_record_fts_insert AFTER INSERT ON service_record BEGIN
    INSERT INTO note_fts(work_order_id, source, body) VALUES (NEW.work_order_id, 'service_record',
        NEW.found_state || ' ' || NEW.process || ' ' || COALESCE(NEW.analysis, '') || ' ' || COALESCE(NEW.customer_feedback, ''));
END;
CREATE TRIGGER service_record_fts_update AFTER UPDATE ON service_record BEGIN
    DELETE FROM note_fts WHERE work_order_id = OLD.work_order_id AND source = 'service_record';
    INSERT INTO note_fts(work_order_id, source, body) VALUES (NEW.work_order_id, 'service_record',
        NEW.found_state || ' ' || NEW.process || ' ' || COALESCE(NEW.analysis, '') || ' ' || COALESCE(NEW.customer_feedback, ''));
END;

-- 设备履历: append-only history of everything that happened to a device.
CREATE TABLE device_event (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    device_id TEXT NOT NULL REFERENCES device(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    work_order_id TEXT REFERENCES work_order(id)
) STRICT;
CREATE INDEX device_event_device ON device_event(device_id, at);

-- Reading a confidential archive is logged (查询和借阅管理制度).
CREATE TABLE archive_access (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    device_id TEXT NOT NULL REFERENCES device(id),
    at TEXT NOT NULL, purpose TEXT
) STRICT;

-- Content-addressed files (photos, signatures, PDFs): the bytes live in blobs/ab/cdef… beside
-- the database; this row records that they are complete on disk.
CREATE TABLE blob (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mime TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- Spare stock: a ledger. Quantity on hand is always a sum over movements.
CREATE TABLE stock_location (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL CHECK (kind IN ('warehouse', 'van', 'repair')),
    name TEXT NOT NULL UNIQUE,
    engineer_id TEXT REFERENCES engineer(id)
) STRICT;

CREATE TABLE part (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('main', 'vulnerable', 'crash_prone')),
    unit TEXT NOT NULL,
    price_fen INTEGER NOT NULL DEFAULT 0,
    serialised INTEGER NOT NULL DEFAULT 0,
    device_type TEXT
) STRICT;

-- 备机: one serialised spare unit.
CREATE TABLE spare_unit (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    part_id TEXT NOT NULL REFERENCES part(id),
    serial TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE stock_movement (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL CHECK (kind IN ('receive', 'issue', 'return', 'transfer', 'adjust')),
    part_id TEXT NOT NULL REFERENCES part(id),
    qty INTEGER NOT NULL CHECK (qty > 0),
    from_location TEXT REFERENCES stock_location(id),
    to_location TEXT REFERENCES stock_location(id),
    work_order_id TEXT REFERENCES work_order(id),
    unit_id TEXT REFERENCES spare_unit(id),
    condition TEXT NOT NULL DEFAULT 'new' CHECK (condition IN ('new', 'refurbished', 'faulty')),
    at TEXT NOT NULL,
    note TEXT,
    CHECK (from_location IS NOT NULL OR to_location IS NOT NULL)
) STRICT;
CREATE INDEX stock_movement_from ON stock_movement(from_location, part_id);
CREATE INDEX stock_movement_to ON stock_movement(to_location, part_id);
CREATE INDEX stock_movement_wo ON stock_movement(work_order_id);

-- A faulty unit sent back for repair (RMA), tracked until it returns.
CREATE TABLE rma (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT REFERENCES work_order(id),
    device_id TEXT NOT NULL REFERENCES device(id),
    faulty_serial TEXT NOT NULL,
    spare_unit_id TEXT REFERENCES spare_unit(id),
    status TEXT NOT NULL CHECK (status IN ('awaiting_shipment', 'at_factory', 'returned')),
    opened_at TEXT NOT NULL,
    returned_at TEXT,
    note TEXT
) STRICT;
