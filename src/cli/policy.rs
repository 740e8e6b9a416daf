//! `bedrockctl policy generate`: least-privilege policies from grants.

use super::GlobalArgs;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
    /// Only this role
    #[arg(long)]
    pub role: Option<String>,
    /// Write one JSON file per role into DIR instead of printing
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run_generate(_g: &GlobalArgs, _a: GenerateArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`policy generate` is not available in this build yet")
}
