//! `weibao sync --server URL --token T`: push this laptop's own changes, then pull the office's
//! (protocol v1, `docs/sync.md`). Thin: the client is the core's (`weibao::sync::client`); this
//! reads the options, prints progress on stderr and the summary.

use crate::{output, Ctx};
use clap::Args;
use weibao::sync::client::{self, Remote};
use weibao::Error;

#[derive(Args)]
pub struct SyncArgs {
    /// The office server, e.g. http://127.0.0.1:8470
    #[arg(long, env = "WEIBAO_SERVER")]
    server: String,
    /// This engineer's sync token (from `weibao-office engineer add`).
    #[arg(long, env = "WEIBAO_TOKEN", hide_env_values = true)]
    token: String,
    /// Attempts per request before giving up on a transient failure.
    #[arg(long, default_value_t = 5)]
    attempts: u32,
}

pub fn run(ctx: &mut Ctx, a: SyncArgs) -> Result<(), Error> {
    let remote = Remote::new(&a.server, &a.token, a.attempts)?;
    let sum = client::run(&mut ctx.store, &remote, &mut |e| {
        eprintln!("  {}", e.line())
    })?;
    output::emit(ctx, &sum, || {
        let mut text = format!(
            "同步完成：推送 {}（已确认至 {}），拉取 {}（应用 {}，暂存 {}）；文件发送 {}，接收 {}\n",
            sum.pushed,
            sum.acknowledged,
            sum.pulled,
            sum.applied,
            sum.held,
            sum.blobs_sent,
            sum.blobs_received
        );
        if sum.blobs_set_aside > 0 {
            text.push_str(&format!(
                "办公室拒收 {} 个文件（已暂存本机，原因见上）/ {} files set aside\n",
                sum.blobs_set_aside, sum.blobs_set_aside
            ));
        }
        if sum.blobs_pending > 0 {
            text.push_str(&format!(
                "照片待同步：{} 个文件尚未传到本机 / photo pending: {} files not here yet\n",
                sum.blobs_pending, sum.blobs_pending
            ));
        }
        text
    })
}
