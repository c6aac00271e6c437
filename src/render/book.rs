//! Briefing books' views: a book's page, assembled from the graph as of
//! the book's own date, and the cards that list books. Nothing dated
//! after that day is shown: no later briefing, assessment, figure or
//! office. Every rule is the graph's (`Offices::held_on`,
//! `Crisis::latest_assessment`, `figure_groups`), asked about the book's
//! day instead of the site's reference date.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Serialize;

use super::dossier::{country_leaders, figure_groups, AssessmentView, FigureGroup, LeaderLink};
use super::links::{entity_link, DateView, Link};
use super::reader::Reader;
use super::views::ArticleCard;
use crate::content::frontmatter::PartialDate;
use crate::graph::{ArticleId, Book, Details, EntityId, Offices};

/// How far back "Recent briefings" looks from the book's date.
pub const RECENT_DAYS: i64 = 90;
/// At most this many recent briefings.
pub const RECENT_MOST: usize = 8;
/// At most this many shared or latest briefings per counterpart.
pub const PER_PERSON: usize = 3;
/// How far ahead of the book's date key dates are shown as coming.
pub const AHEAD_DAYS: i64 = 365;

/// A book in a list: `/books/` and the entity pages that it names.
#[derive(Serialize)]
pub struct BookCard<'a> {
    pub title: &'a str,
    pub url: String,
    pub date: DateView,
    pub end: Option<DateView>,
    pub place: Option<&'a str>,
    pub summary: &'a str,
    pub counterparts: Vec<Link<'a>>,
    pub draft: bool,
}

impl<'a> BookCard<'a> {
    pub fn new(r: &Reader<'a>, slug: &str) -> Self {
        let b = r.book(slug);
        BookCard {
            title: &b.title,
            url: r.url(&b.path()),
            date: (&b.date).into(),
            end: b.end.as_ref().map(Into::into),
            place: b.place.as_deref(),
            summary: &b.summary,
            counterparts: b.counterparts.iter().map(|id| entity_link(r, id)).collect(),
            draft: b.draft,
        }
    }
}

/// `/books/`: books whose last day is on or after the reference date
/// (soonest first), then the rest (newest first).
#[derive(Serialize)]
pub struct BookList<'a> {
    pub upcoming: Vec<BookCard<'a>>,
    pub past: Vec<BookCard<'a>>,
}

pub fn book_list<'a>(r: &Reader<'a>) -> BookList<'a> {
    let today = r.config().today;
    let mut books: Vec<&Book> = r.book_slugs().map(|s| r.book(s)).collect();
    books.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.slug.cmp(&b.slug)));
    let (upcoming, mut past): (Vec<&Book>, Vec<&Book>) =
        books.into_iter().partition(|b| b.last_day() >= today);
    past.reverse();
    let cards = |list: Vec<&Book>| list.iter().map(|b| BookCard::new(r, &b.slug)).collect();
    BookList {
        upcoming: cards(upcoming),
        past: cards(past),
    }
}

/// One office held on the book's day, and since when.
#[derive(Serialize)]
pub struct OfficeHeld {
    pub office: String,
    pub since: Option<DateView>,
}

/// A leader on the book's cover: offices held that day, and country.
#[derive(Serialize)]
pub struct Person<'a> {
    pub name: &'a str,
    pub url: String,
    pub offices: Vec<OfficeHeld>,
    pub country: Option<Link<'a>>,
}

fn person<'a>(r: &Reader<'a>, id: &EntityId, day: NaiveDate) -> Person<'a> {
    let held = Offices(r.positions(id)).held_on(day);
    let offices = held
        .iter()
        .map(|p| OfficeHeld {
            office: p.full_title(),
            since: p.from.as_ref().map(Into::into),
        })
        .collect();
    let country = match &r.entity(id).details {
        Details::Leader(l) => l.country.as_ref().map(|c| entity_link(r, c)),
        _ => None,
    };
    let Link { name, url } = entity_link(r, id);
    Person {
        name,
        url,
        offices,
        country,
    }
}

/// A counterpart's short dossier, as of the book's day.
#[derive(Serialize)]
pub struct Counterpart<'a> {
    #[serde(flatten)]
    pub person: Person<'a>,
    /// Briefings naming both the principal and this counterpart.
    pub shared: Vec<ArticleCard<'a>>,
    pub shared_total: usize,
    pub first_shared: Option<DateView>,
    /// The latest briefings naming them.
    pub latest: Vec<ArticleCard<'a>>,
}

/// The briefings of `list` (newest first) dated on or before `day`.
fn by_day<'a>(r: &Reader<'a>, list: &'a [ArticleId], day: NaiveDate) -> Vec<&'a ArticleId> {
    list.iter()
        .filter(|s| r.dates(s).0.instant.date_naive() <= day)
        .collect()
}

fn counterpart<'a>(
    r: &Reader<'a>,
    id: &EntityId,
    principal: Option<&EntityId>,
    day: NaiveDate,
) -> Counterpart<'a> {
    let theirs = by_day(r, &r.entity(id).articles, day);
    let with: HashSet<&ArticleId> = principal
        .filter(|p| *p != id)
        .map(|p| r.entity(p).articles.iter().collect())
        .unwrap_or_default();
    let shared: Vec<&ArticleId> = theirs
        .iter()
        .copied()
        .filter(|s| with.contains(s))
        .collect();
    let cards = |list: &[&ArticleId]| {
        list.iter()
            .take(PER_PERSON)
            .map(|s| ArticleCard::new(r, s))
            .collect()
    };
    Counterpart {
        person: person(r, id, day),
        first_shared: shared.last().map(|s| (&r.dates(s).0).into()),
        shared_total: shared.len(),
        shared: cards(&shared),
        latest: cards(&theirs),
    }
}

/// One crisis on the agenda, as of the book's day.
#[derive(Serialize)]
pub struct AgendaItem<'a> {
    pub name: &'a str,
    pub url: String,
    pub status: Option<&'a str>,
    pub assessment: Option<AssessmentView<'a>>,
    pub figures: Vec<FigureGroup<'a>>,
    /// Key dates from the book's day to a year after it.
    pub coming: Vec<ComingDate<'a>>,
}

#[derive(Serialize)]
pub struct ComingDate<'a> {
    pub date: DateView,
    pub title: &'a str,
    pub kind: Option<&'a str>,
}

/// The key dates of `id` still ahead on `day`, within [`AHEAD_DAYS`].
fn coming<'a>(r: &Reader<'a>, id: &EntityId, day: NaiveDate) -> Vec<ComingDate<'a>> {
    let until = day + chrono::Duration::days(AHEAD_DAYS);
    r.entity(id)
        .dates
        .iter()
        .filter(|d| d.date >= day && d.date <= until)
        .map(|d| ComingDate {
            date: (&PartialDate::from_date(d.date)).into(),
            title: &d.title,
            kind: d.kind.as_deref(),
        })
        .collect()
}

fn agenda_item<'a>(r: &Reader<'a>, id: &EntityId, day: NaiveDate) -> AgendaItem<'a> {
    let e = r.entity(id);
    let Link { name, url } = entity_link(r, id);
    let (status, assessment, figures) = match &e.details {
        Details::Crisis(c) => (
            c.status.as_deref(),
            c.latest_assessment(day).map(Into::into),
            figure_groups(c, day),
        ),
        _ => (None, None, Vec::new()),
    };
    AgendaItem {
        name,
        url,
        status,
        assessment,
        figures,
        coming: coming(r, id, day),
    }
}

/// A country named by the book, as of its day.
#[derive(Serialize)]
pub struct CountryCard<'a> {
    pub name: &'a str,
    pub url: String,
    pub capital: Option<&'a str>,
    pub region: Option<&'a str>,
    pub leaders: Vec<LeaderLink<'a>>,
    pub briefings: usize,
    pub coming: Vec<ComingDate<'a>>,
}

fn country_card<'a>(r: &Reader<'a>, id: &EntityId, day: NaiveDate) -> CountryCard<'a> {
    let e = r.entity(id);
    let Link { name, url } = entity_link(r, id);
    let (capital, region, leaders) = match &e.details {
        Details::Country(c) => (
            c.capital.as_deref(),
            c.region.as_deref(),
            country_leaders(r, &c.leaders, day).in_office,
        ),
        _ => (None, None, Vec::new()),
    };
    CountryCard {
        name,
        url,
        capital,
        region,
        leaders,
        briefings: by_day(r, &e.articles, day).len(),
        coming: coming(r, id, day),
    }
}

/// The latest briefings on any of the book's entities, in the
/// [`RECENT_DAYS`] up to its day, newest first.
fn recent<'a>(r: &Reader<'a>, b: &Book, day: NaiveDate) -> Vec<ArticleCard<'a>> {
    let since = day - chrono::Duration::days(RECENT_DAYS);
    let mut found: Vec<(crate::content::frontmatter::Date, &'a ArticleId)> = Vec::new();
    let mut seen: HashSet<&ArticleId> = HashSet::new();
    for id in b.entities() {
        for slug in &r.entity(id).articles {
            let date = r.dates(slug).0;
            let d = date.instant.date_naive();
            if d <= day && d > since && seen.insert(slug) {
                found.push((date, slug));
            }
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    found
        .into_iter()
        .take(RECENT_MOST)
        .map(|(_, s)| ArticleCard::new(r, s))
        .collect()
}

/// A contents entry: the author's headings and the book's sections.
#[derive(Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
}

/// A tag as the book writes it, linked when briefings use it too.
#[derive(Serialize)]
pub struct BookTag {
    pub name: String,
    pub url: Option<String>,
}

#[derive(Serialize)]
pub struct BookView<'a> {
    pub title: &'a str,
    pub url: String,
    pub date: DateView,
    pub end: Option<DateView>,
    pub place: Option<&'a str>,
    pub summary: &'a str,
    pub draft: bool,
    /// The last day is on or after the reference date.
    pub upcoming: bool,
    pub principal: Option<Person<'a>>,
    pub counterparts: Vec<Counterpart<'a>>,
    pub agenda: Vec<AgendaItem<'a>>,
    pub countries: Vec<CountryCard<'a>>,
    pub recent: Vec<ArticleCard<'a>>,
    pub recent_days: i64,
    pub body: &'a str,
    pub tags: Vec<BookTag>,
    pub contents: Vec<Section>,
}

impl<'a> BookView<'a> {
    pub fn new(r: &Reader<'a>, b: &'a Book) -> Self {
        let day = b.day();
        let principal = b.principal.as_ref();
        let mut v = BookView {
            title: &b.title,
            url: r.url(&b.path()),
            date: (&b.date).into(),
            end: b.end.as_ref().map(Into::into),
            place: b.place.as_deref(),
            summary: &b.summary,
            draft: b.draft,
            upcoming: b.last_day() >= r.config().today,
            principal: principal.map(|id| person(r, id, day)),
            counterparts: b
                .counterparts
                .iter()
                .map(|id| counterpart(r, id, principal, day))
                .collect(),
            agenda: b.crises.iter().map(|id| agenda_item(r, id, day)).collect(),
            countries: b
                .countries
                .iter()
                .map(|id| country_card(r, id, day))
                .collect(),
            recent: recent(r, b, day),
            recent_days: RECENT_DAYS,
            body: &b.body_html,
            tags: book_tags(r, &b.tags),
            contents: Vec::new(),
        };
        v.contents = contents(b, &v, r.words());
        v
    }
}

fn book_tags(r: &Reader, tags: &[String]) -> Vec<BookTag> {
    let known: HashSet<&String> = if tags.is_empty() {
        HashSet::new()
    } else {
        r.tag_slugs().collect()
    };
    tags.iter()
        .map(|name| {
            let slug = crate::text::slugify(name);
            BookTag {
                name: name.clone(),
                url: known
                    .contains(&slug)
                    .then(|| r.url(&format!("tags/{slug}/"))),
            }
        })
        .collect()
}

/// The contents list: the author's top headings, then each section the
/// book has. The ids are the template's.
fn contents(b: &Book, v: &BookView, w: &crate::render::i18n::Words) -> Vec<Section> {
    let mut out: Vec<Section> = b
        .headings
        .iter()
        .filter(|h| h.level == 2)
        .map(|h| Section {
            id: h.id.clone(),
            title: h.text.clone(),
        })
        .collect();
    let generated = [
        (!v.agenda.is_empty(), "book-agenda", "agenda"),
        (
            !v.counterparts.is_empty(),
            "book-counterparts",
            "counterparts",
        ),
        (!v.countries.is_empty(), "book-countries", "countries"),
        (true, "book-recent", "recent_briefings"),
    ];
    out.extend(
        generated
            .into_iter()
            .filter(|g| g.0)
            .map(|(_, id, key)| Section {
                id: id.into(),
                title: w.text(key),
            }),
    );
    out
}

/// `/api/books.json`: every book's front matter, resolved to ids.
pub fn books_json(r: &Reader) -> serde_json::Value {
    let slugs = |ids: &[EntityId]| ids.iter().map(|id| id.slug.clone()).collect::<Vec<_>>();
    let books: Vec<serde_json::Value> = r
        .book_slugs()
        .map(|s| {
            let b = r.book(s);
            serde_json::json!({
                "slug": b.slug,
                "url": r.config().absolute_url(&b.path()),
                "title": b.title,
                "date": b.date.iso(),
                "end": b.end.map(|e| e.iso()),
                "place": b.place,
                "summary": b.summary,
                "principal": b.principal.as_ref().map(|id| &id.slug),
                "counterparts": slugs(&b.counterparts),
                "countries": slugs(&b.countries),
                "crises": slugs(&b.crises),
                "tags": b.tags,
            })
        })
        .collect();
    serde_json::json!({ "books": books })
}
