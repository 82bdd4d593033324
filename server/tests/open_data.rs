//! The open data API through the real HTTP stack, on the demo data: every endpoint's answer
//! against the schema its generated OpenAPI document promises, nothing personal in any answer,
//! paging that neither loses nor repeats a row while rows are added, ETags, CSV a spreadsheet
//! reads right, clear refusals, rate limits and CORS.

use crate::common;

use std::collections::BTreeSet;

use crate::common::{Backend, TestApp, Visitor, spawn_app, spawn_app_with, spawn_demo};
use reqwest::StatusCode;
use serde_json::Value;

async fn get_json(v: &Visitor, path: &str) -> (StatusCode, Value) {
    let r = v.get(path).await;
    let status = r.status();
    let text = r.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
    (status, value)
}

/// The concrete paths to try for each documented path, from the demo data: every public
/// challenge and every pilot.
async fn concrete_paths(app: &TestApp, template: &str) -> Vec<String> {
    if template.contains("{slug}") {
        let mut out = Vec::new();
        for slug in public_slugs(app).await {
            out.push(template.replace("{slug}", &slug));
        }
        out
    } else if template.contains("{id}") {
        let mut out = Vec::new();
        let n = app.scalar("SELECT COUNT(*) FROM pilots").await;
        for i in 0..n {
            let id = app
                .scalar(&format!(
                    "SELECT id FROM pilots ORDER BY id LIMIT 1 OFFSET {i}"
                ))
                .await;
            out.push(template.replace("{id}", &id.to_string()));
        }
        out
    } else {
        vec![template.to_owned()]
    }
}

async fn public_slugs(app: &TestApp) -> Vec<String> {
    let n = app
        .scalar("SELECT COUNT(*) FROM challenges WHERE status <> 'draft'")
        .await;
    let mut out = Vec::new();
    for i in 0..n {
        out.push(
            app.text(&format!(
                "SELECT slug FROM challenges WHERE status <> 'draft' ORDER BY id LIMIT 1 OFFSET {i}"
            ))
            .await,
        );
    }
    out
}

/// Validates `body` against the response schema the document gives for `template`, status 200.
fn check_shape(doc: &Value, template: &str, body: &Value) {
    let errors = shape_errors(doc, template, body);
    assert!(errors.is_empty(), "{template}: {errors:?}");
}

fn shape_errors(doc: &Value, template: &str, body: &Value) -> Vec<String> {
    let schema_ref = &doc["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["$ref"];
    let reference = schema_ref
        .as_str()
        .unwrap_or_else(|| panic!("{template}: no JSON schema in the document"));
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": reference,
        "components": doc["components"].clone(),
    });
    let validator = jsonschema::validator_for(&schema).expect("the document's schema compiles");
    validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Walks every key of a JSON value.
fn keys(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

const NEVER: &[&str] = &[
    "email",
    "password",
    "password_hash",
    "user_id",
    "author_id",
    "owner_user_id",
    "voter_id",
    "account_id",
    "created_by",
    "responder_id",
    "ip",
    "ip_address",
    "session",
    "phone",
    "token",
];

/// Every documented path answers (200, or a documented refusal) in its promised shape, and no
/// answer carries a personal field, an email address or a voter's account.
async fn every_endpoint_keeps_its_promised_shape_and_nothing_personal(backend: Backend) {
    let app = spawn_demo(backend).await;
    let v = app.visitor();
    let (status, doc) = get_json(&v, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        doc["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.")
    );
    // Addresses, and phone numbers as stored and as people write them.
    let emails = {
        let n = app.scalar("SELECT COUNT(*) FROM users").await;
        let mut out = Vec::new();
        for i in 0..n {
            let contact = app
                .text(&format!(
                    "SELECT COALESCE(email, phone) FROM users ORDER BY id LIMIT 1 OFFSET {i}"
                ))
                .await;
            if contact.starts_with("+84") {
                out.push(app::sms::rules::display_phone(&contact));
            }
            out.push(contact);
        }
        out
    };
    assert!(emails.len() > 10, "the demo has citizens");
    // People's names: none but officials', acting in their role (staff, and judges of a panel
    // that chose to name them beside the results), leave through the open data.
    let citizens = "SELECT display_name FROM users WHERE is_admin = false \
                    AND id NOT IN (SELECT user_id FROM org_staff) \
                    AND id NOT IN (SELECT j.user_id FROM judges j JOIN panels p \
                    ON p.challenge_id = j.challenge_id WHERE p.show_judge_names = true)";
    let names = {
        let n = app
            .scalar(&format!("SELECT COUNT(*) FROM ({citizens}) x"))
            .await;
        let mut out = Vec::new();
        for i in 0..n {
            out.push(
                app.text(&format!(
                    "SELECT display_name FROM ({citizens}) x ORDER BY display_name \
                     LIMIT 1 OFFSET {i}"
                ))
                .await,
            );
        }
        out
    };
    assert!(
        names.len() >= 5,
        "the demo has citizens with names: {names:?}"
    );
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();
    assert!(paths.len() >= 15, "{paths:?}");
    // The check bites: a wrong shape is caught.
    let wrong = serde_json::json!({"items": [{"id": "one"}], "next_cursor": 5});
    assert!(!shape_errors(&doc, "/api/v1/challenges", &wrong).is_empty());
    let mut answered_ok = BTreeSet::new();
    for template in &paths {
        for path in concrete_paths(&app, template).await {
            let r = v.get(&path).await;
            let status = r.status();
            let content_type = r.headers()[http::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .to_owned();
            let text = r.text().await.unwrap();
            for email in &emails {
                assert!(!text.contains(email.as_str()), "{path} shows {email}");
            }
            for name in &names {
                assert!(!text.contains(name.as_str()), "{path} names {name}");
            }
            let documented =
                doc["paths"][template]["get"]["responses"][status.as_str()].is_object();
            assert!(documented, "{path}: undocumented status {status}: {text}");
            if template.ends_with(".csv") {
                if status == StatusCode::OK {
                    assert_eq!(content_type, "text/csv; charset=utf-8");
                    assert!(text.starts_with('\u{feff}'), "{path}: no byte-order mark");
                    for name in NEVER {
                        let header = text.lines().next().unwrap_or_default();
                        assert!(
                            !header.split(',').any(|h| h == *name),
                            "{path}: column {name}"
                        );
                    }
                    answered_ok.insert(template.clone());
                }
                continue;
            }
            let body: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
            let mut found = BTreeSet::new();
            keys(&body, &mut found);
            for name in NEVER {
                assert!(!found.contains(*name), "{path} has a field {name}");
            }
            if status == StatusCode::OK {
                if template != "/api/v1/openapi.json" {
                    check_shape(&doc, template, &body);
                }
                answered_ok.insert(template.clone());
            } else {
                assert!(
                    body["error"].is_string() && body["message"].is_string(),
                    "{path}: {body}"
                );
            }
        }
    }
    let missing: Vec<&String> = paths.iter().filter(|p| !answered_ok.contains(*p)).collect();
    assert!(
        missing.is_empty(),
        "never answered 200 on the demo data: {missing:?}"
    );
}

/// Pages of two while a report is added after each page: every report there at the start comes
/// exactly once, and the new ones (added behind the cursor) come too, none twice.
async fn paging_neither_loses_nor_repeats_while_rows_are_added(backend: Backend) {
    let app = spawn_demo(backend).await;
    let v = app.visitor();
    let before = app.scalar("SELECT COUNT(*) FROM reports").await;
    let org = app.scalar("SELECT MIN(id) FROM organisations").await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut added = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/reports?limit=2&cursor={c}"),
            None => "/api/v1/reports?limit=2".to_owned(),
        };
        let (status, page) = get_json(&v, &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_i64().unwrap());
        }
        if added < 3 {
            add_report(&app, org, added).await;
            added += 1;
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let unique: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "a report came twice: {seen:?}");
    assert_eq!(seen.len() as i64, before + i64::from(added), "{seen:?}");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(sorted, seen, "oldest id first");
}

async fn add_report(app: &TestApp, org: i64, n: i32) {
    use app::report::entity::report;
    use sea_orm::{ActiveModelTrait, Set};
    let now = chrono::Utc::now();
    report::ActiveModel {
        organisation_id: Set(org),
        author_id: Set(None),
        title: Set(format!("Đèn đường hỏng {n}")),
        description: Set("Tối om cả con hẻm".into()),
        category: Set("other".into()),
        status: Set("new".into()),
        search_key: Set("den duong hong".into()),
        photo_id: Set(None),
        supporters: Set(0),
        response_due_at: Set(now + chrono::Duration::days(5)),
        responded_at: Set(None),
        acknowledged_at: Set(None),
        response: Set(None),
        responder_id: Set(None),
        merged_into_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("insert a report");
}

use sea_orm::ConnectionTrait;

/// An answer's ETag brings back 304 with no body; a change brings a new ETag.
async fn an_etag_saves_a_download_until_the_data_changes(backend: Backend) {
    let app = spawn_demo(backend).await;
    let v = app.visitor();
    let first = v.get("/api/v1/challenges").await;
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = v
        .client
        .get(format!("{}/api/v1/challenges", app.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());
    app.db
        .execute_unprepared(
            "UPDATE challenges SET title = title || ' (sửa)' WHERE status = 'published'",
        )
        .await
        .unwrap();
    let changed = v
        .client
        .get(format!("{}/api/v1/challenges", app.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    assert!(changed.text().await.unwrap().contains("(sửa)"));
}

/// The CSV opens in a spreadsheet with Vietnamese intact, and matches the JSON.
async fn csv_carries_vietnamese_and_matches_the_json(backend: Backend) {
    let app = spawn_demo(backend).await;
    let v = app.visitor();
    let r = v.get("/api/v1/challenges.csv").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("challenges.csv")
    );
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let (_, list) = get_json(&v, "/api/v1/challenges?limit=200").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(
        text.lines().count(),
        items.len() + 1,
        "a header and a row each"
    );
    for item in items {
        let title = item["title"].as_str().unwrap();
        assert!(text.contains(title), "{title} in the CSV");
    }
    assert!(
        text.lines()
            .next()
            .unwrap()
            .starts_with("id,slug,organisation,title,phase")
    );
    let drafts = app
        .text("SELECT slug FROM challenges WHERE status = 'draft' LIMIT 1")
        .await;
    assert!(!text.contains(&drafts), "a draft is never published");
}

/// Bad parameters, unknown names and data not yet public get a clear refusal, in the language
/// asked for.
async fn bad_requests_get_a_clear_translated_refusal(backend: Backend) {
    let app = spawn_demo(backend).await;
    let v = app.visitor();
    let (status, body) = get_json(&v, "/api/v1/challenges?cursor=123").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "invalid");
    assert!(
        body["message"].as_str().unwrap().contains("cursor"),
        "{body}"
    );
    let (status, body) = get_json(&v, "/api/v1/reports?limit=0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"].as_str().unwrap().contains("1 đến 200"),
        "{body}"
    );
    let (status, _) = get_json(&v, "/api/v1/reports?limit=lots").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = get_json(&v, "/api/v1/pilots?status=dreaming").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // No such organisation: not found, as the document says.
    let (status, _) = get_json(&v, "/api/v1/challenges?organisation=no-such-ward").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get_json(&v, "/api/v1/challenges?updated_since=yesterday").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Empty parameters are parameters not given, except a date (empty is no date); a parameter
    // given twice is refused with the reason, in JSON like every refusal.
    let (status, body) =
        get_json(&v, "/api/v1/challenges?organisation=&phase=&cursor=&limit=").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = get_json(&v, "/api/v1/challenges?updated_since=").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = get_json(&v, "/api/v1/reports?limit=5&limit=6").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "invalid");
    for limit in ["007", "+5", " 5", "201"] {
        let (status, _) = get_json(&v, &format!("/api/v1/reports?limit={limit}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "limit {limit}");
    }
    let (status, _) = get_json(&v, "/api/v1/pilots/99999999999999999999999").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "an id past 64 bits names no pilot"
    );
    let (status, body) = get_json(&v, "/api/v1/challenges/no-such-challenge").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
    let draft = app
        .text("SELECT slug FROM challenges WHERE status = 'draft' LIMIT 1")
        .await;
    let (status, _) = get_json(&v, &format!("/api/v1/challenges/{draft}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a draft is not found");
    let open = app
        .text("SELECT slug FROM challenges WHERE status = 'published' AND results_published_at IS NULL LIMIT 1")
        .await;
    let english = v
        .client
        .get(format!("{}/api/v1/challenges/{open}/results", app.base))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(english.status(), StatusCode::CONFLICT);
    let body: Value = english.json().await.unwrap();
    assert_eq!(body["error"], "conflict");
    assert_eq!(
        body["message"],
        "The results of this challenge are not published yet."
    );
}

/// Filters narrow the lists to what they name.
async fn filters_narrow_the_lists(backend: Backend) {
    let app = spawn_demo(backend).await;
    let v = app.visitor();
    let (_, all) = get_json(&v, "/api/v1/challenges?limit=200").await;
    let all = all["items"].as_array().unwrap().clone();
    let open: Vec<&Value> = all.iter().filter(|c| c["phase"] == "open").collect();
    assert!(!open.is_empty());
    let (_, only_open) = get_json(&v, "/api/v1/challenges?phase=open").await;
    assert_eq!(only_open["items"].as_array().unwrap().len(), open.len());
    let org = all[0]["organisation"].as_str().unwrap().to_owned();
    let (_, of_org) = get_json(&v, &format!("/api/v1/challenges?organisation={org}")).await;
    for c in of_org["items"].as_array().unwrap() {
        assert_eq!(c["organisation"], org.as_str());
    }
    let (_, future) = get_json(&v, "/api/v1/challenges?updated_since=2099-01-01").await;
    assert!(future["items"].as_array().unwrap().is_empty());
    // A date-time, as a client that fetches what changed since its last visit sends it: the
    // moment counts, not only its day.
    let (status, past) = get_json(
        &v,
        "/api/v1/challenges?updated_since=2020-01-01T08:00:00%2B07:00&limit=200",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(past["items"].as_array().unwrap().len(), all.len());
    let later = (chrono::Utc::now() + chrono::Duration::minutes(5))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (status, none) = get_json(&v, &format!("/api/v1/challenges?updated_since={later}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        none["items"].as_array().unwrap().is_empty(),
        "nothing changes in the future"
    );
    let (status, _) = get_json(&v, "/api/v1/challenges?updated_since=2026-12-01T25:00:00Z").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, rolled) = get_json(&v, "/api/v1/pilots?status=rolled_out").await;
    let rolled = rolled["items"].as_array().unwrap();
    assert_eq!(rolled.len(), 1);
    assert_eq!(rolled[0]["status"], "rolled_out");
    let (_, answered) = get_json(&v, "/api/v1/reports?status=answered&limit=200").await;
    for r in answered["items"].as_array().unwrap() {
        assert_eq!(r["status"], "answered");
    }
}

/// Past the limit an address gets 429 with when to come back; the headers count down before.
async fn an_address_past_its_limit_is_told_when_to_come_back(backend: Backend) {
    let app = spawn_app_with(
        backend,
        common::Options {
            api_requests_per_minute: Some(3),
            ..Default::default()
        },
    )
    .await;
    let v = app.visitor();
    for remaining in ["2", "1", "0"] {
        let r = v.get("/api/v1/organisations").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["ratelimit-limit"], "3");
        assert_eq!(r.headers()["ratelimit-remaining"], remaining);
    }
    let refused = v.get("/api/v1/organisations").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
    let (status, _) = app.visitor().page("/").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "pages are not limited by the API's count"
    );
}

/// Any site may read the API from a browser; nothing else opens up.
async fn any_site_may_read_from_a_browser(backend: Backend) {
    let app = spawn_app(backend).await;
    let v = app.visitor();
    let r = v
        .client
        .get(format!("{}/api/v1/organisations", app.base))
        .header("origin", "https://bao.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    let preflight = v
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/v1/pilots", app.base),
        )
        .header("origin", "https://bao.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        methods.contains("GET") && !methods.contains("POST"),
        "{methods}"
    );
    let page = v
        .client
        .get(format!("{}/challenges", app.base))
        .header("origin", "https://bao.example")
        .send()
        .await
        .unwrap();
    assert!(page.headers().get("access-control-allow-origin").is_none());
}

/// Answers are kept for a moment per instance: a change shows once the moment is over, every
/// request still counts towards the limit, and a client holding the data still gets 304.
async fn answers_are_kept_for_a_moment_and_still_counted_and_conditional(backend: Backend) {
    let app = spawn_app_with(
        backend,
        common::Options {
            demo_data: true,
            page_cache_ms: 60_000,
            ..Default::default()
        },
    )
    .await;
    let v = app.visitor();
    let get = async |path: &str, etag: Option<&str>| {
        let mut request = v.client.get(format!("{}{path}", app.base));
        if let Some(etag) = etag {
            request = request.header("if-none-match", etag);
        }
        request.send().await.unwrap()
    };
    let header = |r: &reqwest::Response, name: &str| r.headers()[name].to_str().unwrap().to_owned();
    let first = get("/api/v1/challenges", None).await;
    assert_eq!(first.status(), StatusCode::OK);
    let (etag, left) = (
        header(&first, "etag"),
        header(&first, "ratelimit-remaining"),
    );
    let body = first.text().await.unwrap();
    app.db
        .execute_unprepared(
            "UPDATE challenges SET title = title || ' (sửa)' WHERE status = 'published'",
        )
        .await
        .unwrap();
    let kept = get("/api/v1/challenges", None).await;
    assert_eq!(header(&kept, "etag"), etag);
    let left_now: u32 = header(&kept, "ratelimit-remaining").parse().unwrap();
    assert_eq!(
        left_now + 1,
        left.parse::<u32>().unwrap(),
        "counted all the same"
    );
    assert_eq!(kept.text().await.unwrap(), body, "kept for a moment");
    let unchanged = get("/api/v1/challenges", Some(&etag)).await;
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&unchanged, "etag"), etag);
    assert!(unchanged.bytes().await.unwrap().is_empty());
    // Another address is its own answer, read anew.
    let other = get("/api/v1/challenges?limit=50", Some(&etag)).await;
    assert_eq!(other.status(), StatusCode::OK);
    assert!(other.text().await.unwrap().contains("(sửa)"));
    // A refusal passes through as it is.
    let refused = get("/api/v1/challenges?limit=abc", None).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

on_both_databases!(
    answers_are_kept_for_a_moment_and_still_counted_and_conditional,
    every_endpoint_keeps_its_promised_shape_and_nothing_personal,
    paging_neither_loses_nor_repeats_while_rows_are_added,
    an_etag_saves_a_download_until_the_data_changes,
    csv_carries_vietnamese_and_matches_the_json,
    bad_requests_get_a_clear_translated_refusal,
    filters_narrow_the_lists,
    an_address_past_its_limit_is_told_when_to_come_back,
    any_site_may_read_from_a_browser,
);
