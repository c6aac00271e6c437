//! Serve's side of what pages read: a digest of every item of the graph
//! a page can read, and the index of which pages read which items. After
//! an edit, the pages to render again are the readers of the items whose
//! digest changed.

use std::collections::{BTreeSet, HashMap, HashSet};

use rayon::prelude::*;

use super::page_id::{pages, PageId};
use super::reader::{Card, Dep, EntityBrief};
use crate::graph::{Article, Details, Entity, EntityId, EntityKind, Position, Site, Tag};

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
    out.extend(site_digests(site, &pages(site)));
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
    pages: &[PageId],
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
    gone.extend(
        touched
            .books
            .iter()
            .filter(|slug| !site.books.contains_key(*slug))
            .map(|slug| Dep::Book(slug.clone())),
    );
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
fn site_digests(site: &Site, pages: &[PageId]) -> Vec<(Dep, u64)> {
    let mut out = vec![(Dep::Timeline, digest(&site.timeline))];
    for kind in EntityKind::ALL {
        let ids: Vec<&EntityId> = site.entities_of(kind).map(|e| &e.id).collect();
        out.push((Dep::Entities(kind), digest(&ids)));
    }
    out.push((Dep::Tags, digest(&site.tags.keys().collect::<Vec<_>>())));
    out.push((Dep::Pages, digest(&pages)));
    // Books are few, and a patch can render a book's body again: they are
    // digested whole every time.
    out.push((Dep::Books, digest(&site.books.keys().collect::<Vec<_>>())));
    out.push((Dep::AnyBooks, digest(&site.books.is_empty())));
    out.push((Dep::Elsewhere, digest(&site.elsewhere)));
    out.extend(
        site.books
            .iter()
            .map(|(slug, b)| (Dep::Book(slug.clone()), digest(b))),
    );
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
    by_page: HashMap<PageId, BTreeSet<Dep>>,
    by_dep: HashMap<Dep, HashSet<PageId>>,
}

impl ReadIndex {
    /// Record what `page` read, replacing what it read before. Only the
    /// difference is applied: a page re-rendered after an edit mostly reads
    /// what it read before.
    pub fn set(&mut self, page: PageId, reads: BTreeSet<Dep>) {
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
    pub fn remove(&mut self, page: &PageId) {
        for dep in self.by_page.remove(page).unwrap_or_default() {
            self.unlink(&dep, page);
        }
    }

    fn unlink(&mut self, dep: &Dep, page: &PageId) {
        if let Some(pages) = self.by_dep.get_mut(dep) {
            pages.remove(page);
            if pages.is_empty() {
                self.by_dep.remove(dep);
            }
        }
    }

    pub fn contains(&self, page: &PageId) -> bool {
        self.by_page.contains_key(page)
    }

    /// Every page known, in no particular order.
    pub fn pages(&self) -> impl Iterator<Item = &PageId> {
        self.by_page.keys()
    }

    /// The pages that read any of `changed`.
    pub fn readers<'a>(&self, changed: impl IntoIterator<Item = &'a Dep>) -> BTreeSet<PageId> {
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
