//! Services own their bindings (D1, Durable Objects) and speak in shared-model types.

pub mod cart;
pub mod catalog;
pub mod identity;
pub mod live;
pub mod orders;
pub mod room;
pub mod seed;
pub mod stock;

use wasm_bindgen::JsValue;
use worker::D1Result;

/// `?1, ?2, …` placeholders for an `IN (…)` list starting at `first`.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
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
