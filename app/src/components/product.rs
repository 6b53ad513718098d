//! Product pieces: the card in the shop grid and the stock badge.

use crate::{
    components::{
        cart::{AddLook, AddToCart},
        photo,
    },
    i18n::{use_i18n, I18n},
};
use leptos::prelude::*;
use shared_model::{
    catalog::{ProductSummary, StockState},
    markdown::MarkdownTag,
    Fen,
};

/// "有货" / "仅剩 3 件" / "已售罄".
pub fn stock_label(t: I18n, state: StockState, available: u32) -> String {
    match state {
        StockState::InStock => t.in_stock().to_string(),
        StockState::Low => format!("{} {available} {}", t.low_stock(), t.units_left()),
        StockState::SoldOut => t.sold_out().to_string(),
    }
}

#[component]
pub fn StockBadge(state: StockState, available: u32) -> impl IntoView {
    let t = use_i18n();
    let class = match state {
        StockState::InStock => "badge badge-ok",
        StockState::Low => "badge badge-low",
        StockState::SoldOut => "badge badge-out",
    };
    view! { <span class=class data-testid="stock-badge">{stock_label(t, state, available)}</span> }
}

/// The price a resident pays; for a 临期特价 also the regular price struck through and the
/// label with its best-before date, so the discount never hides the date.
#[component]
pub fn ShelfPriceTag(price: Fen, markdown: Option<MarkdownTag>, #[prop(optional)] large: bool) -> impl IntoView {
    let t = use_i18n();
    view! {
        <span class="shelf-price">
            <span class="price" class:price-large=large class:price-markdown=markdown.is_some() data-testid="shelf-price">{price.to_string()}</span>
            {markdown.map(|m| view! {
                <s class="price-regular">{m.regular_price.to_string()}</s>
                <span class="badge badge-markdown" data-testid="markdown-label">{t.markdown_label(&m)}</span>
            })}
        </span>
    }
}

/// A product in the shop grid. A resident (`can_buy`) adds it with "+"; others get a
/// "join to buy" link instead. `first_row`: the grid's first row, when it is on screen as
/// the page opens: its photos load at once, first in line, the rest only as she scrolls.
#[component]
pub fn ProductCard(
    product: ProductSummary,
    can_buy: bool,
    #[prop(into)] join_href: String,
    #[prop(optional)] first_row: bool,
) -> impl IntoView {
    let t = use_i18n();
    let href = format!("/s/{}/p/{}", product.store_id, product.id);
    let sold_out = product.stock_state == StockState::SoldOut;
    let button = match can_buy {
        true => {
            view! { <AddToCart product=product.id.to_string() name=product.name.clone() sold_out look=AddLook::Plus/> }.into_any()
        }
        false => view! { <a class="btn btn-add" href=join_href aria-label=t.join_to_buy()>"+"</a> }.into_any(),
    };
    view! {
        <article class="product-card" class:sold-out=sold_out data-testid="product-card" data-product=product.id.to_string()>
            <a href=href.clone() class="product-image-link">
                <img class="product-image" src=product.image_url.clone() alt=product.name.clone() width="400" height="400"
                    loading=photo::loading(first_row) fetchpriority=photo::fetch_priority(first_row)/>
            </a>
            <div class="product-body">
                <a href=href class="product-name" data-testid="product-name">{product.name.clone()}</a>
                <p class="product-meta">{product.unit.clone()} " · " {product.origin.clone()}</p>
                {product.test_report.clone().map(|_| view! { <span class="badge badge-report">{t.test_report()}</span> })}
                {product.per_buyer_cap.map(|cap| view! { <span class="badge badge-cap">{format!("{} {cap}", t.cap())}</span> })}
                <div class="product-foot">
                    <ShelfPriceTag price=product.price markdown=product.markdown/>
                    <StockBadge state=product.stock_state available=product.available/>
                    {button}
                </div>
            </div>
        </article>
    }
}
