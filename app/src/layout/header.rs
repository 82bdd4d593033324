//! The site header: brand, navigation, language switch, notifications bell and account links.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::api::account::SignOut;
use crate::auth::Viewer;
use crate::i18n::{Locale, k, t, tf, use_locale};

#[component]
pub fn Header(viewer: Option<Viewer>) -> impl IntoView {
    let is_admin = viewer.as_ref().is_some_and(|v| v.is_admin);
    let is_staff = viewer.as_ref().is_some_and(|v| v.is_staff());
    let is_judge = viewer.as_ref().is_some_and(|v| v.is_judge);
    let signed_in = viewer.is_some();
    let office_waiting = viewer.as_ref().is_some_and(|v| v.office_waiting);
    let account_name = viewer.as_ref().map(|v| v.display_name.clone());
    // On a phone the menu folds away behind a button (a checkbox and its label: it opens
    // without any code); a link followed loads its page, with the menu folded again.
    view! {
        <header class="site-header">
            <div class="container header-top">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"VD"</span>
                    <span class="brand-text">
                        <span class="brand-name">"Vì Dân"</span>
                        <span class="brand-tagline">{t(k::BRAND_TAGLINE)}</span>
                    </span>
                </a>
                <div class="header-actions">
                    <LanguageSwitch/>
                    {match viewer {
                        Some(v) => view! { <AccountLinks viewer=v/> }.into_any(),
                        None => view! {
                            <a class="header-link" href="/sign-in">{t(k::NAV_SIGN_IN)}</a>
                            <a class="button button-small hide-on-phone" href="/register">{t(k::NAV_REGISTER)}</a>
                        }.into_any(),
                    }}
                    <label for="nav-toggle" class="nav-toggle-label" title=t(k::NAV_MENU)>
                        <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
                            <path d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" fill="currentColor"/>
                        </svg>
                        <span class="visually-hidden">{t(k::NAV_MENU)}</span>
                    </label>
                </div>
            </div>
            <input type="checkbox" id="nav-toggle" class="nav-toggle" aria-controls="main-nav"/>
            <nav id="main-nav" class="container main-nav" aria-label=t(k::NAV_LABEL)>
                <A href="/" exact=true>{t(k::NAV_HOME)}</A>
                <A href="/challenges">{t(k::NAV_CHALLENGES)}</A>
                <A href="/reports">{t(k::NAV_REPORTS)}</A>
                <A href="/pilots">{t(k::NAV_PILOTS)}</A>
                <A href="/organisations" exact=true>{t(k::NAV_ORGANISATIONS)}</A>
                {signed_in.then(|| view! { <A href="/teams">{t(k::NAV_TEAMS)}</A> })}
                {is_judge.then(|| view! { <A href="/judging">{t(k::NAV_JUDGING)}</A> })}
                {is_staff.then(|| view! { <A href="/staff">{t(k::NAV_STAFF)}</A> })}
                {is_admin.then(|| view! {
                    <A href="/admin" exact=true>{t(k::NAV_ADMIN)}</A>
                    <A href="/admin/audit" exact=true>{t(k::NAV_AUDIT)}</A>
                })}
                // What the header's row has no room for on a phone.
                {match account_name {
                    Some(name) => view! { <A href="/account" attr:class="phone-only">{name}</A> }.into_any(),
                    None => view! { <a class="phone-only" href="/register">{t(k::NAV_REGISTER)}</a> }.into_any(),
                }}
            </nav>
            {office_waiting.then(|| view! {
                <div class="office-banner" role="status">
                    <p class="container">
                        {t(k::TWO_STEP_BANNER)}
                        <a href="/account#two-step-heading">{t(k::TWO_STEP_BANNER_LINK)}</a>
                    </p>
                </div>
            })}
        </header>
    }
}

/// A plain form to `/lang`: it works before the wasm loads, and reloads the page in the new language.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let current = use_locale();
    let other = match current {
        Locale::Vi => Locale::En,
        Locale::En => Locale::Vi,
    };
    let location = use_location();
    let back = move || {
        let search = location.search.get();
        let path = location.pathname.get();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    // Each language is named in itself, so a reader of either can find it; a narrow phone shows
    // its code (the name is still what is heard).
    let (name, short) = match other {
        Locale::En => ("English", "EN"),
        Locale::Vi => ("Tiếng Việt", "VI"),
    };
    view! {
        <form method="post" action="/lang" class="lang-switch">
            <input type="hidden" name="lang" value=other.code()/>
            <input type="hidden" name="back" value=back/>
            <button type="submit" class="button-ghost lang-button" lang=other.code()>
                <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
                    <path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm6.9 6h-3a15.7 15.7 0 0 0-1.3-3.9A8 8 0 0 1 18.9 8ZM12 4c.8 1.2 1.5 2.5 1.9 4h-3.8c.4-1.5 1.1-2.8 1.9-4ZM4.3 14a8.2 8.2 0 0 1 0-4h3.4a16.5 16.5 0 0 0 0 4H4.3Zm.8 2h3a15.7 15.7 0 0 0 1.3 3.9A8 8 0 0 1 5.1 16Zm3-8h-3a8 8 0 0 1 4.3-3.9C8.9 5.3 8.4 6.6 8.1 8ZM12 20c-.8-1.2-1.5-2.5-1.9-4h3.8c-.4 1.5-1.1 2.8-1.9 4Zm2.3-6H9.7a14.7 14.7 0 0 1 0-4h4.6a14.7 14.7 0 0 1 0 4Zm.3 5.9c.6-1.2 1-2.5 1.3-3.9h3a8 8 0 0 1-4.3 3.9Zm1.7-5.9a16.5 16.5 0 0 0 0-4h3.4a8.2 8.2 0 0 1 0 4h-3.4Z" fill="currentColor"/>
                </svg>
                <span class="lang-name">{name}</span>
                <span class="lang-code" aria-hidden="true">{short}</span>
            </button>
        </form>
    }
}

#[component]
fn AccountLinks(viewer: Viewer) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let unread = viewer.unread_notifications;
    let bell_label = tf(k::NAV_NOTIFICATIONS_COUNT, &[("n", &unread.to_string())]);
    view! {
        // The name is in the link's text, not an aria-label, so that what is seen (the count) is
        // part of what is heard.
        <a class="bell" href="/notifications" title=bell_label.clone()>
            <span class="visually-hidden">{bell_label.clone()}</span>
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
                <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" fill="currentColor"/>
            </svg>
            {(unread > 0).then(|| view! { <span class="badge" aria-hidden="true">{unread.min(99)}</span> })}
        </a>
        <a class="header-link account-link hide-on-phone" href="/account">{viewer.display_name}</a>
        // On a phone the account page has the sign-out button; the header keeps to one row.
        <ActionForm action=sign_out attr:class="inline-form hide-on-phone">
            <button type="submit" class="button-ghost">{t(k::NAV_SIGN_OUT)}</button>
        </ActionForm>
    }
}
