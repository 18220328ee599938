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
    /// Compare every assigned site with the office's checksum now and fetch again any that
    /// differ (otherwise done when the sites change, when a change waits for a missing row,
    /// and once a day).
    #[arg(long)]
    verify: bool,
}

pub fn run(ctx: &mut Ctx, a: SyncArgs) -> Result<(), Error> {
    let remote = Remote::new(&a.server, &a.token, a.attempts)?;
    if a.verify {
        weibao::sync::sites::check_sites_next(&mut ctx.store)?;
    }
    let sum = client::run(&mut ctx.store, &remote, &mut |e| {
        eprintln!("  {}", e.line())
    })?;
    output::emit(ctx, &sum, || {
        let mut line = format!(
            "同步完成：推送 {}（已确认至 {}），拉取 {}（应用 {}，暂存 {}）",
            sum.pushed, sum.acknowledged, sum.pulled, sum.applied, sum.held
        );
        if sum.evicted + sum.kept + sum.sites_fetched > 0 {
            line.push_str(&format!(
                "；移出未分配站点的记录 {}（保留未发送的 {}），整站获取 {}",
                sum.evicted, sum.kept, sum.sites_fetched
            ));
        }
        line + "\n"
    })
}
