//! The example site in `content/` builds, every page is reachable from the
//! home page, and no internal link is broken, also when only `content/` is
//! present and when deployed under a sub-path.

mod common;

use std::path::Path;

use briefing::BuildOptions;
use common::{copy_dir, crawl, html_files, TestSite};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn assert_fully_linked(out: &Path, base_path: &str) {
    let result = crawl(out, base_path);
    assert!(
        result.broken.is_empty(),
        "broken links: {:#?}",
        result.broken
    );
    let mut unreached: Vec<_> = html_files(out)
        .difference(&result.reached)
        .cloned()
        .collect();
    // Each language's "not found" page is what a host serves for a wrong
    // address, so nothing links it.
    unreached.retain(|p| !p.ends_with("404.html"));
    assert!(
        unreached.is_empty(),
        "pages not reachable from the home page: {unreached:#?}"
    );
}

#[test]
fn example_site_builds_strictly_and_is_fully_linked() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let options = BuildOptions {
        strict: true,
        ..BuildOptions::default()
    };
    let report =
        briefing::build(repo(), Some(&public), &options).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(report.warnings.is_empty());
    assert_fully_linked(&public, "/");

    // The site covers what the seed report names.
    for page in [
        "countries/kenya/",
        "countries/united-states/",
        "countries/haiti/",
        "countries/sudan/",
        "countries/dr-congo/",
        "countries/somalia/",
        "countries/dominican-republic/",
        "countries/canada/",
        "countries/ukraine/",
        "leaders/william-ruto/",
        "leaders/antony-blinken/",
        "leaders/ariel-henry/",
        "leaders/luis-abinader/",
        "leaders/justin-trudeau/",
        "crises/haiti-security-crisis/",
        "crises/war-in-sudan/",
        "crises/eastern-drc-conflict/",
        "crises/al-shabaab-in-somalia/",
    ] {
        let file = public.join(page).join("index.html");
        let html = std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("missing {page}"));
        // Every profile has a body, not the "no profile yet" note.
        assert!(!html.contains("There is no profile"), "{page}");
    }
    let articles = std::fs::read_dir(public.join("articles")).unwrap().count();
    assert!(articles >= 5, "at least four briefings plus the index");
}

#[test]
fn a_folder_with_only_content_builds_with_the_built_in_theme() {
    let site = TestSite::empty();
    copy_dir(&repo().join("content"), &site.path().join("content"));
    site.build_ok();
    assert!(site.out().join("style.css").is_file());
    assert!(site.page("").contains("<title>Briefings</title>"));
    assert_fully_linked(&site.out(), "/");
}

#[test]
fn example_site_under_a_sub_path_is_fully_linked() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let options = BuildOptions {
        base_url: Some("https://example.org/briefings/".into()),
        ..BuildOptions::default()
    };
    briefing::build(repo(), Some(&public), &options).unwrap();
    assert_fully_linked(&public, "/briefings/");
}

#[test]
fn every_page_has_one_h1_a_skip_link_and_landmarks() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    briefing::build(repo(), Some(&public), &BuildOptions::default()).unwrap();
    for page in html_files(&public) {
        let html = std::fs::read_to_string(public.join(&page)).unwrap();
        assert_eq!(html.matches("<h1").count(), 1, "{}", page.display());
        assert!(
            html.contains(r##"<a class="skip-link" href="#main">"##),
            "{}",
            page.display()
        );
        for landmark in ["<header", "<nav", "<main id=\"main\"", "<footer"] {
            assert!(
                html.contains(landmark),
                "{} lacks {landmark}",
                page.display()
            );
        }
        // The example is in English, with some pages in French and Arabic.
        let lang = match page
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
        {
            Some("fr") => r#"<html lang="fr">"#,
            Some("ar") => r#"<html lang="ar" dir="rtl">"#,
            _ => r#"<html lang="en">"#,
        };
        assert!(
            html.starts_with(&format!("<!DOCTYPE html>\n{lang}")),
            "{}",
            page.display()
        );
    }
}
