//! Where a file's bytes live: a folder on this machine by default, or an S3-compatible bucket
//! shared by every instance when one is configured. Files are stored under the SHA-256 of their
//! bytes, so storing one twice costs nothing and a stored file never changes under its key.
//! (Files stored before this existed keep their bytes in the database and are served from there.)

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

/// Where a stored file's bytes are, as the `uploads.storage` column says.
pub const IN_DATABASE: &str = "database";
pub const IN_STORE: &str = "store";

/// An S3-compatible bucket: its endpoint (`https://s3.example.com`), name, region and keys.
#[derive(Clone, Debug)]
pub struct S3Config {
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
}

#[derive(Clone)]
pub enum Storage {
    Folder(PathBuf),
    S3(Arc<S3Store>),
}

pub struct S3Store {
    bucket: Bucket,
    credentials: Credentials,
    http: reqwest::Client,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("file store: {0}")]
    Io(#[from] std::io::Error),
    #[error("object store: {0}")]
    Http(#[from] reqwest::Error),
    #[error("object store answered {0} for {1}")]
    Status(u16, String),
    #[error("object store configuration: {0}")]
    Config(String),
}

/// How long a signed request to the bucket stays valid.
const SIGNED_FOR: Duration = Duration::from_secs(300);

impl Storage {
    pub fn folder(root: impl Into<PathBuf>) -> Storage {
        Storage::Folder(root.into())
    }

    pub fn s3(config: &S3Config) -> Result<Storage, StorageError> {
        Self::s3_trusting(config, None)
    }

    /// A bucket whose endpoint's TLS may be signed by the city's own certificate authority:
    /// `city_ca` (PEM) is trusted beside the public roots.
    pub fn s3_trusting(config: &S3Config, city_ca: Option<&[u8]>) -> Result<Storage, StorageError> {
        let endpoint = config
            .endpoint
            .parse()
            .map_err(|e| StorageError::Config(format!("{}: {e}", config.endpoint)))?;
        let bucket = Bucket::new(
            endpoint,
            UrlStyle::Path,
            config.bucket.clone(),
            config.region.clone(),
        )
        .map_err(|e| StorageError::Config(e.to_string()))?;
        let mut http = reqwest::Client::builder().timeout(Duration::from_secs(60));
        if let Some(pem) = city_ca {
            for certificate in reqwest::Certificate::from_pem_bundle(pem)? {
                http = http.add_root_certificate(certificate);
            }
        }
        let http = http.build()?;
        Ok(Storage::S3(Arc::new(S3Store {
            bucket,
            credentials: Credentials::new(config.access_key.clone(), config.secret_key.clone()),
            http,
        })))
    }

    /// Stores `bytes` under `key` (their SHA-256 in hex).
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        match self {
            Storage::Folder(root) => {
                let path = folder_path(root, key);
                if tokio::fs::try_exists(&path).await? {
                    return Ok(());
                }
                if let Some(parent) = path.parent() {
                    tokio::fs::create_dir_all(parent).await?;
                }
                // Written aside and renamed: a reader never sees half a file.
                let partial = path.with_extension(format!("partial-{}", std::process::id()));
                tokio::fs::write(&partial, bytes).await?;
                tokio::fs::rename(&partial, &path).await?;
                Ok(())
            }
            Storage::S3(s3) => {
                let url = s3
                    .bucket
                    .put_object(Some(&s3.credentials), key)
                    .sign(SIGNED_FOR);
                let answer = s3.http.put(url).body(bytes.to_vec()).send().await?;
                ok(answer, key).await.map(|_| ())
            }
        }
    }

    /// The bytes stored under `key`.
    pub async fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        match self {
            Storage::Folder(root) => Ok(tokio::fs::read(folder_path(root, key)).await?),
            Storage::S3(s3) => {
                let url = s3
                    .bucket
                    .get_object(Some(&s3.credentials), key)
                    .sign(SIGNED_FOR);
                let answer = ok(s3.http.get(url).send().await?, key).await?;
                Ok(answer.bytes().await?.to_vec())
            }
        }
    }

    /// Whether the store takes a write and gives it back (a small file of its own): what the
    /// health check asks.
    pub async fn check(&self) -> Result<(), StorageError> {
        const PROBE: &[u8] = b"vidan health";
        let back = match self {
            Storage::Folder(root) => {
                // A file of its own each time: checks at once do not read each other's writes.
                let path = root.join(format!("health-{}", crate::token::random_token(8)));
                tokio::fs::write(&path, PROBE).await?;
                let back = tokio::fs::read(&path).await;
                tokio::fs::remove_file(&path).await?;
                back?
            }
            Storage::S3(s3) => {
                let key = "health-probe";
                let put = s3
                    .bucket
                    .put_object(Some(&s3.credentials), key)
                    .sign(SIGNED_FOR);
                ok(s3.http.put(put).body(PROBE.to_vec()).send().await?, key).await?;
                let get = s3
                    .bucket
                    .get_object(Some(&s3.credentials), key)
                    .sign(SIGNED_FOR);
                ok(s3.http.get(get).send().await?, key)
                    .await?
                    .bytes()
                    .await?
                    .to_vec()
            }
        };
        if back == PROBE {
            Ok(())
        } else {
            Err(StorageError::Status(
                200,
                "health-probe came back changed".into(),
            ))
        }
    }

    /// Makes sure the store is there: the folder, or the bucket (created if missing).
    pub async fn prepare(&self) -> Result<(), StorageError> {
        match self {
            Storage::Folder(root) => Ok(tokio::fs::create_dir_all(root).await?),
            Storage::S3(s3) => {
                let create = s3.bucket.create_bucket(&s3.credentials).sign(SIGNED_FOR);
                let answer = s3
                    .http
                    .put(create)
                    .header(reqwest::header::CONTENT_LENGTH, "0")
                    .send()
                    .await?;
                // 409: the bucket is there already (ours, or made by whoever set it up).
                if answer.status().is_success() || answer.status().as_u16() == 409 {
                    Ok(())
                } else {
                    Err(StorageError::Status(
                        answer.status().as_u16(),
                        "(bucket)".into(),
                    ))
                }
            }
        }
    }
}

async fn ok(answer: reqwest::Response, key: &str) -> Result<reqwest::Response, StorageError> {
    if answer.status().is_success() {
        Ok(answer)
    } else {
        Err(StorageError::Status(
            answer.status().as_u16(),
            key.to_owned(),
        ))
    }
}

/// `root/ab/abcdef…`: a level of folders keeps any one folder small.
fn folder_path(root: &std::path::Path, key: &str) -> PathBuf {
    let safe: String = key.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    root.join(safe.get(..2).unwrap_or("00")).join(safe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_folder_keeps_what_it_is_given_under_its_key() {
        let dir = std::env::temp_dir().join(format!("vidan-store-{}", std::process::id()));
        let store = Storage::folder(&dir);
        store.prepare().await.unwrap();
        store.put("abcdef01", b"hello").await.unwrap();
        store.put("abcdef01", b"hello").await.unwrap();
        assert_eq!(store.get("abcdef01").await.unwrap(), b"hello");
        assert!(dir.join("ab").join("abcdef01").exists());
        assert!(store.get("0123").await.is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
