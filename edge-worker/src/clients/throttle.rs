//! Client of the `Throttle` Durable Objects: one per limited subject, named by
//! `Limit::key` (`sign_in_per_phone:138…`, `join_per_address:…`).

use super::{call_object, object_routes};
use crate::error::AppResult;
use serde::{Deserialize, Serialize};
use shared_model::throttle::Limit;
use worker::{Env, ObjectNamespace, Request};

object_routes! {
    /// What a `Throttle` answers to.
    ThrottleRoute {
        /// Count one attempt, or refuse it with 429 and the wait ([`ThrottleCall`] → `()`).
        Attempt => "/attempt",
        /// The attempt succeeded: a back-off forgets its failures ([`ThrottleCall`] → `()`).
        Succeeded => "/succeeded",
    }
}

#[derive(Serialize, Deserialize)]
pub struct ThrottleCall {
    pub limit: Limit,
}

/// The abuse limits, as the routes use them.
pub struct Throttles {
    namespace: ObjectNamespace,
}

impl Throttles {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { namespace: env.durable_object("THROTTLE")? })
    }

    /// Counts an attempt by `subject` against `limit`: `Err` (429) when it must wait.
    pub async fn attempt(&self, limit: Limit, subject: &str) -> AppResult<()> {
        call_object(&self.namespace, &limit.key(subject), ThrottleRoute::Attempt.path(), &ThrottleCall { limit }).await
    }

    /// `subject`'s attempt succeeded.
    pub async fn succeeded(&self, limit: Limit, subject: &str) -> AppResult<()> {
        call_object(&self.namespace, &limit.key(subject), ThrottleRoute::Succeeded.path(), &ThrottleCall { limit }).await
    }
}

/// The client's network address, as Cloudflare's edge (or workerd locally) saw it.
pub fn client_address(req: &Request) -> String {
    req.headers().get("CF-Connecting-IP").ok().flatten().unwrap_or_else(|| "unknown".to_owned())
}
