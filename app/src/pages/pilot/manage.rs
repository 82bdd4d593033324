//! Running a pilot (staff of its organisation): turning an awarded entry into one, its terms and
//! budget, milestones (added, moved with a reason), KPIs and their measurements, and its end.

use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::pilot::{
    AddKpi, AddMilestone, ClosePilot, CreatePilot, MoveMilestone, RecordMeasurement,
    SavePilotTerms, get_pilot, load_candidate,
};
use crate::error::AppError;
use crate::i18n::{format_vnd, k, t, tf, use_locale};
use crate::layout::{
    FieldInput, FieldTextarea, ForbiddenNotice, FormAlert, SignInPrompt, SubmitButton,
    error_signal, field_error,
};
use crate::pages::pilot::{TimingBadge, day};
use crate::pilot::model::PilotPage;
use crate::pilot::rules::{city_today, format_figure};

fn input_day(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// What a pilot's terms form shows: a new pilot's defaults, or the pilot as it is.
struct TermsValues {
    title: String,
    summary: String,
    official_name: String,
    official_role: String,
    budget_vnd: i64,
    disbursed_vnd: i64,
    starts_on: chrono::NaiveDate,
    planned_end_on: chrono::NaiveDate,
}

#[component]
fn TermsFields(values: TermsValues, error: Signal<Option<AppError>>) -> impl IntoView {
    let f = move |name: &'static str| field_error(error, name);
    view! {
        <FieldInput id="pilot-title" name="terms[title]" label=k::FIELD_PILOT_TITLE error=f("title") value=values.title/>
        <FieldTextarea id="pilot-summary" name="terms[summary]" label=k::FIELD_PILOT_SUMMARY hint=k::HINT_PILOT_SUMMARY error=f("summary") value=values.summary rows=3/>
        <div class="grid-2">
            <FieldInput id="pilot-official" name="terms[official_name]" label=k::FIELD_PILOT_OFFICIAL error=f("official_name") value=values.official_name/>
            <FieldInput id="pilot-role" name="terms[official_role]" label=k::FIELD_PILOT_ROLE hint=k::HINT_PILOT_ROLE error=f("official_role") value=values.official_role/>
            <FieldInput id="pilot-budget" name="terms[budget_vnd]" label=k::FIELD_PILOT_BUDGET hint=k::HINT_MONEY error=f("budget_vnd") value=values.budget_vnd.to_string()/>
            <FieldInput id="pilot-disbursed" name="terms[disbursed_vnd]" label=k::FIELD_PILOT_DISBURSED hint=k::HINT_MONEY error=f("disbursed_vnd") value=values.disbursed_vnd.to_string() required=false/>
            <FieldInput id="pilot-starts" name="terms[starts_on]" label=k::FIELD_PILOT_STARTS error=f("starts_on") kind="date" value=input_day(values.starts_on)/>
            <FieldInput id="pilot-ends" name="terms[planned_end_on]" label=k::FIELD_PILOT_ENDS error=f("planned_end_on") kind="date" value=input_day(values.planned_end_on)/>
        </div>
    }
    .into_any()
}

/// `/staff/pilots/new?entry=…`: an awarded entry becomes a pilot.
#[component]
pub fn PilotNewPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let create = ServerAction::<CreatePilot>::new();
    let candidate = Resource::new(
        move || {
            query
                .read()
                .get("entry")
                .and_then(|e| e.parse::<i64>().ok())
        },
        |entry| async move {
            match entry {
                Some(id) => load_candidate(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let error = error_signal(move || create.value().get());
    let viewer = crate::layout::viewer_resource();
    view! {
        <Title text=t(k::PILOT_NEW_TITLE)/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let me = viewer.await.ok().flatten();
                match candidate.await {
                    Err(e) => crate::layout::refused(e, locale),
                    Ok(c) if c.pilot_id.is_some() => view! {
                        <p class="alert alert-success">{t(k::PILOT_ALREADY)}" "<a href=format!("/pilots/{}", c.pilot_id.unwrap_or_default())>{t(k::PILOT_OPEN)}</a></p>
                    }.into_any(),
                    Ok(c) => {
                        let today = city_today(Utc::now());
                        let values = TermsValues {
                            title: c.entry_title.clone(),
                            summary: c.entry_summary.clone(),
                            official_name: me.map(|v| v.display_name).unwrap_or_default(),
                            official_role: String::new(),
                            budget_vnd: c.pilot_budget_vnd,
                            disbursed_vnd: 0,
                            starts_on: today,
                            planned_end_on: today + Duration::days(90),
                        };
                        view! {
                            <div class="narrow-wide">
                                <p class="breadcrumb"><a href=format!("/challenges/{}/results", c.challenge_slug)>{c.challenge_title.clone()}</a></p>
                                <h1>{t(k::PILOT_NEW_TITLE)}</h1>
                                <div class="card section-tight">
                                    <p class="eyebrow">{c.award.clone()}" · "{c.organisation.name(locale).to_owned()}</p>
                                    <h2>{c.entry_title.clone()}</h2>
                                    <p class="muted">{tf(k::PILOT_FROM_TEAM, &[("team", &c.team_name), ("challenge", &c.challenge_title)])}</p>
                                </div>
                                <ActionForm action=create attr:class="challenge-form">
                                    <input type="hidden" name="entry_id" value=c.entry_id.to_string()/>
                                    <FormAlert error/>
                                    <TermsFields values error/>
                                    <div class="form-actions"><SubmitButton label=k::PILOT_CREATE pending=create.pending()/></div>
                                </ActionForm>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
    .into_any()
}

#[derive(Clone, Copy)]
struct Actions {
    terms: ServerAction<SavePilotTerms>,
    add_milestone: ServerAction<AddMilestone>,
    move_milestone: ServerAction<MoveMilestone>,
    add_kpi: ServerAction<AddKpi>,
    measure: ServerAction<RecordMeasurement>,
    close: ServerAction<ClosePilot>,
}

/// `/pilots/:id/manage`.
#[component]
pub fn PilotManagePage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let actions = Actions {
        terms: ServerAction::new(),
        add_milestone: ServerAction::new(),
        move_milestone: ServerAction::new(),
        add_kpi: ServerAction::new(),
        measure: ServerAction::new(),
        close: ServerAction::new(),
    };
    let pilot = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok()),
                actions.terms.version().get()
                    + actions.add_milestone.version().get()
                    + actions.move_milestone.version().get()
                    + actions.add_kpi.version().get()
                    + actions.measure.version().get()
                    + actions.close.version().get(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => get_pilot(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let viewer = crate::layout::viewer_resource();
    view! {
        <Title text=t(k::PILOT_MANAGE)/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let signed_in = viewer.await.ok().flatten().is_some();
                match pilot.await {
                    Err(e) => crate::layout::refused(e, locale),
                    Ok(_) if !signed_in => view! { <SignInPrompt/> }.into_any(),
                    Ok(p) if !p.can_manage => view! { <ForbiddenNotice/> }.into_any(),
                    Ok(p) => view! { <ManageBody page=p actions/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn ManageBody(page: PilotPage, actions: Actions) -> impl IntoView {
    let id = page.card.id;
    let active = page.card.status.is_active();
    let terms_error = error_signal(move || actions.terms.value().get());
    let terms_saved = crate::layout::succeeded(actions.terms);
    let values = TermsValues {
        title: page.card.title.clone(),
        summary: page.summary.clone(),
        official_name: page.official_name.clone(),
        official_role: page.official_role.clone(),
        budget_vnd: page.budget_vnd,
        disbursed_vnd: page.disbursed_vnd,
        starts_on: page.card.starts_on,
        planned_end_on: page.card.planned_end_on,
    };
    view! {
        <div class="narrow-wide">
            <p class="breadcrumb"><a href=format!("/pilots/{id}")>{page.card.title.clone()}</a></p>
            <h1>{t(k::PILOT_MANAGE)}</h1>
            {(!active).then(|| view! { <p class="alert alert-success">{t(k::PILOT_ENDED_NOTE)}</p> })}
            {view! {
            <section class="section card" aria-labelledby="terms-heading">
                <h2 id="terms-heading">{t(k::PILOT_TERMS)}</h2>
                <ActionForm action=actions.terms attr:class="challenge-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <FormAlert error=terms_error/>
                    <TermsFields values error=terms_error/>
                    <div class="form-actions">
                        <SubmitButton label=k::CHALLENGE_SAVE pending=actions.terms.pending()/>
                        <span class="muted" role="status">{move || terms_saved.get().then(|| t(k::ACCOUNT_SAVED))}</span>
                    </div>
                </ActionForm>
            </section>
            }.into_any()}
            <MilestonesAdmin page=page.clone() actions active/>
            <KpisAdmin page=page.clone() actions active/>
            {active.then(|| view! { <CloseForm id actions/> })}
        </div>
    }
    .into_any()
}

#[component]
fn MilestonesAdmin(page: PilotPage, actions: Actions, active: bool) -> impl IntoView {
    let id = page.card.id;
    let add_error = error_signal(move || actions.add_milestone.value().get());
    let move_error = error_signal(move || actions.move_milestone.value().get());
    let f = move |name: &'static str| field_error(add_error, name);
    let team = page.origin.team_name.clone();
    view! {
        <section class="section card" aria-labelledby="milestones-heading">
            <h2 id="milestones-heading">{t(k::PILOT_MILESTONES)}</h2>
            <FormAlert error=move_error/>
            {if page.milestones.is_empty() {
                view! { <p class="empty">{t(k::PILOT_NO_MILESTONES)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list milestone-admin">
                        {page.milestones.clone().into_iter().map(|m| {
                            let mid = m.id;
                            let movable = active && m.status != crate::pilot::rules::MilestoneStatus::Done;
                            view! {
                                <li>
                                    <p><strong>{m.title.clone()}</strong>" · "{t(m.status.label())}" · "{t(k::MILESTONE_DUE)}" "{day(m.due_on)}" "<TimingBadge timing=m.timing days=m.days_overdue/></p>
                                    {movable.then(|| view! {
                                        <details>
                                            <summary>{t(k::MILESTONE_MOVE)}</summary>
                                            <ActionForm action=actions.move_milestone attr:class="inline-form">
                                                <input type="hidden" name="milestone_id" value=mid.to_string()/>
                                                <FieldInput id=format!("move-due-{mid}") name="due_on" label=k::MILESTONE_NEW_DUE error=field_error(move_error, "due_on") kind="date" value=input_day(m.due_on)/>
                                                <FieldInput id=format!("move-reason-{mid}") name="reason" label=k::MILESTONE_MOVE_REASON hint=k::HINT_MOVE_REASON error=field_error(move_error, "reason")/>
                                                <button type="submit" class="button-secondary">{t(k::MILESTONE_MOVE)}</button>
                                            </ActionForm>
                                        </details>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {active.then(|| view! {
                <h3>{t(k::MILESTONE_ADD)}</h3>
                <ActionForm action=actions.add_milestone attr:class="challenge-form">
                    <input type="hidden" name="pilot_id" value=id.to_string()/>
                    <FormAlert error=add_error/>
                    <FieldInput id="milestone-title" name="title" label=k::MILESTONE_TITLE error=f("title")/>
                    <div class="grid-2">
                        <div class="field" class:has-error=move || f("owner").get().is_some()>
                            <label for="milestone-owner">{t(k::MILESTONE_OWNER)}</label>
                            <select id="milestone-owner" name="owner">
                                <option value="team">{tf(k::MILESTONE_OWNER_TEAM, &[("team", &team)])}</option>
                                {page.officials.clone().into_iter().map(|(uid, name)| view! { <option value=uid.to_string()>{name}</option> }).collect_view()}
                            </select>
                            <p class="field-error" role="alert" hidden=move || f("owner").get().is_none()>{move || f("owner").get()}</p>
                        </div>
                        <FieldInput id="milestone-due" name="due_on" label=k::MILESTONE_DUE error=f("due_on") kind="date"/>
                    </div>
                    <div class="form-actions"><SubmitButton label=k::MILESTONE_ADD pending=actions.add_milestone.pending()/></div>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn KpisAdmin(page: PilotPage, actions: Actions, active: bool) -> impl IntoView {
    let id = page.card.id;
    let add_error = error_signal(move || actions.add_kpi.value().get());
    let measure_error = error_signal(move || actions.measure.value().get());
    let f = move |name: &'static str| field_error(add_error, name);
    let today = input_day(city_today(Utc::now()));
    view! {
        <section class="section card" aria-labelledby="kpis-heading">
            <h2 id="kpis-heading">{t(k::PILOT_KPIS)}</h2>
            <FormAlert error=measure_error/>
            <ul class="plain-list">
                {page.kpis.clone().into_iter().map(|kpi| {
                    let kid = kpi.id;
                    let today = today.clone();
                    view! {
                        <li>
                            <p><strong>{kpi.name.clone()}</strong>" ("{kpi.unit.clone()}"): "{format_figure(kpi.baseline)}" → "{format_figure(kpi.target)}
                                " · "{tf(k::KPI_MEASURED_TIMES, &[("n", &kpi.measurements.len().to_string())])}</p>
                            {active.then(|| view! {
                                <details>
                                    <summary>{t(k::KPI_RECORD)}</summary>
                                    <ActionForm action=actions.measure attr:class="inline-form">
                                        <input type="hidden" name="kpi_id" value=kid.to_string()/>
                                        <FieldInput id=format!("measure-on-{kid}") name="measured_on" label=k::KPI_DATE error=field_error(measure_error, "measured_on") kind="date" value=today/>
                                        <FieldInput id=format!("measure-value-{kid}") name="value" label=k::KPI_VALUE error=field_error(measure_error, "value")/>
                                        <FieldInput id=format!("measure-note-{kid}") name="note" label=k::KPI_NOTE error=field_error(measure_error, "note") required=false/>
                                        <button type="submit" class="button-secondary">{t(k::KPI_RECORD)}</button>
                                    </ActionForm>
                                </details>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {active.then(|| view! {
                <h3>{t(k::KPI_ADD)}</h3>
                <ActionForm action=actions.add_kpi attr:class="challenge-form">
                    <input type="hidden" name="pilot_id" value=id.to_string()/>
                    <FormAlert error=add_error/>
                    <FieldInput id="kpi-name" name="name" label=k::KPI_NAME hint=k::HINT_KPI_NAME error=f("name")/>
                    <div class="grid-2">
                        <FieldInput id="kpi-unit" name="unit" label=k::KPI_UNIT error=f("unit")/>
                        <FieldInput id="kpi-baseline" name="baseline" label=k::KPI_BASELINE error=f("baseline")/>
                        <FieldInput id="kpi-target" name="target" label=k::KPI_TARGET error=f("target")/>
                    </div>
                    <div class="form-actions"><SubmitButton label=k::KPI_ADD pending=actions.add_kpi.pending()/></div>
                </ActionForm>
            })}
            <p class="muted small">{t(k::PILOT_BUDGET)}": "{format_vnd(page.budget_vnd)}</p>
        </section>
    }
    .into_any()
}

#[component]
fn CloseForm(id: i64, actions: Actions) -> impl IntoView {
    let error = error_signal(move || actions.close.value().get());
    let f = move |name: &'static str| field_error(error, name);
    view! {
        <section class="section card danger-zone" aria-labelledby="close-heading">
            <h2 id="close-heading">{t(k::PILOT_CLOSE)}</h2>
            <p class="hint">{t(k::HINT_PILOT_CLOSE)}</p>
            <ActionForm action=actions.close attr:class="challenge-form">
                <input type="hidden" name="id" value=id.to_string()/>
                <FormAlert error/>
                <div class="field">
                    <label for="close-outcome">{t(k::PILOT_OUTCOME)}</label>
                    <select id="close-outcome" name="outcome">
                        <option value="rolled_out">{t(k::PILOT_STATUS_ROLLED_OUT)}</option>
                        <option value="extended">{t(k::PILOT_STATUS_EXTENDED)}</option>
                        <option value="stopped">{t(k::PILOT_STATUS_STOPPED)}</option>
                    </select>
                </div>
                <FieldTextarea id="close-statement" name="statement" label=k::PILOT_STATEMENT hint=k::HINT_PILOT_STATEMENT error=f("statement") rows=3/>
                <FieldInput id="close-new-end" name="new_end_on" label=k::PILOT_NEW_END hint=k::HINT_PILOT_NEW_END error=f("new_end_on") kind="date" required=false/>
                <div class="form-actions"><SubmitButton label=k::PILOT_CLOSE pending=actions.close.pending()/></div>
            </ActionForm>
        </section>
    }
    .into_any()
}
