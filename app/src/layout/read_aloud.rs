//! Reading a page's main text aloud with the phone's own Vietnamese voice, for those who do not
//! read well: no recording, no service, only the browser's speech. The button shows once the
//! page's code runs (`layout::in_place`, which handles its presses); where the phone has no
//! Vietnamese voice, the page says so.

use leptos::prelude::*;

use crate::i18n::{k, t};

/// The button, hidden until the page's code runs, with the words for each of its states.
#[component]
pub fn ReadAloud(text: String) -> impl IntoView {
    view! {
        <div
            class="read-aloud"
            hidden=true
            data-read-aloud=text
            data-read=t(k::READ_ALOUD)
            data-stop=t(k::READ_ALOUD_STOP)
            data-no-voice=t(k::READ_ALOUD_NO_VOICE)
            data-unavailable=t(k::READ_ALOUD_UNAVAILABLE)
        >
            <button type="button" class="button-secondary" aria-pressed="false">
                // A speaker drawn here: an emoji would need a font a cheap phone may lack.
                <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                    <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor"/>
                    <path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
                </svg>
                <span>{t(k::READ_ALOUD)}</span>
            </button>
            <p class="hint" role="status"></p>
        </div>
    }
}

/// What the button does in the browser.
#[cfg(feature = "hydrate")]
pub(crate) mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;
    use web_sys::Element;

    /// Shows every reading button of the page: its code runs.
    pub fn show_buttons() {
        if let Ok(list) = document().query_selector_all("[data-read-aloud]") {
            for i in 0..list.length() {
                if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = el.remove_attribute("hidden");
                }
            }
        }
    }

    /// A press on the button of `holder` (the element with `data-read-aloud`): reads its text,
    /// or stops the reading under way.
    pub fn pressed(holder: &Element) {
        let Ok(Some(button)) = holder.query_selector("button") else {
            return;
        };
        let word = |name: &str| holder.get_attribute(name).unwrap_or_default();
        let set_speaking = {
            let (holder, button) = (holder.clone(), button.clone());
            move |speaking: bool| {
                let _ = button.set_attribute("aria-pressed", &speaking.to_string());
                let label = holder
                    .get_attribute(if speaking { "data-stop" } else { "data-read" })
                    .unwrap_or_default();
                if let Ok(Some(span)) = button.query_selector("span") {
                    span.set_text_content(Some(&label));
                }
            }
        };
        let say = |message: &str| {
            if let Ok(Some(status)) = holder.query_selector("[role=status]") {
                status.set_text_content(Some(message));
            }
        };
        if button.get_attribute("aria-pressed").as_deref() == Some("true") {
            if let Ok(synth) = window().speech_synthesis() {
                synth.cancel();
            }
            set_speaking(false);
            return;
        }
        match speak(&word("data-read-aloud"), set_speaking.clone()) {
            Ok(()) => {
                say("");
                set_speaking(true);
            }
            Err(why) => say(&word(why)),
        }
    }

    /// Starts reading `text` in Vietnamese; `done` is told when the reading ends. Refused (with
    /// the attribute holding what to tell the person) where the browser cannot speak or has no
    /// Vietnamese voice.
    fn speak(text: &str, done: impl Fn(bool) + 'static) -> Result<(), &'static str> {
        let synth = window()
            .speech_synthesis()
            .map_err(|_| "data-unavailable")?;
        let vietnamese = synth.get_voices().iter().any(|voice| {
            voice
                .unchecked_into::<web_sys::SpeechSynthesisVoice>()
                .lang()
                .to_lowercase()
                .starts_with("vi")
        });
        if !vietnamese {
            return Err("data-no-voice");
        }
        let utterance = web_sys::SpeechSynthesisUtterance::new_with_text(text)
            .map_err(|_| "data-unavailable")?;
        utterance.set_lang("vi-VN");
        // A little slower than the default: easier to follow for an older listener.
        utterance.set_rate(0.9);
        let ended = Closure::<dyn FnMut()>::new(move || done(false));
        utterance.set_onend(Some(ended.as_ref().unchecked_ref()));
        ended.forget();
        synth.cancel();
        synth.speak(&utterance);
        Ok(())
    }
}
