//! `/l/:live`: a live room as a resident sees it — the stream, the pinned flash offer with
//! its countdown and one-tap buy, the 接龙 list and the comments. Rendered on the server
//! from `GET /api/v1/lives/:live` (so a link shared into a group previews the live), then
//! kept current in the browser by the room's WebSocket: a [`RoomSnapshot`] signal that
//! folds in the room's numbered events with [`RoomSnapshot::apply`].

use super::{
    new_idempotency_key,
    not_found::{NotFound, PageProblem},
    use_param,
};
use crate::{
    api::{self, ApiError, BuyAnswer},
    components::{
        hydration::use_hydrated,
        layout::TopBar,
        live::{live_status_label, Audience, ChainPanel, CommentPanel, LiveStatusBadge, ReminderToggle},
        photo,
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::{use_i18n, I18n},
    SiteOrigin,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use shared_model::{
    api::{LiveBuy, LiveDetail, LivePurchase, LiveViewer},
    live::{
        countdown, format_countdown, most_per_buy, price_for, ClientMessage, Countdown, LiveSessionStatus, Offer, OfferState,
        PriceTier, RoomSnapshot, MAX_COMMENT_CHARS, RETURNING_MIN_COMPLETED_ORDERS,
    },
    locale::Noun,
    OfferId, Problem,
};

#[component]
pub fn LivePage() -> impl IntoView {
    let t = use_i18n();
    let live = use_param("live");
    let detail = Resource::new(move || live.get(), |l| api::get_live(&l));
    let origin = use_context::<SiteOrigin>().unwrap_or_default().0;

    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || {
                let origin = origin.clone();
                Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! { <LiveMeta detail=d.clone() origin/><LiveRoom detail=d/> }.into_any(),
                        Err(error) if error.status() == 404 => view! { <NotFound error/> }.into_any(),
                        Err(error) => view! {
                            <TopBar title=t.brand() back="/"/>
                            <main class="page"><PageProblem error/></main>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Title and Open Graph tags, so a shared link shows the live's title and cover.
#[component]
fn LiveMeta(detail: LiveDetail, origin: String) -> impl IntoView {
    let t = use_i18n();
    let session = detail.room.session;
    let absolute = |url: &str| if url.starts_with('/') { format!("{origin}{url}") } else { url.to_string() };
    let image = absolute(session.cover_url.as_deref().unwrap_or("/images/og-default.svg"));
    let description = format!("{} · {} {}", live_status_label(t, session.status), t.live_starts_at(), t.when(session.starts_at));
    view! {
        <Title text=session.title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Meta property="og:type" content="video.other"/>
        <Meta property="og:title" content=session.title.clone()/>
        <Meta property="og:description" content=description/>
        <Meta property="og:image" content=image/>
        <Meta property="og:url" content=format!("{origin}/l/{}", session.id)/>
    }
    .into_any()
}

/// The room's live state, shared by the page's islands: the snapshot the socket keeps
/// current, the room's clock, who is watching and the socket's own state.
#[derive(Clone, Copy)]
struct RoomState {
    room: RwSignal<RoomSnapshot>,
    /// The snapshot's `now` on first paint (server and browser agree), then ticking in the
    /// browser, corrected for a phone whose clock is off.
    now: RwSignal<DateTime<Utc>>,
    /// Who is watching; what she bought in this live grows with each buy.
    viewer: RwSignal<LiveViewer>,
    socket_problem: RwSignal<Option<Problem>>,
    reconnecting: RwSignal<bool>,
    /// Sends a message over the socket (false when it is not open).
    send: Callback<ClientMessage, bool>,
    /// Sends a buy over the socket and waits for its answer (`None` when it is not open).
    buy: Callback<ClientMessage, Option<BuyAnswer>>,
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// The page's room, once [`LiveRoomOpener`] (the first of its islands) has opened it.
    static PAGE_ROOM: std::cell::Cell<Option<RoomState>> = const { std::cell::Cell::new(None) };
}

impl RoomState {
    /// The room's signals, from the snapshot the page was rendered with; no socket yet.
    fn new(LiveDetail { room, viewer }: LiveDetail) -> Self {
        Self {
            now: RwSignal::new(room.now),
            room: RwSignal::new(room),
            viewer: RwSignal::new(viewer),
            socket_problem: RwSignal::new(None),
            reconnecting: RwSignal::new(false),
            send: Callback::new(|_: ClientMessage| false),
            buy: Callback::new(|_: ClientMessage| None),
        }
    }

    /// In the browser: follows the room's socket, and leaves the room where the page's
    /// later islands find it.
    #[cfg(feature = "hydrate")]
    fn follow(mut self, live: String) {
        let socket = crate::live_socket::follow_room(live, self.room, self.now, self.socket_problem, self.reconnecting);
        (self.send, self.buy) = (socket.send, socket.buy);
        PAGE_ROOM.set(Some(self));
    }

    /// The room of this page: opened by [`LiveRoomOpener`] in the browser (islands are
    /// hydrated in document order, it first), provided by [`LiveRoom`] on the server.
    fn of_page() -> Self {
        #[cfg(feature = "hydrate")]
        return PAGE_ROOM.get().expect("the room opener is hydrated before the other islands");
        #[cfg(not(feature = "hydrate"))]
        expect_context::<Self>()
    }
}

/// The room itself, once its first snapshot is here. Only its live parts hydrate, each an
/// island of its own, hydrated in a task of its own so the phone can answer a tap between
/// them (the first hydration of each part also pays for compiling its code): the room's
/// snapshot and socket, the stage, the offer card and its buying (before the 接龙 list and
/// the comments, so 立即抢购 works sooner), the 接龙 list and the comments. Only
/// [`LiveRoomOpener`] carries the snapshot to the browser; the others share the room it opens.
#[component]
fn LiveRoom(detail: LiveDetail) -> impl IntoView {
    let session = &detail.room.session;
    let (title, store, live_id) = (session.title.clone(), session.store_id.to_string(), session.id.to_string());
    let signed_in = detail.viewer.signed_in;
    provide_context(RoomState::new(detail.clone()));
    view! {
        <TopBar title=title back=format!("/s/{store}")/>
        <main class="live-page" data-testid="live-room" data-live=live_id>
            <LiveRoomOpener snapshot_json=serde_json::to_string(&detail).unwrap_or_default()/>
            <section class="live-stage">
                <LiveStage/>
                <div class="live-offer-dock">
                    <LiveOffer/>
                    <LiveOfferBuy/>
                </div>
            </section>
            <LiveChain/>
            <LiveComments signed_in/>
        </main>
    }
    .into_any()
}

/// Opens the room in the browser, from the snapshot the page was rendered with, follows its
/// socket and leaves it where the page's other islands find it. Shows nothing: an island
/// only so that reading the snapshot (and compiling the code that does) is a task of its
/// own, the first.
///
/// The snapshot comes as its JSON text, not as a [`LiveDetail`]: an island serializes its
/// props again when it hydrates, so a typed prop would put the snapshot's serializer
/// (and chrono's date formatting) into the live bundle, about 2 KB gzip.
#[cfg_attr(not(any(feature = "ssr", feature = "live")), component)]
#[cfg_attr(any(feature = "ssr", feature = "live"), island)]
fn LiveRoomOpener(snapshot_json: String) -> impl IntoView {
    // On the server the page holds the room already, made from the same snapshot.
    #[cfg(feature = "hydrate")]
    {
        let detail: LiveDetail = serde_json::from_str(&snapshot_json).expect("the page's snapshot is a LiveDetail");
        let live = detail.room.session.id.to_string();
        RoomState::new(detail).follow(live);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = snapshot_json;
}

/// The video (or, before and after, the cover with the start time and a reminder) and the
/// status.
#[cfg_attr(not(any(feature = "ssr", feature = "live")), component)]
#[cfg_attr(any(feature = "ssr", feature = "live"), island)]
fn LiveStage() -> impl IntoView {
    let t = use_i18n();
    let RoomState { room, now, viewer, reconnecting, .. } = RoomState::of_page();
    let (is_owner, signed_in, reminded) = viewer.with_untracked(|v| (v.is_owner, v.signed_in, v.reminded));
    let (store, live_id, title) =
        room.with_untracked(|r| (r.session.store_id.to_string(), r.session.id.to_string(), r.session.title.clone()));

    let status = Memo::new(move |_| room.with(|r| r.session.status));

    let stage = move || {
        let (stream, cover, starts_at) =
            room.with_untracked(|r| (r.session.stream_url.clone(), r.session.cover_url.clone(), r.session.starts_at));
        let status = status.get();
        match stream.filter(|_| status != LiveSessionStatus::Scheduled) {
            Some(src) => view! {
                <video class="live-video" src=src poster=cover muted=true autoplay=true loop=true playsinline=true
                    prop:muted=true data-testid="live-video"></video>
            }
            .into_any(),
            None => {
                let scheduled = status == LiveSessionStatus::Scheduled;
                let (live, store) = (live_id.clone(), store.clone());
                view! {
                    <div class="live-placeholder" data-testid="live-placeholder">
                        // The room's largest paint until its stream plays: loads at once.
                        {cover.map(|c| view! {
                            <img class="live-placeholder-cover" src=c alt="" loading=photo::loading(true)
                                fetchpriority=photo::fetch_priority(true)/>
                        })}
                        <div class="live-placeholder-panel">
                            <p class="live-placeholder-title">{title.clone()}</p>
                            <p class="live-placeholder-meta">
                                {if scheduled {
                                    format!("{} {}", t.live_starts_at(), t.when(starts_at))
                                } else {
                                    live_status_label(t, status).to_string()
                                }}
                            </p>
                            {scheduled.then(|| view! {
                                <p class="live-placeholder-countdown" data-testid="live-starts-in">
                                    {move || {
                                        let secs = u64::try_from((starts_at - now.get()).num_seconds()).unwrap_or(0);
                                        format!("{} {}", t.live_starts_in(), format_countdown(secs))
                                    }}
                                </p>
                            })}
                            {(scheduled && !is_owner).then(|| if signed_in {
                                view! { <ReminderToggle live reminded=reminded/> }.into_any()
                            } else {
                                view! { <a class="btn btn-small live-remind" href=format!("/s/{store}/join")>{t.live_remind_me()}</a> }.into_any()
                            })}
                        </div>
                    </div>
                }
                .into_any()
            }
        }
    };

    view! {
        {stage}
        <div class="live-stage-top">
            {move || view! { <LiveStatusBadge status=status.get()/> }}
        </div>
        {move || reconnecting.get().then(|| view! { <p class="live-reconnecting" role="status">{t.live_reconnecting()}</p> })}
    }
    .into_any()
}

/// The offer featured on the room's clock, shared by the card's two islands. Which offer
/// it is changes at most once a second; the clock ticks faster.
fn featured_offer(room: RwSignal<RoomSnapshot>, now: RwSignal<DateTime<Utc>>) -> Memo<Option<Offer>> {
    let second = Memo::new(move |_| now.get().timestamp());
    Memo::new(move |_| {
        let at = DateTime::from_timestamp(second.get(), 0).unwrap_or_default();
        room.with(|r| r.featured_offer(at).cloned())
    })
}

/// Where the featured offer stands on the room's clock (scheduled, open, sold out, closed).
fn offer_clock(offer: Memo<Option<Offer>>, now: RwSignal<DateTime<Utc>>) -> Memo<Option<Countdown>> {
    Memo::new(move |_| offer.with(|o| o.as_ref().map(|o| countdown(o, o.sold, now.get()))))
}

/// Over the stage: the featured offer's card (its product, prices, countdown and stock), or a
/// note that none is pinned while on air. Its stepper and 立即抢购 are [`LiveOfferBuy`], an
/// island of its own so each hydrates in a task short enough for the phone to answer a tap
/// between them.
#[cfg_attr(not(any(feature = "ssr", feature = "live")), component)]
#[cfg_attr(any(feature = "ssr", feature = "live"), island)]
fn LiveOffer() -> impl IntoView {
    let t = use_i18n();
    let RoomState { room, now, viewer, .. } = RoomState::of_page();
    let status = Memo::new(move |_| room.with(|r| r.session.status));
    let featured = featured_offer(room, now);
    let featured_id = Memo::new(move |_| featured.with(|o| o.as_ref().map(|o| o.id.to_string())));
    move || match featured_id.get() {
        Some(_) => view! { <OfferCard offer=featured now viewer/> }.into_any(),
        None => (status.get() == LiveSessionStatus::Live)
            .then(|| view! { <p class="live-no-offer" data-testid="no-offer">{t.live_no_offer()}</p> })
            .into_any(),
    }
}

/// Under the card: what she bought from the featured offer, the stepper and 立即抢购 (or the
/// console's link for the owner, the join link for a visitor), and why a buy was refused.
#[cfg_attr(not(any(feature = "ssr", feature = "live")), component)]
#[cfg_attr(any(feature = "ssr", feature = "live"), island)]
fn LiveOfferBuy() -> impl IntoView {
    let RoomState { room, now, viewer, buy, .. } = RoomState::of_page();
    let (live_id, store) = room.with_untracked(|r| (r.session.id.to_string(), r.session.store_id.to_string()));
    let featured = featured_offer(room, now);
    let featured_id = Memo::new(move |_| featured.with(|o| o.as_ref().map(|o| o.id.to_string())));
    let quantity = RwSignal::new(1u32);
    // A new offer on the card starts again at one unit.
    Effect::new(move |_| {
        featured_id.track();
        quantity.set(1);
    });
    move || {
        featured_id.get().map(|_| {
            view! {
                <OfferBuy offer=featured now quantity viewer live_id=live_id.clone() store=store.clone() buy_over_socket=buy/>
            }
        })
    }
}

/// The 接龙 list, following the room.
#[cfg_attr(not(any(feature = "ssr", feature = "live")), component)]
#[cfg_attr(any(feature = "ssr", feature = "live"), island)]
fn LiveChain() -> impl IntoView {
    view! { <ChainPanel room=RoomState::of_page().room audience=Audience::Resident/> }
}

/// The comments, following the room, with the box to send one.
#[cfg_attr(not(any(feature = "ssr", feature = "live")), component)]
#[cfg_attr(any(feature = "ssr", feature = "live"), island)]
fn LiveComments(signed_in: bool) -> impl IntoView {
    let RoomState { room, send, socket_problem, .. } = RoomState::of_page();
    view! {
        <CommentPanel room audience=Audience::Resident>
            <CommentBox room signed_in send socket_problem/>
        </CommentPanel>
    }
}

/// The pinned offer over the video: product, prices, countdown and stock bar.
#[component]
fn OfferCard(offer: Memo<Option<Offer>>, now: RwSignal<DateTime<Utc>>, viewer: RwSignal<LiveViewer>) -> impl IntoView {
    let t = use_i18n();
    let read = move |f: &dyn Fn(&Offer) -> String| offer.with(|o| o.as_ref().map(f).unwrap_or_default());
    let clock = offer_clock(offer, now);
    let returning = viewer.with_untracked(|v| v.returning_customer);
    let completed = if returning { RETURNING_MIN_COMPLETED_ORDERS } else { 0 };
    let price = Memo::new(move |_| offer.with(|o| o.as_ref().map(|o| price_for(o, completed))));
    let timer = move || match clock.get() {
        Some(c) if c.state == OfferState::Scheduled => {
            Some(format!("{} {}", t.live_opens_in(), format_countdown(c.seconds_to_open.unwrap_or(0))))
        }
        Some(c) if matches!(c.state, OfferState::Open | OfferState::SoldOut) => {
            Some(format!("{} {}", t.live_ends_in(), format_countdown(c.seconds_left.unwrap_or(0))))
        }
        _ => None,
    };

    view! {
        <article class="live-offer" data-testid="live-offer" data-offer=move || read(&|o| o.id.to_string())>
            <div class="live-offer-head">
                <img class="live-offer-image" src=move || read(&|o| o.image_url.clone()) alt="" width="64" height="64"/>
                <div class="live-offer-body">
                    <p class="live-offer-name" data-testid="live-offer-name">
                        {move || read(&|o| o.name.clone())} <span class="live-offer-unit">" " {move || read(&|o| o.unit.clone())}</span>
                    </p>
                    <p class="live-offer-prices">
                        <span class="live-tier" data-testid="live-tier">{move || price.get().map(|(_, tier)| tier_label(t, tier))}</span>
                        <strong class="live-price" data-testid="live-price">{move || price.get().map(|(p, _)| p.to_string())}</strong>
                        <s class="live-regular" data-testid="live-regular-price">{move || read(&|o| o.regular_price.to_string())}</s>
                    </p>
                    {move || {
                        let other = offer.with(|o| o.as_ref().and_then(|o| match price.get() {
                            Some((_, PriceTier::Returning)) => Some(format!("{} {}", t.live_flash_price(), o.flash_price)),
                            _ => o.returning_price.map(|p| format!("{} {p}", t.live_returning_price())),
                        }));
                        other.map(|line| view! { <p class="live-offer-other" data-testid="live-other-price">{line}</p> })
                    }}
                    {move || offer.with(|o| o.as_ref().and_then(|o| o.gift.clone())).map(|gift| view! {
                        <p class="live-offer-gift">{t.live_gift()} " " {gift}</p>
                    })}
                </div>
                {move || timer().map(|text| view! { <span class="live-timer" data-testid="live-timer">{text}</span> })}
            </div>
            <div class="live-stock">
                <div class="live-stock-bar"><span style:width=move || offer.with(|o| o.as_ref().map(|o| o.sold_share(o.sold).to_string()))></span></div>
                <span class="live-stock-text" data-testid="live-stock">
                    {move || read(&|o| format!("{} {}/{}", t.live_grabbed(), o.sold.min(o.allotted), o.allotted))}
                </span>
                {move || offer.with(|o| o.as_ref().and_then(|o| o.per_buyer_cap)).map(|cap| view! {
                    <span class="live-cap">{format!("{} {cap}", t.cap())}</span>
                })}
            </div>
        </article>
    }
    .into_any()
}

/// Under the card: what she already bought here (and her pickup code), quantity and buy
/// button. The stepper stops at what her per-buyer cap leaves, and once the cap is used up
/// the button is off and says why.
#[component]
fn OfferBuy(
    offer: Memo<Option<Offer>>,
    now: RwSignal<DateTime<Utc>>,
    quantity: RwSignal<u32>,
    viewer: RwSignal<LiveViewer>,
    live_id: String,
    store: String,
    /// The room's socket, which takes the buy when it is open.
    buy_over_socket: Callback<ClientMessage, Option<BuyAnswer>>,
) -> impl IntoView {
    let t = use_i18n();
    let clock = offer_clock(offer, now);
    let state = Memo::new(move |_| clock.get().map_or(OfferState::Closed, |c| c.state));
    let (is_owner, signed_in) = viewer.with_untracked(|v| (v.is_owner, v.signed_in));
    // What she holds from this offer, and the most one tap may ask for (`live::most_per_buy`).
    let already = Memo::new(move |_| offer.with(|o| o.as_ref().map_or(0, |o| viewer.with(|v| v.bought_from(&o.id)))));
    let limit = Memo::new(move |_| offer.with(|o| o.as_ref().map(|o| most_per_buy(o, already.get()))));
    let max_quantity = Memo::new(move |_| limit.get().and_then(|l| l.ok()).unwrap_or(1));
    let cap_reached = Memo::new(move |_| limit.get().and_then(|l| l.err()).map(|e| Problem::from_error(&e)));
    // The stepper and Buy run in the wasm: disabled until it has taken over.
    let hydrated = use_hydrated();

    // One key per tap; a retry of the same tap after no answer (or an unreadable one)
    // reuses it, so it can never order twice.
    let pending_key = RwSignal::new(None::<(String, u32, String)>);
    let console = format!("/owner/lives/{live_id}");
    let join = format!("/s/{store}/join");
    // Over the room's socket when it is open (no request of its own to make), else over HTTP.
    let buy = Action::new(move |(offer_id, qty, key): &(String, u32, String)| {
        let quantity = i64::from(*qty);
        let over_socket = buy_over_socket.run(ClientMessage::Buy {
            key: key.clone(),
            offer_id: OfferId::new_unchecked(offer_id.clone()),
            quantity,
            pickup_point_id: None,
        });
        let buy = LiveBuy { quantity, pickup_point_id: None };
        api::buy_live_offer_over(over_socket, live_id.clone(), offer_id.clone(), buy, key.clone())
    });
    let just_bought = RwSignal::new(false);
    Effect::new(move |_| match buy.value().get() {
        Some(Ok(placed)) => {
            pending_key.set(None);
            let units = placed.order.item_count();
            if let Some(offer_id) = offer.with_untracked(|o| o.as_ref().map(|o| o.id.clone())) {
                viewer.update(|v| {
                    v.record(LivePurchase {
                        offer_id,
                        order_id: placed.order.id.clone(),
                        quantity: units,
                        pickup_code: placed.order.pickup_code.clone().unwrap_or_default(),
                    })
                });
            }
            just_bought.set(true);
            // The stepper starts again at one unit, within what is left.
            quantity.set(1);
        }
        Some(Err(e)) if !e.may_have_succeeded() => pending_key.set(None),
        _ => {}
    });
    let on_buy = move |_| {
        let Some(offer_id) = offer.with_untracked(|o| o.as_ref().map(|o| o.id.to_string())) else { return };
        // Stock may have fallen since the stepper was set: never ask for more than is left.
        let qty = quantity.get_untracked().min(max_quantity.get_untracked());
        quantity.set(qty);
        let key = match pending_key.get_untracked() {
            Some((o, q, key)) if o == offer_id && q == qty => key,
            _ => new_idempotency_key(),
        };
        pending_key.set(Some((offer_id.clone(), qty, key.clone())));
        buy.dispatch((offer_id, qty, key));
    };

    let button_label = move || {
        if buy.pending().get() {
            return t.live_buying().to_string();
        }
        match clock.get() {
            Some(c) if c.state == OfferState::Scheduled => {
                format!("{} {}", t.live_opens_in(), format_countdown(c.seconds_to_open.unwrap_or(0)))
            }
            Some(c) if c.state == OfferState::Open && cap_reached.with(Option::is_some) => t.live_cap_reached().to_string(),
            Some(c) if c.state == OfferState::Open => t.live_buy_now().to_string(),
            Some(c) if c.state == OfferState::SoldOut => t.live_sold_out().to_string(),
            _ => t.live_offer_closed().to_string(),
        }
    };
    let action = if is_owner {
        view! { <a class="btn btn-primary live-buy" href=console.clone() rel="external">{t.owner_console()}</a> }.into_any()
    } else if signed_in {
        view! {
            <div class="live-stepper" role="group" aria-label=t.live_quantity()>
                <button type="button" aria-label="-" data-testid="live-qty-dec"
                    disabled=move || { quantity.get() <= 1 || !hydrated.get() } on:click=move |_| quantity.update(|q| *q = q.saturating_sub(1).max(1))>"−"</button>
                <span data-testid="live-qty">{move || quantity.get()}</span>
                <button type="button" aria-label="+" data-testid="live-qty-inc"
                    disabled=move || { quantity.get() >= max_quantity.get() || !hydrated.get() }
                    on:click=move |_| quantity.update(|q| *q = (*q + 1).min(max_quantity.get_untracked()))>"+"</button>
            </div>
            <button class="btn btn-primary live-buy" class:live-buy-open=move || state.get() == OfferState::Open && cap_reached.with(Option::is_none) type="button"
                data-testid="live-buy" data-state=move || state.get().as_str()
                disabled=move || !hydrated.get() || state.get() != OfferState::Open || cap_reached.with(Option::is_some) || buy.pending().get()
                on:click=on_buy>
                {button_label}
            </button>
        }
        .into_any()
    } else {
        view! {
            <a class="btn btn-primary live-buy live-buy-open" href=join data-testid="live-join">{t.live_join_to_buy()}</a>
        }
        .into_any()
    };
    let order_store = store.clone();
    let mine = move || {
        offer.with(|o| o.as_ref().and_then(|o| viewer.with(|v| v.latest_from(&o.id).cloned()))).map(|latest| {
            let href = format!("/s/{order_store}/orders/{}", latest.order_id);
            let lead = if just_bought.get() {
                t.live_bought().to_string()
            } else {
                format!("{} {} · ", t.live_you_have(), t.count(already.get(), Noun::Item))
            };
            view! {
                <p class="notice live-success" role="status" data-testid="live-buy-success">
                    <strong>{lead}</strong> {t.pickup_code()} " "
                    <span class="live-success-code" data-testid="live-pickup-code">{latest.pickup_code.clone()}</span>
                    " · " <a href=href data-testid="live-order-link">{t.live_view_order()} " ›"</a>
                </p>
            }
        })
    };

    view! {
        <div class="live-offer-buy">
            {mine}
            <div class="live-offer-actions">{action}</div>
            {move || cap_reached.get().filter(|_| signed_in && !is_owner && state.get() == OfferState::Open).map(|reason| view! {
                <p class="live-cap-reached" data-testid="live-cap-reason">{t.message(&reason)}</p>
            })}
            <ActionProblem result=buy.value().into()/>
        </div>
    }
    .into_any()
}

fn tier_label(t: I18n, tier: PriceTier) -> &'static str {
    match tier {
        PriceTier::Flash => t.live_flash_price(),
        PriceTier::Returning => t.live_returning_price(),
    }
}

/// Under the comments: the box to send one over the socket (signed in only; a join link
/// for a visitor; nothing once the live is over) and the socket's last problem.
#[component]
fn CommentBox(
    room: RwSignal<RoomSnapshot>,
    signed_in: bool,
    send: Callback<ClientMessage, bool>,
    socket_problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let t = use_i18n();
    let draft = RwSignal::new(String::new());
    // Sending goes through the wasm's socket: off until hydrated.
    let hydrated = use_hydrated();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = draft.get_untracked().trim().to_string();
        if text.is_empty() {
            return;
        }
        socket_problem.set(None);
        if send.run(ClientMessage::Comment { text }) {
            draft.set(String::new());
        } else {
            socket_problem.set(Some(ApiError::no_answer().0));
        }
    };
    let ended = Memo::new(move |_| room.with(|r| r.session.status == LiveSessionStatus::Ended));
    // No new comments once the live is over.
    let form = move || {
        if ended.get() {
            None
        } else if signed_in {
            Some(
                view! {
                    <form class="live-comment-form" on:submit=submit>
                        <input type="text" maxlength=MAX_COMMENT_CHARS placeholder=t.live_comment_placeholder() aria-label=t.live_comments()
                            data-testid="live-comment-input" prop:value=move || draft.get() on:input:target=move |ev| draft.set(ev.target().value())/>
                        <button class="btn btn-primary btn-small" type="submit" data-testid="live-comment-send" disabled=move || !hydrated.get()>
                            {t.live_send()}
                        </button>
                    </form>
                }
                .into_any(),
            )
        } else {
            let join = room.with_untracked(|r| format!("/s/{}/join", r.session.store_id));
            Some(view! { <a class="join-banner live-comment-join" href=join>{t.live_join_to_comment()} " ›"</a> }.into_any())
        }
    };
    view! {
        {move || socket_problem.get().map(|p| view! { <ProblemNotice error=ApiError(p)/> })}
        {form}
    }
    .into_any()
}
