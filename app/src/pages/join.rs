//! `/s/:store/join`: a resident joins the store (nickname, phone, building/unit, household),
//! or signs in again (`?sign_in=1` opens that part). `?next=` is where she came from (a
//! product, a live, her orders): she goes back there afterwards, and a product page then
//! confirms she has joined.

use super::use_param;
use crate::{
    api,
    components::{
        hydration::use_hydrated,
        layout::TopBar,
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::{use_i18n, Locale},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared_model::identity::{HouseholdTag, JoinRequest, ResidentSignIn};

const TAGS: [HouseholdTag; 4] =
    [HouseholdTag::HasChildren, HouseholdTag::HasElderly, HouseholdTag::HasPets, HouseholdTag::Vegetarian];

/// Where to go back to after joining or signing in: `next` when it is a path on this site
/// (`/…`, never `//host` or `/\host`, which browsers treat as another site), else none.
pub fn return_path(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let on_this_site = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    on_this_site.then(|| next.to_string())
}

/// `path` with `joined=1` added to its query, for the page she came back to.
fn with_joined_flag(path: &str) -> String {
    let (path, fragment) = path.split_once('#').map_or((path, ""), |(p, f)| (p, f));
    let sep = if path.contains('?') { '&' } else { '?' };
    let fragment = if fragment.is_empty() { String::new() } else { format!("#{fragment}") };
    format!("{path}{sep}joined=1{fragment}")
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store").get_untracked();
    let query = use_query_map();
    let next = return_path(query.read_untracked().get("next").as_deref());
    let open_sign_in = query.read_untracked().get("sign_in").is_some();
    view! {
        <Title text=t.join_title()/>
        <TopBar title=t.join_title() back=format!("/s/{store}")/>
        <main class="page">
            <p class="intro">{t.join_intro()}</p>
            <JoinForms store next open_sign_in/>
        </main>
    }
}

/// Joining, and signing in again with a texted code (an island): either way she then goes
/// back to `next`, or to the shop.
#[cfg_attr(not(any(feature = "ssr", feature = "resident")), component)]
#[cfg_attr(any(feature = "ssr", feature = "resident"), island)]
fn JoinForms(store: String, next: Option<String>, open_sign_in: bool) -> impl IntoView {
    let t = use_i18n();
    let nickname = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let building = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let tags = RwSignal::new(Vec::<HouseholdTag>::new());

    let store = StoredValue::new(store);
    let join = Action::new(move |req: &JoinRequest| api::join_store(&store.read_value(), req));
    let sign_in = Action::new(move |req: &ResidentSignIn| api::sign_in_resident(&store.read_value(), req));
    Effect::new(move |_| {
        let joined = matches!(join.value().get(), Some(Ok(_)));
        let signed_in = matches!(sign_in.value().get(), Some(Ok(_)));
        let target = match &next {
            Some(path) if joined => with_joined_flag(path),
            Some(path) => path.clone(),
            None => format!("/s/{}", store.read_value()),
        };
        if joined || signed_in {
            crate::browser::go_to(&target);
        }
    });
    let code_phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let send_code = Action::new(move |phone: &String| api::request_sign_in_code(&store.read_value(), phone));
    let submit_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sign_in.dispatch(ResidentSignIn { phone: code_phone.get_untracked(), code: code.get_untracked() });
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        join.dispatch(JoinRequest {
            nickname: nickname.get_untracked(),
            phone: phone.get_untracked(),
            building: building.get_untracked(),
            unit: unit.get_untracked(),
            household_tags: tags.get_untracked(),
        });
    };
    let field =
        move |label: &'static str, name: &'static str, kind: &'static str, signal: RwSignal<String>, mode: &'static str| {
            view! {
                <label class="field">
                    <span>{label}</span>
                    <input type=kind name=name inputmode=mode prop:value=move || signal.get()
                        on:input:target=move |ev| signal.set(ev.target().value()) data-testid=format!("join-{name}")/>
                </label>
            }
        };
    let hydrated = use_hydrated();
    view! {
        <form class="form" on:submit=submit>
            {field(t.nickname(), "nickname", "text", nickname, "text")}
            {field(t.phone(), "phone", "tel", phone, "numeric")}
            <div class="field-row">
                {field(t.building(), "building", "text", building, "text")}
                {field(t.unit(), "unit", "text", unit, "text")}
            </div>
            <fieldset class="field">
                <legend>{t.household()}</legend>
                <div class="chips">
                    {TAGS.into_iter().map(|tag| {
                        let label = if t.0 == Locale::ZhCn { tag.label_zh() } else { tag.label_en() };
                        view! {
                            <label class="chip">
                                <input type="checkbox" prop:checked=move || tags.read().contains(&tag)
                                    on:change:target=move |ev| {
                                        let on = ev.target().checked();
                                        tags.update(|list| { list.retain(|x| *x != tag); if on { list.push(tag); } });
                                    }/>
                                <span>{label}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <ActionProblem result=join.value().into()/>
            <button class="btn btn-primary btn-block" type="submit" disabled=move || !hydrated.get() || join.pending().get() data-testid="join-submit">
                {t.join_button()}
            </button>
        </form>
        <details class="form device-sign-in" id="sign-in" open=open_sign_in>
            <summary>{t.already_joined()}</summary>
            <p class="muted small">{t.sign_in_code_hint()}</p>
            <form class="form-inner" on:submit=submit_code>
                {field(t.phone(), "code-phone", "tel", code_phone, "numeric")}
                <button class="btn btn-block" type="button" disabled=move || !hydrated.get() || send_code.pending().get() data-testid="send-code"
                    on:click=move |_| { send_code.dispatch(code_phone.get_untracked()); }>
                    {move || if send_code.pending().get() { t.sending_code() } else { t.send_code() }}
                </button>
                {move || match send_code.value().get() {
                    Some(Ok(sent)) => Some(view! {
                        <p class="notice notice-info" role="status" data-testid="code-sent">{t.code_sent_to(&sent.phone_masked, sent.valid_minutes)}</p>
                    }.into_any()),
                    Some(Err(error)) => Some(view! { <ProblemNotice error/> }.into_any()),
                    None => None,
                }}
                {field(t.sign_in_code(), "code", "text", code, "numeric")}
                <ActionProblem result=sign_in.value().into()/>
                <button class="btn btn-primary btn-block" type="submit" disabled=move || !hydrated.get() || sign_in.pending().get()>{t.sign_in()}</button>
            </form>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_gone_back_to() {
        assert_eq!(return_path(Some("/s/st-gubei/p/p-eggs-special")).as_deref(), Some("/s/st-gubei/p/p-eggs-special"));
        assert_eq!(return_path(Some("/l/l-1")).as_deref(), Some("/l/l-1"));
        for bad in ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "", "/s/x y"] {
            assert_eq!(return_path(Some(bad)), None, "{bad}");
        }
        assert_eq!(return_path(None), None);
    }

    #[test]
    fn the_page_gone_back_to_learns_she_joined() {
        assert_eq!(with_joined_flag("/s/a/p/b"), "/s/a/p/b?joined=1");
        assert_eq!(with_joined_flag("/s/a?c=fruit"), "/s/a?c=fruit&joined=1");
        assert_eq!(with_joined_flag("/l/l-1#offer"), "/l/l-1?joined=1#offer");
    }
}
