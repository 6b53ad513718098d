//! The live room against the real local edge: a burst of buys never oversells and every
//! viewer sees the same 接龙 list, viewers resume after a drop, bad input gets its problem
//! and leaves the room working, idempotent buys, the returning-customer price, settling
//! unsold units with the shelf and the owner's summary, a stranded hold swept, cancelled
//! live orders, comments, a flash sale's rush of many residents at one instant, and the
//! same buy over the room's socket.
//!
//! Each test runs its own live on its own product (store A's products by index: 40 and
//! up; `orders.rs` and `shop.rs` use 0..=12, the browser journeys 16, 特价鲜鸡蛋), so tests
//! can run side by side.

use e2e_tests::{
    available, expect_problem, json_of, live::*, owner, pickup_point, place_order, resident, set_koc, unique_phone, url,
    Resident, OWNER_A_PHONE, OWNER_B_PHONE, STORE_A,
};
use futures::{future::join_all, stream, StreamExt};
use reqwest::StatusCode;
use serde_json::{json, Value};
use shared_model::{
    api::{OrderBrief, OrderList, PlaceOrderResponse},
    identity::mask_name,
    live::{BasisPoints, ClientMessage, LiveSessionStatus},
    order::OrderStatus,
    Fen, OfferId, Problem,
};
use std::{
    collections::{BTreeMap, BTreeSet},
    time::Duration,
};

const BURST_PRODUCT: usize = 40;
const RESUME_PRODUCT: usize = 41;
const BAD_INPUT_PRODUCT: usize = 42;
const IDEMPOTENT_PRODUCT: usize = 43;
const RETURNING_PRODUCT: usize = 44;
const SETTLE_PRODUCT: usize = 45;
const STRANDED_PRODUCT: usize = 46;
const CANCEL_PRODUCT: usize = 47;
const RUSH_PRODUCT: usize = 51;
const SOCKET_BUY_PRODUCT: usize = 52;

/// `n` residents of store A, each in a building of their own (`{tag}{i}`), so a 接龙 line
/// (masked name + building) tells who bought.
async fn residents(n: usize, nickname: &str, tag: &str) -> Vec<Resident> {
    stream::iter(0..n)
        .map(|i| async move { resident(STORE_A, &format!("{nickname}{i}"), &format!("{tag}{i}")).await })
        .buffered(16)
        .collect()
        .await
}

/// How a resident shows in the 接龙 list.
fn display(r: &Resident) -> (String, String) {
    (mask_name(&r.me.nickname), r.me.building.clone())
}

fn key(tag: &str) -> String {
    format!("{tag}-{}", unique_phone())
}

/// Waits a little for late frames (a duplicate or an extra line would show up by then).
async fn settle() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// 200 viewers, 500 concurrent one-unit buys for 100 units from 150 residents: exactly
/// 100 orders; every viewer gets the 100 接龙 lines 1..=100 once each, in order, naming
/// the buyers of the accepted orders (with their buildings for the neighbour signed in to
/// the store, without for visitors); the shelf gave up exactly the allotment.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn burst_of_500_buys_for_100_units_reaches_every_viewer_in_order() {
    let OnAir { live, offer, sku } = live(BURST_PRODUCT, 130, &OfferTerms::open_now(100)).await;
    assert_eq!(available(STORE_A, &sku).await, 30, "pinning takes exactly the allotment off the shelf");

    // One neighbour signed in to the store (who sees buildings) and 199 visitors (who see
    // masked names alone).
    let neighbour = resident(STORE_A, "围观", "N1").await;
    let mut viewers = vec![Viewer::joined(&live.id, Some(&neighbour.cookie)).await];
    viewers.extend(stream::iter(1..200).map(|_| Viewer::joined(&live.id, None)).buffer_unordered(50).collect::<Vec<_>>().await);
    let buyers = residents(150, "抢购", "B").await;

    let offer_id = offer.id.as_str();
    let answers = join_all((0..500).map(|i| {
        let (live, n) = (&live, i % buyers.len());
        let buyer = &buyers[n];
        async move { (n, live.buy(&buyer.client, offer_id, &key(&format!("burst-{i}")), 1).await) }
    }))
    .await;
    let mut accepted = Vec::new();
    let mut sold_out = 0;
    for (buyer, resp) in answers {
        match resp.status() {
            StatusCode::CREATED => {
                let placed: PlaceOrderResponse = resp.json().await.unwrap();
                assert!(!placed.replayed);
                assert_eq!(placed.order.person_id, buyers[buyer].me.person_id);
                assert_eq!(placed.order.lines.len(), 1);
                assert_eq!((placed.order.lines[0].quantity, placed.order.lines[0].unit_price), (1, offer.flash_price));
                accepted.push((buyer, placed.order.id));
            }
            StatusCode::CONFLICT => {
                let body: Value = resp.json().await.unwrap();
                assert_eq!(body["code"], "sold_out", "unexpected refusal {body}");
                sold_out += 1;
            }
            other => panic!("unexpected status {other}: {}", resp.text().await.unwrap_or_default()),
        }
    }
    println!("live burst: {} accepted, {sold_out} sold out", accepted.len());
    assert_eq!(accepted.len(), 100, "exactly the allotment is sold");
    assert_eq!(sold_out, 400);

    let detail = live.detail(&e2e_tests::client()).await;
    assert_eq!(detail.room.offers[0].sold, 100);
    assert_eq!(detail.room.chain_total, 100);
    assert_eq!(available(STORE_A, &sku).await, 30, "live buys come out of the allotment, not the shelf");

    let expected_buyers = |with_buildings: bool| {
        let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (buyer, _) in &accepted {
            let (name, building) = display(&buyers[*buyer]);
            *expected.entry((name, if with_buildings { building } else { String::new() })).or_default() += 1;
        }
        expected
    };
    join_all(viewers.iter().map(|v| v.wait_for_chain(100))).await;
    settle().await;
    let want: Vec<u64> = (1..=100).collect();
    for (n, viewer) in viewers.iter().enumerate() {
        let seen = viewer.seen();
        assert_eq!(seen.chain_seqs(), want, "viewer {n} holds the 接龙 lines 1..=100 in order");
        assert_eq!(seen.chain_received, want, "viewer {n} received each line once, in order");
        assert!(seen.unreadable.is_empty() && seen.problems.is_empty(), "viewer {n}: {:?} {:?}", seen.unreadable, seen.problems);
        assert_eq!(seen.lines_without_stock, 0, "viewer {n}: each line came with the stock after it in one frame");
        let mut buyers_seen: BTreeMap<(String, String), usize> = BTreeMap::new();
        for arrival in &seen.chain {
            assert_eq!(arrival.entry.quantity, 1);
            *buyers_seen.entry((arrival.entry.buyer_display.clone(), arrival.entry.building.clone())).or_default() += 1;
        }
        assert_eq!(buyers_seen, expected_buyers(n == 0), "viewer {n}'s lines name the accepted orders' buyers");
        assert_eq!(seen.room.as_ref().unwrap().offers[0].sold, 100, "viewer {n}'s stock bar");
    }

    // Every accepted order is in its buyer's list, and nothing else is.
    let accepted_ids: BTreeSet<String> = accepted.iter().map(|(_, id)| id.to_string()).collect();
    let mut listed = BTreeSet::new();
    for buyer in &buyers {
        let list: OrderList = json_of(buyer.client.get(url("/api/v1/orders")).send().await.unwrap()).await;
        listed.extend(list.orders.iter().map(|o| o.id.to_string()));
    }
    assert_eq!(listed, accepted_ids);
}

/// A viewer that drops mid-burst and comes back with `hello {last_seen}` gets what it
/// missed and ends with the same 100 lines as a viewer that never left.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn viewer_that_drops_mid_burst_resumes_with_what_it_missed() {
    let OnAir { live, offer, .. } = live(RESUME_PRODUCT, 100, &OfferTerms::open_now(100)).await;
    let buyers = residents(50, "断线", "R").await;
    let steady = Viewer::joined(&live.id, None).await;
    let mut roamer = Viewer::joined(&live.id, None).await;

    let offer_id = offer.id.as_str();
    let burst = async {
        let statuses: Vec<StatusCode> = stream::iter(0..100)
            .map(|i| {
                let (live, buyer) = (&live, &buyers[i % buyers.len()]);
                async move { live.buy(&buyer.client, offer_id, &key(&format!("resume-{i}")), 1).await.status() }
            })
            .buffer_unordered(4)
            .collect()
            .await;
        statuses
    };
    let drop_and_return = async {
        roamer.wait_for_chain(30).await;
        roamer.disconnect().await;
        let had = roamer.seen().chain.len();
        // Stay away while at least 10 more lines go out (or the burst ends).
        steady.wait_for("10 lines more than the roamer has", |s| s.chain.len() >= (had + 10).min(100)).await;
        let missed = steady.seen().chain.len() - had;
        roamer.reconnect().await;
        (had, missed)
    };
    let (statuses, (had, missed)) = tokio::join!(burst, drop_and_return);
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED), "every buy accepted: {statuses:?}");
    println!("roamer left after {had} lines and missed {missed}");
    assert!(had < 100 && missed > 0, "the roamer really missed lines (left after {had}, missed {missed})");

    roamer.wait_for_chain(100).await;
    steady.wait_for_chain(100).await;
    settle().await;
    let (roamer, steady) = (roamer.seen(), steady.seen());
    assert_eq!(roamer.chain_seqs(), (1..=100).collect::<Vec<u64>>());
    let entries = |s: &Seen| s.chain.iter().map(|a| a.entry.clone()).collect::<Vec<_>>();
    assert_eq!(entries(&roamer), entries(&steady), "the same 100 lines as a viewer that never left");
    assert_eq!(roamer.room.as_ref().unwrap().last_seq, steady.room.as_ref().unwrap().last_seq);
    assert_eq!(roamer.room.as_ref().unwrap().offers[0].sold, 100);
}

/// Each kind of bad input gets its problem, and the room keeps working afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_and_the_room_keeps_working() {
    let capped = OfferTerms { per_buyer_cap: Some(2), ..OfferTerms::open_now(20) };
    let OnAir { live, offer, sku } = live(BAD_INPUT_PRODUCT, 40, &capped).await;
    let buyer = resident(STORE_A, "挑刺", "C1").await;
    let viewer = Viewer::joined(&live.id, None).await;
    let offer_id = offer.id.as_str();

    // Unknown offer.
    expect_problem(live.buy(&buyer.client, "f-0000000000000000", &key("bad-unknown"), 1).await, 404, "offer_not_found").await;
    // An offer that opens in ten minutes.
    let later = live.pin(&sku, &OfferTerms { opens_in: chrono::Duration::minutes(10), ..OfferTerms::open_now(5) }).await;
    expect_problem(live.buy(&buyer.client, later.id.as_str(), &key("bad-later"), 1).await, 409, "offer_not_open").await;
    // An offer taken down.
    let gone = live.pin(&sku, &OfferTerms::open_now(5)).await;
    let unpinned = live.unpin(&gone.id).await;
    assert!(!unpinned.pinned);
    expect_problem(live.buy(&buyer.client, gone.id.as_str(), &key("bad-gone"), 1).await, 409, "offer_closed").await;
    // Quantity 0 (and negative).
    expect_problem(live.buy(&buyer.client, offer_id, &key("bad-zero"), 0).await, 422, "quantity_out_of_range").await;
    expect_problem(live.buy(&buyer.client, offer_id, &key("bad-neg"), -1).await, 422, "quantity_out_of_range").await;
    // The cap (2) counts across buys of this offer: 1, then 2 more is too many, then 1 is fine.
    assert_eq!(live.buy(&buyer.client, offer_id, &key("cap-1"), 1).await.status(), StatusCode::CREATED);
    expect_problem(live.buy(&buyer.client, offer_id, &key("cap-2"), 2).await, 409, "cap_exceeded").await;
    expect_problem(live.buy(&buyer.client, offer_id, &key("cap-3"), 3).await, 409, "cap_exceeded").await;
    assert_eq!(live.buy(&buyer.client, offer_id, &key("cap-4"), 1).await.status(), StatusCode::CREATED);
    expect_problem(live.buy(&buyer.client, offer_id, &key("cap-5"), 1).await, 409, "cap_exceeded").await;
    // Pinning is for this store's owner only.
    expect_problem(live.pin_as(&buyer.client, &sku, &OfferTerms::open_now(1)).await, 403, "not_store_owner").await;
    let owner_b = owner(OWNER_B_PHONE).await;
    expect_problem(live.pin_as(&owner_b, &sku, &OfferTerms::open_now(1)).await, 403, "not_store_owner").await;
    // Signed out: with no cookie, and with one whose seal is still valid but whose session
    // is gone (the buy reads the session with the live, so signing out holds at once).
    expect_problem(live.buy(&e2e_tests::client(), offer_id, &key("bad-anon"), 1).await, 401, "unauthenticated").await;
    let left = resident(STORE_A, "已退出", "5栋").await;
    assert!(left.client.delete(url("/api/v1/sessions/current")).send().await.unwrap().status().is_success());
    let stale = live.buy_request(&e2e_tests::client(), offer_id, &key("bad-signed-out"), 1).header("Cookie", &left.cookie);
    expect_problem(stale.send().await.unwrap(), 401, "unauthenticated").await;
    // A malformed frame gets an error frame; the socket stays open.
    viewer.send_text("{\"type\":\"hello\",");
    viewer.wait_for("the malformed_message error frame", |s| !s.problems.is_empty()).await;
    {
        let seen = viewer.seen();
        assert_eq!((seen.problems[0].code.as_str(), seen.problems[0].status), ("malformed_message", 400));
        assert!(!seen.closed, "the socket stays open");
    }

    // The room still works: a ping, and another resident's buy reaches the viewer.
    viewer.send(&ClientMessage::Ping);
    viewer.wait_for("a pong", |s| s.pongs == 1).await;
    let neighbour = resident(STORE_A, "后来者", "C2").await;
    assert_eq!(live.buy(&neighbour.client, offer_id, &key("after"), 2).await.status(), StatusCode::CREATED);
    viewer.wait_for_chain(3).await;
    settle().await;
    {
        let seen = viewer.seen();
        let quantities: Vec<(u64, u32)> = seen.chain.iter().map(|a| (a.entry.seq, a.entry.quantity)).collect();
        assert_eq!(quantities, [(1, 1), (2, 1), (3, 2)], "only the accepted buys are in the 接龙 list");
        assert_eq!(seen.problems.len(), 1);
    }
    let detail = live.detail(&buyer.client).await;
    let sold: Vec<(String, u32)> = detail.room.offers.iter().map(|o| (o.id.to_string(), o.sold)).collect();
    assert_eq!(sold, [(offer.id.to_string(), 4), (later.id.to_string(), 0), (gone.id.to_string(), 0)]);
    // The page learns what each viewer already bought here (from the orders), so a reload
    // still knows the cap is reached: two orders of one unit, each with its pickup code.
    let mine: Vec<(String, u32, usize)> =
        detail.viewer.bought.iter().map(|p| (p.offer_id.to_string(), p.quantity, p.pickup_code.len())).collect();
    assert_eq!(mine, [(offer.id.to_string(), 1, 6), (offer.id.to_string(), 1, 6)]);
    assert_eq!(detail.viewer.bought_from(&offer.id), 2);
    assert_eq!(shared_model::live::most_per_buy(&offer, 2).map_err(|e| e.code()), Err("cap_exceeded"));
    assert_eq!(live.detail(&neighbour.client).await.viewer.bought_from(&offer.id), 2);
    assert!(live.detail(&e2e_tests::client()).await.viewer.bought.is_empty(), "a visitor bought nothing");
    // 40 on the shelf, 20 + 5 + 5 allotted, the unpinned offer's 5 back.
    assert_eq!(available(STORE_A, &sku).await, 15);
    // An allotment the shelf cannot cover is refused and takes nothing.
    expect_problem(live.pin_as(&live.owner, &sku, &OfferTerms::open_now(16)).await, 409, "insufficient_stock").await;
    assert_eq!(available(STORE_A, &sku).await, 15);
}

/// One Idempotency-Key sent twice at once: one order, one 接龙 line; a third send replays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_key_twice_at_once_gives_one_order_and_one_line() {
    let OnAir { live, offer, .. } = live(IDEMPOTENT_PRODUCT, 20, &OfferTerms::open_now(10)).await;
    let buyer = resident(STORE_A, "手抖", "D1").await;
    let viewer = Viewer::joined(&live.id, None).await;
    let key = key("twice");

    let (a, b) =
        tokio::join!(live.buy(&buyer.client, offer.id.as_str(), &key, 2), live.buy(&buyer.client, offer.id.as_str(), &key, 2));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    let (a, b): (PlaceOrderResponse, PlaceOrderResponse) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(statuses, [200, 201], "one created, one replayed");
    assert_eq!(a.order.id, b.order.id);
    assert!(a.replayed != b.replayed);
    let again: PlaceOrderResponse = json_of(live.buy(&buyer.client, offer.id.as_str(), &key, 2).await).await;
    assert!(again.replayed);
    assert_eq!(again.order.id, a.order.id);
    // The same key for another quantity is not a retry.
    expect_problem(live.buy(&buyer.client, offer.id.as_str(), &key, 3).await, 409, "idempotency_key_reused").await;

    viewer.wait_for_chain(1).await;
    settle().await;
    assert_eq!(viewer.seen().chain_received, [1], "one 接龙 line");
    assert_eq!(live.detail(&buyer.client).await.room.offers[0].sold, 2, "units taken once");
    let list: OrderList = json_of(buyer.client.get(url("/api/v1/orders")).send().await.unwrap()).await;
    assert_eq!(list.orders.len(), 1);
}

/// A resident with a picked-up order pays the returning price, a new one the flash price.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returning_customer_pays_the_returning_price() {
    let with_returning = OfferTerms { returning_price: true, ..OfferTerms::open_now(10) };
    let OnAir { live, offer, sku } = live(RETURNING_PRODUCT, 30, &with_returning).await;
    let regular = resident(STORE_A, "老主顾", "E1").await;
    let newcomer = resident(STORE_A, "新邻居", "E2").await;
    pick_up_one_order(&live.owner, &regular, &sku).await;

    assert!(live.detail(&regular.client).await.viewer.returning_customer);
    assert!(!live.detail(&newcomer.client).await.viewer.returning_customer);
    let returning_price = offer.returning_price.expect("the offer has a returning price");
    assert!(returning_price < offer.flash_price);

    let bought: PlaceOrderResponse = json_of(live.buy(&regular.client, offer.id.as_str(), &key("ret"), 2).await).await;
    let line = &bought.order.lines[0];
    assert_eq!((line.unit_price, line.quantity, line.line_total), (returning_price, 2, Fen::from_fen(returning_price.fen() * 2)));
    assert_eq!(bought.order.total, line.line_total);
    let bought: PlaceOrderResponse = json_of(live.buy(&newcomer.client, offer.id.as_str(), &key("new"), 1).await).await;
    assert_eq!(bought.order.lines[0].unit_price, offer.flash_price);
    assert_eq!(bought.order.total, offer.flash_price);

    // The stored order says the same.
    let stored: Value =
        json_of(regular.client.get(url(&format!("/api/v1/orders/{}", order_of(&regular).await))).send().await.unwrap()).await;
    assert_eq!(stored["lines"][0]["unit_price"], returning_price.fen());
}

/// The newest order in `r`'s list.
async fn order_of(r: &Resident) -> String {
    let list: OrderList = json_of(r.client.get(url("/api/v1/orders")).send().await.unwrap()).await;
    list.orders[0].id.to_string()
}

/// `r` orders one unit of `sku` in the shop, and the owner hands it over: `r` now has a
/// completed order.
async fn pick_up_one_order(owner: &reqwest::Client, r: &Resident, sku: &str) {
    let pickup = pickup_point(STORE_A).await;
    let placed: PlaceOrderResponse = json_of(place_order(&r.client, &key("shop"), &pickup, &[(sku, 1)]).await).await;
    let change = |body: Value| owner.post(url(&format!("/api/v1/orders/{}/status-changes", placed.order.id))).json(&body).send();
    assert_eq!(change(json!({ "status": "ready_for_pickup" })).await.unwrap().status(), StatusCode::OK);
    let done: Value =
        json_of(change(json!({ "status": "picked_up", "pickup_code": placed.order.pickup_code })).await.unwrap()).await;
    assert_eq!(done["status"], json!(OrderStatus::PickedUp));
}

/// Unpinning gives the unsold units back to the shelf, ending the live closes what is
/// left, and the owner's summary matches the orders.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unpin_and_end_settle_with_the_shelf_and_the_summary_adds_up() {
    let with_returning = OfferTerms { returning_price: true, ..OfferTerms::open_now(20) };
    let OnAir { live, offer: first, sku } = live(SETTLE_PRODUCT, 60, &with_returning).await;
    let second = live.pin(&sku, &OfferTerms::open_now(10)).await;
    assert_eq!(available(STORE_A, &sku).await, 30, "60 on the shelf, 20 + 10 allotted");

    let regular = resident(STORE_A, "常客", "F1").await;
    let (n1, n2) = (resident(STORE_A, "路人甲", "F2").await, resident(STORE_A, "路人乙", "F3").await);
    pick_up_one_order(&live.owner, &regular, &sku).await;
    assert_eq!(available(STORE_A, &sku).await, 29, "the shop order took one from the shelf");

    let mut totals = Fen::ZERO;
    for (who, offer, quantity) in [(&regular, &first, 2), (&n1, &first, 3), (&n2, &first, 1), (&n1, &second, 2)] {
        let placed: PlaceOrderResponse = json_of(live.buy(&who.client, offer.id.as_str(), &key("settle"), quantity).await).await;
        totals = Fen::from_fen(totals.fen() + placed.order.total.fen());
    }

    // Unpinning the first offer returns its 14 unsold units.
    let unpinned = live.unpin(&first.id).await;
    assert!(!unpinned.pinned);
    assert_eq!(unpinned.sold, 6);
    assert_eq!(available(STORE_A, &sku).await, 29 + 14);
    expect_problem(live.buy(&n2.client, first.id.as_str(), &key("late"), 1).await, 409, "offer_closed").await;

    // Ending closes the second offer and returns its 8 unsold units.
    let ended = live.change_status(LiveSessionStatus::Ended).await;
    assert_eq!(ended.status, LiveSessionStatus::Ended);
    assert!(ended.ended_at.is_some());
    expect_problem(live.buy(&n2.client, second.id.as_str(), &key("after-end"), 1).await, 409, "offer_closed").await;
    assert_eq!(available(STORE_A, &sku).await, 29 + 14 + 8);
    let detail = live.detail(&n1.client).await;
    assert_eq!(detail.room.session.status, LiveSessionStatus::Ended);
    assert!(detail.room.offers.iter().all(|o| !o.pinned), "every offer closed");

    let summary = live.summary().await;
    let (flash1, ret1, flash2) = (first.flash_price.fen(), first.returning_price.unwrap().fen(), second.flash_price.fen());
    let rows: Vec<(String, u32, u32, u32, i64)> =
        summary.offers.iter().map(|o| (o.offer_id.to_string(), o.allotted, o.units, o.orders, o.gmv.fen())).collect();
    assert_eq!(
        rows,
        [(first.id.to_string(), 20, 6, 3, 2 * ret1 + 4 * flash1), (second.id.to_string(), 10, 2, 1, 2 * flash2)],
        "units and GMV per offer"
    );
    assert_eq!((summary.orders, summary.units, summary.gmv), (4, 8, totals), "totals match the orders' totals");
    assert_eq!(summary.distinct_buyers, 3);
    assert_eq!(summary.returning_orders, 1, "one order by a returning customer");
    assert_eq!(summary.returning_share, BasisPoints::ratio(1, 4));
    // The summary is the owner's.
    expect_problem(n1.client.get(live.path("/summary")).send().await.unwrap(), 403, "not_store_owner").await;
}

/// A resident's comment reaches other viewers; a KOC's carries the badge; a signed-out
/// viewer's comment is refused on its own socket, which keeps working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_reach_viewers_with_the_koc_badge() {
    let live = Live::on_air().await;
    let talker = resident(STORE_A, "王小明", "G1").await;
    let koc = resident(STORE_A, "李阿姨", "G2").await;
    let speaker = Viewer::joined(&live.id, Some(&talker.cookie)).await;
    let koc_viewer = Viewer::joined(&live.id, Some(&koc.cookie)).await;
    let audience = Viewer::joined(&live.id, None).await;
    let comments = |v: &Viewer| -> Vec<(String, String, bool)> {
        let seen = v.seen();
        seen.room
            .as_ref()
            .map(|room| room.comments.iter().map(|c| (c.author.clone(), c.text.clone(), c.is_koc)).collect())
            .unwrap_or_default()
    };

    speaker.send(&ClientMessage::Comment { text: "  白菜还有吗？ ".into() });
    audience.wait_for("the resident's comment", |s| s.room.as_ref().is_some_and(|r| !r.comments.is_empty())).await;
    assert_eq!(comments(&audience), [("王**".to_string(), "白菜还有吗？".to_string(), false)]);

    // The owner makes 李阿姨 a KOC while she is already in the room.
    let resp = set_koc(&live.owner, koc.me.person_id.as_str(), true).await;
    let summary: Value = json_of(resp).await;
    assert_eq!(summary["is_koc"], true);
    koc_viewer.send(&ClientMessage::Comment { text: "这家的白菜很新鲜".into() });
    audience.wait_for("the KOC's comment", |s| s.room.as_ref().is_some_and(|r| r.comments.len() == 2)).await;
    assert_eq!(comments(&audience)[1], ("李**".to_string(), "这家的白菜很新鲜".to_string(), true));

    // Signed out: refused on that socket only, which keeps receiving.
    audience.send(&ClientMessage::Comment { text: "我也想说".into() });
    audience.wait_for("the unauthenticated error frame", |s| !s.problems.is_empty()).await;
    {
        let seen = audience.seen();
        assert_eq!((seen.problems[0].code.as_str(), seen.problems[0].status), ("unauthenticated", 401));
        assert!(!seen.closed, "the socket stays open");
    }
    speaker.send(&ClientMessage::Comment { text: "谢谢".into() });
    audience.wait_for("a later comment", |s| s.room.as_ref().is_some_and(|r| r.comments.len() == 3)).await;
    speaker.wait_for("its own three comments' worth", |s| s.room.as_ref().is_some_and(|r| r.comments.len() == 3)).await;
    assert_eq!(comments(&speaker), comments(&audience), "every viewer sees the same comments");
    assert!(speaker.seen().problems.is_empty());
}

/// A buy whose room stopped right after holding the unit (the test edge's fault header):
/// after its grace the room's alarm voids the order id and gives the unit back to the
/// offer; the spent key is refused, the unit sells again, and only the real order ever
/// shows in the 接龙 list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stranded_live_hold_is_swept_back_into_the_offer() {
    let OnAir { live, offer, .. } = live(STRANDED_PRODUCT, 10, &OfferTerms::open_now(1)).await;
    let viewer = Viewer::joined(&live.id, None).await;
    let (a, b) = (resident(STORE_A, "掉线的", "S1").await, resident(STORE_A, "邻居", "S2").await);
    let key_a = key("stranded");
    let abandoned = a
        .client
        .post(live.path(&format!("/offers/{}/orders", offer.id)))
        .header("Idempotency-Key", &key_a)
        .header("X-Linli-Fault", "abandon-after-reserve")
        .json(&json!({ "quantity": 1 }))
        .send()
        .await
        .unwrap();
    expect_problem(abandoned, 500, "internal_error").await;
    expect_problem(live.buy(&b.client, offer.id.as_str(), &key("held"), 1).await, 409, "sold_out").await;

    // The hold's grace is one second under the fault; the sweep runs right after.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    expect_problem(live.buy(&a.client, offer.id.as_str(), &key_a, 1).await, 503, "order_timed_out").await;
    assert_eq!(live.buy(&b.client, offer.id.as_str(), &key("freed"), 1).await.status(), StatusCode::CREATED);
    viewer.wait_for_chain(1).await;
    settle().await;
    {
        let seen = viewer.seen();
        assert_eq!(seen.chain_seqs(), vec![1], "only the real order made a line");
        assert_eq!(seen.room.as_ref().map(|r| r.offers[0].sold), Some(1));
    }
    let list: OrderList = json_of(a.client.get(url("/api/v1/orders")).send().await.unwrap()).await;
    assert!(list.orders.is_empty(), "the stranded order never appears");
}

/// Cancelling a live order gives its units back: to the offer while it is open (every
/// viewer sees the new count; the shelf is untouched), to the shelf once the offer is
/// closed. A second cancel changes nothing, and the summary leaves cancelled orders out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_live_orders_return_their_units() {
    let OnAir { live, offer, sku } = live(CANCEL_PRODUCT, 20, &OfferTerms::open_now(10)).await;
    assert_eq!(available(STORE_A, &sku).await, 10);
    let viewer = Viewer::joined(&live.id, None).await;
    let buyer = resident(STORE_A, "改主意", "C1").await;
    let first: PlaceOrderResponse = json_of(live.buy(&buyer.client, offer.id.as_str(), &key("keep"), 3).await).await;
    let second: PlaceOrderResponse = json_of(live.buy(&buyer.client, offer.id.as_str(), &key("drop"), 2).await).await;
    let sold = |n: u32| move |s: &Seen| s.room.as_ref().is_some_and(|r| r.offers[0].sold == n);
    viewer.wait_for("5 sold", sold(5)).await;
    let cancel = |id: String| buyer.client.post(url(&format!("/api/v1/orders/{id}/cancellation"))).send();

    assert_eq!(cancel(first.order.id.to_string()).await.unwrap().status(), StatusCode::OK);
    viewer.wait_for("3 given back to the offer", sold(2)).await;
    assert_eq!(available(STORE_A, &sku).await, 10, "the shelf is untouched while the offer is open");

    live.unpin(&offer.id).await;
    assert_eq!(available(STORE_A, &sku).await, 18, "the 8 unsold went back at unpin");
    assert_eq!(cancel(second.order.id.to_string()).await.unwrap().status(), StatusCode::OK);
    assert_eq!(available(STORE_A, &sku).await, 20, "a closed offer's cancelled units go to the shelf");
    expect_problem(cancel(second.order.id.to_string()).await.unwrap(), 409, "not_cancellable").await;
    assert_eq!(available(STORE_A, &sku).await, 20, "nothing given back twice");

    let summary = live.summary().await;
    assert_eq!((summary.orders, summary.units, summary.gmv), (0, 0, Fen::ZERO));
    // Cancelled orders are not what the buyer holds in this live.
    assert!(live.detail(&buyer.client).await.viewer.bought.is_empty());
}

/// A store has hundreds of residents (the demo history alone, 200): the owner finds one
/// by nickname, building or the phone's last digits, whatever their loyalty.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_owner_finds_a_resident_among_hundreds() {
    let nickname = format!("找得到{}", &unique_phone()[7..]);
    let newcomer = resident(STORE_A, &nickname, "23栋").await;
    let owner = owner(OWNER_A_PHONE).await;
    let list = |q: String| {
        let owner = owner.clone();
        async move { owner.get(url(&format!("/api/v1/stores/{STORE_A}/residents"))).query(&[("q", q)]).send().await.unwrap() }
    };
    let everyone: serde_json::Value = json_of(list(String::new()).await).await;
    assert_eq!(everyone["residents"].as_array().unwrap().len(), 200, "the list stops at 200");
    for q in [nickname.clone(), newcomer.phone[7..].to_string()] {
        let found: serde_json::Value = json_of(list(q.clone()).await).await;
        let ids: Vec<&str> = found["residents"].as_array().unwrap().iter().map(|r| r["person_id"].as_str().unwrap()).collect();
        assert!(ids.contains(&newcomer.me.person_id.as_str()), "{q}: {found}");
    }
    let building: serde_json::Value = json_of(list("23栋".into()).await).await;
    assert!(building["residents"].as_array().unwrap().iter().all(|r| r["building"] == "23栋"));
    expect_problem(list("楼".repeat(31)).await, 422, "query_too_long").await;
}

/// 150 residents tap at the same instant (a barrier) for 130 units, 20 of them twice with
/// one key: the room writes such a rush in groups, and still exactly 130 orders are
/// created, each buyer's answers agree with each other and with her orders, and a
/// neighbour watching gets 130 lines once each, in order, one per accepted buyer.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rush_of_many_residents_at_one_instant_is_written_in_groups_exactly() {
    const UNITS: usize = 130;
    const TWICE: usize = 20;
    let OnAir { live, offer, .. } = live(RUSH_PRODUCT, 150, &OfferTerms::open_now(UNITS as u32)).await;
    let neighbour = resident(STORE_A, "围观抢购", "W1").await;
    let viewer = Viewer::joined(&live.id, Some(&neighbour.cookie)).await;
    let buyers = residents(150, "齐抢", "Q").await;

    let taps: Vec<(usize, String)> =
        (0..buyers.len()).map(|n| (n, key(&format!("rush-{n}")))).chain((0..TWICE).map(|n| (n, String::new()))).collect();
    let keys: Vec<String> = taps.iter().filter(|(_, k)| !k.is_empty()).map(|(_, k)| k.clone()).collect();
    let live = std::sync::Arc::new(live);
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(taps.len()));
    let tasks: Vec<_> = taps
        .iter()
        .map(|(n, k)| {
            let (live, barrier, client) = (live.clone(), barrier.clone(), buyers[*n].client.clone());
            let (offer, key, n) = (offer.id.to_string(), if k.is_empty() { keys[*n].clone() } else { k.clone() }, *n);
            tokio::spawn(async move {
                let request = live.buy_request(&client, &offer, &key, 1);
                barrier.wait().await;
                let resp = request.send().await.expect("live buy");
                (n, resp.status(), resp.json::<Value>().await.expect("answer json"))
            })
        })
        .collect();
    let mut answers: BTreeMap<usize, Vec<(StatusCode, Value)>> = BTreeMap::new();
    for task in join_all(tasks).await {
        let (n, status, body) = task.expect("buyer task");
        answers.entry(n).or_default().push((status, body));
    }

    let (mut created, mut accepted) = (0, BTreeMap::new());
    for (n, answers) in &answers {
        let orders: BTreeSet<String> = answers
            .iter()
            .filter_map(|(status, body)| match *status {
                StatusCode::CREATED | StatusCode::OK => Some(body["order"]["id"].as_str().expect("an order id").to_owned()),
                StatusCode::CONFLICT => {
                    assert_eq!(body["code"], "sold_out", "buyer {n}: {body}");
                    None
                }
                other => panic!("buyer {n}: unexpected {other}: {body}"),
            })
            .collect();
        created += answers.iter().filter(|(status, _)| *status == StatusCode::CREATED).count();
        assert!(orders.len() <= 1, "buyer {n}'s answers name one order at most: {answers:?}");
        if let Some(order) = orders.into_iter().next() {
            accepted.insert(*n, order);
        }
    }
    println!("live rush: {created} created, {} buyers accepted", accepted.len());
    assert_eq!(created, UNITS, "exactly the allotment is sold, each order created once");
    assert_eq!(accepted.len(), UNITS);
    let detail = live.detail(&neighbour.client).await;
    assert_eq!((detail.room.offers[0].sold as usize, detail.room.chain_total as usize), (UNITS, UNITS));

    viewer.wait_for_chain(UNITS).await;
    settle().await;
    let (received, lines): (Vec<u64>, BTreeSet<(String, String)>) = {
        let seen = viewer.seen();
        let lines = seen.chain.iter().map(|a| (a.entry.buyer_display.clone(), a.entry.building.clone())).collect();
        (seen.chain_received.clone(), lines)
    };
    assert_eq!(received, (1..=UNITS as u64).collect::<Vec<u64>>(), "each line once, in order");
    let expected: BTreeSet<(String, String)> = accepted.keys().map(|n| display(&buyers[*n])).collect();
    assert_eq!(lines, expected, "one line per accepted buyer, and none for the others");

    for (n, buyer) in buyers.iter().enumerate() {
        let list: OrderList = json_of(buyer.client.get(url("/api/v1/orders")).send().await.unwrap()).await;
        let listed: Vec<String> = list.orders.iter().map(|o| o.id.to_string()).collect();
        assert_eq!(listed, accepted.get(&n).cloned().into_iter().collect::<Vec<_>>(), "buyer {n}'s orders match her answers");
    }
}

/// 立即抢购 over the room's socket, as the live page buys once its socket is open: the
/// same order, idempotency, cap and sign-in rules as a buy over HTTP, each answer under
/// its key, and the 接龙 line for every viewer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buy_over_the_socket_is_the_same_buy_as_over_http() {
    let capped = OfferTerms { per_buyer_cap: Some(3), ..OfferTerms::open_now(20) };
    let OnAir { live, offer, .. } = live(SOCKET_BUY_PRODUCT, 30, &capped).await;
    let buyer = resident(STORE_A, "掌上抢", "S1").await;
    let watching = Viewer::joined(&live.id, None).await;
    let socket = Viewer::joined(&live.id, Some(&buyer.cookie)).await;
    let first = key("socket");

    let order = socket.buy(&offer.id, &first, 2).await.expect("bought over the socket");
    assert_eq!((order.item_count(), order.pickup_code.as_ref().map(String::len)), (2, Some(6)));
    watching.wait_for_chain(1).await;
    assert_eq!(watching.seen().chain[0].entry.buyer_display, mask_name(&buyer.me.nickname));
    // The same key again, over the socket and over HTTP: the same order, replayed.
    assert_eq!(socket.buy(&offer.id, &first, 2).await.expect("replayed").id, order.id);
    let replayed: PlaceOrderResponse = json_of(live.buy(&buyer.client, offer.id.as_str(), &first, 2).await).await;
    assert!(replayed.replayed);
    assert_eq!(replayed.order.id, order.id);
    // The same key for another quantity, over the cap, an unknown offer, a bad key.
    let refused = |code: &'static str, status: u16| {
        move |answer: Result<OrderBrief, Problem>| {
            let problem = answer.expect_err(code);
            assert_eq!((problem.code.as_str(), problem.status), (code, status));
        }
    };
    refused("idempotency_key_reused", 409)(socket.buy(&offer.id, &first, 1).await);
    refused("cap_exceeded", 409)(socket.buy(&offer.id, &key("socket-cap"), 2).await);
    refused("offer_not_found", 404)(socket.buy(&OfferId::parse("f-0000000000000000").unwrap(), &key("socket-unknown"), 1).await);
    refused("invalid_idempotency_key", 400)(socket.buy(&offer.id, "", 1).await);
    refused("quantity_out_of_range", 422)(socket.buy(&offer.id, &key("socket-zero"), 0).await);
    // A visitor, the store's owner, and a resident who signed out after connecting.
    let visitor = Viewer::joined(&live.id, None).await;
    refused("unauthenticated", 401)(visitor.buy(&offer.id, &key("socket-visitor"), 1).await);
    let (_, owner_cookie) = e2e_tests::owner_session(OWNER_A_PHONE).await;
    let owner_socket = Viewer::joined(&live.id, Some(&owner_cookie)).await;
    refused("residents_only", 403)(owner_socket.buy(&offer.id, &key("socket-owner"), 1).await);
    let leaving = resident(STORE_A, "先走了", "S2").await;
    let left = Viewer::joined(&live.id, Some(&leaving.cookie)).await;
    assert!(leaving.client.delete(url("/api/v1/sessions/current")).send().await.unwrap().status().is_success());
    refused("unauthenticated", 401)(left.buy(&offer.id, &key("socket-signed-out"), 1).await);

    // One more within the cap; every refusal took nothing.
    let second = socket.buy(&offer.id, &key("socket-2"), 1).await.expect("the cap's last unit");
    watching.wait_for_chain(2).await;
    settle().await;
    assert_eq!(watching.seen().chain_received, [1, 2]);
    let detail = live.detail(&buyer.client).await;
    assert_eq!((detail.room.offers[0].sold, detail.viewer.bought_from(&offer.id)), (3, 3));
    let list: OrderList = json_of(buyer.client.get(url("/api/v1/orders")).send().await.unwrap()).await;
    let mut ids: Vec<String> = list.orders.iter().map(|o| o.id.to_string()).collect();
    ids.sort();
    let mut bought = vec![order.id.to_string(), second.id.to_string()];
    bought.sort();
    assert_eq!(ids, bought);
    assert!(socket.seen().problems.is_empty(), "a refused buy is answered under its key, not as an error frame");
}
