//! How often something may be tried: counters in the database, one per subject and window, so
//! that every server instance counts the same tries. Where a limit must hold exactly (one
//! account's code, one account's password), a try is counted before it is looked at, by one
//! statement that raises the counter and reads it back ([`hit`]): fifty tries sent at once count
//! as fifty, and only those within the limit go on. Where a whole network address is counted (a
//! ward office, a school, a phone operator's many users behind one address), only wrong answers
//! count ([`check`] before, [`count`] after), so that many people doing things right at once are
//! never held back.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use crate::error::AppError;

/// At most `max` tries per `window` for one subject (an account, an address) of `scope`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub scope: &'static str,
    pub max: i64,
    pub window: Duration,
}

impl Limit {
    pub const fn new(scope: &'static str, max: i64, window: Duration) -> Self {
        Self { scope, max, window }
    }

    /// The counter's key for `subject` in the window holding `now`, and when that window ends.
    /// The subject is hashed: the table holds no email or address in the clear.
    fn key(&self, subject: &str, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
        let secs = self.window.num_seconds().max(1);
        let window = now.timestamp().div_euclid(secs);
        let ends = DateTime::from_timestamp((window + 1) * secs, 0).unwrap_or(now);
        let subject = crate::token::sha256_hex(subject);
        (format!("{}:{}:{window}", self.scope, &subject[..32]), ends)
    }

    fn refused(ends: DateTime<Utc>, now: DateTime<Utc>) -> AppError {
        AppError::RateLimited {
            retry_after_secs: (ends - now).num_seconds().max(1),
        }
    }
}

/// The network address that tries are counted against: an IPv4 address, or an IPv6 address's
/// /64 (one household or phone is given a whole /64, and can take any address within it).
pub fn address_of(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Err(_) => ip.to_owned(),
    }
}

/// A try that [`hit`] counted, which [`give_back`] takes back if it turns out not to be one. It
/// names the window it was counted in: given back after that window has ended, it is taken
/// from no other.
#[derive(Debug)]
pub struct Counted {
    key: String,
}

/// Counts one try of `subject`; refused once more than `max` tries fall in this window.
pub async fn hit(
    db: &impl ConnectionTrait,
    limit: Limit,
    subject: &str,
) -> Result<Counted, AppError> {
    hit_at(db, limit, subject, Utc::now()).await
}

async fn hit_at(
    db: &impl ConnectionTrait,
    limit: Limit,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Counted, AppError> {
    let (key, ends) = limit.key(subject, now);
    let hits = raise(db, &key, ends, 1).await?;
    if hits > limit.max {
        return Err(Limit::refused(ends, now));
    }
    Ok(Counted { key })
}

/// Counts `amount` (bytes of an upload, say) against `subject`; refused, and not counted, once
/// this window's total would pass `max`.
pub async fn hit_by(
    db: &impl ConnectionTrait,
    limit: Limit,
    subject: &str,
    amount: i64,
) -> Result<(), AppError> {
    let now = Utc::now();
    let (key, ends) = limit.key(subject, now);
    let total = raise(db, &key, ends, amount).await?;
    if total > limit.max {
        raise(db, &key, ends, -amount).await?;
        return Err(Limit::refused(ends, now));
    }
    Ok(())
}

/// Counts one try of `subject` that already happened (a wrong answer), refusing nothing: what
/// [`check`] reads next time.
pub async fn count(db: &impl ConnectionTrait, limit: Limit, subject: &str) -> Result<(), AppError> {
    let (key, ends) = limit.key(subject, Utc::now());
    raise(db, &key, ends, 1).await?;
    Ok(())
}

/// Takes back a try counted by [`hit`] that turned out not to be one (the right password), from
/// the window it was counted in.
pub async fn give_back(db: &impl ConnectionTrait, counted: Counted) -> Result<(), AppError> {
    db.execute_raw(crate::sql::numbered(
        db.get_database_backend(),
        "UPDATE throttles SET hits = hits - 1 WHERE bucket = ?1 AND hits > 0",
        [counted.key.into()],
    ))
    .await?;
    Ok(())
}

/// Refused if `subject` has used up this window's tries, without counting one.
pub async fn check(db: &impl ConnectionTrait, limit: Limit, subject: &str) -> Result<(), AppError> {
    let now = Utc::now();
    let (key, ends) = limit.key(subject, now);
    let row = db
        .query_one_raw(crate::sql::numbered(
            db.get_database_backend(),
            "SELECT hits FROM throttles WHERE bucket = ?1",
            [key.into()],
        ))
        .await?;
    let hits: i64 = match row {
        Some(row) => row.try_get("", "hits")?,
        None => 0,
    };
    if hits >= limit.max {
        return Err(Limit::refused(ends, now));
    }
    Ok(())
}

async fn raise(
    db: &impl ConnectionTrait,
    key: &str,
    expires_at: DateTime<Utc>,
    by: i64,
) -> Result<i64, AppError> {
    let row = db
        .query_one_raw(crate::sql::numbered(
            db.get_database_backend(),
            "INSERT INTO throttles (bucket, hits, expires_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (bucket) DO UPDATE SET hits = throttles.hits + ?2 RETURNING hits",
            [key.into(), by.into(), expires_at.into()],
        ))
        .await?
        .ok_or_else(|| crate::error::internal("the throttle counter returned no row"))?;
    Ok(row.try_get("", "hits")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRIES: Limit = Limit::new("test", 5, Duration::minutes(15));

    #[test]
    fn an_ipv6_caller_is_counted_by_its_64() {
        assert_eq!(address_of("203.0.113.7"), "203.0.113.7");
        assert_eq!(address_of("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(address_of("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_eq!(address_of("::ffff:203.0.113.7"), "203.0.113.7");
    }

    #[test]
    fn one_window_one_key_and_the_next_window_starts_afresh() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let (key, ends) = TRIES.key("lan@example.vn", at);
        let (same, _) = TRIES.key("lan@example.vn", at + Duration::seconds(1));
        assert_eq!(key, same);
        assert!(ends > at && ends - at <= Duration::minutes(15));
        let (next, _) = TRIES.key("lan@example.vn", ends);
        assert_ne!(key, next);
        let (other, _) = TRIES.key("hoa@example.vn", at);
        assert_ne!(key, other);
        assert!(!key.contains("lan"), "the subject is hashed: {key}");
    }

    #[tokio::test]
    async fn a_try_given_back_after_its_window_takes_nothing_from_the_next() {
        use migrations::MigratorTrait;
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        migrations::Migrator::up(&db, None).await.unwrap();
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let (_, ends) = TRIES.key("lan@example.vn", at);
        let late = hit_at(&db, TRIES, "lan@example.vn", ends - Duration::seconds(1))
            .await
            .unwrap();
        let next_window = hit_at(&db, TRIES, "lan@example.vn", ends).await.unwrap();
        give_back(&db, late).await.unwrap();
        let hits = |key: String| {
            let db = &db;
            async move {
                let row = db
                    .query_one_raw(crate::sql::numbered(
                        db.get_database_backend(),
                        "SELECT hits FROM throttles WHERE bucket = ?1",
                        [key.into()],
                    ))
                    .await
                    .unwrap()
                    .unwrap();
                row.try_get::<i64>("", "hits").unwrap()
            }
        };
        assert_eq!(hits(TRIES.key("lan@example.vn", at).0).await, 0);
        assert_eq!(
            hits(next_window.key).await,
            1,
            "the next window keeps its try"
        );
    }
}
