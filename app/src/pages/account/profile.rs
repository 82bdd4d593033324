//! A person's account page: name and language, password, email preferences, roles, and their
//! own data: download it all, or delete the account.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::account::{
    AddPhone, ChangePassword, ConfirmPhone, DeleteAccount, EndSessions, SignOut, UpdateProfile,
    my_sessions,
};
use crate::api::notify::{SaveEmailPreferences, email_preferences};
use crate::api::two_step::{
    TwoStepBegin, TwoStepConfirm, TwoStepNewCodes, TwoStepOff, TwoStepState, two_step_status,
};
use crate::auth::Viewer;
use crate::i18n::{Locale, format_datetime, k, t, tf, use_locale};
use crate::layout::viewer_resource;
use crate::layout::{
    FieldInput, FormAlert, Loaded, SignInPrompt, SubmitButton, error_signal, field_error,
};
use crate::pages::account::query;

#[component]
pub fn AccountPage() -> impl IntoView {
    let viewer = viewer_resource();
    view! {
        <Title text=t(k::ACCOUNT_TITLE)/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match viewer.await.ok().flatten() {
                    Some(v) => view! { <AccountForms viewer=v/> }.into_any(),
                    None => view! { <SignInPrompt/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountForms(viewer: Viewer) -> impl IntoView {
    let locale = use_locale();
    let profile = ServerAction::<UpdateProfile>::new();
    let profile_error = error_signal(move || profile.value().get());
    let saved = query("saved");
    let password = ServerAction::<ChangePassword>::new();
    let password_error = error_signal(move || password.value().get());
    let password_done = crate::layout::succeeded(password);
    let roles: Vec<String> = viewer
        .staff
        .iter()
        .map(|s| s.organisation_name.clone())
        .collect();
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <div class="page-head">
            <div>
                <h1>{t(k::ACCOUNT_TITLE)}</h1>
                <p class="muted">{viewer.email.clone().or(viewer.phone.as_deref().map(crate::sms::rules::display_phone))}</p>
            </div>
            <ActionForm action=sign_out>
                <button type="submit" class="button-secondary">{t(k::NAV_SIGN_OUT)}</button>
            </ActionForm>
        </div>
        <div class="grid-2">
            <section class="card" aria-labelledby="profile-heading">
                <h2 id="profile-heading">{t(k::ACCOUNT_PROFILE)}</h2>
                <p class="alert alert-success" role="status" hidden=move || saved.get().is_none()>{t(k::ACCOUNT_SAVED)}</p>
                <ActionForm action=profile>
                    <FormAlert error=profile_error/>
                    <FieldInput name="display_name" label=k::FIELD_DISPLAY_NAME autocomplete="name" value=viewer.display_name.clone() error=field_error(profile_error, "display_name")/>
                    <div class="field">
                        <label for="field-locale">{t(k::FIELD_LANGUAGE)}</label>
                        <select id="field-locale" name="locale">
                            {Locale::ALL.into_iter().map(|l| {
                                let name = match l { Locale::Vi => "Tiếng Việt", Locale::En => "English" };
                                view! { <option value=l.code() selected=l == locale>{name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <SubmitButton label=k::ACCOUNT_SAVE pending=profile.pending()/>
                </ActionForm>
            </section>
            <section class="card" aria-labelledby="password-heading">
                <h2 id="password-heading">{t(k::ACCOUNT_PASSWORD)}</h2>
                <p class="alert alert-success" role="status" hidden=move || !password_done.get()>{t(k::ACCOUNT_PASSWORD_CHANGED)}</p>
                <ActionForm action=password>
                    <FormAlert error=password_error/>
                    <FieldInput name="current_password" label=k::FIELD_CURRENT_PASSWORD kind="password" autocomplete="current-password" error=field_error(password_error, "current_password")/>
                    <FieldInput name="new_password" label=k::FIELD_NEW_PASSWORD kind="password" autocomplete="new-password" hint=k::FIELD_PASSWORD_HINT error=field_error(password_error, "new_password")/>
                    <SubmitButton label=k::ACCOUNT_PASSWORD_SUBMIT pending=password.pending()/>
                </ActionForm>
            </section>
            <PhoneNumber current=viewer.phone.clone()/>
            <TwoStep/>
            <Sessions/>
            <EmailPreferences has_email=viewer.email.is_some() has_phone=viewer.phone_verified/>
            <section class="card" aria-labelledby="roles-heading">
                <h2 id="roles-heading">{t(k::ACCOUNT_ROLES)}</h2>
                <ul class="plain-list">
                    {viewer.is_admin.then(|| view! { <li>{t(k::ROLE_ADMIN)}</li> })}
                    {roles.into_iter().map(|name| view! { <li>{t(k::ROLE_STAFF_OF)}" "{name}</li> }).collect_view()}
                    <li>{if viewer.verified { t(k::ROLE_CITIZEN) } else { t(k::ROLE_UNVERIFIED) }}</li>
                </ul>
            </section>
            <YourData/>
        </div>
    }
}

/// The account's mobile number: added, or replaced, with a code sent to it by text message. With
/// it the person signs in by phone, gets codes by text, and votes where a vote asks for a number.
#[component]
fn PhoneNumber(current: Option<String>) -> impl IntoView {
    use crate::sms::rules::display_phone;
    let ask = ServerAction::<AddPhone>::new();
    let ask_error = error_signal(move || ask.value().get());
    let confirm = ServerAction::<ConfirmPhone>::new();
    let confirm_error = error_signal(move || confirm.value().get());
    let asked = query("phone");
    let added = query("phone_added");
    let has_one = current.is_some();
    view! {
        <section class="card" aria-labelledby="phone-heading">
            <h2 id="phone-heading">{t(k::ACCOUNT_PHONE)}</h2>
            <p class="alert alert-success" role="status" hidden=move || added.get().is_none()>{t(k::ACCOUNT_PHONE_ADDED)}</p>
            <p>{match current {
                Some(phone) => tf(k::ACCOUNT_PHONE_CURRENT, &[("phone", &display_phone(&phone))]),
                None => t(k::ACCOUNT_PHONE_NONE).to_owned(),
            }}</p>
            <p class="hint">{t(k::ACCOUNT_PHONE_WHY)}</p>
            {move || asked.get().map(|number| view! {
                <ActionForm action=confirm>
                    <p class="alert alert-info" role="status">{tf(k::ACCOUNT_PHONE_CODE_SENT, &[("phone", &display_phone(&number))])}</p>
                    <FormAlert error=confirm_error/>
                    <input type="hidden" name="phone" value=number.clone()/>
                    <FieldInput name="code" id="phone-code" label=k::FIELD_CODE autocomplete="one-time-code" inputmode="numeric" error=field_error(confirm_error, "code")/>
                    <SubmitButton label=k::ACCOUNT_PHONE_CONFIRM pending=confirm.pending()/>
                </ActionForm>
            })}
            <ActionForm action=ask>
                <FormAlert error=ask_error/>
                <FieldInput name="phone" label=if has_one { k::ACCOUNT_PHONE_NEW } else { k::REPORT_SMS_PHONE } kind="tel" autocomplete="tel" inputmode="tel" error=field_error(ask_error, "phone")/>
                <FieldInput name="password" id="phone-password" label=k::FIELD_CURRENT_PASSWORD kind="password" autocomplete="current-password" error=field_error(ask_error, "password")/>
                <SubmitButton label=k::ACCOUNT_PHONE_SEND pending=ask.pending()/>
            </ActionForm>
        </section>
    }
}

/// Download everything held about you; delete the account, with what stays and what goes said
/// before, and the password asked for.
#[component]
fn YourData() -> impl IntoView {
    let delete = ServerAction::<DeleteAccount>::new();
    let delete_error = error_signal(move || delete.value().get());
    view! {
        <section class="card your-data" aria-labelledby="data-heading">
            <h2 id="data-heading">{t(k::PRIVACY_TITLE)}</h2>
            <p>{t(k::PRIVACY_EXPORT_BODY)}</p>
            <p>
                <a class="button-secondary" href="/account/export.json" download="vidan-my-data.json">{t(k::PRIVACY_EXPORT)}</a>
            </p>
            <details class="danger-zone">
                <summary>{t(k::PRIVACY_DELETE_TITLE)}</summary>
                <ul class="small">
                    <li>{t(k::PRIVACY_DELETE_VOTES)}</li>
                    <li>{t(k::PRIVACY_DELETE_COMMENTS)}</li>
                    <li>{t(k::PRIVACY_DELETE_TEAMS)}</li>
                    <li>{t(k::PRIVACY_DELETE_REST)}</li>
                </ul>
                <ActionForm action=delete>
                    <FormAlert error=delete_error/>
                    <FieldInput name="password" label=k::FIELD_CURRENT_PASSWORD kind="password" autocomplete="current-password" error=field_error(delete_error, "password")/>
                    <div class="check">
                        <input type="checkbox" id="delete-confirm" name="confirm" value="yes"/>
                        <label for="delete-confirm">{t(k::PRIVACY_DELETE_CONFIRM)}</label>
                    </div>
                    {move || field_error(delete_error, "confirm").get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                    <button type="submit" class="button-danger" disabled=move || delete.pending().get()>{t(k::PRIVACY_DELETE_SUBMIT)}</button>
                </ActionForm>
            </details>
        </section>
    }
}

/// The browsers signed in to this account, and a way to sign the others out: a phone lost, a
/// computer at the ward office left signed in.
#[component]
fn Sessions() -> impl IntoView {
    let end = ServerAction::<EndSessions>::new();
    let end_error = error_signal(move || end.value().get());
    let sessions = Resource::new(move || end.version().get(), |_| my_sessions());
    view! {
        <section class="card" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">{t(k::SESSIONS_TITLE)}</h2>
            <p class="muted">{t(k::SESSIONS_INTRO)}</p>
            <FormAlert error=end_error/>
            <Loaded resource=sessions let:list>
                {
                    let others = list.iter().filter(|s| !s.this_browser).count();
                    view! {
                        <ul class="plain-list sessions">
                            {list.into_iter().map(|s| {
                                let device = if s.device.is_empty() { t(k::SESSIONS_UNKNOWN_DEVICE).to_owned() } else { s.device.clone() };
                                let seen = tf(k::SESSIONS_SEEN, &[("at", &format_datetime(s.last_seen_at)), ("since", &format_datetime(s.started_at))]);
                                view! {
                                    <li class="session">
                                        <div>
                                            <strong>{device}</strong>
                                            {s.this_browser.then(|| view! { " · "<span class="tag">{t(k::SESSIONS_THIS_BROWSER)}</span> })}
                                            <br/><span class="muted small">{seen}" · "{s.ip.clone()}</span>
                                        </div>
                                        {(!s.this_browser).then(|| view! {
                                            <ActionForm action=end attr:class="inline-form">
                                                <input type="hidden" name="handle" value=s.handle.clone()/>
                                                <button type="submit" class="button-secondary">{t(k::SESSIONS_END)}</button>
                                            </ActionForm>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {(others > 0).then(|| view! {
                            <ActionForm action=end>
                                <input type="hidden" name="all_others" value="yes"/>
                                <button type="submit" class="button-secondary">{t(k::SESSIONS_END_OTHERS)}</button>
                            </ActionForm>
                        })}
                    }.into_any()
                }
            </Loaded>
        </section>
    }
}

#[component]
fn EmailPreferences(has_email: bool, has_phone: bool) -> impl IntoView {
    let save = ServerAction::<SaveEmailPreferences>::new();
    let prefs = Resource::new(move || save.version().get(), |_| email_preferences());
    let saved = crate::layout::succeeded(save);
    view! {
        <section class="card" aria-labelledby="prefs-heading">
            <h2 id="prefs-heading">{t(k::PREFS_TITLE)}</h2>
            <p class="muted">{t(if has_email { k::PREFS_INTRO } else { k::PREFS_NO_EMAIL })}</p>
            <p class="alert alert-success" role="status" hidden=move || !saved.get()>{t(k::ACCOUNT_SAVED)}</p>
            <ActionForm action=save>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let prefs = prefs.await.unwrap_or_default();
                        let by_email = prefs.iter().map(|p| {
                            let id = format!("pref-{}", p.kind.code());
                            if has_email {
                                view! {
                                    <div class="check">
                                        <input type="checkbox" id=id.clone() name="email_on[]" value=p.kind.code() checked=p.email/>
                                        <label for=id>{t(p.kind.preference_label())}</label>
                                    </div>
                                }.into_any()
                            } else {
                                // Kept as they are for when an address is added.
                                p.email.then(|| view! { <input type="hidden" name="email_on[]" value=p.kind.code()/> }).into_any()
                            }
                        }).collect_view();
                        let by_text = prefs.iter().filter_map(|p| p.sms.map(|on| (p.kind, on))).map(|(kind, on)| {
                            let id = format!("sms-{}", kind.code());
                            view! {
                                <div class="check">
                                    <input type="checkbox" id=id.clone() name="sms_on[]" value=kind.code() checked=on/>
                                    <label for=id>{t(kind.preference_label())}</label>
                                </div>
                            }
                        }).collect_view();
                        view! {
                            {by_email}
                            <fieldset class="sms-choices">
                                <legend>{t(k::PREFS_BY_TEXT)}</legend>
                                {if has_phone {
                                    view! { <p class="hint">{t(k::PREFS_BY_TEXT_INTRO)}</p>{by_text} }.into_any()
                                } else {
                                    view! { <p class="hint">{t(k::PREFS_BY_TEXT_NEEDS_PHONE)}" "<a href="#phone-heading">{t(k::VOTE_ADD_PHONE)}</a></p> }.into_any()
                                }}
                            </fieldset>
                        }
                    })}
                </Transition>
                <SubmitButton label=k::ACCOUNT_SAVE pending=save.pending()/>
            </ActionForm>
        </section>
    }
}

/// Recovery codes as they are made, shown this once.
fn recovery_codes(codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="alert alert-success" role="status">
            <strong>{t(k::TWO_STEP_CODES_TITLE)}</strong>
            <p>{t(k::TWO_STEP_CODES_INTRO)}</p>
        </div>
        <ul class="recovery-codes" aria-label=t(k::TWO_STEP_CODES_TITLE)>
            {codes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
        </ul>
    }
}

/// Two-step sign-in: set up with a QR code and a first code; when on, new recovery codes or
/// turning it off, each with a current code. Recovery codes are shown once, as they are made.
#[component]
fn TwoStep() -> impl IntoView {
    let begin = ServerAction::<TwoStepBegin>::new();
    let confirm = ServerAction::<TwoStepConfirm>::new();
    let new_codes = ServerAction::<TwoStepNewCodes>::new();
    let off = ServerAction::<TwoStepOff>::new();
    let begin_error = error_signal(move || begin.value().get());
    let confirm_error = error_signal(move || confirm.value().get());
    let codes_error = error_signal(move || new_codes.value().get());
    let off_error = error_signal(move || off.value().get());
    let status = Resource::new(
        move || {
            (
                begin.version().get(),
                confirm.version().get(),
                new_codes.version().get(),
                off.version().get(),
            )
        },
        |_| two_step_status(),
    );
    // The codes just made, from whichever form made them.
    let fresh_codes = move || {
        new_codes
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| confirm.value().get().and_then(Result::ok))
    };
    view! {
        <section class="card" aria-labelledby="two-step-heading">
            <h2 id="two-step-heading">{t(k::TWO_STEP_TITLE)}</h2>
            <p class="muted">{t(k::TWO_STEP_INTRO)}</p>
            {move || fresh_codes().map(recovery_codes)}
            <Loaded resource=status let:data>
                {match data {
                    TwoStepState { enabled_at: Some(at), recovery_left, fresh_codes, .. } => view! {
                        {(!fresh_codes.is_empty()).then(|| recovery_codes(fresh_codes))}
                        <p class="alert alert-success" role="status">{tf(k::TWO_STEP_ON_SINCE, &[("at", &format_datetime(at)), ("n", &recovery_left.to_string())])}</p>
                        <ActionForm action=new_codes>
                            <FormAlert error=codes_error/>
                            <FieldInput name="code" id="new-codes-code" label=k::TWO_STEP_MANAGE_CODE autocomplete="one-time-code" error=field_error(codes_error, "code")/>
                            <SubmitButton label=k::TWO_STEP_NEW_CODES pending=new_codes.pending()/>
                        </ActionForm>
                        <details class="secondary-form">
                            <summary>{t(k::TWO_STEP_TURN_OFF)}</summary>
                            <p class="muted small">{t(k::TWO_STEP_TURN_OFF_NOTE)}</p>
                            <ActionForm action=off>
                                <FormAlert error=off_error/>
                                <FieldInput name="code" id="off-code" label=k::TWO_STEP_MANAGE_CODE autocomplete="one-time-code" error=field_error(off_error, "code")/>
                                <button type="submit" class="button-secondary" disabled=move || off.pending().get()>{t(k::TWO_STEP_TURN_OFF)}</button>
                            </ActionForm>
                        </details>
                    }.into_any(),
                    TwoStepState { pending: Some(secret), required, .. } => view! {
                        {required.then(|| view! { <p class="alert alert-info" role="status">{t(k::TWO_STEP_REQUIRED)}</p> })}
                        <p>{t(k::TWO_STEP_SCAN)}</p>
                        // Drawn by the server from the secret alone: no text of anyone's in it.
                        <div class="qr" inner_html=secret.qr_svg.clone()></div>
                        <p class="small">{t(k::TWO_STEP_TYPE_SECRET)}<br/><code class="secret-key">{secret.secret.clone()}</code></p>
                        <p>{t(k::TWO_STEP_ENTER_CODE)}</p>
                        <ActionForm action=confirm>
                            <FormAlert error=confirm_error/>
                            <FieldInput name="code" id="confirm-code" label=k::TWO_STEP_CODE autocomplete="one-time-code" inputmode="numeric" error=field_error(confirm_error, "code")/>
                            {required.then(|| view! {
                                <FieldInput name="email_code" id="confirm-email-code" label=k::TWO_STEP_EMAIL_CODE hint=k::TWO_STEP_EMAIL_CODE_HINT inputmode="numeric" error=field_error(confirm_error, "email_code")/>
                            })}
                            <SubmitButton label=k::TWO_STEP_CONFIRM pending=confirm.pending()/>
                        </ActionForm>
                    }.into_any(),
                    TwoStepState { required, .. } => view! {
                        {required.then(|| view! { <p class="alert alert-info" role="status">{t(k::TWO_STEP_REQUIRED)}</p> })}
                        <ActionForm action=begin>
                            <FormAlert error=begin_error/>
                            <SubmitButton label=k::TWO_STEP_BEGIN pending=begin.pending()/>
                        </ActionForm>
                    }.into_any(),
                }}
            </Loaded>
        </section>
    }
}
