//! The audit log: every state change records who did it, when, to what and why. Admins read it
//! in full; later features show its public entries on challenge and pilot pages.

#[cfg(feature = "ssr")]
pub mod entity;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
