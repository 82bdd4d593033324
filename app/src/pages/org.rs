//! The public list of organisations and the admin page that manages them and their staff.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::org::{
    AddStaff, CreateOrganisation, RemoveStaff, admin_organisations, list_organisations,
};
use crate::i18n::{k, t, use_locale};
use crate::layout::{FieldInput, FormAlert, Loaded, SubmitButton, error_signal, field_error};
use crate::org::model::{OrgKind, OrganisationAdmin};

#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let locale = use_locale();
    let orgs = Resource::new(|| (), |_| list_organisations());
    view! {
        <Title text=t(k::ORGS_TITLE)/>
        <h1>{t(k::ORGS_TITLE)}</h1>
        <p class="lead">{t(k::ORGS_INTRO)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = orgs.await.unwrap_or_default();
                view! {
                    <ul class="org-grid">
                        {list.into_iter().map(|o| view! {
                            <li class="card org-card">
                                <span class="tag">{t(o.kind.label())}</span>
                                <h2>{o.name(locale).to_owned()}</h2>
                            </li>
                        }).collect_view()}
                    </ul>
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let locale = use_locale();
    let create = ServerAction::<CreateOrganisation>::new();
    let add = ServerAction::<AddStaff>::new();
    let remove = ServerAction::<RemoveStaff>::new();
    let orgs = Resource::new(
        move || {
            (
                create.version().get(),
                add.version().get(),
                remove.version().get(),
            )
        },
        |_| admin_organisations(),
    );
    let reset = ServerAction::<crate::api::two_step::ResetTwoStep>::new();
    let create_error = error_signal(move || create.value().get());
    let add_error = error_signal(move || add.value().get());
    let reset_error = error_signal(move || reset.value().get());
    view! {
        <Title text=t(k::ADMIN_TITLE)/>
        <h1>{t(k::ADMIN_TITLE)}</h1>
        <Loaded resource=orgs let:list>
            {
                let option = |o: &OrganisationAdmin| view! { <option value=o.organisation.id.to_string()>{o.organisation.name(locale).to_owned()}</option> };
                let parent_options = list.iter().map(option).collect_view();
                let staff_options = list.iter().map(option).collect_view();
                view! {
                    <div class="grid-2">
                        <section class="card" aria-labelledby="create-org">
                            <h2 id="create-org">{t(k::ADMIN_CREATE_ORG)}</h2>
                            <ActionForm action=create>
                                <FormAlert error=create_error/>
                                <FieldInput name="name_vi" label=k::FIELD_ORG_NAME_VI error=field_error(create_error, "name_vi")/>
                                <FieldInput name="name_en" label=k::FIELD_ORG_NAME_EN error=field_error(create_error, "name_en")/>
                                <div class="field">
                                    <label for="field-kind">{t(k::FIELD_ORG_KIND)}</label>
                                    <select id="field-kind" name="kind">
                                        {OrgKind::ALL.into_iter().map(|kind| view! { <option value=kind.code()>{t(kind.label())}</option> }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="field-parent">{t(k::FIELD_ORG_PARENT)}</label>
                                    <select id="field-parent" name="parent_id">
                                        <option value="">{t(k::FIELD_ORG_NO_PARENT)}</option>
                                        {parent_options}
                                    </select>
                                </div>
                                <SubmitButton label=k::ADMIN_CREATE_SUBMIT pending=create.pending()/>
                            </ActionForm>
                        </section>
                        <section class="card" aria-labelledby="add-staff">
                            <h2 id="add-staff">{t(k::ADMIN_ADD_STAFF)}</h2>
                            <ActionForm action=add>
                                <FormAlert error=add_error/>
                                <div class="field">
                                    <label for="field-organisation">{t(k::FIELD_ORGANISATION)}</label>
                                    <select id="field-organisation" name="organisation_id">
                                        {staff_options}
                                    </select>
                                </div>
                                <FieldInput name="email" label=k::FIELD_EMAIL kind="email" error=field_error(add_error, "email")/>
                                <FieldInput name="title" label=k::FIELD_STAFF_TITLE required=false error=field_error(add_error, "title")/>
                                <SubmitButton label=k::ADMIN_ADD_STAFF_SUBMIT pending=add.pending()/>
                            </ActionForm>
                        </section>
                    </div>
                    <section class="card" aria-labelledby="reset-two-step">
                        <h2 id="reset-two-step">{t(k::ADMIN_TWO_STEP_RESET)}</h2>
                        <p class="hint">{t(k::ADMIN_TWO_STEP_RESET_INTRO)}</p>
                        <ActionForm action=reset>
                            <FormAlert error=reset_error/>
                            {move || crate::layout::succeeded(reset).get().then(|| view! {
                                <p class="alert alert-success" role="status">{t(k::ADMIN_TWO_STEP_RESET_DONE)}</p>
                            })}
                            <div class="grid-2 tight">
                                <FieldInput name="email" id="reset-email" label=k::FIELD_EMAIL kind="email" error=field_error(reset_error, "email")/>
                                <FieldInput name="reason" label=k::FIELD_RESET_REASON error=field_error(reset_error, "reason")/>
                            </div>
                            <SubmitButton label=k::ADMIN_TWO_STEP_RESET_SUBMIT pending=reset.pending()/>
                        </ActionForm>
                    </section>
                    <h2>{t(k::ADMIN_ORGS)}</h2>
                    {list.into_iter().map(|o| view! { <OrgStaffCard org=o remove=remove/> }).collect_view()}
                }.into_any()
            }
        </Loaded>
    }
}

#[component]
fn OrgStaffCard(org: OrganisationAdmin, remove: ServerAction<RemoveStaff>) -> impl IntoView {
    let locale = use_locale();
    let org_id = org.organisation.id;
    view! {
        <section class="card org-admin">
            <h3>{org.organisation.name(locale).to_owned()}" "<span class="tag">{t(org.organisation.kind.label())}</span></h3>
            {if org.staff.is_empty() {
                view! { <p class="muted">{t(k::ADMIN_NO_STAFF)}</p> }.into_any()
            } else {
                view! {
                    <ul class="staff-list">
                        {org.staff.into_iter().map(|s| view! {
                            <li>
                                <span>{s.display_name}" · "<span class="muted">{s.email}</span>{s.title.map(|ti| format!(" · {ti}"))}</span>
                                <ActionForm action=remove attr:class="inline-form">
                                    <input type="hidden" name="organisation_id" value=org_id.to_string()/>
                                    <input type="hidden" name="user_id" value=s.user_id.to_string()/>
                                    <button type="submit" class="button-ghost danger">{t(k::ADMIN_REMOVE_STAFF)}</button>
                                </ActionForm>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
