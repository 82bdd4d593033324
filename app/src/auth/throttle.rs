//! How often something may be tried: counters in the database, one per subject and window, so
//! that every server instance counts the same tries. Where a limit must hold exactly (one
//! account's code, one account's password), a try is counted before it is looked at, by one
//! statement that raises the counter and reads it back ([`hit`]): fifty tries sent at once count
//! as fifty, and only those within the limit go on. Where a whole network address is counted (a
//! ward office, a school, a phone operator's many users behind one address), only wrong answers
//! count ([`check`] before, [`count`] after), so that many people doing things right at once are
//! never held back. A limit looks back one window's length from now, not to the top of the hour
//! (see [`At`]).

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
    #[cfg(test)]
    fn key(&self, subject: &str, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
        let at = self.at(subject, now);
        (at.key, at.ends)
    }

    /// Where `now` falls for `subject`: this window's counter, the one before it, and how much
    /// of the window before still counts.
    fn at(&self, subject: &str, now: DateTime<Utc>) -> At {
        let secs = self.window.num_seconds().max(1);
        let window = now.timestamp().div_euclid(secs);
        let ends = DateTime::from_timestamp((window + 1) * secs, 0).unwrap_or(now);
        let subject = crate::token::sha256_hex(subject);
        let name = |w: i64| format!("{}:{}:{w}", self.scope, &subject[..32]);
        At {
            key: name(window),
            before: name(window - 1),
            ends,
            // The tries of the window before count for the part of it that lies within one
            // window's length of now: all of them at its end, none a whole window later.
            weight: (ends - now).num_milliseconds() as f64 / (secs * 1000) as f64,
            // A counter is read until the end of the window after its own.
            expires: ends + Duration::seconds(secs),
        }
    }
    fn refused(ends: DateTime<Utc>, now: DateTime<Utc>) -> AppError {
        AppError::RateLimited {
            retry_after_secs: (ends - now).num_seconds().max(1),
        }
    }
}

/// A moment as a limit counts it. Tries are counted in windows of fixed length; a limit looks at
/// the last window's length, this window's tries and a share of the window before's, so that
/// nothing starts afresh on the hour: tries made just before a window ends still count just after
/// it (a burst across the edge is not twice the limit, and a test that fills a window is not
/// undone by the clock).
struct At {
    key: String,
    before: String,
    ends: DateTime<Utc>,
    weight: f64,
    expires: DateTime<Utc>,
}

impl At {
    /// The tries that count now: this window's `hits` and the share of the window before's.
    async fn counted(&self, db: &impl ConnectionTrait, hits: i64) -> Result<f64, AppError> {
        let before = hits_in(db, &self.before).await?;
        Ok(hits as f64 + before as f64 * self.weight)
    }
}

/// The tries counted under `key` (none if there is no counter).
async fn hits_in(db: &impl ConnectionTrait, key: &str) -> Result<i64, AppError> {
    let row = db
        .query_one_raw(crate::sql::numbered(
            db.get_database_backend(),
            "SELECT hits FROM throttles WHERE bucket = ?1",
            [key.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get("", "hits")?,
        None => 0,
    })
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
    let at = limit.at(subject, now);
    let hits = raise(db, &at.key, at.expires, 1).await?;
    if at.counted(db, hits).await? > limit.max as f64 {
        return Err(Limit::refused(at.ends, now));
    }
    Ok(Counted { key: at.key })
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
    let at = limit.at(subject, now);
    let total = raise(db, &at.key, at.expires, amount).await?;
    if at.counted(db, total).await? > limit.max as f64 {
        raise(db, &at.key, at.expires, -amount).await?;
        return Err(Limit::refused(at.ends, now));
    }
    Ok(())
}

/// Counts one try of `subject` that already happened (a wrong answer), refusing nothing: what
/// [`check`] reads next time.
pub async fn count(db: &impl ConnectionTrait, limit: Limit, subject: &str) -> Result<(), AppError> {
    let at = limit.at(subject, Utc::now());
    raise(db, &at.key, at.expires, 1).await?;
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
    let at = limit.at(subject, now);
    let hits = hits_in(db, &at.key).await?;
    if at.counted(db, hits).await? >= limit.max as f64 {
        return Err(Limit::refused(at.ends, now));
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
    async fn tries_made_just_before_a_window_ends_still_count_just_after_it() {
        use migrations::MigratorTrait;
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        migrations::Migrator::up(&db, None).await.unwrap();
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let (_, ends) = TRIES.key("lan@example.vn", at);
        for _ in 0..TRIES.max {
            hit_at(&db, TRIES, "lan@example.vn", ends - Duration::seconds(2))
                .await
                .unwrap();
        }
        let hit = |now| hit_at(&db, TRIES, "lan@example.vn", now);
        assert!(
            hit(ends + Duration::seconds(1)).await.is_err(),
            "the window's edge gives no new tries"
        );
        // As the window before slides out of reach, its tries count less (refused tries count
        // too): a fifth of the way in, 2 + 5 × 0.8 is still past 5; at seven tenths, 3 + 5 × 0.3
        // is not.
        assert!(hit(ends + TRIES.window / 5).await.is_err());
        assert!(hit(ends + TRIES.window * 7 / 10).await.is_ok());
        assert!(
            hit(ends + TRIES.window * 2).await.is_ok(),
            "two windows later, nothing before counts"
        );
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
