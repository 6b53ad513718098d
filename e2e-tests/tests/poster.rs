//! Joining by QR against the real edge: the store's join QR code is an SVG that the edge
//! draws, and read back as a phone's camera would (rasterised here, decoded with `rqrr`)
//! it opens the store's join page on the site that served it. An unknown store is a
//! problem, not an empty picture.

use e2e_tests::*;
use reqwest::StatusCode;

/// The dark squares of a QR SVG as the edge draws them: one path of `M{x} {y}h{w}v{h}H{x}V{y}`
/// rectangles inside a `viewBox="0 0 {w} {h}"`, rasterised one pixel per unit (true = dark).
fn rasterise(svg: &str) -> (usize, usize, Vec<bool>) {
    let view_box = svg.split("viewBox=\"").nth(1).and_then(|v| v.split('"').next()).expect("a viewBox");
    let dims: Vec<usize> = view_box.split_whitespace().map(|n| n.parse().expect("a number")).collect();
    let (w, h) = (dims[2], dims[3]);
    let path = svg.split(" d=\"").nth(1).and_then(|d| d.split('"').next()).expect("a path of dark squares");
    let mut pixels = vec![false; w * h];
    for rect in path.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> =
            rect.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).map(|n| n.parse().unwrap()).collect();
        let (left, top, width, height) = (nums[0], nums[1], nums[2], nums[3]);
        for y in top..top + height {
            for x in left..left + width {
                pixels[y * w + x] = true;
            }
        }
    }
    (w, h, pixels)
}

/// What a phone reads from the QR SVG.
fn decode(svg: &str) -> String {
    let (w, h, pixels) = rasterise(svg);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| if pixels[y * w + x] { 0 } else { 255 });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    grids[0].decode().expect("a readable QR code").1
}

#[tokio::test]
async fn the_store_qr_opens_its_join_page_on_this_site() {
    let resp = client().get(url(&format!("/api/v1/stores/{STORE_A}/join-qr.svg"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(header("content-type").starts_with("image/svg+xml"), "{}", header("content-type"));
    assert!(header("cache-control").contains("max-age="), "{}", header("cache-control"));
    let svg = resp.text().await.unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.ends_with("</svg>"));
    assert!(svg.contains("shape-rendering=\"crispEdges\""), "sharp when printed");
    assert_eq!(decode(&svg), format!("{}/s/{STORE_A}/join", base_url()));

    // Each store its own.
    let other = client().get(url(&format!("/api/v1/stores/{STORE_B}/join-qr.svg"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(decode(&other), format!("{}/s/{STORE_B}/join", base_url()));
}

#[tokio::test]
async fn an_unknown_store_has_no_qr() {
    let resp = client().get(url("/api/v1/stores/st-nowhere/join-qr.svg")).send().await.unwrap();
    expect_problem(resp, 404, "store_not_found").await;
    let resp = client().get(url("/api/v1/stores/NOT%20AN%20ID/join-qr.svg")).send().await.unwrap();
    expect_problem(resp, 404, "store_not_found").await;
}
