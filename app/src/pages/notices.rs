//! `/s/:store/me/notices`: the resident's notices, newest first, each opening its page
//! (the product of a stocked wish, the tasting, her reviews). Unread ones are marked 新;
//! once the list is shown in the browser, everything up to its newest notice is marked
//! read and the top bar's badge drops at once.

use super::{not_found::PageProblem, use_param};
use crate::{
    api,
    components::{
        layout::{use_notice_inbox, BottomNav, TopBar},
        member::SignInOrJoin,
        problem::ActionProblem,
    },
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{api::Preferences, community::notices_path, StoreId};

#[component]
pub fn NoticesPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let list = Resource::new(|| (), |_| api::list_notices());
    let inbox = use_notice_inbox();
    // Effects run in the browser only: shown there, they are read.
    Effect::new(move |_| {
        let Some(Ok(list)) = list.get() else { return };
        let newest = list.community.iter().map(|n| n.id).max();
        if let (true, Some(up_to)) = (list.community.iter().any(|n| !n.read), newest) {
            leptos::task::spawn_local(async move {
                if let Ok(answer) = api::mark_notices_read(up_to).await {
                    inbox.marked_read(up_to, answer.unread);
                }
            });
        }
    });
    view! {
        <Title text=t.notices_title()/>
        <TopBar title=t.notices_title() back=format!("/s/{}", store.get_untracked())/>
        <main class="page page-with-nav">
            <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    let s = store.get_untracked();
                    match list.await {
                        Ok(list) if list.store_id.is_none() => {
                            let here = notices_path(&StoreId::new_unchecked(s.clone()));
                            view! { <SignInOrJoin store=s next=here title=t.notices_sign_in_title()/> }.into_any()
                        }
                        Ok(list) if list.community.is_empty() => view! {
                            <p class="empty-state" data-testid="notices-empty">{t.notices_empty()}</p>
                            <BrowseFollowUpsSwitch/>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="notice-list" data-testid="notice-list">
                                {list.community.into_iter().map(|n| {
                                    let unread = !n.read;
                                    view! {
                                        <li class="notice-item" class:notice-unread=unread data-testid="notice-item" data-unread=unread.to_string()>
                                            <a href=n.path>
                                                <div class="notice-item-head">
                                                    {unread.then(|| view! { <span class="notice-new">{t.notices_new()}</span> })}
                                                    <strong>{n.headline}</strong>
                                                    <span class="muted small notice-time">{t.when(n.created_at)}</span>
                                                </div>
                                                <p class="notice-text">{n.text}</p>
                                            </a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <BrowseFollowUpsSwitch/>
                        }.into_any(),
                        Err(error) => view! { <PageProblem error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
        <BottomNav store=store.get_untracked() active="notices"/>
    }
}

/// 浏览提醒: whether a product she kept looking at may come back as a notice with a small
/// coupon; the switch shows what the server holds, and a failed change says why.
#[component]
fn BrowseFollowUpsSwitch() -> impl IntoView {
    let t = use_i18n();
    let current = Resource::new(|| (), |_| api::get_preferences());
    let set = Action::new(|on: &bool| api::put_preferences(Preferences { browse_follow_ups: *on }));
    let on = move || match set.value().get() {
        Some(Ok(p)) => Some(p.browse_follow_ups),
        _ => current.get().and_then(Result::ok).map(|p| p.browse_follow_ups),
    };
    view! {
        <Transition>
            {move || on().map(|checked| view! {
                <label class="preference" data-testid="browse-follow-ups">
                    <input type="checkbox" prop:checked=checked on:change:target=move |ev| { set.dispatch(ev.target().checked()); }/>
                    <span>{t.browse_follow_ups()}</span>
                </label>
            })}
        </Transition>
        <ActionProblem result=set.value().into() toast=true/>
    }
}
