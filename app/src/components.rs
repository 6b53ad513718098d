//! Reusable pieces of the interface, one folder per feature.

pub mod layout;
pub mod problem;
pub mod product;
