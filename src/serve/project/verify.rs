//! The check that makes serve converge: a full load of the sources, made
//! apart from the project (on another thread while serving), compared with
//! what the project's fast paths made of the same edits. Anything they
//! disagree on is an internal inconsistency: it is reported, and the full
//! load's graph is taken, so the preview ends equal to what `build` makes.

use std::collections::{BTreeSet, HashMap};

use anyhow::Result;

use super::findings::Findings;
use super::{Change, Project};
use crate::config::Config;
use crate::graph::Site;
use crate::render::reader::Dep;
use crate::render::reads::digests;
use crate::render::{self, PageId};

/// A full load, with everything the comparison needs worked out on the
/// thread that made it.
pub struct FullLoad {
    site: Site,
    findings: Findings,
    digests: HashMap<Dep, u64>,
    /// The page list as [`render::pages`] gives it, and as a set.
    pages: Vec<PageId>,
    page_set: BTreeSet<PageId>,
    caches: crate::Caches,
}

/// What a full load needs, taken from the project cheaply so that the load
/// can run on another thread.
pub struct Job {
    config: Config,
    /// The kept parses, each a function of its file's bytes, checked
    /// against the file's size and time as any load does. Bodies and the
    /// graph are made anew: those are what the fast paths derive.
    parsed: crate::content::Cache,
}

impl FullLoad {
    /// Load the site with nothing of an earlier load but `job`'s parses,
    /// so nothing a fast path derived can carry over.
    pub fn run(job: Job) -> Result<FullLoad> {
        let mut caches = crate::Caches::kept();
        caches.parsed = job.parsed;
        let (site, found) = crate::load_cached(&job.config, &mut caches, &Default::default())?;
        let findings = Findings::from_load(found, caches.graph.bodies.findings());
        let pages = render::pages(&site);
        Ok(FullLoad {
            digests: digests(&site),
            page_set: pages.iter().cloned().collect(),
            pages,
            site,
            findings,
            caches,
        })
    }
}

impl Project {
    /// How the project differs from `load`: graph items by digest, pages
    /// served, and findings. Empty when they agree.
    pub fn differences(&self, load: &FullLoad) -> Vec<String> {
        let mut out = Vec::new();
        let ours = &self.graph.digests;
        let mut items: Vec<String> = ours
            .iter()
            .filter(|(dep, d)| load.digests.get(*dep) != Some(*d))
            .map(|(dep, _)| format!("{dep:?}"))
            .chain(
                load.digests
                    .keys()
                    .filter(|dep| !ours.contains_key(*dep))
                    .map(|dep| format!("{dep:?} (missing)")),
            )
            .collect();
        items.sort();
        if !items.is_empty() {
            out.push(format!("graph items differ: {}", list(&items)));
        }
        let pages = self.pages.pages();
        let extra: Vec<String> = pages
            .difference(&load.page_set)
            .map(|p| p.output_path())
            .collect();
        let missing: Vec<String> = load
            .page_set
            .difference(&pages)
            .map(|p| p.output_path())
            .collect();
        if !extra.is_empty() {
            out.push(format!("pages a build would not write: {}", list(&extra)));
        }
        if !missing.is_empty() {
            out.push(format!("pages a build would write: {}", list(&missing)));
        }
        let (ours, theirs) = (self.findings.of_sources(), load.findings.of_sources());
        if ours != theirs {
            let show = |ds: &[crate::diagnostics::Diagnostic]| {
                let lines: Vec<String> = ds.iter().map(|d| d.to_string()).collect();
                list(&lines)
            };
            out.push(format!(
                "findings differ: shown {}; a build finds {}",
                show(&ours),
                show(&theirs)
            ));
        }
        out
    }

    /// Take `load`'s graph and findings, marking stale the pages that read
    /// what changed: the same as a full reload, without reading the files
    /// again.
    pub fn adopt(&mut self, load: FullLoad) -> Change {
        let general = self.findings.general();
        self.graph.caches = load.caches;
        self.findings = load.findings;
        self.findings.add_general(general);
        let todo = self.swap_graph(load.site, load.digests);
        self.pages.forget_list();
        let (rendered, removed) = self.pages.mark_stale(todo, load.pages);
        Change::Pages { rendered, removed }
    }

    /// What a full load to check the project against needs.
    pub fn full_load_job(&self) -> Job {
        Job {
            config: self.config.clone(),
            parsed: self.graph.caches.parsed.clone(),
        }
    }

    /// Check the project against a full load of its sources from nothing
    /// (no kept parse either), take the load's graph where they differ,
    /// and say how they differed: what the randomised tests call after
    /// every edit, and expect to be empty.
    pub fn verify(&mut self) -> Result<Vec<String>> {
        let job = Job {
            config: self.config.clone(),
            parsed: crate::content::Cache::kept(),
        };
        let load = FullLoad::run(job)?;
        let differences = self.differences(&load);
        if !differences.is_empty() {
            self.adopt(load);
            self.render_stale(usize::MAX)?;
        }
        Ok(differences)
    }
}

/// The first few of `items`, and how many more.
fn list(items: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut out = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        out.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    out
}
