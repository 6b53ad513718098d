//! For someone who is not (or no longer) signed in on a page that needs a resident: sign
//! in first — most people who reach "my orders" or the cart signed out joined before, on
//! this phone or another — and join second. Both come back to the page they left.

use crate::{api::encode_query, i18n::use_i18n};
use leptos::prelude::*;

/// The join page's sign-in part (opened), coming back to `next` afterwards.
pub fn sign_in_href(store: &str, next: &str) -> String {
    format!("/s/{store}/join?sign_in=1&next={}#sign-in", encode_query(next))
}

/// The join form, coming back to `next` afterwards.
pub fn join_href(store: &str, next: &str) -> String {
    format!("/s/{store}/join?next={}", encode_query(next))
}

/// "登录后查看…": a sign-in button, then joining for newcomers.
#[component]
pub fn SignInOrJoin(#[prop(into)] store: String, #[prop(into)] next: String, title: &'static str) -> impl IntoView {
    let t = use_i18n();
    view! {
        <section class="card member-prompt" data-testid="sign-in-or-join">
            <p class="member-prompt-title">{title}</p>
            <a class="btn btn-primary btn-block" href=sign_in_href(&store, &next) data-testid="sign-in-link">{t.member_sign_in()}</a>
            <p class="muted small member-prompt-or">{t.member_new_here()}</p>
            <a class="btn btn-block" href=join_href(&store, &next) data-testid="join-link">{t.join_title()}</a>
        </section>
    }
}
