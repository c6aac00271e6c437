//! The served pages: their files, what each read when it was rendered,
//! and which are out of date and not rendered again yet.

use std::collections::{BTreeSet, HashMap, HashSet};

use anyhow::Result;

use super::Files;
use crate::graph::Site;
use crate::render::reader::Dep;
use crate::render::reads::ReadIndex;
use crate::render::{self, PageId, Theme};

#[derive(Default)]
pub(super) struct PageStore {
    pub files: Files,
    /// What every page read, as rendering recorded it.
    reads: ReadIndex,
    /// Pages whose files are out of date, by output path. `rebuild` renders
    /// them at once; `serve` renders the one a browser asks for first and
    /// the rest in the background, so an edit is served without waiting for
    /// every page it touched.
    stale: HashMap<String, PageId>,
    /// The page list the store was last given, as [`render::pages`] lists
    /// it: every page of it rendered or stale, and no other. `None` when
    /// that may not hold (a render failed, or a check found a difference).
    list: Option<Vec<PageId>>,
    /// Where the site's language puts its pages (`fr/`; empty for the
    /// default): what a page's served path starts with.
    prefix: String,
}

impl PageStore {
    /// The path `page` is served at.
    fn path_of(&self, page: &PageId) -> String {
        format!("{}{}", self.prefix, page.output_path())
    }

    /// Render every page of `site` and copy the theme's static files.
    pub fn render_all(site: &Site, theme: &Theme) -> Result<PageStore> {
        let all = render::pages(site);
        render::check_static_collisions(site, &all, theme.site_statics())?;
        let mut store = PageStore {
            list: Some(all.clone()),
            prefix: site.config.language_prefix(),
            ..PageStore::default()
        };
        for (page, o, read) in render::render_pages_recorded(site, theme, &all)? {
            store.files.insert(o.path, o.bytes.into());
            store.reads.set(page, read);
        }
        for o in render::static_outputs(theme)? {
            store.files.insert(o.path, o.bytes.into());
        }
        Ok(store)
    }

    /// The pages that read one of `changed`.
    pub fn readers(&self, changed: &BTreeSet<Dep>) -> BTreeSet<PageId> {
        self.reads.readers(changed)
    }

    /// Every page the store holds, rendered or waiting to be.
    pub fn pages(&self) -> BTreeSet<PageId> {
        self.reads
            .pages()
            .chain(self.stale.values())
            .cloned()
            .collect()
    }

    /// Forget the page list last given, so the next [`PageStore::mark_stale`]
    /// compares with what the store holds, page by page: the repair after
    /// a check found the project wrong trusts nothing kept.
    pub fn forget_list(&mut self) {
        self.list = None;
    }

    /// Take the site's page list, `all` as [`render::pages`] lists it:
    /// mark stale the pages of `todo` and the new pages, and drop the
    /// files of pages the site no longer has. Returns (marked, removed).
    pub fn mark_stale(&mut self, mut todo: BTreeSet<PageId>, all: Vec<PageId>) -> (usize, usize) {
        let (added, gone) = match self.list.take() {
            Some(old) => list_changes(&old, &all),
            None => self.changes_from_reads(&all),
        };
        let gone_set: HashSet<&PageId> = gone.iter().collect();
        for page in &gone {
            self.files.remove(&self.path_of(page));
            self.reads.remove(page);
            self.stale.remove(&self.path_of(page));
        }
        todo.retain(|p| !gone_set.contains(p));
        todo.extend(added);
        let marked = todo.len();
        let stale: Vec<(String, PageId)> =
            todo.into_iter().map(|p| (self.path_of(&p), p)).collect();
        self.stale.extend(stale);
        self.list = Some(all);
        (marked, gone.len())
    }

    /// The pages of `all` neither rendered nor stale, and those rendered or
    /// stale that `all` lacks: the slow way, for when the list the store
    /// was last given may not say what it holds.
    fn changes_from_reads(&self, all: &[PageId]) -> (Vec<PageId>, Vec<PageId>) {
        let set: HashSet<&PageId> = all.iter().collect();
        let held = self.reads.pages().chain(self.stale.values());
        let gone: HashSet<&PageId> = held.filter(|p| !set.contains(*p)).collect();
        let added = all
            .iter()
            .filter(|p| !self.reads.contains(p) && !self.stale.contains_key(&self.path_of(p)))
            .cloned()
            .collect();
        (added, gone.into_iter().cloned().collect())
    }

    /// The output paths of the pages not yet rendered since they changed.
    pub fn stale_paths(&self) -> HashSet<String> {
        self.stale.keys().cloned().collect()
    }

    pub fn has_stale(&self) -> bool {
        !self.stale.is_empty()
    }

    /// Up to `limit` stale pages, pages before feeds and data files: a
    /// browser is likelier to want them next.
    pub fn next_stale(&self, limit: usize) -> Vec<PageId> {
        let mut todo: Vec<PageId> = self.stale.values().cloned().collect();
        if todo.len() > limit {
            todo.sort_by_key(|p| !p.is_html());
            todo.truncate(limit);
        }
        todo
    }

    /// The stale page whose output is `path`, if there is one.
    pub fn stale_at(&self, path: &str) -> Option<PageId> {
        self.stale.get(path).cloned()
    }

    /// Render pages the site has, keeping what each read. If rendering
    /// fails, those pages keep their last files and are no longer stale, so
    /// a broken template is reported once, not retried in a loop.
    pub fn render(&mut self, site: &Site, theme: &Theme, todo: &[PageId]) -> Result<usize> {
        for page in todo {
            self.stale.remove(&self.path_of(page));
        }
        let mut t = crate::Timings::from_env();
        // Pages that fail are neither rendered nor stale.
        let list = self.list.take();
        let outputs = render::render_pages_recorded(site, theme, todo)?;
        self.list = list;
        t.lap(&format!("render {} pages", outputs.len()));
        let rendered = outputs.len();
        for (page, o, read) in outputs {
            self.files.insert(o.path, o.bytes.into());
            self.reads.set(page, read);
        }
        Ok(rendered)
    }

    /// Pages whose templates (or the templates those extend or import)
    /// are named in `names`; every page if one is not a template the theme
    /// knows (a new file may be included anywhere).
    pub fn using_templates(theme: &Theme, names: &[String], all: &[PageId]) -> Vec<PageId> {
        if !names.iter().all(|n| theme.tera.get_template(n).is_ok()) {
            return all.to_vec();
        }
        let templates: BTreeSet<&'static str> = all.iter().filter_map(|p| p.template()).collect();
        let closures: HashMap<&'static str, Vec<String>> = templates
            .into_iter()
            .map(|t| (t, theme.template_closure(t)))
            .collect();
        all.iter()
            .filter(|p| {
                p.template()
                    .and_then(|t| closures.get(t))
                    .is_some_and(|c| c.iter().any(|t| names.contains(t)))
            })
            .cloned()
            .collect()
    }
}

/// The pages of `new` not in `old`, and those of `old` not in `new`, for
/// lists without repeats in [`render::pages`] order. Both lists agree up to
/// the first difference and after the last, and an edit changes a short
/// stretch between: only that stretch is compared by set.
fn list_changes(old: &[PageId], new: &[PageId]) -> (Vec<PageId>, Vec<PageId>) {
    let start = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let (old, new) = (&old[start..], &new[start..]);
    let end = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old, new) = (&old[..old.len() - end], &new[..new.len() - end]);
    let in_old: HashSet<&PageId> = old.iter().collect();
    let in_new: HashSet<&PageId> = new.iter().collect();
    let added = new
        .iter()
        .filter(|p| !in_old.contains(p))
        .cloned()
        .collect();
    let gone = old
        .iter()
        .filter(|p| !in_new.contains(p))
        .cloned()
        .collect();
    (added, gone)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small generator, so the property below needs no crate.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn list_changes_equal_the_set_differences_for_any_edit() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..2000 {
            let len = (next(&mut state) % 40) as usize;
            let old: Vec<PageId> = (0..len).map(|i| PageId::Articles(i * 2)).collect();
            let mut new = old.clone();
            // A few removals, insertions and moves anywhere, as edits
            // make (a new date moves a briefing's page in the list).
            for _ in 0..(next(&mut state) % 4) {
                if new.len() > 1 && next(&mut state) % 3 == 0 {
                    let from = (next(&mut state) as usize) % new.len();
                    let page = new.remove(from);
                    let to = (next(&mut state) as usize) % (new.len() + 1);
                    new.insert(to, page);
                } else if !new.is_empty() && next(&mut state) % 2 == 0 {
                    let at = (next(&mut state) as usize) % new.len();
                    new.remove(at);
                } else {
                    let at = (next(&mut state) as usize) % (new.len() + 1);
                    let fresh = PageId::Articles(1000 + (next(&mut state) % 1000) as usize * 2 + 1);
                    if !new.contains(&fresh) {
                        new.insert(at, fresh);
                    }
                }
            }
            let (added, gone) = list_changes(&old, &new);
            let sorted = |mut v: Vec<PageId>| {
                v.sort();
                v
            };
            let want_added: Vec<PageId> =
                new.iter().filter(|p| !old.contains(p)).cloned().collect();
            let want_gone: Vec<PageId> = old.iter().filter(|p| !new.contains(p)).cloned().collect();
            assert_eq!(sorted(added), sorted(want_added), "{old:?} -> {new:?}");
            assert_eq!(sorted(gone), sorted(want_gone), "{old:?} -> {new:?}");
        }
    }
}
