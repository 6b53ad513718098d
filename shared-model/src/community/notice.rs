//! The in-app notices the community features send, each with its Chinese headline and
//! text and the app page it opens.
//!
//! Policy:
//! - A notice is written once, when its event happens, for each person it concerns, and
//!   shown in her notice list. Its kind is stored as text ([`NoticeKind`]) and its facts
//!   as JSON ([`CommunityNotice`]); the words are made when it is shown, so a wording
//!   fix reaches old notices too. The words therefore never say "today" or "tomorrow" in
//!   their body: a notice read two days late must still be true. Only the headline of
//!   the reminder, which is sent the day before, says 明天.
//! - **A wish stocked**: for everyone who voted for the wish (its author included) when
//!   the owner marks it stocked; opens the product.
//! - **Promoted from the waitlist**: for the resident whose booking a promotion
//!   confirmed; opens the tasting.
//! - **Tasting tomorrow**: for each booking confirmed at the time, once, from
//!   [`TASTING_REMINDER_HOUR`]:00 store time on the day before the tasting until it
//!   starts ([`tasting_reminder_due`]); so a booking made late the evening before is
//!   still reminded. Opens the tasting.
//! - **Review hidden**: for the author when the owner hides her review, with the reason;
//!   opens her own reviews, where she sees it and the reason.
//! - **Counter code issued**: for the resident whose phone the owner issued a sign-in
//!   code for at the counter, with when: the owner held a way into her account for ten
//!   minutes, and if it was not her at the counter she should know (and say so). Opens
//!   her orders.
//! - What a resident wrote or the owner titled is quoted in 「」, cut to
//!   [`NOTICE_EXCERPT_CHARS`] characters with `…`, so a notice stays one glance long. The
//!   owner's reason for hiding is quoted whole (at most 100 characters): it is the point
//!   of the notice.
//! - **Unread** is a notice she has not yet seen in her notice list
//!   ([`notices_path`]): opening the list marks every notice up to the newest it showed as
//!   read, and only her own. The top bar's badge shows how many are unread, hidden at 0
//!   and capped at [`MAX_BADGE_COUNT`] ([`unread_badge`]).
//! - Paths are the app's routes under the store, `/s/{store}/…`; IDs are URL-safe by
//!   their own policy, so nothing needs escaping.

use crate::{
    ids::{stored_forms, DemandId, ProductId, ReviewId, StoreId, TastingId},
    locale::{format_local, format_pickup_date, Locale},
    tagged::tag_first,
    time::{local_date, local_day_at, local_naive},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest quote of a wish or a title in a notice, in characters, `…` included.
pub const NOTICE_EXCERPT_CHARS: usize = 20;
/// The largest unread count the badge spells out; more shows as `99+`.
pub const MAX_BADGE_COUNT: u32 = 99;
/// The hour (store time) on the day before a tasting from which it is reminded.
pub const TASTING_REMINDER_HOUR: u32 = 18;

/// What a notice is about: its stored form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A wish she voted for is on sale.
    DemandStocked,
    /// Her waitlisted booking got its seats.
    PromotedFromWaitlist,
    /// Her tasting is tomorrow.
    TastingTomorrow,
    /// The owner hid her review.
    ReviewHidden,
    /// The owner issued a sign-in code for her phone at the counter.
    CounterCodeIssued,
    /// A product she kept looking at, with a small coupon for it (`brain::browse`).
    BrowseFollowUp,
}

stored_forms!(NoticeKind, "notice kind", {
    DemandStocked => "demand_stocked",
    PromotedFromWaitlist => "promoted_from_waitlist",
    TastingTomorrow => "tasting_tomorrow",
    ReviewHidden => "review_hidden",
    CounterCodeIssued => "counter_code_issued",
    BrowseFollowUp => "browse_follow_up",
});

impl NoticeKind {
    /// The notice's headline.
    pub fn headline_zh(self) -> &'static str {
        match self {
            NoticeKind::DemandStocked => "心愿上架啦",
            NoticeKind::PromotedFromWaitlist => "候补成功",
            NoticeKind::TastingTomorrow => "明天品鉴会",
            NoticeKind::ReviewHidden => "评价已被隐藏",
            NoticeKind::CounterCodeIssued => "店长发放了登录码",
            NoticeKind::BrowseFollowUp => "送你一张专用券",
        }
    }
}

tag_first! {
    tag = "kind";
    /// A notice with the facts its words and link need.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum CommunityNotice {
        /// A wish she voted for is on sale.
        DemandStocked {
            /// The wish.
            demand_id: DemandId,
            /// What the wish said.
            demand_text: String,
            /// The product now sold.
            product_id: ProductId,
            /// Its name.
            product_name: String,
        },
        /// Her waitlisted booking got its seats.
        PromotedFromWaitlist {
            /// The tasting.
            tasting_id: TastingId,
            /// Its title.
            title: String,
            /// When it starts.
            #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
            starts_at: DateTime<Utc>,
            /// Seats now hers.
            seats: u32,
        },
        /// Her tasting is tomorrow.
        TastingTomorrow {
            /// The tasting.
            tasting_id: TastingId,
            /// Its title.
            title: String,
            /// When it starts.
            #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
            starts_at: DateTime<Utc>,
            /// Where.
            place: String,
        },
        /// The owner hid her review.
        ReviewHidden {
            /// The review.
            review_id: ReviewId,
            /// The product it was about.
            product_id: ProductId,
            /// Its name.
            product_name: String,
            /// The owner's reason.
            reason: String,
        },
        /// The owner issued a sign-in code for her phone at the counter.
        CounterCodeIssued {
            /// When.
            #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
            issued_at: DateTime<Utc>,
        },
        /// A product she kept looking at, and the coupon for it that came with this notice.
        BrowseFollowUp {
            /// The product.
            product_id: ProductId,
            /// Its name.
            product_name: String,
            /// The coupon's money off.
            amount: crate::Fen,
            /// Its last usable day, store time.
            #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
            usable_through: chrono::NaiveDate,
        },
    }
}

impl CommunityNotice {
    /// Its kind, as stored.
    pub fn kind(&self) -> NoticeKind {
        match self {
            CommunityNotice::DemandStocked { .. } => NoticeKind::DemandStocked,
            CommunityNotice::PromotedFromWaitlist { .. } => NoticeKind::PromotedFromWaitlist,
            CommunityNotice::TastingTomorrow { .. } => NoticeKind::TastingTomorrow,
            CommunityNotice::ReviewHidden { .. } => NoticeKind::ReviewHidden,
            CommunityNotice::CounterCodeIssued { .. } => NoticeKind::CounterCodeIssued,
            CommunityNotice::BrowseFollowUp { .. } => NoticeKind::BrowseFollowUp,
        }
    }

    /// The headline ([`NoticeKind::headline_zh`]).
    pub fn headline_zh(&self) -> &'static str {
        self.kind().headline_zh()
    }

    /// The words of the notice, in store time.
    pub fn text_zh(&self) -> String {
        match self {
            CommunityNotice::DemandStocked { demand_text, product_name, .. } => {
                format!("你想要的「{}」上架了：{}，快去看看吧", excerpt(demand_text, NOTICE_EXCERPT_CHARS), product_name)
            }
            CommunityNotice::PromotedFromWaitlist { title, starts_at, seats, .. } => format!(
                "「{}」已为你留好{}个座位，{}开始，请准时到场",
                excerpt(title, NOTICE_EXCERPT_CHARS),
                seats,
                format_local(Locale::ZhCn, *starts_at)
            ),
            CommunityNotice::TastingTomorrow { title, starts_at, place, .. } => format!(
                "「{}」{} {}开始，地点：{}。到场请出示签到码",
                excerpt(title, NOTICE_EXCERPT_CHARS),
                format_pickup_date(Locale::ZhCn, local_date(*starts_at)),
                local_naive(*starts_at).format("%H:%M"),
                place
            ),
            CommunityNotice::ReviewHidden { product_name, reason, .. } => {
                format!("你对「{}」的评价已被店长隐藏，原因：{}", excerpt(product_name, NOTICE_EXCERPT_CHARS), reason)
            }
            CommunityNotice::CounterCodeIssued { issued_at } => format!(
                "店长于{} 在柜台为你的手机号发放了登录码。如果不是你本人在店里，请告诉店长或总部",
                format_local(Locale::ZhCn, *issued_at)
            ),
            CommunityNotice::BrowseFollowUp { product_name, amount, usable_through, .. } => format!(
                "你看了好几次的「{}」，送你一张{}专用券，{}前下单可用",
                excerpt(product_name, NOTICE_EXCERPT_CHARS),
                amount,
                crate::locale::format_month_day(Locale::ZhCn, *usable_through)
            ),
        }
    }

    /// The app page it opens, in `store`.
    pub fn path(&self, store: &StoreId) -> String {
        match self {
            CommunityNotice::DemandStocked { product_id, .. } | CommunityNotice::BrowseFollowUp { product_id, .. } => {
                product_path(store, product_id)
            }
            CommunityNotice::PromotedFromWaitlist { tasting_id, .. } | CommunityNotice::TastingTomorrow { tasting_id, .. } => {
                tasting_path(store, tasting_id)
            }
            CommunityNotice::ReviewHidden { .. } => my_reviews_path(store),
            CommunityNotice::CounterCodeIssued { .. } => format!("/s/{store}/orders"),
        }
    }
}

/// `text` as is when it has at most `max` characters, else its first `max - 1` and `…`.
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A product's page: `/s/{store}/p/{product}`.
pub fn product_path(store: &StoreId, product: &ProductId) -> String {
    format!("/s/{store}/p/{product}")
}

/// A tasting's page: `/s/{store}/tastings/{tasting}`.
pub fn tasting_path(store: &StoreId, tasting: &TastingId) -> String {
    format!("/s/{store}/tastings/{tasting}")
}

/// The resident's own reviews, hidden ones with their reasons: `/s/{store}/me/reviews`.
pub fn my_reviews_path(store: &StoreId) -> String {
    format!("/s/{store}/me/reviews")
}

/// The resident's notice list: `/s/{store}/me/notices`.
pub fn notices_path(store: &StoreId) -> String {
    format!("/s/{store}/me/notices")
}

/// What the top bar's badge says for `unread` notices: nothing at 0, the number up to
/// [`MAX_BADGE_COUNT`], then `99+`.
pub fn unread_badge(unread: u32) -> Option<String> {
    match unread {
        0 => None,
        n if n <= MAX_BADGE_COUNT => Some(n.to_string()),
        _ => Some(format!("{MAX_BADGE_COUNT}+")),
    }
}

/// When the reminder of a tasting starting at `starts_at` is first due:
/// [`TASTING_REMINDER_HOUR`]:00 store time on the day before (saturating at the ends of
/// the calendar).
pub fn tasting_reminder_at(starts_at: DateTime<Utc>) -> DateTime<Utc> {
    local_day_at(starts_at, -1, TASTING_REMINDER_HOUR).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Whether the reminder is due at `now`: from [`tasting_reminder_at`] until the start.
/// The worker sends it once per confirmed booking.
pub fn tasting_reminder_due(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    tasting_reminder_at(starts_at) <= now && now < starts_at
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn store() -> StoreId {
        StoreId::parse("s-1").unwrap()
    }

    fn tasting() -> TastingId {
        TastingId::parse("t-1").unwrap()
    }

    /// 19:00 store time on Thursday 26 November 2026.
    fn starts() -> DateTime<Utc> {
        utc("2026-11-26T19:00:00+08:00")
    }

    #[test]
    fn a_stocked_wish_opens_the_product() {
        let n = CommunityNotice::DemandStocked {
            demand_id: DemandId::parse("d-1").unwrap(),
            demand_text: "想要崇明白扁豆，一次买两斤，最好是今年的新豆子，谢谢店长".into(),
            product_id: ProductId::parse("p-bean").unwrap(),
            product_name: "崇明白扁豆 500g".into(),
        };
        assert_eq!(n.kind(), NoticeKind::DemandStocked);
        assert_eq!(n.headline_zh(), "心愿上架啦");
        assert_eq!(n.text_zh(), "你想要的「想要崇明白扁豆，一次买两斤，最好是今年…」上架了：崇明白扁豆 500g，快去看看吧");
        assert_eq!(n.path(&store()), "/s/s-1/p/p-bean");
    }

    #[test]
    fn a_promotion_says_the_seats_and_time() {
        let n = CommunityNotice::PromotedFromWaitlist {
            tasting_id: tasting(),
            title: "崇明白扁豆 试吃会".into(),
            starts_at: starts(),
            seats: 2,
        };
        assert_eq!(n.headline_zh(), "候补成功");
        assert_eq!(n.text_zh(), "「崇明白扁豆 试吃会」已为你留好2个座位，11月26日 19:00开始，请准时到场");
        assert_eq!(n.path(&store()), "/s/s-1/tastings/t-1");
    }

    #[test]
    fn the_reminder_names_the_day_not_tomorrow() {
        let n = CommunityNotice::TastingTomorrow {
            tasting_id: tasting(),
            title: "崇明白扁豆 试吃会".into(),
            starts_at: starts(),
            place: "店内二楼品鉴区".into(),
        };
        assert_eq!(n.headline_zh(), "明天品鉴会");
        assert_eq!(n.text_zh(), "「崇明白扁豆 试吃会」11月26日 周四 19:00开始，地点：店内二楼品鉴区。到场请出示签到码");
        assert!(!n.text_zh().contains("明天"));
        assert_eq!(n.path(&store()), "/s/s-1/tastings/t-1");
    }

    #[test]
    fn a_hidden_review_says_why() {
        let n = CommunityNotice::ReviewHidden {
            review_id: ReviewId::parse("v-1").unwrap(),
            product_id: ProductId::parse("p-egg").unwrap(),
            product_name: "土鸡蛋".into(),
            reason: "含有其他店铺的广告".into(),
        };
        assert_eq!(n.headline_zh(), "评价已被隐藏");
        assert_eq!(n.text_zh(), "你对「土鸡蛋」的评价已被店长隐藏，原因：含有其他店铺的广告");
        assert_eq!(n.path(&store()), "/s/s-1/me/reviews");
    }

    #[test]
    fn a_counter_code_tells_the_resident_when() {
        let n = CommunityNotice::CounterCodeIssued { issued_at: utc("2026-11-26T15:05:00+08:00") };
        assert_eq!(n.headline_zh(), "店长发放了登录码");
        assert_eq!(n.text_zh(), "店长于11月26日 15:05 在柜台为你的手机号发放了登录码。如果不是你本人在店里，请告诉店长或总部");
        assert_eq!(n.path(&store()), "/s/s-1/orders");
    }

    #[test]
    fn notices_round_trip_with_their_kind() {
        let n =
            CommunityNotice::PromotedFromWaitlist {
                tasting_id: tasting(), title: "试吃".into(), starts_at: starts(), seats: 3
            };
        let json = serde_json::to_value(&n).unwrap();
        assert_eq!(json["kind"], n.kind().as_str());
        assert_eq!(json["starts_at"], "2026-11-26T11:00:00Z");
        assert_eq!(serde_json::from_value::<CommunityNotice>(json).unwrap(), n);
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.as_str()), Ok(k));
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.as_str()));
        }
        assert!(NoticeKind::parse("live_started").is_err());
    }

    #[test]
    fn the_badge_hides_at_zero_and_caps_at_99() {
        assert_eq!(unread_badge(0), None);
        assert_eq!(unread_badge(1).as_deref(), Some("1"));
        assert_eq!(unread_badge(99).as_deref(), Some("99"));
        assert_eq!(unread_badge(100).as_deref(), Some("99+"));
        assert_eq!(unread_badge(u32::MAX).as_deref(), Some("99+"));
        assert_eq!(notices_path(&store()), "/s/s-1/me/notices");
    }

    #[test]
    fn excerpts_count_characters() {
        assert_eq!(excerpt(" 土鸡蛋 ", 20), "土鸡蛋");
        assert_eq!(excerpt(&"豆".repeat(20), 20), "豆".repeat(20));
        assert_eq!(excerpt(&"豆".repeat(21), 20), format!("{}…", "豆".repeat(19)));
        assert_eq!(excerpt(&"豆".repeat(21), 20).chars().count(), 20);
        assert_eq!(excerpt("abc", 0), "…");
    }

    #[test]
    fn reminders_are_due_from_six_the_evening_before() {
        assert_eq!(tasting_reminder_at(starts()), utc("2026-11-25T18:00:00+08:00"));
        // A morning tasting: still the evening before, across a month end.
        assert_eq!(tasting_reminder_at(utc("2026-12-01T09:30:00+08:00")), utc("2026-11-30T18:00:00+08:00"));
        // Just after midnight store time (still the day before in UTC).
        assert_eq!(tasting_reminder_at(utc("2026-11-26T00:30:00+08:00")), utc("2026-11-25T18:00:00+08:00"));
        let at = tasting_reminder_at(starts());
        assert!(!tasting_reminder_due(starts(), at - Duration::seconds(1)));
        assert!(tasting_reminder_due(starts(), at));
        assert!(tasting_reminder_due(starts(), starts() - Duration::seconds(1)), "a booking made late is still reminded");
        assert!(!tasting_reminder_due(starts(), starts()));
        // The ends of the calendar do not panic.
        let _ = tasting_reminder_at(DateTime::<Utc>::MIN_UTC);
        let _ = tasting_reminder_at(DateTime::<Utc>::MAX_UTC);
    }

    #[test]
    fn a_browse_follow_up_names_the_product_its_coupon_and_last_day() {
        let n = CommunityNotice::BrowseFollowUp {
            product_id: ProductId::parse("p-grape").unwrap(),
            product_name: "阳光玫瑰葡萄".into(),
            amount: crate::Fen::from_fen(300),
            usable_through: chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
        };
        assert_eq!(n.headline_zh(), "送你一张专用券");
        assert_eq!(n.text_zh(), "你看了好几次的「阳光玫瑰葡萄」，送你一张¥3.00专用券，12月5日前下单可用");
        assert_eq!(n.path(&store()), "/s/s-1/p/p-grape");
    }
}
