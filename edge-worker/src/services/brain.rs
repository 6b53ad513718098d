//! The owner's daily brain (shared-model's `brain`): 今日建议, 需求雷达 and the 直播 SOP.
//!
//! Per store, the facts are read from D1 in one batch (its products with stock, batch
//! date, price, cost, floor, 7-day sell-through and wishlist wants; the last two weeks'
//! voices: wishes and their +1s, reviews, live comments and searches that found nothing;
//! residents' orders of [`BRAIN_HISTORY_DAYS`] with their last returning coupon; reviews
//! to quote), handed to shared-model's rules with "now", and the result is kept as one
//! JSON row in `store_brains`, which the owner's pages read in one query. The cron
//! computes a store's brain again when it is due ([`brain_due`]); the owner can ask for
//! it at any time.
//!
//! The segmenter (jieba with its trimmed dictionary) is loaded once per isolate.

use super::catalog::{sold_by_product, CatalogService, ProductRow};
use crate::{
    error::{AppError, AppResult},
    http::random_id,
    storage::{stored_date, stored_time, DATE_FORMAT},
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shared_model::{
    brain::{
        brain_due, churning, empty_searches_for, radar, rhythm_of, BrainInputs, ProductFacts, ProductReview, PurchaseRhythm,
        Segmenter, StoreBrain, StoreDay, Voice, VoiceSource, BRAIN_HISTORY_DAYS, RADAR_WEEK_DAYS, RETURNING_COUPON,
    },
    community::ReviewVisibility,
    coupon::CouponKind,
    identity::mask_name,
    order::OrderStatus,
    time::local_date,
    Fen, PersonId, ProductId, StoreId,
};
use std::{collections::BTreeMap, rc::Rc};
use worker::{D1Database, D1PreparedStatement, Env};

thread_local! {
    /// Loading the dictionary takes a while: once per isolate.
    static SEGMENTER: Rc<Segmenter> = Rc::new(Segmenter::new());
}

pub struct BrainService {
    db: D1Database,
    catalog: CatalogService,
}

#[derive(Deserialize)]
struct CountRow {
    product_id: String,
    n: u32,
}

#[derive(Deserialize)]
struct VoiceRow {
    source: String,
    id: String,
    person_id: Option<String>,
    text: String,
    at: String,
}

#[derive(Deserialize)]
struct OrderRow {
    person_id: String,
    pickup_date: String,
    total_fen: i64,
}

#[derive(Deserialize)]
struct CouponRow {
    person_id: String,
    issued_at: String,
}

#[derive(Deserialize)]
struct ReviewRow {
    product_id: String,
    nickname: String,
    is_koc: u32,
    stars: u8,
    text: String,
    created_at: String,
}

#[derive(Deserialize)]
struct StoredRow {
    json: String,
}

#[derive(Deserialize)]
struct DueRow {
    id: String,
    computed_at: Option<String>,
    local_date: Option<String>,
}

/// The facts of one store's day, as read from D1.
#[derive(Clone)]
pub struct BrainFacts {
    pub store: StoreId,
    pub now: DateTime<Utc>,
    pub products: Vec<ProductFacts>,
    pub voices: Vec<Voice>,
    pub rhythms: Vec<PurchaseRhythm>,
    pub reviews: Vec<ProductReview>,
    pub orders: u32,
    /// Wall time of reading them, in milliseconds.
    pub gather_ms: u32,
}

/// One computation's timings, for the cron's log and the bench.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BrainRun {
    pub store_id: StoreId,
    /// The corpus multiplier (1: the store as it is).
    pub scale: u32,
    pub inputs: BrainInputs,
    /// Reading the facts from D1: one batch (at scale n, n times the statements and rows).
    pub gather_ms: u32,
    /// Segmenting, the radar, churn, suggestions and the SOP, then storing the JSON (or,
    /// for a scaled run, serialising it).
    pub compute_ms: u32,
    /// The stored JSON's size.
    pub bytes: u32,
    pub suggestions: u32,
    pub topics: u32,
}

fn ms_since(started: f64) -> u32 {
    (js_sys::Date::now() - started).max(0.0) as u32
}

impl BrainService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, catalog: CatalogService::new(env)? })
    }

    /// The store's brain as last computed, if it ever was.
    pub async fn stored(&self, store: &StoreId) -> AppResult<Option<StoreBrain>> {
        let row: Option<StoredRow> = self
            .db
            .prepare("SELECT json FROM store_brains WHERE store_id = ?1")
            .bind(&[store.as_str().into()])?
            .first(None)
            .await?;
        row.map(|r| serde_json::from_str(&r.json).map_err(|e| AppError::Internal(format!("stored brain of {store}: {e}"))))
            .transpose()
    }

    /// Records a search of `store`'s shop that found nothing.
    pub async fn record_empty_search(
        &self,
        store: &StoreId,
        person: Option<&PersonId>,
        query: &str,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        self.db
            .prepare("INSERT INTO empty_searches (id, store_id, person_id, query, at) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(&[
                random_id("es")?.into(),
                store.as_str().into(),
                crate::storage::nullable(person.map(PersonId::as_str)),
                query.into(),
                now.to_rfc3339().into(),
            ])?
            .run()
            .await?;
        Ok(())
    }

    /// Computes every store's brain that is due ([`brain_due`]): the cron.
    pub async fn compute_due(&self, now: DateTime<Utc>) -> AppResult<Vec<BrainRun>> {
        let rows: Vec<DueRow> = self
            .db
            .prepare(
                "SELECT s.id, b.computed_at, b.local_date FROM stores s LEFT JOIN store_brains b ON b.store_id = s.id ORDER BY s.id",
            )
            .all()
            .await?
            .results()?;
        let today = local_date(now);
        // One store's failure does not hold the others back; it is reported after them.
        let mut runs = Vec::new();
        let mut failed = None;
        for row in rows {
            let last = match (row.computed_at.as_deref(), row.local_date.as_deref()) {
                (Some(at), Some(on)) => Some((stored_time(at)?, stored_date(on)?)),
                _ => None,
            };
            if !brain_due(last, now, today) {
                continue;
            }
            match self.compute(&StoreId::new_unchecked(row.id.clone()), now).await {
                Ok(run) => runs.push(run),
                Err(e) => {
                    worker::console_error!("brain of {}: {e:?}", row.id);
                    failed.get_or_insert(e);
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(runs),
        }
    }

    /// Computes `store`'s brain now and keeps it.
    pub async fn compute(&self, store: &StoreId, now: DateTime<Utc>) -> AppResult<BrainRun> {
        let facts = self.gather(store, now).await?;
        let started = js_sys::Date::now();
        let mut brain = evaluate(&facts);
        // Workers' clock moves only across I/O: a one-row read ends the computation's time.
        self.db.prepare("SELECT 1").all().await?;
        let compute_ms = ms_since(started);
        brain.compute_ms = facts.gather_ms + compute_ms;
        let body = serde_json::to_string(&brain)?;
        self.db
            .prepare(
                "INSERT INTO store_brains (store_id, computed_at, local_date, compute_ms, json) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (store_id) DO UPDATE SET computed_at = excluded.computed_at, local_date = excluded.local_date, \
                 compute_ms = excluded.compute_ms, json = excluded.json",
            )
            .bind(&[
                store.as_str().into(),
                now.to_rfc3339().into(),
                brain.local_date.format(DATE_FORMAT).to_string().into(),
                brain.compute_ms.into(),
                body.as_str().into(),
            ])?
            .run()
            .await?;
        Ok(run(&facts, &brain, 1, compute_ms, body.len()))
    }

    /// The bench: `store`'s facts read `scale` times over in one batch, multiplied `scale`
    /// times (each copy with its own residents and products), computed, not kept.
    pub async fn bench(&self, store: &StoreId, scale: u32, now: DateTime<Utc>) -> AppResult<BrainRun> {
        let facts = scaled(self.gather_times(store, now, scale).await?, scale.max(1));
        let started = js_sys::Date::now();
        let brain = evaluate(&facts);
        let body = serde_json::to_string(&brain)?;
        // Any I/O moves the clock past the computation; a one-row read is the smallest.
        self.db.prepare("SELECT 1").all().await?;
        let compute_ms = ms_since(started);
        Ok(run(&facts, &brain, scale.max(1), compute_ms, body.len()))
    }

    /// The store's facts, in one D1 batch.
    pub async fn gather(&self, store: &StoreId, now: DateTime<Utc>) -> AppResult<BrainFacts> {
        self.gather_times(store, now, 1).await
    }

    /// [`Self::gather`], with the batch's statements sent `times` times (the bench: D1
    /// reads and the worker parses `times` the rows; the facts are the first copy's).
    async fn gather_times(&self, store: &StoreId, now: DateTime<Utc>, times: u32) -> AppResult<BrainFacts> {
        let started = js_sys::Date::now();
        let s = store.as_str();
        let cancelled = OrderStatus::Cancelled.as_str();
        let voices_since = (now - Duration::days(2 * RADAR_WEEK_DAYS)).to_rfc3339();
        let history_since = (local_date(now) - Duration::days(BRAIN_HISTORY_DAYS)).format(DATE_FORMAT).to_string();
        let statements = || -> AppResult<Vec<D1PreparedStatement>> {
            Ok(vec![
                self.catalog.store_products_statement(store)?,
                self.catalog.sold_recently_statement(store, now)?,
                self.db
                    .prepare(
                        "SELECT d.product_id, COUNT(DISTINCT v.person_id) AS n FROM demands d \
                         JOIN demand_votes v ON v.demand_id = d.id WHERE d.store_id = ?1 AND d.product_id IS NOT NULL \
                         GROUP BY d.product_id",
                    )
                    .bind(&[s.into()])?,
                // Wishes, their +1s (a neighbour saying the same words), reviews, live
                // comments and searches that found nothing.
                self.db
                    .prepare(
                        "SELECT 'wish' AS source, d.id, d.author_id AS person_id, d.text, d.created_at AS at FROM demands d \
                         WHERE d.store_id = ?1 AND d.created_at >= ?2 \
                         UNION ALL SELECT 'wish', d.id, v.person_id, d.text, v.created_at FROM demand_votes v \
                         JOIN demands d ON d.id = v.demand_id WHERE d.store_id = ?1 AND v.created_at >= ?2 \
                         AND v.person_id != d.author_id \
                         UNION ALL SELECT 'review', r.id, r.author_id, r.text, r.created_at FROM reviews r \
                         WHERE r.store_id = ?1 AND r.created_at >= ?2 AND r.visibility != ?3 AND r.text IS NOT NULL AND r.text != '' \
                         UNION ALL SELECT 'live_comment', c.id, c.person_id, c.text, c.at FROM live_comments c \
                         WHERE c.store_id = ?1 AND c.at >= ?2 \
                         UNION ALL SELECT 'empty_search', e.id, e.person_id, e.query, e.at FROM empty_searches e \
                         WHERE e.store_id = ?1 AND e.at >= ?2",
                    )
                    .bind(&[s.into(), voices_since.as_str().into(), ReviewVisibility::Hidden.as_str().into()])?,
                self.db
                    .prepare(
                        "SELECT person_id, pickup_date, total_fen FROM orders WHERE store_id = ?1 AND pickup_date >= ?2 \
                         AND status != ?3 ORDER BY person_id, pickup_date",
                    )
                    .bind(&[s.into(), history_since.as_str().into(), cancelled.into()])?,
                self.db
                    .prepare(
                        "SELECT person_id, MAX(issued_at) AS issued_at FROM coupons WHERE store_id = ?1 AND kind = ?2 \
                         GROUP BY person_id",
                    )
                    .bind(&[s.into(), CouponKind::Returning.as_str().into()])?,
                self.db
                    .prepare(
                        "SELECT r.product_id, p.nickname, p.is_koc, r.stars, r.text, r.created_at FROM reviews r \
                         JOIN people p ON p.id = r.author_id WHERE r.store_id = ?1 AND r.visibility != ?2 \
                         AND r.text IS NOT NULL AND r.text != '' ORDER BY r.created_at DESC LIMIT 500",
                    )
                    .bind(&[s.into(), ReviewVisibility::Hidden.as_str().into()])?,
            ])
        };
        let mut batch = Vec::new();
        for _ in 0..times.max(1) {
            batch.extend(statements()?);
        }
        let mut results = self.db.batch(batch).await?.into_iter();
        let mut next = || results.next().ok_or_else(|| AppError::Internal("brain facts: batch size".into()));
        let (products, sold, wants, voices, orders, coupons, reviews) =
            (next()?, next()?, next()?, next()?, next()?, next()?, next()?);
        // The bench's further copies: parsed like the first, then left.
        for copy in results {
            copy.results::<serde_json::Value>()?;
        }
        let counts = |rows: Vec<CountRow>| rows.into_iter().map(|r| (r.product_id, r.n)).collect::<BTreeMap<_, _>>();
        let sold = sold_by_product(sold)?;
        let wants = counts(wants.results()?);

        let mut voice_list = Vec::new();
        for row in voices.results::<VoiceRow>()? {
            let source = crate::storage::stored("voice source", &row.source, VoiceSource::parse)?;
            // A visitor not signed in is a resident of her own, once per search.
            let person = PersonId::new_unchecked(row.person_id.unwrap_or_else(|| format!("visitor-{}", row.id)));
            voice_list.push(Voice { person, source, text: row.text, at: stored_time(&row.at)? });
        }
        let queries: Vec<String> = voice_list
            .iter()
            .filter(|v| v.source == VoiceSource::EmptySearch && now - v.at < Duration::days(RADAR_WEEK_DAYS))
            .map(|v| v.text.clone())
            .collect();

        let mut product_list = Vec::new();
        for row in products.results::<ProductRow>()? {
            product_list.push(ProductFacts {
                markdown: row.current_markdown()?.map(|m| m.rate),
                batch: row.batch_facts(&sold)?,
                wishlist_wants: wants.get(row.id()).copied().unwrap_or(0),
                empty_searches: empty_searches_for(row.name(), &queries),
                on_sale: row.on_sale(),
                name: row.name().to_owned(),
                unit: row.unit().to_owned(),
            });
        }

        let mut last_coupon: BTreeMap<String, NaiveDate> = BTreeMap::new();
        for row in coupons.results::<CouponRow>()? {
            last_coupon.insert(row.person_id, local_date(stored_time(&row.issued_at)?));
        }
        let mut by_person: BTreeMap<String, Vec<(NaiveDate, Fen)>> = BTreeMap::new();
        let order_rows = orders.results::<OrderRow>()?;
        let order_count = order_rows.len() as u32;
        for row in order_rows {
            by_person.entry(row.person_id).or_default().push((stored_date(&row.pickup_date)?, Fen::from_fen(row.total_fen)));
        }
        let rhythms = by_person
            .into_iter()
            .map(|(person, orders)| {
                let coupon = last_coupon.get(&person).copied();
                rhythm_of(PersonId::new_unchecked(person), &orders, coupon)
            })
            .collect();

        let mut review_list = Vec::new();
        for row in reviews.results::<ReviewRow>()? {
            let is_koc = row.is_koc != 0;
            review_list.push(ProductReview {
                product_id: ProductId::new_unchecked(row.product_id),
                // KOCs are known by name; anyone else is masked, as on the product page.
                author: if is_koc { row.nickname } else { mask_name(&row.nickname) },
                is_koc,
                stars: row.stars,
                text: row.text,
                at: stored_time(&row.created_at)?,
            });
        }
        Ok(BrainFacts {
            store: store.clone(),
            now,
            products: product_list,
            voices: voice_list,
            rhythms,
            reviews: review_list,
            orders: order_count,
            gather_ms: ms_since(started),
        })
    }
}

/// The rules on a store's facts.
fn evaluate(facts: &BrainFacts) -> StoreBrain {
    let today = local_date(facts.now);
    let radar = SEGMENTER.with(|s| radar(&facts.voices, facts.now, s.as_ref()));
    let churning = churning(&facts.rhythms, today);
    let inputs = BrainInputs {
        products: facts.products.len() as u32,
        voices: facts.voices.len() as u32,
        residents: facts.rhythms.len() as u32,
        orders: facts.orders,
        churning: churning.len() as u32,
    };
    let day =
        StoreDay { today, products: &facts.products, churning: &churning, radar: &radar, returning_coupon: RETURNING_COUPON };
    StoreBrain::new(facts.store.clone(), facts.now, &day, &facts.reviews, inputs)
}

fn run(facts: &BrainFacts, brain: &StoreBrain, scale: u32, compute_ms: u32, bytes: usize) -> BrainRun {
    BrainRun {
        store_id: facts.store.clone(),
        scale,
        inputs: brain.inputs,
        gather_ms: facts.gather_ms,
        compute_ms,
        bytes: bytes as u32,
        suggestions: brain.suggestions.len() as u32,
        topics: brain.radar.topics.len() as u32,
    }
}

/// `facts` `scale` times over: each copy's residents and products are its own, so the
/// radar counts `scale` times the residents and the suggestions see `scale` times the
/// products (the bench's larger corpus).
fn scaled(facts: BrainFacts, scale: u32) -> BrainFacts {
    if scale <= 1 {
        return facts;
    }
    let copy = |i: u32, id: &str| if i == 0 { id.to_owned() } else { format!("{id}-x{i}") };
    let mut out =
        BrainFacts { products: Vec::new(), voices: Vec::new(), rhythms: Vec::new(), reviews: Vec::new(), ..facts.clone() };
    for i in 0..scale {
        out.voices.extend(
            facts.voices.iter().map(|v| Voice { person: PersonId::new_unchecked(copy(i, v.person.as_str())), ..v.clone() }),
        );
        out.rhythms.extend(
            facts
                .rhythms
                .iter()
                .map(|r| PurchaseRhythm { person: PersonId::new_unchecked(copy(i, r.person.as_str())), ..r.clone() }),
        );
        out.products.extend(facts.products.iter().map(|p| {
            let mut p = p.clone();
            p.batch.product_id = ProductId::new_unchecked(copy(i, p.batch.product_id.as_str()));
            p
        }));
        out.reviews.extend(
            facts
                .reviews
                .iter()
                .map(|r| ProductReview { product_id: ProductId::new_unchecked(copy(i, r.product_id.as_str())), ..r.clone() }),
        );
    }
    out.orders = facts.orders.saturating_mul(scale);
    out
}
