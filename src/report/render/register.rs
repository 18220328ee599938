//! The 报障登记表 on a service report: when the fault happened, how and by whom it was reported,
//! where, and who took it — in the paper form's order, as label/value pairs like the header
//! table. The phenomenon follows as its own section (报修内容), the result after the work.

use super::layout::*;
use super::model::*;
use super::sections::{or_dash, titled_table, tr, when};

pub(crate) fn fault_register(flow: &mut Flow<'_>, doc: &ReportDoc) {
    let Some(r) = &doc.register else {
        return;
    };
    let l = doc.lang;
    let pairs = [
        [
            (
                tr(l, "故障发生时间", "Fault occurred"),
                when(r.fault_time, l),
            ),
            (
                tr(l, "报障方式", "Reported by way of"),
                or_dash(r.channel.as_ref()),
            ),
        ],
        [
            (
                tr(l, "报障联系人", "Reported by"),
                or_dash(r.reporter.as_ref()),
            ),
            (tr(l, "联系电话", "Phone"), or_dash(r.phone.as_ref())),
        ],
        [
            (tr(l, "故障位置", "Location"), or_dash(r.location.as_ref())),
            (
                tr(l, "报障受理人", "Taken by"),
                or_dash(r.taken_by.as_ref()),
            ),
        ],
    ];
    let rows = pairs
        .into_iter()
        .map(|[(k1, v1), (k2, v2)]| Row::Cells {
            cells: vec![
                Cell::label(k1),
                Cell::new(v1),
                Cell::label(k2),
                Cell::new(v2),
            ],
            bg: None,
        })
        .collect();
    let col = |weight| Col {
        title: String::new(),
        weight,
        align: Align::Left,
    };
    titled_table(
        flow,
        tr(l, "报障登记", "Fault register"),
        None,
        &Table {
            cols: vec![col(16.0), col(34.0), col(16.0), col(34.0)],
            header: false,
            rows,
        },
    );
}
