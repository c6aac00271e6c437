//! Write a deterministic synthetic corpus for benchmarks.
//!
//! `cargo run --release --example gen_corpus -- [--plain] N OUT_DIR [HUGO_DIR [ZOLA_DIR]]`
//! writes N briefings (with profiles) as a briefing site in OUT_DIR and, if
//! given, the same articles as a Hugo site in HUGO_DIR and a Zola site in
//! ZOLA_DIR. `--plain` leaves
//! out the dossier fields, for a baseline binary that predates them.

#[path = "support/corpus.rs"]
mod corpus;

use std::path::PathBuf;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let plain = args.first().is_some_and(|a| a == "--plain");
    if plain {
        args.remove(0);
    }
    if args.len() < 2 {
        eprintln!("usage: gen_corpus [--plain] N OUT_DIR [HUGO_DIR [ZOLA_DIR]]");
        std::process::exit(2);
    }
    let n: usize = args[0].parse().expect("N is a number");
    let corpus = corpus::generate(n, 42);
    corpus::write_briefing_site(&corpus, &PathBuf::from(&args[1]), !plain)
        .expect("write the briefing site");
    if let Some(hugo) = args.get(2) {
        corpus::write_hugo_site(&corpus, &PathBuf::from(hugo)).expect("write the Hugo site");
    }
    if let Some(zola) = args.get(3) {
        corpus::write_zola_site(&corpus, &PathBuf::from(zola)).expect("write the Zola site");
    }
    eprintln!("wrote {n} briefings");
}
