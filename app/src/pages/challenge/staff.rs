//! Staff pages: what needs action in each organisation, and a new challenge (often made from
//! citizens' reports).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::challenge::{CreateChallenge, staff_dashboard};
use crate::api::org::SaveOrgSettings;
use crate::api::report::get_report;
use crate::challenge::model::{ChallengeForm, StaffOrganisation};
use crate::challenge::rules::Phase;
use crate::i18n::{format_datetime, k, t, tf, use_locale};
use crate::layout::{
    Countdown, FieldInput, ForbiddenNotice, FormAlert, Loaded, PhaseBadge, SubmitButton,
    error_signal, field_error,
};
use crate::pages::challenge::form::ChallengeFields;

#[component]
pub fn StaffDashboard() -> impl IntoView {
    let settings = ServerAction::<SaveOrgSettings>::new();
    let data = Resource::new(move || settings.version().get(), |_| staff_dashboard());
    view! {
        <Title text=t(k::STAFF_TITLE)/>
        <h1>{t(k::STAFF_TITLE)}</h1>
        <Loaded resource=data let:orgs>
            {orgs.into_iter().map(|o| view! { <OrgDesk org=o settings/> }).collect_view()}
        </Loaded>
    }
}

#[component]
fn OrgDesk(org: StaffOrganisation, settings: ServerAction<SaveOrgSettings>) -> impl IntoView {
    let locale = use_locale();
    let org_id = org.organisation.id;
    let error = error_signal(move || settings.value().get());
    let overdue = org
        .reports
        .iter()
        .filter(|r| r.timeliness == crate::report::rules::Timeliness::Overdue)
        .count();
    view! {
        <section class="section desk" aria-labelledby=format!("org-{org_id}")>
            <div class="page-head">
                <h2 id=format!("org-{org_id}")>{org.organisation.name(locale).to_owned()}</h2>
                <a class="button" href=format!("/staff/challenges/new?org={org_id}")>{t(k::STAFF_NEW_CHALLENGE)}</a>
            </div>
            <div class="grid-2">
                <div class="card">
                    <h3>{t(k::STAFF_REPORTS)}</h3>
                    {(overdue > 0).then(|| view! { <p class="alert alert-error">{tf(k::STAFF_OVERDUE, &[("n", &overdue.to_string())])}</p> })}
                    {if org.reports.is_empty() {
                        view! { <p class="empty">{t(k::STAFF_NO_REPORTS)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list desk-list">
                                {org.reports.into_iter().map(|r| view! {
                                    <li>
                                        <a href=format!("/reports/{}", r.id)>{r.title.clone()}</a>
                                        <span class=format!("timeliness tone-{}", r.timeliness.tone())>{t(r.timeliness.label())}</span>
                                        <span class="muted">{tf(k::STAFF_DUE, &[("at", &format_datetime(r.response_due_at))])}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <ActionForm action=settings attr:class="secondary-form inline-fields">
                        <FormAlert error=error/>
                        <input type="hidden" name="organisation_id" value=org_id.to_string()/>
                        <FieldInput name="response_days" label=k::FIELD_RESPONSE_DAYS kind="number" inputmode="numeric" value=org.response_days.to_string() hint=k::HINT_RESPONSE_DAYS error=field_error(error, "response_days")/>
                        <button type="submit" class="button-secondary">{t(k::ACCOUNT_SAVE)}</button>
                    </ActionForm>
                </div>
                <div class="card">
                    <h3>{t(k::STAFF_CHALLENGES)}</h3>
                    {if org.challenges.is_empty() {
                        view! { <p class="empty">{t(k::STAFF_NO_CHALLENGES)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list desk-list">
                                {org.challenges.into_iter().map(|c| view! {
                                    <li>
                                        <a href=format!("/staff/challenges/{}", c.card.id)>{c.card.title.clone()}</a>
                                        <PhaseBadge phase=c.card.phase/>
                                        {(c.unanswered_questions > 0).then(|| view! { <span class="tag tag-warn">{tf(k::STAFF_QUESTIONS_WAITING, &[("n", &c.unanswered_questions.to_string())])}</span> })}
                                        {c.card.next.filter(|_| c.card.phase != Phase::Draft).map(|(m, at)| view! { <span class="muted">{t(m.label())}": "<Countdown at/></span> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </div>
            </div>
        </section>
    }
}

#[component]
pub fn ChallengeCreatePage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let org_param = move || query.read().get("org").and_then(|o| o.parse::<i64>().ok());
    let from = move || query.read().get("from").and_then(|o| o.parse::<i64>().ok());
    let data = Resource::new(|| (), |_| staff_dashboard());
    let source = Resource::new(from, |from| async move {
        match from {
            Some(id) => get_report(id, None).await.ok(),
            None => None,
        }
    });
    let create = ServerAction::<CreateChallenge>::new();
    let error = error_signal(move || create.value().get());
    view! {
        <Title text=t(k::CHALLENGE_NEW_TITLE)/>
        <h1>{t(k::CHALLENGE_NEW_TITLE)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let orgs = match data.await {
                    Err(e) => return crate::layout::refused(e, locale),
                    Ok(orgs) => orgs,
                };
                let source = source.await;
                let chosen = org_param()
                    .or(source.as_ref().map(|r| r.summary.organisation.id))
                    .filter(|id| orgs.iter().any(|o| o.organisation.id == *id))
                    .or(orgs.first().map(|o| o.organisation.id));
                let Some(org) = orgs.iter().find(|o| Some(o.organisation.id) == chosen).cloned() else {
                    return view! { <ForbiddenNotice/> }.into_any();
                };
                let mut form = ChallengeForm { team_min: "1".into(), team_max: "5".into(), ..Default::default() };
                if let Some(r) = &source {
                    form.title = r.summary.title.clone();
                    form.category = r.summary.category.code().to_owned();
                    form.brief = format!("> {}\n", r.description.replace('\n', "\n> "));
                }
                let from_id = source.as_ref().map(|r| r.summary.id);
                let others: Vec<(String, String)> = orgs.iter().map(|o| (o.organisation.id.to_string(), o.organisation.name(locale).to_owned())).collect();
                view! {
                    {(others.len() > 1).then(|| view! {
                        <form method="get" class="filter-bar card">
                            <crate::layout::FieldSelect name="org" label=k::FIELD_ORGANISATION options=others selected=org.organisation.id.to_string() error=Signal::derive(|| None::<String>)/>
                            <button type="submit" class="button-secondary">{t(k::FILTER_APPLY)}</button>
                        </form>
                    })}
                    <ActionForm action=create attr:class="card challenge-form">
                        <p class="eyebrow">{org.organisation.name(locale).to_owned()}</p>
                        <FormAlert error=error/>
                        <input type="hidden" name="organisation_id" value=org.organisation.id.to_string()/>
                        <ChallengeFields form error/>
                        <fieldset>
                            <legend>{t(k::CHALLENGE_FORM_REPORTS)}</legend>
                            {if org.reports.is_empty() {
                                view! { <p class="muted">{t(k::STAFF_NO_REPORTS)}</p> }.into_any()
                            } else {
                                view! {
                                    <p class="hint">{t(k::HINT_SOURCE_REPORTS)}</p>
                                    {org.reports.iter().map(|r| view! {
                                        <label class="check">
                                            <input type="checkbox" name="report_ids[]" value=r.id.to_string() checked=Some(r.id) == from_id/>
                                            <span>{format!("#{} · {}", r.id, r.title)}</span>
                                        </label>
                                    }).collect_view()}
                                }.into_any()
                            }}
                            <p class="field-error" role="alert" hidden=move || field_error(error, "report_ids").get().is_none()>{move || field_error(error, "report_ids").get()}</p>
                        </fieldset>
                        <SubmitButton label=k::CHALLENGE_CREATE_SUBMIT pending=create.pending()/>
                    </ActionForm>
                }.into_any()
            })}
        </Suspense>
    }
}
