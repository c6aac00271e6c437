//! Sites that must fail: each gives a clear error naming the file (and line
//! and column where known) and leaves the previous output byte-for-byte as it
//! was.

mod common;

use assert_cmd::Command;
use briefing::BuildOptions;
use common::{copy_dir, snapshot_dir, TestSite};
use std::path::Path;

/// Build a good site, then lay the failing fixture over it and build again.
/// Returns the error text after checking the old output is untouched.
fn fails_and_keeps_output(fixture: &str) -> String {
    let site = TestSite::empty();
    site.write(
        "content/articles/good.md",
        "---\ntitle: Good\ndate: 2024-01-01\ncountries: [Kenya]\n---\nFine.\n",
    );
    site.build_ok();
    let before = snapshot_dir(&site.out());
    assert!(before.len() > 5);

    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    copy_dir(&src, site.path());
    let err = site.build_err(&BuildOptions::default());
    assert_eq!(
        snapshot_dir(&site.out()),
        before,
        "the failed build changed the output"
    );
    // Nothing is left behind beside the output either.
    let names: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".briefing"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    err
}

#[test]
fn unknown_key_names_the_line_and_suggests_the_key() {
    let err = fails_and_keeps_output("fail-unknown-key");
    assert!(
        err.contains("error: content/articles/typo.md:4:1: unknown field `contries`"),
        "{err}"
    );
    assert!(err.contains("did you mean `countries`?"), "{err}");
}

#[test]
fn bad_date_says_which_forms_work() {
    let err = fails_and_keeps_output("fail-bad-date");
    assert!(
        err.contains("error: content/articles/when.md:3: `date`: `20/09/2023` is not a date"),
        "{err}"
    );
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn yaml_syntax_error_has_line_and_column() {
    let err = fails_and_keeps_output("fail-yaml-syntax");
    assert!(
        err.contains("error: content/articles/broken.md:5:1:"),
        "{err}"
    );
}

#[test]
fn missing_title_is_named() {
    let err = fails_and_keeps_output("fail-missing-title");
    assert!(err.contains("content/articles/untitled.md"), "{err}");
    assert!(err.contains("missing required field `title`"), "{err}");
}

#[test]
fn a_file_without_front_matter_is_explained() {
    let err = fails_and_keeps_output("fail-no-front-matter");
    assert!(
        err.contains(
            "error: content/articles/plain.md:1:1: the file does not start with front matter"
        ),
        "{err}"
    );
}

#[test]
fn duplicate_slugs_name_both_files() {
    let err = fails_and_keeps_output("fail-duplicate-slug");
    assert!(err.contains("content/articles/2024/summit.md"), "{err}");
    assert!(
        err.contains("already used by content/articles/2023/summit.md"),
        "{err}"
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let err = fails_and_keeps_output("fail-profiles");
    assert!(
        err.contains(
            "error: content/countries/kenya.md:3: `iso: KEN` is not an ISO 3166-1 alpha-2 code"
        ),
        "{err}"
    );
    assert!(
        err.contains("error: content/leaders/william-ruto.md:3:1: unknown field `ofice`"),
        "{err}"
    );
    assert!(err.contains("did you mean `office`?"), "{err}");
    assert!(
        err.contains(
            "error: content/crises/war-in-sudan.md:3: `started`: `April 2023` is not a date"
        ),
        "{err}"
    );
    assert!(err.contains("build failed: 3 errors"), "{err}");
}

#[test]
fn site_yaml_unknown_key() {
    let err = fails_and_keeps_output("fail-site-yaml");
    assert!(
        err.contains("error: site.yaml:2:1: unknown field `titel`"),
        "{err}"
    );
    assert!(err.contains("did you mean `title`?"), "{err}");
}

#[test]
fn template_errors_name_the_template() {
    let err = fails_and_keeps_output("fail-template");
    assert!(err.contains("article.html"), "{err}");
    assert!(err.contains("templates"), "{err}");
}

fn briefing() -> Command {
    Command::cargo_bin("briefing").unwrap()
}

#[test]
fn cli_exits_1_and_prints_every_error() {
    let site = TestSite::fixture("fail-profiles");
    let out = briefing().arg("build").arg(site.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("error: content/").count(), 3, "{stderr}");
    assert!(!site.out().exists());
}

#[test]
fn cli_prints_warnings_and_exits_0() {
    let site = TestSite::fixture("implicit");
    let out = briefing().arg("build").arg(site.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning: content/articles/b.md:5"),
        "{stderr}"
    );
    assert!(stderr.contains("1 warning"), "{stderr}");

    let out = briefing()
        .arg("build")
        .arg(site.path())
        .arg("--strict")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn cli_refuses_output_folders_that_hold_sources() {
    let site = TestSite::fixture("drafts");
    for bad in [
        ".",
        "content",
        "content/public",
        "templates/out",
        "static",
        "..",
    ] {
        let out = briefing()
            .arg("build")
            .arg(site.path())
            .arg("--output")
            .arg(site.path().join(bad))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "--output {bad} was accepted");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains("refusing"), "{stderr}");
    }
    // The sources are untouched.
    assert!(site.path().join("content/articles/published.md").exists());
}

#[test]
fn cli_refuses_to_replace_a_folder_it_did_not_write() {
    let site = TestSite::fixture("drafts");
    site.write("docs/notes.txt", "someone's notes");
    let out = briefing()
        .arg("build")
        .arg(site.path())
        .arg("-o")
        .arg(site.path().join("docs"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(site.path().join("docs/notes.txt")).unwrap(),
        "someone's notes"
    );
}

#[test]
fn missing_content_folder_is_explained() {
    let site = TestSite::empty();
    let out = briefing().arg("build").arg(site.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("has no content/ folder"), "{stderr}");
}

#[test]
fn the_yaml_traps_newcomers_hit_say_how_to_fix_them() {
    let err = fails_and_keeps_output("fail-yaml-traps");
    for expected in [
        "error: content/articles/colon.md:2:13: mapping values are not allowed in this context\n  2 | title: Kenya: a briefing\n    |             ^\n  help: a value that contains `: ` must be in quotes: write `title: \"Kenya: a briefing\"`",
        "error: content/articles/bracket.md:2:8: title: invalid type: sequence, expected a string\n  2 | title: [Draft] Kenya update\n    |        ^\n  help: a value that starts with `[` or `{` is read as a list or a map; put it in quotes: `title: \"[Draft] Kenya update\"`",
        "error: content/articles/tabs.md:5:1: a tab character in the front matter\n  5 |  - Kenya\n    | ^\n  help: indent with spaces",
    ] {
        assert!(err.contains(expected), "expected\n{expected}\nin\n{err}");
    }
}

#[test]
fn years_outside_1_to_9999_are_refused() {
    let err = fails_and_keeps_output("fail-negative-year");
    assert!(
        err.contains(
            "error: content/articles/old.md:3: `date`: `-001-01-01` has a year outside 1 to 9999"
        ),
        "{err}"
    );
    assert!(
        err.contains("error: content/articles/future.md:3: `date`: `10000-01-01T00:00:00Z` "),
        "{err}"
    );
}

#[test]
fn a_number_where_a_list_of_names_belongs_names_the_field() {
    let err = fails_and_keeps_output("fail-number-list");
    assert!(
        err.contains("error: content/articles/five.md:4:12: countries: invalid type: integer `5`, expected a name or a list of names"),
        "{err}"
    );
    assert!(!err.contains("untagged enum"), "{err}");
}

/// 100,000 levels once took minutes in the YAML parser; the depth is now
/// refused before parsing. (How fast is measured in FUZZING.md, not here.)
#[test]
fn deeply_nested_front_matter_is_refused_before_parsing() {
    let err = fails_and_keeps_output("fail-deep-yaml");
    assert!(
        err.contains(
            "error: content/articles/deep.md:4: the front matter nests more than 64 levels deep"
        ),
        "{err}"
    );
}

#[test]
fn profiles_whose_file_names_give_one_slug_name_every_file() {
    let err = fails_and_keeps_output("fail-profile-slugs");
    for file in ["content/countries/Sudan.md", "content/countries/sudan.md"] {
        assert!(
            err.contains(&format!("error: {file}: 2 files make the country page `sudan`: content/countries/Sudan.md, content/countries/sudan.md")),
            "{err}"
        );
    }
    assert!(
        err.contains("error: content/leaders/abiy-ahmed.md: 2 files make the leader page `abiy-ahmed`: content/leaders/abiy-ahmed.md, content/leaders/abiy_ahmed.md"),
        "{err}"
    );
}

#[test]
fn a_static_file_at_a_pages_path_names_both() {
    let err = fails_and_keeps_output("fail-static-page");
    assert!(
        err.contains("error: static/articles/a/index.html: static/articles/a/index.html would be written where the page /articles/a/ (from content/articles/a.md) goes"),
        "{err}"
    );
}

/// A link to a briefing that failed says so, rather than blaming drafts.
#[test]
fn links_to_a_broken_or_draft_briefing_say_which() {
    let site = TestSite::empty();
    site.write(
        "content/articles/linker.md",
        "---\ntitle: Linker\ndate: 2024-01-01\n---\nSee [broken](broken.md), [draft](draft.md) and [gone](gone.md).\n",
    );
    site.write(
        "content/articles/broken.md",
        "---\ntitle: Broken\ndate: 2024-13-01\n---\nBody.\n",
    );
    site.write(
        "content/articles/draft.md",
        "---\ntitle: Draft\ndate: 2024-01-01\ndraft: true\n---\nBody.\n",
    );
    let err = site.build_err(&BuildOptions::default());
    assert!(
        err.contains("warning: content/articles/linker.md:5: link to `broken.md` points at content/articles/broken.md, which failed to build"),
        "{err}"
    );
    assert!(
        err.contains("link to `draft.md` points at content/articles/draft.md, which is a draft"),
        "{err}"
    );
    assert!(
        err.contains(
            "link to `gone.md` points at content/articles/gone.md, which is not a briefing"
        ),
        "{err}"
    );
}

/// An include loop overflowed the stack (exit 134); it is now an error
/// naming the templates, from the real binary.
#[test]
fn a_template_include_loop_is_an_error_not_a_crash() {
    let err = fails_and_keeps_output("fail-include-loop");
    assert!(
        err.contains("the templates include each other in a loop: partials/one.html -> partials/two.html -> partials/one.html"),
        "{err}"
    );
    let site = TestSite::fixture("fail-include-loop");
    let out = Command::cargo_bin("briefing")
        .unwrap()
        .arg("build")
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

#[test]
fn a_control_character_in_site_yaml_is_refused() {
    let site = TestSite::empty();
    site.write(
        "content/articles/a.md",
        "---\ntitle: A\ndate: 2024-01-01\n---\nA.\n",
    );
    site.write("site.yaml", "title: \"Desk \\x01 notes\"\n");
    let err = site.build_err(&BuildOptions::default());
    assert!(
        err.contains("error: site.yaml:1: `title`: holds the control character U+0001"),
        "{err}"
    );
}

#[test]
fn dossier_mistakes_are_errors_with_the_line_and_a_suggestion() {
    let err = fails_and_keeps_output("fail-dossier");
    for expected in [
        "error: content/crises/bad-assessments.md:6: unknown trend `deteriorating`",
        "did you mean `deteriorated`? trend is one of deteriorated, improved, unchanged",
        "error: content/crises/bad-assessments.md:9: unknown alert `risks`",
        "did you mean `risk`? alert is one of risk, opportunity",
        "error: content/crises/bad-assessments.md:10: two assessments for October 2023",
        "error: content/leaders/backwards.md:6: the position `Prime Minister` ends (1 January 2019) before it starts (1 May 2020)",
        "error: content/leaders/both-forms.md:4: this profile has both `positions` and `office`/`term`",
        "error: content/crises/bad-numbers.md:5: the figure `displaced`: it is not a finite number (`.nan` or `.inf`)",
        "error: content/crises/bad-numbers.md:8: the figure `killed`: it is not a finite number (`.nan` or `.inf`)",
        "error: content/crises/bad-numbers.md:12: the figure `injured`: its `min` is larger than its `max`",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

#[test]
fn unsafe_source_urls_are_errors_naming_file_line_and_field() {
    let err = fails_and_keeps_output("fail-unsafe-urls");
    for (place, value) in [
        (
            "content/articles/sourced.md:9:10: sources[1].url",
            "`JaVaScRiPt:alert(3)` is not a web address",
        ),
        (
            "content/crises/assessed.md:10:12: assessments[0].source.url",
            "`javascript:alert(document.cookie)` is not a web address",
        ),
        (
            "content/crises/counted.md:11:12: figures[0].source.url",
            "`data:text/html;base64,",
        ),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(place))
            .unwrap_or_else(|| panic!("no error at {place}:\n{err}"));
        assert!(line.contains(value), "{line}");
        assert!(line.contains("starting with `https://`"), "{line}");
    }
    // A source written as a bare name says what a source needs.
    assert!(
        err.contains("content/articles/bare.md:4:11: sources[0]: invalid type: string \"Reuters\", expected a source with `name` and `url`, such as `{name: UN News, url: \"https://news.un.org/\"}`"),
        "{err}"
    );
    assert!(
        err.contains("content/crises/named.md:7:13: assessments[0].source: invalid type: sequence, expected a source with `name` and `url`"),
        "{err}"
    );
}

#[test]
fn a_file_beside_a_briefing_cannot_replace_a_generated_page() {
    let err = fails_and_keeps_output("fail-bundle-collision");
    assert!(
        err.contains(
            "error: content/articles/page/index.md: content/articles/page/2/index.html would be published as articles/page/2/index.html, where the page /articles/page/2/ goes"
        ),
        "{err}"
    );
    assert!(err.contains("give the briefing another `slug`"), "{err}");
}

#[test]
fn two_profiles_with_one_iso_code_fail_and_a_name_of_another_code_warns() {
    let err = fails_and_keeps_output("fail-country-codes");
    // `ke` is KE: the second file in path order is named, the first in the hint.
    assert!(
        err.contains("error: content/countries/kenya-again.md: Kenya and Republic of Kenya both have `iso: KE`"),
        "{err}"
    );
    assert!(
        err.contains("merge this file into content/countries/kenya.md"),
        "{err}"
    );
    assert!(
        err.contains("warning: content/countries/tanzania.md: `Tanzania` is the name of United Republic of Tanzania (TZ), but this profile has `iso: UG`, which is Uganda"),
        "{err}"
    );
    assert!(err.contains("write `iso: TZ`"), "{err}");
}

#[test]
fn a_book_names_only_what_the_site_knows_and_every_problem_is_reported() {
    let err = fails_and_keeps_output("fail-book");
    for expected in [
        "error: content/books/typos.md:4: `end` is before `date`",
        "error: content/books/typos.md:5: `Boris Brunn` is no leader on this site; did you mean Boris Brun?",
        "error: content/books/typos.md:6: `Kenya` is no leader on this site",
        "error: content/books/bad-date.md:3: `date`: `21/09/2023` is not a date",
        "error: content/books/bad-date.md:4: `Boris Brunn` is no leader on this site; did you mean Boris Brun?",
        "error: content/books/unknown-key.md:4:1: unknown field `agenda`",
    ] {
        assert!(err.contains(expected), "missing {expected}\n{err}");
    }
    assert!(err.contains("build failed: 6 errors"), "{err}");
}
