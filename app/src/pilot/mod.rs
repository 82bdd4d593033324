//! Pilots (thí điểm): an awarded entry tried out in a city service, tracked in public milestone
//! by milestone, with its KPIs and budget, until it is rolled out, extended or stopped.

pub mod api;
pub mod model;
pub mod rules;
pub mod view;

#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod query;
#[cfg(feature = "ssr")]
pub mod service;
