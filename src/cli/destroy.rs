//! `bedrockctl destroy`: delete what this stack owns, in the kinds the config manages,
//! under the same guards as apply (account pin, commitments, prevent_destroy).

use super::common::{load_config, print_stdout};
use super::plan::{config_protected, connect, exec_options, reconcile};
use super::GlobalArgs;
use bedrockctl::engine;
use bedrockctl::plan::report::redact;
use bedrockctl::plan::{render_text, DiffOptions};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Config file naming the stack whose owned resources are deleted
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
    /// Delete without asking for confirmation (for CI; review the plan first)
    #[arg(long)]
    pub auto_approve: bool,
}

pub fn run(g: &GlobalArgs, a: Args) -> anyhow::Result<u8> {
    let (cfg, _) = load_config(&a.file)?;
    let rt = super::account::runtime()?;
    let account = connect(g, &rt)?;
    let exec = exec_options();
    let opts = DiffOptions {
        destroy: true,
        ..DiffOptions::default()
    };
    let planned = rt.block_on(engine::plan_config(account.clone(), &cfg, opts, &exec))?;
    // Shown redacted, like `plan` (the plan itself keeps the values it applies).
    print_stdout(&render_text::render_text(&redact(&planned.plan)))?;
    let protected = config_protected(&planned);
    reconcile(
        &rt,
        account,
        &cfg,
        &planned,
        &protected,
        a.auto_approve,
        &exec,
        "destroy",
    )
}
