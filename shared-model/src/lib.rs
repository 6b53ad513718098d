//! Linli's domain, shared by the edge worker (server) and the Leptos app (browser).
//!
//! Pure Rust with no transport and no clock: every rule takes plain values, "now"
//! included, so the same code decides on the server and previews in the browser, and is
//! unit-tested here at the cheapest level.
//!
//! - [`money`]: [`Fen`], integer money shown as `¥12.80`.
//! - [`ids`]: validated string ID newtypes.
//! - [`time`]: the store's time zone and the 22:00 ordering cut-off.
//! - [`locale`]: the two interface languages, and dates, times and counts said in each.
//! - [`catalog`], [`store`], [`identity`], [`cart`], [`stock`], [`order`], [`live`]: one
//!   domain each, with its types, rules and thiserror enum.
//! - [`community`]: wishes and votes, tastings and bookings, NPS, buyers' reviews, notices.
//! - [`brain`]: the owner's daily brain: the demand radar, churn, browse-and-leave
//!   follow-ups, and the ranked 今日建议 with the 直播 SOP.
//! - [`markdown`]: 临期特价, from the owner's markdown plan to the price an order pays.
//! - [`coupon`]: coupon terms, who may use one, and how it changes an order's total.
//! - [`metrics`]: 经营数据, the weekly numbers of a store or the chain from daily rollups.
//! - [`supply`]: the pick list, what to order from a supplier, and the stock ledger's rule.
//! - [`movement`]: 收货, 报损 and 盘点, the stock movements an owner records.
//! - [`access`]: who may do what, for the worker and the app alike.
//! - [`pickup`]: the owner's pickup counter (paging, search, wrong-code limits).
//! - [`sms`]: sign-in codes by text message, their limits, and the gateway's signed request.
//! - [`session`]: sealed session cookies (the holder's claims, signed).
//! - [`mac`]: the one keyed hash (HMAC-SHA256) behind codes and seals.
//! - [`text`]: what typed text others will read may hold (one line, free text).
//! - [`throttle`]: abuse limits (sign-in attempts, joins, live comments) and their back-off.
//! - [`problem`]: the one error envelope (RFC 9457) and [`problem::ErrorCode`].
//! - [`api`]: request and response bodies of the JSON API.
#![forbid(unsafe_code)]

pub mod access;
pub mod api;
pub mod brain;
pub mod cart;
pub mod catalog;
pub mod community;
pub mod coupon;
pub mod identity;
pub mod ids;
pub mod live;
pub mod locale;
pub mod mac;
pub mod markdown;
pub mod metrics;
pub mod money;
pub mod movement;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod order;
pub mod pickup;
pub mod problem;
pub mod recommend;
pub mod session;
pub mod sms;
pub mod stock;
pub mod store;
pub mod supply;
mod tagged;
mod text;
pub mod throttle;
pub mod time;

pub use ids::{
    BookingId, CategoryId, CouponId, DemandId, IdError, LiveSessionId, OfferId, OrderId, ParseEnumError, PersonId, PhotoId,
    PickupPointId, ProductId, PurchaseOrderId, ReviewId, StoreId, SupplierId, TastingId,
};
pub use money::Fen;
pub use problem::{ErrorCode, FieldError, Problem};
