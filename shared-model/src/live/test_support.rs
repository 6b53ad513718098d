//! Fixtures shared by the live-room tests in several files: a fixed "now" (20:00 store
//! time), a session, a product and an offer built the way the room builds them.
//!
//! Test-only; each file's own tests keep the helpers only they use.

use super::{
    offer::{NewOffer, Offer},
    session::{LiveSession, LiveSessionStatus, NewLiveSession},
};
use crate::{
    catalog::{ProductSummary, StockState},
    ids::{CategoryId, LiveSessionId, OfferId, ProductId, StoreId},
    money::Fen,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};

pub(super) fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// 20:00 local on 25 November 2026.
pub(super) fn now() -> DateTime<Utc> {
    utc("2026-11-25T20:00:00+08:00")
}

pub(super) fn secs(n: i64) -> Duration {
    Duration::seconds(n)
}

pub(super) fn new_session() -> NewLiveSession {
    NewLiveSession {
        title: " 今晚8点 寿光白菜专场 ".into(),
        starts_at: now(),
        cover_url: Some("/images/live/cover.png".into()),
        stream_url: None,
    }
}

pub(super) fn session(status: LiveSessionStatus) -> LiveSession {
    let mut s = LiveSession::schedule(
        LiveSessionId::parse("l-1").unwrap(),
        StoreId::parse("s-1").unwrap(),
        new_session().validate(now()).unwrap(),
    );
    s.status = status;
    s
}

pub(super) fn product() -> ProductSummary {
    ProductSummary {
        id: ProductId::parse("p-cabbage").unwrap(),
        store_id: StoreId::parse("s-1").unwrap(),
        name: "本地小白菜".into(),
        category_id: CategoryId::parse("veg").unwrap(),
        unit: "500g".into(),
        price: Fen::from_fen(1580),
        available: 40,
        stock_state: StockState::InStock,
        image_url: "/images/products/p-cabbage.svg".into(),
        origin: "山东寿光".into(),
        best_before: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        test_report: None,
        per_buyer_cap: None,
        markdown: None,
    }
}

/// Opens at now, closes 10 minutes later; ¥9.90, ¥8.80 for returning customers.
pub(super) fn new_offer() -> NewOffer {
    NewOffer {
        product_id: ProductId::parse("p-cabbage").unwrap(),
        flash_price: Fen::from_fen(990),
        returning_price: Some(Fen::from_fen(880)),
        allotted: 10,
        per_buyer_cap: Some(3),
        opens_at: now(),
        closes_at: now() + Duration::minutes(10),
        gift: Some(" 送葱一把 ".into()),
    }
}

pub(super) fn offer() -> Offer {
    Offer::pin(OfferId::parse("f-1").unwrap(), &session(LiveSessionStatus::Live), &product(), &new_offer(), now()).unwrap()
}
