//! The server functions: the edge a page's request meets. Each learns who is asking and the
//! site's links from the request (`crate::ctx`), makes one call below, and answers. Nothing
//! under the domain folders imports them.

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
pub mod two_step;
pub mod vote;
