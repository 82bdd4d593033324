//! Registering with an email address or a mobile number, and proving it with the code sent to it.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::account::{Register, ResendCode, VerifyEmail};
use crate::i18n::{k, t};
use crate::layout::{FieldInput, FormAlert, SubmitButton, error_signal, field_error};
use crate::pages::account::{query, shown_login};

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let error = error_signal(move || action.value().get());
    view! {
        <Title text=t(k::REGISTER_TITLE)/>
        <section class="card narrow">
            <h1>{t(k::REGISTER_TITLE)}</h1>
            <p class="lead">{t(k::REGISTER_INTRO)}</p>
            <ActionForm action=action>
                <FormAlert error=error/>
                <FieldInput name="display_name" label=k::FIELD_DISPLAY_NAME autocomplete="name" hint=k::FIELD_DISPLAY_NAME_HINT error=field_error(error, "display_name")/>
                <FieldInput name="email" label=k::FIELD_LOGIN autocomplete="username" hint=k::FIELD_LOGIN_HINT error=field_error(error, "email")/>
                <FieldInput name="password" label=k::FIELD_PASSWORD kind="password" autocomplete="new-password" hint=k::FIELD_PASSWORD_HINT error=field_error(error, "password")/>
                <SubmitButton label=k::REGISTER_SUBMIT pending=action.pending()/>
            </ActionForm>
            <p class="form-footer">{t(k::REGISTER_HAVE_ACCOUNT)}" "<a href="/sign-in">{t(k::NAV_SIGN_IN)}</a></p>
        </section>
    }
}

#[component]
pub fn VerifyPage() -> impl IntoView {
    let action = ServerAction::<VerifyEmail>::new();
    let resend = ServerAction::<ResendCode>::new();
    let error = error_signal(move || action.value().get());
    let email = query("email");
    let code = query("code");
    let resent = crate::layout::succeeded(resend);
    view! {
        <Title text=t(k::VERIFY_TITLE)/>
        <section class="card narrow">
            <h1>{t(k::VERIFY_TITLE)}</h1>
            <p class="lead">{t(k::VERIFY_INTRO)}</p>
            <ActionForm action=action>
                <FormAlert error=error/>
                <FieldInput name="email" label=k::FIELD_LOGIN autocomplete="username" value=shown_login(email.get_untracked()) error=field_error(error, "email")/>
                <FieldInput name="code" label=k::FIELD_CODE autocomplete="one-time-code" inputmode="numeric" value=code.get_untracked().unwrap_or_default() error=field_error(error, "code")/>
                <SubmitButton label=k::VERIFY_SUBMIT pending=action.pending()/>
            </ActionForm>
            <ActionForm action=resend attr:class="secondary-form">
                <input type="hidden" name="email" value=move || email.get().unwrap_or_default()/>
                <p>{t(k::VERIFY_NO_CODE)}" "
                    <button type="submit" class="button-link">{t(k::VERIFY_RESEND)}</button>
                </p>
                <p class="alert alert-success" role="status" hidden=move || !resent.get()>{t(k::VERIFY_RESENT)}</p>
            </ActionForm>
        </section>
    }
}
