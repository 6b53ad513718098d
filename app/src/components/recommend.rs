//! 为你推荐 (the shop home) and 凑单推荐 (the cart): picks with the reason each was
//! made, said in the resident's language.

use crate::{
    api,
    components::cart::{AddLook, AddToCart},
    i18n::{use_i18n, I18n, Locale},
};
use leptos::prelude::*;
use shared_model::{
    api::{ProductRef, Recommendation},
    identity::HouseholdTag,
    recommend::Reason,
};

/// 常买 · 上次购买 9 天前 / 买过 烟台苹果 的邻居也买 / 有小孩的家庭常买 / 本店本周热销.
pub fn reason_text(t: I18n, reason: &Reason<ProductRef>) -> String {
    let zh = t.0 == Locale::ZhCn;
    match reason {
        Reason::Usual { times, days_since_last } => {
            let when = match (*days_since_last, zh) {
                // Already in her order for the coming pickup.
                (0, true) => "刚下单".to_string(),
                (0, false) => "just ordered".to_string(),
                (d, true) => format!("上次购买 {d} 天前"),
                (1, false) => "1 day ago".to_string(),
                (d, false) => format!("{d} days ago"),
            };
            match (*times > 1, zh) {
                (true, true) => format!("常买 · {when}"),
                (false, true) => format!("买过 · {when}"),
                (true, false) => format!("Your regular · {when}"),
                (false, false) => format!("Bought · {when}"),
            }
        }
        Reason::NeighboursAlsoBuy { because } => match (because.name.is_empty(), zh) {
            (false, true) => format!("买过 {} 的邻居也买", because.name),
            (false, false) => format!("Neighbours who buy {} buy it too", because.name),
            (true, true) => "和你口味相近的邻居常买".to_string(),
            (true, false) => "Neighbours with your taste buy this".to_string(),
        },
        Reason::Household { tag } => match zh {
            true => format!("{}的家庭常买", tag.label_zh()),
            false => match tag {
                HouseholdTag::HasChildren => "Families with kids buy it",
                HouseholdTag::HasElderly => "Homes with elders buy it",
                HouseholdTag::HasPets => "Pet owners buy it",
                HouseholdTag::Vegetarian => "Vegetarians buy it",
            }
            .to_string(),
        },
        Reason::PopularThisWeek => t.rec_popular_this_week().to_string(),
        Reason::StorePick => t.rec_store_pick().to_string(),
        Reason::GoesWith { item } => match zh {
            true => format!("常和 {} 一起买", item.name),
            false => format!("Often bought with {}", item.name),
        },
    }
}

/// 为你推荐 above the categories: the ten products she is most likely to buy next, each
/// with its reason and a one-tap add. Rendered on the server with the shop.
#[component]
pub fn RecommendStrip() -> impl IntoView {
    let t = use_i18n();
    let picks = Resource::new(|| (), |_| api::recommendations(shared_model::recommend::DEFAULT_RECOMMENDATIONS));
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let picks = picks.await.map(|l| l.recommendations).unwrap_or_default();
                (!picks.is_empty()).then(|| view! {
                    <section class="rec-strip" data-testid="recommendations" aria-labelledby="rec-title">
                        <h2 class="live-strip-title" id="rec-title">{t.rec_title()}</h2>
                        <div class="rec-row">
                            {picks.into_iter().map(|pick| view! { <PickCard pick/> }).collect_view()}
                        </div>
                    </section>
                })
            })}
        </Suspense>
    }
}

/// One pick in the strip: picture, name, price, why, and "+".
#[component]
fn PickCard(pick: Recommendation) -> impl IntoView {
    let t = use_i18n();
    let Recommendation { product, reason } = pick;
    let href = format!("/s/{}/p/{}", product.store_id, product.id);
    view! {
        <article class="rec-card" data-testid="recommendation" data-product=product.id.to_string() data-reason=reason_kind(&reason)>
            <a href=href.clone()>
                <img class="rec-photo" src=product.image_url.clone() alt=product.name.clone() loading="lazy" width="128" height="128"/>
            </a>
            <a class="rec-name" href=href>{product.name.clone()}</a>
            <span class="rec-reason" data-testid="recommendation-reason">{reason_text(t, &reason)}</span>
            <span class="rec-foot">
                <span class="price">{product.price.to_string()}</span>
                <AddToCart product=product.id.to_string() name=product.name.clone() sold_out=false look=AddLook::Plus/>
            </span>
        </article>
    }
}

/// 凑单推荐 under the cart's lines: two or three products that go with it, read in the
/// browser only (the cart shows at once, they follow). `version` changes whenever the
/// cart does, so the suggestions follow it; an answer for an older cart is dropped.
#[component]
pub fn CartSuggestionList(version: Signal<usize>, on_add: Callback<String>) -> impl IntoView {
    let t = use_i18n();
    let picks = RwSignal::new(Vec::<Recommendation>::new());
    Effect::new(move |_| {
        let asked_for = version.get();
        leptos::task::spawn_local(async move {
            if let Ok(answer) = api::cart_suggestions().await {
                if version.get_untracked() == asked_for {
                    picks.set(answer.suggestions);
                }
            }
        });
    });
    move || {
        let picks = picks.get();
        (!picks.is_empty()).then(|| view! {
            <section class="cart-suggestions" data-testid="cart-suggestions" aria-labelledby="cart-suggestions-title">
                <h2 class="live-strip-title" id="cart-suggestions-title">{t.rec_cart_title()}</h2>
                <ul class="suggestion-list">
                    {picks.into_iter().map(|pick| {
                        let Recommendation { product, reason } = pick;
                        let id = product.id.to_string();
                        let label = format!("{} {}", t.add_to_cart(), product.name);
                        view! {
                            <li class="suggestion" data-testid="cart-suggestion" data-product=product.id.to_string()>
                                <img src=product.image_url.clone() alt="" width="48" height="48"/>
                                <span class="suggestion-body">
                                    <a class="suggestion-name" href=format!("/s/{}/p/{}", product.store_id, product.id)>{product.name.clone()}</a>
                                    <span class="rec-reason">{reason_text(t, &reason)}</span>
                                </span>
                                <span class="price">{product.price.to_string()}</span>
                                <button class="btn btn-add" type="button" aria-label=label on:click=move |_| on_add.run(id.clone())>"+"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}

/// The reason's kind (`usual`, `household`…), for tests to select by.
fn reason_kind(reason: &Reason<ProductRef>) -> &'static str {
    match reason {
        Reason::Usual { .. } => "usual",
        Reason::NeighboursAlsoBuy { .. } => "neighbours_also_buy",
        Reason::Household { .. } => "household",
        Reason::PopularThisWeek => "popular_this_week",
        Reason::StorePick => "store_pick",
        Reason::GoesWith { .. } => "goes_with",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared_model::ProductId;

    fn apple() -> ProductRef {
        ProductRef { id: ProductId::new_unchecked("p-apple-yantai".into()), name: "烟台苹果".into() }
    }

    #[test]
    fn reasons_read_as_the_shop_says_them() {
        let (zh, en) = (I18n(Locale::ZhCn), I18n(Locale::En));
        let usual = Reason::Usual { times: 4, days_since_last: 9 };
        assert_eq!(reason_text(zh, &usual), "常买 · 上次购买 9 天前");
        assert_eq!(reason_text(en, &usual), "Your regular · 9 days ago");
        assert_eq!(reason_text(zh, &Reason::Usual { times: 1, days_since_last: 0 }), "买过 · 刚下单");
        let neighbours = Reason::NeighboursAlsoBuy { because: apple() };
        assert_eq!(reason_text(zh, &neighbours), "买过 烟台苹果 的邻居也买");
        assert_eq!(reason_text(zh, &Reason::Household { tag: HouseholdTag::HasChildren }), "有小孩的家庭常买");
        assert_eq!(reason_text(zh, &Reason::PopularThisWeek), "本店本周热销");
        assert_eq!(reason_text(zh, &Reason::GoesWith { item: apple() }), "常和 烟台苹果 一起买");
        assert_eq!(reason_text(en, &Reason::GoesWith { item: apple() }), "Often bought with 烟台苹果");
    }
}
