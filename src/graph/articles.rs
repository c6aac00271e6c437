//! Briefings: front matter resolved into articles, their entities and
//! tags looked up (or created) by name.

use super::{
    digest, Article, ArticleFrontMatter, ArticleId, Date, EntityId, EntityKind, Resolver, Source,
    Tag,
};
use crate::config::Config;
use crate::content::{Document, RawContent};
use crate::diagnostics::Diagnostic;
use crate::markdown::Unpublished;
use crate::text::slugify;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// An article's slug: `slug:` from front matter, else the file stem.
pub(super) fn article_slug(doc: &Document<ArticleFrontMatter>) -> String {
    match doc
        .front
        .slug
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => slugify(s),
        None => slugify(&doc.stem()),
    }
}

pub(super) fn resolve_article(
    config: &Config,
    versions: &BTreeMap<PathBuf, Vec<String>>,
    doc: &Document<ArticleFrontMatter>,
    r: &mut Resolver,
    tags: &mut BTreeMap<String, Tag>,
    articles: &BTreeMap<ArticleId, Article>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Article> {
    let f = &doc.front;
    if f.draft && !config.drafts {
        return None;
    }
    // Only this briefing's findings are looked at: counting every error so
    // far, twice per briefing, was quadratic in a site's findings.
    let before = diags.len();
    let title = f.title.trim().to_string();
    if title.is_empty() {
        diags.push(doc.diag_at_key(
            Diagnostic::error("`title` is empty").with_help("give the briefing a title"),
            "title",
            None,
        ));
    }
    let date = parse_date(doc, "date", Some(&f.date), diags);
    let updated = parse_date(doc, "updated", f.updated.as_deref(), diags);
    let slug = article_slug(doc);
    check_slug(doc, &slug, articles, diags);
    let entities = article_entities(doc, r, diags);
    let tag_slugs = article_tags(doc, tags, diags);
    let sources = doc.front.sources.iter().map(Source::from).collect();

    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    // A title and a written summary get the typography the body's text
    // (and a summary taken from it) gets: one rule for a whole card.
    let typeset = |text: &str| match config.site.typographic_quotes {
        true => crate::markdown::typographic(text),
        false => text.trim().to_string(),
    };
    Some(Article {
        slug,
        source: doc.path.clone(),
        title: typeset(&title),
        date: date?,
        updated,
        summary: typeset(f.summary.as_deref().unwrap_or("")),
        body_html: Default::default(),
        headings: Vec::new(),
        entities,
        mentions: Vec::new(),
        anchors: Vec::new(),
        assets: Vec::new(),
        front_matter_digest: digest(&doc.yaml),
        body_line: doc.body_line,
        tags: tag_slugs,
        sources,
        draft: f.draft,
        kind: super::profiles::non_empty(&f.kind),
        extra: f.extra.clone(),
        older: None,
        newer: None,
        related: Vec::new(),
        versions: versions_of(config, doc, versions),
    })
}

/// The languages the briefing's file exists in, its own among them, in
/// the site's order of languages; empty on a site with one.
fn versions_of(
    config: &Config,
    doc: &Document<ArticleFrontMatter>,
    versions: &BTreeMap<PathBuf, Vec<String>>,
) -> Vec<String> {
    if !config.is_multilingual() {
        return Vec::new();
    }
    let base = crate::content::without_language(&doc.path, doc.lang.as_deref());
    let found = versions.get(&base);
    config
        .languages
        .iter()
        .filter(|l| found.is_some_and(|v| v.contains(l)))
        .cloned()
        .collect()
}

/// A date field, or `None` with an error naming the key.
pub(super) fn parse_date<T>(
    doc: &Document<T>,
    key: &str,
    value: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Date> {
    match Date::parse(value?) {
        Ok(d) => Some(d),
        Err(msg) => {
            let diag = Diagnostic::error(format!("`{key}`: {msg}"));
            diags.push(doc.diag_at_key(diag, key, None));
            None
        }
    }
}

/// A slug must have letters or digits, and be the only one of its kind.
fn check_slug(
    doc: &Document<ArticleFrontMatter>,
    slug: &str,
    articles: &BTreeMap<ArticleId, Article>,
    diags: &mut Vec<Diagnostic>,
) {
    if slug.is_empty() {
        diags.push(doc.diag_at_key(
            Diagnostic::error("the briefing has no usable slug: neither `slug` nor the file name has letters or digits")
                .with_help("set `slug: some-words`"),
            "slug",
            None,
        ));
    } else if let Some(other) = articles.get(slug) {
        diags.push(
            doc.diag_at_key(
                Diagnostic::error(format!(
                    "slug `{slug}` is already used by {}",
                    other.source.display()
                ))
                .with_help("give one of them a different `slug:` or file name"),
                "slug",
                None,
            ),
        );
    }
}

/// The entities the front matter names, each once, countries first.
fn article_entities(
    doc: &Document<ArticleFrontMatter>,
    r: &mut Resolver,
    diags: &mut Vec<Diagnostic>,
) -> Vec<EntityId> {
    let f = &doc.front;
    let mut entities = Vec::new();
    for kind in EntityKind::ALL {
        let names = match kind {
            EntityKind::Country => &f.countries,
            EntityKind::Leader => &f.leaders,
            EntityKind::Crisis => &f.crises,
        };
        for name in names {
            if let Some(id) = r.reference(kind, name, doc, kind.article_key(), diags) {
                if !entities.contains(&id) {
                    entities.push(id);
                }
            }
        }
    }

    entities
}

/// The tags' slugs, each once; new tags are added to `tags`.
fn article_tags(
    doc: &Document<ArticleFrontMatter>,
    tags: &mut BTreeMap<String, Tag>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let f = &doc.front;
    let mut tag_slugs = Vec::new();
    for name in &f.tags {
        let slug = slugify(name);
        if slug.is_empty() {
            diags.push(doc.diag_at_key(
                Diagnostic::warning(format!(
                    "tag `{name}` has no letters or digits and was skipped"
                )),
                "tags",
                Some(name),
            ));
            continue;
        }
        tags.entry(slug.clone()).or_insert_with(|| Tag {
            slug: slug.clone(),
            name: name.trim().to_string(),
            articles: Vec::new(),
        });
        if !tag_slugs.contains(&slug) {
            tag_slugs.push(slug);
        }
    }

    tag_slugs
}

/// What resolving the briefings gives: the articles, the documents they
/// came from (for their bodies), the tags, and the files with no page.
pub(super) type Resolved<'a> = (
    BTreeMap<ArticleId, Article>,
    Vec<&'a Document<ArticleFrontMatter>>,
    BTreeMap<String, Tag>,
    BTreeMap<PathBuf, Unpublished>,
);

/// Every briefing, in path order so implicit entities take the spelling of
/// the first file that uses them, whatever the thread count.
pub(super) fn resolve_articles<'a>(
    config: &Config,
    raw: &'a RawContent,
    r: &mut Resolver,
    diags: &mut Vec<Diagnostic>,
) -> Resolved<'a> {
    let mut articles: BTreeMap<ArticleId, Article> = BTreeMap::new();
    let mut article_docs: Vec<&Document<_>> = Vec::new();
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    let mut unpublished: BTreeMap<PathBuf, Unpublished> = raw
        .failed
        .iter()
        .map(|p| (p.clone(), Unpublished::Failed))
        .collect();
    for doc in &raw.articles {
        if let Some(a) = resolve_article(config, &raw.versions, doc, r, &mut tags, &articles, diags)
        {
            articles.insert(a.slug.clone(), a);
            article_docs.push(doc);
        } else if doc.front.draft && !config.drafts {
            unpublished.insert(doc.path.clone(), Unpublished::Draft);
        } else {
            unpublished.insert(doc.path.clone(), Unpublished::Failed);
        }
    }

    (articles, article_docs, tags, unpublished)
}
