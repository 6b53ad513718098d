//! Review pieces: stars, a product's rating line, a review's card (已购, KOC, 精选,
//! photos; or the product, how it is shown and why hidden) and the store home's 邻居晒单
//! strip.

use crate::{
    components::photo,
    i18n::{use_i18n, I18n},
};
use leptos::prelude::*;
use shared_model::{
    api::{FeaturedReview, ReviewCard},
    community::{photo_path, RatingSummary, ReviewVisibility, ShownReview},
    time::local_date,
    PhotoId,
};

/// `★★★★☆`, read out as "4 stars".
#[component]
pub fn StarLine(stars: u8) -> impl IntoView {
    let t = use_i18n();
    let filled = usize::from(stars.min(5));
    view! {
        <span class="stars" role="img" aria-label=t.stars_label(stars)>
            {"★".repeat(filled)}<span class="stars-empty">{"★".repeat(5 - filled)}</span>
        </span>
    }
}

/// `★4.6 · 12条评价`, or that there are none yet.
#[component]
pub fn RatingLine(rating: RatingSummary) -> impl IntoView {
    let t = use_i18n();
    view! {
        <p class="rating-line" data-testid="rating">
            {rating.average_label().map(|average| view! { <span class="rating-average">"★" {average}</span> " · " })}
            <span class="muted">{if rating.count == 0 { t.reviews_none().to_owned() } else { t.review_count(rating.count) }}</span>
        </p>
    }
}

/// What one review's card shows, whoever looks: the product page (the masked author, 已购,
/// KOC, 精选), her own list and the owner's (the product, how it is shown, the reason
/// it is hidden). One card for all, so the bundle carries one.
#[derive(Clone, Debug, Default)]
pub struct ReviewLook {
    /// The author's masked name, or the product's name.
    pub title: String,
    /// Where the title leads (the product), if anywhere.
    pub href: Option<String>,
    pub is_koc: bool,
    pub purchased: bool,
    /// How it is shown (`normal`, `featured`, `hidden`) and its label, in lists that say so.
    pub status: Option<(&'static str, &'static str)>,
    pub featured: bool,
    pub stars: u8,
    /// Who wrote it, in the owner's list.
    pub byline: Option<String>,
    pub date: String,
    pub text: Option<String>,
    pub photos: Vec<PhotoId>,
    pub hidden_reason: Option<String>,
}

impl ReviewLook {
    /// A neighbour's review on the product page.
    pub fn shown(t: I18n, r: &ShownReview) -> Self {
        ReviewLook {
            title: r.author.clone(),
            is_koc: r.is_koc,
            purchased: r.purchased,
            featured: r.featured,
            stars: r.stars.get(),
            date: t.pickup_date_text(local_date(r.created_at)),
            text: r.text.clone(),
            photos: r.photo_ids.clone(),
            ..ReviewLook::default()
        }
    }

    /// A review in her own list (`owner` false) or the owner's, under its product.
    pub fn record(t: I18n, card: &ReviewCard, owner: bool) -> Self {
        let r = &card.review;
        let status = r.visibility;
        let label = match status {
            ReviewVisibility::Normal => t.review_status_normal(),
            ReviewVisibility::Featured => t.review_featured(),
            ReviewVisibility::Hidden => t.review_status_hidden(),
        };
        ReviewLook {
            title: card.product_name.clone(),
            href: Some(format!("/s/{}/p/{}", r.store_id, r.product_id)),
            is_koc: owner && card.author_is_koc,
            status: Some((status.as_str(), label)),
            stars: r.stars.get(),
            byline: owner.then(|| card.author_nickname.clone()),
            date: t.pickup_date_text(local_date(r.created_at)),
            text: r.text.clone(),
            photos: r.photo_ids.clone(),
            hidden_reason: r.hidden_reason.clone(),
            ..ReviewLook::default()
        }
    }
}

/// One review's card; `children` go at its foot (the owner's buttons).
#[component]
pub fn ReviewItem(look: ReviewLook, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    let t = use_i18n();
    let ReviewLook { title, href, is_koc, purchased, status, featured, stars, byline, date, text, photos, hidden_reason } = look;
    view! {
        <li class="review" class:review-featured=featured data-testid="review">
            <div class="review-head">
                <a class="review-title" href=href>{title}</a>
                {is_koc.then(|| view! { <span class="badge badge-koc" data-testid="koc-badge">"KOC"</span> })}
                {purchased.then(|| view! { <span class="badge badge-bought" data-testid="purchased">{t.review_purchased()}</span> })}
                {featured.then(|| view! { <span class="badge badge-featured">{t.review_featured()}</span> })}
                {status.map(|(class, label)| view! { <span class=format!("status review-status-{class}")>{label}</span> })}
            </div>
            <div class="review-meta">
                <StarLine stars/>
                {byline.map(|b| view! { <span class="small">{b}</span> })}
                <span class="muted small">{date}</span>
            </div>
            {text.map(|text| view! { <p class="review-text">{text}</p> })}
            {(!photos.is_empty()).then(|| view! {
                <div class="review-photos">
                    {photos.iter().map(|p| {
                        let src = photo_path(p);
                        let full = src.clone();
                        view! {
                            <a href=full target="_blank" rel="noopener">
                                <img class="review-photo" src=src alt=t.review_photo_alt() loading="lazy" width="88" height="88"/>
                            </a>
                        }
                    }).collect_view()}
                </div>
            })}
            {hidden_reason.map(|reason| view! {
                <p class="notice notice-warn small" data-testid="hidden-reason">{t.review_hidden_because()} {reason}</p>
            })}
            {children.map(|c| c())}
        </li>
    }
}

/// Featured cards a phone shows across the strip: their photos are on the first screen.
const FEATURED_CARDS_ON_SCREEN: usize = 2;

/// The store home's 邻居晒单: featured reviews with their photos, each opening its
/// product; nothing at all when the owner has featured none. The strip sits above the
/// product grid, so its first photos are the page's largest paint: they load at once,
/// first in line, the rest only as she scrolls.
#[component]
pub fn FeaturedStrip(#[prop(into)] store: String, reviews: Vec<FeaturedReview>) -> impl IntoView {
    let t = use_i18n();
    (!reviews.is_empty()).then(|| {
        view! {
            <section class="featured-strip" data-testid="featured-reviews">
                <h2 class="live-strip-title">{t.featured_reviews_title()}</h2>
                <div class="featured-row">
                    {reviews.into_iter().enumerate().map(|(i, r)| view! {
                        <FeaturedCard review=r store=store.clone() on_first_screen={i < FEATURED_CARDS_ON_SCREEN}/>
                    }).collect_view()}
                </div>
            </section>
        }
    })
}

#[component]
fn FeaturedCard(review: FeaturedReview, store: String, on_first_screen: bool) -> impl IntoView {
    let FeaturedReview { review, product_name } = review;
    let href = format!("/s/{store}/p/{}", review.product_id);
    view! {
        <a class="featured-card" href=href data-testid="featured-review">
            {review.photo_ids.first().map(|p| view! {
                <img class="featured-photo" src=photo_path(p) alt=product_name.clone() width="160" height="120"
                    loading=photo::loading(on_first_screen) fetchpriority=photo::fetch_priority(on_first_screen)/>
            })}
            <span class="featured-body">
                <strong class="featured-product">{product_name.clone()}</strong>
                <StarLine stars=review.stars.get()/>
                {review.text.clone().map(|text| view! { <span class="featured-text">{text}</span> })}
                <span class="muted small">
                    {review.author.clone()}
                    {review.is_koc.then(|| view! { " " <span class="badge badge-koc">"KOC"</span> })}
                </span>
            </span>
        </a>
    }
}
