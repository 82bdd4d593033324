//! Leaders' public commitments (cam kết): an official of an organisation says in public what it
//! will do and by when, linked to the reports, challenges or pilots it answers. Citizens follow
//! it; it shows on time, late or done late like a pilot's milestone, counted on the same
//! working-day calendar; its date moves only with a reason said in public.

pub mod model;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
