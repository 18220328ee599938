//! The staff side of the office server (`/api/v1/…`): login with a session cookie, CSRF on
//! every change, and each endpoint open to the roles that do that work. The web app of the
//! 客服中心 is built on these; the sync endpoints stay for laptops' bearer tokens only.
//!
//! - No session (or an expired one, or a disabled account): 401 `unauthenticated_staff`. An
//!   engineer's sync token in `Authorization` opens nothing here, and a session cookie opens
//!   nothing on `/sync/…` (those want the bearer token).
//! - A change (any method but GET and HEAD) without the session's token in `X-CSRF-Token`: 403
//!   `csrf`. The cookie is `SameSite=Strict` as well; the header is what a forged form lacks.
//! - A role the endpoint does not admit: 403 `forbidden_role`, naming the roles that may.
//! - Five failed logins of one name within 15 minutes: 429 `login_locked` with `Retry-After`.
//!
//! Passwords travel only in the login body, which is never logged; answers never carry one
//! except the one-time password of a new account, shown once to the administrator.

use crate::routes::{blocking, lock};
use crate::staff::{self, LoginRefused, Role, Session, Staff};
use crate::{AppError, AppResult, Office};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use cookie::{Cookie, SameSite};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The session cookie's name.
pub const COOKIE: &str = "weibao_session";
/// The header a change must carry the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who may use what: each endpoint's roles, in one table (the security tests walk it).
pub mod access {
    use super::Role::{self, *};
    pub const STAFF: &[Role] = &[Admin];
    pub const WORK_ORDERS: &[Role] = &[Dispatcher, TechLead];
    pub const COMMON_FAULTS: &[Role] = &[TechLead];
    pub const DEVICES: &[Role] = &[Archivist, Dispatcher, TechLead];
    pub const BOARD: &[Role] = &[Dispatcher, TechLead];
    pub const DISPATCH: &[Role] = &[Dispatcher];
    pub const INTAKE: &[Role] = &[Dispatcher];
    /// A fault fixed on the phone or in a remote session from the office, and its report
    /// signed in the service centre's name (the seeds: the after-sales people call back).
    pub const RESOLVE_AT_OFFICE: &[Role] = &[Dispatcher, TechLead];
    pub const COMPLAINTS: &[Role] = &[Dispatcher, TechLead];
    pub const FOLLOW_UPS: &[Role] = &[Dispatcher, TechLead];
    /// Signed reports, a work order as reviewed, its files, and closing it.
    pub const REVIEW: &[Role] = &[Dispatcher, TechLead];
    pub const CONFLICTS: &[Role] = &[TechLead, Admin];
    pub const ENGINEERS: &[Role] = &[Admin];
    pub const STOCK: &[Role] = &[Dispatcher, TechLead, Admin];
    pub const STATS: &[Role] = &[Dispatcher, TechLead, Admin];
    /// The inventory import, adding and correcting archives by hand (customers, sites,
    /// lanes, devices, contracts and their terms), and the archive room (paper loans and the
    /// access log).
    pub const IMPORT: &[Role] = &[Archivist, Admin];
    pub const ORG: &[Role] = &[Archivist, Admin];
    pub const PAPER_ARCHIVE: &[Role] = &[Archivist, Admin];
    /// Correcting a device's archive at the office.
    pub const ARCHIVE_EDIT: &[Role] = &[Archivist];
}

pub fn router() -> Router<Arc<Office>> {
    Router::new()
        .merge(crate::follow_up_web::router())
        .merge(crate::review_web::router())
        .route("/api/v1/login", post(login))
        .route("/api/v1/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/staff", get(list_staff).post(add_staff))
        .route("/api/v1/work-orders", get(work_orders))
        .route("/api/v1/common-faults", get(common_faults))
        .route("/api/v1/devices/{code}", get(device))
        .route("/api/v1/board", get(crate::dispatch_web::board))
        .route(
            "/api/v1/work-orders/{id}/candidates",
            get(crate::dispatch_web::candidates),
        )
        .route(
            "/api/v1/work-orders/{id}/dispatch",
            post(crate::dispatch_web::dispatch),
        )
        .route("/api/v1/intake/callers", get(crate::intake_web::callers))
        .route("/api/v1/intake/device", get(crate::intake_web::device))
        .route("/api/v1/faults", post(crate::intake_web::register))
        .route(
            "/api/v1/work-orders/{id}/consent",
            post(crate::intake_web::consent),
        )
        .route(
            "/api/v1/work-orders/{id}/billing",
            post(crate::intake_web::billing),
        )
        .route(
            "/api/v1/work-orders/{id}/resolve-at-office",
            post(crate::intake_web::resolve_at_office),
        )
        .route(
            "/api/v1/complaints",
            get(crate::complaints_web::list).post(crate::complaints_web::register),
        )
        .route(
            "/api/v1/complaints/{id}/steps",
            post(crate::complaints_web::step),
        )
        .merge(crate::engineers_web::router())
        .merge(crate::archive_web::router())
        .merge(crate::archive_web::room_router())
        .merge(crate::org_web::router())
        .merge(crate::org_edit_web::router())
        .merge(crate::stock_web::router())
        .merge(crate::stats_web::router())
}

/// A logged-in member of staff, from the session cookie; a change also checked for its CSRF
/// token. Handlers then name the roles they admit with [`StaffCaller::require`].
pub struct StaffCaller {
    pub session: Session,
    token: String,
}

impl StaffCaller {
    /// The author of what this member of staff writes in the office replica: their name, so
    /// a field's history and the access log say who at the office did it.
    pub fn author(&self) -> String {
        self.session.staff.name.clone()
    }

    pub fn require(&self, roles: &[Role]) -> AppResult<()> {
        if roles.contains(&self.session.staff.role) {
            return Ok(());
        }
        let zh: Vec<&str> = roles.iter().map(|r| r.label_zh()).collect();
        let en: Vec<&str> = roles.iter().map(|r| r.code()).collect();
        Err(AppError::new(
            StatusCode::FORBIDDEN,
            "forbidden_role",
            format!(
                "「{}」岗位不能做此操作（限：{}）",
                self.session.staff.role.label_zh(),
                zh.join("、")
            ),
            format!(
                "the {} role cannot do this (only: {})",
                self.session.staff.role.code(),
                en.join(", ")
            ),
        ))
    }
}

/// A JSON body, or the error JSON naming what was wrong with it (axum's own rejection is
/// plain text).
pub(crate) fn body<T>(b: Result<Json<T>, JsonRejection>) -> AppResult<T> {
    b.map(|Json(v)| v).map_err(|e| {
        AppError::invalid(
            "body",
            format!("请求内容不是有效的 JSON 表单：{}", e.body_text()),
            format!(
                "the request body is not a valid JSON form: {}",
                e.body_text()
            ),
        )
    })
}

fn unauthenticated() -> AppError {
    AppError::new(
        StatusCode::UNAUTHORIZED,
        "unauthenticated_staff",
        "请先登录".into(),
        "please log in first".into(),
    )
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(|c| c.ok())
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_string())
}

impl FromRequestParts<Arc<Office>> for StaffCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, office: &Arc<Office>) -> AppResult<Self> {
        let token = session_token(&parts.headers).ok_or_else(unauthenticated)?;
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let change = !matches!(parts.method, Method::GET | Method::HEAD);
        let office = office.clone();
        blocking(move || {
            let auth = lock(&office.auth)?;
            let session =
                staff::session(&auth, &token, chrono::Utc::now())?.ok_or_else(unauthenticated)?;
            if change && !sent.is_some_and(|s| staff::csrf_matches(&session, &s)) {
                return Err(AppError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "请求缺少有效的 CSRF 令牌，请刷新页面后重试".into(),
                    "the request lacks a valid CSRF token; reload the page and try again".into(),
                ));
            }
            Ok(StaffCaller { session, token })
        })
        .await
    }
}

#[derive(Deserialize)]
struct LoginBody {
    name: String,
    password: String,
}

/// What a login answers: who, the CSRF token for changes, when the session ends.
#[derive(Serialize)]
struct LoginAnswer {
    /// The web app's areas this member of staff may open ([`crate::web_app::areas`]): the
    /// server decides, the app only shows them.
    areas: Vec<&'static str>,
    /// The role's name in both languages.
    role_label: (&'static str, &'static str),
    staff: Staff,
    csrf: String,
    expires_at: String,
}

fn session_cookie(office: &Office, value: String, max_age_secs: i64) -> AppResult<HeaderValue> {
    let c = Cookie::build((COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(office.secure_cookies)
        .path("/")
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build();
    HeaderValue::from_str(&c.to_string()).map_err(AppError::internal)
}

async fn login(
    State(office): State<Arc<Office>>,
    body: Result<Json<LoginBody>, axum::extract::rejection::JsonRejection>,
) -> AppResult<Response> {
    let Json(body) = body.map_err(|e| {
        AppError::invalid(
            "login",
            "登录内容应为 {\"name\", \"password\"}".into(),
            format!(
                "the login body must be {{\"name\", \"password\"}}: {}",
                e.body_text()
            ),
        )
    })?;
    let o = office.clone();
    let result = blocking(move || {
        let auth = lock(&o.auth)?;
        Ok(staff::login(
            &auth,
            &body.name,
            &body.password,
            chrono::Utc::now(),
        )?)
    })
    .await?;
    match result {
        Ok((session, token)) => {
            let cookie = session_cookie(&office, token, staff::SESSION_HOURS * 3600)?;
            let answer = LoginAnswer {
                areas: crate::web_app::areas(session.staff.role),
                role_label: (session.staff.role.label_zh(), session.staff.role.label_en()),
                csrf: session.csrf,
                expires_at: session.expires_at,
                staff: session.staff,
            };
            Ok(([(header::SET_COOKIE, cookie)], Json(answer)).into_response())
        }
        Err(LoginRefused::Wrong) => Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            "login_failed",
            "姓名或密码不对".into(),
            "wrong name or password".into(),
        )
        .with_field("password")),
        Err(LoginRefused::Locked { retry_after_secs }) => {
            let minutes = (retry_after_secs + 59) / 60;
            let err = AppError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "login_locked",
                format!("登录失败次数过多，请 {minutes} 分钟后再试"),
                format!("too many failed logins; try again in {minutes} min"),
            );
            let mut resp = err.into_response();
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(resp)
        }
    }
}

async fn logout(State(office): State<Arc<Office>>, caller: StaffCaller) -> AppResult<Response> {
    let o = office.clone();
    let token = caller.token.clone();
    blocking(move || Ok(staff::logout(&*lock(&o.auth)?, &token)?)).await?;
    let cookie = session_cookie(&office, String::new(), 0)?;
    Ok(([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response())
}

async fn me(caller: StaffCaller) -> Json<LoginAnswer> {
    let s = caller.session;
    Json(LoginAnswer {
        areas: crate::web_app::areas(s.staff.role),
        role_label: (s.staff.role.label_zh(), s.staff.role.label_en()),
        staff: s.staff,
        csrf: s.csrf,
        expires_at: s.expires_at,
    })
}

async fn list_staff(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Vec<Staff>>> {
    caller.require(access::STAFF)?;
    blocking(move || Ok(Json(staff::list(&*lock(&office.auth)?)?))).await
}

#[derive(Deserialize)]
struct NewStaff {
    name: String,
    role: String,
}

/// A new account and its one-time password, shown once.
#[derive(Serialize)]
struct NewStaffAnswer {
    staff: Staff,
    one_time_password: String,
}

async fn add_staff(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    b: Result<Json<NewStaff>, JsonRejection>,
) -> AppResult<(StatusCode, Json<NewStaffAnswer>)> {
    caller.require(access::STAFF)?;
    let body = body(b)?;
    blocking(move || {
        let role = Role::parse(&body.role)?;
        let (staff, one_time_password) = staff::add(&*lock(&office.auth)?, &body.name, role)?;
        Ok((
            StatusCode::CREATED,
            Json(NewStaffAnswer {
                staff,
                one_time_password,
            }),
        ))
    })
    .await
}

/// The open work orders with their SLA clocks, as the core judges them now.
async fn work_orders(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Vec<weibao::views::work_order::WorkOrderRow>>> {
    caller.require(access::WORK_ORDERS)?;
    blocking(move || {
        let store = lock(&office.store)?;
        let open = weibao::work_orders::list(
            &store,
            &weibao::work_orders::WorkOrderFilter {
                open_only: true,
                ..Default::default()
            },
        )?;
        Ok(Json(weibao::views::work_order::rows(&store, open)?))
    })
    .await
}

async fn common_faults(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
) -> AppResult<Json<Vec<weibao::common_faults::Curated>>> {
    caller.require(access::COMMON_FAULTS)?;
    blocking(move || {
        let store = lock(&office.store)?;
        Ok(Json(weibao::common_faults::curated(store.conn())?))
    })
    .await
}

async fn device(
    State(office): State<Arc<Office>>,
    caller: StaffCaller,
    Path(code): Path<String>,
) -> AppResult<Json<weibao::domain::device::Device>> {
    caller.require(access::DEVICES)?;
    blocking(move || {
        let store = lock(&office.store)?;
        Ok(Json(weibao::devices::device(&store, &code)?))
    })
    .await
}
