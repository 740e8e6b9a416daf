//! `bedrockctl lint`: findings on IAM policy files.

use super::GlobalArgs;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files; without any, the policies of the config
    pub files: Vec<PathBuf>,
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub config: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: LintFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Sarif,
}

pub fn run(_g: &GlobalArgs, _a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`lint` is not available in this build yet")
}
