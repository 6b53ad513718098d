//! `scripts/crash`, the crash test: on an edge of its own (port `CRASH_PORT`, state in
//! `CRASH_STATE`), while hundreds of shop orders, cancellations and live buys hit the same
//! SKUs, the whole edge (wrangler's process group: node and the workerd processes) is
//! killed with SIGKILL, as a crash would, and restarted on the same state. Then:
//! 1. every order whose creation was answered 2xx is still there, as it was answered (and
//!    every cancellation answered 2xx is still a cancelled order);
//! 2. every request whose answer was lost is sent again (orders and live buys with their
//!    Idempotency-Key, cancellations by order) and lands once: sending a landed key once
//!    more replays its order, and the owner's pickup lists hold exactly the orders the test
//!    was told about, none missing and none it was not told about;
//! 3. once the live has ended, every SKU's opening stock (the owner's count) equals what is
//!    on the shelf (the listing) plus what sits in open orders, and each offer's sold count
//!    equals its open live orders.
//!
//! Everything is read through the API as residents and the owner see it. Starting,
//! seeding and stopping the edge are `scripts/lib.sh`'s; only the kill is this file's.
//! Settings come from the environment (see `Settings::from_env`).

use e2e_tests::{
    households,
    live::{Live, OfferTerms},
    order_request, owner, pickup_point, product_ids, set_stock, url, Resident, OWNER_A_PHONE, STORE_A,
};
use futures::{future::join_all, stream, StreamExt};
use reqwest::StatusCode;
use serde_json::Value;
use shared_model::{
    api::{PlaceOrderResponse, StoreOrderList},
    live::LiveSessionStatus,
    order::{order_id_for, IdempotencyKey, Order, OrderStatus},
    time::pickup_date_for,
    OfferId, OrderId,
};
use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, Instant},
};
use tokio::sync::Notify;

struct Settings {
    port: u16,
    state: PathBuf,
    skus: usize,
    stock: u32,
    allotment: u32,
    residents: usize,
    orders_before: usize,
    buys_before: usize,
    orders: usize,
    buys: usize,
    cancels: usize,
    /// The edge is killed once this share of the burst has been answered.
    kill_at: f64,
}

impl Settings {
    fn from_env() -> Self {
        let get = |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
        let state = std::env::var("CRASH_STATE").expect("CRASH_STATE: the edge's state folder (scripts/crash makes one)");
        Self {
            port: get("CRASH_PORT", 8793) as u16,
            state: PathBuf::from(state),
            skus: get("CRASH_SKUS", 4).max(2),
            stock: get("CRASH_STOCK", 250) as u32,
            allotment: get("CRASH_ALLOTMENT", 40) as u32,
            residents: get("CRASH_RESIDENTS", 80),
            orders_before: get("CRASH_ORDERS_BEFORE", 120),
            buys_before: get("CRASH_BUYS_BEFORE", 40),
            orders: get("CRASH_ORDERS", 320),
            buys: get("CRASH_BUYS", 160),
            cancels: get("CRASH_CANCELS", 120),
            kill_at: get("CRASH_KILL_PERCENT", 10) as f64 / 100.0,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The edge: started, seeded and stopped by scripts/lib.sh, killed here.

/// A local edge in its own process group (`start_edge` runs wrangler under `setsid`).
struct Edge {
    port: u16,
    state: PathBuf,
    /// The process group, while it runs.
    group: Option<u32>,
}

/// Runs `script` in bash after sourcing `scripts/lib.sh`, with `args` as `$1`, `$2`…;
/// its standard output.
fn lib_sh(script: &str, args: &[&str]) -> String {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/lib.sh");
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!("source \"{}\" && {script}", lib.display()))
        .arg("crash")
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .expect("bash");
    assert!(output.status.success(), "scripts/lib.sh: `{script}` failed ({})", output.status);
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

impl Edge {
    /// `start_edge` on `port` with `state`: migrations, wrangler dev, health. The group id
    /// also goes to `state/edge.pgid`, so scripts/crash can stop the edge if this dies.
    fn start(port: u16, state: &Path) -> Edge {
        let mut edge = Edge { port, state: state.to_path_buf(), group: None };
        edge.boot();
        edge
    }

    /// Starts wrangler dev on the edge's port and state, fresh or as a crash left it.
    fn boot(&mut self) {
        assert!(self.group.is_none(), "the edge is already running");
        let (port, state) = (self.port.to_string(), self.state.display().to_string());
        let group =
            lib_sh(r#"start_edge "$1" "$2" >&2 && echo "$EDGE_PID" > "$2/edge.pgid" && echo "$EDGE_PID""#, &[&port, &state]);
        self.group = Some(group.parse().unwrap_or_else(|_| panic!("start_edge gave no process group: {group:?}")));
    }

    fn seed(&self) {
        lib_sh(r#"seed_demo "$1" >/dev/null"#, &[&self.port.to_string()]);
    }

    fn stop(&mut self) {
        if let Some(group) = self.group.take() {
            lib_sh(r#"EDGE_PID="$1"; stop_edge"#, &[&group.to_string()]);
        }
    }
}

impl Drop for Edge {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What the kill hit.
struct Killed {
    /// The group's processes just before, by name (node, workerd…).
    processes: Vec<String>,
    /// From the signal until no process of the group was left.
    gone_after: Duration,
}

/// The live processes of process group `group`, by name (zombies are already dead).
fn group_processes(group: u32) -> Vec<String> {
    let out = Command::new("ps").args(["-e", "-o", "pgid=,stat=,comm="]).output().expect("ps");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (pgid, stat, comm) = (fields.next()?, fields.next()?, fields.next()?);
            (pgid.parse() == Ok(group) && !stat.starts_with('Z')).then(|| comm.to_string())
        })
        .collect()
}

/// SIGKILL to every process of `group` at once, as a crash would: nothing gets to clean up.
fn kill_group(group: u32) -> Killed {
    let processes = group_processes(group);
    let signalled = Instant::now();
    let status = Command::new("kill").args(["-KILL", "--", &format!("-{group}")]).status().expect("kill");
    assert!(status.success(), "kill -KILL -{group} failed");
    while !group_processes(group).is_empty() {
        assert!(signalled.elapsed() < Duration::from_secs(10), "processes of group {group} outlived SIGKILL");
        std::thread::sleep(Duration::from_millis(20));
    }
    Killed { processes, gone_after: signalled.elapsed() }
}

// ---------------------------------------------------------------------------------------
// The shop: the SKUs, the residents and the live, and the requests they send.

struct World {
    skus: Vec<String>,
    /// Units per SKU before anything was sold: the owner's count.
    opening: Vec<u32>,
    pickup: String,
    residents: Vec<Resident>,
    live: Live,
    /// The live's offers and the SKU (index) each sells.
    offers: Vec<(OfferId, usize)>,
}

/// One request of the test.
#[derive(Clone)]
enum Call {
    Order { buyer: usize, key: String, lines: Vec<(usize, i64)> },
    Buy { buyer: usize, offer: usize, key: String, quantity: i64 },
    Cancel { buyer: usize, order: OrderId },
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Order,
    Buy,
    Cancel,
}

impl Call {
    fn kind(&self) -> Kind {
        match self {
            Call::Order { .. } => Kind::Order,
            Call::Buy { .. } => Kind::Buy,
            Call::Cancel { .. } => Kind::Cancel,
        }
    }

    fn buyer(&self) -> usize {
        match self {
            Call::Order { buyer, .. } | Call::Buy { buyer, .. } | Call::Cancel { buyer, .. } => *buyer,
        }
    }

    fn offer(&self) -> Option<usize> {
        match self {
            Call::Buy { offer, .. } => Some(*offer),
            _ => None,
        }
    }
}

/// What came back: an answer, or none because the connection died with the edge
/// (perhaps after the status line).
enum Answer {
    Got(StatusCode, Value),
    Lost { status: Option<StatusCode>, why: String },
}

impl Answer {
    fn success(&self) -> bool {
        matches!(self, Answer::Got(status, _) if status.is_success())
    }

    /// The order a 2xx answer to an order or a live buy carries.
    fn placed(&self) -> Option<PlaceOrderResponse> {
        match self {
            Answer::Got(status, body) if status.is_success() => serde_json::from_value(body.clone()).ok(),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            Answer::Got(status, body) => format!("{status} {}", body["code"].as_str().unwrap_or_default()),
            Answer::Lost { why, .. } => format!("no answer ({why})"),
        }
    }
}

/// An order the edge said it holds, and what it said.
#[derive(Clone)]
struct Known {
    buyer: usize,
    offer: Option<usize>,
    order: Order,
}

/// The lines of the `i`-th shop order: one or two of the SKUs, one or two units each.
fn order_lines(i: usize, skus: usize) -> Vec<(usize, i64)> {
    let first = i % skus;
    let mut lines = vec![(first, 1 + (i / skus % 2) as i64)];
    if !i.is_multiple_of(3) {
        lines.push(((first + 1 + i / 7 % (skus - 1)) % skus, 1));
    }
    lines
}

/// The lists merged so that each kind is spread evenly through the whole.
fn interleave(lists: Vec<Vec<Call>>) -> Vec<Call> {
    let mut keyed: Vec<(f64, Call)> = lists
        .into_iter()
        .flat_map(|list| {
            let n = list.len() as f64;
            list.into_iter().enumerate().map(move |(i, call)| ((i as f64 + 0.5) / n, call))
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    keyed.into_iter().map(|(_, call)| call).collect()
}

impl World {
    /// The owner counts `skus` of store A's products at `stock` units each, goes live and
    /// pins offers of the first two; `residents` households join.
    async fn set_up(s: &Settings) -> World {
        let skus: Vec<String> = product_ids(STORE_A).await.into_iter().take(s.skus).collect();
        let owner = owner(OWNER_A_PHONE).await;
        for sku in &skus {
            set_stock(&owner, STORE_A, sku, s.stock, None).await;
        }
        let live = Live::on_air().await;
        let mut offers = Vec::new();
        for (index, sku) in skus.iter().enumerate().take(2) {
            offers.push((live.pin(sku, &OfferTerms::open_now(s.allotment)).await.id, index));
        }
        World {
            opening: vec![s.stock; skus.len()],
            skus,
            pickup: pickup_point(STORE_A).await,
            residents: households(s.residents, "断电").await,
            live,
            offers,
        }
    }

    async fn send(&self, call: &Call) -> Answer {
        let request = match call {
            Call::Order { buyer, key, lines } => {
                let lines: Vec<(&str, i64)> = lines.iter().map(|(sku, q)| (self.skus[*sku].as_str(), *q)).collect();
                order_request(&self.residents[*buyer].client, key, &self.pickup, &lines)
            }
            Call::Buy { buyer, offer, key, quantity } => {
                self.live.buy_request(&self.residents[*buyer].client, self.offers[*offer].0.as_str(), key, *quantity)
            }
            Call::Cancel { buyer, order } => {
                self.residents[*buyer].client.post(url(&format!("/api/v1/orders/{order}/cancellation")))
            }
        };
        let resp = match request.send().await {
            Ok(resp) => resp,
            Err(e) => return Answer::Lost { status: None, why: e.without_url().to_string() },
        };
        let status = resp.status();
        match resp.bytes().await {
            Ok(bytes) => {
                Answer::Got(status, serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(format!("{bytes:?}"))))
            }
            Err(e) => Answer::Lost { status: Some(status), why: format!("the body was cut: {}", e.without_url()) },
        }
    }

    /// Sends `calls`, `width` at a time; the answers in the calls' order.
    async fn send_all(&self, calls: &[Call], width: usize) -> Vec<Answer> {
        stream::iter(calls).map(|call| self.send(call)).buffered(width).collect().await
    }

    /// The id the order made by `call` has (or would have): the edge derives it from the
    /// buyer and the key, so a test can name an order whose answer it never got.
    fn order_id(&self, call: &Call) -> OrderId {
        match call {
            Call::Order { buyer, key, .. } | Call::Buy { buyer, key, .. } => {
                order_id_for(&self.residents[*buyer].me.person_id, &IdempotencyKey::parse(key).expect("key"))
            }
            Call::Cancel { order, .. } => order.clone(),
        }
    }

    /// `GET /api/v1/orders/{id}` as its buyer.
    async fn read_order(&self, buyer: usize, id: &OrderId) -> Result<Order, String> {
        let resp = self.residents[buyer].client.get(url(&format!("/api/v1/orders/{id}"))).send().await;
        let resp = resp.map_err(|e| e.without_url().to_string())?;
        let status = resp.status();
        if status != StatusCode::OK {
            return Err(format!("{status}: {}", resp.text().await.unwrap_or_default()));
        }
        resp.json().await.map_err(|e| e.to_string())
    }

    /// Every order of store A due on `dates`, as the owner's pickup lists page through them.
    async fn store_orders(&self, dates: &BTreeSet<chrono::NaiveDate>) -> BTreeSet<OrderId> {
        let mut orders = BTreeSet::new();
        for date in dates {
            let mut cursor: Option<String> = None;
            loop {
                let mut query = vec![("pickup_date", date.to_string())];
                query.extend(cursor.take().map(|c| ("cursor", c)));
                let resp = self.live.owner.get(url(&format!("/api/v1/stores/{STORE_A}/orders"))).query(&query).send().await;
                let page: StoreOrderList = resp.expect("store orders").json().await.expect("store orders json");
                orders.extend(page.orders.into_iter().map(|o| o.summary.id));
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
        }
        orders
    }
}

// ---------------------------------------------------------------------------------------
// What the edge told the test, and what the checks found

/// Answers of one batch of one kind.
#[derive(Default, Clone, Copy)]
struct Tally {
    sent: usize,
    success: usize,
    refused: usize,
    /// No answer at all.
    unanswered: usize,
    /// The status line came, the body did not.
    cut: usize,
}

impl Tally {
    fn lost(&self) -> usize {
        self.unanswered + self.cut
    }
}

fn tally(calls: &[Call], answers: &[Answer]) -> BTreeMap<Kind, Tally> {
    let mut by_kind: BTreeMap<Kind, Tally> = BTreeMap::new();
    for (call, answer) in calls.iter().zip(answers) {
        let t = by_kind.entry(call.kind()).or_default();
        t.sent += 1;
        match answer {
            Answer::Got(status, _) if status.is_success() => t.success += 1,
            Answer::Got(..) => t.refused += 1,
            Answer::Lost { status: None, .. } => t.unanswered += 1,
            Answer::Lost { status: Some(_), .. } => t.cut += 1,
        }
    }
    by_kind
}

/// What the checks found wrong.
#[derive(Default)]
struct Findings(Vec<String>);

impl Findings {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            let what = what();
            println!("  FAILED: {what}");
            self.0.push(what);
        }
    }
}

/// What the edge has told the test so far.
#[derive(Default)]
struct Ledger {
    /// Every order whose creation was answered 2xx, as answered.
    orders: BTreeMap<OrderId, Known>,
    /// Orders cancelled: the cancellation was answered 2xx, or, retried after its answer
    /// was lost, `not_cancellable` (it had landed).
    cancelled: BTreeSet<OrderId>,
    /// Orders whose cancellation's answer was lost, until it is retried.
    cancel_lost: BTreeSet<OrderId>,
}

impl Ledger {
    fn record(&mut self, call: &Call, answer: &Answer) {
        match (call, answer) {
            (Call::Cancel { order, .. }, Answer::Lost { .. }) => {
                self.cancel_lost.insert(order.clone());
            }
            (Call::Cancel { order, .. }, Answer::Got(status, body)) => {
                if status.is_success() || body["code"] == "not_cancellable" {
                    self.cancelled.insert(order.clone());
                }
            }
            _ => {
                if let Some(placed) = answer.placed() {
                    let known = Known { buyer: call.buyer(), offer: call.offer(), order: placed.order };
                    self.orders.insert(known.order.id.clone(), known);
                }
            }
        }
    }

    /// Every known order read back by its buyer, in id order; one that cannot be read is
    /// a finding (it was answered 2xx, so it must be there).
    async fn read_back(&self, world: &World, findings: &mut Findings) -> Vec<(OrderId, Order)> {
        let reads = stream::iter(&self.orders).map(|(id, k)| async move { (id.clone(), world.read_order(k.buyer, id).await) });
        let reads: Vec<(OrderId, Result<Order, String>)> = reads.buffered(16).collect().await;
        let mut orders = Vec::new();
        for (id, read) in reads {
            match read {
                Ok(order) => orders.push((id, order)),
                Err(e) => findings.check(false, || format!("order {id}, answered 2xx, cannot be read: {e}")),
            }
        }
        orders
    }
}

fn main() {
    let s = Settings::from_env();
    // Before the runtime's threads exist: the helpers read the edge's address from here.
    std::env::set_var("LINLI_BASE_URL", format!("http://127.0.0.1:{}", s.port));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let findings = runtime.block_on(run(&s));
    if !findings.0.is_empty() {
        eprintln!("crash test: {} finding(s):\n  {}", findings.0.len(), findings.0.join("\n  "));
        std::process::exit(1);
    }
    println!("crash test passed");
}

async fn run(s: &Settings) -> Findings {
    let began = Instant::now();
    let mut findings = Findings::default();
    let mut edge = tokio::task::block_in_place(|| {
        let edge = Edge::start(s.port, &s.state);
        edge.seed();
        edge
    });
    let world = World::set_up(s).await;
    println!(
        "{} SKUs of {STORE_A} counted at {} units each; a live with offers of {} units on the first two; {} residents",
        s.skus, s.stock, s.allotment, s.residents
    );
    let mut ledger = Ledger::default();
    let burst = place_before(s, &world, &mut ledger).await;

    let group = edge.group.expect("the edge runs");
    let answers = burst_and_kill(&world, &burst, group, ((burst.len() as f64 * s.kill_at) as usize).max(1)).await;
    edge.group = None;
    for (call, answer) in burst.iter().zip(&answers) {
        ledger.record(call, answer);
        if let Answer::Got(status, body) = answer {
            findings.check(status.is_success() || status.is_client_error(), || {
                format!("{:?} answered {status} before the kill: {body}", call.kind())
            });
        }
    }
    let lost = tally(&burst, &answers).values().map(Tally::lost).sum::<usize>();
    findings.check(lost > 0, || "the kill lost no answer: nothing was in flight".into());

    let restarting = Instant::now();
    tokio::task::block_in_place(|| edge.boot());
    println!("restarted on the same state: healthy after {:.1} s", restarting.elapsed().as_secs_f64());

    check_answered(&world, &ledger, &mut findings).await;
    retry_lost(&world, &burst, &answers, &mut ledger, &mut findings).await;
    check_store_lists(&world, &ledger, &mut findings).await;
    check_stock(&world, &ledger, &mut findings).await;
    tokio::task::block_in_place(|| edge.stop());
    println!("crash test took {:.1} s", began.elapsed().as_secs_f64());
    findings
}

/// `count` shop orders keyed `crash-{phase}-…`, the `i`-th by resident `i × stride`.
fn shop_orders(s: &Settings, phase: &str, count: usize, stride: usize) -> Vec<Call> {
    (0..count)
        .map(|i| Call::Order {
            buyer: i * stride % s.residents,
            key: format!("crash-{phase}-{i:04}"),
            lines: order_lines(i, s.skus),
        })
        .collect()
}

/// `count` live buys keyed `crash-buy-{phase}-…`, round the offers, the `i`-th by resident
/// `i × stride`, of one unit, or of two every other time with `twos`.
fn live_buys(s: &Settings, offers: usize, phase: &str, count: usize, stride: usize, twos: bool) -> Vec<Call> {
    (0..count)
        .map(|i| Call::Buy {
            buyer: i * stride % s.residents,
            offer: i % offers,
            key: format!("crash-buy-{phase}-{i:04}"),
            quantity: if twos { 1 + (i % 2) as i64 } else { 1 },
        })
        .collect()
}

/// Orders and live buys placed (and answered) before the burst, then the burst: new
/// orders and live buys on the same SKUs, and the cancellation of some of the first ones.
async fn place_before(s: &Settings, world: &World, ledger: &mut Ledger) -> Vec<Call> {
    let offers = world.offers.len();
    let before =
        interleave(vec![shop_orders(s, "before", s.orders_before, 1), live_buys(s, offers, "before", s.buys_before, 7, false)]);
    let answers = world.send_all(&before, 16).await;
    let (mut shop, mut live) = (Vec::new(), Vec::new());
    for (call, answer) in before.iter().zip(&answers) {
        assert!(answer.success(), "an order before the burst: {}", answer.describe());
        ledger.record(call, answer);
        let cancel = Call::Cancel { buyer: call.buyer(), order: world.order_id(call) };
        if call.kind() == Kind::Order {
            shop.push(cancel)
        } else {
            live.push(cancel)
        }
    }
    // A quarter of the cancellations are of live orders (their units go back to the offer).
    let live_cancels = (s.cancels / 4).min(live.len());
    shop.truncate(s.cancels - live_cancels);
    live.truncate(live_cancels);
    shop.extend(live);
    interleave(vec![shop_orders(s, "burst", s.orders, 3), live_buys(s, offers, "burst", s.buys, 5, true), shop])
}

/// Sends the whole burst at once and SIGKILLs the edge's process group once `kill_after`
/// answers have come back; every request's answer, or why there is none.
async fn burst_and_kill(world: &World, burst: &[Call], group: u32, kill_after: usize) -> Vec<Answer> {
    let (answered, finished, progress) = (AtomicUsize::new(0), AtomicUsize::new(0), Notify::new());
    let began = Instant::now();
    let sends = join_all(burst.iter().map(|call| async {
        let answer = world.send(call).await;
        if matches!(answer, Answer::Got(..)) {
            answered.fetch_add(1, Ordering::SeqCst);
        }
        finished.fetch_add(1, Ordering::SeqCst);
        progress.notify_one();
        answer
    }));
    let killer = async {
        while answered.load(Ordering::SeqCst) < kill_after && finished.load(Ordering::SeqCst) < burst.len() {
            progress.notified().await;
        }
        let (at, answered) = (began.elapsed(), answered.load(Ordering::SeqCst));
        (at, answered, tokio::task::block_in_place(|| kill_group(group)))
    };
    let (answers, (at, answered, killed)) = tokio::join!(sends, killer);
    println!(
        "burst: {} requests at once; SIGKILL to the edge's process group {group} ({}) {:.2} s in, with {answered} answered; \
         no process left {} ms after the signal",
        burst.len(),
        killed.processes.join(", "),
        at.as_secs_f64(),
        killed.gone_after.as_millis()
    );
    assert!(killed.processes.iter().any(|p| p.contains("workerd")), "the kill hit no workerd: {:?}", killed.processes);
    println!("answers to the burst:");
    for (kind, t) in tally(burst, &answers) {
        println!(
            "  {kind:?}: {} sent, {} answered 2xx, {} refused (4xx), {} lost ({} with no answer, {} cut after the status line)",
            t.sent,
            t.success,
            t.refused,
            t.lost(),
            t.unanswered,
            t.cut
        );
    }
    answers
}

/// Check 1: every order answered 2xx is there after the restart, with the lines it was answered
/// with, and cancelled exactly when a cancellation of it was answered 2xx (either way when
/// that answer was lost).
async fn check_answered(world: &World, ledger: &Ledger, findings: &mut Findings) {
    let mut there = 0;
    for (id, order) in ledger.read_back(world, findings).await {
        there += 1;
        let cancelled = order.status == OrderStatus::Cancelled;
        let status_ok = ledger.cancel_lost.contains(&id)
            || (cancelled && ledger.cancelled.contains(&id))
            || (order.status == OrderStatus::Placed && !ledger.cancelled.contains(&id));
        findings.check(status_ok, || format!("order {id} is {:?} after the restart", order.status));
        findings.check(order.lines == ledger.orders[&id].order.lines, || format!("order {id}'s lines changed across the crash"));
    }
    println!(
        "after the restart: {there} of the {} orders answered 2xx are there; {} cancellations answered 2xx",
        ledger.orders.len(),
        ledger.cancelled.len()
    );
}

/// Check 2: every request whose answer was lost is sent again with its key (or, a cancellation,
/// for its order) and gets an answer; each order that lands then is replayed, not made
/// again, when its key comes a third time.
async fn retry_lost(world: &World, burst: &[Call], answers: &[Answer], ledger: &mut Ledger, findings: &mut Findings) {
    let lost: Vec<Call> =
        burst.iter().zip(answers).filter(|(_, a)| matches!(a, Answer::Lost { .. })).map(|(c, _)| c.clone()).collect();
    let retried = world.send_all(&lost, 32).await;
    let mut outcomes: BTreeMap<(Kind, String), usize> = BTreeMap::new();
    let mut landed = Vec::new();
    for (call, answer) in lost.iter().zip(&retried) {
        ledger.record(call, answer);
        let outcome = match answer {
            Answer::Lost { why, .. } => {
                findings.check(false, || format!("a retried {:?} got no answer from the restarted edge: {why}", call.kind()));
                "no answer".to_string()
            }
            Answer::Got(status, body) => {
                // A cancellation's 409 not_cancellable: the lost one had landed (cutoff_passed: 22:00 came first).
                let expected = status.is_success()
                    || (call.kind() != Kind::Cancel && status.is_client_error())
                    || body["code"] == "not_cancellable"
                    || body["code"] == "cutoff_passed";
                findings.check(expected, || format!("a retried {:?} answered {status}: {body}", call.kind()));
                match answer.placed().filter(|_| call.kind() != Kind::Cancel) {
                    Some(placed) => {
                        findings.check(placed.order.id == world.order_id(call), || {
                            format!("a retried key made order {}, not {}", placed.order.id, world.order_id(call))
                        });
                        landed.push(call.clone());
                        if placed.replayed { "200 replayed: it had reached the edge" } else { "201 created" }.to_string()
                    }
                    None => answer.describe(),
                }
            }
        };
        *outcomes.entry((call.kind(), outcome)).or_default() += 1;
    }
    println!("the {} requests whose answer was lost, sent again:", lost.len());
    for ((kind, outcome), n) in &outcomes {
        println!("  {kind:?}: {n} × {outcome}");
    }
    let again = world.send_all(&landed, 32).await;
    for (call, answer) in landed.iter().zip(&again) {
        let replayed = answer.placed().is_some_and(|p| p.replayed && p.order.id == world.order_id(call));
        findings.check(replayed, || format!("order {}'s key sent a third time: {}", world.order_id(call), answer.describe()));
    }
    println!("  sent a third time, each of the {} that landed replayed its order", landed.len());
}

/// Check 2, continued: the owner's pickup lists hold exactly the orders answered 2xx: none lost, and none
/// that nobody was told about (a key that landed twice, a refused order that landed).
async fn check_store_lists(world: &World, ledger: &Ledger, findings: &mut Findings) {
    let dates: BTreeSet<_> =
        ledger.orders.values().map(|k| k.order.pickup_date).chain([pickup_date_for(e2e_tests::now())]).collect();
    let listed = world.store_orders(&dates).await;
    let missing: Vec<&OrderId> = ledger.orders.keys().filter(|id| !listed.contains(*id)).collect();
    let unknown: Vec<&OrderId> = listed.iter().filter(|id| !ledger.orders.contains_key(*id)).collect();
    findings.check(missing.is_empty(), || format!("orders the owner's lists lack: {missing:?}"));
    findings.check(unknown.is_empty(), || format!("orders in the owner's lists that nobody was answered: {unknown:?}"));
    println!(
        "the owner's pickup lists ({} day(s)) hold {} orders: {} missing, {} that nobody was answered",
        dates.len(),
        listed.len(),
        missing.len(),
        unknown.len()
    );
}

/// Check 3: the live ends (unsold units go back to the shelf); then each SKU's opening count is
/// its shelf plus its units in open orders, and each offer's sold count is its units in
/// open live orders.
async fn check_stock(world: &World, ledger: &Ledger, findings: &mut Findings) {
    world.live.change_status(LiveSessionStatus::Ended).await;
    let sku_index: HashMap<&str, usize> = world.skus.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    let mut in_orders = vec![0u64; world.skus.len()];
    let mut in_offer_orders: HashMap<usize, u64> = HashMap::new();
    let (mut open, mut cancelled) = (0, 0);
    for (id, order) in ledger.read_back(world, findings).await {
        let is_cancelled = order.status == OrderStatus::Cancelled;
        findings.check(is_cancelled == ledger.cancelled.contains(&id), || {
            format!(
                "order {id} is {:?}, but its cancellation was {}answered",
                order.status,
                if is_cancelled { "never " } else { "" }
            )
        });
        if is_cancelled {
            cancelled += 1;
            continue;
        }
        open += 1;
        for line in &order.lines {
            let Some(&sku) = sku_index.get(line.product_id.as_str()) else { continue };
            in_orders[sku] += u64::from(line.quantity);
            if let Some(offer) = ledger.orders[&id].offer {
                *in_offer_orders.entry(offer).or_default() += u64::from(line.quantity);
            }
        }
    }
    println!("stock, once the live has ended ({open} open orders, {cancelled} cancelled):");
    for (i, sku) in world.skus.iter().enumerate() {
        let (opening, shelf) = (u64::from(world.opening[i]), e2e_tests::available(STORE_A, sku).await);
        let held = in_orders[i];
        println!("  {sku}: opening {opening}, shelf {shelf} + open orders {held} = {}", shelf + held);
        findings.check(opening == shelf + held, || format!("{sku}: opening {opening}, but shelf {shelf} + open orders {held}"));
    }
    let room = world.live.detail(&world.live.owner).await.room;
    for (index, (offer, sku)) in world.offers.iter().enumerate() {
        let sold = room.offers.iter().find(|o| &o.id == offer).map_or(0, |o| u64::from(o.sold));
        let held = in_offer_orders.get(&index).copied().unwrap_or(0);
        println!("  offer {offer} ({}): the room counts {sold} sold, its open live orders hold {held}", world.skus[*sku]);
        findings.check(sold == held, || format!("offer {offer}: the room counts {sold} sold, its open orders hold {held}"));
    }
}
