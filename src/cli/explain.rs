//! `bedrockctl explain`: diagnose a pasted error message.

use super::account::{open_account, runtime};
use super::common::print_stdout;
use super::GlobalArgs;
use anyhow::{bail, Context, Result};
use bedrockctl::explain::{self, deep, Diagnosis, Hints};
use std::io::{IsTerminal, Read};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The error message, or `-` to read it from stdin (at most 1 MiB is read;
    /// terminal control sequences in it are removed)
    pub message: Option<String>,
    /// Output: `text` for people, `json` for scripts
    #[arg(long, value_enum, default_value = "text")]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

pub fn run(g: &GlobalArgs, a: Args) -> Result<u8> {
    let text = read_message(a.message.as_deref())?;
    let hints = Hints {
        region: g.region.clone(),
        ..Hints::default()
    };
    let mut diagnosis = explain::explain_with(&text, &hints);
    if wants_deep(g) {
        deepen(g, &mut diagnosis);
    }
    print(&diagnosis, a.format)?;
    Ok(0)
}

pub fn print(d: &Diagnosis, format: ExplainFormat) -> Result<()> {
    match format {
        ExplainFormat::Text => print_stdout(&explain::render_text(d)),
        ExplainFormat::Json => print_stdout(&format!("{}\n", d.to_json())),
    }
}

/// The message from the argument, or stdin for `-` or when stdin is piped.
fn read_message(arg: Option<&str>) -> Result<String> {
    let text = match arg {
        Some("-") => read_stdin()?,
        Some(m) => m.to_string(),
        None if !std::io::stdin().is_terminal() => read_stdin()?,
        None => bail!("no message to explain: pass it as an argument, or `-` to read stdin"),
    };
    if text.trim().is_empty() {
        bail!("no message to explain: the input is empty");
    }
    Ok(text)
}

/// Most bytes `explain` reads from stdin. An error message is a few KB; the cap is on
/// bytes actually read, so `/dev/zero` or an endless pipe cannot grow memory.
const MAX_STDIN_BYTES: u64 = 1024 * 1024;

fn read_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_STDIN_BYTES + 1)
        .read_to_end(&mut bytes)
        .context("could not read the message from stdin")?;
    if bytes.len() as u64 > MAX_STDIN_BYTES {
        bail!("the message on stdin is larger than 1 MiB: paste only the error and its context");
    }
    // A message with a stray non-UTF-8 byte is still worth diagnosing.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Deep mode needs an account: the sandbox, or credentials named with `--profile`.
/// Without either, `explain` stays offline rather than probing the credential chain.
fn wants_deep(g: &GlobalArgs) -> bool {
    g.sandbox.is_some() || g.profile.is_some()
}

/// Add what the account says. A failure here is a note on stderr, never an error:
/// the offline diagnosis stands on its own.
fn deepen(g: &GlobalArgs, d: &mut Diagnosis) {
    let result = runtime().and_then(|rt| {
        rt.block_on(async {
            let account = open_account(g).await?;
            let evaluator = bedrockctl::explain::iam_adapter::IamEvaluator;
            Ok(deep::investigate(d, account.as_ref(), &evaluator).await)
        })
    });
    match result {
        Ok(findings) => findings.apply(d),
        Err(e) => eprintln!("note: account lookup skipped: {e:#}"),
    }
}
