//! 口碑 (D1 + R2): residents review what they picked up, add photos one upload at a time,
//! neighbours read them on the product page and the store's home, the owner features or
//! hides them, all by `shared_model::community::review`'s rules.
//!
//! A photo's bytes go to the bucket first and its row second; if the row cannot be
//! written (a seventh photo by a racing upload, a hidden review, an outage) the bytes are
//! deleted again, so a refused upload leaves nothing behind. A hidden review tells its
//! author why in the same batch as the hide.

use super::orders::OrderService;
use crate::{
    clients::photos::{PhotoBucket, StoredPhoto},
    error::{AppError, AppResult},
    http::random_id,
    storage::{
        changes, nullable, placeholders,
        reviews::{photo_insert, review_insert},
        stored, stored_time,
    },
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared_model::{
    access::{authorize, Action},
    api::{FeaturedReview, FeaturedReviewList, ReviewCard, ReviewList},
    community::{
        check_photo_upload, check_review_eligibility, inspect_photo, sort_shown, CommunityNotice, Moderation, NewReview,
        PurchaseFacts, RatingSummary, Review, ReviewError, ReviewVisibility, ShownReview, Stars, MAX_FEATURED_PER_PRODUCT,
    },
    identity::Me,
    OrderId, PersonId, PhotoId, ProductId, ReviewId, StoreId,
};
use std::collections::HashMap;
use wasm_bindgen::JsValue;
use worker::{D1Database, Env};

/// Reviews a list shows at most.
const LIST_LIMIT: u32 = 100;
/// Featured reviews on the store's home at most.
const FEATURED_LIMIT: u32 = 10;

#[derive(Deserialize)]
struct ReviewRow {
    id: String,
    store_id: String,
    product_id: String,
    order_id: String,
    author_id: String,
    stars: i64,
    text: Option<String>,
    visibility: String,
    hidden_reason: Option<String>,
    created_at: String,
    product_name: String,
    author_nickname: String,
    author_is_koc: i64,
}

const REVIEW_SELECT: &str = "SELECT r.id, r.store_id, r.product_id, r.order_id, r.author_id, r.stars, r.text, \
     r.visibility, r.hidden_reason, r.created_at, p.name AS product_name, a.nickname AS author_nickname, \
     a.is_koc AS author_is_koc \
     FROM reviews r JOIN products p ON p.id = r.product_id JOIN people a ON a.id = r.author_id";

impl ReviewRow {
    fn into_card(self, photo_ids: Vec<PhotoId>) -> AppResult<ReviewCard> {
        let stars = Stars::new(self.stars).ok_or_else(|| AppError::Internal(format!("stored stars {}", self.stars)))?;
        Ok(ReviewCard {
            review: Review {
                id: ReviewId::new_unchecked(self.id),
                store_id: StoreId::new_unchecked(self.store_id),
                product_id: ProductId::new_unchecked(self.product_id),
                order_id: OrderId::new_unchecked(self.order_id),
                author_id: PersonId::new_unchecked(self.author_id),
                stars,
                text: self.text,
                photo_ids,
                visibility: stored("review visibility", &self.visibility, ReviewVisibility::parse)?,
                hidden_reason: self.hidden_reason,
                created_at: stored_time(&self.created_at)?,
            },
            product_name: self.product_name,
            author_nickname: self.author_nickname,
            author_is_koc: self.author_is_koc != 0,
        })
    }
}

pub struct ReviewService {
    db: D1Database,
    env: Env,
}

impl ReviewService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, env: env.clone() })
    }

    /// The reviews matching `condition` (SQL over `r`, with `args`), each with its photos
    /// in order.
    async fn cards(&self, condition: &str, args: Vec<JsValue>) -> AppResult<Vec<ReviewCard>> {
        let rows: Vec<ReviewRow> =
            self.db.prepare(format!("{REVIEW_SELECT} WHERE {condition}")).bind(&args)?.all().await?.results()?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        #[derive(Deserialize)]
        struct PhotoRow {
            key: String,
            review_id: String,
        }
        let ids: Vec<JsValue> = rows.iter().map(|r| JsValue::from_str(&r.id)).collect();
        let photos: Vec<PhotoRow> = self
            .db
            .prepare(format!(
                "SELECT key, review_id FROM review_photos WHERE review_id IN ({}) ORDER BY review_id, position",
                placeholders(1, ids.len())
            ))
            .bind(&ids)?
            .all()
            .await?
            .results()?;
        let mut by_review: HashMap<String, Vec<PhotoId>> = HashMap::new();
        for p in photos {
            by_review.entry(p.review_id).or_default().push(PhotoId::new_unchecked(p.key));
        }
        rows.into_iter()
            .map(|r| {
                let photos = by_review.remove(&r.id).unwrap_or_default();
                r.into_card(photos)
            })
            .collect()
    }

    /// One review, whoever may see it.
    async fn card(&self, id: &ReviewId) -> AppResult<ReviewCard> {
        self.cards("r.id = ?1", vec![id.as_str().into()]).await?.pop().ok_or_else(|| ReviewError::ReviewNotFound.into())
    }

    /// A resident of `store` reviews a product of an order she picked up there (rules 1
    /// and 2). The review starts without photos; they are added with [`Self::add_photo`].
    pub async fn create(&self, me: &Me, store: &StoreId, new: &NewReview, now: DateTime<Utc>) -> AppResult<ReviewCard> {
        authorize(Some(me), Action::ShopAt(store))?;
        let valid = new.validate()?;
        let order = OrderService::new(&self.env)?
            .load(&valid.order_id)
            .await?
            .map(|(order, _)| order)
            .filter(|o| &o.store_id == store)
            .ok_or(ReviewError::OrderNotFound)?;
        let already: Option<serde_json::Value> = self
            .db
            .prepare("SELECT id FROM reviews WHERE order_id = ?1 AND product_id = ?2")
            .bind(&[order.id.as_str().into(), valid.product_id.as_str().into()])?
            .first(None)
            .await?;
        check_review_eligibility(&me.person_id, &PurchaseFacts::from_order(&order), &valid.product_id, already.is_some(), now)?;
        let review = Review::create(ReviewId::new_unchecked(random_id("v")?), store.clone(), me.person_id.clone(), valid, now);
        let result = review_insert(&self.db, &review)?.run().await?;
        if changes(&result) == 0 {
            // Written from another phone a moment ago.
            return Err(ReviewError::AlreadyReviewed.into());
        }
        self.card(&review.id).await
    }

    /// The review `id` if `me` may add a photo to it now (rule 3): checked before the
    /// upload's body is read.
    pub async fn photo_slot(&self, me: &Me, id: &ReviewId) -> AppResult<ReviewCard> {
        let card = self.card(id).await?;
        check_photo_upload(&card.review, &me.person_id, card.review.photo_ids.len())?;
        Ok(card)
    }

    /// Adds the uploaded `bytes` as the review's next photo (rule 3): its real type and
    /// size are read from the bytes, stored in the bucket, then its row is written by an
    /// insert that counts the photos itself. A refused or failed row takes the bytes out
    /// of the bucket again.
    pub async fn add_photo(&self, me: &Me, id: &ReviewId, bytes: Vec<u8>, now: DateTime<Utc>) -> AppResult<ReviewCard> {
        self.photo_slot(me, id).await?;
        let info = inspect_photo(&bytes)?;
        let key = PhotoId::new_unchecked(random_id("ph")?);
        let size = bytes.len();
        let bucket = PhotoBucket::new(&self.env)?;
        bucket.put(key.as_str(), bytes, info.format.content_type()).await?;
        let written = match photo_insert(&self.db, id, &key, &info, size, now)?.run().await {
            Ok(result) => Ok(changes(&result) > 0),
            Err(e) => Err(AppError::from(e)),
        };
        if !matches!(written, Ok(true)) {
            if let Err(e) = bucket.delete(key.as_str()).await {
                worker::console_error!("photo {key} left in the bucket: {e:?}");
            }
            written?;
            // Another upload took the last place: say why, as the check would have.
            let now_card = self.card(id).await?;
            check_photo_upload(&now_card.review, &me.person_id, now_card.review.photo_ids.len())?;
            return Err(ReviewError::TooManyPhotos.into());
        }
        self.card(id).await
    }

    /// A photo's bytes and type, for `GET /api/v1/photos/{photo}`.
    pub async fn photo(&self, key: &PhotoId) -> AppResult<StoredPhoto> {
        PhotoBucket::new(&self.env)?.get(key.as_str()).await?.ok_or_else(|| ReviewError::PhotoNotFound.into())
    }

    /// The product's rating in `store` (rule 4): every review counts, hidden ones too.
    pub async fn rating(&self, store: &StoreId, product: &ProductId) -> AppResult<RatingSummary> {
        #[derive(Deserialize)]
        struct Row {
            stars: i64,
            n: u32,
        }
        let rows: Vec<Row> = self
            .db
            .prepare("SELECT stars, COUNT(*) AS n FROM reviews WHERE store_id = ?1 AND product_id = ?2 GROUP BY stars")
            .bind(&[store.as_str().into(), product.as_str().into()])?
            .all()
            .await?
            .results()?;
        let mut distribution = [0u32; 5];
        for row in rows {
            let stars = Stars::new(row.stars).ok_or_else(|| AppError::Internal(format!("stored stars {}", row.stars)))?;
            distribution[usize::from(stars.get() - 1)] = row.n;
        }
        Ok(RatingSummary::from_distribution(distribution))
    }

    /// What neighbours see on a product's page (rule 6): featured first, then newest.
    pub async fn for_product(&self, store: &StoreId, product: &ProductId) -> AppResult<Vec<ShownReview>> {
        let cards = self
            .cards(
                "r.store_id = ?1 AND r.product_id = ?2 AND r.visibility != ?3 ORDER BY r.created_at DESC LIMIT ?4",
                vec![store.as_str().into(), product.as_str().into(), ReviewVisibility::Hidden.as_str().into(), LIST_LIMIT.into()],
            )
            .await?;
        let mut reviews: Vec<_> = cards.iter().filter_map(|c| c.review.shown(&c.author_nickname, c.author_is_koc)).collect();
        sort_shown(&mut reviews);
        Ok(reviews)
    }

    /// The store's featured reviews, newest first: its home's 邻居晒单.
    pub async fn featured(&self, store: &StoreId) -> AppResult<FeaturedReviewList> {
        let cards = self
            .cards(
                "r.store_id = ?1 AND r.visibility = ?2 ORDER BY r.created_at DESC LIMIT ?3",
                vec![store.as_str().into(), ReviewVisibility::Featured.as_str().into(), FEATURED_LIMIT.into()],
            )
            .await?;
        let reviews = cards
            .into_iter()
            .filter_map(|c| {
                let shown = c.review.shown(&c.author_nickname, c.author_is_koc)?;
                Some(FeaturedReview { review: shown, product_name: c.product_name })
            })
            .collect();
        Ok(FeaturedReviewList { reviews })
    }

    /// The resident's own reviews, hidden ones with the reason, newest first.
    pub async fn mine(&self, me: &Me) -> AppResult<ReviewList> {
        let reviews = self
            .cards("r.author_id = ?1 ORDER BY r.created_at DESC LIMIT ?2", vec![me.person_id.as_str().into(), LIST_LIMIT.into()])
            .await?;
        Ok(ReviewList { reviews })
    }

    /// Every review of the store, newest first (the owner).
    pub async fn for_owner(&self, me: &Me, store: &StoreId) -> AppResult<ReviewList> {
        authorize(Some(me), Action::ManageStore(store))?;
        let reviews = self
            .cards("r.store_id = ?1 ORDER BY r.created_at DESC LIMIT ?2", vec![store.as_str().into(), LIST_LIMIT.into()])
            .await?;
        Ok(ReviewList { reviews })
    }

    /// The owner features, unfeatures, hides or shows a review (rule 5). A hide tells the
    /// author why, in the same batch; the update is guarded by the state it was decided
    /// on, and a feature by the product's featured count, so a race changes nothing.
    pub async fn moderate(&self, me: &Me, id: &ReviewId, action: &Moderation, now: DateTime<Utc>) -> AppResult<ReviewCard> {
        let card = self.card(id).await?;
        let store = card.review.store_id.clone();
        authorize(Some(me), Action::ManageStore(&store))?;
        #[derive(Deserialize)]
        struct Count {
            n: u32,
        }
        let featured: Count = self
            .db
            .prepare("SELECT COUNT(*) AS n FROM reviews WHERE store_id = ?1 AND product_id = ?2 AND visibility = ?3")
            .bind(&[store.as_str().into(), card.review.product_id.as_str().into(), ReviewVisibility::Featured.as_str().into()])?
            .first(None)
            .await?
            .ok_or_else(|| AppError::Internal("no count".into()))?;
        let mut review = card.review.clone();
        let tell = review.moderate(action, featured.n)?;
        if review == card.review {
            return Ok(card);
        }
        let at = now.to_rfc3339();
        let mut statements = vec![self
            .db
            .prepare(
                "UPDATE reviews SET visibility = ?1, hidden_reason = ?2, updated_at = ?3 WHERE id = ?4 AND visibility = ?5 \
                 AND (?1 != ?8 OR (SELECT COUNT(*) FROM reviews WHERE store_id = ?6 AND product_id = ?7 AND visibility = ?8) < ?9)",
            )
            .bind(&[
                review.visibility.as_str().into(),
                nullable(review.hidden_reason.as_deref()),
                at.as_str().into(),
                id.as_str().into(),
                card.review.visibility.as_str().into(),
                store.as_str().into(),
                review.product_id.as_str().into(),
                ReviewVisibility::Featured.as_str().into(),
                MAX_FEATURED_PER_PRODUCT.into(),
            ])?];
        if tell {
            let notice = CommunityNotice::ReviewHidden {
                review_id: id.clone(),
                product_id: review.product_id.clone(),
                product_name: card.product_name.clone(),
                reason: review.hidden_reason.clone().unwrap_or_default(),
            };
            statements.push(
                self.db
                    .prepare(
                        "INSERT INTO notices (person_id, store_id, kind, json, created_at) SELECT ?1, ?2, ?3, ?4, ?5 \
                         WHERE EXISTS (SELECT 1 FROM reviews WHERE id = ?6 AND visibility = ?7 AND updated_at = ?5)",
                    )
                    .bind(&[
                        review.author_id.as_str().into(),
                        store.as_str().into(),
                        notice.kind().as_str().into(),
                        serde_json::to_string(&notice)?.into(),
                        at.as_str().into(),
                        id.as_str().into(),
                        review.visibility.as_str().into(),
                    ])?,
            );
        }
        let results = self.db.batch(statements).await?;
        if results.first().map_or(0, changes) == 0 && review.visibility == ReviewVisibility::Featured {
            // Another review of the product was featured a moment ago.
            return Err(ReviewError::TooManyFeatured.into());
        }
        self.card(id).await
    }
}
