//! Registration, email verification, signing in and out, lockout and passwords, over HTTP.

mod common;

use app::error::AppError;
use common::{ADMIN_EMAIL, Backend, PASSWORD, spawn_app};
use reqwest::StatusCode;

async fn a_new_citizen_registers_verifies_signs_in_and_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();

    let answer = v
        .call(
            "account/register",
            &[
                ("email", " Lan@Example.VN "),
                ("display_name", "Nguyễn Thị Lan"),
                ("password", PASSWORD),
            ],
        )
        .await;
    answer.ok();
    assert_eq!(
        answer.headers.get("location").and_then(|h| h.to_str().ok()),
        Some("/verify?email=lan%40example.vn")
    );

    // Not verified yet: the right password is refused with a message that says why.
    let refused = v.sign_in("lan@example.vn", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        matches!(refused.error(), AppError::Conflict { key, .. } if key == "error.not_verified")
    );

    let code = v.last_code_for("lan@example.vn").await;
    v.call(
        "account/verify",
        &[("email", "lan@example.vn"), ("code", &code)],
    )
    .await
    .ok();
    assert!(
        v.viewer().await.is_none(),
        "verifying does not sign in by itself"
    );

    v.sign_in("LAN@example.vn", PASSWORD).await.ok();
    let viewer = v.viewer().await.expect("signed in");
    assert_eq!(viewer.display_name, "Nguyễn Thị Lan");
    assert!(viewer.verified);
    assert!(!viewer.is_admin);

    v.call("account/sign-out", &[]).await.ok();
    assert!(v.viewer().await.is_none());
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, 0);
}

async fn a_wrong_code_is_refused_and_counts_against_the_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    v.call(
        "account/register",
        &[
            ("email", "an@example.vn"),
            ("display_name", "Lê Văn An"),
            ("password", PASSWORD),
        ],
    )
    .await
    .ok();
    let code = v.last_code_for("an@example.vn").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let answer = v
            .call(
                "account/verify",
                &[("email", "an@example.vn"), ("code", wrong)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            answer.error(),
            AppError::invalid("code", "error.code_invalid")
        );
    }
    // After five wrong tries even the right code no longer works: a new one must be asked for.
    let answer = v
        .call(
            "account/verify",
            &[("email", "an@example.vn"), ("code", &code)],
        )
        .await;
    assert_eq!(
        answer.error(),
        AppError::invalid("code", "error.code_expired")
    );
}

async fn bad_registrations_are_refused_field_by_field_and_save_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    let answer = v
        .call(
            "account/register",
            &[
                ("email", "not-an-email"),
                ("display_name", "X"),
                ("password", "1234567890"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::Invalid(errors) = answer.error() else {
        panic!("expected field errors")
    };
    let fields: Vec<_> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.key.as_str()))
        .collect();
    assert!(fields.contains(&("email", "error.email_invalid")));
    assert!(fields.contains(&("display_name", "error.display_name_length")));
    assert!(fields.contains(&("password", "error.password_common")));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users").await,
        1,
        "only the first admin exists"
    );
}

async fn registering_an_email_twice_reveals_nothing_and_warns_the_owner(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.visitor();
    first
        .call(
            "account/register",
            &[
                ("email", "hoa@example.vn"),
                ("display_name", "Hoa"),
                ("password", PASSWORD),
            ],
        )
        .await
        .ok();
    let second = app.visitor();
    let answer = second
        .call(
            "account/register",
            &[
                ("email", "hoa@example.vn"),
                ("display_name", "Kẻ khác"),
                ("password", "mật khẩu khác hẳn"),
            ],
        )
        .await;
    answer.ok();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE email = 'hoa@example.vn'")
            .await,
        1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE to_email = 'hoa@example.vn' AND kind = 'already_registered'").await, 1);
}

async fn repeated_failures_lock_the_account_for_a_while(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    for _ in 0..5 {
        let answer = v.sign_in(ADMIN_EMAIL, "sai mật khẩu rồi nhé").await;
        assert_eq!(answer.error(), AppError::conflict("error.credentials"));
    }
    // Locked now: even the right password is refused until the window passes.
    let locked = v.sign_in(ADMIN_EMAIL, PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers.contains_key("retry-after"));
    assert!(
        matches!(locked.error(), AppError::RateLimited { retry_after_secs } if retry_after_secs > 0)
    );
}

async fn an_unknown_account_gets_the_same_answer_as_a_wrong_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    let unknown = v.sign_in("nobody@example.vn", PASSWORD).await;
    let wrong = v.sign_in(ADMIN_EMAIL, "không phải mật khẩu").await;
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(unknown.body, wrong.body);
}

async fn a_forgotten_password_is_reset_by_email_and_old_sessions_end(backend: Backend) {
    let app = spawn_app(backend).await;
    let signed_in = app.citizen("binh@example.vn").await;
    assert!(signed_in.viewer().await.is_some());

    let v = app.visitor();
    v.call("account/forgot", &[("email", "binh@example.vn")])
        .await
        .ok();
    let code = v.last_code_for("binh@example.vn").await;
    let short = v
        .call(
            "account/reset",
            &[
                ("email", "binh@example.vn"),
                ("code", &code),
                ("password", "ngắn"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    v.call(
        "account/reset",
        &[
            ("email", "binh@example.vn"),
            ("code", &code),
            ("password", "bình minh trên sông Hàn"),
        ],
    )
    .await
    .ok();

    assert!(
        signed_in.viewer().await.is_none(),
        "the reset ends every session"
    );
    assert_eq!(
        v.sign_in("binh@example.vn", PASSWORD).await.status,
        StatusCode::CONFLICT
    );
    v.sign_in("binh@example.vn", "bình minh trên sông Hàn")
        .await
        .ok();
    // The same code cannot be used twice.
    let again = v
        .call(
            "account/reset",
            &[
                ("email", "binh@example.vn"),
                ("code", &code),
                ("password", "một mật khẩu khác nữa"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn changing_the_password_needs_the_current_one_and_ends_other_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let here = app.citizen("chi@example.vn").await;
    let elsewhere = app.visitor();
    elsewhere.sign_in("chi@example.vn", PASSWORD).await.ok();

    let wrong = here
        .call(
            "account/password",
            &[
                ("current_password", "không đúng đâu nhé"),
                ("new_password", "mùa thu Hà Nội đẹp"),
            ],
        )
        .await;
    assert_eq!(
        wrong.error(),
        AppError::invalid("current_password", "error.password_current_wrong")
    );

    here.call(
        "account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "mùa thu Hà Nội đẹp"),
        ],
    )
    .await
    .ok();
    assert!(here.viewer().await.is_some(), "this session stays");
    assert!(elsewhere.viewer().await.is_none(), "the other session ends");
    let viewer = here.viewer().await.unwrap();
    assert_eq!(
        viewer.unread_notifications, 1,
        "a password change is notified"
    );
}

async fn the_profile_keeps_name_and_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.citizen("dung@example.vn").await;
    v.call(
        "account/profile",
        &[("display_name", "Trần Dũng"), ("locale", "en")],
    )
    .await
    .ok();
    let viewer = v.viewer().await.unwrap();
    assert_eq!(viewer.display_name, "Trần Dũng");
    let (_, html) = v.page("/account").await;
    assert!(
        html.contains("<html lang=\"en\""),
        "the page follows the saved language"
    );
    let bad = v
        .call("account/profile", &[("display_name", ""), ("locale", "vi")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        v.viewer().await.unwrap().display_name,
        "Trần Dũng",
        "a refused change loses nothing"
    );
}

on_both_databases!(
    a_new_citizen_registers_verifies_signs_in_and_out,
    a_wrong_code_is_refused_and_counts_against_the_code,
    bad_registrations_are_refused_field_by_field_and_save_nothing,
    registering_an_email_twice_reveals_nothing_and_warns_the_owner,
    repeated_failures_lock_the_account_for_a_while,
    an_unknown_account_gets_the_same_answer_as_a_wrong_password,
    a_forgotten_password_is_reset_by_email_and_old_sessions_end,
    changing_the_password_needs_the_current_one_and_ends_other_sessions,
    the_profile_keeps_name_and_language,
);
