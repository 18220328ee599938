-- An excuse that stops a work order's SLA clocks (台风, 地震, 道路封闭, 客户不在场 …): why, who
-- recorded it and when, when the excuse began and, once known, when it ended. A record (not an
-- event): its end is written later, maybe from another laptop, and merges field by field. The
-- clocks themselves are never stored; they are recomputed from this and the work order's events.
CREATE TABLE sla_pause (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT NOT NULL REFERENCES work_order(id),
    -- one clock (response, on_site, repair, part, spare_unit), or NULL for every clock running
    clock TEXT,
    reason TEXT NOT NULL,
    note TEXT,
    started_at TEXT NOT NULL,
    started_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    ended_at TEXT,
    ended_by TEXT,
    end_recorded_at TEXT,
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sla_pause_work_order ON sla_pause(work_order_id, started_at);
