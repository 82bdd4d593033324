//! Pilots (thí điểm): an awarded entry tried out in a city service, tracked in public milestone
//! by milestone, with its KPIs and budget, until it is rolled out, extended or stopped.

pub mod model;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod cards;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod milestones;
#[cfg(feature = "ssr")]
pub mod plan;
#[cfg(feature = "ssr")]
pub mod updates;
