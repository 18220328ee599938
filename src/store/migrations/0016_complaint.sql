-- Complaints (客户服务投诉处理记录表): registered at the office, answered with the investigation's
-- result by the second working day, corrected, and closed with the customer's opinion. Every
-- field of the seed's form; the answer clock is computed from received_at, never stored.
CREATE TABLE complaint (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    number TEXT NOT NULL,
    received_at TEXT NOT NULL,
    taken_by TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customer(id),
    project TEXT,
    complainant TEXT NOT NULL,
    phone TEXT,
    content TEXT NOT NULL,
    investigation TEXT,
    initial_action TEXT,
    answered_at TEXT,
    handled_by TEXT,
    correction TEXT,
    completed_at TEXT,
    feedback_at TEXT,
    customer_opinion TEXT,
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    summary TEXT,
    closed_at TEXT,
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX complaint_number ON complaint(number);
