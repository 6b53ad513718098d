//! Services own their bindings (D1, Durable Objects through `clients`) and speak in
//! shared-model types. Routes call them; they call `clients` and `storage`, never an
//! object directly.

pub mod brain;
pub mod browse;
pub mod cart;
pub mod catalog;
pub mod coupons;
pub mod demands;
pub mod identity;
pub mod live;
pub mod markdowns;
pub mod metrics;
pub mod movements;
pub mod notices;
pub mod orders;
pub mod recommendations;
pub mod reviews;
pub mod seed;
pub mod supply;
pub mod tastings;
