//! Page dependencies: which source files each page reads, inverted into a map
//! from source file to pages, so `serve` can re-render only what an edit
//! touches.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::{pages, PageId};
use crate::graph::{EntityId, EntityKind, Site};

/// For every source file, the pages whose contents depend on it.
///
/// This covers edits to existing files. Adding or removing a file changes
/// which pages exist, and `serve` rebuilds the graph for that anyway.
pub fn dependencies(site: &Site) -> BTreeMap<PathBuf, BTreeSet<PageId>> {
    let mut map: BTreeMap<PathBuf, BTreeSet<PageId>> = BTreeMap::new();
    for page in pages(site) {
        for source in page_sources(site, &page) {
            map.entry(source).or_default().insert(page.clone());
        }
    }
    map
}

/// The source files one page reads.
pub fn page_sources(site: &Site, page: &PageId) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let per_page = site.config.site.paginate;
    match page {
        PageId::Home => {
            for slug in site.timeline.iter().take(10) {
                card(site, slug, &mut out);
            }
            for e in site.entities_of(EntityKind::Crisis) {
                profile(site, &e.id, &mut out);
            }
        }
        PageId::Articles(n) => {
            for slug in site.timeline.iter().skip((n - 1) * per_page).take(per_page) {
                card(site, slug, &mut out);
            }
        }
        PageId::Article(slug) => {
            let a = &site.articles[slug];
            out.insert(a.source.clone());
            for id in &a.entities {
                profile(site, id, &mut out);
            }
            for other in a.older.iter().chain(&a.newer) {
                out.insert(site.articles[other].source.clone());
            }
            for other in &a.related {
                card(site, other, &mut out);
            }
        }
        PageId::EntityIndex(kind) => {
            for e in site.entities_of(*kind) {
                entity_and_relations(site, &e.id, &mut out);
                for slug in &e.articles {
                    out.insert(site.articles[slug].source.clone());
                }
            }
        }
        PageId::Entity(id, n) => {
            entity_and_relations(site, id, &mut out);
            let all = &site.entities[id].articles;
            for slug in super::list_slice(all, *n) {
                card(site, slug, &mut out);
            }
            if *n == 1 && id.kind == crate::graph::EntityKind::Crisis {
                // The timeline lists every briefing's title and date.
                out.extend(all.iter().map(|s| site.articles[s].source.clone()));
            }
        }
        PageId::Tags => {
            for t in site.tags.values() {
                for slug in &t.articles {
                    out.insert(site.articles[slug].source.clone());
                }
            }
        }
        PageId::Tag(slug, n) => {
            for a in super::list_slice(&site.tags[slug].articles, *n) {
                card(site, a, &mut out);
            }
        }
        PageId::Feed(scope) => {
            for slug in scope.articles(site).iter().take(super::extras::FEED_LENGTH) {
                card(site, slug, &mut out);
            }
        }
        PageId::ArchiveYear(y) => {
            for a in site.articles.values().filter(|a| a.date.year() == *y) {
                card(site, &a.slug, &mut out);
            }
        }
        // Pages that read every briefing's dates or metadata.
        PageId::Archive | PageId::Sitemap | PageId::ApiArticles => {
            out.extend(site.articles.values().map(|a| a.source.clone()));
        }
        PageId::ApiEntities => {
            out.extend(site.articles.values().map(|a| a.source.clone()));
            out.extend(site.entities.values().filter_map(|e| e.source.clone()));
        }
        PageId::NotFound | PageId::Search | PageId::Robots => {}
    }
    out
}

fn profile(site: &Site, id: &EntityId, out: &mut BTreeSet<PathBuf>) {
    if let Some(src) = &site.entities[id].source {
        out.insert(src.clone());
    }
}

/// A briefing card shows the briefing and the names of what it is about.
fn card(site: &Site, slug: &str, out: &mut BTreeSet<PathBuf>) {
    let a = &site.articles[slug];
    out.insert(a.source.clone());
    for id in &a.entities {
        profile(site, id, out);
    }
}

fn entity_and_relations(site: &Site, id: &EntityId, out: &mut BTreeSet<PathBuf>) {
    profile(site, id, out);
    for r in site.entities[id].related() {
        profile(site, r, out);
    }
}
