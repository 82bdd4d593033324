//! The staff page of one challenge: edit the draft, publish it, move a deadline or cancel with a
//! public reason, add a cover and attachments, answer questions.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

use crate::api::challenge::{
    AddChallengeFile, AnswerQuestion, CancelChallenge, MoveDeadline, PublishChallenge,
    RemoveChallengeFile, UpdateChallenge, load_challenge_editor,
};
use crate::challenge::model::ChallengeEditor;
use crate::challenge::rules::Phase;
use crate::error::AppError;
use crate::i18n::{format_datetime, k, t, use_locale};
use crate::layout::{
    FieldSelect, FieldTextarea, FormAlert, Loaded, MultipartForm, PhaseBadge, SubmitButton,
    error_signal, field_error, url_error,
};
use crate::pages::challenge::form::ChallengeFields;

/// Every action of the page, so that each success reloads what the page shows.
#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateChallenge>,
    publish: ServerAction<PublishChallenge>,
    move_deadline: ServerAction<MoveDeadline>,
    cancel: ServerAction<CancelChallenge>,
    remove: ServerAction<RemoveChallengeFile>,
    answer: ServerAction<AnswerQuestion>,
}

#[component]
pub fn ChallengeEditPage() -> impl IntoView {
    let params = use_params_map();
    let actions = Actions {
        update: ServerAction::new(),
        publish: ServerAction::new(),
        move_deadline: ServerAction::new(),
        cancel: ServerAction::new(),
        remove: ServerAction::new(),
        answer: ServerAction::new(),
    };
    let editor = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok()),
                actions.update.version().get()
                    + actions.publish.version().get()
                    + actions.move_deadline.version().get()
                    + actions.cancel.version().get()
                    + actions.remove.version().get()
                    + actions.answer.version().get(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => load_challenge_editor(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t(k::CHALLENGE_EDIT_TITLE)/>
        <Loaded resource=editor let:e>
            {view! { <Editor editor=e actions/> }}
        </Loaded>
    }
}

#[component]
fn Editor(editor: ChallengeEditor, actions: Actions) -> impl IntoView {
    let locale = use_locale();
    let id = editor.id;
    let phase = editor.phase;
    let update_error = error_signal(move || actions.update.value().get());
    let saved = crate::layout::succeeded(actions.update);
    let publish_error = error_signal(move || actions.publish.value().get());
    let form = editor.form.clone();
    view! {
        <div class="page-head">
            <div>
                <p class="eyebrow">{editor.organisation.name(locale).to_owned()}</p>
                <h1>{editor.form.title.clone()}</h1>
                <div class="card-meta">
                    <PhaseBadge phase/>
                    {(phase != Phase::Draft).then(|| view! { <a href=format!("/challenges/{}", editor.slug)>{t(k::CHALLENGE_VIEW_PUBLIC)}</a> })}
                </div>
            </div>
            {(phase == Phase::Draft).then(|| view! {
                <ActionForm action=actions.publish>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit" class="button">{t(k::CHALLENGE_PUBLISH)}</button>
                </ActionForm>
            })}
        </div>
        <FormAlert error=publish_error/>
        {move || publish_error.get().filter(|e| matches!(e, AppError::Invalid(_))).map(|e| view! {
            <div class="alert alert-error" role="alert">
                <p>{t(k::CHALLENGE_PUBLISH_BLOCKED)}</p>
                <ul>{["brief", "entries_close_at"].into_iter().filter_map(|f| e.field_message(f, locale)).map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
            </div>
        })}
        <div class="challenge-layout">
            <div class="challenge-main">
                {if phase == Phase::Cancelled {
                    view! { <p class="alert alert-error">{t(k::ERROR_CHALLENGE_CANCELLED)}</p> }.into_any()
                } else {
                    view! {
                        <ActionForm action=actions.update attr:class="card challenge-form">
                            <p class="alert alert-success" role="status" hidden=move || !saved.get()>{t(k::ACCOUNT_SAVED)}</p>
                            <FormAlert error=update_error/>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <ChallengeFields form=form error=update_error dates_locked=phase != Phase::Draft/>
                            <SubmitButton label=k::CHALLENGE_SAVE pending=actions.update.pending()/>
                        </ActionForm>
                    }.into_any()
                }}
                {(phase != Phase::Draft).then(|| view! { <crate::pages::entry::staff::StaffEntries challenge_id=id/> })}
                <Questions editor=editor.clone() answer=actions.answer/>
            </div>
            <div class="challenge-side">
                {(phase != Phase::Draft).then(|| view! {
                    <section class="card" aria-labelledby="judging-link-heading">
                        <h2 id="judging-link-heading">{t(k::JUDGING_SETUP_TITLE)}</h2>
                        <p class="hint">{t(k::HINT_JUDGING_LINK)}</p>
                        <a class="button-secondary" href=format!("/staff/challenges/{id}/judging")>{t(k::JUDGING_OPEN_SETUP)}</a>
                    </section>
                })}
                {(phase != Phase::Draft).then(|| view! { <crate::pages::vote::VoteSettingsCard challenge_id=id/> })}
                {matches!(phase, Phase::Upcoming | Phase::Open | Phase::Judging | Phase::Voting).then(|| view! { <MoveDeadlineCard editor=editor.clone() action=actions.move_deadline/> })}
                <Files editor=editor.clone() remove=actions.remove/>
                {(!matches!(phase, Phase::Results | Phase::Cancelled)).then(|| view! { <Cancel id action=actions.cancel/> })}
            </div>
        </div>
    }
}

#[component]
fn MoveDeadlineCard(editor: ChallengeEditor, action: ServerAction<MoveDeadline>) -> impl IntoView {
    let error = error_signal(move || action.value().get());
    let done = crate::layout::succeeded(action);
    let now = chrono::Utc::now();
    let options: Vec<(String, String)> = editor
        .timetable
        .moments()
        .into_iter()
        .filter(|(_, at)| *at > now)
        .map(|(m, at)| {
            (
                m.field().to_owned(),
                format!("{} ({})", t(m.label()), format_datetime(at)),
            )
        })
        .collect();
    view! {
        <section class="card" aria-labelledby="move-heading">
            <h2 id="move-heading">{t(k::CHALLENGE_MOVE_DEADLINE)}</h2>
            <p class="hint">{t(k::HINT_MOVE_DEADLINE)}</p>
            <ActionForm action>
                <p class="alert alert-success" role="status" hidden=move || !done.get()>{t(k::CHALLENGE_DEADLINE_MOVED)}</p>
                <FormAlert error/>
                <input type="hidden" name="id" value=editor.id.to_string()/>
                <FieldSelect name="milestone" label=k::FIELD_MILESTONE options error=field_error(error, "milestone")/>
                <div class="field" class:has-error=move || field_error(error, "new_at").get().is_some()>
                    <label for="field-new-at">{t(k::FIELD_NEW_DATE)}</label>
                    <input id="field-new-at" type="datetime-local" name="new_at" required/>
                    <p class="field-error" role="alert" hidden=move || field_error(error, "new_at").get().is_none()>{move || field_error(error, "new_at").get()}</p>
                </div>
                <FieldTextarea name="reason" id="move-reason" label=k::FIELD_PUBLIC_REASON rows=3 error=field_error(error, "reason")/>
                <SubmitButton label=k::CHALLENGE_MOVE_SUBMIT pending=action.pending()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn Cancel(id: i64, action: ServerAction<CancelChallenge>) -> impl IntoView {
    let error = error_signal(move || action.value().get());
    view! {
        <details class="card danger-zone">
            <summary>{t(k::CHALLENGE_CANCEL)}</summary>
            <ActionForm action>
                <FormAlert error/>
                <input type="hidden" name="id" value=id.to_string()/>
                <FieldTextarea name="reason" id="cancel-reason" label=k::FIELD_PUBLIC_REASON rows=3 error=field_error(error, "reason")/>
                <button type="submit" class="button danger">{t(k::CHALLENGE_CANCEL_SUBMIT)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn Files(editor: ChallengeEditor, remove: ServerAction<RemoveChallengeFile>) -> impl IntoView {
    let error = RwSignal::new(url_error(AddChallengeFile::PATH));
    let pending = RwSignal::new(false);
    let error_read: Signal<Option<AppError>> = error.into();
    let id = editor.id;
    let files: Vec<_> = editor
        .cover
        .iter()
        .cloned()
        .chain(editor.attachments.iter().cloned())
        .collect();
    let cover_id = editor.cover.as_ref().map(|c| c.id);
    view! {
        <section class="card" aria-labelledby="files-heading">
            <h2 id="files-heading">{t(k::CHALLENGE_FILES)}</h2>
            <ul class="plain-list files">
                {files.into_iter().map(|f| view! {
                    <li>
                        <a href=f.url()>{f.name.clone()}</a>
                        {(Some(f.id) == cover_id).then(|| view! { " "<span class="tag">{t(k::CHALLENGE_COVER)}</span> })}
                        " "<span class="muted">{f.size_label()}</span>
                        <ActionForm action=remove attr:class="inline-form">
                            <input type="hidden" name="id" value=id.to_string()/>
                            <input type="hidden" name="upload_id" value=f.id.to_string()/>
                            <button type="submit" class="button-ghost danger">{t(k::ADMIN_REMOVE_STAFF)}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <MultipartForm action=AddChallengeFile::PATH>
                <FormAlert error=error_read/>
                <input type="hidden" name="challenge_id" value=id.to_string()/>
                <FieldSelect name="purpose" label=k::FIELD_FILE_PURPOSE options=vec![
                    ("attachment".to_owned(), t(k::CHALLENGE_ATTACHMENT).to_owned()),
                    ("cover".to_owned(), t(k::CHALLENGE_COVER).to_owned()),
                ] error=Signal::derive(|| None::<String>)/>
                <div class="field" class:has-error=move || field_error(error_read, "file").get().is_some()>
                    <label for="field-file">{t(k::FIELD_FILE)}</label>
                    <p class="hint" id="field-file-hint">{t(k::HINT_FILE)}</p>
                    <input id="field-file" type="file" name="file" accept="application/pdf,image/jpeg,image/png,image/webp" aria-describedby="field-file-hint" required/>
                    <p class="field-error" role="alert" hidden=move || field_error(error_read, "file").get().is_none()>{move || field_error(error_read, "file").get()}</p>
                </div>
                <SubmitButton label=k::CHALLENGE_UPLOAD pending/>
            </MultipartForm>
        </section>
    }
}

#[component]
fn Questions(editor: ChallengeEditor, answer: ServerAction<AnswerQuestion>) -> impl IntoView {
    let error = error_signal(move || answer.value().get());
    view! {
        <section class="section" aria-labelledby="questions-heading">
            <h2 id="questions-heading">{t(k::CHALLENGE_FAQ)}</h2>
            <FormAlert error/>
            {if editor.questions.is_empty() {
                view! { <p class="empty">{t(k::CHALLENGE_FAQ_EMPTY)}</p> }.into_any()
            } else {
                editor.questions.into_iter().map(|q| {
                    let field_id: &'static str = if q.answer.is_some() { "answer-edit" } else { "answer-new" };
                    view! {
                        <div class="card question">
                            <p><strong>{q.question.clone()}</strong></p>
                            <p class="muted">{format_datetime(q.asked_at)}</p>
                            <ActionForm action=answer>
                                <input type="hidden" name="question_id" value=q.id.to_string()/>
                                <div class="field">
                                    <label for=format!("{field_id}-{}", q.id)>{t(k::CHALLENGE_ANSWER)}</label>
                                    <textarea id=format!("{field_id}-{}", q.id) name="answer" rows="3" required>{q.answer.clone().map(crate::layout::textarea_text)}</textarea>
                                </div>
                                <button type="submit" class="button-secondary">{t(k::CHALLENGE_ANSWER_SUBMIT)}</button>
                            </ActionForm>
                        </div>
                    }
                }).collect_view().into_any()
            }}
        </section>
    }
}
