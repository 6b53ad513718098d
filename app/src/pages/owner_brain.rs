//! `/owner/brain`: 今日建议, the store's ranked actions for today, each with the numbers
//! behind it and a button that does it (pin the live offer, apply the markdown, send the
//! returning coupons), and the evening's 直播 SOP draft. The brain is computed at the edge
//! (the cron, hourly; or now, by 重新计算): this page only reads and acts.
//!
//! Test ids: `brain-suggestions`, `brain-suggestion` (with `data-kind`, and `data-product`
//! for a product's), `brain-act`,
//! `brain-refresh`, `brain-sop`, `brain-floor` (a markdown's lowest price).

use super::owner::{OwnerGate, OwnerNav, OwnerSection};
use crate::{
    api::{self, ApiResult},
    components::{
        layout::TopBar,
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::{use_i18n, I18n, Locale},
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    brain::{ChurnRisk, SopItem, StoreBrain, Suggestion, SuggestionCard},
    coupon::CouponTerms,
    identity::Me,
    live::LiveSessionStatus,
    markdown::{format_tenths, MarkdownRate},
    money::Fen,
    time::store_tz,
    ProductId,
};

#[component]
pub fn OwnerBrainPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.brain_title()/>
        <TopBar title=t.brain_title() back="/owner"/>
        <main class="page">
            <OwnerGate signed_in=|me: Me| view! { <OwnerNav active=OwnerSection::Brain/><OwnerBrain store=me.store_id.to_string()/> }/>
        </main>
    }
}

/// A price as the pin form reads it: yuan with two decimals, no symbol (`29.90`).
fn yuan(price: Fen) -> String {
    let fen = price.fen();
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// The live console's pin form for `live`, pre-filled with a live push.
fn pin_link(live: &str, product: &ProductId, flash: Fen, allotted: u32, cap: Option<u32>) -> String {
    let cap = cap.map(|c| format!("&cap={c}")).unwrap_or_default();
    format!("/owner/lives/{live}?product={product}&flash={}&allotted={allotted}{cap}#pin-form", yuan(flash))
}

/// 重新计算, for what changes the suggestions (the markdown floor).
#[derive(Clone, Copy)]
struct BrainRefresh(Action<(), ApiResult<StoreBrain>>);

#[component]
fn OwnerBrain(store: String) -> impl IntoView {
    let t = use_i18n();
    let refresh = Action::new({
        let store = store.clone();
        move |_: &()| api::refresh_brain(&store)
    });
    provide_context(BrainRefresh(refresh));
    let brain = Resource::new(
        {
            let store = store.clone();
            move || (store.clone(), refresh.version().get())
        },
        // The refresh stores the brain it computed: read again once it is done.
        |(store, _)| api::get_brain(&store),
    );
    // The live to pin in: on air first, then the next scheduled (the list's own order).
    let live = Resource::new(
        {
            let store = store.clone();
            move || store.clone()
        },
        |store| async move {
            api::list_lives(&store)
                .await
                .ok()
                .and_then(|l| l.lives.into_iter().find(|c| c.session.status != LiveSessionStatus::Ended))
                .map(|c| c.session.id.to_string())
        },
    );
    view! {
        <div class="brain-head">
            <button class="btn btn-small" type="button" data-testid="brain-refresh" disabled=move || refresh.pending().get()
                on:click=move |_| { refresh.dispatch(()); }>{t.brain_refresh()}</button>
            <a class="btn btn-small" href="/owner/radar">{t.radar_title()}</a>
        </div>
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || {
                let store = store.clone();
                Suspend::new(async move {
                    let live = live.await;
                    match brain.await {
                        Ok(brain) => view! { <BrainView brain store live/> }.into_any(),
                        Err(error) => view! { <ProblemNotice error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn BrainView(brain: StoreBrain, store: String, live: Option<String>) -> impl IntoView {
    let t = use_i18n();
    let at = brain.computed_at.with_timezone(&store_tz()).format("%m-%d %H:%M").to_string();
    let churning = brain.churning.clone();
    view! {
        <p class="muted small" data-testid="brain-computed">{t.brain_computed(&at, brain.compute_ms)}</p>
        {brain.suggestions.is_empty().then(|| view! { <p class="empty-state">{t.brain_empty()}</p> })}
        <ol class="brain-list" data-testid="brain-suggestions">
            {brain.suggestions.into_iter().map(|card| {
                view! { <SuggestionRow card store=store.clone() live=live.clone() churning=churning.clone()/> }
            }).collect_view()}
        </ol>
        <SopPanel sop=brain.sop live/>
    }
}

fn kind_of(s: &Suggestion) -> &'static str {
    match s {
        Suggestion::LivePush { .. } => "live_push",
        Suggestion::Markdown { .. } => "markdown",
        Suggestion::ChurnCoupon { .. } => "churn_coupon",
        Suggestion::RisingDemand { .. } => "rising_demand",
    }
}

fn kind_label(t: I18n, s: &Suggestion) -> &'static str {
    match s {
        Suggestion::LivePush { .. } => t.brain_kind_live_push(),
        Suggestion::Markdown { .. } => t.brain_kind_markdown(),
        Suggestion::ChurnCoupon { .. } => t.brain_kind_churn(),
        Suggestion::RisingDemand { .. } => t.brain_kind_rising(),
    }
}

/// One suggestion: its line, its numbers, and what does it.
#[component]
fn SuggestionRow(card: SuggestionCard, store: String, live: Option<String>, churning: Vec<ChurnRisk>) -> impl IntoView {
    let t = use_i18n();
    let text = match t.0 {
        Locale::ZhCn => card.text_zh.clone(),
        Locale::En => card.text_en.clone(),
    };
    let kind = kind_of(&card.suggestion);
    let product = match &card.suggestion {
        Suggestion::LivePush { product_id, .. } | Suggestion::Markdown { product_id, .. } => Some(product_id.to_string()),
        _ => None,
    };
    let label = kind_label(t, &card.suggestion);
    let evidence = evidence(t, &card.suggestion, &churning);
    let act = act(t, card.suggestion, store, live);
    view! {
        <li class=format!("brain-card brain-{kind}") data-testid="brain-suggestion" data-kind=kind data-product=product>
            <div class="brain-card-head">
                <span class=format!("status brain-kind brain-kind-{kind}")>{label}</span>
                <span class="muted small">{t.brain_at_stake()} " " {card.score.to_string()}</span>
            </div>
            <p class="brain-text">{text}</p>
            <ul class="brain-evidence">
                {evidence.into_iter().map(|(name, value)| view! { <li><span class="muted">{name}</span>" "<strong>{value}</strong></li> }).collect_view()}
            </ul>
            {act}
        </li>
    }
}

/// The numbers behind a suggestion, as (what, how much).
fn evidence(t: I18n, s: &Suggestion, churning: &[ChurnRisk]) -> Vec<(&'static str, String)> {
    match s {
        Suggestion::LivePush {
            unit,
            wishlist_wants,
            empty_searches,
            stock,
            regular_price,
            flash_price,
            allotted,
            per_buyer_cap,
            ..
        } => vec![
            (t.brain_ev_wants(), wishlist_wants.to_string()),
            (t.brain_ev_searches(), empty_searches.to_string()),
            (t.brain_ev_stock(), format!("{stock} {unit}")),
            (t.brain_ev_price(), format!("{regular_price} → {flash_price}")),
            (t.brain_ev_allotted(), format!("{allotted} {unit}")),
            (t.brain_ev_cap(), format!("{per_buyer_cap} {unit}")),
        ],
        Suggestion::Markdown { unit, selling_days, stock, daily_average_tenths, rate, price, regular_price, .. } => vec![
            (t.brain_ev_days_left(), selling_days.to_string()),
            (t.brain_ev_stock(), format!("{stock} {unit}")),
            (t.brain_ev_daily(), format!("{} {unit}", format_tenths(*daily_average_tenths))),
            (t.brain_ev_price(), format!("{regular_price} → {price} ({})", rate_label(t, *rate))),
        ],
        Suggestion::ChurnCoupon { residents, coupon, .. } => {
            let intervals: Vec<i64> = churning.iter().map(|r| r.usual_interval_days).collect();
            let away: Vec<i64> = churning.iter().map(|r| r.days_away).collect();
            let span = |v: &[i64]| match (v.iter().min(), v.iter().max()) {
                (Some(a), Some(b)) if a == b => a.to_string(),
                (Some(a), Some(b)) => format!("{a}–{b}"),
                _ => "-".to_owned(),
            };
            vec![
                (t.brain_ev_residents(), residents.len().to_string()),
                (t.brain_ev_usual(), span(&intervals)),
                (t.brain_ev_away(), span(&away)),
                (t.brain_ev_coupon(), coupon_label(t, coupon)),
            ]
        }
        Suggestion::RisingDemand { residents_this_week, residents_last_week, .. } => {
            vec![(t.radar_this_week(), residents_this_week.to_string()), (t.radar_last_week(), residents_last_week.to_string())]
        }
    }
}

fn rate_label(t: I18n, rate: MarkdownRate) -> String {
    match t.0 {
        Locale::ZhCn => rate.label_zh(),
        Locale::En => rate.label_en(),
    }
}

fn coupon_label(t: I18n, coupon: &CouponTerms) -> String {
    match t.0 {
        Locale::ZhCn => coupon.label_zh(),
        Locale::En => coupon.label_en(),
    }
}

/// The button (or link) that does a suggestion; a refusal is shown as its problem.
fn act(t: I18n, s: Suggestion, store: String, live: Option<String>) -> AnyView {
    match s {
        Suggestion::LivePush { product_id, flash_price, allotted, per_buyer_cap, .. } => {
            let href = match &live {
                Some(live) => pin_link(live, &product_id, flash_price, allotted, Some(per_buyer_cap)),
                None => "/owner/lives".to_owned(),
            };
            let label = if live.is_some() { t.brain_act_pin() } else { t.brain_no_live() };
            view! { <a class="btn btn-small btn-primary" href=href data-testid="brain-act">{label}</a> }.into_any()
        }
        Suggestion::Markdown { product_id, rate, .. } => {
            let floor = view! { <FloorForm store=store.clone() product_id=product_id.clone()/> };
            let apply = Action::new(move |_: &()| api::apply_markdown(&store, &product_id, rate));
            view! { {done_button(t, apply, t.brain_act_markdown())} {floor} }.into_any()
        }
        Suggestion::ChurnCoupon { coupon, .. } => {
            let send = Action::new(move |_: &()| api::send_returning_coupons(&store, &coupon));
            done_button(t, send, t.brain_act_coupon())
        }
        Suggestion::RisingDemand { .. } => {
            view! { <a class="btn btn-small" href="/owner/radar" data-testid="brain-act">{t.brain_act_radar()}</a> }.into_any()
        }
    }
}

/// The owner's lowest price for the product's markdowns, in yuan (empty: none). Once
/// saved the brain is computed again, so the suggestion obeys it.
#[component]
fn FloorForm(store: String, product_id: ProductId) -> impl IntoView {
    let t = use_i18n();
    let text = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let save = Action::new(move |floor: &Option<Fen>| api::set_markdown_floor(&store, &product_id, *floor));
    let refresh = use_context::<BrainRefresh>();
    Effect::new(move || {
        if let (Some(Ok(_)), Some(BrainRefresh(refresh))) = (save.value().get(), refresh) {
            refresh.dispatch(());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let entered = text.get_untracked();
        let floor = match entered.trim() {
            "" => Some(None),
            price => Fen::parse_yuan(price).map(Some),
        };
        invalid.set(floor.is_none());
        if let Some(floor) = floor {
            save.dispatch(floor);
        }
    };
    view! {
        <details class="brain-floor" data-testid="brain-floor">
            <summary class="muted small">{t.brain_floor_open()}</summary>
            <form class="brain-floor-form" on:submit=submit novalidate>
                <label class="field">
                    <span>{t.brain_floor_label()}</span>
                    <input type="text" inputmode="decimal" name="floor" placeholder="8.90"
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
                </label>
                <p class="field-hint">{t.brain_floor_hint()}</p>
                {move || invalid.get().then(|| view! { <p class="notice notice-error" role="alert">{t.brain_floor_invalid()}</p> })}
                <button class="btn btn-small" type="submit" disabled=move || save.pending().get()>{t.brain_floor_save()}</button>
                <ActionProblem result=save.value().into()/>
            </form>
        </details>
    }
}

/// A button that runs `action` once; done once it succeeds, its problem shown if not.
fn done_button(t: I18n, action: Action<(), ApiResult<serde_json::Value>>, label: &'static str) -> AnyView {
    let done = move || matches!(action.value().get(), Some(Ok(_)));
    view! {
        <div class="brain-act">
            <button class="btn btn-small btn-primary" type="button" data-testid="brain-act"
                disabled=move || action.pending().get() || done()
                on:click=move |_| { action.dispatch(()); }>
                {move || if done() { t.brain_done() } else { label }}
            </button>
            <ActionProblem result=action.value().into()/>
        </div>
    }
    .into_any()
}

/// The 直播 SOP draft: the pushes, then the closing 临期 segment.
#[component]
fn SopPanel(sop: Vec<SopItem>, live: Option<String>) -> impl IntoView {
    let t = use_i18n();
    view! {
        <section class="brain-sop" data-testid="brain-sop">
            <h2 class="section-title">{t.brain_sop_title()}</h2>
            {sop.is_empty().then(|| view! { <p class="muted small">{t.brain_sop_empty()}</p> })}
            <ol class="brain-sop-list">
                {sop.into_iter().map(|item| {
                    let href = live.as_ref().map(|l| pin_link(l, &item.product_id, item.flash_price, item.allotted, item.per_buyer_cap));
                    view! {
                        <li class="brain-sop-item">
                            <div class="brain-card-head">
                                <strong>{item.name.clone()}</strong>
                                <span><s class="muted small">{item.regular_price.to_string()}</s>" "<strong class="price">{item.flash_price.to_string()}</strong></span>
                            </div>
                            <p class="muted small">{t.brain_sop_units(item.allotted, item.per_buyer_cap)}</p>
                            <ul class="brain-points">
                                {item.talking_points.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                            </ul>
                            {href.map(|href| view! { <a class="btn btn-small" href=href>{t.brain_act_pin()}</a> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
