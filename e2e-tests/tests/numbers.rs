//! 经营数据 against the real edge and the seeded demo chain: the daily rollups the page
//! reads agree, week by week, with a count made here from the store's raw orders (as the
//! owner's order list gives them); an order placed now shows in today's numbers once
//! counted, a cancelled one does not; only the store's own owner and HQ read them, and HQ
//! sees every store beside the others while running none.

use chrono::{Duration, NaiveDate};
use e2e_tests::*;
use reqwest::{Client, StatusCode};
use serde_json::Value;
use shared_model::{
    api::{StoreOrder, StoreOrderList},
    metrics::{week_first_day, ChainNumbers, StoreNumbers, WeekMetrics, ACTIVE_WINDOW_DAYS, WEEKS_SHOWN, WEEK_DAYS},
    order::OrderStatus,
    time::local_date,
};
use std::collections::{BTreeMap, BTreeSet};

/// No other journey orders in store B while this file runs (files run one after another).
const STORE: &str = STORE_B;

async fn count_now(owner: &Client) -> StoreNumbers {
    let resp = owner.post(url(&format!("/api/v1/stores/{STORE}/numbers"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    json_of(resp).await
}

/// Every order of the store for pickup on `day`, page by page.
async fn orders_for_pickup(owner: &Client, day: NaiveDate) -> Vec<StoreOrder> {
    let mut orders = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/stores/{STORE}/orders?pickup_date={day}&cursor={cursor}");
        let page: StoreOrderList = json_of(owner.get(url(&path)).send().await.unwrap()).await;
        orders.extend(page.orders);
        match page.next_cursor {
            Some(next) => cursor = next,
            None => return orders,
        }
    }
}

/// The weeks counted here from the raw orders: orders placed (store time) in each week and
/// not cancelled, what they paid, and the residents with one or two orders in the 30 days
/// to its last day. A resident is told apart by what the owner's list shows of her.
fn recount(orders: &[StoreOrder], as_of: NaiveDate) -> Vec<(u32, i64, u32, u32)> {
    let kept: Vec<(NaiveDate, &StoreOrder)> = orders
        .iter()
        .filter(|o| o.summary.status != OrderStatus::Cancelled)
        .map(|o| (local_date(o.summary.placed_at), o))
        .collect();
    (0..i64::from(WEEKS_SHOWN))
        .rev()
        .map(|back| {
            let last = as_of - Duration::days(WEEK_DAYS * back);
            let week: Vec<&StoreOrder> =
                kept.iter().filter(|(on, _)| (week_first_day(last)..=last).contains(on)).map(|(_, o)| *o).collect();
            let mut per_buyer: BTreeMap<(&str, &str, &str, &str), u32> = BTreeMap::new();
            for (on, o) in &kept {
                if (last - Duration::days(ACTIVE_WINDOW_DAYS - 1)..=last).contains(on) {
                    *per_buyer.entry((&o.buyer_nickname, &o.buyer_building, &o.buyer_unit, &o.buyer_phone_tail)).or_default() +=
                        1;
                }
            }
            let paid: i64 = week.iter().map(|o| o.summary.total.fen()).sum();
            let active = per_buyer.len() as u32;
            let repurchasing = per_buyer.values().filter(|n| **n >= 2).count() as u32;
            (week.len() as u32, paid, active, repurchasing)
        })
        .collect()
}

fn shown(w: &WeekMetrics) -> (u32, i64, Option<u32>, Option<u32>) {
    (w.orders, w.paid.fen(), w.mau, w.repurchase_permille)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_weeks_agree_with_the_raw_orders_and_follow_new_ones() {
    let owner = owner(OWNER_B_PHONE).await;
    let numbers = count_now(&owner).await;
    let as_of = numbers.as_of;
    assert_eq!(numbers.weeks.len(), WEEKS_SHOWN as usize);
    assert_eq!(numbers.weeks.last().unwrap().week_ending, as_of);
    assert_eq!((numbers.size.area_m2, numbers.size.staff), (85, 4), "seed/demo-chain.json");

    // Every order placed in the 13 weeks and the 30 days before, and today: picked up at
    // most two days after it was placed.
    let first = as_of - Duration::days(WEEK_DAYS * i64::from(WEEKS_SHOWN) + ACTIVE_WINDOW_DAYS);
    let mut orders = Vec::new();
    let mut ids = BTreeSet::new();
    for day in first.iter_days().take_while(|d| *d <= as_of + Duration::days(3)) {
        for o in orders_for_pickup(&owner, day).await {
            assert!(ids.insert(o.summary.id.clone()), "listed once");
            orders.push(o);
        }
    }
    let recounted = recount(&orders, as_of);
    assert!(recounted.iter().map(|w| w.0).sum::<u32>() > 500, "the seeded history is there: {recounted:?}");
    for (week, (orders, paid, active, repurchasing)) in numbers.weeks.iter().zip(&recounted) {
        let permille = (*active > 0).then(|| (repurchasing * 2000 + active) / (2 * active));
        assert_eq!(shown(week), (*orders, *paid, Some(*active), permille), "week ending {}", week.week_ending);
        let aov = (*orders > 0).then(|| (paid * 2 + i64::from(*orders)) / (2 * i64::from(*orders)));
        assert_eq!(week.aov.map(|a| a.fen()), aov, "week ending {}", week.week_ending);
    }
    // Today so far, apart from the weeks (which end yesterday, the last whole day).
    assert_eq!(as_of, numbers.today.date - Duration::days(1));
    let today: Vec<&StoreOrder> = orders
        .iter()
        .filter(|o| o.summary.status != OrderStatus::Cancelled && local_date(o.summary.placed_at) == numbers.today.date)
        .collect();
    assert_eq!(numbers.today.orders as usize, today.len());
    assert_eq!(numbers.today.paid.fen(), today.iter().map(|o| o.summary.total.fen()).sum::<i64>());
    // Stock at cost is recorded from the first count on: today has it, the seeded past not.
    assert!(numbers.today.stock_value.is_some_and(|v| v.fen() > 0), "{:?}", numbers.today);
    assert!(!numbers.top_products.is_empty());

    // A new resident's order counts this week once counted again; a cancelled one does not.
    let product = product_ids(STORE).await.pop().unwrap();
    set_stock(&owner, STORE, &product, 50, None).await;
    let pickup = pickup_point(STORE).await;
    let buyer = join(STORE, "新来的邻居").await;
    let placed = place_order(&buyer, &format!("numbers-{}", unique_phone()), &pickup, &[(&product, 2)]).await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    let placed: Value = placed.json().await.unwrap();
    let changer = join(STORE, "改主意的邻居").await;
    let cancelled = place_order(&changer, &format!("numbers-{}", unique_phone()), &pickup, &[(&product, 1)]).await;
    let cancelled: Value = cancelled.json().await.unwrap();
    let id = cancelled["order"]["id"].as_str().unwrap();
    let resp = changer.post(url(&format!("/api/v1/orders/{id}/cancellation"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let before = &numbers.today;
    let after = count_now(&owner).await;
    let now = &after.today;
    assert_eq!(now.orders, before.orders + 1);
    assert_eq!(now.paid.fen(), before.paid.fen() + placed["order"]["total"].as_i64().unwrap());
    assert_eq!(now.active, before.active + 1);
    assert_eq!(after.weeks, numbers.weeks, "the whole days did not change");
    // The page's own read gives the same, without counting again.
    let read: StoreNumbers = json_of(owner.get(url(&format!("/api/v1/stores/{STORE}/numbers"))).send().await.unwrap()).await;
    assert_eq!((read.weeks, read.today), (after.weeks, after.today));
}

#[tokio::test]
async fn only_the_stores_own_owner_reads_its_numbers() {
    let path = url(&format!("/api/v1/stores/{STORE}/numbers"));
    expect_problem(client().get(&path).send().await.unwrap(), 401, "unauthenticated").await;
    expect_problem(join(STORE, "好奇的邻居").await.get(&path).send().await.unwrap(), 403, "forbidden").await;
    expect_problem(owner(OWNER_A_PHONE).await.get(&path).send().await.unwrap(), 403, "wrong_store").await;
    expect_problem(owner(OWNER_A_PHONE).await.post(&path).send().await.unwrap(), 403, "wrong_store").await;
}

/// The demo chain's HQ account (seed/demo-chain.json).
const HQ_PHONE: &str = "13800000000";

#[tokio::test]
async fn hq_sees_every_store_side_by_side_and_acts_in_none() {
    let hq = owner(HQ_PHONE).await;
    let chain: ChainNumbers = json_of(hq.get(url("/api/v1/chain/numbers")).send().await.unwrap()).await;
    let ids: Vec<String> = chain.stores.iter().map(|s| s.store_id.to_string()).collect();
    assert_eq!(ids, ["st-gubei", "st-xixi", "st-yulin"]);
    // Each store as its own page gives it, by the same definitions; the chain adds up.
    for store in &chain.stores {
        let path = url(&format!("/api/v1/stores/{}/numbers", store.store_id));
        let own: StoreNumbers = json_of(hq.get(&path).send().await.unwrap()).await;
        assert_eq!(own.as_of, chain.as_of);
        assert_eq!((&own.weeks[own.weeks.len() - 2], own.weeks.last().unwrap()), (&store.week_before, &store.this_week));
    }
    let this_week = &chain.chain_this_week;
    assert_eq!(this_week.orders, chain.stores.iter().map(|s| s.this_week.orders).sum::<u32>());
    assert_eq!(this_week.paid.fen(), chain.stores.iter().map(|s| s.this_week.paid.fen()).sum::<i64>());
    assert_eq!(this_week.mau, Some(chain.stores.iter().map(|s| s.this_week.mau.unwrap()).sum::<u32>()));
    assert_eq!(chain.chain_size.area_m2, chain.stores.iter().map(|s| s.size.area_m2).sum::<u32>());

    // HQ reads; it does not run a store, not even the one its account sits in.
    let products = product_ids(STORE_A).await;
    let stock = hq
        .patch(url(&format!("/api/v1/stores/{STORE_A}/products/{}", products[0])))
        .json(&serde_json::json!({ "stock": 5 }))
        .send()
        .await
        .unwrap();
    expect_problem(stock, 403, "forbidden").await;
    expect_problem(hq.get(url(&format!("/api/v1/stores/{STORE_A}/orders"))).send().await.unwrap(), 403, "forbidden").await;
    expect_problem(hq.post(url(&format!("/api/v1/stores/{STORE_A}/numbers"))).send().await.unwrap(), 403, "forbidden").await;
    expect_problem(hq.post(url(&format!("/api/v1/stores/{STORE}/numbers"))).send().await.unwrap(), 403, "wrong_store").await;
    // And an owner, or a resident, does not see the chain.
    let chain_path = url("/api/v1/chain/numbers");
    expect_problem(owner(OWNER_A_PHONE).await.get(&chain_path).send().await.unwrap(), 403, "hq_only").await;
    expect_problem(join(STORE, "想看全链的邻居").await.get(&chain_path).send().await.unwrap(), 403, "hq_only").await;
    expect_problem(client().get(&chain_path).send().await.unwrap(), 401, "unauthenticated").await;
}

#[tokio::test]
async fn the_owner_gives_her_store_a_size_and_per_m2_and_per_staff_follow() {
    // Store A: no other journey of this file reads its size; it is given back at the end.
    let owner = owner(OWNER_A_PHONE).await;
    let path = url(&format!("/api/v1/stores/{STORE_A}/size"));
    let numbers_path = url(&format!("/api/v1/stores/{STORE_A}/numbers"));
    let before: StoreNumbers = json_of(owner.get(&numbers_path).send().await.unwrap()).await;
    assert!(before.size.area_m2 > 0 && before.size.staff > 0, "the demo chain's stores have a size");

    let resp = owner.put(&path).json(&serde_json::json!({ "area_m2": 150, "staff": 6 })).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let after: StoreNumbers = json_of(resp).await;
    assert_eq!((after.size.area_m2, after.size.staff), (150, 6));
    // Every week shown divides by the new size, rounding half up.
    let per = |paid: i64, by: i64| shared_model::Fen::from_fen((2 * paid + by) / (2 * by));
    for week in &after.weeks {
        assert_eq!(week.paid_per_m2, Some(per(week.paid.fen(), 150)), "{week:?}");
        assert_eq!(week.paid_per_staff, Some(per(week.paid.fen(), 6)), "{week:?}");
    }
    let read: StoreNumbers = json_of(owner.get(&numbers_path).send().await.unwrap()).await;
    assert_eq!(read.size, after.size, "kept");

    // A size that cannot be is refused by its field, and the one kept stays.
    for (body, code, field) in [
        (serde_json::json!({ "area_m2": 0, "staff": 6 }), "invalid_store_area", "area_m2"),
        (serde_json::json!({ "area_m2": 10_001, "staff": 6 }), "invalid_store_area", "area_m2"),
        (serde_json::json!({ "area_m2": 150, "staff": 0 }), "invalid_staff_count", "staff"),
        (serde_json::json!({ "area_m2": 150, "staff": 501 }), "invalid_staff_count", "staff"),
    ] {
        let problem = expect_problem(owner.put(&path).json(&body).send().await.unwrap(), 422, code).await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let malformed = owner.put(&path).json(&serde_json::json!({ "area_m2": -5, "staff": 6 })).send().await.unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let read: StoreNumbers = json_of(owner.get(&numbers_path).send().await.unwrap()).await;
    assert_eq!((read.size.area_m2, read.size.staff), (150, 6), "nothing refused was kept");

    // Only the store's own owner: not another store's, not HQ, not a resident.
    let body = serde_json::json!({ "area_m2": 1, "staff": 1 });
    expect_problem(e2e_tests::owner(OWNER_B_PHONE).await.put(&path).json(&body).send().await.unwrap(), 403, "wrong_store").await;
    let hq_path = url(&format!("/api/v1/stores/{STORE_B}/size"));
    expect_problem(e2e_tests::owner(HQ_PHONE).await.put(&hq_path).json(&body).send().await.unwrap(), 403, "wrong_store").await;
    expect_problem(join(STORE_A, "量面积的邻居").await.put(&path).json(&body).send().await.unwrap(), 403, "forbidden").await;

    let resp = owner.put(&path).json(&before.size).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "given back");
}

/// `scripts/bench numbers` seeds a year of orders; the operator cannot ask for less than
/// the demo's own 90 days or more than the year the numbers keep.
#[tokio::test]
async fn the_demo_history_is_refused_outside_90_days_to_a_year() {
    for days in ["89", "366", "a-year"] {
        let resp = client()
            .post(url(&format!("/api/v1/admin/seed?history_days={days}")))
            .bearer_auth(seed_token())
            .send()
            .await
            .unwrap();
        expect_problem(resp, 422, "history_days_out_of_range").await;
    }
    let resp = client().post(url("/api/v1/admin/seed?history_days=365")).send().await.unwrap();
    expect_problem(resp, 401, "invalid_seed_token").await;
}
