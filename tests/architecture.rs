//! The shape of the code, checked: no module imports one that imports it
//! back, directly or round a circle. A folder's `mod.rs` and its own
//! children share items both ways (that is what a folder is for), so only
//! imports between modules that are not each other's ancestors count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

/// Every module of `src`, by path, with its text (tests left out).
fn modules(src: &Path) -> BTreeMap<Module, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(src).unwrap().with_extension("");
        let mut name: Module = rel
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        if matches!(
            name.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            name.pop();
        }
        let text = std::fs::read_to_string(path).unwrap();
        let text = match text.find("#[cfg(test)]\nmod tests") {
            Some(at) => text[..at].to_string(),
            None => text,
        };
        out.insert(name, text);
    }
    out
}

/// The modules `from` names through `crate::`, `super::` or `self::` paths.
fn imports(from: &Module, text: &str, all: &BTreeMap<Module, String>) -> BTreeSet<Module> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find(['c', 's']) {
        let tail = &rest[at..];
        rest = &rest[at + 1..];
        let start_ok = !rest_char_before(text, tail).is_some_and(is_ident);
        if !start_ok
            || !(tail.starts_with("crate::")
                || tail.starts_with("super::")
                || tail.starts_with("self::"))
        {
            continue;
        }
        let path: Vec<&str> = tail
            .split(|c: char| !(is_ident(c) || c == ':'))
            .next()
            .unwrap()
            .split("::")
            .filter(|s| !s.is_empty())
            .collect();
        let mut base: Module = if path[0] == "crate" {
            vec![]
        } else {
            from.clone()
        };
        let mut parts = &path[..];
        if parts[0] == "crate" {
            parts = &parts[1..];
        }
        while let Some(first) = parts.first() {
            match *first {
                "super" => {
                    base.pop();
                }
                "self" => {}
                _ => break,
            }
            parts = &parts[1..];
        }
        let target = (1..=parts.len()).rev().find_map(|i| {
            let mut m = base.clone();
            m.extend(parts[..i].iter().map(|s| s.to_string()));
            all.contains_key(&m).then_some(m)
        });
        if let Some(t) = target.or_else(|| (!base.is_empty()).then_some(base)) {
            let related = t.starts_with(from) || from.starts_with(&t);
            if !related {
                out.insert(t);
            }
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The character just before `tail` in `text`.
fn rest_char_before(text: &str, tail: &str) -> Option<char> {
    let at = text.len() - tail.len();
    text[..at].chars().next_back()
}

/// The modules on a circle of imports, each circle once (Tarjan).
fn circles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'a> {
        graph: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        found: Vec<Vec<Module>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Module) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        for w in &s.graph[v] {
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                s.low.insert(v, s.low[v].min(lw));
            } else if s.stack.contains(&w) {
                let iw = s.index[w];
                s.low.insert(v, s.low[v].min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let at = s.stack.iter().position(|m| *m == v).unwrap();
            let circle: Vec<Module> = s.stack.drain(at..).cloned().collect();
            if circle.len() > 1 {
                s.found.push(circle);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.found
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let all = modules(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path());
    let graph: BTreeMap<Module, BTreeSet<Module>> = all
        .iter()
        .map(|(m, text)| (m.clone(), imports(m, text, &all)))
        .collect();
    let found: Vec<String> = circles(&graph)
        .into_iter()
        .map(|c| {
            c.iter()
                .map(|m| m.join("::"))
                .collect::<Vec<_>>()
                .join(" <-> ")
        })
        .collect();
    assert!(found.is_empty(), "import circles: {found:#?}");
    // The check sees imports at all: render::pages reads through render::reader.
    assert!(graph[&vec!["render".to_string(), "pages".to_string()]]
        .contains(&vec!["render".to_string(), "reader".to_string()]));
}

#[test]
fn the_check_finds_a_circle() {
    let mut all = BTreeMap::new();
    all.insert(vec!["a".to_string()], "use crate::b::X;".to_string());
    all.insert(
        vec!["b".to_string()],
        "fn f() { super::c::g() }".to_string(),
    );
    all.insert(vec!["c".to_string()], "use crate::a;".to_string());
    let graph: BTreeMap<Module, BTreeSet<Module>> = all
        .iter()
        .map(|(m, text)| (m.clone(), imports(m, text, &all)))
        .collect();
    assert_eq!(circles(&graph).len(), 1);
}
