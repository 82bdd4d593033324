//! The staff's judging page of one challenge: how it is scored (scale, judges per entry, blind),
//! the rubric, the panel and its invitations, who judges which entry, closing, results, awards
//! and publication.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::judging::*;
use crate::error::AppError;
use crate::i18n::{Locale, format_datetime, k, t, tf, use_locale};
use crate::judging::model::PanelSetup;
use crate::layout::{FieldInput, FormAlert, Loaded, SubmitButton, error_signal, field_error};
use crate::pages::judging::score_label;

#[derive(Clone, Copy)]
struct Actions {
    settings: ServerAction<SavePanelSettings>,
    rubric: ServerAction<SaveRubric>,
    invite: ServerAction<InviteJudge>,
    assign: ServerAction<AssignJudges>,
    one: ServerAction<SetAssignment>,
    close: ServerAction<CloseJudging>,
    awards: ServerAction<DecideAwards>,
    publish: ServerAction<PublishResults>,
}

impl Actions {
    fn version(&self) -> usize {
        self.settings.version().get()
            + self.rubric.version().get()
            + self.invite.version().get()
            + self.assign.version().get()
            + self.one.version().get()
            + self.close.version().get()
            + self.awards.version().get()
            + self.publish.version().get()
    }
}

#[component]
pub fn JudgingSetupPage() -> impl IntoView {
    let params = use_params_map();
    let actions = Actions {
        settings: ServerAction::new(),
        rubric: ServerAction::new(),
        invite: ServerAction::new(),
        assign: ServerAction::new(),
        one: ServerAction::new(),
        close: ServerAction::new(),
        awards: ServerAction::new(),
        publish: ServerAction::new(),
    };
    let panel = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok()),
                actions.version(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => load_panel(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t(k::JUDGING_SETUP_TITLE)/>
        <Loaded resource=panel let:p>
            {view! { <Setup panel=p actions/> }}
        </Loaded>
    }
}

#[component]
fn Setup(panel: PanelSetup, actions: Actions) -> impl IntoView {
    let id = panel.challenge_id;
    view! {
        <p class="breadcrumb"><a href=format!("/staff/challenges/{id}")>{panel.challenge_title.clone()}</a></p>
        <div class="page-head">
            <h1>{t(k::JUDGING_SETUP_TITLE)}</h1>
            {panel.closed_at.map(|at| view! { <span class="tag">{tf(k::JUDGING_CLOSED_AT, &[("at", &format_datetime(at))])}</span> })}
        </div>
        {view! {
            <div class="grid-2">
                <Settings panel=panel.clone() action=actions.settings/>
                <Panel panel=panel.clone() action=actions.invite/>
            </div>
        }.into_any()}
        {view! { <Rubric panel=panel.clone() action=actions.rubric/> }.into_any()}
        {view! { <Assignments panel=panel.clone() actions/> }.into_any()}
        {view! { <Closing panel actions/> }.into_any()}
    }
}

#[component]
fn Settings(panel: PanelSetup, action: ServerAction<SavePanelSettings>) -> impl IntoView {
    let error = error_signal(move || action.value().get());
    let saved = crate::layout::succeeded(action);
    let closed = panel.closed_at.is_some();
    view! {
        <section class="card" aria-labelledby="settings-heading">
            <h2 id="settings-heading">{t(k::JUDGING_SETTINGS)}</h2>
            <ActionForm action>
                <p class="alert alert-success" role="status" hidden=move || !saved.get()>{t(k::JUDGING_SAVED)}</p>
                <FormAlert error/>
                <input type="hidden" name="challenge_id" value=panel.challenge_id.to_string()/>
                <fieldset class="plain-fieldset" disabled=closed>
                    <div class="grid-2 tight">
                        <FieldInput name="scale_min" label=k::FIELD_SCALE_MIN kind="number" value=panel.scale.min.to_string() error=field_error(error, "scale")/>
                        <FieldInput name="scale_max" label=k::FIELD_SCALE_MAX kind="number" value=panel.scale.max.to_string() error=Signal::derive(|| None::<String>)/>
                    </div>
                    {panel.locked.then(|| view! { <p class="hint">{t(k::JUDGING_SCALE_LOCKED)}</p> })}
                    <FieldInput name="judges_per_entry" label=k::FIELD_JUDGES_PER_ENTRY kind="number" value=panel.judges_per_entry.to_string() error=field_error(error, "judges_per_entry")/>
                    <label class="check">
                        <input type="checkbox" name="blind" value="on" checked=panel.blind/>
                        <span>{t(k::FIELD_BLIND)}</span>
                    </label>
                    <label class="check">
                        <input type="checkbox" name="show_judge_names" value="on" checked=panel.show_judge_names/>
                        <span>{t(k::FIELD_SHOW_JUDGE_NAMES)}</span>
                    </label>
                    <SubmitButton label=k::JUDGING_SAVE pending=action.pending()/>
                </fieldset>
            </ActionForm>
        </section>
    }
}

#[component]
fn Panel(panel: PanelSetup, action: ServerAction<InviteJudge>) -> impl IntoView {
    let error = error_signal(move || action.value().get());
    let invited = crate::layout::succeeded(action);
    view! {
        <section class="card" aria-labelledby="panel-heading">
            <h2 id="panel-heading">{t(k::JUDGING_PANEL)}</h2>
            {if panel.judges.is_empty() {
                view! { <p class="empty">{t(k::JUDGING_NO_JUDGES)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list judge-list">
                        {panel.judges.iter().map(|j| view! {
                            <li>
                                <strong>{j.name.clone()}</strong>" "<span class="muted">{j.email.clone()}</span>
                                <br/>
                                {if j.declared {
                                    view! { <span class="tag tag-public">{t(k::JUDGING_DECLARED)}</span> }.into_any()
                                } else {
                                    view! { <span class="tag tag-warn">{t(k::JUDGING_NOT_DECLARED)}</span> }.into_any()
                                }}
                                " "<span class="muted small">{tf(k::JUDGING_LOAD, &[("submitted", &j.submitted.to_string()), ("assigned", &j.assigned.to_string())])}</span>
                                {j.conflicts.iter().map(|c| view! { <p class="small muted">{t(k::JUDGING_CONFLICT)}": "{c.clone()}</p> }).collect_view()}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!panel.invitations.is_empty()).then(|| view! {
                <p class="muted small">{t(k::JUDGING_INVITED)}": "{panel.invitations.join(", ")}</p>
            })}
            {panel.closed_at.is_none().then(|| view! {
                <ActionForm action attr:class="secondary-form">
                    <p class="alert alert-success" role="status" hidden=move || !invited.get()>{t(k::JUDGING_INVITE_SENT)}</p>
                    <FormAlert error/>
                    <input type="hidden" name="challenge_id" value=panel.challenge_id.to_string()/>
                    <FieldInput name="email" label=k::FIELD_JUDGE_EMAIL kind="email" autocomplete="off" error=field_error(error, "email")/>
                    <SubmitButton label=k::JUDGING_INVITE pending=action.pending()/>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn Rubric(panel: PanelSetup, action: ServerAction<SaveRubric>) -> impl IntoView {
    let locale = use_locale();
    let error = error_signal(move || action.value().get());
    let saved = crate::layout::succeeded(action);
    let total: i32 = panel.criteria.iter().map(|c| c.weight).sum();
    if panel.locked || panel.closed_at.is_some() {
        return view! {
            <section class="section card" aria-labelledby="rubric-heading">
                <h2 id="rubric-heading">{t(k::JUDGING_RUBRIC)}</h2>
                <p class="hint">{t(k::JUDGING_RUBRIC_LOCKED)}</p>
                <RubricTable criteria=panel.criteria.clone() locale/>
            </section>
        }
        .into_any();
    }
    let rows = panel
        .criteria
        .len()
        .clamp(3, crate::judging::rules::MAX_CRITERIA - 2)
        + 2;
    let criteria = panel.criteria.clone();
    view! {
        <section class="section card" aria-labelledby="rubric-heading">
            <h2 id="rubric-heading">{t(k::JUDGING_RUBRIC)}</h2>
            <p class="hint">{t(k::HINT_RUBRIC)}</p>
            <ActionForm action attr:class="rubric-form">
                <p class="alert alert-success" role="status" hidden=move || !saved.get()>{t(k::JUDGING_SAVED)}</p>
                <FormAlert error/>
                <p class="field-error" role="alert" hidden=move || field_error(error, "weights").get().is_none()>{move || field_error(error, "weights").get()}</p>
                <p class="field-error" role="alert" hidden=move || field_error(error, "criteria").get().is_none()>{move || field_error(error, "criteria").get()}</p>
                <input type="hidden" name="challenge_id" value=panel.challenge_id.to_string()/>
                {(0..rows).map(|i| {
                    let c = criteria.get(i).cloned();
                    let name = move |f: &str| format!("criteria[{i}][{f}]");
                    let id = move |f: &str| format!("criterion-{i}-{f}");
                    let err = move |f: &'static str| {
                        let field = format!("{f}_{i}");
                        Signal::derive(move || error.get().and_then(|e| e.field_message(&field, locale)))
                    };
                    view! {
                        <fieldset class="criterion">
                            <legend>{tf(k::JUDGING_CRITERION_N, &[("n", &(i + 1).to_string())])}</legend>
                            <div class="criterion-grid">
                                <div class="field">
                                    <label for=id("name_vi")>{t(k::FIELD_CRITERION_NAME_VI)}</label>
                                    <input id=id("name_vi") name=name("name_vi") value=c.as_ref().map(|c| c.name_vi.clone())/>
                                    <p class="field-error" role="alert" hidden=move || err("name_vi").get().is_none()>{move || err("name_vi").get()}</p>
                                </div>
                                <div class="field">
                                    <label for=id("name_en")>{t(k::FIELD_CRITERION_NAME_EN)}</label>
                                    <input id=id("name_en") name=name("name_en") value=c.as_ref().map(|c| c.name_en.clone())/>
                                </div>
                                <div class="field weight">
                                    <label for=id("weight")>{t(k::FIELD_CRITERION_WEIGHT)}</label>
                                    <input id=id("weight") name=name("weight") inputmode="numeric" value=c.as_ref().map(|c| c.weight.to_string())/>
                                    <p class="field-error" role="alert" hidden=move || err("weight").get().is_none()>{move || err("weight").get()}</p>
                                </div>
                            </div>
                            <div class="grid-2 tight">
                                <div class="field">
                                    <label for=id("guidance_vi")>{t(k::FIELD_CRITERION_GUIDANCE_VI)}</label>
                                    <textarea id=id("guidance_vi") name=name("guidance_vi") rows="2">{c.as_ref().map(|c| crate::layout::textarea_text(c.guidance_vi.clone()))}</textarea>
                                </div>
                                <div class="field">
                                    <label for=id("guidance_en")>{t(k::FIELD_CRITERION_GUIDANCE_EN)}</label>
                                    <textarea id=id("guidance_en") name=name("guidance_en") rows="2">{c.as_ref().map(|c| crate::layout::textarea_text(c.guidance_en.clone()))}</textarea>
                                </div>
                            </div>
                            <label class="check">
                                <input type="checkbox" name=name("comment_required") value="on" checked=c.as_ref().is_some_and(|c| c.comment_required)/>
                                <span>{t(k::FIELD_COMMENT_REQUIRED)}</span>
                            </label>
                        </fieldset>
                    }
                }).collect_view()}
                <p class="muted">{tf(k::JUDGING_WEIGHT_TOTAL, &[("total", &total.to_string())])}</p>
                <SubmitButton label=k::JUDGING_SAVE_RUBRIC pending=action.pending()/>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
pub fn RubricTable(
    criteria: Vec<crate::judging::rules::Criterion>,
    locale: Locale,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table">
                <thead><tr><th scope="col">{t(k::JUDGING_CRITERION)}</th><th scope="col">{t(k::FIELD_CRITERION_WEIGHT)}</th></tr></thead>
                <tbody>
                    {criteria.into_iter().map(|c| {
                        let (name, guidance) = criterion_text(&c, locale);
                        view! {
                            <tr>
                                <td><strong>{name}</strong>{(!guidance.is_empty()).then(|| view! { <br/><span class="muted small">{guidance}</span> })}</td>
                                <td>{c.weight}" %"</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A criterion's name and guidance in the reader's language (Vietnamese when no English is given).
pub fn criterion_text(c: &crate::judging::rules::Criterion, locale: Locale) -> (String, String) {
    match locale {
        Locale::En if !c.name_en.is_empty() => (
            c.name_en.clone(),
            if c.guidance_en.is_empty() {
                c.guidance_vi.clone()
            } else {
                c.guidance_en.clone()
            },
        ),
        _ => (c.name_vi.clone(), c.guidance_vi.clone()),
    }
}

#[component]
fn Assignments(panel: PanelSetup, actions: Actions) -> impl IntoView {
    let error =
        Signal::derive(
            move || match (actions.assign.value().get(), actions.one.value().get()) {
                (Some(Err(e)), _) | (_, Some(Err(e))) => Some(e),
                _ => None,
            },
        );
    let id = panel.challenge_id;
    let open = panel.closed_at.is_none();
    view! {
        <section class="section card" aria-labelledby="assign-heading">
            <h2 id="assign-heading">{t(k::JUDGING_ASSIGNMENTS)}</h2>
            <p class="hint">{tf(k::HINT_ASSIGNMENTS, &[("k", &panel.judges_per_entry.to_string())])}</p>
            <FormAlert error/>
            {(!panel.short.is_empty() && !panel.entries.is_empty()).then(|| view! {
                <div class="alert alert-error" role="status">
                    <p>{t(k::JUDGING_SHORT)}</p>
                    <ul>{panel.short.iter().map(|(code, n)| view! { <li>{tf(k::JUDGING_SHORT_ONE, &[("code", code), ("n", &n.to_string()), ("k", &panel.judges_per_entry.to_string())])}</li> }).collect_view()}</ul>
                </div>
            })}
            {(!panel.exposed.is_empty() && !panel.entries.is_empty()).then(|| view! {
                <div class="alert alert-error" role="status">
                    <p>{tf(k::JUDGING_EXPOSED, &[("names", &panel.exposed.join(", "))])}</p>
                </div>
            })}
            {open.then(|| view! {
                <ActionForm action=actions.assign attr:class="inline-form">
                    <input type="hidden" name="challenge_id" value=id.to_string()/>
                    <button type="submit" class="button">{t(k::JUDGING_AUTO_ASSIGN)}</button>
                </ActionForm>
            })}
            {if panel.entries.is_empty() {
                view! { <p class="empty">{t(k::JUDGING_NO_ENTRIES)}</p> }.into_any()
            } else {
                view! {
                    // On a phone each entry is a block of its own (`stack`): three columns of
                    // names and buttons do not fit 360 px.
                    <div class="table-wrap">
                        <table class="data-table stack">
                            <thead><tr>
                                <th scope="col">{t(k::JUDGING_CODE)}</th>
                                <th scope="col">{t(k::STAFF_ENTRIES_TEAM)}</th>
                                <th scope="col">{t(k::JUDGING_JUDGES)}</th>
                            </tr></thead>
                            <tbody>
                                {panel.entries.clone().into_iter().map(|e| {
                                    let entry_id = e.entry_id;
                                    let code = e.code.clone();
                                    view! {
                                        <tr>
                                            <td data-label=t(k::JUDGING_CODE)><code>{code.clone()}</code></td>
                                            <td data-label=t(k::STAFF_ENTRIES_TEAM)>{e.team_name.clone()}<br/><span class="muted small">{e.title.clone()}</span></td>
                                            <td data-label=t(k::JUDGING_JUDGES)>
                                                <ul class="chip-list">
                                                    {e.judges.clone().into_iter().map(|(judge_id, name, submitted, recused)| view! {
                                                        <li class="chip">
                                                            {name.clone()}
                                                            {submitted.then_some(" ✓")}
                                                            {recused.then(|| view! { " ("{t(k::JUDGING_RECUSED)}")" })}
                                                            {(open && !submitted).then(|| view! {
                                                                <ActionForm action=actions.one attr:class="inline-form">
                                                                    <input type="hidden" name="challenge_id" value=id.to_string()/>
                                                                    <input type="hidden" name="entry_id" value=entry_id.to_string()/>
                                                                    <input type="hidden" name="judge_id" value=judge_id.to_string()/>
                                                                    <input type="hidden" name="on" value="false"/>
                                                                    <button type="submit" class="button-ghost danger" aria-label=tf(k::JUDGING_UNASSIGN, &[("name", &name)])>"×"</button>
                                                                </ActionForm>
                                                            })}
                                                        </li>
                                                    }.into_any()).collect_view()}
                                                </ul>
                                                {(open && !e.can_add.is_empty()).then(|| {
                                                    let select_id = format!("add-judge-{entry_id}");
                                                    let can_add = e.can_add.clone();
                                                    view! {
                                                        <ActionForm action=actions.one attr:class="inline-form add-judge">
                                                            <input type="hidden" name="challenge_id" value=id.to_string()/>
                                                            <input type="hidden" name="entry_id" value=entry_id.to_string()/>
                                                            <input type="hidden" name="on" value="true"/>
                                                            <label class="visually-hidden" for=select_id.clone()>{tf(k::JUDGING_ADD_JUDGE_TO, &[("code", &code)])}</label>
                                                            <select id=select_id name="judge_id">
                                                                {can_add.into_iter().map(|(jid, n)| view! { <option value=jid.to_string()>{n}</option> }).collect_view()}
                                                            </select>
                                                            <button type="submit" class="button-secondary button-small">{t(k::JUDGING_ADD_JUDGE)}</button>
                                                        </ActionForm>
                                                    }
                                                })}
                                            </td>
                                        </tr>
                                    }.into_any()
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Closing(panel: PanelSetup, actions: Actions) -> impl IntoView {
    let close_error = error_signal(move || actions.close.value().get());
    let awards_error = error_signal(move || actions.awards.value().get());
    let publish_error = error_signal(move || actions.publish.value().get());
    let id = panel.challenge_id;
    let Some(results) = panel.results.clone() else {
        return view! {
            <section class="section card" aria-labelledby="close-heading">
                <h2 id="close-heading">{t(k::JUDGING_CLOSE)}</h2>
                <p class="hint">{t(k::HINT_CLOSE_JUDGING)}</p>
                <FormAlert error=close_error/>
                <ActionForm action=actions.close>
                    <input type="hidden" name="challenge_id" value=id.to_string()/>
                    <button type="submit" class="button danger" disabled=!panel.entries_closed>{t(k::JUDGING_CLOSE_SUBMIT)}</button>
                </ActionForm>
            </section>
        }
        .into_any();
    };
    let now = chrono::Utc::now();
    let published = panel.results_published_at.filter(|at| *at <= now);
    let scheduled = panel.results_published_at.filter(|at| *at > now);
    let prizes = panel.prizes.clone();
    view! {
        <section class="section card" aria-labelledby="results-heading">
            <h2 id="results-heading">{t(k::JUDGING_RESULTS)}</h2>
            <p class="hint">{t(k::HINT_NORMALISED)}</p>
            <div class="table-wrap">
                <table class="data-table stack">
                    <thead><tr>
                        <th scope="col">{t(k::RESULTS_RANK)}</th>
                        <th scope="col">{t(k::STAFF_ENTRIES_TEAM)}</th>
                        <th scope="col">{t(k::RESULTS_NORMALISED)}</th>
                        <th scope="col">{t(k::RESULTS_RAW)}</th>
                        <th scope="col">{t(k::RESULTS_SCORES)}</th>
                        <th scope="col">{t(k::RESULTS_AWARD)}</th>
                    </tr></thead>
                    <tbody>
                        {results.iter().map(|r| view! {
                            <tr>
                                <td data-label=t(k::RESULTS_RANK)>{r.standing.rank}</td>
                                <td data-label=t(k::STAFF_ENTRIES_TEAM)><strong>{r.team_name.clone()}</strong>" "<code class="small">{r.code.clone()}</code><br/><span class="muted small">{r.title.clone()}</span></td>
                                <td data-label=t(k::RESULTS_NORMALISED)>{score_label(r.standing.normalised)}</td>
                                <td data-label=t(k::RESULTS_RAW)>{score_label(r.standing.raw)}</td>
                                <td data-label=t(k::RESULTS_SCORES)>
                                    {r.standing.scores}
                                    {r.standing.short.then(|| view! { " "<span class="tag tag-warn">{t(k::RESULTS_SHORT)}</span> })}
                                    {r.standing.tied.then(|| view! { " "<span class="tag tag-warn">{t(k::RESULTS_TIED)}</span> })}
                                </td>
                                <td data-label=t(k::RESULTS_AWARD)>{r.award.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {match published {
                Some(at) => view! {
                    <p class="alert alert-success">{tf(k::JUDGING_PUBLISHED_AT, &[("at", &format_datetime(at))])}" "
                        <a href=format!("/challenges/{}/results", panel.slug)>{t(k::RESULTS_SEE)}</a>
                    </p>
                }.into_any(),
                None => view! {
                    {(!prizes.is_empty()).then(|| view! {
                        <ActionForm action=actions.awards attr:class="secondary-form">
                            <h3>{t(k::JUDGING_AWARDS)}</h3>
                            <p class="hint">{t(k::HINT_AWARDS)}</p>
                            <FormAlert error=awards_error/>
                            <input type="hidden" name="challenge_id" value=id.to_string()/>
                            {prizes.iter().enumerate().map(|(i, prize)| {
                                let chosen = results.iter().find(|r| r.award.as_deref() == Some(prize.as_str())).map(|r| r.standing.entry)
                                    .or_else(|| results.get(i).map(|r| r.standing.entry));
                                let select_id = format!("winner-{i}");
                                view! {
                                    <div class="field">
                                        <label for=select_id.clone()>{prize.clone()}</label>
                                        <select id=select_id name=format!("winners[{i}]")>
                                            <option value="0">{t(k::JUDGING_NO_AWARD)}</option>
                                            {results.iter().map(|r| view! {
                                                <option value=r.standing.entry.to_string() selected=chosen == Some(r.standing.entry)>
                                                    {format!("{}. {} — {}", r.standing.rank, r.team_name, r.title)}
                                                </option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                }
                            }).collect_view()}
                            <div class="field">
                                <label for="awards-reason">{t(k::FIELD_AWARD_REASON)}</label>
                                <p class="hint" id="awards-reason-hint">{t(k::HINT_AWARD_REASON)}</p>
                                <textarea id="awards-reason" name="reason" rows="3" aria-describedby="awards-reason-hint"></textarea>
                                <p class="field-error" role="alert" hidden=move || field_error(awards_error, "reason").get().is_none()>{move || field_error(awards_error, "reason").get()}</p>
                            </div>
                            <SubmitButton label=k::JUDGING_SAVE_AWARDS pending=actions.awards.pending()/>
                        </ActionForm>
                    })}
                    <ActionForm action=actions.publish attr:class="secondary-form">
                        <h3>{t(k::JUDGING_PUBLISH)}</h3>
                        {scheduled.map(|at| view! { <p class="alert alert-success">{tf(k::JUDGING_SCHEDULED_AT, &[("at", &format_datetime(at))])}</p> })}
                        <FormAlert error=publish_error/>
                        <input type="hidden" name="challenge_id" value=id.to_string()/>
                        <p class="hint">{t(k::HINT_PUBLISH_RESULTS)}</p>
                        <FieldInput name="at" label=k::FIELD_PUBLISH_AT kind="datetime-local" required=false hint=k::HINT_PUBLISH_AT error=field_error(publish_error, "at")/>
                        <button type="submit" class="button">{t(k::JUDGING_PUBLISH)}</button>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
    .into_any()
}
