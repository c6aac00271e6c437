//! Embeds the default theme (`templates/` and `static/`) into the binary, so a
//! site that has only `content/` still builds with no theme folder of its own.

use std::env;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, prefix: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(&path, &prefix.join(&name), out);
        } else {
            let rel = prefix.join(&name).to_string_lossy().replace('\\', "/");
            out.push((rel, path.canonicalize().expect("theme file path")));
        }
    }
}

fn write_table(out: &mut impl Write, name: &str, files: &[(String, PathBuf)]) {
    writeln!(out, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
    for (rel, abs) in files {
        writeln!(
            out,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=static");
    let mut templates = Vec::new();
    collect(&root.join("templates"), Path::new(""), &mut templates);
    let mut statics = Vec::new();
    collect(&root.join("static"), Path::new(""), &mut statics);
    // Cargo only re-runs on directory mtime changes; list files too so edits to
    // a template rebuild the binary.
    for (_, abs) in templates.iter().chain(&statics) {
        println!("cargo:rerun-if-changed={}", abs.display());
    }
    let dest = PathBuf::from(env::var("OUT_DIR").unwrap()).join("theme.rs");
    let mut file = fs::File::create(dest).unwrap();
    write_table(&mut file, "TEMPLATES", &templates);
    write_table(&mut file, "STATIC", &statics);
}
