//! 收货, 报损 and 盘点 against the real edge: each moves the shelf through the same stock
//! keeper as residents' orders, once per `Idempotency-Key`; the ledger of a product
//! (opening + received − written off = shelf + in open orders + sold) balances across
//! receipts, write-offs, a stock-take, open, handed-over and cancelled orders; losses
//! reach today's 经营数据 at cost; bad input gets its own problem and moves nothing.

use chrono::Duration;
use e2e_tests::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use shared_model::{
    api::{MovementsRecorded, StockItem, StockSheet},
    metrics::StoreNumbers,
    movement::add_to_ledger,
    supply::StockLedger,
    time::local_date,
};

/// Store A's SKU this file takes (by id order; other journeys take their own).
const PRODUCT: usize = 20;

async fn sheet(owner: &Client) -> StockSheet {
    let resp = owner.get(url(&format!("/api/v1/stores/{STORE_A}/stock"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    json_of(resp).await
}

async fn item(owner: &Client, sku: &str) -> StockItem {
    sheet(owner).await.products.into_iter().find(|p| p.product_id.as_str() == sku).expect("the SKU on the stock sheet")
}

async fn post(owner: &Client, what: &str, key: &str, body: Value) -> reqwest::Response {
    owner
        .post(url(&format!("/api/v1/stores/{STORE_A}/stock/{what}")))
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn recorded(resp: reqwest::Response) -> MovementsRecorded {
    assert_eq!(resp.status(), StatusCode::CREATED);
    json_of(resp).await
}

async fn today_loss(owner: &Client) -> i64 {
    let resp = owner.post(url(&format!("/api/v1/stores/{STORE_A}/numbers"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let numbers: StoreNumbers = json_of(resp).await;
    numbers.today.written_off.fen()
}

/// A resident's order of `units` of `sku`: its id and pickup code.
async fn order(sku: &str, pickup: &str, units: i64, nickname: &str) -> (Client, String, String) {
    let buyer = resident(STORE_A, nickname, "3号楼").await;
    let resp = place_order(&buyer.client, &format!("stock-order-{}", unique_phone()), pickup, &[(sku, units)]).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let placed: Value = resp.json().await.unwrap();
    let order = &placed["order"];
    (buyer.client, order["id"].as_str().unwrap().to_string(), order["pickup_code"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn receipts_write_offs_and_a_stock_take_keep_the_ledger_balanced() {
    let Stocked { sku, owner, pickup } = stocked(PRODUCT, 20, None).await;
    // Keys of this run (the local edge keeps its state between runs).
    let run = unique_phone();
    let key = |what: &str| format!("stock-{what}-{run}");
    let started = now();
    let loss_before = today_loss(&owner).await;
    let before = item(&owner, &sku).await;
    let ledger_opening = before.available;
    assert_eq!(ledger_opening, 20);

    // 收货: 30 units with a later best-before; the shelf keeps its older date.
    let later = local_date(now()) + Duration::days(30);
    let receipt = json!({ "lines": [{ "product_id": sku, "quantity": 30, "best_before": later }] });
    let first = recorded(post(&owner, "receipts", &key("receipt"), receipt.clone()).await).await;
    assert_eq!((first.movements.len(), first.movements[0].quantity, first.movements[0].available_after), (1, 30, 50));
    // The same request again (a lost answer, retried) moves nothing and answers the same.
    let again = recorded(post(&owner, "receipts", &key("receipt"), receipt).await).await;
    assert_eq!(again, first);
    let after_receipt = item(&owner, &sku).await;
    assert_eq!(after_receipt.available, 50);
    assert_eq!(after_receipt.best_before, before.best_before.min(later), "the oldest batch's date stays");

    // 报损: 3 broken; never more than is free, never 其他 without a note.
    let broken = json!({ "product_id": sku, "quantity": 3, "reason": "damaged" });
    let write_off = recorded(post(&owner, "write-offs", &key("write-off"), broken.clone()).await).await;
    assert_eq!((write_off.movements[0].quantity, write_off.movements[0].available_after), (-3, 47));
    recorded(post(&owner, "write-offs", &key("write-off"), broken).await).await;
    let too_many = json!({ "product_id": sku, "quantity": 48, "reason": "expired" });
    let problem =
        expect_problem(post(&owner, "write-offs", &key("write-off-2"), too_many).await, 409, "more_than_on_shelf").await;
    assert_eq!(problem["args"]["available"], 47);
    let no_note = json!({ "product_id": sku, "quantity": 1, "reason": "other" });
    expect_problem(post(&owner, "write-offs", &key("write-off-3"), no_note).await, 422, "invalid_write_off_note").await;

    // Residents: one order stays open, one is handed over, one is cancelled.
    let (_, _, _) = order(&sku, &pickup, 4, "盘点甲").await;
    let (_, handed, code) = order(&sku, &pickup, 5, "盘点乙").await;
    pack_and_hand_over(&owner, &handed, &code).await;
    let (cancelling, cancelled, _) = order(&sku, &pickup, 2, "盘点丙").await;
    let resp = cancelling.post(url(&format!("/api/v1/orders/{cancelled}/cancellation"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    // 盘点: the page shows 38 free (47 − 4 − 5); the owner counts 36.
    let shown = item(&owner, &sku).await.available;
    assert_eq!(shown, 38);
    let count = json!({ "lines": [{ "product_id": sku, "counted": 36, "expected": shown }] });
    let counted = recorded(post(&owner, "counts", &key("count"), count.clone()).await).await;
    assert_eq!((counted.movements[0].quantity, counted.movements[0].expected), (-2, Some(38)));
    recorded(post(&owner, "counts", &key("count"), count).await).await;
    // Counted as shown: nothing to record.
    let same = json!({ "lines": [{ "product_id": sku, "counted": 36, "expected": 36 }] });
    assert!(recorded(post(&owner, "counts", &key("count-2"), same).await).await.movements.is_empty());

    // The ledger, from the movements the page lists and the orders: it balances.
    let sheet = sheet(&owner).await;
    let mut ledger = StockLedger { opening: ledger_opening, ..StockLedger::default() };
    let mine: Vec<_> = sheet.movements.iter().filter(|m| m.product_id.as_str() == sku && m.created_at >= started).collect();
    assert_eq!(mine.len(), 3, "one receipt, one write-off, one stock-take: {mine:?}");
    for m in &mine {
        add_to_ledger(&mut ledger, m.kind, m.quantity);
    }
    ledger.shelf = sheet.products.iter().find(|p| p.product_id.as_str() == sku).unwrap().available;
    ledger.in_open_orders = 4;
    ledger.sold = 5;
    assert_eq!((ledger.received, ledger.written_off, ledger.shelf), (30, 5, 36));
    assert!(ledger.balances(), "{ledger:?} is off by {}", ledger.discrepancy());
    assert_eq!(u64::from(ledger.shelf), available(STORE_A, &sku).await, "the shop's listing mirrors the keeper");

    // The losses (3 broken + 2 missing, at cost) are today's 报损.
    let loss: i64 = mine.iter().map(|m| m.loss.fen()).sum();
    let write_off_loss = write_off.movements[0].loss.fen();
    assert!(write_off_loss > 0, "the demo SKU has a unit cost");
    assert_eq!(loss * 3, write_off_loss * 5, "loss is units × the unit cost");
    assert_eq!(today_loss(&owner).await - loss_before, loss);
}

#[tokio::test]
async fn bad_movements_are_refused_and_move_nothing() {
    let owner = owner(OWNER_A_PHONE).await;
    let sku = product_ids(STORE_A).await.swap_remove(PRODUCT + 1);
    let before = item(&owner, &sku).await.available;
    let yesterday = local_date(now()) - Duration::days(1);
    let cases = [
        ("receipts", json!({ "lines": [] }), 422, "no_movement_lines"),
        (
            "receipts",
            json!({ "lines": [{ "product_id": sku, "quantity": 5, "best_before": yesterday }] }),
            422,
            "best_before_passed",
        ),
        (
            "receipts",
            json!({ "lines": [{ "product_id": sku, "quantity": 0, "best_before": "2099-01-01" }] }),
            422,
            "invalid_movement_units",
        ),
        (
            "receipts",
            json!({ "lines": [{ "product_id": "p-nothing", "quantity": 5, "best_before": "2099-01-01" }] }),
            404,
            "product_not_found",
        ),
        (
            "counts",
            json!({ "lines": [{ "product_id": sku, "counted": 1, "expected": 2 }, { "product_id": sku, "counted": 1, "expected": 2 }] }),
            422,
            "duplicate_movement_product",
        ),
        (
            "write-offs",
            json!({ "product_id": sku, "quantity": 1, "reason": "spoiled", "note": "a\nb" }),
            422,
            "invalid_write_off_note",
        ),
    ];
    for (i, (what, body, status, code)) in cases.into_iter().enumerate() {
        expect_problem(post(&owner, what, &format!("stock-bad-{i}-{}", unique_phone()), body).await, status, code).await;
    }
    let unkeyed = owner
        .post(url(&format!("/api/v1/stores/{STORE_A}/stock/write-offs")))
        .json(&json!({ "product_id": sku, "quantity": 1, "reason": "damaged" }))
        .send()
        .await
        .unwrap();
    expect_problem(unkeyed, 400, "missing_idempotency_key").await;
    assert_eq!(item(&owner, &sku).await.available, before, "nothing moved");
}
