//! Who is asking: sessions kept in the database, the signed-in viewer and the roles they hold.

#[cfg(feature = "ssr")]
pub mod entity;
pub mod model;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod two_factor;

pub use model::{Requester, Viewer};
