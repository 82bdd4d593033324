//! Pilots through the real HTTP stack: made by staff from an awarded entry once results are out,
//! refused input with nothing saved, milestones moved on by their owners with evidence, late
//! milestones on the public page and the dashboard, updates, comments, ratings and follows,
//! closing, and the reminders owners get before a due date.

use crate::common;

use crate::common::{Backend, Contest, TestApp, Visitor, spawn_app};
use app::error::AppError;
use app::notify::model::{NotificationItem, NotificationKind};
use app::pilot::model::{Dashboard, PilotPage};
use app::pilot::rules::{MilestoneStatus, PilotStatus, Timing};
use chrono::{Duration, FixedOffset, NaiveDate, Utc};
use reqwest::StatusCode;

const STAFF: &str = "canbo@p1.vn";
const TEAM: &str = "doi0@example.vn";

/// A challenge whose judging is closed, the first prize decided for the first team's entry; the
/// results are not published yet.
pub(crate) struct Awarded {
    contest: Contest,
    entry: String,
    unawarded: String,
}

impl Awarded {
    fn staff(&self) -> &Visitor {
        &self.contest.staff
    }

    /// The (only) member of the awarded team.
    pub(crate) fn team(&self) -> &Visitor {
        &self.contest.teams[0].1
    }
}

async fn entry_of(app: &TestApp, team: i64) -> String {
    app.scalar(&format!("SELECT id FROM entries WHERE team_id = {team}"))
        .await
        .to_string()
}

async fn decided(app: &TestApp) -> Awarded {
    let contest = app.contest(2, None).await;
    let entry = entry_of(app, contest.teams[0].0).await;
    let unawarded = entry_of(app, contest.teams[1].0).await;
    let c = contest.challenge.as_str();
    let staff = &contest.staff;
    staff
        .call("judging/close", &[("challenge_id", c)])
        .await
        .ok();
    staff
        .call(
            "judging/awards",
            &[
                ("challenge_id", c),
                ("winners[0]", &entry),
                ("reason", "Đội đã thử ở một phường khác."),
            ],
        )
        .await
        .ok();
    Awarded {
        contest,
        entry,
        unawarded,
    }
}

async fn publish(a: &Awarded, at: &str) {
    a.staff()
        .call(
            "judging/publish",
            &[("challenge_id", &a.contest.challenge), ("at", at)],
        )
        .await
        .ok();
}

/// The day it is in Hồ Chí Minh City (UTC+7), `days` from today.
fn city_day(days: i64) -> NaiveDate {
    let city = FixedOffset::east_opt(7 * 3600).unwrap();
    Utc::now().with_timezone(&city).date_naive() + Duration::days(days)
}

fn day(days: i64) -> String {
    city_day(days).format("%Y-%m-%d").to_string()
}

/// The pilot form: what, who answers for it, money and dates.
fn terms(starts: i64, ends: i64, budget: &str, disbursed: &str) -> Vec<(&'static str, String)> {
    vec![
        ("terms[title]", "Lấy số qua tin nhắn ở Phường 1".into()),
        (
            "terms[summary]",
            "Ba tháng thử máy lấy số và tin nhắn ở bộ phận một cửa.".into(),
        ),
        ("terms[official_name]", "Nguyễn Văn An".into()),
        ("terms[official_role]", "Phó Chủ tịch UBND Phường 1".into()),
        ("terms[budget_vnd]", budget.into()),
        ("terms[disbursed_vnd]", disbursed.into()),
        ("terms[starts_on]", day(starts)),
        ("terms[planned_end_on]", day(ends)),
    ]
}

async fn send(v: &Visitor, endpoint: &str, form: &[(&str, String)]) -> common::Answer {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    v.call(endpoint, &pairs).await
}

async fn create(v: &Visitor, entry: &str, form: &[(&'static str, String)]) -> common::Answer {
    let mut form = form.to_vec();
    form.push(("entry_id", entry.to_owned()));
    send(v, "pilots/create", &form).await
}

/// Results out, and a running pilot made from the awarded entry, started `starts` days from
/// today (negative: in the past) and planned to end in 60 days.
pub(crate) async fn running(app: &TestApp, starts: i64) -> (Awarded, String) {
    let a = decided(app).await;
    publish(&a, "").await;
    let id = create(a.staff(), &a.entry, &terms(starts, 60, "120000000", "0"))
        .await
        .location()
        .trim_start_matches("/pilots/")
        .trim_end_matches("/manage")
        .to_owned();
    (a, id)
}

async fn page(v: &Visitor, id: &str) -> PilotPage {
    v.call("pilots/get", &[("id", id)]).await.json()
}

async fn add_milestone(
    staff: &Visitor,
    pilot: &str,
    title: &str,
    owner: &str,
    due: i64,
) -> common::Answer {
    staff
        .call(
            "pilots/milestones/add",
            &[
                ("pilot_id", pilot),
                ("title", title),
                ("owner", owner),
                ("due_on", &day(due)),
            ],
        )
        .await
}

async fn milestone(staff: &Visitor, pilot: &str, title: &str, owner: &str, due: i64) -> String {
    add_milestone(staff, pilot, title, owner, due)
        .await
        .json::<i64>()
        .to_string()
}

/// Changes a milestone's status as the form does; `fields` fills in what the form's user typed.
async fn set_status(
    v: &Visitor,
    milestone: &str,
    status: &str,
    fields: &[(&str, &str)],
) -> common::Answer {
    let mut form = vec![("milestone_id", milestone), ("status", status)];
    for name in ["blocked_reason", "evidence_text", "evidence_url"] {
        let value = fields.iter().find(|(n, _)| *n == name).map_or("", |f| f.1);
        form.push((name, value));
    }
    v.call_multipart("pilots/milestones/status", &form, None)
        .await
}

async fn user_id(app: &TestApp, email: &str) -> String {
    app.scalar(&format!("SELECT id FROM users WHERE email = '{email}'"))
        .await
        .to_string()
}

async fn notified(v: &Visitor) -> Vec<NotificationKind> {
    let list: Vec<NotificationItem> = v.call("notifications/list", &[]).await.json();
    list.into_iter().map(|n| n.kind).collect()
}

fn refused_with(answer: &common::Answer, expected: &str) -> bool {
    matches!(answer.error(), AppError::Conflict { key, .. } if key == expected)
}

/// The (field, message key) pairs of a refusal of invalid input.
fn field_keys(answer: &common::Answer) -> Vec<(String, String)> {
    match answer.error() {
        AppError::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.key)).collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

fn pair(field: &str, key: &str) -> (String, String) {
    (field.to_owned(), key.to_owned())
}

async fn staff_make_a_pilot_from_an_awarded_entry_once_results_are_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = decided(&app).await;
    let form = terms(0, 90, "120000000", "0");

    // Results scheduled for tomorrow: the award is not public yet, and neither may a pilot be.
    let tomorrow = common::city(Utc::now() + Duration::days(1));
    publish(&a, &tomorrow).await;
    let early = create(a.staff(), &a.entry, &form).await;
    assert!(
        refused_with(&early, "error.pilot_needs_award"),
        "{}",
        early.body
    );
    publish(&a, "").await;

    let citizen = app.citizen("dan@example.vn").await;
    assert_eq!(
        create(&citizen, &a.entry, &form).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        create(a.team(), &a.entry, &form).await.status,
        StatusCode::FORBIDDEN,
        "the team does not make its own pilot"
    );
    let unawarded = create(a.staff(), &a.unawarded, &form).await;
    assert!(refused_with(&unawarded, "error.pilot_needs_award"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM pilots").await, 0);

    let made = create(a.staff(), &a.entry, &form).await;
    let id = app.scalar("SELECT id FROM pilots").await.to_string();
    assert_eq!(made.location(), format!("/pilots/{id}/manage"));
    let again = create(a.staff(), &a.entry, &form).await;
    assert!(refused_with(&again, "error.pilot_exists"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM pilots").await, 1);

    // The team hears; anyone reads the pilot and where it came from.
    assert!(
        notified(a.team())
            .await
            .contains(&NotificationKind::PilotStarted)
    );
    assert!(
        !notified(&citizen)
            .await
            .contains(&NotificationKind::PilotStarted)
    );
    let p = page(&app.visitor(), &id).await;
    assert_eq!(p.card.title, "Lấy số qua tin nhắn ở Phường 1");
    assert_eq!(p.card.status, PilotStatus::Running);
    assert_eq!(p.card.team_name, "Đội số 0");
    assert_eq!(
        p.origin.challenge_title,
        "Giảm thời gian chờ ở bộ phận một cửa"
    );
    assert_eq!(p.origin.entry_title, "Giải pháp số 0");
    assert_eq!(p.origin.award, "Giải nhất");
    assert_eq!((p.budget_vnd, p.disbursed_vnd), (120_000_000, 0));
    assert!(!p.can_manage && !p.can_post && !p.following);
    assert!(p.history.iter().any(|h| h.action == "pilot.create"));
    assert!(page(a.staff(), &id).await.can_manage);
    let cards: Vec<app::pilot::model::PilotCard> =
        app.visitor().call("pilots/list", &[]).await.json();
    assert_eq!(cards.len(), 1);
}

async fn bad_input_is_refused_field_by_field_and_nothing_is_saved(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = decided(&app).await;
    publish(&a, "").await;
    let backwards = create(a.staff(), &a.entry, &terms(10, 5, "100000000", "100000001")).await;
    assert_eq!(
        field_keys(&backwards),
        [
            pair("planned_end_on", "error.pilot_end_before_start"),
            pair("disbursed_vnd", "error.disbursed_over_budget"),
        ]
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM pilots").await, 0);

    let id = create(a.staff(), &a.entry, &terms(0, 90, "100000000", "20000000"))
        .await
        .location()
        .trim_start_matches("/pilots/")
        .trim_end_matches("/manage")
        .to_owned();
    let mut over = terms(0, 90, "100000000", "150000000");
    over.push(("id", id.clone()));
    assert_eq!(
        field_keys(&send(a.staff(), "pilots/terms", &over).await),
        [pair("disbursed_vnd", "error.disbursed_over_budget")]
    );
    assert_eq!(page(&app.visitor(), &id).await.disbursed_vnd, 20_000_000);

    let before = add_milestone(a.staff(), &id, "Lắp máy lấy số", "team", -1).await;
    assert_eq!(
        field_keys(&before),
        [pair("due_on", "error.milestone_before_start")]
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM milestones").await, 0);

    a.staff()
        .call(
            "pilots/kpis/add",
            &[
                ("pilot_id", &id),
                ("name", "Thời gian chờ trung bình"),
                ("unit", "phút"),
                ("baseline", "120"),
                ("target", "30"),
            ],
        )
        .await
        .ok();
    let kpi = app.scalar("SELECT id FROM pilot_kpis").await.to_string();
    let measure = |on: String| {
        let kpi = kpi.clone();
        let staff = a.staff().clone();
        async move {
            staff
                .call(
                    "pilots/kpis/measure",
                    &[("kpi_id", &kpi), ("measured_on", &on), ("value", "95,5")],
                )
                .await
        }
    };
    // Two days ahead in the city's calendar is the future whatever the hour.
    assert_eq!(
        field_keys(&measure(day(2)).await),
        [pair("measured_on", "error.measurement_in_future")]
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM pilot_measurements").await,
        0
    );
    measure(day(0)).await.ok();
    let kpis = page(&app.visitor(), &id).await.kpis;
    assert_eq!(kpis[0].measurements.len(), 1);
    assert_eq!(kpis[0].latest().map(|m| m.value), Some(95.5));
}

async fn milestone_owners_move_them_on_with_evidence_and_moves_need_a_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let (a, id) = running(&app, 0).await;
    let official = user_id(&app, STAFF).await;
    let ours = milestone(a.staff(), &id, "Lắp máy lấy số", "team", 10).await;
    let theirs = milestone(a.staff(), &id, "Ký hợp đồng tin nhắn", &official, 12).await;
    let stranger = app.citizen("dan@example.vn").await;
    let outsider = add_milestone(
        a.staff(),
        &id,
        "Một việc khác",
        &user_id(&app, "dan@example.vn").await,
        12,
    )
    .await;
    assert_eq!(
        field_keys(&outsider),
        [pair("owner", "error.milestone_owner")],
        "only an official of the organisation owns a milestone"
    );

    let evidence = [("evidence_text", "Máy đã lắp ở sảnh, ảnh đính kèm.")];
    // Someone outside the pilot is refused for who they are; the team is told whose the
    // milestone is.
    let refused = set_status(&stranger, &ours, "done", &evidence).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let refused = set_status(a.team(), &theirs, "done", &evidence).await;
    assert!(
        refused_with(&refused, "error.milestone_not_owner"),
        "{}",
        refused.body
    );
    assert_eq!(
        field_keys(&set_status(a.team(), &ours, "done", &[]).await),
        [pair("evidence_text", "error.evidence_required")]
    );
    assert_eq!(
        field_keys(&set_status(a.team(), &ours, "blocked", &[]).await)[0].0,
        "blocked_reason"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM milestones WHERE status <> 'planned'")
            .await,
        0
    );
    a.team()
        .call(
            "account/profile",
            &[("display_name", "Võ Thị Sen"), ("locale", "vi")],
        )
        .await
        .ok();
    // The team member is also staff of another ward: on this pilot they act as a team member.
    let admin = app.admin().await;
    let ward: app::org::model::Organisation = admin
        .call(
            "admin/organisations/create",
            &[
                ("name_vi", "Phường 9"),
                ("name_en", "Ward 9"),
                ("kind", "ward"),
            ],
        )
        .await
        .json();
    let member_email = a.team().viewer().await.unwrap().email.unwrap();
    admin
        .call(
            "admin/organisations/staff/add",
            &[
                ("organisation_id", &ward.id.to_string()),
                ("email", &member_email),
            ],
        )
        .await
        .ok();
    a.team().turn_on_two_step().await;
    assert!(!a.team().viewer().await.unwrap().staff.is_empty());
    set_status(a.team(), &ours, "done", &evidence).await.ok();
    set_status(a.staff(), &theirs, "in_progress", &[])
        .await
        .ok();
    // The team member's act is on the public record as the team's, never under their name: on
    // the page, in its feed and in the open data. The official's keeps their name.
    let member = a.team().viewer().await.unwrap().display_name;
    assert_eq!(member, "Võ Thị Sen");
    let official_name = a.staff().viewer().await.unwrap().display_name;
    let history = page(&app.visitor(), &id).await.history;
    let moves: Vec<&str> = history
        .iter()
        .filter(|h| h.action == "milestone.status")
        .map(|h| h.actor_name.as_str())
        .collect();
    assert_eq!(moves, ["", official_name.as_str()]);
    let visitor = app.visitor();
    for path in [
        format!("/pilots/{id}"),
        format!("/pilots/{id}/feed.atom"),
        format!("/api/v1/pilots/{id}"),
    ] {
        let (status, body) = visitor.page(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!body.contains(&member), "{path} names the team member");
        assert!(body.contains(&official_name), "{path} names the official");
    }

    // A due date moves only with a reason, shown beside the first date.
    let mover = |reason: &'static str| {
        let staff = a.staff().clone();
        let theirs = theirs.clone();
        async move {
            staff
                .call(
                    "pilots/milestones/move",
                    &[
                        ("milestone_id", &theirs),
                        ("due_on", &day(20)),
                        ("reason", reason),
                    ],
                )
                .await
        }
    };
    assert_eq!(mover("").await.invalid_fields(), ["reason"]);
    mover("Nhà mạng cần thêm một tuần để duyệt mẫu tin nhắn.")
        .await
        .ok();

    let p = page(&app.visitor(), &id).await;
    let done = p
        .milestones
        .iter()
        .find(|m| m.id.to_string() == ours)
        .unwrap();
    assert_eq!(done.status, MilestoneStatus::Done);
    assert_eq!(done.timing, Timing::DoneOnTime);
    assert_eq!(
        done.evidence_text.as_deref(),
        Some("Máy đã lắp ở sảnh, ảnh đính kèm.")
    );
    assert!(done.owner_is_team && done.owner_name == "Đội số 0");
    let moved = p
        .milestones
        .iter()
        .find(|m| m.id.to_string() == theirs)
        .unwrap();
    assert_eq!(moved.status, MilestoneStatus::InProgress);
    assert_eq!(
        (moved.due_on, moved.original_due_on),
        (city_day(20), Some(city_day(12)))
    );
    assert_eq!(
        moved.move_reason.as_deref(),
        Some("Nhà mạng cần thêm một tuần để duyệt mẫu tin nhắn.")
    );
    assert_eq!(moved.owner_user_id.map(|u| u.to_string()), Some(official));
    assert!(p.milestones.iter().all(|m| !m.can_update), "anonymous");
    assert_eq!((p.card.milestones_done, p.card.progress), (1, 50));
    let move_entry = p
        .history
        .iter()
        .find(|h| h.action == "milestone.move")
        .expect("the move in the public history");
    assert_eq!(
        move_entry.reason.as_deref(),
        Some("Nhà mạng cần thêm một tuần để duyệt mẫu tin nhắn.")
    );
    let seen_by_team = page(a.team(), &id).await;
    let can: Vec<(bool, bool)> = seen_by_team
        .milestones
        .iter()
        .map(|m| (m.owner_is_team, m.can_update))
        .collect();
    assert_eq!(
        can,
        [(true, true), (false, false)],
        "the team changes its own only"
    );
}

async fn a_late_milestone_shows_on_the_page_and_the_dashboard(backend: Backend) {
    let app = spawn_app(backend).await;
    let (a, id) = running(&app, -30).await;
    // Due five working days ago (late whatever today is, Tết included).
    let due = app::calendar::Calendar::statutory().shift_working_days(city_day(0), -5);
    let ago = (due - city_day(0)).num_days();
    milestone(a.staff(), &id, "Tập huấn cán bộ một cửa", "team", ago).await;
    milestone(a.staff(), &id, "Đo thời gian chờ", "team", 10).await;

    let p = page(&app.visitor(), &id).await;
    let late = &p.milestones[0];
    assert_eq!(late.title, "Tập huấn cán bộ một cửa");
    assert_eq!(late.timing, Timing::Late);
    assert_eq!(late.days_overdue, -ago);
    assert!(late.days_overdue > 0);
    assert_eq!(p.milestones[1].timing, Timing::Ahead);
    assert_eq!(p.milestones[1].days_overdue, 0);
    assert_eq!(p.card.late_now, 1);

    let d: Dashboard = app.visitor().call("pilots/dashboard", &[]).await.json();
    assert_eq!(d.overdue.len(), 1);
    assert_eq!(d.overdue[0].milestone, "Tập huấn cán bộ một cửa");
    assert_eq!(d.overdue[0].owner_name, "Đội số 0");
    assert_eq!(d.overdue[0].days, late.days_overdue);
    assert_eq!(d.organisations.len(), 1);
    assert_eq!(d.organisations[0].organisation.name_vi, "Phường 1");
    assert_eq!(
        (
            d.organisations[0].milestones.total,
            d.organisations[0].milestones.late_now
        ),
        (2, 1)
    );
    assert_eq!(d.city.late_now, 1);
    assert_eq!(d.chain.pilots, 1);

    // The scheduler tells the team once its due day has passed.
    app.wait_until(
        "SELECT COUNT(*) FROM notifications WHERE kind = 'milestone_overdue'",
        "the team hears the milestone is overdue",
    )
    .await;
}

async fn followers_hear_of_updates_comments_are_moderated_and_citizens_rate(backend: Backend) {
    let app = spawn_app(backend).await;
    let (a, id) = running(&app, 0).await;
    let follower = app.citizen("theodoi@example.vn").await;
    follower
        .call("pilots/follow", &[("id", &id), ("follow", "true")])
        .await
        .ok();
    let seen = page(&follower, &id).await;
    assert!(seen.following && seen.followers == 1);

    let citizen = app.citizen("dan@example.vn").await;
    let fields = [
        ("pilot_id", id.as_str()),
        (
            "body",
            "Tuần đầu: 312 lượt lấy số, thời gian chờ còn 40 phút.",
        ),
    ];
    let intruder = citizen
        .call_multipart("pilots/updates/post", &fields, None)
        .await;
    assert_eq!(intruder.status, StatusCode::FORBIDDEN);
    a.team()
        .call_multipart(
            "pilots/updates/post",
            &fields,
            Some(("photos", "sanh.png", common::tiny_png())),
        )
        .await
        .ok();
    assert!(
        notified(&follower)
            .await
            .contains(&NotificationKind::PilotUpdated)
    );
    assert!(
        !notified(a.team())
            .await
            .contains(&NotificationKind::PilotUpdated),
        "the poster is not told of their own update"
    );
    let p = page(&app.visitor(), &id).await;
    assert_eq!(p.updates.len(), 1);
    let update = &p.updates[0];
    assert!(update.by_team);
    assert_eq!(update.photos.len(), 1);
    let photo = app.visitor().get(&update.photos[0].url()).await;
    assert_eq!(photo.status(), StatusCode::OK, "a pilot's photo is public");

    let spam = "Mua bán sim số đẹp, gọi ngay 0909 999 999!";
    citizen
        .call(
            "pilots/comments/add",
            &[("update_id", &update.id.to_string()), ("body", spam)],
        )
        .await
        .ok();
    let comment = page(&app.visitor(), &id).await.updates[0].comments[0]
        .id
        .to_string();
    assert_eq!(
        citizen
            .call(
                "pilots/comments/hide",
                &[("comment_id", &comment), ("reason", "Quảng cáo")],
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    a.staff()
        .call(
            "pilots/comments/hide",
            &[
                ("comment_id", &comment),
                ("reason", "Quảng cáo, không liên quan."),
            ],
        )
        .await
        .ok();
    let answer = app.visitor().call("pilots/get", &[("id", &id)]).await;
    assert!(
        !answer.body.contains("sim số đẹp"),
        "the hidden text is not sent"
    );
    let hidden = &answer.json::<PilotPage>().updates[0].comments[0];
    assert!(hidden.body.is_empty());
    assert_eq!(
        hidden.hidden_reason.as_deref(),
        Some("Quảng cáo, không liên quan.")
    );
    assert!(
        page(&app.visitor(), &id)
            .await
            .history
            .iter()
            .any(|h| h.action == "pilot.hide_comment")
    );

    // One rating each: the latest counts.
    for stars in ["4", "2"] {
        citizen
            .call(
                "pilots/rate",
                &[
                    ("pilot_id", &id),
                    ("stars", stars),
                    ("comment", "Còn phải chờ lâu."),
                ],
            )
            .await
            .ok();
    }
    let too_many = citizen
        .call(
            "pilots/rate",
            &[("pilot_id", &id), ("stars", "6"), ("comment", "")],
        )
        .await;
    assert_eq!(field_keys(&too_many), [pair("stars", "error.stars_range")]);
    let r = page(&citizen, &id).await.ratings;
    assert_eq!((r.count, r.average), (1, Some(2.0)));
    assert_eq!(r.histogram, [0, 1, 0, 0, 0]);
    assert_eq!(r.mine, Some((2, "Còn phải chờ lâu.".to_owned())));
    // Sent without the page's code, a rating comes back to the ratings, which say what was given.
    let path = format!("/pilots/{id}");
    let sent = citizen
        .post_from_page(
            &path,
            "pilots/rate",
            &[("pilot_id", &id), ("stars", "3"), ("comment", "")],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::FOUND);
    assert_eq!(
        sent.headers()["location"],
        format!("/pilots/{id}#ratings").as_str()
    );
    let (_, html) = citizen.page(&path).await;
    assert!(html.contains("Bạn đã đánh giá 3 sao."), "{html}");
    assert_eq!(
        app.visitor()
            .call(
                "pilots/rate",
                &[("pilot_id", &id), ("stars", "5"), ("comment", "")]
            )
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_closed_pilot_takes_no_more_milestones_and_an_extension_must_go_later(backend: Backend) {
    let app = spawn_app(backend).await;
    let (a, id) = running(&app, 0).await;
    let follower = app.citizen("theodoi@example.vn").await;
    follower
        .call("pilots/follow", &[("id", &id), ("follow", "true")])
        .await
        .ok();
    let close = |outcome: &'static str, new_end_on: String| {
        let staff = a.staff().clone();
        let id = id.clone();
        async move {
            staff
                .call(
                    "pilots/close",
                    &[
                        ("id", &id),
                        ("outcome", outcome),
                        (
                            "statement",
                            "Thời gian chờ giảm từ 120 xuống 35 phút; phường áp dụng chính thức.",
                        ),
                        ("new_end_on", &new_end_on),
                    ],
                )
                .await
        }
    };
    assert_eq!(
        field_keys(&close("extended", day(30)).await),
        [pair("new_end_on", "error.extension_not_later")]
    );
    close("extended", day(120)).await.ok();
    let extended = page(&app.visitor(), &id).await;
    assert_eq!(extended.card.status, PilotStatus::Extended);
    assert_eq!(extended.card.planned_end_on, city_day(120));
    milestone(a.staff(), &id, "Mở rộng sang quầy thứ ba", "team", 100).await;

    close("rolled_out", String::new()).await.ok();
    let p = page(&app.visitor(), &id).await;
    assert_eq!(p.card.status, PilotStatus::RolledOut);
    assert!(p.closed_at.is_some());
    assert!(p.closing_statement.unwrap().contains("áp dụng chính thức"));
    assert!(
        p.history
            .iter()
            .filter(|h| h.action == "pilot.close")
            .count()
            == 2
    );
    assert!(
        notified(&follower)
            .await
            .contains(&NotificationKind::PilotEnded)
    );

    let late = add_milestone(a.staff(), &id, "Một việc nữa", "team", 10).await;
    assert!(refused_with(&late, "error.pilot_ended"));
    assert!(refused_with(
        &close("stopped", String::new()).await,
        "error.pilot_ended"
    ));
    let ended = a
        .team()
        .call_multipart(
            "pilots/updates/post",
            &[
                ("pilot_id", id.as_str()),
                ("body", "Cập nhật sau khi thí điểm đã kết thúc."),
            ],
            None,
        )
        .await;
    assert!(refused_with(&ended, "error.pilot_ended"), "{}", ended.body);
    let m = app.scalar("SELECT id FROM milestones").await.to_string();
    let done = set_status(a.team(), &m, "done", &[("evidence_text", "Đã xong.")]).await;
    assert!(refused_with(&done, "error.pilot_ended"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM milestones").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM pilot_updates").await, 0);
}

async fn owners_are_reminded_once_before_a_due_date_and_once_when_it_passes(backend: Backend) {
    let app = spawn_app(backend).await;
    let (a, id) = running(&app, 0).await;
    let official = user_id(&app, STAFF).await;
    // Due on working days (one due on a day off could be done the next working day, and would
    // be reminded later), ten and twenty working days on.
    let calendar = app::calendar::Calendar::statutory();
    let on = |n: i64| (calendar.shift_working_days(city_day(0), n) - city_day(0)).num_days();
    let (first, second) = (on(10), on(20));
    milestone(a.staff(), &id, "Lắp máy lấy số", "team", first).await;
    milestone(a.staff(), &id, "Ký hợp đồng tin nhắn", &official, second).await;
    // A citizen follows the pilot in public.
    let follower = app.citizen("theo.doi@example.vn").await;
    follower
        .call("pilots/follow", &[("id", &id), ("follow", "true")])
        .await
        .ok();
    let count = |kind: &str, email: &str| {
        format!(
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE n.kind = '{kind}' AND u.email = '{email}'"
        )
    };
    let remind = |days: i64| {
        let db = app.db.clone();
        async move {
            let links = app::links::Links::new("http://127.0.0.1:0");
            app::jobs::milestone_reminders::remind_milestones(
                &db,
                &links,
                Utc::now() + Duration::days(days),
            )
            .await
            .expect("reminders")
        }
    };
    // Both due dates are far off today: the scheduler running in the background stays quiet,
    // and so does a run that looks a week ahead.
    assert_eq!(remind(0).await, 0);
    assert_eq!(remind(first - 4).await, 0);
    // Two days before, the team's milestone is due within three days: its owners hear, once.
    assert_eq!(remind(first - 2).await, 1);
    assert_eq!(remind(first - 2).await, 0);
    assert_eq!(app.scalar(&count("milestone_due_soon", TEAM)).await, 1);
    assert_eq!(app.scalar(&count("milestone_due_soon", STAFF)).await, 0);
    // Two days before the official's: the team's is overdue, the official's due soon; each told
    // once.
    assert_eq!(remind(second - 2).await, 2);
    assert_eq!(remind(second - 2).await, 0);
    assert_eq!(app.scalar(&count("milestone_overdue", TEAM)).await, 1);
    assert_eq!(app.scalar(&count("milestone_due_soon", STAFF)).await, 1);
    assert_eq!(app.scalar(&count("milestone_due_soon", TEAM)).await, 1);
    // Its follower hears that the team's milestone is late (not that one is due soon), once.
    assert_eq!(
        app.scalar(&count("followed_milestone_late", "theo.doi@example.vn"))
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'followed_milestone_late'")
            .await,
        1,
        "owners are told as owners"
    );
    let link = format!("/pilots/{id}");
    let list: Vec<NotificationItem> = a.team().call("notifications/list", &[]).await.json();
    assert!(
        list.iter()
            .any(|n| n.kind == NotificationKind::MilestoneOverdue && n.link == link)
    );
}

/// Anyone follows the public record without an account: a pilot's feed, the challenge's, the
/// city's; a decision that is not public (a KPI added) stays out, and so does a draft challenge.
async fn the_public_record_is_followed_in_atom_feeds(backend: Backend) {
    let app = spawn_app(backend).await;
    let (a, id) = running(&app, 0).await;
    let m = milestone(a.staff(), &id, "Lắp máy lấy số & bảng", "team", 10).await;
    a.staff()
        .call(
            "pilots/milestones/move",
            &[
                ("milestone_id", &m),
                ("due_on", &day(20)),
                ("reason", "Nhà cung cấp giao máy chậm hai tuần."),
            ],
        )
        .await
        .ok();
    a.staff()
        .call(
            "pilots/kpis/add",
            &[
                ("pilot_id", &id),
                ("name", "Thời gian chờ bí mật"),
                ("unit", "phút"),
                ("baseline", "120"),
                ("target", "30"),
            ],
        )
        .await
        .ok();
    let visitor = app.visitor();
    let feed = visitor.get(&format!("/pilots/{id}/feed.atom")).await;
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(
        feed.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let xml = feed.text().await.unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains("Dời hạn một mốc: Lấy số qua tin nhắn ở Phường 1"),
        "{xml}"
    );
    assert!(xml.contains("Lắp máy lấy số &amp; bảng"), "escaped: {xml}");
    assert!(
        xml.contains("Nhà cung cấp giao máy chậm hai tuần."),
        "{xml}"
    );
    assert!(xml.contains(&format!("/pilots/{id}#history")), "{xml}");
    assert!(
        !xml.contains("bí mật"),
        "a decision not public stays out: {xml}"
    );
    // Newest first: the move comes before the milestone was added.
    let moved = xml.find("Dời hạn một mốc").unwrap();
    let added = xml.find("Thêm mốc").unwrap();
    assert!(moved < added, "{xml}");

    let (status, challenge) = visitor
        .page(&format!(
            "/challenges/{}/feed.atom",
            app.text(&format!(
                "SELECT slug FROM challenges WHERE id = {}",
                a.contest.challenge
            ))
            .await
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(challenge.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    let (_, city) = visitor.page("/feed.atom").await;
    assert!(city.contains("Dời hạn một mốc"), "{city}");
    assert_eq!(
        visitor.page("/pilots/999999/feed.atom").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor.page("/challenges/khong-co/feed.atom").await.0,
        StatusCode::NOT_FOUND
    );
}

on_both_databases!(
    the_public_record_is_followed_in_atom_feeds,
    staff_make_a_pilot_from_an_awarded_entry_once_results_are_out,
    bad_input_is_refused_field_by_field_and_nothing_is_saved,
    milestone_owners_move_them_on_with_evidence_and_moves_need_a_reason,
    a_late_milestone_shows_on_the_page_and_the_dashboard,
    followers_hear_of_updates_comments_are_moderated_and_citizens_rate,
    a_closed_pilot_takes_no_more_milestones_and_an_extension_must_go_later,
    owners_are_reminded_once_before_a_due_date_and_once_when_it_passes,
);
