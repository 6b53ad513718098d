//! `/s/:store/wishes`: the store's 心愿单 — what residents want it to sell, with their
//! neighbours' +1s and the owner's answers; a resident writes a wish here.

use super::{may_shop_at, use_me, use_param};
use crate::{
    api,
    components::{
        layout::{BottomNav, TopBar},
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    api::DemandCard,
    community::{DemandStatus, NewDemand, MAX_DEMAND_CHARS},
};

#[component]
pub fn WishesPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let me = use_me();
    let text = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    let write = Action::new(move |new: &NewDemand| api::write_demand(&store.get_untracked(), new));
    let vote = Action::new(move |(demand, want): &(String, bool)| api::vote_demand(demand, *want));
    let wishes = Resource::new(
        move || (store.get(), write.version().get(), vote.version().get()),
        |(store, _, _)| api::list_demands(&store),
    );
    Effect::new(move |_| {
        if let Some(Ok(_)) = write.value().get() {
            text.set(String::new());
            price.set(String::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let price = price.get_untracked();
        write.dispatch(NewDemand {
            text: text.get_untracked(),
            category_id: None,
            price_yuan: (!price.trim().is_empty()).then_some(price),
        });
    };
    view! {
        <Title text=t.wishes_title()/>
        <TopBar title=t.wishes_title() back=format!("/s/{}", store.get_untracked())/>
        <main class="page page-with-nav">
            <p class="intro">{t.wishes_intro()}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    let viewer = me.await.ok().flatten();
                    let s = store.get_untracked();
                    if may_shop_at(&viewer, &s) {
                        view! {
                            <form class="form wish-form" on:submit=submit>
                                <label class="field"><span>{t.wish_text_label()}</span>
                                    <textarea rows="2" maxlength=MAX_DEMAND_CHARS placeholder=t.wish_text_placeholder()
                                        prop:value=move || text.get() on:input:target=move |ev| text.set(ev.target().value())
                                        data-testid="wish-text"></textarea>
                                </label>
                                <label class="field"><span>{t.wish_price_label()}</span>
                                    <input type="text" inputmode="decimal" placeholder="¥" prop:value=move || price.get()
                                        on:input:target=move |ev| price.set(ev.target().value()) data-testid="wish-price"/>
                                </label>
                                <ActionProblem result=write.value().into()/>
                                <button class="btn btn-primary btn-block" type="submit" disabled=move || write.pending().get()>{t.wish_submit()}</button>
                            </form>
                        }.into_any()
                    } else {
                        view! { <a class="join-banner" href=format!("/s/{s}/join")>{t.wish_join_first()} " ›"</a> }.into_any()
                    }
                })}
            </Suspense>
            <ActionProblem result=vote.value().into()/>
            <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    let s = store.get_untracked();
                    match wishes.await {
                        Ok(list) if list.demands.is_empty() => view! { <p class="empty-state">{t.wishes_empty()}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="wish-list" data-testid="wish-list">
                                {list.demands.into_iter().map(|card| view! { <WishRow card store=s.clone() vote/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ProblemNotice error/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
        <BottomNav store=store.get_untracked() active="shop"/>
    }
}

/// One wish: what, who wants it, where it stands, and the +1 toggle.
#[component]
fn WishRow(card: DemandCard, store: String, vote: Action<(String, bool), api::ApiResult<DemandCard>>) -> impl IntoView {
    let t = use_i18n();
    let DemandCard { demand, voted, mine } = card;
    let status = demand.status;
    let label = match status {
        DemandStatus::Collecting => t.wish_collecting(),
        DemandStatus::Sourcing => t.wish_sourcing(),
        DemandStatus::Stocked => t.wish_stocked(),
        DemandStatus::Declined => t.wish_declined(),
    };
    let id = demand.id.to_string();
    let answer = match status {
        DemandStatus::Stocked => demand.product_id.as_ref().map(|p| {
            view! { <a class="wish-answer" href=format!("/s/{store}/p/{p}")>{t.wish_stocked_link()} " ›"</a> }.into_any()
        }),
        DemandStatus::Declined => {
            demand.decline_reason.clone().map(|r| view! { <p class="wish-answer muted small">{r}</p> }.into_any())
        }
        _ => None,
    };
    view! {
        <li class="wish" data-testid="wish">
            <div class="wish-head">
                <span class=format!("status wish-status-{}", status.as_str())>{label}</span>
                {demand.price.map(|p| view! { <span class="muted small">{t.wish_would_pay()} " " {p.to_string()}</span> })}
            </div>
            <p class="wish-text">{demand.text.clone()}</p>
            {answer}
            <div class="wish-foot">
                <span class="muted small" data-testid="wish-votes">{t.wish_votes(demand.votes)}</span>
                {(!mine && status.takes_votes()).then(|| view! {
                    <button class="btn btn-small" class:btn-primary=!voted type="button" aria-pressed=voted.to_string()
                        on:click=move |_| { vote.dispatch((id.clone(), !voted)); } data-testid="wish-vote">
                        {if voted { t.wish_voted() } else { t.wish_vote() }}
                    </button>
                })}
                {mine.then(|| view! { <span class="muted small">{t.wish_mine()}</span> })}
            </div>
        </li>
    }
}
