//! Command-line interface: argument definitions and dispatch. Thin by design:
//! each subcommand lives in its own file and calls into the library.

mod account;
mod audit;
mod check;
mod completions;
mod destroy;
mod explain;
mod iam_eval;
mod import;
mod init;
mod lint;
mod logging;
mod manpage;
mod models;
mod plan;
mod policy;
mod probe;
mod report;
mod schema;
mod validate;

#[cfg(test)]
mod help_coverage;

pub(crate) mod common;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Declarative provisioning and access audit for Amazon Bedrock.
#[derive(Debug, Parser)]
#[command(name = "bedrockctl", version = env!("BEDROCKCTL_LONG_VERSION"), about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Use the offline sandbox account stored in DIR instead of AWS.
    #[arg(long, global = true, value_name = "DIR", num_args = 0..=1,
          default_missing_value = DEFAULT_SANDBOX)]
    pub sandbox: Option<PathBuf>,
    /// AWS named profile (as in the AWS CLI).
    #[arg(long, global = true, env = "AWS_PROFILE", hide_env_values = true)]
    pub profile: Option<String>,
    /// AWS region for commands that talk to one region.
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// More output on stderr (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Most verbose output on stderr (as `-vvv`); credentials are never printed.
    #[arg(long, global = true)]
    pub debug: bool,
}

pub const DEFAULT_SANDBOX: &str = ".bedrockctl/sandbox";
pub const DEFAULT_CONFIG: &str = "bedrock.yaml";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented starter bedrock.yaml
    Init(init::Args),
    /// Parse and check a config file, without account access
    Validate(validate::Args),
    /// Show what apply would change
    Plan(plan::PlanArgs),
    /// Reconcile the account with the config, then run access checks
    Apply(plan::ApplyArgs),
    /// Delete everything this stack owns
    Destroy(destroy::Args),
    /// Run the access_checks assertions
    Check(check::Args),
    /// Diagnose a pasted AccessDenied or Bedrock error message
    Explain(explain::Args),
    /// IAM policy tools
    #[command(subcommand)]
    Iam(IamCommand),
    /// Least-privilege policy generation
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Lint IAM policy files or the policies of a config
    Lint(lint::Args),
    /// List foundation models (catalog, and live when online)
    Models(models::Args),
    /// List what exists in the account, as YAML to adopt or a JSON inventory
    Import(import::Args),
    /// Send one minimal real request to a model
    Probe(probe::Args),
    /// Write the audit report: access matrix, checks, readiness, lint, drift and plan
    Report(report::Args),
    /// Print the JSON Schema of the config file
    Schema(schema::Args),
    /// Print shell completions
    Completions(completions::Args),
    /// Print the man page (roff) for `man -l -`
    #[command(hide = true)]
    Manpage,
}

#[derive(Debug, Subcommand)]
pub enum IamCommand {
    /// Batch IAM decisions: JSONL requests in, JSONL decisions out
    Eval(iam_eval::Args),
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Write least-privilege policies for the roles' grants
    Generate(policy::GenerateArgs),
}

const SUBCOMMANDS: &[&str] = &[
    "init",
    "validate",
    "plan",
    "apply",
    "destroy",
    "check",
    "explain",
    "iam",
    "policy",
    "lint",
    "models",
    "import",
    "probe",
    "report",
    "schema",
    "completions",
    "help",
];

/// `--sandbox` takes an optional value; a following subcommand name is not that value,
/// and neither is the pasted message of `explain --sandbox "User: … is not authorized…"`
/// (text with whitespace that names no directory).
fn fix_sandbox_args(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out = Vec::with_capacity(args.len() + 1);
    let mut explain = false;
    let mut iter = args.into_iter().peekable();
    while let Some(a) = iter.next() {
        let is_flag = a == "--sandbox";
        explain |= a == "explain";
        out.push(a);
        if is_flag {
            if let Some(next) = iter.peek() {
                let message = explain
                    && next.to_string_lossy().contains(char::is_whitespace)
                    && !std::path::Path::new(next).is_dir();
                if message || SUBCOMMANDS.iter().any(|s| next == s) {
                    out.push(DEFAULT_SANDBOX.into());
                }
            }
        }
    }
    out
}

pub fn main() -> ExitCode {
    let args = fix_sandbox_args(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    common::init_logging(if cli.global.debug {
        cli.global.verbose.max(3)
    } else {
        cli.global.verbose
    });
    let result = match cli.command {
        Command::Init(a) => init::run(&cli.global, a),
        Command::Validate(a) => validate::run(&cli.global, a),
        Command::Plan(a) => plan::run_plan(&cli.global, a),
        Command::Apply(a) => plan::run_apply(&cli.global, a),
        Command::Destroy(a) => destroy::run(&cli.global, a),
        Command::Check(a) => check::run(&cli.global, a),
        Command::Explain(a) => explain::run(&cli.global, a),
        Command::Iam(IamCommand::Eval(a)) => iam_eval::run(&cli.global, a),
        Command::Policy(PolicyCommand::Generate(a)) => policy::run_generate(&cli.global, a),
        Command::Lint(a) => lint::run(&cli.global, a),
        Command::Models(a) => models::run(&cli.global, a),
        Command::Import(a) => import::run(&cli.global, a),
        Command::Probe(a) => probe::run(&cli.global, a),
        Command::Report(a) => report::run(&cli.global, a),
        Command::Schema(a) => schema::run(&cli.global, a),
        Command::Completions(a) => completions::run(a),
        Command::Manpage => manpage::run(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            common::report_error(&e);
            ExitCode::from(1)
        }
    }
}
