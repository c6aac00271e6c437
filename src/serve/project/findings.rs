//! The findings serve shows, keyed by the file they are about and the
//! phase that found them, so an edit replaces exactly what it derived
//! again: a body edit its body's findings, a load or patch the rest.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::Diagnostic;

/// What found a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Reading a file's front matter, and the checks across files.
    Load,
    /// Rendering a document's Markdown body.
    Body,
    /// Loading the theme and the static files: not about the content, so
    /// a content load leaves them as they are.
    Theme,
}

type Key = (Option<Box<Path>>, Phase);

/// Findings by file and phase.
#[derive(Default, Debug, Clone)]
pub struct Findings(BTreeMap<Key, Vec<Diagnostic>>);

impl Findings {
    /// The findings of a load: `all` of them, of which those equal to one
    /// of `bodies` (what rendering the bodies found) are body findings.
    pub fn from_load<'a>(
        all: Vec<Diagnostic>,
        bodies: impl Iterator<Item = &'a Diagnostic>,
    ) -> Findings {
        let mut body: BTreeMap<Option<Box<Path>>, Vec<&Diagnostic>> = BTreeMap::new();
        for d in bodies {
            body.entry(d.file.clone()).or_default().push(d);
        }
        let mut out = Findings::default();
        for d in all {
            let of_body = body.get_mut(&d.file).and_then(|found| {
                let at = found.iter().position(|b| **b == d)?;
                Some(found.swap_remove(at))
            });
            let phase = if of_body.is_some() {
                Phase::Body
            } else {
                Phase::Load
            };
            out.0.entry((d.file.clone(), phase)).or_default().push(d);
        }
        out
    }

    /// Replace what `phase` found in `file`.
    pub fn set(&mut self, file: &Path, phase: Phase, found: Vec<Diagnostic>) {
        let key = (Some(Box::from(file)), phase);
        if found.is_empty() {
            self.0.remove(&key);
        } else {
            self.0.insert(key, found);
        }
    }

    /// Take out `before` and put in `after`, each under its own file, as a
    /// load finds them: for checks across files that a patch redoes whole.
    pub fn replace(&mut self, before: &[Diagnostic], after: Vec<Diagnostic>) {
        for list in self.0.values_mut() {
            list.retain(|d| !before.contains(d));
        }
        self.0.retain(|_, list| !list.is_empty());
        for d in after {
            self.0
                .entry((d.file.clone(), Phase::Load))
                .or_default()
                .push(d);
        }
    }

    /// Whether anything was found in `file`.
    pub fn about(&self, file: &Path) -> bool {
        self.0.keys().any(|(f, _)| f.as_deref() == Some(file))
    }

    /// Whether anything but `except` was found in `file`.
    pub fn about_except(&self, file: &Path, except: &[Diagnostic]) -> bool {
        self.0
            .iter()
            .filter(|((f, _), _)| f.as_deref() == Some(file))
            .any(|(_, list)| list.iter().any(|d| !except.contains(d)))
    }

    /// Every finding, in the order a build prints them.
    pub fn all(&self) -> Vec<Diagnostic> {
        self.sorted(|_| true)
    }

    /// The findings about the content, in the order a build prints them.
    pub fn of_sources(&self) -> Vec<Diagnostic> {
        self.sorted(|phase| phase != Phase::Theme)
    }

    /// The theme's and the static files' findings.
    pub fn general(&self) -> Vec<Diagnostic> {
        self.sorted(|phase| phase == Phase::Theme)
    }

    fn sorted(&self, phase: impl Fn(Phase) -> bool) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self
            .0
            .iter()
            .filter(|((_, p), _)| phase(*p))
            .flat_map(|(_, list)| list.iter().cloned())
            .collect();
        crate::diagnostics::sort(&mut out);
        out
    }

    /// Replace the theme's findings with a new load's (which walked the
    /// static files again too).
    pub fn set_theme(&mut self, theme: &[Diagnostic]) {
        self.0.retain(|(_, p), _| *p != Phase::Theme);
        self.add_general(theme.iter().cloned());
    }

    /// Add findings about the theme or the static files.
    pub fn add_general(&mut self, found: impl IntoIterator<Item = Diagnostic>) {
        for d in found {
            self.0
                .entry((d.file.clone(), Phase::Theme))
                .or_default()
                .push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(file: &str, line: usize, message: &str) -> Diagnostic {
        Diagnostic::warning(message).in_file(file).at_line(line)
    }

    #[test]
    fn a_body_edit_replaces_only_its_body_findings() {
        let front = at("a.md", 2, "front");
        let body = at("a.md", 9, "body");
        let other = at("b.md", 9, "body");
        let mut f = Findings::from_load(
            vec![front.clone(), body.clone(), other.clone()],
            [&body, &other].into_iter(),
        );
        let new_body = at("a.md", 1, "a body finding above the front matter's line");
        f.set(Path::new("a.md"), Phase::Body, vec![new_body.clone()]);
        let mut want = vec![front, new_body, other];
        crate::diagnostics::sort(&mut want);
        assert_eq!(f.all(), want);
        f.set(Path::new("a.md"), Phase::Body, vec![]);
        assert!(
            f.about(Path::new("a.md")),
            "the front matter's finding stays"
        );
        f.replace(&[at("a.md", 2, "front")], vec![]);
        assert!(!f.about(Path::new("a.md")));
    }

    #[test]
    fn equal_findings_in_load_and_body_are_counted_once_each() {
        let d = at("a.md", 3, "same");
        let f = Findings::from_load(vec![d.clone(), d.clone()], [&d].into_iter());
        assert_eq!(f.all().len(), 2);
        assert_eq!(f.0.len(), 2, "one under each phase");
    }
}
