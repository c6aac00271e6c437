//! The README's front-matter examples stay true: each one parses as the type
//! it documents.

use std::path::Path;

use briefing::content::frontmatter::{
    ArticleFrontMatter, BookFrontMatter, CountryFrontMatter, CrisisFrontMatter, LeaderFrontMatter,
};
use briefing::content::{parse_document, Document};

#[test]
fn readme_front_matter_examples_parse() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut checked = Vec::new();
    for block in readme.split("```yaml\n").skip(1) {
        let yaml = &block[..block.find("```").unwrap()];
        let path = Path::new("README.md");
        if !yaml.starts_with("---") {
            // A fragment that any profile may hold, such as `dates:`.
            let text = format!("---\nname: X\n{yaml}---\nBody.\n");
            let doc = parse_document::<CountryFrontMatter>(&text, path)
                .unwrap_or_else(|e| panic!("README fragment does not parse: {e}\n{yaml}"));
            assert!(!doc.front.dates.is_empty(), "{yaml}");
            checked.push("key dates");
            continue;
        }
        let text = format!("{yaml}Body.\n");
        let kind = if yaml.contains("\nprincipal:") {
            parse_document::<BookFrontMatter>(&text, path).map(|_: Document<_>| "book")
        } else if yaml.contains("\ntitle:") {
            parse_document::<ArticleFrontMatter>(&text, path).map(|_: Document<_>| "article")
        } else if yaml.contains("\niso:") {
            parse_document::<CountryFrontMatter>(&text, path).map(|_: Document<_>| "country")
        } else if yaml.contains("\npositions:") {
            parse_document::<LeaderFrontMatter>(&text, path).map(|_: Document<_>| "leader")
        } else {
            parse_document::<CrisisFrontMatter>(&text, path).map(|_: Document<_>| "crisis")
        };
        checked.push(kind.unwrap_or_else(|e| panic!("README example does not parse: {e}\n{yaml}")));
    }
    assert_eq!(
        checked,
        [
            "article",
            "country",
            "leader",
            "crisis",
            "key dates",
            "book"
        ]
    );
}

/// The sh blocks under a README heading, each as its command lines
/// (comments and trailing `# …` notes dropped).
fn commands_under(readme: &str, heading: &str) -> Vec<String> {
    let start = readme
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("README has no section `{heading}`"));
    let rest = &readme[start + heading.len() + 5..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut out = Vec::new();
    for block in section.split("```sh\n").skip(1) {
        for line in block[..block.find("```").unwrap()].lines() {
            let line = line.split(" #").next().unwrap().trim();
            if !line.is_empty() {
                out.push(line.to_string());
            }
        }
    }
    out
}

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The quick start works as written, on a fresh folder: every command but
/// `serve`, which would not return.
#[test]
fn readme_quick_start_runs() {
    let commands = commands_under(&readme(), "Quick start: your own site");
    assert!(commands.len() >= 5, "{commands:?}");
    let dir = tempfile::tempdir().unwrap();
    let mut cwd = dir.path().to_path_buf();
    for line in &commands {
        if let Some(folder) = line.strip_prefix("cd ") {
            cwd = cwd.join(folder);
            continue;
        }
        let args = shell_words(line);
        assert_eq!(args[0], "briefing", "{line}");
        if args[1] == "serve" {
            continue;
        }
        let out = assert_cmd::Command::cargo_bin("briefing")
            .unwrap()
            .args(&args[1..])
            .current_dir(&cwd)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`{line}` failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(cwd.join("public/index.html").is_file());
}

/// Words of a command line, with "double quotes" keeping spaces.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    words.extend((!word.is_empty()).then_some(word));
    words
}

/// The GitHub Pages workflow is valid YAML of the shape Actions reads, and
/// the briefing commands it runs are the README's own.
#[test]
fn deploy_workflow_runs_the_readme_commands() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/deploy/github-pages.yml");
    let workflow: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let steps = workflow["jobs"]["build"]["steps"]
        .as_sequence()
        .expect("jobs.build.steps is a list");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let readme = readme();
    let published = commands_under(&readme, "Quick start: your own site");
    let mut briefing_runs = 0;
    // The workflow passes the address Pages gives; the README an example.
    let address = |line: &str| {
        let words = shell_words(line);
        let at = words.iter().position(|w| w == "--base-url");
        let words: Vec<String> = match at {
            Some(i) => [&words[..i], &words[i + 2..]].concat(),
            None => words,
        };
        (words, at.is_some())
    };
    for run in &runs {
        if run.starts_with("briefing ") {
            briefing_runs += 1;
            let (words, has_address) = address(run);
            assert!(has_address, "`{run}` passes the Pages address");
            assert!(
                published
                    .iter()
                    .any(|c| address(c) == (words.clone(), true)),
                "`{run}` is not in the README's quick start"
            );
        } else {
            assert!(run.starts_with("cargo install --locked --git "), "{run}");
            assert!(
                readme.contains("`cargo install --locked --git <"),
                "the README names the install"
            );
        }
    }
    assert_eq!(briefing_runs, 2, "check and build: {runs:?}");
    let uploads = steps
        .iter()
        .filter(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact"))
        })
        .map(|s| s["with"]["path"].as_str().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(uploads, ["public"]);
    let configure = steps
        .iter()
        .find(|s| s["id"].as_str() == Some("pages"))
        .expect("a step asks Pages for the address");
    assert!(configure["uses"]
        .as_str()
        .unwrap()
        .starts_with("actions/configure-pages"));
    for s in steps.iter().filter(|s| {
        s["run"]
            .as_str()
            .is_some_and(|r| r.starts_with("briefing "))
    }) {
        assert_eq!(
            s["env"]["BASE_URL"].as_str(),
            Some("${{ steps.pages.outputs.base_url }}/")
        );
    }
    assert!(workflow["jobs"]["deploy"]["steps"][0]["uses"]
        .as_str()
        .unwrap()
        .starts_with("actions/deploy-pages"));
}
