//! Entries (bài dự thi): what a team proposes. Drafts any member edits, saved without losing
//! another member's work; explicit submissions, each kept; nothing changes after the deadline.

pub mod model;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod staff;
