//! `bedrockctl completions SHELL`.

use clap::CommandFactory;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Shell to generate completions for (bash, zsh, fish, elvish, powershell)
    pub shell: clap_complete::Shell,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let mut cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "bedrockctl", &mut buf);
    super::common::print_stdout(&String::from_utf8_lossy(&buf))?;
    Ok(0)
}
