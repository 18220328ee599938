-- The customer's confirmation taken on the phone (电话确认): for a fault resolved without a
-- visit, nobody was at the lane to hold the signature pad, so the person who resolved it records
-- who confirmed for the customer, on which number, and when. Beside customer_signature (whose
-- CHECK admits only a drawn signature or a refusal); recording one tombstones the other, so a
-- work order has one confirmation in force. The recorder is the row's created_by.
CREATE TABLE phone_confirmation (
    id TEXT PRIMARY KEY, hlc TEXT NOT NULL, author TEXT NOT NULL, author_device TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    work_order_id TEXT NOT NULL REFERENCES work_order(id),
    confirmer TEXT NOT NULL,
    phone TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    created_hlc TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_device TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX phone_confirmation_wo ON phone_confirmation(work_order_id, deleted);
