//! Search: a Pagefind index of the briefings and profiles, built in memory
//! and served as static files under `/pagefind/`, so search runs in the
//! reader's browser with no server. Pages mark what to index with
//! `data-pagefind-body` and their entities with `data-pagefind-filter`.

use anyhow::{anyhow, Context, Result};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::render::{Output, PageId};
use crate::Site;

/// Folder of the index in the output.
pub const DIR: &str = "pagefind";

/// Whether a page goes into the index.
pub fn indexed(page: &PageId) -> bool {
    matches!(page, PageId::Article(_) | PageId::Entity(_))
}

/// Build the index from rendered pages: (root-relative URL, HTML).
pub fn build_index(language: &str, pages: Vec<(String, String)>) -> Result<Vec<Output>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .context("could not start the search indexer")?;
    let language = language.to_string();
    runtime.block_on(async move {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(language)
            .build();
        let mut index = PagefindIndex::new(Some(options))
            .map_err(|e| anyhow!("could not configure Pagefind: {e}"))?;
        for (url, html) in pages {
            index
                .add_html_file(None, Some(url.clone()), html)
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

/// The pages to index, from a set of outputs keyed by page.
pub fn pages_to_index<'a>(
    site: &Site,
    rendered: impl IntoIterator<Item = (&'a PageId, &'a [u8])>,
) -> Vec<(String, String)> {
    rendered
        .into_iter()
        .filter(|(p, _)| indexed(p))
        .map(|(p, bytes)| {
            (
                site.url(&p.path(site)),
                String::from_utf8_lossy(bytes).into_owned(),
            )
        })
        .collect()
}
