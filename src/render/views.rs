//! View structs: the deliberate, template-facing shape of the site. Templates
//! see these and nothing else, so internal types can change freely.

use crate::render::i18n::Words;
use serde::Serialize;

use super::dossier::{
    country_leaders, figure_groups, key_dates, leader_on, mentioned_with, office_box, strip,
    AssessmentView, FigureGroup, KeyDates, LeaderLink, MentionView, OfficeBox,
};
use super::links::{article_link, entity_link, source_view, tag_link, DateView, Link, SourceView};
use super::reader::Reader;
use crate::content::frontmatter::Extra;
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
    /// The site has briefing books: the navigation links them.
    pub books: bool,
    /// Where the shared files (stylesheet, scripts) are: the site's root,
    /// whatever the page's language.
    pub root_path: &'a str,
    /// `rtl` for a language written right to left, else `ltr`.
    pub dir: &'static str,
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
            books: r.has_books(),
            root_path: &c.root_path,
            dir: super::languages::direction(&c.site.language),
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
    /// The page's versions in the site's languages (none on a site with
    /// one), for `hreflang` links.
    pub versions: Vec<super::languages::Version>,
    /// The language switcher's links.
    pub languages: Vec<super::languages::Version>,
    /// The default language's version, for `hreflang="x-default"`.
    pub x_default: Option<String>,
}

#[derive(Serialize)]
pub struct FeedLink {
    pub title: String,
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
    /// As written, its first letter a capital: "UN Security Council readout".
    pub kind: Option<String>,
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
            kind: a.kind.map(crate::text::capitalise),
        }
    }
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
    /// Each with the office held on the briefing's date.
    pub leaders: Vec<LeaderLink<'a>>,
    pub crises: Vec<Link<'a>>,
    pub tags: Vec<Link<'a>>,
    pub sources: Vec<SourceView<'a>>,
    /// readout, call, analysis…, as written with a capital first letter.
    pub kind: Option<String>,
    pub older: Option<Link<'a>>,
    pub newer: Option<Link<'a>>,
    pub related: Vec<ArticleCard<'a>>,
    pub extra: &'a Extra,
    /// Marked `draft: true` (shown only under `--drafts`).
    pub draft: bool,
    /// The body's sections, for a long briefing: see [`TOC_MIN_HEADINGS`].
    pub toc: Vec<&'a crate::markdown::Heading>,
}

/// A briefing with this many sections or more gets a table of contents.
pub const TOC_MIN_HEADINGS: usize = 3;

/// Sections and their subsections, deeper levels left out.
fn toc(a: &Article) -> Vec<&crate::markdown::Heading> {
    let list: Vec<_> = a.headings.iter().filter(|h| h.level <= 3).collect();
    if list.len() >= TOC_MIN_HEADINGS {
        list
    } else {
        Vec::new()
    }
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
            toc: toc(a),
            draft: a.draft,
            countries: links(EntityKind::Country),
            leaders: a
                .entities_of(EntityKind::Leader)
                .map(|id| leader_on(r, id, a.date.instant.date_naive()))
                .collect(),
            kind: a.kind.as_deref().map(crate::text::capitalise),
            crises: links(EntityKind::Crisis),
            tags: a.tags.iter().map(|t| tag_link(r, t)).collect(),
            sources: a.sources.iter().map(source_view).collect(),
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
    /// A leader holding an office on the reference date.
    pub in_office: bool,
    /// A crisis's latest assessment.
    pub latest: Option<AssessmentView<'a>>,
    /// Briefings per month over the last 24 months, as SVG.
    pub sparkline: Option<String>,
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
            detail: e.detail.map(|d| d.text(r.words())),
            briefings: e.briefings,
            has_profile: e.has_profile,
            in_office: e.in_office,
            latest: e.latest.map(Into::into),
            sparkline: super::charts::sparkline(e.monthly, r.config().today),
        }
    }
}

#[derive(Serialize)]
pub struct Group<'a> {
    pub name: String,
    pub id: String,
    /// Leaders who hold no office on the reference date.
    pub former: bool,
    /// The first group of former leaders, which opens their section.
    pub first_former: bool,
    pub entities: Vec<EntityCard<'a>>,
}

/// One entity's page. Kind-specific fields are `null` for other kinds.
#[derive(Serialize)]
pub struct EntityView<'a> {
    pub kind: EntityKind,
    pub name: &'a str,
    pub url: String,
    pub aliases: &'a [String],
    pub has_profile: bool,
    /// On a page in another language: the profile has no translation, and
    /// this is the language its name and text are in.
    pub untranslated: Option<&'a str>,
    pub summary: &'a str,
    pub body: &'a str,
    pub extra: &'a Extra,
    // Country
    pub iso: Option<&'a str>,
    pub region: Option<&'a str>,
    pub capital: Option<&'a str>,
    // Country: its leaders in office (with their office) and former ones,
    // and the crises whose profiles list it.
    pub leaders: Vec<LeaderLink<'a>>,
    pub incoming_leaders: Vec<LeaderLink<'a>>,
    pub former_leaders: Vec<LeaderLink<'a>>,
    pub other_leaders: Vec<LeaderLink<'a>>,
    pub crises: Vec<EntityCard<'a>>,
    // Leader
    pub offices: Option<OfficeBox>,
    pub born: Option<DateView>,
    pub party: Option<&'a str>,
    pub country: Option<Link<'a>>,
    // Crisis
    pub status: Option<&'a str>,
    pub started: Option<DateView>,
    pub ended: Option<DateView>,
    pub countries: Vec<Link<'a>>,
    pub latest: Option<AssessmentView<'a>>,
    pub strip: Vec<AssessmentView<'a>>,
    pub figures: Vec<FigureGroup<'a>>,
    // Every kind
    pub key_dates: KeyDates<'a>,
    pub has_calendar: bool,
    /// Briefings over time, up to the reference date: a chart and its
    /// words, or the words alone when a chart would say too little.
    pub coverage: Option<super::charts::Coverage>,
    /// A leader's offices on a time axis, as SVG.
    pub offices_chart: Option<String>,
    /// The reference date the charts end at, for their captions.
    pub as_of: Option<DateView>,
    /// A crisis on a time axis: trend, key dates, briefings, as SVG.
    pub crisis_chart: Option<String>,
    /// Its strongest connections as a network, as SVG.
    pub network: Option<String>,
    /// A country in its region, or a crisis's countries.
    pub map: Option<MapView>,
    /// Named in the same briefings: a signal, not a stated relation.
    pub mentioned_with: Vec<MentionView<'a>>,
}

impl<'a> EntityView<'a> {
    /// What every page of an entity shows: its name and what it is.
    fn header(r: &Reader<'a>, e: &'a Entity) -> Self {
        EntityView {
            kind: e.id.kind,
            name: &e.name,
            url: r.url(&e.path()),
            aliases: &e.aliases,
            has_profile: e.source.is_some(),
            untranslated: e.untranslated.then(|| r.config().default_language()),
            summary: &e.summary,
            body: "",
            extra: &e.extra,
            iso: None,
            region: None,
            capital: None,
            leaders: Vec::new(),
            incoming_leaders: Vec::new(),
            former_leaders: Vec::new(),
            other_leaders: Vec::new(),
            crises: Vec::new(),
            offices: None,
            born: None,
            party: None,
            country: None,
            status: None,
            started: None,
            ended: None,
            countries: Vec::new(),
            latest: None,
            strip: Vec::new(),
            figures: Vec::new(),
            key_dates: KeyDates::default(),
            has_calendar: false,
            coverage: None,
            offices_chart: None,
            as_of: None,
            crisis_chart: None,
            network: None,
            map: None,
            mentioned_with: Vec::new(),
        }
    }

    /// The whole profile for an entity's first page; for its later pages of
    /// briefings, the header alone: they do not repeat the charts and maps.
    pub fn new(r: &Reader<'a>, e: &'a Entity, first_page: bool) -> Self {
        if !first_page {
            return Self::header(r, e);
        }
        let today = r.config().today;
        let mut v = EntityView {
            body: &e.body_html,
            key_dates: key_dates(e, today),
            has_calendar: !e.dates.is_empty() || !e.books.is_empty(),
            coverage: super::charts::coverage(&e.monthly, today, r.words()),
            as_of: Some((&crate::content::frontmatter::PartialDate::from_date(today)).into()),
            map: locator(r, e),
            mentioned_with: mentioned_with(r, &e.mentioned_with, contacts_of(e)),
            ..Self::header(r, e)
        };
        v.network = network(&e.name, &v.mentioned_with, r.words());
        match &e.details {
            Details::Country(c) => {
                v.iso = c.iso.as_deref();
                v.region = c.region.as_deref();
                v.capital = c.capital.as_deref();
                let leaders = country_leaders(r, &c.leaders, today);
                v.leaders = leaders.in_office;
                v.incoming_leaders = leaders.incoming;
                v.former_leaders = leaders.former;
                v.other_leaders = leaders.other;
                v.crises = c.crises.iter().map(|id| EntityCard::new(r, id)).collect();
            }
            Details::Leader(l) => {
                v.offices = office_box(l, today, r.words());
                v.offices_chart = super::charts::offices(&l.positions, today, r.words());
                v.born = l.born.as_ref().map(Into::into);
                v.party = l.party.as_deref();
                v.country = l.country.as_ref().map(|id| entity_link(r, id));
            }
            Details::Crisis(c) => {
                v.status = c.status.as_deref();
                v.started = c.started.as_ref().map(Into::into);
                v.ended = c.ended.as_ref().map(Into::into);
                v.countries = c.countries.iter().map(|id| entity_link(r, id)).collect();
                v.latest = c.latest_assessment(today).map(Into::into);
                v.strip = strip(c, today);
                v.figures = figure_groups(c, today);
                v.crisis_chart = crisis_chart(r, e, c, today);
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

/// A year of a crisis's briefings: how many, and their first and last days.
#[derive(Serialize)]
pub struct TimelineYear {
    pub year: String,
    pub count: usize,
    pub first: DateView,
    pub last: DateView,
}

impl TimelineYear {
    /// By year, newest first, from entries oldest first.
    pub fn summary(entries: &[TimelineEntry]) -> Vec<TimelineYear> {
        let mut out: Vec<TimelineYear> = Vec::new();
        for e in entries {
            let year = e.date.iso[..4].to_string();
            match out.last_mut() {
                Some(y) if y.year == year => {
                    y.count += 1;
                    y.last = e.date.clone();
                }
                _ => out.push(TimelineYear {
                    year,
                    count: 1,
                    first: e.date.clone(),
                    last: e.date.clone(),
                }),
            }
        }
        out.reverse();
        out
    }
}

/// The crisis timeline's data: from `started` (else the first briefing) to
/// `ended` (else the reference date).
fn crisis_chart(
    r: &Reader,
    e: &Entity,
    c: &crate::graph::Crisis,
    today: chrono::NaiveDate,
) -> Option<String> {
    let briefings: Vec<_> = e
        .articles
        .iter()
        .map(|slug| {
            let day = r.dates(slug).0.instant.date_naive();
            let Link { name, url } = article_link(r, slug);
            (day, name, url)
        })
        .collect();
    let first = briefings.iter().map(|b| b.0).min();
    let start = c.started.map(|d| d.start()).or(first)?;
    let timeline = super::charts::CrisisTimeline {
        name: &e.name,
        start,
        end: c.ended.map_or(today, |d| d.end()),
        ongoing: c.ended.is_none(),
        today,
        assessments: &c.assessments,
        dates: &e.dates,
        briefings: &briefings,
    };
    super::charts::crisis_timeline(&timeline, r.words())
}

/// A leader's contact history; nobody else has one.
fn contacts_of(e: &Entity) -> &[crate::graph::Contact] {
    match &e.details {
        Details::Leader(l) => &l.contacts,
        _ => &[],
    }
}

fn network(
    center: &str,
    list: &[MentionView],
    words: &crate::render::i18n::Words,
) -> Option<String> {
    let neighbours: Vec<super::charts::Neighbour> = list
        .iter()
        .map(|m| super::charts::Neighbour {
            name: m.name,
            url: &m.url,
            kind: m.kind,
            shared: m.shared,
        })
        .collect();
    super::charts::ego_network(center, &neighbours, words)
}

/// A map with what a reader needs beside it: the legend, the same data as
/// a list (for screen readers, print and anyone who prefers words), and
/// where the shapes come from.
#[derive(Serialize)]
pub struct MapView {
    pub svg: String,
    /// What the shades mean; `None` for a locator map, which has none.
    pub shading: Option<Shading>,
    pub list: Vec<MapItem>,
    pub attribution: String,
}

#[derive(Serialize)]
pub struct Shading {
    /// The window the shading counts briefings in, ending on `to` (the
    /// reference date).
    pub days: u32,
    pub to: String,
    pub legend: Vec<LegendItem>,
}

#[derive(Serialize)]
pub struct LegendItem {
    pub class: usize,
    pub label: String,
}

#[derive(Serialize)]
pub struct MapItem {
    pub name: String,
    pub url: Option<String>,
    pub recent: Option<usize>,
    pub crisis: bool,
}

impl MapView {
    fn new(svg: String, marks: &[Mark], shading: Option<Shading>, w: &Words) -> Self {
        MapView {
            svg,
            shading,
            list: marks
                .iter()
                .map(|m| MapItem {
                    name: m.name.to_string(),
                    url: m.url.clone(),
                    recent: m.recent,
                    crisis: m.crisis,
                })
                .collect(),
            attribution: w.text("map_source"),
        }
    }
}

use super::maps::Mark;

/// The world map of every country with a page: shaded by briefings in the
/// recent window (90 days unless site.yaml says otherwise), hatched when an active crisis lists it. The list under it
/// names the countries with recent briefings, most first.
pub fn world_map(r: &Reader) -> Option<MapView> {
    let briefs: Vec<_> = r
        .entity_ids(EntityKind::Country)
        .map(|id| r.entity_brief(id))
        .collect();
    let marks: Vec<Mark> = briefs
        .iter()
        .filter_map(|b| {
            Some(Mark {
                code: b.place?,
                name: b.name,
                url: Some(r.url(&b.id.path())),
                recent: Some(b.recent),
                crisis: b.in_active_crisis,
                highlight: false,
            })
        })
        .collect();
    if marks.is_empty() {
        return None;
    }
    let days = r.config().site.recent_days;
    let mut listed: Vec<Mark> = marks
        .iter()
        .filter(|m| m.recent > Some(0) || m.crisis)
        .cloned()
        .collect();
    listed.sort_by(|a, b| b.recent.cmp(&a.recent).then(a.name.cmp(b.name)));
    let w = r.words();
    let today = w.date(&crate::content::frontmatter::PartialDate::from_date(
        r.config().today,
    ));
    let window = [("days", days.to_string()), ("date", today.clone())];
    let label = match listed.len() {
        0 => w.with("world_map_none", &window),
        n => {
            let list: Vec<String> = listed
                .iter()
                .map(|m| super::maps::describe(m, days, w))
                .collect();
            let args = [
                ("countries", w.count("n_countries", n as u64)),
                ("list", list.join("; ")),
            ];
            format!(
                "{}, {}: {}",
                w.with("world_map", &window),
                args[0].1,
                args[1].1
            )
        }
    };
    let legend = super::maps::legend(&marks)
        .into_iter()
        // The first class is the countries with none: a word, not a number.
        .map(|(class, label)| LegendItem {
            class,
            label: if class == 0 {
                w.text("legend_none")
            } else {
                label
            },
        })
        .collect();
    let svg = super::maps::world_map(&marks, days, &label, w);
    let shading = Shading {
        days,
        to: today.clone(),
        legend,
    };
    Some(MapView::new(svg, &listed, Some(shading), w))
}

/// A country's locator map, or a crisis's countries in their region.
fn locator(r: &Reader, e: &Entity) -> Option<MapView> {
    let marks: Vec<Mark> = match &e.details {
        Details::Country(c) => vec![Mark {
            code: c.place.as_deref()?,
            name: &e.name,
            url: None,
            recent: None,
            crisis: false,
            highlight: true,
        }],
        Details::Crisis(c) => c
            .countries
            .iter()
            .filter_map(|id| {
                let b = r.entity_brief(id);
                Some(Mark {
                    code: b.place?,
                    name: b.name,
                    url: Some(r.url(&id.path())),
                    recent: None,
                    crisis: false,
                    highlight: true,
                })
            })
            .collect(),
        Details::Leader(_) => return None,
    };
    let what = marks.iter().map(|m| m.name).collect::<Vec<_>>().join(", ");
    let svg = super::maps::locator_map(&marks, &what, r.words())?;
    Some(MapView::new(svg, &marks, None, r.words()))
}
