//! The public vote (bình chọn): during a challenge's vote, each verified citizen chooses the
//! people's choice among its entries, one vote (or up to three) each, changed or withdrawn until
//! the close; the ballots are published so anyone can recount.

pub mod model;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod ballot_box;
#[cfg(feature = "ssr")]
pub mod decision;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod totals;
