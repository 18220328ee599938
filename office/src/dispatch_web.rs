//! The dispatch board's endpoints: the open work orders most urgent first, who may take one
//! (the engineers the office assigned to its site, with their open load), and dispatch. The
//! order, the load and what dispatch allows are the core's ([`weibao::views::board`],
//! [`weibao::dispatch`]); the office adds only which engineers cover which sites (its auth
//! file). The engineer's laptop gets the assignment at its next sync, like any change.

use crate::routes::{blocking, lock};
use crate::staff_web::{access, body, StaffCaller};
use crate::{AppError, AppResult, Office};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;
use weibao::views::board::{BoardFilter, Candidate};
use weibao::work_orders::WorkOrderSummary;

/// A page of the board ([`weibao::views::board::page`]: the most urgent rows under the
/// dispatcher's filter, with the counts of all), or `304 Not Modified` when nothing changed
/// since the caller's copy: the web app polls every few seconds. The tag is the change log's
/// last position (any change, local or synced) and the minute of the office's clock (a clock
/// turns at risk or overdue with time alone, never faster than a minute matters on the board);
/// the board computed for a tag is kept and shared by every poll until the tag moves. It is
/// read on the board's own connection, in one read transaction (one snapshot of the replica),
/// so the seconds it takes at scale never hold up a sync or a dispatch.
pub async fn board(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    headers: HeaderMap,
    q: Result<Query<BoardFilter>, QueryRejection>,
) -> AppResult<Response> {
    caller.require(access::BOARD)?;
    let filter = q.map(|Query(f)| f).map_err(|e| {
        AppError::invalid(
            "query",
            format!("看板筛选条件无效：{}", e.body_text()),
            format!("the board's filter is not valid: {}", e.body_text()),
        )
    })?;
    blocking(move || {
        let store = lock(&office.board_reader)?;
        let snapshot = store
            .conn()
            .unchecked_transaction()
            .map_err(weibao::Error::from)?;
        let tag = format!(
            "\"board-{}-{}\"",
            weibao::store::changes::last_position(store.conn())?,
            store.now().timestamp() / 60
        );
        let etag = HeaderValue::from_str(&tag).map_err(|_| {
            AppError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "看板标记无效".into(),
                "bad board tag".into(),
            )
        })?;
        let seen = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == tag);
        let mut res = if seen {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let cached = lock(&office.board_cache)?
                .as_ref()
                .filter(|(t, _)| *t == tag)
                .map(|(_, b)| b.clone());
            let rows = match cached {
                Some(rows) => rows,
                None => {
                    let rows = Arc::new(weibao::views::board::board(&store)?);
                    *lock(&office.board_cache)? = Some((tag.clone(), rows.clone()));
                    rows
                }
            };
            Json(weibao::views::board::page(&rows, &filter)).into_response()
        };
        snapshot.commit().map_err(weibao::Error::from)?;
        res.headers_mut().insert(header::ETAG, etag);
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        Ok(res)
    })
    .await
}

/// The engineers who cover `site` in the office's auth file (not revoked, the site in their
/// sync scope).
fn covering(office: &Office, site: &str) -> AppResult<Vec<String>> {
    let auth = lock(&office.auth)?;
    let mut ids = Vec::new();
    for e in auth.list()? {
        // The sync scope's own reading of `all` / a site list: who may pull a site may take it.
        if e.revoked_at.is_none() && weibao::sync::scope::Scope::parse(&e.sites)?.contains(site) {
            ids.push(e.id);
        }
    }
    Ok(ids)
}

pub async fn candidates(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<Candidate>>> {
    caller.require(access::DISPATCH)?;
    blocking(move || {
        let site = weibao::dispatch::site_of(lock(&office.store)?.conn(), &id)?;
        let allowed = covering(&office, &site)?;
        let store = lock(&office.store)?;
        Ok(Json(weibao::views::board::candidates(
            &store,
            Some(&allowed),
        )?))
    })
    .await
}

#[derive(Deserialize)]
pub struct DispatchBody {
    engineer: String,
}

pub async fn dispatch(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(id): Path<String>,
    b: Result<Json<DispatchBody>, JsonRejection>,
) -> AppResult<Json<WorkOrderSummary>> {
    caller.require(access::DISPATCH)?;
    let who = caller.author();
    let body = body(b)?;
    blocking(move || {
        let site = weibao::dispatch::site_of(lock(&office.store)?.conn(), &id)?;
        let allowed = covering(&office, &site)?;
        let mut store = lock(&office.store)?;
        Ok(Json(store.with_author(&who, |s| {
            s.write(|tx| weibao::dispatch::dispatch(tx, &id, &body.engineer, Some(&allowed)))
        })?))
    })
    .await
}
