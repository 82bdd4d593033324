//! The rules of a challenge's timetable as plain functions: which phase it is in at a given
//! moment, which dates must follow which, and the next deadline (working days: `crate::calendar`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::i18n::{Text, k};

/// Where a challenge stands. Drafts and cancelled challenges stay where they are; a published
/// one moves through its phases by the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Draft,
    /// Published, entries not open yet.
    Upcoming,
    Open,
    Judging,
    /// The public vote runs (alone, or alongside judging when the challenge says so).
    Voting,
    /// Judging and the vote are over; results are being prepared or published.
    Results,
    Cancelled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Draft,
    Published,
    Cancelled,
}

/// The dates of a challenge, in UTC (shown in the city's time zone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timetable {
    pub opens_at: DateTime<Utc>,
    pub entries_close_at: DateTime<Utc>,
    pub judging_closes_at: DateTime<Utc>,
    /// `None` when the challenge has no people's-choice vote.
    pub vote: Option<VoteWindow>,
    pub results_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteWindow {
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

impl Timetable {
    /// Every date must follow the one before it; each refusal names the field that is wrong.
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.entries_close_at <= self.opens_at {
            errors.push(FieldError::new(
                "entries_close_at",
                "error.date_after_opening",
            ));
        }
        if self.judging_closes_at <= self.entries_close_at {
            errors.push(FieldError::new(
                "judging_closes_at",
                "error.date_after_entries_close",
            ));
        }
        let mut last = self.judging_closes_at;
        if let Some(vote) = &self.vote {
            // Entries become public when the vote opens, so it cannot open before they close.
            if vote.opens_at < self.entries_close_at {
                errors.push(FieldError::new(
                    "vote_opens_at",
                    "error.date_after_entries_close",
                ));
            }
            if vote.closes_at <= vote.opens_at {
                errors.push(FieldError::new(
                    "vote_closes_at",
                    "error.date_after_vote_opens",
                ));
            }
            last = last.max(vote.closes_at);
        }
        if self.results_at < last {
            errors.push(FieldError::new(
                "results_at",
                "error.date_after_judging_and_vote",
            ));
        }
        errors
    }

    /// The phase at `now` of a challenge with this status.
    pub fn phase_at(&self, status: Status, now: DateTime<Utc>) -> Phase {
        match status {
            Status::Draft => return Phase::Draft,
            Status::Cancelled => return Phase::Cancelled,
            Status::Published => {}
        }
        let voting = self
            .vote
            .as_ref()
            .is_some_and(|v| v.opens_at <= now && now < v.closes_at);
        if now < self.opens_at {
            Phase::Upcoming
        } else if now < self.entries_close_at {
            Phase::Open
        } else if voting {
            Phase::Voting
        } else if now < self.judging_closes_at {
            Phase::Judging
        } else if self.vote.as_ref().is_some_and(|v| now < v.opens_at) {
            // Judging is over and the vote has not started yet: the challenge waits for it.
            Phase::Judging
        } else {
            Phase::Results
        }
    }

    /// The next moment something changes after `now`, and what it is.
    pub fn next_deadline(&self, now: DateTime<Utc>) -> Option<(Milestone, DateTime<Utc>)> {
        self.moments()
            .into_iter()
            .filter(|(_, at)| *at > now)
            .min_by_key(|(_, at)| *at)
    }
}

/// The moments of a timetable, for "what comes next" and countdowns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Milestone {
    Opens,
    EntriesClose,
    JudgingCloses,
    VoteOpens,
    VoteCloses,
    Results,
}

impl Phase {
    pub const PUBLIC: [Phase; 5] = [
        Phase::Upcoming,
        Phase::Open,
        Phase::Judging,
        Phase::Voting,
        Phase::Results,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Phase::Draft => "draft",
            Phase::Upcoming => "upcoming",
            Phase::Open => "open",
            Phase::Judging => "judging",
            Phase::Voting => "voting",
            Phase::Results => "results",
            Phase::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::PUBLIC
            .into_iter()
            .chain([Phase::Draft, Phase::Cancelled])
            .find(|p| p.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            Phase::Draft => k::PHASE_DRAFT,
            Phase::Upcoming => k::PHASE_UPCOMING,
            Phase::Open => k::PHASE_OPEN,
            Phase::Judging => k::PHASE_JUDGING,
            Phase::Voting => k::PHASE_VOTING,
            Phase::Results => k::PHASE_RESULTS,
            Phase::Cancelled => k::PHASE_CANCELLED,
        }
    }
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Status::Draft, Status::Published, Status::Cancelled]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

impl Milestone {
    pub const ALL: [Milestone; 6] = [
        Milestone::Opens,
        Milestone::EntriesClose,
        Milestone::JudgingCloses,
        Milestone::VoteOpens,
        Milestone::VoteCloses,
        Milestone::Results,
    ];

    /// The name of its form field.
    pub fn field(self) -> &'static str {
        match self {
            Milestone::Opens => "opens_at",
            Milestone::EntriesClose => "entries_close_at",
            Milestone::JudgingCloses => "judging_closes_at",
            Milestone::VoteOpens => "vote_opens_at",
            Milestone::VoteCloses => "vote_closes_at",
            Milestone::Results => "results_at",
        }
    }

    /// The last part of its translation key (`milestone.entries_close`).
    pub fn key(self) -> &'static str {
        self.field().trim_end_matches("_at")
    }

    pub fn from_field(field: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.field() == field)
    }

    pub fn label(self) -> Text {
        match self {
            Milestone::Opens => k::MILESTONE_OPENS,
            Milestone::EntriesClose => k::MILESTONE_ENTRIES_CLOSE,
            Milestone::JudgingCloses => k::MILESTONE_JUDGING_CLOSES,
            Milestone::VoteOpens => k::MILESTONE_VOTE_OPENS,
            Milestone::VoteCloses => k::MILESTONE_VOTE_CLOSES,
            Milestone::Results => k::MILESTONE_RESULTS,
        }
    }
}

impl Timetable {
    /// The moments in the order they happen (vote moments only when there is a vote).
    pub fn moments(&self) -> Vec<(Milestone, DateTime<Utc>)> {
        let mut moments = vec![
            (Milestone::Opens, self.opens_at),
            (Milestone::EntriesClose, self.entries_close_at),
            (Milestone::JudgingCloses, self.judging_closes_at),
            (Milestone::Results, self.results_at),
        ];
        if let Some(vote) = &self.vote {
            moments.push((Milestone::VoteOpens, vote.opens_at));
            moments.push((Milestone::VoteCloses, vote.closes_at));
        }
        moments.sort_by_key(|(_, at)| *at);
        moments
    }

    pub fn moment(&self, milestone: Milestone) -> Option<DateTime<Utc>> {
        self.moments()
            .into_iter()
            .find(|(m, _)| *m == milestone)
            .map(|(_, at)| at)
    }

    /// Moves one deadline of a published challenge. A moment that has passed stays where it is
    /// (what happened, happened), the new moment must be ahead, and the dates must still follow
    /// each other.
    pub fn moved(
        &self,
        milestone: Milestone,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Timetable, Vec<FieldError>> {
        let Some(current) = self.moment(milestone) else {
            return Err(vec![FieldError::new(
                "milestone",
                "error.milestone_unknown",
            )]);
        };
        if current <= now {
            return Err(vec![
                FieldError::new("milestone", "error.milestone_passed")
                    .with("at", crate::i18n::format_datetime(current)),
            ]);
        }
        if to <= now {
            return Err(vec![FieldError::new("new_at", "error.date_in_past")]);
        }
        if to == current {
            return Err(vec![FieldError::new("new_at", "error.date_unchanged")]);
        }
        let mut moved = self.clone();
        match milestone {
            Milestone::Opens => moved.opens_at = to,
            Milestone::EntriesClose => moved.entries_close_at = to,
            Milestone::JudgingCloses => moved.judging_closes_at = to,
            Milestone::Results => moved.results_at = to,
            Milestone::VoteOpens => {
                if let Some(v) = moved.vote.as_mut() {
                    v.opens_at = to
                }
            }
            Milestone::VoteCloses => {
                if let Some(v) = moved.vote.as_mut() {
                    v.closes_at = to
                }
            }
        }
        let errors: Vec<FieldError> = moved
            .check()
            .into_iter()
            .map(|e| FieldError {
                field: "new_at".into(),
                ..e
            })
            .collect();
        if errors.is_empty() {
            Ok(moved)
        } else {
            Err(errors)
        }
    }
}

/// Questions about a challenge are asked until entries close.
pub fn questions_open(phase: Phase) -> bool {
    matches!(phase, Phase::Upcoming | Phase::Open)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::format::city_offset;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        // Hours given in city time (UTC+7).
        city_offset()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn timetable(vote: Option<VoteWindow>) -> Timetable {
        Timetable {
            opens_at: at(2026, 3, 1, 8),
            entries_close_at: at(2026, 4, 1, 17),
            judging_closes_at: at(2026, 4, 20, 17),
            vote,
            results_at: at(2026, 4, 25, 9),
        }
    }

    #[test]
    fn a_published_challenge_moves_through_its_phases_by_the_clock() {
        let t = timetable(Some(VoteWindow {
            opens_at: at(2026, 4, 21, 8),
            closes_at: at(2026, 4, 24, 20),
        }));
        let p = |d| t.phase_at(Status::Published, d);
        assert_eq!(p(at(2026, 2, 28, 12)), Phase::Upcoming);
        assert_eq!(p(at(2026, 3, 1, 8)), Phase::Open);
        assert_eq!(p(at(2026, 4, 1, 16)), Phase::Open);
        assert_eq!(
            p(at(2026, 4, 1, 17)),
            Phase::Judging,
            "entries close at the minute"
        );
        assert_eq!(
            p(at(2026, 4, 20, 18)),
            Phase::Judging,
            "waiting for the vote to open"
        );
        assert_eq!(p(at(2026, 4, 22, 12)), Phase::Voting);
        assert_eq!(p(at(2026, 4, 25, 9)), Phase::Results);
    }

    #[test]
    fn a_vote_may_run_alongside_judging() {
        let t = timetable(Some(VoteWindow {
            opens_at: at(2026, 4, 2, 8),
            closes_at: at(2026, 4, 10, 20),
        }));
        assert!(t.check().is_empty());
        assert_eq!(
            t.phase_at(Status::Published, at(2026, 4, 5, 12)),
            Phase::Voting
        );
        assert_eq!(
            t.phase_at(Status::Published, at(2026, 4, 15, 12)),
            Phase::Judging
        );
    }

    #[test]
    fn drafts_and_cancelled_challenges_ignore_the_clock() {
        let t = timetable(None);
        assert_eq!(t.phase_at(Status::Draft, at(2026, 3, 15, 12)), Phase::Draft);
        assert_eq!(
            t.phase_at(Status::Cancelled, at(2026, 3, 15, 12)),
            Phase::Cancelled
        );
    }

    #[test]
    fn dates_out_of_order_are_refused_field_by_field() {
        let mut t = timetable(Some(VoteWindow {
            opens_at: at(2026, 3, 20, 8),
            closes_at: at(2026, 3, 19, 8),
        }));
        t.judging_closes_at = at(2026, 3, 31, 8);
        t.results_at = at(2026, 3, 1, 9);
        let fields: Vec<String> = t.check().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "judging_closes_at",
                "vote_opens_at",
                "vote_closes_at",
                "results_at"
            ]
        );
    }

    #[test]
    fn the_next_deadline_is_the_nearest_future_moment() {
        let t = timetable(None);
        assert_eq!(
            t.next_deadline(at(2026, 3, 10, 8)),
            Some((Milestone::EntriesClose, at(2026, 4, 1, 17)))
        );
        assert_eq!(t.next_deadline(at(2026, 5, 1, 8)), None);
    }

    #[test]
    fn a_deadline_ahead_can_move_and_one_that_passed_cannot() {
        let t = timetable(None);
        let now = at(2026, 3, 10, 12);
        let moved = t
            .moved(Milestone::EntriesClose, at(2026, 4, 8, 17), now)
            .unwrap();
        assert_eq!(moved.entries_close_at, at(2026, 4, 8, 17));
        let passed = t
            .moved(Milestone::Opens, at(2026, 3, 20, 8), now)
            .unwrap_err();
        assert_eq!(passed[0].key, "error.milestone_passed");
        let past = t
            .moved(Milestone::EntriesClose, at(2026, 3, 9, 8), now)
            .unwrap_err();
        assert_eq!(past[0].key, "error.date_in_past");
    }

    #[test]
    fn a_moved_deadline_must_still_come_before_the_next_one() {
        let t = timetable(None);
        let errors = t
            .moved(
                Milestone::EntriesClose,
                at(2026, 4, 22, 17),
                at(2026, 3, 10, 12),
            )
            .unwrap_err();
        assert_eq!(errors[0].field, "new_at");
        assert_eq!(errors[0].key, "error.date_after_entries_close");
    }

    #[test]
    fn phase_codes_round_trip() {
        for phase in Phase::PUBLIC
            .into_iter()
            .chain([Phase::Draft, Phase::Cancelled])
        {
            assert_eq!(Phase::from_code(phase.code()), Some(phase));
        }
        for m in Milestone::ALL {
            assert_eq!(Milestone::from_field(m.field()), Some(m));
        }
    }
}
