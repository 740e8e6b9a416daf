//! Progress of an apply on stderr: one line per finished change, and an `indicatif` bar
//! when stderr is a terminal and `NO_COLOR` is not set. Never on stdout, which carries
//! data only.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

#[derive(Clone)]
pub struct Reporter {
    bar: Option<ProgressBar>,
    quiet: bool,
}

impl Reporter {
    /// A bar only for a person watching a terminal.
    pub fn for_stderr(quiet: bool) -> Self {
        let show = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let bar = show.then(|| {
            let b = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            ) {
                b.set_style(style);
            }
            b
        });
        Reporter { bar, quiet }
    }

    /// No output at all (tests, benchmarks).
    pub fn silent() -> Self {
        Reporter {
            bar: None,
            quiet: true,
        }
    }

    fn line(&self, text: &str) {
        if self.quiet {
            return;
        }
        match &self.bar {
            Some(b) => b.println(text),
            None => eprintln!("{text}"),
        }
    }

    pub fn start(&self, total: u64) {
        if let Some(b) = &self.bar {
            b.set_length(total);
            b.enable_steady_tick(std::time::Duration::from_millis(120));
        }
    }

    pub fn begin(&self, address: &str, verb: &str) {
        if let Some(b) = &self.bar {
            b.set_message(format!("{address}: {verb}…"));
        } else {
            self.line(&format!("{address}: {verb}…"));
        }
    }

    pub fn finish(&self, address: &str, past: &str, note: Option<&str>, done: usize) {
        let note = note.map(|n| format!(" [{n}]")).unwrap_or_default();
        self.line(&format!("{address}: {past}{note}"));
        if let Some(b) = &self.bar {
            b.set_position(done as u64);
        }
    }

    pub fn fail(&self, address: &str, error: &str, done: usize) {
        self.line(&format!("{address}: failed: {error}"));
        if let Some(b) = &self.bar {
            b.set_position(done as u64);
        }
    }

    pub fn done(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
