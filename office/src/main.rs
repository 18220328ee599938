//! `weibao-office`: the office server and its admin commands.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use weibao::Error;
use weibao_office::{enrolment, DataDir, Office, DEFAULT_MAX_BODY};

#[derive(Parser)]
#[command(
    name = "weibao-office",
    version,
    about = "维保办公室服务器 / weibao office server"
)]
struct Cli {
    /// The office data folder (office.db, its blobs, office-auth.db).
    #[arg(
        long,
        global = true,
        env = "WEIBAO_OFFICE_DATA",
        default_value = "office-data"
    )]
    data: PathBuf,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve sync over HTTP.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8470")]
        listen: String,
        /// The largest request body accepted, in MB (after decompression).
        #[arg(long)]
        max_body_mb: Option<usize>,
        /// HTTPS: the server's certificate chain (PEM). Required off loopback.
        #[arg(long, requires = "tls_key", value_name = "FILE")]
        tls_cert: Option<PathBuf>,
        /// HTTPS: the certificate's private key (PEM).
        #[arg(long, requires = "tls_cert", value_name = "FILE")]
        tls_key: Option<PathBuf>,
        /// Serve plain HTTP off loopback because a TLS proxy in front does HTTPS.
        #[arg(long, conflicts_with = "tls_cert")]
        behind_tls_proxy: bool,
        /// The largest blob (photo, signature, PDF) accepted, in MB (default 100).
        #[arg(long)]
        max_blob_mb: Option<u64>,
        /// The built office web app to serve at `/` (default: $WEIBAO_OFFICE_WEB, the
        /// installed one, or the checkout's ui/dist-office).
        #[arg(long, value_name = "DIR")]
        web: Option<PathBuf>,
    },
    /// Engineers' sync tokens.
    #[command(subcommand)]
    Engineer(EngineerCmd),
    /// Admin tokens for the `/admin/v1/…` endpoints.
    #[command(subcommand)]
    Admin(AdminCmd),
    /// Staff accounts of the office web app (客服, 技术负责人, 档案管理员, 管理员).
    #[command(subcommand)]
    Staff(StaffCmd),
    /// Enrolled laptops.
    #[command(subcommand)]
    Laptop(LaptopCmd),
    /// The common faults and remedies table (常见故障现象与处理表) as the technical lead words it.
    #[command(subcommand)]
    CommonFault(CommonFaultCmd),
    /// Checklist templates beside the shipped ones: add one (a TOML file, validated like the
    /// shipped ones) or retire one so it can no longer be started. The laptops get the change
    /// at their next sync.
    #[command(subcommand)]
    Template(TemplateCmd),
    /// A contract's terms (合同条款) as TOML; with --set, save an edited file. The laptops get
    /// the new terms at their next sync.
    ContractTerms {
        /// Number (HT-2026-001) or id.
        contract: String,
        #[arg(long, value_name = "FILE")]
        set: Option<PathBuf>,
    },
    /// Load the demo data set into an empty office replica (as `weibao demo`).
    Demo {
        #[arg(long)]
        scale: Option<usize>,
    },
    /// Import customers, sites, lanes, devices and contracts from XLSX or CSV (UTF-8 or GBK);
    /// all rows are checked first, and any bad row means nothing is written (导入台账).
    Import {
        /// .xlsx or .csv files, or folders of them.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// What a CSV file holds (customers, sites, lanes, devices, contracts or 客户 …);
        /// for a workbook, import only that sheet.
        #[arg(long)]
        kind: Option<String>,
        /// Check and report what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export the inventory as one XLSX workbook or a folder of CSV files (导出台账).
    Export {
        /// A .xlsx file, or a folder for CSV.
        #[arg(long)]
        out: PathBuf,
        /// xlsx or csv (default: xlsx when --out ends in .xlsx, else csv).
        #[arg(long)]
        format: Option<String>,
        /// CSV text encoding: utf8 (with the BOM Excel needs, the default) or gbk.
        #[arg(long, default_value = "utf8")]
        encoding: String,
    },
}

#[derive(Subcommand)]
enum TemplateCmd {
    /// The templates a lane can start (shipped + added here, minus the retired).
    List,
    /// Add a template, or a new version of one (raise `version` after any change).
    Add { file: PathBuf },
    /// Retire a template by its code: it can no longer be started (past inspections stay).
    Retire { code: String },
}

#[derive(Subcommand)]
enum CommonFaultCmd {
    /// The technical lead's confirmed rows.
    List,
    /// Confirm a row of the common faults table in the lead's words, hide it, or add a known
    /// fault (the counts always come from the fault records).
    Set {
        /// 设备类型: code or label (道闸, barrier gate).
        #[arg(long)]
        device_type: String,
        /// 故障现象, as the records group it.
        #[arg(long)]
        phenomenon: String,
        #[arg(long)]
        cause: Option<String>,
        #[arg(long)]
        remedy: Option<String>,
        /// Leave the row out of the table sent to customers.
        #[arg(long)]
        hide: bool,
        /// The technical lead's name.
        #[arg(long)]
        by: String,
    },
}

#[derive(Subcommand)]
enum AdminCmd {
    /// Make an admin token (printed once, alone on the last line; only its hash is kept).
    Add { name: String },
}

#[derive(Subcommand)]
enum StaffCmd {
    /// Add a member of staff; prints a one-time password once, alone on the last line.
    Add {
        name: String,
        /// dispatcher (客服) | tech_lead (技术负责人) | archivist (档案管理员) | admin (管理员)
        #[arg(long)]
        role: String,
    },
    /// List staff accounts (never their passwords).
    List,
    /// Disable an account and end its sessions.
    Disable { name: String },
}

#[derive(Subcommand)]
enum LaptopCmd {
    /// List enrolled laptops with their engineer and certificate fingerprint.
    List,
    /// Retire a laptop (lost or replaced) so that its engineer can enrol another.
    Retire { installation: String },
}

#[derive(Subcommand)]
enum EngineerCmd {
    /// Add an engineer; prints their token once, alone on the last line.
    Add {
        name: String,
        /// `all`, or site ids separated by commas.
        #[arg(long)]
        sites: String,
        /// Report-number prefix (2–6 letters); default: the engineer's record's own, or the
        /// first free EA, EB, ….
        #[arg(long)]
        prefix: Option<String>,
    },
    /// List engineers.
    List,
    /// Revoke an engineer's tokens (by name or id).
    Revoke { who: String },
    /// Change the sites an engineer (by name or id) pulls: their laptop drops the sites taken
    /// away and fetches the sites given at its next sync.
    Assign {
        who: String,
        /// `all`, or site ids separated by commas.
        #[arg(long)]
        sites: String,
    },
}

fn run(cli: Cli) -> Result<(), Error> {
    let data = DataDir::new(&cli.data);
    match cli.cmd {
        Cmd::Serve {
            listen,
            max_body_mb,
            tls_cert,
            tls_key,
            behind_tls_proxy,
            max_blob_mb,
            web,
        } => {
            let max = max_body_mb
                .map(|mb| mb.saturating_mul(1024 * 1024))
                .unwrap_or(DEFAULT_MAX_BODY);
            let tls = match (&tls_cert, &tls_key) {
                (Some(c), Some(k)) => Some(weibao_office::tls::config(c, k)?),
                _ => None,
            };
            let max_blob = max_blob_mb
                .map(|mb| mb.saturating_mul(1024 * 1024))
                .unwrap_or(weibao_office::blobs::DEFAULT_MAX_BLOB);
            let secure = tls.is_some() || behind_tls_proxy;
            let office = Arc::new(
                Office::open(&data, max)?
                    .with_max_blob(max_blob)
                    .with_secure_cookies(secure)
                    .with_web(web.as_deref())?,
            );
            match office.web_dir() {
                Some(d) => eprintln!("weibao-office: web app from {}", d.display()),
                None => eprintln!(
                    "weibao-office: no built web app (npm run build:office in ui/, or --web DIR)"
                ),
            }
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async {
                let listener = tokio::net::TcpListener::bind(&listen).await?;
                let addr = listener.local_addr()?;
                if tls.is_none() && !addr.ip().is_loopback() && !behind_tls_proxy {
                    return Err(Error::invalid(
                        "listen",
                        format!("在 {addr} 上提供服务需要 HTTPS：请给出 --tls-cert 和 --tls-key（或在 TLS 代理之后使用 --behind-tls-proxy）"),
                        format!("serving on {addr} needs HTTPS: give --tls-cert and --tls-key (or --behind-tls-proxy behind a TLS proxy)"),
                    ));
                }
                tracing::info!(%addr, data = %data.dir.display(), tls = tls.is_some(), "serving");
                match tls {
                    Some(cfg) => {
                        eprintln!("weibao-office: listening on https://{addr}");
                        weibao_office::serve_tls(listener, office, cfg).await?
                    }
                    None => {
                        eprintln!("weibao-office: listening on http://{addr}");
                        weibao_office::serve(listener, office).await?
                    }
                }
                Ok(())
            })?;
            Ok(())
        }
        Cmd::Engineer(c) => {
            let mut auth = data.open_auth()?;
            match c {
                EngineerCmd::Add {
                    name,
                    sites,
                    prefix,
                } => {
                    drop(auth);
                    let (e, token, prefix) =
                        enrolment::add_engineer(&data, &name, &sites, prefix.as_deref())?;
                    println!(
                        "engineer {} ({}) sites: {} report prefix: {prefix}",
                        e.name, e.id, e.sites
                    );
                    println!("{token}");
                }
                EngineerCmd::List => {
                    for e in auth.list()? {
                        let state = e
                            .revoked_at
                            .as_deref()
                            .map_or("active".to_string(), |at| format!("revoked {at}"));
                        println!("{}\t{}\t{}\t{}", e.id, e.name, e.sites, state);
                    }
                }
                EngineerCmd::Revoke { who } => {
                    let e = auth.revoke(&who)?;
                    println!("engineer {} ({}) revoked", e.name, e.id);
                }
                EngineerCmd::Assign { who, sites } => {
                    let (e, before) = auth.assign(&who, &sites)?;
                    println!(
                        "engineer {} ({}) sites: {before} → {}",
                        e.name, e.id, e.sites
                    );
                }
            }
            Ok(())
        }
        Cmd::Admin(AdminCmd::Add { name }) => {
            let auth = data.open_auth()?;
            let token = weibao_office::admin::add_admin(&auth, &name)?;
            println!("admin token for {name} (shown once):");
            println!("{token}");
            Ok(())
        }
        Cmd::Staff(c) => {
            use weibao_office::staff;
            let auth = data.open_auth()?;
            match c {
                StaffCmd::Add { name, role } => {
                    let role = staff::Role::parse(&role)?;
                    let (s, password) = staff::add(&auth, &name, role)?;
                    println!(
                        "{} ({}) added; one-time password (shown once):",
                        s.name,
                        s.role.label_zh()
                    );
                    println!("{password}");
                }
                StaffCmd::List => {
                    for s in staff::list(&auth)? {
                        let state = s.disabled_at.as_deref().map_or("", |_| " (disabled)");
                        println!("{}\t{}\t{}{state}", s.name, s.role.code(), s.created_at);
                    }
                }
                StaffCmd::Disable { name } => {
                    let s = staff::disable(&auth, &name)?;
                    println!("{} disabled; their sessions ended", s.name);
                }
            }
            Ok(())
        }
        Cmd::Laptop(c) => {
            let auth = data.open_auth()?;
            match c {
                LaptopCmd::List => {
                    for l in enrolment::laptops(&auth)? {
                        println!(
                            "{}\t{}\t{}\t{}\t{}",
                            l.installation,
                            l.engineer_id,
                            l.hostname.as_deref().unwrap_or("-"),
                            l.cert_sha256.as_deref().unwrap_or("(no certificate yet)"),
                            l.enrolled_at
                        );
                    }
                }
                LaptopCmd::Retire { installation } => {
                    if !enrolment::retire(&auth, &installation)? {
                        return Err(Error::not_found("laptop", installation));
                    }
                    println!("laptop {installation} retired");
                }
            }
            Ok(())
        }
        Cmd::Import {
            files,
            kind,
            dry_run,
        } => {
            let opts = weibao::inventory::ImportOptions {
                kind: kind
                    .as_deref()
                    .map(weibao::inventory::Kind::parse)
                    .transpose()?,
                dry_run,
            };
            let mut store = data.open_store()?;
            let sum = weibao::inventory::import(&mut store, &files, opts)?;
            for line in sum.lines() {
                println!("{line}");
            }
            Ok(())
        }
        Cmd::Export {
            out,
            format,
            encoding,
        } => {
            let format = format
                .as_deref()
                .map(weibao::inventory::Format::parse)
                .transpose()?;
            let encoding = weibao::inventory::TextEncoding::parse(&encoding)?;
            let store = data.open_store()?;
            let sum = weibao::inventory::export(&store, &out, format, encoding)?;
            for line in sum.lines() {
                println!("{line}");
            }
            Ok(())
        }
        Cmd::Template(cmd) => {
            let mut store = data.open_store()?;
            match cmd {
                TemplateCmd::List => {}
                TemplateCmd::Add { file } => {
                    let text = weibao::checklist::read_template("file", &file)?;
                    let source = file.display().to_string();
                    let t =
                        store.write(|tx| weibao::checklist::catalog::add(tx, &text, &source))?;
                    println!("added {} v{}", t.code, t.version);
                }
                TemplateCmd::Retire { code } => {
                    store.write(|tx| weibao::checklist::catalog::retire(tx, &code))?;
                    println!("retired {code}");
                }
            }
            for t in weibao::checklist::catalog::startable(&store)? {
                println!(
                    "{}\tv{}\t{}\t{}\t{}",
                    t.code, t.version, t.kind_label_zh, t.name_zh, t.origin
                );
            }
            Ok(())
        }
        Cmd::CommonFault(CommonFaultCmd::List) => {
            let store = data.open_store()?;
            for c in weibao::common_faults::curated(store.conn())? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{} {}",
                    c.device_type,
                    c.phenomenon,
                    c.cause.as_deref().unwrap_or("-"),
                    c.remedy.as_deref().unwrap_or("-"),
                    if c.hidden { "hidden" } else { "shown" },
                    c.confirmed_by,
                    c.confirmed_at
                );
            }
            Ok(())
        }
        Cmd::CommonFault(CommonFaultCmd::Set {
            device_type,
            phenomenon,
            cause,
            remedy,
            hide,
            by,
        }) => {
            let mut store = data.open_store()?;
            let input = weibao::common_faults::CurateInput {
                device_type,
                phenomenon,
                cause,
                remedy,
                hidden: hide,
                by,
            };
            let c = store.write(|tx| weibao::common_faults::curate(tx, &input))?;
            println!(
                "{} {}: {}",
                c.device_type,
                c.phenomenon,
                if c.hidden { "hidden" } else { "confirmed" }
            );
            Ok(())
        }
        Cmd::ContractTerms { contract, set } => {
            let mut store = data.open_store()?;
            match set {
                None => print!(
                    "{}",
                    weibao::contract_terms::to_toml(store.conn(), &contract)?
                ),
                Some(path) => {
                    let text = weibao::files::read_text("contract.terms", &path, 1024 * 1024)?;
                    let changed =
                        store.write(|tx| weibao::contract_terms::set(tx, &contract, &text))?;
                    if changed.is_empty() {
                        println!("contract {contract}: unchanged");
                    } else {
                        println!("contract {contract}: saved ({})", changed.join(", "));
                    }
                }
            }
            Ok(())
        }
        Cmd::Demo { scale } => {
            let mut store = data.open_store()?;
            let sum = weibao::demo::load(&mut store, scale, &mut |_, _| {})?;
            println!(
                "demo loaded into {}: {} devices, {} sites",
                data.replica().display(),
                sum.devices,
                sum.sites
            );
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 [{}]：{}\nerror: {}", e.kind(), e.message_zh(), e);
            ExitCode::from(1)
        }
    }
}
