//! How an API problem is shown to a resident: a localized sentence, never raw server text.

use crate::{api::ApiError, i18n::use_i18n};
use leptos::prelude::*;

/// A red notice with the localized message for `error`.
#[component]
pub fn ProblemNotice(error: ApiError) -> impl IntoView {
    let t = use_i18n();
    let message = t.problem(&error);
    view! { <p class="notice notice-error" role="alert" data-code=error.code().to_string()>{message}</p> }
}

/// Shows an action's last error, if any.
#[component]
pub fn ActionProblem<T: Clone + Send + Sync + 'static>(result: Signal<Option<Result<T, ApiError>>>) -> impl IntoView {
    move || match result.get() {
        Some(Err(error)) => Some(view! { <ProblemNotice error/> }),
        _ => None,
    }
}
