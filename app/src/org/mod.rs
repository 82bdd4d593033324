//! Organisations: the city and its wards, communes and departments, and the staff who act for them.

pub mod api;
#[cfg(feature = "ssr")]
pub mod entity;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
pub mod view;
