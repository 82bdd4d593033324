//! Teams (đội): the people who enter a challenge together. One owner, members invited by email or
//! joining with a code, within the challenge's size limit, one team per person per challenge.

pub mod model;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
