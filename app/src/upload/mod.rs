//! Files people attach: a report's photo, a challenge's cover and attachments. Checked from their
//! bytes, cleaned of location metadata, kept in a [`storage::Storage`] (a folder, or a bucket
//! every server instance shares) with their details in the database, and served at
//! `/files/{id}/{name}`.

pub mod model;

#[cfg(feature = "ssr")]
pub mod clean;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod file_type;
#[cfg(feature = "ssr")]
pub mod form;
#[cfg(feature = "ssr")]
pub mod images;
#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
pub mod pdf_budget;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod storage;
