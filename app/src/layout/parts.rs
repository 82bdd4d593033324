//! Small pieces several pages share: a form that sends files, page links, badges, a countdown.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use server_fn::codec::MultipartData;

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

/// A form that sends files. Without JavaScript it posts `multipart/form-data` to the server
/// function, which redirects back; with it, the same data goes through `send` and errors show
/// in place, with everything typed still in the form.
#[component]
pub fn MultipartForm<F, Fut>(
    /// The server function's path.
    action: &'static str,
    send: F,
    error: RwSignal<Option<AppError>>,
    pending: RwSignal<bool>,
    #[prop(optional)] class: &'static str,
    /// Called after a successful upload (the form is emptied too).
    #[prop(optional)]
    done: Option<Callback<()>>,
    children: Children,
) -> impl IntoView
where
    F: Fn(MultipartData) -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), AppError>> + 'static,
{
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let Ok(data) = leptos::web_sys::FormData::new_with_form(&form) else {
                return;
            };
            ev.prevent_default();
            pending.set(true);
            leptos::task::spawn_local(async move {
                let result = send(MultipartData::from(data)).await;
                pending.set(false);
                let ok = result.is_ok();
                error.set(result.err());
                if ok {
                    form.reset();
                    if let Some(done) = done {
                        done.run(());
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, send, error, pending, done);
    };
    view! {
        <form method="post" action=action enctype="multipart/form-data" class=class on:submit=on_submit>
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

/// Time left until `at`, kept current in the browser once a minute.
#[component]
pub fn Countdown(at: DateTime<Utc>) -> impl IntoView {
    let now = RwSignal::new(Utc::now());
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || now.set(Utc::now()),
            std::time::Duration::from_secs(30),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    }
    view! {
        <time datetime=at.to_rfc3339() class="countdown">{move || time_left(at, now.get())}</time>
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
