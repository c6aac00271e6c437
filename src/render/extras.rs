//! Reader features beyond the HTML pages: Atom feeds, the sitemap and
//! robots.txt, JSON-LD structured data, the archive, and the JSON export of
//! the graph.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use super::views::ArticleCard;
use crate::content::frontmatter::{Date, MONTHS};
use crate::graph::{Article, Details, Entity, EntityId, EntityKind, Site};

/// Entries per feed.
pub const FEED_LENGTH: usize = 20;

/// Which briefings a feed follows.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeedScope {
    Site,
    Entity(EntityId),
    Tag(String),
}

impl FeedScope {
    /// Site path of the HTML page the feed belongs to.
    pub fn page_path(&self, site: &Site) -> String {
        match self {
            FeedScope::Site => String::new(),
            FeedScope::Entity(id) => id.path(),
            FeedScope::Tag(slug) => site.tags[slug].path(),
        }
    }

    pub fn path(&self, site: &Site) -> String {
        format!("{}atom.xml", self.page_path(site))
    }

    /// Newest first.
    pub fn articles<'a>(&self, site: &'a Site) -> &'a [String] {
        match self {
            FeedScope::Site => &site.timeline,
            FeedScope::Entity(id) => &site.entities[id].articles,
            FeedScope::Tag(slug) => &site.tags[slug].articles,
        }
    }

    pub fn title(&self, site: &Site) -> String {
        match self {
            FeedScope::Site => site.config.site.title.clone(),
            FeedScope::Entity(id) => {
                format!("{}: {}", site.config.site.title, site.entities[id].name)
            }
            FeedScope::Tag(slug) => format!(
                "{}: tagged {}",
                site.config.site.title, site.tags[slug].name
            ),
        }
    }
}

/// A stable id for a feed or entry: its absolute URL when the site knows its
/// host, else a URN built from the path (still unique and unchanging).
fn atom_id(site: &Site, path: &str) -> String {
    if site.config.origin.is_empty() {
        format!(
            "urn:briefing:{}",
            path.trim_end_matches('/').replace('/', ":")
        )
    } else {
        site.config.absolute_url(path)
    }
}

/// Make root-relative `href` and `src` values absolute, as feed readers
/// need.
pub fn absolutize(html: &str, origin: &str) -> String {
    if origin.is_empty() {
        return html.to_string();
    }
    html.replace(" href=\"/", &format!(" href=\"{origin}/"))
        .replace(" src=\"/", &format!(" src=\"{origin}/"))
}

#[derive(Serialize)]
pub struct CategoryView<'a> {
    pub term: &'a str,
    pub label: &'a str,
    pub scheme: String,
}

#[derive(Serialize)]
pub struct EntryView<'a> {
    pub id: String,
    pub title: &'a str,
    pub url: String,
    pub published: String,
    pub updated: String,
    pub summary: &'a str,
    pub content: String,
    pub categories: Vec<CategoryView<'a>>,
}

#[derive(Serialize)]
pub struct FeedView<'a> {
    pub id: String,
    pub title: String,
    pub subtitle: &'a str,
    /// The HTML page this feed follows.
    pub url: String,
    pub self_url: String,
    pub updated: String,
    pub language: &'a str,
    pub entries: Vec<EntryView<'a>>,
}

pub fn feed_view<'a>(site: &'a Site, scope: &FeedScope) -> FeedView<'a> {
    let origin = &site.config.origin;
    let entries: Vec<EntryView> = scope
        .articles(site)
        .iter()
        .take(FEED_LENGTH)
        .map(|slug| {
            let a = &site.articles[slug];
            let categories = a
                .entities
                .iter()
                .map(|id| {
                    let e = &site.entities[id];
                    CategoryView {
                        term: &id.slug,
                        label: &e.name,
                        scheme: site.config.absolute_url(&format!("{}/", id.kind.dir())),
                    }
                })
                .chain(a.tags.iter().map(|t| CategoryView {
                    term: t,
                    label: &site.tags[t].name,
                    scheme: site.config.absolute_url("tags/"),
                }))
                .collect();
            EntryView {
                id: atom_id(site, &a.path()),
                title: &a.title,
                url: site.config.absolute_url(&a.path()),
                published: a.date.rfc3339(),
                updated: a.last_modified().rfc3339(),
                summary: &a.summary,
                content: absolutize(&a.body_html, origin),
                categories,
            }
        })
        .collect();
    let updated = scope
        .articles(site)
        .iter()
        .take(FEED_LENGTH)
        .map(|s| site.articles[s].last_modified())
        .max()
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
    let page = scope.page_path(site);
    FeedView {
        id: atom_id(site, &scope.path(site)),
        title: scope.title(site),
        subtitle: &site.config.site.description,
        url: site.config.absolute_url(&page),
        self_url: site.config.absolute_url(&scope.path(site)),
        updated,
        language: &site.config.site.language,
        entries,
    }
}

#[derive(Serialize)]
pub struct SitemapEntry {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// The newest "last changed" date among some briefings.
pub fn newest<'a>(site: &Site, slugs: impl IntoIterator<Item = &'a String>) -> Option<Date> {
    slugs
        .into_iter()
        .map(|s| site.articles[s].last_modified())
        .max()
}

/// `lastmod` for a page: a briefing's own date, else its newest briefing's.
/// `site_newest` is the newest of all briefings, computed once by the caller
/// because every page of the paginated `/articles/` list shares it.
pub fn last_modified(site: &Site, page: &super::PageId, site_newest: Option<Date>) -> Option<Date> {
    use super::PageId::*;
    match page {
        Article(slug) => Some(site.articles[slug].last_modified()),
        Entity(id, n) => newest(site, super::list_slice(&site.entities[id].articles, *n)),
        Tag(slug, n) => newest(site, super::list_slice(&site.tags[slug].articles, *n)),
        ArchiveYear(y) => newest(
            site,
            site.timeline
                .iter()
                .filter(|s| site.articles[*s].date.year() == *y),
        ),
        EntityIndex(kind) => newest(site, site.entities_of(*kind).flat_map(|e| &e.articles)),
        Home | Articles(_) | Tags | Archive => site_newest,
        _ => None,
    }
}

#[derive(Serialize)]
pub struct MonthView<'a> {
    pub name: &'static str,
    pub id: String,
    pub count: usize,
    pub articles: Vec<ArticleCard<'a>>,
}

#[derive(Serialize)]
pub struct YearView<'a> {
    pub year: i32,
    pub url: String,
    pub count: usize,
    pub months: Vec<MonthView<'a>>,
}

/// Briefings by year, then month, newest first. `only` limits it to one
/// year; `with_articles` fills in the briefing cards.
pub fn archive<'a>(site: &'a Site, only: Option<i32>, with_articles: bool) -> Vec<YearView<'a>> {
    let mut years: BTreeMap<i32, BTreeMap<u32, Vec<&'a Article>>> = BTreeMap::new();
    for slug in &site.timeline {
        let a = &site.articles[slug];
        let (y, m) = (a.date.year(), a.date.month());
        if only.is_none_or(|o| o == y) {
            years.entry(y).or_default().entry(m).or_default().push(a);
        }
    }
    years
        .into_iter()
        .rev()
        .map(|(year, months)| YearView {
            year,
            url: site.url(&format!("archive/{year}/")),
            count: months.values().map(Vec::len).sum(),
            months: months
                .into_iter()
                .rev()
                .map(|(m, list)| MonthView {
                    name: MONTHS[m as usize - 1],
                    id: MONTHS[m as usize - 1].to_lowercase(),
                    count: list.len(),
                    articles: if with_articles {
                        list.into_iter()
                            .map(|a| ArticleCard::new(site, a))
                            .collect()
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
        })
        .collect()
}

/// Years that have briefings, newest first.
pub fn archive_years(site: &Site) -> Vec<i32> {
    let mut years: Vec<i32> = site.articles.values().map(|a| a.date.year()).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
}

// ---- JSON-LD ----

fn entity_ref(site: &Site, id: &EntityId) -> Value {
    let e = &site.entities[id];
    json!({
        "@type": schema_type(id.kind),
        "name": e.name,
        "url": site.config.absolute_url(&e.path()),
    })
}

fn schema_type(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Country => "Country",
        EntityKind::Leader => "Person",
        EntityKind::Crisis => "Event",
    }
}

pub fn article_jsonld(site: &Site, a: &Article) -> Value {
    let url = site.config.absolute_url(&a.path());
    // A briefing is about its crises (or, failing those, its countries); the
    // rest are mentions.
    let crises: Vec<&EntityId> = a.entities_of(EntityKind::Crisis).collect();
    let (about, mentions): (Vec<&EntityId>, Vec<&EntityId>) = if crises.is_empty() {
        a.entities
            .iter()
            .partition(|id| id.kind == EntityKind::Country)
    } else {
        a.entities
            .iter()
            .partition(|id| id.kind == EntityKind::Crisis)
    };
    json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.summary,
        "datePublished": a.date.rfc3339(),
        "dateModified": a.last_modified().rfc3339(),
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": site.config.site.language,
        "keywords": a.tags.iter().map(|t| site.tags[t].name.as_str()).collect::<Vec<_>>(),
        "about": about.iter().map(|id| entity_ref(site, id)).collect::<Vec<_>>(),
        "mentions": mentions.iter().map(|id| entity_ref(site, id)).collect::<Vec<_>>(),
        "publisher": {"@type": "Organization", "name": site.config.site.title, "url": site.config.absolute_url("")},
    })
}

pub fn entity_jsonld(site: &Site, e: &Entity) -> Value {
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": schema_type(e.id.kind),
        "name": e.name,
        "url": site.config.absolute_url(&e.path()),
    });
    let obj = v.as_object_mut().expect("an object");
    if !e.aliases.is_empty() {
        obj.insert("alternateName".into(), json!(e.aliases));
    }
    if !e.summary.is_empty() {
        obj.insert("description".into(), json!(e.summary));
    }
    match &e.details {
        Details::Country(c) => {
            if let Some(iso) = &c.iso {
                obj.insert("identifier".into(), json!(iso));
            }
        }
        Details::Leader(l) => {
            if let Some(office) = &l.office {
                obj.insert("jobTitle".into(), json!(office));
            }
            if let Some(c) = &l.country {
                obj.insert("nationality".into(), entity_ref(site, c));
            }
        }
        Details::Crisis(c) => {
            if let Some(d) = &c.started {
                obj.insert("startDate".into(), json!(d.iso()));
            }
            if let Some(d) = &c.ended {
                obj.insert("endDate".into(), json!(d.iso()));
            }
            if !c.countries.is_empty() {
                obj.insert(
                    "location".into(),
                    json!(c
                        .countries
                        .iter()
                        .map(|id| entity_ref(site, id))
                        .collect::<Vec<_>>()),
                );
            }
        }
    }
    v
}

// ---- Data export ----

fn slugs(ids: &[EntityId], kind: EntityKind) -> Vec<&str> {
    ids.iter()
        .filter(|i| i.kind == kind)
        .map(|i| i.slug.as_str())
        .collect()
}

/// `/api/entities.json`: the graph's entities and how they relate.
pub fn entities_json(site: &Site) -> Value {
    let entities: Vec<Value> = site
        .entities
        .values()
        .map(|e| {
            let related: Vec<EntityId> = match &e.details {
                Details::Country(c) => c.leaders.iter().chain(&c.crises).cloned().collect(),
                Details::Leader(l) => l
                    .country
                    .iter()
                    .chain(&l.crises)
                    .chain(&l.peers)
                    .cloned()
                    .collect(),
                Details::Crisis(c) => c.countries.iter().chain(&c.leaders).cloned().collect(),
            };
            json!({
                "kind": e.id.kind,
                "slug": e.id.slug,
                "name": e.name,
                "aliases": e.aliases,
                "url": site.config.absolute_url(&e.path()),
                "has_profile": e.source.is_some(),
                "briefings": e.articles.len(),
                "related": {
                    "countries": slugs(&related, EntityKind::Country),
                    "leaders": slugs(&related, EntityKind::Leader),
                    "crises": slugs(&related, EntityKind::Crisis),
                },
            })
        })
        .collect();
    json!({ "entities": entities })
}

/// `/api/articles.json`: every briefing's metadata, newest first.
pub fn articles_json(site: &Site) -> Value {
    let articles: Vec<Value> = site
        .timeline
        .iter()
        .map(|slug| {
            let a = &site.articles[slug];
            json!({
                "slug": a.slug,
                "title": a.title,
                "url": site.config.absolute_url(&a.path()),
                "date": a.date.iso(),
                "updated": a.updated.map(|u| u.iso()),
                "summary": a.summary,
                "countries": slugs(&a.entities, EntityKind::Country),
                "leaders": slugs(&a.entities, EntityKind::Leader),
                "crises": slugs(&a.entities, EntityKind::Crisis),
                "tags": a.tags,
                "sources": a.sources.iter().map(|s| json!({"name": s.name, "url": s.url})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "articles": articles })
}

pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.config.absolute_url("sitemap.xml")
    )
}
