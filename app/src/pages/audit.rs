//! The audit log page for admins: newest first, filterable by action, paginated.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::audit::list_audit;
use crate::i18n::{format_datetime, k, t, tf};
use crate::layout::Loaded;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("action").filter(|a| !a.is_empty()),
            q.get("page")
                .and_then(|p| p.parse::<u64>().ok())
                .unwrap_or(0),
        )
    });
    let entries = Resource::new(
        move || filter.get(),
        |(action, page)| list_audit(action, Some(page)),
    );
    view! {
        <Title text=t(k::AUDIT_TITLE)/>
        <h1>{t(k::AUDIT_TITLE)}</h1>
        <form method="get" class="filter-bar">
            <label for="audit-action">{t(k::AUDIT_FILTER_ACTION)}</label>
            <input id="audit-action" name="action" value=move || filter.get().0.unwrap_or_default()/>
            <button type="submit" class="button-secondary">{t(k::AUDIT_FILTER)}</button>
        </form>
        <Loaded resource=entries let:page>
            {
                let action = filter.get_untracked().0.unwrap_or_default();
                let link = move |p: u64| format!("/admin/audit?action={}&page={p}", crate::links::url_encode(&action));
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=t(k::AUDIT_TITLE)>
                        <table class="data-table">
                            <caption class="visually-hidden">{t(k::AUDIT_TITLE)}</caption>
                            <thead><tr>
                                <th scope="col">{t(k::AUDIT_WHEN)}</th>
                                <th scope="col">{t(k::AUDIT_WHO)}</th>
                                <th scope="col">{t(k::AUDIT_ACTION)}</th>
                                <th scope="col">{t(k::AUDIT_TARGET)}</th>
                                <th scope="col">{t(k::AUDIT_WHY)}</th>
                            </tr></thead>
                            <tbody>
                                {page.entries.into_iter().map(|e| view! {
                                    <tr>
                                        <td>{format_datetime(e.created_at)}</td>
                                        <td>{e.actor_name}" "<span class="muted">"("{e.actor_role}")"</span></td>
                                        <td><code>{e.action}</code>{e.is_public.then(|| view! { " "<span class="tag">{t(k::AUDIT_PUBLIC)}</span> })}</td>
                                        <td>{e.target_kind}{e.target_id.map(|id| format!(" #{id}"))}</td>
                                        <td>{e.reason.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <nav class="pager" aria-label=t(k::PAGER_LABEL)>
                        {(page.page > 0).then(|| view! { <a href=link(page.page - 1)>{t(k::PAGER_PREV)}</a> })}
                        <span>{tf(k::PAGER_POSITION, &[("page", &(page.page + 1).to_string()), ("pages", &page.pages.to_string())])}</span>
                        {(page.page + 1 < page.pages).then(|| view! { <a href=link(page.page + 1)>{t(k::PAGER_NEXT)}</a> })}
                    </nav>
                }.into_any()
            }
        </Loaded>
    }
}
