//! `bedrockctl validate`: parse and check a config file.

use super::GlobalArgs;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
}

pub fn run(_g: &GlobalArgs, a: Args) -> anyhow::Result<u8> {
    let (cfg, _) = super::common::load_config(&a.file)?;
    eprintln!(
        "`{}` is valid (stack `{}`)",
        a.file.display(),
        cfg.stack.value
    );
    Ok(0)
}
