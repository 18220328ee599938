//! `weibao enrol` and `weibao sync` (protocol v1, `docs/sync.md`). Thin: the client is the
//! core's (`weibao::sync::client`, `weibao::sync::enrol`); this reads the options, prints
//! progress on stderr and the summary.

use crate::{output, Ctx};
use clap::Args;
use weibao::sync::client::{self, Remote};
use weibao::sync::enrol;
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
}

pub fn run(ctx: &mut Ctx, a: SyncArgs) -> Result<(), Error> {
    let saved = enrol::saved(&ctx.store)?;
    let server = a
        .server
        .or_else(|| saved.as_ref().map(|s| s.server.clone()))
        .ok_or_else(not_enrolled)?;
    let token = a
        .token
        .or_else(|| saved.as_ref().map(|s| s.token.clone()))
        .ok_or_else(not_enrolled)?;
    let remote = Remote::new(&server, &token, a.attempts)?;
    let sum = client::run(&mut ctx.store, &remote, &mut |e| {
        eprintln!("  {}", e.line())
    })?;
    output::emit(ctx, &sum, || {
        format!(
            "同步完成：推送 {}（已确认至 {}），拉取 {}（应用 {}，暂存 {}）\n",
            sum.pushed, sum.acknowledged, sum.pulled, sum.applied, sum.held
        )
    })
}

pub fn enrol(ctx: &mut Ctx, a: EnrolArgs) -> Result<(), Error> {
    let remote = Remote::new(&a.server, &a.token, a.attempts)?;
    let (ans, sum) = enrol::enrol(&mut ctx.store, &remote, &a.token, &mut |e| {
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

fn not_enrolled() -> Error {
    Error::invalid(
        "server",
        "本机尚未绑定办公室：先运行 weibao enrol --server URL --token T，或给出 --server 和 --token",
        "this laptop is not enrolled: run weibao enrol --server URL --token T first, or give --server and --token",
    )
}
