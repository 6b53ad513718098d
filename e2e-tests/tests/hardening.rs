//! The edge where attackers and bad networks go first: requests from other sites, bodies
//! that are not JSON or too big, the pages' security headers, and the abuse limits on
//! signing in and joining (`shared_model::throttle`), each against the real local edge.

use e2e_tests::{
    client, client_at, expect_problem, owner_password, resident, unique_phone, url, OWNER_A_PHONE, STORE_A, STORE_B,
};
use futures::future::join_all;
use reqwest::{header::HeaderMap, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A client address of its own for this run's `n`-th network in a test, so a second run
/// against the same edge starts with limits of its own.
fn address(test: u8, n: u32) -> String {
    let run = std::process::id();
    format!("10.{test}.{}.{}", (run / 250 + n) % 250, run % 250)
}

/// A join request's body for a fresh phone.
fn join_body() -> Value {
    json!({ "nickname": "邻居", "phone": unique_phone(), "building": "5栋", "unit": "" })
}

#[tokio::test]
async fn state_changing_requests_from_another_site_are_refused() {
    let join = || client().post(url(&format!("/api/v1/stores/{STORE_A}/residents"))).json(&join_body());
    let resp = join().header("Origin", "https://evil.example").send().await.unwrap();
    expect_problem(resp, 403, "foreign_origin").await;
    // A browser that sends no Origin still says where the request came from.
    let resp = join().header("Sec-Fetch-Site", "cross-site").send().await.unwrap();
    expect_problem(resp, 403, "foreign_origin").await;
    // Our own pages' requests pass.
    let resp = join().header("Origin", e2e_tests::base_url()).header("Sec-Fetch-Site", "same-origin").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    // Reading is not changing: a foreign origin may still look at the shop.
    let resp = client().get(url("/api/v1/stores")).header("Origin", "https://evil.example").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn bodies_must_be_json_and_within_their_limit() {
    let join_url = url(&format!("/api/v1/stores/{STORE_A}/residents"));
    // What a plain HTML form on another site can send is never taken.
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        let resp = client().post(&join_url).header("Content-Type", content_type).body(join_body().to_string()).send().await;
        expect_problem(resp.unwrap(), 415, "unsupported_media_type").await;
    }
    let resp = client().post(&join_url).body(join_body().to_string()).send().await.unwrap();
    expect_problem(resp, 415, "unsupported_media_type").await;
    // A JSON type with parameters is JSON.
    let resp = client()
        .post(&join_url)
        .header("Content-Type", "application/json; charset=utf-8")
        .body(join_body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    // Over 64 KiB: 413, said by its length before the body is read.
    let huge = json!({ "nickname": "x".repeat(70 * 1024), "phone": unique_phone(), "building": "1", "unit": "" });
    let resp = client().post(&join_url).json(&huge).send().await.unwrap();
    expect_problem(resp, 413, "body_too_large").await;
    // A photo goes as its bytes (an image type), and only to the photo route.
    let photo = client().post(url("/api/v1/reviews/rv-0000000000000000/photos")).header("Content-Type", "image/jpeg");
    let resp = photo.body(vec![0u8; 16]).send().await.unwrap();
    expect_problem(resp, 401, "unauthenticated").await;
    let resp = client().post(&join_url).header("Content-Type", "image/jpeg").body(vec![0u8; 16]).send().await.unwrap();
    expect_problem(resp, 415, "unsupported_media_type").await;
    // A photo over 2 MiB is refused by its length, before it is read.
    let resp = client()
        .post(url("/api/v1/reviews/rv-0000000000000000/photos"))
        .header("Content-Type", "image/jpeg")
        .body(vec![0u8; 2 * 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    expect_problem(resp, 413, "photo_too_large").await;
}

/// The value of a header, or "".
fn header(headers: &HeaderMap, name: &str) -> String {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

#[tokio::test]
async fn pages_carry_a_policy_that_runs_only_our_scripts() {
    for path in ["/", &format!("/s/{STORE_A}"), "/owner"] {
        let resp = client().get(url(path)).send().await.unwrap();
        let headers = resp.headers().clone();
        let html = resp.text().await.unwrap();
        let csp = header(&headers, "content-security-policy");
        let nonce = csp
            .split(';')
            .find_map(|d| d.trim().strip_prefix("script-src"))
            .and_then(|d| d.split_whitespace().find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\'')))
            .unwrap_or_else(|| panic!("{path}: no script nonce in {csp:?}"));
        assert!(nonce.len() >= 32, "{path}: a 128-bit nonce");
        for directive in ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "'wasm-unsafe-eval'"] {
            assert!(csp.contains(directive), "{path}: {directive} in {csp}");
        }
        let scripts = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap_or_default();
        assert!(!scripts.contains("'unsafe-inline'") && !scripts.contains("'unsafe-eval'"), "{path}: {scripts}");
        assert_eq!(header(&headers, "referrer-policy"), "same-origin", "{path}");
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&headers, "x-frame-options"), "DENY", "{path}");
        // Every inline script carries the nonce; no inline event handlers at all.
        for tag in html.split("<script").skip(1).map(|rest| &rest[..rest.find('>').unwrap()]) {
            assert!(tag.contains("src=") || tag.contains(&format!("nonce=\"{nonce}\"")), "{path}: <script{tag}>");
        }
        assert!(!html.contains(" onclick="), "{path}: an inline handler");
    }
    // Another page, another nonce.
    let nonce_of = |csp: String| csp.split("'nonce-").nth(1).map(|s| s[..s.find('\'').unwrap()].to_owned());
    let first = nonce_of(header(client().get(url("/")).send().await.unwrap().headers(), "content-security-policy"));
    let second = nonce_of(header(client().get(url("/")).send().await.unwrap().headers(), "content-security-policy"));
    assert_ne!(first, second);
    // API answers are never sniffed either.
    let resp = client().get(url("/api/v1/stores")).send().await.unwrap();
    assert_eq!(header(resp.headers(), "x-content-type-options"), "nosniff");
}

/// A phone that is nobody's costs as much as an owner's wrong password, so the answer's
/// time tells nothing; wrong tries back off per phone.
#[tokio::test]
async fn owner_sign_in_backs_off_and_an_unknown_phone_costs_the_same() {
    let sign_in = |phone: &str, password: &str| {
        client_at(&address(11, 0)).post(url("/api/v1/sessions")).json(&json!({ "phone": phone, "password": password })).send()
    };
    // Timing: the median of five tries each (PBKDF2 either way), after a right password
    // (which forgets the phone's earlier failures).
    assert_eq!(sign_in("13800000003", &owner_password()).await.unwrap().status(), StatusCode::CREATED);
    let mut wrong = Vec::new();
    let mut nobody = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        expect_problem(sign_in("13800000003", "wrong-password").await.unwrap(), 401, "invalid_credentials").await;
        wrong.push(started.elapsed());
        let started = Instant::now();
        expect_problem(sign_in(&unique_phone(), "wrong-password").await.unwrap(), 401, "invalid_credentials").await;
        nobody.push(started.elapsed());
    }
    wrong.sort();
    nobody.sort();
    println!("owner sign-in: wrong password median {:?}, unknown phone median {:?}", wrong[2], nobody[2]);
    assert!(nobody[2] * 2 >= wrong[2], "an unknown phone answers as slowly as a wrong password");

    // Ten wrong tries for one phone (a phone that is nobody's counts the same), then the
    // 11th waits a minute, and says so in Chinese.
    let phone = unique_phone();
    for _ in 0..10 {
        expect_problem(sign_in(&phone, "wrong-password").await.unwrap(), 401, "invalid_credentials").await;
    }
    let resp = sign_in(&phone, "wrong-password").await.unwrap();
    let retry_after: u64 = header(resp.headers(), "retry-after").parse().expect("Retry-After");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body = expect_problem(resp, 429, "too_many_sign_ins").await;
    let seconds = body["args"]["seconds"].as_i64().unwrap();
    let problem: shared_model::Problem = serde_json::from_value(body).unwrap();
    assert_eq!(problem.message(shared_model::locale::Locale::ZhCn), format!("登录尝试次数过多，请{seconds}秒后再试"));
    // Another owner's phone is not held up by it.
    let resp = client_at(&address(11, 1))
        .post(url("/api/v1/sessions"))
        .json(&json!({ "phone": OWNER_A_PHONE, "password": owner_password() }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
}

/// Twenty guesses of a sign-in code sent at once spend the code's five tries and no more:
/// the right code is refused afterwards.
#[tokio::test]
async fn a_sign_in_code_cannot_be_raced_past_its_tries() {
    let someone = resident(STORE_B, "抢码", "2栋").await;
    let code: Value = someone.client.post(url("/api/v1/me/device-codes")).send().await.unwrap().json().await.unwrap();
    let code = code["code"].as_str().unwrap().to_owned();
    let guesses = (0..20).map(|i| {
        let guess = format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000);
        let phone = someone.phone.clone();
        async move {
            client_at(&address(12, i))
                .post(url(&format!("/api/v1/stores/{STORE_B}/sessions")))
                .json(&json!({ "phone": phone, "code": guess }))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = join_all(guesses).await;
    let wrong = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let waited = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    println!("20 guesses at once: {wrong} checked, {waited} told to wait");
    assert_eq!(wrong + waited, 20, "{statuses:?}");
    let resp = client_at(&address(12, 100))
        .post(url(&format!("/api/v1/stores/{STORE_B}/sessions")))
        .json(&json!({ "phone": someone.phone, "code": code }))
        .send()
        .await
        .unwrap();
    assert!(matches!(resp.status().as_u16(), 401 | 429), "the spent code is refused: {}", resp.status());
}

/// One network joins a queue of neighbours, not a stream of made-up residents.
#[tokio::test]
async fn joining_is_limited_per_client_address() {
    let network = address(13, 0);
    let join = || client_at(&network).post(url(&format!("/api/v1/stores/{STORE_B}/residents"))).json(&join_body()).send();
    let statuses: Vec<u16> = join_all((0..30).map(|_| join())).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 201), "a queue of 30 at the counter joins: {statuses:?}");
    let body = expect_problem(join().await.unwrap(), 429, "too_many_joins").await;
    assert!(body["args"]["seconds"].as_i64().unwrap() <= 10);
    // Another network is not held up.
    let resp = client_at(&address(13, 1)).post(url(&format!("/api/v1/stores/{STORE_B}/residents"))).json(&join_body()).send();
    assert_eq!(resp.await.unwrap().status(), StatusCode::CREATED);
    // Ten seconds later there is room for one more.
    tokio::time::sleep(Duration::from_millis(10_100)).await;
    assert_eq!(join().await.unwrap().status(), StatusCode::CREATED);
}

/// The pickup code is the buyer's alone: the owner's answers never carry it, so a hand-over
/// needs the code the resident shows.
#[tokio::test]
async fn the_pickup_code_is_shown_to_the_buyer_alone() {
    let shelf = e2e_tests::stocked(13, 50, None).await;
    let buyer = resident(STORE_A, "取货人", "6栋").await;
    let key = format!("code-{}", unique_phone());
    let resp = e2e_tests::place_order(&buyer.client, &key, &shelf.pickup, &[(&shelf.sku, 1)]).await;
    let placed: Value = e2e_tests::json_of(resp).await;
    let order = placed["order"]["id"].as_str().unwrap().to_owned();
    let code = placed["order"]["pickup_code"].as_str().expect("the buyer sees her code").to_owned();
    let read = |c: &reqwest::Client| c.get(url(&format!("/api/v1/orders/{order}"))).send();
    let hers: Value = e2e_tests::json_of(read(&buyer.client).await.unwrap()).await;
    assert_eq!(hers["pickup_code"], code.as_str());
    let owners: Value = e2e_tests::json_of(read(&shelf.owner).await.unwrap()).await;
    assert_eq!(owners["id"], order.as_str());
    assert!(owners.get("pickup_code").is_none(), "the owner reads the order without its code: {owners}");
    let change = |body: Value| shelf.owner.post(url(&format!("/api/v1/orders/{order}/status-changes"))).json(&body).send();
    let ready: Value = e2e_tests::json_of(change(json!({ "status": "ready_for_pickup" })).await.unwrap()).await;
    assert!(ready.get("pickup_code").is_none(), "{ready}");
    let handed: Value = e2e_tests::json_of(change(json!({ "status": "picked_up", "pickup_code": code })).await.unwrap()).await;
    assert_eq!(handed["status"], "picked_up");
    assert!(handed.get("pickup_code").is_none(), "{handed}");
    // Nor does the owner's list of the day's orders.
    let list = shelf.owner.get(url(&format!("/api/v1/stores/{STORE_A}/orders"))).send().await.unwrap().text().await.unwrap();
    assert!(!list.contains(&code), "the store's list carries no pickup code");
}
