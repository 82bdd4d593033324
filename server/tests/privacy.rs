//! A person's own data through the real HTTP stack: the export holds what the platform keeps
//! about them and no secret, and deleting an account removes the person while the public record
//! (counted votes, comments, a team's entry) stays.

use crate::common;

use crate::common::{Backend, Visitor, spawn_app, spawn_demo};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::Value;

const DEMO_PASSWORD: &str = app::demo::DEMO_PASSWORD;

async fn export(v: &Visitor) -> Value {
    let r = v.get("/account/export.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    r.json().await.expect("JSON")
}

async fn the_export_holds_what_is_kept_about_me_and_no_secret(backend: Backend) {
    let app = spawn_app(backend).await;
    let anonymous = app.visitor().get("/account/export.json").await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    let v = app.citizen("an@example.vn").await;
    let data = export(&v).await;
    assert_eq!(data["account"]["email"], "an@example.vn");
    assert_eq!(data["account"]["display_name"], "Người dân");
    let sessions = data["sessions"].as_array().unwrap();
    assert!(!sessions.is_empty(), "the session signed in now");
    let text = data.to_string();
    assert!(!text.contains("password_hash") && !text.contains("$argon2"));
    assert!(
        sessions.iter().all(|s| s.get("id").is_none()),
        "no session token hash"
    );
    let mails = data["emails_sent"].as_array().unwrap();
    assert!(!mails.is_empty(), "the verification mail");
    assert!(mails.iter().all(|m| m.get("body_text").is_none()));
    let other = app.citizen("binh@example.vn").await;
    let theirs = export(&other).await;
    assert!(
        !theirs.to_string().contains("an@example.vn"),
        "only one's own data"
    );
}

async fn deleting_needs_the_password_and_a_confirmation_and_loses_nothing_before(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.citizen("an@example.vn").await;
    let wrong = v
        .call(
            "account/delete",
            &[("password", "not it"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(wrong.invalid_fields(), vec!["password"]);
    let unconfirmed = v
        .call("account/delete", &[("password", common::PASSWORD)])
        .await;
    assert_eq!(unconfirmed.invalid_fields(), vec!["confirm"]);
    assert!(
        v.viewer().await.is_some(),
        "still signed in, nothing deleted"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE email = 'an@example.vn'")
            .await,
        1
    );
    let admin = app.admin().await;
    let last = admin
        .call(
            "account/delete",
            &[("password", common::PASSWORD), ("confirm", "yes")],
        )
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT, "{}", last.body);
    assert!(admin.viewer().await.is_some());
}

/// A citizen who voted, commented and rated deletes their account: signed out everywhere, unable
/// to sign in, their votes still counted, their comment under "deleted account".
async fn a_deleted_account_leaves_the_public_record_whole(backend: Backend) {
    let app = spawn_demo(backend).await;
    let email = "dan@vidan.local";
    let id = app
        .scalar(&format!("SELECT id FROM users WHERE email = '{email}'"))
        .await;
    let votes_before = app.scalar("SELECT COUNT(*) FROM votes").await;
    let own_votes = app
        .scalar(&format!("SELECT COUNT(*) FROM votes WHERE user_id = {id}"))
        .await;
    assert!(own_votes > 0, "the demo citizen voted");
    let comments_before = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM pilot_comments WHERE user_id = {id}"
        ))
        .await;
    assert!(comments_before > 0, "the demo citizen commented");
    let slug = app
        .text("SELECT slug FROM challenges WHERE vote_closes_at IS NOT NULL AND results_published_at IS NOT NULL LIMIT 1")
        .await;
    let tally = async || -> Value {
        app.visitor()
            .get(&format!("/api/v1/challenges/{slug}/votes"))
            .await
            .json()
            .await
            .unwrap()
    };
    let tally_before = tally().await;
    // The vote still running, where the demo citizen voted too.
    let running_votes = format!(
        "SELECT COUNT(*) FROM votes WHERE user_id = {id} AND voided_at IS NULL AND challenge_id = \
         (SELECT id FROM challenges WHERE slug = 'tiep-nhan-phan-anh-qua-dien-thoai-cho-nguoi-khong-dung-mang')"
    );
    assert_eq!(app.scalar(&running_votes).await, 1);
    let (_, before) = app
        .visitor()
        .page(&format!(
            "/pilots/{}",
            app.scalar(&format!(
                "SELECT MIN(pilot_id) FROM pilot_comments WHERE user_id = {id}"
            ))
            .await
        ))
        .await;
    assert!(
        before.contains("Lê Văn An"),
        "the comment was signed before"
    );
    let v = app.visitor();
    v.sign_in(email, DEMO_PASSWORD).await.ok();
    let second_device = app.visitor();
    second_device.sign_in(email, DEMO_PASSWORD).await.ok();
    assert!(second_device.viewer().await.is_some());
    let done = v
        .call(
            "account/delete",
            &[("password", DEMO_PASSWORD), ("confirm", "yes")],
        )
        .await;
    assert!(
        done.location().starts_with("/?account_deleted"),
        "{}",
        done.body
    );
    assert!(v.viewer().await.is_none());
    assert!(
        second_device.viewer().await.is_none(),
        "signed out everywhere"
    );
    let again = app.visitor();
    assert!(
        again.sign_in(email, DEMO_PASSWORD).await.status != StatusCode::OK
            || again.viewer().await.is_none()
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM users WHERE email = '{email}'"
        ))
        .await,
        0,
        "the email is gone"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM votes").await, votes_before);
    let tally_after = tally().await;
    assert_eq!(
        tally_before["tally"], tally_after["tally"],
        "the closed vote's ballots still count"
    );
    // The running vote's ballot is withdrawn, on the record: the address, registered again,
    // would otherwise vote twice.
    assert_eq!(app.scalar(&running_votes).await, 0);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'vote.withdraw_deleted'")
            .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM pilot_comments WHERE user_id = {id}"
        ))
        .await,
        comments_before
    );
    let pilot = app
        .scalar(&format!(
            "SELECT MIN(pilot_id) FROM pilot_comments WHERE user_id = {id}"
        ))
        .await;
    let (_, html) = app.visitor().page(&format!("/pilots/{pilot}")).await;
    assert!(
        html.contains("Tài khoản đã xoá"),
        "the comment stays under deleted account"
    );
    // The name and the address are nowhere afterwards: in no column of any table…
    let name = "Lê Văn An";
    for needle in [name, email] {
        let found = app.columns_containing(needle).await;
        assert!(found.is_empty(), "{needle} is still in {found:?}");
    }
    // …on no public page, feed, open-data answer or download.
    let mut paths: Vec<String> = [
        "/",
        "/challenges",
        "/reports",
        "/pilots",
        "/dashboard",
        "/organisations",
        "/open-data",
        "/feed.atom",
        "/api/v1/organisations",
        "/api/v1/challenges",
        "/api/v1/challenges.csv",
        "/api/v1/reports",
        "/api/v1/pilots",
        "/api/v1/dashboard",
    ]
    .map(str::to_owned)
    .to_vec();
    let ids = async |sql: &str| -> Vec<String> {
        let n = app.scalar(&format!("SELECT COUNT(*) FROM ({sql}) x")).await;
        let mut all = Vec::new();
        for i in 0..n {
            all.push(
                app.text(&format!(
                    "SELECT CAST(v AS TEXT) FROM ({sql}) x ORDER BY v LIMIT 1 OFFSET {i}"
                ))
                .await,
            );
        }
        all
    };
    for slug in ids("SELECT slug AS v FROM challenges WHERE status <> 'draft'").await {
        for tail in ["", "/entries", "/results", "/feed.atom"] {
            paths.push(format!("/challenges/{slug}{tail}"));
        }
        for tail in ["", "/entries", "/entries.csv", "/results", "/results.csv"] {
            paths.push(format!("/api/v1/challenges/{slug}{tail}"));
        }
    }
    for report in ids("SELECT id AS v FROM reports").await {
        paths.push(format!("/reports/{report}"));
    }
    for pilot in ids("SELECT id AS v FROM pilots").await {
        for tail in ["", "/feed.atom"] {
            paths.push(format!("/pilots/{pilot}{tail}"));
        }
        for tail in ["", "/milestones.csv"] {
            paths.push(format!("/api/v1/pilots/{pilot}{tail}"));
        }
    }
    let visitor = app.visitor();
    for path in &paths {
        let answer = visitor.get(path).await;
        // (Results not yet out are a documented 409.)
        let status = answer.status();
        assert!(
            status.is_success() || status == StatusCode::CONFLICT,
            "{path}: {status}"
        );
        let body = answer.text().await.unwrap();
        assert!(
            !body.contains(name) && !body.contains(email),
            "{path} still names the deleted person"
        );
    }
    assert!(paths.len() > 40, "{} public addresses read", paths.len());
    for table in [
        "sessions",
        "notifications",
        "challenge_follows",
        "pilot_follows",
        "commitment_follows",
        "team_members",
    ] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE user_id = {id}"
            ))
            .await,
            0,
            "{table}"
        );
    }
}

/// The owner of a team of two deletes their account: the other member owns the team now, and the
/// team's entry is still there.
async fn a_team_passes_to_the_member_who_joined_next(backend: Backend) {
    use app::team::entity::member;
    use sea_orm::{ActiveModelTrait, Set};
    let app = spawn_app(backend).await;
    let contest = app.contest(1, None).await;
    let (team, owner) = &contest.teams[0];
    let _mate = app.citizen("lan@example.vn").await;
    let mate = app
        .scalar("SELECT id FROM users WHERE email = 'lan@example.vn'")
        .await;
    let challenge = app
        .scalar(&format!("SELECT challenge_id FROM teams WHERE id = {team}"))
        .await;
    member::ActiveModel {
        team_id: Set(*team),
        user_id: Set(mate),
        challenge_id: Set(challenge),
        joined_at: Set(chrono::Utc::now()),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let entries = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM entries WHERE team_id = {team}"
        ))
        .await;
    owner
        .call(
            "account/delete",
            &[("password", common::PASSWORD), ("confirm", "yes")],
        )
        .await;
    assert!(owner.viewer().await.is_none());
    assert_eq!(
        app.scalar(&format!("SELECT owner_id FROM teams WHERE id = {team}"))
            .await,
        mate
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM team_members WHERE team_id = {team}"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM entries WHERE team_id = {team}"
        ))
        .await,
        entries
    );
}

/// Someone who took part (was invited, joined, submitted) deletes their account: the others'
/// notifications, the audit records and the sign-in records no longer name them or their address.
async fn nobody_reads_a_deleted_persons_name_or_address_afterwards(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let challenge = app
        .open_challenge(&staff, org, chrono::Duration::days(10), None)
        .await;
    let owner = app.citizen("bao@example.vn").await;
    let (email, name) = ("lan@example.vn", "Trần Thị Lan");
    let lan = app.citizen_named(email, name).await;
    let team = owner
        .create_team(&challenge, "Nhóm Sen Hồng")
        .await
        .to_string();
    owner
        .call("teams/invite", &[("team_id", &team), ("email", email)])
        .await
        .ok();
    // Another team invites her mailbox under another spelling: hers too, and forgotten with her.
    let other = app.citizen("cuong@example.vn").await;
    let other_team = other
        .create_team(&challenge, "Nhóm Hoa Sen")
        .await
        .to_string();
    other
        .call(
            "teams/invite",
            &[("team_id", &other_team), ("email", "Lan+nhom2@example.vn")],
        )
        .await
        .ok();
    let detail: app::query::model::TeamDetail =
        owner.call("teams/get", &[("id", &team)]).await.json();
    lan.call("teams/join", &[("code", &detail.join_code)])
        .await
        .ok();
    let saved: app::entry::model::EntryView = lan
        .call(
            "entries/save",
            &[
                ("team_id", team.as_str()),
                ("version", "0"),
                ("entry[title]", "Số thứ tự qua tin nhắn"),
                ("entry[summary]", "Người dân lấy số và nhận tin nhắn khi sắp đến lượt."),
                ("entry[solution]", "Một máy lấy số nối với tổng đài tin nhắn; bảng điện tử ở sảnh; không cần điện thoại."),
                ("entry[pilot_plan]", "Ba tháng ở bộ phận một cửa Phường 1, hai quầy."),
                ("entry[acknowledged]", "on"),
            ],
        )
        .await
        .json();
    lan.call(
        "entries/submit",
        &[("team_id", &team), ("version", &saved.version.to_string())],
    )
    .await
    .ok();
    app.visitor().sign_in(email, "không phải mật khẩu").await;
    let (_, before) = owner.page("/notifications").await;
    assert!(before.contains(name), "the team was told who submitted");
    assert!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE details LIKE '%{email}%'"
        ))
        .await
            > 0,
        "the invitation was recorded with the address"
    );

    // A notification written before names were tagged with whose they are.
    let owner_id = app
        .scalar("SELECT id FROM users WHERE email = 'bao@example.vn'")
        .await;
    app.db
        .execute_raw(app::sql::numbered(
            app.db.get_database_backend(),
            "INSERT INTO notifications (user_id, kind, params, link, created_at) \
             VALUES (?1, 'team_member_joined', ?2, '/teams', ?3)",
            [
                owner_id.into(),
                format!(r#"{{"team":"Nhóm Sen Hồng","name":"{name}"}}"#).into(),
                chrono::Utc::now().into(),
            ],
        ))
        .await
        .unwrap();
    // The record of sign-in tries names her mailbox by a keyed digest, never in the clear.
    let attempts = app::account::service::attempt_key(
        &app.db,
        &app::account::rules::Login::read("LAN+x@example.vn"),
    )
    .await
    .unwrap();
    assert!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM sign_in_attempts WHERE email_key = '{attempts}'"
        ))
        .await
            >= 2,
        "her sign-in and the stranger's try are on the record"
    );
    assert!(
        app.columns_containing(email)
            .await
            .iter()
            .all(|c| !c.starts_with("sign_in"))
    );
    lan.call(
        "account/delete",
        &[("password", common::PASSWORD), ("confirm", "yes")],
    )
    .await
    .location();

    let (_, after) = owner.page("/notifications").await;
    assert!(
        !after.contains(name),
        "the name is gone from the team's notifications"
    );
    assert!(
        after.contains("Tài khoản đã xoá"),
        "the notification stays, unsigned"
    );
    let admin = app.admin().await;
    let (_, audit) = admin.page("/admin/audit").await;
    assert!(!audit.contains(name) && !audit.contains(email));
    for (what, sql) in [
        (
            "audit details",
            format!("SELECT COUNT(*) FROM audit_log WHERE details LIKE '%{email}%'"),
        ),
        (
            "audit names",
            format!("SELECT COUNT(*) FROM audit_log WHERE actor_name = '{name}'"),
        ),
        (
            "sign-in records",
            format!("SELECT COUNT(*) FROM sign_in_attempts WHERE email_key = '{attempts}'"),
        ),
        (
            "notifications",
            format!("SELECT COUNT(*) FROM notifications WHERE params LIKE '%{name}%'"),
        ),
        (
            "invitations",
            format!("SELECT COUNT(*) FROM invitations WHERE mailbox_key = '{email}'"),
        ),
        (
            "audit details naming another spelling",
            "SELECT COUNT(*) FROM audit_log WHERE details LIKE '%lan+nhom2%'".to_owned(),
        ),
        (
            "invitations to another spelling",
            "SELECT COUNT(*) FROM invitations WHERE email LIKE 'lan%'".to_owned(),
        ),
    ] {
        assert_eq!(app.scalar(&sql).await, 0, "{what}");
    }
}

on_both_databases!(
    nobody_reads_a_deleted_persons_name_or_address_afterwards,
    a_team_passes_to_the_member_who_joined_next,
    the_export_holds_what_is_kept_about_me_and_no_secret,
    deleting_needs_the_password_and_a_confirmation_and_loses_nothing_before,
    a_deleted_account_leaves_the_public_record_whole,
);
