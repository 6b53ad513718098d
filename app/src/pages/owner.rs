//! `/owner`: the store owner's console — sign in, then set stock and per-buyer caps.

use crate::{
    api,
    components::{layout::TopBar, problem::{ActionProblem, ProblemNotice}, product::StockBadge},
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{api::StockUpdate, catalog::ProductSummary, identity::{OwnerSignIn, Role}};

#[component]
pub fn OwnerPage() -> impl IntoView {
    let t = use_i18n();
    let sign_in = Action::new(|req: &OwnerSignIn| api::sign_in_owner(req));
    let me = Resource::new(move || sign_in.version().get(), |_| api::get_me());
    view! {
        <Title text=t.owner_console()/>
        <TopBar title=t.owner_console() back="/"/>
        <main class="page">
            <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(me)) if me.role == Role::Owner => view! { <OwnerProducts store=me.store_id.to_string()/> }.into_any(),
                        _ => view! { <OwnerSignInForm sign_in/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn OwnerSignInForm(sign_in: Action<OwnerSignIn, api::ApiResult<shared_model::identity::Me>>) -> impl IntoView {
    let t = use_i18n();
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
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

#[component]
fn OwnerProducts(store: String) -> impl IntoView {
    let t = use_i18n();
    let products = Resource::new({ let store = store.clone(); move || store.clone() }, |s| api::list_products(&s, None, None));
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
