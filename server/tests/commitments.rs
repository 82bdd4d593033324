//! Leaders' public commitments through the real HTTP stack: an official publishes one in their
//! name, citizens follow it, its date moves only with a public reason, it is kept on time or
//! late, and the dashboard and open data count each organisation's record.

use chrono::{Duration, NaiveDate, Utc};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;

use crate::common;
use crate::common::{Backend, Visitor, spawn_app};
use app::commitment::model::{CommitmentBoard, CommitmentDetail};
use app::error::AppError;
use app::pilot::rules::Timing;

const TITLE: &str = "Trả kết quả chứng thực bản sao trong ngày";
const BODY: &str = "Mọi hồ sơ chứng thực nộp trước 10 giờ sáng được trả ngay trong ngày làm việc.";

fn today() -> NaiveDate {
    app::pilot::rules::city_today(Utc::now())
}

/// The working day `n` working days from today (the law's calendar: the tests add no decision).
fn working(n: i64) -> NaiveDate {
    app::calendar::Calendar::statutory().shift_working_days(today(), n)
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

async fn publish(v: &Visitor, org: i64, due: &str, reports: &str) -> common::Answer {
    v.call(
        "commitments/publish",
        &[
            ("form[organisation_id]", &org.to_string()),
            ("form[title]", TITLE),
            ("form[body]", BODY),
            ("form[official_role]", "Phó Chủ tịch UBND Phường 1"),
            ("form[due_on]", due),
            ("form[reports]", reports),
        ],
    )
    .await
}

async fn get(v: &Visitor, id: i64) -> CommitmentDetail {
    v.call("commitments/get", &[("id", &id.to_string())])
        .await
        .json()
}

async fn file_report(citizen: &Visitor, org: i64) -> i64 {
    citizen
        .call_multipart(
            "reports/create",
            &[
                ("organisation_id", &org.to_string()),
                ("category", "admin_procedures"),
                ("title", "Chờ chứng thực bản sao cả buổi sáng"),
                (
                    "description",
                    "Nộp hồ sơ chứng thực từ 8 giờ, đến 11 giờ vẫn chưa có kết quả, phải quay lại hôm sau.",
                ),
            ],
            None,
        )
        .await
        .location()
        .trim_start_matches("/reports/")
        .parse()
        .expect("the report's page")
}

async fn an_official_publishes_a_commitment_and_citizens_follow_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (ward, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let (_, other_staff) = app.org_with_staff("Phường 9", "canbo@p9.vn").await;
    let citizen = app.citizen_named("ba.lan@example.vn", "Bà Lan").await;
    let report = file_report(&citizen, ward).await;
    let due = ymd(working(10));
    // Only the organisation's staff publish its commitments.
    assert_eq!(
        publish(&app.visitor(), ward, &due, "").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        publish(&citizen, ward, &due, "").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        publish(&other_staff, ward, &due, "").await.status,
        StatusCode::FORBIDDEN
    );
    // Every mistake at once, nothing saved.
    let bad = staff
        .call(
            "commitments/publish",
            &[
                ("form[organisation_id]", &ward.to_string()),
                ("form[title]", "Nhanh"),
                ("form[body]", "Sẽ làm"),
                ("form[official_role]", ""),
                ("form[due_on]", &ymd(today() - Duration::days(1))),
                ("form[reports]", "12, mười hai"),
            ],
        )
        .await;
    let mut fields = bad.invalid_fields();
    fields.sort();
    assert_eq!(
        fields,
        ["body", "due_on", "official_role", "reports", "title"]
    );
    assert_eq!(
        publish(&staff, ward, &due, "987654").await.invalid_fields(),
        ["reports"]
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM commitments").await, 0);

    let answer = publish(&staff, ward, &due, &format!("#{report}")).await;
    let id: i64 = answer
        .location()
        .trim_start_matches("/commitments/")
        .parse()
        .expect("the commitment's page");
    let public = get(&app.visitor(), id).await;
    assert_eq!(public.summary.title, TITLE);
    assert_eq!(public.summary.official_name, "Người dân");
    assert_eq!(public.summary.timing, Timing::Ahead);
    assert_eq!(public.summary.due_on, working(10));
    assert_eq!(public.links.len(), 1);
    assert_eq!(public.links[0].href, format!("/reports/{report}"));
    assert!(!public.can_manage && !get(&citizen, id).await.can_manage);
    assert!(get(&staff, id).await.can_manage);

    // A citizen follows it.
    assert_eq!(
        app.visitor()
            .call(
                "commitments/follow",
                &[("id", &id.to_string()), ("follow", "true")]
            )
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    citizen
        .call(
            "commitments/follow",
            &[("id", &id.to_string()), ("follow", "true")],
        )
        .await
        .ok();
    let followed = get(&citizen, id).await;
    assert!(followed.following);
    assert_eq!(followed.summary.followers, 1);

    // The date moves only with a reason, to another day, by the organisation's staff.
    let move_to = |v: &Visitor, date: NaiveDate, reason: &str| {
        let (v, reason) = (v.clone(), reason.to_owned());
        async move {
            v.call(
                "commitments/move",
                &[
                    ("id", &id.to_string()),
                    ("due_on", &ymd(date)),
                    ("reason", &reason),
                ],
            )
            .await
        }
    };
    const WHY: &str = "Phường chờ Sở Tư pháp cấp thêm chữ ký số cho cán bộ chứng thực.";
    assert_eq!(
        move_to(&citizen, working(20), WHY).await.status,
        StatusCode::FORBIDDEN
    );
    let mut fields = move_to(&staff, working(10), "Chậm").await.invalid_fields();
    fields.sort();
    assert_eq!(fields, ["due_on", "reason"]);
    move_to(&staff, working(20), WHY).await.ok();
    let moved = get(&app.visitor(), id).await;
    assert_eq!(moved.summary.due_on, working(20));
    assert_eq!(moved.summary.original_due_on, Some(working(10)));
    assert_eq!(moved.moves.len(), 1);
    assert_eq!(moved.moves[0].reason, WHY);
    let (_, page) = app.visitor().page(&format!("/commitments/{id}")).await;
    assert!(
        page.contains(TITLE) && page.contains("Các lần dời hạn") && page.contains("Sở Tư pháp"),
        "{page}"
    );
    let told = |what: &str| {
        format!(
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE u.email = 'ba.lan@example.vn' AND n.kind = 'followed_commitment' \
             AND n.params LIKE '%{what}%'"
        )
    };
    assert_eq!(app.scalar(&told("commitment.news.moved")).await, 1);

    // Kept before its date: on time; a kept commitment no longer moves.
    let done = |v: &Visitor, note: &str| {
        let (v, note) = (v.clone(), note.to_owned());
        async move {
            v.call(
                "commitments/complete",
                &[("id", &id.to_string()), ("note", &note)],
            )
            .await
        }
    };
    assert_eq!(
        done(&citizen, "Đã xong hết rồi.").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(done(&staff, "Xong").await.invalid_fields(), ["note"]);
    done(
        &staff,
        "Quầy chứng thực thứ hai đã mở; hồ sơ nộp trước 10 giờ được trả trong ngày.",
    )
    .await
    .ok();
    let kept = get(&app.visitor(), id).await;
    assert_eq!(kept.summary.timing, Timing::DoneOnTime);
    assert!(kept.done_note.is_some() && !get(&staff, id).await.can_manage);
    let again = move_to(&staff, working(30), WHY).await;
    assert!(
        matches!(again.error(), AppError::Conflict { key, .. } if key == "error.commitment_done")
    );
    assert_eq!(app.scalar(&told("commitment.news.done")).await, 1);
    for action in ["commitment.publish", "commitment.move", "commitment.done"] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND target_id = {id} \
                 AND is_public = TRUE"
            ))
            .await,
            1,
            "{action}"
        );
    }

    // Each organisation's record: on the list, the dashboard and in open data.
    let board: CommitmentBoard = app.visitor().call("commitments/list", &[]).await.json();
    let record = &board.organisations[0];
    assert_eq!(record.organisation.id, ward);
    assert_eq!(
        (record.figures.total, record.figures.finished_on_time),
        (1, 1)
    );
    let (_, dashboard) = app.visitor().page("/dashboard").await;
    assert!(
        dashboard.contains("Giữ lời đúng hạn theo cơ quan"),
        "{dashboard}"
    );
    let open: serde_json::Value = serde_json::from_str(
        &app.visitor()
            .get("/api/v1/commitments")
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(open["items"][0]["timing"], "on-time", "{open}");
    assert_eq!(open["items"][0]["answers"][0], format!("report:{report}"));
    assert_eq!(open["items"][0]["moves"], 1);
    assert_eq!(open["organisations"][0]["kept_on_time"], 1);
    let dash: serde_json::Value = serde_json::from_str(
        &app.visitor()
            .get("/api/v1/dashboard")
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(dash["commitments"][0]["on_time_percent"], 100, "{dash}");

    // The official leaves: the commitment keeps their name and office, not their account; the
    // follower's deletion ends their follow.
    staff
        .call(
            "account/delete",
            &[("password", common::PASSWORD), ("confirm", "yes")],
        )
        .await
        .ok();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM commitments WHERE official_id IS NULL")
            .await,
        1
    );
    assert_eq!(
        get(&app.visitor(), id).await.summary.official_name,
        "Người dân"
    );
}

async fn a_commitment_past_its_date_is_late_and_its_followers_are_told_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (ward, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let citizen = app.citizen("ba.lan@example.vn").await;
    let id: i64 = publish(&staff, ward, &ymd(working(3)), "")
        .await
        .location()
        .trim_start_matches("/commitments/")
        .parse()
        .unwrap();
    citizen
        .call(
            "commitments/follow",
            &[("id", &id.to_string()), ("follow", "true")],
        )
        .await
        .ok();
    // Its date passes (three working days ago).
    app.db
        .execute_raw(app::sql::numbered(
            app.db.get_database_backend(),
            "UPDATE commitments SET due_on = ?1 WHERE id = ?2",
            [working(-3).into(), id.into()],
        ))
        .await
        .unwrap();
    let late = get(&app.visitor(), id).await;
    assert_eq!(late.summary.timing, Timing::Late);
    assert_eq!(
        late.summary.days_overdue,
        (today() - working(-3)).num_days()
    );
    // The scheduler in the background (every second here) and two passes of our own race to
    // tell the followers: whoever claims it first tells them, and only once.
    let links = app::links::Links::new("http://127.0.0.1:0");
    let tell = || app::jobs::commitment_late::tell_late(&app.db, &links, Utc::now());
    let (a, b) = tokio::join!(tell(), tell());
    assert!(a.unwrap() + b.unwrap() <= 1, "two passes at once tell once");
    let told = "SELECT COUNT(*) FROM notifications WHERE kind = 'followed_commitment' \
                AND params LIKE '%commitment.news.late%'";
    app.wait_until(told, "the followers are told it is late")
        .await;
    assert_eq!(tell().await.unwrap(), 0, "once");
    assert_eq!(app.scalar(told).await, 1);
    let board: CommitmentBoard = app.visitor().call("commitments/list", &[]).await.json();
    assert_eq!(board.items[0].timing, Timing::Late);
    assert_eq!(board.organisations[0].figures.late_now, 1);
    // Its date moved after it was missed: it stays late, counted from the date it missed,
    // until kept, and then it is kept late. The new date earns its own notice if it passes.
    staff
        .call(
            "commitments/move",
            &[
                ("id", &id.to_string()),
                ("due_on", &ymd(working(2))),
                ("reason", "Nhà thầu giao máy chậm hai tuần, đã có biên bản."),
            ],
        )
        .await
        .ok();
    let moved = get(&app.visitor(), id).await;
    assert_eq!(moved.summary.timing, Timing::Late);
    assert_eq!(moved.summary.missed_on, Some(working(-3)));
    assert_eq!(moved.summary.due_on, working(2));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM commitments WHERE id = {id} AND late_told_at IS NULL"
        ))
        .await,
        1
    );
    let (_, page) = app.visitor().page(&format!("/commitments/{id}")).await;
    assert!(page.contains("Đã trễ hạn ngày"), "{page}");
    // The record counts it against the share: nothing kept on time, one late.
    let board: CommitmentBoard = app.visitor().call("commitments/list", &[]).await.json();
    assert_eq!(board.organisations[0].figures.known_share(), Some(0));
    staff
        .call(
            "commitments/complete",
            &[
                ("id", &id.to_string()),
                ("note", "Máy lấy số đã lắp và chạy từ sáng nay."),
            ],
        )
        .await
        .ok();
    assert_eq!(
        get(&app.visitor(), id).await.summary.timing,
        Timing::DoneLate
    );
    let bad = app
        .visitor()
        .call("commitments/get", &[("id", "99999999")])
        .await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
}

on_both_databases!(
    an_official_publishes_a_commitment_and_citizens_follow_it,
    a_commitment_past_its_date_is_late_and_its_followers_are_told_once,
);
