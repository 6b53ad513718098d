//! 心愿单 (D1): residents' wishes, their neighbours' votes and the owner's answers, by
//! `shared_model::community::demand`'s rules. Votes are rows keyed by (wish, person), so
//! a repeated or concurrent +1 counts once; a stocked wish tells every voter, in the same
//! batch as the answer.

use super::catalog::CatalogService;
use crate::{
    error::{AppError, AppResult},
    http::random_id,
    storage::{changes, nullable, number, stored, stored_time},
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared_model::{
    access::{authorize, Action},
    api::{DemandCard, DemandList},
    community::{
        board_rank, check_open_demands, set_vote, CommunityNotice, Demand, DemandChange, DemandError, DemandStatus, NewDemand,
        MAX_OPEN_DEMANDS,
    },
    identity::Me,
    CategoryId, DemandId, Fen, PersonId, ProductId, StoreId,
};
use wasm_bindgen::JsValue;
use worker::{D1Database, Env};

/// Wishes a store's list shows at most.
const LIST_LIMIT: u32 = 200;

#[derive(Deserialize)]
struct DemandRow {
    id: String,
    store_id: String,
    author_id: String,
    text: String,
    category_id: Option<String>,
    price_fen: Option<i64>,
    status: String,
    product_id: Option<String>,
    decline_reason: Option<String>,
    created_at: String,
    updated_at: String,
    votes: u32,
    voted: i64,
}

const DEMAND_COLUMNS: &str = "d.id, d.store_id, d.author_id, d.text, d.category_id, d.price_fen, d.status, d.product_id, \
     d.decline_reason, d.created_at, d.updated_at, \
     (SELECT COUNT(*) FROM demand_votes v WHERE v.demand_id = d.id) AS votes, \
     EXISTS (SELECT 1 FROM demand_votes v WHERE v.demand_id = d.id AND v.person_id = ?1) AS voted";

impl DemandRow {
    fn into_card(self, viewer: Option<&PersonId>) -> AppResult<DemandCard> {
        let mine = viewer.is_some_and(|p| p.as_str() == self.author_id);
        let demand = Demand {
            id: DemandId::new_unchecked(self.id),
            store_id: StoreId::new_unchecked(self.store_id),
            author_id: PersonId::new_unchecked(self.author_id),
            text: self.text,
            category_id: self.category_id.map(CategoryId::new_unchecked),
            price: self.price_fen.map(Fen::from_fen),
            status: stored("demand status", &self.status, DemandStatus::parse)?,
            votes: self.votes,
            product_id: self.product_id.map(ProductId::new_unchecked),
            decline_reason: self.decline_reason,
            created_at: stored_time(&self.created_at)?,
            updated_at: stored_time(&self.updated_at)?,
        };
        Ok(DemandCard { demand, voted: self.voted != 0, mine })
    }
}

pub struct DemandService {
    db: D1Database,
    env: Env,
}

impl DemandService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, env: env.clone() })
    }

    /// The store's wishes as `me` sees them: open ones first (most wanted, then newest),
    /// then the answered ones, newest answer first.
    pub async fn list(&self, store: &StoreId, me: Option<&Me>) -> AppResult<DemandList> {
        let viewer = me.filter(|m| m.store_id == *store).map(|m| m.person_id.clone());
        let rows: Vec<DemandRow> = self
            .db
            .prepare(format!("SELECT {DEMAND_COLUMNS} FROM demands d WHERE d.store_id = ?2 ORDER BY d.created_at DESC LIMIT ?3"))
            .bind(&[viewer.as_ref().map_or("", |p| p.as_str()).into(), store.as_str().into(), LIST_LIMIT.into()])?
            .all()
            .await?
            .results()?;
        let mut demands = rows.into_iter().map(|r| r.into_card(viewer.as_ref())).collect::<AppResult<Vec<_>>>()?;
        demands.sort_by(|a, b| board_rank(&a.demand, &b.demand));
        Ok(DemandList { demands })
    }

    async fn card(&self, id: &DemandId, viewer: &PersonId) -> AppResult<DemandCard> {
        let row: DemandRow = self
            .db
            .prepare(format!("SELECT {DEMAND_COLUMNS} FROM demands d WHERE d.id = ?2"))
            .bind(&[viewer.as_str().into(), id.as_str().into()])?
            .first(None)
            .await?
            .ok_or(DemandError::DemandNotFound)?;
        row.into_card(Some(viewer))
    }

    /// A resident of `store` writes a wish; her own vote is written with it. At most
    /// `MAX_OPEN_DEMANDS` of hers may be collecting: the insert itself checks, so two
    /// phones at once cannot pass the limit.
    pub async fn create(&self, me: &Me, store: &StoreId, new: &NewDemand, now: DateTime<Utc>) -> AppResult<DemandCard> {
        authorize(Some(me), Action::ShopAt(store))?;
        let categories: Vec<CategoryId> =
            CatalogService::new(&self.env)?.list_categories().await?.into_iter().map(|c| c.id).collect();
        let valid = new.validate(&categories)?;
        let demand = Demand::create(DemandId::new_unchecked(random_id("d")?), store.clone(), me.person_id.clone(), valid, now);
        let at = now.to_rfc3339();
        let collecting = DemandStatus::Collecting.as_str();
        let results = self
            .db
            .batch(vec![
                self.db
                    .prepare(
                        "INSERT INTO demands (id, store_id, author_id, text, category_id, price_fen, status, created_at, updated_at) \
                         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8 \
                         WHERE (SELECT COUNT(*) FROM demands WHERE author_id = ?3 AND status = ?7) < ?9",
                    )
                    .bind(&[
                        demand.id.as_str().into(),
                        store.as_str().into(),
                        me.person_id.as_str().into(),
                        demand.text.as_str().into(),
                        nullable(demand.category_id.as_ref().map(|c| c.as_str())),
                        demand.price.map_or(JsValue::NULL, |p| number(p.fen())),
                        collecting.into(),
                        at.as_str().into(),
                        MAX_OPEN_DEMANDS.into(),
                    ])?,
                self.db
                    .prepare(
                        "INSERT INTO demand_votes (demand_id, person_id, created_at) \
                         SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM demands WHERE id = ?1) ON CONFLICT DO NOTHING",
                    )
                    .bind(&[demand.id.as_str().into(), me.person_id.as_str().into(), at.as_str().into()])?,
            ])
            .await?;
        if results.first().map_or(0, changes) == 0 {
            check_open_demands(MAX_OPEN_DEMANDS)?;
        }
        self.card(&demand.id, &me.person_id).await
    }

    /// A resident of the wish's store wants it too (`want`) or not any more. Asking for
    /// what is already so changes nothing, so retries and a burst of taps count once.
    pub async fn vote(&self, me: &Me, id: &DemandId, want: bool, now: DateTime<Utc>) -> AppResult<DemandCard> {
        let current = self.card(id, &me.person_id).await?;
        authorize(Some(me), Action::ShopAt(&current.demand.store_id))?;
        let change = set_vote(current.demand.status, current.mine, current.voted, want)?;
        if !current.mine {
            let statement = if change.voted {
                self.db
                    .prepare(
                        "INSERT INTO demand_votes (demand_id, person_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                    )
                    .bind(&[id.as_str().into(), me.person_id.as_str().into(), now.to_rfc3339().into()])?
            } else {
                self.db
                    .prepare("DELETE FROM demand_votes WHERE demand_id = ?1 AND person_id = ?2")
                    .bind(&[id.as_str().into(), me.person_id.as_str().into()])?
            };
            statement.run().await?;
        }
        self.card(id, &me.person_id).await
    }

    /// The owner answers a wish: sourcing, stocked as one of the store's products on sale,
    /// or declined with a reason. Stocking tells everyone who wants it, in the same batch.
    pub async fn answer(&self, me: &Me, id: &DemandId, change: &DemandChange, now: DateTime<Utc>) -> AppResult<DemandCard> {
        let current = self.card(id, &me.person_id).await?;
        let store = current.demand.store_id.clone();
        authorize(Some(me), Action::ManageStore(&store))?;
        let mut demand = current.demand;
        let from = demand.status;
        demand.apply(change, now)?;
        let mut product_name = None;
        if let DemandChange::Stocked { product_id } = change {
            let row = CatalogService::new(&self.env)?
                .product(&store, product_id)
                .await?
                .filter(|r| r.on_sale())
                .ok_or_else(|| AppError::not_found("product_not_found"))?;
            product_name = Some(row.name().to_owned());
        }
        let at = now.to_rfc3339();
        let mut statements = vec![self
            .db
            .prepare(
                "UPDATE demands SET status = ?1, product_id = ?2, decline_reason = ?3, updated_at = ?4 WHERE id = ?5 AND status = ?6",
            )
            .bind(&[
                demand.status.as_str().into(),
                nullable(demand.product_id.as_ref().map(|p| p.as_str())),
                nullable(demand.decline_reason.as_deref()),
                at.as_str().into(),
                id.as_str().into(),
                from.as_str().into(),
            ])?];
        if let (Some(product_id), Some(product_name)) = (&demand.product_id, product_name) {
            let notice = CommunityNotice::DemandStocked {
                demand_id: demand.id.clone(),
                demand_text: demand.text.clone(),
                product_id: product_id.clone(),
                product_name,
            };
            statements.push(
                self.db
                    .prepare(
                        "INSERT INTO notices (person_id, store_id, kind, json, created_at) \
                         SELECT v.person_id, ?2, ?3, ?4, ?5 FROM demand_votes v WHERE v.demand_id = ?1 \
                         AND EXISTS (SELECT 1 FROM demands WHERE id = ?1 AND status = ?6 AND updated_at = ?5)",
                    )
                    .bind(&[
                        id.as_str().into(),
                        store.as_str().into(),
                        notice.kind().as_str().into(),
                        serde_json::to_string(&notice)?.into(),
                        at.as_str().into(),
                        demand.status.as_str().into(),
                    ])?,
            );
        }
        let results = self.db.batch(statements).await?;
        if results.first().map_or(0, changes) == 0 {
            // Someone answered it first: say what it is now.
            let now_status = self.card(id, &me.person_id).await?.demand.status;
            return Err(DemandError::InvalidTransition { from: now_status, to: change.status() }.into());
        }
        self.card(id, &me.person_id).await
    }
}
