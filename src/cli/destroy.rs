//! `bedrockctl destroy`: delete what this stack owns.

use super::GlobalArgs;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
    #[arg(long)]
    pub auto_approve: bool,
}

pub fn run(_g: &GlobalArgs, _a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`destroy` is not available in this build yet")
}
