//! Render: every output page is a pure function of the site graph and its
//! page id, rendered with Tera against view structs. Pages are kept in memory
//! so that `serve` and the tests can use them without touching the disk.

pub mod book;
pub mod charts;
pub mod dossier;
pub mod extras;
pub mod i18n;
pub mod ical;
pub mod languages;
pub mod links;
pub mod maps;
pub mod page_id;
pub mod pages;
pub mod reader;
pub mod reads;
pub mod views;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use rayon::prelude::*;
use tera::Tera;

use crate::graph::Site;
pub use page_id::{list_slice, pages, FeedScope, PageId, LIST_PAGE_SIZE};
pub use pages::render_page;
pub use reader::Dep;

/// A file of the finished site, held in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// Path relative to the output folder, with `/` separators.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The compiled templates and the static files of the theme: the built-in
/// one, with the site's own `templates/` and `static/` files laid over it.
pub struct Theme {
    /// The templates, compiled once, with `t()` and `| human` bound to the
    /// default language.
    pub tera: Tera,
    /// The same templates bound to each other language (cheap clones:
    /// Tera shares nothing mutable between renders).
    by_language: BTreeMap<String, Tera>,
    /// Each language's words, for text the Rust side builds.
    words: BTreeMap<String, std::sync::Arc<i18n::Words>>,
    /// Output path to where the bytes come from.
    pub statics: BTreeMap<String, StaticFile>,
    /// Files skipped while loading (symbolic links).
    pub warnings: Vec<crate::diagnostics::Diagnostic>,
}

pub enum StaticFile {
    Embedded(&'static [u8]),
    OnDisk(PathBuf),
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme.rs"));
}

impl Theme {
    /// Compile the templates once; every page render reuses them.
    pub fn load(config: &crate::Config) -> Result<Theme> {
        let site_dir = config.site_dir.as_path();
        let mut sources: BTreeMap<String, String> = BTreeMap::new();
        for (name, bytes) in embedded::TEMPLATES {
            let text = std::str::from_utf8(bytes).expect("built-in templates are UTF-8");
            sources.insert(name.to_string(), text.to_string());
        }
        let mut warnings = Vec::new();
        for (name, path) in
            crate::source::walk(site_dir, &site_dir.join("templates"), &mut warnings)
        {
            let text = fs::read_to_string(&path)
                .with_context(|| format!("could not read template {}", path.display()))?;
            sources.insert(name, text);
        }
        let mut tera = Tera::default();
        // Tera's default escaper also rewrites `/` as `&#x2F;`, which is valid
        // but makes every URL in the page source unreadable. Ours escapes the
        // five characters that matter in content and quoted attributes.
        tera.set_escape_fn(crate::text::escape_html);
        tera.register_filter("shorten", shorten_filter);
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| anyhow::anyhow!(tera_chain(&e)))
            .context(
                "could not compile the templates (the site's templates/ over the built-in theme)",
            )?;
        check_include_loops(&tera)?;
        let words = language_words(config)?;
        let bind = |tera: &mut Tera, lang: &str| {
            let bound = i18n::Bound {
                words: words[lang].clone(),
                all: std::sync::Arc::new(words.clone()),
            };
            tera.register_function("t", bound.clone());
            tera.register_filter("human", i18n::HumanDate(bound));
        };
        let mut by_language = BTreeMap::new();
        for lang in &config.languages[1..] {
            let mut bound = tera.clone();
            bind(&mut bound, lang);
            by_language.insert(lang.clone(), bound);
        }
        bind(&mut tera, config.default_language());

        let mut statics = BTreeMap::new();
        for (name, bytes) in embedded::STATIC {
            statics.insert(name.to_string(), StaticFile::Embedded(bytes));
        }
        for (name, path) in crate::source::walk(site_dir, &site_dir.join("static"), &mut warnings) {
            statics.insert(name, StaticFile::OnDisk(path));
        }
        Ok(Theme {
            tera,
            by_language,
            words,
            statics,
            warnings,
        })
    }
}

/// Every language's words, with the site's overrides; all the overrides'
/// problems at once.
fn language_words(config: &crate::Config) -> Result<BTreeMap<String, std::sync::Arc<i18n::Words>>> {
    let mut words = BTreeMap::new();
    let mut problems = Vec::new();
    for lang in &config.languages {
        let (w, found) = i18n::Words::new(lang, config.translations_for(lang));
        problems.extend(found);
        words.insert(lang.clone(), std::sync::Arc::new(w));
    }
    if problems.is_empty() {
        Ok(words)
    } else {
        Err(crate::diagnostics::BuildFailed {
            diagnostics: problems,
        }
        .into())
    }
}

impl Theme {
    /// The templates bound to `lang`'s words (the default's for a language
    /// the site does not have).
    pub fn tera_for(&self, lang: &str) -> &Tera {
        self.by_language.get(lang).unwrap_or(&self.tera)
    }

    /// `lang`'s words.
    pub fn words(&self, lang: &str) -> &i18n::Words {
        self.words
            .get(lang)
            .or_else(|| self.words.values().next())
            .expect("a theme has its default language's words")
    }
}

/// `{{ text | shorten(length=160) }}`: like Tera's `truncate`, but cut on
/// a word boundary.
fn shorten_filter(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("`shorten` takes text"))?;
    let length = match args.get("length") {
        Some(v) => v
            .as_u64()
            .ok_or_else(|| tera::Error::msg("`shorten`'s `length` is a whole number"))?,
        None => 255,
    };
    Ok(crate::text::shorten(text, length as usize).into())
}

/// Refuse templates that include themselves, directly or through others:
/// Tera would recurse until the stack overflows, killing `build` and
/// `serve` alike. Extending and importing macros count as edges too, since
/// the parent's or the macro file's includes run as part of the page.
fn check_include_loops(tera: &Tera) -> Result<()> {
    let edges = |name: &str| -> Vec<String> {
        let Ok(t) = tera.get_template(name) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        included(&t.ast, &mut out);
        out.extend(t.parents.iter().cloned());
        out.extend(t.imported_macro_files.iter().map(|(f, _)| f.clone()));
        out
    };
    let mut names: Vec<&str> = tera.get_template_names().collect();
    names.sort_unstable();
    // Depth-first search from each template, keeping the current path.
    let mut done: std::collections::HashSet<String> = Default::default();
    for start in names {
        let mut path: Vec<(String, Vec<String>)> = vec![(start.to_string(), edges(start))];
        while let Some((_, next)) = path.last_mut() {
            let Some(child) = next.pop() else {
                let (name, _) = path.pop().expect("not empty");
                done.insert(name);
                continue;
            };
            if let Some(i) = path.iter().position(|(n, _)| *n == child) {
                let cycle: Vec<&str> = path[i..].iter().map(|(n, _)| n.as_str()).collect();
                anyhow::bail!(
                    "the templates include each other in a loop: {} -> {child}; a template cannot include itself, directly or through others",
                    cycle.join(" -> ")
                );
            }
            if !done.contains(&child) {
                let e = edges(&child);
                path.push((child, e));
            }
        }
    }
    Ok(())
}

/// The templates `{% include %}`d anywhere in `nodes`.
fn included(nodes: &[tera::ast::Node], out: &mut Vec<String>) {
    use tera::ast::Node;
    for node in nodes {
        match node {
            Node::Include(_, names, _) => out.extend(names.iter().cloned()),
            Node::MacroDefinition(_, m, _) => included(&m.body, out),
            Node::FilterSection(_, f, _) => included(&f.body, out),
            Node::Block(_, b, _) => included(&b.body, out),
            Node::Forloop(_, f, _) => {
                included(&f.body, out);
                included(f.empty_body.as_deref().unwrap_or_default(), out);
            }
            Node::If(i, _) => {
                for (_, _, body) in &i.conditions {
                    included(body, out);
                }
                if let Some((_, body)) = &i.otherwise {
                    included(body, out);
                }
            }
            _ => {}
        }
    }
}

/// Tera puts the useful part of an error (which variable, which line) in its
/// sources; join the chain into one message.
fn tera_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// Two things must never be written to one output file, since which one
/// wins would depend on the order of writing: a file under the site's
/// `static/` and a page, or a file beside a briefing and another page (a
/// bundle's `2/index.html` under a briefing whose slug is `page` lands on
/// page 2 of the briefings list). Each collision is an error naming both.
pub fn check_static_collisions<'a>(
    site: &Site,
    pages: &[PageId],
    static_names: impl Iterator<Item = &'a str>,
) -> Result<(), crate::diagnostics::BuildFailed> {
    use crate::diagnostics::Diagnostic;
    let statics: std::collections::HashSet<&str> = static_names.collect();
    let mut written: std::collections::HashMap<String, &PageId> =
        std::collections::HashMap::with_capacity(pages.len());
    let mut diagnostics = Vec::new();
    for page in pages {
        let path = page.output_path();
        if statics.contains(path.as_str()) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "static/{path} would be written where the page {}{} goes",
                    site.url(&page.path()),
                    from_file(site, page)
                ))
                .in_file(format!("static/{path}"))
                .with_help("move or rename the static file; a page's address belongs to the page"),
            );
        }
        let Some(other) = written.insert(path.clone(), page) else {
            continue;
        };
        let (asset, generated) = match (page, other) {
            (PageId::Asset(..), _) => (page, other),
            _ => (other, page),
        };
        diagnostics.push(match asset {
            PageId::Asset(slug, name) => asset_collision(site, slug, name, &path, generated),
            // Two generated pages: no input should get here, but if one
            // does it is a finding, not a crash.
            _ => Diagnostic::error(format!(
                "the pages {} and {} would both be written to {path}",
                site.url(&asset.path()),
                site.url(&generated.path())
            ))
            .with_help("rename one of the files they come from"),
        });
    }
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(crate::diagnostics::BuildFailed { diagnostics })
    }
}

/// A file beside a briefing that would be published over a page.
fn asset_collision(
    site: &Site,
    slug: &str,
    name: &str,
    path: &str,
    page: &PageId,
) -> crate::diagnostics::Diagnostic {
    let article = &site.articles[slug];
    let source = article
        .assets
        .iter()
        .find(|a| a.name == name)
        .map_or(Path::new(name), |a| a.source.as_path());
    crate::diagnostics::Diagnostic::error(format!(
        "{} would be published as {path}, where the page {}{} goes",
        source.display(),
        site.url(&page.path()),
        from_file(site, page)
    ))
    .in_file(&article.source)
    .with_help("rename or move the file beside the briefing, or give the briefing another `slug`")
}

/// " (from content/…)" for a page made from one file.
fn from_file(site: &Site, page: &PageId) -> String {
    let file = match page {
        PageId::Article(slug) => Some(&site.articles[slug].source),
        PageId::Entity(id, 1) => site.entities[id].source.as_ref(),
        _ => None,
    };
    file.map(|p| format!(" (from {})", p.display()))
        .unwrap_or_default()
}

impl Theme {
    /// The static files that come from the site's own `static/` folder.
    pub fn site_statics(&self) -> impl Iterator<Item = &str> {
        self.statics
            .iter()
            .filter(|(_, f)| matches!(f, StaticFile::OnDisk(_)))
            .map(|(name, _)| name.as_str())
    }
}

/// Render some pages, in parallel.
pub fn render_pages(site: &Site, theme: &Theme, pages: &[PageId]) -> Result<Vec<Output>> {
    render_pages_with(site, theme, pages, &|| {})
}

/// Render some pages in parallel, calling `on_page` after each (for a
/// progress display).
pub fn render_pages_with(
    site: &Site,
    theme: &Theme,
    pages: &[PageId],
    on_page: &(dyn Fn() + Sync),
) -> Result<Vec<Output>> {
    pages
        .par_iter()
        .map(|page| {
            let out = render_page(site, theme, page, false).map(|(o, _)| o);
            on_page();
            out
        })
        .collect()
}

/// Render some pages in parallel, each with what it read, for `serve`.
pub fn render_pages_recorded(
    site: &Site,
    theme: &Theme,
    pages: &[PageId],
) -> Result<Vec<(PageId, Output, std::collections::BTreeSet<Dep>)>> {
    let out: Vec<_> = pages
        .par_iter()
        .map(|page| {
            let start = std::time::Instant::now();
            let r = render_page(site, theme, page, true).map(|(o, reads)| (page.clone(), o, reads));
            (page, start.elapsed(), r)
        })
        .collect();
    if std::env::var_os("BRIEFING_TIMINGS").is_some() {
        report_page_times(out.iter().map(|(p, d, _)| (*p, *d)));
    }
    out.into_iter().map(|(_, _, r)| r).collect()
}

/// For profiling `serve`: how many pages of each kind were rendered, their
/// total time and the slowest, on stderr.
fn report_page_times<'p>(times: impl Iterator<Item = (&'p PageId, Duration)>) {
    let mut kinds: std::collections::BTreeMap<String, (usize, Duration, Duration)> =
        Default::default();
    for (page, took) in times {
        let name = format!("{page:?}");
        let name = name
            .split(['(', ' '])
            .next()
            .unwrap_or_default()
            .to_string();
        let e = kinds.entry(name).or_default();
        e.0 += 1;
        e.1 += took;
        e.2 = e.2.max(took);
    }
    for (kind, (n, total, max)) in kinds {
        eprintln!("timing:   {n} {kind}: {total:?} in all, slowest {max:?}");
    }
}

/// The theme's static files, with the site's own laid over them.
pub fn static_outputs(theme: &Theme) -> Result<Vec<Output>> {
    theme
        .statics
        .iter()
        .map(|(name, file)| {
            Ok(Output {
                path: name.clone(),
                bytes: file.read()?,
            })
        })
        .collect()
}

impl StaticFile {
    pub fn read(&self) -> Result<Vec<u8>> {
        match self {
            StaticFile::Embedded(b) => Ok(b.to_vec()),
            StaticFile::OnDisk(p) => {
                fs::read(p).with_context(|| format!("could not read static file {}", p.display()))
            }
        }
    }
}

impl Theme {
    /// Every template `name` depends on: itself, the templates it extends
    /// and the macro files any of them import.
    pub fn template_closure(&self, name: &str) -> Vec<String> {
        let mut out = vec![name.to_string()];
        let mut i = 0;
        while i < out.len() {
            if let Ok(t) = self.tera.get_template(&out[i]) {
                let more: Vec<String> = t
                    .parents
                    .iter()
                    .cloned()
                    .chain(t.imported_macro_files.iter().map(|(file, _)| file.clone()))
                    .collect();
                for m in more {
                    if !out.contains(&m) {
                        out.push(m);
                    }
                }
            }
            i += 1;
        }
        out
    }

    /// The embedded default for a static file, if the theme has one.
    pub fn embedded_static(name: &str) -> Option<&'static [u8]> {
        embedded::STATIC
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
    }
}
