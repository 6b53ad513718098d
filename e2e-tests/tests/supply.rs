//! 备货 against the real edge, its queues and the seeded demo chain: the pick list is the
//! day's open orders recounted here order by order (per pickup point, bags by 跟团号,
//! never a pickup code); every purchase-order line keeps the rule (orders + safety − on
//! hand, whole packs); and a purchase order sent while the demo supplier is down is
//! retried with a growing back-off, lands on the dead-letter list, and once the supplier
//! is back and it is resent, reaches the supplier exactly once, however often it is sent
//! or resent afterwards or delivered again.
//!
//! Needs an edge whose state has not seen this journey's purchase order yet (scripts/test
//! starts each run on fresh state), and `SUPPLY_RETRY_BASE_SECS=1` (scripts/lib.sh) so the
//! retries take seconds.

use e2e_tests::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use shared_model::{
    api::{DemoInbox, PurchaseOrderDocument, PurchaseOrderView, StoreOrderList, SupplierLine, SupplyDeliveries, SupplyPlan},
    order::{Order, OrderStatus},
    supply::{purchase_order_signature, purchase_quantity, retry_delay_secs, DeliveryStatus, SIGNATURE_HEADER},
};
use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

/// Store B: two pickup points.
const STORE: &str = STORE_B;
/// Two SKUs of different demo suppliers (seeded terms: eggs by 演示供应商·肉蛋水产 in packs
/// of 4 with 4 kept safe; fresh milk by 演示供应商·粮油乳品 in packs of 12 with 6 kept safe).
const EGGS: &str = "p-eggs-tuji";
const MILK: &str = "p-milk-fresh";
const EGG_SUPPLIER: &str = "sup-demo-farm";
/// The demo chain's HQ account.
const HQ_PHONE: &str = "13800000000";
/// `max_retries` of the supply queue's consumer in wrangler.toml: tries before the dead letter.
const TRIES: usize = 4;
/// The local edge's first retry delay (scripts/lib.sh).
const RETRY_BASE_SECS: u32 = 1;

/// Per pickup point: units by product, and the bags (跟团号, order, lines by product).
type Picks = BTreeMap<String, (BTreeMap<String, u32>, Vec<(u32, String, Vec<(String, u32)>)>)>;

async fn plan(owner: &Client, day: chrono::NaiveDate) -> (SupplyPlan, String) {
    let resp = owner.get(url(&format!("/api/v1/stores/{STORE}/supply?pickup_date={day}"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let text = resp.text().await.unwrap();
    (serde_json::from_str(&text).expect("a supply plan"), text)
}

async fn deliveries(owner: &Client) -> SupplyDeliveries {
    let resp = owner.get(url(&format!("/api/v1/stores/{STORE}/supply/deliveries"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    json_of(resp).await
}

async fn inbox(owner: &Client) -> DemoInbox {
    json_of(owner.get(url(&format!("/api/v1/stores/{STORE}/supply/demo-inbox"))).send().await.unwrap()).await
}

async fn switch_inbox(owner: &Client, open: bool) {
    let resp =
        owner.put(url(&format!("/api/v1/stores/{STORE}/supply/demo-inbox"))).json(&json!({ "open": open })).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(json_of::<DemoInbox>(resp).await.open, open);
}

async fn send(owner: &Client, supplier: &str, day: chrono::NaiveDate) -> reqwest::Response {
    owner
        .post(url(&format!("/api/v1/stores/{STORE}/supply/purchase-orders")))
        .json(&json!({ "supplier_id": supplier, "pickup_date": day }))
        .send()
        .await
        .unwrap()
}

async fn resend(owner: &Client, po: &str) -> reqwest::Response {
    owner
        .post(url(&format!("/api/v1/stores/{STORE}/supply/resends")))
        .json(&json!({ "purchase_order_id": po }))
        .send()
        .await
        .unwrap()
}

/// The sent purchase order `po` once `done` says so, polling; panics after `within`.
async fn wait_for(
    owner: &Client,
    po: &str,
    within: Duration,
    done: impl Fn(&PurchaseOrderView, &SupplyDeliveries) -> bool,
) -> PurchaseOrderView {
    let started = Instant::now();
    loop {
        let all = deliveries(owner).await;
        let found = all.purchase_orders.iter().find(|p| p.id.as_str() == po).cloned();
        if let Some(view) = found.filter(|v| done(v, &all)) {
            return view;
        }
        assert!(started.elapsed() < within, "{po} not there within {within:?}: {all:#?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Units of `product` that the store's open orders for pickup on `day` hold.
async fn held_by_open_orders(owner: &Client, day: chrono::NaiveDate, product: &str) -> u32 {
    let mut held = 0;
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/stores/{STORE}/orders?pickup_date={day}&cursor={cursor}");
        let page: StoreOrderList = json_of(owner.get(url(&path)).send().await.unwrap()).await;
        for o in page.orders.iter().filter(|o| !o.summary.status.is_final()) {
            let order: Order = json_of(owner.get(url(&format!("/api/v1/orders/{}", o.summary.id))).send().await.unwrap()).await;
            held += order.lines.iter().filter(|l| l.product_id.as_str() == product).map(|l| l.quantity).sum::<u32>();
        }
        match page.next_cursor {
            Some(next) => cursor = next,
            None => return held,
        }
    }
}

/// Every order of the store for pickup on `day`, page by page, read whole as the owner.
async fn orders_for_pickup(owner: &Client, day: chrono::NaiveDate) -> Vec<(Order, u32)> {
    let mut orders = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/stores/{STORE}/orders?pickup_date={day}&cursor={cursor}");
        let page: StoreOrderList = json_of(owner.get(url(&path)).send().await.unwrap()).await;
        for o in page.orders {
            let order: Order = json_of(owner.get(url(&format!("/api/v1/orders/{}", o.summary.id))).send().await.unwrap()).await;
            orders.push((order, o.group_number));
        }
        match page.next_cursor {
            Some(next) => cursor = next,
            None => return orders,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_pick_list_and_purchase_orders_follow_the_orders_and_a_supplier_gets_its_order_once() {
    let owner = owner(OWNER_B_PHONE).await;
    set_stock(&owner, STORE, EGGS, 10, None).await;
    set_stock(&owner, STORE, MILK, 40, None).await;
    let store: Value = client().get(url(&format!("/api/v1/stores/{STORE}"))).send().await.unwrap().json().await.unwrap();
    let points: Vec<String> =
        store["pickup_points"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    assert!(points.len() >= 2, "store B has two pickup points");

    // Two neighbours order, for two pickup points.
    let (first, second) = tokio::join!(resident(STORE, "备货的邻居", "3栋"), resident(STORE, "隔壁备货", "4栋"));
    let mut codes = Vec::new();
    let mut day = None;
    for (who, point, lines) in [(&first, &points[0], vec![(EGGS, 3), (MILK, 2)]), (&second, &points[1], vec![(EGGS, 4)])] {
        let resp = place_order(&who.client, &format!("supply-{}", unique_phone()), point, &lines).await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        let placed: Value = resp.json().await.unwrap();
        codes.push(placed["order"]["pickup_code"].as_str().unwrap().to_string());
        day = Some(placed["order"]["pickup_date"].as_str().unwrap().parse::<chrono::NaiveDate>().unwrap());
    }
    let day = day.unwrap();

    // The pick list is the day's open orders, recounted here.
    let (plan, text) = plan(&owner, day).await;
    assert_eq!(plan.pickup_date, day);
    for code in &codes {
        assert!(!text.contains(&format!("\"{code}\"")), "a pickup code in the pick list");
    }
    assert!(!text.contains("pickup_code"), "the pick list carries no pickup code");
    let orders = orders_for_pickup(&owner, day).await;
    let open: Vec<&(Order, u32)> =
        orders.iter().filter(|(o, _)| matches!(o.status, OrderStatus::Placed | OrderStatus::ReadyForPickup)).collect();
    let mut expected: Picks = BTreeMap::new();
    for (order, number) in &open {
        let (totals, bags) = expected.entry(order.pickup_point.id.to_string()).or_default();
        for line in &order.lines {
            *totals.entry(line.product_id.to_string()).or_default() += line.quantity;
        }
        let lines = order.lines.iter().map(|l| (l.product_id.to_string(), l.quantity)).collect();
        bags.push((*number, order.id.to_string(), lines));
    }
    let shown: Picks = plan
        .pick_list
        .iter()
        .map(|p| {
            let totals = p.totals.iter().map(|t| (t.product_id.to_string(), t.quantity)).collect();
            let bags = p
                .bags
                .iter()
                .map(|b| {
                    let lines = b.lines.iter().map(|l| (l.product_id.to_string(), l.quantity)).collect();
                    (b.group_number.expect("numbered"), b.order_id.to_string(), lines)
                })
                .collect();
            (p.pickup_point_id.to_string(), (totals, bags))
        })
        .collect();
    for (_, bags) in expected.values_mut() {
        bags.sort();
    }
    assert_eq!(shown, expected, "the pick list is the day's open orders, bags by 跟团号");
    let ids: Vec<&str> = plan.pick_list.iter().map(|p| p.pickup_point_id.as_str()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "points in order");
    let ordered = |product: &str| -> u32 { expected.values().filter_map(|(t, _)| t.get(product)).sum() };
    assert!(ordered(EGGS) >= 7 && ordered(MILK) >= 2);

    // Every line by the rule; the eggs' line from what is in the store now: free on the
    // shelf, or held by an open order (for any day), so the day's orders are not bought twice.
    let free = available(STORE, EGGS).await as u32;
    let mut held = 0;
    for offset in -2..=2 {
        held += held_by_open_orders(&owner, day + chrono::Duration::days(offset), EGGS).await;
    }
    assert!(held >= 7, "this journey's 7 eggs are held");
    let on_hand = free + held;
    for po in &plan.purchase_orders {
        assert!(!po.lines.is_empty(), "{}: an order with no line", po.id);
        for l in &po.lines {
            assert!(l.quantity > 0 && l.quantity % l.pack_size == 0, "{}: {l:?}", po.id);
            if po.delivery.is_none() {
                assert_eq!(l.quantity, purchase_quantity(l.ordered, l.safety_stock, l.on_hand, l.pack_size), "{l:?}");
                assert_eq!(l.ordered, ordered(l.product_id.as_str()), "{l:?}");
            }
        }
    }
    let egg_po =
        plan.purchase_orders.iter().find(|p| p.supplier.id.as_str() == EGG_SUPPLIER).expect("the eggs' supplier's order");
    assert!(egg_po.supplier.demo, "the demo chain's supplier is labelled a demo");
    assert!(
        egg_po.delivery.is_none(),
        "this journey's purchase order was sent before: run it on fresh edge state (scripts/test does)"
    );
    let eggs = egg_po.lines.iter().find(|l| l.product_id.as_str() == EGGS).expect("eggs to order");
    assert_eq!((eggs.pack_size, eggs.safety_stock, eggs.on_hand), (4, 4, on_hand));
    // e.g. 7 ordered + 4 safety − (3 free + 7 held) = 1: one pack of 4.
    assert_eq!(eggs.quantity, (ordered(EGGS) + 4).saturating_sub(on_hand).div_ceil(4) * 4);
    let po = egg_po.id.to_string();

    // The supplier is down: the order is retried, backing off, then dead-lettered.
    switch_inbox(&owner, false).await;
    let resp = send(&owner, EGG_SUPPLIER, day).await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let sent: PurchaseOrderView = json_of(resp).await;
    assert_eq!(sent.id.as_str(), po);
    assert_eq!(sent.lines, egg_po.lines, "sent as the plan showed it");
    // Sending again while it is on the queue sends nothing; it is not a dead letter yet.
    let again = send(&owner, EGG_SUPPLIER, day).await;
    assert_eq!(again.status(), StatusCode::OK);
    expect_problem(resend(&owner, &po).await, 409, "not_dead_lettered").await;
    let dead = wait_for(&owner, &po, Duration::from_secs(60), |v, all| {
        v.delivery.as_ref().is_some_and(|d| d.status == DeliveryStatus::DeadLettered)
            && all.dead_letters.iter().any(|d| d.purchase_order_id.as_str() == po)
    })
    .await;
    let attempts = dead.delivery.unwrap().attempts;
    assert_eq!(attempts.len(), TRIES, "{attempts:#?}");
    for (i, a) in attempts.iter().enumerate() {
        assert_eq!((a.attempt, a.http_status, a.delivered), (i as u32 + 1, Some(503), false), "{a:?}");
        let delay = retry_delay_secs(a.attempt, RETRY_BASE_SECS);
        assert_eq!(a.next_retry_at, Some(a.at + chrono::Duration::seconds(i64::from(delay))), "{a:?}");
        if let Some(next) = attempts.get(i + 1) {
            // The queue waited at least the delay asked (to the millisecond of the clocks).
            assert!(next.at - a.at >= chrono::Duration::milliseconds(i64::from(delay) * 1000 - 50), "{a:?} then {next:?}");
        }
    }
    let gaps: Vec<i64> = attempts.windows(2).map(|w| (w[1].at - w[0].at).num_milliseconds()).collect();
    assert!(gaps.windows(2).all(|g| g[1] > g[0]), "the back-off grows: {gaps:?} ms");
    let letter = deliveries(&owner).await.dead_letters.into_iter().find(|d| d.purchase_order_id.as_str() == po).unwrap();
    assert_eq!((letter.attempts, letter.pickup_date), (TRIES as u32, day));
    assert!(inbox(&owner).await.received.iter().all(|r| r.purchase_order_id.as_str() != po), "nothing reached the supplier");

    // Back up, resent: delivered, once.
    switch_inbox(&owner, true).await;
    let resp = resend(&owner, &po).await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let delivered = wait_for(&owner, &po, Duration::from_secs(20), |v, _| {
        v.delivery.as_ref().is_some_and(|d| d.status == DeliveryStatus::Delivered)
    })
    .await;
    let delivery = delivered.delivery.unwrap();
    let last = delivery.attempts.last().unwrap();
    assert_eq!((last.attempt, last.http_status, last.delivered), (TRIES as u32 + 1, Some(201), true));
    assert!(delivery.delivered_at.is_some());
    assert!(deliveries(&owner).await.dead_letters.iter().all(|d| d.purchase_order_id.as_str() != po), "off the dead-letter list");

    // Sent and resent again: nothing more reaches the supplier.
    expect_problem(resend(&owner, &po).await, 409, "not_dead_lettered").await;
    let again = send(&owner, EGG_SUPPLIER, day).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(json_of::<PurchaseOrderView>(again).await.delivery.unwrap().status, DeliveryStatus::Delivered);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received: Vec<_> = inbox(&owner).await.received.into_iter().filter(|r| r.purchase_order_id.as_str() == po).collect();
    assert_eq!(received.len(), 1, "the supplier has it exactly once");
    assert_eq!((received[0].deliveries, received[0].lines as usize), (1, egg_po.lines.len()));

    // A delivery that comes again (as a queue may deliver twice) is taken as the same
    // order: answered 200, still one order at the supplier. Unsigned, it is refused.
    let document = PurchaseOrderDocument {
        id: egg_po.id.clone(),
        store_id: shared_model::StoreId::parse(STORE).unwrap(),
        store_name: store["name"].as_str().unwrap().to_string(),
        supplier_id: egg_po.supplier.id.clone(),
        pickup_date: day,
        lines: egg_po
            .lines
            .iter()
            .map(|l| SupplierLine {
                product_id: l.product_id.clone(),
                name: l.name.clone(),
                unit: l.unit.clone(),
                quantity: l.quantity,
                pack_size: l.pack_size,
            })
            .collect(),
    };
    let body = serde_json::to_string(&document).unwrap();
    let deliver = |signature: String| {
        client()
            .post(url("/api/v1/demo-supplier/purchase-orders"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", &po)
            .header(SIGNATURE_HEADER, signature)
            .body(body.clone())
            .send()
    };
    expect_problem(deliver("0".repeat(64)).await.unwrap(), 401, "bad_signature").await;
    let secret = std::env::var("SESSION_SECRET").unwrap_or_else(|_| "local-session-secret".into());
    let repeat = deliver(purchase_order_signature(secret.as_bytes(), body.as_bytes())).await.unwrap();
    assert_eq!(repeat.status(), StatusCode::OK, "a repeat is the same order");
    let received: Vec<_> = inbox(&owner).await.received.into_iter().filter(|r| r.purchase_order_id.as_str() == po).collect();
    assert_eq!((received.len(), received[0].deliveries), (1, 2), "kept once, seen twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn only_the_owner_sends_and_a_supply_request_says_what_is_wrong() {
    let owner = owner(OWNER_B_PHONE).await;
    let day = supply_day();
    expect_problem(send(&owner, "sup-none", day).await, 404, "supplier_not_found").await;
    expect_problem(resend(&owner, "po-none").await, 404, "purchase_order_not_found").await;
    let bad_day = owner.get(url(&format!("/api/v1/stores/{STORE}/supply?pickup_date=tomorrow"))).send().await.unwrap();
    expect_problem(bad_day, 422, "invalid_date").await;
    // A day with no orders: nothing to order beyond the safety stock on hand.
    let far = day + chrono::Duration::days(30);
    let (empty, _) = plan(&owner, far).await;
    assert!(empty.pick_list.is_empty() && !empty.orders_final);
    // Owner A may not act in store B.
    let other = e2e_tests::owner(OWNER_A_PHONE).await;
    expect_problem(send(&other, EGG_SUPPLIER, day).await, 403, "wrong_store").await;
    // HQ reads any store's 备货 and sends nothing.
    let hq = e2e_tests::owner(HQ_PHONE).await;
    let read = hq.get(url(&format!("/api/v1/stores/{STORE}/supply"))).send().await.unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let read = hq.get(url(&format!("/api/v1/stores/{STORE}/supply/deliveries"))).send().await.unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    // (Its account sits in store A, so store B's actions are another store's to it.)
    expect_problem(send(&hq, EGG_SUPPLIER, day).await, 403, "wrong_store").await;
    expect_problem(resend(&hq, "po-none").await, 403, "wrong_store").await;
}

/// Tomorrow in store time, as the page defaults to.
fn supply_day() -> chrono::NaiveDate {
    shared_model::supply::supply_day(now()).0
}
