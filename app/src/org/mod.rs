//! Organisations: the city and its wards, communes and departments, and the staff who act for them.

pub mod api;
pub mod model;
pub mod view;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
