//! The owner's form to pin a flash offer from the store's shelf in a live that is on air:
//! product, flash and returning-customer prices, allotment, per-buyer cap, when it opens,
//! how long it lasts, and a gift. What was typed is checked here first, field by field in
//! the order the server checks them ([`PinDraft::to_offer`]), and a refusal is shown as
//! the problem the server would have sent.
//!
//! It starts from the query's `product`, `flash`, `allotted` and `cap` when given (the
//! owner's 今日建议 links here with a suggested live push).
//!
//! Test ids: `pin-product` (a `<select>`, option values are product ids), `pin-flash-price`,
//! `pin-returning-price` (yuan, e.g. `9.9`), `pin-allotted`, `pin-cap`, `pin-opens-in`,
//! `pin-duration` (minutes), `pin-gift`, `pin-submit`.

use crate::{
    api::{self, ApiError, ApiResult},
    components::problem::{ActionProblem, ProblemNotice},
    i18n::use_i18n,
};
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use shared_model::{
    api::ProductList,
    cart::MAX_LINE_QUANTITY,
    live::{NewOffer, RoomSnapshot, MAX_ALLOTTED, MAX_GIFT_CHARS, MAX_OFFER_WINDOW_HOURS},
    money::Fen,
    Problem, ProductId,
};

/// What went wrong in the pin form before anything was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PinProblem {
    /// No product chosen.
    NoProduct,
    /// A field the server would refuse the same way: its status, problem code and title.
    Field(u16, &'static str, &'static str),
}

impl PinProblem {
    /// As the problem the server would have sent, so it is shown the same way.
    fn to_error(self) -> Option<ApiError> {
        match self {
            PinProblem::NoProduct => None,
            PinProblem::Field(status, code, title) => Some(ApiError(Problem::new(status, code, title))),
        }
    }
}

fn field_problem(status: u16, code: &'static str, title: &'static str) -> PinProblem {
    PinProblem::Field(status, code, title)
}

/// What the pin form holds, as typed.
#[derive(Debug, Clone, Default)]
struct PinDraft {
    product: String,
    flash: String,
    returning: String,
    allotted: String,
    cap: String,
    opens_in: String,
    duration: String,
    gift: String,
}

impl PinDraft {
    /// The offer to send, with its window starting `opens_in` minutes after `now`, or the
    /// first field in the way (checked in the order the server checks them).
    fn to_offer(&self, now: DateTime<Utc>) -> Result<NewOffer, PinProblem> {
        if self.product.is_empty() {
            return Err(PinProblem::NoProduct);
        }
        let product_id = ProductId::parse(&self.product)
            .map_err(|_| field_problem(404, "product_not_found", "No such product in this store"))?;
        let flash_price = Fen::parse_yuan(&self.flash).ok_or_else(|| {
            field_problem(422, "invalid_flash_price", "The flash price must be above 0 and at most the regular price")
        })?;
        let returning_price = optional(&self.returning).map(|p| Fen::parse_yuan(p).ok_or(())).transpose().map_err(|()| {
            field_problem(
                422,
                "invalid_returning_price",
                "The returning-customer price must be above 0 and below the flash price",
            )
        })?;
        let allotted = self
            .allotted
            .trim()
            .parse::<u32>()
            .map_err(|_| field_problem(422, "invalid_allotted", "The allotment must be between 1 and 9999"))?;
        let per_buyer_cap = optional(&self.cap)
            .map(str::parse::<u32>)
            .transpose()
            .map_err(|_| field_problem(422, "invalid_cap", "A per-buyer cap must be between 1 and 99"))?;
        let window = |text: &str| text.trim().parse::<u16>().map(|m| Duration::minutes(i64::from(m)));
        let bad_window = || field_problem(422, "invalid_offer_window", "An offer must close after it opens");
        let opens_in = if self.opens_in.trim().is_empty() { Ok(Duration::zero()) } else { window(&self.opens_in) };
        let opens_at = now + opens_in.map_err(|_| bad_window())?;
        let closes_at = opens_at + window(&self.duration).map_err(|_| bad_window())?;
        let gift = optional(&self.gift).map(str::to_string);
        Ok(NewOffer { product_id, flash_price, returning_price, allotted, per_buyer_cap, opens_at, closes_at, gift })
    }
}

fn optional(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// Pinning a flash offer from the store's shelf. A pinned offer is folded into `room` at
/// once (the socket brings the same event), and `shelf` is bumped so the product list,
/// here and elsewhere, refetches its stock.
#[component]
pub fn PinForm(
    room: RwSignal<RoomSnapshot>,
    now: RwSignal<DateTime<Utc>>,
    live_id: String,
    store: String,
    shelf: RwSignal<u32>,
) -> impl IntoView {
    let t = use_i18n();
    // Loaded in the browser only (the select is not worth holding the first paint for):
    // on mount, and again after each pin or unpin, keeping the old list until the new one.
    let products = RwSignal::new(None::<ApiResult<ProductList>>);
    Effect::new(move |_| {
        shelf.track();
        let load = api::list_products(&store, None, None);
        leptos::task::spawn_local(async move { products.set(Some(load.await)) });
    });
    // 今日建议's live push links here with the offer in the query (`product`, `flash` in
    // yuan, `allotted`, `cap`): the form starts from it, and the owner edits it.
    let query = leptos_router::hooks::use_query_map();
    let prefill = query.with_untracked(|q| PinDraft {
        product: q.get("product").unwrap_or_default(),
        flash: q.get("flash").unwrap_or_default(),
        allotted: q.get("allotted").unwrap_or_default(),
        cap: q.get("cap").unwrap_or_default(),
        ..PinDraft::default()
    });
    let draft = RwSignal::new(PinDraft { opens_in: "0".into(), duration: "15".into(), ..prefill });
    let local = RwSignal::new(None::<PinProblem>);
    let pin = Action::new(move |offer: &NewOffer| api::pin_offer(&live_id, offer));
    Effect::new(move |_| {
        if let Some(Ok(offer)) = pin.value().get() {
            room.update(|r| {
                if !r.offers.iter().any(|o| o.id == offer.id) {
                    r.offers.push(offer);
                }
            });
            shelf.update(|n| *n += 1);
            draft.update(|d| *d = PinDraft { opens_in: d.opens_in.clone(), duration: d.duration.clone(), ..PinDraft::default() });
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match draft.with_untracked(|d| d.to_offer(now.get_untracked())) {
            Ok(offer) => {
                local.set(None);
                pin.dispatch(offer);
            }
            Err(problem) => local.set(Some(problem)),
        }
    };
    // One text field of the draft, two-way.
    let field = move |get: fn(&PinDraft) -> &String, set: fn(&mut PinDraft, String)| {
        (move || draft.with(|d| get(d).clone()), move |ev: leptos::ev::Event| draft.update(|d| set(d, event_target_value(&ev))))
    };
    let (flash, on_flash) = field(|d| &d.flash, |d, v| d.flash = v);
    let (returning, on_returning) = field(|d| &d.returning, |d, v| d.returning = v);
    let (allotted, on_allotted) = field(|d| &d.allotted, |d, v| d.allotted = v);
    let (cap, on_cap) = field(|d| &d.cap, |d, v| d.cap = v);
    let (opens_in, on_opens_in) = field(|d| &d.opens_in, |d, v| d.opens_in = v);
    let (duration, on_duration) = field(|d| &d.duration, |d, v| d.duration = v);
    let (gift, on_gift) = field(|d| &d.gift, |d, v| d.gift = v);
    let chosen = Memo::new(move |_| draft.with(|d| d.product.clone()));

    view! {
        <form class="form console-pin" id="pin-form" on:submit=submit>
            <h2 class="console-panel-title">{t.owner_pin_title()}</h2>
            <label class="field"><span>{t.owner_pin_product()}</span>
                {move || match products.get() {
                            None => view! { <select disabled=true><option>{t.loading()}</option></select> }.into_any(),
                            Some(Ok(list)) => view! {
                                <select data-testid="pin-product" on:change=move |ev| draft.update(|d| d.product = event_target_value(&ev))>
                                    <option value="" prop:selected=move || chosen.with(String::is_empty)>{t.owner_pin_choose()}</option>
                                    {list.products.into_iter().map(|p| {
                                        let id = p.id.to_string();
                                        let label = format!("{} · {} · {} {}", p.name, p.price, t.stock(), p.available);
                                        let selected = { let id = id.clone(); move || chosen.with(|c| *c == id) };
                                        view! { <option value=id disabled=p.available == 0 prop:selected=selected>{label}</option> }
                                    }).collect_view()}
                                </select>
                            }.into_any(),
                            Some(Err(error)) => view! { <ProblemNotice error/> }.into_any(),
                }}
            </label>
            <div class="field-row">
                <label class="field"><span>{t.owner_pin_flash_price()}</span>
                    <input type="text" inputmode="decimal" placeholder=t.owner_pin_price_placeholder() data-testid="pin-flash-price" prop:value=flash on:input=on_flash/></label>
                <label class="field"><span>{t.owner_pin_returning_price()}</span>
                    <input type="text" inputmode="decimal" placeholder=t.owner_optional() data-testid="pin-returning-price" prop:value=returning on:input=on_returning/></label>
            </div>
            <div class="field-row">
                <label class="field"><span>{t.owner_pin_allotted()}</span>
                    <input type="number" inputmode="numeric" min="1" max=MAX_ALLOTTED data-testid="pin-allotted" prop:value=allotted on:input=on_allotted/></label>
                <label class="field"><span>{t.owner_pin_cap()}</span>
                    <input type="number" inputmode="numeric" min="1" max=MAX_LINE_QUANTITY placeholder=t.no_cap() data-testid="pin-cap" prop:value=cap on:input=on_cap/></label>
            </div>
            <div class="field-row">
                <label class="field"><span>{t.owner_pin_opens_in()}</span>
                    <input type="number" inputmode="numeric" min="0" max=MAX_OFFER_WINDOW_HOURS * 60 data-testid="pin-opens-in" prop:value=opens_in on:input=on_opens_in/></label>
                <label class="field"><span>{t.owner_pin_duration()}</span>
                    <input type="number" inputmode="numeric" min="1" max=MAX_OFFER_WINDOW_HOURS * 60 data-testid="pin-duration" prop:value=duration on:input=on_duration/></label>
            </div>
            <label class="field"><span>{t.owner_pin_gift()}</span>
                <input type="text" maxlength=MAX_GIFT_CHARS.to_string() placeholder=t.owner_pin_gift_placeholder() data-testid="pin-gift" prop:value=gift on:input=on_gift/></label>
            {move || match local.get() {
                Some(PinProblem::NoProduct) => Some(view! { <p class="notice notice-error" role="alert">{t.owner_pin_choose()}</p> }.into_any()),
                Some(problem) => problem.to_error().map(|error| view! { <ProblemNotice error/> }.into_any()),
                None => None,
            }}
            {move || local.with(Option::is_none).then(|| view! { <ActionProblem result=pin.value().into()/> })}
            <button class="btn btn-primary btn-block" type="submit" data-testid="pin-submit" disabled=move || pin.pending().get()>{t.owner_pin_submit()}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z").unwrap().with_timezone(&Utc)
    }

    fn draft() -> PinDraft {
        PinDraft {
            product: "p-cabbage".into(),
            flash: "9.9".into(),
            returning: String::new(),
            allotted: "50".into(),
            cap: String::new(),
            opens_in: "0".into(),
            duration: "15".into(),
            gift: String::new(),
        }
    }

    #[test]
    fn builds_the_offer_from_the_form() {
        let offer = draft().to_offer(now()).unwrap();
        assert_eq!(offer.flash_price, Fen::from_fen(990));
        assert_eq!((offer.returning_price, offer.per_buyer_cap, offer.gift), (None, None, None));
        assert_eq!(offer.allotted, 50);
        assert_eq!((offer.opens_at, offer.closes_at), (now(), now() + Duration::minutes(15)));

        let full =
            PinDraft {
                returning: "8.80".into(), cap: "2".into(), opens_in: "5".into(), gift: " 送葱一把 ".into(), ..draft()
            };
        let offer = full.to_offer(now()).unwrap();
        assert_eq!(offer.returning_price, Some(Fen::from_fen(880)));
        assert_eq!(offer.per_buyer_cap, Some(2));
        assert_eq!(offer.opens_at, now() + Duration::minutes(5));
        assert_eq!(offer.closes_at, now() + Duration::minutes(20));
        assert_eq!(offer.gift.as_deref(), Some("送葱一把"));
    }

    fn code(problem: PinProblem) -> String {
        problem.to_error().map_or_else(|| "no_product".into(), |e| e.code().to_string())
    }

    #[test]
    fn names_the_first_field_in_the_way() {
        let refused = |d: PinDraft| code(d.to_offer(now()).unwrap_err());
        assert_eq!(refused(PinDraft { product: String::new(), ..draft() }), "no_product");
        assert_eq!(refused(PinDraft { flash: "9.999".into(), ..draft() }), "invalid_flash_price");
        assert_eq!(refused(PinDraft { returning: "abc".into(), ..draft() }), "invalid_returning_price");
        assert_eq!(refused(PinDraft { allotted: String::new(), ..draft() }), "invalid_allotted");
        assert_eq!(refused(PinDraft { cap: "-1".into(), ..draft() }), "invalid_cap");
        assert_eq!(refused(PinDraft { opens_in: "x".into(), ..draft() }), "invalid_offer_window");
        assert_eq!(refused(PinDraft { duration: "99999999".into(), ..draft() }), "invalid_offer_window");
    }
}
