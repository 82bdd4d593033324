//! Signing in.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::account::SignIn;
use crate::api::two_step::{SignInCode, WaitingCode, code_step};
use crate::error::AppError;
use crate::i18n::{k, t, tf};
use crate::layout::{FieldInput, FormAlert, SubmitButton, error_signal, field_error};
use crate::links::url_encode;
use crate::pages::account::{query, shown_login};

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = error_signal(move || action.value().get());
    let email = query("email");
    let next = query("next");
    let verified = query("verified");
    let reset = query("reset");
    let not_verified = move || matches!(error.get(), Some(AppError::Conflict { ref key, .. }) if key == "error.not_verified");
    view! {
        <Title text=t(k::SIGN_IN_TITLE)/>
        <section class="card narrow">
            <h1>{t(k::SIGN_IN_TITLE)}</h1>
            <p class="alert alert-success" role="status" hidden=move || verified.get().is_none()>{t(k::SIGN_IN_VERIFIED)}</p>
            <p class="alert alert-success" role="status" hidden=move || reset.get().is_none()>{t(k::SIGN_IN_RESET_DONE)}</p>
            <ActionForm action=action>
                <FormAlert error=error/>
                <p hidden=move || !not_verified()>
                    <a href=move || format!("/verify?email={}", url_encode(&email.get().unwrap_or_default()))>{t(k::SIGN_IN_GO_VERIFY)}</a>
                </p>
                <input type="hidden" name="next" value=move || next.get().unwrap_or_default()/>
                <FieldInput name="email" label=k::FIELD_LOGIN autocomplete="username" value=shown_login(email.get_untracked()) error=field_error(error, "email")/>
                <FieldInput name="password" label=k::FIELD_PASSWORD kind="password" autocomplete="current-password" error=field_error(error, "password")/>
                <SubmitButton label=k::SIGN_IN_SUBMIT pending=action.pending()/>
            </ActionForm>
            <p class="form-footer"><a href="/forgot-password">{t(k::SIGN_IN_FORGOT)}</a></p>
            <p class="form-footer">{t(k::SIGN_IN_NO_ACCOUNT)}" "<a href="/register">{t(k::NAV_REGISTER)}</a></p>
        </section>
    }
}

/// The second step of signing in, for an account with two-step sign-in on.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let action = ServerAction::<SignInCode>::new();
    let error = error_signal(move || action.value().get());
    let next = query("next");
    let step = Resource::new(|| (), |_| code_step());
    view! {
        <Title text=t(k::SIGN_IN_CODE_TITLE)/>
        <section class="card narrow">
            <h1>{t(k::SIGN_IN_CODE_TITLE)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match step.await {
                        Ok(WaitingCode { waiting: true, demo_code }) => view! {
                            <p>{t(k::SIGN_IN_CODE_INTRO)}</p>
                            {demo_code.map(|code| view! {
                                <p class="alert alert-info" role="status" data-demo-code=code.clone()>{tf(k::SIGN_IN_CODE_DEMO, &[("code", &code)])}</p>
                            })}
                            <ActionForm action=action>
                                <FormAlert error=error/>
                                <input type="hidden" name="next" value=move || next.get().unwrap_or_default()/>
                                <FieldInput name="code" label=k::SIGN_IN_CODE_FIELD autocomplete="one-time-code" hint=k::SIGN_IN_CODE_HINT error=field_error(error, "code")/>
                                <SubmitButton label=k::SIGN_IN_CODE_SUBMIT pending=action.pending()/>
                            </ActionForm>
                        }.into_any(),
                        _ => view! {
                            <p class="alert alert-info" role="status">{t(k::SIGN_IN_CODE_EXPIRED)}</p>
                            <p><a class="button" href="/sign-in">{t(k::SIGN_IN_CODE_AGAIN)}</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
