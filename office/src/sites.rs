//! The scope endpoints (protocol v1, `docs/sync.md`): the checksum of each of the caller's
//! sites, and every change to one site's rows, so a laptop can notice drift and fetch one site
//! whole. Both are limited to the caller's sites; the rule and the checksum are the core's
//! (`weibao::sync::scope`), computed the same way on the laptop.

use crate::auth::Caller;
use crate::routes::{bearer, blocking, caller, check_versions, lock, page_limit};
use crate::{AppError, AppResult, Office};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;
use weibao::store::changes;
use weibao::sync::scope::{self, Scope};
use weibao::sync::sites::SitesAnswer;
use weibao::sync::PullAnswer;

/// The caller's scope, from the engineer's `sites` (validated when it was set).
pub(crate) fn scope_of(caller: &Caller) -> AppResult<Scope> {
    Scope::parse(&caller.sites).map_err(|e| {
        AppError::internal(format!(
            "engineer {} has unreadable sites {:?}: {e}",
            caller.name, caller.sites
        ))
    })
}

/// `GET /sync/v1/sites`: the caller's scope and each of its sites' checksum (every site of the
/// office for `all`; a listed site the office does not have has no rows).
pub(crate) async fn checksums(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
) -> AppResult<Json<SitesAnswer>> {
    check_versions(&headers)?;
    let token = bearer(&headers)?;
    blocking(move || {
        let caller = caller(&office, &token)?;
        let scope = scope_of(&caller)?;
        let store = lock(&office.store)?;
        let ids = match &scope {
            Scope::All => scope::local_sites(store.conn(), &Scope::All)?,
            Scope::Sites(ids) => ids.iter().cloned().collect(),
        };
        let sites = scope::checksums(store.conn(), &ids)?;
        tracing::info!(engineer = %caller.name, sites = sites.len(), "site checksums");
        Ok(Json(SitesAnswer { scope, sites }))
    })
    .await
}

#[derive(Deserialize)]
pub(crate) struct SiteQuery {
    id: String,
    after: i64,
    limit: Option<i64>,
}

/// `GET /sync/v1/site?id=SITE&after=N[&limit=M]`: every change (of every installation, the
/// caller's own included) to the rows of one site after position N, paged like a pull. A site
/// outside the caller's scope is refused: 403 `forbidden`.
pub(crate) async fn site(
    State(office): State<Arc<Office>>,
    headers: HeaderMap,
    query: Result<Query<SiteQuery>, QueryRejection>,
) -> AppResult<Json<PullAnswer>> {
    check_versions(&headers)?;
    let token = bearer(&headers)?;
    let Query(q) = query.map_err(|e| {
        AppError::invalid(
            "query",
            format!("站点参数错误：{e}（需要 id、after）"),
            format!("bad site parameters: {e} (id and after are required)"),
        )
    })?;
    let limit = page_limit(q.after, q.limit)?;
    blocking(move || {
        let caller = caller(&office, &token)?;
        if !scope_of(&caller)?.contains(&q.id) {
            tracing::warn!(engineer = %caller.name, site = %q.id, "site outside the scope refused");
            return Err(AppError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "该站点未分配给此工程师".into(),
                "this site is not assigned to this engineer".into(),
            )
            .with_field("id"));
        }
        let store = lock(&office.store)?;
        let last = changes::last_position(store.conn())?;
        if q.after > last {
            return Err(AppError::new(
                StatusCode::CONFLICT,
                "cursor_ahead",
                format!(
                    "游标 {} 超过办公室的最新位置 {last}：请从 0 重新获取",
                    q.after
                ),
                format!(
                    "cursor {} is ahead of the office's last position {last}: fetch again from 0",
                    q.after
                ),
            )
            .with_field("after"));
        }
        let page = scope::site_page(store.conn(), &q.id, q.after, limit)?;
        let (sent, next) = (page.changes.len(), page.next);
        tracing::info!(engineer = %caller.name, site = %q.id, after = q.after, sent, next, "site");
        Ok(Json(PullAnswer {
            changes: page.changes.into_iter().map(|l| l.change).collect(),
            next,
            more: page.more,
            scope: None,
            tag: None,
            acknowledged: None,
        }))
    })
    .await
}
