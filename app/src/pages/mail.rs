//! The development mailbox and SMS pages: what would have been emailed or texted, newest first.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::mail::{list_mailbox, list_sms};
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

#[component]
pub fn SmsPage() -> impl IntoView {
    let messages = Resource::new(|| (), |_| list_sms());
    view! {
        <Title text=t(k::SMS_PAGE_TITLE)/>
        <h1>{t(k::SMS_PAGE_TITLE)}</h1>
        <p class="muted">{t(k::SMS_PAGE_INTRO)}</p>
        <Loaded resource=messages let:list>
            {if list.is_empty() {
                view! { <p class="empty">{t(k::SMS_PAGE_EMPTY)}</p> }.into_any()
            } else {
                list.into_iter().map(|m| {
                    let label = m.to_phone.clone();
                    view! {
                        <article class="card mail" aria-label=label>
                            <p class="muted">{t(k::SMS_PAGE_TO)}" "<span class="mail-to" translate="no">{m.to_phone}</span>" · "{format_datetime(m.created_at)}
                                {m.gave_up.then(|| view! { " · "<span class="tag tag-warn">{t(k::SMS_PAGE_GAVE_UP)}</span> })}
                            </p>
                            <p class="mail-body">{m.body}</p>
                        </article>
                    }
                }).collect_view().into_any()
            }}
        </Loaded>
    }
}
