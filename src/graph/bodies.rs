//! The link index that Markdown bodies resolve against: every name,
//! alias, title and path a body may link to.

use super::{
    article_slug, profile_relations, Article, ArticleAsset, ArticleFrontMatter, ArticleId, Book,
    BookId, Entity, EntityId, EntityKind, ProfileBody,
};
use crate::config::Config;
use crate::content::frontmatter::BookFrontMatter;
use crate::content::Document;
use crate::diagnostics::Diagnostic;
use crate::markdown;
use crate::markdown::Lookup;
use crate::markdown::{DocContext, LinkIndex, Unpublished};
use crate::text::fold;
use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The link index Markdown bodies resolve against. `serve` keeps one to
/// re-render a single edited body.
pub fn link_index(
    config: &Config,
    entities: &BTreeMap<EntityId, Entity>,
    articles: &BTreeMap<ArticleId, Article>,
    unpublished: &BTreeMap<PathBuf, Unpublished>,
    assets: &BTreeMap<PathBuf, crate::content::AssetFile>,
) -> LinkIndex {
    let articles_by_path = articles
        .values()
        .map(|a| (a.source.clone(), config.url(&a.path())))
        .collect();
    let mut wiki = HashMap::new();
    // The first briefing, in slug order, whose title or slug folds to a key.
    for a in articles.values() {
        let url = config.url(&a.path());
        wiki.entry(fold(&a.title)).or_insert_with(|| url.clone());
        wiki.entry(fold(&a.slug)).or_insert(url);
    }
    let links = entity_links(config, entities);
    let mut index = LinkIndex::new(config.site.raw_html, articles_by_path, wiki, links);
    index.unpublished = unpublished.clone();
    index.assets = assets.clone();
    index.typographic = config.site.typographic_quotes;
    index
}

/// What entities add to the link index: their wikilink keys, and the
/// names and aliases to recognise in prose.
pub(super) fn entity_links(
    config: &Config,
    entities: &BTreeMap<EntityId, Entity>,
) -> markdown::EntityLinks {
    let mut links = markdown::EntityLinks::default();
    // Countries first, then leaders, then crises: when one name means two
    // things, the wikilink goes to the first.
    for kind in EntityKind::ALL {
        for e in entities.values().filter(|e| e.id.kind == kind) {
            let url = config.url(&e.path());
            for key in [&e.name, &e.id.slug] {
                links
                    .wiki
                    .entry(fold(key))
                    .or_insert_with(|| (url.clone(), e.id.clone()));
            }
            links.names.push((e.name.clone(), e.id.clone(), url));
        }
    }
    // Aliases after every name, so that, as in resolution, a name beats
    // another entity's alias.
    for kind in EntityKind::ALL {
        for e in entities.values().filter(|e| e.id.kind == kind) {
            let url = config.url(&e.path());
            for alias in &e.aliases {
                links
                    .wiki
                    .entry(fold(alias))
                    .or_insert_with(|| (url.clone(), e.id.clone()));
                links.names.push((alias.clone(), e.id.clone(), url.clone()));
            }
        }
    }
    let mut seen = HashSet::new();
    links.names.retain(|(n, _, _)| seen.insert(n.clone()));
    links
}

/// Rendered bodies kept by `serve` between loads, by source file. A kept
/// body is used again when its text, place and tagged entities are the
/// same, the link index answers each of its lookups the same, and no name
/// that came or went in the index occurs in it: the same rendering, by
/// construction, without running Markdown.
#[derive(Default)]
pub struct BodyCache {
    /// Off for a one-shot build, which would only pay to fill it.
    enabled: bool,
    entries: HashMap<PathBuf, (u64, Arc<markdown::Rendered>)>,
    next: HashMap<PathBuf, (u64, Arc<markdown::Rendered>)>,
    /// The names every kept body was checked against.
    names: Vec<(String, EntityId, String)>,
    names_digest: u64,
    /// The link index of the last load, for `serve` to render single
    /// bodies against without building it again.
    index: Option<LinkIndex>,
}

/// Whether kept bodies may be used against a new index.
enum Reuse {
    Never,
    /// Yes, unless the body contains one of these names.
    Unless(Option<AhoCorasick>),
}

impl BodyCache {
    pub fn new() -> Self {
        BodyCache {
            enabled: true,
            ..BodyCache::default()
        }
    }

    fn reuse(&self, index: &LinkIndex) -> Reuse {
        if !self.enabled || self.entries.is_empty() {
            return Reuse::Never;
        }
        if index.names_digest == self.names_digest {
            return Reuse::Unless(None);
        }
        let changed = self.changed_names(index);
        if changed.is_empty() {
            // Same names in another order: ties may break differently.
            return Reuse::Never;
        }
        Reuse::Unless(AhoCorasick::new(changed).ok())
    }

    /// The body rendered, kept or fresh, with the key to keep it under.
    fn render(
        &self,
        body: &str,
        ctx: &DocContext,
        index: &LinkIndex,
        reuse: &Reuse,
    ) -> (u64, Arc<markdown::Rendered>) {
        if !self.enabled {
            return (0, Arc::new(markdown::render(body, ctx, index)));
        }
        let key = body_key(body, ctx, index);
        if let (Reuse::Unless(names), Some((k, kept))) = (reuse, self.entries.get(ctx.path)) {
            let same_answers = kept.lookups.iter().all(|(l, a)| index.answer(l) == *a);
            let no_new_name = names.as_ref().is_none_or(|n| !n.is_match(body));
            if *k == key && same_answers && no_new_name {
                return (key, kept.clone());
            }
        }
        (key, Arc::new(markdown::render(body, ctx, index)))
    }

    fn keep(&mut self, path: &Path, key: u64, out: &Arc<markdown::Rendered>) {
        if self.enabled {
            self.next.insert(path.to_path_buf(), (key, out.clone()));
        }
    }

    /// Keep the load's link index (when the cache is on).
    pub(super) fn keep_index(&mut self, index: LinkIndex) {
        if self.enabled {
            self.index = Some(index);
        }
    }

    /// The link index the last load built, once.
    pub fn take_index(&mut self) -> Option<LinkIndex> {
        self.index.take()
    }

    /// Render one body afresh and keep it at once: for a patch, which
    /// changes a few bodies of the last load rather than making a new one.
    pub(super) fn render_now(
        &mut self,
        body: &str,
        ctx: &DocContext,
        index: &LinkIndex,
    ) -> Arc<markdown::Rendered> {
        let (key, out) = self.render(body, ctx, index, &Reuse::Never);
        if self.enabled {
            self.entries
                .insert(ctx.path.to_path_buf(), (key, out.clone()));
        }
        out
    }

    /// Note that every kept body now agrees with `index`'s names: a patch
    /// has rendered again those that mention a name that came or went.
    pub(super) fn checked_names(&mut self, index: &LinkIndex) {
        if self.enabled {
            self.names = index.mention_names().to_vec();
            self.names_digest = index.names_digest;
        }
    }

    /// What rendering each kept body found: a load's body-phase findings.
    pub fn findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.entries
            .values()
            .flat_map(|(_, out)| out.diagnostics.iter())
    }

    /// The files whose bodies are kept.
    pub(super) fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.entries.keys()
    }

    /// The names that came or went between the names the kept bodies were
    /// checked against and `index`'s.
    pub(super) fn changed_names(&self, index: &LinkIndex) -> Vec<String> {
        let old: HashSet<&(String, EntityId, String)> = self.names.iter().collect();
        let new: HashSet<&(String, EntityId, String)> = index.mention_names().iter().collect();
        old.symmetric_difference(&new)
            .map(|(n, _, _)| n.clone())
            .collect()
    }

    /// Drop the kept body of a file that is gone.
    pub(super) fn forget(&mut self, path: &Path) {
        self.entries.remove(path);
    }

    /// The kept bodies, other than those at `except`, that would render
    /// differently now: those whose answer to a lookup of one of `paths`
    /// or `keys`, or to a wikilink that matched nothing, has changed.
    pub(super) fn stale_bodies(
        &self,
        index: &LinkIndex,
        paths: &HashSet<PathBuf>,
        keys: &HashSet<String>,
        except: &HashSet<PathBuf>,
    ) -> Vec<PathBuf> {
        let may_change = |l: &Lookup| match l {
            Lookup::Path(p) => paths.contains(p),
            Lookup::Wiki(k) => keys.contains(k) || index.wiki(k).is_none(),
            Lookup::Asset(_) => false,
        };
        self.entries
            .par_iter()
            .filter(|(path, _)| !except.contains(*path))
            .filter(|(_, (_, kept))| {
                kept.lookups
                    .iter()
                    .any(|(l, a)| may_change(l) && index.answer(l) != *a)
            })
            .map(|(path, _)| path.clone())
            .collect()
    }

    /// Every body of this load is kept; the rest are dropped.
    fn finish(&mut self, index: &LinkIndex) {
        if self.enabled {
            self.entries = std::mem::take(&mut self.next);
            self.names = index.mention_names().to_vec();
            self.names_digest = index.names_digest;
        }
    }
}

/// What a body's rendering depends on besides the link index's answers:
/// its text and place, the site's rendering switches, and its tags.
fn body_key(body: &str, ctx: &DocContext, index: &LinkIndex) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    body.hash(&mut h);
    ctx.body_line.hash(&mut h);
    (index.raw_html, index.typographic).hash(&mut h);
    let mut tagged: Vec<&EntityId> = ctx.tagged.iter().collect();
    tagged.sort();
    tagged.hash(&mut h);
    h.finish()
}

/// A rendered body with the key it is kept under.
type Keyed = (u64, Arc<markdown::Rendered>);

/// What a load renders bodies into.
pub(super) struct Documents<'a> {
    pub articles: &'a mut BTreeMap<ArticleId, Article>,
    pub entities: &'a mut BTreeMap<EntityId, Entity>,
    pub books: &'a mut BTreeMap<BookId, Book>,
}

/// Briefings' Markdown taken out of the parsed documents that nothing
/// else holds (a build's; serve's cache shares its own), by path, so each
/// is freed as soon as its body is rendered. At 100,000 briefings every
/// body's Markdown held beside every body's HTML was the build's peak.
pub(super) fn take_article_bodies(
    docs: &mut [Arc<Document<ArticleFrontMatter>>],
) -> HashMap<PathBuf, String> {
    docs.iter_mut()
        .filter_map(Arc::get_mut)
        .map(|d| (d.path.clone(), std::mem::take(&mut d.body)))
        .collect()
}

/// Render every body: briefings', then profiles', then books'. Kept
/// bodies are used where `cache` allows. A briefing whose Markdown is in
/// `taken` renders from there, and its Markdown is dropped once rendered.
#[allow(clippy::too_many_arguments)]
pub(super) fn render_bodies(
    into: Documents,
    docs: &[&Document<ArticleFrontMatter>],
    taken: HashMap<PathBuf, String>,
    profiles: &[ProfileBody],
    books: &[&Document<BookFrontMatter>],
    index: &LinkIndex,
    cache: &mut BodyCache,
    diags: &mut Vec<Diagnostic>,
) {
    let reuse = cache.reuse(index);
    render_article_bodies(into.articles, docs, taken, index, cache, &reuse, diags);
    render_profile_bodies(into.entities, profiles, index, cache, &reuse, diags);
    render_book_bodies(into.books, books, index, cache, &reuse, diags);
    cache.finish(index);
}

/// Render every book's body. Books are few: one at a time.
fn render_book_bodies(
    books: &mut BTreeMap<BookId, Book>,
    docs: &[&Document<BookFrontMatter>],
    index: &LinkIndex,
    cache: &mut BodyCache,
    reuse: &Reuse,
    diags: &mut Vec<Diagnostic>,
) {
    for doc in docs {
        let Some(b) = books.get_mut(&super::books::book_slug(doc)) else {
            continue;
        };
        let tagged: HashSet<EntityId> = b.entities().cloned().collect();
        let ctx = DocContext {
            path: &doc.path,
            body_line: doc.body_line,
            tagged: &tagged,
        };
        let (key, out) = cache.render(&doc.body, &ctx, index, reuse);
        cache.keep(&doc.path, key, &out);
        set_book_body(b, &out, doc.front.summary.as_deref());
        diags.extend(out.diagnostics.iter().cloned());
    }
}

/// Render a book's body afresh, keep it and put it into the book: what a
/// patch does for each book body it changes.
pub(super) fn render_book_now(
    b: &mut Book,
    doc: &Document<BookFrontMatter>,
    cache: &mut BodyCache,
    index: &LinkIndex,
) -> Arc<markdown::Rendered> {
    let tagged: HashSet<EntityId> = b.entities().cloned().collect();
    let ctx = DocContext {
        path: &doc.path,
        body_line: doc.body_line,
        tagged: &tagged,
    };
    let out = cache.render_now(&doc.body, &ctx, index);
    set_book_body(b, &out, doc.front.summary.as_deref());
    out
}

/// Put a rendered body into its book; the summary too when the front
/// matter gives none.
pub(super) fn set_book_body(b: &mut Book, out: &markdown::Rendered, summary: Option<&str>) {
    b.body_html = out.html.clone();
    b.headings = out.headings.clone();
    b.mentions = out.mentions.clone();
    b.anchors = out.anchors.clone();
    if summary.is_none_or(|s| s.trim().is_empty()) {
        b.summary = out.first_paragraph.clone();
    }
}

/// Render every briefing's body, in parallel against one shared index.
fn render_article_bodies(
    articles: &mut BTreeMap<ArticleId, Article>,
    docs: &[&Document<ArticleFrontMatter>],
    mut taken: HashMap<PathBuf, String>,
    index: &LinkIndex,
    cache: &mut BodyCache,
    reuse: &Reuse,
    diags: &mut Vec<Diagnostic>,
) {
    let owned: Vec<Option<String>> = docs.iter().map(|d| taken.remove(&d.path)).collect();
    drop(taken);
    let rendered: Vec<(ArticleId, &Path, Keyed)> = docs
        .par_iter()
        .zip(owned)
        .map(|(doc, owned)| {
            let slug = article_slug(doc);
            let a = &articles[&slug];
            let tagged: HashSet<EntityId> = a.entities.iter().cloned().collect();
            let ctx = DocContext {
                path: &doc.path,
                body_line: doc.body_line,
                tagged: &tagged,
            };
            let out = cache.render(owned.as_deref().unwrap_or(&doc.body), &ctx, index, reuse);
            (slug, doc.path.as_path(), out)
        })
        .collect();
    for (slug, path, (key, out)) in rendered {
        cache.keep(path, key, &out);
        let a = articles.get_mut(&slug).expect("rendered article exists");
        let from_body = a.summary.is_empty();
        set_article_body(a, &out, index, from_body);
        diags.extend(out.diagnostics.iter().cloned());
    }
}

/// Render a briefing's body afresh from its document, keep it, and put it
/// into the briefing: what a patch does for each body it changes.
pub(super) fn render_article_now(
    a: &mut Article,
    doc: &Document<ArticleFrontMatter>,
    cache: &mut BodyCache,
    index: &LinkIndex,
) -> Arc<markdown::Rendered> {
    let out = render_kept(a, doc, cache, index);
    set_article_body(a, &out, index, summary_from_body(doc));
    out
}

/// Render an edited briefing's body afresh and keep it, with the links it
/// looked up: the one way a body is rendered outside a load, shared by the
/// patches and by `serve`'s body-only edit, so that a later edit elsewhere
/// knows which bodies link to what it changed.
pub fn render_edited_body(
    a: &Article,
    doc: &Document<ArticleFrontMatter>,
    caches: &mut super::Caches,
    index: &LinkIndex,
) -> Arc<markdown::Rendered> {
    render_kept(a, doc, &mut caches.bodies, index)
}

fn render_kept(
    a: &Article,
    doc: &Document<ArticleFrontMatter>,
    cache: &mut BodyCache,
    index: &LinkIndex,
) -> Arc<markdown::Rendered> {
    let tagged: HashSet<EntityId> = a.entities.iter().cloned().collect();
    let ctx = DocContext {
        path: &doc.path,
        body_line: doc.body_line,
        tagged: &tagged,
    };
    cache.render_now(&doc.body, &ctx, index)
}

/// Whether a briefing's summary is its body's first paragraph.
pub fn summary_from_body(doc: &Document<ArticleFrontMatter>) -> bool {
    doc.front
        .summary
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
}

/// Put a rendered body into its briefing; the summary too if it is the
/// body's first paragraph. Field by field, leaving the cache's copy whole:
/// the HTML is shared, and the body's lookups, the largest part, stay
/// behind.
pub fn set_article_body(
    a: &mut Article,
    out: &markdown::Rendered,
    index: &LinkIndex,
    summary_from_body: bool,
) {
    a.body_html = out.html.clone();
    a.headings = out.headings.clone();
    a.mentions = out.mentions.clone();
    a.anchors = out.anchors.clone();
    a.assets = article_assets(&out.assets, index);
    if summary_from_body {
        a.summary = out.first_paragraph.clone();
    }
}

/// The files a body shows or links to, each once, with their stamps.
pub fn article_assets(named: &[(PathBuf, String)], index: &LinkIndex) -> Vec<ArticleAsset> {
    let mut out: Vec<ArticleAsset> = Vec::new();
    for (source, name) in named {
        if out.iter().all(|a| &a.name != name) {
            out.push(ArticleAsset {
                source: source.clone(),
                name: name.clone(),
                stamp: index.assets.get(source).map_or(0, |f| f.stamp),
            });
        }
    }
    out
}

/// Render every profile's body; its summary is the first paragraph.
fn render_profile_bodies(
    entities: &mut BTreeMap<EntityId, Entity>,
    bodies: &[ProfileBody],
    index: &LinkIndex,
    cache: &mut BodyCache,
    reuse: &Reuse,
    diags: &mut Vec<Diagnostic>,
) {
    let rendered: Vec<(EntityId, &Path, Keyed)> = bodies
        .par_iter()
        .map(|(id, path, body, line)| {
            let tagged = profile_relations(&entities[id]);
            let ctx = DocContext {
                path,
                body_line: *line,
                tagged: &tagged,
            };
            (id.clone(), *path, cache.render(body, &ctx, index, reuse))
        })
        .collect();
    for (id, path, (key, out)) in rendered {
        cache.keep(path, key, &out);
        let e = entities.get_mut(&id).expect("rendered profile exists");
        e.body_html = out.html.clone();
        e.summary = out.first_paragraph.clone();
        diags.extend(out.diagnostics.iter().cloned());
    }
}

/// Bring the link index up to date after some briefings changed (`old`
/// versions out, `new` slugs in, as [`super::patch`] does): their paths,
/// and the wikilink keys of their titles and slugs. Returns the paths and
/// keys whose answers may have changed.
pub(super) fn relink_articles(
    index: &mut LinkIndex,
    config: &Config,
    articles: &BTreeMap<ArticleId, Article>,
    old: &[Article],
    new: &[ArticleId],
) -> (HashSet<PathBuf>, HashSet<String>) {
    let mut paths = HashSet::new();
    let mut keys = HashSet::new();
    for a in old {
        index.articles_by_path.remove(&a.source);
        paths.insert(a.source.clone());
        keys.extend([fold(&a.title), fold(&a.slug)]);
    }
    for slug in new {
        let a = &articles[slug];
        index
            .articles_by_path
            .insert(a.source.clone(), config.url(&a.path()));
        paths.insert(a.source.clone());
        keys.extend([fold(&a.title), fold(&a.slug)]);
    }
    // Each key goes to the first briefing, in slug order, whose title or
    // slug folds to it, as `link_index` does.
    let mut owners: HashMap<&String, String> = HashMap::new();
    for a in articles.values() {
        if owners.len() == keys.len() {
            break;
        }
        for key in [fold(&a.title), fold(&a.slug)] {
            if let Some(k) = keys.get(&key) {
                owners.entry(k).or_insert_with(|| config.url(&a.path()));
            }
        }
    }
    for k in &keys {
        match owners.remove(k) {
            Some(url) => index.wiki_articles.insert(k.clone(), url),
            None => index.wiki_articles.remove(k),
        };
    }
    (paths, keys)
}
