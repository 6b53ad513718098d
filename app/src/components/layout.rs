//! The page frame: top bar with the store name and language switch, bottom navigation.

use crate::i18n::use_i18n;
use leptos::prelude::*;

/// Top bar. `title` is the store or page name; `back` an optional link target.
#[component]
pub fn TopBar(#[prop(into)] title: String, #[prop(optional, into)] back: Option<String>) -> impl IntoView {
    let t = use_i18n();
    let other = t.0.other();
    let switch =
        format!("document.cookie='lang={}; path=/; max-age=31536000; samesite=lax'; location.reload();", other.html_lang());
    view! {
        <header class="topbar">
            {back.map(|href| view! { <a class="topbar-back" href=href aria-label="back">"‹"</a> })}
            <h1 class="topbar-title">{title}</h1>
            <button class="lang-switch" type="button" onclick=switch>{t.switch_language()}</button>
        </header>
    }
}

const ICON_SHOP: &str = "M3 10.5 12 3l9 7.5V21h-6v-6H9v6H3z";
const ICON_CART: &str = "M3 4h2l2.2 10.2A2 2 0 0 0 9.2 16H18l2-8H6.2M9 20.5a1.5 1.5 0 1 0 0-.01M17 20.5a1.5 1.5 0 1 0 0-.01";
const ICON_ORDERS: &str = "M6 3h12v18H6zM9 8h6M9 12h6M9 16h4";

/// Bottom navigation inside a store: shop, cart, orders.
#[component]
pub fn BottomNav(#[prop(into)] store: String, #[prop(into)] active: &'static str) -> impl IntoView {
    let t = use_i18n();
    let item = move |key: &'static str, href: String, label: &'static str, icon: &'static str| {
        let class = if key == active { "nav-item active" } else { "nav-item" };
        view! {
            <a class=class href=href data-testid=format!("nav-{key}")>
                <svg class="nav-icon" viewBox="0 0 24 24" aria-hidden="true"><path d=icon/></svg>
                <span>{label}</span>
            </a>
        }
    };
    view! {
        <nav class="bottom-nav">
            {item("shop", format!("/s/{store}"), t.shop(), ICON_SHOP)}
            {item("cart", format!("/s/{store}/cart"), t.cart(), ICON_CART)}
            {item("orders", format!("/s/{store}/orders"), t.orders(), ICON_ORDERS)}
        </nav>
    }
}
