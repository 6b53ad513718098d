//! `/s/:store/cart`: the cart, the pickup point and date, and placing the order.
//!
//! The cart is read once with the page; each change answers with the new cart, which
//! replaces what is shown. A change that fails (offline, refused) leaves the cart as it
//! was and says why in the toast.

use super::{new_idempotency_key, not_found::PageProblem, use_param};
use crate::{
    api::{self, ApiResult},
    components::{
        hydration::use_hydrated,
        layout::{BottomNav, TopBar},
        member::SignInOrJoin,
        problem::ActionProblem,
        product::ShelfPriceTag,
        recommend::CartSuggestionList,
    },
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    api::CartView,
    cart::{LineAvailability, PricedLine},
    coupon::CartCoupon,
    order::{NewOrder, RequestedLine},
    store::PickupPoint,
    PickupPointId,
};

#[component]
pub fn CartPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let store_info = Resource::new(move || store.get(), |s| api::get_store(&s));
    let cart = Resource::new(|| (), |_| api::get_cart::<CartView>());

    view! {
        <Title text=t.cart()/>
        <TopBar title=t.cart() back=format!("/s/{}", store.get_untracked())/>
        <main class="page page-with-nav">
            <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    let s = store.get_untracked();
                    let points = store_info.await.map(|info| info.pickup_points).unwrap_or_default();
                    match cart.await {
                        Ok(initial) => view! { <CartBody initial points store=s/> }.into_any(),
                        // Signed out: sign in (or join) and come back here.
                        Err(error) if error.status() == 401 => {
                            view! { <SignInOrJoin store=s.clone() next=format!("/s/{s}/cart") title=t.cart_sign_in_title()/> }.into_any()
                        }
                        Err(error) => view! { <PageProblem error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
        <BottomNav store=store.get_untracked() active="cart"/>
    }
}

/// The cart as it stands: lines with their steppers, and the checkout form (an island).
#[cfg_attr(not(any(feature = "ssr", feature = "cart")), component)]
#[cfg_attr(any(feature = "ssr", feature = "cart"), island)]
fn CartBody(initial: CartView, points: Vec<PickupPoint>, store: String) -> impl IntoView {
    let t = use_i18n();
    let current = RwSignal::new(initial);
    // Bumped with every cart the server confirms, so 凑单推荐 follows the cart.
    let cart_version = RwSignal::new(0usize);

    // Quantity changes and removals answer with the new cart.
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
    Effect::new(move |_| {
        if let Some(Ok(view)) = set_quantity.value().get() {
            current.set(view);
            cart_version.update(|v| *v += 1);
        }
    });
    let add_suggestion = Callback::new(move |product: String| {
        set_quantity.dispatch((product, 1));
    });

    // The coupon to use: the best usable one, kept while the cart changes if it still
    // applies (`coupon::coupons_for_cart` puts the best first).
    let coupon = RwSignal::new(best_coupon(&current.get_untracked()));
    Effect::new(move |_| {
        let view = current.get();
        let still = coupon.get_untracked().is_some_and(|id| usable(&view).any(|c| c.coupon.id.as_str() == id));
        if !still {
            coupon.set(best_coupon(&view));
        }
    });
    let chosen = Memo::new(move |_| {
        let id = coupon.get()?;
        current.with(|v| usable(v).find(|c| c.coupon.id.as_str() == id).cloned())
    });

    let pickup = RwSignal::new(points.first().map(|p| p.id.to_string()).unwrap_or_default());
    let note = RwSignal::new(String::new());
    // One key per checkout attempt: a double tap or a retry after a timeout cannot order twice.
    let idempotency_key = RwSignal::new(String::new());
    let place = Action::new(move |order: &NewOrder| {
        let order = order.clone();
        let key = idempotency_key.get_untracked();
        api::place_order(&order, key)
    });
    Effect::new({
        let store = store.clone();
        move |_| match place.value().get() {
            Some(Ok(placed)) => {
                idempotency_key.set(String::new());
                crate::browser::go_to(&format!("/s/{store}/orders/{}", placed.order.id));
            }
            // A refusal is final for this attempt; the next tap is a new attempt.
            Some(Err(e)) if !e.may_have_succeeded() => idempotency_key.set(String::new()),
            _ => {}
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if idempotency_key.get_untracked().is_empty() {
            idempotency_key.set(new_idempotency_key());
        }
        let note = note.get_untracked();
        let lines = current.with_untracked(|v| v.cart.order_lines().into_iter().map(RequestedLine::from).collect());
        place.dispatch(NewOrder {
            pickup_point_id: PickupPointId::new_unchecked(pickup.get_untracked()),
            lines,
            note: (!note.trim().is_empty()).then(|| note.trim().to_string()),
            coupon_id: chosen.get_untracked().map(|c| c.coupon.id),
        });
    };

    // Placing the order runs in the wasm: the button waits for it.
    let hydrated = use_hydrated();
    let empty = Memo::new(move |_| current.with(|v| v.cart.lines.is_empty()));
    let orderable = Memo::new(move |_| current.with(|v| v.cart.orderable));
    let shop_href = format!("/s/{store}");
    view! {
        <Show
            when=move || !empty.get()
            fallback=move || view! {
                <div class="empty-state" data-testid="cart-empty">
                    <p>{t.cart_empty()}</p>
                    <a class="btn btn-primary" href=shop_href.clone()>{t.shop()}</a>
                </div>
            }
        >
            <ul class="cart-lines">
                {move || current.with(|v| v.cart.lines.clone()).into_iter().map(|line| view! { <CartLineRow line set_quantity/> }).collect_view()}
            </ul>
            <CartSuggestionList version=cart_version.into() on_add=add_suggestion/>
        </Show>
        <form class="form checkout" class:hidden=move || empty.get() on:submit=submit>
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
            <p class="pickup-date">{t.pickup_date()} ": " <strong data-testid="pickup-date">{move || t.pickup_date_text(current.with(|v| v.pickup_date))}</strong></p>
            <label class="field">
                <span>{t.note()}</span>
                <input type="text" maxlength="100" prop:value=move || note.get() on:input:target=move |ev| note.set(ev.target().value())/>
            </label>
            <CouponChoices current coupon/>
            <ActionProblem result=place.value().into()/>
            {move || (!orderable.get()).then(|| view! { <p class="notice notice-warn cart-blocked" data-testid="cart-blocked">{t.cart_blocked()}</p> })}
            {move || chosen.get().and_then(|c| Some((c.discount?, current.with(|v| v.cart.total)))).map(|(discount, goods)| view! {
                <p class="checkout-sums" data-testid="coupon-sums">{format!("{} {goods} · {} −{discount}", t.goods_total(), t.coupon_discount())}</p>
            })}
            <div class="checkout-bar">
                <span>
                    {t.total()} " "
                    <strong class="price" data-testid="cart-total">
                        {move || chosen.get().and_then(|c| c.pays).unwrap_or_else(|| current.with(|v| v.cart.total)).to_string()}
                    </strong>
                </span>
                <button class="btn btn-primary" type="submit" disabled=move || !hydrated.get() || !orderable.get() || place.pending().get() data-testid="place-order">
                    {move || if place.pending().get() { t.placing() } else { t.place_order() }}
                </button>
            </div>
        </form>
        <ActionProblem result=set_quantity.value().into() toast=true/>
    }
}

/// One line: what, how many, why it cannot be ordered (if so) and what it adds to the
/// total — nothing when it cannot be ordered, and it says so.
#[component]
fn CartLineRow(line: PricedLine, set_quantity: Action<(String, i64), ApiResult<CartView>>) -> impl IntoView {
    let t = use_i18n();
    let id = line.product_id.to_string();
    let quantity = i64::from(line.quantity);
    let (dec, inc, del) = (id.clone(), id.clone(), id);
    let counted = line.availability == LineAvailability::Ok;
    let reason = line.availability.problem().map(|p| t.message(&p));
    view! {
        <li class="cart-line" class:cart-line-blocked=!counted data-testid="cart-line">
            <img src=line.image_url.clone() alt="" width="64" height="64"/>
            <div class="cart-line-body">
                <p class="cart-line-name">{line.name.clone()}</p>
                <p class="product-meta">{line.unit.clone()}</p>
                <ShelfPriceTag price=line.unit_price markdown=line.markdown/>
                {reason.map(|n| view! { <p class="notice notice-warn" data-testid="line-problem">{n}</p> })}
                <div class="stepper">
                    <button type="button" aria-label="-" on:click=move |_| { set_quantity.dispatch((dec.clone(), quantity - 1)); }>"−"</button>
                    <span data-testid="line-quantity">{line.quantity}</span>
                    <button type="button" aria-label="+" on:click=move |_| { set_quantity.dispatch((inc.clone(), quantity + 1)); }>"+"</button>
                    <button type="button" class="link" on:click=move |_| { set_quantity.dispatch((del.clone(), 0)); }>{t.remove()}</button>
                </div>
            </div>
            <div class="cart-line-amount">
                <strong class="price" class:price-excluded=!counted data-testid="line-total">{line.line_total.to_string()}</strong>
                {(!counted).then(|| view! { <span class="line-not-counted">{t.line_not_counted()}</span> })}
            </div>
        </li>
    }
}

/// Her coupons that apply to the cart as it stands, best first.
fn usable(view: &CartView) -> impl Iterator<Item = &CartCoupon> {
    view.coupons.iter().filter(|c| c.discount.is_some())
}

fn best_coupon(view: &CartView) -> Option<String> {
    usable(view).next().map(|c| c.coupon.id.to_string())
}

/// 优惠券: her coupons for this cart, one to choose (or none); those that do not apply
/// yet say why (满 how much more).
#[component]
fn CouponChoices(current: RwSignal<CartView>, coupon: RwSignal<Option<String>>) -> impl IntoView {
    let t = use_i18n();
    let coupons = Memo::new(move |_| current.with(|v| v.coupons.clone()));
    view! {
        <Show when=move || coupons.with(|c| !c.is_empty())>
            <fieldset class="coupon-choices" data-testid="coupons">
                <legend>{t.coupon()}</legend>
                {move || coupons.get().into_iter().map(|c| {
                    let id = c.coupon.id.to_string();
                    let usable = c.discount.is_some();
                    let checked = { let id = id.clone(); move || coupon.get().as_deref() == Some(id.as_str()) };
                    let why = c.problem.map(|p| t.message(&p));
                    view! {
                        <label class="coupon-choice" class:coupon-unusable=!usable data-testid="coupon-choice">
                            <input type="radio" name="coupon" disabled=!usable prop:checked=checked
                                on:change=move |_| coupon.set(Some(id.clone()))/>
                            <span>
                                <strong>{t.coupon_label(&c.coupon)}</strong>
                                {why.map(|w| view! { <br/><span class="coupon-why">{w}</span> })}
                            </span>
                        </label>
                    }
                }).collect_view()}
                <label class="coupon-choice coupon-unusable">
                    <input type="radio" name="coupon" prop:checked=move || coupon.get().is_none() on:change=move |_| coupon.set(None)/>
                    <span>{t.no_coupon()}</span>
                </label>
            </fieldset>
        </Show>
    }
}
