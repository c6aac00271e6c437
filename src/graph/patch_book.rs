//! A briefing book's edit applied to a resolved site in place, for
//! `serve`. A book changes nothing a load derives from briefings or
//! profiles: not the names (it creates none), not the relations, not the
//! link index (nothing links to a book by title or path). So a patch
//! resolves the book against the kept registry, renders its body, and
//! sets the book lists of the entities it names or named. Where a full
//! load would report something (a finding, a draft, a slug another book
//! has), the patch declines.

use super::books::{book_slug, books_by_entity, resolve_book};
use super::patch::Patched;
use super::{bodies, BookId, Caches, EntityId, Site};
use crate::content::frontmatter::BookFrontMatter;
use crate::content::Document;
use crate::markdown::LinkIndex;
use std::collections::BTreeSet;
use std::path::Path;

/// Apply the edit of the book file at `path` (site-relative), whose parse
/// is now `doc` (`None` when the file is gone), or return `None`, leaving
/// `site` as it was. `has_findings` says whether the file had a finding
/// in the last load.
pub fn patch_book(
    site: &mut Site,
    caches: &mut Caches,
    index: &LinkIndex,
    path: &Path,
    doc: Option<&Document<BookFrontMatter>>,
    has_findings: &dyn Fn(&Path) -> bool,
) -> Option<Patched> {
    if has_findings(path) {
        return None;
    }
    let old: Option<BookId> = site
        .books
        .values()
        .find(|b| b.source == path)
        .map(|b| b.slug.clone());
    let new = match doc {
        None => None,
        Some(doc) => Some(resolve(site, caches, doc, old.as_ref())?),
    };
    // Nothing is changed before this point.
    let mut named: BTreeSet<EntityId> = BTreeSet::new();
    let mut patched = Patched::default();
    if let Some(b) = old.and_then(|slug| site.books.remove(&slug)) {
        named.extend(b.entities().cloned());
        patched.touched.books.insert(b.slug);
    }
    match (new, doc) {
        (Some(mut book), Some(doc)) => {
            named.extend(book.entities().cloned());
            let out = bodies::render_book_now(&mut book, doc, &mut caches.bodies, index);
            patched
                .bodies
                .push((path.to_path_buf(), doc.body_line, out.diagnostics.clone()));
            patched.touched.books.insert(book.slug.clone());
            site.books.insert(book.slug.clone(), book);
        }
        _ => caches.bodies.forget(path),
    }
    let lists = books_by_entity(&site.books);
    for id in named {
        let now = lists.get(&id).cloned().unwrap_or_default();
        if let Some(e) = site.entities.get_mut(&id).filter(|e| e.books != now) {
            e.books = now;
            patched.touched.entities.insert(id);
        }
    }
    Some(patched)
}

/// The book `doc` resolved against the kept registry, if it resolves as
/// a full load would with nothing to report: no finding, not a draft left
/// out, and no other book with its slug.
fn resolve(
    site: &Site,
    caches: &Caches,
    doc: &Document<BookFrontMatter>,
    old: Option<&BookId>,
) -> Option<super::Book> {
    if !doc.warnings.is_empty() || (doc.front.draft && !site.config.drafts) {
        return None;
    }
    let slug = book_slug(doc);
    if site.books.contains_key(&slug) && old != Some(&slug) {
        return None;
    }
    let mut diags = Vec::new();
    let registry = caches.registry.as_ref()?;
    let others = std::collections::BTreeMap::new();
    let book = resolve_book(&site.config, doc, registry, &others, &mut diags)?;
    diags.is_empty().then_some(book)
}
