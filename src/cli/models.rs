//! `bedrockctl models`: list foundation models from the embedded catalog, merged with
//! the account's own listing (readiness) when `--region` is given and an account is
//! at hand (`--sandbox`, or AWS credentials).

use super::GlobalArgs;
use bedrockctl::account::ModelStatus;
use bedrockctl::catalog::{catalog, Knowledge, Model};
use serde_json::json;
use std::collections::BTreeMap;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only models from this provider (case-insensitive, e.g. `anthropic`)
    #[arg(long)]
    pub provider: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ModelsFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ModelsFormat {
    Table,
    Json,
}

fn knowledge(k: Knowledge) -> &'static str {
    match k {
        Knowledge::Yes => "yes",
        Knowledge::No => "no",
        Knowledge::Unknown => "?",
    }
}

fn row(m: &Model, region: Option<&str>) -> serde_json::Value {
    let profile = region
        .and_then(|r| m.profile_for(r))
        .map(|p| p.profile_id.clone());
    json!({
        "model_id": m.model_id,
        "provider": m.provider,
        "name": m.name,
        "lifecycle": m.lifecycle,
        "inference_types": m.inference_types,
        "inference_types_complete": m.inference_types_complete,
        "on_demand": region.map(|r| knowledge(m.on_demand_in(r))),
        "offered": region.map(|r| knowledge(m.offered_in(r))),
        "inference_profile": profile,
        "profiles": m.cross_region_profiles.iter().map(|p| &p.profile_id).collect::<Vec<_>>(),
        "provisioned_purchase_ids": m.provisioned_purchase_ids,
        "eol_date": region.and_then(|r| m.eol_date_in(r)).or(m.eol_date.as_deref()),
    })
}

/// Live model status for a region, when an account is at hand: `--sandbox`, or AWS
/// credentials in the environment or a profile. `None` means catalog only.
fn live_models(
    g: &GlobalArgs,
    region: &str,
) -> anyhow::Result<Option<BTreeMap<String, ModelStatus>>> {
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
        Ok(s) => Ok(Some(
            s.into_iter().map(|m| (m.model_id.clone(), m)).collect(),
        )),
        // The catalog still answers; say why the account's view is missing.
        Err(e) => {
            eprintln!("warning: cannot list the account's models in `{region}`, showing the catalog only: {e:#}");
            Ok(None)
        }
    }
}

fn live_json(m: &ModelStatus) -> serde_json::Value {
    json!({
        "exists": m.exists,
        "ready": m.is_ready(),
        "lifecycle": m.lifecycle,
        "inference_types": m.inference_types,
        "authorization": m.authorization,
        "agreement": m.agreement,
    })
}

pub fn run(g: &GlobalArgs, a: Args) -> anyhow::Result<u8> {
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
    let provider = a.provider.as_deref().map(str::to_lowercase);
    let models: Vec<&Model> = c
        .models
        .iter()
        .filter(|m| {
            provider
                .as_deref()
                .is_none_or(|p| m.provider.to_lowercase().contains(p))
        })
        .filter(|m| region.is_none_or(|r| m.offered_in(r) != Knowledge::No))
        .collect();
    let live = match region {
        Some(r) => live_models(g, r)?,
        None => None,
    };
    let out = match a.format {
        ModelsFormat::Json => {
            let mut rows: Vec<_> = models
                .iter()
                .map(|m| {
                    let mut row = row(m, region);
                    if let Some(live) = &live {
                        row["live"] = live
                            .get(&m.model_id)
                            .map(live_json)
                            .unwrap_or(serde_json::Value::Null);
                    }
                    row
                })
                .collect();
            // Models the account lists that the catalog does not know yet.
            if let Some(live) = &live {
                for (id, m) in live.iter().filter(|(id, _)| c.model(id).is_none()) {
                    rows.push(json!({ "model_id": id, "provider": null, "name": null, "live": live_json(m) }));
                }
            }
            serde_json::to_string_pretty(&rows)? + "\n"
        }
        ModelsFormat::Table => table(&models, region, live.as_ref()),
    };
    super::common::print_stdout(&out)?;
    Ok(0)
}

fn table(
    models: &[&Model],
    region: Option<&str>,
    live: Option<&BTreeMap<String, ModelStatus>>,
) -> String {
    let mut rows = vec![match region {
        Some(_) => vec![
            "MODEL ID".to_string(),
            "PROVIDER".into(),
            "LIFECYCLE".into(),
            "ON-DEMAND".into(),
            "INFERENCE PROFILE".into(),
        ],
        None => vec![
            "MODEL ID".to_string(),
            "PROVIDER".into(),
            "LIFECYCLE".into(),
            "TYPES".into(),
            "PROFILES".into(),
        ],
    }];
    if region.is_some() && live.is_some() {
        rows[0].push("ACCOUNT".into());
    }
    for m in models {
        let lifecycle = m.lifecycle.clone().unwrap_or_else(|| "-".into());
        rows.push(match region {
            Some(r) => {
                let mut row = vec![
                    m.model_id.clone(),
                    m.provider.clone(),
                    lifecycle,
                    knowledge(m.on_demand_in(r)).to_string(),
                    m.profile_for(r)
                        .map(|p| p.profile_id.clone())
                        .unwrap_or_else(|| "-".into()),
                ];
                if let Some(live) = live {
                    row.push(match live.get(&m.model_id) {
                        Some(s) if s.is_ready() => "ready".into(),
                        Some(s) if s.exists => "not ready".into(),
                        _ => "not listed".into(),
                    });
                }
                row
            }
            None => vec![
                m.model_id.clone(),
                m.provider.clone(),
                lifecycle,
                m.inference_types
                    .iter()
                    .map(|t| t.to_lowercase())
                    .collect::<Vec<_>>()
                    .join(","),
                m.cross_region_profiles.len().to_string(),
            ],
        });
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
