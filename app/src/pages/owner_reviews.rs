//! `/owner/reviews`: every review of the store, newest first, with its photos; the owner
//! features the best (shown first, and on the store's home as 邻居晒单) or hides one that
//! breaks the rules, with a reason its author is told.

use super::owner::{OwnerGate, OwnerNav, OwnerSection};
use crate::{
    api,
    components::{
        layout::TopBar,
        problem::{ActionProblem, ProblemNotice},
        review::{ReviewItem, ReviewLook},
    },
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    api::ReviewCard,
    community::{Moderation, ReviewVisibility, MAX_HIDE_REASON_CHARS},
    identity::Me,
};

#[component]
pub fn OwnerReviewsPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.owner_reviews_title()/>
        <TopBar title=t.owner_reviews_title() back="/owner"/>
        <main class="page">
            <OwnerGate signed_in=|me: Me| view! { <OwnerNav active=OwnerSection::Reviews/><OwnerReviews store=me.store_id.to_string()/> }/>
        </main>
    }
}

#[component]
fn OwnerReviews(store: String) -> impl IntoView {
    let t = use_i18n();
    let moderate = Action::new(|(review, action): &(String, Moderation)| api::moderate_review(review, action));
    let reviews = Resource::new(move || (store.clone(), moderate.version().get()), |(store, _)| api::store_reviews(&store));
    view! {
        <ActionProblem result=moderate.value().into()/>
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                match reviews.await {
                    Ok(list) => view! {
                        {list.reviews.is_empty().then(|| view! { <p class="empty-state">{t.owner_reviews_empty()}</p> })}
                        <ul class="review-list" data-testid="owner-review-list">
                            {list.reviews.into_iter().map(|card| view! { <OwnerReviewRow card moderate/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One review and what the owner can do with it.
#[component]
fn OwnerReviewRow(card: ReviewCard, moderate: Action<(String, Moderation), api::ApiResult<ReviewCard>>) -> impl IntoView {
    let t = use_i18n();
    let look = ReviewLook::record(t, &card, true);
    let review = card.review;
    let id = review.id.to_string();
    let status = review.visibility;
    let reason = RwSignal::new(String::new());
    let send = move |action: Moderation| {
        moderate.dispatch((id.clone(), action));
    };
    let (feature, hide) = (send.clone(), send);
    let feature_action = match status {
        ReviewVisibility::Normal if review.has_content() => Some((Moderation::Feature, t.owner_review_feature())),
        ReviewVisibility::Featured => Some((Moderation::Unfeature, t.owner_review_unfeature())),
        ReviewVisibility::Hidden => Some((Moderation::Show, t.owner_review_show())),
        ReviewVisibility::Normal => None,
    };
    view! {
        <ReviewItem look>
            <div class="wish-answers">
                {feature_action.map(|(action, label)| view! {
                    <button class="btn btn-small" class:btn-primary=matches!(action, Moderation::Feature) type="button"
                        on:click=move |_| feature(action.clone())>{label}</button>
                })}
                {(status != ReviewVisibility::Hidden).then(|| view! {
                    <form class="owner-row-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        hide(Moderation::Hide { reason: reason.get_untracked() });
                    }>
                        <input type="text" maxlength=MAX_HIDE_REASON_CHARS placeholder=t.owner_review_reason() aria-label=t.owner_review_reason()
                            prop:value=move || reason.get() on:input:target=move |ev| reason.set(ev.target().value())
                            data-testid="owner-review-reason"/>
                        <button class="btn btn-small" type="submit">{t.owner_review_hide()}</button>
                    </form>
                })}
            </div>
        </ReviewItem>
    }
}
