//! `bedrockctl schema`: the JSON Schema of bedrock.yaml.

use super::GlobalArgs;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_g: &GlobalArgs, _a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`schema` is not available in this build yet")
}
