//! `Throttle`: one Durable Object per limited subject (a phone's sign-ins, an address's
//! joins), named by `Limit::key`. It holds that subject's `ThrottleState` and decides
//! each attempt with shared-model's rules, reading and writing with synchronous SQL and no
//! `.await` in between, so a burst of attempts sent at once is counted one by one.
//! A subject left alone past its limits is forgotten by the alarm.

use super::{int, now_ms, reply, ObjectStorage};
use crate::{
    clients::throttle::{ThrottleCall, ThrottleRoute},
    error::AppResult,
};
use serde::Deserialize;
use shared_model::throttle::ThrottleState;
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

#[durable_object]
pub struct Throttle {
    storage: ObjectStorage,
}

const SCHEMA: &[&[&str]] = &[&["CREATE TABLE IF NOT EXISTS throttle (id INTEGER PRIMARY KEY CHECK (id = 1), \
     due_ms INTEGER NOT NULL, failures INTEGER NOT NULL, blocked_until_ms INTEGER NOT NULL)"]];

/// How long an idle subject is kept after its limits have run out.
const FORGET_AFTER_MS: i64 = 3_600_000;

#[derive(Deserialize)]
struct StateRow {
    due_ms: i64,
    failures: i64,
    blocked_until_ms: i64,
}

impl DurableObject for Throttle {
    fn new(state: State, _env: Env) -> Self {
        Self { storage: ObjectStorage::open(state, "throttle", SCHEMA) }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let Some(route) = ThrottleRoute::from_path(&req.path()) else {
            return Response::error("no such throttle route", 404);
        };
        let call: ThrottleCall = req.json().await?;
        let now = now_ms();
        let decided = match route {
            ThrottleRoute::Attempt => self.decide(|state| state.attempt(call.limit, now).map_err(Into::into)),
            ThrottleRoute::Succeeded => self.decide(|state| Ok(state.succeeded(call.limit))),
        };
        if let Ok(state) = &decided {
            if let Err(e) = self.storage.schedule_alarm(Some(state.idle_after_ms().max(now) + FORGET_AFTER_MS)).await {
                worker::console_error!("throttle alarm: {e:?}");
            }
        }
        reply(decided.map(|_| ()))
    }

    /// Forgets a subject whose limits have long run out.
    async fn alarm(&self) -> Result<Response> {
        self.storage.alarm_fired();
        if let Err(e) = self.forget_if_idle() {
            worker::console_error!("throttle forget: {e:?}");
        }
        Response::ok("checked")
    }
}

impl Throttle {
    fn forget_if_idle(&self) -> AppResult<()> {
        if self.read()?.idle_after_ms() + FORGET_AFTER_MS <= now_ms() {
            self.storage.exec("DELETE FROM throttle", Vec::new())?;
        }
        Ok(())
    }

    fn read(&self) -> AppResult<ThrottleState> {
        let rows: Vec<StateRow> =
            self.storage.rows("SELECT due_ms, failures, blocked_until_ms FROM throttle WHERE id = 1", Vec::new())?;
        Ok(rows.first().map_or_else(ThrottleState::default, |r| ThrottleState {
            due_ms: r.due_ms,
            failures: super::to_u32(r.failures),
            blocked_until_ms: r.blocked_until_ms,
        }))
    }

    /// Reads, decides and writes in one synchronous step.
    fn decide(&self, rule: impl FnOnce(ThrottleState) -> AppResult<ThrottleState>) -> AppResult<ThrottleState> {
        let next = rule(self.read()?)?;
        self.storage.exec(
            "INSERT INTO throttle (id, due_ms, failures, blocked_until_ms) VALUES (1, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET due_ms = excluded.due_ms, failures = excluded.failures, \
             blocked_until_ms = excluded.blocked_until_ms",
            vec![int(next.due_ms), int(next.failures), int(next.blocked_until_ms)],
        )?;
        Ok(next)
    }
}
