//! What islands need in place of the router and the app's contexts. An island is hydrated
//! as a root of its own: it sees no context provided by the page around it, and in an
//! islands bundle no router runs in the browser.

use leptos::prelude::*;

/// The path of the page in the browser's address (no query).
#[cfg(feature = "hydrate")]
pub fn current_path() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default()
}

/// The page's path: the router's where one runs (on the server, and in a whole-page
/// bundle, where it follows navigation), else the browser's address.
pub fn use_path() -> Signal<String> {
    #[cfg(all(feature = "hydrate", not(feature = "owner")))]
    {
        Signal::stored(current_path())
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "owner"))))]
    {
        leptos_router::hooks::use_location().pathname.into()
    }
}

/// The document's one value of type `$ty`, made by `$make` on first use (see
/// [`in_page_root`]); on the server, where nothing is shared between requests' islands, a
/// fresh one each call.
macro_rules! page_wide {
    ($ty:ty, $make:expr) => {{
        #[cfg(feature = "hydrate")]
        {
            thread_local!(static PAGE_WIDE: $ty = $crate::browser::in_page_root($make));
            PAGE_WIDE.with(|value| *value)
        }
        #[cfg(not(feature = "hydrate"))]
        ($make)()
    }};
}
pub(crate) use page_wide;

/// Makes state shared by every island and page of the document (the toast, the notice
/// inbox, the cart bar's cart): `make` runs under a reactive owner of its own that is never
/// disposed, so the signals it creates outlive the island or page that first asked for
/// them. The asking owner stays current afterwards.
#[cfg(feature = "hydrate")]
pub fn in_page_root<T>(make: impl FnOnce() -> T) -> T {
    let asking = Owner::current();
    // A new root makes itself the current owner: put the asking one back.
    let root = Owner::new_root(None);
    let value = root.with(make);
    match asking {
        Some(owner) => owner.set(),
        None => root.clone().unset(),
    }
    std::mem::forget(root);
    value
}

/// Opens the page at `path` (an island has no router to navigate with); nothing on the
/// server.
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}
