//! The `tastings` row, written by the owner's scheduling and by the demo seed alike.

use super::nullable;
use crate::error::AppResult;
use shared_model::community::Tasting;
use worker::{D1Database, D1PreparedStatement};

/// Inserts `tasting`; an id already there is left as it is (the seed runs twice).
pub fn insert(db: &D1Database, tasting: &Tasting) -> AppResult<D1PreparedStatement> {
    Ok(db
        .prepare(
            "INSERT INTO tastings (id, store_id, title, starts_at, place, seats, seats_per_household, product_ids, cover_url, \
             status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING",
        )
        .bind(&[
            tasting.id.as_str().into(),
            tasting.store_id.as_str().into(),
            tasting.title.as_str().into(),
            tasting.starts_at.to_rfc3339().into(),
            tasting.place.as_str().into(),
            tasting.seats.into(),
            tasting.seats_per_household.into(),
            serde_json::to_string(&tasting.product_ids)?.into(),
            nullable(tasting.cover_url.as_deref()),
            tasting.status.as_str().into(),
            tasting.created_at.to_rfc3339().into(),
        ])?)
}
