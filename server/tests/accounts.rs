//! Registration, email verification, signing in and out, limits on guessing, and passwords, over
//! HTTP.

use crate::common;

use crate::common::{
    ADMIN_EMAIL, Backend, Options, PASSWORD, spawn_app, spawn_app_with, spawn_demo,
};
use app::error::AppError;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;

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
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
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
        AppError::invalid("code", "error.code_invalid")
    );
    assert_eq!(
        app.scalar("SELECT CAST(MAX(attempts) AS BIGINT) FROM email_codes")
            .await,
        5
    );
}

/// Registers `email` and returns its verification code.
async fn registered(app: &common::TestApp, email: &str) -> String {
    let v = app.visitor();
    v.call(
        "account/register",
        &[
            ("email", email),
            ("display_name", "Người thử mã"),
            ("password", PASSWORD),
        ],
    )
    .await
    .ok();
    v.last_code_for(email).await
}

/// A code that is not `code`, different for each `i`.
fn not_the_code(code: &str, i: usize) -> String {
    let n: u64 = code.parse().unwrap();
    format!("{:08}", (n + 1 + i as u64) % 100_000_000)
}

async fn fifty_guesses_of_a_code_sent_at_once_count_as_fifty(backend: Backend) {
    let app = spawn_app(backend).await;
    let code = registered(&app, "nam@example.vn").await;
    let v = app.visitor();
    let forms: Vec<[(&str, String); 2]> = (0..50)
        .map(|i| {
            [
                ("email", "nam@example.vn".into()),
                ("code", not_the_code(&code, i)),
            ]
        })
        .collect();
    let forms: Vec<Vec<(&str, &str)>> = forms
        .iter()
        .map(|f| f.iter().map(|(k, v)| (*k, v.as_str())).collect())
        .collect();
    let answers =
        futures_util::future::join_all(forms.iter().map(|f| v.call("account/verify", f))).await;
    let refused_as_wrong = answers
        .iter()
        .filter(|a| a.status == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let held_back = answers
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    // Ten tries a day for one address's codes; the other forty were never looked at.
    assert_eq!((refused_as_wrong, held_back), (10, 40));
    // Of the ten, the code itself took five.
    assert_eq!(
        app.scalar("SELECT CAST(MAX(attempts) AS BIGINT) FROM email_codes")
            .await,
        5
    );
    // Now even the right code waits for tomorrow.
    let right = v
        .call(
            "account/verify",
            &[("email", "nam@example.vn"), ("code", &code)],
        )
        .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(right.headers.contains_key("retry-after"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE email = 'nam@example.vn' AND email_verified_at IS NOT NULL")
            .await,
        0
    );
}

async fn a_new_code_does_not_give_new_guesses(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = registered(&app, "tam@example.vn").await;
    let v = app.visitor();
    for i in 0..5 {
        let guess = not_the_code(&first, i);
        let answer = v
            .call(
                "account/verify",
                &[("email", "tam@example.vn"), ("code", &guess)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // A minute later a fresh code is sent; it has its own five tries, but the day has five left.
    app.age_codes(2).await;
    v.call("account/resend", &[("email", "tam@example.vn")])
        .await
        .ok();
    let second = v.last_code_for("tam@example.vn").await;
    assert_ne!(first, second);
    for i in 0..5 {
        let guess = not_the_code(&second, i);
        let answer = v
            .call(
                "account/verify",
                &[("email", "tam@example.vn"), ("code", &guess)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "guess {i}");
    }
    app.age_codes(2).await;
    v.call("account/resend", &[("email", "tam@example.vn")])
        .await
        .ok();
    let third = v.last_code_for("tam@example.vn").await;
    let answer = v
        .call(
            "account/verify",
            &[("email", "tam@example.vn"), ("code", &third)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
}

async fn answers_about_codes_never_tell_who_is_here(backend: Backend) {
    let app = spawn_app(backend).await;
    registered(&app, "vu@example.vn").await;
    let v = app.visitor();
    let ask = |email: &'static str| {
        let v = v.clone();
        async move {
            v.call("account/verify", &[("email", email), ("code", "12345678")])
                .await
        }
    };
    // Nobody; an account waiting for its code; a verified account (an administrator).
    let nobody = ask("khong-co@example.vn").await;
    let waiting = ask("vu@example.vn").await;
    let verified = ask(ADMIN_EMAIL).await;
    for answer in [&waiting, &verified] {
        assert_eq!(answer.status, nobody.status);
        assert_eq!(answer.body, nobody.body);
    }
    assert_eq!(
        nobody.error(),
        AppError::invalid("code", "error.code_invalid")
    );
    // An expired code answers the same.
    app.db
        .execute_unprepared("UPDATE email_codes SET expires_at = created_at")
        .await
        .unwrap();
    let expired = ask("vu@example.vn").await;
    assert_eq!(expired.body, nobody.body);
    // Asking for a code or a reset says the same whoever the address belongs to, and takes as
    // long: nothing is written for an address without an account, so the answer waits its time.
    let timed = |email: &'static str| {
        let v = v.clone();
        async move {
            let started = std::time::Instant::now();
            let answer = v.call("account/resend", &[("email", email)]).await;
            (answer, started.elapsed())
        }
    };
    let (known, known_took) = timed(ADMIN_EMAIL).await;
    let (unknown, unknown_took) = timed("khong-co@example.vn").await;
    let floor = app::account::service::CODE_ANSWER_TAKES;
    assert!(
        known_took >= floor && unknown_took >= floor,
        "{known_took:?} {unknown_took:?}"
    );
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    let known = v.call("account/forgot", &[("email", ADMIN_EMAIL)]).await;
    let unknown = v
        .call("account/forgot", &[("email", "khong-co@example.vn")])
        .await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(
        known
            .location()
            .replace(&app::links::url_encode(ADMIN_EMAIL), "…"),
        unknown.location().replace("khong-co%40example.vn", "…")
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
    assert!(fields.contains(&("email", "error.login_invalid")));
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
    // The same mailbox written another way (a `+tag`; at Gmail, dots too) is the same person: the
    // same answer, no second account, the notice to the address given.
    for (first, alias) in [
        ("hoa@example.vn", "hoa+binh-chon@example.vn"),
        ("tran.hoa@gmail.com", "tranhoa+2@googlemail.com"),
    ] {
        if first != "hoa@example.vn" {
            app.citizen(first).await;
        }
        let answer = app
            .visitor()
            .call(
                "account/register",
                &[
                    ("email", alias),
                    ("display_name", "Tài khoản thứ hai"),
                    ("password", "mật khẩu khác hẳn"),
                ],
            )
            .await;
        answer.ok();
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM users WHERE email = '{alias}'"
            ))
            .await,
            0,
            "{alias}"
        );
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM outbox WHERE to_email = '{alias}' AND kind = 'already_registered'"
            ))
            .await,
            1
        );
    }
    // Each new spelling is no new day of notices: the owner's address gets its day's share,
    // however it is written.
    for i in 0..10 {
        app.visitor()
            .call(
                "account/register",
                &[
                    ("email", &format!("hoa+{i}@example.vn")),
                    ("display_name", "Tài khoản khác"),
                    ("password", "mật khẩu khác hẳn"),
                ],
            )
            .await
            .ok();
    }
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM outbox WHERE to_email LIKE 'hoa%@example.vn' \
             AND kind = 'already_registered'"
        )
        .await,
        app::account::service::MAILS_PER_ADDRESS_PER_DAY.max
    );
}

async fn a_strangers_wrong_passwords_never_lock_the_owner_out(backend: Backend) {
    let app = spawn_app(backend).await;
    // The owner signed in from this browser before, and signed out.
    let owner = app.visitor();
    owner.sign_in(ADMIN_EMAIL, PASSWORD).await.ok();
    owner.call("account/sign-out", &[]).await.ok();

    // Fifty wrong passwords at once from elsewhere: five are looked at, the rest held back.
    let stranger = app.visitor();
    let answers = futures_util::future::join_all(
        (0..50).map(|_| stranger.sign_in(ADMIN_EMAIL, "sai mật khẩu rồi nhé")),
    )
    .await;
    let wrong = answers
        .iter()
        .filter(|a| a.status == StatusCode::CONFLICT)
        .count();
    let held_back: Vec<_> = answers
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!((wrong, held_back.len()), (5, 45));
    assert!(held_back.iter().all(|a| a.headers.contains_key("retry-after")
        && matches!(a.error(), AppError::RateLimited { retry_after_secs } if retry_after_secs > 0)));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sign_in_attempts WHERE succeeded = false")
            .await,
        5,
        "the password was checked five times, no more"
    );
    // Even the right password waits, from a browser the account has not seen.
    let held = stranger.sign_in(ADMIN_EMAIL, PASSWORD).await;
    assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(stranger.viewer().await.is_none());

    // The owner's own browser is not held back, and has tries of its own.
    let typo = owner.sign_in(ADMIN_EMAIL, "gõ nhầm một chút").await;
    assert_eq!(typo.error(), AppError::conflict("error.credentials"));
    owner.sign_in(ADMIN_EMAIL, PASSWORD).await.ok();
    assert!(
        owner
            .viewer()
            .await
            .is_some_and(|v| v.email.as_deref() == Some(ADMIN_EMAIL))
    );
    // Every sign-in that was looked at is on the record, none in public.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'account.sign_in_failed' AND is_public = false")
            .await,
        6
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'account.sign_in' AND is_public = false"
        )
        .await,
        2
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
    let ids = "SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id \
               WHERE u.email = 'chi@example.vn' ORDER BY s.id";
    let before = app.text(ids).await;

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
    assert!(
        here.viewer().await.is_some(),
        "this browser stays signed in"
    );
    assert!(elsewhere.viewer().await.is_none(), "the other session ends");
    // This browser's session is a new one: whoever copied its token before holds nothing.
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id \
                    WHERE u.email = 'chi@example.vn'"
        )
        .await,
        1
    );
    let after = app.text(ids).await;
    assert!(!before.contains(&after), "{after} was one of {before}");
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

/// Requests arriving together have their sessions read in one statement: each still finds its
/// own person with that person's roles and unread notifications, and an expired session among
/// them signs no one in and is deleted.
async fn sessions_read_together_each_find_their_own_person(backend: Backend) {
    let app = spawn_demo(backend).await;
    let emails = [
        "admin@vidan.local",
        "canbo@vidan.local",
        "giamkhao@vidan.local",
        "doi@vidan.local",
        "dan@vidan.local",
        "mai@vidan.local",
        "tuan@vidan.local",
        "lan@vidan.local",
    ];
    let mut people = Vec::new();
    for email in emails {
        let v = app.visitor();
        v.sign_in_demo(email).await.ok();
        people.push((email, v));
    }
    let expired = app.visitor();
    expired
        .sign_in("hung@vidan.local", app::demo::DEMO_PASSWORD)
        .await
        .ok();
    let hung = "(SELECT id FROM users WHERE email = 'hung@vidan.local')";
    app.db
        .execute_unprepared(&format!(
            "UPDATE sessions SET expires_at = '2020-01-01T00:00:00Z' WHERE user_id = {hung}"
        ))
        .await
        .unwrap();

    let mut asked = tokio::task::JoinSet::new();
    for round in 0..4 {
        for (email, v) in &people {
            let v = v.clone();
            let email = *email;
            asked.spawn(async move { (Some(email), round, v.viewer().await) });
        }
        let v = expired.clone();
        asked.spawn(async move { (None, round, v.viewer().await) });
    }
    while let Some(done) = asked.join_next().await {
        let (email, round, seen) = done.unwrap();
        let Some(email) = email else {
            assert_eq!(
                seen, None,
                "round {round}: an expired session signs no one in"
            );
            continue;
        };
        let seen = seen.unwrap_or_else(|| panic!("round {round}: {email} is signed in"));
        assert_eq!(
            seen.email.as_deref(),
            Some(email),
            "round {round}: each request finds its own person"
        );
        let who = format!("(SELECT id FROM users WHERE email = '{email}')");
        let unread = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM notifications WHERE user_id = {who} AND read_at IS NULL"
            ))
            .await;
        assert_eq!(seen.unread_notifications, unread as u64, "{email}'s unread");
        let staff = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM org_staff WHERE user_id = {who}"
            ))
            .await;
        assert_eq!(seen.staff.len() as i64, staff, "{email}'s organisations");
        let judging = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM judges WHERE user_id = {who}"
            ))
            .await;
        assert_eq!(seen.is_judge, judging > 0, "{email} judges or not");
        assert_eq!(seen.is_admin, email == "admin@vidan.local");
    }
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM sessions WHERE user_id = {hung}"
        ))
        .await,
        0,
        "the expired session is gone"
    );
    // The demo's roles are really there, so the checks above compare something.
    let canbo = people[1].1.viewer().await.unwrap();
    assert!(!canbo.staff.is_empty() && !canbo.is_judge);
    assert!(people[2].1.viewer().await.unwrap().is_judge);
}

/// A code not used yet that the server accepts now: the step after the last one used, if the
/// current step was. (One account has two-step sign-in in these tests.)
async fn fresh_code(app: &common::TestApp, secret: &str) -> String {
    let last = app
        .scalar("SELECT COALESCE(MAX(last_step), 0) FROM two_factor WHERE enabled_at IS NOT NULL")
        .await as u64;
    let now_step = chrono::Utc::now().timestamp() as u64 / 30;
    app::auth::two_factor::code_at(secret, now_step.max(last + 1) * 30).unwrap()
}

/// What a refused call's error was.
fn error_of(answer: &common::Answer) -> AppError {
    answer.error()
}

/// An administrator, staff or a judge acts in that role only once two-step sign-in is on: until
/// then, they are a citizen with a banner, and every official act is refused with the reason.
/// A staff member lost their phone and their recovery codes: an administrator resets their
/// two-step sign-in, with a reason. They are signed out everywhere, told, and their office waits
/// until they set it up again; nobody resets their own, and nobody else resets anyone's.
async fn an_administrator_resets_a_lost_two_step_sign_in_on_the_record(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    assert!(staff.viewer().await.unwrap().two_factor);
    let admin = app.admin().await;
    let reset = |email: &'static str, reason: &'static str| {
        let admin = admin.clone();
        async move {
            admin
                .call(
                    "admin/two-step/reset",
                    &[("email", email), ("reason", reason)],
                )
                .await
        }
    };
    assert_eq!(
        reset("canbo@p1.vn", "gọi").await.invalid_fields(),
        ["reason"]
    );
    assert_eq!(
        reset("khong-co@p1.vn", "Đã gọi lại số máy bàn của phường.")
            .await
            .invalid_fields(),
        ["email"]
    );
    let own = reset(ADMIN_EMAIL, "Tôi mất điện thoại rồi.").await;
    assert!(
        matches!(error_of(&own), AppError::Conflict { key, .. } if key == "error.two_step_reset_self")
    );
    let citizen = app.citizen("dan@example.vn").await;
    let tried = citizen
        .call(
            "admin/two-step/reset",
            &[
                ("email", "canbo@p1.vn"),
                ("reason", "Đã gọi lại số máy bàn của phường."),
            ],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    assert!(
        staff.viewer().await.unwrap().two_factor,
        "nothing changed yet"
    );

    reset("canbo@p1.vn", "Đã gọi lại số máy bàn của phường.")
        .await
        .ok();
    assert!(staff.viewer().await.is_none(), "signed out everywhere");
    let again = app.visitor();
    again.sign_in("canbo@p1.vn", PASSWORD).await.ok();
    let seen = again
        .viewer()
        .await
        .expect("the password alone signs in again");
    assert!(
        !seen.two_factor && seen.office_waiting,
        "the office waits for a new set-up"
    );
    let told = app
        .text("SELECT subject FROM outbox WHERE to_email = 'canbo@p1.vn' ORDER BY id DESC LIMIT 1")
        .await;
    assert_eq!(told, "Đăng nhập hai bước của bạn đã được đặt lại");
    assert_eq!(
        app.text("SELECT reason FROM audit_log WHERE action = 'account.two_step_reset'")
            .await,
        "Đã gọi lại số máy bàn của phường."
    );
    let twice = reset("canbo@p1.vn", "Đã gọi lại số máy bàn của phường.").await;
    assert!(
        matches!(error_of(&twice), AppError::Conflict { key, .. } if key == "error.two_step_not_on")
    );
    again.turn_on_two_step().await;
    assert!(again.viewer().await.unwrap().two_factor);
}

async fn officials_act_only_once_two_step_sign_in_is_on(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.visitor();
    admin.sign_in(ADMIN_EMAIL, PASSWORD).await.ok();
    let seen = admin.viewer().await.unwrap();
    assert!(seen.office_waiting && !seen.is_admin && !seen.two_factor);
    let create = || {
        admin.call(
            "admin/organisations/create",
            &[
                ("name_vi", "Phường 9"),
                ("name_en", "Ward 9"),
                ("kind", "ward"),
            ],
        )
    };
    let refused = create().await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(error_of(&refused), AppError::TwoFactorNeeded);
    let (_, page) = admin.page("/admin").await;
    assert!(
        page.contains("/account#two-step-heading"),
        "the banner says what to do"
    );

    // Someone with the password alone cannot set up their own app and take the office: it
    // takes the code emailed to the owner's mailbox too.
    let stranger = app.visitor();
    stranger.sign_in(ADMIN_EMAIL, PASSWORD).await.ok();
    stranger.call("account/two-step/begin", &[]).await.ok();
    let status: app::api::two_step::TwoStepState =
        stranger.call("account/two-step", &[]).await.json();
    assert!(status.required);
    let theirs = status.pending.unwrap().secret.replace(' ', "");
    for email_code in ["", "12345678"] {
        let refused = stranger
            .call(
                "account/two-step/confirm",
                &[
                    ("code", &common::current_code(&theirs)),
                    ("email_code", email_code),
                ],
            )
            .await;
        assert_eq!(refused.invalid_fields(), ["email_code"]);
    }
    assert!(!stranger.viewer().await.unwrap().two_factor);
    // Each browser session sees only the secret it drew: neither reads the other's.
    let owners: app::api::two_step::TwoStepState = admin.call("account/two-step", &[]).await.json();
    assert!(
        owners.pending.is_none(),
        "the stranger's secret is not the owner's to see"
    );
    admin.call("account/two-step/begin", &[]).await.ok();
    let seen: app::api::two_step::TwoStepState =
        stranger.call("account/two-step", &[]).await.json();
    assert!(seen.pending.is_none(), "nor the owner's the stranger's");
    assert!(
        app.text("SELECT subject FROM outbox WHERE to_email = 'admin@test.vidan' ORDER BY id DESC LIMIT 1")
            .await
            .starts_with("Mã xác nhận bật đăng nhập hai bước"),
        "the owner is told by email"
    );

    let (secret, codes) = admin.turn_on_two_step().await;
    assert_eq!(codes.len(), app::auth::two_factor::RECOVERY_CODES);
    assert!(secret.len() >= 32);
    let seen = admin.viewer().await.unwrap();
    assert!(seen.is_admin && seen.two_factor && !seen.office_waiting);
    let org: app::org::model::Organisation = create().await.json();

    // Staff: the role is granted, but waits for the second step.
    let staff = app.citizen("canbo@p9.vn").await;
    admin
        .call(
            "admin/organisations/staff/add",
            &[
                ("organisation_id", &org.id.to_string()),
                ("email", "canbo@p9.vn"),
                ("title", "Cán bộ"),
            ],
        )
        .await
        .ok();
    let seen = staff.viewer().await.unwrap();
    assert!(seen.staff.is_empty() && seen.office_waiting);
    let org_id = org.id.to_string();
    let draft = || async {
        staff
            .call(
                "organisations/settings",
                &[("organisation_id", org_id.as_str()), ("response_days", "5")],
            )
            .await
    };
    assert_eq!(error_of(&draft().await), AppError::TwoFactorNeeded);
    staff.turn_on_two_step().await;
    assert_eq!(staff.viewer().await.unwrap().staff.len(), 1);
    draft().await.ok();

    // A citizen holds no office: nothing waits, nothing is asked.
    let citizen = app.citizen("lan@example.vn").await;
    let seen = citizen.viewer().await.unwrap();
    assert!(!seen.office_waiting && !seen.two_factor);
    let (_, page) = citizen.page("/").await;
    assert!(!page.contains("office-banner"));
}

/// With two-step sign-in on, the password alone opens nothing: the code comes next, wrong codes
/// are refused, each right code and each recovery code works once.
async fn the_password_alone_opens_nothing_and_each_code_works_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let lan = app.citizen("lan@example.vn").await;
    let (secret, codes) = lan.turn_on_two_step().await;

    let v = app.visitor();
    let first = v.sign_in("lan@example.vn", PASSWORD).await;
    assert_eq!(first.location(), "/sign-in/code?next=%2F");
    assert_eq!(v.viewer().await, None, "no session before the code");
    let step: app::api::two_step::WaitingCode = v.call("account/sign-in/step", &[]).await.json();
    assert!(step.waiting);
    assert_eq!(step.demo_code, None, "no hint outside the demo");
    let wrong = v.call("account/sign-in/code", &[("code", "000000")]).await;
    assert_eq!(wrong.invalid_fields(), vec!["code".to_owned()]);
    assert_eq!(v.viewer().await, None);

    // The code that turned it on was used: it does not open anything again.
    let last = app.scalar("SELECT last_step FROM two_factor").await as u64;
    let used = app::auth::two_factor::code_at(&secret, last * 30).unwrap();
    let replayed = v.call("account/sign-in/code", &[("code", &used)]).await;
    assert_eq!(replayed.invalid_fields(), vec!["code".to_owned()]);
    // The next step's code does (the app shows it now, or within thirty seconds).
    let fresh = fresh_code(&app, &secret).await;
    let answer = v
        .call(
            "account/sign-in/code",
            &[("code", &fresh), ("next", "/account")],
        )
        .await;
    assert_eq!(answer.location(), "/account");
    assert_eq!(
        v.viewer().await.unwrap().email.as_deref(),
        Some("lan@example.vn")
    );

    // A recovery code stands in for the app's once; typed however.
    let other = app.visitor();
    other.sign_in("lan@example.vn", PASSWORD).await.ok();
    let typed = codes[0].to_uppercase().replace('-', " ");
    other
        .call("account/sign-in/code", &[("code", &typed)])
        .await
        .location();
    assert!(other.viewer().await.is_some());
    let again = app.visitor();
    again.sign_in("lan@example.vn", PASSWORD).await.ok();
    let reused = again
        .call("account/sign-in/code", &[("code", &codes[0])])
        .await;
    assert_eq!(reused.invalid_fields(), vec!["code".to_owned()]);
    let status: app::api::two_step::TwoStepState = lan.call("account/two-step", &[]).await.json();
    assert_eq!(
        status.recovery_left,
        app::auth::two_factor::RECOVERY_CODES as i64 - 1
    );

    // Every try is in the trace: the three wrong codes at once, each right password as a
    // sign-in waiting for its code, and a sign-in only once its code came, with its session.
    let count = |action: &str, like: &str| {
        format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND details LIKE '{like}' AND is_public = false"
        )
    };
    assert_eq!(app.scalar(&count("account.two_step_failed", "%")).await, 3);
    assert_eq!(
        app.scalar(&count("account.sign_in_code_asked", "%")).await,
        3
    );
    assert_eq!(
        app.scalar(&count("account.sign_in", "%\"two_step\":true%"))
            .await,
        2,
        "the third password never got its code: nobody signed in"
    );
}

/// One right code sent from ten waiting sign-ins at once opens one of them; five wrong codes end
/// a waiting sign-in, right code or not after them.
async fn a_code_sent_at_once_from_many_sign_ins_opens_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let lan = app.citizen("lan@example.vn").await;
    let (secret, _) = lan.turn_on_two_step().await;
    let mut browsers = Vec::new();
    for _ in 0..10 {
        let v = app.visitor();
        v.sign_in("lan@example.vn", PASSWORD).await.location();
        browsers.push(v);
    }
    let code = fresh_code(&app, &secret).await;
    let mut tries = tokio::task::JoinSet::new();
    for v in browsers.clone() {
        let code = code.clone();
        tries.spawn(async move {
            let answer = v.call("account/sign-in/code", &[("code", &code)]).await;
            answer.status.is_success() || answer.status.is_redirection()
        });
    }
    let mut opened = 0;
    while let Some(done) = tries.join_next().await {
        opened += usize::from(done.unwrap());
    }
    assert_eq!(opened, 1, "a code opens one sign-in");

    let v = app.visitor();
    v.sign_in("lan@example.vn", PASSWORD).await.location();
    for _ in 0..app::auth::two_factor::STEP_TRIES {
        let wrong = v.call("account/sign-in/code", &[("code", "111111")]).await;
        assert_eq!(wrong.invalid_fields(), vec!["code".to_owned()]);
    }
    let after = v
        .call(
            "account/sign-in/code",
            &[("code", &common::code_after(&secret, 30))],
        )
        .await;
    assert_eq!(
        after.error(),
        AppError::conflict("error.two_factor_step_expired")
    );
    assert_eq!(v.viewer().await, None);
}

/// Setting up takes a right first code; new recovery codes replace the old; turning off takes a
/// code, and an official's role waits again.
async fn two_step_sign_in_is_set_up_renewed_and_turned_off_with_a_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let lan = app.citizen("lan@example.vn").await;
    let elsewhere = app.visitor();
    elsewhere.sign_in("lan@example.vn", PASSWORD).await.ok();

    lan.call("account/two-step/begin", &[]).await.ok();
    let status: app::api::two_step::TwoStepState = lan.call("account/two-step", &[]).await.json();
    let pending = status.pending.expect("a secret to scan");
    assert!(pending.qr_svg.starts_with("<?xml") || pending.qr_svg.contains("<svg"));
    let wrong = lan
        .call("account/two-step/confirm", &[("code", "123456x")])
        .await;
    assert_eq!(wrong.invalid_fields(), vec!["code".to_owned()]);
    let secret = pending.secret.replace(' ', "");
    let codes: Vec<String> = lan
        .call(
            "account/two-step/confirm",
            &[("code", &common::current_code(&secret))],
        )
        .await
        .json();
    assert_eq!(
        elsewhere.viewer().await,
        None,
        "browsers on the password alone are signed out"
    );
    assert!(lan.viewer().await.unwrap().two_factor);
    assert_eq!(
        lan.call("account/two-step/begin", &[]).await.error(),
        AppError::conflict("error.two_factor_already_on")
    );

    let fresh: Vec<String> = lan
        .call("account/two-step/recovery-codes", &[("code", &codes[1])])
        .await
        .json();
    assert_eq!(fresh.len(), codes.len());
    let old = lan
        .call("account/two-step/off", &[("code", &codes[2])])
        .await;
    assert_eq!(
        old.invalid_fields(),
        vec!["code".to_owned()],
        "old codes are gone"
    );
    lan.call("account/two-step/off", &[("code", &fresh[0])])
        .await
        .location();
    assert!(!lan.viewer().await.unwrap().two_factor);

    // Staff who turn it off act as citizens again.
    let status: app::api::two_step::TwoStepState = staff.call("account/two-step", &[]).await.json();
    assert!(status.enabled_at.is_some() && !status.required);
    let row = app
        .text("SELECT secret FROM two_factor WHERE user_id = (SELECT id FROM users WHERE email = 'canbo@p1.vn')")
        .await;
    staff
        .call(
            "account/two-step/off",
            &[("code", &common::code_after(&row, 30))],
        )
        .await
        .location();
    let seen = staff.viewer().await.unwrap();
    assert!(seen.office_waiting && seen.staff.is_empty());
    assert!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action IN ('account.two_step_on', 'account.two_step_off', 'account.two_step_new_codes')")
            .await
            >= 5
    );
}

/// Signing in again from a browser that holds a session replaces it: the old session is gone
/// (its token signs in nobody), and the person has one session in that browser, not two.
async fn signing_in_replaces_the_session_the_browser_held(backend: Backend) {
    let app = spawn_app(backend).await;
    let lan = app.citizen("lan@example.vn").await;
    let sessions = "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id \
                    WHERE u.email = 'lan@example.vn'";
    let ids = "SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id \
               WHERE u.email = 'lan@example.vn'";
    assert_eq!(app.scalar(sessions).await, 1);
    let before = app.text(ids).await;
    lan.sign_in("lan@example.vn", PASSWORD).await.ok();
    assert_eq!(app.scalar(sessions).await, 1, "the old session ended");
    assert_ne!(
        app.text(ids).await,
        before,
        "a new token, not the old one kept"
    );
    assert!(
        lan.viewer().await.is_some(),
        "still signed in, with the new session"
    );
}

/// The account page lists the browsers signed in and signs one, or all the others, out; a
/// handle of someone else's session ends nothing.
async fn other_browsers_are_signed_out_from_the_account_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let here = app.citizen("lan@example.vn").await;
    let phone = app.visitor();
    phone.sign_in("lan@example.vn", PASSWORD).await.ok();
    let laptop = app.visitor();
    laptop.sign_in("lan@example.vn", PASSWORD).await.ok();
    let other = app.citizen("mai@example.vn").await;
    let sessions: Vec<app::auth::model::SessionInfo> =
        here.call("account/sessions", &[]).await.json();
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions.iter().filter(|s| s.this_browser).count(), 1);
    // Lan's handles, sent by another account, end nothing.
    for handle in sessions.iter().filter(|s| !s.this_browser) {
        let _ = other
            .call("account/sessions/end", &[("handle", &handle.handle)])
            .await;
    }
    assert!(phone.viewer().await.is_some() && laptop.viewer().await.is_some());
    assert!(other.viewer().await.is_some());
    // One by its handle, then all the others.
    let one = sessions.iter().find(|s| !s.this_browser).unwrap();
    here.call("account/sessions/end", &[("handle", &one.handle)])
        .await
        .location();
    let left = [
        phone.viewer().await.is_some(),
        laptop.viewer().await.is_some(),
    ];
    assert_eq!(left.iter().filter(|signed_in| **signed_in).count(), 1);
    here.call("account/sessions/end", &[("all_others", "on")])
        .await
        .location();
    assert!(phone.viewer().await.is_none() && laptop.viewer().await.is_none());
    assert!(
        here.viewer().await.is_some(),
        "this browser stays signed in"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'account.sessions_ended'")
            .await,
        2
    );
}

/// Strangers who use up an address's day of code emails and code guesses do not keep its owner,
/// on a browser that signed in to the account before, from resetting the password.
async fn strangers_cannot_use_up_the_owners_codes(backend: Backend) {
    use app::account::service::{CODE_GUESSES_PER_DAY, MAILS_PER_ADDRESS_PER_DAY};
    let app = spawn_app(backend).await;
    let email = "lan@example.vn";
    let lan = app.citizen(email).await;
    let stranger = app.visitor();
    let reset_mails =
        format!("SELECT COUNT(*) FROM outbox WHERE to_email = '{email}' AND kind = 'reset'");
    let mails = || app.scalar(&reset_mails);
    for _ in 0..MAILS_PER_ADDRESS_PER_DAY.max {
        stranger.call("account/forgot", &[("email", email)]).await;
        app.age_codes(2).await;
    }
    let guess = [
        ("email", email),
        ("code", "00000000"),
        ("password", "một mật khẩu mới khá dài"),
    ];
    // (Verifying the address at sign-up took one of the day's tries.)
    for i in 1..CODE_GUESSES_PER_DAY.max {
        let wrong = stranger.call("account/reset", &guess).await;
        assert_eq!(
            wrong.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "guess {i}: {}",
            wrong.body
        );
    }
    // The stranger's day is used up.
    let sent = mails().await;
    stranger.call("account/forgot", &[("email", email)]).await;
    assert_eq!(mails().await, sent, "no more mail for strangers today");
    assert_eq!(
        stranger.call("account/reset", &guess).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The owner's phone has its own.
    lan.call("account/forgot", &[("email", email)]).await;
    assert_eq!(mails().await, sent + 1);
    let code = lan.last_code_for(email).await;
    lan.call(
        "account/reset",
        &[
            ("email", email),
            ("code", &code),
            ("password", "một mật khẩu mới khá dài"),
        ],
    )
    .await
    .location();
    let again = app.visitor();
    again
        .sign_in(email, "một mật khẩu mới khá dài")
        .await
        .location();
}

/// An official's session ends after a day unused (or three days after signing in); a citizen's
/// unused as long stays.
async fn an_officials_session_ends_sooner_than_a_citizens(backend: Backend) {
    let app = spawn_app(backend).await;
    use app::auth::session::OFFICIAL_IDLE_HOURS;
    let (_, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let citizen = app.citizen("lan@example.vn").await;
    assert!(staff.viewer().await.is_some() && citizen.viewer().await.is_some());
    // Unused for an hour less than an official's limit: everyone is still in.
    common::sessions_idle_for(&app, OFFICIAL_IDLE_HOURS - 1).await;
    assert!(staff.viewer().await.is_some(), "the official is still in");
    // Unused for an hour more: the official signs in again, the citizen does not (a judge's
    // session is tried in `judging.rs`).
    common::sessions_idle_for(&app, OFFICIAL_IDLE_HOURS + 1).await;
    assert!(
        staff.viewer().await.is_none(),
        "the official signs in again"
    );
    assert!(citizen.viewer().await.is_some(), "the citizen stays in");
}

/// A stranger who knows an official's password uses up the account's day of wrong second-step
/// codes; the official, on the browser they signed in from before, still signs in.
async fn a_stranger_with_the_password_cannot_lock_the_owner_out_of_the_second_step(
    backend: Backend,
) {
    use app::auth::two_factor::{CODES_PER_ACCOUNT_PER_DAY, STEP_TRIES};
    let app = spawn_app(backend).await;
    let (_, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let secret = app
        .text("SELECT secret FROM two_factor WHERE user_id = (SELECT id FROM users WHERE email = 'canbo@p1.vn')")
        .await;
    let stranger = app.visitor();
    let mut refused = false;
    for _ in 0..=(CODES_PER_ACCOUNT_PER_DAY.max / STEP_TRIES) {
        stranger.sign_in("canbo@p1.vn", PASSWORD).await.location();
        for _ in 0..STEP_TRIES {
            let wrong = stranger
                .call("account/sign-in/code", &[("code", "000000")])
                .await;
            refused |= wrong.status == StatusCode::TOO_MANY_REQUESTS;
        }
    }
    assert!(refused, "the strangers' day of codes is used up");
    assert!(stranger.viewer().await.is_none());
    let signed_in = staff
        .sign_in_two_steps("canbo@p1.vn", PASSWORD, &secret)
        .await;
    assert!(!signed_in.location().contains("__err"));
    assert!(staff.viewer().await.unwrap().two_factor);
}

/// One network address asks for only so many code emails an hour, whichever mailboxes it names
/// (real or not): the refusal is the same for all, and tells nothing about any account.
async fn one_address_asks_for_only_so_many_code_emails(backend: Backend) {
    let app = spawn_app(backend).await;
    app.citizen("lan@example.vn").await;
    let v = app.visitor();
    let limit = app::account::service::CODE_MAILS_PER_NETWORK.max;
    for i in 0..limit {
        let answer = v
            .call(
                "account/forgot",
                &[("email", &format!("nguoi{i}@example.vn"))],
            )
            .await;
        assert_ne!(answer.status, StatusCode::TOO_MANY_REQUESTS, "request {i}");
    }
    let sent_before = app.scalar("SELECT COUNT(*) FROM outbox").await;
    for (endpoint, email) in [
        ("account/forgot", "lan@example.vn"),
        ("account/forgot", "khong-co@example.vn"),
        ("account/resend", "lan@example.vn"),
    ] {
        let refused = v.call(endpoint, &[("email", email)]).await;
        assert_eq!(
            refused.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{endpoint} {email}"
        );
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox").await, sent_before);
}

/// Wrong codes from one network address count across every account it names: past the hour's
/// limit the address is refused, even with a right code, and the refusal tells nothing about
/// the account. The owner, from her own address, verifies as usual.
async fn one_address_guesses_only_so_many_codes(backend: Backend) {
    use app::account::service::CODE_GUESSES_PER_ADDRESS;
    let app = spawn_app_with(
        backend,
        Options {
            trust_proxy: true,
            ..Default::default()
        },
    )
    .await;
    let lan = app.visitor_from("203.0.113.5");
    lan.call(
        "account/register",
        &[
            ("email", "lan@example.vn"),
            ("display_name", "Lan"),
            ("password", PASSWORD),
        ],
    )
    .await
    .ok();
    let code = lan.last_code_for("lan@example.vn").await;
    let guesser = app.visitor_from("198.51.100.7");
    for i in 0..CODE_GUESSES_PER_ADDRESS.max {
        let wrong = guesser
            .call(
                "account/verify",
                &[
                    ("email", &format!("nguoi{i}@example.vn")),
                    ("code", "12345678"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "guess {i}");
    }
    for email in ["lan@example.vn", "khong-co@example.vn"] {
        let refused = guesser
            .call("account/verify", &[("email", email), ("code", &code)])
            .await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{email}");
        assert!(matches!(refused.error(), AppError::RateLimited { .. }));
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE email = 'lan@example.vn' AND email_verified_at IS NULL")
            .await,
        1,
        "the right code from the guessing address verified nothing"
    );
    lan.call(
        "account/verify",
        &[("email", "lan@example.vn"), ("code", &code)],
    )
    .await
    .ok();
}

/// Wrong passwords from one network address count across every account it names: past the
/// quarter hour's limit the address is refused, even with someone's right password. The owner,
/// from elsewhere, signs in as usual.
async fn one_address_tries_only_so_many_wrong_passwords(backend: Backend) {
    use app::account::rules::SIGN_IN_PER_ADDRESS;
    let app = spawn_app_with(
        backend,
        Options {
            trust_proxy: true,
            ..Default::default()
        },
    )
    .await;
    app.citizen("lan@example.vn").await;
    let guesser = app.visitor_from("198.51.100.7");
    for i in 0..SIGN_IN_PER_ADDRESS.max {
        let wrong = guesser
            .sign_in(&format!("nguoi{i}@example.vn"), "sai mật khẩu rồi nhé")
            .await;
        assert_eq!(
            wrong.error(),
            AppError::conflict("error.credentials"),
            "try {i}"
        );
    }
    let refused = guesser.sign_in("lan@example.vn", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(guesser.viewer().await.is_none());
    // Another address in the same network block is another address (IPv4 is counted whole).
    let home = app.visitor_from("198.51.100.8");
    home.sign_in("lan@example.vn", PASSWORD).await.ok();
    assert!(home.viewer().await.is_some());
}

/// Wrong passwords sent at once from one address count as many: the address's quarter hour is
/// counted before any is hashed, so a burst is cut at the limit, not checked whole.
async fn wrong_passwords_sent_at_once_from_one_address_stop_at_its_limit(backend: Backend) {
    use app::account::rules::SIGN_IN_PER_ADDRESS;
    let app = spawn_app_with(
        backend,
        Options {
            trust_proxy: true,
            ..Default::default()
        },
    )
    .await;
    let tries = SIGN_IN_PER_ADDRESS.max + 15;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..tries {
        let guesser = app.visitor_from("198.51.100.20");
        guesses.spawn(async move {
            guesser
                .sign_in(&format!("ai{i}@example.vn"), "sai mật khẩu rồi nhé")
                .await
                .status
        });
    }
    let mut refused = 0;
    while let Some(status) = guesses.join_next().await {
        match status.unwrap() {
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            StatusCode::CONFLICT => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(refused, tries - SIGN_IN_PER_ADDRESS.max);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sign_in_attempts").await,
        SIGN_IN_PER_ADDRESS.max
    );
}

/// The current password, asked again to change it or to delete the account, cannot be guessed
/// from a session left open: a few wrong a quarter hour, counted before each is hashed (all sent
/// at once count as many), and the right one still works for its owner afterwards.
async fn the_current_password_cannot_be_guessed_from_an_open_session(backend: Backend) {
    use app::account::rules::PASSWORD_RECHECKS;
    let app = spawn_app(backend).await;
    let lan = app.citizen("lan@example.vn").await;
    let tries = PASSWORD_RECHECKS.max + 10;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..tries {
        let lan = lan.clone();
        guesses.spawn(async move {
            let wrong = format!("đoán thử lần thứ {i} nhé");
            let answer = if i % 2 == 0 {
                lan.call(
                    "account/password",
                    &[
                        ("current_password", wrong.as_str()),
                        ("new_password", "một câu mới cũng đủ dài"),
                    ],
                )
                .await
            } else {
                lan.call(
                    "account/delete",
                    &[("password", wrong.as_str()), ("confirm", "yes")],
                )
                .await
            };
            answer.status
        });
    }
    let mut checked = 0;
    while let Some(status) = guesses.join_next().await {
        match status.unwrap() {
            StatusCode::UNPROCESSABLE_ENTITY => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(checked, PASSWORD_RECHECKS.max);
    assert!(lan.viewer().await.is_some(), "the account is still hers");
    // The owner, a quarter hour later, changes it with the right one.
    app.db
        .execute_unprepared("UPDATE throttles SET hits = 0 WHERE bucket LIKE 'password_recheck%'")
        .await
        .unwrap();
    lan.call(
        "account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "một câu mới cũng đủ dài"),
        ],
    )
    .await
    .ok();
}

/// Turned on by a form sent before the page's code arrived (or without JavaScript), two-step
/// sign-in still shows its recovery codes: once, on the account page the form leads back to.
async fn recovery_codes_made_without_javascript_are_shown_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let lan = app.citizen("lan@example.vn").await;
    lan.call("account/two-step/begin", &[]).await.ok();
    let status: app::api::two_step::TwoStepState = lan.call("account/two-step", &[]).await.json();
    let secret = status.pending.unwrap().secret.replace(' ', "");
    let sent = lan
        .post_from_page(
            "/account",
            "account/two-step/confirm",
            &[("code", &common::current_code(&secret))],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::FOUND);
    assert!(
        sent.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/account")
    );
    let (_, page) = lan.page("/account").await;
    let codes: Vec<String> = page
        .split("<li>")
        .skip(1)
        .filter_map(|li| li.split("</li>").next())
        .filter(|c| c.len() == 12 && c.matches('-').count() == 2)
        .map(str::to_owned)
        .collect();
    assert_eq!(codes.len(), 10, "{page}");
    let (_, again) = lan.page("/account").await;
    assert!(!again.contains(&codes[0]), "shown once");
    // They are the account's codes: one stands in for the app.
    lan.call("account/two-step/recovery-codes", &[("code", &codes[3])])
        .await
        .ok();

    // Codes planted in the cookie by anyone else are not shown as the account's.
    let planted = app.citizen("mai@example.vn").await;
    planted.call("account/two-step/begin", &[]).await.ok();
    let status: app::api::two_step::TwoStepState =
        planted.call("account/two-step", &[]).await.json();
    let secret = status.pending.unwrap().secret.replace(' ', "");
    planted
        .call(
            "account/two-step/confirm",
            &[("code", &common::current_code(&secret))],
        )
        .await
        .ok();
    planted.jar.add_cookie_str(
        "vidan_recovery_codes=aaaa-bbbb-cc.dddd-eeee-ff; Path=/",
        &planted.base.parse().unwrap(),
    );
    let (_, page) = planted.page("/account").await;
    assert!(page.contains("two-step-heading"), "signed in: {page}");
    assert!(!page.contains("aaaa-bbbb-cc"));
}

/// The demo site shows its demo officials' codes (their secrets are public); a real site never.
async fn the_demo_site_shows_its_demo_codes(backend: Backend) {
    let app = spawn_demo(backend).await;
    let v = app.visitor();
    v.sign_in("admin@vidan.local", app::demo::DEMO_PASSWORD)
        .await
        .location();
    let step: app::api::two_step::WaitingCode = v.call("account/sign-in/step", &[]).await.json();
    let code = step.demo_code.expect("the demo's code is shown");
    v.call("account/sign-in/code", &[("code", &code)])
        .await
        .location();
    assert!(v.viewer().await.unwrap().is_admin);
}

/// A reset gives the owner the account back, whatever someone who knows the old password sends
/// at the same moment: ten sign-ins with it from other browsers, and a change of it from the
/// session they hold, leave them signed in nowhere, and the owner's new password the account's.
async fn a_reset_takes_the_account_back_from_whoever_knows_the_old_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = "dung@example.vn";
    let thief = app.citizen(email).await;
    let owner = app.visitor();
    owner.call("account/forgot", &[("email", email)]).await.ok();
    let code = owner.last_code_for(email).await;
    let renewed = "mật khẩu mới của chủ tài khoản";
    let mut at_once = tokio::task::JoinSet::new();
    let mut browsers = Vec::new();
    for i in 0..10 {
        let b = app.visitor_from(&format!("203.0.113.{}", 10 + i));
        browsers.push(b.clone());
        at_once.spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(15 * i)).await;
            b.sign_in(email, PASSWORD).await.status
        });
    }
    let changer = thief.clone();
    at_once.spawn(async move {
        changer
            .call(
                "account/password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", "kẻ gian đổi mật khẩu rồi"),
                ],
            )
            .await
            .status
    });
    let resetter = owner.clone();
    at_once.spawn(async move {
        resetter
            .call(
                "account/reset",
                &[("email", email), ("code", &code), ("password", renewed)],
            )
            .await
            .status
    });
    while let Some(done) = at_once.join_next().await {
        done.unwrap();
    }
    for b in browsers.iter().chain([&thief]) {
        assert_eq!(
            b.viewer().await,
            None,
            "signed in with the old password after the reset"
        );
    }
    // The owner's browser (trusted by the reset) has its own tries, whatever strangers used up.
    owner.sign_in(email, renewed).await.ok();
    assert!(
        owner.viewer().await.is_some(),
        "the owner's password opens it"
    );
}

on_both_databases!(
    a_reset_takes_the_account_back_from_whoever_knows_the_old_password,
    signing_in_replaces_the_session_the_browser_held,
    a_stranger_with_the_password_cannot_lock_the_owner_out_of_the_second_step,
    an_officials_session_ends_sooner_than_a_citizens,
    strangers_cannot_use_up_the_owners_codes,
    other_browsers_are_signed_out_from_the_account_page,
    one_address_asks_for_only_so_many_code_emails,
    one_address_guesses_only_so_many_codes,
    one_address_tries_only_so_many_wrong_passwords,
    wrong_passwords_sent_at_once_from_one_address_stop_at_its_limit,
    the_current_password_cannot_be_guessed_from_an_open_session,
    recovery_codes_made_without_javascript_are_shown_once,
    an_administrator_resets_a_lost_two_step_sign_in_on_the_record,
    a_new_citizen_registers_verifies_signs_in_and_out,
    a_wrong_code_is_refused_and_counts_against_the_code,
    bad_registrations_are_refused_field_by_field_and_save_nothing,
    registering_an_email_twice_reveals_nothing_and_warns_the_owner,
    a_strangers_wrong_passwords_never_lock_the_owner_out,
    fifty_guesses_of_a_code_sent_at_once_count_as_fifty,
    a_new_code_does_not_give_new_guesses,
    answers_about_codes_never_tell_who_is_here,
    an_unknown_account_gets_the_same_answer_as_a_wrong_password,
    a_forgotten_password_is_reset_by_email_and_old_sessions_end,
    changing_the_password_needs_the_current_one_and_ends_other_sessions,
    the_profile_keeps_name_and_language,
    sessions_read_together_each_find_their_own_person,
    officials_act_only_once_two_step_sign_in_is_on,
    the_password_alone_opens_nothing_and_each_code_works_once,
    a_code_sent_at_once_from_many_sign_ins_opens_one,
    two_step_sign_in_is_set_up_renewed_and_turned_off_with_a_code,
    the_demo_site_shows_its_demo_codes,
);
