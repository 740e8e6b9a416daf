//! `bedrockctl init`: write a commented starter config.

use super::GlobalArgs;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
}

pub fn run(_g: &GlobalArgs, _a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`init` is not available in this build yet")
}
