//! Every option and positional argument of every subcommand carries help text (issue 24:
//! `-f/--file`, `--auto-approve`, `--model`, `--format` had none). Walks clap's Command tree
//! so a new option without a doc comment fails here rather than in a newcomer's terminal.

use super::Cli;
use clap::CommandFactory;

/// `path: --option` for every argument without help, depth-first over the subcommands.
fn missing_help(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        // clap's own --help/--version carry clap's text; hidden args are not shown anyway.
        if arg.is_hide_set() || matches!(arg.get_id().as_str(), "help" | "version") {
            continue;
        }
        let has_help = arg
            .get_help()
            .is_some_and(|h| !h.to_string().trim().is_empty());
        if !has_help {
            let name = arg
                .get_long()
                .map(|l| format!("--{l}"))
                .unwrap_or_else(|| format!("<{}>", arg.get_id()));
            out.push(format!("{path}: {name}"));
        }
    }
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() {
            continue;
        }
        missing_help(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn every_option_of_every_subcommand_has_help() {
    let cmd = Cli::command();
    let mut missing = Vec::new();
    missing_help(&cmd, "bedrockctl", &mut missing);
    assert!(
        missing.is_empty(),
        "options without help text:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_walk_sees_the_options_issue_24_named() {
    // Guards the walk itself: if it stopped descending, the test above would pass vacuously.
    let cmd = Cli::command();
    let plan = cmd
        .find_subcommand("plan")
        .map(|c| c.get_arguments().count());
    assert!(
        plan.is_some_and(|n| n >= 3),
        "plan's arguments not found: {plan:?}"
    );
}

#[test]
fn version_carries_the_build_stamp() {
    let cmd = Cli::command();
    let version = cmd.get_version().map(str::to_string).unwrap_or_default();
    assert!(version.starts_with(env!("CARGO_PKG_VERSION")), "{version}");
    assert_eq!(version, env!("BEDROCKCTL_LONG_VERSION"));
}
