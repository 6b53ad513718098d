//! `/hq`: 总部, every store's last 7 days side by side and the chain's, by the same
//! definitions as a store's own page, ranked by the number HQ picks; and `/hq/stores/:store`,
//! one store's 经营数据, read-only. HQ signs in like an owner and acts as none.
//!
//! Test ids: `hq-chain`, `hq-rank-by`, `hq-store` (with `data-store`), `hq-store-value`.

use super::{
    owner::OwnerGate,
    owner_numbers::{metric_label, value_text, MetricCard, NumbersView},
};
use crate::{
    api,
    components::{layout::TopBar, problem::ProblemNotice},
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared_model::{
    identity::Me,
    metrics::{rank, ChainNumbers, Metric},
};

#[component]
pub fn HqPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.hq_title()/>
        <TopBar title=t.hq_title() back="/"/>
        <main class="page">
            <OwnerGate hq=true signed_in=|_: Me| view! { <HqChain/> }/>
        </main>
    }
}

#[component]
fn HqChain() -> impl IntoView {
    let t = use_i18n();
    let numbers = Resource::new(|| (), |_| api::get_chain_numbers());
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                match numbers.await {
                    Ok(numbers) => view! { <ChainView numbers/> }.into_any(),
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The chain's headline numbers, then the stores ranked by the chosen one.
#[component]
fn ChainView(numbers: ChainNumbers) -> impl IntoView {
    let t = use_i18n();
    let rank_by = RwSignal::new(Metric::Sales);
    let period = t.numbers_period(numbers.as_of);
    let chain_cards: Vec<_> = [Metric::Sales, Metric::Orders, Metric::Mau, Metric::Repurchase, Metric::Aov, Metric::Nps]
        .into_iter()
        .map(|metric| {
            let values = vec![metric.of(&numbers.chain_week_before), metric.of(&numbers.chain_this_week)];
            view! { <MetricCard metric values/> }
        })
        .collect();
    let stores = numbers.stores.clone();
    let ranked = move || {
        let mut stores = stores.clone();
        rank(&mut stores, rank_by.get());
        stores
    };
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(metric) = Metric::from_key(&event_target_value(&ev)) {
            rank_by.set(metric);
        }
    };
    view! {
        <p class="muted small">{period}</p>
        <section data-testid="hq-chain">
            <h2 class="section-title">{t.hq_chain(numbers.stores.len())}</h2>
            <div class="numbers-grid">{chain_cards}</div>
        </section>
        <div class="hq-rank">
            <label for="hq-rank-by">{t.hq_rank_by()}</label>
            <select id="hq-rank-by" data-testid="hq-rank-by" on:change=on_change>
                {Metric::ALL.into_iter().map(|m| view! {
                    <option value=m.key() selected=move || rank_by.get() == m>{metric_label(t, m)}</option>
                }).collect_view()}
            </select>
        </div>
        <ol class="hq-stores">
            <For each=ranked key=move |s| (s.store_id.clone(), rank_by.get()) let:store>
                {
                    let metric = rank_by.get_untracked();
                    let href = format!("/hq/stores/{}", store.store_id);
                    let others: Vec<String> = [Metric::Sales, Metric::Mau, Metric::Repurchase, Metric::Loss]
                        .into_iter()
                        .filter(|m| *m != metric)
                        .map(|m| format!("{} {}", metric_label(t, m), value_text(t, m, m.of(&store.this_week))))
                        .collect();
                    view! {
                        <li class="hq-store" data-testid="hq-store" data-store=store.store_id.to_string()>
                            <a href=href>
                                <span class="hq-store-name">{store.store_name.clone()}</span>
                                <strong class="hq-store-value" data-testid="hq-store-value">{value_text(t, metric, metric.of(&store.this_week))}</strong>
                                <span class="muted small hq-store-others">{others.join(" · ")}</span>
                            </a>
                        </li>
                    }
                }
            </For>
        </ol>
        <p class="muted small numbers-note">{t.numbers_note()}</p>
    }
}

/// One store's 经营数据 for HQ: the owner's page without its buttons.
#[component]
pub fn HqStorePage() -> impl IntoView {
    let t = use_i18n();
    let params = use_params_map();
    view! {
        <Title text=t.numbers_title()/>
        <TopBar title=t.numbers_title() back="/hq"/>
        <main class="page">
            <OwnerGate hq=true signed_in=move |_: Me| {
                let store = params.read_untracked().get("store").unwrap_or_default();
                let numbers = Resource::new(move || store.clone(), |store| api::get_numbers(&store));
                view! {
                    <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                        {move || Suspend::new(async move {
                            match numbers.await {
                                Ok(numbers) => view! { <NumbersView numbers refresh=None resize=None/> }.into_any(),
                                Err(error) => view! { <ProblemNotice error/> }.into_any(),
                            }
                        })}
                    </Transition>
                }
            }/>
        </main>
    }
}
