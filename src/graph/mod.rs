//! The site graph: the raw content resolved into articles and entities
//! keyed by stable ids and linked by id, with their relations. Split by
//! concern: the model types here; `names` (the registry references resolve
//! against), `profiles`, `articles`, `bodies` (the link index for Markdown)
//! and `relations` (derived, two-way links).

mod articles;
mod bodies;
mod books;
mod dossier;
mod names;
pub mod patch;
pub mod patch_book;
pub mod patch_profile;
mod profiles;
mod relations;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::config::Config;
use crate::content::frontmatter::{
    ArticleFrontMatter, Date, Extra, PartialDate, SourceRef, WebUrl,
};
pub use crate::content::EntityKind;
use crate::content::RawContent;
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Unpublished};
use articles::{article_slug, resolve_article, resolve_articles};
use bodies::render_bodies;
pub use bodies::{
    article_assets, link_index, render_edited_body, set_article_body, summary_from_body, BodyCache,
};
pub use dossier::{
    metric_label, Alert, Amount, Assessment, Figure, KeyDate, Position, Tense, Trend, Unit,
    STALE_FIGURE_MONTHS,
};
use names::{register_profile_names, Registry, Resolver};
use profiles::{
    add_all_profiles, check_across, link_profile_references, profile_relations, ProfileBody,
};
use relations::link_relations;
pub use relations::{RelationsCache, Touched};

/// An article's id is its slug, unique across the site.
pub type ArticleId = String;

pub use crate::content::EntityId;

/// A cited source. Its `url` is a checked [`WebUrl`]: only http(s).
#[derive(Debug, Clone, Hash)]
pub struct Source {
    pub name: String,
    pub url: WebUrl,
}

impl From<&SourceRef> for Source {
    fn from(s: &SourceRef) -> Self {
        Source {
            name: s.name.trim().to_string(),
            url: s.url.clone(),
        }
    }
}

#[derive(Debug, Clone, Hash)]
pub struct Article {
    pub slug: ArticleId,
    pub source: PathBuf,
    pub title: String,
    pub date: Date,
    pub updated: Option<Date>,
    pub summary: String,
    pub body_html: std::sync::Arc<str>,
    /// The body's headings, for anchor checks and the table of contents.
    pub headings: Vec<markdown::Heading>,
    /// Entities named in front matter, in the order written, per kind.
    pub entities: Vec<EntityId>,
    /// Entities mentioned in the prose, tagged or not, with the line of the
    /// first mention.
    pub mentions: Vec<(EntityId, usize)>,
    /// Links to headings, checked by `briefing check`.
    pub anchors: Vec<markdown::Anchor>,
    /// Files beside the briefing that its body shows or links to, published
    /// beside its page.
    pub assets: Vec<ArticleAsset>,
    /// A digest of the raw front matter: when an edit leaves it alone, only
    /// the body can have changed.
    pub front_matter_digest: u64,
    /// 1-based line where the body starts in the source file.
    pub body_line: usize,
    /// Tag slugs.
    pub tags: Vec<String>,
    pub sources: Vec<Source>,
    pub draft: bool,
    /// What sort of briefing it is (readout, call, analysis…), if given.
    pub kind: Option<String>,
    pub extra: Extra,
    /// Neighbours in time: the next older and next newer briefing.
    pub older: Option<ArticleId>,
    pub newer: Option<ArticleId>,
    /// Briefings sharing the most entities, best first.
    pub related: Vec<ArticleId>,
    /// The languages the briefing is written in, on a site with several
    /// (its own among them); empty on a site with one.
    pub versions: Vec<String>,
}

/// A book's id is its slug, unique among books.
pub type BookId = String;

/// A briefing book for a meeting or a trip. What it shows of the entities
/// it names is worked out, when its page renders, as of its `date`.
#[derive(Debug, Clone, Hash)]
pub struct Book {
    pub slug: BookId,
    pub source: PathBuf,
    pub title: String,
    /// The meeting's day, or a trip's first: the day the book is as of.
    pub date: Date,
    /// A trip's last day.
    pub end: Option<Date>,
    pub place: Option<String>,
    /// The leader the book is for.
    pub principal: Option<EntityId>,
    /// The leaders met, in the order written.
    pub counterparts: Vec<EntityId>,
    pub countries: Vec<EntityId>,
    /// The agenda.
    pub crises: Vec<EntityId>,
    /// As written: a book adds no tag pages.
    pub tags: Vec<String>,
    pub summary: String,
    pub body_html: std::sync::Arc<str>,
    pub headings: Vec<markdown::Heading>,
    pub mentions: Vec<(EntityId, usize)>,
    pub anchors: Vec<markdown::Anchor>,
    pub draft: bool,
    pub extra: Extra,
    /// The front-matter line each named entity is written on, for
    /// findings about it.
    pub lines: Vec<(EntityId, usize)>,
}

impl Book {
    /// The line `id` is named on in the front matter, if known.
    pub fn line_of(&self, id: &EntityId) -> Option<usize> {
        self.lines.iter().find(|(e, _)| e == id).map(|(_, l)| *l)
    }

    pub fn path(&self) -> String {
        format!("books/{}/", self.slug)
    }

    /// The day the book is as of, in the date's own offset.
    pub fn day(&self) -> chrono::NaiveDate {
        self.date.instant.date_naive()
    }

    /// The last day of the meeting or trip.
    pub fn last_day(&self) -> chrono::NaiveDate {
        self.end.map_or(self.day(), |e| e.instant.date_naive())
    }

    /// Every entity the book names: principal, counterparts, countries,
    /// then crises.
    pub fn entities(&self) -> impl Iterator<Item = &EntityId> {
        self.principal
            .iter()
            .chain(&self.counterparts)
            .chain(&self.countries)
            .chain(&self.crises)
    }
}

/// A file published beside a briefing's page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArticleAsset {
    /// Site-relative source, e.g. `content/articles/2023/ruto/map.png`.
    pub source: PathBuf,
    /// Its path below the page, e.g. `map.png`.
    pub name: String,
    /// Changes when the file does, so its copy is written again.
    pub stamp: u64,
}

impl Article {
    pub fn path(&self) -> String {
        format!("articles/{}/", self.slug)
    }

    pub fn entities_of(&self, kind: EntityKind) -> impl Iterator<Item = &EntityId> {
        self.entities.iter().filter(move |e| e.kind == kind)
    }

    /// The date a reader should see as "last changed".
    pub fn last_modified(&self) -> Date {
        self.updated.unwrap_or(self.date)
    }
}

#[derive(Debug, Clone, Hash)]
pub struct Entity {
    pub id: EntityId,
    pub name: String,
    pub aliases: Vec<String>,
    /// The profile file, or `None` for a name that briefings use but that has
    /// no profile yet.
    pub source: Option<PathBuf>,
    pub body_html: std::sync::Arc<str>,
    pub summary: String,
    pub extra: Extra,
    pub details: Details,
    /// Key dates from the profile, soonest first.
    pub dates: Vec<KeyDate>,
    /// Briefings naming this entity, newest first.
    pub articles: Vec<ArticleId>,
    /// How many of them each month, oldest first; months with none are
    /// left out.
    pub monthly: Vec<MonthCount>,
    /// Briefings dated in the `recent_days` (site.yaml) up to the reference
    /// date.
    pub recent: usize,
    /// Entities named in the same briefings, strongest tie first: a signal,
    /// not a stated relation.
    pub mentioned_with: Vec<CoMention>,
    /// Briefing books naming this entity, newest first.
    pub books: Vec<BookId>,
    /// On a page in another language than the default: the profile has
    /// no translation into it, so its name and text are the original's.
    pub untranslated: bool,
}

/// Briefings in one month.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct MonthCount {
    pub year: i32,
    pub month: u32,
    pub count: u32,
}

/// Another entity named in the same briefings.
#[derive(Debug, Clone, Hash)]
pub struct CoMention {
    pub id: EntityId,
    /// Briefings naming both.
    pub shared: usize,
}

/// Another leader who appears in the same briefings as a leader.
#[derive(Debug, Clone, Hash)]
pub struct Contact {
    pub id: EntityId,
    pub shared: usize,
    pub first: Date,
    pub latest: Date,
    /// The latest shared briefings, newest first (three at most).
    pub recent: Vec<ArticleId>,
}

#[derive(Debug, Clone, Hash)]
pub enum Details {
    Country(Country),
    Leader(Leader),
    Crisis(Crisis),
}

#[derive(Debug, Clone, Default, Hash)]
pub struct Country {
    pub iso: Option<String>,
    /// The ISO alpha-2 code that places it on the world map: `iso`, or the
    /// code its name or an alias matches; `None` when neither does.
    pub place: Option<String>,
    pub region: Option<String>,
    pub capital: Option<String>,
    /// Leaders whose `country` is this one.
    pub leaders: Vec<EntityId>,
    /// Crises whose profiles list this country.
    pub crises: Vec<EntityId>,
    /// Whether one of them is active.
    pub in_active_crisis: bool,
}

#[derive(Debug, Clone, Default, Hash)]
pub struct Leader {
    pub country: Option<EntityId>,
    /// Offices held, newest first.
    pub positions: Vec<Position>,
    pub born: Option<PartialDate>,
    pub party: Option<String>,
    /// Other leaders in the same briefings, most shared first.
    pub contacts: Vec<Contact>,
}

/// A leader's positions, judged against a day: the one place the rules for
/// what is held, what is to come and where a leader stands live, for the
/// graph's leaders and for the positions a page reads alike.
#[derive(Clone, Copy)]
pub struct Offices<'a>(pub &'a [Position]);

impl<'a> Offices<'a> {
    /// Every office held on `day`, the one that heads the leader's page
    /// first (see [`dossier::heading_first`]).
    pub fn held_on(self, day: chrono::NaiveDate) -> Vec<&'a Position> {
        dossier::heading_first(self.0.iter().filter(|p| p.held_on(day)))
    }

    /// The office that heads the leader's page on `day`, if any.
    pub fn head_on(self, day: chrono::NaiveDate) -> Option<&'a Position> {
        self.held_on(day).into_iter().next()
    }

    /// The office that ended last by `day`: what a former leader is
    /// remembered by.
    pub fn last_ended_by(self, day: chrono::NaiveDate) -> Option<&'a Position> {
        self.0
            .iter()
            .filter(|p| p.tense(day) == Tense::Past)
            .max_by_key(|p| p.to.map(|t| t.end()))
    }

    /// Offices that begin after `day`, soonest first.
    pub fn upcoming_on(self, day: chrono::NaiveDate) -> Vec<&'a Position> {
        let mut out: Vec<&Position> = self
            .0
            .iter()
            .filter(|p| p.tense(day) == Tense::Upcoming)
            .collect();
        out.sort_by_key(|p| p.from);
        out
    }

    pub fn standing_on(self, day: chrono::NaiveDate) -> Standing {
        let tenses: Vec<Tense> = self.0.iter().map(|p| p.tense(day)).collect();
        if tenses.contains(&Tense::Current) {
            Standing::InOffice
        } else if tenses.contains(&Tense::Upcoming) {
            Standing::Incoming
        } else if tenses.is_empty() {
            Standing::Unknown
        } else {
            Standing::Former
        }
    }
}

/// Where a leader stands on a day, by the offices they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Holds at least one office.
    InOffice,
    /// Holds none yet, but one begins later.
    Incoming,
    /// Held offices that have all ended, and none is to come.
    Former,
    /// No dated office is known.
    Unknown,
}

impl Leader {
    /// The leader's offices, to judge against a day.
    pub fn offices(&self) -> Offices<'_> {
        Offices(&self.positions)
    }
}

#[derive(Debug, Clone, Default, Hash)]
pub struct Crisis {
    pub status: Option<String>,
    pub started: Option<PartialDate>,
    pub ended: Option<PartialDate>,
    /// The countries the profile lists.
    pub countries: Vec<EntityId>,
    /// Monthly assessments, oldest first.
    pub assessments: Vec<Assessment>,
    /// Sourced figures, in the order written.
    pub figures: Vec<Figure>,
}

impl Crisis {
    /// The assessments of months begun by `day`, oldest first: one for a
    /// later month is not written yet as of that day.
    pub fn assessed_by(&self, day: chrono::NaiveDate) -> Vec<&Assessment> {
        self.assessments
            .iter()
            .filter(|a| a.month.start() <= day)
            .collect()
    }

    /// The latest of [`Crisis::assessed_by`].
    pub fn latest_assessment(&self, day: chrono::NaiveDate) -> Option<&Assessment> {
        self.assessed_by(day).pop()
    }

    /// The figures whose date had begun by `day`, in the order written.
    pub fn figures_by(&self, day: chrono::NaiveDate) -> Vec<&Figure> {
        self.figures
            .iter()
            .filter(|f| f.as_of.start() <= day)
            .collect()
    }

    pub fn is_active(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("active"))
    }
}

#[derive(Debug, Clone, Hash)]
pub struct Tag {
    pub slug: String,
    pub name: String,
    /// Newest first.
    pub articles: Vec<ArticleId>,
}

impl Tag {
    pub fn path(&self) -> String {
        format!("tags/{}/", self.slug)
    }
}

/// The whole resolved site: everything the renderer needs.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub articles: BTreeMap<ArticleId, Article>,
    /// Article ids, newest first.
    pub timeline: Vec<ArticleId>,
    pub entities: BTreeMap<EntityId, Entity>,
    pub tags: BTreeMap<String, Tag>,
    /// Briefing files that are not published, and why: links to them say so.
    pub unpublished: BTreeMap<PathBuf, Unpublished>,
    /// Every other file under `content/`, by site-relative path.
    pub assets: BTreeMap<PathBuf, crate::content::AssetFile>,
    /// Briefing books, by slug.
    pub books: BTreeMap<BookId, Book>,
    /// On a site in several languages: how many briefings each other
    /// language publishes, for lists to say what is not in this one.
    pub elsewhere: BTreeMap<String, usize>,
}

impl Site {
    pub fn entities_of(&self, kind: EntityKind) -> impl Iterator<Item = &Entity> {
        self.entities.values().filter(move |e| e.id.kind == kind)
    }

    pub fn url(&self, path: &str) -> String {
        self.config.url(path)
    }
}

/// Resolve the raw content into the site graph. Problems are pushed onto
/// `diags`; the caller decides whether they stop the build.
pub fn resolve(
    config: Config,
    mut raw: RawContent,
    caches: &mut Caches,
    diags: &mut Vec<Diagnostic>,
) -> Site {
    let mut t = crate::Timings::from_env();
    let taken = bodies::take_article_bodies(&mut raw.articles);
    let mut r = Resolver {
        registry: Registry::default(),
        entities: BTreeMap::new(),
    };
    // Profile bodies, rendered once every name is known.
    let mut profile_bodies = add_all_profiles(&mut r, &raw, config.today, diags);
    let other_language = config.language() != config.default_language();
    profiles::apply_translations(&mut r, &raw, &mut profile_bodies, other_language, diags);
    // Every profile's names are known before any reference is resolved,
    // so resolution does not depend on file order.
    register_profile_names(&mut r, diags);
    link_profile_references(&mut r, &raw, diags);
    check_across(&r.entities, diags);
    t.lap("  profiles");
    let (mut articles, article_docs, tags, unpublished) =
        resolve_articles(&config, &raw, &mut r, diags);
    t.lap("  articles");
    let (mut books, book_docs) = books::resolve_books(&config, &raw, &r.registry, diags);
    for (id, named) in books::books_by_entity(&books) {
        if let Some(e) = r.entities.get_mut(&id) {
            e.books = named;
        }
    }
    let index = link_index(&config, &r.entities, &articles, &unpublished, &raw.assets);
    t.lap("  link index");
    render_bodies(
        bodies::Documents {
            articles: &mut articles,
            entities: &mut r.entities,
            books: &mut books,
        },
        &article_docs,
        taken,
        &profile_bodies,
        &book_docs,
        &index,
        &mut caches.bodies,
        diags,
    );
    caches.bodies.keep_index(index);
    let elsewhere = briefings_elsewhere(&config, &raw.versions);
    // The parsed files (every body's Markdown among them) are gone before
    // the relations are worked out, rather than beside them.
    drop((article_docs, book_docs, profile_bodies));
    let assets = std::mem::take(&mut raw.assets);
    drop(raw);
    let mut site = Site {
        elsewhere,
        unpublished,
        config,
        articles,
        timeline: Vec::new(),
        entities: r.entities,
        tags,
        assets,
        books,
    };
    t.lap("  bodies");
    link_relations(&mut site, &mut caches.relations);
    t.lap("  relations");
    if caches.enabled {
        caches.registry = Some(r.registry);
    }
    site
}

/// How many briefings each language but `config`'s publishes.
fn briefings_elsewhere(
    config: &Config,
    versions: &BTreeMap<std::path::PathBuf, Vec<String>>,
) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let articles = std::path::Path::new("content/articles");
    for langs in versions
        .iter()
        .filter(|(base, _)| base.starts_with(articles))
        .map(|(_, langs)| langs)
    {
        for lang in langs.iter().filter(|l| *l != config.language()) {
            *out.entry(lang.clone()).or_insert(0) += 1;
        }
    }
    out
}

/// What `serve` keeps from one load of the graph for the next: rendered
/// bodies, the name registry and the costly relations. Empty (the
/// default), they keep nothing.
#[derive(Default)]
pub struct Caches {
    enabled: bool,
    pub bodies: BodyCache,
    pub relations: RelationsCache,
    /// The names references resolved against, for an edited briefing's.
    registry: Option<Registry>,
}

impl Caches {
    /// Caches that keep what each load made, for the next.
    pub fn kept() -> Self {
        Caches {
            enabled: true,
            bodies: BodyCache::new(),
            relations: RelationsCache::new(),
            registry: None,
        }
    }
}

/// A digest of front matter, to tell an edit that left it alone.
pub fn digest(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}
