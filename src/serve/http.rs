//! The preview HTTP server: serves the in-memory site read-only (GET and HEAD
//! only, no directory listings, nothing outside the site), and pushes
//! live-reload events to open pages over server-sent events.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::project::Files;

pub const RELOAD_SCRIPT_PATH: &str = "/__briefing/livereload.js";
pub const EVENTS_PATH: &str = "/__briefing/events";

/// What the server shares with the rebuild loop.
pub struct Shared {
    files: RwLock<Arc<Files>>,
    /// The search index, rebuilt in the background after edits; kept apart
    /// so publishing pages never waits for it.
    search: RwLock<(u64, Arc<Files>)>,
    error: RwLock<Option<String>>,
    clients: Mutex<Vec<Sender<Event>>>,
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
    pub fn new(files: Files) -> Shared {
        Shared {
            files: RwLock::new(Arc::new(files)),
            search: RwLock::new((0, Arc::new(Files::new()))),
            error: RwLock::new(None),
            clients: Mutex::new(Vec::new()),
        }
    }

    /// Swap in a new site; readers see the old one or the new one, never a mix.
    pub fn publish(&self, files: Files, event: Event) {
        *self.files.write().expect("files lock") = Arc::new(files);
        *self.error.write().expect("error lock") = None;
        self.broadcast(event);
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
        self.broadcast(Event::BuildError(message));
    }

    fn broadcast(&self, event: Event) {
        self.clients
            .lock()
            .expect("clients lock")
            .retain(|c| c.send(event.clone()).is_ok());
    }

    fn subscribe(&self) -> Receiver<Event> {
        let (tx, rx) = mpsc::channel();
        if let Some(err) = self.error.read().expect("error lock").clone() {
            let _ = tx.send(Event::BuildError(err));
        }
        self.clients.lock().expect("clients lock").push(tx);
        rx
    }

    fn files(&self) -> Arc<Files> {
        self.files.read().expect("files lock").clone()
    }

    fn search(&self) -> Arc<Files> {
        self.search.read().expect("search lock").1.clone()
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// Answer one request.
pub fn handle(request: Request, shared: &Arc<Shared>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = Response::from_string("Only GET and HEAD are allowed.\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"))
            .with_header(header("Content-Type", "text/plain; charset=utf-8"));
        let _ = request.respond(response);
        return;
    }
    let raw_path = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if raw_path == EVENTS_PATH {
        let shared = Arc::clone(shared);
        std::thread::spawn(move || stream_events(request, &shared));
        return;
    }
    if raw_path == RELOAD_SCRIPT_PATH {
        let _ = request.respond(body_response(
            200,
            "text/javascript; charset=utf-8",
            RELOAD_JS.as_bytes().to_vec(),
        ));
        return;
    }
    let (status, mime, body, location) =
        if raw_path.starts_with(&format!("/{}/", crate::search::DIR)) {
            resolve(&raw_path, &shared.search())
        } else {
            resolve(&raw_path, &shared.files())
        };
    let mut response = body_response(status, mime, body);
    if let Some(loc) = location {
        response.add_header(header("Location", &loc));
    }
    let _ = request.respond(response);
}

fn body_response(status: u16, mime: &str, body: Vec<u8>) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", mime))
        .with_header(header("Cache-Control", "no-cache"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
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

/// Hold a server-sent-events stream open and forward events until the
/// browser goes away. A comment every 15 s notices closed connections.
fn stream_events(request: Request, shared: &Shared) {
    let rx = shared.subscribe();
    let mut w = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
    if w.write_all(head.as_bytes())
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let chunk = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => event.to_sse(),
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(chunk.as_bytes())
            .and_then(|_| w.flush())
            .is_err()
        {
            return;
        }
    }
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
  events.addEventListener("build-error", (e) => {
    clear();
    overlay = document.createElement("div");
    overlay.id = "briefing-error";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,0,0,.92);color:#fff;padding:2rem;overflow:auto;font:14px/1.5 ui-monospace,monospace";
    const title = document.createElement("h2");
    title.textContent = "Build failed: the page shows the last good build";
    title.style.cssText = "font:bold 18px system-ui,sans-serif;margin:0 0 1rem;color:#ffb4b4";
    const pre = document.createElement("pre");
    pre.textContent = e.data;
    pre.style.whiteSpace = "pre-wrap";
    overlay.append(title, pre);
    document.body.append(overlay);
  });
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
    fn build_errors_are_sent_line_by_line() {
        assert_eq!(
            Event::BuildError("error: a.md:3: bad\n  help: fix".into()).to_sse(),
            "event: build-error\ndata: error: a.md:3: bad\ndata:   help: fix\n\n"
        );
    }
}
