//! Challenge pages: the public list and one challenge for everyone; the dashboard, the create and
//! the edit pages for staff.

mod card;
mod edit;
mod form;
mod list;
mod page;
mod staff;

pub use card::ChallengeCardView;
pub use edit::ChallengeEditPage;
pub use list::ChallengeListPage;
pub use page::ChallengePage;
pub use staff::{ChallengeCreatePage, StaffDashboard};
