//! `bedrockctl iam eval`: JSONL requests in, JSONL decisions out (design.md).

use super::GlobalArgs;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Read requests from FILE instead of stdin
    #[arg(long)]
    pub input: Option<PathBuf>,
}

pub fn run(_g: &GlobalArgs, _a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`iam eval` is not available in this build yet")
}
