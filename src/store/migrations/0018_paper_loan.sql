-- 查询和借阅: the paper archives (竣工资料, drawings, signed forms) kept in the office's archive
-- room, lent and given back. Written at the office only (sync::vet); whether a loan is out or
-- overdue is computed from lent/due/returned, never stored.
CREATE TABLE paper_loan (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    site_id TEXT NOT NULL REFERENCES site(id),
    device_id TEXT REFERENCES device(id),
    -- what was lent (档案名称), as written on its folder
    title TEXT NOT NULL,
    borrower TEXT NOT NULL,
    purpose TEXT NOT NULL,
    lent_by TEXT NOT NULL,
    lent_at TEXT NOT NULL,
    -- YYYY-MM-DD (China time)
    due_back TEXT NOT NULL,
    returned_at TEXT,
    received_by TEXT,
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX paper_loan_site ON paper_loan(site_id, title);
