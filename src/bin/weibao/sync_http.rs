//! `weibao enrol` and `weibao sync` (protocol v1, `docs/sync.md`). Thin: the client is the
//! core's (`weibao::sync::client`, `weibao::sync::enrol`); this reads the options, prints
//! progress on stderr and the summary.

use crate::{output, Ctx};
use clap::Args;
use weibao::sync::client::{self, Remote};
use weibao::sync::{enrol, status};
use weibao::Error;

#[derive(Args)]
pub struct SyncArgs {
    /// The office server, e.g. http://127.0.0.1:8470 (default: the one this laptop enrolled with).
    #[arg(long, env = "WEIBAO_SERVER")]
    server: Option<String>,
    /// This engineer's sync token (default: the one saved at enrolment).
    #[arg(long, env = "WEIBAO_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Attempts per request before giving up on a transient failure.
    #[arg(long, default_value_t = 5)]
    attempts: u32,
    /// Keep syncing in the background: every `--every` seconds, and after a failure again in
    /// 30 s, 1, 2, 4, 8 minutes, then every 15 (until stopped with Ctrl-C).
    #[arg(long)]
    watch: bool,
    /// The interval of `--watch` in seconds.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    every: u64,
    /// The first wait after a failure in `--watch`, in seconds (it doubles per failure).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    first_retry: u64,
    /// The office's own CA certificate (PEM), when its HTTPS certificate is not from a public CA.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<std::path::PathBuf>,
    /// Show the sync status (last sync, pending, set aside, conflicts) without connecting.
    #[arg(long, conflicts_with = "watch")]
    status: bool,
    /// Compare every assigned site with the office's checksum now and fetch again any that
    /// differ (otherwise done when the sites change, when a change waits for a missing row,
    /// and once a day).
    #[arg(long)]
    verify: bool,
}

#[derive(Args)]
pub struct EnrolArgs {
    /// The office server, e.g. https://office.example.com:8470
    #[arg(long, env = "WEIBAO_SERVER")]
    server: String,
    /// The token the office printed for this engineer (`weibao-office engineer add`).
    #[arg(long, env = "WEIBAO_TOKEN", hide_env_values = true)]
    token: String,
    #[arg(long, default_value_t = 5)]
    attempts: u32,
    /// The office's own CA certificate (PEM), when its HTTPS certificate is not from a public
    /// CA; kept for later syncs.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<std::path::PathBuf>,
}

pub fn run(ctx: &mut Ctx, a: SyncArgs) -> Result<(), Error> {
    if a.status {
        return show_status(ctx);
    }
    let saved = enrol::saved(&ctx.store)?;
    let remote = match (&a.server, &a.token, &saved) {
        (None, None, Some(saved)) if a.ca_cert.is_none() => saved.remote(a.attempts)?,
        _ => {
            let server = a
                .server
                .clone()
                .or_else(|| saved.as_ref().map(|s| s.server.clone()))
                .ok_or_else(not_enrolled)?;
            let token = a
                .token
                .clone()
                .or_else(|| saved.as_ref().map(|s| s.token.clone()))
                .ok_or_else(not_enrolled)?;
            remote(&server, &token, a.attempts, a.ca_cert.as_deref())?
        }
    };
    if a.verify {
        weibao::sync::sites::check_sites_next(&mut ctx.store)?;
    }
    if a.watch {
        return watch(ctx, &remote, &a);
    }
    let outcome = client::run(&mut ctx.store, &remote, &mut |e| {
        eprintln!("  {}", e.line())
    });
    status::record(&mut ctx.store, &outcome)?;
    let sum = outcome?;
    output::emit(ctx, &sum, || {
        let mut line = format!(
            "同步完成：推送 {}（已确认至 {}），拉取 {}（应用 {}，暂存 {}）；文件发送 {}，接收 {}",
            sum.pushed,
            sum.acknowledged,
            sum.pulled,
            sum.applied,
            sum.held,
            sum.blobs_sent,
            sum.blobs_received
        );
        if sum.evicted + sum.kept + sum.sites_fetched > 0 {
            line.push_str(&format!(
                "；移出未分配站点的记录 {}（保留未发送的 {}），整站获取 {}",
                sum.evicted, sum.kept, sum.sites_fetched
            ));
        }
        line.push('\n');
        if sum.blobs_set_aside > 0 {
            line.push_str(&format!(
                "办公室拒收 {} 个文件（已暂存本机，原因见上）/ {} files set aside\n",
                sum.blobs_set_aside, sum.blobs_set_aside
            ));
        }
        if sum.blobs_pending > 0 {
            line.push_str(&format!(
                "照片待同步：{} 个文件尚未传到本机 / photo pending: {} files not here yet\n",
                sum.blobs_pending, sum.blobs_pending
            ));
        }
        line
    })
}

pub fn enrol(ctx: &mut Ctx, a: EnrolArgs) -> Result<(), Error> {
    let remote = remote(&a.server, &a.token, a.attempts, a.ca_cert.as_deref())?;
    let (ans, sum) = enrol::enrol(&mut ctx.store, &remote, &mut |e| {
        eprintln!("  {}", e.line())
    })?;
    #[derive(serde::Serialize)]
    struct Out<'a> {
        enrolment: &'a enrol::EnrolAnswer,
        sync: &'a client::Summary,
    }
    output::emit(
        ctx,
        &Out {
            enrolment: &ans,
            sync: &sum,
        },
        || {
            format!(
                "已绑定办公室 {}：工程师 {}，报告编号前缀 {}，证书 {}\nenrolled with {}: engineer {}, report prefix {}\n",
                a.server,
                ans.name,
                ans.report_prefix,
                ans.certificate_sha256.as_deref().unwrap_or("-"),
                a.server,
                ans.name,
                ans.report_prefix
            )
        },
    )
}

/// Sync, then wait by the core's timetable, for ever: a laptop left running syncs as soon as
/// the office is reachable again, without waiting for a local edit. Each outcome is recorded
/// for `--status` and printed on stderr.
fn watch(ctx: &mut Ctx, remote: &Remote, a: &SyncArgs) -> Result<(), Error> {
    let table = status::Timetable {
        every: std::time::Duration::from_secs(a.every),
        first_retry: std::time::Duration::from_secs(a.first_retry),
        ..status::Timetable::default()
    };
    let mut failures: u32 = 0;
    loop {
        let outcome = client::run(&mut ctx.store, remote, &mut |e| eprintln!("  {}", e.line()));
        status::record(&mut ctx.store, &outcome)?;
        match &outcome {
            Ok(sum) => {
                failures = 0;
                eprintln!(
                    "{} synced: pushed {}, pulled {}",
                    ctx.store.now().format("%H:%M:%S"),
                    sum.pushed,
                    sum.pulled
                );
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                eprintln!(
                    "{} not synced [{}]: {e}",
                    ctx.store.now().format("%H:%M:%S"),
                    e.kind()
                );
            }
        }
        let wait = table.next_delay(failures);
        eprintln!("  next attempt in {} s", wait.as_secs());
        std::thread::sleep(wait);
    }
}

fn show_status(ctx: &mut Ctx) -> Result<(), Error> {
    let st = status::status(&ctx.store)?;
    output::emit(ctx, &st, || {
        let mut out = format!(
            "办公室 office: {}\n上次同步 last sync: {}\n待推送 pending changes: {}\n待发送照片 photos to send: {}\n待接收照片 photos pending: {}\n冲突 conflicts: {}\n",
            st.server.as_deref().unwrap_or("（未绑定 not enrolled）"),
            st.last_ok_at.as_deref().unwrap_or("-"),
            st.pending_changes,
            st.photos_to_send,
            st.photos_pending,
            st.conflicts
        );
        for b in &st.photos_set_aside {
            out.push_str(&format!(
                "已搁置文件 file set aside {}: {} / {}\n",
                b.sha256.get(..12).unwrap_or(&b.sha256),
                b.message,
                b.message_en
            ));
        }
        if let Some(e) = &st.last_error {
            out.push_str(&format!(
                "上次失败 last failure {} [{}]: {}\n",
                e.at, e.kind, e.message_en
            ));
        }
        for r in &st.set_aside {
            out.push_str(&format!(
                "已搁置 set aside #{} {} {}: {} / {}\n",
                r.seq, r.table, r.row_id, r.reason, r.reason_en
            ));
        }
        out
    })
}

/// A client, trusting the office CA in `ca` when given (read with the core's bounded reader).
fn remote(
    server: &str,
    token: &str,
    attempts: u32,
    ca: Option<&std::path::Path>,
) -> Result<Remote, Error> {
    match ca {
        None => Remote::new(server, token, attempts),
        Some(path) => {
            let pem = weibao::files::read_bounded("ca-cert", path, 64 * 1024)?;
            Remote::trusting(server, token, attempts, &pem)
        }
    }
}

fn not_enrolled() -> Error {
    Error::invalid(
        "server",
        "本机尚未绑定办公室：先运行 weibao enrol --server URL --token T，或给出 --server 和 --token",
        "this laptop is not enrolled: run weibao enrol --server URL --token T first, or give --server and --token",
    )
}
