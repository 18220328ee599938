//! The one error type of the office server: the core's [`weibao::Error`] and the server's own
//! refusals, answered as the core's `{kind, message, message_en, field}` JSON with a fitting
//! HTTP status. An internal failure shows the client only that it happened; the cause goes to
//! the log.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug)]
pub enum AppError {
    /// An error of the core (validation, not found, storage, …).
    Core(weibao::Error),
    /// A refusal of the server itself, with its status.
    Http {
        status: StatusCode,
        kind: &'static str,
        zh: String,
        en: String,
        field: Option<&'static str>,
    },
}

pub type AppResult<T> = Result<T, AppError>;

impl From<weibao::Error> for AppError {
    fn from(e: weibao::Error) -> Self {
        AppError::Core(e)
    }
}

impl AppError {
    pub fn new(status: StatusCode, kind: &'static str, zh: String, en: String) -> Self {
        AppError::Http {
            status,
            kind,
            zh,
            en,
            field: None,
        }
    }

    pub fn with_field(self, f: &'static str) -> Self {
        match self {
            AppError::Http {
                status,
                kind,
                zh,
                en,
                ..
            } => AppError::Http {
                status,
                kind,
                zh,
                en,
                field: Some(f),
            },
            other => other,
        }
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "需要有效的同步令牌（Authorization: Bearer …）".into(),
            "a valid sync token is required (Authorization: Bearer …)".into(),
        )
    }

    pub fn invalid(field: &'static str, zh: String, en: String) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid", zh, en).with_field(field)
    }

    /// Something broke on the server (a poisoned lock, a failed task): logged, not shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误，已记录".into(),
            "internal server error (logged)".into(),
        )
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Http { status, .. } => *status,
            AppError::Core(e) => core_status(e),
        }
    }
}

/// The status for a core error, by its stable kind.
fn core_status(e: &weibao::Error) -> StatusCode {
    match e.kind() {
        "invalid" | "template" => StatusCode::BAD_REQUEST,
        "not_found" => StatusCode::NOT_FOUND,
        "storage" | "migration" | "io" => StatusCode::INTERNAL_SERVER_ERROR,
        "schema_too_new" => StatusCode::INTERNAL_SERVER_ERROR,
        // A reader not cleared for an archive's level: not a state to wait out.
        "archive_clearance" => StatusCode::FORBIDDEN,
        // A field the request must carry (a secret archive's purpose): ask again with it.
        "purpose_required" => StatusCode::BAD_REQUEST,
        // Rules that refuse in the current state: illegal_transition, insufficient_stock,
        // immutable, still_held, demo_exists, …
        _ => StatusCode::CONFLICT,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match self {
            AppError::Core(e) if status == StatusCode::INTERNAL_SERVER_ERROR => {
                return AppError::internal(e).into_response();
            }
            AppError::Core(e) => serde_json::to_value(&e).unwrap_or_else(|_| {
                serde_json::json!({"kind": e.kind(), "message": e.message_zh(),
                    "message_en": e.to_string(), "field": e.field()})
            }),
            AppError::Http {
                kind,
                zh,
                en,
                field,
                ..
            } => serde_json::json!({"kind": kind, "message": zh, "message_en": en, "field": field}),
        };
        (status, Json(body)).into_response()
    }
}
