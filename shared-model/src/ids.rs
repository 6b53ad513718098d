//! String ID newtypes: one type per kind of thing, so a `ProductId` can never be passed
//! where a `StoreId` is expected.
//!
//! Policy: an ID is 1..=64 characters of `[A-Za-z0-9_-]`. That keeps IDs safe in URL
//! paths, Durable Object names and keys (the `:` separator never occurs inside one) and
//! log lines. IDs from the outside world (paths, JSON bodies) are validated by
//! [`parse`](StoreId::parse) and by deserialization; values the system wrote itself (D1
//! rows) may skip the check with `new_unchecked`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use thiserror::Error;

/// Longest accepted ID, in characters.
pub const MAX_ID_LEN: usize = 64;

/// Why a string is not a valid ID.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    /// The string was empty.
    #[error("an id must not be empty")]
    Empty,
    /// The string was longer than [`MAX_ID_LEN`].
    #[error("an id must be at most {MAX_ID_LEN} characters, got {len}")]
    TooLong {
        /// Length of the rejected string, in characters.
        len: usize,
    },
    /// The string held a character outside `[A-Za-z0-9_-]`.
    #[error("an id may only hold A-Z, a-z, 0-9, '_' and '-', found {ch:?}")]
    InvalidChar {
        /// The first offending character.
        ch: char,
    },
}

impl IdError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        "invalid_id"
    }

    /// A malformed ID in a request is the client's mistake.
    pub fn http_status(&self) -> u16 {
        400
    }
}

crate::problem::impl_error_code!(IdError);

/// Checks the ID policy (see the module doc).
fn check_id(raw: &str) -> Result<(), IdError> {
    if raw.is_empty() {
        return Err(IdError::Empty);
    }
    if let Some(ch) = raw.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-')) {
        return Err(IdError::InvalidChar { ch });
    }
    // Only ASCII is left, so bytes == characters.
    if raw.len() > MAX_ID_LEN {
        return Err(IdError::TooLong { len: raw.len() });
    }
    Ok(())
}

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        ///
        /// Serialized as a plain JSON string; deserialization applies the same check as
        /// [`parse`](Self::parse), so a malformed ID in a request body is rejected by serde.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Validates `raw` against the ID policy (1..=64 of `[A-Za-z0-9_-]`).
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                check_id(raw)?;
                Ok(Self(raw.to_owned()))
            }

            /// Wraps a value without checking it. Only for trusted values the system
            /// wrote itself (D1 rows, derived IDs); never for client input.
            pub fn new_unchecked(raw: String) -> Self {
                Self(raw)
            }

            /// The ID as text, for SQL parameters and URLs.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The ID as an owned `String`.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                check_id(&raw).map_err(serde::de::Error::custom)?;
                Ok(Self(raw))
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::openapi::id(stringify!($name))
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

string_id!(
    /// A neighbourhood store.
    StoreId
);
string_id!(
    /// A product in the shared catalogue (a store sells it at its own price and stock).
    ProductId
);
string_id!(
    /// A person: a resident or a store owner.
    PersonId
);
string_id!(
    /// An order. Derived from (person, Idempotency-Key), see `order::order_id_for`.
    OrderId
);
string_id!(
    /// A pickup point of a store (the shop counter, a locker, a gate).
    PickupPointId
);
string_id!(
    /// A product category (vegetables, fruit, meat…).
    CategoryId
);
string_id!(
    /// A store's live stream (直播), scheduled, running or ended.
    LiveSessionId
);
string_id!(
    /// A flash offer pinned during a live stream.
    OfferId
);
string_id!(
    /// A resident's wish (心愿) for something the store does not sell yet.
    DemandId
);
string_id!(
    /// A store's tasting event (品鉴会).
    TastingId
);
string_id!(
    /// One resident's booking of seats at a tasting.
    BookingId
);
string_id!(
    /// A resident's review of a product she picked up.
    ReviewId
);
string_id!(
    /// A review photo, uploaded before the review that shows it.
    PhotoId
);
string_id!(
    /// A coupon issued to one resident (a 回归券, a browse follow-up's coupon).
    CouponId
);
string_id!(
    /// A supplier a store buys from (备货).
    SupplierId
);
string_id!(
    /// A purchase order: one per store, supplier and pickup day, see
    /// `supply::purchase_order_id`.
    PurchaseOrderId
);

/// Gives a fieldless enum its stored form, from one list of variants and their text, so
/// the two directions cannot drift apart: `ALL` (in the order listed), `as_str`, and
/// `parse`, which refuses unknown text with a [`ParseEnumError`] naming `kind`. The text
/// is what D1 and Durable Object storage keep and what SQL binds as a parameter.
macro_rules! stored_forms {
    ($ty:ident, $kind:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in order.
            pub const ALL: [$ty; [$($text),+].len()] = [$($ty::$variant),+];

            /// The stored form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }

            /// Parses the stored form.
            pub fn parse(s: &str) -> Result<Self, $crate::ids::ParseEnumError> {
                match s {
                    $($text => Ok($ty::$variant),)+
                    _ => Err($crate::ids::ParseEnumError { kind: $kind, value: s.to_owned() }),
                }
            }
        }
    };
}
pub(crate) use stored_forms;

/// A stored enum value (a status or role column) that no variant matches: a sign of a
/// bad row, not of bad client input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown {kind} {value:?}")]
pub struct ParseEnumError {
    /// What was being parsed, e.g. `"order status"`.
    pub kind: &'static str,
    /// The text that matched no variant.
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_id_alphabet() {
        for ok in ["s1", "store-01", "A_b-9", "o-0123456789abcdef0123", &"x".repeat(64)] {
            let id = StoreId::parse(ok).unwrap();
            assert_eq!(id.as_str(), ok);
            assert_eq!(id.to_string(), ok);
        }
    }

    #[test]
    fn rejects_empty_long_and_foreign_characters() {
        assert_eq!(ProductId::parse(""), Err(IdError::Empty));
        assert_eq!(ProductId::parse(&"x".repeat(65)), Err(IdError::TooLong { len: 65 }));
        assert_eq!(ProductId::parse("a b"), Err(IdError::InvalidChar { ch: ' ' }));
        assert_eq!(ProductId::parse("a:b"), Err(IdError::InvalidChar { ch: ':' }));
        assert_eq!(ProductId::parse("a/b"), Err(IdError::InvalidChar { ch: '/' }));
        assert_eq!(ProductId::parse("白菜"), Err(IdError::InvalidChar { ch: '白' }));
        assert_eq!(ProductId::parse("a%00"), Err(IdError::InvalidChar { ch: '%' }));
        // 64 multi-byte characters: rejected for the character, not the byte length.
        assert_eq!(ProductId::parse(&"é".repeat(40)), Err(IdError::InvalidChar { ch: 'é' }));
    }

    #[test]
    fn serde_is_a_plain_string_and_validates() {
        let id = OrderId::parse("o-abc").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"o-abc\"");
        assert_eq!(serde_json::from_str::<OrderId>("\"o-abc\"").unwrap(), id);
        assert!(serde_json::from_str::<OrderId>("\"\"").is_err());
        assert!(serde_json::from_str::<OrderId>("\"../etc\"").is_err());
        assert!(serde_json::from_str::<OrderId>("12").is_err());
    }

    #[test]
    fn ids_order_and_hash_by_text() {
        let mut ids = [ProductId::parse("p-2").unwrap(), ProductId::parse("p-10").unwrap(), ProductId::parse("p-1").unwrap()];
        ids.sort();
        let texts: Vec<&str> = ids.iter().map(ProductId::as_str).collect();
        assert_eq!(texts, ["p-1", "p-10", "p-2"]);
        let set: std::collections::HashSet<_> =
            [PersonId::parse("a").unwrap(), PersonId::parse("a").unwrap()].into_iter().collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn unchecked_is_for_trusted_values() {
        let id = CategoryId::new_unchecked("veg".into());
        assert_eq!(id, CategoryId::parse("veg").unwrap());
        assert_eq!(id.into_string(), "veg");
    }

    #[test]
    fn id_error_code() {
        assert_eq!(IdError::Empty.code(), "invalid_id");
        assert_eq!(IdError::Empty.http_status(), 400);
    }
}
