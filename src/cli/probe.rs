//! `bedrockctl probe`: one minimal real runtime request.

use super::GlobalArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long)]
    pub model: String,
    /// Use ConverseStream
    #[arg(long)]
    pub stream: bool,
    /// Send an embeddings request (InvokeModel)
    #[arg(long)]
    pub embedding: bool,
}

pub fn run(_g: &GlobalArgs, _a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`probe` is not available in this build yet")
}
