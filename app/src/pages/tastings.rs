//! `/s/:store/tastings` and `/s/:store/tastings/:tasting`: the store's 品鉴会. A resident
//! books seats or joins the waitlist (and sees her place), shows her check-in code and
//! its QR at the door, cancels, and afterwards answers the one question about the store.

use super::{may_shop_at, use_me, use_param};
use crate::{
    api,
    components::{
        layout::{BottomNav, TopBar},
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::{use_i18n, use_locale, I18n},
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    api::TastingCard,
    community::{BookingStatus, NewBooking, NpsAnswer, TastingStatus, MAX_NPS_COMMENT_CHARS},
    locale::format_local,
};

#[component]
pub fn TastingsPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let tastings = Resource::new(move || store.get(), |store| api::list_tastings(&store));
    view! {
        <Title text=t.tastings_title()/>
        <TopBar title=t.tastings_title() back=format!("/s/{}", store.get_untracked())/>
        <main class="page page-with-nav">
            <p class="intro">{t.tastings_intro()}</p>
            <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    let s = store.get_untracked();
                    match tastings.await {
                        Ok(list) if list.tastings.is_empty() => view! { <p class="empty-state">{t.tastings_empty()}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="tasting-list" data-testid="tasting-list">
                                {list.tastings.into_iter().map(|card| {
                                    let href = format!("/s/{s}/tastings/{}", card.tasting.id);
                                    view! { <li><a class="tasting-card" href=href data-testid="tasting-card"><TastingSummary card with_mine=true/></a></li> }
                                }).collect_view()}
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

/// Title, time, place and seats: the same on the list and the tasting's page (which shows
/// the resident's booking in full, so `with_mine` is for the list).
#[component]
fn TastingSummary(card: TastingCard, #[prop(optional)] with_mine: bool) -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let tasting = &card.tasting;
    let taken = tasting.seats.saturating_sub(card.seats_left);
    let percent = (taken * 100).checked_div(tasting.seats).unwrap_or(0);
    view! {
        <div class="tasting-head">
            <strong class="tasting-title">{tasting.title.clone()}</strong>
            <SeatsBadge card=card.clone()/>
        </div>
        <p class="muted small">{format_local(locale, tasting.starts_at)} " · " {tasting.place.clone()}</p>
        {(!card.started).then(|| view! {
            <div class="stock-bar" aria-hidden="true"><span class="stock-bar-fill" style=format!("width:{percent}%")></span></div>
            <p class="small" data-testid="tasting-seats">{seats_line(t, &card)}</p>
        })}
        {card.my_booking.as_ref().filter(|_| with_mine).map(|b| view! { <p class="small tasting-mine">{booking_label(t, b.status)}</p> })}
    }
}

#[component]
fn SeatsBadge(card: TastingCard) -> impl IntoView {
    let t = use_i18n();
    let (class, label) = match card.tasting.status {
        TastingStatus::Cancelled => ("status status-cancelled", t.tasting_called_off()),
        TastingStatus::Scheduled if card.started => ("status status-cancelled", t.tasting_ended()),
        TastingStatus::Scheduled if card.seats_left == 0 => ("status status-full", t.tasting_full()),
        TastingStatus::Scheduled => ("status status-open", t.tasting_open()),
    };
    view! { <span class=class>{label}</span> }
}

fn seats_line(t: I18n, card: &TastingCard) -> String {
    let left = t
        .tasting_seats_left()
        .replace("{left}", &card.seats_left.to_string())
        .replace("{seats}", &card.tasting.seats.to_string());
    if card.waitlisted > 0 {
        format!("{left} · {}", t.tasting_waiting().replace("{n}", &card.waitlisted.to_string()))
    } else {
        left
    }
}

fn booking_label(t: I18n, status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Confirmed => t.booking_confirmed(),
        BookingStatus::Waitlisted => t.booking_waitlisted(),
        BookingStatus::CheckedIn => t.booking_checked_in(),
        _ => t.booking_over(),
    }
}

#[component]
pub fn TastingPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let id = use_param("tasting");
    let me = use_me();
    let tasting = Resource::new(move || id.get(), |id| api::get_tasting(&id));
    view! {
        <Title text=t.tastings_title()/>
        <TopBar title=t.tastings_title() back=format!("/s/{}/tastings", store.get_untracked())/>
        <main class="page page-with-nav">
            <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    let viewer = me.await.ok().flatten();
                    let store = store.get_untracked();
                    match tasting.await {
                        Ok(card) => {
                            let member = may_shop_at(&viewer, &store);
                            view! { <TastingBoard initial=card member store/> }.into_any()
                        }
                        Err(error) => view! { <ProblemNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
        <BottomNav store=store.get_untracked() active="shop"/>
    }
}

/// The tasting with what she can do there: book, cancel, answer the survey (an island).
/// Each of these answers with the tasting as it now is, which replaces what is shown.
#[cfg_attr(not(any(feature = "ssr", feature = "community")), component)]
#[cfg_attr(any(feature = "ssr", feature = "community"), island)]
fn TastingBoard(initial: TastingCard, member: bool, store: String) -> impl IntoView {
    let current = RwSignal::new(initial);
    let id = StoredValue::new(current.with_untracked(|c| c.tasting.id.to_string()));
    let book = Action::new(move |request: &NewBooking| api::book_tasting(&id.read_value(), request));
    let cancel = Action::new(move |_: &()| api::cancel_booking(&id.read_value()));
    let answer = Action::new(move |a: &NpsAnswer| api::answer_survey(&id.read_value(), a));
    for answered in [book.value(), cancel.value(), answer.value()] {
        Effect::new(move |_| {
            if let Some(Ok(card)) = answered.get() {
                current.set(card);
            }
        });
    }
    view! {
        <ActionProblem result=book.value().into()/>
        <ActionProblem result=cancel.value().into()/>
        <ActionProblem result=answer.value().into()/>
        {move || view! { <TastingDetail card=current.get() member store=store.clone() book cancel answer/> }}
    }
    // Erased: the native build (tests) otherwise nests too deep a type for the compiler.
    .into_any()
}

type CardAction<T> = Action<T, api::ApiResult<TastingCard>>;

#[component]
fn TastingDetail(
    card: TastingCard,
    member: bool,
    store: String,
    book: CardAction<NewBooking>,
    cancel: CardAction<()>,
    answer: CardAction<NpsAnswer>,
) -> impl IntoView {
    let t = use_i18n();
    let open = card.tasting.status == TastingStatus::Scheduled && !card.started;
    let cover = card.tasting.cover_url.clone();
    let mine = card.my_booking.clone();
    let survey_open = card.survey_open;
    let per_household = card.tasting.seats_per_household;
    let products = card.products.clone();
    let booking = match (&mine, member, open) {
        (Some(b), ..) => {
            let code = b.check_in_code.clone();
            // The booking's id keeps a cached image of an older booking's code away.
            let qr = format!("/api/v1/tastings/{}/booking/qr.svg?b={}", card.tasting.id, b.booking_id);
            let position = b.position;
            let can_cancel = open && matches!(b.status, BookingStatus::Confirmed | BookingStatus::Waitlisted);
            view! {
                <section class="booking-box" data-testid="my-booking">
                    <p class="booking-status"><strong>{booking_label(t, b.status)}</strong>
                        {" · "}{t.booking_seats().replace("{n}", &b.seats.to_string())}</p>
                    {position.map(|p| view! {
                        <p class="booking-position" data-testid="waitlist-position">{t.booking_position().replace("{n}", &p.to_string())}</p>
                    })}
                    {code.map(|code| view! {
                        <div class="check-in-code">
                            <span class="muted small">{t.booking_code_hint()}</span>
                            <img class="check-in-qr" src=qr alt=t.booking_qr_alt() width="168" height="168" data-testid="check-in-qr"/>
                            <strong class="code" data-testid="check-in-code">{code}</strong>
                        </div>
                    })}
                    {can_cancel.then(|| view! {
                        <p class="muted small">{t.booking_cancel_hint()}</p>
                        <button class="btn btn-block" type="button" data-testid="cancel-booking"
                            disabled=move || cancel.pending().get() on:click=move |_| { cancel.dispatch(()); }>{t.booking_cancel()}</button>
                    })}
                </section>
            }
            .into_any()
        }
        (None, true, true) => {
            let full = card.seats_left == 0;
            view! { <BookForm per_household full book/> }.into_any()
        }
        (None, false, true) => {
            view! { <a class="join-banner" href=format!("/s/{store}/join")>{t.tasting_join_first()} " ›"</a> }.into_any()
        }
        _ => ().into_any(),
    };
    view! {
        <article class="tasting" data-testid="tasting">
            {cover.map(|src| view! { <img class="tasting-cover" src=src alt="" loading="lazy"/> })}
            <TastingSummary card/>
            {(!products.is_empty()).then(|| view! {
                <p class="tasting-products" data-testid="tasting-products">
                    <span class="muted small">{t.tasting_products()}</span>
                    {products.into_iter().map(|p| view! {
                        <a class="tasting-product" href=format!("/s/{store}/p/{}", p.id)>{p.name}</a>
                    }).collect_view()}
                </p>
            })}
            {booking}
            {survey_open.then(|| view! { <Survey answer/> })}
        </article>
    }
}

/// How many seats (up to the household's cap), then book; a full tasting offers the waitlist.
#[component]
fn BookForm(per_household: u32, full: bool, book: CardAction<NewBooking>) -> impl IntoView {
    let t = use_i18n();
    let seats = RwSignal::new(1u32);
    view! {
        <form class="form booking-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            book.dispatch(NewBooking { seats: i64::from(seats.get_untracked()), no_waitlist: false });
        }>
            <label class="field"><span>{t.booking_how_many().replace("{max}", &per_household.to_string())}</span>
                <select prop:value=move || seats.get().to_string() data-testid="booking-seats"
                    on:change:target=move |ev| seats.set(ev.target().value().parse().unwrap_or(1))>
                    {(1..=per_household).map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                </select>
            </label>
            {full.then(|| view! { <p class="muted small">{t.booking_full_hint()}</p> })}
            <button class="btn btn-primary btn-block" type="submit" data-testid="book-tasting" disabled=move || book.pending().get()>
                {if full { t.booking_join_waitlist() } else { t.booking_book() }}
            </button>
        </form>
    }
}

/// The one question after the evening: 0–10 and an optional comment.
#[component]
fn Survey(answer: CardAction<NpsAnswer>) -> impl IntoView {
    let t = use_i18n();
    let score = RwSignal::new(None::<i64>);
    let comment = RwSignal::new(String::new());
    view! {
        <form class="form survey" data-testid="survey" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if let Some(score) = score.get_untracked() {
                let comment = Some(comment.get_untracked()).filter(|c| !c.trim().is_empty());
                answer.dispatch(NpsAnswer { score, comment });
            }
        }>
            <h2 class="section-title">{t.survey_question()}</h2>
            <div class="survey-scale" role="radiogroup" aria-label=t.survey_question()>
                {(0..=10).map(|n| view! {
                    <button type="button" class="survey-score" class:selected=move || score.get() == Some(n)
                        aria-pressed=move || (score.get() == Some(n)).to_string() on:click=move |_| score.set(Some(n))>{n}</button>
                }).collect_view()}
            </div>
            <p class="survey-ends muted small"><span>{t.survey_unlikely()}</span><span>{t.survey_likely()}</span></p>
            <textarea rows="2" maxlength=MAX_NPS_COMMENT_CHARS placeholder=t.survey_comment() aria-label=t.survey_comment()
                prop:value=move || comment.get() on:input:target=move |ev| comment.set(ev.target().value())></textarea>
            <button class="btn btn-primary btn-block" type="submit" disabled=move || score.get().is_none()>{t.survey_send()}</button>
        </form>
    }
}
