//! Every page's code is a piece of WebAssembly of its own, fetched when the page is first shown
//! (`cargo leptos build --split`): a first visit downloads the frame of the site and the page it
//! opens, not the whole application. On the server the pages render as before.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A lazily loaded route per page component: `Route` name => the component.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {
        $(
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(this: Self) -> AnyView {
                    let _ = this;
                    $page().into_any()
                }
            }
        )*
    };
}

lazy_pages! {
    Home => crate::pages::HomePage,
    Organisations => crate::org::view::OrganisationsPage,
    ChallengeList => crate::challenge::view::ChallengeListPage,
    Challenge => crate::challenge::view::ChallengePage,
    PublicEntries => crate::entry::public_view::PublicEntriesPage,
    Results => crate::judging::view::ResultsPage,
    JudgingHome => crate::judging::view::JudgingHomePage,
    PanelInvitation => crate::judging::view::PanelInvitationPage,
    ScoreSheet => crate::judging::view::ScoreSheetPage,
    JudgeQueue => crate::judging::view::JudgeQueuePage,
    PilotList => crate::pilot::view::PilotListPage,
    Pilot => crate::pilot::view::PilotPage,
    PilotManage => crate::pilot::view::PilotManagePage,
    Dashboard => crate::pilot::view::DashboardPage,
    OpenData => crate::pages::OpenDataPage,
    ReportList => crate::report::view::ReportListPage,
    ReportNew => crate::report::view::ReportNewPage,
    Report => crate::report::view::ReportPage,
    MyTeams => crate::team::view::MyTeamsPage,
    TeamNew => crate::team::view::TeamNewPage,
    TeamInvitation => crate::team::view::InvitationPage,
    Team => crate::team::view::TeamPage,
    Staff => crate::challenge::view::StaffDashboard,
    ChallengeCreate => crate::challenge::view::ChallengeCreatePage,
    ChallengeEdit => crate::challenge::view::ChallengeEditPage,
    JudgingSetup => crate::judging::view::JudgingSetupPage,
    VoteReview => crate::vote::view::VoteReviewPage,
    PilotNew => crate::pilot::view::PilotNewPage,
    Register => crate::account::view::RegisterPage,
    Verify => crate::account::view::VerifyPage,
    SignIn => crate::account::view::SignInPage,
    SignInCode => crate::account::view::SignInCodePage,
    ForgotPassword => crate::account::view::ForgotPasswordPage,
    ResetPassword => crate::account::view::ResetPasswordPage,
    Account => crate::account::view::AccountPage,
    Notifications => crate::notify::view::NotificationsPage,
    Admin => crate::org::view::AdminPage,
    Audit => crate::audit::view::AuditPage,
    Mailbox => crate::mail::view::MailboxPage,
}

/// Whether the page at `path` is sent with the scripts that load its code in the browser.
///
/// Some pages have nothing to do there: they read, link, and filter with plain `GET` forms, and
/// the forms every page has (the language switch, signing out) work without JavaScript. They are
/// sent without the hydration scripts, so a first visit to one (the home page, above all)
/// downloads no WebAssembly. The first page with something to do in the browser (a form that
/// shows its errors in place, live vote totals, a score sheet that saves itself) loads the code,
/// and from there the router shows every page, these too, without a page load.
///
/// A page not listed here, a new one included, gets its code.
pub fn runs_in_browser(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    !matches!(
        segments.as_slice(),
        [] | ["organisations"]
            | ["challenges"]
            | ["challenges", _, "results"]
            | ["pilots"]
            | ["dashboard"]
            | ["open-data"]
            | ["reports"]
    )
}

#[cfg(test)]
mod tests {
    use super::runs_in_browser;

    #[test]
    fn pages_with_nothing_to_do_in_the_browser_are_sent_without_their_code() {
        for path in [
            "/",
            "/challenges",
            "/challenges/",
            "/pilots",
            "/dashboard",
            "/open-data",
        ] {
            assert!(!runs_in_browser(path), "{path}");
        }
        assert!(!runs_in_browser("/challenges/mot-cua/results"));
        assert!(!runs_in_browser("/reports"));
        assert!(!runs_in_browser("/organisations"));
    }

    #[test]
    fn pages_with_forms_or_live_parts_get_their_code() {
        for path in [
            "/challenges/mot-cua",
            "/challenges/mot-cua/entries",
            "/pilots/3",
            "/reports/new",
            "/reports/12",
            "/sign-in",
            "/register",
            "/judging/entries/4",
            "/staff/challenges/new",
            "/account",
            "/some-page-added-later",
        ] {
            assert!(runs_in_browser(path), "{path}");
        }
    }
}
