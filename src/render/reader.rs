//! What a page reads: every view reaches the site graph through a
//! [`Reader`], which records each item it hands out. `serve` keeps those
//! records and, after an edit, re-renders exactly the pages that read an
//! item whose [`digest`](digests) changed, so its map from edits to pages is
//! built from what rendering actually read, not from a hand-kept copy.
//!
//! An item is read at the narrowest grain a view needs: a briefing's card
//! (title, date, summary…) apart from its full text, an entity's name apart
//! from its card and its whole page. The grains are types, so a view that
//! asks for a card cannot read the body without recording it.

use super::page_id::{pages, PageId};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use crate::config::Config;
use crate::content::frontmatter::{Date, PartialDate};
use crate::graph::{
    Article, ArticleId, Assessment, Book, BookId, Details, Entity, EntityId, EntityKind, Position,
    Site, Source, Tag,
};

/// One item of the graph that a page can read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dep {
    /// Everything about a briefing, its body included.
    Article(ArticleId),
    /// What a briefing's card shows: see [`Card`].
    Card(ArticleId),
    /// A briefing's date and update date: what grouping by year and
    /// `lastmod` read, so a new title does not touch every archive page.
    Dated(ArticleId),
    /// Everything about an entity, its list of briefings included.
    Entity(EntityId),
    /// What an entity's card shows: see [`EntityBrief`].
    EntityCard(EntityId),
    /// An entity's name (and aliases), for links and search records.
    EntityName(EntityId),
    /// A leader's offices, for "title as of a date".
    Positions(EntityId),
    /// A tag's name and briefings.
    Tag(String),
    /// A tag's name, for links.
    TagName(String),
    /// Every briefing, newest first.
    Timeline,
    /// Which entities of a kind exist.
    Entities(EntityKind),
    /// Which tags exist.
    Tags,
    /// Which pages exist.
    Pages,
    /// Everything about a briefing book.
    Book(BookId),
    /// Which books exist.
    Books,
    /// Whether any book exists: what the navigation shows.
    AnyBooks,
    /// How many briefings each other language publishes.
    Elsewhere,
}

/// A briefing without its text: what lists, links and the JSON export show.
#[derive(Debug, Clone, Copy, Hash)]
pub struct Card<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub date: Date,
    pub updated: Option<Date>,
    pub summary: &'a str,
    pub draft: bool,
    pub kind: Option<&'a str>,
    pub entities: &'a [EntityId],
    pub tags: &'a [String],
    pub sources: &'a [Source],
}

impl Card<'_> {
    pub fn path(&self) -> String {
        format!("articles/{}/", self.slug)
    }

    pub fn entities_of(&self, kind: EntityKind) -> impl Iterator<Item = &EntityId> {
        self.entities.iter().filter(move |e| e.kind == kind)
    }
}

impl<'a> From<&'a Article> for Card<'a> {
    fn from(a: &'a Article) -> Self {
        Card {
            slug: &a.slug,
            title: &a.title,
            date: a.date,
            updated: a.updated,
            summary: &a.summary,
            draft: a.draft,
            kind: a.kind.as_deref(),
            entities: &a.entities,
            tags: &a.tags,
            sources: &a.sources,
        }
    }
}

/// A card's short qualifier, as data: the page's language words it.
#[derive(Debug, Clone, Hash)]
pub enum Detail {
    Capital(String),
    Office(String),
    Incoming(String, Option<PartialDate>),
    Former(String, Option<String>),
    Status(String),
}

impl Detail {
    pub fn text(&self, w: &crate::render::i18n::Words) -> String {
        let s = |v: &str| v.to_string();
        match self {
            Detail::Capital(c) => w.with("detail_capital", &[("capital", s(c))]),
            Detail::Office(o) => o.clone(),
            Detail::Incoming(o, from) => {
                let from = from.map(|f| w.date(&f)).unwrap_or_default();
                w.with("detail_incoming", &[("office", s(o)), ("date", from)])
            }
            Detail::Former(o, Some(years)) => w.with(
                "detail_former_years",
                &[("office", s(o)), ("years", s(years))],
            ),
            Detail::Former(o, None) => w.with("detail_former", &[("office", s(o))]),
            Detail::Status(st) => w.status(st).to_lowercase(),
        }
    }
}

/// The part of an entity shown wherever it is listed.
#[derive(Debug, Clone, Hash)]
pub struct EntityBrief<'a> {
    pub id: &'a EntityId,
    pub name: &'a str,
    pub summary: &'a str,
    /// A short qualifier: a country's capital, a leader's office as of the
    /// reference date, a crisis's status.
    pub detail: Option<Detail>,
    pub active: bool,
    /// A leader holding an office on the reference date.
    pub in_office: bool,
    /// A crisis's latest assessment.
    pub latest: Option<&'a Assessment>,
    /// Briefings per month, for the sparkline.
    pub monthly: &'a [crate::graph::MonthCount],
    pub briefings: usize,
    pub has_profile: bool,
    /// A country's ISO code on the world map.
    pub place: Option<&'a str>,
    /// Briefings in the last 90 days.
    pub recent: usize,
    /// A country that an active crisis's profile lists.
    pub in_active_crisis: bool,
}

/// What a leader's card says of their offices on `today`: the office that
/// heads their page, an office still to begin, or the last one held.
fn leader_detail(
    l: &crate::graph::Leader,
    today: chrono::NaiveDate,
    in_office: &mut bool,
) -> Option<Detail> {
    use crate::graph::Standing;
    let offices = l.offices();
    match offices.standing_on(today) {
        Standing::InOffice => {
            *in_office = true;
            offices
                .head_on(today)
                .map(|p| Detail::Office(p.full_title()))
        }
        Standing::Incoming => offices
            .upcoming_on(today)
            .first()
            .map(|p| Detail::Incoming(p.full_title(), p.from)),
        Standing::Former => offices
            .last_ended_by(today)
            .map(|p| Detail::Former(p.full_title(), p.years())),
        Standing::Unknown => None,
    }
}

impl<'a> EntityBrief<'a> {
    /// What a card shows of `e`, as of `today`.
    pub fn new(e: &'a Entity, today: chrono::NaiveDate) -> Self {
        let mut in_office = false;
        let mut latest = None;
        let detail = match &e.details {
            Details::Country(c) => c.capital.clone().map(Detail::Capital),
            Details::Leader(l) => leader_detail(l, today, &mut in_office),
            Details::Crisis(c) => {
                latest = c.latest_assessment(today);
                c.status.clone().map(Detail::Status)
            }
        };
        let (place, in_active_crisis) = match &e.details {
            Details::Country(c) => (c.place.as_deref(), c.in_active_crisis),
            _ => (None, false),
        };
        EntityBrief {
            place,
            recent: e.recent,
            in_active_crisis,
            id: &e.id,
            name: &e.name,
            summary: &e.summary,
            detail,
            active: matches!(&e.details, Details::Crisis(c) if c.is_active()),
            in_office,
            latest,
            monthly: &e.monthly,
            briefings: e.articles.len(),
            has_profile: e.source.is_some(),
        }
    }
}

/// Hands out the graph to one page's views, recording what they read.
pub struct Reader<'a> {
    site: &'a Site,
    /// The theme's words in the page's language, for text built here.
    words: &'a crate::render::i18n::Words,
    /// `None` when nobody needs the record (a one-off `build`).
    reads: Option<RefCell<Vec<Dep>>>,
}

impl<'a> Reader<'a> {
    pub fn new(site: &'a Site, words: &'a crate::render::i18n::Words, record: bool) -> Self {
        Reader {
            site,
            words,
            reads: record.then(|| RefCell::new(Vec::new())),
        }
    }

    fn record(&self, dep: impl FnOnce() -> Dep) {
        if let Some(reads) = &self.reads {
            reads.borrow_mut().push(dep());
        }
    }

    /// What was read, without repeats.
    pub fn into_reads(self) -> BTreeSet<Dep> {
        self.reads
            .map(|r| r.into_inner().into_iter().collect())
            .unwrap_or_default()
    }

    /// The site's settings. Not recorded: an edit to `site.yaml` rebuilds
    /// everything.
    /// How many briefings each other language publishes, by code.
    pub fn elsewhere(&self) -> &'a BTreeMap<String, usize> {
        self.record(|| Dep::Elsewhere);
        &self.site.elsewhere
    }

    /// The theme's words in the page's language.
    pub fn words(&self) -> &'a crate::render::i18n::Words {
        self.words
    }

    pub fn config(&self) -> &'a Config {
        &self.site.config
    }

    pub fn url(&self, path: &str) -> String {
        self.site.url(path)
    }

    pub fn article(&self, id: &str) -> &'a Article {
        self.record(|| Dep::Article(id.to_string()));
        &self.site.articles[id]
    }

    pub fn card(&self, id: &str) -> Card<'a> {
        self.record(|| Dep::Card(id.to_string()));
        (&self.site.articles[id]).into()
    }

    /// A briefing's date and, if given, its update date.
    pub fn dates(&self, id: &str) -> (Date, Option<Date>) {
        self.record(|| Dep::Dated(id.to_string()));
        let a = &self.site.articles[id];
        (a.date, a.updated)
    }

    /// The date a reader should see as "last changed".
    pub fn last_modified(&self, id: &str) -> Date {
        let (date, updated) = self.dates(id);
        updated.unwrap_or(date)
    }

    pub fn entity(&self, id: &EntityId) -> &'a Entity {
        self.record(|| Dep::Entity(id.clone()));
        &self.site.entities[id]
    }

    pub fn entity_brief(&self, id: &EntityId) -> EntityBrief<'a> {
        self.record(|| Dep::EntityCard(id.clone()));
        EntityBrief::new(&self.site.entities[id], self.site.config.today)
    }

    /// A leader's offices, newest first (none for other kinds).
    pub fn positions(&self, id: &EntityId) -> &'a [Position] {
        self.record(|| Dep::Positions(id.clone()));
        match &self.site.entities[id].details {
            Details::Leader(l) => &l.positions,
            _ => &[],
        }
    }

    pub fn entity_name(&self, id: &EntityId) -> &'a str {
        self.record(|| Dep::EntityName(id.clone()));
        &self.site.entities[id].name
    }

    pub fn tag(&self, slug: &str) -> &'a Tag {
        self.record(|| Dep::Tag(slug.to_string()));
        &self.site.tags[slug]
    }

    pub fn tag_name(&self, slug: &str) -> &'a str {
        self.record(|| Dep::TagName(slug.to_string()));
        &self.site.tags[slug].name
    }

    /// Every briefing, newest first.
    pub fn timeline(&self) -> &'a [ArticleId] {
        self.record(|| Dep::Timeline);
        &self.site.timeline
    }

    /// The ids of every entity of one kind.
    pub fn entity_ids(&self, kind: EntityKind) -> impl Iterator<Item = &'a EntityId> {
        self.record(|| Dep::Entities(kind));
        self.site.entities_of(kind).map(|e| &e.id)
    }

    /// The slugs of every tag.
    pub fn tag_slugs(&self) -> impl Iterator<Item = &'a String> {
        self.record(|| Dep::Tags);
        self.site.tags.keys()
    }

    pub fn book(&self, slug: &str) -> &'a Book {
        self.record(|| Dep::Book(slug.to_string()));
        &self.site.books[slug]
    }

    /// The slugs of every book.
    pub fn book_slugs(&self) -> impl Iterator<Item = &'a BookId> {
        self.record(|| Dep::Books);
        self.site.books.keys()
    }

    /// Whether the site has any book.
    pub fn has_books(&self) -> bool {
        self.record(|| Dep::AnyBooks);
        !self.site.books.is_empty()
    }

    /// Every page the site has.
    pub fn pages(&self) -> Vec<PageId> {
        self.record(|| Dep::Pages);
        pages(self.site)
    }
}
