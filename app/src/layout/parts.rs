//! Small pieces several pages share: a form that sends files, page links, badges, a countdown.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::challenge::rules::Phase;
use crate::error::AppError;
use crate::i18n::{k, t, tf};

/// The error of a submission made without JavaScript, carried back in the address by the server.
pub fn url_error(path: &str) -> Option<AppError> {
    use leptos::server::ServerActionError;
    use leptos::server_fn::error::ServerFnUrlError;
    use_context::<ServerActionError>()
        .filter(|e| e.path() == path)
        .map(|e| ServerFnUrlError::<AppError>::decode_err(e.err()))
}

/// A form that sends files (`multipart/form-data`) to a server function, which redirects back.
/// Once the page's code runs, it is sent in place like every other form (`FormsInPlace`): its
/// errors show beside the fields, with everything chosen still in the form.
#[component]
pub fn MultipartForm(
    /// The server function's path.
    action: &'static str,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <form method="post" action=action enctype="multipart/form-data" class=class>
            {children()}
        </form>
    }
}

#[component]
pub fn PhaseBadge(phase: Phase) -> impl IntoView {
    view! { <span class=format!("phase phase-{}", phase.code())>{t(phase.label())}</span> }
}

/// "3 days 4 hours left", "2 hours left": time until `at`, as a person reads it.
pub fn time_left(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (at - now).num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    if days > 0 {
        tf(
            k::COUNTDOWN_DAYS,
            &[("days", &days.to_string()), ("hours", &hours.to_string())],
        )
    } else if hours > 0 {
        tf(
            k::COUNTDOWN_HOURS,
            &[
                ("hours", &hours.to_string()),
                ("minutes", &mins.to_string()),
            ],
        )
    } else {
        tf(k::COUNTDOWN_MINUTES, &[("minutes", &mins.to_string())])
    }
}

/// Time left until `at`, as the page is made.
#[component]
pub fn Countdown(at: DateTime<Utc>) -> impl IntoView {
    view! {
        <time datetime=at.to_rfc3339() class="countdown">{time_left(at, Utc::now())}</time>
    }
}

/// Links to the other pages of a list; `href(n)` gives page n's address.
#[component]
pub fn Pager(page: u64, pages: u64, href: impl Fn(u64) -> String + 'static) -> impl IntoView {
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label=t(k::PAGER_LABEL)>
                {(page > 1).then(|| view! { <a href=href(page - 1) rel="prev">{t(k::PAGER_PREV)}</a> })}
                <span>{tf(k::PAGER_POSITION, &[("page", &page.to_string()), ("pages", &pages.to_string())])}</span>
                {(page < pages).then(|| view! { <a href=href(page + 1) rel="next">{t(k::PAGER_NEXT)}</a> })}
            </nav>
        }
    })
}

/// Builds a query string from the pairs that have a value.
pub fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", crate::links::url_encode(v)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}
