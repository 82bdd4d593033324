//! The public list of challenges: search (with or without Vietnamese marks), filters, pages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::challenge::list_challenges;
use crate::api::entry::search_entries;
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
    let entries = Resource::new(
        move || param("q"),
        |q| async move {
            match q {
                Some(q) => search_entries(Some(q)).await.map(Some),
                None => Ok(None),
            }
        },
    );
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
                    // Sent, the page opens at what was found (on a phone the form is a screen tall).
                    <form method="get" action="/challenges#results" class="filter-bar card" role="search">
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
        <div id="results" class="anchor"></div>
        <Loaded resource=entries let:found>
            {found.map(|found| view! { <EntryHitList found query=param("q").unwrap_or_default()/> })}
        </Loaded>
        // The cards' headings sit under this one: seen beside a search's entries, heard always.
        <h2 class:visually-hidden=move || param("q").is_none()>{t(k::SEARCH_CHALLENGES)}</h2>
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

/// The entries (and so the teams) a search found, each linked to its place among the
/// challenge's public entries, where it can be voted for.
#[component]
fn EntryHitList(found: crate::query::model::EntryHits, query: String) -> impl IntoView {
    let n = found.hits.len().to_string();
    let q = crate::links::url_encode(&query);
    view! {
        <section class="entry-hits" aria-labelledby="entry-hits-heading">
            <h2 id="entry-hits-heading">{t(k::SEARCH_ENTRIES)}</h2>
            {found.teams_hidden.then(|| view! { <p class="hint">{t(k::SEARCH_TEAMS_HIDDEN)}</p> })}
            {if found.hits.is_empty() {
                view! { <p class="muted">{t(k::SEARCH_ENTRIES_NONE)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {found.hits.into_iter().map(|h| {
                            let href = format!("/challenges/{}/entries?q={q}#entry-{}", h.slug, h.id);
                            view! {
                                <li>
                                    <a href=href>{h.title}</a>
                                    {h.voting.then(|| view! { <span class="badge-vote">{t(k::SEARCH_VOTING)}</span> })}
                                    <br/>
                                    <span class="muted">
                                        {(!h.team_name.is_empty()).then(|| format!("{} · ", h.team_name))}
                                        {h.challenge_title}
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {found.more.then(|| view! { <p class="hint">{tf(k::SEARCH_ENTRIES_MORE, &[("n", &n)])}</p> })}
                }.into_any()
            }}
        </section>
    }
}
