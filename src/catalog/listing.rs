//! The `models` listing: catalog rows for a provider and region, merged with an
//! account's own listing ([`ModelStatus`], from `Account::list_models`) when the
//! caller has one. Pure: the caller asks the account; this module only merges and
//! renders, so the merge is the same for the sandbox and AWS and testable with
//! either.

use super::{catalog, Catalog, Knowledge, Model};
use crate::vocab::ModelStatus;
use serde_json::json;
use std::collections::BTreeMap;

/// The account's listing of one region, by model id.
pub type Live = BTreeMap<String, ModelStatus>;

/// Index an account's listing by model id.
pub fn by_id(statuses: Vec<ModelStatus>) -> Live {
    statuses
        .into_iter()
        .map(|m| (m.model_id.clone(), m))
        .collect()
}

/// Catalog models of a provider (case-insensitive substring) not confirmed absent
/// from `region`.
pub fn select<'a>(c: &'a Catalog, provider: Option<&str>, region: Option<&str>) -> Vec<&'a Model> {
    let provider = provider.map(str::to_lowercase);
    c.models
        .iter()
        .filter(|m| {
            provider
                .as_deref()
                .is_none_or(|p| m.provider.to_lowercase().contains(p))
        })
        .filter(|m| region.is_none_or(|r| m.offered_in(r) != Knowledge::No))
        .collect()
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

/// `models --format json`: one row per catalog model (with `live` when the account's
/// listing is given: `null` for a model the account does not list), then one row per
/// model the account lists that the catalog does not know yet.
pub fn json_rows(
    models: &[&Model],
    region: Option<&str>,
    live: Option<&Live>,
) -> Vec<serde_json::Value> {
    let mut rows: Vec<_> = models
        .iter()
        .map(|m| {
            let mut row = row(m, region);
            if let Some(live) = live {
                row["live"] = live
                    .get(&m.model_id)
                    .map(live_json)
                    .unwrap_or(serde_json::Value::Null);
            }
            row
        })
        .collect();
    if let Some(live) = live {
        let c = catalog();
        for (id, m) in live.iter().filter(|(id, _)| c.model(id).is_none()) {
            rows.push(
                json!({ "model_id": id, "provider": null, "name": null, "live": live_json(m) }),
            );
        }
    }
    rows
}

/// `models --format table`; with a region and the account's listing, an `ACCOUNT`
/// column says `ready`, `not ready` or `not listed`.
pub fn table(models: &[&Model], region: Option<&str>, live: Option<&Live>) -> String {
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
