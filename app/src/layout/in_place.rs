//! Forms answered in place, once the page's code runs.
//!
//! Every form is a plain `POST` to its server function and works before any code has loaded
//! (the server sends the browser back to the page, with the error in its address). Once this
//! island runs, a form sent to a server function goes by `fetch` instead: the server answers
//! where to go next, or each refused field's message in the reader's language, which is shown
//! beside the field (or at the top of the form) without reloading, so nothing typed is lost.
//! A form that succeeded reloads its page (or goes where the function says), which then says
//! what was done.

use leptos::prelude::*;

/// The header the page's code sends with a form it answers in place.
pub const IN_PLACE_HEADER: &str = "x-vidan-in-place";

/// Takes over the page's forms (one per page, anywhere in it), and answers the buttons that only
/// work with the page's code (reading aloud, sharing, printing).
#[island]
pub fn FormsInPlace() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::take_over_forms();
    #[cfg(feature = "hydrate")]
    hydrated();
    view! { <span hidden=true data-forms-in-place=""></span> }
}

/// The server function (its address) whose form succeeded and came back to this page, as the
/// app's shell read it from the request (the `vidan_done` note).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormDone(pub Option<String>);

/// Whether the last submission of `action` succeeded: in place (an island's own action), or
/// as a form that came back to this page.
pub fn succeeded<F>(action: ServerAction<F>) -> Signal<bool>
where
    F: server_fn::ServerFn + Send + Sync + Clone + 'static,
    F::Output: Send + Sync + Clone + 'static,
    F::Error: Send + Sync + Clone + 'static,
{
    let came_back =
        use_context::<FormDone>().is_some_and(|done| done.0.as_deref() == Some(F::PATH));
    Signal::derive(move || came_back || action.value().with(|v| matches!(v, Some(Ok(_)))))
}

#[cfg(feature = "hydrate")]
pub use browser::{Drafts, Sent, city_time, form_with_changes, go_to, send_for_value};

/// The first thing a lazy island does. On the server, it names the island's code (`name`, its
/// loader as `cargo leptos --split` calls it: `entry_form_loader` for `EntryForm`) in the
/// page's head, so that the browser fetches it beside the main WebAssembly file instead of
/// after it. In the browser, the island counts as running ([`hydrated`]).
pub fn lazy_island(name: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = name;
        hydrated();
    }
    #[cfg(feature = "ssr")]
    preload(name);
}

/// Names the pieces of the lazy island `name` in the page's head (`<link rel=preload>`), when
/// the site was built split: its manifest lists each island's loader (under a hashed name,
/// `entry_form_loader_123…`) with the pieces it needs.
#[cfg(feature = "ssr")]
fn preload(name: &str) {
    use leptos::tachys::view::RenderHtml;
    use leptos_meta::Link;
    let Some(manifest) = use_context::<leptos::WasmSplitManifest>() else {
        return;
    };
    let prefix = format!("{name}_");
    let (root, pieces, split_js) = manifest.0.with_value(|(root, loaders, split_js)| {
        let pieces = loaders
            .iter()
            .find(|(loader, _)| loader.starts_with(&prefix))
            .map(|(_, pieces)| pieces.clone())
            .unwrap_or_default();
        (root.clone(), pieces, split_js.clone())
    });
    if pieces.is_empty() {
        return;
    }
    // Rendered to HTML, a `Link` joins the page's head (`MetaTags`) instead of the body. The
    // pieces are fetched as the split loader fetches them (same site, no credentials asked).
    for piece in pieces {
        let _ = view! {
            <Link rel="preload" href=format!("{root}/{piece}.wasm") as_="fetch" type_="application/wasm" crossorigin="anonymous"/>
        }
        .to_html();
    }
    let _ = view! { <Link rel="modulepreload" href=format!("{root}/{split_js}") crossorigin="anonymous"/> }
        .to_html();
}

/// Counts an island of the page as running; once every island has run (the lazy ones load their
/// own code first), `<html data-live>` says that what a press does from now on is done in
/// place (the browser tests wait for it). Each island calls it first thing in the browser.
#[cfg(feature = "hydrate")]
pub fn hydrated() {
    use std::cell::Cell;
    thread_local! {
        static RUNNING: Cell<u32> = const { Cell::new(0) };
    }
    let running = RUNNING.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    let islands = document()
        .query_selector_all("leptos-island")
        .map(|list| list.length())
        .unwrap_or_default();
    if running < islands {
        return;
    }
    // The island's view is hydrated after its body has run, in the same turn: a timer's turn
    // comes after it.
    let live = leptos::wasm_bindgen::closure::Closure::once_into_js(|| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-live", "");
        }
    });
    let _ = window().set_timeout_with_callback(leptos::wasm_bindgen::JsCast::unchecked_ref(&live));
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use serde::Deserialize;
    use web_sys::{Element, FormData, HtmlFormElement, RequestInit, SubmitEvent};

    use crate::i18n::{k, t};

    use super::IN_PLACE_HEADER;

    /// The server's answer (`server/src/in_place.rs`).
    #[derive(Debug, Default, Deserialize)]
    struct Answer {
        go: Option<String>,
        alert: Option<String>,
        #[serde(default)]
        fields: Vec<(String, String)>,
    }

    pub fn take_over_forms() {
        let on_submit = Closure::<dyn FnMut(SubmitEvent)>::new(on_submit);
        let _ = document()
            .add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        on_submit.forget();
        // The page's buttons that only work with its code: reading aloud, sharing, printing.
        crate::layout::read_aloud::browser::show_buttons();
        let on_click = Closure::<dyn FnMut(web_sys::MouseEvent)>::new(on_click);
        let _ =
            document().add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
        on_click.forget();
    }

    fn on_click(event: web_sys::MouseEvent) {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let closest = |selector: &str| target.closest(selector).ok().flatten();
        if let Some(holder) = closest("[data-read-aloud]")
            && closest("button").is_some()
        {
            crate::layout::read_aloud::browser::pressed(&holder);
        } else if let Some(button) = closest("[data-share-sheet]") {
            crate::layout::share::browser::pressed(&button);
        } else if closest("[data-print]").is_some() {
            let _ = window().print();
        }
    }

    fn on_submit(event: SubmitEvent) {
        // An island sends its own forms.
        if event.default_prevented() {
            return;
        }
        let Some(form) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        if form.closest("leptos-island").ok().flatten().is_some() {
            return;
        }
        let action = form.get_attribute("action").unwrap_or_default();
        if !form.method().eq_ignore_ascii_case("post") || !action.starts_with("/api/") {
            return;
        }
        if form.has_attribute("aria-busy") {
            event.prevent_default();
            return;
        }
        let Ok(data) = FormData::new_with_form(&form) else {
            return;
        };
        // The button pressed is part of what the form says (`submit=true`, the decision made).
        if let Some(button) = event.submitter()
            && let Some(name) = button.get_attribute("name")
            && !name.is_empty()
        {
            let value = button.get_attribute("value").unwrap_or_default();
            let _ = data.append_with_str(&name, &value);
        }
        event.prevent_default();
        let multipart = form.enctype().eq_ignore_ascii_case("multipart/form-data");
        leptos::task::spawn_local(send(form, action, data, multipart));
    }

    async fn send(form: HtmlFormElement, action: String, data: FormData, multipart: bool) {
        let _ = form.set_attribute("aria-busy", "true");
        let buttons = form
            .query_selector_all("button[type=submit], button:not([type])")
            .ok();
        let each_button = |f: &dyn Fn(&Element)| {
            if let Some(list) = &buttons {
                for i in 0..list.length() {
                    if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                        f(&el);
                    }
                }
            }
        };
        each_button(&|b| {
            let _ = b.set_attribute("disabled", "");
        });
        let answer = post(&action, &data, multipart).await;
        let _ = form.remove_attribute("aria-busy");
        each_button(&|b| {
            let _ = b.remove_attribute("disabled");
        });
        clear_errors(&form);
        match answer {
            Some(Answer { go: Some(go), .. }) => go_to(&go),
            Some(answer) if answer.alert.is_some() || !answer.fields.is_empty() => {
                show_errors(&form, answer)
            }
            Some(_) => {
                let _ = window().location().reload();
            }
            None => show_errors(
                &form,
                Answer {
                    alert: Some(t(k::ERROR_NETWORK).to_owned()),
                    ..Answer::default()
                },
            ),
        }
    }

    /// What a form sent for its value (`send_for_value`) came back with.
    pub enum Sent {
        /// What the function answered.
        Value(JsValue),
        /// Refused, with what to say (the form shows it beside its fields too).
        Refused(String),
        /// Never answered (no connection), or the site is too busy: worth sending again later.
        Lost,
    }

    /// Sends `form` (or only `fields`, the form's answer showing where they go wrong) to the
    /// server function at `action` for its value, without leaving the page (a draft saved as it
    /// is typed). A refusal is shown in the form as any form's is.
    pub async fn send_for_value(
        form: &HtmlFormElement,
        action: &str,
        fields: Option<&[(&str, String)]>,
    ) -> Sent {
        let data = match fields {
            None => FormData::new_with_form(form),
            Some(fields) => FormData::new().inspect(|data| {
                for (name, value) in fields {
                    let _ = data.append_with_str(name, value);
                }
            }),
        };
        let Ok(data) = data else {
            return Sent::Lost;
        };
        let Some((status, text)) = fetch_form(action, &data, false, "value").await else {
            return Sent::Lost;
        };
        if status == 503 || status == 429 {
            return Sent::Lost;
        }
        clear_errors(form);
        if (200..300).contains(&status) {
            let value = web_sys::js_sys::JSON::parse(&text)
                .ok()
                .and_then(|answer| web_sys::js_sys::Reflect::get(&answer, &"value".into()).ok())
                .unwrap_or(JsValue::NULL);
            return Sent::Value(value);
        }
        let answer: Answer = serde_json::from_str(&text).unwrap_or_default();
        let said = answer
            .alert
            .clone()
            .or_else(|| answer.fields.first().map(|(_, message)| message.clone()))
            .unwrap_or_else(|| t(k::ERROR_NETWORK).to_owned());
        show_errors(form, answer);
        Sent::Refused(said)
    }

    /// The page's form that `selector` finds, with `on_change` called on each change in it.
    pub fn form_with_changes(selector: &str, on_change: fn()) -> Option<HtmlFormElement> {
        let form = document()
            .query_selector(selector)
            .ok()
            .flatten()?
            .dyn_into::<HtmlFormElement>()
            .ok()?;
        let listener = Closure::<dyn FnMut()>::new(on_change);
        let _ = form.add_event_listener_with_callback("input", listener.as_ref().unchecked_ref());
        listener.forget();
        Some(form)
    }

    /// A form whose drafts are saved as it changes (the score sheet, the entry editor): the form,
    /// the timer of its next save, and whether a save is on its way (one at a time).
    #[derive(Default)]
    pub struct Drafts {
        form: std::cell::RefCell<Option<HtmlFormElement>>,
        timer: std::cell::Cell<Option<i32>>,
        saving: std::cell::Cell<bool>,
    }

    impl Drafts {
        pub const fn new() -> Self {
            Self {
                form: std::cell::RefCell::new(None),
                timer: std::cell::Cell::new(None),
                saving: std::cell::Cell::new(false),
            }
        }

        pub fn keep(&self, form: HtmlFormElement) {
            *self.form.borrow_mut() = Some(form);
        }

        pub fn form(&self) -> Option<HtmlFormElement> {
            self.form.borrow().clone()
        }

        /// Whether a save is on its way.
        pub fn saving(&self) -> bool {
            self.saving.get()
        }

        /// Runs `send` `delay_ms` from now, instead of what was waiting.
        pub fn schedule(&self, delay_ms: i32, send: fn()) {
            if let Some(handle) = self.timer.take() {
                window().clear_timeout_with_handle(handle);
            }
            let send = Closure::once_into_js(send);
            self.timer.set(
                window()
                    .set_timeout_with_callback_and_timeout_and_arguments_0(
                        send.unchecked_ref(),
                        delay_ms,
                    )
                    .ok(),
            );
        }

        /// `send`'s turn: the form to save now, or `None` while a save is on its way (`send`
        /// tries again 0.4 s later).
        pub fn turn(&self, send: fn()) -> Option<HtmlFormElement> {
            self.timer.set(None);
            if self.saving.get() {
                self.schedule(400, send);
                return None;
            }
            let form = self.form()?;
            self.saving.set(true);
            Some(form)
        }

        /// The save on its way came back.
        pub fn saved(&self) {
            self.saving.set(false);
        }
    }

    /// A moment (`2026-12-08T00:06:12Z`) as the city reads it (UTC+7): `07:06 08/12/2026`.
    pub fn city_time(at: &str) -> String {
        use web_sys::js_sys::Date;
        let utc = Date::new(&at.into()).get_time();
        let city = Date::new(&(utc + 7.0 * 3_600_000.0).into());
        format!(
            "{:02}:{:02} {:02}/{:02}/{}",
            city.get_utc_hours(),
            city.get_utc_minutes(),
            city.get_utc_date(),
            city.get_utc_month() + 1,
            city.get_utc_full_year()
        )
    }

    async fn post(action: &str, data: &FormData, multipart: bool) -> Option<Answer> {
        let (_, text) = fetch_form(action, data, multipart, "1").await?;
        serde_json::from_str(&text).ok()
    }

    /// Sends `data` to `action` in place (`mode`: `1` for where to go, `value` for what the
    /// function answered): the answer's status and text, or `None` when none came.
    async fn fetch_form(
        action: &str,
        data: &FormData,
        multipart: bool,
        mode: &str,
    ) -> Option<(u16, String)> {
        let init = RequestInit::new();
        init.set_method("POST");
        let body: JsValue = if multipart {
            data.clone().into()
        } else {
            web_sys::UrlSearchParams::new_with_str_sequence_sequence(data)
                .ok()?
                .into()
        };
        init.set_body(&body);
        let headers = web_sys::Headers::new().ok()?;
        headers.set(IN_PLACE_HEADER, mode).ok()?;
        headers.set("accept", "application/json").ok()?;
        init.set_headers(&headers);
        let request = web_sys::Request::new_with_str_and_init(action, &init).ok()?;
        let response = wasm_bindgen_futures::JsFuture::from(window().fetch_with_request(&request))
            .await
            .ok()?
            .dyn_into::<web_sys::Response>()
            .ok()?;
        let text = wasm_bindgen_futures::JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        Some((response.status(), text))
    }

    /// To `target`, loading the page again when it is this very page (perhaps at another
    /// `#fragment`, where the browser would only scroll).
    pub fn go_to(target: &str) {
        let location = window().location();
        let here = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        let path = target.split('#').next().unwrap_or_default();
        if path.is_empty() || path == here {
            let _ = location.reload();
        } else {
            let _ = location.set_href(target);
        }
    }

    /// Marks what this script showed, so the next answer starts from the page as it came.
    const SHOWN: &str = "data-shown-in-place";

    /// Before an answer is shown, the form says nothing wrong: what this script showed, and what
    /// the server showed when the page came back from a form sent without code (an alert whose
    /// words the page holds for its code, `data-incomplete`, is only hidden by that code).
    fn clear_errors(form: &HtmlFormElement) {
        if let Ok(list) = form.query_selector_all(&format!(
            ".field-error, .alert-error[role=alert]:not([data-incomplete]), [{SHOWN}]"
        )) {
            for i in 0..list.length() {
                if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    if el.get_attribute(SHOWN).as_deref() == Some("made") {
                        el.remove();
                    } else {
                        el.set_text_content(None);
                        let _ = el.set_attribute("hidden", "");
                        let _ = el.remove_attribute(SHOWN);
                    }
                }
            }
        }
        if let Ok(list) = form.query_selector_all("[aria-invalid]") {
            for i in 0..list.length() {
                if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = el.remove_attribute("aria-invalid");
                }
            }
        }
    }

    fn show_errors(form: &HtmlFormElement, answer: Answer) {
        let mut unplaced: Vec<String> = answer.alert.into_iter().collect();
        let mut first: Option<Element> = None;
        for (field, message) in answer.fields {
            match place_for(form, &field) {
                Some((control, place)) => {
                    let _ = control.set_attribute("aria-invalid", "true");
                    show(&place, &message);
                    first.get_or_insert(control);
                }
                None => unplaced.push(message),
            }
        }
        if !unplaced.is_empty() {
            let alert = form_alert(form);
            show(&alert, &unplaced.join(" "));
            if first.is_none() {
                let _ = alert.set_attribute("tabindex", "-1");
                first = Some(alert);
            }
        }
        if let Some(el) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    }

    fn show(place: &Element, message: &str) {
        place.set_text_content(Some(message));
        let _ = place.remove_attribute("hidden");
        if place.get_attribute(SHOWN).is_none() {
            let _ = place.set_attribute(SHOWN, "");
        }
    }

    /// The control that holds `field` (named so, `…[field]` or `field[]`), and where its
    /// message goes: the field's own error line, made when it has none.
    fn place_for(form: &HtmlFormElement, field: &str) -> Option<(Element, Element)> {
        let elements = form.elements();
        let bracketed = format!("[{field}]");
        let listed = format!("{field}[]");
        let control = (0..elements.length())
            .filter_map(|i| elements.item(i))
            .find(|el| {
                el.get_attribute("name")
                    .is_some_and(|n| n == field || n.ends_with(&bracketed) || n == listed)
            })?;
        let holder = control
            .closest(".field")
            .ok()
            .flatten()
            .or_else(|| control.parent_element())?;
        let place = match holder.query_selector(".field-error").ok().flatten() {
            Some(place) => place,
            None => {
                let made = document().create_element("p").ok()?;
                made.set_class_name("field-error");
                let _ = made.set_attribute("role", "alert");
                let _ = made.set_attribute(SHOWN, "made");
                let _ = holder.append_child(&made);
                made
            }
        };
        Some((control, place))
    }

    /// The form's own alert, made at its top when the page shows its alert elsewhere.
    fn form_alert(form: &HtmlFormElement) -> Element {
        if let Ok(Some(alert)) = form.query_selector(".alert-error") {
            return alert;
        }
        let made = document()
            .create_element("div")
            .expect("a document makes elements");
        made.set_class_name("alert alert-error");
        let _ = made.set_attribute("role", "alert");
        let _ = made.set_attribute(SHOWN, "made");
        let _ = form.prepend_with_node_1(&made);
        made
    }
}
