//! `bedrockctl init`: write a commented starter config (and the trust policy it names).

use super::GlobalArgs;
use anyhow::{bail, Context};
use std::path::PathBuf;

const STARTER: &str = include_str!("templates/starter.yaml");
const TRUST: &str = include_str!("templates/trust-lambda.json");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the starter config
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
    /// Overwrite existing files
    #[arg(long)]
    pub force: bool,
}

pub fn run(_g: &GlobalArgs, a: Args) -> anyhow::Result<u8> {
    let dir = a.file.parent().map(PathBuf::from).unwrap_or_default();
    let trust = dir.join("policies").join("trust-lambda.json");
    for path in [&a.file, &trust] {
        if path.exists() && !a.force {
            bail!(
                "`{}` already exists\nhint: pass `--force` to overwrite it",
                path.display()
            );
        }
    }
    if let Some(parent) = trust.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create `{}`", parent.display()))?;
    }
    std::fs::write(&a.file, STARTER)
        .with_context(|| format!("cannot write `{}`", a.file.display()))?;
    std::fs::write(&trust, TRUST).with_context(|| format!("cannot write `{}`", trust.display()))?;
    eprintln!("wrote `{}` and `{}`", a.file.display(), trust.display());
    eprintln!("next: `bedrockctl validate -f {}`", a.file.display());
    Ok(0)
}
