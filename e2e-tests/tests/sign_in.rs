//! Getting back in after signing out, with no other signed-in device: a sign-in code by
//! SMS (the test edge's gateway is the development outbox, read at /dev/sms), or one the
//! owner issues at the counter after checking who the resident is.

use e2e_tests::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn ask_for_code(store: &str, phone: &str) -> reqwest::Response {
    client().post(url(&format!("/api/v1/stores/{store}/sign-in-codes"))).json(&json!({ "phone": phone })).send().await.unwrap()
}

/// The newest code the outbox shows for `phone`, if any.
async fn code_in_outbox(phone: &str) -> Option<String> {
    let page = client().get(url("/dev/sms")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let entry = html.split("<li>").find(|entry| entry.contains(phone))?;
    let after = entry.split("登录验证码").nth(1)?;
    Some(after.chars().take(6).collect())
}

async fn sign_in(c: &Client, store: &str, phone: &str, code: &str) -> reqwest::Response {
    c.post(url(&format!("/api/v1/stores/{store}/sessions"))).json(&json!({ "phone": phone, "code": code })).send().await.unwrap()
}

async fn sign_out(c: &Client) {
    let resp = c.delete(url("/api/v1/sessions/current")).send().await.unwrap();
    assert!(resp.status().is_success());
    expect_problem(c.get(url("/api/v1/me")).send().await.unwrap(), 401, "unauthenticated").await;
}

#[tokio::test]
async fn a_signed_out_resident_gets_back_in_with_an_sms_code() {
    let resident = resident(STORE_A, "短信回来", "5栋").await;
    let order_count = |c: Client| async move {
        let orders: Value = json_of(c.get(url("/api/v1/orders")).send().await.unwrap()).await;
        orders["orders"].as_array().map(Vec::len)
    };
    sign_out(&resident.client).await;

    let sent = ask_for_code(STORE_A, &resident.phone).await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    let sent: Value = sent.json().await.unwrap();
    assert_eq!(sent["phone_masked"], format!("{}****{}", &resident.phone[..3], &resident.phone[7..]));
    assert_eq!(sent["valid_minutes"], 10);
    let code = code_in_outbox(&resident.phone).await.expect("the outbox shows the message");
    assert!(code.chars().all(|c| c.is_ascii_digit()) && code.len() == 6, "code {code}");

    // A second ask within the minute is refused with the wait; the code still works.
    let again = expect_problem(ask_for_code(STORE_A, &resident.phone).await, 429, "sms_too_soon").await;
    assert!(again["args"]["seconds"].as_i64().is_some_and(|s| (1..=60).contains(&s)));

    let phone_back = client();
    expect_problem(sign_in(&phone_back, STORE_A, &resident.phone, "000000").await, 401, "invalid_device_code").await;
    let back = sign_in(&phone_back, STORE_A, &resident.phone, &code).await;
    assert_eq!(back.status(), StatusCode::CREATED);
    let me: Value = json_of(phone_back.get(url("/api/v1/me")).send().await.unwrap()).await;
    assert_eq!(me["person_id"], resident.me.person_id.as_str(), "the same resident, with her orders");
    assert_eq!(order_count(phone_back.clone()).await, Some(0));
    // The code is spent.
    expect_problem(sign_in(&client(), STORE_A, &resident.phone, &code).await, 401, "invalid_device_code").await;
}

#[tokio::test]
async fn asking_for_a_code_says_nothing_about_who_shops_here() {
    let stranger = unique_phone();
    let sent = ask_for_code(STORE_A, &stranger).await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED, "the same answer as for a resident");
    assert_eq!(code_in_outbox(&stranger).await, None, "but nothing is sent");
    expect_problem(ask_for_code(STORE_A, &stranger).await, 429, "sms_too_soon").await;
    expect_problem(ask_for_code(STORE_A, "12345").await, 422, "invalid_phone").await;
    expect_problem(ask_for_code("st-nowhere", &unique_phone()).await, 404, "store_not_found").await;
    let malformed = client()
        .post(url(&format!("/api/v1/stores/{STORE_A}/sign-in-codes")))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    expect_problem(malformed, 400, "malformed_json").await;
}

#[tokio::test]
async fn the_owner_issues_a_code_at_the_counter() {
    let resident = resident(STORE_A, "柜台登录", "6栋").await;
    sign_out(&resident.client).await;
    let assisted = |c: Client, store: &'static str, phone: String| async move {
        c.post(url(&format!("/api/v1/stores/{store}/assisted-sign-in-codes")))
            .json(&json!({ "phone": phone }))
            .send()
            .await
            .unwrap()
    };
    let owner_a = owner(OWNER_A_PHONE).await;
    let issued = assisted(owner_a.clone(), STORE_A, resident.phone.clone()).await;
    assert_eq!(issued.status(), StatusCode::CREATED);
    let issued: Value = issued.json().await.unwrap();
    assert_eq!((issued["nickname"].as_str(), issued["building"].as_str()), (Some("柜台登录"), Some("6栋")), "who to check");
    let code = issued["code"].as_str().unwrap();
    assert_eq!(sign_in(&resident.client, STORE_A, &resident.phone, code).await.status(), StatusCode::CREATED);
    // The owner held a way into her account: she is told, with when.
    let notices: Value = resident.client.get(url("/api/v1/me/notices")).send().await.unwrap().json().await.unwrap();
    let told = &notices["community"][0];
    assert_eq!(told["kind"], "counter_code_issued", "{notices}");
    assert!(told["text"].as_str().unwrap().starts_with("店长于"), "{told}");
    assert_eq!(told["path"], format!("/s/{STORE_A}/orders"));

    // Only this store's owner, and only for one of its residents.
    let neighbour = join(STORE_A, "邻居").await;
    expect_problem(assisted(neighbour, STORE_A, resident.phone.clone()).await, 403, "forbidden").await;
    expect_problem(assisted(owner(OWNER_B_PHONE).await, STORE_A, resident.phone.clone()).await, 403, "wrong_store").await;
    expect_problem(assisted(owner_a.clone(), STORE_A, unique_phone()).await, 404, "resident_not_found").await;
    expect_problem(assisted(client(), STORE_A, resident.phone.clone()).await, 401, "unauthenticated").await;
}
