//! Incremental equals full: random sequences of edits, each followed by
//! `serve`'s incremental rebuild, must leave exactly the files a fresh full
//! build of the same sources gives. Seeded and reproducible; a failure
//! prints the seed and the edits so far.

mod common;

use std::path::PathBuf;

use briefing::serve::Project;
use briefing::BuildOptions;
use common::{Rng, TestSite};

const COUNTRIES: &[&str] = &["Kenya", "Sudan", "Haiti", "Chad"];
const TAGS: &[&str] = &["diplomacy", "security", "UNGA 78", "aid"];
const TITLES: &[&str] = &[
    "Talks in Nairobi",
    "A vote at the Council",
    "Aid convoys stopped",
    "Ceasefire holds",
    "Mission approved",
];
const SENTENCES: &[&str] = &[
    "Kenya offered to lead the mission.",
    "The war in Sudan entered a new phase.",
    "William Ruto spoke in New York.",
    "See [[Kenya]] and [[Haiti]].",
    "Compare [the earlier note](a1.md).",
    // A link to another briefing by its title, whose target is retitled,
    // renamed and removed by later steps (the line above links by file).
    "As [[A vote at the Council]] said.",
    "Nothing else changed.",
    // Names that come and go as profiles and aliases change, so a body
    // kept from an earlier load must be rendered again when they do.
    "The Republic of Kenya voted yes.",
    "Officials in Kenia agreed.",
    "President Ruto met William S. Ruto's staff.",
    "Chad closed its border.",
    // A file beside the briefings, which comes, changes size and goes.
    "![The map](map.png \"Where | Credit: us\")",
];

fn article(rng: &mut Rng, day: usize) -> String {
    let countries: Vec<&str> = (0..1 + rng.below(2)).map(|_| rng.pick(COUNTRIES)).collect();
    let tag = rng.pick(TAGS);
    let crisis = if rng.below(2) == 0 {
        "crises: [War in Sudan]\n"
    } else {
        ""
    };
    // Two leaders in some, so they become each other's contacts.
    let leader = [
        "leaders: [William Ruto]\n",
        "leaders: [William Ruto, Antony Blinken]\n",
        "",
        "",
        "leaders: [Secretary Blinken]\n",
    ][rng.below(5)];
    format!(
        "---\ntitle: {}\ndate: 2024-0{}-{:02}\ncountries: [{}]\ntags: [{tag}]\n{crisis}{leader}---\n{}\n\n{}\n",
        rng.pick(TITLES),
        1 + day % 9,
        1 + day % 28,
        countries.join(", "),
        rng.pick(SENTENCES),
        rng.pick(SENTENCES),
    )
}

/// A briefing book naming only what every site has a profile for, dated
/// among the briefings so that each edit may move what it shows.
fn book(rng: &mut Rng) -> String {
    let counterparts = ["[William Ruto]", "[Ruto]", "[]"][rng.below(3)];
    let crises = ["[War in Sudan]", "[]"][rng.below(2)];
    format!(
        "---\ntitle: Meeting in {}\ndate: 2024-0{}-{:02}\nprincipal: William Ruto\ncounterparts: {counterparts}\ncountries: [Kenya, Sudan]\ncrises: {crises}\n---\n## Talking points\n\n{}\n\n{}\n",
        rng.pick(COUNTRIES),
        1 + rng.below(9),
        1 + rng.below(28),
        rng.pick(SENTENCES),
        rng.pick(SENTENCES),
    )
}

fn seed_site(site: &TestSite, rng: &mut Rng, every_profile: bool) {
    if every_profile {
        // With every name profiled, the crisis's countries that come and
        // go are profiled too, so its edits can be patched; without, a
        // country named only by the crisis comes and goes with it.
        for name in ["Haiti", "Chad", "Eritrea"] {
            site.write(
                &format!("content/countries/{}.md", name.to_lowercase()),
                &format!("---\nname: {name}\n---\nA country.\n"),
            );
        }
        site.write(
            "content/leaders/antony-blinken.md",
            "---\nname: Antony Blinken\n---\nSecretary of State.\n",
        );
    }
    site.write(
        "content/countries/kenya.md",
        "---\nname: Kenya\nregion: East Africa\n---\nA country in East Africa.\n",
    );
    site.write(
        "content/countries/sudan.md",
        "---\nname: Sudan\n---\nSudan.\n",
    );
    site.write(
        "content/leaders/william-ruto.md",
        "---\nname: William Ruto\naliases: [Ruto]\ncountry: Kenya\noffice: President of Kenya\n---\nPresident.\n",
    );
    site.write(
        "content/crises/war-in-sudan.md",
        "---\nname: War in Sudan\nstatus: active\ncountries: [Sudan]\n---\nThe war.\n",
    );
    for i in 1..=4 {
        site.write(&format!("content/articles/a{i}.md"), &article(rng, i * 3));
    }
    site.write("content/books/meeting.md", &book(rng));
}

/// Briefing files present now.
fn articles(site: &TestSite) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(site.path().join("content/articles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .collect();
    out.sort();
    out
}

/// Every kind of edit.
const ANY_EDIT: &[usize] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
/// Edits to one file at a time that `serve` may patch into its graph:
/// briefings (body, front matter, new, removed, renamed) and profiles (a
/// crisis's status and dossier, an alias, a leader's new name, a leader's
/// aliases coming and going while briefings may use them), beside a
/// briefing book that is edited, removed and written again (a load).
const PATCHABLE_EDITS: &[usize] = &[0, 1, 1, 1, 4, 5, 6, 2, 3, 12, 13, 14];

/// What a batch of several files breaks, and how the next batch fixes it.
struct Broken {
    path: String,
    fixed: String,
}

/// A save of several files at once (a `git pull`, a search and replace)
/// that leaves one of them briefly broken: the batch must fail, and the
/// next batch, which fixes that file, must apply the others' edits too.
fn broken_batch(site: &TestSite, rng: &mut Rng, step: usize) -> (String, Vec<PathBuf>, Broken) {
    let files = articles(site);
    let mut paths = Vec::new();
    for name in files.iter().take(1 + rng.below(2)) {
        let f = format!("content/articles/{name}");
        site.write(&f, &article(rng, step * 5 + paths.len()));
        paths.push(PathBuf::from(f));
    }
    let target = format!("content/articles/{}", files[files.len() - 1]);
    let fixed = article(rng, step * 3);
    let bad = fixed.replacen("date: ", "date: not a date ", 1);
    site.write(&target, &bad);
    paths.push(target.clone().into());
    let what = format!("batch of {} files, {target} broken", paths.len());
    (
        what,
        paths,
        Broken {
            path: target,
            fixed,
        },
    )
}

/// Apply one random edit of the `kinds` given; returns a description and
/// the paths it touched.
fn edit(site: &TestSite, rng: &mut Rng, step: usize, kind: usize) -> (String, Vec<PathBuf>) {
    let files = articles(site);
    let some = |rng: &mut Rng| format!("content/articles/{}", files[rng.below(files.len())]);
    let read = |rel: &str| std::fs::read_to_string(site.path().join(rel)).unwrap();
    match kind {
        0 => {
            let f = some(rng);
            let text = format!("{}\n{}\n", read(&f), rng.pick(SENTENCES));
            site.write(&f, &text);
            (format!("body edit {f}"), vec![f.into()])
        }
        1 => {
            let f = some(rng);
            let day = step * 7 + rng.below(5);
            site.write(&f, &article(rng, day));
            (format!("front matter edit {f}"), vec![f.into()])
        }
        2 => {
            let f = "content/crises/war-in-sudan.md";
            let status = ["active", "resolved", "dormant"][rng.below(3)];
            // Sometimes with an assessment and a key date, which the home
            // page, the index cards and the calendar show.
            let dossier = if rng.below(2) == 0 {
                format!("assessments:\n  - month: 2024-0{}\n    trend: {status_trend}\ndates:\n  - date: 2024-0{}-01\n    title: A vote\n", 1 + rng.below(9), 1 + rng.below(9), status_trend = ["improved", "deteriorated", "unchanged"][rng.below(3)])
            } else {
                String::new()
            };
            // Countries that come and go: Eritrea has no profile anywhere,
            // so naming it makes a page that dropping it must remove.
            let countries =
                ["[Sudan]", "[Sudan]", "[Sudan, Eritrea]", "[Sudan, Chad]"][rng.below(4)];
            site.write(f, &format!("---\nname: War in Sudan\nstatus: {status}\ncountries: {countries}\n{dossier}---\nThe war, {status}.\n"));
            (
                format!("profile edit {f} ({status}, {countries}) {dossier:?}"),
                vec![f.into()],
            )
        }
        3 if rng.below(2) == 0 => {
            // A new display name, the old one kept as an alias so
            // references still resolve: every link to him changes.
            let f = "content/leaders/william-ruto.md";
            let name = ["William Ruto", "William S. Ruto", "President Ruto"][rng.below(3)];
            // Offices change the titles briefings give him as of their dates.
            let positions = ["", "positions:\n  - office: President of Kenya\n    from: 2024-03-01\n  - office: Deputy President\n    from: 2013\n    to: 2024-03-01\n"][rng.below(2)];
            site.write(f, &format!("---\nname: {name}\naliases: [Ruto, William Ruto, William S. Ruto, President Ruto]\ncountry: Kenya\n{positions}---\nPresident.\n"));
            (format!("rename leader to {name}"), vec![f.into()])
        }
        3 => {
            let f = "content/countries/kenya.md";
            let alias = ["Republic of Kenya", "Kenia", "KE"][rng.below(3)];
            site.write(
                f,
                &format!(
                    "---\nname: Kenya\naliases: [{alias}]\nregion: East Africa\n---\nA country.\n"
                ),
            );
            (format!("alias {alias} on {f}"), vec![f.into()])
        }
        4 => {
            let f = format!("content/articles/n{step}.md");
            site.write(&f, &article(rng, step));
            (format!("add {f}"), vec![f.into()])
        }
        5 if files.len() > 2 => {
            let f = some(rng);
            std::fs::remove_file(site.path().join(&f)).unwrap();
            (format!("remove {f}"), vec![f.into()])
        }
        6 => {
            let f = some(rng);
            let to = format!("content/articles/r{step}.md");
            std::fs::rename(site.path().join(&f), site.path().join(&to)).unwrap();
            (format!("rename {f} to {to}"), vec![f.into(), to.into()])
        }
        7 => {
            let f = "templates/article.html";
            let text = if rng.below(3) == 0 {
                std::fs::remove_file(site.path().join(f)).ok();
                "removed".to_string()
            } else {
                let n = rng.below(100);
                site.write(f, &format!("{{% extends \"base.html\" %}}{{% block main %}}<h1>{{{{ article.title }}}}</h1><p>v{n}</p>{{{{ article.body | safe }}}}{{% endblock %}}"));
                format!("v{n}")
            };
            (format!("template {f} {text}"), vec![f.into()])
        }
        8 => {
            let f = "static/extra.css";
            site.write(f, &format!("p {{ margin: {}px; }}\n", rng.below(9)));
            (format!("static {f}"), vec![f.into()])
        }
        9 => {
            // A profile for a name the briefings already use, or its
            // removal: the name starts or stops being an entity's.
            let f = "content/countries/chad.md";
            if site.path().join(f).exists() {
                std::fs::remove_file(site.path().join(f)).unwrap();
                (format!("remove {f}"), vec![f.into()])
            } else {
                site.write(f, "---\nname: Chad\naliases: [Tchad]\n---\nA country.\n");
                (format!("add {f}"), vec![f.into()])
            }
        }
        10 => {
            let f = "content/articles/map.png";
            if rng.below(3) == 0 {
                std::fs::remove_file(site.path().join(f)).ok();
                (format!("remove {f}"), vec![f.into()])
            } else {
                let (w, h) = (1 + rng.below(500) as u32, 1 + rng.below(500) as u32);
                std::fs::write(site.path().join(f), png_header(w, h)).unwrap();
                (format!("write {f} {w}x{h}"), vec![f.into()])
            }
        }
        14 => {
            let f = "content/books/meeting.md";
            if site.path().join(f).exists() && rng.below(4) == 0 {
                std::fs::remove_file(site.path().join(f)).unwrap();
                (format!("remove {f}"), vec![f.into()])
            } else {
                let text = book(rng);
                site.write(f, &text);
                (format!("book {f}: {text:?}"), vec![f.into()])
            }
        }
        12 => {
            let f = "content/leaders/antony-blinken.md";
            let aliases = ["", "Secretary Blinken", "Tony Blinken"][rng.below(3)];
            site.write(
                f,
                &format!(
                    "---\nname: Antony Blinken\naliases: [{aliases}]\n---\nSecretary of State.\n"
                ),
            );
            (format!("aliases [{aliases}] on {f}"), vec![f.into()])
        }
        _ => {
            let title = ["Briefings", "Desk notes", "The tracker"][rng.below(3)];
            site.write("site.yaml", &format!("title: {title}\n"));
            (format!("site.yaml title {title}"), vec!["site.yaml".into()])
        }
    }
}

/// The start of a PNG of `w` by `h` pixels: all an image's size is read
/// from.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend(w.to_be_bytes());
    b.extend(h.to_be_bytes());
    b.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    b
}

fn differences(project: &Project, fresh: &Project) -> Vec<String> {
    let mut out = Vec::new();
    for (path, bytes) in fresh.files() {
        match project.files().get(path) {
            None => out.push(format!("missing {path}")),
            Some(b) if b != bytes => out.push(format!("differs {path}")),
            _ => {}
        }
    }
    for path in project.files().keys() {
        if !fresh.files().contains_key(path) {
            out.push(format!("extra {path}"));
        }
    }
    out.sort();
    out
}

fn sequences() -> u64 {
    std::env::var("INCREMENTAL_SEQUENCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

#[test]
fn incremental_rebuilds_equal_full_builds() {
    run_sequences(sequences(), false, ANY_EDIT);
}

/// With a profile for every name the briefings use, most edits to one
/// briefing or profile are patched into the kept graph rather than loaded
/// again: the patch must give what a full build gives, too.
#[test]
fn patched_edits_equal_full_builds() {
    let (patched, edits) = run_sequences(sequences(), true, PATCHABLE_EDITS);
    eprintln!("patched {patched} of {edits} edits");
    // Body edits and edits a patch declines (a link to the edited file or
    // to its title, a finding in it) go other ways; two in five must be
    // patches, or this test tests little.
    assert!(
        patched * 5 > edits * 2,
        "only {patched} of {edits} edits were patched"
    );
}

/// Run seeded sequences of 10 edits of the `kinds` given, checking each
/// against a fresh build. Returns the patched updates and the edits made
/// other than broken batches.
fn run_sequences(sequences: u64, every_profile: bool, kinds: &[usize]) -> (usize, usize) {
    let mut patched = 0;
    // Broken batches, which are never patched and are left out of the
    // share of edits patched.
    let mut batches = 0;
    // A reference date among the generated dates, so offices, key dates
    // and assessments fall on both sides of it.
    let options = BuildOptions {
        today: chrono::NaiveDate::from_ymd_opt(2024, 5, 15),
        ..BuildOptions::default()
    };
    for seed in 1..=sequences {
        let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
        let site = TestSite::empty();
        seed_site(&site, &mut rng, every_profile);
        let mut project = Project::open(site.path(), &options).unwrap();
        let mut done = Vec::new();
        for step in 0..10 {
            let kind = kinds[rng.below(kinds.len())];
            let paths = if kind == 13 {
                let (what, paths, broken) = broken_batch(&site, &mut rng, step);
                batches += 1;
                done.push(what);
                let before = project.files().clone();
                assert!(
                    project.rebuild(&paths).is_err(),
                    "seed {seed}: the broken batch built\nedits: {done:#?}"
                );
                assert!(
                    *project.files() == before,
                    "seed {seed}: a failed batch changed the site"
                );
                site.write(&broken.path, &broken.fixed);
                done.push(format!("fix {}", broken.path));
                vec![PathBuf::from(broken.path)]
            } else {
                let (what, paths) = edit(&site, &mut rng, step, kind);
                done.push(what);
                paths
            };
            if let Err(e) = project.rebuild(&paths) {
                panic!("seed {seed}: rebuild failed: {e:#}\nedits: {done:#?}");
            }
            // The graph the edits made, item by item, and the findings
            // shown, against a full load of the same files.
            let inconsistent = project.verify().unwrap();
            assert!(inconsistent.is_empty(), "seed {seed}: after {} edits the graph differs from a full load: {inconsistent:#?}\nedits: {done:#?}", done.len());
            let fresh = Project::open(site.path(), &options).unwrap();
            assert_eq!(
                project.warnings(),
                fresh.warnings(),
                "seed {seed}: findings differ\nedits: {done:#?}"
            );
            let diff = differences(&project, &fresh);
            assert!(diff.is_empty(), "seed {seed}: after {} edits the incremental build differs: {diff:#?}\nedits: {done:#?}", done.len());
            // The search index is built from the kept records: they too must
            // be what a fresh load makes.
            let records = |p: &Project| format!("{:#?}", p.search_records().records);
            assert_eq!(
                records(&project),
                records(&fresh),
                "seed {seed}: search records differ\nedits: {done:#?}"
            );
        }
        patched += project.patches();
    }
    (patched, sequences as usize * 10 - batches)
}
