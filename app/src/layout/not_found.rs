//! The page for an address that leads nowhere, with a 404 status.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{k, t};

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t(k::NOT_FOUND_TITLE)/>
        <section class="card narrow center">
            <p class="big-number" aria-hidden="true">"404"</p>
            <h1>{t(k::NOT_FOUND_TITLE)}</h1>
            <p>{t(k::NOT_FOUND_BODY)}</p>
            <a class="button" href="/">{t(k::NOT_FOUND_HOME)}</a>
        </section>
    }
}
