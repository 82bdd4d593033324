//! A short-lived cache of the pages that anonymous visitors see, per instance.
//!
//! On a vote night a TV spot sends thousands of people to the same few pages within a minute,
//! nearly all of them not signed in. Each of them gets the same HTML, so an instance renders a
//! page once and serves that rendering for a moment ([`Config::page_cache_ms`], one second by
//! default) to every anonymous visitor who asks for the same address in the same language. Anyone
//! signed in always gets a fresh rendering, so a decision a person has just made shows on their
//! own next page at once; everybody else sees it a moment later.
//!
//! What is kept: successful HTML answers to GET requests without a `Set-Cookie`. Each answer from
//! the cache gets a new CSP nonce (in the header and in the page's scripts), so no two visitors
//! share one. When a kept page is too old, one request renders it anew while the others still get
//! the kept copy, for at most [`STALE_GRACE`] more; a crowd never renders the same page at once.
//!
//! [`Config::page_cache_ms`]: crate::Config

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use app::ctx::RequestAuth;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

/// How long past its time a kept page is still served while one request renders it anew.
pub const STALE_GRACE: Duration = Duration::from_secs(5);
/// Distinct addresses kept at most (addresses with made-up query strings cannot fill memory).
const MAX_PAGES: usize = 512;
/// The largest page kept.
const MAX_BYTES: usize = 512 * 1024;
/// All kept pages together at most (an instance's memory is not for made-up addresses).
const MAX_TOTAL_BYTES: usize = 32 * 1024 * 1024;

struct Kept {
    headers: HeaderMap,
    body: Bytes,
    nonce: Option<String>,
    stored: Instant,
    renewing: AtomicBool,
}

/// The kept pages of one instance.
pub struct PageCache {
    fresh_for: Duration,
    /// The content types it keeps (the start of the `Content-Type` header).
    types: &'static [&'static str],
    pages: Mutex<HashMap<String, Arc<Kept>>>,
    /// One lock per page being rendered for the cache, while anyone holds it.
    gates: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
}

enum Lookup {
    Serve(Arc<Kept>),
    Render,
}

impl PageCache {
    /// A cache that keeps HTML pages for `fresh_for`; zero keeps nothing.
    pub fn new(fresh_for: Duration) -> PageCache {
        PageCache::of_types(fresh_for, &["text/html"])
    }

    /// A cache that keeps answers of the given content types for `fresh_for`.
    pub fn of_types(fresh_for: Duration, types: &'static [&'static str]) -> PageCache {
        PageCache {
            fresh_for,
            types,
            pages: Mutex::new(HashMap::new()),
            gates: Mutex::new(HashMap::new()),
        }
    }

    fn lookup(&self, key: &str, now: Instant) -> Lookup {
        let pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        let Some(kept) = pages.get(key) else {
            return Lookup::Render;
        };
        let age = now.saturating_duration_since(kept.stored);
        if age < self.fresh_for {
            return Lookup::Serve(kept.clone());
        }
        // Too old: the first to ask renders it anew; the others get the kept copy meanwhile.
        if age < self.fresh_for + STALE_GRACE && kept.renewing.swap(true, Ordering::AcqRel) {
            return Lookup::Serve(kept.clone());
        }
        Lookup::Render
    }

    fn store(&self, key: String, kept: Kept) {
        let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        let limit = self.fresh_for + STALE_GRACE;
        pages.retain(|k, p| k == &key || p.stored.elapsed() < limit);
        let others: usize = pages
            .iter()
            .filter(|(k, _)| **k != key)
            .map(|(_, p)| p.body.len())
            .sum();
        let count = pages.len() + usize::from(!pages.contains_key(&key));
        if count > MAX_PAGES || others + kept.body.len() > MAX_TOTAL_BYTES {
            return;
        }
        pages.insert(key, Arc::new(kept));
    }

    /// Lets the next request render a page whose renewal did not end in a page to keep.
    fn renewal_failed(&self, key: &str) {
        let pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(kept) = pages.get(key) {
            kept.renewing.store(false, Ordering::Release);
        }
    }
}

/// The cache's key for a request it may answer: an anonymous GET of a page, by language and
/// address. `None` for anything else.
fn key_of(request: &Request) -> Option<String> {
    if request.method() != Method::GET {
        return None;
    }
    let path = request.uri().path();
    if !crate::middleware::is_page_address(path) {
        return None;
    }
    let auth = request.extensions().get::<RequestAuth>()?;
    if auth.viewer.is_some() {
        return None;
    }
    let address = request
        .uri()
        .path_and_query()
        .map_or(path, |pq| pq.as_str());
    Some(format!("{}|{address}", auth.locale.code()))
}

/// The nonce a page's CSP names (`'nonce-…'`).
fn nonce_of(headers: &HeaderMap) -> Option<String> {
    let policy = headers
        .get(header::CONTENT_SECURITY_POLICY)?
        .to_str()
        .ok()?;
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let len = policy[start..].find('\'')?;
    Some(policy[start..start + len].to_owned()).filter(|n| !n.is_empty())
}

fn keepable(response: &Response, types: &[&str]) -> bool {
    response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| types.iter().any(|t| v.starts_with(t)))
}

/// A kept page as one visitor gets it: with a nonce of its own.
fn answer(kept: &Kept) -> Response {
    let mut headers = kept.headers.clone();
    let body = match &kept.nonce {
        Some(old) => {
            let new = app::token::random_token(16);
            if let Some(policy) = headers
                .get(header::CONTENT_SECURITY_POLICY)
                .and_then(|v| v.to_str().ok())
                .and_then(|p| HeaderValue::from_str(&p.replace(old.as_str(), &new)).ok())
            {
                headers.insert(header::CONTENT_SECURITY_POLICY, policy);
            }
            match std::str::from_utf8(&kept.body) {
                Ok(html) => Bytes::from(html.replace(old.as_str(), &new)),
                Err(_) => kept.body.clone(),
            }
        }
        None => kept.body.clone(),
    };
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = headers;
    response.extensions_mut().insert(CacheUse::Hit);
    response
}

/// Whether an anonymous page view was answered from the cache (as the metrics count it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheUse {
    Hit,
    Miss,
}

/// Answers anonymous page views from the cache, and keeps what it renders for them.
pub async fn serve(State(cache): State<Arc<PageCache>>, request: Request, next: Next) -> Response {
    if !cache.is_on() {
        return next.run(request).await;
    }
    let Some(key) = key_of(&request) else {
        return next.run(request).await;
    };
    let mut response = cache.kept_or_render(key, || next.run(request)).await;
    if response.extensions().get::<CacheUse>().is_none() {
        response.extensions_mut().insert(CacheUse::Miss);
    }
    response
}

impl PageCache {
    /// Whether it keeps anything.
    pub fn is_on(&self) -> bool {
        !self.fresh_for.is_zero()
    }

    /// The kept page for `key`, or else `render`'s answer, kept if it may be. When a page is not
    /// kept yet (or no longer), one request renders it and those arriving meanwhile wait for that
    /// rendering instead of each rendering the same page.
    pub async fn kept_or_render<F, R>(&self, key: String, render: F) -> Response
    where
        F: FnOnce() -> R,
        R: std::future::Future<Output = Response>,
    {
        if let Lookup::Serve(kept) = self.lookup(&key, Instant::now()) {
            return answer(&kept);
        }
        let gate = self.gate(&key);
        if let Ok(_turn) = gate.try_lock() {
            // First in line: render for everyone who asks meanwhile.
            return self.render_and_keep(&key, render().await).await;
        }
        // Someone renders this page now: wait for it and take what it kept; if it kept nothing
        // (an error page, a page too large), render alone rather than one after another.
        drop(gate.lock().await);
        match self.fresh(&key) {
            Some(kept) => answer(&kept),
            None => self.render_and_keep(&key, render().await).await,
        }
    }

    /// The lock that one rendering of `key` holds. The map keeps only weak handles, so a lock
    /// goes when its last holder does (also one whose visitor went away mid-rendering).
    fn gate(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut gates = self.gates.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(gate) = gates.get(key).and_then(Weak::upgrade) {
            return gate;
        }
        if gates.len() >= MAX_PAGES {
            gates.retain(|_, g| g.strong_count() > 0);
        }
        let gate = Arc::new(tokio::sync::Mutex::new(()));
        gates.insert(key.to_owned(), Arc::downgrade(&gate));
        gate
    }

    fn fresh(&self, key: &str) -> Option<Arc<Kept>> {
        let pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        pages
            .get(key)
            .filter(|k| k.stored.elapsed() < self.fresh_for)
            .cloned()
    }

    async fn render_and_keep(&self, key: &str, response: Response) -> Response {
        if !keepable(&response, self.types) {
            self.renewal_failed(key);
            return response;
        }
        let (parts, body) = response.into_parts();
        let mut stream = body.into_data_stream();
        let mut read = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(chunk) => read.extend_from_slice(&chunk),
                Err(err) => {
                    // The rendering failed midway: the visitor gets what a stream would have given.
                    self.renewal_failed(key);
                    let failed = futures_util::stream::once(async move { Err(err) });
                    return read_so_far_then(parts, read, failed);
                }
            }
            if read.len() > MAX_BYTES {
                // Too large to keep: the visitor gets the rest as it comes.
                self.renewal_failed(key);
                return read_so_far_then(parts, read, stream);
            }
        }
        let body = Bytes::from(read);
        let kept = Kept {
            nonce: nonce_of(&parts.headers),
            headers: parts.headers.clone(),
            body: body.clone(),
            stored: Instant::now(),
            renewing: AtomicBool::new(false),
        };
        self.store(key.to_owned(), kept);
        Response::from_parts(parts, Body::from(body))
    }
}

/// An answer whose body is what was read of it so far, then `rest`.
fn read_so_far_then(
    parts: http::response::Parts,
    read: Vec<u8>,
    rest: impl futures_util::Stream<Item = Result<Bytes, axum::Error>> + Send + 'static,
) -> Response {
    let head = futures_util::stream::once(async move { Ok(Bytes::from(read)) });
    Response::from_parts(parts, Body::from_stream(head.chain(rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(body: &str, nonce: Option<&str>, stored: Instant) -> Kept {
        let mut headers = HeaderMap::new();
        if let Some(n) = nonce {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_str(&format!("script-src 'self' 'nonce-{n}'")).unwrap(),
            );
        }
        Kept {
            headers,
            body: Bytes::from(body.to_owned()),
            nonce: nonce.map(str::to_owned),
            stored,
            renewing: AtomicBool::new(false),
        }
    }

    #[test]
    fn a_page_is_served_while_fresh_then_renewed_by_one_request_while_others_get_the_copy() {
        let cache = PageCache::new(Duration::from_secs(1));
        let t0 = Instant::now();
        assert!(matches!(cache.lookup("vi|/", t0), Lookup::Render));
        cache.store("vi|/".into(), kept("<p>a</p>", None, t0));
        assert!(matches!(
            cache.lookup("vi|/", t0 + Duration::from_millis(500)),
            Lookup::Serve(_)
        ));
        assert!(
            matches!(cache.lookup("en|/", t0), Lookup::Render),
            "each language apart"
        );
        let late = t0 + Duration::from_millis(1500);
        assert!(
            matches!(cache.lookup("vi|/", late), Lookup::Render),
            "the first renews"
        );
        assert!(
            matches!(cache.lookup("vi|/", late), Lookup::Serve(_)),
            "the rest wait"
        );
        cache.renewal_failed("vi|/");
        assert!(
            matches!(cache.lookup("vi|/", late), Lookup::Render),
            "a failed renewal frees it"
        );
        let gone = t0 + Duration::from_secs(1) + STALE_GRACE + Duration::from_millis(1);
        assert!(matches!(cache.lookup("vi|/", gone), Lookup::Render));
        assert!(
            matches!(cache.lookup("vi|/", gone), Lookup::Render),
            "too old to serve at all"
        );
    }

    #[test]
    fn every_answer_from_the_cache_has_a_nonce_of_its_own() {
        let k = kept(
            r#"<script nonce="abc123">x</script>"#,
            Some("abc123"),
            Instant::now(),
        );
        let (one, two) = (answer(&k), answer(&k));
        let n1 = nonce_of(one.headers()).unwrap();
        let n2 = nonce_of(two.headers()).unwrap();
        assert_ne!(n1, "abc123");
        assert_ne!(n1, n2);
        assert_eq!(
            one.headers()[header::CONTENT_LENGTH],
            format!(r#"<script nonce="{n1}">x</script>"#)
                .len()
                .to_string()
        );
    }

    fn html(text: &'static str) -> Response {
        let mut response = Response::new(Body::from(text));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        response
    }

    #[tokio::test]
    async fn a_crowd_asking_for_a_page_not_kept_yet_waits_for_one_rendering() {
        let cache = Arc::new(PageCache::new(Duration::from_secs(60)));
        let renders = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let crowd: Vec<_> = (0..16)
            .map(|_| {
                let (cache, renders) = (cache.clone(), renders.clone());
                tokio::spawn(async move {
                    let response = cache
                        .kept_or_render("vi|/".into(), || async move {
                            renders.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            html("<p>trang</p>")
                        })
                        .await;
                    axum::body::to_bytes(response.into_body(), 1024)
                        .await
                        .unwrap()
                })
            })
            .collect();
        for visitor in crowd {
            assert_eq!(&visitor.await.unwrap()[..], b"<p>trang</p>");
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1);
        let gates = cache.gates.lock().unwrap();
        assert!(
            gates.values().all(|g| g.strong_count() == 0),
            "no lock left behind"
        );
    }

    #[test]
    fn only_pages_are_kept() {
        use crate::middleware::is_page_address;
        for page in [
            "/",
            "/challenges",
            "/challenges/mot-cua/entries",
            "/pilots/3",
            "/dashboard",
        ] {
            assert!(is_page_address(page), "{page}");
        }
        for other in [
            "/api/v1/challenges",
            "/files/3/anh.png",
            "/pkg/vidan.wasm",
            "/favicon.svg",
            "/feed.atom",
            "/challenges/mot-cua/ballots.csv",
            "/challenges/mot-cua/votes/live",
            "/health",
        ] {
            assert!(!is_page_address(other), "{other}");
        }
    }

    #[test]
    fn a_full_cache_keeps_no_more_addresses_nor_bytes() {
        let cache = PageCache::new(Duration::from_secs(60));
        for i in 0..MAX_PAGES + 10 {
            cache.store(format!("vi|/?q={i}"), kept("x", None, Instant::now()));
        }
        assert_eq!(cache.pages.lock().unwrap().len(), MAX_PAGES);
        // Pages too old to serve make room.
        let cache = PageCache::new(Duration::from_millis(1));
        let long_ago = Instant::now() - STALE_GRACE - Duration::from_secs(1);
        for i in 0..MAX_PAGES {
            cache.store(format!("vi|/?q={i}"), kept("x", None, long_ago));
        }
        cache.store("vi|/".into(), kept("x", None, Instant::now()));
        assert_eq!(cache.pages.lock().unwrap().len(), 1);
        // And the bytes of every page together stay under their limit.
        let cache = PageCache::new(Duration::from_secs(60));
        let big: &'static str = "x".repeat(MAX_BYTES).leak();
        for i in 0..MAX_TOTAL_BYTES / MAX_BYTES + 5 {
            cache.store(format!("vi|/?q={i}"), kept(big, None, Instant::now()));
        }
        let kept_bytes: usize = cache
            .pages
            .lock()
            .unwrap()
            .values()
            .map(|p| p.body.len())
            .sum();
        assert!(kept_bytes <= MAX_TOTAL_BYTES);
        assert_eq!(kept_bytes, MAX_TOTAL_BYTES / MAX_BYTES * MAX_BYTES);
    }

    #[tokio::test]
    async fn a_page_that_cannot_be_kept_is_rendered_side_by_side() {
        let cache = Arc::new(PageCache::new(Duration::from_secs(60)));
        let (rendering, most) = (
            Arc::new(std::sync::atomic::AtomicUsize::new(0)),
            Arc::new(std::sync::atomic::AtomicUsize::new(0)),
        );
        let crowd: Vec<_> = (0..8)
            .map(|_| {
                let (cache, rendering, most) = (cache.clone(), rendering.clone(), most.clone());
                tokio::spawn(async move {
                    cache
                        .kept_or_render("vi|/loi".into(), || async move {
                            let now = rendering.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            rendering.fetch_sub(1, Ordering::SeqCst);
                            let mut page = html("<p>lỗi</p>");
                            *page.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                            page
                        })
                        .await
                        .status()
                })
            })
            .collect();
        for visitor in crowd {
            assert_eq!(visitor.await.unwrap(), StatusCode::INTERNAL_SERVER_ERROR);
        }
        assert!(
            most.load(Ordering::SeqCst) > 1,
            "the waiters did not queue one by one"
        );
    }
}
