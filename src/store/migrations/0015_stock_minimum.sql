-- Minimum stock (最低库存) per part per location: the level below which the van or warehouse
-- should be restocked, so an engineer is warned before the last buffer pad goes. One row per
-- location and part (its id derived from both, so two laptops setting it offline write the
-- same row and the later value wins per field). On-hand quantities stay sums of movements.
CREATE TABLE stock_minimum (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    location_id TEXT NOT NULL REFERENCES stock_location(id),
    part_id TEXT NOT NULL REFERENCES part(id),
    minimum INTEGER NOT NULL CHECK (minimum >= 0),
    set_at TEXT NOT NULL,
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX stock_minimum_location ON stock_minimum(location_id);
