//! What `-v`, `-vv`, `-vvv`/`--debug` and `RUST_LOG` print: log events on stderr.
//!
//! Every line goes through `account::aws::redact::redact` before it is written, and
//! the SDK's signing and wire-traffic targets (`NOISY_TARGETS`) are off at every level,
//! `RUST_LOG=trace` included: they only ever describe signed requests. So is the
//! orchestrator's dump of each request it transmits.

use bedrockctl::account::aws::redact::{redact, NOISY_TARGETS};
use std::io::Write;
use std::str::FromStr;
use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// Install the stderr logger for `verbose` (0 = quiet) unless `RUST_LOG` says
/// otherwise (the `target=level,…` syntax; a bare level applies to everything).
pub fn init(verbose: u8) {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|s| !s.trim().is_empty());
    if verbose == 0 && from_env.is_none() {
        return;
    }
    let chosen = match from_env.as_deref().map(Targets::from_str) {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            eprintln!("warning: ignoring RUST_LOG ({e}); using -v levels");
            by_verbosity(verbose)
        }
        None => by_verbosity(verbose),
    };
    let targets = NOISY_TARGETS
        .iter()
        .fold(chosen, |t, noisy| t.with_target(*noisy, LevelFilter::OFF));
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(Redacting)
        .with_filter(targets);
    // A second install (never expected) keeps the first.
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// `-v`: bedrockctl's own steps, SDK warnings. `-vv`: bedrockctl's calls and retries,
/// SDK info. `-vvv`: everything at debug, bedrockctl at trace.
fn by_verbosity(verbose: u8) -> Targets {
    let (ours, rest) = match verbose {
        0 | 1 => (LevelFilter::INFO, LevelFilter::WARN),
        2 => (LevelFilter::DEBUG, LevelFilter::INFO),
        _ => (LevelFilter::TRACE, LevelFilter::DEBUG),
    };
    Targets::new()
        .with_default(rest)
        .with_target("bedrockctl", ours)
}

/// Makes one buffer per event; the event is written, redacted, when it is dropped.
struct Redacting;

struct Line(Vec<u8>);

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The orchestrator's TRACE dump of each signed request (headers included, which the
/// SDK masks itself): the event is kept, the dump is not.
const SIGNED_REQUEST_DUMP: &str = "transmitting request request=";

impl Drop for Line {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.0);
        let text = match text.find(SIGNED_REQUEST_DUMP) {
            Some(at) => format!(
                "{}transmitting request (the signed request is not shown)\n",
                &text[..at]
            )
            .into(),
            None => text,
        };
        // Nowhere to report a failed write to stderr.
        let _ = std::io::stderr().lock().write_all(redact(&text).as_bytes());
    }
}

impl<'a> MakeWriter<'a> for Redacting {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line(Vec::with_capacity(256))
    }
}
