//! Judging (chấm thi): a panel scores entries in the browser against a weighted rubric. Judges
//! declare conflicts before they see any entry, are assigned evenly, score blind by default, and
//! results are normalised per judge so that no judge's habits decide the ranking.

pub mod model;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod assignment;
#[cfg(feature = "ssr")]
pub mod conflicts;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod judge;
#[cfg(feature = "ssr")]
pub mod panel;
#[cfg(feature = "ssr")]
pub mod results;
#[cfg(feature = "ssr")]
pub mod scoring;
#[cfg(feature = "ssr")]
pub mod staff;
