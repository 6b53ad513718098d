//! 品鉴会 (tasting evenings): the owner invites neighbours to taste a few products at the
//! store; residents book seats, a waitlist takes the overflow, and people check in at
//! the door with a code.
//!
//! Policy, in the order the rules apply:
//! 1. **A new tasting** ([`NewTasting::validate`]), checked in this order: a title of
//!    1..=[`MAX_TASTING_TITLE_CHARS`] characters; a start after now and at most
//!    [`MAX_TASTING_DAYS_AHEAD`] days ahead (a wrong year is caught; nobody plans a
//!    tasting a season ahead); a place of 1..=[`MAX_PLACE_CHARS`] characters;
//!    1..=[`MAX_SEATS`] seats; 1..=[`MAX_SEATS_PER_HOUSEHOLD`] seats per household, and
//!    no more than the seats; at most [`MAX_TASTING_PRODUCTS`] linked products, none
//!    twice (the worker checks they are the store's); an optional cover URL, `http(s)://`
//!    or a path on our site, like a live's cover ([`is_allowed_url`]).
//! 2. **Households.** Seats are capped per household, not per person: a household is the
//!    building and unit its residents joined with ([`household_key`]: spaces dropped,
//!    full-width letters and digits read as ASCII, case ignored), or the resident alone
//!    when she gave no unit. The key is written with each booking when it is made.
//! 3. **Booking** ([`Tasting::book`]), checked in this order: the tasting is not
//!    cancelled and has not started (booking is open until the start); the resident has
//!    no active booking of it (one per person: to change her count she cancels and books
//!    again); then [`decide_booking`]: 1..=seats-per-household seats asked; her
//!    household's seats in confirmed, waitlisted and checked-in bookings, plus these, at
//!    most the per-household cap; confirmed when that many seats are free, else
//!    waitlisted whole. A booking is never split: a family of three wants three seats
//!    together. A resident who asked for no waitlist is refused instead, with the seats
//!    left (`not_enough_seats`), so she can ask for fewer.
//! 4. **The waitlist** is the waitlisted bookings in the order they were made (then by
//!    id). Positions are 1..n with no gaps ([`waitlist_positions`]), computed on every
//!    read and never stored, so they cannot drift.
//! 5. **Promotion** ([`promote_from_waitlist`]). Whenever seats are freed (any
//!    cancellation, a late one included) the waitlist is walked in order and each booking
//!    whose seats all fit in what is still free is confirmed. So a smaller booking further
//!    back may go ahead of a larger one that does not fit: the larger one loses nothing it
//!    could have used at that moment, keeps its place, and is promoted first as soon as
//!    enough seats are free, while a chair left empty would help nobody. The cost is that
//!    a large booking may wait longer than in a strict queue; a strict queue would leave
//!    chairs empty at most evenings instead. After every
//!    promotion no waiting booking fits in the free seats, so a new booking that fits
//!    (rule 3) passes no one who could have used them. Each promoted resident is told
//!    ([`CommunityNotice::PromotedFromWaitlist`](super::CommunityNotice::PromotedFromWaitlist)).
//! 6. **Cancelling** ([`Booking::cancel`]): a confirmed or waitlisted booking, by its
//!    resident, until the start. Until [`CANCEL_CUTOFF_HOURS`] hours before the start it
//!    is an ordinary cancellation. After that a confirmed booking's cancellation still
//!    frees its seats for the waitlist (a late word is better than an empty chair) but is
//!    recorded as `late_cancelled`, which counts as a no-show in the record the owner sees
//!    ([`BookingStatus::counts_as_no_show`]). No automatic ban follows: a neighbourhood
//!    store knows its people, and the owner decides. Leaving the waitlist is never late:
//!    no seat was held.
//! 7. **Check-in** ([`Booking::check_in`]): the owner types the 6-digit code the resident
//!    shows, an HMAC of the booking ID under a server secret ([`check_in_code`], made like
//!    an order's pickup code and compared in constant time). Checked in this order: not
//!    checked in already; the booking is confirmed; from
//!    [`CHECK_IN_OPENS_MINUTES_BEFORE`] minutes before the start until
//!    [`CHECK_IN_CLOSES_HOURS_AFTER`] hours after it; the code. Wrong codes are not locked
//!    out like the pickup counter's: only the owner types them, and a check-in hands
//!    nothing over.
//! 8. **After the evening** ([`Booking::settle`]): once check-in has closed, a confirmed
//!    booking that never checked in is a no-show and one still waitlisted has lapsed.
//! 9. **The owner cancels a tasting** ([`Tasting::cancel`]) until it starts; each active
//!    booking is then cancelled by the store ([`Booking::void`]), which never counts
//!    against the resident.

use super::one_line;
use crate::{
    ids::{stored_forms, BookingId, PersonId, ProductId, StoreId, TastingId},
    live::is_allowed_url,
    mac::{hmac_sha256, six_digits},
    problem::impl_error_code,
    time::local_day_at,
};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::{collections::BTreeSet, fmt};
use subtle::ConstantTimeEq;
use thiserror::Error;

/// The hour (store time) a new tasting is suggested for: after work, before bedtime.
pub const SUGGESTED_TASTING_HOUR: u32 = 19;

/// Longest tasting title, in characters.
pub const MAX_TASTING_TITLE_CHARS: usize = 40;
/// Longest place, in characters (`店内二楼品鉴区`, `3幢楼下凉亭`).
pub const MAX_PLACE_CHARS: usize = 60;
/// Most seats a tasting offers.
pub const MAX_SEATS: u32 = 200;
/// Highest per-household cap an owner may set.
pub const MAX_SEATS_PER_HOUSEHOLD: u32 = 10;
/// Most products linked to a tasting.
pub const MAX_TASTING_PRODUCTS: usize = 6;
/// How far ahead a tasting may be scheduled, in days.
pub const MAX_TASTING_DAYS_AHEAD: i64 = 90;
/// Cancelling from this many hours before the start is late (rule 6).
pub const CANCEL_CUTOFF_HOURS: i64 = 2;
/// Check-in opens this many minutes before the start.
pub const CHECK_IN_OPENS_MINUTES_BEFORE: i64 = 60;
/// Check-in closes this many hours after the start (exclusive).
pub const CHECK_IN_CLOSES_HOURS_AFTER: i64 = 3;

/// Whether a tasting is still on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TastingStatus {
    /// Announced; taking bookings until it starts.
    Scheduled,
    /// Called off by the owner. Final.
    Cancelled,
}

stored_forms!(TastingStatus, "tasting status", { Scheduled => "scheduled", Cancelled => "cancelled" });

impl TastingStatus {
    /// Chinese badge text.
    pub fn label_zh(self) -> &'static str {
        match self {
            TastingStatus::Scheduled => "报名中",
            TastingStatus::Cancelled => "已取消",
        }
    }
}

impl fmt::Display for TastingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Seats held.
    Confirmed,
    /// In the queue for seats.
    Waitlisted,
    /// Came, and checked in. Final.
    CheckedIn,
    /// Cancelled in time, by the resident or by the store. Final.
    Cancelled,
    /// Cancelled within the cut-off; the seats went to the waitlist. Final; counts as a
    /// no-show.
    LateCancelled,
    /// Confirmed but never checked in. Final.
    NoShow,
    /// Still waitlisted when the evening was over. Final.
    Lapsed,
}

// In life-cycle order.
stored_forms!(BookingStatus, "booking status", {
    Confirmed => "confirmed",
    Waitlisted => "waitlisted",
    CheckedIn => "checked_in",
    Cancelled => "cancelled",
    LateCancelled => "late_cancelled",
    NoShow => "no_show",
    Lapsed => "lapsed",
});

impl BookingStatus {
    /// Chinese badge text.
    pub fn label_zh(self) -> &'static str {
        match self {
            BookingStatus::Confirmed => "已确认",
            BookingStatus::Waitlisted => "候补中",
            BookingStatus::CheckedIn => "已签到",
            BookingStatus::Cancelled => "已取消",
            BookingStatus::LateCancelled => "临时取消",
            BookingStatus::NoShow => "未到场",
            BookingStatus::Lapsed => "候补未成功",
        }
    }

    /// Whether the booking is live: confirmed, waitlisted or checked in. Active bookings
    /// count toward the household cap, and a person has at most one per tasting.
    pub fn is_active(self) -> bool {
        matches!(self, BookingStatus::Confirmed | BookingStatus::Waitlisted | BookingStatus::CheckedIn)
    }

    /// Whether the booking occupies seats: confirmed or checked in.
    pub fn holds_seats(self) -> bool {
        matches!(self, BookingStatus::Confirmed | BookingStatus::CheckedIn)
    }

    /// Whether it counts as a no-show in the resident's record: a no-show or a late
    /// cancellation.
    pub fn counts_as_no_show(self) -> bool {
        matches!(self, BookingStatus::NoShow | BookingStatus::LateCancelled)
    }

    /// Whether no further change is possible.
    pub fn is_final(self) -> bool {
        !matches!(self, BookingStatus::Confirmed | BookingStatus::Waitlisted)
    }
}

impl fmt::Display for BookingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An owner's new tasting (`POST /api/v1/stores/{store}/tastings`). Counts are signed
/// and wide so that 0, negatives and huge numbers reach validation and get their field
/// error rather than failing as unreadable JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTasting {
    /// Title, e.g. `崇明白扁豆 试吃会`.
    pub title: String,
    /// When it starts.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub starts_at: DateTime<Utc>,
    /// Where, e.g. `店内二楼品鉴区`.
    pub place: String,
    /// Seats offered.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 200))]
    pub seats: i64,
    /// Most seats one household may book.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub seats_per_household: i64,
    /// Products to taste (and buy after).
    #[serde(default)]
    pub product_ids: Vec<ProductId>,
    /// Cover image, `http(s)://…` or a site path `/…`.
    #[serde(default)]
    pub cover_url: Option<String>,
}

/// A tasting that passed [`NewTasting::validate`], cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTasting {
    /// Trimmed title.
    pub title: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// Trimmed place.
    pub place: String,
    /// 1..=200 seats.
    pub seats: u32,
    /// 1..=10, at most `seats`.
    pub seats_per_household: u32,
    /// At most 6, none twice, in the order given.
    pub product_ids: Vec<ProductId>,
    /// Trimmed cover URL; blank is `None`.
    pub cover_url: Option<String>,
}

impl NewTasting {
    /// Checks rule 1 of the module doc, in its order, at `now`.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<ValidTasting, TastingError> {
        let title = one_line(&self.title, 1, MAX_TASTING_TITLE_CHARS).ok_or(TastingError::InvalidTitle)?;
        let lead = self.starts_at.signed_duration_since(now);
        if lead <= Duration::zero() {
            return Err(TastingError::StartsInPast);
        }
        if lead > Duration::days(MAX_TASTING_DAYS_AHEAD) {
            return Err(TastingError::TooFarAhead { max_days: MAX_TASTING_DAYS_AHEAD as u32 });
        }
        let place = one_line(&self.place, 1, MAX_PLACE_CHARS).ok_or(TastingError::InvalidPlace)?;
        let seats = u32::try_from(self.seats).ok().filter(|s| (1..=MAX_SEATS).contains(s)).ok_or(TastingError::InvalidSeats)?;
        let seats_per_household = u32::try_from(self.seats_per_household)
            .ok()
            .filter(|s| (1..=MAX_SEATS_PER_HOUSEHOLD.min(seats)).contains(s))
            .ok_or(TastingError::InvalidSeatsPerHousehold)?;
        if self.product_ids.len() > MAX_TASTING_PRODUCTS {
            return Err(TastingError::TooManyProducts);
        }
        let mut seen = BTreeSet::new();
        if !self.product_ids.iter().all(|p| seen.insert(p)) {
            return Err(TastingError::DuplicateProduct);
        }
        let cover_url = match self.cover_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(url) if is_allowed_url(url) => Some(url.to_owned()),
            Some(_) => return Err(TastingError::InvalidCoverUrl),
        };
        Ok(ValidTasting {
            title,
            starts_at: self.starts_at,
            place,
            seats,
            seats_per_household,
            product_ids: self.product_ids.clone(),
            cover_url,
        })
    }
}

/// A tasting as stored and listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tasting {
    /// The tasting's ID.
    pub id: TastingId,
    /// The store holding it.
    pub store_id: StoreId,
    /// Title.
    pub title: String,
    /// When it starts.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub starts_at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Seats offered.
    pub seats: u32,
    /// Most seats one household may book.
    pub seats_per_household: u32,
    /// Products to taste.
    pub product_ids: Vec<ProductId>,
    /// Cover image.
    pub cover_url: Option<String>,
    /// Still on, or called off.
    pub status: TastingStatus,
    /// When the owner announced it.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub created_at: DateTime<Utc>,
}

/// What [`Tasting::book`] needs to know besides the request, read by the worker in the
/// same transaction that writes the booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BookingFacts {
    /// Seats held by the tasting's confirmed and checked-in bookings.
    pub held_seats: u32,
    /// Seats of the resident's household in active bookings of this tasting.
    pub household_seats: u32,
    /// Whether the resident herself already has an active booking of it.
    pub has_active_booking: bool,
}

/// A resident's booking (`POST /api/v1/tastings/{tasting}/bookings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewBooking {
    /// Seats wanted; signed and wide like [`NewTasting`]'s counts.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub seats: i64,
    /// Refuse rather than waitlist when that many seats are not free.
    #[serde(default)]
    pub no_waitlist: bool,
}

impl Tasting {
    /// A scheduled tasting from a validated [`NewTasting`].
    pub fn schedule(id: TastingId, store_id: StoreId, valid: ValidTasting, now: DateTime<Utc>) -> Self {
        Tasting {
            id,
            store_id,
            title: valid.title,
            starts_at: valid.starts_at,
            place: valid.place,
            seats: valid.seats,
            seats_per_household: valid.seats_per_household,
            product_ids: valid.product_ids,
            cover_url: valid.cover_url,
            status: TastingStatus::Scheduled,
            created_at: now,
        }
    }

    /// Free seats when `held_seats` are held by confirmed and checked-in bookings.
    pub fn seats_left(&self, held_seats: u32) -> u32 {
        self.seats.saturating_sub(held_seats)
    }

    /// `Ok` while bookings are taken: not cancelled, not started.
    pub fn check_open(&self, now: DateTime<Utc>) -> Result<(), TastingError> {
        if self.status == TastingStatus::Cancelled {
            return Err(TastingError::TastingCancelled);
        }
        if self.has_started(now) {
            return Err(TastingError::TastingStarted);
        }
        Ok(())
    }

    /// Decides a booking at `now` (rule 3 of the module doc, in its order).
    pub fn book(&self, request: &NewBooking, facts: &BookingFacts, now: DateTime<Utc>) -> Result<BookingDecision, TastingError> {
        self.check_open(now)?;
        if facts.has_active_booking {
            return Err(TastingError::AlreadyBooked);
        }
        let asked = u32::try_from(request.seats).unwrap_or(0);
        let decision = decide_booking(self.seats_left(facts.held_seats), facts.household_seats, asked, self.seats_per_household)?;
        if request.no_waitlist {
            decision.confirmed_only()
        } else {
            Ok(decision)
        }
    }

    /// Calls the tasting off at `now` (rule 9): only a scheduled one, before it starts.
    /// Whether it has begun (booking, cancelling and the owner's calling off end then).
    pub fn has_started(&self, now: DateTime<Utc>) -> bool {
        now >= self.starts_at
    }

    pub fn cancel(&mut self, now: DateTime<Utc>) -> Result<(), TastingError> {
        self.check_open(now)?;
        self.status = TastingStatus::Cancelled;
        Ok(())
    }
}

/// When the owner's form suggests a new tasting start: [`SUGGESTED_TASTING_HOUR`]:00
/// store time tomorrow (residents need a day to see it and book).
pub fn suggested_tasting_start(now: DateTime<Utc>) -> DateTime<Utc> {
    local_day_at(now, 1, SUGGESTED_TASTING_HOUR).unwrap_or(now + Duration::days(1))
}

/// How a booking turns out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BookingDecision {
    /// The seats are hers.
    Confirmed,
    /// Not enough free seats: in the queue, with the seats that were free.
    Waitlisted {
        /// Seats free when she asked (fewer than she asked for).
        seats_left: u32,
    },
}

impl BookingDecision {
    /// The booking's status.
    pub fn status(self) -> BookingStatus {
        match self {
            BookingDecision::Confirmed => BookingStatus::Confirmed,
            BookingDecision::Waitlisted { .. } => BookingStatus::Waitlisted,
        }
    }

    /// For a resident who wants no waitlist: `Ok` when confirmed, else
    /// `NotEnoughSeats` with the seats left.
    pub fn confirmed_only(self) -> Result<Self, TastingError> {
        match self {
            BookingDecision::Confirmed => Ok(self),
            BookingDecision::Waitlisted { seats_left } => Err(TastingError::NotEnoughSeats { seats_left }),
        }
    }
}

/// Confirmed, waitlisted or refused, for a household that already has
/// `household_already_booked` seats in active bookings asking `asked` more, with
/// `seats_left` free and a cap of `per_household`. Checks, in order: `asked` is
/// 1..=`per_household`; the household stays within the cap; then confirmed if `asked`
/// seats are free, else waitlisted whole.
pub fn decide_booking(
    seats_left: u32,
    household_already_booked: u32,
    asked: u32,
    per_household: u32,
) -> Result<BookingDecision, TastingError> {
    if !(1..=per_household).contains(&asked) {
        return Err(TastingError::InvalidSeatCount { max: per_household });
    }
    if household_already_booked.saturating_add(asked) > per_household {
        return Err(TastingError::HouseholdCapReached { cap: per_household, already: household_already_booked });
    }
    if asked <= seats_left {
        Ok(BookingDecision::Confirmed)
    } else {
        Ok(BookingDecision::Waitlisted { seats_left })
    }
}

/// The household a resident books for (rule 2): `h:` with her building and unit
/// folded (whitespace dropped, full-width ASCII read as ASCII, ASCII case ignored) and
/// joined by U+001F, which typed text cannot hold; or `p:` and her own ID when she gave
/// no unit.
pub fn household_key(person: &PersonId, building: &str, unit: &str) -> String {
    fn fold(text: &str) -> String {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .map(|c| c.to_ascii_lowercase())
            .collect()
    }
    let unit = fold(unit);
    if unit.is_empty() {
        format!("p:{person}")
    } else {
        format!("h:{}\u{1f}{unit}", fold(building))
    }
}

/// A waitlisted booking, as the queue needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitlistEntry {
    /// The booking.
    pub booking_id: BookingId,
    /// Seats it asks for.
    pub seats: u32,
    /// When it was made: its place in the queue.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub booked_at: DateTime<Utc>,
}

/// `entries` in queue order: when made, then by id.
fn queue(entries: &[WaitlistEntry]) -> Vec<&WaitlistEntry> {
    let mut queue: Vec<&WaitlistEntry> = entries.iter().collect();
    queue.sort_by(|a, b| a.booked_at.cmp(&b.booked_at).then_with(|| a.booking_id.cmp(&b.booking_id)));
    queue
}

/// Each waitlisted booking with its position, 1..n in queue order, whatever order
/// `entries` come in (rule 4).
pub fn waitlist_positions(entries: &[WaitlistEntry]) -> Vec<(BookingId, u32)> {
    queue(entries).into_iter().zip(1u32..).map(|(e, position)| (e.booking_id.clone(), position)).collect()
}

/// The bookings a promotion confirms, in queue order, and the seats still free after.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Promotion {
    /// Bookings to confirm, in queue order.
    pub promoted: Vec<BookingId>,
    /// Free seats left over.
    pub seats_left: u32,
}

/// Who leaves the waitlist when `free_seats` are free (all free seats, not only those
/// just freed): each booking in queue order whose seats all fit in what is still free
/// (rule 5).
pub fn promote_from_waitlist(free_seats: u32, entries: &[WaitlistEntry]) -> Promotion {
    let mut promotion = Promotion { promoted: Vec::new(), seats_left: free_seats };
    for entry in queue(entries) {
        if entry.seats <= promotion.seats_left {
            promotion.seats_left -= entry.seats;
            promotion.promoted.push(entry.booking_id.clone());
        }
    }
    promotion
}

/// What a cancellation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cancellation {
    /// Within the cut-off: recorded as `late_cancelled`.
    pub late: bool,
    /// Seats given back for the waitlist (0 for a waitlisted booking).
    pub freed_seats: u32,
}

/// One resident's booking of seats at a tasting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Booking {
    /// The booking's ID.
    pub id: BookingId,
    /// The tasting.
    pub tasting_id: TastingId,
    /// Who booked.
    pub person_id: PersonId,
    /// Her household when she booked ([`household_key`]).
    pub household: String,
    /// Seats booked.
    pub seats: u32,
    /// Where it stands.
    pub status: BookingStatus,
    /// When it was made (its place in the waitlist).
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub booked_at: DateTime<Utc>,
    /// When she checked in.
    #[cfg_attr(feature = "browser", serde(default, with = "crate::time::wire::opt_instant"))]
    pub checked_in_at: Option<DateTime<Utc>>,
    /// When it was cancelled.
    #[cfg_attr(feature = "browser", serde(default, with = "crate::time::wire::opt_instant"))]
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl Booking {
    /// A new booking as decided by [`Tasting::book`].
    pub fn new(
        id: BookingId,
        tasting_id: TastingId,
        person_id: PersonId,
        household: String,
        seats: u32,
        decision: BookingDecision,
        now: DateTime<Utc>,
    ) -> Self {
        Booking {
            id,
            tasting_id,
            person_id,
            household,
            seats,
            status: decision.status(),
            booked_at: now,
            checked_in_at: None,
            cancelled_at: None,
        }
    }

    /// Its place in the queue, while waitlisted.
    pub fn waitlist_entry(&self) -> Option<WaitlistEntry> {
        (self.status == BookingStatus::Waitlisted).then(|| WaitlistEntry {
            booking_id: self.id.clone(),
            seats: self.seats,
            booked_at: self.booked_at,
        })
    }

    /// Confirms a waitlisted booking named by [`promote_from_waitlist`]; `false` (and no
    /// change) for any other.
    pub fn promote(&mut self) -> bool {
        let waiting = self.status == BookingStatus::Waitlisted;
        if waiting {
            self.status = BookingStatus::Confirmed;
        }
        waiting
    }

    /// The resident cancels at `now`, for a tasting starting at `starts_at` (rule 6):
    /// status first, then the start.
    pub fn cancel(&mut self, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<Cancellation, TastingError> {
        if !matches!(self.status, BookingStatus::Confirmed | BookingStatus::Waitlisted) {
            return Err(TastingError::NotCancellable);
        }
        let before_start = starts_at.signed_duration_since(now);
        if before_start <= Duration::zero() {
            return Err(TastingError::TastingStarted);
        }
        let held = self.status.holds_seats();
        let late = held && before_start <= Duration::hours(CANCEL_CUTOFF_HOURS);
        self.status = if late { BookingStatus::LateCancelled } else { BookingStatus::Cancelled };
        self.cancelled_at = Some(now);
        Ok(Cancellation { late, freed_seats: if held { self.seats } else { 0 } })
    }

    /// The store called the tasting off (rule 9): an active booking becomes cancelled,
    /// never late. Returns whether it changed.
    pub fn void(&mut self, now: DateTime<Utc>) -> bool {
        let active = matches!(self.status, BookingStatus::Confirmed | BookingStatus::Waitlisted);
        if active {
            self.status = BookingStatus::Cancelled;
            self.cancelled_at = Some(now);
        }
        active
    }

    /// The owner checks her in at `now` with the `code` she shows (rule 7, in its order).
    pub fn check_in(
        &mut self,
        secret: &[u8],
        code: &str,
        starts_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), TastingError> {
        match self.status {
            BookingStatus::CheckedIn => return Err(TastingError::AlreadyCheckedIn),
            BookingStatus::Confirmed => {}
            _ => return Err(TastingError::NotConfirmed),
        }
        let since_start = now.signed_duration_since(starts_at);
        if since_start < -Duration::minutes(CHECK_IN_OPENS_MINUTES_BEFORE) {
            return Err(TastingError::CheckInNotOpen);
        }
        if since_start >= Duration::hours(CHECK_IN_CLOSES_HOURS_AFTER) {
            return Err(TastingError::CheckInClosed);
        }
        if !verify_check_in_code(secret, &self.id, code) {
            return Err(TastingError::WrongCheckInCode);
        }
        self.status = BookingStatus::CheckedIn;
        self.checked_in_at = Some(now);
        Ok(())
    }

    /// After the evening (rule 8): from the close of check-in, confirmed becomes no-show
    /// and waitlisted lapses. Returns whether it changed.
    pub fn settle(&mut self, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        if now.signed_duration_since(starts_at) < Duration::hours(CHECK_IN_CLOSES_HOURS_AFTER) {
            return false;
        }
        let settled = match self.status {
            BookingStatus::Confirmed => BookingStatus::NoShow,
            BookingStatus::Waitlisted => BookingStatus::Lapsed,
            _ => return false,
        };
        self.status = settled;
        true
    }
}

/// Domain label hashed before the booking ID, so a check-in code never equals the pickup
/// code of an order whose ID happens to be the same text.
const CHECK_IN_DOMAIN: &[u8] = b"linli/tasting-check-in\0";

/// The 6-digit code a resident shows at the door: HMAC-SHA256 under `secret` of a domain
/// label (`linli/tasting-check-in` and a zero byte) and the booking ID, reduced to
/// 000000..=999999 (leading zeros kept).
pub fn check_in_code(secret: &[u8], booking: &BookingId) -> String {
    six_digits(&hmac_sha256(secret, &[CHECK_IN_DOMAIN, booking.as_str().as_bytes()]))
}

/// Whether `code` (as typed, surrounding spaces ignored) is the check-in code of
/// `booking`; constant-time.
pub fn verify_check_in_code(secret: &[u8], booking: &BookingId, code: &str) -> bool {
    check_in_code(secret, booking).as_bytes().ct_eq(code.trim().as_bytes()).into()
}

/// Why a tasting or a booking is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum TastingError {
    /// Title not 1..=40 characters after trimming, or with control characters.
    #[error("the title must be 1 to {MAX_TASTING_TITLE_CHARS} characters")]
    InvalidTitle,
    /// A start that is not after now.
    #[error("a tasting must start in the future")]
    StartsInPast,
    /// A start more than `max_days` ahead.
    #[error("a tasting may be scheduled at most {max_days} days ahead")]
    TooFarAhead {
        /// [`MAX_TASTING_DAYS_AHEAD`].
        max_days: u32,
    },
    /// Place not 1..=60 characters, or with control characters.
    #[error("the place must be 1 to {MAX_PLACE_CHARS} characters")]
    InvalidPlace,
    /// Seats outside 1..=200.
    #[error("seats must be between 1 and {MAX_SEATS}")]
    InvalidSeats,
    /// Per-household cap outside 1..=10, or above the seats.
    #[error("seats per household must be between 1 and {MAX_SEATS_PER_HOUSEHOLD}, and at most the seats")]
    InvalidSeatsPerHousehold,
    /// More than 6 linked products.
    #[error("at most {MAX_TASTING_PRODUCTS} products")]
    TooManyProducts,
    /// A product linked twice.
    #[error("a product is linked twice")]
    DuplicateProduct,
    /// Cover URL neither `http(s)://` nor a site path.
    #[error("the cover URL must be http(s) or a path starting with /")]
    InvalidCoverUrl,
    /// Seats asked outside 1..=`max`.
    #[error("a booking is 1 to {max} seats")]
    InvalidSeatCount {
        /// The tasting's per-household cap.
        max: u32,
    },
    /// The household would pass its cap.
    #[error("a household may book at most {cap} seats; it has {already}")]
    HouseholdCapReached {
        /// The tasting's per-household cap.
        cap: u32,
        /// Seats the household already has in active bookings.
        already: u32,
    },
    /// No waitlist wanted, and fewer seats free than asked.
    #[error("only {seats_left} seats left")]
    NotEnoughSeats {
        /// Seats free.
        seats_left: u32,
    },
    /// The resident already has an active booking of this tasting.
    #[error("already booked")]
    AlreadyBooked,
    /// The owner called the tasting off.
    #[error("the tasting was cancelled")]
    TastingCancelled,
    /// Booking or cancelling once it has started.
    #[error("the tasting has started")]
    TastingStarted,
    /// Cancelling a booking that is not confirmed or waitlisted.
    #[error("this booking cannot be cancelled")]
    NotCancellable,
    /// Checking in twice.
    #[error("already checked in")]
    AlreadyCheckedIn,
    /// Checking in a booking without seats (waitlisted, cancelled, settled).
    #[error("the booking has no confirmed seats")]
    NotConfirmed,
    /// Checking in more than an hour before the start.
    #[error("check-in opens {CHECK_IN_OPENS_MINUTES_BEFORE} minutes before the start")]
    CheckInNotOpen,
    /// Checking in 3 hours or more after the start.
    #[error("check-in closed {CHECK_IN_CLOSES_HOURS_AFTER} hours after the start")]
    CheckInClosed,
    /// The code does not match the booking.
    #[error("the check-in code does not match this booking")]
    WrongCheckInCode,
    /// No such tasting in this store.
    #[error("no such tasting")]
    TastingNotFound,
    /// No such booking (or not this person's).
    #[error("no such booking")]
    BookingNotFound,
}

impl TastingError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            TastingError::InvalidTitle => "invalid_tasting_title",
            TastingError::StartsInPast => "tasting_starts_in_past",
            TastingError::TooFarAhead { .. } => "tasting_too_far_ahead",
            TastingError::InvalidPlace => "invalid_tasting_place",
            TastingError::InvalidSeats => "invalid_seats",
            TastingError::InvalidSeatsPerHousehold => "invalid_seats_per_household",
            TastingError::TooManyProducts => "too_many_tasting_products",
            TastingError::DuplicateProduct => "duplicate_tasting_product",
            TastingError::InvalidCoverUrl => "invalid_cover_url",
            TastingError::InvalidSeatCount { .. } => "invalid_seat_count",
            TastingError::HouseholdCapReached { .. } => "household_seat_cap",
            TastingError::NotEnoughSeats { .. } => "not_enough_seats",
            TastingError::AlreadyBooked => "already_booked",
            TastingError::TastingCancelled => "tasting_cancelled",
            TastingError::TastingStarted => "tasting_started",
            TastingError::NotCancellable => "booking_not_cancellable",
            TastingError::AlreadyCheckedIn => "already_checked_in",
            TastingError::NotConfirmed => "booking_not_confirmed",
            TastingError::CheckInNotOpen => "check_in_not_open",
            TastingError::CheckInClosed => "check_in_closed",
            TastingError::WrongCheckInCode => "invalid_check_in_code",
            TastingError::TastingNotFound => "tasting_not_found",
            TastingError::BookingNotFound => "booking_not_found",
        }
    }

    /// 404 for unknown things, 409 for conflicts with seats, caps, the booking's state or
    /// the clock, 422 for field validation (a wrong check-in code included, like a wrong
    /// pickup code).
    pub fn http_status(&self) -> u16 {
        match self {
            TastingError::TastingNotFound | TastingError::BookingNotFound => 404,
            TastingError::HouseholdCapReached { .. }
            | TastingError::NotEnoughSeats { .. }
            | TastingError::AlreadyBooked
            | TastingError::TastingCancelled
            | TastingError::TastingStarted
            | TastingError::NotCancellable
            | TastingError::AlreadyCheckedIn
            | TastingError::NotConfirmed
            | TastingError::CheckInNotOpen
            | TastingError::CheckInClosed => 409,
            TastingError::InvalidTitle
            | TastingError::StartsInPast
            | TastingError::TooFarAhead { .. }
            | TastingError::InvalidPlace
            | TastingError::InvalidSeats
            | TastingError::InvalidSeatsPerHousehold
            | TastingError::TooManyProducts
            | TastingError::DuplicateProduct
            | TastingError::InvalidCoverUrl
            | TastingError::InvalidSeatCount { .. }
            | TastingError::WrongCheckInCode => 422,
        }
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            TastingError::InvalidTitle => Some("title"),
            TastingError::StartsInPast | TastingError::TooFarAhead { .. } => Some("starts_at"),
            TastingError::InvalidPlace => Some("place"),
            TastingError::InvalidSeats | TastingError::InvalidSeatCount { .. } => Some("seats"),
            TastingError::InvalidSeatsPerHousehold => Some("seats_per_household"),
            TastingError::TooManyProducts | TastingError::DuplicateProduct => Some("product_ids"),
            TastingError::InvalidCoverUrl => Some("cover_url"),
            TastingError::WrongCheckInCode => Some("code"),
            _ => None,
        }
    }

    /// The numbers the message shows.
    pub fn args(&self) -> Vec<(&'static str, i64)> {
        match *self {
            TastingError::TooFarAhead { max_days } => vec![("max_days", max_days.into())],
            TastingError::InvalidSeatCount { max } => vec![("max", max.into())],
            TastingError::HouseholdCapReached { cap, already } => vec![("cap", cap.into()), ("already", already.into())],
            TastingError::NotEnoughSeats { seats_left } => vec![("seats_left", seats_left.into())],
            _ => Vec::new(),
        }
    }
}
impl_error_code!(TastingError, field, args);

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::problem::Problem;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    pub(in crate::community) fn every_error() -> Vec<TastingError> {
        use TastingError::*;
        vec![
            InvalidTitle,
            StartsInPast,
            TooFarAhead { max_days: 90 },
            InvalidPlace,
            InvalidSeats,
            InvalidSeatsPerHousehold,
            TooManyProducts,
            DuplicateProduct,
            InvalidCoverUrl,
            InvalidSeatCount { max: 4 },
            HouseholdCapReached { cap: 4, already: 3 },
            NotEnoughSeats { seats_left: 2 },
            AlreadyBooked,
            TastingCancelled,
            TastingStarted,
            NotCancellable,
            AlreadyCheckedIn,
            NotConfirmed,
            CheckInNotOpen,
            CheckInClosed,
            WrongCheckInCode,
            TastingNotFound,
            BookingNotFound,
        ]
    }

    const SECRET: &[u8] = b"test-secret";

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// 10:00 store time, 25 November 2026.
    fn now() -> DateTime<Utc> {
        utc("2026-11-25T10:00:00+08:00")
    }

    /// 19:00 store time the next day.
    fn starts() -> DateTime<Utc> {
        utc("2026-11-26T19:00:00+08:00")
    }

    fn minutes(n: i64) -> Duration {
        Duration::minutes(n)
    }

    fn new_tasting() -> NewTasting {
        NewTasting {
            title: " 崇明白扁豆 试吃会 ".into(),
            starts_at: starts(),
            place: " 店内二楼品鉴区 ".into(),
            seats: 20,
            seats_per_household: 4,
            product_ids: vec![ProductId::parse("p-bean").unwrap(), ProductId::parse("p-rice").unwrap()],
            cover_url: Some(" /images/tastings/bean.jpg ".into()),
        }
    }

    fn tasting() -> Tasting {
        Tasting::schedule(
            TastingId::parse("t-1").unwrap(),
            StoreId::parse("s-1").unwrap(),
            new_tasting().validate(now()).unwrap(),
            now(),
        )
    }

    fn booking(id: &str, seats: u32, status: BookingStatus) -> Booking {
        let mut b = Booking::new(
            BookingId::parse(id).unwrap(),
            TastingId::parse("t-1").unwrap(),
            PersonId::parse("r-1").unwrap(),
            "h:3幢\u{1f}302".into(),
            seats,
            BookingDecision::Confirmed,
            now(),
        );
        b.status = status;
        b
    }

    fn entry(id: &str, seats: u32, minute: i64) -> WaitlistEntry {
        WaitlistEntry { booking_id: BookingId::parse(id).unwrap(), seats, booked_at: now() + minutes(minute) }
    }

    fn ids(list: &[BookingId]) -> Vec<&str> {
        list.iter().map(BookingId::as_str).collect()
    }

    #[test]
    fn statuses_labels_and_stored_forms() {
        for s in BookingStatus::ALL {
            assert_eq!(BookingStatus::parse(s.as_str()), Ok(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
        let zh: Vec<_> = BookingStatus::ALL.iter().map(|s| s.label_zh()).collect();
        assert_eq!(zh, ["已确认", "候补中", "已签到", "已取消", "临时取消", "未到场", "候补未成功"]);
        assert!(BookingStatus::parse("booked").is_err());
        for s in TastingStatus::ALL {
            assert_eq!(TastingStatus::parse(s.as_str()), Ok(s));
        }
        assert_eq!(TastingStatus::Scheduled.label_zh(), "报名中");
        use BookingStatus::*;
        let active: Vec<_> = BookingStatus::ALL.into_iter().filter(|s| s.is_active()).collect();
        assert_eq!(active, [Confirmed, Waitlisted, CheckedIn]);
        let holding: Vec<_> = BookingStatus::ALL.into_iter().filter(|s| s.holds_seats()).collect();
        assert_eq!(holding, [Confirmed, CheckedIn]);
        let no_shows: Vec<_> = BookingStatus::ALL.into_iter().filter(|s| s.counts_as_no_show()).collect();
        assert_eq!(no_shows, [LateCancelled, NoShow]);
        let open: Vec<_> = BookingStatus::ALL.into_iter().filter(|s| !s.is_final()).collect();
        assert_eq!(open, [Confirmed, Waitlisted]);
    }

    #[test]
    fn a_valid_tasting_is_cleaned() {
        let v = new_tasting().validate(now()).unwrap();
        assert_eq!((v.title.as_str(), v.place.as_str()), ("崇明白扁豆 试吃会", "店内二楼品鉴区"));
        assert_eq!((v.seats, v.seats_per_household), (20, 4));
        assert_eq!(v.cover_url.as_deref(), Some("/images/tastings/bean.jpg"));
        let t = tasting();
        assert_eq!((t.status, t.created_at, t.product_ids.len()), (TastingStatus::Scheduled, now(), 2));
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["status"], "scheduled");
        assert_eq!(json["starts_at"], "2026-11-26T11:00:00Z");
        assert_eq!(serde_json::from_value::<Tasting>(json).unwrap(), t);
        // Missing optional members mean none.
        let n: NewTasting = serde_json::from_str(
            r#"{"title":"试吃","starts_at":"2026-11-26T11:00:00Z","place":"店里","seats":1,"seats_per_household":1}"#,
        )
        .unwrap();
        let v = n.validate(now()).unwrap();
        assert_eq!((v.product_ids.len(), v.cover_url), (0, None));
    }

    #[test]
    fn new_tasting_checks_in_order() {
        let check = |edit: &dyn Fn(&mut NewTasting)| {
            let mut n = new_tasting();
            edit(&mut n);
            n.validate(now())
        };
        assert_eq!(check(&|n| n.title = " ".into()), Err(TastingError::InvalidTitle));
        assert_eq!(check(&|n| n.title = "试".repeat(41)), Err(TastingError::InvalidTitle));
        assert!(check(&|n| n.title = "试".repeat(40)).is_ok());
        assert_eq!(check(&|n| n.starts_at = now()), Err(TastingError::StartsInPast), "now is not the future");
        assert!(check(&|n| n.starts_at = now() + Duration::seconds(1)).is_ok());
        assert_eq!(check(&|n| n.starts_at = DateTime::<Utc>::MIN_UTC), Err(TastingError::StartsInPast));
        assert!(check(&|n| n.starts_at = now() + Duration::days(90)).is_ok());
        assert_eq!(
            check(&|n| n.starts_at = now() + Duration::days(90) + Duration::seconds(1)),
            Err(TastingError::TooFarAhead { max_days: 90 })
        );
        assert_eq!(check(&|n| n.starts_at = DateTime::<Utc>::MAX_UTC), Err(TastingError::TooFarAhead { max_days: 90 }));
        assert_eq!(check(&|n| n.place = "".into()), Err(TastingError::InvalidPlace));
        assert_eq!(check(&|n| n.place = "店".repeat(61)), Err(TastingError::InvalidPlace));
        for bad in [0, -1, 201, i64::MAX] {
            assert_eq!(check(&|n| n.seats = bad), Err(TastingError::InvalidSeats), "{bad}");
        }
        assert!(check(&|n| n.seats = 200).is_ok());
        for bad in [0, -3, 11] {
            assert_eq!(check(&|n| n.seats_per_household = bad), Err(TastingError::InvalidSeatsPerHousehold), "{bad}");
        }
        assert!(check(&|n| n.seats_per_household = 10).is_ok());
        assert_eq!(
            check(&|n| {
                n.seats = 3;
                n.seats_per_household = 4;
            }),
            Err(TastingError::InvalidSeatsPerHousehold),
            "a household cannot be allowed more than the room"
        );
        let products = |n: usize| (0..n).map(|i| ProductId::parse(&format!("p-{i}")).unwrap()).collect::<Vec<_>>();
        assert!(check(&|n| n.product_ids = products(6)).is_ok());
        assert_eq!(check(&|n| n.product_ids = products(7)), Err(TastingError::TooManyProducts));
        assert_eq!(
            check(&|n| n.product_ids = vec![products(1)[0].clone(), products(1)[0].clone()]),
            Err(TastingError::DuplicateProduct)
        );
        assert_eq!(check(&|n| n.cover_url = Some("javascript:alert(1)".into())), Err(TastingError::InvalidCoverUrl));
        assert_eq!(check(&|n| n.cover_url = Some("//evil.example/x.jpg".into())), Err(TastingError::InvalidCoverUrl));
        assert_eq!(check(&|n| n.cover_url = Some("  ".into())).unwrap().cover_url, None);
        // The order: a bad title is reported before everything else.
        assert_eq!(
            check(&|n| {
                n.title = "".into();
                n.seats = 0;
                n.starts_at = now();
            }),
            Err(TastingError::InvalidTitle)
        );
    }

    #[test]
    fn decide_booking_rules() {
        use BookingDecision::*;
        // Seat count 1..=per household.
        assert_eq!(decide_booking(10, 0, 0, 4), Err(TastingError::InvalidSeatCount { max: 4 }));
        assert_eq!(decide_booking(10, 0, 5, 4), Err(TastingError::InvalidSeatCount { max: 4 }));
        assert_eq!(decide_booking(10, 0, 4, 4), Ok(Confirmed));
        // Household cap across bookings.
        assert_eq!(decide_booking(10, 3, 1, 4), Ok(Confirmed));
        assert_eq!(decide_booking(10, 3, 2, 4), Err(TastingError::HouseholdCapReached { cap: 4, already: 3 }));
        assert_eq!(decide_booking(10, u32::MAX, 1, 4), Err(TastingError::HouseholdCapReached { cap: 4, already: u32::MAX }));
        // Seats: exactly enough confirms, fewer waitlists the whole booking.
        assert_eq!(decide_booking(2, 0, 2, 4), Ok(Confirmed));
        assert_eq!(decide_booking(2, 0, 3, 4), Ok(Waitlisted { seats_left: 2 }));
        assert_eq!(decide_booking(0, 0, 1, 4), Ok(Waitlisted { seats_left: 0 }));
        // The cap is checked before the seats: a full room still says "too many for your household".
        assert_eq!(decide_booking(0, 4, 1, 4), Err(TastingError::HouseholdCapReached { cap: 4, already: 4 }));
        assert_eq!(Waitlisted { seats_left: 2 }.confirmed_only(), Err(TastingError::NotEnoughSeats { seats_left: 2 }));
        assert_eq!(Confirmed.confirmed_only(), Ok(Confirmed));
        assert_eq!(
            serde_json::to_value(Waitlisted { seats_left: 2 }).unwrap(),
            serde_json::json!({ "status": "waitlisted", "seats_left": 2 })
        );
    }

    #[test]
    fn booking_a_tasting_checks_in_order() {
        let t = tasting();
        let ask = |seats: i64| NewBooking { seats, no_waitlist: false };
        let facts = BookingFacts { held_seats: 18, household_seats: 0, has_active_booking: false };
        assert_eq!(t.book(&ask(2), &facts, now()), Ok(BookingDecision::Confirmed));
        assert_eq!(t.book(&ask(3), &facts, now()), Ok(BookingDecision::Waitlisted { seats_left: 2 }));
        assert_eq!(
            t.book(&NewBooking { seats: 3, no_waitlist: true }, &facts, now()),
            Err(TastingError::NotEnoughSeats { seats_left: 2 })
        );
        for bad in [0, -1, i64::MAX, 5] {
            assert_eq!(t.book(&ask(bad), &facts, now()), Err(TastingError::InvalidSeatCount { max: 4 }), "{bad}");
        }
        let booked = BookingFacts { has_active_booking: true, ..facts };
        assert_eq!(t.book(&ask(1), &booked, now()), Err(TastingError::AlreadyBooked));
        // Over-held rows (seats reduced by hand) count as full, never as a wrap.
        let over = BookingFacts { held_seats: 25, ..facts };
        assert_eq!(t.book(&ask(1), &over, now()), Ok(BookingDecision::Waitlisted { seats_left: 0 }));
        // Open until the start.
        assert!(t.book(&ask(1), &facts, starts() - Duration::seconds(1)).is_ok());
        assert_eq!(t.book(&ask(1), &facts, starts()), Err(TastingError::TastingStarted));
        assert_eq!(t.book(&ask(1), &booked, starts()), Err(TastingError::TastingStarted), "the start is checked first");
        let mut called_off = t.clone();
        called_off.cancel(now()).unwrap();
        assert_eq!(called_off.book(&ask(1), &facts, now()), Err(TastingError::TastingCancelled));
        assert_eq!(called_off.clone().cancel(now()), Err(TastingError::TastingCancelled));
        let n: NewBooking = serde_json::from_str(r#"{"seats":2}"#).unwrap();
        assert!(!n.no_waitlist, "the waitlist is the default");
    }

    #[test]
    fn households_are_building_and_unit() {
        let (a, b) = (PersonId::parse("r-a").unwrap(), PersonId::parse("r-b").unwrap());
        assert_eq!(household_key(&a, "3幢", "302"), household_key(&b, " 3 幢 ", "302"));
        assert_eq!(household_key(&a, "３幢", "Ａ３０２"), household_key(&b, "3幢", "a302"), "full-width and case folded");
        assert_ne!(household_key(&a, "3幢", "302"), household_key(&b, "3幢", "301"));
        assert_ne!(household_key(&a, "3幢", "302"), household_key(&b, "13幢", "302"));
        // No separator text can make two households one.
        assert_ne!(household_key(&a, "3/1", "02"), household_key(&b, "3", "1/02"));
        assert_eq!(household_key(&a, "3幢", "302"), "h:3幢\u{1f}302");
        // Without a unit, a resident is her own household.
        assert_eq!(household_key(&a, "3幢", " "), "p:r-a");
        assert_ne!(household_key(&a, "3幢", ""), household_key(&b, "3幢", ""));
    }

    #[test]
    fn waitlist_positions_have_no_gaps() {
        assert_eq!(waitlist_positions(&[]), []);
        let entries = [entry("b-late", 1, 30), entry("b-first", 2, 0), entry("b-tie-b", 1, 10), entry("b-tie-a", 3, 10)];
        let positions = waitlist_positions(&entries);
        let shown: Vec<(&str, u32)> = positions.iter().map(|(id, p)| (id.as_str(), *p)).collect();
        assert_eq!(shown, [("b-first", 1), ("b-tie-a", 2), ("b-tie-b", 3), ("b-late", 4)]);
        // Someone leaves: everyone behind moves up, still 1..n.
        let rest = [entries[0].clone(), entries[2].clone(), entries[3].clone()];
        let positions: Vec<u32> = waitlist_positions(&rest).into_iter().map(|(_, p)| p).collect();
        assert_eq!(positions, [1, 2, 3]);
    }

    #[test]
    fn promotion_walks_the_queue_in_order() {
        let queue = [entry("b-1", 2, 0), entry("b-2", 3, 1), entry("b-3", 1, 2), entry("b-4", 2, 3)];
        // One seat: the first that fits is b-3, ahead of b-1 and b-2 who need more.
        let p = promote_from_waitlist(1, &queue);
        assert_eq!((ids(&p.promoted), p.seats_left), (vec!["b-3"], 0));
        // Two seats: the head fits, and takes them.
        let p = promote_from_waitlist(2, &queue);
        assert_eq!((ids(&p.promoted), p.seats_left), (vec!["b-1"], 0));
        // Four seats: b-1 (2), b-2 needs 3 of the 2 left and waits, b-3 (1), then 1 left for b-4's 2.
        let p = promote_from_waitlist(4, &queue);
        assert_eq!((ids(&p.promoted), p.seats_left), (vec!["b-1", "b-3"], 1));
        // Enough for everyone.
        let p = promote_from_waitlist(20, &queue);
        assert_eq!((ids(&p.promoted), p.seats_left), (vec!["b-1", "b-2", "b-3", "b-4"], 12));
        // Nothing free, or nobody waiting.
        assert_eq!(promote_from_waitlist(0, &queue), Promotion { promoted: vec![], seats_left: 0 });
        assert_eq!(promote_from_waitlist(3, &[]), Promotion { promoted: vec![], seats_left: 3 });
        // The input order does not matter: the queue is by time booked.
        let shuffled = [queue[3].clone(), queue[1].clone(), queue[0].clone(), queue[2].clone()];
        assert_eq!(promote_from_waitlist(4, &shuffled), promote_from_waitlist(4, &queue));
    }

    #[test]
    fn after_a_promotion_nobody_waiting_fits() {
        // The invariant rule 5 rests on, over every free count and a mixed queue.
        let queue = [entry("b-1", 4, 0), entry("b-2", 1, 1), entry("b-3", 3, 2), entry("b-4", 2, 3), entry("b-5", 1, 4)];
        for free in 0..=12 {
            let p = promote_from_waitlist(free, &queue);
            let used: u32 = queue.iter().filter(|e| p.promoted.contains(&e.booking_id)).map(|e| e.seats).sum();
            assert_eq!(used + p.seats_left, free);
            for waiting in queue.iter().filter(|e| !p.promoted.contains(&e.booking_id)) {
                assert!(waiting.seats > p.seats_left, "{free}: {} fits", waiting.booking_id);
            }
        }
    }

    #[test]
    fn cancelling_in_time_late_and_too_late() {
        let in_time = starts() - Duration::hours(CANCEL_CUTOFF_HOURS) - Duration::seconds(1);
        let mut b = booking("b-1", 3, BookingStatus::Confirmed);
        assert_eq!(b.cancel(starts(), in_time), Ok(Cancellation { late: false, freed_seats: 3 }));
        assert_eq!((b.status, b.cancelled_at), (BookingStatus::Cancelled, Some(in_time)));
        assert_eq!(b.cancel(starts(), in_time), Err(TastingError::NotCancellable), "once");

        let cutoff = starts() - Duration::hours(CANCEL_CUTOFF_HOURS);
        let mut b = booking("b-2", 2, BookingStatus::Confirmed);
        assert_eq!(
            b.cancel(starts(), cutoff),
            Ok(Cancellation { late: true, freed_seats: 2 }),
            "the seats still go to the waitlist"
        );
        assert_eq!(b.status, BookingStatus::LateCancelled);
        assert!(b.status.counts_as_no_show());

        let mut b = booking("b-3", 2, BookingStatus::Confirmed);
        assert_eq!(b.cancel(starts(), starts()), Err(TastingError::TastingStarted));
        assert_eq!(b.status, BookingStatus::Confirmed, "a refused cancel changes nothing");

        // Leaving the waitlist is never late and frees nothing.
        let mut b = booking("b-4", 2, BookingStatus::Waitlisted);
        assert_eq!(b.cancel(starts(), starts() - minutes(5)), Ok(Cancellation { late: false, freed_seats: 0 }));
        assert_eq!(b.status, BookingStatus::Cancelled);

        for s in [BookingStatus::CheckedIn, BookingStatus::LateCancelled, BookingStatus::NoShow, BookingStatus::Lapsed] {
            assert_eq!(booking("b-5", 1, s).cancel(starts(), now()), Err(TastingError::NotCancellable), "{s}");
            // Status is reported even after the start.
            assert_eq!(booking("b-5", 1, s).cancel(starts(), starts()), Err(TastingError::NotCancellable), "{s}");
        }
    }

    #[test]
    fn a_cancellation_promotes_from_the_waitlist() {
        // A 4-seat room, full; a 2-seat booking cancels; the waitlist is a 3 then a 2.
        let t = Tasting { seats: 4, ..tasting() };
        let mut bookings = [
            booking("b-1", 2, BookingStatus::Confirmed),
            booking("b-2", 2, BookingStatus::Confirmed),
            Booking { booked_at: now() + minutes(1), ..booking("b-3", 3, BookingStatus::Waitlisted) },
            Booking { booked_at: now() + minutes(2), ..booking("b-4", 2, BookingStatus::Waitlisted) },
        ];
        bookings[0].cancel(t.starts_at, now()).unwrap();
        let held: u32 = bookings.iter().filter(|b| b.status.holds_seats()).map(|b| b.seats).sum();
        let waiting: Vec<WaitlistEntry> = bookings.iter().filter_map(Booking::waitlist_entry).collect();
        let p = promote_from_waitlist(t.seats_left(held), &waiting);
        assert_eq!(ids(&p.promoted), ["b-4"]);
        for b in bookings.iter_mut().filter(|b| p.promoted.contains(&b.id)) {
            assert!(b.promote());
        }
        assert_eq!(bookings[3].status, BookingStatus::Confirmed);
        assert!(!bookings[3].promote(), "only a waitlisted booking is promoted");
        // b-3 is now alone at the head of the waitlist.
        let waiting: Vec<WaitlistEntry> = bookings.iter().filter_map(Booking::waitlist_entry).collect();
        assert_eq!(waitlist_positions(&waiting), [(BookingId::parse("b-3").unwrap(), 1)]);
    }

    #[test]
    fn check_in_code_is_six_stable_digits_apart_from_pickup_codes() {
        let id = BookingId::parse("b-1").unwrap();
        let code = check_in_code(SECRET, &id);
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(code, check_in_code(SECRET, &id));
        assert!(verify_check_in_code(SECRET, &id, &format!(" {code} ")));
        assert!(!verify_check_in_code(SECRET, &id, "12345"));
        assert!(!verify_check_in_code(b"other-secret", &id, &code));
        let codes: BTreeSet<String> =
            (0..200).map(|i| check_in_code(SECRET, &BookingId::new_unchecked(format!("b-{i}")))).collect();
        assert!(codes.len() > 190, "codes spread out");
        // Not the pickup code of an order with the same ID text.
        let order = crate::OrderId::new_unchecked("b-1".into());
        assert_ne!(code, crate::order::pickup_code(SECRET, &order));
        // Pinned against an independent HMAC computation.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SECRET).unwrap();
        mac.update(b"linli/tasting-check-in\0b-1");
        let n = u64::from_be_bytes(mac.finalize().into_bytes()[..8].try_into().unwrap()) % 1_000_000;
        assert_eq!(code, format!("{n:06}"));
    }

    #[test]
    fn check_in_window_and_order() {
        let id = BookingId::parse("b-1").unwrap();
        let code = check_in_code(SECRET, &id);
        let opens = starts() - minutes(CHECK_IN_OPENS_MINUTES_BEFORE);
        let closes = starts() + Duration::hours(CHECK_IN_CLOSES_HOURS_AFTER);
        let mut b = booking("b-1", 2, BookingStatus::Confirmed);
        assert_eq!(b.check_in(SECRET, &code, starts(), opens - Duration::seconds(1)), Err(TastingError::CheckInNotOpen));
        assert_eq!(b.check_in(SECRET, &code, starts(), closes), Err(TastingError::CheckInClosed));
        assert_eq!(b.check_in(SECRET, &code, starts(), opens), Ok(()));
        assert_eq!((b.status, b.checked_in_at), (BookingStatus::CheckedIn, Some(opens)));
        assert_eq!(b.check_in(SECRET, &code, starts(), starts()), Err(TastingError::AlreadyCheckedIn));
        // "Already" is said even after the window.
        assert_eq!(b.check_in(SECRET, &code, starts(), closes), Err(TastingError::AlreadyCheckedIn));
        // The last second of the window.
        let mut b = booking("b-1", 2, BookingStatus::Confirmed);
        assert_eq!(b.check_in(SECRET, &code, starts(), closes - Duration::seconds(1)), Ok(()));
        // Only confirmed seats check in, and that is said before the window.
        for s in [BookingStatus::Waitlisted, BookingStatus::Cancelled, BookingStatus::LateCancelled, BookingStatus::NoShow] {
            let mut b = booking("b-1", 2, s);
            assert_eq!(b.check_in(SECRET, &code, starts(), now()), Err(TastingError::NotConfirmed), "{s}");
        }
        // Extreme instants do not panic.
        let mut b = booking("b-1", 2, BookingStatus::Confirmed);
        assert_eq!(b.check_in(SECRET, &code, starts(), DateTime::<Utc>::MIN_UTC), Err(TastingError::CheckInNotOpen));
        assert_eq!(b.check_in(SECRET, &code, starts(), DateTime::<Utc>::MAX_UTC), Err(TastingError::CheckInClosed));
    }

    #[test]
    fn a_wrong_code_is_refused_and_changes_nothing() {
        let id = BookingId::parse("b-1").unwrap();
        let code = check_in_code(SECRET, &id);
        let wrong = if code == "123456" { "654321" } else { "123456" };
        let mut b = booking("b-1", 2, BookingStatus::Confirmed);
        assert_eq!(b.check_in(SECRET, wrong, starts(), starts()), Err(TastingError::WrongCheckInCode));
        assert_eq!((b.status, b.checked_in_at), (BookingStatus::Confirmed, None));
        let p = Problem::from_error(&TastingError::WrongCheckInCode);
        assert_eq!((p.status, p.errors[0].field.as_str()), (422, "code"));
    }

    #[test]
    fn settling_after_the_evening() {
        let closes = starts() + Duration::hours(CHECK_IN_CLOSES_HOURS_AFTER);
        let mut b = booking("b-1", 2, BookingStatus::Confirmed);
        assert!(!b.settle(starts(), closes - Duration::seconds(1)), "not while check-in is open");
        assert!(b.settle(starts(), closes));
        assert_eq!(b.status, BookingStatus::NoShow);
        assert!(!b.settle(starts(), closes), "once");
        let mut b = booking("b-2", 2, BookingStatus::Waitlisted);
        assert!(b.settle(starts(), closes));
        assert_eq!(b.status, BookingStatus::Lapsed);
        assert!(!b.status.counts_as_no_show(), "a lapsed waitlist is not her fault");
        for s in [BookingStatus::CheckedIn, BookingStatus::Cancelled, BookingStatus::LateCancelled] {
            let mut b = booking("b-3", 1, s);
            assert!(!b.settle(starts(), closes));
            assert_eq!(b.status, s);
        }
    }

    #[test]
    fn the_store_calls_it_off() {
        let mut t = tasting();
        assert_eq!(t.clone().cancel(starts()), Err(TastingError::TastingStarted), "not once it has started");
        assert_eq!(t.cancel(starts() - Duration::seconds(1)), Ok(()));
        assert_eq!(t.status, TastingStatus::Cancelled);
        for (s, changes) in [
            (BookingStatus::Confirmed, true),
            (BookingStatus::Waitlisted, true),
            (BookingStatus::CheckedIn, false),
            (BookingStatus::LateCancelled, false),
        ] {
            let mut b = booking("b-1", 2, s);
            assert_eq!(b.void(now()), changes, "{s}");
            if changes {
                assert_eq!((b.status, b.cancelled_at), (BookingStatus::Cancelled, Some(now())));
                assert!(!b.status.counts_as_no_show());
            }
        }
    }

    #[test]
    fn refusals_say_their_numbers() {
        let p = Problem::from_error(&TastingError::HouseholdCapReached { cap: 4, already: 3 });
        assert_eq!((p.status, p.title.as_str()), (409, "每户最多订4个座位，你家已订3个"));
        let p = Problem::from_error(&TastingError::NotEnoughSeats { seats_left: 2 });
        assert_eq!(p.title, "只剩2个座位，可以少订几个或排候补");
        let p = Problem::from_error(&TastingError::NotEnoughSeats { seats_left: 0 });
        assert_eq!(p.title, "座位已订满，可以排候补");
        let p = Problem::from_error(&TastingError::InvalidSeatCount { max: 4 });
        assert_eq!((p.status, p.title.as_str(), p.errors[0].field.as_str()), (422, "每户可订1到4个座位", "seats"));
    }

    #[test]
    fn a_new_tasting_is_suggested_for_tomorrow_evening_store_time() {
        // 23:30 in Shanghai on 1 December: tomorrow is 2 December, 19:00 there is 11:00 UTC.
        let now: DateTime<Utc> = "2026-12-01T15:30:00Z".parse().unwrap();
        assert_eq!(suggested_tasting_start(now), "2026-12-02T11:00:00Z".parse::<DateTime<Utc>>().unwrap());
        // 00:30 in Shanghai is already the next day there.
        let after_midnight: DateTime<Utc> = "2026-12-01T16:30:00Z".parse().unwrap();
        assert_eq!(suggested_tasting_start(after_midnight), "2026-12-03T11:00:00Z".parse::<DateTime<Utc>>().unwrap());
    }
}
