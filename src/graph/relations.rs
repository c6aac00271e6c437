//! Derived, two-way relations: entity and tag article lists, the
//! timeline and its neighbours, related briefings, co-mention.

use super::{
    Article, ArticleId, CoMention, Contact, Date, Details, EntityId, EntityKind, Leader,
    MonthCount, Site,
};
use crate::config::Config;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Fill in the derived, two-way relations: entity and tag article lists,
/// timeline neighbours, related briefings, and who appears with whom.
pub(super) fn link_relations(site: &mut Site, cache: &mut RelationsCache) {
    let mut t = crate::Timings::from_env();
    order_timeline(site);
    t.lap("    timeline");
    let derived = cache.derive(site);
    t.lap("    related and co-mentions");
    set_neighbours(site, derived.related);
    for (id, list) in derived.mentioned {
        site.entities.get_mut(&id).expect("entity").mentioned_with = list;
    }
    for (id, list) in derived.contacts {
        if let Details::Leader(l) = &mut site.entities.get_mut(&id).expect("leader").details {
            l.contacts = list;
        }
    }
    link_countries(site);
}

/// Related briefings and co-mention: the costly relations, which depend
/// only on the timeline and each briefing's date and entities.
#[derive(Clone)]
struct Derived {
    related: Vec<Vec<ArticleId>>,
    mentioned: Ranked,
    contacts: Contacts,
}

/// The last [`Derived`] relations `serve` computed, under a digest of what
/// they depend on. A new title or tag, or a body edit, leaves that digest
/// alone, so the relations are taken as they were (0.2 s at 10,000
/// briefings) rather than computed again. The co-mention counts are kept
/// too, so that [`patch_relations`] can update them for a few briefings.
#[derive(Default)]
pub struct RelationsCache {
    /// Off for a one-shot build, which would only pay to fill it.
    enabled: bool,
    kept: Option<(u64, Derived)>,
    pairs: Option<Pairs>,
}

/// How many briefings name each pair of entities. Entities are numbered in
/// id order; `counts[x]` lists `(y, briefings naming x and y)` by `y`.
struct Pairs {
    ids: Vec<EntityId>,
    number: HashMap<EntityId, u32>,
    counts: Vec<Vec<(u32, u32)>>,
}

impl RelationsCache {
    pub fn new() -> Self {
        RelationsCache {
            enabled: true,
            ..RelationsCache::default()
        }
    }

    fn derive(&mut self, site: &Site) -> Derived {
        let compute = |site: &Site| {
            let (mentioned, contacts, pairs) = co_mentions(site);
            let derived = Derived {
                related: related_briefings(site),
                mentioned,
                contacts,
            };
            (derived, pairs)
        };
        if !self.enabled {
            return compute(site).0;
        }
        let key = relations_key(site);
        match &self.kept {
            Some((k, d)) if *k == key && self.pairs.is_some() => d.clone(),
            _ => {
                let (d, pairs) = compute(site);
                self.kept = Some((key, d.clone()));
                self.pairs = Some(pairs);
                d
            }
        }
    }

    /// Whether [`patch_relations`] can bring `site`'s relations up to date:
    /// the counts are kept, for the same entities.
    pub(super) fn can_patch(&self, site: &Site) -> bool {
        self.enabled
            && self
                .pairs
                .as_ref()
                .is_some_and(|p| p.ids.len() == site.entities.len())
    }
}

/// A digest of everything [`Derived`] reads: every entity's id (co-mention
/// lists one entry per entity, named in a briefing or not), the timeline in
/// order, and each briefing's date and entities.
fn relations_key(site: &Site) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for id in site.entities.keys() {
        id.hash(&mut h);
    }
    for slug in &site.timeline {
        let a = &site.articles[slug];
        slug.hash(&mut h);
        a.date.hash(&mut h);
        a.entities.hash(&mut h);
    }
    h.finish()
}

/// The timeline's order: newest first, then by title, then by slug.
fn timeline_order(a: &Article, b: &Article) -> std::cmp::Ordering {
    b.date
        .cmp(&a.date)
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.slug.cmp(&b.slug))
}

/// The timeline, newest first, and each entity's and tag's briefings in
/// that order.
fn order_timeline(site: &mut Site) {
    let mut timeline: Vec<&Article> = site.articles.values().collect();
    timeline.sort_by(|a, b| timeline_order(a, b));
    site.timeline = timeline.iter().map(|a| a.slug.clone()).collect();

    // One pass over the timeline fills every entity's and tag's list, and
    // counts each entity's briefings by month.
    let recent_from = recent_from(&site.config);
    for slug in &site.timeline {
        let a = &site.articles[slug];
        for id in &a.entities {
            let e = site.entities.get_mut(id).expect("referenced entity exists");
            e.articles.push(slug.clone());
            count_month(&mut e.monthly, &mut e.recent, a.date, recent_from);
        }
        for t in &a.tags {
            site.tags
                .get_mut(t)
                .expect("tag exists")
                .articles
                .push(slug.clone());
        }
    }
    for e in site.entities.values_mut() {
        e.monthly.reverse();
    }
}

/// The days from which on, up to the reference date, a briefing is
/// recent: (first excluded, last included).
fn recent_from(config: &Config) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let today = config.today;
    (
        today - chrono::Duration::days(i64::from(config.site.recent_days)),
        today,
    )
}

/// Count a briefing dated `date` into an entity's months, newest first,
/// and its recent briefings.
fn count_month(
    monthly: &mut Vec<MonthCount>,
    recent: &mut usize,
    date: Date,
    (from, today): (chrono::NaiveDate, chrono::NaiveDate),
) {
    let month = (date.year(), date.month());
    let day = date.instant.date_naive();
    *recent += usize::from(day > from && day <= today);
    match monthly.last_mut() {
        Some(last) if (last.year, last.month) == month => last.count += 1,
        _ => monthly.push(MonthCount {
            year: month.0,
            month: month.1,
            count: 1,
        }),
    }
}

/// An entity's briefings per month, oldest first, and how many are recent.
fn tally(site: &Site, articles: &[ArticleId]) -> (Vec<MonthCount>, usize) {
    let range = recent_from(&site.config);
    let (mut monthly, mut recent) = (Vec::new(), 0);
    for slug in articles {
        count_month(&mut monthly, &mut recent, site.articles[slug].date, range);
    }
    monthly.reverse();
    (monthly, recent)
}

/// Related briefings: those sharing the most entities, then the newest.
/// Only the RELATED_WINDOW briefings nearest in time on each side, per
/// entity, are candidates: counting against every briefing of a country
/// made this quadratic (7,500 candidates per briefing at 100,000
/// briefings), and a briefing from the same weeks is the better suggestion
/// anyway.
const RELATED_WINDOW: usize = 100;

/// Timeline position by slug. Looked up for every briefing of every entity
/// a patch reaches, so with a hash quicker than the default's (there is no
/// untrusted key to guard against: slugs are the site's own).
type Positions<'a> = HashMap<&'a str, usize, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

/// Each briefing's position in the timeline.
fn timeline_positions(site: &Site) -> Positions<'_> {
    site.timeline
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect()
}

/// The timeline positions of an entity's briefings, ascending.
fn entity_positions(site: &Site, positions: &Positions, id: &EntityId) -> Vec<usize> {
    site.entities[id]
        .articles
        .iter()
        .map(|s| positions[s.as_str()])
        .collect()
}

/// Scratch space for [`rank_related`]: a count per timeline position, and
/// the positions counted.
type Tally = (Vec<u32>, Vec<usize>);

/// For each briefing in timeline order, its related briefings.
fn related_briefings(site: &Site) -> Vec<Vec<ArticleId>> {
    // Work in timeline positions, not slugs: this runs for every briefing
    // against the briefings it shares an entity with.
    let positions = timeline_positions(site);
    let by_entity: HashMap<&EntityId, Vec<usize>> = site
        .entities
        .keys()
        .map(|id| (id, entity_positions(site, &positions, id)))
        .collect();
    site.timeline
        .par_iter()
        .enumerate()
        .map_init(
            || (vec![0u32; site.timeline.len()], Vec::new()),
            |tally, (i, slug)| {
                let lists = site.articles[slug]
                    .entities
                    .iter()
                    .map(|e| &by_entity[e][..]);
                rank_related(site, i, lists, tally)
            },
        )
        .collect()
}

/// The related briefings of the briefing at timeline position `i`, given
/// the positions of each of its entities' briefings.
fn rank_related<'p>(
    site: &Site,
    i: usize,
    lists: impl Iterator<Item = &'p [usize]>,
    (counts, touched): &mut Tally,
) -> Vec<ArticleId> {
    for all in lists {
        // Positions are ascending (the entity's briefings are in timeline
        // order), so find this briefing and look around it.
        let at = all.partition_point(|&j| j < i);
        let window =
            &all[at.saturating_sub(RELATED_WINDOW)..(at + RELATED_WINDOW + 1).min(all.len())];
        for &j in window {
            if j != i {
                if counts[j] == 0 {
                    touched.push(j);
                }
                counts[j] += 1;
            }
        }
    }
    // Most shared first; among equals the newer (lower position). Only the
    // best four matter: select them in one pass rather than sorting
    // thousands of candidates per briefing.
    let rank = |j: usize| (counts[j], std::cmp::Reverse(j));
    let mut best: Vec<usize> = Vec::with_capacity(5);
    for &j in touched.iter() {
        let at = best
            .iter()
            .position(|&b| rank(j) > rank(b))
            .unwrap_or(best.len());
        if at < 4 {
            best.insert(at, j);
            best.truncate(4);
        }
    }
    for &j in touched.iter() {
        counts[j] = 0;
    }
    touched.clear();
    best.iter().map(|&j| site.timeline[j].clone()).collect()
}

/// Neighbours in time and related briefings, set on each briefing.
fn set_neighbours(site: &mut Site, related: Vec<Vec<ArticleId>>) {
    for (i, related) in related.into_iter().enumerate() {
        let newer = i.checked_sub(1).map(|j| site.timeline[j].clone());
        let older = site.timeline.get(i + 1).cloned();
        let a = site
            .articles
            .get_mut(&site.timeline[i])
            .expect("article exists");
        a.older = older;
        a.newer = newer;
        a.related = related;
    }
}

/// How many entities "Often mentioned with" lists at most.
pub const MENTIONED_WITH: usize = 12;

type Ranked = Vec<(EntityId, Vec<CoMention>)>;
type Contacts = Vec<(EntityId, Vec<Contact>)>;

/// Who is named with whom: for every entity, the others ranked by the
/// strength of the tie; for every leader, the other leaders with the dates
/// and latest briefings they share; and the counts behind the ranking.
fn co_mentions(site: &Site) -> (Ranked, Contacts, Pairs) {
    // Entities are numbered so that counting, which runs for every pair in
    // every briefing, sorts integers rather than hashing ids: each entity
    // collects the numbers of those named beside it, and a sort turns the
    // list into counts (a map per entity cost 0.3 s at 10,000 briefings).
    let ids: Vec<&EntityId> = site.entities.keys().collect();
    let number: HashMap<&EntityId, u32> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i as u32))
        .collect();
    let mut beside: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
    let mut met: HashMap<(u32, u32), Contact> = HashMap::new();
    let mut named: Vec<u32> = Vec::new();
    // Newest first, so each pair's first briefings seen are its latest.
    for slug in &site.timeline {
        let a = &site.articles[slug];
        named.clear();
        named.extend(a.entities.iter().map(|e| number[e]));
        for &x in &named {
            beside[x as usize].extend(named.iter().filter(|&&y| y != x));
        }
        let leaders = named
            .iter()
            .filter(|&&x| ids[x as usize].kind == EntityKind::Leader);
        for &x in leaders.clone() {
            for &y in leaders.clone().filter(|&&y| y != x) {
                meet(&mut met, (x, y), ids[y as usize], a);
            }
        }
    }
    let totals: Vec<usize> = ids
        .iter()
        .map(|id| site.entities[*id].articles.len())
        .collect();
    let counts: Vec<Vec<(u32, u32)>> = beside.into_par_iter().map(count_runs).collect();
    let ranked = counts
        .par_iter()
        .enumerate()
        .map(|(x, c)| (EntityId::clone(ids[x]), strongest(&ids, &totals, x, c)))
        .collect();
    let mut contacts: BTreeMap<EntityId, Vec<Contact>> = BTreeMap::new();
    for ((x, _), c) in met {
        contacts.entry(ids[x as usize].clone()).or_default().push(c);
    }
    let contacts = contacts
        .into_iter()
        .map(|(id, mut list)| {
            list.sort_by(contact_order);
            (id, list)
        })
        .collect();
    let pairs = Pairs {
        ids: ids.iter().copied().cloned().collect(),
        number: number.into_iter().map(|(id, n)| (id.clone(), n)).collect(),
        counts,
    };
    (ranked, contacts, pairs)
}

/// A list of entity numbers as `(number, times it occurs)`, by number.
fn count_runs(mut beside: Vec<u32>) -> Vec<(u32, u32)> {
    beside.sort_unstable();
    beside
        .chunk_by(|a, b| a == b)
        .map(|run| (run[0], run.len() as u32))
        .collect()
}

/// Contacts by briefings shared, then the latest, then the id.
fn contact_order(a: &Contact, b: &Contact) -> std::cmp::Ordering {
    b.shared
        .cmp(&a.shared)
        .then_with(|| b.latest.cmp(&a.latest))
        .then_with(|| a.id.cmp(&b.id))
}

/// Count one shared briefing for a pair of leaders.
fn meet(met: &mut HashMap<(u32, u32), Contact>, pair: (u32, u32), other: &EntityId, a: &Article) {
    let c = met.entry(pair).or_insert_with(|| Contact {
        id: other.clone(),
        shared: 0,
        first: a.date,
        latest: a.date,
        recent: Vec::new(),
    });
    c.shared += 1;
    c.first = c.first.min(a.date);
    c.latest = c.latest.max(a.date);
    if c.recent.len() < 3 {
        c.recent.push(a.slug.clone());
    }
}

/// The entities most tied to entity `x`: shared briefings divided by the
/// geometric mean of both entities' briefing counts, so a hub named in
/// every other briefing does not top every list. Ties go to more shared
/// briefings, then to the id.
fn strongest<I: std::borrow::Borrow<EntityId>>(
    ids: &[I],
    totals: &[usize],
    x: usize,
    counts: &[(u32, u32)],
) -> Vec<CoMention> {
    let total = |i: usize| totals[i].max(1) as f64;
    let mut v: Vec<(f64, usize, u32)> = counts
        .iter()
        .map(|&(y, shared)| {
            let shared = shared as usize;
            let score = shared as f64 / (total(x) * total(y as usize)).sqrt();
            (score, shared, y)
        })
        .collect();
    // Numbers follow the ids' order, so comparing them compares the ids.
    let order = |(sa, a, ya): &(f64, usize, u32), (sb, b, yb): &(f64, usize, u32)| {
        sb.total_cmp(sa)
            .then_with(|| b.cmp(a))
            .then_with(|| ya.cmp(yb))
    };
    if v.len() > MENTIONED_WITH {
        v.select_nth_unstable_by(MENTIONED_WITH, order);
        v.truncate(MENTIONED_WITH);
    }
    v.sort_by(order);
    v.into_iter()
        .map(|(_, shared, y)| CoMention {
            id: ids[y as usize].borrow().clone(),
            shared,
        })
        .collect()
}

/// A country's leaders and crises, as the leader and crisis profiles
/// state them.
pub(super) fn link_countries(site: &mut Site) {
    let mut country_crises: BTreeMap<EntityId, Vec<EntityId>> = BTreeMap::new();
    let mut country_leaders: BTreeMap<EntityId, Vec<EntityId>> = BTreeMap::new();
    for e in site.entities.values() {
        match &e.details {
            Details::Crisis(c) => {
                for country in &c.countries {
                    country_crises
                        .entry(country.clone())
                        .or_default()
                        .push(e.id.clone());
                }
            }
            Details::Leader(Leader {
                country: Some(c), ..
            }) => country_leaders
                .entry(c.clone())
                .or_default()
                .push(e.id.clone()),
            _ => {}
        }
    }
    let active: HashSet<EntityId> = site
        .entities
        .values()
        .filter(|e| matches!(&e.details, Details::Crisis(c) if c.is_active()))
        .map(|e| e.id.clone())
        .collect();
    for e in site.entities.values_mut() {
        if let Details::Country(c) = &mut e.details {
            c.leaders = country_leaders.remove(&e.id).unwrap_or_default();
            c.crises = country_crises.remove(&e.id).unwrap_or_default();
            c.in_active_crisis = c.crises.iter().any(|id| active.contains(id));
        }
    }
}

/// The items [`patch_relations`] (and the rest of a patch) may have
/// changed: what `serve` takes digests of again.
#[derive(Debug, Default)]
pub struct Touched {
    pub articles: BTreeSet<ArticleId>,
    pub entities: BTreeSet<EntityId>,
    pub tags: BTreeSet<String>,
    /// Books edited or removed. Every book is digested after any patch;
    /// this says which may be gone.
    pub books: BTreeSet<super::BookId>,
}

/// Bring the derived relations up to date after some briefings changed:
/// `old` holds the versions that were removed from `site.articles`, `new`
/// the slugs of those put in their place (an edit is both). Only what those
/// briefings can reach is computed again, and the result is what
/// [`link_relations`] would give. The caller has checked
/// [`RelationsCache::can_patch`].
pub(super) fn patch_relations(
    site: &mut Site,
    cache: &mut RelationsCache,
    old: &[Article],
    new: &[ArticleId],
) -> Touched {
    let mut t = crate::Timings::from_env();
    let mut touched = Touched::default();
    let mut near = window_slugs(site, old.iter().map(|a| (&a.slug, &a.entities)));
    let lengths = relink(site, old, new, &mut touched);
    t.lap("    relink");
    let added: Vec<(&ArticleId, &Vec<EntityId>)> = new
        .iter()
        .map(|s| (s, &site.articles[s].entities))
        .collect();
    near.extend(window_slugs(site, added.into_iter()));
    near.extend(new.iter().cloned());
    set_timeline_neighbours(site, &mut touched);
    t.lap("    neighbours");
    patch_related(site, near, &mut touched);
    t.lap("    related");
    let pairs = cache.pairs.as_mut().expect("checked by can_patch");
    patch_co_mentions(site, pairs, old, new, &lengths, &mut touched);
    t.lap("    co-mentions");
    patch_contacts(site, old, new, &mut touched);
    t.lap("    contacts");
    // The kept relations are for the old graph; the counts stay valid.
    cache.kept = None;
    touched
}

/// The briefings within reach of the related-briefing window of each given
/// briefing, in each of its entities' lists as they stand.
fn window_slugs<'a>(
    site: &Site,
    briefings: impl Iterator<Item = (&'a ArticleId, &'a Vec<EntityId>)>,
) -> HashSet<ArticleId> {
    let mut out = HashSet::new();
    for (slug, entities) in briefings {
        for id in entities {
            let list = &site.entities[id].articles;
            if let Some(at) = list.iter().position(|s| s == slug) {
                let from = at.saturating_sub(RELATED_WINDOW + 1);
                let to = (at + RELATED_WINDOW + 2).min(list.len());
                out.extend(list[from..to].iter().cloned());
            }
        }
    }
    out
}

/// Take the old briefings out of the timeline and the entity and tag lists,
/// and put the new ones in, in timeline order; tally the entities again.
/// Returns each touched entity's number of briefings before.
fn relink(
    site: &mut Site,
    old: &[Article],
    new: &[ArticleId],
    touched: &mut Touched,
) -> HashMap<EntityId, usize> {
    let gone: HashSet<&str> = old.iter().map(|a| a.slug.as_str()).collect();
    site.timeline.retain(|s| !gone.contains(s.as_str()));
    for slug in new {
        let a = &site.articles[slug];
        let at = site
            .timeline
            .partition_point(|s| timeline_order(&site.articles[s], a).is_lt());
        site.timeline.insert(at, slug.clone());
    }
    let positions = timeline_positions(site);
    // A list without the old briefings, and with those new ones that
    // belong in it, each at its place in the timeline.
    let relist = |list: &[ArticleId], belongs: &dyn Fn(&Article) -> bool| {
        let mut list: Vec<ArticleId> = list
            .iter()
            .filter(|s| !gone.contains(s.as_str()))
            .cloned()
            .collect();
        for slug in new.iter().filter(|s| belongs(&site.articles[*s])) {
            let at = list.partition_point(|s| positions[s.as_str()] < positions[slug.as_str()]);
            list.insert(at, slug.clone());
        }
        list
    };
    let entities: BTreeSet<&EntityId> = old
        .iter()
        .flat_map(|a| &a.entities)
        .chain(new.iter().flat_map(|s| &site.articles[s].entities))
        .collect();
    let tags: BTreeSet<&String> = old
        .iter()
        .flat_map(|a| &a.tags)
        .chain(new.iter().flat_map(|s| &site.articles[s].tags))
        .collect();
    let mut lengths = HashMap::new();
    let mut lists = Vec::new();
    for id in entities {
        let before = &site.entities[id].articles;
        lengths.insert(id.clone(), before.len());
        lists.push((id.clone(), relist(before, &|a| a.entities.contains(id))));
    }
    let tag_lists: Vec<(String, Vec<ArticleId>)> = tags
        .into_iter()
        .filter_map(|slug| {
            let before = &site.tags.get(slug)?.articles;
            Some((slug.clone(), relist(before, &|a| a.tags.contains(slug))))
        })
        .collect();
    drop(positions);
    for (id, list) in lists {
        let (monthly, recent) = tally(site, &list);
        let e = site.entities.get_mut(&id).expect("entity exists");
        (e.articles, e.monthly, e.recent) = (list, monthly, recent);
        touched.entities.insert(id);
    }
    for (slug, list) in tag_lists {
        site.tags.get_mut(&slug).expect("tag exists").articles = list;
        touched.tags.insert(slug);
    }
    touched.articles.extend(old.iter().map(|a| a.slug.clone()));
    touched.articles.extend(new.iter().cloned());
    lengths
}

/// Set every briefing's older and newer neighbour, noting those that moved.
fn set_timeline_neighbours(site: &mut Site, touched: &mut Touched) {
    for i in 0..site.timeline.len() {
        let newer = i.checked_sub(1).map(|j| &site.timeline[j]);
        let older = site.timeline.get(i + 1);
        let a = &site.articles[&site.timeline[i]];
        if a.newer.as_ref() != newer || a.older.as_ref() != older {
            let (newer, older) = (newer.cloned(), older.cloned());
            let slug = site.timeline[i].clone();
            let a = site.articles.get_mut(&slug).expect("article exists");
            (a.newer, a.older) = (newer, older);
            touched.articles.insert(slug);
        }
    }
}

/// Rank again the related briefings of those in `near`.
fn patch_related(site: &mut Site, near: HashSet<ArticleId>, touched: &mut Touched) {
    let positions = timeline_positions(site);
    let near: Vec<&Article> = near.iter().filter_map(|s| site.articles.get(s)).collect();
    let entities: HashSet<&EntityId> = near.iter().flat_map(|a| &a.entities).collect();
    let by_entity: HashMap<&EntityId, Vec<usize>> = entities
        .into_par_iter()
        .map(|id| (id, entity_positions(site, &positions, id)))
        .collect();
    let changed: Vec<(ArticleId, Vec<ArticleId>)> = near
        .par_iter()
        .map_init(
            || (vec![0u32; site.timeline.len()], Vec::new()),
            |tally, a| {
                let lists = a.entities.iter().map(|e| &by_entity[e][..]);
                let related = rank_related(site, positions[a.slug.as_str()], lists, tally);
                (related != a.related).then(|| (a.slug.clone(), related))
            },
        )
        .flatten()
        .collect();
    drop((by_entity, near, positions));
    for (slug, related) in changed {
        site.articles
            .get_mut(&slug)
            .expect("article exists")
            .related = related;
        touched.articles.insert(slug);
    }
}

/// Update the co-mention counts for the changed briefings and rank again
/// the entities whose ties changed: those named in them, and, when an
/// entity's number of briefings changed, everyone named beside it (their
/// scores divide by it).
fn patch_co_mentions(
    site: &mut Site,
    pairs: &mut Pairs,
    old: &[Article],
    new: &[ArticleId],
    lengths: &HashMap<EntityId, usize>,
    touched: &mut Touched,
) {
    let mut dirty: BTreeSet<u32> = BTreeSet::new();
    let named = |ids: &[EntityId]| -> Vec<u32> { ids.iter().map(|e| pairs.number[e]).collect() };
    let changes: Vec<(Vec<u32>, i64)> = old
        .iter()
        .map(|a| (named(&a.entities), -1))
        .chain(new.iter().map(|s| (named(&site.articles[s].entities), 1)))
        .collect();
    for (numbers, delta) in changes {
        for &x in &numbers {
            for &y in numbers.iter().filter(|&&y| y != x) {
                add_count(&mut pairs.counts[x as usize], y, delta);
            }
            dirty.insert(x);
        }
    }
    for (id, before) in lengths {
        if site.entities[id].articles.len() != *before {
            let x = pairs.number[id];
            dirty.extend(pairs.counts[x as usize].iter().map(|&(y, _)| y));
        }
    }
    let totals: Vec<usize> = pairs
        .ids
        .iter()
        .map(|id| site.entities[id].articles.len())
        .collect();
    for x in dirty {
        let ranked = strongest(&pairs.ids, &totals, x as usize, &pairs.counts[x as usize]);
        let id = &pairs.ids[x as usize];
        let e = site.entities.get_mut(id).expect("entity exists");
        if !same_ranking(&e.mentioned_with, &ranked) {
            e.mentioned_with = ranked;
            touched.entities.insert(id.clone());
        }
    }
}

/// Add `delta` to the count for `y` in a list sorted by entity number,
/// dropping counts that reach zero.
fn add_count(counts: &mut Vec<(u32, u32)>, y: u32, delta: i64) {
    match counts.binary_search_by_key(&y, |&(n, _)| n) {
        Ok(i) => {
            let n = i64::from(counts[i].1) + delta;
            if n <= 0 {
                counts.remove(i);
            } else {
                counts[i].1 = n as u32;
            }
        }
        Err(i) if delta > 0 => counts.insert(i, (y, delta as u32)),
        Err(_) => unreachable!("a pair's count never goes below zero"),
    }
}

fn same_ranking(a: &[CoMention], b: &[CoMention]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.id == y.id && x.shared == y.shared)
}

/// Work out again the contacts between the leaders named together in the
/// changed briefings, before or after.
fn patch_contacts(site: &mut Site, old: &[Article], new: &[ArticleId], touched: &mut Touched) {
    let leaders = |ids: &[EntityId]| -> Vec<EntityId> {
        ids.iter()
            .filter(|e| e.kind == EntityKind::Leader)
            .cloned()
            .collect()
    };
    let mut pairs: BTreeSet<(EntityId, EntityId)> = BTreeSet::new();
    let groups = old
        .iter()
        .map(|a| leaders(&a.entities))
        .chain(new.iter().map(|s| leaders(&site.articles[s].entities)));
    for group in groups {
        for x in &group {
            for y in group.iter().filter(|y| *y != x) {
                pairs.insert((x.clone(), y.clone()));
            }
        }
    }
    let fresh: Vec<(EntityId, EntityId, Option<Contact>)> = pairs
        .into_iter()
        .map(|(x, y)| {
            let c = contact(site, &x, &y);
            (x, y, c)
        })
        .collect();
    for (x, y, c) in fresh {
        if let Details::Leader(l) = &mut site.entities.get_mut(&x).expect("leader").details {
            l.contacts.retain(|other| other.id != y);
            l.contacts.extend(c);
            l.contacts.sort_by(contact_order);
        }
        touched.entities.insert(x);
    }
}

/// What leader `x` shares with leader `y`, from `x`'s briefings, newest
/// first; `None` if nothing.
fn contact(site: &Site, x: &EntityId, y: &EntityId) -> Option<Contact> {
    let mut met: HashMap<(u32, u32), Contact> = HashMap::new();
    for slug in &site.entities[x].articles {
        let a = &site.articles[slug];
        if a.entities.contains(y) {
            meet(&mut met, (0, 1), y, a);
        }
    }
    met.into_values().next()
}
