//! What goes where on the report: the page header and footer, the title, and each section in the
//! order a customer reads a paper service form (who/where/when, what was checked, what was found
//! and done, parts, evidence, confirmation).

use chrono::NaiveDateTime;

use super::draw::Images;
use super::evidence;
use super::layout::*;
use super::model::*;
use super::text::Shaper;
use crate::checklist::InspectionKind;
use crate::{Lang, Result};

/// Pick the label in the report's language.
pub(crate) fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

pub(crate) fn when(t: Option<NaiveDateTime>, lang: Lang) -> String {
    t.map_or_else(
        || tr(lang, "—", "—").to_string(),
        |t| t.format("%Y-%m-%d %H:%M").to_string(),
    )
}

pub(crate) fn or_dash(s: Option<&String>) -> String {
    s.filter(|s| !s.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| "—".to_string())
}

/// The report's title, as printed under the header.
pub(crate) fn title(doc: &ReportDoc) -> &'static str {
    match doc.kind {
        ReportKind::Inspection => match doc.inspection_kind {
            Some(InspectionKind::Daily) => tr(doc.lang, "日常维护记录", "Daily Maintenance Record"),
            Some(InspectionKind::Baseline) => tr(
                doc.lang,
                "续保基线巡检记录",
                "Baseline Inspection Record (contract start)",
            ),
            _ => tr(doc.lang, "巡检记录", "Inspection Record"),
        },
        ReportKind::Service if doc.emergency => tr(
            doc.lang,
            "应急响应报告（客户服务记录表）",
            "Emergency Response Report (Customer Service Record)",
        ),
        ReportKind::Service => tr(
            doc.lang,
            "客户服务记录表（维修报告）",
            "Customer Service Record (Repair Report)",
        ),
        ReportKind::Addendum { .. } => tr(doc.lang, "补充报告", "Addendum Report"),
    }
}

/// Lay out the whole report into pages of drawing operations, footers included.
pub(crate) fn compose(
    doc: &ReportDoc,
    shaper: &Shaper<'_>,
    images: &Images,
) -> Result<Vec<Vec<Op>>> {
    let header = page_header(doc, shaper, images);
    let mut flow = Flow::new(shaper, header);
    title_block(&mut flow, doc);
    info_table(&mut flow, doc);
    sla(&mut flow, doc);
    devices(&mut flow, doc);
    super::register::fault_register(&mut flow, doc);
    text_section(
        &mut flow,
        tr(doc.lang, "报修内容", "Reported fault"),
        &doc.reported_fault,
    );
    checklist(&mut flow, doc);
    text_section(
        &mut flow,
        tr(doc.lang, "到场情况", "State found on arrival"),
        &doc.found_state,
    );
    text_section(
        &mut flow,
        tr(doc.lang, "处理过程", "Actions taken"),
        &doc.actions,
    );
    text_section(
        &mut flow,
        tr(doc.lang, "备份与恢复", "Backup and restore"),
        &doc.backup_restore,
    );
    text_section(
        &mut flow,
        tr(doc.lang, "原因分析", "Cause analysis"),
        &doc.analysis,
    );
    text_section(
        &mut flow,
        tr(doc.lang, "处理方式（未到场）", "Resolved without a visit"),
        &doc.resolution,
    );
    text_section(
        &mut flow,
        tr(doc.lang, "故障处理结果", "Result"),
        &doc.register.as_ref().and_then(|r| r.result.clone()),
    );
    parts(&mut flow, doc);
    super::bill::bill(&mut flow, doc);
    evidence::photos(&mut flow, doc, images);
    evidence::feedback(&mut flow, doc);
    evidence::signatures(&mut flow, doc, images);
    let mut pages = flow.into_pages();
    add_footers(&mut pages, doc, shaper)?;
    Ok(pages)
}

/// What the header and footer of every page carry, whatever the report: the company, the
/// report's number and kind, and the language of the fixed words.
pub(crate) struct Masthead<'a> {
    pub company: &'a str,
    pub number: &'a str,
    pub kind: &'a str,
    pub lang: Lang,
}

impl<'a> Masthead<'a> {
    fn of(doc: &'a ReportDoc) -> Self {
        Masthead {
            company: &doc.company.name,
            number: &doc.number,
            kind: title(doc),
            lang: doc.lang,
        }
    }
}

fn page_header(doc: &ReportDoc, shaper: &Shaper<'_>, images: &Images) -> Vec<Op> {
    masthead_ops(&Masthead::of(doc), shaper, images)
}

/// Logo, company name, report number and kind, repeated on every page so that a loose page can
/// still be matched to its report.
pub(crate) fn masthead_ops(m: &Masthead<'_>, shaper: &Shaper<'_>, images: &Images) -> Vec<Op> {
    let mut ops = Vec::new();
    let (top, logo_h) = (24.0, 34.0);
    let mut x = MARGIN_X;
    if let Some(logo) = &images.logo {
        let (w, h) = logo.size();
        let lw = (logo_h * w as f32 / (h.max(1)) as f32).min(120.0);
        ops.push(Op::Image {
            x,
            y: top,
            w: lw,
            h: logo_h,
            image: ImageRef::Logo,
        });
        x += lw + 10.0;
    }
    let right_w = 170.0;
    let name = shaper.fit_line(m.company, 14.0, MARGIN_X + CONTENT_W - right_w - x);
    ops.push(Op::Text {
        x,
        y: baseline(top, logo_h, 14.0),
        size: 14.0,
        text: name,
        color: BLACK,
        bold: true,
        wide_spaces: false,
    });
    let right = MARGIN_X + CONTENT_W;
    let number = format!("{}{}", tr(m.lang, "编号：", "No. "), m.number);
    let number = shaper.fit_line(&number, 9.0, right_w);
    let kind = m.kind;
    for (text, y, color) in [
        (number, top + 13.0, BLACK),
        (kind.to_string(), top + 27.0, GREY_TEXT),
    ] {
        let w = shaper.width(&text, 9.0);
        ops.push(Op::Text {
            x: right - w,
            y,
            size: 9.0,
            text,
            color,
            bold: false,
            wide_spaces: false,
        });
    }
    ops.push(Op::Line {
        x1: MARGIN_X,
        y1: top + logo_h + 8.0,
        x2: right,
        y2: top + logo_h + 8.0,
        color: ACCENT,
        width: 1.2,
    });
    ops
}

fn add_footers(pages: &mut [Vec<Op>], doc: &ReportDoc, shaper: &Shaper<'_>) -> Result<()> {
    footers(pages, &Masthead::of(doc), shaper)
}

/// Side of the footer's QR (pt): 12 mm, so a version-2 code (25 modules) has modules of
/// ~0.48 mm, read from a phone photo or a 150-dpi scan.
pub(crate) const FOOTER_QR: f32 = 34.0;

/// "第 x 页 共 y 页" needs the page count, so footers are added after layout.
///
/// Every page also carries a QR of the report's number ([`crate::labels::report_payload`]),
/// bottom right, so a loose paper page can be matched to its stored record
/// (`weibao verify PAGE.png`). It sits in the footer band, below the body's last line and
/// right of the footer rule, which stops short of it: the white around it is its quiet zone.
pub(crate) fn footers(pages: &mut [Vec<Op>], m: &Masthead<'_>, shaper: &Shaper<'_>) -> Result<()> {
    let qr = std::sync::Arc::new(crate::labels::qr::encode(&crate::labels::report_payload(
        m.number,
    ))?);
    let qr_x = PAGE_W - 20.0 - FOOTER_QR;
    let total = pages.len();
    for (i, ops) in pages.iter_mut().enumerate() {
        let text = match m.lang {
            Lang::Zh => format!("第 {} 页 共 {} 页", i + 1, total),
            Lang::En => format!("Page {} of {}", i + 1, total),
        };
        let size = 8.5;
        let y = PAGE_H - 30.0;
        ops.push(Op::Line {
            x1: MARGIN_X,
            y1: PAGE_H - 44.0,
            x2: qr_x - 8.0,
            y2: PAGE_H - 44.0,
            color: RULE,
            width: 0.5,
        });
        let wide = m.lang == Lang::Zh;
        let w = shaper.width_with(&text, size, wide);
        ops.push(Op::Text {
            x: (PAGE_W - w) / 2.0,
            y,
            size,
            text,
            color: GREY_TEXT,
            bold: false,
            wide_spaces: wide,
        });
        let number = shaper.fit_line(m.number, size, 150.0);
        ops.push(Op::Text {
            x: MARGIN_X,
            y,
            size,
            text: number,
            color: GREY_TEXT,
            bold: false,
            wide_spaces: false,
        });
        ops.push(Op::Qr {
            x: qr_x,
            y: PAGE_H - 47.0,
            side: FOOTER_QR,
            code: qr.clone(),
        });
    }
    Ok(())
}

fn title_block(flow: &mut Flow<'_>, doc: &ReportDoc) {
    let text = title(doc);
    let size = 18.0;
    let w = flow.shaper.width(text, size);
    let y = baseline(flow.y, 26.0, size);
    flow.text((PAGE_W - w) / 2.0, y, size, text, BLACK, true);
    flow.y += 30.0;
    if let ReportKind::Addendum {
        original_number,
        original_sha256,
    } = &doc.kind
    {
        let note = match doc.lang {
            Lang::Zh => format!(
                "本报告是对报告 {original_number} 的补充与更正；原报告保持不变。原报告文件 SHA-256：{original_sha256}"
            ),
            Lang::En => format!(
                "This report supplements and corrects report {original_number}, which stays unchanged. SHA-256 of the original report file: {original_sha256}"
            ),
        };
        flow.paragraph(&note, FAIL_TEXT);
        flow.y += 4.0;
    }
}

fn info_table(flow: &mut Flow<'_>, doc: &ReportDoc) {
    let l = doc.lang;
    let t = &doc.times;
    let mut pairs: Vec<[(&str, String); 2]> = vec![
        [
            (tr(l, "客户单位", "Customer"), doc.customer.name.clone()),
            (tr(l, "报告编号", "Report no."), doc.number.clone()),
        ],
        [
            (
                tr(l, "联系人", "Contact"),
                or_dash(doc.customer.contact.as_ref()),
            ),
            (
                tr(l, "联系电话", "Phone"),
                or_dash(doc.customer.phone.as_ref()),
            ),
        ],
        [
            (tr(l, "站点", "Site"), doc.site.clone()),
            (tr(l, "通道", "Lane"), or_dash(doc.lane.as_ref())),
        ],
    ];
    if doc.fault_level.is_some() || t.reported.is_some() {
        pairs.push([
            (
                tr(l, "故障级别", "Fault level"),
                or_dash(doc.fault_level.as_ref()),
            ),
            (tr(l, "报修时间", "Reported"), when(t.reported, l)),
        ]);
    }
    if t.responded.is_some() || t.arrived.is_some() {
        pairs.push([
            (tr(l, "响应时间", "Responded"), when(t.responded, l)),
            (tr(l, "到场时间", "Arrived"), when(t.arrived, l)),
        ]);
    }
    pairs.push([
        (tr(l, "完成时间", "Completed"), when(t.resolved, l)),
        (tr(l, "维保工程师", "Engineer"), doc.engineer_name.clone()),
    ]);
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
    flow.table(&Table {
        cols: vec![col(16.0), col(34.0), col(16.0), col(34.0)],
        header: false,
        rows,
    });
}

/// The SLA clocks (服务时限) with their calendars, deadlines and standing, then the pauses and
/// warnings under them.
fn sla(flow: &mut Flow<'_>, doc: &ReportDoc) {
    if doc.sla.is_empty() {
        return;
    }
    let l = doc.lang;
    let rows = doc
        .sla
        .iter()
        .map(|c| Row::Cells {
            cells: vec![
                Cell::new(c.label.clone()),
                Cell::new(c.calendar.clone()),
                Cell::new(c.deadline.clone()),
                Cell::new(c.done.clone()),
                Cell {
                    bold: c.breached,
                    ..Cell::new(c.status.clone())
                },
            ],
            bg: None,
        })
        .collect();
    let table = Table {
        cols: vec![
            col(tr(l, "时限", "Clock"), 20.0, Align::Left),
            col(tr(l, "计时日历", "Counted in"), 26.0, Align::Left),
            col(tr(l, "期限", "Due"), 22.0, Align::Left),
            col(tr(l, "完成时间", "Done"), 17.0, Align::Left),
            col(tr(l, "结果", "Result"), 15.0, Align::Left),
        ],
        header: true,
        rows,
    };
    titled_table(flow, tr(l, "服务时限", "Service levels"), None, &table);
    if !doc.sla_notes.is_empty() {
        flow.y += 2.0;
    }
    for note in &doc.sla_notes {
        flow.paragraph(note, GREY_TEXT);
    }
    if !doc.sla_notes.is_empty() {
        flow.y += 3.0;
    }
}

pub(crate) fn col(title: &str, weight: f32, align: Align) -> Col {
    Col {
        title: title.to_string(),
        weight,
        align,
    }
}

fn devices(flow: &mut Flow<'_>, doc: &ReportDoc) {
    if doc.devices.is_empty() {
        return;
    }
    let l = doc.lang;
    let rows = doc
        .devices
        .iter()
        .enumerate()
        .map(|(i, d)| Row::Cells {
            cells: vec![
                Cell::new((i + 1).to_string()),
                Cell::new(d.code.clone()),
                Cell::new(d.kind_label.clone()),
                Cell::new(d.model.clone()),
                Cell::new(or_dash(d.serial.as_ref())),
            ],
            bg: None,
        })
        .collect();
    let table = Table {
        cols: vec![
            col(tr(l, "序号", "#"), 7.0, Align::Center),
            col(tr(l, "设备编号", "Device no."), 22.0, Align::Left),
            col(tr(l, "设备类型", "Type"), 22.0, Align::Left),
            col(tr(l, "规格型号", "Model"), 25.0, Align::Left),
            col(tr(l, "序列号", "Serial no."), 24.0, Align::Left),
        ],
        header: true,
        rows,
    };
    titled_table(flow, tr(l, "设备", "Devices"), None, &table);
}

/// A heading kept on the same page as the start of its table (and an optional summary line).
pub(crate) fn titled_table(
    flow: &mut Flow<'_>,
    heading: &str,
    summary: Option<(&str, Rgb)>,
    table: &Table,
) {
    let extra = if summary.is_some() {
        BODY_LH + 3.0
    } else {
        0.0
    };
    let keep = extra + flow.table_lead(table);
    flow.heading(heading, keep);
    if let Some((text, color)) = summary {
        flow.paragraph(text, color);
        flow.y += 3.0;
    }
    flow.table(table);
}

fn checklist(flow: &mut Flow<'_>, doc: &ReportDoc) {
    if doc.checklist.is_empty() {
        return;
    }
    let l = doc.lang;
    let failed = doc.checklist.iter().filter(|c| c.failed).count();
    let summary = match l {
        Lang::Zh => format!("共 {} 项，异常 {} 项", doc.checklist.len(), failed),
        Lang::En => format!("{} items, {} not OK", doc.checklist.len(), failed),
    };
    let mut rows = Vec::new();
    let mut section: Option<&str> = None;
    for (i, item) in doc.checklist.iter().enumerate() {
        if !item.section.is_empty() && section != Some(item.section.as_str()) {
            rows.push(Row::Span(item.section.clone()));
        }
        section = Some(item.section.as_str());
        let answer = if item.failed {
            Cell {
                color: FAIL_TEXT,
                bold: true,
                ..Cell::new(format!("× {}", item.answer))
            }
        } else {
            Cell::new(item.answer.clone())
        };
        rows.push(Row::Cells {
            cells: vec![
                Cell::new((i + 1).to_string()),
                Cell::new(item.label.clone()),
                answer,
                Cell::new(or_dash(item.expected.as_ref())),
                Cell::new(item.note.clone().unwrap_or_default()),
            ],
            bg: item.failed.then_some(FAIL_BG),
        });
    }
    let table = Table {
        cols: vec![
            col(tr(l, "序号", "#"), 6.0, Align::Center),
            col(tr(l, "检查内容", "Item"), 36.0, Align::Left),
            col(tr(l, "结果", "Result"), 14.0, Align::Left),
            col(tr(l, "标准/范围", "Expected"), 16.0, Align::Left),
            col(tr(l, "备注", "Note"), 28.0, Align::Left),
        ],
        header: true,
        rows,
    };
    let color = if failed > 0 { FAIL_TEXT } else { GREY_TEXT };
    let heading = tr(l, "检查项目", "Checklist");
    titled_table(flow, heading, Some((&summary, color)), &table);
}

pub(crate) fn text_section(flow: &mut Flow<'_>, heading: &str, text: &Option<String>) {
    let Some(text) = text.as_ref().filter(|t| !t.trim().is_empty()) else {
        return;
    };
    flow.heading(heading, 2.0 * BODY_LH);
    flow.paragraph(text, BLACK);
}

fn parts(flow: &mut Flow<'_>, doc: &ReportDoc) {
    if doc.parts.is_empty() {
        return;
    }
    let l = doc.lang;
    let rows = doc
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let billable = p.billing == Billing::Billable;
            Row::Cells {
                cells: vec![
                    Cell::new((i + 1).to_string()),
                    Cell::new(p.name.clone()),
                    Cell::new(or_dash(p.part_no.as_ref())),
                    Cell::new(p.qty.to_string()),
                    Cell::new(match p.condition {
                        PartCondition::New => tr(l, "新件", "New"),
                        PartCondition::Refurbished => tr(l, "翻新件", "Refurbished"),
                    }),
                    Cell {
                        bold: billable,
                        ..Cell::new(if billable {
                            tr(l, "计费", "Billable")
                        } else {
                            tr(l, "免费", "Free")
                        })
                    },
                ],
                bg: None,
            }
        })
        .collect();
    let table = Table {
        cols: vec![
            col(tr(l, "序号", "#"), 6.0, Align::Center),
            col(tr(l, "备件名称", "Part"), 32.0, Align::Left),
            col(tr(l, "型号/料号", "Part no."), 22.0, Align::Left),
            col(tr(l, "数量", "Qty"), 8.0, Align::Right),
            col(tr(l, "新旧", "Condition"), 14.0, Align::Left),
            col(tr(l, "费用", "Charge"), 18.0, Align::Left),
        ],
        header: true,
        rows,
    };
    titled_table(flow, tr(l, "更换备件", "Parts used"), None, &table);
}
