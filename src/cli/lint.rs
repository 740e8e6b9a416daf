//! `bedrockctl lint`: findings on IAM policy files (text, JSON or SARIF on stdout).
//! Exit 3 when any finding is an error, 1 when a file is not a valid policy.

use super::GlobalArgs;
use anyhow::Context as _;
use bedrockctl::catalog;
use bedrockctl::check::access::DEFAULT_ACCOUNT;
use bedrockctl::diag::{Diagnostic, Severity};
use bedrockctl::lint::{self, render, LintContext};
use bedrockctl::span::SourceMap;
use std::path::PathBuf;

/// Largest file `lint` reads: a policy document is far smaller, but templates and plans
/// that carry policies can be several megabytes.
pub const MAX_LINT_INPUT_BYTES: usize = 8 << 20;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files, AWS CLI outputs, CloudFormation templates (JSON/YAML) or `terraform
    /// show -json` output (detected); without any, the policies of the config and its
    /// generated grants
    pub files: Vec<PathBuf>,
    /// Config file: with FILES, only its `models:` is used (for `unused-grant`)
    #[arg(short = 'f', long = "file")]
    pub config: Option<PathBuf>,
    /// Output format of the findings
    #[arg(long, value_enum, default_value = "text")]
    pub format: LintFormat,
    /// What the files are: `identity` (default), `resource`, `session`, `boundary`, `scp`
    /// or `rcp`, for every file, or `KIND=FILE` for one file (repeatable). Boundaries,
    /// session policies, SCPs and RCPs only limit, so the rules about granting too much
    /// or too little do not apply to them
    #[arg(long = "as", value_name = "KIND|KIND=FILE")]
    pub as_kind: Vec<String>,
}

/// The policy types `--as` names.
const KINDS: &[&str] = &["identity", "resource", "session", "boundary", "scp", "rcp"];

/// Whether a policy of `kind` only limits what others grant.
fn limits_only(kind: &str) -> bool {
    matches!(kind, "session" | "boundary" | "scp" | "rcp")
}

/// `--as` values read: the kind for every file, and the kinds given per file.
type Kinds = (Option<String>, Vec<(PathBuf, String)>);

/// `--as` values: the kind for every file, and per-file kinds.
fn policy_kinds(values: &[String]) -> anyhow::Result<Kinds> {
    let mut all = None;
    let mut per_file = Vec::new();
    for v in values {
        let (kind, file) = match v.split_once('=') {
            Some((k, f)) => (k, Some(f)),
            None => (v.as_str(), None),
        };
        if !KINDS.contains(&kind) {
            anyhow::bail!(
                "`--as {v}`: unknown policy kind `{kind}`\nhint: one of {}",
                bedrockctl::diag::code_list(KINDS.iter().copied())
            );
        }
        match file {
            Some(f) => per_file.push((PathBuf::from(f), kind.to_string())),
            None => all = Some(kind.to_string()),
        }
    }
    Ok((all, per_file))
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LintFormat {
    /// rustc-style findings
    Text,
    /// `{"findings": [...], "errors", "warnings", "notes"}`
    Json,
    /// SARIF 2.1.0 for GitHub code scanning
    Sarif,
}

pub fn run(_g: &GlobalArgs, a: Args) -> anyhow::Result<u8> {
    let today = catalog::today();
    let mut sources = SourceMap::default();
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut invalid: Vec<Diagnostic> = Vec::new();
    if a.files.is_empty() {
        let path = a
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from(super::DEFAULT_CONFIG));
        let (cfg, s) = super::common::load_config(&path)?;
        sources = s;
        let account = cfg
            .account
            .id
            .as_ref()
            .map(|i| i.value.clone())
            .unwrap_or_else(|| DEFAULT_ACCOUNT.to_string());
        let ctx = LintContext::for_config(&cfg, &today);
        diags = lint::lint_config(&cfg, &sources, &account, &ctx);
    } else {
        let ctx = match &a.config {
            Some(path) => {
                let (cfg, _) = super::common::load_config(path)?;
                LintContext::for_config(&cfg, &today)
            }
            None => LintContext {
                models: None,
                today,
                boundary: false,
            },
        };
        let (all, per_file) = policy_kinds(&a.as_kind)?;
        for (f, _) in &per_file {
            if !a.files.contains(f) {
                anyhow::bail!("`--as …={}` names a file that is not linted", f.display());
            }
        }
        for file in &a.files {
            // Bounded like every input (issue 25): a symlink to /dev/zero stops at the cap.
            let text = bedrockctl::input::read_bounded_string(file, MAX_LINT_INPUT_BYTES)
                .with_context(|| format!("cannot read `{}`", file.display()))?;
            let id = sources.add(file.display().to_string(), text);
            let given = per_file
                .iter()
                .find(|(f, _)| f == file)
                .map(|(_, k)| k.as_str())
                .or(all.as_deref());
            let kind = given.unwrap_or("identity");
            let ctx = LintContext {
                boundary: ctx.boundary || limits_only(kind),
                ..ctx.clone()
            };
            // Templates, plans and CLI outputs are read too (docs/lint/README.md).
            match lint::lint_input(&sources, id, &ctx, given.is_some()) {
                Ok(ds) => diags.extend(ds),
                Err(ds) => invalid.extend(ds),
            }
        }
    }
    if !invalid.is_empty() {
        return Err(super::common::Reported(render_text(&invalid, &sources)).into());
    }
    let out = match a.format {
        LintFormat::Text => render_text(&diags, &sources),
        LintFormat::Json => {
            serde_json::to_string_pretty(&render::json_report(&diags, &sources))? + "\n"
        }
        LintFormat::Sarif => serde_json::to_string_pretty(&render::sarif(&diags, &sources))? + "\n",
    };
    super::common::print_stdout(&out)?;
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let errors = count(Severity::Error);
    eprintln!(
        "lint: {errors} error(s), {} warning(s), {} note(s)",
        count(Severity::Warning),
        count(Severity::Note)
    );
    Ok(if errors > 0 { 3 } else { 0 })
}

/// Text findings as `validate` prints its diagnostics: one blank line between them.
fn render_text(diags: &[Diagnostic], sources: &SourceMap) -> String {
    bedrockctl::diag::render_capped(diags, sources, " (`--format json` lists them all)")
}
