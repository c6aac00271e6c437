//! A profile edit applied to a resolved site in place, for `serve`: the
//! profile is resolved again on its own, its new names are registered,
//! and the bodies that mention a name that came or went are rendered
//! again. Briefings keep their entities, so the relations stand. Where a
//! full load could resolve references differently (a name or alias
//! dropped, a name another entity already answers to), the patch
//! declines.

use super::patch::Patched;
use super::{
    add_all_profiles, bodies, bodies::entity_links, profiles, relations, ArticleFrontMatter,
    ArticleId, Caches, Details, Entity, EntityId, EntityKind, Registry, Resolver, Site,
};
use crate::content::Cache as ParsedCache;
use crate::content::{Document, RawContent};
use crate::diagnostics::Diagnostic;
use crate::markdown::{DocContext, LinkIndex};
use crate::text::fold;
use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Apply the edit of one profile file, parsed again as `raw` holds it, or
/// return `None`, leaving `site` as it was. `own_findings` says whether the
/// profile's file had findings in the last load other than overlapping
/// offices, which are worked out again here.
pub fn patch_profile(
    site: &mut Site,
    caches: &mut Caches,
    index: &mut LinkIndex,
    parsed: &ParsedCache,
    raw: &RawContent,
    own_findings: &dyn Fn(&Path, &[Diagnostic]) -> bool,
) -> Option<(Patched, Vec<Diagnostic>, Vec<Diagnostic>)> {
    let mut fresh = Resolver {
        registry: Registry::default(),
        entities: BTreeMap::new(),
    };
    let mut diags = Vec::new();
    add_all_profiles(&mut fresh, raw, site.config.today, &mut diags);
    let (id, mut entity) = fresh.entities.pop_first()?;
    let old = site.entities.get(&id)?;
    let mut before = Vec::new();
    profiles::check_across(&site.entities, &mut before);
    let path = entity.source.clone()?;
    let clean = diags.is_empty()
        && old.source.as_ref() == Some(&path)
        && !refers_to_implicit(site, old)
        && !own_findings(&path, &before)
        && !site
            .entities
            .values()
            .any(|e| e.source.is_none() && e.id.kind == id.kind);
    if !clean {
        return None;
    }
    let (added, dropped) = new_keys(caches.registry.as_ref()?, old, &entity)?;
    if !dropped.is_empty() && !unused(site, parsed, old, &dropped) {
        return None;
    }
    link_references(site, caches.registry.as_ref()?, raw, &mut entity)?;
    // Nothing is changed before this point, and nothing can fail after it.
    let registry = caches.registry.as_mut()?;
    for key in added {
        registry.add_key(id.kind, key, &id);
    }
    for key in dropped {
        registry.remove_key(id.kind, &key);
    }
    keep_derived(old, &mut entity);
    let old = std::mem::replace(site.entities.get_mut(&id)?, entity);
    let mut after = Vec::new();
    profiles::check_across(&site.entities, &mut after);
    let mut patched = Patched::default();
    patched.touched.entities.insert(id.clone());
    // A country's leaders and crises, and whether one is active, come from
    // the other profiles: work them out again, for every country.
    relations::link_countries(site);
    patched
        .touched
        .entities
        .extend(site.entities_of(EntityKind::Country).map(|e| e.id.clone()));
    // Briefings' paths, titles and files are as they were.
    index.set_entities(entity_links(&site.config, &site.entities));
    patched.bodies = render_affected(site, caches, index, parsed, &old, &path, &mut patched);
    caches.bodies.checked_names(index);
    Some((patched, before, after))
}

/// The folded keys a profile answers to: its slug, name and aliases.
fn keys_of(e: &Entity) -> BTreeSet<String> {
    [&e.id.slug, &e.name]
        .into_iter()
        .chain(&e.aliases)
        .map(|k| fold(k))
        .filter(|k| !k.is_empty())
        .collect()
}

/// The keys the new version adds and those it drops, if no other entity
/// answers to an added one yet and every dropped one was this entity's;
/// `None` otherwise.
fn new_keys(registry: &Registry, old: &Entity, new: &Entity) -> Option<(Vec<String>, Vec<String>)> {
    let (before, after) = (keys_of(old), keys_of(new));
    let added: Vec<String> = after.difference(&before).cloned().collect();
    let dropped: Vec<String> = before.difference(&after).cloned().collect();
    let kind = new.id.kind;
    let taken = added.iter().any(|k| registry.lookup_key(kind, k).is_some());
    let others = dropped
        .iter()
        .any(|k| registry.lookup_key(kind, k) != Some(&new.id));
    (!taken && !others).then_some((added, dropped))
}

/// Whether nothing refers to the entity by a key it drops, and no other
/// entity would take the key over: then dropping it changes no reference.
/// A country's leaders and crises name it in their profiles, which a patch
/// does not read: a country that has any keeps its keys.
fn unused(site: &Site, parsed: &ParsedCache, old: &Entity, dropped: &[String]) -> bool {
    if let Details::Country(c) = &old.details {
        if !c.leaders.is_empty() || !c.crises.is_empty() {
            return false;
        }
    }
    let claimed = site
        .entities
        .values()
        .filter(|e| e.id != old.id && e.id.kind == old.id.kind)
        .any(|e| keys_of(e).iter().any(|k| dropped.contains(k)));
    if claimed {
        return false;
    }
    old.articles.iter().all(|slug| {
        let Some(doc) = parsed.article(&site.config.site_dir.join(&site.articles[slug].source))
        else {
            return false;
        };
        let f = &doc.front;
        let names = match old.id.kind {
            EntityKind::Country => &f.countries,
            EntityKind::Leader => &f.leaders,
            EntityKind::Crisis => &f.crises,
        };
        names.iter().all(|n| !dropped.contains(&fold(n.trim())))
    })
}

/// Resolve the relations the profile states (a leader's country, a
/// crisis's countries) against profiles; `None` if one names no profile.
/// Whether the profile's old version names an entity with no profile of
/// its own: only a full load knows whether that entity stays (another file
/// names it) or goes with the edit.
fn refers_to_implicit(site: &Site, old: &Entity) -> bool {
    let implicit = |id: &EntityId| site.entities.get(id).is_none_or(|e| e.source.is_none());
    match &old.details {
        Details::Leader(l) => l.country.as_ref().is_some_and(implicit),
        Details::Crisis(c) => c.countries.iter().any(implicit),
        Details::Country(_) => false,
    }
}

fn link_references(
    site: &Site,
    registry: &Registry,
    raw: &RawContent,
    entity: &mut Entity,
) -> Option<()> {
    let country = |name: &String| -> Option<EntityId> {
        let id = registry.lookup(EntityKind::Country, name)?;
        site.entities.get(id)?.source.as_ref()?;
        Some(id.clone())
    };
    match &mut entity.details {
        Details::Leader(l) => {
            l.country = match &raw.leaders.first()?.front.country {
                Some(name) => Some(country(name)?),
                None => None,
            };
        }
        Details::Crisis(c) => {
            let mut countries = Vec::new();
            for name in &raw.crises.first()?.front.countries {
                let id = country(name)?;
                if !countries.contains(&id) {
                    countries.push(id);
                }
            }
            c.countries = countries;
        }
        Details::Country(_) => {}
    }
    Some(())
}

/// What the graph derives for an entity from the briefings, which a
/// profile edit leaves as it was.
fn keep_derived(old: &Entity, new: &mut Entity) {
    new.articles = old.articles.clone();
    new.monthly = old.monthly.clone();
    new.recent = old.recent;
    new.mentioned_with = old.mentioned_with.clone();
    new.books = old.books.clone();
    if let (Details::Leader(o), Details::Leader(n)) = (&old.details, &mut new.details) {
        n.contacts = o.contacts.clone();
    }
}

/// Render again the profile's own body and every body that mentions a
/// name that came or went, or links to one of the profile's keys. A kept
/// body whose file is no longer a briefing's or a profile's is not the
/// site's, and is left alone.
fn render_affected(
    site: &mut Site,
    caches: &mut Caches,
    index: &LinkIndex,
    parsed: &ParsedCache,
    old: &Entity,
    path: &Path,
    patched: &mut Patched,
) -> Vec<(PathBuf, usize, Vec<Diagnostic>)> {
    let names = caches.bodies.changed_names(index);
    let mut todo: BTreeSet<PathBuf> = BTreeSet::from([path.to_path_buf()]);
    // Names are never empty, so the automaton builds; were it not to, every
    // kept body is rendered again.
    if let Some(finder) = (!names.is_empty()).then(|| AhoCorasick::new(&names).ok()) {
        let site_dir = &site.config.site_dir;
        // Every kept body is scanned: in parallel, as a load renders them.
        let paths: Vec<&PathBuf> = caches.bodies.paths().collect();
        let found: Vec<PathBuf> = paths
            .into_par_iter()
            .filter(|p| {
                parsed
                    .body(&site_dir.join(p))
                    .is_some_and(|(body, _)| finder.as_ref().is_none_or(|f| f.is_match(body)))
            })
            .cloned()
            .collect();
        todo.extend(found);
    }
    let mut keys: HashSet<String> = keys_of(old).into_iter().collect();
    keys.extend(keys_of(&site.entities[&old.id]));
    todo.extend(
        caches
            .bodies
            .stale_bodies(index, &HashSet::new(), &keys, &HashSet::new()),
    );
    let by_source: HashMap<&Path, ArticleId> = site
        .articles
        .values()
        .filter(|a| todo.contains(&a.source))
        .map(|a| (a.source.as_path(), a.slug.clone()))
        .collect();
    let by_source: HashMap<PathBuf, ArticleId> = by_source
        .into_iter()
        .map(|(p, s)| (p.to_path_buf(), s))
        .collect();
    let mut out = Vec::new();
    for p in todo {
        let found = match by_source.get(&p) {
            Some(slug) => rerender_article(site, caches, index, parsed, slug),
            None if p.starts_with("content/books") => {
                rerender_book(site, caches, index, parsed, &p)
            }
            None => rerender_profile(site, caches, index, parsed, &p),
        };
        let Some((line, owner, findings)) = found else {
            continue;
        };
        match owner {
            Owner::Article(slug) => patched.touched.articles.insert(slug),
            Owner::Entity(id) => patched.touched.entities.insert(id),
            // Books are digested whole after every patch.
            Owner::Book => false,
        };
        out.push((p, line, findings));
    }
    out
}

/// What rendering one body again gave: the line it starts on, what it
/// belongs to, and its findings.
type Again = (usize, Owner, Vec<Diagnostic>);

/// Whose body was rendered again.
enum Owner {
    Article(ArticleId),
    Entity(EntityId),
    Book,
}

fn rerender_article(
    site: &mut Site,
    caches: &mut Caches,
    index: &LinkIndex,
    parsed: &ParsedCache,
    slug: &ArticleId,
) -> Option<Again> {
    let a = site.articles.get_mut(slug)?;
    let doc: Arc<Document<ArticleFrontMatter>> =
        parsed.article(&site.config.site_dir.join(&a.source))?;
    let out = bodies::render_article_now(a, &doc, &mut caches.bodies, index);
    Some((
        doc.body_line,
        Owner::Article(slug.clone()),
        out.diagnostics.clone(),
    ))
}

fn rerender_profile(
    site: &mut Site,
    caches: &mut Caches,
    index: &LinkIndex,
    parsed: &ParsedCache,
    path: &Path,
) -> Option<Again> {
    let id = site
        .entities
        .values()
        .find(|e| e.source.as_deref() == Some(path))?
        .id
        .clone();
    let (body, line) = parsed.body(&site.config.site_dir.join(path))?;
    let tagged = profiles::profile_relations(&site.entities[&id]);
    let ctx = DocContext {
        path,
        body_line: line,
        tagged: &tagged,
    };
    let out = caches.bodies.render_now(body, &ctx, index);
    let e = site.entities.get_mut(&id)?;
    e.body_html = out.html.clone();
    e.summary = out.first_paragraph.clone();
    Some((line, Owner::Entity(id), out.diagnostics.clone()))
}

fn rerender_book(
    site: &mut Site,
    caches: &mut Caches,
    index: &LinkIndex,
    parsed: &ParsedCache,
    path: &Path,
) -> Option<Again> {
    let abs = site.config.site_dir.join(path);
    let doc = match parsed.book(&abs)? {
        d if d.path == path => d,
        _ => return None,
    };
    let b = site.books.values_mut().find(|b| b.source == path)?;
    let out = bodies::render_book_now(b, &doc, &mut caches.bodies, index);
    Some((doc.body_line, Owner::Book, out.diagnostics.clone()))
}
