//! `eval-recommendations HISTORY.csv OUT.csv [--knob name=value]...`
//!
//! Runs the shop's recommender (`shared_model::recommend`, the very code the edge runs)
//! on order histories in the Instacart format
//! (`order_id,user_id,order_number,order_dow,order_hour_of_day,days_since_prior_order,product_id,add_to_cart_order,reordered`):
//! 1. the tuning split: each user's last order in the file held out, recommended from
//!    the earlier ones; prints Recall@10 and NDCG@10 beside the reference baselines;
//! 2. the prediction: every user's next order after their last one in the file, written
//!    to OUT.csv as `user_id,product_id,rank` (rank 1 = most likely), ten per user.
//!
//! Days: each user's orders are placed on a day line from `days_since_prior_order`, and
//! the order to predict is expected one median gap after her last.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::time::Instant;

use shared_model::recommend::{build_profile, recommend, Basket, Knobs, ResidentHistory, Scores};

const K: usize = 10;

/// One order: its number, its day gap to the previous one and its products.
type Order<P = u32> = (u32, Option<i32>, Vec<P>);

/// Product ids as read (Instacart's are numbers, the shop's are `p-…` names), interned
/// as numbers in their sorted order (numbers numerically) so the model's tie-break by
/// key follows the file's ids and hashing stays cheap.
struct Products {
    names: Vec<String>,
}

/// One user's orders, in order.
struct UserOrders {
    user: String,
    orders: Vec<Order>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (files, knob_args): (Vec<&String>, Vec<&String>) = args.iter().partition(|a| !a.starts_with("--"));
    let [history, out] = files.as_slice() else {
        eprintln!("usage: eval-recommendations HISTORY.csv OUT.csv [--knob=name=value]...");
        std::process::exit(2);
    };
    let knobs = match parse_knobs(&knob_args) {
        Ok(knobs) => knobs,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let text = std::fs::read_to_string(history).unwrap_or_else(|e| fail(&format!("cannot read {history}: {e}")));
    let (users, products) = parse(&text).unwrap_or_else(|e| fail(&e));
    let rows = text.lines().count().saturating_sub(1);
    println!("{history}: {rows} rows, {} users", users.len());

    tuning_split(&users, &knobs);
    predict(&users, &products, &knobs, out);
    if let Some(peak) = peak_memory_kb() {
        println!("peak memory: {:.1} MB", peak as f64 / 1024.0);
    }
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1);
}

/// `--knob=order_decay=0.8` and the like, over [`Knobs::TUNED`].
fn parse_knobs(args: &[&String]) -> Result<Knobs, String> {
    let mut knobs = Knobs::TUNED;
    for arg in args {
        let Some((name, value)) = arg.strip_prefix("--knob=").and_then(|kv| kv.split_once('=')) else {
            return Err(format!("unknown option {arg}"));
        };
        let value: f64 = value.parse().map_err(|_| format!("{name}: not a number: {value}"))?;
        match name {
            "order_decay" => knobs.order_decay = value,
            "repeat_prior" => knobs.repeat_prior = value,
            "timing" => knobs.timing = value,
            "neighbours" => knobs.neighbours = value as usize,
            "neighbour_share" => knobs.neighbour_share = value,
            "similarity_power" => knobs.similarity_power = value,
            _ => return Err(format!("unknown knob {name}")),
        }
    }
    Ok(knobs)
}

fn parse(text: &str) -> Result<(Vec<UserOrders>, Products), String> {
    let mut lines = text.lines();
    let header = lines.next().ok_or("empty file")?;
    let columns: Vec<&str> = header.trim().split(',').collect();
    let at = |name: &str| columns.iter().position(|c| *c == name).ok_or(format!("no column {name}"));
    let (user_col, number_col, gap_col, product_col) =
        (at("user_id")?, at("order_number")?, at("days_since_prior_order")?, at("product_id")?);
    let mut by_user: BTreeMap<String, BTreeMap<u32, Order<&str>>> = BTreeMap::new();
    for (i, line) in lines.enumerate() {
        let fields: Vec<&str> = line.trim().split(',').collect();
        let bad = |what: &str| format!("line {}: bad {what}", i + 2);
        let user = fields.get(user_col).ok_or_else(|| bad("user_id"))?.to_string();
        let number: u32 = fields.get(number_col).and_then(|f| f.parse().ok()).ok_or_else(|| bad("order_number"))?;
        let gap = match fields.get(gap_col).copied().unwrap_or("") {
            "" => None,
            g => Some(g.parse::<f64>().map_err(|_| bad("days_since_prior_order"))? as i32),
        };
        let product = *fields.get(product_col).filter(|f| !f.is_empty()).ok_or_else(|| bad("product_id"))?;
        let order = by_user.entry(user).or_default().entry(number).or_insert((number, gap, Vec::new()));
        order.2.push(product);
    }
    let mut names: Vec<&str> =
        by_user.values().flat_map(|o| o.values().flat_map(|(_, _, items)| items.iter().copied())).collect();
    names.sort_by_key(|n| (n.parse::<u64>().ok(), *n));
    names.dedup();
    let index: HashMap<&str, u32> = names.iter().enumerate().map(|(i, n)| (*n, i as u32)).collect();
    let users = by_user
        .into_iter()
        .map(|(user, orders)| UserOrders {
            user,
            orders: orders.into_values().map(|(n, gap, items)| (n, gap, items.iter().map(|p| index[p]).collect())).collect(),
        })
        .collect();
    Ok((users, Products { names: names.into_iter().map(str::to_string).collect() }))
}

/// A user's first `take` orders as baskets on a day line that puts her expected next
/// order on day 0 (so "this week" means the week before it for everyone).
fn history(user: &UserOrders, take: usize) -> ResidentHistory<u32> {
    let mut day = 0;
    let mut baskets = Vec::with_capacity(take);
    let mut gaps = Vec::new();
    for (i, (_, gap, items)) in user.orders.iter().take(take).enumerate() {
        if i > 0 {
            let g = gap.unwrap_or(0);
            day += g;
            gaps.push(g);
        }
        baskets.push(Basket { day, items: items.clone() });
    }
    gaps.sort_unstable();
    let next_gap = gaps.get(gaps.len() / 2).copied().unwrap_or(7).max(1);
    let shift = day + next_gap;
    for basket in &mut baskets {
        basket.day -= shift;
    }
    ResidentHistory { resident: user.user.clone(), tags: Vec::new(), baskets }
}

fn tuning_split(users: &[UserOrders], knobs: &Knobs) {
    let eligible: Vec<&UserOrders> = users.iter().filter(|u| u.orders.len() >= 2).collect();
    let train: Vec<ResidentHistory<u32>> = eligible.iter().map(|u| history(u, u.orders.len() - 1)).collect();
    let started = Instant::now();
    let profile = build_profile(&train, 0, knobs);
    let build = started.elapsed();
    let shelf = shelf(&train);

    let mut model = Scores::default();
    let mut popularity = Scores::default();
    let mut frequency = Scores::default();
    let mut recency = Scores::default();
    let started = Instant::now();
    for (user, me) in eligible.iter().zip(&train) {
        let held: HashSet<u32> = user.orders.last().map(|o| o.2.iter().copied().collect()).unwrap_or_default();
        let picks: Vec<u32> = recommend(me, &profile, &shelf, 0, knobs, K).into_iter().map(|p| p.product).collect();
        model.add(&picks, &held, K);
        popularity.add(&shelf[..K.min(shelf.len())], &held, K);
        frequency.add(&personal(me, 1.0, &shelf), &held, K);
        recency.add(&personal(me, 0.9, &shelf), &held, K);
    }
    let per_user = started.elapsed().as_secs_f64() * 1000.0 / eligible.len().max(1) as f64;

    println!();
    println!("tuning split: each user's last order held out ({} users)", model.residents);
    println!("| method | Recall@10 | NDCG@10 | reference Recall@10 | reference NDCG@10 |");
    println!("|---|---|---|---|---|");
    let row = |name: &str, s: &Scores, reference: &str| println!("| {name} | {:.3} | {:.3} | {reference} |", s.recall, s.ndcg);
    row("global popularity", &popularity, "0.076 | 0.108");
    row("personal purchase frequency", &frequency, "0.344 | 0.424");
    row("personal frequency, recency-weighted (0.9/order)", &recency, "0.381 | 0.471");
    row("Linli recommender", &model, "target ≥ 0.400 |");
    println!("knobs: {knobs:?}");
    println!("profile build: {:.0} ms; recommending: {per_user:.2} ms per user", build.as_secs_f64() * 1000.0);
}

/// All products, most bought (by distinct users) first: the global popularity baseline
/// and, to the model, the shelf (everything is on sale in a history file).
fn shelf(residents: &[ResidentHistory<u32>]) -> Vec<u32> {
    let mut buyers: HashMap<u32, usize> = HashMap::new();
    for r in residents {
        let mine: HashSet<u32> = r.baskets.iter().flat_map(|b| b.items.iter().copied()).collect();
        for p in mine {
            *buyers.entry(p).or_insert(0) += 1;
        }
    }
    let mut all: Vec<(u32, usize)> = buyers.into_iter().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    all.into_iter().map(|(p, _)| p).collect()
}

/// The baselines: own products by (decayed) count, topped up with popular ones.
fn personal(me: &ResidentHistory<u32>, decay: f64, popular: &[u32]) -> Vec<u32> {
    let n = me.baskets.len();
    let mut score: HashMap<u32, f64> = HashMap::new();
    for (i, basket) in me.baskets.iter().enumerate() {
        let weight = decay.powi((n - 1 - i) as i32);
        for p in basket.items.iter().collect::<HashSet<_>>() {
            *score.entry(*p).or_insert(0.0) += weight;
        }
    }
    let mut ranked: Vec<(u32, f64)> = score.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut list: Vec<u32> = ranked.into_iter().map(|(p, _)| p).take(K).collect();
    for p in popular {
        if list.len() >= K {
            break;
        }
        if !list.contains(p) {
            list.push(*p);
        }
    }
    list
}

fn predict(users: &[UserOrders], products: &Products, knobs: &Knobs, out: &str) {
    let all: Vec<ResidentHistory<u32>> = users.iter().map(|u| history(u, u.orders.len())).collect();
    let started = Instant::now();
    let profile = build_profile(&all, 0, knobs);
    let build = started.elapsed();
    let size = serde_json::to_string(&profile).map(|s| s.len()).unwrap_or(0);
    let shelf = shelf(&all);
    let mut csv = String::from("user_id,product_id,rank\n");
    for me in &all {
        for (rank, pick) in recommend(me, &profile, &shelf, 0, knobs, K).iter().enumerate() {
            let _ = writeln!(csv, "{},{},{}", me.resident, products.names[pick.product as usize], rank + 1);
        }
    }
    if let Err(e) = std::fs::write(out, csv) {
        fail(&format!("cannot write {out}: {e}"));
    }
    println!();
    println!(
        "next orders: top {K} for {} users written to {out}; profile of all orders built in {:.0} ms, {:.0} KB as JSON",
        all.len(),
        build.as_secs_f64() * 1000.0,
        size as f64 / 1024.0
    );
}

/// Peak resident memory of this process (Linux), in KB.
fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
