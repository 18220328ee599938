//! `weibao labels …`, `weibao device find-by-label PHOTO` and `weibao verify PAGE.png`: the
//! QR and barcode labels of `weibao::labels`, translated to arguments and printed results.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use weibao::labels::{self, LabelScope};
use weibao::report::ReportAssets;
use weibao::{files, Error, Lang, Store, SystemClock};

use crate::output::{emit, emit_as, local};
use crate::Ctx;

#[derive(Args)]
pub struct LabelsArgs {
    /// The lane: its id or SITE/CODE (宝鸡/L01).
    #[arg(long, conflicts_with = "site", required_unless_present = "site")]
    lane: Option<String>,
    /// A whole site (id or name): every lane's devices.
    #[arg(long)]
    site: Option<String>,
    /// Language of the small print (zh or en).
    #[arg(long, default_value = "zh")]
    lang: String,
    /// Where to write the PDF.
    #[arg(long)]
    out: PathBuf,
}

/// `weibao labels --lane … --out labels.pdf`.
pub fn sheet(ctx: &mut Ctx, a: LabelsArgs) -> Result<(), Error> {
    let scope = match (a.lane, a.site) {
        (Some(l), _) => LabelScope::Lane(l),
        (None, Some(s)) => LabelScope::Site(s),
        (None, None) => {
            return Err(Error::invalid(
                "labels.scope",
                "请用 --lane 或 --site 指定车道或站点",
                "name a lane (--lane) or a site (--site)",
            ))
        }
    };
    let lang = match a.lang.trim().to_ascii_lowercase().as_str() {
        "en" => Lang::En,
        "zh" | "zh-cn" | "cn" => Lang::Zh,
        other => {
            return Err(Error::invalid(
                "lang",
                format!("语言应为 zh 或 en，收到「{other}」"),
                format!("language must be zh or en, got {other:?}"),
            ))
        }
    };
    let assets = ReportAssets::locate()?;
    let (pdf, mut sum) = labels::label_sheet(&ctx.store, &assets.fonts, &scope, lang)?;
    files::write_file("out", &a.out, &pdf)?;
    sum.path = Some(a.out.display().to_string());
    emit(ctx, &sum, || {
        format!(
            "二维码标签 {}：{} 台设备，{} 页，{} KB → {}\n  {}\n",
            sum.scope,
            sum.codes.len(),
            sum.pages,
            sum.bytes.div_ceil(1024),
            a.out.display(),
            sum.codes.join("  ")
        )
    })
}

/// `weibao device find-by-label PHOTO`.
pub fn find(ctx: &mut Ctx, photo: &Path) -> Result<(), Error> {
    let bytes = files::read_bounded("label.photo", photo, weibao::media::MAX_PHOTO_BYTES as u64)?;
    let found = labels::find_by_photo(&ctx.store, &bytes)?;
    let lane = weibao::org::lane(&ctx.store, &found.device.lane_id)?;
    emit(ctx, &found, || {
        let d = &found.device;
        let by = match found.matched_by {
            labels::MatchedBy::Label => "weibao 标签 label",
            labels::MatchedBy::Code => "统一编号 code",
            labels::MatchedBy::Serial => "序列号 serial",
        };
        format!(
            "设备 device: {}\n  类型 type: {}  型号 model: {}（{}）  序列号 serial: {}\n  位置 place: {} / {} / {}\n  读到 read: {}（{}）\n",
            d.code,
            d.device_type.label_zh(),
            d.model,
            d.manufacturer,
            d.serial,
            lane.customer_name,
            lane.site_name,
            lane.name,
            found.read,
            by
        )
    })
}

/// `weibao verify PAGE.png [--db …]`: the record a printed page's QR names.
pub fn verify_paper(db: Option<&Path>, json: bool, file: &Path, bytes: &[u8]) -> Result<(), Error> {
    let store = match db {
        Some(p) if !p.exists() => {
            return Err(Error::invalid(
                "db",
                format!("数据库 {} 不存在", p.display()),
                format!("database {} does not exist", p.display()),
            ))
        }
        Some(p) => Some(Store::open(p, Arc::new(SystemClock))?),
        None => None,
    };
    let check = weibao::report::verify::verify_paper(bytes, store.as_ref())?;
    emit_as(json, &check, || {
        let mut s = format!(
            "文件 file: {}（照片或扫描件 photo or scan）\n二维码 QR: {}\n",
            file.display(),
            check.read
        );
        match (&check.report, &check.status_report) {
            (Some(r), _) => s += &format!(
                "存档记录 record: 报告 report {}，工单 work order {}，签署人 signer {}，签署时间 signed at {}\n存档 SHA-256: {}\n",
                r.number,
                r.work_order_id,
                r.signer,
                local(&r.signed_at),
                r.sha256
            ),
            (_, Some(r)) => s += &format!(
                "存档记录 record: 设备运行状态报告 device status report {}，客户 customer {}，期间 period {} 至 {}，签署时间 signed at {}\n存档 SHA-256: {}\n",
                r.number,
                r.customer,
                r.period_from,
                r.period_to,
                local(&r.signed_at),
                r.sha256
            ),
            (None, None) => s += &format!(
                "报告编号 number: {}（给出 --db 以查找存档记录 give --db to name the record）\n",
                check.number
            ),
        }
        s += &format!("注意：{}\nnote: {}\n", check.note_zh, check.note);
        s
    })
}
