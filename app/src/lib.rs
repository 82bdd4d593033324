#![recursion_limit = "256"]
//! Vì Dân: a city's innovation challenges for its public services, from the problem to the pilot.
//!
//! One folder per noun of the product (its domain: `model.rs`, types shared with the browser;
//! on the server only, `entity.rs`, `rules.rs`, `service.rs`), standing on floors that use only
//! those below; above them the edges, each a folder: `api/` (server functions), `query/`
//! (what a page shows), `pages/` and `layout/`. `shape.rs` holds the order.

/// The end of an entity module whose table has no relations sea-orm needs to know.
#[cfg(feature = "ssr")]
macro_rules! plain_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod account;
pub mod api;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod challenge;
pub mod commitment;
pub mod csv;
#[cfg(feature = "ssr")]
pub mod ctx;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod entry;
pub mod error;
#[cfg(feature = "ssr")]
pub mod feed;
#[cfg(feature = "ssr")]
pub mod group_commit;
pub mod helper;
pub mod i18n;
pub mod invitation;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod judging;
pub mod layout;
pub mod links;
pub mod mail;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod measure;
pub mod notify;
#[cfg(feature = "ssr")]
pub mod open;
pub mod org;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod participation;
pub mod pilot;
#[cfg(feature = "ssr")]
pub mod privacy;
pub mod query;
pub mod report;
mod routes;
#[cfg(all(test, feature = "ssr"))]
mod shape;
#[cfg(feature = "ssr")]
pub mod site_key;
pub mod sms;
#[cfg(feature = "ssr")]
pub mod sql;
pub mod team;
#[cfg(feature = "ssr")]
pub mod token;
pub mod upload;
pub mod vote;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::i18n::{Locale, k, t};
use crate::layout::{Footer, Header, ViewerResource};

const SITE_NAME: &str = "Vì Dân";

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = request_locale();
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    let scripts = routes::runs_in_browser(&request_path());
    // Only islands carry their data into the page, and only on a page that loads their code:
    // without it, nothing of the page's reads is written into it for a browser to pick up.
    if !scripts && let Some(shared) = Owner::current_shared_context() {
        shared.set_is_hydrating(false);
    }
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                // The stylesheet under its content-hashed name in a release build.
                <HashedStylesheet options=options.clone() id="leptos"/>
                {scripts.then(|| view! { <HydrationScripts options islands=true/> })}
                // Keeps the reader's place when the language changes (`public/place.js`).
                <script src="/place.js" defer=true></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from this site or carrying this render's
/// nonce (the hydration bootstrap does), WebAssembly allowed, no framing.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.to_string())
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The address of the page being rendered (the shell renders on the server only).
fn request_path() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| parts.uri.path().to_owned())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

/// The site's own address ([`layout::SiteOrigin`]): the configured one while the server renders,
/// the one the browser reached once it runs the page.
fn site_origin() -> layout::SiteOrigin {
    use layout::SiteOrigin;
    #[cfg(feature = "ssr")]
    {
        SiteOrigin(
            crate::ctx::links()
                .map(|links| links.to(""))
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_owned(),
        )
    }
    #[cfg(not(feature = "ssr"))]
    {
        SiteOrigin(window().location().origin().unwrap_or_default())
    }
}

/// The form that succeeded and came back to this page, if one did (read on the server only).
fn form_done() -> layout::FormDone {
    #[cfg(feature = "ssr")]
    {
        layout::FormDone(crate::ctx::request_cookie(crate::ctx::DONE_COOKIE))
    }
    #[cfg(not(feature = "ssr"))]
    {
        layout::FormDone(None)
    }
}

/// The page's language: on the server from the request, in the browser from `<html lang>`.
/// Outside a request (the router rendering the app once at start-up to list its routes) it is
/// Vietnamese, without logging an error.
fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        crate::ctx::try_request_auth()
            .map(|a| a.locale)
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        use_context::<Locale>().unwrap_or_else(|| {
            document()
                .document_element()
                .and_then(|e| e.get_attribute("lang"))
                .map(|code| Locale::from_code(&code))
                .unwrap_or_default()
        })
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = request_locale();
    provide_context(locale);
    provide_context(site_origin());
    provide_context(form_done());
    let viewer: ViewerResource = Resource::new_blocking(|| (), |_| api::account::get_viewer());
    provide_context(viewer);
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Meta name="description" content=t(k::META_DESCRIPTION)/>
        <Meta name="theme-color" content="#0b5d4b"/>
        // The site's name stays the title while a page's own code is still loading.
        <Title text=SITE_NAME formatter=|title: String| {
            let title = if title == SITE_NAME { title } else { format!("{title} · {SITE_NAME}") };
            // The server writes <title> into the page as it is given (a team named
            // "</title><script>…" would close it); the browser sets it as text.
            if cfg!(feature = "ssr") { escape_title(&title) } else { title }
        }/>
        <Router>
            <a class="skip-link" href="#main">{t(k::SKIP_TO_CONTENT)}</a>
            <Suspense fallback=|| view! { <Header viewer=None/> }>
                {move || Suspend::new(async move { view! { <Header viewer=viewer.await.ok().flatten()/> } })}
            </Suspense>
            <main id="main" class="container main" tabindex="-1">
                <Routes fallback=|| view! { <pages::NotFound/> }>
                    <Route path=path!("/") view=pages::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/organisations") view=pages::org::OrganisationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/challenges") view=pages::challenge::ChallengeListPage ssr=SsrMode::Async/>
                    <Route path=path!("/challenges/:slug") view=pages::challenge::ChallengePage ssr=SsrMode::Async/>
                    <Route path=path!("/challenges/:slug/entries") view=pages::entry::public::PublicEntriesPage ssr=SsrMode::Async/>
                    <Route path=path!("/challenges/:slug/results") view=pages::judging::ResultsPage ssr=SsrMode::Async/>
                    <Route path=path!("/judging") view=pages::judging::JudgingHomePage ssr=SsrMode::Async/>
                    <Route path=path!("/judging/invitations/:token") view=pages::judging::PanelInvitationPage ssr=SsrMode::Async/>
                    <Route path=path!("/judging/entries/:id") view=pages::judging::ScoreSheetPage ssr=SsrMode::Async/>
                    <Route path=path!("/judging/:id") view=pages::judging::JudgeQueuePage ssr=SsrMode::Async/>
                    <Route path=path!("/pilots") view=pages::pilot::PilotListPage ssr=SsrMode::Async/>
                    <Route path=path!("/pilots/:id") view=pages::pilot::PilotPage ssr=SsrMode::Async/>
                    <Route path=path!("/pilots/:id/manage") view=pages::pilot::PilotManagePage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard") view=pages::pilot::DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/open-data") view=pages::OpenDataPage ssr=SsrMode::Async/>
                    <Route path=path!("/calendar") view=pages::calendar::CalendarPage ssr=SsrMode::Async/>
                    <Route path=path!("/reports") view=pages::report::ReportListPage ssr=SsrMode::Async/>
                    <Route path=path!("/reports/new") view=pages::report::ReportNewPage ssr=SsrMode::Async/>
                    <Route path=path!("/reports/new/assisted") view=pages::report::AssistedReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/helpers") view=pages::helper::HelpersPage ssr=SsrMode::Async/>
                    <Route path=path!("/commitments") view=pages::commitment::CommitmentListPage ssr=SsrMode::Async/>
                    <Route path=path!("/commitments/new") view=pages::commitment::CommitmentNewPage ssr=SsrMode::Async/>
                    <Route path=path!("/commitments/:id") view=pages::commitment::CommitmentPage ssr=SsrMode::Async/>
                    <Route path=path!("/reports/:id") view=pages::report::ReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/receipt") view=pages::report::ReceiptPage ssr=SsrMode::Async/>
                    <Route path=path!("/teams") view=pages::team::MyTeamsPage ssr=SsrMode::Async/>
                    <Route path=path!("/teams/new") view=pages::team::TeamNewPage ssr=SsrMode::Async/>
                    <Route path=path!("/teams/invitations/:token") view=pages::team::InvitationPage ssr=SsrMode::Async/>
                    <Route path=path!("/teams/:id") view=pages::team::TeamPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff") view=pages::challenge::StaffDashboard ssr=SsrMode::Async/>
                    <Route path=path!("/staff/challenges/new") view=pages::challenge::ChallengeCreatePage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/challenges/:id") view=pages::challenge::ChallengeEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/challenges/:id/judging") view=pages::judging::JudgingSetupPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/challenges/:id/votes") view=pages::vote::VoteReviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/staff/pilots/new") view=pages::pilot::PilotNewPage ssr=SsrMode::Async/>
                    <Route path=path!("/register") view=pages::account::RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify") view=pages::account::VerifyPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in") view=pages::account::SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in/code") view=pages::account::SignInCodePage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password") view=pages::account::ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password") view=pages::account::ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=pages::account::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view=pages::notify::NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=pages::org::AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=pages::audit::AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/dev/mailbox") view=pages::mail::MailboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/dev/sms") view=pages::mail::SmsPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <Footer/>
            {routes::runs_in_browser(&request_path()).then(|| view! { <layout::FormsInPlace/> })}
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // A server function that redirects (sign in, sign out, …) reloads the whole page, so every
    // part of it sees the new session; set before the router sets its own hook.
    let _ = server_fn::redirect::set_redirect_hook(layout::in_place::go_to);
    // Every island of the page hydrates under one root; what they all read (the page's language,
    // the site's address) is provided on it, as the server provides it around the whole page.
    leptos::mount::hydrate_islands();
    provide_context(request_locale());
    provide_context(site_origin());
    // The islands hydrate after this, the lazy ones once their code has loaded; the last to run
    // marks the page live (`layout::in_place::hydrated`).
}

/// `title` as text inside the page's `<title>` element.
fn escape_title(title: &str) -> String {
    title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
