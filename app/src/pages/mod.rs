//! Pages that belong to no single noun: the home page and the not-found page.

mod home;
mod not_found;

pub use home::HomePage;
pub use not_found::NotFound;
