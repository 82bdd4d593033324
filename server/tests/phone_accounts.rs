//! Accounts by phone over HTTP: signing up and in with a Vietnamese mobile number however it is
//! written, proved by a code sent by text message; the password reset by text; a number added to
//! an email account and kept one account's; and a public vote that counts one voter per number.

use crate::common::{Backend, PASSWORD, TestApp, Visitor, spawn_app};
use app::error::AppError;
use chrono::Duration;

const NUMBER: &str = "+84912345678";
const SHOWN: &str = "0912 345 678";

fn conflict(answer: &crate::common::Answer) -> String {
    match answer.error() {
        AppError::Conflict { key, .. } => key,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn field_error(answer: &crate::common::Answer) -> (String, String) {
    match answer.error() {
        AppError::Invalid(errors) => (errors[0].field.clone(), errors[0].key.clone()),
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn register(v: &Visitor, login: &str, name: &str) -> crate::common::Answer {
    v.call(
        "account/register",
        &[
            ("email", login),
            ("display_name", name),
            ("password", PASSWORD),
        ],
    )
    .await
}

/// A person who signed up with `written` (a way of writing [`NUMBER`]) and proved it.
async fn phone_citizen(app: &TestApp, written: &str) -> Visitor {
    let v = app.visitor();
    register(&v, written, "Bà Tư").await.ok();
    let code = v.last_text_code_for(SHOWN).await;
    v.call("account/verify", &[("email", written), ("code", &code)])
        .await
        .ok();
    v.sign_in(written, PASSWORD).await.ok();
    v
}

async fn a_citizen_signs_up_and_in_with_a_phone_number_however_written(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    let answer = register(&v, SHOWN, "Bà Nguyễn Thị Tư").await;
    answer.ok();
    assert_eq!(answer.location(), "/verify?email=%2B84912345678");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE phone = '{NUMBER}' AND email IS NULL \
             AND phone_verified_at IS NULL"
        ))
        .await,
        1
    );
    // Not proved yet: the password alone does not sign in.
    let early = v.sign_in("84-912-345-678", PASSWORD).await;
    assert_eq!(conflict(&early), "error.not_verified");
    // The code went by text message, in the language of the page, and by no email.
    let code = v.last_text_code_for(SHOWN).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox").await, 0);
    let wrong = v
        .call(
            "account/verify",
            &[("email", "+84 912 345 678"), ("code", "00000000")],
        )
        .await;
    assert_eq!(
        field_error(&wrong),
        ("code".into(), "error.code_invalid".into())
    );
    let verified = v
        .call(
            "account/verify",
            &[("email", "84-912-345-678"), ("code", &code)],
        )
        .await;
    verified.ok();
    assert_eq!(
        verified.location(),
        "/sign-in?verified=1&email=%2B84912345678"
    );
    // Signed in with the number written yet another way.
    v.sign_in("(091) 234.5678", PASSWORD).await.ok();
    let viewer = v.viewer().await.expect("signed in");
    assert_eq!(viewer.email, None);
    assert_eq!(viewer.phone.as_deref(), Some(NUMBER));
    assert!(viewer.verified && viewer.phone_verified);
    // The account page shows the number as people write it.
    let (_, html) = v.page("/account").await;
    assert!(html.contains(SHOWN), "the account page names the number");
    // A code answered once opens nothing again.
    let again = app
        .visitor()
        .call("account/verify", &[("email", SHOWN), ("code", &code)])
        .await;
    assert_eq!(field_error(&again).1, "error.code_invalid");
}

async fn registering_a_number_twice_reveals_nothing_and_texts_its_owner(backend: Backend) {
    let app = spawn_app(backend).await;
    phone_citizen(&app, SHOWN).await;
    let stranger = app.visitor();
    let answer = register(&stranger, "+84 912-345-678", "Kẻ khác").await;
    answer.ok();
    assert_eq!(answer.location(), "/verify?email=%2B84912345678");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE phone = '{NUMBER}'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM sms_outbox WHERE to_phone = '{NUMBER}' \
             AND kind = 'already_registered'"
        ))
        .await,
        1
    );
    // A stranger's sign-in with the number and a wrong password reads as any wrong password.
    let wrong = stranger.sign_in(SHOWN, "không phải mật khẩu").await;
    assert_eq!(conflict(&wrong), "error.credentials");
}

async fn what_is_neither_an_address_nor_a_mobile_is_refused_in_words(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    for (login, key) in [
        ("024 3825 1234", "error.phone_invalid"),
        ("+33 6 12 34 56 78", "error.phone_invalid"),
        ("bà Tư", "error.login_invalid"),
        ("", "error.login_required"),
        ("lan@", "error.email_invalid"),
    ] {
        let answer = register(&v, login, "Bà Tư").await;
        assert_eq!(
            field_error(&answer),
            ("email".into(), key.into()),
            "{login:?}"
        );
    }
    // The password may not be the number itself.
    let answer = v
        .call(
            "account/register",
            &[
                ("email", SHOWN),
                ("display_name", "Bà Tư"),
                ("password", "0912345678"),
            ],
        )
        .await;
    assert_eq!(field_error(&answer).0, "password");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users").await,
        1,
        "only the first admin exists"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sms_outbox").await, 0);
}

async fn a_forgotten_password_is_reset_by_text_message(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = phone_citizen(&app, SHOWN).await;
    let forgot = app
        .visitor()
        .call("account/forgot", &[("email", "0912.345.678")])
        .await;
    forgot.ok();
    assert_eq!(forgot.location(), "/reset-password?email=%2B84912345678");
    let v = app.visitor();
    let code = v.last_text_code_for(SHOWN).await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM sms_outbox WHERE to_phone = '{NUMBER}' AND kind = 'reset'"
        ))
        .await,
        1
    );
    let new_password = "cây đa đầu làng 1975";
    v.call(
        "account/reset",
        &[
            ("email", SHOWN),
            ("code", &code),
            ("password", new_password),
        ],
    )
    .await
    .ok();
    // The old sessions ended; the new password opens the account.
    assert!(owner.viewer().await.is_none());
    assert_eq!(
        conflict(&app.visitor().sign_in(SHOWN, PASSWORD).await),
        "error.credentials"
    );
    app.visitor().sign_in(SHOWN, new_password).await.ok();
    // A reset asked for an address or a number nobody has reads the same.
    app.visitor()
        .call("account/forgot", &[("email", "0987 654 321")])
        .await
        .ok();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sms_outbox WHERE to_phone = '+84987654321'")
            .await,
        0
    );
}

async fn a_number_is_added_to_an_email_account_and_stays_one_accounts(backend: Backend) {
    let app = spawn_app(backend).await;
    let lan = app.citizen("lan@example.vn").await;
    // The password is asked again: an open session alone ties no phone to the account.
    let wrong = lan
        .call(
            "account/phone",
            &[("phone", SHOWN), ("password", "không đúng")],
        )
        .await;
    assert_eq!(field_error(&wrong).0, "password");
    let bad = lan
        .call(
            "account/phone",
            &[("phone", "024 3825 1234"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        field_error(&bad),
        ("phone".into(), "error.phone_invalid".into())
    );
    let asked = lan
        .call("account/phone", &[("phone", SHOWN), ("password", PASSWORD)])
        .await;
    asked.ok();
    assert_eq!(
        asked.location(),
        "/account?phone=%2B84912345678#phone-heading"
    );
    let code = lan.last_text_code_for(SHOWN).await;
    // The code proves this number only: not another number, not her address.
    let other_number = lan
        .call(
            "account/phone/confirm",
            &[("phone", "0987 654 321"), ("code", &code)],
        )
        .await;
    assert_eq!(field_error(&other_number).1, "error.code_invalid");
    let elsewhere = app
        .visitor()
        .call(
            "account/verify",
            &[("email", "lan@example.vn"), ("code", &code)],
        )
        .await;
    assert_eq!(field_error(&elsewhere).1, "error.code_invalid");
    lan.call(
        "account/phone/confirm",
        &[("phone", NUMBER), ("code", &code)],
    )
    .await
    .ok();
    let viewer = lan.viewer().await.unwrap();
    assert_eq!(viewer.phone.as_deref(), Some(NUMBER));
    assert!(viewer.phone_verified);
    // She is told by email: a phone opens her account from now on.
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM outbox WHERE to_email = 'lan@example.vn' AND kind = 'phone_added'"
        )
        .await,
        1
    );
    // Asking again for her own number sends nothing.
    let again = lan
        .call("account/phone", &[("phone", SHOWN), ("password", PASSWORD)])
        .await;
    assert_eq!(again.location(), "/account?phone_added=1#phone-heading");
    // She signs in with the number too.
    app.visitor().sign_in(SHOWN, PASSWORD).await.ok();

    // Someone else who holds... nothing: asking reads the same, and the code (sent to Lan's
    // phone) never reaches them. Were they to hold the phone, the number stays Lan's.
    let hoa = app.citizen("hoa@example.vn").await;
    hoa.call("account/phone", &[("phone", SHOWN), ("password", PASSWORD)])
        .await
        .ok();
    let code = hoa.last_text_code_for(SHOWN).await;
    let taken = hoa
        .call(
            "account/phone/confirm",
            &[("phone", NUMBER), ("code", &code)],
        )
        .await;
    assert_eq!(conflict(&taken), "error.phone_taken");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE phone = '{NUMBER}'"
        ))
        .await,
        1
    );

    // A number only claimed (a sign-up never proved) goes to whoever proves it.
    let squatter = app.visitor();
    register(&squatter, "0987 654 321", "Chiếm chỗ").await.ok();
    hoa.call(
        "account/phone",
        &[("phone", "0987654321"), ("password", PASSWORD)],
    )
    .await
    .ok();
    let code = hoa.last_text_code_for("0987 654 321").await;
    hoa.call(
        "account/phone/confirm",
        &[("phone", "+84987654321"), ("code", &code)],
    )
    .await
    .ok();
    assert_eq!(
        hoa.viewer().await.unwrap().phone.as_deref(),
        Some("+84987654321")
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE phone = '+84987654321'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'account.phone_released'")
            .await,
        1
    );
}

async fn a_vote_that_needs_a_phone_counts_one_voter_per_number(backend: Backend) {
    let app = spawn_app(backend).await;
    let contest = app.contest(2, Some(Duration::days(3))).await;
    let c = contest.challenge.as_str();
    contest
        .staff
        .call(
            "votes/settings/save",
            &[
                ("challenge_id", c),
                ("allowance", "1"),
                ("requires_phone", "on"),
            ],
        )
        .await
        .ok();
    let entry = app
        .scalar("SELECT id FROM entries ORDER BY id LIMIT 1")
        .await
        .to_string();
    let slug = app
        .text(&format!("SELECT slug FROM challenges WHERE id = {c}"))
        .await;
    let by_email = app.citizen("dan@example.vn").await;
    let refused = by_email.call("votes/cast", &[("entry_id", &entry)]).await;
    assert_eq!(conflict(&refused), "error.vote_needs_phone");
    // The page says why, and where to add a number.
    let (_, html) = by_email.page(&format!("/challenges/{slug}/entries")).await;
    assert!(html.contains("/account#phone-heading"));
    // With a proved number, the vote counts.
    by_email
        .call("account/phone", &[("phone", SHOWN), ("password", PASSWORD)])
        .await
        .ok();
    let code = by_email.last_text_code_for(SHOWN).await;
    by_email
        .call(
            "account/phone/confirm",
            &[("phone", NUMBER), ("code", &code)],
        )
        .await
        .ok();
    by_email
        .call("votes/cast", &[("entry_id", &entry)])
        .await
        .ok();
    // A phone account votes too; an account made with the same number cannot exist.
    let v = app.visitor();
    register(&v, "0987 654 321", "Bà Tư").await.ok();
    let code = v.last_text_code_for("0987 654 321").await;
    v.call(
        "account/verify",
        &[("email", "0987654321"), ("code", &code)],
    )
    .await
    .ok();
    v.sign_in("0987654321", PASSWORD).await.ok();
    v.call("votes/cast", &[("entry_id", &entry)]).await.ok();
    // A third account cannot have Bà Tư's number (a sign-up with it makes none), nor Dân's.
    let third = app.visitor();
    register(&third, "0987.654.321", "Người thứ ba").await.ok();
    register(&third, SHOWN, "Người thứ ba").await.ok();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE display_name = 'Người thứ ba'")
            .await,
        0
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM votes WHERE challenge_id = {c} AND voided_at IS NULL"
        ))
        .await,
        2
    );
    // Once votes exist, the rule holds until the end.
    let locked = contest
        .staff
        .call(
            "votes/settings/save",
            &[("challenge_id", c), ("allowance", "1")],
        )
        .await;
    assert_eq!(conflict(&locked), "error.vote_settings_locked");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'vote.settings' AND target_id = {c} \
             AND details LIKE '%\"requires_phone\":true%'"
        ))
        .await,
        1
    );
}

async fn a_phone_account_downloads_its_data_and_its_deletion_frees_the_number(backend: Backend) {
    let app = spawn_app(backend).await;
    let tu = phone_citizen(&app, SHOWN).await;
    let export: serde_json::Value = tu.get("/account/export.json").await.json().await.unwrap();
    assert_eq!(export["account"]["phone"], NUMBER);
    assert_eq!(export["account"]["email"], serde_json::Value::Null);
    assert!(
        export["text_messages_sent"]
            .as_array()
            .is_some_and(|texts| texts.iter().any(|t| t["kind"] == "verify")),
        "{export}"
    );
    tu.call(
        "account/delete",
        &[("password", PASSWORD), ("confirm", "yes")],
    )
    .await
    .ok();
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE phone = '{NUMBER}'"
        ))
        .await,
        0
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM sms_outbox WHERE to_phone = '{NUMBER}'"
        ))
        .await,
        0
    );
    // The number is free for a new account.
    phone_citizen(&app, "0912345678").await;
}

/// The texts sent to `number` of one kind.
async fn texts(app: &TestApp, number: &str, kind: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM sms_outbox WHERE to_phone = '{number}' AND kind = '{kind}'"
    ))
    .await
}

async fn a_citizen_chooses_which_notifications_also_come_by_text(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let tu = phone_citizen(&app, SHOWN).await;
    let org = org.to_string();
    let file = |title: &'static str| {
        let (tu, org) = (tu.clone(), org.clone());
        async move {
            let filed = tu
                .call_multipart(
                    "reports/create",
                    &[
                        ("organisation_id", org.as_str()),
                        ("category", "admin_procedures"),
                        ("title", title),
                        (
                            "description",
                            "Tổ dân phố 3 không có ai hướng dẫn người già làm hồ sơ trực tuyến.",
                        ),
                    ],
                    None,
                )
                .await;
            filed.location().trim_start_matches("/reports/").to_owned()
        }
    };
    let answer = |id: String| {
        let staff = staff.clone();
        async move {
            staff
                .call(
                    "reports/triage",
                    &[
                        ("id", id.as_str()),
                        ("decision", "answer"),
                        ("text", "Phường cử đoàn viên hướng dẫn từ thứ Hai tới."),
                    ],
                )
                .await
                .ok();
        }
    };
    // With no email, the answer to her own report comes by text from the start (she would
    // learn of it nowhere she looks)…
    answer(file("Không ai hướng dẫn làm hồ sơ trực tuyến").await).await;
    assert_eq!(texts(&app, NUMBER, "report_responded").await, 1);
    let prefs: Vec<app::notify::model::EmailPreference> =
        tu.call("notifications/preferences", &[]).await.json();
    let textable: Vec<_> = prefs.iter().filter(|p| p.sms.is_some()).collect();
    assert!(textable.iter().any(|p| p.kind.code() == "report_responded"));
    assert!(!textable.iter().any(|p| p.kind.code() == "team_invitation"));
    assert!(
        textable
            .iter()
            .all(|p| p.sms == Some(p.kind.code() == "report_responded")),
        "ticked for her: the answers to her reports only"
    );
    // …until she unticks it: then the answer is in her list only.
    tu.call("notifications/preferences/save", &[]).await.ok();
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sms_choices").await, 0);
    answer(file("Vẫn chưa có ai hướng dẫn làm hồ sơ").await).await;
    assert_eq!(texts(&app, NUMBER, "report_responded").await, 1);
    // Her choices again: the answers to her reports by text. Kinds that cannot come by text
    // are ignored, and an account with no address keeps its email choices for later.
    tu.call(
        "notifications/preferences/save",
        &[
            ("sms_on[]", "report_responded"),
            ("sms_on[]", "team_invitation"),
        ],
    )
    .await
    .ok();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sms_choices").await,
        1,
        "only what can come by text is kept"
    );
    answer(file("Xin hướng dẫn làm hồ sơ đất đai").await).await;
    assert_eq!(texts(&app, NUMBER, "report_responded").await, 2);
    let (_, page) = tu.page("/dev/sms").await;
    assert!(page.contains("Xem: http"), "the text links to the report");
    // Someone without a proved number is offered nothing by text, and nothing is sent.
    let lan = app.citizen("lan@example.vn").await;
    let prefs: Vec<app::notify::model::EmailPreference> =
        lan.call("notifications/preferences", &[]).await.json();
    assert!(prefs.iter().all(|p| p.sms.is_none()));
    // A password changed on an account with no address is told by text, chosen or not.
    tu.call(
        "account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "cây đa đầu làng 1975"),
        ],
    )
    .await
    .ok();
    assert_eq!(texts(&app, NUMBER, "password_changed").await, 1);
}

on_both_databases!(
    a_citizen_chooses_which_notifications_also_come_by_text,
    a_citizen_signs_up_and_in_with_a_phone_number_however_written,
    registering_a_number_twice_reveals_nothing_and_texts_its_owner,
    what_is_neither_an_address_nor_a_mobile_is_refused_in_words,
    a_forgotten_password_is_reset_by_text_message,
    a_number_is_added_to_an_email_account_and_stays_one_accounts,
    a_vote_that_needs_a_phone_counts_one_voter_per_number,
    a_phone_account_downloads_its_data_and_its_deletion_frees_the_number,
);
