//! Search: a Pagefind index of the briefings and profiles, built in memory
//! and served as static files under `/pagefind/`, so search runs in the
//! reader's browser with no server.
//!
//! Records are built from the site graph rather than by re-parsing the
//! rendered HTML: the text, title and entity filters are already known, and
//! skipping Pagefind's HTML parser makes indexing several times faster.

use std::collections::BTreeMap;

use anyhow::{anyhow, Context, Result};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::content::EntityKind;
use crate::graph::{Article, Entity};
use crate::render::Output;
use crate::text::strip_tags;
use crate::Site;

/// Folder of the index in the output.
pub const DIR: &str = "pagefind";

/// One searchable page.
#[derive(Clone)]
pub struct Record {
    pub url: String,
    pub title: String,
    pub text: String,
    pub meta: BTreeMap<String, String>,
    pub filters: BTreeMap<String, Vec<String>>,
}

/// The filter name for an entity kind, as used in `?crisis=...` searches.
pub fn filter_name(kind: EntityKind) -> &'static str {
    kind.noun()
}

/// Every briefing and every profile, as search records.
pub fn records(site: &Site) -> Vec<Record> {
    let mut out = Vec::with_capacity(site.articles.len() + site.entities.len());
    out.extend(site.articles.values().map(|a| article_record(site, a)));
    out.extend(
        site.entities
            .values()
            .filter(|e| e.source.is_some())
            .map(|e| entity_record(site, e)),
    );
    out
}

pub fn article_record(site: &Site, a: &Article) -> Record {
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for id in &a.entities {
        filters
            .entry(filter_name(id.kind).into())
            .or_default()
            .push(site.entities[id].name.clone());
    }
    for t in &a.tags {
        filters
            .entry("tag".into())
            .or_default()
            .push(site.tags[t].name.clone());
    }
    filters.insert("type".into(), vec!["Briefing".into()]);
    let mut meta = BTreeMap::new();
    meta.insert("title".into(), a.title.clone());
    meta.insert("date".into(), a.date.human());
    Record {
        url: site.url(&a.path()),
        title: a.title.clone(),
        text: format!("{}. {} {}", a.title, a.summary, strip_tags(&a.body_html)),
        meta,
        filters,
    }
}

fn entity_record(site: &Site, e: &Entity) -> Record {
    let mut meta = BTreeMap::new();
    meta.insert("title".into(), e.name.clone());
    let mut filters = BTreeMap::new();
    filters.insert("type".into(), vec![e.id.kind.label().to_string()]);
    Record {
        url: site.url(&e.path()),
        title: e.name.clone(),
        text: format!(
            "{}. {} {}",
            e.name,
            e.aliases.join(", "),
            strip_tags(&e.body_html)
        ),
        meta,
        filters,
    }
}

/// Build the index files from `records`. In the `background` (under
/// `serve`), the indexer's threads run at the lowest priority, so it never
/// delays re-rendering the page being edited.
pub fn build_index(language: &str, records: Vec<Record>, background: bool) -> Result<Vec<Output>> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.worker_threads(if background { 1 } else { 2 });
    if background {
        lower_priority();
        builder.on_thread_start(lower_priority);
    }
    let runtime = builder
        .build()
        .context("could not start the search indexer")?;
    let language = language.to_string();
    runtime.block_on(async move {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(language.clone())
            .build();
        let mut index = PagefindIndex::new(Some(options))
            .map_err(|e| anyhow!("could not configure Pagefind: {e}"))?;
        for r in records {
            let url = r.url.clone();
            index
                .add_custom_record(
                    r.url,
                    r.text,
                    language.clone(),
                    Some(r.meta),
                    Some(r.filters),
                    None,
                )
                .await
                .map_err(|e| anyhow!("could not index {url}: {e}"))?;
        }
        let files = index
            .get_files()
            .await
            .map_err(|e| anyhow!("could not build the search index: {e}"))?;
        Ok(files
            .into_iter()
            .map(|f| Output {
                path: format!("{DIR}/{}", f.filename.to_string_lossy().replace('\\', "/")),
                bytes: f.contents,
            })
            .collect())
    })
}

/// Give the calling thread the lowest scheduling priority (Linux applies
/// nice values per thread).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on the calling thread's id has no memory effects.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 19);
    }
}
