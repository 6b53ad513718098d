//! What travels over a viewer's WebSocket: the frames a viewer sends (size-checked and
//! parsed before anything reads them), the frames the room sends back, and the room
//! snapshot a viewer holds and keeps current by folding in events.
//!
//! The page and the tests share [`RoomSnapshot::apply`], so there is one reading of the
//! events.

use super::{
    chain::{Audience, ChainEntry},
    comments::{fold_comments, LiveComment, KEPT_COMMENTS},
    error::LiveError,
    events::{RoomEvent, RoomEventKind},
    offer::{offer_state, Offer, OfferState},
    session::{LiveSession, LiveSessionStatus},
};
use crate::{api::OrderBrief, problem::Problem, tagged::tag_first, text::one_line, OfferId, PickupPointId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 100;
/// Largest WebSocket text frame a viewer may send, in bytes; anything longer is refused
/// before parsing.
pub const MAX_CLIENT_MESSAGE_BYTES: usize = 2048;

/// A WebSocket text frame from a viewer, tagged by `type`: `{"type":"hello","last_seen":41}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// First frame after (re)connecting.
    Hello {
        /// The last event number seen; `None` (or missing) on a first visit.
        #[serde(default)]
        last_seen: Option<u64>,
        /// The last comment number seen, if any (comments are numbered apart).
        #[serde(default)]
        last_comment: Option<u64>,
    },
    /// A comment to post.
    Comment {
        /// The text; trimmed and checked by [`parse_client_message`].
        text: String,
    },
    /// Keep-alive.
    Ping,
    /// 立即抢购 over the open socket: the same buy as `POST
    /// /api/v1/lives/{live}/offers/{offer}/orders`, answered on this socket with
    /// [`ServerMessage::Bought`] or [`ServerMessage::BuyFailed`] under the same `key`. The
    /// socket is already there when she taps, so the buy skips a request of its own.
    Buy {
        /// The tap's idempotency key: a retry, over the socket or over HTTP, lands on the
        /// same order.
        key: String,
        /// The pinned offer.
        offer_id: OfferId,
        /// Units wanted.
        quantity: i64,
        /// Where to collect it (the store's first pickup point when missing).
        #[serde(default)]
        pickup_point_id: Option<PickupPointId>,
    },
}

/// Reads a viewer's frame: `MalformedMessage` for anything that is not a known message
/// (or is over [`MAX_CLIENT_MESSAGE_BYTES`]), `InvalidComment` for a comment that is not
/// 1..=100 characters after trimming or holds control characters. A comment comes back
/// trimmed.
pub fn parse_client_message(text: &str) -> Result<ClientMessage, LiveError> {
    if text.len() > MAX_CLIENT_MESSAGE_BYTES {
        return Err(LiveError::MalformedMessage);
    }
    match serde_json::from_str(text).map_err(|_| LiveError::MalformedMessage)? {
        ClientMessage::Comment { text } => {
            let text = one_line(&text, 1, MAX_COMMENT_CHARS).ok_or(LiveError::InvalidComment)?;
            Ok(ClientMessage::Comment { text })
        }
        other => Ok(other),
    }
}

tag_first! {
    tag = "type";
    /// What the room sends a viewer, tagged by `type`: `{"type":"events","events":[…]}`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum ServerMessage {
        /// The whole room: the answer to a first `hello`, or to one the log can no longer
        /// serve ([`Resume::Snapshot`](super::Resume::Snapshot)).
        Snapshot {
            /// The room as it stands.
            room: Box<RoomSnapshot>,
        },
        /// Events in sequence order. One buy sends its 接龙 line and stock change together.
        Events {
            /// The events, oldest first.
            events: Vec<RoomEvent>,
        },
        /// New comments, oldest first (numbered apart from the events).
        Comments {
            /// The comments.
            comments: Vec<LiveComment>,
        },
        /// A frame the room refused; the socket stays open.
        Error {
            /// Why, as in every API error.
            problem: Problem,
        },
        /// The answer to [`ClientMessage::Ping`].
        Pong,
        /// The order a [`ClientMessage::Buy`] placed (or, `replayed`, had placed before).
        Bought {
            /// The buy's key.
            key: String,
            /// The order, briefly.
            order: OrderBrief,
            /// Whether the key had already placed it.
            replayed: bool,
        },
        /// Why a [`ClientMessage::Buy`] was refused; nothing was bought.
        BuyFailed {
            /// The buy's key.
            key: String,
            /// Why, as the HTTP route would say it.
            problem: Problem,
        },
    }
}

/// [`ClientMessage::Ping`] as sent, byte for byte: the room has the runtime answer it with
/// [`PONG_FRAME`] without waking up.
pub const PING_FRAME: &str = r#"{"type":"ping"}"#;

/// [`ServerMessage::Pong`] as sent.
pub const PONG_FRAME: &str = r#"{"type":"pong"}"#;

/// 接龙 lines a snapshot carries (the newest); older ones are counted in `chain_total`.
pub const SNAPSHOT_CHAIN_ENTRIES: usize = 200;

/// Comments a snapshot carries (the newest).
pub const SNAPSHOT_COMMENTS: usize = KEPT_COMMENTS;

/// A room as a viewer holds it: sent whole on joining, then kept current by applying
/// events ([`RoomSnapshot::apply`]), so the page and the tests share one reading of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomSnapshot {
    /// The live.
    pub session: LiveSession,
    /// Every offer pinned in this live, oldest first, each with its current `sold`.
    pub offers: Vec<Offer>,
    /// The newest [`SNAPSHOT_CHAIN_ENTRIES`] 接龙 lines, oldest first.
    pub chain: Vec<ChainEntry>,
    /// Lines in the whole list (the newest line's `seq`).
    pub chain_total: u64,
    /// The newest [`SNAPSHOT_COMMENTS`] comments, oldest first.
    pub comments: Vec<LiveComment>,
    /// Number of the newest event folded in; a viewer resumes after it.
    pub last_seq: u64,
    /// The room's clock when sent, so a phone with a wrong clock still counts down right.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub now: DateTime<Utc>,
}

/// What [`RoomSnapshot::apply`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The event was the next one and is folded in.
    Applied,
    /// Already seen (a resend after resuming); nothing changed.
    Duplicate,
    /// One or more events before it are missing: reconnect and resume.
    Gap,
}

impl RoomSnapshot {
    /// Folds in the next event. Only `last_seq + 1` is applied, so a viewer never shows
    /// a list with a hole in it.
    pub fn apply(&mut self, event: &RoomEvent) -> Applied {
        if event.seq <= self.last_seq {
            return Applied::Duplicate;
        }
        if event.seq != self.last_seq + 1 {
            return Applied::Gap;
        }
        self.last_seq = event.seq;
        match &event.kind {
            RoomEventKind::OfferPinned { offer } => match self.offers.iter_mut().find(|o| o.id == offer.id) {
                Some(kept) => *kept = (**offer).clone(),
                None => self.offers.push((**offer).clone()),
            },
            RoomEventKind::OfferUnpinned { offer_id } => {
                if let Some(offer) = self.offers.iter_mut().find(|o| &o.id == offer_id) {
                    offer.unpin();
                }
            }
            RoomEventKind::StockChanged { offer_id, sold, .. } => {
                if let Some(offer) = self.offers.iter_mut().find(|o| &o.id == offer_id) {
                    offer.sold = *sold;
                }
            }
            RoomEventKind::ChainAppended { entry } => {
                self.chain_total = self.chain_total.max(entry.seq);
                self.chain.push(entry.clone());
                let excess = self.chain.len().saturating_sub(SNAPSHOT_CHAIN_ENTRIES);
                self.chain.drain(..excess);
            }
            RoomEventKind::LiveStarted => {
                self.session.status = LiveSessionStatus::Live;
                self.session.started_at = Some(event.at);
            }
            RoomEventKind::LiveEnded => {
                self.session.status = LiveSessionStatus::Ended;
                self.session.ended_at = Some(event.at);
                self.offers.iter_mut().for_each(Offer::unpin);
            }
        }
        Applied::Applied
    }

    /// Folds in comments that arrived (oldest first); whether anything changed.
    pub fn apply_comments(&mut self, arrived: &[LiveComment]) -> bool {
        fold_comments(&mut self.comments, arrived)
    }

    /// The comments as a list shows them, newest first.
    pub fn comments_newest_first(&self) -> Vec<LiveComment> {
        self.comments.iter().rev().cloned().collect()
    }

    /// The room as `audience` may see it (the 接龙 lines without buildings for the public).
    pub fn shown_to(mut self, audience: Audience) -> RoomSnapshot {
        if audience == Audience::Public {
            self.chain = self.chain.iter().map(|e| e.shown_to(audience)).collect();
        }
        self
    }

    /// The offer the overlay features at `now`: the newest pinned one still open or
    /// counting down, else the newest pinned one sold out; `None` when nothing is on.
    pub fn featured_offer(&self, now: DateTime<Utc>) -> Option<&Offer> {
        let live = |wanted: &[OfferState]| self.offers.iter().rev().find(|o| wanted.contains(&offer_state(o, o.sold, now)));
        live(&[OfferState::Open, OfferState::Scheduled]).or_else(|| live(&[OfferState::SoldOut]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        ids::OfferId,
        live::{
            chain::chain_line,
            events::number_events,
            test_support::{now, offer, session},
        },
    };
    use chrono::Duration;

    fn snapshot_with(offers: Vec<Offer>) -> RoomSnapshot {
        RoomSnapshot {
            session: session(LiveSessionStatus::Live),
            offers,
            chain: Vec::new(),
            chain_total: 0,
            comments: Vec::new(),
            last_seq: 0,
            now: now(),
        }
    }

    #[test]
    fn snapshot_folds_events_in_sequence_only() {
        let mut room = snapshot_with(vec![offer()]);
        let f1 = OfferId::parse("f-1").unwrap();
        let events = number_events(
            0,
            now(),
            vec![
                RoomEventKind::ChainAppended { entry: ChainEntry::new(1, "王小明", "3栋", 2, now()) },
                RoomEventKind::StockChanged { offer_id: f1.clone(), sold: 2, allotted: 10 },
                RoomEventKind::LiveStarted,
            ],
        );
        assert_eq!(room.apply(&events[1]), Applied::Gap, "event 1 is missing");
        assert_eq!(room.last_seq, 0, "a gap changes nothing");
        for event in &events {
            assert_eq!(room.apply(event), Applied::Applied);
        }
        assert_eq!(room.apply(&events[0]), Applied::Duplicate);
        assert_eq!((room.last_seq, room.chain_total, room.chain.len()), (3, 1, 1));
        assert_eq!(chain_line(&room.chain[0]), "1. 王** 3栋 +2");
        assert_eq!(room.offers[0].sold, 2);
        assert_eq!(room.session.status, LiveSessionStatus::Live);

        let more = number_events(3, now(), vec![RoomEventKind::OfferUnpinned { offer_id: f1 }, RoomEventKind::LiveEnded]);
        more.iter().for_each(|e| assert_eq!(room.apply(e), Applied::Applied));
        assert!(!room.offers[0].pinned);
        assert_eq!(room.session.status, LiveSessionStatus::Ended);
    }

    #[test]
    fn snapshot_keeps_the_newest_chain_lines_and_comments() {
        let mut room = snapshot_with(Vec::new());
        let kinds = (1..=SNAPSHOT_CHAIN_ENTRIES as u64 + 5)
            .map(|n| RoomEventKind::ChainAppended { entry: ChainEntry::new(n, "王小明", "3栋", 1, now()) })
            .collect();
        number_events(0, now(), kinds).iter().for_each(|e| assert_eq!(room.apply(e), Applied::Applied));
        let comments: Vec<_> =
            (1..=SNAPSHOT_COMMENTS as u64 + 5).map(|n| LiveComment::new(n, now(), "李阿姨", format!("第{n}条"), false)).collect();
        assert!(room.apply_comments(&comments));
        assert!(!room.apply_comments(&comments[..3]), "old comments again change nothing");
        assert_eq!(room.chain.len(), SNAPSHOT_CHAIN_ENTRIES);
        assert_eq!(room.chain_total, SNAPSHOT_CHAIN_ENTRIES as u64 + 5);
        assert_eq!(room.chain[0].seq, 6, "the oldest lines go first");
        assert_eq!(room.comments.len(), SNAPSHOT_COMMENTS);
        assert_eq!(room.comments_newest_first()[0].text, format!("第{}条", SNAPSHOT_COMMENTS + 5));
        // The public sees the 接龙 without buildings.
        let public = room.clone().shown_to(Audience::Public);
        assert!(public.chain.iter().all(|e| e.building.is_empty()));
        assert_eq!(chain_line(&public.chain[0]), "6. 王** +1");
        assert_eq!(room.clone().shown_to(Audience::Neighbours), room);
    }

    /// What the server writes reads back the same: with chrono's reader natively, and
    /// with `time::wire`'s in the browser (`cargo test --features browser`).
    #[test]
    fn a_snapshot_reads_back_as_written() {
        let mut room = snapshot_with(vec![offer()]);
        room.now = now() + Duration::nanoseconds(123_456_789);
        let kinds = vec![RoomEventKind::ChainAppended { entry: ChainEntry::new(1, "王小明", "3栋", 2, now()) }];
        number_events(0, now(), kinds).iter().for_each(|e| assert_eq!(room.apply(e), Applied::Applied));
        assert!(room.apply_comments(&[LiveComment::new(1, now(), "李阿姨", "还有吗".into(), true)]));
        let json = serde_json::to_string(&ServerMessage::Snapshot { room: Box::new(room.clone()) }).unwrap();
        match serde_json::from_str::<ServerMessage>(&json).unwrap() {
            ServerMessage::Snapshot { room: read } => assert_eq!(*read, room),
            other => panic!("read back as {other:?}"),
        }
    }

    #[test]
    fn featured_offer_prefers_open_then_sold_out() {
        let mut sold_out = offer();
        sold_out.sold = sold_out.allotted;
        let mut later = offer();
        later.id = OfferId::parse("f-2").unwrap();
        later.opens_at = now() + Duration::minutes(5);
        let mut gone = offer();
        gone.id = OfferId::parse("f-3").unwrap();
        gone.unpin();
        let room = snapshot_with(vec![sold_out.clone(), later.clone(), gone]);
        assert_eq!(room.featured_offer(now()).map(|o| o.id.as_str()), Some("f-2"), "counting down beats sold out");
        let room = snapshot_with(vec![sold_out]);
        assert_eq!(room.featured_offer(now()).map(|o| o.id.as_str()), Some("f-1"));
        assert_eq!(room.featured_offer(now() + Duration::minutes(11)), None, "all closed");
    }

    #[test]
    fn keep_alive_frames_are_the_messages_serialized() {
        assert_eq!(serde_json::to_string(&ClientMessage::Ping).unwrap(), PING_FRAME);
        assert_eq!(serde_json::to_string(&ServerMessage::Pong).unwrap(), PONG_FRAME);
        assert_eq!(parse_client_message(PING_FRAME), Ok(ClientMessage::Ping));
    }

    #[test]
    fn every_server_message_reads_back_as_sent() {
        let events = number_events(0, now(), vec![RoomEventKind::LiveStarted]);
        let comments = vec![LiveComment::new(1, now(), "李阿姨", "新鲜吗".into(), false)];
        for message in [
            ServerMessage::Snapshot { room: Box::new(snapshot_with(vec![offer()])) },
            ServerMessage::Events { events },
            ServerMessage::Comments { comments },
            ServerMessage::Error { problem: Problem::new(409, "sold_out", "已售罄") },
            ServerMessage::Pong,
            ServerMessage::Bought {
                key: "k-1".into(),
                order: OrderBrief {
                    id: crate::OrderId::parse("o-1").unwrap(),
                    lines: vec![crate::api::LineUnits { quantity: 2 }],
                    pickup_code: Some("384021".into()),
                },
                replayed: false,
            },
            ServerMessage::BuyFailed { key: "k-2".into(), problem: Problem::new(409, "cap_exceeded", "已达限购") },
        ] {
            let frame = serde_json::to_string(&message).unwrap();
            assert_eq!(serde_json::from_str::<ServerMessage>(&frame).unwrap(), message, "{frame}");
        }
    }

    #[test]
    fn parses_viewer_messages() {
        assert_eq!(
            parse_client_message(r#"{"type":"hello","last_seen":41}"#),
            Ok(ClientMessage::Hello { last_seen: Some(41), last_comment: None })
        );
        assert_eq!(
            parse_client_message(r#"{"type":"hello","last_seen":null}"#),
            Ok(ClientMessage::Hello { last_seen: None, last_comment: None })
        );
        assert_eq!(parse_client_message(r#"{"type":"hello"}"#), Ok(ClientMessage::Hello { last_seen: None, last_comment: None }));
        assert_eq!(parse_client_message(r#"{"type":"ping"}"#), Ok(ClientMessage::Ping));
        assert_eq!(
            parse_client_message(r#"{"type":"comment","text":"  还有白菜吗？ "}"#),
            Ok(ClientMessage::Comment { text: "还有白菜吗？".into() })
        );
        // What the browser sends is what the room reads.
        assert_eq!(
            parse_client_message(r#"{"type":"hello","last_seen":41,"last_comment":7}"#),
            Ok(ClientMessage::Hello { last_seen: Some(41), last_comment: Some(7) })
        );
        for m in [
            ClientMessage::Hello { last_seen: Some(3), last_comment: Some(2) },
            ClientMessage::Ping,
            ClientMessage::Comment { text: "好".into() },
            ClientMessage::Buy {
                key: "k-1".into(),
                offer_id: OfferId::parse("f-1").unwrap(),
                quantity: 2,
                pickup_point_id: None,
            },
        ] {
            assert_eq!(parse_client_message(&serde_json::to_string(&m).unwrap()), Ok(m));
        }
    }

    #[test]
    fn malformed_viewer_messages() {
        for bad in [
            "",
            "ping",
            "{",
            "null",
            "[]",
            "{}",
            r#"{"type":"shout"}"#,
            r#"{"type":"comment"}"#,
            r#"{"type":"comment","text":5}"#,
            r#"{"type":"hello","last_seen":-1}"#,
            r#"{"type":"hello","last_seen":"41"}"#,
            r#"{"type":"Ping"}"#,
            r#"{"type":"ping"} trailing"#,
        ] {
            assert_eq!(parse_client_message(bad), Err(LiveError::MalformedMessage), "{bad}");
        }
        let huge = format!(r#"{{"type":"comment","text":"{}"}}"#, "a".repeat(MAX_CLIENT_MESSAGE_BYTES));
        assert_eq!(parse_client_message(&huge), Err(LiveError::MalformedMessage));
        assert_eq!(LiveError::MalformedMessage.http_status(), 400);
    }

    #[test]
    fn comment_bounds() {
        let comment = |t: &str| parse_client_message(&serde_json::to_string(&ClientMessage::Comment { text: t.into() }).unwrap());
        assert!(comment(&"好".repeat(100)).is_ok());
        assert_eq!(comment(&"好".repeat(101)), Err(LiveError::InvalidComment));
        assert_eq!(comment(&format!("  {}  ", "好".repeat(100))), Ok(ClientMessage::Comment { text: "好".repeat(100) }));
        assert_eq!(comment(""), Err(LiveError::InvalidComment));
        assert_eq!(comment(" \n\t "), Err(LiveError::InvalidComment));
        assert_eq!(comment("第一行\n第二行"), Err(LiveError::InvalidComment));
        assert_eq!(comment("a"), Ok(ClientMessage::Comment { text: "a".into() }));
        assert_eq!(comment("\u{202E}好吃"), Err(LiveError::InvalidComment), "a direction override");
        assert_eq!(comment("\u{200B}\u{200B}"), Err(LiveError::InvalidComment), "nothing to see");
    }
}
