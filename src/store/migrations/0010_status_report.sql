-- The quarterly device status report (设备运行状态报告, seed contract §7.2 "每季度提供设备运行状态
-- 报告和改进方案"): a signed PDF for one customer (optionally one site) and a period, filed like a
-- service report. Append-only (an event): a signed report is never edited; a second report for
-- the same period is simply another number. `sha256` is the file's blob address and the hash the
-- office matches a paper or e-mailed copy against. `site_id` is NULL for the whole customer.
CREATE TABLE status_report (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    customer_id TEXT NOT NULL REFERENCES customer(id),
    site_id TEXT REFERENCES site(id),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    number TEXT NOT NULL UNIQUE,
    lang TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
    sha256 TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    engineer_id TEXT NOT NULL REFERENCES engineer(id),
    cert_sha256 TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT '',
    CHECK (period_to >= period_from)
) STRICT;
CREATE INDEX status_report_customer ON status_report(customer_id, period_from);
CREATE INDEX status_report_site ON status_report(site_id);
