//! Carts are kept server-side per resident (D1), so they follow the resident across
//! reloads and devices. Totals and availability come from shared-model's `price_cart`;
//! raising a line past the per-buyer cap is refused here with `check_cart_quantity`, both
//! counting what the resident already ordered for the pickup day an order placed now
//! would have (the window the stock keeper counts the cap in).

use super::catalog::{CatalogService, ProductRow};
use crate::{error::AppResult, http::now, storage::DATE_FORMAT};
use chrono::NaiveDate;
use serde::Deserialize;
use shared_model::{
    cart::{check_cart_quantity, price_cart, CartError, CartLine, CartSummary, MAX_CART_LINES},
    order::OrderStatus,
    time::pickup_date_for,
    PersonId, ProductId, StoreId,
};
use std::collections::BTreeMap;
use worker::{D1Database, Env};

pub struct CartService {
    db: D1Database,
}

#[derive(Deserialize)]
struct CartRow {
    product_id: String,
    quantity: u32,
}

impl CartService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")? })
    }

    pub async fn lines(&self, person: &PersonId) -> AppResult<Vec<CartLine>> {
        let rows: Vec<CartRow> = self
            .db
            .prepare("SELECT product_id, quantity FROM cart_items WHERE person_id = ?1 ORDER BY added_at, product_id")
            .bind(&[person.as_str().into()])?
            .all()
            .await?
            .results()?;
        Ok(rows
            .into_iter()
            .map(|r| CartLine { product_id: ProductId::new_unchecked(r.product_id), quantity: r.quantity })
            .collect())
    }

    /// Units of each product the person holds in shop orders for `pickup_date` that are
    /// not cancelled: what the per-buyer cap already counts. Live orders are the room's
    /// and count against their offer's cap instead.
    pub async fn ordered(&self, person: &PersonId, pickup_date: NaiveDate) -> AppResult<BTreeMap<ProductId, u32>> {
        #[derive(Deserialize)]
        struct Row {
            product_id: String,
            quantity: u32,
        }
        let rows: Vec<Row> = self
            .db
            .prepare(
                "SELECT l.product_id, SUM(l.quantity) AS quantity FROM orders o JOIN order_lines l ON l.order_id = o.id \
                 WHERE o.person_id = ?1 AND o.pickup_date = ?2 AND o.status != ?3 \
                 AND NOT EXISTS (SELECT 1 FROM live_orders lo WHERE lo.order_id = o.id) GROUP BY l.product_id",
            )
            .bind(&[
                person.as_str().into(),
                pickup_date.format(DATE_FORMAT).to_string().into(),
                OrderStatus::Cancelled.as_str().into(),
            ])?
            .all()
            .await?
            .results()?;
        Ok(rows.into_iter().map(|r| (ProductId::new_unchecked(r.product_id), r.quantity)).collect())
    }

    /// Sets a line's quantity (adding the product if new). The product must be sold here;
    /// raising it past the per-buyer cap is refused (`cart::check_cart_quantity`).
    pub async fn set_quantity(&self, person: &PersonId, product: &ProductRow, quantity: u32) -> AppResult<()> {
        let lines = self.lines(person).await?;
        let id = product.product_id();
        let current = lines.iter().find(|l| l.product_id == id).map(|l| l.quantity);
        if current.is_none() && lines.len() >= MAX_CART_LINES {
            return Err(CartError::CartFull.into());
        }
        let already = self.ordered(person, pickup_date_for(now())).await?.get(&id).copied().unwrap_or(0);
        check_cart_quantity(product.per_buyer_cap(), current.unwrap_or(0), quantity, already)?;
        self.db
            .prepare(
                "INSERT INTO cart_items (person_id, product_id, quantity, added_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (person_id, product_id) DO UPDATE SET quantity = excluded.quantity",
            )
            .bind(&[person.as_str().into(), id.as_str().into(), quantity.into(), now().to_rfc3339().into()])?
            .run()
            .await?;
        Ok(())
    }

    pub async fn remove(&self, person: &PersonId, product: &ProductId) -> AppResult<()> {
        self.db
            .prepare("DELETE FROM cart_items WHERE person_id = ?1 AND product_id = ?2")
            .bind(&[person.as_str().into(), product.as_str().into()])?
            .run()
            .await?;
        Ok(())
    }

    /// Prices the cart against the store's current prices and stock.
    pub async fn summary(&self, catalog: &CatalogService, store: &StoreId, person: &PersonId) -> AppResult<CartSummary> {
        let lines = self.lines(person).await?;
        let ids: Vec<ProductId> = lines.iter().map(|l| l.product_id.clone()).collect();
        let pricing = catalog.products(store, &ids).await?.iter().map(ProductRow::pricing).collect::<AppResult<Vec<_>>>()?;
        let ordered = self.ordered(person, pickup_date_for(now())).await?;
        Ok(price_cart(&lines, &pricing, &ordered))
    }
}
