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

use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};

use crate::config::Config;
use crate::content::frontmatter::Date;
use crate::graph::{
    Article, ArticleId, Assessment, Details, Entity, EntityId, EntityKind, Position, Site, Source,
    Tag,
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

/// The part of an entity shown wherever it is listed.
#[derive(Debug, Clone, Hash)]
pub struct EntityBrief<'a> {
    pub id: &'a EntityId,
    pub name: &'a str,
    pub summary: &'a str,
    /// A short qualifier: a country's capital, a leader's office as of the
    /// reference date, a crisis's status.
    pub detail: Option<String>,
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
) -> Option<String> {
    use crate::graph::{Standing, Tense};
    let offices = l.offices();
    match offices.standing_on(today) {
        Standing::InOffice => {
            *in_office = true;
            offices.head_on(today).map(|p| p.full_title())
        }
        Standing::Incoming => offices.upcoming_on(today).first().map(|p| {
            let from = p.from.map(|f| f.human()).unwrap_or_default();
            format!("{} from {from}", p.full_title())
        }),
        Standing::Former => l
            .positions
            .iter()
            .find(|p| p.tense(today) == Tense::Past)
            .map(|p| format!("Former {}", p.full_title())),
        Standing::Unknown => None,
    }
}

impl<'a> EntityBrief<'a> {
    /// What a card shows of `e`, as of `today`.
    pub fn new(e: &'a Entity, today: chrono::NaiveDate) -> Self {
        let mut in_office = false;
        let mut latest = None;
        let detail = match &e.details {
            Details::Country(c) => c.capital.as_ref().map(|cap| format!("Capital: {cap}")),
            Details::Leader(l) => leader_detail(l, today, &mut in_office),
            Details::Crisis(c) => {
                latest = c.assessments.last();
                c.status.clone()
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
    /// `None` when nobody needs the record (a one-off `build`).
    reads: Option<RefCell<Vec<Dep>>>,
}

impl<'a> Reader<'a> {
    pub fn new(site: &'a Site, record: bool) -> Self {
        Reader {
            site,
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

    /// Every page the site has.
    pub fn pages(&self) -> Vec<super::PageId> {
        self.record(|| Dep::Pages);
        super::pages(self.site)
    }
}

/// A digest of every item a page can read, to tell which changed.
pub fn digests(site: &Site) -> HashMap<Dep, u64> {
    let mut out: HashMap<Dep, u64> = site
        .articles
        .par_iter()
        .flat_map_iter(|(_, a)| article_digests(a))
        .collect();
    // In parallel too: each entity is hashed whole, with its briefing list.
    out.par_extend(
        site.entities
            .par_iter()
            .flat_map_iter(|(id, e)| entity_digests(id, e, site.config.today)),
    );
    for (slug, t) in &site.tags {
        out.extend(tag_digests(slug, t));
    }
    out.extend(site_digests(site, &super::pages(site)));
    out
}

/// Bring `digests` up to date after a patch changed the items in
/// `touched` (and perhaps the timeline, the tags and the pages, which are
/// cheap to digest); returns the items whose digest changed or that are
/// gone. The same as comparing [`digests`] before and after, given that
/// nothing outside `touched` changed.
pub fn patch_digests(
    site: &Site,
    touched: &crate::graph::Touched,
    pages: &[super::PageId],
    digests: &mut HashMap<Dep, u64>,
) -> BTreeSet<Dep> {
    let mut fresh: Vec<(Dep, u64)> = Vec::new();
    let mut gone: Vec<Dep> = Vec::new();
    for slug in &touched.articles {
        match site.articles.get(slug) {
            Some(a) => fresh.extend(article_digests(a)),
            None => gone.extend([
                Dep::Dated(slug.clone()),
                Dep::Article(slug.clone()),
                Dep::Card(slug.clone()),
            ]),
        }
    }
    for id in &touched.entities {
        fresh.extend(entity_digests(id, &site.entities[id], site.config.today));
    }
    for slug in &touched.tags {
        match site.tags.get(slug) {
            Some(t) => fresh.extend(tag_digests(slug, t)),
            None => gone.extend([Dep::Tag(slug.clone()), Dep::TagName(slug.clone())]),
        }
    }
    fresh.extend(site_digests(site, pages));
    let mut changed = BTreeSet::new();
    for dep in gone {
        if digests.remove(&dep).is_some() {
            changed.insert(dep);
        }
    }
    for (dep, d) in fresh {
        if digests.insert(dep.clone(), d) != Some(d) {
            changed.insert(dep);
        }
    }
    changed
}

fn tag_digests(slug: &str, t: &Tag) -> [(Dep, u64); 2] {
    [
        (Dep::Tag(slug.to_string()), digest(t)),
        (Dep::TagName(slug.to_string()), digest(&t.name)),
    ]
}

/// The digests of what lists the site's items: the timeline, which
/// entities and tags exist, and which pages.
fn site_digests(site: &Site, pages: &[super::PageId]) -> Vec<(Dep, u64)> {
    let mut out = vec![(Dep::Timeline, digest(&site.timeline))];
    for kind in EntityKind::ALL {
        let ids: Vec<&EntityId> = site.entities_of(kind).map(|e| &e.id).collect();
        out.push((Dep::Entities(kind), digest(&ids)));
    }
    out.push((Dep::Tags, digest(&site.tags.keys().collect::<Vec<_>>())));
    out.push((Dep::Pages, digest(&pages)));
    out
}

/// The digests of one briefing, after its body alone was re-rendered.
pub fn article_digests(a: &Article) -> [(Dep, u64); 3] {
    [
        (Dep::Dated(a.slug.clone()), digest(&(a.date, a.updated))),
        (Dep::Article(a.slug.clone()), digest(a)),
        (Dep::Card(a.slug.clone()), digest(&Card::from(a))),
    ]
}

fn entity_digests(id: &EntityId, e: &Entity, today: chrono::NaiveDate) -> [(Dep, u64); 4] {
    let positions: &[Position] = match &e.details {
        Details::Leader(l) => &l.positions,
        _ => &[],
    };
    [
        (Dep::Entity(id.clone()), digest(e)),
        (
            Dep::EntityCard(id.clone()),
            digest(&EntityBrief::new(e, today)),
        ),
        // Aliases too: a briefing's search record holds them.
        (Dep::EntityName(id.clone()), digest(&(&e.name, &e.aliases))),
        (Dep::Positions(id.clone()), digest(&positions)),
    ]
}

/// A digest of a value's `Hash`, which derives cover every field of, so a
/// field added to the graph can never be left out of change detection.
/// Digests live only in memory, so the hash need not be stable.
fn digest(value: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    value.hash(&mut h);
    h.finish()
}

/// Which pages read which items, both ways, kept by `serve` from what
/// rendering recorded.
#[derive(Default)]
pub struct ReadIndex {
    by_page: HashMap<super::PageId, BTreeSet<Dep>>,
    by_dep: HashMap<Dep, HashSet<super::PageId>>,
}

impl ReadIndex {
    /// Record what `page` read, replacing what it read before. Only the
    /// difference is applied: a page re-rendered after an edit mostly reads
    /// what it read before.
    pub fn set(&mut self, page: super::PageId, reads: BTreeSet<Dep>) {
        let old = self.by_page.remove(&page).unwrap_or_default();
        for dep in old.difference(&reads) {
            self.unlink(dep, &page);
        }
        for dep in reads.difference(&old) {
            self.by_dep
                .entry(dep.clone())
                .or_default()
                .insert(page.clone());
        }
        self.by_page.insert(page, reads);
    }

    /// Forget a page that no longer exists.
    pub fn remove(&mut self, page: &super::PageId) {
        for dep in self.by_page.remove(page).unwrap_or_default() {
            self.unlink(&dep, page);
        }
    }

    fn unlink(&mut self, dep: &Dep, page: &super::PageId) {
        if let Some(pages) = self.by_dep.get_mut(dep) {
            pages.remove(page);
            if pages.is_empty() {
                self.by_dep.remove(dep);
            }
        }
    }

    pub fn contains(&self, page: &super::PageId) -> bool {
        self.by_page.contains_key(page)
    }

    /// Every page known, in no particular order.
    pub fn pages(&self) -> impl Iterator<Item = &super::PageId> {
        self.by_page.keys()
    }

    /// The pages that read any of `changed`.
    pub fn readers<'a>(
        &self,
        changed: impl IntoIterator<Item = &'a Dep>,
    ) -> BTreeSet<super::PageId> {
        changed
            .into_iter()
            .filter_map(|d| self.by_dep.get(d))
            .flatten()
            .cloned()
            .collect()
    }
}

/// The items whose digest differs between `old` and `new`, including those
/// only one of them has.
pub fn changed_deps(old: &HashMap<Dep, u64>, new: &HashMap<Dep, u64>) -> BTreeSet<Dep> {
    let gone = old.keys().filter(|k| !new.contains_key(*k));
    let differ = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, _)| k);
    gone.chain(differ).cloned().collect()
}
