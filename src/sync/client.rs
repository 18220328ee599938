//! The sync client over HTTP (protocol v1, `docs/sync.md`): push this laptop's own changes,
//! then pull the office's. It lives in the core, not in the CLI, so the CLI, the desktop app,
//! the tests and the benchmarks drive one client. It carries bytes, retries transient failures
//! with backoff and reports progress; what to push and where to resume are the functions of
//! [`crate::sync`], and the merge is [`Store::apply_remote`].

use super::{PullAnswer, PushAnswer, PROTOCOL_HEADER, PROTOCOL_VERSION, SCHEMA_HEADER};
use crate::store::Store;
use crate::{Error, Result};
use serde::Serialize;
use std::time::Duration;

/// Where the office is and how to talk to it.
pub struct Remote {
    base: String,
    token: String,
    /// The office's own CA, when trusted explicitly (kept at enrolment).
    ca_pem: Option<String>,
    attempts: u32,
    http: reqwest::blocking::Client,
}

/// What happened during one sync, for progress lines and the final summary.
#[derive(Debug, Clone)]
pub enum Event {
    /// A push batch was acknowledged.
    Pushed { pushed: usize, acknowledged: i64 },
    /// A pull page was applied.
    Pulled { pulled: usize, cursor: i64 },
    /// A transient failure; the request is sent again after `delay`.
    Retrying { why: String, delay: Duration },
    /// The office lost what it had acknowledged (restored from a backup): start over.
    StartingOver { why: &'static str },
    /// The office refused one change (kept aside here with its reason; the rest goes on).
    SetAside(super::vet::Refusal),
    /// Rows of sites no longer assigned left this laptop (`kept`: rows kept for unsent
    /// changes, see [`super::evict`]).
    Evicted { rows: usize, kept: usize },
    /// A site was fetched whole (it entered the scope, or its checksum differed).
    SiteFetched { site: String, changes: usize },
    /// Part of a blob (photo, signature, PDF) reached the office: `done` of `total` bytes.
    BlobProgress {
        sha256: String,
        done: u64,
        total: u64,
    },
    /// A whole blob reached the office (`sent` so far in this sync).
    BlobSent {
        sha256: String,
        bytes: u64,
        sent: usize,
    },
    /// A blob came from the office (`received` so far in this sync).
    BlobReceived {
        sha256: String,
        bytes: u64,
        received: usize,
    },
    /// The office refused a blob; it is kept here with the reason and tried at the next sync.
    BlobSetAside { sha256: String, why: String },
}

impl Event {
    /// One progress line in English (the CLI prints it on stderr).
    pub fn line(&self) -> String {
        match self {
            Event::Pushed {
                pushed,
                acknowledged,
            } => format!("pushed {pushed} (acknowledged through {acknowledged})"),
            Event::Pulled { pulled, cursor } => format!("pulled {pulled} (cursor {cursor})"),
            Event::Retrying { why, delay } => {
                format!("{why}; retrying in {:.1} s", delay.as_secs_f32())
            }
            Event::StartingOver { why } => why.to_string(),
            Event::SetAside(r) => format!(
                "set aside: change #{} ({} {}) refused by the office: {}",
                r.seq, r.table, r.row_id, r.reason_en
            ),
            Event::Evicted { rows, kept } => {
                format!("evicted {rows} rows of unassigned sites (kept {kept} with unsent changes)")
            }
            Event::SiteFetched { site, changes } => {
                format!("fetched site {site} whole ({changes} changes)")
            }
            Event::BlobProgress {
                sha256,
                done,
                total,
            } => format!("uploading {} … {done}/{total} bytes", short(sha256)),
            Event::BlobSent {
                sha256,
                bytes,
                sent,
            } => format!("sent file {} ({bytes} bytes; {sent} files)", short(sha256)),
            Event::BlobReceived {
                sha256,
                bytes,
                received,
            } => format!(
                "received file {} ({bytes} bytes; {received} files)",
                short(sha256)
            ),
            Event::BlobSetAside { sha256, why } => {
                format!("file {} set aside: {why}", short(sha256))
            }
        }
    }
}

impl Event {
    /// The same line in Chinese (the desktop app shows the engineer's language).
    pub fn line_zh(&self) -> String {
        match self {
            Event::Pushed {
                pushed,
                acknowledged,
            } => format!("已推送 {pushed} 条（办公室已确认至 #{acknowledged}）"),
            Event::Pulled { pulled, cursor } => format!("已拉取 {pulled} 条（游标 {cursor}）"),
            Event::Retrying { why, delay } => {
                format!("{why}；{:.1} 秒后重试", delay.as_secs_f32())
            }
            Event::StartingOver { .. } => {
                "办公室的数据比本机记得的少（可能从备份恢复）：从头重新发送和拉取".to_string()
            }
            Event::SetAside(r) => format!(
                "已搁置：第 {} 条变更（{} {}）被办公室拒绝：{}",
                r.seq, r.table, r.row_id, r.reason
            ),
            Event::Evicted { rows, kept } => {
                format!("已移除不再分配的站点的 {rows} 条记录（{kept} 条有未发送的修改，暂留）")
            }
            Event::SiteFetched { site, changes } => {
                format!("已完整获取站点 {site}（{changes} 条变更）")
            }
            Event::BlobProgress {
                sha256,
                done,
                total,
            } => format!("正在上传文件 {} … {done}/{total} 字节", short(sha256)),
            Event::BlobSent {
                sha256,
                bytes,
                sent,
            } => format!("已发送文件 {}（{bytes} 字节；共 {sent} 个）", short(sha256)),
            Event::BlobReceived {
                sha256,
                bytes,
                received,
            } => format!(
                "已接收文件 {}（{bytes} 字节；共 {received} 个）",
                short(sha256)
            ),
            Event::BlobSetAside { sha256, why } => {
                format!("文件 {} 已搁置：{why}", short(sha256))
            }
        }
    }
}

/// The result of one sync.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub pushed: usize,
    pub acknowledged: i64,
    pub pulled: usize,
    pub applied: usize,
    pub held: usize,
    /// Own changes the office refused in this sync (see `sync::vet::set_aside` for all).
    pub set_aside: usize,
    pub cursor: i64,
    /// Request and answer body bytes as sent and received (after decompression).
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// The pull cursor this sync started from (0: everything in scope was pulled).
    pub pulled_from: i64,
    /// The engineer's sites as the office last said (`"all"` or site ids).
    pub scope: Option<super::scope::Scope>,
    /// Rows that left this laptop with unassigned sites, and rows of them kept for unsent
    /// changes.
    pub evicted: usize,
    pub kept: usize,
    /// Sites fetched whole (assigned, or their checksum differed).
    pub sites_fetched: usize,
    /// Blobs (photos, signatures, PDFs) sent to and received from the office, and their bytes
    /// (also counted in `bytes_sent` / `bytes_received`).
    pub blobs_sent: usize,
    pub blobs_received: usize,
    pub blob_bytes_sent: u64,
    pub blob_bytes_received: u64,
    /// Blobs the office refused this time (each kept with its reason, `blobs::set_aside_list`).
    pub blobs_set_aside: usize,
    /// Files records here name that are still not here after this sync ("photo pending").
    pub blobs_pending: usize,
}

/// Why one request failed: worth retrying, or an answer from the office to pass on.
pub enum Failure {
    Transient(String),
    Answer(u16, serde_json::Value),
}

impl Failure {
    /// The office's error kind, if it answered with one.
    pub fn kind(&self) -> &str {
        match self {
            Failure::Answer(_, v) => v.get("kind").and_then(|k| k.as_str()).unwrap_or(""),
            Failure::Transient(_) => "",
        }
    }
}

impl Remote {
    /// A client for the office at `server` (e.g. `http://127.0.0.1:8470`). `attempts` is how
    /// many times one request is tried before a transient failure is given up on. A malformed
    /// address or token is refused here, naming the field (`server`, `token`).
    pub fn new(server: &str, token: &str, attempts: u32) -> Result<Remote> {
        Remote::build(server, token, attempts, None)
    }

    /// [`Remote::new`] for an office whose certificate is signed by its own CA (PEM), trusted
    /// beside the system's roots.
    pub fn trusting(server: &str, token: &str, attempts: u32, ca_pem: &[u8]) -> Result<Remote> {
        Remote::build(server, token, attempts, Some(ca_pem))
    }

    fn build(server: &str, token: &str, attempts: u32, ca: Option<&[u8]>) -> Result<Remote> {
        let base = super::address::server_url(server)?;
        let token = super::address::token(token)?;
        let mut b = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .connect_timeout(Duration::from_secs(10));
        if let Some(pem) = ca {
            let cert = reqwest::Certificate::from_pem(pem).map_err(|e| {
                Error::invalid(
                    "ca-cert",
                    format!("办公室 CA 证书无效：{e}"),
                    format!("the office CA certificate is not valid: {e}"),
                )
            })?;
            b = b.tls_certs_merge([cert]);
        }
        let http = b.build().map_err(|e| offline(server, &e.to_string()))?;
        Ok(Remote {
            base,
            token,
            ca_pem: ca.map(|p| String::from_utf8_lossy(p).into_owned()),
            attempts: attempts.max(1),
            http,
        })
    }

    /// The office's address, normalised (`sync::address::server_url`).
    pub fn server(&self) -> &str {
        &self.base
    }

    /// The office CA this client trusts beyond the system's roots, if any.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The token, as sent (trimmed).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// `POST path` with a JSON body, gzip-compressed on the wire, retried on transient
    /// failures.
    pub fn post_json<T: Serialize>(
        &self,
        path: &str,
        body: &T,
        sum: &mut Summary,
        on: &mut dyn FnMut(&Event),
    ) -> std::result::Result<serde_json::Value, Failure> {
        let raw = serde_json::to_vec(body).map_err(|e| Failure::Transient(e.to_string()))?;
        let zipped = gzip(&raw).map_err(|e| Failure::Transient(e.to_string()))?;
        let url = format!("{}{path}", self.base);
        self.retry(on, || {
            sum.bytes_sent += zipped.len() as u64;
            self.send(
                self.http
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("content-encoding", "gzip")
                    .body(zipped.clone()),
                sum,
            )
        })
    }

    /// `GET path?query`, retried on transient failures.
    pub fn get_json(
        &self,
        path: &str,
        query: &[(&str, String)],
        sum: &mut Summary,
        on: &mut dyn FnMut(&Event),
    ) -> std::result::Result<serde_json::Value, Failure> {
        let url = format!("{}{path}", self.base);
        self.retry(on, || self.send(self.http.get(&url).query(query), sum))
    }

    /// A request to `path` with the protocol headers and the token (the blob transfers of
    /// [`super::blobs::transfer`], which are not JSON).
    pub(super) fn request(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::blocking::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .header(
                SCHEMA_HEADER,
                crate::store::migrations::latest_version().to_string(),
            )
            .bearer_auth(&self.token)
    }

    /// One request with the protocol headers and the token; 5xx, 408, 429 and network
    /// errors are transient, any other non-success is the office's answer.
    fn send(
        &self,
        req: reqwest::blocking::RequestBuilder,
        sum: &mut Summary,
    ) -> std::result::Result<serde_json::Value, Failure> {
        let resp = req
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .header(
                SCHEMA_HEADER,
                crate::store::migrations::latest_version().to_string(),
            )
            .bearer_auth(&self.token)
            .send()
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .map_err(|e| Failure::Transient(e.to_string()))?;
        sum.bytes_received += bytes.len() as u64;
        if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408 {
            return Err(Failure::Transient(format!(
                "HTTP {status}: {}",
                clip(&bytes)
            )));
        }
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| {
            Failure::Transient(format!("HTTP {status}: not JSON: {}", clip(&bytes)))
        })?;
        if status.is_success() {
            Ok(value)
        } else {
            Err(Failure::Answer(status.as_u16(), value))
        }
    }

    /// Retry transient failures with exponential backoff: 0.5 s, 1 s, 2 s, … up to 30 s.
    /// Every request of the protocol is safe to repeat (a push is idempotent, a pull reads).
    pub(super) fn retry<T>(
        &self,
        on: &mut dyn FnMut(&Event),
        mut f: impl FnMut() -> std::result::Result<T, Failure>,
    ) -> std::result::Result<T, Failure> {
        let mut delay = Duration::from_millis(500);
        let mut attempt = 1;
        loop {
            match f() {
                Err(Failure::Transient(why)) if attempt < self.attempts => {
                    on(&Event::Retrying { why, delay });
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(Duration::from_secs(30));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// A failure as the core's error: the office's kind and both its messages, or "offline".
    pub fn error(&self, f: Failure) -> Error {
        match f {
            Failure::Transient(why) => offline(&self.base, &why),
            // The one refusal a person at the laptop can fix themselves: say so plainly.
            Failure::Answer(401, _) => Error::refused(
                "unauthenticated",
                "令牌无效或已被撤销（HTTP 401）：请核对办公室给您的令牌，或请办公室重新发放；本机数据不受影响",
                "the token is not valid or was revoked (HTTP 401): check the token the office gave you, or ask the office for a new one; nothing here is lost",
            ),
            Failure::Answer(status, v) => {
                let text = |k: &str| v.get(k).and_then(|m| m.as_str()).unwrap_or("").to_string();
                let kind: &'static str = match v.get("kind").and_then(|k| k.as_str()) {
                    Some("unauthenticated") => "unauthenticated",
                    Some("forbidden") => "forbidden",
                    Some("upgrade_required") => "upgrade_required",
                    Some("server_outdated") => "server_outdated",
                    Some("sequence_gap") => "sequence_gap",
                    Some("cursor_ahead") => "cursor_ahead",
                    Some("too_large") => "too_large",
                    Some("invalid") => "invalid",
                    Some("not_found") => "not_found",
                    Some("already_enrolled") => "already_enrolled",
                    Some("enrolled_elsewhere") => "enrolled_elsewhere",
                    Some("installation_taken") => "installation_taken",
                    Some("no_engineer_record") => "no_engineer_record",
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
}

/// Push everything, then pull everything: one sync. Safe to interrupt at any point and run
/// again (a push is idempotent on the office; a pull moves the cursor only after applying).
pub fn run(store: &mut Store, remote: &Remote, on: &mut dyn FnMut(&Event)) -> Result<Summary> {
    let mut sum = Summary::default();
    run_into(store, remote, &mut sum, on)?;
    Ok(sum)
}

/// [`run`], adding to a summary that earlier requests started (enrolment).
pub fn run_into(
    store: &mut Store,
    remote: &Remote,
    sum: &mut Summary,
    on: &mut dyn FnMut(&Event),
) -> Result<()> {
    let cursor = super::pull_cursor(store)?;
    sum.acknowledged = super::acknowledged(store)?;
    sum.cursor = cursor;
    sum.pulled_from = cursor;
    // An office restored from a backup shows as a pull cursor ahead of its log, a log that
    // changed under the cursor, or fewer of this laptop's changes than it acknowledged: then
    // both sides restart from 0 once (what either already has is skipped as a duplicate).
    let mut restarted = false;
    loop {
        push(store, remote, sum, on)?;
        if pull(store, remote, sum, on)? {
            super::sites::reconcile(store, remote, sum, on)?;
            // Records first, then the files they name (a record may arrive before its photo).
            super::blobs::transfer::run(store, remote, sum, on)?;
            return Ok(());
        }
        if restarted {
            return Err(Error::refused(
                "cursor_ahead",
                "办公室的变更记录仍落后于本机游标，请联系办公室",
                "the office's change log is still behind this laptop's cursor: ask the office",
            ));
        }
        on(&Event::StartingOver {
            why: "the office is behind this laptop (restored?): sending and fetching again from the start",
        });
        super::reset_acknowledged(store)?;
        super::set_pull_cursor(store, 0)?;
        restarted = true;
    }
}

/// Push the outbox in batches until the office has acknowledged everything.
fn push(
    store: &mut Store,
    remote: &Remote,
    sum: &mut Summary,
    on: &mut dyn FnMut(&Event),
) -> Result<()> {
    let mut restarted = false;
    loop {
        let batch = super::outbox(store, super::PUSH_BATCH)?;
        if batch.changes.is_empty() {
            return Ok(());
        }
        let n = batch.changes.len();
        match remote.post_json("/sync/v1/push", &batch, sum, on) {
            Ok(v) => {
                let ans: PushAnswer = parse(v)?;
                super::vet::keep_set_aside(store, &ans.refused)?;
                for r in &ans.refused {
                    on(&Event::SetAside(r.clone()));
                }
                sum.set_aside += ans.refused.len();
                super::set_acknowledged(store, ans.acknowledged)?;
                sum.pushed += n;
                sum.acknowledged = ans.acknowledged;
                on(&Event::Pushed {
                    pushed: sum.pushed,
                    acknowledged: ans.acknowledged,
                });
            }
            // The office has less than it acknowledged once (restored from a backup): send all
            // again from the start, once; what it has is skipped there.
            Err(f) if f.kind() == "sequence_gap" && !restarted => {
                on(&Event::StartingOver {
                    why: "the office asks for earlier changes: pushing again from the start",
                });
                super::reset_acknowledged(store)?;
                restarted = true;
            }
            Err(f) => return Err(remote.error(f)),
        }
    }
}

/// Pull page by page until the office has nothing more; `false` if the office is behind this
/// laptop (the caller starts over): the cursor is ahead of its log or no longer where it was
/// (`cursor_ahead`), or it holds fewer of this laptop's changes than it acknowledged.
fn pull(
    store: &mut Store,
    remote: &Remote,
    sum: &mut Summary,
    on: &mut dyn FnMut(&Event),
) -> Result<bool> {
    loop {
        let mut query = vec![
            ("after", super::pull_cursor(store)?.to_string()),
            ("installation", store.installation().to_string()),
        ];
        if let Some(tag) = super::pull_tag(store)? {
            query.push(("tag", tag));
        }
        match remote.get_json("/sync/v1/pull", &query, sum, on) {
            Ok(v) => {
                let ans: PullAnswer = parse(v)?;
                if let Some(held) = ans.acknowledged {
                    if held < super::acknowledged(store)? {
                        return Ok(false);
                    }
                }
                let report = super::apply_pulled(store, &ans)?;
                if ans.scope.is_some() {
                    sum.scope = ans.scope.clone();
                }
                sum.pulled += ans.changes.len();
                sum.applied += report.applied + report.released;
                sum.held = report.held;
                sum.cursor = ans.next;
                if !ans.changes.is_empty() {
                    on(&Event::Pulled {
                        pulled: sum.pulled,
                        cursor: ans.next,
                    });
                }
                if !ans.more {
                    return Ok(true);
                }
            }
            Err(f) if f.kind() == "cursor_ahead" => return Ok(false),
            Err(f) => return Err(remote.error(f)),
        }
    }
}

/// An answer body as the protocol's type, or a clear refusal.
pub fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| {
        Error::refused(
            "bad_answer",
            format!("办公室的回答无法识别：{e}"),
            format!("the office's answer is not understood: {e}"),
        )
    })
}

fn gzip(raw: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(raw)?;
    enc.finish()
}

fn offline(server: &str, why: &str) -> Error {
    Error::refused(
        "offline",
        format!("无法连接办公室 {server}：{why}（本机数据不受影响，稍后再同步）"),
        format!(
            "cannot reach the office at {server}: {why} (nothing here is lost; sync again later)"
        ),
    )
}

fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

fn clip(b: &[u8]) -> String {
    String::from_utf8_lossy(b).chars().take(200).collect()
}
