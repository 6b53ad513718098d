//! Stores and their pickup points.
//!
//! Policy: an order is collected at one of its own store's pickup points; a pickup point
//! of another store is refused (`unknown_pickup_point`).

use crate::ids::{PickupPointId, StoreId};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A neighbourhood store residents order from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Store {
    /// The store's ID.
    pub id: StoreId,
    /// Display name, e.g. `邻里鲜·翠苑店`.
    pub name: String,
    /// The residential community it serves, e.g. `翠苑一区`.
    pub neighbourhood: String,
    /// City, e.g. `杭州`.
    pub city: String,
    /// Street address of the shop.
    pub address: String,
    /// Where orders can be collected.
    pub pickup_points: Vec<PickupPoint>,
}

/// The store's join page, `/s/{store}/join`: where its poster's QR code leads.
pub fn join_path(store: &StoreId) -> String {
    format!("/s/{store}/join")
}

/// The join page as an absolute URL on `origin` (`https://host`, no trailing slash), as
/// printed on the store's poster and encoded in its QR code.
pub fn join_url(origin: &str, store: &StoreId) -> String {
    format!("{}{}", origin.trim_end_matches('/'), join_path(store))
}

impl Store {
    /// This store's pickup point `id`, or `UnknownPickupPoint` if it belongs elsewhere.
    pub fn pickup_point(&self, id: &PickupPointId) -> Result<&PickupPoint, StoreError> {
        self.pickup_points.iter().find(|p| &p.id == id).ok_or(StoreError::UnknownPickupPoint)
    }
}

/// A place where residents collect their orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupPoint {
    /// The pickup point's ID.
    pub id: PickupPointId,
    /// Display name, e.g. `店内柜台`.
    pub name: String,
    /// Where it is, e.g. `3幢楼下`.
    pub address: String,
    /// Opening window as shown to residents, e.g. `08:00-20:00`.
    pub window: String,
}

/// Errors about stores.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    /// No store has this ID.
    #[error("no such store")]
    StoreNotFound,
    /// The pickup point is not one of the store's.
    #[error("this pickup point does not belong to the store")]
    UnknownPickupPoint,
}

impl StoreError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::StoreNotFound => "store_not_found",
            StoreError::UnknownPickupPoint => "unknown_pickup_point",
        }
    }

    /// HTTP status: 404 for a missing store, 422 for a bad pickup point in an order.
    pub fn http_status(&self) -> u16 {
        match self {
            StoreError::StoreNotFound => 404,
            StoreError::UnknownPickupPoint => 422,
        }
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            StoreError::StoreNotFound => None,
            StoreError::UnknownPickupPoint => Some("pickup_point_id"),
        }
    }
}

crate::problem::impl_error_code!(StoreError, field);

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        Store {
            id: StoreId::parse("s-cuiyuan").unwrap(),
            name: "邻里鲜·翠苑店".into(),
            neighbourhood: "翠苑一区".into(),
            city: "杭州".into(),
            address: "文三路1号".into(),
            pickup_points: vec![PickupPoint {
                id: PickupPointId::parse("pp-counter").unwrap(),
                name: "店内柜台".into(),
                address: "文三路1号".into(),
                window: "08:00-20:00".into(),
            }],
        }
    }

    #[test]
    fn finds_only_own_pickup_points() {
        let s = store();
        assert_eq!(s.pickup_point(&PickupPointId::parse("pp-counter").unwrap()).unwrap().name, "店内柜台");
        assert_eq!(s.pickup_point(&PickupPointId::parse("pp-other").unwrap()), Err(StoreError::UnknownPickupPoint));
    }

    #[test]
    fn round_trips_as_json() {
        let s = store();
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["pickup_points"][0]["window"], "08:00-20:00");
        assert_eq!(serde_json::from_value::<Store>(json).unwrap(), s);
    }

    #[test]
    fn the_poster_leads_to_the_join_page_on_this_site() {
        let id = StoreId::parse("st-gubei").unwrap();
        assert_eq!(join_path(&id), "/s/st-gubei/join");
        assert_eq!(join_url("https://linli.example", &id), "https://linli.example/s/st-gubei/join");
        assert_eq!(join_url("http://127.0.0.1:8787/", &id), "http://127.0.0.1:8787/s/st-gubei/join");
    }
}
