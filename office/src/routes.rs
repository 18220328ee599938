//! The sync endpoints (protocol v1, `docs/sync.md`). Each handler checks versions and the
//! token first, then does its work on a blocking thread (SQLite), through the core only.

use crate::auth::Caller;
use crate::{AppError, AppResult, Office};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::{Arc, Mutex, MutexGuard};
use weibao::store::changes;
use weibao::sync::scope;
use weibao::sync::{
    PullAnswer, PushAnswer, PushRequest, PROTOCOL_HEADER, PROTOCOL_VERSION, PULL_LIMIT,
    SCHEMA_HEADER,
};

pub fn router(office: Arc<Office>) -> Router {
    let limit = office.max_body;
    let web = office.web.clone();
    Router::new()
        .route("/sync/v1/push", post(push))
        .route("/sync/v1/pull", get(pull))
        .route("/sync/v1/enrol", post(crate::enrolment::enrol))
        .merge(crate::admin::router())
        .merge(crate::staff_web::router())
        .route("/sync/v1/sites", get(crate::sites::checksums))
        .route("/sync/v1/site", get(crate::sites::site))
        .merge(crate::web_app::router(web))
        .layer(DefaultBodyLimit::max(limit))
        // Answers gzip when the client accepts it (weibao's does); small ones are left alone.
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .merge(crate::blobs::routes())
        .with_state(office)
}

async fn push(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> AppResult<Json<PushAnswer>> {
    check_versions(&headers)?;
    let token = bearer(&headers)?;
    let body = body.map_err(|r| body_error(r, office.max_body))?;
    let body = decode(&headers, body, office.max_body)?;
    blocking(move || {
        let caller = caller(&office, &token)?;
        let req: PushRequest = serde_json::from_slice(&body).map_err(|e| {
            AppError::invalid(
                "body",
                format!("推送内容不是有效的变更批次：{e}"),
                format!("the push body is not a valid change batch: {e}"),
            )
        })?;
        check_batch(&req)?;
        crate::enrolment::check_laptop(&*lock(&office.auth)?, &caller, &req.installation)?;
        let mut store = lock(&office.store)?;
        let have = changes::received_through(store.conn(), &req.installation)?;
        if let Some(first) = req.changes.first() {
            if first.seq > have + 1 {
                let expected = have + 1;
                return Err(AppError::new(
                    StatusCode::CONFLICT,
                    "sequence_gap",
                    format!(
                        "序号不连续：办公室需要从 {expected} 开始，收到 {}",
                        first.seq
                    ),
                    format!(
                        "sequence gap: the office expects seq {expected} next, got {}",
                        first.seq
                    ),
                )
                .with_field("seq"));
            }
        }
        let refusals = weibao::sync::vet::vet(store.conn(), &req.changes, &caller.engineer_id)?;
        let refuse = |c: &weibao::store::changes::Change| {
            refusals
                .iter()
                .find(|r| r.seq == c.seq)
                .map(weibao::sync::vet::held_reason)
        };
        let report = store.apply_remote_vetted(&req.changes, &refuse)?;
        let acknowledged = changes::received_through(store.conn(), &req.installation)?;
        let refused = match (req.changes.first(), req.changes.last()) {
            (Some(a), Some(b)) => {
                weibao::sync::vet::held_refusals(store.conn(), &req.installation, a.seq, b.seq)?
            }
            _ => Vec::new(),
        };
        tracing::info!(
            engineer = %caller.name,
            installation = %req.installation,
            changes = req.changes.len(),
            applied = report.applied,
            duplicates = report.duplicates,
            held = report.held,
            conflicts = report.conflicts,
            refused = report.refused,
            acknowledged,
            "push"
        );
        for r in &refused {
            tracing::warn!(engineer = %caller.name, installation = %req.installation,
                seq = r.seq, table = %r.table, row = %r.row_id, reason = %r.reason_en, "refused");
        }
        Ok(Json(PushAnswer {
            acknowledged,
            refused,
        }))
    })
    .await
}

/// One installation's own changes, consecutive, in order: anything else is refused whole.
fn check_batch(req: &PushRequest) -> AppResult<()> {
    if uuid::Uuid::parse_str(&req.installation).is_err() {
        return Err(AppError::invalid(
            "installation",
            "安装编号不是 UUID".into(),
            "the installation id is not a UUID".into(),
        ));
    }
    let mut prev: Option<i64> = None;
    for (i, c) in req.changes.iter().enumerate() {
        if c.origin != req.installation {
            return Err(AppError::invalid(
                "changes.origin",
                format!("第 {i} 条变更不是本安装的（只推送自己的变更）"),
                format!("change {i} is not this installation's own (push only your own changes)"),
            ));
        }
        if prev.is_some_and(|p| c.seq != p + 1) {
            return Err(AppError::invalid(
                "changes.seq",
                format!("第 {i} 条变更的序号 {} 不连续", c.seq),
                format!("change {i}: seq {} does not follow the previous one", c.seq),
            ));
        }
        prev = Some(c.seq);
    }
    Ok(())
}

/// A page request's cursor (never negative) and its size (default and at most
/// [`PULL_LIMIT`]), shared by pull and the one-site fetch.
pub(crate) fn page_limit(after: i64, limit: Option<i64>) -> AppResult<i64> {
    if after < 0 {
        return Err(AppError::invalid(
            "after",
            "游标不能为负".into(),
            "the cursor cannot be negative".into(),
        ));
    }
    Ok(limit.unwrap_or(PULL_LIMIT).clamp(1, PULL_LIMIT))
}

#[derive(Deserialize)]
struct PullQuery {
    after: i64,
    limit: Option<i64>,
    /// The caller's installation: its own changes are not sent back.
    installation: String,
    /// What the caller was told sits at `after` (`PullAnswer::tag`).
    tag: Option<String>,
}

async fn pull(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> AppResult<Json<PullAnswer>> {
    check_versions(&headers)?;
    let token = bearer(&headers)?;
    let Query(q) = query.map_err(|e| {
        AppError::invalid(
            "query",
            format!("拉取参数错误：{e}（需要 after、installation）"),
            format!("bad pull parameters: {e} (after and installation are required)"),
        )
    })?;
    let limit = page_limit(q.after, q.limit)?;
    blocking(move || {
        let caller = caller(&office, &token)?;
        let store = lock(&office.store)?;
        let last = changes::last_position(store.conn())?;
        if q.after > last {
            return Err(AppError::new(
                StatusCode::CONFLICT,
                "cursor_ahead",
                format!(
                    "游标 {} 超过办公室的最新位置 {last}：请从 0 重新拉取",
                    q.after
                ),
                format!(
                    "cursor {} is ahead of the office's last position {last}: pull again from 0",
                    q.after
                ),
            )
            .with_field("after"));
        }
        // The log changed under the cursor (restored from a backup, then written again): the
        // positions after the backup now hold other changes, and this laptop would skip some.
        if let Some(tag) = q.tag.as_deref().filter(|_| q.after > 0) {
            let here = changes::tag_at(store.conn(), q.after)?;
            if here.as_deref() != Some(tag) {
                return Err(AppError::new(
                    StatusCode::CONFLICT,
                    "cursor_ahead",
                    format!("办公室变更记录在位置 {} 处已不同（可能从备份恢复）：请从 0 重新拉取", q.after),
                    format!(
                        "the office's change log differs at position {} from what this laptop pulled (restored from a backup?): pull again from 0",
                        q.after
                    ),
                )
                .with_field("tag"));
            }
        }
        // Only the rows of the caller's sites, and global ones (the core's rule).
        let scope = crate::sites::scope_of(&caller)?;
        let page = scope::pull_page(store.conn(), q.after, &q.installation, &scope, limit)?;
        let (sent, next) = (page.changes.len(), page.next);
        tracing::info!(engineer = %caller.name, after = q.after, sent, next, "pull");
        Ok(Json(PullAnswer {
            changes: page.changes.into_iter().map(|l| l.change).collect(),
            next,
            more: page.more,
            scope: Some(scope),
            tag: changes::tag_at(store.conn(), next)?,
            acknowledged: Some(changes::received_through(store.conn(), &q.installation)?),
        }))
    })
    .await
}

/// The protocol and schema versions every request carries: an older client is told to update.
pub(crate) fn check_versions(h: &HeaderMap) -> AppResult<()> {
    let num = |name: &str| -> Option<i64> { h.get(name)?.to_str().ok()?.trim().parse().ok() };
    let schema = weibao::store::migrations::latest_version();
    match (num(PROTOCOL_HEADER), num(SCHEMA_HEADER)) {
        (Some(p), Some(s)) if p == PROTOCOL_VERSION && s == schema => Ok(()),
        (Some(p), Some(s)) if p > PROTOCOL_VERSION || (p == PROTOCOL_VERSION && s > schema) => {
            Err(AppError::new(
                StatusCode::BAD_REQUEST,
                "server_outdated",
                format!("办公室服务器版本较旧（协议 {PROTOCOL_VERSION}，结构版本 {schema}），请先升级服务器"),
                format!("the office server is older (protocol {PROTOCOL_VERSION}, schema {schema}): update the server first"),
            ))
        }
        _ => Err(AppError::new(
            StatusCode::UPGRADE_REQUIRED,
            "upgrade_required",
            format!("请更新 weibao 后再同步：办公室使用协议 {PROTOCOL_VERSION}、结构版本 {schema}，本机数据不会丢失"),
            format!("please update weibao before syncing: the office speaks protocol {PROTOCOL_VERSION}, schema {schema}; nothing on this laptop is lost"),
        )),
    }
}

pub(crate) fn bearer(h: &HeaderMap) -> AppResult<String> {
    h.get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or_else(AppError::unauthenticated)
}

pub(crate) fn caller(office: &Office, token: &str) -> AppResult<Caller> {
    lock(&office.auth)?
        .check(token)?
        .ok_or_else(AppError::unauthenticated)
}

fn body_error(r: BytesRejection, max: usize) -> AppError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large(max)
    } else {
        AppError::invalid(
            "body",
            format!("无法读取请求内容：{r}"),
            format!("cannot read the request body: {r}"),
        )
    }
}

/// The body as sent, or gunzipped (`Content-Encoding: gzip`) under the same size limit, so a
/// small compressed body cannot expand past it.
pub(crate) fn decode(h: &HeaderMap, body: Bytes, max: usize) -> AppResult<Bytes> {
    use std::io::Read;
    let encoding = h
        .get(axum::http::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .trim()
        .to_ascii_lowercase();
    match encoding.as_str() {
        "identity" | "" => Ok(body),
        "gzip" => {
            let mut out = Vec::new();
            let cap = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
            flate2::read::GzDecoder::new(&body[..])
                .take(cap)
                .read_to_end(&mut out)
                .map_err(|e| {
                    AppError::invalid(
                        "body",
                        format!("gzip 内容损坏：{e}"),
                        format!("the gzip body is damaged: {e}"),
                    )
                })?;
            if out.len() > max {
                return Err(too_large(max));
            }
            Ok(Bytes::from(out))
        }
        other => Err(AppError::invalid(
            "content-encoding",
            format!("不支持的压缩方式「{other}」（只支持 gzip）"),
            format!("unsupported content encoding '{other}' (only gzip)"),
        )),
    }
}

fn too_large(max: usize) -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("请求内容超过 {} KB 上限：请分批推送", max / 1024),
        format!(
            "the request body exceeds the {} KB limit: push in smaller batches",
            max / 1024
        ),
    )
    .with_field("body")
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> AppResult<MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| AppError::internal("a lock was poisoned"))
}

pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(AppError::internal)?
}
