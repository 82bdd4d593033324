//! Reading a page's main text aloud with the phone's own Vietnamese voice, for those who do not
//! read well: no recording, no service, only the browser's speech. The button shows once the
//! page's code runs; where the phone has no Vietnamese voice, the page says so.

use leptos::prelude::*;

use crate::i18n::{Text, k, t};

#[cfg_attr(feature = "hydrate", island(lazy))]
#[cfg_attr(not(feature = "hydrate"), island)]
pub fn ReadAloud(text: String) -> impl IntoView {
    crate::layout::in_place::lazy_island("read_aloud_loader");
    let (ready, set_ready) = signal(false);
    let (speaking, set_speaking) = signal(false);
    let (said, say) = signal(None::<Text>);
    // Only a browser that runs the page can speak: the button waits for it.
    Effect::new(move |_| set_ready.set(true));
    let toggle = move |_| {
        if speaking.get_untracked() {
            stop();
            set_speaking.set(false);
        } else {
            match speak(&text, set_speaking) {
                Ok(()) => {
                    say.set(None);
                    set_speaking.set(true);
                }
                Err(why) => say.set(Some(why)),
            }
        }
    };
    view! {
        <div class="read-aloud" hidden=move || !ready.get()>
            <button type="button" class="button-secondary" aria-pressed=move || speaking.get().to_string() on:click=toggle>
                // A speaker drawn here: an emoji would need a font a cheap phone may lack.
                <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                    <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor"/>
                    <path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
                </svg>
                {move || if speaking.get() { t(k::READ_ALOUD_STOP) } else { t(k::READ_ALOUD) }}
            </button>
            <p class="hint" role="status">{move || said.get().map(t)}</p>
        </div>
    }
}

/// Starts reading `text` in Vietnamese; `done` is told when the reading ends. Refused (with what
/// to tell the person) where the browser cannot speak or has no Vietnamese voice.
#[cfg(feature = "hydrate")]
fn speak(text: &str, done: WriteSignal<bool>) -> Result<(), Text> {
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;
    let synth = web_sys::window()
        .and_then(|w| w.speech_synthesis().ok())
        .ok_or(k::READ_ALOUD_UNAVAILABLE)?;
    let vietnamese = synth.get_voices().iter().any(|voice| {
        voice
            .unchecked_into::<web_sys::SpeechSynthesisVoice>()
            .lang()
            .to_lowercase()
            .starts_with("vi")
    });
    if !vietnamese {
        return Err(k::READ_ALOUD_NO_VOICE);
    }
    let utterance = web_sys::SpeechSynthesisUtterance::new_with_text(text)
        .map_err(|_| k::READ_ALOUD_UNAVAILABLE)?;
    utterance.set_lang("vi-VN");
    // A little slower than the default: easier to follow for an older listener.
    utterance.set_rate(0.9);
    let ended = Closure::<dyn FnMut()>::new(move || done.set(false));
    utterance.set_onend(Some(ended.as_ref().unchecked_ref()));
    ended.forget();
    synth.cancel();
    synth.speak(&utterance);
    Ok(())
}

#[cfg(not(feature = "hydrate"))]
fn speak(_text: &str, _done: WriteSignal<bool>) -> Result<(), Text> {
    Err(k::READ_ALOUD_UNAVAILABLE)
}

/// Stops any reading.
fn stop() {
    #[cfg(feature = "hydrate")]
    if let Some(synth) = web_sys::window().and_then(|w| w.speech_synthesis().ok()) {
        synth.cancel();
    }
}
