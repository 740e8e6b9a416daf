//! `bedrockctl probe`: one minimal real runtime request; on failure, the `explain`
//! diagnosis of the error.

use super::account::{open_account, runtime};
use super::common::print_stdout;
use super::GlobalArgs;
use anyhow::{bail, Result};
use bedrockctl::account::aws::NO_CREDENTIALS;
use bedrockctl::account::{ProbeKind, ProbeResult};
use bedrockctl::explain::{self, deep};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["model", "knowledge_base"])))]
pub struct Args {
    /// Model id, inference profile id or ARN to send one small request to
    #[arg(long)]
    pub model: Option<String>,
    /// Knowledge base id: one Retrieve through bedrock-agent-runtime instead
    #[arg(long, conflicts_with_all = ["model", "stream", "embedding"])]
    pub knowledge_base: Option<String>,
    /// Use ConverseStream
    #[arg(long, conflicts_with = "embedding")]
    pub stream: bool,
    /// Send an embeddings request (InvokeModel); the default for embeddings models
    #[arg(long)]
    pub embedding: bool,
}

pub fn run(g: &GlobalArgs, a: Args) -> Result<u8> {
    let Some(region) = g.region.clone() else {
        bail!("`probe` needs a region: pass `--region`");
    };
    if let Some(kb) = &a.knowledge_base {
        return run_knowledge_base(g, &region, kb);
    }
    let Some(model) = a.model.clone() else {
        bail!("`probe` needs `--model` or `--knowledge-base`");
    };
    let a = ModelArgs {
        model,
        stream: a.stream,
        embedding: a.embedding,
    };
    let (kind, operation) = if a.embedding || (!a.stream && is_embedding_model(&a.model)) {
        (ProbeKind::Embedding, "InvokeModel")
    } else if a.stream {
        (ProbeKind::ConverseStream, "ConverseStream")
    } else {
        (ProbeKind::Converse, "Converse")
    };
    let rt = runtime()?;
    let outcome = rt.block_on(async {
        let account = open_account(g).await?;
        let result = account.probe(&region, &a.model, kind).await;
        // Without credentials no request left the machine: there is nothing to diagnose,
        // and an explain report would dress a local problem as a Bedrock error (issue 24).
        let diagnosis = match &result {
            Err(e) if e.code != NO_CREDENTIALS => {
                Some(deep::probe_failure(e, &region, &a.model, kind, account.as_ref()).await)
            }
            _ => None,
        };
        anyhow::Ok((result, diagnosis))
    })?;
    match outcome {
        (Ok(r), _) => {
            print_stdout(&success(&a.model, &region, operation, &r))?;
            Ok(0)
        }
        (Err(e), _) if e.code == NO_CREDENTIALS => {
            eprintln!("error: {}", e.message);
            Ok(1)
        }
        (Err(e), diagnosis) => {
            eprintln!(
                "error: `{operation}` on `{}` in `{region}` failed: {}: {}",
                a.model, e.code, e.message
            );
            if let Some(d) = diagnosis {
                print_stdout(&explain::render_text(&d))?;
            }
            Ok(1)
        }
    }
}

/// The model probe's arguments, once `--model` is known.
struct ModelArgs {
    model: String,
    stream: bool,
    embedding: bool,
}

/// `probe --knowledge-base ID`: one Retrieve; on failure, the explain diagnosis of the
/// error as the service words it.
fn run_knowledge_base(g: &GlobalArgs, region: &str, kb: &str) -> Result<u8> {
    let rt = runtime()?;
    let result = rt.block_on(async {
        let account = open_account(g).await?;
        anyhow::Ok(account.probe_knowledge_base(region, kb).await)
    })?;
    match result {
        Ok(r) => {
            let mut out = format!(
                "ok: `Retrieve` on knowledge base `{kb}` in `{region}` answered in {} ms\n",
                r.latency_ms
            );
            if let Some(n) = r.resolved {
                out.push_str(&format!("  {n}\n"));
            }
            print_stdout(&out)?;
            Ok(0)
        }
        Err(e) if e.code == NO_CREDENTIALS => {
            eprintln!("error: {}", e.message);
            Ok(1)
        }
        Err(e) => {
            eprintln!(
                "error: `Retrieve` on knowledge base `{kb}` in `{region}` failed: {}: {}",
                e.code, e.message
            );
            // A denial gets explain's diagnosis (caller, service role, resource policy);
            // a missing knowledge base is said plainly above.
            if e.code.contains("AccessDenied") {
                let d = explain::explain(&format!(
                    "An error occurred ({}) when calling the Retrieve operation: {}",
                    e.code, e.message
                ));
                print_stdout(&explain::render_text(&d))?;
            }
            Ok(1)
        }
    }
}

/// An embeddings model (the catalog lists `EMBEDDING` output) cannot answer Converse;
/// its minimal request is an embeddings InvokeModel. Ids, profile ids and ARNs resolve.
fn is_embedding_model(model: &str) -> bool {
    let id = model.rsplit_once('/').map_or(model, |(_, id)| id);
    bedrockctl::catalog::catalog()
        .resolve(id)
        .and_then(|m| m.modalities_out.as_ref())
        .is_some_and(|out| out.iter().any(|o| o.eq_ignore_ascii_case("EMBEDDING")))
}

fn success(model: &str, region: &str, operation: &str, r: &ProbeResult) -> String {
    let mut out = format!(
        "ok: `{operation}` on `{model}` in `{region}` answered in {} ms\n",
        r.latency_ms
    );
    if let Some(resolved) = r.resolved.as_deref().filter(|x| *x != model) {
        out.push_str(&format!("  resolved to `{resolved}`\n"));
    }
    if let Some(t) = r.output_tokens {
        out.push_str(&format!("  output tokens: {t}\n"));
    }
    out
}
