//! A short-lived cache of the pages people see, per instance.
//!
//! On a vote night a TV spot sends thousands of people to the same few pages within a minute.
//! Anonymous visitors all get the same HTML, so an instance renders a page once and serves that
//! rendering for a moment ([`Config::page_cache_ms`], one second by default) to every anonymous
//! visitor who asks for the same address in the same language.
//!
//! Signed-in people share a rendering too, with those of their class
//! ([`app::query::page_class`]): alike in everything the page shows of them but their name,
//! email address and phone number. Such a page is rendered for the class's stand-in
//! ([`app::auth::Viewer::stand_in`]), whose words are marks that each answer replaces with its
//! own person's. What a person does changes their class (a vote, a follow, a notification read),
//! so their own decision shows on their next page at once; what others do shows a moment later.
//! Staff, and anyone on a page whose reads by person are not known, get a rendering of their own.
//!
//! What is kept: successful HTML answers to GET requests without a `Set-Cookie`, cut once into
//! pieces at what differs per answer ([`Template`]). Each answer from the cache gets a new CSP
//! nonce (in the header and in the page's scripts), so no two visitors share one. When a kept
//! page is too old, one request renders it anew while the others still get the kept copy, for at
//! most [`STALE_GRACE`] more; a crowd never renders the same page at once.
//!
//! [`Config::page_cache_ms`]: crate::Config

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use app::auth::Viewer;
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
    /// The nonce the kept page was rendered with (in its CSP header).
    nonce: Option<String>,
    body: Template,
    stored: Instant,
    renewing: AtomicBool,
}

/// What is filled into a kept page for each visitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hole {
    /// This answer's own CSP nonce.
    Nonce,
    /// The signed-in person's name, email address and phone number, on a page kept for everyone
    /// of their class ([`app::auth::Viewer::stand_in`]).
    Name,
    Email,
    Phone,
}

enum Piece {
    Text(Bytes),
    Hole(Hole),
}

/// A kept page cut once, where it was kept, at the places that differ per visitor.
struct Template {
    pieces: Vec<Piece>,
    /// The bytes of its text pieces.
    text_len: usize,
}

impl Template {
    /// `body` cut at every occurrence of the given marks. Marks are letters and digits only, so
    /// HTML and JSON write them as they are; they never overlap.
    fn cut(body: Bytes, marks: &[(&str, Hole)]) -> Template {
        let mut found: Vec<(usize, usize, Hole)> = Vec::new();
        if let Ok(text) = std::str::from_utf8(&body) {
            for (mark, hole) in marks.iter().filter(|(m, _)| !m.is_empty()) {
                found.extend(
                    text.match_indices(mark)
                        .map(|(at, _)| (at, mark.len(), *hole)),
                );
            }
        }
        found.sort_unstable_by_key(|(at, _, _)| *at);
        let mut pieces = Vec::with_capacity(found.len() * 2 + 1);
        let mut from = 0;
        for (at, len, hole) in found {
            if at < from {
                continue;
            }
            pieces.push(Piece::Text(body.slice(from..at)));
            pieces.push(Piece::Hole(hole));
            from = at + len;
        }
        pieces.push(Piece::Text(body.slice(from..)));
        let text_len = pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.len(),
                Piece::Hole(_) => 0,
            })
            .sum();
        Template { pieces, text_len }
    }

    /// Whether the page has a place for `hole`.
    #[cfg(test)]
    fn has(&self, hole: Hole) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::Hole(h) if *h == hole))
    }

    /// The page with its holes filled.
    fn fill(&self, fills: &Fills) -> Bytes {
        if let [Piece::Text(whole)] = self.pieces.as_slice() {
            return whole.clone();
        }
        let mut out = Vec::with_capacity(self.text_len + 256);
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.extend_from_slice(t),
                Piece::Hole(h) => out.extend_from_slice(fills.of(*h).as_bytes()),
            }
        }
        Bytes::from(out)
    }

    fn len(&self) -> usize {
        self.text_len
    }
}

/// What goes into one answer's holes.
struct Fills<'a> {
    nonce: &'a str,
    /// The signed-in person the answer is for, on a page kept for their class.
    person: Option<&'a app::auth::Viewer>,
}

impl Fills<'_> {
    fn of(&self, hole: Hole) -> &str {
        let person = self.person;
        match hole {
            Hole::Nonce => self.nonce,
            Hole::Name => person.map_or("", |v| v.display_name.as_str()),
            Hole::Email => person.and_then(|v| v.email.as_deref()).unwrap_or_default(),
            Hole::Phone => person.and_then(|v| v.phone.as_deref()).unwrap_or_default(),
        }
    }
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

/// The address of a GET of a page, as the cache keys it (path and query); `None` for anything
/// else.
fn page_view(request: &Request) -> Option<String> {
    if request.method() != Method::GET {
        return None;
    }
    let path = request.uri().path();
    if !crate::middleware::is_page_address(path) {
        return None;
    }
    // The page a form came back to says what the form did: for this person, this once.
    if app::ctx::cookie_value(request.headers(), app::ctx::DONE_COOKIE).is_some() {
        return None;
    }
    Some(
        request
            .uri()
            .path_and_query()
            .map_or(path, |pq| pq.as_str())
            .to_owned(),
    )
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
        && response.extensions().get::<Alone>().is_none()
        && !response.headers().contains_key(header::SET_COOKIE)
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| types.iter().any(|t| v.starts_with(t)))
}

/// A kept page as one visitor gets it: with a nonce of its own, and on a page kept for a class
/// of signed-in people, their own name, email address and phone number.
fn answer(kept: &Kept, person: Option<&Viewer>) -> Response {
    let mut headers = kept.headers.clone();
    let nonce = match &kept.nonce {
        Some(old) => {
            let new = app::token::random_token(16);
            if let Some(policy) = headers
                .get(header::CONTENT_SECURITY_POLICY)
                .and_then(|v| v.to_str().ok())
                .and_then(|p| HeaderValue::from_str(&p.replace(old.as_str(), &new)).ok())
            {
                headers.insert(header::CONTENT_SECURITY_POLICY, policy);
            }
            new
        }
        None => String::new(),
    };
    let body = kept.body.fill(&Fills {
        nonce: &nonce,
        person,
    });
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = headers;
    response.extensions_mut().insert(CacheUse::Hit);
    response
}

/// The marks a page rendered for `stand_in` (or for nobody) carries in place of what each
/// answer fills in.
fn marks(nonce: Option<&str>, for_class: bool) -> Vec<(&str, Hole)> {
    let mut marks: Vec<(&str, Hole)> = nonce.map(|n| (n, Hole::Nonce)).into_iter().collect();
    if for_class {
        let own = app::auth::model::stand_in_marks();
        marks.extend([
            (own.name.as_str(), Hole::Name),
            (own.email.as_str(), Hole::Email),
            (own.phone.as_str(), Hole::Phone),
        ]);
    }
    marks
}

/// Marks a page rendered for a class's stand-in whose person changed their class meanwhile (a
/// vote or a follow in another tab while it rendered): it may show what the class does not
/// hold, so it goes to them alone and is not kept.
#[derive(Clone, Copy, Debug)]
struct Alone;

/// Whether an anonymous page view was answered from the cache (as the metrics count it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheUse {
    Hit,
    Miss,
}

/// The page cache and what it needs to tell a signed-in person's class.
#[derive(Clone)]
pub struct Pages {
    pub cache: Arc<PageCache>,
    pub db: sea_orm::DatabaseConnection,
}

/// Answers page views from the cache, and keeps what it renders for them: anonymous ones by
/// address and language, a signed-in person's by their class too ([`app::query::page_class`]),
/// rendered for their class's stand-in and filled in with their own words.
pub async fn serve(State(pages): State<Pages>, mut request: Request, next: Next) -> Response {
    let cache = pages.cache;
    if !cache.is_on() {
        return next.run(request).await;
    }
    let (Some(address), Some(auth)) = (
        page_view(&request),
        request.extensions().get::<RequestAuth>(),
    ) else {
        return next.run(request).await;
    };
    // Only the person is taken from the request's auth (none for an anonymous view).
    let (locale, viewer) = (auth.locale.code(), auth.viewer.clone());
    // For a class's page: the class and the path, to check the class again once rendered.
    let mut recheck = None;
    let (key, person) = match viewer {
        None => {
            if let Some(auth) = request.extensions_mut().get_mut::<RequestAuth>() {
                auth.shared = true;
            }
            (format!("{locale}|{address}"), None)
        }
        Some(viewer) => {
            let path = request.uri().path().to_owned();
            match app::query::page_class::class_of(&pages.db, &viewer, &path).await {
                Ok(Some(class)) => {
                    if let Some(auth) = request.extensions_mut().get_mut::<RequestAuth>() {
                        auth.viewer = Some(viewer.stand_in());
                        auth.shared = true;
                    }
                    let key = format!("{locale}|{class}|{address}");
                    recheck = Some((class, path));
                    (key, Some(viewer))
                }
                Ok(None) => return next.run(request).await,
                Err(err) => {
                    tracing::warn!(?err, "could not tell a page's class; rendered alone");
                    return next.run(request).await;
                }
            }
        }
    };
    let db = pages.db.clone();
    let rendered_for = person.clone();
    let render = || async move {
        let mut response = next.run(request).await;
        if let (Some((class, path)), Some(person)) = (recheck, rendered_for) {
            let after = app::query::page_class::class_of(&db, &person, &path).await;
            if !matches!(after, Ok(Some(after)) if after == class) {
                response.extensions_mut().insert(Alone);
            }
        }
        response
    };
    let mut response = cache.kept_or_render(key, person.as_ref(), render).await;
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
    /// rendering instead of each rendering the same page. With a `person`, `render` renders for
    /// their stand-in and every answer, kept or not, is filled in for them.
    pub async fn kept_or_render<F, R>(
        &self,
        key: String,
        person: Option<&Viewer>,
        render: F,
    ) -> Response
    where
        F: FnOnce() -> R,
        R: std::future::Future<Output = Response>,
    {
        if let Lookup::Serve(kept) = self.lookup(&key, Instant::now()) {
            return answer(&kept, person);
        }
        let gate = self.gate(&key);
        if let Ok(_turn) = gate.try_lock() {
            // First in line: render for everyone who asks meanwhile.
            return self.render_and_keep(&key, person, render().await).await;
        }
        // Someone renders this page now: wait for it and take what it kept; if it kept nothing
        // (an error page, a page too large), render alone rather than one after another.
        drop(gate.lock().await);
        match self.fresh(&key) {
            Some(kept) => answer(&kept, person),
            None => self.render_and_keep(&key, person, render().await).await,
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

    async fn render_and_keep(
        &self,
        key: &str,
        person: Option<&Viewer>,
        response: Response,
    ) -> Response {
        let keep = keepable(&response, self.types);
        if !keep && person.is_none() {
            self.renewal_failed(key);
            return response;
        }
        let (mut parts, body) = response.into_parts();
        let nonce = nonce_of(&parts.headers);
        let marks = marks(nonce.as_deref(), person.is_some());
        let fills = Fills {
            nonce: nonce.as_deref().unwrap_or_default(),
            person,
        };
        // A page rendered for a stand-in is read whole: its marks are filled in before it goes.
        let limit = match person {
            Some(_) => usize::MAX,
            None => MAX_BYTES,
        };
        let mut stream = body.into_data_stream();
        let mut read = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(chunk) => read.extend_from_slice(&chunk),
                Err(err) => {
                    // The rendering failed midway: the visitor gets what a stream would have given.
                    self.renewal_failed(key);
                    let read = Template::cut(Bytes::from(read), &marks).fill(&fills);
                    parts.headers.remove(header::CONTENT_LENGTH);
                    let failed = futures_util::stream::once(async move { Err(err) });
                    return read_so_far_then(parts, read, failed);
                }
            }
            if read.len() > limit {
                // Too large to keep: the visitor gets the rest as it comes.
                self.renewal_failed(key);
                return read_so_far_then(parts, Bytes::from(read), stream);
            }
        }
        let body = Template::cut(Bytes::from(read), &marks);
        let sent = body.fill(&fills);
        if keep && body.len() <= MAX_BYTES {
            self.store(
                key.to_owned(),
                Kept {
                    nonce,
                    headers: parts.headers.clone(),
                    body,
                    stored: Instant::now(),
                    renewing: AtomicBool::new(false),
                },
            );
        } else {
            self.renewal_failed(key);
        }
        if person.is_some() {
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(sent.len()));
        }
        Response::from_parts(parts, Body::from(sent))
    }
}

/// An answer whose body is what was read of it so far, then `rest`.
fn read_so_far_then(
    parts: http::response::Parts,
    read: Bytes,
    rest: impl futures_util::Stream<Item = Result<Bytes, axum::Error>> + Send + 'static,
) -> Response {
    let head = futures_util::stream::once(async move { Ok(read) });
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
            body: Template::cut(
                Bytes::from(body.to_owned()),
                &nonce
                    .map(|n| (n, Hole::Nonce))
                    .into_iter()
                    .collect::<Vec<_>>(),
            ),
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
        let (one, two) = (answer(&k, None), answer(&k, None));
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

    #[tokio::test]
    async fn a_page_kept_for_a_class_is_filled_in_with_each_persons_own_words() {
        let own = app::auth::model::stand_in_marks();
        let body = format!(
            r#"<script nonce="n0nce">x={{"display_name":"{name}","email":"{email}"}}</script><a>{name}</a>"#,
            name = own.name,
            email = own.email,
        );
        let kept = Kept {
            headers: HeaderMap::new(),
            body: Template::cut(Bytes::from(body), &marks(Some("n0nce"), true)),
            nonce: Some("n0nce".into()),
            stored: Instant::now(),
            renewing: AtomicBool::new(false),
        };
        assert!(kept.body.has(Hole::Name) && kept.body.has(Hole::Email));
        assert!(!kept.body.has(Hole::Phone));
        let person = |name: &str, email: Option<&str>| app::auth::Viewer {
            id: 7,
            display_name: name.into(),
            email: email.map(str::to_owned),
            phone: None,
            is_admin: false,
            verified: true,
            phone_verified: false,
            staff: Vec::new(),
            unread_notifications: 0,
            is_judge: false,
            locale: app::i18n::Locale::Vi,
            two_factor: false,
            office_waiting: false,
        };
        let body = |response: Response| axum::body::to_bytes(response.into_body(), 1 << 20);
        let lan = person("Lê Lan", Some("lan@example.vn"));
        let sent = body(answer(&kept, Some(&lan))).await.unwrap();
        let sent = std::str::from_utf8(&sent).unwrap();
        assert!(sent.contains(r#""display_name":"Lê Lan","email":"lan@example.vn""#));
        assert!(sent.ends_with("<a>Lê Lan</a>"));
        assert!(!sent.contains("n0nce") && !sent.contains(&own.name));
        // The page for the next person of the class has nothing of the first's.
        let hung = person("Phạm Hùng", Some("h@example.vn"));
        let sent = body(answer(&kept, Some(&hung))).await.unwrap();
        let sent = std::str::from_utf8(&sent).unwrap();
        assert!(sent.contains("Phạm Hùng") && !sent.contains("Lan"));
    }

    #[test]
    fn a_template_cut_at_no_mark_is_the_page_itself() {
        let page = Bytes::from_static(b"<p>trang</p>");
        let template = Template::cut(page.clone(), &[("", Hole::Name), ("zz", Hole::Nonce)]);
        assert_eq!(template.pieces.len(), 1);
        assert_eq!(
            template.fill(&Fills {
                nonce: "x",
                person: None
            }),
            page
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
                        .kept_or_render("vi|/".into(), None, || async move {
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
                        .kept_or_render("vi|/loi".into(), None, || async move {
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
