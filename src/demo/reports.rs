//! Demo data for reports: one completed quarterly inspection and one completed repair, each
//! with photos and the customer's handwritten signature, both finalised into signed PDFs, so
//! `weibao report render --all` (and `weibao verify`) have something real right after `demo`.
//!
//! The jobs are written through a second handle on the same database whose clock is set to the
//! day before, moving through the morning as the work proceeds: transitions, the service
//! record, capture and signing times then read like a real job instead of one instant. Photos
//! and the signature are drawn in code (no files, no network) and go through the same import
//! as a camera file or the signature pad would.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use image::{Rgb, RgbImage, Rgba, RgbaImage};

use crate::checklist::run::{self, Given};
use crate::checklist::{AnswerValue, ItemKind, Library, Verdict};
use crate::clock::FakeClock;
use crate::domain::work_order::{FaultReportInput, ServiceRecordInput, WorkOrderState};
use crate::report::photos::{self, PhotoOwner};
use crate::report::{finalise, inspection, signature, ReportAssets, StoredReport};
use crate::stock::{self, MovementInput};
use crate::store::Store;
use crate::work_orders;
use crate::{Lang, Result};

/// The two finalised demo reports.
#[derive(Debug, Clone)]
pub struct DemoReports {
    pub inspection: StoredReport,
    pub repair: StoredReport,
}

/// Add the completed jobs and sign their reports. Runs after the rest of the demo (it needs
/// the devices, contracts, van stock and the current engineer).
pub fn load(store: &Store) -> Result<DemoReports> {
    let assets = ReportAssets::locate()?;
    let today = crate::report::local_time(store.now()).date();
    // 08:30 China time yesterday.
    let start = (today - Duration::days(1))
        .and_time(NaiveTime::from_hms_opt(0, 30, 0).unwrap_or_default())
        .and_utc();
    let clock = Arc::new(FakeClock::new(start));
    let mut s = Store::open(store.path(), clock.clone())?;
    let repair = repair(&mut s, &clock, &assets)?;
    clock.set(start + Duration::hours(6));
    let inspection = quarterly_inspection(&mut s, &clock, &assets)?;
    Ok(DemoReports { inspection, repair })
}

const CUSTOMER_SIGNER: &str = "陈建国";
const CUSTOMER_PHONE: &str = "029-86366001";

fn device_id(s: &Store, code: &str) -> Result<(String, String)> {
    Ok(s.conn().query_row(
        "SELECT id, lane_id FROM device WHERE code = ?1 AND deleted = 0",
        [code],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// 故障维修: a barrier gate that would not lower its boom, a worn buffer pad replaced.
fn repair(s: &mut Store, clock: &FakeClock, assets: &ReportAssets) -> Result<StoredReport> {
    let (gate, _) = device_id(s, "XA01-L03-BG01")?;
    let wo = s.write(|tx| {
        work_orders::report_fault(
            tx,
            &FaultReportInput {
                device_id: gate.clone(),
                level: 2,
                phenomenon: "1号出口车道道闸抬杆后不能自动落杆，落杆时有异响，车辆需人工放行"
                    .into(),
                location: Some("西安综合保税区卡口 1号出口车道".into()),
                contact_name: Some(CUSTOMER_SIGNER.into()),
                contact_phone: Some(CUSTOMER_PHONE.into()),
                taken_by: Some("客服中心 周敏".into()),
                ..Default::default()
            },
        )
    })?;
    for (minutes, to, note) in [
        (8, WorkOrderState::Assigned, "派张伟处理"),
        (
            14,
            WorkOrderState::Responded,
            "电话联系陈建国，确认现场状况",
        ),
        (95, WorkOrderState::OnSite, "到达现场"),
    ] {
        clock.advance(Duration::minutes(minutes));
        s.write(|tx| work_orders::advance(tx, &wo.id, to, Some(note), None))?;
    }
    clock.advance(Duration::minutes(20));
    for (i, caption) in [
        "维修前：挡杆停在抬起位置，缓冲垫破损",
        "道闸主控板与落杆限位开关接线",
        "维修后：更换缓冲垫，落杆到位",
    ]
    .iter()
    .enumerate()
    {
        let jpeg = demo_photo(i as u32, clock_now(clock));
        photos::attach(
            s,
            &PhotoOwner::WorkOrder(wo.id.clone()),
            &jpeg,
            Some(caption),
        )?;
        clock.advance(Duration::minutes(12));
    }
    s.write(|tx| {
        stock::record_movement(
            tx,
            &MovementInput {
                kind: "issue".into(),
                part: "PAD-BG".into(),
                qty: 2,
                from: Some("张伟车载库".into()),
                work_order_id: Some(wo.id.clone()),
                note: Some("更换破损缓冲垫".into()),
                ..Default::default()
            },
        )?;
        work_orders::record_service(
            tx,
            &wo.id,
            &ServiceRecordInput {
                found_state: "到场时道闸挡杆停在抬起位置，手动落杆时有金属撞击声；落杆缓冲垫开裂脱落，落杆限位开关接线端子松动。".into(),
                process: "1. 断电后检查主控板及限位开关接线，紧固松动端子；2. 更换两块落杆缓冲垫；3. 调整落杆限位位置并复位主控板；4. 用测试卡连续通行 20 次，抬落杆正常，无异响。".into(),
                analysis: Some("缓冲垫老化开裂后挡杆落杆冲击增大，振动导致限位开关端子松动，主控板收不到落杆到位信号。".into()),
                customer_feedback: Some("处理及时，车道已恢复正常通行。".into()),
                satisfaction: Some(5),
                backup_restore: None,
            },
        )
    })?;
    clock.advance(Duration::minutes(10));
    s.write(|tx| {
        work_orders::advance(
            tx,
            &wo.id,
            WorkOrderState::Resolved,
            Some("更换缓冲垫，紧固限位开关接线"),
            None,
        )
    })?;
    clock.advance(Duration::minutes(3));
    signature::capture(s, &wo.id, &demo_signature(0), CUSTOMER_SIGNER)?;
    clock.advance(Duration::minutes(2));
    finalise::finalise(s, assets, &wo.id, Lang::Zh)
}

/// 定期巡检: the shipped quarterly template on one lane, every question answered; the boom arm
/// is found cracked (with its photo) and one motor-current reading is out of range.
fn quarterly_inspection(
    s: &mut Store,
    clock: &FakeClock,
    assets: &ReportAssets,
) -> Result<StoredReport> {
    let lib = Library::shipped()?;
    let template = lib.get("quarterly_lane")?;
    let (_, lane) = device_id(s, "XA01-L02-BG01")?;
    let started = run::start(s, template, &lane)?;
    let id = started.header.id.clone();
    let mut photo_no = 10;
    // Answering can reveal further questions (show_when), so go round until none is left.
    for _round in 0..4 {
        let detail = run::detail(s, &id)?;
        let todo: Vec<_> = detail
            .items
            .into_iter()
            .filter(|i| i.shown && i.answer.is_none())
            .collect();
        if todo.is_empty() {
            break;
        }
        let st = crate::checklist::state::load(s.conn(), &id)?;
        for view in todo {
            clock.advance(Duration::seconds(40));
            let Some(inst) = st.items.iter().find(|i| i.id == view.id) else {
                continue;
            };
            if let ItemKind::Photo { .. } = inst.item.spec {
                let jpeg = demo_photo(photo_no, clock_now(clock));
                photo_no += 1;
                let owner = PhotoOwner::Inspection {
                    inspection_id: id.clone(),
                    item: Some(view.key.clone()),
                };
                photos::attach(s, &owner, &jpeg, None)?;
                continue;
            }
            let value = demo_answer(&view.key, &inst.item.spec);
            run::answer(s, &id, &view.key, &Given::Value(value), None)?;
        }
    }
    clock.advance(Duration::minutes(5));
    run::complete(s, &id)?;
    let wo = inspection::work_order_for(s, &id)?;
    s.write(|tx| {
        work_orders::record_service(
            tx,
            &wo.id,
            &ServiceRecordInput {
                found_state: "通道整体运行正常；道闸挡杆端部开裂，道闸电机电流偏高。".into(),
                process: "按季度巡检模板逐项检查、清洁机柜和主控板，测试卡实测通行；挡杆开裂已拍照，建议下次维修时更换。".into(),
                analysis: Some("挡杆开裂疑为车辆剐蹭；电机电流偏高与传动部件润滑不足有关，已补充润滑，下次巡检复测。".into()),
                customer_feedback: Some("同意更换挡杆，请尽快安排。".into()),
                satisfaction: Some(4),
                backup_restore: None,
            },
        )
    })?;
    clock.advance(Duration::minutes(4));
    signature::capture(s, &wo.id, &demo_signature(1), CUSTOMER_SIGNER)?;
    clock.advance(Duration::minutes(2));
    finalise::finalise(s, assets, &wo.id, Lang::Zh)
}

fn clock_now(clock: &FakeClock) -> DateTime<Utc> {
    crate::clock::Clock::now(clock)
}

/// A passing answer for every kind, except the two findings this demo inspection reports.
fn demo_answer(key: &str, spec: &ItemKind) -> AnswerValue {
    let fail_here = key.starts_with("gate.boom@") || key.starts_with("gate.motor_current@");
    let number = |min: Option<f64>, max: Option<f64>| -> f64 {
        let v = match (min, max) {
            (Some(a), Some(b)) if fail_here => b + (b - a).abs() * 0.25,
            (Some(a), Some(b)) => a + (b - a) * 0.6,
            (None, Some(b)) => b * 0.7,
            (Some(a), None) => (a * 1.5 + 1.0).round(),
            (None, None) => 1.0,
        };
        (v * 10.0).round() / 10.0
    };
    match spec {
        ItemKind::PassFail => AnswerValue::PassFail(Verdict::Pass),
        ItemKind::YesNo { fail_on } => AnswerValue::YesNo(!fail_on.unwrap_or(false)),
        ItemKind::Number { min, max, .. } => AnswerValue::Number(number(*min, *max)),
        ItemKind::Reading {
            min,
            max,
            instrument_zh,
            ..
        } => AnswerValue::Reading {
            value: number(*min, *max),
            instrument: Some(instrument_zh.clone()),
        },
        ItemKind::Text { .. } => AnswerValue::Text(if key.starts_with("lane.advice") {
            "建议更换开裂挡杆；道闸传动部件下季度复查润滑。".into()
        } else {
            "正常".into()
        }),
        ItemKind::SingleChoice { options } => {
            let pick = options
                .iter()
                .find(|o| o.fails == fail_here)
                .or(options.first());
            AnswerValue::SingleChoice(pick.map(|o| o.id.clone()).unwrap_or_default())
        }
        ItemKind::MultiChoice { options } => AnswerValue::MultiChoice(
            options
                .iter()
                .find(|o| !o.fails)
                .map(|o| vec![o.id.clone()])
                .unwrap_or_default(),
        ),
        ItemKind::Photo { .. } => AnswerValue::Photo(Vec::new()),
    }
}

/// A plausible lane photo: sky-to-asphalt gradient, a cabinet, a barrier with its boom, lane
/// markings, some sensor noise; EXIF capture time included, as a camera would write it.
pub fn demo_photo(seed: u32, taken: DateTime<Utc>) -> Vec<u8> {
    let (w, h) = (1024u32, 768u32);
    let horizon = h * 5 / 9;
    let mut noise = seed.wrapping_mul(2_654_435_761) | 1;
    // Every third photo shows the boom raised.
    let boom_angle = if matches!(seed % 3, 0) { 0.9f32 } else { 0.05 };
    let img = RgbImage::from_fn(w, h, |x, y| {
        noise ^= noise << 13;
        noise ^= noise >> 17;
        noise ^= noise << 5;
        let n = (noise % 9) as i32 - 4;
        let (xf, yf) = (x as f32, y as f32);
        let mut c: [i32; 3] = if y < horizon {
            let t = y as f32 / horizon as f32;
            [
                (110.0 + 90.0 * t) as i32,
                (150.0 + 70.0 * t) as i32,
                (215.0 + 20.0 * t) as i32,
            ]
        } else {
            let t = (y - horizon) as f32 / (h - horizon) as f32;
            let g = (95.0 - 35.0 * t) as i32;
            [g, g, g + 4]
        };
        // Dashed lane marking in perspective.
        let lane_x = w as f32 * 0.5 + (yf - horizon as f32) * 0.9;
        if y > horizon
            && (xf - lane_x).abs() < 4.0 + (yf - horizon as f32) * 0.03
            && (y / 30) % 2 == 0
        {
            c = [225, 220, 200];
        }
        // Cabinet: grey box with a door line.
        let (cx, cy, cw, ch) = (150.0, horizon as f32 - 170.0, 120.0, 230.0);
        if xf > cx && xf < cx + cw && yf > cy && yf < cy + ch {
            c = if (xf - (cx + cw / 2.0)).abs() < 1.5 {
                [90, 95, 100]
            } else {
                [178, 184, 190]
            };
        }
        // Barrier post (yellow) and boom (red/white stripes) from its top.
        let (px, py) = (520.0, horizon as f32 - 120.0);
        if xf > px && xf < px + 50.0 && yf > py && yf < py + 190.0 {
            c = [230, 180, 40];
        }
        let (dx, dy) = (xf - (px + 25.0), (py + 20.0) - yf);
        let along = dx * boom_angle.cos() + dy * boom_angle.sin();
        let across = (-dx * boom_angle.sin() + dy * boom_angle.cos()).abs();
        // Seeds 3, 7, 11…: the boom is cracked two thirds along.
        let cracked = seed % 4 == 3 && (along - 290.0).abs() < 7.0;
        if along > 0.0 && along < 430.0 && across < 9.0 && !cracked {
            c = if (along as i32 / 40) % 2 == 0 {
                [200, 30, 30]
            } else {
                [245, 245, 245]
            };
        }
        let tint = (seed as i32 * 7) % 20;
        Rgb([
            (c[0] + n + tint / 2).clamp(0, 255) as u8,
            (c[1] + n).clamp(0, 255) as u8,
            (c[2] + n - tint / 3).clamp(0, 255) as u8,
        ])
    });
    let mut jpeg = Vec::new();
    // Encoding an in-memory RGB image cannot fail; an empty result would be refused at import.
    let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 88).encode_image(&img);
    with_exif_time(&jpeg, taken)
}

/// Insert an APP1 Exif segment with DateTimeOriginal (China time) after the SOI marker.
fn with_exif_time(jpeg: &[u8], taken: DateTime<Utc>) -> Vec<u8> {
    if jpeg.len() < 2 {
        return jpeg.to_vec();
    }
    let when = crate::report::local_time(taken)
        .format("%Y:%m:%d %H:%M:%S")
        .to_string();
    let mut tiff: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    // IFD0: one entry, the Exif IFD pointer (tag 0x8769, LONG) → offset 26.
    tiff.extend([1, 0, 0x69, 0x87, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0]);
    // Exif IFD: DateTimeOriginal (0x9003, ASCII, 20 bytes) → offset 44.
    tiff.extend([1, 0, 0x03, 0x90, 2, 0, 20, 0, 0, 0, 44, 0, 0, 0, 0, 0, 0, 0]);
    tiff.extend(when.as_bytes());
    tiff.push(0);
    let mut seg = b"Exif\0\0".to_vec();
    seg.extend(tiff);
    let len = (seg.len() + 2) as u16;
    let mut out = Vec::with_capacity(jpeg.len() + seg.len() + 4);
    out.extend(&jpeg[..2]);
    out.extend([0xFF, 0xE1]);
    out.extend(len.to_be_bytes());
    out.extend(seg);
    out.extend(&jpeg[2..]);
    out
}

/// What a signature pad produces: dark-blue strokes on a transparent 600×200 canvas.
pub fn demo_signature(variant: u32) -> Vec<u8> {
    let mut img = RgbaImage::from_pixel(600, 200, Rgba([0, 0, 0, 0]));
    let v = (variant % 7) as f32;
    let strokes: [&dyn Fn(f32) -> (f32, f32); 4] = [
        &|t| (60.0 + 90.0 * t, 120.0 - (70.0 - 6.0 * v) * (t * 3.1).sin()),
        &|t| {
            (
                170.0 + 120.0 * t,
                100.0 + 35.0 * (t * (9.0 + v)).sin() - 20.0 * t,
            )
        },
        &|t| (310.0 + 110.0 * t, 90.0 + 45.0 * (t * (6.5 - 0.5 * v)).cos()),
        &|t| (80.0 + 440.0 * t, 160.0 + (8.0 + v) * (t * 4.0).sin()),
    ];
    for stroke in strokes {
        let mut t = 0.0;
        while t <= 1.0 {
            let (x, y) = stroke(t);
            let r = 2.6 + 0.8 * (t * 5.0).sin();
            let (x0, y0) = ((x - r).max(0.0) as u32, (y - r).max(0.0) as u32);
            for px in x0..=((x + r) as u32).min(599) {
                for py in y0..=((y + r) as u32).min(199) {
                    let d = ((px as f32 - x).powi(2) + (py as f32 - y).powi(2)).sqrt();
                    if d <= r {
                        let a = (255.0 * (1.0 - (d / r).powi(4))).clamp(0.0, 255.0) as u8;
                        let p = img.get_pixel_mut(px, py);
                        if a > p.0[3] {
                            *p = Rgba([20, 30, 110, a]);
                        }
                    }
                }
            }
            t += 0.002;
        }
    }
    let mut png = Vec::new();
    // Encoding an in-memory image cannot fail; an empty result would be refused at capture.
    let _ = img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png);
    png
}
