//! `/s/:store/wishes`: the store's 心愿单 — what residents want it to sell, with their
//! neighbours' +1s and the owner's answers; a resident writes a wish here.

use super::{may_shop_at, use_me, use_param};
use crate::{
    api,
    components::{
        hydration::use_hydrated,
        layout::{BottomNav, TopBar},
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    api::DemandCard,
    community::{board_rank, DemandStatus, NewDemand, MAX_DEMAND_CHARS},
};

#[component]
pub fn WishesPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let me = use_me();
    let wishes = Resource::new(move || store.get(), |store| api::list_demands(&store));
    view! {
        <Title text=t.wishes_title()/>
        <TopBar title=t.wishes_title() back=format!("/s/{}", store.get_untracked())/>
        <main class="page page-with-nav">
            <p class="intro">{t.wishes_intro()}</p>
            <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    let viewer = me.await.ok().flatten();
                    let store = store.get_untracked();
                    let member = may_shop_at(&viewer, &store);
                    match wishes.await {
                        Ok(list) => view! { <WishBoard store member initial=list.demands/> }.into_any(),
                        Err(error) => view! { <ProblemNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
        <BottomNav store=store.get_untracked() active="shop"/>
    }
}

/// The wish form (for a resident of the store; a way to join for anyone else) and the
/// wishes with their +1s (an island). A wish written or voted for is put back in its
/// place by the board's order ([`board_rank`]: it follows the votes).
#[cfg_attr(not(any(feature = "ssr", feature = "community")), component)]
#[cfg_attr(any(feature = "ssr", feature = "community"), island)]
fn WishBoard(store: String, member: bool, initial: Vec<DemandCard>) -> impl IntoView {
    let t = use_i18n();
    let wishes = RwSignal::new(initial);
    let text = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    let store = StoredValue::new(store);
    let write = Action::new(move |new: &NewDemand| api::write_demand(&store.read_value(), new));
    let vote = Action::new(move |(demand, want): &(String, bool)| api::vote_demand(demand, *want));
    // Each answer is the wish as it now stands, so the list is not read again.
    let place = move |card: DemandCard| {
        wishes.update(|list| {
            list.retain(|c| c.demand.id != card.demand.id);
            list.push(card);
            list.sort_by(|a, b| board_rank(&a.demand, &b.demand));
        })
    };
    Effect::new(move |_| {
        if let Some(Ok(card)) = write.value().get() {
            text.set(String::new());
            price.set(String::new());
            place(card);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(card)) = vote.value().get() {
            place(card);
        }
    });
    let hydrated = use_hydrated();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let price = price.get_untracked();
        write.dispatch(NewDemand {
            text: text.get_untracked(),
            category_id: None,
            price_yuan: (!price.trim().is_empty()).then_some(price),
        });
    };
    let form = if member {
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
                <button class="btn btn-primary btn-block" type="submit" disabled=move || !hydrated.get() || write.pending().get()>
                    {t.wish_submit()}
                </button>
            </form>
        }
        .into_any()
    } else {
        view! { <a class="join-banner" href=format!("/s/{}/join", store.read_value())>{t.wish_join_first()} " ›"</a> }.into_any()
    };
    view! {
        {form}
        <ActionProblem result=vote.value().into()/>
        {move || {
            let list = wishes.get();
            if list.is_empty() {
                view! { <p class="empty-state">{t.wishes_empty()}</p> }.into_any()
            } else {
                let store = store.get_value();
                view! {
                    <ul class="wish-list" data-testid="wish-list">
                        {list.into_iter().map(|card| view! { <WishRow card store=store.clone() vote/> }).collect_view()}
                    </ul>
                }
                .into_any()
            }
        }}
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
