//! Where files' bytes live. In an S3-compatible bucket (moto's S3 server, started by the test, is
//! the real protocol peer): a photo uploaded through one instance is served by another, and its
//! bytes are in the bucket under their hash, not in the database. In the default folder: on disk
//! under their hash. And a file stored in the database before the store existed is still served.

use crate::common;

use std::process::{Child, Command, Stdio};

use crate::common::{Backend, Visitor, spawn_app, spawn_app_with};
use app::upload::storage::S3Config;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, Set};

struct S3Server {
    child: Child,
    port: u16,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_s3() -> S3Server {
    start_s3_with(&[]).await
}

fn python() -> Command {
    Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
}

async fn start_s3_with(extra: &[&str]) -> S3Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = python()
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 with moto (pip install 'moto[server]')");
    let server = S3Server { child, port };
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the S3 server did not start on port {port}");
}

/// A bucket served over TLS with a certificate the city's own authority signed: with that
/// authority trusted (`VIDAN_CA_FILE`) files go in and come back; without it the bucket is not
/// trusted, and the server does not start on it.
async fn a_bucket_signed_by_the_citys_own_authority_is_trusted_only_with_it(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let made = python()
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/city_ca.py"))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(made.success(), "the test's certificate authority");
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let s3 = start_s3_with(&[
        "--ssl-cert",
        cert.to_str().unwrap(),
        "--ssl-key",
        key.to_str().unwrap(),
    ])
    .await;
    let bucket = S3Config {
        endpoint: format!("https://localhost:{}", s3.port),
        bucket: "vidan-city".into(),
        region: "us-east-1".into(),
        access_key: "vidan".into(),
        secret_key: "not-a-secret".into(),
    };
    let untrusting = app::upload::storage::Storage::s3(&bucket).unwrap();
    assert!(
        untrusting.prepare().await.is_err(),
        "a certificate nobody vouches for is refused"
    );
    let ca = std::fs::read(dir.path().join("ca.pem")).unwrap();
    let app = spawn_app_with(
        backend,
        common::Options {
            s3: Some(bucket.clone()),
            city_ca: Some(ca.clone()),
            ..Default::default()
        },
    )
    .await;
    let citizen = app.citizen("lan@example.vn").await;
    let photo = app.report_with_photo(&citizen).await;
    assert!(!served(&citizen, photo).await.is_empty());
    let sha = app
        .text(&format!("SELECT sha256 FROM uploads WHERE id = {photo}"))
        .await;
    let trusting = app::upload::storage::Storage::s3_trusting(&bucket, Some(&ca)).unwrap();
    assert!(
        trusting.get(&sha).await.is_ok(),
        "the photo is in the city's bucket"
    );
    assert!(untrusting.get(&sha).await.is_err());
}

async fn served(visitor: &Visitor, id: i64) -> Vec<u8> {
    let answer = visitor.get(&format!("/files/{id}/hang-cho.png")).await;
    assert_eq!(answer.status(), StatusCode::OK);
    answer.bytes().await.unwrap().to_vec()
}

async fn a_photo_stored_through_one_instance_is_served_by_another_from_the_bucket(
    backend: Backend,
) {
    let s3 = start_s3().await;
    let bucket = S3Config {
        endpoint: format!("http://127.0.0.1:{}", s3.port),
        bucket: "vidan-files".into(),
        region: "us-east-1".into(),
        access_key: "vidan".into(),
        secret_key: "not-a-secret".into(),
    };
    let first = spawn_app_with(
        backend,
        common::Options {
            s3: Some(bucket.clone()),
            ..Default::default()
        },
    )
    .await;
    let second = common::spawn_second_instance(&first).await;
    let citizen = first.citizen("lan@example.vn").await;
    let photo = first.report_with_photo(&citizen).await;

    let through_second = served(&first.visitor().with_base(&second), photo).await;
    assert!(!through_second.is_empty());
    assert_eq!(served(&citizen, photo).await, through_second);

    // In the bucket under its hash, and neither in the database nor in a folder.
    let sha = first
        .text(&format!("SELECT sha256 FROM uploads WHERE id = {photo}"))
        .await;
    assert_eq!(
        first
            .text(&format!("SELECT storage FROM uploads WHERE id = {photo}"))
            .await,
        "store"
    );
    let object = app::upload::storage::Storage::s3(&bucket)
        .unwrap()
        .get(&sha)
        .await
        .expect("the object is in the bucket");
    assert_eq!(object, through_second);
    assert_eq!(
        first
            .scalar(&format!(
                "SELECT COUNT(*) FROM uploads WHERE id = {photo} AND byte_size > 0 AND {} = 0",
                if backend == Backend::Sqlite {
                    "LENGTH(data)"
                } else {
                    "OCTET_LENGTH(data)"
                }
            ))
            .await,
        1,
        "no bytes in the database"
    );
    assert!(!first.files_dir().exists() || first.files_dir().read_dir().unwrap().next().is_none());
}

async fn a_photo_in_the_folder_store_lives_on_disk_under_its_hash(backend: Backend) {
    let app = spawn_app(backend).await;
    let citizen = app.citizen("lan@example.vn").await;
    let photo = app.report_with_photo(&citizen).await;
    let sha = app
        .text(&format!("SELECT sha256 FROM uploads WHERE id = {photo}"))
        .await;
    let on_disk = std::fs::read(app.files_dir().join(&sha[..2]).join(&sha)).expect("on disk");
    assert_eq!(served(&citizen, photo).await, on_disk);
}

async fn a_file_kept_in_the_database_from_before_is_still_served(backend: Backend) {
    let app = spawn_app(backend).await;
    let png = common::tiny_png();
    let old = app::upload::entity::ActiveModel {
        owner_id: Set(None),
        purpose: Set("report_photo".into()),
        content_type: Set("image/png".into()),
        file_name: Set("hang-cho.png".into()),
        byte_size: Set(png.len() as i64),
        sha256: Set("0".repeat(64)),
        data: Set(png.clone()),
        storage: Set(app::upload::storage::IN_DATABASE.into()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    assert_eq!(served(&app.visitor(), old.id).await, png);
}

on_both_databases!(
    a_photo_stored_through_one_instance_is_served_by_another_from_the_bucket,
    a_bucket_signed_by_the_citys_own_authority_is_trusted_only_with_it,
    a_photo_in_the_folder_store_lives_on_disk_under_its_hash,
    a_file_kept_in_the_database_from_before_is_still_served,
);
