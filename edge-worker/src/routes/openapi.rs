//! The API's contract: an OpenAPI 3.1 document of every `/api/v1/` route, made from the
//! code (the route list in `routes`, each handler's `#[utoipa::path]`, shared-model's
//! types with their `openapi` feature), and fuzzed against the local edge by schemathesis
//! (`scripts/fuzz-api`).
//!
//! It is made here, natively, and kept as `public/api/v1/openapi.json`, which Workers
//! Static Assets serve at `GET /api/v1/openapi.json`: built inside the worker, utoipa's
//! builders were about 540 KB of its wasm. A unit test below fails when the file is not
//! the document this code makes (`LINLI_WRITE_OPENAPI=1` rewrites it).
//!
//! What a handler's annotation leaves to this module, so that each is said once:
//! - **Path parameters.** A `{name}` in a path is the ID its name says
//!   ([`path_parameter`]); one that does not parse is 404 `{name}_not_found`
//!   (`routes::param`).
//! - **Problem bodies.** An error response is annotated with its status and, as its
//!   description, the problem codes it can carry: `(status = 409, description =
//!   "sold_out, cap_exceeded")`. Here it gets the `application/problem+json` body, with
//!   `code` one of those.
//! - **Problems of every route:** 500 `internal_error`; on a state-changing method
//!   (`guard`) 403 `foreign_origin`, 413 `body_too_large` and 415 `unsupported_media_type`,
//!   and 400 `malformed_json` where the body is JSON.

use super::ApiPaths;
use shared_model::{
    live::{ClientMessage, ServerMessage},
    problem::PROBLEM_CONTENT_TYPE,
    DemandId, LiveSessionId, OfferId, OrderId, PersonId, PhotoId, Problem, ProductId, ReviewId, StoreId, TastingId,
};
use std::{borrow::Cow, collections::BTreeMap};
use utoipa::{
    openapi::{
        path::{Operation, ParameterBuilder, ParameterIn, PathItem},
        schema::{AllOfBuilder, ObjectBuilder, Type},
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
        ContentBuilder, Ref, Required, ResponseBuilder,
    },
    OpenApi, ToSchema,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Linli API",
        description = "The JSON API of Linli (邻里), a neighbourhood store's online shop, live rooms and community. \
            Money is integer fen, times are RFC 3339 UTC, and every error is an RFC 9457 \
            `application/problem+json` body whose `code` is the stable machine key.",
    ),
    components(schemas(
        Problem, StoreId, ProductId, OrderId, LiveSessionId, OfferId, PersonId, DemandId, TastingId, ReviewId, PhotoId,
        ClientMessage, ServerMessage,
    )),
    tags(
        (name = "meta", description = "Health"),
        (name = "catalog", description = "Stores, their products, the owner's stock and per-buyer caps"),
        (name = "identity", description = "Joining a store, signing in and out, who is signed in"),
        (name = "cart", description = "The resident's cart"),
        (name = "orders", description = "Placing, reading and cancelling orders; the owner's pickup counter"),
        (name = "live", description = "Live rooms: scheduling and running them, watching, one-tap buys, reminders, KOCs"),
        (name = "notices", description = "The resident's notices"),
        (name = "demands", description = "心愿单: residents' wishes, votes, and the owner's answers"),
        (name = "tastings", description = "品鉴会: tastings, bookings, door check-in, the after-tasting question"),
        (name = "reviews", description = "口碑: reviews with photos, and the owner's moderation"),
        (name = "recommendations", description = "为你推荐 and 凑单推荐"),
        (name = "coupons", description = "优惠券: a resident's coupons, and the owner giving them out"),
        (name = "markdowns", description = "临期特价: near-expiry batches, their markdown plans, and applying one"),
        (name = "brain", description = "The owner's daily brain: 今日建议, 需求雷达 and the 直播 SOP"),
        (name = "metrics", description = "经营数据: a store's weekly numbers from its daily rollups"),
        (name = "supply", description = "备货: the pick list, purchase orders per supplier, their delivery through the queue, dead letters, and the demo supplier's inbox"),
        (name = "stock", description = "收货, 报损 and 盘点: the owner's stock movements, through the stock keeper"),
        (name = "admin", description = "Operator routes, off unless the SEED_TOKEN secret is set"),
    ),
)]
struct ApiDoc;

/// The whole document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(ApiPaths::openapi());
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "linli_session",
            "The session cookie set by joining a store or signing in (`__Host-linli_session` on https).",
        ))),
    );
    components.add_security_scheme(
        "operator",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("The operator token, the `SEED_TOKEN` secret"))
                .build(),
        ),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, operation) in operations(item) {
            complete(path, method, operation);
        }
    }
    doc
}

/// The names of a path's parameters (`{store}` → `store`).
pub fn path_parameter_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
}

/// The schema and description of a path parameter, by its name.
pub fn path_parameter(name: &str) -> Option<(Cow<'static, str>, &'static str)> {
    Some(match name {
        "store" => (StoreId::name(), "The store"),
        "product" => (ProductId::name(), "The product"),
        "order" => (OrderId::name(), "The order"),
        "live" => (LiveSessionId::name(), "The live"),
        "offer" => (OfferId::name(), "The offer, in this live"),
        "person" => (PersonId::name(), "The resident"),
        "demand" => (DemandId::name(), "The wish"),
        "tasting" => (TastingId::name(), "The tasting"),
        "review" => (ReviewId::name(), "The review"),
        "photo" => (PhotoId::name(), "The photo"),
        _ => return None,
    })
}

/// The operations of a path, with their methods in lower case.
pub fn operations(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    let PathItem { get, put, post, delete, options, head, patch, trace, .. } = item;
    [
        ("get", get),
        ("put", put),
        ("post", post),
        ("delete", delete),
        ("options", options),
        ("head", head),
        ("patch", patch),
        ("trace", trace),
    ]
    .into_iter()
    .filter_map(|(method, operation)| Some((method, operation.as_mut()?)))
    .collect()
}

/// Fills in what the annotations leave to this module (see the module doc).
fn complete(path: &str, method: &str, operation: &mut Operation) {
    let mut problems: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut add = |status: &str, code: &str| {
        let codes = problems.entry(status.to_owned()).or_default();
        if !codes.iter().any(|c| c == code) {
            codes.push(code.to_owned());
        }
    };
    for (status, response) in &operation.responses.responses {
        if let (Some('4' | '5'), utoipa::openapi::RefOr::T(response)) = (status.chars().next(), response) {
            response.description.split(',').map(str::trim).filter(|c| !c.is_empty()).for_each(|code| add(status, code));
        }
    }
    for name in path_parameter_names(path) {
        if let Some((schema, description)) = path_parameter(name) {
            operation.parameters.get_or_insert_with(Vec::new).push(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .description(Some(description))
                    .schema(Some(Ref::from_schema_name(schema)))
                    .build(),
            );
        }
        add("404", &format!("{name}_not_found"));
    }
    if matches!(method, "post" | "put" | "patch" | "delete") {
        add("403", "foreign_origin");
        add("413", "body_too_large");
        add("415", "unsupported_media_type");
    }
    let json_body = operation.request_body.as_ref().is_some_and(|body| body.content.contains_key("application/json"));
    if json_body {
        add("400", "malformed_json");
    }
    add("500", "internal_error");
    for (status, codes) in problems {
        operation.responses.responses.insert(status, problem_response(&codes).into());
    }
}

/// An error response: a problem whose `code` is one of `codes`.
fn problem_response(codes: &[String]) -> utoipa::openapi::Response {
    let listed = codes.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    let code = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(codes.iter().map(String::as_str)));
    let schema = AllOfBuilder::new()
        .item(Ref::from_schema_name(Problem::name()))
        .item(ObjectBuilder::new().property("code", code).required("code"));
    ResponseBuilder::new()
        .description(format!("A problem: {listed}"))
        .content(PROBLEM_CONTENT_TYPE, ContentBuilder::new().schema(Some(schema)).build())
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// A router path (`/stores/:store`) as OpenAPI writes it (`/stores/{store}`).
    fn openapi_path(route: &str) -> String {
        route
            .split('/')
            .map(|segment| match segment.strip_prefix(':') {
                Some(name) => format!("{{{name}}}"),
                None => segment.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    fn documented() -> BTreeSet<(String, String)> {
        let mut doc = document();
        let mut found = BTreeSet::new();
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, _) in operations(item) {
                found.insert((method.to_owned(), path.clone()));
            }
        }
        found
    }

    /// A route the router serves and the document lacks (or the other way round) fails
    /// here: the router and the document come from one list, and each handler's
    /// annotation must give the same method and path.
    #[test]
    fn every_route_is_documented() {
        let routed: BTreeSet<(String, String)> =
            super::super::ROUTES.iter().map(|(method, path)| (method.to_ascii_lowercase(), openapi_path(path))).collect();
        assert_eq!(routed.len(), super::super::ROUTES.len(), "a route is listed twice");
        let documented = documented();
        let missing: Vec<_> = routed.difference(&documented).collect();
        let extra: Vec<_> = documented.difference(&routed).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "served but not documented: {missing:?}; documented but not served: {extra:?}"
        );
    }

    /// The file Static Assets serve must be this code's document: a route or a type
    /// changed without rewriting it fails here.
    #[test]
    fn the_served_file_is_this_document() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../public/api/v1/openapi.json");
        let made = document().to_pretty_json().expect("the document as JSON") + "\n";
        if std::env::var_os("LINLI_WRITE_OPENAPI").is_some() {
            std::fs::write(path, &made).expect("public/api/v1/openapi.json written");
        }
        let served = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            served == made,
            "public/api/v1/openapi.json is not the document the code makes: rewrite it with \
             `LINLI_WRITE_OPENAPI=1 cargo test -p edge-worker --lib openapi` and commit it"
        );
    }

    #[test]
    fn router_paths_become_openapi_paths() {
        assert_eq!(openapi_path("/api/v1/stores/:store/products/:product"), "/api/v1/stores/{store}/products/{product}");
        assert_eq!(openapi_path("/api/v1/me"), "/api/v1/me");
        assert_eq!(path_parameter_names("/a/{store}/b/{product}").collect::<Vec<_>>(), ["store", "product"]);
    }

    /// Every operation: a tag, an id, every path parameter known and declared, at least
    /// one success, and every error a problem with snake_case codes.
    #[test]
    fn every_operation_is_complete() {
        let mut doc = document();
        let mut ids = Vec::new();
        for (path, item) in doc.paths.paths.iter_mut() {
            for name in path_parameter_names(path) {
                assert!(path_parameter(name).is_some(), "{path}: unknown path parameter {name}");
            }
            for (method, operation) in operations(item) {
                let at = format!("{method} {path}");
                assert!(operation.tags.as_ref().is_some_and(|t| !t.is_empty()), "{at}: no tag");
                ids.push(operation.operation_id.clone().unwrap_or_else(|| panic!("{at}: no operation id")));
                let declared: Vec<&str> = operation.parameters.iter().flatten().map(|p| p.name.as_str()).collect();
                for name in path_parameter_names(path) {
                    assert_eq!(declared.iter().filter(|d| **d == name).count(), 1, "{at}: parameter {name}");
                }
                let statuses: Vec<&String> = operation.responses.responses.keys().collect();
                assert!(statuses.iter().any(|s| s.starts_with('2') || s.as_str() == "101"), "{at}: no success");
                for (status, response) in &operation.responses.responses {
                    if !(status.starts_with('4') || status.starts_with('5')) {
                        continue;
                    }
                    let utoipa::openapi::RefOr::T(response) = response else { panic!("{at} {status}: a reference") };
                    assert!(response.content.contains_key(PROBLEM_CONTENT_TYPE), "{at} {status}: not a problem");
                    let json = serde_json::to_value(response).unwrap();
                    let codes = json.pointer("/content/application~1problem+json/schema/allOf/1/properties/code/enum").unwrap();
                    for code in codes.as_array().unwrap() {
                        let code = code.as_str().unwrap();
                        assert!(
                            !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                            "{at} {status}: code {code:?}"
                        );
                    }
                }
            }
        }
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "operation ids repeat");
    }

    /// The limits the document gives request fields are the rules' own (utoipa takes
    /// only literals, so they are written twice and compared here).
    #[test]
    fn request_limits_are_the_rules_limits() {
        use shared_model::{
            cart::MAX_LINE_QUANTITY,
            catalog::MAX_STOCK,
            community::{NpsScore, Stars, MAX_SEATS, MAX_SEATS_PER_HOUSEHOLD},
            live::MAX_ALLOTTED,
            order::MAX_ORDER_LINES,
        };
        let json: serde_json::Value = serde_json::to_value(document()).unwrap();
        let at = |pointer: &str| {
            json.pointer(&format!("/components/schemas/{pointer}")).unwrap_or_else(|| panic!("{pointer}")).as_u64()
        };
        let quantity = Some(u64::from(MAX_LINE_QUANTITY));
        for pointer in [
            "SetCartQuantity/properties/quantity/maximum",
            "LiveBuy/properties/quantity/maximum",
            "RequestedLine/properties/quantity/maximum",
            "NewOffer/properties/per_buyer_cap/maximum",
        ] {
            assert_eq!(at(pointer), quantity, "{pointer}");
        }
        assert_eq!(at("NewOrder/properties/lines/maxItems"), Some(MAX_ORDER_LINES as u64));
        assert_eq!(at("NewOffer/properties/allotted/maximum"), Some(u64::from(MAX_ALLOTTED)));
        assert_eq!(at("NewBooking/properties/seats/maximum"), Some(u64::from(MAX_SEATS_PER_HOUSEHOLD)));
        assert_eq!(at("NewTasting/properties/seats_per_household/maximum"), Some(u64::from(MAX_SEATS_PER_HOUSEHOLD)));
        assert_eq!(at("NewTasting/properties/seats/maximum"), Some(u64::from(MAX_SEATS)));
        assert_eq!(at("NpsAnswer/properties/score/maximum"), Some(u64::from(NpsScore::MAX)));
        assert!(Stars::new(5).is_some() && Stars::new(6).is_none());
        assert_eq!(at("NewReview/properties/stars/maximum"), Some(5));
        let stock = json.pointer("/components/schemas/StockUpdate/properties/stock").unwrap().to_string();
        assert!(stock.contains(&format!("\"maximum\":{MAX_STOCK}")), "{stock}");
        let cap = json.pointer("/components/schemas/StockUpdate/properties/per_buyer_cap").unwrap().to_string();
        assert!(cap.contains(&format!("\"maximum\":{MAX_LINE_QUANTITY}")), "{cap}");
    }

    /// The document names the problem type, the session and operator schemes, and every
    /// tag an operation uses.
    #[test]
    fn document_carries_its_components() {
        let json = serde_json::to_value(document()).unwrap();
        assert_eq!(json["openapi"], "3.1.0");
        assert!(json.pointer("/components/schemas/Problem/properties/code").is_some());
        assert_eq!(json.pointer("/components/securitySchemes/session/in").unwrap(), "cookie");
        assert_eq!(json.pointer("/components/securitySchemes/operator/scheme").unwrap(), "bearer");
        let tags: BTreeSet<&str> = json["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        for item in json["paths"].as_object().unwrap().values() {
            for operation in item.as_object().unwrap().values() {
                for tag in operation["tags"].as_array().unwrap() {
                    assert!(tags.contains(tag.as_str().unwrap()), "tag {tag} has no description");
                }
            }
        }
    }
}
