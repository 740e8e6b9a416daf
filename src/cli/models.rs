//! `bedrockctl models`: list foundation models from the embedded catalog, merged with
//! the account's own listing (readiness) when `--region` is given and an account is
//! at hand (`--sandbox`, or AWS credentials). The merge and rendering live in
//! [`bedrockctl::catalog::listing`].

use super::GlobalArgs;
use bedrockctl::account::spec::CustomModelSpec;
use bedrockctl::catalog::catalog;
use bedrockctl::catalog::listing::{self, Live};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only models from this provider (case-insensitive, e.g. `anthropic`)
    #[arg(long)]
    pub provider: Option<String>,
    /// Output: `table` for people, `json` for scripts
    #[arg(long, value_enum, default_value = "table")]
    pub format: ModelsFormat,
    /// The account's custom (fine-tuned or imported) models in `--region` instead
    #[arg(long)]
    pub custom: bool,
}

/// `models --custom`: the account's custom models in one region (ListCustomModels).
fn run_custom(g: &GlobalArgs, a: &Args) -> anyhow::Result<u8> {
    let Some(region) = g.region.as_deref() else {
        anyhow::bail!("`models --custom` lists one region's custom models: add `--region REGION`");
    };
    let rt = super::account::runtime()?;
    let models = rt.block_on(async {
        let account = super::account::open_account(g).await?;
        anyhow::Ok(
            account
                .list(bedrockctl::account::Kind::CustomModel, region)
                .await?,
        )
    })?;
    let out = match a.format {
        ModelsFormat::Json => {
            let rows: Vec<serde_json::Value> = models
                .iter()
                .map(|m| {
                    let c = m.spec.as_kind::<CustomModelSpec>();
                    serde_json::json!({
                        "name": m.name, "region": m.region, "arn": m.id,
                        "base_model": c.map(|c| &c.base_model),
                        "customization_type": c.and_then(|c| c.customization_type.as_ref()),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rows)? + "\n"
        }
        ModelsFormat::Table => {
            let mut t = String::from("NAME\tTYPE\tBASE MODEL\tARN\n");
            for m in &models {
                let c = m.spec.as_kind::<CustomModelSpec>();
                let base = c.map_or("-", |c| c.base_model.as_str());
                let ctype = c
                    .and_then(|c| c.customization_type.as_deref())
                    .unwrap_or("-");
                t.push_str(&format!(
                    "{}\t{}\t{}\t{}\n",
                    m.name,
                    ctype,
                    base,
                    m.id.as_deref().unwrap_or("-")
                ));
            }
            if models.is_empty() {
                t = format!("no custom models in `{region}`\n");
            }
            t
        }
    };
    super::common::print_stdout(&out)?;
    Ok(0)
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ModelsFormat {
    Table,
    Json,
}

/// Live model status for a region, when an account is at hand: `--sandbox`, or AWS
/// credentials in the environment or a profile. `None` means catalog only.
fn live_models(g: &GlobalArgs, region: &str) -> anyhow::Result<Option<Live>> {
    let has_credentials = g.profile.is_some()
        || std::env::var_os("AWS_ACCESS_KEY_ID").is_some()
        || std::env::var_os("AWS_WEB_IDENTITY_TOKEN_FILE").is_some();
    if g.sandbox.is_none() && !has_credentials {
        return Ok(None);
    }
    let rt = super::account::runtime()?;
    let statuses = rt.block_on(async {
        let account = super::account::open_account(g).await?;
        anyhow::Ok(account.list_models(region).await?)
    });
    match statuses {
        Ok(s) => Ok(Some(listing::by_id(s))),
        // The catalog still answers; say why the account's view is missing.
        Err(e) => {
            eprintln!("warning: cannot list the account's models in `{region}`, showing the catalog only: {e:#}");
            Ok(None)
        }
    }
}

pub fn run(g: &GlobalArgs, a: Args) -> anyhow::Result<u8> {
    if a.custom {
        return run_custom(g, &a);
    }
    let c = catalog();
    let region = g.region.as_deref();
    if let Some(r) = region {
        if !c.is_region(r) {
            let hint = c
                .closest_regions(r, 1)
                .first()
                .map(|n| format!("\nhint: did you mean `{n}`?"))
                .unwrap_or_default();
            anyhow::bail!("unknown region `{r}`{hint}");
        }
    }
    let models = listing::select(c, a.provider.as_deref(), region);
    let live = match region {
        Some(r) => live_models(g, r)?,
        None => None,
    };
    let out = match a.format {
        ModelsFormat::Json => {
            serde_json::to_string_pretty(&listing::json_rows(&models, region, live.as_ref()))?
                + "\n"
        }
        ModelsFormat::Table => listing::table(&models, region, live.as_ref()),
    };
    super::common::print_stdout(&out)?;
    if region.is_some() {
        // Which source answered goes to stderr, so stdout stays the table or JSON a script
        // parses (issue 24: without credentials the catalog answered silently).
        eprintln!(
            "{}",
            source_note(live.is_some(), matches!(a.format, ModelsFormat::Table))
        );
    }
    Ok(0)
}

/// The stderr note naming the source of a `--region` listing, with the `?` legend.
fn source_note(live: bool, table: bool) -> String {
    let source = if live {
        "source: the account (ACCOUNT column) and bedrockctl's offline catalog (the rest)"
    } else {
        "source: bedrockctl's offline catalog only (no account: pass `--sandbox`, or set \
         AWS_PROFILE / `--profile` for the account's own view)"
    };
    if table {
        format!("{source}\nlegend: yes / no = the catalog says so; ? = the catalog does not know")
    } else {
        source.to_string()
    }
}
