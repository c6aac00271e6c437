//! Briefing edits applied to a resolved site in place, for `serve`: the
//! edited briefings are resolved again, and only what they reach (their
//! entities' and tags' lists, their neighbours, related briefings, ties,
//! bodies that link to them) is worked out again. The result is the graph
//! a full load would make; where that is not plain (a new implicit entity,
//! a draft, a finding in the edited file), the patch declines and `serve`
//! loads the site again.

use super::relations::{patch_relations, Touched};
use super::{
    bodies, resolve_article, Article, ArticleFrontMatter, ArticleId, Caches, EntityId, EntityKind,
    Registry, Resolver, Site, Tag,
};
use crate::content::Cache as ParsedCache;
use crate::content::Document;
use crate::diagnostics::Diagnostic;
use crate::markdown::LinkIndex;
use crate::text::slugify;
use std::collections::BTreeSet;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One edited briefing file.
pub struct BriefingEdit {
    /// Site-relative, e.g. `content/articles/2023/ruto.md`.
    pub path: PathBuf,
    /// Its parse now; `None` when the file is gone.
    pub doc: Option<Arc<Document<ArticleFrontMatter>>>,
}

/// What a patch changed.
#[derive(Debug, Default)]
pub struct Patched {
    /// The items that may have changed, to take digests of again.
    pub touched: Touched,
    /// Bodies rendered again, each with its file, the line its body starts
    /// on and its findings: they replace that file's findings from there
    /// on (an edited briefing's, all of them).
    pub bodies: Vec<(PathBuf, usize, Vec<Diagnostic>)>,
}

/// Apply `edits` to `site`, or return `None`, leaving `site` as it was,
/// when only a full load gives the right graph. `parsed` has every other
/// file's parse; `has_findings` says whether a file had any finding in the
/// last load.
pub fn patch(
    site: &mut Site,
    caches: &mut Caches,
    index: &mut LinkIndex,
    parsed: &ParsedCache,
    edits: &[BriefingEdit],
    has_findings: &dyn Fn(&Path) -> bool,
) -> Option<Patched> {
    // A briefing on a site with several languages lists the languages it
    // is written in, which other files' names decide: a load knows them.
    let multilingual = site.config.is_multilingual();
    if multilingual || !caches.relations.can_patch(site) || caches.registry.is_none() {
        return None;
    }
    let mut t = crate::Timings::from_env();
    let (old, new) = replace_articles(site, caches, edits, has_findings)?;
    t.lap("  resolve");
    let new_slugs: Vec<ArticleId> = new.iter().map(|(a, _)| a.slug.clone()).collect();
    let new_docs: Vec<Arc<Document<ArticleFrontMatter>>> =
        new.iter().map(|(_, d)| d.clone()).collect();
    let (paths, keys) =
        bodies::relink_articles(index, &site.config, &site.articles, &old, &new_slugs);
    let except: HashSet<PathBuf> = edits.iter().map(|e| e.path.clone()).collect();
    t.lap("  link index");
    let dependents = caches.bodies.stale_bodies(index, &paths, &keys, &except);
    t.lap("  dependents");
    if !dependents.is_empty() {
        // Another body links to an edited briefing (by path, title or
        // slug) and would now render differently: put everything back and
        // decline, rather than render other files' bodies here.
        undo(site, index, old, &new_slugs);
        return None;
    }
    for e in edits.iter().filter(|e| e.doc.is_none()) {
        caches.bodies.forget(&e.path);
    }
    merge_tags(site, &old, &new, parsed);
    t.lap("  tags");
    let mut patched = Patched::default();
    for (slug, doc) in new_slugs.iter().zip(&new_docs) {
        patched
            .bodies
            .push(render_body(site, caches, index, slug, doc));
    }
    t.lap("  bodies");
    patched.touched = patch_relations(site, &mut caches.relations, &old, &new_slugs);
    drop_empty_tags(site, &patched.touched);
    Some(patched)
}

/// A resolved briefing with the document it came from.
type Resolved = (Article, Arc<Document<ArticleFrontMatter>>);

/// Take the edited briefings' old versions out of `site.articles` and put
/// their new ones in. Nothing is changed and `None` comes back if an edit
/// is not one a patch can make.
fn replace_articles(
    site: &mut Site,
    caches: &mut Caches,
    edits: &[BriefingEdit],
    has_findings: &dyn Fn(&Path) -> bool,
) -> Option<(Vec<Article>, Vec<Resolved>)> {
    let old_slugs: Vec<ArticleId> = site
        .articles
        .values()
        .filter(|a| edits.iter().any(|e| e.path == a.source))
        .map(|a| a.slug.clone())
        .collect();
    // An implicit entity that only the old version named would go.
    let implicit = |id: &EntityId| site.entities.get(id).is_none_or(|e| e.source.is_none());
    if old_slugs
        .iter()
        .any(|s| site.articles[s].entities.iter().any(implicit))
    {
        return None;
    }
    for e in edits {
        if site.unpublished.contains_key(&e.path) || has_findings(&e.path) {
            return None;
        }
        if let Some(doc) = &e.doc {
            if !patchable(site, caches.registry.as_ref()?, doc) {
                return None;
            }
        }
    }
    let old: Vec<Article> = old_slugs
        .iter()
        .filter_map(|s| site.articles.remove(s))
        .collect();
    let mut new: Vec<Resolved> = Vec::new();
    for doc in edits.iter().filter_map(|e| e.doc.clone()) {
        match resolve_one(site, caches, &doc) {
            Some(a) => {
                site.articles.insert(a.slug.clone(), a.clone());
                new.push((a, doc));
            }
            None => {
                let slugs: Vec<ArticleId> = new.iter().map(|(a, _)| a.slug.clone()).collect();
                for s in &slugs {
                    site.articles.remove(s);
                }
                site.articles
                    .extend(old.into_iter().map(|a| (a.slug.clone(), a)));
                return None;
            }
        }
    }
    Some((old, new))
}

/// Whether a patch can take this briefing: no findings of its own, not a
/// draft, and every entity it names has a profile (an implicit entity's
/// spelling comes from the first file that names it, which only a full
/// load knows).
fn patchable(site: &Site, registry: &Registry, doc: &Document<ArticleFrontMatter>) -> bool {
    let f = &doc.front;
    if !doc.warnings.is_empty() || f.draft {
        return false;
    }
    let named = [
        (EntityKind::Country, &f.countries),
        (EntityKind::Leader, &f.leaders),
        (EntityKind::Crisis, &f.crises),
    ];
    let profiled = named.iter().all(|(kind, names)| {
        names.iter().all(|n| {
            registry
                .lookup(*kind, n)
                .is_some_and(|id| site.entities.get(id).is_some_and(|e| e.source.is_some()))
        })
    });
    profiled && f.tags.iter().all(|t| !slugify(t).is_empty())
}

/// Resolve one briefing as a full load would, or `None` if that gives any
/// finding. Its tags are not added to the site here; see [`merge_tags`].
fn resolve_one(
    site: &mut Site,
    caches: &mut Caches,
    doc: &Document<ArticleFrontMatter>,
) -> Option<Article> {
    let mut r = Resolver {
        registry: caches.registry.take()?,
        entities: std::mem::take(&mut site.entities),
    };
    let mut diags = Vec::new();
    let mut tags = BTreeMap::new();
    // Only one-language sites are patched (see `patch`): no versions.
    let a = resolve_article(
        &site.config,
        &BTreeMap::new(),
        doc,
        &mut r,
        &mut tags,
        &site.articles,
        &mut diags,
    );
    site.entities = r.entities;
    caches.registry = Some(r.registry);
    a.filter(|_| diags.is_empty())
}

/// Put the article slugs of `new` back out and the `old` versions back in,
/// with the link index as it was.
fn undo(site: &mut Site, index: &mut LinkIndex, old: Vec<Article>, new: &[ArticleId]) {
    let gone: Vec<Article> = new.iter().filter_map(|s| site.articles.remove(s)).collect();
    let back: Vec<ArticleId> = old.iter().map(|a| a.slug.clone()).collect();
    site.articles
        .extend(old.into_iter().map(|a| (a.slug.clone(), a)));
    bodies::relink_articles(index, &site.config, &site.articles, &gone, &back);
}

/// Add the new briefings' tags to the site, each named as a full load
/// names it: as written in the first file, in path order, that has it.
fn merge_tags(site: &mut Site, old: &[Article], new: &[Resolved], parsed: &ParsedCache) {
    let affected: BTreeSet<String> = old
        .iter()
        .flat_map(|a| a.tags.iter())
        .chain(new.iter().flat_map(|(a, _)| a.tags.iter()))
        .cloned()
        .collect();
    let edited: HashMap<&Path, &Document<ArticleFrontMatter>> = new
        .iter()
        .map(|(a, d)| (a.source.as_path(), &**d))
        .collect();
    let tags_of = |p: &Path| -> Option<Vec<String>> {
        match edited.get(p) {
            Some(d) => Some(d.front.tags.clone()),
            None => Some(
                parsed
                    .article(&site.config.site_dir.join(p))?
                    .front
                    .tags
                    .clone(),
            ),
        }
    };
    for slug in affected {
        let mut users: Vec<&Path> = site
            .articles
            .values()
            .filter(|a| a.tags.contains(&slug))
            .map(|a| a.source.as_path())
            .collect();
        users.sort();
        let spelling = users.iter().find_map(|p| {
            tags_of(p)?
                .iter()
                .find(|t| slugify(t) == slug)
                .map(|t| t.trim().to_string())
        });
        if let Some(name) = spelling {
            let tag = site.tags.entry(slug.clone()).or_insert_with(|| Tag {
                slug: slug.clone(),
                name: name.clone(),
                articles: Vec::new(),
            });
            tag.name = name;
        }
    }
}

/// Tags that no briefing has any more are gone, as in a full load.
fn drop_empty_tags(site: &mut Site, touched: &Touched) {
    for slug in &touched.tags {
        if site.tags.get(slug).is_some_and(|t| t.articles.is_empty()) {
            site.tags.remove(slug);
        }
    }
}

/// Render a new briefing's body and put it in; returns its findings.
fn render_body(
    site: &mut Site,
    caches: &mut Caches,
    index: &LinkIndex,
    slug: &ArticleId,
    doc: &Document<ArticleFrontMatter>,
) -> (PathBuf, usize, Vec<Diagnostic>) {
    let a = site.articles.get_mut(slug).expect("new article exists");
    let out = bodies::render_article_now(a, doc, &mut caches.bodies, index);
    (doc.path.clone(), 0, out.diagnostics.clone())
}
