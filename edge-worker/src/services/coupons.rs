//! Coupons (优惠券): a resident's own, the owner giving them out, and the two writes that
//! order capture and cancelling make to one. The rules are `shared_model::coupon`'s;
//! redeeming happens in the order's own batch (`storage::orders`).

use super::{brain::BrainService, identity::Shopper};
use crate::{
    error::{AppError, AppResult},
    http::random_id,
    storage::{nullable, number, stored, stored_time},
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared_model::{
    access::{authorize, Action},
    api::{CouponList, HeldCoupon, IssueCoupons, IssuedCoupons},
    brain::churning,
    coupon::{Coupon, CouponError, CouponKind, CouponTerms},
    identity::Me,
    time::local_date,
    CouponId, Fen, OrderId, PersonId, ProductId, StoreId,
};
use worker::{D1Database, D1PreparedStatement, Env};

/// Most residents one issue reaches.
pub const MAX_ISSUE: usize = 200;

pub struct CouponService {
    db: D1Database,
    /// Who is overdue: the rhythms the brain reads (one home for them).
    brain: BrainService,
}

#[derive(Deserialize)]
struct CouponRow {
    id: String,
    store_id: String,
    person_id: String,
    kind: String,
    amount_fen: i64,
    threshold_fen: i64,
    product_id: Option<String>,
    issued_at: String,
    expires_at: String,
    redeemed_by: Option<String>,
}

const COUPON_COLUMNS: &str =
    "id, store_id, person_id, kind, amount_fen, threshold_fen, product_id, issued_at, expires_at, redeemed_by";

impl CouponRow {
    fn into_coupon(self) -> AppResult<Coupon> {
        Ok(Coupon {
            id: CouponId::new_unchecked(self.id),
            store_id: StoreId::new_unchecked(self.store_id),
            holder: PersonId::new_unchecked(self.person_id),
            kind: stored("coupon kind", &self.kind, CouponKind::parse)?,
            amount: Fen::from_fen(self.amount_fen),
            threshold: Fen::from_fen(self.threshold_fen),
            product_id: self.product_id.map(ProductId::new_unchecked),
            issued_at: stored_time(&self.issued_at)?,
            expires_at: stored_time(&self.expires_at)?,
            redeemed_by: self.redeemed_by.map(OrderId::new_unchecked),
        })
    }
}

impl CouponService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, brain: BrainService::new(env)? })
    }

    /// The shopper's coupon `id` in her store; anyone else's is not found (`coupon` rule 3).
    pub async fn holder_coupon(db: &D1Database, shopper: &Shopper, id: &CouponId) -> AppResult<Coupon> {
        let row: Option<CouponRow> = db
            .prepare(format!("SELECT {COUPON_COLUMNS} FROM coupons WHERE id = ?1 AND person_id = ?2 AND store_id = ?3"))
            .bind(&[id.as_str().into(), shopper.person_id.as_str().into(), shopper.store_id.as_str().into()])?
            .first(None)
            .await?;
        row.ok_or(CouponError::CouponNotFound)?.into_coupon()
    }

    /// `holder`'s coupon `id`, whichever store.
    pub async fn holder_coupon_by_id(db: &D1Database, holder: &PersonId, id: &CouponId) -> AppResult<Coupon> {
        let row: Option<CouponRow> = db
            .prepare(format!("SELECT {COUPON_COLUMNS} FROM coupons WHERE id = ?1 AND person_id = ?2"))
            .bind(&[id.as_str().into(), holder.as_str().into()])?
            .first(None)
            .await?;
        row.ok_or(CouponError::CouponNotFound)?.into_coupon()
    }

    /// Makes `coupon` usable again, in the batch that cancels `order`, only once the
    /// order is cancelled (the caller has checked it has not expired: `Coupon::after_cancel`).
    pub fn give_back_statement(db: &D1Database, coupon: &CouponId, order: &OrderId) -> AppResult<D1PreparedStatement> {
        Ok(db
            .prepare(
                "UPDATE coupons SET redeemed_by = NULL WHERE id = ?1 AND redeemed_by = ?2 \
                 AND EXISTS (SELECT 1 FROM orders WHERE id = ?2 AND status = 'cancelled')",
            )
            .bind(&[coupon.as_str().into(), order.as_str().into()])?)
    }

    /// Her coupons in `store` as stored (any state), newest first, at most 100.
    pub async fn held(&self, person: &PersonId, store: &StoreId) -> AppResult<Vec<Coupon>> {
        let rows: Vec<CouponRow> = self
            .db
            .prepare(format!(
                "SELECT {COUPON_COLUMNS} FROM coupons WHERE person_id = ?1 AND store_id = ?2 ORDER BY issued_at DESC, id LIMIT 100"
            ))
            .bind(&[person.as_str().into(), store.as_str().into()])?
            .all()
            .await?
            .results()?;
        rows.into_iter().map(CouponRow::into_coupon).collect()
    }

    /// `GET /me/coupons`: hers, each with its state at `now`.
    pub async fn list(&self, me: &Me, now: DateTime<Utc>) -> AppResult<CouponList> {
        authorize(Some(me), Action::ShopAt(&me.store_id))?;
        let coupons = self.held(&me.person_id, &me.store_id).await?;
        Ok(CouponList { coupons: coupons.into_iter().map(|c| HeldCoupon { state: c.state(now), coupon: c }).collect() })
    }

    /// The owner gives each listed resident of `store` a coupon on `terms`. A person who
    /// is not a resident of this store is refused by name, and nothing is issued.
    pub async fn issue(
        &self,
        me: &Me,
        store: &StoreId,
        issue: &IssueCoupons,
        kind: CouponKind,
        now: DateTime<Utc>,
    ) -> AppResult<IssuedCoupons> {
        authorize(Some(me), Action::ManageStore(store))?;
        issue.terms.validate(kind)?;
        if issue.person_ids.is_empty() || issue.person_ids.len() > MAX_ISSUE {
            return Err(AppError::new(422, "invalid_coupon_recipients", "Give coupons to 1 to 200 residents at a time"));
        }
        let ids: Vec<String> = issue.person_ids.iter().map(|p| p.to_string()).collect();
        #[derive(Deserialize)]
        struct Row {
            id: String,
        }
        let residents: Vec<Row> = self
            .db
            .prepare(
                "SELECT p.id FROM json_each(?1) j JOIN people p ON p.id = j.value WHERE p.store_id = ?2 AND p.role = 'resident'",
            )
            .bind(&[serde_json::to_string(&ids)?.into(), store.as_str().into()])?
            .all()
            .await?
            .results()?;
        if let Some(stranger) = ids.iter().find(|id| !residents.iter().any(|r| &r.id == *id)) {
            return Err(AppError::new(422, "invalid_coupon_recipients", "Coupons go to this store's residents")
                .with_detail(stranger.clone()));
        }
        let mut coupons = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for person in issue.person_ids.iter().filter(|p| seen.insert(*p)) {
            let id = CouponId::new_unchecked(random_id("cp")?);
            coupons.push(Coupon::issue(id, store.clone(), person.clone(), kind, issue.terms.clone(), now)?);
        }
        let statements = coupons.iter().map(|c| self.insert_statement(c)).collect::<AppResult<Vec<_>>>()?;
        self.db.batch(statements).await?;
        Ok(IssuedCoupons { coupons })
    }

    fn insert_statement(&self, c: &Coupon) -> AppResult<D1PreparedStatement> {
        Self::insert_statement_unless(&self.db, c, None)
    }

    /// Writes `c`; with `unless_sent_since`, only if no coupon of its kind for the same
    /// holder and product was issued from that instant on (the browse follow-up's once a week).
    pub fn insert_statement_unless(
        db: &D1Database,
        c: &Coupon,
        unless_sent_since: Option<&str>,
    ) -> AppResult<D1PreparedStatement> {
        Ok(db
            .prepare(
                "INSERT INTO coupons (id, store_id, person_id, kind, amount_fen, threshold_fen, product_id, issued_at, expires_at) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE ?10 IS NULL OR NOT EXISTS (SELECT 1 FROM coupons \
                 WHERE person_id = ?3 AND kind = ?4 AND product_id IS ?7 AND issued_at >= ?10)",
            )
            .bind(&[
                c.id.as_str().into(),
                c.store_id.as_str().into(),
                c.holder.as_str().into(),
                c.kind.as_str().into(),
                number(c.amount.fen()),
                number(c.threshold.fen()),
                nullable(c.product_id.as_ref().map(ProductId::as_str)),
                c.issued_at.to_rfc3339().into(),
                c.expires_at.to_rfc3339().into(),
                nullable(unless_sent_since),
            ])?)
    }

    /// 发券: a 回归券 on `terms` to every resident of `store` past her usual interval
    /// (`brain::churning`, which also leaves out whoever had one in the last 30 days).
    pub async fn issue_returning(
        &self,
        me: &Me,
        store: &StoreId,
        terms: &CouponTerms,
        now: DateTime<Utc>,
    ) -> AppResult<IssuedCoupons> {
        authorize(Some(me), Action::ManageStore(store))?;
        terms.validate(CouponKind::Returning)?;
        let rhythms = self.brain.gather(store, now).await?.rhythms;
        let people: Vec<PersonId> = churning(&rhythms, local_date(now)).into_iter().map(|r| r.person).collect();
        if people.is_empty() {
            return Ok(IssuedCoupons { coupons: Vec::new() });
        }
        let mut issued = Vec::new();
        for chunk in people.chunks(MAX_ISSUE) {
            let issue = IssueCoupons { person_ids: chunk.to_vec(), terms: terms.clone() };
            issued.extend(self.issue(me, store, &issue, CouponKind::Returning, now).await?.coupons);
        }
        Ok(IssuedCoupons { coupons: issued })
    }
}
