//! The lowest layer: D1 statements and stored values that both the services and the
//! Durable Objects use, so neither has to import the other. Nothing here decides a rule;
//! it writes and reads what shared-model decided.

pub mod orders;
pub mod reviews;
pub mod stock;
pub mod tastings;

use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

/// `?1, ?2, …` placeholders for an `IN (…)` list starting at `first`.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}

/// D1 binds at most this many values to one statement.
const MAX_BOUND_VALUES: usize = 100;

/// `INSERT INTO {table} VALUES (…), (…) {conflict}` statements, each of as many rows as
/// D1's bound values allow: many rows in few statements, where one insert a row would
/// make a batch too long (a year of rollups, the demo's history).
pub fn insert_rows<const N: usize>(
    db: &D1Database,
    table: &str,
    conflict: &str,
    rows: &[[JsValue; N]],
) -> AppResult<Vec<D1PreparedStatement>> {
    let mut statements = Vec::new();
    for chunk in rows.chunks(MAX_BOUND_VALUES / N) {
        let values: Vec<String> = (0..chunk.len()).map(|r| format!("({})", placeholders(r * N + 1, N))).collect();
        let sql = format!("INSERT INTO {table} VALUES {} {conflict}", values.join(", "));
        let args: Vec<JsValue> = chunk.iter().flat_map(|row| row.iter().cloned()).collect();
        statements.push(db.prepare(sql).bind(&args)?);
    }
    Ok(statements)
}

/// Binds strings as D1 arguments.
pub fn strs<S: AsRef<str>>(values: &[S]) -> Vec<JsValue> {
    values.iter().map(|v| JsValue::from_str(v.as_ref())).collect()
}

/// Rows a D1 statement changed (0 when D1 reports nothing): how a guarded write says
/// whether it happened.
pub fn changes(result: &D1Result) -> usize {
    result.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0)
}

/// A stored RFC 3339 time. A row that does not parse is a bug or a corrupted row: an
/// internal error (logged), never a silent 1970.
pub fn stored_time(raw: &str) -> AppResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| AppError::Internal(format!("stored time {raw:?}: {e}")))
}

/// A stored `YYYY-MM-DD` date; see [`stored_time`].
pub fn stored_date(raw: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(raw, DATE_FORMAT).map_err(|e| AppError::Internal(format!("stored date {raw:?}: {e}")))
}

/// How dates are stored and bound.
pub const DATE_FORMAT: &str = "%Y-%m-%d";

/// A stored enum value (a status, a role, a tier) through its own `parse`; an unknown
/// value is an internal error naming what it was, never a default.
pub fn stored<'a, T, E>(what: &str, raw: &'a str, parse: impl Fn(&'a str) -> Result<T, E>) -> AppResult<T> {
    parse(raw).map_err(|_| AppError::Internal(format!("unknown stored {what} {raw:?}")))
}

/// An integer as D1 takes it: a JS number (an `i64` would be a BigInt).
pub fn number(n: i64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// SQLite's modifier turning a stored UTC time into store time (`date(at, modifier)` is
/// the store-local day), from the one offset.
pub fn local_modifier() -> String {
    format!("{:+} seconds", shared_model::time::STORE_UTC_OFFSET_SECS)
}

/// An optional text as a D1 argument (NULL when absent).
pub fn nullable(value: Option<&str>) -> JsValue {
    value.map(JsValue::from_str).unwrap_or(JsValue::NULL)
}
