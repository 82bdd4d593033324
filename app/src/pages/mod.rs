//! Every page, one module a noun of the product, plus the pages that belong to none (home,
//! open data, not found). A page calls server functions (`crate::api`) and shows the types of
//! the domain folders; nothing below imports a page.

pub mod account;
pub mod audit;
pub mod calendar;
pub mod challenge;
pub mod commitment;
pub mod entry;
pub mod helper;
pub mod judging;
pub mod mail;
pub mod notify;
pub mod org;
pub mod pilot;
pub mod report;
pub mod team;
pub mod vote;

mod home;
mod open_data;

pub use crate::layout::NotFound;
pub use home::HomePage;
pub use open_data::OpenDataPage;
