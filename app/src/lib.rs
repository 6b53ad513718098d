//! Linli's Leptos front end. The edge worker renders these pages on the server (feature
//! `ssr`), the browser hydrates them (feature `hydrate`). Pages live in `pages/`, reusable
//! pieces in `components/`, every call to the JSON API in `api`.

pub mod api;
pub mod browser;
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

/// Where the browser bundles live under `public/` (built by `scripts/lib.sh`).
pub const PKG_DIR: &str = "/pkg";
/// Where the owner's console lives.
pub const OWNER_PATH: &str = "/owner";
/// Where HQ's pages live (in the console's bundle).
pub const HQ_PATH: &str = "/hq";

/// The browser bundles: each page loads only its group's, so a resident never downloads
/// the console, nor the shop the code of the live room. A resident's pages are server pages
/// with islands (`#[island]`: only their interactive parts hydrate, and only those parts'
/// code is in the bundle, with no router); the console hydrates whole, with client-side
/// navigation between its pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    /// The store list, a store's shop and its product pages (islands).
    Shop,
    /// The live room (islands).
    Live,
    /// The cart and checkout (islands).
    Cart,
    /// A resident's own pages: her orders, joining and signing in (islands).
    Resident,
    /// The store's community: wishes, tastings, reviews, her notices (islands).
    Community,
    /// The owner's console, and HQ's pages (whole page).
    Owner,
}

/// What the boot script does once the page is hydrated: the event page.js waits for.
const HYDRATED: &str = "dispatchEvent(new Event('linli:hydrated'))";

impl Bundle {
    pub const ALL: [Bundle; 6] = [Bundle::Shop, Bundle::Live, Bundle::Cart, Bundle::Resident, Bundle::Community, Bundle::Owner];

    /// The bundle that hydrates the page at `path` (query and fragment ignored).
    pub fn for_path(path: &str) -> Self {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] | ["s", _] | ["s", _, "p", _] => Bundle::Shop,
            ["l", _] => Bundle::Live,
            ["s", _, "cart"] => Bundle::Cart,
            ["s", _, "wishes" | "tastings", ..] | ["s", _, "me", "notices" | "reviews"] | ["s", _, "orders", _, "review", _] => {
                Bundle::Community
            }
            [first, ..] if format!("/{first}") == OWNER_PATH || format!("/{first}") == HQ_PATH => Bundle::Owner,
            _ => Bundle::Resident,
        }
    }

    /// Base name of its wasm-bindgen output under [`PKG_DIR`] (`NAME.js`, `NAME_bg.wasm`).
    pub fn name(self) -> &'static str {
        match self {
            Bundle::Shop => "linli_shop",
            Bundle::Live => "linli_live",
            Bundle::Cart => "linli_cart",
            Bundle::Resident => "linli_resident",
            Bundle::Community => "linli_community",
            Bundle::Owner => "linli_owner",
        }
    }

    /// Whether its pages hydrate whole (else only their islands do).
    pub fn hydrates_whole_page(self) -> bool {
        self == Bundle::Owner
    }

    /// Its JS glue, by the assets' version.
    fn js_path(self, asset_version: &str) -> String {
        format!("{PKG_DIR}/{}.js?v={asset_version}", self.name())
    }

    /// Its wasm, by the assets' version.
    fn wasm_path(self, asset_version: &str) -> String {
        format!("{PKG_DIR}/{}_bg.wasm?v={asset_version}", self.name())
    }

    /// The page `html` this bundle's group rendered, with the tags that load the bundle and
    /// hydrate it at the end of `<head>`, if it has anything to hydrate: a whole-page
    /// bundle always, an islands page when it holds an island other than the toast (which
    /// shows only what other islands raise). A visitor's shop, product page or store list
    /// holds none (her buttons there are links to joining): her page loads no wasm.
    /// `nonce` is the page's script nonce.
    pub fn with_boot(self, html: String, asset_version: &str, nonce: &str) -> String {
        const ISLAND: &str = "<leptos-island data-component=\"";
        let hydrates = self.hydrates_whole_page()
            || html.match_indices(ISLAND).any(|(at, _)| !html[at + ISLAND.len()..].starts_with("ProblemToast_"));
        if !hydrates {
            return html;
        }
        // The wasm is most of the bytes: asked for with the HTML, not after its script has
        // run (the script's `fetch` then takes this response), and after the page's own
        // images, which paint first.
        let tags = format!(
            "<link rel=\"modulepreload\" href=\"{js}\"><link rel=\"preload\" href=\"{wasm}\" as=\"fetch\" \
             type=\"application/wasm\" crossorigin=\"anonymous\" fetchpriority=\"low\">\
             <script type=\"module\" nonce=\"{nonce}\">{boot}</script></head>",
            js = self.js_path(asset_version),
            wasm = self.wasm_path(asset_version),
            boot = self.boot_script(asset_version),
        );
        html.replacen("</head>", &tags, 1)
    }

    /// The module script that loads the bundle and hydrates the page: `hydrate()` takes
    /// the whole page over, or readies the islands, which are then each hydrated in a
    /// task of its own, so the phone can answer a tap between them: first the page's own
    /// (in `<main>`: 立即抢购, 加入购物车), then the bars' (the notice bell and banner,
    /// the cart bar), each group in document order. An island inside another is
    /// hydrated by the outer one. Then it tells page.js ([`HYDRATED`]), which registers
    /// the service worker only now, so that its downloads never compete with the page's.
    fn boot_script(self, asset_version: &str) -> String {
        let (js, wasm) = (self.js_path(asset_version), self.wasm_path(asset_version));
        if self.hydrates_whole_page() {
            format!(
                "import init, {{ hydrate }} from '{js}';\
                 init({{ module_or_path: '{wasm}' }}).then(() => {{ hydrate(); {HYDRATED}; }});"
            )
        } else {
            format!(
                "import init, * as islands from '{js}';\
                 const nextTask = () => new Promise((done) => setTimeout(done, 0));\
                 init({{ module_or_path: '{wasm}' }}).then(async () => {{\
                 await nextTask();\
                 islands.hydrate();\
                 const all = (s) => [...document.querySelectorAll(s)];\
                 for (const el of new Set([...all('main leptos-island'), ...all('leptos-island')])) {{\
                 if (el.parentElement.closest('leptos-island')) continue;\
                 await nextTask();\
                 islands[el.dataset.component]?.(el);\
                 }}\
                 {HYDRATED};\
                 }});"
            )
        }
    }
}

/// The whole HTML document for the page at `path`, without its bundle's tags (the worker
/// adds them with [`Bundle::with_boot`] when the page has anything to hydrate). Rendered
/// only on the server; the browser hydrates `<body>`.
pub fn shell(asset_version: String, path: &str) -> impl IntoView {
    let locale = i18n::use_locale();
    let t = i18n::use_i18n();
    let console = Bundle::for_path(path) == Bundle::Owner;
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
                // The console's own styles, and its script (barcode scanning): a resident's
                // page never downloads them.
                {console.then(|| view! { <link rel="stylesheet" href=format!("/owner.css?v={asset_version}")/> })}
                // The bundle's tags follow at the end of <head> when the page has anything
                // to hydrate (`Bundle::with_boot`, once the page is rendered).
                // What must work before the wasm has loaded, or without it: review photos,
                // the language switch, printing (a few lines of JS, not in the wasm).
                <script src=format!("/page.js?v={asset_version}") defer></script>
                {console.then(|| view! { <script src=format!("/owner.js?v={asset_version}") defer></script> })}
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

/// Whether the page's request carried a session cookie. Without one the visitor is
/// surely signed out (she came from a link in her group chat), so the page leaves out
/// what only a signed-in resident sees, the notice bell and banner and the shop's cart
/// bar: islands that would otherwise hydrate, compile their code and ask the API for
/// notices and a cart she cannot have.
/// The server provides it for islands pages only: a page that hydrates whole must render
/// the same in the browser, which cannot read the (HttpOnly) cookie; there it is absent.
#[derive(Clone, Copy, Debug)]
pub struct SessionCookie(pub bool);

impl SessionCookie {
    /// Whether the visitor may be signed in: yes, unless the server knows she is not.
    pub fn maybe_signed_in() -> bool {
        use_context::<Self>().is_none_or(|cookie| cookie.0)
    }
}

/// The application: router and the pages. The server renders every page with it; the
/// whole-page bundles hydrate with it, each holding only its own group's pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    i18n::provide_locale_context();
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
            <Routes fallback=|| view! { <Fallback/> }>
                <ShopRoutes/>
                <ResidentRoutes/>
                <OwnerRoutes/>
                <HqRoutes/>
                <LiveRoutes/>
            </Routes>
        </Router>
        <components::problem::ProblemToast/>
    }
}

// Each group of routes is real where this build renders its pages (the server renders them
// all) and, elsewhere, a page that loads itself from the server, which sends its own bundle.
// A group of several routes is one parent route (a component gives one route).

/// [`Bundle::Shop`]'s pages: islands, so only the server routes them.
#[cfg(feature = "ssr")]
#[component(transparent)]
fn ShopRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("") view=Outlet>
            <Route path=path!("/") view=pages::stores::StoresPage/>
            <Route path=path!("/s/:store") view=pages::shop::ShopPage/>
            <Route path=path!("/s/:store/p/:product") view=pages::product::ProductPage/>
        </ParentRoute>
    }
    .into_inner()
}

#[cfg(not(feature = "ssr"))]
#[component(transparent)]
fn ShopRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("") view=Outlet>
            <Route path=path!("/") view=Elsewhere/>
            <Route path=path!("/s/:store") view=Elsewhere/>
            <Route path=path!("/s/:store/p/:product") view=Elsewhere/>
        </ParentRoute>
    }
    .into_inner()
}

/// [`Bundle::Live`]'s page: islands, so only the server routes it.
#[cfg(feature = "ssr")]
#[component(transparent)]
fn LiveRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/l/:live") view=pages::live::LivePage/> }.into_inner()
}

#[cfg(not(feature = "ssr"))]
#[component(transparent)]
fn LiveRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/l/:live") view=Elsewhere/> }.into_inner()
}

/// [`Bundle::Resident`]'s pages: islands, so only the server routes them.
#[cfg(feature = "ssr")]
#[component(transparent)]
fn ResidentRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("/s/:store") view=Outlet>
            <Route path=path!("/join") view=pages::join::JoinPage/>
            <Route path=path!("/cart") view=pages::cart::CartPage/>
            <Route path=path!("/orders") view=pages::orders::OrdersPage/>
            <Route path=path!("/orders/:order") view=pages::order::OrderPage/>
            <Route path=path!("/orders/:order/review/:product") view=pages::review_form::ReviewFormPage/>
            <Route path=path!("/me/reviews") view=pages::my_reviews::MyReviewsPage/>
            <Route path=path!("/wishes") view=pages::wishes::WishesPage/>
            <Route path=path!("/tastings") view=pages::tastings::TastingsPage/>
            <Route path=path!("/tastings/:tasting") view=pages::tastings::TastingPage/>
            <Route path=path!("/me/notices") view=pages::notices::NoticesPage/>
        </ParentRoute>
    }
    .into_inner()
}

#[cfg(not(feature = "ssr"))]
#[component(transparent)]
fn ResidentRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/s/:store/*any") view=Elsewhere/> }.into_inner()
}

/// [`Bundle::Owner`]'s pages, the console under [`OWNER_PATH`].
#[cfg(any(feature = "ssr", feature = "owner"))]
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
            <Route path=path!("/brain") view=pages::owner_brain::OwnerBrainPage/>
            <Route path=path!("/radar") view=pages::owner_radar::OwnerRadarPage/>
            <Route path=path!("/numbers") view=pages::owner_numbers::OwnerNumbersPage/>
            <Route path=path!("/supply") view=pages::owner_supply::OwnerSupplyPage/>
            <Route path=path!("/stock") view=pages::owner_stock::OwnerStockPage/>
        </ParentRoute>
    }
    .into_inner()
}

#[cfg(not(any(feature = "ssr", feature = "owner")))]
#[component(transparent)]
fn OwnerRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("/owner") view=Outlet>
            <Route path=path!("") view=Elsewhere/>
            <Route path=path!("/*any") view=Elsewhere/>
        </ParentRoute>
    }
    .into_inner()
}

/// HQ's pages under [`HQ_PATH`], in [`Bundle::Owner`].
#[cfg(any(feature = "ssr", feature = "owner"))]
#[component(transparent)]
fn HqRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("/hq") view=Outlet>
            <Route path=path!("") view=pages::hq::HqPage/>
            <Route path=path!("/stores/:store") view=pages::hq::HqStorePage/>
        </ParentRoute>
    }
    .into_inner()
}

#[cfg(not(any(feature = "ssr", feature = "owner")))]
#[component(transparent)]
fn HqRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("/hq") view=Outlet>
            <Route path=path!("") view=Elsewhere/>
            <Route path=path!("/*any") view=Elsewhere/>
        </ParentRoute>
    }
    .into_inner()
}

/// An unknown address: the not-found page where this build has it, else from the server.
#[component]
fn Fallback() -> impl IntoView {
    #[cfg(feature = "ssr")]
    return view! { <pages::not_found::NotFound/> };
    #[cfg(not(feature = "ssr"))]
    view! { <Elsewhere/> }
}

/// A page of another bundle's group, reached by a link inside the console (the one bundle
/// whose router runs in the browser): loads it from the server, which sends the page with
/// its own bundle. (Never for a console page, so an address the server and this router
/// disagree on cannot reload forever.)
#[component]
fn Elsewhere() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        let here = browser::current_path();
        if Bundle::for_path(&here) != Bundle::Owner {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        }
    });
    view! { <p class="loading">{i18n::use_i18n().loading()}</p> }
}

/// Browser entry point, called by [`Bundle::boot_script`]: hydrates the whole page, or,
/// in an islands bundle, readies the islands (the boot script then hydrates each).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    #[cfg(not(feature = "owner"))]
    leptos::mount::hydrate_islands();
    #[cfg(feature = "owner")]
    leptos::mount::hydrate_body(App);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_loads_its_groups_bundle() {
        let cases = [
            ("/", Bundle::Shop),
            ("/s/st-gubei", Bundle::Shop),
            ("/s/st-gubei/?c=fruit", Bundle::Shop),
            ("/s/st-gubei/p/p-apple", Bundle::Shop),
            ("/l/live-1?owner=1", Bundle::Live),
            ("/s/st-gubei/cart", Bundle::Cart),
            ("/s/st-gubei/orders/o-1", Bundle::Resident),
            ("/s/st-gubei/join?next=/s/st-gubei/wishes", Bundle::Resident),
            ("/s/st-gubei/orders/o-1/review/p-1", Bundle::Community),
            ("/s/st-gubei/wishes", Bundle::Community),
            ("/s/st-gubei/tastings/t-1", Bundle::Community),
            ("/s/st-gubei/me/notices", Bundle::Community),
            ("/s/st-gubei/me/reviews", Bundle::Community),
            ("/s/st-gubei/owner", Bundle::Resident),
            ("/owners", Bundle::Resident),
            ("/hq", Bundle::Owner),
            ("/hq/stores/st-xixi", Bundle::Owner),
            ("/nowhere/at/all", Bundle::Resident),
            ("/owner", Bundle::Owner),
            ("/owner/", Bundle::Owner),
            ("/owner/tastings/t-1", Bundle::Owner),
            ("/owner#top", Bundle::Owner),
        ];
        for (path, bundle) in cases {
            assert_eq!(Bundle::for_path(path), bundle, "{path}");
        }
    }

    #[test]
    fn islands_bundles_hydrate_their_islands_and_the_others_the_page() {
        for bundle in Bundle::ALL {
            let script = bundle.boot_script("v1");
            assert!(script.contains(&format!("/pkg/{}.js?v=v1", bundle.name())));
            assert!(script.contains(&format!("/pkg/{}_bg.wasm?v=v1", bundle.name())));
            assert_eq!(script.contains("leptos-island"), !bundle.hydrates_whole_page(), "{bundle:?}");
            assert!(script.contains(HYDRATED), "{bundle:?}");
        }
    }

    #[test]
    fn a_page_loads_its_bundle_only_when_it_has_something_to_hydrate() {
        let page = |body: &str| format!("<html><head><title>t</title></head><body>{body}</body></html>");
        let toast = "<leptos-island data-component=\"ProblemToast_12\" data-props=\"{}\"></leptos-island>";
        let buy = "<leptos-island data-component=\"LiveOffer_34\" data-props=\"{}\"></leptos-island>";
        let booted = |bundle: Bundle, body: &str| bundle.with_boot(page(body), "v1", "n0nce");
        assert_eq!(booted(Bundle::Shop, toast), page(toast), "only the toast: no wasm");
        assert_eq!(booted(Bundle::Shop, ""), page(""));
        let live = booted(Bundle::Live, &format!("{buy}{toast}"));
        assert!(live.contains("<link rel=\"preload\" href=\"/pkg/linli_live_bg.wasm?v=v1\""), "{live}");
        assert!(live.contains("<script type=\"module\" nonce=\"n0nce\">import init"), "{live}");
        assert!(live.contains("</script></head><body>"), "at the end of <head>: {live}");
        assert!(booted(Bundle::Owner, "").contains("/pkg/linli_owner_bg.wasm?v=v1"), "the console hydrates whole");
    }
}
