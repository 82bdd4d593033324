//! Resetting a forgotten password with a code sent by email or text message.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::account::{RequestPasswordReset, ResetPassword};
use crate::i18n::{k, t};
use crate::layout::{FieldInput, FormAlert, SubmitButton, error_signal, field_error};
use crate::pages::account::{query, shown_login};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = error_signal(move || action.value().get());
    view! {
        <Title text=t(k::FORGOT_TITLE)/>
        <section class="card narrow">
            <h1>{t(k::FORGOT_TITLE)}</h1>
            <p class="lead">{t(k::FORGOT_INTRO)}</p>
            <ActionForm action=action>
                <FormAlert error=error/>
                <FieldInput name="email" label=k::FIELD_LOGIN autocomplete="username" hint=k::FIELD_LOGIN_HINT error=field_error(error, "email")/>
                <SubmitButton label=k::FORGOT_SUBMIT pending=action.pending()/>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let error = error_signal(move || action.value().get());
    let email = query("email");
    let code = query("code");
    view! {
        <Title text=t(k::RESET_TITLE)/>
        <section class="card narrow">
            <h1>{t(k::RESET_TITLE)}</h1>
            <p class="lead">{t(k::RESET_INTRO)}</p>
            <ActionForm action=action>
                <FormAlert error=error/>
                <FieldInput name="email" label=k::FIELD_LOGIN autocomplete="username" value=shown_login(email.get_untracked()) error=field_error(error, "email")/>
                <FieldInput name="code" label=k::FIELD_CODE autocomplete="one-time-code" inputmode="numeric" value=code.get_untracked().unwrap_or_default() error=field_error(error, "code")/>
                <FieldInput name="password" label=k::FIELD_NEW_PASSWORD kind="password" autocomplete="new-password" hint=k::FIELD_PASSWORD_HINT error=field_error(error, "password")/>
                <SubmitButton label=k::RESET_SUBMIT pending=action.pending()/>
            </ActionForm>
        </section>
    }
}
