//! Catalogue, identity and cart against the real local edge.

use e2e_tests::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn demo_chain_is_seeded_with_stores_and_fresh_products() {
    let stores: Value = json_of(client().get(url("/api/v1/stores")).send().await.unwrap()).await;
    let stores = stores["stores"].as_array().unwrap();
    assert!(stores.len() >= 3);
    for s in stores {
        assert!(!s["pickup_points"].as_array().unwrap().is_empty(), "every store has a pickup point");
    }
    let list: Value = json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/products"))).send().await.unwrap()).await;
    let products = list["products"].as_array().unwrap();
    assert!(products.len() >= 40, "at least 40 products, got {}", products.len());
    let names: Vec<&str> = list["categories"].as_array().unwrap().iter().map(|c| c["name_zh"].as_str().unwrap()).collect();
    for wanted in ["水果", "蔬菜", "肉禽蛋", "水产", "米面粮油", "乳品烘焙"] {
        assert!(names.contains(&wanted), "category {wanted} in {names:?}");
    }
    assert!(products.iter().all(|p| p["price"].as_i64().unwrap() > 0));
    assert!(products.iter().any(|p| p["test_report"].is_string()));
}

#[tokio::test]
async fn search_finds_chinese_substrings_and_categories_filter() {
    let list: Value = json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/products"))).send().await.unwrap()).await;
    let first = list["products"][0]["name"].as_str().unwrap().to_string();
    let needle: String = first.chars().skip(1).take(2).collect();
    let found: Value = json_of(
        client().get(url(&format!("/api/v1/stores/{STORE_A}/products"))).query(&[("q", needle.as_str())]).send().await.unwrap(),
    )
    .await;
    let hits: Vec<&str> = found["products"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(hits.contains(&first.as_str()), "searching {needle} finds {first}: {hits:?}");

    let none: Value = json_of(
        client()
            .get(url(&format!("/api/v1/stores/{STORE_A}/products?q=%E6%B2%A1%E6%9C%89%E8%BF%99%E4%B8%AAzzz")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(none["products"].as_array().unwrap().is_empty());
    // LIKE wildcards are literal.
    let wild: Value = json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/products?q=%25"))).send().await.unwrap()).await;
    assert!(wild["products"].as_array().unwrap().is_empty());

    let fruit: Value =
        json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/products?category=fruit"))).send().await.unwrap()).await;
    let fruit = fruit["products"].as_array().unwrap();
    assert!(!fruit.is_empty() && fruit.iter().all(|p| p["category_id"] == "fruit"));

    let long = "长".repeat(31);
    let resp =
        client().get(url(&format!("/api/v1/stores/{STORE_A}/products"))).query(&[("q", long.as_str())]).send().await.unwrap();
    expect_problem(resp, 422, "query_too_long").await;
    expect_problem(client().get(url("/api/v1/stores/st-nowhere/products")).send().await.unwrap(), 404, "store_not_found").await;
    expect_problem(
        client().get(url(&format!("/api/v1/stores/{STORE_A}/products/p-nowhere"))).send().await.unwrap(),
        404,
        "product_not_found",
    )
    .await;
    expect_problem(client().get(url("/api/v1/no-such-route")).send().await.unwrap(), 404, "no_such_route").await;
}

#[tokio::test]
async fn joining_validates_and_sets_an_httponly_session() {
    let c = client();
    let resp = c
        .post(url(&format!("/api/v1/stores/{STORE_A}/residents")))
        .json(&json!({ "nickname": "", "phone": "12345", "building": "3栋", "unit": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let phone = unique_phone();
    let body =
        json!({ "nickname": "王小明", "phone": phone, "building": "5栋", "unit": "2单元", "household_tags": ["has_elderly"] });
    let resp = c.post(url(&format!("/api/v1/stores/{STORE_A}/residents"))).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let cookie = resp.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let me: Value = json_of(c.get(url("/api/v1/me")).send().await.unwrap()).await;
    assert_eq!(me["nickname"], "王小明");
    assert_eq!(me["role"], "resident");
    assert_eq!(me["household_tags"], json!(["has_elderly"]));
    // The same phone cannot join the same store twice.
    let again = client().post(url(&format!("/api/v1/stores/{STORE_A}/residents"))).json(&body).send().await.unwrap();
    expect_problem(again, 409, "phone_already_joined").await;
    expect_problem(client().get(url("/api/v1/me")).send().await.unwrap(), 401, "unauthenticated").await;
    // Signing out ends the session.
    assert_eq!(c.delete(url("/api/v1/sessions/current")).send().await.unwrap().status(), StatusCode::OK);
    expect_problem(c.get(url("/api/v1/me")).send().await.unwrap(), 401, "unauthenticated").await;
}

#[tokio::test]
async fn owner_password_is_checked() {
    let resp = client()
        .post(url("/api/v1/sessions"))
        .json(&json!({ "phone": OWNER_A_PHONE, "password": "wrong-password" }))
        .send()
        .await
        .unwrap();
    expect_problem(resp, 401, "invalid_credentials").await;
    let owner = owner(OWNER_A_PHONE).await;
    let me: Value = json_of(owner.get(url("/api/v1/me")).send().await.unwrap()).await;
    assert_eq!(me["role"], "owner");
    assert_eq!(me["store_id"], STORE_A);
}

#[tokio::test]
async fn cart_is_kept_at_the_edge_and_priced_by_the_model() {
    let products = product_ids(STORE_A).await;
    let (a, b) = (&products[7], &products[8]);
    let owner = owner(OWNER_A_PHONE).await;
    let pa = set_stock(&owner, STORE_A, a, 50, None).await;
    let pb = set_stock(&owner, STORE_A, b, 2, None).await;
    let buyer = join(STORE_A, "购物车").await;

    let put = |p: &str, q: i64| buyer.put(url(&format!("/api/v1/cart/items/{p}"))).json(&json!({ "quantity": q })).send();
    assert_eq!(put(a, 2).await.unwrap().status(), StatusCode::OK);
    let cart: Value = json_of(put(b, 3).await.unwrap()).await;
    let lines = cart["cart"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    let line_b = lines.iter().find(|l| l["product_id"] == b.as_str()).unwrap();
    assert_eq!(line_b["availability"]["kind"], "insufficient");
    assert_eq!(cart["cart"]["orderable"], false);
    assert_eq!(cart["cart"]["total"].as_i64().unwrap(), pa["price"].as_i64().unwrap() * 2, "only orderable lines count");

    let cart: Value = json_of(put(b, 2).await.unwrap()).await;
    assert_eq!(cart["cart"]["orderable"], true);
    assert_eq!(cart["cart"]["total"].as_i64().unwrap(), pa["price"].as_i64().unwrap() * 2 + pb["price"].as_i64().unwrap() * 2);
    assert!(cart["pickup_date"].is_string());

    expect_problem(put(a, 0).await.unwrap(), 422, "quantity_out_of_range").await;
    expect_problem(put(a, 100).await.unwrap(), 422, "quantity_out_of_range").await;
    expect_problem(put("p-nowhere", 1).await.unwrap(), 404, "product_not_found").await;
    let bad = buyer
        .put(url(&format!("/api/v1/cart/items/{a}")))
        .header("content-type", "application/json")
        .body("{oops")
        .send()
        .await
        .unwrap();
    expect_problem(bad, 400, "malformed_json").await;

    // The cart survives: a fresh read (another page load) sees the same lines.
    let cart: Value = json_of(buyer.get(url("/api/v1/cart")).send().await.unwrap()).await;
    assert_eq!(cart["cart"]["item_count"], 4);
    let cart: Value = json_of(buyer.delete(url(&format!("/api/v1/cart/items/{b}"))).send().await.unwrap()).await;
    assert_eq!(cart["cart"]["lines"].as_array().unwrap().len(), 1);

    // Ordering takes the ordered lines out of the cart.
    let pickup = pickup_point(STORE_A).await;
    let resp = place_order(&buyer, &format!("from-cart-{}", unique_phone()), &pickup, &[(a.as_str(), 2)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let cart: Value = json_of(buyer.get(url("/api/v1/cart")).send().await.unwrap()).await;
    assert!(cart["cart"]["lines"].as_array().unwrap().is_empty());

    expect_problem(client().get(url("/api/v1/cart")).send().await.unwrap(), 401, "unauthenticated").await;
    expect_problem(owner.get(url("/api/v1/cart")).send().await.unwrap(), 403, "residents_only").await;
}

#[tokio::test]
async fn pages_are_server_rendered_with_products_and_share_metadata() {
    let html = client().get(url(&format!("/s/{STORE_A}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<html lang=\"zh-CN\""), "Chinese by default");
    let list: Value = json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/products"))).send().await.unwrap()).await;
    let first = &list["products"][0];
    assert!(html.contains(first["name"].as_str().unwrap()), "first paint shows products");
    assert!(!html.contains("linli_owner"), "never the console's bundle");
    assert!(html.contains("<leptos-island data-component=\"ProblemToast_"), "only its interactive parts hydrate: islands");

    let id = first["id"].as_str().unwrap();
    let resp = client().get(url(&format!("/s/{STORE_A}/p/{id}"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    assert!(html.contains("property=\"og:title\""), "og:title present");
    let og_image = format!("/images/share/{id}.png\"");
    assert!(html.contains("property=\"og:image\"") && html.contains(&og_image), "og:image is the PNG preview");
    let png = client().get(url(&format!("/images/share/{id}.png"))).send().await.unwrap();
    assert_eq!(png.status(), StatusCode::OK, "the preview image is served");
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(html.contains(first["origin"].as_str().unwrap()));

    let missing = client().get(url(&format!("/s/{STORE_A}/p/p-nowhere"))).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let english = client()
        .get(url(&format!("/s/{STORE_A}")))
        .header("Accept-Language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("<html lang=\"en\""));
}

/// A visitor with no session (she came from a link in her group chat) gets no notice bell,
/// banner or cart bar: only a resident has notices and a cart. With nothing else to
/// hydrate on the shop (her buttons are links to joining), her phone loads no wasm. A
/// resident gets them, and the shop's bundle.
#[tokio::test]
async fn only_a_visitor_who_may_be_signed_in_gets_the_bell_and_the_cart_bar() {
    let shop =
        |c: reqwest::Client| async move { c.get(url(&format!("/s/{STORE_A}"))).send().await.unwrap().text().await.unwrap() };
    let islands = ["data-component=\"NoticeBell_", "data-component=\"LiveNoticeBanner_", "data-component=\"CartBar_"];
    let visitor = shop(client()).await;
    assert!(visitor.contains("data-component=\"ProblemToast_"), "the toast stays");
    for island in islands {
        assert!(!visitor.contains(island), "a visitor's page has no {island}");
    }
    assert!(!visitor.contains("_bg.wasm"), "nothing to hydrate: no bundle");
    let resident = shop(join(STORE_A, "铃铛").await).await;
    for island in islands {
        assert!(resident.contains(island), "a resident's page has {island}");
    }
    assert!(resident.contains("/pkg/linli_shop_bg.wasm?v="), "the shop's bundle");
}

/// A resident signs in on a second device with a one-time code; the cart follows them.
#[tokio::test]
async fn cart_follows_the_resident_to_another_device() {
    let products = product_ids(STORE_A).await;
    let sku = &products[9];
    let owner = owner(OWNER_A_PHONE).await;
    set_stock(&owner, STORE_A, sku, 30, None).await;

    let phone = unique_phone();
    let phone_one = client();
    let resp = phone_one
        .post(url(&format!("/api/v1/stores/{STORE_A}/residents")))
        .json(&json!({ "nickname": "两台手机", "phone": phone, "building": "9栋", "unit": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = phone_one.put(url(&format!("/api/v1/cart/items/{sku}"))).json(&json!({ "quantity": 3 })).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let code: Value = json_of(phone_one.post(url("/api/v1/me/device-codes")).send().await.unwrap()).await;
    let code = code["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 6);

    let phone_two = client();
    let sign_in = |c: &reqwest::Client, code: &str| {
        c.post(url(&format!("/api/v1/stores/{STORE_A}/sessions"))).json(&json!({ "phone": phone, "code": code })).send()
    };
    let wrong = if code == "000000" { "000001" } else { "000000" };
    expect_problem(sign_in(&phone_two, wrong).await.unwrap(), 401, "invalid_device_code").await;
    let resp = sign_in(&phone_two, &code).await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let cart: Value = json_of(phone_two.get(url("/api/v1/cart")).send().await.unwrap()).await;
    assert_eq!(cart["cart"]["lines"][0]["product_id"], sku.as_str());
    assert_eq!(cart["cart"]["lines"][0]["quantity"], 3);
    // A code works once.
    expect_problem(sign_in(&client(), &code).await.unwrap(), 401, "invalid_device_code").await;
    // Five wrong guesses void a code.
    let code: Value = json_of(phone_one.post(url("/api/v1/me/device-codes")).send().await.unwrap()).await;
    let code = code["code"].as_str().unwrap().to_string();
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for _ in 0..5 {
        expect_problem(sign_in(&client(), wrong).await.unwrap(), 401, "invalid_device_code").await;
    }
    expect_problem(sign_in(&client(), &code).await.unwrap(), 401, "invalid_device_code").await;
    // Owners don't get device codes.
    expect_problem(owner.post(url("/api/v1/me/device-codes")).send().await.unwrap(), 403, "residents_only").await;
}

/// Raising a cart line past the per-buyer cap is refused at once, with the cap (and what
/// is already ordered for the pickup day) in the answer; lowering is always fine, and a
/// line over a cap lowered later says so.
#[tokio::test]
async fn the_cart_refuses_a_line_past_the_per_buyer_cap() {
    let products = product_ids(STORE_A).await;
    let sku = &products[12];
    let owner = owner(OWNER_A_PHONE).await;
    set_stock(&owner, STORE_A, sku, 30, Some(2)).await;
    let buyer = join(STORE_A, "限购购物车").await;
    let put = |q: i64| buyer.put(url(&format!("/api/v1/cart/items/{sku}"))).json(&json!({ "quantity": q })).send();

    assert_eq!(put(1).await.unwrap().status(), StatusCode::OK);
    assert_eq!(put(2).await.unwrap().status(), StatusCode::OK);
    let refused = expect_problem(put(3).await.unwrap(), 409, "cap_exceeded").await;
    assert_eq!(refused["args"], json!({ "cap": 2, "already": 0 }), "the answer says the cap: {refused}");
    let cart: Value = json_of(buyer.get(url("/api/v1/cart")).send().await.unwrap()).await;
    assert_eq!(cart["cart"]["lines"][0]["quantity"], 2, "the refused tap changed nothing");
    assert_eq!(put(1).await.unwrap().status(), StatusCode::OK, "lowering is fine");

    // One box ordered for tomorrow counts: one more fits, two more do not.
    let pickup = pickup_point(STORE_A).await;
    let resp = place_order(&buyer, &format!("cap-cart-{}", unique_phone()), &pickup, &[(sku.as_str(), 1)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let refused = expect_problem(put(2).await.unwrap(), 409, "cap_exceeded").await;
    assert_eq!(refused["args"], json!({ "cap": 2, "already": 1 }));
    assert_eq!(put(1).await.unwrap().status(), StatusCode::OK);
    let orders: Value = json_of(buyer.get(url("/api/v1/orders")).send().await.unwrap()).await;
    assert_eq!((orders["orders"][0]["line_count"].as_u64(), orders["orders"][0]["item_count"].as_u64()), (Some(1), Some(1)));

    // The owner lowers the cap: the line says why it cannot be ordered, and the total
    // leaves it out.
    set_stock(&owner, STORE_A, sku, 30, Some(1)).await;
    let cart: Value = json_of(buyer.get(url("/api/v1/cart")).send().await.unwrap()).await;
    assert_eq!(cart["cart"]["lines"][0]["availability"], json!({ "kind": "over_cap", "cap": 1, "already": 1 }));
    assert_eq!((cart["cart"]["orderable"].as_bool(), cart["cart"]["total"].as_i64()), (Some(false), Some(0)));
}

/// Unknown stores, products and lives are one not-found page: a real 404 with a title.
#[tokio::test]
async fn missing_pages_answer_404_with_a_title() {
    for (path, title) in [
        ("/s/st-nowhere".to_string(), "门店不存在 · 邻里"),
        (format!("/s/{STORE_A}/p/p-nowhere"), "商品不存在或已下架 · 邻里"),
        ("/l/l-nope".to_string(), "直播不存在 · 邻里"),
        ("/no/such/page".to_string(), "页面不存在 · 邻里"),
    ] {
        let resp = client().get(url(&path)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        let html = resp.text().await.unwrap();
        assert!(html.contains(&format!("<title>{title}</title>")), "{path} has the title {title}");
        assert!(html.contains("data-testid=\"not-found-back\""), "{path} has a way back");
    }
    let store = client().get(url("/s/st-nowhere")).send().await.unwrap().text().await.unwrap();
    assert!(!store.contains("role=\"search\"") && !store.contains("nav-shop"), "no shop around a store that is not there");
}
