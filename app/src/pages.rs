//! One page per file. Pages read with `Resource` + `Suspense` and write with actions.

pub mod cart;
pub mod join;
pub mod live;
pub mod not_found;
pub mod order;
pub mod orders;
pub mod owner;
pub mod owner_live;
pub mod owner_live_console;
pub mod product;
pub mod shop;
pub mod stores;

use crate::api::{self, ApiResult};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared_model::identity::{Me, Role};

/// A path parameter of the current route, e.g. `:store`.
pub fn use_param(name: &'static str) -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get(name).unwrap_or_default())
}

/// The signed-in person (`None` for a visitor), loaded with the page.
pub fn use_me() -> Resource<ApiResult<Option<Me>>> {
    Resource::new(|| (), |_| api::get_me())
}

/// Whether `me` is a resident of `store` (and so can keep a cart and order here).
pub fn is_resident_of(me: &Option<Me>, store: &str) -> bool {
    me.as_ref().is_some_and(|m| m.role == Role::Resident && m.store_id.as_str() == store)
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
