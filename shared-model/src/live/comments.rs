//! Viewers' comments: numbered in a series of their own, apart from the room's events.
//!
//! Why apart: a room keeps its last [`MAX_KEPT_EVENTS`](super::MAX_KEPT_EVENTS) events
//! for reconnecting viewers, and a flood of comments once pushed every buy out of them.
//! Comments are chatter: a viewer who was away is sent the newest few it missed, never
//! a snapshot because of them, and a comment lost to a flood is no harm.

use crate::identity::mask_name;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Comments a room keeps, and at most what a snapshot or a resume carries: the newest.
pub const KEPT_COMMENTS: usize = 50;

/// One comment as every viewer receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveComment {
    /// Its number in the room's comments: 1, 2, 3… (a stable key for the list).
    pub seq: u64,
    /// When it was posted.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub at: DateTime<Utc>,
    /// The author's masked nickname, e.g. `王**`.
    pub author: String,
    /// The comment, checked by [`parse_client_message`](super::parse_client_message).
    pub text: String,
    /// Whether the author is a key opinion consumer (shown with a badge).
    pub is_koc: bool,
}

impl LiveComment {
    /// A comment by a viewer called `nickname`; the name is masked here, so the full name
    /// never enters the broadcast.
    pub fn new(seq: u64, at: DateTime<Utc>, nickname: &str, text: String, is_koc: bool) -> Self {
        LiveComment { seq, at, author: mask_name(nickname), text, is_koc }
    }
}

/// What a viewer resuming after comment `last_comment` is sent from the `kept` comments
/// (oldest first): those after it, at most the newest [`KEPT_COMMENTS`]; every kept one
/// when it has seen none.
pub fn comments_after(kept: &[LiveComment], last_comment: Option<u64>) -> &[LiveComment] {
    let after = &kept[kept.partition_point(|c| Some(c.seq) <= last_comment)..];
    &after[after.len().saturating_sub(KEPT_COMMENTS)..]
}

/// Folds `arrived` (oldest first) into a viewer's `held` comments: only those newer than
/// the newest held (a resend changes nothing), keeping the newest [`KEPT_COMMENTS`].
/// Whether anything changed.
pub fn fold_comments(held: &mut Vec<LiveComment>, arrived: &[LiveComment]) -> bool {
    let newest = held.last().map_or(0, |c| c.seq);
    let before = held.len();
    held.extend(arrived.iter().filter(|c| c.seq > newest).cloned());
    let changed = held.len() != before;
    let excess = held.len().saturating_sub(KEPT_COMMENTS);
    held.drain(..excess);
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::test_support::now;

    fn comments(seqs: std::ops::RangeInclusive<u64>) -> Vec<LiveComment> {
        seqs.map(|n| LiveComment::new(n, now(), "李阿姨", format!("第{n}条"), false)).collect()
    }

    #[test]
    fn a_comment_masks_its_author() {
        let c = LiveComment::new(1, now(), "王小明", "还有吗".into(), true);
        assert_eq!(c.author, "王**");
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            serde_json::json!({ "seq": 1, "at": "2026-11-25T12:00:00Z", "author": "王**", "text": "还有吗", "is_koc": true })
        );
    }

    #[test]
    fn resuming_sends_the_newest_comments_missed() {
        let kept = comments(51..=100);
        let seqs = |c: &[LiveComment]| c.iter().map(|c| c.seq).collect::<Vec<_>>();
        assert_eq!(seqs(comments_after(&kept, Some(97))), [98, 99, 100]);
        assert_eq!(seqs(comments_after(&kept, Some(100))), Vec::<u64>::new(), "up to date");
        assert_eq!(comments_after(&kept, Some(3)).len(), KEPT_COMMENTS, "far behind: the newest, no snapshot");
        assert_eq!(comments_after(&kept, None).len(), KEPT_COMMENTS);
    }

    #[test]
    fn a_viewer_folds_in_only_newer_comments_and_keeps_the_newest() {
        let mut held = comments(1..=3);
        assert!(!fold_comments(&mut held, &comments(2..=3)), "a resend changes nothing");
        assert!(fold_comments(&mut held, &comments(3..=60)));
        assert_eq!(held.len(), KEPT_COMMENTS);
        assert_eq!((held[0].seq, held[KEPT_COMMENTS - 1].seq), (11, 60));
    }
}
