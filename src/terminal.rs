//! Terminal output: colour only on a terminal and never under `NO_COLOR`,
//! a progress line for long builds on a terminal, plain lines otherwise.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anstyle::Style;

use crate::diagnostics::{error_report, paint, Diagnostic, Severity};

#[derive(Clone, Copy, Debug)]
pub struct Terminal {
    pub color: bool,
    pub interactive: bool,
}

impl Terminal {
    /// Decide from the environment: stderr is where we write.
    pub fn detect() -> Terminal {
        let interactive = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Terminal {
            color: interactive && !no_color,
            interactive,
        }
    }

    pub fn plain() -> Terminal {
        Terminal {
            color: false,
            interactive: false,
        }
    }

    pub fn diagnostic(&self, d: &Diagnostic) {
        eprintln!("{}", d.render(self.color));
    }

    pub fn warn(&self, msg: &str) {
        let label = paint(Severity::Warning.style(), "warning:", self.color);
        eprintln!("{label} {msg}");
    }

    /// An error with its causes, or a failed build's findings.
    pub fn error(&self, e: &anyhow::Error) {
        eprintln!("{}", error_report(e, self.color));
    }

    /// A closing line that says the run failed.
    pub fn failure(&self, msg: &str) {
        eprintln!("{}", paint(Severity::Error.style(), msg, self.color));
    }

    pub fn summary(&self, msg: &str) {
        let done = Style::new()
            .bold()
            .fg_color(Some(anstyle::AnsiColor::Green.into()));
        eprintln!("{}", paint(done, msg, self.color));
    }
}

/// Counts pages as they render; a background thread draws a progress line on
/// a terminal while the build runs.
#[derive(Default)]
pub struct Progress {
    pub done: AtomicUsize,
    pub total: AtomicUsize,
    finished: AtomicBool,
}

impl Progress {
    pub fn tick(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    pub fn set_total(&self, total: usize) {
        self.total.store(total, Ordering::Relaxed);
    }

    /// Draw the line every 100 ms until `finish`, on a terminal only, and
    /// only once the build has taken long enough for it to help.
    pub fn spawn_display(self: &Arc<Self>, term: Terminal) -> Option<std::thread::JoinHandle<()>> {
        if !term.interactive {
            return None;
        }
        let me = Arc::clone(self);
        Some(std::thread::spawn(move || {
            let mut drawn = false;
            let mut waited = Duration::ZERO;
            let step = Duration::from_millis(100);
            while !me.finished.load(Ordering::Relaxed) {
                std::thread::sleep(step);
                waited += step;
                let total = me.total.load(Ordering::Relaxed);
                if waited < Duration::from_millis(300) || total == 0 {
                    continue;
                }
                let done = me.done.load(Ordering::Relaxed).min(total);
                let width = 30;
                let filled = done * width / total;
                eprint!(
                    "\r\x1b[2Krendering [{}{}] {done}/{total} pages",
                    "#".repeat(filled),
                    " ".repeat(width - filled)
                );
                let _ = std::io::stderr().flush();
                drawn = true;
            }
            if drawn {
                eprint!("\r\x1b[2K");
                let _ = std::io::stderr().flush();
            }
        }))
    }

    pub fn finish(&self) {
        self.finished.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_is_applied_when_formatting() {
        let d = Diagnostic::error("x").with_help("y");
        assert_eq!(d.render(false), "error: x\n  help: y");
        assert_eq!(
            d.render(true),
            "\x1b[1m\x1b[31merror:\x1b[0m x\n  \x1b[36mhelp:\x1b[0m y"
        );
    }
}
