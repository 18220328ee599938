-- The technical lead's wording of the common faults and remedies table (常见故障现象与处理表):
-- one row per device type and phenomenon (its id derived from both), holding the cause and
-- remedy as the lead confirmed them, or hiding a grouping that is noise. The counts are never
-- stored: they come from the fault records each time. Written at the office only.
CREATE TABLE common_fault (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    device_type TEXT NOT NULL,
    phenomenon TEXT NOT NULL,
    cause TEXT,
    remedy TEXT,
    hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    confirmed_by TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT ''
) STRICT;
