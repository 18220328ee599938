-- weibao schema 3: service reports (issue 5): photos, the customer's signature, the engineer's
-- signing key, signed report PDFs and their numbers.
--
-- Blob hashes are plain text columns, not foreign keys to `blob`: a record synced from another
-- laptop may legitimately arrive while its blob is still downloading. On the laptop that
-- writes a row, the core stores (and fsyncs) the blob and registers its `blob` row in the same
-- transaction as the record that points at it, so a local row never names a missing file.

-- A photo taken as evidence (拍照取证), for a work order or an inspection (item). The original
-- is kept untouched; the report-size copy (≤ 1600 px JPEG) is made once at import, and is the
-- only one a report ever embeds.
CREATE TABLE photo (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT REFERENCES work_order(id),
    inspection_id TEXT REFERENCES inspection(id),
    inspection_item_id TEXT REFERENCES inspection_item(id),
    original_sha256 TEXT NOT NULL,
    original_mime TEXT NOT NULL,
    report_sha256 TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    caption TEXT NOT NULL,
    -- camera local time from EXIF (YYYY-MM-DD HH:MM:SS), if the camera recorded it
    taken_at TEXT,
    gps_lat REAL,
    gps_lon REAL,
    added_at TEXT NOT NULL,
    CHECK (work_order_id IS NOT NULL OR inspection_id IS NOT NULL),
    CHECK (inspection_item_id IS NULL OR inspection_id IS NOT NULL)
) STRICT;
CREATE INDEX photo_work_order ON photo(work_order_id, added_at);
CREATE INDEX photo_inspection ON photo(inspection_id, added_at);
CREATE INDEX photo_original ON photo(original_sha256);

-- The customer's confirmation of a work order (无客户确认视作无效记录): the signature pad's PNG
-- and the signer's name, or a refusal to sign with its reason. A new capture tombstones the
-- previous one; the live row is the one a report prints.
CREATE TABLE customer_signature (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT NOT NULL REFERENCES work_order(id),
    png_sha256 TEXT,
    signer_name TEXT,
    refused INTEGER NOT NULL DEFAULT 0 CHECK (refused IN (0, 1)),
    refusal_reason TEXT,
    signed_at TEXT NOT NULL,
    CHECK ((refused = 0 AND png_sha256 IS NOT NULL AND signer_name IS NOT NULL AND refusal_reason IS NULL)
        OR (refused = 1 AND png_sha256 IS NULL AND refusal_reason IS NOT NULL))
) STRICT;
CREATE INDEX customer_signature_wo ON customer_signature(work_order_id, deleted);

-- An engineer's report-signing certificate (self-signed now, office-issued later). The
-- certificate syncs so the office can name the signer of any report; the private key is
-- written only on the laptop that made it and is never part of the outbox payload, so a
-- synced copy of this row has key_pem NULL.
CREATE TABLE engineer_key (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    engineer_id TEXT NOT NULL REFERENCES engineer(id),
    cert_pem TEXT NOT NULL,
    cert_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    key_pem TEXT
) STRICT;
CREATE INDEX engineer_key_engineer ON engineer_key(engineer_id);

-- A signed report PDF. Append-only: a correction is a new row of kind 'addendum' naming the
-- original by id and by the SHA-256 of its file. `sha256` is both the hash the office matches
-- a paper copy against and the file's blob address (blobs are content-addressed).
CREATE TABLE report (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT NOT NULL REFERENCES work_order(id),
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('inspection', 'service', 'addendum')),
    lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
    sha256 TEXT NOT NULL UNIQUE,
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
CREATE INDEX report_work_order ON report(work_order_id);

-- The SHA-256 of the work order's signed report, on the work order itself, so a synced work
-- order alone tells the office which file is the record.
ALTER TABLE work_order ADD COLUMN report_sha256 TEXT;

-- The work order that carries an inspection's report (an inspection is an event of its own;
-- its customer confirmation and signed report live on a work order like any other service).
CREATE TABLE inspection_work_order (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    inspection_id TEXT NOT NULL UNIQUE REFERENCES inspection(id),
    work_order_id TEXT NOT NULL UNIQUE REFERENCES work_order(id)
) STRICT;

-- Per engineer and year, the last report sequence number used on this laptop. Local: numbers
-- are unique across engineers by the engineer's prefix (ZW-2026-0007), and the next number
-- also never falls below one already seen in `report` (e.g. synced from another laptop).
CREATE TABLE report_sequence (
    engineer_id TEXT NOT NULL REFERENCES engineer(id),
    year INTEGER NOT NULL,
    last INTEGER NOT NULL CHECK (last >= 0),
    PRIMARY KEY (engineer_id, year)
) STRICT;
