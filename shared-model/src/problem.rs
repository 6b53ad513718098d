//! The one error envelope of the JSON API: RFC 9457 `application/problem+json`.
//!
//! Policy:
//! - Every non-2xx API answer carries a [`Problem`]; the browser decodes the same type.
//! - `code` is the stable machine key (snake_case). Clients branch on it and pick the
//!   message to show with [`Problem::message`] (Chinese from [`message_zh`], English from
//!   [`message_en`], both with the occurrence's numbers); they never show `title` or
//!   `detail`, which are for developers.
//! - The worker sends each problem with its message in both languages (`messages`), so a
//!   resident's browser bundle carries words only for the problems it raises itself
//!   ([`BROWSER_MESSAGES`]); every code's words are behind the `all-messages` feature.
//! - Each domain error implements [`ErrorCode`], so the worker maps any of them to a
//!   status and a body in one place. Internal detail (SQL, stack traces) never goes in a
//!   problem: the worker logs it and answers with [`Problem::internal`].
//! - Statuses: 400 for a malformed request (bad ID, bad Idempotency-Key), 401/403 for
//!   auth, 404 for unknown resources, 409 for conflicts with current state (stock, caps,
//!   a reused key, an order that can no longer be cancelled), 413 for an upload over its
//!   size, 422 for field validation, 429 while something is locked for too many tries
//!   (a pickup code).

use crate::locale::Locale;
#[cfg(feature = "all-messages")]
use crate::money::Fen;
use serde::{Deserialize, Serialize};
use std::{collections::BTreeMap, fmt};

/// Media type of problem bodies (RFC 9457).
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// Prefix of `type` URIs for problems with a Linli code; the code is appended.
pub const PROBLEM_TYPE_BASE: &str = "https://linli.app/problems/";

/// `type` of problems that mean no more than their HTTP status (RFC 9457 §4.2.1).
pub const ABOUT_BLANK: &str = "about:blank";

/// A domain error that knows how it is reported to clients.
///
/// Implemented by every thiserror enum of this crate, so the worker converts errors in
/// one place (`Problem::from_error`, or its own `AppError`).
pub trait ErrorCode {
    /// Stable snake_case machine code, e.g. `"sold_out"`.
    fn code(&self) -> &'static str;
    /// HTTP status to answer with.
    fn http_status(&self) -> u16;
    /// The request field at fault, for validation errors (`"phone"`, `"lines"`).
    fn field(&self) -> Option<&'static str> {
        None
    }
    /// The numbers this occurrence's message needs (`cap`, `attempts_left`), see
    /// [`Problem::args`].
    fn args(&self) -> Vec<(&'static str, i64)> {
        Vec::new()
    }
}

/// Implements [`ErrorCode`] by delegating to the type's inherent `code`/`http_status`
/// (and `field` and `args` when named), so callers need not import the trait.
macro_rules! impl_error_code {
    (@method $ty:ty, field) => {
        fn field(&self) -> Option<&'static str> {
            <$ty>::field(self)
        }
    };
    (@method $ty:ty, args) => {
        fn args(&self) -> Vec<(&'static str, i64)> {
            <$ty>::args(self)
        }
    };
    ($ty:ty $(, $method:ident)*) => {
        impl $crate::problem::ErrorCode for $ty {
            fn code(&self) -> &'static str {
                <$ty>::code(self)
            }
            fn http_status(&self) -> u16 {
                <$ty>::http_status(self)
            }
            $($crate::problem::impl_error_code!(@method $ty, $method);)*
        }
    };
}
pub(crate) use impl_error_code;

/// One invalid request field, for forms that mark the field in error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The JSON field name, e.g. `"phone"`.
    pub field: String,
    /// The machine code of what is wrong with it, e.g. `"invalid_phone"`.
    pub code: String,
}

/// A problem's message for people in each language the app speaks, as the sender's
/// tables say it with the occurrence's numbers ([`Problem::message_zh`],
/// [`Problem::message_en`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Messages {
    pub zh: String,
    pub en: String,
}

/// An RFC 9457 problem body with Linli's `code`, `args` and `messages` extension members.
///
/// Lenient on input (missing members default) because the browser also decodes problems
/// it did not make, e.g. from a proxy.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// `https://linli.app/problems/<code>`, or `about:blank` for bare HTTP errors.
    #[serde(rename = "type", default = "about_blank")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub type_: String,
    /// Short human-readable summary of the problem type.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub title: String,
    /// HTTP status; 0 when made up by the browser for a request that never got an answer.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, minimum = 400, maximum = 599))]
    pub status: u16,
    /// Stable machine code (see the module doc).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, pattern = "^[a-z_]+$"))]
    pub code: String,
    /// Explanation of this occurrence (e.g. which product sold out). Never internal detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Invalid fields, for validation problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Numbers of this occurrence that the message shows (`{"cap": 2}` → "每人限购2件"),
    /// so a client can say them in its own language without parsing `title`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, i64>,
    /// Its message for people in both languages, with this occurrence's numbers: the
    /// worker sends it with every problem, so a client without words of its own for the
    /// code (a resident's browser, for most codes) still says it. Absent on a problem
    /// made in this process and not yet sent.
    #[serde(default)]
    pub messages: Option<Messages>,
}

fn about_blank() -> String {
    ABOUT_BLANK.to_owned()
}

/// The same problem whatever words it came with: they follow from its code and numbers.
impl PartialEq for Problem {
    fn eq(&self, other: &Self) -> bool {
        let Problem { type_, title, status, code, detail, errors, args, messages: _ } = self;
        (type_, title, status, code, detail, errors, args)
            == (&other.type_, &other.title, &other.status, &other.code, &other.detail, &other.errors, &other.args)
    }
}
impl Eq for Problem {}

/// Written as derived, but with `messages` said afresh from this build's tables when it
/// has every code's words, so no problem the worker sends (an answer, a socket frame, a
/// page's island) goes without them.
impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            #[serde(rename = "type")]
            type_: &'a str,
            title: &'a str,
            status: u16,
            code: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            detail: Option<&'a str>,
            #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
            errors: &'a [FieldError],
            #[serde(skip_serializing_if = "BTreeMap::is_empty")]
            args: &'a BTreeMap<String, i64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            messages: Option<Messages>,
        }
        Wire {
            type_: &self.type_,
            title: &self.title,
            status: self.status,
            code: &self.code,
            detail: self.detail.as_deref(),
            errors: &self.errors,
            args: &self.args,
            messages: self.messages_to_send(),
        }
        .serialize(serializer)
    }
}

impl Problem {
    /// A problem with a Linli code; `type` becomes `https://linli.app/problems/<code>`.
    pub fn new(status: u16, code: impl Into<String>, title: impl Into<String>) -> Self {
        let code = code.into();
        let type_ = if code.is_empty() { about_blank() } else { format!("{PROBLEM_TYPE_BASE}{code}") };
        Problem {
            type_,
            title: title.into(),
            status,
            code,
            detail: None,
            errors: Vec::new(),
            args: BTreeMap::new(),
            messages: None,
        }
    }

    /// A problem meaning no more than its HTTP status: `type` is `about:blank` and the
    /// title is the status's reason phrase, as RFC 9457 asks.
    pub fn from_status(status: u16) -> Self {
        let (code, title) = status_code_and_reason(status);
        Problem {
            type_: about_blank(),
            title: title.to_owned(),
            status,
            code: code.to_owned(),
            detail: None,
            errors: Vec::new(),
            args: BTreeMap::new(),
            messages: None,
        }
    }

    /// The bare 500 answered for bugs and outages; the cause is logged, not sent.
    pub fn internal() -> Self {
        Self::from_status(500)
    }

    /// The problem for a domain error: its status and code, the Chinese message as the
    /// title, and the field at fault (if any) in `errors`.
    pub fn from_error<E: ErrorCode + ?Sized>(error: &E) -> Self {
        let mut problem = Self::new(error.http_status(), error.code(), "").with_args(error.args());
        problem.title = problem.message_zh();
        match error.field() {
            Some(field) => problem.with_field_error(field, error.code()),
            None => problem,
        }
    }

    /// Adds the explanation of this occurrence.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Adds the numbers the message shows.
    pub fn with_args(mut self, args: impl IntoIterator<Item = (&'static str, i64)>) -> Self {
        self.args.extend(args.into_iter().map(|(name, value)| (name.to_owned(), value)));
        self
    }

    /// Adds one invalid field.
    pub fn with_field_error(mut self, field: impl Into<String>, code: impl Into<String>) -> Self {
        self.errors.push(FieldError { field: field.into(), code: code.into() });
        self
    }

    /// The `messages` it is sent with: said afresh where this build has every code's
    /// words, else as it came.
    fn messages_to_send(&self) -> Option<Messages> {
        #[cfg(feature = "all-messages")]
        return Some(Messages { zh: self.message_zh(), en: self.message_en() });
        #[cfg(not(feature = "all-messages"))]
        self.messages.clone()
    }

    /// The message to show a resident: the Chinese text for `code` with this
    /// occurrence's numbers ([`message_with_args_zh`]), else the text for `code`, else
    /// the one the problem came with (`messages`), else a generic one for the status class.
    pub fn message_zh(&self) -> String {
        message_with_args_zh(&self.code, &self.args)
            .or_else(|| message_zh(&self.code).map(str::to_owned))
            .or_else(|| self.messages.as_ref().map(|m| m.zh.clone()))
            .unwrap_or_else(|| fallback_message_zh(self.status).to_owned())
    }

    /// The message to show in English: a sentence for people, found as
    /// [`Problem::message_zh`] is ([`message_with_args_en`], [`message_en`], `messages`),
    /// never the developer's `title` or `detail`.
    pub fn message_en(&self) -> String {
        message_with_args_en(&self.code, &self.args)
            .or_else(|| message_en(&self.code).map(str::to_owned))
            .or_else(|| self.messages.as_ref().map(|m| m.en.clone()))
            .unwrap_or_else(|| fallback_message_en(self.status).to_owned())
    }

    /// The message to show in `locale` ([`Problem::message_zh`], [`Problem::message_en`]).
    pub fn message(&self, locale: Locale) -> String {
        match locale {
            Locale::ZhCn => self.message_zh(),
            Locale::En => self.message_en(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.title)?;
        if let Some(detail) = &self.detail {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}

fn status_code_and_reason(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("bad_request", "Bad Request"),
        401 => ("unauthorized", "Unauthorized"),
        403 => ("forbidden", "Forbidden"),
        404 => ("not_found", "Not Found"),
        405 => ("method_not_allowed", "Method Not Allowed"),
        409 => ("conflict", "Conflict"),
        413 => ("payload_too_large", "Content Too Large"),
        415 => ("unsupported_media_type", "Unsupported Media Type"),
        422 => ("unprocessable_content", "Unprocessable Content"),
        429 => ("too_many_requests", "Too Many Requests"),
        500 => ("internal_error", "Internal Server Error"),
        502 => ("bad_gateway", "Bad Gateway"),
        503 => ("service_unavailable", "Service Unavailable"),
        504 => ("gateway_timeout", "Gateway Timeout"),
        _ if (400..500).contains(&status) => ("client_error", "Client Error"),
        _ => ("server_error", "Server Error"),
    }
}

/// Generic Chinese message when a code is unknown to this build.
fn fallback_message_zh(status: u16) -> &'static str {
    match status {
        0 => "网络连接失败，请检查网络后重试",
        401 => "请先登录",
        403 => "没有权限进行此操作",
        404 => "找不到相关内容",
        409 => "情况有变，请刷新后重试",
        _ if (400..500).contains(&status) => "提交的内容有误，请检查后重试",
        _ => "服务器开小差了，请稍后再试",
    }
}

/// Generic English message when a code is unknown to this build.
fn fallback_message_en(status: u16) -> &'static str {
    match status {
        0 => "Could not reach the store. Check your connection and try again.",
        401 => "Please sign in first.",
        403 => "You are not allowed to do that.",
        404 => "We could not find that.",
        409 => "Something changed. Please refresh and try again.",
        _ if (400..500).contains(&status) => "Something in the request is not right. Please check and try again.",
        _ => "Something went wrong on our side. Please try again later.",
    }
}

/// A wait said in Chinese: seconds under two minutes, else whole minutes.
#[cfg(feature = "all-messages")]
fn wait_zh(seconds: i64) -> String {
    if seconds < 120 {
        format!("{seconds}秒")
    } else {
        format!("{}分钟", (seconds + 59) / 60)
    }
}

/// A wait said in English, as [`wait_zh`].
#[cfg(feature = "all-messages")]
fn wait_en(seconds: i64) -> String {
    match seconds {
        1 => "1 second".to_owned(),
        s if s < 120 => format!("{s} seconds"),
        s => format!("{} minutes", (s + 59) / 60),
    }
}

/// `n` and its noun in English, singular for one.
#[cfg(feature = "all-messages")]
fn plural_en(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The Chinese message for a code that says this occurrence's numbers, when the problem
/// carries them; `None` sends the caller to [`message_zh`].
pub fn message_with_args_zh(code: &str, args: &BTreeMap<String, i64>) -> Option<String> {
    let arg = |name: &str| args.get(name).copied();
    match code {
        "cap_exceeded" => {
            let cap = arg("cap")?;
            Some(match arg("already").unwrap_or(0) {
                0 => format!("每人限购{cap}件"),
                already => format!("每人限购{cap}件，你已订{already}件"),
            })
        }
        "insufficient_stock" => Some(format!("库存只剩{}件，请减少数量", arg("available")?)),
        #[cfg(feature = "console")]
        "invalid_pickup_code" => Some(format!("取货码与订单不符，还可以再试{}次", arg("attempts_left")?)),
        #[cfg(feature = "console")]
        "pickup_code_locked" => Some(format!("取货码错误次数过多，请{}分钟后再试", arg("minutes")?)),
        #[cfg(feature = "all-messages")]
        "sms_too_soon" => Some(format!("验证码已发送，请{}秒后再试", arg("seconds")?)),
        #[cfg(feature = "all-messages")]
        "sms_too_many" => Some(format!("验证码发送太频繁，请{}分钟后再试", arg("minutes")?)),
        #[cfg(feature = "all-messages")]
        "too_many_sign_ins" => Some(format!("登录尝试次数过多，请{}后再试", wait_zh(arg("seconds")?))),
        #[cfg(feature = "all-messages")]
        "too_many_joins" => Some(format!("这个网络加入门店太频繁，请{}后再试", wait_zh(arg("seconds")?))),
        #[cfg(feature = "all-messages")]
        "comment_too_fast" => Some(format!("发言太快了，请{}后再发", wait_zh(arg("seconds")?))),
        #[cfg(feature = "all-messages")]
        "too_many_sockets" => Some(format!("同时打开的直播页面太多了（最多{}个），请关掉一些再试", arg("max")?)),
        #[cfg(feature = "all-messages")]
        "too_many_open_demands" => Some(format!("你已有{}条心愿在征集中，等店长回复后再来吧", arg("max")?)),
        #[cfg(feature = "console")]
        "tasting_too_far_ahead" => Some(format!("品鉴会最多提前{}天发布", arg("max_days")?)),
        #[cfg(feature = "all-messages")]
        "invalid_seat_count" => Some(format!("每户可订1到{}个座位", arg("max")?)),
        #[cfg(feature = "all-messages")]
        "household_seat_cap" => Some(format!("每户最多订{}个座位，你家已订{}个", arg("cap")?, arg("already").unwrap_or(0))),
        #[cfg(feature = "all-messages")]
        "below_coupon_threshold" => {
            Some(format!("满{}可用，还差{}", Fen::from_fen(arg("threshold")?), Fen::from_fen(arg("short")?)))
        }
        #[cfg(feature = "console")]
        "more_than_on_shelf" => Some(format!("货架上只有{}件，报损数量不能更多", arg("available")?)),
        #[cfg(feature = "all-messages")]
        "not_enough_seats" => Some(match arg("seats_left")? {
            0 => "座位已订满，可以排候补".to_owned(),
            left => format!("只剩{left}个座位，可以少订几个或排候补"),
        }),
        _ => None,
    }
}

/// The messages a resident's browser raises itself, with no worker to send their words: a
/// request that got no answer or an unreadable one (the app's transport codes), and why a
/// cart line or a live offer cannot be bought ([`crate::cart::LineAvailability::problem`],
/// [`crate::live::most_per_buy`]). In every build; rows as in [`MESSAGES`].
const BROWSER_MESSAGES: &[(&[&str], &str, &str)] = &[
    (&["network_error"], "网络连接失败，请检查网络后重试", "Could not reach the store. Check your connection and try again."),
    (&["offline"], "网络不可用，请检查网络后重试", "You are offline. Check your connection and try again."),
    (
        &["unexpected_response"],
        "服务器返回了无法识别的内容，请稍后再试",
        "The server sent something unexpected. Please try again later.",
    ),
    (
        &["unreadable_response"],
        "无法读取服务器的回复，请刷新页面后再试",
        "The server's answer could not be read. Please reload the page.",
    ),
    (&["unknown_product"], "商品不存在或已下架", "This product does not exist or is no longer sold."),
    (&["cap_exceeded"], "超出每人限购数量", "That is more than the limit per person."),
    (&["sold_out"], "已售罄", "Sold out."),
    (&["insufficient_stock"], "库存不足，请减少数量", "Not enough left. Please order fewer."),
];

/// Every other code's message for people, in Chinese and in English: a row per message,
/// with the codes that share it. With [`BROWSER_MESSAGES`] and [`CONSOLE_MESSAGES`] it
/// covers every code of this crate's errors and the worker's transport-level codes. Only
/// in builds with `all-messages` (the worker, server rendering, the console): a resident's
/// browser reads these words from the problems the worker sends (`Problem::messages`).
/// Data rather than a `match`: 180 string arms, twice, compiled to about 15 KB of
/// comparisons.
#[cfg(feature = "all-messages")]
const MESSAGES: &[(&[&str], &str, &str)] = &[
    // Generic and transport.
    (&["bad_request"], "请求格式不正确", "The request was not understood."),
    (&["malformed_json"], "请求格式不正确，请刷新后重试", "The request was not understood. Please refresh and try again."),
    (&["body_too_large", "payload_too_large"], "提交的内容太多了", "That is too much to send at once."),
    (&["unsupported_media_type"], "请求格式不正确", "The request was not understood."),
    (&["foreign_origin"], "请从邻里页面内操作", "Please do this from a Linli page."),
    (&["unauthorized", "unauthenticated", "not_signed_in"], "请先登录或加入门店", "Please sign in or join the store first."),
    (&["forbidden"], "没有权限进行此操作", "You are not allowed to do that."),
    (&["wrong_store"], "该账号属于其他门店", "This account belongs to another store."),
    (&["not_found", "no_such_route"], "找不到相关内容", "We could not find that."),
    (&["store_not_found"], "门店不存在", "This store does not exist."),
    (&["product_not_found"], "商品不存在或已下架", "This product does not exist or is no longer sold."),
    (&["order_not_found"], "订单不存在", "This order does not exist."),
    (&["method_not_allowed"], "不支持此操作", "That cannot be done here."),
    (&["conflict"], "情况有变，请刷新后重试", "Something changed. Please refresh and try again."),
    (
        &["unprocessable_content", "client_error"],
        "提交的内容有误，请检查后重试",
        "Something in the request is not right. Please check and try again.",
    ),
    (&["too_many_requests"], "操作太频繁，请稍后再试", "Too many tries. Please wait a moment."),
    (
        &["internal_error", "server_error", "bad_gateway", "gateway_timeout"],
        "服务器开小差了，请稍后再试",
        "Something went wrong on our side. Please try again later.",
    ),
    (&["service_unavailable"], "服务暂时不可用，请稍后再试", "The service is unavailable right now. Please try again later."),
    // ids
    (&["invalid_id"], "编号格式不正确", "That ID is not valid."),
    // catalog
    (&["query_too_long"], "搜索词太长了，请控制在30个字以内", "Please search with at most 30 characters."),
    (&["invalid_category"], "没有这个分类", "There is no such category."),
    // identity
    (&["invalid_nickname"], "昵称需为1到20个字", "Please enter a nickname of 1 to 20 characters."),
    (&["invalid_phone"], "请输入正确的11位手机号", "Please enter a valid 11-digit mobile number."),
    (&["invalid_building"], "楼栋需为1到10个字", "Please enter a building of 1 to 10 characters."),
    (&["invalid_unit"], "单元门牌最多10个字", "The unit can be at most 10 characters."),
    (&["too_many_tags"], "家庭标签最多选4个", "Please choose at most 4 household tags."),
    (&["weak_password"], "密码至少需要8位", "The password needs at least 8 characters."),
    (&["password_too_long"], "密码最多128位", "The password can be at most 128 characters."),
    (&["invalid_credentials"], "手机号或密码不正确", "The phone number or password is wrong."),
    (
        &["phone_already_joined"],
        "这个手机号已加入本店，请用短信验证码登录",
        "This phone number has already joined. Please sign in with a text message code.",
    ),
    (&["invalid_device_code"], "手机号或验证码不正确，或已过期", "The phone number or code is wrong, or the code has expired."),
    // sms
    (&["sms_too_soon"], "验证码已发送，请稍后再试", "A code was just sent. Please wait a moment."),
    (&["sms_too_many"], "验证码发送太频繁，请稍后再试", "Too many codes were sent. Please try again later."),
    (&["too_many_sign_ins"], "登录尝试次数过多，请稍后再试", "Too many sign-in attempts. Please try again later."),
    (&["too_many_joins"], "这个网络加入门店太频繁，请稍后再试", "Too many sign-ups from this network. Please try again later."),
    (&["comment_too_fast"], "发言太快了，请稍后再发", "You are commenting too fast. Please wait a moment."),
    (
        &["too_many_frames"],
        "发送太频繁，连接已断开，请刷新页面",
        "Too much was sent, so the connection was closed. Please reload the page.",
    ),
    (&["hello_too_soon"], "连接太频繁，请稍后再试", "Reconnecting too often. Please try again shortly."),
    (
        &["too_many_sockets"],
        "同时打开的直播页面太多了，请关掉一些再试",
        "Too many live pages are open. Please close some and try again.",
    ),
    (
        &["sms_unavailable"],
        "短信暂时发不出去，请到店里请店长帮忙登录",
        "Text messages cannot be sent right now. Ask the store owner to sign you in.",
    ),
    (&["residents_only"], "只有居民账号可以这样操作", "Only residents can do that."),
    // store
    (&["unknown_pickup_point"], "请选择本店的自提点", "Please choose one of the store's pickup points."),
    // cart
    (&["quantity_out_of_range"], "数量需在1到99之间", "The quantity must be between 1 and 99."),
    (&["limit_out_of_range"], "推荐数量需在1到20之间", "Ask for between 1 and 20 recommendations."),
    (&["cart_full"], "购物车最多放30种商品", "A cart holds at most 30 products."),
    // stock
    (&["invalid_quantity"], "数量无效", "That quantity is not valid."),
    // order
    (&["empty_order"], "订单里还没有商品", "The order has no products yet."),
    (&["too_many_lines"], "一个订单最多30种商品", "An order holds at most 30 products."),
    (&["duplicate_line"], "订单中有重复的商品", "A product appears twice in the order."),
    (&["note_too_long"], "备注最多100个字", "The note can be at most 100 characters."),
    (
        &["missing_idempotency_key", "invalid_idempotency_key"],
        "请求标识无效，请刷新页面后重试",
        "Please reload the page and try again.",
    ),
    (
        &["idempotency_key_reused"],
        "该请求已用于另一个订单，请刷新页面后重试",
        "This request was already used for another order. Please reload the page and try again.",
    ),
    (&["not_cancellable"], "该订单当前状态不能取消", "This order can no longer be cancelled."),
    (
        &["cutoff_passed"],
        "已过取消截止时间（提货前一天22:00）",
        "It is too late to cancel (the deadline is 22:00 the day before pickup).",
    ),
    (&["invalid_transition"], "订单状态不能这样变更", "The order cannot change like that."),
    (&["order_total_too_large"], "订单金额过大", "The order total is too large."),
    (&["order_timed_out"], "下单超时，请重新提交订单", "Placing the order took too long. Please place it again."),
    // lists
    (&["invalid_cursor"], "列表已变化，请从第一页重新查看", "The list has changed. Please start again from the first page."),
    // live (cap_exceeded, sold_out, insufficient_stock, quantity_out_of_range and
    // product_not_found are shared with the codes above)
    (&["invalid_comment"], "评论需为1到100个字", "A comment must be 1 to 100 characters."),
    (&["malformed_message"], "消息格式不正确，请刷新后重试", "The message was not understood. Please refresh and try again."),
    (&["not_store_owner"], "只有本店店主可以这样操作", "Only this store's owner can do that."),
    (&["live_not_found"], "直播不存在", "This live does not exist."),
    (&["offer_not_found"], "秒杀商品不存在或已下架", "This offer does not exist or was taken down."),
    (&["live_not_started"], "直播还没开始", "The live has not started yet."),
    (&["live_ended"], "直播已结束", "The live has ended."),
    (&["offer_not_open"], "秒杀还没开始，请稍候", "The offer is not open yet. Please wait."),
    (&["offer_closed"], "本轮秒杀已结束", "This offer has ended."),
    // community (order_not_found is shared with the codes above; those with numbers
    // also in `message_with_args_zh`)
    (&["invalid_demand_text"], "心愿内容需为2到200个字，写在一行里", "A wish must be 2 to 200 characters on one line."),
    (&["invalid_demand_price"], "心理价位需大于0且不超过¥9999", "The price must be above 0 and at most ¥9999."),
    (
        &["too_many_open_demands"],
        "你征集中的心愿已经够多了，等店长回复后再来吧",
        "You have enough wishes waiting. Wait for the owner's answer first.",
    ),
    (&["demand_closed"], "这条心愿已有结果，不能再投票了", "This wish has its answer; votes are closed."),
    (&["own_demand_vote"], "你发起的心愿已自动算你一票", "Your own wish always counts your vote."),
    (&["demand_not_found"], "心愿不存在", "That wish does not exist."),
    (&["invalid_seat_count"], "预约的座位数超出范围", "That number of seats is out of range."),
    (&["household_seat_cap"], "你家预约的座位已达每户上限", "Your household has booked as many seats as it may."),
    (&["not_enough_seats"], "座位不够了，可以少订几个或排候补", "Not enough seats left. Book fewer or join the waitlist."),
    (&["already_booked"], "你已经预约了这场品鉴会", "You have already booked this tasting."),
    (&["tasting_cancelled"], "这场品鉴会已取消", "This tasting was cancelled."),
    (&["tasting_started"], "品鉴会已经开始了", "The tasting has already started."),
    (&["booking_not_cancellable"], "该预约当前状态不能取消", "This booking cannot be cancelled now."),
    (&["already_checked_in"], "已经签到过了", "Already checked in."),
    (&["booking_not_confirmed"], "该预约没有确认的座位，不能签到", "This booking has no confirmed seats to check in."),
    (&["check_in_not_open"], "签到在开始前1小时开放", "Check-in opens an hour before the start."),
    (&["check_in_closed"], "签到已结束（开始后3小时内可签到）", "Check-in has closed (until 3 hours after the start)."),
    (&["invalid_check_in_code"], "签到码与预约不符", "That check-in code does not match the booking."),
    (&["tasting_not_found"], "品鉴会不存在", "That tasting does not exist."),
    (&["booking_not_found"], "预约不存在", "That booking does not exist."),
    (&["invalid_nps_score"], "请选择0到10分", "Please choose a score from 0 to 10."),
    (&["nps_comment_too_long"], "补充说明最多200个字", "The comment can be at most 200 characters."),
    (&["not_an_attendee"], "签到参加品鉴会后才能评分", "Only those who checked in can rate the tasting."),
    (&["nps_already_answered"], "你已经为这场品鉴会评过分了", "You have already rated this tasting."),
    (&["nps_not_open"], "品鉴会开始后才能评分", "Rating opens when the tasting starts."),
    (&["nps_closed"], "评分已截止（品鉴会开始后7天内可评）", "Rating has closed (until 7 days after the start)."),
    (&["order_not_picked_up"], "提货后才能评价", "You can review once you have picked the order up."),
    (&["product_not_in_order"], "这个订单里没有这件商品", "That order does not have this product."),
    (&["already_reviewed"], "这个订单里的这件商品已经评价过了", "You have already reviewed this product from this order."),
    (&["review_window_passed"], "提货30天后不能再评价", "Reviews close 30 days after pickup."),
    (&["invalid_stars"], "请选择1到5颗星", "Please choose 1 to 5 stars."),
    (&["review_too_long"], "评价最多500个字", "A review can be at most 500 characters."),
    (&["too_many_photos"], "每条评价最多6张照片", "A review can have at most 6 photos."),
    (&["photo_too_large"], "照片不能超过2MB，请重新选择", "A photo can be at most 2 MB. Please choose another."),
    (&["unsupported_photo_type"], "照片需为JPEG或WebP格式，请重新选择", "Photos must be JPEG or WebP. Please choose another."),
    (
        &["photo_too_big"],
        "照片最长边不能超过1600像素，请重新选择",
        "A photo's longest side can be at most 1600 pixels. Please choose another.",
    ),
    (&["unreadable_photo"], "照片无法识别，请重新选择", "That photo cannot be read. Please choose another."),
    (&["review_not_found"], "评价不存在", "That review does not exist."),
    (&["photo_not_found"], "照片不存在", "That photo does not exist."),
    // recommendations
    (&["invalid_view_time"], "浏览时长不对（最多一天）", "That time on the page is not right (a day at most)."),
    // coupons at checkout (below_coupon_threshold also in `message_with_args_zh`)
    (&["coupon_not_found"], "优惠券不存在", "That coupon does not exist."),
    (&["coupon_used"], "这张优惠券已经用过了", "This coupon has already been used."),
    (&["coupon_expired"], "这张优惠券已过期", "This coupon has expired."),
    (
        &["coupon_product_missing"],
        "这张优惠券只能用于指定商品，订单里还没有它",
        "This coupon is for a product that is not in your order.",
    ),
    (&["below_coupon_threshold"], "订单金额未达到优惠券的使用门槛", "Your order does not reach this coupon's minimum spend."),
];

/// The messages for codes only the store console meets: its forms (lives and offers,
/// tastings, markdowns, coupons, supply, stock, the store's size), the pickup counter
/// and review moderation. The worker, server rendering and the owner's bundle have
/// them; the residents' bundles leave them out, as they leave out the console itself.
#[cfg(feature = "console")]
const CONSOLE_MESSAGES: &[(&[&str], &str, &str)] = &[
    // HQ, and the console's answers about batches, coupon recipients and residents
    (&["hq_only"], "只有总部账号可以查看全部门店", "Only an HQ account can see every store."),
    (
        &["batch_changed"],
        "货架上的批次刚换过，请刷新后再设折扣",
        "The batch on the shelf just changed; refresh and set the markdown again.",
    ),
    (
        &["invalid_coupon_product"],
        "店长发的券对整单可用，不能只限一个商品",
        "An owner's coupon is for the whole order, not one product.",
    ),
    (
        &["invalid_coupon_recipients"],
        "优惠券只能发给本店的邻居（一次 1 到 200 位）",
        "Coupons go to this store's residents, 1 to 200 at a time.",
    ),
    (&["resident_not_found"], "找不到这位居民", "We could not find this resident."),
    // catalog
    (&["invalid_stock"], "库存数量超出范围", "The stock number is out of range."),
    (&["invalid_cap"], "限购数量需在1到99之间", "A limit must be between 1 and 99."),
    (&["empty_update"], "没有要修改的内容", "There is nothing to change."),
    // pickup counter (with their numbers, see `message_with_args_zh`)
    (&["invalid_pickup_code"], "取货码与订单不符", "That pickup code does not match the order."),
    (&["pickup_code_locked"], "取货码错误次数过多，请稍后再试", "Too many wrong pickup codes. Please try again later."),
    (&["invalid_pickup_query"], "搜索内容需为1到20个字", "Please search with 1 to 20 characters."),
    // lives and offers (invalid_cover_url is shared with tastings)
    (&["invalid_live_title"], "直播标题需为1到40个字", "Please enter a title of 1 to 40 characters."),
    (&["live_starts_in_past"], "开播时间不能早于现在", "The start time cannot be in the past."),
    (
        &["invalid_stream_url"],
        "直播地址需以 http://、https:// 或 / 开头",
        "The stream address must start with http://, https:// or /.",
    ),
    (
        &["invalid_cover_url"],
        "封面图片地址需以 http://、https:// 或 / 开头",
        "The cover image address must start with http://, https:// or /.",
    ),
    (&["invalid_flash_price"], "秒杀价需大于0且不高于原价", "The flash price must be above 0 and at most the regular price."),
    (
        &["invalid_returning_price"],
        "老顾客价需大于0且低于秒杀价",
        "The returning-customer price must be above 0 and below the flash price.",
    ),
    (&["invalid_allotted"], "直播库存需在1到9999之间", "Units for the live must be between 1 and 9999."),
    (&["invalid_offer_window"], "秒杀结束时间需晚于开始时间", "The offer must end after it opens."),
    (&["offer_window_too_long"], "一场秒杀最长4小时", "A flash offer can run at most 4 hours."),
    (&["offer_window_passed"], "秒杀结束时间已过", "The offer's end time has already passed."),
    (&["gift_too_long"], "赠品说明最多30个字", "The gift line can be at most 30 characters."),
    (&["live_already_started"], "直播已经开始了", "The live has already started."),
    // wishes and tastings (tasting_too_far_ahead also in `message_with_args_zh`)
    (&["invalid_decline_reason"], "暂不考虑的原因需为1到100个字", "Please give a reason of 1 to 100 characters."),
    (&["invalid_demand_transition"], "心愿状态不能这样变更", "The wish cannot change like that."),
    (&["invalid_tasting_title"], "品鉴会标题需为1到40个字", "The title must be 1 to 40 characters."),
    (&["tasting_starts_in_past"], "开始时间需晚于现在", "The start must be later than now."),
    (&["tasting_too_far_ahead"], "品鉴会最多提前90天发布", "A tasting can be announced at most 90 days ahead."),
    (&["invalid_tasting_place"], "地点需为1到60个字", "The place must be 1 to 60 characters."),
    (&["invalid_seats"], "座位数需在1到200之间", "Seats must be between 1 and 200."),
    (
        &["invalid_seats_per_household"],
        "每户座位数需在1到10之间，且不超过总座位数",
        "Seats per household must be 1 to 10 and no more than the seats.",
    ),
    (&["too_many_tasting_products"], "一场品鉴会最多关联6个商品", "A tasting can link at most 6 products."),
    (&["duplicate_tasting_product"], "关联的商品有重复", "A product is linked twice."),
    // review moderation
    (&["invalid_hide_reason"], "隐藏原因需为1到100个字", "Please give a reason of 1 to 100 characters."),
    (&["too_many_featured"], "每件商品最多精选3条评价", "At most 3 featured reviews per product."),
    (&["nothing_to_feature"], "只有星级的评价不能设为精选", "A review with only stars cannot be featured."),
    (&["review_is_hidden"], "评价已隐藏，请先恢复显示再设为精选", "The review is hidden. Show it again before featuring it."),
    // markdowns (临期特价)
    (
        &["not_near_expiry"],
        "离保质期还远，暂不能设临期特价",
        "This batch is not near its best-before date yet, so it cannot be marked down.",
    ),
    (
        &["batch_past_selling"],
        "这批商品已来不及在保质期内提货，不能再打折出售",
        "This batch can no longer be collected before its best-before date.",
    ),
    (
        &["markdown_below_cost"],
        "折后价低于成本价，请选浅一点的折扣",
        "That markdown would sell below cost. Please choose a smaller discount.",
    ),
    (
        &["markdown_below_floor"],
        "折后价低于你设的最低价，请选浅一点的折扣",
        "That markdown would go below your lowest price. Please choose a smaller discount.",
    ),
    (
        &["invalid_markdown_floor"],
        "最低价需大于0且不高于原价",
        "The lowest price must be above zero and at most the regular price.",
    ),
    // coupons issued
    (&["invalid_coupon_amount"], "优惠金额需大于0且不超过¥100", "A coupon must take off more than zero and at most ¥100."),
    (
        &["invalid_coupon_threshold"],
        "使用门槛需为0（无门槛）或高于优惠金额",
        "The minimum spend must be zero or more than the coupon's amount.",
    ),
    (&["invalid_coupon_validity"], "有效期需为1到30天", "A coupon must be valid for 1 to 30 days."),
    // 备货 (supply)
    (&["supplier_not_found"], "供应商不存在", "No such supplier."),
    (&["nothing_to_order"], "这一天不需要向这家供应商订货", "Nothing needs ordering from this supplier for that day."),
    (&["purchase_order_not_found"], "采购单不存在", "No such purchase order."),
    (&["not_dead_lettered"], "只有发送失败的采购单可以重发", "Only a purchase order whose delivery failed can be sent again."),
    (&["inbox_closed"], "演示供应商暂停收单，请稍后再试", "The demo supplier is not taking orders right now. Try again later."),
    (&["bad_signature"], "采购单签名不对，供应商拒收", "The purchase order's signature does not match; the supplier refused it."),
    // stock movements (收货, 报损, 盘点; more_than_on_shelf also in `message_with_args_zh`)
    (&["no_movement_lines"], "请至少填写一种商品", "Add at least one product."),
    (&["too_many_movement_lines"], "一次最多100种商品", "At most 100 products at a time."),
    (&["duplicate_movement_product"], "同一种商品只能填一行", "Each product may appear on one line only."),
    (&["invalid_movement_units"], "数量需在1到99999之间", "Units must be between 1 and 99,999."),
    (&["best_before_passed"], "保质期已过，不能收货", "These goods are past their best-before date and cannot be received."),
    (&["invalid_write_off_note"], "请用一句话（100字以内）写明原因", "Say why in one line of at most 100 characters."),
    (&["more_than_on_shelf"], "报损数量超过了货架上的库存", "That is more than is on the shelf."),
    // a store's size (坪效, 人效)
    (&["invalid_store_area"], "营业面积需在1到10000平方米之间", "The selling area must be between 1 and 10,000 m²."),
    (&["invalid_staff_count"], "员工人数需在1到500之间", "Staff must be between 1 and 500."),
];
#[cfg(not(feature = "console"))]
const CONSOLE_MESSAGES: &[(&[&str], &str, &str)] = &[];
#[cfg(not(feature = "all-messages"))]
const MESSAGES: &[(&[&str], &str, &str)] = &[];

/// The Chinese message shown to residents for a problem code, or `None` if unknown.
pub fn message_zh(code: &str) -> Option<&'static str> {
    messages_of(code).map(|(_, zh, _)| *zh)
}

/// The English message for a problem code, or `None` if unknown.
pub fn message_en(code: &str) -> Option<&'static str> {
    messages_of(code).map(|(_, _, en)| *en)
}

/// The row of [`BROWSER_MESSAGES`], [`MESSAGES`] or [`CONSOLE_MESSAGES`] that holds `code`.
fn messages_of(code: &str) -> Option<&'static (&'static [&'static str], &'static str, &'static str)> {
    BROWSER_MESSAGES.iter().chain(MESSAGES).chain(CONSOLE_MESSAGES).find(|(codes, ..)| codes.contains(&code))
}

/// The English message for a code that says this occurrence's numbers, when the problem
/// carries them; `None` sends the caller to [`message_en`].
pub fn message_with_args_en(code: &str, args: &BTreeMap<String, i64>) -> Option<String> {
    let arg = |name: &str| args.get(name).copied();
    match code {
        "cap_exceeded" => {
            let cap = arg("cap")?;
            Some(match arg("already").unwrap_or(0) {
                0 => format!("Limit {cap} per person."),
                already => format!("Limit {cap} per person; you already have {already}."),
            })
        }
        "insufficient_stock" => Some(format!("Only {} left. Please order fewer.", arg("available")?)),
        #[cfg(feature = "console")]
        "invalid_pickup_code" => {
            Some(format!("That pickup code does not match the order. {} left.", plural_en(arg("attempts_left")?, "try", "tries")))
        }
        #[cfg(feature = "console")]
        "pickup_code_locked" => {
            Some(format!("Too many wrong pickup codes. Try again in {}.", plural_en(arg("minutes")?, "minute", "minutes")))
        }
        #[cfg(feature = "all-messages")]
        "sms_too_soon" => {
            Some(format!("A code was just sent. Try again in {}.", plural_en(arg("seconds")?, "second", "seconds")))
        }
        #[cfg(feature = "all-messages")]
        "sms_too_many" => {
            Some(format!("Too many codes were sent. Try again in {}.", plural_en(arg("minutes")?, "minute", "minutes")))
        }
        #[cfg(feature = "all-messages")]
        "too_many_sign_ins" => Some(format!("Too many sign-in attempts. Try again in {}.", wait_en(arg("seconds")?))),
        #[cfg(feature = "all-messages")]
        "too_many_joins" => Some(format!("Too many sign-ups from this network. Try again in {}.", wait_en(arg("seconds")?))),
        #[cfg(feature = "all-messages")]
        "comment_too_fast" => Some(format!("You are commenting too fast. Try again in {}.", wait_en(arg("seconds")?))),
        #[cfg(feature = "all-messages")]
        "too_many_sockets" => {
            Some(format!("Too many live pages are open (at most {}). Please close some and try again.", arg("max")?))
        }
        #[cfg(feature = "console")]
        "more_than_on_shelf" => Some(format!("Only {} on the shelf; you cannot write off more.", arg("available")?)),
        #[cfg(feature = "all-messages")]
        "below_coupon_threshold" => Some(format!(
            "This coupon needs an order of {}; add {} more.",
            Fen::from_fen(arg("threshold")?),
            Fen::from_fen(arg("short")?)
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        access::AccessError,
        cart::CartError,
        catalog::CatalogError,
        community::{DemandError, DemandStatus, NpsError, ReviewError, TastingError},
        coupon,
        identity::IdentityError,
        markdown,
        order::{OrderError, OrderStatus},
        pickup::PickupError,
        sms::SmsError,
        stock::ReserveError,
        store::StoreError,
        throttle::ThrottleError,
        IdError,
    };
    use serde_json::json;

    #[test]
    fn problem_json_shape() {
        let p = Problem::new(409, "sold_out", "已售罄").with_detail("本地小白菜 (p-1)");
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({
                "type": "https://linli.app/problems/sold_out",
                "title": "已售罄",
                "status": 409,
                "code": "sold_out",
                "detail": "本地小白菜 (p-1)",
                "messages": { "zh": "已售罄", "en": "Sold out." },
            })
        );
        // No detail, no errors: both members are left out.
        let bare = serde_json::to_value(Problem::new(404, "order_not_found", "Not found")).unwrap();
        assert_eq!(bare.as_object().unwrap().len(), 5);
        assert!(bare.get("detail").is_none() && bare.get("errors").is_none());
        let back: Problem = serde_json::from_value(serde_json::to_value(&p).unwrap()).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.messages, Some(Messages { zh: "已售罄".into(), en: "Sold out.".into() }));
    }

    #[test]
    fn reserve_error_json_shape() {
        let e = ReserveError::CapExceeded { cap: 2, already: 1 };
        assert_eq!(serde_json::to_value(e).unwrap(), json!({ "code": "cap_exceeded", "cap": 2, "already": 1 }));
        assert_eq!(serde_json::to_value(ReserveError::SoldOut).unwrap(), json!({ "code": "sold_out" }));
        assert_eq!(
            serde_json::to_value(ReserveError::InsufficientStock { available: 3 }).unwrap(),
            json!({ "code": "insufficient_stock", "available": 3 })
        );
        let back: ReserveError = serde_json::from_value(json!({ "code": "insufficient_stock", "available": 3 })).unwrap();
        assert_eq!(back, ReserveError::InsufficientStock { available: 3 });
    }

    #[test]
    fn messages_say_the_numbers_of_the_occurrence() {
        let p = Problem::from_error(&ReserveError::CapExceeded { cap: 2, already: 0 });
        assert_eq!((p.title.as_str(), p.args.get("cap")), ("每人限购2件", Some(&2)));
        let p = Problem::from_error(&ReserveError::CapExceeded { cap: 2, already: 1 });
        assert_eq!(p.message_zh(), "每人限购2件，你已订1件");
        assert_eq!(serde_json::to_value(&p).unwrap()["args"], json!({ "cap": 2, "already": 1 }));
        // Without its numbers (an older server, a made-up problem) the plain text stands.
        assert_eq!(Problem::new(409, "cap_exceeded", "").message_zh(), "超出每人限购数量");
        let back: Problem =
            serde_json::from_value(json!({ "status": 409, "code": "insufficient_stock", "args": { "available": 3 } })).unwrap();
        assert_eq!(back.message_zh(), "库存只剩3件，请减少数量");
    }

    #[test]
    fn from_error_carries_status_code_message_and_field() {
        let p = Problem::from_error(&IdentityError::InvalidPhone);
        assert_eq!(p.status, 422);
        assert_eq!(p.code, "invalid_phone");
        assert_eq!(p.type_, "https://linli.app/problems/invalid_phone");
        assert_eq!(p.title, "请输入正确的11位手机号");
        assert_eq!(p.errors, vec![FieldError { field: "phone".into(), code: "invalid_phone".into() }]);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["errors"], json!([{ "field": "phone", "code": "invalid_phone" }]));

        let p = Problem::from_error(&ReserveError::SoldOut);
        assert_eq!((p.status, p.code.as_str()), (409, "sold_out"));
        assert!(p.errors.is_empty());
    }

    #[test]
    fn bare_status_problems_are_about_blank() {
        let p = Problem::internal();
        assert_eq!(p.type_, ABOUT_BLANK);
        assert_eq!((p.status, p.code.as_str(), p.title.as_str()), (500, "internal_error", "Internal Server Error"));
        assert_eq!(Problem::from_status(404).code, "not_found");
        assert_eq!(Problem::from_status(418).code, "client_error");
        assert_eq!(Problem::new(400, "", "Bad").type_, ABOUT_BLANK);
    }

    #[test]
    fn decodes_foreign_problems_leniently() {
        let p: Problem = serde_json::from_str(r#"{"title":"Bad Gateway","status":502}"#).unwrap();
        assert_eq!(p.type_, ABOUT_BLANK);
        assert_eq!(p.code, "");
        assert_eq!(p.message_zh(), "服务器开小差了，请稍后再试");
        assert_eq!(Problem::new(0, "?", "").message_zh(), "网络连接失败，请检查网络后重试");
    }

    /// Every code any domain error can produce has its own Chinese message and a status
    /// in the documented classes.
    #[test]
    fn every_domain_code_has_a_message_and_sane_status() {
        let errors: Vec<Box<dyn ErrorCode>> = vec![
            Box::new(IdError::Empty),
            Box::new(CatalogError::QueryTooLong),
            Box::new(CatalogError::InvalidCategory),
            Box::new(CatalogError::InvalidStock),
            Box::new(CatalogError::InvalidCap),
            Box::new(CatalogError::EmptyUpdate),
            Box::new(IdentityError::InvalidNickname),
            Box::new(IdentityError::InvalidPhone),
            Box::new(IdentityError::InvalidBuilding),
            Box::new(IdentityError::InvalidUnit),
            Box::new(IdentityError::TooManyTags),
            Box::new(IdentityError::WeakPassword),
            Box::new(IdentityError::PasswordTooLong),
            Box::new(IdentityError::InvalidCredentials),
            Box::new(IdentityError::PhoneAlreadyJoined),
            Box::new(AccessError::Unauthenticated),
            Box::new(AccessError::WrongStore),
            Box::new(AccessError::OwnersOnly),
            Box::new(AccessError::ResidentsOnly),
            Box::new(AccessError::NotStoreOwner),
            Box::new(AccessError::OrderNotFound),
            Box::new(PickupError::WrongCode { attempts_left: 1 }),
            Box::new(PickupError::CodeLocked { minutes: 1 }),
            Box::new(PickupError::InvalidQuery),
            Box::new(PickupError::InvalidCursor),
            Box::new(SmsError::TooSoon { seconds: 1 }),
            Box::new(SmsError::TooMany { minutes: 1 }),
            Box::new(ThrottleError::TooManySignIns { seconds: 1 }),
            Box::new(ThrottleError::TooManyJoins { seconds: 1 }),
            Box::new(ThrottleError::CommentTooFast { seconds: 1 }),
            Box::new(ThrottleError::TooManyFrames { seconds: 1 }),
            Box::new(ThrottleError::HelloTooSoon { seconds: 1 }),
            Box::new(ThrottleError::TooManySockets { max: 1 }),
            Box::new(StoreError::StoreNotFound),
            Box::new(StoreError::UnknownPickupPoint),
            Box::new(CartError::QuantityOutOfRange),
            Box::new(CartError::CartFull),
            Box::new(CartError::UnknownProduct),
            Box::new(ReserveError::InvalidQuantity),
            Box::new(ReserveError::CapExceeded { cap: 1, already: 1 }),
            Box::new(ReserveError::SoldOut),
            Box::new(ReserveError::InsufficientStock { available: 1 }),
            Box::new(OrderError::EmptyOrder),
            Box::new(OrderError::TooManyLines),
            Box::new(OrderError::DuplicateLine),
            Box::new(OrderError::QuantityOutOfRange),
            Box::new(OrderError::NoteTooLong),
            Box::new(OrderError::MissingIdempotencyKey),
            Box::new(OrderError::InvalidIdempotencyKey),
            Box::new(OrderError::IdempotencyKeyReused),
            Box::new(OrderError::NotCancellable),
            Box::new(OrderError::CutoffPassed),
            Box::new(OrderError::InvalidTransition { from: OrderStatus::Placed, to: OrderStatus::PickedUp }),
            Box::new(OrderError::TotalTooLarge),
            Box::new(DemandError::InvalidText),
            Box::new(DemandError::InvalidCategory),
            Box::new(DemandError::InvalidPrice),
            Box::new(DemandError::TooManyOpenDemands { max: 5 }),
            Box::new(DemandError::InvalidDeclineReason),
            Box::new(DemandError::InvalidTransition { from: DemandStatus::Stocked, to: DemandStatus::Sourcing }),
            Box::new(DemandError::DemandClosed),
            Box::new(DemandError::OwnDemandVote),
            Box::new(DemandError::DemandNotFound),
            Box::new(TastingError::InvalidTitle),
            Box::new(TastingError::StartsInPast),
            Box::new(TastingError::TooFarAhead { max_days: 90 }),
            Box::new(TastingError::InvalidPlace),
            Box::new(TastingError::InvalidSeats),
            Box::new(TastingError::InvalidSeatsPerHousehold),
            Box::new(TastingError::TooManyProducts),
            Box::new(TastingError::DuplicateProduct),
            Box::new(TastingError::InvalidCoverUrl),
            Box::new(TastingError::InvalidSeatCount { max: 4 }),
            Box::new(TastingError::HouseholdCapReached { cap: 4, already: 3 }),
            Box::new(TastingError::NotEnoughSeats { seats_left: 2 }),
            Box::new(TastingError::AlreadyBooked),
            Box::new(TastingError::TastingCancelled),
            Box::new(TastingError::TastingStarted),
            Box::new(TastingError::NotCancellable),
            Box::new(TastingError::AlreadyCheckedIn),
            Box::new(TastingError::NotConfirmed),
            Box::new(TastingError::CheckInNotOpen),
            Box::new(TastingError::CheckInClosed),
            Box::new(TastingError::WrongCheckInCode),
            Box::new(TastingError::TastingNotFound),
            Box::new(TastingError::BookingNotFound),
            Box::new(NpsError::InvalidScore),
            Box::new(NpsError::CommentTooLong),
            Box::new(NpsError::NotAnAttendee),
            Box::new(NpsError::AlreadyAnswered),
            Box::new(NpsError::NotOpen),
            Box::new(NpsError::Closed),
            Box::new(ReviewError::OrderNotFound),
            Box::new(ReviewError::NotPickedUp),
            Box::new(ReviewError::ProductNotInOrder),
            Box::new(ReviewError::AlreadyReviewed),
            Box::new(ReviewError::ReviewWindowPassed),
            Box::new(ReviewError::InvalidStars),
            Box::new(ReviewError::ReviewTooLong),
            Box::new(ReviewError::TooManyPhotos),
            Box::new(ReviewError::PhotoTooLarge),
            Box::new(ReviewError::UnsupportedPhotoType),
            Box::new(ReviewError::PhotoTooBig),
            Box::new(ReviewError::UnreadablePhoto),
            Box::new(ReviewError::InvalidHideReason),
            Box::new(ReviewError::TooManyFeatured),
            Box::new(ReviewError::NothingToFeature),
            Box::new(ReviewError::ReviewIsHidden),
            Box::new(ReviewError::ReviewNotFound),
            Box::new(ReviewError::PhotoNotFound),
        ];
        let mut errors = errors;
        errors.extend(markdown::tests::every_error().into_iter().map(|e| Box::new(e) as Box<dyn ErrorCode>));
        errors.extend(coupon::tests::every_error().into_iter().map(|e| Box::new(e) as Box<dyn ErrorCode>));
        errors.push(Box::new(crate::brain::BrowseError::InvalidViewTime));
        errors.extend(crate::supply::tests::every_error().into_iter().map(|e| Box::new(e) as Box<dyn ErrorCode>));
        errors.extend(crate::movement::tests::every_error().into_iter().map(|e| Box::new(e) as Box<dyn ErrorCode>));
        for e in &errors {
            let code = e.code();
            assert!(message_zh(code).is_some(), "no message for {code}");
            assert!(matches!(e.http_status(), 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503), "{code}");
            assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
        }
        let conflicts =
            ["sold_out", "insufficient_stock", "cap_exceeded", "idempotency_key_reused", "not_cancellable", "cutoff_passed"];
        for e in &errors {
            if conflicts.contains(&e.code()) {
                assert_eq!(e.http_status(), 409, "{}", e.code());
            }
        }
        assert_eq!(OrderError::InvalidIdempotencyKey.http_status(), 400);
        assert_eq!(IdentityError::InvalidNickname.http_status(), 422);
    }

    /// Every message has both languages, the English a sentence for people (capital
    /// first, full stop last), and no code has two.
    #[test]
    fn both_languages_cover_the_same_codes_with_sentences() {
        let mut seen = std::collections::HashSet::new();
        for (codes, zh, en) in BROWSER_MESSAGES.iter().chain(MESSAGES).chain(CONSOLE_MESSAGES) {
            assert!(!codes.is_empty() && !zh.is_empty(), "{zh}");
            assert!(en.starts_with(|c: char| c.is_ascii_uppercase()) && en.ends_with('.'), "{codes:?}: {en}");
            for code in *codes {
                assert!(seen.insert(*code), "{code} has two rows");
            }
        }
        assert!(seen.len() > 90, "{}", seen.len());
        // The English interface never shows the developer's text.
        let p = Problem::new(422, "invalid_nickname", "the nickname must be 1 to 20 characters");
        assert_eq!(p.message(Locale::En), "Please enter a nickname of 1 to 20 characters.");
        assert_eq!(p.message(Locale::ZhCn), "昵称需为1到20个字");
        let cap = Problem::from_error(&ReserveError::CapExceeded { cap: 2, already: 0 });
        assert_eq!(cap.message(Locale::En), "Limit 2 per person.");
        let tries = Problem::from_error(&PickupError::WrongCode { attempts_left: 1 });
        assert_eq!(tries.message(Locale::En), "That pickup code does not match the order. 1 try left.");
        assert_eq!(Problem::new(0, "offline", "").message(Locale::ZhCn), "网络不可用，请检查网络后重试");
        assert_eq!(Problem::from_status(502).message(Locale::En), "Something went wrong on our side. Please try again later.");
        assert_eq!(Problem::new(503, "", "").message(Locale::En), "Something went wrong on our side. Please try again later.");
    }

    /// The worker sends each problem with its words, the occurrence's numbers said, in both
    /// languages, so a resident's bundle can leave [`MESSAGES`] out.
    #[test]
    fn problems_are_sent_with_their_words() {
        let p = Problem::from_error(&TastingError::HouseholdCapReached { cap: 4, already: 3 });
        assert_eq!(
            serde_json::to_value(&p).unwrap()["messages"],
            json!({ "zh": "每户最多订4个座位，你家已订3个", "en": p.message_en() })
        );
        // A bare 502 from the worker says what a resident can do about it, too.
        let words = serde_json::to_value(Problem::from_status(502)).unwrap()["messages"]["zh"].clone();
        assert_eq!(words, json!("服务器开小差了，请稍后再试"));
    }

    /// What a browser cannot word itself it shows as the problem came: a code no table
    /// here has (as in a resident's bundle, for most), in the page's language.
    #[test]
    fn a_code_without_words_here_is_said_as_it_was_sent() {
        let sent =
            json!({ "status": 409, "code": "from_a_newer_worker", "messages": { "zh": "新情况", "en": "Something new." } });
        let p: Problem = serde_json::from_value(sent).unwrap();
        assert_eq!((p.message(Locale::ZhCn).as_str(), p.message(Locale::En).as_str()), ("新情况", "Something new."));
        // Without them, a generic message for its status class.
        let bare: Problem = serde_json::from_value(json!({ "status": 409, "code": "from_a_newer_worker" })).unwrap();
        assert_eq!(bare.message_zh(), "情况有变，请刷新后重试");
    }

    /// Every problem a resident's browser raises itself (no answer, an unreadable one, a
    /// cart line or a live offer she cannot buy) has words in every bundle.
    #[test]
    fn what_a_browser_raises_itself_is_said_in_its_bundle() {
        use crate::cart::LineAvailability;
        let lines = [
            LineAvailability::Insufficient { available: 1 },
            LineAvailability::SoldOut,
            LineAvailability::OverCap { cap: 2, already: 2 },
            LineAvailability::Unavailable,
        ];
        let transport = ["network_error", "offline", "unexpected_response", "unreadable_response"];
        let raised = lines.iter().filter_map(|l| l.problem()).map(|p| p.code).chain(transport.map(str::to_owned));
        for code in raised {
            assert!(BROWSER_MESSAGES.iter().any(|(codes, ..)| codes.contains(&code.as_str())), "{code}");
        }
        let offer_refusal = Problem::from_error(&ReserveError::CapExceeded { cap: 2, already: 2 });
        assert!(BROWSER_MESSAGES.iter().any(|(codes, ..)| codes.contains(&offer_refusal.code.as_str())));
        assert!(CONSOLE_MESSAGES.iter().any(|(codes, ..)| codes.contains(&"markdown_below_cost")));
    }

    #[test]
    fn problem_is_an_error_with_readable_display() {
        let p = Problem::new(409, "sold_out", "已售罄").with_detail("p-1");
        assert_eq!(p.to_string(), "409 sold_out: 已售罄 (p-1)");
        let _: &dyn std::error::Error = &p;
    }
}
