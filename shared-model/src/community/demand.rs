//! 心愿单 (wishlist): a resident asks her store for something it does not sell yet, the
//! neighbours who want it too add their vote, and the owner answers: sourcing it,
//! stocking it, or saying why not.
//!
//! Policy, in the order the rules apply:
//! 1. **Writing a wish.** 2..=[`MAX_DEMAND_CHARS`] characters (trimmed, one line, no
//!    control characters), optionally one of the store's categories and a rough price she
//!    would pay, typed in yuan (`12.5`, `¥12.50`) and read exactly by
//!    [`Fen::parse_yuan`]: above 0 and at most [`MAX_DEMAND_PRICE`] (¥9999). A blank
//!    price is no price. The checks run in that order: text, category, price.
//! 2. **Open wishes per resident.** At most [`MAX_OPEN_DEMANDS`] of hers may be
//!    collecting at once ([`check_open_demands`]), so one person cannot flood the board;
//!    as soon as the owner answers one she may write another.
//! 3. **Her own vote.** A new wish starts at one vote, its author's: wanting it is why she
//!    wrote it, and "1人想要" is the truth. The worker writes her vote row with the wish,
//!    so the count is always the number of vote rows, and she cannot take it back
//!    (`own_demand_vote`): a wish with no one wanting it would be noise on the board.
//! 4. **Voting.** Any other resident of the store adds one vote, once; tapping again takes
//!    it back. The app shows a toggle ([`toggle_vote`]); the API takes the wanted state
//!    (`PUT` / `DELETE …/vote`, like live reminders, through [`set_vote`]), so a retried
//!    tap cannot undo itself. Votes are open while the wish is collecting or sourcing
//!    (the owner still learns how many to buy) and closed once it is stocked or declined
//!    (`demand_closed`).
//! 5. **The owner's answer** ([`Demand::apply`]): collecting → sourcing → stocked, or
//!    collecting → stocked at once (the owner found it at the market the next morning;
//!    a detour through sourcing would be busywork); collecting or sourcing → declined,
//!    with a reason of 1..=[`MAX_DECLINE_REASON_CHARS`] characters that the neighbours
//!    read. Stocked names the product now sold. Stocked and declined are final: a wish
//!    for the same thing next season is a new wish. The transition is checked before the
//!    reason, so a final wish says so whatever was typed.
//! 6. **The owner's order** ([`owner_rank`]): most votes first, then the newest, then by id
//!    so the order is total; the board lists the open wishes so ([`board_rank`]).
//!
//! When a wish is stocked, everyone who voted for it (its author included) is told
//! ([`CommunityNotice::DemandStocked`](super::CommunityNotice::DemandStocked)).

use super::one_line;
use crate::{
    ids::{stored_forms, CategoryId, DemandId, PersonId, ProductId, StoreId},
    money::Fen,
    problem::impl_error_code,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::{cmp::Ordering, fmt};
use thiserror::Error;

/// Shortest wish, in characters (one character says too little: `菜`).
pub const MIN_DEMAND_CHARS: usize = 2;
/// Longest wish, in characters.
pub const MAX_DEMAND_CHARS: usize = 200;
/// Highest rough price a wish may name: ¥9999.
pub const MAX_DEMAND_PRICE: Fen = Fen::from_fen(999_900);
/// Most wishes one resident may have collecting at once.
pub const MAX_OPEN_DEMANDS: u32 = 5;
/// Longest reason for declining, in characters.
pub const MAX_DECLINE_REASON_CHARS: usize = 100;

/// Where a wish stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DemandStatus {
    /// 征集中: open for votes, not answered yet.
    Collecting,
    /// 采购中: the owner is looking for a supplier; votes still count.
    Sourcing,
    /// 已上架: on sale, linked to the product. Final.
    Stocked,
    /// 暂不考虑: not for now, with the owner's reason. Final.
    Declined,
}

// In life-cycle order.
stored_forms!(DemandStatus, "demand status", {
    Collecting => "collecting",
    Sourcing => "sourcing",
    Stocked => "stocked",
    Declined => "declined",
});

impl DemandStatus {
    /// Chinese badge text.
    pub fn label_zh(self) -> &'static str {
        match self {
            DemandStatus::Collecting => "征集中",
            DemandStatus::Sourcing => "采购中",
            DemandStatus::Stocked => "已上架",
            DemandStatus::Declined => "暂不考虑",
        }
    }

    /// Whether the owner may move a wish from `self` to `to` (rule 5 of the module doc).
    pub fn can_transition(self, to: DemandStatus) -> bool {
        use DemandStatus::*;
        matches!((self, to), (Collecting, Sourcing) | (Collecting | Sourcing, Stocked) | (Collecting | Sourcing, Declined))
    }

    /// Whether no further change is possible.
    pub fn is_final(self) -> bool {
        matches!(self, DemandStatus::Stocked | DemandStatus::Declined)
    }

    /// Whether votes are taken: while collecting or sourcing.
    pub fn takes_votes(self) -> bool {
        !self.is_final()
    }
}

impl fmt::Display for DemandStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A resident's new wish (`POST /api/v1/stores/{store}/demands`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDemand {
    /// What she wants, e.g. `想要崇明的白扁豆，一次买两斤`.
    pub text: String,
    /// The store's category it belongs to, if she picked one.
    #[serde(default)]
    pub category_id: Option<CategoryId>,
    /// A rough price she would pay, in yuan as typed (`12.5`).
    #[serde(default)]
    pub price_yuan: Option<String>,
}

/// A wish that passed [`NewDemand::validate`], cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDemand {
    /// Trimmed text.
    pub text: String,
    /// A category of the store.
    pub category_id: Option<CategoryId>,
    /// The rough price, exactly.
    pub price: Option<Fen>,
}

impl NewDemand {
    /// Checks, in order: the text, the category (one of `categories`, the store's), the
    /// price (rule 1 of the module doc).
    pub fn validate(&self, categories: &[CategoryId]) -> Result<ValidDemand, DemandError> {
        let text = one_line(&self.text, MIN_DEMAND_CHARS, MAX_DEMAND_CHARS).ok_or(DemandError::InvalidText)?;
        if self.category_id.as_ref().is_some_and(|c| !categories.contains(c)) {
            return Err(DemandError::InvalidCategory);
        }
        let price = match self.price_yuan.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(typed) => Some(Fen::parse_yuan(typed).filter(|p| *p <= MAX_DEMAND_PRICE).ok_or(DemandError::InvalidPrice)?),
        };
        Ok(ValidDemand { text, category_id: self.category_id.clone(), price })
    }
}

/// `Ok` while the resident has fewer than [`MAX_OPEN_DEMANDS`] wishes collecting (`open`).
pub fn check_open_demands(open: u32) -> Result<(), DemandError> {
    if open < MAX_OPEN_DEMANDS {
        Ok(())
    } else {
        Err(DemandError::TooManyOpenDemands { max: MAX_OPEN_DEMANDS })
    }
}

/// A wish as stored and listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Demand {
    /// The wish's ID.
    pub id: DemandId,
    /// The store asked.
    pub store_id: StoreId,
    /// Who wrote it.
    pub author_id: PersonId,
    /// What she wants.
    pub text: String,
    /// Its category, if given.
    pub category_id: Option<CategoryId>,
    /// The rough price she would pay, if given.
    pub price: Option<Fen>,
    /// Where it stands.
    pub status: DemandStatus,
    /// People who want it, its author included.
    pub votes: u32,
    /// The product now sold, once stocked.
    pub product_id: Option<ProductId>,
    /// Why not, once declined.
    pub decline_reason: Option<String>,
    /// When it was written.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub created_at: DateTime<Utc>,
    /// When its status last changed (its creation, until the owner answers).
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub updated_at: DateTime<Utc>,
}

impl Demand {
    /// A new collecting wish with its author's vote (rule 3).
    pub fn create(id: DemandId, store_id: StoreId, author_id: PersonId, valid: ValidDemand, now: DateTime<Utc>) -> Self {
        Demand {
            id,
            store_id,
            author_id,
            text: valid.text,
            category_id: valid.category_id,
            price: valid.price,
            status: DemandStatus::Collecting,
            votes: 1,
            product_id: None,
            decline_reason: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// Applies the owner's answer at `now`: the transition first, then the reason of a
    /// decline (rule 5). A refused change leaves the wish as it was.
    pub fn apply(&mut self, change: &DemandChange, now: DateTime<Utc>) -> Result<(), DemandError> {
        let to = change.status();
        if !self.status.can_transition(to) {
            return Err(DemandError::InvalidTransition { from: self.status, to });
        }
        match change {
            DemandChange::Sourcing => {}
            DemandChange::Stocked { product_id } => self.product_id = Some(product_id.clone()),
            DemandChange::Declined { reason } => {
                let reason = one_line(reason, 1, MAX_DECLINE_REASON_CHARS).ok_or(DemandError::InvalidDeclineReason)?;
                self.decline_reason = Some(reason);
            }
        }
        self.status = to;
        self.updated_at = now;
        Ok(())
    }

    /// Adds a vote change's delta to the count (saturating; never below 0).
    pub fn count_vote(&mut self, change: VoteChange) {
        self.votes = self.votes.saturating_add_signed(change.delta);
    }
}

/// The owner's answer to a wish (`POST /api/v1/demands/{demand}/status-changes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DemandChange {
    /// Looking for a supplier.
    Sourcing,
    /// On sale as `product_id` (the worker checks it is the store's).
    Stocked {
        /// The product now sold.
        product_id: ProductId,
    },
    /// Not for now, and why.
    Declined {
        /// Shown to the neighbours, 1..=100 characters.
        reason: String,
    },
}

impl DemandChange {
    /// The status this answer moves a wish to.
    pub fn status(&self) -> DemandStatus {
        match self {
            DemandChange::Sourcing => DemandStatus::Sourcing,
            DemandChange::Stocked { .. } => DemandStatus::Stocked,
            DemandChange::Declined { .. } => DemandStatus::Declined,
        }
    }
}

/// What a vote tap does: whether the resident now votes for the wish, and how the
/// count moves (+1, −1, or 0 when nothing changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteChange {
    /// Whether she votes for it now.
    pub voted: bool,
    /// What to add to the count.
    pub delta: i32,
}

/// The API's vote (rule 4): from `voted` (whether she votes for it now) to `want`, on a
/// wish in `status`, by its author or not. Asking for the state she is already in
/// changes nothing (delta 0), so a retried request is harmless. Checks, in order: the
/// author's own vote, then whether votes are open.
pub fn set_vote(status: DemandStatus, is_author: bool, voted: bool, want: bool) -> Result<VoteChange, DemandError> {
    if is_author {
        return if want { Ok(VoteChange { voted: true, delta: 0 }) } else { Err(DemandError::OwnDemandVote) };
    }
    if !status.takes_votes() {
        return Err(DemandError::DemandClosed);
    }
    let delta = match (voted, want) {
        (false, true) => 1,
        (true, false) => -1,
        _ => 0,
    };
    Ok(VoteChange { voted: want, delta })
}

/// The app's toggle: a tap flips her vote ([`set_vote`] with the other state).
pub fn toggle_vote(status: DemandStatus, is_author: bool, voted: bool) -> Result<VoteChange, DemandError> {
    set_vote(status, is_author, voted, !voted)
}

/// The owner's order of wishes: most votes first, then the newest, then by id.
pub fn owner_rank(a: &Demand, b: &Demand) -> Ordering {
    b.votes.cmp(&a.votes).then_with(|| b.created_at.cmp(&a.created_at)).then_with(|| a.id.cmp(&b.id))
}

/// The order of a store's wish board: the open wishes first, in the owner's order
/// ([`owner_rank`]), then the answered ones, the newest answer first. The server lists
/// them so, and the app puts a wish it has just written or voted for back in its place.
pub fn board_rank(a: &Demand, b: &Demand) -> Ordering {
    let answered = |d: &Demand| d.status.is_final();
    answered(a).cmp(&answered(b)).then_with(|| {
        if answered(a) {
            b.updated_at.cmp(&a.updated_at).then_with(|| b.created_at.cmp(&a.created_at)).then_with(|| a.id.cmp(&b.id))
        } else {
            owner_rank(a, b)
        }
    })
}

/// Why a wish or a vote is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DemandError {
    /// Text not 2..=200 characters after trimming, or with control characters.
    #[error("a wish must be {MIN_DEMAND_CHARS} to {MAX_DEMAND_CHARS} characters on one line")]
    InvalidText,
    /// A category the store does not have.
    #[error("unknown category")]
    InvalidCategory,
    /// A price that is not yuan, not above 0 or above ¥9999.
    #[error("the price must be above 0 and at most {MAX_DEMAND_PRICE}")]
    InvalidPrice,
    /// The resident already has `max` wishes collecting.
    #[error("at most {max} wishes may be collecting at once")]
    TooManyOpenDemands {
        /// The limit ([`MAX_OPEN_DEMANDS`]).
        max: u32,
    },
    /// A decline reason not 1..=100 characters, or with control characters.
    #[error("the reason must be 1 to {MAX_DECLINE_REASON_CHARS} characters")]
    InvalidDeclineReason,
    /// A change the life cycle does not allow.
    #[error("a wish cannot go from {from} to {to}")]
    InvalidTransition {
        /// The wish's status.
        from: DemandStatus,
        /// The status asked for.
        to: DemandStatus,
    },
    /// A vote on a wish that is stocked or declined.
    #[error("the wish is closed to votes")]
    DemandClosed,
    /// The author taking back her own vote.
    #[error("the author's own vote always counts")]
    OwnDemandVote,
    /// No such wish in this store.
    #[error("no such wish")]
    DemandNotFound,
}

impl DemandError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            DemandError::InvalidText => "invalid_demand_text",
            DemandError::InvalidCategory => "invalid_category",
            DemandError::InvalidPrice => "invalid_demand_price",
            DemandError::TooManyOpenDemands { .. } => "too_many_open_demands",
            DemandError::InvalidDeclineReason => "invalid_decline_reason",
            DemandError::InvalidTransition { .. } => "invalid_demand_transition",
            DemandError::DemandClosed => "demand_closed",
            DemandError::OwnDemandVote => "own_demand_vote",
            DemandError::DemandNotFound => "demand_not_found",
        }
    }

    /// 404 for an unknown wish, 409 for conflicts with its state or the resident's open
    /// wishes, 422 for field validation.
    pub fn http_status(&self) -> u16 {
        match self {
            DemandError::DemandNotFound => 404,
            DemandError::TooManyOpenDemands { .. }
            | DemandError::InvalidTransition { .. }
            | DemandError::DemandClosed
            | DemandError::OwnDemandVote => 409,
            DemandError::InvalidText
            | DemandError::InvalidCategory
            | DemandError::InvalidPrice
            | DemandError::InvalidDeclineReason => 422,
        }
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            DemandError::InvalidText => Some("text"),
            DemandError::InvalidCategory => Some("category_id"),
            DemandError::InvalidPrice => Some("price_yuan"),
            DemandError::InvalidDeclineReason => Some("reason"),
            _ => None,
        }
    }

    /// The numbers the message shows.
    pub fn args(&self) -> Vec<(&'static str, i64)> {
        match *self {
            DemandError::TooManyOpenDemands { max } => vec![("max", max.into())],
            _ => Vec::new(),
        }
    }
}
impl_error_code!(DemandError, field, args);

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::problem::Problem;
    use chrono::Duration;

    pub(in crate::community) fn every_error() -> Vec<DemandError> {
        use DemandStatus::*;
        vec![
            DemandError::InvalidText,
            DemandError::InvalidCategory,
            DemandError::InvalidPrice,
            DemandError::TooManyOpenDemands { max: MAX_OPEN_DEMANDS },
            DemandError::InvalidDeclineReason,
            DemandError::InvalidTransition { from: Stocked, to: Sourcing },
            DemandError::DemandClosed,
            DemandError::OwnDemandVote,
            DemandError::DemandNotFound,
        ]
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn now() -> DateTime<Utc> {
        utc("2026-11-25T20:00:00+08:00")
    }

    fn categories() -> Vec<CategoryId> {
        vec![CategoryId::parse("veg").unwrap(), CategoryId::parse("fruit").unwrap()]
    }

    fn new_demand() -> NewDemand {
        NewDemand {
            text: "  想要崇明白扁豆 ".into(), category_id: Some(CategoryId::parse("veg").unwrap()), price_yuan: None
        }
    }

    fn demand(id: &str, votes: u32, created_at: DateTime<Utc>) -> Demand {
        let mut d = Demand::create(
            DemandId::parse(id).unwrap(),
            StoreId::parse("s-1").unwrap(),
            PersonId::parse("r-1").unwrap(),
            new_demand().validate(&categories()).unwrap(),
            created_at,
        );
        d.votes = votes;
        d
    }

    #[test]
    fn status_labels_and_stored_form() {
        let zh: Vec<_> = DemandStatus::ALL.iter().map(|s| s.label_zh()).collect();
        assert_eq!(zh, ["征集中", "采购中", "已上架", "暂不考虑"]);
        for s in DemandStatus::ALL {
            assert_eq!(DemandStatus::parse(s.as_str()), Ok(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
        assert!(DemandStatus::parse("open").is_err());
        assert!(DemandStatus::parse("Collecting").is_err());
    }

    #[test]
    fn transitions() {
        use DemandStatus::*;
        let allowed =
            [(Collecting, Sourcing), (Collecting, Stocked), (Collecting, Declined), (Sourcing, Stocked), (Sourcing, Declined)];
        for from in DemandStatus::ALL {
            for to in DemandStatus::ALL {
                assert_eq!(from.can_transition(to), allowed.contains(&(from, to)), "{from} -> {to}");
            }
        }
        assert!(Stocked.is_final() && Declined.is_final() && !Collecting.is_final() && !Sourcing.is_final());
        assert!(Collecting.takes_votes() && Sourcing.takes_votes() && !Stocked.takes_votes() && !Declined.takes_votes());
    }

    #[test]
    fn a_valid_wish_is_cleaned() {
        let v = new_demand().validate(&categories()).unwrap();
        assert_eq!((v.text.as_str(), v.price), ("想要崇明白扁豆", None));
        let mut n = new_demand();
        n.category_id = None;
        n.price_yuan = Some(" ¥12.5 ".into());
        let v = n.validate(&categories()).unwrap();
        assert_eq!((v.category_id, v.price), (None, Some(Fen::from_fen(1250))));
        n.price_yuan = Some("   ".into());
        assert_eq!(n.validate(&categories()).unwrap().price, None, "a blank price is no price");
        n.price_yuan = Some("9999".into());
        assert_eq!(n.validate(&categories()).unwrap().price, Some(MAX_DEMAND_PRICE));
        n.price_yuan = Some("0.01".into());
        assert_eq!(n.validate(&categories()).unwrap().price, Some(Fen::from_fen(1)));
        // Missing optional members in JSON mean none.
        let n: NewDemand = serde_json::from_str(r#"{"text":"想要土鸡蛋"}"#).unwrap();
        assert_eq!(n.validate(&[]).unwrap(), ValidDemand { text: "想要土鸡蛋".into(), category_id: None, price: None });
    }

    #[test]
    fn wish_text_bounds() {
        let mut n = new_demand();
        n.text = "豆".repeat(MIN_DEMAND_CHARS);
        assert!(n.validate(&categories()).is_ok());
        n.text = "豆".repeat(MAX_DEMAND_CHARS);
        assert!(n.validate(&categories()).is_ok());
        for bad in [" 豆 ".to_owned(), "".into(), "豆".repeat(MAX_DEMAND_CHARS + 1), "想要\n扁豆".into(), "想要\u{7}".into()]
        {
            n.text = bad.clone();
            assert_eq!(n.validate(&categories()), Err(DemandError::InvalidText), "{bad:?}");
        }
    }

    #[test]
    fn category_then_price_are_checked() {
        let mut n = new_demand();
        n.category_id = Some(CategoryId::parse("meat").unwrap());
        n.price_yuan = Some("abc".into());
        assert_eq!(n.validate(&categories()), Err(DemandError::InvalidCategory), "the category is checked first");
        n.category_id = None;
        for bad in ["abc", "0", "-3", "9999.01", "10000", "1.234", "1e3"] {
            n.price_yuan = Some(bad.into());
            assert_eq!(n.validate(&categories()), Err(DemandError::InvalidPrice), "{bad:?}");
        }
        n.text = "豆".into();
        assert_eq!(n.validate(&categories()), Err(DemandError::InvalidText), "the text is checked first");
    }

    #[test]
    fn open_wishes_are_limited() {
        assert_eq!(check_open_demands(0), Ok(()));
        assert_eq!(check_open_demands(MAX_OPEN_DEMANDS - 1), Ok(()));
        assert_eq!(check_open_demands(MAX_OPEN_DEMANDS), Err(DemandError::TooManyOpenDemands { max: MAX_OPEN_DEMANDS }));
        let p = Problem::from_error(&DemandError::TooManyOpenDemands { max: 5 });
        assert_eq!((p.status, p.title.as_str()), (409, "你已有5条心愿在征集中，等店长回复后再来吧"));
    }

    #[test]
    fn a_new_wish_counts_its_author() {
        let d = demand("d-1", 1, now());
        assert_eq!((d.status, d.votes, d.created_at, d.updated_at), (DemandStatus::Collecting, 1, now(), now()));
        assert_eq!(d.text, "想要崇明白扁豆");
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["status"], "collecting");
        assert_eq!(json["price"], serde_json::Value::Null);
        assert_eq!(serde_json::from_value::<Demand>(json).unwrap(), d);
    }

    #[test]
    fn voting_toggles_once_per_person() {
        use DemandStatus::*;
        let mut d = demand("d-1", 1, now());
        let on = toggle_vote(d.status, false, false).unwrap();
        assert_eq!(on, VoteChange { voted: true, delta: 1 });
        d.count_vote(on);
        assert_eq!(d.votes, 2);
        let off = toggle_vote(d.status, false, true).unwrap();
        assert_eq!(off, VoteChange { voted: false, delta: -1 });
        d.count_vote(off);
        assert_eq!(d.votes, 1);
        // The API's wanted state: asking again changes nothing.
        assert_eq!(set_vote(Collecting, false, true, true), Ok(VoteChange { voted: true, delta: 0 }));
        assert_eq!(set_vote(Collecting, false, false, false), Ok(VoteChange { voted: false, delta: 0 }));
        assert_eq!(set_vote(Sourcing, false, false, true), Ok(VoteChange { voted: true, delta: 1 }));
        // The count never goes below zero, even from a bad row.
        d.votes = 0;
        d.count_vote(VoteChange { voted: false, delta: -1 });
        assert_eq!(d.votes, 0);
    }

    #[test]
    fn the_author_always_counts() {
        use DemandStatus::*;
        assert_eq!(toggle_vote(Collecting, true, true), Err(DemandError::OwnDemandVote));
        assert_eq!(set_vote(Collecting, true, true, false), Err(DemandError::OwnDemandVote));
        assert_eq!(set_vote(Collecting, true, true, true), Ok(VoteChange { voted: true, delta: 0 }));
        // Her vote stays even once the wish is closed: it is a fact, not a new vote.
        assert_eq!(set_vote(Stocked, true, true, true), Ok(VoteChange { voted: true, delta: 0 }));
        assert_eq!(set_vote(Declined, true, true, false), Err(DemandError::OwnDemandVote));
    }

    #[test]
    fn closed_wishes_take_no_votes() {
        use DemandStatus::*;
        for s in [Stocked, Declined] {
            assert_eq!(toggle_vote(s, false, false), Err(DemandError::DemandClosed));
            assert_eq!(toggle_vote(s, false, true), Err(DemandError::DemandClosed), "nor take them back");
        }
    }

    #[test]
    fn the_owner_answers() {
        let later = now() + Duration::days(1);
        let mut d = demand("d-1", 3, now());
        d.apply(&DemandChange::Sourcing, now()).unwrap();
        assert_eq!(d.status, DemandStatus::Sourcing);
        let beans = ProductId::parse("p-bean").unwrap();
        d.apply(&DemandChange::Stocked { product_id: beans.clone() }, later).unwrap();
        assert_eq!((d.status, d.product_id.as_ref(), d.updated_at), (DemandStatus::Stocked, Some(&beans), later));
        assert_eq!(
            d.apply(&DemandChange::Declined { reason: "太贵".into() }, later),
            Err(DemandError::InvalidTransition { from: DemandStatus::Stocked, to: DemandStatus::Declined })
        );
        assert_eq!(d.decline_reason, None, "a refused change leaves the wish as it was");

        // Straight to stocked.
        let mut d = demand("d-2", 1, now());
        d.apply(&DemandChange::Stocked { product_id: beans }, now()).unwrap();
        assert_eq!(d.status, DemandStatus::Stocked);
    }

    #[test]
    fn declining_needs_a_reason() {
        let mut d = demand("d-1", 3, now());
        for bad in ["", "   ", "太贵\n了"] {
            assert_eq!(d.apply(&DemandChange::Declined { reason: bad.into() }, now()), Err(DemandError::InvalidDeclineReason));
        }
        let long = "贵".repeat(MAX_DECLINE_REASON_CHARS + 1);
        assert_eq!(d.apply(&DemandChange::Declined { reason: long }, now()), Err(DemandError::InvalidDeclineReason));
        assert_eq!(d.status, DemandStatus::Collecting);
        d.apply(&DemandChange::Declined { reason: " 产地今年歉收，明年春天再看 ".into() }, now()).unwrap();
        assert_eq!((d.status, d.decline_reason.as_deref()), (DemandStatus::Declined, Some("产地今年歉收，明年春天再看")));
        // A final wish says so, whatever reason is typed.
        assert_eq!(
            d.apply(&DemandChange::Declined { reason: "".into() }, now()),
            Err(DemandError::InvalidTransition { from: DemandStatus::Declined, to: DemandStatus::Declined })
        );
        // The same state again is not a change.
        let mut d = demand("d-2", 1, now());
        d.apply(&DemandChange::Sourcing, now()).unwrap();
        assert!(matches!(d.apply(&DemandChange::Sourcing, now()), Err(DemandError::InvalidTransition { .. })));
    }

    #[test]
    fn change_json_shape() {
        let c: DemandChange = serde_json::from_str(r#"{"status":"stocked","product_id":"p-1"}"#).unwrap();
        assert_eq!(c, DemandChange::Stocked { product_id: ProductId::parse("p-1").unwrap() });
        let c: DemandChange = serde_json::from_str(r#"{"status":"declined","reason":"太贵"}"#).unwrap();
        assert_eq!(c.status(), DemandStatus::Declined);
        assert_eq!(serde_json::to_value(DemandChange::Sourcing).unwrap(), serde_json::json!({ "status": "sourcing" }));
        assert!(serde_json::from_str::<DemandChange>(r#"{"status":"stocked"}"#).is_err(), "stocked names its product");
        assert!(serde_json::from_str::<DemandChange>(r#"{"status":"collecting"}"#).is_err());
    }

    #[test]
    fn the_owner_sees_most_wanted_then_newest() {
        let t = |h: i64| now() + Duration::hours(h);
        let mut list = vec![demand("d-a", 2, t(0)), demand("d-b", 5, t(1)), demand("d-c", 2, t(3)), demand("d-e", 2, t(3))];
        list.push(demand("d-d", 5, t(0)));
        list.sort_by(owner_rank);
        let ids: Vec<&str> = list.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["d-b", "d-d", "d-c", "d-e", "d-a"]);
    }

    #[test]
    fn the_board_lists_open_wishes_then_the_newest_answers() {
        let t = |h: i64| now() + Duration::hours(h);
        let answered = |id: &str, status: DemandStatus, at: i64| Demand { status, updated_at: t(at), ..demand(id, 9, t(0)) };
        let mut list = [
            answered("d-old", DemandStatus::Declined, 1),
            demand("d-a", 2, t(0)),
            answered("d-new", DemandStatus::Stocked, 5),
            demand("d-b", 5, t(1)),
            demand("d-c", 2, t(3)),
        ];
        list.sort_by(board_rank);
        let ids: Vec<&str> = list.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["d-b", "d-c", "d-a", "d-new", "d-old"]);
    }

    #[test]
    fn problems() {
        let p = Problem::from_error(&DemandError::InvalidPrice);
        assert_eq!((p.status, p.code.as_str()), (422, "invalid_demand_price"));
        assert_eq!(p.errors[0].field, "price_yuan");
        let p = Problem::from_error(&DemandError::OwnDemandVote);
        assert_eq!((p.status, p.title.as_str()), (409, "你发起的心愿已自动算你一票"));
        assert_eq!(DemandError::InvalidCategory.code(), crate::catalog::CatalogError::InvalidCategory.code());
    }
}
