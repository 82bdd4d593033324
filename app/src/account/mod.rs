//! Accounts: registration, email verification, signing in and out, passwords and profile.

pub mod api;
#[cfg(feature = "ssr")]
pub mod entity;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
pub mod view;
