//! The room's event log and resuming: numbered room events (1, 2, 3… with no gaps), how
//! many of them a room keeps, and what a reconnecting viewer is sent — the events it
//! missed, or a snapshot when it is too far behind.

use super::{
    chain::{Audience, ChainEntry},
    offer::Offer,
};
use crate::{ids::OfferId, tagged::tag_first};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Room events a live room keeps for viewers to resume from; older ones are dropped and a
/// viewer that missed them gets a snapshot instead.
pub const MAX_KEPT_EVENTS: usize = 2000;

/// One thing that happened in a room, numbered for resuming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomEvent {
    /// Sequence number: 1 for the room's first event, then +1 each, no gaps.
    pub seq: u64,
    /// When it happened.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub at: DateTime<Utc>,
    /// What happened.
    pub kind: RoomEventKind,
}

tag_first! {
    tag = "type";
    /// What happened, tagged by `type`: `{"type":"stock_changed","offer_id":"f-1",…}`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum RoomEventKind {
        /// An offer was pinned.
        OfferPinned {
            /// The offer as pinned (boxed: it is by far the largest event).
            offer: Box<Offer>,
        },
        /// An offer was taken down (it is closed from now on).
        OfferUnpinned {
            /// Which offer.
            offer_id: OfferId,
        },
        /// Units of an offer were sold (or given back).
        StockChanged {
            /// Which offer.
            offer_id: OfferId,
            /// Units sold now.
            sold: u32,
            /// Units allotted.
            allotted: u32,
        },
        /// An order joined the 接龙 list.
        ChainAppended {
            /// The new line.
            entry: ChainEntry,
        },
        /// The live went on air.
        LiveStarted,
        /// The live went off air.
        LiveEnded,
    }
}

impl RoomEventKind {
    /// The kind's tag, as it is on the wire (`type`) and in a room's event log.
    pub fn tag(&self) -> &'static str {
        match self {
            RoomEventKind::OfferPinned { .. } => "offer_pinned",
            RoomEventKind::OfferUnpinned { .. } => "offer_unpinned",
            RoomEventKind::StockChanged { .. } => "stock_changed",
            RoomEventKind::ChainAppended { .. } => "chain_appended",
            RoomEventKind::LiveStarted => "live_started",
            RoomEventKind::LiveEnded => "live_ended",
        }
    }
}

impl RoomEvent {
    /// The event as `audience` may see it (a 接龙 line without its building for the public).
    pub fn shown_to(&self, audience: Audience) -> RoomEvent {
        match &self.kind {
            RoomEventKind::ChainAppended { entry } => {
                RoomEvent { kind: RoomEventKind::ChainAppended { entry: entry.shown_to(audience) }, ..self.clone() }
            }
            _ => self.clone(),
        }
    }
}

/// What a reconnecting viewer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume<'a> {
    /// These events, oldest first (possibly none): the viewer is up to date after them.
    Events(&'a [RoomEvent]),
    /// The viewer missed events the room no longer keeps, or has numbers from another
    /// history: send the full state instead.
    Snapshot,
}

/// The events after `last_seen` (0 = none seen) in `events`, which are kept in sequence
/// order. A snapshot when `last_seen` is older than the oldest kept event allows
/// (something in between was dropped) or newer than the newest (the viewer's numbers do
/// not belong to this room's history).
pub fn events_after(events: &[RoomEvent], last_seen: u64) -> Resume<'_> {
    let (Some(oldest), Some(newest)) = (events.first(), events.last()) else {
        return if last_seen == 0 { Resume::Events(&[]) } else { Resume::Snapshot };
    };
    if last_seen > newest.seq || last_seen.saturating_add(1) < oldest.seq {
        return Resume::Snapshot;
    }
    let missed = &events[events.partition_point(|e| e.seq <= last_seen)..];
    // A log with a hole in it (an old room's dropped comments) cannot be replayed.
    if missed.len() as u64 != newest.seq - last_seen {
        return Resume::Snapshot;
    }
    Resume::Events(missed)
}

/// Numbers `kinds` as the events after `last_seq`, all at `at`: numbers run on from the
/// room's newest with no gaps.
pub fn number_events(last_seq: u64, at: DateTime<Utc>, kinds: Vec<RoomEventKind>) -> Vec<RoomEvent> {
    (last_seq.saturating_add(1)..).zip(kinds).map(|(seq, kind)| RoomEvent { seq, at, kind }).collect()
}

/// The oldest event a room keeps once its newest is `last_seq`: the last
/// [`MAX_KEPT_EVENTS`]. A viewer further behind is sent a snapshot.
pub fn oldest_kept(last_seq: u64) -> u64 {
    last_seq.saturating_sub(MAX_KEPT_EVENTS as u64 - 1).max(1)
}

/// What a viewer saying `Hello { last_seen }` needs from the `kept` events (oldest first,
/// from `last_seen` on is enough): a snapshot on a first visit (`None`), else
/// [`events_after`].
pub fn resume(kept: &[RoomEvent], last_seen: Option<u64>) -> Resume<'_> {
    match last_seen {
        None => Resume::Snapshot,
        Some(seen) => events_after(kept, seen),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::test_support::{now, offer};
    use serde_json::json;

    #[test]
    fn tags_are_the_wire_types() {
        let kinds = [
            RoomEventKind::OfferPinned { offer: Box::new(offer()) },
            RoomEventKind::OfferUnpinned { offer_id: offer().id },
            RoomEventKind::StockChanged { offer_id: offer().id, sold: 1, allotted: 2 },
            RoomEventKind::ChainAppended { entry: crate::live::ChainEntry::new(1, "王小明", "3栋", 1, now()) },
            RoomEventKind::LiveStarted,
            RoomEventKind::LiveEnded,
        ];
        for kind in kinds {
            assert_eq!(serde_json::to_value(&kind).unwrap()["type"], kind.tag());
        }
    }

    /// The events a room keeps after `n` stock changes.
    fn log_of(n: u64) -> Vec<RoomEvent> {
        let kinds = (0..n)
            .map(|i| RoomEventKind::StockChanged { offer_id: OfferId::parse("f-1").unwrap(), sold: i as u32, allotted: 10 })
            .collect();
        let mut events = number_events(0, now(), kinds);
        events.retain(|e| e.seq >= oldest_kept(n));
        events
    }

    fn seqs(resume: Resume<'_>) -> Option<Vec<u64>> {
        match resume {
            Resume::Events(events) => Some(events.iter().map(|e| e.seq).collect()),
            Resume::Snapshot => None,
        }
    }

    #[test]
    fn events_after_zero_middle_end() {
        let log = log_of(5);
        let events = &log;
        assert_eq!(seqs(events_after(events, 0)), Some(vec![1, 2, 3, 4, 5]), "0 = nothing seen yet");
        assert_eq!(seqs(events_after(events, 3)), Some(vec![4, 5]));
        assert_eq!(seqs(events_after(events, 4)), Some(vec![5]));
        assert_eq!(seqs(events_after(events, 5)), Some(vec![]), "up to date");
        assert_eq!(events_after(events, 6), Resume::Snapshot, "ahead of this room's history");
        let holed: Vec<RoomEvent> = log.iter().filter(|e| e.seq != 4).cloned().collect();
        assert_eq!(events_after(&holed, 2), Resume::Snapshot, "a hole in what it missed");
        assert_eq!(seqs(events_after(&holed, 4)), Some(vec![5]), "past the hole");
        assert_eq!(events_after(events, u64::MAX), Resume::Snapshot);
    }

    #[test]
    fn events_after_too_old_needs_a_snapshot() {
        let log = log_of(MAX_KEPT_EVENTS as u64 + 10);
        let events = &log;
        assert_eq!(events.len(), MAX_KEPT_EVENTS);
        assert_eq!((events[0].seq, events[events.len() - 1].seq), (11, 2010));
        assert_eq!(events_after(events, 0), Resume::Snapshot);
        assert_eq!(events_after(events, 9), Resume::Snapshot, "event 10 was dropped");
        assert_eq!(seqs(events_after(events, 10)).map(|s| s.len()), Some(MAX_KEPT_EVENTS), "10 seen, 11.. all kept");
        assert_eq!(seqs(events_after(events, 2008)), Some(vec![2009, 2010]));
    }

    #[test]
    fn events_after_empty() {
        assert_eq!(events_after(&[], 0), Resume::Events(&[]));
        assert_eq!(events_after(&[], 3), Resume::Snapshot);
    }

    #[test]
    fn events_are_numbered_on_without_gaps() {
        let first = number_events(0, now(), vec![RoomEventKind::LiveStarted, RoomEventKind::LiveEnded]);
        assert_eq!(first.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2]);
        let next = number_events(41, now(), vec![RoomEventKind::LiveStarted]);
        assert_eq!(next[0].seq, 42);
        assert!(number_events(7, now(), Vec::new()).is_empty());
        let full = log_of(MAX_KEPT_EVENTS as u64 + 1);
        assert_eq!((full.len(), full[0].seq), (MAX_KEPT_EVENTS, 2));
        assert!(full.windows(2).all(|w| w[1].seq == w[0].seq + 1));
        assert_eq!((oldest_kept(0), oldest_kept(1), oldest_kept(MAX_KEPT_EVENTS as u64)), (1, 1, 1));
    }

    #[test]
    fn resume_sends_a_first_visit_the_whole_room() {
        let log = log_of(3);
        assert_eq!(resume(&log, None), Resume::Snapshot, "a first visit gets the full state");
        assert_eq!(seqs(resume(&log, Some(1))), Some(vec![2, 3]));
        assert_eq!(seqs(resume(&log, Some(3))), Some(vec![]));
        assert_eq!(resume(&[], Some(0)), Resume::Events(&[]), "a new room, nothing missed");
        assert_eq!(resume(&log[2..], Some(0)), Resume::Snapshot, "events 1 and 2 were dropped");
    }

    #[test]
    fn room_event_json_shape() {
        let event = |kind| RoomEvent { seq: 7, at: now(), kind };
        let f1 = || OfferId::parse("f-1").unwrap();
        assert_eq!(
            serde_json::to_value(event(RoomEventKind::LiveStarted)).unwrap(),
            json!({ "seq": 7, "at": "2026-11-25T12:00:00Z", "kind": { "type": "live_started" } })
        );
        assert_eq!(
            serde_json::to_value(event(RoomEventKind::StockChanged { offer_id: f1(), sold: 3, allotted: 10 })).unwrap()["kind"],
            json!({ "type": "stock_changed", "offer_id": "f-1", "sold": 3, "allotted": 10 })
        );
        assert_eq!(
            serde_json::to_value(event(RoomEventKind::OfferUnpinned { offer_id: f1() })).unwrap()["kind"],
            json!({ "type": "offer_unpinned", "offer_id": "f-1" })
        );
        let pinned = serde_json::to_value(event(RoomEventKind::OfferPinned { offer: Box::new(offer()) })).unwrap();
        assert_eq!(pinned["kind"]["type"], "offer_pinned");
        assert_eq!(pinned["kind"]["offer"]["id"], "f-1");
        let chain =
            serde_json::to_value(event(RoomEventKind::ChainAppended { entry: ChainEntry::new(1, "李", "1栋", 1, now()) }))
                .unwrap();
        assert_eq!(chain["kind"]["type"], "chain_appended");
        assert_eq!(chain["kind"]["entry"]["buyer_display"], "李*");
        // Every kind survives a round trip, as text (how events travel and are kept).
        for kind in [
            RoomEventKind::OfferPinned { offer: Box::new(offer()) },
            RoomEventKind::OfferUnpinned { offer_id: f1() },
            RoomEventKind::StockChanged { offer_id: f1(), sold: 1, allotted: 2 },
            RoomEventKind::ChainAppended { entry: ChainEntry::new(1, "李", "1栋", 1, now()) },
            RoomEventKind::LiveStarted,
            RoomEventKind::LiveEnded,
        ] {
            let e = event(kind);
            assert_eq!(serde_json::from_str::<RoomEvent>(&serde_json::to_string(&e).unwrap()).unwrap(), e);
        }
    }
}
