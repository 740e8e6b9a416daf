//! `bedrockctl report`: the audit report as one self-contained HTML page, or the same
//! data as JSON. Gathers from the existing engines (access model and checks, the
//! grid, lint, and with an account the plan with drift and readiness) and hands the
//! results to `bedrockctl::report`, which only arranges and renders them.
//!
//! Offline by default (the config alone); `--sandbox DIR` reads the sandbox account,
//! `--live` the AWS account through the standard credential chain.

use super::GlobalArgs;
use anyhow::{Context as _, Result};
use bedrockctl::account::Account;
use bedrockctl::catalog;
use bedrockctl::check::matrix;
use bedrockctl::check::post_apply as checks;
use bedrockctl::engine;
use bedrockctl::lint::{self, LintContext};
use bedrockctl::plan::report::redact_in_place;
use bedrockctl::plan::{DiffOptions, Scope};
use bedrockctl::report::{html, Inputs, Report, Source};
use std::path::PathBuf;
use std::sync::Arc;

/// The action the grid answers for.
const ACTION: &str = "bedrock:InvokeModel";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Config file the report is built from
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
    /// Write the report to FILE (e.g. report.html) instead of stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Output: `html` (one self-contained page) or `json` (the same data)
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportFormat,
    /// Read the AWS account (credential chain) for readiness, drift and the pending
    /// plan; without it or `--sandbox` the report is built from the config alone
    #[arg(long)]
    pub live: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    Json,
}

pub fn run(g: &GlobalArgs, a: Args) -> Result<u8> {
    let (cfg, sources) = super::common::load_config(&a.file)?;
    let source = match (&g.sandbox, a.live) {
        (Some(dir), _) => Source::Sandbox(dir.display().to_string()),
        (None, true) => Source::Account,
        (None, false) => Source::Offline,
    };
    let rt = super::account::runtime().context("cannot start the async runtime")?;
    let account: Option<Arc<dyn Account>> = match source {
        Source::Offline => None,
        _ => Some(super::plan::connect(g, &rt)?),
    };
    let spinner = account
        .as_ref()
        .and_then(|_| super::plan::spinner("reading the account"));
    let gathered = rt.block_on(async {
        let acct = account.as_deref();
        let model = checks::access_model(&cfg, acct)
            .await
            .context("cannot read the account for the access checks")?;
        let results = checks::run_access_checks(&cfg, &model, acct, false)
            .await
            .context("cannot run the access checks")?;
        let plan = match &account {
            Some(acct) => {
                let mut planned = engine::plan_config(
                    acct.clone(),
                    &cfg,
                    DiffOptions::default(),
                    &super::plan::exec_options(),
                )
                .await
                .context("cannot plan the config against the account")?;
                redact_in_place(&mut planned.plan);
                Some(planned.plan)
            }
            None => None,
        };
        anyhow::Ok((model, results, plan))
    });
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let (model, results, plan) = gathered?;

    let regions: Vec<String> = cfg.regions().map(str::to_string).collect();
    let models = matrix::models_of(&cfg);
    let guards = matrix::guards_from_config(&cfg, &model.account, &model.refs);
    let cells = matrix::matrix_with(&model, &models, &regions, ACTION, &guards);
    let today = catalog::today();
    let lint = lint::lint_config(
        &cfg,
        &sources,
        &model.account,
        &LintContext::for_config(&cfg, &today),
    );
    let scope = Scope::from_config(&cfg);
    let report = Report::build(Inputs {
        generated_at: bedrockctl::engine::guards::now_rfc3339(),
        version: env!("BEDROCKCTL_LONG_VERSION").to_string(),
        config: a.file.display().to_string(),
        stack: cfg.stack.value.clone(),
        source,
        account_id: plan
            .as_ref()
            .map(|p| p.account_id.clone())
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| model.account.clone()),
        action: ACTION.to_string(),
        regions,
        cells: &cells,
        checks: results,
        scope: &scope,
        lint: &lint,
        sources: &sources,
        plan: plan.as_ref(),
    });
    let text = match a.format {
        ReportFormat::Html => html::render(&report),
        ReportFormat::Json => format!("{}\n", serde_json::to_string_pretty(&report.to_json())?),
    };
    match &a.out {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write the report to `{}`", path.display()))?;
            eprintln!(
                "wrote the report to `{}` ({} bytes, {} cells)",
                path.display(),
                text.len(),
                report.cells.len()
            );
        }
        None => super::common::print_stdout(&text)?,
    }
    Ok(0)
}
