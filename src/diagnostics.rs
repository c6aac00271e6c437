//! Diagnostics: errors and warnings that point at a file, line and column, and
//! are collected so that one run reports every problem instead of the first.

use std::fmt;
use std::path::Path;

use anstyle::{AnsiColor, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// For information: never fails a run, even under `--strict`.
    Note,
    Warning,
    Error,
}

impl Severity {
    /// The one label for a severity, in every output.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    /// How the label is painted on a terminal.
    pub fn style(self) -> Style {
        let color = match self {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Note => AnsiColor::Blue,
        };
        Style::new().bold().fg_color(Some(color.into()))
    }
}

/// The style of `help:` lines.
pub const HELP: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
/// The style of `caused by:` lines.
pub const DIM: Style = Style::new().dimmed();

/// `text` painted in `style`, or plain when `color` is off. Colour is
/// applied here, where output is formatted, never by matching text after.
pub fn paint(style: Style, text: &str, color: bool) -> String {
    if color {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

/// One finding about the site's sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site folder, so messages stay short and stable.
    pub file: Option<Box<Path>>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// How to fix it, when we can say.
    pub help: Option<String>,
    /// The source line the finding points at, shown under the message with
    /// a caret at the column.
    pub source_line: Option<Box<str>>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: None,
            column: None,
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().into());
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Show `text` (the whole source line) under the message.
    pub fn with_source_line(mut self, text: &str) -> Self {
        self.source_line = Some(text.trim_end().into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` as far as it is known.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        let mut loc = file.display().to_string().replace('\\', "/");
        if let Some(line) = self.line {
            loc.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                loc.push_str(&format!(":{col}"));
            }
        }
        Some(loc)
    }
}

impl Diagnostic {
    /// The finding as the terminal shows it: `label: file:line:col: message`,
    /// the source line with a caret, then the help. `color` paints the
    /// labels.
    pub fn render(&self, color: bool) -> String {
        let label = paint(
            self.severity.style(),
            &format!("{}:", self.severity.label()),
            color,
        );
        let mut out = match self.location() {
            Some(loc) => format!("{label} {loc}: {}", self.message),
            None => format!("{label} {}", self.message),
        };
        if let (Some(text), Some(line)) = (&self.source_line, self.line) {
            let num = line.to_string();
            let pad = " ".repeat(num.len());
            // Tabs would throw the caret off; show them as one space each.
            let shown: String = text
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            out.push_str(&format!("\n  {num} | {shown}"));
            if let Some(col) = self.column.filter(|c| *c > 0) {
                let before = shown.chars().take(col - 1).count();
                out.push_str(&format!("\n  {pad} | {}^", " ".repeat(before)));
            }
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("\n  {} {help}", paint(HELP, "help:", color)));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Sort findings by file and position so output is stable across runs and
/// thread counts.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
}

/// Under `--strict`, every warning counts as an error.
pub fn promote_warnings(diags: &mut [Diagnostic]) {
    for d in diags {
        if d.severity == Severity::Warning {
            d.severity = Severity::Error;
        }
    }
}

/// The build stopped because of errors in the sources. Carries every finding
/// (warnings too) so the caller can print them all.
#[derive(Debug)]
pub struct BuildFailed {
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildFailed {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

impl BuildFailed {
    /// Every finding, errors first (the one that stops the build must not
    /// hide among warnings), then the count.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        let errors = self.diagnostics.iter().filter(|d| d.is_error());
        let warnings = self.diagnostics.iter().filter(|d| !d.is_error());
        for d in errors.chain(warnings) {
            out.push_str(&d.render(color));
            out.push('\n');
        }
        let errors = self.error_count();
        let warnings = self.diagnostics.len() - errors;
        out.push_str(&format!(
            "build failed: {errors} error{}, {warnings} warning{}; no output was written",
            plural(errors),
            plural(warnings)
        ));
        out
    }
}

impl fmt::Display for BuildFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// An error as the terminal and serve's overlay show it: the findings of a
/// failed build, or `error:` and the whole cause chain.
pub fn error_report(e: &anyhow::Error, color: bool) -> String {
    if let Some(failed) = e.downcast_ref::<BuildFailed>() {
        return failed.render(color);
    }
    let mut s = format!("{} {e}", paint(Severity::Error.style(), "error:", color));
    for cause in e.chain().skip(1) {
        s.push_str(&format!("\n  {} {cause}", paint(DIM, "caused by:", color)));
    }
    s
}

impl std::error::Error for BuildFailed {}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The nearest of `candidates` to `word`, if it is close enough to be a
/// plausible typo. Used for "did you mean" hints on keys and entity names.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        let dist = strsim::damerau_levenshtein(&word, &cand.to_lowercase());
        let longest = word.chars().count().max(cand.chars().count());
        // One edit per three characters, and never more than three: "contries"
        // finds "countries", while "uk" does not find "us".
        let limit = (longest / 3).min(3);
        if dist == 0 || dist > limit {
            continue;
        }
        if best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, cand));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_but_not_strangers() {
        let keys = ["title", "date", "countries", "leaders", "crises"];
        assert_eq!(nearest("contries", keys), Some("countries"));
        assert_eq!(nearest("tilte", keys), Some("title"));
        assert_eq!(nearest("weather", keys), None);
        assert_eq!(nearest("keyna", ["kenya", "sudan"]), Some("kenya"));
        assert_eq!(nearest("uk", ["us"]), None);
    }

    #[test]
    fn display_names_file_line_column_and_help() {
        let d = Diagnostic::error("unknown field `contries`")
            .in_file("content/articles/a.md")
            .at(3, 1)
            .with_help("did you mean `countries`?");
        assert_eq!(
            d.to_string(),
            "error: content/articles/a.md:3:1: unknown field `contries`\n  help: did you mean `countries`?"
        );
    }

    #[test]
    fn a_failed_build_lists_its_errors_before_its_warnings() {
        let failed = BuildFailed {
            diagnostics: vec![
                Diagnostic::warning("first warning").in_file("a.md"),
                Diagnostic::error("the error").in_file("b.md"),
                Diagnostic::warning("second warning").in_file("c.md"),
            ],
        };
        let text = failed.render(false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "error: b.md: the error",
                "warning: a.md: first warning",
                "warning: c.md: second warning",
                "build failed: 1 error, 2 warnings; no output was written",
            ]
        );
    }
}
