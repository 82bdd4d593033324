//! Judging pages: the staff's set-up and results, a judge's panels, queue and score sheet, an
//! invitation to a panel, and the published results.

mod judge;
mod results;
mod sheet;
mod staff;

pub use judge::{JudgeQueuePage, JudgingHomePage, PanelInvitationPage};
pub use results::{ResultsPage, TeamFeedbackPanel};
pub use sheet::ScoreSheetPage;
pub use staff::JudgingSetupPage;

/// "7,25": a score as a person reads it (two decimals, decimal comma).
pub fn score_label(x: Option<f64>) -> String {
    x.map(|x| format!("{x:.2}").replace('.', ","))
        .unwrap_or_else(|| "—".into())
}
