//! Enums that travel internally tagged (`{"type":"events","events":[…]}`), read back with
//! the tag first, as serde writes them.
//!
//! serde's own `Deserialize` for `#[serde(tag = "…")]` buffers the whole message into its
//! private `Content` tree before it looks at the tag, and then deserializes every type
//! inside a second time from that tree. In the browser that second copy of the code was
//! about a tenth of the live room's bundle. [`tag_first!`] declares the enum unchanged and
//! gives it a `Deserialize` that reads the tag, then the variant's fields straight from
//! the stream. A message whose tag is not its first key is refused: every message is
//! written by serde, which always puts the tag first.

use serde::de::{Error, MapAccess};
use std::borrow::Cow;

/// Reads the first key of `map`, which must be `tag`, and its value: the variant's name.
pub(crate) fn first_tag<'de, A: MapAccess<'de>>(map: &mut A, tag: &'static str) -> Result<Cow<'de, str>, A::Error> {
    match map.next_key::<Cow<'de, str>>()? {
        Some(key) if key == tag => map.next_value::<Cow<'de, str>>(),
        _ => Err(A::Error::custom(format_args!("expected `{tag}` as the first key"))),
    }
}

/// Declares an enum of unit and struct variants tagged by `TAG` with its variants' names in
/// snake_case (the macro adds that `#[serde]` attribute, so the tag is named once), written
/// by serde's derive (give it `#[derive(Serialize)]`, never `Deserialize`), and implements
/// `Deserialize` for it with `TAG` read first (module doc). Each struct variant's fields are
/// read as a struct of their own, so field attributes such as `#[serde(default)]` keep
/// their meaning.
macro_rules! tag_first {
    (
        tag = $tag:tt;
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident $({
                    $( $(#[$field_meta:meta])* $field:ident : $field_type:ty ),* $(,)?
                })?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[serde(tag = $tag, rename_all = "snake_case")]
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant $({ $( $(#[$field_meta])* $field : $field_type ),* })?
            ),*
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct TagFirst;
                impl<'de> serde::de::Visitor<'de> for TagFirst {
                    type Value = $name;

                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " with `", $tag, "` first"))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        let tag = $crate::tagged::first_tag(&mut map, $tag)?;
                        let rest = serde::de::value::MapAccessDeserializer::new(map);
                        paste::paste! {
                            $(
                                if tag == stringify!([<$variant:snake>]) {
                                    #[derive(serde::Deserialize)]
                                    struct Fields { $( $( $(#[$field_meta])* $field : $field_type ),* )? }
                                    let Fields { $( $( $field ),* )? } = serde::Deserialize::deserialize(rest)?;
                                    return Ok($name::$variant $({ $( $field ),* })?);
                                }
                            )*
                            Err(serde::de::Error::unknown_variant(&tag, &[$( stringify!([<$variant:snake>]) ),*]))
                        }
                    }
                }
                deserializer.deserialize_map(TagFirst)
            }
        }
    };
}
pub(crate) use tag_first;

#[cfg(test)]
mod tests {
    use serde::Serialize;

    tag_first! {
        tag = "type";
        /// A message of each shape the macro takes.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        enum Message {
            /// A unit variant.
            Ping,
            /// Fields, one of them optional.
            SeatsTaken {
                /// Whose.
                who: String,
                /// How many; missing means none.
                #[serde(default)]
                seats: Option<u32>,
            },
        }
    }

    fn read(json: &str) -> Result<Message, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn every_variant_reads_back_what_serde_wrote() {
        for message in [Message::Ping, Message::SeatsTaken { who: "李".into(), seats: Some(2) }] {
            let json = serde_json::to_string(&message).unwrap();
            assert_eq!(read(&json), Ok(message), "{json}");
        }
        assert_eq!(read(r#"{"type":"seats_taken","who":"王"}"#), Ok(Message::SeatsTaken { who: "王".into(), seats: None }));
        assert_eq!(read(r#"{"type":"ping","later":1}"#), Ok(Message::Ping), "unknown fields are ignored, as by the derive");
        assert_eq!(read(r#"{"type":"p\u0069ng"}"#), Ok(Message::Ping), "an escaped tag is read like any string");
    }

    #[test]
    fn a_message_without_its_tag_first_or_of_no_known_kind_is_refused() {
        assert!(read(r#"{"who":"李","type":"seats_taken"}"#).unwrap_err().contains("expected `type` as the first key"));
        assert!(read(r#"{"type":"pong"}"#).unwrap_err().contains("unknown variant `pong`, expected `ping` or `seats_taken`"));
        assert!(read(r#"{"type":"seats_taken"}"#).unwrap_err().contains("missing field `who`"));
        assert!(read(r#"["ping"]"#).is_err());
    }
}
