//! Challenges (thử thách): real public-service problems a city publishes, with rules, prizes and
//! a timetable of phases; followed by citizens, asked about in public, changed only on the record.

pub mod draft;
pub mod model;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod staff;
