//! Serve: builds the site into memory, serves it over HTTP, watches the
//! sources and re-renders only what an edit affects, then tells open pages to
//! reload. A failed rebuild keeps the last good site online and shows the
//! error in the browser and the terminal.

pub mod http;
pub mod project;

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::config::BuildOptions;
use crate::diagnostics::Diagnostic;
use crate::source::SourceKind;
use crate::terminal::Terminal;
use http::{Event, Shared};
pub use project::{Change, Project};

pub struct ServeOptions {
    pub site_dir: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub drafts: bool,
    pub open: bool,
    pub today: Option<chrono::NaiveDate>,
}

/// Run the preview server until the process is stopped.
pub fn serve(opts: &ServeOptions, term: &Terminal) -> Result<()> {
    if !opts.bind.is_loopback() {
        term.warn(&format!(
            "serving on {}, which other machines can reach; the preview server is meant for your own machine",
            opts.bind
        ));
    }
    let listener = std::net::TcpListener::bind(SocketAddr::new(opts.bind, opts.port))
        .with_context(|| format!("could not listen on {}:{}", opts.bind, opts.port))?;
    let addr = listener.local_addr().context("the server has no address")?;
    let url = site_url(addr);
    let options = BuildOptions {
        drafts: opts.drafts,
        strict: false,
        base_url: Some(url.clone()),
        today: opts.today,
    };
    // Watch before the first build and before announcing the address, so an
    // edit made the moment the server is up (or during the build) is seen.
    let (tx, rx) = mpsc::channel::<Message>();
    let watcher = watch(&opts.site_dir, tx.clone())?;
    let started = Instant::now();
    // The first build must succeed: there is no previous site to fall back on.
    let project = Project::open(&opts.site_dir, &options)?;
    for w in &project.warnings() {
        term.diagnostic(w);
    }
    term.summary(&format!(
        "built {} files in {:.0?}, {} warning{}",
        project.files().len(),
        started.elapsed(),
        project.warnings().len(),
        crate::diagnostics::plural(project.warnings().len())
    ));
    let shared = Arc::new(Shared::new(project.files().clone(), addr.port()));
    shared.set_renderer(renderer(tx.clone()));
    let indexer = spawn_indexer(&shared, *term);
    let verifier = spawn_verifier(tx.clone());
    let _ = indexer.send((0, project.search_records()));
    let acceptor = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("briefing-accept".into())
        .spawn(move || {
            if let Err(e) = http::run(listener, acceptor) {
                eprintln!("error: the preview server stopped: {e}");
            }
        })
        .context("could not start the server thread")?;
    println!(
        "Serving {} at {url} (press Ctrl-C to stop)",
        opts.site_dir.display()
    );
    let _ = std::io::stdout().flush();
    if opts.open {
        open_browser(&url);
    }
    let mut rebuilder = Rebuilder {
        shown: project.warnings().clone(),
        project,
        options,
        broken: false,
        generation: 0,
        edits: 0,
        last_edit: Vec::new(),
        published_at: Instant::now(),
    };
    let mut loop_state = Loop {
        rx,
        watcher,
        shared,
        indexer,
        verifier,
        site_dir: opts.site_dir.clone(),
    };
    rebuilder.run(&mut loop_state, term);
    Ok(())
}

/// What the rebuild loop works with besides the project.
struct Loop {
    rx: mpsc::Receiver<Message>,
    watcher: notify::RecommendedWatcher,
    shared: Arc<Shared>,
    indexer: mpsc::Sender<(u64, crate::search::IndexJob)>,
    verifier: mpsc::Sender<(u64, project::Job)>,
    site_dir: PathBuf,
}

/// What the rebuild loop waits for: a file event, or a browser asking for
/// a page that changed and is not rendered yet (with whom to tell when it
/// is published).
enum Message {
    Fs(notify::Result<notify::Event>),
    Render(String, Done),
    /// A full load made after edit number `.0`, to check the project by.
    Verified(u64, Box<Result<project::FullLoad>>),
}

/// Tells a waiting request that its page is published.
type Done = tokio::sync::oneshot::Sender<()>;

/// How the server asks the rebuild loop for a stale page: the request
/// waits (without holding a thread) until the page is published.
fn renderer(tx: mpsc::Sender<Message>) -> http::Renderer {
    Box::new(move |path: &str| {
        let (done, wait) = tokio::sync::oneshot::channel();
        tx.send(Message::Render(path.to_string(), done)).ok()?;
        Some(wait)
    })
}

/// The address pages are served at, as a browser should use it.
fn site_url(addr: SocketAddr) -> String {
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    if host.contains(':') {
        format!("http://[{host}]:{}/", addr.port())
    } else {
        format!("http://{host}:{}/", addr.port())
    }
}

/// Watch the source folders, and the site folder itself for source folders
/// made later.
fn watch(site_dir: &Path, tx: mpsc::Sender<Message>) -> Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |e| {
        let _ = tx.send(Message::Fs(e));
    })
    .context("could not start watching files")?;
    for dir in crate::source::SOURCE_DIRS {
        let path = site_dir.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| format!("could not watch {}", path.display()))?;
        }
    }
    watcher
        .watch(site_dir, RecursiveMode::NonRecursive)
        .with_context(|| format!("could not watch {}", site_dir.display()))?;
    Ok(watcher)
}

/// A source folder made after serve started (or deleted and made again)
/// is only seen by the site folder's own, non-recursive watch: watch inside
/// it from now on.
fn watch_new_folders(
    watcher: &mut notify::RecommendedWatcher,
    site_dir: &Path,
    changed: &[PathBuf],
    term: &Terminal,
) {
    for p in changed {
        let rel = crate::source::site_relative(site_dir, p);
        let folder = rel.and_then(crate::source::classify) == Some(SourceKind::Folder);
        if folder && p.is_dir() {
            if let Err(e) = watcher.watch(p, RecursiveMode::Recursive) {
                term.warn(&format!("could not watch {}: {e}", p.display()));
            }
        }
    }
}

/// The project being served, brought up to date edit by edit.
struct Rebuilder {
    project: Project,
    options: BuildOptions,
    /// A rebuild panicked: the next one starts from a fresh load, since
    /// the kept project may be half updated.
    broken: bool,
    /// Counts published builds, so the search index never goes back.
    generation: u64,
    /// Counts batches of edits, so a check made for an older one is
    /// dropped.
    edits: u64,
    /// The files of the last batch, to name in a report.
    last_edit: Vec<PathBuf>,
    /// The warnings the terminal has shown, so an edit prints only new ones
    /// rather than every warning of the site again.
    shown: Vec<Diagnostic>,
    /// When files were last published.
    published_at: Instant,
}

impl Rebuilder {
    /// Serve edits and page requests until the watcher goes away.
    fn run(&mut self, l: &mut Loop, term: &Terminal) {
        let (shared, site_dir) = (&*l.shared, l.site_dir.as_path());
        loop {
            // Stale pages are rendered between messages, a few at a time, so
            // a new edit or a browser's request never waits for all of them.
            let message = if self.project.has_stale() {
                match l.rx.try_recv() {
                    Ok(m) => m,
                    Err(mpsc::TryRecvError::Empty) => {
                        self.render_some(shared, term);
                        continue;
                    }
                    Err(mpsc::TryRecvError::Disconnected) => break,
                }
            } else {
                match l.rx.recv() {
                    Ok(m) => m,
                    Err(_) => break,
                }
            };
            let first = match message {
                Message::Render(path, done) => {
                    self.render_path(&path, shared, term);
                    let _ = done.send(());
                    continue;
                }
                Message::Verified(edit, load) => {
                    self.verified(edit, *load, shared, &l.indexer, term);
                    continue;
                }
                Message::Fs(event) => event,
            };
            let mut waiting = Vec::new();
            let Some(changed) = next_changes(first, &l.rx, site_dir, term, &mut waiting) else {
                continue;
            };
            watch_new_folders(&mut l.watcher, site_dir, &changed, term);
            self.edits += 1;
            shared.edited(self.edits);
            self.last_edit = changed.clone();
            let built = self.apply(&changed, site_dir, shared, &l.indexer, term);
            for (path, done) in waiting {
                self.render_path(&path, shared, term);
                let _ = done.send(());
            }
            // After the pages asked for: the job copies the kept parses.
            if built {
                let _ = l.verifier.send((self.edits, self.project.full_load_job()));
            } else {
                // Serve shows the error a build would stop with.
                shared.checked(self.edits);
            }
        }
    }

    /// Rebuild after `changed`, then publish the result or the error.
    /// Returns whether it built.
    fn apply(
        &mut self,
        changed: &[PathBuf],
        site_dir: &Path,
        shared: &Shared,
        indexer: &mpsc::Sender<(u64, crate::search::IndexJob)>,
        term: &Terminal,
    ) -> bool {
        let started = Instant::now();
        match self.rebuild(changed, site_dir) {
            Ok(change) => {
                self.published_change(&change, shared, indexer, term, started);
                true
            }
            Err(e) => {
                term.error(&e);
                shared.fail(error_text(&e));
                false
            }
        }
    }

    /// Publish what a rebuild changed, and say so.
    fn published_change(
        &mut self,
        change: &Change,
        shared: &Shared,
        indexer: &mpsc::Sender<(u64, crate::search::IndexJob)>,
        term: &Terminal,
        started: Instant,
    ) {
        let event = match change {
            Change::Nothing => return,
            Change::Css { .. } => Event::Css,
            Change::Pages { .. } => Event::Reload,
        };
        self.publish(shared, Some(event));
        self.generation += 1;
        let _ = indexer.send((self.generation, self.project.search_records()));
        let elapsed = started.elapsed();
        let warnings = self.show_new_warnings(term);
        term.summary(&format!("{} in {elapsed:.0?}{warnings}", describe(change)));
    }

    /// Compare the project with a full load made after edit number `edit`
    /// (unless a newer edit came since): any difference is a bug of the
    /// fast paths, reported as one, and the full load's graph is taken so
    /// the preview still ends equal to what `build` makes.
    fn verified(
        &mut self,
        edit: u64,
        load: Result<project::FullLoad>,
        shared: &Shared,
        indexer: &mpsc::Sender<(u64, crate::search::IndexJob)>,
        term: &Terminal,
    ) {
        if edit != self.edits {
            return;
        }
        let started = Instant::now();
        let edited = self
            .last_edit
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let report = |what: &str| {
            format!("internal inconsistency after editing {edited}: {what}; the preview now shows what a full build makes. This is a bug: please report it with the edit")
        };
        match load {
            Ok(load) => {
                let differences = self.project.differences(&load);
                if !differences.is_empty() {
                    term.warn(&report(&differences.join("; ")));
                    let change = self.project.adopt(load);
                    self.published_change(&change, shared, indexer, term, started);
                }
            }
            Err(e) => {
                term.warn(&report("the edit was served, but a full build fails"));
                term.error(&e);
                shared.fail(error_text(&e));
            }
        }
        shared.checked(edit);
    }

    /// Print the warnings not shown before; returns a note for the summary
    /// line: how many warnings stand, and how many are new.
    fn show_new_warnings(&mut self, term: &Terminal) -> String {
        let all = &self.project.warnings();
        let new: Vec<&Diagnostic> = all.iter().filter(|w| !self.shown.contains(w)).collect();
        for w in &new {
            term.diagnostic(w);
        }
        let note = match all.len() {
            0 => String::new(),
            n => format!(
                ", {n} warning{} ({} new)",
                crate::diagnostics::plural(n),
                new.len()
            ),
        };
        self.shown = all.clone();
        note
    }

    /// Publish the project's files as they are, with the pages still to
    /// render; with an event, as a new build.
    fn publish(&mut self, shared: &Shared, event: Option<Event>) {
        self.published_at = Instant::now();
        shared.publish(
            self.project.files().clone(),
            self.project.stale_paths(),
            event,
        );
    }

    /// Render a few stale pages in the background, and publish them when
    /// the last is done or a while has passed: publishing copies the list
    /// of files (3 ms at 10,000 briefings), and a page asked for meanwhile
    /// is rendered and published on its own.
    fn render_some(&mut self, shared: &Shared, term: &Terminal) {
        // A few tens of milliseconds of work on two cores, so a message
        // waits little.
        const BATCH: usize = 8;
        const PUBLISH_EVERY: Duration = Duration::from_millis(250);
        let outcome = self.guard(|p| p.render_stale(BATCH).map(|_| ()));
        let due = self.published_at.elapsed() >= PUBLISH_EVERY;
        if outcome.is_err() || due || !self.project.has_stale() {
            self.published(outcome, shared, term);
        }
    }

    /// Render the stale page a browser asked for and publish it.
    fn render_path(&mut self, path: &str, shared: &Shared, term: &Terminal) {
        let outcome = self.guard(|p| p.render_path(path).map(|_| ()));
        self.published(outcome, shared, term);
    }

    /// Publish after rendering, or report why rendering failed.
    fn published(&mut self, outcome: Result<()>, shared: &Shared, term: &Terminal) {
        match outcome {
            Ok(()) => self.publish(shared, None),
            Err(e) => {
                term.error(&e);
                shared.fail(error_text(&e));
            }
        }
    }

    /// Run `f` on the project. No edit may take the server down: a panic
    /// is reported like a failed build, the last good site stays online,
    /// and the next rebuild starts from a fresh load, since the kept
    /// project may be half updated.
    fn guard<T>(&mut self, f: impl FnOnce(&mut Project) -> Result<T>) -> Result<T> {
        let project = &mut self.project;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(project)));
        outcome.unwrap_or_else(|panic| {
            self.broken = true;
            Err(anyhow::anyhow!(
                "briefing crashed while rebuilding ({}); this is a bug, please report it with the edit that caused it",
                panic_message(&panic)
            ))
        })
    }

    /// Bring the project up to date after `changed`; after a panic, by a
    /// fresh load.
    fn rebuild(&mut self, changed: &[PathBuf], site_dir: &Path) -> Result<Change> {
        let (broken, options) = (self.broken, self.options.clone());
        self.broken = false;
        let outcome = self.guard(|project| {
            if broken {
                *project = Project::open(site_dir, &options)?;
                let rendered = project.files().len();
                Ok(Change::Pages {
                    rendered,
                    removed: 0,
                })
            } else {
                project.update(changed)
            }
        });
        self.broken |= broken && outcome.is_err();
        outcome
    }
}

/// What a rebuild did, for the terminal.
fn describe(change: &Change) -> String {
    let plural = crate::diagnostics::plural;
    match change {
        Change::Css { files } => format!("copied {files} stylesheet{}", plural(*files)),
        Change::Pages { rendered, removed } => {
            let removed = if *removed > 0 {
                format!(", removed {removed}")
            } else {
                String::new()
            };
            format!("{rendered} page{} changed{removed}", plural(*rendered))
        }
        Change::Nothing => "nothing changed".into(),
    }
}

/// A thread that rebuilds the search index from the newest records it is
/// sent, skipping any that a newer edit has already replaced, so pages are
/// served without waiting for the index and a burst of edits costs one
/// rebuild, not one each.
fn spawn_indexer(
    shared: &Arc<Shared>,
    term: Terminal,
) -> mpsc::Sender<(u64, crate::search::IndexJob)> {
    let (tx, rx) = mpsc::channel::<(u64, crate::search::IndexJob)>();
    let shared = Arc::clone(shared);
    std::thread::spawn(move || {
        while let Ok(mut job) = rx.recv() {
            // Wait for a short pause in edits, taking the newest records.
            while let Ok(newer) = rx.recv_timeout(Duration::from_millis(300)) {
                job = newer;
            }
            let (generation, job) = job;
            let records = job.records.iter().map(|r| (**r).clone()).collect();
            match crate::search::build_index(records, &job.language, true) {
                Ok(outputs) => {
                    let files = outputs
                        .into_iter()
                        .map(|o| (o.path, o.bytes.into()))
                        .collect();
                    shared.publish_search(generation, files);
                }
                Err(e) => term.warn(&format!("search index: {e:#}")),
            }
        }
    });
    tx
}

/// A thread that makes the full loads serve checks itself against, from
/// the newest job it is sent: a load made stale by a newer edit is
/// dropped by the rebuild loop, and a burst of edits costs one load.
fn spawn_verifier(tx: mpsc::Sender<Message>) -> mpsc::Sender<(u64, project::Job)> {
    let (jobs, rx) = mpsc::channel::<(u64, project::Job)>();
    let _ = std::thread::Builder::new()
        .name("briefing-verify".into())
        .spawn(move || {
            while let Ok(mut job) = rx.recv() {
                while let Ok(newer) = rx.try_recv() {
                    job = newer;
                }
                let (edit, job) = job;
                let load = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    project::FullLoad::run(job)
                }))
                .unwrap_or_else(|panic| {
                    Err(anyhow::anyhow!(
                        "loading crashed: {}",
                        panic_message(&panic)
                    ))
                });
                if tx.send(Message::Verified(edit, Box::new(load))).is_err() {
                    return;
                }
            }
        });
    jobs
}

/// The batch of edits starting with event `first`: it and any that follow
/// within a short quiet period (editors often write a file in several
/// steps). Reads are ignored: the rebuild itself reads every file. Pages
/// asked for meanwhile go to `waiting`, to be rendered after the rebuild.
/// Returns `None` when no source changed.
fn next_changes(
    first: notify::Result<notify::Event>,
    rx: &mpsc::Receiver<Message>,
    site_dir: &Path,
    term: &Terminal,
    waiting: &mut Vec<(String, Done)>,
) -> Option<Vec<PathBuf>> {
    const QUIET: Duration = Duration::from_millis(15);
    let mut changed: Vec<PathBuf> = Vec::new();
    let take = |event: notify::Result<notify::Event>, changed: &mut Vec<PathBuf>| match event {
        Ok(e)
            if matches!(
                e.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
            ) =>
        {
            for p in e.paths {
                if is_source(site_dir, &p) && !changed.contains(&p) {
                    changed.push(p);
                }
            }
        }
        Ok(_) => {}
        Err(e) => term.warn(&format!("file watching: {e}")),
    };
    take(first, &mut changed);
    if changed.is_empty() {
        return None;
    }
    while let Ok(message) = rx.recv_timeout(QUIET) {
        match message {
            Message::Fs(event) => take(event, &mut changed),
            Message::Render(path, done) => waiting.push((path, done)),
            // Made before this batch: a check of this batch follows.
            Message::Verified(..) => {}
        }
    }
    Some(changed)
}

/// Whether a changed path is one the site is built from: the same
/// classifier `build` walks with.
fn is_source(site_dir: &Path, path: &Path) -> bool {
    crate::source::site_relative(site_dir, path)
        .is_some_and(|rel| crate::source::classify(rel).is_some())
}

/// What a panic carried, for the error message.
fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into())
}

/// The text of an error, as serve's overlay shows it.
pub fn error_text(e: &anyhow::Error) -> String {
    crate::diagnostics::error_report(e, false)
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(cmd).arg(url).spawn();
}
