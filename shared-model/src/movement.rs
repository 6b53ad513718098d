//! 收货, 报损 and 盘点: the stock movements an owner records, and what each does to the
//! shelf and to the numbers.
//!
//! Policy:
//! 1. **One keeper.** Every movement changes a SKU's units through the same stock keeper
//!    (Durable Object) that orders reserve from, by a signed delta applied once per
//!    operation key, so a retried request never moves stock twice.
//! 2. **收货 (receipt)** raises the shelf by what arrived: 1..=[`MAX_UNITS`] units per line,
//!    at most [`MAX_LINES`] products, each once, with a best-before date not already
//!    past. The shelf's best-before stays the oldest batch still on it
//!    ([`best_before_after_receipt`]): markdowns concern the goods that expire first.
//! 3. **报损 (write-off)** takes broken, expired or spoiled units off the shelf, with a
//!    reason (and a note when the reason is 其他). It may not take more than the keeper
//!    has free: units held by residents' orders are not the owner's to write off.
//! 4. **盘点 (stock-take)** compares what the owner counted with what the page showed
//!    (`expected`), and moves the shelf by the difference ([`count_difference`]). Using the
//!    difference rather than setting the count keeps any order placed while she counted.
//!    A shelf never goes below zero.
//! 5. **Loss** ([`loss_units`]) is what a write-off took plus what a stock-take found
//!    missing (盘亏), at the unit cost of that moment; it is the 报损 of the loss rate.
//! 6. **The ledger**: receipts and stock-take surpluses are received, loss is written
//!    off ([`add_to_ledger`]), so `supply::StockLedger` balances for every product.

use crate::{ids::ProductId, problem::impl_error_code, supply::StockLedger};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Most units one line of a movement may move.
pub const MAX_UNITS: u32 = 99_999;
/// Most products one receipt or stock-take may hold.
pub const MAX_LINES: usize = 100;
/// Longest note on a write-off, in characters.
pub const MAX_NOTE_CHARS: usize = 100;

/// What kind of movement it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// 收货: goods arrived.
    Receipt,
    /// 报损: goods broken, expired or spoiled.
    WriteOff,
    /// 盘点: the shelf counted (or the owner set the units on hand).
    Count,
}

impl MovementKind {
    pub const ALL: [MovementKind; 3] = [MovementKind::Receipt, MovementKind::WriteOff, MovementKind::Count];

    /// The stored name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Receipt => "receipt",
            MovementKind::WriteOff => "write_off",
            MovementKind::Count => "count",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Why goods were written off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WriteOffReason {
    /// 破损: broken or crushed.
    Damaged,
    /// 过期: past its best-before.
    Expired,
    /// 变质: spoiled before its date.
    Spoiled,
    /// 其他: anything else, said in the note.
    Other,
}

impl WriteOffReason {
    pub const ALL: [WriteOffReason; 4] =
        [WriteOffReason::Damaged, WriteOffReason::Expired, WriteOffReason::Spoiled, WriteOffReason::Other];

    /// The stored name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            WriteOffReason::Damaged => "damaged",
            WriteOffReason::Expired => "expired",
            WriteOffReason::Spoiled => "spoiled",
            WriteOffReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One product that arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptLine {
    pub product_id: ProductId,
    /// Units that arrived.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99_999))]
    pub quantity: u32,
    /// The batch's best-before date.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::date"))]
    pub best_before: NaiveDate,
}

/// One product counted on the shelf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountLine {
    pub product_id: ProductId,
    /// Units the owner counted.
    #[cfg_attr(feature = "openapi", schema(maximum = 99_999))]
    pub counted: u32,
    /// Units the page said were on the shelf when she counted.
    #[cfg_attr(feature = "openapi", schema(maximum = 99_999))]
    pub expected: u32,
}

/// Why a movement is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum MovementError {
    /// No lines.
    #[error("nothing to record")]
    NoLines,
    /// More than [`MAX_LINES`] products.
    #[error("too many products in one go")]
    TooManyLines,
    /// A product twice in one receipt or stock-take.
    #[error("a product appears twice")]
    DuplicateProduct,
    /// Units out of 1..=[`MAX_UNITS`] (0..= for a count).
    #[error("units out of range")]
    InvalidUnits,
    /// Received goods already past their best-before.
    #[error("the best-before date has passed")]
    BestBeforePassed,
    /// 其他 without a note, or a note too long or on several lines.
    #[error("say why in a short note")]
    InvalidNote,
    /// More written off than the keeper has free.
    #[error("only {available} on the shelf")]
    MoreThanOnShelf { available: u32 },
    /// Not one of this store's products.
    #[error("no such product in this store")]
    UnknownProduct,
}

impl MovementError {
    pub fn code(&self) -> &'static str {
        match self {
            MovementError::NoLines => "no_movement_lines",
            MovementError::TooManyLines => "too_many_movement_lines",
            MovementError::DuplicateProduct => "duplicate_movement_product",
            MovementError::InvalidUnits => "invalid_movement_units",
            MovementError::BestBeforePassed => "best_before_passed",
            MovementError::InvalidNote => "invalid_write_off_note",
            MovementError::MoreThanOnShelf { .. } => "more_than_on_shelf",
            MovementError::UnknownProduct => "product_not_found",
        }
    }

    /// 409 when the shelf says no, 404 for a product the store does not sell, else 422.
    pub fn http_status(&self) -> u16 {
        match self {
            MovementError::MoreThanOnShelf { .. } => 409,
            MovementError::UnknownProduct => 404,
            _ => 422,
        }
    }

    pub fn args(&self) -> Vec<(&'static str, i64)> {
        match *self {
            MovementError::MoreThanOnShelf { available } => vec![("available", available.into())],
            _ => Vec::new(),
        }
    }
}

impl_error_code!(MovementError, args);

fn check_lines<'a>(products: impl Iterator<Item = &'a ProductId>, len: usize) -> Result<(), MovementError> {
    if len == 0 {
        return Err(MovementError::NoLines);
    }
    if len > MAX_LINES {
        return Err(MovementError::TooManyLines);
    }
    let mut seen = std::collections::HashSet::new();
    if products.into_iter().all(|p| seen.insert(p)) {
        Ok(())
    } else {
        Err(MovementError::DuplicateProduct)
    }
}

/// Checks a receipt received on `today` (rule 2).
pub fn validate_receipt(lines: &[ReceiptLine], today: NaiveDate) -> Result<(), MovementError> {
    check_lines(lines.iter().map(|l| &l.product_id), lines.len())?;
    for line in lines {
        if !(1..=MAX_UNITS).contains(&line.quantity) {
            return Err(MovementError::InvalidUnits);
        }
        if line.best_before < today {
            return Err(MovementError::BestBeforePassed);
        }
    }
    Ok(())
}

/// Checks a write-off (rule 3) and gives back its note, trimmed (`None` when empty).
pub fn validate_write_off(quantity: u32, reason: WriteOffReason, note: Option<&str>) -> Result<Option<String>, MovementError> {
    if !(1..=MAX_UNITS).contains(&quantity) {
        return Err(MovementError::InvalidUnits);
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    match note {
        None if reason == WriteOffReason::Other => Err(MovementError::InvalidNote),
        Some(n) if n.chars().count() > MAX_NOTE_CHARS || n.contains(['\n', '\r']) => Err(MovementError::InvalidNote),
        _ => Ok(note.map(str::to_owned)),
    }
}

/// Checks a stock-take (rule 4).
pub fn validate_count(lines: &[CountLine]) -> Result<(), MovementError> {
    check_lines(lines.iter().map(|l| &l.product_id), lines.len())?;
    if lines.iter().any(|l| l.counted > MAX_UNITS || l.expected > MAX_UNITS) {
        return Err(MovementError::InvalidUnits);
    }
    Ok(())
}

/// Units a stock-take moves the shelf by: positive when more was counted than shown.
pub fn count_difference(line: &CountLine) -> i64 {
    i64::from(line.counted) - i64::from(line.expected)
}

/// The shelf's best-before after a batch dated `received` arrives (rule 2): the new
/// batch's date when the shelf was empty, else the older of the two.
pub fn best_before_after_receipt(current: NaiveDate, on_shelf_before: u32, received: NaiveDate) -> NaiveDate {
    if on_shelf_before == 0 {
        received
    } else {
        current.min(received)
    }
}

/// Units lost by a movement that moved the shelf by `applied` (rule 5).
pub fn loss_units(kind: MovementKind, applied: i64) -> u32 {
    match kind {
        MovementKind::Receipt => 0,
        MovementKind::WriteOff | MovementKind::Count => u32::try_from((-applied).max(0)).unwrap_or(u32::MAX),
    }
}

/// Books a movement that moved the shelf by `applied` into `ledger` (rule 6).
pub fn add_to_ledger(ledger: &mut StockLedger, kind: MovementKind, applied: i64) {
    let lost = loss_units(kind, applied);
    let gained = u32::try_from(applied.max(0)).unwrap_or(u32::MAX);
    ledger.received = ledger.received.saturating_add(gained);
    ledger.written_off = ledger.written_off.saturating_add(lost);
}

/// Whether `code` is a well-formed EAN-13 (the barcode on a Chinese pack): 13 digits
/// whose last is the check digit of the first 12.
pub fn is_ean13(code: &str) -> bool {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    code.len() == 13 && digits.len() == 13 && ean13_check_digit(&digits[..12]) == Some(digits[12])
}

/// The check digit of 12 EAN digits (weights 1, 3, 1, 3, … from the left).
pub fn ean13_check_digit(first12: &[u32]) -> Option<u32> {
    (first12.len() == 12 && first12.iter().all(|d| *d < 10)).then(|| {
        let sum: u32 = first12.iter().enumerate().map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 }).sum();
        (10 - sum % 10) % 10
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn every_error() -> Vec<MovementError> {
        vec![
            MovementError::NoLines,
            MovementError::TooManyLines,
            MovementError::DuplicateProduct,
            MovementError::InvalidUnits,
            MovementError::BestBeforePassed,
            MovementError::InvalidNote,
            MovementError::MoreThanOnShelf { available: 3 },
            MovementError::UnknownProduct,
        ]
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn p(id: &str) -> ProductId {
        ProductId::parse(id).unwrap()
    }

    fn receipt(id: &str, quantity: u32, best_before: NaiveDate) -> ReceiptLine {
        ReceiptLine { product_id: p(id), quantity, best_before }
    }

    #[test]
    fn a_receipt_needs_units_and_a_date_not_past() {
        let today = day(3);
        assert_eq!(validate_receipt(&[receipt("p-egg", 30, day(10)), receipt("p-milk", 1, today)], today), Ok(()));
        assert_eq!(validate_receipt(&[], today), Err(MovementError::NoLines));
        assert_eq!(validate_receipt(&[receipt("p-egg", 0, day(10))], today), Err(MovementError::InvalidUnits));
        assert_eq!(validate_receipt(&[receipt("p-egg", 100_000, day(10))], today), Err(MovementError::InvalidUnits));
        assert_eq!(validate_receipt(&[receipt("p-egg", 5, day(2))], today), Err(MovementError::BestBeforePassed));
        let twice = [receipt("p-egg", 5, day(9)), receipt("p-egg", 6, day(10))];
        assert_eq!(validate_receipt(&twice, today), Err(MovementError::DuplicateProduct));
        let many: Vec<ReceiptLine> = (0..=MAX_LINES).map(|i| receipt(&format!("p-{i}"), 1, day(9))).collect();
        assert_eq!(validate_receipt(&many, today), Err(MovementError::TooManyLines));
    }

    #[test]
    fn a_write_off_has_a_reason_and_other_needs_a_note() {
        assert_eq!(validate_write_off(3, WriteOffReason::Damaged, None), Ok(None));
        assert_eq!(validate_write_off(3, WriteOffReason::Expired, Some("  ")), Ok(None));
        assert_eq!(validate_write_off(1, WriteOffReason::Other, Some(" 老鼠咬了 ")), Ok(Some("老鼠咬了".into())));
        assert_eq!(validate_write_off(1, WriteOffReason::Other, None), Err(MovementError::InvalidNote));
        assert_eq!(validate_write_off(1, WriteOffReason::Spoiled, Some("a\nb")), Err(MovementError::InvalidNote));
        assert_eq!(validate_write_off(1, WriteOffReason::Spoiled, Some(&"坏".repeat(101))), Err(MovementError::InvalidNote));
        assert_eq!(validate_write_off(0, WriteOffReason::Damaged, None), Err(MovementError::InvalidUnits));
    }

    #[test]
    fn a_count_moves_the_shelf_by_the_difference() {
        let line = |counted, expected| CountLine { product_id: p("p-egg"), counted, expected };
        assert_eq!(count_difference(&line(18, 20)), -2);
        assert_eq!(count_difference(&line(25, 20)), 5);
        assert_eq!(count_difference(&line(0, 0)), 0);
        assert_eq!(validate_count(&[line(0, 3)]), Ok(()));
        assert_eq!(validate_count(&[line(100_000, 3)]), Err(MovementError::InvalidUnits));
        assert_eq!(validate_count(&[line(1, 1), line(2, 2)]), Err(MovementError::DuplicateProduct));
        assert_eq!(validate_count(&[]), Err(MovementError::NoLines));
    }

    #[test]
    fn the_shelf_keeps_the_oldest_batch_date() {
        assert_eq!(best_before_after_receipt(day(5), 4, day(9)), day(5), "older goods still there");
        assert_eq!(best_before_after_receipt(day(5), 0, day(9)), day(9), "the shelf was empty");
        assert_eq!(best_before_after_receipt(day(9), 4, day(6)), day(6), "the new batch expires first");
    }

    #[test]
    fn loss_is_write_offs_and_stock_take_shortfalls() {
        assert_eq!(loss_units(MovementKind::WriteOff, -3), 3);
        assert_eq!(loss_units(MovementKind::Count, -2), 2);
        assert_eq!(loss_units(MovementKind::Count, 4), 0, "a surplus is no loss");
        assert_eq!(loss_units(MovementKind::Receipt, 30), 0);
    }

    #[test]
    fn movements_keep_the_ledger_balanced() {
        // 20 on the shelf; 30 arrive, 3 broken, the count finds 2 missing then 1 extra; a
        // resident orders 10 (held), 5 more are handed over.
        let mut ledger = StockLedger { opening: 20, ..StockLedger::default() };
        for (kind, applied) in
            [(MovementKind::Receipt, 30), (MovementKind::WriteOff, -3), (MovementKind::Count, -2), (MovementKind::Count, 1)]
        {
            add_to_ledger(&mut ledger, kind, applied);
        }
        assert_eq!((ledger.received, ledger.written_off), (31, 5));
        // 20 + 30 − 3 − 2 + 1 = 46 on hand before orders; 10 held and 5 sold leave 31.
        ledger.shelf = 31;
        ledger.in_open_orders = 10;
        ledger.sold = 5;
        assert!(ledger.balances(), "{ledger:?}");
    }

    #[test]
    fn kinds_and_reasons_round_trip() {
        for kind in MovementKind::ALL {
            assert_eq!(MovementKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        for reason in WriteOffReason::ALL {
            assert_eq!(WriteOffReason::parse(reason.as_str()), Some(reason));
            assert_eq!(serde_json::to_value(reason).unwrap(), reason.as_str());
        }
    }

    #[test]
    fn ean13_barcodes() {
        // 690123456789 → check digit 2 (a textbook example: 6+0+2+4+6+8=26, 9+1+3+5+7+9=34×3=102; 128 → 2).
        assert_eq!(ean13_check_digit(&[6, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), Some(2));
        assert!(is_ean13("6901234567892"));
        assert!(!is_ean13("6901234567893"), "wrong check digit");
        assert!(!is_ean13("690123456789"), "12 digits");
        assert!(!is_ean13("69012345678９2"), "a full-width digit is not a barcode digit");
        assert_eq!(ean13_check_digit(&[1, 2]), None);
    }
}
