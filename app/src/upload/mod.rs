//! Files people attach: a report's photo, a challenge's cover and attachments. Checked from their
//! bytes, cleaned of location metadata, stored in the database (so every server instance serves
//! the same ones) and served at `/files/{id}/{name}`.

pub mod model;

#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod file_type;
#[cfg(feature = "ssr")]
pub mod form;
#[cfg(feature = "ssr")]
pub mod service;
