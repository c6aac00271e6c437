//! The output does not depend on the number of threads: a ~300-briefing
//! generated corpus built with one thread and with several is identical,
//! byte for byte. (Correctness, not speed: there are no timings here.)

mod common;
#[path = "../examples/support/corpus.rs"]
mod corpus;

use briefing::BuildOptions;
use common::snapshot_dir;

fn build_with_threads(site: &std::path::Path, out: &std::path::Path, threads: usize) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| briefing::build(site, Some(out), &BuildOptions::default()))
        .unwrap_or_else(|e| panic!("{e:#}"));
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
