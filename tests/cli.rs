//! `briefing check`, `new` and `init`, driven through the binary.

mod common;

use assert_cmd::Command;
use common::TestSite;

fn briefing() -> Command {
    Command::cargo_bin("briefing").unwrap()
}

#[test]
fn check_lists_every_finding_grouped_by_file() {
    let site = TestSite::fixture("check");
    let out = briefing()
        .arg("check")
        .arg(site.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "an unknown key is an error");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let section = |file: &str| -> String {
        let start = stdout
            .find(&format!("{file}\n"))
            .unwrap_or_else(|| panic!("no section for {file}:\n{stdout}"));
        let rest = &stdout[start + file.len() + 1..];
        rest[..rest.find("\n\n").unwrap_or(rest.len())].to_string()
    };
    let old = section("content/articles/old.md");
    assert!(
        old.contains("9       warning mentions Sudan (country) but does not tag it"),
        "{old}"
    );
    assert!(
        old.contains(
            "11      warning link to `#nowhere`: this briefing has no heading with that id"
        ),
        "{old}"
    );
    assert!(
        !old.contains("#background`"),
        "a good anchor is not reported: {old}"
    );
    assert!(
        !old.contains("Kenya (country)"),
        "a tagged mention is fine: {old}"
    );

    let typo = section("content/articles/typo.md");
    assert!(
        typo.contains("4:1     error   unknown field `contries`"),
        "{typo}"
    );
    let near = section("content/articles/near.md");
    assert!(
        near.contains("4       warning `Keyna` matches no country profile; did you mean Kenya?"),
        "{near}"
    );
    assert!(
        near.contains("8       warning [[Sudann]] matches no country, leader, crisis or briefing; did you mean [[Sudan]]?"),
        "{near}"
    );
    assert!(
        near.contains("warning [[Zzyzx]] matches no country, leader, crisis or briefing\n"),
        "{near}"
    );
    assert!(section("content/leaders/mystery.md").contains("country `Atlantis` has no profile"));
    assert!(section("content/leaders/nowhere.md").contains("has no `country`"));
    assert!(section("content/crises/old-war.md")
        .contains("marked active but has no briefing in the last 180 days"));
    assert!(section("content/countries/south-sudan.md")
        .contains("`Sudan` names both Sudan and South Sudan"));
}

/// `check --format json` on a site: the exit code and the parsed document.
fn check_json(site: &TestSite) -> (Option<i32>, serde_json::Value) {
    let out = briefing()
        .args(["check", "--format", "json"])
        .arg(site.path())
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code(), doc)
}

#[test]
fn check_json_is_machine_readable() {
    let site = TestSite::fixture("check");
    let (code, v) = check_json(&site);
    assert_eq!(code, Some(1));
    assert_eq!(v["errors"], 1);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(
        findings.len() as u64,
        v["errors"].as_u64().unwrap() + v["warnings"].as_u64().unwrap()
    );
    assert!(findings
        .iter()
        .any(|f| f["file"] == "content/articles/old.md"
            && f["line"] == 9
            && f["message"] == "mentions Sudan (country) but does not tag it"));
}

#[test]
fn check_exits_0_on_warnings_and_1_under_strict() {
    let site = TestSite::fixture("implicit");
    briefing().arg("check").arg(site.path()).assert().code(0);
    briefing()
        .args(["check", "--strict"])
        .arg(site.path())
        .assert()
        .code(1);
    // check writes nothing.
    assert!(!site.out().exists());
}

#[test]
fn new_and_init_write_files_that_build() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("mysite");
    let out = briefing().arg("init").arg(&dir).output().unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.contains("site.yaml"), "{printed}");
    briefing().arg("init").arg(&dir).assert().code(1);

    let out = briefing()
        .args([
            "new",
            "article",
            "Talks in Nairobi",
            "--country",
            "Kenya",
            "--leader",
            "William Ruto",
            "--site",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let path = String::from_utf8(out.stdout).unwrap();
    assert!(path.trim().ends_with("-talks-in-nairobi.md"), "{path}");
    briefing()
        .args(["new", "country", "Côte d'Ivoire", "--site"])
        .arg(&dir)
        .assert()
        .success();
    briefing()
        .args(["new", "country", "Côte d'Ivoire", "--site"])
        .arg(&dir)
        .assert()
        .code(1);

    briefing()
        .args(["build", "--drafts"])
        .arg(&dir)
        .assert()
        .success();
    let article = std::fs::read_dir(dir.join("public/articles"))
        .unwrap()
        .count();
    assert!(article >= 3, "index, the sample and the new draft");
    assert!(dir
        .join("public/countries/cote-divoire/index.html")
        .is_file());

    // The fresh site checks clean once it has an address (`init` cannot
    // know it, and says so through check); the stubs do not, until they
    // are written.
    let fresh = tempfile::tempdir().unwrap();
    briefing().arg("init").arg(fresh.path()).assert().success();
    let out = check_text(fresh.path(), &["--drafts"]);
    assert_eq!(out.matches("warning").count(), 1, "{out}");
    assert!(out.contains("`base_url: /` is not an absolute"), "{out}");
    let out = check_text(
        fresh.path(),
        &["--drafts", "--base-url", "https://example.org/"],
    );
    assert!(
        out.contains("no problems") || !out.contains("warning"),
        "{out}"
    );
    let out = check_text(&dir, &["--drafts"]);
    assert!(out.contains("content/countries/cote-divoire.md\n"), "{out}");
    assert!(
        out.contains("8       warning still holds the placeholder text from `briefing new`"),
        "{out}"
    );
    assert!(
        out.contains("warning country Côte d'Ivoire has no `region`"),
        "{out}"
    );
    assert!(
        out.contains("-talks-in-nairobi.md\n  14      warning still holds the placeholder text"),
        "{out}"
    );
}

/// `check`'s text report, colourless.
fn check_text(site: &std::path::Path, args: &[&str]) -> String {
    let out = briefing()
        .arg("check")
        .arg(site)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn init_works_in_a_fresh_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    briefing().arg("init").arg(dir.path()).assert().success();
    assert!(dir.path().join("site.yaml").is_file());
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("notes.txt"), "mine").unwrap();
    let out = briefing().arg("init").arg(other.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds `notes.txt`"));
}

#[test]
fn completions_and_man_page_are_printed() {
    for shell in ["bash", "zsh", "fish"] {
        let out = briefing().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        let script = String::from_utf8(out.stdout).unwrap();
        // Every subcommand is offered.
        for sub in ["build", "serve", "check", "new", "init"] {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
    }
    let out = briefing().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH briefing 1"), "{page}");
    assert!(page.contains("serve"), "{page}");
    let out = briefing().arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("briefing {}", env!("CARGO_PKG_VERSION"))
    );
}

/// `check --format json` prints one JSON document whatever goes wrong, so
/// an editor or CI job reading it never gets nothing.
#[test]
fn check_json_is_always_one_document() {
    let missing = TestSite::empty();
    let not_utf8 = TestSite::empty();
    not_utf8.write("content/articles/.keep", "");
    std::fs::write(not_utf8.path().join("site.yaml"), b"title: \xff\xfe\n").unwrap();
    for (site, expected) in [
        (&missing, "has no content/ folder"),
        (&not_utf8, "the file is not valid UTF-8"),
    ] {
        let (code, doc) = check_json(site);
        assert_eq!(code, Some(1));
        assert_eq!(doc["errors"], 1);
        let message = doc["findings"][0]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{message}");
    }
}

#[test]
fn new_refuses_control_characters() {
    let site = TestSite::empty();
    let out = briefing()
        .args(["new", "leader", "X\u{1}", "--site"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("holds the control character U+0001"), "{err}");
    assert!(!site.path().join("content").exists());
}

/// `new article` dates its file by the reference date `build` uses, and a
/// briefing dated after that date is a `check` warning.
#[test]
fn new_articles_are_dated_by_the_reference_date_and_later_ones_are_flagged() {
    let site = TestSite::empty();
    site.write("site.yaml", "title: Pinned\ntoday: 2023-09-21\n");
    let out = briefing()
        .args(["new", "article", "Pinned talks", "--site"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let path = String::from_utf8(out.stdout).unwrap();
    assert!(
        path.trim()
            .ends_with("content/articles/2023/2023-09-21-pinned-talks.md"),
        "{path}"
    );
    // --today wins over site.yaml, as for build.
    let out = briefing()
        .args([
            "new",
            "article",
            "Flagged talks",
            "--today",
            "2023-09-25",
            "--site",
        ])
        .arg(site.path())
        .output()
        .unwrap();
    let path = String::from_utf8(out.stdout).unwrap();
    assert!(
        path.trim().ends_with("2023-09-25-flagged-talks.md"),
        "{path}"
    );
    // That one is after the site's reference date (they are drafts).
    let out = briefing()
        .args(["check", "--drafts"])
        .arg(site.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    assert!(
        text.contains("dated 25 September 2023, after the reference date (21 September 2023)"),
        "{text}"
    );
    assert!(!text.contains("dated 21 September 2023, after"), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("dated 25 September 2023"))
        .unwrap_or_default();
    assert!(
        line.trim_start().starts_with("3 "),
        "points at the date line: {text}"
    );
}

/// `base_url: /` (what `init` writes) gives relative addresses in the
/// sitemap, robots.txt and calendars: `check` warns, so `--strict` fails,
/// and says how to fix it; `--base-url` fixes it for one run.
#[test]
fn check_warns_when_the_site_has_no_absolute_address() {
    let site = TestSite::empty();
    site.write("site.yaml", "title: T\nbase_url: /\n");
    site.write(
        "content/articles/a.md",
        "---\ntitle: A\ndate: 2024-01-01\n---\nText.\n",
    );
    let out = briefing()
        .args(["check", "--strict"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    assert!(text.contains("site.yaml"), "{text}");
    assert!(
        text.contains("`base_url: /` is not an absolute http(s) URL"),
        "{text}"
    );
    assert!(
        text.contains("base_url: https://example.org/briefings/"),
        "{text}"
    );
    briefing()
        .args(["check", "--strict", "--base-url", "https://desk.example/"])
        .arg(site.path())
        .assert()
        .code(0);
}
