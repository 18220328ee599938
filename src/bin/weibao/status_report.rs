//! `weibao status-report`: the quarterly device status report (设备运行状态报告) for a customer,
//! signed and filed by `weibao::status_report`, its copy written to `--out`.
//!
//! A top-level command rather than a `stats` subcommand: `weibao stats` takes its period as
//! flags, not subcommands, and the report is a signed document of its own, not a statistic.

use std::path::PathBuf;

use crate::output::emit;
use crate::Ctx;
use clap::Args;
use weibao::files::Output;
use weibao::report::ReportAssets;
use weibao::stats::Scope;
use weibao::{status_report, Error, Lang};

#[derive(Args)]
pub struct StatusReportArgs {
    /// The customer (name or id).
    #[arg(long)]
    customer: String,
    /// Only this site (name or id).
    #[arg(long)]
    site: Option<String>,
    /// A quarter: 2026Q4. Or give --from and --to.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    quarter: Option<String>,
    #[arg(long, requires = "to")]
    from: Option<String>,
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// Language of the report: zh (default) or en.
    #[arg(long, default_value = "zh")]
    lang: String,
    /// Where to write the signed PDF.
    #[arg(long)]
    out: PathBuf,
}

fn scope(a: &StatusReportArgs) -> Result<Scope, Error> {
    match (&a.quarter, &a.from, &a.to) {
        (Some(q), _, _) => Scope::quarter(&a.customer, a.site.as_deref(), q),
        (None, Some(f), Some(t)) => Scope::new(
            &a.customer,
            a.site.as_deref(),
            weibao::domain::values::parse_date("stats.from", f)?,
            weibao::domain::values::parse_date("stats.to", t)?,
        ),
        _ => Err(Error::invalid(
            "stats.quarter",
            "请用 --quarter 2026Q4，或 --from 与 --to 指明报告期间",
            "give --quarter 2026Q4, or --from and --to",
        )),
    }
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

pub fn run(ctx: &mut Ctx, a: StatusReportArgs) -> Result<(), Error> {
    let scope = scope(&a)?;
    let l = lang(&a.lang)?;
    // Opened first: a mistyped folder is refused before anything is signed; the copy is
    // written inside the filing transaction, so a full disk records nothing.
    let mut file = Output::create("out", &a.out)?;
    let assets = ReportAssets::locate()?;
    let mut made = status_report::make_to(&mut ctx.store, &assets, &scope, l, &mut |_, pdf| {
        file.write_all(pdf)
    })?;
    file.publish()?;
    made.path = Some(a.out.display().to_string());
    let r = &made.report;
    emit(ctx, &made, || {
        format!(
            "设备运行状态报告 {} 已签署：{} 台设备，{} 条建议 / device status report signed: {} devices, {} pieces of advice\n{}\nSHA-256 {}\n",
            r.number,
            made.devices,
            made.advice,
            made.devices,
            made.advice,
            a.out.display(),
            r.sha256
        )
    })
}
