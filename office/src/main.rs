//! `weibao-office`: the office server and its admin commands.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use weibao::Error;
use weibao_office::{DataDir, Office, DEFAULT_MAX_BODY};

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
        /// The largest blob (photo, signature, PDF) accepted, in MB (default 100).
        #[arg(long)]
        max_blob_mb: Option<u64>,
    },
    /// Engineers' sync tokens.
    #[command(subcommand)]
    Engineer(EngineerCmd),
    /// Load the demo data set into an empty office replica (as `weibao demo`).
    Demo {
        #[arg(long)]
        scale: Option<usize>,
    },
}

#[derive(Subcommand)]
enum EngineerCmd {
    /// Add an engineer; prints their token once, alone on the last line.
    Add {
        name: String,
        /// `all`, or site ids separated by commas.
        #[arg(long)]
        sites: String,
    },
    /// List engineers.
    List,
    /// Revoke an engineer's tokens (by name or id).
    Revoke { who: String },
}

fn run(cli: Cli) -> Result<(), Error> {
    let data = DataDir::new(&cli.data);
    match cli.cmd {
        Cmd::Serve {
            listen,
            max_body_mb,
            max_blob_mb,
        } => {
            let max = max_body_mb
                .map(|mb| mb.saturating_mul(1024 * 1024))
                .unwrap_or(DEFAULT_MAX_BODY);
            let max_blob = max_blob_mb
                .map(|mb| mb.saturating_mul(1024 * 1024))
                .unwrap_or(weibao_office::blobs::DEFAULT_MAX_BLOB);
            let office = Arc::new(Office::open(&data, max)?.with_max_blob(max_blob));
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async {
                let listener = tokio::net::TcpListener::bind(&listen).await?;
                let addr = listener.local_addr()?;
                tracing::info!(%addr, data = %data.dir.display(), "serving");
                eprintln!("weibao-office: listening on http://{addr}");
                weibao_office::serve(listener, office).await
            })?;
            Ok(())
        }
        Cmd::Engineer(c) => {
            let mut auth = data.open_auth()?;
            match c {
                EngineerCmd::Add { name, sites } => {
                    let (e, token) = auth.add(&name, &sites)?;
                    println!("engineer {} ({}) sites: {}", e.name, e.id, e.sites);
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
