//! The preview HTTP server: serves the in-memory site read-only (GET and HEAD
//! only, no directory listings, nothing outside the site, only to `Host`s
//! that name this machine), and pushes live-reload events to open pages over
//! server-sent events.
//!
//! It is small on purpose: a thread per connection, bounded in number, and
//! one thread for every live-reload stream together. No request, and no
//! shortage of threads, can take the listener down: a connection that
//! cannot be served is answered 503 or closed, and the next is accepted.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use super::project::Files;

pub const RELOAD_SCRIPT_PATH: &str = "/__briefing/livereload.js";
pub const EVENTS_PATH: &str = "/__briefing/events";

/// Connections served at once; more are answered 503 until one closes.
pub const MAX_CONNECTIONS: usize = 256;
/// Live-reload streams held open at once (one per open tab).
pub const MAX_STREAMS: usize = 64;
/// An idle keep-alive connection is closed after this long.
const IDLE: Duration = Duration::from_secs(30);
/// The most a request's head may take.
const MAX_HEAD: usize = 16 * 1024;

/// Renders the stale page at an output path and returns once it is
/// published.
pub type Renderer = Box<dyn Fn(&str) + Send + Sync>;

/// What the server shares with the rebuild loop.
pub struct Shared {
    /// The site's files, and the output paths of pages that changed but are
    /// not rendered yet: swapped together, so a request sees one build.
    files: RwLock<(Arc<Files>, Arc<HashSet<String>>)>,
    /// Asks the rebuild loop to render one stale page now, and returns once
    /// it is published.
    renderer: OnceLock<Renderer>,
    /// The search index, rebuilt in the background after edits; kept apart
    /// so publishing pages never waits for it.
    search: RwLock<(u64, Arc<Files>)>,
    error: RwLock<Option<String>>,
    /// Open live-reload streams, written to by whoever broadcasts.
    streams: Mutex<Vec<TcpStream>>,
    connections: AtomicUsize,
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
            streams: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
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
            self.broadcast(&event.to_sse());
        }
    }

    /// Set how a request gets a stale page rendered; see [`Shared::publish`].
    pub fn set_renderer(&self, render: Renderer) {
        let _ = self.renderer.set(render);
    }

    /// If the page at request path `path` changed but is not rendered yet,
    /// have it rendered before answering.
    fn render_if_stale(&self, path: &str) {
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
            render(key);
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
        self.broadcast(&Event::BuildError(message).to_sse());
    }

    /// Write `chunk` to every open stream, dropping those that are gone.
    /// Streams have a short write timeout, so a stalled browser cannot hold
    /// the others up for long.
    fn broadcast(&self, chunk: &str) {
        self.streams.lock().expect("streams lock").retain_mut(|s| {
            s.write_all(chunk.as_bytes())
                .and_then(|()| s.flush())
                .is_ok()
        });
    }

    /// Take over a connection as a live-reload stream; false if there are
    /// too many already.
    fn add_stream(&self, mut stream: TcpStream) -> bool {
        let mut streams = self.streams.lock().expect("streams lock");
        if streams.len() >= MAX_STREAMS {
            return false;
        }
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
        let mut first = head.to_string();
        if let Some(err) = self.error.read().expect("error lock").clone() {
            first.push_str(&Event::BuildError(err).to_sse());
        }
        let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
        if stream.write_all(first.as_bytes()).is_ok() {
            streams.push(stream);
        }
        true
    }

    fn files(&self) -> Arc<Files> {
        self.files.read().expect("files lock").0.clone()
    }

    fn search(&self) -> Arc<Files> {
        self.search.read().expect("search lock").1.clone()
    }
}

/// Accept connections until the listener fails for good. Each connection
/// gets a thread of its own, up to [`MAX_CONNECTIONS`]; past that, or when
/// the system will not give a thread, it is answered 503 and closed.
pub fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // One thread keeps every live-reload stream alive (and notices closed
    // ones); if it cannot start, streams still work, just without pings.
    let pinger = Arc::clone(&shared);
    let _ = std::thread::Builder::new()
        .name("briefing-sse".into())
        .spawn(move || loop {
            std::thread::sleep(Duration::from_secs(15));
            pinger.broadcast(": keep-alive\n\n");
        });
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            // Out of file descriptors, or a connection reset before it was
            // accepted: wait a moment and carry on.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        if shared.connections.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
            shared.connections.fetch_sub(1, Ordering::AcqRel);
            busy(stream);
            continue;
        }
        let guard = ConnectionSlot(Arc::clone(&shared));
        let spawned = std::thread::Builder::new()
            .name("briefing-http".into())
            .stack_size(256 * 1024)
            .spawn(move || serve_connection(stream, &guard.0));
        // On failure the closure, with its stream and slot, is dropped:
        // the connection closes and the slot is given back.
        drop(spawned);
    }
}

/// Gives its connection slot back when the connection's thread ends.
struct ConnectionSlot(Arc<Shared>);

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answer 503 and close. The request is read first (briefly), since
/// closing a socket with unread bytes resets it and the client would see
/// a reset instead of the answer.
fn busy(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let _ = stream.read(&mut [0u8; 4096]);
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = stream.write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
}

/// One request's head, as far as the server cares.
struct Request {
    method: String,
    target: String,
    host: Option<String>,
    keep_alive: bool,
    body_len: usize,
}

/// Read requests from one connection and answer them until it closes, goes
/// idle, or becomes a live-reload stream.
fn serve_connection(mut stream: TcpStream, shared: &Arc<Shared>) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_write_timeout(Some(IDLE));
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    loop {
        let request = match read_request(&mut stream, &mut buf) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(status) => {
                let _ = write_response(
                    &mut stream,
                    status,
                    "text/plain; charset=utf-8",
                    b"Bad request\n",
                    &[],
                    false,
                    false,
                );
                return;
            }
        };
        if !host_allowed(request.host.as_deref(), shared.port) {
            let _ = write_response(
                &mut stream,
                403,
                "text/plain; charset=utf-8",
                b"Forbidden: this preview answers only to localhost and IP addresses\n",
                &[],
                false,
                false,
            );
            return;
        }
        let path = request
            .target
            .split(['?', '#'])
            .next()
            .unwrap_or("/")
            .to_string();
        let head_only = request.method == "HEAD";
        if request.method != "GET" && !head_only {
            let _ = write_response(
                &mut stream,
                405,
                "text/plain; charset=utf-8",
                b"Only GET and HEAD are allowed.\n",
                &[("Allow", "GET, HEAD")],
                false,
                request.keep_alive,
            );
            if !request.keep_alive || request.body_len > 0 {
                return;
            }
            continue;
        }
        if path == EVENTS_PATH {
            // The stream is handed to the broadcaster and this thread ends.
            if !stream.try_clone().is_ok_and(|s| shared.add_stream(s)) {
                busy(stream);
            }
            return;
        }
        let (status, mime, body, location) = if path == RELOAD_SCRIPT_PATH {
            (
                200,
                "text/javascript; charset=utf-8",
                RELOAD_JS.as_bytes().to_vec(),
                None,
            )
        } else if path.starts_with(&format!("/{}/", crate::search::DIR)) {
            resolve(&path, &shared.search())
        } else {
            shared.render_if_stale(&path);
            resolve(&path, &shared.files())
        };
        let extra: Vec<(&str, &str)> = location
            .as_deref()
            .map(|l| ("Location", l))
            .into_iter()
            .collect();
        let ok = write_response(
            &mut stream,
            status,
            mime,
            &body,
            &extra,
            head_only,
            request.keep_alive,
        );
        if ok.is_err() || !request.keep_alive || request.body_len > 0 {
            return;
        }
    }
}

/// Read one request head from `stream` into `buf` (which may already hold
/// bytes of it). `Ok(None)` when the connection closed or went idle.
fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Option<Request>, u16> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(buf) {
            Ok(httparse::Status::Complete(len)) => {
                let header = |name: &str| {
                    parsed
                        .headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(name))
                        .and_then(|h| std::str::from_utf8(h.value).ok())
                        .map(str::to_string)
                };
                let connection = header("connection")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let keep_alive = if parsed.version == Some(0) {
                    connection.contains("keep-alive")
                } else {
                    !connection.contains("close")
                };
                let request = Request {
                    method: parsed.method.unwrap_or("").to_string(),
                    target: parsed.path.unwrap_or("/").to_string(),
                    host: header("host"),
                    keep_alive,
                    body_len: header("content-length")
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0),
                };
                buf.drain(..len);
                return Ok(Some(request));
            }
            Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => {}
            Ok(httparse::Status::Partial) => return Err(431),
            Err(_) => return Err(400),
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Ok(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
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

fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    }
}

/// Write one response, head and body in a single write.
fn write_response(
    stream: &mut TcpStream,
    status: u16,
    mime: &str,
    body: &[u8],
    extra: &[(&str, &str)],
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: {}\r\n",
        status_text(status),
        body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    )
    .into_bytes();
    for (name, value) in extra {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    if !head_only {
        out.extend_from_slice(body);
    }
    stream.write_all(&out)?;
    stream.flush()
}

/// Map a request path to (status, content type, body, redirect location).
pub fn resolve(raw_path: &str, files: &Files) -> (u16, &'static str, Vec<u8>, Option<String>) {
    let not_found = || {
        let body = files
            .get("404.html")
            .map(|b| inject_reload(b))
            .unwrap_or_else(|| b"Not found\n".to_vec());
        (404, "text/html; charset=utf-8", body, None)
    };
    let forbidden = || {
        (
            403,
            "text/plain; charset=utf-8",
            b"Forbidden\n".to_vec(),
            None,
        )
    };
    let Some(path) = percent_decode(raw_path) else {
        return (
            400,
            "text/plain; charset=utf-8",
            b"Bad request\n".to_vec(),
            None,
        );
    };
    if !path.starts_with('/') || path.contains(['\\', '\0']) || path.starts_with("//") {
        return forbidden();
    }
    if path.split('/').any(|seg| seg == ".." || seg == ".") {
        return forbidden();
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
        return (200, mime, body, None);
    }
    if !rel.is_empty() && !rel.ends_with('/') && files.contains_key(&format!("{rel}/index.html")) {
        return (
            301,
            "text/plain; charset=utf-8",
            Vec::new(),
            Some(format!("{raw_path}/")),
        );
    }
    not_found()
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

pub fn mime_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => {
            if path.ends_with("atom.xml") {
                "application/atom+xml; charset=utf-8"
            } else {
                "application/xml; charset=utf-8"
            }
        }
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
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
    const pre = document.createElement("pre");
    pre.textContent = e.data;
    pre.style.whiteSpace = "pre-wrap";
    overlay.append(close, title, pre);
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
        let (status, mime, body, _) = resolve("/countries/kenya/", &files());
        assert_eq!((status, mime), (200, "text/html; charset=utf-8"));
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "<body>kenya<script src=\"/__briefing/livereload.js\"></script></body>"
        );
        assert_eq!(resolve("/style.css", &files()).1, "text/css; charset=utf-8");
    }

    #[test]
    fn directories_without_a_slash_redirect() {
        let (status, _, _, location) = resolve("/countries/kenya", &files());
        assert_eq!(status, 301);
        assert_eq!(location.as_deref(), Some("/countries/kenya/"));
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
            let status = resolve(path, &files()).0;
            assert!(
                status == 403 || status == 404 || status == 400,
                "{path} gave {status}"
            );
        }
        assert_eq!(resolve("/.briefing-output", &files()).0, 404);
        // No directory listings: a folder without an index is simply missing.
        assert_eq!(resolve("/countries/", &files()).0, 404);
        let (status, _, body, _) = resolve("/nope/", &files());
        assert_eq!(status, 404);
        assert!(String::from_utf8(body).unwrap().contains("missing"));
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
    fn build_errors_are_sent_line_by_line() {
        assert_eq!(
            Event::BuildError("error: a.md:3: bad\n  help: fix".into()).to_sse(),
            "event: build-error\ndata: error: a.md:3: bad\ndata:   help: fix\n\n"
        );
    }
}
