//! Read-models: what a page shows, read from any domain folder at once. Server functions call
//! them; no service does. Their types that gather several folders are in `model`, shared with
//! the browser.

pub mod model;

#[cfg(feature = "ssr")]
pub mod challenge;
#[cfg(feature = "ssr")]
pub mod commitment;
#[cfg(feature = "ssr")]
pub mod entry;
#[cfg(feature = "ssr")]
pub mod judging;
#[cfg(feature = "ssr")]
pub mod page_class;
#[cfg(feature = "ssr")]
pub mod pilot;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(feature = "ssr")]
pub mod team;
