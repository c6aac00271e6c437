//! Derived, two-way relations: entity and tag article lists, the
//! timeline and its neighbours, related briefings, co-mention.

use super::*;

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
/// briefings) rather than computed again.
#[derive(Default)]
pub struct RelationsCache {
    /// Off for a one-shot build, which would only pay to fill it.
    enabled: bool,
    kept: Option<(u64, Derived)>,
}

impl RelationsCache {
    pub fn new() -> Self {
        RelationsCache {
            enabled: true,
            kept: None,
        }
    }

    fn derive(&mut self, site: &Site) -> Derived {
        let compute = |site: &Site| {
            let (mentioned, contacts) = co_mentions(site);
            Derived {
                related: related_briefings(site),
                mentioned,
                contacts,
            }
        };
        if !self.enabled {
            return compute(site);
        }
        let key = relations_key(site);
        match &self.kept {
            Some((k, d)) if *k == key => d.clone(),
            _ => {
                let d = compute(site);
                self.kept = Some((key, d.clone()));
                d
            }
        }
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

/// The timeline, newest first, and each entity's and tag's briefings in
/// that order.
fn order_timeline(site: &mut Site) {
    let mut timeline: Vec<&Article> = site.articles.values().collect();
    timeline.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    site.timeline = timeline.iter().map(|a| a.slug.clone()).collect();

    // One pass over the timeline fills every entity's list and its
    // briefings per month (newest first here, reversed below).
    let today = site.config.today;
    let recent_from = today - chrono::Duration::days(i64::from(site.config.site.recent_days));
    for slug in &site.timeline {
        let a = &site.articles[slug];
        let month = (a.date.year(), a.date.month());
        let day = a.date.instant.date_naive();
        let recent = day > recent_from && day <= today;
        for id in &a.entities {
            let e = site.entities.get_mut(id).expect("referenced entity exists");
            e.articles.push(slug.clone());
            e.recent += usize::from(recent);
            match e.monthly.last_mut() {
                Some(last) if (last.year, last.month) == month => last.count += 1,
                _ => e.monthly.push(MonthCount {
                    year: month.0,
                    month: month.1,
                    count: 1,
                }),
            }
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

/// For each briefing in timeline order, its related briefings.
fn related_briefings(site: &Site) -> Vec<Vec<ArticleId>> {
    // Related briefings: those sharing the most entities, then the newest.
    // Work in timeline positions, not slugs: this runs for every briefing
    // against the briefings it shares an entity with. Only the RELATED_WINDOW
    // briefings nearest in time on each side, per entity, are candidates:
    // counting against every briefing of a country made this quadratic
    // (7,500 candidates per briefing at 100,000 briefings), and a briefing
    // from the same weeks is the better suggestion anyway.
    const RELATED_WINDOW: usize = 100;
    let positions: HashMap<&str, usize> = site
        .timeline
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let entity_positions: HashMap<&EntityId, Vec<usize>> = site
        .entities
        .iter()
        .map(|(id, e)| {
            (
                id,
                e.articles.iter().map(|s| positions[s.as_str()]).collect(),
            )
        })
        .collect();
    site.timeline
        .par_iter()
        .enumerate()
        .map_init(
            || (vec![0u32; site.timeline.len()], Vec::new()),
            |(counts, touched), (i, slug)| {
                for id in &site.articles[slug].entities {
                    // Positions are ascending (the entity's briefings are in
                    // timeline order), so find this briefing and look around it.
                    let all = &entity_positions[id];
                    let at = all.partition_point(|&j| j < i);
                    let window = &all[at.saturating_sub(RELATED_WINDOW)
                        ..(at + RELATED_WINDOW + 1).min(all.len())];
                    for &j in window {
                        if j != i {
                            if counts[j] == 0 {
                                touched.push(j);
                            }
                            counts[j] += 1;
                        }
                    }
                }
                // Most shared first; among equals the newer (lower position).
                // Only the best four matter: select them in one pass rather
                // than sorting thousands of candidates per briefing.
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
                let best = best.iter().map(|&j| site.timeline[j].clone()).collect();
                for &j in touched.iter() {
                    counts[j] = 0;
                }
                touched.clear();
                best
            },
        )
        .collect()
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
/// and latest briefings they share.
fn co_mentions(site: &Site) -> (Ranked, Contacts) {
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
    let ranked = beside
        .into_par_iter()
        .enumerate()
        .map(|(x, list)| (EntityId::clone(ids[x]), strongest(&ids, &totals, x, list)))
        .collect();
    let mut contacts: BTreeMap<EntityId, Vec<Contact>> = BTreeMap::new();
    for ((x, _), c) in met {
        contacts.entry(ids[x as usize].clone()).or_default().push(c);
    }
    let contacts = contacts
        .into_iter()
        .map(|(id, mut list)| {
            list.sort_by(|a, b| {
                b.shared
                    .cmp(&a.shared)
                    .then_with(|| b.latest.cmp(&a.latest))
                    .then_with(|| a.id.cmp(&b.id))
            });
            (id, list)
        })
        .collect();
    (ranked, contacts)
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
fn strongest(
    ids: &[&EntityId],
    totals: &[usize],
    x: usize,
    mut beside: Vec<u32>,
) -> Vec<CoMention> {
    beside.sort_unstable();
    let total = |i: usize| totals[i].max(1) as f64;
    let mut v: Vec<(f64, usize, u32)> = beside
        .chunk_by(|a, b| a == b)
        .map(|run| {
            let (y, shared) = (run[0], run.len());
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
            id: ids[y as usize].clone(),
            shared,
        })
        .collect()
}

/// A country's leaders and crises, as the leader and crisis profiles
/// state them.
fn link_countries(site: &mut Site) {
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
