//! An in-memory build that can be brought up to date after edits by
//! re-rendering only the pages the edited files affect, and checked
//! against a full load so that it converges to what `build` makes.

mod findings;
mod languages;
mod records;
mod store;
mod verify;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;

use crate::config::{BuildOptions, Config, SITE_FILE};
use crate::content::{EntityKind, Parsed, RawContent};
use crate::diagnostics::Diagnostic;
use crate::graph::{digest, link_index, Site};
use crate::markdown::{self, LinkIndex};
use crate::render::reader::Dep;
use crate::render::reads::{article_digests, changed_deps, digests, patch_digests};
use crate::render::{self, PageId, Theme};
pub use findings::{Findings, Phase};
use languages::OtherLanguages;
use records::Records;
use store::PageStore;
pub use verify::{FullLoad, Job};

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

/// A site held in memory, with what it needs to update itself: the
/// sources' settings, the graph, the pages, the search records and the
/// findings, each kept by a part of its own.
pub struct Project {
    site_dir: PathBuf,
    options: BuildOptions,
    pub config: Config,
    theme: Theme,
    graph: GraphState,
    pages: PageStore,
    /// Search records, rebuilt only for items whose inputs changed.
    records: Records,
    findings: Findings,
    /// The files of batches that failed, applied again with the next: a
    /// save of several files that held one broken file must not lose the
    /// others' edits, and its error must stand until that file is fixed.
    retry: BTreeSet<PathBuf>,
    /// The site's other languages, loaded whole after each edit and
    /// rendered where their pages read what changed.
    others: OtherLanguages,
}

/// The graph and what is kept to patch it.
struct GraphState {
    site: Site,
    /// A digest of every item of the graph a page can read.
    digests: HashMap<Dep, u64>,
    /// What Markdown links resolve against, kept so one edited body can be
    /// re-rendered without reloading the site.
    index: LinkIndex,
    /// Article slug by source path.
    by_source: HashMap<PathBuf, String>,
    /// Parsed files and rendered bodies, so an edit redoes only what it
    /// touched.
    caches: crate::Caches,
    /// How many updates were patched into the kept graph.
    patches: usize,
}

/// The static files an edit touched: output name, and the new bytes or
/// `None` when the file is gone (or behind a link).
type StaticChanges = Vec<(String, Option<Arc<[u8]>>)>;

impl Project {
    /// Build the whole site in memory.
    pub fn open(site_dir: &Path, options: &BuildOptions) -> Result<Project> {
        let config = Config::load(site_dir, options)?;
        let mut caches = crate::Caches::kept();
        let (site, found) = crate::load_cached(&config, &mut caches, &HashSet::new())?;
        let mut findings = Findings::from_load(found, caches.graph.bodies.findings());
        let theme = Theme::load(&config)?;
        findings.set_theme(&theme.warnings);
        let pages = PageStore::render_all(&site, &theme)?;
        let others = OtherLanguages::open(&config)?;
        let mut project = Project {
            graph: GraphState {
                index: load_index(&mut caches, &config, &site),
                by_source: by_source(&site),
                digests: digests(&site),
                caches,
                site,
                patches: 0,
            },
            records: Records::default(),
            site_dir: site_dir.to_path_buf(),
            options: options.clone(),
            pages,
            config,
            theme,
            findings,
            retry: BTreeSet::new(),
            others,
        };
        project.records.refresh(
            &project.graph.site,
            &project.graph.digests,
            project.theme.words(project.config.language()),
        );
        project.others.install(&mut project.pages.files);
        Ok(project)
    }

    /// The served files.
    pub fn files(&self) -> &Files {
        &self.pages.files
    }

    /// Every finding, in the order a build prints them.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        self.findings.all()
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
        let outcome = match rel.iter().any(|p| p == Path::new(SITE_FILE)) {
            // Opened afresh, other languages included.
            true => self.update_files(&rel),
            false => self.update_languages(&rel),
        };
        if outcome.is_err() {
            self.retry = rel;
        }
        outcome
    }

    /// [`Project::update`] for every language, the others first: their
    /// files are served only once the default's update succeeds too, so a
    /// failure anywhere leaves the served site as it was.
    fn update_languages(&mut self, rel: &BTreeSet<PathBuf>) -> Result<Change> {
        let edited: HashSet<PathBuf> = rel
            .iter()
            .filter(|p| p.starts_with("content"))
            .map(|p| self.site_dir.join(p))
            .collect();
        let templates: Vec<&PathBuf> = rel.iter().filter(|p| p.starts_with("templates")).collect();
        self.others
            .update(&self.config, &edited, &template_names(&templates))?;
        let change = self.update_files(rel)?;
        let n = self.others.install(&mut self.pages.files);
        Ok(match change {
            Change::Nothing | Change::Css { .. } if n > 0 => Change::Pages {
                rendered: n,
                removed: 0,
            },
            change => change,
        })
    }

    /// [`Project::update`] for site-relative paths, failed batches included.
    fn update_files(&mut self, rel: &BTreeSet<PathBuf>) -> Result<Change> {
        if rel.iter().any(|p| p == Path::new(SITE_FILE)) {
            let fresh = Project::open(&self.site_dir, &self.options)?;
            let rendered = fresh.pages.pages().len();
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
            if let Some(change) = self.patch_book(&content) {
                return Ok(change);
            }
        }
        // Load first, so a failure changes nothing.
        let new_site = (!content.is_empty())
            .then(|| self.load(&content))
            .transpose()?;
        let new_theme = (!templates.is_empty())
            .then(|| Theme::load(&self.config))
            .transpose()?;
        let static_files = self.read_statics(&statics)?;
        let site = new_site.as_ref().map_or(&self.graph.site, |(s, _)| s);
        let all = render::pages(site);
        let theme = new_theme.as_ref().unwrap_or(&self.theme);
        check_collisions(site, &all, theme, &static_files)?;
        let mut todo: BTreeSet<PageId> = BTreeSet::new();
        if let Some((site, found)) = new_site {
            let general = self.findings.general();
            self.findings = Findings::from_load(found, self.graph.caches.graph.bodies.findings());
            self.findings.add_general(general);
            let new_digests = digests(&site);
            todo.extend(self.swap_graph(site, new_digests));
        }
        if let Some(theme) = new_theme {
            let names = template_names(&templates);
            todo.extend(PageStore::using_templates(&theme, &names, &all));
            self.findings.set_theme(&theme.warnings);
            self.theme = theme;
        }
        let (rendered, removed) = self.pages.mark_stale(todo, all);
        let copied = static_files.len();
        let css_only = copied > 0 && static_files.iter().all(|(n, _)| n.ends_with(".css"));
        for (name, bytes) in static_files {
            match bytes {
                Some(b) => self.pages.files.insert(name, b),
                None => self.pages.files.remove(&name),
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
        let loaded = crate::load_cached(&self.config, &mut self.graph.caches, &edited);
        if loaded.is_err() {
            // The graph's caches now describe the graph that failed, not
            // the one kept: a patch against them would miscount. The next
            // load makes them again.
            self.graph.caches.graph = crate::graph::Caches::kept();
        }
        loaded
    }

    /// Take a freshly loaded graph, with its digests; returns the pages
    /// that must be rendered again: those that read an item that changed.
    fn swap_graph(&mut self, site: Site, new_digests: HashMap<Dep, u64>) -> BTreeSet<PageId> {
        let mut t = crate::Timings::from_env();
        let changed = changed_deps(&self.graph.digests, &new_digests);
        let todo = self.pages.readers(&changed);
        self.graph.index = load_index(&mut self.graph.caches, &self.config, &site);
        self.graph.by_source = by_source(&site);
        let words = self.theme.words(self.config.language());
        self.records
            .refresh_changed(&site, &new_digests, &changed, words);
        t.lap("records");
        self.graph.digests = new_digests;
        self.graph.site = site;
        todo
    }

    /// The output paths of the pages not yet rendered since they changed.
    pub fn stale_paths(&self) -> HashSet<String> {
        self.pages.stale_paths()
    }

    /// How many updates [`crate::graph::patch`] applied to the kept graph
    /// rather than loading the site again: for tests and timings.
    pub fn patches(&self) -> usize {
        self.graph.patches
    }

    pub fn has_stale(&self) -> bool {
        self.pages.has_stale()
    }

    /// Render up to `limit` stale pages; returns how many. If rendering
    /// fails, those pages keep their last files and are no longer stale, so
    /// a broken template is reported once, not retried in a loop.
    pub fn render_stale(&mut self, limit: usize) -> Result<usize> {
        let todo = self.pages.next_stale(limit);
        self.pages.render(&self.graph.site, &self.theme, &todo)
    }

    /// Render the stale page whose output is `path`, if there is one:
    /// what a browser asked for, ahead of the rest.
    pub fn render_path(&mut self, path: &str) -> Result<bool> {
        let Some(page) = self.pages.stale_at(path) else {
            return Ok(false);
        };
        self.pages.render(&self.graph.site, &self.theme, &[page])?;
        Ok(true)
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
        self.findings.add_general(link_warnings);
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
            let a = self
                .graph
                .site
                .articles
                .get_mut(&slug)
                .expect("article exists");
            // Summary and assets were checked unchanged; this sets them as
            // a patch would.
            let from_body = a.summary == out.first_paragraph;
            crate::graph::set_article_body(a, &out, &self.graph.index, from_body);
            // Front-matter findings stay; the body's are replaced.
            self.findings
                .set(&path, Phase::Body, out.diagnostics.clone());
            for (dep, digest) in article_digests(&self.graph.site.articles[&slug]) {
                if self.graph.digests.insert(dep.clone(), digest) != Some(digest) {
                    changed_deps.insert(dep);
                }
            }
        }
        let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
        self.records.refresh_articles(
            &self.graph.site,
            &self.graph.digests,
            &slugs,
            self.theme.words(self.config.language()),
        );
        // A body edit changes no page's existence: only re-render readers.
        let todo: Vec<PageId> = self.pages.readers(&changed_deps).into_iter().collect();
        let rendered = self.pages.render(&self.graph.site, &self.theme, &todo)?;
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
                .graph
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
        let findings = &self.findings;
        let has_findings = |p: &Path| findings.about(p);
        let patched = crate::graph::patch::patch(
            &mut self.graph.site,
            &mut self.graph.caches.graph,
            &mut self.graph.index,
            &self.graph.caches.parsed,
            &edits,
            &has_findings,
        )?;
        t.lap("patch");
        for e in &edits {
            self.graph.by_source.remove(&e.path);
        }
        for slug in &patched.touched.articles {
            if let Some(a) = self.graph.site.articles.get(slug) {
                if edits.iter().any(|e| e.path == a.source) {
                    self.graph.by_source.insert(a.source.clone(), slug.clone());
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
        // A file of another language parses as another kind: a load
        // sorts the languages out.
        if self.config.is_multilingual() {
            return None;
        }
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
        match self.graph.caches.parsed.reparse(&abs, path)? {
            Ok(Parsed::Country(d)) if d.warnings.is_empty() => raw.countries.push(d),
            Ok(Parsed::Leader(d)) if d.warnings.is_empty() => raw.leaders.push(d),
            Ok(Parsed::Crisis(d)) if d.warnings.is_empty() => raw.crises.push(d),
            _ => return None,
        }
        let mut t = crate::Timings::from_env();
        let findings = &self.findings;
        let own_findings = |p: &Path, offices: &[Diagnostic]| findings.about_except(p, offices);
        let (patched, before, after) = crate::graph::patch_profile::patch_profile(
            &mut self.graph.site,
            &mut self.graph.caches.graph,
            &mut self.graph.index,
            &self.graph.caches.parsed,
            &raw,
            &own_findings,
        )?;
        t.lap("patch");
        // Overlapping offices are checked across profiles: their findings
        // are replaced whole.
        self.findings.replace(&before, after);
        Some(self.patched(patched))
    }

    /// An edit to one briefing book, applied in place when
    /// [`crate::graph::patch_book`] can; `None` when it cannot.
    fn patch_book(&mut self, changed: &[&PathBuf]) -> Option<Change> {
        let [path] = changed else {
            return None;
        };
        if self.config.is_multilingual() {
            return None;
        }
        let book = path.parent() == Some(Path::new("content/books"))
            && path.extension().is_some_and(|e| e == "md")
            && !crate::source::is_linked(&self.site_dir, path);
        if !book {
            return None;
        }
        let abs = self.site_dir.join(path);
        let doc = match self.graph.caches.parsed.reparse(&abs, path) {
            None => None,
            Some(Ok(Parsed::Book(d))) => Some(d),
            Some(_) => return None,
        };
        let findings = &self.findings;
        let has_findings = |p: &Path| findings.about(p);
        let patched = crate::graph::patch_book::patch_book(
            &mut self.graph.site,
            &mut self.graph.caches.graph,
            &self.graph.index,
            path,
            doc.as_deref(),
            &has_findings,
        )?;
        Some(self.patched(patched))
    }

    /// Take what a patch changed: the findings of the bodies it rendered
    /// again, the digests of what it touched, and the pages that read them
    /// (marked stale).
    fn patched(&mut self, patched: crate::graph::patch::Patched) -> Change {
        let mut t = crate::Timings::from_env();
        for (path, _line, found) in patched.bodies {
            self.findings.set(&path, Phase::Body, found);
        }
        let pages = render::pages(&self.graph.site);
        let changed = patch_digests(
            &self.graph.site,
            &patched.touched,
            &pages,
            &mut self.graph.digests,
        );
        t.lap("digests");
        let todo = self.pages.readers(&changed);
        self.records.refresh_changed(
            &self.graph.site,
            &self.graph.digests,
            &changed,
            self.theme.words(self.config.language()),
        );
        let (rendered, removed) = self.pages.mark_stale(todo, pages);
        t.lap("records and pages");
        self.graph.patches += 1;
        Change::Pages { rendered, removed }
    }

    /// Re-render one briefing's body if its front matter is unchanged and
    /// its summary stays the same; `None` otherwise.
    fn reparse_body(&mut self, path: &Path) -> Option<(String, PathBuf, Arc<markdown::Rendered>)> {
        let slug = self.graph.by_source.get(path)?.clone();
        if crate::source::is_linked(&self.site_dir, path) {
            return None;
        }
        // Through the kept parses, so that they follow the file: a later
        // patch reads other files' bodies from them.
        let doc = self
            .graph
            .caches
            .parsed
            .reparse_article(&self.site_dir.join(path), path)?
            .ok()?;
        let old = &self.graph.site.articles[&slug];
        let same_front =
            digest(&doc.yaml) == old.front_matter_digest && doc.body_line == old.body_line;
        if !same_front || !doc.warnings.is_empty() {
            return None;
        }
        // Rendered and kept the way a patch renders a body, so a later
        // edit to a file it links to finds this body among its readers.
        let out = crate::graph::render_edited_body(
            old,
            &doc,
            &mut self.graph.caches.graph,
            &self.graph.index,
        );
        if crate::graph::summary_from_body(&doc) && out.first_paragraph != old.summary {
            return None;
        }
        // Files beside it that came or went add or remove pages.
        if crate::graph::article_assets(&out.assets, &self.graph.index) != old.assets {
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

/// Template names of edited paths under templates/.
fn template_names(edited: &[&PathBuf]) -> Vec<String> {
    edited
        .iter()
        .map(|p| {
            p.strip_prefix("templates")
                .expect("under templates")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
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
