//! Abuse limits: how often one phone, one client address or one person may try something.
//! Pure rules on plain numbers; the edge keeps each subject's [`ThrottleState`] (a
//! `Throttle` Durable Object per subject, a live room for its comments).
//!
//! Policy:
//! - **Sign-in attempts** (owner password, resident sign-in code) per phone: 10 free,
//!   then a wait that doubles with each further failure, 1 minute up to 1 hour; a success
//!   forgets them. (A sign-in code allows 5 tries of its own; the phone's limit is what
//!   stops guessing across new codes.) Every attempt counts as a failure until it succeeds, so a burst of
//!   guesses sent at once is counted as it arrives, not after the answers.
//! - **Sign-in attempts per client address**: 30 at once, then one every 10 seconds
//!   (a store's Wi-Fi at the counter is one address for many residents).
//! - **Joining a store per client address**: 30 at once, then one every 10 seconds
//!   (the poster by the till is scanned by a queue of neighbours on one network).
//! - **Live comments per person**: 5 at once, then one a second.
//! - **A live room's socket**: 30 frames at once, then two a second, or it is closed
//!   (a viewer sends one `hello` per connection and a comment now and then; keep-alive
//!   pings are answered by the runtime and never count); a `hello` answered at most twice
//!   in 5 seconds, since each answer may be the whole room.
//! - **Sockets open in one room**: [`MAX_SOCKETS_PER_PERSON`] for a signed-in person,
//!   [`MAX_ANONYMOUS_SOCKETS_PER_ADDRESS`] for one client address not signed in.
//!
//! Rates use the generic cell rate algorithm: one number per subject, the time its next
//! attempt is "due"; a burst may run that far ahead of now.

use crate::problem::impl_error_code;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    SignInPerPhone,
    SignInPerAddress,
    JoinPerAddress,
    LiveComment,
    SocketFrames,
    Hello,
}

/// Most sockets one signed-in person may hold open in one room (a phone, a tablet, a TV…).
pub const MAX_SOCKETS_PER_PERSON: usize = 4;
/// Most sockets one client address may hold open in one room without signing in (a
/// family's Wi-Fi, a store's screen).
pub const MAX_ANONYMOUS_SOCKETS_PER_ADDRESS: usize = 20;

/// `Ok` if a viewer who already has `open` sockets in a room may open another.
pub fn check_open_sockets(open: usize, signed_in: bool) -> Result<(), ThrottleError> {
    let max = if signed_in { MAX_SOCKETS_PER_PERSON } else { MAX_ANONYMOUS_SOCKETS_PER_ADDRESS };
    if open >= max {
        return Err(ThrottleError::TooManySockets { max: u32::try_from(max).unwrap_or(u32::MAX) });
    }
    Ok(())
}

/// How a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// `burst` attempts at once, then one more every `every_ms`.
    Rate { burst: u32, every_ms: i64 },
    /// `free` failures, then a wait of `first_wait_ms` that doubles with each further
    /// failure, up to `max_wait_ms`; a success forgets them.
    Backoff { free: u32, first_wait_ms: i64, max_wait_ms: i64 },
}

const MINUTE_MS: i64 = 60_000;

impl Limit {
    pub fn policy(self) -> Policy {
        match self {
            Limit::SignInPerPhone => Policy::Backoff { free: 10, first_wait_ms: MINUTE_MS, max_wait_ms: 60 * MINUTE_MS },
            Limit::SignInPerAddress | Limit::JoinPerAddress => Policy::Rate { burst: 30, every_ms: 10_000 },
            Limit::LiveComment => Policy::Rate { burst: 5, every_ms: 1_000 },
            Limit::SocketFrames => Policy::Rate { burst: 30, every_ms: 500 },
            Limit::Hello => Policy::Rate { burst: 2, every_ms: 5_000 },
        }
    }

    /// The name of one subject's counter, e.g. `sign_in_per_phone:13800138000`.
    pub fn key(self, subject: &str) -> String {
        let name = match self {
            Limit::SignInPerPhone => "sign_in_per_phone",
            Limit::SignInPerAddress => "sign_in_per_address",
            Limit::JoinPerAddress => "join_per_address",
            Limit::LiveComment => "live_comment",
            Limit::SocketFrames => "socket_frames",
            Limit::Hello => "hello",
        };
        format!("{name}:{subject}")
    }

    fn refused(self, wait_ms: i64) -> ThrottleError {
        let seconds = u32::try_from((wait_ms + 999) / 1000).unwrap_or(u32::MAX).max(1);
        match self {
            Limit::SignInPerPhone | Limit::SignInPerAddress => ThrottleError::TooManySignIns { seconds },
            Limit::JoinPerAddress => ThrottleError::TooManyJoins { seconds },
            Limit::LiveComment => ThrottleError::CommentTooFast { seconds },
            Limit::SocketFrames => ThrottleError::TooManyFrames { seconds },
            Limit::Hello => ThrottleError::HelloTooSoon { seconds },
        }
    }
}

/// One subject's counter. The zero value is a subject never seen (or long forgiven).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThrottleState {
    /// Rate: when the next attempt is due (ms); a burst runs ahead of now.
    pub due_ms: i64,
    /// Backoff: failures since the last success.
    pub failures: u32,
    /// Backoff: no attempt before this (ms).
    pub blocked_until_ms: i64,
}

impl ThrottleState {
    /// Counts one attempt at `now_ms`: the new state, or how long to wait.
    pub fn attempt(self, limit: Limit, now_ms: i64) -> Result<ThrottleState, ThrottleError> {
        match limit.policy() {
            Policy::Rate { burst, every_ms } => {
                let due = self.due_ms.max(now_ms);
                let ahead = due - now_ms;
                let allowed_ahead = i64::from(burst.saturating_sub(1)) * every_ms;
                if ahead > allowed_ahead {
                    return Err(limit.refused(ahead - allowed_ahead));
                }
                Ok(ThrottleState { due_ms: due + every_ms, ..self })
            }
            Policy::Backoff { free, first_wait_ms, max_wait_ms } => {
                if now_ms < self.blocked_until_ms {
                    return Err(limit.refused(self.blocked_until_ms - now_ms));
                }
                let failures = self.failures.saturating_add(1);
                let blocked_until_ms = match failures.checked_sub(free) {
                    Some(over) => now_ms + first_wait_ms.saturating_mul(1 << over.min(20)).min(max_wait_ms),
                    None => 0,
                };
                Ok(ThrottleState { failures, blocked_until_ms, ..self })
            }
        }
    }

    /// The attempt succeeded: a back-off forgets its failures (a rate is unchanged).
    pub fn succeeded(self, limit: Limit) -> ThrottleState {
        match limit.policy() {
            Policy::Rate { .. } => self,
            Policy::Backoff { .. } => ThrottleState { failures: 0, blocked_until_ms: 0, ..self },
        }
    }

    /// When this state is no different from a subject never seen, so it may be forgotten.
    pub fn idle_after_ms(self) -> i64 {
        self.due_ms.max(self.blocked_until_ms)
    }
}

/// Refused for now: the client may try again after `seconds`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ThrottleError {
    #[error("too many sign-in attempts; wait {seconds} s")]
    TooManySignIns { seconds: u32 },
    #[error("too many stores joined from this network; wait {seconds} s")]
    TooManyJoins { seconds: u32 },
    #[error("comments too fast; wait {seconds} s")]
    CommentTooFast { seconds: u32 },
    #[error("too many frames on this socket")]
    TooManyFrames { seconds: u32 },
    #[error("hello sent again too soon; wait {seconds} s")]
    HelloTooSoon { seconds: u32 },
    #[error("at most {max} open sockets in one room")]
    TooManySockets { max: u32 },
}

impl ThrottleError {
    pub fn code(&self) -> &'static str {
        match self {
            ThrottleError::TooManySignIns { .. } => "too_many_sign_ins",
            ThrottleError::TooManyJoins { .. } => "too_many_joins",
            ThrottleError::CommentTooFast { .. } => "comment_too_fast",
            ThrottleError::TooManyFrames { .. } => "too_many_frames",
            ThrottleError::HelloTooSoon { .. } => "hello_too_soon",
            ThrottleError::TooManySockets { .. } => "too_many_sockets",
        }
    }

    pub fn http_status(&self) -> u16 {
        429
    }

    /// The wait, for the message and the `Retry-After` header (none for a count).
    pub fn seconds(&self) -> Option<u32> {
        match self {
            ThrottleError::TooManySignIns { seconds }
            | ThrottleError::TooManyJoins { seconds }
            | ThrottleError::CommentTooFast { seconds }
            | ThrottleError::TooManyFrames { seconds }
            | ThrottleError::HelloTooSoon { seconds } => Some(*seconds),
            ThrottleError::TooManySockets { .. } => None,
        }
    }

    pub fn args(&self) -> Vec<(&'static str, i64)> {
        match (self, self.seconds()) {
            (ThrottleError::TooManySockets { max }, _) => vec![("max", i64::from(*max))],
            (_, Some(seconds)) => vec![("seconds", i64::from(seconds)), ("minutes", (i64::from(seconds) + 59) / 60)],
            (_, None) => Vec::new(),
        }
    }
}

impl_error_code!(ThrottleError, args);

#[cfg(test)]
mod tests {
    use super::*;

    fn run(limit: Limit, mut state: ThrottleState, times: &[i64]) -> (ThrottleState, Vec<bool>) {
        let mut allowed = Vec::new();
        for &t in times {
            match state.attempt(limit, t) {
                Ok(next) => {
                    state = next;
                    allowed.push(true);
                }
                Err(_) => allowed.push(false),
            }
        }
        (state, allowed)
    }

    #[test]
    fn comments_allow_a_burst_of_five_then_one_a_second() {
        let (state, allowed) = run(Limit::LiveComment, ThrottleState::default(), &[0; 7]);
        assert_eq!(allowed, [true, true, true, true, true, false, false]);
        let err = state.attempt(Limit::LiveComment, 0).unwrap_err();
        assert_eq!((err.code(), err.seconds()), ("comment_too_fast", Some(1)));
        // One a second from then on, never two.
        let (_, allowed) = run(Limit::LiveComment, state, &[1_000, 1_100, 2_000, 2_500, 3_000]);
        assert_eq!(allowed, [true, false, true, false, true]);
        // A quiet minute fills the burst again.
        let (_, allowed) = run(Limit::LiveComment, state, &[60_000; 6]);
        assert_eq!(allowed, [true, true, true, true, true, false]);
    }

    #[test]
    fn sign_in_failures_back_off_doubling_to_an_hour_and_a_success_forgets_them() {
        let limit = Limit::SignInPerPhone;
        let (state, allowed) = run(limit, ThrottleState::default(), &[0; 11]);
        // Ten attempts at once are taken; the tenth failure starts a minute's wait.
        assert_eq!(allowed.iter().filter(|a| **a).count(), 10);
        assert!(!allowed[10]);
        let err = state.attempt(limit, 30_000).unwrap_err();
        assert_eq!((err.code(), err.seconds()), ("too_many_sign_ins", Some(30)));
        assert_eq!(err.args(), [("seconds", 30), ("minutes", 1)]);
        // Each further failure doubles the wait.
        let state = state.attempt(limit, 60_000).unwrap();
        assert_eq!(state.blocked_until_ms, 60_000 + 2 * MINUTE_MS);
        let state = state.attempt(limit, 180_000).unwrap();
        assert_eq!(state.blocked_until_ms, 180_000 + 4 * MINUTE_MS);
        let mut late = state;
        for _ in 0..10 {
            late = late.attempt(limit, late.blocked_until_ms).unwrap();
        }
        assert_eq!(late.blocked_until_ms - late.idle_after_ms(), 0);
        assert!(late.attempt(limit, late.blocked_until_ms - 1).is_err());
        let waited = late.blocked_until_ms;
        let last = late.attempt(limit, waited).unwrap();
        assert_eq!(last.blocked_until_ms - waited, 60 * MINUTE_MS);
        // A success forgets every failure.
        let forgiven = last.succeeded(limit);
        assert_eq!(forgiven, ThrottleState::default());
    }

    #[test]
    fn a_queue_at_the_counter_can_join_on_one_network() {
        let (state, allowed) = run(Limit::JoinPerAddress, ThrottleState::default(), &[0; 31]);
        assert_eq!(allowed.iter().filter(|a| **a).count(), 30);
        let err = state.attempt(Limit::JoinPerAddress, 0).unwrap_err();
        assert_eq!((err.code(), err.seconds()), ("too_many_joins", Some(10)));
        assert!(state.attempt(Limit::JoinPerAddress, 10_000).is_ok());
        assert_eq!(Limit::JoinPerAddress.key("1.2.3.4"), "join_per_address:1.2.3.4");
    }

    #[test]
    fn a_socket_gets_a_frame_budget_and_two_hellos_in_five_seconds() {
        let (state, allowed) = run(Limit::SocketFrames, ThrottleState::default(), &[0; 31]);
        assert_eq!(allowed.iter().filter(|a| **a).count(), 30, "2,000 junk frames end at the 31st");
        assert!(state.attempt(Limit::SocketFrames, 500).is_ok());
        let (_, allowed) = run(Limit::Hello, ThrottleState::default(), &[0, 0, 0, 4_999, 5_000]);
        assert_eq!(allowed, [true, true, false, false, true]);
    }

    #[test]
    fn sockets_per_person_and_per_address() {
        assert!(check_open_sockets(MAX_SOCKETS_PER_PERSON - 1, true).is_ok());
        let err = check_open_sockets(MAX_SOCKETS_PER_PERSON, true).unwrap_err();
        assert_eq!((err.code(), err.args()), ("too_many_sockets", vec![("max", 4)]));
        assert!(check_open_sockets(MAX_SOCKETS_PER_PERSON, false).is_ok(), "a shared Wi-Fi gets more");
        assert!(check_open_sockets(MAX_ANONYMOUS_SOCKETS_PER_ADDRESS, false).is_err());
    }
}
