//! Order capture against the real local edge: no oversell under a burst, idempotency,
//! all-or-nothing lines, caps, cancellation, and the problems bad input gets.

use e2e_tests::*;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// 500 concurrent orders for 50 units of one SKU: exactly 50 orders, stock 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn burst_of_500_orders_for_50_units_never_oversells() {
    let Stocked { sku, pickup, .. } = stocked(0, 50, None).await;
    let sku = &sku;

    let buyers = join_all((0..100).map(|i| join(STORE_A, Box::leak(format!("抢购{i}").into_boxed_str())))).await;
    let attempts = (0..500).map(|i| {
        let buyer = &buyers[i % buyers.len()];
        let pickup = pickup.clone();
        async move { place_order(buyer, &format!("burst-{i:04}-{}", unique_phone()), &pickup, &[(sku.as_str(), 1)]).await }
    });
    let responses = join_all(attempts).await;
    let mut placed = 0;
    let mut sold_out = 0;
    for resp in responses {
        match resp.status() {
            StatusCode::CREATED => placed += 1,
            StatusCode::CONFLICT => {
                let body: Value = resp.json().await.unwrap();
                assert!(body["code"] == "sold_out" || body["code"] == "insufficient_stock", "unexpected refusal {body}");
                sold_out += 1;
            }
            other => panic!("unexpected status {other}: {}", resp.text().await.unwrap_or_default()),
        }
    }
    println!("burst: {placed} placed, {sold_out} refused");
    assert_eq!(placed, 50, "exactly the stock is sold");
    assert_eq!(sold_out, 450);
    assert_eq!(available(STORE_A, sku).await, 0, "stock ends at 0");
    // Every buyer's orders add up to 50 units.
    let mut units = 0;
    for buyer in &buyers {
        let list: Value = json_of(buyer.get(url("/api/v1/orders")).send().await.unwrap()).await;
        units += list["orders"].as_array().unwrap().iter().map(|o| o["item_count"].as_u64().unwrap()).sum::<u64>();
    }
    assert_eq!(units, 50);
}

/// The same Idempotency-Key sent 20 times at once makes one order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn same_key_twenty_times_at_once_gives_one_order() {
    let Stocked { sku, pickup, .. } = stocked(1, 30, None).await;
    let sku = &sku;
    let buyer = join(STORE_A, "重试王").await;
    let key = format!("same-key-{}", unique_phone());

    let lines = [(sku.as_str(), 2)];
    let responses = join_all((0..20).map(|_| place_order(&buyer, &key, &pickup, &lines))).await;
    let mut ids = std::collections::BTreeSet::new();
    let mut created = 0;
    for resp in responses {
        let status = resp.status();
        assert!(status == StatusCode::CREATED || status == StatusCode::OK, "status {status}");
        if status == StatusCode::CREATED {
            created += 1;
        }
        let body: Value = resp.json().await.unwrap();
        ids.insert(body["order"]["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 1, "one order id for one key: {ids:?}");
    assert_eq!(created, 1, "exactly one answer says created");
    assert_eq!(available(STORE_A, sku).await, 28, "stock taken once");
    let list: Value = json_of(buyer.get(url("/api/v1/orders")).send().await.unwrap()).await;
    assert_eq!(list["orders"].as_array().unwrap().len(), 1);

    // The same key with a different body is refused, not silently merged.
    let resp = place_order(&buyer, &key, &pickup, &[(sku.as_str(), 3)]).await;
    expect_problem(resp, 409, "idempotency_key_reused").await;
}

/// A two-line order whose second line is sold out reserves nothing.
#[tokio::test]
async fn order_with_a_sold_out_line_reserves_nothing() {
    let products = product_ids(STORE_A).await;
    let (first, second) = (&products[2], &products[3]);
    let owner = owner(OWNER_A_PHONE).await;
    set_stock(&owner, STORE_A, first, 10, None).await;
    set_stock(&owner, STORE_A, second, 0, None).await;
    let pickup = pickup_point(STORE_A).await;
    let buyer = join(STORE_A, "两样都要").await;

    let resp =
        place_order(&buyer, &format!("two-lines-{}", unique_phone()), &pickup, &[(first.as_str(), 3), (second.as_str(), 1)])
            .await;
    let body = expect_problem(resp, 409, "sold_out").await;
    assert!(body["detail"].as_str().unwrap_or_default().contains(second.as_str()), "names the sold-out product: {body}");
    assert_eq!(available(STORE_A, first).await, 10, "first line's units were given back");
    let list: Value = json_of(buyer.get(url("/api/v1/orders")).send().await.unwrap()).await;
    assert!(list["orders"].as_array().unwrap().is_empty());
}

/// The owner's per-buyer cap holds across orders; another buyer is not affected.
#[tokio::test]
async fn per_buyer_cap_is_enforced() {
    let products = product_ids(STORE_A).await;
    let sku = &products[4];
    let owner = owner(OWNER_A_PHONE).await;
    let product = set_stock(&owner, STORE_A, sku, 40, Some(2)).await;
    assert_eq!(product["per_buyer_cap"], 2);
    // A bad edit changes nothing, not even its valid half.
    let edit = |body: Value| owner.patch(url(&format!("/api/v1/stores/{STORE_A}/products/{sku}"))).json(&body).send();
    expect_problem(edit(json!({ "stock": 100_000, "per_buyer_cap": 5 })).await.unwrap(), 422, "invalid_stock").await;
    expect_problem(edit(json!({ "per_buyer_cap": 0 })).await.unwrap(), 422, "invalid_cap").await;
    expect_problem(edit(json!({})).await.unwrap(), 422, "empty_update").await;
    let unchanged: Value =
        json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/products/{sku}"))).send().await.unwrap()).await;
    assert_eq!(unchanged["per_buyer_cap"], 2);
    assert_eq!(unchanged["available"], 40);
    let pickup = pickup_point(STORE_A).await;
    let buyer = join(STORE_A, "限购测试").await;

    let resp = place_order(&buyer, &format!("cap-1-{}", unique_phone()), &pickup, &[(sku.as_str(), 3)]).await;
    expect_problem(resp, 409, "cap_exceeded").await;
    let resp = place_order(&buyer, &format!("cap-2-{}", unique_phone()), &pickup, &[(sku.as_str(), 2)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = place_order(&buyer, &format!("cap-3-{}", unique_phone()), &pickup, &[(sku.as_str(), 1)]).await;
    expect_problem(resp, 409, "cap_exceeded").await;
    let other = join(STORE_A, "邻居").await;
    let resp = place_order(&other, &format!("cap-4-{}", unique_phone()), &pickup, &[(sku.as_str(), 2)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(available(STORE_A, sku).await, 36);
}

/// Cancelling before the cut-off gives the stock back; a second cancel is refused.
#[tokio::test]
async fn cancel_returns_stock() {
    let Stocked { sku, pickup, .. } = stocked(5, 12, None).await;
    let sku = &sku;
    let buyer = join(STORE_A, "改主意了").await;

    let resp = place_order(&buyer, &format!("cancel-{}", unique_phone()), &pickup, &[(sku.as_str(), 5)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let placed: Value = resp.json().await.unwrap();
    let order = &placed["order"];
    let id = order["id"].as_str().unwrap();
    assert_eq!(order["status"], "placed");
    assert_eq!(order["pickup_code"].as_str().unwrap().len(), 6);
    assert_eq!(available(STORE_A, sku).await, 7);

    let resp = buyer.post(url(&format!("/api/v1/orders/{id}/cancellation"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cancelled: Value = resp.json().await.unwrap();
    assert_eq!(cancelled["order"]["status"], "cancelled");
    let timeline: Vec<&str> =
        cancelled["order"]["timeline"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert_eq!(timeline, ["placed", "cancelled"]);
    assert_eq!(available(STORE_A, sku).await, 12);

    let resp = buyer.post(url(&format!("/api/v1/orders/{id}/cancellation"))).send().await.unwrap();
    expect_problem(resp, 409, "not_cancellable").await;
    assert_eq!(available(STORE_A, sku).await, 12, "no double release");
}

/// Bad input gets the right 4xx problem, and nothing is taken from stock.
#[tokio::test]
async fn bad_orders_get_clear_problems() {
    let Stocked { sku, pickup, .. } = stocked(6, 20, None).await;
    let sku = &sku;
    let buyer = join(STORE_A, "手滑").await;
    let key = || format!("bad-{}", unique_phone());

    expect_problem(place_order(&buyer, &key(), &pickup, &[("p-no-such-thing", 1)]).await, 422, "unknown_product").await;
    expect_problem(place_order(&buyer, &key(), &pickup, &[(sku.as_str(), 0)]).await, 422, "quantity_out_of_range").await;
    expect_problem(place_order(&buyer, &key(), &pickup, &[(sku.as_str(), -3)]).await, 422, "quantity_out_of_range").await;
    expect_problem(place_order(&buyer, &key(), &pickup, &[(sku.as_str(), 1_000_000)]).await, 422, "quantity_out_of_range").await;
    expect_problem(place_order(&buyer, &key(), &pickup, &[]).await, 422, "empty_order").await;
    expect_problem(place_order(&buyer, &key(), &pickup, &[(sku.as_str(), 1), (sku.as_str(), 2)]).await, 422, "duplicate_line")
        .await;
    expect_problem(place_order(&buyer, &key(), "pp-nowhere", &[(sku.as_str(), 1)]).await, 422, "unknown_pickup_point").await;

    let malformed = buyer
        .post(url("/api/v1/orders"))
        .header("Idempotency-Key", key())
        .header("content-type", "application/json")
        .body("{\"lines\": [")
        .send()
        .await
        .unwrap();
    expect_problem(malformed, 400, "malformed_json").await;
    let no_key = buyer
        .post(url("/api/v1/orders"))
        .json(&json!({ "pickup_point_id": pickup, "lines": [{ "product_id": sku, "quantity": 1 }] }))
        .send()
        .await
        .unwrap();
    expect_problem(no_key, 400, "missing_idempotency_key").await;
    let bad_key = place_order(&buyer, "x", &pickup, &[(sku.as_str(), 1)]).await;
    expect_problem(bad_key, 400, "invalid_idempotency_key").await;

    // No session, a made-up session, and a session from another store.
    expect_problem(place_order(&client(), &key(), &pickup, &[(sku.as_str(), 1)]).await, 401, "unauthenticated").await;
    let forged = client()
        .post(url("/api/v1/orders"))
        .header("Idempotency-Key", key())
        .header("Cookie", format!("linli_session={}", "ab".repeat(32)))
        .json(&json!({ "pickup_point_id": pickup, "lines": [{ "product_id": sku, "quantity": 1 }] }))
        .send()
        .await
        .unwrap();
    expect_problem(forged, 401, "unauthenticated").await;
    let foreigner = join(STORE_B, "隔壁小区").await;
    expect_problem(place_order(&foreigner, &key(), &pickup, &[(sku.as_str(), 1)]).await, 422, "unknown_pickup_point").await;
    let owner_b = e2e_tests::owner(OWNER_B_PHONE).await;
    let resp = owner_b
        .patch(url(&format!("/api/v1/stores/{STORE_A}/products/{sku}")))
        .json(&json!({ "stock": 999 }))
        .send()
        .await
        .unwrap();
    expect_problem(resp, 403, "wrong_store").await;
    let resp = buyer
        .patch(url(&format!("/api/v1/stores/{STORE_A}/products/{sku}")))
        .json(&json!({ "stock": 999 }))
        .send()
        .await
        .unwrap();
    expect_problem(resp, 403, "forbidden").await;

    // Someone else's order is not found, not forbidden (no leak that it exists).
    let resp = place_order(&buyer, &key(), &pickup, &[(sku.as_str(), 1)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let placed: Value = resp.json().await.unwrap();
    let id = placed["order"]["id"].as_str().unwrap();
    expect_problem(foreigner.get(url(&format!("/api/v1/orders/{id}"))).send().await.unwrap(), 404, "order_not_found").await;
    expect_problem(
        foreigner.post(url(&format!("/api/v1/orders/{id}/cancellation"))).send().await.unwrap(),
        404,
        "order_not_found",
    )
    .await;

    assert_eq!(available(STORE_A, sku).await, 19, "only the one good order took stock");
}

/// The owner marks an order ready, then hands it over against the pickup code; the
/// resident sees each step in the timeline and can no longer cancel.
#[tokio::test]
async fn owner_moves_an_order_to_picked_up_with_the_code() {
    let Stocked { sku, owner, pickup } = stocked(10, 10, None).await;
    let sku = &sku;
    let buyer = join(STORE_A, "等提货").await;
    let resp = place_order(&buyer, &format!("pickup-{}", unique_phone()), &pickup, &[(sku.as_str(), 1)]).await;
    let placed: Value = resp.json().await.unwrap();
    let id = placed["order"]["id"].as_str().unwrap().to_string();
    let code = placed["order"]["pickup_code"].as_str().unwrap().to_string();
    let pickup_date = placed["order"]["pickup_date"].as_str().unwrap().to_string();
    let list: Value = json_of(
        owner.get(url(&format!("/api/v1/stores/{STORE_A}/orders?pickup_date={pickup_date}&q={code}"))).send().await.unwrap(),
    )
    .await;
    // Other journeys order hundreds in this store: the owner finds this one by the code the resident shows.
    let mine = list["orders"].as_array().unwrap().iter().find(|o| o["id"] == id.as_str()).expect("the owner finds the order");
    assert_eq!(mine["buyer_nickname"], "等提货");
    assert_eq!(mine["status"], "placed");
    expect_problem(buyer.get(url(&format!("/api/v1/stores/{STORE_A}/orders"))).send().await.unwrap(), 403, "forbidden").await;
    expect_problem(
        owner.get(url(&format!("/api/v1/stores/{STORE_A}/orders?pickup_date=tomorrow"))).send().await.unwrap(),
        422,
        "invalid_date",
    )
    .await;
    let change =
        |c: &reqwest::Client, body: Value| c.post(url(&format!("/api/v1/orders/{id}/status-changes"))).json(&body).send();

    expect_problem(change(&buyer, json!({ "status": "ready_for_pickup" })).await.unwrap(), 404, "order_not_found").await;
    let owner_b = e2e_tests::owner(OWNER_B_PHONE).await;
    expect_problem(change(&owner_b, json!({ "status": "ready_for_pickup" })).await.unwrap(), 404, "order_not_found").await;
    expect_problem(
        change(&owner, json!({ "status": "picked_up", "pickup_code": code })).await.unwrap(),
        409,
        "invalid_transition",
    )
    .await;
    let ready: Value = json_of(change(&owner, json!({ "status": "ready_for_pickup" })).await.unwrap()).await;
    assert_eq!(ready["status"], "ready_for_pickup");
    let wrong = if code == "000000" { "000001" } else { "000000" };
    expect_problem(
        change(&owner, json!({ "status": "picked_up", "pickup_code": wrong })).await.unwrap(),
        422,
        "invalid_pickup_code",
    )
    .await;
    let done: Value = json_of(change(&owner, json!({ "status": "picked_up", "pickup_code": code })).await.unwrap()).await;
    assert_eq!(done["status"], "picked_up");

    let seen: Value = json_of(buyer.get(url(&format!("/api/v1/orders/{id}"))).send().await.unwrap()).await;
    let timeline: Vec<&str> = seen["timeline"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert_eq!(timeline, ["placed", "ready_for_pickup", "picked_up"]);
    expect_problem(buyer.post(url(&format!("/api/v1/orders/{id}/cancellation"))).send().await.unwrap(), 409, "not_cancellable")
        .await;
    expect_problem(change(&owner, json!({ "status": "nonsense" })).await.unwrap(), 400, "malformed_json").await;
}

/// A worker that dies between reserving and writing the order would strand the stock:
/// the keeper sweeps the hold after its grace, voids the order id so a late write cannot
/// land, and the units go back on sale. (Fault injection is on only in the test edge.)
#[tokio::test]
async fn stranded_hold_is_swept_and_its_order_voided() {
    let Stocked { sku, pickup, .. } = stocked(11, 2, None).await;
    let sku = sku.as_str();
    let (a, b, c) = (join(STORE_A, "掉线的").await, join(STORE_A, "邻居乙").await, join(STORE_A, "邻居丙").await);
    let key_a = format!("stranded-{}", unique_phone());
    let abandoned = a
        .post(url("/api/v1/orders"))
        .header("Idempotency-Key", &key_a)
        .header("X-Linli-Fault", "abandon-after-reserve")
        .json(&json!({ "pickup_point_id": pickup, "lines": [{ "product_id": sku, "quantity": 1 }] }))
        .send()
        .await
        .unwrap();
    expect_problem(abandoned, 500, "internal_error").await;
    assert_eq!(place_order(&b, &format!("b-{}", unique_phone()), &pickup, &[(sku, 1)]).await.status(), StatusCode::CREATED);
    expect_problem(place_order(&c, &format!("c1-{}", unique_phone()), &pickup, &[(sku, 1)]).await, 409, "sold_out").await;

    // The hold's grace is one second under the fault; the sweep runs right after.
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    // The stranded key is spent: retrying it is refused and takes nothing.
    expect_problem(place_order(&a, &key_a, &pickup, &[(sku, 1)]).await, 503, "order_timed_out").await;
    assert_eq!(place_order(&c, &format!("c2-{}", unique_phone()), &pickup, &[(sku, 1)]).await.status(), StatusCode::CREATED);
    assert_eq!(available(STORE_A, sku).await, 0);
    let list: Value = json_of(a.get(url("/api/v1/orders")).send().await.unwrap()).await;
    assert!(list["orders"].as_array().unwrap().is_empty(), "the stranded order never appears");
}

/// An order waits on two storage round trips one after another once the catalogue facts
/// are in the isolate (the reservations, then one D1 batch), and says so in Server-Timing.
#[tokio::test]
async fn a_warm_order_waits_on_two_storage_round_trips() {
    let Stocked { sku, pickup, .. } = stocked(14, 20, None).await;
    let buyer = join(STORE_A, "两趟就好").await;
    let first = place_order(&buyer, &format!("warm-1-{}", unique_phone()), &pickup, &[(sku.as_str(), 1)]).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(matches!(round_trips(&first), Some(2 | 3)), "2, or 3 with the catalogue read: {:?}", round_trips(&first));
    let second = place_order(&buyer, &format!("warm-2-{}", unique_phone()), &pickup, &[(sku.as_str(), 1)]).await;
    assert_eq!(second.status(), StatusCode::CREATED);
    assert_eq!(round_trips(&second), Some(2));
    assert_eq!(available(STORE_A, &sku).await, 18);
}

/// A key sent again with the same body gives the same order and takes no more stock; with
/// another body (here one more product) it is refused and takes nothing, not even the
/// product the first order did not have; a cancelled order's key gives the cancelled order
/// back and takes nothing either.
#[tokio::test]
async fn a_key_sent_again_takes_stock_once() {
    let Stocked { sku, pickup, .. } = stocked(15, 10, None).await;
    let Stocked { sku: extra, .. } = stocked(16, 10, None).await;
    let buyer = join(STORE_A, "又点了一次").await;
    let key = format!("again-{}", unique_phone());

    let first = place_order(&buyer, &key, &pickup, &[(sku.as_str(), 2)]).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = place_order(&buyer, &key, &pickup, &[(sku.as_str(), 2)]).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["replayed"], true);
    assert_eq!(again["order"]["id"], first["order"]["id"]);
    assert_eq!(again["order"]["total_fen"], first["order"]["total_fen"]);
    assert_eq!(available(STORE_A, &sku).await, 8, "stock taken once");

    let reused = place_order(&buyer, &key, &pickup, &[(sku.as_str(), 2), (extra.as_str(), 1)]).await;
    expect_problem(reused, 409, "idempotency_key_reused").await;
    assert_eq!(available(STORE_A, &sku).await, 8);
    assert_eq!(available(STORE_A, &extra).await, 10, "the product the order does not have was given back");

    let id = first["order"]["id"].as_str().unwrap();
    let resp = buyer.post(url(&format!("/api/v1/orders/{id}/cancellation"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(available(STORE_A, &sku).await, 10);
    let after_cancel = place_order(&buyer, &key, &pickup, &[(sku.as_str(), 2)]).await;
    assert_eq!(after_cancel.status(), StatusCode::OK);
    let after_cancel: Value = after_cancel.json().await.unwrap();
    assert_eq!(after_cancel["order"]["id"], first["order"]["id"]);
    assert_eq!(after_cancel["order"]["status"], "cancelled");
    assert_eq!(available(STORE_A, &sku).await, 10, "a cancelled order's key takes nothing again");
    // Nor does the sweep later confirm a hold the retry took (its grace is long; the
    // count above is the keeper's own, after the retry gave its hold back).
    let list: Value = json_of(buyer.get(url("/api/v1/orders")).send().await.unwrap()).await;
    assert_eq!(list["orders"].as_array().unwrap().len(), 1);
}

/// A signed-out cookie still carries a valid seal, but the order's write checks the
/// session: nothing is placed and the stock is given back.
#[tokio::test]
async fn a_signed_out_cookie_places_nothing() {
    let Stocked { sku, pickup, .. } = stocked(17, 10, None).await;
    let buyer = resident(STORE_A, "已退出", "5栋").await;
    let resp = buyer.client.delete(url("/api/v1/sessions/current")).send().await.unwrap();
    assert!(resp.status().is_success(), "sign out: {}", resp.status());
    let stale = client()
        .post(url("/api/v1/orders"))
        .header("Cookie", &buyer.cookie)
        .header("Idempotency-Key", format!("signed-out-{}", unique_phone()))
        .json(&json!({ "pickup_point_id": pickup, "lines": [{ "product_id": sku, "quantity": 3 }] }))
        .send()
        .await
        .unwrap();
    expect_problem(stale, 401, "unauthenticated").await;
    assert_eq!(available(STORE_A, &sku).await, 10);
}

/// A cap the owner sets after the isolate cached the product's facts still holds: the
/// order's write finds the cached cap stale, gives the hold back and decides again from D1.
#[tokio::test]
async fn a_cap_set_after_the_facts_were_cached_holds() {
    let Stocked { sku, pickup, owner } = stocked(18, 10, None).await;
    let buyer = join(STORE_A, "限购之后").await;
    let resp = place_order(&buyer, &format!("before-cap-{}", unique_phone()), &pickup, &[(sku.as_str(), 1)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    set_stock(&owner, STORE_A, &sku, 9, Some(1)).await;
    let other = join(STORE_A, "限购之后二").await;
    let resp = place_order(&other, &format!("after-cap-{}", unique_phone()), &pickup, &[(sku.as_str(), 2)]).await;
    expect_problem(resp, 409, "cap_exceeded").await;
    assert_eq!(available(STORE_A, &sku).await, 9);
    let resp = place_order(&other, &format!("within-cap-{}", unique_phone()), &pickup, &[(sku.as_str(), 1)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(available(STORE_A, &sku).await, 8);
}
