//! `bedrockctl manpage`: the man page in roff, generated from the argument definitions
//! so it never disagrees with `--help` (`bedrockctl manpage | man -l -`).

use clap::CommandFactory;

pub fn run() -> anyhow::Result<u8> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(super::Cli::command()).render(&mut buf)?;
    super::common::print_stdout(&String::from_utf8_lossy(&buf))?;
    Ok(0)
}
