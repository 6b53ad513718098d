//! `/s/:store`: the store's shop — search, today's lives, 为你推荐 for a resident, the
//! neighbours' featured reviews (邻居晒单), category tabs, product grid, and a cart bar.
//! Rendered on the server; in the browser only its islands hydrate (adding to the cart,
//! the cart bar and the notice bell for a resident, reminders), and page.js keeps the chosen
//! category in view.
//! An unknown store is the one not-found page (404), with nothing of a shop around it.

use super::{
    may_shop_at,
    not_found::{NotFound, PageProblem},
    use_me, use_param,
};
use crate::{
    api,
    components::{
        cart::CartBar,
        layout::{BottomNav, TopBar},
        live::LiveStrip,
        problem::ProblemNotice,
        product::ProductCard,
        recommend::RecommendStrip,
        review::FeaturedStrip,
    },
    i18n::{use_i18n, Locale},
    SessionCookie,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// Products a row of the shop grid holds (`.product-grid` in public/app.css).
const SHOP_GRID_COLUMNS: usize = 2;

#[component]
pub fn ShopPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let query = use_query_map();
    let category = Memo::new(move |_| query.read().get("c").filter(|c| !c.is_empty()));
    let search = Memo::new(move |_| query.read().get("q").filter(|q| !q.trim().is_empty()));
    // 临期特价: the products marked down today, whatever their category.
    let deals = Memo::new(move |_| query.read().get("deals").is_some_and(|d| d == "1"));

    let me = use_me();
    // The store and its featured reviews (邻居晒单) come together: one resource, not two
    // (each costs the browser bundle). Both calls start before either is awaited, while
    // the transport can still be looked up (see `api::call`).
    let store_info = Resource::new(
        move || store.get(),
        |s| {
            let (info, featured) = (api::get_store(&s), api::featured_reviews(&s));
            async move { api::ApiResult::Ok((info.await?, featured.await.map(|f| f.reviews).unwrap_or_default())) }
        },
    );
    let products = Resource::new(move || (store.get(), category.get(), search.get()), |(s, c, q)| api::list_products(&s, c, q));

    // Only a resident has a cart: a visitor's page neither reads one nor carries the bar.
    let cart = SessionCookie::maybe_signed_in().then(|| Resource::new(|| (), |_| api::get_cart::<api::IslandCartView>()));

    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                match store_info.await {
                    Ok((s, _)) => view! {
                        <Title text=s.name.clone()/>
                        <Meta name="description" content=format!("{} · {}", s.name, t.tagline())/>
                        <TopBar title=s.name/>
                    }.into_any(),
                    Err(error) if error.status() == 404 => view! { <NotFound error/> }.into_any(),
                    Err(error) => view! {
                        <TopBar title=t.brand() back="/"/>
                        <main class="page"><PageProblem error/></main>
                    }.into_any(),
                }
            })}
        </Suspense>
        // The shop itself, only for a store that exists.
        <Transition>
            {move || Suspend::new(async move {
                let featured = store_info.await.ok()?.1;
                let viewer = me.await.ok().flatten();
                let resident = may_shop_at(&viewer, &store.get_untracked());
                let list = products.await.map(|mut list| {
                    if deals.get_untracked() {
                        list.products.retain(|p| p.markdown.is_some());
                    }
                    list
                });
                let s = store.get_untracked();
                let content = match list {
                    Ok(list) => {
                        let current = category.get_untracked();
                        let words = search.get_untracked();
                        let deals = deals.get_untracked();
                        let tab = |id: Option<String>, label: String| {
                            let active = id == current && !deals;
                            let href = match &id { Some(c) => format!("/s/{s}?c={c}"), None => format!("/s/{s}") };
                            view! { <a class="tab" class:active=active aria-current=active.then_some("page") href=href>{label}</a> }
                        };
                        let label = |zh: &str, en: &str| if t.0 == Locale::ZhCn { zh.to_string() } else { en.to_string() };
                        let current_name = list.categories.iter().find(|c| Some(c.id.to_string()) == current).map(|c| label(&c.name_zh, &c.name_en));
                        let join_href = format!("/s/{s}/join");
                        let empty = if !list.products.is_empty() {
                            None
                        } else if let (Some(name), Some(q)) = (current_name, words.clone()) {
                            // An old link that searched one category: say so, and offer the whole store.
                            let everywhere = format!("/s/{s}?q={}", api::encode_query(&q));
                            Some(view! {
                                <p class="empty-state" data-testid="no-results">
                                    {t.search_in_before()} {name} {t.search_in_after()}
                                    <a class="link-inline" href=everywhere>{t.search_everywhere()}</a>
                                </p>
                            }.into_any())
                        } else if deals {
                            Some(view! { <p class="empty-state" data-testid="no-results">{t.no_deals()}</p> }.into_any())
                        } else {
                            Some(view! { <p class="empty-state" data-testid="no-results">{t.no_results()}</p> }.into_any())
                        };
                        let home = current.is_none() && words.is_none() && !deals;
                        // With 邻居晒单 above it, the grid starts below the first screen.
                        let grid_first_screen = !home || featured.is_empty();
                        view! {
                            {(!resident).then(|| view! {
                                <a class="join-banner" href=join_href.clone() data-testid="join-banner">{t.join_to_buy()} " ›"</a>
                            })}
                            {home.then(|| view! {
                                <LiveStrip store=s.clone() resident/>
                                {resident.then(|| view! { <RecommendStrip/> })}
                                <FeaturedStrip store=s.clone() reviews=featured/>
                                <a class="wish-entry" href=format!("/s/{s}/wishes") data-testid="wishes-entry">{t.wishes_entry()} " ›"</a>
                                <a class="wish-entry" href=format!("/s/{s}/tastings") data-testid="tastings-entry">{t.tastings_entry()} " ›"</a>
                            })}
                            <nav class="tabs" aria-label="categories">
                                {tab(None, t.all().to_string())}
                                <a class="tab tab-deals" class:active=deals aria-current=deals.then_some("page")
                                    href=format!("/s/{s}?deals=1") data-testid="deals-tab">{t.deals()}</a>
                                {list.categories.into_iter().map(|c| tab(Some(c.id.to_string()), label(&c.name_zh, &c.name_en))).collect_view()}
                            </nav>
                            {empty}
                            <div class="product-grid" data-testid="product-grid" data-q=words.clone().unwrap_or_default()
                                data-category=current.clone().unwrap_or_default()>
                                {list.products.into_iter().enumerate().map(|(i, p)| view! {
                                    <ProductCard product=p can_buy=resident join_href=join_href.clone() first_row={grid_first_screen && i < SHOP_GRID_COLUMNS}/>
                                }).collect_view()}
                            </div>
                        }.into_any()
                    }
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                };
                Some(view! {
                    <main class="page page-with-nav">
                        // Search covers the whole store, whichever category is open.
                        <form method="get" action=format!("/s/{s}")>
                            <div class="search-bar" role="search">
                                <input
                                    type="search"
                                    name="q"
                                    class="search-input"
                                    placeholder=t.search_placeholder()
                                    aria-label=t.search()
                                    value=search.get_untracked().unwrap_or_default()
                                    data-testid="search-input"
                                />
                                <button class="btn btn-primary" type="submit">{t.search()}</button>
                            </div>
                        </form>
                        {content}
                    </main>
                    <BottomNav store=s.clone() active="shop"/>
                })
            })}
        </Transition>
        {cart.map(|cart| view! {
            <Transition>
                {move || Suspend::new(async move {
                    let first = store_info.await.ok().and(cart.await.ok()).map(|c| c.cart);
                    view! { <CartBar store=store.get_untracked() first/> }
                })}
            </Transition>
        })}
    }
}
