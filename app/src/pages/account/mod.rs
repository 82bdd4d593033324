//! Pages for accounts.

mod profile;
mod register;
mod reset;
mod sign_in;

pub use profile::AccountPage;
pub use register::{RegisterPage, VerifyPage};
pub use reset::{ForgotPasswordPage, ResetPasswordPage};
pub use sign_in::{SignInCodePage, SignInPage};

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A query parameter of the current URL (e.g. the email a link carries).
pub(crate) fn query(name: &'static str) -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(name))
}

/// The address or number a link carries (`?email=`), as its owner writes it: a phone number
/// as `0912 345 678`, not in its international form.
pub(crate) fn shown_login(carried: Option<String>) -> String {
    match carried.filter(|c| !c.trim().is_empty()) {
        Some(carried) => crate::account::rules::Login::read(&carried).shown(),
        None => String::new(),
    }
}
