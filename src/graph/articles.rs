//! Briefings: front matter resolved into articles, their entities and
//! tags looked up (or created) by name.

use super::*;

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
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let title = f.title.trim().to_string();
    if title.is_empty() {
        diags.push(doc.diag_at_key(
            Diagnostic::error("`title` is empty").with_help("give the briefing a title"),
            "title",
            None,
        ));
    }
    let date = match Date::parse(&f.date) {
        Ok(d) => Some(d),
        Err(msg) => {
            diags.push(doc.diag_at_key(Diagnostic::error(format!("`date`: {msg}")), "date", None));
            None
        }
    };
    let updated = match f.updated.as_deref().map(Date::parse) {
        Some(Ok(d)) => Some(d),
        Some(Err(msg)) => {
            diags.push(doc.diag_at_key(
                Diagnostic::error(format!("`updated`: {msg}")),
                "updated",
                None,
            ));
            None
        }
        None => None,
    };
    let slug = article_slug(doc);
    if slug.is_empty() {
        diags.push(doc.diag_at_key(
            Diagnostic::error("the briefing has no usable slug: neither `slug` nor the file name has letters or digits")
                .with_help("set `slug: some-words`"),
            "slug",
            None,
        ));
    } else if let Some(other) = articles.get(&slug) {
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

    let mut sources = Vec::new();
    for s in &f.sources {
        let url = s.url.trim();
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            sources.push(Source {
                name: s.name.trim().to_string(),
                url: url.to_string(),
            });
        } else {
            diags.push(
                doc.diag_at_key(
                    Diagnostic::warning(format!(
                        "source URL `{url}` is not http(s) and was dropped"
                    ))
                    .with_help("link sources with a full http:// or https:// URL"),
                    "sources",
                    Some(url),
                ),
            );
        }
    }

    let errors_after = diags.iter().filter(|d| d.is_error()).count();
    if errors_after > errors_before {
        return None;
    }
    Some(Article {
        slug,
        source: doc.path.clone(),
        title,
        date: date?,
        updated,
        summary: f
            .summary
            .as_deref()
            .map(str::trim)
            .unwrap_or("")
            .to_string(),
        body_html: String::new(),
        heading_ids: Vec::new(),
        entities,
        mentions: Vec::new(),
        anchors: Vec::new(),
        front_matter_digest: digest(&doc.yaml),
        body_line: doc.body_line,
        tags: tag_slugs,
        sources,
        draft: f.draft,
        extra: f.extra.clone(),
        older: None,
        newer: None,
        related: Vec::new(),
    })
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
        if let Some(a) = resolve_article(config, doc, r, &mut tags, &articles, diags) {
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
