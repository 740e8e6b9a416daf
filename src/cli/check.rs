//! `bedrockctl check`: run the config's access_checks with the offline evaluator,
//! optionally compared with IAM's simulator (`--simulate`), and the role × model ×
//! region grid (`--matrix`).
//!
//! Offline needs no account: SCPs come from the config's `organization:`. With
//! `--sandbox` or `--simulate` an account is opened; it supplies the account id, the
//! organization's SCPs when the config declares none, the policies of principals the
//! config does not define, and the simulator.

use super::GlobalArgs;
use anyhow::{Context as _, Result};
use bedrockctl::check::access::CheckResult;
use bedrockctl::check::matrix;
use bedrockctl::check::matrix_text;
use bedrockctl::config::Config;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Config file whose access_checks (and grants) are evaluated
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
    /// Also ask IAM SimulatePrincipalPolicy
    #[arg(long)]
    pub simulate: bool,
    /// Every role x model x region: the who-can-invoke-what grid
    #[arg(long)]
    pub matrix: bool,
    /// Output: `text` for people, `json` for scripts (checks, plus `matrix` with --matrix)
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

pub fn run(g: &GlobalArgs, a: Args) -> Result<u8> {
    let (cfg, _sources) = super::common::load_config(&a.file)?;
    let online = a.simulate || g.sandbox.is_some();
    let rt = super::account::runtime().context("cannot start the async runtime")?;
    let (checks, cells) = rt.block_on(evaluate_all(g, &a, &cfg, online))?;

    let failed = checks.iter().filter(|c| !c.pass).count();
    let regions: Vec<String> = cfg.regions().map(str::to_string).collect();
    match a.format {
        CheckFormat::Json => {
            let mut doc = serde_json::json!({
                "checks": checks.iter().map(CheckResult::to_json).collect::<Vec<_>>(),
            });
            if let Some(cells) = &cells {
                doc["matrix"] = cells.iter().map(matrix::Cell::to_json).collect();
            }
            super::common::print_stdout(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
        }
        CheckFormat::Text => {
            let mut out = render_checks(&checks, a.simulate);
            if let Some(cells) = &cells {
                out.push('\n');
                out.push_str(&matrix_text::render(
                    cells,
                    &regions,
                    colour_wanted(std::io::stdout().is_terminal()),
                ));
            }
            super::common::print_stdout(&out)?;
        }
    }
    if failed > 0 {
        eprintln!(
            "error: {failed} of {} access check{} failed",
            checks.len(),
            if checks.len() == 1 { "" } else { "s" }
        );
        Ok(3)
    } else {
        Ok(0)
    }
}

async fn evaluate_all(
    g: &GlobalArgs,
    a: &Args,
    cfg: &Config,
    online: bool,
) -> Result<(Vec<CheckResult>, Option<Vec<matrix::Cell>>)> {
    let account = if online {
        Some(super::account::open_account(g).await?)
    } else {
        None
    };
    let model = bedrockctl::check::post_apply::access_model(cfg, account.as_deref())
        .await
        .context("cannot read the account for the access checks")?;
    let results = bedrockctl::check::post_apply::run_access_checks(
        cfg,
        &model,
        account.as_deref(),
        a.simulate,
    )
    .await
    .context("cannot run the access checks")?;
    let cells = if a.matrix {
        let models = matrix::models_of(cfg);
        let regions: Vec<String> = cfg.regions().map(str::to_string).collect();
        let guards = matrix::guards_from_config(cfg, &model.account, &model.refs);
        Some(matrix::matrix_with(
            &model,
            &models,
            &regions,
            "bedrock:InvokeModel",
            &guards,
        ))
    } else {
        None
    };
    Ok((results, cells))
}

/// Colour on a terminal unless `NO_COLOR` is set (https://no-color.org); `CLICOLOR_FORCE`
/// (non-empty, not `0`) forces it when stdout is not a terminal, for tests and pagers
/// (https://bixense.com/clicolors/).
pub(crate) fn colour_wanted(is_terminal: bool) -> bool {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    let forced = std::env::var("CLICOLOR_FORCE").is_ok_and(|v| !v.is_empty() && v != "0");
    forced || is_terminal
}

pub(crate) fn render_checks(checks: &[CheckResult], simulate: bool) -> String {
    if checks.is_empty() {
        return "no access_checks in the config\n".to_string();
    }
    let mut rows: Vec<Vec<String>> = vec![{
        let mut h = vec![
            "PRINCIPAL",
            "ACTION",
            "MODEL",
            "REGION",
            "EXPECT",
            "OFFLINE",
        ];
        if simulate {
            h.push("SIMULATED");
        }
        h.push("RESULT");
        h.into_iter().map(str::to_string).collect()
    }];
    for c in checks {
        let mut row = vec![
            c.principal.clone(),
            c.action.clone(),
            c.model.clone(),
            c.region.clone(),
            match c.expect {
                bedrockctl::config::Expect::Allow => "allow".into(),
                bedrockctl::config::Expect::Deny => "deny".into(),
            },
            c.offline.as_str().to_string(),
        ];
        if simulate {
            row.push(c.simulated.map(|d| d.as_str()).unwrap_or("-").to_string());
        }
        row.push(if c.pass { "pass" } else { "FAIL" }.to_string());
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    let failed: Vec<&CheckResult> = checks.iter().filter(|c| !c.pass).collect();
    for c in &failed {
        out.push_str(&format!(
            "\nFAIL {} {} {} in {}: expected {}, got {}\n  reason: {}\n",
            c.principal,
            c.action,
            c.model,
            c.region,
            match c.expect {
                bedrockctl::config::Expect::Allow => "allow",
                bedrockctl::config::Expect::Deny => "deny",
            },
            c.offline.as_str(),
            c.reason
        ));
        if !c.denied_regions.is_empty() {
            out.push_str(&format!(
                "  denied regions: {}\n",
                c.denied_regions.join(", ")
            ));
        }
    }
    out.push_str(&format!(
        "\n{} check{}, {} passed, {} failed\n",
        checks.len(),
        if checks.len() == 1 { "" } else { "s" },
        checks.len() - failed.len(),
        failed.len()
    ));
    out
}
