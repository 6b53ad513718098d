//! QR codes, drawn here at the edge as SVG so the browser bundle never carries an encoder:
//! the store poster's join link and a tasting booking's check-in code both come from
//! [`qr_svg`]. Pure Rust (no worker API), like a rule, so it behaves the same anywhere.

use crate::error::{AppError, AppResult};
use qrcode::{render::svg, EcLevel, QrCode};

/// Side of one module (a black or white square) in SVG user units: a whole number keeps
/// every edge on the grid, and the image's intrinsic size stays readable when opened alone.
const MODULE_PX: u32 = 8;

/// `text` as a QR code in a standalone SVG document (black on white, with the standard
/// four-module quiet zone, error correction level M so a creased or smudged print still
/// scans). Callers serve it as `image/svg+xml` or inline it: the store's join poster
/// encodes the join URL, a tasting's check-in QR a booking's 6-digit check-in code.
///
/// Fails only when `text` is too long for any QR code (about 2,300 bytes at level M),
/// which is a bug in the caller: an internal error.
pub fn qr_svg(text: &str) -> AppResult<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::Internal(format!("qr code of {} bytes: {e}", text.len())))?;
    Ok(code
        .render::<svg::Color>()
        .module_dimensions(MODULE_PX, MODULE_PX)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .quiet_zone(true)
        .build())
}
