//! `/owner/poster`: the store's A4 poster for the notice board and the counter: a headline
//! inviting residents to join, the store's QR code (drawn by the edge as SVG, so the
//! browser bundle carries no QR encoder), what joining gives them and the join URL in
//! text. 打印海报 prints it alone on one A4 page (`@media print` in app.css).

use super::owner::{OwnerGate, OwnerNav, OwnerSection};
use crate::{
    api,
    components::{layout::TopBar, problem::ProblemNotice},
    i18n::use_i18n,
    SiteOrigin,
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{identity::Me, store::join_url};

#[component]
pub fn OwnerPosterPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.poster_title()/>
        <TopBar title=t.poster_title() back="/owner"/>
        <main class="page page-poster">
            <OwnerGate signed_in=|me: Me| view! { <OwnerNav active=OwnerSection::Poster/><StorePoster me/> }/>
        </main>
    }
}

#[component]
fn StorePoster(me: Me) -> impl IntoView {
    let t = use_i18n();
    let origin = use_context::<SiteOrigin>().unwrap_or_default().0;
    let store_id = me.store_id;
    let store = Resource::new(
        {
            let id = store_id.to_string();
            move || id.clone()
        },
        |id| async move { api::get_store(&id).await },
    );
    let url = join_url(&origin, &store_id);
    let qr = api::join_qr_src(store_id.as_str());
    view! {
        <div class="poster-actions">
            <p class="muted small">{t.poster_hint()}</p>
            <button class="btn btn-primary" type="button" data-print="" data-testid="poster-print">{t.poster_print()}</button>
        </div>
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || {
                let (url, qr) = (url.clone(), qr.clone());
                Suspend::new(async move {
                    match store.await {
                        Ok(store) => view! {
                            <article class="poster" data-testid="store-poster">
                                <p class="poster-brand">{t.brand()} " · " {t.poster_brand_line()}</p>
                                // The invitation and the store's name each stay whole on their line.
                                <h2 class="poster-headline" data-testid="poster-headline">
                                    <span>{t.poster_join()}</span><span>{store.name.clone()}</span>
                                </h2>
                                <img class="poster-qr" src=qr alt=t.poster_qr_alt() width="240" height="240" data-testid="poster-qr"/>
                                <p class="poster-scan">{t.poster_scan()}</p>
                                <ul class="poster-benefits">
                                    <li>{t.poster_benefit_order()}</li>
                                    <li>{t.poster_benefit_live()}</li>
                                    <li>{t.poster_benefit_wish()}</li>
                                </ul>
                                <p class="poster-url" data-testid="poster-url">{url}</p>
                                <p class="poster-address">{store.address.clone()}</p>
                            </article>
                        }.into_any(),
                        Err(error) => view! { <ProblemNotice error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
