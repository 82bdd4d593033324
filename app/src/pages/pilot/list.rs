//! Every pilot, the ones under way first, with a filter by status.

use leptos::prelude::*;

use crate::layout::Loaded;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::pilot::list_pilots;
use crate::i18n::{k, t};
use crate::pages::pilot::PilotCardView;
use crate::pilot::rules::PilotStatus;

#[component]
pub fn PilotListPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || {
        query
            .read()
            .get("status")
            .filter(|s| PilotStatus::from_code(s).is_some())
    };
    let pilots = Resource::new(status, list_pilots);
    view! {
        <Title text=t(k::NAV_PILOTS)/>
        <header class="page-head">
            <div>
                <h1>{t(k::NAV_PILOTS)}</h1>
                <p class="lead">{t(k::PILOTS_LEAD)}</p>
            </div>
            <a class="button-secondary" href="/dashboard">{t(k::PILOTS_SEE_DASHBOARD)}</a>
        </header>
        <nav class="chip-list" aria-label=t(k::PILOTS_FILTER)>
            {move || {
                let current = status();
                let all = current.is_none();
                std::iter::once(view! { <a class="chip" href="/pilots" aria-current=all.then_some("page")>{t(k::PILOTS_ALL)}</a> }.into_any())
                    .chain(PilotStatus::ALL.into_iter().map(|s| {
                        let here = current.as_deref() == Some(s.code());
                        view! { <a class="chip" href=format!("/pilots?status={}", s.code()) aria-current=here.then_some("page")>{t(s.label())}</a> }.into_any()
                    }))
                    .collect_view()
            }}
        </nav>
        <Loaded resource=pilots let:data>
            {match data {
                list if list.is_empty() => view! { <p class="empty">{t(k::PILOTS_NONE)}</p> }.into_any(),
                list => view! {
                    // The cards' headings are h3, as on the dashboard; the list has its own h2.
                    <h2 class="visually-hidden">{t(k::PILOTS_LIST_HEADING)}</h2>
                    <div class="challenge-grid">
                        {list.into_iter().map(|card| view! { <PilotCardView card/> }).collect_view()}
                    </div>
                }.into_any(),
            }}
        </Loaded>
    }
    .into_any()
}
