//! `/s/:store/orders/:order`: one order with its pickup code, status, progress and lines;
//! once picked up, each line not reviewed yet offers 写评价.
//! Read once with the page; cancelling answers with the order as it now is, which replaces
//! what is shown (a cancel that fails leaves the page as it was).

use super::{
    not_found::{NotFound, PageProblem},
    use_order_and_my_reviews, use_param,
};
use crate::{
    api,
    components::{
        layout::{BottomNav, TopBar},
        member::SignInOrJoin,
        problem::ActionProblem,
    },
    i18n::{use_i18n, Locale},
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    order::{Order, OrderStatus},
    ProductId,
};

#[component]
pub fn OrderPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let order_id = use_param("order");
    // With her reviews, to tell which of its products she reviewed (none for a visitor).
    let order = use_order_and_my_reviews(order_id);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                let s = store.get_untracked();
                let frame = move |body: AnyView| view! {
                    <Title text=t.order()/>
                    <TopBar title=t.order() back=format!("/s/{s}/orders")/>
                    <main class="page page-with-nav">{body}</main>
                    <BottomNav store=s.clone() active="orders"/>
                };
                let (order, mine) = order.await;
                match order {
                    Ok(o) => {
                        let reviewed: Vec<ProductId> = mine
                            .map(|l| l.reviews.into_iter().filter(|r| r.review.order_id == o.id).map(|r| r.review.product_id).collect())
                            .unwrap_or_default();
                        frame(view! { <OrderBody initial=o reviewed/> }.into_any()).into_any()
                    }
                    Err(error) if error.status() == 404 => {
                        let back = format!("/s/{}/orders", store.get_untracked());
                        view! { <NotFound error back back_label=t.view_orders()/> }.into_any()
                    }
                    Err(error) if error.status() == 401 => {
                        let next = format!("/s/{}/orders/{}", store.get_untracked(), order_id.get_untracked());
                        frame(view! { <SignInOrJoin store=store.get_untracked() next title=t.orders_sign_in_title()/> }.into_any()).into_any()
                    }
                    Err(error) => frame(view! { <PageProblem error/> }.into_any()).into_any(),
                }
            })}
        </Suspense>
    }
}

/// The order as it stands, and cancelling it (an island).
#[cfg_attr(not(any(feature = "ssr", feature = "resident")), component)]
#[cfg_attr(any(feature = "ssr", feature = "resident"), island)]
fn OrderBody(initial: Order, reviewed: Vec<ProductId>) -> impl IntoView {
    let t = use_i18n();
    let current = RwSignal::new(initial);
    let cancel = Action::new(|id: &String| api::cancel_order(id));
    Effect::new(move |_| {
        if let Some(Ok(cancelled)) = cancel.value().get() {
            current.set(cancelled.order);
        }
    });
    let label = move |s: OrderStatus| if t.0 == Locale::ZhCn { s.label_zh() } else { s.label_en() };
    move || {
        let o = current.get();
        let cancellable = o.status == OrderStatus::Placed;
        let id = o.id.to_string();
        // The badge and the progress are one list: its last step is the status.
        let progress = o.progress();
        let status = progress.last().map_or(o.status, |step| step.status);
        let picked_up = o.status == OrderStatus::PickedUp;
        let review_link = |product: &ProductId| {
            let done = reviewed.contains(product);
            let href = format!("/s/{}/orders/{}/review/{product}", o.store_id, o.id);
            picked_up.then(|| {
                if done {
                    view! { <span class="muted small review-done">{t.reviewed()}</span> }.into_any()
                } else {
                    view! { <a class="btn btn-small review-write" href=href data-testid="write-review">{t.write_review()}</a> }
                        .into_any()
                }
            })
        };
        view! {
            <section class="pickup-card" data-testid="pickup-card">
                <p class="muted">{t.pickup_code()}</p>
                <p class="pickup-code" data-testid="pickup-code">{o.pickup_code.clone().unwrap_or_default()}</p>
                <p class=format!("status status-{}", status.as_str()) data-testid="order-status">{label(status)}</p>
                <p>{o.pickup_point.name.clone()} " · " {o.pickup_point.window.clone()}</p>
                <p class="muted">{o.pickup_point.address.clone()}</p>
                <p><strong>{t.pickup_date()} " " <span data-testid="pickup-date">{t.pickup_date_text(o.pickup_date)}</span></strong></p>
                <p class="muted small">{t.pickup_code_hint()}</p>
            </section>
            <section class="card">
                <h2 class="section-title">{t.status_timeline()}</h2>
                <ol class="timeline" data-testid="timeline">
                    {progress.into_iter().map(|step| view! {
                        <li class:current=step.current><span class="dot"></span><span>{label(step.status)}</span>
                            <span class="muted">{step.at.map(|at| t.when(at))}</span></li>
                    }).collect_view()}
                </ol>
            </section>
            <section class="card">
                <ul class="order-lines">
                    {o.lines.iter().map(|l| view! {
                        <li><span>{l.name.clone()} <span class="muted">{format!(" × {}", l.quantity)}</span></span>
                            <span class="line-end">{review_link(&l.product_id)}<span class="price">{l.line_total.to_string()}</span></span></li>
                    }).collect_view()}
                </ul>
                {o.coupon.clone().map(|c| view! {
                    <p class="checkout-sums" data-testid="order-coupon">{format!("{} {} · {} −{}", t.goods_total(), c.goods_total, t.coupon_discount(), c.discount)}</p>
                })}
                <p class="order-total">{t.total()} " " <strong class="price" data-testid="order-total">{o.total.to_string()}</strong></p>
                {o.note.clone().map(|n| view! { <p class="muted">{n}</p> })}
                {picked_up.then(|| view! {
                    <a class="link-inline small" href=format!("/s/{}/me/reviews", o.store_id) data-testid="my-reviews-link">{t.my_reviews_title()} " ›"</a>
                })}
            </section>
            {cancellable.then(|| view! {
                <p class="muted small">{t.cancel_before()} {t.when(o.cancel_deadline)}</p>
                <button class="btn btn-secondary btn-block" type="button" data-testid="cancel-order"
                    disabled=move || cancel.pending().get()
                    on:click=move |_| { cancel.dispatch(id.clone()); }>{t.cancel_order()}</button>
            })}
            <ActionProblem result=cancel.value().into()/>
        }
    }
}
