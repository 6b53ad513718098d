//! `/s/:store/me/reviews`: the resident's own reviews, as neighbours see them or, when the
//! owner hid one, with the owner's reason (the 'review hidden' notice opens this page).

use super::use_param;
use crate::{
    api,
    components::{
        layout::{BottomNav, TopBar},
        member::SignInOrJoin,
        problem::ProblemNotice,
        review::{ReviewItem, ReviewLook},
    },
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MyReviewsPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let mine = Resource::new(|| (), |_| api::my_reviews());
    view! {
        <Title text=t.my_reviews_title()/>
        <TopBar title=t.my_reviews_title() back=format!("/s/{}/orders", store.get_untracked())/>
        <main class="page page-with-nav">
            <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    let s = store.get_untracked();
                    match mine.await {
                        Ok(list) => view! {
                            {list.reviews.is_empty().then(|| view! { <p class="empty-state">{t.my_reviews_empty()}</p> })}
                            <ul class="review-list" data-testid="my-reviews">
                                {list.reviews.iter().map(|card| view! { <ReviewItem look=ReviewLook::record(t, card, false)/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) if error.status() == 401 => {
                            let next = format!("/s/{s}/me/reviews");
                            view! { <SignInOrJoin store=s next title=t.orders_sign_in_title()/> }.into_any()
                        }
                        Err(error) => view! { <ProblemNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
        <BottomNav store=store.get_untracked() active="orders"/>
    }
}
