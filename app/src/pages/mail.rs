//! The development mailbox page: what would have been emailed, newest first.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::mail::list_mailbox;
use crate::i18n::{format_datetime, k, t};
use crate::layout::Loaded;

#[component]
pub fn MailboxPage() -> impl IntoView {
    let messages = Resource::new(|| (), |_| list_mailbox());
    view! {
        <Title text=t(k::MAILBOX_TITLE)/>
        <h1>{t(k::MAILBOX_TITLE)}</h1>
        <p class="muted">{t(k::MAILBOX_INTRO)}</p>
        <Loaded resource=messages let:list>
            {if list.is_empty() {
                view! { <p class="empty">{t(k::MAILBOX_EMPTY)}</p> }.into_any()
            } else {
                list.into_iter().map(|m| {
                    let label = m.subject.clone();
                    view! {
                        <article class="card mail" aria-label=label>
                            <h2>{m.subject}</h2>
                            <p class="muted">{t(k::MAILBOX_TO)}" "<span class="mail-to">{m.to_email}</span>" · "{format_datetime(m.created_at)}</p>
                            <pre class="mail-body">{m.body_text}</pre>
                        </article>
                    }
                }).collect_view().into_any()
            }}
        </Loaded>
    }
}
