//! `/owner/lives`: the owner's lives, from their phone — the store's lives (tap one to run
//! it in its console, [`super::owner_live_console`]), a form to announce a new one, and
//! the store's residents with a KOC toggle (KOC comments are highlighted in the room).
//! Behind the owner sign-in ([`OwnerGate`]), like `/owner`.
//!
//! Test ids, for the browser journeys:
//! - `/owner/lives`, schedule form: `live-title`, `live-starts-at` (an `<input
//!   type="datetime-local">` in store time, Asia/Shanghai, e.g. `2026-11-25T20:00`),
//!   `live-cover-url`, `live-stream-url`, `live-use-demo-stream` (fills in
//!   `/media/live-demo.webm`), `live-schedule` (submit); after scheduling,
//!   `live-scheduled` (a notice with a link to the new live's console).
//! - `/owner/lives`, list: `live-card` per live (`data-live-id`, `data-status` =
//!   `scheduled` | `live` | `ended`), each a link to its console.
//! - `/owner/lives`, residents: `resident-row` per resident (`data-person-id`, `data-koc` =
//!   `true` | `false`), `koc-toggle` in each (`aria-pressed`).
//! - `/owner/lives/:live`, the console: `live-start`, `live-end`, `live-console-status`
//!   (`data-status`); pin form `pin-product` (a `<select>`, option values are product ids),
//!   `pin-flash-price`, `pin-returning-price` (yuan, e.g. `9.9`), `pin-allotted`,
//!   `pin-cap`, `pin-opens-in`, `pin-duration` (minutes), `pin-gift`, `pin-submit`;
//!   `owner-offer` per pinned offer (`data-offer-id`, `data-state` = `scheduled` | `open` |
//!   `sold_out` | `closed`, `data-sold`), `offer-unpin` in each; `chain-panel` (the 接龙
//!   list, `data-total`), `chain-line` per line; `comment` per comment (`data-koc`), as in
//!   the live room; `live-summary` once the live has ended (`summary-gmv`,
//!   `summary-returning-share`, `summary-offer` per offer).
//! - Owner navigation: `owner-nav-orders` (`/owner`), `owner-nav-lives` (`/owner/lives`).
//! - Refusals show as `role="alert"` with the problem's code in `data-code`.

use super::owner::{OwnerGate, OwnerNav, OwnerSection};
use crate::{
    api::{self, ApiResult},
    components::{
        layout::TopBar,
        live::{live_when, LiveStatusBadge},
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    api::{LiveCard, ResidentSummary},
    identity::Me,
    live::{LiveSession, LiveSessionStatus, NewLiveSession, MAX_TITLE_CHARS},
    time::parse_local_input,
};

/// The demo stream that ships with the site.
pub const DEMO_STREAM_URL: &str = "/media/live-demo.webm";

#[component]
pub fn OwnerLivesPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.owner_lives_title()/>
        <TopBar title=t.owner_lives_title() back="/owner"/>
        <main class="page owner-live-page">
            <OwnerGate signed_in=|me: Me| {
                let t = use_i18n();
                let store = me.store_id.to_string();
                let schedule = Action::new({
                    let store = store.clone();
                    move |new: &NewLiveSession| api::schedule_live(&store, new)
                });
                view! {
                    <OwnerNav active=OwnerSection::Lives/>
                    <h2 class="section-title">{t.owner_lives_list()}</h2>
                    <OwnerLiveList store=store.clone() refresh=schedule.version()/>
                    <ScheduleForm schedule/>
                    <h2 class="section-title">{t.owner_residents_title()}</h2>
                    <p class="muted small">{t.owner_koc_hint()}</p>
                    <ResidentList store/>
                }
            }/>
        </main>
    }
}

/// The store's lives, on air first; each opens its console.
#[component]
fn OwnerLiveList(store: String, refresh: RwSignal<usize>) -> impl IntoView {
    let t = use_i18n();
    let lives = Resource::new(move || (store.clone(), refresh.get()), |(store, _)| api::list_lives(&store));
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                match lives.await {
                    Ok(list) if list.lives.is_empty() => view! { <p class="empty-state">{t.owner_lives_empty()}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="owner-live-list">
                            {list.lives.into_iter().map(|card| view! { <OwnerLiveCard card/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OwnerLiveCard(card: LiveCard) -> impl IntoView {
    let t = use_i18n();
    let session = card.session;
    let id = session.id.to_string();
    let status = session.status;
    let when = live_when(t, &session);
    let action = match status {
        LiveSessionStatus::Scheduled => t.owner_live_prepare(),
        LiveSessionStatus::Live => t.owner_live_run(),
        LiveSessionStatus::Ended => t.owner_live_results(),
    };
    view! {
        <li class=format!("owner-live-card owner-live-card-{}", status.as_str()) data-testid="live-card" data-live-id=id.clone()
            data-status=status.as_str()>
            <a href=format!("/owner/lives/{id}")>
                <span class="owner-live-cover">
                    {session.cover_url.map(|src| view! { <img src=src alt="" width="52" height="52" loading="lazy"/> })}
                </span>
                <span class="owner-live-text">
                    <strong class="owner-live-title">{session.title}</strong>
                    <span class="owner-live-meta"><LiveStatusBadge status/> " " {when}</span>
                </span>
                <span class="owner-live-go">{action} " ›"</span>
            </a>
        </li>
    }
}

/// Announcing a live: title, start (store time), optional stream and cover.
#[component]
fn ScheduleForm(schedule: Action<NewLiveSession, ApiResult<LiveSession>>) -> impl IntoView {
    let t = use_i18n();
    let title = RwSignal::new(String::new());
    let starts_at = RwSignal::new(String::new());
    let cover = RwSignal::new(String::new());
    let stream = RwSignal::new(String::new());
    let local_problem = RwSignal::new(None::<&'static str>);

    // Tonight's 20:00 (or the next half hour once that is near), once in the browser.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if starts_at.get_untracked().is_empty() {
            use shared_model::{live::suggested_live_start, time::format_local_input};
            let now = chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
            starts_at.set(format_local_input(suggested_live_start(now)));
        }
    });
    // A scheduled live empties the form for the next one.
    Effect::new(move |_| {
        if let Some(Ok(_)) = schedule.value().get() {
            title.set(String::new());
            cover.set(String::new());
            stream.set(String::new());
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_problem.set(None);
        let Some(at) = parse_local_input(&starts_at.get_untracked()) else {
            local_problem.set(Some(t.owner_live_start_required()));
            return;
        };
        let optional = |s: RwSignal<String>| Some(s.get_untracked().trim().to_string()).filter(|s| !s.is_empty());
        schedule.dispatch(NewLiveSession {
            title: title.get_untracked(),
            starts_at: at,
            cover_url: optional(cover),
            stream_url: optional(stream),
        });
    };
    view! {
        <form class="form owner-live-form" on:submit=submit>
            <h2 class="section-title">{t.owner_live_schedule_title()}</h2>
            <label class="field"><span>{t.owner_live_title()}</span>
                <input type="text" maxlength=MAX_TITLE_CHARS.to_string() placeholder=t.owner_live_title_placeholder() data-testid="live-title"
                    prop:value=move || title.get() on:input:target=move |ev| title.set(ev.target().value())/></label>
            <label class="field"><span>{t.owner_live_starts_at()}</span>
                <input type="datetime-local" data-testid="live-starts-at"
                    prop:value=move || starts_at.get() on:input:target=move |ev| starts_at.set(ev.target().value())/></label>
            <label class="field"><span>{t.owner_live_stream_url()}</span>
                <input type="text" inputmode="url" autocapitalize="off" spellcheck="false" placeholder=DEMO_STREAM_URL data-testid="live-stream-url"
                    prop:value=move || stream.get() on:input:target=move |ev| stream.set(ev.target().value())/></label>
            <p class="field-hint">
                {t.owner_live_stream_hint()} " " <code>{DEMO_STREAM_URL}</code> " "
                <button type="button" class="link" data-testid="live-use-demo-stream" on:click=move |_| stream.set(DEMO_STREAM_URL.to_string())>
                    {t.owner_live_use_demo()}
                </button>
            </p>
            <label class="field"><span>{t.owner_live_cover_url()}</span>
                <input type="text" inputmode="url" autocapitalize="off" spellcheck="false" placeholder="/images/live/cover.svg" data-testid="live-cover-url"
                    prop:value=move || cover.get() on:input:target=move |ev| cover.set(ev.target().value())/></label>
            {move || local_problem.get().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
            <ActionProblem result=schedule.value().into()/>
            {move || match schedule.value().get() {
                Some(Ok(live)) => Some(view! {
                    <p class="notice notice-ok" role="status" data-testid="live-scheduled">
                        {t.owner_live_scheduled()} <strong>{live.title.clone()}</strong> " · "
                        <a href=format!("/owner/lives/{}", live.id)>{t.owner_live_open_console()} " ›"</a>
                    </p>
                }),
                _ => None,
            }}
            <button class="btn btn-primary btn-block" type="submit" data-testid="live-schedule" disabled=move || schedule.pending().get()>
                {t.owner_live_schedule()}
            </button>
        </form>
    }
}

/// The store's residents, most loyal first, each with a KOC toggle; a store has
/// hundreds, so the owner finds one by name, building or phone.
#[component]
fn ResidentList(store: String) -> impl IntoView {
    let t = use_i18n();
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let residents = Resource::new(
        {
            let store = store.clone();
            move || (store.clone(), search.get())
        },
        |(store, q)| async move { api::list_residents(&store, &q).await },
    );
    view! {
        <form class="search-bar" role="search" on:submit=move |ev| {
            ev.prevent_default();
            search.set(typed.get_untracked().trim().to_string());
        }>
            <input type="search" class="search-input" placeholder=t.owner_residents_search() aria-label=t.owner_residents_search()
                prop:value=move || typed.get() on:input:target=move |ev| typed.set(ev.target().value()) data-testid="resident-search"/>
            <button class="btn btn-primary" type="submit">{t.search()}</button>
        </form>
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || {
                let store = store.clone();
                Suspend::new(async move {
                    match residents.await {
                        Ok(list) if list.residents.is_empty() && !search.get_untracked().is_empty() => {
                            view! { <p class="empty-state">{t.owner_residents_none_found()}</p> }.into_any()
                        }
                        Ok(list) if list.residents.is_empty() => view! { <p class="empty-state">{t.owner_residents_empty()}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="owner-residents">
                                {list.residents.into_iter().map(|resident| view! { <ResidentRow resident store=store.clone()/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ProblemNotice error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// One resident: nickname, building, completed orders, and the KOC switch.
#[component]
fn ResidentRow(resident: ResidentSummary, store: String) -> impl IntoView {
    let t = use_i18n();
    let is_koc = RwSignal::new(resident.is_koc);
    let person = resident.person_id.to_string();
    let toggle = Action::new({
        let person = person.clone();
        move |on: &bool| api::set_koc(&store, &person, *on)
    });
    Effect::new(move |_| {
        if let Some(Ok(r)) = toggle.value().get() {
            is_koc.set(r.is_koc);
        }
    });
    view! {
        <li class="owner-resident" class:owner-resident-koc=move || is_koc.get() data-testid="resident-row" data-person-id=person
            data-koc=move || is_koc.get().to_string()>
            <div class="owner-resident-who">
                <strong>{resident.nickname}</strong>
                {move || is_koc.get().then(|| view! { <span class="koc-badge">"KOC"</span> })}
                <span class="muted small">{resident.building} " · " {t.owner_resident_completed()} " " {resident.completed_orders}</span>
            </div>
            <button type="button" class="koc-toggle" class:on=move || is_koc.get() data-testid="koc-toggle"
                aria-pressed=move || is_koc.get().to_string() aria-label=t.owner_koc_toggle()
                disabled=move || toggle.pending().get() on:click=move |_| { toggle.dispatch(!is_koc.get_untracked()); }>
                <span class="koc-toggle-knob" aria-hidden="true"></span>
                <span class="koc-toggle-text">"KOC"</span>
            </button>
            <ActionProblem result=toggle.value().into()/>
        </li>
    }
}
