//! One page per file. Pages read with `Resource` + `Suspense` and write with actions.

pub mod cart;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod hq;
pub mod join;
pub mod live;
pub mod my_reviews;
pub mod not_found;
pub mod notices;
pub mod order;
pub mod orders;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod owner;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod owner_brain;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod owner_live;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod owner_live_console;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod owner_numbers;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod owner_poster;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod owner_radar;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod owner_reviews;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod owner_stock;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod owner_supply;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod owner_tastings;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod owner_wishes;
pub mod product;
pub mod review_form;
pub mod shop;
pub mod stores;
pub mod tastings;
pub mod wishes;

use crate::api::{self, ApiResult};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared_model::{access, api::ReviewList, identity::Me, order::Order, StoreId};

/// A path parameter of the current route, e.g. `:store`.
pub fn use_param(name: &'static str) -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get(name).unwrap_or_default())
}

/// The signed-in person (`None` for a visitor), loaded with the page.
pub fn use_me() -> Resource<ApiResult<Option<Me>>> {
    Resource::new(|| (), |_| api::get_me())
}

/// An order and the resident's reviews (to tell which of its products she reviewed),
/// loaded together: one resource, shared by the order page and the review form, so the
/// browser bundle carries it once. Both calls start before either is awaited.
pub fn use_order_and_my_reviews(order: Memo<String>) -> Resource<(ApiResult<Order>, ApiResult<ReviewList>)> {
    Resource::new(
        move || order.get(),
        |id| {
            let (order, mine) = (api::get_order(&id), api::my_reviews());
            async move { (order.await, mine.await) }
        },
    )
}

/// Whether `me` may shop at `store` (keep a cart and order here): `access`'s rule.
pub fn may_shop_at(me: &Option<Me>, store: &str) -> bool {
    access::may(me.as_ref(), access::Action::ShopAt(&StoreId::new_unchecked(store.to_owned())))
}

/// A fresh random idempotency key for one checkout attempt.
pub fn new_idempotency_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        let mut bytes = [0u8; 16];
        if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
            let _ = crypto.get_random_values_with_u8_array(&mut bytes);
        }
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}
