//! The score sheet: the entry beside the rubric. Each criterion is a row of radio buttons (arrow
//! keys or a tap), with a comment; every change is saved as a draft within a second; when the
//! connection drops, the marks stay in the page and are sent when it is back.

use leptos::html::Form;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::judging::{Recuse, SubmitMarks, load_score_sheet};
use crate::error::AppError;
use crate::i18n::{format_datetime, format_vnd, k, t, tf, use_locale};
use crate::judging::model::ScoreSheet;
use crate::judging::rules::{Criterion, Marks, Scale};
use crate::layout::{FieldTextarea, FormAlert, Loaded, error_signal, field_error};
use crate::pages::judging::staff::criterion_text;

/// Where the judge’s latest marks stand (the states past `Unsaved` are set by the page script).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    Idle,
    Unsaved,
    Saving,
    Saved(String),
    /// The connection dropped: the marks are kept in the page and sent when it is back.
    Offline,
    Refused(AppError),
}

#[component]
pub fn ScoreSheetPage() -> impl IntoView {
    let params = use_params_map();
    let sheet = Resource::new(
        move || {
            params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i64>().ok())
        },
        |id| async move {
            match id {
                Some(id) => load_score_sheet(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t(k::JUDGING_SHEET_TITLE)/>
        <Loaded resource=sheet let:s>
            {view! { <SheetView sheet=s/> }}
        </Loaded>
    }
}

/// The entry beside the rubric: the entry as the server renders it, the rubric an island.
#[component]
fn SheetView(sheet: ScoreSheet) -> impl IntoView {
    let ScoreSheet {
        challenge_id,
        challenge_title,
        entry_id,
        code,
        team_name,
        title,
        summary,
        solution_html,
        pilot_plan,
        cost_vnd,
        experience,
        demo_url,
        files,
        criteria,
        scale,
        marks,
        submitted,
        closed,
        position,
        of,
        next_entry,
    } = sheet;
    let rubric = Rubric {
        challenge_id,
        entry_id,
        criteria,
        scale,
        marks,
        submitted,
        closed,
        next_entry,
    };
    view! {
        <p class="breadcrumb"><a href=format!("/judging/{challenge_id}")>{challenge_title}</a></p>
        <div class="page-head">
            <h1><code>{code}</code>" "{title}</h1>
            <p class="muted">{tf(k::JUDGING_POSITION, &[("n", &position.to_string()), ("of", &of.to_string())])}</p>
        </div>
        {team_name.map(|n| view! { <p class="eyebrow">{n}</p> })}
        <div class="sheet-layout">
            <article class="card sheet-entry" aria-labelledby="entry-read-heading">
                <h2 id="entry-read-heading" class="visually-hidden">{t(k::JUDGING_THE_ENTRY)}</h2>
                <p class="lead">{summary}</p>
                <h3>{t(k::FIELD_ENTRY_SOLUTION)}</h3>
                <div class="prose" inner_html=solution_html></div>
                <h3>{t(k::FIELD_ENTRY_PILOT_PLAN)}</h3>
                <p class="pre-line">{pilot_plan}</p>
                <dl class="facts">
                    <div><dt>{t(k::FIELD_ENTRY_COST)}</dt><dd>{format_vnd(cost_vnd)}</dd></div>
                    {(!demo_url.is_empty()).then(|| view! {
                        <div><dt>{t(k::FIELD_ENTRY_DEMO_URL)}</dt><dd><a href=demo_url.clone() rel="noopener noreferrer nofollow" target="_blank">{demo_url.clone()}</a></dd></div>
                    })}
                </dl>
                {(!experience.is_empty()).then(|| view! {
                    <h3>{t(k::FIELD_ENTRY_EXPERIENCE)}</h3>
                    <p class="pre-line">{experience}</p>
                })}
                {(!files.is_empty()).then(|| view! {
                    <h3>{t(k::ENTRY_FILES)}</h3>
                    <ul class="plain-list files">
                        {files.iter().map(|f| view! { <li><a href=f.url()>{f.name.clone()}</a>" "<span class="muted">{f.size_label()}</span></li> }).collect_view()}
                    </ul>
                })}
            </article>
            <Sheet rubric/>
        </div>
    }
}

/// What the rubric's island is given: the judge's marks and where the sheet stands.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rubric {
    challenge_id: i64,
    entry_id: i64,
    criteria: Vec<Criterion>,
    scale: Scale,
    marks: Marks,
    submitted: bool,
    closed: bool,
    next_entry: Option<i64>,
}

/// The judge's score: an island, whose code runs in the browser (marks saved as they change,
/// kept through a lost connection).
#[cfg_attr(feature = "hydrate", island(lazy))]
#[cfg_attr(not(feature = "hydrate"), island)]
fn Sheet(rubric: Rubric) -> impl IntoView {
    crate::layout::in_place::lazy_island("sheet_loader");
    let locale = use_locale();
    let submit = ServerAction::<SubmitMarks>::new();
    let recuse = ServerAction::<Recuse>::new();
    let state = RwSignal::new(SaveState::Idle);
    let submitted = RwSignal::new(rubric.submitted);
    let form_ref = NodeRef::<Form>::new();
    Effect::new(move || {
        if let Some(Ok(at)) = submit.value().get() {
            submitted.set(true);
            state.set(SaveState::Saved(format_datetime(at)));
        }
    });
    let submit_error = error_signal(move || submit.value().get());
    let recuse_error = error_signal(move || recuse.value().get());
    let on_change = move |_| {
        state.set(SaveState::Unsaved);
        #[cfg(feature = "hydrate")]
        autosave::schedule(form_ref, state, 700);
    };
    #[cfg(feature = "hydrate")]
    autosave::resend_when_online(form_ref, state);
    let closed = rubric.closed;
    let scale = rubric.scale;
    let entry_id = rubric.entry_id;
    let status = move || match state.get() {
        SaveState::Idle if submitted.get() => t(k::JUDGING_STATE_SUBMITTED).to_owned(),
        SaveState::Idle => String::new(),
        SaveState::Unsaved => t(k::ENTRY_UNSAVED).to_owned(),
        SaveState::Saving => t(k::ENTRY_SAVING).to_owned(),
        SaveState::Saved(at) => tf(k::ENTRY_SAVED_AT, &[("at", &at)]),
        SaveState::Offline => t(k::JUDGING_OFFLINE).to_owned(),
        SaveState::Refused(e) => e.message(locale),
    };
    let state_class = move || match state.get() {
        SaveState::Offline => "save-state offline",
        SaveState::Refused(_) => "save-state refused",
        SaveState::Saved(_) => "save-state saved",
        _ => "save-state",
    };
    let field_msg = move |field: String| {
        Signal::derive(move || {
            let from_save = match state.get() {
                SaveState::Refused(e) => e.field_message(&field, locale),
                _ => None,
            };
            from_save.or_else(|| {
                submit_error
                    .get()
                    .and_then(|e| e.field_message(&field, locale))
            })
        })
    };
    let next = rubric.next_entry;
    view! {
            <section class="card sheet-rubric" aria-labelledby="rubric-score-heading">
                <h2 id="rubric-score-heading">{t(k::JUDGING_YOUR_SCORE)}</h2>
                {closed.then(|| view! { <p class="alert alert-error">{t(k::JUDGING_CLOSED)}</p> })}
                <ActionForm action=submit node_ref=form_ref attr:class="score-form" on:input=on_change>
                    <FormAlert error=submit_error/>
                    <input type="hidden" name="entry_id" value=entry_id.to_string()/>
                    <fieldset class="plain-fieldset" disabled=closed>
                    {rubric.criteria.iter().map(|c| {
                        let (name, guidance) = criterion_text(c, locale);
                        let value = rubric.marks.values.get(&c.id).copied();
                        let comment = rubric.marks.comments.get(&c.id).cloned().unwrap_or_default();
                        let value_error = field_msg(format!("value_{}", c.id));
                        let comment_error = field_msg(format!("comment_{}", c.id));
                        let comment_id = format!("comment-{}", c.id);
                        view! {
                            <fieldset class="criterion-score">
                                <legend>{name}" "<span class="muted small">{c.weight}" %"</span></legend>
                                {(!guidance.is_empty()).then(|| view! { <p class="hint">{guidance}</p> })}
                                <div class="scale" role="radiogroup" aria-label=tf(k::JUDGING_SCORE_FOR, &[("criterion", &criterion_text(c, locale).0)])>
                                    {scale.values().map(|v| view! {
                                        <label class="scale-point">
                                            <input type="radio" name=format!("marks[values][{}]", c.id) value=v.to_string() checked=value == Some(v)/>
                                            <span>{v}</span>
                                        </label>
                                    }).collect_view()}
                                </div>
                                <p class="field-error" role="alert" hidden=move || value_error.get().is_none()>{move || value_error.get()}</p>
                                <div class="field">
                                    <label for=comment_id.clone()>{if c.comment_required { t(k::FIELD_SCORE_COMMENT_REQUIRED) } else { t(k::FIELD_SCORE_COMMENT) }}</label>
                                    <textarea id=comment_id name=format!("marks[comments][{}]", c.id) rows="2">{crate::layout::textarea_text(comment)}</textarea>
                                    <p class="field-error" role="alert" hidden=move || comment_error.get().is_none()>{move || comment_error.get()}</p>
                                </div>
                            </fieldset>
                        }
                    }).collect_view()}
                    <FieldTextarea name="marks[overall]" id="overall" label=k::FIELD_OVERALL_COMMENT hint=k::HINT_OVERALL_COMMENT rows=3 required=false value=rubric.marks.overall.clone() error=field_error(submit_error, "overall")/>
                    <div class="form-actions sticky-actions">
                        <button type="submit" class="button" disabled=move || submit.pending().get()>
                            {move || if submitted.get() { t(k::JUDGING_RESUBMIT) } else { t(k::JUDGING_SUBMIT) }}
                        </button>
                        <span class=state_class role="status" aria-live="polite">{status}</span>
                    </div>
                    </fieldset>
                </ActionForm>
                {move || submitted.get().then(|| view! {
                    <p class="alert alert-success">
                        {t(k::JUDGING_SUBMITTED_NOTE)}" "
                        {match next {
                            Some(id) => view! { <a href=format!("/judging/entries/{id}")>{t(k::JUDGING_NEXT)}</a> }.into_any(),
                            None => view! { <a href=format!("/judging/{}", rubric.challenge_id)>{t(k::JUDGING_BACK_TO_QUEUE)}</a> }.into_any(),
                        }}
                    </p>
                })}
                {(!closed).then(|| view! {
                    <details class="danger-zone">
                        <summary>{t(k::JUDGING_RECUSE)}</summary>
                        <ActionForm action=recuse>
                            <FormAlert error=recuse_error/>
                            <input type="hidden" name="entry_id" value=entry_id.to_string()/>
                            <FieldTextarea name="reason" id="recuse-reason" label=k::FIELD_RECUSE_REASON rows=2 error=field_error(recuse_error, "reason")/>
                            <button type="submit" class="button danger">{t(k::JUDGING_RECUSE_SUBMIT)}</button>
                        </ActionForm>
                    </details>
                })}
            </section>
    }
}

#[cfg(feature = "hydrate")]
mod autosave {
    use leptos::html::Form;
    use leptos::prelude::*;

    use super::SaveState;
    use crate::api::judging::{SaveMarks, save_marks};
    use crate::error::AppError;

    thread_local! {
        static TIMER: std::cell::Cell<Option<TimeoutHandle>> = const { std::cell::Cell::new(None) };
        static IN_FLIGHT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Saves the form `delay_ms` after the last change; one save at a time.
    pub fn schedule(form: NodeRef<Form>, state: RwSignal<SaveState>, delay_ms: u64) {
        TIMER.with(|timer| {
            if let Some(handle) = timer.take() {
                handle.clear();
            }
            let handle = set_timeout_with_handle(
                move || send(form, state),
                std::time::Duration::from_millis(delay_ms),
            );
            timer.set(handle.ok());
        });
    }

    fn send(form: NodeRef<Form>, state: RwSignal<SaveState>) {
        use leptos::form::FromFormData;
        if IN_FLIGHT.with(|f| f.get()) {
            schedule(form, state, 400);
            return;
        }
        let Some(el) = form.get_untracked() else {
            return;
        };
        let Ok(data) = leptos::web_sys::FormData::new_with_form(&el) else {
            return;
        };
        let Ok(input) = SaveMarks::from_form_data(&data) else {
            return;
        };
        IN_FLIGHT.with(|f| f.set(true));
        state.set(SaveState::Saving);
        leptos::task::spawn_local(async move {
            let result = save_marks(input.entry_id, input.marks).await;
            IN_FLIGHT.with(|f| f.set(false));
            // A change typed while this save was on its way is saved by its own timer.
            if state.get_untracked() == SaveState::Unsaved {
                return;
            }
            match result {
                Ok(at) => state.set(SaveState::Saved(crate::i18n::format_datetime(at))),
                Err(AppError::Transport(_) | AppError::Busy) => {
                    state.set(SaveState::Offline);
                    // Try again in a while, and at once when the browser says it is back online.
                    schedule(form, state, 5000);
                }
                Err(e) => state.set(SaveState::Refused(e)),
            }
        });
    }

    /// When the browser is back online, sends the marks kept in the page.
    pub fn resend_when_online(form: NodeRef<Form>, state: RwSignal<SaveState>) {
        let handle = window_event_listener(leptos::ev::online, move |_| {
            if matches!(
                state.get_untracked(),
                SaveState::Offline | SaveState::Unsaved
            ) {
                schedule(form, state, 0);
            }
        });
        on_cleanup(move || handle.remove());
    }
}
