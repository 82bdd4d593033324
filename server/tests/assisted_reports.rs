//! Reports filed for someone else, over HTTP: a one-stop desk files for an elderly citizen who
//! has a phone and no account; the receipt goes to her phone; she follows the report by its
//! code, rates the answer by holding the code, and later takes the report into an account of
//! her own with that number proved. Helper groups: registered by an administrator, kept by
//! their coordinator, filing only through their members; every refusal in words, nothing saved.

use crate::common::{Backend, PASSWORD, TestApp, Visitor, spawn_app};
use app::error::AppError;
use app::report::model::ReportDetail;
use reqwest::StatusCode;

const NUMBER: &str = "+84912345678";
const SHOWN: &str = "0912 345 678";
const TITLE: &str = "Đèn đường trước chợ tắt đã hai tuần";
const DESCRIPTION: &str =
    "Tối đi chợ về không thấy đường, tuần trước có người đi xe máy ngã ở ổ gà trước cổng chợ.";

fn conflict(answer: &crate::common::Answer) -> String {
    match answer.error() {
        AppError::Conflict { key, .. } => key,
        other => panic!("expected a refusal, got {other:?}: {}", answer.body),
    }
}

/// Files for someone at `desk` (`org:3`, `group:5`); `person` is (name, phone, consent, ticked).
async fn file_for(
    helper: &Visitor,
    desk: &str,
    org: i64,
    person: (&str, &str, &str, bool),
    title: &str,
) -> crate::common::Answer {
    let org = org.to_string();
    let (name, phone, consent, ticked) = person;
    let mut form = vec![
        ("desk", desk),
        ("filed_for_name", name),
        ("filed_for_phone", phone),
        ("consent", consent),
        ("organisation_id", org.as_str()),
        ("category", "transport"),
        ("title", title),
        ("description", DESCRIPTION),
    ];
    if ticked {
        form.push(("consented", "true"));
    }
    helper
        .call_multipart("reports/create_assisted", &form, None)
        .await
}

fn filed_id(answer: &crate::common::Answer) -> i64 {
    let location = answer.location();
    location
        .trim_start_matches("/reports/")
        .parse()
        .unwrap_or_else(|_| panic!("redirect to the report: {location} {}", answer.body))
}

async fn get(v: &Visitor, id: i64, receipt: Option<&str>) -> ReportDetail {
    let id = id.to_string();
    let mut form = vec![("id", id.as_str())];
    if let Some(code) = receipt {
        form.push(("receipt", code));
    }
    v.call("reports/get", &form).await.json()
}

/// Someone who signed up with `number` (`0912 345 678`) and proved it, signed in.
async fn phone_citizen(app: &TestApp, number: &str, name: &str) -> Visitor {
    let v = app.visitor();
    v.call(
        "account/register",
        &[
            ("email", number),
            ("display_name", name),
            ("password", PASSWORD),
        ],
    )
    .await
    .ok();
    let code = v.last_text_code_for(number).await;
    v.call("account/verify", &[("email", number), ("code", &code)])
        .await
        .ok();
    v.sign_in(number, PASSWORD).await.ok();
    v
}

/// The bodies of the texts of one kind sent to her number, oldest first.
async fn texts_to(app: &TestApp, kind: &str) -> Vec<String> {
    use sea_orm::ConnectionTrait;
    app.db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            format!(
                "SELECT body FROM sms_outbox WHERE to_phone = '{NUMBER}' AND kind = '{kind}' ORDER BY id"
            ),
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "body").unwrap())
        .collect()
}

async fn the_desk_files_for_an_elderly_citizen_who_follows_rates_and_claims_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, desk) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let filed = file_for(
        &desk,
        &format!("org:{org}"),
        org,
        ("Bà Tư, tổ 5", "0912.345.678", "spoken", true),
        TITLE,
    )
    .await;
    let id = filed_id(&filed);
    // A desk files about its own organisation only.
    let (other_org, _) = app.org_with_staff("Phường 9", "canbo@p9.vn").await;
    let elsewhere = file_for(
        &desk,
        &format!("org:{org}"),
        other_org,
        ("Bà Tư, tổ 5", "", "spoken", true),
        TITLE,
    )
    .await;
    assert_eq!(elsewhere.invalid_fields(), ["desk"]);
    let staff_id = app
        .scalar("SELECT id FROM users WHERE email = 'canbo@p1.vn'")
        .await;
    assert_eq!(
        app.text(&format!(
            "SELECT COALESCE(CAST(author_id AS TEXT), '-') || ' ' || CAST(assisted_by_id AS TEXT) || ' ' \
             || filed_for_phone || ' ' || consent FROM reports WHERE id = {id}"
        ))
        .await,
        format!("- {staff_id} {NUMBER} spoken"),
        "filed for her, by the desk, with her consent"
    );
    // The desk sees the receipt to print, for whom, and where the news will go.
    let at_desk = get(&desk, id, None).await;
    let code = at_desk
        .receipt_code
        .clone()
        .expect("the desk prints the receipt");
    let assisted = at_desk.assisted.clone().expect("filed with help");
    assert_eq!(assisted.for_name, "Bà Tư, tổ 5");
    assert_eq!(assisted.group, None, "at the desk");
    assert_eq!(assisted.phone.as_deref(), Some("0••• ••• 678"));
    assert_eq!(assisted.helper.as_deref(), Some("Người dân"));
    let (_, page) = desk.page(&format!("/reports/{id}")).await;
    assert!(
        page.contains(&code) && page.contains("Biên nhận của: Bà Tư, tổ 5"),
        "{page}"
    );
    // The public sees that it was filed with help, for whom she wished, and nothing else.
    let public = get(&app.visitor(), id, None).await;
    let shown = public.assisted.clone().unwrap();
    assert_eq!((shown.phone, shown.helper), (None, None));
    assert_eq!(public.receipt_code, None);
    assert!(!public.can_rate && !public.claimable);
    let (_, page) = app.visitor().page(&format!("/reports/{id}")).await;
    assert!(page.contains("gửi hộ cho Bà Tư, tổ 5"), "{page}");
    for private in [&code, "678", "canbo@p1.vn"] {
        assert!(
            !page.contains(private),
            "the public page shows no {private}"
        );
    }
    let list: app::report::model::ReportPage = app.visitor().call("reports/list", &[]).await.json();
    assert!(list.items.iter().any(|r| r.id == id && r.assisted));
    // Her phone got the receipt, and follows the report.
    let receipt = texts_to(&app, "report_receipt").await;
    assert_eq!(receipt.len(), 1);
    assert!(receipt[0].contains(&code) && receipt[0].contains(&format!("/receipt?code={code}")));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM report_sms_followers WHERE report_id = {id} AND phone = '{NUMBER}'"
        ))
        .await,
        1
    );

    // The ward answers; the text leads her to the receipt's address.
    desk.call(
        "reports/triage",
        &[
            ("id", &id.to_string()),
            ("decision", "answer"),
            (
                "text",
                "Điện lực đã thay bóng đèn, tổ công trình đã vá ổ gà chiều nay.",
            ),
        ],
    )
    .await
    .ok();
    let update = texts_to(&app, "report_update").await;
    assert_eq!(update.len(), 1);
    assert!(
        update[0].contains(&format!("/receipt?code={code}")),
        "{}",
        update[0]
    );
    // Opened from a QR code or that text, the receipt leads to the report with the code.
    let location = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/receipt?code={code}", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(location, format!("/reports/{id}?receipt={code}"));

    // Holding the code, she says whether it solved it; without it, or with another, nobody does.
    let her = app.visitor();
    let other_report = file_for(
        &desk,
        &format!("org:{org}"),
        org,
        ("Ông Năm", "", "relative", true),
        "Cống thoát nước tổ 7 bị tắc sau mưa",
    )
    .await;
    let other_code = get(&desk, filed_id(&other_report), None)
        .await
        .receipt_code
        .unwrap();
    assert!(!get(&her, id, None).await.can_rate);
    assert!(!get(&her, id, Some(&other_code)).await.can_rate);
    // A mistyped code in the address shows the public page.
    let (status, page) = her.page(&format!("/reports/{id}?receipt=PA-2222-22")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(TITLE));
    // The desk printed the receipt: its word is not hers.
    assert!(!get(&desk, id, Some(&code)).await.can_rate);
    let by_desk = desk
        .call(
            "reports/rate",
            &[
                ("report_id", &id.to_string()),
                ("satisfied", "true"),
                ("receipt", &code),
            ],
        )
        .await;
    assert_eq!(by_desk.invalid_fields(), ["code"]);
    let wrong = her
        .call(
            "reports/rate",
            &[
                ("report_id", &id.to_string()),
                ("satisfied", "true"),
                ("receipt", &other_code),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong.error().field_message("code", app::i18n::Locale::Vi),
        Some("Không có phản ánh nào mang mã này. Hãy xem lại mã trên phiếu.".into())
    );
    let holding = get(&her, id, Some(&code.to_lowercase())).await;
    assert!(holding.can_rate, "the code, however written");
    assert_eq!(holding.receipt_holder.as_deref(), Some(code.as_str()));
    assert_eq!(holding.receipt_code.as_deref(), Some(code.as_str()));
    her.call(
        "reports/rate",
        &[
            ("report_id", &id.to_string()),
            ("satisfied", "true"),
            ("receipt", &code),
        ],
    )
    .await
    .ok();
    assert_eq!(get(&app.visitor(), id, None).await.satisfied, Some(true));

    // Later she takes it into an account: only with her number proved on it.
    let no_phone = app.citizen("chau.ba.tu@example.vn").await;
    assert!(get(&no_phone, id, None).await.claimable);
    let claim = |v: &Visitor, code: &str| {
        let (v, code) = (v.clone(), code.to_owned());
        async move { v.call("reports/claim", &[("code", &code)]).await }
    };
    assert_eq!(
        conflict(&claim(&no_phone, &code).await),
        "error.claim_needs_phone"
    );
    let someone = phone_citizen(&app, "0987 654 321", "Người khác").await;
    let refused = claim(&someone, &code).await;
    assert_eq!(conflict(&refused), "error.claim_wrong_phone");
    assert!(
        refused
            .error()
            .message(app::i18n::Locale::Vi)
            .contains("không phải số đã ghi khi gửi hộ")
    );
    assert_eq!(
        claim(&app.visitor(), &code).await.status,
        StatusCode::UNAUTHORIZED
    );
    let tu = phone_citizen(&app, SHOWN, "Bà Tư").await;
    let claimed = claim(&tu, &code).await;
    assert!(
        claimed.status.is_success() || claimed.status.is_redirection(),
        "{}",
        claimed.body
    );
    let tu_id = app
        .scalar(&format!("SELECT id FROM users WHERE phone = '{NUMBER}'"))
        .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM reports WHERE id = {id} AND author_id = {tu_id} AND claimed_at IS NOT NULL"
        ))
        .await,
        1
    );
    let hers = get(&tu, id, None).await;
    assert!(hers.is_author && hers.assisted.unwrap().claimed);
    // Hers now: the code alone no longer rates it, and nobody else takes it.
    assert!(!get(&app.visitor(), id, Some(&code)).await.can_rate);
    let taken = claim(&someone, &code).await;
    assert_eq!(taken.invalid_fields(), ["code"]);
    // A report filed without a phone cannot be taken by anyone.
    assert_eq!(
        conflict(&claim(&tu, &other_code).await),
        "error.claim_no_phone"
    );
    // The city's figures and open data count reports filed with help; never her number.
    let dashboard: app::pilot::model::Dashboard =
        app.visitor().call("pilots/dashboard", &[]).await.json();
    assert_eq!(dashboard.chain.reports_assisted, 2);
    let open = app
        .visitor()
        .get("/api/v1/reports")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        open.contains("\"assisted\":true") && !open.contains("912345678"),
        "{open}"
    );
    // The desk saw the receipt on the day it filed the report, to print it; the office that
    // answers holds it no longer after that: whoever holds it says whether the answer solved
    // it.
    {
        use sea_orm::ConnectionTrait;
        app.db
            .execute_raw(app::sql::numbered(
                app.db.get_database_backend(),
                "UPDATE reports SET created_at = ?1 WHERE id = ?2",
                [
                    (chrono::Utc::now() - chrono::Duration::days(2)).into(),
                    filed_id(&other_report).into(),
                ],
            ))
            .await
            .unwrap();
    }
    assert_eq!(
        get(&desk, filed_id(&other_report), None).await.receipt_code,
        None
    );
}

async fn a_helper_group_files_through_its_members_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, _desk) = app.org_with_staff("Phường 2", "canbo@p2.vn").await;
    let admin = app.admin().await;
    let coordinator = app.citizen_named("bi.thu@doan.vn", "Bí thư Đoàn").await;
    let volunteer = phone_citizen(&app, "0987 111 222", "Tình nguyện viên Hà").await;
    let outsider = app.citizen("khac@example.vn").await;
    let count = |sql: &'static str| {
        let app = &app;
        async move { app.scalar(sql).await }
    };

    // Registering: every mistake at once, nothing saved; only an administrator.
    let bad = admin
        .call(
            "helpers/register",
            &[("name", " "), ("coordinator", "ai.do.khong.co@example.vn")],
        )
        .await;
    let mut fields = bad.invalid_fields();
    fields.sort();
    assert_eq!(fields, ["coordinator", "name", "organisation_id"]);
    assert_eq!(count("SELECT COUNT(*) FROM helper_groups").await, 0);
    let form = [
        ("organisation_id", org.to_string()),
        ("name", "Đoàn Thanh niên phường 2".to_owned()),
        ("coordinator", "bi.thu@doan.vn".to_owned()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        coordinator.call("helpers/register", &form).await.status,
        StatusCode::FORBIDDEN
    );
    let group: i64 = admin.call("helpers/register", &form).await.json();
    let gid = group.to_string();
    assert_eq!(
        count("SELECT COUNT(*) FROM audit_log WHERE action = 'helper_group.create' AND is_public = TRUE").await,
        1,
        "in the public record"
    );

    // The coordinator adds members by email or phone, each once.
    let add = |v: &Visitor, login: &str| {
        let (v, login, gid) = (v.clone(), login.to_owned(), gid.clone());
        async move {
            v.call(
                "helpers/add",
                &[("group_id", gid.as_str()), ("login", &login)],
            )
            .await
        }
    };
    add(&coordinator, "0987.111.222").await.ok();
    assert_eq!(
        add(&coordinator, "+84987111222").await.invalid_fields(),
        ["login"]
    );
    // The person added learns who added them, and where (once).
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE n.kind = 'helper_group_added' AND u.phone = '+84987111222'"
        )
        .await,
        1
    );
    let unknown = add(&coordinator, "0900 000 009").await;
    assert_eq!(
        unknown
            .error()
            .field_message("login", app::i18n::Locale::Vi),
        Some("Không có tài khoản nào với email hoặc số điện thoại này.".into())
    );
    // A member who does not coordinate, and anyone else, finds no group to change.
    assert_eq!(
        add(&volunteer, "khac@example.vn").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        add(&outsider, "khac@example.vn").await.status,
        StatusCode::NOT_FOUND
    );
    let coordinator_id = app
        .scalar("SELECT id FROM users WHERE email = 'bi.thu@doan.vn'")
        .await
        .to_string();
    let last = coordinator
        .call(
            "helpers/remove",
            &[("group_id", gid.as_str()), ("user_id", &coordinator_id)],
        )
        .await;
    assert_eq!(conflict(&last), "error.helper_last_coordinator");
    let overview: app::helper::model::Helping = coordinator.call("helpers", &[]).await.json();
    let shown = &overview.groups[0];
    assert!(shown.manages);
    assert_eq!(shown.members.len(), 2);
    assert!(
        shown
            .members
            .iter()
            .any(|m| m.reached_at.as_deref() == Some("0••• ••• 222"))
            && shown
                .members
                .iter()
                .any(|m| m.reached_at.as_deref() == Some("b•••@doan.vn")),
        "half hidden: {:?}",
        shown.members
    );
    let seen_by_member: app::helper::model::Helping = volunteer.call("helpers", &[]).await.json();
    assert!(!seen_by_member.groups[0].manages);
    assert!(
        seen_by_member.groups[0]
            .members
            .iter()
            .all(|m| m.reached_at.is_none()),
        "members see names, not numbers"
    );
    assert_eq!(
        seen_by_member
            .desks
            .iter()
            .map(|d| d.desk.code())
            .collect::<Vec<_>>(),
        [format!("group:{group}")]
    );

    // Filing: every mistake at once, nothing saved.
    let desk = format!("group:{group}");
    let bad = file_for(&volunteer, &desk, org, (" ", "0123", "", false), "Ngắn").await;
    let mut fields = bad.invalid_fields();
    fields.sort();
    assert_eq!(
        fields,
        ["consent", "filed_for_name", "filed_for_phone", "title"]
    );
    let no_consent = file_for(
        &volunteer,
        &desk,
        org,
        ("Ông Sáu", "", "spoken", false),
        TITLE,
    )
    .await;
    assert_eq!(
        no_consent
            .error()
            .field_message("consent", app::i18n::Locale::Vi),
        Some("Hãy hỏi và ghi lại sự đồng ý của người dân trước khi gửi hộ.".into())
    );
    // Not at a desk that is not theirs.
    let elsewhere = file_for(
        &volunteer,
        &format!("org:{org}"),
        org,
        ("Ông Sáu", "", "spoken", true),
        TITLE,
    )
    .await;
    assert_eq!(elsewhere.invalid_fields(), ["desk"]);
    assert_eq!(count("SELECT COUNT(*) FROM reports").await, 0);
    // Someone in no group and at no desk is refused outright.
    let refused = file_for(
        &outsider,
        &desk,
        org,
        ("Ông Sáu", "", "spoken", true),
        TITLE,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        file_for(
            &app.visitor(),
            &desk,
            org,
            ("Ông Sáu", "", "spoken", true),
            TITLE
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    let id = filed_id(
        &file_for(
            &volunteer,
            &desk,
            org,
            ("Ông Sáu", "", "signed", true),
            TITLE,
        )
        .await,
    );
    let public = get(&app.visitor(), id, None).await;
    assert_eq!(
        public.assisted.unwrap().group.as_deref(),
        Some("Đoàn Thanh niên phường 2")
    );
    assert!(
        get(&volunteer, id, None).await.receipt_code.is_some(),
        "the helper prints it"
    );
    let overview: app::helper::model::Helping = coordinator.call("helpers", &[]).await.json();
    assert_eq!(overview.groups[0].reports_filed, 1);

    // Someone added without asking leaves of their own accord (nobody else can take a member
    // off but a coordinator).
    add(&coordinator, "khac@example.vn").await.ok();
    let outsider_id = app
        .scalar("SELECT id FROM users WHERE email = 'khac@example.vn'")
        .await
        .to_string();
    let volunteer_id = app
        .scalar("SELECT id FROM users WHERE phone = '+84987111222'")
        .await
        .to_string();
    let mine: app::helper::model::Helping = outsider.call("helpers", &[]).await.json();
    assert!(
        mine.groups[0]
            .members
            .iter()
            .any(|m| m.you && m.user_id.to_string() == outsider_id)
    );
    assert_eq!(
        outsider
            .call(
                "helpers/remove",
                &[("group_id", gid.as_str()), ("user_id", &volunteer_id)],
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    outsider
        .call(
            "helpers/remove",
            &[("group_id", gid.as_str()), ("user_id", &outsider_id)],
        )
        .await
        .ok();
    assert_eq!(count("SELECT COUNT(*) FROM helper_members").await, 2);

    // The volunteer leaves the platform: the report stays, filed by the group, by nobody named.
    volunteer
        .call(
            "account/delete",
            &[("password", PASSWORD), ("confirm", "yes")],
        )
        .await
        .ok();
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM reports WHERE id = {id} AND assisted_by_id IS NULL AND helper_group_id = {group}"
        ))
        .await,
        1
    );
    assert_eq!(count("SELECT COUNT(*) FROM helper_members").await, 1);
}

on_both_databases!(
    the_desk_files_for_an_elderly_citizen_who_follows_rates_and_claims_it,
    a_helper_group_files_through_its_members_only,
);
