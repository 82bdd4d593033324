//! Judging through the real HTTP stack: the rubric and the panel, declared conflicts and the
//! assignment that avoids them, scores saved and refused, closing, awards and published results.

use crate::common;

use crate::common::{Backend, TestApp, Visitor, spawn_app};
use app::error::AppError;
use app::judging::model::{JudgeQueue, PanelSetup, PublicResults, ScoreSheet};
use chrono::{Duration, Utc};
use reqwest::StatusCode;

async fn judged(app: &TestApp, teams: usize) -> common::Contest {
    app.contest(teams, None).await
}

async fn setup(staff: &Visitor, challenge: &str) -> PanelSetup {
    staff
        .call("judging/setup", &[("challenge_id", challenge)])
        .await
        .json()
}

/// Scale 1–10, `k` judges per entry, and the checkboxes named in `on` ticked.
async fn settings(staff: &Visitor, challenge: &str, k: &str, on: &[&str]) {
    let mut form = vec![
        ("challenge_id", challenge),
        ("scale_min", "1"),
        ("scale_max", "10"),
        ("judges_per_entry", k),
    ];
    form.extend(on.iter().map(|name| (*name, "on")));
    staff.call("judging/settings", &form).await.ok();
}

async fn rubric(staff: &Visitor, challenge: &str, weights: &[(&str, &str)]) -> common::Answer {
    let mut form: Vec<(String, String)> = vec![("challenge_id".into(), challenge.into())];
    for (i, (name, weight)) in weights.iter().enumerate() {
        form.push((format!("criteria[{i}][name_vi]"), (*name).into()));
        form.push((format!("criteria[{i}][weight]"), (*weight).into()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    staff.call("judging/rubric", &pairs).await
}

/// Invites `email` (an existing account) and has them accept; returns the judge signed in.
async fn judge(app: &TestApp, staff: &Visitor, challenge: &str, email: &str) -> Visitor {
    let judge = seated(app, staff, challenge, email).await;
    judge.turn_on_two_step().await;
    judge
}

/// As [`judge`], before the judge turns on two-step sign-in.
async fn seated(app: &TestApp, staff: &Visitor, challenge: &str, email: &str) -> Visitor {
    let judge = app.citizen(email).await;
    staff
        .call(
            "judging/invite",
            &[("challenge_id", challenge), ("email", email)],
        )
        .await
        .ok();
    take_seat(&judge).await.ok();
    judge
}

/// Accepts the panel invitation in `judge`'s notifications.
async fn take_seat(judge: &Visitor) -> common::Answer {
    let list: Vec<app::notify::model::NotificationItem> =
        judge.call("notifications/list", &[]).await.json();
    let link = list
        .iter()
        .find(|n| n.link.starts_with("/judging/invitations/"))
        .expect("an invitation in the judge's notifications")
        .link
        .clone();
    let token = link.trim_start_matches("/judging/invitations/");
    judge
        .call("judging/respond", &[("token", token), ("accept", "true")])
        .await
}

/// A judge acts as one only once two-step sign-in is on: until then the panel's functions
/// refuse them and say why, and they act as the citizen they are. Like every official, a judge
/// signs in again after twelve idle hours, while a citizen stays in.
async fn a_judge_needs_two_step_sign_in_and_a_shorter_session(backend: Backend) {
    use app::auth::session::OFFICIAL_IDLE_HOURS;
    let app = spawn_app(backend).await;
    let j = judged(&app, 1).await;
    let c = &j.challenge;
    rubric(&j.staff, c, &[("Tác động", "100")]).await.ok();
    settings(&j.staff, c, "1", &[]).await;
    let a = seated(&app, &j.staff, c, "a@example.vn").await;
    let viewer = a.viewer().await.unwrap();
    assert!(viewer.office_waiting && !viewer.is_judge, "{viewer:?}");
    for endpoint in ["judging/queue", "judging/declare"] {
        let refused = a.call(endpoint, &[("challenge_id", c)]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{endpoint}");
        assert_eq!(refused.error(), AppError::TwoFactorNeeded, "{endpoint}");
    }
    a.turn_on_two_step().await;
    assert!(a.viewer().await.unwrap().is_judge);
    assert!(
        !queue(&a, c).await.declared,
        "nothing was declared while refused"
    );
    declare_none(&a, c).await;
    j.staff
        .call("judging/assign", &[("challenge_id", c)])
        .await
        .ok();
    assert_eq!(queue(&a, c).await.items.len(), 1);
    let (_, citizen) = &j.teams[0];
    common::sessions_idle_for(&app, OFFICIAL_IDLE_HOURS - 1).await;
    assert!(a.viewer().await.is_some(), "the judge is still in");
    common::sessions_idle_for(&app, OFFICIAL_IDLE_HOURS + 1).await;
    assert!(a.viewer().await.is_none(), "the judge signs in again");
    assert!(citizen.viewer().await.is_some(), "the citizen stays in");
}

async fn mine_id(app: &TestApp, email: &str) -> String {
    app.scalar(&format!("SELECT id FROM users WHERE email = '{email}'"))
        .await
        .to_string()
}

async fn declare_none(judge: &Visitor, challenge: &str) {
    judge
        .call("judging/declare", &[("challenge_id", challenge)])
        .await
        .ok();
}

async fn queue(judge: &Visitor, challenge: &str) -> JudgeQueue {
    judge
        .call("judging/queue", &[("challenge_id", challenge)])
        .await
        .json()
}

fn marks(sheet: &ScoreSheet, values: &[i32]) -> Vec<(String, String)> {
    let mut form = vec![("entry_id".to_owned(), sheet.entry_id.to_string())];
    for (c, v) in sheet.criteria.iter().zip(values) {
        form.push((format!("marks[values][{}]", c.id), v.to_string()));
        form.push((
            format!("marks[comments][{}]", c.id),
            "Rõ ràng, khả thi.".into(),
        ));
    }
    form.push(("marks[overall]".into(), "Nên thử ở hai phường.".into()));
    form
}

async fn send(judge: &Visitor, endpoint: &str, form: &[(String, String)]) -> common::Answer {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    judge.call(endpoint, &pairs).await
}

async fn a_rubric_must_add_up_and_locks_with_the_first_score(backend: Backend) {
    let app = spawn_app(backend).await;
    let j = judged(&app, 1).await;
    let c = &j.challenge;
    let uneven = rubric(&j.staff, c, &[("Tác động", "60"), ("Khả thi", "30")]).await;
    assert_eq!(uneven.invalid_fields(), ["weights"]);
    rubric(&j.staff, c, &[("Tác động", "60"), ("Khả thi", "40")])
        .await
        .ok();
    let p = setup(&j.staff, c).await;
    assert_eq!(p.criteria.len(), 2);
    assert_eq!(
        (p.scale.min, p.scale.max, p.judges_per_entry, p.blind),
        (1, 10, 3, true)
    );
    assert_eq!(
        j.teams[0]
            .1
            .call("judging/setup", &[("challenge_id", c)])
            .await
            .status,
        StatusCode::FORBIDDEN,
        "only the challenge's staff"
    );

    // A judge without an account is invited by email; one with an account, in the app.
    j.staff
        .call(
            "judging/invite",
            &[("challenge_id", c), ("email", "moi@example.vn")],
        )
        .await
        .ok();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM outbox WHERE to_email = 'moi@example.vn' AND body_text LIKE '%/judging/invitations/%'")
            .await,
        1
    );
    let body = app
        .text("SELECT body_text FROM outbox WHERE to_email = 'moi@example.vn'")
        .await;
    let token = body
        .split("/judging/invitations/")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let preview: app::judging::model::PanelInvitation = app
        .visitor()
        .call("judging/invitation", &[("token", &token)])
        .await
        .json();
    assert_eq!(
        preview.challenge_title,
        "Giảm thời gian chờ ở bộ phận một cửa"
    );
    let judge = judge(&app, &j.staff, c, "khoa@example.vn").await;
    let mine: Vec<app::judging::model::JudgeChallenge> =
        judge.call("judging/mine", &[]).await.json();
    assert_eq!((mine.len(), mine[0].declared), (1, false));
    assert_eq!(
        judge.viewer().await.map(|v| v.is_judge),
        Some(true),
        "the header shows the judging desk"
    );
    declare_none(&judge, c).await;
    let again = judge.call("judging/declare", &[("challenge_id", c)]).await;
    assert!(
        matches!(again.error(), AppError::Conflict { key, .. } if key == "error.already_declared")
    );
    let bad = j
        .staff
        .call(
            "judging/settings",
            &[
                ("challenge_id", c),
                ("scale_min", "5"),
                ("scale_max", "5"),
                ("judges_per_entry", "0"),
            ],
        )
        .await;
    assert_eq!(bad.invalid_fields(), ["judges_per_entry", "scale"]);
    j.staff
        .call("judging/assign", &[("challenge_id", c)])
        .await
        .ok();
    let entry = queue(&judge, c).await.items[0].entry_id.to_string();
    let judge_id = mine_id(&app, "khoa@example.vn").await;
    // Staff take the judge off by hand and put them back.
    for on in ["false", "true"] {
        j.staff
            .call(
                "judging/assignment",
                &[
                    ("challenge_id", c),
                    ("entry_id", &entry),
                    ("judge_id", &judge_id),
                    ("on", on),
                ],
            )
            .await
            .ok();
        assert_eq!(
            queue(&judge, c).await.items.len(),
            usize::from(on == "true")
        );
    }
    let sheet: ScoreSheet = judge
        .call("judging/sheet", &[("entry_id", &entry)])
        .await
        .json();
    send(&judge, "judging/save", &marks(&sheet, &[7]))
        .await
        .ok();
    let locked = rubric(&j.staff, c, &[("Tác động", "50"), ("Khả thi", "50")]).await;
    assert!(
        matches!(locked.error(), AppError::Conflict { key, .. } if key == "error.rubric_locked")
    );
    assert!(setup(&j.staff, c).await.locked);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'judging.rubric'")
            .await,
        1
    );
}

/// A judge reads an assigned entry (its sheet, its files) only once its team can no longer
/// change it: an entry given more time stays closed to judges until then.
async fn a_judge_reads_an_entry_only_after_its_own_deadline(backend: Backend) {
    let app = spawn_app(backend).await;
    let j = judged(&app, 2).await;
    let c = &j.challenge;
    rubric(&j.staff, c, &[("Tác động", "100")]).await.ok();
    settings(&j.staff, c, "1", &["blind"]).await;
    let (later, _) = &j.teams[0];
    j.staff
        .call(
            "entries/extend",
            &[
                ("team_id", &later.to_string()),
                ("until", &common::city(Utc::now() + Duration::hours(2))),
                ("reason", "Mất điện cả buổi chiều nộp bài."),
            ],
        )
        .await
        .ok();
    let a = judge(&app, &j.staff, c, "a@example.vn").await;
    declare_none(&a, c).await;
    j.staff
        .call("judging/assign", &[("challenge_id", c)])
        .await
        .ok();
    let entry_of = |team: i64| {
        let app = &app;
        async move {
            app.scalar(&format!("SELECT id FROM entries WHERE team_id = {team}"))
                .await
                .to_string()
        }
    };
    let open_later = entry_of(*later).await;
    let closed = entry_of(j.teams[1].0).await;
    for entry in [&open_later, &closed] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM assignments WHERE entry_id = {entry}"
            ))
            .await,
            1,
            "assigned"
        );
    }
    let refused = a.call("judging/sheet", &[("entry_id", &open_later)]).await;
    assert!(
        matches!(refused.error(), AppError::Conflict { key, .. } if key == "error.judging_not_open"),
        "{}",
        refused.body
    );
    let file = app
        .scalar(&format!(
            "SELECT upload_id FROM entry_attachments WHERE entry_id = {open_later}"
        ))
        .await;
    assert_eq!(
        a.get(&format!("/files/{file}/bai.pdf")).await.status(),
        StatusCode::NOT_FOUND
    );
    let sheet: ScoreSheet = a
        .call("judging/sheet", &[("entry_id", &closed)])
        .await
        .json();
    assert!(!sheet.title.is_empty());
}

async fn a_judge_reads_only_the_files_the_submitted_entry_holds(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let c = app
        .open_challenge(&staff, org, Duration::hours(1), None)
        .await;
    let owner = app.citizen("doi@example.vn").await;
    let t = owner.create_team(&c, "Đội Kín Tên").await.to_string();
    let saved: app::entry::model::EntryView = owner
        .call(
            "entries/save",
            &[
                ("team_id", &t),
                ("version", "0"),
                ("entry[title]", "Lấy số qua tin nhắn"),
                (
                    "entry[summary]",
                    "Người dân lấy số và nhận tin nhắn khi sắp đến lượt.",
                ),
                (
                    "entry[solution]",
                    "Một máy lấy số nối với tổng đài tin nhắn; bảng điện tử ở sảnh.",
                ),
                ("entry[pilot_plan]", "Ba tháng ở bộ phận một cửa Phường 1."),
                ("entry[cost]", "120000000"),
                ("entry[acknowledged]", "on"),
            ],
        )
        .await
        .json();
    // A deck that names the team, attached and then taken off; another kept.
    for name in ["ten-doi.pdf", "giai-phap.pdf"] {
        owner
            .call_multipart(
                "entries/files/add",
                &[("team_id", t.as_str())],
                Some(("file", name, common::tiny_pdf())),
            )
            .await
            .ok();
    }
    let first = app.scalar("SELECT MIN(id) FROM uploads").await;
    let kept = app.scalar("SELECT MAX(id) FROM uploads").await;
    owner
        .call(
            "entries/files/remove",
            &[("team_id", &t), ("upload_id", &first.to_string())],
        )
        .await
        .ok();
    let now: app::entry::model::EntryView =
        owner.call("entries/get", &[("team_id", &t)]).await.json();
    assert!(now.version >= saved.version);
    let version = now.version.to_string();
    owner
        .call("entries/submit", &[("team_id", &t), ("version", &version)])
        .await
        .ok();
    app.entries_close(&c, Utc::now() - Duration::seconds(1))
        .await;
    rubric(&staff, &c, &[("Tác động", "100")]).await.ok();
    settings(&staff, &c, "1", &["blind"]).await;
    let a = judge(&app, &staff, &c, "a@example.vn").await;
    declare_none(&a, &c).await;
    staff
        .call("judging/assign", &[("challenge_id", &c)])
        .await
        .ok();
    assert_eq!(
        a.get(&format!("/files/{kept}/x.pdf")).await.status(),
        StatusCode::OK,
        "the submitted file"
    );
    assert_eq!(
        a.get(&format!("/files/{first}/x.pdf")).await.status(),
        StatusCode::NOT_FOUND,
        "a file the team took off before submitting"
    );
}

async fn conflicts_come_first_and_assignment_avoids_them_evenly(backend: Backend) {
    let app = spawn_app(backend).await;
    let j = judged(&app, 4).await;
    let c = &j.challenge;
    rubric(&j.staff, c, &[("Tác động", "100")]).await.ok();
    settings(&j.staff, c, "2", &["blind"]).await;
    let a = judge(&app, &j.staff, c, "a@example.vn").await;
    let b = judge(&app, &j.staff, c, "b@example.vn").await;
    let d = judge(&app, &j.staff, c, "d@example.vn").await;
    let e = judge(&app, &j.staff, c, "e@example.vn").await;

    // Before declaring, a judge sees the teams (to declare against) and no entry; each team by a
    // token, never by the number its entry's number would follow.
    let before = queue(&a, c).await;
    assert!(!before.declared && before.items.is_empty() && before.teams.len() == 4);
    for (team, _) in &j.teams {
        assert!(before.teams.iter().all(|t| t.token != team.to_string()));
    }
    let raw = a.call("judging/queue", &[("challenge_id", c)]).await.body;
    assert!(!raw.contains("team_id"), "{raw}");
    let forged = a
        .call(
            "judging/declare",
            &[
                ("challenge_id", c),
                ("teams[]", &j.teams[1].0.to_string()),
                ("team_reason", "Tôi quen trưởng nhóm."),
            ],
        )
        .await;
    assert_eq!(
        forged.invalid_fields(),
        ["teams"],
        "a team's number is no token"
    );
    let too_short = a
        .call(
            "judging/declare",
            &[
                ("challenge_id", c),
                ("organisation", "Công ty Sen"),
                ("organisation_reason", "Vợ"),
            ],
        )
        .await;
    assert_eq!(too_short.invalid_fields(), ["organisation_reason"]);
    a.call(
        "judging/declare",
        &[
            ("challenge_id", c),
            ("organisation", "công ty  SEN"),
            ("organisation_reason", "Vợ tôi làm ở công ty này."),
        ],
    )
    .await
    .ok();
    declare_none(&b, c).await;
    declare_none(&d, c).await;
    let (added, short): (usize, Vec<(String, usize)>) = j
        .staff
        .call("judging/assign", &[("challenge_id", c)])
        .await
        .json();
    assert_eq!((added, short.len()), (8, 0));
    let p = setup(&j.staff, c).await;
    assert!(p.short.is_empty(), "{:?}", p.short);
    let silent = p.judges.iter().find(|x| x.email == "e@example.vn").unwrap();
    assert!(
        !silent.declared && silent.assigned == 0,
        "no entry before a declaration"
    );
    let sen = &p.entries[0];
    assert!(
        !sen.judges.iter().any(|(id, ..)| *id == p.judges[0].user_id),
        "the declared conflict is never assigned"
    );
    let loads: Vec<usize> = p
        .judges
        .iter()
        .filter(|x| x.declared)
        .map(|x| x.assigned)
        .collect();
    assert_eq!(loads.iter().sum::<usize>(), 8);
    assert!(
        loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1,
        "{loads:?}"
    );
    let by_hand = j
        .staff
        .call(
            "judging/assignment",
            &[
                ("challenge_id", c),
                ("entry_id", &sen.entry_id.to_string()),
                ("judge_id", &p.judges[0].user_id.to_string()),
                ("on", "true"),
            ],
        )
        .await;
    assert!(
        matches!(by_hand.error(), AppError::Conflict { key, .. } if key == "error.judge_conflict")
    );
    // Declaring against most of the teams, to be left with a friend's, is refused: the judge is
    // told to ask to be excused, and nothing is declared.
    let offered = queue(&e, c).await.teams;
    let most: Vec<(&str, &str)> = offered
        .iter()
        .take(3)
        .map(|t| ("teams[]", t.token.as_str()))
        .chain([
            ("challenge_id", c.as_str()),
            ("team_reason", "Tôi quen các trưởng nhóm."),
        ])
        .collect();
    let refused = e.call("judging/declare", &most).await;
    assert_eq!(refused.invalid_fields(), ["teams"], "{}", refused.body);
    assert!(
        refused.body.contains("error.too_many_conflicts"),
        "{}",
        refused.body
    );
    assert!(!queue(&e, c).await.declared);
    // The silent judge declares against one team by its token: that entry never reaches them.
    let against = offered.iter().find(|t| t.name == "Đội số 2").unwrap();
    e.call(
        "judging/declare",
        &[
            ("challenge_id", c),
            ("teams[]", &against.token),
            ("team_reason", "Tôi quen trưởng nhóm."),
        ],
    )
    .await
    .ok();
    let mine = queue(&e, c).await;
    assert!(
        mine.declared && mine.conflicts.iter().any(|x| x.contains("Đội số 2")),
        "{:?}",
        mine.conflicts
    );
    // Blind: the queue shows codes and titles, not teams.
    let q = queue(&b, c).await;
    assert!(
        q.blind
            && q.items
                .iter()
                .all(|i| i.team_name.is_none() && i.code.starts_with("B-"))
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'judging.declare'")
            .await,
        4
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM conflicts WHERE team_id IS NOT NULL")
            .await,
        1
    );
}

/// A panel scoring on a rubric of two criteria (60 / 40), one judge per entry, the boxes named
/// in `on` ticked: each of `emails` seated, declaring no conflict, and the entries assigned.
async fn scoring(app: &TestApp, j: &common::Contest, on: &[&str], emails: &[&str]) -> Vec<Visitor> {
    let c = &j.challenge;
    rubric(&j.staff, c, &[("Tác động", "60"), ("Khả thi", "40")])
        .await
        .ok();
    settings(&j.staff, c, "1", on).await;
    let mut judges = Vec::new();
    for email in emails {
        let seated = judge(app, &j.staff, c, email).await;
        declare_none(&seated, c).await;
        judges.push(seated);
    }
    j.staff
        .call("judging/assign", &[("challenge_id", c)])
        .await
        .ok();
    judges
}

/// The score sheet's code saves a draft as it is typed and stays on the page: sent in place for
/// its value, the save answers when it was saved; a refusal names the field in the judge's words;
/// neither leaves the page a note that a form was done.
async fn a_draft_saved_by_the_sheets_code_answers_when_it_was_saved(backend: Backend) {
    let app = spawn_app(backend).await;
    let j = judged(&app, 1).await;
    let judge = scoring(&app, &j, &[], &["a@example.vn"]).await.remove(0);
    let entry = queue(&judge, &j.challenge).await.items[0].entry_id;
    let sheet: ScoreSheet = judge
        .call("judging/sheet", &[("entry_id", &entry.to_string())])
        .await
        .json();
    let save = |form: Vec<(String, String)>| {
        judge
            .client
            .post(format!("{}/api/judging/save", judge.base))
            .header("x-vidan-in-place", "value")
            .header("accept", "application/json")
            .header("referer", format!("{}/judging/entries/{entry}", judge.base))
            .form(&form)
            .send()
    };
    let kept = || async {
        let sheet: ScoreSheet = judge
            .call("judging/sheet", &[("entry_id", &entry.to_string())])
            .await
            .json();
        sheet.marks.values.into_values().collect::<Vec<_>>()
    };
    let saved = save(marks(&sheet, &[7, 8])).await.unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    assert!(saved.headers().get("location").is_none());
    assert!(
        saved
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap_or_default().starts_with("vidan_done=")),
        "the page stays; no note for a page coming back"
    );
    let said: serde_json::Value = saved.json().await.unwrap();
    let at = said["value"].as_str().unwrap_or_default();
    let at = chrono::DateTime::parse_from_rfc3339(at).expect("when it was saved");
    assert!(
        (Utc::now() - at.with_timezone(&Utc)).num_seconds().abs() < 60,
        "{said}"
    );
    assert!(said["go"].is_null(), "{said}");
    assert_eq!(kept().await, [7, 8]);
    // A mark off the scale: refused, the field named, in the judge's language; nothing saved.
    let refused = save(marks(&sheet, &[11, 8])).await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let said: serde_json::Value = refused.json().await.unwrap();
    assert!(said["value"].is_null(), "{said}");
    let field = format!("value_{}", sheet.criteria[0].id);
    let fields = said["fields"].as_array().cloned().unwrap_or_default();
    assert!(
        fields
            .iter()
            .any(|f| f[0] == field.as_str() && !f[1].as_str().unwrap_or_default().is_empty()),
        "{said}"
    );
    assert_eq!(kept().await, [7, 8]);
}

async fn scores_are_refused_outside_the_scale_from_others_and_after_closing(backend: Backend) {
    let app = spawn_app(backend).await;
    let j = judged(&app, 2).await;
    let c = &j.challenge;
    let [a, b]: [Visitor; 2] = scoring(&app, &j, &["blind"], &["a@example.vn", "b@example.vn"])
        .await
        .try_into()
        .unwrap_or_else(|_| unreachable!("two judges"));
    let mine = queue(&a, c).await.items[0].entry_id;
    let theirs = queue(&b, c).await.items[0].entry_id;
    assert_ne!(mine, theirs);
    let sheet: ScoreSheet = a
        .call("judging/sheet", &[("entry_id", &mine.to_string())])
        .await
        .json();
    assert!(sheet.team_name.is_none(), "blind by default");
    // Guessing another entry's id: forbidden, for reading and for scoring.
    assert_eq!(
        a.call("judging/sheet", &[("entry_id", &theirs.to_string())])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut other = marks(&sheet, &[8, 8]);
    other[0].1 = theirs.to_string();
    assert_eq!(
        send(&a, "judging/save", &other).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        j.teams[0]
            .1
            .call("judging/sheet", &[("entry_id", &mine.to_string())])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    assert_eq!(
        send(&a, "judging/save", &marks(&sheet, &[11, 5]))
            .await
            .invalid_fields(),
        [format!("value_{}", sheet.criteria[0].id)]
    );
    send(&a, "judging/save", &marks(&sheet, &[9])).await.ok();
    let incomplete = send(&a, "judging/submit", &marks(&sheet, &[9])).await;
    assert_eq!(
        incomplete.invalid_fields(),
        [format!("value_{}", sheet.criteria[1].id)]
    );
    // A submission whose record cannot be written is not submitted either.
    app.refuse_records("judging.score").await;
    let unrecorded = send(&a, "judging/submit", &marks(&sheet, &[9, 6])).await;
    assert!(unrecorded.status.is_server_error(), "{}", unrecorded.body);
    app.accept_records().await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM scores WHERE status = 'submitted'")
            .await,
        0
    );
    send(&a, "judging/submit", &marks(&sheet, &[9, 6]))
        .await
        .ok();
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'judging.score' AND target_id = {mine} \
             AND actor_id = (SELECT id FROM users WHERE email = 'a@example.vn') \
             AND is_public = false"
        ))
        .await,
        1,
        "the submission is on the record, not in public"
    );
    let again: ScoreSheet = a
        .call("judging/sheet", &[("entry_id", &mine.to_string())])
        .await
        .json();
    assert!(again.submitted);
    assert_eq!(
        again.marks.values.values().copied().collect::<Vec<_>>(),
        [9, 6]
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM scores WHERE status = 'submitted'")
            .await,
        1
    );
    // Changed after submission: the score it was stays on the record.
    send(&a, "judging/save", &marks(&sheet, &[8, 6])).await.ok();
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'score.change' AND target_id = {mine} \
             AND details LIKE '%\"before\"%' AND is_public = false"
        ))
        .await,
        1
    );

    // Judge b steps back from their entry, with a reason kept in the audit log.
    let theirs_id = theirs.to_string();
    let vague = b
        .call(
            "judging/recuse",
            &[("entry_id", &theirs_id), ("reason", "Quen")],
        )
        .await;
    assert_eq!(vague.invalid_fields(), ["reason"]);
    b.call(
        "judging/recuse",
        &[
            ("entry_id", &theirs_id),
            ("reason", "Tôi vừa biết em tôi là thành viên của đội."),
        ],
    )
    .await
    .ok();
    assert!(queue(&b, c).await.items[0].recused);
    let after = b.call("judging/sheet", &[("entry_id", &theirs_id)]).await;
    assert!(matches!(after.error(), AppError::Conflict { key, .. } if key == "error.recused"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'judging.recuse'")
            .await,
        1
    );
    assert_eq!(
        setup(&j.staff, c).await.short.len(),
        1,
        "the entry lacks a judge again"
    );

    j.staff
        .call("judging/close", &[("challenge_id", c)])
        .await
        .ok();
    let late = send(&a, "judging/save", &marks(&sheet, &[10, 10])).await;
    assert!(
        matches!(late.error(), AppError::Conflict { key, .. } if key == "error.judging_closed")
    );
}

async fn results_are_ranked_awards_off_the_ranking_need_a_reason_and_teams_read_feedback(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let j = judged(&app, 2).await;
    let c = &j.challenge;
    rubric(&j.staff, c, &[("Tác động", "100")]).await.ok();
    settings(&j.staff, c, "2", &["show_judge_names"]).await;
    let a = judge(&app, &j.staff, c, "a@example.vn").await;
    let b = judge(&app, &j.staff, c, "b@example.vn").await;
    declare_none(&a, c).await;
    declare_none(&b, c).await;
    j.staff
        .call("judging/assign", &[("challenge_id", c)])
        .await
        .ok();
    // Both judges put the second team first; judge a is harsh, judge b generous.
    for (judge, high, low) in [(&a, 6, 3), (&b, 10, 8)] {
        for item in queue(judge, c).await.items {
            let sheet: ScoreSheet = judge
                .call("judging/sheet", &[("entry_id", &item.entry_id.to_string())])
                .await
                .json();
            let value = if item.title == "Giải pháp số 1" {
                high
            } else {
                low
            };
            send(judge, "judging/submit", &marks(&sheet, &[value]))
                .await
                .ok();
        }
    }
    // Scored with the teams in view: judging cannot be called blind now.
    let blind = j
        .staff
        .call(
            "judging/settings",
            &[
                ("challenge_id", c.as_str()),
                ("scale_min", "1"),
                ("scale_max", "10"),
                ("judges_per_entry", "2"),
                ("show_judge_names", "on"),
                ("blind", "on"),
            ],
        )
        .await;
    assert!(
        matches!(blind.error(), AppError::Conflict { key, .. } if key == "error.blind_too_late"),
        "{}",
        blind.body
    );
    let early = j
        .staff
        .call("judging/publish", &[("challenge_id", c)])
        .await;
    assert!(
        matches!(early.error(), AppError::Conflict { key, .. } if key == "error.judging_still_open")
    );
    j.staff
        .call("judging/close", &[("challenge_id", c)])
        .await
        .ok();
    let p = setup(&j.staff, c).await;
    let ranked = p.results.expect("results once closed");
    assert_eq!(ranked[0].title, "Giải pháp số 1");
    assert_eq!(ranked[0].standing.raw, Some(8.0));
    let (first, second) = (ranked[0].standing.entry, ranked[1].standing.entry);

    let off = j
        .staff
        .call(
            "judging/awards",
            &[
                ("challenge_id", c),
                ("winners[0]", &second.to_string()),
                ("winners[1]", &first.to_string()),
            ],
        )
        .await;
    assert_eq!(off.invalid_fields(), ["reason"]);
    j.staff
        .call(
            "judging/awards",
            &[
                ("challenge_id", c),
                ("winners[0]", &second.to_string()),
                ("winners[1]", &first.to_string()),
                (
                    "reason",
                    "Đội số 0 đã thí điểm thành công ở một phường khác.",
                ),
            ],
        )
        .await
        .ok();
    let slug = app
        .text(&format!("SELECT slug FROM challenges WHERE id = {c}"))
        .await;
    let hidden: PublicResults = app
        .visitor()
        .call("judging/results", &[("slug", &slug)])
        .await
        .json();
    assert!(hidden.published_at.is_none() && hidden.results.is_empty());
    // Staff choose the moment: not in the past; a later one keeps the results hidden until then.
    let past = common::city(chrono::Utc::now() - Duration::days(1));
    let refused = j
        .staff
        .call("judging/publish", &[("challenge_id", c), ("at", &past)])
        .await;
    assert_eq!(refused.invalid_fields(), ["at"]);
    let tomorrow = common::city(chrono::Utc::now() + Duration::days(1));
    j.staff
        .call("judging/publish", &[("challenge_id", c), ("at", &tomorrow)])
        .await
        .ok();
    let scheduled: PublicResults = app
        .visitor()
        .call("judging/results", &[("slug", &slug)])
        .await
        .json();
    assert!(scheduled.published_at.is_none() && scheduled.results.is_empty());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'results_published'")
            .await,
        0,
        "teams hear when the results are out, not before"
    );
    j.staff
        .call("judging/publish", &[("challenge_id", c), ("at", "")])
        .await
        .ok();
    let public: PublicResults = app
        .visitor()
        .call("judging/results", &[("slug", &slug)])
        .await
        .json();
    assert_eq!(public.results.len(), 2);
    assert_eq!(public.results[1].award.as_deref(), Some("Giải nhất"));
    assert!(public.results[1].award_reason.is_some());
    assert_eq!(
        public.results[0].judges.len(),
        2,
        "the challenge names its judges"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action IN ('judging.awards', 'judging.publish', 'judging.close') AND is_public = true")
            .await,
        4
    );
    let feedback: Option<app::judging::model::TeamFeedback> = j.teams[1]
        .1
        .call(
            "judging/feedback",
            &[("team_id", &j.teams[1].0.to_string())],
        )
        .await
        .json();
    let feedback = feedback.expect("published");
    assert_eq!(feedback.standing.unwrap().rank, 1);
    assert_eq!(feedback.comments.len(), 2);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'results_published'")
            .await,
        2
    );
    // Results published: the entries are public.
    let entries: app::query::model::PublicEntries = app
        .visitor()
        .call("entries/public", &[("slug", &slug)])
        .await
        .json();
    assert_eq!(entries.entries.len(), 2);
    let (status, page) = app
        .visitor()
        .page(&format!("/challenges/{slug}/results"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Giải pháp số 1") && page.contains("Đội số 0 đã thí điểm"));
}

/// A deadline extended for one team shows on the public record (the page, the open data, the
/// feeds) with its new date only while a blind panel judges: not the team, nor the reason, which
/// may name it. An extension ends before a public vote opens.
async fn judging_cannot_turn_blind_after_the_public_read_the_teams(backend: Backend) {
    let app = spawn_app(backend).await;
    let j = app.contest(1, Some(Duration::days(2))).await;
    let c = &j.challenge;
    // An open panel: the vote's page shows each entry with its team.
    settings(&j.staff, c, "1", &[]).await;
    let slug = app
        .text(&format!("SELECT slug FROM challenges WHERE id = {c}"))
        .await;
    let (_, page) = app
        .visitor()
        .page(&format!("/challenges/{slug}/entries"))
        .await;
    assert!(page.contains("Đội số 0"), "the public read the team");
    let blind = j
        .staff
        .call(
            "judging/settings",
            &[
                ("challenge_id", c.as_str()),
                ("scale_min", "1"),
                ("scale_max", "10"),
                ("judges_per_entry", "1"),
                ("blind", "on"),
            ],
        )
        .await;
    assert!(
        matches!(blind.error(), AppError::Conflict { key, .. } if key == "error.blind_too_late"),
        "{}",
        blind.body
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM panels WHERE challenge_id = {c} AND blind = TRUE"
        ))
        .await,
        0
    );
}

async fn an_extension_names_no_team_while_a_blind_panel_judges(backend: Backend) {
    let app = spawn_app(backend).await;
    let j = app.contest(2, None).await;
    let c = &j.challenge;
    settings(&j.staff, c, "1", &["blind"]).await;
    let slug = app
        .text(&format!("SELECT slug FROM challenges WHERE id = {c}"))
        .await;
    // A deadline extended for one team shows on the public record without the team (nor the
    // reason, which may name it) while the panel judges.
    let team = j.teams[0].0.to_string();
    j.staff
        .call(
            "entries/extend",
            &[
                ("team_id", &team),
                ("until", &common::city(Utc::now() + Duration::hours(2))),
                ("reason", "Đội số 0 mất điện cả buổi chiều nộp bài."),
            ],
        )
        .await
        .ok();
    let record = |path: String| {
        let v = app.visitor();
        async move {
            let (status, body) = v.page(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            body
        }
    };
    for path in [
        format!("/challenges/{slug}"),
        format!("/api/v1/challenges/{slug}"),
        format!("/challenges/{slug}/feed.atom"),
        "/feed.atom".to_owned(),
    ] {
        let body = record(path.clone()).await;
        assert!(!body.contains("Đội số 0"), "{path} names the team");
        assert!(!body.contains("mất điện"), "{path} gives the reason");
    }

    j.staff
        .call("judging/close", &[("challenge_id", c)])
        .await
        .ok();
    for path in [
        format!("/challenges/{slug}"),
        format!("/api/v1/challenges/{slug}"),
    ] {
        let body = record(path.clone()).await;
        assert!(
            body.contains("Đội số 0") && body.contains("mất điện"),
            "{path} names the team and the reason once the panel closes"
        );
    }
    let feed = record(format!("/challenges/{slug}/feed.atom")).await;
    assert!(feed.contains("mất điện"), "the feed gives the reason again");

    // With a public vote, an extension ends before the vote opens: the team would otherwise read
    // the others' public entries while it could still change its own.
    let other = spawn_app(backend).await;
    let voted = other.contest(1, Some(Duration::days(3))).await;
    let late = voted
        .staff
        .call(
            "entries/extend",
            &[
                ("team_id", &voted.teams[0].0.to_string()),
                ("until", &common::city(Utc::now() + Duration::hours(2))),
                ("reason", "Mất điện cả buổi chiều nộp bài."),
            ],
        )
        .await;
    assert_eq!(late.invalid_fields(), ["until"]);
}

async fn a_blind_panel_stays_blind_while_it_judges(backend: Backend) {
    let app = spawn_app(backend).await;
    // The public vote opens as entries close, while the panel judges.
    let j = app.contest(2, Some(Duration::days(3))).await;
    let c = &j.challenge;
    rubric(&j.staff, c, &[("Tác động", "100")]).await.ok();
    settings(&j.staff, c, "1", &["blind"]).await;
    let a = judge(&app, &j.staff, c, "a@example.vn").await;
    declare_none(&a, c).await;
    j.staff
        .call("judging/assign", &[("challenge_id", c)])
        .await
        .ok();
    let slug = app
        .text(&format!("SELECT slug FROM challenges WHERE id = {c}"))
        .await;
    let listed = || async {
        app.visitor()
            .call("entries/public", &[("slug", &slug)])
            .await
            .json::<app::query::model::PublicEntries>()
    };

    // Every public place lists the entries, and none names a team while the panel judges.
    let public = listed().await;
    assert!(public.public && public.teams_hidden);
    assert_eq!(public.entries.len(), 2);
    assert!(
        public
            .entries
            .iter()
            .all(|e| e.team_name.is_empty() && e.organisation_name.is_none())
    );
    let (status, page) = app
        .visitor()
        .page(&format!("/challenges/{slug}/entries"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Giải pháp số 0"), "the entries are listed");
    assert!(!page.contains("Đội số") && !page.contains("Công ty Sen"));
    // Nor does a search pair them: a team's name finds nothing, an entry's title finds it
    // without its team, on every way in (the search, the list's filter, their pages).
    let by_team = app.search_entries("doi so 0").await;
    assert!(
        by_team.hits.is_empty() && by_team.teams_hidden,
        "and says why"
    );
    assert!(app.search_entries("Công ty Sen").await.hits.is_empty());
    let found = app.search_entries("giai phap so 1").await;
    assert_eq!(found.hits.len(), 1);
    assert_eq!(found.hits[0].title, "Giải pháp số 1");
    assert!(found.hits[0].team_name.is_empty() && found.hits[0].voting);
    let filtered = |q: &'static str| {
        let (slug, visitor) = (slug.clone(), app.visitor());
        async move {
            visitor
                .call("entries/public", &[("slug", &slug), ("q", q)])
                .await
                .json::<app::query::model::PublicEntries>()
        }
    };
    let by_team = filtered("Đội số 0").await;
    assert!(by_team.entries.is_empty() && by_team.total == 2);
    assert_eq!(filtered("so 1").await.entries.len(), 1);
    for page in [
        "/challenges?q=doi+so".to_owned(),
        "/challenges?q=giai+phap".to_owned(),
        format!("/challenges/{slug}/entries?q=doi+so+0"),
        format!("/challenges/{slug}/entries?q=giai+phap"),
    ] {
        let (status, html) = app.visitor().page(&page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            !html.contains("Đội số") && !html.contains("Công ty Sen"),
            "{page}"
        );
    }
    let (_, html) = app.visitor().page("/challenges?q=giai+phap").await;
    assert!(html.contains("Giải pháp số 0") && html.contains("Giải pháp số 1"));
    let api: serde_json::Value = app
        .visitor()
        .get(&format!("/api/v1/challenges/{slug}/entries"))
        .await
        .json()
        .await
        .unwrap();
    let items = api["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|e| e["team"] == "" && e["team_organisation"].is_null())
    );

    // The judge's copy of a deck whose properties named the team names nobody, under any name
    // asked for.
    let mut decks = 0;
    for item in queue(&a, c).await.items {
        let sheet: ScoreSheet = a
            .call("judging/sheet", &[("entry_id", &item.entry_id.to_string())])
            .await
            .json();
        for file in &sheet.files {
            assert!(!file.name.contains("so-0"), "{}", file.name);
            for url in [
                file.url(),
                format!("/files/{}/doi-so-0-thuyet-trinh.pdf", file.id),
            ] {
                let got = a.get(&url).await;
                assert_eq!(got.status(), StatusCode::OK, "{url}");
                let named = got.headers()["content-disposition"]
                    .to_str()
                    .unwrap()
                    .to_owned();
                assert!(!named.contains("so-0"), "{named}");
                let bytes = got.bytes().await.unwrap();
                let text = String::from_utf8_lossy(&bytes);
                assert!(bytes.starts_with(b"%PDF-"));
                for told in ["Doi so", "Cong ty Sen", "xmpmeta", "JavaScript"] {
                    assert!(!text.contains(told), "{told} in the judge's copy");
                }
                decks += 1;
            }
        }
    }
    assert_eq!(decks, 2, "the deck was attached and judged");

    // Once a score exists, blind judging cannot be switched off.
    let entry = queue(&a, c).await.items[0].entry_id;
    let sheet: ScoreSheet = a
        .call("judging/sheet", &[("entry_id", &entry.to_string())])
        .await
        .json();
    send(&a, "judging/save", &marks(&sheet, &[7])).await.ok();
    let unblind = j
        .staff
        .call(
            "judging/settings",
            &[
                ("challenge_id", c.as_str()),
                ("scale_min", "1"),
                ("scale_max", "10"),
                ("judges_per_entry", "1"),
            ],
        )
        .await;
    assert!(
        matches!(unblind.error(), AppError::Conflict { key, .. } if key == "error.blind_locked")
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM panels WHERE challenge_id = {c} AND blind = true"
        ))
        .await,
        1
    );

    // The panel closes: the teams are named again.
    j.staff
        .call("judging/close", &[("challenge_id", c)])
        .await
        .ok();
    let after = listed().await;
    assert!(!after.teams_hidden);
    assert!(after.entries.iter().any(
        |e| e.team_name == "Đội số 0" && e.organisation_name.as_deref() == Some("Công ty Sen")
    ));
    let found = app.search_entries("doi so 0").await;
    assert_eq!(found.hits.len(), 1);
    assert!(!found.teams_hidden);
    assert_eq!(
        (
            found.hits[0].title.as_str(),
            found.hits[0].team_name.as_str()
        ),
        ("Giải pháp số 0", "Đội số 0")
    );
    let by_organisation = app.search_entries("cong ty sen").await;
    assert_eq!(by_organisation.hits.len(), 1);
    assert_eq!(by_organisation.hits[0].team_name, "Đội số 0");
    let by_team = filtered("Đội số 0").await;
    assert_eq!(by_team.entries.len(), 1);
    assert_eq!(by_team.entries[0].title, "Giải pháp số 0");
}

/// A judge who declared a conflict with a team tries to learn its entry by elimination: the
/// public vote lists every entry, so if their queue held every entry but one, the missing one
/// would be that team's. Staff are told, before assigning, that a panel with no judge to spare
/// cannot hide it; with one more judge, another entry is left out of the queue as cover.
async fn a_judge_cannot_find_a_declared_team_by_elimination(backend: Backend) {
    let app = spawn_app(backend).await;
    let j = app.contest(4, Some(Duration::days(3))).await;
    let c = &j.challenge;
    rubric(&j.staff, c, &[("Tác động", "100")]).await.ok();
    settings(&j.staff, c, "2", &["blind"]).await;
    let a = judge(&app, &j.staff, c, "a@example.vn").await;
    let b = judge(&app, &j.staff, c, "b@example.vn").await;
    let friend = queue(&a, c)
        .await
        .teams
        .into_iter()
        .find(|t| t.name == "Đội số 2")
        .unwrap();
    a.call(
        "judging/declare",
        &[
            ("challenge_id", c),
            ("teams[]", &friend.token),
            ("team_reason", "Con tôi ở trong đội này."),
        ],
    )
    .await
    .ok();
    declare_none(&b, c).await;

    // Two judges, two per entry: both would score every entry they may, so staff are warned
    // before assigning, on their judging page.
    let warned = setup(&j.staff, c).await;
    assert_eq!(warned.exposed.len(), 1, "{:?}", warned.exposed);
    let (_, page) = j
        .staff
        .page(&format!("/staff/challenges/{c}/judging"))
        .await;
    assert!(
        page.contains("Hội đồng chưa đủ người để giữ kín xung đột đã khai"),
        "{page}"
    );

    // A third judge joins before anything is assigned: the warning goes.
    let d = judge(&app, &j.staff, c, "d@example.vn").await;
    declare_none(&d, c).await;
    assert!(setup(&j.staff, c).await.exposed.is_empty());
    let (_, short): (usize, Vec<(String, usize)>) = j
        .staff
        .call("judging/assign", &[("challenge_id", c)])
        .await
        .json();
    assert!(
        short.is_empty(),
        "every entry has its two judges: {short:?}"
    );

    // The judge's elimination: the public list, less their own queue.
    let slug = app
        .text(&format!("SELECT slug FROM challenges WHERE id = {c}"))
        .await;
    let public: app::query::model::PublicEntries =
        a.call("entries/public", &[("slug", &slug)]).await.json();
    assert_eq!(public.entries.len(), 4);
    let mine: Vec<String> = queue(&a, c)
        .await
        .items
        .into_iter()
        .map(|i| i.title)
        .collect();
    let candidates: Vec<&str> = public
        .entries
        .iter()
        .map(|e| e.title.as_str())
        .filter(|t| !mine.iter().any(|m| m == t))
        .collect();
    assert!(
        candidates.contains(&"Giải pháp số 2") && candidates.len() >= 2,
        "the missing entries are the friend's and at least one other: {candidates:?}"
    );
    let after = setup(&j.staff, c).await;
    assert!(after.exposed.is_empty() && after.short.is_empty());
}

/// Staff of the organiser, and administrators, read every entry with its team: they may sit on
/// a panel that shows the teams, never on a blind one (refused on the record), and a panel one of
/// them sits on cannot be made blind.
async fn the_organisers_staff_never_sit_on_a_blind_panel(backend: Backend) {
    let app = spawn_app(backend).await;
    let j = app.contest(1, None).await;
    let c = j.challenge.as_str();
    assert!(
        setup(&j.staff, c).await.blind,
        "panels are blind unless staff say otherwise"
    );
    for email in ["canbo@p1.vn", common::ADMIN_EMAIL] {
        let refused = j
            .staff
            .call("judging/invite", &[("challenge_id", c), ("email", email)])
            .await;
        assert_eq!(
            refused.error(),
            AppError::conflict("error.organiser_cannot_judge_blind"),
            "{email}"
        );
    }
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'participation.refused' \
             AND target_id = {c} AND reason = 'error.organiser_cannot_judge_blind'"
        ))
        .await,
        2
    );
    // A panel that shows the teams: the organiser's staff may sit on it...
    settings(&j.staff, c, "1", &[]).await;
    assert!(!setup(&j.staff, c).await.blind);
    j.staff
        .call(
            "judging/invite",
            &[("challenge_id", c), ("email", "canbo@p1.vn")],
        )
        .await
        .ok();
    let list: Vec<app::notify::model::NotificationItem> =
        j.staff.call("notifications/list", &[]).await.json();
    let link = list
        .iter()
        .find(|n| n.link.starts_with("/judging/invitations/"))
        .expect("an invitation")
        .link
        .clone();
    let token = link.trim_start_matches("/judging/invitations/");
    j.staff
        .call("judging/respond", &[("token", token), ("accept", "true")])
        .await
        .ok();
    // ...and it cannot be made blind around them.
    let refused = j
        .staff
        .call(
            "judging/settings",
            &[
                ("challenge_id", c),
                ("scale_min", "1"),
                ("scale_max", "10"),
                ("judges_per_entry", "1"),
                ("blind", "on"),
            ],
        )
        .await;
    assert_eq!(
        refused.error(),
        AppError::conflict("error.blind_with_organiser")
    );
    assert!(!setup(&j.staff, c).await.blind);
}

/// A judge seated on a blind panel that still judges becomes neither staff of the organiser nor
/// an administrator (either reads every entry with its team), and someone who competes is no
/// administrator either: refused with the reason, on the record; once the panel has closed, the
/// judge may.
async fn a_blind_judge_is_made_staff_or_admin_only_after_the_panel_closes(backend: Backend) {
    let app = spawn_app(backend).await;
    let j = app.contest(1, None).await;
    let c = j.challenge.as_str();
    judge(&app, &j.staff, c, "giamkhao@ngoai.vn").await;
    let organisation = app
        .scalar(&format!(
            "SELECT organisation_id FROM challenges WHERE id = {c}"
        ))
        .await
        .to_string();
    let admin = app.admin().await;
    let form = [
        ("organisation_id", organisation.as_str()),
        ("email", "giamkhao@ngoai.vn"),
    ];
    let grant = || admin.call("admin/organisations/staff/add", &form);
    assert_eq!(
        grant().await.error(),
        AppError::conflict("error.blind_judge_cannot_organise")
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'staff.refused' \
             AND target_id = {organisation} AND reason = 'error.blind_judge_cannot_organise'"
        ))
        .await,
        1
    );
    // Made an administrator, as `vidan create-admin` makes one: the refusal, if any.
    let appoint = |email: &'static str| {
        let db = app.db.clone();
        async move {
            app::org::service::appoint_admin(&db, email, "Người thử", common::PASSWORD.into())
                .await
                .map(|_| ())
        }
    };
    assert_eq!(
        appoint("giamkhao@ngoai.vn").await,
        Err(AppError::conflict("error.blind_judge_cannot_organise"))
    );
    // Nor someone who competes in a challenge that is not over.
    assert_eq!(
        appoint("doi0@example.vn").await,
        Err(AppError::conflict("error.competitor_cannot_organise"))
    );
    // Results scheduled for a later date are not out yet: the challenge is not over.
    let results_at = |at: Option<chrono::DateTime<Utc>>| {
        use app::challenge::entity::challenge;
        use sea_orm::{ActiveModelTrait, Set};
        let db = app.db.clone();
        let id: i64 = c.parse().unwrap();
        async move {
            challenge::ActiveModel {
                id: Set(id),
                results_published_at: Set(at),
                ..Default::default()
            }
            .update(&db)
            .await
            .expect("the results' date moved");
        }
    };
    results_at(Some(Utc::now() + Duration::days(2))).await;
    assert_eq!(
        appoint("doi0@example.vn").await,
        Err(AppError::conflict("error.competitor_cannot_organise"))
    );
    results_at(None).await;
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'admin.refused' AND reason IN \
             ('error.blind_judge_cannot_organise', 'error.competitor_cannot_organise')"
        )
        .await,
        3,
        "each refusal on the record"
    );
    let roles = app
        .scalar(
            "SELECT (SELECT COUNT(*) FROM org_staff s JOIN users u ON u.id = s.user_id \
             WHERE u.email = 'giamkhao@ngoai.vn') + (SELECT COUNT(*) FROM users \
             WHERE email = 'giamkhao@ngoai.vn' AND is_admin = TRUE)",
        )
        .await;
    assert_eq!(roles, 0, "no role was given");

    j.staff
        .call("judging/close", &[("challenge_id", c)])
        .await
        .ok();
    grant().await.ok();
    appoint("giamkhao@ngoai.vn")
        .await
        .expect("an administrator once the panel has closed");
}

/// A judge declares once: two declarations sent at once, each within the limit and together
/// past it (two teams of five each), are one declaration and one refusal, never four conflicts.
async fn two_declarations_sent_at_once_are_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let j = judged(&app, 5).await;
    let c = j.challenge.clone();
    let e = judge(&app, &j.staff, &c, "giamkhao@ngoai.vn").await;
    let offered = queue(&e, &c).await.teams;
    assert_eq!(offered.len(), 5);
    let mut at_once = tokio::task::JoinSet::new();
    for pair in [&offered[0..2], &offered[2..4]] {
        let mut form: Vec<(String, String)> = pair
            .iter()
            .map(|t| ("teams[]".to_owned(), t.token.clone()))
            .collect();
        form.push(("challenge_id".into(), c.clone()));
        form.push(("team_reason".into(), "Tôi quen các trưởng nhóm.".into()));
        let e = e.clone();
        at_once.spawn(async move {
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            e.call("judging/declare", &pairs).await
        });
    }
    let mut answers = Vec::new();
    while let Some(done) = at_once.join_next().await {
        answers.push(done.unwrap());
    }
    let taken = answers.iter().filter(|a| a.status.is_success()).count();
    assert_eq!(
        taken,
        1,
        "{:?}",
        answers.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    assert!(answers.iter().any(|a| !a.status.is_success()
        && matches!(a.error(), AppError::Conflict { key, .. } if key == "error.already_declared")));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM conflicts").await,
        2,
        "one declaration's two conflicts"
    );
}

/// Two roles asked for one person at the same moment are checked one after the other, never
/// both against what was there before: of a seat on a team and a staff role, a seat on a team and
/// a seat on the blind panel, or a seat on the blind panel and a staff role, one is given and
/// the other refused. Five people each ask for every pair at once.
async fn two_roles_asked_at_once_are_never_both_given(backend: Backend) {
    use std::future::Future;
    use std::pin::Pin;
    type Ask = Pin<Box<dyn Future<Output = common::Answer> + Send>>;
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 2", "canbo@p2.vn").await;
    let c = app
        .open_challenge(&staff, org, Duration::days(3), None)
        .await;
    let admin = app.admin().await;
    let org = org.to_string();
    let team = |v: &Visitor, name: String| -> Ask {
        let (v, c) = (v.clone(), c.clone());
        Box::pin(async move {
            v.call(
                "teams/create",
                &[
                    ("challenge_id", &c),
                    ("name", &name),
                    ("contact", "0909 123 456"),
                ],
            )
            .await
        })
    };
    let grant = |email: String| -> Ask {
        let (admin, org) = (admin.clone(), org.clone());
        Box::pin(async move {
            admin
                .call(
                    "admin/organisations/staff/add",
                    &[("organisation_id", &org), ("email", &email)],
                )
                .await
        })
    };
    let seat = |v: &Visitor| -> Ask {
        let v = v.clone();
        Box::pin(async move { take_seat(&v).await })
    };
    let mut asked = tokio::task::JoinSet::new();
    for race in ["team+staff", "team+panel", "panel+staff"] {
        for i in 0..5 {
            let email = format!("{}{i}@example.vn", race.replace('+', "-"));
            let v = app.citizen(&email).await;
            if race.contains("panel") {
                staff
                    .call("judging/invite", &[("challenge_id", &c), ("email", &email)])
                    .await
                    .ok();
            }
            let pair = match race {
                "team+staff" => [team(&v, format!("Đội {race} {i}")), grant(email.clone())],
                "team+panel" => [team(&v, format!("Đội {race} {i}")), seat(&v)],
                _ => [seat(&v), grant(email.clone())],
            };
            for ask in pair {
                let email = email.clone();
                asked.spawn(async move { (email, ask.await) });
            }
        }
    }
    let mut given = std::collections::BTreeMap::<String, Vec<StatusCode>>::new();
    while let Some(done) = asked.join_next().await {
        let (email, answer) = done.unwrap();
        assert!(
            answer.status.is_success()
                || answer.status.is_redirection()
                || app::participation::is_role_refusal(&answer.error()),
            "{email}: {} {}",
            answer.status,
            answer.body
        );
        given.entry(email).or_default().push(answer.status);
    }
    for (email, answers) in &given {
        let refused = answers
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count();
        assert_eq!(refused, 1, "{email}: one of two roles given, {answers:?}");
        let roles = app
            .scalar(&format!(
                "SELECT (SELECT COUNT(*) FROM org_staff s JOIN users u ON u.id = s.user_id \
                 WHERE u.email = '{email}') \
                 + (SELECT COUNT(*) FROM judges j JOIN users u ON u.id = j.user_id \
                 WHERE u.email = '{email}') \
                 + (SELECT COUNT(*) FROM team_members m JOIN users u ON u.id = m.user_id \
                 WHERE u.email = '{email}')"
            ))
            .await;
        assert_eq!(roles, 1, "{email} holds one role");
    }
    assert_eq!(given.len(), 15);
}

on_both_databases!(
    a_draft_saved_by_the_sheets_code_answers_when_it_was_saved,
    a_judge_cannot_find_a_declared_team_by_elimination,
    the_organisers_staff_never_sit_on_a_blind_panel,
    a_blind_judge_is_made_staff_or_admin_only_after_the_panel_closes,
    two_roles_asked_at_once_are_never_both_given,
    two_declarations_sent_at_once_are_one,
    a_judge_needs_two_step_sign_in_and_a_shorter_session,
    a_blind_panel_stays_blind_while_it_judges,
    a_judge_reads_an_entry_only_after_its_own_deadline,
    an_extension_names_no_team_while_a_blind_panel_judges,
    judging_cannot_turn_blind_after_the_public_read_the_teams,
    a_judge_reads_only_the_files_the_submitted_entry_holds,
    a_rubric_must_add_up_and_locks_with_the_first_score,
    conflicts_come_first_and_assignment_avoids_them_evenly,
    scores_are_refused_outside_the_scale_from_others_and_after_closing,
    results_are_ranked_awards_off_the_ranking_need_a_reason_and_teams_read_feedback,
);
