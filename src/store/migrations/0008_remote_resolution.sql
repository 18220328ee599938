-- How a fault was resolved when it was not on site: by phone or by a remote session, with what
-- was done. One row per work order (its id derived from the work order's); a work order without
-- a row was resolved on site.
CREATE TABLE work_order_resolution (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT NOT NULL REFERENCES work_order(id),
    method TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX work_order_resolution_work_order ON work_order_resolution(work_order_id);
