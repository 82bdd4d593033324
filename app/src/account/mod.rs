//! Accounts: registration, email verification, signing in and out, passwords and profile.

pub mod api;
pub mod rules;
pub mod view;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
