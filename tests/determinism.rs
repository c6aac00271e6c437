//! The output does not depend on the number of threads: a ~300-briefing
//! generated corpus built with one thread and with several is identical,
//! byte for byte, search index included. (Correctness, not speed: there
//! are no timings here.)

mod common;
#[path = "../examples/support/corpus.rs"]
mod corpus;

use common::snapshot_dir;

/// Build in a process of its own, whose global rayon pool has `threads`
/// threads: the search index is built on a thread of the build's own,
/// which a pool installed in this process would not reach.
fn build_with_threads(site: &std::path::Path, out: &std::path::Path, threads: usize) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("build")
        .arg(site)
        .arg("--output")
        .arg(out)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn one_thread_and_many_give_the_same_site() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    corpus::write_briefing_site(&corpus::generate(300, 7), &site, true).unwrap();

    build_with_threads(&site, &dir.path().join("one"), 1);
    build_with_threads(&site, &dir.path().join("many"), 4);
    let one = snapshot_dir(&dir.path().join("one"));
    let many = snapshot_dir(&dir.path().join("many"));
    assert!(one.len() > 300 * 2, "pages and index files: {}", one.len());
    let index = |p: &&std::path::PathBuf| p.starts_with("search-index");
    assert!(
        one.keys().filter(index).count() > 10,
        "the search index is compared"
    );
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        many.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &one {
        assert!(
            many[path] == *bytes,
            "{} differs between thread counts",
            path.display()
        );
    }
}
