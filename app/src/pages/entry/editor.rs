//! The entry editor on a team's page: any member writes; after the page has loaded, every change
//! saves itself a moment later, and a save that would overwrite another member's work is refused
//! with who changed what. Without JavaScript the same form saves with one button and saves then
//! submits with the other.

use leptos::prelude::*;
use server_fn::ServerFn;

use crate::api::entry::{
    AddEntryFile, RemoveEntryFile, SaveEntry, SetEntryFilePublic, entry_files, get_entry,
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

/// The entry's form, rendered by the server: a plain form that saves with one button and saves
/// then submits with the other, without any code. Once the page's code runs (`EntryCode`), every
/// change saves itself a moment later and the second button submits the saved version.
#[component]
fn EntryForm(entry: EntryView) -> impl IntoView {
    let save = ServerAction::<SaveEntry>::new();
    let save_error = error_signal(move || save.value().get());
    let marked = save_error;
    let acknowledge_error = field_error(marked, "acknowledged");
    let f = entry.fields.clone();
    let closes_at = entry.closes_at;
    let closed = closes_at <= chrono::Utc::now();
    let status = entry.status;
    let submissions = entry.submissions.to_string();
    view! {
        <section class="section card entry-editor" aria-labelledby="entry-heading">
            <div class="page-head">
                <h2 id="entry-heading">{t(k::ENTRY_TITLE)}</h2>
                <p class="next-deadline">{t(k::MILESTONE_ENTRIES_CLOSE)}": "<Countdown at=closes_at/></p>
            </div>
            // The words of each state, in the reader's language, for the page's code to show.
            <p
                class=format!("entry-status status-{}", status.code())
                data-draft=t(k::ENTRY_STATUS_DRAFT)
                data-submitted=t(k::ENTRY_STATUS_SUBMITTED)
                data-ineligible=t(k::ENTRY_STATUS_INELIGIBLE)
                data-unsubmitted=t(k::ENTRY_UNSUBMITTED)
            >
                {match status {
                    EntryStatus::Draft => t(k::ENTRY_STATUS_DRAFT).to_owned(),
                    EntryStatus::Submitted => tf(k::ENTRY_STATUS_SUBMITTED, &[("n", &submissions)]),
                    EntryStatus::Ineligible => t(k::ENTRY_STATUS_INELIGIBLE).to_owned(),
                }}
                {entry.unsubmitted_changes.then(|| view! { " · "<strong>{t(k::ENTRY_UNSUBMITTED)}</strong> })}
            </p>
            {entry.ineligible_reason.clone().map(|r| view! { <p class="alert alert-error">{r}</p> })}
            {closed.then(|| view! {
                <p class="alert alert-error" role="status">
                    {tf(k::ENTRY_CLOSED, &[("at", &format_datetime(closes_at))])}" "
                    {t(if entry.status == EntryStatus::Draft { k::ENTRY_CLOSED_DRAFT } else { k::ENTRY_CLOSED_SUBMITTED })}
                </p>
            })}
            <ActionForm action=save attr:class="entry-form">
                <FormAlert error=save_error/>
                <fieldset class="plain-fieldset" disabled=closed>
                <input type="hidden" name="team_id" value=entry.team_id.to_string()/>
                <input type="hidden" name="version" value=entry.version.to_string()/>
                <FieldInput name="entry[title]" label=k::FIELD_ENTRY_TITLE value=f.title.clone() required=false error=field_error(marked, "title")/>
                <FieldTextarea name="entry[summary]" id="entry-summary" label=k::FIELD_ENTRY_SUMMARY rows=3 maxlength=crate::entry::rules::SUMMARY_MAX required=false value=f.summary.clone() error=field_error(marked, "summary")/>
                <FieldTextarea name="entry[solution]" id="entry-solution" label=k::FIELD_ENTRY_SOLUTION hint=k::HINT_BRIEF rows=10 required=false value=f.solution.clone() error=field_error(marked, "solution")/>
                <FieldTextarea name="entry[pilot_plan]" id="entry-pilot" label=k::FIELD_ENTRY_PILOT_PLAN hint=k::HINT_PILOT_PLAN rows=5 required=false value=f.pilot_plan.clone() error=field_error(marked, "pilot_plan")/>
                <div class="grid-2 tight">
                    <FieldInput name="entry[cost]" label=k::FIELD_ENTRY_COST inputmode="numeric" required=false value=f.cost.clone() error=field_error(marked, "cost")/>
                    <FieldInput name="entry[demo_url]" label=k::FIELD_ENTRY_DEMO_URL kind="url" hint=k::HINT_BLIND_FIELD required=false value=f.demo_url.clone() error=field_error(marked, "demo_url")/>
                </div>
                <FieldTextarea name="entry[experience]" id="entry-experience" label=k::FIELD_ENTRY_EXPERIENCE hint=k::HINT_BLIND_FIELD rows=3 required=false value=f.experience.clone() error=field_error(marked, "experience")/>
                <div class="field">
                    <label class="check">
                        <input type="checkbox" name="entry[acknowledged]" checked=f.acknowledged.is_some()/>
                        <span>{t(k::FIELD_ENTRY_ACKNOWLEDGED)}</span>
                    </label>
                    <p class="field-error" role="alert" hidden=move || acknowledge_error.get().is_none()>{move || acknowledge_error.get()}</p>
                </div>
                <div class="form-actions">
                    <SubmitButton label=k::ENTRY_SAVE pending=save.pending()/>
                    <span
                        class="muted small"
                        role="status"
                        aria-live="polite"
                        data-save-state=""
                        data-unsaved=t(k::ENTRY_UNSAVED)
                        data-saving=t(k::ENTRY_SAVING)
                        data-saved=t(k::ENTRY_SAVED_AT)
                    ></span>
                </div>
                <div class="secondary-form">
                    <p class="alert alert-error" role="alert" hidden=true data-incomplete="">{t(k::ENTRY_INCOMPLETE)}</p>
                    <p class="hint">{t(k::HINT_SUBMIT_ENTRY)}</p>
                    // Before the page's code has arrived (or without JavaScript) this button sends
                    // the whole form to be saved and submitted; once the page is live, the draft
                    // saves itself and the button submits the saved version.
                    <button type="submit" name="submit" value="true" class="button" disabled=closed data-submit-entry="">
                        {t(k::ENTRY_SUBMIT)}
                    </button>
                </div>
                </fieldset>
            </ActionForm>
            <EntryCode/>
        </section>
    }
}

/// Saves the entry a moment after each change and submits the saved version: the code of a page
/// whose entry form is open (`autosave`).
#[cfg_attr(feature = "hydrate", island(lazy))]
#[cfg_attr(not(feature = "hydrate"), island)]
fn EntryCode() -> impl IntoView {
    crate::layout::in_place::lazy_island("entry_code_loader");
    #[cfg(feature = "hydrate")]
    autosave::start();
}

#[cfg(feature = "hydrate")]
mod autosave {
    use std::cell::Cell;

    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;
    use web_sys::js_sys::Reflect;
    use web_sys::{Element, HtmlFormElement, HtmlInputElement};

    use crate::layout::in_place::{Drafts, Sent, city_time, form_with_changes, send_for_value};

    thread_local! {
        static DRAFTS: Drafts = const { Drafts::new() };
        /// Changes typed so far, and how many of them the save under way carries: what is typed
        /// while a save is on its way is not marked saved when that save returns, and is saved
        /// next.
        static EDITS: Cell<u64> = const { Cell::new(0) };
        static SENT: Cell<u64> = const { Cell::new(0) };
    }

    pub fn start() {
        let Some(form) = form_with_changes("form.entry-form", changed) else {
            return;
        };
        // The button submits the version saved: the draft saves itself first.
        if let Ok(Some(button)) = form.query_selector("[data-submit-entry]") {
            let on_click =
                Closure::<dyn FnMut(web_sys::MouseEvent)>::new(|e: web_sys::MouseEvent| {
                    e.prevent_default();
                    if !DRAFTS.with(Drafts::saving) && EDITS.get() == SENT.get() {
                        leptos::task::spawn_local(submit());
                    }
                });
            let _ =
                button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
            on_click.forget();
        }
        let typed = typed_before_code(&form);
        DRAFTS.with(|drafts| drafts.keep(form));
        // What was typed while the page's code was still loading raised no input event here.
        if typed {
            changed();
        }
    }

    fn changed() {
        EDITS.set(EDITS.get() + 1);
        say("data-unsaved", None);
        submit_button(false);
        schedule(1200);
    }

    fn schedule(delay_ms: i32) {
        DRAFTS.with(|drafts| drafts.schedule(delay_ms, send));
    }

    /// Saves the form as it is now; one save at a time.
    fn send() {
        let Some(form) = DRAFTS.with(|drafts| drafts.turn(send)) else {
            return;
        };
        SENT.set(EDITS.get());
        say("data-saving", None);
        leptos::task::spawn_local(async move {
            let sent = send_for_value(&form, "/api/entries/save", None).await;
            DRAFTS.with(Drafts::saved);
            match sent {
                Sent::Value(entry) => {
                    shown(&entry);
                    if EDITS.get() == SENT.get() {
                        let at = Reflect::get(&entry, &"updated_at".into())
                            .ok()
                            .and_then(|at| at.as_string())
                            .map(|at| city_time(&at));
                        say("data-saved", at);
                        submit_button(true);
                    } else {
                        schedule(0);
                    }
                }
                Sent::Refused(_) => say("data-unsaved", None),
                Sent::Lost => {
                    say("data-unsaved", None);
                    schedule(5000);
                }
            }
        });
    }

    /// Submits the saved version; a submission refused as incomplete names its fields.
    async fn submit() {
        let Some(form) = DRAFTS.with(Drafts::form) else {
            return;
        };
        let field = |name: &str| {
            form.query_selector(&format!("input[name='{name}']"))
                .ok()
                .flatten()
                .and_then(|i| i.dyn_into::<HtmlInputElement>().ok())
                .map(|i| i.value())
                .unwrap_or_default()
        };
        let fields = [("team_id", field("team_id")), ("version", field("version"))];
        submit_button(false);
        let incomplete = form.query_selector("[data-incomplete]").ok().flatten();
        let sent = send_for_value(&form, "/api/entries/submit", Some(&fields)).await;
        submit_button(true);
        if let Some(incomplete) = &incomplete {
            let refused_fields = matches!(&sent, Sent::Refused(_))
                && form
                    .query_selector("[aria-invalid]")
                    .ok()
                    .flatten()
                    .is_some();
            let _ = if refused_fields {
                incomplete.remove_attribute("hidden")
            } else {
                incomplete.set_attribute("hidden", "")
            };
        }
        if let Sent::Value(entry) = sent {
            shown(&entry);
        }
    }

    /// The entry's state as a save or a submission answered it: its version (the next save
    /// starts from it) and the line that says where it stands.
    fn shown(entry: &leptos::wasm_bindgen::JsValue) {
        let Some(form) = DRAFTS.with(Drafts::form) else {
            return;
        };
        let get = |key: &str| Reflect::get(entry, &key.into()).ok();
        if let Some(version) = get("version").and_then(|v| v.as_f64())
            && let Ok(Some(input)) = form.query_selector("input[name='version']")
            && let Ok(input) = input.dyn_into::<HtmlInputElement>()
        {
            input.set_value(&version.to_string());
        }
        let Some(line) = document().query_selector(".entry-status").ok().flatten() else {
            return;
        };
        let status = get("status")
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        let word = |name: &str| line.get_attribute(name).unwrap_or_default();
        let text = match status.as_str() {
            "Submitted" => word("data-submitted").replace(
                "{n}",
                &get("submissions")
                    .and_then(|n| n.as_f64())
                    .unwrap_or_default()
                    .to_string(),
            ),
            "Ineligible" => word("data-ineligible"),
            _ => word("data-draft"),
        };
        line.set_class_name(&format!("entry-status status-{}", status.to_lowercase()));
        line.set_text_content(Some(&text));
        let unsubmitted = get("unsubmitted_changes").and_then(|u| u.as_bool()) == Some(true);
        if unsubmitted {
            let _ = line.append_with_str_1(" · ");
            if let Ok(strong) = document().create_element("strong") {
                strong.set_text_content(Some(&word("data-unsubmitted")));
                let _ = line.append_child(&strong);
            }
        }
    }

    /// The save line says `word` (an attribute holding its text), `{at}` filled in.
    fn say(word: &str, at: Option<String>) {
        let Some(line) = DRAFTS
            .with(Drafts::form)
            .and_then(|f| f.query_selector("[data-save-state]").ok().flatten())
        else {
            return;
        };
        let text = line
            .get_attribute(word)
            .unwrap_or_default()
            .replace("{at}", &at.unwrap_or_default());
        line.set_text_content(Some(&text));
    }

    /// The submit button works only on a saved version.
    fn submit_button(on: bool) {
        if let Some(button) = DRAFTS
            .with(Drafts::form)
            .and_then(|f| f.query_selector("[data-submit-entry]").ok().flatten())
        {
            let _ = if on {
                button.remove_attribute("disabled")
            } else {
                button.set_attribute("disabled", "")
            };
        }
    }

    /// Whether a field of `form` holds something other than what the page was sent with.
    fn typed_before_code(form: &HtmlFormElement) -> bool {
        use web_sys::HtmlTextAreaElement;
        let fields = form.elements();
        (0..fields.length())
            .filter_map(|i| fields.item(i))
            .any(|field: Element| {
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
