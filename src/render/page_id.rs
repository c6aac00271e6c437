//! Every page the site has, by identity: page ids with their paths and
//! templates, the page list, feed scopes and list slicing. A leaf: it reads
//! the graph and imports no other render module, so the modules that
//! render pages, record reads and serve them can all name pages.

use std::collections::BTreeMap;

use crate::graph::{ArticleId, BookId, EntityId, EntityKind, Site};
use crate::text::slugify;

/// Which briefings a feed follows.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeedScope {
    Site,
    Entity(EntityId),
    Tag(String),
}

impl FeedScope {
    /// Site path of the HTML page the feed belongs to.
    pub fn page_path(&self) -> String {
        match self {
            FeedScope::Site => String::new(),
            FeedScope::Entity(id) => id.path(),
            FeedScope::Tag(slug) => format!("tags/{slug}/"),
        }
    }

    pub fn path(&self) -> String {
        format!("{}atom.xml", self.page_path())
    }
}

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
    /// `/calendar/`: key dates, upcoming and recent.
    Calendar,
    /// An iCalendar feed of key dates: the site's, or one entity's.
    Ics(Option<EntityId>),
    /// A file beside a briefing, published beside its page: the briefing
    /// and the file's path below the page.
    Asset(ArticleId, String),
    /// An old address of an entity: the slug of one of its names or
    /// aliases that no page claims, answering with a redirect to it.
    Redirect(EntityId, String),
    /// `/books/`: every briefing book, those to come first.
    Books,
    /// A briefing book.
    Book(BookId),
    /// `/api/books.json`.
    ApiBooks,
}

impl PageId {
    /// Site path of the page, e.g. `countries/kenya/`.
    pub fn path(&self) -> String {
        match self {
            PageId::Home => String::new(),
            PageId::Articles(1) => "articles/".into(),
            PageId::Articles(n) => format!("articles/page/{n}/"),
            PageId::Article(slug) => format!("articles/{slug}/"),
            PageId::EntityIndex(kind) => format!("{}/", kind.dir()),
            PageId::Entity(id, 1) => id.path(),
            PageId::Entity(id, n) => format!("{}page/{n}/", id.path()),
            PageId::Tags => "tags/".into(),
            PageId::Tag(slug, 1) => format!("tags/{slug}/"),
            PageId::Tag(slug, n) => format!("tags/{slug}/page/{n}/"),
            PageId::NotFound => "404.html".into(),
            PageId::Feed(scope) => scope.path(),
            PageId::Archive => "archive/".into(),
            PageId::ArchiveYear(y) => format!("archive/{y}/"),
            PageId::Search => "search/".into(),
            PageId::Sitemap => "sitemap.xml".into(),
            PageId::Robots => "robots.txt".into(),
            PageId::ApiEntities => "api/entities.json".into(),
            PageId::ApiArticles => "api/articles.json".into(),
            PageId::Calendar => "calendar/".into(),
            PageId::Ics(None) => "calendar.ics".into(),
            PageId::Ics(Some(id)) => format!("{}calendar.ics", id.path()),
            PageId::Asset(slug, name) => format!("articles/{slug}/{name}"),
            PageId::Redirect(id, slug) => format!("{}/{slug}/", id.kind.dir()),
            PageId::Books => "books/".into(),
            PageId::Book(slug) => format!("books/{slug}/"),
            PageId::ApiBooks => "api/books.json".into(),
        }
    }

    /// File the page is written to, relative to the output folder.
    pub fn output_path(&self) -> String {
        let path = self.path();
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
            PageId::Calendar => "calendar.html",
            PageId::Redirect(..) => "redirect.html",
            PageId::Books => "books.html",
            PageId::Book(_) => "book.html",
            PageId::Robots
            | PageId::ApiBooks
            | PageId::ApiEntities
            | PageId::ApiArticles
            | PageId::Ics(_)
            | PageId::Asset(..) => return None,
        })
    }

    /// The page's own feed: an entity's or a tag's.
    pub fn feed(&self) -> Option<FeedScope> {
        match self {
            PageId::Entity(id, _) => Some(FeedScope::Entity(id.clone())),
            PageId::Tag(slug, _) => Some(FeedScope::Tag(slug.clone())),
            _ => None,
        }
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
                | PageId::ApiBooks
                | PageId::Ics(_)
                | PageId::Asset(..)
                | PageId::Redirect(..)
        )
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
        PageId::ApiEntities,
        PageId::ApiArticles,
        PageId::Feed(FeedScope::Site),
        PageId::Calendar,
        PageId::Ics(None),
    ];
    // One robots.txt, at the root, for every language's sitemap.
    if site.config.language_prefix().is_empty() {
        pages.push(PageId::Robots);
    }
    let per_page = site.config.site.paginate;
    let article_pages = site.timeline.len().div_ceil(per_page).max(1);
    pages.extend((1..=article_pages).map(PageId::Articles));
    pages.extend(site.timeline.iter().cloned().map(PageId::Article));
    for slug in &site.timeline {
        let assets = &site.articles[slug].assets;
        pages.extend(
            assets
                .iter()
                .map(|a| PageId::Asset(slug.clone(), a.name.clone())),
        );
    }
    pages.extend(EntityKind::ALL.into_iter().map(PageId::EntityIndex));
    pages.extend(alias_redirects(site));
    if !site.books.is_empty() {
        pages.extend([PageId::Books, PageId::ApiBooks]);
        pages.extend(site.books.keys().cloned().map(PageId::Book));
    }
    for (id, e) in &site.entities {
        pages.extend((1..=list_pages(e.articles.len())).map(|n| PageId::Entity(id.clone(), n)));
        if !e.dates.is_empty() || !e.books.is_empty() {
            pages.push(PageId::Ics(Some(id.clone())));
        }
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
    pages.extend(archive_years(site).into_iter().map(PageId::ArchiveYear));
    pages
}

/// Briefings per page on entity and tag pages. A country in a large archive
/// has thousands; one page of them all would be slow to render and to read.
pub const LIST_PAGE_SIZE: usize = 50;

/// A redirect page at the slug of each name and alias of a profile, under
/// its kind, so an entity renamed (its old name kept in `aliases`) keeps
/// its old address. A slug that an entity's own page has, or that two
/// entities' names share, gets none.
fn alias_redirects(site: &Site) -> Vec<PageId> {
    let mut claims: BTreeMap<(EntityKind, String), Vec<&EntityId>> = BTreeMap::new();
    for e in site.entities.values().filter(|e| e.source.is_some()) {
        for name in std::iter::once(&e.name).chain(&e.aliases) {
            let slug = slugify(name);
            let ids = claims.entry((e.id.kind, slug)).or_default();
            if !ids.contains(&&e.id) {
                ids.push(&e.id);
            }
        }
    }
    claims
        .into_iter()
        .filter(|((kind, slug), ids)| {
            ids.len() == 1
                && !slug.is_empty()
                && !site
                    .entities
                    .contains_key(&EntityId::new(*kind, slug.clone()))
        })
        .map(|((_, slug), ids)| PageId::Redirect(ids[0].clone(), slug))
        .collect()
}

pub fn list_pages(count: usize) -> usize {
    count.div_ceil(LIST_PAGE_SIZE).max(1)
}

/// The briefings shown on page `n` of a list.
pub fn list_slice(list: &[ArticleId], n: usize) -> &[ArticleId] {
    let start = ((n - 1) * LIST_PAGE_SIZE).min(list.len());
    &list[start..(start + LIST_PAGE_SIZE).min(list.len())]
}

/// Years that have briefings, newest first.
pub fn archive_years(site: &Site) -> Vec<i32> {
    let mut years: Vec<i32> = site.articles.values().map(|a| a.date.year()).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
}
