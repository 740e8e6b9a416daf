//! `bedrockctl plan` and `bedrockctl apply`.

use super::GlobalArgs;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Config files or directories of stacks
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub files: Vec<PathBuf>,
    /// Save the plan to PLAN for `apply PLAN`
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: PlanFormat,
    /// Exit 2 when there are changes
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Only report drift of managed resources
    #[arg(long)]
    pub refresh_only: bool,
    /// Also list resources this stack does not own
    #[arg(long)]
    pub show_unmanaged: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PlanFormat {
    Text,
    Json,
    Markdown,
    Github,
}

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// A plan saved with `plan --out`
    pub plan: Option<PathBuf>,
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
    #[arg(long)]
    pub auto_approve: bool,
}

pub fn run_plan(_g: &GlobalArgs, _a: PlanArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`plan` is not available in this build yet")
}

pub fn run_apply(_g: &GlobalArgs, _a: ApplyArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`apply` is not available in this build yet")
}
