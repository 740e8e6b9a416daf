//! `bedrockctl import`: list what exists in the account.

use super::GlobalArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: ImportFormat,
    /// Regions to scan (default: the config's, else the current region)
    #[arg(long = "regions", value_delimiter = ',')]
    pub regions: Vec<String>,
    #[arg(short = 'f', long = "file")]
    pub file: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportFormat {
    Yaml,
    Json,
}

pub fn run(_g: &GlobalArgs, _a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`import` is not available in this build yet")
}
