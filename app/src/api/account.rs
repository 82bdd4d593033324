//! Server functions for accounts: thin wrappers that check who is asking and call the service.

use leptos::prelude::*;

use crate::auth::Viewer;
use crate::error::AppError;

/// The signed-in person, if any (the header and every page ask this once per load).
#[server(prefix = "/api", endpoint = "account/me")]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    crate::ctx::viewer()
}

/// Makes an account with an email address or a Vietnamese mobile number (`email` takes either),
/// and sends a code to it.
#[server(prefix = "/api", endpoint = "account/register")]
pub async fn register(
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::auth::throttle;
    use crate::ctx;
    let auth = ctx::request_auth()?;
    let db = ctx::db()?;
    let per_hour = ctx::server_ctx()?.settings.registrations_per_hour;
    throttle::hit(
        &db,
        crate::account::rules::registrations_per_address(per_hour),
        &throttle::address_of(&auth.ip),
    )
    .await?;
    let login = crate::account::service::register(
        &db,
        &ctx::links()?,
        &ctx::requester()?,
        crate::account::service::Registration {
            login: email,
            display_name,
            password,
            locale: auth.locale,
        },
    )
    .await?;
    leptos_axum::redirect(&format!(
        "/verify?email={}",
        crate::links::url_encode(login.key())
    ));
    Ok(())
}

/// Proves the address or number `email` with the code sent to it.
#[server(prefix = "/api", endpoint = "account/verify")]
pub async fn verify_email(email: String, code: String) -> Result<(), AppError> {
    use crate::ctx;
    let device = ctx::request_private_cookie(crate::account::service::DEVICE_COOKIE);
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    crate::account::security::verify(&db, &requester, &email, &code, device.as_deref()).await?;
    leptos_axum::redirect(&format!(
        "/sign-in?verified=1&email={}",
        crate::links::url_encode(crate::account::rules::Login::read(&email).key())
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/resend")]
pub async fn resend_code(email: String) -> Result<(), AppError> {
    use crate::account::service::{CodePurpose, resend_code};
    let started = tokio::time::Instant::now();
    let db = crate::ctx::db()?;
    code_mail_from_here(&db).await?;
    let device = crate::ctx::request_private_cookie(crate::account::service::DEVICE_COOKIE);
    let sent = resend_code(
        &db,
        &crate::ctx::links()?,
        &email,
        CodePurpose::Verify,
        device.as_deref(),
    )
    .await;
    answer_in_even_time(started).await;
    sent
}

/// Waits until an answer about a code has taken its even time (see
/// [`crate::account::service::CODE_ANSWER_TAKES`]).
#[cfg(feature = "ssr")]
async fn answer_in_even_time(started: tokio::time::Instant) {
    tokio::time::sleep_until(started + crate::account::service::CODE_ANSWER_TAKES).await;
}

/// Counts a request for a code email against the caller's network address (see
/// [`crate::account::service::CODE_MAILS_PER_NETWORK`]).
#[cfg(feature = "ssr")]
async fn code_mail_from_here(db: &sea_orm::DatabaseConnection) -> Result<(), AppError> {
    use crate::auth::throttle;
    use crate::ctx;
    let auth = ctx::request_auth()?;
    throttle::hit(
        db,
        crate::account::service::CODE_MAILS_PER_NETWORK,
        &throttle::address_of(&auth.ip),
    )
    .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::account::sign_in::{Outcome, with_password};
    use crate::ctx;
    let (auth, device) = (ctx::request_auth()?, device_cookie());
    let browser = browser(&auth, device.as_deref());
    let outcome = with_password(&ctx::db()?, &ctx::requester()?, &email, password, browser).await?;
    let next = safe_next(next.as_deref());
    match outcome {
        Outcome::Session(started) => {
            give_session(&started);
            leptos_axum::redirect(&next);
        }
        Outcome::CodeNext { step } => {
            // The password was right; the session waits for the authenticator's code.
            use crate::auth::two_factor::{STEP_COOKIE, STEP_MINUTES};
            ctx::set_cookie(ctx::private_cookie(STEP_COOKIE, &step, STEP_MINUTES * 60));
            leptos_axum::redirect(&format!(
                "/sign-in/code?next={}",
                crate::links::url_encode(&next)
            ));
        }
    }
    Ok(())
}

/// This browser's device token, from its private cookie.
#[cfg(feature = "ssr")]
pub(crate) fn device_cookie() -> Option<String> {
    crate::ctx::request_private_cookie(crate::account::service::DEVICE_COOKIE)
}

/// The browser asking, for the sign-in commands.
#[cfg(feature = "ssr")]
pub(crate) fn browser<'a>(
    auth: &'a crate::ctx::RequestAuth,
    device: Option<&'a str>,
) -> crate::account::sign_in::Browser<'a> {
    crate::account::sign_in::Browser {
        session: auth.session_id.as_deref(),
        device,
        user_agent: auth.user_agent.as_deref(),
    }
}

/// Gives the browser the session a sign-in started: its cookie, the account's language, and a
/// device token when it had none.
#[cfg(feature = "ssr")]
pub(crate) fn give_session(started: &crate::account::sign_in::Started) {
    use crate::auth::session;
    use crate::ctx;
    keep_device(started.new_device.as_deref());
    ctx::set_cookie(ctx::private_cookie(
        session::SESSION_COOKIE,
        &started.token,
        session::SESSION_DAYS * 86_400,
    ));
    ctx::set_cookie(ctx::cookie(
        crate::i18n::LANG_COOKIE,
        &started.locale,
        365 * 86_400,
        false,
    ));
}

/// Gives the browser a new device token to keep, if a command made one.
#[cfg(feature = "ssr")]
fn keep_device(new_device: Option<&str>) {
    use crate::ctx;
    if let Some(device) = new_device {
        ctx::set_cookie(ctx::private_cookie(
            crate::account::service::DEVICE_COOKIE,
            device,
            crate::account::service::DEVICE_DAYS * 86_400,
        ));
    }
}

/// The signed-in person's browsers, this one marked.
#[server(prefix = "/api", endpoint = "account/sessions")]
pub async fn my_sessions() -> Result<Vec<crate::auth::model::SessionInfo>, AppError> {
    use crate::auth::session;
    use crate::ctx;
    let viewer = ctx::require_user()?;
    let auth = ctx::request_auth()?;
    session::list_for(&ctx::db()?, viewer.id, auth.session_id.as_deref()).await
}

/// Signs one of the person's other browsers out (`handle`), or all of them (`all_others`).
#[server(prefix = "/api", endpoint = "account/sessions/end")]
pub async fn end_sessions(
    handle: Option<String>,
    all_others: Option<String>,
) -> Result<(), AppError> {
    use crate::account::security::{Others, end_sessions};
    use crate::ctx;
    let which = match (
        handle.as_deref().filter(|h| !h.is_empty()),
        all_others.is_some(),
    ) {
        (_, true) => Others::All,
        (Some(handle), false) => Others::One(handle),
        (None, false) => return Err(AppError::NotFound),
    };
    let this = ctx::request_auth()?.session_id;
    end_sessions(&ctx::db()?, &ctx::requester()?, this.as_deref(), which).await?;
    leptos_axum::redirect("/account#sessions-heading");
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::auth::session;
    use crate::ctx;
    let auth = ctx::request_auth()?;
    if let Some(id) = auth.session_id {
        session::end(&ctx::db()?, &id).await?;
    }
    ctx::set_cookie(ctx::private_cookie(session::SESSION_COOKIE, "", 0));
    leptos_axum::redirect("/");
    Ok(())
}

/// Sends a code to reset the password to the address or number `email`, if an account has it;
/// the answer is the same either way.
#[server(prefix = "/api", endpoint = "account/forgot")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::account::service::{CodePurpose, resend_code};
    let started = tokio::time::Instant::now();
    let login = crate::account::rules::Login::parse("email", &email)
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let email = login.key();
    let db = crate::ctx::db()?;
    code_mail_from_here(&db).await?;
    let device = crate::ctx::request_private_cookie(crate::account::service::DEVICE_COOKIE);
    let sent = resend_code(
        &db,
        &crate::ctx::links()?,
        email,
        CodePurpose::Reset,
        device.as_deref(),
    )
    .await;
    answer_in_even_time(started).await;
    sent?;
    leptos_axum::redirect(&format!(
        "/reset-password?email={}",
        crate::links::url_encode(email)
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/reset")]
pub async fn reset_password(email: String, code: String, password: String) -> Result<(), AppError> {
    use crate::ctx;
    let device = device_cookie();
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    let (_, new_device) = crate::account::security::reset_password(
        &db,
        &links,
        &requester,
        &email,
        &code,
        password,
        device.as_deref(),
    )
    .await?;
    keep_device(new_device.as_deref());
    leptos_axum::redirect(&format!(
        "/sign-in?reset=1&email={}",
        crate::links::url_encode(crate::account::rules::Login::read(&email).key())
    ));
    Ok(())
}

/// Sends a code by text message to `phone`, to add it to the signed-in person's account (or to
/// replace the one it has). Within the limits of every code; the answer says nothing of whether
/// another account has the number.
#[server(prefix = "/api", endpoint = "account/phone")]
pub async fn add_phone(phone: String, password: String) -> Result<(), AppError> {
    use crate::ctx;
    let started = tokio::time::Instant::now();
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    code_mail_from_here(&db).await?;
    let asked = crate::account::phone::ask(&db, &links, &requester, &phone, password).await;
    answer_in_even_time(started).await;
    match asked? {
        Some(number) => leptos_axum::redirect(&format!(
            "/account?phone={}#phone-heading",
            crate::links::url_encode(&number)
        )),
        None => leptos_axum::redirect("/account?phone_added=1#phone-heading"),
    }
    Ok(())
}

/// Adds the number `phone` to the signed-in person's account with the code sent to it.
#[server(prefix = "/api", endpoint = "account/phone/confirm")]
pub async fn confirm_phone(phone: String, code: String) -> Result<(), AppError> {
    use crate::ctx;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    let device = device_cookie();
    crate::account::phone::confirm(&db, &links, &requester, &phone, &code, device.as_deref())
        .await?;
    leptos_axum::redirect("/account?phone_added=1#phone-heading");
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::auth::session;
    use crate::ctx;
    let user_agent = ctx::request_auth()?.user_agent;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    let token = crate::account::security::change_password(
        &db,
        &links,
        &requester,
        user_agent.as_deref(),
        current_password,
        new_password,
    )
    .await?;
    // Every session ended, this one too; this browser gets the new one.
    ctx::set_cookie(ctx::private_cookie(
        session::SESSION_COOKIE,
        &token,
        session::SESSION_DAYS * 86_400,
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/profile")]
pub async fn update_profile(display_name: String, locale: String) -> Result<(), AppError> {
    use crate::ctx;
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    let locale =
        crate::account::service::set_profile(&db, &requester, &display_name, &locale).await?;
    ctx::set_cookie(ctx::cookie(
        crate::i18n::LANG_COOKIE,
        locale.code(),
        365 * 86_400,
        false,
    ));
    leptos_axum::redirect("/account?saved=1");
    Ok(())
}

/// Deletes the signed-in person's account once they confirm with their password; they are
/// signed out everywhere and land on the home page with a word of goodbye.
#[server(prefix = "/api", endpoint = "account/delete")]
pub async fn delete_account(password: String, confirm: Option<String>) -> Result<(), AppError> {
    use crate::auth::session;
    use crate::ctx;
    let confirmed = confirm.as_deref() == Some("yes");
    crate::privacy::delete_own(&ctx::db()?, &ctx::requester()?, password, confirmed).await?;
    ctx::set_cookie(ctx::private_cookie(session::SESSION_COOKIE, "", 0));
    leptos_axum::redirect("/?account_deleted=1");
    Ok(())
}

/// Where to go after signing in or changing language: only a path on this site. Anything a
/// browser could read as another site is refused: `//host`, `/\host`, and tabs, newlines or
/// other characters an address cannot hold as they are, which browsers strip or rewrite (to
/// them, `/\t/host` is `//host`). A path that needs such characters arrives percent-encoded.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if is_own_path(path) => path.to_owned(),
        _ => "/".to_owned(),
    }
}

fn is_own_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= 2_000
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%#".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_only_returns_to_paths_on_this_site() {
        assert_eq!(safe_next(Some("/account")), "/account");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        for sneaky in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "\t//evil.example",
            "/\u{0}/evil.example",
            "/\u{3000}/evil.example",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(Some(sneaky)), "/", "{sneaky:?}");
        }
        assert_eq!(
            safe_next(Some(
                "/challenges?phase=voting&q=h%E1%BB%93%20s%C6%A1#entries"
            )),
            "/challenges?phase=voting&q=h%E1%BB%93%20s%C6%A1#entries"
        );
    }
}
