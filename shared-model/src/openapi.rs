//! OpenAPI schemas for the types whose JSON is not what their Rust shape suggests (the
//! worker's `/api/v1/openapi.json`, feature `openapi`, never in the browser bundles).
//!
//! Everything else derives `utoipa::ToSchema` beside its serde derives, so the document
//! follows the serde attributes (`rename_all`, `tag`, `flatten`, `default`). The types
//! here serialize by hand (IDs check their text) or through another type (`try_from`,
//! `transparent`), so their schema is written once here, with the same limits the
//! deserializer applies.

use utoipa::openapi::{
    schema::{ObjectBuilder, Schema, SchemaFormat, Type},
    KnownFormat, RefOr,
};

/// An ID's schema: the policy of [`crate::ids`] (1..=64 of `[A-Za-z0-9_-]`).
pub fn id(what: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(what))
        .min_length(Some(1))
        .max_length(Some(crate::ids::MAX_ID_LEN))
        .pattern(Some("^[A-Za-z0-9_-]+$"))
        .into()
}

/// A whole number, within `min..=max` if bounded, as a newtype sends it.
pub fn integer(description: &str, bounds: Option<(i64, i64)>) -> RefOr<Schema> {
    let (min, max) = bounds.unzip();
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .description(Some(description))
        .minimum(min)
        .maximum(max)
        .into()
}

/// Implements `utoipa::ToSchema` for a newtype sent as an integer (of `min..=max`).
macro_rules! integer_schema {
    ($ty:ident, $description:expr) => {
        $crate::openapi::integer_schema!(@impl $ty, $description, None);
    };
    ($ty:ident, $min:expr, $max:expr, $description:expr) => {
        $crate::openapi::integer_schema!(@impl $ty, $description, Some(($min as i64, $max as i64)));
    };
    (@impl $ty:ident, $description:expr, $bounds:expr) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::openapi::integer($description, $bounds)
            }
        }
        impl utoipa::ToSchema for $ty {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($ty))
            }
        }
    };
}
pub(crate) use integer_schema;
