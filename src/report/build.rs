//! The report's content, read from the store and nothing else.
//!
//! The design rule is that a PDF shows what was recorded, never what a screen happened to
//! hold, so this module takes only ids and reads every value from the database and the blob
//! store: the work order and its transitions, the fault report and service record, the
//! inspection (if the work order carries one), parts issued to the job, photos (their
//! report-size copies), and the customer's confirmation. The renderer then only decides how it
//! looks (`report::render`).

use rusqlite::OptionalExtension;

use super::common::{inspection_of_work_order, local};
use super::{photos, signature};
use crate::checklist::state::{self, Instance, State};
use crate::checklist::template::{PRE_EXISTING_EN, PRE_EXISTING_ZH};
use crate::checklist::ItemKind;
use crate::domain::device::DeviceType;
use crate::domain::values::FaultLevel;
use crate::report::render::{
    Billing, ChecklistLine, Company, Customer, CustomerSignature, DeviceLine, FaultRegister,
    PartCondition, PartLine, ReportDoc, ReportKind, ReportPhoto, Satisfaction, Times,
};
use crate::store::blobs::BlobKind;
use crate::store::Store;
use crate::work_orders;
use crate::{Error, Lang, Result};

/// What to print besides the stored record: the number the report will carry, the language of
/// the labels, the engineer who signs, and the company logo (from `resources/branding`).
#[derive(Debug, Clone)]
pub struct BuildInput<'a> {
    pub number: &'a str,
    pub lang: Lang,
    pub engineer_id: &'a str,
    pub logo_png: Option<Vec<u8>>,
}

/// The report of a work order as it stands in the store.
pub fn build(store: &Store, work_order_id: &str, input: &BuildInput<'_>) -> Result<ReportDoc> {
    let conn = store.conn();
    let detail = work_orders::detail(store, work_order_id)?;
    let wo = &detail.summary;
    let inspection = inspection_of_work_order(conn, &wo.id)?
        .map(|id| state::load(conn, &id))
        .transpose()?;
    let kind = match &inspection {
        Some(_) => ReportKind::Inspection,
        None => ReportKind::Service,
    };
    let mut doc = ReportDoc::new(kind, input.number);
    doc.inspection_kind = inspection
        .as_ref()
        .and_then(|st| crate::checklist::InspectionKind::parse(&st.header.kind));
    doc.emergency = wo.kind == crate::domain::work_order::WorkOrderKind::Emergency;
    let l = input.lang;
    doc.lang = l;

    let (engineer_name, company_name): (String, String) = conn
        .query_row(
            "SELECT e.name, c.name FROM engineer e JOIN company c ON c.id = e.company_id WHERE e.id = ?1",
            [input.engineer_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| Error::not_found("engineer", input.engineer_id))?;
    doc.engineer_name = engineer_name;
    doc.company = Company {
        name: company_name,
        logo_png: input.logo_png.clone(),
    };

    let (customer_id, customer_name, site, lane): (String, String, String, String) = conn
        .query_row(
            "SELECT c.id, c.name, s.name, l.name || ' ' || l.code FROM lane l
             JOIN site s ON s.id = l.site_id JOIN customer c ON c.id = s.customer_id WHERE l.id = ?1",
            [&wo.lane_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    let first_contact: Option<(String, String)> = conn
        .query_row(
            "SELECT name, phone FROM contact WHERE customer_id = ?1 AND deleted = 0 ORDER BY name LIMIT 1",
            [&customer_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let fr = detail.fault_report.as_ref();
    let (contact, phone) = match fr.and_then(|f| f.contact_name.clone()) {
        Some(name) => (Some(name), fr.and_then(|f| f.contact_phone.clone())),
        None => first_contact.map_or((None, None), |(n, p)| (Some(n), Some(p))),
    };
    doc.customer = Customer {
        name: customer_name,
        contact,
        phone,
    };
    doc.site = site;
    doc.lane = Some(lane);

    doc.fault_level = wo
        .level
        .and_then(|lv| FaultLevel::new(i64::from(lv)).ok())
        .map(|lv| match l {
            Lang::Zh => lv.label_zh().to_string(),
            Lang::En => format!("Level {}", lv.get()),
        });
    doc.reported_fault = fr.map(|f| f.phenomenon.clone());
    if let Some(f) = fr {
        let channel = f
            .channel
            .as_deref()
            .and_then(|c| crate::fault_register::Channel::parse(c).ok())
            .map(|c| match l {
                Lang::Zh => c.label_zh().to_string(),
                Lang::En => c.label_en().to_string(),
            });
        let result = match &f.result {
            Some(r) => Some(r.clone()),
            None => crate::fault_register::suggested_result(conn, &wo.id)?,
        };
        doc.register = Some(FaultRegister {
            fault_time: local(Some(f.fault_time.as_str())),
            location: f.location.clone(),
            reporter: f.contact_name.clone(),
            phone: f.contact_phone.clone(),
            channel,
            taken_by: f.taken_by.clone(),
            result,
        });
    }
    doc.resolution = crate::resolution::of(conn, &wo.id)?.map(|r| match l {
        Lang::Zh => format!("{}：{}", r.method.label_zh(), r.detail),
        Lang::En => format!(
            "{}: {}",
            crate::fields::capitalised(r.method.label_en()),
            r.detail
        ),
    });

    let times: (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = conn.query_row(
        "SELECT reported_at, responded_at, on_site_at, resolved_at FROM work_order_now WHERE id = ?1",
        [&wo.id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    doc.times = match &inspection {
        // An inspection is not "reported": it is due, started and completed.
        Some(st) => Times {
            reported: None,
            responded: None,
            arrived: local(Some(&st.header.started_at)),
            resolved: local(st.header.completed_at.as_deref()).or(local(times.3.as_deref())),
        },
        None => Times {
            // When the service company was told (the clocks run from it); when the fault
            // happened is the register's own line.
            reported: local(times.0.as_deref().or(fr.map(|f| f.fault_time.as_str()))),
            responded: local(times.1.as_deref()),
            arrived: local(times.2.as_deref()),
            resolved: local(times.3.as_deref()),
        },
    };

    let mut device_ids: Vec<String> = wo.device_id.iter().cloned().collect();
    if let Some(st) = &inspection {
        for i in &st.items {
            if let Some(d) = &i.device_id {
                if !device_ids.contains(d) {
                    device_ids.push(d.clone());
                }
            }
        }
    }
    doc.devices = device_lines(conn, &device_ids, l)?;
    if inspection.is_none() {
        super::sla::fill(store, &wo.id, &mut doc)?;
    }

    if let Some(st) = &inspection {
        doc.checklist = checklist_lines(st, l, false);
        doc.checklist.extend(note_lines(conn, &st.header.id, l)?);
    }
    if let Some(rec) = &detail.service_record {
        doc.found_state = Some(rec.found_state.clone());
        doc.actions = Some(rec.process.clone());
        doc.analysis = rec.analysis.clone();
        doc.customer_feedback = rec.customer_feedback.clone();
        doc.backup_restore = rec.backup_restore.clone();
        doc.satisfaction = rec.satisfaction.map(|s| match s {
            5 => Satisfaction::VerySatisfied,
            4 => Satisfaction::Satisfied,
            3 => Satisfaction::Neutral,
            _ => Satisfaction::Dissatisfied,
        });
    }

    // Who pays, line by line, from the warranty, the contract and the recorded cause.
    let billing = crate::billing::view(store, &wo.id)?;
    let billable_part = |code: &str| {
        billing
            .quote
            .lines
            .iter()
            .any(|line| line.part_code.as_deref() == Some(code) && line.billable)
    };
    doc.parts = detail
        .parts
        .iter()
        .map(|p| PartLine {
            name: p.part_name.clone(),
            part_no: Some(match &p.unit_serial {
                Some(s) => format!("{} / {s}", p.part_code),
                None => p.part_code.clone(),
            }),
            qty: u32::try_from(p.qty).unwrap_or(0),
            condition: if p.condition == "refurbished" {
                PartCondition::Refurbished
            } else {
                PartCondition::New
            },
            billing: if billable_part(&p.part_code) {
                Billing::Billable
            } else {
                Billing::Warranty
            },
        })
        .collect();
    doc.bill = super::bill::printed(&billing, l);

    doc.photos = report_photos(store, &wo.id, inspection.as_ref(), l)?;
    doc.signature = match signature::current(conn, &wo.id)? {
        Some(signature::Confirmation::Signed {
            png_sha256,
            signer,
            at,
            ..
        }) => CustomerSignature::Signed {
            png: store.blobs().get_for(&png_sha256, BlobKind::Signature)?,
            signer,
            at: local(Some(&at)).unwrap_or_default(),
        },
        Some(signature::Confirmation::Refused { reason, at, .. }) => CustomerSignature::Refused {
            reason,
            at: local(Some(&at)),
        },
        Some(signature::Confirmation::ByPhone {
            confirmer,
            phone,
            recorded_by,
            at,
            ..
        }) => CustomerSignature::ByPhone {
            confirmer,
            phone,
            recorded_by,
            at: local(Some(&at)),
        },
        None => CustomerSignature::Pending,
    };
    Ok(doc)
}

fn device_lines(conn: &rusqlite::Connection, ids: &[String], l: Lang) -> Result<Vec<DeviceLine>> {
    let mut st = conn.prepare_cached(
        "SELECT code, device_type, model, manufacturer, serial, firmware FROM device_now
         WHERE id = ?1",
    )?;
    let mut lines = Vec::new();
    for id in ids {
        type Row = (String, String, String, String, String, Option<String>);
        let row: Option<Row> = st
            .query_row([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .optional()?;
        if let Some((code, ty, model, maker, serial, firmware)) = row {
            let kind_label = match DeviceType::parse(&ty) {
                Ok(t) if l == Lang::En => t.label_en().to_string(),
                Ok(t) => t.label_zh().to_string(),
                Err(_) => ty,
            };
            // The firmware the unit ran when the report was signed, when someone recorded it.
            let firmware = match (firmware, l) {
                (Some(f), Lang::En) => format!(" · firmware {f}"),
                (Some(f), Lang::Zh) => format!(" · 固件 {f}"),
                (None, _) => String::new(),
            };
            lines.push(DeviceLine {
                code,
                kind_label,
                model: format!("{maker} {model}{firmware}"),
                serial: Some(serial),
            });
        }
    }
    lines.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(lines)
}

/// One line per item that was asked and answered, as completed. With `corrections_only` (for
/// an addendum): only the items corrected after completion, showing the corrected answer and,
/// in the note, what was recorded before and why it changed.
pub(crate) fn checklist_lines(st: &State, l: Lang, corrections_only: bool) -> Vec<ChecklistLine> {
    // In English the answers (合格 → pass, units, instruments, options) and section titles are
    // the templates' English, as the screen shows them.
    let english = (l == Lang::En).then(|| crate::views::inspection::english_of(&st.header));
    let pre_existing = crate::checklist::complete::pre_existing(st);
    let answer = |item: &crate::checklist::Item, v: &crate::checklist::AnswerValue| {
        let zh = state::display(item, v);
        match l {
            Lang::Zh => zh,
            Lang::En => crate::views::english::answer_en(item, &zh),
        }
    };
    st.items
        .iter()
        .filter(|i| st.shown(i))
        .filter_map(|i| {
            let recorded = st.recorded.get(&i.id);
            let (a, note) = if corrections_only {
                let c = st.corrections.get(&i.id)?;
                let before = recorded
                    .map(|r| answer(&i.item, &r.value))
                    .unwrap_or_else(|| "—".into());
                let reason = c.reason.clone().unwrap_or_default();
                let note = match l {
                    Lang::Zh => format!("原记录：{before}；更正原因：{reason}"),
                    Lang::En => format!("recorded: {before}; reason: {reason}"),
                };
                (c, Some(note))
            } else {
                let r = recorded?;
                // A baseline's failure was there before the takeover: the row says so.
                let note = match (pre_existing && r.failed, &r.note, l) {
                    (false, n, _) => n.clone(),
                    (true, Some(n), Lang::Zh) => Some(format!("{PRE_EXISTING_ZH}；{n}")),
                    (true, Some(n), Lang::En) => Some(format!("{PRE_EXISTING_EN}; {n}")),
                    (true, None, Lang::Zh) => Some(PRE_EXISTING_ZH.to_string()),
                    (true, None, Lang::En) => Some(PRE_EXISTING_EN.to_string()),
                };
                (r, note)
            };
            Some(ChecklistLine {
                section: english
                    .as_ref()
                    .and_then(|e| e.titles.get(&i.section_zh).cloned())
                    .unwrap_or_else(|| i.section_zh.clone()),
                label: item_label(i, l),
                answer: answer(&i.item, &a.value),
                expected: expected(&i.item.spec, l),
                failed: a.failed,
                note,
            })
        })
        .collect()
}

/// The inspection's correction notes (补充说明) as rows after its checklist: who and when, and
/// the note as written.
pub(crate) fn note_lines(
    conn: &rusqlite::Connection,
    inspection_id: &str,
    l: Lang,
) -> Result<Vec<ChecklistLine>> {
    Ok(crate::checklist::addendum::notes(conn, inspection_id)?
        .into_iter()
        .map(|n| {
            let when = local(Some(&n.written_at))
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default();
            ChecklistLine {
                section: match l {
                    Lang::Zh => "补充说明".into(),
                    Lang::En => "Addenda".into(),
                },
                label: format!("{} {when}", n.engineer_name),
                answer: n.text,
                expected: None,
                failed: false,
                note: None,
            }
        })
        .collect())
}

fn item_label(i: &Instance, l: Lang) -> String {
    let label = match (l, &i.item.label_en) {
        (Lang::En, Some(en)) => en.clone(),
        _ => i.item.label_zh.clone(),
    };
    match (&i.device_code, l) {
        (Some(c), Lang::Zh) => format!("{label}（{c}）"),
        (Some(c), Lang::En) => format!("{label} ({c})"),
        (None, _) => label,
    }
}

/// The acceptable range of a measured item, as printed in the "expected" column.
fn expected(spec: &ItemKind, l: Lang) -> Option<String> {
    let (unit, unit_en, min, max) = match spec {
        ItemKind::Number {
            unit,
            unit_en,
            min,
            max,
        }
        | ItemKind::Reading {
            unit,
            unit_en,
            min,
            max,
            ..
        } => (unit, unit_en, *min, *max),
        _ => return None,
    };
    let unit = match (l, unit_en) {
        (Lang::En, Some(en)) => en,
        _ => unit,
    };
    match (min, max) {
        (Some(a), Some(b)) => Some(format!("{a}–{b} {unit}")),
        (None, Some(b)) => Some(format!("≤ {b} {unit}")),
        (Some(a), None) => Some(format!("≥ {a} {unit}")),
        (None, None) => None,
    }
}

/// The report copies of the work order's photos and its inspection's. A photo that an
/// inspection answer names but that has no `photo` row (stored by a path that kept only the
/// original) gets its report copy made here, once per render; every photo attached through
/// `report::photos` already has one and no original is decoded.
///
/// In English, a caption the app wrote (an item's label with its device) is the item's English
/// label; a caption someone typed is printed as typed.
fn report_photos(
    store: &Store,
    wo: &str,
    inspection: Option<&State>,
    l: Lang,
) -> Result<Vec<ReportPhoto>> {
    let listed = photos::list(store.conn(), wo, inspection.map(|s| s.header.id.as_str()))?;
    let caption_in = |i: &state::Instance| match l {
        Lang::Zh => state::label_with_device(i),
        Lang::En => state::label_with_device_en(i),
    };
    let mut out = Vec::with_capacity(listed.len());
    for p in &listed {
        let item = inspection.and_then(|st| {
            st.items
                .iter()
                .find(|i| Some(&i.id) == p.inspection_item_id.as_ref())
        });
        let caption = match item {
            Some(i) if p.caption == state::label_with_device(i) => caption_in(i),
            _ => p.caption.clone(),
        };
        out.push(ReportPhoto {
            jpeg: store.blobs().get_for(&p.report_sha256, BlobKind::Photo)?,
            caption,
            taken_at: p.taken_at,
        });
    }
    let Some(st) = inspection else {
        return Ok(out);
    };
    for i in st.items.iter().filter(|i| st.shown(i)) {
        let Some(crate::checklist::AnswerValue::Photo(hashes)) =
            st.recorded.get(&i.id).map(|a| &a.value)
        else {
            continue;
        };
        for h in hashes {
            if listed.iter().any(|p| &p.original_sha256 == h) {
                continue;
            }
            let original = store.blobs().get_for(h, BlobKind::Photo)?;
            let p = crate::media::import_photo(&original, "photo")?;
            out.push(ReportPhoto {
                jpeg: p.report_jpeg,
                caption: caption_in(i),
                taken_at: p.taken_at,
            });
        }
    }
    Ok(out)
}
