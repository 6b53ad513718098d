//! How an API problem is shown: a localized sentence (shared-model's tables, with the
//! problem's numbers), never raw server text. One home for every message on screen:
//!
//! - [`ProblemNotice`]: a red notice in place, for a form whose button is right above it.
//! - [`ProblemToast`]: the app's one toast, near the bottom of the screen where the finger
//!   is. A tap in a long list ([`ActionProblem`] with `toast`) reports there, and so does
//!   every connection problem (offline, no answer) wherever it happens: it stays until the
//!   network is back (the browser's `online` event) or the next call succeeds, and what
//!   was on screen stays as it was. Other toasts go after a few seconds.

use crate::{api::ApiError, i18n::use_i18n};
use leptos::prelude::*;

/// A red notice with the localized message for `error`.
#[component]
pub fn ProblemNotice(error: ApiError) -> impl IntoView {
    let t = use_i18n();
    let message = t.problem(&error);
    view! { <p class="notice notice-error" role="alert" data-code=error.code().to_string()>{message}</p> }
}

/// How long a toast that is not about the connection stays up.
#[cfg(feature = "hydrate")]
const TOAST_MS: u64 = 4000;

/// The toast's state: one for the page ([`use_toast`]), which [`ProblemToast`] shows.
#[derive(Debug, Clone, Copy)]
pub struct Toast {
    shown: RwSignal<Option<(u64, ApiError)>>,
    next_id: StoredValue<u64>,
}

/// The page's toast: in the browser one for the whole document, shared by its islands and
/// pages; on the server a detached one (nothing is shown while rendering).
pub fn use_toast() -> Toast {
    crate::browser::page_wide!(Toast, Toast::new)
}

impl Toast {
    fn new() -> Self {
        Self { shown: RwSignal::new(None), next_id: StoredValue::new(0) }
    }

    /// Shows `error`, replacing whatever the toast said.
    pub fn show(self, error: ApiError) {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        let lasting = error.is_connection();
        self.shown.set(Some((id, error)));
        #[cfg(feature = "hydrate")]
        if !lasting {
            set_timeout(
                move || {
                    if self.shown.with_untracked(|s| s.as_ref().is_some_and(|(shown, _)| *shown == id)) {
                        self.shown.set(None);
                    }
                },
                std::time::Duration::from_millis(TOAST_MS),
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = lasting;
    }

    /// The connection is fine again: a connection problem goes away (others stay their time).
    pub fn connection_back(self) {
        if self.shown.with_untracked(|s| s.as_ref().is_some_and(|(_, e)| e.is_connection())) {
            self.shown.set(None);
        }
    }
}

/// The toast itself, rendered once at the end of the app. Listens for the browser's
/// `online` event to take a connection problem away. An island in every bundle but the
/// console's, which hydrates whole pages.
#[cfg_attr(feature = "owner", component)]
#[cfg_attr(not(feature = "owner"), island)]
pub fn ProblemToast() -> impl IntoView {
    let t = use_i18n();
    let toast = use_toast();
    #[cfg(feature = "hydrate")]
    {
        let online = window_event_listener_untyped("online", move |_| toast.connection_back());
        on_cleanup(move || online.remove());
    }
    move || {
        toast.shown.get().map(|(_, error)| {
            view! {
                <div class="toast" role="alert" data-testid="toast" data-code=error.code().to_string()>{t.problem(&error)}</div>
            }
        })
    }
}

/// Shows an action's last error: in place, or in the toast when `toast` is set (a tap far
/// from any room for a notice) and always for a connection problem. A success takes a
/// connection problem off the toast.
#[component]
pub fn ActionProblem<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, ApiError>>>,
    #[prop(optional)] toast: bool,
) -> impl IntoView {
    let shared = use_toast();
    Effect::new(move |_| {
        result.with(|r| match r {
            Some(Err(e)) if toast || e.is_connection() => shared.show(e.clone()),
            Some(Ok(_)) => shared.connection_back(),
            _ => {}
        })
    });
    move || match result.get() {
        Some(Err(error)) if !toast && !error.is_connection() => Some(view! { <ProblemNotice error/> }),
        _ => None,
    }
}
