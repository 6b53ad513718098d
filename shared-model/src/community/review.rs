//! Buyers' reviews (口碑): a resident who picked up a product says how it was, with stars,
//! words and photos; neighbours read them on the product page, KOCs' with a badge; the
//! owner features the best and hides what should not be shown.
//!
//! Policy, in the order the rules apply:
//! 1. **Who** ([`check_review_eligibility`]), checked in this order: the order is the
//!    reviewer's (else `order_not_found`, 404, as for any order that is not hers); it was
//!    picked up; the product is in it; this product of this order has no review yet (one
//!    review per product per picked-up order, so a resident who buys eggs every week may
//!    review them again, each time about what she got); it was picked up at most
//!    [`REVIEW_WINDOW_DAYS`] days ago (a review of last month's cabbage says little about
//!    today's).
//! 2. **The review** ([`NewReview::validate`]), in order: 1..=5 stars; text of at most
//!    [`MAX_REVIEW_CHARS`] characters (line breaks kept, blank is none). Stars alone are
//!    a review: a one-tap rating is worth having from neighbours who will not type, so it
//!    counts in the rating, but it shows no card (there is nothing to read) and cannot
//!    be featured.
//! 3. **Photos** are added to a written review one upload at a time
//!    ([`check_photo_upload`], then [`inspect_photo`]): only by its author (to anyone
//!    else it does not exist), not while it is hidden, and at most [`MAX_REVIEW_PHOTOS`]
//!    (the worker's insert checks the count itself, so two uploads at once cannot make a
//!    seventh). Each upload, in this order: not
//!    empty; at most [`MAX_PHOTO_BYTES`] (2 MiB); the real type read from the first
//!    bytes, never from a name or a declared type. JPEG (`FF D8 FF`) and WebP
//!    (`RIFF….WEBP`) are accepted, the two the app's in-browser shrinking writes. PNG is
//!    refused: a photo as PNG is several times the bytes at the same size, and one
//!    arriving here means the shrinking was skipped (a script, an old app), so the
//!    resident is asked to pick it again; anything else (HEIC, GIF) likewise. Then the
//!    pixel size from the header (JPEG: the first SOF segment; WebP: its VP8X, VP8 or
//!    VP8L header): the longest side at most [`MAX_PHOTO_SIDE_PX`]. A file whose size
//!    cannot be read is refused as unreadable: if we cannot read its header, a phone may
//!    not show it either.
//! 4. **The rating** ([`RatingSummary::of`]): how many, the average in tenths of a star
//!    rounded half up (4.25 → 4.3), and the count of each of 1..5 stars, integers only.
//!    Hidden reviews still count: the owner may hide words and photos, never the stars,
//!    so hiding cannot polish the average.
//! 5. **Moderation** ([`Review::moderate`]): the owner features a review (shown first; at
//!    most [`MAX_FEATURED_PER_PRODUCT`] per product, or "featured" means nothing) or
//!    takes the feature back; hides one with a reason of 1..=[`MAX_HIDE_REASON_CHARS`]
//!    characters that its author is told
//!    ([`CommunityNotice::ReviewHidden`](super::CommunityNotice::ReviewHidden)); or shows
//!    a hidden one again. A hide's reason is checked first; a hidden review is featured
//!    only after it is shown again. Asking for the state a review is already in changes
//!    nothing and tells no one, so a repeated request is harmless.
//! 6. **Showing** ([`Review::shown`], [`sort_shown`]): neighbours see a review that is
//!    not hidden and has text or photos, with the author's masked name, the 已购 mark
//!    (every review comes from a picked-up order, so it is always set; it is a field so
//!    the card never guesses) and the KOC badge when the author is a KOC now; featured
//!    first, then newest, then by id. The author sees her own review, hidden or not, with
//!    the reason ([`Review::visible_to`]); the owner sees every review.

use super::{free_text, one_line};
use crate::{
    identity::mask_name,
    ids::{stored_forms, OrderId, PersonId, PhotoId, ProductId, ReviewId, StoreId},
    order::{Order, OrderStatus},
    problem::impl_error_code,
};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::{cmp::Ordering, fmt};
use thiserror::Error;

/// Days after pickup during which a product of the order may be reviewed.
pub const REVIEW_WINDOW_DAYS: i64 = 30;
/// Longest review text, in characters.
pub const MAX_REVIEW_CHARS: usize = 500;
/// Most photos on one review.
pub const MAX_REVIEW_PHOTOS: usize = 6;
/// Largest photo upload, in bytes (2 MiB).
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;
/// Longest side of a photo, in pixels.
pub const MAX_PHOTO_SIDE_PX: u32 = 1600;
/// Most featured reviews per product.
pub const MAX_FEATURED_PER_PRODUCT: u32 = 3;
/// Longest reason for hiding a review, in characters.
pub const MAX_HIDE_REASON_CHARS: usize = 100;

/// A star rating, 1..=5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Stars(u8);

#[cfg(feature = "openapi")]
crate::openapi::integer_schema!(Stars, 1, 5, "A star rating, 1..=5");

impl Stars {
    /// 1..=5 stars, else `None`.
    pub fn new(stars: i64) -> Option<Self> {
        u8::try_from(stars).ok().filter(|s| (1..=5).contains(s)).map(Stars)
    }

    /// The number of stars, 1..=5.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for Stars {
    type Error = ReviewError;
    fn try_from(stars: i64) -> Result<Self, ReviewError> {
        Stars::new(stars).ok_or(ReviewError::InvalidStars)
    }
}

impl From<Stars> for i64 {
    fn from(stars: Stars) -> i64 {
        stars.0.into()
    }
}

/// The facts of an order that decide whether its buyer may review its products.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseFacts {
    /// Who placed it.
    pub buyer: PersonId,
    /// Where it is now.
    pub status: OrderStatus,
    /// When it was picked up, from its timeline.
    pub picked_up_at: Option<DateTime<Utc>>,
    /// The products in it.
    pub product_ids: Vec<ProductId>,
}

impl PurchaseFacts {
    /// The facts of `order`; the pickup time is its timeline's picked-up step.
    pub fn from_order(order: &Order) -> Self {
        PurchaseFacts {
            buyer: order.person_id.clone(),
            status: order.status,
            picked_up_at: order.timeline.iter().find(|c| c.status == OrderStatus::PickedUp).map(|c| c.at),
            product_ids: order.lines.iter().map(|l| l.product_id.clone()).collect(),
        }
    }
}

/// `Ok` if `reviewer` may review `product` from `purchase` at `now`, `already_reviewed`
/// or not (rule 1, in order). An order marked picked up without a pickup time in its
/// timeline is not taken as picked up: a bad row never opens a review.
pub fn check_review_eligibility(
    reviewer: &PersonId,
    purchase: &PurchaseFacts,
    product: &ProductId,
    already_reviewed: bool,
    now: DateTime<Utc>,
) -> Result<(), ReviewError> {
    if &purchase.buyer != reviewer {
        return Err(ReviewError::OrderNotFound);
    }
    let picked_up_at = match (purchase.status, purchase.picked_up_at) {
        (OrderStatus::PickedUp, Some(at)) => at,
        _ => return Err(ReviewError::NotPickedUp),
    };
    if !purchase.product_ids.contains(product) {
        return Err(ReviewError::ProductNotInOrder);
    }
    if already_reviewed {
        return Err(ReviewError::AlreadyReviewed);
    }
    if now.signed_duration_since(picked_up_at) > Duration::days(REVIEW_WINDOW_DAYS) {
        return Err(ReviewError::ReviewWindowPassed);
    }
    Ok(())
}

/// A resident's review (`POST /api/v1/reviews`). Stars are signed and wide so that 0 or
/// 6 get their field error rather than failing as unreadable JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewReview {
    /// The picked-up order the product came in.
    pub order_id: OrderId,
    /// The product reviewed.
    pub product_id: ProductId,
    /// 1..=5.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub stars: i64,
    /// What she has to say.
    #[serde(default)]
    pub text: Option<String>,
}

/// A review that passed [`NewReview::validate`], cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidReview {
    /// The order.
    pub order_id: OrderId,
    /// The product.
    pub product_id: ProductId,
    /// The stars.
    pub stars: Stars,
    /// Trimmed text, line breaks as `\n`; blank is `None`.
    pub text: Option<String>,
}

impl NewReview {
    /// Checks stars, then text (rule 2).
    pub fn validate(&self) -> Result<ValidReview, ReviewError> {
        let stars = Stars::new(self.stars).ok_or(ReviewError::InvalidStars)?;
        let text = free_text(self.text.as_deref(), MAX_REVIEW_CHARS).map_err(|()| ReviewError::ReviewTooLong)?;
        Ok(ValidReview { order_id: self.order_id.clone(), product_id: self.product_id.clone(), stars, text })
    }
}

/// Whether `uploader` may add a photo to `review`, which has `photos` already (rule 3):
/// its author only (anyone else is told it does not exist), not while hidden, and fewer
/// than [`MAX_REVIEW_PHOTOS`] so far.
pub fn check_photo_upload(review: &Review, uploader: &PersonId, photos: usize) -> Result<(), ReviewError> {
    if &review.author_id != uploader {
        return Err(ReviewError::ReviewNotFound);
    }
    if review.visibility == ReviewVisibility::Hidden {
        return Err(ReviewError::ReviewIsHidden);
    }
    if photos >= MAX_REVIEW_PHOTOS {
        return Err(ReviewError::TooManyPhotos);
    }
    Ok(())
}

/// Where a photo is served: `/api/v1/photos/{photo}` (its id is also its storage key).
pub fn photo_path(photo: &PhotoId) -> String {
    format!("/api/v1/photos/{photo}")
}

/// A photo's real type, read from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhotoFormat {
    /// JPEG.
    Jpeg,
    /// WebP.
    Webp,
}

stored_forms!(PhotoFormat, "photo format", { Jpeg => "jpeg", Webp => "webp" });

impl PhotoFormat {
    /// The media type to store and serve it with.
    pub fn content_type(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "image/jpeg",
            PhotoFormat::Webp => "image/webp",
        }
    }

    /// The file extension for its storage key.
    pub fn extension(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "jpg",
            PhotoFormat::Webp => "webp",
        }
    }
}

/// What [`inspect_photo`] read from an accepted photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoInfo {
    /// Its real type.
    pub format: PhotoFormat,
    /// Width in pixels, as stored (before any EXIF rotation).
    pub width: u32,
    /// Height in pixels, as stored.
    pub height: u32,
}

const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG_MAGIC: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Checks an uploaded photo (rule 3, in order) and reads its type and size.
pub fn inspect_photo(bytes: &[u8]) -> Result<PhotoInfo, ReviewError> {
    if bytes.is_empty() {
        return Err(ReviewError::UnreadablePhoto);
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(ReviewError::PhotoTooLarge);
    }
    let is_webp = bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP";
    let (format, size) = if bytes.starts_with(JPEG_MAGIC) {
        (PhotoFormat::Jpeg, jpeg_size(bytes))
    } else if is_webp {
        (PhotoFormat::Webp, webp_size(bytes))
    } else if bytes.starts_with(PNG_MAGIC) {
        // Refused on purpose, not for want of a parser: see rule 3.
        return Err(ReviewError::UnsupportedPhotoType);
    } else {
        return Err(ReviewError::UnsupportedPhotoType);
    };
    let (width, height) = size.filter(|&(w, h)| w > 0 && h > 0).ok_or(ReviewError::UnreadablePhoto)?;
    if width.max(height) > MAX_PHOTO_SIDE_PX {
        return Err(ReviewError::PhotoTooBig);
    }
    Ok(PhotoInfo { format, width, height })
}

/// `bytes[at..at + 2]` as a big-endian number.
fn be16(bytes: &[u8], at: usize) -> Option<u32> {
    let pair = bytes.get(at..at.checked_add(2)?)?;
    Some(u32::from(u16::from_be_bytes([pair[0], pair[1]])))
}

/// `bytes[at..at + n]` (n ≤ 4) as a little-endian number.
fn le(bytes: &[u8], at: usize, n: usize) -> Option<u32> {
    let field = bytes.get(at..at.checked_add(n)?)?;
    Some(field.iter().rev().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

/// Width and height from a JPEG's first start-of-frame segment, walking the segments
/// from the start: each is `FF`, a marker, a big-endian length counting itself, and its
/// payload. Fill bytes (`FF FF…`) before a marker are skipped; the standalone markers
/// TEM and RST0–7 have no length. SOF0–15 except DHT (`C4`), JPG (`C8`) and DAC (`CC`)
/// hold `precision, height, width`. `None` at the start of scan or the end of the image
/// before any SOF, or on any malformed or truncated segment. Every step moves forward by
/// at least two bytes, so the walk ends.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        while *bytes.get(at)? == 0xFF {
            at += 1;
        }
        let marker = bytes[at];
        at += 1;
        match marker {
            0x01 | 0xD0..=0xD7 => continue,
            0x00 | 0xD8 | 0xD9 | 0xDA => return None,
            _ => {}
        }
        let length = usize::try_from(be16(bytes, at)?).ok()?;
        if length < 2 {
            return None;
        }
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            if length < 7 {
                return None;
            }
            let height = be16(bytes, at + 3)?;
            let width = be16(bytes, at + 5)?;
            return Some((width, height));
        }
        at = at.checked_add(length)?;
    }
}

/// Width and height from a WebP's first chunk, which names the kind of file:
/// - `VP8X` (extended): canvas width − 1 and height − 1 as 24-bit little-endian numbers
///   at payload bytes 4 and 7;
/// - `VP8 ` (lossy): a key frame (bit 0 of the frame tag clear), the start code
///   `9D 01 2A`, then width and height as 14-bit little-endian numbers (the top two bits
///   are a scale, ignored) at payload bytes 6 and 8;
/// - `VP8L` (lossless): the signature `2F`, then 14 bits of width − 1, 14 of height − 1,
///   one alpha bit and a 3-bit version that must be 0.
///
/// `None` for any other chunk, or a chunk shorter than its header.
fn webp_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let kind = bytes.get(12..16)?;
    let declared = usize::try_from(le(bytes, 16, 4)?).ok()?;
    let payload = bytes.get(20..)?;
    let header = |n: usize| (declared >= n).then(|| payload.get(..n)).flatten();
    match kind {
        b"VP8X" => {
            let p = header(10)?;
            Some((le(p, 4, 3)? + 1, le(p, 7, 3)? + 1))
        }
        b"VP8 " => {
            let p = header(10)?;
            if p[0] & 1 != 0 || p[3..6] != [0x9D, 0x01, 0x2A] {
                return None;
            }
            Some((le(p, 6, 2)? & 0x3FFF, le(p, 8, 2)? & 0x3FFF))
        }
        b"VP8L" => {
            let p = header(5)?;
            let bits = le(p, 1, 4)?;
            if p[0] != 0x2F || bits >> 29 != 0 {
                return None;
            }
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        _ => None,
    }
}

/// Stars given, counted (rule 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingSummary {
    /// Ratings counted.
    pub count: u32,
    /// The average in tenths of a star (43 is 4.3), rounded half up; `None` with no
    /// ratings.
    pub average_tenths: Option<u32>,
    /// How many gave 1, 2, 3, 4 and 5 stars.
    pub distribution: [u32; 5],
}

impl RatingSummary {
    /// Counts `stars` (counts saturate).
    pub fn of(stars: impl IntoIterator<Item = Stars>) -> Self {
        let mut distribution = [0u32; 5];
        for s in stars {
            let slot = &mut distribution[usize::from(s.get() - 1)];
            *slot = slot.saturating_add(1);
        }
        Self::from_distribution(distribution)
    }

    /// The summary of `distribution[i]` ratings of `i + 1` stars (what a `GROUP BY`
    /// counts), the same as [`RatingSummary::of`] those ratings.
    pub fn from_distribution(distribution: [u32; 5]) -> Self {
        let count = distribution.iter().fold(0u32, |n, d| n.saturating_add(*d));
        let sum: u64 = distribution.iter().zip(1u64..).map(|(d, stars)| u64::from(*d) * stars).sum();
        let average_tenths = (count > 0).then(|| {
            let count = u64::from(count);
            u32::try_from((20 * sum + count) / (2 * count)).unwrap_or(50).min(50)
        });
        RatingSummary { count, average_tenths, distribution }
    }

    /// The average as shown, `4.3`; `None` with no ratings.
    pub fn average_label(&self) -> Option<String> {
        self.average_tenths.map(|t| format!("{}.{}", t / 10, t % 10))
    }
}

/// How a review is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewVisibility {
    /// Shown, in date order.
    Normal,
    /// Shown first.
    Featured,
    /// Seen only by its author (with the reason) and the owner.
    Hidden,
}

stored_forms!(ReviewVisibility, "review visibility", { Normal => "normal", Featured => "featured", Hidden => "hidden" });

impl ReviewVisibility {
    /// Chinese label for the owner's list.
    pub fn label_zh(self) -> &'static str {
        match self {
            ReviewVisibility::Normal => "正常显示",
            ReviewVisibility::Featured => "精选",
            ReviewVisibility::Hidden => "已隐藏",
        }
    }
}

impl fmt::Display for ReviewVisibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the owner does to a review (`POST /api/v1/reviews/{review}/moderation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Moderation {
    /// Show it first.
    Feature,
    /// Back to date order.
    Unfeature,
    /// Hide it, and tell its author why.
    Hide {
        /// 1..=100 characters.
        reason: String,
    },
    /// Show a hidden review again.
    Show,
}

/// A resident's review, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    /// The review's ID.
    pub id: ReviewId,
    /// The store.
    pub store_id: StoreId,
    /// The product reviewed.
    pub product_id: ProductId,
    /// The picked-up order it came in.
    pub order_id: OrderId,
    /// Who wrote it.
    pub author_id: PersonId,
    /// The stars.
    pub stars: Stars,
    /// Text, if any.
    pub text: Option<String>,
    /// Photos, in the order shown.
    pub photo_ids: Vec<PhotoId>,
    /// How it is shown.
    pub visibility: ReviewVisibility,
    /// Why it is hidden, while hidden.
    pub hidden_reason: Option<String>,
    /// When it was written.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub created_at: DateTime<Utc>,
}

impl Review {
    /// A new review from a validated [`NewReview`], shown normally.
    pub fn create(id: ReviewId, store_id: StoreId, author_id: PersonId, valid: ValidReview, now: DateTime<Utc>) -> Self {
        Review {
            id,
            store_id,
            product_id: valid.product_id,
            order_id: valid.order_id,
            author_id,
            stars: valid.stars,
            text: valid.text,
            photo_ids: Vec::new(),
            visibility: ReviewVisibility::Normal,
            hidden_reason: None,
            created_at: now,
        }
    }

    /// Whether it has something to read or look at: text or a photo.
    pub fn has_content(&self) -> bool {
        self.text.is_some() || !self.photo_ids.is_empty()
    }

    /// Applies the owner's `action` (rule 5), with `featured_for_product` of this
    /// product's reviews featured now. Returns whether the author is to be told (a hide).
    /// A refused action leaves the review as it was.
    pub fn moderate(&mut self, action: &Moderation, featured_for_product: u32) -> Result<bool, ReviewError> {
        use ReviewVisibility::*;
        match (action, self.visibility) {
            (Moderation::Hide { reason }, current) => {
                let reason = one_line(reason, 1, MAX_HIDE_REASON_CHARS).ok_or(ReviewError::InvalidHideReason)?;
                if current == Hidden {
                    return Ok(false);
                }
                self.visibility = Hidden;
                self.hidden_reason = Some(reason);
                Ok(true)
            }
            (Moderation::Feature, Featured)
            | (Moderation::Unfeature, Normal | Hidden)
            | (Moderation::Show, Normal | Featured) => Ok(false),
            (Moderation::Feature, Hidden) => Err(ReviewError::ReviewIsHidden),
            (Moderation::Feature, Normal) => {
                if !self.has_content() {
                    return Err(ReviewError::NothingToFeature);
                }
                if featured_for_product >= MAX_FEATURED_PER_PRODUCT {
                    return Err(ReviewError::TooManyFeatured);
                }
                self.visibility = Featured;
                Ok(false)
            }
            (Moderation::Unfeature, Featured) => {
                self.visibility = Normal;
                Ok(false)
            }
            (Moderation::Show, Hidden) => {
                self.visibility = Normal;
                self.hidden_reason = None;
                Ok(false)
            }
        }
    }

    /// Whether `viewer` sees it: the owner always, its author always, anyone else (or
    /// nobody signed in) when it is shown to neighbours (rule 6).
    pub fn visible_to(&self, viewer: Option<&PersonId>, viewer_is_owner: bool) -> bool {
        viewer_is_owner || viewer == Some(&self.author_id) || self.is_public()
    }

    /// Whether neighbours see it: not hidden, with text or photos.
    pub fn is_public(&self) -> bool {
        self.visibility != ReviewVisibility::Hidden && self.has_content()
    }

    /// The card neighbours see, given the author's nickname and whether she is a KOC
    /// now; `None` when they do not see it.
    pub fn shown(&self, author_nickname: &str, author_is_koc: bool) -> Option<ShownReview> {
        self.is_public().then(|| ShownReview {
            id: self.id.clone(),
            product_id: self.product_id.clone(),
            author: mask_name(author_nickname),
            is_koc: author_is_koc,
            purchased: true,
            stars: self.stars,
            text: self.text.clone(),
            photo_ids: self.photo_ids.clone(),
            featured: self.visibility == ReviewVisibility::Featured,
            created_at: self.created_at,
        })
    }
}

/// A review as neighbours see it on the product page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShownReview {
    /// The review.
    pub id: ReviewId,
    /// The product.
    pub product_id: ProductId,
    /// The author's masked name, `王**`.
    pub author: String,
    /// The KOC badge.
    pub is_koc: bool,
    /// The 已购 mark.
    pub purchased: bool,
    /// The stars.
    pub stars: Stars,
    /// Text, if any.
    pub text: Option<String>,
    /// Photos, in order.
    pub photo_ids: Vec<PhotoId>,
    /// Shown first, with a 精选 label.
    pub featured: bool,
    /// When it was written.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub created_at: DateTime<Utc>,
}

/// The product page's order: featured first, then newest, then by id.
pub fn shown_order(a: &ShownReview, b: &ShownReview) -> Ordering {
    b.featured.cmp(&a.featured).then_with(|| b.created_at.cmp(&a.created_at)).then_with(|| a.id.cmp(&b.id))
}

/// Sorts cards into the product page's order ([`shown_order`]).
pub fn sort_shown(reviews: &mut [ShownReview]) {
    reviews.sort_by(shown_order);
}

/// Why a review, a photo or a moderation is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ReviewError {
    /// The order is not the reviewer's (or does not exist).
    #[error("no such order")]
    OrderNotFound,
    /// The order has not been picked up.
    #[error("only a picked-up order can be reviewed")]
    NotPickedUp,
    /// The product is not in the order.
    #[error("the product is not in this order")]
    ProductNotInOrder,
    /// This product of this order already has a review.
    #[error("already reviewed")]
    AlreadyReviewed,
    /// Picked up more than 30 days ago.
    #[error("reviews are taken up to {REVIEW_WINDOW_DAYS} days after pickup")]
    ReviewWindowPassed,
    /// Stars outside 1..=5.
    #[error("stars must be 1 to 5")]
    InvalidStars,
    /// Text over 500 characters, or with control characters other than line breaks.
    #[error("a review must be at most {MAX_REVIEW_CHARS} characters")]
    ReviewTooLong,
    /// A seventh photo.
    #[error("at most {MAX_REVIEW_PHOTOS} photos")]
    TooManyPhotos,
    /// Over 2 MiB.
    #[error("a photo must be at most {MAX_PHOTO_BYTES} bytes")]
    PhotoTooLarge,
    /// Not JPEG or WebP.
    #[error("a photo must be JPEG or WebP")]
    UnsupportedPhotoType,
    /// The longest side is over 1600 pixels.
    #[error("a photo's longest side must be at most {MAX_PHOTO_SIDE_PX} pixels")]
    PhotoTooBig,
    /// Empty, or its pixel size cannot be read.
    #[error("the photo cannot be read")]
    UnreadablePhoto,
    /// A hide reason not 1..=100 characters, or with control characters.
    #[error("the reason must be 1 to {MAX_HIDE_REASON_CHARS} characters")]
    InvalidHideReason,
    /// The product already has 3 featured reviews.
    #[error("at most {MAX_FEATURED_PER_PRODUCT} featured reviews per product")]
    TooManyFeatured,
    /// Featuring a review with stars only.
    #[error("a review with stars only cannot be featured")]
    NothingToFeature,
    /// Featuring a hidden review.
    #[error("the review is hidden; show it again first")]
    ReviewIsHidden,
    /// No such review in this store.
    #[error("no such review")]
    ReviewNotFound,
    /// No such photo.
    #[error("no such photo")]
    PhotoNotFound,
}

impl ReviewError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            ReviewError::OrderNotFound => "order_not_found",
            ReviewError::NotPickedUp => "order_not_picked_up",
            ReviewError::ProductNotInOrder => "product_not_in_order",
            ReviewError::AlreadyReviewed => "already_reviewed",
            ReviewError::ReviewWindowPassed => "review_window_passed",
            ReviewError::InvalidStars => "invalid_stars",
            ReviewError::ReviewTooLong => "review_too_long",
            ReviewError::TooManyPhotos => "too_many_photos",
            ReviewError::PhotoTooLarge => "photo_too_large",
            ReviewError::UnsupportedPhotoType => "unsupported_photo_type",
            ReviewError::PhotoTooBig => "photo_too_big",
            ReviewError::UnreadablePhoto => "unreadable_photo",
            ReviewError::InvalidHideReason => "invalid_hide_reason",
            ReviewError::TooManyFeatured => "too_many_featured",
            ReviewError::NothingToFeature => "nothing_to_feature",
            ReviewError::ReviewIsHidden => "review_is_hidden",
            ReviewError::ReviewNotFound => "review_not_found",
            ReviewError::PhotoNotFound => "photo_not_found",
        }
    }

    /// 404 for an order, review or photo that is not there (or not hers), 409 for
    /// conflicts with the order's or the review's state (a seventh photo included), 413
    /// for a photo over 2 MiB, 422 for field validation (a photo's bytes included).
    pub fn http_status(&self) -> u16 {
        match self {
            ReviewError::OrderNotFound | ReviewError::ReviewNotFound | ReviewError::PhotoNotFound => 404,
            ReviewError::NotPickedUp
            | ReviewError::AlreadyReviewed
            | ReviewError::ReviewWindowPassed
            | ReviewError::TooManyPhotos
            | ReviewError::TooManyFeatured
            | ReviewError::NothingToFeature
            | ReviewError::ReviewIsHidden => 409,
            ReviewError::PhotoTooLarge => 413,
            ReviewError::ProductNotInOrder
            | ReviewError::InvalidStars
            | ReviewError::ReviewTooLong
            | ReviewError::UnsupportedPhotoType
            | ReviewError::PhotoTooBig
            | ReviewError::UnreadablePhoto
            | ReviewError::InvalidHideReason => 422,
        }
    }

    /// The request field at fault (`photo` is the upload's body).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ReviewError::ProductNotInOrder => Some("product_id"),
            ReviewError::InvalidStars => Some("stars"),
            ReviewError::ReviewTooLong => Some("text"),
            ReviewError::PhotoTooLarge
            | ReviewError::UnsupportedPhotoType
            | ReviewError::PhotoTooBig
            | ReviewError::UnreadablePhoto => Some("photo"),
            ReviewError::InvalidHideReason => Some("reason"),
            _ => None,
        }
    }
}
impl_error_code!(ReviewError, field);

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::{
        money::Fen,
        order::{OrderLine, Placement, StatusChange},
        problem::{message_zh, Problem},
    };

    pub(in crate::community) fn every_error() -> Vec<ReviewError> {
        use ReviewError::*;
        vec![
            OrderNotFound,
            NotPickedUp,
            ProductNotInOrder,
            AlreadyReviewed,
            ReviewWindowPassed,
            InvalidStars,
            ReviewTooLong,
            TooManyPhotos,
            PhotoTooLarge,
            UnsupportedPhotoType,
            PhotoTooBig,
            UnreadablePhoto,
            InvalidHideReason,
            TooManyFeatured,
            NothingToFeature,
            ReviewIsHidden,
            ReviewNotFound,
            PhotoNotFound,
        ]
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn picked_up() -> DateTime<Utc> {
        utc("2026-11-26T18:30:00+08:00")
    }

    fn person(id: &str) -> PersonId {
        PersonId::parse(id).unwrap()
    }

    fn product(id: &str) -> ProductId {
        ProductId::parse(id).unwrap()
    }

    fn purchase() -> PurchaseFacts {
        PurchaseFacts {
            buyer: person("r-1"),
            status: OrderStatus::PickedUp,
            picked_up_at: Some(picked_up()),
            product_ids: vec![product("p-egg"), product("p-bean")],
        }
    }

    fn stars(n: i64) -> Stars {
        Stars::new(n).unwrap()
    }

    fn new_review() -> NewReview {
        NewReview {
            order_id: OrderId::parse("o-1").unwrap(),
            product_id: product("p-egg"),
            stars: 5,
            text: Some(" 蛋黄很香，孩子爱吃 ".into()),
        }
    }

    fn review(id: &str) -> Review {
        let mut review = Review::create(
            ReviewId::parse(id).unwrap(),
            StoreId::parse("s-1").unwrap(),
            person("r-1"),
            new_review().validate().unwrap(),
            picked_up(),
        );
        review.photo_ids.push(PhotoId::parse("ph-1").unwrap());
        review
    }

    #[test]
    fn stars_are_one_to_five() {
        assert_eq!((1..=5).map(|n| Stars::new(n).map(Stars::get)).collect::<Vec<_>>(), [1, 2, 3, 4, 5].map(Some));
        for bad in [0, 6, -1, i64::MAX] {
            assert_eq!(Stars::new(bad), None);
        }
        assert_eq!(serde_json::to_string(&stars(4)).unwrap(), "4");
        assert!(serde_json::from_str::<Stars>("0").is_err());
    }

    #[test]
    fn who_may_review() {
        let me = person("r-1");
        let egg = product("p-egg");
        let day = picked_up() + Duration::days(1);
        assert_eq!(check_review_eligibility(&me, &purchase(), &egg, false, day), Ok(()));
        assert_eq!(check_review_eligibility(&person("r-2"), &purchase(), &egg, false, day), Err(ReviewError::OrderNotFound));
        for status in [OrderStatus::Placed, OrderStatus::ReadyForPickup, OrderStatus::Cancelled] {
            let p = PurchaseFacts { status, picked_up_at: None, ..purchase() };
            assert_eq!(check_review_eligibility(&me, &p, &egg, false, day), Err(ReviewError::NotPickedUp), "{status}");
        }
        let no_time = PurchaseFacts { picked_up_at: None, ..purchase() };
        assert_eq!(
            check_review_eligibility(&me, &no_time, &egg, false, day),
            Err(ReviewError::NotPickedUp),
            "a bad row opens nothing"
        );
        assert_eq!(
            check_review_eligibility(&me, &purchase(), &product("p-rice"), false, day),
            Err(ReviewError::ProductNotInOrder)
        );
        assert_eq!(check_review_eligibility(&me, &purchase(), &egg, true, day), Err(ReviewError::AlreadyReviewed));
        let last = picked_up() + Duration::days(REVIEW_WINDOW_DAYS);
        assert_eq!(check_review_eligibility(&me, &purchase(), &egg, false, last), Ok(()));
        let after = last + Duration::seconds(1);
        assert_eq!(check_review_eligibility(&me, &purchase(), &egg, false, after), Err(ReviewError::ReviewWindowPassed));
        assert_eq!(
            check_review_eligibility(&me, &purchase(), &egg, true, after),
            Err(ReviewError::AlreadyReviewed),
            "said first"
        );
        // Another person's order is not found whatever else holds.
        assert_eq!(
            check_review_eligibility(&person("r-2"), &no_time, &product("p-x"), true, after),
            Err(ReviewError::OrderNotFound)
        );
        assert_eq!(
            check_review_eligibility(&me, &purchase(), &egg, false, DateTime::<Utc>::MAX_UTC),
            Err(ReviewError::ReviewWindowPassed)
        );
    }

    #[test]
    fn purchase_facts_from_an_order() {
        let line = |id: &str| OrderLine::new(product(id), "x".into(), "份".into(), Fen::from_fen(100), 1).unwrap();
        let placement = Placement {
            id: OrderId::parse("o-1").unwrap(),
            pickup_code: "012345".into(),
            store_id: StoreId::parse("s-1").unwrap(),
            person_id: person("r-1"),
            pickup_point: crate::store::PickupPoint {
                id: crate::PickupPointId::parse("pp-1").unwrap(),
                name: "店内柜台".into(),
                address: "文三路1号".into(),
                window: "08:00-20:00".into(),
            },
            note: None,
            placed_at: utc("2026-11-25T10:00:00Z"),
        };
        let mut order = Order::place(placement, vec![line("p-egg"), line("p-bean")]).unwrap();
        assert_eq!(PurchaseFacts::from_order(&order).picked_up_at, None);
        order.status = OrderStatus::PickedUp;
        order.timeline.push(StatusChange { status: OrderStatus::PickedUp, at: picked_up() });
        assert_eq!(PurchaseFacts::from_order(&order), purchase());
    }

    #[test]
    fn a_review_is_checked_and_cleaned() {
        let v = new_review().validate().unwrap();
        assert_eq!((v.stars, v.text.as_deref()), (stars(5), Some("蛋黄很香，孩子爱吃")));
        // Stars alone are a review.
        let bare = NewReview { text: Some("  ".into()), ..new_review() };
        assert_eq!(bare.validate().unwrap().text, None);
        let bare: NewReview = serde_json::from_str(r#"{"order_id":"o-1","product_id":"p-egg","stars":4}"#).unwrap();
        assert!(bare.validate().is_ok());
        let check = |edit: &dyn Fn(&mut NewReview)| {
            let mut r = new_review();
            edit(&mut r);
            r.validate().map(|_| ())
        };
        assert_eq!(check(&|r| r.stars = 0), Err(ReviewError::InvalidStars));
        assert_eq!(check(&|r| r.stars = 6), Err(ReviewError::InvalidStars));
        assert_eq!(check(&|r| r.text = Some("香".repeat(MAX_REVIEW_CHARS))), Ok(()));
        assert_eq!(check(&|r| r.text = Some("香".repeat(MAX_REVIEW_CHARS + 1))), Err(ReviewError::ReviewTooLong));
        assert_eq!(check(&|r| r.text = Some("第一段\n\n第二段".into())), Ok(()), "paragraphs are kept");
        assert_eq!(check(&|r| r.text = Some("香\u{1b}[31m".into())), Err(ReviewError::ReviewTooLong));
        // In order: stars before text.
        assert_eq!(
            check(&|r| {
                r.stars = 9;
                r.text = Some("香".repeat(501));
            }),
            Err(ReviewError::InvalidStars)
        );
        // A new review has no photos yet: they are uploaded to it afterwards.
        assert!(
            review("v-1").photo_ids.len() == 1
                && Review::create(
                    ReviewId::parse("v-2").unwrap(),
                    StoreId::parse("s-1").unwrap(),
                    person("r-1"),
                    new_review().validate().unwrap(),
                    picked_up(),
                )
                .photo_ids
                .is_empty()
        );
    }

    #[test]
    fn photos_are_added_by_the_author_up_to_six() {
        let (author, neighbour) = (person("r-1"), person("r-2"));
        let mut r = review("v-1");
        for n in 0..MAX_REVIEW_PHOTOS {
            assert_eq!(check_photo_upload(&r, &author, n), Ok(()), "{n} so far");
        }
        assert_eq!(check_photo_upload(&r, &author, MAX_REVIEW_PHOTOS), Err(ReviewError::TooManyPhotos), "a seventh");
        assert_eq!(check_photo_upload(&r, &neighbour, 0), Err(ReviewError::ReviewNotFound), "not hers: not there");
        r.moderate(&Moderation::Hide { reason: "广告".into() }, 0).unwrap();
        assert_eq!(check_photo_upload(&r, &author, 0), Err(ReviewError::ReviewIsHidden));
        assert_eq!(check_photo_upload(&r, &neighbour, MAX_REVIEW_PHOTOS), Err(ReviewError::ReviewNotFound), "said first");
        assert_eq!(ReviewError::TooManyPhotos.http_status(), 409);
        assert_eq!((ReviewError::PhotoTooLarge.http_status(), ReviewError::PhotoTooLarge.field()), (413, Some("photo")));
        assert_eq!(photo_path(&PhotoId::parse("ph-1").unwrap()), "/api/v1/photos/ph-1");
    }

    // --- photos -------------------------------------------------------------------

    /// A JPEG of `segments` (marker, payload), then a start of scan, some data and EOI.
    fn jpeg(segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        for (marker, payload) in segments {
            b.extend([0xFF, *marker]);
            b.extend(u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
            b.extend(payload);
        }
        b.extend([0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
        b.extend([0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]);
        b
    }

    fn app0() -> (u8, Vec<u8>) {
        (0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0".to_vec())
    }

    /// A start-of-frame payload: precision, height, width, three components.
    fn sof(width: u16, height: u16) -> Vec<u8> {
        let mut p = vec![8];
        p.extend(height.to_be_bytes());
        p.extend(width.to_be_bytes());
        p.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        p
    }

    /// A quantisation table: 65 bytes that are no SOF.
    fn dqt() -> (u8, Vec<u8>) {
        (0xDB, [vec![0], vec![0xC0; 64]].concat())
    }

    /// A RIFF/WEBP file whose first chunk is `kind` with `payload`.
    fn webp(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut b = b"RIFF".to_vec();
        b.extend(u32::try_from(4 + 8 + payload.len()).unwrap().to_le_bytes());
        b.extend(b"WEBP");
        b.extend(kind);
        b.extend(u32::try_from(payload.len()).unwrap().to_le_bytes());
        b.extend(payload);
        b
    }

    fn vp8(width: u16, height: u16) -> Vec<u8> {
        let mut p = vec![0x50, 0x2A, 0x00, 0x9D, 0x01, 0x2A];
        p.extend(width.to_le_bytes());
        p.extend(height.to_le_bytes());
        p.extend([0u8; 8]);
        p
    }

    fn vp8l(width: u32, height: u32) -> Vec<u8> {
        let bits = (width - 1) | ((height - 1) << 14) | (1 << 28);
        [vec![0x2F], bits.to_le_bytes().to_vec(), vec![0u8; 6]].concat()
    }

    fn vp8x(width: u32, height: u32) -> Vec<u8> {
        let mut p = vec![0x10, 0, 0, 0];
        p.extend(&(width - 1).to_le_bytes()[..3]);
        p.extend(&(height - 1).to_le_bytes()[..3]);
        p
    }

    fn info(format: PhotoFormat, width: u32, height: u32) -> Result<PhotoInfo, ReviewError> {
        Ok(PhotoInfo { format, width, height })
    }

    #[test]
    fn jpeg_size_is_read_from_the_frame_header() {
        use PhotoFormat::Jpeg;
        assert_eq!(inspect_photo(&jpeg(&[app0(), dqt(), (0xC0, sof(1600, 1200))])), info(Jpeg, 1600, 1200));
        assert_eq!(inspect_photo(&jpeg(&[app0(), (0xC0, sof(1200, 1600))])), info(Jpeg, 1200, 1600), "portrait");
        assert_eq!(inspect_photo(&jpeg(&[(0xC2, sof(800, 600))])), info(Jpeg, 800, 600), "progressive (SOF2)");
        assert_eq!(inspect_photo(&jpeg(&[(0xC1, sof(1, 1))])), info(Jpeg, 1, 1));
        assert_eq!(inspect_photo(&jpeg(&[app0(), (0xC0, sof(1601, 900))])), Err(ReviewError::PhotoTooBig));
        assert_eq!(inspect_photo(&jpeg(&[app0(), (0xC0, sof(900, 1601))])), Err(ReviewError::PhotoTooBig));
        assert_eq!(inspect_photo(&jpeg(&[(0xC0, sof(4032, 3024))])), Err(ReviewError::PhotoTooBig), "a phone's full size");
    }

    #[test]
    fn jpeg_segments_that_are_not_frames_are_skipped() {
        use PhotoFormat::Jpeg;
        // DHT (C4), JPG (C8) and DAC (CC) are in the C0..CF range but hold no size; their
        // bytes here would read as 65535 × 65535 if taken for one.
        let not_frames: Vec<(u8, Vec<u8>)> = [0xC4, 0xC8, 0xCC].iter().map(|m| (*m, vec![0xFF; 20])).collect();
        let mut segments = not_frames.clone();
        segments.push((0xC0, sof(640, 480)));
        assert_eq!(inspect_photo(&jpeg(&segments)), info(Jpeg, 640, 480));
        // A large EXIF block with a thumbnail inside (its own SOI and SOF) is skipped whole.
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend([0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11]);
        exif.extend(sof(160, 120));
        exif.resize(30_000, 0xFF);
        assert_eq!(inspect_photo(&jpeg(&[(0xE1, exif), dqt(), (0xC0, sof(1280, 960))])), info(Jpeg, 1280, 960));
        // Fill bytes before a marker, and standalone markers with no length.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0x01, 0xFF, 0xD3];
        b.extend([0xFF, 0xFF, 0xC0, 0x00, 0x11]);
        b.extend(sof(1024, 768));
        assert_eq!(inspect_photo(&b), info(Jpeg, 1024, 768));
    }

    #[test]
    fn malformed_jpegs_are_unreadable_never_a_panic() {
        let unreadable = Err(ReviewError::UnreadablePhoto);
        // The magic and nothing else; a scan before any frame; the end before any frame.
        assert_eq!(inspect_photo(&[0xFF, 0xD8, 0xFF]), unreadable);
        assert_eq!(inspect_photo(&jpeg(&[app0()])), unreadable);
        assert_eq!(inspect_photo(&[0xFF, 0xD8, 0xFF, 0xD9]), unreadable);
        // A frame of zero height (size given later by a DNL segment) or zero width.
        assert_eq!(inspect_photo(&jpeg(&[(0xC0, sof(640, 0))])), unreadable);
        assert_eq!(inspect_photo(&jpeg(&[(0xC0, sof(0, 480))])), unreadable);
        // A segment length below 2, a frame too short for its size, a length past the end.
        assert_eq!(inspect_photo(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF, 0xC0]), unreadable);
        assert_eq!(inspect_photo(&[0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x06, 8, 0, 1, 0, 1]), unreadable);
        assert_eq!(inspect_photo(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0, 0]), unreadable);
        // Something other than a marker where one must be; a stuffed zero; a second SOI.
        assert_eq!(inspect_photo(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x02, 0x12, 0xC0]), unreadable);
        assert_eq!(inspect_photo(&[0xFF, 0xD8, 0xFF, 0x00, 0x00, 0x11]), unreadable);
        assert_eq!(inspect_photo(&[0xFF, 0xD8, 0xFF, 0xD8, 0xFF, 0xC0]), unreadable);
        // Truncated anywhere in the frame header, and only fill bytes to the end.
        let whole = jpeg(&[app0(), (0xC0, sof(640, 480))]);
        let frame_at = whole.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        for cut in frame_at..frame_at + 9 {
            assert_eq!(inspect_photo(&whole[..cut]), unreadable, "cut at {cut}");
        }
        assert_eq!(inspect_photo(&whole[..frame_at + 9]), info(PhotoFormat::Jpeg, 640, 480));
        assert_eq!(inspect_photo(&[0xFF, 0xD8, 0xFF, 0xFF, 0xFF]), unreadable);
        // Every prefix of a real header is handled without a panic.
        for cut in 0..whole.len() {
            let _ = inspect_photo(&whole[..cut]);
        }
    }

    #[test]
    fn webp_sizes_from_each_header_kind() {
        use PhotoFormat::Webp;
        assert_eq!(inspect_photo(&webp(b"VP8 ", &vp8(1600, 1200))), info(Webp, 1600, 1200));
        assert_eq!(inspect_photo(&webp(b"VP8 ", &vp8(1200 | 0x4000, 900 | 0xC000))), info(Webp, 1200, 900), "scale bits ignored");
        assert_eq!(inspect_photo(&webp(b"VP8 ", &vp8(1601, 10))), Err(ReviewError::PhotoTooBig));
        assert_eq!(inspect_photo(&webp(b"VP8L", &vp8l(1600, 1600))), info(Webp, 1600, 1600));
        assert_eq!(inspect_photo(&webp(b"VP8L", &vp8l(1, 1))), info(Webp, 1, 1));
        assert_eq!(inspect_photo(&webp(b"VP8L", &vp8l(1600, 1601))), Err(ReviewError::PhotoTooBig));
        assert_eq!(inspect_photo(&webp(b"VP8L", &vp8l(16384, 16384))), Err(ReviewError::PhotoTooBig));
        assert_eq!(inspect_photo(&webp(b"VP8X", &vp8x(1080, 1440))), info(Webp, 1080, 1440));
        assert_eq!(inspect_photo(&webp(b"VP8X", &vp8x(1 << 24, 1))), Err(ReviewError::PhotoTooBig), "24-bit canvas");
        assert_eq!(inspect_photo(&webp(b"VP8X", &vp8x(1601, 1))), Err(ReviewError::PhotoTooBig));
    }

    #[test]
    fn malformed_webps_are_unreadable() {
        let unreadable = Err(ReviewError::UnreadablePhoto);
        // Not a key frame; a wrong start code; a zero size.
        let mut inter = vp8(640, 480);
        inter[0] |= 1;
        assert_eq!(inspect_photo(&webp(b"VP8 ", &inter)), unreadable);
        let mut bad_start = vp8(640, 480);
        bad_start[4] = 0x02;
        assert_eq!(inspect_photo(&webp(b"VP8 ", &bad_start)), unreadable);
        assert_eq!(inspect_photo(&webp(b"VP8 ", &vp8(0, 480))), unreadable);
        // A lossless header with a wrong signature or a future version.
        let mut sig = vp8l(640, 480);
        sig[0] = 0x2E;
        assert_eq!(inspect_photo(&webp(b"VP8L", &sig)), unreadable);
        let mut version = vp8l(640, 480);
        version[4] |= 0x20;
        assert_eq!(inspect_photo(&webp(b"VP8L", &version)), unreadable);
        // A chunk that declares less than its header, an unknown first chunk, a bare header.
        let mut short = webp(b"VP8X", &vp8x(640, 480));
        short[16] = 9;
        assert_eq!(inspect_photo(&short), unreadable);
        assert_eq!(inspect_photo(&webp(b"ALPH", &[0; 16])), unreadable);
        assert_eq!(inspect_photo(b"RIFF\x04\0\0\0WEBP"), unreadable);
        let whole = webp(b"VP8 ", &vp8(640, 480));
        for cut in 12..30 {
            assert_eq!(inspect_photo(&whole[..cut]), unreadable, "cut at {cut}");
        }
        assert_eq!(inspect_photo(&whole[..30]), info(PhotoFormat::Webp, 640, 480));
    }

    #[test]
    fn only_jpeg_and_webp_under_two_megabytes() {
        let png = [PNG_MAGIC, &[0, 0, 0, 13], b"IHDR", &[0, 0, 2, 0, 0, 0, 2, 0, 8, 2, 0, 0, 0]].concat();
        assert_eq!(inspect_photo(&png), Err(ReviewError::UnsupportedPhotoType), "PNG is refused");
        for other in
            [&b"GIF89a\x01\0\x01\0"[..], b"\0\0\0\x18ftypheic\0\0\0\0", b"<svg xmlns=", b"RIFF\0\0\0\0WAVEfmt ", b"\xFF\xD8"]
        {
            assert_eq!(inspect_photo(other), Err(ReviewError::UnsupportedPhotoType), "{other:?}");
        }
        assert_eq!(inspect_photo(&[]), Err(ReviewError::UnreadablePhoto));
        // The size is checked before anything is read: even a valid header is refused.
        let mut big = jpeg(&[(0xC0, sof(800, 600))]);
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert_eq!(inspect_photo(&big), Err(ReviewError::PhotoTooLarge));
        big.truncate(MAX_PHOTO_BYTES);
        assert_eq!(inspect_photo(&big), info(PhotoFormat::Jpeg, 800, 600));
        let mut big_png = PNG_MAGIC.to_vec();
        big_png.resize(MAX_PHOTO_BYTES + 1, 0);
        assert_eq!(inspect_photo(&big_png), Err(ReviewError::PhotoTooLarge));
    }

    #[test]
    fn photo_formats() {
        for f in PhotoFormat::ALL {
            assert_eq!(PhotoFormat::parse(f.as_str()), Ok(f));
        }
        assert_eq!((PhotoFormat::Jpeg.content_type(), PhotoFormat::Jpeg.extension()), ("image/jpeg", "jpg"));
        assert_eq!((PhotoFormat::Webp.content_type(), PhotoFormat::Webp.extension()), ("image/webp", "webp"));
        assert!(PhotoFormat::parse("png").is_err());
    }

    // --- rating, moderation, showing -----------------------------------------------

    #[test]
    fn rating_summary_in_integers() {
        let s = RatingSummary::of([5, 4, 4, 5, 3, 5, 1, 4].map(stars));
        // 31 / 8 = 3.875 → 3.9
        assert_eq!((s.count, s.average_tenths, s.distribution), (8, Some(39), [1, 0, 1, 3, 3]));
        assert_eq!(s.average_label().as_deref(), Some("3.9"));
        assert_eq!(RatingSummary::of([4, 5, 4, 4].map(stars)).average_tenths, Some(43), "4.25 rounds half up");
        assert_eq!(RatingSummary::of([4, 4, 4, 5, 5, 5].map(stars)).average_tenths, Some(45));
        assert_eq!(RatingSummary::of([5].map(stars)).average_label().as_deref(), Some("5.0"));
        assert_eq!(RatingSummary::of([1, 1, 2].map(stars)).average_tenths, Some(13)); // 1.333…
        assert_eq!(RatingSummary::from_distribution([1, 0, 1, 3, 3]), s, "from a GROUP BY's counts");
        assert_eq!(RatingSummary::from_distribution([0; 5]), RatingSummary::of([]));
        let none = RatingSummary::of([]);
        assert_eq!((none.count, none.average_tenths, none.average_label()), (0, None, None));
        let json = serde_json::to_value(s).unwrap();
        assert_eq!(json["average_tenths"], 39, "an integer on the wire");
        assert_eq!(json["distribution"], serde_json::json!([1, 0, 1, 3, 3]));
        // Across all small cases the tenths are the exact half-up rounding of the mean.
        for n in 1..=12u64 {
            for sum in n..=5 * n {
                let list: Vec<Stars> = (0..n).map(|i| stars(((sum + i) / n) as i64)).collect();
                let total: u64 = list.iter().map(|s| u64::from(s.get())).sum();
                assert_eq!(total, sum);
                let expected = (sum * 100 / n + 5) / 10;
                assert_eq!(RatingSummary::of(list).average_tenths, Some(expected as u32), "{sum}/{n}");
            }
        }
    }

    #[test]
    fn hidden_reviews_still_count_in_the_rating() {
        let mut bad = review("v-1");
        bad.stars = stars(1);
        bad.moderate(&Moderation::Hide { reason: "含有广告".into() }, 0).unwrap();
        let good = review("v-2");
        let s = RatingSummary::of([&bad, &good].map(|r| r.stars));
        assert_eq!((s.count, s.average_tenths), (2, Some(30)));
    }

    #[test]
    fn featuring() {
        let mut r = review("v-1");
        assert_eq!(r.moderate(&Moderation::Feature, MAX_FEATURED_PER_PRODUCT), Err(ReviewError::TooManyFeatured));
        assert_eq!(r.visibility, ReviewVisibility::Normal);
        assert_eq!(r.moderate(&Moderation::Feature, MAX_FEATURED_PER_PRODUCT - 1), Ok(false));
        assert_eq!(r.visibility, ReviewVisibility::Featured);
        assert_eq!(r.moderate(&Moderation::Feature, MAX_FEATURED_PER_PRODUCT), Ok(false), "already featured: no change");
        assert_eq!(r.moderate(&Moderation::Unfeature, 0), Ok(false));
        assert_eq!(r.visibility, ReviewVisibility::Normal);
        assert_eq!(r.moderate(&Moderation::Unfeature, 0), Ok(false));
        // Stars alone are not featured.
        let mut bare = review("v-2");
        bare.text = None;
        bare.photo_ids.clear();
        assert_eq!(bare.moderate(&Moderation::Feature, 0), Err(ReviewError::NothingToFeature));
        // A photo alone is content.
        let mut photo_only = review("v-3");
        photo_only.text = None;
        assert_eq!(photo_only.moderate(&Moderation::Feature, 0), Ok(false));
    }

    #[test]
    fn hiding_tells_the_author_once() {
        let mut r = review("v-1");
        r.moderate(&Moderation::Feature, 0).unwrap();
        for bad in ["", "  ", "广告\n链接", &"广".repeat(MAX_HIDE_REASON_CHARS + 1)] {
            assert_eq!(r.moderate(&Moderation::Hide { reason: bad.into() }, 0), Err(ReviewError::InvalidHideReason), "{bad:?}");
        }
        assert_eq!(r.visibility, ReviewVisibility::Featured, "a refused hide changes nothing");
        assert_eq!(r.moderate(&Moderation::Hide { reason: " 含有其他店铺的广告 ".into() }, 0), Ok(true));
        assert_eq!((r.visibility, r.hidden_reason.as_deref()), (ReviewVisibility::Hidden, Some("含有其他店铺的广告")));
        assert_eq!(r.moderate(&Moderation::Hide { reason: "别的原因".into() }, 0), Ok(false), "a second hide tells no one");
        assert_eq!(r.hidden_reason.as_deref(), Some("含有其他店铺的广告"));
        assert_eq!(r.moderate(&Moderation::Feature, 0), Err(ReviewError::ReviewIsHidden));
        assert_eq!(r.moderate(&Moderation::Unfeature, 0), Ok(false));
        assert_eq!(r.visibility, ReviewVisibility::Hidden);
        assert_eq!(r.moderate(&Moderation::Show, 0), Ok(false));
        assert_eq!((r.visibility, r.hidden_reason.as_deref()), (ReviewVisibility::Normal, None));
        assert_eq!(r.moderate(&Moderation::Show, 0), Ok(false));
        let m: Moderation = serde_json::from_str(r#"{"action":"hide","reason":"广告"}"#).unwrap();
        assert_eq!(m, Moderation::Hide { reason: "广告".into() });
        assert_eq!(serde_json::to_value(Moderation::Feature).unwrap(), serde_json::json!({ "action": "feature" }));
    }

    #[test]
    fn who_sees_what() {
        let (author, neighbour) = (person("r-1"), person("r-2"));
        let mut r = review("v-1");
        assert!(r.visible_to(Some(&neighbour), false) && r.visible_to(None, false));
        r.moderate(&Moderation::Hide { reason: "广告".into() }, 0).unwrap();
        assert!(!r.visible_to(Some(&neighbour), false));
        assert!(!r.visible_to(None, false));
        assert!(r.visible_to(Some(&author), false), "the author sees it, with the reason");
        assert!(r.visible_to(Some(&neighbour), true), "the owner sees everything");
        assert_eq!(r.shown("王小明", true), None);
        let mut bare = review("v-2");
        bare.text = None;
        bare.photo_ids.clear();
        assert!(!bare.is_public() && bare.shown("王小明", false).is_none());
        assert!(bare.visible_to(Some(&author), false));
    }

    #[test]
    fn shown_cards_carry_the_marks_and_sort_featured_first() {
        let card = review("v-1").shown("王小明", true).unwrap();
        assert_eq!((card.author.as_str(), card.is_koc, card.purchased, card.featured), ("王**", true, true, false));
        assert_eq!(card.text.as_deref(), Some("蛋黄很香，孩子爱吃"));
        let json = serde_json::to_value(&card).unwrap();
        assert_eq!(
            (json["purchased"].clone(), json["is_koc"].clone(), json["stars"].clone()),
            (true.into(), true.into(), 5.into())
        );
        assert_eq!(serde_json::from_value::<ShownReview>(json).unwrap(), card);

        let at = |id: &str, hours: i64, featured: bool| ShownReview {
            id: ReviewId::parse(id).unwrap(),
            created_at: picked_up() + Duration::hours(hours),
            featured,
            ..card.clone()
        };
        let mut cards =
            vec![at("v-a", 0, false), at("v-b", 5, false), at("v-c", 1, true), at("v-d", 3, true), at("v-e", 5, false)];
        sort_shown(&mut cards);
        let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["v-d", "v-c", "v-b", "v-e", "v-a"]);
    }

    #[test]
    fn visibility_stored_forms() {
        for v in ReviewVisibility::ALL {
            assert_eq!(ReviewVisibility::parse(v.as_str()), Ok(v));
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{v}\""));
        }
        let zh: Vec<_> = ReviewVisibility::ALL.iter().map(|v| v.label_zh()).collect();
        assert_eq!(zh, ["正常显示", "精选", "已隐藏"]);
    }

    #[test]
    fn messages_say_the_limits() {
        let says = |e: ReviewError, n: &dyn ToString| {
            let text = message_zh(e.code()).unwrap();
            assert!(text.contains(&n.to_string()), "{text} lacks {}", n.to_string());
        };
        says(ReviewError::ReviewWindowPassed, &REVIEW_WINDOW_DAYS);
        says(ReviewError::ReviewTooLong, &MAX_REVIEW_CHARS);
        says(ReviewError::TooManyPhotos, &MAX_REVIEW_PHOTOS);
        says(ReviewError::PhotoTooLarge, &"2MB");
        says(ReviewError::PhotoTooBig, &MAX_PHOTO_SIDE_PX);
        says(ReviewError::TooManyFeatured, &MAX_FEATURED_PER_PRODUCT);
        says(ReviewError::InvalidHideReason, &MAX_HIDE_REASON_CHARS);
        let p = Problem::from_error(&ReviewError::UnsupportedPhotoType);
        assert_eq!((p.status, p.errors[0].field.as_str()), (422, "photo"));
        assert_eq!(ReviewError::OrderNotFound.code(), crate::access::AccessError::OrderNotFound.code());
    }
}
