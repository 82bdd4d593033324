//! The audit log: every state change records who did it, when, to what and why. Admins read it
//! in full; later features show its public entries on challenge and pilot pages.

pub mod api;
pub mod model;
pub mod view;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
