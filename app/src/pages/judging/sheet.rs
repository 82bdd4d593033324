//! The score sheet: the entry beside the rubric. Each criterion is a row of radio buttons (arrow
//! keys or a tap), with a comment; every change is saved as a draft within a second; when the
//! connection drops, the marks stay in the page and are sent when it is back.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::judging::{Recuse, SubmitMarks, load_score_sheet};
use crate::error::AppError;
use crate::i18n::{format_vnd, k, t, tf, use_locale};
use crate::judging::model::ScoreSheet;
use crate::judging::rules::{Criterion, Marks, Scale};
use crate::layout::{FieldTextarea, FormAlert, Loaded, error_signal, field_error};
use crate::pages::judging::staff::criterion_text;

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
#[derive(Clone, Debug, PartialEq)]
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

/// The judge's score, rendered by the server: a plain form that submits the marks without any
/// code; once the page's code runs, every change is saved as a draft within a second and a lost
/// connection keeps the marks in the page until it is back (`SheetCode`).
#[component]
fn Sheet(rubric: Rubric) -> impl IntoView {
    let locale = use_locale();
    let submit = ServerAction::<SubmitMarks>::new();
    let recuse = ServerAction::<Recuse>::new();
    let submit_error = error_signal(move || submit.value().get());
    let recuse_error = error_signal(move || recuse.value().get());
    let closed = rubric.closed;
    let scale = rubric.scale;
    let entry_id = rubric.entry_id;
    let submitted = rubric.submitted;
    let field_msg = move |field: String| {
        Signal::derive(move || {
            submit_error
                .get()
                .and_then(|e| e.field_message(&field, locale))
        })
    };
    let next = rubric.next_entry;
    view! {
            <section class="card sheet-rubric" aria-labelledby="rubric-score-heading">
                <h2 id="rubric-score-heading">{t(k::JUDGING_YOUR_SCORE)}</h2>
                {closed.then(|| view! { <p class="alert alert-error">{t(k::JUDGING_CLOSED)}</p> })}
                <ActionForm action=submit attr:class="score-form">
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
                        <button type="submit" class="button">
                            {if submitted { t(k::JUDGING_RESUBMIT) } else { t(k::JUDGING_SUBMIT) }}
                        </button>
                        // Its words for each state of a draft, in the reader's language, for the
                        // page's code to show.
                        <span
                            class="save-state"
                            role="status"
                            aria-live="polite"
                            data-unsaved=t(k::ENTRY_UNSAVED)
                            data-saving=t(k::ENTRY_SAVING)
                            data-saved=t(k::ENTRY_SAVED_AT)
                            data-offline=t(k::JUDGING_OFFLINE)
                        >
                            {submitted.then(|| t(k::JUDGING_STATE_SUBMITTED))}
                        </span>
                    </div>
                    </fieldset>
                </ActionForm>
                {submitted.then(|| view! {
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
                <SheetCode/>
            </section>
    }
}

/// Saves the sheet's marks as a draft as they change, and keeps them through a lost connection:
/// the code of a page whose sheet is open (`autosave`).
#[cfg_attr(feature = "hydrate", island(lazy))]
#[cfg_attr(not(feature = "hydrate"), island)]
fn SheetCode() -> impl IntoView {
    crate::layout::in_place::lazy_island("sheet_code_loader");
    #[cfg(feature = "hydrate")]
    autosave::start();
}

#[cfg(feature = "hydrate")]
mod autosave {
    use std::cell::Cell;

    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;

    use crate::layout::in_place::{Drafts, Sent, city_time, form_with_changes, send_for_value};

    /// Where the judge's latest marks stand.
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Idle,
        Unsaved,
        Saving,
        Saved,
        /// The connection dropped: the marks are kept in the page and sent when it is back.
        Offline,
        Refused,
    }

    thread_local! {
        static STATE: Cell<State> = const { Cell::new(State::Idle) };
        static DRAFTS: Drafts = const { Drafts::new() };
    }

    /// Takes the page's score form: a change is saved 0.7 s after the last one; when the browser
    /// says it is back online, marks kept in the page are sent.
    pub fn start() {
        let Some(form) = form_with_changes("form.score-form", || {
            set(State::Unsaved, None);
            schedule(700);
        }) else {
            return;
        };
        let on_online = Closure::<dyn FnMut()>::new(|| {
            if matches!(STATE.get(), State::Offline | State::Unsaved) {
                schedule(0);
            }
        });
        let _ =
            window().add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        on_online.forget();
        DRAFTS.with(|drafts| drafts.keep(form));
    }

    fn schedule(delay_ms: i32) {
        DRAFTS.with(|drafts| drafts.schedule(delay_ms, send));
    }

    /// Sends the marks as they are now to be saved as a draft; one save at a time.
    fn send() {
        let Some(form) = DRAFTS.with(|drafts| drafts.turn(send)) else {
            return;
        };
        set(State::Saving, None);
        leptos::task::spawn_local(async move {
            let sent = send_for_value(&form, "/api/judging/save", None).await;
            DRAFTS.with(Drafts::saved);
            // A change made while this save was on its way is saved by its own timer.
            if STATE.get() == State::Unsaved {
                return;
            }
            match sent {
                Sent::Value(at) => set(State::Saved, at.as_string().map(|at| city_time(&at))),
                Sent::Refused(message) => set(State::Refused, Some(message)),
                Sent::Lost => {
                    set(State::Offline, None);
                    // Try again in a while, and at once when the browser says it is back online.
                    schedule(5000);
                }
            }
        });
    }

    /// Shows `state` in the form's status line, in the words the page gave it.
    fn set(state: State, said: Option<String>) {
        STATE.set(state);
        let Some(status) = DRAFTS
            .with(Drafts::form)
            .and_then(|f| f.query_selector(".save-state").ok().flatten())
        else {
            return;
        };
        let word = |name: &str| status.get_attribute(name).unwrap_or_default();
        let (text, class) = match state {
            State::Idle => (String::new(), "save-state"),
            State::Unsaved => (word("data-unsaved"), "save-state"),
            State::Saving => (word("data-saving"), "save-state"),
            State::Saved => (
                word("data-saved").replace("{at}", &said.unwrap_or_default()),
                "save-state saved",
            ),
            State::Offline => (word("data-offline"), "save-state offline"),
            State::Refused => (said.unwrap_or_default(), "save-state refused"),
        };
        status.set_text_content(Some(&text));
        status.set_class_name(class);
    }
}
