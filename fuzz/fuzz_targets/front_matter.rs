//! Fuzz target: see `tests/common/fuzz_entries.rs`, which `cargo test`
//! also runs over this target's committed corpus.
#![no_main]

#[path = "../../tests/common/invariants.rs"]
mod invariants;
#[path = "../../tests/common/fuzz_entries.rs"]
mod fuzz_entries;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_entries::front_matter(data));
