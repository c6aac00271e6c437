//! Reader features beyond the HTML pages: Atom feeds, the sitemap and
//! robots.txt, JSON-LD structured data, the archive, and the JSON export of
//! the graph.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{json, Value};

use super::page_id::{list_slice, FeedScope, PageId};
use super::reader::Reader;
use super::views::ArticleCard;
use crate::config::FeedContent;
use crate::content::frontmatter::{Date, MONTHS};
use crate::graph::{Article, ArticleId, Details, Entity, EntityId, EntityKind};

/// Entries per feed.
pub const FEED_LENGTH: usize = 20;

impl FeedScope {
    /// Newest first.
    pub fn articles<'a>(&self, r: &Reader<'a>) -> &'a [String] {
        match self {
            FeedScope::Site => r.timeline(),
            FeedScope::Entity(id) => &r.entity(id).articles,
            FeedScope::Tag(slug) => &r.tag(slug).articles,
        }
    }

    pub fn title(&self, r: &Reader) -> String {
        let site = &r.config().site.title;
        match self {
            FeedScope::Site => site.clone(),
            FeedScope::Entity(id) => format!("{site}: {}", r.entity_name(id)),
            FeedScope::Tag(slug) => format!("{site}: tagged {}", r.tag_name(slug)),
        }
    }
}

/// A stable id for a feed or entry: its absolute URL when the site knows its
/// host, else a URN built from the path (still unique and unchanging).
fn atom_id(r: &Reader, path: &str) -> String {
    if r.config().origin.is_empty() {
        format!(
            "urn:briefing:{}",
            path.trim_end_matches('/').replace('/', ":")
        )
    } else {
        r.config().absolute_url(path)
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
    /// The full text, or nothing where the feed carries summaries.
    pub content: Option<String>,
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

pub fn feed_view<'a>(r: &Reader<'a>, scope: &FeedScope) -> FeedView<'a> {
    let config = r.config();
    let newest: &[String] = &scope.articles(r)[..scope.articles(r).len().min(FEED_LENGTH)];
    let full = matches!(scope, FeedScope::Site) || config.site.entity_feeds == FeedContent::Full;
    let entries: Vec<EntryView> = newest
        .iter()
        .map(|slug| feed_entry(r, slug, full))
        .collect();
    let updated = newest
        .iter()
        .map(|s| r.last_modified(s))
        .max()
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
    FeedView {
        id: atom_id(r, &scope.path()),
        title: scope.title(r),
        subtitle: &config.site.description,
        url: config.absolute_url(&scope.page_path()),
        self_url: config.absolute_url(&scope.path()),
        updated,
        language: &config.site.language,
        entries,
    }
}

/// One briefing in a feed, with its full text if `full`.
fn feed_entry<'a>(r: &Reader<'a>, slug: &str, full: bool) -> EntryView<'a> {
    let config = r.config();
    let a = r.article(slug);
    let categories = a
        .entities
        .iter()
        .map(|id| CategoryView {
            term: &id.slug,
            label: r.entity_name(id),
            scheme: config.absolute_url(&format!("{}/", id.kind.dir())),
        })
        .chain(a.tags.iter().map(|t| CategoryView {
            term: t,
            label: r.tag_name(t),
            scheme: config.absolute_url("tags/"),
        }))
        .collect();
    EntryView {
        id: atom_id(r, &a.path()),
        title: &a.title,
        url: config.absolute_url(&a.path()),
        published: a.date.rfc3339(),
        updated: a.last_modified().rfc3339(),
        summary: &a.summary,
        content: full.then(|| absolutize(&a.body_html, &config.origin)),
        categories,
    }
}

#[derive(Serialize)]
pub struct SitemapEntry {
    pub loc: String,
    pub lastmod: Option<String>,
    /// Its versions in the site's languages, when it has others.
    pub versions: Vec<super::languages::Version>,
}

/// Every briefing's date and "last changed" date, each read once: the
/// sitemap asks about each briefing from several pages (its own, each of its
/// entities', each tag's, its year's), and reading through the Reader every
/// time cost half a second at 10,000 briefings.
pub struct LastModified<'a> {
    changed: HashMap<&'a str, Date>,
    by_year: BTreeMap<i32, Date>,
    newest: Option<Date>,
}

impl<'a> LastModified<'a> {
    pub fn new(r: &Reader<'a>) -> Self {
        let mut by_year: BTreeMap<i32, Date> = BTreeMap::new();
        let changed: HashMap<&'a str, Date> = r
            .timeline()
            .iter()
            .map(|s| {
                let (date, updated) = r.dates(s);
                let changed = updated.unwrap_or(date);
                let year = by_year.entry(date.year()).or_insert(changed);
                *year = (*year).max(changed);
                (s.as_str(), changed)
            })
            .collect();
        let newest = by_year.values().max().copied();
        LastModified {
            changed,
            by_year,
            newest,
        }
    }

    /// The newest "last changed" date among some briefings.
    fn newest(&self, slugs: &[ArticleId]) -> Option<Date> {
        slugs.iter().map(|s| self.changed[s.as_str()]).max()
    }

    /// `lastmod` for a page: a briefing's own date, else its newest
    /// briefing's.
    pub fn of(&self, r: &Reader, page: &PageId) -> Option<Date> {
        use PageId::*;
        match page {
            Article(slug) => Some(self.changed[slug.as_str()]),
            Entity(id, n) => self.newest(list_slice(&r.entity(id).articles, *n)),
            Tag(slug, n) => self.newest(list_slice(&r.tag(slug).articles, *n)),
            ArchiveYear(y) => self.by_year.get(y).copied(),
            EntityIndex(kind) => r
                .entity_ids(*kind)
                .filter_map(|id| self.newest(&r.entity(id).articles))
                .max(),
            Home | Articles(_) | Tags | Archive => self.newest,
            _ => None,
        }
    }
}

#[derive(Serialize)]
pub struct MonthView<'a> {
    pub name: String,
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
pub fn archive<'a>(r: &Reader<'a>, only: Option<i32>, with_articles: bool) -> Vec<YearView<'a>> {
    let mut years: BTreeMap<i32, BTreeMap<u32, Vec<&'a String>>> = BTreeMap::new();
    for slug in r.timeline() {
        let (date, _) = r.dates(slug);
        let (y, m) = (date.year(), date.month());
        if only.is_none_or(|o| o == y) {
            years.entry(y).or_default().entry(m).or_default().push(slug);
        }
    }
    years
        .into_iter()
        .rev()
        .map(|(year, months)| YearView {
            year,
            url: r.url(&format!("archive/{year}/")),
            count: months.values().map(Vec::len).sum(),
            months: months
                .into_iter()
                .rev()
                .map(|(m, list)| MonthView {
                    name: r.words().month_name(m),
                    id: MONTHS[m as usize - 1].to_lowercase(),
                    count: list.len(),
                    articles: if with_articles {
                        list.into_iter().map(|s| ArticleCard::new(r, s)).collect()
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
        })
        .collect()
}

// ---- JSON-LD ----

fn entity_ref(r: &Reader, id: &EntityId) -> Value {
    json!({
        "@type": schema_type(id.kind),
        "name": r.entity_name(id),
        "url": r.config().absolute_url(&id.path()),
    })
}

fn schema_type(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Country => "Country",
        EntityKind::Leader => "Person",
        EntityKind::Crisis => "Event",
    }
}

pub fn article_jsonld(r: &Reader, a: &Article) -> Value {
    let config = r.config();
    let url = config.absolute_url(&a.path());
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
        "inLanguage": config.site.language,
        "headline": a.title,
        "description": a.summary,
        "datePublished": a.date.rfc3339(),
        "dateModified": a.last_modified().rfc3339(),
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": config.site.language,
        "keywords": a.tags.iter().map(|t| r.tag_name(t)).collect::<Vec<_>>(),
        "about": about.iter().map(|id| entity_ref(r, id)).collect::<Vec<_>>(),
        "mentions": mentions.iter().map(|id| entity_ref(r, id)).collect::<Vec<_>>(),
        "publisher": {"@type": "Organization", "name": config.site.title, "url": config.absolute_url("")},
    })
}

pub fn entity_jsonld(r: &Reader, e: &Entity) -> Value {
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": schema_type(e.id.kind),
        "name": e.name,
        "url": r.config().absolute_url(&e.path()),
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
            // The office that heads the page; every office is in
            // hasOccupation below.
            if let Some(p) = l.offices().head_on(r.config().today) {
                obj.insert("jobTitle".into(), json!(p.full_title()));
            }
            if let Some(c) = &l.country {
                obj.insert("nationality".into(), entity_ref(r, c));
            }
            if !l.positions.is_empty() {
                obj.insert(
                    "hasOccupation".into(),
                    json!(l.positions.iter().map(occupation_role).collect::<Vec<_>>()),
                );
            }
        }
        Details::Crisis(c) => {
            if let Some(d) = &c.started {
                obj.insert("startDate".into(), json!(d.iso()));
            }
            if let Some(d) = &c.ended {
                obj.insert("endDate".into(), json!(d.iso()));
            }
            // The figures the page shows: those dated by the reference date.
            let figures = c.figures_by(r.config().today);
            if !figures.is_empty() {
                obj.insert(
                    "additionalProperty".into(),
                    json!(figures.into_iter().map(figure_ld).collect::<Vec<_>>()),
                );
            }
            if !c.countries.is_empty() {
                obj.insert(
                    "location".into(),
                    json!(c
                        .countries
                        .iter()
                        .map(|id| entity_ref(r, id))
                        .collect::<Vec<_>>()),
                );
            }
        }
    }
    if !e.dates.is_empty() {
        let url = r.config().absolute_url(&e.path());
        let events: Vec<Value> = e
            .dates
            .iter()
            .map(|d| json!({"@type": "Event", "name": d.title, "startDate": d.date.format("%Y-%m-%d").to_string(), "url": url}))
            .collect();
        obj.insert("subjectOf".into(), json!(events));
    }
    v
}

/// An office as schema.org models a post held over time: a `Role` wrapping
/// an `Occupation`, dated by `startDate`/`endDate`.
/// A figure as a schema.org `PropertyValue`: the number or range, its unit
/// as `unitText`, and the date and source in words and as a link.
fn figure_ld(f: &crate::graph::Figure) -> Value {
    let name = f.label.clone().unwrap_or_else(|| f.metric.clone());
    let mut v = json!({
        "@type": "PropertyValue",
        "name": name,
        "propertyID": f.metric,
        "description": format!("{} as of {}", f.value_text(), f.as_of.human()),
    });
    let obj = v.as_object_mut().expect("an object");
    match f.amount {
        crate::graph::Amount::Exact(x) => obj.insert("value".into(), json!(x)),
        crate::graph::Amount::Range(a, b) => {
            obj.insert("minValue".into(), json!(a));
            obj.insert("maxValue".into(), json!(b))
        }
    };
    if let Some(unit) = &f.unit {
        obj.insert("unitText".into(), json!(unit.as_str()));
    }
    if let Some(s) = &f.source {
        obj.insert("url".into(), json!(s.url));
    }
    v
}

fn occupation_role(p: &crate::graph::Position) -> Value {
    let mut role = json!({
        "@type": "Role",
        "roleName": p.title(),
        "hasOccupation": {"@type": "Occupation", "name": p.office},
    });
    let obj = role.as_object_mut().expect("an object");
    if let Some(f) = &p.from {
        obj.insert("startDate".into(), json!(f.iso()));
    }
    if let Some(t) = &p.to {
        obj.insert("endDate".into(), json!(t.iso()));
    }
    role
}

// ---- Data export ----

fn slugs(ids: &[EntityId], kind: EntityKind) -> Vec<&str> {
    ids.iter()
        .filter(|i| i.kind == kind)
        .map(|i| i.slug.as_str())
        .collect()
}

/// `/api/entities.json`: the graph's entities and how they relate.
pub fn entities_json(r: &Reader) -> Value {
    let entities: Vec<Value> = EntityKind::ALL
        .into_iter()
        .flat_map(|kind| r.entity_ids(kind))
        .map(|id| {
            let e = r.entity(id);
            let related: Vec<EntityId> = e.related().into_iter().cloned().collect();
            let mut v = json!({
                "kind": e.id.kind,
                "slug": e.id.slug,
                "name": e.name,
                "aliases": e.aliases,
                "url": r.config().absolute_url(&e.path()),
                "has_profile": e.source.is_some(),
                "briefings": e.articles.len(),
                "related": {
                    "countries": slugs(&related, EntityKind::Country),
                    "leaders": slugs(&related, EntityKind::Leader),
                    "crises": slugs(&related, EntityKind::Crisis),
                },
                "mentioned_with": e.mentioned_with.iter().map(|m| json!({"kind": m.id.kind, "slug": m.id.slug, "shared": m.shared})).collect::<Vec<_>>(),
                "dates": e.dates.iter().map(|d| json!({"date": d.date.format("%Y-%m-%d").to_string(), "title": d.title, "kind": d.kind})).collect::<Vec<_>>(),
            });
            dossier_json(e, v.as_object_mut().expect("an object"));
            v
        })
        .collect();
    json!({ "entities": entities })
}

/// The leader's positions, the crisis's assessments and figures.
fn dossier_json(e: &Entity, obj: &mut serde_json::Map<String, Value>) {
    let source = |s: &Option<crate::graph::Source>| {
        s.as_ref().map(|s| json!({"name": s.name, "url": s.url}))
    };
    match &e.details {
        Details::Leader(l) => {
            let positions: Vec<Value> = l
                .positions
                .iter()
                .map(|p| {
                    json!({
                        "office": p.office,
                        "from": p.from.map(|d| d.iso()),
                        "to": p.to.map(|d| d.iso()),
                        "acting": p.acting,
                    })
                })
                .collect();
            obj.insert("positions".into(), json!(positions));
            obj.insert("born".into(), json!(l.born.map(|d| d.iso())));
            obj.insert("party".into(), json!(l.party));
        }
        Details::Crisis(c) => {
            let assessments: Vec<Value> = c
                .assessments
                .iter()
                .map(|a| {
                    json!({
                        "month": a.month.iso(),
                        "trend": a.trend,
                        "alert": a.alert,
                        "note": a.note,
                        "source": source(&a.source),
                    })
                })
                .collect();
            let figures: Vec<Value> = c.figures.iter().map(|f| {
                let (value, min, max) = match f.amount {
                    crate::graph::Amount::Exact(v) => (Some(v), None, None),
                    crate::graph::Amount::Range(a, b) => (None, Some(a), Some(b)),
                };
                json!({"metric": f.metric, "label": f.label, "value": value, "min": min, "max": max, "unit": f.unit.as_ref().map(|u| u.as_str()), "as_of": f.as_of.iso(), "source": source(&f.source)})
            }).collect();
            obj.insert("assessments".into(), json!(assessments));
            obj.insert("figures".into(), json!(figures));
        }
        Details::Country(_) => {}
    }
}

/// `/api/articles.json`: every briefing, newest first. Typed rather than
/// built as a `Value`, which costs an allocation per field at 10,000
/// briefings; fields are in alphabetical order, as the export has always
/// listed them.
#[derive(Serialize)]
pub struct ArticlesJson<'a> {
    articles: Vec<ArticleJson<'a>>,
}

#[derive(Serialize)]
struct ArticleJson<'a> {
    countries: Vec<&'a str>,
    crises: Vec<&'a str>,
    date: String,
    leaders: Vec<&'a str>,
    slug: &'a str,
    sources: Vec<SourceJson<'a>>,
    summary: &'a str,
    tags: &'a [String],
    title: &'a str,
    updated: Option<String>,
    url: String,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    name: &'a str,
    url: &'a str,
}

pub fn articles_json<'a>(r: &Reader<'a>) -> ArticlesJson<'a> {
    let articles = r
        .timeline()
        .iter()
        .map(|slug| {
            let a = r.card(slug);
            ArticleJson {
                countries: slugs(a.entities, EntityKind::Country),
                crises: slugs(a.entities, EntityKind::Crisis),
                date: a.date.iso(),
                leaders: slugs(a.entities, EntityKind::Leader),
                slug: a.slug,
                sources: a
                    .sources
                    .iter()
                    .map(|s| SourceJson {
                        name: &s.name,
                        url: s.url.as_str(),
                    })
                    .collect(),
                summary: a.summary,
                tags: a.tags,
                title: a.title,
                updated: a.updated.map(|u| u.iso()),
                url: r.config().absolute_url(&a.path()),
            }
        })
        .collect();
    ArticlesJson { articles }
}

pub fn robots(r: &Reader) -> String {
    let c = r.config();
    let sitemaps: String = c
        .languages
        .iter()
        .map(|l| format!("Sitemap: {}{}\n", c.origin, c.url_in(l, "sitemap.xml")))
        .collect();
    format!("User-agent: *\nAllow: /\n\n{sitemaps}")
}
