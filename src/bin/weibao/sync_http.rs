//! `weibao sync --server URL --token T`: push this laptop's own changes, then pull the office's,
//! over HTTP (protocol v1, `docs/sync.md`). Thin: what to push and where to resume are the
//! core's (`weibao::sync`); this only carries bytes, retries transient failures with backoff
//! and reports progress on stderr.

use crate::{output, Ctx};
use clap::Args;
use serde::Serialize;
use std::time::Duration;
use weibao::sync::{
    self, PullAnswer, PushAnswer, PROTOCOL_HEADER, PROTOCOL_VERSION, SCHEMA_HEADER,
};
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

#[derive(Serialize)]
struct Summary {
    pushed: usize,
    acknowledged: i64,
    pulled: usize,
    applied: usize,
    held: usize,
    cursor: i64,
}

/// Why one request failed: worth retrying, or an answer to pass on.
enum Failure {
    Transient(String),
    Answer(u16, serde_json::Value),
}

pub fn run(ctx: &mut Ctx, a: SyncArgs) -> Result<(), Error> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| net_error(&a.server, &e.to_string()))?;
    let base = a.server.trim_end_matches('/').to_string();
    let mut sum = Summary {
        pushed: 0,
        acknowledged: sync::acknowledged(&ctx.store)?,
        pulled: 0,
        applied: 0,
        held: 0,
        cursor: sync::pull_cursor(&ctx.store)?,
    };
    // An office restored from a backup shows as a pull cursor ahead of its log: then it has
    // lost some of this laptop's changes too, so both restart from 0 once (what it still has
    // is skipped there as a duplicate).
    let mut restarted = false;
    loop {
        push(ctx, &a, &client, &base, &mut sum)?;
        if pull(ctx, &a, &client, &base, &mut sum)? {
            break;
        }
        if restarted {
            return Err(Error::refused(
                "cursor_ahead",
                "办公室的变更记录仍落后于本机游标，请联系办公室",
                "the office's change log is still behind this laptop's cursor: ask the office",
            ));
        }
        eprintln!("  the office is behind this laptop (restored?): sending and fetching again from the start");
        sync::reset_acknowledged(&mut ctx.store)?;
        sync::set_pull_cursor(&mut ctx.store, 0)?;
        restarted = true;
    }
    output::emit(ctx, &sum, || {
        format!(
            "同步完成：推送 {}（已确认至 {}），拉取 {}（应用 {}，暂存 {}）\n",
            sum.pushed, sum.acknowledged, sum.pulled, sum.applied, sum.held
        )
    })
}

/// Push the outbox in batches until the office has acknowledged everything.
fn push(
    ctx: &mut Ctx,
    a: &SyncArgs,
    client: &reqwest::blocking::Client,
    base: &str,
    sum: &mut Summary,
) -> Result<(), Error> {
    let mut restarted = false;
    loop {
        let batch = sync::outbox(&ctx.store, sync::PUSH_BATCH)?;
        if batch.changes.is_empty() {
            return Ok(());
        }
        let n = batch.changes.len();
        let body = serde_json::to_vec(&batch).map_err(|e| Error::Migration(e.to_string()))?;
        let url = format!("{base}/sync/v1/push");
        let sent = with_retries(a, || {
            send(
                client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body.clone()),
                &a.token,
            )
        });
        match sent {
            Ok(v) => {
                let ans: PushAnswer = parse(v)?;
                sync::set_acknowledged(&mut ctx.store, ans.acknowledged)?;
                sum.pushed += n;
                sum.acknowledged = ans.acknowledged;
                eprintln!(
                    "  pushed {} (acknowledged through {})",
                    sum.pushed, ans.acknowledged
                );
            }
            // The office has less than it acknowledged once (restored from a backup): send all
            // again from the start, once; what it has is skipped there.
            Err(Failure::Answer(409, v)) if kind(&v) == "sequence_gap" && !restarted => {
                eprintln!("  the office asks for earlier changes: pushing again from the start");
                sync::reset_acknowledged(&mut ctx.store)?;
                restarted = true;
            }
            Err(f) => return Err(failure(&a.server, f)),
        }
    }
}

/// Pull page by page until the office has nothing more; `false` if the cursor is ahead of the
/// office's log (the caller starts over).
fn pull(
    ctx: &mut Ctx,
    a: &SyncArgs,
    client: &reqwest::blocking::Client,
    base: &str,
    sum: &mut Summary,
) -> Result<bool, Error> {
    let url = format!("{base}/sync/v1/pull");
    loop {
        let cursor = sync::pull_cursor(&ctx.store)?;
        let query = [
            ("after", cursor.to_string()),
            ("installation", ctx.store.installation().to_string()),
        ];
        match with_retries(a, || send(client.get(&url).query(&query), &a.token)) {
            Ok(v) => {
                let ans: PullAnswer = parse(v)?;
                let report = sync::apply_pulled(&mut ctx.store, &ans)?;
                sum.pulled += ans.changes.len();
                sum.applied += report.applied + report.released;
                sum.held = report.held;
                sum.cursor = ans.next;
                if !ans.changes.is_empty() {
                    eprintln!("  pulled {} (cursor {})", sum.pulled, ans.next);
                }
                if !ans.more {
                    return Ok(true);
                }
            }
            Err(Failure::Answer(409, v)) if kind(&v) == "cursor_ahead" => return Ok(false),
            Err(f) => return Err(failure(&a.server, f)),
        }
    }
}

fn send(req: reqwest::blocking::RequestBuilder, token: &str) -> Result<serde_json::Value, Failure> {
    let resp = req
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .header(
            SCHEMA_HEADER,
            weibao::store::migrations::latest_version().to_string(),
        )
        .bearer_auth(token)
        .send()
        .map_err(|e| Failure::Transient(e.to_string()))?;
    let status = resp.status();
    let text = resp.text().map_err(|e| Failure::Transient(e.to_string()))?;
    if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408 {
        return Err(Failure::Transient(format!(
            "HTTP {status}: {}",
            clip(&text)
        )));
    }
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| Failure::Transient(format!("HTTP {status}: not JSON: {}", clip(&text))))?;
    if status.is_success() {
        Ok(value)
    } else {
        Err(Failure::Answer(status.as_u16(), value))
    }
}

/// Retry transient failures (network, 5xx, 408, 429) with exponential backoff: 0.5 s, 1 s,
/// 2 s, … up to 30 s. A request is safe to repeat: a push is idempotent, a pull reads.
fn with_retries(
    a: &SyncArgs,
    mut f: impl FnMut() -> Result<serde_json::Value, Failure>,
) -> Result<serde_json::Value, Failure> {
    let mut delay = Duration::from_millis(500);
    let mut attempt = 1;
    loop {
        match f() {
            Err(Failure::Transient(why)) if attempt < a.attempts.max(1) => {
                eprintln!("  {why}; retrying in {:.1} s", delay.as_secs_f32());
                std::thread::sleep(delay);
                delay = (delay * 2).min(Duration::from_secs(30));
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, Error> {
    serde_json::from_value(v).map_err(|e| {
        Error::refused(
            "bad_answer",
            format!("办公室的回答无法识别：{e}"),
            format!("the office's answer is not understood: {e}"),
        )
    })
}

fn kind(v: &serde_json::Value) -> &str {
    v.get("kind").and_then(|k| k.as_str()).unwrap_or("")
}

/// An answer from the office becomes an error with the office's kind and both messages.
fn failure(server: &str, f: Failure) -> Error {
    match f {
        Failure::Transient(why) => net_error(server, &why),
        Failure::Answer(status, v) => {
            let text = |k: &str| v.get(k).and_then(|m| m.as_str()).unwrap_or("").to_string();
            let kind: &'static str = match kind(&v) {
                "unauthenticated" => "unauthenticated",
                "upgrade_required" => "upgrade_required",
                "server_outdated" => "server_outdated",
                "sequence_gap" => "sequence_gap",
                "cursor_ahead" => "cursor_ahead",
                "too_large" => "too_large",
                "invalid" => "invalid",
                _ => "sync_refused",
            };
            Error::refused(
                kind,
                format!("办公室拒绝（HTTP {status}）：{}", text("message")),
                format!("the office refused (HTTP {status}): {}", text("message_en")),
            )
        }
    }
}

fn net_error(server: &str, why: &str) -> Error {
    Error::refused(
        "offline",
        format!("无法连接办公室 {server}：{why}（本机数据不受影响，稍后再同步）"),
        format!(
            "cannot reach the office at {server}: {why} (nothing here is lost; sync again later)"
        ),
    )
}

fn clip(s: &str) -> String {
    s.chars().take(200).collect()
}
