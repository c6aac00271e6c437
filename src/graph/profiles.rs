//! Profiles: the country, leader and crisis files turned into entities,
//! each with its kind's details.

use super::{
    dossier, Country, Crisis, Details, Entity, EntityId, EntityKind, Extra, Leader, PartialDate,
    Resolver,
};
use crate::content::frontmatter::ProfileTranslation;
use crate::content::{Document, RawContent};
use crate::diagnostics::Diagnostic;
use crate::text::slugify;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

impl Entity {
    pub(super) fn implicit(id: EntityId, name: &str) -> Entity {
        let details = match id.kind {
            EntityKind::Country => Details::Country(Country {
                place: place_of(None, [name]),
                ..Country::default()
            }),
            EntityKind::Leader => Details::Leader(Leader::default()),
            EntityKind::Crisis => Details::Crisis(Crisis::default()),
        };
        Entity {
            id,
            name: name.to_string(),
            aliases: Vec::new(),
            source: None,
            body_html: Default::default(),
            summary: String::new(),
            extra: Extra::new(),
            details,
            dates: Vec::new(),
            articles: Vec::new(),
            monthly: Vec::new(),
            recent: 0,
            mentioned_with: Vec::new(),
            books: Vec::new(),
            untranslated: false,
        }
    }

    pub fn path(&self) -> String {
        self.id.path()
    }

    /// The relations its profiles state: a country's leaders and crises; a
    /// leader's country; a crisis's countries. Co-mention is not one.
    pub fn related(&self) -> Vec<&EntityId> {
        match &self.details {
            Details::Country(c) => c.leaders.iter().chain(&c.crises).collect(),
            Details::Leader(l) => l.country.iter().collect(),
            Details::Crisis(c) => c.countries.iter().collect(),
        }
    }
}

/// A profile's slug is its file stem; a stem that is not already a slug is
/// turned into one, with a warning so URLs never surprise.
pub(super) fn profile_id<T>(
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

pub(super) fn parse_partial<T>(
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

pub(super) fn require_name<T>(doc: &Document<T>, name: &str, diags: &mut Vec<Diagnostic>) -> bool {
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

pub(super) fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// What every profile's front matter has.
pub(super) trait ProfileFront {
    fn name(&self) -> &str;
    fn aliases(&self) -> &[String];
    fn extra(&self) -> &Extra;
    fn dates(&self) -> &[crate::content::frontmatter::KeyDateFrontMatter];
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
            fn dates(&self) -> &[crate::content::frontmatter::KeyDateFrontMatter] {
                &self.dates
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
pub(super) fn add_profiles<'a, T: ProfileFront>(
    r: &mut Resolver,
    kind: EntityKind,
    docs: &'a [Arc<Document<T>>],
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
            body_html: Default::default(),
            summary: String::new(),
            extra: f.extra().clone(),
            details: details(doc, diags),
            dates: dossier::key_dates(doc, f.dates(), diags),
            articles: Vec::new(),
            monthly: Vec::new(),
            recent: 0,
            mentioned_with: Vec::new(),
            books: Vec::new(),
            untranslated: false,
        };
        r.entities.insert(id.clone(), entity);
        bodies.push((id, &doc.path, &doc.body, doc.body_line));
    }
}

/// Entities a profile's body may auto-link: the ones its front matter names.
pub(super) fn profile_relations(e: &Entity) -> HashSet<EntityId> {
    match &e.details {
        Details::Leader(l) => l.country.iter().cloned().collect(),
        Details::Crisis(c) => c.countries.iter().cloned().collect(),
        Details::Country(_) => HashSet::new(),
    }
}

/// A profile body waiting for Markdown: the entity, its file, the text and
/// the line it starts on.
pub(super) type ProfileBody<'a> = (EntityId, &'a Path, &'a str, usize);

/// Every profile of every kind, with its kind's details.
pub(super) fn add_all_profiles<'a>(
    r: &mut Resolver,
    raw: &'a RawContent,
    today: chrono::NaiveDate,
    diags: &mut Vec<Diagnostic>,
) -> Vec<ProfileBody<'a>> {
    let mut profile_bodies = Vec::new();
    add_profiles(
        r,
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
            let names =
                std::iter::once(f.name.as_str()).chain(f.aliases.iter().map(String::as_str));
            Details::Country(Country {
                place: place_of(iso.as_deref(), names),
                iso,
                region: non_empty(&f.region),
                capital: non_empty(&f.capital),
                ..Country::default()
            })
        },
    );
    add_profiles(
        r,
        EntityKind::Leader,
        &raw.leaders,
        diags,
        &mut profile_bodies,
        |doc, diags| {
            let f = &doc.front;
            Details::Leader(Leader {
                positions: dossier::positions(doc, diags),
                born: parse_partial(doc, "born", &f.born, diags),
                party: non_empty(&f.party),
                ..Leader::default()
            })
        },
    );
    add_profiles(
        r,
        EntityKind::Crisis,
        &raw.crises,
        diags,
        &mut profile_bodies,
        |doc, diags| {
            let f = &doc.front;
            let status = non_empty(&f.status).map(|s| s.to_lowercase());
            let active = status.as_deref() == Some("active");
            Details::Crisis(Crisis {
                status,
                started: parse_partial(doc, "started", &f.started, diags),
                ended: parse_partial(doc, "ended", &f.ended, diags),
                assessments: dossier::assessments(doc, today, diags),
                figures: dossier::figures(doc, active, today, diags),
                ..Crisis::default()
            })
        },
    );

    profile_bodies
}

/// Relations written in profiles: a leader's country, a crisis's countries.
pub(super) fn link_profile_references(
    r: &mut Resolver,
    raw: &RawContent,
    diags: &mut Vec<Diagnostic>,
) {
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
}

/// Findings that compare one profile with the others, for a full load and
/// a patch alike: overlapping offices, and countries' ISO codes.
pub(super) fn check_across(entities: &BTreeMap<EntityId, Entity>, diags: &mut Vec<Diagnostic>) {
    dossier::check_offices(entities, diags);
    check_country_codes(entities, diags);
}

/// Two country profiles with one ISO code (in any case) is an error naming
/// both. A country named like another code's country (a profile called
/// one country but coded as its neighbour) is a warning naming both.
fn check_country_codes(entities: &BTreeMap<EntityId, Entity>, diags: &mut Vec<Diagnostic>) {
    let world = crate::geo::world();
    let mut by_code: BTreeMap<&str, &Entity> = BTreeMap::new();
    for e in entities.values() {
        let (Details::Country(c), Some(source)) = (&e.details, &e.source) else {
            continue;
        };
        let Some(code) = c.iso.as_deref() else {
            continue;
        };
        if let Some(first) = by_code.insert(code, e) {
            let first_file = first.source.as_deref().unwrap_or(Path::new(""));
            diags.push(
                Diagnostic::error(format!(
                    "{} and {} both have `iso: {code}`",
                    first.name, e.name
                ))
                .in_file(source)
                .with_help(format!(
                    "one country, one profile: merge this file into {}, or fix the code",
                    first_file.display()
                )),
            );
        }
        let names = std::iter::once(e.name.as_str()).chain(e.aliases.iter().map(String::as_str));
        let named = names.filter_map(|n| world.by_name([n]).map(|p| (n, p)));
        for (name, place) in named {
            if place.alpha2 != code && place.alpha3 != code {
                diags.push(
                    Diagnostic::warning(format!(
                        "`{name}` is the name of {} ({}), but this profile has `iso: {code}`{}",
                        place.name,
                        place.alpha2,
                        world
                            .by_code(code)
                            .map(|p| format!(", which is {}", p.name))
                            .unwrap_or_default()
                    ))
                    .in_file(source)
                    .with_help(format!(
                        "if this profile is {}, write `iso: {}`; otherwise rename it",
                        place.name, place.alpha2
                    )),
                );
                break;
            }
        }
    }
}

/// The code that places a country on the world map, if any.
fn place_of<'a>(iso: Option<&str>, names: impl IntoIterator<Item = &'a str>) -> Option<String> {
    crate::geo::world()
        .place(iso, names)
        .map(|p| p.alpha2.clone())
}

/// On a site with several languages, loaded for one other than the
/// default: each profile with a translation takes its name, aliases and
/// body from it, and answers to its original name and aliases too, after
/// its own (a French briefing may write "Sudan"). A profile without one is
/// marked untranslated and keeps the original's.
pub(super) fn apply_translations<'a>(
    r: &mut Resolver,
    raw: &'a RawContent,
    bodies: &mut [ProfileBody<'a>],
    other_language: bool,
    diags: &mut Vec<Diagnostic>,
) {
    if !other_language {
        return;
    }
    let originals: HashSet<&Path> = r
        .entities
        .values()
        .filter_map(|e| e.source.as_deref())
        .collect();
    for t in &raw.profile_translations {
        let original = crate::content::without_language(&t.path, t.lang.as_deref());
        if !originals.contains(original.as_path()) {
            diags.push(
                Diagnostic::error(format!(
                    "this translates {}, which does not exist",
                    original.display()
                ))
                .in_file(&t.path)
                .with_help("a profile's translation sits beside the original: add the original, or rename the translation after it"),
            );
        }
    }
    let by_original: std::collections::HashMap<
        std::path::PathBuf,
        &'a Document<ProfileTranslation>,
    > = raw
        .profile_translations
        .iter()
        .map(|t| {
            (
                crate::content::without_language(&t.path, t.lang.as_deref()),
                &**t,
            )
        })
        .collect();
    for e in r.entities.values_mut().filter(|e| e.source.is_some()) {
        let source = e.source.as_ref().expect("filtered");
        let Some(t) = by_original.get(source) else {
            e.untranslated = true;
            continue;
        };
        let mut aliases: Vec<String> = t.front.aliases.clone();
        aliases.push(std::mem::replace(
            &mut e.name,
            t.front.name.trim().to_string(),
        ));
        aliases.append(&mut e.aliases);
        let mut seen = std::collections::HashSet::new();
        aliases.retain(|a| *a != e.name && seen.insert(a.clone()));
        e.aliases = aliases;
        if let Some(b) = bodies.iter_mut().find(|b| b.0 == e.id) {
            *b = (e.id.clone(), &t.path, &t.body, t.body_line);
        }
    }
}
