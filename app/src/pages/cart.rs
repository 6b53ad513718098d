//! `/s/:store/cart`: the cart, the pickup point and date, and placing the order.

use super::{new_idempotency_key, use_param};
use crate::{
    api,
    components::{
        layout::{BottomNav, TopBar},
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::{use_i18n, I18n},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use shared_model::{
    cart::{LineAvailability, PricedLine},
    order::{NewOrder, RequestedLine},
    PickupPointId,
};

fn availability_note(t: I18n, a: &LineAvailability) -> Option<String> {
    match a {
        LineAvailability::Ok => None,
        LineAvailability::SoldOut => Some(t.sold_out().to_string()),
        LineAvailability::Insufficient { available } => Some(format!("{} {available}", t.only_left())),
        LineAvailability::OverCap { cap, .. } => Some(format!("{} {cap}", t.over_cap())),
        LineAvailability::Unavailable => Some(t.unavailable().to_string()),
    }
}

#[component]
pub fn CartPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let store_info = Resource::new(move || store.get(), |s| api::get_store(&s));

    // Quantity changes and removals; the cart refetches after each.
    let set_quantity = Action::new(|(product, quantity): &(String, i64)| {
        let (product, quantity) = (product.clone(), *quantity);
        async move {
            if quantity <= 0 {
                api::remove_from_cart(&product).await
            } else {
                api::set_cart_quantity(&product, quantity).await
            }
        }
    });
    let cart = Resource::new(move || set_quantity.version().get(), |_| api::get_cart());

    let pickup = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    // One key per checkout attempt: a double tap or a retry after a timeout cannot order twice.
    let idempotency_key = RwSignal::new(String::new());
    let place = Action::new(move |order: &NewOrder| {
        let order = order.clone();
        let key = idempotency_key.get_untracked();
        api::place_order(&order, key)
    });
    let navigate = use_navigate();
    Effect::new(move |_| match place.value().get() {
        Some(Ok(placed)) => {
            idempotency_key.set(String::new());
            navigate(&format!("/s/{}/orders/{}", store.get_untracked(), placed.order.id), Default::default());
        }
        // A refusal is final for this attempt; the next tap is a new attempt.
        Some(Err(e)) if !e.may_have_succeeded() => idempotency_key.set(String::new()),
        _ => {}
    });

    view! {
        <Title text=t.cart()/>
        <TopBar title=t.cart() back=format!("/s/{}", store.get_untracked())/>
        <main class="page page-with-nav">
            <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    let info = store_info.await;
                    match cart.await {
                        Err(error) => view! {
                            <ProblemNotice error/>
                            <a class="btn btn-primary" href=format!("/s/{}/join", store.get_untracked())>{t.join_to_buy()}</a>
                        }.into_any(),
                        Ok(view_) if view_.cart.lines.is_empty() => view! {
                            <div class="empty-state" data-testid="cart-empty">
                                <p>{t.cart_empty()}</p>
                                <a class="btn btn-primary" href=format!("/s/{}", store.get_untracked())>{t.shop()}</a>
                            </div>
                        }.into_any(),
                        Ok(view_) => {
                            let points = info.map(|s| s.pickup_points).unwrap_or_default();
                            if pickup.get_untracked().is_empty() {
                                if let Some(first) = points.first() { pickup.set(first.id.to_string()); }
                            }
                            let lines: Vec<RequestedLine> = view_.cart.lines.iter().map(|l| RequestedLine { product_id: l.product_id.clone(), quantity: i64::from(l.quantity) }).collect();
                            let orderable = view_.cart.orderable;
                            let submit = move |ev: leptos::ev::SubmitEvent| {
                                ev.prevent_default();
                                if idempotency_key.get_untracked().is_empty() { idempotency_key.set(new_idempotency_key()); }
                                let note = note.get_untracked();
                                place.dispatch(NewOrder {
                                    pickup_point_id: PickupPointId::new_unchecked(pickup.get_untracked()),
                                    lines: lines.clone(),
                                    note: (!note.trim().is_empty()).then(|| note.trim().to_string()),
                                });
                            };
                            view! {
                                <ul class="cart-lines">
                                    {view_.cart.lines.into_iter().map(|line| view! { <CartLineRow line set_quantity/> }).collect_view()}
                                </ul>
                                <form class="form checkout" on:submit=submit>
                                    <label class="field">
                                        <span>{t.pickup_point()}</span>
                                        <select data-testid="pickup-point" on:change:target=move |ev| pickup.set(ev.target().value())>
                                            {points.into_iter().map(|p| {
                                                let id = p.id.to_string();
                                                let selected = id == pickup.get_untracked();
                                                view! { <option value=id selected=selected>{format!("{} ({})", p.name, p.window)}</option> }
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <p class="pickup-date">{t.pickup_date()} ": " <strong data-testid="pickup-date">{t.pickup_date_text(view_.pickup_date)}</strong></p>
                                    <label class="field">
                                        <span>{t.note()}</span>
                                        <input type="text" maxlength="100" prop:value=move || note.get() on:input:target=move |ev| note.set(ev.target().value())/>
                                    </label>
                                    <ActionProblem result=place.value().into()/>
                                    <div class="checkout-bar">
                                        <span>{t.total()} " " <strong class="price" data-testid="cart-total">{view_.cart.total.to_string()}</strong></span>
                                        <button class="btn btn-primary" type="submit" disabled=move || !orderable || place.pending().get() data-testid="place-order">
                                            {move || if place.pending().get() { t.placing() } else { t.place_order() }}
                                        </button>
                                    </div>
                                </form>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            <ActionProblem result=set_quantity.value().into()/>
        </main>
        <BottomNav store=store.get_untracked() active="cart"/>
    }
}

#[component]
fn CartLineRow(
    line: PricedLine,
    set_quantity: Action<(String, i64), api::ApiResult<shared_model::api::CartView>>,
) -> impl IntoView {
    let t = use_i18n();
    let id = line.product_id.to_string();
    let quantity = i64::from(line.quantity);
    let (dec, inc, del) = (id.clone(), id.clone(), id);
    view! {
        <li class="cart-line" data-testid="cart-line">
            <img src=line.image_url.clone() alt="" width="64" height="64"/>
            <div class="cart-line-body">
                <p class="cart-line-name">{line.name.clone()}</p>
                <p class="product-meta">{line.unit.clone()} " · " {line.unit_price.to_string()}</p>
                {availability_note(t, &line.availability).map(|n| view! { <p class="notice notice-warn">{n}</p> })}
                <div class="stepper">
                    <button type="button" aria-label="-" on:click=move |_| { set_quantity.dispatch((dec.clone(), quantity - 1)); }>"−"</button>
                    <span data-testid="line-quantity">{line.quantity}</span>
                    <button type="button" aria-label="+" on:click=move |_| { set_quantity.dispatch((inc.clone(), quantity + 1)); }>"+"</button>
                    <button type="button" class="link" on:click=move |_| { set_quantity.dispatch((del.clone(), 0)); }>{t.remove()}</button>
                </div>
            </div>
            <strong class="price">{line.line_total.to_string()}</strong>
        </li>
    }
}
