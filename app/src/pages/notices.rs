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
    // The list and her preferences: both calls start before either is awaited.
    let list = Resource::new(
        || (),
        |_| {
            let (list, preferences) = (api::list_notices(), api::get_preferences());
            async move { (list.await, preferences.await.ok()) }
        },
    );
    view! {
        <Title text=t.notices_title()/>
        <TopBar title=t.notices_title() back=format!("/s/{}", store.get_untracked())/>
        <main class="page page-with-nav">
            <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    let s = store.get_untracked();
                    let (list, preferences) = list.await;
                    let switch = preferences.map(|p| view! { <BrowseFollowUpsSwitch on=p.browse_follow_ups/> });
                    match list {
                        Ok(list) if list.store_id.is_none() => {
                            let here = notices_path(&StoreId::new_unchecked(s.clone()));
                            view! { <SignInOrJoin store=s next=here title=t.notices_sign_in_title()/> }.into_any()
                        }
                        Ok(list) if list.community.is_empty() => view! {
                            <p class="empty-state" data-testid="notices-empty">{t.notices_empty()}</p>
                            {switch}
                        }.into_any(),
                        Ok(list) => {
                            let newest_unread = list.community.iter().filter(|n| !n.read).map(|n| n.id).max();
                            view! {
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
                                {newest_unread.map(|up_to| view! { <MarkRead up_to/> })}
                                {switch}
                            }.into_any()
                        }
                        Err(error) => view! { <PageProblem error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
        <BottomNav store=store.get_untracked() active="notices"/>
    }
}

/// Once the list is shown in the browser, marks everything up to `up_to` (its newest
/// unread notice) read, and the top bar's badge drops at once (an island that shows
/// nothing; its effect runs in the browser only).
#[cfg_attr(not(any(feature = "ssr", feature = "community")), component)]
#[cfg_attr(any(feature = "ssr", feature = "community"), island)]
fn MarkRead(up_to: i64) -> impl IntoView {
    let inbox = use_notice_inbox();
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(answer) = api::mark_notices_read(up_to).await {
                inbox.marked_read(up_to, answer.unread);
            }
        });
    });
}

/// 浏览提醒: whether a product she kept looking at may come back as a notice with a small
/// coupon (an island); the switch shows what the server holds, and a failed change says why.
#[cfg_attr(not(any(feature = "ssr", feature = "community")), component)]
#[cfg_attr(any(feature = "ssr", feature = "community"), island)]
fn BrowseFollowUpsSwitch(on: bool) -> impl IntoView {
    let t = use_i18n();
    let set = Action::new(|on: &bool| api::put_preferences(Preferences { browse_follow_ups: *on }));
    let held = RwSignal::new(on);
    Effect::new(move |_| {
        if let Some(Ok(p)) = set.value().get() {
            held.set(p.browse_follow_ups);
        }
    });
    // Set again after every answer, so a failed change puts the box back as it is held.
    let checked = move || {
        set.value().track();
        held.get()
    };
    view! {
        <label class="preference" data-testid="browse-follow-ups">
            <input type="checkbox" prop:checked=checked on:change:target=move |ev| { set.dispatch(ev.target().checked()); }/>
            <span>{t.browse_follow_ups()}</span>
        </label>
        <ActionProblem result=set.value().into() toast=true/>
    }
}
