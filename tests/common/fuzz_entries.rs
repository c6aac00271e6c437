//! The fuzz targets' bodies, kept here so that `cargo test` runs every
//! committed corpus input through exactly the code the fuzzer ran (see
//! `tests/fuzz_corpus.rs`), without libFuzzer. Each panics when an
//! invariant breaks, which is what the fuzzer looks for.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use briefing::content::frontmatter::{
    ArticleFrontMatter, CountryFrontMatter, CrisisFrontMatter, Date, LeaderFrontMatter, PartialDate,
};
use briefing::content::{parse_document, EntityKind};
use briefing::graph::EntityId;
use briefing::markdown::{self, DocContext, EntityLinks, LinkIndex};

use super::invariants;

/// Front matter of every kind, and the date forms: errors are fine, panics
/// are not.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("content/articles/fuzz.md");
    let _ = parse_document::<ArticleFrontMatter>(text, path);
    let _ = parse_document::<CountryFrontMatter>(text, path);
    let _ = parse_document::<LeaderFrontMatter>(text, path);
    let _ = parse_document::<CrisisFrontMatter>(text, path);
    let first = text.lines().next().unwrap_or("");
    let _ = Date::parse(first);
    let _ = PartialDate::parse(first);
}

fn link_index(raw_html: bool) -> LinkIndex {
    let kenya = EntityId::new(EntityKind::Country, "kenya");
    let ruto = EntityId::new(EntityKind::Leader, "william-ruto");
    let sudan = EntityId::new(EntityKind::Crisis, "war-in-sudan");
    let mut entities = EntityLinks::default();
    entities.wiki.insert(
        "kenya".to_string(),
        ("/countries/kenya/".to_string(), kenya.clone()),
    );
    let mut wiki = HashMap::new();
    wiki.insert("other".to_string(), "/articles/other/".to_string());
    let mut by_path = HashMap::new();
    by_path.insert(
        PathBuf::from("content/articles/other.md"),
        "/articles/other/".to_string(),
    );
    entities.names = vec![
        ("Kenya".into(), kenya, "/countries/kenya/".into()),
        (
            "William Ruto".into(),
            ruto.clone(),
            "/leaders/william-ruto/".into(),
        ),
        ("Ruto".into(), ruto, "/leaders/william-ruto/".into()),
        ("War in Sudan".into(), sudan, "/crises/war-in-sudan/".into()),
    ];
    LinkIndex::new(raw_html, by_path, wiki, entities)
}

/// The Markdown pipeline (links, wikilinks, mentions, heading ids): with
/// raw HTML off, no event handler or script URL comes out, and ids are
/// unique among themselves and the theme's.
pub fn markdown(data: &[u8]) {
    let body = String::from_utf8_lossy(data);
    let tagged: HashSet<EntityId> = [EntityId::new(EntityKind::Country, "kenya")].into();
    let doc = DocContext {
        path: Path::new("content/articles/fuzz.md"),
        body_line: 5,
        tagged: &tagged,
    };
    let out = markdown::render(&body, &doc, &link_index(false));
    let theme: String = markdown::THEME_IDS
        .iter()
        .map(|id| format!("<i id=\"{id}\"></i>"))
        .collect();
    if let Err(e) = invariants::check_html(&format!("{theme}{}", out.html)) {
        panic!("{e}\nfrom Markdown {body:?}\nto HTML {}", out.html);
    }
    let unique: HashSet<&String> = out.headings.iter().map(|h| &h.id).collect();
    assert_eq!(unique.len(), out.headings.len(), "{:?}", out.headings);
    // With raw HTML on anything goes, but nothing may panic.
    markdown::render(&body, &doc, &link_index(true));
}

/// A whole one-briefing site (plus a profile it can name): a build may
/// fail, but it must not panic, and what it writes keeps every invariant:
/// pages without script, XML that parses, and nothing but its own files.
pub fn site_build(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let site = tempfile::tempdir().expect("temp dir");
    let write = |rel: &str, text: &str| {
        let p = site.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("content/articles/fuzz.md", text);
    write(
        "content/countries/kenya.md",
        "---\nname: Kenya\naliases: [Republic of Kenya]\n---\nA country.\n",
    );
    let out = site.path().join("public");
    let options = briefing::BuildOptions {
        drafts: true,
        ..Default::default()
    };
    if briefing::build(site.path(), Some(&out), &options).is_err() {
        assert!(!out.exists(), "a failed first build wrote output");
        return;
    }
    if let Err(e) = invariants::check_output(&out) {
        panic!("{e}\nfrom {text:?}");
    }
    invariants::check_only_own_files(&out).unwrap_or_else(|e| panic!("{e}"));
}
