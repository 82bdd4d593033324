//! Teams through the real HTTP stack: forming one, inviting by email, joining by code, the size
//! limit, one team per person per challenge, handing over, removing, leaving, and privacy.

use crate::common;

use crate::common::{Backend, TestApp, Visitor, spawn_app};
use app::error::AppError;
use app::query::model::{MyTeams, TeamDetail};
use chrono::{Duration, Utc};
use reqwest::StatusCode;

fn city(at: chrono::DateTime<Utc>) -> String {
    at.with_timezone(&app::i18n::format::city_offset())
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// A published challenge of a new ward, open for entries, with teams of at most `team_max`.
async fn open_challenge(app: &TestApp, team_max: u32, close: Duration) -> i64 {
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let now = Utc::now();
    let form = [
        ("organisation_id", org.to_string()),
        ("form[title]", "Giảm thời gian chờ ở bộ phận một cửa".into()),
        (
            "form[summary]",
            "Người dân đang chờ trung bình hai giờ để nộp hồ sơ.".into(),
        ),
        (
            "form[brief]",
            "Mỗi sáng hơn 200 người đến bộ phận một cửa của phường, chỉ có hai quầy.".into(),
        ),
        ("form[eligibility]", String::new()),
        ("form[team_min]", "1".into()),
        ("form[team_max]", team_max.to_string()),
        ("form[category]", "admin_procedures".into()),
        ("form[pilot_budget]", String::new()),
        ("form[opens_at]", city(now - Duration::days(1))),
        ("form[entries_close_at]", city(now + close)),
        (
            "form[judging_closes_at]",
            city(now + close + Duration::days(10)),
        ),
        ("form[results_at]", city(now + close + Duration::days(20))),
        ("form[vote_opens_at]", String::new()),
        ("form[vote_closes_at]", String::new()),
    ];
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let location = staff.call("challenges/create", &pairs).await.location();
    let id = location.trim_start_matches("/staff/challenges/").to_owned();
    staff.call("challenges/publish", &[("id", &id)]).await.ok();
    id.parse().unwrap()
}

async fn form_team(v: &Visitor, challenge: i64, name: &str) -> i64 {
    let location = v
        .call(
            "teams/create",
            &[
                ("challenge_id", &challenge.to_string()),
                ("name", name),
                ("organisation_name", "Trường ĐH Tây Ninh"),
                ("description", "Sinh viên công nghệ thông tin"),
                ("contact", "0909 123 456"),
            ],
        )
        .await
        .location();
    location.trim_start_matches("/teams/").parse().unwrap()
}

/// The token of the last link to `path` (`/teams/invitations/`) emailed to `email`.
async fn emailed_token(app: &TestApp, email: &str, path: &str) -> String {
    app.text(&format!(
        "SELECT body_text FROM outbox WHERE to_email = '{email}' AND body_text LIKE '%{path}%' \
         ORDER BY id DESC LIMIT 1"
    ))
    .await
    .split(path)
    .nth(1)
    .unwrap()
    .split_whitespace()
    .next()
    .unwrap()
    .to_owned()
}

async fn team(v: &Visitor, id: i64) -> TeamDetail {
    v.call("teams/get", &[("id", &id.to_string())]).await.json()
}

/// Invitations are emails (or notifications) to people who did not ask for them: one account
/// sends only so many a day, one network address only so many an hour whoever signs them, and
/// one mailbox is sent only so many a day by anyone. Each refusal leaves the rest working.
async fn invitations_are_bounded_per_account_address_and_mailbox(backend: Backend) {
    use app::account::rules::{
        INVITATIONS_PER_ADDRESS, INVITATIONS_PER_DAY, INVITATIONS_PER_MAILBOX,
    };
    let app = common::spawn_app_with(
        backend,
        common::Options {
            trust_proxy: true,
            ..Default::default()
        },
    )
    .await;
    let challenge = open_challenge(&app, 5, Duration::days(20)).await;
    let invite = |v: &Visitor, team: i64, email: String| {
        let v = v.clone();
        async move {
            v.call(
                "teams/invite",
                &[("team_id", &team.to_string()), ("email", &email)],
            )
            .await
        }
    };
    // Two accounts on one network address use up the address's hour between them.
    let per_owner = INVITATIONS_PER_ADDRESS.max / 2;
    assert!(per_owner <= INVITATIONS_PER_DAY.max);
    let mut owners = Vec::new();
    for name in ["a", "b", "c"] {
        let owner = app
            .citizen(&format!("{name}@example.vn"))
            .await
            .behind("198.51.100.7");
        let team = form_team(&owner, challenge, &format!("Nhóm {name}")).await;
        owners.push((owner, team));
    }
    for (owner, team) in &owners[..2] {
        for i in 0..per_owner {
            invite(owner, *team, format!("khach{team}-{i}@example.vn"))
                .await
                .ok();
        }
    }
    let (third, third_team) = &owners[2];
    let refused = invite(third, *third_team, "moi@example.vn".into()).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    // The same person from another address is not held back by that one.
    invite(
        &third.behind("203.0.113.9"),
        *third_team,
        "moi@example.vn".into(),
    )
    .await
    .ok();
    // One account's day: past it, refused from anywhere.
    let (first, first_team) = &owners[0];
    let first = first.behind("203.0.113.10");
    for i in per_owner..INVITATIONS_PER_DAY.max {
        invite(&first, *first_team, format!("them{i}@example.vn"))
            .await
            .ok();
    }
    let refused = invite(&first, *first_team, "them-nua@example.vn".into()).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    // One mailbox, invited by many teams: only so many a day reach it.
    let lan = app.citizen("lan@example.vn").await;
    for i in 0..=INVITATIONS_PER_MAILBOX.max {
        let owner = app
            .citizen(&format!("chu{i}@example.vn"))
            .await
            .behind(&format!("192.0.2.{i}"));
        let team = form_team(&owner, challenge, &format!("Đội {i}")).await;
        let sent = invite(&owner, team, format!("Lan+{i}@example.vn")).await;
        if i < INVITATIONS_PER_MAILBOX.max {
            sent.ok();
        } else {
            assert_eq!(sent.status, StatusCode::TOO_MANY_REQUESTS, "{}", sent.body);
        }
    }
    let told: Vec<app::notify::model::NotificationItem> =
        lan.call("notifications/list", &[]).await.json();
    let invited = told
        .iter()
        .filter(|n| n.link.starts_with("/teams/invitations/"));
    assert_eq!(invited.count() as i64, INVITATIONS_PER_MAILBOX.max);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM invitations").await,
        2 * per_owner + 1 + INVITATIONS_PER_MAILBOX.max
    );
    // The teams' day used up does not keep the organiser's panel invitation from her: teams
    // cannot keep a judge off the panel that way.
    let staff = app.official_again("canbo@p1.vn").await;
    staff
        .call(
            "judging/invite",
            &[
                ("challenge_id", &challenge.to_string()),
                ("email", "lan@example.vn"),
            ],
        )
        .await
        .ok();
    let told: Vec<app::notify::model::NotificationItem> =
        lan.call("notifications/list", &[]).await.json();
    assert!(
        told.iter()
            .any(|n| n.link.starts_with("/judging/invitations/")),
        "{told:?}"
    );
}

async fn a_team_forms_invites_by_email_and_the_invitee_joins(backend: Backend) {
    let app = spawn_app(backend).await;
    let challenge = open_challenge(&app, 3, Duration::days(20)).await;
    let owner = app.citizen("bao@example.vn").await;
    let id = form_team(&owner, challenge, "Nhóm Sen Hồng").await;
    let ids = id.to_string();

    // Someone with an account is told in the app; someone without gets an email with the link.
    let member = app.citizen("lan@example.vn").await;
    owner
        .call(
            "teams/invite",
            &[("team_id", &ids), ("email", "LAN@example.vn")],
        )
        .await
        .ok();
    owner
        .call(
            "teams/invite",
            &[("team_id", &ids), ("email", "moi@example.vn")],
        )
        .await
        .ok();
    let twice = owner
        .call(
            "teams/invite",
            &[("team_id", &ids), ("email", "lan@example.vn")],
        )
        .await;
    assert_eq!(twice.invalid_fields(), ["email"]);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'team_invitation'")
            .await,
        1
    );
    app.wait_until(
        "SELECT COUNT(*) FROM outbox WHERE to_email = 'moi@example.vn' AND body_text LIKE '%/teams/invitations/%'",
        "an email with the invitation link",
    )
    .await;

    let mine: MyTeams = member.call("teams/mine", &[]).await.json();
    assert_eq!(mine.invitations.len(), 1);
    assert_eq!(mine.invitations[0].team_name, "Nhóm Sen Hồng");
    member
        .call(
            "teams/respond",
            &[
                ("id", &mine.invitations[0].id.to_string()),
                ("accept", "true"),
            ],
        )
        .await
        .ok();
    let t = team(&member, id).await;
    assert_eq!(t.members.len(), 2);
    assert!(!t.is_owner);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'team_member_joined'")
            .await,
        1
    );

    // The emailed link works for whoever registers and opens it.
    let body: String = {
        use sea_orm::{ConnectionTrait, Statement};
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT body_text FROM outbox WHERE to_email = 'moi@example.vn'",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index(0).unwrap()
    };
    let token = body
        .split("/teams/invitations/")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let newcomer = app.citizen("moi@example.vn").await;
    let preview: app::team::model::PendingInvitation = app
        .visitor()
        .call("teams/invitation", &[("token", &token)])
        .await
        .json();
    assert_eq!(
        preview.challenge_title,
        "Giảm thời gian chờ ở bộ phận một cửa"
    );
    newcomer
        .call("teams/respond", &[("token", &token), ("accept", "true")])
        .await
        .ok();
    assert_eq!(team(&owner, id).await.members.len(), 3);
    let used = newcomer
        .call("teams/respond", &[("token", &token), ("accept", "true")])
        .await;
    assert_eq!(
        used.status,
        StatusCode::NOT_FOUND,
        "an invitation answers once"
    );
}

async fn the_size_limit_and_one_team_per_challenge_hold(backend: Backend) {
    let app = spawn_app(backend).await;
    let challenge = open_challenge(&app, 2, Duration::days(20)).await;
    let owner = app.citizen("bao@example.vn").await;
    let id = form_team(&owner, challenge, "Nhóm Sen Hồng").await;
    let code = team(&owner, id).await.join_code;

    let second = app.citizen("lan@example.vn").await;
    second
        .call("teams/join", &[("code", &code.to_lowercase())])
        .await
        .ok();
    let third = app.citizen("chi@example.vn").await;
    let full = third.call("teams/join", &[("code", &code)]).await;
    assert!(matches!(full.error(), AppError::Conflict { key, .. } if key == "error.team_full"));
    let invite = owner
        .call(
            "teams/invite",
            &[("team_id", &id.to_string()), ("email", "chi@example.vn")],
        )
        .await;
    assert_eq!(invite.status, StatusCode::CONFLICT);

    // Already in a team of this challenge: neither a second team nor joining another.
    let again = second
        .call(
            "teams/create",
            &[
                ("challenge_id", &challenge.to_string()),
                ("name", "Nhóm Khác"),
                ("contact", "0909 000 111"),
            ],
        )
        .await;
    assert!(
        matches!(again.error(), AppError::Conflict { key, .. } if key == "error.already_in_a_team")
    );
    let other = form_team(&third, challenge, "Nhóm Thứ Ba").await;
    let other_code = team(&third, other).await.join_code;
    let switch = second.call("teams/join", &[("code", &other_code)]).await;
    assert!(
        matches!(switch.error(), AppError::Conflict { key, .. } if key == "error.already_in_a_team")
    );
    let same_name = app
        .citizen("dung@example.vn")
        .await
        .call(
            "teams/create",
            &[
                ("challenge_id", &challenge.to_string()),
                ("name", "Nhóm Sen Hồng"),
                ("contact", "0909 000 222"),
            ],
        )
        .await;
    assert_eq!(same_name.invalid_fields(), ["name"]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM team_members").await, 3);
}

async fn join_codes_cannot_be_guessed(backend: Backend) {
    let app = spawn_app(backend).await;
    let challenge = open_challenge(&app, 5, Duration::days(20)).await;
    let owner = app.citizen("bao@example.vn").await;
    let id = form_team(&owner, challenge, "Nhóm Sen Hồng").await;
    let code = team(&owner, id).await.join_code;
    let wrong = |n: usize| format!("ZZZZ{n:04}");
    let is_wrong = |a: &common::Answer| matches!(a.error(), AppError::Invalid(fields) if fields.len() == 1 && fields[0].field == "code");
    let is_held = |a: &common::Answer| a.status == StatusCode::TOO_MANY_REQUESTS;

    // Twenty-five guesses sent at once by one account: twenty are looked at, the rest held back.
    let guesser = app.citizen("doan@example.vn").await;
    let guesses: Vec<[(&str, String); 1]> = (0..25).map(|n| [("code", wrong(n))]).collect();
    let forms: Vec<[(&str, &str); 1]> = guesses.iter().map(|[(k, v)]| [(*k, v.as_str())]).collect();
    let answers =
        futures_util::future::join_all(forms.iter().map(|f| guesser.call("teams/join", f))).await;
    assert_eq!(
        (
            answers.iter().filter(|a| is_wrong(a)).count(),
            answers.iter().filter(|a| is_held(a)).count()
        ),
        (20, 5)
    );
    // Held back for the day, even with the right code: it could be the lucky guess.
    assert!(is_held(
        &guesser.call("teams/join", &[("code", &code)]).await
    ));

    // Someone else at the same address joins with the right code, which counts for nothing...
    let friend = app.citizen("ban@example.vn").await;
    let joined = friend.call("teams/join", &[("code", &code)]).await;
    assert!(
        joined.status.is_redirection() || joined.status.is_success(),
        "{}",
        joined.body
    );
    // ...but the address's wrong codes add up across accounts, and then it waits an hour.
    for n in 0..2 {
        let other = app.citizen(&format!("khach{n}@example.vn")).await;
        for g in 0..20 {
            assert!(is_wrong(
                &other.call("teams/join", &[("code", &wrong(100 + g))]).await
            ));
        }
    }
    let late = app.citizen("muon@example.vn").await;
    assert!(is_held(&late.call("teams/join", &[("code", &code)]).await));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM team_members WHERE team_id = {id}"
        ))
        .await,
        2
    );
}

async fn owners_hand_over_remove_and_a_team_always_has_an_owner(backend: Backend) {
    let app = spawn_app(backend).await;
    let challenge = open_challenge(&app, 5, Duration::days(20)).await;
    let owner = app.citizen("bao@example.vn").await;
    let id = form_team(&owner, challenge, "Nhóm Sen Hồng").await;
    let ids = id.to_string();
    let code = team(&owner, id).await.join_code;
    let lan = app.citizen("lan@example.vn").await;
    lan.call("teams/join", &[("code", &code)]).await.ok();
    let chi = app.citizen("chi@example.vn").await;
    chi.call("teams/join", &[("code", &code)]).await.ok();
    let id_of = |email: &'static str| {
        let app = &app;
        async move {
            app.scalar(&format!("SELECT id FROM users WHERE email = '{email}'"))
                .await
                .to_string()
        }
    };
    let (lan_id, chi_id) = (id_of("lan@example.vn").await, id_of("chi@example.vn").await);

    let not_owner = lan
        .call("teams/remove", &[("team_id", &ids), ("user_id", &chi_id)])
        .await;
    assert_eq!(not_owner.status, StatusCode::FORBIDDEN);
    let leave_first = owner.call("teams/leave", &[("team_id", &ids)]).await;
    assert!(
        matches!(leave_first.error(), AppError::Conflict { key, .. } if key == "error.owner_hands_over_first")
    );
    owner
        .call("teams/remove", &[("team_id", &ids), ("user_id", &chi_id)])
        .await
        .ok();
    assert_eq!(
        chi.call("teams/get", &[("id", &ids)]).await.status,
        StatusCode::FORBIDDEN,
        "a removed member reads no more"
    );
    // Nor comes back with the code they knew: the team has a new one.
    let again = chi.call("teams/join", &[("code", &code)]).await;
    assert_eq!(again.invalid_fields(), ["code"], "{}", again.body);
    let new_code = team(&owner, id).await.join_code;
    assert_ne!(new_code, code);
    owner
        .call(
            "teams/hand-over",
            &[("team_id", &ids), ("user_id", &lan_id)],
        )
        .await
        .ok();
    assert!(team(&lan, id).await.is_owner);
    owner.call("teams/leave", &[("team_id", &ids)]).await.ok();
    let t = team(&lan, id).await;
    assert_eq!(t.members.len(), 1);
    assert!(t.members[0].is_owner);
    lan.call("teams/leave", &[("team_id", &ids)]).await.ok();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM teams").await,
        0,
        "the last owner leaving dissolves the team"
    );
}

async fn outsiders_cannot_read_a_team_even_by_guessing_its_id(backend: Backend) {
    let app = spawn_app(backend).await;
    let challenge = open_challenge(&app, 5, Duration::days(20)).await;
    let owner = app.citizen("bao@example.vn").await;
    let id = form_team(&owner, challenge, "Nhóm Sen Hồng")
        .await
        .to_string();
    let rival = app.citizen("lan@example.vn").await;
    form_team(&rival, challenge, "Nhóm Đối Thủ").await;
    for (endpoint, form) in [
        ("teams/get", vec![("id", id.as_str())]),
        (
            "teams/invite",
            vec![("team_id", id.as_str()), ("email", "x@example.vn")],
        ),
        ("teams/leave", vec![("team_id", id.as_str())]),
    ] {
        assert_eq!(
            rival.call(endpoint, &form).await.status,
            StatusCode::FORBIDDEN,
            "{endpoint}"
        );
    }
    assert_eq!(
        app.visitor().call("teams/get", &[("id", &id)]).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The page refuses as the function does (403, on the record).
    let (status, html) = rival.page(&format!("/teams/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        !html.contains(&team(&owner, id.parse().unwrap()).await.join_code),
        "the code stays in the team"
    );
}

async fn teams_stop_changing_when_entries_close(backend: Backend) {
    let app = spawn_app(backend).await;
    let challenge = open_challenge(&app, 5, Duration::hours(1)).await;
    let owner = app.citizen("bao@example.vn").await;
    let id = form_team(&owner, challenge, "Nhóm Sen Hồng").await;
    let code = team(&owner, id).await.join_code;
    app.entries_close(&challenge.to_string(), Utc::now() - Duration::seconds(1))
        .await;
    let late = app
        .citizen("lan@example.vn")
        .await
        .call("teams/join", &[("code", &code)])
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(
        matches!(late.error(), AppError::Conflict { key, params } if key == "error.teams_closed" && !params.is_empty())
    );
}

async fn fifty_joins_at_once_fill_a_team_exactly(backend: Backend) {
    let app = spawn_app(backend).await;
    let challenge = open_challenge(&app, 5, Duration::days(20)).await;
    let owner = app.citizen("bao@example.vn").await;
    let id = form_team(&owner, challenge, "Nhóm Sen Hồng").await;
    let code = team(&owner, id).await.join_code;
    let people = futures_util::future::join_all((0..50).map(|i| {
        let app = &app;
        async move { app.citizen(&format!("nguoi{i}@example.vn")).await }
    }))
    .await;
    let form = [("code", code.as_str())];
    let answers =
        futures_util::future::join_all(people.iter().map(|p| p.call("teams/join", &form))).await;
    let joined = answers
        .iter()
        .filter(|a| a.status.is_redirection() || a.status.is_success())
        .count();
    let full = answers
        .iter()
        .filter(|a| {
            matches!(serde_json::from_str::<AppError>(&a.body),
                Ok(AppError::Conflict { key, .. }) if key == "error.team_full")
        })
        .count();
    assert_eq!(
        (joined, full),
        (4, 46),
        "four places were left beside the owner"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM team_members WHERE team_id = {id}"
        ))
        .await,
        5
    );
}

async fn organisers_never_compete_and_nobody_judges_a_challenge_they_compete_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let challenge = open_challenge(&app, 5, Duration::days(20)).await;
    let c = challenge.to_string();
    let staff = app.official_again("canbo@p1.vn").await;
    staff
        .call("judging/setup", &[("challenge_id", &c)])
        .await
        .ok();
    let refused_as = |answer: &common::Answer, key: &str| {
        assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
        assert!(
            matches!(answer.error(), AppError::Conflict { key: k, .. } if k == key),
            "{}",
            answer.body
        );
    };

    // The organisation's own staff cannot form a team in its challenge.
    let create = staff
        .call(
            "teams/create",
            &[
                ("challenge_id", &c),
                ("name", "Đội của cán bộ"),
                ("contact", "0909 123 456"),
            ],
        )
        .await;
    refused_as(&create, "error.organiser_cannot_compete");

    // A competitor cannot be asked onto the panel; nor can someone invited to a team.
    let owner = app.citizen("bao@example.vn").await;
    let id = form_team(&owner, challenge, "Nhóm Sen Hồng").await;
    // Nor join one with its code.
    let detail: TeamDetail = owner
        .call("teams/get", &[("id", &id.to_string())])
        .await
        .json();
    let join = staff
        .call("teams/join", &[("code", &detail.join_code)])
        .await;
    refused_as(&join, "error.organiser_cannot_compete");
    let invite = |email: &'static str| {
        let staff = staff.clone();
        let c = c.clone();
        async move {
            staff
                .call("judging/invite", &[("challenge_id", &c), ("email", email)])
                .await
        }
    };
    refused_as(
        &invite("bao@example.vn").await,
        "error.competitor_cannot_judge",
    );
    // Nor under another spelling of the same mailbox.
    refused_as(
        &invite("bao+giam-khao@example.vn").await,
        "error.competitor_cannot_judge",
    );
    owner
        .call(
            "teams/invite",
            &[("team_id", &id.to_string()), ("email", "moi@example.vn")],
        )
        .await
        .ok();
    // Nor someone who was in a team and left it: they know who wrote its entry.
    let leaver = app.citizen("roidoi@example.vn").await;
    let code = team(&owner, id).await.join_code;
    leaver.call("teams/join", &[("code", &code)]).await.ok();
    leaver
        .call("teams/leave", &[("team_id", &id.to_string())])
        .await
        .ok();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM team_departures").await,
        1,
        "the departure is kept"
    );
    refused_as(
        &invite("roidoi@example.vn").await,
        "error.competitor_cannot_judge",
    );
    // Nor someone who deleted their account and registered again on the same mailbox.
    let back = app.citizen("quaylai@example.vn").await;
    back.call("teams/join", &[("code", &code)]).await.ok();
    let deleted = back
        .call(
            "account/delete",
            &[("password", common::PASSWORD), ("confirm", "yes")],
        )
        .await;
    assert!(
        deleted.status.is_success() || deleted.status.is_redirection(),
        "{}",
        deleted.body
    );
    app.citizen("quaylai@example.vn").await;
    refused_as(
        &invite("quaylai+moi@example.vn").await,
        "error.competitor_cannot_judge",
    );

    // Someone invited to the panel cannot join a team, before or after accepting.
    let judge = app.citizen("giamkhao@example.vn").await;
    invite("giamkhao@example.vn").await.ok();
    let code = team(&owner, id).await.join_code;
    refused_as(
        &judge.call("teams/join", &[("code", &code)]).await,
        "error.judge_cannot_compete",
    );
    let token = emailed_token(&app, "giamkhao@example.vn", "/judging/invitations/").await;
    // The link is the invitee's: someone else who holds it is not let onto the panel.
    let other = app.citizen("khac@example.vn").await;
    refused_as(
        &other
            .call("judging/respond", &[("token", &token), ("accept", "true")])
            .await,
        "error.invitation_other_email",
    );
    judge
        .call("judging/respond", &[("token", &token), ("accept", "true")])
        .await
        .ok();
    refused_as(
        &judge
            .call(
                "teams/create",
                &[
                    ("challenge_id", &c),
                    ("name", "Đội giám khảo"),
                    ("contact", "0909 123 456"),
                ],
            )
            .await,
        "error.judge_cannot_compete",
    );
    // A team cannot keep a judge it fears off the panel by inviting them first: the invitation
    // bars no seat; the invitee is told that taking the seat declines it, and it does.
    let fair = app.citizen("congtam@example.vn").await;
    owner
        .call(
            "teams/invite",
            &[
                ("team_id", &id.to_string()),
                ("email", "congtam@example.vn"),
            ],
        )
        .await
        .ok();
    let team_token = emailed_token(&app, "congtam@example.vn", "/teams/invitations/").await;
    let asked = invite("congtam@example.vn").await;
    assert!(asked.status.is_success(), "{}", asked.body);
    let panel_token = emailed_token(&app, "congtam@example.vn", "/judging/invitations/").await;
    let (_, page) = fair
        .page(&format!("/judging/invitations/{panel_token}"))
        .await;
    assert!(
        page.contains("từ chối lời mời vào đội Nhóm Sen Hồng"),
        "the invitee is told before taking the seat: {page}"
    );
    // Nobody else is told which teams invited the invitee.
    let (_, page) = judge
        .page(&format!("/judging/invitations/{panel_token}"))
        .await;
    assert!(!page.contains("Nhóm Sen Hồng"), "{page}");
    fair.call(
        "judging/respond",
        &[("token", &panel_token), ("accept", "true")],
    )
    .await
    .ok();
    assert_eq!(
        app.text("SELECT i.status FROM invitations i WHERE i.team_id IS NOT NULL AND i.email = 'congtam@example.vn'")
            .await,
        "declined"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM judges j JOIN users u ON u.id = j.user_id WHERE u.email = 'congtam@example.vn'")
            .await,
        1
    );
    assert_eq!(
        fair.call(
            "teams/respond",
            &[("token", &team_token), ("accept", "true")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "the declined invitation is gone"
    );
    // A competitor (or someone invited to a team) is not made staff of the organisation that
    // runs the challenge while it runs: staff read every entry with its team.
    let admin = app.admin().await;
    // An administrator, who acts as staff of every organisation, does not compete either.
    refused_as(
        &admin
            .call(
                "teams/create",
                &[
                    ("challenge_id", &c),
                    ("name", "Đội của quản trị"),
                    ("contact", "0909 123 456"),
                ],
            )
            .await,
        "error.organiser_cannot_compete",
    );
    app.citizen("moi@example.vn").await;
    let org = app
        .scalar(&format!(
            "SELECT organisation_id FROM challenges WHERE id = {c}"
        ))
        .await
        .to_string();
    // An invitation to another spelling of a mailbox is an invitation to its owner.
    app.citizen("lan@example.vn").await;
    owner
        .call(
            "teams/invite",
            &[
                ("team_id", &id.to_string()),
                ("email", "lan+doi-thi@example.vn"),
            ],
        )
        .await
        .ok();
    for email in ["bao@example.vn", "moi@example.vn", "lan@example.vn"] {
        refused_as(
            &admin
                .call(
                    "admin/organisations/staff/add",
                    &[("organisation_id", &org), ("email", email)],
                )
                .await,
            "error.competitor_cannot_organise",
        );
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'staff.refused'")
            .await,
        3
    );
    // Nothing of the refused was kept, and every refusal is on the record.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM team_members").await, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM judges WHERE user_id IN (SELECT id FROM users WHERE email NOT IN ('giamkhao@example.vn', 'congtam@example.vn'))")
            .await,
        0
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'participation.refused'")
            .await,
        9
    );
}

/// An account deleted while it forms teams is left in none: five citizens each ask for their
/// account's deletion and keep forming a team and leaving it (which dissolves it) until they are
/// signed out. A team formed before the deletion loses them with the rest (their having been in
/// it stays known, by mailbox); none is formed with them after it.
async fn an_account_deleted_while_it_forms_teams_is_left_in_none(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 3", "canbo@p3.vn").await;
    let c = app
        .open_challenge(&staff, org, Duration::days(3), None)
        .await;
    let mut at_once = tokio::task::JoinSet::new();
    for i in 0..5 {
        let v = app.citizen(&format!("roi-{i}@example.vn")).await;
        let former = v.clone();
        let c = c.clone();
        at_once.spawn(async move {
            for n in 0..15 {
                let name = format!("Đội {i}-{n}");
                let formed = former
                    .call(
                        "teams/create",
                        &[
                            ("challenge_id", c.as_str()),
                            ("name", &name),
                            ("contact", "0909 123 456"),
                        ],
                    )
                    .await;
                assert!(!formed.status.is_server_error(), "{}", formed.body);
                // Signed out once the deletion is through (or, before it, refused for another
                // reason this test does not look at).
                if !(formed.status.is_success() || formed.status.is_redirection()) {
                    break;
                }
                let team = formed.location().trim_start_matches("/teams/").to_owned();
                if former
                    .call("teams/leave", &[("team_id", &team)])
                    .await
                    .status
                    == StatusCode::UNAUTHORIZED
                {
                    break;
                }
            }
        });
        at_once.spawn(async move {
            v.delete_account_after(std::time::Duration::from_millis(10 * i as u64))
                .await
        });
    }
    while let Some(done) = at_once.join_next().await {
        done.unwrap();
    }
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM team_members m JOIN users u ON u.id = m.user_id \
             WHERE u.email LIKE 'deleted-%'"
        )
        .await,
        0,
        "no deleted account sits in a team"
    );
}

/// Someone taken off the organiser's staff, or whose staff (or administrator) account was
/// deleted and registered again on the same mailbox, has read the teams of the challenges that
/// existed meanwhile: they compete in none of them, nor sit on its blind panel. A challenge
/// created after they left is open to them.
async fn former_staff_neither_compete_nor_judge_blind_where_they_could_read_the_teams(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let challenge = open_challenge(&app, 5, Duration::days(20)).await;
    let c = challenge.to_string();
    let org = app
        .scalar(&format!(
            "SELECT organisation_id FROM challenges WHERE id = {c}"
        ))
        .await;
    let staff = app.official_again("canbo@p1.vn").await;
    staff
        .call("judging/setup", &[("challenge_id", &c)])
        .await
        .ok();
    let admin = app.admin().await;
    let owner = app.citizen("bao@example.vn").await;
    let team_id = form_team(&owner, challenge, "Nhóm Sen Hồng").await;
    let code = team(&owner, team_id).await.join_code;
    let refused_as = |answer: &common::Answer, key: &str| {
        assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
        assert!(
            matches!(answer.error(), AppError::Conflict { key: k, .. } if k == key),
            "{}",
            answer.body
        );
    };
    let make_staff = |email: &'static str| {
        let admin = admin.clone();
        async move {
            let added = admin
                .call(
                    "admin/organisations/staff/add",
                    &[("organisation_id", &org.to_string()), ("email", email)],
                )
                .await;
            assert!(added.status.is_success(), "{}", added.body);
        }
    };

    // Taken off the staff: the departure is kept, and counts.
    let former = app.citizen("cu@p1.vn").await;
    make_staff("cu@p1.vn").await;
    let former_id = app
        .scalar("SELECT id FROM users WHERE email = 'cu@p1.vn'")
        .await;
    let removed = admin
        .call(
            "admin/organisations/staff/remove",
            &[
                ("organisation_id", &org.to_string()),
                ("user_id", &former_id.to_string()),
            ],
        )
        .await;
    assert!(removed.status.is_success(), "{}", removed.body);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM org_staff WHERE user_id = {former_id}"
        ))
        .await,
        0
    );
    let create = |v: Visitor, challenge: String, name: &'static str| async move {
        v.call(
            "teams/create",
            &[
                ("challenge_id", &challenge),
                ("name", name),
                ("contact", "0909 123 456"),
            ],
        )
        .await
    };
    refused_as(
        &create(former.clone(), c.clone(), "Đội cán bộ cũ").await,
        "error.former_organiser_cannot_compete",
    );
    refused_as(
        &former.call("teams/join", &[("code", &code)]).await,
        "error.former_organiser_cannot_compete",
    );
    // Nor seated on the blind panel (a panel that shows the teams may seat them).
    refused_as(
        &staff
            .call(
                "judging/invite",
                &[("challenge_id", &c), ("email", "cu@p1.vn")],
            )
            .await,
        "error.former_organiser_cannot_judge_blind",
    );
    // A panel that shows the teams may seat them; it cannot then be made blind around them.
    let panel = |blind: bool| {
        let mut form = vec![
            ("challenge_id", c.as_str()),
            ("scale_min", "1"),
            ("scale_max", "10"),
            ("judges_per_entry", "1"),
        ];
        if blind {
            form.push(("blind", "on"));
        }
        let staff = staff.clone();
        let form: Vec<(String, String)> = form
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        async move {
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            staff.call("judging/settings", &form).await
        }
    };
    assert!(panel(false).await.status.is_success());
    let invited = staff
        .call(
            "judging/invite",
            &[("challenge_id", &c), ("email", "cu@p1.vn")],
        )
        .await;
    assert!(invited.status.is_success(), "{}", invited.body);
    let token = emailed_token(&app, "cu@p1.vn", "/judging/invitations/").await;
    let seated = former
        .call("judging/respond", &[("token", &token), ("accept", "true")])
        .await;
    assert!(seated.status.is_success(), "{}", seated.body);
    refused_as(&panel(true).await, "error.blind_with_organiser");
    // Each refusal is on the record, with its reason.
    assert!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'participation.refused' \
             AND reason = 'error.former_organiser_cannot_compete'"
        )
        .await
            >= 2
    );

    // Staff who delete their account and register again on the same mailbox.
    let leaver = app.citizen("xoa@p1.vn").await;
    make_staff("xoa@p1.vn").await;
    let deleted = leaver
        .call(
            "account/delete",
            &[("password", common::PASSWORD), ("confirm", "yes")],
        )
        .await;
    assert!(
        deleted.status.is_success() || deleted.status.is_redirection(),
        "{}",
        deleted.body
    );
    let back = app.citizen("xoa+lai@p1.vn").await;
    refused_as(
        &create(back.clone(), c.clone(), "Đội quay lại").await,
        "error.former_organiser_cannot_compete",
    );

    // An administrator whose account is deleted organised every challenge.
    app::org::service::appoint_admin(
        &app.db,
        "quantri2@example.vn",
        "Quản trị hai",
        common::PASSWORD.into(),
    )
    .await
    .unwrap();
    let second_admin = app
        .scalar("SELECT id FROM users WHERE email = 'quantri2@example.vn'")
        .await;
    app::privacy::delete(&app.db, second_admin).await.unwrap();
    let admin_back = app.citizen("quantri2@example.vn").await;
    refused_as(
        &admin_back.call("teams/join", &[("code", &code)]).await,
        "error.former_organiser_cannot_compete",
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM staff_departures WHERE organisation_id IS NULL")
            .await,
        1
    );

    // A challenge created after they left is one whose teams they never read.
    let later = app
        .open_challenge(&staff, org, Duration::days(20), None)
        .await;
    for (v, name) in [
        (&former, "Đội mới của người cũ"),
        (&back, "Đội mới quay lại"),
        (&admin_back, "Đội của quản trị cũ"),
    ] {
        let made = create(v.clone(), later.clone(), name).await;
        assert!(made.status.is_success(), "{name}: {}", made.body);
    }
}

on_both_databases!(
    former_staff_neither_compete_nor_judge_blind_where_they_could_read_the_teams,
    an_account_deleted_while_it_forms_teams_is_left_in_none,
    invitations_are_bounded_per_account_address_and_mailbox,
    fifty_joins_at_once_fill_a_team_exactly,
    organisers_never_compete_and_nobody_judges_a_challenge_they_compete_in,
    a_team_forms_invites_by_email_and_the_invitee_joins,
    the_size_limit_and_one_team_per_challenge_hold,
    join_codes_cannot_be_guessed,
    owners_hand_over_remove_and_a_team_always_has_an_owner,
    outsiders_cannot_read_a_team_even_by_guessing_its_id,
    teams_stop_changing_when_entries_close,
);
