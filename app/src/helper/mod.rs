//! Helper groups: volunteers registered with the city (a Youth Union branch, say) who file
//! reports for people who have no account or cannot write. An administrator registers a group
//! and its coordinator; the coordinator adds and removes its members.

pub mod model;

#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
