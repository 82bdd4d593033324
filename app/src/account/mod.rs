//! Accounts: registration, email verification, signing in and out, passwords and profile, a person's own data and deleting an account.

pub mod api;
#[cfg(feature = "ssr")]
pub mod entity;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
pub mod two_step;
pub mod view;
