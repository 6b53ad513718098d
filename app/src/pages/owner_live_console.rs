//! `/owner/lives/:live`: the live console an owner runs from their phone — go on air and
//! finish (开播 / 结束直播), pin flash offers from the store's shelf and take them down
//! (下架), watch each offer's stock bar, the 接龙 list and the comments move live, and,
//! once it is over, the live's results (成交额, buyers, returning customers' share).
//!
//! The room is rendered first from `GET /api/v1/lives/:live`, then followed in the browser
//! over its WebSocket exactly as a resident's page does: a [`RoomSnapshot`] signal that
//! folds in the room's numbered events with [`RoomSnapshot::apply`], resuming after the
//! last event seen on a gap or a reconnect. The owner's own writes (status, pin, unpin)
//! are also folded in from their HTTP answers, so the console never waits on the socket.
//!
//! Test ids: `live-console-status` (`data-status`), `live-start`, `live-end` then
//! `live-end-confirm` (or `live-end-keep`), `pin-product`,
//! `pin-flash-price`, `pin-returning-price`, `pin-allotted`, `pin-cap`, `pin-opens-in`,
//! `pin-duration`, `pin-gift`, `pin-submit`, `owner-offer` (`data-offer-id`, `data-state`,
//! `data-sold`), `offer-unpin`, `chain-panel` (`data-total`), `chain-line`, `comment`
//! (`data-koc`), `live-summary`, `summary-gmv`, `summary-returning-share`, `summary-offer`
//! (see [`super::owner_live`] for the whole list). The 接龙 list, the comments and the pin
//! form are the shared components of [`crate::components::live`].

use super::{
    owner::{OwnerGate, OwnerNav, OwnerSection},
    use_param,
};
use crate::{
    api::{self, ApiError, ApiResult},
    components::{
        layout::TopBar,
        live::{live_when, Audience, ChainPanel, CommentPanel, LiveStatusBadge, PinForm},
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::{use_i18n, I18n},
    set_page_status,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    access,
    identity::Me,
    live::{countdown, format_countdown, LiveSessionStatus, LiveSummary, Offer, OfferState, RoomSnapshot},
    locale::Noun,
    Problem,
};

#[component]
pub fn OwnerLiveConsolePage() -> impl IntoView {
    let t = use_i18n();
    let live = use_param("live");
    view! {
        <Title text=t.owner_console_title()/>
        <TopBar title=t.owner_console_title() back="/owner/lives"/>
        <main class="page owner-console">
            <OwnerGate signed_in=move |me: Me| view! { <OwnerNav active=OwnerSection::Lives/><ConsoleLoader live me/> }/>
        </main>
    }
}

/// Loads the room; only the store's own owner gets the console.
#[component]
fn ConsoleLoader(live: Memo<String>, me: Me) -> impl IntoView {
    let t = use_i18n();
    let detail = Resource::new(move || live.get(), |live| api::get_live(&live));
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || {
                let me = me.clone();
                Suspend::new(async move {
                    match detail.await {
                        Ok(detail) if access::may(Some(&me), access::Action::RunLive(&detail.room.session.store_id)) => view! { <Console room=detail.room/> }.into_any(),
                        Ok(_) => {
                            set_page_status(403);
                            let error = ApiError(Problem::new(403, "not_store_owner", "Only the store's owner can do this"));
                            view! { <ProblemNotice error/><a class="btn" href="/owner/lives">{t.owner_lives_title()}</a> }.into_any()
                        }
                        Err(error) => {
                            if error.status() == 404 {
                                set_page_status(404);
                            }
                            view! { <ProblemNotice error/><a class="btn" href="/owner/lives">{t.owner_lives_title()}</a> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// The console around one room.
#[component]
fn Console(room: RoomSnapshot) -> impl IntoView {
    let live_id = room.session.id.to_string();
    let store = room.session.store_id.to_string();
    // The room's clock: the snapshot's `now` on first paint (server and browser agree), then
    // ticking in the browser, corrected for a phone whose clock is off.
    let now = RwSignal::new(room.now);
    let room = RwSignal::new(room);
    let reconnecting = RwSignal::new(false);
    // Bumped after each pin or unpin: the shelf's stock changed, the product list refetches.
    let shelf = RwSignal::new(0u32);

    #[cfg(feature = "hydrate")]
    crate::live_socket::follow_room(live_id.clone(), room, now, RwSignal::new(None), reconnecting);

    let status = Memo::new(move |_| room.with(|r| r.session.status));
    let summary = {
        let live_id = live_id.clone();
        move || (status.get() == LiveSessionStatus::Ended).then(|| view! { <SummaryPanel live_id=live_id.clone()/> })
    };
    let pin_form = {
        let live_id = live_id.clone();
        move || {
            (status.get() == LiveSessionStatus::Live)
                .then(|| view! { <PinForm room now live_id=live_id.clone() store=store.clone() shelf/> })
        }
    };
    view! {
        <StatusCard room live_id=live_id.clone() reconnecting/>
        {summary}
        <OfferList room now live_id shelf/>
        <ChainPanel room audience=Audience::Owner/>
        <CommentPanel room audience=Audience::Owner/>
        {pin_form}
    }
}

/// Title, status, the 开播 / 结束直播 button and the running totals.
#[component]
fn StatusCard(room: RwSignal<RoomSnapshot>, live_id: String, reconnecting: RwSignal<bool>) -> impl IntoView {
    let t = use_i18n();
    let change = Action::new({
        let live_id = live_id.clone();
        move |status: &LiveSessionStatus| api::change_live_status(&live_id, *status)
    });
    let confirming_end = RwSignal::new(false);
    // Fold the answer in at once (the socket brings the same change as an event).
    Effect::new(move |_| {
        if let Some(Ok(session)) = change.value().get() {
            room.update(|r| {
                if session.status == LiveSessionStatus::Ended {
                    r.offers.iter_mut().for_each(Offer::unpin);
                }
                r.session = session;
            });
        }
    });
    let status = Memo::new(move |_| room.with(|r| r.session.status));
    let title = room.with_untracked(|r| r.session.title.clone());
    let chain_total = Memo::new(move |_| room.with(|r| r.chain_total));
    let units_sold = Memo::new(move |_| room.with(|r| r.offers.iter().map(|o| u64::from(o.sold)).sum::<u64>()));
    let when = move || room.with(|r| live_when(t, &r.session));
    view! {
        <section class=move || format!("console-status console-status-{}", status.get().as_str()) data-testid="live-console-status"
            data-status=move || status.get().as_str()>
            <div class="console-status-head">
                {move || view! { <LiveStatusBadge status=status.get()/> }}
                <h2 class="console-title">{title}</h2>
            </div>
            <p class="console-when">{when} " · " <a class="console-watch" href=format!("/l/{live_id}")>{t.owner_console_watch()} " ›"</a></p>
            {move || (status.get() != LiveSessionStatus::Scheduled).then(|| view! {
                <p class="console-totals">
                    <span>{t.owner_chain_title()} " " <strong>{move || chain_total.get()}</strong> " " {move || t.noun(chain_total.get(), Noun::Order)}</span>
                    <span>{t.owner_offer_sold()} " " <strong>{move || units_sold.get()}</strong> " " {move || t.noun(units_sold.get(), Noun::Unit)}</span>
                </p>
            })}
            {move || match status.get() {
                LiveSessionStatus::Scheduled => Some(view! {
                    <button class="btn btn-live btn-block" type="button" data-testid="live-start" disabled=move || change.pending().get()
                        on:click=move |_| { change.dispatch(LiveSessionStatus::Live); }>
                        <i class="live-dot" aria-hidden="true"></i> {t.owner_console_start()}
                    </button>
                    <p class="muted small console-end-hint">{t.owner_console_pin_after_start()}</p>
                }.into_any()),
                // Ending is final, so it takes a second, explicit tap.
                LiveSessionStatus::Live => Some(view! {
                    {move || if confirming_end.get() {
                        view! {
                            <div class="console-end-confirm">
                                <button class="btn btn-primary" type="button" data-testid="live-end-confirm"
                                    disabled=move || change.pending().get()
                                    on:click=move |_| { change.dispatch(LiveSessionStatus::Ended); }>
                                    {t.owner_console_end_confirm()}
                                </button>
                                <button class="btn btn-secondary" type="button" data-testid="live-end-keep"
                                    on:click=move |_| confirming_end.set(false)>
                                    {t.owner_console_end_keep()}
                                </button>
                            </div>
                        }.into_any()
                    } else {
                        view! {
                            <button class="btn btn-secondary btn-block" type="button" data-testid="live-end"
                                on:click=move |_| confirming_end.set(true)>
                                {t.owner_console_end()}
                            </button>
                        }.into_any()
                    }}
                    <p class="muted small console-end-hint">{t.owner_console_end_hint()}</p>
                }.into_any()),
                LiveSessionStatus::Ended => None,
            }}
            <ActionProblem result=change.value().into()/>
            {move || reconnecting.get().then(|| view! { <p class="notice notice-warn console-reconnecting" role="status">{t.owner_console_reconnecting()}</p> })}
        </section>
    }
}

/// The badge text for an offer's state.
fn offer_state_label(t: I18n, state: OfferState) -> &'static str {
    match state {
        OfferState::Scheduled => t.owner_offer_scheduled(),
        OfferState::Open => t.owner_offer_open(),
        OfferState::SoldOut => t.owner_offer_sold_out(),
        OfferState::Closed => t.owner_offer_closed(),
    }
}

/// Every offer pinned in this live, newest first.
#[component]
fn OfferList(room: RwSignal<RoomSnapshot>, now: RwSignal<DateTime<Utc>>, live_id: String, shelf: RwSignal<u32>) -> impl IntoView {
    let t = use_i18n();
    let ids = Memo::new(move |_| room.with(|r| r.offers.iter().rev().map(|o| o.id.to_string()).collect::<Vec<_>>()));
    view! {
        <section class="console-panel">
            <h2 class="console-panel-title">
                {t.owner_offers_title()} " " <span class="console-count console-count-neutral">{move || ids.with(Vec::len)}</span>
                {move || (room.with(|r| r.session.status) == LiveSessionStatus::Live).then(|| view! {
                    <a class="console-jump" href="#pin-form">"＋ " {t.owner_pin_title()}</a>
                })}
            </h2>
            {move || ids.with(Vec::is_empty).then(|| view! { <p class="console-empty">{t.owner_offers_empty()}</p> })}
            <ul class="owner-offers">
                <For each=move || ids.get() key=|id| id.clone() let(id)>
                    <OfferRow id room now live_id=live_id.clone() shelf/>
                </For>
            </ul>
        </section>
    }
}

/// One offer: price, state and countdown, the live stock bar, and 下架 while pinned.
#[component]
fn OfferRow(
    id: String,
    room: RwSignal<RoomSnapshot>,
    now: RwSignal<DateTime<Utc>>,
    live_id: String,
    shelf: RwSignal<u32>,
) -> impl IntoView {
    let t = use_i18n();
    let Some(offer) = room.with_untracked(|r| r.offers.iter().find(|o| o.id.as_str() == id).cloned()) else {
        return ().into_any();
    };
    // Only `sold` and `pinned` change once an offer is pinned.
    let current = {
        let id = id.clone();
        Memo::new(move |_| {
            room.with(|r| r.offers.iter().find(|o| o.id.as_str() == id).map(|o| (o.sold, o.pinned))).unwrap_or((0, false))
        })
    };
    let live_now = {
        let offer = offer.clone();
        move || {
            let (sold, pinned) = current.get();
            let mut o = offer.clone();
            o.pinned = pinned;
            countdown(&o, sold, now.get())
        }
    };
    let clock = Memo::new({
        let live_now = live_now.clone();
        move |_| live_now()
    });
    let state = Memo::new(move |_| clock.get().state);
    let unpin = Action::new({
        let (live_id, id) = (live_id.clone(), id.clone());
        move |_: &()| api::unpin_offer(&live_id, &id)
    });
    Effect::new(move |_| {
        if let Some(Ok(unpinned)) = unpin.value().get() {
            room.update(|r| {
                if let Some(o) = r.offers.iter_mut().find(|o| o.id == unpinned.id) {
                    o.unpin();
                }
            });
            shelf.update(|n| *n += 1);
        }
    });
    let allotted = offer.allotted;
    let bar = {
        let offer = offer.clone();
        move || {
            let share = offer.sold_share(current.get().0).get();
            format!("width: {}.{:02}%", share / 100, share % 100)
        }
    };
    let timer = move || {
        let c = clock.get();
        match (c.seconds_to_open, c.seconds_left) {
            (Some(s), _) => Some(format!("{} {}", t.owner_offer_opens_in(), format_countdown(s))),
            (None, Some(s)) => Some(format!("{} {}", t.owner_offer_ends_in(), format_countdown(s))),
            (None, None) => None,
        }
    };
    view! {
        <li class=move || format!("owner-offer owner-offer-{}", state.get().as_str()) data-testid="owner-offer" data-offer-id=id.clone()
            data-state=move || state.get().as_str() data-sold=move || current.get().0.to_string()>
            <img class="owner-offer-image" src=offer.image_url.clone() alt="" width="56" height="56" loading="lazy"/>
            <div class="owner-offer-main">
                <div class="owner-offer-head">
                    <strong class="owner-offer-name">{offer.name.clone()}</strong>
                    <span class=move || format!("offer-state offer-state-{}", state.get().as_str())>{move || offer_state_label(t, state.get())}</span>
                    {move || (current.get().1 && room.with(|r| r.session.status) == LiveSessionStatus::Live).then(|| view! {
                        <button class="btn btn-small btn-secondary owner-offer-unpin" type="button" data-testid="offer-unpin"
                            disabled=move || unpin.pending().get() on:click=move |_| { unpin.dispatch(()); }>{t.owner_offer_unpin()}</button>
                    })}
                </div>
                <div class="owner-offer-prices">
                    <span class="price">{offer.flash_price.to_string()}</span>
                    <s class="muted small">{offer.regular_price.to_string()}</s>
                    {offer.returning_price.map(|p| view! { <span class="returning-tag">{t.owner_returning_tag()} " " {p.to_string()}</span> })}
                    <span class="muted small">"/" {offer.unit.clone()}</span>
                </div>
                <div class="stock-bar" role="progressbar" aria-valuemin="0" aria-valuemax=allotted.to_string()
                    aria-valuenow=move || current.get().0.to_string()>
                    <span class="stock-bar-fill" style=bar></span>
                </div>
                <p class="owner-offer-foot">
                    <span>{t.owner_offer_sold()} " " <strong>{move || current.get().0}</strong> "/" {allotted}</span>
                    {offer.per_buyer_cap.map(|c| view! { <span>{t.cap()} " " {c}</span> })}
                    {offer.gift.clone().map(|g| view! { <span class="gift">{t.owner_gift_tag()} " " {g}</span> })}
                    {move || timer().map(|text| view! { <span class="owner-offer-timer">{text}</span> })}
                </p>
                <ActionProblem result=unpin.value().into()/>
            </div>
        </li>
    }
    .into_any()
}

/// The live's results, once it has ended.
#[component]
fn SummaryPanel(live_id: String) -> impl IntoView {
    let t = use_i18n();
    // Loaded in the browser, once the live has ended (on arrival or when it ends here). A
    // resource would be created after the room's own one resolved, which server rendering
    // and hydration do not number alike.
    let summary = RwSignal::new(None::<ApiResult<LiveSummary>>);
    Effect::new(move |_| {
        let load = api::get_live_summary(&live_id);
        leptos::task::spawn_local(async move { summary.set(Some(load.await)) });
    });
    move || match summary.get() {
        None => view! { <p class="loading" data-testid="live-summary-loading">{t.loading()}</p> }.into_any(),
        Some(Ok(summary)) => view! { <SummaryView summary/> }.into_any(),
        Some(Err(error)) => view! { <ProblemNotice error/> }.into_any(),
    }
}

#[component]
fn SummaryView(summary: LiveSummary) -> impl IntoView {
    let t = use_i18n();
    let figure = |value: String, label: &'static str, testid: &'static str| {
        view! { <div class="summary-figure"><strong data-testid=testid>{value}</strong><span>{label}</span></div> }
    };
    view! {
        <section class="console-panel console-summary" data-testid="live-summary">
            <h2 class="console-panel-title">{t.owner_summary_title()}</h2>
            <div class="summary-gmv">
                <span>{t.owner_summary_gmv()}</span>
                <strong data-testid="summary-gmv">{summary.gmv.to_string()}</strong>
            </div>
            <div class="summary-figures">
                {figure(summary.orders.to_string(), t.owner_summary_orders(), "summary-orders")}
                {figure(summary.units.to_string(), t.owner_summary_units(), "summary-units")}
                {figure(summary.distinct_buyers.to_string(), t.owner_summary_buyers(), "summary-buyers")}
                {figure(summary.returning_share.to_string(), t.owner_summary_returning(), "summary-returning-share")}
            </div>
            {(!summary.offers.is_empty()).then(|| view! {
                <table class="summary-offers">
                    <thead><tr>
                        <th scope="col">{t.owner_summary_offer()}</th>
                        <th scope="col">{t.owner_summary_units()}</th>
                        <th scope="col">{t.owner_summary_orders()}</th>
                        <th scope="col">{t.owner_summary_gmv()}</th>
                    </tr></thead>
                    <tbody>
                        {summary.offers.into_iter().map(|o| view! {
                            <tr data-testid="summary-offer" data-offer-id=o.offer_id.to_string()>
                                <th scope="row">{o.name}</th>
                                <td>{o.units} <span class="muted">"/" {o.allotted}</span></td>
                                <td>{o.orders}</td>
                                <td>{o.gmv.to_string()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}
