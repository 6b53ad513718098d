//! What a store sells: products, categories, stock levels as shown, and search.
//!
//! Policy:
//! - Residents see a stock *state*, and "only a few left" below
//!   [`LOW_STOCK_THRESHOLD`] + 1 units; the exact count is also sent for the owner's view.
//! - Search is a substring match on the product name and origin (Chinese has no word
//!   breaks, so substring is the honest match), ASCII case-insensitive like SQLite's
//!   `LIKE`. The query is trimmed and at most [`MAX_SEARCH_CHARS`] characters; the server
//!   runs it as a `LIKE` pattern with wildcards escaped, the browser with
//!   [`matches_search`], and both agree.
//! - An owner sets stock on hand to 0..=[`MAX_STOCK`] and a per-buyer cap of 1..=99 or none.

use crate::{
    cart::MAX_LINE_QUANTITY,
    ids::{CategoryId, ProductId, StoreId},
    money::Fen,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// At or below this many units (and above zero) a product shows as [`StockState::Low`].
pub const LOW_STOCK_THRESHOLD: u32 = 5;

/// Longest search query, in characters (not bytes).
pub const MAX_SEARCH_CHARS: usize = 30;

/// Most units an owner can put on hand for one product.
pub const MAX_STOCK: u32 = 99_999;

/// How much of a product is left, as residents see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StockState {
    /// Plenty left.
    InStock,
    /// 1..=[`LOW_STOCK_THRESHOLD`] left: "only a few left" nudges residents to order.
    Low,
    /// Nothing left to reserve.
    SoldOut,
}

impl StockState {
    /// The state for `available` units (0 sold out, 1..=5 low, more in stock).
    pub fn from_available(available: u32) -> Self {
        match available {
            0 => StockState::SoldOut,
            1..=LOW_STOCK_THRESHOLD => StockState::Low,
            _ => StockState::InStock,
        }
    }

    /// Chinese badge text.
    pub fn label_zh(self) -> &'static str {
        match self {
            StockState::InStock => "有货",
            StockState::Low => "仅剩少量",
            StockState::SoldOut => "已售罄",
        }
    }

    /// English badge text.
    pub fn label_en(self) -> &'static str {
        match self {
            StockState::InStock => "In stock",
            StockState::Low => "Only a few left",
            StockState::SoldOut => "Sold out",
        }
    }
}

/// A product as listed by a store: enough for a product card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductSummary {
    /// The product's ID.
    pub id: ProductId,
    /// The store selling it (price and stock are per store).
    pub store_id: StoreId,
    /// Name, e.g. `本地小白菜`.
    pub name: String,
    /// Its category.
    pub category_id: CategoryId,
    /// Selling unit, e.g. `500g` or `份`.
    pub unit: String,
    /// Price per unit.
    pub price: Fen,
    /// Units left to order.
    pub available: u32,
    /// `available` as a state (see [`StockState::from_available`]).
    pub stock_state: StockState,
    /// Product photo.
    pub image_url: String,
    /// Where it comes from, e.g. `山东寿光`.
    pub origin: String,
    /// Best before date of the current batch.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub best_before: NaiveDate,
    /// Link or reference to a produce test report, when the supplier gave one.
    pub test_report: Option<String>,
    /// Most units one resident may hold in open orders, if limited.
    pub per_buyer_cap: Option<u32>,
    /// Present when `price` is a 临期特价 (`markdown::shelf_price`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markdown: Option<crate::markdown::MarkdownTag>,
}

/// A product's page: the summary plus the longer text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductDetail {
    /// The listing fields, flattened into the same JSON object.
    #[serde(flatten)]
    pub summary: ProductSummary,
    /// Longer description.
    pub description: String,
    /// Shelf life after pickup, in days.
    pub shelf_life_days: u32,
    /// Its buyers' stars in this store (`community::RatingSummary`).
    #[serde(default)]
    pub rating: crate::community::RatingSummary,
    /// What its buyers say, as neighbours see it: featured first
    /// (`community::sort_shown`), at most 100.
    #[serde(default)]
    pub reviews: Vec<crate::community::ShownReview>,
}

/// A product category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    /// The category's ID.
    pub id: CategoryId,
    /// Chinese name, e.g. `蔬菜`.
    pub name_zh: String,
    /// English name, e.g. `Vegetables`.
    pub name_en: String,
}

/// Query string of the product list: `?category=veg&q=白菜`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProductQuery {
    /// Only this category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryId>,
    /// Search words (normalize with [`normalize_search`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

/// Errors about the catalogue and the owner's edits to it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CatalogError {
    /// The search query is longer than [`MAX_SEARCH_CHARS`].
    #[error("the search query is longer than {MAX_SEARCH_CHARS} characters")]
    QueryTooLong,
    /// The category filter names no category.
    #[error("unknown category")]
    InvalidCategory,
    /// Stock on hand outside 0..=[`MAX_STOCK`].
    #[error("stock must be between 0 and {MAX_STOCK}")]
    InvalidStock,
    /// A per-buyer cap outside 1..=99.
    #[error("a per-buyer cap must be between 1 and {MAX_LINE_QUANTITY}")]
    InvalidCap,
    /// An owner edit that changes nothing.
    #[error("the update changes nothing")]
    EmptyUpdate,
}

impl CatalogError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            CatalogError::QueryTooLong => "query_too_long",
            CatalogError::InvalidCategory => "invalid_category",
            CatalogError::InvalidStock => "invalid_stock",
            CatalogError::InvalidCap => "invalid_cap",
            CatalogError::EmptyUpdate => "empty_update",
        }
    }

    /// All catalogue errors are validation errors (422).
    pub fn http_status(&self) -> u16 {
        422
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            CatalogError::QueryTooLong => Some("q"),
            CatalogError::InvalidCategory => Some("category"),
            CatalogError::InvalidStock => Some("stock"),
            CatalogError::InvalidCap => Some("per_buyer_cap"),
            CatalogError::EmptyUpdate => None,
        }
    }
}

crate::problem::impl_error_code!(CatalogError, field);

/// Normalizes a search query: trimmed; blank means no search (`None`); longer than
/// [`MAX_SEARCH_CHARS`] characters is refused.
pub fn normalize_search(q: &str) -> Result<Option<String>, CatalogError> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(None);
    }
    if q.chars().count() > MAX_SEARCH_CHARS {
        return Err(CatalogError::QueryTooLong);
    }
    Ok(Some(q.to_owned()))
}

/// A SQL `LIKE` pattern matching `normalized` anywhere: `%…%`, with `\`, `%` and `_`
/// escaped by a backslash. Use it with `LIKE ?1 ESCAPE '\'`.
pub fn like_pattern(normalized: &str) -> String {
    let mut pattern = String::with_capacity(normalized.len() + 2);
    pattern.push('%');
    for c in normalized.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Whether a product with this name and origin matches the search `q` (substring,
/// ASCII case-insensitive, `q` trimmed; a blank `q` matches everything). The browser's
/// twin of the server's `LIKE` query.
pub fn matches_search(name: &str, origin: &str, q: &str) -> bool {
    let q = q.trim().to_ascii_lowercase();
    q.is_empty() || name.to_ascii_lowercase().contains(&q) || origin.to_ascii_lowercase().contains(&q)
}

/// Checks an owner's new stock on hand.
pub fn validate_stock(stock: u32) -> Result<u32, CatalogError> {
    if stock > MAX_STOCK {
        return Err(CatalogError::InvalidStock);
    }
    Ok(stock)
}

/// Checks an owner's new per-buyer cap (`None` removes the cap).
pub fn validate_cap(cap: Option<u32>) -> Result<Option<u32>, CatalogError> {
    match cap {
        Some(c) if !(1..=MAX_LINE_QUANTITY).contains(&c) => Err(CatalogError::InvalidCap),
        other => Ok(other),
    }
}

/// Where a product's link-preview image lives: a PNG rendered from its SVG by
/// `scripts/gen-share-images.mjs` (chat apps do not preview SVG), 600×600.
pub fn share_image_path(product: &ProductId) -> String {
    format!("/images/share/{product}.png")
}

/// Pixel size of [`share_image_path`] images, for `og:image:width`/`height`.
pub const SHARE_IMAGE_PX: u32 = 600;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_state_thresholds() {
        assert_eq!(StockState::from_available(0), StockState::SoldOut);
        assert_eq!(StockState::from_available(1), StockState::Low);
        assert_eq!(StockState::from_available(LOW_STOCK_THRESHOLD), StockState::Low);
        assert_eq!(StockState::from_available(LOW_STOCK_THRESHOLD + 1), StockState::InStock);
        assert_eq!(StockState::from_available(u32::MAX), StockState::InStock);
        assert_eq!(serde_json::to_string(&StockState::SoldOut).unwrap(), "\"sold_out\"");
        assert_eq!(serde_json::to_string(&StockState::InStock).unwrap(), "\"in_stock\"");
        assert_eq!(StockState::Low.label_zh(), "仅剩少量");
    }

    #[test]
    fn normalize_search_trims_and_bounds() {
        assert_eq!(normalize_search("  白菜 "), Ok(Some("白菜".to_owned())));
        assert_eq!(normalize_search("   "), Ok(None));
        assert_eq!(normalize_search(""), Ok(None));
        // 30 Chinese characters (90 bytes) is fine; 31 is not.
        assert_eq!(normalize_search(&"菜".repeat(30)), Ok(Some("菜".repeat(30))));
        assert_eq!(normalize_search(&"菜".repeat(31)), Err(CatalogError::QueryTooLong));
        assert_eq!(normalize_search(&format!("  {}  ", "a".repeat(30))), Ok(Some("a".repeat(30))));
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("白菜"), "%白菜%");
        assert_eq!(like_pattern("100%"), "%100\\%%");
        assert_eq!(like_pattern("a_b"), "%a\\_b%");
        assert_eq!(like_pattern("c:\\x"), "%c:\\\\x%");
        assert_eq!(like_pattern(""), "%%");
    }

    #[test]
    fn matches_search_substring_and_ascii_case() {
        assert!(matches_search("本地小白菜", "浙江杭州", "白菜"));
        assert!(matches_search("本地小白菜", "浙江杭州", "杭州"));
        assert!(!matches_search("本地小白菜", "浙江杭州", "青菜"));
        assert!(matches_search("Fuji 苹果", "", "fuji"));
        assert!(matches_search("fuji 苹果", "", "FUJI"));
        assert!(matches_search("任何", "", "  "));
        assert!(matches_search("本地小白菜", "", " 白菜 "));
        // A literal % is not a wildcard here either.
        assert!(!matches_search("白菜", "", "%"));
    }

    #[test]
    fn owner_edit_bounds() {
        assert_eq!(validate_stock(0), Ok(0));
        assert_eq!(validate_stock(MAX_STOCK), Ok(MAX_STOCK));
        assert_eq!(validate_stock(MAX_STOCK + 1), Err(CatalogError::InvalidStock));
        assert_eq!(validate_cap(None), Ok(None));
        assert_eq!(validate_cap(Some(1)), Ok(Some(1)));
        assert_eq!(validate_cap(Some(99)), Ok(Some(99)));
        assert_eq!(validate_cap(Some(0)), Err(CatalogError::InvalidCap));
        assert_eq!(validate_cap(Some(100)), Err(CatalogError::InvalidCap));
    }

    #[test]
    fn detail_flattens_summary() {
        let summary = ProductSummary {
            id: ProductId::parse("p-baicai").unwrap(),
            store_id: StoreId::parse("s-1").unwrap(),
            name: "本地小白菜".into(),
            category_id: CategoryId::parse("veg").unwrap(),
            unit: "500g".into(),
            price: Fen::from_fen(350),
            available: 3,
            stock_state: StockState::Low,
            image_url: "/img/baicai.jpg".into(),
            origin: "浙江杭州".into(),
            best_before: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            test_report: None,
            per_buyer_cap: Some(2),
            markdown: None,
        };
        let detail = ProductDetail {
            summary,
            description: "当天采摘".into(),
            shelf_life_days: 3,
            rating: Default::default(),
            reviews: vec![],
        };
        let json = serde_json::to_value(&detail).unwrap();
        assert_eq!(json["name"], "本地小白菜");
        assert_eq!(json["price"], 350);
        assert_eq!(json["stock_state"], "low");
        assert_eq!(json["best_before"], "2026-11-28");
        assert_eq!(json["shelf_life_days"], 3);
        assert!(json.get("summary").is_none());
        assert_eq!(serde_json::from_value::<ProductDetail>(json).unwrap(), detail);
    }

    #[test]
    fn product_query_from_partial_json() {
        let q: ProductQuery = serde_json::from_str(r#"{"q":"白菜"}"#).unwrap();
        assert_eq!(q, ProductQuery { category: None, q: Some("白菜".into()) });
        assert_eq!(serde_json::from_str::<ProductQuery>("{}").unwrap(), ProductQuery::default());
    }

    #[test]
    fn share_images_are_pngs_named_by_product() {
        let id = ProductId::parse("p-apple-yantai").unwrap();
        assert_eq!(share_image_path(&id), "/images/share/p-apple-yantai.png");
    }
}
