//! An in-memory build that can be brought up to date after edits by
//! re-rendering only the pages the edited files affect.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;

use crate::config::{BuildOptions, Config, SITE_FILE};
use crate::content::frontmatter::ArticleFrontMatter;
use crate::content::parse_document;
use crate::diagnostics::Diagnostic;
use crate::graph::{digest, link_index, Article, Site};
use crate::markdown::{self, DocContext, LinkIndex};
use crate::render::{self, deps::dependencies, PageId, Theme};

/// The served site's files: output path to bytes. Cheap to clone.
pub type Files = HashMap<String, Arc<[u8]>>;

/// What a rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Nothing the site uses changed.
    Nothing,
    /// Only stylesheets changed: browsers can swap them without a reload.
    Css { files: usize },
    /// Pages were re-rendered (and perhaps static files copied).
    Pages { rendered: usize, removed: usize },
}

/// A site held in memory, with what it needs to update itself.
pub struct Project {
    site_dir: PathBuf,
    options: BuildOptions,
    pub config: Config,
    theme: Theme,
    site: Site,
    deps: BTreeMap<PathBuf, BTreeSet<PageId>>,
    /// Every page and the output path it was written to.
    pages: BTreeMap<PageId, String>,
    /// Names, aliases and paths that Markdown links resolve against. When
    /// these change, any body may render differently.
    link_inputs: Vec<String>,
    /// What Markdown links resolve against, kept so one edited body can be
    /// re-rendered without reloading the site.
    index: LinkIndex,
    /// Article slug by source path.
    by_source: HashMap<PathBuf, String>,
    /// Search records by URL.
    records: BTreeMap<String, Arc<crate::search::Record>>,
    pub files: Files,
    pub warnings: Vec<Diagnostic>,
}

impl Project {
    /// Build the whole site in memory.
    pub fn open(site_dir: &Path, options: &BuildOptions) -> Result<Project> {
        let config = Config::load(site_dir, options)?;
        let (site, mut warnings) = crate::load(&config)?;
        let theme = Theme::load(site_dir)?;
        warnings.extend(theme.warnings.iter().cloned());
        let all = render::pages(&site);
        render::check_static_collisions(&site, &all, theme.site_statics())?;
        let mut files = Files::new();
        for o in render::render_pages(&site, &theme, &all)?
            .into_iter()
            .chain(render::static_outputs(&theme)?)
        {
            files.insert(o.path, o.bytes.into());
        }
        Ok(Project {
            index: link_index(&config, &site.entities, &site.articles, &site.unpublished),
            by_source: by_source(&site),
            records: records(&site),
            site_dir: site_dir.to_path_buf(),
            options: options.clone(),
            deps: dependencies(&site),
            pages: all
                .into_iter()
                .map(|p| {
                    let path = p.output_path(&site);
                    (p, path)
                })
                .collect(),
            link_inputs: link_inputs(&site),
            config,
            theme,
            site,
            files,
            warnings,
        })
    }

    /// What the search index is built from: cheap to take, since records
    /// are kept and only edited briefings' records are rebuilt.
    pub fn search_records(&self) -> Vec<Arc<crate::search::Record>> {
        self.records.values().cloned().collect()
    }

    /// Bring the build up to date after `changed` files (absolute or relative
    /// to the site folder) were created, edited or deleted. On error the
    /// project is left as it was, so the last good site keeps being served.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Change> {
        let rel: BTreeSet<PathBuf> = changed
            .iter()
            .map(|p| {
                crate::source::site_relative(&self.site_dir, p)
                    .unwrap_or(p)
                    .to_path_buf()
            })
            .collect();
        let is_under = |p: &Path, dir: &str| p.starts_with(dir);
        if rel.iter().any(|p| p == Path::new(SITE_FILE)) {
            let fresh = Project::open(&self.site_dir, &self.options)?;
            let rendered = fresh.pages.len();
            *self = fresh;
            return Ok(Change::Pages {
                rendered,
                removed: 0,
            });
        }
        let content: Vec<&PathBuf> = rel.iter().filter(|p| is_under(p, "content")).collect();
        let templates: Vec<&PathBuf> = rel.iter().filter(|p| is_under(p, "templates")).collect();
        let statics: Vec<&PathBuf> = rel.iter().filter(|p| is_under(p, "static")).collect();
        if templates.is_empty() && statics.is_empty() && !content.is_empty() {
            if let Some(change) = self.rebuild_bodies(&content)? {
                return Ok(change);
            }
        }

        // Load first, so a failure changes nothing.
        let new_site = if content.is_empty() {
            None
        } else {
            Some(crate::load(&self.config)?)
        };
        let new_theme = if templates.is_empty() {
            None
        } else {
            Some(Theme::load(&self.site_dir)?)
        };
        // A new or moved folder under static/ stands for every file in it.
        let mut link_warnings = Vec::new();
        let statics: Vec<PathBuf> = statics
            .into_iter()
            .flat_map(|p| {
                let abs = self.site_dir.join(p);
                if abs.is_dir() && !crate::source::is_linked(&self.site_dir, p) {
                    crate::source::walk(&self.site_dir, &abs, &mut link_warnings)
                        .into_iter()
                        .map(|(name, _)| p.join(name))
                        .collect()
                } else {
                    vec![p.clone()]
                }
            })
            .collect();
        let mut static_files = Vec::new();
        for p in &statics {
            let name = p
                .strip_prefix("static")
                .expect("under static")
                .to_string_lossy()
                .replace('\\', "/");
            // The same rule as the first load: nothing behind a link is read.
            let bytes = if crate::source::is_linked(&self.site_dir, p) {
                None
            } else {
                let abs = self.site_dir.join(p);
                crate::source::read_plain_file(&abs)
                    .map_err(|e| anyhow::anyhow!("could not read {}: {e}", abs.display()))?
            };
            let bytes: Option<Arc<[u8]>> = match bytes {
                Some(b) => Some(b.into()),
                None => Theme::embedded_static(&name).map(Into::into),
            };
            static_files.push((name, bytes));
        }
        {
            // Check before anything changes, so a collision keeps the last
            // good site.
            let site = new_site.as_ref().map_or(&self.site, |(s, _)| s);
            let theme = new_theme.as_ref().unwrap_or(&self.theme);
            let removed: BTreeSet<&str> = static_files
                .iter()
                .filter(|(_, b)| b.is_none())
                .map(|(n, _)| n.as_str())
                .collect();
            let names = theme
                .site_statics()
                .chain(
                    static_files
                        .iter()
                        .filter(|(_, b)| b.is_some())
                        .map(|(n, _)| n.as_str()),
                )
                .filter(|n| !removed.contains(n));
            render::check_static_collisions(site, &render::pages(site), names)?;
        }
        let mut todo: BTreeSet<PageId> = BTreeSet::new();
        let mut whole_site = false;
        if let Some((site, warnings)) = new_site {
            let new_pages: BTreeSet<PageId> = render::pages(&site).into_iter().collect();
            let new_deps = dependencies(&site);
            let new_by_source = by_source(&site);
            for f in &content {
                // An edit that leaves everything other pages show of a
                // briefing alone (its title, dates, summary, entities and
                // tags) re-renders that briefing's own page only.
                let old = self.by_source.get(*f).map(|slug| &self.site.articles[slug]);
                let new = new_by_source.get(*f).map(|slug| &site.articles[slug]);
                if let (Some(o), Some(n)) = (old, new) {
                    if o.slug == n.slug && card_key(o) == card_key(n) {
                        // Its page, and the feeds that carry its full text.
                        todo.insert(PageId::Article(n.slug.clone()));
                        let feeds = new_deps.get(*f).into_iter().flatten();
                        todo.extend(feeds.filter(|p| matches!(p, PageId::Feed(_))).cloned());
                        continue;
                    }
                }
                todo.extend(self.deps.get(*f).into_iter().flatten().cloned());
                todo.extend(new_deps.get(*f).into_iter().flatten().cloned());
            }
            let pages_changed = new_pages.iter().ne(self.pages.keys());
            if pages_changed || site.timeline != self.site.timeline {
                // Lists shift when briefings come, go or move in time.
                todo.extend(new_pages.iter().filter(|p| is_listing(p)).cloned());
                todo.extend(
                    new_pages
                        .iter()
                        .filter(|p| !self.pages.contains_key(p))
                        .cloned(),
                );
            }
            let inputs = link_inputs(&site);
            if inputs != self.link_inputs {
                whole_site = true;
                self.link_inputs = inputs;
            }
            self.deps = new_deps;
            self.index = link_index(
                &self.config,
                &site.entities,
                &site.articles,
                &site.unpublished,
            );
            self.by_source = new_by_source;
            self.records = records(&site);
            self.site = site;
            self.warnings = warnings;
        }
        if let Some(theme) = new_theme {
            let names: Vec<String> = templates
                .iter()
                .map(|p| {
                    p.strip_prefix("templates")
                        .expect("under templates")
                        .to_string_lossy()
                        .replace('\\', "/")
                })
                .collect();
            let known = names.iter().all(|n| theme.tera.get_template(n).is_ok());
            if known {
                let closures: HashMap<&'static str, Vec<String>> = self
                    .pages
                    .keys()
                    .filter_map(|p| p.template())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .map(|t| (t, theme.template_closure(t)))
                    .collect();
                let uses = |p: &PageId| {
                    closures
                        .get(p.template().unwrap_or_default())
                        .is_some_and(|c| c.iter().any(|t| names.contains(t)))
                };
                todo.extend(render::pages(&self.site).into_iter().filter(uses));
            } else {
                whole_site = true;
            }
            self.theme = theme;
        }

        let all = render::pages(&self.site);
        let todo: Vec<PageId> = if whole_site {
            all.clone()
        } else {
            all.iter().filter(|p| todo.contains(p)).cloned().collect()
        };
        let outputs = render::render_pages(&self.site, &self.theme, &todo)?;

        let new_pages: BTreeMap<PageId, String> = all
            .into_iter()
            .map(|p| {
                let path = p.output_path(&self.site);
                (p, path)
            })
            .collect();
        let mut removed = 0;
        for (page, path) in &self.pages {
            if !new_pages.contains_key(page) {
                self.files.remove(path);
                removed += 1;
            }
        }
        self.pages = new_pages;
        let rendered = outputs.len();
        for o in outputs {
            self.files.insert(o.path, o.bytes.into());
        }
        self.warnings.extend(link_warnings);
        let css_only =
            !static_files.is_empty() && static_files.iter().all(|(n, _)| n.ends_with(".css"));
        let copied = static_files.len();
        for (name, bytes) in static_files {
            match bytes {
                Some(b) => {
                    self.files.insert(name, b);
                }
                None => {
                    self.files.remove(&name);
                }
            }
        }
        Ok(if rendered == 0 && removed == 0 {
            if copied == 0 {
                Change::Nothing
            } else if css_only {
                Change::Css { files: copied }
            } else {
                Change::Pages {
                    rendered: 0,
                    removed: 0,
                }
            }
        } else {
            Change::Pages { rendered, removed }
        })
    }

    /// The common edit, fast: briefings whose front matter is byte-for-byte
    /// unchanged and whose summary stays the same. Only their bodies are
    /// re-rendered, against the kept link index, and only their pages and
    /// the feeds carrying their text are rendered; the rest of the graph and
    /// its dependency map stay valid. Returns `None` when the edit needs the
    /// full path.
    fn rebuild_bodies(&mut self, changed: &[&PathBuf]) -> Result<Option<Change>> {
        let mut updates = Vec::new();
        for path in changed {
            let Some(slug) = self.by_source.get(*path) else {
                return Ok(None);
            };
            let Ok(Some(bytes)) = crate::source::read_plain_file(&self.site_dir.join(path)) else {
                return Ok(None);
            };
            let Ok(text) = String::from_utf8(bytes) else {
                return Ok(None);
            };
            let Ok(doc) = parse_document::<ArticleFrontMatter>(&text, path) else {
                return Ok(None);
            };
            if !doc.warnings.is_empty() {
                return Ok(None);
            }
            let old = &self.site.articles[slug];
            if digest(&doc.yaml) != old.front_matter_digest || doc.body_line != old.body_line {
                return Ok(None);
            }
            let tagged: HashSet<_> = old.entities.iter().cloned().collect();
            let ctx = DocContext {
                path,
                body_line: doc.body_line,
                tagged: &tagged,
            };
            let out = markdown::render(&doc.body, &ctx, &self.index);
            let summary_from_body = doc
                .front
                .summary
                .as_deref()
                .is_none_or(|s| s.trim().is_empty());
            if summary_from_body && out.first_paragraph != old.summary {
                return Ok(None);
            }
            updates.push((slug.clone(), (*path).clone(), out));
        }
        let mut todo = BTreeSet::new();
        for (slug, path, out) in updates {
            let a = self.site.articles.get_mut(&slug).expect("article exists");
            a.body_html = out.html;
            a.heading_ids = out.heading_ids;
            a.mentions = out.mentions;
            a.anchors = out.anchors;
            // Front-matter findings stay; the body's are replaced.
            let body_line = a.body_line;
            self.warnings.retain(|d| {
                d.file.as_deref() != Some(&path) || d.line.is_some_and(|l| l < body_line)
            });
            self.warnings.extend(out.diagnostics);
            let record = crate::search::article_record(&self.site, &self.site.articles[&slug]);
            self.records.insert(record.url.clone(), Arc::new(record));
            todo.insert(PageId::Article(slug));
            let feeds = self.deps.get(&path).into_iter().flatten();
            todo.extend(feeds.filter(|p| matches!(p, PageId::Feed(_))).cloned());
        }
        crate::diagnostics::sort(&mut self.warnings);
        let todo: Vec<PageId> = todo.into_iter().collect();
        let outputs = render::render_pages(&self.site, &self.theme, &todo)?;
        let rendered = outputs.len();
        for o in outputs {
            self.files.insert(o.path, o.bytes.into());
        }
        Ok(Some(Change::Pages {
            rendered,
            removed: 0,
        }))
    }
}

fn records(site: &Site) -> BTreeMap<String, Arc<crate::search::Record>> {
    crate::search::records(site)
        .into_iter()
        .map(|r| (r.url.clone(), Arc::new(r)))
        .collect()
}

fn by_source(site: &Site) -> HashMap<PathBuf, String> {
    site.articles
        .values()
        .map(|a| (a.source.clone(), a.slug.clone()))
        .collect()
}

/// What pages other than a briefing's own show of it.
fn card_key(a: &Article) -> impl PartialEq + '_ {
    (
        &a.title,
        a.date,
        a.updated,
        &a.summary,
        &a.entities,
        &a.tags,
    )
}

/// Pages that list many briefings in order.
fn is_listing(p: &PageId) -> bool {
    matches!(
        p,
        PageId::Home
            | PageId::Articles(_)
            | PageId::EntityIndex(_)
            | PageId::Tags
            | PageId::Archive
            | PageId::ArchiveYear(_)
            | PageId::Sitemap
            | PageId::ApiArticles
            | PageId::ApiEntities
    )
}

fn link_inputs(site: &Site) -> Vec<String> {
    let mut v: Vec<String> = site
        .entities
        .values()
        .map(|e| format!("{:?}|{}|{}", e.id, e.name, e.aliases.join("|")))
        .collect();
    v.extend(
        site.articles
            .values()
            .map(|a| format!("{}|{}|{}", a.source.display(), a.slug, a.title)),
    );
    v
}
