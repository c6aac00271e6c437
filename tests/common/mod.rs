//! Shared helpers for the integration tests: fixture sites copied into a
//! temporary folder, builds, and a crawler over the written pages.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

use briefing::BuildOptions;

pub mod fuzz_entries;
pub mod invariants;

pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>`, so tests never write into the repo.
    pub fn fixture(name: &str) -> TestSite {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        assert!(src.is_dir(), "no fixture {}", src.display());
        let site = TestSite::empty();
        copy_dir(&src, site.path());
        site
    }

    pub fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.path().join("public")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    pub fn build(&self) -> anyhow::Result<briefing::BuildReport> {
        self.build_with(&BuildOptions::default())
    }

    pub fn build_with(&self, options: &BuildOptions) -> anyhow::Result<briefing::BuildReport> {
        briefing::build(self.path(), None, options)
    }

    /// Build, panicking with the full error if it fails.
    pub fn build_ok(&self) -> briefing::BuildReport {
        self.build()
            .unwrap_or_else(|e| panic!("build failed: {e:#}"))
    }

    /// Build and return the error text, panicking if the build succeeds.
    pub fn build_err(&self, options: &BuildOptions) -> String {
        match self.build_with(options) {
            Ok(_) => panic!("build should have failed"),
            Err(e) => format!("{e:#}"),
        }
    }

    /// A page of the built site by URL path, e.g. `countries/kenya/`.
    pub fn page(&self, url_path: &str) -> String {
        let mut p = self.out().join(url_path.trim_start_matches('/'));
        if url_path.is_empty() || url_path.ends_with('/') {
            p.push("index.html");
        }
        fs::read_to_string(&p).unwrap_or_else(|e| panic!("no page {}: {e}", p.display()))
    }

    pub fn has_page(&self, url_path: &str) -> bool {
        self.out()
            .join(url_path.trim_start_matches('/'))
            .join("index.html")
            .exists()
    }
}

pub fn copy_dir(src: &Path, dst: &Path) {
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(src).unwrap();
        let target = dst.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, for byte-for-byte comparisons.
pub fn snapshot_dir(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Values of `attr="..."` in `html`, unescaped for `&amp;`.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap()].replace("&amp;", "&")
        })
        .collect()
}

/// Links (with their text) from the element `<a ...>` in `html`. A name
/// isolated in `<bdi>` counts as its text.
pub fn links(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<a ") {
        rest = &rest[i..];
        let tag_end = rest.find('>').unwrap();
        let tag = &rest[..tag_end];
        let close = rest.find("</a>").unwrap();
        let text = &rest[tag_end + 1..close];
        if let Some(href) = attr_values(tag, "href").into_iter().next() {
            let text = text.strip_prefix("<bdi>").unwrap_or(text);
            let text = text.strip_suffix("</bdi>").unwrap_or(text);
            out.push((href, text.to_string()));
        }
        rest = &rest[close..];
    }
    out
}

/// Result of crawling a built site from its home page.
pub struct Crawl {
    /// HTML files reached, relative to the output folder.
    pub reached: BTreeSet<PathBuf>,
    /// (page, href) pairs whose target does not exist.
    pub broken: Vec<(PathBuf, String)>,
}

/// Follow every internal link from `index.html`, checking that targets and
/// `#fragments` exist. `base_path` is the site's URL prefix, e.g. `/`.
pub fn crawl(out: &Path, base_path: &str) -> Crawl {
    let mut reached = BTreeSet::new();
    let mut broken = Vec::new();
    let mut queue = VecDeque::from([PathBuf::from("index.html")]);
    while let Some(page) = queue.pop_front() {
        if !reached.insert(page.clone()) {
            continue;
        }
        let html = fs::read_to_string(out.join(&page)).unwrap();
        // Links, embedded files, and form targets (the search box).
        let targets = attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
            .chain(attr_values(&html, "action"));
        for href in targets {
            if href.starts_with("http:")
                || href.starts_with("https:")
                || href.starts_with("mailto:")
            {
                continue;
            }
            let (path, fragment) = match href.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (href.clone(), None),
            };
            let target = if path.is_empty() {
                page.clone()
            } else if let Some(rel) = path.strip_prefix(base_path) {
                let mut t = PathBuf::from(rel);
                if rel.is_empty() || rel.ends_with('/') {
                    t.push("index.html");
                }
                t
            } else {
                broken.push((page.clone(), href.clone()));
                continue;
            };
            let file = out.join(&target);
            if !file.is_file() {
                broken.push((page.clone(), href.clone()));
                continue;
            }
            if let Some(f) = fragment {
                let body = fs::read_to_string(&file).unwrap();
                if !body.contains(&format!("id=\"{f}\"")) {
                    broken.push((page.clone(), href.clone()));
                }
            }
            if target.extension().is_some_and(|e| e == "html") {
                queue.push_back(target);
            }
        }
    }
    Crawl { reached, broken }
}

/// Every HTML page written under `out`. Redirect pages (an entity's old
/// addresses, linked from nowhere) are not pages a reader reaches and are
/// left out; `is_redirect` tells them.
pub fn html_files(out: &Path) -> BTreeSet<PathBuf> {
    snapshot_dir(out)
        .into_iter()
        .filter(|(p, bytes)| p.extension().is_some_and(|e| e == "html") && !is_redirect(bytes))
        .map(|(p, _)| p)
        .collect()
}

/// Whether a written HTML file is a redirect page.
pub fn is_redirect(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes).contains("<meta http-equiv=\"refresh\"")
}

/// The contents of every `<script>` element, with its opening tag.
pub fn scripts(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<script") {
        rest = &rest[i..];
        let tag_end = rest.find('>').unwrap();
        let close = rest.find("</script>").expect("script is closed");
        out.push((
            rest[..tag_end + 1].to_string(),
            rest[tag_end + 1..close].to_string(),
        ));
        rest = &rest[close + "</script>".len()..];
    }
    out
}

/// Every JSON-LD block on the page, parsed.
pub fn json_ld(html: &str) -> Vec<serde_json::Value> {
    scripts(html)
        .into_iter()
        .filter(|(tag, _)| tag.contains("application/ld+json"))
        .map(|(_, body)| {
            serde_json::from_str(&body)
                .unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{body}"))
        })
        .collect()
}

/// The only scripts on a page are the theme's own files and JSON-LD data.
pub fn assert_only_theme_scripts(html: &str, page: &str) {
    for (tag, body) in scripts(html) {
        let theme_file = ["/site.js", "/search.js"]
            .iter()
            .any(|f| tag.contains(&format!("src=\"{f}\"")))
            && body.is_empty();
        let data = tag == r#"<script type="application/ld+json">"#
            || tag == r#"<script type="application/json" id="search-words">"#;
        assert!(
            theme_file || data,
            "unexpected script on /{page}: {tag}{body}"
        );
    }
}

/// A small, seeded generator for randomised tests: reproducible without a
/// dependency (xorshift).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 33) as usize
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.next() % n
    }

    pub fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// Build options with the reference date pinned to `day` (YYYY-MM-DD), so
/// nothing depends on the day the tests run.
#[allow(dead_code)]
pub fn on(day: &str) -> BuildOptions {
    BuildOptions {
        today: Some(chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap()),
        ..BuildOptions::default()
    }
}
