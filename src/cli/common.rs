//! Helpers shared by subcommands: output that tolerates a closed pipe, error
//! reporting, config loading with rendered diagnostics.

use anyhow::Result;
use bedrockctl::config::{self, Config};
use bedrockctl::span::SourceMap;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU8, Ordering};

static VERBOSITY: AtomicU8 = AtomicU8::new(0);

pub fn init_logging(verbose: u8) {
    VERBOSITY.store(verbose, Ordering::Relaxed);
    super::logging::init(verbose);
}

#[allow(dead_code)]
pub fn verbosity() -> u8 {
    VERBOSITY.load(Ordering::Relaxed)
}

/// Write data to stdout; a closed pipe (`| head`) is success, not an error.
pub fn print_stdout(text: &str) -> Result<()> {
    stream_stdout(|out| out.write_all(text.as_bytes()))
}

/// Let `f` write to stdout as it produces output (a large JSON plan is never held
/// whole); a closed pipe is success, as in [`print_stdout`].
pub fn stream_stdout(
    f: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> std::io::Result<()>,
) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match f(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

pub fn report_error(e: &anyhow::Error) {
    if let Some(line) = no_credentials(e) {
        // Every account read fails the same way without credentials: one line, not the
        // context of whichever read happened to go first (issue 24).
        eprintln!("error: {line}");
        return;
    }
    if let Some(r) = e.downcast_ref::<Reported>() {
        eprintln!("{r}");
    } else {
        eprintln!("error: {e:#}");
    }
    // An AccessDenied from the account is a question `explain` answers: which policy
    // is missing or denying, and how to confirm it. Refresh and apply failures both
    // arrive here as text carrying the AWS code and message.
    let text = format!("{e:#}");
    if let Some(line) = text.lines().find(|l| l.contains("AccessDenied")) {
        let diagnosis = bedrockctl::explain::explain(line);
        eprintln!(
            "\nwhy (bedrockctl explain):\n{}",
            bedrockctl::explain::render_text(&diagnosis).trim_end()
        );
    }
}

/// The one-line message of a "no credentials" account error anywhere in `e`'s chain,
/// whether it travels as the error itself or was formatted into a context string.
fn no_credentials(e: &anyhow::Error) -> Option<String> {
    use bedrockctl::account::aws::NO_CREDENTIALS;
    use bedrockctl::account::AccountError;
    if let Some(found) = e
        .chain()
        .filter_map(|c| c.downcast_ref::<AccountError>())
        .find(|a| a.code == NO_CREDENTIALS)
    {
        return Some(found.message.clone());
    }
    let text = format!("{e:#}");
    let start = text.find(&format!("{NO_CREDENTIALS}: "))? + NO_CREDENTIALS.len() + 2;
    let rest = &text[start..];
    // The message ends with the hint; anything after it repeats the chain.
    let hint = bedrockctl::account::aws::CREDENTIALS_HINT;
    let end = rest
        .find(hint)
        .map(|i| i + hint.len())
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

/// A rendered diagnostic report; its text already says everything.
#[derive(Debug)]
pub struct Reported(pub String);

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.trim_end())
    }
}

impl std::error::Error for Reported {}

/// Load and validate a config; on errors, the rendered diagnostics become the error.
/// Warnings go to stderr.
pub fn load_config(path: &Path) -> Result<(Config, SourceMap)> {
    let mut sources = SourceMap::default();
    match config::load(path, &mut sources) {
        Ok((cfg, warnings)) => {
            if !warnings.items.is_empty() {
                eprint!("{}", warnings.render(&sources));
            }
            Ok((cfg, sources))
        }
        Err(diags) => {
            let n = diags.error_count();
            let mut text = diags.render(&sources);
            text.push_str(&format!(
                "\nerror: `{}` has {n} error{}\n",
                path.display(),
                if n == 1 { "" } else { "s" }
            ));
            Err(Reported(text).into())
        }
    }
}
