//! Search records kept between edits, each with a digest of what it was
//! built from, so an edit rebuilds only the records whose inputs changed.

use crate::render::i18n::Words;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::graph::Site;
use crate::render::reader::Dep;
use crate::search::{self, Record};

/// Search records by the item they index, each with a digest of what it
/// was built from, so a rebuild redoes only the records whose inputs
/// changed: a briefing's own fields and the names of what it is tagged with.
#[derive(Default)]
pub(super) struct Records(HashMap<Dep, (u64, Arc<Record>)>);

impl Records {
    /// Bring every record up to date, dropping those of removed items.
    pub(super) fn refresh(&mut self, site: &Site, digests: &HashMap<Dep, u64>, words: &Words) {
        let mut wanted: Vec<(Dep, u64)> = site
            .articles
            .values()
            .map(|a| article_key(a, digests))
            .collect();
        for e in site.entities.values().filter(|e| e.source.is_some()) {
            let dep = Dep::Entity(e.id.clone());
            wanted.push((dep.clone(), combine([dep], digests)));
        }
        wanted.extend(site.books.values().map(|b| book_key(b, digests)));
        let keep: HashSet<&Dep> = wanted.iter().map(|(d, _)| d).collect();
        self.0.retain(|d, _| keep.contains(d));
        self.update(site, wanted, words);
    }

    /// Bring every record up to date after a load, looking only at the
    /// items whose digests changed: a record's key is made of its
    /// briefing's, its entities' names' and its tags' names' digests (or its
    /// profile's), so no other record can have a new key. The same records
    /// as [`Records::refresh`] would give, without keying 10,000 briefings.
    pub(super) fn refresh_changed(
        &mut self,
        site: &Site,
        digests: &HashMap<Dep, u64>,
        changed: &BTreeSet<Dep>,
        words: &Words,
    ) {
        let profile =
            |id: &crate::graph::EntityId| site.entities.get(id).is_some_and(|e| e.source.is_some());
        // An item that went, or a profile that became a bare name, changed
        // its digest: only those records can have to go.
        for dep in changed {
            let kept = match dep {
                Dep::Article(id) => site.articles.contains_key(id),
                Dep::Book(slug) => site.books.contains_key(slug),
                Dep::Entity(id) => profile(id),
                _ => true,
            };
            if !kept {
                self.0.remove(dep);
            }
        }
        let mut ids: BTreeSet<&str> = BTreeSet::new();
        let mut wanted: Vec<(Dep, u64)> = Vec::new();
        for dep in changed {
            match dep {
                Dep::Article(id) if site.articles.contains_key(id) => {
                    ids.insert(id);
                }
                Dep::Book(slug) if site.books.contains_key(slug) => {
                    wanted.push(book_key(&site.books[slug], digests));
                }
                Dep::EntityName(id) => {
                    // Books are few: each naming the entity is keyed again.
                    wanted.extend(
                        site.books
                            .values()
                            .filter(|b| b.entities().any(|e| e == id))
                            .map(|b| book_key(b, digests)),
                    );
                    let tagged = site
                        .entities
                        .get(id)
                        .map(|e| &e.articles[..])
                        .unwrap_or(&[]);
                    ids.extend(tagged.iter().map(String::as_str));
                }
                Dep::TagName(slug) => {
                    let tagged = site.tags.get(slug).map(|t| &t.articles[..]).unwrap_or(&[]);
                    ids.extend(tagged.iter().map(String::as_str));
                }
                Dep::Entity(id) if profile(id) => {
                    wanted.push((dep.clone(), combine([dep.clone()], digests)));
                }
                _ => {}
            }
        }
        wanted.extend(
            ids.into_iter()
                .map(|id| article_key(&site.articles[id], digests)),
        );
        self.update(site, wanted, words);
    }

    /// Bring the records of some briefings up to date.
    pub(super) fn refresh_articles(
        &mut self,
        site: &Site,
        digests: &HashMap<Dep, u64>,
        ids: &[&str],
        words: &Words,
    ) {
        let wanted = ids
            .iter()
            .map(|id| article_key(&site.articles[*id], digests));
        self.update(site, wanted.collect(), words);
    }

    /// Rebuild, in parallel, the records whose key is not the one kept.
    fn update(&mut self, site: &Site, wanted: Vec<(Dep, u64)>, words: &Words) {
        let day = |d: &crate::content::frontmatter::Date| words.day(d);
        let stale: Vec<(Dep, u64)> = wanted
            .into_iter()
            .filter(|(d, k)| self.0.get(d).is_none_or(|(old, _)| old != k))
            .collect();
        let fresh: Vec<(Dep, (u64, Arc<Record>))> = stale
            .into_par_iter()
            .map(|(dep, key)| {
                let record = match &dep {
                    Dep::Article(id) => search::article_record(site, &site.articles[id], &day),
                    Dep::Entity(id) => search::entity_record(site, &site.entities[id]),
                    Dep::Book(slug) => search::book_record(site, &site.books[slug], &day),
                    _ => unreachable!("records are kept for briefings, profiles and books"),
                };
                (dep, (key, Arc::new(record)))
            })
            .collect();
        self.0.extend(fresh);
    }

    /// Every record, in URL order as a full build lists them.
    pub(super) fn all(&self) -> Vec<Arc<Record>> {
        let mut out: Vec<Arc<Record>> = self.0.values().map(|(_, r)| r.clone()).collect();
        out.sort_by(|a, b| a.url.cmp(&b.url));
        out
    }
}

/// A briefing's record is built from its own fields and the names of what
/// it is tagged with.
fn article_key(a: &crate::graph::Article, digests: &HashMap<Dep, u64>) -> (Dep, u64) {
    let inputs = std::iter::once(Dep::Article(a.slug.clone()))
        .chain(a.entities.iter().cloned().map(Dep::EntityName))
        .chain(a.tags.iter().cloned().map(Dep::TagName));
    (Dep::Article(a.slug.clone()), combine(inputs, digests))
}

/// A book's record is built from the book and the names of what it names.
fn book_key(b: &crate::graph::Book, digests: &HashMap<Dep, u64>) -> (Dep, u64) {
    let inputs = std::iter::once(Dep::Book(b.slug.clone()))
        .chain(b.entities().cloned().map(Dep::EntityName));
    (Dep::Book(b.slug.clone()), combine(inputs, digests))
}

/// One digest over the digests of `deps`.
fn combine(deps: impl IntoIterator<Item = Dep>, digests: &HashMap<Dep, u64>) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for d in deps {
        h.update(&digests.get(&d).copied().unwrap_or(0).to_le_bytes());
    }
    h.digest()
}
