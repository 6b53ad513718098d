//! The worker's one error type, mapped once to an HTTP status and a problem+json body.
//! Internal detail is logged, never sent.

use shared_model::{
    access::AccessError,
    brain::BrowseError,
    cart::CartError,
    catalog::CatalogError,
    community::{DemandError, NpsError, ReviewError, TastingError},
    coupon::CouponError,
    identity::IdentityError,
    live::LiveError,
    markdown::MarkdownError,
    metrics::StoreSizeError,
    movement::MovementError,
    order::OrderError,
    pickup::PickupError,
    problem::{ErrorCode, PROBLEM_CONTENT_TYPE},
    recommend::RecommendError,
    sms::SmsError,
    stock::ReserveError,
    store::StoreError,
    supply::SupplyError,
    throttle::ThrottleError,
    Problem,
};
use worker::{Headers, Response};

/// Anything a route can fail with.
#[derive(Debug)]
pub enum AppError {
    /// A problem the client can act on (validation, auth, conflicts).
    Problem(Problem),
    /// A bug or an outage: logged with its detail, answered with a bare 500.
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(status: u16, code: &str, title: &str) -> Self {
        Self::Problem(Problem::new(status, code, title))
    }
    pub fn with_detail(self, detail: impl Into<String>) -> Self {
        match self {
            Self::Problem(p) => Self::Problem(p.with_detail(detail.into())),
            internal => internal,
        }
    }
    pub fn not_found(code: &str) -> Self {
        Self::new(404, code, "Not found")
    }
    /// A body over its route's limit (found by its length, or while reading it).
    pub fn body_too_large() -> Self {
        Self::new(413, "body_too_large", "The request body is too large")
    }
    pub fn malformed_json(detail: impl Into<String>) -> Self {
        Self::new(400, "malformed_json", "The request body is not valid JSON for this route").with_detail(detail)
    }

    /// For a Durable Object handler that must fail as the runtime sees it (an alarm the
    /// runtime should retry). Internal detail is logged, as for any answer.
    pub fn into_worker_error(self) -> worker::Error {
        match self {
            Self::Problem(p) => worker::Error::RustError(format!("{}: {}", p.code, p.title)),
            Self::Internal(detail) => {
                worker::console_error!("internal error: {detail}");
                worker::Error::RustError("internal error".into())
            }
        }
    }

    /// The HTTP response for this error.
    pub fn into_response(self) -> Response {
        let problem = match self {
            Self::Problem(p) => p,
            Self::Internal(detail) => {
                worker::console_error!("internal error: {detail}");
                Problem::new(500, "internal_error", "Something went wrong on our side")
            }
        };
        problem_response(&problem)
    }
}

/// Serialises a problem with its status and content type.
pub fn problem_response(problem: &Problem) -> Response {
    let body = serde_json::to_string(problem).unwrap_or_else(|_| "{}".into());
    let headers = Headers::new();
    let _ = headers.set("Content-Type", PROBLEM_CONTENT_TYPE);
    let _ = headers.set("Cache-Control", "no-store");
    if let Some(seconds) = problem.args.get("seconds").filter(|_| problem.status == 429) {
        let _ = headers.set("Retry-After", &seconds.to_string());
    }
    Response::ok(body)
        .map(|r| r.with_status(problem.status).with_headers(headers))
        .unwrap_or_else(|_| Response::empty().expect("empty response").with_status(500))
}

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        Self::Internal(format!("json: {e}"))
    }
}

/// Domain errors carry their own code and status (shared-model's `ErrorCode`).
macro_rules! from_domain_error {
    ($($ty:ty),* $(,)?) => {$(
        impl From<$ty> for AppError {
            fn from(e: $ty) -> Self {
                // The English text as the title (what the English interface shows); the
                // app shows the Chinese message for the code (`problem::message_zh`).
                let problem = Problem::new(e.http_status(), e.code(), e.to_string()).with_args(ErrorCode::args(&e));
                Self::Problem(match ErrorCode::field(&e) {
                    Some(field) => problem.with_field_error(field, e.code()),
                    None => problem,
                })
            }
        }
    )*};
}
from_domain_error!(
    AccessError,
    BrowseError,
    CartError,
    CatalogError,
    CouponError,
    DemandError,
    IdentityError,
    LiveError,
    MarkdownError,
    MovementError,
    NpsError,
    OrderError,
    PickupError,
    RecommendError,
    ReserveError,
    ReviewError,
    SmsError,
    StoreError,
    StoreSizeError,
    SupplyError,
    TastingError,
    ThrottleError
);
