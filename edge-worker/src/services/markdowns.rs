//! 临期特价: the owner's board of near-expiry batches with their plans, and applying a
//! markdown. The rules are `shared_model::markdown`'s. Applying writes the markdown onto
//! the store's product row; order capture charges `shelf_price` and its write requires
//! the markdown it priced with to be the current one, so an order placed after the
//! markdown pays the new price and one placed before pays the old.

use super::catalog::{CatalogService, ProductRow};
use crate::{
    error::{AppError, AppResult},
    storage::{changes, number},
};
use chrono::{DateTime, Duration, Utc};
use shared_model::{
    access::{authorize, Action},
    api::{ApplyMarkdown, MarkdownBoard, MarkdownFloor, MarkdownItem},
    catalog::ProductSummary,
    identity::Me,
    markdown::{apply_markdown, check_floor, plan_markdown, Markdown, NEAR_EXPIRY_DAYS},
    time::local_date,
    Fen, ProductId, StoreId,
};
use wasm_bindgen::JsValue;
use worker::{D1Database, Env};

pub struct MarkdownService {
    db: D1Database,
    catalog: CatalogService,
}

impl MarkdownService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, catalog: CatalogService::new(env)? })
    }

    /// The store's on-sale batches within [`NEAR_EXPIRY_DAYS`] selling days, soonest
    /// first, each with its plan and the markdown on it (owner only).
    pub async fn board(&self, me: &Me, store: &StoreId, now: DateTime<Utc>) -> AppResult<MarkdownBoard> {
        authorize(Some(me), Action::ManageStore(store))?;
        let today = local_date(now);
        let sold = self.catalog.sold_recently(store, now).await?;
        let mut items = Vec::new();
        let last_day = today + Duration::days(NEAR_EXPIRY_DAYS);
        for row in self.catalog.best_before_by(store, last_day).await? {
            let batch = row.batch_facts(&sold)?;
            if !(1..=NEAR_EXPIRY_DAYS).contains(&batch.selling_days(today)) {
                continue;
            }
            let applied = row.current_markdown()?;
            items.push(MarkdownItem { product: row.summary()?, plan: plan_markdown(&batch, today), applied });
        }
        items.sort_by(|a, b| a.plan.selling_days.cmp(&b.plan.selling_days).then_with(|| a.product.id.cmp(&b.product.id)));
        Ok(MarkdownBoard { today, items })
    }

    /// Marks the product's current batch down at `apply.rate` from `now` (owner only).
    /// Applying again replaces the markdown; the write requires the batch it was planned
    /// for to still be the one on the shelf.
    pub async fn apply(&self, me: &Me, store: &StoreId, apply: &ApplyMarkdown, now: DateTime<Utc>) -> AppResult<ProductSummary> {
        authorize(Some(me), Action::ManageStore(store))?;
        let row = self.product(store, &apply.product_id).await?;
        let sold = self.catalog.sold_recently(store, now).await?;
        let batch = row.batch_facts(&sold)?;
        let markdown: Markdown = apply_markdown(&batch, apply.rate, local_date(now), now)?;
        let written = self
            .db
            .prepare(
                "UPDATE store_products SET markdown_rate = ?1, markdown_price_fen = ?2, markdown_best_before = ?3, \
                 markdown_applied_at = ?4 WHERE store_id = ?5 AND product_id = ?6 AND best_before = ?3 AND on_sale = 1",
            )
            .bind(&[
                u8::from(markdown.rate).into(),
                number(markdown.price.fen()),
                row.best_before_text().into(),
                markdown.applied_at.to_rfc3339().into(),
                store.as_str().into(),
                apply.product_id.as_str().into(),
            ])?
            .run()
            .await?;
        if changes(&written) == 0 {
            return Err(AppError::new(409, "batch_changed", "The batch on the shelf changed; look at the board again"));
        }
        self.product(store, &apply.product_id).await?.summary()
    }

    /// Sets (or, with `None`, takes away) the lowest price a markdown may set for the
    /// product (owner only). Markdowns already applied stand; later plans obey it.
    pub async fn set_floor(&self, me: &Me, store: &StoreId, product: &ProductId, floor: Option<Fen>) -> AppResult<MarkdownFloor> {
        authorize(Some(me), Action::ManageStore(store))?;
        let row = self.product(store, product).await?;
        if let Some(floor) = floor {
            check_floor(floor, row.price())?;
        }
        self.db
            .prepare("UPDATE store_products SET floor_price_fen = ?1 WHERE store_id = ?2 AND product_id = ?3")
            .bind(&[floor.map_or(JsValue::NULL, |f| number(f.fen())), store.as_str().into(), product.as_str().into()])?
            .run()
            .await?;
        Ok(MarkdownFloor { floor })
    }

    async fn product(&self, store: &StoreId, product: &ProductId) -> AppResult<ProductRow> {
        self.catalog
            .product(store, product)
            .await?
            .filter(ProductRow::on_sale)
            .ok_or_else(|| AppError::not_found("product_not_found"))
    }
}
