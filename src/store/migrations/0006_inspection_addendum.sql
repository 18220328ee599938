-- A correction note on a completed inspection (补充说明): text, who, when. The inspection and
-- its answers stay as completed; the note is shown beside them and printed on the report.
-- Written once (an event row): a further correction is a further note.
CREATE TABLE inspection_addendum (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    inspection_id TEXT NOT NULL REFERENCES inspection(id),
    text TEXT NOT NULL,
    engineer_id TEXT NOT NULL,
    written_at TEXT NOT NULL,
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX inspection_addendum_inspection ON inspection_addendum(inspection_id, written_at);
