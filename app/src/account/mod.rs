//! Accounts: registration, email verification, signing in and out, passwords and profile, a person's own data and deleting an account.

#[cfg(feature = "ssr")]
pub mod entity;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sign_in;
#[cfg(feature = "ssr")]
pub mod two_step;
