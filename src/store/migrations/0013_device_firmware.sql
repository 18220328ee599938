-- The firmware or software version (固件/软件版本) on a device's archive: an engineer who
-- upgrades a card reader's firmware or an IPC's software at the lane records it like any other
-- archive field (per-field merge, so two laptops' edits of different fields both stay).
ALTER TABLE device ADD COLUMN firmware TEXT;

-- The archive as it reads now, with the new column (serial and status still derived from
-- history).
DROP VIEW device_now;
CREATE VIEW device_now AS
SELECT d.id, d.hlc, d.deleted, d.code, d.device_type, d.model, d.manufacturer,
    COALESCE((SELECT e.serial FROM device_event e WHERE e.device_id = d.id AND e.serial IS NOT NULL
              ORDER BY e.hlc DESC LIMIT 1), d.serial) AS serial,
    d.manufacture_date, d.install_date, d.warranty_end,
    COALESCE((SELECT e.status FROM device_event e WHERE e.device_id = d.id AND e.status IS NOT NULL
              ORDER BY e.hlc DESC LIMIT 1), d.status) AS status,
    d.lane_id, d.position, d.confidentiality, d.notes, d.firmware
FROM device d;

-- An engineer's own archive reads, newest first (the access log on the profile screen).
CREATE INDEX archive_access_reader ON archive_access(created_by, at);
