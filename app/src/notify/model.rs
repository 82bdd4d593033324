//! Kinds of notification and a notification as the list shows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::{Locale, Text, k};

/// Every kind of event a person can be told about. Each has a text with parameters and can be
/// switched off for email (never in the app: the list is the record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotificationKind {
    /// An admin made you staff of an organisation.
    StaffRoleGranted,
    /// Your password was changed or reset.
    PasswordChanged,
    /// Staff answered your report, found it out of scope, or merged it into another.
    ReportResponded,
    /// Your report became (part of) a challenge.
    ReportBecameChallenge,
    /// A challenge you follow entered a new phase.
    ChallengePhaseChanged,
    /// A deadline of a challenge you follow moved.
    ChallengeDeadlineMoved,
    /// A challenge you follow was cancelled.
    ChallengeCancelled,
    /// Staff answered the question you asked about a challenge.
    QuestionAnswered,
    /// Someone invited you to their team.
    TeamInvitation,
    /// Someone joined the team you own.
    TeamMemberJoined,
    /// Your team's entry was submitted.
    EntrySubmitted,
    /// Staff found your team's entry ineligible.
    EntryIneligible,
    /// Your team's entry is still a draft and the deadline is less than a day away.
    EntryDeadlineSoon,
    /// Staff invited you to judge a challenge.
    PanelInvitation,
    /// The results of a challenge your team entered are published, with your judges' comments.
    ResultsPublished,
    /// An entry of your team became a pilot.
    PilotStarted,
    /// A pilot you follow has a new update.
    PilotUpdated,
    /// A pilot you follow ended (rolled out, stopped) or was extended.
    PilotEnded,
    /// A milestone you answer for is due within three days.
    MilestoneDueSoon,
    /// A milestone you answer for passed its due date unfinished.
    MilestoneOverdue,
    /// A milestone of a pilot you follow passed its due date unfinished.
    FollowedMilestoneLate,
    /// A commitment you follow moved its date, was kept, or passed its date unkept.
    FollowedCommitment,
    /// A coordinator added you to a helper group (you file reports for people it helps).
    HelperGroupAdded,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 23] = [
        NotificationKind::StaffRoleGranted,
        NotificationKind::PasswordChanged,
        NotificationKind::ReportResponded,
        NotificationKind::ReportBecameChallenge,
        NotificationKind::ChallengePhaseChanged,
        NotificationKind::ChallengeDeadlineMoved,
        NotificationKind::ChallengeCancelled,
        NotificationKind::QuestionAnswered,
        NotificationKind::TeamInvitation,
        NotificationKind::TeamMemberJoined,
        NotificationKind::EntrySubmitted,
        NotificationKind::EntryIneligible,
        NotificationKind::EntryDeadlineSoon,
        NotificationKind::PanelInvitation,
        NotificationKind::ResultsPublished,
        NotificationKind::PilotStarted,
        NotificationKind::PilotUpdated,
        NotificationKind::PilotEnded,
        NotificationKind::MilestoneDueSoon,
        NotificationKind::MilestoneOverdue,
        NotificationKind::FollowedMilestoneLate,
        NotificationKind::FollowedCommitment,
        NotificationKind::HelperGroupAdded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NotificationKind::StaffRoleGranted => "staff_role_granted",
            NotificationKind::PasswordChanged => "password_changed",
            NotificationKind::ReportResponded => "report_responded",
            NotificationKind::ReportBecameChallenge => "report_became_challenge",
            NotificationKind::ChallengePhaseChanged => "challenge_phase_changed",
            NotificationKind::ChallengeDeadlineMoved => "challenge_deadline_moved",
            NotificationKind::ChallengeCancelled => "challenge_cancelled",
            NotificationKind::QuestionAnswered => "question_answered",
            NotificationKind::TeamInvitation => "team_invitation",
            NotificationKind::TeamMemberJoined => "team_member_joined",
            NotificationKind::EntrySubmitted => "entry_submitted",
            NotificationKind::EntryIneligible => "entry_ineligible",
            NotificationKind::EntryDeadlineSoon => "entry_deadline_soon",
            NotificationKind::PanelInvitation => "panel_invitation",
            NotificationKind::ResultsPublished => "results_published",
            NotificationKind::PilotStarted => "pilot_started",
            NotificationKind::PilotUpdated => "pilot_updated",
            NotificationKind::PilotEnded => "pilot_ended",
            NotificationKind::MilestoneDueSoon => "milestone_due_soon",
            NotificationKind::MilestoneOverdue => "milestone_overdue",
            NotificationKind::FollowedMilestoneLate => "followed_milestone_late",
            NotificationKind::FollowedCommitment => "followed_commitment",
            NotificationKind::HelperGroupAdded => "helper_group_added",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The sentence shown in the list and used as the email's subject.
    pub fn text(self) -> Text {
        match self {
            NotificationKind::StaffRoleGranted => k::NOTIFY_STAFF_ROLE_GRANTED,
            NotificationKind::PasswordChanged => k::NOTIFY_PASSWORD_CHANGED,
            NotificationKind::ReportResponded => k::NOTIFY_REPORT_RESPONDED,
            NotificationKind::ReportBecameChallenge => k::NOTIFY_REPORT_BECAME_CHALLENGE,
            NotificationKind::ChallengePhaseChanged => k::NOTIFY_CHALLENGE_PHASE_CHANGED,
            NotificationKind::ChallengeDeadlineMoved => k::NOTIFY_CHALLENGE_DEADLINE_MOVED,
            NotificationKind::ChallengeCancelled => k::NOTIFY_CHALLENGE_CANCELLED,
            NotificationKind::QuestionAnswered => k::NOTIFY_QUESTION_ANSWERED,
            NotificationKind::TeamInvitation => k::NOTIFY_TEAM_INVITATION,
            NotificationKind::TeamMemberJoined => k::NOTIFY_TEAM_MEMBER_JOINED,
            NotificationKind::EntrySubmitted => k::NOTIFY_ENTRY_SUBMITTED,
            NotificationKind::EntryIneligible => k::NOTIFY_ENTRY_INELIGIBLE,
            NotificationKind::EntryDeadlineSoon => k::NOTIFY_ENTRY_DEADLINE_SOON,
            NotificationKind::PanelInvitation => k::NOTIFY_PANEL_INVITATION,
            NotificationKind::ResultsPublished => k::NOTIFY_RESULTS_PUBLISHED,
            NotificationKind::PilotStarted => k::NOTIFY_PILOT_STARTED,
            NotificationKind::PilotUpdated => k::NOTIFY_PILOT_UPDATED,
            NotificationKind::PilotEnded => k::NOTIFY_PILOT_ENDED,
            NotificationKind::MilestoneDueSoon => k::NOTIFY_MILESTONE_DUE_SOON,
            NotificationKind::MilestoneOverdue => k::NOTIFY_MILESTONE_OVERDUE,
            NotificationKind::FollowedMilestoneLate => k::NOTIFY_FOLLOWED_MILESTONE_LATE,
            NotificationKind::FollowedCommitment => k::NOTIFY_FOLLOWED_COMMITMENT,
            NotificationKind::HelperGroupAdded => k::NOTIFY_HELPER_GROUP_ADDED,
        }
    }

    /// The label of this kind on the email preferences form.
    pub fn preference_label(self) -> Text {
        match self {
            NotificationKind::StaffRoleGranted => k::PREFS_STAFF_ROLE_GRANTED,
            NotificationKind::PasswordChanged => k::PREFS_PASSWORD_CHANGED,
            NotificationKind::ReportResponded => k::PREFS_REPORT_RESPONDED,
            NotificationKind::ReportBecameChallenge => k::PREFS_REPORT_BECAME_CHALLENGE,
            NotificationKind::ChallengePhaseChanged => k::PREFS_CHALLENGE_PHASE_CHANGED,
            NotificationKind::ChallengeDeadlineMoved => k::PREFS_CHALLENGE_DEADLINE_MOVED,
            NotificationKind::ChallengeCancelled => k::PREFS_CHALLENGE_CANCELLED,
            NotificationKind::QuestionAnswered => k::PREFS_QUESTION_ANSWERED,
            NotificationKind::TeamInvitation => k::PREFS_TEAM_INVITATION,
            NotificationKind::TeamMemberJoined => k::PREFS_TEAM_MEMBER_JOINED,
            NotificationKind::EntrySubmitted => k::PREFS_ENTRY_SUBMITTED,
            NotificationKind::EntryIneligible => k::PREFS_ENTRY_INELIGIBLE,
            NotificationKind::EntryDeadlineSoon => k::PREFS_ENTRY_DEADLINE_SOON,
            NotificationKind::PanelInvitation => k::PREFS_PANEL_INVITATION,
            NotificationKind::ResultsPublished => k::PREFS_RESULTS_PUBLISHED,
            NotificationKind::PilotStarted => k::PREFS_PILOT_STARTED,
            NotificationKind::PilotUpdated => k::PREFS_PILOT_UPDATED,
            NotificationKind::PilotEnded => k::PREFS_PILOT_ENDED,
            NotificationKind::MilestoneDueSoon => k::PREFS_MILESTONE_DUE_SOON,
            NotificationKind::MilestoneOverdue => k::PREFS_MILESTONE_OVERDUE,
            NotificationKind::FollowedMilestoneLate => k::PREFS_FOLLOWED_MILESTONE_LATE,
            NotificationKind::FollowedCommitment => k::PREFS_FOLLOWED_COMMITMENT,
            NotificationKind::HelperGroupAdded => k::PREFS_HELPER_GROUP_ADDED,
        }
    }

    /// Whether this kind may also come by text message, to those who choose it: what a
    /// citizen waits for (the answer to their report, the results of a challenge they follow or
    /// voted in, a pilot they follow), and their password changing.
    pub fn by_text(self) -> bool {
        matches!(
            self,
            NotificationKind::PasswordChanged
                | NotificationKind::ReportResponded
                | NotificationKind::ReportBecameChallenge
                | NotificationKind::ChallengePhaseChanged
                | NotificationKind::ResultsPublished
                | NotificationKind::PilotUpdated
                | NotificationKind::PilotEnded
                | NotificationKind::MilestoneOverdue
                | NotificationKind::FollowedMilestoneLate
                | NotificationKind::FollowedCommitment
        )
    }
}

/// The parameter that names, by id, the person whose `name` a notification shows (who invited,
/// who submitted): when that account is deleted, the name gives way to "account deleted".
pub const ACTOR: &str = "actor";

/// How [`ACTOR`] reads in a notification's stored parameters.
pub fn actor_tag(user_id: i64) -> String {
    format!("\"{ACTOR}\":\"{user_id}\"")
}

/// Parameters as the reader sees them: a value written `t:some.key` is a text to translate into
/// the reader's language (a phase, a status), anything else is shown as it is (a title, a name).
pub fn localise_params(params: &[(String, String)], locale: Locale) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(name, value)| (name.clone(), crate::i18n::localise_value(value, locale)))
        .collect()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationItem {
    pub id: i64,
    pub kind: NotificationKind,
    pub params: Vec<(String, String)>,
    pub link: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmailPreference {
    pub kind: NotificationKind,
    pub email: bool,
    /// Also by text message; `None` where this kind cannot come by text, or the account has
    /// no proved phone number.
    pub sms: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_codes_round_trip() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(NotificationKind::from_code("nonsense"), None);
    }
}
