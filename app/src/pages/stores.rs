//! `/`: the chain's stores; a resident picks theirs.

use crate::{
    api,
    components::{layout::TopBar, problem::ProblemNotice},
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn StoresPage() -> impl IntoView {
    let t = use_i18n();
    let stores = Resource::new(|| (), |_| api::list_stores());
    view! {
        <Title text=""/>
        <Meta name="description" content=t.tagline()/>
        <TopBar title=t.brand()/>
        <main class="page">
            <section class="hero">
                <p class="hero-brand">{t.brand()}</p>
                <p class="hero-tagline">{t.tagline()}</p>
            </section>
            <h2 class="section-title">{t.choose_store()}</h2>
            <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
                {move || Suspend::new(async move {
                    match stores.await {
                        Ok(list) => view! {
                            <ul class="store-list">
                                {list.stores.into_iter().map(|s| view! {
                                    <li class="store-card" data-testid="store-card">
                                        <a href=format!("/s/{}", s.id)>
                                            <strong class="store-name">{s.name}</strong>
                                            <span class="store-area">{format!("{} · {}", s.city, s.neighbourhood)}</span>
                                            <span class="store-address">{s.address}</span>
                                            <span class="btn btn-primary">{t.enter_store()}</span>
                                        </a>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ProblemNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
            <a class="owner-link" href="/owner" rel="external">{t.owner_console()}</a>
        </main>
    }
}
