//! Times `Project::update` for one kind of front-matter edit, nine times,
//! without the server, the watcher or a browser: the part of an edit's
//! first answer that the graph patch and the page bookkeeping cost.
//!
//! usage: cargo run --release --example patch_timing SITE [title|tag|date|rename]
//!
//! Edits the newest briefing (or, for `rename`, the first leader profile),
//! renders every stale page between edits as serve would in the
//! background, and restores the file at the end. `BRIEFING_TIMINGS=1`
//! prints each phase.

use std::path::{Path, PathBuf};
use std::time::Instant;

use briefing::serve::project::Project;

fn main() {
    let mut args = std::env::args().skip(1);
    let site = PathBuf::from(args.next().expect("usage: patch_timing SITE [KIND]"));
    let kind = args.next().unwrap_or_else(|| "tag".into());
    let path = match kind.as_str() {
        "rename" => last_file(&site.join("content/leaders"), true),
        _ => last_file(&site.join("content/articles/2024"), false),
    };
    let original = std::fs::read_to_string(&path).expect("the file reads");
    let mut project = Project::open(&site, &Default::default()).expect("the site builds");
    let mut times = Vec::new();
    for i in 0..9 {
        let text = edited(&original, &kind, i);
        assert_ne!(
            text, original,
            "the {kind} edit changed nothing in {path:?}"
        );
        std::fs::write(&path, text).expect("the file writes");
        let start = Instant::now();
        project
            .update(std::slice::from_ref(&path))
            .expect("the edit builds");
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        while project.has_stale() {
            project.render_stale(64).expect("pages render");
        }
    }
    std::fs::write(&path, &original).expect("the file is restored");
    times.sort_by(f64::total_cmp);
    println!(
        "{kind}: median {:.1} ms, min {:.1}, max {:.1}",
        times[4], times[0], times[8]
    );
}

/// The first (or last) Markdown file in `dir`, by name.
fn last_file(dir: &Path, first: bool) -> PathBuf {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the folder reads")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    names.sort();
    let pick = if first { names.first() } else { names.last() };
    pick.expect("a Markdown file").clone()
}

/// The `i`th edit of `kind` to `original`'s front matter.
fn edited(original: &str, kind: &str, i: usize) -> String {
    let set = |key: &str, value: &str| -> String {
        original
            .lines()
            .map(|l| match l.starts_with(&format!("{key}: ")) {
                true => format!("{key}: {value}"),
                false => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    };
    match kind {
        "tag" => original.replacen("tags: [", &format!("tags: [bench{i}, "), 1),
        "date" => set("date", &format!("2001-02-1{i}")),
        "rename" => set("name", &format!("Renamed Leader {i}")),
        _ => set("title", &format!("Retitled {i}")),
    }
}
