//! Browse-and-leave: a resident who kept looking at a product and did not order it gets
//! one notice with a small coupon for it, about a day later.
//!
//! Rules, in the order they apply, per (resident, product):
//! 1. **Interest.** Her views of the product's page in the [`BROWSE_WINDOW_HOURS`] up to
//!    her last view: at least [`MIN_VIEWS`] views, or at least [`LONG_VIEW_SECONDS`] on
//!    the page in all.
//! 2. **Not ordered.** No order of hers holds the product, placed from her first counted
//!    view on (an order before it is an old purchase, not this one's answer).
//! 3. **About 24 hours later.** Due from [`FOLLOW_UP_AFTER_HOURS`] after her last view; a
//!    follow-up not sent within [`FOLLOW_UP_STALE_HOURS`] of that view is dropped (a note
//!    about something she looked at last week is noise).
//! 4. **At most once per product per week**: not if she was sent one for the product in
//!    the last [`FOLLOW_UP_EVERY_DAYS`] days.
//! 5. **Never** if she turned these notices off.
//! 6. **Still for sale**: the product on sale with stock, at a price of at least
//!    [`MIN_PRICE_FOR_COUPON`] (the coupon must be small next to the price).
//! 7. **The coupon** ([`follow_up_coupon`]): for that product only, no threshold, valid
//!    [`FOLLOW_UP_COUPON_DAYS`] days, a tenth of the price in whole yuan, at least ¥1 and
//!    at most [`MAX_FOLLOW_UP_COUPON`].
//!
//! A view's time on the page comes from the page itself, while she reads and as she
//! leaves ([`counted_seconds`]): added to her latest view of that product within the hour,
//! at most [`MAX_VIEW_SECONDS`] (a page left open on the table is not an hour of interest).
//!
//! The list is ordered by last view, then person and product, so a run is repeatable.

use crate::{
    coupon::CouponTerms,
    ids::{PersonId, ProductId},
    money::Fen,
};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Hours of views looked at, up to the last one.
pub const BROWSE_WINDOW_HOURS: i64 = 72;
/// Views that show interest.
pub const MIN_VIEWS: u32 = 3;
/// Seconds on the page, in all, that show interest.
pub const LONG_VIEW_SECONDS: u32 = 90;
/// The most seconds one view counts, and how long after opening a page its time may
/// still be reported.
pub const MAX_VIEW_SECONDS: u32 = 3600;
/// The longest time a page may report (a day); longer is not a look but a fault.
pub const MAX_REPORTED_SECONDS: u32 = 86_400;
/// Hours after the last view the follow-up is due.
pub const FOLLOW_UP_AFTER_HOURS: i64 = 24;
/// Hours after the last view a follow-up is no longer sent.
pub const FOLLOW_UP_STALE_HOURS: i64 = 48;
/// At most one follow-up per product in this many days.
pub const FOLLOW_UP_EVERY_DAYS: i64 = 7;
/// Days the follow-up's coupon is valid.
pub const FOLLOW_UP_COUPON_DAYS: u32 = 3;
/// The largest follow-up coupon: ¥5.
pub const MAX_FOLLOW_UP_COUPON: Fen = Fen::from_fen(500);
/// Products cheaper than this get no follow-up: ¥3.
pub const MIN_PRICE_FOR_COUPON: Fen = Fen::from_fen(300);

/// One view of a product's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductView {
    /// Who looked.
    pub person: PersonId,
    /// At what.
    pub product_id: ProductId,
    /// When the page was opened.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub at: DateTime<Utc>,
    /// Seconds it stayed open (0 when unknown).
    pub seconds: u32,
}

/// A product a resident ordered, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ordered {
    /// Who.
    pub person: PersonId,
    /// What.
    pub product_id: ProductId,
    /// When the order was placed.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub at: DateTime<Utc>,
}

/// What the rules read, besides the views.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowseFacts {
    /// Page views, any order.
    pub views: Vec<ProductView>,
    /// Orders' products since the window opened (not cancelled).
    pub ordered: Vec<Ordered>,
    /// Follow-ups already sent (who, what, when).
    pub sent: Vec<Ordered>,
    /// Residents who turned these notices off.
    pub opted_out: BTreeSet<PersonId>,
    /// Products on sale with stock, with their current price.
    pub on_sale: BTreeMap<ProductId, Fen>,
}

/// A follow-up to send now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrowseFollowUp {
    /// To whom.
    pub person: PersonId,
    /// About what.
    pub product_id: ProductId,
    /// Views counted.
    pub views: u32,
    /// Seconds on the page counted.
    pub seconds: u32,
    /// Her last view.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub last_viewed_at: DateTime<Utc>,
    /// The coupon to issue with it.
    pub coupon: CouponTerms,
}

/// The seconds a view reported as `reported` seconds on the page counts: at most
/// [`MAX_VIEW_SECONDS`]; a report over [`MAX_REPORTED_SECONDS`] is refused.
pub fn counted_seconds(reported: u32) -> Result<u32, BrowseError> {
    if reported > MAX_REPORTED_SECONDS {
        return Err(BrowseError::InvalidViewTime);
    }
    Ok(reported.min(MAX_VIEW_SECONDS))
}

/// Why a report of time on a page is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BrowseError {
    /// More than [`MAX_REPORTED_SECONDS`].
    #[error("a page reports at most a day on it")]
    InvalidViewTime,
}

impl BrowseError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        "invalid_view_time"
    }
    /// Always 422: the request is well-formed but its number is not a look.
    pub fn http_status(&self) -> u16 {
        422
    }
    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        Some("seconds")
    }
}

crate::problem::impl_error_code!(BrowseError, field);

/// The coupon for a product at `price` (rule 7), `None` below [`MIN_PRICE_FOR_COUPON`].
pub fn follow_up_coupon(product_id: &ProductId, price: Fen) -> Option<CouponTerms> {
    if price < MIN_PRICE_FOR_COUPON {
        return None;
    }
    let tenth_in_yuan = price.fen() / 10 / 100 * 100;
    let amount = Fen::from_fen(tenth_in_yuan.clamp(100, MAX_FOLLOW_UP_COUPON.fen()));
    Some(CouponTerms { amount, threshold: Fen::ZERO, product_id: Some(product_id.clone()), valid_days: FOLLOW_UP_COUPON_DAYS })
}

/// The follow-ups due at `now` (see the module doc).
pub fn browse_follow_ups(facts: &BrowseFacts, now: DateTime<Utc>) -> Vec<BrowseFollowUp> {
    let mut by_pair: BTreeMap<(&PersonId, &ProductId), Vec<&ProductView>> = BTreeMap::new();
    for view in facts.views.iter().filter(|v| v.at <= now) {
        by_pair.entry((&view.person, &view.product_id)).or_default().push(view);
    }
    let mut due = Vec::new();
    for ((person, product), views) in by_pair {
        let Some(last) = views.iter().map(|v| v.at).max() else { continue };
        let counted: Vec<&&ProductView> = views.iter().filter(|v| last - v.at <= Duration::hours(BROWSE_WINDOW_HOURS)).collect();
        let first = counted.iter().map(|v| v.at).min().unwrap_or(last);
        let count = u32::try_from(counted.len()).unwrap_or(u32::MAX);
        let seconds = counted.iter().fold(0u32, |s, v| s.saturating_add(v.seconds));
        let same = |o: &&Ordered| &o.person == person && &o.product_id == product;
        let interested = count >= MIN_VIEWS || seconds >= LONG_VIEW_SECONDS;
        let ordered = facts.ordered.iter().filter(same).any(|o| o.at >= first);
        let timely = now - last >= Duration::hours(FOLLOW_UP_AFTER_HOURS) && now - last < Duration::hours(FOLLOW_UP_STALE_HOURS);
        let sent_lately = facts.sent.iter().filter(same).any(|s| now - s.at < Duration::days(FOLLOW_UP_EVERY_DAYS));
        let coupon = facts.on_sale.get(product).and_then(|price| follow_up_coupon(product, *price));
        if let (true, false, true, false, false, Some(coupon)) =
            (interested, ordered, timely, sent_lately, facts.opted_out.contains(person), coupon)
        {
            due.push(BrowseFollowUp {
                person: person.clone(),
                product_id: product.clone(),
                views: count,
                seconds,
                last_viewed_at: last,
                coupon,
            });
        }
    }
    due.sort_by(|a, b| {
        a.last_viewed_at.cmp(&b.last_viewed_at).then_with(|| (&a.person, &a.product_id).cmp(&(&b.person, &b.product_id)))
    });
    due
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 10, 0, 0, 0).unwrap() + Duration::hours(h)
    }
    fn li() -> PersonId {
        PersonId::parse("li").unwrap()
    }
    fn berry() -> ProductId {
        ProductId::parse("p-berry").unwrap()
    }
    fn view(h: i64, seconds: u32) -> ProductView {
        ProductView { person: li(), product_id: berry(), at: t(h), seconds }
    }
    /// 李: three quick looks at the ¥39.90 blueberries, the last at hour 10.
    fn facts() -> BrowseFacts {
        BrowseFacts {
            views: vec![view(0, 10), view(5, 10), view(10, 10)],
            on_sale: [(berry(), Fen::from_fen(3990))].into(),
            ..BrowseFacts::default()
        }
    }

    #[test]
    fn a_view_counts_at_most_an_hour() {
        assert_eq!(counted_seconds(95), Ok(95));
        assert_eq!(counted_seconds(MAX_REPORTED_SECONDS), Ok(MAX_VIEW_SECONDS));
        assert_eq!(counted_seconds(MAX_REPORTED_SECONDS + 1), Err(BrowseError::InvalidViewTime));
        // One long look is interest enough.
        let long = BrowseFacts { views: vec![view(10, counted_seconds(100).unwrap())], ..facts() };
        assert_eq!(browse_follow_ups(&long, t(34)).len(), 1);
        let short = BrowseFacts { views: vec![view(10, 60)], ..facts() };
        assert!(browse_follow_ups(&short, t(34)).is_empty(), "one short look is not");
    }

    #[test]
    fn three_looks_and_no_order_give_one_follow_up_a_day_later() {
        let facts = facts();
        assert!(browse_follow_ups(&facts, t(33)).is_empty(), "23 hours after the last look");
        let due = browse_follow_ups(&facts, t(34));
        assert_eq!(due.len(), 1);
        let f = &due[0];
        assert_eq!((f.views, f.seconds, f.last_viewed_at), (3, 30, t(10)));
        // A tenth of ¥39.90 in whole yuan: ¥3, for the blueberries only, 3 days, 无门槛.
        assert_eq!(
            f.coupon,
            CouponTerms { amount: Fen::from_fen(300), threshold: Fen::ZERO, product_id: Some(berry()), valid_days: 3 }
        );
        assert!(f.coupon.validate(crate::coupon::CouponKind::BrowseFollowUp).is_ok());
        assert!(browse_follow_ups(&facts, t(58)).is_empty(), "48 hours after: stale");
    }

    #[test]
    fn one_long_look_is_interest_too_but_two_short_ones_are_not() {
        let long = BrowseFacts { views: vec![view(10, 95)], ..facts() };
        assert_eq!(browse_follow_ups(&long, t(34)).len(), 1);
        let two = BrowseFacts { views: vec![view(5, 20), view(10, 20)], ..facts() };
        assert!(browse_follow_ups(&two, t(34)).is_empty());
        // Views older than 72 hours before the last do not count.
        let spread = BrowseFacts { views: vec![view(-80, 10), view(5, 10), view(10, 10)], ..facts() };
        assert!(browse_follow_ups(&spread, t(34)).is_empty());
    }

    #[test]
    fn an_order_since_the_first_look_a_recent_follow_up_or_opting_out_stops_it() {
        let order = |h| Ordered { person: li(), product_id: berry(), at: t(h) };
        let bought = BrowseFacts { ordered: vec![order(12)], ..facts() };
        assert!(browse_follow_ups(&bought, t(34)).is_empty());
        let bought_long_ago = BrowseFacts { ordered: vec![order(-100)], ..facts() };
        assert_eq!(browse_follow_ups(&bought_long_ago, t(34)).len(), 1);
        let sent = BrowseFacts { sent: vec![order(34 - 24 * 6)], ..facts() };
        assert!(browse_follow_ups(&sent, t(34)).is_empty(), "6 days ago");
        let sent = BrowseFacts { sent: vec![order(34 - 24 * 7)], ..facts() };
        assert_eq!(browse_follow_ups(&sent, t(34)).len(), 1, "7 days ago");
        let off = BrowseFacts { opted_out: [li()].into(), ..facts() };
        assert!(browse_follow_ups(&off, t(34)).is_empty());
    }

    #[test]
    fn only_products_still_on_sale_and_not_too_cheap() {
        let gone = BrowseFacts { on_sale: BTreeMap::new(), ..facts() };
        assert!(browse_follow_ups(&gone, t(34)).is_empty());
        assert_eq!(follow_up_coupon(&berry(), Fen::from_fen(299)), None);
        assert_eq!(follow_up_coupon(&berry(), Fen::from_fen(300)).map(|c| c.amount), Some(Fen::from_fen(100)));
        assert_eq!(follow_up_coupon(&berry(), Fen::from_fen(1990)).map(|c| c.amount), Some(Fen::from_fen(100)));
        assert_eq!(follow_up_coupon(&berry(), Fen::from_fen(2000)).map(|c| c.amount), Some(Fen::from_fen(200)));
        assert_eq!(follow_up_coupon(&berry(), Fen::from_fen(99_900)).map(|c| c.amount), Some(Fen::from_fen(500)));
    }
}
