//! The preview HTTP server: serves the in-memory site read-only (GET and HEAD
//! only, no request bodies, no directory listings, nothing outside the
//! site, only to `Host`s that name this machine), and pushes live-reload
//! events to open pages over server-sent events.
//!
//! HTTP itself is hyper's: request framing, conflicting lengths and the
//! head deadline. What is ours is the policy: which requests are answered,
//! and bounds on connections and streams so that no number of idle, slow
//! or streaming clients can exhaust the server or stall a rebuild. Events
//! go out through a broadcast channel: the rebuild loop never waits for a
//! tab, and a stalled tab holds up no other.

use std::collections::HashSet;
use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH, TRANSFER_ENCODING};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{broadcast, oneshot};

use super::project::Files;

pub const RELOAD_SCRIPT_PATH: &str = "/__briefing/livereload.js";
pub const EVENTS_PATH: &str = "/__briefing/events";
/// How far the preview has caught up: `{"edits": n, "checked": m}`, where
/// `checked` is the last batch of edits checked against a full load. The
/// preview has converged when they are equal.
pub const STATUS_PATH: &str = "/__briefing/status";

/// Connections served at once; more are answered 503 until one closes.
pub const MAX_CONNECTIONS: usize = 256;
/// Live-reload streams held open at once (one per open tab).
pub const MAX_STREAMS: usize = 64;
/// The most a request's head may take to arrive, counted from the moment
/// the server starts waiting for it: slow senders and idle keep-alive
/// connections are closed after it.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(5);
/// The most a request's head may weigh (hyper answers 431 past it).
const MAX_HEAD: usize = 16 * 1024;
/// How often an open stream gets a comment, so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long a request waits for the rebuild loop to render its stale page.
const RENDER_WAIT: Duration = Duration::from_secs(60);

/// Asks the rebuild loop to render the stale page at an output path; the
/// receiver hears once it is published.
pub type Renderer = Box<dyn Fn(&str) -> Option<oneshot::Receiver<()>> + Send + Sync>;

/// The body of every response: a whole file, or a live-reload stream.
type ResponseBody = Either<Full<Bytes>, EventStream>;

/// What the server shares with the rebuild loop.
pub struct Shared {
    /// The site's files, and the output paths of pages that changed but are
    /// not rendered yet: swapped together, so a request sees one build.
    files: RwLock<(Arc<Files>, Arc<HashSet<String>>)>,
    /// Asks the rebuild loop to render one stale page now.
    renderer: OnceLock<Renderer>,
    /// The search index, rebuilt in the background after edits; kept apart
    /// so publishing pages never waits for it.
    search: RwLock<(u64, Arc<Files>)>,
    error: RwLock<Option<String>>,
    /// Every open stream subscribes; sending never blocks, and a stream
    /// that falls behind is told to reload rather than holding anyone up.
    events: broadcast::Sender<Event>,
    streams: AtomicUsize,
    connections: AtomicUsize,
    /// Batches of edits seen, and the last one checked against a full load.
    edits: AtomicU64,
    checked: AtomicU64,
    port: u16,
}

/// A message to open pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Reload,
    Css,
    BuildError(String),
}

impl Event {
    fn to_sse(&self) -> String {
        match self {
            Event::Reload => "event: reload\ndata: reload\n\n".into(),
            Event::Css => "event: css\ndata: css\n\n".into(),
            Event::BuildError(msg) => {
                let mut out = String::from("event: build-error\n");
                for line in msg.lines() {
                    out.push_str("data: ");
                    out.push_str(line);
                    out.push('\n');
                }
                out.push('\n');
                out
            }
        }
    }
}

impl Shared {
    /// `port` is the one the server listens on: requests must name it.
    pub fn new(files: Files, port: u16) -> Shared {
        Shared {
            files: RwLock::new((Arc::new(files), Arc::default())),
            renderer: OnceLock::new(),
            search: RwLock::new((0, Arc::new(Files::new()))),
            error: RwLock::new(None),
            events: broadcast::channel(16).0,
            streams: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
            edits: AtomicU64::new(0),
            checked: AtomicU64::new(0),
            port,
        }
    }

    /// Swap in a new site, with the pages of it not rendered yet; readers
    /// see the old one or the new one, never a mix. With an event, the
    /// build is new: the error shown is cleared and open pages are told.
    pub fn publish(&self, files: Files, stale: HashSet<String>, event: Option<Event>) {
        *self.files.write().expect("files lock") = (Arc::new(files), Arc::new(stale));
        if let Some(event) = event {
            *self.error.write().expect("error lock") = None;
            // No stream open is no error.
            let _ = self.events.send(event);
        }
    }

    /// Set how a request gets a stale page rendered; see [`Shared::publish`].
    pub fn set_renderer(&self, render: Renderer) {
        let _ = self.renderer.set(render);
    }

    /// If the page at request path `path` changed but is not rendered yet,
    /// have it rendered before answering.
    async fn render_if_stale(&self, path: &str) {
        let Some(render) = self.renderer.get() else {
            return;
        };
        let stale = self.files.read().expect("files lock").1.clone();
        if stale.is_empty() {
            return;
        }
        let Some(decoded) = percent_decode(path) else {
            return;
        };
        let rel = decoded.trim_start_matches('/');
        // The same keys `resolve` looks up, the redirect's included.
        let keys = if rel.is_empty() || rel.ends_with('/') {
            vec![format!("{rel}index.html")]
        } else {
            vec![rel.to_string(), format!("{rel}/index.html")]
        };
        for key in keys.iter().filter(|k| stale.contains(*k)) {
            if let Some(done) = render(key) {
                let _ = tokio::time::timeout(RENDER_WAIT, done).await;
            }
        }
    }

    /// Swap in a search index built from build number `generation`, unless a
    /// newer one is already in place.
    pub fn publish_search(&self, generation: u64, files: Files) {
        let mut search = self.search.write().expect("search lock");
        if generation >= search.0 {
            *search = (generation, Arc::new(files));
        }
    }

    /// Keep serving the last good site and tell open pages what went wrong.
    pub fn fail(&self, message: String) {
        *self.error.write().expect("error lock") = Some(message.clone());
        let _ = self.events.send(Event::BuildError(message));
    }

    /// Note that batch of edits number `n` has come.
    pub fn edited(&self, n: u64) {
        self.edits.store(n, Ordering::Release);
    }

    /// Note that batch `n` has been checked against a full load.
    pub fn checked(&self, n: u64) {
        self.checked.store(n, Ordering::Release);
    }

    /// How many live-reload streams are open: for tests and the terminal.
    pub fn open_streams(&self) -> usize {
        self.streams.load(Ordering::Acquire)
    }

    fn files(&self) -> Arc<Files> {
        self.files.read().expect("files lock").0.clone()
    }

    fn search(&self) -> Arc<Files> {
        self.search.read().expect("search lock").1.clone()
    }
}

/// Serve HTTP on `listener` until the process ends, on a runtime of its
/// own: two workers are plenty for one person's browser tabs.
pub fn run(listener: std::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("briefing-http")
        .enable_io()
        .enable_time()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        accept_loop(listener, shared).await;
        Ok(())
    })
}

/// Accept connections for ever. Each is served by a task of its own, up
/// to [`MAX_CONNECTIONS`]; past that it is answered 503 and closed.
async fn accept_loop(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEAD_DEADLINE)
        .max_buf_size(MAX_HEAD);
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            // Out of file descriptors, or a connection reset before it was
            // accepted: wait a moment and carry on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let Some(slot) = Slot::take(&shared, Bound::Connections) else {
            tokio::spawn(busy(stream));
            continue;
        };
        let for_requests = Arc::clone(&shared);
        let service = hyper::service::service_fn(move |request| {
            let shared = Arc::clone(&for_requests);
            async move { Ok::<_, Infallible>(answer(request, shared).await) }
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        tokio::spawn(async move {
            let _slot = slot;
            let _ = connection.await;
        });
    }
}

/// What a [`Slot`] counts against.
#[derive(Clone, Copy)]
enum Bound {
    Connections,
    Streams,
}

impl Bound {
    fn count(self, shared: &Shared) -> &AtomicUsize {
        match self {
            Bound::Connections => &shared.connections,
            Bound::Streams => &shared.streams,
        }
    }

    fn most(self) -> usize {
        match self {
            Bound::Connections => MAX_CONNECTIONS,
            Bound::Streams => MAX_STREAMS,
        }
    }
}

/// A place counted against a bound, given back when dropped: a connection
/// when its task ends, a stream when hyper drops its body (at once when
/// the client goes, since hyper watches for the end of input meanwhile).
struct Slot(Arc<Shared>, Bound);

impl Slot {
    fn take(shared: &Arc<Shared>, bound: Bound) -> Option<Slot> {
        let count = bound.count(shared);
        if count.fetch_add(1, Ordering::AcqRel) >= bound.most() {
            count.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(Slot(Arc::clone(shared), bound))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.1.count(&self.0).fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answer 503 and close. The request is read first (briefly), since
/// closing a socket with unread bytes resets it and the client would see
/// a reset instead of the answer.
async fn busy(mut stream: tokio::net::TcpStream) {
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_millis(50), stream.read(&mut buf)).await;
    let reply = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let _ = tokio::time::timeout(Duration::from_millis(200), stream.write_all(reply)).await;
}

/// Answer one request.
async fn answer(request: Request<Incoming>, shared: Arc<Shared>) -> Response<ResponseBody> {
    let host = request
        .headers()
        .get(hyper::header::HOST)
        .map(|h| h.to_str().unwrap_or("\u{0}"));
    if !host_allowed(host, shared.port) {
        let text = "Forbidden: this preview answers only to localhost and IP addresses\n";
        return closing(plain(StatusCode::FORBIDDEN, text));
    }
    let head_only = request.method() == Method::HEAD;
    if request.method() != Method::GET && !head_only {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "Only GET and HEAD are allowed.\n",
        );
        r.headers_mut()
            .insert(hyper::header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return if has_body(&request) { closing(r) } else { r };
    }
    // The preview takes no bodies. One is refused, unread, and the
    // connection closed, so its bytes are never taken for a request.
    if has_body(&request) {
        return closing(plain(
            StatusCode::BAD_REQUEST,
            "Bad request: this server takes no request bodies\n",
        ));
    }
    let (path, query) = (request.uri().path(), request.uri().query());
    let mut response = if path == EVENTS_PATH {
        match event_stream(&shared) {
            Some(r) => return r,
            None => {
                return closing(plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Too many open tabs\n",
                ))
            }
        }
    } else if path == STATUS_PATH {
        let status = format!(
            "{{\"edits\": {}, \"checked\": {}}}\n",
            shared.edits.load(Ordering::Acquire),
            shared.checked.load(Ordering::Acquire)
        );
        file(
            StatusCode::OK,
            "application/json".into(),
            status.into_bytes(),
        )
    } else if path == RELOAD_SCRIPT_PATH {
        file(
            StatusCode::OK,
            "text/javascript; charset=utf-8".into(),
            RELOAD_JS.into(),
        )
    } else if path.starts_with(&format!("/{}/", crate::search::DIR)) {
        resolve(path, query, &shared.search()).into_response()
    } else {
        shared.render_if_stale(path).await;
        resolve(path, query, &shared.files()).into_response()
    };
    if head_only {
        let len = response.body().size_hint().exact().unwrap_or(0);
        *response.body_mut() = Either::Left(Full::new(Bytes::new()));
        response.headers_mut().insert(CONTENT_LENGTH, len.into());
    }
    response
}

/// Whether a request says it carries a body: a `Transfer-Encoding` (hyper
/// keeps it over a conflicting `Content-Length`) or a length above zero.
fn has_body<B>(request: &Request<B>) -> bool {
    let h = request.headers();
    h.contains_key(TRANSFER_ENCODING)
        || h.get_all(CONTENT_LENGTH)
            .iter()
            .any(|v| v.as_bytes() != b"0")
}

/// Subscribe a new live-reload stream; `None` if too many are open.
fn event_stream(shared: &Arc<Shared>) -> Option<Response<ResponseBody>> {
    let slot = Slot::take(shared, Bound::Streams)?;
    let mut first = String::from("retry: 500\n\n");
    if let Some(err) = shared.error.read().expect("error lock").clone() {
        first.push_str(&Event::BuildError(err).to_sse());
    }
    let events = shared.events.subscribe();
    let stream = EventStream {
        first: Some(Bytes::from(first)),
        next: Box::pin(next_event(events)),
        ping: tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE, KEEP_ALIVE),
        _slot: slot,
    };
    let mut r = Response::new(Either::Right(stream));
    let h = r.headers_mut();
    h.insert(
        hyper::header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(
        hyper::header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    Some(r)
}

type NextEvent = Pin<
    Box<
        dyn Future<
                Output = (
                    Result<Event, broadcast::error::RecvError>,
                    broadcast::Receiver<Event>,
                ),
            > + Send,
    >,
>;

/// The next event on `events`, handing the receiver back for the one after.
async fn next_event(
    mut events: broadcast::Receiver<Event>,
) -> (
    Result<Event, broadcast::error::RecvError>,
    broadcast::Receiver<Event>,
) {
    (events.recv().await, events)
}

/// One tab's live-reload stream: a greeting (with the standing error, if
/// any), then each event, and a comment every so often.
struct EventStream {
    first: Option<Bytes>,
    next: NextEvent,
    ping: tokio::time::Interval,
    _slot: Slot,
}

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = &mut *self;
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        if let Poll::Ready((event, events)) = this.next.as_mut().poll(cx) {
            this.next = Box::pin(next_event(events));
            let text = match event {
                Ok(e) => e.to_sse(),
                // Fell behind: whatever was missed, a reload catches up.
                Err(broadcast::error::RecvError::Lagged(_)) => Event::Reload.to_sse(),
                Err(broadcast::error::RecvError::Closed) => return Poll::Ready(None),
            };
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from(text)))));
        }
        if this.ping.poll_tick(cx).is_ready() {
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(
                b": keep-alive\n\n",
            )))));
        }
        Poll::Pending
    }
}

/// A plain-text response.
fn plain(status: StatusCode, text: &'static str) -> Response<ResponseBody> {
    file(
        status,
        "text/plain; charset=utf-8".into(),
        text.as_bytes().to_vec(),
    )
}

/// A response that ends its connection.
fn closing(mut r: Response<ResponseBody>) -> Response<ResponseBody> {
    r.headers_mut()
        .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
    r
}

/// A whole file as a response, never cached or sniffed.
fn file(status: StatusCode, mime: String, body: Vec<u8>) -> Response<ResponseBody> {
    let mut r = Response::new(Either::Left(Full::new(Bytes::from(body))));
    *r.status_mut() = status;
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&mime) {
        h.insert(hyper::header::CONTENT_TYPE, v);
    }
    h.insert(
        hyper::header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// What a path resolves to.
#[derive(Debug)]
pub struct Resolved {
    pub status: u16,
    pub mime: String,
    pub body: Vec<u8>,
    /// Where a redirect points.
    pub location: Option<String>,
}

impl Resolved {
    fn into_response(self) -> Response<ResponseBody> {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = file(status, self.mime, self.body);
        if let Some(v) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            r.headers_mut().insert(hyper::header::LOCATION, v);
        }
        r
    }
}

/// Map a request path (and its query, kept by a redirect) to a response.
pub fn resolve(raw_path: &str, query: Option<&str>, files: &Files) -> Resolved {
    let text = |status, body: &[u8]| Resolved {
        status,
        mime: "text/plain; charset=utf-8".into(),
        body: body.to_vec(),
        location: None,
    };
    let not_found = || Resolved {
        status: 404,
        mime: "text/html; charset=utf-8".into(),
        body: files
            .get("404.html")
            .map(|b| inject_reload(b))
            .unwrap_or_else(|| b"Not found\n".to_vec()),
        location: None,
    };
    let Some(path) = percent_decode(raw_path) else {
        return text(400, b"Bad request\n");
    };
    if !path.starts_with('/') || path.contains(['\\', '\0']) || path.starts_with("//") {
        return text(403, b"Forbidden\n");
    }
    if path.split('/').any(|seg| seg == ".." || seg == ".") {
        return text(403, b"Forbidden\n");
    }
    let rel = path.trim_start_matches('/');
    // Hidden files (the output marker, editors' leftovers) are never served.
    if rel.split('/').any(|seg| seg.starts_with('.')) {
        return not_found();
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(bytes) = files.get(&key) {
        let mime = mime_type(&key);
        let body = if mime.starts_with("text/html") {
            inject_reload(bytes)
        } else {
            bytes.to_vec()
        };
        return Resolved {
            status: 200,
            mime,
            body,
            location: None,
        };
    }
    if !rel.is_empty() && !rel.ends_with('/') && files.contains_key(&format!("{rel}/index.html")) {
        let query = query.map(|q| format!("?{q}")).unwrap_or_default();
        return Resolved {
            location: Some(format!("{raw_path}/{query}")),
            ..text(301, b"")
        };
    }
    not_found()
}

/// Whether a request's `Host` names this machine: `localhost` or an IP
/// address, with our port. A web page that points a domain of its own at
/// 127.0.0.1 (DNS rebinding) sends that domain, and is refused. Requests
/// without a `Host` (HTTP/1.0 tools) come from no browser and are served.
pub fn host_allowed(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else {
        return true;
    };
    let (name, given_port) = match host.rsplit_once(':') {
        Some((name, p)) if !name.ends_with(':') && p.bytes().all(|b| b.is_ascii_digit()) => {
            (name, p.parse::<u16>().ok())
        }
        _ => (host, None),
    };
    let port_ok = given_port.map_or(port == 80, |p| p == port);
    let name = name.trim_start_matches('[').trim_end_matches(']');
    port_ok && (name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok())
}

/// Decode `%XX` escapes once. Returns `None` for malformed escapes or bytes
/// that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let v = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The content type of an output file, from mime_guess's table; text is
/// UTF-8, as every file the site writes.
pub fn mime_type(path: &str) -> String {
    if path.ends_with("atom.xml") {
        return "application/atom+xml; charset=utf-8".into();
    }
    let guess = mime_guess::from_path(path).first_or_octet_stream();
    let textual = guess.type_() == mime_guess::mime::TEXT
        || matches!(guess.subtype().as_str(), "javascript" | "xml" | "json");
    if textual && guess.get_param("charset").is_none() {
        format!("{guess}; charset=utf-8")
    } else {
        guess.to_string()
    }
}

/// Add the live-reload script to an HTML page, just before `</body>`.
fn inject_reload(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{RELOAD_SCRIPT_PATH}\"></script>");
    let pos = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..pos]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[pos..]);
    out
}

const RELOAD_JS: &str = r#"// briefing serve: live reload and build-error overlay.
(() => {
  let overlay = null;
  const clear = () => { if (overlay) { overlay.remove(); overlay = null; } };
  const events = new EventSource("/__briefing/events");
  events.addEventListener("open", () => { document.documentElement.dataset.briefingLive = "connected"; });
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("css", () => {
    clear();
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("v", Date.now());
      link.href = url.toString();
    }
  });
  // The error covers the page in an opaque panel (the stale page showing
  // through made the text hard to read); Close or Escape hides it until the
  // next build reports.
  events.addEventListener("build-error", (e) => {
    clear();
    overlay = document.createElement("div");
    overlay.id = "briefing-error";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-labelledby", "briefing-error-title");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:#2a0a0a;color:#fff;padding:2rem;overflow:auto;font:14px/1.5 ui-monospace,monospace";
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close (Esc)";
    close.style.cssText = "float:right;font:14px system-ui,sans-serif;padding:.4rem .8rem;background:#fff;color:#2a0a0a;border:0;border-radius:4px;cursor:pointer";
    close.addEventListener("click", clear);
    const title = document.createElement("h2");
    title.id = "briefing-error-title";
    title.textContent = "Build failed: the page shows the last good build";
    title.style.cssText = "font:bold 18px system-ui,sans-serif;margin:0 0 1rem;color:#ffb4b4";
    overlay.append(close, title);
    // One block a finding: errors (which the server lists first) in a
    // framed red panel, warnings after them, quieter.
    const styles = {
      error: "background:#4a1212;border-left:4px solid #ff8a8a;color:#fff;padding:.75rem 1rem",
      warning: "border-left:4px solid #8a7a7a;color:#e6dede;padding:.25rem 1rem",
      summary: "color:#ffb4b4;padding:0",
    };
    for (const text of e.data.split(/\n(?=(?:error|warning|build failed): )/)) {
      const kind = text.startsWith("warning: ") ? "warning" : text.startsWith("build failed: ") ? "summary" : "error";
      const pre = document.createElement("pre");
      pre.textContent = text;
      pre.className = "briefing-" + kind;
      pre.style.cssText = "white-space:pre-wrap;margin:0 0 1rem;" + styles[kind];
      overlay.append(pre);
    }
    document.body.append(overlay);
    close.focus();
  });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") clear(); });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        let mut f = Files::new();
        f.insert(
            "index.html".into(),
            b"<html><body>home</body></html>".to_vec().into(),
        );
        f.insert(
            "countries/kenya/index.html".into(),
            b"<body>kenya</body>".to_vec().into(),
        );
        f.insert("style.css".into(), b"body{}".to_vec().into());
        f.insert("404.html".into(), b"<body>missing</body>".to_vec().into());
        f.insert(".briefing-output".into(), b"marker".to_vec().into());
        f
    }

    #[test]
    fn serves_pages_with_the_reload_script() {
        let r = resolve("/countries/kenya/", None, &files());
        assert_eq!(
            (r.status, r.mime.as_str()),
            (200, "text/html; charset=utf-8")
        );
        assert_eq!(
            String::from_utf8(r.body).unwrap(),
            "<body>kenya<script src=\"/__briefing/livereload.js\"></script></body>"
        );
        assert_eq!(
            resolve("/style.css", None, &files()).mime,
            "text/css; charset=utf-8"
        );
    }

    #[test]
    fn directories_without_a_slash_redirect() {
        let r = resolve("/countries/kenya", None, &files());
        assert_eq!(r.status, 301);
        assert_eq!(r.location.as_deref(), Some("/countries/kenya/"));
        let r = resolve("/countries/kenya", Some("q=ruto&x=1"), &files());
        assert_eq!(r.location.as_deref(), Some("/countries/kenya/?q=ruto&x=1"));
    }

    #[test]
    fn traversal_and_hidden_files_are_refused() {
        for path in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/countries/%2E%2E/%2e%2e/x",
            "/a\\..\\b",
            "//etc/passwd",
            "/%00",
        ] {
            let status = resolve(path, None, &files()).status;
            assert!(
                status == 403 || status == 404 || status == 400,
                "{path} gave {status}"
            );
        }
        assert_eq!(resolve("/.briefing-output", None, &files()).status, 404);
        // No directory listings: a folder without an index is simply missing.
        assert_eq!(resolve("/countries/", None, &files()).status, 404);
        let r = resolve("/nope/", None, &files());
        assert_eq!(r.status, 404);
        assert!(String::from_utf8(r.body).unwrap().contains("missing"));
    }

    #[test]
    fn only_hosts_naming_this_machine_are_served() {
        for ok in [
            "localhost:1111",
            "127.0.0.1:1111",
            "[::1]:1111",
            "192.168.1.5:1111",
            "LOCALHOST:1111",
        ] {
            assert!(host_allowed(Some(ok), 1111), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "localhost:2222",
            "127.0.0.1",
            "localhost.evil.example:1111",
            "127.0.0.1.nip.io:1111",
            "",
        ] {
            assert!(!host_allowed(Some(bad), 1111), "{bad}");
        }
        assert!(host_allowed(Some("localhost"), 80));
        assert!(host_allowed(None, 1111));
    }

    #[test]
    fn content_types_come_from_the_table_with_text_in_utf8() {
        for (path, mime) in [
            ("a/index.html", "text/html; charset=utf-8"),
            ("calendar.ics", "text/calendar; charset=utf-8"),
            ("atom.xml", "application/atom+xml; charset=utf-8"),
            ("sitemap.xml", "text/xml; charset=utf-8"),
            ("search.js", "text/javascript; charset=utf-8"),
            ("api/countries.json", "application/json; charset=utf-8"),
            ("map.svg", "image/svg+xml"),
            ("photo.JPG", "image/jpeg"),
            ("font.woff2", "font/woff2"),
            ("no-extension", "application/octet-stream"),
        ] {
            assert_eq!(mime_type(path), mime, "{path}");
        }
    }

    #[test]
    fn build_errors_are_sent_line_by_line() {
        assert_eq!(
            Event::BuildError("error: a.md:3: bad\n  help: fix".into()).to_sse(),
            "event: build-error\ndata: error: a.md:3: bad\ndata:   help: fix\n\n"
        );
    }
}
