//! Entries through the real HTTP stack: drafts any member saves, submissions kept as versions, two
//! members saving at once, outsiders, and the deadline to the second.

use crate::common;

use crate::common::{Backend, TestApp, Visitor, spawn_app};
use app::entry::model::{EntryStatus, EntryView};
use app::error::AppError;
use chrono::{Duration, Utc};
use reqwest::StatusCode;

/// An open challenge and a team of two (owner and member) in it; returns the team id.
async fn team_of_two(app: &TestApp, close: Duration) -> (i64, Visitor, Visitor) {
    team_of_two_with(app, close, false).await
}

/// As [`team_of_two`]; with `vote`, the public vote opens the moment entries close.
async fn team_of_two_with(app: &TestApp, close: Duration, vote: bool) -> (i64, Visitor, Visitor) {
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let challenge = app
        .open_challenge(&staff, org, close, vote.then(|| Duration::days(5)))
        .await;
    let owner = app.citizen("bao@example.vn").await;
    let team = owner.create_team(&challenge, "Nhóm Sen Hồng").await;
    let detail: app::query::model::TeamDetail = owner
        .call("teams/get", &[("id", &team.to_string())])
        .await
        .json();
    let member = app.citizen("lan@example.vn").await;
    member
        .call("teams/join", &[("code", &detail.join_code)])
        .await
        .ok();
    (team, owner, member)
}

fn complete(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("entry[title]", title.to_owned()),
        ("entry[summary]", "Người dân lấy số và nhận tin nhắn khi sắp đến lượt.".into()),
        (
            "entry[solution]",
            "Một máy lấy số nối với tổng đài tin nhắn; bảng điện tử ở sảnh; không cần điện thoại thông minh.".into(),
        ),
        ("entry[pilot_plan]", "Ba tháng ở bộ phận một cửa Phường 1, hai quầy.".into()),
        ("entry[cost]", "120.000.000".into()),
        ("entry[experience]", "Đã làm ở hai bệnh viện.".into()),
        ("entry[demo_url]", "https://github.com/sen-hong/xep-hang".into()),
        ("entry[acknowledged]", "on".into()),
    ]
}

async fn save(
    v: &Visitor,
    team: i64,
    version: i32,
    fields: &[(&'static str, String)],
) -> common::Answer {
    let team = team.to_string();
    let version = version.to_string();
    let mut form: Vec<(&str, &str)> = vec![("team_id", &team), ("version", &version)];
    form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
    v.call("entries/save", &form).await
}

async fn get(v: &Visitor, team: i64) -> EntryView {
    v.call("entries/get", &[("team_id", &team.to_string())])
        .await
        .json()
}

async fn members_draft_and_submit_and_every_submission_is_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    let (team, owner, member) = team_of_two(&app, Duration::days(10)).await;
    let draft = get(&owner, team).await;
    assert_eq!((draft.status, draft.version), (EntryStatus::Draft, 0));
    // The two fields judges read as written, where a team might name itself, say so beside
    // them, in the reader's language.
    let (_, page) = owner.page(&format!("/teams/{team}")).await;
    let warning = "Ban giám khảo có thể chấm kín và sẽ đọc nguyên văn phần này";
    for field in ["entry[demo_url]", "entry[experience]"] {
        // The field names its hint for screen readers (`aria-describedby`), and the hint says it.
        let tag_start = page[..page.find(&format!("name=\"{field}\"")).unwrap()]
            .rfind('<')
            .unwrap();
        let tag = &page[tag_start..tag_start + page[tag_start..].find('>').unwrap()];
        let described = tag
            .split("aria-describedby=\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{field} names no hint: {tag}"))
            .split('"')
            .next()
            .unwrap();
        let hint = described
            .split_whitespace()
            .find_map(|id| page.split(&format!("id=\"{id}\"")).nth(1))
            .unwrap_or_else(|| panic!("{field}: no element {described}"));
        let text = hint[hint.find('>').unwrap() + 1..]
            .split('<')
            .next()
            .unwrap();
        assert!(
            text.contains(warning),
            "{field} carries the warning: {text}"
        );
    }
    assert_eq!(page.matches(warning).count(), 2, "beside both fields");
    owner.switch_language("en", None).await;
    let (_, page) = owner.page(&format!("/teams/{team}")).await;
    assert_eq!(
        page.matches("Judges may score blind and will read this as written")
            .count(),
        2
    );
    owner.switch_language("vi", None).await;

    let first: EntryView = save(
        &owner,
        team,
        0,
        &[("entry[title]", "Số thứ tự qua tin nhắn".into())],
    )
    .await
    .json();
    assert_eq!(first.version, 1);
    assert_eq!(
        get(&member, team).await.fields.title,
        "Số thứ tự qua tin nhắn",
        "any member sees the draft"
    );
    let incomplete = member
        .call(
            "entries/submit",
            &[("team_id", &team.to_string()), ("version", "1")],
        )
        .await;
    assert_eq!(
        incomplete.invalid_fields(),
        ["summary", "solution", "pilot_plan", "acknowledged"]
    );
    let bad_link = save(
        &member,
        team,
        1,
        &[("entry[demo_url]", "javascript:alert(1)".into())],
    )
    .await;
    assert_eq!(bad_link.invalid_fields(), ["demo_url"]);

    let saved: EntryView = save(&member, team, 1, &complete("Số thứ tự qua tin nhắn"))
        .await
        .json();
    let submitted: EntryView = member
        .call(
            "entries/submit",
            &[
                ("team_id", &team.to_string()),
                ("version", &saved.version.to_string()),
            ],
        )
        .await
        .json();
    assert_eq!(submitted.status, EntryStatus::Submitted);
    assert_eq!(submitted.submissions, 1);
    assert!(!submitted.unsubmitted_changes);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'entry_submitted'")
            .await,
        2
    );

    // The same text again, saved or pressed twice by a client that retries, is no new version.
    let (team_id, version) = (team.to_string(), submitted.version.to_string());
    let twice = member
        .call(
            "entries/submit",
            &[("team_id", &team_id), ("version", &version)],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(
        matches!(twice.error(), AppError::Conflict { key, .. } if key == "error.entry_nothing_new")
    );
    let resaved: EntryView = save(
        &member,
        team,
        submitted.version,
        &complete("Số thứ tự qua tin nhắn"),
    )
    .await
    .json();
    assert!(!resaved.unsubmitted_changes, "saved as it was submitted");
    let version = resaved.version.to_string();
    let same = member
        .call(
            "entries/submit",
            &[("team_id", &team_id), ("version", &version)],
        )
        .await;
    assert_eq!(same.status, StatusCode::CONFLICT);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM entry_versions").await, 1);

    let edited: EntryView = save(
        &owner,
        team,
        resaved.version,
        &complete("Số thứ tự và tin nhắn nhắc lượt"),
    )
    .await
    .json();
    assert!(edited.unsubmitted_changes, "saved, not yet resubmitted");
    let again: EntryView = owner
        .call(
            "entries/submit",
            &[
                ("team_id", &team.to_string()),
                ("version", &edited.version.to_string()),
            ],
        )
        .await
        .json();
    assert_eq!(again.submissions, 2);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM entry_versions").await,
        2,
        "every submission is kept"
    );
    let mine: app::query::model::MyTeams = member.call("teams/mine", &[]).await.json();
    assert_eq!(
        mine.teams[0].entry_status,
        Some(EntryStatus::Submitted),
        "my page shows the entry's status"
    );
}

async fn two_members_saving_at_once_never_lose_work_silently(backend: Backend) {
    let app = spawn_app(backend).await;
    let (team, owner, member) = team_of_two(&app, Duration::days(10)).await;
    let start = get(&owner, team).await.version;
    save(
        &owner,
        team,
        start,
        &[("entry[title]", "Bản của Bảo".into())],
    )
    .await
    .ok();
    let late = save(
        &member,
        team,
        start,
        &[("entry[title]", "Bản của Lan".into())],
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    match late.error() {
        AppError::Conflict {
            ref key,
            ref params,
        } => {
            assert_eq!(key, "error.entry_changed");
            assert!(params.iter().any(|(k, v)| k == "by" && v == "Người dân"));
            // The message names the fields that changed, in the reader's language.
            let shown = late.error().message(app::i18n::Locale::Vi);
            assert!(shown.contains("Tên giải pháp"), "{shown}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        get(&member, team).await.fields.title,
        "Bản của Bảo",
        "nothing was overwritten"
    );
    let latest = get(&member, team).await.version;
    save(
        &member,
        team,
        latest,
        &[("entry[title]", "Bản chung".into())],
    )
    .await
    .ok();
    assert_eq!(get(&owner, team).await.fields.title, "Bản chung");
}

async fn another_team_cannot_read_or_write_this_entry(backend: Backend) {
    let app = spawn_app(backend).await;
    let (team, _, _) = team_of_two(&app, Duration::days(10)).await;
    let outsider = app.citizen("chi@example.vn").await;
    let t = team.to_string();
    assert_eq!(
        outsider
            .call("entries/get", &[("team_id", &t)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        save(&outsider, team, 0, &complete("Chiếm bài"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        outsider
            .call("entries/submit", &[("team_id", &t), ("version", "0")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.visitor()
            .call("entries/get", &[("team_id", &t)])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM entries WHERE title = 'Chiếm bài'")
            .await,
        0
    );
}

async fn at_the_deadline_changes_are_refused_with_the_time_it_closed(backend: Backend) {
    let app = spawn_app(backend).await;
    let (team, owner, _) = team_of_two(&app, Duration::hours(1)).await;
    // The deadline comes three seconds after the set-up, however long that took.
    let challenge = app
        .scalar("SELECT challenge_id FROM teams")
        .await
        .to_string();
    app.entries_close(&challenge, Utc::now() + Duration::seconds(3))
        .await;
    let mut version = get(&owner, team).await.version;
    let closes_at = get(&owner, team).await.closes_at;
    // Saves keep arriving across the deadline: each is accepted before it and refused after.
    let mut refused = 0;
    for i in 0..12 {
        let answer = save(
            &owner,
            team,
            version,
            &[("entry[title]", format!("Bản {i}"))],
        )
        .await;
        let now = Utc::now();
        if answer.status.is_success() {
            let v: EntryView = answer.json();
            assert!(
                v.updated_at < closes_at,
                "saved after the deadline: {}",
                v.updated_at
            );
            version = v.version;
        } else {
            assert!(
                now >= closes_at - Duration::milliseconds(50),
                "refused before the deadline"
            );
            assert!(
                matches!(answer.error(), AppError::Conflict { key, params } if key == "error.entries_closed" && !params.is_empty())
            );
            refused += 1;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(refused >= 2, "the deadline passed during the test");
    let submit = owner
        .call(
            "entries/submit",
            &[
                ("team_id", &team.to_string()),
                ("version", &version.to_string()),
            ],
        )
        .await;
    assert_eq!(submit.status, StatusCode::CONFLICT);
    assert_eq!(
        get(&owner, team).await.status,
        EntryStatus::Draft,
        "a draft never submitted stays a draft"
    );
}

async fn staff_list_entries_mark_one_ineligible_and_extend_one_team(backend: Backend) {
    let app = spawn_app(backend).await;
    let (team, owner, member) = team_of_two(&app, Duration::hours(1)).await;
    let staff = app.official_again("canbo@p1.vn").await;
    let v = get(&owner, team).await.version;
    save(&owner, team, v, &complete("Số thứ tự qua tin nhắn"))
        .await
        .ok();
    let challenge = app
        .scalar("SELECT challenge_id FROM teams")
        .await
        .to_string();

    let rows: Vec<app::entry::model::StaffEntryRow> = staff
        .call("entries/for-challenge", &[("challenge_id", &challenge)])
        .await
        .json();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].members, rows[0].status), (2, EntryStatus::Draft));
    assert_eq!(
        member
            .call("entries/for-challenge", &[("challenge_id", &challenge)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // An export that cannot be put on the record is not sent.
    app.refuse_records("entries.export").await;
    let unrecorded = staff
        .get(&format!("/staff/challenges/{challenge}/entries.csv"))
        .await;
    assert!(unrecorded.status().is_server_error());
    app.accept_records().await;
    let csv = staff
        .get(&format!("/staff/challenges/{challenge}/entries.csv"))
        .await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'entries.export' \
             AND target_id = {challenge} AND details LIKE '%\"rows\":1%' \
             AND actor_id = (SELECT id FROM users WHERE email = 'canbo@p1.vn') \
             AND is_public = false"
        ))
        .await,
        1,
        "the export is on the record, with how many rows left"
    );
    let body = csv.text().await.unwrap();
    assert!(
        body.starts_with('\u{feff}')
            && body.contains("Nhóm Sen Hồng,,2,Số thứ tự qua tin nhắn,Bản nháp"),
        "{body}"
    );
    assert_eq!(
        member
            .get(&format!("/staff/challenges/{challenge}/entries.csv"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // One team gets one more day, on the public record; after the common deadline it still saves.
    let until = common::city(Utc::now() + Duration::days(1));
    let not_member = member
        .call(
            "entries/extend",
            &[
                ("team_id", &team.to_string()),
                ("until", &until),
                ("reason", "Mất điện cả khu vực chiều nay."),
            ],
        )
        .await;
    assert_eq!(not_member.status, StatusCode::FORBIDDEN);
    staff
        .call(
            "entries/extend",
            &[
                ("team_id", &team.to_string()),
                ("until", &until),
                ("reason", "Mất điện cả khu vực chiều nay."),
            ],
        )
        .await
        .ok();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'challenge.extension' AND is_public = true").await,
        1
    );
    app.entries_close(&challenge, Utc::now() - Duration::seconds(1))
        .await;
    let v = get(&owner, team).await.version;
    let late: EntryView = save(&owner, team, v, &complete("Sau hạn chung, trong hạn riêng"))
        .await
        .json();
    owner
        .call(
            "entries/submit",
            &[
                ("team_id", &team.to_string()),
                ("version", &late.version.to_string()),
            ],
        )
        .await
        .ok();

    staff
        .call(
            "entries/ineligible",
            &[
                ("team_id", &team.to_string()),
                (
                    "reason",
                    "Giải pháp đã được bán cho phường khác, trái thể lệ.",
                ),
            ],
        )
        .await
        .ok();
    let seen = get(&member, team).await;
    assert_eq!(seen.status, EntryStatus::Ineligible);
    assert_eq!(
        seen.ineligible_reason.as_deref(),
        Some("Giải pháp đã được bán cho phường khác, trái thể lệ.")
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'entry_ineligible'")
            .await,
        2
    );
    let refused = save(&owner, team, seen.version, &complete("Sửa lại")).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
}

async fn members_of_a_draft_hear_a_day_before_and_when_entries_close(backend: Backend) {
    let app = spawn_app(backend).await;
    let (team, owner, _) = team_of_two(&app, Duration::hours(1)).await;
    let v = get(&owner, team).await.version;
    save(&owner, team, v, &complete("Số thứ tự qua tin nhắn"))
        .await
        .ok();
    app.wait_until(
        "SELECT COUNT(*) FROM notifications WHERE kind = 'entry_deadline_soon'",
        "members of the draft are reminded",
    )
    .await;
    let challenge = app
        .scalar("SELECT challenge_id FROM teams")
        .await
        .to_string();
    app.entries_close(&challenge, Utc::now() - Duration::seconds(1))
        .await;
    // Members hear when judging starts though they never followed the challenge.
    app.wait_until(
        "SELECT COUNT(*) FROM notifications WHERE kind = 'challenge_phase_changed'",
        "members hear that entries closed",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'entry_deadline_soon'")
            .await,
        2,
        "each member once"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'challenge_phase_changed'")
            .await,
        2
    );
}

async fn files(v: &Visitor, team: i64) -> app::entry::model::EntryFiles {
    v.call("entries/files", &[("team_id", &team.to_string())])
        .await
        .json()
}

async fn attach(
    v: &Visitor,
    team: i64,
    public: bool,
    name: &str,
    bytes: Vec<u8>,
) -> common::Answer {
    let team = team.to_string();
    let mut fields = vec![("team_id", team.as_str())];
    if public {
        fields.push(("public", "on"));
    }
    v.call_multipart("entries/files/add", &fields, Some(("file", name, bytes)))
        .await
}

async fn files_are_kept_with_each_submission_and_shown_in_public_only_from_the_vote(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (team, owner, member) = team_of_two_with(&app, Duration::hours(1), true).await;
    let t = team.to_string();
    let slug = owner
        .call("teams/get", &[("id", &t)])
        .await
        .json::<app::query::model::TeamDetail>()
        .challenge
        .slug;
    // Its panel judges with the teams' names (not blind, as a new panel would): the public sees
    // the teams and the files' names once the vote opens.
    let staff = app.official_again("canbo@p1.vn").await;
    let challenge = app
        .scalar(&format!("SELECT id FROM challenges WHERE slug = '{slug}'"))
        .await
        .to_string();
    staff
        .call(
            "judging/settings",
            &[
                ("challenge_id", challenge.as_str()),
                ("scale_min", "1"),
                ("scale_max", "10"),
                ("judges_per_entry", "3"),
            ],
        )
        .await
        .ok();
    assert_eq!(
        attach(&owner, team, false, "ghi-chu.txt", b"just text".to_vec())
            .await
            .invalid_fields(),
        ["file"],
        "only PDFs and images"
    );
    attach(&owner, team, true, "Thuyết trình.pdf", common::tiny_pdf())
        .await
        .ok();
    attach(&member, team, false, "so-do.png", common::tiny_png())
        .await
        .ok();
    let list = files(&member, team).await;
    assert_eq!(
        list.files
            .iter()
            .map(|f| (f.file.name.as_str(), f.public))
            .collect::<Vec<_>>(),
        [("thuyet-trinh.pdf", true), ("so-do.png", false)]
    );
    let (pdf, png) = (list.files[0].file.clone(), list.files[1].file.clone());
    let outsider = app.citizen("chi@example.vn").await;
    assert_eq!(
        outsider
            .call("entries/files", &[("team_id", &t)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        outsider.get(&pdf.url()).await.status(),
        StatusCode::NOT_FOUND,
        "nothing is public before the vote"
    );
    assert_eq!(member.get(&png.url()).await.status(), StatusCode::OK);
    // A team's file goes out under the server's name whatever name the address gives, and no
    // cache keeps it.
    for asked in [png.url(), format!("/files/{}/nhom-sen-hong.png", png.id)] {
        let served = member.get(&asked).await;
        assert_eq!(
            served.headers()["content-disposition"],
            format!("inline; filename=\"vidan-{}.png\"", png.id).as_str()
        );
        assert_eq!(served.headers()["cache-control"], "no-store");
    }
    let before: app::query::model::PublicEntries = app
        .visitor()
        .call("entries/public", &[("slug", &slug)])
        .await
        .json();
    assert!(!before.public && before.entries.is_empty() && before.public_from.is_some());

    let v = get(&owner, team).await.version;
    let saved: EntryView = save(&owner, team, v, &complete("Số thứ tự qua tin nhắn"))
        .await
        .json();
    owner
        .call(
            "entries/submit",
            &[("team_id", &t), ("version", &saved.version.to_string())],
        )
        .await
        .ok();
    attach(&member, team, false, "them.png", common::tiny_png())
        .await
        .ok();
    assert!(
        get(&owner, team).await.unsubmitted_changes,
        "a file added after the submission is not in it"
    );
    let extra = files(&owner, team).await.files[2].file.id.to_string();
    owner
        .call(
            "entries/files/remove",
            &[("team_id", &t), ("upload_id", &extra)],
        )
        .await
        .ok();
    assert!(!get(&owner, team).await.unsubmitted_changes);
    assert!(
        app.search_entries("so thu tu").await.hits.is_empty()
            && app.search_entries("sen hong").await.hits.is_empty(),
        "a submitted entry is not found before the vote opens"
    );
    let png_id = png.id.to_string();
    owner
        .call(
            "entries/files/public",
            &[("team_id", &t), ("upload_id", &png_id), ("public", "on")],
        )
        .await
        .ok();
    assert!(files(&owner, team).await.files[1].public);
    owner
        .call(
            "entries/files/public",
            &[("team_id", &t), ("upload_id", &png_id)],
        )
        .await
        .ok();
    assert!(!files(&owner, team).await.files[1].public);

    // The vote opens as entries close.
    app.entries_close(&challenge, Utc::now() - Duration::seconds(1))
        .await;
    let late = attach(&owner, team, true, "muon.pdf", common::tiny_pdf()).await;
    assert!(
        matches!(late.error(), AppError::Conflict { key, .. } if key == "error.entries_closed")
    );
    let public: app::query::model::PublicEntries = app
        .visitor()
        .call("entries/public", &[("slug", &slug)])
        .await
        .json();
    assert!(public.public);
    assert_eq!(public.entries.len(), 1);
    let shown = &public.entries[0];
    assert!(!public.teams_hidden);
    assert_eq!(
        (shown.title.as_str(), shown.team_name.as_str()),
        ("Số thứ tự qua tin nhắn", "Nhóm Sen Hồng")
    );
    // Found by a word of its title or its team's name, with or without marks; an entry's
    // search key is filled at start-up for entries submitted before keys existed.
    for q in ["so thu tu", "TIN NHẮN", "sen hong", "hồng tin"] {
        let found = app.search_entries(q).await;
        assert_eq!(found.hits.len(), 1, "{q}");
        assert_eq!(
            (
                found.hits[0].title.as_str(),
                found.hits[0].team_name.as_str()
            ),
            ("Số thứ tự qua tin nhắn", "Nhóm Sen Hồng"),
        );
        assert!(found.hits[0].voting && !found.more);
    }
    assert!(app.search_entries("thu tuc").await.hits.is_empty());
    assert!(
        app.search_entries(" %_ ").await.hits.is_empty(),
        "nothing to look for"
    );
    for table in ["entries", "teams"] {
        use sea_orm::ConnectionTrait;
        app.db
            .execute_unprepared(&format!("UPDATE {table} SET search_key = NULL"))
            .await
            .unwrap();
    }
    assert!(app.search_entries("sen hong").await.hits.is_empty());
    server::db::migrate(&app.db).await.unwrap();
    assert_eq!(app.search_entries("sen hong tin nhan").await.hits.len(), 1);
    let (_, html) = app.visitor().page("/challenges?q=sen+hong").await;
    assert!(
        html.contains("Số thứ tự qua tin nhắn") && html.contains("#entry-"),
        "the challenge search lists the entry, linked to its place"
    );
    assert_eq!(shown.files.len(), 1, "only the file marked public");
    assert_eq!(shown.files[0], pdf);
    assert_eq!(app.visitor().get(&pdf.url()).await.status(), StatusCode::OK);
    assert_eq!(
        app.visitor().get(&png.url()).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        outsider.get(&png.url()).await.status(),
        StatusCode::NOT_FOUND
    );
    let (status, page) = app
        .visitor()
        .page(&format!("/challenges/{slug}/entries"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Số thứ tự qua tin nhắn") && page.contains("thuyet-trinh.pdf"));
    let detail: app::challenge::model::ChallengeDetail = app
        .visitor()
        .call("challenges/get", &[("slug", &slug)])
        .await
        .json();
    assert_eq!(detail.public_entries, Some(1));
}

/// The version an entry form on `html` was sent with (its hidden field).
fn form_version(html: &str) -> String {
    let at = html
        .find(r#"name="version" value=""#)
        .expect("the entry form carries its version in the page itself");
    html[at + r#"name="version" value=""#.len()..]
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

async fn an_entry_is_written_and_submitted_without_javascript(backend: Backend) {
    let app = spawn_app(backend).await;
    let (team, owner, _) = team_of_two(&app, Duration::days(10)).await;
    let page = format!("/teams/{team}");
    let (_, html) = owner.page(&page).await;
    assert_eq!(form_version(&html), "0");

    // The submit button sends the whole form: what was typed is saved even when the
    // submission is refused as incomplete, and the page says what is missing.
    let typed = [
        ("team_id", team.to_string()),
        ("version", "0".to_owned()),
        ("entry[title]", "Số thứ tự qua tin nhắn".to_owned()),
        ("submit", "true".to_owned()),
    ];
    let form: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = owner.post_from_page(&page, "entries/save", &form).await;
    assert_eq!(refused.status(), StatusCode::FOUND);
    let back = refused.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.contains("__err="), "{back}");
    let entry = get(&owner, team).await;
    assert_eq!(
        (entry.status, entry.fields.title.as_str(), entry.version),
        (EntryStatus::Draft, "Số thứ tự qua tin nhắn", 1)
    );
    let (_, html) = owner.page(back.trim_start_matches(&owner.base)).await;
    assert!(
        html.contains("Cần xác nhận điều kiện và thể lệ trước khi nộp."),
        "the missing agreement is marked on the page"
    );
    assert_eq!(form_version(&html), "1");

    // Completed from the page as it came back, the same button saves and submits.
    let mut fields = complete("Số thứ tự và tin nhắn nhắc lượt");
    fields.extend([
        ("team_id", team.to_string()),
        ("version", form_version(&html)),
        ("submit", "true".to_owned()),
    ]);
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sent = owner.post_from_page(&page, "entries/save", &form).await;
    assert_eq!(sent.status(), StatusCode::FOUND);
    assert!(
        !sent.headers()["location"]
            .to_str()
            .unwrap()
            .contains("__err="),
        "{:?}",
        sent.headers()
    );
    let entry = get(&owner, team).await;
    assert_eq!(
        (entry.status, entry.submissions, entry.fields.title.as_str()),
        (EntryStatus::Submitted, 1, "Số thứ tự và tin nhắn nhắc lượt")
    );
    assert!(!entry.unsubmitted_changes);

    // The save button alone keeps a draft of the changes, leaving the submission as it was.
    let mut fields = complete("Tin nhắn nhắc lượt");
    fields.extend([
        ("team_id", team.to_string()),
        ("version", entry.version.to_string()),
    ]);
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = owner.post_from_page(&page, "entries/save", &form).await;
    assert_eq!(saved.status(), StatusCode::FOUND);
    let entry = get(&owner, team).await;
    assert_eq!((entry.submissions, entry.unsubmitted_changes), (1, true));
}

on_both_databases!(
    an_entry_is_written_and_submitted_without_javascript,
    files_are_kept_with_each_submission_and_shown_in_public_only_from_the_vote,
    members_draft_and_submit_and_every_submission_is_kept,
    two_members_saving_at_once_never_lose_work_silently,
    another_team_cannot_read_or_write_this_entry,
    at_the_deadline_changes_are_refused_with_the_time_it_closed,
    staff_list_entries_mark_one_ineligible_and_extend_one_team,
    members_of_a_draft_hear_a_day_before_and_when_entries_close,
);
