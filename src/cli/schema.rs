//! `bedrockctl schema`: the JSON Schema of bedrock.yaml.

use super::GlobalArgs;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_g: &GlobalArgs, _a: Args) -> anyhow::Result<u8> {
    super::common::print_stdout(&(bedrockctl::config::schema::json_schema() + "\n"))?;
    Ok(0)
}
