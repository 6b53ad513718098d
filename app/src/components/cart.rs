//! Adding to the cart from the shop, a product page or 为你推荐, and the cart bar that
//! shows what the cart holds. Both are islands on the shop's pages; they meet through the
//! page's last confirmed cart ([`use_last_cart`]).

use crate::{
    api,
    components::{hydration::use_hydrated, problem::ActionProblem},
    i18n::use_i18n,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared_model::locale::Noun;

/// The last cart the server confirmed on this page (`None` until an add succeeds): the cart
/// bar shows it. A failed tap (offline, over the cap) leaves it as it was.
fn use_last_cart() -> RwSignal<Option<api::IslandCart>> {
    crate::browser::page_wide!(RwSignal<Option<api::IslandCart>>, || RwSignal::new(None))
}

/// How an add button looks: the round "+" of a card (named for screen readers), or the
/// product page's wide button that says what happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddLook {
    Plus,
    Wide,
}

/// Adds one more of `product` to the cart (one more than the cart holds). Disabled until
/// hydrated, and for a sold-out product. A failure goes to the toast: the button may sit
/// at the screen's bottom edge, or in a long list.
#[cfg_attr(not(any(feature = "ssr", feature = "shop")), component)]
#[cfg_attr(any(feature = "ssr", feature = "shop"), island)]
pub fn AddToCart(product: String, name: String, sold_out: bool, look: AddLook) -> impl IntoView {
    let t = use_i18n();
    let hydrated = use_hydrated();
    let last_cart = use_last_cart();
    let add = Action::new(|product: &String| api::add_one_to_cart(product.clone()));
    Effect::new(move |_| {
        if let Some(Ok(view)) = add.value().get() {
            last_cart.set(Some(view.cart));
        }
    });
    let disabled = move || sold_out || !hydrated.get();
    let on_click = move |_| {
        add.dispatch(product.clone());
    };
    let button = match look {
        AddLook::Plus => view! {
            <button class="btn btn-add" type="button" disabled=disabled aria-label=format!("{} {}", t.add_to_cart(), name)
                data-testid="add-to-cart" on:click=on_click>
                "+"
            </button>
        }
        .into_any(),
        AddLook::Wide => view! {
            <button class="btn btn-primary btn-block" type="button" disabled=disabled data-testid="add-to-cart" on:click=on_click>
                {move || if add.value().get().is_some_and(|r| r.is_ok()) { t.added() } else if sold_out { t.sold_out() } else { t.add_to_cart() }}
            </button>
        }
        .into_any(),
    };
    view! {
        {button}
        <ActionProblem result=add.value().into() toast=true/>
    }
}

/// The bar above the bottom navigation: "购物车 · 3 件 ¥45.80", a link to the cart, shown
/// while the cart holds something. `first` is the cart as the page was rendered with.
#[cfg_attr(not(any(feature = "ssr", feature = "shop")), component)]
#[cfg_attr(any(feature = "ssr", feature = "shop"), island)]
pub fn CartBar(store: String, first: Option<api::IslandCart>) -> impl IntoView {
    let t = use_i18n();
    let last_cart = use_last_cart();
    move || {
        last_cart.get().or_else(|| first.clone()).filter(|c| c.item_count > 0).map(|c| {
            view! {
                <a class="cart-bar" href=format!("/s/{store}/cart") data-testid="cart-bar">
                    <span>{t.cart()} " · " {t.count(c.item_count, Noun::Item)}</span>
                    <strong>{c.total.to_string()}</strong>
                </a>
            }
        })
    }
}
