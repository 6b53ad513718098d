//! A resident's notices against the real edge: a stocked wish tells its voter, her top
//! bar's unread count says 1, opening her list marks it read (0), marking again changes
//! nothing, and nobody else can mark her notices; visitors and owners have no inbox.

use e2e_tests::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn notices(c: &Client) -> Value {
    let resp = c.get(url("/api/v1/me/notices")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

async fn mark_read(c: &Client, body: Value) -> reqwest::Response {
    c.post(url("/api/v1/me/notices/read")).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn a_stocked_wish_is_unread_until_she_opens_her_notices() {
    // A wish, a neighbour's +1, the owner stocks it: both are told.
    let author = join(STORE_A, "想吃杨梅").await;
    let voter = join(STORE_A, "也想吃").await;
    let wish: Value = json_of(
        author
            .post(url(&format!("/api/v1/stores/{STORE_A}/demands")))
            .json(&json!({ "text": "想要仙居杨梅" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let id = wish["id"].as_str().unwrap().to_string();
    assert_eq!(voter.put(url(&format!("/api/v1/demands/{id}/vote"))).send().await.unwrap().status(), StatusCode::OK);
    let before = notices(&voter).await;
    assert_eq!((before["unread"].as_u64(), before["store_id"].as_str()), (Some(0), Some(STORE_A)), "{before}");
    let owner = owner(OWNER_A_PHONE).await;
    let product = product_ids(STORE_A).await.swap_remove(3);
    let stocked = owner
        .post(url(&format!("/api/v1/demands/{id}/status-changes")))
        .json(&json!({ "status": "stocked", "product_id": product }))
        .send()
        .await
        .unwrap();
    assert_eq!(stocked.status(), StatusCode::OK);

    // One unread notice, linking to the product.
    let list = notices(&voter).await;
    assert_eq!(list["unread"], 1, "{list}");
    let notice = &list["community"][0];
    assert_eq!((notice["kind"].as_str(), notice["read"].as_bool()), (Some("demand_stocked"), Some(false)));
    assert_eq!(notice["path"], format!("/s/{STORE_A}/p/{product}"));
    let newest = notice["id"].as_i64().unwrap();

    // Nobody else can mark it: a neighbour without notices, and the author whose own is near.
    let stranger = join(STORE_A, "路过").await;
    let answer: Value = json_of(mark_read(&stranger, json!({ "up_to": newest + 1000 })).await).await;
    assert_eq!(answer["unread"], 0);
    let _ = mark_read(&author, json!({ "up_to": newest + 1000 })).await;
    assert_eq!(notices(&author).await["unread"], 0, "the author read her own");
    assert_eq!(notices(&voter).await["unread"], 1, "hers are still unread");
    expect_problem(mark_read(&client(), json!({ "up_to": newest })).await, 401, "unauthenticated").await;
    expect_problem(mark_read(&owner, json!({ "up_to": newest })).await, 403, "residents_only").await;
    let malformed = voter
        .post(url("/api/v1/me/notices/read"))
        .header("content-type", "application/json")
        .body("{\"up_to\":\"all\"}")
        .send()
        .await
        .unwrap();
    expect_problem(malformed, 400, "malformed_json").await;
    assert_eq!(notices(&voter).await["unread"], 1);

    // Up to an older id marks nothing newer; up to the newest marks it; again changes nothing.
    let answer: Value = json_of(mark_read(&voter, json!({ "up_to": newest - 1 })).await).await;
    assert_eq!(answer["unread"], 1);
    for _ in 0..2 {
        let answer: Value = json_of(mark_read(&voter, json!({ "up_to": newest })).await).await;
        assert_eq!(answer["unread"], 0);
        let list = notices(&voter).await;
        assert_eq!((list["unread"].as_u64(), list["community"][0]["read"].as_bool()), (Some(0), Some(true)), "{list}");
    }
}

#[tokio::test]
async fn visitors_and_owners_have_no_inbox() {
    for c in [client(), owner(OWNER_A_PHONE).await] {
        let list = notices(&c).await;
        assert_eq!((list["unread"].as_u64(), list["store_id"].is_null()), (Some(0), true), "{list}");
        assert_eq!(list["community"].as_array().map(Vec::len), Some(0));
    }
}
