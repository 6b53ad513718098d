//! 临期特价 and coupons at order capture, against the real local edge: a markdown changes
//! the price orders pay from the instant it is applied, a coupon is redeemed by one order
//! however many are sent at once, and cancelling gives it back.

use e2e_tests::*;
use futures::future::join_all;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// Store A's near-expiry product (2 days' shelf life) this file marks down.
const MARKDOWN_PRODUCT: usize = 7;
/// Products the coupon journeys order (long shelf life, never marked down).
const RACE_PRODUCT: usize = 22;
const CANCEL_PRODUCT: usize = 23;

/// The owner gives one coupon on `terms` to `person`; its id.
async fn give_coupon(owner: &Client, person: &str, terms: Value) -> String {
    let resp = owner
        .post(url(&format!("/api/v1/stores/{STORE_A}/coupons")))
        .json(&json!({ "person_ids": [person], "terms": terms }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", resp.text().await.unwrap_or_default());
    let issued: Value = resp.json().await.unwrap();
    issued["coupons"][0]["id"].as_str().unwrap().to_string()
}

fn coupon_order(c: &Client, key: &str, pickup: &str, sku: &str, quantity: i64, coupon: &str) -> reqwest::RequestBuilder {
    c.post(url("/api/v1/orders")).header("Idempotency-Key", key).json(&json!({
        "pickup_point_id": pickup,
        "lines": [{ "product_id": sku, "quantity": quantity }],
        "coupon_id": coupon,
    }))
}

async fn my_coupon_state(c: &Client, coupon: &str) -> String {
    let list: Value = c.get(url("/api/v1/me/coupons")).send().await.unwrap().json().await.unwrap();
    let held = list["coupons"].as_array().unwrap().iter().find(|h| h["coupon"]["id"] == coupon).expect("her coupon listed");
    held["state"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_markdown_is_paid_from_the_instant_it_is_applied() {
    let Stocked { sku, owner, pickup } = stocked(MARKDOWN_PRODUCT, 60, None).await;
    let product: Value =
        client().get(url(&format!("/api/v1/stores/{STORE_A}/products/{sku}"))).send().await.unwrap().json().await.unwrap();
    let regular = product["price"].as_i64().unwrap();
    assert!(product.get("markdown").is_none(), "not marked down yet: {product}");

    // Ordered before the markdown: the regular price.
    let before = join(STORE_A, "临期前").await;
    let resp = place_order(&before, &format!("md-before-{}", unique_phone()), &pickup, &[(&sku, 2)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let order: Value = resp.json().await.unwrap();
    assert_eq!(order["order"]["lines"][0]["unit_price"].as_i64(), Some(regular));

    // The owner's board lists the batch with its plan; she marks it down to 7折.
    let board: Value = owner.get(url(&format!("/api/v1/stores/{STORE_A}/markdowns"))).send().await.unwrap().json().await.unwrap();
    let item = board["items"].as_array().unwrap().iter().find(|i| i["product"]["id"] == sku.as_str()).expect("on the board");
    assert!(item["plan"]["selling_days"].as_i64().unwrap() >= 1, "{item}");
    let resp = owner
        .post(url(&format!("/api/v1/stores/{STORE_A}/markdowns")))
        .json(&json!({ "product_id": sku, "rate": 70 }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", resp.text().await.unwrap_or_default());
    let marked: Value = resp.json().await.unwrap();
    let price = marked["price"].as_i64().unwrap();
    assert_eq!(price, regular * 7 / 10 / 10 * 10, "7折, rounded down to the jiao");
    assert_eq!(marked["markdown"]["rate"], 70);
    assert_eq!(marked["markdown"]["regular_price"].as_i64(), Some(regular));

    // Residents see it in the shop and the cart, and an order placed now pays it, even
    // where the edge's copy of the catalogue predates the markdown.
    let listing: Value =
        client().get(url(&format!("/api/v1/stores/{STORE_A}/products"))).send().await.unwrap().json().await.unwrap();
    let listed = listing["products"].as_array().unwrap().iter().find(|p| p["id"] == sku.as_str()).unwrap();
    assert_eq!(listed["price"].as_i64(), Some(price));
    assert!(listed["markdown"]["best_before"].is_string());
    let after = join(STORE_A, "临期后").await;
    let resp = after.put(url(&format!("/api/v1/cart/items/{sku}"))).json(&json!({ "quantity": 3 })).send().await.unwrap();
    let cart: Value = resp.json().await.unwrap();
    assert_eq!(cart["cart"]["lines"][0]["unit_price"].as_i64(), Some(price));
    assert_eq!(cart["cart"]["total"].as_i64(), Some(price * 3));
    let resp = place_order(&after, &format!("md-after-{}", unique_phone()), &pickup, &[(&sku, 3)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let order: Value = resp.json().await.unwrap();
    assert_eq!(order["order"]["lines"][0]["unit_price"].as_i64(), Some(price));
    assert_eq!(order["order"]["total"].as_i64(), Some(price * 3));

    // The order placed before keeps what it was charged.
    let id = order_id(&before).await;
    let kept: Value = before.get(url(&format!("/api/v1/orders/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(kept["lines"][0]["unit_price"].as_i64(), Some(regular));

    // Refused steps say why: a product far from its date, a rate that is not a step.
    let far = product_ids(STORE_A).await.swap_remove(RACE_PRODUCT);
    let resp = owner
        .post(url(&format!("/api/v1/stores/{STORE_A}/markdowns")))
        .json(&json!({ "product_id": far, "rate": 90 }))
        .send()
        .await
        .unwrap();
    expect_problem(resp, 409, "not_near_expiry").await;
    let resp = owner
        .post(url(&format!("/api/v1/stores/{STORE_A}/markdowns")))
        .json(&json!({ "product_id": sku, "rate": 60 }))
        .send()
        .await
        .unwrap();
    expect_problem(resp, 400, "malformed_json").await;
    // A resident cannot mark anything down.
    let resp = after
        .post(url(&format!("/api/v1/stores/{STORE_A}/markdowns")))
        .json(&json!({ "product_id": sku, "rate": 50 }))
        .send()
        .await
        .unwrap();
    expect_problem(resp, 403, "forbidden").await;

    // The owner's floor: above the regular price is refused; at 75% it blocks 7折 on
    // the board and at the counter; taken away, 7折 is allowed again.
    let floor_url = url(&format!("/api/v1/stores/{STORE_A}/products/{sku}/markdown-floor"));
    let resp = owner.put(&floor_url).json(&json!({ "floor": regular + 1 })).send().await.unwrap();
    expect_problem(resp, 422, "invalid_markdown_floor").await;
    let floor = regular * 3 / 4;
    let resp = owner.put(&floor_url).json(&json!({ "floor": floor })).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.json::<Value>().await.unwrap()["floor"].as_i64(), Some(floor));
    let board: Value = owner.get(url(&format!("/api/v1/stores/{STORE_A}/markdowns"))).send().await.unwrap().json().await.unwrap();
    let item = board["items"].as_array().unwrap().iter().find(|i| i["product"]["id"] == sku.as_str()).unwrap();
    let step = item["plan"]["steps"].as_array().unwrap().iter().find(|s| s["rate"] == 70).expect("a 7折 step");
    assert_eq!(step["blocked"], "below_floor", "{step}");
    let seventy = json!({ "product_id": sku, "rate": 70 });
    let resp = owner.post(url(&format!("/api/v1/stores/{STORE_A}/markdowns"))).json(&seventy).send().await.unwrap();
    expect_problem(resp, 422, "markdown_below_floor").await;
    let resp = owner.put(&floor_url).json(&json!({ "floor": null })).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = owner.post(url(&format!("/api/v1/stores/{STORE_A}/markdowns"))).json(&seventy).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
}

/// The id of the newest order of `c`.
async fn order_id(c: &Client) -> String {
    let list: Value = c.get(url("/api/v1/orders")).send().await.unwrap().json().await.unwrap();
    list["orders"][0]["id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_orders_at_once_with_one_coupon_give_one_discounted_order() {
    let Stocked { sku, owner, pickup } = stocked(RACE_PRODUCT, 200, None).await;
    let buyer = resident(STORE_A, "一券多单", "5栋").await;
    let coupon =
        give_coupon(&owner, buyer.me.person_id.as_str(), json!({ "amount": 500, "threshold": 1000, "valid_days": 7 })).await;

    // Her cart offers it, with what she would pay.
    buyer.client.put(url(&format!("/api/v1/cart/items/{sku}"))).json(&json!({ "quantity": 2 })).send().await.unwrap();
    let cart: Value = buyer.client.get(url("/api/v1/cart")).send().await.unwrap().json().await.unwrap();
    let offered = &cart["coupons"][0];
    assert_eq!(offered["coupon"]["id"], coupon.as_str());
    let goods = cart["cart"]["total"].as_i64().unwrap();
    assert_eq!(offered["pays"].as_i64(), Some(goods - 500));

    let keys: Vec<String> = (0..20).map(|i| format!("coupon-race-{i}-{}", unique_phone())).collect();
    let attempts = keys.iter().map(|key| {
        let request = coupon_order(&buyer.client, key, &pickup, &sku, 2, &coupon);
        async move { (key, request.send().await.unwrap()) }
    });
    let mut discounted = 0;
    let mut winner = None;
    for (key, resp) in join_all(attempts).await {
        match resp.status() {
            StatusCode::CREATED => {
                winner = Some(key.clone());
                let placed: Value = resp.json().await.unwrap();
                assert_eq!(placed["order"]["coupon"]["coupon_id"], coupon.as_str());
                assert_eq!(placed["order"]["coupon"]["discount"], 500);
                assert_eq!(placed["order"]["total"].as_i64(), Some(goods - 500));
                discounted += 1;
            }
            StatusCode::CONFLICT => {
                let problem: Value = resp.json().await.unwrap();
                assert_eq!(problem["code"], "coupon_used", "{problem}");
            }
            other => panic!("unexpected {other}: {}", resp.text().await.unwrap_or_default()),
        }
    }
    assert_eq!(discounted, 1, "one order redeems the coupon");
    assert_eq!(my_coupon_state(&buyer.client, &coupon).await, "used");
    // A retry of the winning order (its answer lost on the way) is that order again.
    let retry = coupon_order(&buyer.client, &winner.unwrap(), &pickup, &sku, 2, &coupon).send().await.unwrap();
    assert_eq!(retry.status(), StatusCode::OK);
    let replayed: Value = retry.json().await.unwrap();
    assert_eq!((replayed["replayed"].as_bool(), replayed["order"]["total"].as_i64()), (Some(true), Some(goods - 500)));
    // Refused orders gave their units back: only the one order's 2 units are gone.
    assert_eq!(available(STORE_A, &sku).await, 198);

    // Someone else's coupon is not found; below the threshold says how much is missing.
    let other = join(STORE_A, "别人的券").await;
    let resp =
        coupon_order(&other, &format!("coupon-theirs-{}", unique_phone()), &pickup, &sku, 1, &coupon).send().await.unwrap();
    expect_problem(resp, 404, "coupon_not_found").await;
    let big =
        give_coupon(&owner, buyer.me.person_id.as_str(), json!({ "amount": 500, "threshold": 999_900, "valid_days": 1 })).await;
    let resp =
        coupon_order(&buyer.client, &format!("coupon-short-{}", unique_phone()), &pickup, &sku, 1, &big).send().await.unwrap();
    expect_problem(resp, 409, "below_coupon_threshold").await;
    assert_eq!(available(STORE_A, &sku).await, 198, "a refused coupon takes no stock");
    // Bad terms are refused before anything is issued.
    let resp = owner
        .post(url(&format!("/api/v1/stores/{STORE_A}/coupons")))
        .json(&json!({ "person_ids": [buyer.me.person_id], "terms": { "amount": 500, "threshold": 400, "valid_days": 7 } }))
        .send()
        .await
        .unwrap();
    expect_problem(resp, 422, "invalid_coupon_threshold").await;
}

#[tokio::test]
async fn cancelling_the_order_gives_the_coupon_back() {
    let Stocked { sku, owner, pickup } = stocked(CANCEL_PRODUCT, 50, None).await;
    let buyer = resident(STORE_A, "退单还券", "6栋").await;
    let coupon = give_coupon(&owner, buyer.me.person_id.as_str(), json!({ "amount": 300, "valid_days": 3 })).await;
    assert_eq!(my_coupon_state(&buyer.client, &coupon).await, "usable");

    let resp = coupon_order(&buyer.client, &format!("coupon-cancel-{}", unique_phone()), &pickup, &sku, 1, &coupon)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", resp.text().await.unwrap_or_default());
    let placed: Value = resp.json().await.unwrap();
    let id = placed["order"]["id"].as_str().unwrap().to_string();
    assert_eq!(my_coupon_state(&buyer.client, &coupon).await, "used");

    let resp = buyer.client.post(url(&format!("/api/v1/orders/{id}/cancellation"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{}", resp.text().await.unwrap_or_default());
    assert_eq!(my_coupon_state(&buyer.client, &coupon).await, "usable", "hers again");

    // And it can be used again.
    let resp =
        coupon_order(&buyer.client, &format!("coupon-again-{}", unique_phone()), &pickup, &sku, 1, &coupon).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", resp.text().await.unwrap_or_default());
    assert_eq!(my_coupon_state(&buyer.client, &coupon).await, "used");
}
