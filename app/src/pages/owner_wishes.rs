//! `/owner/wishes`: the owner answers the store's 心愿单 — most wanted first: source it,
//! say it is on the shelf (its voters are told), or decline with a reason they read.

use super::owner::{OwnerGate, OwnerNav, OwnerSection};
use crate::{
    api,
    components::{
        layout::TopBar,
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    api::DemandCard,
    catalog::ProductSummary,
    community::{DemandChange, DemandStatus},
    identity::Me,
    ProductId,
};

#[component]
pub fn OwnerWishesPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.owner_wishes_title()/>
        <TopBar title=t.owner_wishes_title() back="/owner"/>
        <main class="page">
            <OwnerGate signed_in=|me: Me| view! { <OwnerNav active=OwnerSection::Wishes/><OwnerWishes store=me.store_id.to_string()/> }/>
        </main>
    }
}

#[component]
fn OwnerWishes(store: String) -> impl IntoView {
    let t = use_i18n();
    let answer = Action::new(|(demand, change): &(String, DemandChange)| api::answer_demand(demand, change));
    let wishes = Resource::new(
        {
            let store = store.clone();
            move || (store.clone(), answer.version().get())
        },
        |(store, _)| api::list_demands(&store),
    );
    let products = Resource::new(move || store.clone(), |s| api::list_products(&s, None, None));
    view! {
        <ActionProblem result=answer.value().into()/>
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                let products = products.await.map(|l| l.products).unwrap_or_default();
                match wishes.await {
                    Ok(list) if list.demands.is_empty() => view! { <p class="empty-state">{t.wishes_empty()}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="wish-list" data-testid="owner-wish-list">
                            {list.demands.into_iter().map(|card| view! { <OwnerWishRow card products=products.clone() answer/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One wish and the owner's answers to it.
#[component]
fn OwnerWishRow(
    card: DemandCard,
    products: Vec<ProductSummary>,
    answer: Action<(String, DemandChange), api::ApiResult<DemandCard>>,
) -> impl IntoView {
    let t = use_i18n();
    let demand = card.demand;
    let id = demand.id.to_string();
    let status = demand.status;
    let product = RwSignal::new(products.first().map(|p| p.id.to_string()).unwrap_or_default());
    let reason = RwSignal::new(String::new());
    let send = move |change: DemandChange| {
        answer.dispatch((id.clone(), change));
    };
    let label = match status {
        DemandStatus::Collecting => t.wish_collecting(),
        DemandStatus::Sourcing => t.wish_sourcing(),
        DemandStatus::Stocked => t.wish_stocked(),
        DemandStatus::Declined => t.wish_declined(),
    };
    view! {
        <li class="wish" data-testid="owner-wish">
            <div class="wish-head">
                <span class=format!("status wish-status-{}", status.as_str())>{label}</span>
                <span class="muted small">{t.wish_votes(demand.votes)}</span>
                {demand.price.map(|p| view! { <span class="muted small">{t.wish_would_pay()} " " {p.to_string()}</span> })}
            </div>
            <p class="wish-text">{demand.text.clone()}</p>
            {(!status.is_final()).then(|| {
                let (sourcing, stock, decline) = (send.clone(), send.clone(), send);
                view! {
                    <div class="wish-answers">
                        {(status == DemandStatus::Collecting).then(|| view! {
                            <button class="btn btn-small" type="button" on:click=move |_| { sourcing(DemandChange::Sourcing); }>{t.owner_wish_sourcing()}</button>
                        })}
                        <form class="owner-row-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            stock(DemandChange::Stocked { product_id: ProductId::new_unchecked(product.get_untracked()) });
                        }>
                            <select aria-label=t.owner_wish_product() prop:value=move || product.get()
                                on:change:target=move |ev| product.set(ev.target().value()) data-testid="owner-wish-product">
                                {products.iter().map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> }).collect_view()}
                            </select>
                            <button class="btn btn-small btn-primary" type="submit">{t.owner_wish_stock()}</button>
                        </form>
                        <form class="owner-row-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            decline(DemandChange::Declined { reason: reason.get_untracked() });
                        }>
                            <input type="text" maxlength="100" placeholder=t.owner_wish_reason() aria-label=t.owner_wish_reason()
                                prop:value=move || reason.get() on:input:target=move |ev| reason.set(ev.target().value())/>
                            <button class="btn btn-small" type="submit">{t.owner_wish_decline()}</button>
                        </form>
                    </div>
                }
            })}
            {demand.decline_reason.clone().map(|r| view! { <p class="muted small">{r}</p> })}
        </li>
    }
}
