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
}

impl PageStore {
    /// Render every page of `site` and copy the theme's static files.
    pub fn render_all(site: &Site, theme: &Theme) -> Result<PageStore> {
        let all = render::pages(site);
        render::check_static_collisions(site, &all, theme.site_statics())?;
        let mut store = PageStore::default();
        for (page, o, read) in render::render_pages_recorded(site, theme, &all)? {
            store.files.insert(o.path, o.bytes.into());
            store.reads.set(page, read);
        }
        for o in render::static_outputs(theme)? {
            store.files.insert(o.path, o.bytes.into());
        }
        Ok(store)
    }

    /// The pages that read one of `changed`, and those of `all` never
    /// rendered: what must be rendered again.
    pub fn to_render(&self, changed: &BTreeSet<Dep>, all: &BTreeSet<PageId>) -> BTreeSet<PageId> {
        let mut todo = self.reads.readers(changed);
        todo.extend(all.iter().filter(|p| !self.reads.contains(p)).cloned());
        todo
    }

    /// Every page the store holds, rendered or waiting to be.
    pub fn pages(&self) -> BTreeSet<PageId> {
        self.reads
            .pages()
            .chain(self.stale.values())
            .cloned()
            .collect()
    }

    /// Mark `todo` (those of `all` the site has) stale and drop the files
    /// of pages it no longer has. Returns (marked, removed).
    pub fn mark_stale(&mut self, todo: BTreeSet<PageId>, all: &BTreeSet<PageId>) -> (usize, usize) {
        let gone: Vec<PageId> = self
            .reads
            .pages()
            .filter(|p| !all.contains(*p))
            .cloned()
            .collect();
        for page in &gone {
            self.files.remove(&page.output_path());
            self.reads.remove(page);
        }
        self.stale.retain(|_, p| all.contains(p));
        let todo: Vec<PageId> = todo.into_iter().filter(|p| all.contains(p)).collect();
        let marked = todo.len();
        self.stale
            .extend(todo.into_iter().map(|p| (p.output_path(), p)));
        (marked, gone.len())
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
            self.stale.remove(&page.output_path());
        }
        let mut t = crate::Timings::from_env();
        let outputs = render::render_pages_recorded(site, theme, todo)?;
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
    pub fn using_templates(theme: &Theme, names: &[String], all: &BTreeSet<PageId>) -> Vec<PageId> {
        if !names.iter().all(|n| theme.tera.get_template(n).is_ok()) {
            return all.iter().cloned().collect();
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
