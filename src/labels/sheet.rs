//! The QR label sheet (二维码标签) for a lane's or a site's devices: an A4 PDF of stick-on
//! labels, each a QR of the device's payload with its 统一编号 printed large and its type and
//! place small, so a label that lost its QR to the weather can still be read by eye.
//!
//! The core decides what goes on the sheet (which devices, in which order, every word); the
//! renderer (`report::render::render_labels`) only places it. The sheet is not a record:
//! nothing is stored, and printing it again gives the same bytes.

use std::path::Path;

use serde::Serialize;

use crate::devices;
use crate::org::{self, LaneView};
use crate::report::render::{render_labels, LabelDoc, LabelItem, ReportFonts};
use crate::store::Store;
use crate::{Error, Lang, Result};

/// Which devices a sheet is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelScope {
    /// A lane: its id, or `SITE/CODE` as `org::lane` reads it.
    Lane(String),
    /// A site: its id or name (or a part of the name that only one site has).
    Site(String),
}

/// What was printed.
#[derive(Debug, Clone, Serialize)]
pub struct LabelSheetSummary {
    /// The lane or site in words ("宝鸡物流园北卡口 / 1 号车道").
    pub scope: String,
    /// The device codes, in the order they are on the sheet.
    pub codes: Vec<String>,
    pub pages: usize,
    /// Size of the PDF in bytes.
    pub bytes: usize,
    /// Where it was written, when it was written into a folder.
    pub path: Option<String>,
}

/// Lay out and render the sheet; returns the PDF and what is on it.
pub fn label_sheet(
    store: &Store,
    fonts: &ReportFonts,
    scope: &LabelScope,
    lang: Lang,
) -> Result<(Vec<u8>, LabelSheetSummary)> {
    let (words, lanes) = resolve(store, scope)?;
    let mut labels = Vec::new();
    for lane in &lanes {
        for d in devices::devices_on_lane(store, &lane.id)? {
            let kind = match lang {
                Lang::Zh => d.device_type.label_zh(),
                Lang::En => d.device_type.label_en(),
            };
            labels.push(LabelItem {
                payload: super::device_payload(&d.code),
                code: d.code.as_str().to_string(),
                kind: if d.model.trim().is_empty() {
                    kind.to_string()
                } else {
                    format!("{kind} · {}", d.model.trim())
                },
                place: format!("{} / {}", lane.site_name, lane.name),
            });
        }
    }
    if labels.is_empty() {
        return Err(Error::invalid(
            "labels.scope",
            format!("{words} 没有设备，无法打印标签"),
            format!("{words} has no devices to print labels for"),
        ));
    }
    let doc = LabelDoc {
        lang,
        title: match lang {
            Lang::Zh => format!("设备二维码标签 · {words}"),
            Lang::En => format!("Device QR labels · {words}"),
        },
        labels,
    };
    let (pdf, pages) = render_labels(&doc, fonts)?;
    let summary = LabelSheetSummary {
        scope: words,
        codes: doc.labels.iter().map(|l| l.code.clone()).collect(),
        pages,
        bytes: pdf.len(),
        path: None,
    };
    Ok((pdf, summary))
}

/// [`label_sheet`], written into the folder `dir` (made if missing) as [`file_name`].
pub fn label_sheet_into(
    store: &Store,
    fonts: &ReportFonts,
    scope: &LabelScope,
    lang: Lang,
    dir: &Path,
) -> Result<LabelSheetSummary> {
    crate::files::create_dir("out", dir)?;
    let (pdf, mut summary) = label_sheet(store, fonts, scope, lang)?;
    let path = dir.join(file_name(&summary.scope));
    crate::files::write_file("out", &path, &pdf)?;
    summary.path = Some(path.display().to_string());
    Ok(summary)
}

/// `二维码标签-<site>_<lane>.pdf`, safe as one file name.
pub fn file_name(scope_words: &str) -> String {
    format!(
        "二维码标签-{}.pdf",
        crate::files::safe_name(&scope_words.replace(" / ", "_"))
    )
}

/// The lanes a scope covers, and the scope in words.
fn resolve(store: &Store, scope: &LabelScope) -> Result<(String, Vec<LaneView>)> {
    match scope {
        LabelScope::Lane(l) => {
            let lane = org::lane(store, l)?;
            Ok((format!("{} / {}", lane.site_name, lane.name), vec![lane]))
        }
        LabelScope::Site(s) => {
            let want = s.trim();
            let sites = org::sites(store)?;
            let exact: Vec<_> = sites
                .iter()
                .filter(|x| x.id == want || x.name == want)
                .collect();
            let found: Vec<_> = if exact.is_empty() && !want.is_empty() {
                sites.iter().filter(|x| x.name.contains(want)).collect()
            } else {
                exact
            };
            let site = match found.as_slice() {
                [one] => *one,
                [] => return Err(Error::not_found("site", want)),
                many => {
                    let names: Vec<&str> = many.iter().map(|x| x.name.as_str()).collect();
                    return Err(Error::invalid(
                        "labels.scope",
                        format!("站点「{want}」不唯一：{}", names.join("、")),
                        format!("site {want:?} names several sites: {}", names.join(", ")),
                    ));
                }
            };
            let lanes = org::lanes(store, Some(&site.id))?;
            Ok((site.name.clone(), lanes))
        }
    }
}
