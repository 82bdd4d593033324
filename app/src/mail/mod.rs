//! The outbox: every email is first a row, and a worker delivers it (or, in development, the
//! mailbox page shows it). A failed delivery is retried later and never lost.

pub mod api;
pub mod model;
pub mod view;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
