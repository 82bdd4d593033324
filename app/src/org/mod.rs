//! Organisations: the city and its wards, communes and departments, and the staff who act for them.

#[cfg(feature = "ssr")]
pub mod entity;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
