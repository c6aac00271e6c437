//! Entity resolution: turns raw documents into the site graph. Articles,
//! countries, leaders, crises and tags live in maps keyed by stable ids and
//! refer to each other by id, never by pointer.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::frontmatter::{ArticleFrontMatter, Date, Extra, PartialDate};
pub use crate::content::EntityKind;
use crate::content::{Document, RawContent};
use crate::diagnostics::{nearest, Diagnostic};
use crate::markdown::{self, DocContext, LinkIndex, Unpublished};
use crate::text::{fold, slugify};

/// An article's id is its slug, unique across the site.
pub type ArticleId = String;

pub use crate::content::EntityId;

#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct Article {
    pub slug: ArticleId,
    pub source: PathBuf,
    pub title: String,
    pub date: Date,
    pub updated: Option<Date>,
    pub summary: String,
    pub body_html: String,
    pub heading_ids: Vec<String>,
    /// Entities named in front matter, in the order written, per kind.
    pub entities: Vec<EntityId>,
    /// Entities mentioned in the prose, tagged or not, with the line of the
    /// first mention.
    pub mentions: Vec<(EntityId, usize)>,
    /// Links to headings, checked by `briefing check`.
    pub anchors: Vec<markdown::Anchor>,
    /// A digest of the raw front matter: when an edit leaves it alone, only
    /// the body can have changed.
    pub front_matter_digest: u64,
    /// 1-based line where the body starts in the source file.
    pub body_line: usize,
    /// Tag slugs.
    pub tags: Vec<String>,
    pub sources: Vec<Source>,
    pub draft: bool,
    pub extra: Extra,
    /// Neighbours in time: the next older and next newer briefing.
    pub older: Option<ArticleId>,
    pub newer: Option<ArticleId>,
    /// Briefings sharing the most entities, best first.
    pub related: Vec<ArticleId>,
}

impl Article {
    pub fn path(&self) -> String {
        format!("articles/{}/", self.slug)
    }

    pub fn entities_of(&self, kind: EntityKind) -> impl Iterator<Item = &EntityId> {
        self.entities.iter().filter(move |e| e.kind == kind)
    }

    /// The date a reader should see as "last changed".
    pub fn last_modified(&self) -> Date {
        self.updated.unwrap_or(self.date)
    }
}

#[derive(Debug, Clone)]
pub struct Entity {
    pub id: EntityId,
    pub name: String,
    pub aliases: Vec<String>,
    /// The profile file, or `None` for a name that briefings use but that has
    /// no profile yet.
    pub source: Option<PathBuf>,
    pub body_html: String,
    pub summary: String,
    pub extra: Extra,
    pub details: Details,
    /// Briefings naming this entity, newest first.
    pub articles: Vec<ArticleId>,
}

#[derive(Debug, Clone)]
pub enum Details {
    Country(Country),
    Leader(Leader),
    Crisis(Crisis),
}

#[derive(Debug, Clone, Default)]
pub struct Country {
    pub iso: Option<String>,
    pub region: Option<String>,
    pub capital: Option<String>,
    /// Leaders whose `country` is this one.
    pub leaders: Vec<EntityId>,
    /// Crises involving this country.
    pub crises: Vec<EntityId>,
}

#[derive(Debug, Clone, Default)]
pub struct Leader {
    pub country: Option<EntityId>,
    pub office: Option<String>,
    pub term_from: Option<PartialDate>,
    pub term_to: Option<PartialDate>,
    /// Crises named in the same briefings, most shared first.
    pub crises: Vec<EntityId>,
    /// Leaders named in the same briefings, most shared first.
    pub peers: Vec<EntityId>,
}

#[derive(Debug, Clone, Default)]
pub struct Crisis {
    pub status: Option<String>,
    pub started: Option<PartialDate>,
    pub ended: Option<PartialDate>,
    /// The countries the profile lists, then those named beside it in briefings.
    pub countries: Vec<EntityId>,
    /// Leaders named in its briefings, most shared first.
    pub leaders: Vec<EntityId>,
}

impl Crisis {
    pub fn is_active(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("active"))
    }
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub slug: String,
    pub name: String,
    /// Newest first.
    pub articles: Vec<ArticleId>,
}

impl Tag {
    pub fn path(&self) -> String {
        format!("tags/{}/", self.slug)
    }
}

/// The whole resolved site: everything the renderer needs.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub articles: BTreeMap<ArticleId, Article>,
    /// Article ids, newest first.
    pub timeline: Vec<ArticleId>,
    pub entities: BTreeMap<EntityId, Entity>,
    pub tags: BTreeMap<String, Tag>,
    /// Briefing files that are not published, and why: links to them say so.
    pub unpublished: BTreeMap<PathBuf, Unpublished>,
}

impl Site {
    pub fn entities_of(&self, kind: EntityKind) -> impl Iterator<Item = &Entity> {
        self.entities.values().filter(move |e| e.id.kind == kind)
    }

    pub fn url(&self, path: &str) -> String {
        self.config.url(path)
    }
}

/// Names and aliases of entities, folded, so references match across case
/// and accents.
#[derive(Default)]
struct Registry {
    keys: HashMap<(EntityKind, String), EntityId>,
    /// Folded keys that belong to profiles, with the profile's display name,
    /// for "did you mean" hints.
    profile_keys: Vec<(EntityKind, String, String)>,
}

struct Resolver {
    registry: Registry,
    entities: BTreeMap<EntityId, Entity>,
}

enum Reference {
    Found(EntityId),
    /// No profile: a page is made from the name. Carries the nearest profile
    /// name when the reference looks like a typo of it.
    Implicit(EntityId, Option<String>),
}

impl Resolver {
    fn register(
        &mut self,
        id: &EntityId,
        key: &str,
        profile_name: Option<&str>,
    ) -> Option<EntityId> {
        let folded = fold(key);
        if folded.is_empty() {
            return None;
        }
        if let Some(name) = profile_name {
            self.registry
                .profile_keys
                .push((id.kind, folded.clone(), name.to_string()));
        }
        match self.registry.keys.get(&(id.kind, folded.clone())) {
            Some(existing) if existing != id => Some(existing.clone()),
            Some(_) => None,
            None => {
                self.registry.keys.insert((id.kind, folded), id.clone());
                None
            }
        }
    }

    fn resolve(&mut self, kind: EntityKind, name: &str) -> Result<Reference, Diagnostic> {
        let name = name.trim();
        let folded = fold(name);
        if folded.is_empty() {
            return Err(Diagnostic::error(format!(
                "`{name}` is not a usable {} name: it has no letters or digits",
                kind.noun()
            )));
        }
        let near = || {
            let candidates = self
                .registry
                .profile_keys
                .iter()
                .filter(|(k, _, _)| *k == kind)
                .map(|(_, key, _)| key.as_str());
            nearest(&folded, candidates).and_then(|key| {
                self.registry
                    .profile_keys
                    .iter()
                    .find(|(k, f, _)| *k == kind && f == key)
                    .map(|(_, _, n)| n.clone())
            })
        };
        if let Some(id) = self.registry.keys.get(&(kind, folded.clone())) {
            return Ok(if self.entities[id].source.is_some() {
                Reference::Found(id.clone())
            } else {
                Reference::Implicit(id.clone(), near())
            });
        }
        let id = EntityId::new(kind, folded.clone());
        let suggestion = near();
        self.registry.keys.insert((kind, folded), id.clone());
        self.entities
            .insert(id.clone(), Entity::implicit(id.clone(), name));
        Ok(Reference::Implicit(id, suggestion))
    }

    /// Resolve a reference written in `doc`'s front matter under `key`,
    /// reporting near misses at the line where it is written.
    fn reference<T>(
        &mut self,
        kind: EntityKind,
        name: &str,
        doc: &Document<T>,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<EntityId> {
        match self.resolve(kind, name) {
            Ok(Reference::Found(id)) => Some(id),
            Ok(Reference::Implicit(id, near)) => {
                if let Some(near) = near {
                    diags.push(doc.diag_at_key(
                        Diagnostic::warning(format!(
                            "`{name}` matches no {} profile; did you mean {near}?",
                            kind.noun()
                        ))
                        .with_help(format!(
                            "fix the spelling, or add `{name}` to the aliases of {near}; without a fix it gets a page of its own"
                        )),
                        key,
                        Some(name),
                    ));
                }
                Some(id)
            }
            Err(d) => {
                diags.push(doc.diag_at_key(d, key, Some(name)));
                None
            }
        }
    }
}

impl Entity {
    fn implicit(id: EntityId, name: &str) -> Entity {
        let details = match id.kind {
            EntityKind::Country => Details::Country(Country::default()),
            EntityKind::Leader => Details::Leader(Leader::default()),
            EntityKind::Crisis => Details::Crisis(Crisis::default()),
        };
        Entity {
            id,
            name: name.to_string(),
            aliases: Vec::new(),
            source: None,
            body_html: String::new(),
            summary: String::new(),
            extra: Extra::new(),
            details,
            articles: Vec::new(),
        }
    }

    pub fn path(&self) -> String {
        self.id.path()
    }

    /// The entities its page links as relations: a country's leaders and
    /// crises; a leader's country, crises and peers; a crisis's countries
    /// and leaders.
    pub fn related(&self) -> Vec<&EntityId> {
        match &self.details {
            Details::Country(c) => c.leaders.iter().chain(&c.crises).collect(),
            Details::Leader(l) => l.country.iter().chain(&l.crises).chain(&l.peers).collect(),
            Details::Crisis(c) => c.countries.iter().chain(&c.leaders).collect(),
        }
    }
}

/// A profile's slug is its file stem; a stem that is not already a slug is
/// turned into one, with a warning so URLs never surprise.
fn profile_id<T>(
    kind: EntityKind,
    doc: &Document<T>,
    diags: &mut Vec<Diagnostic>,
) -> Option<EntityId> {
    let stem = doc.stem();
    let slug = slugify(&stem);
    if slug.is_empty() {
        diags.push(
            Diagnostic::error("the file name has no letters or digits to make a URL from")
                .in_file(&doc.path)
                .with_help("rename the file, e.g. `kenya.md`"),
        );
        return None;
    }
    if slug != stem {
        diags.push(
            Diagnostic::warning(format!(
                "file name `{stem}` is not a URL slug; the page will be at `{slug}`"
            ))
            .in_file(&doc.path)
            .with_help(format!("rename the file to `{slug}.md`")),
        );
    }
    Some(EntityId::new(kind, slug))
}

fn parse_partial<T>(
    doc: &Document<T>,
    key: &str,
    value: &Option<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<PartialDate> {
    let v = value.as_deref()?.trim();
    if v.is_empty() || v.eq_ignore_ascii_case("present") {
        return None;
    }
    match PartialDate::parse(v) {
        Ok(d) => Some(d),
        Err(msg) => {
            diags.push(doc.diag_at_key(Diagnostic::error(format!("`{key}`: {msg}")), key, None));
            None
        }
    }
}

fn require_name<T>(doc: &Document<T>, name: &str, diags: &mut Vec<Diagnostic>) -> bool {
    if name.trim().is_empty() {
        diags.push(
            doc.diag_at_key(
                Diagnostic::error("`name` is empty")
                    .with_help("give the profile a name, e.g. `name: Kenya`"),
                "name",
                None,
            ),
        );
        false
    } else {
        true
    }
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// What every profile's front matter has.
trait ProfileFront {
    fn name(&self) -> &str;
    fn aliases(&self) -> &[String];
    fn extra(&self) -> &Extra;
}

macro_rules! profile_front {
    ($($t:ty),*) => {$(
        impl ProfileFront for $t {
            fn name(&self) -> &str {
                &self.name
            }
            fn aliases(&self) -> &[String] {
                &self.aliases
            }
            fn extra(&self) -> &Extra {
                &self.extra
            }
        }
    )*};
}

profile_front!(
    crate::content::frontmatter::CountryFrontMatter,
    crate::content::frontmatter::LeaderFrontMatter,
    crate::content::frontmatter::CrisisFrontMatter
);

/// Add one kind's profiles to the resolver: the shared fields here, the
/// kind's own through `details`. Bodies are queued for rendering later.
fn add_profiles<'a, T: ProfileFront>(
    r: &mut Resolver,
    kind: EntityKind,
    docs: &'a [Document<T>],
    diags: &mut Vec<Diagnostic>,
    bodies: &mut Vec<(EntityId, &'a Path, &'a str, usize)>,
    details: impl Fn(&Document<T>, &mut Vec<Diagnostic>) -> Details,
) {
    let ids: Vec<Option<EntityId>> = docs.iter().map(|d| profile_id(kind, d, diags)).collect();
    let mut files_by_id: BTreeMap<&EntityId, Vec<&Path>> = BTreeMap::new();
    for (id, doc) in ids.iter().zip(docs) {
        if let Some(id) = id {
            files_by_id.entry(id).or_default().push(&doc.path);
        }
    }
    for (doc, id) in docs.iter().zip(&ids) {
        let f = &doc.front;
        let Some(id) = id.clone() else {
            continue;
        };
        let files = &files_by_id[&id];
        if files.len() > 1 {
            // `Sudan.md` and `sudan.md`, or `abiy_ahmed.md` and
            // `abiy-ahmed.md`: one page, so every file is named.
            let all: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
            diags.push(
                Diagnostic::error(format!(
                    "{} files make the {} page `{}`: {}",
                    files.len(),
                    kind.noun(),
                    id.slug,
                    all.join(", ")
                ))
                .in_file(&doc.path)
                .with_help("keep one profile per entity: merge them, or rename one"),
            );
            continue;
        }
        if !require_name(doc, f.name(), diags) {
            continue;
        }
        let entity = Entity {
            id: id.clone(),
            name: f.name().trim().to_string(),
            aliases: f
                .aliases()
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            source: Some(doc.path.clone()),
            body_html: String::new(),
            summary: String::new(),
            extra: f.extra().clone(),
            details: details(doc, diags),
            articles: Vec::new(),
        };
        r.entities.insert(id.clone(), entity);
        bodies.push((id, &doc.path, &doc.body, doc.body_line));
    }
}

/// Resolve the raw content into the site graph. Problems are pushed onto
/// `diags`; the caller decides whether they stop the build.
pub fn resolve(config: Config, raw: RawContent, diags: &mut Vec<Diagnostic>) -> Site {
    let mut r = Resolver {
        registry: Registry::default(),
        entities: BTreeMap::new(),
    };
    // Profile bodies, rendered once every name is known.
    let mut profile_bodies: Vec<(EntityId, &Path, &str, usize)> = Vec::new();
    add_profiles(
        &mut r,
        EntityKind::Country,
        &raw.countries,
        diags,
        &mut profile_bodies,
        |doc, diags| {
            let f = &doc.front;
            let iso = non_empty(&f.iso).map(|iso| iso.to_ascii_uppercase());
            if let Some(code) = &iso {
                if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
                    diags.push(
                        doc.diag_at_key(
                            Diagnostic::error(format!(
                                "`iso: {code}` is not an ISO 3166-1 alpha-2 code"
                            ))
                            .with_help("use the two-letter code, e.g. `iso: KE` for Kenya"),
                            "iso",
                            None,
                        ),
                    );
                }
            }
            Details::Country(Country {
                iso,
                region: non_empty(&f.region),
                capital: non_empty(&f.capital),
                ..Country::default()
            })
        },
    );
    add_profiles(
        &mut r,
        EntityKind::Leader,
        &raw.leaders,
        diags,
        &mut profile_bodies,
        |doc, diags| {
            let f = &doc.front;
            let (term_from, term_to) = match &f.term {
                Some(t) => (
                    parse_partial(doc, "from", &t.from, diags),
                    parse_partial(doc, "to", &t.to, diags),
                ),
                None => (None, None),
            };
            Details::Leader(Leader {
                office: non_empty(&f.office),
                term_from,
                term_to,
                ..Leader::default()
            })
        },
    );
    add_profiles(
        &mut r,
        EntityKind::Crisis,
        &raw.crises,
        diags,
        &mut profile_bodies,
        |doc, diags| {
            let f = &doc.front;
            Details::Crisis(Crisis {
                status: non_empty(&f.status).map(|s| s.to_lowercase()),
                started: parse_partial(doc, "started", &f.started, diags),
                ended: parse_partial(doc, "ended", &f.ended, diags),
                ..Crisis::default()
            })
        },
    );

    // Register every profile's slug, name and aliases before resolving any
    // reference, so resolution does not depend on file order.
    // Slugs and names first, aliases after: a profile's own name always
    // wins over another profile's alias.
    let mut keys: Vec<(EntityId, String, String, PathBuf)> = Vec::new();
    for aliases in [false, true] {
        for e in r.entities.values() {
            let names = if aliases {
                e.aliases.clone()
            } else {
                vec![e.id.slug.clone(), e.name.clone()]
            };
            for key in names {
                keys.push((
                    e.id.clone(),
                    key,
                    e.name.clone(),
                    e.source.clone().unwrap_or_default(),
                ));
            }
        }
    }
    for (id, key, display, path) in &keys {
        if let Some(other) = r.register(id, key, Some(display)) {
            let other_name = r.entities[&other].name.clone();
            diags.push(
                Diagnostic::warning(format!(
                    "`{key}` names both {other_name} and {display}; references to it go to {other_name}"
                ))
                .in_file(path)
                .with_help("remove the alias from one of the two profiles"),
            );
        }
    }

    // Relations written in profiles.
    for doc in &raw.leaders {
        let Some(country) = &doc.front.country else {
            continue;
        };
        let id = EntityId::new(EntityKind::Leader, slugify(&doc.stem()));
        if !r.entities.contains_key(&id) {
            continue;
        }
        let country = r.reference(EntityKind::Country, country, doc, "country", diags);
        if let Some(Details::Leader(l)) = r.entities.get_mut(&id).map(|e| &mut e.details) {
            l.country = country;
        }
    }
    for doc in &raw.crises {
        let id = EntityId::new(EntityKind::Crisis, slugify(&doc.stem()));
        if !r.entities.contains_key(&id) {
            continue;
        }
        let mut countries = Vec::new();
        for name in &doc.front.countries {
            if let Some(c) = r.reference(EntityKind::Country, name, doc, "countries", diags) {
                if !countries.contains(&c) {
                    countries.push(c);
                }
            }
        }
        if let Some(Details::Crisis(c)) = r.entities.get_mut(&id).map(|e| &mut e.details) {
            c.countries = countries;
        }
    }

    // Articles, in path order so implicit entities take the spelling of the
    // first file that uses them, whatever the thread count.
    let mut articles: BTreeMap<ArticleId, Article> = BTreeMap::new();
    let mut article_docs: Vec<&Document<_>> = Vec::new();
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    let mut unpublished: BTreeMap<PathBuf, Unpublished> = raw
        .failed
        .iter()
        .map(|p| (p.clone(), Unpublished::Failed))
        .collect();
    for doc in &raw.articles {
        if let Some(a) = resolve_article(&config, doc, &mut r, &mut tags, &articles, diags) {
            articles.insert(a.slug.clone(), a);
            article_docs.push(doc);
        } else if doc.front.draft && !config.drafts {
            unpublished.insert(doc.path.clone(), Unpublished::Draft);
        } else {
            unpublished.insert(doc.path.clone(), Unpublished::Failed);
        }
    }

    // Markdown, rendered in parallel against one shared link index.
    let index = link_index(&config, &r.entities, &articles, &unpublished);
    let rendered: Vec<(ArticleId, markdown::Rendered)> = article_docs
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
            (slug, markdown::render(&doc.body, &ctx, &index))
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
    let rendered: Vec<(EntityId, markdown::Rendered)> = profile_bodies
        .par_iter()
        .map(|(id, path, body, line)| {
            let tagged = profile_relations(&r.entities[id]);
            let ctx = DocContext {
                path,
                body_line: *line,
                tagged: &tagged,
            };
            (id.clone(), markdown::render(body, &ctx, &index))
        })
        .collect();
    for (id, out) in rendered {
        let e = r.entities.get_mut(&id).expect("rendered profile exists");
        e.body_html = out.html;
        e.summary = out.first_paragraph;
        diags.extend(out.diagnostics);
    }

    let mut site = Site {
        unpublished,
        config,
        articles,
        timeline: Vec::new(),
        entities: r.entities,
        tags,
    };
    link_relations(&mut site);
    site
}

/// A digest of front matter, to tell an edit that left it alone.
pub fn digest(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// An article's slug: `slug:` from front matter, else the file stem.
fn article_slug(doc: &Document<ArticleFrontMatter>) -> String {
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

fn resolve_article(
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

/// Entities a profile's body may auto-link: the ones its front matter names.
fn profile_relations(e: &Entity) -> HashSet<EntityId> {
    match &e.details {
        Details::Leader(l) => l.country.iter().cloned().collect(),
        Details::Crisis(c) => c.countries.iter().cloned().collect(),
        Details::Country(_) => HashSet::new(),
    }
}

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

/// Fill in the derived, two-way relations: entity and tag article lists,
/// timeline neighbours, related briefings, and who appears with whom.
fn link_relations(site: &mut Site) {
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
    let related: Vec<Vec<ArticleId>> = site
        .timeline
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
        .collect();
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

    // Co-occurrence counts: which entities are named in the same briefings.
    let mut together: HashMap<&EntityId, HashMap<&EntityId, usize>> = HashMap::new();
    for a in site.articles.values() {
        for x in &a.entities {
            for y in &a.entities {
                if x != y {
                    *together.entry(x).or_default().entry(y).or_default() += 1;
                }
            }
        }
    }
    let ranked = |id: &EntityId, kind: EntityKind| -> Vec<EntityId> {
        let mut v: Vec<(&EntityId, usize)> = together
            .get(id)
            .map(|m| {
                m.iter()
                    .filter(|(o, _)| o.kind == kind)
                    .map(|(o, n)| (*o, *n))
                    .collect()
            })
            .unwrap_or_default();
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
    drop(together);
    for (id, crises, peers) in leader_updates {
        if let Details::Leader(l) = &mut site.entities.get_mut(&id).expect("leader").details {
            l.crises = crises;
            l.peers = peers;
        }
    }
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
