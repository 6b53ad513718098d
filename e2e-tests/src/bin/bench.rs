//! `scripts/bench`: order capture on one hot SKU against a real local edge, beside a bare
//! route on the same server, with the oversell check; then the shipped wasm sizes.
//! Settings come from the environment (see `Settings::from_env`). Loopback only.

use e2e_tests::{join, owner, pickup_point, place_order, product_ids, set_stock, url, OWNER_A_PHONE, STORE_A};
use futures::{stream, StreamExt};
use reqwest::StatusCode;
use serde_json::Value;
use std::{
    io::Write,
    path::Path,
    time::{Duration, Instant},
};

struct Settings {
    concurrency: usize,
    bare_requests: usize,
    stock: u32,
    orders: usize,
    buyers: usize,
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
    let answers: Vec<(StatusCode, Duration)> = stream::iter(0..s.orders)
        .map(|i| {
            let buyer = &buyers[i % buyers.len()];
            let (sku, pickup) = (&sku, &pickup);
            async move {
                let t = Instant::now();
                let resp = place_order(buyer, &format!("bench-{run}-{i:06}"), pickup, &[(sku.as_str(), 1)]).await;
                let status = resp.status();
                let _ = resp.bytes().await;
                (status, t.elapsed())
            }
        })
        .buffer_unordered(s.concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let mut accepted = Vec::new();
    let mut refused = 0;
    for (status, took) in &answers {
        match *status {
            StatusCode::CREATED => accepted.push(*took),
            StatusCode::CONFLICT => refused += 1,
            other => panic!("unexpected answer {other} to an order"),
        }
    }
    Capture {
        throughput: s.orders as f64 / elapsed.as_secs_f64(),
        accepted: Timings(accepted),
        refused,
        all: Timings(answers.iter().map(|(_, d)| *d).collect()),
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

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// Raw, gzip -9 and brotli q11 size of a built file under the repository root.
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
    let s = Settings::from_env();
    println!("Linli benchmark against {} (concurrency {})", e2e_tests::base_url(), s.concurrency);

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
    println!("  all answers latency: {}", c.all.line());
    println!("ratio order capture / bare route: {:.2}", c.throughput / bare_rps);
    let oversold = oversell(&s, &c).await;
    println!("oversell: {oversold}");

    println!("wasm sizes");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for file in ["edge-worker/build/index_bg.wasm", "public/pkg/linli_app_bg.wasm", "public/pkg/linli_app.js"] {
        print_size(&root, file);
    }

    if oversold != 0 {
        std::process::exit(1);
    }
}
