//! Two-step sign-in, as a person meets it: turning it on from the account page (a QR code for
//! the authenticator app, then ten recovery codes to keep on paper), and giving the app's code
//! after the password.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The account page's two-step card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TwoStepState {
    pub enabled_at: Option<DateTime<Utc>>,
    pub recovery_left: i64,
    /// A secret waiting for the app's first code: what to scan or type.
    pub pending: Option<PendingSecret>,
    /// The person holds an office that waits for two-step sign-in.
    pub required: bool,
    /// Recovery codes just made by a form sent without the page's code (see
    /// [`keep_codes_for_the_page`]), shown this once.
    pub fresh_codes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingSecret {
    pub secret: String,
    /// The QR code (SVG drawn by the server from the secret alone).
    pub qr_svg: String,
}

/// The second step's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaitingCode {
    /// A sign-in waits for its code (else the password must be given again).
    pub waiting: bool,
    /// On the demo site, the code the demo account's app would show.
    pub demo_code: Option<String>,
}

#[server(prefix = "/api", endpoint = "account/two-step")]
pub async fn two_step_status() -> Result<TwoStepState, AppError> {
    use crate::auth::two_factor;
    use crate::ctx;
    let viewer = ctx::require_user()?;
    let session = ctx::request_auth()?.session_id.unwrap_or_default();
    let db = ctx::db()?;
    let state = two_factor::state(&db, viewer.id).await?;
    let pending = two_factor::pending(&db, viewer.id, viewer.reached_at(), &session)
        .await?
        .map(|e| PendingSecret {
            secret: e.secret,
            qr_svg: e.qr_svg,
        });
    let mut fresh_codes = Vec::new();
    if let Some(kept) = ctx::request_private_cookie(CODES_COOKIE) {
        ctx::set_cookie(ctx::private_cookie(CODES_COOKIE, "", 0));
        let codes: Vec<String> = kept.split('.').map(str::to_owned).collect();
        // Shown only if they are this account's unused codes: a cookie planted by anyone else
        // cannot make the page show codes that do not work.
        if two_factor::all_unused(&db, viewer.id, &codes).await? {
            fresh_codes = codes;
        }
    }
    Ok(TwoStepState {
        enabled_at: state.enabled_at,
        recovery_left: state.recovery_left,
        pending,
        required: viewer.office_waiting,
        fresh_codes,
    })
}

/// Where recovery codes wait for the account page when the form that made them was sent without
/// the page's code (pressed before it loaded, or with JavaScript off): the answer cannot carry
/// them, so they stay for five minutes in a private cookie of this browser, and the page shows
/// them once and clears it.
#[cfg(feature = "ssr")]
const CODES_COOKIE: &str = "vidan_recovery_codes";

#[cfg(feature = "ssr")]
fn keep_codes_for_the_page(codes: &[String]) {
    use crate::ctx;
    if ctx::plain_form_post() {
        ctx::set_cookie(ctx::private_cookie(CODES_COOKIE, &codes.join("."), 300));
        leptos_axum::redirect("/account#two-step-heading");
    }
}

/// Draws a new secret for the authenticator app (the card then shows its QR code); an official
/// whose office waits for it is also sent a code by email (see [`crate::account::two_step::begin`]).
#[server(prefix = "/api", endpoint = "account/two-step/begin")]
pub async fn two_step_begin() -> Result<(), AppError> {
    use crate::ctx;
    let session = ctx::request_auth()?.session_id.unwrap_or_default();
    let device = crate::api::account::device_cookie();
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::account::two_step::begin(&db, &links, &requester, &session, device.as_deref()).await
}

/// Turns two-step sign-in on with the app's first code; answers the recovery codes, shown once.
/// Other browsers signed in with the password alone are signed out.
#[server(prefix = "/api", endpoint = "account/two-step/confirm")]
pub async fn two_step_confirm(
    code: String,
    #[server(default)] email_code: String,
) -> Result<Vec<String>, AppError> {
    use crate::account::two_step::{FirstCode, turn_on};
    use crate::ctx;
    let requester = ctx::requester()?;
    let session = ctx::request_auth()?.session_id;
    let device = ctx::request_private_cookie(crate::account::service::DEVICE_COOKIE);
    let proof = FirstCode {
        code: &code,
        email_code: &email_code,
        session: session.as_deref(),
        device: device.as_deref(),
    };
    let codes = turn_on(&ctx::db()?, &requester, proof).await?;
    keep_codes_for_the_page(&codes);
    Ok(codes)
}

/// New recovery codes for old ones, with a current code from the app (or a recovery code).
#[server(prefix = "/api", endpoint = "account/two-step/recovery-codes")]
pub async fn two_step_new_codes(code: String) -> Result<Vec<String>, AppError> {
    use crate::ctx;
    let codes =
        crate::account::two_step::renew_codes(&ctx::db()?, &ctx::requester()?, &code).await?;
    keep_codes_for_the_page(&codes);
    Ok(codes)
}

/// Turns two-step sign-in off, with a current code (an official's roles wait again).
#[server(prefix = "/api", endpoint = "account/two-step/off")]
pub async fn two_step_off(code: String) -> Result<(), AppError> {
    use crate::ctx;
    crate::account::two_step::turn_off(&ctx::db()?, &ctx::requester()?, &code).await?;
    leptos_axum::redirect("/account#two-step-heading");
    Ok(())
}

/// An administrator turns off the two-step sign-in of someone who lost both their phone and
/// their recovery codes (after checking who they are, face to face or by phone: `reason` says
/// how). Their sessions end, their office waits until they set it up again, the reset is
/// recorded and they are told by email. Nobody resets their own: that is what recovery codes are
/// for.
#[server(prefix = "/api", endpoint = "admin/two-step/reset")]
pub async fn reset_two_step(email: String, reason: String) -> Result<(), AppError> {
    use crate::ctx;
    ctx::require_admin()?;
    let (db, links, requester) = (ctx::db()?, ctx::links()?, ctx::requester()?);
    crate::account::two_step::reset(&db, &links, &requester, &email, &reason).await
}

#[server(prefix = "/api", endpoint = "account/sign-in/step")]
pub async fn code_step() -> Result<WaitingCode, AppError> {
    use crate::auth::two_factor;
    use crate::ctx;
    let db = ctx::db()?;
    let Some(token) = ctx::request_private_cookie(two_factor::STEP_COOKIE) else {
        return Ok(WaitingCode {
            waiting: false,
            demo_code: None,
        });
    };
    let user = two_factor::peek(&db, &token).await?;
    let demo = ctx::server_ctx()?.settings.demo_hints;
    let demo_code = match (user, demo) {
        (Some(id), true) => two_factor::demo_hint(&db, id).await?,
        _ => None,
    };
    Ok(WaitingCode {
        waiting: user.is_some(),
        demo_code,
    })
}

/// The second step of signing in: the app's code (or a recovery code) for the password given
/// a moment ago in this browser.
#[server(prefix = "/api", endpoint = "account/sign-in/code")]
pub async fn sign_in_code(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::api::account::{browser, device_cookie, give_session, safe_next};
    use crate::auth::two_factor::STEP_COOKIE;
    use crate::ctx;
    let (auth, device) = (ctx::request_auth()?, device_cookie());
    let step = ctx::request_private_cookie(STEP_COOKIE);
    let started = crate::account::sign_in::with_code(
        &ctx::db()?,
        &ctx::requester()?,
        step.as_deref(),
        &code,
        browser(&auth, device.as_deref()),
    )
    .await?;
    ctx::set_cookie(ctx::private_cookie(STEP_COOKIE, "", 0));
    give_session(&started);
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}
