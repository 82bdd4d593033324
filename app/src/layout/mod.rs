//! The frame of every page: skip link, header with navigation and the signed-in person, main
//! landmark, footer; and the small form pieces every page uses.

mod form;
mod header;
pub mod in_place;
mod not_found;
mod parts;
mod read_aloud;
mod share;

pub use form::{
    FieldInput, FieldSelect, FieldTextarea, FormAlert, SubmitButton, error_signal, field_error,
    textarea_text,
};
pub use header::Header;
pub use in_place::{FormDone, FormsInPlace, succeeded};
pub use not_found::NotFound;
pub use parts::{Countdown, MultipartForm, Pager, PhaseBadge, query_string, time_left, url_error};
pub use read_aloud::ReadAloud;
pub use share::{Share, SharedAs, SiteOrigin, site_origin};

use leptos::prelude::*;
use leptos::server_fn::client::Client;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};

use std::sync::Arc;

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::{k, t, use_locale};

/// The signed-in person, loaded once per page load.
pub type ViewerResource = Resource<Result<Option<Viewer>, AppError>>;

pub fn viewer_resource() -> ViewerResource {
    expect_context::<ViewerResource>()
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="container footer-inner">
                <p class="footer-brand">"Vì Dân"</p>
                <p>{t(k::FOOTER_TAGLINE)}</p>
                <p class="footer-links">
                    <a href="/dashboard">{t(k::DASHBOARD_TITLE)}</a>
                    <a href="/open-data">{t(k::OPEN_TITLE)}</a>
                    <a href="/calendar">{t(k::NAV_CALENDAR)}</a>
                    <a href="/feed.atom" type="application/atom+xml" rel="external">{t(k::FEED_CITY)}</a>
                </p>
                <p class="muted">{t(k::FOOTER_OPEN_SOURCE)}</p>
            </div>
        </footer>
    }
}

/// A page's data, however its loading ends: `children` given the data; a sign-in prompt, a
/// "not yours" notice or the not-found page (with its 404) when the server says so; any other
/// error in the reader's language. Nothing shows while it first loads (pages are sent whole),
/// and what was shown stays while it loads again after a change.
#[component]
pub fn Loaded<T, F, V>(resource: Resource<Result<T, AppError>>, children: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let locale = use_locale();
    let children = Arc::new(children);
    view! {
        <Transition fallback=|| ()>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => children(data).into_any(),
                        Err(e) => refused(e, locale),
                    }
                })
            }}
        </Transition>
    }
}

/// What a page shows instead of its data when loading it failed: a sign-in prompt, a "not
/// yours" notice or the not-found page (with its 404) when the server says so; any other error
/// in the reader's language.
pub fn refused(error: AppError, locale: crate::i18n::Locale) -> AnyView {
    match error {
        AppError::Unauthenticated => view! { <SignInPrompt/> }.into_any(),
        AppError::Forbidden => view! { <ForbiddenNotice/> }.into_any(),
        AppError::NotFound => view! { <NotFound/> }.into_any(),
        e => view! { <p class="alert alert-error">{e.message(locale)}</p> }.into_any(),
    }
}

/// Shown where a page needs a signed-in person and there is none; signing in leads back here.
#[component]
pub fn SignInPrompt() -> impl IntoView {
    // The page answers 401, as a server function would.
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::UNAUTHORIZED);
    }
    let location = leptos_router::hooks::use_location();
    let sign_in = move || {
        let search = location.search.get();
        let here = match search.is_empty() {
            true => location.pathname.get(),
            false => format!("{}?{search}", location.pathname.get()),
        };
        format!("/sign-in?next={}", crate::links::url_encode(&here))
    };
    view! {
        <section class="card narrow">
            <h1>{t(k::AUTH_REQUIRED_TITLE)}</h1>
            <p>{t(k::AUTH_REQUIRED_BODY)}</p>
            <a class="button" href=sign_in>{t(k::NAV_SIGN_IN)}</a>
        </section>
    }
}

/// On an invitation opened while signed out: sign in (coming back to `next`) or register.
#[component]
pub fn SignInToAnswer(next: String) -> impl IntoView {
    let next = crate::links::url_encode(&next);
    view! {
        <p>{t(k::TEAMS_SIGN_IN_TO_ANSWER)}</p>
        <div class="hero-actions">
            <a class="button" href=format!("/sign-in?next={next}")>{t(k::NAV_SIGN_IN)}</a>
            <a class="button-secondary" href="/register">{t(k::NAV_REGISTER)}</a>
        </div>
    }
}

/// Accept and decline, for an invitation opened by its link: two forms of the same function
/// (`token`, `accept`), each working before the page's code has loaded, with the answer's error
/// above them.
#[component]
pub fn AnswerInvitation<ServFn, OutputProtocol>(
    action: ServerAction<ServFn>,
    token: String,
) -> impl IntoView
where
    ServFn: serde::de::DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, OutputProtocol>, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    <<ServFn::Client as Client<AppError>>::Request as ClientReq<AppError>>::FormData:
        From<leptos::web_sys::FormData>,
    ServFn::Output: Clone + Send + Sync + 'static,
    ServFn::Client: Client<AppError>,
{
    let error = Signal::derive(move || action.value().get().and_then(|answer| answer.err()));
    let accepting = token.clone();
    view! {
        <FormAlert error/>
        <div class="triage-actions">
            <ActionForm action attr:class="inline-form">
                <input type="hidden" name="token" value=accepting/>
                <input type="hidden" name="accept" value="true"/>
                <button type="submit" class="button">{t(k::TEAMS_ACCEPT)}</button>
            </ActionForm>
            <ActionForm action attr:class="inline-form">
                <input type="hidden" name="token" value=token/>
                <input type="hidden" name="accept" value="false"/>
                <button type="submit" class="button-secondary">{t(k::TEAMS_DECLINE)}</button>
            </ActionForm>
        </div>
    }
}

/// Shown where a page needs a role the person does not hold.
#[component]
pub fn ForbiddenNotice() -> impl IntoView {
    // The page answers 403, as a server function would: the refusal is on the record.
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <section class="card narrow">
            <h1>{t(k::ERROR_FORBIDDEN_TITLE)}</h1>
            <p>{t(k::ERROR_FORBIDDEN)}</p>
        </section>
    }
}
