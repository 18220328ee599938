-- weibao schema 2: inspection checklists (issue 4).
-- Inspections are append-only events for sync: the header is written at start and once more
-- at completion; items are instantiated once; every answer (and every later correction, an
-- addendum) is a new row. Nothing here is ever updated in place by two engineers.

-- One inspection (巡检) of one lane with one template version.
CREATE TABLE inspection (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    lane_id TEXT NOT NULL REFERENCES lane(id),
    template_id TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    -- hash of the template's content: the same id+version with other content is refused
    template_sha256 TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('daily', 'quarterly', 'baseline')),
    name TEXT NOT NULL,
    engineer_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    completed_at TEXT
) STRICT;
CREATE INDEX inspection_lane ON inspection(lane_id, kind, completed_at);

-- One question asked of one device (or of the lane), with a frozen copy of the template item
-- so that editing the template later never changes what this inspection asked.
CREATE TABLE inspection_item (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    inspection_id TEXT NOT NULL REFERENCES inspection(id),
    seq INTEGER NOT NULL,
    -- the template item id, or `item@DEVICE-CODE` for a device's item
    key TEXT NOT NULL,
    item_id TEXT NOT NULL,
    device_id TEXT REFERENCES device(id),
    section_zh TEXT NOT NULL,
    spec TEXT NOT NULL,
    UNIQUE (inspection_id, key)
) STRICT;
CREATE INDEX inspection_item_inspection ON inspection_item(inspection_id, seq);

-- Every answer ever given. The latest non-addendum row per item is the record as completed;
-- addenda (corrections after completion) come after it and never replace it.
CREATE TABLE inspection_answer (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    inspection_id TEXT NOT NULL REFERENCES inspection(id),
    item_id TEXT NOT NULL REFERENCES inspection_item(id),
    value TEXT NOT NULL,
    failed INTEGER NOT NULL,
    out_of_range INTEGER NOT NULL,
    note TEXT,
    answered_at TEXT NOT NULL,
    addendum INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    CHECK (addendum = 0 OR reason IS NOT NULL)
) STRICT;
CREATE INDEX inspection_answer_inspection ON inspection_answer(inspection_id, item_id, hlc);

-- A fault work order opened from a failed item (the engineer confirmed it).
CREATE TABLE inspection_fault (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    inspection_id TEXT NOT NULL REFERENCES inspection(id),
    item_id TEXT NOT NULL REFERENCES inspection_item(id),
    work_order_id TEXT NOT NULL REFERENCES work_order(id),
    level INTEGER CHECK (level BETWEEN 1 AND 4)
) STRICT;
CREATE INDEX inspection_fault_inspection ON inspection_fault(inspection_id);
