//! `/s/:store/orders/:order/review/:product`: a resident reviews a product she picked up —
//! stars, a few words and up to six photos from the phone. The review is written first,
//! then each photo is shrunk on the phone and uploaded on its own (`/page.js`, which
//! sends the form); a photo that fails can be sent again without writing the review
//! twice. Done, she lands on the product's page, where her review is shown.

use super::{
    not_found::{NotFound, PageProblem},
    use_order_and_my_reviews, use_param,
};
use crate::{
    components::{
        layout::{BottomNav, TopBar},
        member::SignInOrJoin,
    },
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    community::{MAX_REVIEW_CHARS, MAX_REVIEW_PHOTOS},
    order::{Order, OrderStatus},
    OrderId, Problem, ProductId,
};

#[component]
pub fn ReviewFormPage() -> impl IntoView {
    let t = use_i18n();
    let store = use_param("store");
    let order_id = use_param("order");
    let product = use_param("product");
    let order = use_order_and_my_reviews(order_id);
    view! {
        <Title text=t.review_form_title()/>
        <Suspense fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                let s = store.get_untracked();
                let back = format!("/s/{s}/orders/{}", order_id.get_untracked());
                let frame = {
                    let back = back.clone();
                    move |body: AnyView| view! {
                        <TopBar title=t.review_form_title() back=back/>
                        <main class="page page-with-nav">{body}</main>
                        <BottomNav store=s.clone() active="orders"/>
                    }
                };
                let p = product.get_untracked();
                let (order, mine) = order.await;
                match order {
                    Ok(o) => {
                        let reviewed = mine.map(|l| {
                            l.reviews.iter().any(|r| r.review.order_id == o.id && r.review.product_id.as_str() == p)
                        });
                        frame(view! { <ReviewBody order=o product=p reviewed=reviewed.unwrap_or(false)/> }.into_any()).into_any()
                    }
                    Err(error) if error.status() == 404 => view! { <NotFound error back back_label=t.view_orders()/> }.into_any(),
                    Err(error) if error.status() == 401 => {
                        let next = format!("/s/{}/orders/{}/review/{p}", store.get_untracked(), order_id.get_untracked());
                        frame(view! { <SignInOrJoin store=store.get_untracked() next title=t.orders_sign_in_title()/> }.into_any()).into_any()
                    }
                    Err(error) => frame(view! { <PageProblem error/> }.into_any()).into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the page says for this order and product: the form, or why there is none.
#[component]
fn ReviewBody(order: Order, product: String, reviewed: bool) -> impl IntoView {
    let t = use_i18n();
    let store = order.store_id.to_string();
    let product_href = format!("/s/{store}/p/{product}");
    let Some(line) = order.lines.iter().find(|l| l.product_id.as_str() == product) else {
        return view! { <p class="empty-state">{t.review_not_in_order()}</p> }.into_any();
    };
    let name = line.name.clone();
    let head = view! { <h2 class="section-title" data-testid="review-product">{name}</h2> };
    if order.status != OrderStatus::PickedUp {
        return view! { {head} <p class="notice">{t.review_not_picked_up()}</p> }.into_any();
    }
    if reviewed {
        return view! {
            {head}
            <p class="notice notice-ok">{t.review_already()}</p>
            <a class="btn btn-secondary btn-block" href=product_href>{t.review_see_product()}</a>
        }
        .into_any();
    }
    view! { {head} <ReviewForm store order_id=order.id.clone() product_id=line.product_id.clone()/> }.into_any()
}

/// The form itself is plain markup: `/page.js` sends it (the review, then each photo
/// shrunk on the phone, one upload at a time) and lands on the product page, so the
/// browser bundle carries no upload code. The problems it may meet are said here, in
/// the page's language, from the one message table (`Problem::message`).
#[component]
fn ReviewForm(store: String, order_id: OrderId, product_id: ProductId) -> impl IntoView {
    let t = use_i18n();
    let message = |code: &str| Problem::new(0, code, "").message(t.0);
    let star = move |n: u8| {
        let id = format!("star-{n}");
        view! {
            <input class="visually-hidden" type="radio" name="stars" value=n.to_string() id=id.clone() checked=n == 5/>
            <label class="star-pick" for=id title=t.stars_label(n) data-testid=format!("star-{n}")>"★"</label>
        }
    };
    view! {
        <form class="form review-form" data-review-form=""
            data-store=store.clone() data-order=order_id.to_string() data-product=product_id.to_string()
            data-done=format!("/s/{store}/p/{product_id}?reviewed=1#reviews")
            data-max-photos=MAX_REVIEW_PHOTOS.to_string()
            data-sending=t.review_sending() data-uploading=t.review_uploading_word()
            data-msg-too_many_photos=message("too_many_photos") data-msg-network_error=message("network_error")
            data-msg-fallback=message("unprocessable_content")
            data-msg-order_not_picked_up=message("order_not_picked_up") data-msg-already_reviewed=message("already_reviewed")
            data-msg-photo_too_large=message("photo_too_large") data-msg-unsupported_photo_type=message("unsupported_photo_type")
            data-msg-photo_too_big=message("photo_too_big") data-msg-unreadable_photo=message("unreadable_photo")
            data-msg-review_too_long=message("review_too_long") data-msg-unauthenticated=message("unauthenticated")>
            <fieldset class="field">
                <legend>{t.review_stars_label()}</legend>
                // Right to left, so a checked star lights up the ones before it (CSS `~`).
                <div class="star-picker">{(1..=5).rev().map(star).collect_view()}</div>
            </fieldset>
            <label class="field"><span>{t.review_text_label()}</span>
                <textarea name="text" rows="4" maxlength=MAX_REVIEW_CHARS placeholder=t.review_text_placeholder()
                    data-testid="review-text"></textarea>
            </label>
            <div class="field">
                <span>{t.review_photos_label()}</span>
                <div class="review-photos" data-previews="">
                    <label class="photo-add" data-testid="photo-add">
                        <span aria-hidden="true">"+"</span>
                        <span class="small">{t.review_add_photos()}</span>
                        <input class="visually-hidden" type="file" name="photos" accept="image/*" multiple data-testid="review-photos"/>
                    </label>
                </div>
            </div>
            <p class="notice notice-error" role="alert" data-review-problem="" data-testid="review-problem" hidden></p>
            <button class="btn btn-primary btn-block" type="submit" data-testid="review-submit">{t.review_submit()}</button>
        </form>
    }
}
