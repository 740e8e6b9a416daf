//! The `bedrockctl` binary: parse arguments, dispatch, map results to exit codes.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
