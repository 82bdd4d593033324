//! Problem reports (phản ánh): a citizen says what does not work in a public service, others say
//! it affects them too, and the organisation concerned answers in public within its deadline.

pub mod figures;
pub mod model;
pub mod receipt;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod apology;
#[cfg(feature = "ssr")]
pub mod assisted;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
mod filing;
#[cfg(feature = "ssr")]
pub mod routing;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sms;
