//! Reading the challenge form: every field checked, every refusal next to its field, so a staff
//! member fixes them all in one go and loses nothing they typed.

use chrono::{DateTime, Utc};

use super::model::{ChallengeForm, Prize};
use super::rules::{Timetable, VoteWindow};
use crate::error::FieldError;
use crate::i18n::format::{city_datetime_input, parse_city_datetime, parse_vnd};
use crate::report::model::Category;

pub const TITLE_MAX: usize = 160;
pub const SUMMARY_MAX: usize = 400;
pub const BRIEF_MAX: usize = 20_000;
pub const PRIZE_ROWS: usize = 5;
pub const TEAM_LIMIT: i32 = 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChallengeFields {
    pub title: String,
    pub summary: String,
    pub brief_md: String,
    pub eligibility: String,
    pub team_min: i32,
    pub team_max: i32,
    pub category: Category,
    pub prizes: Vec<Prize>,
    pub pilot_budget_vnd: i64,
    pub timetable: Timetable,
}

fn date(field: &str, value: &str, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, "error.required"));
        return None;
    }
    let parsed = parse_city_datetime(value);
    if parsed.is_none() {
        errors.push(FieldError::new(field, "error.date_invalid"));
    }
    parsed
}

fn team_size(field: &str, value: &str, errors: &mut Vec<FieldError>) -> i32 {
    match value.trim().parse::<i32>() {
        Ok(n) if (1..=TEAM_LIMIT).contains(&n) => n,
        _ => {
            errors.push(FieldError::new(field, "error.team_size").with("max", TEAM_LIMIT));
            1
        }
    }
}

pub fn read_form(form: &ChallengeForm) -> Result<ChallengeFields, Vec<FieldError>> {
    let mut errors: Vec<FieldError> = [
        FieldError::length("title", &form.title, 10, TITLE_MAX),
        FieldError::length("summary", &form.summary, 20, SUMMARY_MAX),
        FieldError::length("brief", &form.brief, 0, BRIEF_MAX),
        FieldError::length("eligibility", &form.eligibility, 0, 2000),
    ]
    .into_iter()
    .flatten()
    .collect();
    let category = Category::from_code(&form.category);
    if category.is_none() {
        errors.push(FieldError::new("category", "error.category"));
    }
    let team_min = team_size("team_min", &form.team_min, &mut errors);
    let team_max = team_size("team_max", &form.team_max, &mut errors);
    if team_max < team_min {
        errors.push(FieldError::new("team_max", "error.team_max_below_min"));
    }
    let mut prizes = Vec::new();
    for (i, label) in form.prize_label.iter().enumerate().take(PRIZE_ROWS) {
        let amount = form.prize_amount.get(i).map(String::as_str).unwrap_or("");
        if label.trim().is_empty() && amount.trim().is_empty() {
            continue;
        }
        let field = format!("prize_{i}");
        match (FieldError::length(&field, label, 2, 80), parse_vnd(amount)) {
            (Some(e), _) => errors.push(e),
            (None, None) => errors.push(FieldError::new(&field, "error.money_invalid")),
            (None, Some(amount_vnd)) => prizes.push(Prize {
                label: label.trim().to_owned(),
                amount_vnd,
            }),
        }
    }
    let pilot_budget_vnd = parse_vnd(&form.pilot_budget).unwrap_or_else(|| {
        errors.push(FieldError::new("pilot_budget", "error.money_invalid"));
        0
    });
    let opens_at = date("opens_at", &form.opens_at, &mut errors);
    let entries_close_at = date("entries_close_at", &form.entries_close_at, &mut errors);
    let judging_closes_at = date("judging_closes_at", &form.judging_closes_at, &mut errors);
    let results_at = date("results_at", &form.results_at, &mut errors);
    let vote = if form.vote_enabled.is_some() {
        let opens = date("vote_opens_at", &form.vote_opens_at, &mut errors);
        let closes = date("vote_closes_at", &form.vote_closes_at, &mut errors);
        opens.zip(closes).map(|(opens_at, closes_at)| VoteWindow {
            opens_at,
            closes_at,
        })
    } else {
        None
    };
    let timetable = match (opens_at, entries_close_at, judging_closes_at, results_at) {
        (Some(opens_at), Some(entries_close_at), Some(judging_closes_at), Some(results_at))
            if form.vote_enabled.is_none() || vote.is_some() =>
        {
            let t = Timetable {
                opens_at,
                entries_close_at,
                judging_closes_at,
                vote,
                results_at,
            };
            errors.extend(t.check());
            Some(t)
        }
        _ => None,
    };
    match (category, timetable) {
        (Some(category), Some(timetable)) if errors.is_empty() => Ok(ChallengeFields {
            title: form.title.trim().to_owned(),
            summary: form.summary.trim().to_owned(),
            brief_md: form.brief.trim().to_owned(),
            eligibility: form.eligibility.trim().to_owned(),
            team_min,
            team_max,
            category,
            prizes,
            pilot_budget_vnd,
            timetable,
        }),
        _ => Err(errors),
    }
}

/// What publishing needs beyond a valid draft: a real brief, and entries not already closed.
pub fn check_publishable(fields: &ChallengeFields, now: DateTime<Utc>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if fields.brief_md.chars().count() < 50 {
        errors.push(FieldError::new("brief", "error.brief_needed").with("min", 50));
    }
    if fields.timetable.entries_close_at <= now {
        errors.push(FieldError::new("entries_close_at", "error.date_in_past"));
    }
    errors
}

/// The form as it shows a saved challenge.
pub fn to_form(fields: &ChallengeFields) -> ChallengeForm {
    let t = &fields.timetable;
    ChallengeForm {
        title: fields.title.clone(),
        summary: fields.summary.clone(),
        brief: fields.brief_md.clone(),
        eligibility: fields.eligibility.clone(),
        team_min: fields.team_min.to_string(),
        team_max: fields.team_max.to_string(),
        category: fields.category.code().to_owned(),
        prize_label: fields.prizes.iter().map(|p| p.label.clone()).collect(),
        prize_amount: fields
            .prizes
            .iter()
            .map(|p| p.amount_vnd.to_string())
            .collect(),
        pilot_budget: fields.pilot_budget_vnd.to_string(),
        vote_enabled: t.vote.as_ref().map(|_| "on".to_owned()),
        opens_at: city_datetime_input(t.opens_at),
        entries_close_at: city_datetime_input(t.entries_close_at),
        judging_closes_at: city_datetime_input(t.judging_closes_at),
        vote_opens_at: t
            .vote
            .as_ref()
            .map(|v| city_datetime_input(v.opens_at))
            .unwrap_or_default(),
        vote_closes_at: t
            .vote
            .as_ref()
            .map(|v| city_datetime_input(v.closes_at))
            .unwrap_or_default(),
        results_at: city_datetime_input(t.results_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ChallengeForm {
        ChallengeForm {
            title: "Giảm thời gian chờ ở bộ phận một cửa".into(),
            summary: "Người dân đang phải chờ trung bình hai giờ để nộp hồ sơ.".into(),
            brief: "## Bối cảnh\n\nMỗi sáng hơn 200 người đến bộ phận một cửa của phường.".into(),
            eligibility: "Doanh nghiệp, nhóm sinh viên".into(),
            team_min: "1".into(),
            team_max: "5".into(),
            category: "admin_procedures".into(),
            prize_label: vec!["Giải nhất".into(), "".into()],
            prize_amount: vec!["50.000.000".into(), "".into()],
            pilot_budget: "200.000.000".into(),
            vote_enabled: Some("on".into()),
            opens_at: "2026-12-01T08:00".into(),
            entries_close_at: "2027-01-15T17:00".into(),
            judging_closes_at: "2027-01-30T17:00".into(),
            vote_opens_at: "2027-01-16T08:00".into(),
            vote_closes_at: "2027-01-25T20:00".into(),
            results_at: "2027-02-01T09:00".into(),
        }
    }

    #[test]
    fn a_complete_form_reads_into_a_challenge_and_back() {
        let fields = read_form(&form()).unwrap();
        assert_eq!(
            fields.prizes,
            vec![Prize {
                label: "Giải nhất".into(),
                amount_vnd: 50_000_000
            }]
        );
        assert_eq!(fields.pilot_budget_vnd, 200_000_000);
        assert!(fields.timetable.vote.is_some());
        let again = read_form(&to_form(&fields)).unwrap();
        assert_eq!(again, fields);
    }

    #[test]
    fn every_wrong_field_is_named() {
        let mut f = form();
        f.title = "Ngắn".into();
        f.team_min = "6".into();
        f.prize_amount[0] = "năm mươi triệu".into();
        f.entries_close_at = "2026-11-30T08:00".into();
        f.vote_opens_at = "".into();
        let errors = read_form(&f).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "team_max", "prize_0", "vote_opens_at"]);
        f.vote_enabled = None;
        let errors = read_form(&f).unwrap_err();
        assert!(
            errors.iter().any(|e| e.field == "entries_close_at"),
            "{errors:?}"
        );
    }

    #[test]
    fn publishing_needs_a_brief_and_open_entries() {
        let mut fields = read_form(&form()).unwrap();
        let now = parse_city_datetime("2026-11-22T10:00").unwrap();
        assert!(check_publishable(&fields, now).is_empty());
        fields.brief_md = "Ngắn quá".into();
        let later = parse_city_datetime("2027-01-16T10:00").unwrap();
        let errors = check_publishable(&fields, later);
        assert_eq!(errors.len(), 2);
    }
}
