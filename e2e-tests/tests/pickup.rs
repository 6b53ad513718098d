//! The owner's pickup counter on a busy evening: the day's list pages to the end (no
//! order is out of reach past the 500th), search finds an order by what the resident
//! shows or says, and a wrong pickup code says how many tries are left, then locks.
//! Runs in store C, which no other journey orders in, so its counts are exact.

use e2e_tests::*;
use futures::{stream, StreamExt};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const STORE_C: &str = "st-yulin";
const OWNER_C_PHONE: &str = "13800000003";
const ORDERS: usize = 501;

async fn list(owner: &Client, pickup_date: &str, q: &str, cursor: Option<&str>) -> reqwest::Response {
    let mut query = vec![("pickup_date", pickup_date.to_string()), ("q", q.to_string())];
    if let Some(cursor) = cursor {
        query.push(("cursor", cursor.to_string()));
    }
    owner.get(url(&format!("/api/v1/stores/{STORE_C}/orders"))).query(&query).send().await.expect("list")
}

async fn page(owner: &Client, pickup_date: &str, q: &str, cursor: Option<&str>) -> Value {
    let resp = list(owner, pickup_date, q, cursor).await;
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.expect("list json")
}

async fn hand_over(owner: &Client, order: &str, code: &str) -> reqwest::Response {
    owner
        .post(url(&format!("/api/v1/orders/{order}/status-changes")))
        .json(&json!({ "status": "picked_up", "pickup_code": code }))
        .send()
        .await
        .expect("hand over")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_busy_evening_pages_to_the_end_and_every_order_can_be_found() {
    let owner = owner(OWNER_C_PHONE).await;
    let sku = product_ids(STORE_C).await.swap_remove(0);
    set_stock(&owner, STORE_C, &sku, 5_000, None).await;
    let pickup = pickup_point(STORE_C).await;
    let mut residents = Vec::new();
    for i in 0..51 {
        residents.push(resident(STORE_C, &format!("邻居{i:02}"), "9栋").await);
    }
    // 501 orders, placed one after another so their 跟团号 follow the order they were placed in.
    let mut placed: Vec<Value> = Vec::new();
    for i in 0..ORDERS {
        let buyer = &residents[i % residents.len()];
        let resp = place_order(&buyer.client, &format!("counter-{i:04}-{}", unique_phone()), &pickup, &[(sku.as_str(), 1)]).await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        placed.push(resp.json::<Value>().await.unwrap()["order"].clone());
    }
    let pickup_date = placed[0]["pickup_date"].as_str().unwrap().to_string();
    assert!(placed.iter().all(|o| o["pickup_date"] == pickup_date.as_str()), "one pickup day");

    // Walk every page: each order once, numbered 1..=501 in the order placed.
    let (mut seen, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let body = page(&owner, &pickup_date, "", cursor.as_deref()).await;
        assert_eq!(body["day_total"], ORDERS);
        let orders = body["orders"].as_array().unwrap();
        assert!(orders.len() <= 50, "a page holds at most 50");
        seen.extend(orders.iter().map(|o| (o["id"].as_str().unwrap().to_string(), o["group_number"].as_u64().unwrap())));
        pages += 1;
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 11);
    let ids: Vec<&str> = placed.iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(seen.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ids, "every order once, oldest first");
    assert_eq!(seen.iter().map(|(_, n)| *n).collect::<Vec<_>>(), (1..=ORDERS as u64).collect::<Vec<_>>());

    // The 501st order, found by what its resident shows or says.
    let last = &placed[ORDERS - 1];
    let (last_id, last_code) = (last["id"].as_str().unwrap(), last["pickup_code"].as_str().unwrap());
    let found = page(&owner, &pickup_date, last_code, None).await;
    let found_ids: Vec<&str> = found["orders"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert!(found_ids.contains(&last_id), "found by pickup code");
    assert!(found["orders"].as_array().unwrap().iter().all(|o| o["group_number"].as_u64().is_some()));
    let by_number = page(&owner, &pickup_date, "#501", None).await;
    assert_eq!(by_number["orders"].as_array().unwrap().len(), 1);
    assert_eq!(by_number["orders"][0]["id"], last_id);
    assert_eq!(by_number["orders"][0]["group_number"], 501);
    let buyer = &residents[(ORDERS - 1) % residents.len()];
    let buyers_orders = (0..ORDERS).filter(|i| i % residents.len() == (ORDERS - 1) % residents.len()).count();
    let tail = &buyer.phone[7..];
    let by_tail = page(&owner, &pickup_date, tail, None).await;
    // Four digits are a phone tail or a 跟团号 (`PickupQuery::GroupNumberOrPhoneTail`): the
    // order numbered `tail`, if the day has one, is found too.
    let tail_number: u64 = tail.parse().unwrap();
    let found: Vec<(&str, u64)> = by_tail["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["buyer_phone_tail"].as_str().unwrap(), o["group_number"].as_u64().unwrap()))
        .collect();
    let by_phone = found.iter().filter(|(t, _)| *t == tail).count();
    assert!(
        by_phone >= buyers_orders && found.iter().all(|(t, n)| *t == tail || *n == tail_number),
        "by phone tail {tail}: {found:?}"
    );
    let by_name = page(&owner, &pickup_date, &buyer.me.nickname, None).await;
    let names = by_name["orders"].as_array().unwrap();
    assert_eq!(names.len(), buyers_orders);
    assert!(names.iter().all(|o| o["buyer_nickname"] == buyer.me.nickname.as_str()));
    let nobody = page(&owner, &pickup_date, "没有这个人", None).await;
    assert_eq!(nobody["orders"].as_array().unwrap().len(), 0);
    assert_eq!(nobody["day_total"], ORDERS);

    // The resident sees the same 跟团号 on her order.
    let mine: Value = json_of(buyer.client.get(url(&format!("/api/v1/orders/{last_id}"))).send().await.unwrap()).await;
    assert_eq!(mine["group_number"], 501);

    // Bad searches and forged cursors are refused, never read as the first page.
    expect_problem(list(&owner, &pickup_date, &"王".repeat(21), None).await, 422, "invalid_pickup_query").await;
    expect_problem(list(&owner, &pickup_date, "", Some("yesterday")).await, 400, "invalid_cursor").await;
    expect_problem(list(&owner, &pickup_date, "#0", None).await, 422, "invalid_pickup_query").await;

    // The 501st order is handed over with the code the resident shows.
    let ready = owner
        .post(url(&format!("/api/v1/orders/{last_id}/status-changes")))
        .json(&json!({ "status": "ready_for_pickup" }))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(hand_over(&owner, last_id, last_code).await.status(), StatusCode::OK);

    // Other stores' owners and residents cannot read the list.
    let other_owner = e2e_tests::owner(OWNER_A_PHONE).await;
    expect_problem(list(&other_owner, &pickup_date, "", None).await, 403, "wrong_store").await;
    expect_problem(list(&buyer.client, &pickup_date, "", None).await, 403, "forbidden").await;

    // Wrong codes count down, then lock; the right code is refused while locked. (Only a
    // packed order is handed over: a placed one is refused as a transition before any code.)
    let (victim, victim_code) = (placed[0]["id"].as_str().unwrap(), placed[0]["pickup_code"].as_str().unwrap());
    let wrong = if victim_code == "000000" { "111111" } else { "000000" };
    expect_problem(hand_over(&owner, victim, wrong).await, 409, "invalid_transition").await;
    let ready = owner
        .post(url(&format!("/api/v1/orders/{victim}/status-changes")))
        .json(&json!({ "status": "ready_for_pickup" }))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    for left in (1..=4).rev() {
        let body = expect_problem(hand_over(&owner, victim, wrong).await, 422, "invalid_pickup_code").await;
        assert_eq!(body["args"]["attempts_left"], left);
        assert_eq!(body["title"], format!("the pickup code does not match this order ({left} tries left)"));
    }
    let body = expect_problem(hand_over(&owner, victim, wrong).await, 429, "pickup_code_locked").await;
    assert_eq!(body["args"]["minutes"], 10);
    expect_problem(hand_over(&owner, victim, victim_code).await, 429, "pickup_code_locked").await;
    let status: Value = json_of(owner.get(url(&format!("/api/v1/orders/{victim}"))).send().await.unwrap()).await;
    assert_eq!(status["status"], "ready_for_pickup", "nothing changed while locked");

    // A couple of wrong codes do not stop the right one.
    let (other, other_code) = (placed[1]["id"].as_str().unwrap(), placed[1]["pickup_code"].as_str().unwrap());
    owner
        .post(url(&format!("/api/v1/orders/{other}/status-changes")))
        .json(&json!({ "status": "ready_for_pickup" }))
        .send()
        .await
        .unwrap();
    expect_problem(hand_over(&owner, other, wrong).await, 422, "invalid_pickup_code").await;
    assert_eq!(hand_over(&owner, other, other_code).await.status(), StatusCode::OK);

    // Many owners' phones at once: pages stay consistent under concurrent reads.
    let totals: Vec<u64> = stream::iter(0..8)
        .map(|_| {
            let (owner, day) = (&owner, &pickup_date);
            async move { page(owner, day, "", None).await["day_total"].as_u64().unwrap() }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    assert!(totals.iter().all(|t| *t == ORDERS as u64));
}
