//! The working-day calendar: the law's holidays (Tết from the lunar calendar) counted for
//! everyone, each year's decision entered by an administrator with its source and on the public
//! record, and every new deadline counted in it.

use crate::common;

use crate::common::{Backend, spawn_app, tiny_png};
use app::calendar::{Calendar, Decision, Holiday, YearView};
use app::error::AppError;
use app::report::model::ReportDetail;
use chrono::{Datelike, NaiveDate, Utc};
use reqwest::StatusCode;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn year_of(v: &common::Visitor, year: i32) -> YearView {
    let (view, _): (YearView, Vec<i32>) = v
        .call("calendar", &[("year", &year.to_string())])
        .await
        .json();
    view
}

async fn an_administrator_enters_the_years_decision_on_the_record(backend: Backend) {
    let app = spawn_app(backend).await;
    let visitor = app.visitor();
    // Before any decision: the law's holidays, Tết computed from the lunar calendar.
    let law = year_of(&visitor, 2027).await;
    assert!(law.entered.is_none());
    let tet: Vec<NaiveDate> = law
        .days_off
        .iter()
        .filter(|d| d.why == Holiday::Tet)
        .map(|d| d.date)
        .collect();
    assert_eq!(tet, (5..=9).map(|d| ymd(2027, 2, d)).collect::<Vec<_>>());

    let form = |year: &'static str, off: &'static str, worked: &'static str| {
        vec![
            ("year", year),
            (
                "source",
                "Thông báo số 6150/TB-BNV ngày 20/11/2026 của Bộ Nội vụ",
            ),
            ("days_off", off),
            ("days_worked", worked),
        ]
    };
    // Only an administrator enters it.
    let entry = form("2027", "12/02/2027", "20/02/2027");
    assert_eq!(
        visitor.call("admin/calendar/save", &entry).await.status,
        StatusCode::UNAUTHORIZED
    );
    let citizen = app.citizen("dan@example.vn").await;
    assert_eq!(
        citizen.call("admin/calendar/save", &entry).await.status,
        StatusCode::FORBIDDEN
    );
    let admin = app.admin().await;
    let saved = admin.call("admin/calendar/save", &entry).await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let year = year_of(&visitor, 2027).await;
    assert_eq!(
        year.entered.as_ref().map(|e| e.source.as_str()),
        Some("Thông báo số 6150/TB-BNV ngày 20/11/2026 của Bộ Nội vụ")
    );
    assert!(
        year.days_off
            .iter()
            .any(|d| d.date == ymd(2027, 2, 12) && d.why == Holiday::Decided)
    );
    assert_eq!(year.days_worked, vec![ymd(2027, 2, 20)]);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.enter_year' \
             AND target_id = 2027 AND is_public = TRUE"
        )
        .await,
        1
    );

    // Entered twice: refused, with the way to change it; nothing entered is lost.
    let again = admin
        .call("admin/calendar/save", &form("2027", "15/02/2027", ""))
        .await;
    assert_eq!(
        again.error().field_message("year", app::i18n::Locale::Vi),
        Some("Quyết định của năm 2027 đã được nhập. Mở lịch năm 2027 để sửa.".into())
    );
    assert_eq!(year_of(&visitor, 2027).await.decisions, year.decisions);
    // Changed from its own page, it replaces the year's decisions, on the record too.
    let mut change = form("2027", "15/02/2027", "");
    change.push(("replace", "2027"));
    let changed = admin.call("admin/calendar/save", &change).await;
    assert!(changed.status.is_success(), "{}", changed.body);
    let year = year_of(&visitor, 2027).await;
    assert_eq!(year.decisions, vec![(ymd(2027, 2, 15), Decision::Off)]);
    assert!(year.entered.unwrap().changed_at.is_some());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.change_year'")
            .await,
        1
    );

    // Bad input: a clear reason on the field, nothing saved.
    for (form, field, key) in [
        (
            form("20x7", "12/02/2027", ""),
            "year",
            "error.calendar_year_invalid",
        ),
        (
            form("2028", "31/02/2028", ""),
            "days_off",
            "error.calendar_date_invalid",
        ),
        (
            form("2028", "30/12/2027", ""),
            "days_off",
            "error.calendar_date_outside_year",
        ),
        (
            form("2028", "24/01/2028", "24/01/2028"),
            "days_worked",
            "error.calendar_day_both",
        ),
        (form("2028", " ", ""), "days_off", "error.calendar_no_days"),
    ] {
        let refused = admin.call("admin/calendar/save", &form).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        let AppError::Invalid(errors) = refused.error() else {
            panic!("{}", refused.body)
        };
        assert!(
            errors.iter().any(|e| e.field == field && e.key == key),
            "{key}: {errors:?}"
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM calendar_years WHERE year = 2028")
            .await,
        0
    );

    // The page shows the year to everyone, and the form to the administrator alone.
    let (status, page) = visitor.page("/calendar?year=2027").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Tết Nguyên đán"), "{page}");
    assert!(page.contains("6150/TB-BNV"), "{page}");
    assert!(!page.contains("name=\"days_off\""));
    let (_, page) = admin.page("/calendar?year=2027").await;
    assert!(page.contains("name=\"days_off\""), "{page}");
}

/// A report's deadline counts the year's decisions: the two working days after today, made days
/// off, move it by two.
async fn a_new_deadline_counts_the_days_off_decided(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    let today = Utc::now()
        .with_timezone(&app::i18n::format::city_offset())
        .date_naive();
    let law = Calendar::statutory();
    let first = law.add_working_days(today, 1);
    let second = law.add_working_days(today, 2);
    let mut years: Vec<i32> = vec![first.year(), second.year()];
    years.dedup();
    for year in years {
        let days: Vec<String> = [first, second]
            .iter()
            .filter(|d| d.year() == year)
            .map(|d| d.format("%d/%m/%Y").to_string())
            .collect();
        let saved = admin
            .call(
                "admin/calendar/save",
                &[
                    ("year", &year.to_string()),
                    ("source", "Quyết định thử nghiệm số 1/QĐ"),
                    ("days_off", &days.join("\n")),
                    ("days_worked", ""),
                ],
            )
            .await;
        assert!(saved.status.is_success(), "{}", saved.body);
    }
    let citizen = app.citizen("dan@example.vn").await;
    let (org, _) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let filed = citizen.file_report(org, "hang-cho.png", tiny_png()).await;
    let id = filed.location().trim_start_matches("/reports/").to_owned();
    let report: ReportDetail = citizen.call("reports/get", &[("id", &id)]).await.json();
    let days = app
        .scalar(&format!(
            "SELECT CAST(response_days AS BIGINT) FROM organisations WHERE id = {org}"
        ))
        .await as u32;
    let decided = Calendar::with_decisions([(first, Decision::Off), (second, Decision::Off)]);
    let created = report.summary.created_at;
    assert_eq!(
        report.summary.response_due_at,
        decided.working_days_after(created, days)
    );
    assert_ne!(
        report.summary.response_due_at,
        law.working_days_after(created, days),
        "the decision moved it"
    );
}

on_both_databases!(
    an_administrator_enters_the_years_decision_on_the_record,
    a_new_deadline_counts_the_days_off_decided,
);
