//! `weibao`: the command line over the core, for scripts and office staff.
//!
//! Every read command prints a readable table, or JSON with `--json`. Exit codes: 0 ok,
//! 1 a domain error (message on stderr, Chinese then English), 2 a usage error.

mod billing;
mod calendar;
mod contract;
mod devices;
mod inspection;
mod inventory;
mod labels;
mod output;
mod report;
mod setup;
mod sla;
mod stats;
mod status_report;
mod stock;
mod sync;
mod sync_http;
mod template;
mod torture;
mod work_orders;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use weibao::{Error, Store, SystemClock};

#[derive(Parser)]
#[command(
    name = "weibao",
    version,
    about = "维保：电子卡口通道设备的离线维保工具 / offline maintenance of checkpoint lanes"
)]
pub struct Cli {
    /// Database file (default: the user's data directory, or $WEIBAO_DB).
    #[arg(long, global = true, env = "WEIBAO_DB")]
    db: Option<PathBuf>,
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    json: bool,
    /// Folder of edited service-calendar files (*.toml) used over the shipped ones: working
    /// hours, public holidays and make-up workdays (default: the shipped files only).
    #[arg(long, global = true, env = "WEIBAO_CALENDARS")]
    calendars: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Load the demo data set into an empty database (载入演示数据).
    Demo {
        /// Make N devices and ~10×N history rows instead (for benchmarks).
        #[arg(long)]
        scale: Option<usize>,
    },
    /// Devices: search, archive (设备档案).
    #[command(subcommand)]
    Device(devices::DeviceCmd),
    /// Search what engineers wrote on faults and service records ("缓冲垫开裂"): each work
    /// order that mentions it, with its device, lane and the words around the match.
    Notes {
        text: String,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Add a customer, site, lane or device by hand (starting from an empty database).
    #[command(subcommand)]
    Add(setup::AddCmd),
    /// The own engineer profile: show, or correct it.
    #[command(subcommand)]
    Profile(setup::ProfileCmd),
    /// The fault levels for a lane, with the contract's definitions and time limits.
    FaultLevels {
        /// Lane id, or site name/code (咸阳/L01).
        #[arg(long)]
        lane: String,
    },
    /// Sites and lanes.
    Lanes {
        /// Only this site (id).
        #[arg(long)]
        site: Option<String>,
    },
    /// Spare stock (备品备件): on hand, movements, record a movement, 备机 swap.
    #[command(subcommand)]
    Stock(stock::StockCmd),
    /// Charges (费用) of a work order: the quote, the cause that decides it, the consent.
    #[command(subcommand)]
    Billing(billing::BillingCmd),
    /// Contracts (合同): list, and their terms as TOML to read, edit and save back.
    #[command(subcommand)]
    Contract(contract::ContractCmd),
    /// The customer's quarterly statistics (季度统计), or with --out the files sent to them.
    Stats(stats::StatsArgs),
    /// The quarterly device status report with upgrade advice (设备运行状态报告), signed.
    StatusReport(status_report::StatusReportArgs),
    /// Work orders (工单): list, show, report a fault, advance, service record.
    #[command(subcommand, name = "wo", alias = "work-order")]
    WorkOrder(work_orders::WoCmd),
    /// Checklist templates (巡检模板): list, validate.
    #[command(subcommand)]
    Template(template::TemplateCmd),
    /// Service calendars (服务日历): list, validate files, count a deadline.
    #[command(subcommand)]
    Calendar(calendar::CalendarCmd),
    /// Inspections (巡检): start, answer, progress, complete, open-fault, due.
    #[command(subcommand)]
    Inspection(inspection::InspectionCmd),
    /// Service reports (维保报告): render and sign, --all for batch printing, addendum, list.
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Evidence photos (拍照取证): add a photo to a work order or an inspection.
    #[command(subcommand)]
    Photo(report::PhotoCmd),
    /// The customer's signature (客户签字) from a PNG, or a recorded refusal with its reason.
    Sign(report::SignArgs),
    /// Print a sheet of QR labels (二维码标签) for a lane's or a site's devices (PDF).
    Labels(labels::LabelsArgs),
    /// Check a report PDF: signature valid, signer, time; with --db, the stored hash too. Or a
    /// photo/scan of a printed page: its QR names the stored record.
    Verify(report::VerifyArgs),
    /// Change sets as files: export this database's changes, import another's.
    #[command(subcommand)]
    Changes(sync::ChangesCmd),
    /// Sync with the office: push this laptop's changes, pull the office's (同步).
    Sync(sync_http::SyncArgs),
    /// Bind this laptop to the office: its engineer identity, report prefix and certificate.
    Enrol(sync_http::EnrolArgs),
    /// Import customers, sites, lanes, devices and contracts from XLSX or CSV (UTF-8 or GBK);
    /// any bad row means nothing is written (导入台账).
    Import(inventory::ImportArgs),
    /// Export the inventory as one XLSX workbook or a folder of CSV files (导出台账).
    Export(inventory::ExportArgs),
    /// Conflicts left by merging (stock below zero, two signed originals, duplicate codes, …).
    Conflicts {
        #[command(subcommand)]
        cmd: Option<sync::ConflictsCmd>,
    },
    /// Crash-test helper: a burst of acknowledged writes (used by the test suite).
    #[command(hide = true)]
    Torture {
        #[arg(long, default_value_t = 100_000)]
        writes: usize,
    },
}

/// The default database: `<data dir>/weibao/weibao.db`.
fn default_db() -> PathBuf {
    directories::ProjectDirs::from("", "", "weibao")
        .map(|d| d.data_dir().join("weibao.db"))
        .unwrap_or_else(|| PathBuf::from("weibao.db"))
}

pub struct Ctx {
    pub store: Store,
    pub json: bool,
}

fn run(cli: Cli) -> Result<(), Error> {
    // Every deadline this run counts is counted in these: load them before anything else.
    calendar::load(cli.calendars.as_deref())?;
    // These read files only: they never open (or create) a database unless one is named.
    let cli = match cli.cmd {
        Cmd::Verify(a) => return report::verify(cli.db.as_deref(), cli.json, &a),
        Cmd::Template(c) => return template::run(cli.json, c),
        Cmd::Calendar(c) => return calendar::run(cli.json, c),
        cmd => Cli { cmd, ..cli },
    };
    let db = cli.db.clone().unwrap_or_else(default_db);
    let store = Store::open(&db, Arc::new(SystemClock))?;
    let mut ctx = Ctx {
        store,
        json: cli.json,
    };
    match cli.cmd {
        Cmd::Demo { scale } => {
            let json = ctx.json;
            let mut last = 0;
            let sum = weibao::demo::load(&mut ctx.store, scale, &mut |done, total| {
                if !json && total >= 10_000 && done * 10 / total != last {
                    last = done * 10 / total;
                    eprintln!("  设备 {done}/{total}");
                }
            })?;
            output::emit(&ctx, &sum, || {
                format!(
                    "演示数据已载入 {}：{} 个客户，{} 个站点，{} 条车道，{} 台设备，{} 份合同，{} 个未结工单；仓库「{}」，车载库 {}\n",
                    db.display(),
                    sum.customers,
                    sum.sites,
                    sum.lanes,
                    sum.devices,
                    sum.contracts,
                    sum.open_work_orders,
                    sum.warehouse,
                    sum.vans.join("、")
                )
            })
        }
        Cmd::Device(c) => devices::run(&mut ctx, c),
        Cmd::Notes { text, limit } => {
            let hits = weibao::views::note_search::search(&ctx.store, &text, limit)?;
            output::emit(&ctx, &hits, || {
                if hits.is_empty() {
                    return format!("没有记录提到「{}」/ no notes mention it\n", text.trim());
                }
                output::table(
                    &["报障时间", "设备", "站点 / 通道", "工单", "报告", "摘录"],
                    hits.iter().map(|h| {
                        vec![
                            h.reported_at_text.clone(),
                            h.device_code.clone().unwrap_or_default(),
                            format!("{} / {}", h.site, h.lane),
                            h.work_order_id.clone(),
                            h.report_number.clone().unwrap_or_default(),
                            h.excerpt.clone(),
                        ]
                    }),
                )
            })
        }
        Cmd::Add(c) => setup::add(&mut ctx, c),
        Cmd::Profile(c) => setup::profile(&mut ctx, c),
        Cmd::FaultLevels { lane } => setup::fault_levels(&mut ctx, &lane),
        Cmd::Lanes { site } => {
            let lanes = weibao::org::lanes(&ctx.store, site.as_deref())?;
            output::emit(&ctx, &lanes, || {
                output::table(
                    &["客户", "站点", "车道", "编码", "设备数", "id"],
                    lanes.iter().map(|l| {
                        vec![
                            l.customer_name.clone(),
                            l.site_name.clone(),
                            l.name.clone(),
                            l.code.clone(),
                            l.device_count.to_string(),
                            l.id.clone(),
                        ]
                    }),
                )
            })
        }
        Cmd::Stock(c) => stock::run(&mut ctx, c),
        Cmd::Billing(c) => billing::run(&mut ctx, c),
        Cmd::Contract(c) => contract::run(&mut ctx, c),
        Cmd::Stats(a) => stats::run(&mut ctx, a),
        Cmd::Labels(a) => labels::sheet(&mut ctx, a),
        Cmd::StatusReport(a) => status_report::run(&mut ctx, a),
        Cmd::WorkOrder(c) => work_orders::run(&mut ctx, c),
        // Handled above, before a database is opened.
        Cmd::Template(_) | Cmd::Verify(_) | Cmd::Calendar(_) => Ok(()),
        Cmd::Inspection(c) => inspection::run(&mut ctx, c),
        Cmd::Report(c) => report::run(&mut ctx, c),
        Cmd::Photo(c) => report::photo(&mut ctx, c),
        Cmd::Sign(a) => report::sign(&mut ctx, a),
        Cmd::Changes(c) => sync::changes(&mut ctx, c),
        Cmd::Conflicts { cmd } => sync::conflicts(&mut ctx, cmd),
        Cmd::Sync(a) => sync_http::run(&mut ctx, a),
        Cmd::Enrol(a) => sync_http::enrol(&mut ctx, a),
        Cmd::Import(a) => inventory::import(&mut ctx, a),
        Cmd::Export(a) => inventory::export(&mut ctx, a),
        Cmd::Torture { writes } => torture::run(&mut ctx.store, writes),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                eprintln!(
                    "{}",
                    serde_json::to_string(&e).unwrap_or_else(|_| e.to_string())
                );
            } else {
                eprintln!("错误 [{}]：{}\nerror: {}", e.kind(), e.message_zh(), e);
            }
            ExitCode::from(1)
        }
    }
}
