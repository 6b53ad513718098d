//! Browse-and-leave: residents' views of product pages are recorded, and the cron sends
//! the follow-ups that are due (`shared_model::brain::browse` decides who and what): one
//! notice and a small coupon for that product, written together.

use super::{catalog::CatalogService, coupons::CouponService, identity::Shopper};
use crate::{
    error::AppResult,
    http::random_id,
    storage::{changes, stored_time},
};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use shared_model::{
    access::{authorize, Action},
    api::{Preferences, ViewTime},
    brain::{
        browse_follow_ups, counted_seconds, BrowseFacts, Ordered, ProductView, BROWSE_WINDOW_HOURS, FOLLOW_UP_EVERY_DAYS,
        FOLLOW_UP_STALE_HOURS, MAX_VIEW_SECONDS,
    },
    community::CommunityNotice,
    coupon::{Coupon, CouponKind},
    identity::Me,
    CouponId, Fen, PersonId, ProductId, StoreId,
};
use std::collections::{BTreeMap, BTreeSet};
use worker::{D1Database, Env};

pub struct BrowseService {
    db: D1Database,
    env: Env,
}

impl BrowseService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, env: env.clone() })
    }

    /// Records that the shopper opened `product`'s page in her own store (elsewhere, or
    /// for anyone else, nothing).
    pub async fn record_view(&self, shopper: &Shopper, store: &StoreId, product: &ProductId, at: DateTime<Utc>) -> AppResult<()> {
        if &shopper.store_id != store {
            return Ok(());
        }
        self.db
            .prepare("INSERT INTO product_views (person_id, store_id, product_id, at) VALUES (?1, ?2, ?3, ?4)")
            .bind(&[shopper.person_id.as_str().into(), store.as_str().into(), product.as_str().into(), at.to_rfc3339().into()])?
            .run()
            .await?;
        Ok(())
    }

    /// Adds how long her latest view of the product lasted (within the last
    /// [`MAX_VIEW_SECONDS`]); a report for a view not recorded changes nothing.
    pub async fn record_view_time(&self, shopper: &Shopper, time: &ViewTime, now: DateTime<Utc>) -> AppResult<()> {
        let seconds = counted_seconds(time.seconds)?;
        let opened_since = now - Duration::seconds(i64::from(MAX_VIEW_SECONDS));
        self.db
            .prepare(
                "UPDATE product_views SET seconds = MAX(seconds, ?1) WHERE rowid = (SELECT rowid FROM product_views \
                 WHERE person_id = ?2 AND store_id = ?3 AND product_id = ?4 AND at >= ?5 ORDER BY at DESC LIMIT 1)",
            )
            .bind(&[
                seconds.into(),
                shopper.person_id.as_str().into(),
                shopper.store_id.as_str().into(),
                time.product_id.as_str().into(),
                opened_since.to_rfc3339().into(),
            ])?
            .run()
            .await?;
        Ok(())
    }

    /// Her preferences.
    pub async fn preferences(&self, me: &Me) -> AppResult<Preferences> {
        authorize(Some(me), Action::Shop)?;
        #[derive(Deserialize)]
        struct Row {
            browse_follow_ups: u32,
        }
        let row: Option<Row> = self
            .db
            .prepare("SELECT browse_follow_ups FROM people WHERE id = ?1")
            .bind(&[me.person_id.as_str().into()])?
            .first(None)
            .await?;
        Ok(Preferences { browse_follow_ups: row.is_none_or(|r| r.browse_follow_ups != 0) })
    }

    /// Sets her preferences.
    pub async fn set_preferences(&self, me: &Me, preferences: &Preferences) -> AppResult<Preferences> {
        authorize(Some(me), Action::Shop)?;
        self.db
            .prepare("UPDATE people SET browse_follow_ups = ?1 WHERE id = ?2")
            .bind(&[u32::from(preferences.browse_follow_ups).into(), me.person_id.as_str().into()])?
            .run()
            .await?;
        self.preferences(me).await
    }

    /// Sends every store's follow-ups due at `now`; how many were sent.
    pub async fn send_due(&self, now: DateTime<Utc>) -> AppResult<u32> {
        #[derive(Deserialize)]
        struct StoreRow {
            store_id: String,
        }
        // Only stores with views recent enough to matter.
        let since = now - Duration::hours(BROWSE_WINDOW_HOURS + FOLLOW_UP_STALE_HOURS);
        let stores: Vec<StoreRow> = self
            .db
            .prepare("SELECT DISTINCT store_id FROM product_views WHERE at >= ?1")
            .bind(&[since.to_rfc3339().into()])?
            .all()
            .await?
            .results()?;
        let mut sent = 0;
        for store in stores {
            sent += self.send_due_in(&StoreId::new_unchecked(store.store_id), now).await?;
        }
        Ok(sent)
    }

    /// One store's follow-ups due at `now`.
    async fn send_due_in(&self, store: &StoreId, now: DateTime<Utc>) -> AppResult<u32> {
        let facts = self.facts(store, now).await?;
        let due = browse_follow_ups(&facts, now);
        if due.is_empty() {
            return Ok(0);
        }
        let ids: Vec<ProductId> = due.iter().map(|d| d.product_id.clone()).collect();
        let names: BTreeMap<ProductId, String> = CatalogService::new(&self.env)?
            .products(store, &ids)
            .await?
            .into_iter()
            .map(|row| (row.product_id(), row.name().to_owned()))
            .collect();
        let mut sent = 0;
        for follow_up in due {
            let id = CouponId::new_unchecked(random_id("cp")?);
            let coupon =
                Coupon::issue(id, store.clone(), follow_up.person.clone(), CouponKind::BrowseFollowUp, follow_up.coupon, now)?;
            let notice = CommunityNotice::BrowseFollowUp {
                product_id: follow_up.product_id.clone(),
                product_name: names.get(&follow_up.product_id).cloned().unwrap_or_default(),
                amount: coupon.amount,
                usable_through: coupon.usable_through(),
            };
            // Once per product per week even if two runs overlap: the coupon is written
            // only if none was sent within the week, and the notice only with it.
            let week_ago = (now - Duration::days(FOLLOW_UP_EVERY_DAYS)).to_rfc3339();
            let results = self
                .db
                .batch(vec![
                    CouponService::insert_statement_unless(&self.db, &coupon, Some(&week_ago))?,
                    self.db
                        .prepare(
                            "INSERT INTO notices (person_id, store_id, kind, json, created_at) SELECT ?1, ?2, ?3, ?4, ?5 \
                             WHERE EXISTS (SELECT 1 FROM coupons WHERE id = ?6)",
                        )
                        .bind(&[
                            follow_up.person.as_str().into(),
                            store.as_str().into(),
                            notice.kind().as_str().into(),
                            serde_json::to_string(&notice)?.into(),
                            now.to_rfc3339().into(),
                            coupon.id.as_str().into(),
                        ])?,
                ])
                .await?;
            sent += u32::from(results.first().map_or(0, changes) > 0);
        }
        Ok(sent)
    }

    /// What the rules read for `store` at `now`: views in the window, orders and follow-ups
    /// since, who opted out, and what is on sale with stock at what price.
    async fn facts(&self, store: &StoreId, now: DateTime<Utc>) -> AppResult<BrowseFacts> {
        #[derive(Deserialize)]
        struct ViewRow {
            person_id: String,
            product_id: String,
            at: String,
            seconds: u32,
        }
        #[derive(Deserialize)]
        struct PairRow {
            person_id: String,
            product_id: String,
            at: String,
        }
        #[derive(Deserialize)]
        struct PersonRow {
            id: String,
        }
        let since = (now - Duration::hours(BROWSE_WINDOW_HOURS + FOLLOW_UP_STALE_HOURS)).to_rfc3339();
        let week_ago = (now - Duration::days(FOLLOW_UP_EVERY_DAYS)).to_rfc3339();
        let s: wasm_bindgen::JsValue = store.as_str().into();
        let results = self
            .db
            .batch(vec![
                self.db
                    .prepare("SELECT person_id, product_id, at, seconds FROM product_views WHERE store_id = ?1 AND at >= ?2")
                    .bind(&[s.clone(), since.as_str().into()])?,
                self.db
                    .prepare(
                        "SELECT o.person_id, l.product_id, o.placed_at AS at FROM orders o JOIN order_lines l ON l.order_id = o.id \
                         WHERE o.store_id = ?1 AND o.placed_at >= ?2 AND o.status != 'cancelled'",
                    )
                    .bind(&[s.clone(), since.as_str().into()])?,
                self.db
                    .prepare(
                        "SELECT person_id, product_id, issued_at AS at FROM coupons WHERE store_id = ?1 \
                         AND kind = 'browse_follow_up' AND issued_at >= ?2",
                    )
                    .bind(&[s.clone(), week_ago.into()])?,
                self.db
                    .prepare("SELECT id FROM people WHERE store_id = ?1 AND role = 'resident' AND browse_follow_ups = 0")
                    .bind(&[s])?,
            ])
            .await?;
        let [views, ordered, sent, opted_out] = results.as_slice() else {
            return Err(crate::error::AppError::Internal("browse facts batch returned a different shape".into()));
        };
        let pair = |r: PairRow| -> AppResult<Ordered> {
            Ok(Ordered {
                person: PersonId::new_unchecked(r.person_id),
                product_id: ProductId::new_unchecked(r.product_id),
                at: stored_time(&r.at)?,
            })
        };
        let views = views
            .results::<ViewRow>()?
            .into_iter()
            .map(|v| {
                Ok(ProductView {
                    person: PersonId::new_unchecked(v.person_id),
                    product_id: ProductId::new_unchecked(v.product_id),
                    at: stored_time(&v.at)?,
                    seconds: v.seconds,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let viewed: Vec<ProductId> = views.iter().map(|v| v.product_id.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        let mut on_sale = BTreeMap::new();
        for row in CatalogService::new(&self.env)?.products(store, &viewed).await? {
            if row.on_sale() && row.available() > 0 {
                on_sale.insert(row.product_id(), row.shelf_price(now)?.unit_price);
            }
        }
        Ok(BrowseFacts {
            views,
            ordered: ordered.results::<PairRow>()?.into_iter().map(pair).collect::<AppResult<_>>()?,
            sent: sent.results::<PairRow>()?.into_iter().map(pair).collect::<AppResult<_>>()?,
            opted_out: opted_out.results::<PersonRow>()?.into_iter().map(|p| PersonId::new_unchecked(p.id)).collect(),
            on_sale: on_sale.into_iter().collect::<BTreeMap<ProductId, Fen>>(),
        })
    }
}
