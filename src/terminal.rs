//! Terminal output: colour only on a terminal and never under `NO_COLOR`,
//! a progress line for long builds on a terminal, plain lines otherwise.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::diagnostics::Diagnostic;

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

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Colour the `error:`, `warning:` and `help:` labels of diagnostic text.
    pub fn colorize(&self, text: &str) -> String {
        if !self.color {
            return text.to_string();
        }
        text.lines()
            .map(|line| {
                for (label, code) in [
                    ("error:", "1;31"),
                    ("warning:", "1;33"),
                    ("  help:", "36"),
                    ("  caused by:", "2"),
                ] {
                    if let Some(rest) = line.strip_prefix(label) {
                        return format!("{}{rest}", self.paint(code, label));
                    }
                }
                line.to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn diagnostic(&self, d: &Diagnostic) {
        eprintln!("{}", self.colorize(&d.to_string()));
    }

    pub fn warn(&self, msg: &str) {
        eprintln!("{}", self.colorize(&format!("warning: {msg}")));
    }

    pub fn error_block(&self, text: &str) {
        eprintln!("{}", self.colorize(text));
    }

    pub fn summary(&self, msg: &str) {
        eprintln!("{}", self.paint("1;32", msg));
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
    fn no_colour_off_a_terminal() {
        let t = Terminal::plain();
        assert_eq!(t.colorize("error: x"), "error: x");
        let c = Terminal {
            color: true,
            interactive: true,
        };
        assert_eq!(
            c.colorize("error: x\n  help: y"),
            "\x1b[1;31merror:\x1b[0m x\n\x1b[36m  help:\x1b[0m y"
        );
    }
}
