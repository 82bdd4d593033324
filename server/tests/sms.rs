//! Text messages through the real HTTP stack and a local server that speaks eSMS's API
//! (`sms_gateway.py`): a number proved by a code follows a report and is texted each decision
//! until it stops; failed sends are retried, never doubled; numbers that cannot receive are
//! given up; each number and the whole site have a daily cap; codes resist guessing.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::common;
use crate::common::{Backend, TestApp, Visitor};
use app::error::AppError;
use reqwest::StatusCode;
use server::config::{Secret, SmsConfig};

const API_KEY: &str = "khoa-api-thu";
const SECRET_KEY: &str = "bi-mat-thu";
const BRAND: &str = "PHUONG1";

struct Gateway {
    child: Child,
    out: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the eSMS-speaking server; it fails its first `fail_first` requests (`fail_with`:
/// HTTP 503, or eSMS's 103 "balance too low").
fn start_gateway(fail_first: u32, fail_with: &str) -> Gateway {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sms.jsonl");
    let mut child = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sms_gateway.py"))
        .args(["--port", "0", "--out", out.to_str().unwrap()])
        .args([
            "--api-key",
            API_KEY,
            "--secret-key",
            SECRET_KEY,
            "--brandname",
            BRAND,
        ])
        .args([
            "--fail-first",
            &fail_first.to_string(),
            "--fail-with",
            fail_with,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .strip_prefix("ready ")
        .and_then(|p| p.parse().ok())
        .expect("the SMS gateway did not start");
    Gateway {
        child,
        out,
        port,
        _dir: dir,
    }
}

impl Gateway {
    fn config(&self, per_day: u64) -> SmsConfig {
        SmsConfig {
            url: format!(
                "http://127.0.0.1:{}/MainService.svc/json/SendMultipleMessage_V4_post_json/",
                self.port
            ),
            api_key: API_KEY.into(),
            secret_key: Secret::new(SECRET_KEY.into()),
            brandname: BRAND.into(),
            sandbox: false,
            per_day,
        }
    }

    /// What the gateway took, in order.
    fn taken(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits (up to fifteen seconds) until the gateway took `n` messages.
    async fn wait_for(&self, n: usize, what: &str) -> Vec<serde_json::Value> {
        for _ in 0..150 {
            let taken = self.taken();
            if taken.len() >= n {
                return taken;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{what}: the gateway took {:?}", self.taken());
    }
}

async fn with_gateway(backend: Backend, gateway: &Gateway, per_day: u64) -> TestApp {
    common::spawn_app_with(
        backend,
        common::Options {
            sms: Some(gateway.config(per_day)),
            trust_proxy: true,
            ..Default::default()
        },
    )
    .await
}

/// Makes every waiting message due now instead of after its back-off.
async fn due_now(app: &TestApp) {
    use sea_orm::ConnectionTrait;
    app.db
        .execute_raw(app::sql::numbered(
            app.db.get_database_backend(),
            "UPDATE sms_outbox SET next_attempt_at = ?1",
            [chrono::Utc::now().into()],
        ))
        .await
        .unwrap();
}

fn code_in(content: &serde_json::Value) -> String {
    common::one_time_code_in(content["content"].as_str().unwrap()).expect("a code in the message")
}

async fn filed(app: &TestApp) -> (String, Visitor) {
    let author = app.citizen("ba.tu@example.vn").await;
    let (org, staff) = app.org_with_staff("Phường 1", "canbo@p1.vn").await;
    let answer = author
        .file_report(org, "hang-cho.png", common::tiny_png())
        .await;
    let id = answer.location().trim_start_matches("/reports/").to_owned();
    (id, staff)
}

async fn a_number_proved_by_a_code_follows_a_report_by_sms(backend: Backend) {
    // The gateway is down for the first try.
    let gateway = start_gateway(1, "503");
    let app = with_gateway(backend, &gateway, 100).await;
    let (id, staff) = filed(&app).await;
    let ba = app.visitor_from("198.51.100.7");

    // Not a Vietnamese mobile number: refused, in words, and nothing is sent.
    for wrong in ["0241 234 5678", "+1 415 555 0100", "0912-345"] {
        let refused = ba
            .call("reports/sms", &[("report_id", &id), ("phone", wrong)])
            .await;
        assert_eq!(refused.invalid_fields(), ["phone"], "{wrong}");
    }
    let (_, page) = app.visitor().page(&format!("/reports/{id}")).await;
    assert!(
        page.contains(r#"id="field-sms-stop-phone""#) && page.contains(r#"id="field-sms-phone""#),
        "an open report is followed and stopped on its page"
    );
    let asked = ba
        .call(
            "reports/sms",
            &[("report_id", &id), ("phone", "84-912-345-678")],
        )
        .await;
    assert_eq!(asked.json::<String>(), "0912 345 678");

    // The first try fails and waits; the retry is taken once.
    app.wait_until(
        "SELECT COUNT(*) FROM sms_outbox WHERE attempts >= 1",
        "the SMS worker never tried",
    )
    .await;
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM sms_outbox WHERE sent_at IS NULL AND last_error LIKE '%503%'"
        )
        .await,
        1
    );
    assert!(gateway.taken().is_empty());
    due_now(&app).await;
    let taken = gateway.wait_for(1, "the code").await;
    assert_eq!(taken[0]["phone"], "0912345678");
    assert_eq!(taken[0]["unicode"], "1");
    let content = taken[0]["content"].as_str().unwrap();
    assert!(content.contains(&format!("phản ánh số {id}")), "{content}");
    let receipt = app
        .text(&format!("SELECT receipt_code FROM reports WHERE id = {id}"))
        .await;
    assert!(
        !content.contains(&receipt),
        "the receipt is its author's: {content}"
    );
    let code = code_in(&taken[0]);

    // A wrong code is refused; the right one, the number written another way, follows.
    let wrong = ba
        .call(
            "reports/sms_confirm",
            &[
                ("report_id", &id),
                ("phone", "0912345678"),
                ("code", "00000000"),
            ],
        )
        .await;
    assert_eq!(wrong.invalid_fields(), ["code"]);
    let follows = ba
        .call(
            "reports/sms_confirm",
            &[
                ("report_id", &id),
                ("phone", "+84 912 345 678"),
                ("code", &code),
            ],
        )
        .await;
    assert!(follows.json::<bool>());
    let again = ba
        .call(
            "reports/sms_confirm",
            &[("report_id", &id), ("phone", "0912345678"), ("code", &code)],
        )
        .await;
    assert_eq!(again.invalid_fields(), ["code"], "a code is used once");

    // Staff acknowledge, then answer: each decision reaches the phone, in its language.
    for (decision, text, n, says) in [
        ("acknowledge", "", 2, "Đã tiếp nhận"),
        (
            "answer",
            "Từ tháng sau phường mở thêm một quầy.",
            3,
            "Đã trả lời",
        ),
    ] {
        staff
            .call(
                "reports/triage",
                &[("id", id.as_str()), ("decision", decision), ("text", text)],
            )
            .await
            .ok();
        let taken = gateway.wait_for(n, decision).await;
        let content = taken[n - 1]["content"].as_str().unwrap();
        assert!(
            content.contains(says) && content.contains(&format!("/reports/{id}")),
            "{content}"
        );
        assert_eq!(taken[n - 1]["phone"], "0912345678");
    }
    // Every message went once, each with its own request id.
    let ids: std::collections::BTreeSet<String> = gateway
        .taken()
        .iter()
        .map(|m| m["request_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 3);

    // An answered report has nothing more to tell: its page offers no following now, only
    // stopping (it texts its followers again if it reopens)…
    let (_, page) = app.visitor().page(&format!("/reports/{id}")).await;
    assert!(
        page.contains(r#"id="field-sms-stop-phone""#) && !page.contains(r#"id="field-sms-phone""#),
        "{page}"
    );
    // …and it cannot be followed by any other route either…
    let closed = app
        .visitor_from("198.51.100.8")
        .call(
            "reports/sms",
            &[("report_id", &id), ("phone", "0987 654 321")],
        )
        .await;
    assert!(
        matches!(closed.error(), AppError::Conflict { key, .. } if key == "error.report_closed_for_sms")
    );
    // …and the number stops its messages the same way it started them.
    ba.call(
        "reports/sms",
        &[
            ("report_id", &id),
            ("phone", "0912 345 678"),
            ("stop", "true"),
        ],
    )
    .await
    .ok();
    let taken = gateway.wait_for(4, "the stop code").await;
    let stop = code_in(&taken[3]);
    let stopped = ba
        .call(
            "reports/sms_confirm",
            &[
                ("report_id", &id),
                ("phone", "0912 345 678"),
                ("code", &stop),
            ],
        )
        .await;
    assert!(!stopped.json::<bool>());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM report_sms_followers")
            .await,
        0
    );
    // The development SMS page is not there when a gateway sends.
    assert_eq!(ba.call("dev/sms", &[]).await.status, StatusCode::NOT_FOUND);
}

async fn numbers_that_cannot_receive_are_given_up_and_each_day_has_a_cap(backend: Backend) {
    let gateway = start_gateway(0, "503");
    // The site may send four messages a day, three of them codes.
    let app = with_gateway(backend, &gateway, 4).await;
    let (id, _) = filed(&app).await;
    let ask = |ip: &str, phone: &'static str| {
        let id = id.clone();
        let v = app.visitor_from(ip);
        async move {
            v.call(
                "reports/sms",
                &[("report_id", id.as_str()), ("phone", phone)],
            )
            .await
        }
    };
    // A number no network knows (the gateway answers 108) is given up at once, not retried.
    ask("198.51.100.20", "0999 123 456").await.ok();
    app.wait_until(
        "SELECT COUNT(*) FROM sms_outbox WHERE gave_up_at IS NOT NULL",
        "the message was not given up",
    )
    .await;
    assert_eq!(
        app.scalar(
            "SELECT CAST(attempts AS BIGINT) FROM sms_outbox WHERE to_phone = '+84999123456'"
        )
        .await,
        1
    );
    // Four numbers ask; three codes go today, the fourth waits for tomorrow.
    for phone in [
        "0912 000 001",
        "0912 000 002",
        "0912 000 003",
        "0912 000 004",
    ] {
        ask("198.51.100.21", phone).await.ok();
    }
    gateway.wait_for(3, "three codes").await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        gateway.taken().len(),
        3,
        "the codes' share of the day holds"
    );
    // What people wait for has the rest of the day: an answer still goes, the code still waits.
    assert!(
        app::sms::service::enqueue(&app.db, "+84912000005", "report_update", "Đã trả lời")
            .await
            .unwrap()
    );
    let taken = gateway.wait_for(4, "the answer").await;
    assert_eq!(taken[3]["content"], "Đã trả lời");
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(gateway.taken().len(), 4, "the day's cap holds");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sms_outbox WHERE sent_at IS NULL AND gave_up_at IS NULL")
            .await,
        1
    );
    // Still waiting when its code stops working (fifteen minutes on), the code's text is given
    // up, never sent late.
    {
        use sea_orm::ConnectionTrait;
        app.db
            .execute_raw(app::sql::numbered(
                app.db.get_database_backend(),
                "UPDATE sms_outbox SET expires_at = ?1 WHERE sent_at IS NULL AND gave_up_at IS NULL",
                [(chrono::Utc::now() - chrono::Duration::minutes(1)).into()],
            ))
            .await
            .unwrap();
    }
    let claimed = app::sms::service::claim_due(&app.db, 10, 10).await.unwrap();
    assert!(claimed.is_empty(), "{claimed:?}");
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM sms_outbox WHERE to_phone = '+84912000004' \
             AND gave_up_at IS NOT NULL AND last_error LIKE '%expired%'"
        )
        .await,
        1
    );

    // One number is sent at most three codes a day, whoever asks: the fourth is refused, and
    // the code already sent still works (and the number's day of updates is untouched).
    let mut refused = 0;
    for i in 0..4 {
        let answer = ask(&format!("198.51.100.{}", 30 + i), "0912 000 009").await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    assert_eq!(refused, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM sms_outbox WHERE to_phone = '+84912000009'")
            .await,
        3
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM phone_codes WHERE phone = '+84912000009' AND used_at IS NULL"
        )
        .await,
        1
    );
}

/// Guesses while no code is open lock nobody out; fifty wrong guesses at a code sent at once use
/// up the number's day (ten): the right code is refused after them, and no guess slipped past.
async fn codes_sent_by_sms_cannot_be_guessed(backend: Backend) {
    let app = common::spawn_app_with(
        backend,
        common::Options {
            trust_proxy: true,
            ..Default::default()
        },
    )
    .await;
    let (id, _) = filed(&app).await;
    let v = app.visitor_from("198.51.100.50");
    for i in 0..12 {
        let early = app
            .visitor_from(&format!("203.0.113.{}", 100 + i))
            .call(
                "reports/sms_confirm",
                &[
                    ("report_id", id.as_str()),
                    ("phone", "0912111222"),
                    ("code", "11111111"),
                ],
            )
            .await;
        assert_eq!(early.invalid_fields(), ["code"]);
    }
    v.call(
        "reports/sms",
        &[("report_id", &id), ("phone", "0912 111 222")],
    )
    .await
    .ok();
    // Without a gateway, in development, the SMS page shows what would have been sent.
    let shown: Vec<app::sms::model::SmsMessage> = v.call("dev/sms", &[]).await.json();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].to_phone, "0912 111 222");
    let code = common::one_time_code_in(&shown[0].body).unwrap();
    let guesses = (0..51)
        .filter(|i| format!("{i:08}") != code)
        .take(50)
        .map(|i| {
            let v = app.visitor_from(&format!("203.0.113.{}", i % 5));
            let id = id.clone();
            async move {
                v.call(
                    "reports/sms_confirm",
                    &[
                        ("report_id", id.as_str()),
                        ("phone", "0912111222"),
                        ("code", &format!("{:08}", i)),
                    ],
                )
                .await
                .status
            }
        });
    let answers = futures_util::future::join_all(guesses).await;
    assert!(answers.iter().all(|s| !s.is_success()), "{answers:?}");
    let right = v
        .call(
            "reports/sms_confirm",
            &[("report_id", &id), ("phone", "0912111222"), ("code", &code)],
        )
        .await;
    assert_eq!(
        right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        right.body
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM report_sms_followers")
            .await,
        0
    );
}

/// A message the gateway refused goes again under a new request id: once the account can send
/// (a balance that ran out, 103), or at its next try (a plain refusal, 300). The gateway
/// remembers the ids it has seen, and would call the old one taken ("124") though it never sent
/// it.
async fn a_refused_message_goes_again_under_a_new_request_id(backend: Backend) {
    for refusal in ["103", "300"] {
        let gateway = start_gateway(1, refusal);
        let app = with_gateway(backend, &gateway, 100).await;
        let (id, _) = filed(&app).await;
        app.visitor_from("198.51.100.60")
            .call(
                "reports/sms",
                &[("report_id", &id), ("phone", "0912 345 600")],
            )
            .await
            .ok();
        app.wait_until(
            &format!("SELECT COUNT(*) FROM sms_outbox WHERE last_error LIKE '%{refusal}%'"),
            "the gateway never refused",
        )
        .await;
        due_now(&app).await;
        gateway
            .wait_for(1, &format!("the code, after {refusal}"))
            .await;
        // The worker writes down what the gateway answered a moment after the gateway took it.
        app.wait_until(
            "SELECT COUNT(*) FROM sms_outbox WHERE sent_at IS NOT NULL AND provider_id IS NOT NULL",
            "taken by the gateway, with its id, not mistaken for taken",
        )
        .await;
    }
}

/// A worker sends only what it still holds: its claim is renewed before each message, and a
/// message another instance took after the claim ran out (a batch slowed by a gateway taking
/// its whole timeout each time) is let go.
async fn a_worker_sends_only_what_it_still_holds(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = common::spawn_app_with(
        backend,
        common::Options {
            trust_proxy: true,
            ..Default::default()
        },
    )
    .await;
    let (id, _) = filed(&app).await;
    app.visitor_from("198.51.100.61")
        .call(
            "reports/sms",
            &[("report_id", &id), ("phone", "0912 345 601")],
        )
        .await
        .ok();
    let mut mine = app::sms::service::claim_due(&app.db, 10, 10).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(
        app::sms::service::claim_due(&app.db, 10, 10)
            .await
            .unwrap()
            .is_empty(),
        "claimed once"
    );
    assert!(
        app::sql::renew_outbox_claim(&app.db, &mut mine[0])
            .await
            .unwrap()
    );
    // The claim runs out; another instance takes the message.
    app.db
        .execute_raw(app::sql::numbered(
            app.db.get_database_backend(),
            "UPDATE sms_outbox SET locked_until = ?1",
            [(chrono::Utc::now() - chrono::Duration::seconds(1)).into()],
        ))
        .await
        .unwrap();
    let mut theirs = app::sms::service::claim_due(&app.db, 10, 10).await.unwrap();
    assert_eq!(theirs.len(), 1);
    assert!(
        !app::sql::renew_outbox_claim(&app.db, &mut mine[0])
            .await
            .unwrap(),
        "let go"
    );
    assert!(
        app::sql::renew_outbox_claim(&app.db, &mut theirs[0])
            .await
            .unwrap()
    );
    // The same for email (with no mail server, the citizens' codes wait in the outbox).
    let mails = app::mail::service::claim_due(&app.db, 50).await.unwrap();
    let mut mail = mails.into_iter().next().expect("a citizen's code, unsent");
    {
        assert!(
            app::sql::renew_outbox_claim(&app.db, &mut mail)
                .await
                .unwrap()
        );
        app.db
            .execute_raw(app::sql::numbered(
                app.db.get_database_backend(),
                "UPDATE outbox SET locked_until = ?1 WHERE id = ?2",
                [chrono::Utc::now().into(), mail.id.into()],
            ))
            .await
            .unwrap();
        assert!(
            !app::sql::renew_outbox_claim(&app.db, &mut mail)
                .await
                .unwrap()
        );
    }
}

/// Someone asking for a stop code to a number at the moment its holder confirms a follow code
/// changes nothing: the follow code follows, the stop code stops.
async fn a_stop_code_asked_meanwhile_does_not_change_a_follow_code(backend: Backend) {
    let app = common::spawn_app_with(
        backend,
        common::Options {
            trust_proxy: true,
            ..Default::default()
        },
    )
    .await;
    let (id, _) = filed(&app).await;
    let holder = app.visitor_from("198.51.100.62");
    holder
        .call(
            "reports/sms",
            &[("report_id", &id), ("phone", "0912 345 602")],
        )
        .await
        .ok();
    app.visitor_from("203.0.113.62")
        .call(
            "reports/sms",
            &[
                ("report_id", &id),
                ("phone", "0912345602"),
                ("stop", "true"),
            ],
        )
        .await
        .ok();
    let shown: Vec<app::sms::model::SmsMessage> = holder.call("dev/sms", &[]).await.json();
    assert_eq!(shown.len(), 2);
    let (stop, follow) = (
        common::one_time_code_in(&shown[0].body).unwrap(),
        common::one_time_code_in(&shown[1].body).unwrap(),
    );
    let confirm = |code: String| {
        let (holder, id) = (&holder, id.clone());
        async move {
            holder
                .call(
                    "reports/sms_confirm",
                    &[
                        ("report_id", id.as_str()),
                        ("phone", "0912 345 602"),
                        ("code", code.as_str()),
                    ],
                )
                .await
                .json::<bool>()
        }
    };
    assert!(confirm(follow).await, "the follow code follows");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM report_sms_followers")
            .await,
        1
    );
    assert!(!confirm(stop).await, "the stop code stops");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM report_sms_followers")
            .await,
        0
    );

    // Without the page's code (an old phone, a slow line): each step comes back to the report,
    // which says where the code went, opens the step that takes it with the number filled in,
    // and says what the code did.
    let page = format!("/reports/{id}");
    let plain = app.visitor_from("198.51.100.63");
    let sent = plain
        .post_from_page(
            &page,
            "reports/sms",
            &[("report_id", id.as_str()), ("phone", "0912 345 603")],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::FOUND);
    let back = sent.headers()["location"].to_str().unwrap().to_owned();
    // The number's last digits only: the whole number stays out of addresses and logs.
    assert_eq!(back, format!("{page}?sms_sent=603#sms-heading"));
    let (_, html) = plain.page(&back).await;
    assert!(
        html.contains("Đã gửi mã tới 0••• ••• 603")
            && html.contains(r#"<details open class="sms-step">"#),
        "{html}"
    );
    let shown: Vec<app::sms::model::SmsMessage> = plain.call("dev/sms", &[]).await.json();
    let code = common::one_time_code_in(&shown[0].body).unwrap();
    let confirmed = plain
        .post_from_page(
            &back,
            "reports/sms_confirm",
            &[
                ("report_id", id.as_str()),
                ("phone", "0912 345 603"),
                ("code", code.as_str()),
            ],
        )
        .await;
    let back = confirmed.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(back, format!("{page}?sms=following#sms-heading"));
    let (_, html) = plain.page(&back).await;
    assert!(
        html.contains("Đã đăng ký: số này sẽ nhận tin nhắn"),
        "{html}"
    );
    // A made-up link cannot make the page say that a code went anywhere but a mobile number.
    let (_, html) = plain
        .page(&format!(
            "{page}?sms_sent=G%E1%BB%8Di%201900%201234%20%C4%91%E1%BB%83%20nh%E1%BA%ADn%20m%C3%A3"
        ))
        .await;
    assert!(
        !html.contains("Đã gửi mã tới") && !html.contains("1900 1234"),
        "{html}"
    );
}

on_both_databases!(
    a_refused_message_goes_again_under_a_new_request_id,
    a_worker_sends_only_what_it_still_holds,
    a_stop_code_asked_meanwhile_does_not_change_a_follow_code,
    a_number_proved_by_a_code_follows_a_report_by_sms,
    numbers_that_cannot_receive_are_given_up_and_each_day_has_a_cap,
    codes_sent_by_sms_cannot_be_guessed,
);
