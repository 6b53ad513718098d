//! `/owner/tastings` and `/owner/tastings/:tasting`: the owner schedules 品鉴会 and sees
//! the store's NPS; on a tasting's page, who booked, the waitlist in order, the door
//! screen that checks a resident in by the code she shows, and calling it off.

use super::{
    owner::{OwnerGate, OwnerNav, OwnerSection},
    use_param,
};
use crate::{
    api,
    components::{
        layout::TopBar,
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::{use_i18n, use_locale, I18n},
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    api::{BookingLine, CheckInRequest, TastingCard},
    catalog::ProductSummary,
    community::{
        BookingStatus, NewTasting, NpsSummary, TastingStatus, MAX_PLACE_CHARS, MAX_TASTING_PRODUCTS, MAX_TASTING_TITLE_CHARS,
    },
    identity::Me,
    locale::format_local,
    time::parse_local_input,
    ProductId,
};

#[component]
pub fn OwnerTastingsPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.owner_tastings_title()/>
        <TopBar title=t.owner_tastings_title() back="/owner"/>
        <main class="page">
            <OwnerGate signed_in=|me: Me| view! { <OwnerNav active=OwnerSection::Tastings/><OwnerTastings store=me.store_id.to_string()/> }/>
        </main>
    }
}

#[component]
fn OwnerTastings(store: String) -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let schedule = Action::new({
        let store = store.clone();
        move |new: &NewTasting| api::schedule_tasting(&store, new)
    });
    let tastings = Resource::new(
        {
            let store = store.clone();
            move || (store.clone(), schedule.version().get())
        },
        |(store, _)| api::list_tastings(&store),
    );
    let nps = Resource::new(
        {
            let store = store.clone();
            move || store.clone()
        },
        |store| api::store_nps(&store),
    );
    let shelf = Resource::new(move || store.clone(), |store| api::list_products(&store, None, None));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                nps.await.ok().map(|n| {
                    let label = t.owner_nps_label().replace("{days}", &n.window_days.to_string());
                    view! { <NpsFigure summary=n.summary label/> }
                })
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let shelf = shelf.await.map(|l| l.products).unwrap_or_default();
                view! { <ScheduleTasting schedule shelf/> }
            })}
        </Transition>
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                match tastings.await {
                    Ok(list) if list.tastings.is_empty() => view! { <p class="empty-state">{t.tastings_empty()}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="owner-live-list" data-testid="owner-tasting-list">
                            {list.tastings.into_iter().map(|card| view! {
                                <li class="owner-live-card" data-testid="owner-tasting-card"><a href=format!("/owner/tastings/{}", card.tasting.id)>
                                    <span class="owner-live-text">
                                        <strong class="owner-live-title">{card.tasting.title.clone()}</strong>
                                        <span class="owner-live-meta">{format_local(locale, card.tasting.starts_at)} " · " {seat_counts(t, &card)}</span>
                                    </span>
                                    <span class="owner-live-go">{t.owner_tasting_open()} " ›"</span>
                                </a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn seat_counts(t: I18n, card: &TastingCard) -> String {
    let taken = card.tasting.seats.saturating_sub(card.seats_left);
    t.owner_tasting_counts()
        .replace("{taken}", &taken.to_string())
        .replace("{seats}", &card.tasting.seats.to_string())
        .replace("{waiting}", &card.waitlisted.to_string())
}

/// The store's NPS: the score, and the counts it comes from.
#[component]
fn NpsFigure(summary: NpsSummary, label: String) -> impl IntoView {
    let t = use_i18n();
    let score = summary.nps.map_or_else(|| "—".to_string(), |n| n.to_string());
    view! {
        <section class="nps-figure" data-testid="store-nps">
            <span class="muted small">{label}</span>
            <strong class="nps-score">{score}</strong>
            <span class="muted small">{t.owner_nps_counts()
                .replace("{answers}", &summary.answers.to_string())
                .replace("{promoters}", &summary.promoters.to_string())
                .replace("{detractors}", &summary.detractors.to_string())}</span>
        </section>
    }
}

#[component]
fn ScheduleTasting(schedule: Action<NewTasting, api::ApiResult<TastingCard>>, shelf: Vec<ProductSummary>) -> impl IntoView {
    let t = use_i18n();
    let title = RwSignal::new(String::new());
    let starts_at = RwSignal::new(String::new());
    let place = RwSignal::new(String::new());
    let seats = RwSignal::new("20".to_string());
    let per_household = RwSignal::new("2".to_string());
    let cover = RwSignal::new(String::new());
    let picked = RwSignal::new(Vec::<ProductId>::new());
    let missing_start = RwSignal::new(false);
    // Tomorrow evening, once in the browser.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if starts_at.get_untracked().is_empty() {
            use shared_model::{community::suggested_tasting_start, time::format_local_input};
            let now = chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
            starts_at.set(format_local_input(suggested_tasting_start(now)));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = schedule.value().get() {
            title.set(String::new());
            cover.set(String::new());
            picked.set(Vec::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(at) = parse_local_input(&starts_at.get_untracked()) else {
            missing_start.set(true);
            return;
        };
        missing_start.set(false);
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>().unwrap_or(0);
        schedule.dispatch(NewTasting {
            title: title.get_untracked(),
            starts_at: at,
            place: place.get_untracked(),
            seats: number(seats),
            seats_per_household: number(per_household),
            product_ids: picked.get_untracked(),
            cover_url: Some(cover.get_untracked()).filter(|c| !c.trim().is_empty()),
        });
    };
    let text_field = move |label: &'static str, value: RwSignal<String>, max: usize, testid: &'static str| {
        view! {
            <label class="field"><span>{label}</span>
                <input type="text" maxlength=max.to_string() data-testid=testid
                    prop:value=move || value.get() on:input:target=move |ev| value.set(ev.target().value())/></label>
        }
    };
    let number_field = move |label: &'static str, value: RwSignal<String>, testid: &'static str| {
        view! {
            <label class="field"><span>{label}</span>
                <input type="number" inputmode="numeric" min="1" data-testid=testid
                    prop:value=move || value.get() on:input:target=move |ev| value.set(ev.target().value())/></label>
        }
    };
    view! {
        <form class="form owner-live-form" on:submit=submit>
            <h2 class="section-title">{t.owner_tasting_schedule()}</h2>
            {text_field(t.owner_tasting_title_label(), title, MAX_TASTING_TITLE_CHARS, "tasting-title")}
            <label class="field"><span>{t.owner_tasting_starts_at()}</span>
                <input type="datetime-local" data-testid="tasting-starts-at"
                    prop:value=move || starts_at.get() on:input:target=move |ev| starts_at.set(ev.target().value())/></label>
            {text_field(t.owner_tasting_place(), place, MAX_PLACE_CHARS, "tasting-place")}
            <div class="field-pair">
                {number_field(t.owner_tasting_seats(), seats, "tasting-seats-total")}
                {number_field(t.owner_tasting_per_household(), per_household, "tasting-per-household")}
            </div>
            <fieldset class="field tasting-picks">
                <legend>{t.owner_tasting_products().replace("{max}", &MAX_TASTING_PRODUCTS.to_string())}</legend>
                {shelf.into_iter().map(|p| {
                    let id = p.id.clone();
                    let checked = {
                        let id = id.clone();
                        move || picked.with(|ids| ids.contains(&id))
                    };
                    view! {
                        <label class="tasting-pick">
                            <input type="checkbox" prop:checked=checked on:change:target=move |ev| {
                                let on = ev.target().checked();
                                picked.update(|ids| {
                                    ids.retain(|x| *x != id);
                                    if on {
                                        ids.push(id.clone());
                                    }
                                });
                            }/>
                            {p.name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label class="field"><span>{t.owner_tasting_cover()}</span>
                <input type="text" inputmode="url" autocapitalize="off" spellcheck="false" placeholder="/images/live/cover.svg"
                    prop:value=move || cover.get() on:input:target=move |ev| cover.set(ev.target().value())/></label>
            {move || missing_start.get().then(|| view! { <p class="notice notice-error" role="alert">{t.owner_live_start_required()}</p> })}
            <ActionProblem result=schedule.value().into()/>
            {move || matches!(schedule.value().get(), Some(Ok(_))).then(|| view! {
                <p class="notice notice-ok" role="status" data-testid="tasting-scheduled">{t.owner_tasting_scheduled()}</p>
            })}
            <button class="btn btn-primary btn-block" type="submit" disabled=move || schedule.pending().get()>{t.owner_tasting_schedule()}</button>
        </form>
    }
}

#[component]
pub fn OwnerTastingPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.owner_tastings_title()/>
        <TopBar title=t.owner_tastings_title() back="/owner/tastings"/>
        <main class="page">
            <OwnerGate signed_in=|_me: Me| view! { <OwnerTasting/> }/>
        </main>
    }
}

#[component]
fn OwnerTasting() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let id = use_param("tasting");
    let code = RwSignal::new(String::new());
    let check_in = Action::new(move |code: &String| api::check_in(&id.get_untracked(), &CheckInRequest { code: code.clone() }));
    let call_off = Action::new(move |_: &()| api::cancel_tasting(&id.get_untracked()));
    let bookings =
        Resource::new(move || (id.get(), check_in.version().get(), call_off.version().get()), |(id, ..)| api::list_bookings(&id));
    Effect::new(move |_| {
        if let Some(Ok(_)) = check_in.value().get() {
            code.set(String::new());
        }
    });
    view! {
        <form class="form door" data-testid="door" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            check_in.dispatch(code.get_untracked());
        }>
            <h2 class="section-title">{t.door_title()}</h2>
            <div class="owner-row-form">
                <input type="text" inputmode="numeric" autocomplete="off" maxlength="6" placeholder=t.door_placeholder()
                    aria-label=t.door_placeholder() data-testid="door-code"
                    prop:value=move || code.get() on:input:target=move |ev| code.set(ev.target().value())/>
                <button class="btn btn-primary" type="submit" disabled=move || check_in.pending().get()>{t.door_check_in()}</button>
            </div>
            <ActionProblem result=check_in.value().into()/>
            {move || match check_in.value().get() {
                Some(Ok(line)) => Some(view! {
                    <p class="notice notice-ok" role="status" data-testid="door-welcome">
                        {t.door_welcome().replace("{name}", &line.nickname).replace("{n}", &line.seats.to_string())}
                    </p>
                }),
                _ => None,
            }}
        </form>
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                match bookings.await {
                    Ok(list) => {
                        let card = list.tasting;
                        let scheduled = card.tasting.status == TastingStatus::Scheduled;
                        view! {
                            <section class="owner-tasting-head">
                                <strong>{card.tasting.title.clone()}</strong>
                                <p class="muted small">{format_local(locale, card.tasting.starts_at)} " · " {card.tasting.place.clone()}</p>
                                <p class="small" data-testid="owner-tasting-counts">{seat_counts(t, &card)}</p>
                            </section>
                            {(list.survey.answers > 0).then(|| view! { <NpsFigure summary=list.survey label=t.owner_tasting_nps().to_string()/> })}
                            <ul class="booking-list" data-testid="booking-list">
                                {list.bookings.into_iter().map(|line| view! { <BookingRow line/> }).collect_view()}
                            </ul>
                            <ActionProblem result=call_off.value().into()/>
                            {scheduled.then(|| view! {
                                <button class="btn btn-danger btn-block" type="button" data-testid="call-off"
                                    on:click=move |_| {
                                        #[cfg(feature = "hydrate")]
                                        if !web_sys::window().and_then(|w| w.confirm_with_message(t.owner_tasting_call_off_confirm()).ok()).unwrap_or(false) {
                                            return;
                                        }
                                        call_off.dispatch(());
                                    }>{t.owner_tasting_call_off()}</button>
                            })}
                        }.into_any()
                    }
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BookingRow(line: BookingLine) -> impl IntoView {
    let t = use_i18n();
    let status = match line.status {
        BookingStatus::Confirmed => t.booking_confirmed().to_string(),
        BookingStatus::Waitlisted => t.booking_position().replace("{n}", &line.position.unwrap_or(0).to_string()),
        BookingStatus::CheckedIn => t.booking_checked_in().to_string(),
        BookingStatus::LateCancelled => t.booking_late_cancelled().to_string(),
        BookingStatus::NoShow => t.booking_no_show().to_string(),
        _ => t.booking_over().to_string(),
    };
    view! {
        <li class=format!("booking-line booking-{}", line.status.as_str()) data-testid="booking-line">
            <span>{line.nickname.clone()} <span class="muted small">" " {line.building.clone()} {line.unit.clone()}</span></span>
            <span class="small">{t.booking_seats().replace("{n}", &line.seats.to_string())} " · " {status}</span>
        </li>
    }
}
