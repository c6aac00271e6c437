//! Briefing books: front matter resolved into [`Book`]s, their names
//! looked up in the registry the briefings resolved against. A book only
//! names what the site already knows: a name nothing answers to is an
//! error with the nearest name, never a new page.

use super::names::Registry;
use super::{Book, BookId, EntityId, EntityKind};
use crate::config::Config;
use crate::content::frontmatter::BookFrontMatter;
use crate::content::{Document, RawContent};
use crate::diagnostics::Diagnostic;
use crate::text::slugify;
use std::collections::BTreeMap;

/// Every book of `raw`, by slug, with the documents their bodies come
/// from. Drafts are left out unless the build shows drafts.
pub(super) fn resolve_books<'a>(
    config: &Config,
    raw: &'a RawContent,
    r: &Registry,
    diags: &mut Vec<Diagnostic>,
) -> (BTreeMap<BookId, Book>, Vec<&'a Document<BookFrontMatter>>) {
    let mut books: BTreeMap<BookId, Book> = BTreeMap::new();
    let mut docs = Vec::new();
    for doc in &raw.books {
        if doc.front.draft && !config.drafts {
            continue;
        }
        if let Some(b) = resolve_book(config, doc, r, &books, diags) {
            books.insert(b.slug.clone(), b);
            docs.push(&**doc);
        }
    }
    (books, docs)
}

/// A book's slug: `slug:` from front matter, else the file stem.
pub(super) fn book_slug(doc: &Document<BookFrontMatter>) -> String {
    let written = doc.front.slug.as_deref().map(str::trim);
    match written.filter(|s| !s.is_empty()) {
        Some(s) => slugify(s),
        None => slugify(&doc.stem()),
    }
}

pub(super) fn resolve_book(
    config: &Config,
    doc: &Document<BookFrontMatter>,
    r: &Registry,
    books: &BTreeMap<BookId, Book>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Book> {
    let f = &doc.front;
    let before = diags.len();
    let title = f.title.trim().to_string();
    if title.is_empty() {
        let d = Diagnostic::error("`title` is empty").with_help("give the book a title");
        diags.push(doc.diag_at_key(d, "title", None));
    }
    let date = super::articles::parse_date(doc, "date", Some(&f.date), diags);
    let end = super::articles::parse_date(doc, "end", f.end.as_deref(), diags);
    if let (Some(d), Some(e)) = (date, end) {
        if e.instant.date_naive() < d.instant.date_naive() {
            let d = Diagnostic::error("`end` is before `date`")
                .with_help("`date` is a trip's first day and `end` its last");
            diags.push(doc.diag_at_key(d, "end", None));
        }
    }
    let slug = book_slug(doc);
    check_slug(doc, &slug, books, diags);
    let principal = f
        .principal
        .as_deref()
        .and_then(|n| named(r, doc, EntityKind::Leader, "principal", n, diags));
    let list = |names: &[String], kind, key, diags: &mut Vec<Diagnostic>| {
        let mut ids: Vec<EntityId> = Vec::new();
        for n in names {
            if let Some(id) = named(r, doc, kind, key, n, diags) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    };
    let counterparts = list(&f.counterparts, EntityKind::Leader, "counterparts", diags);
    let countries = list(&f.countries, EntityKind::Country, "countries", diags);
    let crises = list(&f.crises, EntityKind::Crisis, "crises", diags);
    if diags[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    let lines = name_lines(doc, r);
    let typeset = |text: &str| match config.site.typographic_quotes {
        true => crate::markdown::typographic(text),
        false => text.trim().to_string(),
    };
    Some(Book {
        slug,
        source: doc.path.clone(),
        title: typeset(&title),
        date: date?,
        end,
        place: super::profiles::non_empty(&f.place),
        principal,
        counterparts,
        countries,
        crises,
        tags: f.tags.iter().map(|t| t.trim().to_string()).collect(),
        summary: typeset(f.summary.as_deref().unwrap_or("")),
        body_html: Default::default(),
        headings: Vec::new(),
        mentions: Vec::new(),
        anchors: Vec::new(),
        draft: f.draft,
        extra: f.extra.clone(),
        lines,
    })
}

/// The line of each name in the front matter, by the entity it names.
fn name_lines(doc: &Document<BookFrontMatter>, r: &Registry) -> Vec<(EntityId, usize)> {
    let f = &doc.front;
    let keyed = [
        ("principal", EntityKind::Leader, f.principal.as_slice()),
        ("counterparts", EntityKind::Leader, &f.counterparts[..]),
        ("countries", EntityKind::Country, &f.countries[..]),
        ("crises", EntityKind::Crisis, &f.crises[..]),
    ];
    let mut out = Vec::new();
    for (key, kind, names) in keyed {
        for name in names {
            let line = crate::yaml::value_line(&doc.yaml, key, name)
                .or_else(|| crate::yaml::key_line(&doc.yaml, key));
            if let (Ok(id), Some(line)) = (r.existing(kind, name), line) {
                out.push((id, line + doc.yaml_line - 1));
            }
        }
    }
    out
}

fn check_slug(
    doc: &Document<BookFrontMatter>,
    slug: &str,
    books: &BTreeMap<BookId, Book>,
    diags: &mut Vec<Diagnostic>,
) {
    let problem = if slug.is_empty() {
        Some(
            "the book has no usable slug: neither `slug` nor the file name has letters or digits"
                .to_string(),
        )
    } else {
        books
            .get(slug)
            .map(|b| format!("slug `{slug}` is already used by {}", b.source.display()))
    };
    if let Some(msg) = problem {
        let d = Diagnostic::error(msg).with_help("give one of the books a different `slug:`");
        diags.push(doc.diag_at_key(d, "slug", None));
    }
}

/// The entity a name in the book's front matter is, or an error saying
/// which name was meant.
fn named(
    r: &Registry,
    doc: &Document<BookFrontMatter>,
    kind: EntityKind,
    key: &str,
    name: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<EntityId> {
    match r.existing(kind, name) {
        Ok(id) => Some(id),
        Err(near) => {
            let msg = match &near {
                Some(near) => format!(
                    "`{}` is no {} on this site; did you mean {near}?",
                    name.trim(),
                    kind.noun()
                ),
                None => format!("`{}` is no {} on this site", name.trim(), kind.noun()),
            };
            let help = format!(
                "a book names {} the site knows: fix the spelling, or add a profile in content/{}/ (or an alias to one)",
                kind.article_key(),
                kind.dir()
            );
            diags.push(doc.diag_at_key(Diagnostic::error(msg).with_help(help), key, Some(name)));
            None
        }
    }
}

/// Each entity the books name, with the books naming it, newest first.
pub(super) fn books_by_entity(books: &BTreeMap<BookId, Book>) -> BTreeMap<EntityId, Vec<BookId>> {
    let mut newest: Vec<&Book> = books.values().collect();
    newest.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    let mut out: BTreeMap<EntityId, Vec<BookId>> = BTreeMap::new();
    for b in newest {
        for id in b.entities() {
            let list = out.entry(id.clone()).or_default();
            if !list.contains(&b.slug) {
                list.push(b.slug.clone());
            }
        }
    }
    out
}
