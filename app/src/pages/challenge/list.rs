//! The public list of challenges: search (with or without Vietnamese marks), filters, pages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::challenge::list_challenges;
use crate::api::org::list_organisations;
use crate::challenge::rules::Phase;
use crate::i18n::{k, t, tf, use_locale};
use crate::layout::{FieldSelect, Loaded, Pager, query_string};
use crate::pages::challenge::ChallengeCardView;
use crate::report::model::Category;

#[component]
pub fn ChallengeListPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let challenges = Resource::new(
        move || {
            (
                param("q"),
                param("organisation_id"),
                param("phase"),
                param("category"),
                param("page"),
            )
        },
        |(q, org, phase, category, page)| {
            list_challenges(
                q,
                org.and_then(|o| o.parse().ok()),
                phase,
                category,
                page.and_then(|p| p.parse().ok()),
            )
        },
    );
    let orgs = Resource::new(|| (), |_| list_organisations());
    view! {
        <Title text=t(k::CHALLENGES_TITLE)/>
        <h1>{t(k::CHALLENGES_TITLE)}</h1>
        <p class="lead">{t(k::CHALLENGES_INTRO)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let orgs = orgs.await.unwrap_or_default();
                let org_options: Vec<(String, String)> = orgs.iter().map(|o| (o.id.to_string(), o.name(locale).to_owned())).collect();
                let phase_options: Vec<(String, String)> = Phase::PUBLIC.into_iter().chain([Phase::Cancelled]).map(|p| (p.code().to_owned(), t(p.label()).to_owned())).collect();
                let category_options: Vec<(String, String)> = Category::ALL.into_iter().map(|c| (c.code().to_owned(), t(c.label()).to_owned())).collect();
                let none = Signal::derive(|| None::<String>);
                view! {
                    <form method="get" action="/challenges" class="filter-bar card" role="search">
                        <div class="field search-field">
                            <label for="field-q">{t(k::FIELD_SEARCH)}</label>
                            <p class="hint" id="field-q-hint">{t(k::HINT_SEARCH)}</p>
                            <input id="field-q" type="search" name="q" value=param("q").unwrap_or_default() aria-describedby="field-q-hint"/>
                        </div>
                        <FieldSelect name="organisation_id" label=k::FIELD_ORGANISATION options=org_options selected=param("organisation_id").unwrap_or_default() empty_option=k::FILTER_ALL error=none/>
                        <FieldSelect name="phase" label=k::FIELD_PHASE options=phase_options selected=param("phase").unwrap_or_default() empty_option=k::FILTER_ALL error=none/>
                        <FieldSelect name="category" label=k::FIELD_CATEGORY options=category_options selected=param("category").unwrap_or_default() empty_option=k::FILTER_ALL error=none/>
                        <button type="submit" class="button">{t(k::FILTER_SEARCH)}</button>
                    </form>
                }
            })}
        </Suspense>
        <Loaded resource=challenges let:data>
            {match data {
                page if page.items.is_empty() => view! { <p class="empty">{t(k::CHALLENGES_EMPTY)}</p> }.into_any(),
                page => {
                    let keep = (param("q"), param("organisation_id"), param("phase"), param("category"));
                    view! {
                        <p class="muted" role="status">{tf(k::LIST_TOTAL, &[("n", &page.total.to_string())])}</p>
                        <ul class="challenge-grid">
                            {page.items.into_iter().map(|c| view! { <ChallengeCardView card=c/> }).collect_view()}
                        </ul>
                        <Pager page=page.page pages=page.pages href=move |n| format!("/challenges{}", query_string(&[
                            ("q", keep.0.clone()),
                            ("organisation_id", keep.1.clone()),
                            ("phase", keep.2.clone()),
                            ("category", keep.3.clone()),
                            ("page", Some(n.to_string())),
                        ]))/>
                    }.into_any()
                }
            }}
        </Loaded>
    }
}
