//! The drills a city's IT team would run before trusting its backups and its power supply.
//!
//! A backup taken while votes and uploads arrive is put back into a fresh place, a second
//! server starts on it, and everything acknowledged before the backup began is there, every
//! file with its content. And a server killed outright (SIGKILL) in the middle of a vote rush
//! starts again with every vote it acknowledged, none twice, on SQLite and PostgreSQL.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::common::{self, Backend, Options, spawn_app, spawn_app_with};
use reqwest::StatusCode;

/// A small PNG whose bytes (and so its stored name) differ with `n`.
fn numbered_png(n: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = vec![0u8; 13];
    header[..4].copy_from_slice(&(n + 1).to_be_bytes());
    header[4..8].copy_from_slice(&1u32.to_be_bytes());
    for (kind, data) in [(b"IHDR", header), (b"IEND", vec![])] {
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(kind);
        png.extend(&data);
        png.extend([0, 0, 0, 0]);
    }
    png
}

/// What the server acknowledged: votes (voter's email, entry id) and reports (id, the bytes of
/// the photo as served back then).
#[derive(Default, Clone)]
struct Acknowledged {
    votes: Vec<(String, String)>,
    reports: BTreeMap<i64, Vec<u8>>,
}

/// A backup taken while people vote and file reports with photos, put back into a new place:
/// a second server on it holds every vote and report acknowledged before the backup began, and
/// serves every photo with the bytes it was served with; nothing in it was never acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_votes_and_uploads_arrive_restores_whole() {
    common::within_limit(async {
        let app = spawn_app(Backend::Sqlite).await;
        let contest = app.contest(3, Some(chrono::Duration::days(2))).await;
        let slug = app
            .text(&format!(
                "SELECT slug FROM challenges WHERE id = {}",
                contest.challenge
            ))
            .await;
        let entries: Vec<String> = {
            let mut ids = Vec::new();
            for (team, _) in &contest.teams {
                ids.push(
                    app.scalar(&format!("SELECT id FROM entries WHERE team_id = {team}"))
                        .await
                        .to_string(),
                );
            }
            ids
        };
        let (org, _) = app.org_with_staff("Phường 2", "canbo@p2.vn").await;
        let mut voters = Vec::new();
        for i in 0..24 {
            let email = format!("cu-tri{i}@example.vn");
            voters.push((email.clone(), app.citizen(&email).await));
        }
        let mut reporters = Vec::new();
        for i in 0..3 {
            reporters.push(app.citizen(&format!("phan-anh{i}@example.vn")).await);
        }
        let seen = Arc::new(Mutex::new(Acknowledged::default()));

        // The traffic: voters vote one after another, reporters file reports with photos.
        let voting = {
            let (seen, entries) = (seen.clone(), entries.clone());
            tokio::spawn(async move {
                for (i, (email, voter)) in voters.into_iter().enumerate() {
                    let entry = &entries[i % entries.len()];
                    let answer = voter.call("votes/cast", &[("entry_id", entry)]).await;
                    if answer.status.is_success() || answer.status.is_redirection() {
                        seen.lock().unwrap().votes.push((email, entry.clone()));
                    }
                }
            })
        };
        let filing = {
            let seen = seen.clone();
            tokio::spawn(async move {
                for round in 0..3u32 {
                    for (i, reporter) in reporters.iter().enumerate() {
                        let n = round * 10 + i as u32;
                        let photo = numbered_png(n);
                        let filed = reporter
                            .file_report(org, &format!("anh-{n}.png"), photo)
                            .await;
                        if let Some(id) = filed
                            .location()
                            .strip_prefix("/reports/")
                            .and_then(|id| id.parse::<i64>().ok())
                        {
                            seen.lock().unwrap().reports.insert(id, Vec::new());
                        }
                    }
                }
            })
        };
        // Once some of each is acknowledged, the backup, as `vidan backup` takes it.
        loop {
            let now = seen.lock().unwrap().clone();
            if now.votes.len() >= 6 && now.reports.len() >= 2 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let before = seen.lock().unwrap().clone();
        let backup = tempfile::tempdir().unwrap();
        let folder = backup.path().join("sao-luu");
        let manifest = server::backups::backup(&app.db, Some(&app.files_dir()), &folder)
            .await
            .expect("the backup");
        voting.await.unwrap();
        filing.await.unwrap();
        let after = seen.lock().unwrap().clone();
        assert!(
            after.votes.len() > before.votes.len() || after.reports.len() > before.reports.len(),
            "the traffic went on after the backup began"
        );
        assert!(manifest.files >= before.reports.len(), "{manifest:?}");

        // Put back into a fresh place; a second server starts on it.
        let fresh = tempfile::tempdir().unwrap();
        let database = fresh.path().join("vidan.db");
        let files = fresh.path().join("files");
        let restored = restore(&folder, &database, &files, false)
            .await
            .expect("the restore");
        assert!(restored.set_aside.is_none());
        let second = spawn_app_with(
            Backend::Sqlite,
            Options {
                sqlite_at: Some((database.clone(), files.clone())),
                ..Default::default()
            },
        )
        .await;
        // Every vote acknowledged before the backup is there; nothing never acknowledged is.
        let mut held = Vec::new();
        for row in 0..second.scalar("SELECT COUNT(*) FROM votes").await {
            held.push((
                second
                    .text(&format!(
                        "SELECT u.email FROM votes v JOIN users u ON u.id = v.user_id \
                         ORDER BY v.id LIMIT 1 OFFSET {row}"
                    ))
                    .await,
                second
                    .scalar(&format!(
                        "SELECT entry_id FROM votes ORDER BY id LIMIT 1 OFFSET {row}"
                    ))
                    .await
                    .to_string(),
            ));
        }
        for vote in &before.votes {
            assert!(
                held.contains(vote),
                "{vote:?} was acknowledged before the backup"
            );
        }
        for vote in &held {
            assert!(
                after.votes.contains(vote),
                "{vote:?} was never acknowledged"
            );
        }
        // Every report acknowledged before it is there, its photo served as the first server
        // serves it; the restored server counts the same voters the first counted for them.
        let visitor = second.visitor();
        for id in before.reports.keys() {
            let photo = second
                .scalar(&format!("SELECT photo_id FROM reports WHERE id = {id}"))
                .await;
            let first = app
                .visitor()
                .get(&format!("/files/{photo}/anh.png"))
                .await
                .bytes()
                .await
                .unwrap();
            let restored = visitor.get(&format!("/files/{photo}/anh.png")).await;
            assert_eq!(restored.status(), StatusCode::OK, "report {id}'s photo");
            assert_eq!(
                restored.bytes().await.unwrap(),
                first,
                "report {id}'s photo"
            );
        }
        let reports = second.scalar("SELECT COUNT(*) FROM reports").await as usize;
        assert!(
            (before.reports.len()..=after.reports.len()).contains(&reports),
            "{reports} reports"
        );
        let page = visitor.get(&format!("/challenges/{slug}/entries")).await;
        assert_eq!(page.status(), StatusCode::OK);
        // Nothing is restored under a running server, even when told to replace.
        let refused = restore(&folder, &database, &files, true)
            .await
            .unwrap_err()
            .to_string();
        assert!(refused.contains("a server is running"), "{refused}");
        // Stopped, it is still not restored over without being told.
        second.stop().await;
        let refused = restore(&folder, &database, &files, false)
            .await
            .unwrap_err()
            .to_string();
        assert!(refused.contains("--replace"), "{refused}");
    })
    .await
}

/// Restoring over a site whose server has stopped: the database that was there is set aside
/// whole, with the write-ahead log that holds its latest writes, and what is put back belongs to
/// the owner of the site's folder (the service's user) when root restores it. A server cannot
/// start on the database while a restore holds it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_sets_the_old_database_aside_whole_and_gives_the_site_its_owner() {
    use std::os::unix::fs::MetadataExt;
    common::within_limit(async {
        // A backup of one site, with a photo.
        let (first, _backup, folder) = backed_up_site().await;
        // The site it goes back to, whose latest writes are still in its log.
        let place = tempfile::tempdir().unwrap();
        let (database, files) = (place.path().join("vidan.db"), place.path().join("files"));
        let site = spawn_app_with(
            Backend::Sqlite,
            Options {
                sqlite_at: Some((database.clone(), files.clone())),
                ..Default::default()
            },
        )
        .await;
        site.citizen("hoa@example.vn").await;
        site.stop().await;
        let wal = place.path().join("vidan.db-wal");
        assert!(
            std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 0,
            "the site's latest writes are in its log"
        );
        // The service's user owns the site's folders (root restores).
        let root = effective_uid() == 0;
        if root {
            for folder in [place.path(), files.as_path()] {
                std::os::unix::fs::chown(folder, Some(65534), Some(65534)).unwrap();
            }
        }
        let restored = restore(&folder, &database, &files, true)
            .await
            .expect("the restore");
        let aside = restored.set_aside.expect("the old database set aside");
        let mut aside_wal = aside.clone().into_os_string();
        aside_wal.push("-wal");
        assert!(
            std::path::Path::new(&aside_wal).exists(),
            "its log went with it"
        );
        assert!(
            !wal.exists(),
            "the restored database starts without the old log"
        );
        // The old database, opened where it was set aside, still has its latest writes.
        let old = sea_orm::Database::connect(format!("sqlite://{}?mode=ro", aside.display()))
            .await
            .unwrap();
        let row = {
            use sea_orm::{ConnectionTrait, Statement};
            old.query_one_raw(Statement::from_string(
                old.get_database_backend(),
                "SELECT COUNT(*) AS n FROM users WHERE email = 'hoa@example.vn'",
            ))
            .await
            .unwrap()
            .unwrap()
        };
        assert_eq!(row.try_get::<i64>("", "n").unwrap(), 1);
        if root {
            let sha = first.text("SELECT sha256 FROM uploads LIMIT 1").await;
            for put_back in [
                database.clone(),
                files.join(&sha[..2]).join(&sha),
                files.join(&sha[..2]),
            ] {
                let meta = std::fs::metadata(&put_back).unwrap();
                assert_eq!(
                    (meta.uid(), meta.gid()),
                    (65534, 65534),
                    "{}",
                    put_back.display()
                );
            }
        } else {
            eprintln!("not root: who owns what a restore puts back is not tried");
        }
        // While a restore holds the database, no server starts on it.
        let held = server::db::nobody_serving(&database).unwrap();
        let url = format!("sqlite://{}?mode=rwc", database.display());
        let config = server::Config::from_vars(&|name| match name {
            "DATABASE_URL" => Some(url.clone()),
            "VIDAN_ENV" => Some("development".into()),
            "VIDAN_ADDR" => Some("127.0.0.1:0".into()),
            _ => None,
        })
        .unwrap();
        let refused = server::Application::build(config)
            .await
            .err()
            .unwrap()
            .to_string();
        assert!(refused.contains("being restored"), "{refused}");
        drop(held);
        // The restored site serves the backup.
        let again = spawn_app_with(
            Backend::Sqlite,
            Options {
                sqlite_at: Some((database.clone(), files.clone())),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(
            again
                .scalar(
                    "SELECT COUNT(*) FROM users WHERE email IN ('lan@example.vn', 'hoa@example.vn')"
                )
                .await,
            1,
            "the backup's people, not the old site's"
        );
    })
    .await
}

/// Puts the backup in `folder` back into `database` and `files`.
async fn restore(
    folder: &std::path::Path,
    database: &std::path::Path,
    files: &std::path::Path,
    replace: bool,
) -> anyhow::Result<server::backups::Restored> {
    server::backups::restore(
        folder,
        server::backups::Destination {
            database,
            files_dir: files,
            replace,
        },
    )
    .await
}

/// A site with one report and its photo, and a backup of it in the folder returned (the
/// temporary folder holding it goes with it).
async fn backed_up_site() -> (common::TestApp, tempfile::TempDir, std::path::PathBuf) {
    let app = spawn_app(Backend::Sqlite).await;
    let citizen = app.citizen("lan@example.vn").await;
    app.report_with_photo(&citizen).await;
    let backup = tempfile::tempdir().unwrap();
    let folder = backup.path().join("sao-luu");
    server::backups::backup(&app.db, Some(&app.files_dir()), &folder)
        .await
        .unwrap();
    (app, backup, folder)
}

/// The effective user id, read from what this process owns.
fn effective_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(u32::MAX)
}

/// A backup missing a file, or holding one changed, is refused before anything is touched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_missing_a_file_is_refused_before_anything_is_touched() {
    common::within_limit(async {
        let (app, _backup, folder) = backed_up_site().await;
        let sha = app.text("SELECT sha256 FROM uploads LIMIT 1").await;
        let file = folder.join("files").join(&sha[..2]).join(&sha);
        std::fs::write(&file, b"changed").unwrap();
        let fresh = tempfile::tempdir().unwrap();
        let database = fresh.path().join("vidan.db");
        let refused = restore(&folder, &database, &fresh.path().join("files"), false)
            .await
            .unwrap_err()
            .to_string();
        assert!(refused.contains("lacks 1 of its 1 files"), "{refused}");
        assert!(!database.exists(), "nothing was put back");
    })
    .await
}

/// The real server, as `vidan serve` runs it, on `database_url`; killed with SIGKILL when dropped.
struct Running {
    child: std::process::Child,
    base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `vidan serve` on `app`'s database, on a port the system gives it (read from its
/// "listening" line: a port picked here and handed over could be taken meanwhile by another
/// test's server, which would then answer in its place).
async fn start_vidan(app: &common::TestApp) -> Running {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_vidan"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("VIDAN_ENV", "development")
        .env("VIDAN_DEMO_DATA", "false")
        .env("DATABASE_URL", &app.database_url)
        .env("VIDAN_ADDR", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", app.site_dir())
        .env("VIDAN_FILES_DIR", app.files_dir())
        .env("RUST_LOG", "error,vidan=info")
        .env("NO_COLOR", "1")
        // Voters come from many networks, as on a vote night: each says its own address.
        .env("VIDAN_TRUST_PROXY", "true")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the vidan binary");
    let stdout = child.stdout.take().expect("its output");
    let (told, port) = std::sync::mpsc::channel();
    // Read to the end, so that the server never waits on a full pipe.
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(rest) = line.split("listening on http://127.0.0.1:").nth(1) {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let _ = told.send(digits);
            }
        }
    });
    let port =
        tokio::task::spawn_blocking(move || port.recv_timeout(std::time::Duration::from_secs(30)))
            .await
            .unwrap()
            .expect("vidan said where it listens");
    let running = Running {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(answer) = client.get(format!("{}/health", running.base)).send().await
            && answer.status() == StatusCode::OK
        {
            return running;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("vidan did not answer on port {port}");
}

/// Casts the rush voter `i`'s vote for `entry` at `base`: whether the server acknowledged it.
async fn cast(base: &str, i: usize, entry: i64) -> bool {
    matches!(cast_answer(base, i, entry).await, Some(answer) if answer == "counted")
}

/// What the server answered the rush voter `i`'s vote: "counted", or the error the page is
/// sent back with; none when the connection failed.
async fn cast_answer(base: &str, i: usize, entry: i64) -> Option<String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = client
        .post(format!("{base}/api/votes/cast"))
        .header(
            "cookie",
            format!("vidan_session={}", app::demo::large::voter_token(i)),
        )
        .header("accept", "application/json")
        .header("x-forwarded-for", format!("10.{}.{}.1", i / 250, i % 250))
        .form(&[("entry_id", entry.to_string())])
        .send()
        .await
        .ok()?;
    let status = answer.status();
    let body = answer.text().await.unwrap_or_default();
    Some(if status.is_success() {
        "counted".to_owned()
    } else {
        format!("{status} {}", body.chars().take(160).collect::<String>())
    })
}

/// A server killed outright (SIGKILL, as a power cut) in the middle of a vote rush starts again
/// with every vote it acknowledged, and none twice: voters who got no answer vote again and are
/// counted once.
async fn a_server_killed_in_a_vote_rush_keeps_every_vote_it_acknowledged(backend: Backend) {
    use app::demo::large::{Scale, seed};
    let app = common::spawn_demo(backend).await;
    let scale = Scale {
        citizens: 500,
        rush_voters: 500,
        ..Scale::tiny()
    };
    let made = seed(&app.db, &scale).await.expect("the voters");
    let rush = made.rush.clone();
    let challenge = app
        .scalar(&format!(
            "SELECT id FROM challenges WHERE slug = '{}'",
            rush.slug
        ))
        .await;
    let server = start_vidan(&app).await;
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let slots = Arc::new(tokio::sync::Semaphore::new(32));
    let mut rush_calls = tokio::task::JoinSet::new();
    for i in 0..rush.voters {
        let (base, acknowledged, slots) =
            (server.base.clone(), acknowledged.clone(), slots.clone());
        let entry = rush.entry_ids[i % rush.entry_ids.len()];
        rush_calls.spawn(async move {
            let _slot = slots.acquire_owned().await.unwrap();
            if cast(&base, i, entry).await {
                acknowledged.lock().unwrap().push(i);
            }
        });
    }
    // The power goes once a third of the voters have been answered.
    while acknowledged.lock().unwrap().len() < rush.voters / 3 {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    drop(server);
    while rush_calls.join_next().await.is_some() {}
    let acked: Vec<usize> = acknowledged.lock().unwrap().clone();
    assert!(acked.len() < rush.voters, "the rush was cut short");

    // Back on: every acknowledged vote is there, once.
    let server = start_vidan(&app).await;
    let votes_of = |i: usize| {
        let app = &app;
        async move {
            app.scalar(&format!(
                "SELECT COUNT(*) FROM votes WHERE challenge_id = {challenge} AND user_id = \
                 (SELECT user_id FROM sessions WHERE id = '{}')",
                app::token::sha256_hex(&app::demo::large::voter_token(i))
            ))
            .await
        }
    };
    for &i in &acked {
        assert_eq!(votes_of(i).await, 1, "voter {i} was told the vote counted");
    }
    let counted = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM votes WHERE challenge_id = {challenge}"
        ))
        .await as usize;
    assert!(
        (acked.len()..=rush.voters).contains(&counted),
        "{counted} votes for {} acknowledged",
        acked.len()
    );
    // Everyone votes again (those who heard nothing, and those who did): each counts once.
    for i in 0..rush.voters {
        let answer = cast_answer(&server.base, i, rush.entry_ids[i % rush.entry_ids.len()]).await;
        assert_eq!(answer.as_deref(), Some("counted"), "voter {i} voting again");
    }
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM votes WHERE challenge_id = {challenge}"
        ))
        .await as usize,
        rush.voters
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM (SELECT user_id FROM votes WHERE challenge_id = {challenge} \
             GROUP BY user_id HAVING COUNT(*) > 1) doubled"
        ))
        .await,
        0
    );
    eprintln!(
        "power cut on {backend:?}: {} of {} votes acknowledged before SIGKILL, {counted} found \
         after restart, 0 lost, 0 doubled",
        acked.len(),
        rush.voters
    );
}

crate::on_both_databases!(a_server_killed_in_a_vote_rush_keeps_every_vote_it_acknowledged);
