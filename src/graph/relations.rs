//! Derived, two-way relations: entity and tag article lists, the
//! timeline and its neighbours, related briefings, co-mention.

use super::*;

/// Fill in the derived, two-way relations: entity and tag article lists,
/// timeline neighbours, related briefings, and who appears with whom.
pub(super) fn link_relations(site: &mut Site) {
    order_timeline(site);
    let related = related_briefings(site);
    set_neighbours(site, related);
    let (crisis_updates, leader_updates) = co_mentions(site);
    for (id, crises, peers) in leader_updates {
        if let Details::Leader(l) = &mut site.entities.get_mut(&id).expect("leader").details {
            l.crises = crises;
            l.peers = peers;
        }
    }
    link_countries(site, crisis_updates);
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

    for slug in &site.timeline {
        let a = &site.articles[slug];
        for id in &a.entities {
            site.entities
                .get_mut(id)
                .expect("referenced entity exists")
                .articles
                .push(slug.clone());
        }
        for t in &a.tags {
            site.tags
                .get_mut(t)
                .expect("tag exists")
                .articles
                .push(slug.clone());
        }
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

/// A crisis's countries and leaders, and a leader's crises and peers.
type CrisisUpdate = (EntityId, Vec<EntityId>, Vec<EntityId>);
type LeaderUpdate = (EntityId, Vec<EntityId>, Vec<EntityId>);

/// Who is named with whom, ranked by shared briefings: the crisis and
/// leader relations it gives.
fn co_mentions(site: &Site) -> (Vec<CrisisUpdate>, Vec<LeaderUpdate>) {
    // Co-occurrence counts: which entities are named in the same briefings.
    // Entities are numbered so that counting, which runs for every pair in
    // every briefing, hashes integers rather than ids.
    let ids: Vec<&EntityId> = site.entities.keys().collect();
    let number: HashMap<&EntityId, u32> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i as u32))
        .collect();
    let mut together: Vec<HashMap<u32, usize>> = vec![HashMap::new(); ids.len()];
    for a in site.articles.values() {
        let named: Vec<u32> = a.entities.iter().map(|e| number[e]).collect();
        for &x in &named {
            for &y in &named {
                if x != y {
                    *together[x as usize].entry(y).or_default() += 1;
                }
            }
        }
    }
    let ranked = |id: &EntityId, kind: EntityKind| -> Vec<EntityId> {
        let mut v: Vec<(&EntityId, usize)> = together[number[id] as usize]
            .iter()
            .map(|(o, n)| (ids[*o as usize], *n))
            .filter(|(o, _)| o.kind == kind)
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        v.into_iter().map(|(o, _)| o.clone()).collect()
    };

    let mut leader_updates = Vec::new();
    let mut crisis_updates = Vec::new();
    for e in site.entities.values() {
        match &e.details {
            Details::Leader(_) => {
                leader_updates.push((
                    e.id.clone(),
                    ranked(&e.id, EntityKind::Crisis),
                    ranked(&e.id, EntityKind::Leader),
                ));
            }
            Details::Crisis(c) => {
                let mut countries = c.countries.clone();
                for extra in ranked(&e.id, EntityKind::Country) {
                    if !countries.contains(&extra) {
                        countries.push(extra);
                    }
                }
                crisis_updates.push((e.id.clone(), countries, ranked(&e.id, EntityKind::Leader)));
            }
            Details::Country(_) => {}
        }
    }
    (crisis_updates, leader_updates)
}

/// Crises take their countries and leaders; countries their crises and
/// leaders.
fn link_countries(site: &mut Site, crisis_updates: Vec<CrisisUpdate>) {
    let mut country_crises: BTreeMap<EntityId, Vec<EntityId>> = BTreeMap::new();
    for (id, countries, leaders) in crisis_updates {
        for c in &countries {
            country_crises
                .entry(c.clone())
                .or_default()
                .push(id.clone());
        }
        if let Details::Crisis(c) = &mut site.entities.get_mut(&id).expect("crisis").details {
            c.countries = countries;
            c.leaders = leaders;
        }
    }
    let mut country_leaders: BTreeMap<EntityId, Vec<EntityId>> = BTreeMap::new();
    for e in site.entities.values() {
        if let Details::Leader(Leader {
            country: Some(c), ..
        }) = &e.details
        {
            country_leaders
                .entry(c.clone())
                .or_default()
                .push(e.id.clone());
        }
    }
    for e in site.entities.values_mut() {
        if let Details::Country(c) = &mut e.details {
            c.leaders = country_leaders.remove(&e.id).unwrap_or_default();
            c.crises = country_crises.remove(&e.id).unwrap_or_default();
        }
    }
}
