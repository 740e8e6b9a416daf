//! `bedrockctl check`: run the config's access_checks.

use super::GlobalArgs;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
    /// Also ask IAM SimulatePrincipalPolicy
    #[arg(long)]
    pub simulate: bool,
    /// Every role x model x region: the who-can-invoke-what grid
    #[arg(long)]
    pub matrix: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

pub fn run(_g: &GlobalArgs, _a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`check` is not available in this build yet")
}
