//! 为你推荐 and 凑单推荐 (shared-model's `recommend`): the per-store profile is built
//! ahead of time (the cron, once enough orders came in; the seed; the operator route)
//! and kept in KV under a version that D1 records; a request reads the resident's own
//! orders, the store's listing and that version in one D1 batch, and the profile itself
//! only when this isolate has not parsed that version yet.

use super::catalog::CatalogService;
use crate::{
    error::{AppError, AppResult},
    storage::{number, stored_date, stored_time, DATE_FORMAT},
};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use shared_model::{
    api::{ProductRef, ProfileBuild, Recommendation},
    catalog::ProductSummary,
    identity::{HouseholdTag, Me, Role},
    order::OrderStatus,
    recommend::{
        build_profile, day_number, rebuild_due, recommend, suggest_with, Basket, Knobs, Pick, ResidentHistory, StoreProfile,
        HISTORY_DAYS,
    },
    time::pickup_date_for,
    ProductId, StoreId,
};
use std::{
    cell::RefCell,
    collections::{BTreeMap, HashMap, HashSet},
    rc::Rc,
};
use worker::{kv::KvStore, D1Database, D1PreparedStatement, Env};

/// Old profile versions stay readable this long after being written (a request that
/// read the previous version from D1 can still fetch it), then KV drops them.
const PROFILE_TTL_SECS: u64 = 3 * 24 * 3600;

/// A store's profile as this isolate parsed it, with its version.
type Versioned = (i64, Rc<StoreProfile<ProductId>>);

/// What every answer needs: her baskets, the store's listing and its profile.
type Inputs = (ResidentHistory<ProductId>, Vec<ProductSummary>, Option<Versioned>);

thread_local! {
    /// Parsed profiles by store: an isolate parses each version once.
    static PROFILES: RefCell<HashMap<String, Versioned>> = RefCell::new(HashMap::new());
}

pub struct RecommendationService {
    db: D1Database,
    kv: KvStore,
    catalog: CatalogService,
}

#[derive(Deserialize)]
struct LineRow {
    person_id: String,
    pickup_date: String,
    product_id: String,
}

#[derive(Deserialize)]
struct BuildRow {
    version: i64,
}

#[derive(Deserialize)]
struct DueRow {
    id: String,
    built_at: Option<String>,
    since: u32,
}

#[derive(Deserialize)]
struct TagsRow {
    id: String,
    household_tags: String,
}

/// Orders of the last [`HISTORY_DAYS`] that were not cancelled, as (person, pickup
/// date, product) lines of the store or the person `key` (`by` names which).
fn lines_query(db: &D1Database, by: &str, key: &str, now: DateTime<Utc>) -> AppResult<D1PreparedStatement> {
    let since = (pickup_date_for(now) - Duration::days(HISTORY_DAYS)).format(DATE_FORMAT).to_string();
    let sql = format!(
        "SELECT o.person_id, o.pickup_date, l.product_id FROM orders o JOIN order_lines l ON l.order_id = o.id \
         WHERE o.{by} = ?1 AND o.pickup_date >= ?2 AND o.status != ?3 ORDER BY o.person_id, o.pickup_date"
    );
    Ok(db.prepare(sql).bind(&[key.into(), since.into(), OrderStatus::Cancelled.as_str().into()])?)
}

/// Lines grouped into each person's baskets, one per pickup day.
fn baskets_by_person(rows: Vec<LineRow>) -> AppResult<BTreeMap<String, Vec<Basket<ProductId>>>> {
    let mut days: BTreeMap<String, BTreeMap<i32, Vec<ProductId>>> = BTreeMap::new();
    for row in rows {
        let day = day_number(stored_date(&row.pickup_date)?);
        days.entry(row.person_id).or_default().entry(day).or_default().push(ProductId::new_unchecked(row.product_id));
    }
    Ok(days
        .into_iter()
        .map(|(person, by_day)| (person, by_day.into_iter().map(|(day, items)| Basket { day, items }).collect()))
        .collect())
}

impl RecommendationService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, kv: env.kv("RECOMMENDATIONS")?, catalog: CatalogService::new(env)? })
    }

    /// Her baskets, the store's listing (on sale, in shelf order, sold out included) and
    /// the store's profile: what every answer needs.
    async fn inputs(&self, me: &Me, now: DateTime<Utc>) -> AppResult<Inputs> {
        let history = lines_query(&self.db, "person_id", me.person_id.as_str(), now)?;
        let version = self
            .db
            .prepare("SELECT version FROM recommendation_builds WHERE store_id = ?1")
            .bind(&[me.store_id.as_str().into()])?;
        let listing = self.catalog.listing_query(&me.store_id, None, None)?;
        let [history, version, listing]: [worker::D1Result; 3] = self
            .db
            .batch(vec![history, version, listing])
            .await?
            .try_into()
            .map_err(|_| AppError::Internal("recommendation inputs: batch size".into()))?;
        let baskets = baskets_by_person(history.results()?)?.remove(me.person_id.as_str()).unwrap_or_default();
        let listing = CatalogService::read_listing(&listing)?;
        let version: Option<BuildRow> = version.results()?.into_iter().next();
        let profile = match version {
            Some(row) => self.profile(&me.store_id, row.version).await?,
            None => None,
        };
        let me = ResidentHistory { resident: me.person_id.to_string(), tags: me.household_tags.clone(), baskets };
        Ok((me, listing, profile))
    }

    /// The store's profile `version`, parsed once per isolate. KV is eventually
    /// consistent across locations: while a new version has not reached this one, the
    /// version this isolate already holds answers (what it was until a moment ago).
    async fn profile(&self, store: &StoreId, version: i64) -> AppResult<Option<Versioned>> {
        let held = PROFILES.with(|p| p.borrow().get(store.as_str()).cloned());
        if let Some(held) = held.as_ref().filter(|(v, _)| *v == version) {
            return Ok(Some(held.clone()));
        }
        let key = format!("profile/{store}/{version}");
        let Some(profile) = self.kv.get(&key).json::<StoreProfile<ProductId>>().await.map_err(kv_error)? else {
            worker::console_warn!("recommendations: {key} is not in KV yet (or expired); using what this isolate holds");
            return Ok(held);
        };
        let fresh = (version, Rc::new(profile));
        PROFILES.with(|p| p.borrow_mut().insert(store.to_string(), fresh.clone()));
        Ok(Some(fresh))
    }

    /// 为你推荐: her next basket, `limit` picks, never sold out or off sale.
    pub async fn for_resident(&self, me: &Me, limit: usize, now: DateTime<Utc>) -> AppResult<(Vec<Recommendation>, Option<i64>)> {
        let (history, listing, profile) = self.inputs(me, now).await?;
        let ids = in_stock(&listing);
        let empty = StoreProfile::default();
        let store_profile = profile.as_ref().map_or(&empty, |(_, p)| p.as_ref());
        let today = day_number(pickup_date_for(now));
        let picks = recommend(&history, store_profile, &ids, today, &Knobs::TUNED, limit);
        Ok((shown(picks, &listing), profile.map(|(v, _)| v)))
    }

    /// 凑单推荐: what goes with the `cart`'s products.
    pub async fn for_cart(
        &self,
        me: &Me,
        cart: &[ProductId],
        limit: usize,
        now: DateTime<Utc>,
    ) -> AppResult<Vec<Recommendation>> {
        if cart.is_empty() {
            return Ok(Vec::new());
        }
        let (history, listing, profile) = self.inputs(me, now).await?;
        let Some((_, profile)) = profile else { return Ok(Vec::new()) };
        let picks = suggest_with(cart, &history.baskets, &profile, &in_stock(&listing), &Knobs::TUNED, limit);
        Ok(shown(picks, &listing))
    }

    /// Builds every store's profile that is due (`recommend::rebuild_due`): the cron.
    pub async fn rebuild_due(&self, now: DateTime<Utc>) -> AppResult<Vec<ProfileBuild>> {
        self.rebuild_where(now, |built, since| rebuild_due(built, since, now)).await
    }

    /// Builds every store's profile now.
    pub async fn rebuild_all(&self, now: DateTime<Utc>) -> AppResult<Vec<ProfileBuild>> {
        self.rebuild_where(now, |_, _| true).await
    }

    async fn rebuild_where(
        &self,
        now: DateTime<Utc>,
        due: impl Fn(Option<DateTime<Utc>>, u32) -> bool,
    ) -> AppResult<Vec<ProfileBuild>> {
        let rows: Vec<DueRow> = self
            .db
            .prepare(
                "SELECT s.id, b.built_at, (SELECT COUNT(*) FROM orders o WHERE o.store_id = s.id \
                 AND o.placed_at > COALESCE(b.built_at, '')) AS since \
                 FROM stores s LEFT JOIN recommendation_builds b ON b.store_id = s.id ORDER BY s.id",
            )
            .all()
            .await?
            .results()?;
        // One store's failure does not hold the others back; it is reported after them.
        let mut builds = Vec::new();
        let mut failed = None;
        for row in rows {
            let built = row.built_at.as_deref().map(stored_time).transpose()?;
            if due(built, row.since) {
                match self.rebuild(&StoreId::new_unchecked(row.id.clone()), now).await {
                    Ok(build) => builds.push(build),
                    Err(e) => {
                        worker::console_error!("recommendation profile of {}: {e:?}", row.id);
                        failed.get_or_insert(e);
                    }
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(builds),
        }
    }

    /// Builds `store`'s profile from its residents' orders and stores it as the next version.
    pub async fn rebuild(&self, store: &StoreId, now: DateTime<Utc>) -> AppResult<ProfileBuild> {
        // Workers' clock moves only across I/O: this is the build's wall time around it.
        let started = js_sys::Date::now();
        let lines = lines_query(&self.db, "store_id", store.as_str(), now)?;
        let tags = self
            .db
            .prepare("SELECT id, household_tags FROM people WHERE store_id = ?1 AND role = ?2 AND household_tags != '[]'")
            .bind(&[store.as_str().into(), Role::Resident.as_str().into()])?;
        let version =
            self.db.prepare("SELECT version FROM recommendation_builds WHERE store_id = ?1").bind(&[store.as_str().into()])?;
        let [lines, tags, version]: [worker::D1Result; 3] = self
            .db
            .batch(vec![lines, tags, version])
            .await?
            .try_into()
            .map_err(|_| AppError::Internal("rebuild: batch size".into()))?;
        let mut household: HashMap<String, Vec<HouseholdTag>> = HashMap::new();
        for row in tags.results::<TagsRow>()? {
            let tags = serde_json::from_str(&row.household_tags)
                .map_err(|e| AppError::Internal(format!("stored household tags of {}: {e}", row.id)))?;
            household.insert(row.id, tags);
        }
        let residents: Vec<ResidentHistory<ProductId>> = baskets_by_person(lines.results()?)?
            .into_iter()
            .map(|(person, baskets)| ResidentHistory {
                tags: household.remove(&person).unwrap_or_default(),
                resident: person,
                baskets,
            })
            .collect();
        let orders: usize = residents.iter().map(|r| r.baskets.len()).sum();
        let profile = build_profile(&residents, day_number(pickup_date_for(now)), &Knobs::TUNED);
        let body = serde_json::to_string(&profile)?;
        let version = version.results::<BuildRow>()?.first().map_or(1, |b| b.version + 1);
        self.kv
            .put(&format!("profile/{store}/{version}"), body.as_str())
            .map_err(kv_error)?
            .expiration_ttl(PROFILE_TTL_SECS)
            .execute()
            .await
            .map_err(kv_error)?;
        let build = ProfileBuild {
            store_id: store.clone(),
            version,
            residents: residents.len() as u32,
            orders: orders as u32,
            bytes: body.len() as u32,
            build_ms: (js_sys::Date::now() - started).max(0.0) as u32,
        };
        // Recorded only once KV holds it, so no request reads a version that is not there.
        self.db
            .prepare(
                "INSERT INTO recommendation_builds (store_id, version, built_at, residents, orders, bytes, build_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (store_id) DO UPDATE SET version = excluded.version, \
                 built_at = excluded.built_at, residents = excluded.residents, orders = excluded.orders, \
                 bytes = excluded.bytes, build_ms = excluded.build_ms",
            )
            .bind(&[
                store.as_str().into(),
                number(version),
                now.to_rfc3339().into(),
                build.residents.into(),
                build.orders.into(),
                build.bytes.into(),
                build.build_ms.into(),
            ])?
            .run()
            .await?;
        PROFILES.with(|p| p.borrow_mut().insert(store.to_string(), (version, Rc::new(profile))));
        Ok(build)
    }

    /// The store's orders of the history window as CSV in the Instacart format
    /// (`order_id,user_id,order_number,order_dow,order_hour_of_day,days_since_prior_order,
    /// product_id,add_to_cart_order,reordered`), one basket per resident and pickup day.
    pub async fn order_history_csv(&self, store: &StoreId, now: DateTime<Utc>) -> AppResult<String> {
        let rows: Vec<LineRow> = lines_query(&self.db, "store_id", store.as_str(), now)?.all().await?.results()?;
        let mut csv = String::from(
            "order_id,user_id,order_number,order_dow,order_hour_of_day,days_since_prior_order,product_id,add_to_cart_order,reordered\n",
        );
        for (person, baskets) in baskets_by_person(rows)? {
            let mut seen: HashSet<&ProductId> = HashSet::new();
            let mut previous: Option<i32> = None;
            for (n, basket) in baskets.iter().enumerate() {
                let gap = previous.map(|p| (basket.day - p).to_string()).unwrap_or_default();
                // 1970-01-01 was a Thursday; Instacart counts days of the week from Sunday = 0.
                let dow = (basket.day + 4).rem_euclid(7);
                let mut distinct: Vec<&ProductId> = Vec::new();
                for item in &basket.items {
                    if !distinct.contains(&item) {
                        distinct.push(item);
                    }
                }
                for (i, item) in distinct.into_iter().enumerate() {
                    let reordered = u8::from(!seen.insert(item));
                    csv.push_str(&format!("{person}-{},{person},{},{dow},20,{gap},{item},{},{reordered}\n", n + 1, n + 1, i + 1));
                }
                previous = Some(basket.day);
            }
        }
        Ok(csv)
    }
}

/// What may be recommended: the listing's products that are in stock, in shelf order.
fn in_stock(listing: &[ProductSummary]) -> Vec<ProductId> {
    listing.iter().filter(|p| p.available > 0).map(|p| p.id.clone()).collect()
}

/// The picks as the shop lists them, with the products their reasons name.
fn shown(picks: Vec<Pick<ProductId>>, listing: &[ProductSummary]) -> Vec<Recommendation> {
    let listed: HashMap<&ProductId, &ProductSummary> = listing.iter().map(|p| (&p.id, p)).collect();
    picks
        .into_iter()
        .filter_map(|pick| {
            let product = (*listed.get(&pick.product)?).clone();
            let reason = pick.reason.map(|id| {
                let name = listed.get(&id).map(|p| p.name.clone()).unwrap_or_default();
                ProductRef { id, name }
            });
            Some(Recommendation { product, reason })
        })
        .collect()
}

fn kv_error(e: worker::kv::KvError) -> AppError {
    AppError::Internal(format!("kv: {e:?}"))
}
