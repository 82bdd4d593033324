//! Pages that belong to no single noun: the home page, the open data page and the not-found page.

mod home;
mod not_found;
mod open_data;

pub use home::HomePage;
pub use not_found::NotFound;
pub use open_data::OpenDataPage;
