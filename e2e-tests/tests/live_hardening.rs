//! The live room's socket against hostile and unlucky clients: frames too big, floods of
//! junk, of `hello`s and of comments, too many sockets, another site's page; who sees the
//! buyers' buildings; and viewers that reconnect while buys go on, who must get exactly
//! what they missed. A normal viewer is served as usual all the while.

use e2e_tests::{
    live::{live, open_socket, OfferTerms, OnAir, Seen, Viewer},
    resident, unique_phone, Resident, STORE_A, STORE_B,
};
use futures::{future::join_all, stream, StreamExt};
use reqwest::StatusCode;
use shared_model::{
    live::{ClientMessage, MAX_CLIENT_MESSAGE_BYTES},
    throttle::{MAX_ANONYMOUS_SOCKETS_PER_ADDRESS, MAX_SOCKETS_PER_PERSON},
};
use std::{
    cell::Cell,
    time::{Duration, Instant},
};

// Store A's products by id, one per test (live.rs takes 40..=47).
const PRIVACY_PRODUCT: usize = 48;
const RESUME_PRODUCT: usize = 49;
const HOSTILE_PRODUCT: usize = 50;

fn key(tag: &str) -> String {
    format!("{tag}-{}", unique_phone())
}

async fn residents(n: usize, nickname: &str, building: &str) -> Vec<Resident> {
    stream::iter(0..n)
        .map(|i| async move { resident(STORE_A, &format!("{nickname}{i}"), building).await })
        .buffered(8)
        .collect()
        .await
}

/// Neighbours signed in to the store see who bought and their building; anyone else (not
/// signed in, or another store's resident) sees the masked name alone, live and on reload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_shows_buildings_only_to_neighbours() {
    let OnAir { live, offer, .. } = live(PRIVACY_PRODUCT, 20, &OfferTerms::open_now(10)).await;
    let neighbour = resident(STORE_A, "邻居甲", "7栋").await;
    let stranger = resident(STORE_B, "外店乙", "9栋").await;
    let buyer = resident(STORE_A, "买家丙", "12幢").await;
    let viewers = [
        Viewer::joined(&live.id, Some(&neighbour.cookie)).await,
        Viewer::joined(&live.id, None).await,
        Viewer::joined(&live.id, Some(&stranger.cookie)).await,
    ];
    assert_eq!(live.buy(&buyer.client, offer.id.as_str(), &key("privacy"), 1).await.status(), StatusCode::CREATED);
    join_all(viewers.iter().map(|v| v.wait_for_chain(1))).await;
    let buildings: Vec<String> = viewers.iter().map(|v| v.seen().chain[0].entry.building.clone()).collect();
    assert_eq!(buildings, ["12幢", "", ""]);
    assert!(viewers.iter().all(|v| v.seen().chain[0].entry.buyer_display == "买**"));
    // The same on a reload (the page's first paint) and for a late joiner's snapshot.
    assert_eq!(live.detail(&neighbour.client).await.room.chain[0].building, "12幢");
    assert_eq!(live.detail(&stranger.client).await.room.chain[0].building, "");
    assert_eq!(live.detail(&e2e_tests::client()).await.room.chain[0].building, "");
    let late = Viewer::joined(&live.id, None).await;
    assert_eq!(late.seen().room.as_ref().unwrap().chain[0].building, "");
}

/// Forty reconnects while buys go on at about ten a second: each resumed viewer gets the
/// events it missed, in order, with no duplicate and nothing newer ahead of them.
const RESUME_BUYS: usize = 200;
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn resumed_viewers_get_exactly_what_they_missed() {
    let OnAir { live, offer, .. } = live(RESUME_PRODUCT, 200, &OfferTerms::open_now(RESUME_BUYS as u32)).await;
    let buyers = residents(20, "续看", "R栋").await;
    let mut roamer = Viewer::joined(&live.id, None).await;
    let buying = async {
        for i in 0..RESUME_BUYS {
            let started = Instant::now();
            let resp = live.buy(&buyers[i % buyers.len()].client, offer.id.as_str(), &key("exact"), 1).await;
            assert_eq!(resp.status(), StatusCode::CREATED);
            tokio::time::sleep(Duration::from_millis(100).saturating_sub(started.elapsed())).await;
        }
    };
    let reconnecting = async {
        let mut cycles = Vec::new();
        for cycle in 0..40 {
            roamer.disconnect().await;
            let held = roamer.seen().room.as_ref().unwrap().last_seq;
            tokio::time::sleep(Duration::from_millis(50 + (cycle % 5) * 40)).await;
            roamer.reconnect().await;
            // The answer, then the broadcasts: numbers run on from what it held.
            roamer.wait_for("events after reconnecting", |s| !s.since_connect.is_empty()).await;
            tokio::time::sleep(Duration::from_millis(150)).await;
            let seen = roamer.seen();
            let expected: Vec<u64> = (held + 1..).take(seen.since_connect.len()).collect();
            cycles.push((held, seen.since_connect.clone() == expected, seen.since_connect.clone()));
        }
        cycles
    };
    let ((), cycles) = tokio::join!(buying, reconnecting);
    let steady = Viewer::joined(&live.id, None).await;
    roamer.wait_for_chain(RESUME_BUYS).await;
    let seen: std::sync::MutexGuard<'_, Seen> = roamer.seen();
    let exact = cycles.iter().filter(|(_, exact, _)| *exact).count();
    println!("40 reconnects under ~10 buys/s: {exact} exact, {} duplicates, {} early", seen.duplicates, seen.early_events);
    for (held, exact, received) in &cycles {
        assert!(exact, "after holding {held} it received {received:?}");
    }
    assert_eq!((seen.duplicates, seen.early_events, seen.resyncs, seen.snapshots), (0, 0, 0, 1));
    assert_eq!(seen.chain_seqs(), (1..=RESUME_BUYS as u64).collect::<Vec<u64>>());
    assert_eq!(seen.room.as_ref().unwrap().last_seq, steady.seen().room.as_ref().unwrap().last_seq);
}

/// Hostile sockets are cut off (a frame too big, junk, a flood of `hello`s), comments are
/// rate-limited per person and never push buys out of what a viewer resumes from, sockets
/// are counted per person and per address, another site's page cannot connect, and text
/// with direction overrides or nothing visible is refused. A normal viewer is served as
/// usual throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hostile_sockets_are_cut_off_and_a_normal_viewer_is_still_served() {
    let OnAir { live, offer, .. } = live(HOSTILE_PRODUCT, 100, &OfferTerms::open_now(100)).await;
    let normal_person = resident(STORE_A, "正常", "1栋").await;
    let normal = Viewer::joined(&live.id, Some(&normal_person.cookie)).await;
    let buyer = resident(STORE_A, "下单", "2栋").await;
    let lines = Cell::new(0);
    let buy_and_time = async |what: &str| {
        let started = Instant::now();
        let resp = live.buy(&buyer.client, offer.id.as_str(), &key("hostile"), 1).await;
        assert_eq!(resp.status(), StatusCode::CREATED, "{what}");
        lines.set(lines.get() + 1);
        normal.wait_for_chain(lines.get()).await;
        let took = started.elapsed();
        println!("a buy reached the normal viewer in {took:?} ({what})");
        // Served, not starved: how fast is the bench's to say (the time printed above
        // swings with the machine: 0.4 s quiet, 2.4-3.5 s in fresh-clone CI runs).
        assert!(took < Duration::from_secs(10), "{what}: {took:?}");
    };
    buy_and_time("before").await;

    // A frame over the limit is refused unread: the socket is closed with 1009.
    let big = Viewer::joined(&live.id, None).await;
    big.send_text(&"x".repeat(32 * MAX_CLIENT_MESSAGE_BYTES));
    big.wait_for("the close", |s| s.closed).await;
    assert_eq!(big.seen().close_code, Some(1009));

    // 2,000 one-byte junk frames: a budget of 30, then closed with 1008.
    let junk = Viewer::joined(&live.id, None).await;
    for _ in 0..2000 {
        junk.send_text("x");
    }
    buy_and_time("during a junk flood").await;
    junk.wait_for("the close", |s| s.closed).await;
    {
        let seen = junk.seen();
        println!("junk flood: {} error frames before the close", seen.problems.len());
        assert_eq!(seen.close_code, Some(1008));
        assert!(seen.problems.len() < 30, "{}", seen.problems.len());
    }

    // 200 `hello`s from one socket: two answered in 5 seconds, then it is closed.
    let greedy = Viewer::joined(&live.id, None).await;
    for _ in 0..200 {
        greedy.send(&ClientMessage::Hello { last_seen: None, last_comment: None });
    }
    buy_and_time("during a hello flood").await;
    greedy.wait_for("the close", |s| s.closed).await;
    {
        let seen = greedy.seen();
        println!("hello flood: {} snapshots, {} bytes, then closed", seen.snapshots, seen.bytes);
        assert!(seen.snapshots <= 3, "{}", seen.snapshots);
        assert!(seen.problems.iter().all(|p| p.code == "hello_too_soon"));
        assert_eq!(seen.close_code, Some(1008));
    }

    // Comments: five at once, then one a second, per person; the rest are told to wait.
    let chatty_person = resident(STORE_A, "话多", "3栋").await;
    let chatty = Viewer::joined(&live.id, Some(&chatty_person.cookie)).await;
    for i in 0..20 {
        chatty.send(&ClientMessage::Comment { text: format!("第{i}条") });
    }
    chatty.wait_for("the refusals", |s| s.problems.len() >= 15).await;
    normal.wait_for("five comments", |s| s.room.as_ref().is_some_and(|r| r.comments.len() >= 5)).await;
    {
        let seen = chatty.seen();
        assert!(seen.problems.iter().all(|p| p.code == "comment_too_fast" && p.status == 429), "{:?}", seen.problems);
        assert!(!seen.closed, "a chatty neighbour is slowed down, not cut off");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(normal.seen().room.as_ref().unwrap().comments.len(), 5);
    // Direction overrides and invisible-only text are refused.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for text in ["\u{202E}价降", "\u{200B}\u{200B}"] {
        chatty.send(&ClientMessage::Comment { text: text.into() });
    }
    chatty.wait_for("two invalid comments", |s| s.problems.iter().filter(|p| p.code == "invalid_comment").count() == 2).await;

    // A flood of comments from many neighbours does not push buys out of the log: a
    // viewer back after it gets the missed buys, not a snapshot.
    let mut returning = Viewer::joined(&live.id, Some(&normal_person.cookie)).await;
    returning.disconnect().await;
    let talkers = residents(12, "刷屏", "4栋").await;
    let talkers: Vec<Viewer> = join_all(talkers.iter().map(|t| Viewer::joined(&live.id, Some(&t.cookie)))).await;
    for t in &talkers {
        for i in 0..5 {
            t.send(&ClientMessage::Comment { text: format!("刷屏{i}") });
        }
    }
    normal.wait_for("sixty comments' worth", |s| s.room.as_ref().is_some_and(|r| r.comments.len() >= 50)).await;
    buy_and_time("after a comment flood").await;
    returning.reconnect().await;
    let all = lines.get() as u64;
    returning.wait_for("the missed buy", |s| s.room.as_ref().is_some_and(|r| r.chain_total == all)).await;
    returning.wait_for("the newest comments", |s| s.room.as_ref().is_some_and(|r| r.comments.len() == 50)).await;
    {
        let seen = returning.seen();
        assert_eq!(seen.snapshots, 1, "resumed from the log, not sent the whole room again");
        assert_eq!(seen.since_connect.len(), 2, "exactly the missed buy's line and stock change");
    }

    // Sockets: four per signed-in person, twenty per address for those not signed in.
    let holder = resident(STORE_A, "多屏", "5栋").await;
    let cookie = [("Cookie", holder.cookie.as_str())];
    let mut screens = Vec::new();
    for _ in 0..MAX_SOCKETS_PER_PERSON {
        screens.push(open_socket(&live.id, &cookie).await.expect("one of her screens"));
    }
    assert_eq!(open_socket(&live.id, &cookie).await.err(), Some(429), "one screen too many");
    let address = [("CF-Connecting-IP", "10.99.0.1")];
    let mut lan = Vec::new();
    for _ in 0..MAX_ANONYMOUS_SOCKETS_PER_ADDRESS {
        lan.push(open_socket(&live.id, &address).await.expect("a screen on the shared Wi-Fi"));
    }
    assert_eq!(open_socket(&live.id, &address).await.err(), Some(429), "one socket too many for the address");
    // Another site's page cannot open the socket with the visitor's cookie.
    let foreign = [("Cookie", holder.cookie.as_str()), ("Origin", "https://evil.example")];
    assert_eq!(open_socket(&live.id, &foreign).await.err(), Some(403));
    drop((screens, lan));
    buy_and_time("at the end").await;
}
