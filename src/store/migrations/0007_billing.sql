-- Who pays for a repair (billing): the cause the engineer found and the labour, travel and
-- survey the quote counts, one row per work order, edited in place until the report is signed;
-- and the customer's consent to a quote (费用确认), written once per agreement, with the total
-- agreed and whether a refurbished part was accepted in writing.
CREATE TABLE work_order_billing (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT NOT NULL REFERENCES work_order(id),
    cause TEXT,
    labour_half_days INTEGER NOT NULL DEFAULT 0,
    travel_fen INTEGER NOT NULL DEFAULT 0,
    survey_fen INTEGER NOT NULL DEFAULT 0,
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX work_order_billing_work_order ON work_order_billing(work_order_id);

CREATE TABLE billing_consent (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT NOT NULL REFERENCES work_order(id),
    signer TEXT NOT NULL,
    total_fen INTEGER NOT NULL,
    refurbished_ok INTEGER NOT NULL DEFAULT 0,
    engineer_id TEXT NOT NULL,
    consented_at TEXT NOT NULL,
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX billing_consent_work_order ON billing_consent(work_order_id, consented_at);
