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
        <LiveNoticeBanner/>
    }
    .into_any()
}

/// Where the dismissed live notices are remembered for this browser tab.
#[cfg(feature = "hydrate")]
const DISMISSED_KEY: &str = "linli-dismissed-live-notices";

/// "你预约的直播「…」开始了 · 进入直播间": for a signed-in resident, a banner for each live
/// they asked to be reminded of that is on air now, and else her newest community notice
/// ("你想要的「…」上架了"). Loaded in the browser only (on load, then every 30 s), so the
/// server's first paint never waits for it; dismissible.
#[component]
pub fn LiveNoticeBanner() -> impl IntoView {
    let t = use_i18n();
    let notices = RwSignal::new(Vec::<shared_model::api::LiveNotice>::new());
    let community = RwSignal::new(Vec::<shared_model::api::CommunityNoticeCard>::new());
    let dismissed = RwSignal::new(Vec::<String>::new());
    let location = leptos_router::hooks::use_location();

    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use leptos::task::spawn_local;
        let storage = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
        if let Some(saved) = storage.and_then(|s| s.get_item(DISMISSED_KEY).ok().flatten()) {
            dismissed.set(saved.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect());
        }
        let handle = std::rc::Rc::new(std::cell::Cell::new(None::<IntervalHandle>));
        let load = {
            let handle = std::rc::Rc::clone(&handle);
            move || {
                let handle = std::rc::Rc::clone(&handle);
                spawn_local(async move {
                    match crate::api::list_notices().await {
                        Ok(list) => {
                            notices.set(list.notices);
                            community.set(list.community);
                        }
                        // Signed out, or not a resident: stop asking.
                        Err(e) if matches!(e.status(), 401 | 403) => {
                            if let Some(h) = handle.take() {
                                h.clear();
                            }
                        }
                        Err(_) => {}
                    }
                });
            }
        };
        load();
        handle.set(set_interval_with_handle(load, std::time::Duration::from_secs(30)).ok());
        let handle = send_wrapper::SendWrapper::new(handle);
        on_cleanup(move || {
            if let Some(h) = handle.take().take() {
                h.clear();
            }
        });
    });

    let dismiss = move |id: String| {
        dismissed.update(|d| d.push(id));
        #[cfg(feature = "hydrate")]
        if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
            let _ = storage.set_item(DISMISSED_KEY, &dismissed.get_untracked().join(","));
        }
    };

    move || {
        let here = location.pathname.get();
        let shown = notices.with(|n| {
            n.iter()
                .find(|n| {
                    let id = n.live_id.to_string();
                    here != format!("/l/{id}") && !dismissed.with(|d| d.contains(&id))
                })
                .cloned()
        });
        if shown.is_none() {
            let news = community.with(|c| {
                c.iter().find(|n| !n.read && here != n.path && !dismissed.with(|d| d.contains(&format!("c{}", n.id)))).cloned()
            });
            return news.map(|n| {
                let key = format!("c{}", n.id);
                view! {
                    <div class="live-notice community-notice" role="status" data-testid="community-notice">
                        <a class="live-notice-link" href=n.path.clone()>
                            <strong>{n.headline.clone()}</strong> " · " {n.text.clone()}
                        </a>
                        <button class="live-notice-close" type="button" aria-label=t.live_dismiss()
                            on:click=move |_| dismiss(key.clone())>"×"</button>
                    </div>
                }
                .into_any()
            });
        }
        shown.map(|n| {
            let id = n.live_id.to_string();
            view! {
                <div class="live-notice" role="status" data-testid="live-notice">
                    <a class="live-notice-link" href=format!("/l/{id}")>
                        <i class="live-dot" aria-hidden="true"></i>
                        {t.live_notice_before()} {n.title.clone()} {t.live_notice_after()} " · "
                        <strong>{t.live_enter()}</strong>
                    </a>
                    <button class="live-notice-close" type="button" aria-label=t.live_dismiss() data-testid="live-notice-dismiss"
                        on:click=move |_| dismiss(id.clone())>"×"</button>
                </div>
            }
            .into_any()
        })
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
