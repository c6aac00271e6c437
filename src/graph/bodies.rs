//! The link index that Markdown bodies resolve against: every name,
//! alias, title and path a body may link to.

use super::*;

/// The link index Markdown bodies resolve against. `serve` keeps one to
/// re-render a single edited body.
pub fn link_index(
    config: &Config,
    entities: &BTreeMap<EntityId, Entity>,
    articles: &BTreeMap<ArticleId, Article>,
    unpublished: &BTreeMap<PathBuf, Unpublished>,
) -> LinkIndex {
    let articles_by_path = articles
        .values()
        .map(|a| (a.source.clone(), config.url(&a.path())))
        .collect();
    let mut wiki: HashMap<String, (String, Option<EntityId>)> = HashMap::new();
    let mut names = Vec::new();
    // Countries first, then leaders, then crises, then briefings: when one
    // name means two things, the wikilink goes to the first.
    for kind in EntityKind::ALL {
        for e in entities.values().filter(|e| e.id.kind == kind) {
            let url = config.url(&e.path());
            for key in std::iter::once(&e.name).chain(std::iter::once(&e.id.slug)) {
                wiki.entry(fold(key))
                    .or_insert_with(|| (url.clone(), Some(e.id.clone())));
            }
            names.push((e.name.clone(), e.id.clone(), url));
        }
    }
    // Aliases after every name, so that, as in resolution, a name beats
    // another entity's alias.
    for kind in EntityKind::ALL {
        for e in entities.values().filter(|e| e.id.kind == kind) {
            let url = config.url(&e.path());
            for alias in &e.aliases {
                wiki.entry(fold(alias))
                    .or_insert_with(|| (url.clone(), Some(e.id.clone())));
                names.push((alias.clone(), e.id.clone(), url.clone()));
            }
        }
    }
    let mut seen = HashSet::new();
    names.retain(|(n, _, _)| seen.insert(n.clone()));
    for a in articles.values() {
        let url = config.url(&a.path());
        wiki.entry(fold(&a.title))
            .or_insert_with(|| (url.clone(), None));
        wiki.entry(fold(&a.slug)).or_insert_with(|| (url, None));
    }
    let mut index = LinkIndex::new(config.site.raw_html, articles_by_path, wiki, names);
    index.unpublished = unpublished.clone();
    index
}

/// Render every briefing's body, in parallel against one shared index.
pub(super) fn render_article_bodies(
    articles: &mut BTreeMap<ArticleId, Article>,
    docs: &[&Document<ArticleFrontMatter>],
    index: &LinkIndex,
    diags: &mut Vec<Diagnostic>,
) {
    let rendered: Vec<(ArticleId, markdown::Rendered)> = docs
        .par_iter()
        .map(|doc| {
            let slug = article_slug(doc);
            let a = &articles[&slug];
            let tagged: HashSet<EntityId> = a.entities.iter().cloned().collect();
            let ctx = DocContext {
                path: &doc.path,
                body_line: doc.body_line,
                tagged: &tagged,
            };
            (slug, markdown::render(&doc.body, &ctx, index))
        })
        .collect();
    for (slug, out) in rendered {
        let a = articles.get_mut(&slug).expect("rendered article exists");
        a.body_html = out.html;
        a.heading_ids = out.heading_ids;
        a.mentions = out.mentions;
        a.anchors = out.anchors;
        if a.summary.is_empty() {
            a.summary = out.first_paragraph;
        }
        diags.extend(out.diagnostics);
    }
}

/// Render every profile's body; its summary is the first paragraph.
pub(super) fn render_profile_bodies(
    entities: &mut BTreeMap<EntityId, Entity>,
    bodies: &[ProfileBody],
    index: &LinkIndex,
    diags: &mut Vec<Diagnostic>,
) {
    let rendered: Vec<(EntityId, markdown::Rendered)> = bodies
        .par_iter()
        .map(|(id, path, body, line)| {
            let tagged = profile_relations(&entities[id]);
            let ctx = DocContext {
                path,
                body_line: *line,
                tagged: &tagged,
            };
            (id.clone(), markdown::render(body, &ctx, index))
        })
        .collect();
    for (id, out) in rendered {
        let e = entities.get_mut(&id).expect("rendered profile exists");
        e.body_html = out.html;
        e.summary = out.first_paragraph;
        diags.extend(out.diagnostics);
    }
}
