//! Live pieces shared by the shop, the live room and the owner's pages: the status badge,
//! the "when" line, the shop's 直播 strip (on air, upcoming with a reminder toggle, past),
//! and, one file each, the 接龙 list ([`ChainPanel`]), the comments ([`CommentPanel`]) and
//! the owner's pin form ([`PinForm`]).

pub mod chain_panel;
pub mod comment_panel;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub mod pin_form;

pub use chain_panel::ChainPanel;
pub use comment_panel::CommentPanel;
#[cfg(any(feature = "ssr", feature = "owner"))]
pub use pin_form::PinForm;

use crate::{
    api,
    components::{hydration::use_hydrated, problem::ProblemNotice},
    i18n::{use_i18n, I18n},
};
use leptos::prelude::*;
use shared_model::{
    api::LiveCard,
    live::{LiveSession, LiveSessionStatus},
};

/// Who a live panel is shown to. The room (over the video) and the console style their
/// panels apart and word their empty states apart; the owner also sees when each 接龙
/// line came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A resident (or a visitor) in the live room, `/l/:live`.
    Resident,
    /// The store's owner in the live console, `/owner/lives/:live`.
    Owner,
}

/// "直播中" / "未开始" / "已结束".
pub fn live_status_label(t: I18n, status: LiveSessionStatus) -> &'static str {
    match status {
        LiveSessionStatus::Scheduled => t.live_status_scheduled(),
        LiveSessionStatus::Live => t.live_status_live(),
        LiveSessionStatus::Ended => t.live_status_ended(),
    }
}

/// When a live is, as the owner's pages say it: "开播 11月25日 20:00" while scheduled, "开播于 …"
/// on air, "结束于 …" once over (the scheduled start when a time is missing).
pub fn live_when(t: I18n, session: &LiveSession) -> String {
    match session.status {
        LiveSessionStatus::Scheduled => format!("{} {}", t.owner_live_starts_at_short(), t.when(session.starts_at)),
        LiveSessionStatus::Live => {
            format!("{} {}", t.owner_live_on_air_since(), t.when(session.started_at.unwrap_or(session.starts_at)))
        }
        LiveSessionStatus::Ended => {
            format!("{} {}", t.owner_live_ended_at(), t.when(session.ended_at.unwrap_or(session.starts_at)))
        }
    }
}

/// The status as a coloured badge (red and pulsing while on air).
#[component]
pub fn LiveStatusBadge(status: LiveSessionStatus) -> impl IntoView {
    let t = use_i18n();
    view! {
        <span class=format!("live-badge live-badge-{}", status.as_str()) data-testid="live-status" data-status=status.as_str()>
            {(status == LiveSessionStatus::Live).then(|| view! { <i class="live-dot" aria-hidden="true"></i> })}
            {live_status_label(t, status)}
        </span>
    }
}

/// The store's lives in the shop, compact: on air first (tap to enter), upcoming with
/// their start time and a reminder toggle, past ones to watch again. Nothing when the
/// store has no lives.
#[component]
pub fn LiveStrip(#[prop(into)] store: String, resident: bool) -> impl IntoView {
    let t = use_i18n();
    let lives = Resource::new(
        {
            let store = store.clone();
            move || store.clone()
        },
        |s| async move { api::list_lives(&s).await },
    );
    let join_href = format!("/s/{store}/join");
    view! {
        <Suspense>
            {move || {
                let join_href = join_href.clone();
                Suspend::new(async move {
                    let cards = lives.await.map(|l| l.lives).unwrap_or_default();
                    (!cards.is_empty()).then(|| view! {
                        <section class="live-strip" data-testid="live-strip">
                            <h2 class="live-strip-title">{t.live_lives()}</h2>
                            <div class="live-strip-row">
                                {cards.into_iter().map(|card| view! { <LiveCardView card resident join_href=join_href.clone()/> }).collect_view()}
                            </div>
                        </section>
                    })
                })
            }}
        </Suspense>
    }
}

#[component]
fn LiveCardView(card: LiveCard, resident: bool, join_href: String) -> impl IntoView {
    let t = use_i18n();
    let session = card.session;
    let id = session.id.to_string();
    let href = format!("/l/{id}");
    let status = session.status;
    let meta = match status {
        LiveSessionStatus::Live => t.live_watch_now().to_string(),
        LiveSessionStatus::Scheduled => t.when(session.starts_at),
        LiveSessionStatus::Ended => t.when(session.ended_at.unwrap_or(session.starts_at)),
    };
    let action = match status {
        LiveSessionStatus::Live => {
            view! { <a class="btn btn-small live-card-enter" href=href.clone()>{t.live_enter_short()}</a> }.into_any()
        }
        LiveSessionStatus::Scheduled if resident => view! { <ReminderToggle live=id.clone() reminded=card.reminded/> }.into_any(),
        LiveSessionStatus::Scheduled => {
            view! { <a class="btn btn-small live-remind" href=join_href data-testid="live-remind-join">{t.live_remind_me()}</a> }
                .into_any()
        }
        LiveSessionStatus::Ended => {
            let label = if session.stream_url.is_some() { t.live_replay() } else { t.live_status_ended() };
            view! { <a class="btn btn-small live-card-past" href=href.clone()>{label}</a> }.into_any()
        }
    };
    view! {
        <article class=format!("live-card live-card-{}", status.as_str()) data-testid="live-card" data-live=id.clone() data-status=status.as_str()>
            <a class="live-card-link" href=href>
                <span class="live-card-cover">
                    {session.cover_url.clone().map(|src| view! { <img src=src alt="" width="56" height="56" loading="lazy"/> })}
                </span>
                <span class="live-card-text">
                    <span class="live-card-title">{session.title.clone()}</span>
                    <span class="live-card-meta"><LiveStatusBadge status/> " " {meta}</span>
                </span>
            </a>
            {action}
        </article>
    }
}

/// "提醒我" / "已预约": asks the server to remind (PUT) or not (DELETE).
#[cfg_attr(not(any(feature = "ssr", feature = "shop", feature = "live")), component)]
#[cfg_attr(any(feature = "ssr", feature = "shop", feature = "live"), island)]
pub fn ReminderToggle(live: String, reminded: bool) -> impl IntoView {
    let t = use_i18n();
    let reminded = RwSignal::new(reminded);
    let hydrated = use_hydrated();
    let toggle = Action::new(move |(live, on): &(String, bool)| api::set_reminder(live, *on));
    Effect::new(move |_| {
        if let Some(Ok(r)) = toggle.value().get() {
            reminded.set(r.reminded);
        }
    });
    view! {
        <button class="btn btn-small live-remind" class:live-reminded=move || reminded.get() type="button" data-testid="live-remind"
            aria-pressed=move || reminded.get().to_string() disabled=move || toggle.pending().get() || !hydrated.get()
            on:click=move |_| { toggle.dispatch((live.clone(), !reminded.get_untracked())); }>
            {move || if reminded.get() { t.live_reminded() } else { t.live_remind_me() }}
        </button>
        {move || match toggle.value().get() {
            Some(Err(error)) => Some(view! { <ProblemNotice error/> }),
            _ => None,
        }}
    }
}
