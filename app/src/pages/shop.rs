//! `/s/:store`: the store's shop — search, category tabs, product grid, and a cart bar.

use super::{may_shop_at, use_me, use_param};
use crate::{
    api,
    components::{
        layout::{BottomNav, TopBar},
        live::LiveStrip,
        problem::{ActionProblem, ProblemNotice},
        product::ProductCard,
    },
    i18n::use_i18n,
    set_page_status,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::Form, hooks::use_query_map};
use shared_model::{api::CartView, locale::Noun};

#[component]
pub fn ShopPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let query = use_query_map();
    let category = Memo::new(move |_| query.read().get("c").filter(|c| !c.is_empty()));
    let search = Memo::new(move |_| query.read().get("q").filter(|q| !q.trim().is_empty()));

    let me = use_me();
    let store_info = Resource::new(move || store.get(), |s| api::get_store(&s));
    let products = Resource::new(move || (store.get(), category.get(), search.get()), |(s, c, q)| api::list_products(&s, c, q));

    // Adding a product sets its quantity to one more than what the cart holds.
    let add = Action::new(|product: &String| api::add_one_to_cart(product.clone()));
    let cart = Resource::new(move || add.version().get(), |_| api::get_cart());
    let on_add = Callback::new(move |product: String| {
        add.dispatch(product);
    });

    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                match store_info.await {
                    Ok(s) => view! {
                        <Title text=s.name.clone()/>
                        <Meta name="description" content=format!("{} · {}", s.name, t.tagline())/>
                        <TopBar title=s.name.clone()/>
                    }.into_any(),
                    Err(error) => {
                        if error.status() == 404 { set_page_status(404); }
                        view! { <TopBar title=t.brand()/><ProblemNotice error/> }.into_any()
                    }
                }
            })}
        </Suspense>
        <main class="page page-with-nav">
            <Form method="GET" action="">
                <div class="search-bar" role="search">
                    <input
                        type="search"
                        name="q"
                        class="search-input"
                        placeholder=t.search_placeholder()
                        aria-label=t.search()
                        prop:value=move || search.get().unwrap_or_default()
                        data-testid="search-input"
                    />
                    {move || category.get().map(|c| view! { <input type="hidden" name="c" value=c/> })}
                    <button class="btn btn-primary" type="submit">{t.search()}</button>
                </div>
            </Form>
            <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    let viewer = me.await.ok().flatten();
                    let resident = may_shop_at(&viewer, &store.get_untracked());
                    match products.await {
                        Ok(list) => {
                            let s = store.get_untracked();
                            let current = category.get_untracked();
                            let tab = |id: Option<String>, label: String| {
                                let active = id == current;
                                let href = match &id { Some(c) => format!("/s/{s}?c={c}"), None => format!("/s/{s}") };
                                view! { <a class="tab" class:active=active href=href>{label}</a> }
                            };
                            let join_href = format!("/s/{s}/join");
                            let empty = list.products.is_empty();
                            view! {
                                {(!resident).then(|| view! {
                                    <a class="join-banner" href=join_href.clone() data-testid="join-banner">{t.join_to_buy()} " ›"</a>
                                })}
                                {(current.is_none() && search.get_untracked().is_none()).then(|| view! { <LiveStrip store=s.clone() resident/> })}
                                <nav class="tabs" aria-label="categories">
                                    {tab(None, t.all().to_string())}
                                    {list.categories.into_iter().map(|c| {
                                        let label = if t.0 == crate::i18n::Locale::ZhCn { c.name_zh } else { c.name_en };
                                        tab(Some(c.id.to_string()), label)
                                    }).collect_view()}
                                </nav>
                                {empty.then(|| view! { <p class="empty-state" data-testid="no-results">{t.no_results()}</p> })}
                                <div class="product-grid">
                                    {list.products.into_iter().map(|p| view! {
                                        <ProductCard product=p on_add can_buy=resident join_href=join_href.clone()/>
                                    }).collect_view()}
                                </div>
                            }.into_any()
                        }
                        Err(error) => view! { <ProblemNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionProblem result=add.value().into()/>
            <Transition>
                {move || Suspend::new(async move {
                    cart.await.ok().map(|c: CartView| c.cart).filter(|c| c.item_count > 0).map(|c| view! {
                        <a class="cart-bar" href=format!("/s/{}/cart", store.get_untracked()) data-testid="cart-bar">
                            <span>{t.cart()} " · " {t.count(c.item_count, Noun::Item)}</span>
                            <strong>{c.total.to_string()}</strong>
                        </a>
                    })
                })}
            </Transition>
        </main>
        <BottomNav store=store.get_untracked() active="shop"/>
    }
}
