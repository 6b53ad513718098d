//! `/owner/numbers`: 经营数据, the last 7 whole days' numbers of the store (MAU, repurchase rate, AOV,
//! NPS, turnover days, loss rate, live share, 坪效 and 人效), each with its change from
//! last week and a 13-week trend drawn as SVG in the server's HTML, and the week's best
//! sellers; and today so far. Definitions: shared-model's `metrics`.
//!
//! The owner keeps the store's area and staff (behind 坪效 and 人效) here too.
//!
//! Test ids: `numbers-refresh`, `numbers-card` (with `data-metric`), `numbers-value`,
//! `numbers-change`, `numbers-trend`, `numbers-top`, `numbers-today`, `numbers-size`,
//! `numbers-size-edit`, `numbers-area`, `numbers-staff`, `numbers-size-save`,
//! `numbers-size-saved`.

use super::owner::{OwnerGate, OwnerNav, OwnerSection};
use crate::{
    api,
    components::{
        layout::TopBar,
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::{use_i18n, I18n},
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    identity::Me,
    metrics::{change, format_permille, Metric, StoreNumbers, StoreSize},
    time::store_tz,
    Fen,
};

#[component]
pub fn OwnerNumbersPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.numbers_title()/>
        <TopBar title=t.numbers_title() back="/owner"/>
        <main class="page">
            <OwnerGate signed_in=|me: Me| view! { <OwnerNav active=OwnerSection::Numbers/><OwnerNumbers store=me.store_id.to_string()/> }/>
        </main>
    }
}

#[component]
fn OwnerNumbers(store: String) -> impl IntoView {
    let t = use_i18n();
    let refresh = Action::new({
        let store = store.clone();
        move |_: &()| api::refresh_numbers(&store)
    });
    let resize = Action::new({
        let store = store.clone();
        move |size: &StoreSize| api::set_store_size(&store, *size)
    });
    let numbers = Resource::new(move || (store.clone(), refresh.version().get()), |(store, _)| api::get_numbers(&store));
    // A saved size answers with the numbers it changes: shown as they are, not read again.
    // A refused one changes nothing, and the form keeps what she typed.
    Effect::new(move |_| {
        if let Some(Ok(resized)) = resize.value().get() {
            numbers.set(Some(Ok(resized)));
        }
    });
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                match numbers.await {
                    Ok(numbers) => view! { <NumbersView numbers refresh=Some(refresh) resize=Some(resize)/> }.into_any(),
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// How a number reads: a count, money, a rate in ‰, NPS, days in tenths.
#[derive(Clone, Copy)]
enum Unit {
    Count,
    Money,
    Permille,
    Score,
    Tenths,
}

fn unit(metric: Metric) -> Unit {
    match metric {
        Metric::Mau | Metric::Orders => Unit::Count,
        Metric::Aov | Metric::Sales | Metric::PerM2 | Metric::PerStaff => Unit::Money,
        Metric::Repurchase | Metric::Loss | Metric::LiveShare => Unit::Permille,
        Metric::Nps => Unit::Score,
        Metric::Turnover => Unit::Tenths,
    }
}

/// A number's name on the page.
pub fn metric_label(t: I18n, metric: Metric) -> &'static str {
    match metric {
        Metric::Mau => t.numbers_mau(),
        Metric::Repurchase => t.numbers_repurchase(),
        Metric::Aov => t.numbers_aov(),
        Metric::Nps => "NPS",
        Metric::Turnover => t.numbers_turnover(),
        Metric::Loss => t.numbers_loss(),
        Metric::Sales => t.numbers_sales(),
        Metric::Orders => t.numbers_orders(),
        Metric::LiveShare => t.numbers_live_share(),
        Metric::PerM2 => t.numbers_per_m2(),
        Metric::PerStaff => t.numbers_per_staff(),
    }
}

/// A number as it reads: `214`, `¥111.88`, `96.3%`, `12.1 天`; "—" when unknown.
pub fn value_text(t: I18n, metric: Metric, value: Option<i64>) -> String {
    let Some(v) = value else { return "—".to_string() };
    match unit(metric) {
        Unit::Count | Unit::Score => v.to_string(),
        Unit::Money => Fen::from_fen(v).to_string(),
        Unit::Permille => u32::try_from(v).map(format_permille).unwrap_or_default(),
        Unit::Tenths => t.numbers_days(format!("{}.{}", v / 10, v % 10)),
    }
}

/// `▲ 1.5 个百分点`, `▼ ¥2.00`, `持平`; `None` when a week is unknown.
fn change_text(t: I18n, metric: Metric, delta: i64) -> String {
    let arrow = match delta {
        0 => return t.numbers_flat().to_string(),
        d if d > 0 => "▲",
        _ => "▼",
    };
    let size = delta.unsigned_abs();
    let amount = match unit(metric) {
        Unit::Count | Unit::Score => size.to_string(),
        Unit::Money => Fen::from_fen(i64::try_from(size).unwrap_or(i64::MAX)).to_string(),
        Unit::Permille => t.numbers_points(format!("{}.{}", size / 10, size % 10)),
        Unit::Tenths => t.numbers_days(format!("{}.{}", size / 10, size % 10)),
    };
    format!("{arrow} {amount}")
}

/// The trend's width and height, in the SVG's own units.
const TREND_W: f64 = 120.0;
const TREND_H: f64 = 32.0;

/// The trend as polylines' points: one polyline for each run of known weeks (a week with
/// nothing to divide by breaks the line), scaled between the series' least and greatest.
fn trend_lines(values: &[Option<i64>]) -> Vec<String> {
    let known: Vec<i64> = values.iter().flatten().copied().collect();
    let (Some(&low), Some(&high)) = (known.iter().min(), known.iter().max()) else { return Vec::new() };
    let span = (high - low).max(1) as f64;
    let step = TREND_W / (values.len().max(2) - 1) as f64;
    let mut lines = Vec::new();
    let mut points: Vec<String> = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => {
                let y = 2.0 + (TREND_H - 4.0) * (1.0 - (v - low) as f64 / span);
                points.push(format!("{:.1},{:.1}", i as f64 * step, y));
            }
            None if !points.is_empty() => lines.push(std::mem::take(&mut points).join(" ")),
            None => {}
        }
    }
    if !points.is_empty() {
        lines.push(points.join(" "));
    }
    lines
}

/// A store's numbers: the last 7 days' cards, best sellers and today so far; with the
/// button that counts again when `refresh` is given and the size form when `resize` is
/// (the owner's page, not HQ's).
#[component]
pub fn NumbersView(
    numbers: StoreNumbers,
    refresh: Option<Action<(), api::ApiResult<StoreNumbers>>>,
    resize: Option<Action<StoreSize, api::ApiResult<StoreNumbers>>>,
) -> impl IntoView {
    let t = use_i18n();
    let updated = numbers.updated_at.with_timezone(&store_tz()).format("%H:%M").to_string();
    let period = t.numbers_period(numbers.as_of);
    let today = t.numbers_today(updated, numbers.today.orders, numbers.today.paid.to_string());
    let size = t.numbers_size(numbers.size.area_m2, numbers.size.staff);
    let cards: Vec<_> = Metric::ALL
        .into_iter()
        .map(|metric| {
            let values: Vec<Option<i64>> = numbers.weeks.iter().map(|w| metric.of(w)).collect();
            view! { <MetricCard metric values/> }
        })
        .collect();
    view! {
        <div class="numbers-head">
            <div>
                <p class="numbers-store">{numbers.store_name.clone()}</p>
                <p class="muted small">{period}</p>
                <p class="muted small" data-testid="numbers-size">{size}</p>
                <p class="numbers-today" data-testid="numbers-today">{today}</p>
            </div>
            {refresh.map(|refresh| view! {
                <button class="btn btn-small" type="button" data-testid="numbers-refresh" disabled=move || refresh.pending().get()
                    on:click=move |_| { refresh.dispatch(()); }>{t.numbers_refresh()}</button>
            })}
        </div>
        {resize.map(|resize| view! { <SizeForm size=numbers.size resize/> })}
        <div class="numbers-grid">{cards}</div>
        <section class="card" data-testid="numbers-top">
            <h2 class="section-title">{t.numbers_top()}</h2>
            {numbers.top_products.is_empty().then(|| view! { <p class="muted small">{t.numbers_top_empty()}</p> })}
            <ol class="numbers-top">
                {numbers.top_products.into_iter().map(|p| view! {
                    <li><span class="numbers-top-name">{p.name}</span><span class="muted small">{t.numbers_units(p.quantity)}</span><strong>{p.sales.to_string()}</strong></li>
                }).collect_view()}
            </ol>
        </section>
        <p class="muted small numbers-note">{t.numbers_note()}</p>
    }
}

/// The owner's form for the store's area and staff, folded away until she opens it. What
/// she types goes to the server as typed (a figure that does not parse as 0), whose rule
/// says what is wrong.
#[component]
fn SizeForm(size: StoreSize, resize: Action<StoreSize, api::ApiResult<StoreNumbers>>) -> impl IntoView {
    let t = use_i18n();
    let area = RwSignal::new(size.area_m2.to_string());
    let staff = RwSignal::new(size.staff.to_string());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let figure = |text: String| text.trim().parse().unwrap_or(0);
        resize.dispatch(StoreSize { area_m2: figure(area.get()), staff: figure(staff.get()) });
    };
    view! {
        <details class="card numbers-size-form" data-testid="numbers-size-edit">
            <summary>{t.numbers_size_edit()}</summary>
            <form on:submit=save>
                <div class="numbers-size-fields">
                    <label class="field"><span>{t.numbers_area()}</span>
                        <input type="text" inputmode="numeric" prop:value=move || area.get()
                            on:input:target=move |ev| area.set(ev.target().value()) data-testid="numbers-area"/>
                    </label>
                    <label class="field"><span>{t.numbers_staff()}</span>
                        <input type="text" inputmode="numeric" prop:value=move || staff.get()
                            on:input:target=move |ev| staff.set(ev.target().value()) data-testid="numbers-staff"/>
                    </label>
                </div>
                <button class="btn btn-small" type="submit" disabled=move || resize.pending().get()
                    data-testid="numbers-size-save">{t.numbers_size_save()}</button>
            </form>
            <ActionProblem result=resize.value().into()/>
        </details>
        {move || resize.value().with(|v| matches!(v, Some(Ok(_)))).then(|| view! {
            <p class="notice notice-ok small" role="status" data-testid="numbers-size-saved">{t.numbers_size_saved()}</p>
        })}
    }
}

/// One number: its last week's value, the change from the week before, and its trend
/// over `values` (oldest first, the last week last).
#[component]
pub fn MetricCard(metric: Metric, values: Vec<Option<i64>>) -> impl IntoView {
    let t = use_i18n();
    let this_week = values.last().copied().flatten();
    let week_before = values.iter().rev().nth(1).copied().flatten();
    let (change_label, tone) = match change(this_week, week_before) {
        Some(d) => {
            let good = if metric.higher_is_better() { d > 0 } else { d < 0 };
            (
                change_text(t, metric, d),
                if d == 0 {
                    "flat"
                } else if good {
                    "good"
                } else {
                    "bad"
                },
            )
        }
        None => (t.numbers_no_change().to_string(), "flat"),
    };
    let label = metric_label(t, metric);
    // Two points draw a line but tell no trend: HQ's cards show the change alone.
    let lines = if values.len() > 2 { trend_lines(&values) } else { Vec::new() };
    view! {
        <div class="numbers-card" data-testid="numbers-card" data-metric=metric.key()>
            <p class="numbers-label">{label}</p>
            <p class="numbers-value" data-testid="numbers-value">{value_text(t, metric, this_week)}</p>
            <p class=format!("numbers-change numbers-{tone}") data-testid="numbers-change">{t.numbers_vs_last_week()} " " {change_label}</p>
            {(values.len() > 2).then(|| view! {
                <svg class="numbers-trend" data-testid="numbers-trend" viewBox=format!("0 0 {TREND_W} {TREND_H}") preserveAspectRatio="none"
                    role="img" aria-label=t.numbers_trend_label(label)>
                    {lines.into_iter().map(|points| view! { <polyline points=points fill="none" stroke="currentColor" stroke-width="2" vector-effect="non-scaling-stroke"/> }).collect_view()}
                </svg>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_week_breaks_the_trend() {
        let lines = trend_lines(&[Some(10), Some(20), None, Some(20), Some(15)]);
        // 5 weeks over 120 units: one every 30; 10 at the bottom (y 30), 20 at the top (y 2).
        assert_eq!(lines, vec!["0.0,30.0 30.0,2.0".to_string(), "90.0,2.0 120.0,16.0".to_string()]);
        assert!(trend_lines(&[None, None]).is_empty());
        // A flat series sits at the bottom, not divided by zero.
        assert_eq!(trend_lines(&[Some(5), Some(5)]), vec!["0.0,30.0 120.0,30.0".to_string()]);
    }
}
