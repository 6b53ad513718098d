//! The one page for what is not there: the route fallback, and every page whose store,
//! product, live or order does not exist. It says what is missing once, has a title and a
//! way back, and answers with a real 404. [`PageProblem`] is its sibling for a page that
//! could not be loaded (offline, a server problem): the problem and a retry, in place.

use crate::{
    api::ApiError,
    components::{layout::TopBar, problem::ProblemNotice},
    i18n::use_i18n,
    set_page_status,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// "门店不存在 · 返回首页": what is missing (`error`, else "页面不存在") and a way back (`back`,
/// the home page unless given, labelled `back_label`).
#[component]
pub fn NotFound(
    #[prop(optional)] error: Option<ApiError>,
    #[prop(optional, into)] back: Option<String>,
    #[prop(optional)] back_label: Option<&'static str>,
) -> impl IntoView {
    set_page_status(404);
    let t = use_i18n();
    let message = error.as_ref().map_or_else(|| t.not_found().to_string(), |e| t.problem(e));
    let back = back.unwrap_or_else(|| "/".to_string());
    // A title, not a sentence: no full stop before " · 邻里".
    let title = message.trim_end_matches(['.', '。']).to_string();
    view! {
        <Title text=title/>
        <TopBar title=t.brand() back=back.clone()/>
        <main class="page">
            <div class="empty-state not-found" data-testid="not-found">
                <p class="not-found-message">{message}</p>
                <a class="btn btn-primary" href=back data-testid="not-found-back">{back_label.unwrap_or(t.back_home())}</a>
            </div>
        </main>
    }
}

/// A page's data could not be loaded: a 404 is [`NotFound`]'s to say (the page itself
/// renders that), anything else is shown here inside the page, with a retry.
#[component]
pub fn PageProblem(error: ApiError) -> impl IntoView {
    let t = use_i18n();
    let retry = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <div class="page-problem" data-testid="page-problem">
            <ProblemNotice error/>
            <button class="btn btn-primary" type="button" on:click=retry>{t.retry()}</button>
        </div>
    }
}
