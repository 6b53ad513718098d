//! `/owner/supply`: 备货 for tomorrow's pickups. Per pickup point, the totals by product
//! and then each order's bag by its 跟团号 (never a pickup code), printable on its own
//! (`@media print` in app.css); a purchase order per supplier by shared-model's rule
//! (orders + safety stock − on hand, in whole packs), each sent to its supplier through
//! the queue with 发送, with its delivery's attempts and next retry; and the dead letters,
//! each with 重发.
//!
//! Test ids: `supply-day`, `supply-print`, `supply-refresh`, `supply-point` (with
//! `data-point`), `supply-total`, `supply-bag`, `supply-po` (with `data-po` and
//! `data-status`), `supply-po-line`, `supply-send`, `supply-dead-letter`, `supply-resend`.

use super::owner::{OwnerGate, OwnerNav, OwnerSection};
use crate::{
    api,
    components::{
        layout::TopBar,
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::{use_i18n, use_locale, I18n},
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    api::{PurchaseOrderView, ResendPurchaseOrder, SendPurchaseOrder, SupplyDeliveries, SupplyPlan},
    identity::Me,
    locale::format_pickup_date,
    supply::{DeliveryStatus, PointPicks},
    time::local_naive,
};

#[component]
pub fn OwnerSupplyPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.supply_title()/>
        <TopBar title=t.supply_title() back="/owner"/>
        <main class="page page-supply">
            <OwnerGate signed_in=|me: Me| view! { <OwnerNav active=OwnerSection::Supply/><OwnerSupply store=me.store_id.to_string()/> }/>
        </main>
    }
}

#[component]
fn OwnerSupply(store: String) -> impl IntoView {
    let t = use_i18n();
    let refresh = RwSignal::new(0u32);
    let send = Action::new({
        let store = store.clone();
        move |order: &SendPurchaseOrder| api::send_purchase_order(&store, order)
    });
    let resend = Action::new({
        let store = store.clone();
        move |order: &ResendPurchaseOrder| api::resend_purchase_order(&store, order)
    });
    let versions = move || (refresh.get(), send.version().get(), resend.version().get());
    let plan = Resource::new(
        {
            let store = store.clone();
            move || (store.clone(), versions())
        },
        |(store, _)| api::get_supply(&store),
    );
    let deliveries = Resource::new(move || (store.clone(), versions()), |(store, _)| api::get_supply_deliveries(&store));
    // Tapped again while the plan is on its way, 刷新 would only restart it.
    let reading = RwSignal::new(false);
    view! {
        <div class="supply-actions">
            <button class="btn btn-small" type="button" data-testid="supply-refresh" disabled=move || reading.get() on:click=move |_| refresh.update(|n| *n += 1)>
                {t.supply_refresh()}
            </button>
            <button class="btn btn-small btn-primary" type="button" data-print="" data-testid="supply-print">{t.supply_print()}</button>
        </div>
        <ActionProblem result=send.value().into() toast=true/>
        <ActionProblem result=resend.value().into() toast=true/>
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> } set_pending=reading.write_only()>
            {move || Suspend::new(async move {
                match plan.await {
                    Ok(plan) => view! { <PlanView plan send/> }.into_any(),
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match deliveries.await {
                    Ok(deliveries) => view! { <DeadLetters deliveries resend/> }.into_any(),
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The day's pick list, then its purchase orders.
#[component]
fn PlanView(plan: SupplyPlan, send: Action<SendPurchaseOrder, api::ApiResult<PurchaseOrderView>>) -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let day = plan.pickup_date;
    let state = if plan.orders_final { t.supply_final() } else { t.supply_open() };
    view! {
        <section class="supply-picks" data-testid="supply-picks">
            <h2 class="section-title" data-testid="supply-day">{t.supply_pick_list()} " · " {t.supply_day(format_pickup_date(locale, day))}</h2>
            <p class="muted small supply-state">{state}</p>
            {plan.pick_list.is_empty().then(|| view! { <p class="muted small">{t.supply_no_orders()}</p> })}
            {plan.pick_list.into_iter().map(|point| view! { <PointView point/> }).collect_view()}
        </section>
        <section class="supply-pos">
            <h2 class="section-title">{t.supply_purchase_orders()}</h2>
            <p class="muted small">{t.supply_rule()}</p>
            {plan.purchase_orders.is_empty().then(|| view! { <p class="muted small">{t.supply_no_purchase()}</p> })}
            {plan.purchase_orders.into_iter().map(|order| view! { <PurchaseOrderCard order send/> }).collect_view()}
        </section>
    }
}

/// One pickup point: the totals by product, then the bags by 跟团号.
#[component]
fn PointView(point: PointPicks) -> impl IntoView {
    let t = use_i18n();
    view! {
        <article class="card supply-point" data-testid="supply-point" data-point=point.pickup_point_id.to_string()>
            <h3 class="supply-point-name">{point.pickup_point_name}</h3>
            <p class="supply-subhead">{t.supply_totals()}</p>
            <ul class="supply-totals">
                {point.totals.into_iter().map(|line| view! {
                    <li data-testid="supply-total" data-product=line.product_id.to_string()>
                        <span>{line.name}</span><strong>{t.supply_units(line.quantity, &line.unit)}</strong>
                    </li>
                }).collect_view()}
            </ul>
            <p class="supply-subhead">{t.supply_bags()}</p>
            <ol class="supply-bags">
                {point.bags.into_iter().map(|bag| {
                    let number = bag.group_number.map_or_else(|| t.supply_unnumbered().to_string(), |n| t.supply_bag(n));
                    view! {
                        <li class="supply-bag" data-testid="supply-bag" data-order=bag.order_id.to_string()>
                            <span class="supply-bag-number">{number}</span>
                            <span class="supply-bag-lines">
                                {bag.lines.into_iter().map(|l| format!("{} {}", l.name, t.supply_units(l.quantity, &l.unit))).collect::<Vec<_>>().join("、")}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </article>
    }
}

/// A supplier's purchase order: its lines by the rule, 发送 until sent, then its delivery.
#[component]
fn PurchaseOrderCard(
    order: PurchaseOrderView,
    send: Action<SendPurchaseOrder, api::ApiResult<PurchaseOrderView>>,
) -> impl IntoView {
    let t = use_i18n();
    let status = order.delivery.as_ref().map(|d| d.status);
    let request = SendPurchaseOrder { supplier_id: order.supplier.id.clone(), pickup_date: order.pickup_date };
    let delivery = order.delivery.as_ref().map(|d| {
        let next =
            d.attempts.last().filter(|_| d.status == DeliveryStatus::Retrying).and_then(|a| a.next_retry_at).map(clock_seconds);
        t.supply_attempts(d.attempts.len(), next)
    });
    view! {
        <article class="card supply-po" data-testid="supply-po" data-po=order.id.to_string()
            data-status=status.map_or("not_sent", DeliveryStatus::as_str)>
            <div class="supply-po-head">
                <h3 class="supply-po-supplier">{order.supplier.name.clone()}</h3>
                {order.supplier.demo.then(|| view! { <span class="supply-demo-badge">{t.supply_demo()}</span> })}
            </div>
            <table class="supply-po-lines">
                <thead><tr>
                    <th scope="col">{t.supply_col_product()}</th>
                    <th scope="col">{t.supply_col_need()}</th>
                    <th scope="col">{t.supply_col_pack()}</th>
                    <th scope="col">{t.supply_col_quantity()}</th>
                </tr></thead>
                <tbody>
                    {order.lines.into_iter().map(|l| view! {
                        <tr data-testid="supply-po-line" data-product=l.product_id.to_string() data-quantity=l.quantity>
                            <td>{l.name.clone()}</td>
                            <td>{format!("{}/{}/{}", l.ordered, l.safety_stock, l.on_hand)}</td>
                            <td>{l.pack_size}</td>
                            <td><strong>{t.supply_packs(l.quantity, l.packs())}</strong></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="supply-po-foot">
                <p class=format!("supply-status supply-status-{}", status.map_or("not_sent", DeliveryStatus::as_str))>
                    {status_text(t, status)}
                    {delivery.map(|d| view! { <span class="muted small">" · " {d}</span> })}
                </p>
                {status.is_none().then(|| view! {
                    <button class="btn btn-small btn-primary" type="button" data-testid="supply-send" disabled=move || send.pending().get()
                        on:click=move |_| { send.dispatch(request.clone()); }>{t.supply_send()}</button>
                })}
            </div>
        </article>
    }
}

/// An instant's store time to the second (retries come seconds apart): `21:30:05`.
fn clock_seconds(at: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    let local = local_naive(at);
    format!("{:02}:{:02}:{:02}", local.hour(), local.minute(), local.second())
}

fn status_text(t: I18n, status: Option<DeliveryStatus>) -> &'static str {
    match status {
        None => t.supply_not_sent(),
        Some(DeliveryStatus::Queued) => t.supply_status_queued(),
        Some(DeliveryStatus::Retrying) => t.supply_status_retrying(),
        Some(DeliveryStatus::Delivered) => t.supply_status_delivered(),
        Some(DeliveryStatus::DeadLettered) => t.supply_status_dead(),
    }
}

/// The dead-letter list, each with 重发.
#[component]
fn DeadLetters(
    deliveries: SupplyDeliveries,
    resend: Action<ResendPurchaseOrder, api::ApiResult<PurchaseOrderView>>,
) -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    view! {
        <section class="supply-dead" data-testid="supply-dead-letters">
            <h2 class="section-title">{t.supply_dead_letters()}</h2>
            {deliveries.dead_letters.is_empty().then(|| view! { <p class="muted small">{t.supply_no_dead_letters()}</p> })}
            <ul class="supply-dead-list">
                {deliveries.dead_letters.into_iter().map(|d| {
                    let request = ResendPurchaseOrder { purchase_order_id: d.purchase_order_id.clone() };
                    view! {
                        <li class="card supply-dead-item" data-testid="supply-dead-letter" data-po=d.purchase_order_id.to_string()>
                            <span>{t.supply_dead_letter(&d.supplier_name, format_pickup_date(locale, d.pickup_date), d.attempts)}</span>
                            <button class="btn btn-small btn-primary" type="button" data-testid="supply-resend" disabled=move || resend.pending().get()
                                on:click=move |_| { resend.dispatch(request.clone()); }>{t.supply_resend()}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
