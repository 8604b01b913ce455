//! The one table from a failure to its answer: [`ApiError::answer`] maps every application error
//! to a status, a stable code and a message, and the JSON API (INTERFACE.md error body), the staff
//! pages, the portal and Open311 all answer from it, so that they cannot disagree.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huiyin_core::lifecycle::Refusal;
use huiyin_core::{FieldError, Lang, ValidationErrors};
use huiyin_store::StoreError;

use huiyin_app::error::AppError;
use serde::Serialize;

/// An API failure: status, stable code, message in the caller's language, and the field at fault.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable code, e.g. `id_number_checksum`, `not_found`.
    pub code: String,
    /// For people: Chinese by default, English when `Accept-Language` prefers `en`.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

fn say(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_owned(),
        Lang::En => en.to_owned(),
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: String) -> ApiError {
        ApiError { status, code, message, field: None }
    }

    pub fn field(lang: Lang, e: &FieldError) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: e.code(),
            message: e.message(lang),
            field: Some(e.field.clone()),
        }
    }

    pub fn validation(lang: Lang, e: &ValidationErrors) -> ApiError {
        ApiError::field(lang, e.first())
    }

    pub fn not_found(lang: Lang) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", say(lang, "未找到", "Not found"))
    }

    pub fn unauthorized(lang: Lang) -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            say(
                lang,
                "需要有效的访问令牌(Authorization: Bearer …)",
                "A valid token is required (Authorization: Bearer …)",
            ),
        )
    }

    pub fn forbidden(lang: Lang) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            say(lang, "您的角色无权执行此操作", "Your role may not do this"),
        )
    }

    pub fn malformed(lang: Lang, detail: &str) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            match lang {
                Lang::Zh => format!("请求内容不是有效的 JSON 或字段不符:{detail}"),
                Lang::En => format!("The request body is not valid JSON for this endpoint: {detail}"),
            },
        )
    }

    pub fn too_large(lang: Lang, limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            match lang {
                Lang::Zh => format!("请求内容过大,上限为 {} KiB", limit / 1024),
                Lang::En => format!("The request body is too large; the limit is {} KiB", limit / 1024),
            },
        )
    }

    pub fn conflict(lang: Lang) -> ApiError {
        ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            say(lang, "内容刚被他人修改,请刷新后重试", "It was just changed by someone else; reload and try again"),
        )
    }

    pub fn internal(lang: Lang) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            say(lang, "服务器内部错误,已记录日志", "Internal server error; it has been logged"),
        )
    }

    /// Maps a storage error: references and duplicates are the caller's mistake, the rest is ours
    /// (and logged).
    pub fn store(lang: Lang, e: StoreError) -> ApiError {
        ApiError::logged(lang, AppError::Store(e))
    }

    /// The answer to an application error, with a failure of ours (5xx) logged once. Every shell
    /// answers through here.
    pub fn logged(lang: Lang, e: AppError) -> ApiError {
        let answer = ApiError::answer(lang, &e);
        if answer.status.is_server_error() {
            tracing::error!(error = %e, "request failed");
        }
        answer
    }

    /// The table: what an application error answers, in `lang`. Nothing is logged here.
    pub fn answer(lang: Lang, e: &AppError) -> ApiError {
        use huiyin_core::Invalid;
        match e {
            AppError::Invalid(v) => ApiError::validation(lang, v),
            AppError::Forbidden => ApiError::forbidden(lang),
            AppError::NotFound | AppError::Store(StoreError::NotFound) => ApiError::not_found(lang),
            AppError::Store(StoreError::Conflict) => ApiError::conflict(lang),
            AppError::Store(StoreError::Duplicate(field)) => {
                ApiError::field(lang, &FieldError::new(*field, Invalid::AlreadyExists))
            }
            AppError::Store(StoreError::UnknownReference(field)) => {
                ApiError::field(lang, &FieldError::new(*field, Invalid::UnknownUnit))
            }
            AppError::Store(_) | AppError::Random(_) => ApiError::internal(lang),
            AppError::Calendar(e) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "calendar_file", e.to_string()),
            // A role's refusal is a refusal of the role, whichever shell asked (403); the rest is
            // the case's state or the rules (409).
            AppError::Refused(r @ Refusal::Role { .. }) => {
                ApiError::new(StatusCode::FORBIDDEN, r.code(), r.message(lang))
            }
            AppError::Refused(r) => ApiError::new(StatusCode::CONFLICT, r.code(), r.message(lang)),
            AppError::Typeset(message) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "typesetting_failed", message.clone())
            }
            // Transfers are the command line's; no operation answers this, but it is mapped all the same.
            AppError::Transfer(message) => ApiError::new(StatusCode::CONFLICT, "transfer_failed", message.clone()),
            AppError::TooManyRequests(wait) => {
                let minutes = wait.as_secs().div_ceil(60);
                ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_requests",
                    match lang {
                        Lang::Zh => format!("操作过于频繁,请 {minutes} 分钟后再试"),
                        Lang::En => format!("Too many attempts; try again in {minutes} minutes"),
                    },
                )
            }
            AppError::MayNotBackdate => ApiError {
                status: StatusCode::FORBIDDEN,
                code: "may_not_backdate",
                message: say(
                    lang,
                    "您没有补录(填写过去的发生时间)的权限",
                    "You may not record actions with an earlier time (at)",
                ),
                field: Some("at".into()),
            },
            AppError::NotOpen => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_open",
                say(
                    lang,
                    "网上信访尚未开通,请通过来信、来访或电话反映",
                    "Online petitions are not open yet; please write, visit or call",
                ),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            ErrorBody { error: ErrorDetail { code: self.code.to_owned(), message: self.message, field: self.field } };
        (self.status, Json(body)).into_response()
    }
}
