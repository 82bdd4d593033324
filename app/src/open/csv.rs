//! The public data as CSV, for a spreadsheet: UTF-8 with a byte-order mark so that Excel shows
//! Vietnamese correctly, one header row, times in city time with their offset.

use super::model as api;
use crate::csv::{BOM, line};

fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = String::from(BOM);
    out.push_str(&line(header));
    for row in rows {
        out.push_str(&line(&row));
    }
    out
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn time(at: &api::Time) -> String {
    at.to_rfc3339()
}

pub fn challenges(items: &[api::Challenge]) -> String {
    table(
        &[
            "id",
            "slug",
            "organisation",
            "title",
            "phase",
            "category",
            "opens_at",
            "entries_close_at",
            "judging_closes_at",
            "vote_opens_at",
            "vote_closes_at",
            "results_at",
            "prize_total_vnd",
            "pilot_budget_vnd",
            "url",
        ],
        items.iter().map(|c| {
            let t = &c.timetable;
            vec![
                c.id.to_string(),
                c.slug.clone(),
                c.organisation.clone(),
                c.title.clone(),
                c.phase.clone(),
                c.category.clone(),
                time(&t.opens_at),
                time(&t.entries_close_at),
                time(&t.judging_closes_at),
                t.vote_opens_at.as_ref().map(time).unwrap_or_default(),
                t.vote_closes_at.as_ref().map(time).unwrap_or_default(),
                time(&t.results_at),
                c.prizes
                    .iter()
                    .map(|p| p.amount_vnd)
                    .sum::<i64>()
                    .to_string(),
                c.pilot_budget_vnd.to_string(),
                c.url.clone(),
            ]
        }),
    )
}

pub fn entries(list: &api::EntryList) -> String {
    table(
        &[
            "id",
            "title",
            "team",
            "team_organisation",
            "summary",
            "files",
        ],
        list.items.iter().map(|e| {
            vec![
                e.id.to_string(),
                e.title.clone(),
                e.team.clone(),
                opt(&e.team_organisation),
                e.summary.clone(),
                e.files
                    .iter()
                    .map(|f| f.url.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ]
        }),
    )
}

pub fn results(r: &api::Results) -> String {
    table(
        &[
            "rank",
            "entry_id",
            "title",
            "team",
            "normalised_score",
            "raw_score",
            "scores",
            "tied",
            "short",
            "award",
            "award_reason",
        ],
        r.ranking.iter().map(|x| {
            vec![
                x.rank.to_string(),
                x.entry_id.to_string(),
                x.title.clone(),
                x.team.clone(),
                x.normalised_score
                    .map(|s| format!("{s:.3}"))
                    .unwrap_or_default(),
                x.raw_score.map(|s| format!("{s:.3}")).unwrap_or_default(),
                x.scores.to_string(),
                x.tied.to_string(),
                x.short.to_string(),
                opt(&x.award),
                opt(&x.award_reason),
            ]
        }),
    )
}

pub fn milestones(p: &api::Pilot) -> String {
    table(
        &[
            "id",
            "pilot_id",
            "title",
            "owner",
            "owner_name",
            "due_on",
            "original_due_on",
            "move_reason",
            "status",
            "timing",
            "days_overdue",
            "done_at",
            "blocked_reason",
            "evidence_url",
        ],
        p.milestones.iter().map(|m| {
            vec![
                m.id.to_string(),
                p.item.id.to_string(),
                m.title.clone(),
                m.owner.clone(),
                m.owner_name.clone(),
                m.due_on.to_string(),
                opt(&m.original_due_on),
                opt(&m.move_reason),
                m.status.clone(),
                m.timing.clone(),
                m.days_overdue.to_string(),
                m.done_at.as_ref().map(time).unwrap_or_default(),
                opt(&m.blocked_reason),
                opt(&m.evidence_url),
            ]
        }),
    )
}
