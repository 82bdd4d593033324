//! The entry editor on a team's page: any member writes; after the page has loaded, every change
//! saves itself a moment later, and a save that would overwrite another member's work is refused
//! with who changed what. Without JavaScript the same form saves with one button and saves then
//! submits with the other.

use leptos::html::Form;
use leptos::prelude::*;
use server_fn::ServerFn;

use crate::api::entry::{
    AddEntryFile, RemoveEntryFile, SaveEntry, SetEntryFilePublic, SubmitEntry, entry_files,
    get_entry,
};
use crate::entry::model::{EntryStatus, EntryView};
use crate::error::AppError;
use crate::i18n::{format_datetime, k, t, tf};
use crate::layout::{
    Countdown, FieldInput, FieldTextarea, FormAlert, Loaded, MultipartForm, SubmitButton,
    error_signal, field_error, url_error,
};

/// The entry editor, as the entry stands when the page is made (a file added or removed
/// reloads the page, which then says whether the entry differs from its last submission).
#[component]
pub fn EntryEditor(team_id: i64) -> impl IntoView {
    let entry = Resource::new(move || team_id, get_entry);
    view! {
        <Loaded resource=entry let:e>
            {view! { <EntryForm entry=e/> }}
        </Loaded>
    }
}

/// The entry's form, saved as it is typed: an island, whose code runs in the browser.
#[cfg_attr(feature = "hydrate", island(lazy))]
#[cfg_attr(not(feature = "hydrate"), island)]
fn EntryForm(entry: EntryView) -> impl IntoView {
    crate::layout::in_place::lazy_island("entry_form_loader");
    let save = ServerAction::<SaveEntry>::new();
    let submit = ServerAction::<SubmitEntry>::new();
    let version = RwSignal::new(entry.version);
    let saved_at = RwSignal::new(None::<String>);
    let status = RwSignal::new(entry.status);
    let submissions = RwSignal::new(entry.submissions);
    let unsubmitted = RwSignal::new(entry.unsubmitted_changes);
    let dirty = RwSignal::new(false);
    let form_ref = NodeRef::<Form>::new();
    // Changes typed so far, and how many of them the save under way carries: what is typed while
    // a save is on its way is not marked saved when that save returns, and is saved next.
    let edits = StoredValue::new(0u64);
    let sent = StoredValue::new(0u64);
    Effect::new(move || {
        if save.input().get().is_some() {
            sent.set_value(edits.get_value());
        }
    });
    Effect::new(move || {
        if let Some(Ok(v)) = save.value().get() {
            version.set(v.version);
            status.set(v.status);
            submissions.set(v.submissions);
            unsubmitted.set(v.unsubmitted_changes);
            saved_at.set(Some(format_datetime(v.updated_at)));
            if edits.get_value() == sent.get_value() {
                dirty.set(false);
            } else {
                #[cfg(feature = "hydrate")]
                autosave(form_ref, save, dirty);
            }
            // What a refused submission marked belongs to the text before this save.
            submit.value().set(None);
        }
    });
    Effect::new(move || {
        if let Some(Ok(v)) = submit.value().get() {
            version.set(v.version);
            status.set(v.status);
            submissions.set(v.submissions);
            unsubmitted.set(false);
        }
    });
    let team_id = entry.team_id;
    let save_error = error_signal(move || save.value().get());
    let submit_error = error_signal(move || submit.value().get());
    // A submission refused as incomplete names its fields (each is marked above).
    let incomplete = Signal::derive(
        move || matches!(submit_error.get(), Some(AppError::Invalid(fields)) if !fields.is_empty()),
    );
    // The fields a save refused, or else those a submission found missing.
    let marked = Signal::derive(move || {
        save_error.get().or_else(|| {
            submit_error
                .get()
                .filter(|e| matches!(e, AppError::Invalid(_)))
        })
    });
    let acknowledge_error = field_error(marked, "acknowledged");
    let on_input = move |_| {
        edits.update_value(|n| *n += 1);
        dirty.set(true);
        #[cfg(feature = "hydrate")]
        autosave(form_ref, save, dirty);
    };
    // What was typed while the page's code was still loading raised no input event here:
    // once the form is live, it is saved like any other change.
    #[cfg(feature = "hydrate")]
    Effect::new(move || {
        if let Some(form) = form_ref.get()
            && typed_before_hydration(&form)
        {
            edits.update_value(|n| *n += 1);
            dirty.set(true);
            autosave(form_ref, save, dirty);
        }
    });
    let f = entry.fields.clone();
    let closes_at = entry.closes_at;
    let closed = closes_at <= chrono::Utc::now();
    let state = move || {
        if save.pending().get() {
            t(k::ENTRY_SAVING).to_owned()
        } else if dirty.get() {
            t(k::ENTRY_UNSAVED).to_owned()
        } else if let Some(at) = saved_at.get() {
            tf(k::ENTRY_SAVED_AT, &[("at", &at)])
        } else {
            String::new()
        }
    };
    view! {
        <section class="section card entry-editor" aria-labelledby="entry-heading">
            <div class="page-head">
                <h2 id="entry-heading">{t(k::ENTRY_TITLE)}</h2>
                <p class="next-deadline">{t(k::MILESTONE_ENTRIES_CLOSE)}": "<Countdown at=closes_at/></p>
            </div>
            <p class=move || format!("entry-status status-{}", status.get().code())>
                {move || match status.get() {
                    EntryStatus::Draft => t(k::ENTRY_STATUS_DRAFT).to_owned(),
                    EntryStatus::Submitted => tf(k::ENTRY_STATUS_SUBMITTED, &[("n", &submissions.get().to_string())]),
                    EntryStatus::Ineligible => t(k::ENTRY_STATUS_INELIGIBLE).to_owned(),
                }}
                {move || unsubmitted.get().then(|| view! { " · "<strong>{t(k::ENTRY_UNSUBMITTED)}</strong> })}
            </p>
            {entry.ineligible_reason.clone().map(|r| view! { <p class="alert alert-error">{r}</p> })}
            {closed.then(|| view! {
                <p class="alert alert-error" role="status">
                    {tf(k::ENTRY_CLOSED, &[("at", &format_datetime(closes_at))])}" "
                    {t(if entry.status == EntryStatus::Draft { k::ENTRY_CLOSED_DRAFT } else { k::ENTRY_CLOSED_SUBMITTED })}
                </p>
            })}
            <ActionForm action=save node_ref=form_ref attr:class="entry-form" on:input=on_input>
                <FormAlert error=save_error/>
                <fieldset class="plain-fieldset" disabled=closed>
                <input type="hidden" name="team_id" value=team_id.to_string()/>
                <input type="hidden" name="version" value=move || version.get().to_string()/>
                <FieldInput name="entry[title]" label=k::FIELD_ENTRY_TITLE value=f.title.clone() required=false error=field_error(marked, "title")/>
                <FieldTextarea name="entry[summary]" id="entry-summary" label=k::FIELD_ENTRY_SUMMARY rows=3 maxlength=crate::entry::rules::SUMMARY_MAX required=false value=f.summary.clone() error=field_error(marked, "summary")/>
                <FieldTextarea name="entry[solution]" id="entry-solution" label=k::FIELD_ENTRY_SOLUTION hint=k::HINT_BRIEF rows=10 required=false value=f.solution.clone() error=field_error(marked, "solution")/>
                <FieldTextarea name="entry[pilot_plan]" id="entry-pilot" label=k::FIELD_ENTRY_PILOT_PLAN hint=k::HINT_PILOT_PLAN rows=5 required=false value=f.pilot_plan.clone() error=field_error(marked, "pilot_plan")/>
                <div class="grid-2 tight">
                    <FieldInput name="entry[cost]" label=k::FIELD_ENTRY_COST inputmode="numeric" required=false value=f.cost.clone() error=field_error(marked, "cost")/>
                    <FieldInput name="entry[demo_url]" label=k::FIELD_ENTRY_DEMO_URL kind="url" hint=k::HINT_BLIND_FIELD required=false value=f.demo_url.clone() error=field_error(marked, "demo_url")/>
                </div>
                <FieldTextarea name="entry[experience]" id="entry-experience" label=k::FIELD_ENTRY_EXPERIENCE hint=k::HINT_BLIND_FIELD rows=3 required=false value=f.experience.clone() error=field_error(marked, "experience")/>
                <label class="check">
                    <input type="checkbox" name="entry[acknowledged]" checked=f.acknowledged.is_some()/>
                    <span>{t(k::FIELD_ENTRY_ACKNOWLEDGED)}</span>
                </label>
                <p class="field-error" role="alert" hidden=move || acknowledge_error.get().is_none()>{move || acknowledge_error.get()}</p>
                <div class="form-actions">
                    <SubmitButton label=k::ENTRY_SAVE pending=save.pending()/>
                    <span class="muted small" role="status" aria-live="polite">{state}</span>
                </div>
                <div class="secondary-form">
                    <FormAlert error=submit_error/>
                    {move || incomplete.get().then(|| view! {
                        <p class="alert alert-error" role="alert">{t(k::ENTRY_INCOMPLETE)}</p>
                    })}
                    <p class="hint">{t(k::HINT_SUBMIT_ENTRY)}</p>
                    // Before the page's code has arrived (or without JavaScript) this button sends
                    // the whole form to be saved and submitted; once the page is live, the draft
                    // saves itself and the button submits the saved version.
                    <button
                        type="submit"
                        name="submit"
                        value="true"
                        class="button"
                        disabled=move || closed || dirty.get() || save.pending().get() || submit.pending().get()
                        on:click=move |ev| {
                            ev.prevent_default();
                            submit.dispatch(SubmitEntry { team_id, version: version.get_untracked() });
                        }
                    >
                        {t(k::ENTRY_SUBMIT)}
                    </button>
                </div>
                </fieldset>
            </ActionForm>
        </section>
    }
}

/// Whether a field of `form` holds something other than what the page was sent with.
#[cfg(feature = "hydrate")]
fn typed_before_hydration(form: &leptos::web_sys::HtmlFormElement) -> bool {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{HtmlInputElement, HtmlTextAreaElement};
    let fields = form.elements();
    (0..fields.length())
        .filter_map(|i| fields.item(i))
        .any(|field| {
            if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                match input.type_().as_str() {
                    "hidden" => false,
                    "checkbox" | "radio" => input.checked() != input.default_checked(),
                    _ => input.value() != input.default_value(),
                }
            } else if let Some(text) = field.dyn_ref::<HtmlTextAreaElement>() {
                text.default_value().is_ok_and(|sent| text.value() != sent)
            } else {
                false
            }
        })
}

/// Saves the form a moment after the last keystroke, one save at a time.
#[cfg(feature = "hydrate")]
fn autosave(form: NodeRef<Form>, save: ServerAction<SaveEntry>, dirty: RwSignal<bool>) {
    use leptos::form::FromFormData;
    thread_local! {
        static TIMER: std::cell::Cell<Option<TimeoutHandle>> = const { std::cell::Cell::new(None) };
    }
    TIMER.with(|timer| {
        if let Some(handle) = timer.take() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                if !dirty.get_untracked() {
                    return;
                }
                // One save at a time: this one tries again when the one under way is back.
                if save.pending().get_untracked() {
                    autosave(form, save, dirty);
                    return;
                }
                let Some(form) = form.get_untracked() else {
                    return;
                };
                if let Ok(data) = leptos::web_sys::FormData::new_with_form(&form)
                    && let Ok(input) = SaveEntry::from_form_data(&data)
                {
                    save.dispatch(input);
                }
            },
            std::time::Duration::from_millis(1200),
        );
        timer.set(handle.ok());
    });
}

/// The files of the entry: each one linked, marked public or for the jury only, removable until
/// the deadline; a form to attach another.
#[component]
pub fn EntryFilesPanel(team_id: i64, files_changed: RwSignal<u32>) -> impl IntoView {
    let remove = ServerAction::<RemoveEntryFile>::new();
    let toggle = ServerAction::<SetEntryFilePublic>::new();
    Effect::new(move |_| {
        if matches!(remove.value().get(), Some(Ok(()))) {
            files_changed.try_update(|n| *n += 1);
        }
    });
    // The counter belongs to the team page: while a server render of that page is dropped (the
    // visitor went on), this resource may ask once more after it is gone, and reads none.
    let files = Resource::new(
        move || {
            (
                files_changed.try_get().unwrap_or_default(),
                toggle.version().get(),
            )
        },
        move |_| entry_files(team_id),
    );
    let upload_error = RwSignal::new(url_error(AddEntryFile::PATH));
    let upload_error_read: Signal<Option<AppError>> = upload_error.into();
    let pending = RwSignal::new(false);
    let change_error = Signal::derive(move || match (remove.value().get(), toggle.value().get()) {
        (Some(Err(e)), _) | (_, Some(Err(e))) => Some(e),
        _ => None,
    });
    view! {
        <section class="section card entry-files" aria-labelledby="entry-files-heading">
            <h2 id="entry-files-heading">{t(k::ENTRY_FILES)}</h2>
            <p class="hint">{t(k::HINT_ENTRY_FILES)}</p>
            <FormAlert error=change_error/>
            <Loaded resource=files let:list>
                {
                    let open = list.open;
                    let full = list.files.len() >= list.max;
                    view! {
                        {list.files.is_empty().then(|| view! { <p class="empty">{t(k::ENTRY_FILES_EMPTY)}</p> })}
                        <ul class="plain-list files">
                            {list.files.into_iter().map(|f| {
                                let id = f.file.id;
                                view! {
                                    <li>
                                        <a href=f.file.url()>{f.file.name.clone()}</a>
                                        " "<span class="muted">{f.file.size_label()}</span>
                                        " "<span class=if f.public { "tag tag-public" } else { "tag" }>
                                            {t(if f.public { k::ENTRY_FILE_PUBLIC } else { k::ENTRY_FILE_JURY })}
                                        </span>
                                        {open.then(|| {
                                            view! {
                                            <ActionForm action=toggle attr:class="inline-form">
                                                <input type="hidden" name="team_id" value=team_id.to_string()/>
                                                <input type="hidden" name="upload_id" value=id.to_string()/>
                                                {(!f.public).then(|| view! { <input type="hidden" name="public" value="on"/> })}
                                                <button type="submit" class="button-ghost">
                                                    {t(if f.public { k::ENTRY_FILE_MAKE_JURY } else { k::ENTRY_FILE_MAKE_PUBLIC })}
                                                </button>
                                            </ActionForm>
                                            <ActionForm action=remove attr:class="inline-form">
                                                <input type="hidden" name="team_id" value=team_id.to_string()/>
                                                <input type="hidden" name="upload_id" value=id.to_string()/>
                                                <button type="submit" class="button-ghost danger">{t(k::ENTRY_FILE_REMOVE)}</button>
                                            </ActionForm>
                                        }})}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {(open && full).then(|| view! { <p class="hint">{t(k::ENTRY_FILES_FULL)}</p> })}
                        {(open && !full).then(|| view! {
                                <MultipartForm action=AddEntryFile::PATH>
                                    <FormAlert error=upload_error_read/>
                                    <input type="hidden" name="team_id" value=team_id.to_string()/>
                                    <div class="field" class:has-error=move || field_error(upload_error_read, "file").get().is_some()>
                                        <label for="entry-file">{t(k::FIELD_ENTRY_FILE)}</label>
                                        <p class="hint" id="entry-file-hint">{t(k::HINT_ENTRY_FILE)}</p>
                                        <input id="entry-file" type="file" name="file" accept="application/pdf,image/jpeg,image/png,image/webp" aria-describedby="entry-file-hint" required/>
                                        <p class="field-error" role="alert" hidden=move || field_error(upload_error_read, "file").get().is_none()>{move || field_error(upload_error_read, "file").get()}</p>
                                    </div>
                                    <label class="check">
                                        <input type="checkbox" name="public" value="on"/>
                                        <span>{t(k::FIELD_ENTRY_FILE_PUBLIC)}</span>
                                    </label>
                                    <SubmitButton label=k::ENTRY_FILE_ATTACH pending/>
                                </MultipartForm>
                        })}
                        {(!open).then(|| view! { <p class="hint">{t(k::ENTRY_FILES_CLOSED)}</p> })}
                    }.into_any()
                }
            </Loaded>
        </section>
    }
}
