//! The live itself: its life cycle (scheduled → live → ended), the owner's new-live form
//! and its checks (title, start time, stream and cover URLs), the suggested start time,
//! and who may run the room.
//!
//! The bounded-text check kept here is shared with offers and comments, so every free
//! text in a room is counted in characters and refused with control characters the same
//! way.

use super::error::LiveError;
use crate::{
    ids::{stored_forms, LiveSessionId, StoreId},
    text::one_line,
    time::local_day_at,
};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest live title, in characters.
pub const MAX_TITLE_CHARS: usize = 40;
/// How far in the past a new live may start, in minutes: "start now" from a phone whose
/// clock lags a little must still be accepted.
pub const START_GRACE_MINUTES: i64 = 5;
/// Longest stream or cover URL, in characters.
pub const MAX_URL_CHARS: usize = 500;

/// Where a live is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LiveSessionStatus {
    /// Announced, not on air yet.
    Scheduled,
    /// On air: offers can be pinned and bought.
    Live,
    /// Over. Final.
    Ended,
}

// In life-cycle order.
stored_forms!(LiveSessionStatus, "live session status", { Scheduled => "scheduled", Live => "live", Ended => "ended" });

impl LiveSessionStatus {
    /// Chinese badge text.
    pub fn label_zh(self) -> &'static str {
        match self {
            LiveSessionStatus::Scheduled => "预告",
            LiveSessionStatus::Live => "直播中",
            LiveSessionStatus::Ended => "已结束",
        }
    }

    /// The status after going on air: only a scheduled live can start.
    pub fn start(self) -> Result<Self, LiveError> {
        match self {
            LiveSessionStatus::Scheduled => Ok(LiveSessionStatus::Live),
            LiveSessionStatus::Live => Err(LiveError::LiveAlreadyStarted),
            LiveSessionStatus::Ended => Err(LiveError::LiveEnded),
        }
    }

    /// The status after going off air: only a running live can end.
    pub fn end(self) -> Result<Self, LiveError> {
        match self {
            LiveSessionStatus::Live => Ok(LiveSessionStatus::Ended),
            LiveSessionStatus::Scheduled => Err(LiveError::LiveNotStarted),
            LiveSessionStatus::Ended => Err(LiveError::LiveEnded),
        }
    }

    /// `Ok` while on air; otherwise why the room is not taking offers.
    pub fn check_live(self) -> Result<(), LiveError> {
        match self {
            LiveSessionStatus::Live => Ok(()),
            LiveSessionStatus::Scheduled => Err(LiveError::LiveNotStarted),
            LiveSessionStatus::Ended => Err(LiveError::LiveEnded),
        }
    }
}

impl fmt::Display for LiveSessionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An owner's new live (`POST /api/v1/stores/{store}/lives`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewLiveSession {
    /// Title shown on the card and in the room, e.g. `今晚8点 山东寿光白菜专场`.
    pub title: String,
    /// When it is announced to start.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub starts_at: DateTime<Utc>,
    /// Cover image, `http(s)://…` or a site path `/…`.
    #[serde(default)]
    pub cover_url: Option<String>,
    /// Where the player reads the stream, `http(s)://…` or a site path `/…`; may be set later.
    #[serde(default)]
    pub stream_url: Option<String>,
}

impl NewLiveSession {
    /// Checks, in order: the title, the start time, the cover URL, the stream URL (see
    /// the module doc). Returns the cleaned form: title and URLs trimmed, blank URLs `None`.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<NewLiveSession, LiveError> {
        let title = one_line(&self.title, 1, MAX_TITLE_CHARS).ok_or(LiveError::InvalidLiveTitle)?;
        if now.signed_duration_since(self.starts_at) > Duration::minutes(START_GRACE_MINUTES) {
            return Err(LiveError::LiveStartsInPast);
        }
        let cover_url = clean_url(self.cover_url.as_deref()).map_err(|()| LiveError::InvalidCoverUrl)?;
        let stream_url = clean_url(self.stream_url.as_deref()).map_err(|()| LiveError::InvalidStreamUrl)?;
        Ok(NewLiveSession { title, starts_at: self.starts_at, cover_url, stream_url })
    }
}

/// A store's live, as stored and as sent to viewers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveSession {
    /// The live's ID.
    pub id: LiveSessionId,
    /// The store streaming.
    pub store_id: StoreId,
    /// Title, 1..=40 characters.
    pub title: String,
    /// Announced start.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub starts_at: DateTime<Utc>,
    /// Cover image.
    pub cover_url: Option<String>,
    /// Where the player reads the stream, once known.
    pub stream_url: Option<String>,
    /// Where it is in its life cycle.
    pub status: LiveSessionStatus,
    /// When it actually went on air.
    #[cfg_attr(feature = "browser", serde(default, with = "crate::time::wire::opt_instant"))]
    pub started_at: Option<DateTime<Utc>>,
    /// When it went off air.
    #[cfg_attr(feature = "browser", serde(default, with = "crate::time::wire::opt_instant"))]
    pub ended_at: Option<DateTime<Utc>>,
}

impl LiveSession {
    /// A scheduled live from a validated [`NewLiveSession`].
    pub fn schedule(id: LiveSessionId, store_id: StoreId, new: NewLiveSession) -> Self {
        LiveSession {
            id,
            store_id,
            title: new.title,
            starts_at: new.starts_at,
            cover_url: new.cover_url,
            stream_url: new.stream_url,
            status: LiveSessionStatus::Scheduled,
            started_at: None,
            ended_at: None,
        }
    }

    /// Goes on air at `now` (see [`LiveSessionStatus::start`]).
    pub fn start(&mut self, now: DateTime<Utc>) -> Result<(), LiveError> {
        self.status = self.status.start()?;
        self.started_at = Some(now);
        Ok(())
    }

    /// Goes off air at `now` (see [`LiveSessionStatus::end`]). The room then unpins every
    /// offer ([`Offer::unpin`](super::Offer::unpin)), which closes them.
    pub fn end(&mut self, now: DateTime<Utc>) -> Result<(), LiveError> {
        self.status = self.status.end()?;
        self.ended_at = Some(now);
        Ok(())
    }
}

/// The hour (store time) evening lives usually start.
pub const EVENING_SHOW_HOUR: u32 = 20;

/// When a new live is suggested to start: [`EVENING_SHOW_HOUR`] store time today while
/// that is at least 30 minutes away, else the first half hour at least 30 minutes from now.
pub fn suggested_live_start(now: DateTime<Utc>) -> DateTime<Utc> {
    match local_day_at(now, 0, EVENING_SHOW_HOUR) {
        Some(tonight) if tonight - now >= Duration::minutes(30) => tonight,
        _ => {
            let later = now.timestamp() + 30 * 60;
            let rounded = later + (1800 - later.rem_euclid(1800)) % 1800;
            DateTime::from_timestamp(rounded, 0).unwrap_or(now)
        }
    }
}

/// An optional URL trimmed, blank as `None`; `Err` unless [`is_allowed_url`].
fn clean_url(raw: Option<&str>) -> Result<Option<String>, ()> {
    match raw.map(str::trim).filter(|u| !u.is_empty()) {
        None => Ok(None),
        Some(url) if is_allowed_url(url) => Ok(Some(url.to_owned())),
        Some(_) => Err(()),
    }
}

/// Whether `url` may be used as a stream or cover address: `http://` or `https://`
/// (any case) with a host, or a path on our own site starting with a single `/`. At most
/// [`MAX_URL_CHARS`] characters, with no whitespace, control characters or backslashes
/// (browsers read `/\host` as `//host`, another site).
pub fn is_allowed_url(url: &str) -> bool {
    if url.is_empty()
        || url.chars().count() > MAX_URL_CHARS
        || url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return false;
    }
    if let Some(path) = url.strip_prefix('/') {
        return !path.starts_with('/');
    }
    let rest = ["http://", "https://"].iter().find_map(|scheme| {
        url.get(..scheme.len()).filter(|head| head.eq_ignore_ascii_case(scheme)).map(|_| &url[scheme.len()..])
    });
    match rest {
        Some(rest) => rest.split(['/', '?', '#']).next().is_some_and(|host| !host.is_empty()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::test_support::{new_session, now, secs, session, utc};

    #[test]
    fn suggests_tonight_at_eight_or_the_next_half_hour() {
        // 10:00 local: tonight 20:00.
        assert_eq!(suggested_live_start(utc("2026-11-25T02:00:00Z")), utc("2026-11-25T12:00:00Z"));
        // 19:30 local: still 20:00.
        assert_eq!(suggested_live_start(utc("2026-11-25T11:30:00Z")), utc("2026-11-25T12:00:00Z"));
        // 19:45 local: 20:15, rounded up to 20:30.
        assert_eq!(suggested_live_start(utc("2026-11-25T11:45:00Z")), utc("2026-11-25T12:30:00Z"));
        // 22:00 local exactly: 22:30.
        assert_eq!(suggested_live_start(utc("2026-11-25T14:00:00Z")), utc("2026-11-25T14:30:00Z"));
        // 23:50:10 local: past midnight, 00:30.
        assert_eq!(suggested_live_start(utc("2026-11-25T15:50:10Z")), utc("2026-11-25T16:30:00Z"));
    }

    #[test]
    fn session_status_transitions() {
        use LiveSessionStatus::*;
        assert_eq!(Scheduled.start(), Ok(Live));
        assert_eq!(Live.start(), Err(LiveError::LiveAlreadyStarted));
        assert_eq!(Ended.start(), Err(LiveError::LiveEnded));
        assert_eq!(Live.end(), Ok(Ended));
        assert_eq!(Scheduled.end(), Err(LiveError::LiveNotStarted));
        assert_eq!(Ended.end(), Err(LiveError::LiveEnded));
        assert_eq!(Live.check_live(), Ok(()));
        assert_eq!(Scheduled.check_live(), Err(LiveError::LiveNotStarted));
        assert_eq!(Ended.check_live(), Err(LiveError::LiveEnded));
    }

    #[test]
    fn session_status_stored_form() {
        for s in LiveSessionStatus::ALL {
            assert_eq!(LiveSessionStatus::parse(s.as_str()), Ok(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
        assert!(LiveSessionStatus::parse("paused").is_err());
        let zh: Vec<_> = LiveSessionStatus::ALL.iter().map(|s| s.label_zh()).collect();
        assert_eq!(zh, ["预告", "直播中", "已结束"]);
    }

    #[test]
    fn session_start_and_end_stamp_times() {
        let mut s = session(LiveSessionStatus::Scheduled);
        assert_eq!(s.end(now()), Err(LiveError::LiveNotStarted));
        assert_eq!((s.status, s.started_at, s.ended_at), (LiveSessionStatus::Scheduled, None, None));
        s.start(now()).unwrap();
        assert_eq!((s.status, s.started_at), (LiveSessionStatus::Live, Some(now())));
        assert_eq!(s.start(now() + secs(1)), Err(LiveError::LiveAlreadyStarted));
        assert_eq!(s.started_at, Some(now()), "a refused start changes nothing");
        s.end(now() + Duration::hours(1)).unwrap();
        assert_eq!((s.status, s.ended_at), (LiveSessionStatus::Ended, Some(now() + Duration::hours(1))));
        assert_eq!(s.start(now()), Err(LiveError::LiveEnded));
        assert_eq!(s.end(now()), Err(LiveError::LiveEnded));
    }

    #[test]
    fn schedule_cleans_and_keeps_fields() {
        let s = session(LiveSessionStatus::Scheduled);
        assert_eq!(s.title, "今晚8点 寿光白菜专场");
        assert_eq!(s.cover_url.as_deref(), Some("/images/live/cover.png"));
        assert_eq!(s.stream_url, None);
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["status"], "scheduled");
        assert_eq!(json["starts_at"], "2026-11-25T12:00:00Z");
        assert_eq!(json["started_at"], serde_json::Value::Null);
        assert_eq!(serde_json::from_value::<LiveSession>(json).unwrap(), s);
    }

    #[test]
    fn title_is_counted_in_characters() {
        let mut n = new_session();
        n.title = "播".repeat(40);
        assert!(n.validate(now()).is_ok());
        n.title = "播".repeat(41);
        assert_eq!(n.validate(now()), Err(LiveError::InvalidLiveTitle));
        n.title = "  ".into();
        assert_eq!(n.validate(now()), Err(LiveError::InvalidLiveTitle));
        n.title = "今晚\n直播".into();
        assert_eq!(n.validate(now()), Err(LiveError::InvalidLiveTitle));
        n.title = "a".into();
        assert!(n.validate(now()).is_ok());
    }

    #[test]
    fn start_may_be_at_most_five_minutes_past() {
        let mut n = new_session();
        n.starts_at = now() - Duration::minutes(5);
        assert!(n.validate(now()).is_ok(), "exactly 5 minutes ago is still fine");
        n.starts_at = now() - Duration::minutes(5) - secs(1);
        assert_eq!(n.validate(now()), Err(LiveError::LiveStartsInPast));
        n.starts_at = now() + Duration::days(3);
        assert!(n.validate(now()).is_ok());
        // Extreme instants do not panic.
        n.starts_at = DateTime::<Utc>::MIN_UTC;
        assert_eq!(n.validate(DateTime::<Utc>::MAX_UTC), Err(LiveError::LiveStartsInPast));
        n.starts_at = DateTime::<Utc>::MAX_UTC;
        assert!(n.validate(DateTime::<Utc>::MIN_UTC).is_ok());
    }

    #[test]
    fn urls_are_http_or_site_paths() {
        for ok in [
            "https://live.example.com/s/1.m3u8",
            "http://10.0.0.2:8080/live",
            "HTTPS://Example.com",
            "https://example.com?x=1",
            "/live/s-1/index.m3u8",
            "/",
        ] {
            assert!(is_allowed_url(ok), "{ok}");
        }
        for bad in [
            "",
            "//evil.example/x",
            "/\\evil.example",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "ftp://example.com/a",
            "https://",
            "http:///path",
            "https:/example.com",
            "live/s-1",
            "/live/a b",
            "https://example.com/\u{7}",
            "https：//example.com",
            &format!("/{}", "a".repeat(500)),
        ] {
            assert!(!is_allowed_url(bad), "{bad}");
        }
        assert!(is_allowed_url(&format!("/{}", "a".repeat(499))));
    }

    #[test]
    fn session_urls_are_checked_and_cleaned() {
        let mut n = new_session();
        n.stream_url = Some(" https://live.example.com/1.flv ".into());
        n.cover_url = Some("   ".into());
        let v = n.validate(now()).unwrap();
        assert_eq!(v.stream_url.as_deref(), Some("https://live.example.com/1.flv"));
        assert_eq!(v.cover_url, None, "a blank URL is no URL");
        n.stream_url = Some("//cdn.example.com/1.flv".into());
        assert_eq!(n.validate(now()), Err(LiveError::InvalidStreamUrl));
        n.stream_url = None;
        n.cover_url = Some("javascript:alert(1)".into());
        assert_eq!(n.validate(now()), Err(LiveError::InvalidCoverUrl));
        // Missing optional members in JSON mean none.
        let n: NewLiveSession = serde_json::from_str(r#"{"title":"今晚","starts_at":"2026-11-25T12:00:00Z"}"#).unwrap();
        assert_eq!((n.cover_url, n.stream_url), (None, None));
    }
}
