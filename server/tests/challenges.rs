//! Challenges through the real HTTP stack: drafts, publishing, the public list and search,
//! deadlines moved on the record, cancelling, following, questions, files, and who may do what.

use crate::common;

use crate::common::{Backend, Visitor, spawn_app};
use app::challenge::model::{
    ChallengeDetail, ChallengeEditor, ChallengePage, HomeData, StaffOrganisation,
};
use app::challenge::rules::Phase;
use app::error::AppError;
use app::i18n::format::city_offset;
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;

const TITLE: &str = "Giảm thời gian chờ làm thủ tục ở bộ phận một cửa";
const BRIEF: &str =
    "## Bối cảnh\n\nMỗi sáng hơn **200 người** đến bộ phận một cửa.\n\n<script>alert('x')</script>";

fn city(at: DateTime<Utc>) -> String {
    at.with_timezone(&city_offset())
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// The create/edit form, with dates as offsets from now.
fn form(title: &str, opens: Duration, close: Duration, vote: bool) -> Vec<(String, String)> {
    let now = Utc::now();
    let mut f: Vec<(String, String)> = [
        ("form[title]", title.to_owned()),
        (
            "form[summary]",
            "Người dân đang chờ trung bình hai giờ để nộp hồ sơ.".to_owned(),
        ),
        ("form[brief]", BRIEF.to_owned()),
        ("form[eligibility]", "Doanh nghiệp và sinh viên".to_owned()),
        ("form[team_min]", "1".to_owned()),
        ("form[team_max]", "5".to_owned()),
        ("form[category]", "admin_procedures".to_owned()),
        ("form[prize_label][0]", "Giải nhất".to_owned()),
        ("form[prize_amount][0]", "50.000.000".to_owned()),
        ("form[prize_label][1]", "".to_owned()),
        ("form[prize_amount][1]", "".to_owned()),
        ("form[pilot_budget]", "200.000.000".to_owned()),
        ("form[opens_at]", city(now + opens)),
        ("form[entries_close_at]", city(now + close)),
        (
            "form[judging_closes_at]",
            city(now + close + Duration::days(10)),
        ),
        ("form[results_at]", city(now + close + Duration::days(20))),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    if vote {
        f.push(("form[vote_enabled]".into(), "on".into()));
        f.push((
            "form[vote_opens_at]".into(),
            city(now + close + Duration::days(1)),
        ));
        f.push((
            "form[vote_closes_at]".into(),
            city(now + close + Duration::days(8)),
        ));
    } else {
        f.push(("form[vote_opens_at]".into(), String::new()));
        f.push(("form[vote_closes_at]".into(), String::new()));
    }
    f
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Creates a draft as `staff`; returns its id.
async fn draft(staff: &Visitor, org: i64, form: Vec<(String, String)>) -> i64 {
    let mut fields = vec![("organisation_id".to_owned(), org.to_string())];
    fields.extend(form);
    let location = staff
        .call("challenges/create", &pairs(&fields))
        .await
        .location();
    location
        .trim_start_matches("/staff/challenges/")
        .parse()
        .unwrap_or_else(|_| panic!("redirect to the editor: {location}"))
}

async fn editor(v: &Visitor, id: i64) -> ChallengeEditor {
    v.call("challenges/editor", &[("id", &id.to_string())])
        .await
        .json()
}

async fn public(v: &Visitor, slug: &str) -> ChallengeDetail {
    v.call("challenges/get", &[("slug", slug)]).await.json()
}

async fn published(staff: &Visitor, org: i64, opens: Duration, close: Duration) -> ChallengeEditor {
    let id = draft(staff, org, form(TITLE, opens, close, false)).await;
    staff
        .call("challenges/publish", &[("id", &id.to_string())])
        .await
        .ok();
    editor(staff, id).await
}

async fn staff_draft_publish_and_the_public_finds_it_without_diacritics(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let id = draft(
        &staff,
        org,
        form(TITLE, Duration::days(1), Duration::days(30), true),
    )
    .await;

    let e = editor(&staff, id).await;
    assert_eq!(e.phase, Phase::Draft);
    let visitor = app.visitor();
    let hidden = visitor.call("challenges/get", &[("slug", &e.slug)]).await;
    assert_eq!(
        hidden.status,
        StatusCode::NOT_FOUND,
        "drafts are not public"
    );
    let list: ChallengePage = visitor.call("challenges/list", &[]).await.json();
    assert_eq!(list.total, 0);

    staff
        .call("challenges/publish", &[("id", &id.to_string())])
        .await
        .ok();
    let again = staff
        .call("challenges/publish", &[("id", &id.to_string())])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    let c = public(&visitor, &e.slug).await;
    assert_eq!(c.card.phase, Phase::Upcoming);
    assert_eq!(c.prizes[0].amount_vnd, 50_000_000);
    assert!(c.brief_html.contains("<strong>200 người</strong>"));
    assert!(
        !c.brief_html.contains("<script"),
        "Markdown cannot inject script"
    );
    assert_eq!(c.history.len(), 1);
    assert_eq!(c.history[0].action, "challenge.publish");
    assert_eq!(c.history[0].actor_title.as_deref(), Some("Phó Chủ tịch"));

    for q in ["thu tuc mot cua", "THỦ TỤC", "phuong 1"] {
        let found: ChallengePage = visitor.call("challenges/list", &[("q", q)]).await.json();
        assert_eq!(found.total, 1, "{q}");
    }
    let none: ChallengePage = visitor
        .call("challenges/list", &[("q", "dat dai")])
        .await
        .json();
    assert_eq!(none.total, 0);
    let upcoming: ChallengePage = visitor
        .call("challenges/list", &[("phase", "upcoming")])
        .await
        .json();
    assert_eq!(upcoming.total, 1);
    let open: ChallengePage = visitor
        .call("challenges/list", &[("phase", "open")])
        .await
        .json();
    assert_eq!(open.total, 0);
    let home: HomeData = visitor.call("challenges/home", &[]).await.json();
    assert_eq!(home.upcoming.len(), 1);
    let (status, html) = visitor.page(&format!("/challenges/{}", e.slug)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(TITLE) && html.contains("50.000.000 ₫"));
}

async fn dates_out_of_order_and_bad_fields_are_refused_one_by_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let mut f = form("Ngắn", Duration::days(10), Duration::days(5), false);
    for (k, v) in f.iter_mut() {
        if k == "form[prize_amount][0]" {
            *v = "năm mươi triệu".into();
        }
    }
    let mut fields = vec![("organisation_id".to_owned(), org.to_string())];
    fields.extend(f);
    let refused = staff.call("challenges/create", &pairs(&fields)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.invalid_fields(),
        ["title", "prize_0", "entries_close_at"]
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM challenges").await, 0);
}

async fn staff_of_one_ward_cannot_touch_another_wards_challenge(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let (_, other) = app.org_with_staff("Phường 3", "canbo@p3.vn").await;
    let id = draft(
        &staff,
        org,
        form(TITLE, Duration::days(1), Duration::days(30), false),
    )
    .await;
    let ids = id.to_string();
    let citizen = app.citizen("lan@example.vn").await;

    let mut create = vec![("organisation_id".to_owned(), org.to_string())];
    create.extend(form(TITLE, Duration::days(1), Duration::days(30), false));
    let mut update = vec![("id".to_owned(), ids.clone())];
    update.extend(form(
        "Tiêu đề bị sửa trộm cho thử thách",
        Duration::days(1),
        Duration::days(30),
        false,
    ));
    for who in [&other, &citizen] {
        for (endpoint, fields) in [
            ("challenges/create", create.clone()),
            ("challenges/update", update.clone()),
            ("challenges/editor", vec![("id".to_owned(), ids.clone())]),
            ("challenges/publish", vec![("id".to_owned(), ids.clone())]),
            (
                "challenges/cancel",
                vec![
                    ("id".to_owned(), ids.clone()),
                    (
                        "reason".to_owned(),
                        "Không còn kinh phí năm nay.".to_owned(),
                    ),
                ],
            ),
            (
                "challenges/files/remove",
                vec![
                    ("id".to_owned(), ids.clone()),
                    ("upload_id".to_owned(), "1".to_owned()),
                ],
            ),
        ] {
            let answer = who.call(endpoint, &pairs(&fields)).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{endpoint}");
            assert_eq!(answer.error(), AppError::Forbidden);
        }
    }
    let desk: Vec<StaffOrganisation> = other.call("staff/dashboard", &[]).await.json();
    assert!(
        desk.iter().all(|o| o.organisation.id != org),
        "only their own ward's desk"
    );
    let upload = other
        .call_multipart(
            "challenges/files/add",
            &[("challenge_id", &ids), ("purpose", "attachment")],
            Some(("file", "a.pdf", b"%PDF-1.7 x".to_vec())),
        )
        .await;
    assert_eq!(upload.status, StatusCode::FORBIDDEN);
    let e = editor(&staff, id).await;
    assert_eq!(e.phase, Phase::Draft);
    assert_eq!(e.form.title, TITLE, "nothing changed");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM uploads").await, 0);
}

async fn a_moved_deadline_is_on_the_public_record_and_followers_are_told(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let e = published(&staff, org, -Duration::days(2), Duration::days(10)).await;
    let ids = e.id.to_string();
    let follower = app.citizen("lan@example.vn").await;
    follower
        .call("challenges/follow", &[("id", &ids), ("follow", "true")])
        .await
        .ok();

    let new_close = city(Utc::now() + Duration::days(14));
    let no_reason = staff
        .call(
            "challenges/move-deadline",
            &[
                ("id", &ids),
                ("milestone", "entries_close_at"),
                ("new_at", &new_close),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(no_reason.invalid_fields(), ["reason"]);
    let passed = staff
        .call(
            "challenges/move-deadline",
            &[
                ("id", &ids),
                ("milestone", "opens_at"),
                ("new_at", &new_close),
                ("reason", "Lùi ngày mở vì lý do kỹ thuật."),
            ],
        )
        .await;
    assert_eq!(passed.invalid_fields(), ["milestone"]);
    let beyond = staff
        .call(
            "challenges/move-deadline",
            &[
                ("id", &ids),
                ("milestone", "entries_close_at"),
                ("new_at", &city(Utc::now() + Duration::days(60))),
                ("reason", "Các đội cần thêm thời gian khảo sát."),
            ],
        )
        .await;
    assert_eq!(
        beyond.invalid_fields(),
        ["new_at"],
        "it would pass the end of judging"
    );
    staff
        .call(
            "challenges/move-deadline",
            &[
                ("id", &ids),
                ("milestone", "entries_close_at"),
                ("new_at", &new_close),
                ("reason", "Các đội cần thêm thời gian khảo sát."),
            ],
        )
        .await
        .ok();

    let c = public(&app.visitor(), &e.slug).await;
    let moved = c
        .history
        .iter()
        .find(|h| h.action == "challenge.deadline_move")
        .expect("on the record");
    assert_eq!(
        moved.reason.as_deref(),
        Some("Các đội cần thêm thời gian khảo sát.")
    );
    assert!(
        moved
            .details
            .iter()
            .any(|(k, v)| k == "milestone" && v == "entries_close_at")
    );
    assert_eq!(
        c.timetable.entries_close_at.timestamp(),
        app::i18n::format::parse_city_datetime(&new_close)
            .unwrap()
            .timestamp()
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'challenge_deadline_moved'")
            .await,
        1
    );

    let update = {
        let mut f = vec![("id".to_owned(), ids.clone())];
        f.extend(form(TITLE, Duration::days(3), Duration::days(40), false));
        f
    };
    let dates_in_form = staff.call("challenges/update", &pairs(&update)).await;
    assert_eq!(
        dates_in_form.status,
        StatusCode::CONFLICT,
        "published dates move one at a time"
    );
}

async fn followers_hear_when_a_phase_opens(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let e = published(&staff, org, Duration::hours(1), Duration::days(10)).await;
    assert_eq!(e.phase, Phase::Upcoming);
    let follower = app.citizen("lan@example.vn").await;
    follower
        .call(
            "challenges/follow",
            &[("id", &e.id.to_string()), ("follow", "true")],
        )
        .await
        .ok();
    // It opens once the follower follows, however long that took.
    app.challenge_opens(&e.id.to_string(), Utc::now() - Duration::seconds(1))
        .await;
    app.wait_until(
        "SELECT COUNT(*) FROM notifications WHERE kind = 'challenge_phase_changed'",
        "the follower is told that entries opened",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'challenge_phase_changed'")
            .await,
        1,
        "told once"
    );
    let c = public(&follower, &e.slug).await;
    assert_eq!(c.card.phase, Phase::Open);
    assert!(c.following);
    assert_eq!(c.followers, 1);
}

async fn questions_are_answered_in_public_until_entries_close(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let e = published(&staff, org, -Duration::days(1), Duration::hours(1)).await;
    let ids = e.id.to_string();
    let team = app.citizen("doi@example.vn").await;
    team.call(
        "challenges/ask",
        &[
            ("id", &ids),
            ("question", "Có được quan sát quầy một cửa trước không?"),
        ],
    )
    .await
    .ok();
    assert!(
        public(&app.visitor(), &e.slug).await.questions.is_empty(),
        "unanswered questions wait"
    );
    let asked = editor(&staff, e.id).await.questions;
    assert_eq!(asked.len(), 1);
    staff
        .call(
            "challenges/answer",
            &[
                ("question_id", &asked[0].id.to_string()),
                ("answer", "Có, mỗi đội một buổi sáng thứ Hai."),
            ],
        )
        .await
        .ok();
    let c = public(&app.visitor(), &e.slug).await;
    assert_eq!(
        c.questions[0].answer.as_deref(),
        Some("Có, mỗi đội một buổi sáng thứ Hai.")
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'question_answered'")
            .await,
        1
    );

    app.entries_close(&ids, Utc::now() - Duration::seconds(1))
        .await;
    let late = team
        .call(
            "challenges/ask",
            &[("id", &ids), ("question", "Còn hỏi được nữa không ạ?")],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(
        matches!(late.error(), AppError::Conflict { key, params } if key == "error.questions_closed" && !params.is_empty())
    );
}

async fn a_cancelled_challenge_says_why_and_stays_cancelled(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let e = published(&staff, org, Duration::days(1), Duration::days(10)).await;
    let ids = e.id.to_string();
    let follower = app.citizen("lan@example.vn").await;
    follower
        .call("challenges/follow", &[("id", &ids), ("follow", "true")])
        .await
        .ok();
    staff
        .call(
            "challenges/cancel",
            &[
                ("id", &ids),
                ("reason", "Ngân sách năm nay đã được điều chỉnh."),
            ],
        )
        .await
        .ok();
    let again = staff
        .call(
            "challenges/cancel",
            &[
                ("id", &ids),
                ("reason", "Ngân sách năm nay đã được điều chỉnh."),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let c = public(&app.visitor(), &e.slug).await;
    assert_eq!(c.card.phase, Phase::Cancelled);
    assert_eq!(
        c.history.last().unwrap().reason.as_deref(),
        Some("Ngân sách năm nay đã được điều chỉnh.")
    );
    let cancelled: ChallengePage = app
        .visitor()
        .call("challenges/list", &[("phase", "cancelled")])
        .await
        .json();
    assert_eq!(cancelled.total, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'challenge_cancelled'")
            .await,
        1
    );
}

async fn a_report_becomes_a_challenge_and_its_author_is_told_when_it_is_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let author = app.citizen("lan@example.vn").await;
    let report = author
        .call_multipart(
            "reports/create",
            &[
                ("organisation_id", &org.to_string()),
                ("category", "admin_procedures"),
                ("title", "Phải xếp hàng hai tiếng ở bộ phận một cửa"),
                (
                    "description",
                    "Sáng nào cũng phải đến từ 6 giờ để lấy số, gần trưa mới tới lượt.",
                ),
            ],
            None,
        )
        .await
        .location();
    let report_id = report.trim_start_matches("/reports/").to_owned();
    let mut fields = vec![
        ("organisation_id".to_owned(), org.to_string()),
        ("report_ids[]".to_owned(), report_id.clone()),
    ];
    fields.extend(form(TITLE, Duration::days(1), Duration::days(30), false));
    let id: i64 = staff
        .call("challenges/create", &pairs(&fields))
        .await
        .location()
        .trim_start_matches("/staff/challenges/")
        .parse()
        .unwrap();
    let linked: app::report::model::ReportDetail = author
        .call("reports/get", &[("id", &report_id)])
        .await
        .json();
    assert_eq!(
        linked.summary.status,
        app::report::model::ReportStatus::BecameChallenge
    );
    assert!(linked.challenges.is_empty(), "a draft is not shown yet");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'report_became_challenge'")
            .await,
        0
    );

    staff
        .call("challenges/publish", &[("id", &id.to_string())])
        .await
        .ok();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'report_became_challenge'")
            .await,
        1
    );
    let linked: app::report::model::ReportDetail = author
        .call("reports/get", &[("id", &report_id)])
        .await
        .json();
    assert_eq!(linked.challenges.len(), 1);
    let c = public(
        &author,
        linked.challenges[0].href.trim_start_matches("/challenges/"),
    )
    .await;
    assert_eq!(c.reports.len(), 1, "the challenge links back to its report");
}

async fn covers_and_attachments_are_checked_and_listed(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let id = draft(
        &staff,
        org,
        form(TITLE, Duration::days(1), Duration::days(30), false),
    )
    .await
    .to_string();
    let pdf = common::tiny_pdf();
    let png = common::tiny_png();
    let pdf_cover = staff
        .call_multipart(
            "challenges/files/add",
            &[("challenge_id", &id), ("purpose", "cover")],
            Some(("file", "de-bai.pdf", pdf.clone())),
        )
        .await;
    assert_eq!(pdf_cover.invalid_fields(), ["file"]);
    staff
        .call_multipart(
            "challenges/files/add",
            &[("challenge_id", &id), ("purpose", "cover")],
            Some(("file", "anh bia.png", png)),
        )
        .await
        .ok();
    staff
        .call_multipart(
            "challenges/files/add",
            &[("challenge_id", &id), ("purpose", "attachment")],
            Some(("file", "Đề bài chi tiết.pdf", pdf)),
        )
        .await
        .ok();
    let e = editor(&staff, id.parse().unwrap()).await;
    assert_eq!(e.cover.unwrap().name, "anh-bia.png");
    assert_eq!(e.attachments[0].name, "de-bai-chi-tiet.pdf");
    let hidden = app.visitor().get(&e.attachments[0].url()).await;
    assert_eq!(
        hidden.status(),
        StatusCode::NOT_FOUND,
        "a draft's files wait for it"
    );
    let download = staff.get(&e.attachments[0].url()).await;
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    staff
        .call(
            "challenges/files/remove",
            &[("id", &id), ("upload_id", &e.attachments[0].id.to_string())],
        )
        .await
        .ok();
    assert!(
        editor(&staff, id.parse().unwrap())
            .await
            .attachments
            .is_empty()
    );
}

async fn the_staff_desk_shows_what_needs_action(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let citizen = app.citizen("lan@example.vn").await;
    assert_eq!(
        citizen.call("staff/dashboard", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    draft(
        &staff,
        org,
        form(TITLE, Duration::days(1), Duration::days(30), false),
    )
    .await;
    staff
        .call(
            "organisations/settings",
            &[
                ("organisation_id", &org.to_string()),
                ("response_days", "0"),
            ],
        )
        .await
        .invalid_fields();
    staff
        .call(
            "organisations/settings",
            &[
                ("organisation_id", &org.to_string()),
                ("response_days", "3"),
            ],
        )
        .await
        .ok();
    citizen
        .call_multipart(
            "reports/create",
            &[
                ("organisation_id", &org.to_string()),
                ("category", "health"),
                ("title", "Trạm y tế đóng cửa giờ nghỉ trưa"),
                (
                    "description",
                    "Con tôi sốt lúc 12 giờ trưa nhưng trạm y tế phường đóng cửa đến 13 giờ 30.",
                ),
            ],
            None,
        )
        .await
        .ok();
    let desk: Vec<StaffOrganisation> = staff.call("staff/dashboard", &[]).await.json();
    assert_eq!(desk.len(), 1);
    assert_eq!(desk[0].response_days, 3);
    assert_eq!(desk[0].challenges.len(), 1);
    assert_eq!(desk[0].challenges[0].card.phase, Phase::Draft);
    assert_eq!(desk[0].reports.len(), 1);
    let r = &desk[0].reports[0];
    assert!(
        r.response_due_at < r.created_at + Duration::days(6),
        "three working days"
    );
    let (status, html) = staff.page("/staff").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Trạm y tế đóng cửa giờ nghỉ trưa"));
}

on_both_databases!(
    staff_draft_publish_and_the_public_finds_it_without_diacritics,
    dates_out_of_order_and_bad_fields_are_refused_one_by_one,
    staff_of_one_ward_cannot_touch_another_wards_challenge,
    a_moved_deadline_is_on_the_public_record_and_followers_are_told,
    followers_hear_when_a_phase_opens,
    questions_are_answered_in_public_until_entries_close,
    a_cancelled_challenge_says_why_and_stays_cancelled,
    a_report_becomes_a_challenge_and_its_author_is_told_when_it_is_out,
    covers_and_attachments_are_checked_and_listed,
    the_staff_desk_shows_what_needs_action,
);
