//! What `check` says about a language other than the default: which
//! profiles it shows untranslated (for information), and which of its
//! names would be read as another entity's than in the default language.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Severity};
use crate::graph::{EntityId, Site};

/// Every name and alias of the site's entities, folded as names are
/// matched, with the entity each one names and that entity's name.
pub fn names(site: &Site) -> HashMap<String, (EntityId, String)> {
    let mut out = HashMap::new();
    for e in site.entities.values() {
        for n in std::iter::once(&e.name).chain(&e.aliases) {
            out.entry(crate::text::fold(n))
                .or_insert_with(|| (e.id.clone(), e.name.clone()));
        }
    }
    out
}

/// The language a source file is written in, from its suffix
/// (`talks.fr.md`); `None` for the default's own files.
pub fn file_language(path: &Path) -> Option<&str> {
    let stem = path.file_stem()?.to_str()?;
    let (_, suffix) = stem.rsplit_once('.')?;
    crate::config::is_language_code(suffix).then_some(suffix)
}

/// One note per profile the language shows in the default's words: the
/// page works, and a translator may want the list.
pub fn untranslated(site: &Site) -> Vec<Diagnostic> {
    let lang = site.config.language();
    site.entities
        .values()
        .filter(|e| e.untranslated)
        .filter_map(|e| {
            let source = e.source.as_ref()?;
            let mut d = Diagnostic::warning(format!(
                "{} has no translation into `{lang}`; its `{lang}` page shows the original",
                e.name
            ))
            .in_file(source)
            .with_help(format!(
                "translate it in `{}`, with `name`, `aliases` and the text",
                translation_path(source, lang)
            ));
            d.severity = Severity::Note;
            Some(d)
        })
        .collect()
}

fn translation_path(source: &Path, lang: &str) -> String {
    let stem = source.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    source
        .with_file_name(format!("{stem}.{lang}.md"))
        .display()
        .to_string()
}

/// A name this language gives one entity that the default language gives
/// another: in this language it links the first, which a writer who knows
/// the default's names may not expect.
pub fn clashes(site: &Site, default: &HashMap<String, (EntityId, String)>) -> Vec<Diagnostic> {
    let lang = site.config.language();
    let mut out = Vec::new();
    for e in site.entities.values().filter(|e| !e.untranslated) {
        for n in std::iter::once(&e.name).chain(&e.aliases) {
            let Some((other, other_name)) = default.get(&crate::text::fold(n)) else {
                continue;
            };
            if *other == e.id {
                continue;
            }
            let Some(source) = &e.source else { continue };
            out.push(
                Diagnostic::warning(format!(
                    "`{n}` names {} in `{lang}`, but {other_name} in the default language; `{lang}` briefings that write it link {}",
                    e.name, e.name
                ))
                .in_file(Path::new(&translation_path(source, lang)))
                .with_help(format!(
                    "drop `{n}` from the translation's names, or give {other_name} another name"
                )),
            );
        }
    }
    out
}
