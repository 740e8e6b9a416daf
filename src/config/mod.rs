//! Config loading: YAML → typed [`Config`] with spans, then semantic validation.
//!
//! Two phases, as in cargo-deny: `decode` turns the spanned YAML tree into typed values
//! (shapes, types, unknown keys, policy files), `validate` checks limits, enums and
//! cross-references against the catalog. Both push every problem and go on, so one run
//! reports all errors.

pub mod access;
mod decode;
mod decode_audit;
mod decode_guardrail;
mod decode_iam;
mod decode_vpce;
pub mod model;
mod rules;
pub mod schema;
mod stream;
pub mod tags;
mod text;
pub mod validate;
mod validate_guardrail;
mod validate_iam;
mod validate_vpce;
pub mod yaml;

pub use model::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::span::{SourceMap, Span};
use std::path::Path;

/// Config files larger than this are refused before parsing.
pub const MAX_CONFIG_BYTES: usize = 32 * 1024 * 1024;

/// Load, decode and validate a config file. `Ok` carries warnings; `Err` has at least one error.
pub fn load(path: &Path, sources: &mut SourceMap) -> Result<(Config, Diagnostics), Diagnostics> {
    let name = path.display().to_string();
    let mut diags = Diagnostics::default();
    // Bounded by the bytes actually read, not the stat size: /dev/zero or a FIFO has none.
    let bytes = match crate::input::read_bounded(path, MAX_CONFIG_BYTES) {
        Ok(b) => crate::input::strip_bom(b),
        Err(crate::input::ReadError::TooLarge { limit }) => {
            let id = sources.add(name, "");
            diags.error(
                Span::new(id, 0, 0),
                format!(
                    "config file is larger than the {} limit",
                    crate::input::human(limit)
                ),
            );
            return Err(diags);
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                None,
                format!("cannot read `{name}`: {e}"),
            ));
            return Err(diags);
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let id = sources.add(name, lossy);
            // The lossy text keeps the valid prefix byte-for-byte, so `valid` still points right.
            diags.error(
                Span::new(id, valid, valid + 1),
                "config file is not valid UTF-8",
            );
            return Err(diags);
        }
    };
    load_str(path, text, sources)
}

/// Load a config from text already read (`path` names it and anchors relative paths).
pub fn load_str(
    path: &Path,
    text: String,
    sources: &mut SourceMap,
) -> Result<(Config, Diagnostics), Diagnostics> {
    load_text(path, text, sources, true)
}

/// `stream`: decode the resource lists while the YAML is read (see `stream`); off only
/// in the tests that hold both ways equal.
fn load_text(
    path: &Path,
    text: String,
    sources: &mut SourceMap,
    stream: bool,
) -> Result<(Config, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::default();
    let id = sources.add(path.display().to_string(), text);
    let Some(file) = sources.shared(id) else {
        return Err(diags);
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut dec = decode::Decoder {
        diags: &mut diags,
        sources,
        dir: &dir,
    };
    let (parsed, streamed) = if stream {
        let mut streamer = stream::Streamer::new(&mut dec);
        let parsed = yaml::parse_into(&file, id, &mut streamer);
        (parsed, streamer.finish())
    } else {
        (yaml::parse(&file, id), stream::Streamed::default())
    };
    let root = match parsed {
        Ok(Some(root)) => root,
        Ok(None) => {
            diags
                .error(Span::new(id, 0, 0), "config file is empty")
                .hints
                .push("run `bedrockctl init` to write a starter config".to_string());
            return Err(diags);
        }
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    // What is left of the tree is as large as the config itself: `decode` frees it
    // section by section, and it is gone before validation allocates.
    let config = decode::decode(&mut dec, root, streamed, path, id);
    if let Some(cfg) = &config {
        validate::validate(cfg, &mut diags);
    }
    diags.sort(sources);
    match config {
        Some(cfg) if !diags.has_errors() => Ok((cfg, diags)),
        _ => {
            if !diags.has_errors() {
                diags.error(Span::new(id, 0, 0), "config could not be read");
            }
            Err(diags)
        }
    }
}
