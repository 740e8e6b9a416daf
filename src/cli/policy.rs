//! `bedrockctl policy generate`: least-privilege policies from grants, each proved by
//! the offline evaluator before it is printed or written.

use super::GlobalArgs;
use anyhow::{bail, Context as _};
use bedrockctl::check::access::DEFAULT_ACCOUNT;
use bedrockctl::config::Config;
use bedrockctl::policy::{self, role_grants, StackRefs};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Config file whose grants become policy documents
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
    /// Only this role (prints its bare policy document)
    #[arg(long)]
    pub role: Option<String>,
    /// Write one JSON file per role into DIR (`DIR/<role>.json`) instead of printing
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

/// The account id and the stack's live resources, read from the sandbox.
fn live_refs(g: &GlobalArgs, cfg: &Config) -> anyhow::Result<(String, StackRefs)> {
    let rt = super::account::runtime().context("cannot start the async runtime")?;
    rt.block_on(async {
        let account = super::account::open_account(g).await?;
        let id = account.account_id().await?;
        let refs = bedrockctl::check::post_apply::stack_refs(cfg, account.as_ref()).await?;
        Ok((id, refs))
    })
}

pub fn run_generate(g: &GlobalArgs, a: GenerateArgs) -> anyhow::Result<u8> {
    let (cfg, _sources) = super::common::load_config(&a.file)?;
    let configured = cfg.account.id.as_ref().map(|i| i.value.clone());
    // With an account, the stack's resources get their exact ARNs (the wildcard stays
    // only for one not created yet); without one, a placeholder says what goes there.
    // Only when asked (`--sandbox`, `--profile`): without an account the placeholders say
    // what each reference stands for, and the command needs no network.
    let live = if g.sandbox.is_some() || g.profile.is_some() {
        Some(live_refs(g, &cfg)?)
    } else {
        None
    };
    let (account, refs, shown) = match live {
        Some((id, refs)) => (configured.unwrap_or(id), refs.clone(), refs),
        None => (
            configured.unwrap_or_else(|| DEFAULT_ACCOUNT.to_string()),
            StackRefs::none(),
            StackRefs::placeholders(),
        ),
    };
    // The proof runs on the document IAM would get; placeholders only change how an
    // unresolved guardrail is printed.
    let mut proved = policy::generate_all_with(&cfg, &account, &refs);
    let mut docs = policy::generate_all_with(&cfg, &account, &shown);
    if docs != proved && a.out.is_none() {
        eprintln!(
            "note: `${{guardrail.NAME.arn}}` (and `${{provisioned.NAME.arn}}`, `${{profile.NAME.arn}}`) stands for a resource of this stack whose id the account assigns; run with `--sandbox` or `--profile` after `apply` for its exact ARN (`--out` writes the account-wide form)"
        );
    }
    if let Some(r) = &a.role {
        if cfg.role(r).is_none() {
            bail!("role `{r}` is not in `{}`", a.file.display());
        }
        docs.retain(|(name, _)| name == r);
        proved.retain(|(name, _)| name == r);
        if docs.is_empty() {
            bail!("role `{r}` has no `grants:` to generate a policy from");
        }
    }
    if docs.is_empty() {
        eprintln!("no role of `{}` has `grants:`", a.file.display());
    }
    let mut failed = 0usize;
    for (name, doc) in &proved {
        let Some(role) = cfg.role(name) else { continue };
        let proof = policy::prove_with(&cfg, name, &role_grants(role), doc, &account, &refs)?;
        for c in proof.failures() {
            failed += 1;
            eprintln!(
                "error: proof failed for role `{name}`: {}: `{}` on `{}` expected `{}`, evaluator said `{}`",
                c.what,
                c.action,
                c.resource,
                match c.expect {
                    policy::prove::Expect::Allow => "allow",
                    policy::prove::Expect::Deny => "deny",
                },
                c.got.as_str()
            );
        }
        if proof.passed() {
            eprintln!(
                "role `{name}`: {} statement(s), proved by {} request(s) ({} intended, {} near misses)",
                doc["Statement"].as_array().map_or(0, Vec::len),
                proof.cases.len(),
                proof.cases.iter().filter(|c| c.expect == policy::prove::Expect::Allow).count(),
                proof.cases.iter().filter(|c| c.expect == policy::prove::Expect::Deny).count(),
            );
        }
    }
    if failed > 0 {
        bail!("{failed} proof case(s) failed; no policy was written");
    }
    match &a.out {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
            // Files are for IAM: the proved document, never a placeholder.
            for (name, doc) in &proved {
                let path = dir.join(format!("{name}.json"));
                std::fs::write(&path, pretty(doc))
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
                eprintln!("wrote `{}`", path.display());
            }
        }
        None => {
            let text = match (&a.role, docs.as_slice()) {
                (Some(_), [(_, doc)]) => pretty(doc),
                _ => {
                    let map: serde_json::Map<String, serde_json::Value> =
                        docs.into_iter().collect();
                    pretty(&serde_json::Value::Object(map))
                }
            };
            super::common::print_stdout(&text)?;
        }
    }
    Ok(0)
}
