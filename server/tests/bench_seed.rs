//! The benchmark's data set, built small: it holds what it reports, on both databases; its
//! prepared sessions work through the real HTTP stack (a rush of voters at once, each counted
//! exactly once; a judge saving a draft); new rows still get fresh ids after it.

use crate::common::{Backend, TestApp, spawn_demo};
use app::demo::large::{Scale, computations, judge_token, seed, voter_token};
use reqwest::StatusCode;

fn signed_in(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "cookie",
        format!("vidan_session={token}").parse().expect("header"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .expect("client")
}

async fn count(app: &TestApp, table: &str) -> i64 {
    app.scalar(&format!("SELECT COUNT(*) FROM {table}")).await
}

async fn the_benchmark_set_holds_what_it_reports_and_its_sessions_work(backend: Backend) {
    let app = spawn_demo(backend).await;
    let before: Vec<i64> = {
        let mut v = Vec::new();
        for table in ["users", "challenges", "entries", "votes", "scores"] {
            v.push(count(&app, table).await);
        }
        v
    };
    let scale = Scale::tiny();
    let made = seed(&app.db, &scale).await.expect("the set builds");

    let mut after = Vec::new();
    for table in ["users", "challenges", "entries", "votes", "scores"] {
        after.push(count(&app, table).await);
    }
    let grown: Vec<i64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    assert_eq!(
        grown,
        [
            made.citizens as i64,
            made.challenges as i64,
            made.entries as i64,
            made.votes as i64,
            made.scores as i64
        ]
    );
    assert_eq!(made.citizens, scale.citizens);
    assert_eq!(made.challenges, scale.challenges + 3);
    assert_eq!(
        made.entries,
        (scale.challenges + 3) * scale.entries_per_challenge
    );
    assert_eq!(
        made.votes,
        scale.citizens * 3 + scale.closed_votes * scale.votes_per_closed_vote
    );
    assert_eq!(
        made.scores,
        scale.challenges * scale.entries_per_challenge * scale.judges_per_challenge
    );
    assert_eq!(made.pilots, scale.pilots);

    // The largest tally counts every citizen's three votes.
    let big = app
        .scalar(&format!(
            "SELECT id FROM challenges WHERE slug = '{}'",
            made.big_vote
        ))
        .await;
    let c = app::challenge::service::find(&app.db, big).await.unwrap();
    let (tally, voters) = app::vote::service::current_totals(&app.db, &c)
        .await
        .unwrap();
    assert_eq!(voters, scale.citizens as u64);
    assert_eq!(
        tally.iter().map(|(_, n)| n).sum::<u64>(),
        3 * scale.citizens as u64
    );
    let timed = computations(&app.db, &made, 1).await.unwrap();
    assert_eq!(timed.len(), 4);

    // The rush: every prepared voter votes at once; each vote is counted, once.
    let rush = made.rush.clone();
    let mut calls = Vec::new();
    for i in 0..rush.voters {
        let client = signed_in(&voter_token(i));
        let url = format!("{}/api/votes/cast", app.base);
        let entry = rush.entry_ids[i % rush.entry_ids.len()].to_string();
        calls.push(tokio::spawn(async move {
            client
                .post(url)
                .header("accept", "text/html")
                .form(&[("entry_id", entry)])
                .send()
                .await
                .expect("the vote is answered")
        }));
    }
    for call in calls {
        let answer = call.await.unwrap();
        let status = answer.status();
        let headers = format!("{:?}", answer.headers());
        let body = answer.text().await.unwrap();
        assert_eq!(status, StatusCode::FOUND, "{headers} {body}");
    }
    let rush_id = app
        .scalar(&format!(
            "SELECT id FROM challenges WHERE slug = '{}'",
            rush.slug
        ))
        .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM votes WHERE challenge_id = {rush_id}"
        ))
        .await,
        rush.voters as i64
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(DISTINCT user_id) FROM votes WHERE challenge_id = {rush_id}"
        ))
        .await,
        rush.voters as i64
    );

    // A judge of the drafting room saves a partial draft.
    let d = &made.drafting;
    let entry = d.judges[0][0].to_string();
    let value_name = format!("marks[values][{}]", d.criteria[0]);
    let value = d.scale_max.to_string();
    let saved = signed_in(&judge_token(0))
        .post(format!("{}/api/judging/save", app.base))
        .header("accept", "application/json")
        .form(&[
            ("entry_id", entry.as_str()),
            (value_name.as_str(), value.as_str()),
            ("marks[overall]", "Cần nói rõ chi phí."),
        ])
        .send()
        .await
        .expect("the draft is answered");
    assert_eq!(
        saved.status(),
        StatusCode::OK,
        "{}",
        saved.text().await.unwrap()
    );
    assert_eq!(
        app.text(&format!(
            "SELECT status FROM scores WHERE entry_id = {entry} AND challenge_id = {}",
            d.challenge_id
        ))
        .await,
        "draft"
    );

    // New rows still get ids of their own (PostgreSQL's sequences were moved past the set).
    app.citizen("moi@example.vn").await;
}

on_both_databases!(the_benchmark_set_holds_what_it_reports_and_its_sessions_work);
