//! The quarterly device status report (设备运行状态报告, seed contract §7.2) on paper: who and
//! which period, an overview line per site, every device of each site with its quarter, the
//! upgrade advice with its reasons, and the engineer's signature block.
//!
//! Like the service report, a pure function of plain data ([`StatusDoc`]) and the font: the
//! core (`crate::status_report`) decides every figure and every piece of advice and words the
//! values in the report's language; only the fixed labels are chosen here. It shares the page
//! flow, the header, the footer and the tables with the service report, so a customer sees one
//! house style, and long device lists break across pages with their header row repeated.

use chrono::NaiveDateTime;
use krilla::image::Image;

use super::draw::{self, Images};
use super::layout::*;
use super::model::{Company, Customer};
use super::sections::{col, footers, masthead_ops, or_dash, titled_table, tr, when, Masthead};
use super::text::ReportFonts;
use crate::{Error, Lang, Result};

/// Everything printed on one status report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDoc {
    pub lang: Lang,
    /// The report's number (`ZW-ZT2026Q4-01`): on every page and the PDF's document id.
    pub number: String,
    pub company: Company,
    pub customer: Customer,
    /// The period as people read it: "2026-10-01 至 2026-12-31（2026年第4季度）".
    pub period: String,
    /// What the report covers: one site's name, or all of the customer's sites.
    pub coverage: String,
    /// The maintenance contracts in force in the period, by number.
    pub contracts: String,
    pub engineer_name: String,
    pub signed_at: NaiveDateTime,
    pub sites: Vec<StatusSite>,
    /// The upgrade advice (升级建议 / 改进方案), most pressing first.
    pub advice: Vec<AdviceLine>,
    /// How the advice is decided, one line per rule, printed under it.
    pub rules: Vec<String>,
}

/// One site: its overview line and its devices.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatusSite {
    pub name: String,
    pub devices: usize,
    pub faults: i64,
    pub repairs: i64,
    pub inspections: i64,
    /// "99.87%".
    pub availability: String,
    pub lines: Vec<StatusDeviceLine>,
}

/// One device's quarter, each cell already worded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatusDeviceLine {
    /// The unique device number (统一编号).
    pub code: String,
    /// Type and model, on two lines.
    pub kind_model: String,
    pub lane: String,
    /// Installed and warranty end, on two lines.
    pub dates: String,
    pub status: String,
    /// "2（一级 1、三级 1）" or "0".
    pub faults: String,
    /// Repairs and parts replaced ("维修 1；PAD-BG×1").
    pub service: String,
    /// Inspections and failed items ("1 次，合格" / "1 次，异常：抬杆时间").
    pub inspection: String,
    /// The last inspection left failed items: the cell is printed in the failure colour.
    pub inspection_failed: bool,
    /// The device has advice or an open failure: its row is tinted.
    pub attention: bool,
}

/// One piece of advice with the reason for it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdviceLine {
    /// The device (统一编号) or, for a site-wide advice, the site.
    pub target: String,
    pub action: String,
    pub reason: String,
}

/// The report's title.
pub(crate) fn status_title(lang: Lang) -> &'static str {
    tr(lang, "设备运行状态报告", "Device Status Report")
}

/// Render `doc` as an A4 PDF (unsigned; `report::sign` signs the bytes).
pub fn render_status(doc: &StatusDoc, fonts: &ReportFonts) -> Result<Vec<u8>> {
    let shaper = fonts.shaper()?;
    let logo = match &doc.company.logo_png {
        Some(png) => {
            Some(
                Image::from_png(png.clone().into(), true).map_err(|e| Error::Report {
                    kind: "report_image",
                    zh: format!("公司标志无法嵌入报告：{e}"),
                    en: format!("the company logo cannot be embedded in the report: {e}"),
                })?,
            )
        }
        None => None,
    };
    let images = Images {
        logo,
        photos: Vec::new(),
        signature: None,
    };
    let mast = Masthead {
        company: &doc.company.name,
        number: &doc.number,
        kind: status_title(doc.lang),
        lang: doc.lang,
    };
    let mut flow = Flow::new(&shaper, masthead_ops(&mast, &shaper, &images));
    title(&mut flow, doc);
    info(&mut flow, doc);
    overview(&mut flow, doc);
    for site in &doc.sites {
        devices(&mut flow, doc.lang, site);
    }
    advice(&mut flow, doc);
    signature(&mut flow, doc);
    let mut pages = flow.into_pages();
    footers(&mut pages, &mast, &shaper)?;
    let info = draw::DocInfo {
        title: format!("{} {}", status_title(doc.lang), doc.number),
        number: doc.number.clone(),
        language: match doc.lang {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        },
        author: doc.engineer_name.clone(),
    };
    draw::write_pdf(&pages, &shaper, &fonts.krilla_font(), &images, info)
}

fn title(flow: &mut Flow<'_>, doc: &StatusDoc) {
    let text = status_title(doc.lang);
    let size = 18.0;
    let w = flow.shaper.width(text, size);
    let y = baseline(flow.y, 26.0, size);
    flow.text((PAGE_W - w) / 2.0, y, size, text, BLACK, true);
    flow.y += 30.0;
}

fn info(flow: &mut Flow<'_>, doc: &StatusDoc) {
    let l = doc.lang;
    let pairs: Vec<[(&str, String); 2]> = vec![
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
            (tr(l, "报告期间", "Period"), doc.period.clone()),
            (tr(l, "报告范围", "Covers"), doc.coverage.clone()),
        ],
        [
            (tr(l, "维保合同", "Contract"), doc.contracts.clone()),
            (
                tr(l, "维保单位", "Service company"),
                doc.company.name.clone(),
            ),
        ],
        [
            (tr(l, "维保工程师", "Engineer"), doc.engineer_name.clone()),
            (tr(l, "出具时间", "Issued"), when(Some(doc.signed_at), l)),
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
    flow.table(&Table {
        cols: vec![
            col("", 16.0, Align::Left),
            col("", 34.0, Align::Left),
            col("", 16.0, Align::Left),
            col("", 34.0, Align::Left),
        ],
        header: false,
        rows,
    });
}

/// One line per site: devices, faults, repairs, inspections, availability.
fn overview(flow: &mut Flow<'_>, doc: &StatusDoc) {
    let l = doc.lang;
    let rows = doc
        .sites
        .iter()
        .map(|s| Row::Cells {
            cells: vec![
                Cell::new(s.name.clone()),
                Cell::new(s.devices.to_string()),
                Cell::new(s.faults.to_string()),
                Cell::new(s.repairs.to_string()),
                Cell::new(s.inspections.to_string()),
                Cell::new(s.availability.clone()),
            ],
            bg: None,
        })
        .collect();
    let table = Table {
        cols: vec![
            col(tr(l, "站点", "Site"), 34.0, Align::Left),
            col(tr(l, "设备数", "Devices"), 12.0, Align::Right),
            col(tr(l, "故障", "Faults"), 12.0, Align::Right),
            col(tr(l, "维修", "Repairs"), 12.0, Align::Right),
            col(tr(l, "巡检", "Inspections"), 14.0, Align::Right),
            col(tr(l, "设备可用率", "Availability"), 16.0, Align::Right),
        ],
        header: true,
        rows,
    };
    titled_table(flow, tr(l, "运行概况", "Overview"), None, &table);
}

fn devices(flow: &mut Flow<'_>, l: Lang, site: &StatusSite) {
    let rows = site
        .lines
        .iter()
        .enumerate()
        .map(|(i, d)| Row::Cells {
            cells: vec![
                Cell::new((i + 1).to_string()),
                Cell::new(d.code.clone()),
                Cell::new(d.kind_model.clone()),
                Cell::new(d.lane.clone()),
                Cell::new(d.dates.clone()),
                Cell::new(d.status.clone()),
                Cell::new(d.faults.clone()),
                Cell::new(d.service.clone()),
                Cell {
                    color: if d.inspection_failed {
                        FAIL_TEXT
                    } else {
                        BLACK
                    },
                    ..Cell::new(d.inspection.clone())
                },
            ],
            bg: d.attention.then_some(FAIL_BG),
        })
        .collect();
    let table = Table {
        cols: vec![
            col(tr(l, "序号", "#"), 6.0, Align::Center),
            col(tr(l, "统一编号", "Device no."), 16.0, Align::Left),
            col(tr(l, "类型/型号", "Type / model"), 19.0, Align::Left),
            col(tr(l, "车道", "Lane"), 7.0, Align::Left),
            col(
                tr(l, "安装/保修至", "Installed / warranty"),
                13.0,
                Align::Left,
            ),
            col(tr(l, "状态", "Status"), 9.0, Align::Left),
            col(tr(l, "故障", "Faults"), 11.0, Align::Left),
            col(tr(l, "维修/备件", "Repairs / parts"), 10.0, Align::Left),
            col(tr(l, "巡检", "Inspections"), 13.0, Align::Left),
        ],
        header: true,
        rows,
    };
    let heading = match l {
        Lang::Zh => format!("设备运行状态：{}", site.name),
        Lang::En => format!("Devices: {}", site.name),
    };
    titled_table(flow, &heading, None, &table);
}

fn advice(flow: &mut Flow<'_>, doc: &StatusDoc) {
    let l = doc.lang;
    let heading = tr(l, "升级建议与改进方案", "Upgrade advice and improvements");
    if doc.advice.is_empty() {
        flow.heading(heading, 2.0 * BODY_LH);
        flow.paragraph(
            tr(
                l,
                "本期各设备运行正常，暂无升级或更换建议。",
                "Every device ran normally this period: no upgrade or replacement is advised.",
            ),
            BLACK,
        );
    } else {
        let rows = doc
            .advice
            .iter()
            .enumerate()
            .map(|(i, a)| Row::Cells {
                cells: vec![
                    Cell::new((i + 1).to_string()),
                    Cell::new(a.target.clone()),
                    Cell {
                        bold: true,
                        ..Cell::new(a.action.clone())
                    },
                    Cell::new(a.reason.clone()),
                ],
                bg: None,
            })
            .collect();
        let table = Table {
            cols: vec![
                col(tr(l, "序号", "#"), 5.0, Align::Center),
                col(tr(l, "设备/站点", "Device / site"), 20.0, Align::Left),
                col(tr(l, "建议", "Advice"), 25.0, Align::Left),
                col(tr(l, "原因", "Reason"), 50.0, Align::Left),
            ],
            header: true,
            rows,
        };
        titled_table(flow, heading, None, &table);
    }
    if !doc.rules.is_empty() {
        flow.y += 4.0;
        for r in &doc.rules {
            flow.paragraph(r, GREY_TEXT);
        }
    }
}

/// The engineer who stands behind the report (the PDF also carries their digital signature),
/// and a box for the customer's receipt on the printed copy.
fn signature(flow: &mut Flow<'_>, doc: &StatusDoc) {
    let l = doc.lang;
    let gap = 14.0;
    let col_w = (CONTENT_W - gap) / 2.0;
    let box_h = 22.0 + 64.0 + 2.0 * CELL_LH + 8.0;
    flow.heading(tr(l, "签字", "Signatures"), box_h);
    let top = flow.y;
    for k in 0..2 {
        flow.push(Op::Rect {
            x: MARGIN_X + k as f32 * (col_w + gap),
            y: top,
            w: col_w,
            h: box_h,
            fill: None,
            stroke: Some(RULE),
        });
    }
    let (lx, rx) = (MARGIN_X + 8.0, MARGIN_X + col_w + gap + 8.0);
    let label_y = baseline(top + 4.0, 16.0, BODY);
    flow.text(
        lx,
        label_y,
        BODY,
        tr(l, "维保工程师", "Service engineer"),
        GREY_TEXT,
        true,
    );
    flow.text(
        rx,
        label_y,
        BODY,
        tr(l, "客户签收", "Received by the customer"),
        GREY_TEXT,
        true,
    );
    let body_top = top + 22.0;
    let name = flow.shaper.fit_line(&doc.engineer_name, 13.0, col_w - 16.0);
    flow.text(
        lx,
        baseline(body_top + 14.0, 20.0, 13.0),
        13.0,
        &name,
        BLACK,
        true,
    );
    let note = tr(
        l,
        "本报告已由工程师数字签名",
        "Digitally signed by the engineer",
    );
    flow.text(
        lx,
        baseline(body_top + 40.0, CELL_LH, CELL),
        CELL,
        note,
        GREY_TEXT,
        false,
    );
    let at = format!(
        "{}{}",
        tr(l, "签署时间：", "Signed at: "),
        when(Some(doc.signed_at), l)
    );
    let y = body_top + 64.0 + 2.0 + CELL_LH;
    flow.text(lx, baseline(y, CELL_LH, CELL), CELL, &at, BLACK, false);
    flow.text(
        rx,
        baseline(y, CELL_LH, CELL),
        CELL,
        tr(l, "日期：", "Date: "),
        BLACK,
        false,
    );
    flow.y = top + box_h;
}
