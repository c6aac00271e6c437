//! An in-memory build that can be brought up to date after edits by
//! re-rendering only the pages the edited files affect.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;

use crate::config::{BuildOptions, Config, SITE_FILE};
use crate::content::{EntityKind, Parsed, RawContent};
use crate::diagnostics::Diagnostic;
use crate::graph::{digest, link_index, Site};
use crate::markdown::{self, LinkIndex};
use crate::render::reader::{
    article_digests, changed_deps, digests, patch_digests, Dep, ReadIndex,
};
use crate::render::{self, PageId, Theme};
use crate::search::{self, Record};
use rayon::prelude::*;

/// The served site's files: output path to bytes. Cheap to clone.
pub type Files = HashMap<String, Arc<[u8]>>;

/// What a rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Nothing the site uses changed.
    Nothing,
    /// Only stylesheets changed: browsers can swap them without a reload.
    Css { files: usize },
    /// Pages changed (and perhaps static files were copied): `rendered`
    /// counts the pages made out of date, whether already rendered again
    /// or left for [`Project::render_stale`].
    Pages { rendered: usize, removed: usize },
}

/// A site held in memory, with what it needs to update itself.
pub struct Project {
    site_dir: PathBuf,
    options: BuildOptions,
    pub config: Config,
    theme: Theme,
    site: Site,
    /// What every page read, as rendering recorded it.
    reads: ReadIndex,
    /// A digest of every item of the graph a page can read.
    digests: HashMap<Dep, u64>,
    /// What Markdown links resolve against, kept so one edited body can be
    /// re-rendered without reloading the site.
    index: LinkIndex,
    /// Article slug by source path.
    by_source: HashMap<PathBuf, String>,
    /// Search records, rebuilt only for items whose inputs changed.
    records: Records,
    /// Parsed files and rendered bodies, so an edit redoes only what it
    /// touched.
    caches: crate::Caches,
    pub files: Files,
    /// Pages whose files are out of date, by output path. `rebuild` renders
    /// them at once; `serve` renders the one a browser asks for first and
    /// the rest in the background, so an edit is served without waiting for
    /// every page it touched.
    stale: HashMap<String, PageId>,
    /// How many updates were patched into the kept graph.
    patches: usize,
    pub warnings: Vec<Diagnostic>,
    /// The files of batches that failed, applied again with the next: a
    /// save of several files that held one broken file must not lose the
    /// others' edits, and its error must stand until that file is fixed.
    retry: BTreeSet<PathBuf>,
}

/// The static files an edit touched: output name, and the new bytes or
/// `None` when the file is gone (or behind a link).
type StaticChanges = Vec<(String, Option<Arc<[u8]>>)>;

impl Project {
    /// Build the whole site in memory.
    pub fn open(site_dir: &Path, options: &BuildOptions) -> Result<Project> {
        let config = Config::load(site_dir, options)?;
        let mut caches = crate::Caches::kept();
        let (site, mut warnings) = crate::load_cached(&config, &mut caches, &HashSet::new())?;
        let theme = Theme::load(site_dir)?;
        warnings.extend(theme.warnings.iter().cloned());
        let all = render::pages(&site);
        render::check_static_collisions(&site, &all, theme.site_statics())?;
        let mut files = Files::new();
        let mut reads = ReadIndex::default();
        for (page, o, read) in render::render_pages_recorded(&site, &theme, &all)? {
            files.insert(o.path, o.bytes.into());
            reads.set(page, read);
        }
        for o in render::static_outputs(&theme)? {
            files.insert(o.path, o.bytes.into());
        }
        let mut project = Project {
            index: load_index(&mut caches, &config, &site),
            by_source: by_source(&site),
            records: Records::default(),
            caches,
            digests: digests(&site),
            site_dir: site_dir.to_path_buf(),
            options: options.clone(),
            reads,
            config,
            theme,
            site,
            files,
            stale: HashMap::new(),
            patches: 0,
            warnings,
            retry: BTreeSet::new(),
        };
        project.records.refresh(&project.site, &project.digests);
        Ok(project)
    }

    /// What the search index is built from: cheap to take, since records
    /// are kept and only edited briefings' records are rebuilt.
    pub fn search_records(&self) -> crate::search::IndexJob {
        crate::search::IndexJob {
            records: self.records.all(),
            language: self.config.site.language.clone(),
        }
    }

    /// Bring the build up to date after `changed` files (absolute or relative
    /// to the site folder) were created, edited or deleted, rendering every
    /// page that changed: [`Project::update`], then every stale page.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Change> {
        let change = self.update(changed)?;
        self.render_stale(usize::MAX)?;
        Ok(change)
    }

    /// Bring the graph up to date after `changed` files (absolute or
    /// relative to the site folder) were created, edited or deleted, and mark
    /// the pages that changed as stale without rendering them (a body edit's
    /// few pages excepted). On error the project is left as it was, so the
    /// last good site keeps being served.
    ///
    /// The pages marked are those that read an item of the graph whose
    /// digest changed, those whose templates changed, and new ones: what a
    /// full build would render differently, by construction.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Change> {
        let mut rel: BTreeSet<PathBuf> = changed
            .iter()
            .map(|p| {
                crate::source::site_relative(&self.site_dir, p)
                    .unwrap_or(p)
                    .to_path_buf()
            })
            .collect();
        rel.append(&mut self.retry);
        let outcome = self.update_files(&rel);
        if outcome.is_err() {
            self.retry = rel;
        }
        outcome
    }

    /// [`Project::update`] for site-relative paths, failed batches included.
    fn update_files(&mut self, rel: &BTreeSet<PathBuf>) -> Result<Change> {
        if rel.iter().any(|p| p == Path::new(SITE_FILE)) {
            let fresh = Project::open(&self.site_dir, &self.options)?;
            let rendered = fresh.reads.pages().count();
            *self = fresh;
            return Ok(Change::Pages {
                rendered,
                removed: 0,
            });
        }
        let under =
            |dir: &str| -> Vec<&PathBuf> { rel.iter().filter(|p| p.starts_with(dir)).collect() };
        let (content, templates, statics) = (under("content"), under("templates"), under("static"));
        if templates.is_empty() && statics.is_empty() && !content.is_empty() {
            if let Some(change) = self.rebuild_bodies(&content)? {
                return Ok(change);
            }
            if let Some(change) = self.patch_briefings(&content) {
                return Ok(change);
            }
            if let Some(change) = self.patch_profile(&content) {
                return Ok(change);
            }
        }
        // Load first, so a failure changes nothing.
        let new_site = (!content.is_empty())
            .then(|| self.load(&content))
            .transpose()?;
        let new_theme = (!templates.is_empty())
            .then(|| Theme::load(&self.site_dir))
            .transpose()?;
        let static_files = self.read_statics(&statics)?;
        let site = new_site.as_ref().map_or(&self.site, |(s, _)| s);
        let all = render::pages(site);
        let theme = new_theme.as_ref().unwrap_or(&self.theme);
        check_collisions(site, &all, theme, &static_files)?;
        let all: BTreeSet<PageId> = all.into_iter().collect();
        let mut todo: BTreeSet<PageId> = BTreeSet::new();
        if let Some((site, warnings)) = new_site {
            todo.extend(self.swap_site(site, warnings, &all));
        }
        if let Some(theme) = new_theme {
            todo.extend(self.pages_using(&theme, &templates, &all));
            self.theme = theme;
        }
        let (rendered, removed) = self.mark_stale(todo, &all);
        let copied = static_files.len();
        let css_only = copied > 0 && static_files.iter().all(|(n, _)| n.ends_with(".css"));
        for (name, bytes) in static_files {
            match bytes {
                Some(b) => self.files.insert(name, b),
                None => self.files.remove(&name),
            };
        }
        Ok(match (rendered + removed, copied) {
            (0, 0) => Change::Nothing,
            (0, _) if css_only => Change::Css { files: copied },
            _ => Change::Pages { rendered, removed },
        })
    }

    /// Load the site again, re-parsing only the edited content files (and
    /// any whose size or time changed). The kept parses follow the files
    /// on disk whether or not the load succeeds; a failed file is kept as
    /// its error, and reported again until it is edited.
    fn load(&mut self, edited: &[&PathBuf]) -> Result<(Site, Vec<Diagnostic>)> {
        let edited: HashSet<PathBuf> = edited.iter().map(|p| self.site_dir.join(p)).collect();
        crate::load_cached(&self.config, &mut self.caches, &edited)
    }

    /// Take a freshly loaded graph; returns the pages that must be rendered
    /// again: those that read an item that changed, and new ones.
    fn swap_site(
        &mut self,
        site: Site,
        warnings: Vec<Diagnostic>,
        all: &BTreeSet<PageId>,
    ) -> BTreeSet<PageId> {
        let mut t = crate::Timings::from_env();
        let new_digests = digests(&site);
        t.lap("digests");
        let changed = changed_deps(&self.digests, &new_digests);
        let mut todo = self.reads.readers(&changed);
        todo.extend(all.iter().filter(|p| !self.reads.contains(p)).cloned());
        self.index = load_index(&mut self.caches, &self.config, &site);
        self.by_source = by_source(&site);
        self.records.refresh_changed(&site, &new_digests, &changed);
        t.lap("records");
        self.digests = new_digests;
        self.site = site;
        self.warnings = warnings;
        todo
    }

    /// Pages whose templates (or the templates those extend or import)
    /// are among `edited`; every page if one is not a template name the
    /// theme knows (a new file may be included anywhere).
    fn pages_using(
        &self,
        theme: &Theme,
        edited: &[&PathBuf],
        all: &BTreeSet<PageId>,
    ) -> Vec<PageId> {
        let names: Vec<String> = edited
            .iter()
            .map(|p| {
                p.strip_prefix("templates")
                    .expect("under templates")
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        if !names.iter().all(|n| theme.tera.get_template(n).is_ok()) {
            return all.iter().cloned().collect();
        }
        let templates: BTreeSet<&'static str> = all.iter().filter_map(|p| p.template()).collect();
        let closures: HashMap<&'static str, Vec<String>> = templates
            .into_iter()
            .map(|t| (t, theme.template_closure(t)))
            .collect();
        all.iter()
            .filter(|p| {
                p.template()
                    .and_then(|t| closures.get(t))
                    .is_some_and(|c| c.iter().any(|t| names.contains(t)))
            })
            .cloned()
            .collect()
    }

    /// Mark `todo` (those of `all` the site has) stale and drop the files
    /// of pages it no longer has. Returns (marked, removed).
    fn mark_stale(&mut self, todo: BTreeSet<PageId>, all: &BTreeSet<PageId>) -> (usize, usize) {
        let gone: Vec<PageId> = self
            .reads
            .pages()
            .filter(|p| !all.contains(*p))
            .cloned()
            .collect();
        for page in &gone {
            self.files.remove(&page.output_path());
            self.reads.remove(page);
        }
        self.stale.retain(|_, p| all.contains(p));
        let todo: Vec<PageId> = todo.into_iter().filter(|p| all.contains(p)).collect();
        let marked = todo.len();
        self.stale
            .extend(todo.into_iter().map(|p| (p.output_path(), p)));
        (marked, gone.len())
    }

    /// The output paths of the pages not yet rendered since they changed.
    pub fn stale_paths(&self) -> std::collections::HashSet<String> {
        self.stale.keys().cloned().collect()
    }

    /// How many updates [`crate::graph::patch`] applied to the kept graph
    /// rather than loading the site again: for tests and timings.
    pub fn patches(&self) -> usize {
        self.patches
    }

    pub fn has_stale(&self) -> bool {
        !self.stale.is_empty()
    }

    /// Render up to `limit` stale pages; returns how many. If rendering
    /// fails, those pages keep their last files and are no longer stale, so
    /// a broken template is reported once, not retried in a loop.
    pub fn render_stale(&mut self, limit: usize) -> Result<usize> {
        // Pages before feeds and data files: a browser is likelier to want
        // them next.
        let mut todo: Vec<PageId> = self.stale.values().cloned().collect();
        if todo.len() > limit {
            todo.sort_by_key(|p| !p.is_html());
            todo.truncate(limit);
        }
        self.render_existing(&todo)
    }

    /// Render the stale page whose output is `path`, if there is one:
    /// what a browser asked for, ahead of the rest.
    pub fn render_path(&mut self, path: &str) -> Result<bool> {
        let Some(page) = self.stale.get(path).cloned() else {
            return Ok(false);
        };
        self.render_existing(&[page])?;
        Ok(true)
    }

    /// Render pages the site has, keeping what each read.
    fn render_existing(&mut self, todo: &[PageId]) -> Result<usize> {
        for page in todo {
            self.stale.remove(&page.output_path());
        }
        let mut t = crate::Timings::from_env();
        let outputs = render::render_pages_recorded(&self.site, &self.theme, todo)?;
        t.lap(&format!("render {} pages", outputs.len()));
        let rendered = outputs.len();
        for (page, o, read) in outputs {
            self.files.insert(o.path, o.bytes.into());
            self.reads.set(page, read);
        }
        Ok(rendered)
    }

    /// The bytes of each edited static file. A new or moved folder under
    /// static/ stands for every file in it; nothing behind a link is read,
    /// as on the first load.
    fn read_statics(&mut self, statics: &[&PathBuf]) -> Result<StaticChanges> {
        let mut link_warnings = Vec::new();
        let mut paths: Vec<PathBuf> = Vec::new();
        for p in statics {
            let abs = self.site_dir.join(p);
            if abs.is_dir() && !crate::source::is_linked(&self.site_dir, p) {
                let found = crate::source::walk(&self.site_dir, &abs, &mut link_warnings);
                paths.extend(found.into_iter().map(|(name, _)| p.join(name)));
            } else {
                paths.push((*p).clone());
            }
        }
        self.warnings.extend(link_warnings);
        let mut out = Vec::new();
        for p in paths {
            let name = p
                .strip_prefix("static")
                .expect("under static")
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = if crate::source::is_linked(&self.site_dir, &p) {
                None
            } else {
                let abs = self.site_dir.join(&p);
                crate::source::read_plain_file(&abs)
                    .map_err(|e| anyhow::anyhow!("could not read {}: {e}", abs.display()))?
            };
            let bytes = match bytes {
                Some(b) => Some(b.into()),
                None => Theme::embedded_static(&name).map(Into::into),
            };
            out.push((name, bytes));
        }
        Ok(out)
    }

    /// The common edit, fast: briefings whose front matter is byte-for-byte
    /// unchanged and whose summary stays the same. Only their bodies are
    /// re-rendered, against the kept link index, and only the pages that
    /// read them are rendered; the rest of the graph stays valid. Returns
    /// `None` when the edit needs the full path.
    fn rebuild_bodies(&mut self, changed: &[&PathBuf]) -> Result<Option<Change>> {
        let mut updates = Vec::new();
        for path in changed {
            match self.reparse_body(path) {
                Some(update) => updates.push(update),
                None => return Ok(None),
            }
        }
        let mut changed_deps = BTreeSet::new();
        let slugs: Vec<String> = updates.iter().map(|(slug, _, _)| slug.clone()).collect();
        for (slug, path, out) in updates {
            let a = self.site.articles.get_mut(&slug).expect("article exists");
            // Summary and assets were checked unchanged; this sets them as
            // a patch would.
            let from_body = a.summary == out.first_paragraph;
            crate::graph::set_article_body(a, &out, &self.index, from_body);
            // Front-matter findings stay; the body's are replaced.
            let body_line = a.body_line;
            self.warnings.retain(|d| {
                d.file.as_deref() != Some(path.as_path()) || d.line.is_some_and(|l| l < body_line)
            });
            self.warnings.extend(out.diagnostics.iter().cloned());
            for (dep, digest) in article_digests(&self.site.articles[&slug]) {
                if self.digests.insert(dep.clone(), digest) != Some(digest) {
                    changed_deps.insert(dep);
                }
            }
        }
        let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
        self.records
            .refresh_articles(&self.site, &self.digests, &slugs);
        crate::diagnostics::sort(&mut self.warnings);
        // A body edit changes no page's existence: only re-render readers.
        let todo: Vec<PageId> = self.reads.readers(&changed_deps).into_iter().collect();
        let rendered = self.render_existing(&todo)?;
        Ok(Some(Change::Pages {
            rendered,
            removed: 0,
        }))
    }

    /// Edits to a few briefing files, applied to the graph in place when
    /// [`crate::graph::patch`] can, so that an edit costs what it reaches
    /// rather than a load of the whole site; `None` when it cannot.
    fn patch_briefings(&mut self, changed: &[&PathBuf]) -> Option<Change> {
        const MOST: usize = 16;
        let briefing = |p: &Path| {
            p.starts_with("content/articles")
                && p.extension().is_some_and(|e| e == "md")
                && crate::source::classify(p) == Some(crate::source::SourceKind::Content)
                && !crate::source::is_linked(&self.site_dir, p)
                && !self.site_dir.join(p).is_dir()
        };
        if changed.len() > MOST || !changed.iter().all(|p| briefing(p)) {
            return None;
        }
        // A new page could land on a static file's path: let a full load
        // report that.
        if self
            .theme
            .site_statics()
            .any(|n| n.starts_with("articles/"))
        {
            return None;
        }
        let mut edits = Vec::new();
        for p in changed {
            let doc = match self
                .caches
                .parsed
                .reparse_article(&self.site_dir.join(p), p)
            {
                None => None,
                Some(Ok(doc)) => Some(doc),
                Some(Err(_)) => return None,
            };
            edits.push(crate::graph::patch::BriefingEdit {
                path: p.to_path_buf(),
                doc,
            });
        }
        let mut t = crate::Timings::from_env();
        let warnings = &self.warnings;
        let has_findings = |p: &Path| warnings.iter().any(|d| d.file.as_deref() == Some(p));
        let patched = crate::graph::patch::patch(
            &mut self.site,
            &mut self.caches.graph,
            &mut self.index,
            &self.caches.parsed,
            &edits,
            &has_findings,
        )?;
        t.lap("patch");
        for e in &edits {
            self.by_source.remove(&e.path);
        }
        for slug in &patched.touched.articles {
            if let Some(a) = self.site.articles.get(slug) {
                if edits.iter().any(|e| e.path == a.source) {
                    self.by_source.insert(a.source.clone(), slug.clone());
                }
            }
        }
        Some(self.patched(patched))
    }

    /// An edit to one profile, applied to the graph in place when
    /// [`crate::graph::patch_profile`] can; `None` when it cannot.
    fn patch_profile(&mut self, changed: &[&PathBuf]) -> Option<Change> {
        let [path] = changed else {
            return None;
        };
        let profile = EntityKind::ALL
            .iter()
            .any(|k| path.parent() == Some(Path::new("content").join(k.dir()).as_path()));
        if !profile
            || path.extension().is_none_or(|e| e != "md")
            || crate::source::is_linked(&self.site_dir, path)
        {
            return None;
        }
        let mut raw = RawContent::default();
        // A profile with findings of its own is left to a full load.
        let abs = self.site_dir.join(path);
        match self.caches.parsed.reparse(&abs, path)? {
            Ok(Parsed::Country(d)) if d.warnings.is_empty() => raw.countries.push(d),
            Ok(Parsed::Leader(d)) if d.warnings.is_empty() => raw.leaders.push(d),
            Ok(Parsed::Crisis(d)) if d.warnings.is_empty() => raw.crises.push(d),
            _ => return None,
        }
        let mut t = crate::Timings::from_env();
        let warnings = &self.warnings;
        let own_findings = |p: &Path, offices: &[Diagnostic]| {
            warnings
                .iter()
                .any(|d| d.file.as_deref() == Some(p) && !offices.contains(d))
        };
        let (patched, before, after) = crate::graph::patch_profile::patch_profile(
            &mut self.site,
            &mut self.caches.graph,
            &mut self.index,
            &self.caches.parsed,
            &raw,
            &own_findings,
        )?;
        t.lap("patch");
        // Overlapping offices are checked across profiles: their findings
        // are replaced whole.
        self.warnings.retain(|d| !before.contains(d));
        self.warnings.extend(after);
        Some(self.patched(patched))
    }

    /// Take what a patch changed: the findings of the bodies it rendered
    /// again, the digests of what it touched, and the pages that read them
    /// (marked stale).
    fn patched(&mut self, patched: crate::graph::patch::Patched) -> Change {
        let mut t = crate::Timings::from_env();
        for (path, line, found) in patched.bodies {
            self.warnings.retain(|d| {
                d.file.as_deref() != Some(path.as_path()) || d.line.is_some_and(|l| l < line)
            });
            self.warnings.extend(found);
        }
        crate::diagnostics::sort(&mut self.warnings);
        let pages = render::pages(&self.site);
        let changed = patch_digests(&self.site, &patched.touched, &pages, &mut self.digests);
        t.lap("digests");
        let all: BTreeSet<PageId> = pages.into_iter().collect();
        let mut todo = self.reads.readers(&changed);
        todo.extend(all.iter().filter(|p| !self.reads.contains(p)).cloned());
        self.records
            .refresh_changed(&self.site, &self.digests, &changed);
        let (rendered, removed) = self.mark_stale(todo, &all);
        t.lap("records and pages");
        self.patches += 1;
        Change::Pages { rendered, removed }
    }

    /// Re-render one briefing's body if its front matter is unchanged and
    /// its summary stays the same; `None` otherwise.
    fn reparse_body(&mut self, path: &Path) -> Option<(String, PathBuf, Arc<markdown::Rendered>)> {
        let slug = self.by_source.get(path)?.clone();
        if crate::source::is_linked(&self.site_dir, path) {
            return None;
        }
        // Through the kept parses, so that they follow the file: a later
        // patch reads other files' bodies from them.
        let doc = self
            .caches
            .parsed
            .reparse_article(&self.site_dir.join(path), path)?
            .ok()?;
        let old = &self.site.articles[&slug];
        let same_front =
            digest(&doc.yaml) == old.front_matter_digest && doc.body_line == old.body_line;
        if !same_front || !doc.warnings.is_empty() {
            return None;
        }
        // Rendered and kept the way a patch renders a body, so a later
        // edit to a file it links to finds this body among its readers.
        let out = crate::graph::render_edited_body(old, &doc, &mut self.caches.graph, &self.index);
        if crate::graph::summary_from_body(&doc) && out.first_paragraph != old.summary {
            return None;
        }
        // Files beside it that came or went add or remove pages.
        if crate::graph::article_assets(&out.assets, &self.index) != old.assets {
            return None;
        }
        Some((slug.clone(), path.to_path_buf(), out))
    }
}

/// A static file at a page's path is an error; checked before anything
/// changes, so a collision keeps the last good site.
fn check_collisions(
    site: &Site,
    all: &[PageId],
    theme: &Theme,
    statics: &StaticChanges,
) -> Result<()> {
    let removed: BTreeSet<&str> = statics
        .iter()
        .filter(|(_, b)| b.is_none())
        .map(|(n, _)| n.as_str())
        .collect();
    let added = statics
        .iter()
        .filter(|(_, b)| b.is_some())
        .map(|(n, _)| n.as_str());
    let names = theme
        .site_statics()
        .chain(added)
        .filter(|n| !removed.contains(n));
    render::check_static_collisions(site, all, names)?;
    Ok(())
}

/// Search records by the item they index, each with a digest of what it
/// was built from, so a rebuild redoes only the records whose inputs
/// changed: a briefing's own fields and the names of what it is tagged with.
#[derive(Default)]
struct Records(HashMap<Dep, (u64, Arc<Record>)>);

impl Records {
    /// Bring every record up to date, dropping those of removed items.
    fn refresh(&mut self, site: &Site, digests: &HashMap<Dep, u64>) {
        let mut wanted: Vec<(Dep, u64)> = site
            .articles
            .values()
            .map(|a| article_key(a, digests))
            .collect();
        for e in site.entities.values().filter(|e| e.source.is_some()) {
            let dep = Dep::Entity(e.id.clone());
            wanted.push((dep.clone(), combine([dep], digests)));
        }
        let keep: HashSet<&Dep> = wanted.iter().map(|(d, _)| d).collect();
        self.0.retain(|d, _| keep.contains(d));
        self.update(site, wanted);
    }

    /// Bring every record up to date after a load, looking only at the
    /// items whose digests changed: a record's key is made of its
    /// briefing's, its entities' names' and its tags' names' digests (or its
    /// profile's), so no other record can have a new key. The same records
    /// as [`Records::refresh`] would give, without keying 10,000 briefings.
    fn refresh_changed(
        &mut self,
        site: &Site,
        digests: &HashMap<Dep, u64>,
        changed: &BTreeSet<Dep>,
    ) {
        let profile =
            |id: &crate::graph::EntityId| site.entities.get(id).is_some_and(|e| e.source.is_some());
        self.0.retain(|d, _| match d {
            Dep::Article(id) => site.articles.contains_key(id),
            Dep::Entity(id) => profile(id),
            _ => false,
        });
        let mut ids: BTreeSet<&str> = BTreeSet::new();
        let mut wanted: Vec<(Dep, u64)> = Vec::new();
        for dep in changed {
            match dep {
                Dep::Article(id) if site.articles.contains_key(id) => {
                    ids.insert(id);
                }
                Dep::EntityName(id) => {
                    let tagged = site
                        .entities
                        .get(id)
                        .map(|e| &e.articles[..])
                        .unwrap_or(&[]);
                    ids.extend(tagged.iter().map(String::as_str));
                }
                Dep::TagName(slug) => {
                    let tagged = site.tags.get(slug).map(|t| &t.articles[..]).unwrap_or(&[]);
                    ids.extend(tagged.iter().map(String::as_str));
                }
                Dep::Entity(id) if profile(id) => {
                    wanted.push((dep.clone(), combine([dep.clone()], digests)));
                }
                _ => {}
            }
        }
        wanted.extend(
            ids.into_iter()
                .map(|id| article_key(&site.articles[id], digests)),
        );
        self.update(site, wanted);
    }

    /// Bring the records of some briefings up to date.
    fn refresh_articles(&mut self, site: &Site, digests: &HashMap<Dep, u64>, ids: &[&str]) {
        let wanted = ids
            .iter()
            .map(|id| article_key(&site.articles[*id], digests));
        self.update(site, wanted.collect());
    }

    /// Rebuild, in parallel, the records whose key is not the one kept.
    fn update(&mut self, site: &Site, wanted: Vec<(Dep, u64)>) {
        let stale: Vec<(Dep, u64)> = wanted
            .into_iter()
            .filter(|(d, k)| self.0.get(d).is_none_or(|(old, _)| old != k))
            .collect();
        let fresh: Vec<(Dep, (u64, Arc<Record>))> = stale
            .into_par_iter()
            .map(|(dep, key)| {
                let record = match &dep {
                    Dep::Article(id) => search::article_record(site, &site.articles[id]),
                    Dep::Entity(id) => search::entity_record(site, &site.entities[id]),
                    _ => unreachable!("records are kept for briefings and profiles"),
                };
                (dep, (key, Arc::new(record)))
            })
            .collect();
        self.0.extend(fresh);
    }

    /// Every record, in URL order as a full build lists them.
    fn all(&self) -> Vec<Arc<Record>> {
        let mut out: Vec<Arc<Record>> = self.0.values().map(|(_, r)| r.clone()).collect();
        out.sort_by(|a, b| a.url.cmp(&b.url));
        out
    }
}

/// A briefing's record is built from its own fields and the names of what
/// it is tagged with.
fn article_key(a: &crate::graph::Article, digests: &HashMap<Dep, u64>) -> (Dep, u64) {
    let inputs = std::iter::once(Dep::Article(a.slug.clone()))
        .chain(a.entities.iter().cloned().map(Dep::EntityName))
        .chain(a.tags.iter().cloned().map(Dep::TagName));
    (Dep::Article(a.slug.clone()), combine(inputs, digests))
}

/// One digest over the digests of `deps`.
fn combine(deps: impl IntoIterator<Item = Dep>, digests: &HashMap<Dep, u64>) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for d in deps {
        h.update(&digests.get(&d).copied().unwrap_or(0).to_le_bytes());
    }
    h.digest()
}

/// The link index of the load that made `site`: the one it kept, or built
/// again if it kept none.
fn load_index(caches: &mut crate::Caches, config: &Config, site: &Site) -> LinkIndex {
    caches.graph.bodies.take_index().unwrap_or_else(|| {
        link_index(
            config,
            &site.entities,
            &site.articles,
            &site.unpublished,
            &site.assets,
        )
    })
}

fn by_source(site: &Site) -> HashMap<PathBuf, String> {
    site.articles
        .values()
        .map(|a| (a.source.clone(), a.slug.clone()))
        .collect()
}
