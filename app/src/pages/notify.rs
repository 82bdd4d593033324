//! The notifications page: newest first, unread marked, one button to mark all read.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::notify::{MarkNotificationsRead, list_notifications};
use crate::i18n::{format_datetime, k, t, use_locale};
use crate::layout::Loaded;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let locale = use_locale();
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let items = Resource::new(move || mark.version().get(), |_| list_notifications());
    view! {
        <Title text=t(k::NOTIFICATIONS_TITLE)/>
        <div class="page-head">
            <h1>{t(k::NOTIFICATIONS_TITLE)}</h1>
            <ActionForm action=mark>
                <button type="submit" class="button-secondary">{t(k::NOTIFICATIONS_MARK_READ)}</button>
            </ActionForm>
        </div>
        <Loaded resource=items let:data>
            {match data {
                list if list.is_empty() => view! { <p class="empty">{t(k::NOTIFICATIONS_EMPTY)}</p> }.into_any(),
                list => view! {
                    <ul class="notification-list">
                        {list.into_iter().map(|n| {
                            let params = crate::notify::model::localise_params(&n.params, locale);
                            let params: Vec<(&str, &str)> = params.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                            let text = locale.tf(n.kind.text(), &params);
                            view! {
                                <li class:unread=!n.read>
                                    <a href=n.link.clone()>{text}</a>
                                    <span class="muted">{format_datetime(n.created_at)}</span>
                                    {(!n.read).then(|| view! { <span class="tag">{t(k::NOTIFICATIONS_NEW)}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </Loaded>
    }
}
