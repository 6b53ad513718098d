//! The page frame: top bar with the store name, the resident's notice bell and the
//! language switch, bottom navigation.

use crate::{i18n::use_i18n, SessionCookie};
use leptos::prelude::*;
use shared_model::{
    api::{LiveNotice, NoticeCardBrief},
    community::{notices_path, unread_badge},
    StoreId,
};

/// The signed-in resident's notices as the top bar and its banner show them: loaded in the
/// browser only (see [`LiveNoticeBanner`]), so the server's first paint never waits for
/// them. One for the page ([`use_notice_inbox`]), so the notice page's "marked read"
/// reaches the bell at once.
#[derive(Debug, Clone, Copy)]
pub struct NoticeInbox {
    /// Lives on air she asked to be reminded of.
    pub lives: RwSignal<Vec<LiveNotice>>,
    /// Her community notices, newest first.
    pub community: RwSignal<Vec<NoticeCardBrief>>,
    /// How many of them are unread (all, not only those listed).
    pub unread: RwSignal<u32>,
    /// Her store while she is a signed-in resident; `None` hides the bell.
    pub store: RwSignal<Option<StoreId>>,
    /// Bumped on every "marked read": a list asked for before then is stale.
    epoch: RwSignal<u32>,
}

impl NoticeInbox {
    fn new() -> Self {
        Self {
            lives: RwSignal::new(Vec::new()),
            community: RwSignal::new(Vec::new()),
            unread: RwSignal::new(0),
            store: RwSignal::new(None),
            epoch: RwSignal::new(0),
        }
    }

    /// Takes a list that was asked for at `epoch`, unless notices were marked read since.
    #[cfg(feature = "hydrate")]
    fn load(self, epoch: u32, list: shared_model::api::NoticeListBrief) {
        if self.epoch.get_untracked() != epoch {
            return;
        }
        self.lives.set(list.notices);
        self.community.set(list.community);
        self.unread.set(list.unread);
        self.store.set(list.store_id);
    }

    /// The server marked her notices up to `up_to` read and says `unread` remain.
    pub fn marked_read(self, up_to: i64, unread: u32) {
        self.epoch.update(|e| *e += 1);
        self.unread.set(unread);
        self.community.update(|c| c.iter_mut().filter(|n| n.id <= up_to).for_each(|n| n.read = true));
    }
}

/// The page's [`NoticeInbox`]: in the browser one for the whole document, shared by its
/// islands and pages; on the server an empty one (the inbox loads in the browser only).
pub fn use_notice_inbox() -> NoticeInbox {
    crate::browser::page_wide!(NoticeInbox, NoticeInbox::new)
}

const ICON_BELL: &str = "M6 17V11a6 6 0 0 1 12 0v6l1.5 1.5h-15zM10 20.5a2 2 0 0 0 4 0";

/// The bell in the top bar: a link to her notices with the unread count, for a signed-in
/// resident only (nothing for a visitor or an owner). An island in every bundle but the
/// console's, which hydrates whole pages.
#[cfg_attr(feature = "owner", component)]
#[cfg_attr(not(feature = "owner"), island)]
fn NoticeBell() -> impl IntoView {
    let t = use_i18n();
    let inbox = use_notice_inbox();
    move || {
        inbox.store.get().map(|store| {
            let unread = inbox.unread.get();
            view! {
                <a class="topbar-bell" href=notices_path(&store) aria-label=t.notices_unread_label(unread) data-testid="notice-bell">
                    <svg class="topbar-bell-icon" viewBox="0 0 24 24" aria-hidden="true"><path d=ICON_BELL/></svg>
                    {unread_badge(unread).map(|badge| view! { <span class="topbar-badge" data-testid="notice-badge">{badge}</span> })}
                </a>
            }
        })
    }
}

/// Top bar. `title` is the store or page name; `back` an optional link target. The bell
/// and the banner only for a visitor who may be signed in ([`SessionCookie`]).
#[component]
pub fn TopBar(#[prop(into)] title: String, #[prop(optional, into)] back: Option<String>) -> impl IntoView {
    let t = use_i18n();
    let other = t.0.other();
    let maybe_signed_in = SessionCookie::maybe_signed_in();
    view! {
        <header class="topbar">
            {back.map(|href| view! { <a class="topbar-back" href=href aria-label="back">"‹"</a> })}
            <h1 class="topbar-title">{title}</h1>
            {maybe_signed_in.then(|| view! { <NoticeBell/> })}
            <button class="lang-switch" type="button" data-switch-lang=other.html_lang()>{t.switch_language()}</button>
        </header>
        {maybe_signed_in.then(|| view! { <LiveNoticeBanner/> })}
    }
    .into_any()
}

/// Where the dismissed live notices are remembered for this browser tab.
#[cfg(feature = "hydrate")]
const DISMISSED_KEY: &str = "linli-dismissed-live-notices";

/// "你预约的直播「…」开始了 · 进入直播间": for a signed-in resident, a banner for each live
/// they asked to be reminded of that is on air now, and else her newest unread community
/// notice ("你想要的「…」上架了"), except on her notice list. Loads the [`NoticeInbox`] in
/// the browser only (on load, then every 30 s), so the server's first paint never waits
/// for it; dismissible. An island, as the bell is.
#[cfg_attr(feature = "owner", component)]
#[cfg_attr(not(feature = "owner"), island)]
pub fn LiveNoticeBanner() -> impl IntoView {
    let t = use_i18n();
    let inbox = use_notice_inbox();
    let (notices, community) = (inbox.lives, inbox.community);
    let dismissed = RwSignal::new(Vec::<String>::new());
    let path = crate::browser::use_path();

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
                let epoch = inbox.epoch.get_untracked();
                spawn_local(async move {
                    match crate::api::list_notices().await {
                        Ok(list) => inbox.load(epoch, list),
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
        let here = path.get();
        let shown = notices.with(|n| {
            n.iter()
                .find(|n| {
                    let id = n.live_id.to_string();
                    here != format!("/l/{id}") && !dismissed.with(|d| d.contains(&id))
                })
                .cloned()
        });
        if shown.is_none() {
            // Her notice list shows them all already.
            if inbox.store.with(|s| s.as_ref().is_some_and(|s| here == notices_path(s))) {
                return None;
            }
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
