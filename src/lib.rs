//! briefing: a static site generator for briefings about countries, leaders
//! and crises. The pipeline is plain functions over plain data:
//! `Config::load` → `content::load` → `graph::resolve` →
//! `render::render_pages` → `output::Writer`.

pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod geo;
pub mod graph;
pub mod markdown;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod source;
pub mod terminal;
pub mod text;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;

pub use config::{BuildOptions, Config};
use diagnostics::{BuildFailed, Diagnostic};
pub use graph::Site;
pub use render::{Output, PageId, Theme};

/// Load and resolve the site at `config.site_dir`. Returns the graph and any
/// warnings; errors in the sources (all of them) come back as [`BuildFailed`].
pub fn load(config: &Config) -> Result<(Site, Vec<Diagnostic>)> {
    load_cached(config, &mut Caches::default(), &Default::default())
}

/// What `serve` keeps between loads: parsed files, and what resolving them
/// made (rendered bodies, names, the costly relations).
/// Empty (the default), they keep nothing.
#[derive(Default)]
pub struct Caches {
    pub parsed: content::Cache,
    pub graph: graph::Caches,
}

impl Caches {
    /// Caches that keep what each load made, for the next.
    pub fn kept() -> Self {
        Caches {
            parsed: content::Cache::kept(),
            graph: graph::Caches::kept(),
        }
    }
}

/// [`load`], parsing again only the files in `edited` (absolute paths) or
/// that look changed, and rendering again only the bodies whose inputs
/// changed: what `serve` calls after an edit.
pub fn load_cached(
    config: &Config,
    caches: &mut Caches,
    edited: &std::collections::HashSet<PathBuf>,
) -> Result<(Site, Vec<Diagnostic>)> {
    let (site, diags) = load_all(config, caches, edited)?;
    if diags.iter().any(Diagnostic::is_error) {
        return Err(BuildFailed { diagnostics: diags }.into());
    }
    Ok((site, diags))
}

/// Like [`load`], but hands back the graph of whatever did load together
/// with every finding, errors included. `check` uses this to report
/// graph-level problems beside front-matter errors.
pub fn load_with_diagnostics(config: &Config) -> Result<(Site, Vec<Diagnostic>)> {
    load_all(config, &mut Caches::default(), &Default::default())
}

fn load_all(
    config: &Config,
    caches: &mut Caches,
    edited: &std::collections::HashSet<PathBuf>,
) -> Result<(Site, Vec<Diagnostic>)> {
    let mut diags = Vec::new();
    let mut timings = Timings::from_env();
    let raw = content::load_cached(config, &mut diags, &mut caches.parsed, edited)?;
    timings.lap("parse content");
    let site = graph::resolve(config.clone(), raw, &mut caches.graph, &mut diags);
    timings.lap("resolve");
    if config.strict {
        diagnostics::promote_warnings(&mut diags);
    }
    diagnostics::sort(&mut diags);
    Ok((site, diags))
}

/// What a finished build did.
#[derive(Debug)]
pub struct BuildReport {
    pub output_dir: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// `briefing build`: load, render and write the site into `output_dir`
/// (default `SITE_DIR/public`).
pub fn build(
    site_dir: &Path,
    output_dir: Option<&Path>,
    options: &BuildOptions,
) -> Result<BuildReport> {
    build_with_progress(
        site_dir,
        output_dir,
        options,
        &terminal::Progress::default(),
    )
}

/// [`build`], counting rendered pages in `progress`.
pub fn build_with_progress(
    site_dir: &Path,
    output_dir: Option<&Path>,
    options: &BuildOptions,
    progress: &terminal::Progress,
) -> Result<BuildReport> {
    let started = Instant::now();
    let mut timings = Timings::from_env();
    let config = Config::load(site_dir, options)?;
    let output_dir = output_dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| site_dir.join("public"));
    output::check_output_dir(site_dir, &output_dir)?;
    let theme = Theme::load(&config)?;
    let mut warnings = theme.warnings.clone();
    // A language that fails stops the rendering, but the others are still
    // loaded, so that every problem is reported in one run.
    let mut failed: Vec<Diagnostic> = Vec::new();
    if config.strict && !warnings.is_empty() {
        failed.append(&mut warnings);
        diagnostics::promote_warnings(&mut failed);
    }
    let mut writer = output::Writer::new(&output_dir)?;
    let mut html_pages = 0;
    // One language at a time, each a whole site under its prefix, so only
    // one graph is in memory; nothing is in the output folder until every
    // language has rendered (the writer commits once).
    for lang in &config.languages {
        let config = config.for_language(lang);
        match load(&config) {
            Ok((site, found)) => {
                timings.lap("load and resolve");
                warnings.extend(found);
                if failed.is_empty() {
                    html_pages +=
                        render_language(site, &theme, &mut writer, progress, &mut timings)?;
                }
            }
            Err(e) => failed.extend(e.downcast::<BuildFailed>()?.diagnostics),
        }
    }
    if !failed.is_empty() {
        failed.append(&mut warnings);
        diagnostics::sort(&mut failed);
        failed.dedup();
        return Err(BuildFailed {
            diagnostics: failed,
        }
        .into());
    }
    writer.write(render::static_outputs(&theme)?)?;
    diagnostics::sort(&mut warnings);
    warnings.dedup();
    let files = writer.files();
    let notes = writer.commit()?;
    warnings.extend(
        notes
            .into_iter()
            .map(|w| Diagnostic::warning(w).in_file(&output_dir)),
    );
    timings.lap("write and swap in");
    Ok(BuildReport {
        output_dir,
        pages: html_pages,
        files,
        warnings,
        elapsed: started.elapsed(),
    })
}

/// Render one language's site into `writer`, with its search index;
/// returns how many HTML pages it has.
fn render_language(
    site: Site,
    theme: &Theme,
    writer: &mut output::Writer,
    progress: &terminal::Progress,
    timings: &mut Timings,
) -> Result<usize> {
    let pages = render::pages(&site);
    if site.config.language_prefix().is_empty() {
        render::check_static_collisions(&site, &pages, theme.site_statics())?;
    }
    progress.set_total(pages.len());
    // Render in chunks and hand each to the writer, which keeps only the
    // pages that changed, so the whole site is never in memory at once.
    for chunk in pages.chunks(256) {
        let outputs = render::render_pages_with(&site, theme, chunk, &|| progress.tick())?;
        writer.write(outputs)?;
    }
    timings.lap("render pages");
    let html_pages = pages.iter().filter(|p| p.is_html()).count();
    drop(pages);
    // The search index after the pages, not beside them: rendering keeps
    // every core busy already, and the index's records and files would
    // otherwise be in memory together with a chunk of rendered pages. Once
    // its records are made the graph goes; they share the bodies' HTML,
    // which goes a chunk at a time as the index reaches it.
    let words = theme.words(site.config.language());
    let records = search::records(&site, &|d| words.day(d));
    timings.lap("search records");
    let prefix = site.config.language_prefix().to_string();
    let language = site.config.site.language.clone();
    drop(site);
    search::write_index(records, &language, &mut |files| {
        let files = files
            .into_iter()
            .map(|o| Output {
                path: format!("{prefix}{}", o.path),
                bytes: o.bytes,
            })
            .collect();
        writer.write(files)
    })?;
    timings.lap("search index");
    Ok(html_pages)
}

/// Phase timings on stderr when `BRIEFING_TIMINGS` is set, for profiling
/// and the benchmark script.
pub(crate) struct Timings(Option<Instant>);

impl Timings {
    pub(crate) fn from_env() -> Self {
        Timings(std::env::var_os("BRIEFING_TIMINGS").map(|_| Instant::now()))
    }

    pub(crate) fn lap(&mut self, phase: &str) {
        if let Some(t) = self.0 {
            eprintln!(
                "timing: {phase}: {} ms{}",
                t.elapsed().as_millis(),
                memory_now()
            );
            self.0 = Some(Instant::now());
        }
    }
}

/// The process's resident memory now and at its peak so far, as Linux
/// reports it, so the timings show which phase the peak belongs to.
fn memory_now() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches(" kB").parse::<u64>().ok())
            .map(|kb| kb / 1024)
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!(" (memory {rss} MiB, peak so far {peak} MiB)"),
        _ => String::new(),
    }
}
