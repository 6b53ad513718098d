//! 为你推荐 and 凑单推荐 against the real edge: a newcomer gets picks from her household
//! and the store's week; her own orders then lead the list; what is sold out never shows;
//! the cart suggests what goes with it; bad limits and strangers get a problem.

use e2e_tests::*;
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// Store B: no other journey orders there, so its stock is this file's to change.
const STORE: &str = STORE_B;
const OWNER: &str = OWNER_B_PHONE;

async fn picks(c: &Client, limit: usize) -> Value {
    json_of(c.get(url(&format!("/api/v1/me/recommendations?limit={limit}"))).send().await.unwrap()).await
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list[key].as_array().unwrap().iter().map(|r| r["product"]["id"].as_str().unwrap().to_string()).collect()
}

fn kinds(list: &Value, key: &str) -> Vec<String> {
    list[key].as_array().unwrap().iter().map(|r| r["reason"]["kind"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_newcomers_picks_follow_her_orders_and_never_show_what_is_sold_out() {
    let her = resident(STORE, "新来的宝妈", "2栋").await;
    let first = picks(&her.client, 10).await;
    let before = ids(&first, "recommendations");
    assert_eq!(before.len(), 10, "never an empty strip: {first}");
    assert!(first["profile_version"].as_i64().is_some(), "the seed built the store's profile");
    assert!(
        kinds(&first, "recommendations").iter().all(|k| ["household", "popular_this_week", "store_pick"].contains(&k.as_str())),
        "{first}"
    );
    assert!(kinds(&first, "recommendations").contains(&"household".to_string()), "her tag counts: {first}");
    for r in first["recommendations"].as_array().unwrap() {
        assert!(r["product"]["available"].as_u64().unwrap() > 0, "{r}");
    }

    // She orders two things the strip did not suggest; they lead it next time.
    let shelf = product_ids(STORE).await;
    let mine: Vec<&String> = shelf.iter().filter(|p| !before.contains(p)).take(2).collect();
    let pickup = pickup_point(STORE).await;
    let placed = place_order(&her.client, &format!("rec-{}", her.phone), &pickup, &[(mine[0], 1), (mine[1], 2)]).await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    let after = picks(&her.client, 10).await;
    let now_first = ids(&after, "recommendations");
    let mut expected = vec![mine[0].clone(), mine[1].clone()];
    let mut leading = now_first[..2].to_vec();
    expected.sort();
    leading.sort();
    assert_eq!(leading, expected, "her own orders lead: {after}");
    assert_eq!(after["recommendations"][0]["reason"]["kind"], "usual");
    assert_eq!(after["recommendations"][0]["reason"]["times"], 1);

    // Sold out: gone from the strip, back once restocked.
    let owner = owner(OWNER).await;
    let stock = available(STORE, mine[0]).await as u32;
    set_stock(&owner, STORE, mine[0], 0, None).await;
    let sold_out = ids(&picks(&her.client, 20).await, "recommendations");
    set_stock(&owner, STORE, mine[0], stock, None).await;
    assert!(!sold_out.contains(mine[0]), "a sold-out product is never recommended");
    assert!(ids(&picks(&her.client, 10).await, "recommendations").contains(mine[0]));

    // A smaller strip is the top of the larger one.
    assert_eq!(ids(&picks(&her.client, 3).await, "recommendations"), now_first[..3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_cart_suggests_what_goes_with_it() {
    let her = resident(STORE, "凑单的", "6栋").await;
    let empty: Value = json_of(her.client.get(url("/api/v1/cart/suggestions")).send().await.unwrap()).await;
    assert_eq!(empty["suggestions"].as_array().unwrap().len(), 0, "nothing to go with");

    let put =
        her.client.put(url("/api/v1/cart/items/p-milk-fresh")).json(&serde_json::json!({ "quantity": 1 })).send().await.unwrap();
    assert_eq!(put.status(), StatusCode::OK);
    let list: Value = json_of(her.client.get(url("/api/v1/cart/suggestions")).send().await.unwrap()).await;
    let suggested = ids(&list, "suggestions");
    assert!((1..=3).contains(&suggested.len()), "{list}");
    assert!(!suggested.contains(&"p-milk-fresh".to_string()), "never what is in the cart");
    for s in list["suggestions"].as_array().unwrap() {
        assert_eq!(s["reason"]["kind"], "goes_with");
        assert_eq!(s["reason"]["item"]["name"], "巴氏鲜牛奶");
        assert!(s["product"]["available"].as_u64().unwrap() > 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bad_limits_and_strangers_get_a_problem() {
    let her = join(STORE, "乱填的").await;
    for bad in ["0", "21", "-1", "ten"] {
        let resp = her.get(url(&format!("/api/v1/me/recommendations?limit={bad}"))).send().await.unwrap();
        let problem = expect_problem(resp, 400, "limit_out_of_range").await;
        assert_eq!(problem["errors"][0]["field"], "limit");
    }
    expect_problem(client().get(url("/api/v1/me/recommendations")).send().await.unwrap(), 401, "unauthenticated").await;
    expect_problem(client().get(url("/api/v1/cart/suggestions")).send().await.unwrap(), 401, "unauthenticated").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_operator_builds_profiles_and_requests_use_the_new_version() {
    let her = join(STORE, "看版本的").await;
    let before = picks(&her, 5).await["profile_version"].as_i64().unwrap();
    let builds = build_profiles().await;
    let mine = builds.as_array().unwrap().iter().find(|b| b["store_id"] == STORE).expect("every store is built").clone();
    assert!(mine["version"].as_i64().unwrap() > before);
    assert!(mine["residents"].as_u64().unwrap() >= 200 && mine["orders"].as_u64().unwrap() > 1000, "{mine}");
    assert!(picks(&her, 5).await["profile_version"].as_i64().unwrap() >= mine["version"].as_i64().unwrap());
    expect_problem(client().post(url("/api/v1/admin/recommendations")).send().await.unwrap(), 401, "invalid_seed_token").await;
}
