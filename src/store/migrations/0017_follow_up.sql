-- 回访: the service centre's calls to the customer, after each closed work order and once a
-- month per customer. Written at the office only (sync::vet); what is still due is computed
-- from the closed work orders, the contracts in force and these rows, never stored.
CREATE TABLE follow_up_call (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    -- 'work_order' (after that work order closed) or 'monthly' (the customer's call of `month`)
    kind TEXT NOT NULL CHECK (kind IN ('work_order', 'monthly')),
    work_order_id TEXT REFERENCES work_order(id),
    customer_id TEXT NOT NULL REFERENCES customer(id),
    -- YYYY-MM (China time) of a monthly call
    month TEXT,
    called_at TEXT NOT NULL,
    called_by TEXT NOT NULL,
    person TEXT,
    phone TEXT,
    reached INTEGER NOT NULL CHECK (reached IN (0, 1)),
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    comments TEXT,
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX follow_up_call_work_order ON follow_up_call(work_order_id);
CREATE INDEX follow_up_call_customer ON follow_up_call(customer_id, month);
