//! The evidence and confirmation part of a report: photos, the customer's feedback, and the
//! signature block. Split from `sections` to keep each file readable; same conventions.

use super::draw::Images;
use super::layout::*;
use super::model::*;
use super::sections::{tr, when};
use crate::Lang;

/// One placed photo: index, printed size, wrapped caption, capture-time line.
struct PhotoCell {
    index: usize,
    w: f32,
    h: f32,
    caption: Vec<String>,
    time: String,
}

/// Photos two per row, each with its caption and capture time; a row never splits. Landscape
/// 4:3 photos come out three rows (six photos) to a page.
pub(crate) fn photos(flow: &mut Flow<'_>, doc: &ReportDoc, images: &Images) {
    if doc.photos.is_empty() {
        return;
    }
    let l = doc.lang;
    let gap = 14.0;
    let col_w = (CONTENT_W - gap) / 2.0;
    let max_h = 176.0;
    let cells: Vec<PhotoCell> = doc
        .photos
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let (pw, ph) = images.photos.get(index).map_or((4, 3), |img| img.size());
            let (pw, ph) = (pw.max(1) as f32, ph.max(1) as f32);
            let scale = (col_w / pw).min(max_h / ph);
            let taken = p.taken_at.map_or_else(
                || tr(l, "未记录", "not recorded").to_string(),
                |t| t.format("%Y-%m-%d %H:%M:%S").to_string(),
            );
            PhotoCell {
                index,
                w: pw * scale,
                h: ph * scale,
                caption: flow.shaper.wrap(&p.caption, CELL, col_w),
                time: format!("{}{taken}", tr(l, "拍摄时间：", "Taken: ")),
            }
        })
        .collect();
    let row_size = |pair: &[PhotoCell]| {
        let img_h = pair.iter().map(|c| c.h).fold(0.0, f32::max);
        let lines = pair.iter().map(|c| c.caption.len() + 1).max().unwrap_or(1);
        (img_h, img_h + 4.0 + lines as f32 * CELL_LH)
    };
    let heading = match l {
        Lang::Zh => format!("现场照片（{} 张）", doc.photos.len()),
        Lang::En => format!("Photos ({})", doc.photos.len()),
    };
    flow.heading(&heading, row_size(&cells[..cells.len().min(2)]).1);
    for pair in cells.chunks(2) {
        let (img_h, row_h) = row_size(pair);
        flow.gap(10.0);
        flow.ensure(row_h);
        for (k, c) in pair.iter().enumerate() {
            let x0 = MARGIN_X + k as f32 * (col_w + gap);
            let x = x0 + (col_w - c.w) / 2.0;
            let y = flow.y + (img_h - c.h) / 2.0;
            let (w, h) = (c.w, c.h);
            let image = ImageRef::Photo(c.index);
            flow.push(Op::Image { x, y, w, h, image });
            let (fill, stroke) = (None, Some(RULE));
            flow.push(Op::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            });
            let mut ty = flow.y + img_h + 4.0;
            for line in &c.caption {
                flow.text(x0, baseline(ty, CELL_LH, CELL), CELL, line, BLACK, false);
                ty += CELL_LH;
            }
            let y = baseline(ty, CELL_LH, CELL);
            flow.text(x0, y, 8.0, &c.time, GREY_TEXT, false);
        }
        flow.y += row_h;
    }
}

pub(crate) fn feedback(flow: &mut Flow<'_>, doc: &ReportDoc) {
    let l = doc.lang;
    let has_text = doc
        .customer_feedback
        .as_ref()
        .is_some_and(|t| !t.trim().is_empty());
    if !has_text && doc.satisfaction.is_none() {
        return;
    }
    flow.heading(tr(l, "客户意见", "Customer feedback"), 2.0 * BODY_LH);
    if let Some(s) = doc.satisfaction {
        let label = match s {
            Satisfaction::VerySatisfied => tr(l, "非常满意", "Very satisfied"),
            Satisfaction::Satisfied => tr(l, "满意", "Satisfied"),
            Satisfaction::Neutral => tr(l, "一般", "Neutral"),
            Satisfaction::Dissatisfied => tr(l, "不满意", "Dissatisfied"),
        };
        flow.paragraph(
            &format!("{}{label}", tr(l, "满意度：", "Satisfaction: ")),
            BLACK,
        );
    }
    if let Some(text) = doc.customer_feedback.as_ref().filter(|_| has_text) {
        flow.paragraph(text, BLACK);
    }
}

/// The customer's confirmation and the engineer, side by side, kept together on one page.
pub(crate) fn signatures(flow: &mut Flow<'_>, doc: &ReportDoc, images: &Images) {
    let l = doc.lang;
    let gap = 14.0;
    let col_w = (CONTENT_W - gap) / 2.0;
    let sig_h = 64.0;
    // A refusal or a phone confirmation is printed as words where the signature would be.
    let words = match &doc.signature {
        CustomerSignature::Refused { reason, .. } => {
            let text = format!(
                "{}{reason}",
                tr(l, "客户拒签：", "Customer refused to sign: ")
            );
            flow.shaper.wrap(&text, BODY, col_w - 16.0)
        }
        CustomerSignature::ByPhone {
            confirmer,
            phone,
            recorded_by,
            ..
        } => {
            let mut lines = flow.shaper.wrap(
                &format!(
                    "{}{confirmer}（{phone}）",
                    tr(l, "电话确认：", "Confirmed by phone: ")
                ),
                BODY,
                col_w - 16.0,
            );
            lines.extend(flow.shaper.wrap(
                &format!("{}{recorded_by}", tr(l, "记录人：", "Recorded by: ")),
                BODY,
                col_w - 16.0,
            ));
            lines
        }
        _ => Vec::new(),
    };
    let body_h = (sig_h + 2.0 * CELL_LH).max(words.len() as f32 * BODY_LH + CELL_LH);
    let box_h = 22.0 + body_h + 8.0;
    flow.heading(tr(l, "确认签字", "Confirmation"), box_h);
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
    let customer_label = match &doc.signature {
        CustomerSignature::ByPhone { .. } => {
            tr(l, "客户确认（电话）", "Customer confirmation (phone)")
        }
        _ => tr(l, "客户签字", "Customer signature"),
    };
    flow.text(lx, label_y, BODY, customer_label, GREY_TEXT, true);
    flow.text(
        rx,
        label_y,
        BODY,
        tr(l, "维保工程师", "Service engineer"),
        GREY_TEXT,
        true,
    );
    let body_top = top + 22.0;
    match &doc.signature {
        CustomerSignature::Signed { signer, at, .. } => {
            if let Some(img) = &images.signature {
                let (w, h) = img.size();
                let (w, h) = (w.max(1) as f32, h.max(1) as f32);
                let scale = ((col_w - 16.0) / w).min(sig_h / h);
                flow.push(Op::Image {
                    x: lx,
                    y: body_top,
                    w: w * scale,
                    h: h * scale,
                    image: ImageRef::Signature,
                });
            }
            let y = body_top + sig_h + 2.0;
            let who = format!("{}{signer}", tr(l, "签字人：", "Signed by: "));
            let who = flow.shaper.fit_line(&who, CELL, col_w - 16.0);
            flow.text(lx, baseline(y, CELL_LH, CELL), CELL, &who, BLACK, false);
            let at = format!(
                "{}{}",
                tr(l, "签字时间：", "Signed at: "),
                when(Some(*at), l)
            );
            flow.text(
                lx,
                baseline(y + CELL_LH, CELL_LH, CELL),
                CELL,
                &at,
                BLACK,
                false,
            );
        }
        CustomerSignature::Refused { at, .. } | CustomerSignature::ByPhone { at, .. } => {
            let colour = match &doc.signature {
                CustomerSignature::Refused { .. } => FAIL_TEXT,
                _ => BLACK,
            };
            let mut y = body_top;
            for line in &words {
                flow.text(lx, baseline(y, BODY_LH, BODY), BODY, line, colour, true);
                y += BODY_LH;
            }
            if at.is_some() {
                let at = format!("{}{}", tr(l, "记录时间：", "Recorded at: "), when(*at, l));
                flow.text(lx, baseline(y, CELL_LH, CELL), CELL, &at, BLACK, false);
            }
        }
        CustomerSignature::Pending => {
            let text = tr(l, "（待客户签字）", "(awaiting the customer's signature)");
            flow.text(
                lx,
                baseline(body_top + 20.0, BODY_LH, BODY),
                BODY,
                text,
                GREY_TEXT,
                false,
            );
        }
    }
    let name = flow.shaper.fit_line(&doc.engineer_name, 13.0, col_w - 16.0);
    flow.text(
        rx,
        baseline(body_top + 14.0, 20.0, 13.0),
        13.0,
        &name,
        BLACK,
        true,
    );
    let done = format!(
        "{}{}",
        tr(l, "完成时间：", "Completed: "),
        when(doc.times.resolved, l)
    );
    let y = body_top + sig_h + 2.0 + CELL_LH;
    flow.text(rx, baseline(y, CELL_LH, CELL), CELL, &done, BLACK, false);
    flow.y = top + box_h;
}
