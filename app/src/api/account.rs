//! Server functions for accounts: thin wrappers that check who is asking and call the service.

use leptos::prelude::*;

use crate::auth::Viewer;
use crate::error::AppError;

/// The signed-in person, if any (the header and every page ask this once per load).
#[server(prefix = "/api", endpoint = "account/me")]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    crate::ctx::viewer()
}

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
    let email = crate::account::service::register(
        &db,
        &ctx::links()?,
        &ctx::requester()?,
        crate::account::service::Registration {
            email,
            display_name,
            password,
            locale: auth.locale,
        },
    )
    .await?;
    leptos_axum::redirect(&format!(
        "/verify?email={}",
        crate::links::url_encode(&email)
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/verify")]
pub async fn verify_email(email: String, code: String) -> Result<(), AppError> {
    use crate::ctx;
    let device = ctx::request_private_cookie(crate::account::service::DEVICE_COOKIE);
    let (db, requester) = (ctx::db()?, ctx::requester()?);
    let account =
        crate::account::security::verify(&db, &requester, &email, &code, device.as_deref()).await?;
    leptos_axum::redirect(&format!(
        "/sign-in?verified=1&email={}",
        crate::links::url_encode(&account.email)
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/resend")]
pub async fn resend_code(email: String) -> Result<(), AppError> {
    use crate::account::service::{CodePurpose, resend_code};
    let db = crate::ctx::db()?;
    code_mail_from_here(&db).await?;
    let device = crate::ctx::request_private_cookie(crate::account::service::DEVICE_COOKIE);
    resend_code(
        &db,
        &crate::ctx::links()?,
        &email,
        CodePurpose::Verify,
        device.as_deref(),
    )
    .await
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
    .await
}

#[server(prefix = "/api", endpoint = "account/sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::ctx;
    let auth = ctx::request_auth()?;
    let db = ctx::db()?;
    let device = ctx::request_private_cookie(crate::account::service::DEVICE_COOKIE);
    let account = crate::account::service::check_credentials(
        &db,
        &email,
        password,
        &auth.ip,
        device.as_deref(),
    )
    .await?;
    if account.email_verified_at.is_none() {
        return Err(AppError::conflict("error.not_verified"));
    }
    let next = safe_next(next.as_deref());
    if crate::auth::two_factor::is_on(&db, account.id).await? {
        // The password was right; the session waits for the authenticator's code.
        use crate::auth::two_factor::{STEP_COOKIE, STEP_MINUTES, wait_for_code};
        let token = wait_for_code(&db, account.id).await?;
        ctx::set_cookie(ctx::private_cookie(STEP_COOKIE, &token, STEP_MINUTES * 60));
        leptos_axum::redirect(&format!(
            "/sign-in/code?next={}",
            crate::links::url_encode(&next)
        ));
        return Ok(());
    }
    finish_sign_in(&db, &account, device).await?;
    leptos_axum::redirect(&next);
    Ok(())
}

/// Starts the session of a sign-in whose every step was right: whatever this browser held
/// before ends, and the browser is trusted for the account.
#[cfg(feature = "ssr")]
pub(crate) async fn finish_sign_in(
    db: &sea_orm::DatabaseConnection,
    account: &crate::auth::entity::user::Model,
    device: Option<String>,
) -> Result<(), AppError> {
    use crate::auth::session;
    use crate::ctx;
    let auth = ctx::request_auth()?;
    remember_device(db, account.id, device).await?;
    if let Some(old) = auth.session_id.as_deref() {
        session::end(db, old).await?;
    }
    let token = session::start(db, account.id, &auth.ip, auth.user_agent.as_deref()).await?;
    ctx::set_cookie(ctx::private_cookie(
        session::SESSION_COOKIE,
        &token,
        session::SESSION_DAYS * 86_400,
    ));
    ctx::set_cookie(ctx::cookie(
        crate::i18n::LANG_COOKIE,
        &account.locale,
        365 * 86_400,
        false,
    ));
    Ok(())
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

#[server(prefix = "/api", endpoint = "account/forgot")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::account::service::{CodePurpose, resend_code};
    let email = crate::account::rules::normalise_email(&email);
    crate::account::rules::check_email(&email).map_err(|e| AppError::Invalid(vec![e]))?;
    let db = crate::ctx::db()?;
    code_mail_from_here(&db).await?;
    let device = crate::ctx::request_private_cookie(crate::account::service::DEVICE_COOKIE);
    resend_code(
        &db,
        &crate::ctx::links()?,
        &email,
        CodePurpose::Reset,
        device.as_deref(),
    )
    .await?;
    leptos_axum::redirect(&format!(
        "/reset-password?email={}",
        crate::links::url_encode(&email)
    ));
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/reset")]
pub async fn reset_password(email: String, code: String, password: String) -> Result<(), AppError> {
    use crate::ctx;
    let device = ctx::request_private_cookie(crate::account::service::DEVICE_COOKIE);
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    let account = crate::account::security::reset_password(
        &db,
        &links,
        &requester,
        &email,
        &code,
        password,
        device.as_deref(),
    )
    .await?;
    // The code proved this browser is the owner's: strangers' tries no longer hold it back.
    remember_device(&db, account.id, device).await?;
    leptos_axum::redirect(&format!(
        "/sign-in?reset=1&email={}",
        crate::links::url_encode(&account.email)
    ));
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

/// Trusts this browser for the account (giving it a device cookie if it has none).
#[cfg(feature = "ssr")]
async fn remember_device(
    db: &sea_orm::DatabaseConnection,
    user_id: i64,
    device: Option<String>,
) -> Result<(), AppError> {
    use crate::ctx;
    use crate::token;
    let device = match device {
        Some(device) if device.len() == 64 && device.bytes().all(|b| b.is_ascii_hexdigit()) => {
            device
        }
        _ => {
            let fresh = token::random_token(32);
            ctx::set_cookie(ctx::private_cookie(
                crate::account::service::DEVICE_COOKIE,
                &fresh,
                crate::account::service::DEVICE_DAYS * 86_400,
            ));
            fresh
        }
    };
    crate::account::service::trust_device(db, user_id, &device).await
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

    #[test]
    fn emails_are_encoded_for_query_strings() {}
}
