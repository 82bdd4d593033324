//! The rules of a pilot, pure: when a milestone is late or finished late (due dates are days in
//! the city's time zone), progress, what may be changed and by whom, and the dashboard figures.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError};
use crate::i18n::{Text, format::city_offset, k};

/// Where a pilot stands. Running and extended pilots go on; rolled out and stopped are final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PilotStatus {
    Running,
    Extended,
    RolledOut,
    Stopped,
}

impl PilotStatus {
    pub const ALL: [PilotStatus; 4] = [
        PilotStatus::Running,
        PilotStatus::Extended,
        PilotStatus::RolledOut,
        PilotStatus::Stopped,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PilotStatus::Running => "running",
            PilotStatus::Extended => "extended",
            PilotStatus::RolledOut => "rolled_out",
            PilotStatus::Stopped => "stopped",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            PilotStatus::Running => k::PILOT_STATUS_RUNNING,
            PilotStatus::Extended => k::PILOT_STATUS_EXTENDED,
            PilotStatus::RolledOut => k::PILOT_STATUS_ROLLED_OUT,
            PilotStatus::Stopped => k::PILOT_STATUS_STOPPED,
        }
    }

    /// Still being tried out: milestones, updates and measurements can change.
    pub fn is_active(self) -> bool {
        matches!(self, PilotStatus::Running | PilotStatus::Extended)
    }
}

/// How a pilot ends (extended is an ending of its first term: it goes on to a new end date).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    RolledOut,
    Extended,
    Stopped,
}

impl Outcome {
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "rolled_out" => Some(Outcome::RolledOut),
            "extended" => Some(Outcome::Extended),
            "stopped" => Some(Outcome::Stopped),
            _ => None,
        }
    }

    pub fn status(self) -> PilotStatus {
        match self {
            Outcome::RolledOut => PilotStatus::RolledOut,
            Outcome::Extended => PilotStatus::Extended,
            Outcome::Stopped => PilotStatus::Stopped,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MilestoneStatus {
    Planned,
    InProgress,
    Done,
    Blocked,
}

impl MilestoneStatus {
    pub const ALL: [MilestoneStatus; 4] = [
        MilestoneStatus::Planned,
        MilestoneStatus::InProgress,
        MilestoneStatus::Done,
        MilestoneStatus::Blocked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MilestoneStatus::Planned => "planned",
            MilestoneStatus::InProgress => "in_progress",
            MilestoneStatus::Done => "done",
            MilestoneStatus::Blocked => "blocked",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            MilestoneStatus::Planned => k::MILESTONE_STATUS_PLANNED,
            MilestoneStatus::InProgress => k::MILESTONE_STATUS_IN_PROGRESS,
            MilestoneStatus::Done => k::MILESTONE_STATUS_DONE,
            MilestoneStatus::Blocked => k::MILESTONE_STATUS_BLOCKED,
        }
    }
}

/// Who answers for a milestone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Owner {
    /// A staff member of the pilot's organisation.
    Official(i64),
    Team,
}

impl Owner {
    pub fn kind(self) -> &'static str {
        match self {
            Owner::Official(_) => "official",
            Owner::Team => "team",
        }
    }

    pub fn from_columns(kind: &str, user_id: Option<i64>) -> Self {
        match (kind, user_id) {
            ("official", Some(id)) => Owner::Official(id),
            _ => Owner::Team,
        }
    }
}

/// A milestone against its due date, as the public sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Timing {
    /// Not done, and its due date has not passed.
    Ahead,
    /// Not done, and its due date has passed.
    Late,
    DoneOnTime,
    DoneLate,
}

impl Timing {
    pub fn code(self) -> &'static str {
        match self {
            Timing::Ahead => "ahead",
            Timing::Late => "late",
            Timing::DoneOnTime => "on-time",
            Timing::DoneLate => "done-late",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Timing::Ahead => k::TIMING_AHEAD,
            Timing::Late => k::TIMING_LATE,
            Timing::DoneOnTime => k::TIMING_ON_TIME,
            Timing::DoneLate => k::TIMING_DONE_LATE,
        }
    }
}

/// The moment a day in the city ends: midnight at the start of the next day, city time.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    city_offset()
        .from_local_datetime(&next.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}

/// The day it is in the city at `now`.
pub fn city_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&city_offset()).date_naive()
}

/// The last day a milestone due on `due_on` may be done on: that day, or, when it is a day off,
/// the next working day (a time limit whose last day is a weekend or a holiday ends with the
/// working day after it, as the Civil Code, art. 148, counts it). One calendar for report
/// deadlines and milestone dates.
pub fn last_day(due_on: NaiveDate, calendar: &crate::calendar::Calendar) -> NaiveDate {
    calendar.next_working_day(due_on)
}

/// A milestone is late the moment its last day (`last_day`) ends unfinished, and finished late when it was
/// done after that.
pub fn timing(due_on: NaiveDate, done_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Timing {
    let deadline = end_of_day(due_on);
    match done_at {
        Some(at) if at < deadline => Timing::DoneOnTime,
        Some(_) => Timing::DoneLate,
        None if now >= deadline => Timing::Late,
        None => Timing::Ahead,
    }
}

/// Whole city days a milestone has been overdue: 1 on the day after its last day, 0 before.
pub fn days_overdue(due_on: NaiveDate, now: DateTime<Utc>) -> i64 {
    if now < end_of_day(due_on) {
        0
    } else {
        (city_today(now) - due_on).num_days()
    }
}

/// Progress: the share of milestones done, in whole percent (none planned is 0 %).
pub fn progress(done: usize, total: usize) -> u8 {
    (done * 100)
        .checked_div(total)
        .map_or(0, |share| share.min(100) as u8)
}

/// The share of finished milestones that finished on time, in whole percent; none finished is
/// no figure at all (not 100 %, not 0 %).
pub fn on_time_share(on_time: usize, finished: usize) -> Option<u8> {
    (finished > 0).then(|| ((on_time * 100 + finished / 2) / finished).min(100) as u8)
}

/// May this person change a milestone's status: staff of the organisation always; otherwise
/// only its owner (the official named, or a member of the team).
pub fn may_set_status(owner: Owner, viewer_id: i64, is_staff: bool, is_team_member: bool) -> bool {
    is_staff
        || match owner {
            Owner::Official(id) => id == viewer_id,
            Owner::Team => is_team_member,
        }
}

/// The pilot's dates and budget as staff enter them.
pub struct Terms {
    pub starts_on: NaiveDate,
    pub planned_end_on: NaiveDate,
    pub budget_vnd: i64,
    pub disbursed_vnd: i64,
}

pub fn check_terms(terms: &Terms) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if terms.planned_end_on <= terms.starts_on {
        errors.push(FieldError::new(
            "planned_end_on",
            "error.pilot_end_before_start",
        ));
    }
    if terms.disbursed_vnd > terms.budget_vnd {
        errors.push(FieldError::new(
            "disbursed_vnd",
            "error.disbursed_over_budget",
        ));
    }
    errors
}

/// A milestone's due date lies within the pilot: not before it starts.
pub fn check_due(due_on: NaiveDate, starts_on: NaiveDate) -> Result<(), AppError> {
    if due_on < starts_on {
        Err(AppError::Invalid(vec![
            FieldError::new("due_on", "error.milestone_before_start")
                .with("date", starts_on.format("%d/%m/%Y")),
        ]))
    } else {
        Ok(())
    }
}

/// A measurement is of something that happened: not dated in the future (city time).
pub fn check_measured_on(measured_on: NaiveDate, now: DateTime<Utc>) -> Result<(), AppError> {
    if measured_on > city_today(now) {
        Err(AppError::invalid(
            "measured_on",
            "error.measurement_in_future",
        ))
    } else {
        Ok(())
    }
}

/// Reads a date field ("2026-03-01").
pub fn parse_day(field: &str, value: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "error.date_invalid"))
}

/// Reads a KPI figure as people write it ("120", "4,5", "4.5"); finite numbers only.
pub fn parse_figure(field: &str, value: &str) -> Result<f64, FieldError> {
    value
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| FieldError::new(field, "error.number_invalid"))
}

/// A KPI figure as shown: whole numbers without decimals, others with a decimal comma.
pub fn format_figure(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .replace('.', ",")
    }
}

/// How far a KPI has come from its baseline towards its target, in whole percent (may exceed
/// 100 or fall below 0 when the service got better than hoped, or worse).
pub fn kpi_progress(baseline: f64, target: f64, now: f64) -> i64 {
    if (target - baseline).abs() < f64::EPSILON {
        return if (now - target).abs() < f64::EPSILON {
            100
        } else {
            0
        };
    }
    (((now - baseline) / (target - baseline)) * 100.0).round() as i64
}

/// Milestone figures for one organisation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneFigures {
    pub total: usize,
    pub finished: usize,
    pub finished_on_time: usize,
    pub late_now: usize,
}

impl MilestoneFigures {
    pub fn count(timings: impl IntoIterator<Item = Timing>) -> Self {
        let mut f = MilestoneFigures::default();
        for t in timings {
            f.total += 1;
            match t {
                Timing::DoneOnTime => {
                    f.finished += 1;
                    f.finished_on_time += 1;
                }
                Timing::DoneLate => f.finished += 1,
                Timing::Late => f.late_now += 1,
                Timing::Ahead => {}
            }
        }
        f
    }

    pub fn on_time_share(&self) -> Option<u8> {
        on_time_share(self.finished_on_time, self.finished)
    }

    /// Finished on time among those whose outcome is known (finished, or late now: they can no
    /// longer be on time), in whole percent; none known is no figure.
    pub fn known_share(&self) -> Option<u8> {
        on_time_share(self.finished_on_time, self.finished + self.late_now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_due_day_ends_at_midnight_city_time() {
        // 1 March in Hồ Chí Minh City ends at 00:00 on 2 March, UTC+7: 17:00 UTC on 1 March.
        assert_eq!(end_of_day(day(2026, 3, 1)), utc("2026-03-01T17:00:00Z"));
    }

    #[test]
    fn late_the_moment_the_due_day_passes_unfinished() {
        let due = day(2026, 3, 1);
        assert_eq!(
            timing(due, None, utc("2026-03-01T16:59:59Z")),
            Timing::Ahead
        );
        assert_eq!(timing(due, None, utc("2026-03-01T17:00:00Z")), Timing::Late);
        // 23:30 on 1 March in the city is still the due day, though UTC says 16:30.
        assert_eq!(
            timing(due, None, utc("2026-03-01T16:30:00Z")),
            Timing::Ahead
        );
    }

    #[test]
    fn finished_late_when_done_after_the_due_day() {
        let due = day(2026, 3, 1);
        let now = utc("2026-04-01T00:00:00Z");
        // 23:59 city time on the due day counts as on time.
        assert_eq!(
            timing(due, Some(utc("2026-03-01T16:59:00Z")), now),
            Timing::DoneOnTime
        );
        // 00:01 city time the next day is late, though it is still 1 March in UTC.
        assert_eq!(
            timing(due, Some(utc("2026-03-01T17:01:00Z")), now),
            Timing::DoneLate
        );
        // Done early stays on time whatever the clock says now.
        assert_eq!(
            timing(due, Some(utc("2026-02-10T03:00:00Z")), now),
            Timing::DoneOnTime
        );
    }

    #[test]
    fn a_milestone_due_on_a_day_off_may_be_done_the_next_working_day() {
        let law = crate::calendar::Calendar::statutory();
        let d = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
        // Due on mùng 3 Tết (Monday 8 February 2027): the offices reopen on Friday the 12th.
        assert_eq!(last_day(d(2, 8), &law), d(2, 12));
        // Due on a Sunday: Monday.
        assert_eq!(last_day(d(3, 7), &law), d(3, 8));
        // A working day is its own last day.
        assert_eq!(last_day(d(3, 9), &law), d(3, 9));
        // Late only once the Friday ends.
        let friday_evening =
            crate::pilot::rules::end_of_day(d(2, 12)) - chrono::Duration::minutes(1);
        assert_eq!(
            timing(last_day(d(2, 8), &law), None, friday_evening),
            Timing::Ahead
        );
    }

    #[test]
    fn days_overdue_count_whole_city_days() {
        let due = day(2026, 3, 1);
        assert_eq!(days_overdue(due, utc("2026-03-01T17:00:00Z")), 1);
        assert_eq!(days_overdue(due, utc("2026-03-05T10:00:00Z")), 4);
    }

    #[test]
    fn progress_is_the_share_done() {
        assert_eq!(progress(0, 0), 0);
        assert_eq!(progress(3, 6), 50);
        assert_eq!(progress(2, 3), 66);
        assert_eq!(progress(4, 4), 100);
    }

    #[test]
    fn on_time_share_needs_something_finished() {
        assert_eq!(on_time_share(0, 0), None);
        assert_eq!(on_time_share(49, 50), Some(98));
        assert_eq!(on_time_share(1, 3), Some(33));
        assert_eq!(on_time_share(2, 3), Some(67));
    }

    #[test]
    fn dashboard_figures_count_each_timing() {
        let f = MilestoneFigures::count([
            Timing::DoneOnTime,
            Timing::DoneOnTime,
            Timing::DoneLate,
            Timing::Late,
            Timing::Ahead,
        ]);
        assert_eq!(
            f,
            MilestoneFigures {
                total: 5,
                finished: 3,
                finished_on_time: 2,
                late_now: 1
            }
        );
        assert_eq!(f.on_time_share(), Some(67));
    }

    #[test]
    fn only_staff_or_the_owner_change_a_status() {
        assert!(may_set_status(Owner::Official(7), 7, false, false));
        assert!(!may_set_status(Owner::Official(7), 8, false, true));
        assert!(may_set_status(Owner::Official(7), 8, true, false));
        assert!(may_set_status(Owner::Team, 9, false, true));
        assert!(!may_set_status(Owner::Team, 9, false, false));
    }

    #[test]
    fn terms_refuse_an_end_before_the_start_and_spending_over_budget() {
        let terms = Terms {
            starts_on: day(2026, 3, 1),
            planned_end_on: day(2026, 2, 1),
            budget_vnd: 100,
            disbursed_vnd: 101,
        };
        let keys: Vec<String> = check_terms(&terms).into_iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            [
                "error.pilot_end_before_start",
                "error.disbursed_over_budget"
            ]
        );
        let fine = Terms {
            planned_end_on: day(2026, 6, 1),
            disbursed_vnd: 100,
            ..terms
        };
        assert!(check_terms(&fine).is_empty());
    }

    #[test]
    fn due_dates_and_measurements_keep_to_time() {
        assert!(check_due(day(2026, 2, 28), day(2026, 3, 1)).is_err());
        assert!(check_due(day(2026, 3, 1), day(2026, 3, 1)).is_ok());
        // At 23:00 UTC on 1 March it is already 2 March in the city.
        let now = utc("2026-03-01T23:00:00Z");
        assert!(check_measured_on(day(2026, 3, 2), now).is_ok());
        assert!(check_measured_on(day(2026, 3, 3), now).is_err());
    }

    #[test]
    fn figures_read_and_show_as_people_write_them() {
        assert_eq!(parse_figure("v", "4,5").unwrap(), 4.5);
        assert_eq!(parse_figure("v", " 120 ").unwrap(), 120.0);
        assert!(parse_figure("v", "nhiều").is_err());
        assert!(parse_figure("v", "inf").is_err());
        assert_eq!(format_figure(120.0), "120");
        assert_eq!(format_figure(4.5), "4,5");
        assert_eq!(format_figure(0.25), "0,25");
    }

    #[test]
    fn kpi_progress_goes_from_baseline_to_target_either_way() {
        assert_eq!(kpi_progress(120.0, 30.0, 75.0), 50);
        assert_eq!(kpi_progress(120.0, 30.0, 30.0), 100);
        assert_eq!(kpi_progress(40.0, 80.0, 90.0), 125);
        assert_eq!(kpi_progress(5.0, 5.0, 5.0), 100);
    }
}
