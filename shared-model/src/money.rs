//! Money as whole fen (1 yuan = 100 fen), never a float.
//!
//! Every amount that crosses the wire or lands in the database is an integer number of
//! fen, so totals add up exactly. Arithmetic is checked: an overflow is a `None` the
//! caller must handle, never a silent wrap.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in fen (分), the smallest unit of the renminbi.
///
/// Serialized as a bare JSON integer (`1280` is ¥12.80) so the browser and the server
/// agree to the fen. Signed, because refunds and adjustments can be negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fen(i64);

#[cfg(feature = "openapi")]
crate::openapi::integer_schema!(Fen, "Money in fen (1280 is ¥12.80)");

impl Fen {
    /// Nothing: the start of every sum.
    pub const ZERO: Fen = Fen(0);

    /// An amount given in fen (`Fen::from_fen(1280)` is ¥12.80).
    pub const fn from_fen(fen: i64) -> Self {
        Fen(fen)
    }

    /// Reads a price typed in yuan (`12`, `12.8`, `12.80`, `¥12.80`) as fen, exactly: digits,
    /// at most two decimals, above zero and at most ¥9 999 999.99. `None` for anything else
    /// (negative, three decimals, letters, blank), never a float.
    pub fn parse_yuan(text: &str) -> Option<Fen> {
        let text = text.trim();
        let text = text.strip_prefix('¥').or_else(|| text.strip_prefix('￥')).unwrap_or(text).trim_start();
        let (yuan, fen) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if yuan.is_empty() || yuan.len() > 7 || fen.len() > 2 || !digits(yuan) || !digits(fen) {
            return None;
        }
        let yuan: i64 = yuan.parse().ok()?;
        let fen: i64 = if fen.is_empty() { 0 } else { format!("{fen:0<2}").parse().ok()? };
        let total = yuan.checked_mul(100)?.checked_add(fen)?;
        (total > 0).then_some(Fen(total))
    }

    /// The amount in fen, for storage (D1 keeps integer fen columns).
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Whether the amount is below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    /// `self - other`, or `None` on overflow.
    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    /// Unit price times a quantity, or `None` on overflow.
    pub fn checked_mul(self, qty: u32) -> Option<Fen> {
        self.0.checked_mul(i64::from(qty)).map(Fen)
    }

    /// The sum of many amounts, or `None` if any partial sum overflows.
    pub fn checked_sum<I: IntoIterator<Item = Fen>>(amounts: I) -> Option<Fen> {
        amounts.into_iter().try_fold(Fen::ZERO, Fen::checked_add)
    }
}

/// `¥12.80`, `¥0.05`, `-¥1.00`: always two decimals, sign before the currency symbol.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // unsigned_abs: i64::MIN has no positive i64 counterpart.
        let abs = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}¥{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_yuan_as_fen_exactly() {
        assert_eq!(Fen::parse_yuan("12"), Some(Fen::from_fen(1200)));
        assert_eq!(Fen::parse_yuan("12.8"), Some(Fen::from_fen(1280)));
        assert_eq!(Fen::parse_yuan("12.80"), Some(Fen::from_fen(1280)));
        assert_eq!(Fen::parse_yuan("0.05"), Some(Fen::from_fen(5)));
        assert_eq!(Fen::parse_yuan(" ¥9.9 "), Some(Fen::from_fen(990)));
        assert_eq!(Fen::parse_yuan("￥3"), Some(Fen::from_fen(300)));
        assert_eq!(Fen::parse_yuan("12."), Some(Fen::from_fen(1200)));
        assert_eq!(Fen::parse_yuan("0.1"), Some(Fen::from_fen(10)));
        // 0.29 as a float is 0.28999…; here it stays 29 fen.
        assert_eq!(Fen::parse_yuan("0.29"), Some(Fen::from_fen(29)));
        assert_eq!(Fen::parse_yuan("9999999.99"), Some(Fen::from_fen(999_999_999)));
    }

    #[test]
    fn refuses_what_is_not_a_price() {
        for bad in
            ["", " ", "0", "0.00", "-1", "+1", "1.234", ".5", "1,5", "abc", "1e3", "12 .5", "10000000", "1.2.3", "¥", "1.-5"]
        {
            assert_eq!(Fen::parse_yuan(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_yuan_with_two_decimals() {
        assert_eq!(Fen::from_fen(1280).to_string(), "¥12.80");
        assert_eq!(Fen::from_fen(5).to_string(), "¥0.05");
        assert_eq!(Fen::from_fen(-100).to_string(), "-¥1.00");
        assert_eq!(Fen::ZERO.to_string(), "¥0.00");
        assert_eq!(Fen::from_fen(-5).to_string(), "-¥0.05");
        assert_eq!(Fen::from_fen(123_456_789).to_string(), "¥1234567.89");
    }

    #[test]
    fn formats_extremes_without_panicking() {
        assert_eq!(Fen::from_fen(i64::MIN).to_string(), "-¥92233720368547758.08");
        assert_eq!(Fen::from_fen(i64::MAX).to_string(), "¥92233720368547758.07");
    }

    #[test]
    fn checked_arithmetic_detects_overflow() {
        assert_eq!(Fen::from_fen(150).checked_add(Fen::from_fen(50)), Some(Fen::from_fen(200)));
        assert_eq!(Fen::from_fen(i64::MAX).checked_add(Fen::from_fen(1)), None);
        assert_eq!(Fen::from_fen(i64::MIN).checked_sub(Fen::from_fen(1)), None);
        assert_eq!(Fen::from_fen(1280).checked_mul(3), Some(Fen::from_fen(3840)));
        assert_eq!(Fen::from_fen(1280).checked_mul(0), Some(Fen::ZERO));
        assert_eq!(Fen::from_fen(i64::MAX / 2 + 1).checked_mul(2), None);
        assert_eq!(Fen::from_fen(i64::MAX).checked_mul(u32::MAX), None);
    }

    #[test]
    fn checked_sum_stops_at_overflow() {
        let amounts = [Fen::from_fen(1), Fen::from_fen(2), Fen::from_fen(3)];
        assert_eq!(Fen::checked_sum(amounts), Some(Fen::from_fen(6)));
        assert_eq!(Fen::checked_sum([]), Some(Fen::ZERO));
        assert_eq!(Fen::checked_sum([Fen::from_fen(i64::MAX), Fen::from_fen(1)]), None);
    }

    #[test]
    fn serializes_as_a_bare_integer() {
        assert_eq!(serde_json::to_string(&Fen::from_fen(1280)).unwrap(), "1280");
        assert_eq!(serde_json::from_str::<Fen>("-5").unwrap(), Fen::from_fen(-5));
        assert!(serde_json::from_str::<Fen>("12.8").is_err());
    }

    #[test]
    fn orders_by_amount() {
        assert!(Fen::from_fen(-1) < Fen::ZERO);
        assert!(Fen::from_fen(100) > Fen::from_fen(99));
        assert_eq!(Fen::default(), Fen::ZERO);
        assert!(Fen::from_fen(-1).is_negative());
        assert!(!Fen::ZERO.is_negative());
    }
}
