//! What a whole process is measured for, in a test binary of its own so that no other test's
//! work is counted: many visitors posting large forms with files at once hold no memory.

#[macro_use]
mod common;

use common::{Backend, Options, spawn_app_with};
use reqwest::StatusCode;

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A visitor's form with files is read and thrown away as it arrives (only signed-in people's
/// are read whole, a few at a time): sixteen visitors' forms of 40 MB, which would be 640 MB
/// read whole, leave the process's memory where it was.
async fn visitors_forms_with_files_hold_no_memory(backend: Backend) {
    // The process is measured whole: the SQLite and PostgreSQL runs take turns, so that neither
    // counts the other's memory.
    let _turn = ONE_AT_A_TIME.lock().await;
    let app = spawn_app_with(
        backend,
        Options {
            uploads_at_once: Some(2),
            ..Default::default()
        },
    )
    .await;
    let resident = || {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
        pages * 4096
    };
    let large = bytes::Bytes::from(vec![b'a'; 40_000_000]);
    let before = resident();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before));
    let watching = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(resident(), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        })
    };
    let mut posts = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (v, large) = (app.visitor(), large.clone());
        posts.spawn(async move {
            let answer = v
                .client
                .post(format!("{}/api/reports/create", v.base))
                .header("accept", "application/json")
                .header("content-type", "multipart/form-data; boundary=x")
                .body(large)
                .send()
                .await
                .unwrap();
            answer.status()
        });
    }
    while let Some(status) = posts.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::UNAUTHORIZED);
    }
    watching.abort();
    let grew = peak.load(std::sync::atomic::Ordering::Relaxed) - before;
    assert!(grew < 250_000_000, "memory grew by {grew} bytes");
}

on_both_databases!(visitors_forms_with_files_hold_no_memory);
