//! 心愿单 against the real edge: a resident writes a wish, neighbours +1 it (a burst of
//! taps from one phone counts once), the owner sources and stocks it, and every voter is
//! told; bad input and strangers each get their own problem and change nothing.

use e2e_tests::*;
use futures::{stream, StreamExt};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn write(c: &Client, store: &str, body: Value) -> reqwest::Response {
    c.post(url(&format!("/api/v1/stores/{store}/demands"))).json(&body).send().await.unwrap()
}

async fn vote(c: &Client, demand: &str, want: bool) -> reqwest::Response {
    let path = url(&format!("/api/v1/demands/{demand}/vote"));
    if want { c.put(path) } else { c.delete(path) }.send().await.unwrap()
}

async fn answer(c: &Client, demand: &str, body: Value) -> reqwest::Response {
    c.post(url(&format!("/api/v1/demands/{demand}/status-changes"))).json(&body).send().await.unwrap()
}

async fn votes_in_list(demand: &str) -> u64 {
    let list: Value = json_of(client().get(url(&format!("/api/v1/stores/{STORE_A}/demands"))).send().await.unwrap()).await;
    list["demands"].as_array().unwrap().iter().find(|d| d["id"] == demand).expect("listed")["votes"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_wish_gathers_votes_is_stocked_and_its_voters_are_told() {
    let author = join(STORE_A, "想吃蓝莓").await;
    let created =
        write(&author, STORE_A, json!({ "text": " 想要云南蓝莓，最好是大果 ", "category_id": "fruit", "price_yuan": "25" }))
            .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let wish: Value = created.json().await.unwrap();
    let id = wish["id"].as_str().unwrap().to_string();
    assert_eq!(
        (wish["text"].as_str(), wish["votes"].as_u64(), wish["mine"].as_bool()),
        (Some("想要云南蓝莓，最好是大果"), Some(1), Some(true))
    );
    assert_eq!((wish["status"].as_str(), wish["price"].as_i64()), (Some("collecting"), Some(2500)));

    // A neighbour +1s it; 50 taps at once from another count once.
    let neighbour = join(STORE_A, "也想要").await;
    let voted: Value = json_of(vote(&neighbour, &id, true).await).await;
    assert_eq!((voted["votes"].as_u64(), voted["voted"].as_bool()), (Some(2), Some(true)));
    let eager = join(STORE_A, "连点五十下").await;
    let answers: Vec<StatusCode> = stream::iter(0..50)
        .map(|_| {
            let (eager, id) = (&eager, &id);
            async move { vote(eager, id, true).await.status() }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    assert!(answers.iter().all(|s| *s == StatusCode::OK), "{answers:?}");
    assert_eq!(votes_in_list(&id).await, 3, "fifty taps from one phone count once");
    // Taking it back, and the author cannot take hers back.
    let back: Value = json_of(vote(&eager, &id, false).await).await;
    assert_eq!((back["votes"].as_u64(), back["voted"].as_bool()), (Some(2), Some(false)));
    expect_problem(vote(&author, &id, false).await, 409, "own_demand_vote").await;

    // Strangers and residents cannot answer; another store's resident cannot vote.
    let foreigner = join(STORE_B, "隔壁").await;
    expect_problem(vote(&foreigner, &id, true).await, 403, "wrong_store").await;
    expect_problem(answer(&neighbour, &id, json!({ "status": "sourcing" })).await, 403, "forbidden").await;
    expect_problem(answer(&client(), &id, json!({ "status": "sourcing" })).await, 401, "unauthenticated").await;

    // The owner sources it, then stocks it as a product of the store.
    let owner = owner(OWNER_A_PHONE).await;
    let sourcing: Value = json_of(answer(&owner, &id, json!({ "status": "sourcing" })).await).await;
    assert_eq!(sourcing["status"], "sourcing");
    expect_problem(
        answer(&owner, &id, json!({ "status": "stocked", "product_id": "p-nothing" })).await,
        404,
        "product_not_found",
    )
    .await;
    let product = product_ids(STORE_A).await.swap_remove(2);
    let stocked: Value = json_of(answer(&owner, &id, json!({ "status": "stocked", "product_id": product })).await).await;
    assert_eq!((stocked["status"].as_str(), stocked["product_id"].as_str()), (Some("stocked"), Some(product.as_str())));
    expect_problem(answer(&owner, &id, json!({ "status": "sourcing" })).await, 409, "invalid_demand_transition").await;
    expect_problem(vote(&eager, &id, true).await, 409, "demand_closed").await;

    // Everyone who wants it is told, with a link to the product; who took the vote back is not.
    for (who, told) in [(&author, true), (&neighbour, true), (&eager, false)] {
        let notices: Value = json_of(who.get(url("/api/v1/me/notices")).send().await.unwrap()).await;
        let community = notices["community"].as_array().unwrap();
        let ours: Vec<&Value> = community.iter().filter(|n| n["demand_id"] == id.as_str()).collect();
        assert_eq!(ours.len(), usize::from(told), "{notices}");
        if let Some(notice) = ours.first() {
            assert_eq!(notice["kind"], "demand_stocked");
            assert_eq!(notice["path"], format!("/s/{STORE_A}/p/{product}"));
            assert!(notice["text"].as_str().unwrap().contains("上架"), "{notice}");
        }
    }
}

#[tokio::test]
async fn bad_wishes_and_too_many_change_nothing() {
    let resident = join(STORE_A, "心愿多").await;
    expect_problem(write(&resident, STORE_A, json!({ "text": "菜" })).await, 422, "invalid_demand_text").await;
    expect_problem(
        write(&resident, STORE_A, json!({ "text": "想要榴莲", "price_yuan": "-3" })).await,
        422,
        "invalid_demand_price",
    )
    .await;
    expect_problem(
        write(&resident, STORE_A, json!({ "text": "想要榴莲", "category_id": "cars" })).await,
        422,
        "invalid_category",
    )
    .await;
    expect_problem(write(&client(), STORE_A, json!({ "text": "想要榴莲" })).await, 401, "unauthenticated").await;
    expect_problem(write(&resident, STORE_B, json!({ "text": "想要榴莲" })).await, 403, "wrong_store").await;
    let malformed = resident
        .post(url(&format!("/api/v1/stores/{STORE_A}/demands")))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    expect_problem(malformed, 400, "malformed_json").await;
    for i in 0..5 {
        assert_eq!(write(&resident, STORE_A, json!({ "text": format!("想要第{i}样东西") })).await.status(), StatusCode::CREATED);
    }
    let sixth =
        expect_problem(write(&resident, STORE_A, json!({ "text": "想要第六样东西" })).await, 409, "too_many_open_demands").await;
    assert_eq!(sixth["args"]["max"], 5);
    let list: Value = json_of(resident.get(url(&format!("/api/v1/stores/{STORE_A}/demands"))).send().await.unwrap()).await;
    let mine = list["demands"].as_array().unwrap().iter().filter(|d| d["mine"] == true).count();
    assert_eq!(mine, 5, "nothing half-written");
}
