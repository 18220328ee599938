//! The work order's SLA clocks on its report (服务时限): the same clocks the screens show,
//! computed by [`crate::sla::clocks`] from the stored record at the store's clock, worded in
//! the report's language. A signed report is made once the work is resolved, so every clock on it
//! is settled (met or breached) and the page reads the same whenever it is rendered from the same
//! record and calendars.

use crate::report::render::{ReportDoc, SlaLine};
use crate::sla::{SlaStatus, Step};
use crate::store::Store;
use crate::views::sla::limit_text;
use crate::views::time::china;
use crate::{Lang, Result};

/// Fill `doc.sla` and `doc.sla_notes` for work order `id`.
pub fn fill(store: &Store, id: &str, doc: &mut ReportDoc) -> Result<()> {
    let Some(rec) = crate::sla::records::read(store.conn(), id)? else {
        return Ok(());
    };
    let clocks = crate::sla::clocks(&rec, &crate::calendar::active(), store.now());
    let zh = doc.lang == Lang::Zh;
    doc.sla = clocks
        .clocks
        .iter()
        .map(|c| {
            let (limit_zh, limit_en) = limit_text(c.minutes);
            let mut deadline = china(c.deadline);
            let moved = (c.deadline - c.unpaused_deadline).num_minutes();
            if moved > 0 {
                let (m_zh, m_en) = limit_text(moved);
                deadline += &if zh {
                    format!("（暂停顺延 {m_zh}）")
                } else {
                    format!(" (paused: +{m_en})")
                };
            }
            SlaLine {
                label: if zh {
                    format!("{} {limit_zh}", c.kind.label_zh())
                } else {
                    format!("{} {limit_en}", capital(c.kind.label_en()))
                },
                calendar: if zh {
                    c.calendar.name_zh.clone()
                } else {
                    c.calendar.name_en().to_string()
                },
                deadline,
                done: match c.done {
                    Step::Done(Some(at)) => china(at),
                    _ => "—".to_string(),
                },
                status: if zh {
                    c.status.label_zh().to_string()
                } else {
                    capital(c.status.label_en())
                },
                breached: c.status == SlaStatus::Breached,
            }
        })
        .collect();
    for c in clocks.clocks.iter() {
        if let Some(rule) = &c.rule {
            let line = if zh { &rule.zh } else { &rule.en };
            if !doc.sla_notes.contains(line) {
                doc.sla_notes.push(line.clone());
            }
        }
    }
    for p in &rec.pauses {
        let who = p
            .started_by_name
            .clone()
            .unwrap_or_else(|| p.started_by.clone());
        let end = p.ended_at.map(china);
        doc.sla_notes.push(if zh {
            format!(
                "暂停（{}）：{} 至 {}，{} 记录{}",
                p.reason.label_zh(),
                china(p.started_at),
                end.unwrap_or_else(|| "未结束".into()),
                who,
                p.note
                    .as_ref()
                    .map(|n| format!("；{n}"))
                    .unwrap_or_default()
            )
        } else {
            format!(
                "Paused ({}): {} to {}, recorded by {}{}",
                p.reason.label_en(),
                china(p.started_at),
                end.unwrap_or_else(|| "not ended".into()),
                who,
                p.note
                    .as_ref()
                    .map(|n| format!("; {n}"))
                    .unwrap_or_default()
            )
        });
    }
    for w in &clocks.warnings {
        doc.sla_notes
            .push(if zh { w.zh.clone() } else { w.en.clone() });
    }
    Ok(())
}

fn capital(s: &str) -> String {
    let mut cs = s.chars();
    cs.next()
        .map(|c| c.to_uppercase().chain(cs).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::render::ReportKind;
    use crate::sla::pause::{self, PauseInput};
    use crate::views::fixture::world;

    #[test]
    fn the_report_prints_every_clock_with_its_calendar_and_the_pauses_with_who_recorded_them() {
        let mut w = world();
        w.clock.advance(chrono::Duration::hours(2));
        w.store
            .write(|tx| {
                pause::record(
                    tx,
                    &PauseInput {
                        work_order_id: w.work_order.clone(),
                        reason: "typhoon".into(),
                        clock: Some("on_site".into()),
                        ..Default::default()
                    },
                )
            })
            .expect("paused");
        w.clock.advance(chrono::Duration::hours(3));
        w.store
            .write(|tx| pause::end_open(tx, &w.work_order, None))
            .expect("ended");
        let mut doc = ReportDoc::new(ReportKind::Service, "T-1");
        fill(&w.store, &w.work_order, &mut doc).expect("filled");
        let labels: Vec<&str> = doc.sla.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "首次响应 30 分钟",
                "到场 36 小时",
                "部件更换到位 28 小时",
                "备机到位 48 小时"
            ]
        );
        assert_eq!(doc.sla[0].calendar, "7×24 技术支持");
        assert!(doc.sla[0].breached, "nobody responded within 30 minutes");
        // 36 hours of 7×24 from 10:00 on 1 June, three of them under the typhoon.
        assert_eq!(doc.sla[1].deadline, "2026-06-03 01:00（暂停顺延 3 小时）");
        assert_eq!(doc.sla_notes.len(), 1, "{:?}", doc.sla_notes);
        assert!(doc.sla_notes[0]
            .starts_with("暂停（台风）：2026-06-01 12:00 至 2026-06-01 15:00，张伟"));

        let mut en = ReportDoc::new(ReportKind::Service, "T-1");
        en.lang = Lang::En;
        fill(&w.store, &w.work_order, &mut en).expect("filled");
        assert_eq!(en.sla[1].label, "On site 36 h");
        assert_eq!(en.sla[0].status, "Overdue");
        assert!(
            en.sla_notes[0].starts_with("Paused (typhoon)"),
            "{:?}",
            en.sla_notes
        );
    }
}
