//! `bedrockctl models`: list foundation models.

use super::GlobalArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long)]
    pub provider: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ModelsFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ModelsFormat {
    Table,
    Json,
}

pub fn run(_g: &GlobalArgs, _a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`models` is not available in this build yet")
}
