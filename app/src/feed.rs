//! Atom feeds of the public record, so that people can follow a challenge, a pilot or the whole
//! city without an account: every decision the audit log marks public, newest first.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::audit::entity as audit_log;
use crate::error::AppError;
use crate::i18n::{Locale, k, lookup};

/// Entries in one feed.
const LIMIT: u64 = 50;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What a feed reader shows for one public decision.
struct Item {
    id: i64,
    title: String,
    link: String,
    summary: String,
    at: DateTime<Utc>,
}

/// The decision in words: its name, what it changed, who took it and why.
fn describe(row: &audit_log::Model, subject: &str, locale: Locale) -> (String, String) {
    let action = lookup(&format!("history.{}", row.action.replace('.', "_")))
        .map(|t| locale.t(t).to_owned())
        .unwrap_or_else(|| row.action.clone());
    let details: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&row.details).unwrap_or_default();
    let text = |key: &str| details.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let mut summary = Vec::new();
    if let Some(m) = text("milestone") {
        summary.push(m);
    }
    if let (Some(from), Some(to)) = (text("from"), text("to")) {
        summary.push(format!("{from} → {to}"));
    }
    summary.push(if crate::audit::model::named_in_public(&row.actor_role) {
        row.actor_name.clone()
    } else {
        locale.t(k::HISTORY_PARTICIPANT).to_owned()
    });
    if let Some(reason) = &row.reason {
        summary.push(locale.tf(k::HISTORY_REASON, &[("reason", reason)]));
    }
    (format!("{action}: {subject}"), summary.join(" · "))
}

fn render(id: &str, title: &str, self_link: &str, page: &str, items: &[Item]) -> String {
    let updated = items.first().map(|i| i.at).unwrap_or_else(Utc::now);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <id>{}</id>\n", escape(id)));
    out.push_str(&format!("  <title>{}</title>\n", escape(title)));
    out.push_str(&format!("  <updated>{}</updated>\n", updated.to_rfc3339()));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        escape(self_link)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(page)
    ));
    out.push_str("  <author><name>Vì Dân</name></author>\n");
    for item in items {
        out.push_str("  <entry>\n");
        out.push_str(&format!(
            "    <id>{}/decisions/{}</id>\n",
            escape(id),
            item.id
        ));
        out.push_str(&format!("    <title>{}</title>\n", escape(&item.title)));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            item.at.to_rfc3339()
        ));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&item.link)
        ));
        out.push_str(&format!(
            "    <summary>{}</summary>\n",
            escape(&item.summary)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

async fn public_rows(
    db: &impl ConnectionTrait,
    target: Option<(&str, i64)>,
) -> Result<Vec<audit_log::Model>, AppError> {
    let mut q = audit_log::Entity::find()
        .filter(audit_log::Column::IsPublic.eq(true))
        .filter(audit_log::Column::TargetKind.is_in(["challenge", "pilot"]));
    if let Some((kind, id)) = target {
        q = q
            .filter(audit_log::Column::TargetKind.eq(kind))
            .filter(audit_log::Column::TargetId.eq(id));
    }
    let mut rows = q
        .order_by_desc(audit_log::Column::Id)
        .limit(LIMIT)
        .all(db)
        .await?;
    // While a blind panel judges, an extension does not say why (in words that may name the
    // team), as on the challenge's page.
    let mut blind = std::collections::HashMap::new();
    for row in rows
        .iter_mut()
        .filter(|r| r.action == "challenge.extension")
    {
        let Some(challenge_id) = row.target_id else {
            continue;
        };
        let runs = match blind.entry(challenge_id) {
            std::collections::hash_map::Entry::Occupied(known) => *known.get(),
            std::collections::hash_map::Entry::Vacant(unknown) => {
                *unknown.insert(crate::participation::blind_judging_runs(db, challenge_id).await?)
            }
        };
        if runs {
            row.reason = None;
            row.details = "{}".to_owned();
        }
    }
    Ok(rows)
}

/// The decisions on one challenge or pilot, each linking to the page's history.
fn items_of(rows: Vec<audit_log::Model>, subject: &str, page: &str, locale: Locale) -> Vec<Item> {
    rows.into_iter()
        .map(|row| {
            let (title, summary) = describe(&row, subject, locale);
            Item {
                id: row.id,
                title,
                summary,
                link: format!("{page}#history"),
                at: row.created_at,
            }
        })
        .collect()
}

/// The public decisions on one challenge (not a draft).
pub async fn challenge(
    db: &impl ConnectionTrait,
    slug: &str,
    base: &str,
    locale: Locale,
) -> Result<String, AppError> {
    use crate::challenge::entity::challenge;
    let c = challenge::Entity::find()
        .filter(challenge::Column::Slug.eq(slug))
        .filter(challenge::Column::PublishedAt.is_not_null())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = format!("{base}/challenges/{}", c.slug);
    let rows = public_rows(db, Some(("challenge", c.id))).await?;
    let items = items_of(rows, &c.title, &page, locale);
    Ok(render(
        &format!("{base}/challenges/{}/feed.atom", c.slug),
        &c.title,
        &format!("{page}/feed.atom"),
        &page,
        &items,
    ))
}

/// The public decisions on one pilot.
pub async fn pilot(
    db: &impl ConnectionTrait,
    id: i64,
    base: &str,
    locale: Locale,
) -> Result<String, AppError> {
    let p = crate::pilot::plan::find(db, id).await?;
    let page = format!("{base}/pilots/{id}");
    let rows = public_rows(db, Some(("pilot", id))).await?;
    let items = items_of(rows, &p.title, &page, locale);
    Ok(render(
        &format!("{page}/feed.atom"),
        &p.title,
        &format!("{page}/feed.atom"),
        &page,
        &items,
    ))
}

/// The city's public decisions on every challenge and pilot.
pub async fn city(
    db: &impl ConnectionTrait,
    base: &str,
    locale: Locale,
) -> Result<String, AppError> {
    use crate::challenge::entity::challenge;
    use crate::pilot::entity::pilot;
    let rows = public_rows(db, None).await?;
    let ids = |kind: &str| -> Vec<i64> {
        rows.iter()
            .filter(|r| r.target_kind == kind)
            .filter_map(|r| r.target_id)
            .collect()
    };
    let challenges: HashMap<i64, (String, String)> = challenge::Entity::find()
        .select_only()
        .columns([
            challenge::Column::Id,
            challenge::Column::Slug,
            challenge::Column::Title,
        ])
        .filter(challenge::Column::Id.is_in(ids("challenge")))
        .filter(challenge::Column::PublishedAt.is_not_null())
        .into_tuple::<(i64, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, slug, title)| (id, (slug, title)))
        .collect();
    let pilots: HashMap<i64, String> = pilot::Entity::find()
        .select_only()
        .columns([pilot::Column::Id, pilot::Column::Title])
        .filter(pilot::Column::Id.is_in(ids("pilot")))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let items: Vec<Item> = rows
        .iter()
        .filter_map(|row| {
            let target = row.target_id?;
            let (subject, link) = match row.target_kind.as_str() {
                "challenge" => {
                    let (slug, title) = challenges.get(&target)?;
                    (title.clone(), format!("{base}/challenges/{slug}#history"))
                }
                _ => (
                    pilots.get(&target)?.clone(),
                    format!("{base}/pilots/{target}#history"),
                ),
            };
            let (title, summary) = describe(row, &subject, locale);
            Some(Item {
                id: row.id,
                title,
                summary,
                link,
                at: row.created_at,
            })
        })
        .collect();
    Ok(render(
        &format!("{base}/feed.atom"),
        locale.t(k::FEED_CITY_TITLE),
        &format!("{base}/feed.atom"),
        &format!("{base}/"),
        &items,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            escape("Phí <5> & \"miễn\""),
            "Phí &lt;5&gt; &amp; &quot;miễn&quot;"
        );
    }

    #[test]
    fn a_feed_lists_its_entries_newest_first_with_ids_and_links() {
        let at = DateTime::parse_from_rfc3339("2026-11-20T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let xml = render(
            "https://vidan.example/pilots/3/feed.atom",
            "Đặt lịch & hẹn",
            "https://vidan.example/pilots/3/feed.atom",
            "https://vidan.example/pilots/3",
            &[Item {
                id: 9,
                title: "Dời hạn".into(),
                link: "https://vidan.example/pilots/3#history".into(),
                summary: "A → B".into(),
                at,
            }],
        );
        assert!(xml.contains("<title>Đặt lịch &amp; hẹn</title>"));
        assert!(xml.contains("<updated>2026-11-20T08:00:00+00:00</updated>"));
        assert!(xml.contains("<id>https://vidan.example/pilots/3/feed.atom/decisions/9</id>"));
        assert_eq!(xml.matches("<entry>").count(), 1);
    }
}
