//! Reports as pages show them, their categories and their states.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::rules::Timeliness;
use crate::i18n::{Text, k};
use crate::upload::model::FileLink;

/// The public service a report or a challenge is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    AdminProcedures,
    LandHousing,
    Health,
    Transport,
    Environment,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::AdminProcedures,
        Category::LandHousing,
        Category::Health,
        Category::Transport,
        Category::Environment,
        Category::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::AdminProcedures => "admin_procedures",
            Category::LandHousing => "land_housing",
            Category::Health => "health",
            Category::Transport => "transport",
            Category::Environment => "environment",
            Category::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            Category::AdminProcedures => k::CATEGORY_ADMIN_PROCEDURES,
            Category::LandHousing => k::CATEGORY_LAND_HOUSING,
            Category::Health => k::CATEGORY_HEALTH,
            Category::Transport => k::CATEGORY_TRANSPORT,
            Category::Environment => k::CATEGORY_ENVIRONMENT,
            Category::Other => k::CATEGORY_OTHER,
        }
    }
}

/// Where a report stands in the hands of the organisation concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportStatus {
    /// Sent, not yet looked at.
    New,
    /// Staff have seen it and are on it.
    Acknowledged,
    /// Staff answered in public.
    Answered,
    /// The same problem as an earlier report; supporters moved there.
    Merged,
    /// Not something the organisation can act on; the reason is public.
    OutOfScope,
    /// It became (part of) a challenge.
    BecameChallenge,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 6] = [
        ReportStatus::New,
        ReportStatus::Acknowledged,
        ReportStatus::Answered,
        ReportStatus::Merged,
        ReportStatus::OutOfScope,
        ReportStatus::BecameChallenge,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::New => "new",
            ReportStatus::Acknowledged => "acknowledged",
            ReportStatus::Answered => "answered",
            ReportStatus::Merged => "merged",
            ReportStatus::OutOfScope => "out_of_scope",
            ReportStatus::BecameChallenge => "challenge",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            ReportStatus::New => k::REPORT_STATUS_NEW,
            ReportStatus::Acknowledged => k::REPORT_STATUS_ACKNOWLEDGED,
            ReportStatus::Answered => k::REPORT_STATUS_ANSWERED,
            ReportStatus::Merged => k::REPORT_STATUS_MERGED,
            ReportStatus::OutOfScope => k::REPORT_STATUS_OUT_OF_SCOPE,
            ReportStatus::BecameChallenge => k::REPORT_STATUS_CHALLENGE,
        }
    }

    /// It has an answer its author may rate: an answer, or the reason it is out of scope.
    pub fn is_answer(self) -> bool {
        matches!(self, ReportStatus::Answered | ReportStatus::OutOfScope)
    }

    /// Staff can still act on it: answer, merge, refuse or make a challenge of it.
    pub fn is_open(self) -> bool {
        matches!(self, ReportStatus::New | ReportStatus::Acknowledged)
    }
}

/// An organisation as a report or challenge names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgName {
    pub id: i64,
    pub name_vi: String,
    pub name_en: String,
}

impl From<&crate::org::model::Organisation> for OrgName {
    fn from(o: &crate::org::model::Organisation) -> Self {
        OrgName {
            id: o.id,
            name_vi: o.name_vi.clone(),
            name_en: o.name_en.clone(),
        }
    }
}

impl OrgName {
    pub fn name(&self, locale: crate::i18n::Locale) -> &str {
        match locale {
            crate::i18n::Locale::Vi => &self.name_vi,
            crate::i18n::Locale::En => &self.name_en,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSummary {
    pub id: i64,
    pub title: String,
    pub category: Category,
    pub status: ReportStatus,
    pub organisation: OrgName,
    pub supporters: i32,
    pub created_at: DateTime<Utc>,
    pub response_due_at: DateTime<Utc>,
    pub timeliness: Timeliness,
    /// Filed for someone else, at a one-stop desk or by a helper group.
    pub assisted: bool,
    /// The deadline was missed and the organisation appointed this date instead (the latest of
    /// its apologies); `response_due_at` stays the first deadline.
    pub appointed_due_at: Option<DateTime<Utc>>,
    /// Staff marked it urgent: its deadline is counted in office hours.
    pub urgent: bool,
}

/// A report sent on to another organisation: when, from where to where, why, by whom, and the
/// deadline the first organisation was held to (forwarding before it counts as on time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardView {
    pub at: DateTime<Utc>,
    pub from: OrgName,
    pub to: OrgName,
    pub reason: String,
    pub by: Option<String>,
    pub due_before: DateTime<Utc>,
    /// Forwarded before the first organisation's deadline, to one that had not held it.
    pub on_time: bool,
    /// Sent back to an organisation that held it before (never counted on time).
    pub returned: bool,
}

/// A missed deadline answered in public: when, why, the date missed and the one appointed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApologyView {
    pub at: DateTime<Utc>,
    pub reason: String,
    pub missed_due_at: DateTime<Utc>,
    pub new_due_at: DateTime<Utc>,
    /// The official who signed it.
    pub by: Option<String>,
    /// The organisation that apologised (it may since have forwarded the report).
    pub organisation: Option<OrgName>,
}

/// A report filed for someone else, as its page says so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assisted {
    /// The helper group that helped; none: the organisation's one-stop desk.
    pub group: Option<String>,
    /// The person helped, as they wish to be named.
    pub for_name: String,
    /// The phone they gave, all but its last digits hidden: shown with the receipt only.
    pub phone: Option<String>,
    /// The helper's name: shown to the organisation's staff and the helper only.
    pub helper: Option<String>,
    /// Taken into the person's own account.
    pub claimed: bool,
}

/// A link to another thing a report points at (the report it was merged into, its challenge).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Linked {
    pub href: String,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDetail {
    pub summary: ReportSummary,
    pub description: String,
    pub photo: Option<FileLink>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub responded_at: Option<DateTime<Utc>>,
    /// The public answer, or the reason it is out of scope.
    pub response: Option<String>,
    pub responder: Option<String>,
    pub merged_into: Option<Linked>,
    pub challenges: Vec<Linked>,
    /// The viewer said it affects them too.
    pub supported: bool,
    pub is_author: bool,
    /// The viewer is staff of the organisation concerned.
    pub can_triage: bool,
    /// The receipt code (`PA-7K3M-Q9`), shown to the author and the organisation's staff only.
    pub receipt_code: Option<String>,
    /// Where the receipt leads (`/receipt?code=…` on this site), and that address as a QR code
    /// (SVG), when the receipt is shown.
    pub receipt_link: Option<(String, String)>,
    /// Anyone may ask for its updates by SMS: the site sends text messages, and the report is
    /// still open.
    pub sms_updates: bool,
    /// What the person who filed it said of the latest answer (shown to everyone).
    pub satisfied: Option<bool>,
    /// Whether the viewer, who filed it, may say now whether the answer solved it.
    pub can_rate: bool,
    /// Reopened because an answer did not solve it: when, and why (shown to everyone).
    pub reopened: Option<(DateTime<Utc>, String)>,
    /// Filed for someone else: by whom and for whom.
    pub assisted: Option<Assisted>,
    /// The viewer opened the page with its receipt code, and is taken to be the person it was
    /// filed for (it has no account holder): the code, which the rating form sends back.
    pub receipt_holder: Option<String>,
    /// The viewer is signed in and may take this report, filed for someone, into their account
    /// (with its receipt code and the phone given when it was filed).
    pub claimable: bool,
    /// Missed deadlines answered in public, oldest first.
    pub apologies: Vec<ApologyView>,
    /// The viewer is staff of the organisation, the report is open and its deadline (first or
    /// appointed) has passed: they may apologise and appoint a new date.
    pub can_apologise: bool,
    /// Sent on from other organisations, oldest first.
    pub forwards: Vec<ForwardView>,
    /// When staff marked it urgent, if they did.
    pub urgent_at: Option<DateTime<Utc>>,
    /// The viewer is staff of the organisation, the report is open and within its deadline: they
    /// may change its urgency.
    pub can_set_urgency: bool,
    /// Where staff may forward it (every other organisation), when they may.
    pub forward_to: Vec<OrgName>,
}

/// What the public list shows: filters and one page of results.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQuery {
    pub organisation_id: Option<i64>,
    pub category: Option<String>,
    pub status: Option<String>,
    /// "newest" (default) or "supported".
    pub sort: Option<String>,
    pub page: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPage {
    pub items: Vec<ReportSummary>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

/// A report still waiting for its answer past its deadline, as the dashboard names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueReport {
    pub id: i64,
    pub title: String,
    pub organisation: OrgName,
    /// The organisation's slug, as open data names it.
    pub slug: String,
    pub due_at: DateTime<Utc>,
    pub appointed_due_at: Option<DateTime<Utc>>,
    /// Whole days since the deadline.
    pub days: i64,
}

/// An organisation's answers to reports: per month of the window, and over it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgReportRow {
    pub organisation: OrgName,
    pub slug: String,
    /// In the order of [`ReportBoard::months`].
    pub by_month: Vec<super::figures::ReportFigures>,
    pub total: super::figures::ReportFigures,
}

/// The city's answers to its citizens' reports, as the wards publish them: per organisation and
/// month, and the reports overdue now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportBoard {
    /// The months counted, oldest first (the last twelve).
    pub months: Vec<super::figures::Month>,
    /// The whole city, per month.
    pub city: Vec<super::figures::ReportFigures>,
    pub city_total: super::figures::ReportFigures,
    /// Organisations that received a report in the window, most received first.
    pub organisations: Vec<OrgReportRow>,
    /// Open past the deadline, the longest overdue first (at most [`OVERDUE_LISTED`]).
    pub overdue: Vec<OverdueReport>,
    /// How many are overdue in all.
    pub overdue_total: u64,
}

/// How many overdue reports the dashboard names.
pub const OVERDUE_LISTED: u64 = 20;
