//! `bedrockctl explain`: diagnose a pasted error message.

use super::GlobalArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The error message, or `-` to read it from stdin
    pub message: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

pub fn run(_g: &GlobalArgs, _a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`explain` is not available in this build yet")
}
