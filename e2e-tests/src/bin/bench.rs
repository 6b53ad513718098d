//! `scripts/bench`: order capture on one hot SKU against a real local edge, beside a bare
//! route on the same server, with the oversell check; the live room's delivery of 接龙
//! lines to many viewers, paced and in a flash sale's rush (200 residents at one instant);
//! 200 phones rushing the last seats of a tasting; 为你推荐 and
//! 凑单推荐 for one client, and building the stores' recommendation profiles; then the
//! shipped wasm sizes. `bench orders`, `bench live` (paced, then the rush), `bench rush`,
//! `bench tastings` or `bench recommendations` runs one part only. Settings come from the environment (see `Settings::from_env`).
//! Loopback only.

use e2e_tests::{
    build_profiles, households, join,
    live::{live, OfferTerms, Viewer},
    owner, pickup_point, place_order, product_ids, resident, round_trips, schedule_tasting, seed_token, set_stock, unique_phone,
    url, Resident, OWNER_A_PHONE, STORE_A,
};
use futures::{future::join_all, stream, StreamExt};
use reqwest::StatusCode;
use serde_json::Value;
use shared_model::LiveSessionId;
use std::{
    collections::BTreeMap,
    io::Write,
    path::Path,
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};
use tokio::sync::Barrier;

struct Settings {
    concurrency: usize,
    bare_requests: usize,
    stock: u32,
    orders: usize,
    buyers: usize,
    viewers: usize,
    live_units: u32,
    live_buyers: usize,
    rush_phones: usize,
    rush_seats: u32,
    flash_buyers: usize,
    buy_over: BuyOver,
}

/// How the flash rush's buyers buy (`BENCH_BUY_OVER`): over their socket on the room, as
/// the live page does once its socket is open (the default), or over HTTP, as it does
/// before.
#[derive(Clone, Copy)]
enum BuyOver {
    Socket,
    Http,
}

impl BuyOver {
    fn name(self) -> &'static str {
        match self {
            BuyOver::Socket => "each buyer's socket on the room",
            BuyOver::Http => "HTTP",
        }
    }
}

impl Settings {
    fn from_env() -> Self {
        let get = |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
        Self {
            concurrency: get("BENCH_CONCURRENCY", 32),
            bare_requests: get("BENCH_BARE_REQUESTS", 3000),
            stock: get("BENCH_STOCK", 1000) as u32,
            orders: get("BENCH_ORDERS", 1500),
            buyers: get("BENCH_BUYERS", 200),
            viewers: get("BENCH_VIEWERS", 1000),
            live_units: get("BENCH_LIVE_UNITS", 300) as u32,
            live_buyers: get("BENCH_LIVE_BUYERS", 8),
            rush_phones: get("BENCH_RUSH_PHONES", 200),
            rush_seats: get("BENCH_RUSH_SEATS", 20) as u32,
            flash_buyers: get("BENCH_FLASH_BUYERS", 200),
            buy_over: match std::env::var("BENCH_BUY_OVER").as_deref() {
                Ok("http") => BuyOver::Http,
                _ => BuyOver::Socket,
            },
        }
    }
}

/// Latencies of one run, sorted on demand.
struct Timings(Vec<Duration>);

impl Timings {
    fn percentile(&mut self, p: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        self.0.sort_unstable();
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0[rank.clamp(1, self.0.len()) - 1].as_secs_f64() * 1000.0
    }

    fn line(&mut self) -> String {
        format!("p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms", self.percentile(50.0), self.percentile(95.0), self.percentile(99.0))
    }
}

/// GET /api/v1/health, `requests` times at `concurrency`: requests per second and timings.
async fn bare_route(s: &Settings) -> (f64, Timings) {
    let client = reqwest::Client::builder().pool_max_idle_per_host(s.concurrency).build().expect("client");
    let started = Instant::now();
    let timings: Vec<Duration> = stream::iter(0..s.bare_requests)
        .map(|_| {
            let client = client.clone();
            async move {
                let t = Instant::now();
                let resp = client.get(url("/api/v1/health")).send().await.expect("health request");
                assert_eq!(resp.status(), StatusCode::OK);
                let _ = resp.bytes().await;
                t.elapsed()
            }
        })
        .buffer_unordered(s.concurrency)
        .collect()
        .await;
    (s.bare_requests as f64 / started.elapsed().as_secs_f64(), Timings(timings))
}

struct Capture {
    throughput: f64,
    accepted: Timings,
    refused: usize,
    all: Timings,
    /// Each accepted order's sequential storage round trips, as its answer reports them
    /// (an edge from before the report gives none).
    round_trips: Vec<u32>,
    sku: String,
    buyers: Vec<reqwest::Client>,
}

/// `orders` one-unit orders for one SKU holding `stock` units, from `buyers` residents.
async fn order_capture(s: &Settings) -> Capture {
    let sku = product_ids(STORE_A).await.into_iter().next().expect("a product");
    let owner = owner(OWNER_A_PHONE).await;
    set_stock(&owner, STORE_A, &sku, s.stock, None).await;
    let pickup = pickup_point(STORE_A).await;
    let buyers: Vec<reqwest::Client> = stream::iter(0..s.buyers)
        .map(|i| async move { join(STORE_A, &format!("压测{i}")).await })
        .buffer_unordered(16)
        .collect()
        .await;

    let run = std::process::id();
    let started = Instant::now();
    let answers: Vec<(StatusCode, Duration, Option<u32>)> = stream::iter(0..s.orders)
        .map(|i| {
            let buyer = &buyers[i % buyers.len()];
            let (sku, pickup) = (&sku, &pickup);
            async move {
                let t = Instant::now();
                let resp = place_order(buyer, &format!("bench-{run}-{i:06}"), pickup, &[(sku.as_str(), 1)]).await;
                let (status, trips) = (resp.status(), round_trips(&resp));
                let _ = resp.bytes().await;
                (status, t.elapsed(), trips)
            }
        })
        .buffer_unordered(s.concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let mut accepted = Vec::new();
    let mut round_trips = Vec::new();
    let mut refused = 0;
    for (status, took, trips) in &answers {
        match *status {
            StatusCode::CREATED => {
                accepted.push(*took);
                round_trips.extend(*trips);
            }
            StatusCode::CONFLICT => refused += 1,
            other => panic!("unexpected answer {other} to an order"),
        }
    }
    Capture {
        throughput: s.orders as f64 / elapsed.as_secs_f64(),
        accepted: Timings(accepted),
        refused,
        all: Timings(answers.iter().map(|(_, d, _)| *d).collect()),
        round_trips,
        sku,
        buyers,
    }
}

/// Units sold beyond the stock, counted three ways: answers, the SKU's count, and the
/// buyers' own order lists.
async fn oversell(s: &Settings, c: &Capture) -> i64 {
    let expected = (s.stock as usize).min(s.orders);
    let product: Value =
        reqwest::get(url(&format!("/api/v1/stores/{STORE_A}/products/{}", c.sku))).await.unwrap().json().await.unwrap();
    let available = product["available"].as_i64().expect("available");
    let mut listed = 0;
    for buyer in &c.buyers {
        let list: Value = buyer.get(url("/api/v1/orders")).send().await.unwrap().json().await.unwrap();
        listed += list["orders"].as_array().unwrap().iter().map(|o| o["item_count"].as_i64().unwrap()).sum::<i64>();
    }
    let accepted = c.accepted.0.len() as i64;
    println!("  accepted {accepted}, expected {expected}; units left {available}; units in buyers' orders {listed}");
    let sold = i64::from(s.stock) - available;
    (accepted - expected as i64).max(0) + (sold - expected as i64).max(0) + (listed - expected as i64).max(0)
}

/// Store A's product the live part sells (the order-capture part takes the first).
const LIVE_PRODUCT: usize = 1;

/// Store A's product the flash rush sells.
const RUSH_PRODUCT: usize = 2;

/// How long the live part waits for the last 接龙 lines to reach every viewer.
const DELIVERY_PATIENCE: Duration = Duration::from_secs(30);

/// The live room: `viewers` sockets held on one room, then `live_buyers` residents each
/// buying one unit at a time until the `live_units` allotted are gone. Every 接龙 line is
/// timed on every viewer. Returns whether every viewer got every line.
async fn live_delivery(s: &Settings) -> bool {
    let on_air = live(LIVE_PRODUCT, s.live_units, &OfferTerms::open_now(s.live_units)).await;
    println!(
        "live room: {} viewers on one room, {} units of {} bought one at a time by {} residents",
        s.viewers, s.live_units, on_air.sku, s.live_buyers
    );

    let viewers = connect_viewers(s.viewers, &on_air.live.id).await;
    let viewers: Vec<&Viewer> = viewers.iter().collect();

    // Each buyer's nickname starts with a character of its own, which the masked name in
    // a line keeps (the viewers are visitors, who see no buildings), so a line names its
    // buyer; a buyer's lines come in the order of their (sequential) requests.
    let buyers: Vec<Resident> = stream::iter(0..s.live_buyers)
        .map(|i| async move { resident(STORE_A, &format!("{}直播压测", buyer_mark(i)), &format!("L{i}")).await })
        .buffered(8)
        .collect()
        .await;
    let (live, offer) = (&on_air.live, on_air.offer.id.as_str());
    let run = unique_phone();
    let started = Instant::now();
    let sends: Vec<Vec<(Instant, Duration)>> = join_all(buyers.iter().enumerate().map(|(b, buyer)| {
        let run = &run;
        async move {
            let mut accepted = Vec::new();
            for n in 0.. {
                let sent = Instant::now();
                let resp = live.buy(&buyer.client, offer, &format!("live-bench-{run}-{b}-{n}"), 1).await;
                match resp.status() {
                    StatusCode::CREATED => accepted.push((sent, sent.elapsed())),
                    StatusCode::CONFLICT => {
                        let body: Value = resp.json().await.unwrap_or_default();
                        assert_eq!(body["code"], "sold_out", "unexpected refusal {body}");
                        break;
                    }
                    other => panic!("unexpected answer {other} to a live buy: {}", resp.text().await.unwrap_or_default()),
                }
            }
            accepted
        }
    }))
    .await;
    let buying_time = started.elapsed();
    let bought: usize = sends.iter().map(Vec::len).sum();
    let mut answers = Timings(sends.iter().flatten().map(|(_, took)| *took).collect());
    println!(
        "  buys: {bought} accepted in {:.2} s ({:.0}/s); answer latency {}",
        buying_time.as_secs_f64(),
        bought as f64 / buying_time.as_secs_f64(),
        answers.line()
    );

    await_lines(&viewers, bought).await;
    let sent_at: Vec<Vec<Instant>> = sends.iter().map(|b| b.iter().map(|(sent, _)| *sent).collect()).collect();
    let mut d = Delivery::of(&viewers, bought, &sent_at);
    println!(
        "  lines per viewer: min {}, max {} of {bought}; viewers with all {bought} in order: {} of {}; \
         lines received twice: {}; frames per viewer: {:.0}",
        d.min_got,
        d.max_got,
        d.complete,
        viewers.len(),
        d.extra,
        d.frames as f64 / viewers.len().max(1) as f64
    );
    d.print();
    let (accept, complete) = (&mut d.from_accept, d.complete);
    let p95 = accept.percentile(95.0);
    println!("  goal: p95 from acceptance <= 250 ms per (line, viewer): {}", if p95 <= 250.0 { "met" } else { "NOT met" });
    println!("  (client and edge share this machine; arrival is stamped when the viewer's task reads the frame)");
    !viewers.is_empty() && complete == viewers.len() && viewers.len() == s.viewers
}

/// `count` visitors on `live`'s socket, each with the room's snapshot.
async fn connect_viewers(count: usize, live: &LiveSessionId) -> Vec<Viewer> {
    let started = Instant::now();
    let connected: Vec<Result<Viewer, String>> =
        stream::iter(0..count).map(|_| Viewer::try_joined(live, None)).buffer_unordered(64).collect().await;
    let connect_time = started.elapsed();
    let failures: Vec<String> = connected.iter().filter_map(|v| v.as_ref().err().cloned()).collect();
    let viewers: Vec<Viewer> = connected.into_iter().filter_map(Result::ok).collect();
    println!("  viewers connected: {} of {} in {:.2} s (snapshot received)", viewers.len(), count, connect_time.as_secs_f64());
    if let Some(first) = failures.first() {
        println!("  {} viewers failed to connect, e.g. {first}", failures.len());
    }
    viewers
}

/// Waits until every viewer holds `bought` 接龙 lines (or [`DELIVERY_PATIENCE`] passed),
/// and a little more for anything sent twice.
async fn await_lines(viewers: &[&Viewer], bought: usize) {
    let deadline = Instant::now() + DELIVERY_PATIENCE;
    while viewers.iter().any(|v| v.seen().chain.len() < bought) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// How the 接龙 lines of a run reached the viewers. Lines name their buyer by the first
/// character of the masked name ([`buyer_mark`]); buyer `b`'s n-th line answers the n-th
/// request in `sent_at[b]`.
struct Delivery {
    /// Viewers that hold exactly lines 1..=bought, in order.
    complete: usize,
    min_got: usize,
    max_got: usize,
    /// Lines received beyond the ones folded in (duplicates).
    extra: usize,
    /// Frames per viewer, all kinds.
    frames: usize,
    /// Lines per frame that carried any (a frame is told apart by its arrival instant).
    lines_per_frame: Timings,
    from_accept: Timings,
    from_send: Timings,
    every_accept: Timings,
    every_send: Timings,
}

impl Delivery {
    fn of(viewers: &[&Viewer], bought: usize, sent_at: &[Vec<Instant>]) -> Self {
        let buyer_of: BTreeMap<char, usize> = (0..sent_at.len()).map(|b| (buyer_mark(b), b)).collect();
        let (mut from_accept, mut from_send, mut per_frame) = (Vec::new(), Vec::new(), Vec::new());
        let (mut slowest_accept, mut slowest_send) = (BTreeMap::<u64, Duration>::new(), BTreeMap::<u64, Duration>::new());
        let (mut complete, mut min_got, mut max_got, mut extra, mut frames) = (0, usize::MAX, 0, 0, 0);
        for viewer in viewers {
            let seen = viewer.seen();
            let got = seen.chain.len();
            complete += usize::from(got == bought && seen.chain_seqs().iter().copied().eq(1..=bought as u64));
            (min_got, max_got) = (min_got.min(got), max_got.max(got));
            extra += seen.chain_received.len().saturating_sub(got);
            frames += seen.frames;
            let mut nth_of_buyer = vec![0usize; sent_at.len()];
            let mut frame: Option<(Instant, u64)> = None;
            for arrival in &seen.chain {
                match &mut frame {
                    Some((at, lines)) if *at == arrival.at => *lines += 1,
                    _ => {
                        per_frame.extend(frame.map(|(_, lines)| Duration::from_millis(lines)));
                        frame = Some((arrival.at, 1));
                    }
                }
                let accepted_at = SystemTime::from(arrival.entry.at);
                let after_accept = arrival.wall.duration_since(accepted_at).unwrap_or_default();
                from_accept.push(after_accept);
                let slowest = slowest_accept.entry(arrival.entry.seq).or_default();
                *slowest = (*slowest).max(after_accept);
                if let Some(&b) = arrival.entry.buyer_display.chars().next().and_then(|c| buyer_of.get(&c)) {
                    if let Some(sent) = sent_at[b].get(nth_of_buyer[b]) {
                        let after_send = arrival.at.duration_since(*sent);
                        from_send.push(after_send);
                        let slowest = slowest_send.entry(arrival.entry.seq).or_default();
                        *slowest = (*slowest).max(after_send);
                    }
                    nth_of_buyer[b] += 1;
                }
            }
            per_frame.extend(frame.map(|(_, lines)| Duration::from_millis(lines)));
        }
        Delivery {
            complete,
            min_got: if viewers.is_empty() { 0 } else { min_got },
            max_got,
            extra,
            frames,
            lines_per_frame: Timings(per_frame),
            from_accept: Timings(from_accept),
            from_send: Timings(from_send),
            every_accept: Timings(slowest_accept.into_values().collect()),
            every_send: Timings(slowest_send.into_values().collect()),
        }
    }

    fn print(&mut self) {
        println!("  delivery of one line to one viewer, per (line, viewer):");
        println!("    from acceptance (the line's `at`, server clock) to arrival: {}", self.from_accept.line());
        println!("    from the buyer's request send to arrival:                 {}", self.from_send.line());
        println!("  delivery of one line to every viewer (the slowest viewer, per line):");
        println!("    from acceptance (the line's `at`, server clock) to arrival: {}", self.every_accept.line());
        println!("    from the buyer's request send to arrival:                 {}", self.every_send.line());
    }
}

/// A buy's answer: when it was sent, how long it took, and whether it was accepted (else why not).
type Answer = (Instant, Duration, Result<(), String>);

/// A flash sale's first second: `flash_buyers` residents tap 立即抢购 for one unit each at
/// the same instant (a barrier), with `viewers` watching. Prints the answers, the lines
/// per frame and each line's delivery; whether every buy was accepted and every viewer
/// got every line once, in order.
async fn flash_rush(s: &Settings) -> bool {
    let units = s.flash_buyers as u32 * 2;
    let on_air = live(RUSH_PRODUCT, units, &OfferTerms::open_now(units)).await;
    println!(
        "flash rush: {} residents buy one unit of {} each at the same instant, {} viewers",
        s.flash_buyers, on_air.sku, s.viewers
    );
    // Over sockets, the buyers watch too: their sockets are 200 of the viewers.
    let visitors = match s.buy_over {
        BuyOver::Socket => s.viewers.saturating_sub(s.flash_buyers),
        BuyOver::Http => s.viewers,
    };
    let visitors = connect_viewers(visitors, &on_air.live.id).await;
    let buyers: Vec<Resident> = stream::iter(0..s.flash_buyers)
        .map(|i| async move { resident(STORE_A, &format!("{}抢购压测", buyer_mark(i)), &format!("R{i}")).await })
        .buffered(16)
        .collect()
        .await;
    let run = unique_phone();
    let barrier = Arc::new(Barrier::new(buyers.len() + 1));
    // Each task waits at the barrier with its buy ready, then sends it: over the buyer's
    // own socket on the room (as the live page buys once its socket is open), or over HTTP.
    let mut buyer_sockets: Vec<Arc<Viewer>> = Vec::new();
    let tasks: Vec<tokio::task::JoinHandle<Answer>> = match s.buy_over {
        BuyOver::Socket => {
            let sockets: Vec<Result<Viewer, String>> = stream::iter(&buyers)
                .map(|buyer| Viewer::try_joined(&on_air.live.id, Some(&buyer.cookie)))
                .buffered(64)
                .collect()
                .await;
            buyer_sockets = sockets.into_iter().map(|s| s.map(Arc::new)).collect::<Result<_, _>>().expect("every buyer's socket");
            buyer_sockets
                .iter()
                .enumerate()
                .map(|(b, socket)| {
                    let (barrier, offer, key) = (barrier.clone(), on_air.offer.id.clone(), format!("rush-bench-{run}-{b}"));
                    let socket = socket.clone();
                    tokio::spawn(async move {
                        barrier.wait().await;
                        let sent = Instant::now();
                        socket.send_buy(&offer, &key, 1);
                        let (arrived, answer) = socket.buy_answer(&key).await;
                        (sent, arrived - sent, answer.map(drop).map_err(|p| format!("{} {}", p.status, p.code)))
                    })
                })
                .collect()
        }
        BuyOver::Http => {
            let (live, offer) = (Arc::new(on_air.live), on_air.offer.id.to_string());
            buyers
                .iter()
                .enumerate()
                .map(|(b, buyer)| {
                    let (live, barrier, client) = (live.clone(), barrier.clone(), buyer.client.clone());
                    let (offer, key) = (offer.clone(), format!("rush-bench-{run}-{b}"));
                    tokio::spawn(async move {
                        let request = live.buy_request(&client, &offer, &key, 1);
                        barrier.wait().await;
                        let sent = Instant::now();
                        let resp = request.send().await.expect("live buy request");
                        let status = resp.status();
                        let body = resp.text().await.unwrap_or_default();
                        let took = sent.elapsed();
                        (sent, took, if status == StatusCode::CREATED { Ok(()) } else { Err(format!("{status}: {body}")) })
                    })
                })
                .collect()
        }
    };
    println!("  buying over {}", s.buy_over.name());
    barrier.wait().await;
    let started = Instant::now();
    let answers: Vec<Answer> = join_all(tasks).await.into_iter().map(|t| t.expect("buyer task")).collect();
    let total = started.elapsed();
    let refused: Vec<&Answer> = answers.iter().filter(|a| a.2.is_err()).collect();
    if let Some((_, _, Err(why))) = refused.first() {
        println!("  {} buys refused, e.g. {why}", refused.len());
    }
    let bought = answers.len() - refused.len();
    let mut took = Timings(answers.iter().map(|a| a.1).collect());
    println!(
        "  buys: {bought} of {} accepted, all answered in {:.2} s; answer latency {}",
        answers.len(),
        total.as_secs_f64(),
        took.line()
    );

    let viewers: Vec<&Viewer> = visitors.iter().chain(buyer_sockets.iter().map(|b| &**b)).collect();
    await_lines(&viewers, bought).await;
    let sent_at: Vec<Vec<Instant>> = answers.iter().map(|a| vec![a.0]).collect();
    let mut d = Delivery::of(&viewers, bought, &sent_at);
    println!(
        "  viewers with all {bought} lines, once each, in order: {} of {} (lines per viewer min {}, max {}; received twice {})",
        d.complete,
        viewers.len(),
        d.min_got,
        d.max_got,
        d.extra
    );
    println!(
        "  lines per frame: p50 {:.0}, p95 {:.0}, max {:.0}",
        d.lines_per_frame.percentile(50.0),
        d.lines_per_frame.percentile(95.0),
        d.lines_per_frame.percentile(100.0)
    );
    d.print();
    let (p95_answer, p95_line) = (took.percentile(95.0), d.from_accept.percentile(95.0));
    println!(
        "  goal: answer p95 <= 1000 ms: {}; line at viewer p95 <= 250 ms: {}",
        if p95_answer <= 1000.0 { "met" } else { "NOT met" },
        if p95_line <= 250.0 { "met" } else { "NOT met" }
    );
    refused.is_empty() && d.complete == viewers.len() && viewers.len() == s.viewers
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// Raw, gzip -9 and brotli q11 size of a built file under the repository root.
/// The last seats of a popular tasting: `rush_phones` residents (each a household of her
/// own) book one seat each at the same moment. Prints the answers' latency and checks
/// that exactly the seats are confirmed and the rest wait in positions 1..n.
async fn tasting_rush(s: &Settings) -> bool {
    let owner = owner(OWNER_A_PHONE).await;
    let tasting = schedule_tasting(&owner, "品鉴会抢位压测", chrono::Duration::days(3), s.rush_seats, 1).await;
    let id = tasting["id"].as_str().expect("a tasting").to_string();
    let phones = households(s.rush_phones, "压测").await;
    // The same phones at once on a bare route first: what the local stack alone costs at
    // this concurrency, to read the bookings' figures against.
    let mut bare = Timings(
        join_all(phones.iter().map(|r| async move {
            let sent = Instant::now();
            r.client.get(url("/api/v1/health")).send().await.unwrap().bytes().await.unwrap();
            sent.elapsed()
        }))
        .await,
    );
    let started = Instant::now();
    let answers: Vec<(Duration, Value)> = join_all(phones.iter().map(|r| {
        let id = &id;
        async move {
            let sent = Instant::now();
            let resp = r
                .client
                .put(url(&format!("/api/v1/tastings/{id}/booking")))
                .json(&serde_json::json!({ "seats": 1 }))
                .send()
                .await
                .unwrap();
            let body: Value = resp.json().await.unwrap();
            (sent.elapsed(), body)
        }
    }))
    .await;
    let elapsed = started.elapsed().as_secs_f64();
    let mut timings = Timings(answers.iter().map(|a| a.0).collect());
    let status = |a: &&(Duration, Value)| a.1["my_booking"]["status"].as_str().unwrap_or("refused").to_string();
    let confirmed = answers.iter().filter(|a| status(a) == "confirmed").count();
    let mut positions: Vec<u64> =
        answers.iter().filter(|a| status(a) == "waitlisted").filter_map(|a| a.1["my_booking"]["position"].as_u64()).collect();
    positions.sort_unstable();
    let waiting = s.rush_phones.saturating_sub(s.rush_seats as usize);
    let exact = confirmed == s.rush_seats as usize && positions == (1..=waiting as u64).collect::<Vec<_>>();
    println!("tasting rush: {} phones book {} seats at once", s.rush_phones, s.rush_seats);
    println!("  bare route, same phones at once: {}", bare.line());
    println!("  {:.0} bookings/s; latency: {}", s.rush_phones as f64 / elapsed, timings.line());
    println!("  confirmed {confirmed}, waitlisted {} (positions 1..{waiting} without gaps: {exact})", positions.len());
    exact
}

/// The first character of live buyer `i`'s nickname: one of its own (一, 丁, 丂, …).
fn buyer_mark(i: usize) -> char {
    char::from_u32(0x4E00 + i as u32).unwrap_or('?')
}

/// 为你推荐 and 凑单推荐 as one phone asks for them, one request at a time (after a
/// warm-up), and the stores' profile builds as the operator route runs them.
async fn recommendations() -> bool {
    const WARM_UP: usize = 20;
    const REQUESTS: usize = 500;
    let builds = build_profiles().await;
    println!("recommendation profiles, built by POST /api/v1/admin/recommendations (time inside the worker: reading orders, building, storing)");
    for b in builds.as_array().into_iter().flatten() {
        println!(
            "  {}: {} residents, {} orders -> {:.1} KB in {} ms",
            b["store_id"].as_str().unwrap_or("?"),
            b["residents"],
            b["orders"],
            b["bytes"].as_f64().unwrap_or(0.0) / 1024.0,
            b["build_ms"]
        );
    }

    let her = resident(STORE_A, "推荐压测", "1栋").await;
    // Not the first products: order capture sells the first out.
    let shelf = product_ids(STORE_A).await;
    let pickup = pickup_point(STORE_A).await;
    let placed = place_order(&her.client, &format!("bench-rec-{}", her.phone), &pickup, &[(&shelf[3], 1), (&shelf[5], 1)]).await;
    let mut ok = placed.status() == StatusCode::CREATED;
    her.client
        .put(url(&format!("/api/v1/cart/items/{}", shelf[9])))
        .json(&serde_json::json!({ "quantity": 1 }))
        .send()
        .await
        .unwrap();
    for (name, path) in [
        ("GET /api/v1/me/recommendations?limit=10", "/api/v1/me/recommendations?limit=10"),
        ("GET /api/v1/cart/suggestions", "/api/v1/cart/suggestions"),
    ] {
        let mut timings = Timings(Vec::with_capacity(REQUESTS));
        for i in 0..WARM_UP + REQUESTS {
            let sent = Instant::now();
            let resp = her.client.get(url(path)).send().await.unwrap();
            ok &= resp.status() == StatusCode::OK;
            resp.bytes().await.unwrap();
            if i >= WARM_UP {
                timings.0.push(sent.elapsed());
            }
        }
        println!("{name}, one client, {REQUESTS} requests one after another: {}", timings.line());
    }
    ok
}

/// The owner's daily brain, per store, as `POST /api/v1/admin/brain-runs` times it inside
/// the worker: reading the facts from D1 (one batch), then segmenting, the radar, churn,
/// suggestions and the SOP; on the demo chain, then on a corpus 10 times its size (each
/// copy with its own residents and products). Five runs each (the first loads the
/// segmenter's dictionary in a fresh isolate); the median of the rest is printed.
async fn brain() -> bool {
    const RUNS: usize = 5;
    let c = reqwest::Client::new();
    let mut ok = true;
    println!(
        "the owner's brain per store, POST /api/v1/admin/brain-runs (time inside the worker), median of {} runs after the first",
        RUNS - 1
    );
    for scale in [1, 10] {
        for store in ["st-gubei", "st-xixi", "st-yulin"] {
            let mut gather = Vec::new();
            let mut compute = Vec::new();
            let mut first = None;
            let mut last = serde_json::Value::Null;
            for run in 0..RUNS {
                let resp = c
                    .post(url(&format!("/api/v1/admin/brain-runs?store={store}&scale={scale}")))
                    .bearer_auth(seed_token())
                    .send()
                    .await
                    .unwrap();
                ok &= resp.status() == StatusCode::OK;
                let body: serde_json::Value = resp.json().await.unwrap_or_default();
                let (g, m) = (body["gather_ms"].as_u64().unwrap_or(0), body["compute_ms"].as_u64().unwrap_or(0));
                if run == 0 {
                    first = Some((g, m));
                } else {
                    gather.push(g);
                    compute.push(m);
                }
                last = body;
            }
            gather.sort_unstable();
            compute.sort_unstable();
            let i = &last["inputs"];
            println!(
                "  {store} x{scale}: {} products, {} voices, {} residents, {} orders -> {} suggestions, {} topics, {:.1} KB; \
                 read {} ms, computed {} ms (first run: read {} ms, computed {} ms)",
                i["products"],
                i["voices"],
                i["residents"],
                i["orders"],
                last["suggestions"],
                last["topics"],
                last["bytes"].as_f64().unwrap_or(0.0) / 1024.0,
                gather[gather.len() / 2],
                compute[compute.len() / 2],
                first.unwrap_or_default().0,
                first.unwrap_or_default().1,
            );
        }
    }
    ok
}

/// 经营数据 as the owner and HQ read it, on a year of the demo chain's orders (its history
/// seeded a year back first, every store's rollups counted again from it): the numbers
/// page (server-rendered) and its API, and HQ's chain view, one request after another,
/// read from the daily rollups; and the count behind them, as `POST …/numbers` does it.
async fn numbers() -> bool {
    const WARM_UP: usize = 10;
    const REQUESTS: usize = 200;
    const HQ_PHONE: &str = "13800000000";
    const HISTORY_DAYS: u32 = 365;
    let sent = Instant::now();
    let resp = e2e_tests::client()
        .post(url(&format!("/api/v1/admin/seed?history_days={HISTORY_DAYS}")))
        .bearer_auth(seed_token())
        .send()
        .await
        .unwrap();
    let mut ok = resp.status() == StatusCode::OK;
    let seeded: Value = resp.json().await.unwrap_or_default();
    println!(
        "经营数据 on {HISTORY_DAYS} days of orders: seeded the older days ({} rows) and counted every store's year again in {:.1} s",
        seeded["inserted_rows"],
        sent.elapsed().as_secs_f64()
    );
    let owner_a = owner(OWNER_A_PHONE).await;
    let hq = owner(HQ_PHONE).await;
    let mut counts = Timings(Vec::new());
    for _ in 0..20 {
        let sent = Instant::now();
        let resp = owner_a.post(url(&format!("/api/v1/stores/{STORE_A}/numbers"))).send().await.unwrap();
        ok &= resp.status() == StatusCode::OK;
        resp.bytes().await.unwrap();
        counts.0.push(sent.elapsed());
    }
    println!(
        "经营数据: counting a store's last 14 days again (POST /api/v1/stores/{STORE_A}/numbers, 20 times): {}",
        counts.line()
    );
    for (name, who, path) in [
        ("the owner's page GET /owner/numbers (server-rendered)", &owner_a, "/owner/numbers".to_string()),
        ("its API GET /api/v1/stores/{store}/numbers", &owner_a, format!("/api/v1/stores/{STORE_A}/numbers")),
        ("HQ's GET /api/v1/chain/numbers", &hq, "/api/v1/chain/numbers".to_string()),
    ] {
        let mut timings = Timings(Vec::with_capacity(REQUESTS));
        for i in 0..WARM_UP + REQUESTS {
            let sent = Instant::now();
            let resp = who.get(url(&path)).send().await.unwrap();
            ok &= resp.status() == StatusCode::OK;
            resp.bytes().await.unwrap();
            if i >= WARM_UP {
                timings.0.push(sent.elapsed());
            }
        }
        println!("  {name}, {REQUESTS} requests one after another: {}", timings.line());
    }
    ok
}

fn print_size(root: &Path, file: &str) {
    let Ok(raw) = std::fs::read(root.join(file)) else {
        println!("  {file}: not built");
        return;
    };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&raw).unwrap();
    let gz = gz.finish().unwrap().len();
    let mut br = Vec::new();
    brotli::BrotliCompress(&mut raw.as_slice(), &mut br, &brotli::enc::BrotliEncoderParams { quality: 11, ..Default::default() })
        .unwrap();
    println!("  {file}: raw {}, gzip {}, brotli {}", kb(raw.len()), kb(gz), kb(br.len()));
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let (orders, live, rush, tastings, recs, brains, figures) = match std::env::args().nth(1).as_deref() {
        None | Some("all") => (true, true, true, true, true, true, true),
        Some("orders") => (true, false, false, false, false, false, false),
        Some("live") => (false, true, true, false, false, false, false),
        Some("rush") => (false, false, true, false, false, false, false),
        Some("tastings") => (false, false, false, true, false, false, false),
        Some("recommendations") => (false, false, false, false, true, false, false),
        Some("brain") => (false, false, false, false, false, true, false),
        Some("numbers") => (false, false, false, false, false, false, true),
        Some(other) => {
            eprintln!("unknown part {other:?}; usage: bench [all|orders|live|rush|tastings|recommendations|brain|numbers]");
            std::process::exit(2);
        }
    };
    let s = Settings::from_env();
    println!("Linli benchmark against {} (concurrency {})", e2e_tests::base_url(), s.concurrency);
    let mut failed = false;

    if orders {
        let (bare_rps, mut bare) = bare_route(&s).await;
        println!("bare route GET /api/v1/health, {} requests", s.bare_requests);
        println!("  throughput: {bare_rps:.0} req/s");
        println!("  latency: {}", bare.line());

        let mut c = order_capture(&s).await;
        println!(
            "order capture POST /api/v1/orders, one hot SKU ({}), stock {}, {} orders from {} residents",
            c.sku, s.stock, s.orders, s.buyers
        );
        println!(
            "  throughput: {:.0} orders/s answered ({} accepted, {} refused sold out)",
            c.throughput,
            c.accepted.0.len(),
            c.refused
        );
        println!("  accepted latency: {}", c.accepted.line());
        c.round_trips.sort_unstable();
        let at = |q: usize| c.round_trips.get(q * (c.round_trips.len().max(1) - 1) / 2).copied().unwrap_or_default();
        if c.round_trips.is_empty() {
            println!("  storage round trips per accepted order: not reported by this edge (no Server-Timing)");
        } else {
            let at_median = c.round_trips.iter().filter(|&&n| n == at(1)).count();
            println!("  storage round trips per accepted order, one after another (Server-Timing):");
            println!("    min {}, median {}, max {}; {at_median} of {} at the median", at(0), at(1), at(2), c.round_trips.len());
        }
        println!("  all answers latency: {}", c.all.line());
        println!("ratio order capture / bare route: {:.2}", c.throughput / bare_rps);
        let oversold = oversell(&s, &c).await;
        println!("oversell: {oversold}");
        failed |= oversold != 0;
    }

    if live {
        failed |= !live_delivery(&s).await;
    }

    if rush {
        failed |= !flash_rush(&s).await;
    }

    if tastings {
        failed |= !tasting_rush(&s).await;
    }

    if recs {
        failed |= !recommendations().await;
    }

    if brains {
        failed |= !brain().await;
    }

    if figures {
        failed |= !numbers().await;
    }

    println!("wasm sizes");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for file in [
        "edge-worker/build/index_bg.wasm",
        "public/pkg/linli_shop_bg.wasm",
        "public/pkg/linli_shop.js",
        "public/pkg/linli_live_bg.wasm",
        "public/pkg/linli_live.js",
        "public/pkg/linli_cart_bg.wasm",
        "public/pkg/linli_cart.js",
        "public/pkg/linli_resident_bg.wasm",
        "public/pkg/linli_resident.js",
        "public/pkg/linli_community_bg.wasm",
        "public/pkg/linli_community.js",
        "public/pkg/linli_owner_bg.wasm",
        "public/pkg/linli_owner.js",
    ] {
        print_size(&root, file);
    }

    if failed {
        std::process::exit(1);
    }
}
