//! Linli's Leptos front end. The edge worker renders these pages on the server (feature
//! `ssr`), the browser hydrates them (feature `hydrate`). Pages live in `pages/`, reusable
//! pieces in `components/`, every call to the JSON API in `api`.

pub mod api;
pub mod components;
pub mod i18n;
#[cfg(feature = "hydrate")]
pub mod live_socket;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Outlet, ParentRoute, Route, Router, Routes},
    path,
};

/// The brand green of the browser's bar: `--green` in public/app.css and the manifest's
/// `theme_color`.
pub const THEME_COLOR: &str = "#178048";

/// Where the browser bundle lives under `public/` (built by `scripts/build`).
pub const PKG_DIR: &str = "/pkg";
/// Base name of the wasm-bindgen output of the residents' hydration bundle.
pub const BUNDLE_NAME: &str = "linli_app";
/// Base name of the owner's bundle: the same app with the console (feature `owner`).
pub const OWNER_BUNDLE_NAME: &str = "linli_owner";
/// Where the owner's console lives: its pages load the owner's bundle.
pub const OWNER_PATH: &str = "/owner";

/// The bundle that hydrates the page at `path`: the owner's for the console, else the
/// residents' (which leaves the console out, so every resident page loads less).
pub fn bundle_for(path: &str) -> &'static str {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let console = path.strip_prefix(OWNER_PATH).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if console {
        OWNER_BUNDLE_NAME
    } else {
        BUNDLE_NAME
    }
}

/// The whole HTML document for the page at `path`. Rendered only on the server; the
/// browser hydrates `<body>`. `nonce` is the page's script nonce (its CSP runs no other
/// inline script).
pub fn shell(asset_version: String, path: &str, nonce: String) -> impl IntoView {
    let locale = i18n::use_locale();
    let t = i18n::use_i18n();
    let bundle = bundle_for(path);
    let boot = format!(
        "import init, {{ hydrate }} from '{PKG_DIR}/{bundle}.js?v={asset_version}';\
         init({{ module_or_path: '{PKG_DIR}/{bundle}_bg.wasm?v={asset_version}' }}).then(() => hydrate());"
    );
    view! {
        <!DOCTYPE html>
        <html lang=locale.html_lang()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content=THEME_COLOR/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // Installable: the manifest, and page.js registers the service worker (public/sw.js).
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <link rel="stylesheet" href=format!("/app.css?v={asset_version}")/>
                <link rel="modulepreload" href=format!("{PKG_DIR}/{bundle}.js?v={asset_version}")/>
                <script type="module" nonce=nonce>{boot}</script>
                // What must work before the wasm has loaded: review photos, the language
                // switch, printing (a few lines of JS, not in the wasm).
                <script src=format!("/page.js?v={asset_version}") defer></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
                // After the app, so hydration (which walks <body> from its first child) never
                // meets it; app.css moves it to the top when scripting is off.
                <noscript>
                    <p class="noscript-note">{t.noscript_note()}</p>
                </noscript>
            </body>
        </html>
    }
}

/// The HTTP status of the page being rendered on the server (404 for unknown stores or
/// products), read by the worker after rendering. In the browser it is never provided.
#[derive(Clone, Debug)]
pub struct PageStatus(std::sync::Arc<std::sync::atomic::AtomicU16>);

impl Default for PageStatus {
    fn default() -> Self {
        Self(std::sync::Arc::new(std::sync::atomic::AtomicU16::new(200)))
    }
}

impl PageStatus {
    pub fn get(&self) -> u16 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Marks the page being server-rendered with an HTTP status (no-op in the browser).
pub fn set_page_status(status: u16) {
    if let Some(page) = use_context::<PageStatus>() {
        page.0.store(status, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The site's origin (`https://host`), for absolute links in share metadata.
#[derive(Clone, Debug, Default)]
pub struct SiteOrigin(pub String);

/// The application: router and the pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    i18n::provide_locale_context();
    components::hydration::provide_hydration_context();
    components::problem::provide_toast();
    components::layout::provide_notice_inbox();
    #[cfg(feature = "hydrate")]
    if use_context::<SiteOrigin>().is_none() {
        let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
        provide_context(SiteOrigin(origin));
    }
    let t = i18n::use_i18n();
    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() { t.brand().to_string() } else { format!("{page} · {}", t.brand()) }
        }/>
        <Router>
            <Routes fallback=|| view! { <pages::not_found::NotFound/> }>
                <Route path=path!("/") view=pages::stores::StoresPage/>
                <Route path=path!("/s/:store") view=pages::shop::ShopPage/>
                <Route path=path!("/s/:store/p/:product") view=pages::product::ProductPage/>
                <Route path=path!("/s/:store/join") view=pages::join::JoinPage/>
                <Route path=path!("/s/:store/cart") view=pages::cart::CartPage/>
                <Route path=path!("/s/:store/orders") view=pages::orders::OrdersPage/>
                <Route path=path!("/s/:store/orders/:order") view=pages::order::OrderPage/>
                <Route path=path!("/s/:store/orders/:order/review/:product") view=pages::review_form::ReviewFormPage/>
                <Route path=path!("/s/:store/me/reviews") view=pages::my_reviews::MyReviewsPage/>
                <Route path=path!("/s/:store/wishes") view=pages::wishes::WishesPage/>
                <Route path=path!("/s/:store/tastings") view=pages::tastings::TastingsPage/>
                <Route path=path!("/s/:store/tastings/:tasting") view=pages::tastings::TastingPage/>
                <Route path=path!("/s/:store/me/notices") view=pages::notices::NoticesPage/>
                <OwnerRoutes/>
                <Route path=path!("/l/:live") view=pages::live::LivePage/>
            </Routes>
        </Router>
        <components::problem::ProblemToast/>
    }
}

/// The owner's console under [`OWNER_PATH`].
#[cfg(feature = "owner")]
#[component(transparent)]
fn OwnerRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("/owner") view=Outlet>
            <Route path=path!("") view=pages::owner::OwnerPage/>
            <Route path=path!("/lives") view=pages::owner_live::OwnerLivesPage/>
            <Route path=path!("/lives/:live") view=pages::owner_live_console::OwnerLiveConsolePage/>
            <Route path=path!("/wishes") view=pages::owner_wishes::OwnerWishesPage/>
            <Route path=path!("/tastings") view=pages::owner_tastings::OwnerTastingsPage/>
            <Route path=path!("/tastings/:tasting") view=pages::owner_tastings::OwnerTastingPage/>
            <Route path=path!("/poster") view=pages::owner_poster::OwnerPosterPage/>
            <Route path=path!("/reviews") view=pages::owner_reviews::OwnerReviewsPage/>
        </ParentRoute>
    }
    .into_inner()
}

/// In the residents' bundle the console is elsewhere: a link that reaches it inside the
/// app loads the page from the server, with the owner's bundle.
#[cfg(not(feature = "owner"))]
#[component(transparent)]
fn OwnerRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("/owner") view=Outlet>
            <Route path=path!("") view=ConsoleElsewhere/>
            <Route path=path!("/*any") view=ConsoleElsewhere/>
        </ParentRoute>
    }
    .into_inner()
}

#[cfg(not(feature = "owner"))]
#[component]
fn ConsoleElsewhere() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    view! { <p class="loading">{i18n::use_i18n().loading()}</p> }
}

/// Browser entry point, called by the boot script in [`shell`].
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_console_and_only_the_console_loads_the_owners_bundle() {
        for path in ["/owner", "/owner/", "/owner/tastings/t-1", "/owner?lang=en", "/owner#top"] {
            assert_eq!(bundle_for(path), OWNER_BUNDLE_NAME, "{path}");
        }
        for path in ["/", "/s/st-gubei", "/owners", "/s/st-gubei/owner", "/l/live-1?owner=1"] {
            assert_eq!(bundle_for(path), BUNDLE_NAME, "{path}");
        }
    }
}
