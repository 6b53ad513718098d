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
    components::{Route, Router, Routes},
    path,
};

/// Where the browser bundle lives under `public/` (built by `scripts/build`).
pub const PKG_DIR: &str = "/pkg";
/// Base name of the wasm-bindgen output for the hydration bundle.
pub const BUNDLE_NAME: &str = "linli_app";

/// The whole HTML document. Rendered only on the server; the browser hydrates `<body>`.
pub fn shell(asset_version: String) -> impl IntoView {
    let locale = i18n::use_locale();
    let boot = format!(
        "import init, {{ hydrate }} from '{PKG_DIR}/{BUNDLE_NAME}.js?v={asset_version}';\
         init({{ module_or_path: '{PKG_DIR}/{BUNDLE_NAME}_bg.wasm?v={asset_version}' }}).then(() => hydrate());"
    );
    view! {
        <!DOCTYPE html>
        <html lang=locale.html_lang()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#1f9d55"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href=format!("/app.css?v={asset_version}")/>
                <link rel="modulepreload" href=format!("{PKG_DIR}/{BUNDLE_NAME}.js?v={asset_version}")/>
                <script type="module">{boot}</script>
                // Shrinks review photos on the phone (a few lines of JS, not in the wasm).
                <script src="/photo.js" defer></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
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
    components::problem::provide_toast();
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
                <Route path=path!("/owner") view=pages::owner::OwnerPage/>
                <Route path=path!("/owner/lives") view=pages::owner_live::OwnerLivesPage/>
                <Route path=path!("/owner/lives/:live") view=pages::owner_live_console::OwnerLiveConsolePage/>
                <Route path=path!("/owner/wishes") view=pages::owner_wishes::OwnerWishesPage/>
                <Route path=path!("/owner/reviews") view=pages::owner_reviews::OwnerReviewsPage/>
                <Route path=path!("/l/:live") view=pages::live::LivePage/>
            </Routes>
        </Router>
        <components::problem::ProblemToast/>
    }
}

/// Browser entry point, called by the boot script in [`shell`].
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
