//! `bedrockctl validate`: parse and check a config file, without account access.

use super::GlobalArgs;
use bedrockctl::config;
use bedrockctl::diag::{Diagnostic, Diagnostics};
use bedrockctl::span::SourceMap;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Config file to validate (schema, references, regions)
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
    /// Output format of the diagnostics
    #[arg(long, value_enum, default_value = "text")]
    pub format: ValidateFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ValidateFormat {
    /// rustc-style diagnostics on stderr
    Text,
    /// `{"valid": bool, "diagnostics": [...]}` on stdout
    Json,
    /// GitHub Actions workflow annotations on stdout (plus text on stderr)
    Github,
}

pub fn run(_g: &GlobalArgs, a: Args) -> anyhow::Result<u8> {
    if let ValidateFormat::Text = a.format {
        let (cfg, _) = super::common::load_config(&a.file)?;
        eprintln!(
            "`{}` is valid (stack `{}`)",
            a.file.display(),
            cfg.stack.value
        );
        // The process ends here: freeing a 50,000-resource model piece by piece was a
        // tenth of `validate`'s time (issue 21), and the OS takes it back at once.
        std::mem::forget(cfg);
        return Ok(0);
    }
    let mut sources = SourceMap::default();
    let (valid, diags) = match config::load(&a.file, &mut sources) {
        Ok((_, warnings)) => (true, warnings),
        Err(errors) => (false, errors),
    };
    let out = match a.format {
        ValidateFormat::Json => json(valid, &diags, &sources),
        _ => {
            eprint!("{}", diags.render(&sources));
            github(&diags, &sources, &a.file)
        }
    };
    super::common::print_stdout(&out)?;
    Ok(if valid { 0 } else { 1 })
}

fn position(d: &Diagnostic, sources: &SourceMap) -> Option<(String, usize, usize)> {
    let span = d.span?;
    let file = sources.get(span.source)?;
    let (line, col) = file.line_col(span.start as usize);
    Some((file.name.clone(), line, col))
}

fn json(valid: bool, diags: &Diagnostics, sources: &SourceMap) -> String {
    let items: Vec<serde_json::Value> = diags
        .items
        .iter()
        .map(|d| {
            let pos = position(d, sources);
            serde_json::json!({
                "severity": d.severity,
                "code": if d.code.is_empty() { None } else { Some(d.code) },
                "message": d.message,
                "file": pos.as_ref().map(|p| &p.0),
                "line": pos.as_ref().map(|p| p.1),
                "column": pos.as_ref().map(|p| p.2),
                "hints": d.hints,
            })
        })
        .collect();
    let doc = serde_json::json!({ "valid": valid, "diagnostics": items });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// `::error file=F,line=L,col=C::message` — GitHub escapes `%`, CR and LF in messages.
fn github(diags: &Diagnostics, sources: &SourceMap, config: &std::path::Path) -> String {
    let escape = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let mut out = String::new();
    for d in &diags.items {
        let level = match d.severity {
            bedrockctl::diag::Severity::Error => "error",
            bedrockctl::diag::Severity::Warning => "warning",
            bedrockctl::diag::Severity::Note => "notice",
        };
        let mut message = d.message.clone();
        for h in &d.hints {
            message.push_str("\nhint: ");
            message.push_str(h);
        }
        let (file, line, col) =
            position(d, sources).unwrap_or((config.display().to_string(), 1, 1));
        out.push_str(&format!(
            "::{level} file={},line={line},col={col},title=bedrockctl validate::{}\n",
            escape(&file).replace(',', "%2C").replace(':', "%3A"),
            escape(&message)
        ));
    }
    out
}
