//! `weibao report …`, `weibao photo add`, `weibao sign`, `weibao verify`: the service report
//! from evidence to signed, filed and checked PDF. Every rule is in `weibao::report`; this only
//! reads files and arguments in and prints what came back.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand};
use weibao::domain::values::{earliest_date, latest_date};
use weibao::files::{self, Output};
use weibao::media::MAX_SIGNATURE_BYTES;
use weibao::report::finalise::{self, ReportAssets, StoredReport};
use weibao::report::photos::{self, PhotoOwner};
use weibao::report::{inspection, signature, verify};
use weibao::views::reports::{self, ReportFilter};
use weibao::{Error, Lang, Store, SystemClock};

use crate::output::{emit, local, table};
use crate::Ctx;

#[derive(Subcommand)]
pub enum ReportCmd {
    /// Write a work order's signed report: finalises it first if needed (render from the
    /// store, sign with the engineer's key, freeze the work order). With --all, every
    /// finalised report into a folder, named by report number.
    Render {
        #[command(flatten)]
        target: Target,
        /// Every finalised report (originals and addenda) into the folder --out.
        #[arg(long, conflicts_with_all = ["work_order", "inspection"])]
        all: bool,
        /// Output file (or folder with --all).
        #[arg(long)]
        out: PathBuf,
        /// Label language: zh (default) or en.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// An unsigned draft for the customer to read; stores nothing.
        #[arg(long)]
        preview: bool,
    },
    /// A correction to a signed report: a new signed report naming the original's number and
    /// SHA-256; the original stays untouched.
    Addendum {
        #[command(flatten)]
        target: Target,
        /// Why the correction is needed (更正原因).
        #[arg(long)]
        reason: String,
        /// The correction itself (更正内容).
        #[arg(long)]
        text: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// Signed reports on record, newest first: by lane, device, days signed (China time) or
    /// part of the number or title.
    List {
        /// A lane (`site/L01` or its id).
        #[arg(long)]
        lane: Option<String>,
        /// A device (its code or id): its repairs and its lane's inspections.
        #[arg(long)]
        device: Option<String>,
        /// First day signed, YYYY-MM-DD.
        #[arg(long)]
        from: Option<String>,
        /// Last day signed, YYYY-MM-DD.
        #[arg(long)]
        to: Option<String>,
        /// Part of the report number or the work order's title.
        #[arg(long)]
        search: Option<String>,
    },
}

/// Which work order: by id, or the one carrying an inspection's report.
#[derive(Args, Clone)]
pub struct Target {
    #[arg(long = "work-order", alias = "wo")]
    work_order: Option<String>,
    /// A completed inspection (its work order is opened on first use).
    #[arg(long, conflicts_with = "work_order")]
    inspection: Option<String>,
}

#[derive(Subcommand)]
pub enum PhotoCmd {
    /// Attach a JPEG or PNG as evidence (拍照取证) to a work order or an inspection (item).
    Add {
        #[arg(long = "work-order", alias = "wo")]
        work_order: Option<String>,
        #[arg(long, conflicts_with = "work_order")]
        inspection: Option<String>,
        /// A photo item of the inspection (key, e.g. lane.overview_photo).
        #[arg(long, requires = "inspection")]
        item: Option<String>,
        file: PathBuf,
        #[arg(long)]
        caption: Option<String>,
    },
}

/// The customer's signature (PNG from the signature pad) and name, or a refusal and why.
#[derive(Args)]
pub struct SignArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, requires = "signer", conflicts_with = "refused")]
    png: Option<PathBuf>,
    #[arg(long)]
    signer: Option<String>,
    /// The customer refused to sign: the reason is recorded and printed on the report.
    #[arg(long)]
    refused: Option<String>,
    /// A fault resolved without a visit: who confirmed for the customer on the phone (with
    /// --phone, the number called).
    #[arg(long, requires = "phone", conflicts_with_all = ["png", "refused"])]
    phone_confirmed_by: Option<String>,
    #[arg(long, requires = "phone_confirmed_by")]
    phone: Option<String>,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// A report PDF, or a photo or scan (JPEG/PNG) of a printed page: its QR names the record.
    pub file: PathBuf,
}

fn lang(s: &str) -> Result<Lang, Error> {
    match s.trim().to_ascii_lowercase().as_str() {
        "zh" | "zh-cn" | "cn" => Ok(Lang::Zh),
        "en" => Ok(Lang::En),
        other => Err(Error::invalid(
            "lang",
            format!("语言应为 zh 或 en，收到「{other}」"),
            format!("language must be zh or en, got {other:?}"),
        )),
    }
}

/// A file named on the command line, at most `limit` bytes (checked before reading).
fn read(field: &str, path: &Path, limit: usize) -> Result<Vec<u8>, Error> {
    files::read_bounded(field, path, u64::try_from(limit).unwrap_or(u64::MAX))
}

fn work_order(store: &mut Store, t: &Target) -> Result<String, Error> {
    match (&t.work_order, &t.inspection) {
        (Some(id), _) => Ok(id.clone()),
        (None, Some(insp)) => Ok(inspection::work_order_for(store, insp)?.id),
        (None, None) => Err(Error::invalid(
            "work_order",
            "请用 --work-order 指定工单（或用 --inspection 指定巡检）",
            "name the work order with --work-order (or the inspection with --inspection)",
        )),
    }
}

fn summary(r: &StoredReport, path: &Path) -> String {
    format!(
        "报告 {}（{}）已签署：{}，签署人 {}，{}\nSHA-256 {}\n",
        r.number,
        r.kind,
        path.display(),
        r.signer,
        local(&r.signed_at),
        r.sha256
    )
}

pub fn run(ctx: &mut Ctx, cmd: ReportCmd) -> Result<(), Error> {
    match cmd {
        ReportCmd::Render { all: true, out, .. } => render_all(ctx, &out),
        ReportCmd::Render {
            target,
            out,
            lang: l,
            preview,
            ..
        } => {
            let l = lang(&l)?;
            let wo = work_order(&mut ctx.store, &target)?;
            // Opened first: a mistyped folder is refused before anything is signed.
            let mut file = Output::create("out", &out)?;
            if preview {
                let assets = ReportAssets::locate()?;
                file.write_all(&finalise::preview(&ctx.store, &assets, &wo, l)?)?;
                file.publish()?;
                eprintln!("草稿（未签署）已写入 {}", out.display());
                return Ok(());
            }
            // A report already signed (a retry after a failed copy, or a reprint) is written
            // again as stored; otherwise the copy is written before the report is recorded.
            let report = match finalise::report_for(ctx.store.conn(), &wo)? {
                Some(r) => {
                    file.write_all(&finalise::pdf_of(&ctx.store, &r)?)?;
                    r
                }
                None => {
                    let assets = ReportAssets::locate()?;
                    finalise::finalise_to(&mut ctx.store, &assets, &wo, l, &mut |pdf| {
                        file.write_all(pdf)
                    })?
                }
            };
            file.publish()?;
            emit(ctx, &report, || summary(&report, &out))
        }
        ReportCmd::Addendum {
            target,
            reason,
            text,
            out,
            lang: l,
        } => {
            let l = lang(&l)?;
            let wo = work_order(&mut ctx.store, &target)?;
            let assets = ReportAssets::locate()?;
            let mut file = Output::create("out", &out)?;
            let report = finalise::addendum_to(
                &mut ctx.store,
                &assets,
                &wo,
                &reason,
                &text,
                l,
                &mut |pdf| file.write_all(pdf),
            )?;
            file.publish()?;
            emit(ctx, &report, || {
                format!(
                    "{}补充的是报告 {}（SHA-256 {}）\n",
                    summary(&report, &out),
                    report.addendum_of.as_deref().unwrap_or_default(),
                    report.addendum_of_sha256.as_deref().unwrap_or_default()
                )
            })
        }
        ReportCmd::List {
            lane,
            device,
            from,
            to,
            search,
        } => {
            let filter = ReportFilter {
                lane_id: lane
                    .map(|l| weibao::org::lane(&ctx.store, &l).map(|l| l.id))
                    .transpose()?,
                device_id: device
                    .map(|d| weibao::devices::device(&ctx.store, &d).map(|d| d.id))
                    .transpose()?,
                from,
                to,
                text: search,
            };
            let rows = reports::list(&ctx.store, &filter)?;
            emit(ctx, &rows, || {
                table(
                    &[
                        "编号",
                        "类型",
                        "站点/车道",
                        "设备",
                        "签署人",
                        "签署时间",
                        "工单",
                    ],
                    rows.iter().map(|r| {
                        vec![
                            r.number.clone(),
                            r.kind_zh.to_string(),
                            format!("{}/{}", r.site_name, r.lane_code),
                            r.device_code.clone().unwrap_or_default(),
                            r.signer.clone(),
                            r.signed_at_text.clone(),
                            r.work_order_id.clone(),
                        ]
                    }),
                )
            })
        }
    }
}

/// Batch printing at the office: one file per report, named by its number.
fn render_all(ctx: &mut Ctx, dir: &Path) -> Result<(), Error> {
    files::create_dir("out", dir)?;
    let all = finalise::all_reports(ctx.store.conn())?;
    let mut written = Vec::with_capacity(all.len());
    for (i, r) in all.iter().enumerate() {
        let path = dir.join(format!("{}.pdf", r.number));
        // A report synced before its file: say so and print the others.
        let pdf = match finalise::pdf_of(&ctx.store, r) {
            Err(e) if e.kind() == "blob_pending" => {
                eprintln!(
                    "[{}/{}] {}：{}\n  {e}",
                    i + 1,
                    all.len(),
                    r.number,
                    e.message_zh()
                );
                continue;
            }
            other => other?,
        };
        files::write_file("out", &path, &pdf)?;
        eprintln!(
            "[{}/{}] {} → {}",
            i + 1,
            all.len(),
            r.number,
            path.display()
        );
        written.push(path.display().to_string());
    }
    emit(ctx, &written, || {
        format!("{} 份已签署报告已写入 {}\n", written.len(), dir.display())
    })
}

pub fn photo(ctx: &mut Ctx, cmd: PhotoCmd) -> Result<(), Error> {
    let PhotoCmd::Add {
        work_order,
        inspection,
        item,
        file,
        caption,
    } = cmd;
    let owner = match (work_order, inspection) {
        (Some(wo), _) => PhotoOwner::WorkOrder(wo),
        (None, Some(inspection_id)) => PhotoOwner::Inspection {
            inspection_id,
            item,
        },
        (None, None) => {
            return Err(Error::invalid(
                "work_order",
                "请用 --work-order 或 --inspection 指定照片所属",
                "name what the photo is for with --work-order or --inspection",
            ))
        }
    };
    let bytes = photos::read_photo_file("photo", &file)?;
    let p = photos::attach(&mut ctx.store, &owner, &bytes, caption.as_deref())?;
    if let Some(raw) = &p.taken_at_implausible {
        // On stderr, so `--json` output stays one JSON document.
        let (from, to) = (earliest_date(), latest_date());
        eprintln!(
            "警告：照片的拍摄时间「{raw}」不合理（应在 {from} 至 {to} 之间），未记录为拍摄时间\nwarning: the photo's capture time '{raw}' is implausible (must be between {from} and {to}) and was not recorded as its time"
        );
    }
    emit(ctx, &p, || {
        format!(
            "照片已保存：{}（{}×{}，{}）\n原图 {}\n报告用图 {}\n",
            p.caption,
            p.width,
            p.height,
            match (&p.taken_at, &p.taken_at_implausible) {
                (Some(t), _) => format!("拍摄于 {}", t.format("%Y-%m-%d %H:%M")),
                (None, Some(raw)) => format!("拍摄时间不合理（{raw}），已标记，未作为拍摄时间"),
                (None, None) => "无拍摄时间".into(),
            },
            p.original_sha256,
            p.report_sha256
        )
    })
}

pub fn sign(ctx: &mut Ctx, a: SignArgs) -> Result<(), Error> {
    let wo = work_order(&mut ctx.store, &a.target)?;
    let c = match (&a.png, &a.signer, &a.refused, &a.phone_confirmed_by) {
        (Some(png), Some(signer), None, None) => {
            let bytes = read("png", png, MAX_SIGNATURE_BYTES)?;
            signature::capture(&mut ctx.store, &wo, &bytes, signer)?
        }
        (None, _, Some(reason), None) => signature::refuse(&mut ctx.store, &wo, reason)?,
        // `--phone` is required with `--phone-confirmed-by`; missing, the core names the field.
        (None, _, None, Some(who)) => signature::confirm_by_phone(
            &mut ctx.store,
            &wo,
            who,
            a.phone.as_deref().unwrap_or_default(),
        )?,
        _ => {
            return Err(Error::invalid(
                "signature",
                "请给出 --png 文件和 --signer 签字人，或用 --refused 记录拒签原因，\
                 或（未到场解决的故障）用 --phone-confirmed-by 和 --phone 记录电话确认",
                "give --png FILE and --signer NAME, or --refused REASON, or (a fault resolved \
                 without a visit) --phone-confirmed-by NAME --phone NUMBER",
            ))
        }
    };
    emit(ctx, &c, || match &c {
        signature::Confirmation::Signed { signer, at, .. } => {
            format!("工单 {wo}：客户 {signer} 已签字（{}）\n", local(at))
        }
        signature::Confirmation::Refused { reason, at, .. } => {
            format!("工单 {wo}：已记录客户拒签（{}）：{reason}\n", local(at))
        }
        signature::Confirmation::ByPhone {
            confirmer,
            phone,
            at,
            ..
        } => format!(
            "工单 {wo}：客户 {confirmer}（{phone}）已电话确认（{}）\n",
            local(at)
        ),
    })
}

/// `weibao verify FILE [--db DB]`: needs no database unless one is named, so it never creates
/// the default one. Exit 1 when the signature is not valid or the file is not the stored one.
pub fn verify(db: Option<&Path>, json: bool, a: &VerifyArgs) -> Result<(), Error> {
    let bytes = files::read_bounded("file", &a.file, weibao::report::MAX_REPORT_PDF_BYTES)?;
    if weibao::media::PhotoFormat::sniff(&bytes).is_some() {
        return crate::labels::verify_paper(db, json, &a.file, &bytes);
    }
    let store = db
        .map(|p| {
            if !p.exists() {
                return Err(Error::invalid(
                    "db",
                    format!("数据库 {} 不存在", p.display()),
                    format!("database {} does not exist", p.display()),
                ));
            }
            Store::open(p, Arc::new(SystemClock))
        })
        .transpose()?;
    let check = verify::verify_file(&bytes, store.as_ref())?;
    let s = &check.signature;
    if json {
        let text = serde_json::to_string_pretty(&check).map_err(|e| {
            Error::invalid(
                "output",
                format!("无法输出 JSON：{e}"),
                format!("cannot write JSON: {e}"),
            )
        })?;
        println!("{text}");
    } else {
        let yes_no = |b: bool| if b { "是 yes" } else { "否 no" };
        println!("文件 file: {}", a.file.display());
        println!(
            "签名 signature: {}",
            if s.valid {
                "有效 valid"
            } else {
                "无效 NOT VALID"
            }
        );
        if let Some(p) = &s.problem {
            println!("问题 problem: {p}");
        }
        println!("签署人 signer: {}", s.signer);
        println!(
            "签署时间 signed at: {}",
            s.signing_time
                .map(|t| local(&t.to_rfc3339()))
                .unwrap_or_else(|| "—".into())
        );
        println!(
            "覆盖整个文件 covers whole file: {}",
            yes_no(s.covers_whole_file)
        );
        println!("SHA-256: {}", s.sha256_hex);
        if let Some(r) = &check.record {
            match (&r.report, &r.status_report, r.matches) {
                (Some(rep), _, true) => println!(
                    "存档比对 record: 一致 matches — 报告 {}，工单 {}",
                    rep.number, rep.work_order_id
                ),
                (_, Some(sr), true) => println!(
                    "存档比对 record: 一致 matches — 设备运行状态报告 device status report {}，客户 customer {}{}，期间 period {} 至 {}",
                    sr.number,
                    sr.customer,
                    sr.site.as_deref().map(|x| format!(" · {x}")).unwrap_or_default(),
                    sr.period_from,
                    sr.period_to
                ),
                _ => println!(
                    "存档比对 record: 不一致 MISMATCH — {}",
                    r.problem_zh.as_deref().unwrap_or_default()
                ),
            }
        }
    }
    if check.ok() {
        return Ok(());
    }
    let (zh, en) = match (&check.record, s.valid) {
        (_, false) => (
            format!(
                "签名无效：文件在签署后被改动或签名损坏（{}）",
                s.problem.as_deref().unwrap_or_default()
            ),
            format!(
                "the signature is not valid: {}",
                s.problem.as_deref().unwrap_or("the file was altered")
            ),
        ),
        (Some(r), true) => (
            r.problem_zh.clone().unwrap_or_default(),
            r.problem.clone().unwrap_or_default(),
        ),
        (None, true) => (String::new(), String::new()),
    };
    Err(Error::Report {
        kind: "verify_failed",
        zh,
        en,
    })
}
