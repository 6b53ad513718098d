//! `/s/:store/p/:product`: one product with origin, test report and best-before date.
//! Carries Open Graph metadata so a link shared into a residents' group previews it. A
//! visitor's "join to order" comes back here, and the page then says she is in. Below the
//! facts: the product's rating and its buyers' reviews, featured first.

use super::{
    may_shop_at,
    not_found::{NotFound, PageProblem},
    use_me, use_param,
};
use crate::{
    api,
    components::{
        cart::{AddLook, AddToCart},
        layout::{BottomNav, TopBar},
        member::join_href,
        product::{ShelfPriceTag, StockBadge},
        review::{RatingLine, ReviewItem, ReviewLook},
    },
    i18n::use_i18n,
    SiteOrigin,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use shared_model::{
    catalog::{share_image_path, StockState, SHARE_IMAGE_PX},
    locale::Noun,
};

#[component]
pub fn ProductPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let product = use_param("product");
    let me = use_me();
    let detail = Resource::new(move || (store.get(), product.get()), |(s, p)| api::get_product(&s, &p));
    let origin = use_context::<SiteOrigin>().unwrap_or_default().0;
    let query = use_query_map();
    let just_joined = Memo::new(move |_| query.read().get("joined").is_some());
    let just_reviewed = Memo::new(move |_| query.read().get("reviewed").is_some());

    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || {
                let origin = origin.clone();
                Suspend::new(async move {
                    let viewer = me.await.ok().flatten();
                    let s = store.get_untracked();
                    match detail.await {
                        Ok(d) => {
                            let p = d.summary;
                            let resident = may_shop_at(&viewer, &s);
                            let sold_out = p.stock_state == StockState::SoldOut;
                            let share_title = format!("{} {} · {}", p.name, p.price, p.unit);
                            let share_image = format!("{origin}{}", share_image_path(&p.id));
                            let share_url = format!("{origin}/s/{s}/p/{}", p.id);
                            let id = p.id.to_string();
                            let join = join_href(&s, &format!("/s/{s}/p/{id}"));
                            // page.js tells the edge how long a resident looked (browse follow-up).
                            let viewed = resident.then(|| id.clone());
                            view! {
                                <Title text=p.name.clone()/>
                                <Meta name="description" content=d.description.clone()/>
                                <Meta property="og:type" content="product"/>
                                <Meta property="og:title" content=share_title/>
                                <Meta property="og:description" content=d.description.clone()/>
                                <Meta property="og:image" content=share_image/>
                                <Meta property="og:image:width" content=SHARE_IMAGE_PX.to_string()/>
                                <Meta property="og:image:height" content=SHARE_IMAGE_PX.to_string()/>
                                <Meta property="og:url" content=share_url/>
                                <Meta property="product:price:amount" content=format!("{:.2}", p.price.fen() as f64 / 100.0)/>
                                <Meta property="product:price:currency" content="CNY"/>
                                <TopBar title=p.name.clone() back=format!("/s/{s}")/>
                                <main class="page page-with-nav product-page" data-view-product=viewed>
                                    {move || (just_joined.get() && resident).then(|| view! {
                                        <p class="notice notice-ok" role="status" data-testid="joined-notice">{t.joined_welcome()}</p>
                                    })}
                                    {move || just_reviewed.get().then(|| view! {
                                        <p class="notice notice-ok" role="status" data-testid="reviewed-notice">{t.review_published()}</p>
                                    })}
                                    <img class="product-hero" src=p.image_url.clone() alt=p.name.clone() width="400" height="400"/>
                                    <section class="product-info">
                                        <h2 class="product-title" data-testid="product-title">{p.name.clone()}</h2>
                                        <p class="product-meta">{p.unit.clone()}</p>
                                        <div class="product-price-row">
                                            <ShelfPriceTag price=p.price markdown=p.markdown large=true/>
                                            <StockBadge state=p.stock_state available=p.available/>
                                        </div>
                                        <RatingLine rating=d.rating/>
                                        {p.per_buyer_cap.map(|cap| view! { <p class="badge badge-cap">{format!("{} {cap}", t.cap())}</p> })}
                                        <p class="product-description">{d.description.clone()}</p>
                                        <dl class="facts">
                                            <dt>{t.origin()}</dt><dd data-testid="origin">{p.origin.clone()}</dd>
                                            <dt>{t.shelf_life()}</dt><dd>{t.count(d.shelf_life_days, Noun::Day)}</dd>
                                            <dt>{t.best_before()}</dt><dd>{p.best_before.to_string()}</dd>
                                            {p.test_report.clone().map(|r| view! { <dt>{t.test_report()}</dt><dd class="report" data-testid="test-report">{r}</dd> })}
                                        </dl>
                                        {if resident {
                                            view! { <AddToCart product=id name=p.name.clone() sold_out look=AddLook::Wide/> }.into_any()
                                        } else {
                                            view! { <a class="btn btn-primary btn-block" href=join data-testid="join-to-buy">{t.join_to_buy()}</a> }.into_any()
                                        }}
                                    </section>
                                    <section class="reviews" id="reviews">
                                        <h2 class="section-title">{t.reviews_title()}</h2>
                                        {d.reviews.is_empty().then(|| view! { <p class="empty-state small">{t.reviews_empty()}</p> })}
                                        <ul class="review-list" data-testid="review-list">
                                            {d.reviews.iter().map(|r| view! { <ReviewItem look=ReviewLook::shown(t, r)/> }).collect_view()}
                                        </ul>
                                    </section>
                                </main>
                                <BottomNav store=s.clone() active="shop"/>
                            }.into_any()
                        }
                        Err(error) if error.status() == 404 => {
                            view! { <NotFound error back=format!("/s/{s}") back_label=t.back_to_shop()/> }.into_any()
                        }
                        Err(error) => view! {
                            <TopBar title=t.brand() back=format!("/s/{s}")/>
                            <main class="page page-with-nav"><PageProblem error/></main>
                            <BottomNav store=s.clone() active="shop"/>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
