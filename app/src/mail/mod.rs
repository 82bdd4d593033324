//! The outbox: every email is first a row, and a worker delivers it (or, in development, the
//! mailbox page shows it). A failed delivery is retried later and never lost.

#[cfg(feature = "ssr")]
pub mod entity;
pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
