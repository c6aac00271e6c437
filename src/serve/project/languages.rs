//! The languages of a site other than the default, in `serve`. The
//! default language's pages are brought up to date edit by edit; each
//! other language is loaded and rendered whole after every edit, as
//! `build` does it, so it equals what `build` publishes by construction.
//! Slower (a full load per other language per edit), and simple.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use anyhow::Result;

use crate::config::Config;
use crate::render::{self, Output, Theme};

/// The other languages' files, output path to bytes.
#[derive(Default)]
pub(super) struct OtherLanguages {
    files: HashMap<String, Arc<[u8]>>,
}

impl OtherLanguages {
    /// Load and render every language but the default from the sources,
    /// with the templates as they are on disk now. Nothing is kept when
    /// one fails.
    pub(super) fn render(config: &Config) -> Result<OtherLanguages> {
        let mut files = HashMap::new();
        if !config.is_multilingual() {
            return Ok(OtherLanguages { files });
        }
        let theme = Theme::load(config)?;
        for lang in &config.languages[1..] {
            let config = config.for_language(lang);
            let (site, _) = crate::load(&config)?;
            let pages = render::pages(&site);
            let mut outputs = render::render_pages(&site, &theme, &pages)?;
            let records = crate::search::records(&site);
            let prefix = config.language_prefix();
            outputs.extend(
                crate::search::build_index(records, lang, false)?
                    .into_iter()
                    .map(|o| Output {
                        path: format!("{prefix}{}", o.path),
                        bytes: o.bytes,
                    }),
            );
            files.extend(outputs.into_iter().map(|o| (o.path, o.bytes.into())));
        }
        Ok(OtherLanguages { files })
    }

    /// Put these files in `served` in place of `old`'s; returns how many
    /// were added, changed or removed.
    pub(super) fn install(
        self,
        old: &mut OtherLanguages,
        served: &mut HashMap<String, Arc<[u8]>>,
    ) -> usize {
        let gone: BTreeSet<&String> = old
            .files
            .keys()
            .filter(|k| !self.files.contains_key(*k))
            .collect();
        let mut changed = gone.len();
        for k in gone {
            served.remove(k);
        }
        for (k, v) in &self.files {
            if old.files.get(k) != Some(v) {
                changed += 1;
            }
            served.insert(k.clone(), v.clone());
        }
        *old = self;
        changed
    }
}
