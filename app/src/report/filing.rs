//! Filing a report: what every report is checked for, its deadline counted in the organisation's
//! working days, its receipt code, and (filed for someone else) who helped and for whom.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

use super::entity::{report, sms_follower};
use super::model::{Category, ReportStatus};
use super::rules::{Consent, check_report};
use crate::audit::service::Record;
use crate::auth::Requester;
use crate::error::{AppError, FieldError};
use crate::helper::model::Desk;
use crate::i18n::format::fold_for_search;
use crate::i18n::{Locale, k};
use crate::links::Links;
use crate::org::entity::organisation;
use crate::upload::form::Incoming;
use crate::upload::service::Purpose;

/// A report as its form sends it.
pub struct NewReport {
    pub organisation_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub category: String,
    pub photo: Result<Option<Incoming>, FieldError>,
}

/// What filing for someone adds to a report (checked).
pub(super) struct Helped<'a> {
    pub(super) desk: Desk,
    pub(super) name: String,
    pub(super) phone: Option<String>,
    pub(super) consent: Consent,
    pub(super) locale: Locale,
    /// Where the receipt text leads; none where the site sends no text messages.
    pub(super) texts: Option<&'a Links>,
}

impl Helped<'_> {
    fn write_into(&self, model: &mut report::ActiveModel, helper_id: i64) {
        model.author_id = Set(None);
        model.assisted_by_id = Set(Some(helper_id));
        model.helper_group_id = Set(match self.desk {
            Desk::Group(id) => Some(id),
            Desk::Organisation(_) => None,
        });
        model.filed_for_name = Set(Some(self.name.clone()));
        model.filed_for_phone = Set(self.phone.clone());
        model.consent = Set(Some(self.consent.code().to_owned()));
    }

    /// What the record of the filing says of it (never the person's phone).
    fn recorded(&self) -> serde_json::Value {
        serde_json::json!({
            "assisted": true,
            "desk": self.desk.code(),
            "consent": self.consent.code(),
            "phone_given": self.phone.is_some(),
        })
    }

    /// The phone given follows the report from now on (the person agreed at the desk), and is
    /// sent the receipt.
    async fn after_filing(
        &self,
        db: &impl ConnectionTrait,
        r: &report::Model,
    ) -> Result<(), AppError> {
        let Some(phone) = &self.phone else {
            return Ok(());
        };
        sms_follower::Entity::insert(sms_follower::ActiveModel {
            report_id: Set(r.id),
            phone: Set(phone.clone()),
            locale: Set(self.locale.code().to_owned()),
            created_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing()
        .exec(db)
        .await?;
        let (Some(links), Some(code)) = (self.texts, &r.receipt_code) else {
            return Ok(());
        };
        let body = self.locale.tf(
            k::SMS_REPORT_RECEIPT,
            &[
                ("number", &r.id.to_string()),
                ("code", code),
                ("date", &crate::i18n::format::format_date(r.response_due_at)),
                ("link", &links.to(&format!("/receipt?code={code}"))),
            ],
        );
        crate::sms::service::enqueue(db, phone, "report_receipt", &body).await?;
        Ok(())
    }
}

/// Files a report (see [`super::service::create`]); `helped` files it for someone else (`super::assisted`),
/// whose own checks found `errors` already, reported with the report's own.
pub(super) async fn file(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &crate::upload::storage::Storage,
    requester: &Requester,
    new: NewReport,
    mut errors: Vec<FieldError>,
    helped: Option<Helped<'_>>,
) -> Result<report::Model, AppError> {
    let author = requester.verified()?;
    errors.extend(check_report(&new.title, &new.description));
    let category = Category::from_code(&new.category);
    if category.is_none() {
        errors.push(FieldError::new("category", "error.category"));
    }
    let org = match new.organisation_id {
        Some(id) => organisation::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    if org.is_none() {
        errors.push(FieldError::new(
            "organisation_id",
            "error.organisation_choose",
        ));
    }
    let photo = new.photo.unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    if let Some(file) = &photo
        && let Err(e) = crate::upload::service::check(Purpose::ReportPhoto, "photo", file)
    {
        errors.extend(e);
    }
    let (Some(org), Some(category), true) = (org, category, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let now = Utc::now();
    let photo = match photo {
        Some(file) => Some(
            crate::upload::service::prepare(
                db,
                storage,
                author.id,
                Purpose::ReportPhoto,
                "photo",
                file,
            )
            .await
            .map_err(AppError::Invalid)?,
        ),
        None => None,
    };
    let txn = crate::group_commit::begin_writing(db).await?;
    let photo_id = match photo {
        Some(file) => Some(
            crate::upload::service::record(&txn, file, "photo")
                .await
                .map_err(AppError::Invalid)?
                .id,
        ),
        None => None,
    };
    let title = new.title.trim().to_owned();
    let description = new.description.trim().to_owned();
    let due = crate::calendar::service::load(&txn)
        .await?
        .working_days_after(now, org.response_days.max(1) as u32);
    let mut model = report::ActiveModel {
        organisation_id: Set(org.id),
        author_id: Set(Some(author.id)),
        search_key: Set(fold_for_search(&format!("{title} {description}"))),
        title: Set(title),
        description: Set(description),
        category: Set(category.code().to_owned()),
        status: Set(ReportStatus::New.code().to_owned()),
        photo_id: Set(photo_id),
        supporters: Set(0),
        response_due_at: Set(due),
        receipt_code: Set(Some(unused_receipt(&txn).await?)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    if let Some(h) = &helped {
        h.write_into(&mut model, author.id);
    }
    let model = model.insert(&txn).await?;
    let mut record = Record::new("report.create", "report", Some(model.id)).by_requester(requester);
    if let Some(h) = &helped {
        record = record.details(h.recorded());
    }
    record.save(&txn).await?;
    if let Some(h) = &helped {
        h.after_filing(&txn, &model).await?;
    }
    txn.commit().await?;
    Ok(model)
}

/// A receipt code no report has yet (two draws in a million reports meet about once in two
/// thousand filings: the draw is checked, not trusted).
pub(super) async fn unused_receipt(db: &impl ConnectionTrait) -> Result<String, AppError> {
    loop {
        let code = super::receipt::new_code();
        let taken = report::Entity::find()
            .filter(report::Column::ReceiptCode.eq(&code))
            .count(db)
            .await?;
        if taken == 0 {
            return Ok(code);
        }
    }
}
