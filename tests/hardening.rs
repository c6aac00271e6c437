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

/// Dates at the ends of what the build accepts (the first and last days of
/// years 1 and 9999, an instant whose UTC day is the last one, terms given
/// as a bare year) are written so that every reader can parse them: no
/// five-digit or signed year in a page, a feed, JSON-LD or a calendar.
#[test]
fn dates_at_the_edges_of_the_years_are_written_correctly_everywhere() {
    let site = TestSite::empty();
    site.write(
        "content/articles/last.md",
        "---\ntitle: Last\ndate: 9999-12-31T23:00:00+00:00\nupdated: 9999-12-31\ncountries: [Kenya]\nleaders: [Zed]\ncrises: [Last crisis]\n---\nBody.\n",
    );
    site.write(
        "content/articles/first.md",
        "---\ntitle: First\ndate: 0001-01-01\ncountries: [Kenya]\n---\nBody.\n",
    );
    site.write(
        "content/leaders/zed.md",
        "---\nname: Zed\npositions:\n  - office: Last office\n    from: 9999-12\n    to: 9999\n---\n",
    );
    site.write(
        "content/crises/last.md",
        "---\nname: Last crisis\nstatus: active\nstarted: 9999\nassessments:\n  - month: 9999-12\n    trend: improved\ndates:\n  - date: 9999-12-31\n    title: Last day\n  - date: 0001-01-01\n    title: First day\n---\n",
    );
    for today in ["9999-12-31", "0001-01-01", "2024-01-15"] {
        let options = briefing::BuildOptions {
            today: chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d").ok(),
            ..Default::default()
        };
        site.build_with(&options)
            .unwrap_or_else(|e| panic!("{today}: {e:#}"));
        invariants::check_output(&site.out()).unwrap_or_else(|e| panic!("{today}: {e}"));
        for entry in walkdir::WalkDir::new(site.out()) {
            let entry = entry.unwrap();
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            for bad in [
                "+10000",
                "10000-",
                "100000101",
                "datetime=\"-",
                "datetime=\"+",
                ": \"-0",
                ": \"+",
            ] {
                assert!(
                    !text.contains(bad),
                    "{today}: {} writes `{bad}`",
                    entry.path().display()
                );
            }
            for value in common::attr_values(&text, "datetime") {
                let ok = chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d").is_ok()
                    || chrono::NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d")
                        .is_ok()
                    || value.len() == 4 && value.parse::<u32>().is_ok()
                    || chrono::DateTime::parse_from_rfc3339(&value).is_ok();
                assert!(
                    ok,
                    "{today}: datetime=\"{value}\" in {}",
                    entry.path().display()
                );
            }
        }
    }
    // A reference date that cannot be written is refused, not written.
    let options = briefing::BuildOptions {
        today: chrono::NaiveDate::from_ymd_opt(10000, 1, 1),
        ..Default::default()
    };
    let err = format!("{:#}", site.build_with(&options).unwrap_err());
    assert!(err.contains("outside the years 1 to 9999"), "{err}");
}
