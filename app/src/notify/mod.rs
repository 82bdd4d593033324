//! Notifications: one call that later features make with an event; it lands in the user's in-app
//! list and, unless they turned email off for that kind, in the outbox.

#[cfg(feature = "ssr")]
pub mod entity;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
