-- Checklist templates office staff add beside the shipped ones (issue 14): one row per template
-- code (its id derived from the code, so every machine names it alike), holding the TOML text
-- as validated at the office, or retiring a code (a shipped one too, with no text) so it can
-- no longer be started. Past inspections keep their own snapshot of every item and never read
-- this table. Written at the office only; every laptop keeps the whole table.
CREATE TABLE checklist_template (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT,
    sha256 TEXT NOT NULL,
    body TEXT,
    retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT ''
) STRICT;
