//! The bill as a report prints it, from the core's billing view, in the report's language.

use crate::billing::{BillingView, LineKind};
use crate::report::render::{Bill, BillLine};
use crate::Lang;

/// `None` when the job has no line at all (an inspection, a repair with nothing to count).
pub(crate) fn printed(b: &BillingView, l: Lang) -> Option<Bill> {
    if b.quote.lines.is_empty() {
        return None;
    }
    let basis = &b.quote.basis;
    let cause = match (l, basis.cause_recorded) {
        (Lang::Zh, true) => basis.cause.label_zh().to_string(),
        (Lang::En, true) => basis.cause.label_en().to_string(),
        (Lang::Zh, false) => "未记录（按自然故障计）".to_string(),
        (Lang::En, false) => "not recorded (counted as a natural failure)".to_string(),
    };
    let lines = b
        .quote
        .lines
        .iter()
        .map(|line| {
            let label = match (line.kind, l) {
                (LineKind::Part, _) => line.label.clone(),
                (k, Lang::Zh) => k.label_zh().to_string(),
                (k, Lang::En) => crate::fields::capitalised(k.label_en()),
            };
            let qty = line.quantity(l);
            BillLine {
                label,
                qty,
                amount_fen: line.amount_fen,
                billable: line.billable,
                reason: match l {
                    Lang::Zh => line.reason_zh.clone(),
                    Lang::En => line.reason_en.clone(),
                },
            }
        })
        .collect();
    let consent = match (&b.consent, &b.stale_consent, b.needs_consent, l) {
        (Some(c), _, _, Lang::Zh) => {
            format!("客户 {} 已于 {} 确认", c.signer, c.consented_at_text)
        }
        (Some(c), _, _, Lang::En) => format!("agreed by {} on {}", c.signer, c.consented_at_text),
        (None, Some(_), true, Lang::Zh) => "费用已变更，客户尚未重新确认".to_string(),
        (None, Some(_), true, Lang::En) => {
            "changed since the customer agreed; not agreed again".to_string()
        }
        (None, _, true, Lang::Zh) => "客户尚未确认费用".to_string(),
        (None, _, true, Lang::En) => "not yet agreed by the customer".to_string(),
        (None, _, false, _) => String::new(),
    };
    Some(Bill {
        cause,
        lines,
        total_fen: b.quote.total_fen,
        consent,
    })
}
