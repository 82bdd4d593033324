//! The figures the wards publish ("98 % on time"), counted per organisation and per month of
//! receipt, as plain functions.
//!
//! How they count, as the dashboard says it:
//! - A report counts for the organisation that holds it, in the month it received it (filed
//!   there, or forwarded to it). A report it forwarded counts for it too, as received and as
//!   answered by forwarding: on time if it left before that organisation's deadline.
//! - Answered on time: answered (or forwarded) by the first deadline. A re-appointment does not
//!   make a late answer on time.
//! - The on-time share is answered on time among the reports whose timeliness is known: those
//!   answered, and those still open past their deadline (they can no longer be on time). Reports
//!   still within their deadline are not counted yet.
//! - Satisfaction: of the answers the person who filed rated, those that solved the problem.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::format::city_offset;

/// A calendar month in the city.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// The city's month of `at`.
    pub fn of(at: DateTime<Utc>) -> Self {
        let local = at.with_timezone(&city_offset());
        Month {
            year: local.year(),
            month: local.month(),
        }
    }

    /// The month before.
    pub fn previous(self) -> Self {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The `n` months up to and including this one, oldest first.
    pub fn last(self, n: usize) -> Vec<Month> {
        let mut months: Vec<Month> = std::iter::successors(Some(self), |m| Some(m.previous()))
            .take(n)
            .collect();
        months.reverse();
        months
    }

    /// `2026-11`, as open data writes it.
    pub fn code(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// `11/2026`, as a Vietnamese reader writes it.
    pub fn short(self) -> String {
        format!("{}/{}", self.month, self.year)
    }
}

/// What an organisation did with the reports it received in a month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFigures {
    pub received: u32,
    /// Answered, refused with a reason, merged, made a challenge of, or forwarded.
    pub answered: u32,
    pub answered_on_time: u32,
    /// Still open, past the deadline.
    pub overdue_now: u32,
    /// Reports whose deadline it missed and answered in public with a new date.
    pub reappointed: u32,
    /// Sent on to another organisation.
    pub forwarded: u32,
    /// Answers rated by the person who filed, and of them those that solved the problem.
    pub rated: u32,
    pub satisfied: u32,
}

impl ReportFigures {
    /// Answered on time among those whose timeliness is known, in percent.
    pub fn on_time_share(&self) -> Option<u8> {
        share(self.answered_on_time, self.answered + self.overdue_now)
    }

    /// Satisfied among rated, in percent.
    pub fn satisfaction_share(&self) -> Option<u8> {
        share(self.satisfied, self.rated)
    }

    pub fn add(&mut self, other: &ReportFigures) {
        self.received += other.received;
        self.answered += other.answered;
        self.answered_on_time += other.answered_on_time;
        self.overdue_now += other.overdue_now;
        self.reappointed += other.reappointed;
        self.forwarded += other.forwarded;
        self.rated += other.rated;
        self.satisfied += other.satisfied;
    }
}

/// `part` of `whole` in percent, rounded to the nearest; none of nothing.
pub fn share(part: u32, whole: u32) -> Option<u8> {
    (whole > 0).then(|| ((part * 100 + whole / 2) / whole).min(100) as u8)
}

/// A report at the organisation that holds it.
#[derive(Clone, Copy, Debug)]
pub struct Held {
    pub organisation_id: i64,
    /// Filed there, or forwarded to it.
    pub received_at: DateTime<Utc>,
    /// Its deadline there (after a reopening, the new one).
    pub due_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    /// Reopened after an answer: the deadline and the time of that first answer, by which it
    /// stays counted.
    pub first: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub open: bool,
    /// The organisation apologised for a missed deadline and appointed a new date.
    pub reappointed: bool,
    pub satisfied: Option<bool>,
}

/// A report an organisation forwarded elsewhere.
#[derive(Clone, Copy, Debug)]
pub struct Passed {
    pub organisation_id: i64,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub forwarded_at: DateTime<Utc>,
    pub reappointed: bool,
    /// Sent back to an organisation that had held it ([`returned`]): never on time.
    pub returned: bool,
}

/// Of a report's forwardings in order, as (from, to), which sent it back to an organisation
/// that had held it before (the one it was filed with, or one that forwarded it since).
pub fn returned(forwards: &[(i64, i64)]) -> Vec<bool> {
    forwards
        .iter()
        .enumerate()
        .map(|(i, (_, to))| forwards[..i + 1].iter().any(|(from, _)| from == to))
        .collect()
}

/// The figures per organisation and month of receipt, as of `now`.
pub fn tally(
    held: &[Held],
    passed: &[Passed],
    now: DateTime<Utc>,
) -> BTreeMap<(i64, Month), ReportFigures> {
    let mut figures: BTreeMap<(i64, Month), ReportFigures> = BTreeMap::new();
    for r in held {
        let f = figures
            .entry((r.organisation_id, Month::of(r.received_at)))
            .or_default();
        f.received += 1;
        match (r.first, r.open, r.responded_at) {
            // Answered once already (then reopened): counted by that first answer.
            (Some((due, at)), _, _) => {
                f.answered += 1;
                f.answered_on_time += u32::from(at <= due);
            }
            (None, false, Some(at)) => {
                f.answered += 1;
                f.answered_on_time += u32::from(at <= r.due_at);
            }
            (None, true, _) if now > r.due_at => f.overdue_now += 1,
            _ => {}
        }
        f.reappointed += u32::from(r.reappointed);
        if let Some(satisfied) = r.satisfied {
            f.rated += 1;
            f.satisfied += u32::from(satisfied);
        }
    }
    for p in passed {
        let f = figures
            .entry((p.organisation_id, Month::of(p.received_at)))
            .or_default();
        f.received += 1;
        f.answered += 1;
        f.forwarded += 1;
        f.answered_on_time += u32::from(p.forwarded_at <= p.due_at && !p.returned);
        f.reappointed += u32::from(p.reappointed);
    }
    figures
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(m: u32, d: u32) -> DateTime<Utc> {
        city_offset()
            .with_ymd_and_hms(2026, m, d, 9, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn held(org: i64, received: DateTime<Utc>, due: DateTime<Utc>) -> Held {
        Held {
            organisation_id: org,
            received_at: received,
            due_at: due,
            responded_at: None,
            first: None,
            open: true,
            reappointed: false,
            satisfied: None,
        }
    }

    #[test]
    fn a_month_is_the_citys_and_rolls_over_the_year() {
        // 1 December 2026 at 01:00 in the city is still 30 November in UTC.
        let early = city_offset()
            .with_ymd_and_hms(2026, 12, 1, 1, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            Month::of(early),
            Month {
                year: 2026,
                month: 12
            }
        );
        let jan = Month {
            year: 2027,
            month: 1,
        };
        assert_eq!(
            jan.previous(),
            Month {
                year: 2026,
                month: 12
            }
        );
        assert_eq!(
            jan.last(3).iter().map(|m| m.code()).collect::<Vec<_>>(),
            ["2026-11", "2026-12", "2027-01"]
        );
        assert_eq!(jan.short(), "1/2027");
    }

    #[test]
    fn forty_nine_of_fifty_on_time_is_ninety_eight_percent() {
        let mut f = ReportFigures {
            answered: 50,
            answered_on_time: 49,
            ..Default::default()
        };
        assert_eq!(f.on_time_share(), Some(98));
        // An open report past its deadline can no longer be on time: it counts against.
        f.overdue_now = 1;
        assert_eq!(f.on_time_share(), Some(96));
        assert_eq!(ReportFigures::default().on_time_share(), None);
        assert_eq!(share(1, 3), Some(33));
        assert_eq!(share(2, 3), Some(67));
    }

    #[test]
    fn reports_count_where_and_when_they_were_received() {
        let now = at(12, 20);
        let november = Month {
            year: 2026,
            month: 11,
        };
        let december = Month {
            year: 2026,
            month: 12,
        };
        let rows = [
            // Answered on time, and rated satisfied.
            Held {
                responded_at: Some(at(11, 5)),
                open: false,
                satisfied: Some(true),
                ..held(1, at(11, 2), at(11, 9))
            },
            // Answered late after a re-appointment: still late.
            Held {
                responded_at: Some(at(11, 20)),
                open: false,
                reappointed: true,
                satisfied: Some(false),
                ..held(1, at(11, 3), at(11, 10))
            },
            // Open past its deadline.
            held(1, at(11, 25), at(12, 2)),
            // Open, within its deadline: not counted yet.
            held(1, at(12, 18), at(12, 25)),
            // Forwarded to organisation 2 on 12 November: received there then.
            held(2, at(11, 12), at(11, 19)),
        ];
        let passed = [Passed {
            organisation_id: 1,
            received_at: at(11, 10),
            due_at: at(11, 17),
            forwarded_at: at(11, 12),
            reappointed: false,
            returned: false,
        }];
        let figures = tally(&rows, &passed, now);
        let first = figures[&(1, november)];
        assert_eq!(
            first,
            ReportFigures {
                received: 4,
                answered: 3,
                answered_on_time: 2,
                overdue_now: 1,
                reappointed: 1,
                forwarded: 1,
                rated: 2,
                satisfied: 1,
            }
        );
        assert_eq!(first.on_time_share(), Some(50));
        assert_eq!(first.satisfaction_share(), Some(50));
        let waiting = figures[&(1, december)];
        assert_eq!((waiting.received, waiting.on_time_share()), (1, None));
        let second = figures[&(2, november)];
        assert_eq!((second.received, second.overdue_now), (1, 1));
        // A forwarding after the deadline is a late answer.
        let late = tally(
            &[],
            &[Passed {
                forwarded_at: at(11, 18),
                ..passed[0]
            }],
            now,
        );
        assert_eq!(late[&(1, november)].answered_on_time, 0);
        // Sent back to where it came from: answered, never on time.
        let back = tally(
            &[],
            &[Passed {
                returned: true,
                ..passed[0]
            }],
            now,
        );
        assert_eq!(
            (
                back[&(1, november)].answered,
                back[&(1, november)].answered_on_time
            ),
            (1, 0)
        );
    }

    #[test]
    fn a_reopened_report_stays_counted_by_its_first_answer() {
        let now = at(12, 20);
        let november = Month {
            year: 2026,
            month: 11,
        };
        // First answered late (the 12th, due the 9th); reopened, due again the 30th, answered
        // again on time: still late.
        let reopened = Held {
            responded_at: Some(at(11, 20)),
            first: Some((at(11, 9), at(11, 12))),
            open: false,
            ..held(1, at(11, 2), at(11, 30))
        };
        let f = tally(&[reopened], &[], now)[&(1, november)];
        assert_eq!((f.answered, f.answered_on_time), (1, 0));
        // And while it waits for its second answer, past the new deadline, it is not counted
        // overdue: its first answer is known.
        let waiting = Held {
            responded_at: None,
            open: true,
            ..reopened
        };
        let f = tally(&[waiting], &[], now)[&(1, november)];
        assert_eq!((f.answered, f.overdue_now), (1, 0));
    }

    #[test]
    fn a_report_sent_back_where_it_was_is_returned() {
        // Filed with 1; 1 → 2, 2 → 3, 3 → 1 (back), 1 → 3 (back again).
        assert_eq!(
            returned(&[(1, 2), (2, 3), (3, 1), (1, 3)]),
            [false, false, true, true]
        );
        assert_eq!(returned(&[(1, 2)]), [false]);
        assert_eq!(returned(&[]), Vec::<bool>::new());
    }
}
