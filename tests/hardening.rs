//! Hostile and careless input, site-wide: whatever the Markdown and front
//! matter say, no page or feed carries script, ids stay unique, every XML
//! file parses, and nothing outside the site folder is read.

mod common;

use common::{invariants, Rng, TestSite};

/// Fragments a careless or hostile author might write; the randomised test
/// below builds sites from random mixes of them.
const FRAGMENTS: &[&str] = &[
    "## Title {onfocus=alert(1) tabindex=0}\n",
    "Setext {#x onclick=y .c}\n-----\n",
    "# Main\n",
    "## Main\n",
    "## Main-1\n",
    "## Search\n",
    "## Fn note\n",
    "Text[^note] and[^main].\n\n[^note]: A note.\n\n[^main]: Main note.\n",
    "[^note]: Defined twice.\n",
    "[a](javascript:alert(1)) [b](JaVaScRiPt:x) ![i](javascript:x)\n",
    "[c](&#106;avascript:alert(1)) <javascript:alert(1)> [d]( java\tscript:x)\n",
    "[x]: javascript:alert(1)\n\n[ref][x]\n",
    "<img src=x onerror=alert(1)> <svg onload=alert(1)>\n",
    "<script>alert(1)</script>\n",
    "[[Kenya]] [[Kenya|<b onclick=x>]] [[Nowhere]] [[]]\n",
    "Control \u{1} characters \u{c} and \u{1b} escape.\n",
    "Kenya and the war in Sudan, with William Ruto.\n",
    "| t {onclick=x} |\n|---|\n| <i onmouseover=x>c</i> |\n",
    "```\n<script>alert(1)</script>\n```\n",
];

const FRONT: &[&str] = &[
    "title: \"</script><script>alert(1)</script>\"",
    "title: \"Control \\x01 \\f title\"",
    "title: Plain title",
    "summary: \"<img src=x onerror=alert(1)> \\x02\"",
    "tags: ['\"><script>x</script>', \"\\e\"]",
    "countries: [Kenya, \"<b onclick=x>B</b>\"]",
    // A script URL here fails the build (tests/errors.rs); a web address
    // with quotes and angle brackets must stay inside its attribute.
    "sources: [{name: \"<i>e</i>\", url: \"https://example.org/\\\"><script>x</script>\"}]",
];

#[test]
fn no_markdown_or_front_matter_puts_script_on_a_page_or_breaks_a_feed() {
    for seed in 1..=40u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let site = TestSite::empty();
        site.write(
            "content/countries/kenya.md",
            "---\nname: Kenya\n---\nThe [[Kenya]] profile {onclick=x}.\n\n## Main\n",
        );
        let mut chosen = Vec::new();
        for n in 0..3 {
            let front = rng.pick(FRONT);
            let title = if front.starts_with("title:") {
                ""
            } else {
                "title: T\n"
            };
            let body: String = (0..6)
                .map(|_| rng.pick(FRAGMENTS))
                .collect::<Vec<_>>()
                .join("\n");
            let text = format!("---\n{title}{front}\ndate: 2024-0{}-01\n---\n{body}", n + 1);
            site.write(&format!("content/articles/a{n}.md"), &text);
            chosen.push(text);
        }
        if let Err(e) = site.build() {
            panic!("seed {seed}: the build failed: {e:#}\n{chosen:#?}");
        }
        if let Err(e) = invariants::check_output(&site.out()) {
            panic!("seed {seed}: {e}\n{chosen:#?}");
        }
    }
}

#[test]
fn control_characters_are_removed_with_a_warning_and_feeds_parse() {
    let site = TestSite::empty();
    site.write(
        "content/articles/ctl.md",
        "---\ntitle: \"Bad \\x01 title\"\ndate: 2024-01-01\n---\nA body \u{1b} with \u{c} controls.\n",
    );
    let report = site.build_ok();
    let text: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        text.iter().any(|w| w.starts_with(
            "warning: content/articles/ctl.md:2: `title`: removed the control character U+0001"
        )),
        "{text:#?}"
    );
    assert!(
        text.iter().any(|w| w.starts_with(
            "warning: content/articles/ctl.md:5:8: removed the control character U+001B (2 in all)"
        )),
        "{text:#?}"
    );
    let feed = std::fs::read_to_string(site.out().join("atom.xml")).unwrap();
    roxmltree::Document::parse(&feed).expect("the feed parses");
    assert!(feed.contains("Bad  title"));
}

#[cfg(unix)]
#[test]
fn symbolic_links_in_the_sources_are_skipped_with_a_warning() {
    let site = TestSite::fixture("links");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(
        elsewhere.path().join("outside.md"),
        "---\ntitle: From outside\ndate: 2024-01-01\n---\nSecret.\n",
    )
    .unwrap();
    std::fs::write(elsewhere.path().join("passwd"), "root").unwrap();
    std::os::unix::fs::symlink(
        elsewhere.path().join("outside.md"),
        site.path().join("content/articles/outside.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.path().join("content/articles/more"))
        .unwrap();
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    std::os::unix::fs::symlink(
        elsewhere.path().join("passwd"),
        site.path().join("static/passwd.txt"),
    )
    .unwrap();
    let report = site.build_ok();
    let text: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    for link in [
        "content/articles/more",
        "content/articles/outside.md",
        "static/passwd.txt",
    ] {
        assert!(
            text.iter().any(|w| w.starts_with(&format!(
                "warning: {link}: this is a symbolic link, so it was skipped"
            ))),
            "{link}: {text:#?}"
        );
    }
    assert!(!site.has_page("articles/outside/"));
    assert!(!site.out().join("passwd.txt").exists());
    // Under --strict a skipped file is an error.
    let err = site.build_err(&briefing::BuildOptions {
        strict: true,
        ..Default::default()
    });
    assert!(
        err.contains("error: content/articles/outside.md: this is a symbolic link"),
        "{err}"
    );
}

/// A right-to-left override in a name or title (U+202E) would reverse the
/// page's own text after it. Each value's directional controls are closed
/// where the value ends, and names in running text sit in `<bdi>`.
#[test]
fn direction_overrides_in_names_cannot_reorder_the_page() {
    let site = TestSite::empty();
    site.write(
        "content/leaders/evil.md",
        "---\nname: \"Evil\u{202e}Name\"\ncountry: Kenya\noffice: \"Chair\u{2067}man\"\n---\nA profile.\n",
    );
    site.write(
        "content/articles/a.md",
        "---\ntitle: \"Title \u{202e}reversed\"\nslug: title-reversed\ndate: 2024-01-01\nleaders: [\"Evil\u{202e}Name\"]\ntags: [\"\u{202c}stray\"]\n---\nText.\n",
    );
    site.build_ok();
    let article = site.page("articles/title-reversed/");
    assert!(
        article.contains(
            "<bdi>Evil\u{202e}Name\u{202c}</bdi></a>, <bdi>Chair\u{2067}man\u{2069}</bdi>"
        ),
        "{article}"
    );
    let kenya = site.page("countries/kenya/");
    assert!(
        kenya.contains("<bdi>Evil\u{202e}Name\u{202c}</bdi>"),
        "{kenya}"
    );
    assert!(site
        .page("articles/")
        .contains("<bdi>Title \u{202e}reversed\u{202c}</bdi>"));
    // Every run of text and every attribute value is balanced on its own,
    // in every file the build wrote.
    for entry in walkdir::WalkDir::new(site.out()) {
        let entry = entry.unwrap();
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        for run in text.split(['<', '>', '"', '\n']) {
            assert_eq!(
                briefing::text::balance_bidi(run),
                None,
                "{}: `{run}` leaves a direction open",
                entry.path().display()
            );
        }
    }
}
