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
    Organisations => crate::pages::org::OrganisationsPage,
    ChallengeList => crate::pages::challenge::ChallengeListPage,
    Challenge => crate::pages::challenge::ChallengePage,
    PublicEntries => crate::pages::entry::public::PublicEntriesPage,
    Results => crate::pages::judging::ResultsPage,
    JudgingHome => crate::pages::judging::JudgingHomePage,
    PanelInvitation => crate::pages::judging::PanelInvitationPage,
    ScoreSheet => crate::pages::judging::ScoreSheetPage,
    JudgeQueue => crate::pages::judging::JudgeQueuePage,
    PilotList => crate::pages::pilot::PilotListPage,
    Pilot => crate::pages::pilot::PilotPage,
    PilotManage => crate::pages::pilot::PilotManagePage,
    Dashboard => crate::pages::pilot::DashboardPage,
    OpenData => crate::pages::OpenDataPage,
    ReportList => crate::pages::report::ReportListPage,
    ReportNew => crate::pages::report::ReportNewPage,
    ReportAssisted => crate::pages::report::AssistedReportPage,
    Helpers => crate::pages::helper::HelpersPage,
    CommitmentList => crate::pages::commitment::CommitmentListPage,
    CommitmentNew => crate::pages::commitment::CommitmentNewPage,
    Commitment => crate::pages::commitment::CommitmentPage,
    Report => crate::pages::report::ReportPage,
    Receipt => crate::pages::report::ReceiptPage,
    MyTeams => crate::pages::team::MyTeamsPage,
    TeamNew => crate::pages::team::TeamNewPage,
    TeamInvitation => crate::pages::team::InvitationPage,
    Team => crate::pages::team::TeamPage,
    Staff => crate::pages::challenge::StaffDashboard,
    ChallengeCreate => crate::pages::challenge::ChallengeCreatePage,
    ChallengeEdit => crate::pages::challenge::ChallengeEditPage,
    JudgingSetup => crate::pages::judging::JudgingSetupPage,
    VoteReview => crate::pages::vote::VoteReviewPage,
    PilotNew => crate::pages::pilot::PilotNewPage,
    Register => crate::pages::account::RegisterPage,
    Verify => crate::pages::account::VerifyPage,
    SignIn => crate::pages::account::SignInPage,
    SignInCode => crate::pages::account::SignInCodePage,
    ForgotPassword => crate::pages::account::ForgotPasswordPage,
    ResetPassword => crate::pages::account::ResetPasswordPage,
    Account => crate::pages::account::AccountPage,
    Notifications => crate::pages::notify::NotificationsPage,
    Admin => crate::pages::org::AdminPage,
    Audit => crate::pages::audit::AuditPage,
    Calendar => crate::pages::calendar::CalendarPage,
    Mailbox => crate::pages::mail::MailboxPage,
    Sms => crate::pages::mail::SmsPage,
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
            | ["commitments"]
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
        assert!(!runs_in_browser("/commitments"));
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
