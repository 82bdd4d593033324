//! Notifications: one call that later features make with an event; it lands in the user's in-app
//! list and, unless they turned email off for that kind, in the outbox.

pub mod api;
pub mod model;
pub mod view;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
