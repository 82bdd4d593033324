//! Form pieces: a labelled field with its error next to it, a form-level alert, a submit button.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{Text, t, use_locale};

/// The error of the last submission of an action, if it failed.
pub fn error_signal<T: Clone + Send + Sync + 'static>(
    value: impl Fn() -> Option<Result<T, AppError>> + Send + Sync + 'static,
) -> Signal<Option<AppError>> {
    Signal::derive(move || value().and_then(|r| r.err()))
}

/// What a `<textarea>` holds, as its children. The server writes a textarea's children into the
/// page without escaping them (like a script's), so a text holding `</textarea><script>` would
/// close it: the server escapes them itself; the browser, building the element, takes text.
pub fn textarea_text(text: impl Into<String>) -> String {
    let text = text.into();
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;").replace('<', "&lt;")
    } else {
        text
    }
}

/// The translated message for one field from an action's error.
pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    let locale = use_locale();
    Signal::derive(move || error.get().and_then(|e| e.field_message(field, locale)))
}

/// The ids a field's `aria-describedby` names: its hint, and its error while there is one.
fn described_by(
    has_hint: bool,
    hint_id: &str,
    error_id: &str,
    error: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + use<> {
    let (hint_id, error_id) = (hint_id.to_owned(), error_id.to_owned());
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(hint_id.clone());
        }
        if error.get().is_some() {
            ids.push(error_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

#[component]
pub fn FieldInput(
    name: &'static str,
    /// Tells apart two fields of the same name on one page (forms repeated per row).
    #[prop(optional, into)]
    id: Option<String>,
    label: Text,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<Text>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = true)] required: bool,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{}", id.as_deref().unwrap_or(name));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = described_by(hint.is_some(), &hint_id, &error_id, error);
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{t(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{t(h)}</p> })}
            <input
                id=id.clone()
                name=name
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                value=value
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
            />
            <p class="field-error" id=error_id.clone() role="alert" hidden=move || error.get().is_none()>
                {move || error.get()}
            </p>
        </div>
    }
}

/// The message of a failed submission that is not about one field.
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = use_locale();
    let message = move || {
        error.get().and_then(|e| match e {
            AppError::Invalid(_) => None,
            other => Some(other.message(locale)),
        })
    };
    view! {
        <div class="alert alert-error" role="alert" hidden=move || message().is_none()>
            {message}
        </div>
    }
}

#[component]
pub fn SubmitButton(label: Text, #[prop(into)] pending: Signal<bool>) -> impl IntoView {
    view! {
        <button type="submit" class="button" disabled=move || pending.get() aria-busy=move || pending.get().then_some("true")>
            {t(label)}
        </button>
    }
}

/// A labelled multi-line field with its error next to it.
#[component]
pub fn FieldTextarea(
    name: &'static str,
    /// Tells apart two fields of the same name on one page.
    #[prop(optional, into)]
    id: Option<String>,
    label: Text,
    #[prop(optional)] hint: Option<Text>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = true)] required: bool,
    #[prop(default = 5)] rows: u32,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{}", id.as_deref().unwrap_or(name));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = described_by(hint.is_some(), &hint_id, &error_id, error);
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{t(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{t(h)}</p> })}
            <textarea
                id=id.clone()
                name=name
                rows=rows
                required=required
                maxlength=maxlength
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
            >{value.map(textarea_text)}</textarea>
            <p class="field-error" id=error_id.clone() role="alert" hidden=move || error.get().is_none()>
                {move || error.get()}
            </p>
        </div>
    }
}

/// A labelled choice among options given as (value, label) pairs.
#[component]
pub fn FieldSelect(
    name: &'static str,
    label: Text,
    options: Vec<(String, String)>,
    #[prop(optional, into)] selected: Option<String>,
    /// A first option with no value ("Choose…", "All") when set.
    #[prop(optional)]
    empty_option: Option<Text>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let selected = selected.unwrap_or_default();
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{t(label)}</label>
            <select
                id=id.clone()
                name=name
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || error.get().is_some().then(|| error_id.clone())
            >
                {empty_option.map(|text| view! { <option value="">{t(text)}</option> })}
                {options.into_iter().map(|(value, text)| {
                    let is_selected = value == selected;
                    view! { <option value=value selected=is_selected>{text}</option> }
                }).collect_view()}
            </select>
            <p class="field-error" id=format!("{id}-error") role="alert" hidden=move || error.get().is_none()>
                {move || error.get()}
            </p>
        </div>
    }
}
