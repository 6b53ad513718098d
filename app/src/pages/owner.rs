//! `/owner`: the store owner's console — sign in, then hand over pickups and set stock and
//! per-buyer caps. Also the sign-in gate and the console's navigation, shared with the
//! live pages (`owner_live`).

use crate::{
    api,
    components::{
        layout::TopBar,
        problem::{ActionProblem, ProblemNotice},
        product::StockBadge,
    },
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    access,
    api::{StockUpdate, StoreOrder, UpdateOrderStatus},
    catalog::ProductSummary,
    identity::{Me, OwnerSignIn},
    order::OrderStatus,
};

#[component]
pub fn OwnerPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.owner_console()/>
        <TopBar title=t.owner_console() back="/"/>
        <main class="page">
            <OwnerGate signed_in=|me: Me| {
                let t = use_i18n();
                view! {
                    <OwnerNav active=OwnerSection::Orders/>
                    <OwnerPickups store=me.store_id.to_string()/>
                    <CounterSignIn store=me.store_id.to_string()/>
                    <h2 class="section-title">{t.products_and_stock()}</h2>
                    <OwnerProducts store=me.store_id.to_string()/>
                }
            }/>
        </main>
    }
}

/// The signed-in owner's view (`signed_in` gets who they are), or the owner sign-in form
/// for anyone else; after signing in, the same place shows the owner's view. Every owner
/// page (`/owner`, `/owner/lives`, the live console) sits behind it.
///
/// Server rendering runs `signed_in` twice, so resources it creates are numbered twice
/// there and once in the browser. Resources created as `signed_in` runs still line up; one
/// created later, inside a `Suspend` that first awaited another resource, does not and
/// breaks hydration: load such data in the browser instead (see `owner_live_console`).
///
/// With `hq`, it admits HQ (总部) rather than owners: the same sign-in, HQ's pages.
#[component]
pub fn OwnerGate<F, V>(signed_in: F, #[prop(optional)] hq: bool) -> impl IntoView
where
    F: Fn(Me) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let t = use_i18n();
    let sign_in = Action::new(|req: &OwnerSignIn| api::sign_in_owner(req));
    // Who is signed in is read again only after a sign-in that worked: a refused one
    // leaves the form (and the phone typed into it) where it is.
    let accepted = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(Ok(_)) = sign_in.value().get() {
            accepted.update(|n| *n += 1);
        }
    });
    let me = Resource::new(move || accepted.get(), |_| api::get_me());
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || {
                let signed_in = signed_in.clone();
                Suspend::new(async move {
                    match me.await {
                        Ok(Some(me)) if hq && access::may(Some(&me), access::Action::ReadChain) => signed_in(me).into_any(),
                        Ok(Some(me)) if !hq && access::may(Some(&me), access::Action::ManageStore(&me.store_id)) => signed_in(me).into_any(),
                        _ => view! { <OwnerSignInForm sign_in/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The parts of the owner console, for [`OwnerNav`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerSection {
    /// `/owner`: pickups, products and stock.
    Orders,
    /// `/owner/lives`: lives, residents and KOCs.
    Lives,
    /// `/owner/wishes`: the residents' 心愿单.
    Wishes,
    /// `/owner/tastings`: 品鉴会, their bookings and the door.
    Tastings,
    /// `/owner/poster`: the store's printable join poster.
    Poster,
    /// `/owner/reviews`: the residents' reviews, featured and hidden.
    Reviews,
    /// `/owner/brain`: 今日建议 and the 直播 SOP.
    Brain,
    /// `/owner/radar`: 需求雷达.
    Radar,
    /// `/owner/numbers`: 经营数据.
    Numbers,
    /// `/owner/supply`: 备货, the pick list and purchase orders.
    Supply,
    /// `/owner/stock`: 收货, 报损 and 盘点.
    Stock,
}

/// Switches between the owner console's parts: orders and stock, lives.
#[component]
pub fn OwnerNav(active: OwnerSection) -> impl IntoView {
    let t = use_i18n();
    let item = move |section: OwnerSection, href: &'static str, label: &'static str, testid: &'static str| {
        let current = section == active;
        view! {
            <a class="owner-nav-item" class:active=current href=href aria-current=current.then_some("page") data-testid=testid>{label}</a>
        }
    };
    // More sections than a phone's width: the current one is scrolled into view.
    let nav = NodeRef::<leptos::html::Nav>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::JsCast;
        if let Some(nav) = nav.get() {
            let current = nav.query_selector(".active").ok().flatten().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(current) = current {
                nav.set_scroll_left(current.offset_left() - nav.offset_left() - 12);
            }
        }
    });
    view! {
        <nav class="owner-nav" node_ref=nav>
            {item(OwnerSection::Orders, "/owner", t.owner_nav_orders(), "owner-nav-orders")}
            {item(OwnerSection::Brain, "/owner/brain", t.brain_title(), "owner-nav-brain")}
            {item(OwnerSection::Supply, "/owner/supply", t.supply_title(), "owner-nav-supply")}
            {item(OwnerSection::Stock, "/owner/stock", t.stock_title(), "owner-nav-stock")}
            {item(OwnerSection::Numbers, "/owner/numbers", t.numbers_title(), "owner-nav-numbers")}
            {item(OwnerSection::Lives, "/owner/lives", t.owner_nav_lives(), "owner-nav-lives")}
            {item(OwnerSection::Wishes, "/owner/wishes", t.wishes_title(), "owner-nav-wishes")}
            {item(OwnerSection::Radar, "/owner/radar", t.radar_title(), "owner-nav-radar")}
            {item(OwnerSection::Tastings, "/owner/tastings", t.tastings_title(), "owner-nav-tastings")}
            {item(OwnerSection::Reviews, "/owner/reviews", t.owner_nav_reviews(), "owner-nav-reviews")}
            {item(OwnerSection::Poster, "/owner/poster", t.poster_nav(), "owner-nav-poster")}
        </nav>
    }
}

#[component]
fn OwnerSignInForm(sign_in: Action<OwnerSignIn, api::ApiResult<Me>>) -> impl IntoView {
    let t = use_i18n();
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // A wrong password: the phone stays, the password is typed again.
    Effect::new(move |_| {
        if let Some(Err(e)) = sign_in.value().get() {
            if !e.is_connection() {
                password.set(String::new());
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sign_in.dispatch(OwnerSignIn { phone: phone.get_untracked(), password: password.get_untracked() });
    };
    view! {
        <form class="form" on:submit=submit>
            <h2 class="section-title">{t.owner_sign_in()}</h2>
            <label class="field"><span>{t.phone()}</span>
                <input type="tel" inputmode="numeric" prop:value=move || phone.get() on:input:target=move |ev| phone.set(ev.target().value()) data-testid="owner-phone"/></label>
            <label class="field"><span>{t.password()}</span>
                <input type="password" prop:value=move || password.get() on:input:target=move |ev| password.set(ev.target().value()) data-testid="owner-password"/></label>
            <ActionProblem result=sign_in.value().into()/>
            <button class="btn btn-primary btn-block" type="submit" disabled=move || sign_in.pending().get()>{t.sign_in()}</button>
        </form>
    }
}

/// A sign-in code for a resident with no signed-in phone and no text message: the owner
/// enters the phone she joined with, checks the name and building shown are hers, then
/// reads her the code.
#[component]
fn CounterSignIn(store: String) -> impl IntoView {
    let t = use_i18n();
    let phone = RwSignal::new(String::new());
    let issue = Action::new(move |phone: &String| api::assisted_sign_in_code(&store, phone));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        issue.dispatch(phone.get_untracked());
    };
    view! {
        <details class="form counter-sign-in">
            <summary>{t.counter_sign_in_title()}</summary>
            <p class="muted small">{t.counter_sign_in_hint()}</p>
            <form class="pickup-search" on:submit=submit>
                <input type="tel" inputmode="numeric" aria-label=t.phone() placeholder=t.phone() prop:value=move || phone.get()
                    on:input:target=move |ev| phone.set(ev.target().value()) data-testid="counter-phone"/>
                <button class="btn btn-small" type="submit" disabled=move || issue.pending().get()>{t.counter_sign_in_button()}</button>
            </form>
            {move || match issue.value().get() {
                Some(Ok(code)) => Some(view! {
                    <p class="muted small">{t.counter_code_for()} <strong>{format!("{} · {} {}", code.nickname, code.building, code.unit)}</strong></p>
                    <p class="counter-code" data-testid="counter-code">{code.code}</p>
                }.into_any()),
                Some(Err(error)) => Some(view! { <ProblemNotice error/> }.into_any()),
                None => None,
            }}
        </details>
    }
}

#[component]
fn OwnerProducts(store: String) -> impl IntoView {
    let t = use_i18n();
    let products = Resource::new(
        {
            let store = store.clone();
            move || store.clone()
        },
        |s| api::list_products(&s, None, None),
    );
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                match products.await {
                    Ok(list) => view! {
                        <ul class="owner-products">
                            {list.products.into_iter().map(|p| view! { <OwnerProductRow product=p/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One product: stock on hand and the per-buyer cap (empty = no limit).
#[component]
fn OwnerProductRow(product: ProductSummary) -> impl IntoView {
    let t = use_i18n();
    let stock = RwSignal::new(product.available.to_string());
    let cap = RwSignal::new(product.per_buyer_cap.map(|c| c.to_string()).unwrap_or_default());
    let (store, id) = (product.store_id.to_string(), product.id.to_string());
    let save = Action::new(move |update: &StockUpdate| api::update_stock(&store, &id, update));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cap_text = cap.get_untracked();
        let cap_value = if cap_text.trim().is_empty() { Some(None) } else { cap_text.trim().parse::<u32>().ok().map(Some) };
        save.dispatch(StockUpdate { stock: stock.get_untracked().trim().parse().ok(), per_buyer_cap: cap_value });
    };
    let current = Memo::new(move |_| save.value().get().and_then(|r| r.ok()).unwrap_or_else(|| product.clone()));
    view! {
        <li class="owner-row" data-testid="owner-row">
            <div class="owner-row-head">
                <strong>{move || current.get().name}</strong>
                <span class="price">{move || current.get().price.to_string()}</span>
                {move || { let p = current.get(); view! { <StockBadge state=p.stock_state available=p.available/> } }}
            </div>
            <form class="owner-row-form" on:submit=submit>
                <label>{t.stock()} <input type="number" min="0" max="99999" prop:value=move || stock.get() on:input:target=move |ev| stock.set(ev.target().value())/></label>
                <label>{t.cap()} <input type="number" min="1" placeholder=t.no_cap() prop:value=move || cap.get() on:input:target=move |ev| cap.set(ev.target().value())/></label>
                <button class="btn btn-small" type="submit">{move || if save.value().get().is_some_and(|r| r.is_ok()) { t.saved() } else { t.save() }}</button>
            </form>
            <ActionProblem result=save.value().into()/>
        </li>
    }
}

/// Orders to prepare and hand over, a day at a time: today's, tomorrow's or the day
/// after's, a page at a time, and the one a resident comes for found by what she shows or
/// says (pickup code, 跟团号, phone tail or nickname; `shared_model::pickup`).
#[component]
fn OwnerPickups(store: String) -> impl IntoView {
    let t = use_i18n();
    // Days after the store's today (the server decides what today is): 0, 1 or 2.
    let day = RwSignal::new(0u64);
    // The search as typed, and as last submitted (what the list shows).
    let draft = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let first_page = Resource::new(
        {
            let store = store.clone();
            move || (store.clone(), day.get(), query.get())
        },
        |(store, day, query)| async move {
            if day == 0 {
                return api::list_store_orders(&store, None, &query, None).await;
            }
            // The server decides what today is; later days count from it.
            let today = api::list_store_orders(&store, None, "", None).await?;
            let date = today.pickup_date.checked_add_days(chrono::Days::new(day)).unwrap_or(today.pickup_date);
            api::list_store_orders(&store, Some(date.format("%Y-%m-%d").to_string()), &query, None).await
        },
    );
    // Later pages, appended under the first; they start over whenever the first reloads.
    let more = RwSignal::new(Vec::<StoreOrder>::new());
    let next_cursor = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(list)) = first_page.get() {
            more.set(Vec::new());
            next_cursor.set(list.next_cursor);
        }
    });
    let load_more = Action::new({
        let store = store.clone();
        move |(date, cursor): &(String, String)| {
            let (store, date, cursor, query) = (store.clone(), date.clone(), cursor.clone(), query.get_untracked());
            async move { api::list_store_orders(&store, Some(date), &query, Some(cursor)).await }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = load_more.value().get() {
            more.update(|orders| orders.extend(page.orders));
            next_cursor.set(page.next_cursor);
        }
    });
    let tab = move |offset: u64, label: &'static str| {
        view! {
            <button type="button" class="tab" class:active=move || day.get() == offset on:click=move |_| day.set(offset)
                data-testid=format!("pickup-day-{offset}")>{label}</button>
        }
    };
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        query.set(draft.get_untracked().trim().to_owned());
    };
    // A pickup code typed in the search is the code the resident shows: the row found by
    // it gets it ready to hand over.
    let shown_code = move || {
        let q = query.get();
        (q.len() == 6 && q.bytes().all(|b| b.is_ascii_digit())).then_some(q)
    };
    view! {
        <nav class="tabs">
            {tab(0, t.pickups_today())}
            {tab(1, t.pickups_tomorrow())}
            {tab(2, t.pickups_after_tomorrow())}
        </nav>
        <form class="pickup-search" role="search" on:submit=search>
            <input type="search" enterkeyhint="search" aria-label=t.pickup_search_label() placeholder=t.pickup_search_placeholder()
                prop:value=move || draft.get() on:input:target=move |ev| draft.set(ev.target().value()) data-testid="pickup-search"/>
            <button class="btn btn-small" type="submit">{t.search()}</button>
            {move || (!query.get().is_empty()).then(|| view! {
                <button class="btn btn-small btn-ghost" type="button" on:click=move |_| { draft.set(String::new()); query.set(String::new()); }>
                    {t.pickup_search_clear()}
                </button>
            })}
        </form>
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                match first_page.await {
                    Ok(list) => {
                        let date = list.pickup_date;
                        let heading = if query.get_untracked().is_empty() {
                            t.pickup_day_count(list.day_total)
                        } else {
                            t.pickup_found_count(list.orders.len(), list.next_cursor.is_some())
                        };
                        let empty = list.orders.is_empty();
                        view! {
                            <p class="muted" data-testid="pickup-list-date">
                                {t.pickup_date_text(date)} " · " <span data-testid="pickup-list-count">{heading}</span>
                            </p>
                            {empty.then(|| view! {
                                <p class="empty-state">{if query.get_untracked().is_empty() { t.no_pickups() } else { t.pickup_search_none() }}</p>
                            })}
                            <ul class="owner-products" data-testid="pickup-list">
                                {list.orders.into_iter().map(|order| view! { <OwnerPickupRow order shown_code=shown_code()/> }).collect_view()}
                                <For each=move || more.get() key=|o| o.summary.id.clone() let:order>
                                    <OwnerPickupRow order shown_code=shown_code()/>
                                </For>
                            </ul>
                            {move || next_cursor.get().map(|cursor| {
                                let date = date.format("%Y-%m-%d").to_string();
                                view! {
                                    <button class="btn btn-block" type="button" disabled=move || load_more.pending().get()
                                        on:click=move |_| { load_more.dispatch((date.clone(), cursor.clone())); } data-testid="pickup-more">
                                        {t.load_more()}
                                    </button>
                                }
                            })}
                            <ActionProblem result=load_more.value().into()/>
                        }.into_any()
                    }
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One order: its 跟团号, who collects it, what, and the next step (ready, then hand over
/// against the code the resident shows).
#[component]
fn OwnerPickupRow(order: StoreOrder, shown_code: Option<String>) -> impl IntoView {
    let t = use_i18n();
    let id = order.summary.id.to_string();
    let advance = Action::new(move |update: &UpdateOrderStatus| api::advance_order(&id, update));
    let status = Memo::new(move |_| match advance.value().get() {
        Some(Ok(o)) => o.status,
        _ => order.summary.status,
    });
    let code = RwSignal::new(shown_code.unwrap_or_default());
    let label = move |s: OrderStatus| if t.0 == crate::i18n::Locale::ZhCn { s.label_zh() } else { s.label_en() };
    let who = format!("{} · {} {}", order.buyer_nickname, order.buyer_building, order.buyer_unit);
    let tail = (!order.buyer_phone_tail.is_empty()).then(|| t.phone_tail(&order.buyer_phone_tail));
    view! {
        <li class="owner-row" data-testid="pickup-row" data-order=order.summary.id.to_string()>
            <div class="owner-row-head">
                <span class="group-number" data-testid="group-number">{format!("#{}", order.group_number)}</span>
                <strong class="owner-row-who">{who}</strong>
                <span class=move || format!("status status-{}", status.get().as_str())>{move || label(status.get())}</span>
            </div>
            <p class="muted small">
                {format!("{} · {} · {}", order.pickup_point_name, t.order_contents(&order.summary), order.summary.total)}
                {tail.map(|tail| view! { " · " {tail} })}
            </p>
            {move || match status.get() {
                OrderStatus::Placed => Some(view! {
                    <button class="btn btn-small" type="button" on:click=move |_| {
                        advance.dispatch(UpdateOrderStatus { status: OrderStatus::ReadyForPickup, pickup_code: None });
                    }>{t.mark_ready()}</button>
                }.into_any()),
                OrderStatus::ReadyForPickup => Some(view! {
                    <form class="owner-row-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        advance.dispatch(UpdateOrderStatus { status: OrderStatus::PickedUp, pickup_code: Some(code.get_untracked()) });
                    }>
                        <label>{t.pickup_code()} <input type="text" inputmode="numeric" maxlength="6" prop:value=move || code.get() on:input:target=move |ev| code.set(ev.target().value()) data-testid="hand-over-code"/></label>
                        <button class="btn btn-small" type="submit">{t.hand_over()}</button>
                    </form>
                }.into_any()),
                _ => None,
            }}
            <ActionProblem result=advance.value().into()/>
        </li>
    }
}
