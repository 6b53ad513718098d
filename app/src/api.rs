//! Every call the app makes to the JSON API under `/api/v1/`. In the browser the calls go
//! over `fetch`; during server rendering the worker hands in [`ServerApi`], which runs the
//! same API in-process with the visitor's cookie, so the first paint already has the data
//! and both sides share one code path.

use serde::{de::DeserializeOwned, Serialize};
use shared_model::{
    api::{
        CancelOrderResponse, CartView, OrderList, PlaceOrderResponse, ProductList, SetCartQuantity, StockUpdate, StoreList,
        StoreOrderList, UpdateOrderStatus,
    },
    catalog::{ProductDetail, ProductSummary},
    identity::{AssistedSignInCode, DeviceCode, JoinRequest, Me, OwnerSignIn, ResidentSignIn, SignInCodeRequest, SignInCodeSent},
    order::{NewOrder, Order},
    store::Store,
    Problem,
};
use std::future::Future;

/// A failed API call: the problem the server sent, or one made up here for a fetch that got
/// no answer (`offline` when the phone says it has no network, else `network_error`) or an
/// answer this build cannot read (`unreadable_response`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ApiError(pub Problem);

impl ApiError {
    /// Stable machine code, used to pick the localized message.
    pub fn code(&self) -> &str {
        &self.0.code
    }
    /// HTTP status, 0 when the request never reached the server.
    pub fn status(&self) -> u16 {
        self.0.status
    }
    /// The request never got an answer (the server could not be reached).
    pub fn network() -> Self {
        Self(Problem::new(0, "network_error", "Network error"))
    }
    /// The request never got an answer because the phone has no network.
    pub fn offline() -> Self {
        Self(Problem::new(0, "offline", "Offline"))
    }
    /// A request that got no answer: [`ApiError::offline`] when the browser says it is
    /// offline, else [`ApiError::network`].
    pub fn no_answer() -> Self {
        if browser_offline() {
            Self::offline()
        } else {
            Self::network()
        }
    }
    /// About the connection, not about what was asked: shown in the toast and gone once
    /// the network is back (`components::problem`).
    pub fn is_connection(&self) -> bool {
        matches!(self.code(), "network_error" | "offline")
    }
    /// The server said yes (a 2xx `status`) in a body this build cannot decode: most likely
    /// a page older than the API. What was asked for may well have been done.
    pub fn unreadable(status: u16) -> Self {
        Self(Problem::new(status, "unreadable_response", "The server's answer could not be read"))
    }
    /// Whether the request may have been carried out even though it failed here: it got no
    /// answer, or a yes that could not be read. A retry must then reuse its idempotency key.
    pub fn may_have_succeeded(&self) -> bool {
        matches!(self.code(), "network_error" | "offline" | "unreadable_response")
    }
}

/// Whether the browser says it has no network (`navigator.onLine`); never on the server.
pub(crate) fn browser_offline() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().is_some_and(|w| !w.navigator().on_line())
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

pub type ApiResult<T> = Result<T, ApiError>;

/// One request as the transport sees it.
#[derive(Debug, Clone)]
pub struct RawCall {
    pub method: &'static str,
    pub path: String,
    pub body: Option<String>,
    pub idempotency_key: Option<String>,
}

/// One response as the transport sees it.
#[derive(Debug, Clone)]
pub struct RawReply {
    pub status: u16,
    pub body: String,
}

#[cfg(feature = "ssr")]
mod server_transport {
    use super::{RawCall, RawReply};
    use std::{future::Future, pin::Pin, sync::Arc};

    pub type ReplyFuture = Pin<Box<dyn Future<Output = RawReply> + Send>>;

    /// Runs an API call inside the worker during server rendering (provided as context).
    #[derive(Clone)]
    pub struct ServerApi(pub Arc<dyn Fn(RawCall) -> ReplyFuture + Send + Sync>);
}
#[cfg(feature = "ssr")]
pub use server_transport::{ReplyFuture, ServerApi};

/// Sends one call and decodes the JSON answer or the problem. Not `async fn`: the transport
/// is looked up while the reactive owner is current, before the future is first polled.
fn call<T: DeserializeOwned>(raw: RawCall) -> impl Future<Output = ApiResult<T>> + Send {
    let (method, path) = (raw.method, raw.path.clone());
    let reply = transport(raw);
    async move { decode(method, &path, reply.await) }
}

/// The answer to `method path`: the decoded body of a 2xx, else the problem it carries.
/// Status 0 is a fetch that never got an answer. A 2xx body that does not decode is its
/// own problem, logged (in the browser's console) with the decoder's complaint.
fn decode<T: DeserializeOwned>(method: &str, path: &str, reply: RawReply) -> ApiResult<T> {
    match reply.status {
        0 => Err(ApiError::no_answer()),
        200..=299 => serde_json::from_str(&reply.body).map_err(|e| {
            leptos::logging::error!("{method} {path}: {} answer not readable: {e}", reply.status);
            ApiError::unreadable(reply.status)
        }),
        status => Err(ApiError(
            serde_json::from_str(&reply.body)
                .unwrap_or_else(|_| Problem::new(status, "unexpected_response", "Unexpected response")),
        )),
    }
}

#[cfg(feature = "ssr")]
fn transport(raw: RawCall) -> impl Future<Output = RawReply> + Send {
    let api = leptos::prelude::use_context::<ServerApi>();
    async move {
        match api {
            Some(api) => (api.0)(raw).await,
            None => RawReply { status: 0, body: String::new() },
        }
    }
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn transport(raw: RawCall) -> impl Future<Output = RawReply> + Send {
    send_wrapper::SendWrapper::new(browser_fetch(raw))
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
async fn browser_fetch(raw: RawCall) -> RawReply {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let failed = RawReply { status: 0, body: String::new() };
    let init = web_sys::RequestInit::new();
    init.set_method(raw.method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let Ok(headers) = web_sys::Headers::new() else { return failed };
    let _ = headers.set("Accept", "application/json");
    if let Some(body) = &raw.body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&wasm_bindgen::JsValue::from_str(body));
    }
    if let Some(key) = &raw.idempotency_key {
        let _ = headers.set("Idempotency-Key", key);
    }
    init.set_headers(&headers);
    let Ok(request) = web_sys::Request::new_with_str_and_init(&raw.path, &init) else { return failed };
    let Some(window) = web_sys::window() else { return failed };
    let Ok(response) = JsFuture::from(window.fetch_with_request(&request)).await else { return failed };
    let Ok(response) = response.dyn_into::<web_sys::Response>() else { return failed };
    let status = response.status();
    let Ok(text) = response.text() else { return failed };
    let body = JsFuture::from(text).await.ok().and_then(|v| v.as_string()).unwrap_or_default();
    RawReply { status, body }
}

/// Native builds without a feature (tests, `cargo check`) have no transport.
#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn transport(_raw: RawCall) -> impl Future<Output = RawReply> + Send {
    async { RawReply { status: 0, body: String::new() } }
}

fn get<T: DeserializeOwned>(path: String) -> impl Future<Output = ApiResult<T>> + Send {
    call(RawCall { method: "GET", path, body: None, idempotency_key: None })
}

fn send<B: Serialize, T: DeserializeOwned>(
    method: &'static str,
    path: String,
    body: Option<&B>,
    idempotency_key: Option<String>,
) -> impl Future<Output = ApiResult<T>> + Send {
    let body = body.map(|b| serde_json::to_string(b).unwrap_or_default());
    call(RawCall { method, path, body, idempotency_key })
}

/// Percent-encodes a query value (Chinese search words included).
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

pub fn list_stores() -> impl Future<Output = ApiResult<StoreList>> + Send {
    get("/api/v1/stores".into())
}

pub fn get_store(store: &str) -> impl Future<Output = ApiResult<Store>> + Send {
    get(format!("/api/v1/stores/{store}"))
}

pub fn list_products(
    store: &str,
    category: Option<String>,
    q: Option<String>,
) -> impl Future<Output = ApiResult<ProductList>> + Send {
    let mut path = format!("/api/v1/stores/{store}/products");
    let mut sep = '?';
    if let Some(c) = category.filter(|c| !c.is_empty()) {
        path.push_str(&format!("{sep}category={}", encode_query(&c)));
        sep = '&';
    }
    if let Some(q) = q.filter(|q| !q.trim().is_empty()) {
        path.push_str(&format!("{sep}q={}", encode_query(&q)));
    }
    get(path)
}

pub fn get_product(store: &str, product: &str) -> impl Future<Output = ApiResult<ProductDetail>> + Send {
    get(format!("/api/v1/stores/{store}/products/{product}"))
}

/// The signed-in person, or `None` for a visitor.
pub fn get_me() -> impl Future<Output = ApiResult<Option<Me>>> + Send {
    let me = get::<Me>("/api/v1/me".into());
    async move {
        match me.await {
            Ok(me) => Ok(Some(me)),
            Err(e) if e.status() == 401 => Ok(None),
            Err(e) => Err(e),
        }
    }
}

pub fn join_store(store: &str, join: &JoinRequest) -> impl Future<Output = ApiResult<Me>> + Send {
    send("POST", format!("/api/v1/stores/{store}/residents"), Some(join), None)
}

pub fn sign_in_owner(sign_in: &OwnerSignIn) -> impl Future<Output = ApiResult<Me>> + Send {
    send("POST", "/api/v1/sessions".into(), Some(sign_in), None)
}

/// A resident signs in on this device with phone and a code from their other device.
pub fn sign_in_resident(store: &str, sign_in: &ResidentSignIn) -> impl Future<Output = ApiResult<Me>> + Send {
    send("POST", format!("/api/v1/stores/{store}/sessions"), Some(sign_in), None)
}

/// Texts a sign-in code to `phone`, if it is a resident's of `store` (the answer is the
/// same either way).
pub fn request_sign_in_code(store: &str, phone: &str) -> impl Future<Output = ApiResult<SignInCodeSent>> + Send {
    let ask = SignInCodeRequest { phone: phone.to_owned() };
    send("POST", format!("/api/v1/stores/{store}/sign-in-codes"), Some(&ask), None)
}

/// The owner issues a sign-in code at the counter for the resident with `phone`.
pub fn assisted_sign_in_code(store: &str, phone: &str) -> impl Future<Output = ApiResult<AssistedSignInCode>> + Send {
    let ask = SignInCodeRequest { phone: phone.to_owned() };
    send("POST", format!("/api/v1/stores/{store}/assisted-sign-in-codes"), Some(&ask), None)
}

// 心愿单

/// The store's wishes, most wanted open ones first.
pub fn list_demands(store: &str) -> impl Future<Output = ApiResult<shared_model::api::DemandList>> + Send {
    get(format!("/api/v1/stores/{store}/demands"))
}

/// A resident writes a wish.
pub fn write_demand(
    store: &str,
    new: &shared_model::community::NewDemand,
) -> impl Future<Output = ApiResult<shared_model::api::DemandCard>> + Send {
    send("POST", format!("/api/v1/stores/{store}/demands"), Some(new), None)
}

/// A resident wants a wish too (`want`), or not any more.
pub fn vote_demand(demand: &str, want: bool) -> impl Future<Output = ApiResult<shared_model::api::DemandCard>> + Send {
    send::<(), _>(if want { "PUT" } else { "DELETE" }, format!("/api/v1/demands/{demand}/vote"), None, None)
}

/// The owner answers a wish.
pub fn answer_demand(
    demand: &str,
    change: &shared_model::community::DemandChange,
) -> impl Future<Output = ApiResult<shared_model::api::DemandCard>> + Send {
    send("POST", format!("/api/v1/demands/{demand}/status-changes"), Some(change), None)
}

// 品鉴会: tastings, bookings, the door check-in and the question after the evening.

/// The store's tastings, with the viewer's bookings of the upcoming ones.
pub fn list_tastings(store: &str) -> impl Future<Output = ApiResult<shared_model::api::TastingList>> + Send {
    get(format!("/api/v1/stores/{store}/tastings"))
}

/// One tasting, with the viewer's booking.
pub fn get_tasting(tasting: &str) -> impl Future<Output = ApiResult<shared_model::api::TastingCard>> + Send {
    get(format!("/api/v1/tastings/{tasting}"))
}

/// The owner schedules a tasting.
pub fn schedule_tasting(
    store: &str,
    new: &shared_model::community::NewTasting,
) -> impl Future<Output = ApiResult<shared_model::api::TastingCard>> + Send {
    send("POST", format!("/api/v1/stores/{store}/tastings"), Some(new), None)
}

/// Books seats, or joins the waitlist.
pub fn book_tasting(
    tasting: &str,
    request: &shared_model::community::NewBooking,
) -> impl Future<Output = ApiResult<shared_model::api::TastingCard>> + Send {
    send("PUT", format!("/api/v1/tastings/{tasting}/booking"), Some(request), None)
}

/// Cancels the resident's booking.
pub fn cancel_booking(tasting: &str) -> impl Future<Output = ApiResult<shared_model::api::TastingCard>> + Send {
    send::<(), _>("DELETE", format!("/api/v1/tastings/{tasting}/booking"), None, None)
}

/// The owner's list of a tasting's bookings.
pub fn list_bookings(tasting: &str) -> impl Future<Output = ApiResult<shared_model::api::TastingBookings>> + Send {
    get(format!("/api/v1/tastings/{tasting}/bookings"))
}

/// The door screen checks in the booking whose code was typed.
pub fn check_in(
    tasting: &str,
    request: &shared_model::api::CheckInRequest,
) -> impl Future<Output = ApiResult<shared_model::api::BookingLine>> + Send {
    send("POST", format!("/api/v1/tastings/{tasting}/check-ins"), Some(request), None)
}

/// The owner calls a tasting off.
pub fn cancel_tasting(tasting: &str) -> impl Future<Output = ApiResult<shared_model::api::TastingCard>> + Send {
    send::<(), _>("POST", format!("/api/v1/tastings/{tasting}/cancellation"), None, None)
}

/// An attendee answers the question after the tasting.
pub fn answer_survey(
    tasting: &str,
    answer: &shared_model::community::NpsAnswer,
) -> impl Future<Output = ApiResult<shared_model::api::TastingCard>> + Send {
    send("POST", format!("/api/v1/tastings/{tasting}/nps"), Some(answer), None)
}

/// The store's NPS (owner).
pub fn store_nps(store: &str) -> impl Future<Output = ApiResult<shared_model::api::StoreNps>> + Send {
    get(format!("/api/v1/stores/{store}/nps"))
}

// 推荐

/// 为你推荐: the signed-in resident's next basket, `limit` picks.
pub fn recommendations(limit: usize) -> impl Future<Output = ApiResult<shared_model::api::RecommendationList>> + Send {
    get(format!("/api/v1/me/recommendations?limit={limit}"))
}

/// 凑单推荐: what goes with her cart.
pub fn cart_suggestions() -> impl Future<Output = ApiResult<shared_model::api::CartSuggestions>> + Send {
    get("/api/v1/cart/suggestions".into())
}

// 口碑

/// The store's featured reviews (邻居晒单).
pub fn featured_reviews(store: &str) -> impl Future<Output = ApiResult<shared_model::api::FeaturedReviewList>> + Send {
    get(format!("/api/v1/stores/{store}/featured-reviews"))
}

/// The resident's own reviews, hidden ones with the reason.
pub fn my_reviews() -> impl Future<Output = ApiResult<shared_model::api::ReviewList>> + Send {
    get("/api/v1/me/reviews".into())
}

/// Every review of the store (the owner).
pub fn store_reviews(store: &str) -> impl Future<Output = ApiResult<shared_model::api::ReviewList>> + Send {
    get(format!("/api/v1/stores/{store}/reviews"))
}

/// The owner features, unfeatures, hides or shows a review.
pub fn moderate_review(
    review: &str,
    action: &shared_model::community::Moderation,
) -> impl Future<Output = ApiResult<shared_model::api::ReviewCard>> + Send {
    send("POST", format!("/api/v1/reviews/{review}/moderation"), Some(action), None)
}

/// A one-time code to sign in on another device.
pub fn create_device_code() -> impl Future<Output = ApiResult<DeviceCode>> + Send {
    send::<(), _>("POST", "/api/v1/me/device-codes".into(), None, None)
}

pub fn sign_out() -> impl Future<Output = ApiResult<serde_json::Value>> + Send {
    send::<(), _>("DELETE", "/api/v1/sessions/current".into(), None, None)
}

/// The cart: a [`CartView`], or for the shop's islands an [`IslandCartView`] (on the server
/// the same type, so one reading serves both pages).
pub fn get_cart<T: DeserializeOwned>() -> impl Future<Output = ApiResult<T>> + Send {
    get("/api/v1/cart".into())
}

/// Sets a line's quantity; answered like [`get_cart`].
pub fn set_cart_quantity<T: DeserializeOwned>(product: &str, quantity: i64) -> impl Future<Output = ApiResult<T>> + Send {
    send("PUT", format!("/api/v1/cart/items/{product}"), Some(&SetCartQuantity { quantity }), None)
}

/// The cart's answer as the shop's islands read it. In the browser, briefly
/// ([`shared_model::api::CartViewBrief`]): the shop's bundle has no reader for a cart's
/// names, photos, availability, markdowns or coupons. On the server, which renders those
/// islands but never runs their actions, whole: the cart page reads it so already, and a
/// second type there would build the islands' reactive code over again for it (11 KB of
/// the worker).
#[cfg(feature = "ssr")]
pub type IslandCartView = CartView;
#[cfg(not(feature = "ssr"))]
pub type IslandCartView = shared_model::api::CartViewBrief;

/// The cart in an [`IslandCartView`].
#[cfg(feature = "ssr")]
pub type IslandCart = shared_model::cart::CartSummary;
#[cfg(not(feature = "ssr"))]
pub type IslandCart = shared_model::cart::CartBrief;

/// Adds one more of a product: the cart's quantity plus one (browser actions only).
pub async fn add_one_to_cart(product: String) -> ApiResult<IslandCartView> {
    let view: IslandCartView = get_cart().await?;
    let held = view.cart.lines.iter().find(|l| l.product_id.as_str() == product).map_or(0, |l| l.quantity);
    set_cart_quantity(&product, i64::from(held) + 1).await
}

pub fn remove_from_cart(product: &str) -> impl Future<Output = ApiResult<CartView>> + Send {
    send::<(), _>("DELETE", format!("/api/v1/cart/items/{product}"), None, None)
}

pub fn place_order(order: &NewOrder, idempotency_key: String) -> impl Future<Output = ApiResult<PlaceOrderResponse>> + Send {
    send("POST", "/api/v1/orders".into(), Some(order), Some(idempotency_key))
}

pub fn list_orders() -> impl Future<Output = ApiResult<OrderList>> + Send {
    get("/api/v1/orders".into())
}

pub fn get_order(order: &str) -> impl Future<Output = ApiResult<Order>> + Send {
    get(format!("/api/v1/orders/{order}"))
}

pub fn cancel_order(order: &str) -> impl Future<Output = ApiResult<CancelOrderResponse>> + Send {
    send::<(), _>("POST", format!("/api/v1/orders/{order}/cancellation"), None, None)
}

pub fn update_stock(store: &str, product: &str, update: &StockUpdate) -> impl Future<Output = ApiResult<ProductSummary>> + Send {
    send("PATCH", format!("/api/v1/stores/{store}/products/{product}"), Some(update), None)
}

/// One page of the store's orders for a pickup day (`YYYY-MM-DD`; the server's today
/// when `None`), only those matching `search` when it is not empty, from `cursor` on.
pub fn list_store_orders(
    store: &str,
    pickup_date: Option<String>,
    search: &str,
    cursor: Option<String>,
) -> impl Future<Output = ApiResult<StoreOrderList>> + Send {
    let mut query = vec![];
    if let Some(date) = pickup_date {
        query.push(format!("pickup_date={}", encode_query(&date)));
    }
    if !search.trim().is_empty() {
        query.push(format!("q={}", encode_query(search.trim())));
    }
    if let Some(cursor) = cursor {
        query.push(format!("cursor={}", encode_query(&cursor)));
    }
    let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
    get(format!("/api/v1/stores/{store}/orders{query}"))
}

/// The owner marks an order ready, or handed over with the resident's pickup code.
pub fn advance_order(order: &str, update: &UpdateOrderStatus) -> impl Future<Output = ApiResult<Order>> + Send {
    send("POST", format!("/api/v1/orders/{order}/status-changes"), Some(update), None)
}

// Live room (resident)

/// The store's lives for the shop strip: on air first, then upcoming, then past.
pub fn list_lives(store: &str) -> impl Future<Output = ApiResult<shared_model::api::LiveList>> + Send {
    get(format!("/api/v1/stores/{store}/lives"))
}

/// One live room as it stands, and who is looking (rendered first, then followed over the socket).
pub fn get_live(live: &str) -> impl Future<Output = ApiResult<shared_model::api::LiveDetail>> + Send {
    get(format!("/api/v1/lives/{live}"))
}

/// One-tap buy of a pinned offer. Like [`place_order`], a retry with the same
/// `idempotency_key` lands on the same order. Read briefly: the live room needs no more.
pub fn buy_live_offer(
    live: &str,
    offer: &str,
    buy: &shared_model::api::LiveBuy,
    idempotency_key: String,
) -> impl Future<Output = ApiResult<shared_model::api::PlacedOrderBrief>> + Send {
    send("POST", format!("/api/v1/lives/{live}/offers/{offer}/orders"), Some(buy), Some(idempotency_key))
}

/// The live room's answer to a buy sent over its socket (`live_socket::RoomSocket::buy`):
/// the order, or why not. The channel closes unanswered when the socket does (or the
/// answer is late), and [`buy_live_offer_over`] then asks over HTTP with the same key,
/// which can never order twice.
pub type BuyAnswer = futures::channel::oneshot::Receiver<Result<shared_model::api::OrderBrief, Problem>>;

/// One-tap buy, over the room's socket when the page sent it there (`over_socket`), else
/// (or when the socket gave no answer) with [`buy_live_offer`].
pub async fn buy_live_offer_over(
    over_socket: Option<BuyAnswer>,
    live: String,
    offer: String,
    buy: shared_model::api::LiveBuy,
    idempotency_key: String,
) -> ApiResult<shared_model::api::PlacedOrderBrief> {
    if let Some(over_socket) = over_socket {
        if let Ok(answer) = over_socket.await {
            return answer.map(|order| shared_model::api::PlacedOrderBrief { order }).map_err(ApiError);
        }
    }
    buy_live_offer(&live, &offer, &buy, idempotency_key).await
}

/// Asks to be told when a live starts (`on`), or stops asking.
pub fn set_reminder(live: &str, on: bool) -> impl Future<Output = ApiResult<shared_model::api::Reminder>> + Send {
    send::<(), _>(if on { "PUT" } else { "DELETE" }, format!("/api/v1/lives/{live}/reminder"), None, None)
}

/// The signed-in resident's notices: lives on air she asked about, her community notices
/// and how many are unread (empty for a visitor).
pub fn list_notices() -> impl Future<Output = ApiResult<shared_model::api::NoticeListBrief>> + Send {
    get("/api/v1/me/notices".into())
}

/// Marks her notices up to `up_to` read; answers how many are still unread.
pub fn mark_notices_read(up_to: i64) -> impl Future<Output = ApiResult<shared_model::api::UnreadNotices>> + Send {
    send("POST", "/api/v1/me/notices/read".into(), Some(&shared_model::api::MarkNoticesRead { up_to }), None)
}

/// What she wants to hear about.
pub fn get_preferences() -> impl Future<Output = ApiResult<shared_model::api::Preferences>> + Send {
    get("/api/v1/me/preferences".into())
}

/// Sets what she wants to hear about.
pub fn put_preferences(
    preferences: shared_model::api::Preferences,
) -> impl Future<Output = ApiResult<shared_model::api::Preferences>> + Send {
    send("PUT", "/api/v1/me/preferences".into(), Some(&preferences), None)
}

/// The store's join QR code (SVG, drawn by the edge: no encoder in the browser bundle).
pub fn join_qr_src(store: &str) -> String {
    format!("/api/v1/stores/{store}/join-qr.svg")
}

/// The room's WebSocket address on this site (`ws://` or `wss://` like the page).
#[cfg(feature = "hydrate")]
pub fn live_socket_url(live: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(format!("{scheme}://{}/api/v1/lives/{live}/socket", location.host().ok()?))
}

// Live room (owner): scheduling, running the room, the post-live summary, residents and
// KOCs. The store's lives and one room are read with `list_lives` / `get_live` above.

/// Schedules a live for the owner's store.
pub fn schedule_live(
    store: &str,
    new: &shared_model::live::NewLiveSession,
) -> impl Future<Output = ApiResult<shared_model::live::LiveSession>> + Send {
    send("POST", format!("/api/v1/stores/{store}/lives"), Some(new), None)
}

/// Goes on air (`Live`) or finishes (`Ended`).
pub fn change_live_status(
    live: &str,
    status: shared_model::live::LiveSessionStatus,
) -> impl Future<Output = ApiResult<shared_model::live::LiveSession>> + Send {
    let change = shared_model::api::LiveStatusChange { status };
    send("POST", format!("/api/v1/lives/{live}/status-changes"), Some(&change), None)
}

/// Pins a flash offer; its allotment is taken from the shelf.
pub fn pin_offer(
    live: &str,
    offer: &shared_model::live::NewOffer,
) -> impl Future<Output = ApiResult<shared_model::live::Offer>> + Send {
    send("POST", format!("/api/v1/lives/{live}/offers"), Some(offer), None)
}

/// The store's brain (今日建议, 需求雷达, 直播 SOP) as last computed.
pub fn get_brain(store: &str) -> impl Future<Output = ApiResult<shared_model::brain::StoreBrain>> + Send {
    get(format!("/api/v1/stores/{store}/brain"))
}

/// The store's 经营数据: 13 weeks of numbers and this week's best sellers.
pub fn get_numbers(store: &str) -> impl Future<Output = ApiResult<shared_model::metrics::StoreNumbers>> + Send {
    get(format!("/api/v1/stores/{store}/numbers"))
}

/// HQ's view: every store's last 7 days beside the others' and the chain's.
pub fn get_chain_numbers() -> impl Future<Output = ApiResult<shared_model::metrics::ChainNumbers>> + Send {
    get("/api/v1/chain/numbers".to_string())
}

/// The stock room: every product's shelf and the latest movements.
pub fn get_stock(store: &str) -> impl Future<Output = ApiResult<shared_model::api::StockSheet>> + Send {
    get(format!("/api/v1/stores/{store}/stock"))
}

/// 收货, sent with its attempt's key (a retry records nothing twice).
pub fn record_receipt(
    store: &str,
    receipt: &shared_model::api::RecordReceipt,
    idempotency_key: String,
) -> impl Future<Output = ApiResult<shared_model::api::MovementsRecorded>> + Send {
    send("POST", format!("/api/v1/stores/{store}/stock/receipts"), Some(receipt), Some(idempotency_key))
}

/// 报损, sent with its attempt's key.
pub fn record_write_off(
    store: &str,
    write_off: &shared_model::api::RecordWriteOff,
    idempotency_key: String,
) -> impl Future<Output = ApiResult<shared_model::api::MovementsRecorded>> + Send {
    send("POST", format!("/api/v1/stores/{store}/stock/write-offs"), Some(write_off), Some(idempotency_key))
}

/// 盘点, sent with its attempt's key.
pub fn record_count(
    store: &str,
    count: &shared_model::api::RecordCount,
    idempotency_key: String,
) -> impl Future<Output = ApiResult<shared_model::api::MovementsRecorded>> + Send {
    send("POST", format!("/api/v1/stores/{store}/stock/counts"), Some(count), Some(idempotency_key))
}

/// Counts the store's recent days again now, and answers its numbers.
pub fn refresh_numbers(store: &str) -> impl Future<Output = ApiResult<shared_model::metrics::StoreNumbers>> + Send {
    send::<(), _>("POST", format!("/api/v1/stores/{store}/numbers"), None, None)
}

/// Sets the store's selling area and staff (坪效, 人效), and answers its numbers.
pub fn set_store_size(
    store: &str,
    size: shared_model::metrics::StoreSize,
) -> impl Future<Output = ApiResult<shared_model::metrics::StoreNumbers>> + Send {
    send("PUT", format!("/api/v1/stores/{store}/size"), Some(&size), None)
}

/// Computes the store's brain again now.
pub fn refresh_brain(store: &str) -> impl Future<Output = ApiResult<shared_model::brain::StoreBrain>> + Send {
    send::<(), _>("POST", format!("/api/v1/stores/{store}/brain"), None, None)
}

/// A suggested markdown, applied: `{"product_id", "rate"}` (the answer is shown as sent).
pub fn apply_markdown(
    store: &str,
    product_id: &shared_model::ProductId,
    rate: shared_model::markdown::MarkdownRate,
) -> impl Future<Output = ApiResult<serde_json::Value>> + Send {
    let body = serde_json::json!({ "product_id": product_id, "rate": rate });
    send("POST", format!("/api/v1/stores/{store}/markdowns"), Some(&body), None)
}

/// The lowest price the product's markdowns may set (`None` takes it away).
pub fn set_markdown_floor(
    store: &str,
    product_id: &shared_model::ProductId,
    floor: Option<shared_model::money::Fen>,
) -> impl Future<Output = ApiResult<shared_model::api::MarkdownFloor>> + Send {
    let body = shared_model::api::MarkdownFloor { floor };
    send("PUT", format!("/api/v1/stores/{store}/products/{product_id}/markdown-floor"), Some(&body), None)
}

/// The returning coupon sent to the store's churning residents.
pub fn send_returning_coupons(
    store: &str,
    terms: &shared_model::coupon::CouponTerms,
) -> impl Future<Output = ApiResult<serde_json::Value>> + Send {
    send("POST", format!("/api/v1/stores/{store}/coupons/returning"), Some(terms), None)
}

/// Takes an offer down; its unsold units go back to the shelf.
pub fn unpin_offer(live: &str, offer: &str) -> impl Future<Output = ApiResult<shared_model::live::Offer>> + Send {
    send::<(), _>("POST", format!("/api/v1/lives/{live}/offers/{offer}/unpin"), None, None)
}

/// What a live sold: per offer and in total.
pub fn get_live_summary(live: &str) -> impl Future<Output = ApiResult<shared_model::live::LiveSummary>> + Send {
    get(format!("/api/v1/lives/{live}/summary"))
}

/// The store's residents, most loyal first; with `q`, those whose nickname or building
/// holds it or whose phone ends with it.
pub fn list_residents(store: &str, q: &str) -> impl Future<Output = ApiResult<shared_model::api::ResidentList>> + Send {
    get(format!("/api/v1/stores/{store}/residents?q={}", encode_query(q)))
}

/// Marks a resident as a KOC (their comments are highlighted in lives), or unmarks them.
pub fn set_koc(
    store: &str,
    person: &str,
    is_koc: bool,
) -> impl Future<Output = ApiResult<shared_model::api::ResidentSummary>> + Send {
    send("PUT", format!("/api/v1/stores/{store}/residents/{person}/koc"), Some(&shared_model::api::KocUpdate { is_koc }), None)
}
// End of live room (owner).

#[cfg(test)]
mod tests {
    use super::*;
    use shared_model::problem::message_zh;

    fn reply(status: u16, body: &str) -> RawReply {
        RawReply { status, body: body.to_string() }
    }

    #[test]
    fn decodes_a_2xx_body() {
        let store: ApiResult<serde_json::Value> = decode("GET", "/api/v1/stores", reply(200, r#"{"stores":[]}"#));
        assert_eq!(store, Ok(serde_json::json!({ "stores": [] })));
    }

    #[test]
    fn an_unreadable_2xx_is_its_own_problem_not_a_network_error() {
        let error = decode::<StoreList>("POST", "/api/v1/orders", reply(201, "<html>not json</html>")).unwrap_err();
        assert_eq!((error.code(), error.status()), ("unreadable_response", 201));
        assert!(error.may_have_succeeded(), "the order may exist: a retry must reuse its key");
        assert!(message_zh(error.code()).is_some(), "residents get a Chinese message");
    }

    #[test]
    fn no_answer_is_a_network_error() {
        let error = decode::<StoreList>("GET", "/api/v1/stores", reply(0, "")).unwrap_err();
        assert_eq!((error.code(), error.status()), ("network_error", 0));
        assert!(error.may_have_succeeded() && error.is_connection());
        assert!(ApiError::offline().is_connection() && ApiError::offline().may_have_succeeded());
        assert!(message_zh("offline").is_some());
        assert!(!ApiError::unreadable(201).is_connection());
    }

    #[test]
    fn a_refusal_carries_the_servers_problem() {
        let body = r#"{"type":"https://linli.app/problems/sold_out","title":"已售罄","status":409,"code":"sold_out"}"#;
        let error = decode::<StoreList>("POST", "/api/v1/orders", reply(409, body)).unwrap_err();
        assert_eq!((error.code(), error.status()), ("sold_out", 409));
        assert!(!error.may_have_succeeded());
        let error = decode::<StoreList>("GET", "/api/v1/stores", reply(502, "Bad gateway")).unwrap_err();
        assert_eq!((error.code(), error.status()), ("unexpected_response", 502));
    }
}

/// 备货 of the store for tomorrow: the pick list and a purchase order per supplier.
pub fn get_supply(store: &str) -> impl Future<Output = ApiResult<shared_model::api::SupplyPlan>> + Send {
    get(format!("/api/v1/stores/{store}/supply"))
}

/// The store's sent purchase orders with their attempts, and the dead-letter list.
pub fn get_supply_deliveries(store: &str) -> impl Future<Output = ApiResult<shared_model::api::SupplyDeliveries>> + Send {
    get(format!("/api/v1/stores/{store}/supply/deliveries"))
}

/// Sends a supplier's purchase order for the day (put on the queue).
pub fn send_purchase_order(
    store: &str,
    send_order: &shared_model::api::SendPurchaseOrder,
) -> impl Future<Output = ApiResult<shared_model::api::PurchaseOrderView>> + Send {
    send("POST", format!("/api/v1/stores/{store}/supply/purchase-orders"), Some(send_order), None)
}

/// Puts a dead-lettered purchase order on the queue again.
pub fn resend_purchase_order(
    store: &str,
    resend: &shared_model::api::ResendPurchaseOrder,
) -> impl Future<Output = ApiResult<shared_model::api::PurchaseOrderView>> + Send {
    send("POST", format!("/api/v1/stores/{store}/supply/resends"), Some(resend), None)
}
