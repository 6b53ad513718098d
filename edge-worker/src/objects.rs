//! Our Durable Objects, and what each of them shares, so the next one starts from
//! [`ObjectStorage`] instead of another copy:
//! - its SQLite schema, brought up to date once per version when the object wakes;
//! - its one alarm, set for the earliest thing due and never pushed later;
//! - the sweep of stock holds whose order never reached D1 ([`sweep_stranded`]).
//!
//! Objects read, decide and write with synchronous SQL calls and no `.await` in between:
//! that is what serialises them (see each object's first lines).

pub mod live_room;
pub mod stock_keeper;
pub mod tasting_desk;
pub mod throttle;

use crate::{error::AppResult, storage::orders::void_unless_landed};
use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use shared_model::OrderId;
use std::cell::Cell;
use worker::{Env, Response, SqlStorage, SqlStorageValue, State};

pub use crate::http::now_ms;

/// A count or a bound as a SQLite value (saturating).
pub fn int(n: impl TryInto<i64>) -> SqlStorageValue {
    SqlStorageValue::from(n.try_into().unwrap_or(i64::MAX))
}

/// A stored count as `u32` (negative is 0, saturating above).
pub fn to_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// `values` as SQL arguments for `IN (…)`, with their `?, ?` placeholders.
pub fn in_args<V: Into<SqlStorageValue>>(values: impl IntoIterator<Item = V>) -> (String, Vec<SqlStorageValue>) {
    let args: Vec<SqlStorageValue> = values.into_iter().map(Into::into).collect();
    (vec!["?"; args.len()].join(", "), args)
}

/// The answer to an object call: JSON, or the problem as the worker will pass it on.
pub fn reply<T: Serialize>(result: AppResult<T>) -> worker::Result<Response> {
    match result {
        Ok(value) => Response::from_json(&value),
        Err(e) => Ok(e.into_response()),
    }
}

/// An object's SQLite storage and its alarm.
pub struct ObjectStorage {
    state: State,
    sql: SqlStorage,
    /// When the alarm is known to be set for, so most writes skip storage's alarm calls.
    alarm_at: Cell<Option<i64>>,
}

/// The most parameters one SQLite statement of a Durable Object may bind.
const MAX_BOUND_PARAMETERS: usize = 100;

#[derive(Deserialize)]
struct NumberRow {
    n: Option<i64>,
}

impl ObjectStorage {
    /// Opens the storage of object class `object` and brings its schema up to date.
    /// `schema[i]` holds the statements of version `i + 1`; versions already applied
    /// (kept in `schema_version`) are skipped. A landed version is never edited: a change
    /// is a new version.
    pub fn open(state: State, object: &str, schema: &[&[&str]]) -> Self {
        let sql = state.storage().sql();
        if let Err(e) = migrate(&sql, schema) {
            worker::console_error!("{object} schema: {e}");
        }
        Self { state, sql, alarm_at: Cell::new(None) }
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn sql(&self) -> &SqlStorage {
        &self.sql
    }

    /// Runs `query` and decodes its rows.
    pub fn rows<T: DeserializeOwned>(&self, query: &str, args: Vec<SqlStorageValue>) -> AppResult<Vec<T>> {
        Ok(self.sql.exec(query, Some(args))?.to_array()?)
    }

    /// Runs `query`, which selects one number as `n` (NULL and no row are 0).
    pub fn number(&self, query: &str, args: Vec<SqlStorageValue>) -> AppResult<i64> {
        Ok(self.rows::<NumberRow>(query, args)?.first().and_then(|r| r.n).unwrap_or(0))
    }

    /// Runs a write.
    pub fn exec(&self, query: &str, args: Vec<SqlStorageValue>) -> AppResult<()> {
        self.sql.exec(query, Some(args))?;
        Ok(())
    }

    /// Inserts rows of `width` values each (`values`, row after row; `width` from 1 to
    /// [`MAX_BOUND_PARAMETERS`]) into `into` (`"table (a, b)"`) with as few statements as
    /// the limit on bound parameters allows: a group of 50 buys' 100 events take four
    /// statements instead of a hundred.
    pub fn insert_rows(&self, into: &str, width: usize, values: Vec<SqlStorageValue>) -> AppResult<()> {
        let row = format!("({})", vec!["?"; width].join(", "));
        for chunk in values.chunks(MAX_BOUND_PARAMETERS / width * width) {
            let rows = vec![row.as_str(); chunk.len() / width].join(", ");
            self.exec(&format!("INSERT INTO {into} VALUES {rows}"), chunk.to_vec())?;
        }
        Ok(())
    }

    /// Whether the alarm is known to be set for `at` (ms) or sooner: then something new
    /// due at `at` needs no call to storage (a rush's holds all expire after the first).
    pub fn alarm_set_by(&self, at: i64) -> bool {
        self.alarm_at.get().is_some_and(|set| set <= at)
    }

    /// Call first thing in `alarm`: the alarm that was set has fired.
    pub fn alarm_fired(&self) {
        self.alarm_at.set(None);
    }

    /// Sets the alarm for `next` (ms), unless one is already set no later; `None` (nothing
    /// due) leaves the alarm as it is.
    pub async fn schedule_alarm(&self, next: Option<i64>) -> AppResult<()> {
        let Some(next) = next else { return Ok(()) };
        if self.alarm_set_by(next) {
            return Ok(());
        }
        let storage = self.state.storage();
        match storage.get_alarm().await? {
            Some(current) if current <= next && current > now_ms() => self.alarm_at.set(Some(current)),
            _ => {
                storage.set_alarm((next - now_ms()).max(1)).await?;
                self.alarm_at.set(Some(next));
            }
        }
        Ok(())
    }
}

fn migrate(sql: &SqlStorage, schema: &[&[&str]]) -> worker::Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
        None,
    )?;
    let rows: Vec<NumberRow> = sql.exec("SELECT version AS n FROM schema_version WHERE id = 1", None)?.to_array()?;
    let applied = rows.first().and_then(|r| r.n).map_or(0, |v| usize::try_from(v).unwrap_or(0));
    for (version, statements) in schema.iter().enumerate().skip(applied) {
        for statement in *statements {
            sql.exec(statement, None)?;
        }
        sql.exec(
            "INSERT INTO schema_version (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
            vec![int(version + 1)],
        )?;
    }
    Ok(())
}

/// A stock hold past its grace, still waiting for its order to reach D1.
pub struct DueHold {
    /// The hold's key in its object.
    pub key: String,
    /// The order it waits for.
    pub order: OrderId,
}

/// An object that holds stock for orders it has not seen land in D1 yet (a keeper's
/// reservations, a room's live buys). If the worker dies between holding and writing,
/// the hold would strand its units; [`sweep_stranded`] settles it.
pub trait HoldBook {
    /// Holds whose grace is over at `now_ms`.
    fn due_holds(&self, now_ms: i64) -> AppResult<Vec<DueHold>>;
    /// The order did land after all: keep the hold for good.
    fn hold_landed(&self, key: &str, now: DateTime<Utc>) -> AppResult<()>;
    /// The order can no longer land (its id is void): give the units back.
    fn hold_lost(&self, key: &str) -> AppResult<()>;
}

/// Settles every due hold of `book`: voids its order id in D1 unless the order is there
/// (`voided_orders`, which the order insert checks in the same transaction, so a late
/// write cannot land), then keeps or releases the hold. Never oversells: a unit goes back
/// only once its order is certain never to exist.
pub async fn sweep_stranded(book: &impl HoldBook, env: &Env, now: DateTime<Utc>) -> AppResult<()> {
    let due = book.due_holds(now.timestamp_millis())?;
    if due.is_empty() {
        return Ok(());
    }
    let db = env.d1("DB")?;
    for hold in due {
        if void_unless_landed(&db, &hold.order, now).await? {
            book.hold_landed(&hold.key, now)?;
        } else {
            book.hold_lost(&hold.key)?;
        }
    }
    Ok(())
}
