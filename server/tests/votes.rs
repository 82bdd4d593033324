//! The public vote through the real HTTP stack: casting, changing and withdrawing; every refusal;
//! the database keeping one person to their allowance under simultaneous requests; ballots anyone
//! can recount after the close.

use crate::common;

use crate::common::{Backend, Contest, TestApp, Visitor, spawn_app};
use app::error::AppError;
use app::query::model::PublicEntries;
use app::vote::rules;
use chrono::{Duration, Utc};
use reqwest::StatusCode;

async fn slug(app: &TestApp, contest: &Contest) -> String {
    app.text(&format!(
        "SELECT slug FROM challenges WHERE id = {}",
        contest.challenge
    ))
    .await
}

async fn entries(v: &Visitor, slug: &str) -> PublicEntries {
    v.call("entries/public", &[("slug", slug)]).await.json()
}

async fn entry_ids(app: &TestApp) -> Vec<String> {
    let mut ids = Vec::new();
    for n in 0..app.scalar("SELECT COUNT(*) FROM entries").await {
        ids.push(
            app.scalar(&format!(
                "SELECT id FROM entries ORDER BY id LIMIT 1 OFFSET {n}"
            ))
            .await
            .to_string(),
        );
    }
    ids
}

async fn cast(v: &Visitor, entry: &str) -> common::Answer {
    v.call("votes/cast", &[("entry_id", entry)]).await
}

fn refused_with(answer: &common::Answer, expected: &str) -> bool {
    matches!(answer.error(), AppError::Conflict { key, .. } if key == expected)
}

async fn a_citizen_votes_changes_and_withdraws_and_every_refusal_is_clear(backend: Backend) {
    let app = spawn_app(backend).await;
    let contest = app.contest(4, Some(Duration::days(3))).await;
    let slug = slug(&app, &contest).await;
    let ids = entry_ids(&app).await;
    let voter = app.citizen("dan@example.vn").await;

    // Staff found the last entry ineligible: it takes no votes.
    contest
        .staff
        .call(
            "entries/ineligible",
            &[
                ("team_id", &contest.teams[3].0.to_string()),
                ("reason", "Đội đang có hợp đồng với phường về việc này."),
            ],
        )
        .await
        .ok();
    assert!(refused_with(
        &cast(&voter, &ids[3]).await,
        "error.vote_entry_ineligible"
    ));
    assert_eq!(
        cast(&app.visitor(), &ids[0]).await.status,
        StatusCode::UNAUTHORIZED
    );

    // A vote whose record cannot be written is not counted either.
    app.refuse_records("vote.cast").await;
    let unrecorded = cast(&voter, &ids[0]).await;
    assert!(unrecorded.status.is_server_error(), "{}", unrecorded.body);
    app.accept_records().await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM votes").await, 0);
    cast(&voter, &ids[0]).await.ok();
    let page = entries(&voter, &slug).await;
    let vote = page.vote.expect("the challenge has a vote");
    assert!(vote.open && vote.allowance == 1);
    assert_eq!(vote.mine, [ids[0].parse::<i64>().unwrap()]);
    assert!(
        vote.totals.is_none(),
        "totals hidden unless staff show them"
    );
    assert_eq!(page.entries.len(), 3, "the ineligible entry is not shown");

    // One vote each: voting again moves it; the latest counts.
    cast(&voter, &ids[1]).await.ok();
    assert_eq!(
        entries(&voter, &slug).await.vote.unwrap().mine,
        [ids[1].parse::<i64>().unwrap()]
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM votes").await, 1);
    // Someone else withdrawing that entry withdraws only their own vote: none, so nothing.
    let other = app.citizen("nguoi-khac@example.vn").await;
    other.call("votes/withdraw", &[("entry_id", &ids[1])]).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM votes").await, 1);
    voter
        .call("votes/withdraw", &[("entry_id", &ids[1])])
        .await
        .ok();
    assert_eq!(app.scalar("SELECT COUNT(*) FROM votes").await, 0);
    // Each change left its trace, with the change, on the record only officials read.
    let voter_id = app
        .scalar("SELECT id FROM users WHERE email = 'dan@example.vn'")
        .await;
    assert_eq!(
        app.text(&format!(
            "SELECT action FROM audit_log WHERE actor_id = {voter_id} AND action LIKE 'vote.%' \
             ORDER BY id"
        ))
        .await,
        "vote.cast"
    );
    for (action, entry) in [
        ("vote.cast", &ids[0]),
        ("vote.change", &ids[1]),
        ("vote.withdraw", &ids[1]),
    ] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE actor_id = {voter_id} AND action = '{action}' \
                 AND target_id = {entry} AND is_public = false"
            ))
            .await,
            1,
            "{action}"
        );
    }

    // Staff show running totals; the allowance cannot go beyond three.
    let c = contest.challenge.as_str();
    let beyond = contest
        .staff
        .call(
            "votes/settings/save",
            &[("challenge_id", c), ("allowance", "4")],
        )
        .await;
    assert_eq!(beyond.invalid_fields(), ["allowance"]);
    contest
        .staff
        .call(
            "votes/settings/save",
            &[
                ("challenge_id", c),
                ("allowance", "2"),
                ("live_totals", "on"),
            ],
        )
        .await
        .ok();
    // The page's code keeps the voter where she is (no reload is asked for); a plain form (the
    // code not loaded) goes back to the entry voted on, in the list as she had narrowed it.
    let in_place = cast(&voter, &ids[0]).await;
    in_place.ok();
    assert!(in_place.headers.get("location").is_none());
    let plain = voter
        .client
        .post(format!("{}/api/votes/cast", voter.base))
        .header("accept", "text/html")
        .form(&[("entry_id", ids[1].as_str()), ("q", " số 1 ")])
        .send()
        .await
        .unwrap();
    assert!(plain.status().is_redirection(), "{}", plain.status());
    assert_eq!(
        plain.headers()["location"].to_str().unwrap(),
        format!(
            "/challenges/{slug}/entries?q={}#entry-{}",
            app::links::url_encode("số 1"),
            ids[1]
        )
    );
    let full = cast(&voter, &ids[2]).await;
    assert!(refused_with(&full, "error.vote_allowance"));
    let locked = contest
        .staff
        .call(
            "votes/settings/save",
            &[("challenge_id", c), ("allowance", "3")],
        )
        .await;
    assert!(refused_with(&locked, "error.vote_settings_locked"));
    let seen = entries(&app.visitor(), &slug).await.vote.unwrap();
    assert_eq!(seen.voters, Some(1));
    let totals = seen.totals.unwrap();
    assert_eq!(totals.iter().map(|(_, n)| n).sum::<u64>(), 2);
    // Nothing shows who voted for what.
    let (_, html) = app
        .visitor()
        .page(&format!("/challenges/{slug}/entries"))
        .await;
    assert!(!html.contains("dan@example.vn"));
}

async fn a_vote_outside_its_window_is_refused_with_when(backend: Backend) {
    let app = spawn_app(backend).await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let challenge = app
        .open_challenge(&staff, org, Duration::days(2), Some(Duration::days(3)))
        .await;
    let owner = app.citizen("doi@example.vn").await;
    let team = owner
        .call(
            "teams/create",
            &[
                ("challenge_id", &challenge),
                ("name", "Đội sớm"),
                ("contact", "0909 123 456"),
            ],
        )
        .await
        .location()
        .trim_start_matches("/teams/")
        .to_owned();
    owner
        .call(
            "entries/save",
            &[
                ("team_id", &team),
                ("version", "0"),
                ("entry[title]", "Bản nháp"),
            ],
        )
        .await
        .ok();
    let entry = app.scalar("SELECT id FROM entries").await.to_string();
    let early = cast(&app.citizen("dan@example.vn").await, &entry).await;
    assert!(refused_with(&early, "error.vote_not_open"));
    match early.error() {
        AppError::Conflict { params, .. } => assert!(params.iter().any(|(k, _)| k == "at")),
        other => panic!("{other:?}"),
    }
}

async fn simultaneous_votes_from_one_account_end_as_one_and_many_accounts_lose_none(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let contest = app.contest(3, Some(Duration::days(3))).await;
    let ids = entry_ids(&app).await;
    let voter = app.citizen("dan@example.vn").await;
    let mut tabs = Vec::new();
    for i in 0..12 {
        let v = voter.clone();
        let entry = ids[i % 3].clone();
        tabs.push(tokio::spawn(async move { cast(&v, &entry).await.status }));
    }
    for t in tabs {
        t.await.unwrap();
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM votes").await,
        1,
        "twelve tabs at once, one vote"
    );

    let mut voters = Vec::new();
    for i in 0..6 {
        voters.push(app.citizen(&format!("cu-tri-{i}@example.vn")).await);
    }
    let mut all = Vec::new();
    for v in voters {
        let entry = ids[0].clone();
        all.push(tokio::spawn(async move { cast(&v, &entry).await.status }));
    }
    for t in all {
        assert!(t.await.unwrap().is_success());
    }
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM votes WHERE entry_id = {}", ids[0]))
            .await
            + app
                .scalar(&format!(
                    "SELECT COUNT(*) FROM votes WHERE entry_id <> {} AND user_id = (SELECT id FROM users WHERE email = 'dan@example.vn')",
                    ids[0]
                ))
                .await,
        7,
        "six more voters, none lost"
    );
    // The same through two instances at once (on PostgreSQL), each writing its own batches:
    // the unique indexes decide, and a batch refused by them is written again vote by vote.
    let second = other_instance(&app, backend).await;
    let voter = app.citizen("ha@example.vn").await;
    let mut tabs = Vec::new();
    for i in 0..12 {
        let v = if i % 2 == 0 {
            voter.clone()
        } else {
            voter.with_base(&second)
        };
        let entry = ids[i % 3].clone();
        tabs.push(tokio::spawn(async move { cast(&v, &entry).await.status }));
    }
    for t in tabs {
        t.await.unwrap();
    }
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM votes WHERE user_id = (SELECT id FROM users WHERE email = 'ha@example.vn')"
        )
        .await,
        1,
        "twelve tabs on two instances, one vote"
    );
    let _ = contest;
}

async fn after_the_close_anyone_downloads_the_ballots_and_recounts(backend: Backend) {
    let app = spawn_app(backend).await;
    // Voters register first: the vote below lasts only a few seconds.
    let mut voters = Vec::new();
    for email in [
        "a@example.vn",
        "b@example.vn",
        "c@example.vn",
        "d@example.vn",
    ] {
        voters.push(app.citizen(email).await);
    }
    let contest = app.contest(2, Some(Duration::days(1))).await;
    let slug = slug(&app, &contest).await;
    let ids = entry_ids(&app).await;
    let early = app
        .visitor()
        .call("votes/ballots", &[("slug", &slug)])
        .await;
    assert!(refused_with(&early, "error.ballots_after_close"));
    for (i, v) in voters.iter().take(3).enumerate() {
        cast(v, &ids[usize::from(i == 2)]).await.ok();
    }
    app.vote_closes(&contest.challenge, Utc::now() - Duration::seconds(1))
        .await;
    let late = cast(&voters[3], &ids[0]).await;
    assert!(refused_with(&late, "error.vote_closed"));

    let ballots: app::vote::model::Ballots = app
        .visitor()
        .call("votes/ballots", &[("slug", &slug)])
        .await
        .json();
    assert_eq!(ballots.ballots.len(), 3);
    assert_eq!(ballots.voters, 3);
    assert!(
        ballots
            .ballots
            .iter()
            .all(|b| b.voter.len() == 16 && b.voter.chars().all(|c| c.is_ascii_hexdigit()))
    );
    // The tally is what anyone gets by counting the rows.
    let first: i64 = ids[0].parse().unwrap();
    let counted = ballots
        .ballots
        .iter()
        .filter(|b| b.entry_id == first && b.voided.is_none())
        .count() as u64;
    assert_eq!(
        ballots.tally[0],
        (first, "Giải pháp số 0".to_owned(), counted)
    );
    assert_eq!(counted, 2);
    let csv = app
        .visitor()
        .get(&format!("/challenges/{slug}/ballots.csv"))
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let body = csv.text().await.unwrap();
    assert!(body.starts_with("\u{feff}voter,entry_id,entry,at,voided"));
    assert_eq!(body.lines().count(), 4);
    let page = entries(&app.visitor(), &slug).await.vote.unwrap();
    assert!(!page.open && page.voters == Some(3) && page.totals.is_some());
}

/// Ballots are listed for a recount, not a thousand times: an address asks ten times an hour.
async fn one_address_downloads_the_ballots_ten_times_an_hour(backend: Backend) {
    let app = common::spawn_demo(backend).await;
    let path = "/challenges/dat-lich-hen-truoc-khi-den-lam-thu-tuc/ballots.csv";
    let v = app.visitor();
    // Downloads are listed two at a time on an instance: while two are, a third waits its turn
    // (here the test holds both turns), then is answered.
    let turns = app::vote::service::BALLOTS_AT_ONCE
        .acquire_many(2)
        .await
        .unwrap();
    let waiting = tokio::spawn({
        let v = v.clone();
        async move { v.get(path).await.status() }
    });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "a third download waits for a turn");
    drop(turns);
    assert_eq!(waiting.await.unwrap(), StatusCode::OK);
    for _ in 1..app::vote::service::BALLOTS_PER_ADDRESS.max {
        assert_eq!(v.get(path).await.status(), StatusCode::OK);
    }
    let refused = v.get(path).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    // The open data's copies of the same ballots count against the same hour.
    let slug = "dat-lich-hen-truoc-khi-den-lam-thu-tuc";
    for (path, query) in [
        (format!("/api/v1/challenges/{slug}/votes"), "?a=1"),
        (format!("/api/v1/challenges/{slug}/ballots.csv"), "?a=2"),
    ] {
        let refused = v.get(&format!("{path}{query}")).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "{path}");
    }
}

/// The next server-sent event that carries data, as JSON.
async fn next_event(stream: &mut reqwest::Response, buffer: &mut String) -> serde_json::Value {
    let read = async {
        loop {
            if let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) {
                    return serde_json::from_str(data).expect("JSON data");
                }
                continue;
            }
            let chunk = stream
                .chunk()
                .await
                .expect("the stream stays open")
                .expect("more events");
            buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(15), read)
        .await
        .expect("an event within 15 s")
}

async fn show_totals_during_the_vote(contest: &Contest) {
    contest
        .staff
        .call(
            "votes/settings/save",
            &[
                ("challenge_id", &contest.challenge),
                ("allowance", "1"),
                ("live_totals", "on"),
            ],
        )
        .await
        .ok();
}

/// A second instance on the same PostgreSQL; on SQLite (one instance) the first one.
async fn other_instance(app: &TestApp, backend: Backend) -> String {
    match backend {
        Backend::Postgres => common::spawn_second_instance(app).await,
        Backend::Sqlite => app.base.clone(),
    }
}

async fn running_totals_reach_every_instance_as_votes_arrive(backend: Backend) {
    let app = spawn_app(backend).await;
    let contest = app.contest(2, Some(Duration::days(3))).await;
    let slug = slug(&app, &contest).await;
    let ids = entry_ids(&app).await;
    let path = format!("/challenges/{slug}/votes/live");
    assert_eq!(
        app.visitor().get(&path).await.status(),
        StatusCode::NOT_FOUND,
        "totals hidden during the vote: nothing to follow"
    );
    show_totals_during_the_vote(&contest).await;
    // Instances sharing one PostgreSQL hear each other; on SQLite there is one instance.
    let follower_base = other_instance(&app, backend).await;
    let voter = app.citizen("dan@example.vn").await;
    let mut stream = voter.with_base(&follower_base).get(&path).await;
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let mut buffer = String::new();
    let first = next_event(&mut stream, &mut buffer).await;
    assert_eq!(first["voters"], 0);
    cast(&voter, &ids[1]).await.ok();
    let second = next_event(&mut stream, &mut buffer).await;
    assert_eq!(second["voters"], 1);
    let counted: Vec<(i64, u64)> = serde_json::from_value(second["totals"].clone()).unwrap();
    assert!(counted.contains(&(ids[1].parse().unwrap(), 1)));
}

/// One address follows at most so many streams at once; when one closes, another may open.
async fn one_address_cannot_hold_every_live_stream(backend: Backend) {
    let app = spawn_app(backend).await;
    let contest = app.contest(1, Some(Duration::days(3))).await;
    let slug = slug(&app, &contest).await;
    show_totals_during_the_vote(&contest).await;
    let path = format!("/challenges/{slug}/votes/live");
    let v = app.visitor();
    let mut open = Vec::new();
    for _ in 0..app::vote::live::FOLLOWERS_PER_ADDRESS {
        let stream = v.get(&path).await;
        assert_eq!(stream.status(), StatusCode::OK);
        open.push(stream);
    }
    let refused = v.get(&path).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    drop(open.pop());
    // The server hears the closed stream when it next writes to it (a keep-alive at most
    // fifteen seconds on); until then the place is still held.
    let mut reopened = None;
    for _ in 0..40 {
        let stream = v.get(&path).await;
        if stream.status() == StatusCode::OK {
            reopened = Some(stream);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(reopened.is_some(), "a place freed is taken again");
}

/// During a rush the totals change many times a second: a follower is sent them at most once
/// per moment (the page cache's), the last it is sent holds every vote, and a voter's own
/// request counts their vote at once.
async fn a_follower_is_sent_a_rush_once_a_moment_and_the_last_holds_every_vote(backend: Backend) {
    const MOMENT_MS: u64 = 1_000;
    let app = common::spawn_app_with(
        backend,
        common::Options {
            page_cache_ms: MOMENT_MS,
            ..Default::default()
        },
    )
    .await;
    let contest = app.contest(2, Some(Duration::days(3))).await;
    let slug = slug(&app, &contest).await;
    let ids = entry_ids(&app).await;
    show_totals_during_the_vote(&contest).await;
    let mut voters = Vec::new();
    for n in 0..6 {
        voters.push(app.citizen(&format!("rush{n}@example.vn")).await);
    }
    let mut stream = app
        .visitor()
        .get(&format!("/challenges/{slug}/votes/live"))
        .await;
    let mut buffer = String::new();
    assert_eq!(next_event(&mut stream, &mut buffer).await["voters"], 0);
    let first = std::time::Instant::now();
    for (n, voter) in voters.iter().enumerate() {
        cast(voter, &ids[n % 2]).await.ok();
        let own = entries(voter, &slug).await.vote.unwrap();
        assert_eq!(
            own.voters,
            Some(n as u64 + 1),
            "the voter's own page counts their vote"
        );
    }
    let mut sent = 0u64;
    loop {
        let event = next_event(&mut stream, &mut buffer).await;
        sent += 1;
        if event["voters"] == 6 {
            break;
        }
    }
    let took = first.elapsed().as_millis() as u64;
    // Each send waits a moment after the one before (give or take one, for the moments the
    // sends straddle): without that, each of the six votes is a send of its own.
    assert!(
        sent <= took / MOMENT_MS + 1,
        "{sent} sends in {took} ms, at most one a moment"
    );
}

async fn totals_read_through_any_instance_count_every_change_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let contest = app.contest(2, Some(Duration::days(3))).await;
    let slug = slug(&app, &contest).await;
    let ids = entry_ids(&app).await;
    show_totals_during_the_vote(&contest).await;
    // Totals are kept between requests; a reader on another instance, right after a change made
    // through the first, must see it.
    let reader_base = other_instance(&app, backend).await;
    let reader = app.visitor().with_base(&reader_base);
    let voters = async || entries(&reader, &slug).await.vote.unwrap().voters;
    assert_eq!(voters().await, Some(0));
    let (a, b) = (
        app.citizen("an@example.vn").await,
        app.citizen("binh@example.vn").await,
    );
    cast(&a, &ids[0]).await.ok();
    assert_eq!(voters().await, Some(1), "a vote counts at once");
    a.call("votes/withdraw", &[("entry_id", &ids[0])])
        .await
        .ok();
    assert_eq!(voters().await, Some(0), "a withdrawal counts at once");
    cast(&a, &ids[0]).await.ok();
    cast(&b, &ids[1]).await.ok();
    let both = entries(&reader, &slug).await.vote.unwrap();
    assert_eq!(both.voters, Some(2));
    assert!(both.totals.unwrap().contains(&(ids[1].parse().unwrap(), 1)));
    let b_vote = app
        .scalar(&format!("SELECT id FROM votes WHERE entry_id = {}", ids[1]))
        .await
        .to_string();
    contest
        .staff
        .call(
            "votes/void",
            &[
                ("challenge_id", &contest.challenge),
                ("vote_ids[]", &b_vote),
                ("reason", "Tài khoản tạo hàng loạt từ một máy."),
            ],
        )
        .await
        .ok();
    assert_eq!(
        voters().await,
        Some(1),
        "a voided vote stops counting at once"
    );
}

async fn published_results_name_the_peoples_choice_with_the_turnout(backend: Backend) {
    // The demo's booking challenge: results published, its vote closed with seven ballots.
    let app = common::spawn_app_with(
        backend,
        common::Options {
            demo_data: true,
            ..Default::default()
        },
    )
    .await;
    let results: app::judging::model::PublicResults = app
        .visitor()
        .call(
            "judging/results",
            &[("slug", "dat-lich-hen-truoc-khi-den-lam-thu-tuc")],
        )
        .await
        .json();
    let choice = results.peoples_choice.expect("the vote is closed");
    assert_eq!((choice.voters, choice.votes), (7, 7));
    assert_eq!(
        choice.winners,
        [(
            "Lịch hẹn in trên phiếu".to_owned(),
            "Nhóm Phù Sa Hẹn".to_owned(),
            4
        )]
    );
    // The hotline vote is still open: no people's choice yet, whatever else is published.
    let open: app::judging::model::PublicResults = app
        .visitor()
        .call(
            "judging/results",
            &[(
                "slug",
                "tiep-nhan-phan-anh-qua-dien-thoai-cho-nguoi-khong-dung-mang",
            )],
        )
        .await
        .json();
    assert!(open.peoples_choice.is_none());
}

async fn staff_see_signals_and_void_votes_with_a_public_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let contest = app.contest(2, Some(Duration::days(3))).await;
    let ids = entry_ids(&app).await;
    let c = contest.challenge.as_str();
    // Three accounts made after the vote opened, voting from one address.
    for i in 0..3 {
        let v = app.citizen(&format!("moi-{i}@example.vn")).await;
        cast(&v, &ids[0]).await.ok();
    }
    assert_eq!(
        contest.teams[0]
            .1
            .call("votes/review", &[("challenge_id", c)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let review: app::vote::model::VoteReview = contest
        .staff
        .call("votes/review", &[("challenge_id", c)])
        .await
        .json();
    assert_eq!((review.total, review.flagged.len()), (3, 3));
    use app::vote::rules::Signal;
    assert!(
        review
            .flagged
            .iter()
            .all(|v| v.signals.contains(&Signal::NewAccount)
                && v.signals.contains(&Signal::SharedNetwork))
    );
    let chosen: Vec<String> = review.flagged[..2]
        .iter()
        .map(|v| v.id.to_string())
        .collect();
    let silent = contest
        .staff
        .call(
            "votes/void",
            &[
                ("challenge_id", c),
                ("vote_ids[]", &chosen[0]),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(silent.invalid_fields(), ["reason"], "never silently");
    // Votes voided without their public record are not voided.
    app.refuse_records("vote.void").await;
    let unrecorded = contest
        .staff
        .call(
            "votes/void",
            &[
                ("challenge_id", c),
                ("vote_ids[]", &chosen[0]),
                (
                    "reason",
                    "Ba tài khoản mới cùng một máy, tạo trong năm phút.",
                ),
            ],
        )
        .await;
    assert!(unrecorded.status.is_server_error(), "{}", unrecorded.body);
    app.accept_records().await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM votes WHERE voided_at IS NOT NULL")
            .await,
        0
    );
    contest
        .staff
        .call(
            "votes/void",
            &[
                ("challenge_id", c),
                ("vote_ids[]", &chosen[0]),
                ("vote_ids[]", &chosen[1]),
                (
                    "reason",
                    "Ba tài khoản mới cùng một máy, tạo trong năm phút.",
                ),
            ],
        )
        .await
        .ok();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM votes WHERE voided_at IS NOT NULL")
            .await,
        2
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'vote.void' AND is_public = true"
        )
        .await,
        1
    );
    contest
        .staff
        .call(
            "votes/settings/save",
            &[
                ("challenge_id", c),
                ("allowance", "1"),
                ("live_totals", "on"),
            ],
        )
        .await
        .ok();
    let slug = slug(&app, &contest).await;
    let seen = entries(&app.visitor(), &slug).await.vote.unwrap();
    assert_eq!(seen.voters, Some(1), "voided votes are not counted");
}

async fn votes_are_rate_limited_per_account(backend: Backend) {
    let app = spawn_app(backend).await;
    app.contest(1, Some(Duration::days(3))).await;
    let ids = entry_ids(&app).await;
    let voter = app.citizen("dan@example.vn").await;
    for i in 0..app::vote::rules::RATE_PER_ACCOUNT {
        let endpoint = if i % 2 == 0 {
            "votes/cast"
        } else {
            "votes/withdraw"
        };
        voter.call(endpoint, &[("entry_id", &ids[0])]).await.ok();
    }
    let too_fast = cast(&voter, &ids[0]).await;
    assert_eq!(too_fast.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(too_fast.error(), AppError::RateLimited { .. }));
}

/// A network that has already cast its share in the window is refused, whoever the account: a
/// new account from the same address gets no fresh allowance.
async fn votes_are_rate_limited_per_network(backend: Backend) {
    use sea_orm::{ActiveModelTrait, Set};
    let app = spawn_app(backend).await;
    app.contest(1, Some(Duration::days(3))).await;
    let ids = entry_ids(&app).await;
    let earlier = app.citizen("an@example.vn").await;
    assert!(earlier.viewer().await.is_some(), "signed in");
    let earlier_id = app
        .scalar("SELECT id FROM users WHERE email = 'an@example.vn'")
        .await;
    let network = app::vote::rules::network_of("127.0.0.1");
    for _ in 0..app::vote::rules::RATE_PER_NETWORK {
        app::vote::entity::attempt::ActiveModel {
            user_id: Set(earlier_id),
            network: Set(network.clone()),
            at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("attempt recorded");
    }
    let newcomer = app.citizen("binh@example.vn").await;
    let refused = cast(&newcomer, &ids[0]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM votes").await, 0);
}

/// An account whose email is not verified is not yet a citizen: it cannot sign in, so it has no
/// session to vote with, and a vote without one is refused.
async fn an_unverified_account_cannot_vote(backend: Backend) {
    let app = spawn_app(backend).await;
    app.contest(1, Some(Duration::days(3))).await;
    let ids = entry_ids(&app).await;
    let v = app.visitor();
    v.call(
        "account/register",
        &[
            ("email", "chua@example.vn"),
            ("display_name", "Chưa xác minh"),
            ("password", common::PASSWORD),
        ],
    )
    .await
    .ok();
    let signed_in = v.sign_in("chua@example.vn", common::PASSWORD).await;
    assert_eq!(
        signed_in.error(),
        AppError::Conflict {
            key: "error.not_verified".into(),
            params: Vec::new()
        }
    );
    assert!(v.viewer().await.is_none());
    let refused = cast(&v, &ids[0]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM votes").await, 0);
}

/// An account deleted while its votes are on their way holds no counted ballot afterwards: five
/// citizens each ask for their account's deletion and keep voting (a new ballot each time: cast,
/// withdraw, cast again) until they are signed out. Whichever comes first, the deletion
/// withdraws every ballot written before it, and no ballot is written after it.
async fn an_account_deleted_while_it_votes_keeps_no_counted_ballot(backend: Backend) {
    let app = spawn_app(backend).await;
    app.contest(2, Some(Duration::days(3))).await;
    let ids = entry_ids(&app).await;
    let mut at_once = tokio::task::JoinSet::new();
    for i in 0..5 {
        let v = app.citizen(&format!("xoa-{i}@example.vn")).await;
        let voter = v.clone();
        let ids = ids.clone();
        at_once.spawn(async move {
            for n in 0..rules::RATE_PER_ACCOUNT as usize {
                let answer = match n % 2 {
                    0 => cast(&voter, &ids[0]).await,
                    _ => voter.call("votes/withdraw", &[("entry_id", &ids[0])]).await,
                };
                assert!(!answer.status.is_server_error(), "{}", answer.body);
                if answer.status == StatusCode::UNAUTHORIZED {
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
        app.scalar("SELECT COUNT(*) FROM users WHERE email LIKE 'xoa-%'")
            .await,
        0,
        "every account deleted"
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM votes v JOIN users u ON u.id = v.user_id \
             WHERE u.email LIKE 'deleted-%' AND v.voided_at IS NULL"
        )
        .await,
        0,
        "no deleted account holds a counted vote"
    );
}

async fn those_who_voted_are_told_when_the_results_are_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let contest = app.contest(2, Some(Duration::days(3))).await;
    let ids = entry_ids(&app).await;
    let voter = app.citizen("dan@example.vn").await;
    cast(&voter, &ids[0]).await.ok();
    let other = app.citizen("lan@example.vn").await;
    cast(&other, &ids[1]).await.ok();
    // And withdrew it: no longer a voter.
    other
        .call("votes/withdraw", &[("entry_id", &ids[1])])
        .await
        .ok();
    let results_at = app
        .text(&format!(
            "SELECT CAST(results_at AS TEXT) FROM challenges WHERE id = {}",
            contest.challenge
        ))
        .await;
    let results_at = chrono::DateTime::parse_from_rfc3339(&results_at.replace(' ', "T"))
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(&results_at, "%Y-%m-%d %H:%M:%S%.f%#z")
                .map(|t| t.and_utc())
                .expect("a time")
        });
    let links = app::links::Links::new("http://127.0.0.1:0");
    app::jobs::phase_changes::notify_phase_changes(
        &app.db,
        &links,
        results_at + Duration::minutes(1),
    )
    .await
    .unwrap();
    let told = |email: &str| {
        format!(
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE u.email = '{email}' AND n.kind = 'challenge_phase_changed' \
             AND n.params LIKE '%phase.results%'"
        )
    };
    assert_eq!(app.scalar(&told("dan@example.vn")).await, 1);
    assert_eq!(app.scalar(&told("lan@example.vn")).await, 0);
}

on_both_databases!(
    those_who_voted_are_told_when_the_results_are_out,
    an_account_deleted_while_it_votes_keeps_no_counted_ballot,
    votes_are_rate_limited_per_network,
    an_unverified_account_cannot_vote,
    staff_see_signals_and_void_votes_with_a_public_reason,
    votes_are_rate_limited_per_account,
    published_results_name_the_peoples_choice_with_the_turnout,
    running_totals_reach_every_instance_as_votes_arrive,
    one_address_cannot_hold_every_live_stream,
    totals_read_through_any_instance_count_every_change_at_once,
    a_follower_is_sent_a_rush_once_a_moment_and_the_last_holds_every_vote,
    a_citizen_votes_changes_and_withdraws_and_every_refusal_is_clear,
    a_vote_outside_its_window_is_refused_with_when,
    simultaneous_votes_from_one_account_end_as_one_and_many_accounts_lose_none,
    after_the_close_anyone_downloads_the_ballots_and_recounts,
    one_address_downloads_the_ballots_ten_times_an_hour,
);
