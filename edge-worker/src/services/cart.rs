//! Carts are kept server-side per resident (D1), so they follow the resident across
//! reloads and devices. Totals and availability come from shared-model's `price_cart`.

use super::catalog::{CatalogService, ProductRow};
use crate::{error::AppResult, http::now};
use serde::Deserialize;
use shared_model::{
    cart::{price_cart, CartError, CartLine, CartSummary, MAX_CART_LINES},
    PersonId, ProductId, StoreId,
};
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

    /// Sets a line's quantity (adding the product if new). The product must be sold here.
    pub async fn set_quantity(&self, person: &PersonId, product: &ProductRow, quantity: u32) -> AppResult<()> {
        let lines = self.lines(person).await?;
        let id = product.product_id();
        let is_new = !lines.iter().any(|l| l.product_id == id);
        if is_new && lines.len() >= MAX_CART_LINES {
            return Err(CartError::CartFull.into());
        }
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
        let pricing: Vec<_> = catalog.products(store, &ids).await?.iter().map(ProductRow::pricing).collect();
        Ok(price_cart(&lines, &pricing))
    }
}
