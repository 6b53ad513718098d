//! The statements that write a review and a photo's row, shared by the review service
//! and the demo seed, so the table's shape is spelled once.

use super::nullable;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use shared_model::{
    community::{PhotoInfo, Review, MAX_REVIEW_PHOTOS},
    PhotoId, ReviewId,
};
use worker::{D1Database, D1PreparedStatement};

/// Writes `review`; nothing when this product of this order already has one (or the id
/// is taken), which its change count says.
pub fn review_insert(db: &D1Database, review: &Review) -> AppResult<D1PreparedStatement> {
    let at = review.created_at.to_rfc3339();
    Ok(db
        .prepare(
            "INSERT INTO reviews (id, store_id, product_id, order_id, author_id, stars, text, visibility, hidden_reason, \
             created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) ON CONFLICT DO NOTHING",
        )
        .bind(&[
            review.id.as_str().into(),
            review.store_id.as_str().into(),
            review.product_id.as_str().into(),
            review.order_id.as_str().into(),
            review.author_id.as_str().into(),
            review.stars.get().into(),
            nullable(review.text.as_deref()),
            review.visibility.as_str().into(),
            nullable(review.hidden_reason.as_deref()),
            at.as_str().into(),
        ])?)
}

/// Adds photo `key` as the last of `review`'s photos, only while it has fewer than six:
/// the count is read by the insert itself, so uploads at once cannot make a seventh.
/// Nothing is written for a key already there.
pub fn photo_insert(
    db: &D1Database,
    review: &ReviewId,
    key: &PhotoId,
    info: &PhotoInfo,
    bytes: usize,
    now: DateTime<Utc>,
) -> AppResult<D1PreparedStatement> {
    Ok(db
        .prepare(
            "INSERT INTO review_photos (key, review_id, content_type, bytes, width, height, position, created_at) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, (SELECT COUNT(*) FROM review_photos WHERE review_id = ?2), ?7 \
             WHERE (SELECT COUNT(*) FROM review_photos WHERE review_id = ?2) < ?8 ON CONFLICT DO NOTHING",
        )
        .bind(&[
            key.as_str().into(),
            review.as_str().into(),
            info.format.content_type().into(),
            (bytes as u32).into(),
            info.width.into(),
            info.height.into(),
            now.to_rfc3339().into(),
            (MAX_REVIEW_PHOTOS as u32).into(),
        ])?)
}
