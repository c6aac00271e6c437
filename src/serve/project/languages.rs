//! The languages of a site other than the default, in `serve`. The
//! default language's pages are brought up to date edit by edit (patches,
//! kept bodies, checked against full loads). Each other language is loaded
//! whole after every edit, as `build` loads it, keeping only the parses of
//! files that did not change (a function of each file's bytes); then only
//! its pages that read an item whose digest changed, or whose templates
//! changed, are rendered again, as the default's are. So its graph equals
//! a build's by construction, and its pages follow the same recorded reads
//! the randomised tests hold the default language to.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;

use super::store::PageStore;
use super::Files;
use crate::config::Config;
use crate::graph::Site;
use crate::render::reader::Dep;
use crate::render::reads::{changed_deps, digests};
use crate::render::{self, Output, Theme};

/// Every language but the default, and the files they serve.
#[derive(Default)]
pub(super) struct OtherLanguages {
    languages: Vec<Language>,
    /// The templates the pages were rendered with.
    theme: Option<Theme>,
    /// What was last installed in the served files.
    installed: Files,
}

/// One language other than the default, as kept between edits.
struct Language {
    config: Config,
    parsed: crate::content::Cache,
    digests: HashMap<Dep, u64>,
    pages: PageStore,
    /// The search index's files, under the language's prefix.
    index: Files,
}

impl OtherLanguages {
    /// Load and render every language but the default. Nothing is kept
    /// when one fails.
    pub(super) fn open(config: &Config) -> Result<OtherLanguages> {
        if !config.is_multilingual() {
            return Ok(OtherLanguages::default());
        }
        let theme = Theme::load(config)?;
        let mut languages = Vec::new();
        for lang in &config.languages[1..] {
            let config = config.for_language(lang);
            let mut caches = parses_only(crate::content::Cache::kept());
            let (site, _) = crate::load_cached(&config, &mut caches, &HashSet::new())?;
            let pages = PageStore::render_all(&site, &theme)?;
            let index = search_index(&config, &site, &theme)?;
            languages.push(Language {
                digests: digests(&site),
                parsed: caches.parsed,
                config,
                pages,
                index,
            });
        }
        Ok(OtherLanguages {
            languages,
            theme: Some(theme),
            installed: Files::new(),
        })
    }

    /// Bring every language up to date after `edited` files (absolute
    /// paths) changed, `templates` (names under `templates/`) among them.
    /// Every language is loaded before any is changed, so a failure leaves
    /// them all as they were.
    pub(super) fn update(
        &mut self,
        config: &Config,
        edited: &HashSet<PathBuf>,
        templates: &[String],
    ) -> Result<()> {
        if self.languages.is_empty() {
            return Ok(());
        }
        let new_theme = (!templates.is_empty())
            .then(|| Theme::load(config))
            .transpose()?;
        let mut loaded = Vec::new();
        for language in &mut self.languages {
            let mut caches = parses_only(std::mem::take(&mut language.parsed));
            let result = crate::load_cached(&language.config, &mut caches, edited);
            language.parsed = caches.parsed;
            loaded.push(result?.0);
        }
        if let Some(theme) = new_theme {
            self.theme = Some(theme);
        }
        let theme = self
            .theme
            .as_ref()
            .expect("a multilingual site has a theme");
        for (language, site) in self.languages.iter_mut().zip(loaded) {
            language.refresh(&site, theme, templates)?;
        }
        Ok(())
    }

    /// Put the languages' files in `served`, in place of those installed
    /// last; returns how many were added, changed or removed.
    pub(super) fn install(&mut self, served: &mut Files) -> usize {
        let mut now = Files::new();
        for language in &self.languages {
            let prefix = language.config.language_prefix();
            // A language's store also holds the theme's static files, which
            // are the default's to serve: a deleted one must stay deleted.
            let own = language.pages.files.iter().chain(&language.index);
            now.extend(
                own.filter(|(path, _)| path.starts_with(&prefix))
                    .map(|(p, b)| (p.clone(), b.clone())),
            );
        }
        let gone: Vec<String> = self
            .installed
            .keys()
            .filter(|k| !now.contains_key(*k))
            .cloned()
            .collect();
        let mut changed = gone.len();
        for k in gone {
            served.remove(&k);
        }
        for (k, v) in &now {
            if self.installed.get(k) != Some(v) {
                changed += 1;
                served.insert(k.clone(), v.clone());
            }
        }
        self.installed = now;
        changed
    }
}

impl Language {
    /// Take `site`, the language's new graph: render again the pages that
    /// read what changed or use a changed template, drop the pages it no
    /// longer has, and make its search index again if a record changed.
    fn refresh(&mut self, site: &Site, theme: &Theme, templates: &[String]) -> Result<()> {
        let new_digests = digests(site);
        let changed = changed_deps(&self.digests, &new_digests);
        let all = render::pages(site);
        let mut todo = self.pages.readers(&changed);
        if !templates.is_empty() {
            todo.extend(PageStore::using_templates(theme, templates, &all));
        }
        self.pages.mark_stale(todo, all);
        let stale = self.pages.next_stale(usize::MAX);
        self.pages.render(site, theme, &stale)?;
        // A record is made of digested items (a briefing, a book, a
        // profile, the names of what a briefing is tagged with).
        if !changed.is_empty() {
            self.index = search_index(&self.config, site, theme)?;
        }
        self.digests = new_digests;
        Ok(())
    }
}

/// Caches that keep the parses and nothing derived from them.
fn parses_only(parsed: crate::content::Cache) -> crate::Caches {
    crate::Caches {
        parsed,
        graph: Default::default(),
    }
}

/// The language's search index, as `build` writes it.
fn search_index(config: &Config, site: &Site, theme: &Theme) -> Result<Files> {
    let prefix = config.language_prefix();
    let words = theme.words(config.language());
    let records = crate::search::records(site, &|d| words.day(d));
    let outputs = crate::search::build_index(records, config.language(), false)?;
    Ok(outputs
        .into_iter()
        .map(|o: Output| (format!("{prefix}{}", o.path), o.bytes.into()))
        .collect::<HashMap<String, Arc<[u8]>>>())
}
