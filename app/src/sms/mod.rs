//! Text messages (SMS), for the citizens who have a phone and no email: Vietnamese mobile
//! numbers read however they are written, an outbox every message waits in until a gateway took
//! it (in development, the SMS page shows it), a cap per number and day, and one-time codes that
//! prove a person holds a number.

#[cfg(feature = "ssr")]
pub mod entity;
pub mod model;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
