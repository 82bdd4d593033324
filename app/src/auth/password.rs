//! Password hashing with argon2id, off the async threads, and the same cost for unknown accounts.

use std::sync::LazyLock;

use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};

use crate::error::{AppError, internal};

/// OWASP's recommended argon2id settings: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Passwords hashed or checked at once on this instance, and how many may wait for a turn.
/// Each hash takes 19 MiB and a core for a moment, so a burst of sign-ins or registrations
/// from anywhere waits its turn here instead of taking the blocking threads and the memory from
/// the pages everyone else reads; past the waiting room, more are refused at once as busy (try
/// again in a moment) rather than queued behind a burst.
struct Turns {
    turns: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
    waiting_at_most: usize,
}

impl Turns {
    const fn new(at_once: usize, waiting_at_most: usize) -> Self {
        Self {
            turns: tokio::sync::Semaphore::const_new(at_once),
            waiting: std::sync::atomic::AtomicUsize::new(0),
            waiting_at_most,
        }
    }

    /// Runs one argon2 computation when a turn is free.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        use std::sync::atomic::Ordering;
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.waiting_at_most {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::Busy);
        }
        let turn = self.turns.acquire().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let _turn = turn.map_err(internal)?;
        tokio::task::spawn_blocking(work).await.map_err(internal)?
    }
}

/// One turn per core; some twenty seconds of hashing on two cores may wait. (The count is the
/// process's: the integration tests, many servers in one process, stay far below it.)
static TURNS: LazyLock<Turns> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Turns::new(cores, 2_000)
});

/// Runs one argon2 computation when this instance has a turn free.
async fn in_turn<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    TURNS.run(work).await
}

/// A hash of a password nobody has, verified against when the account does not exist, so that
/// an unknown email takes as long as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::encode_b64(b"vidan-dummy-salt").expect("valid salt");
    hasher()
        .hash_password(b"not a password anyone has", &salt)
        .expect("hashing works")
        .to_string()
});

pub async fn hash(password: String) -> Result<String, AppError> {
    in_turn(move || {
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(internal)?;
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(internal)
    })
    .await
}

/// Checks `password` against `stored`, or against a dummy hash when there is no account.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    in_turn(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&stored).map_err(internal)?;
        let matches = hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let stored = hash("trăng rằm tháng tám".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify("trăng rằm tháng tám".into(), Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("trang ram thang tam".into(), Some(stored))
                .await
                .unwrap()
        );
    }

    /// While every turn is taken, hashes wait in a room of bounded size; past it, refused at
    /// once as busy. Those that waited run when turns come free.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashing_waits_its_turn_and_a_burst_past_the_waiting_room_is_refused() {
        use std::sync::Arc;
        use std::sync::atomic::Ordering;
        let turns = Arc::new(Turns::new(1, 2));
        let (release, released) = std::sync::mpsc::channel::<()>();
        let first = tokio::spawn({
            let turns = turns.clone();
            async move {
                turns
                    .run(move || {
                        released.recv().map_err(internal)?;
                        Ok(1)
                    })
                    .await
            }
        });
        while turns.turns.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let waiting: Vec<_> = (2..4)
            .map(|n| {
                let turns = turns.clone();
                tokio::spawn(async move { turns.run(move || Ok(n)).await })
            })
            .collect();
        while turns.waiting.load(Ordering::SeqCst) < 2 {
            tokio::task::yield_now().await;
        }
        assert_eq!(turns.run(|| Ok(4)).await, Err(AppError::Busy));
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Ok(1));
        for (n, task) in (2..4).zip(waiting) {
            assert_eq!(task.await.unwrap(), Ok(n));
        }
        assert_eq!(turns.waiting.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(
            !verify("not a password anyone has".into(), None)
                .await
                .unwrap()
        );
    }
}
