//! The authorization matrix (issue 11, item 3): every operation of the edge's OpenAPI
//! document, which the worker makes from its one route list, asked by six roles with the
//! ids of another person's things, each answer checked against the status in one table.
//! An operation the document has and the table lacks, or a row the document no longer
//! has, fails the test by name, so a new route cannot ship without its row.
//!
//! The other person is the victim: a resident of store A who is none of the six. She owns
//! an order placed in the shop, a live order, a line in her cart, a tasting booking, a
//! review with a photo of a picked-up order, and a wish; store A's owner runs the live.
//! The six: nobody signed in, a resident of store A, a resident of store B, a KOC of store
//! A, store A's owner, store B's owner. Operator routes need the operator's token, which
//! no role holds.
//!
//! Rows run phase by phase ([`When`]), and within a row every refusal is asked before any
//! allowed role, so nothing an allowed request changes is what a refusal is checked on.
//! Besides the statuses, every answer to anyone is searched for the victim's pickup and
//! check-in codes, and her things are read back at the end as she and her store's owner
//! left them.

use e2e_tests::{
    client, json_of,
    live::{live, Live, OfferTerms},
    now, owner, owner_password, owner_session, pack_and_hand_over, pickup_point, place_order, product_ids, resident,
    schedule_tasting, set_koc, set_stock, unique_phone, url, Resident, OWNER_A_PHONE, OWNER_B_PHONE, STORE_A, STORE_B,
};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

/// The roles, in the order of every row's statuses.
const ROLES: [&str; 6] = ["anonymous", "resident A", "resident B", "KOC", "owner A", "owner B"];

/// Store A's SKUs this test takes (by id order; other journeys take their own): the
/// victim's cart and orders, the live's offer, a spare offer to unpin, the owner's pin.
const SHOP_PRODUCT: usize = 30;
const LIVE_PRODUCT: usize = 31;
const SPARE_OFFER_PRODUCT: usize = 32;
const PIN_PRODUCT: usize = 33;
/// A near-expiry SKU (3 days' shelf life) store A's owner marks down.
const MARKDOWN_PRODUCT: usize = 25;

/// A small real JPEG (one of the demo photos).
const JPEG: &[u8] = include_bytes!("../../edge-worker/seed/photos/eggs.jpg");

/// The table: one row per operation of the document, with the status each role gets.
#[rustfmt::skip]
fn table() -> Vec<Route> {
    use When::*;
    vec![
        //                                                                   anon  res A res B KOC   own A own B
        route("GET",    "/api/v1/health",                                   [200,  200,  200,  200,  200,  200]),
        route("GET",    "/api/v1/stores",                                   [200,  200,  200,  200,  200,  200]),
        route("GET",    "/api/v1/stores/{store}",                           [200,  200,  200,  200,  200,  200]),
        route("GET",    "/api/v1/stores/{store}/join-qr.svg",               [200,  200,  200,  200,  200,  200]),
        route("GET",    "/api/v1/stores/{store}/products",                  [200,  200,  200,  200,  200,  200]),
        route("GET",    "/api/v1/stores/{store}/products/{product}",        [200,  200,  200,  200,  200,  200]),
        route("PATCH",  "/api/v1/stores/{store}/products/{product}",        [401,  403,  403,  403,  200,  403])
            .json(|_, _| json!({ "stock": 100 })),
        route("GET",    "/api/v1/stores/{store}/orders",                    [401,  403,  403,  403,  200,  403]),
        // Joining and signing in are open to all; each answers with a session of its own.
        route("POST",   "/api/v1/stores/{store}/residents",                 [201,  201,  201,  201,  201,  201])
            .when(SignIn).json(|_, fresh| json!({ "nickname": "新邻居", "phone": fresh.phone, "building": "12栋", "unit": "" })),
        route("POST",   "/api/v1/stores/{store}/sessions",                  [201,  201,  201,  201,  201,  201])
            .when(SignIn).with_device_code()
            .json(|f, fresh| json!({ "phone": f.victim.phone, "code": fresh.device_code })),
        route("POST",   "/api/v1/stores/{store}/sign-in-codes",             [202,  202,  202,  202,  202,  202])
            .json(|_, fresh| json!({ "phone": fresh.phone })),
        route("POST",   "/api/v1/stores/{store}/assisted-sign-in-codes",    [401,  403,  403,  403,  201,  403])
            .json(|f, _| json!({ "phone": f.victim.phone })),
        route("POST",   "/api/v1/sessions",                                 [201,  201,  201,  201,  201,  201])
            .when(SignIn).json(|_, _| json!({ "phone": OWNER_A_PHONE, "password": owner_password() })),
        route("DELETE", "/api/v1/sessions/current",                         [200,  200,  200,  200,  200,  200]).when(SignOut),
        route("GET",    "/api/v1/me",                                       [401,  200,  200,  200,  200,  200]),
        route("POST",   "/api/v1/me/device-codes",                          [401,  201,  201,  201,  403,  403]),
        // The cart is the caller's own: the victim's line is named by its product.
        route("GET",    "/api/v1/cart",                                     [401,  200,  200,  200,  403,  403]),
        route("PUT",    "/api/v1/cart/items/{product}",                     [401,  200,  200,  200,  403,  403])
            .json(|_, _| json!({ "quantity": 1 })),
        route("DELETE", "/api/v1/cart/items/{product}",                     [401,  200,  200,  200,  403,  403]),
        // Store A's pickup point is no pickup point of store B's.
        route("POST",   "/api/v1/orders",                                   [401,  201,  422,  201,  403,  403])
            .keyed().json(|f, _| json!({ "pickup_point_id": f.pickup, "lines": [{ "product_id": f.sku, "quantity": 1 }] })),
        route("GET",    "/api/v1/orders",                                   [401,  200,  200,  200,  200,  200]),
        route("GET",    "/api/v1/orders/{order}",                           [401,  404,  404,  404,  200,  404]),
        route("POST",   "/api/v1/orders/{order}/cancellation",              [401,  404,  404,  404,  404,  404]),
        route("POST",   "/api/v1/orders/{order}/status-changes",            [401,  404,  404,  404,  200,  404])
            .when(Late).json(|_, _| json!({ "status": "ready_for_pickup" })),
        route("GET",    "/api/v1/stores/{store}/lives",                     [200,  200,  200,  200,  200,  200]),
        route("POST",   "/api/v1/stores/{store}/lives",                     [401,  403,  403,  403,  201,  403])
            .json(|_, _| json!({ "title": "周末水果专场", "starts_at": (now() + chrono::Duration::hours(2)).to_rfc3339() })),
        route("GET",    "/api/v1/stores/{store}/residents",                 [401,  403,  403,  403,  200,  403]),
        route("PUT",    "/api/v1/stores/{store}/residents/{person}/koc",    [401,  403,  403,  403,  200,  403])
            .json(|_, _| json!({ "is_koc": false })),
        route("GET",    "/api/v1/lives/{live}",                             [200,  200,  200,  200,  200,  200]),
        route("GET",    "/api/v1/lives/{live}/socket",                      [101,  101,  101,  101,  101,  101]).socket(),
        route("POST",   "/api/v1/lives/{live}/status-changes",              [401,  403,  403,  403,  200,  403])
            .spare(&["live"]).json(|_, _| json!({ "status": "ended" })),
        route("POST",   "/api/v1/lives/{live}/offers",                      [401,  403,  403,  403,  201,  403])
            .json(|f, _| f.new_offer.clone()),
        route("POST",   "/api/v1/lives/{live}/offers/{offer}/unpin",        [401,  403,  403,  403,  200,  403]).spare(&["offer"]),
        route("POST",   "/api/v1/lives/{live}/offers/{offer}/orders",       [401,  201,  403,  201,  403,  403])
            .keyed().json(|_, _| json!({ "quantity": 1 })),
        route("GET",    "/api/v1/lives/{live}/summary",                     [401,  403,  403,  403,  200,  403]),
        route("PUT",    "/api/v1/lives/{live}/reminder",                    [401,  200,  403,  200,  403,  403]),
        route("DELETE", "/api/v1/lives/{live}/reminder",                    [401,  200,  403,  200,  403,  403]),
        route("GET",    "/api/v1/me/notices",                               [200,  200,  200,  200,  200,  200]),
        route("POST",   "/api/v1/me/notices/read",                          [401,  200,  200,  200,  403,  403])
            .json(|_, _| json!({ "up_to": 0 })),
        route("GET",    "/api/v1/stores/{store}/demands",                   [200,  200,  200,  200,  200,  200]),
        route("POST",   "/api/v1/stores/{store}/demands",                   [401,  201,  403,  201,  403,  403])
            .json(|_, _| json!({ "text": "想要崇明的白扁豆，一次买两斤" })),
        route("PUT",    "/api/v1/demands/{demand}/vote",                    [401,  200,  403,  200,  403,  403]),
        route("DELETE", "/api/v1/demands/{demand}/vote",                    [401,  200,  403,  200,  403,  403]),
        route("POST",   "/api/v1/demands/{demand}/status-changes",          [401,  403,  403,  403,  200,  403])
            .when(Late).json(|_, _| json!({ "status": "sourcing" })),
        route("GET",    "/api/v1/stores/{store}/tastings",                  [200,  200,  200,  200,  200,  200]),
        route("POST",   "/api/v1/stores/{store}/tastings",                  [401,  403,  403,  403,  201,  403])
            .json(|_, _| json!({
                "title": "周末橙子品鉴", "starts_at": (now() + chrono::Duration::days(3)).to_rfc3339(),
                "place": "店内二楼品鉴区", "seats": 8, "seats_per_household": 2,
            })),
        route("GET",    "/api/v1/stores/{store}/nps",                       [401,  403,  403,  403,  200,  403]),
        route("GET",    "/api/v1/tastings/{tasting}",                       [200,  200,  200,  200,  200,  200]),
        route("PUT",    "/api/v1/tastings/{tasting}/booking",               [401,  201,  403,  201,  403,  403])
            .json(|_, _| json!({ "seats": 1 })),
        // A booking is the caller's own: before she has one, the victim's is not found.
        route("DELETE", "/api/v1/tastings/{tasting}/booking",               [401,  404,  403,  404,  403,  403]).when(First),
        route("GET",    "/api/v1/tastings/{tasting}/booking/qr.svg",        [401,  404,  403,  404,  403,  403]).when(First),
        route("GET",    "/api/v1/tastings/{tasting}/bookings",              [401,  403,  403,  403,  200,  403]),
        route("POST",   "/api/v1/tastings/{tasting}/check-ins",             [401,  403,  403,  403,  200,  403])
            .when(Late).json(|f, _| json!({ "code": f.check_in_code })),
        route("POST",   "/api/v1/tastings/{tasting}/cancellation",          [401,  403,  403,  403,  200,  403]).spare(&["tasting"]),
        // Only a guest who came answers; none of the six did.
        route("POST",   "/api/v1/tastings/{tasting}/nps",                   [401,  403,  403,  403,  403,  403])
            .json(|_, _| json!({ "score": 9 })),
        route("GET",    "/api/v1/stores/{store}/featured-reviews",          [200,  200,  200,  200,  200,  200]),
        route("GET",    "/api/v1/stores/{store}/reviews",                   [401,  403,  403,  403,  200,  403]),
        route("POST",   "/api/v1/stores/{store}/reviews",                   [401,  404,  403,  404,  403,  403])
            .json(|f, _| json!({ "order_id": f.reviewed_order, "product_id": f.sku, "stars": 1, "text": "不是我买的" })),
        route("GET",    "/api/v1/me/reviews",                               [401,  200,  200,  200,  200,  200]),
        route("POST",   "/api/v1/reviews/{review}/photos",                  [401,  404,  404,  404,  404,  404]).photo(),
        route("POST",   "/api/v1/reviews/{review}/moderation",              [401,  403,  403,  403,  200,  403])
            .when(Late).json(|_, _| json!({ "action": "hide", "reason": "与商品无关" })),
        route("GET",    "/api/v1/photos/{photo}",                           [200,  200,  200,  200,  200,  200]),
        route("GET",    "/api/v1/me/recommendations",                       [401,  200,  200,  200,  403,  403]),
        route("GET",    "/api/v1/cart/suggestions",                         [401,  200,  200,  200,  403,  403]),
        route("GET",    "/api/v1/me/coupons",                               [401,  200,  200,  200,  403,  403]),
        route("POST",   "/api/v1/me/product-views",                         [401,  204,  204,  204,  403,  403])
            .json(|f, _| json!({ "product_id": f.sku, "seconds": 5 })),
        route("GET",    "/api/v1/me/preferences",                           [401,  200,  200,  200,  403,  403]),
        route("PUT",    "/api/v1/me/preferences",                           [401,  200,  200,  200,  403,  403])
            .json(|_, _| json!({ "browse_follow_ups": true })),
        route("POST",   "/api/v1/admin/browse-follow-ups",                  [401,  401,  401,  401,  401,  401]),
        route("POST",   "/api/v1/stores/{store}/coupons",                   [401,  403,  403,  403,  201,  403])
            .json(|f, _| json!({ "person_ids": [f.victim.me.person_id], "terms": { "amount": 300, "valid_days": 3 } })),
        // Terms its owner may not use (amount 0): allowed through, refused as terms, so
        // the demo chain's overdue residents get no coupon from this test.
        route("POST",   "/api/v1/stores/{store}/coupons/returning",         [401,  403,  403,  403,  422,  403])
            .json(|_, _| json!({ "amount": 0, "valid_days": 7 })),
        route("GET",    "/api/v1/stores/{store}/markdowns",                 [401,  403,  403,  403,  200,  403]),
        route("POST",   "/api/v1/stores/{store}/markdowns",                 [401,  403,  403,  403,  201,  403])
            .json(|f, _| json!({ "product_id": f.markdown_sku, "rate": 90 })),
        route("PUT",    "/api/v1/stores/{store}/products/{product}/markdown-floor", [401,  403,  403,  403,  200,  403])
            .json(|_, _| json!({ "floor": null })),
        route("GET",    "/api/v1/stores/{store}/brain",                     [401,  403,  403,  403,  200,  403]),
        route("POST",   "/api/v1/stores/{store}/brain",                     [401,  403,  403,  403,  200,  403]),
        route("GET",    "/api/v1/stores/{store}/numbers",                   [401,  403,  403,  403,  200,  403]),
        route("POST",   "/api/v1/stores/{store}/numbers",                   [401,  403,  403,  403,  200,  403]),
        route("GET",    "/api/v1/chain/numbers",                            [401,  403,  403,  403,  403,  403]),
        // No floor at all: allowed through, refused as a size, so the store keeps its own.
        route("PUT",    "/api/v1/stores/{store}/size",                      [401,  403,  403,  403,  422,  403])
            .json(|_, _| json!({ "area_m2": 0, "staff": 3 })),
        route("GET",    "/api/v1/stores/{store}/supply",                    [401,  403,  403,  403,  200,  403]),
        // A supplier the store does not have: let through, refused as such, nothing sent.
        route("POST",   "/api/v1/stores/{store}/supply/purchase-orders",    [401,  403,  403,  403,  404,  403])
            .json(|_, _| json!({ "supplier_id": "sup-none", "pickup_date": "2030-01-01" })),
        route("GET",    "/api/v1/stores/{store}/supply/deliveries",         [401,  403,  403,  403,  200,  403]),
        route("POST",   "/api/v1/stores/{store}/supply/resends",            [401,  403,  403,  403,  404,  403])
            .json(|_, _| json!({ "purchase_order_id": "po-none" })),
        route("GET",    "/api/v1/stores/{store}/supply/demo-inbox",         [401,  403,  403,  403,  200,  403]),
        route("PUT",    "/api/v1/stores/{store}/supply/demo-inbox",         [401,  403,  403,  403,  200,  403])
            .json(|_, _| json!({ "open": true })),
        // The demo supplier takes only what the chain signed: nobody here can.
        route("POST",   "/api/v1/demo-supplier/purchase-orders",            [401,  401,  401,  401,  401,  401])
            .json(|_, _| json!({ "id": "po-x", "store_id": "st-gubei", "store_name": "x", "supplier_id": "sup-demo-farm", "pickup_date": "2030-01-01", "lines": [] })),
        route("GET",    "/api/v1/stores/{store}/stock",                     [401,  403,  403,  403,  200,  403]),
        route("POST",   "/api/v1/stores/{store}/stock/receipts",            [401,  403,  403,  403,  201,  403])
            .keyed().json(|f, _| json!({ "lines": [{ "product_id": f.sku, "quantity": 1,
                "best_before": (now() + chrono::Duration::days(5)).date_naive() }] })),
        route("POST",   "/api/v1/stores/{store}/stock/write-offs",          [401,  403,  403,  403,  201,  403])
            .keyed().json(|f, _| json!({ "product_id": f.sku, "quantity": 1, "reason": "damaged" })),
        // Counted as shown: allowed through, and nothing moves.
        route("POST",   "/api/v1/stores/{store}/stock/counts",              [401,  403,  403,  403,  201,  403])
            .keyed().json(|f, _| json!({ "lines": [{ "product_id": f.sku, "counted": 3, "expected": 3 }] })),
        route("POST",   "/api/v1/admin/seed",                               [401,  401,  401,  401,  401,  401]),
        route("POST",   "/api/v1/admin/recommendations",                    [401,  401,  401,  401,  401,  401]),
        route("GET",    "/api/v1/admin/order-history",                      [401,  401,  401,  401,  401,  401]),
        route("POST",   "/api/v1/admin/brain-runs",                         [401,  401,  401,  401,  401,  401]),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_route_answers_every_role_as_the_table_says() {
    let table = table();
    let documented = documented_operations().await;
    let listed: BTreeSet<(String, String)> = table.iter().map(|r| (r.method.to_string(), r.path.to_string())).collect();
    assert_eq!(listed.len(), table.len(), "the table lists an operation twice");
    let unlisted: Vec<String> = documented.difference(&listed).map(|(m, p)| format!("{m} {p}")).collect();
    let undocumented: Vec<String> = listed.difference(&documented).map(|(m, p)| format!("{m} {p}")).collect();
    assert!(
        unlisted.is_empty() && undocumented.is_empty(),
        "the authorization table and the edge's routes differ:\nroutes with no row: {unlisted:#?}\nrows of no route: {undocumented:#?}"
    );

    let (fixtures, roles) = tokio::join!(Fixtures::new(), roles());
    let answers = ask_all(&table, &fixtures, &roles).await;

    let wrong = report(&table, &answers, &fixtures.secrets);
    assert!(wrong.is_empty(), "{} answers are not as the table says:\n{}", wrong.len(), wrong.join("\n"));
    fixtures.left_as_she_and_her_owner_left_them().await;
}

/// Prints the matrix (one line per route, `!` after a status the table does not expect)
/// and returns what is wrong: each unexpected status, and each answer to a role that
/// carries one of the victim's codes.
fn report(table: &[Route], answers: &[[Answer; 6]], secrets: &[(&str, String)]) -> Vec<String> {
    println!("authorization matrix: {} routes × {} roles = {} requests", table.len(), ROLES.len(), table.len() * ROLES.len());
    println!("{:<57}{}", "", ROLES.map(|r| format!("{r:<11}")).concat().trim_end());
    let mut wrong = Vec::new();
    for (route, row) in table.iter().zip(answers) {
        let mut cells = String::new();
        for ((answer, expected), role) in row.iter().zip(route.expect).zip(ROLES) {
            let mark = if answer.status == expected { ' ' } else { '!' };
            cells += &format!("{:<11}", format!("{}{mark}", answer.status));
            let (method, path) = (route.method, route.path);
            if answer.status != expected {
                let body: String = answer.body.chars().take(200).collect();
                wrong.push(format!("{method} {path} as {role}: expected {expected}, got {}: {body}", answer.status));
            }
            for (what, _) in secrets.iter().filter(|(_, code)| answer.body.contains(code.as_str())) {
                wrong.push(format!("{method} {path} as {role}: the answer carries the victim's {what}"));
            }
        }
        println!("{:<7}{:<50}{}", route.method, route.path, cells.trim_end());
    }
    wrong
}

// ---------------------------------------------------------------------------------------
// The table's rows

/// When a row runs: phase by phase, in table order within a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum When {
    /// Before the residents book seats of their own: their answer is about the victim's.
    First,
    /// Any time: reads, and changes to the caller's own things or to a spare object.
    Any,
    /// The owner moves one of the victim's things on (hands her order over, checks her in,
    /// answers her wish, hides her review): after every other row that acts on it.
    Late,
    /// Joining or signing in: sent from a new client carrying the role's session cookie,
    /// so the session it answers with replaces none the other rows use.
    SignIn,
    /// Signing out ends the role's session: last of all.
    SignOut,
}

/// A request's body, made from the fixtures and what is fresh for this one request.
type MakeBody = fn(&Fixtures, &Fresh) -> Value;

/// One operation of the document and how each role fares on it.
struct Route {
    method: &'static str,
    /// The path as the document writes it (`{name}` for a parameter).
    path: &'static str,
    /// The status each role gets, in the order of [`ROLES`].
    expect: [u16; 6],
    when: When,
    body: Body,
    /// Parameters that name a spare object rather than the victim's (see [`Fixtures`]).
    spare: &'static [&'static str],
    /// Sent with an `Idempotency-Key`.
    keyed: bool,
    /// Sent as a WebSocket handshake.
    socket: bool,
    /// The victim asks for a new one-time sign-in code before each request ([`Fresh`]).
    device_code: bool,
}

enum Body {
    None,
    Json(MakeBody),
    /// A photo's bytes.
    Photo,
}

fn route(method: &'static str, path: &'static str, expect: [u16; 6]) -> Route {
    Route { method, path, expect, when: When::Any, body: Body::None, spare: &[], keyed: false, socket: false, device_code: false }
}

impl Route {
    fn when(self, when: When) -> Self {
        Route { when, ..self }
    }
    fn json(self, make: MakeBody) -> Self {
        Route { body: Body::Json(make), ..self }
    }
    fn photo(self) -> Self {
        Route { body: Body::Photo, ..self }
    }
    fn spare(self, spare: &'static [&'static str]) -> Self {
        Route { spare, ..self }
    }
    fn keyed(self) -> Self {
        Route { keyed: true, ..self }
    }
    fn socket(self) -> Self {
        Route { socket: true, ..self }
    }
    fn with_device_code(self) -> Self {
        Route { device_code: true, ..self }
    }

    /// The path with its parameters filled from the fixtures.
    fn filled(&self, fixtures: &Fixtures) -> String {
        self.path
            .split('/')
            .map(|segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    let ids = if self.spare.contains(&name) { &fixtures.spares } else { &fixtures.ids };
                    ids.get(name).unwrap_or_else(|| panic!("{} {}: no fixture for {{{name}}}", self.method, self.path)).clone()
                }
                None => segment.to_string(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// What each request gets new: a phone nobody has used, an idempotency key, and (for
/// [`Route::device_code`]) a sign-in code the victim has just asked for.
struct Fresh {
    phone: String,
    key: String,
    device_code: Option<String>,
}

/// The operations of the edge's OpenAPI document, as (method, path).
async fn documented_operations() -> BTreeSet<(String, String)> {
    let doc: Value = json_of(client().get(url("/api/v1/openapi.json")).send().await.expect("openapi.json")).await;
    let paths = doc["paths"].as_object().expect("the document's paths");
    let methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
    paths
        .iter()
        .flat_map(|(path, item)| {
            methods.iter().filter(|m| item.get(**m).is_some()).map(move |m| (m.to_ascii_uppercase(), path.clone()))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Asking

/// Someone asking: a client, and the session cookie to carry from another client.
struct Role {
    client: Client,
    cookie: Option<String>,
}

/// The six roles, in the order of [`ROLES`].
async fn roles() -> Vec<Role> {
    let signed_in = |r: Resident| Role { client: r.client, cookie: Some(r.cookie) };
    let (resident_a, resident_b, koc, (owner_a, owner_a_cookie), (owner_b, owner_b_cookie)) = tokio::join!(
        resident(STORE_A, "隔壁的邻居", "9栋"),
        resident(STORE_B, "西溪的邻居", "2栋"),
        resident(STORE_A, "美食达人", "10栋"),
        owner_session(OWNER_A_PHONE),
        owner_session(OWNER_B_PHONE),
    );
    let made = set_koc(&owner_a, koc.me.person_id.as_str(), true).await;
    assert_eq!(made.status(), StatusCode::OK, "make the KOC");
    vec![
        Role { client: client(), cookie: None },
        signed_in(resident_a),
        signed_in(resident_b),
        signed_in(koc),
        Role { client: owner_a, cookie: Some(owner_a_cookie) },
        Role { client: owner_b, cookie: Some(owner_b_cookie) },
    ]
}

/// One answer: its status and body (as text, for the report and the secrets search).
struct Answer {
    status: u16,
    body: String,
}

/// Asks every row as every role, phase by phase, refusals first within a row; the
/// answers in table order, each row's in the order of [`ROLES`].
async fn ask_all(table: &[Route], fixtures: &Fixtures, roles: &[Role]) -> Vec<[Answer; 6]> {
    let mut order: Vec<usize> = (0..table.len()).collect();
    order.sort_by_key(|&i| table[i].when);
    let mut answers: Vec<Option<[Answer; 6]>> = (0..table.len()).map(|_| None).collect();
    for i in order {
        let route = &table[i];
        let mut asked: Vec<usize> = (0..ROLES.len()).collect();
        asked.sort_by_key(|&r| route.expect[r] < 400);
        let mut row: [Option<Answer>; 6] = Default::default();
        for r in asked {
            row[r] = Some(ask(route, fixtures, &roles[r]).await);
        }
        answers[i] = Some(row.map(|a| a.expect("every role asked")));
    }
    answers.into_iter().map(|a| a.expect("every row asked")).collect()
}

/// One request of `route` by `role`.
async fn ask(route: &Route, fixtures: &Fixtures, role: &Role) -> Answer {
    let fresh = Fresh {
        phone: unique_phone(),
        key: format!("authz-{}", unique_phone()),
        device_code: if route.device_code { Some(fixtures.victims_device_code().await) } else { None },
    };
    let (method, target) = (Method::from_bytes(route.method.as_bytes()).expect("a method"), url(&route.filled(fixtures)));
    let mut request = match (route.when, &role.cookie) {
        (When::SignIn, Some(cookie)) => client().request(method, target).header("Cookie", cookie),
        (When::SignIn, None) => client().request(method, target),
        _ => role.client.request(method, target),
    };
    request = match &route.body {
        Body::None => request,
        Body::Json(make) => request.json(&make(fixtures, &fresh)),
        Body::Photo => request.header("Content-Type", "image/jpeg").body(JPEG.to_vec()),
    };
    if route.keyed {
        request = request.header("Idempotency-Key", &fresh.key);
    }
    if route.socket {
        request = request
            .header("Upgrade", "websocket")
            .header("Connection", "Upgrade")
            .header("Sec-WebSocket-Version", "13")
            .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    }
    let resp = request.send().await.unwrap_or_else(|e| panic!("{} {}: {e}", route.method, route.path));
    let status = resp.status().as_u16();
    // A socket's answer has no end: the handshake's status is all there is to read.
    let body = if status == 101 { String::new() } else { resp.text().await.unwrap_or_default() };
    Answer { status, body }
}

// ---------------------------------------------------------------------------------------
// The victim's things

/// What the rows' paths and bodies are made of.
struct Fixtures {
    /// What each path parameter names: store A, store A's SKU in the victim's cart, her
    /// order, live, booking's tasting, review, its photo, wish, and herself.
    ids: HashMap<&'static str, String>,
    /// Objects of their own for rows whose allowed request ends what it acts on: a live
    /// to end, an offer to unpin, a tasting to call off.
    spares: HashMap<&'static str, String>,
    victim: Resident,
    sku: String,
    markdown_sku: String,
    pickup: String,
    /// Her picked-up order, which she reviewed.
    reviewed_order: String,
    check_in_code: String,
    /// An offer store A's owner may pin in the live.
    new_offer: Value,
    /// Her codes (what, and the code as a JSON string), never to appear in an answer to
    /// anyone else.
    secrets: Vec<(&'static str, String)>,
    /// Her live order, her cart's quantity and her review's text, to read back at the end.
    live_order: String,
    order_code: String,
    review_text: String,
}

impl Fixtures {
    async fn new() -> Fixtures {
        let ids = product_ids(STORE_A).await;
        let (sku, spare_sku, pin_sku) = (ids[SHOP_PRODUCT].clone(), ids[SPARE_OFFER_PRODUCT].clone(), ids[PIN_PRODUCT].clone());
        let terms = OfferTerms::open_now(20);
        let (owner, on_air, ending, victim, pickup) = tokio::join!(
            owner(OWNER_A_PHONE),
            live(LIVE_PRODUCT, 100, &terms),
            Live::on_air(),
            resident(STORE_A, "被看的邻居", "8栋"),
            pickup_point(STORE_A),
        );
        for product in [&sku, &spare_sku, &pin_sku] {
            set_stock(&owner, STORE_A, product, 100, None).await;
        }
        let spare_offer = on_air.live.pin(&spare_sku, &OfferTerms::open_now(5)).await;
        let new_offer = serde_json::to_value(Live::offer_for(&pin_sku, &OfferTerms::open_now(5)).await).unwrap();

        // Her orders: one placed, one handed over and reviewed with a photo, one live buy.
        let (order, order_code) = placed(&victim, &pickup, &sku).await;
        let (reviewed_order, reviewed_code) = placed(&victim, &pickup, &sku).await;
        pack_and_hand_over(&owner, &reviewed_order, &reviewed_code).await;
        let review_text = "很新鲜，邻居们放心买".to_string();
        let review: Value = created(
            victim
                .client
                .post(url(&format!("/api/v1/stores/{STORE_A}/reviews")))
                .json(&json!({ "order_id": reviewed_order, "product_id": sku, "stars": 5, "text": review_text })),
            "her review",
        )
        .await;
        let review_id = review["review"]["id"].as_str().unwrap().to_string();
        let with_photo: Value = created(
            victim
                .client
                .post(url(&format!("/api/v1/reviews/{review_id}/photos")))
                .header("Content-Type", "image/jpeg")
                .body(JPEG.to_vec()),
            "her review's photo",
        )
        .await;
        let photo = with_photo["review"]["photo_ids"][0].as_str().unwrap().to_string();
        let bought = on_air.live.buy(&victim.client, on_air.offer.id.as_str(), &format!("authz-{}", unique_phone()), 1).await;
        let bought: Value = created_answer(bought, "her live buy").await;
        let (live_order, live_code) = order_and_code(&bought);

        // Her cart line (after the orders, which empty nothing but are placed from no cart).
        let cart = victim.client.put(url(&format!("/api/v1/cart/items/{sku}"))).json(&json!({ "quantity": 2 })).send();
        assert_eq!(cart.await.unwrap().status(), StatusCode::OK, "her cart line");

        // Her booking of a tasting that starts in half an hour (the door is open), and
        // her wish.
        let (tasting, spare_tasting) = tokio::join!(
            schedule_tasting(&owner, "今晚车厘子品鉴", chrono::Duration::minutes(30), 10, 2),
            schedule_tasting(&owner, "改期的试吃", chrono::Duration::minutes(30), 4, 2),
        );
        let tasting = tasting["id"].as_str().unwrap().to_string();
        let booked: Value = created(
            victim.client.put(url(&format!("/api/v1/tastings/{tasting}/booking"))).json(&json!({ "seats": 1 })),
            "her booking",
        )
        .await;
        let check_in_code = booked["my_booking"]["check_in_code"].as_str().expect("a check-in code").to_string();
        let wish: Value = created(
            victim
                .client
                .post(url(&format!("/api/v1/stores/{STORE_A}/demands")))
                .json(&json!({ "text": "想要云南的小粒咖啡豆" })),
            "her wish",
        )
        .await;

        let secrets = [&order_code, &reviewed_code, &live_code]
            .map(|code| ("pickup code", format!("\"{code}\"")))
            .into_iter()
            .chain([("check-in code", format!("\"{check_in_code}\""))])
            .collect();
        Fixtures {
            ids: HashMap::from([
                ("store", STORE_A.to_string()),
                ("product", sku.clone()),
                ("order", order),
                ("person", victim.me.person_id.to_string()),
                ("live", on_air.live.id.to_string()),
                ("offer", on_air.offer.id.to_string()),
                ("demand", wish["id"].as_str().unwrap().to_string()),
                ("tasting", tasting),
                ("review", review_id),
                ("photo", photo),
            ]),
            spares: HashMap::from([
                ("live", ending.id.to_string()),
                ("offer", spare_offer.id.to_string()),
                ("tasting", spare_tasting["id"].as_str().unwrap().to_string()),
            ]),
            victim,
            sku,
            markdown_sku: ids[MARKDOWN_PRODUCT].clone(),
            pickup,
            reviewed_order,
            check_in_code,
            new_offer,
            secrets,
            live_order,
            order_code,
            review_text,
        }
    }

    /// A new one-time code the victim asks for to sign in on another device.
    async fn victims_device_code(&self) -> String {
        let code: Value = created(self.victim.client.post(url("/api/v1/me/device-codes")), "her device code").await;
        code["code"].as_str().expect("a device code").to_string()
    }

    /// What she reads of her things after the matrix: as she left them, moved on only by
    /// her store's owner (her order ready, her booking checked in, her review hidden).
    async fn left_as_she_and_her_owner_left_them(&self) {
        let get = |path: String| async move { json_of::<Value>(self.victim.client.get(url(&path)).send().await.unwrap()).await };
        let order = get(format!("/api/v1/orders/{}", self.ids["order"])).await;
        assert_eq!(
            (order["status"].as_str(), order["pickup_code"].as_str()),
            (Some("ready_for_pickup"), Some(&*self.order_code))
        );
        let live_order = get(format!("/api/v1/orders/{}", self.live_order)).await;
        assert_eq!(live_order["status"], "placed", "{live_order}");
        let cart = get("/api/v1/cart".into()).await;
        let lines = cart["cart"]["lines"].as_array().expect("cart lines");
        let line = lines.iter().find(|l| l["product_id"] == self.sku.as_str()).expect("her cart line");
        assert_eq!(line["quantity"], 2, "{cart}");
        let tasting = get(format!("/api/v1/tastings/{}", self.ids["tasting"])).await;
        let booking = &tasting["my_booking"];
        assert_eq!((booking["status"].as_str(), booking["seats"].as_u64()), (Some("checked_in"), Some(1)), "{tasting}");
        let reviews = get("/api/v1/me/reviews".into()).await;
        let review = &reviews["reviews"][0]["review"];
        assert_eq!(review["id"], self.ids["review"].as_str());
        assert_eq!((review["stars"].as_u64(), review["text"].as_str()), (Some(5), Some(&*self.review_text)));
        assert_eq!((review["photo_ids"].as_array().map(Vec::len), review["visibility"].as_str()), (Some(1), Some("hidden")));
    }
}

/// The victim places an order of one `sku`: its id and pickup code.
async fn placed(victim: &Resident, pickup: &str, sku: &str) -> (String, String) {
    let resp = place_order(&victim.client, &format!("authz-{}", unique_phone()), pickup, &[(sku, 1)]).await;
    order_and_code(&created_answer(resp, "her order").await)
}

/// The order id and pickup code of a place-order answer.
fn order_and_code(placed: &Value) -> (String, String) {
    let order = &placed["order"];
    (order["id"].as_str().unwrap().to_string(), order["pickup_code"].as_str().expect("her pickup code").to_string())
}

/// Sends `request`, which must answer 201; its body.
async fn created(request: reqwest::RequestBuilder, what: &str) -> Value {
    created_answer(request.send().await.unwrap(), what).await
}

async fn created_answer(resp: reqwest::Response, what: &str) -> Value {
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    assert_eq!(status, StatusCode::CREATED, "{what}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{what}: {e}: {body}"))
}
