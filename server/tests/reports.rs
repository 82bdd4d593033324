//! Problem reports through the real HTTP stack: filing with a photo, the limits, "affects me too",
//! staff triage and its deadline, the public list.

use crate::common;

use crate::common::{Backend, Visitor, spawn_app};
use app::error::AppError;
use app::report::model::{ReportDetail, ReportPage, ReportStatus};
use app::report::rules::Timeliness;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;

/// A JPEG as a phone sends it: with an EXIF block that says where it was taken.
pub fn jpeg_with_gps() -> Vec<u8> {
    let segment = common::jpeg_segment;
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    jpeg.extend(segment(
        0xE1,
        b"Exif\0\0GPSLatitude=11.3101;GPSLongitude=106.0983",
    ));
    jpeg.extend(segment(0xDB, &[0; 65]));
    jpeg.extend([0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9]);
    jpeg
}

const TITLE: &str = "Phải xếp hàng hai tiếng ở bộ phận một cửa";
const DESCRIPTION: &str =
    "Sáng nào cũng phải đến từ 6 giờ để lấy số, gần trưa mới tới lượt nộp hồ sơ.";

async fn file_report(citizen: &Visitor, org: i64, photo: Option<Vec<u8>>) -> i64 {
    let org = org.to_string();
    let answer = citizen
        .call_multipart(
            "reports/create",
            &[
                ("organisation_id", &org),
                ("category", "admin_procedures"),
                ("title", TITLE),
                ("description", DESCRIPTION),
            ],
            photo.map(|p| ("photo", "IMG_2041.JPG", p)),
        )
        .await;
    let location = answer.location();
    location
        .trim_start_matches("/reports/")
        .parse()
        .unwrap_or_else(|_| panic!("redirect to the report: {location}"))
}

async fn get(v: &Visitor, id: i64) -> ReportDetail {
    v.call("reports/get", &[("id", &id.to_string())])
        .await
        .json()
}

async fn a_citizen_reports_a_problem_and_the_photo_loses_its_location(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, _staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let citizen = app.citizen("lan@example.vn").await;

    let id = file_report(&citizen, org, Some(jpeg_with_gps())).await;

    let report = get(&app.visitor(), id).await;
    assert_eq!(report.summary.title, TITLE);
    assert_eq!(report.summary.status, ReportStatus::New);
    assert_eq!(report.summary.timeliness, Timeliness::Waiting);
    assert!(report.summary.response_due_at > report.summary.created_at + chrono::Duration::days(5));
    let photo = report.photo.expect("the photo is kept");
    assert_eq!(photo.name, "img-2041.jpg");
    let served = app.visitor().get(&photo.url()).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    let bytes = served.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8]));
    assert!(
        !String::from_utf8_lossy(&bytes).contains("GPS"),
        "the location is gone"
    );
    let page: ReportPage = app.visitor().call("reports/list", &[]).await.json();
    assert_eq!(page.items.len(), 1);
    let (status, html) = app.visitor().page(&format!("/reports/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(TITLE));
    assert!(!html.contains("lan@example.vn"), "reporters stay anonymous");
}

async fn bad_reports_are_refused_field_by_field_and_nothing_is_saved(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, _) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let org = org.to_string();
    let anonymous = app
        .visitor()
        .call_multipart("reports/create", &[], None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let citizen = app.citizen("lan@example.vn").await;
    let short = citizen
        .call_multipart(
            "reports/create",
            &[
                ("organisation_id", &org),
                ("category", "nonsense"),
                ("title", "Hàng"),
                ("description", ""),
            ],
            Some(("photo", "virus.jpg", b"<script>alert(1)</script>".to_vec())),
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        short.invalid_fields(),
        ["title", "description", "category", "photo"]
    );

    let mut huge = jpeg_with_gps();
    huge.resize(5_200_000, 0);
    let too_big = citizen
        .call_multipart(
            "reports/create",
            &[
                ("organisation_id", &org),
                ("category", "health"),
                ("title", TITLE),
                ("description", DESCRIPTION),
            ],
            Some(("photo", "big.jpg", huge)),
        )
        .await;
    assert_eq!(too_big.invalid_fields(), ["photo"]);
    match too_big.error() {
        AppError::Invalid(e) => assert_eq!(e[0].key, "error.file_too_large"),
        other => panic!("{other:?}"),
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM reports").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM uploads").await, 0);
}

async fn others_say_it_affects_them_too_once_each(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, _) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let author = app.citizen("lan@example.vn").await;
    let id = file_report(&author, org, None).await.to_string();
    let neighbour = app.citizen("binh@example.vn").await;

    for _ in 0..2 {
        let count: i32 = neighbour
            .call("reports/support", &[("id", &id), ("support", "true")])
            .await
            .json();
        assert_eq!(count, 1, "a second click does not count twice");
    }
    let own = author
        .call("reports/support", &[("id", &id), ("support", "true")])
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    let count: i32 = neighbour
        .call("reports/support", &[("id", &id), ("support", "false")])
        .await
        .json();
    assert_eq!(count, 0);
    let anonymous = app
        .visitor()
        .call("reports/support", &[("id", &id), ("support", "true")])
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

async fn staff_of_the_ward_answer_in_public_and_the_author_is_told(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let (_, other_ward) = app.org_with_staff("Phường 3", "canbo@p3.vn").await;
    let author = app.citizen("lan@example.vn").await;
    let id = file_report(&author, org, None).await;
    let ids = id.to_string();

    for (who, status) in [
        (&other_ward, StatusCode::FORBIDDEN),
        (&author, StatusCode::FORBIDDEN),
        (&app.visitor(), StatusCode::UNAUTHORIZED),
    ] {
        let refused = who
            .call(
                "reports/triage",
                &[
                    ("id", &ids),
                    ("decision", "answer"),
                    ("text", "Chúng tôi sẽ mở thêm quầy."),
                ],
            )
            .await;
        assert_eq!(refused.status, status);
    }
    staff
        .call(
            "reports/triage",
            &[("id", &ids), ("decision", "acknowledge")],
        )
        .await
        .ok();
    assert_eq!(
        get(&author, id).await.summary.status,
        ReportStatus::Acknowledged
    );
    let too_short = staff
        .call(
            "reports/triage",
            &[("id", &ids), ("decision", "answer"), ("text", "Ừ")],
        )
        .await;
    assert_eq!(too_short.invalid_fields(), ["answer"]);
    staff
        .call(
            "reports/triage",
            &[
                ("id", &ids),
                ("decision", "answer"),
                (
                    "text",
                    "Từ thứ Hai tới phường mở thêm một quầy chứng thực buổi sáng.",
                ),
            ],
        )
        .await
        .ok();

    let report = get(&app.visitor(), id).await;
    assert_eq!(report.summary.status, ReportStatus::Answered);
    assert_eq!(report.summary.timeliness, Timeliness::AnsweredOnTime);
    assert_eq!(report.responder.as_deref(), Some("Người dân"));
    assert!(report.response.unwrap().contains("thêm một quầy"));
    let again = staff
        .call(
            "reports/triage",
            &[("id", &ids), ("decision", "acknowledge")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'report_responded'")
            .await,
        1
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'report.answered' AND is_public = true"
        )
        .await,
        1
    );
}

async fn a_duplicate_is_merged_and_its_people_count_on_the_original(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let (other_org, _) = app.org_with_staff("Phường 3", "canbo@p3.vn").await;
    let first = app.citizen("lan@example.vn").await;
    let original = file_report(&first, org, None).await;
    let second = app.citizen("binh@example.vn").await;
    let duplicate = file_report(&second, org, None).await;
    let elsewhere = file_report(&second, other_org, None).await;
    let third = app.citizen("chi@example.vn").await;
    third
        .call(
            "reports/support",
            &[("id", &duplicate.to_string()), ("support", "true")],
        )
        .await
        .ok();

    // A number follows the duplicate by text, and another follows both.
    for (report, phone) in [
        (duplicate, "+84912000031"),
        (duplicate, "+84912000032"),
        (original, "+84912000032"),
    ] {
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO report_sms_followers (report_id, phone, locale, created_at) \
                 VALUES ({report}, '{phone}', 'vi', CURRENT_TIMESTAMP)"
            ))
            .await
            .unwrap();
    }
    let across = staff
        .call(
            "reports/triage",
            &[
                ("id", &duplicate.to_string()),
                ("decision", "merge"),
                ("into_id", &elsewhere.to_string()),
            ],
        )
        .await;
    assert_eq!(across.invalid_fields(), ["into_id"]);
    staff
        .call(
            "reports/triage",
            &[
                ("id", &duplicate.to_string()),
                ("decision", "merge"),
                ("into_id", &original.to_string()),
            ],
        )
        .await
        .ok();
    let merged = get(&second, duplicate).await;
    assert_eq!(merged.summary.status, ReportStatus::Merged);
    assert_eq!(
        merged.merged_into.unwrap().href,
        format!("/reports/{original}")
    );
    assert_eq!(
        get(&first, original).await.summary.supporters,
        2,
        "the duplicate's author and supporter"
    );
    // The numbers that followed the duplicate were told it was merged, and follow the original
    // now (the one that followed both, once).
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM sms_outbox WHERE to_phone IN ('+84912000031', '+84912000032')"
        )
        .await,
        2
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM report_sms_followers WHERE report_id = {original}"
        ))
        .await,
        2
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM report_sms_followers WHERE report_id = {duplicate}"
        ))
        .await,
        0
    );
}

async fn the_public_list_filters_and_sorts(backend: Backend) {
    let app = spawn_app(backend).await;
    let (ward1, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let (ward3, _) = app.org_with_staff("Phường 3", "canbo@p3.vn").await;
    let citizen = app.citizen("lan@example.vn").await;
    let a = file_report(&citizen, ward1, None).await;
    let b = file_report(&citizen, ward3, None).await;
    let fan = app.citizen("binh@example.vn").await;
    fan.call(
        "reports/support",
        &[("id", &a.to_string()), ("support", "true")],
    )
    .await
    .ok();
    staff
        .call(
            "reports/triage",
            &[
                ("id", &a.to_string()),
                ("decision", "out_of_scope"),
                ("text", "Việc này do Điện lực phụ trách."),
            ],
        )
        .await
        .ok();

    let list = |form: Vec<(&'static str, String)>| {
        let v = app.visitor();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let page: ReportPage = v.call("reports/list", &form).await.json();
            page.items.into_iter().map(|r| r.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(list(vec![]).await, [b, a], "newest first");
    assert_eq!(list(vec![("sort", "supported".into())]).await, [a, b]);
    assert_eq!(
        list(vec![("organisation_id", ward3.to_string())]).await,
        [b]
    );
    assert_eq!(list(vec![("status", "out_of_scope".into())]).await, [a]);
    assert_eq!(
        list(vec![("category", "health".into())]).await,
        Vec::<i64>::new()
    );
}

/// Every report has a receipt code, shown to its author only; whoever holds it,
/// written any way, reaches the report without an account; a code no report has reads as one
/// that is not a code, and one address tries only so many; reports filed before codes existed
/// are given theirs at start-up.
async fn a_receipt_code_leads_anyone_who_holds_it_to_the_report(backend: Backend) {
    let app = common::spawn_app_with(
        backend,
        common::Options {
            trust_proxy: true,
            ..Default::default()
        },
    )
    .await;
    let author = app.citizen("ba.tu@example.vn").await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let filed = author
        .file_report(org, "hang-cho.png", common::tiny_png())
        .await;
    let id = filed.location().trim_start_matches("/reports/").to_owned();
    let mine: ReportDetail = author.call("reports/get", &[("id", &id)]).await.json();
    let code = mine
        .receipt_code
        .clone()
        .expect("the author sees the receipt");
    assert_eq!(app::report::receipt::read(&code).as_ref(), Some(&code));
    let (url, qr) = mine.receipt_link.clone().unwrap();
    assert!(url.ends_with(&format!("/receipt?code={code}")), "{url}");
    assert!(qr.starts_with("<?xml") || qr.contains("<svg"), "{qr}");
    // Nobody else: not the office that answers (whoever holds the receipt says whether the
    // answer solved it), not another citizen, not a visitor, not the page they read.
    let other = app.citizen("khac@example.vn").await;
    for v in [&staff, &other, &app.visitor()] {
        let seen: ReportDetail = v.call("reports/get", &[("id", &id)]).await.json();
        assert_eq!((seen.receipt_code, seen.receipt_link), (None, None));
        let (_, page) = v.page(&format!("/reports/{id}")).await;
        assert!(!page.contains(&code), "the public page shows no code");
    }
    let (_, page) = author.page(&format!("/reports/{id}")).await;
    assert!(page.contains(&code) && page.contains("<svg"), "{page}");

    // Anyone holding it, however written, reaches the report.
    let bare = code.replace('-', "").to_lowercase();
    let spaced = code.replace('-', " ");
    for typed in [code.as_str(), bare.as_str(), spaced.as_str()] {
        let found = app
            .visitor_from("198.51.100.20")
            .call("reports/receipt", &[("code", typed)])
            .await;
        assert_eq!(found.json::<i64>().to_string(), id, "{typed}");
    }
    // A browser (a phone that read the QR code) is sent on to the report.
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/receipt?code={bare}", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(page.status().is_redirection(), "{}", page.status());
    // With the code, which tells the page who holds the receipt.
    assert_eq!(
        page.headers()["location"].to_str().unwrap(),
        format!("/reports/{id}?receipt={bare}")
    );
    // A code no report has, and one that cannot be a code, read the same.
    let guesser = app.visitor_from("198.51.100.7");
    let wrong = if code.ends_with('2') {
        "PA-2222-23"
    } else {
        "PA-2222-22"
    };
    for typed in [wrong, "PA-0000-00", "hello"] {
        let answer = guesser.call("reports/receipt", &[("code", typed)]).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert_eq!(
            answer.error().field_message("code", app::i18n::Locale::Vi),
            Some("Không có phản ánh nào mang mã này. Hãy xem lại mã trên phiếu.".into())
        );
    }
    let (status, page) = guesser.page(&format!("/receipt?code={wrong}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Không có phản ánh nào mang mã này"), "{page}");
    // Thirty wrong codes an hour from one address; then even the right one waits.
    for _ in 0..27 {
        guesser.call("reports/receipt", &[("code", wrong)]).await;
    }
    let refused = guesser.call("reports/receipt", &[("code", &code)]).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.body
    );
    let found = app
        .visitor_from("198.51.100.8")
        .call("reports/receipt", &[("code", &code)])
        .await;
    assert_eq!(
        found.json::<i64>().to_string(),
        id,
        "another address is not held back"
    );

    // A report filed before codes existed gets one at start-up.
    app.db
        .execute_unprepared(&format!(
            "UPDATE reports SET receipt_code = NULL WHERE id = {id}"
        ))
        .await
        .unwrap();
    assert_eq!(
        app::report::service::give_receipts(&app.db).await.unwrap(),
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM reports WHERE id = {id} AND receipt_code LIKE 'PA-%'"
        ))
        .await,
        1
    );
    assert_eq!(
        app::report::service::give_receipts(&app.db).await.unwrap(),
        0
    );
}

/// The person who filed a report says whether the answer solved it: an answer that did not
/// reopens the report once, in public, with the reason and a new deadline; the next answer is
/// rated again and reopens nothing; each answer is rated once, by its author only.
async fn the_person_who_filed_says_whether_the_answer_solved_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let author = app.citizen("ba.tu@example.vn").await;
    let id = file_report(&author, org, None).await;
    let ids = id.to_string();
    let rate = |v: &Visitor, satisfied: &str, reason: &str| {
        let (v, ids) = (v.clone(), ids.clone());
        let (satisfied, reason) = (satisfied.to_owned(), reason.to_owned());
        async move {
            v.call(
                "reports/rate",
                &[
                    ("report_id", ids.as_str()),
                    ("satisfied", &satisfied),
                    ("reason", &reason),
                ],
            )
            .await
        }
    };
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
    // Nothing to rate before an answer.
    let early = rate(&author, "true", "").await;
    assert!(
        matches!(early.error(), AppError::Conflict { key, .. } if key == "error.report_not_answered")
    );
    answer("Từ tháng sau phường mở thêm một quầy chứng thực.").await;
    let before = get(&author, id).await;
    assert!(before.can_rate && before.satisfied.is_none());
    // Only its author: not a visitor, not another citizen, not the staff who answered.
    let other = app.citizen("khac@example.vn").await;
    assert_eq!(
        rate(&app.visitor(), "true", "").await.status,
        StatusCode::UNAUTHORIZED
    );
    for v in [&other, &staff] {
        assert_eq!(rate(v, "true", "").await.status, StatusCode::FORBIDDEN);
        assert!(!get(v, id).await.can_rate);
    }
    // Filed long ago: its new deadline, if it reopens, is counted from today.
    app.db
        .execute_raw(app::sql::numbered(
            app.db.get_database_backend(),
            "UPDATE reports SET response_due_at = ?1 WHERE id = ?2",
            [
                (chrono::Utc::now() - chrono::Duration::days(20)).into(),
                id.into(),
            ],
        ))
        .await
        .unwrap();
    let before = get(&author, id).await;
    // Not solved needs a reason, and nothing changes without one.
    let bare = rate(&author, "false", "  ").await;
    assert_eq!(bare.invalid_fields(), ["reason"]);
    assert_eq!(
        get(&author, id).await.summary.status,
        ReportStatus::Answered
    );
    rate(
        &author,
        "false",
        "Quầy mới vẫn chưa mở, sáng nay tôi lại chờ hai tiếng.",
    )
    .await
    .ok();
    // Reopened in public, with the reason and a new deadline; there is nothing to rate now.
    let reopened = get(&app.visitor(), id).await;
    assert_eq!(reopened.summary.status, ReportStatus::Acknowledged);
    assert_eq!(
        reopened.satisfied, None,
        "said of an answer it no longer has"
    );
    let (_, why) = reopened.reopened.clone().expect("reopened in public");
    assert!(why.contains("chờ hai tiếng"), "{why}");
    assert!(reopened.responded_at.is_none());
    assert!(reopened.summary.response_due_at > before.summary.response_due_at);
    assert_eq!(reopened.summary.timeliness, Timeliness::Waiting);
    assert!(!get(&author, id).await.can_rate);
    // Answered again: rated again, and a second "not solved" reopens nothing.
    answer("Quầy thứ hai đã mở từ thứ Hai, làm việc cả sáng thứ Bảy.").await;
    let answered_again = get(&author, id).await;
    assert!(answered_again.can_rate);
    assert_eq!(
        answered_again.satisfied, None,
        "the new answer waits for its word"
    );
    rate(
        &author,
        "false",
        "Vẫn phải chờ hơn một tiếng vào sáng thứ Hai.",
    )
    .await
    .ok();
    let after = get(&app.visitor(), id).await;
    assert_eq!(after.summary.status, ReportStatus::Answered);
    assert_eq!(after.satisfied, Some(false));
    assert!(
        after
            .reopened
            .is_some_and(|(_, why)| why.contains("chờ hai tiếng"))
    );
    let again = rate(&author, "true", "").await;
    assert!(
        matches!(again.error(), AppError::Conflict { key, .. } if key == "error.report_already_rated")
    );
    let (_, page) = app.visitor().page(&format!("/reports/{id}")).await;
    assert!(page.contains("chưa giải quyết được việc") && page.contains("chờ hai tiếng"));

    // Two words on one answer sent at once: one counts.
    let second = file_report(&author, org, None).await;
    let seconds = second.to_string();
    staff
        .call(
            "reports/triage",
            &[
                ("id", seconds.as_str()),
                ("decision", "answer"),
                ("text", "Đã sửa xong đèn đường."),
            ],
        )
        .await
        .ok();
    let at_once = futures_util::future::join_all((0..6).map(|i| {
        let v = author.clone();
        let seconds = seconds.clone();
        async move {
            v.call(
                "reports/rate",
                &[
                    ("report_id", seconds.as_str()),
                    ("satisfied", if i % 2 == 0 { "true" } else { "false" }),
                    ("reason", "Đèn vẫn tắt sau mười giờ đêm."),
                ],
            )
            .await
            .status
        }
    }))
    .await;
    assert_eq!(
        at_once.iter().filter(|s| s.is_success()).count(),
        1,
        "{at_once:?}"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE target_id = {second} \
             AND action IN ('report.rate', 'report.reopen')"
        ))
        .await,
        1
    );
}

/// A missed deadline is answered in public: staff apologise with a reason and appoint a new
/// working day; the report shows both dates and still counts as late; its author and the
/// numbers that follow it are told; each re-appointment is counted, one per missed date.
async fn a_missed_deadline_is_answered_in_public_with_a_new_date(backend: Backend) {
    use chrono::{Duration, Utc};
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let author = app.citizen_named("ba.tu@example.vn", "Bà Tư").await;
    let id = file_report(&author, org, None).await;
    let ids = id.to_string();
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO report_sms_followers (report_id, phone, locale, created_at) \
             VALUES ({id}, '+84912345678', 'vi', CURRENT_TIMESTAMP)"
        ))
        .await
        .unwrap();
    let calendar = app::calendar::service::load(&app.db).await.unwrap();
    let today = Utc::now()
        .with_timezone(&app::i18n::format::city_offset())
        .date_naive();
    let next = calendar.add_working_days(today, 2);
    let sunday = (1..8)
        .map(|d| today + Duration::days(d))
        .find(|d| chrono::Datelike::weekday(d) == chrono::Weekday::Sun)
        .unwrap();
    let apologise = |v: &Visitor, reason: &str, date: &str| {
        let (v, ids, reason, date) = (v.clone(), ids.clone(), reason.to_owned(), date.to_owned());
        async move {
            v.call(
                "reports/apologise",
                &[
                    ("id", ids.as_str()),
                    ("reason", &reason),
                    ("new_date", &date),
                ],
            )
            .await
        }
    };
    const WHY: &str = "Hồ sơ cần ý kiến của Sở Tài nguyên và Môi trường, Sở chưa trả lời.";
    let date = next.format("%Y-%m-%d").to_string();
    // Not late yet: nothing to apologise for.
    let early = apologise(&staff, WHY, &date).await;
    assert!(
        matches!(early.error(), AppError::Conflict { key, .. } if key == "error.apology_not_late")
    );
    let late_by = |days: i64| {
        let app = &app;
        async move {
            app.db
                .execute_raw(app::sql::numbered(
                    app.db.get_database_backend(),
                    "UPDATE reports SET response_due_at = ?1 WHERE id = ?2",
                    [(Utc::now() - Duration::days(days)).into(), id.into()],
                ))
                .await
                .unwrap();
        }
    };
    late_by(3).await;
    // Only the organisation's staff.
    assert_eq!(
        apologise(&app.visitor(), WHY, &date).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        apologise(&author, WHY, &date).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(!get(&author, id).await.can_apologise);
    assert!(get(&staff, id).await.can_apologise);
    // Every mistake at once, nothing saved: a reason, a date after today, a working day.
    let bad = apologise(&staff, "Bận", &today.format("%Y-%m-%d").to_string()).await;
    let mut fields = bad.invalid_fields();
    fields.sort();
    assert_eq!(fields, ["new_date", "reason"]);
    let day_off = apologise(&staff, WHY, &sunday.format("%Y-%m-%d").to_string()).await;
    assert_eq!(
        day_off
            .error()
            .field_message("new_date", app::i18n::Locale::Vi),
        Some("Ngày này là ngày nghỉ. Hãy chọn một ngày làm việc.".into())
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM report_apologies").await, 0);

    apologise(&staff, WHY, &date).await.ok();
    let public = get(&app.visitor(), id).await;
    assert_eq!(public.apologies.len(), 1);
    let a = &public.apologies[0];
    assert_eq!(a.reason, WHY);
    assert_eq!(a.by.as_deref(), Some("Người dân"));
    assert!(a.missed_due_at < Utc::now() && a.new_due_at > Utc::now());
    assert_eq!(
        a.new_due_at
            .with_timezone(&app::i18n::format::city_offset())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        format!("{date} 23:59")
    );
    assert_eq!(public.summary.appointed_due_at, Some(a.new_due_at));
    assert_eq!(
        public.summary.timeliness,
        Timeliness::Overdue,
        "still late against its first deadline"
    );
    assert!(
        !get(&staff, id).await.can_apologise,
        "the new date is ahead"
    );
    let (_, page) = app.visitor().page(&format!("/reports/{id}")).await;
    assert!(
        page.contains("Phiếu xin lỗi và hẹn lại") && page.contains("Sở chưa trả lời"),
        "{page}"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'report.reappoint' AND target_id = {id} AND is_public = TRUE"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sms_outbox WHERE to_phone = '+84912345678' AND body LIKE '%xin lỗi%'")
            .await,
        1,
        "the number that follows it is told"
    );
    let author_id = app
        .scalar("SELECT id FROM users WHERE email = 'ba.tu@example.vn'")
        .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM notifications WHERE user_id = {author_id} AND params LIKE '%reappointed%'"
        ))
        .await,
        1
    );
    // One apology per missed date: the same again is refused.
    let again = apologise(&staff, WHY, &date).await;
    assert!(
        matches!(again.error(), AppError::Conflict { key, .. } if key == "error.apology_not_late")
    );
    // The new date missed too: a second apology, counted.
    app.db
        .execute_raw(app::sql::numbered(
            app.db.get_database_backend(),
            "UPDATE reports SET appointed_due_at = ?1 WHERE id = ?2",
            [(Utc::now() - Duration::hours(1)).into(), id.into()],
        ))
        .await
        .unwrap();
    apologise(
        &staff,
        "Sở đã trả lời, phường cần thêm hai ngày để thẩm định lại.",
        &date,
    )
    .await
    .ok();
    assert_eq!(get(&app.visitor(), id).await.apologies.len(), 2);
    let (_, page) = app.visitor().page(&format!("/reports/{id}")).await;
    assert!(page.contains("đã hẹn lại 2 lần"), "{page}");
    let open: serde_json::Value = serde_json::from_str(
        &app.visitor()
            .get("/api/v1/reports")
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(open["items"][0]["appointed_due_at"].is_string(), "{open}");
    // Answered: nothing more to appoint.
    staff
        .call(
            "reports/triage",
            &[
                ("id", ids.as_str()),
                ("decision", "answer"),
                ("text", "Đã cấp giấy, mời bà đến nhận."),
            ],
        )
        .await
        .ok();
    app.db
        .execute_unprepared(&format!(
            "UPDATE reports SET appointed_due_at = NULL, response_due_at = response_due_at WHERE id = {id}"
        ))
        .await
        .unwrap();
    let closed = apologise(&staff, WHY, &date).await;
    assert!(
        matches!(closed.error(), AppError::Conflict { key, .. } if key == "error.report_closed")
    );
    let answered = get(&app.visitor(), id).await;
    assert_eq!(answered.summary.timeliness, Timeliness::AnsweredLate);
    // The official leaves the platform: the apologies stay signed, by no account.
    staff
        .call(
            "account/delete",
            &[("password", common::PASSWORD), ("confirm", "yes")],
        )
        .await
        .ok();
    let kept = get(&app.visitor(), id).await;
    assert!(
        kept.apologies
            .iter()
            .all(|a| a.by.as_deref() == Some("Người dân"))
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM report_apologies WHERE staff_id IS NULL")
            .await,
        2
    );
}

on_both_databases!(
    a_missed_deadline_is_answered_in_public_with_a_new_date,
    the_person_who_filed_says_whether_the_answer_solved_it,
    a_receipt_code_leads_anyone_who_holds_it_to_the_report,
    a_citizen_reports_a_problem_and_the_photo_loses_its_location,
    bad_reports_are_refused_field_by_field_and_nothing_is_saved,
    others_say_it_affects_them_too_once_each,
    staff_of_the_ward_answer_in_public_and_the_author_is_told,
    a_duplicate_is_merged_and_its_people_count_on_the_original,
    the_public_list_filters_and_sorts,
);
