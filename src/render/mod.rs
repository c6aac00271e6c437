//! Render: every output page is a pure function of the site graph and its
//! page id, rendered with Tera against view structs. Pages are kept in memory
//! so that `serve` and the tests can use them without touching the disk.

pub mod deps;
pub mod extras;
pub mod views;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;
use tera::Tera;

use crate::graph::{ArticleId, Details, EntityId, EntityKind, Site};
use crate::text::slugify;
pub use extras::FeedScope;
use views::*;

/// One page of the site, by identity. Its output path and contents follow
/// from the site graph alone.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PageId {
    Home,
    /// `/articles/`, page `n` (1-based).
    Articles(usize),
    Article(ArticleId),
    EntityIndex(EntityKind),
    /// An entity's page `n` (1-based) of briefings, newest first.
    Entity(EntityId, usize),
    Tags,
    /// A tag's page `n` (1-based).
    Tag(String, usize),
    NotFound,
    /// An Atom feed: the site's, or one entity's or tag's.
    Feed(FeedScope),
    Archive,
    ArchiveYear(i32),
    Search,
    Sitemap,
    Robots,
    ApiEntities,
    ApiArticles,
}

impl PageId {
    /// Site path of the page, e.g. `countries/kenya/`.
    pub fn path(&self, site: &Site) -> String {
        match self {
            PageId::Home => String::new(),
            PageId::Articles(1) => "articles/".into(),
            PageId::Articles(n) => format!("articles/page/{n}/"),
            PageId::Article(slug) => site.articles[slug].path(),
            PageId::EntityIndex(kind) => format!("{}/", kind.dir()),
            PageId::Entity(id, 1) => id.path(),
            PageId::Entity(id, n) => format!("{}page/{n}/", id.path()),
            PageId::Tags => "tags/".into(),
            PageId::Tag(slug, 1) => format!("tags/{slug}/"),
            PageId::Tag(slug, n) => format!("tags/{slug}/page/{n}/"),
            PageId::NotFound => "404.html".into(),
            PageId::Feed(scope) => scope.path(site),
            PageId::Archive => "archive/".into(),
            PageId::ArchiveYear(y) => format!("archive/{y}/"),
            PageId::Search => "search/".into(),
            PageId::Sitemap => "sitemap.xml".into(),
            PageId::Robots => "robots.txt".into(),
            PageId::ApiEntities => "api/entities.json".into(),
            PageId::ApiArticles => "api/articles.json".into(),
        }
    }

    /// File the page is written to, relative to the output folder.
    pub fn output_path(&self, site: &Site) -> String {
        let path = self.path(site);
        if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path
        }
    }

    /// The Tera template that renders the page; `None` for files written
    /// directly (robots.txt, the JSON export).
    pub fn template(&self) -> Option<&'static str> {
        Some(match self {
            PageId::Home => "index.html",
            PageId::Articles(_) => "articles.html",
            PageId::Article(_) => "article.html",
            PageId::EntityIndex(EntityKind::Country) => "countries.html",
            PageId::EntityIndex(EntityKind::Leader) => "leaders.html",
            PageId::EntityIndex(EntityKind::Crisis) => "crises.html",
            PageId::Entity(id, _) => match id.kind {
                EntityKind::Country => "country.html",
                EntityKind::Leader => "leader.html",
                EntityKind::Crisis => "crisis.html",
            },
            PageId::Tags => "tags.html",
            PageId::Tag(..) => "tag.html",
            PageId::NotFound => "404.html",
            PageId::Feed(_) => "atom.xml",
            PageId::Archive => "archive.html",
            PageId::ArchiveYear(_) => "archive_year.html",
            PageId::Search => "search.html",
            PageId::Sitemap => "sitemap.xml",
            PageId::Robots | PageId::ApiEntities | PageId::ApiArticles => return None,
        })
    }

    /// Whether this is an HTML page a reader visits (and the sitemap lists).
    pub fn is_html(&self) -> bool {
        !matches!(
            self,
            PageId::Feed(_)
                | PageId::Sitemap
                | PageId::Robots
                | PageId::ApiEntities
                | PageId::ApiArticles
        )
    }
}

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
    pub tera: Tera,
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
    pub fn load(site_dir: &Path) -> Result<Theme> {
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
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| anyhow::anyhow!(tera_chain(&e)))
            .context(
                "could not compile the templates (the site's templates/ over the built-in theme)",
            )?;
        check_include_loops(&tera)?;

        let mut statics = BTreeMap::new();
        for (name, bytes) in embedded::STATIC {
            statics.insert(name.to_string(), StaticFile::Embedded(bytes));
        }
        for (name, path) in crate::source::walk(site_dir, &site_dir.join("static"), &mut warnings) {
            statics.insert(name, StaticFile::OnDisk(path));
        }
        Ok(Theme {
            tera,
            statics,
            warnings,
        })
    }
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

/// A file under the site's `static/` must not land where a page is
/// written: which one wins would depend on the order of writing. Each
/// collision is an error naming the static file and the page.
pub fn check_static_collisions<'a>(
    site: &Site,
    pages: &[PageId],
    static_names: impl Iterator<Item = &'a str>,
) -> Result<(), crate::diagnostics::BuildFailed> {
    let statics: std::collections::HashSet<&str> = static_names.collect();
    let mut diagnostics = Vec::new();
    for page in pages {
        let path = page.output_path(site);
        if !statics.contains(path.as_str()) {
            continue;
        }
        let from = match page {
            PageId::Article(slug) => format!(" (from {})", site.articles[slug].source.display()),
            PageId::Entity(id, 1) => site.entities[id]
                .source
                .as_ref()
                .map(|p| format!(" (from {})", p.display()))
                .unwrap_or_default(),
            _ => String::new(),
        };
        diagnostics.push(
            crate::diagnostics::Diagnostic::error(format!(
                "static/{path} would be written where the page {}{from} goes",
                site.url(&page.path(site))
            ))
            .in_file(format!("static/{path}"))
            .with_help("move or rename the static file; a page's address belongs to the page"),
        );
    }
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(crate::diagnostics::BuildFailed { diagnostics })
    }
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

/// Every page the site has.
pub fn pages(site: &Site) -> Vec<PageId> {
    let mut pages = vec![
        PageId::Home,
        PageId::Tags,
        PageId::NotFound,
        PageId::Archive,
        PageId::Search,
        PageId::Sitemap,
        PageId::Robots,
        PageId::ApiEntities,
        PageId::ApiArticles,
        PageId::Feed(FeedScope::Site),
    ];
    let per_page = site.config.site.paginate;
    let article_pages = site.timeline.len().div_ceil(per_page).max(1);
    pages.extend((1..=article_pages).map(PageId::Articles));
    pages.extend(site.timeline.iter().cloned().map(PageId::Article));
    pages.extend(EntityKind::ALL.into_iter().map(PageId::EntityIndex));
    for (id, e) in &site.entities {
        pages.extend((1..=list_pages(e.articles.len())).map(|n| PageId::Entity(id.clone(), n)));
    }
    pages.extend(
        site.entities
            .keys()
            .cloned()
            .map(|id| PageId::Feed(FeedScope::Entity(id))),
    );
    for (slug, t) in &site.tags {
        pages.extend((1..=list_pages(t.articles.len())).map(|n| PageId::Tag(slug.clone(), n)));
    }
    pages.extend(
        site.tags
            .keys()
            .cloned()
            .map(|t| PageId::Feed(FeedScope::Tag(t))),
    );
    pages.extend(
        extras::archive_years(site)
            .into_iter()
            .map(PageId::ArchiveYear),
    );
    pages
}

/// Briefings per page on entity and tag pages. A country in a large archive
/// has thousands; one page of them all would be slow to render and to read.
pub const LIST_PAGE_SIZE: usize = 50;

fn list_pages(count: usize) -> usize {
    count.div_ceil(LIST_PAGE_SIZE).max(1)
}

/// The briefings shown on page `n` of a list.
pub fn list_slice(list: &[ArticleId], n: usize) -> &[ArticleId] {
    let start = ((n - 1) * LIST_PAGE_SIZE).min(list.len());
    &list[start..(start + LIST_PAGE_SIZE).min(list.len())]
}

/// Page links for a list split over `total` pages.
fn pagination(site: &Site, n: usize, total: usize, page: impl Fn(usize) -> PageId) -> Pagination {
    let url_of = |k: usize| site.url(&page(k).path(site));
    Pagination {
        current: n,
        total,
        previous: (n > 1).then(|| url_of(n - 1)),
        next: (n < total).then(|| url_of(n + 1)),
        pages: page_numbers(n, total)
            .into_iter()
            .map(|k| {
                k.map(|k| PageLink {
                    number: k,
                    url: url_of(k),
                })
            })
            .collect(),
    }
}

/// The page numbers a list page links to: the first, the last, and two on
/// either side of the current one, with `None` for each gap. Linking every
/// page from every page grew as the square of the archive: 25 million links
/// over the 5,000 list pages of 100,000 briefings.
fn page_numbers(current: usize, total: usize) -> Vec<Option<usize>> {
    const AROUND: usize = 2;
    let mut out = Vec::new();
    let mut last = 0;
    for k in 1..=total {
        let shown = k == 1 || k == total || k.abs_diff(current) <= AROUND;
        if !shown {
            continue;
        }
        // A gap of one page shows that page rather than an ellipsis.
        if k == last + 2 {
            out.push(Some(last + 1));
        } else if k > last + 2 {
            out.push(None);
        }
        out.push(Some(k));
        last = k;
    }
    out
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
            let out = render_page(site, theme, page);
            on_page();
            out
        })
        .collect()
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

/// Render one page. A pure function of the site and the page id.
pub fn render_page(site: &Site, theme: &Theme, page: &PageId) -> Result<Output> {
    let path = page.path(site);
    let direct = |bytes: Vec<u8>| {
        Ok(Output {
            path: page.output_path(site),
            bytes,
        })
    };
    let pretty = |v: serde_json::Value| serde_json::to_vec_pretty(&v).expect("JSON serialises");
    match page {
        PageId::Robots => return direct(extras::robots(site).into_bytes()),
        PageId::ApiEntities => return direct(pretty(extras::entities_json(site))),
        PageId::ApiArticles => return direct(pretty(extras::articles_json(site))),
        _ => {}
    }
    let mut ctx = tera::Context::new();
    ctx.insert("site", &SiteView::new(site));
    let meta = |title: String, description: String, section: &'static str| PageMeta {
        title,
        description,
        url: site.url(&path),
        permalink: site.config.absolute_url(&path),
        section,
        feed: None,
        jsonld: None,
        og_type: "website",
    };
    let feed_link = |scope: FeedScope| FeedLink {
        title: scope.title(site),
        url: site.url(&scope.path(site)),
    };
    let site_desc = || site.config.site.description.clone();
    let mut page_meta = match page {
        PageId::Home => {
            let latest: Vec<_> = site
                .timeline
                .iter()
                .take(10)
                .map(|s| ArticleCard::new(site, &site.articles[s]))
                .collect();
            let active: Vec<_> = site
                .entities_of(EntityKind::Crisis)
                .filter(|e| matches!(&e.details, Details::Crisis(c) if c.is_active()))
                .map(|e| EntityCard::new(site, e))
                .collect();
            ctx.insert("latest", &latest);
            ctx.insert("active_crises", &active);
            ctx.insert("counts", &counts(site));
            meta(site.config.site.title.clone(), site_desc(), "home")
        }
        PageId::Articles(n) => {
            let per_page = site.config.site.paginate;
            let total = site.timeline.len().div_ceil(per_page).max(1);
            let cards: Vec<_> = site
                .timeline
                .iter()
                .skip((n - 1) * per_page)
                .take(per_page)
                .map(|s| ArticleCard::new(site, &site.articles[s]))
                .collect();
            ctx.insert("articles", &cards);
            ctx.insert("pagination", &pagination(site, *n, total, PageId::Articles));
            let title = if *n == 1 {
                "All briefings".to_string()
            } else {
                format!("All briefings, page {n} of {total}")
            };
            meta(
                title,
                format!(
                    "Every briefing on {}, newest first.",
                    site.config.site.title
                ),
                "articles",
            )
        }
        PageId::Article(slug) => {
            let a = &site.articles[slug];
            ctx.insert("article", &ArticleView::new(site, a));
            meta(a.title.clone(), a.summary.clone(), "articles")
        }
        PageId::EntityIndex(kind) => {
            ctx.insert("groups", &groups(site, *kind));
            ctx.insert("total", &site.entities_of(*kind).count());
            let section = kind.dir();
            meta(
                kind.title().to_string(),
                format!("{} covered by {}.", kind.title(), site.config.site.title),
                section,
            )
        }
        PageId::Entity(id, n) => {
            let e = &site.entities[id];
            let cards: Vec<_> = list_slice(&e.articles, *n)
                .iter()
                .map(|s| ArticleCard::new(site, &site.articles[s]))
                .collect();
            ctx.insert("entity", &EntityView::new(site, e));
            if id.kind == EntityKind::Crisis && *n == 1 {
                let timeline: Vec<_> = e
                    .articles
                    .iter()
                    .rev()
                    .map(|s| TimelineEntry::new(site, &site.articles[s]))
                    .collect();
                ctx.insert("timeline", &timeline);
            }
            ctx.insert("articles", &cards);
            let total = list_pages(e.articles.len());
            ctx.insert(
                "pagination",
                &pagination(site, *n, total, |k| PageId::Entity(id.clone(), k)),
            );
            let description = if e.summary.is_empty() {
                format!("Briefings about {} ({}).", e.name, id.kind.noun())
            } else {
                e.summary.clone()
            };
            let title = if *n == 1 {
                e.name.clone()
            } else {
                format!("{}, page {n} of {total}", e.name)
            };
            meta(title, description, id.kind.dir())
        }
        PageId::Tags => {
            let tags: Vec<_> = site
                .tags
                .values()
                .map(|t| TagCard {
                    name: &t.name,
                    url: site.url(&t.path()),
                    briefings: t.articles.len(),
                })
                .collect();
            ctx.insert("tags", &tags);
            meta(
                "Tags".into(),
                "Every tag, with its briefings.".into(),
                "tags",
            )
        }
        PageId::Tag(slug, n) => {
            let t = &site.tags[slug];
            let cards: Vec<_> = list_slice(&t.articles, *n)
                .iter()
                .map(|s| ArticleCard::new(site, &site.articles[s]))
                .collect();
            ctx.insert(
                "tag",
                &TagCard {
                    name: &t.name,
                    url: site.url(&t.path()),
                    briefings: t.articles.len(),
                },
            );
            ctx.insert("articles", &cards);
            let total = list_pages(t.articles.len());
            ctx.insert(
                "pagination",
                &pagination(site, *n, total, |k| PageId::Tag(slug.clone(), k)),
            );
            let title = if *n == 1 {
                format!("Tagged “{}”", t.name)
            } else {
                format!("Tagged “{}”, page {n} of {total}", t.name)
            };
            meta(title, format!("Briefings tagged {}.", t.name), "tags")
        }
        PageId::NotFound => meta(
            "Page not found".into(),
            "There is no page at this address.".into(),
            "none",
        ),
        PageId::Feed(scope) => {
            ctx.insert("feed", &extras::feed_view(site, scope));
            meta(scope.title(site), site_desc(), "none")
        }
        PageId::Archive => {
            ctx.insert("years", &extras::archive(site, None, false));
            meta(
                "Archive".into(),
                format!(
                    "Every briefing on {}, by year and month.",
                    site.config.site.title
                ),
                "archive",
            )
        }
        PageId::ArchiveYear(y) => {
            ctx.insert("years", &extras::archive(site, Some(*y), true));
            ctx.insert("year", y);
            meta(
                format!("Briefings from {y}"),
                format!("Every briefing from {y}, by month."),
                "archive",
            )
        }
        PageId::Search => meta(
            "Search".into(),
            format!("Search the briefings on {}.", site.config.site.title),
            "search",
        ),
        PageId::Sitemap => {
            let site_newest = extras::newest(site, &site.timeline);
            let entries: Vec<extras::SitemapEntry> = pages(site)
                .into_iter()
                .filter(|p| p.is_html() && *p != PageId::NotFound)
                .map(|p| extras::SitemapEntry {
                    loc: site.config.absolute_url(&p.path(site)),
                    lastmod: extras::last_modified(site, &p, site_newest).map(|d| d.iso()),
                })
                .collect();
            ctx.insert("entries", &entries);
            meta("Sitemap".into(), String::new(), "none")
        }
        PageId::Robots | PageId::ApiEntities | PageId::ApiArticles => {
            unreachable!("written directly above")
        }
    };
    // Every page links the site feed; entity and tag pages their own too.
    page_meta.feed = match page {
        PageId::Entity(id, _) => Some(feed_link(FeedScope::Entity(id.clone()))),
        PageId::Tag(slug, _) => Some(feed_link(FeedScope::Tag(slug.clone()))),
        _ => None,
    };
    let jsonld = match page {
        PageId::Article(slug) => Some(extras::article_jsonld(site, &site.articles[slug])),
        PageId::Entity(id, 1) => Some(extras::entity_jsonld(site, &site.entities[id])),
        _ => None,
    };
    page_meta.jsonld = jsonld.as_ref().map(crate::text::json_for_script);
    if matches!(page, PageId::Article(_)) {
        page_meta.og_type = "article";
    }
    ctx.insert("page", &page_meta);
    let template = page.template().expect("template pages have a template");
    let html = theme
        .tera
        .render(template, &ctx)
        .map_err(|e| anyhow::anyhow!(tera_chain(&e)))
        .with_context(|| format!("could not render /{path} with template {template}"))?;
    Ok(Output {
        path: page.output_path(site),
        bytes: html.into_bytes(),
    })
}

fn counts(site: &Site) -> Counts {
    Counts {
        articles: site.articles.len(),
        countries: site.entities_of(EntityKind::Country).count(),
        leaders: site.entities_of(EntityKind::Leader).count(),
        crises: site.entities_of(EntityKind::Crisis).count(),
        tags: site.tags.len(),
    }
}

/// Index groups: countries by region, leaders by country, crises by status.
fn groups(site: &Site, kind: EntityKind) -> Vec<Group<'_>> {
    // (sort key, heading) -> members
    let mut groups: BTreeMap<(u8, String), Vec<&crate::graph::Entity>> = BTreeMap::new();
    for e in site.entities_of(kind) {
        let key = match &e.details {
            Details::Country(c) => match &c.region {
                Some(r) => (0, r.clone()),
                None => (1, "Other".to_string()),
            },
            Details::Leader(l) => match &l.country {
                Some(c) => (0, site.entities[c].name.clone()),
                None => (1, "Country not given".to_string()),
            },
            Details::Crisis(c) => match c.status.as_deref() {
                Some("active") => (0, "Active".to_string()),
                Some(s) if s == "resolved" || s == "ended" => (2, capitalise(s)),
                Some(s) => (1, capitalise(s)),
                None => (3, "Status not given".to_string()),
            },
        };
        groups.entry(key).or_default().push(e);
    }
    groups
        .into_iter()
        .map(|((_, name), mut members)| {
            members.sort_by_cached_key(|e| (slugify(&e.name), e.id.slug.clone()));
            Group {
                id: slugify(&name),
                name,
                entities: members
                    .into_iter()
                    .map(|e| EntityCard::new(site, e))
                    .collect(),
            }
        })
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::page_numbers;

    fn show(current: usize, total: usize) -> String {
        page_numbers(current, total)
            .into_iter()
            .map(|k| k.map_or("…".to_string(), |k| k.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn page_links_are_the_ends_and_a_window_round_the_current_page() {
        assert_eq!(show(1, 1), "1");
        assert_eq!(show(1, 5), "1 2 3 4 5");
        assert_eq!(show(1, 500), "1 2 3 … 500");
        assert_eq!(show(250, 500), "1 … 248 249 250 251 252 … 500");
        // A gap of a single page shows the page.
        assert_eq!(show(5, 9), "1 2 3 4 5 6 7 8 9");
        assert_eq!(show(500, 500), "1 … 498 499 500");
    }
}
