//! 口碑 against the real edge: a resident who picked up an order reviews what she bought
//! with a photo, the photo is served with a year's cache, the product shows its rating,
//! the owner features and hides reviews and a hidden review's author is told why; every
//! way of getting it wrong (no pickup, twice, a seventh photo, a text file named .jpg, a
//! 10 MB body, another store's resident) gets its own problem and changes nothing.

use e2e_tests::*;
use futures::{stream, StreamExt};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// A small real JPEG (one of the demo photos).
const JPEG: &[u8] = include_bytes!("../../edge-worker/seed/photos/eggs.jpg");

/// A resident of store A with an order of `sku` that the owner has handed over.
async fn picked_up(stocked: &Stocked, nickname: &str) -> (Resident, String) {
    let buyer = resident(STORE_A, nickname, "6栋").await;
    let (order, code) = placed(&buyer.client, stocked).await;
    pack_and_hand_over(&stocked.owner, &order, &code).await;
    (buyer, order)
}

/// Places an order of one `sku`; its id and pickup code.
async fn placed(c: &Client, stocked: &Stocked) -> (String, String) {
    let resp = place_order(c, &format!("review-{}", unique_phone()), &stocked.pickup, &[(stocked.sku.as_str(), 1)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    (body["order"]["id"].as_str().unwrap().to_string(), body["order"]["pickup_code"].as_str().unwrap().to_string())
}

async fn review(c: &Client, store: &str, body: Value) -> reqwest::Response {
    c.post(url(&format!("/api/v1/stores/{store}/reviews"))).json(&body).send().await.unwrap()
}

async fn upload(c: &Client, review: &str, bytes: Vec<u8>, content_type: &str) -> reqwest::Response {
    c.post(url(&format!("/api/v1/reviews/{review}/photos")))
        .header("Content-Type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn moderate(c: &Client, review: &str, body: Value) -> reqwest::Response {
    c.post(url(&format!("/api/v1/reviews/{review}/moderation"))).json(&body).send().await.unwrap()
}

/// The owner's view of a product's reviews: how many, and how many photos they hold.
async fn counts(owner: &Client, product: &str) -> (usize, usize) {
    let list: Value = json_of(owner.get(url(&format!("/api/v1/stores/{STORE_A}/reviews"))).send().await.unwrap()).await;
    let ours: Vec<&Value> =
        list["reviews"].as_array().unwrap().iter().map(|r| &r["review"]).filter(|r| r["product_id"] == product).collect();
    (ours.len(), ours.iter().map(|r| r["photo_ids"].as_array().unwrap().len()).sum())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_picked_up_order_is_reviewed_with_a_photo_and_the_owner_features_and_hides() {
    let stocked = stocked(40, 500, None).await;
    let sku = stocked.sku.clone();
    let (buyer, order) = picked_up(&stocked, "爱做饭的王姐").await;

    // Stars and words, then a photo.
    let created = review(
        &buyer.client,
        STORE_A,
        json!({ "order_id": order, "product_id": sku, "stars": 5, "text": " 很粉糯，炖牛腩一绝 " }),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let card: Value = created.json().await.unwrap();
    let id = card["review"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        (card["review"]["text"].as_str(), card["review"]["visibility"].as_str()),
        (Some("很粉糯，炖牛腩一绝"), Some("normal"))
    );
    assert_eq!(card["review"]["photo_ids"], json!([]));
    let with_photo: Value = json_of(upload(&buyer.client, &id, JPEG.to_vec(), "image/jpeg").await).await;
    let photo = with_photo["review"]["photo_ids"][0].as_str().expect("a photo").to_string();

    // The photo is served as it was sent, cached for a year.
    let served = client().get(url(&format!("/api/v1/photos/{photo}"))).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    let header = |name: &str| served.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(header("content-type"), "image/jpeg");
    let cache = header("cache-control");
    assert!(cache.contains("immutable") && cache.contains("max-age=31536000") && cache.contains("public"), "{cache}");
    assert_eq!(served.bytes().await.unwrap().as_ref(), JPEG);
    expect_problem(client().get(url("/api/v1/photos/ph-nothing-here")).send().await.unwrap(), 404, "photo_not_found").await;

    // A neighbour (a KOC) reviews the same product with stars alone.
    let (koc, koc_order) = picked_up(&stocked, "美食达人阿May").await;
    let put_koc = set_koc(&stocked.owner, koc.me.person_id.as_str(), true).await;
    assert_eq!(put_koc.status(), StatusCode::OK);
    let koc_card: Value = json_of(
        review(&koc.client, STORE_A, json!({ "order_id": koc_order, "product_id": sku, "stars": 4, "text": "口感好，推荐" }))
            .await,
    )
    .await;
    let koc_id = koc_card["review"]["id"].as_str().unwrap().to_string();

    // The product's page: its rating and count, the reviews with 已购 and the KOC badge.
    let product: Value =
        json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/products/{sku}"))).send().await.unwrap()).await;
    assert_eq!(product["rating"]["count"], 2);
    assert_eq!(product["rating"]["average_tenths"], 45);
    let shown: Value =
        json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/products/{sku}"))).send().await.unwrap()).await;
    let cards = shown["reviews"].as_array().unwrap();
    assert_eq!(cards.len(), 2);
    assert!(cards.iter().all(|c| c["purchased"] == true));
    let koc_shown = cards.iter().find(|c| c["id"] == koc_id.as_str()).unwrap();
    assert_eq!(koc_shown["is_koc"].as_bool(), Some(true));
    assert!(koc_shown["author"].as_str().unwrap().starts_with("美*"), "a masked name");
    let hers = cards.iter().find(|c| c["id"] == id.as_str()).unwrap();
    assert_eq!((hers["is_koc"].as_bool(), hers["photo_ids"][0].as_str()), (Some(false), Some(photo.as_str())));

    // The owner features hers: first on the product page and on the store's home.
    let owner = &stocked.owner;
    expect_problem(moderate(&buyer.client, &id, json!({ "action": "feature" })).await, 403, "forbidden").await;
    let featured: Value = json_of(moderate(owner, &id, json!({ "action": "feature" })).await).await;
    assert_eq!(featured["review"]["visibility"], "featured");
    let shown: Value =
        json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/products/{sku}"))).send().await.unwrap()).await;
    assert_eq!((shown["reviews"][0]["id"].as_str(), shown["reviews"][0]["featured"].as_bool()), (Some(id.as_str()), Some(true)));
    let home: Value =
        json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/featured-reviews"))).send().await.unwrap()).await;
    assert!(home["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["review"]["id"] == id.as_str() && r["product_name"].is_string()));

    // The owner hides the KOC's review with a reason: neighbours no longer see it, the
    // stars still count, and its author is told why, with a link to her reviews.
    expect_problem(moderate(owner, &koc_id, json!({ "action": "hide", "reason": " " })).await, 422, "invalid_hide_reason").await;
    let hidden: Value =
        json_of(moderate(owner, &koc_id, json!({ "action": "hide", "reason": "含有其他店铺的广告" })).await).await;
    assert_eq!(
        (hidden["review"]["visibility"].as_str(), hidden["review"]["hidden_reason"].as_str()),
        (Some("hidden"), Some("含有其他店铺的广告"))
    );
    // A second hide changes nothing and tells no one twice.
    json_of::<Value>(moderate(owner, &koc_id, json!({ "action": "hide", "reason": "再说一次" })).await).await;
    let shown: Value =
        json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/products/{sku}"))).send().await.unwrap()).await;
    assert!(shown["reviews"].as_array().unwrap().iter().all(|r| r["id"] != koc_id.as_str()), "hidden from neighbours");
    let product: Value =
        json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/products/{sku}"))).send().await.unwrap()).await;
    assert_eq!(product["rating"]["count"], 2, "hidden stars still count");
    let notices: Value = json_of(koc.client.get(url("/api/v1/me/notices")).send().await.unwrap()).await;
    let told: Vec<&Value> =
        notices["community"].as_array().unwrap().iter().filter(|n| n["review_id"] == koc_id.as_str()).collect();
    assert_eq!(told.len(), 1, "{notices}");
    assert_eq!(told[0]["kind"], "review_hidden");
    assert_eq!(told[0]["path"], format!("/s/{STORE_A}/me/reviews"));
    assert!(told[0]["text"].as_str().unwrap().contains("含有其他店铺的广告"));
    let mine: Value = json_of(koc.client.get(url("/api/v1/me/reviews")).send().await.unwrap()).await;
    assert_eq!(mine["reviews"][0]["review"]["hidden_reason"], "含有其他店铺的广告", "she sees it, with the reason");
    let buyer_notices: Value = json_of(buyer.client.get(url("/api/v1/me/notices")).send().await.unwrap()).await;
    assert!(buyer_notices["community"].as_array().unwrap().iter().all(|n| n["kind"] != "review_hidden"));
    // A hidden review takes no more photos.
    expect_problem(upload(&koc.client, &koc_id, JPEG.to_vec(), "image/jpeg").await, 409, "review_is_hidden").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_wrong_review_or_photo_gets_its_own_problem_and_changes_nothing() {
    let stocked = stocked(41, 500, None).await;
    let sku = stocked.sku.clone();
    let owner = &stocked.owner;
    let (buyer, order) = picked_up(&stocked, "认真的李叔").await;
    let first: Value =
        json_of(review(&buyer.client, STORE_A, json!({ "order_id": order, "product_id": sku, "stars": 4 })).await).await;
    let id = first["review"]["id"].as_str().unwrap().to_string();
    // Six photos at once, from six uploads racing.
    let answers: Vec<StatusCode> = stream::iter(0..6)
        .map(|_| {
            let (c, id) = (&buyer.client, &id);
            async move { upload(c, id, JPEG.to_vec(), "image/jpeg").await.status() }
        })
        .buffer_unordered(6)
        .collect()
        .await;
    assert!(answers.iter().all(|s| *s == StatusCode::CREATED), "{answers:?}");
    let before = counts(owner, &sku).await;
    assert_eq!(before, (1, 6));

    // A review of an order not picked up yet.
    let (not_yet, _) = placed(&buyer.client, &stocked).await;
    expect_problem(
        review(&buyer.client, STORE_A, json!({ "order_id": not_yet, "product_id": sku, "stars": 5 })).await,
        409,
        "order_not_picked_up",
    )
    .await;
    // A second review of the same purchase.
    expect_problem(
        review(&buyer.client, STORE_A, json!({ "order_id": order, "product_id": sku, "stars": 5, "text": "再夸一次" })).await,
        409,
        "already_reviewed",
    )
    .await;
    // A seventh photo, and seven more at once.
    let seventh = expect_problem(upload(&buyer.client, &id, JPEG.to_vec(), "image/jpeg").await, 409, "too_many_photos").await;
    assert!(seventh["title"].as_str().unwrap().contains('6'), "{seventh}");
    let burst: Vec<StatusCode> = stream::iter(0..7)
        .map(|_| {
            let (c, id) = (&buyer.client, &id);
            async move { upload(c, id, JPEG.to_vec(), "image/jpeg").await.status() }
        })
        .buffer_unordered(7)
        .collect()
        .await;
    assert!(burst.iter().all(|s| *s == StatusCode::CONFLICT), "{burst:?}");

    // Photos on a fresh review of another product line: a text file named .jpg, a 10 MB
    // body, an empty body.
    let (second_buyer, second_order) = picked_up(&stocked, "细心的周阿姨").await;
    let second: Value =
        json_of(review(&second_buyer.client, STORE_A, json!({ "order_id": second_order, "product_id": sku, "stars": 3 })).await)
            .await;
    let second_id = second["review"]["id"].as_str().unwrap().to_string();
    let text = b"this is not a photo, only a text file named egg.jpg\n".to_vec();
    let bad =
        expect_problem(upload(&second_buyer.client, &second_id, text, "image/jpeg").await, 422, "unsupported_photo_type").await;
    assert_eq!(bad["errors"][0]["field"], "photo");
    let huge = vec![0xFFu8; 10 * 1024 * 1024];
    expect_problem(upload(&second_buyer.client, &second_id, huge, "image/jpeg").await, 413, "photo_too_large").await;
    expect_problem(upload(&second_buyer.client, &second_id, Vec::new(), "image/jpeg").await, 422, "unreadable_photo").await;
    // Bad stars and a stranger's photo.
    expect_problem(
        review(&second_buyer.client, STORE_A, json!({ "order_id": second_order, "product_id": sku, "stars": 6 })).await,
        422,
        "invalid_stars",
    )
    .await;
    expect_problem(upload(&buyer.client, &second_id, JPEG.to_vec(), "image/jpeg").await, 404, "review_not_found").await;

    // Another store's resident, and nobody signed in.
    let foreigner = join(STORE_B, "隔壁小区的").await;
    expect_problem(
        review(&foreigner, STORE_A, json!({ "order_id": order, "product_id": sku, "stars": 1, "text": "差评" })).await,
        403,
        "wrong_store",
    )
    .await;
    expect_problem(
        review(&foreigner, STORE_B, json!({ "order_id": order, "product_id": sku, "stars": 1 })).await,
        404,
        "order_not_found",
    )
    .await;
    expect_problem(upload(&foreigner, &id, JPEG.to_vec(), "image/jpeg").await, 404, "review_not_found").await;
    expect_problem(
        review(&client(), STORE_A, json!({ "order_id": order, "product_id": sku, "stars": 1 })).await,
        401,
        "unauthenticated",
    )
    .await;
    expect_problem(client().get(url(&format!("/api/v1/stores/{STORE_A}/reviews"))).send().await.unwrap(), 401, "unauthenticated")
        .await;
    expect_problem(buyer.client.get(url(&format!("/api/v1/stores/{STORE_A}/reviews"))).send().await.unwrap(), 403, "forbidden")
        .await;

    // Nothing half-written: the same reviews and photos as before (the second review has none).
    assert_eq!(counts(owner, &sku).await, (2, 6));
    let mine: Value = json_of(second_buyer.client.get(url("/api/v1/me/reviews")).send().await.unwrap()).await;
    assert_eq!(mine["reviews"][0]["review"]["photo_ids"], json!([]));
}
