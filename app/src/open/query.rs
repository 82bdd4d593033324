//! The public read API's queries: the same data the pages show, in the API's shapes, a page at a
//! time with a cursor that neither loses nor repeats a row while rows are being added (keyset on
//! the id, ascending).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::model::{self as api, city_time};
use crate::error::AppError;
use crate::org::entity::organisation;
use crate::report::entity::report;
use crate::report::model::ReportStatus;
use crate::report::rules::{Timeliness, timeliness};

pub const DEFAULT_LIMIT: u64 = 50;

pub const MAX_LIMIT: u64 = 200;

/// Where a page starts and how long it is, as a client asked.
#[derive(Clone, Debug, Default)]
pub struct PageRequest {
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

impl PageRequest {
    /// The id after which the page starts, and how many rows it holds.
    pub(crate) fn bounds(&self) -> Result<(i64, u64), AppError> {
        let after = match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => 0,
            Some(c) => {
                decode_cursor(c).ok_or_else(|| AppError::invalid("cursor", "error.cursor"))?
            }
        };
        let limit = match self.limit {
            None => DEFAULT_LIMIT,
            Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
            Some(_) => return Err(AppError::invalid("limit", "error.limit")),
        };
        Ok((after, limit))
    }
}

/// Cursors are opaque to clients: today the last id seen, in hexadecimal, with a version mark.
pub fn encode_cursor(id: i64) -> String {
    format!("v1.{id:x}")
}

/// The id a cursor names: `v1.` and 1 to 15 lowercase hex digits, nothing else.
pub fn decode_cursor(cursor: &str) -> Option<i64> {
    let hex = cursor.strip_prefix("v1.")?;
    let plain = (1..=15).contains(&hex.len())
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    plain.then(|| i64::from_str_radix(hex, 16).ok()).flatten()
}

/// Keeps `limit` rows and says where the next page starts, if there is one.
pub(crate) fn paged<T>(
    mut rows: Vec<T>,
    limit: u64,
    id: impl Fn(&T) -> i64,
) -> (Vec<T>, Option<String>) {
    if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        let next = rows.last().map(|r| encode_cursor(id(r)));
        (rows, next)
    } else {
        (rows, None)
    }
}

pub(crate) fn timeliness_code(t: Timeliness) -> &'static str {
    match t {
        Timeliness::Waiting => "waiting",
        Timeliness::AnsweredOnTime => "answered_on_time",
        Timeliness::AnsweredLate => "answered_late",
        Timeliness::Overdue => "overdue",
    }
}

pub(crate) async fn organisation_id(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<i64, AppError> {
    organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(|o| o.id)
        .ok_or(AppError::NotFound)
}

pub(crate) async fn organisation_slugs(
    db: &impl ConnectionTrait,
) -> Result<HashMap<i64, String>, AppError> {
    Ok(organisation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.slug))
        .collect())
}

pub async fn organisations(db: &impl ConnectionTrait) -> Result<api::OrganisationList, AppError> {
    let items = crate::org::service::list(db)
        .await?
        .into_iter()
        .map(|o| api::Organisation {
            id: o.id,
            slug: o.slug,
            name_vi: o.name_vi,
            name_en: o.name_en,
            kind: o.kind.code().to_owned(),
            parent_id: o.parent_id,
            response_days: o.response_days,
        })
        .collect();
    Ok(api::OrganisationList { items })
}

#[derive(Clone, Debug, Default)]
pub struct ReportFilter {
    pub organisation: Option<String>,
    pub status: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub async fn reports(
    db: &impl ConnectionTrait,
    filter: &ReportFilter,
    page: &PageRequest,
    now: DateTime<Utc>,
) -> Result<api::ReportList, AppError> {
    let (after, limit) = page.bounds()?;
    let mut select = report::Entity::find().filter(report::Column::Id.gt(after));
    if let Some(slug) = &filter.organisation {
        select = select.filter(report::Column::OrganisationId.eq(organisation_id(db, slug).await?));
    }
    if let Some(code) = &filter.status {
        let status = ReportStatus::from_code(code)
            .ok_or_else(|| AppError::invalid("status", "error.unknown_status"))?;
        select = select.filter(report::Column::Status.eq(status.code()));
    }
    if let Some(since) = filter.updated_since {
        select = select.filter(report::Column::UpdatedAt.gte(since));
    }
    let rows = select
        .order_by_asc(report::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let (rows, next_cursor) = paged(rows, limit, |r| r.id);
    let orgs = organisation_slugs(db).await?;
    let photos =
        crate::upload::service::links(db, rows.iter().filter_map(|r| r.photo_id).collect()).await?;
    let items = rows
        .into_iter()
        .map(|r| api::Report {
            organisation: orgs.get(&r.organisation_id).cloned().unwrap_or_default(),
            status: ReportStatus::from_code(&r.status)
                .unwrap_or(ReportStatus::New)
                .code()
                .to_owned(),
            timeliness: timeliness_code(timeliness(r.response_due_at, r.responded_at, now))
                .to_owned(),
            photo: r
                .photo_id
                .and_then(|id| photos.iter().find(|f| f.id == id))
                .map(api::File::from),
            url: format!("/reports/{}", r.id),
            id: r.id,
            title: r.title,
            description: r.description,
            category: r.category,
            supporters: r.supporters,
            created_at: city_time(r.created_at),
            updated_at: city_time(r.updated_at),
            response_due_at: city_time(r.response_due_at),
            appointed_due_at: r.appointed_due_at.map(city_time),
            responded_at: r.responded_at.map(city_time),
            response: r.response,
            merged_into: r.merged_into_id,
            assisted: r.filed_for_name.is_some(),
            urgent: r.urgent_at.is_some(),
            forwarded_at: r.forwarded_at.map(city_time),
        })
        .collect();
    Ok(api::ReportList { items, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_rejects_what_it_did_not_make() {
        assert_eq!(decode_cursor(&encode_cursor(0)), Some(0));
        assert_eq!(decode_cursor(&encode_cursor(123_456)), Some(123_456));
        assert_eq!(decode_cursor("123"), None);
        assert_eq!(decode_cursor("v1.zz"), None);
        assert_eq!(decode_cursor("v1.-5"), None);
    }

    #[test]
    fn a_page_says_where_the_next_starts_only_when_there_is_more() {
        let (rows, next) = paged(vec![1, 2, 3], 2, |r| *r);
        assert_eq!(rows, vec![1, 2]);
        assert_eq!(next.as_deref().and_then(decode_cursor), Some(2));
        let (rows, next) = paged(vec![1, 2], 2, |r| *r);
        assert_eq!(rows, vec![1, 2]);
        assert_eq!(next, None);
    }

    #[test]
    fn limits_outside_the_range_are_refused() {
        let page = |limit| PageRequest {
            cursor: None,
            limit: Some(limit),
        };
        assert_eq!(page(1).bounds().unwrap(), (0, 1));
        assert_eq!(page(MAX_LIMIT).bounds().unwrap(), (0, MAX_LIMIT));
        assert!(page(0).bounds().is_err());
        assert!(page(MAX_LIMIT + 1).bounds().is_err());
        assert_eq!(PageRequest::default().bounds().unwrap(), (0, DEFAULT_LIMIT));
    }
}
