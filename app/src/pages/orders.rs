//! `/s/:store/orders`: the resident's orders, newest first.

use super::not_found::PageProblem;
use super::use_param;
use crate::{
    api,
    components::{
        layout::{BottomNav, TopBar},
        member::SignInOrJoin,
    },
    i18n::{use_i18n, Locale},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OrdersPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let orders = Resource::new(|| (), |_| api::list_orders());
    let me = super::use_me();
    view! {
        <Title text=t.orders()/>
        <TopBar title=t.orders() back=format!("/s/{}", store.get_untracked())/>
        <main class="page page-with-nav">
            <Suspense>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().map(|me| view! { <MeCard me/> })
                })}
            </Suspense>
            <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    let s = store.get_untracked();
                    match orders.await {
                        Ok(list) if list.orders.is_empty() => view! { <p class="empty-state">{t.no_orders()}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="order-list">
                                {list.orders.into_iter().map(|o| {
                                    let status = if t.0 == Locale::ZhCn { o.status.label_zh() } else { o.status.label_en() };
                                    view! {
                                        <li class="order-card" data-testid="order-card">
                                            <a href=format!("/s/{s}/orders/{}", o.id)>
                                                <div class="order-card-head">
                                                    <span class=format!("status status-{}", o.status.as_str())>{status}</span>
                                                    <span class="muted">{t.when(o.placed_at)}</span>
                                                </div>
                                                <p data-testid="order-contents">{t.order_contents(&o)}</p>
                                                <div class="order-card-foot">
                                                    <span class="muted">{t.pickup_date()} " " {t.pickup_date_text(o.pickup_date)}</span>
                                                    <strong class="price">{o.total.to_string()}</strong>
                                                </div>
                                            </a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        // Signed out (or never joined): sign in first, join second.
                        Err(error) if error.status() == 401 => {
                            view! { <SignInOrJoin store=s.clone() next=format!("/s/{s}/orders") title=t.orders_sign_in_title()/> }.into_any()
                        }
                        Err(error) => view! { <PageProblem error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
        <BottomNav store=store.get_untracked() active="orders"/>
    }
}

/// Who is signed in, a way onto another device, and signing out (an island).
#[cfg_attr(not(any(feature = "ssr", feature = "resident")), component)]
#[cfg_attr(any(feature = "ssr", feature = "resident"), island)]
fn MeCard(me: shared_model::identity::Me) -> impl IntoView {
    let t = use_i18n();
    let device_code = Action::new(|_: &()| api::create_device_code());
    let sign_out = Action::new(|_: &()| api::sign_out());
    let confirming = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = sign_out.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    });
    view! {
        <section class="card me-card">
            <p><strong>{me.nickname.clone()}</strong> <span class="muted">{format!(" {} {}", me.building, me.unit)}</span></p>
            <div class="me-actions">
                <button class="btn btn-small" type="button" data-testid="device-code-button" on:click=move |_| { device_code.dispatch(()); }>{t.other_device()}</button>
                <button class="btn btn-small" type="button" on:click=move |_| confirming.set(true) data-testid="sign-out">{t.sign_out()}</button>
            </div>
            // Signing out asks first, and says how to get back in (a texted code, or the owner).
            {move || confirming.get().then(|| view! {
                <div class="confirm" role="alertdialog" aria-labelledby="sign-out-question">
                    <p id="sign-out-question">{t.sign_out_confirm()}</p>
                    <div class="me-actions">
                        <button class="btn btn-small btn-danger" type="button" data-testid="sign-out-confirm"
                            on:click=move |_| { sign_out.dispatch(()); }>{t.sign_out_yes()}</button>
                        <button class="btn btn-small" type="button" on:click=move |_| confirming.set(false)>{t.keep_signed_in()}</button>
                    </div>
                </div>
            })}
            {move || match device_code.value().get() {
                Some(Ok(code)) => Some(view! {
                    <p class="muted small">{t.other_device_code()}</p>
                    <p class="device-code" data-testid="device-code">{code.code}</p>
                }.into_any()),
                Some(Err(error)) => Some(view! { <crate::components::problem::ProblemNotice error/> }.into_any()),
                None => None,
            }}
        </section>
    }
}
