//! The bill (费用) on a service report: each line free or billable with the contract's reason,
//! the total, and whether the customer agreed to it before the work.

use super::layout::{Align, Cell, Flow, Row, Table};
use super::model::ReportDoc;
use super::sections::{col, titled_table, tr};

/// Fen as yuan with two decimals and thousands separators: 190000 → "1,900.00".
pub(crate) fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", abs % 100)
}

pub(crate) fn bill(flow: &mut Flow<'_>, doc: &ReportDoc) {
    let Some(b) = &doc.bill else {
        return;
    };
    let l = doc.lang;
    let mut rows: Vec<Row> = b
        .lines
        .iter()
        .map(|line| Row::Cells {
            cells: vec![
                Cell::new(line.label.clone()),
                Cell::new(line.qty.clone()),
                Cell::new(yuan(line.amount_fen)),
                Cell {
                    bold: line.billable,
                    ..Cell::new(if line.billable {
                        tr(l, "计费", "Billable")
                    } else {
                        tr(l, "免费", "Free")
                    })
                },
                Cell::new(line.reason.clone()),
            ],
            bg: None,
        })
        .collect();
    rows.push(Row::Cells {
        cells: vec![
            Cell {
                bold: true,
                ..Cell::new(tr(l, "应收合计（元）", "Total due (yuan)"))
            },
            Cell::new(String::new()),
            Cell {
                bold: true,
                ..Cell::new(yuan(b.total_fen))
            },
            Cell::new(String::new()),
            Cell::new(b.consent.clone()),
        ],
        bg: None,
    });
    let table = Table {
        cols: vec![
            col(tr(l, "项目", "Item"), 28.0, Align::Left),
            col(tr(l, "数量", "Qty"), 10.0, Align::Right),
            col(tr(l, "金额（元）", "Amount (yuan)"), 14.0, Align::Right),
            col(tr(l, "计费", "Charge"), 10.0, Align::Left),
            col(tr(l, "依据", "Basis"), 38.0, Align::Left),
        ],
        header: true,
        rows,
    };
    let heading = match l {
        crate::Lang::Zh => format!("费用（故障原因：{}）", b.cause),
        crate::Lang::En => format!("Charges (cause: {})", b.cause),
    };
    titled_table(flow, &heading, None, &table);
}

#[cfg(test)]
mod tests {
    use super::yuan;

    #[test]
    fn amounts_print_as_yuan_with_separators() {
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(190_000), "1,900.00");
        assert_eq!(yuan(123_456_789), "1,234,567.89");
        assert_eq!(yuan(-150), "-1.50");
    }
}
