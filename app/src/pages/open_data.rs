//! The open data page: what the API offers, in both languages, with examples a journalist can
//! paste into a terminal or a spreadsheet. The machine-readable list is the OpenAPI document.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{Text, k, t};

/// One endpoint as the page lists it.
struct Endpoint {
    path: &'static str,
    what: Text,
    example: &'static str,
}

const ENDPOINTS: &[(Text, &[Endpoint])] = &[
    (
        k::OPEN_GROUP_CITY,
        &[
            Endpoint {
                path: "/api/v1/organisations",
                what: k::OPEN_EP_ORGANISATIONS,
                example: "/api/v1/organisations",
            },
            Endpoint {
                path: "/api/v1/reports",
                what: k::OPEN_EP_REPORTS,
                example: "/api/v1/reports?status=answered&limit=20",
            },
            Endpoint {
                path: "/api/v1/dashboard",
                what: k::OPEN_EP_DASHBOARD,
                example: "/api/v1/dashboard",
            },
            Endpoint {
                path: "/api/v1/commitments",
                what: k::OPEN_EP_COMMITMENTS,
                example: "/api/v1/commitments",
            },
        ],
    ),
    (
        k::OPEN_GROUP_CHALLENGES,
        &[
            Endpoint {
                path: "/api/v1/challenges",
                what: k::OPEN_EP_CHALLENGES,
                example: "/api/v1/challenges?phase=open",
            },
            Endpoint {
                path: "/api/v1/challenges.csv",
                what: k::OPEN_EP_CHALLENGES_CSV,
                example: "/api/v1/challenges.csv",
            },
            Endpoint {
                path: "/api/v1/challenges/{slug}",
                what: k::OPEN_EP_CHALLENGE,
                example: "/api/v1/challenges/{slug}",
            },
            Endpoint {
                path: "/api/v1/challenges/{slug}/entries",
                what: k::OPEN_EP_ENTRIES,
                example: "/api/v1/challenges/{slug}/entries",
            },
            Endpoint {
                path: "/api/v1/challenges/{slug}/entries.csv",
                what: k::OPEN_EP_ENTRIES_CSV,
                example: "/api/v1/challenges/{slug}/entries.csv",
            },
            Endpoint {
                path: "/api/v1/challenges/{slug}/results",
                what: k::OPEN_EP_RESULTS,
                example: "/api/v1/challenges/{slug}/results",
            },
            Endpoint {
                path: "/api/v1/challenges/{slug}/results.csv",
                what: k::OPEN_EP_RESULTS_CSV,
                example: "/api/v1/challenges/{slug}/results.csv",
            },
            Endpoint {
                path: "/api/v1/challenges/{slug}/votes",
                what: k::OPEN_EP_VOTES,
                example: "/api/v1/challenges/{slug}/votes",
            },
            Endpoint {
                path: "/api/v1/challenges/{slug}/ballots.csv",
                what: k::OPEN_EP_BALLOTS_CSV,
                example: "/api/v1/challenges/{slug}/ballots.csv",
            },
        ],
    ),
    (
        k::OPEN_GROUP_PILOTS,
        &[
            Endpoint {
                path: "/api/v1/pilots",
                what: k::OPEN_EP_PILOTS,
                example: "/api/v1/pilots?status=running",
            },
            Endpoint {
                path: "/api/v1/pilots/{id}",
                what: k::OPEN_EP_PILOT,
                example: "/api/v1/pilots/{id}",
            },
            Endpoint {
                path: "/api/v1/pilots/{id}/milestones.csv",
                what: k::OPEN_EP_MILESTONES_CSV,
                example: "/api/v1/pilots/{id}/milestones.csv",
            },
        ],
    ),
];

#[component]
pub fn OpenDataPage() -> impl IntoView {
    view! {
        <Title text=t(k::OPEN_TITLE)/>
        <header class="page-head">
            <div>
                <h1>{t(k::OPEN_TITLE)}</h1>
                <p class="lead">{t(k::OPEN_LEAD)}</p>
            </div>
            <a class="button-secondary" href="/api/v1/openapi.json" rel="external">{t(k::OPEN_DOCUMENT)}</a>
        </header>
        <section class="card open-rules">
            <h2>{t(k::OPEN_RULES_TITLE)}</h2>
            <ul>
                <li>{t(k::OPEN_RULE_PAGES)}</li>
                <li>{t(k::OPEN_RULE_ETAG)}</li>
                <li>{t(k::OPEN_RULE_TIME)}</li>
                <li>{t(k::OPEN_RULE_LIMIT)}</li>
                <li>{t(k::OPEN_RULE_CSV)}</li>
                <li>{t(k::OPEN_RULE_PRIVACY)}</li>
            </ul>
            <p>{t(k::OPEN_EXAMPLE_LEAD)}</p>
            <pre class="code-block"><code>"curl -H 'Accept-Language: en' \\\n  'https://…/api/v1/challenges?phase=open&limit=20'"</code></pre>
        </section>
        {ENDPOINTS
            .iter()
            .map(|(group, endpoints)| {
                view! {
                    <section class="open-group">
                        <h2>{t(*group)}</h2>
                        <div class="table-wrap">
                            <table class="data-table">
                                <thead>
                                    <tr>
                                        <th scope="col">{t(k::OPEN_COL_ADDRESS)}</th>
                                        <th scope="col">{t(k::OPEN_COL_WHAT)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {endpoints
                                        .iter()
                                        .map(|e| {
                                            let link = !e.example.contains('{');
                                            view! {
                                                <tr>
                                                    <td>
                                                        <code class="endpoint" data-path=e.path>"GET "{e.path}</code>
                                                        {link
                                                            .then(|| {
                                                                view! {
                                                                    <a class="open-try" href=e.example rel="external">
                                                                        {t(k::OPEN_TRY)}
                                                                    </a>
                                                                }
                                                            })}
                                                    </td>
                                                    <td>{t(e.what)}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                }
            })
            .collect_view()}
        <section class="card">
            <h2>{t(k::OPEN_FEEDS_TITLE)}</h2>
            <p>{t(k::OPEN_FEEDS_BODY)}</p>
            <p>
                <a href="/feed.atom" type="application/atom+xml" rel="external">"/feed.atom"</a>
            </p>
        </section>
    }
    .into_any()
}
