//! Reusable pieces of the interface, one folder per feature.

pub mod cart;
pub mod hydration;
pub mod layout;
pub mod live;
pub mod member;
pub mod photo;
pub mod problem;
pub mod product;
pub mod recommend;
pub mod review;
