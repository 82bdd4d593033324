//! The entries of a challenge as everyone reads them once the vote opens or results are out, in
//! an order of each visitor's own; during the vote, each has a vote button that works as a plain
//! form before the page's script has loaded.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::entry::public_entries;
use crate::api::vote::{CastVote, WithdrawVote};
use crate::entry::model::PublicEntry;
use crate::i18n::{format_datetime, k, t, tf};
use crate::layout::{FormAlert, Loaded};
use crate::query::model::PublicEntries;
use crate::vote::model::VoteBox;

#[derive(Clone, Copy)]
struct VoteActions {
    cast: ServerAction<CastVote>,
    withdraw: ServerAction<WithdrawVote>,
}

#[component]
pub fn PublicEntriesPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let actions = VoteActions {
        cast: ServerAction::new(),
        withdraw: ServerAction::new(),
    };
    let entries = Resource::new(
        move || {
            (
                params.read().get("slug").unwrap_or_default(),
                query.read().get("q").filter(|q| !q.trim().is_empty()),
                actions.cast.version().get() + actions.withdraw.version().get(),
            )
        },
        |(slug, q, _)| public_entries(slug, q),
    );
    view! {
        <Title text=t(k::PUBLIC_ENTRIES_TITLE)/>
        <Loaded resource=entries let:list>
            {view! { <EntriesBody list actions/> }}
        </Loaded>
    }
}

#[component]
fn EntriesBody(list: PublicEntries, actions: VoteActions) -> impl IntoView {
    let title = tf(
        k::PUBLIC_ENTRIES_OF,
        &[("challenge", &list.challenge_title)],
    );
    let back = format!("/challenges/{}", list.slug);
    let error = Signal::derive(move || {
        match (actions.cast.value().get(), actions.withdraw.value().get()) {
            (Some(Err(e)), _) | (_, Some(Err(e))) => Some(e),
            _ => None,
        }
    });
    let vote = list.vote.clone();
    let slug = list.slug.clone();
    let shown = list.entries.len();
    let query = list.query.clone();
    let live = vote
        .as_ref()
        .is_some_and(|v| v.open && v.totals.is_some())
        .then(|| view! { <FollowTotals slug=slug.clone()/> });
    let body = if !list.public {
        let when = list.public_from.map(format_datetime);
        view! {
            <p class="empty">
                {match when {
                    Some(at) => tf(k::PUBLIC_ENTRIES_FROM, &[("at", &at)]),
                    None => t(k::PUBLIC_ENTRIES_NOT_YET).to_owned(),
                }}
            </p>
        }
        .into_any()
    } else if list.total == 0 {
        view! { <p class="empty">{t(k::PUBLIC_ENTRIES_NONE)}</p> }.into_any()
    } else if list.entries.is_empty() {
        view! { <p class="empty">{tf(k::PUBLIC_ENTRIES_NO_MATCH, &[("q", &list.query)])}</p> }
            .into_any()
    } else {
        view! {
            <ul class="plain-list entry-list">
                {list.entries.into_iter().map(|e| {
                    let vote = vote.clone();
                    view! { <li><EntryCard entry=e vote actions query=query.clone()/></li> }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Title text=title.clone()/>
        <p class="breadcrumb"><a href=back>{list.challenge_title.clone()}</a></p>
        <h1>{title}</h1>
        {(list.public && list.teams_hidden).then(|| view! { <p class="hint">{t(k::PUBLIC_ENTRIES_TEAMS_HIDDEN)}</p> })}
        {list.vote.clone().map(|v| view! { <VoteSummary vote=v slug=slug.clone()/> })}
        {(list.public && list.total > 1).then(|| view! {
            <EntrySearch slug=slug.clone() query=list.query.clone() teams_hidden=list.teams_hidden shown total=list.total/>
        })}
        <FormAlert error/>
        {body}
        {live}
    }
}

/// Finds an entry by a word of its name or its team's (a plain form: it works before the page's
/// code has loaded), and says how many the words matched.
#[component]
fn EntrySearch(
    slug: String,
    query: String,
    teams_hidden: bool,
    shown: usize,
    total: usize,
) -> impl IntoView {
    let path = format!("/challenges/{slug}/entries");
    let total_text = total.to_string();
    let hint = if teams_hidden {
        k::PUBLIC_ENTRIES_SEARCH_HINT_BLIND
    } else {
        k::PUBLIC_ENTRIES_SEARCH_HINT
    };
    view! {
        // Sent, the page opens at the search and what it found, below the vote's summary.
        <form method="get" action=format!("{path}#entry-search") id="entry-search" class="entry-search" role="search">
            <label for="field-entry-q">{t(k::PUBLIC_ENTRIES_SEARCH)}</label>
            <p class="hint" id="field-entry-q-hint">{t(hint)}</p>
            <div class="search-row">
                <input id="field-entry-q" type="search" name="q" value=query.clone() aria-describedby="field-entry-q-hint" enterkeyhint="search"/>
                <button type="submit" class="button">{t(k::FILTER_SEARCH)}</button>
            </div>
        </form>
        {(!query.is_empty()).then(|| view! {
            <p class="muted" role="status">
                {(shown > 0).then(|| tf(k::PUBLIC_ENTRIES_MATCHED, &[("n", &shown.to_string()), ("total", &total_text), ("q", &query)]))}
                " "<a href=path>{tf(k::PUBLIC_ENTRIES_SHOW_ALL, &[("total", &total_text)])}</a>
            </p>
        })}
    }
}

#[component]
fn VoteSummary(vote: VoteBox, slug: String) -> impl IntoView {
    let now = chrono::Utc::now();
    let used = vote.mine.len().to_string();
    let allowance = vote.allowance.to_string();
    let next = crate::links::url_encode(&format!("/challenges/{slug}/entries"));
    view! {
        <section class="card vote-summary" aria-labelledby="vote-heading">
            <h2 id="vote-heading">{t(k::VOTE_TITLE)}</h2>
            {if vote.open {
                view! {
                    <p>{tf(k::VOTE_OPEN_UNTIL, &[("at", &format_datetime(vote.closes_at))])}</p>
                    <p>{tf(k::VOTE_ALLOWANCE, &[("n", &allowance), ("used", &used)])}</p>
                    {(!vote.signed_in).then(|| view! {
                        <p><a class="button" href=format!("/sign-in?next={next}")>{t(k::VOTE_SIGN_IN)}</a></p>
                    })}
                    {(vote.signed_in && !vote.verified).then(|| view! { <p class="alert alert-error">{t(k::VOTE_VERIFY_FIRST)}</p> })}
                    {vote.requires_phone.then(|| view! { <p class="hint">{t(k::VOTE_ONE_NUMBER)}</p> })}
                    {(vote.signed_in && vote.verified && vote.requires_phone && !vote.phone_proved).then(|| view! {
                        <p class="alert alert-info" role="status">
                            {t(k::VOTE_NEEDS_PHONE)}" "
                            <a href="/account#phone-heading">{t(k::VOTE_ADD_PHONE)}</a>
                        </p>
                    })}
                }.into_any()
            } else if now < vote.opens_at {
                view! { <p>{tf(k::VOTE_OPENS_AT, &[("at", &format_datetime(vote.opens_at))])}</p> }.into_any()
            } else {
                view! {
                    <p>{tf(k::VOTE_CLOSED_AT, &[("at", &format_datetime(vote.closes_at))])}</p>
                    {vote.voters.map(|n| view! { <p><strong>{tf(k::VOTE_TURNOUT, &[("n", &n.to_string())])}</strong></p> })}
                    <p>
                        {t(k::VOTE_BALLOTS)}": "
                        <a href=format!("/challenges/{slug}/ballots.csv") rel="external">"CSV"</a>" · "
                        <a href=format!("/api/votes/ballots?slug={slug}")>"JSON"</a>
                    </p>
                }.into_any()
            }}
            {(vote.open && vote.totals.is_some()).then(|| view! { <p class="hint">{t(k::VOTE_LIVE_NOTE)}</p> })}
        </section>
    }
}

#[component]
fn EntryCard(
    entry: PublicEntry,
    vote: Option<VoteBox>,
    actions: VoteActions,
    query: String,
) -> impl IntoView {
    let heading = format!("entry-{}", entry.id);
    let id = entry.id;
    let loaded = vote
        .as_ref()
        .and_then(|v| v.totals.as_ref())
        .and_then(|t| t.iter().find(|(e, _)| *e == id).map(|(_, n)| *n));
    let button = vote
        .filter(|v| v.open && v.verified && (v.phone_proved || !v.requires_phone))
        .map(|v| {
        let mine = v.mine.contains(&id);
        let title = entry.title.clone();
        if mine {
            // Said in words beside the button (the page may be long, the change small): what
            // happened, and that it can change until the vote closes.
            let until = format_datetime(v.closes_at);
            view! {
                <ActionForm action=actions.withdraw attr:class="inline-form">
                    <input type="hidden" name="entry_id" value=id.to_string()/>
                    <input type="hidden" name="q" value=query.clone()/>
                    <button type="submit" class="button-secondary" aria-pressed="true" aria-label=tf(k::VOTE_WITHDRAW_FOR, &[("title", &title)])>
                        "✓ "{t(k::VOTE_VOTED)}
                    </button>
                </ActionForm>
                <p class="vote-done" role="status">{tf(k::VOTE_DONE, &[("at", &until)])}</p>
            }
            .into_any()
        } else {
            view! {
                <ActionForm action=actions.cast attr:class="inline-form">
                    <input type="hidden" name="entry_id" value=id.to_string()/>
                    <input type="hidden" name="q" value=query.clone()/>
                    <button type="submit" class="button" aria-pressed="false" aria-label=tf(k::VOTE_FOR, &[("title", &title)])>
                        {t(k::VOTE_CAST)}
                    </button>
                </ActionForm>
            }
            .into_any()
        }
    });
    view! {
        <article class="card public-entry" aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{entry.title}</h2>
            {(!entry.team_name.is_empty()).then(|| view! {
                <p class="eyebrow">
                    {entry.team_name}
                    {entry.organisation_name.map(|o| format!(" · {o}"))}
                </p>
            })}
            // The vote first, under the title: on a phone the rest of an entry is screens long.
            {(button.is_some() || loaded.is_some()).then(|| view! {
                <div class="vote-row">
                    {button}
                    {loaded.map(|n| view! { <span class="vote-count" aria-live="polite" data-entry=id.to_string()>{tf(k::VOTE_COUNT, &[("n", &n.to_string())])}</span> })}
                </div>
            })}
            <p>{entry.summary}</p>
            {(!entry.files.is_empty()).then(|| view! {
                <ul class="plain-list files">
                    {entry.files.into_iter().map(|f| view! {
                        <li><a href=f.url()>{f.name.clone()}</a>" "<span class="muted">{f.size_label()}</span></li>
                    }).collect_view()}
                </ul>
            })}
        </article>
    }
}

/// Follows the running totals the server pushes (server-sent events) while the page is open,
/// and writes each entry's count where the page shows it.
#[cfg_attr(feature = "hydrate", island(lazy))]
#[cfg_attr(not(feature = "hydrate"), island)]
fn FollowTotals(slug: String) -> impl IntoView {
    crate::layout::in_place::lazy_island("follow_totals_loader");
    #[cfg(feature = "hydrate")]
    follow_totals(&slug);
    #[cfg(not(feature = "hydrate"))]
    let _ = slug;
}

#[cfg(feature = "hydrate")]
fn follow_totals(slug: &str) {
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;
    let Ok(source) = web_sys::EventSource::new(&format!("/challenges/{slug}/votes/live")) else {
        return;
    };
    let on_totals =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(pushed) = e.data().as_string().and_then(|text| {
                serde_json::from_str::<crate::vote::model::LiveTotals>(&text).ok()
            }) else {
                return;
            };
            for (entry, votes) in pushed.totals {
                let shown = document()
                    .query_selector(&format!(".vote-count[data-entry='{entry}']"))
                    .ok()
                    .flatten();
                if let Some(shown) = shown {
                    let text = tf(k::VOTE_COUNT, &[("n", &votes.to_string())]);
                    if shown.text_content().as_deref() != Some(text.as_str()) {
                        shown.set_text_content(Some(&text));
                    }
                }
            }
        });
    let _ = source.add_event_listener_with_callback("totals", on_totals.as_ref().unchecked_ref());
    on_totals.forget();
    let source = send_wrapper::SendWrapper::new(source);
    on_cleanup(move || source.close());
}
