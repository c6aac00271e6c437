//! View structs: the deliberate, template-facing shape of the site. Templates
//! see these and nothing else, so internal types can change freely.

use serde::Serialize;

use super::reader::{Card, Reader};
use crate::content::frontmatter::{Date, Extra, PartialDate};
use crate::graph::{Article, Details, Entity, EntityId, EntityKind};

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    /// Prefix of every internal link, `/` or `/briefings/`.
    pub base_path: &'a str,
    /// Absolute URL of the site root when known, else the base path.
    pub base_url: String,
    pub extra: &'a Extra,
}

impl<'a> SiteView<'a> {
    pub fn new(r: &Reader<'a>) -> Self {
        let c = r.config();
        SiteView {
            title: &c.site.title,
            description: &c.site.description,
            language: &c.site.language,
            base_path: &c.base_path,
            base_url: c.absolute_url(""),
            extra: &c.site.extra,
        }
    }
}

/// What every page has: its title, description, address and section.
#[derive(Serialize)]
pub struct PageMeta {
    pub title: String,
    pub description: String,
    /// Root-relative URL of this page.
    pub url: String,
    /// Absolute URL when the site's origin is known.
    pub permalink: String,
    /// Which top-level section is current, for `aria-current` in the nav.
    pub section: &'static str,
    /// This page's own feed (entity and tag pages).
    pub feed: Option<FeedLink>,
    /// JSON-LD, already made safe to embed in a `<script>` element.
    pub jsonld: Option<String>,
    /// OpenGraph type: `article` or `website`.
    pub og_type: &'static str,
}

#[derive(Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct DateView {
    /// For `<time datetime>`.
    pub iso: String,
    /// For people: "20 September 2023".
    pub human: String,
}

impl From<&Date> for DateView {
    fn from(d: &Date) -> Self {
        DateView {
            iso: d.iso(),
            human: d.human(),
        }
    }
}

impl From<&PartialDate> for DateView {
    fn from(d: &PartialDate) -> Self {
        DateView {
            iso: d.iso(),
            human: d.human(),
        }
    }
}

#[derive(Serialize, Clone)]
pub struct Link<'a> {
    pub name: &'a str,
    pub url: String,
}

/// A briefing in a list.
#[derive(Serialize)]
pub struct ArticleCard<'a> {
    pub title: &'a str,
    pub url: String,
    pub date: DateView,
    pub summary: &'a str,
    /// The crises and countries it covers, for a one-line "about".
    pub about: Vec<Link<'a>>,
    /// Marked `draft: true` (shown only under `--drafts`).
    pub draft: bool,
}

impl<'a> ArticleCard<'a> {
    /// The card of briefing `slug`.
    pub fn new(r: &Reader<'a>, slug: &str) -> Self {
        let a = r.card(slug);
        let about = a
            .entities_of(EntityKind::Crisis)
            .chain(a.entities_of(EntityKind::Country))
            .take(4)
            .map(|id| entity_link(r, id))
            .collect();
        ArticleCard {
            title: a.title,
            url: r.url(&a.path()),
            date: (&a.date).into(),
            summary: a.summary,
            about,
            draft: a.draft,
        }
    }
}

pub fn entity_link<'a>(r: &Reader<'a>, id: &EntityId) -> Link<'a> {
    Link {
        name: r.entity_name(id),
        url: r.url(&id.path()),
    }
}

pub fn article_link<'a>(r: &Reader<'a>, slug: &str) -> Link<'a> {
    let a: Card<'a> = r.card(slug);
    Link {
        name: a.title,
        url: r.url(&a.path()),
    }
}

pub fn tag_link<'a>(r: &Reader<'a>, slug: &str) -> Link<'a> {
    Link {
        name: r.tag_name(slug),
        url: r.url(&format!("tags/{slug}/")),
    }
}

#[derive(Serialize)]
pub struct SourceView<'a> {
    pub name: &'a str,
    pub url: &'a str,
}

#[derive(Serialize)]
pub struct ArticleView<'a> {
    pub title: &'a str,
    pub url: String,
    pub date: DateView,
    pub updated: Option<DateView>,
    pub summary: &'a str,
    /// Rendered HTML of the body; already safe.
    pub body: &'a str,
    pub countries: Vec<Link<'a>>,
    pub leaders: Vec<Link<'a>>,
    pub crises: Vec<Link<'a>>,
    pub tags: Vec<Link<'a>>,
    pub sources: Vec<SourceView<'a>>,
    pub older: Option<Link<'a>>,
    pub newer: Option<Link<'a>>,
    pub related: Vec<ArticleCard<'a>>,
    pub extra: &'a Extra,
    /// Marked `draft: true` (shown only under `--drafts`).
    pub draft: bool,
}

impl<'a> ArticleView<'a> {
    pub fn new(r: &Reader<'a>, a: &'a Article) -> Self {
        let links = |kind| a.entities_of(kind).map(|id| entity_link(r, id)).collect();
        ArticleView {
            title: &a.title,
            url: r.url(&a.path()),
            date: (&a.date).into(),
            updated: a.updated.as_ref().filter(|u| **u != a.date).map(Into::into),
            summary: &a.summary,
            body: &a.body_html,
            draft: a.draft,
            countries: links(EntityKind::Country),
            leaders: links(EntityKind::Leader),
            crises: links(EntityKind::Crisis),
            tags: a.tags.iter().map(|t| tag_link(r, t)).collect(),
            sources: a
                .sources
                .iter()
                .map(|s| SourceView {
                    name: &s.name,
                    url: &s.url,
                })
                .collect(),
            older: a.older.as_deref().map(|s| article_link(r, s)),
            newer: a.newer.as_deref().map(|s| article_link(r, s)),
            related: a.related.iter().map(|s| ArticleCard::new(r, s)).collect(),
            extra: &a.extra,
        }
    }
}

/// An entity in a list.
#[derive(Serialize)]
pub struct EntityCard<'a> {
    pub name: &'a str,
    pub url: String,
    pub kind: EntityKind,
    pub summary: &'a str,
    /// A short qualifier: a leader's office, a crisis's status.
    pub detail: Option<String>,
    pub briefings: usize,
    pub has_profile: bool,
}

impl<'a> EntityCard<'a> {
    pub fn new(r: &Reader<'a>, id: &EntityId) -> Self {
        Self::from_brief(r, r.entity_brief(id))
    }

    pub fn from_brief(r: &Reader<'a>, e: super::reader::EntityBrief<'a>) -> Self {
        EntityCard {
            name: e.name,
            url: r.url(&e.id.path()),
            kind: e.id.kind,
            summary: e.summary,
            detail: e.detail,
            briefings: e.briefings,
            has_profile: e.has_profile,
        }
    }
}

#[derive(Serialize)]
pub struct Group<'a> {
    pub name: String,
    pub id: String,
    pub entities: Vec<EntityCard<'a>>,
}

#[derive(Serialize)]
pub struct TermView {
    pub from: Option<DateView>,
    pub to: Option<DateView>,
}

/// One entity's page. Kind-specific fields are `null` for other kinds.
#[derive(Serialize)]
pub struct EntityView<'a> {
    pub kind: EntityKind,
    pub name: &'a str,
    pub url: String,
    pub aliases: &'a [String],
    pub has_profile: bool,
    pub summary: &'a str,
    pub body: &'a str,
    pub extra: &'a Extra,
    // Country
    pub iso: Option<&'a str>,
    pub region: Option<&'a str>,
    pub capital: Option<&'a str>,
    // Leader
    pub office: Option<&'a str>,
    pub term: Option<TermView>,
    pub country: Option<Link<'a>>,
    pub appears_with: Vec<Link<'a>>,
    // Crisis
    pub status: Option<&'a str>,
    pub started: Option<DateView>,
    pub ended: Option<DateView>,
    pub countries: Vec<Link<'a>>,
    // Shared relations
    pub leaders: Vec<Link<'a>>,
    pub crises: Vec<EntityCard<'a>>,
}

impl<'a> EntityView<'a> {
    pub fn new(r: &Reader<'a>, e: &'a Entity) -> Self {
        let links = |ids: &[EntityId]| ids.iter().map(|id| entity_link(r, id)).collect::<Vec<_>>();
        let cards = |ids: &[EntityId]| {
            ids.iter()
                .map(|id| EntityCard::new(r, id))
                .collect::<Vec<_>>()
        };
        let mut v = EntityView {
            kind: e.id.kind,
            name: &e.name,
            url: r.url(&e.path()),
            aliases: &e.aliases,
            has_profile: e.source.is_some(),
            summary: &e.summary,
            body: &e.body_html,
            extra: &e.extra,
            iso: None,
            region: None,
            capital: None,
            office: None,
            term: None,
            country: None,
            appears_with: Vec::new(),
            status: None,
            started: None,
            ended: None,
            countries: Vec::new(),
            leaders: Vec::new(),
            crises: Vec::new(),
        };
        match &e.details {
            Details::Country(c) => {
                v.iso = c.iso.as_deref();
                v.region = c.region.as_deref();
                v.capital = c.capital.as_deref();
                v.leaders = links(&c.leaders);
                v.crises = cards(&c.crises);
            }
            Details::Leader(l) => {
                v.office = l.office.as_deref();
                if l.term_from.is_some() || l.term_to.is_some() {
                    v.term = Some(TermView {
                        from: l.term_from.as_ref().map(Into::into),
                        to: l.term_to.as_ref().map(Into::into),
                    });
                }
                v.country = l.country.as_ref().map(|id| entity_link(r, id));
                v.appears_with = links(&l.peers);
                v.crises = cards(&l.crises);
            }
            Details::Crisis(c) => {
                v.status = c.status.as_deref();
                v.started = c.started.as_ref().map(Into::into);
                v.ended = c.ended.as_ref().map(Into::into);
                v.countries = links(&c.countries);
                v.leaders = links(&c.leaders);
            }
        }
        v
    }
}

#[derive(Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
}

#[derive(Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// `None` marks a gap (an ellipsis) between page numbers.
    pub pages: Vec<Option<PageLink>>,
}

#[derive(Serialize)]
pub struct TagCard<'a> {
    pub name: &'a str,
    pub url: String,
    pub briefings: usize,
}

#[derive(Serialize)]
pub struct Counts {
    pub articles: usize,
    pub countries: usize,
    pub leaders: usize,
    pub crises: usize,
    pub tags: usize,
}

/// A line of a crisis timeline.
#[derive(Serialize)]
pub struct TimelineEntry<'a> {
    pub title: &'a str,
    pub url: String,
    pub date: DateView,
}

impl<'a> TimelineEntry<'a> {
    pub fn new(r: &Reader<'a>, slug: &str) -> Self {
        let a = r.card(slug);
        TimelineEntry {
            title: a.title,
            url: r.url(&a.path()),
            date: (&a.date).into(),
        }
    }
}
