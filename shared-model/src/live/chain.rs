//! The 接龙 list: one line per accepted order, shown to everyone in the room as
//! `23. 王** 3栋 +2`.
//!
//! The buyer's name is masked when the entry is made and again when the line is printed,
//! so a full name never enters the broadcast.

use crate::identity::mask_name;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One accepted order in the 接龙 list, as every viewer receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainEntry {
    /// Position in this live's list, from 1 (not the room event sequence).
    pub seq: u64,
    /// The buyer's masked nickname, e.g. `王**`.
    pub buyer_display: String,
    /// The buyer's building, e.g. `3栋`.
    pub building: String,
    /// Units bought.
    pub quantity: u32,
    /// When the order was accepted.
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub at: DateTime<Utc>,
}

impl ChainEntry {
    /// An entry for a buyer: the nickname is masked here, so the full name never enters
    /// the room's broadcast.
    pub fn new(seq: u64, nickname: &str, building: &str, quantity: u32, at: DateTime<Utc>) -> Self {
        ChainEntry { seq, buyer_display: mask_name(nickname), building: building.trim().to_owned(), quantity, at }
    }
}

/// Who is looking at a room, for what its 接龙 lines may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Signed in to the live's store: neighbours see each other's masked name and building.
    Neighbours,
    /// Anyone else (not signed in, or another store's resident): masked names only.
    Public,
}

impl Audience {
    /// The audience of a viewer who is (or is not) signed in to the live's store.
    pub fn of(neighbour: bool) -> Audience {
        if neighbour {
            Audience::Neighbours
        } else {
            Audience::Public
        }
    }
}

impl ChainEntry {
    /// The entry as `audience` may see it: without the building for the public.
    pub fn shown_to(&self, audience: Audience) -> ChainEntry {
        match audience {
            Audience::Neighbours => self.clone(),
            Audience::Public => ChainEntry { building: String::new(), ..self.clone() },
        }
    }
}

/// The entry as one line of the list: `23. 王** 3栋 +2`. The name is masked again
/// (masking is idempotent), so even a hand-built entry never shows a full name; an empty
/// building is left out.
pub fn chain_line(entry: &ChainEntry) -> String {
    let name = mask_name(&entry.buyer_display);
    match entry.building.trim() {
        "" => format!("{}. {} +{}", entry.seq, name, entry.quantity),
        building => format!("{}. {} {} +{}", entry.seq, name, building, entry.quantity),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::test_support::now;
    use serde_json::json;

    #[test]
    fn chain_line_format() {
        let e = ChainEntry::new(23, "王小明", "3栋", 2, now());
        assert_eq!(e.buyer_display, "王**", "the broadcast entry holds the masked name");
        assert_eq!(chain_line(&e), "23. 王** 3栋 +2");
        assert_eq!(chain_line(&ChainEntry::new(1, "李", " 12幢 ", 1, now())), "1. 李* 12幢 +1");
        assert_eq!(chain_line(&ChainEntry::new(7, "Alice", "A座", 10, now())), "7. A**** A座 +10");
        assert_eq!(chain_line(&ChainEntry::new(2, "小明", "", 3, now())), "2. 小* +3");
        // A hand-built entry with a full name is still masked in the line.
        let raw = ChainEntry { buyer_display: "张三丰".into(), ..e.clone() };
        assert_eq!(chain_line(&raw), "23. 张** 3栋 +2");
        // The public sees who, not where.
        assert_eq!(chain_line(&e.shown_to(Audience::Public)), "23. 王** +2");
        assert_eq!(e.shown_to(Audience::Neighbours), e);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            json!({ "seq": 23, "buyer_display": "王**", "building": "3栋", "quantity": 2, "at": "2026-11-25T12:00:00Z" })
        );
    }
}
