//! Where a report goes and how fast: forwarded to the office that can act on it with a public
//! reason (and the clock rule that follows), marked urgent (a deadline in office hours), and
//! counted on the dashboard and in open data the way the wards count.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;

use crate::common;
use crate::common::{Backend, Visitor, spawn_app};
use app::error::AppError;
use app::pilot::model::Dashboard;
use app::report::model::{ReportDetail, ReportPage, ReportStatus};

const TITLE: &str = "Đèn tín hiệu ở ngã tư Lê Lợi hỏng ba ngày";
const DESCRIPTION: &str = "Đèn tín hiệu giao thông ở ngã tư Lê Lợi – Pasteur tắt từ thứ Hai, xe máy chen nhau rất nguy hiểm.";
const WHY: &str =
    "Đèn tín hiệu giao thông do Sở Giao thông vận tải quản lý, phường không sửa được.";

async fn file_report(citizen: &Visitor, org: i64) -> i64 {
    let org = org.to_string();
    let answer = citizen
        .call_multipart(
            "reports/create",
            &[
                ("organisation_id", &org),
                ("category", "transport"),
                ("title", TITLE),
                ("description", DESCRIPTION),
            ],
            None,
        )
        .await;
    answer
        .location()
        .trim_start_matches("/reports/")
        .parse()
        .expect("redirect to the report")
}

async fn get(v: &Visitor, id: i64) -> ReportDetail {
    v.call("reports/get", &[("id", &id.to_string())])
        .await
        .json()
}

async fn forward(v: &Visitor, id: i64, to: &str, reason: &str) -> common::Answer {
    v.call(
        "reports/forward",
        &[
            ("id", &id.to_string()),
            ("organisation_id", to),
            ("reason", reason),
        ],
    )
    .await
}

async fn a_report_sent_to_the_wrong_office_is_forwarded_with_a_public_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let (ward, ward_staff) = app.org_with_staff("Phường Bến Thành", "canbo@bt.vn").await;
    let (dept, dept_staff) = app
        .org_with_staff("Sở Giao thông vận tải", "canbo@sgtvt.vn")
        .await;
    let author = app.citizen_named("anh.tuan@example.vn", "Anh Tuấn").await;
    let id = file_report(&author, ward).await;
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO report_sms_followers (report_id, phone, locale, created_at) \
             VALUES ({id}, '+84912345678', 'vi', CURRENT_TIMESTAMP)"
        ))
        .await
        .unwrap();
    let dept_id = dept.to_string();
    // Only the staff of the office that holds it.
    assert_eq!(
        forward(&app.visitor(), id, &dept_id, WHY).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        forward(&author, id, &dept_id, WHY).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        forward(&dept_staff, id, &dept_id, WHY).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(get(&author, id).await.forward_to.is_empty());
    let choices = get(&ward_staff, id).await.forward_to;
    assert!(choices.iter().any(|o| o.id == dept) && !choices.iter().any(|o| o.id == ward));
    // Every mistake at once, nothing saved: another office, and a reason.
    let mut fields = forward(&ward_staff, id, &ward.to_string(), "Sai")
        .await
        .invalid_fields();
    fields.sort();
    assert_eq!(fields, ["organisation_id", "reason"]);
    assert_eq!(
        forward(&ward_staff, id, "", WHY).await.invalid_fields(),
        ["organisation_id"]
    );
    assert_eq!(
        forward(&ward_staff, id, "987654", WHY)
            .await
            .invalid_fields(),
        ["organisation_id"]
    );
    // An office nobody answers for cannot receive one.
    let empty: app::org::model::Organisation = app
        .admin()
        .await
        .call(
            "admin/organisations/create",
            &[
                ("name_vi", "Sở Xây dựng"),
                ("name_en", "Department of Construction"),
                ("kind", "department"),
            ],
        )
        .await
        .json();
    let nobody = forward(&ward_staff, id, &empty.id.to_string(), WHY).await;
    assert_eq!(
        nobody
            .error()
            .field_message("organisation_id", app::i18n::Locale::En)
            .as_deref()
            .map(|m| m.starts_with("Nobody answers for this office")),
        Some(true)
    );
    assert!(
        !get(&ward_staff, id)
            .await
            .forward_to
            .iter()
            .any(|o| o.id == empty.id)
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM report_forwards").await, 0);
    assert_eq!(get(&app.visitor(), id).await.summary.organisation.id, ward);

    let before = get(&ward_staff, id).await;
    forward(&ward_staff, id, &dept_id, WHY).await.ok();
    let public = get(&app.visitor(), id).await;
    assert_eq!(public.summary.organisation.id, dept);
    assert_eq!(public.summary.status, ReportStatus::New);
    assert_eq!(public.forwards.len(), 1);
    let f = &public.forwards[0];
    assert_eq!((f.from.id, f.to.id), (ward, dept));
    assert_eq!(f.reason, WHY);
    assert_eq!(f.by.as_deref(), Some("Người dân"));
    assert!(f.on_time, "forwarded before the ward's deadline");
    assert_eq!(f.due_before, before.summary.response_due_at);
    // The clock rule: the department's own working days, counted from now.
    let calendar = app::calendar::service::load(&app.db).await.unwrap();
    let expected = calendar.working_days_after(f.at, 5);
    assert_eq!(public.summary.response_due_at, expected);
    // The ward no longer holds it; the department does.
    assert!(!get(&ward_staff, id).await.can_triage);
    assert!(get(&dept_staff, id).await.can_triage);
    assert_eq!(
        forward(&ward_staff, id, &ward.to_string(), WHY)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let (_, page) = app.visitor().page(&format!("/reports/{id}")).await;
    for said in [
        "Chuyển đúng nơi xử lý",
        "Cách tính thời hạn khi chuyển",
        "phường không sửa được",
        "Chuyển đúng hạn",
    ] {
        assert!(page.contains(said), "{said}: {page}");
    }
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'report.forward' AND target_id = {id} AND is_public = TRUE"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM sms_outbox WHERE to_phone = '+84912345678' \
             AND body LIKE '%Sở Giao thông vận tải%'"
        )
        .await,
        1,
        "the number that follows it is told where it went"
    );
    let author_id = app
        .scalar("SELECT id FROM users WHERE email = 'anh.tuan@example.vn'")
        .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM notifications WHERE user_id = {author_id} AND params LIKE '%forwarded%'"
        ))
        .await,
        1
    );

    // Counted for both: the ward answered by forwarding, on time; the department received it.
    let d: Dashboard = app.visitor().call("pilots/dashboard", &[]).await.json();
    let row = |org: i64| {
        d.reports
            .organisations
            .iter()
            .find(|o| o.organisation.id == org)
            .map(|o| o.total)
            .unwrap_or_else(|| panic!("{org} on the dashboard: {:?}", d.reports))
    };
    let w = row(ward);
    assert_eq!(
        (w.received, w.answered, w.answered_on_time, w.forwarded),
        (1, 1, 1, 1)
    );
    assert_eq!(w.on_time_share(), Some(100));
    let s = row(dept);
    assert_eq!((s.received, s.answered, s.forwarded), (1, 0, 0));
    // The city counts the report once.
    assert_eq!(
        (
            d.reports.city_total.received,
            d.reports.city_total.forwarded
        ),
        (1, 1)
    );
    let open: serde_json::Value = serde_json::from_str(
        &app.visitor()
            .get("/api/v1/dashboard")
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let orgs = open["reports"]["organisations"].as_array().unwrap();
    let ward_figures = orgs
        .iter()
        .find(|o| o["organisation"] == "phuong-ben-thanh")
        .unwrap_or_else(|| panic!("{open}"));
    assert_eq!(ward_figures["total"]["forwarded"], 1);
    assert_eq!(ward_figures["total"]["on_time_percent"], 100);
    assert_eq!(ward_figures["months"].as_array().unwrap().len(), 12);
    let reports: serde_json::Value = serde_json::from_str(
        &app.visitor()
            .get("/api/v1/reports")
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(reports["items"][0]["forwarded_at"].is_string(), "{reports}");
    assert_eq!(reports["items"][0]["organisation"], "so-giao-thong-van-tai");

    // The department sends it back late: counted late for the department.
    app.db
        .execute_raw(app::sql::numbered(
            app.db.get_database_backend(),
            "UPDATE reports SET response_due_at = ?1 WHERE id = ?2",
            [(Utc::now() - Duration::days(1)).into(), id.into()],
        ))
        .await
        .unwrap();
    forward(
        &dept_staff,
        id,
        &ward.to_string(),
        "Sở đã sửa đèn; việc sơn lại vạch kẻ đường là của phường.",
    )
    .await
    .ok();
    let back = get(&app.visitor(), id).await;
    assert_eq!(back.forwards.len(), 2);
    assert!(back.forwards[1].returned && !back.forwards[1].on_time);
    // Back where it was: the ward's first deadline stands, no fresh clock.
    assert_eq!(back.summary.response_due_at, before.summary.response_due_at);
    let d: Dashboard = app.visitor().call("pilots/dashboard", &[]).await.json();
    let s = d
        .reports
        .organisations
        .iter()
        .find(|o| o.organisation.id == dept)
        .unwrap()
        .total;
    assert_eq!((s.answered, s.answered_on_time, s.forwarded), (1, 0, 1));

    // The official leaves the platform: the forwarding stays signed, by no account.
    ward_staff
        .call(
            "account/delete",
            &[("password", common::PASSWORD), ("confirm", "yes")],
        )
        .await
        .ok();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM report_forwards WHERE staff_id IS NULL")
            .await,
        1
    );
    assert_eq!(
        get(&app.visitor(), id).await.forwards[0].by.as_deref(),
        Some("Người dân")
    );
}

async fn an_urgent_report_is_due_within_a_working_day_of_office_hours(backend: Backend) {
    let app = spawn_app(backend).await;
    let (ward, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let author = app.citizen("ba.lan@example.vn").await;
    let id = file_report(&author, ward).await;
    let ids = id.to_string();
    let urgency = |v: &Visitor, urgent: bool| {
        let (v, ids) = (v.clone(), ids.clone());
        async move {
            v.call(
                "reports/urgency",
                &[("id", ids.as_str()), ("urgent", &urgent.to_string())],
            )
            .await
        }
    };
    let filed = get(&staff, id).await;
    assert!(filed.can_set_urgency && !filed.summary.urgent);
    assert!(!get(&author, id).await.can_set_urgency);
    assert_eq!(urgency(&author, true).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        urgency(&app.visitor(), true).await.status,
        StatusCode::UNAUTHORIZED
    );
    let calendar = app::calendar::service::load(&app.db).await.unwrap();
    let earliest = calendar.working_minutes_after(Utc::now(), 8 * 60);
    urgency(&staff, true).await.ok();
    let latest = calendar.working_minutes_after(Utc::now(), 8 * 60);
    let urgent = get(&app.visitor(), id).await;
    assert!(urgent.summary.urgent);
    let due = urgent.summary.response_due_at;
    assert!(
        due >= earliest.min(filed.summary.response_due_at)
            && due <= latest.min(filed.summary.response_due_at),
        "{earliest} ≤ {due} ≤ {latest}"
    );
    // Saying it again changes nothing.
    urgency(&staff, true).await.ok();
    assert_eq!(get(&app.visitor(), id).await.summary.response_due_at, due);
    let (_, page) = app.visitor().page(&format!("/reports/{id}")).await;
    assert!(
        page.contains("Khẩn") && page.contains("tính theo giờ làm việc"),
        "{page}"
    );
    let list: ReportPage = app.visitor().call("reports/list", &[]).await.json();
    assert!(list.items.iter().any(|r| r.id == id && r.urgent));
    // No longer urgent: the ward's working days from when it was filed again.
    urgency(&staff, false).await.ok();
    let normal = get(&app.visitor(), id).await;
    assert!(!normal.summary.urgent);
    assert_eq!(
        normal.summary.response_due_at,
        filed.summary.response_due_at
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('report.urgent', 'report.not_urgent') \
             AND target_id = {id} AND is_public = TRUE"
        ))
        .await,
        2
    );
    // A missed deadline is not moved by calling it urgent after the fact.
    app.db
        .execute_raw(app::sql::numbered(
            app.db.get_database_backend(),
            "UPDATE reports SET response_due_at = ?1 WHERE id = ?2",
            [(Utc::now() - Duration::days(2)).into(), id.into()],
        ))
        .await
        .unwrap();
    assert!(!get(&staff, id).await.can_set_urgency);
    let late = urgency(&staff, true).await;
    assert!(
        matches!(late.error(), AppError::Conflict { key, .. } if key == "error.urgency_after_deadline")
    );
    // Overdue now: on the dashboard, the longest first, naming the office, and in the list.
    let d: Dashboard = app.visitor().call("pilots/dashboard", &[]).await.json();
    assert_eq!(d.reports.overdue_total, 1);
    let o = &d.reports.overdue[0];
    assert_eq!((o.id, o.organisation.id, o.days), (id, ward, 2));
    assert_eq!(d.reports.city_total.overdue_now, 1);
    assert_eq!(d.reports.city_total.on_time_share(), Some(0));
    let overdue: ReportPage = app
        .visitor()
        .call("reports/list", &[("status", "overdue")])
        .await
        .json();
    assert_eq!(overdue.items.iter().map(|r| r.id).collect::<Vec<_>>(), [id]);
    let (_, dashboard) = app.visitor().page("/dashboard").await;
    assert!(
        dashboard.contains("Trả lời phản ánh của người dân") && dashboard.contains(TITLE),
        "{dashboard}"
    );
}

/// A late answer, reopened and answered again in time, stays late in the figures: on time is
/// counted by the first answer, as the wards count it.
async fn a_reopened_report_stays_counted_by_its_first_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let (ward, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let author = app.citizen("ba.lan@example.vn").await;
    let id = file_report(&author, ward).await;
    let ids = id.to_string();
    app.db
        .execute_raw(app::sql::numbered(
            app.db.get_database_backend(),
            "UPDATE reports SET response_due_at = ?1 WHERE id = ?2",
            [(Utc::now() - Duration::days(1)).into(), id.into()],
        ))
        .await
        .unwrap();
    let answer = |text: &'static str| {
        let (staff, ids) = (staff.clone(), ids.clone());
        async move {
            staff
                .call(
                    "reports/triage",
                    &[("id", ids.as_str()), ("decision", "answer"), ("text", text)],
                )
                .await
                .ok();
        }
    };
    answer("Phường đã cho sửa đèn, mời anh chị kiểm tra lại.").await;
    author
        .call(
            "reports/rate",
            &[
                ("report_id", ids.as_str()),
                ("satisfied", "false"),
                ("reason", "Đèn vẫn tắt từ mười giờ đêm, chưa ai đến sửa."),
            ],
        )
        .await
        .ok();
    let reopened = get(&app.visitor(), id).await;
    assert_eq!(reopened.summary.status, ReportStatus::Acknowledged);
    assert!(
        reopened.summary.response_due_at > Utc::now(),
        "a new deadline"
    );
    answer("Đã thay bộ hẹn giờ; đèn sáng đến năm giờ sáng từ tối nay.").await;
    let d: Dashboard = app.visitor().call("pilots/dashboard", &[]).await.json();
    let w = d
        .reports
        .organisations
        .iter()
        .find(|o| o.organisation.id == ward)
        .unwrap()
        .total;
    assert_eq!((w.received, w.answered, w.answered_on_time), (1, 1, 0));
    assert_eq!(w.on_time_share(), Some(0));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM reports WHERE id = {id} AND first_responded_at IS NOT NULL \
             AND first_due_at < first_responded_at"
        ))
        .await,
        1
    );
}

on_both_databases!(
    a_reopened_report_stays_counted_by_its_first_answer,
    a_report_sent_to_the_wrong_office_is_forwarded_with_a_public_reason,
    an_urgent_report_is_due_within_a_working_day_of_office_hours,
);
