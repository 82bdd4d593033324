//! Helper groups: where a volunteer or the one-stop desk starts a report for someone else, where
//! a coordinator keeps the group's members, and where an administrator registers groups.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::helper::{AddHelper, RegisterHelperGroup, RemoveHelper, helper_overview};
use crate::api::org::list_organisations;
use crate::helper::model::{HelperGroup, Helping};
use crate::i18n::{k, t, tf, use_locale};
use crate::layout::{
    FieldInput, FieldSelect, FormAlert, Loaded, SubmitButton, error_signal, field_error,
};

#[component]
pub fn HelpersPage() -> impl IntoView {
    let register = ServerAction::<RegisterHelperGroup>::new();
    let add = ServerAction::<AddHelper>::new();
    let remove = ServerAction::<RemoveHelper>::new();
    let helping = Resource::new(
        move || {
            (
                register.version().get(),
                add.version().get(),
                remove.version().get(),
            )
        },
        |_| helper_overview(),
    );
    view! {
        <Title text=t(k::HELPERS_TITLE)/>
        <h1>{t(k::HELPERS_TITLE)}</h1>
        <p class="lead">{t(k::HELPERS_INTRO)}</p>
        <Loaded resource=helping let:h>
            {view! { <HelpersBody helping=h register add remove/> }}
        </Loaded>
    }
}

#[component]
fn HelpersBody(
    helping: Helping,
    register: ServerAction<RegisterHelperGroup>,
    add: ServerAction<AddHelper>,
    remove: ServerAction<RemoveHelper>,
) -> impl IntoView {
    let nothing = helping.desks.is_empty() && helping.groups.is_empty();
    view! {
        {(!helping.desks.is_empty()).then(|| view! {
            <p><a class="button" href="/reports/new/assisted">{t(k::ASSISTED_TITLE)}</a></p>
        })}
        {nothing.then(|| view! { <p class="card">{t(k::HELPERS_NONE)}</p> })}
        {helping.registers.then(|| view! { <RegisterGroup register/> })}
        {helping.groups.into_iter().map(|g| view! { <GroupCard group=g add remove/> }).collect_view()}
    }
}

#[component]
fn RegisterGroup(register: ServerAction<RegisterHelperGroup>) -> impl IntoView {
    let locale = use_locale();
    let orgs = Resource::new(|| (), |_| list_organisations());
    let error = error_signal(move || register.value().get());
    view! {
        <section class="card" aria-labelledby="register-group">
            <h2 id="register-group">{t(k::HELPERS_REGISTER)}</h2>
            <p class="hint">{t(k::HELPERS_REGISTER_HINT)}</p>
            <ActionForm action=register>
                <FormAlert error/>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let options: Vec<(String, String)> = orgs.await.unwrap_or_default().iter().map(|o| (o.id.to_string(), o.name(locale).to_owned())).collect();
                        view! { <FieldSelect name="organisation_id" label=k::FIELD_ORGANISATION options empty_option=k::FIELD_CHOOSE error=field_error(error, "organisation_id")/> }
                    })}
                </Suspense>
                <FieldInput name="name" id="group-name" label=k::HELPERS_GROUP_NAME hint=k::HELPERS_GROUP_NAME_HINT error=field_error(error, "name")/>
                <FieldInput name="coordinator" label=k::HELPERS_COORDINATOR hint=k::HELPERS_LOGIN_HINT autocomplete="off" error=field_error(error, "coordinator")/>
                <SubmitButton label=k::HELPERS_REGISTER_SUBMIT pending=register.pending()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn GroupCard(
    group: HelperGroup,
    add: ServerAction<AddHelper>,
    remove: ServerAction<RemoveHelper>,
) -> impl IntoView {
    let locale = use_locale();
    let add_error = error_signal(move || add.value().get());
    let remove_error = error_signal(move || remove.value().get());
    let id = group.id;
    let heading = format!("group-{id}");
    let labelled = heading.clone();
    view! {
        <section class="card helper-group" aria-labelledby=labelled>
            <h2 id=heading>{group.name.clone()}</h2>
            <p class="muted">
                {group.organisation.name(locale).to_owned()}" · "
                {tf(k::HELPERS_REPORTS_FILED, &[("n", &group.reports_filed.to_string())])}
            </p>
            <ul class="plain-list">
                {group.members.iter().map(|m| {
                    let (user_id, you) = (m.user_id, m.you);
                    view! {
                        <li class="member-row">
                            <span>
                                <strong>{m.name.clone()}</strong>
                                {m.coordinator.then(|| view! { " "<span class="tag">{t(k::HELPERS_COORDINATOR_BADGE)}</span> })}
                                {m.reached_at.clone().map(|r| view! { " "<span class="muted small">{r}</span> })}
                            </span>
                            {(group.manages || you).then(|| view! {
                                <ActionForm action=remove>
                                    <input type="hidden" name="group_id" value=id.to_string()/>
                                    <input type="hidden" name="user_id" value=user_id.to_string()/>
                                    <button type="submit" class="button-secondary small">
                                        {if you { t(k::HELPERS_LEAVE) } else { t(k::HELPERS_REMOVE) }}
                                    </button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <FormAlert error=remove_error/>
            {group.manages.then(|| view! {
                <ActionForm action=add attr:class="add-helper">
                    <FormAlert error=add_error/>
                    <input type="hidden" name="group_id" value=id.to_string()/>
                    <FieldInput name="login" id=format!("helper-login-{id}") label=k::HELPERS_ADD_LOGIN hint=k::HELPERS_LOGIN_HINT autocomplete="off" error=field_error(add_error, "login")/>
                    <label class="check">
                        <input type="checkbox" name="as_coordinator" value="true"/>
                        <span>{t(k::HELPERS_ADD_AS_COORDINATOR)}</span>
                    </label>
                    <SubmitButton label=k::HELPERS_ADD pending=add.pending()/>
                </ActionForm>
            })}
        </section>
    }
}
