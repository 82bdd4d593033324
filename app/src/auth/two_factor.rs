//! Two-step sign-in (RFC 6238): a six-digit code from an authenticator app after the password,
//! or one of ten single-use recovery codes. Officials (administrators, staff, judges) act in
//! their roles only once it is on; anyone may turn it on.
//!
//! A code is accepted once: the step it belongs to is written down by the same statement that
//! accepts it, so a code seen over a shoulder (or sent twice at once) opens nothing a second time.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{ConnectionTrait, QueryResult, TransactionSession, TransactionTrait};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use super::throttle::{self, Limit};
use crate::error::AppError;
use crate::sql::numbered;
use crate::token::{random_token, sha256_hex};

/// The name an authenticator app shows beside the codes.
pub const ISSUER: &str = "Vì Dân";
/// Recovery codes given at a time.
pub const RECOVERY_CODES: usize = 10;
/// The cookie holding a sign-in that waits for its second step.
pub const STEP_COOKIE: &str = "vidan_step";
/// How long a password stays good for its second step.
pub const STEP_MINUTES: i64 = 10;
/// Wrong codes one waiting sign-in may give before the password must be given again.
pub const STEP_TRIES: i64 = 5;
/// Wrong codes one account may be given in a day, across sign-ins: with a million codes and at
/// most three accepted at a time, guessing stays hopeless.
pub const CODES_PER_ACCOUNT_PER_DAY: Limit = Limit::new("second_step", 20, Duration::days(1));

const SECRET_BYTES: usize = 20;
const STEP_SECONDS: u64 = 30;

/// What the page shows to set up an authenticator app.
#[derive(Clone, Debug)]
pub struct Enrolment {
    /// The secret as people type it: base32 in groups of four.
    pub secret: String,
    /// The `otpauth://` address the QR code holds.
    pub url: String,
    /// The QR code as an SVG element.
    pub qr_svg: String,
}

/// An account's two-step state.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub enabled_at: Option<DateTime<Utc>>,
    pub pending: bool,
    pub recovery_left: i64,
}

fn totp(secret: &str, account: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret)
        .map_err(|_| crate::error::internal("a two-step secret is not base32"))?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        // A colon would break the label; no address holds one, but a name might.
        .with_account_name(account.replace(':', " "))
        .build()
        .map_err(|e| crate::error::internal(format!("two-step settings refused: {e}")))
}

/// A fresh random secret, base32.
pub fn new_secret() -> String {
    let mut bytes = vec![0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    Secret::from(bytes).to_base32()
}

/// The code an authenticator shows for `secret` at `time` (seconds since 1970): for tests and
/// the demo site's hint.
pub fn code_at(secret: &str, time: u64) -> Result<String, AppError> {
    Ok(totp(secret, "x")?.generate(time).to_string())
}

fn now_secs() -> u64 {
    Utc::now().timestamp().max(0) as u64
}

/// The time step `code` belongs to (within one step either side of now), if it is right.
fn step_of(secret: &str, code: &str) -> Result<Option<i64>, AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    Ok(totp(secret, "x")?
        .check(&code, now_secs())
        .map(|step| step as i64))
}

fn row_secret(row: &QueryResult) -> Result<String, AppError> {
    Ok(row.try_get("", "secret")?)
}

/// Draws `url` as a QR code in SVG, black on white, sized by the page.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| crate::error::internal(format!("QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub async fn state(db: &impl ConnectionTrait, user_id: i64) -> Result<State, AppError> {
    let row = db
        .query_one_raw(numbered(
            db.get_database_backend(),
            "SELECT enabled_at, \
             (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = ?1 AND r.used_at IS NULL) AS left_codes \
             FROM two_factor WHERE user_id = ?1",
            [user_id.into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(State::default());
    };
    let enabled_at: Option<DateTime<Utc>> = row.try_get("", "enabled_at")?;
    Ok(State {
        enabled_at,
        pending: enabled_at.is_none(),
        recovery_left: row.try_get("", "left_codes")?,
    })
}

/// Whether the account signs in with a second step.
pub async fn is_on(db: &impl ConnectionTrait, user_id: i64) -> Result<bool, AppError> {
    Ok(state(db, user_id).await?.enabled_at.is_some())
}

/// Starts (or starts over) setting up an authenticator for an account that has none on: a new
/// secret waits until a first code from the app confirms it.
/// How a pending secret names the browser session that drew it.
fn session_tag(session: &str) -> String {
    sha256_hex(&format!("pending:{session}"))
}

pub async fn begin(
    db: &impl ConnectionTrait,
    user_id: i64,
    email: &str,
    session: &str,
) -> Result<Enrolment, AppError> {
    if is_on(db, user_id).await? {
        return Err(AppError::conflict("error.two_factor_already_on"));
    }
    let secret = new_secret();
    let backend = db.get_database_backend();
    db.execute_raw(numbered(
        backend,
        "DELETE FROM two_factor WHERE user_id = ?1 AND enabled_at IS NULL",
        [user_id.into()],
    ))
    .await?;
    db.execute_raw(numbered(
        backend,
        "INSERT INTO two_factor (user_id, secret, created_at, enabled_at, last_step, pending_session) \
         VALUES (?1, ?2, ?3, NULL, NULL, ?4)",
        [
            user_id.into(),
            secret.clone().into(),
            Utc::now().into(),
            session_tag(session).into(),
        ],
    ))
    .await?;
    enrolment(&secret, email)
}

/// The set-up page's QR code and secret for a pending secret, if one waits for this browser
/// session (another session of the account, someone else who has the password, never sees it).
pub async fn pending(
    db: &impl ConnectionTrait,
    user_id: i64,
    email: &str,
    session: &str,
) -> Result<Option<Enrolment>, AppError> {
    let row = db
        .query_one_raw(numbered(
            db.get_database_backend(),
            "SELECT secret FROM two_factor WHERE user_id = ?1 AND enabled_at IS NULL \
             AND pending_session = ?2",
            [user_id.into(), session_tag(session).into()],
        ))
        .await?;
    row.map(|row| enrolment(&row_secret(&row)?, email))
        .transpose()
}

fn enrolment(secret: &str, email: &str) -> Result<Enrolment, AppError> {
    let url = totp(secret, email)?
        .to_url()
        .map_err(|e| crate::error::internal(format!("otpauth address: {e}")))?;
    Ok(Enrolment {
        secret: grouped(secret),
        qr_svg: qr_svg(&url)?,
        url,
    })
}

/// The pending secret of this browser session and the time step of the app's `code` for it:
/// proof that the app holds it. Each try counts against the account's day.
pub async fn check_pending(
    db: &impl ConnectionTrait,
    user_id: i64,
    code: &str,
    session: &str,
) -> Result<(String, i64), AppError> {
    throttle::hit(db, CODES_PER_ACCOUNT_PER_DAY, &user_id.to_string()).await?;
    let row = db
        .query_one_raw(numbered(
            db.get_database_backend(),
            "SELECT secret FROM two_factor WHERE user_id = ?1 AND enabled_at IS NULL \
             AND pending_session = ?2",
            [user_id.into(), session_tag(session).into()],
        ))
        .await?
        .ok_or_else(|| AppError::conflict("error.two_factor_not_started"))?;
    let secret = row_secret(&row)?;
    let step = step_of(&secret, code)?
        .ok_or_else(|| AppError::invalid("code", "error.two_factor_code_wrong"))?;
    Ok((secret, step))
}

/// Turns two-step sign-in on with `secret` at `step` (from [`check_pending`]) and gives the first
/// recovery codes (shown once; the database keeps their hashes).
pub async fn confirm(
    db: &(impl ConnectionTrait + TransactionTrait),
    user_id: i64,
    secret: &str,
    step: i64,
) -> Result<Vec<String>, AppError> {
    let txn = crate::group_commit::begin_writing(db).await?;
    // The secret the code was checked against, not one drawn again meanwhile.
    let enabled = txn
        .execute_raw(numbered(
            txn.get_database_backend(),
            "UPDATE two_factor SET enabled_at = ?2, last_step = ?3, pending_session = NULL \
             WHERE user_id = ?1 AND enabled_at IS NULL AND secret = ?4",
            [
                user_id.into(),
                Utc::now().into(),
                step.into(),
                secret.to_owned().into(),
            ],
        ))
        .await?;
    if enabled.rows_affected() != 1 {
        return Err(AppError::conflict("error.two_factor_not_started"));
    }
    let codes = replace_recovery_codes(&txn, user_id).await?;
    txn.commit().await?;
    Ok(codes)
}

/// New recovery codes in place of the old ones (all of which stop working).
pub async fn replace_recovery_codes(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<String>, AppError> {
    let backend = db.get_database_backend();
    db.execute_raw(numbered(
        backend,
        "DELETE FROM recovery_codes WHERE user_id = ?1",
        [user_id.into()],
    ))
    .await?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    for code in &codes {
        db.execute_raw(numbered(
            backend,
            "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES (?1, ?2, NULL)",
            [user_id.into(), recovery_hash(code).into()],
        ))
        .await?;
    }
    Ok(codes)
}

/// Ten characters a person can copy onto paper without confusing them: `k7qm-x2rp-9t`.
fn recovery_code() -> String {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut rng = rand::rng();
    let chars: String = (0..10)
        .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..])
}

/// A recovery code as typed, however spaced, dashed or capitalised, then hashed.
fn recovery_hash(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    sha256_hex(&format!("recovery:{plain}"))
}

/// Whether `code` (from the app, or a recovery code) is right for the account now; a right
/// code is used up by the same statement that accepts it.
pub async fn accept(db: &impl ConnectionTrait, user_id: i64, code: &str) -> Result<bool, AppError> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(numbered(
            backend,
            "SELECT secret FROM two_factor WHERE user_id = ?1 AND enabled_at IS NOT NULL",
            [user_id.into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    if let Some(step) = step_of(&row_secret(&row)?, code)? {
        let taken = db
            .execute_raw(numbered(
                backend,
                "UPDATE two_factor SET last_step = ?2 \
                 WHERE user_id = ?1 AND (last_step IS NULL OR last_step < ?2)",
                [user_id.into(), step.into()],
            ))
            .await?;
        return Ok(taken.rows_affected() == 1);
    }
    let used = db
        .execute_raw(numbered(
            backend,
            "UPDATE recovery_codes SET used_at = ?3 \
             WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
            [
                user_id.into(),
                recovery_hash(code).into(),
                Utc::now().into(),
            ],
        ))
        .await?;
    Ok(used.rows_affected() == 1)
}

/// Whether every one of `codes` is an unused recovery code of the account.
pub async fn all_unused(
    db: &impl ConnectionTrait,
    user_id: i64,
    codes: &[String],
) -> Result<bool, AppError> {
    if codes.is_empty() || codes.len() > RECOVERY_CODES {
        return Ok(false);
    }
    let backend = db.get_database_backend();
    for code in codes {
        let found = db
            .query_one_raw(numbered(
                backend,
                "SELECT 1 AS found FROM recovery_codes \
                 WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
                [user_id.into(), recovery_hash(code).into()],
            ))
            .await?;
        if found.is_none() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Turns two-step sign-in off (the account's secret and recovery codes go).
pub async fn turn_off(db: &impl ConnectionTrait, user_id: i64) -> Result<(), AppError> {
    for table in ["recovery_codes", "two_factor"] {
        db.execute_raw(numbered(
            db.get_database_backend(),
            &format!("DELETE FROM {table} WHERE user_id = ?1"),
            [user_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Remembers that `user_id` gave the right password and owes a second step; the token goes in
/// the [`STEP_COOKIE`].
pub async fn wait_for_code(db: &impl ConnectionTrait, user_id: i64) -> Result<String, AppError> {
    let token = random_token(32);
    let now = Utc::now();
    db.execute_raw(numbered(
        db.get_database_backend(),
        "INSERT INTO sign_in_steps (id, user_id, tries, created_at, expires_at) \
         VALUES (?1, ?2, 0, ?3, ?4)",
        [
            sha256_hex(&token).into(),
            user_id.into(),
            now.into(),
            (now + Duration::minutes(STEP_MINUTES)).into(),
        ],
    ))
    .await?;
    Ok(token)
}

/// The account a waiting sign-in belongs to, counting this try; `None` once it expired or its
/// tries ran out (the password must be given again).
pub async fn waiting(db: &impl ConnectionTrait, token: &str) -> Result<Option<i64>, AppError> {
    let backend = db.get_database_backend();
    let id = sha256_hex(token);
    let counted = db
        .execute_raw(numbered(
            backend,
            "UPDATE sign_in_steps SET tries = tries + 1 \
             WHERE id = ?1 AND tries < ?2 AND expires_at > ?3",
            [id.clone().into(), STEP_TRIES.into(), Utc::now().into()],
        ))
        .await?;
    if counted.rows_affected() != 1 {
        return Ok(None);
    }
    let row = db
        .query_one_raw(numbered(
            backend,
            "SELECT user_id FROM sign_in_steps WHERE id = ?1",
            [id.into()],
        ))
        .await?;
    Ok(row.map(|r| r.try_get("", "user_id")).transpose()?)
}

/// The account a waiting sign-in belongs to, without counting a try (to draw the page).
pub async fn peek(db: &impl ConnectionTrait, token: &str) -> Result<Option<i64>, AppError> {
    let row = db
        .query_one_raw(numbered(
            db.get_database_backend(),
            "SELECT user_id FROM sign_in_steps WHERE id = ?1 AND tries < ?2 AND expires_at > ?3",
            [
                sha256_hex(token).into(),
                STEP_TRIES.into(),
                Utc::now().into(),
            ],
        ))
        .await?;
    Ok(row.map(|r| r.try_get("", "user_id")).transpose()?)
}

/// Ends every sign-in of the account that waits for its app code (its password has changed).
pub async fn end_waiting_for(db: &impl ConnectionTrait, user_id: i64) -> Result<(), AppError> {
    db.execute_raw(numbered(
        db.get_database_backend(),
        "DELETE FROM sign_in_steps WHERE user_id = ?1",
        [user_id.into()],
    ))
    .await?;
    Ok(())
}

/// Ends a waiting sign-in (its second step was given, or it is abandoned); whether it was still
/// waiting.
pub async fn done_waiting(db: &impl ConnectionTrait, token: &str) -> Result<bool, AppError> {
    let done = db
        .execute_raw(numbered(
            db.get_database_backend(),
            "DELETE FROM sign_in_steps WHERE id = ?1",
            [sha256_hex(token).into()],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The code a demo account's authenticator would show next (demo sites only: the demo accounts'
/// secrets are public). `None` while this step's code is already used: wait for the next.
pub async fn demo_hint(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<String>, AppError> {
    let row = db
        .query_one_raw(numbered(
            db.get_database_backend(),
            "SELECT t.secret, t.last_step, u.email FROM two_factor t JOIN users u ON u.id = t.user_id \
             WHERE t.user_id = ?1 AND t.enabled_at IS NOT NULL",
            [user_id.into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let secret = row_secret(&row)?;
    // Demo accounts have addresses; an account without one has no demo secret.
    let Some(email) = row.try_get::<Option<String>>("", "email")? else {
        return Ok(None);
    };
    if secret != demo_secret(&email) {
        return Ok(None);
    }
    let last: Option<i64> = row.try_get("", "last_step")?;
    let now = (now_secs() / STEP_SECONDS) as i64;
    // The step after the last one used, if the skew still accepts it.
    let step = last.map_or(now, |last| now.max(last + 1));
    if step > now + 1 {
        return Ok(None);
    }
    code_at(&secret, step as u64 * STEP_SECONDS).map(Some)
}

/// The demo accounts' secret: derived from the address, so the demo needs no phone.
pub fn demo_secret(email: &str) -> String {
    let digest = sha256_hex(&format!("vidan-demo-two-step:{email}"));
    let bytes = hex::decode(&digest[..SECRET_BYTES * 2]).unwrap_or_default();
    Secret::from(bytes).to_base32()
}

/// Turns two-step sign-in on for a demo account with its public secret (if it is not on).
pub async fn enable_for_demo(
    db: &impl ConnectionTrait,
    user_id: i64,
    email: &str,
) -> Result<(), AppError> {
    db.execute_raw(numbered(
        db.get_database_backend(),
        "INSERT INTO two_factor (user_id, secret, created_at, enabled_at, last_step) \
         VALUES (?1, ?2, ?3, ?3, NULL) ON CONFLICT (user_id) DO NOTHING",
        [user_id.into(), demo_secret(email).into(), Utc::now().into()],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238 appendix B, SHA-1: secret "12345678901234567890", 59 s → 94287082 (8
        // digits); the six-digit code is its last six.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(code_at(&secret, 1_111_111_109).unwrap(), "081804");
    }

    #[test]
    fn a_code_is_right_only_near_its_time() {
        let secret = new_secret();
        let now = code_at(&secret, now_secs()).unwrap();
        assert!(step_of(&secret, &now).unwrap().is_some());
        let old = code_at(&secret, now_secs() - 600).unwrap();
        if old != now {
            assert!(step_of(&secret, &old).unwrap().is_none());
        }
        assert!(step_of(&secret, "12345").unwrap().is_none());
        assert!(step_of(&secret, "abcdef").unwrap().is_none());
    }

    #[test]
    fn recovery_codes_are_typed_as_people_type_them() {
        let code = recovery_code();
        assert_eq!(code.len(), 12);
        assert_eq!(
            recovery_hash(&code),
            recovery_hash(&code.to_uppercase().replace('-', " "))
        );
        assert_ne!(recovery_hash(&code), recovery_hash(&recovery_code()));
    }

    #[test]
    fn the_setup_page_gets_a_qr_code_and_a_readable_secret() {
        let e = enrolment(&new_secret(), "lan@example.vn").unwrap();
        assert!(e.url.starts_with("otpauth://totp/"));
        assert!(e.url.contains("issuer=V%C3%AC%20D%C3%A2n") || e.url.contains("issuer=V"));
        assert!(e.qr_svg.contains("<svg"));
        assert_eq!(e.secret.split(' ').count(), 8);
    }
}
