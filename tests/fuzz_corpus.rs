//! Every fuzz target over its committed corpus (`fuzz/corpus/<target>/`), as
//! a regression test: the inputs that once found a bug, the fixtures, and
//! what the fuzzer kept. The long runs are recorded in FUZZING.md.

mod common;

use std::path::Path;

fn run_corpus(target: &str, entry: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 10, "{target}: only {} inputs", inputs.len());
    for input in inputs {
        let data = std::fs::read(&input).unwrap();
        let outcome = std::panic::catch_unwind(|| entry(&data));
        assert!(outcome.is_ok(), "{target} failed on {}", input.display());
    }
}

#[test]
fn front_matter_corpus() {
    run_corpus("front_matter", common::fuzz_entries::front_matter);
}

#[test]
fn markdown_corpus() {
    run_corpus("markdown", common::fuzz_entries::markdown);
}

#[test]
fn site_build_corpus() {
    run_corpus("site_build", common::fuzz_entries::site_build);
}
