//! The 404 page.

use crate::{components::layout::TopBar, i18n::use_i18n, set_page_status};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    set_page_status(404);
    let t = use_i18n();
    view! {
        <Title text=t.not_found()/>
        <TopBar title=t.brand()/>
        <main class="page empty-state">
            <p>{t.not_found()}</p>
            <a class="btn btn-primary" href="/">{t.back_home()}</a>
        </main>
    }
}
