//! Browse-and-leave against the real local edge: a resident who opened a product's page
//! three times (or once, for long) and did not order it gets, a day later, one notice with
//! a small coupon for that product, once a week at most; one who turned it off, one who
//! ordered it and one who looked only twice get nothing. The cron's job is run through the
//! operator's route at an instant 25 hours on.

use e2e_tests::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// Store A's product this file looks at: 周至徐香猕猴桃, ¥25.90 (a ¥2 coupon).
const BROWSED_PRODUCT: usize = 24;

async fn look(c: &Client, sku: &str, times: usize) {
    for _ in 0..times {
        let resp = c.get(url(&format!("/api/v1/stores/{STORE_A}/products/{sku}"))).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }
}

/// Runs the follow-ups as the cron would at `at`.
async fn run_follow_ups(at: chrono::DateTime<chrono::Utc>) -> u64 {
    let resp = client()
        .post(url("/api/v1/admin/browse-follow-ups"))
        .bearer_auth(seed_token())
        .json(&json!({ "at": at.to_rfc3339() }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{}", resp.text().await.unwrap_or_default());
    let sent: Value = resp.json().await.unwrap();
    sent["sent"].as_u64().unwrap()
}

/// Her browse follow-up notices about `sku`, and her coupons for it.
async fn follow_ups(c: &Client, sku: &str) -> (Vec<Value>, Vec<Value>) {
    let notices: Value = c.get(url("/api/v1/me/notices")).send().await.unwrap().json().await.unwrap();
    let notices = notices["community"].as_array().unwrap().iter().filter(|n| n["kind"] == "browse_follow_up").cloned().collect();
    let coupons: Value = c.get(url("/api/v1/me/coupons")).send().await.unwrap().json().await.unwrap();
    let coupons = coupons["coupons"].as_array().unwrap().iter().filter(|h| h["coupon"]["product_id"] == sku).cloned().collect();
    (notices, coupons)
}

#[tokio::test]
async fn a_product_looked_at_three_times_and_left_comes_back_once_with_a_coupon() {
    let Stocked { sku, pickup, .. } = stocked(BROWSED_PRODUCT, 80, None).await;
    let keen = join(STORE_A, "看了三次").await;
    let quiet = join(STORE_A, "不要提醒").await;
    let bought = join(STORE_A, "看完就买").await;
    let glance = join(STORE_A, "看了两次").await;
    let lingered = join(STORE_A, "看了很久").await;
    look(&keen, &sku, 3).await;
    // One look, but the page tells as she leaves that it stayed open 100 s (a shorter
    // report after it, from another tab, does not shorten it).
    look(&lingered, &sku, 1).await;
    for seconds in [100, 40] {
        let body = json!({ "product_id": sku, "seconds": seconds });
        let resp = lingered.post(url("/api/v1/me/product-views")).json(&body).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    }
    let body = json!({ "product_id": sku, "seconds": 86_401 });
    let resp = lingered.post(url("/api/v1/me/product-views")).json(&body).send().await.unwrap();
    expect_problem(resp, 422, "invalid_view_time").await;
    look(&quiet, &sku, 3).await;
    look(&bought, &sku, 3).await;
    look(&glance, &sku, 2).await;
    let resp = quiet.put(url("/api/v1/me/preferences")).json(&json!({ "browse_follow_ups": false })).send().await.unwrap();
    let preferences: Value = resp.json().await.unwrap();
    assert_eq!(preferences["browse_follow_ups"], false);
    let resp = place_order(&bought, &format!("browse-{}", unique_phone()), &pickup, &[(&sku, 1)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);

    // Not yet: the follow-up comes about a day after her last look.
    run_follow_ups(now() + chrono::Duration::hours(1)).await;
    assert!(follow_ups(&keen, &sku).await.0.is_empty(), "too early");

    run_follow_ups(now() + chrono::Duration::hours(25)).await;
    let (notices, coupons) = follow_ups(&keen, &sku).await;
    assert_eq!(notices.len(), 1, "one notice");
    assert_eq!(notices[0]["headline"], "送你一张专用券");
    assert!(notices[0]["text"].as_str().unwrap().contains("周至徐香猕猴桃"), "{}", notices[0]);
    assert_eq!(notices[0]["path"], format!("/s/{STORE_A}/p/{sku}"));
    assert_eq!(coupons.len(), 1, "one coupon, for this product");
    assert_eq!(coupons[0]["coupon"]["amount"], 200, "a tenth of ¥25.90 in whole yuan");
    assert_eq!(coupons[0]["coupon"]["threshold"], 0);
    let (long_look_notices, long_look_coupons) = follow_ups(&lingered, &sku).await;
    assert_eq!((long_look_notices.len(), long_look_coupons.len()), (1, 1), "one long look is interest too");
    for (who, c) in [("opted out", &quiet), ("ordered it", &bought), ("looked twice", &glance)] {
        let (notices, coupons) = follow_ups(c, &sku).await;
        assert!(notices.is_empty() && coupons.is_empty(), "{who}: nothing");
    }

    // Once a week: another run, and more looks, send nothing new.
    look(&keen, &sku, 3).await;
    run_follow_ups(now() + chrono::Duration::hours(26)).await;
    assert_eq!(follow_ups(&keen, &sku).await.0.len(), 1);

    // The coupon comes off an order of that product.
    let coupon = coupons[0]["coupon"]["id"].as_str().unwrap();
    let resp = keen
        .post(url("/api/v1/orders"))
        .header("Idempotency-Key", format!("browse-coupon-{}", unique_phone()))
        .json(&json!({ "pickup_point_id": pickup, "lines": [{ "product_id": sku, "quantity": 1 }], "coupon_id": coupon }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", resp.text().await.unwrap_or_default());
    let placed: Value = resp.json().await.unwrap();
    assert_eq!(placed["order"]["total"], 2590 - 200);
}
