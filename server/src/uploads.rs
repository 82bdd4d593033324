//! Forms with files, read whole before they are answered, and only for people who may send one.
//!
//! A form with files is read into memory before its function runs: a function that refuses it
//! before reading its file would otherwise answer with the file still unsent, the connection
//! would close under the browser, and the person would see a network error instead of the
//! reason. Reading it whole costs up to [`crate::middleware::UPLOAD_BODY_LIMIT`] of memory, so
//! it is done only for someone signed in, a few at a time per instance and at most
//! [`PER_ACCOUNT`] at a time per account. Everyone else's body is read and thrown away as it
//! arrives (their function then refuses them for who they are, with nothing to read): a
//! thousand visitors posting 40 MB each hold no memory.

use std::collections::HashMap;
use std::sync::Mutex;

use app::ctx::{RequestAuth, wants_page};
use axum::body::{Body, HttpBody as _};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::Method;
use tokio::sync::Semaphore;

use crate::AppState;
use crate::middleware::{busy, is_upload, language_of, too_large};

/// Forms with files one account may have read at once (a second tab, a retry).
pub const PER_ACCOUNT: usize = 2;

/// Who holds places: an account, and the network address it sends from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Holder {
    Account(i64),
    Address(String),
}

/// The forms with files being read on this instance: at most so many at once, [`PER_ACCOUNT`]
/// per account, and half the instance's places per network address (so that a few accounts on
/// one address, sending slowly, cannot hold every place).
pub struct UploadGate {
    at_once: Semaphore,
    per_address: usize,
    reading: Mutex<HashMap<Holder, usize>>,
}

impl UploadGate {
    pub fn new(at_once: usize) -> Self {
        let at_once = at_once.max(1);
        Self {
            at_once: Semaphore::new(at_once),
            per_address: (at_once / 2).max(1),
            reading: Mutex::new(HashMap::new()),
        }
    }

    /// A place for one more of `account`'s forms from `address`, or none while the account has
    /// [`PER_ACCOUNT`] read, or its address its share.
    fn enter(&self, account: i64, address: &str) -> Option<Seat<'_>> {
        let mut reading = self.reading.lock().unwrap_or_else(|e| e.into_inner());
        let holders = [
            (Holder::Account(account), PER_ACCOUNT),
            (Holder::Address(address.to_owned()), self.per_address),
        ];
        if holders
            .iter()
            .any(|(holder, most)| reading.get(holder).copied().unwrap_or(0) >= *most)
        {
            return None;
        }
        for (holder, _) in &holders {
            *reading.entry(holder.clone()).or_default() += 1;
        }
        Some(Seat {
            gate: self,
            holders: holders.map(|(holder, _)| holder),
        })
    }
}

/// One account's place, given back when its form has been answered.
struct Seat<'a> {
    gate: &'a UploadGate,
    holders: [Holder; 2],
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        let mut reading = self.gate.reading.lock().unwrap_or_else(|e| e.into_inner());
        for holder in &self.holders {
            if let Some(count) = reading.get_mut(holder) {
                *count -= 1;
                if *count == 0 {
                    reading.remove(holder);
                }
            }
        }
    }
}

/// Reads a form with files as the module says; every other request goes on untouched. Runs
/// after the session is known and inside [`crate::middleware::limit_body`], which cuts off a
/// body past its limit.
pub async fn hold_uploads(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || !is_upload(request.uri().path()) {
        return next.run(request).await;
    }
    let auth = request.extensions().get::<RequestAuth>();
    let account = auth
        .and_then(|auth| auth.viewer.as_ref())
        .map(|viewer| viewer.id);
    let address = auth.map(|auth| auth.ip.clone()).unwrap_or_default();
    let gate = state.uploads.clone();
    let seat = account.and_then(|id| gate.enter(id, &app::auth::throttle::address_of(&address)));
    let (parts, body) = request.into_parts();
    let page = wants_page(&parts.headers);
    let locale = language_of(&parts.headers);
    let Some(_seat) = seat else {
        // Nobody to read it for (or an account already sending two, or its address its share):
        // what arrives is dropped as it comes, and the answer given once it has all come.
        if drain(body).await.is_err() {
            return too_large(locale, page);
        }
        if account.is_some() {
            return busy(locale, page, 5);
        }
        return next.run(Request::from_parts(parts, Body::empty())).await;
    };
    let Ok(_turn) = gate.at_once.acquire().await else {
        return busy(locale, page, 5);
    };
    use http_body_util::BodyExt;
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return too_large(locale, page),
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Reads a body to its end, keeping nothing; an error where the body failed (past its limit,
/// or the connection lost).
async fn drain(mut body: Body) -> Result<(), axum::Error> {
    use http_body_util::BodyExt;
    while let Some(frame) = body.frame().await {
        frame?;
    }
    debug_assert!(body.is_end_stream());
    Ok(())
}
