//! Parsing of the embedded `data/bedrock-models.json` into catalog types.

use super::Catalog;
use serde::Deserialize;
use std::collections::BTreeMap;

const CATALOG_JSON: &str = include_str!("../../data/bedrock-models.json");

#[derive(Debug, Clone, Deserialize)]
pub struct Model {
    pub model_id: String,
    pub provider: String,
    pub name: String,
    #[serde(default)]
    pub modalities_in: Option<Vec<String>>,
    #[serde(default)]
    pub modalities_out: Option<Vec<String>>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub inference_types: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub inference_types_complete: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub on_demand_regions: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub on_demand_regions_scanned: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cross_region_profiles: Vec<CrossRegionProfile>,
    #[serde(default)]
    pub lifecycle: Option<String>,
    #[serde(default)]
    pub legacy_date: Option<String>,
    #[serde(default)]
    pub eol_date: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub lifecycle_schedule: Vec<LifecycleWindow>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub provisioned_purchase_ids: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub provisioned_regions: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CrossRegionProfile {
    pub profile_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub source_regions: Vec<String>,
    #[serde(default, deserialize_with = "destinations")]
    pub destination_regions: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub routing_by_source: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LifecycleWindow {
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub legacy_date: Option<String>,
    #[serde(default)]
    pub eol_date: Option<String>,
}

#[derive(Deserialize)]
struct File {
    models: Vec<Model>,
    regions_by_partition: BTreeMap<String, Vec<String>>,
    on_demand_scan: Scan,
}

#[derive(Deserialize)]
struct Scan {
    regions_scanned: Vec<String>,
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `destination_regions` is a list, or the marker string `ALL_COMMERCIAL_REGIONS`.
fn destinations<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Dest {
        List(Vec<String>),
        Marker(String),
        None,
    }
    Ok(match Option::<Dest>::deserialize(d)? {
        Some(Dest::List(l)) => l,
        Some(Dest::Marker(m)) => vec![m],
        Some(Dest::None) | None => Vec::new(),
    })
}

#[expect(
    clippy::expect_used,
    reason = "the embedded catalog is checked by a unit test"
)]
pub(super) fn load() -> Catalog {
    let file: File = serde_json::from_str(CATALOG_JSON).expect("embedded catalog parses");
    let mut models = file.models;
    let commercial: Vec<String> = file
        .regions_by_partition
        .get("aws")
        .cloned()
        .unwrap_or_default();
    // `global.` profiles route to every commercial region; expand the marker once here.
    for m in &mut models {
        for p in &mut m.cross_region_profiles {
            if p.destination_regions
                .iter()
                .any(|r| r == "ALL_COMMERCIAL_REGIONS")
            {
                p.destination_regions = commercial.clone();
            }
            for dests in p.routing_by_source.values_mut() {
                if dests.iter().any(|r| r == "ALL_COMMERCIAL_REGIONS") {
                    *dests = commercial.clone();
                }
            }
        }
    }
    Catalog::index(
        models,
        file.regions_by_partition.into_iter().collect(),
        file.on_demand_scan.regions_scanned,
    )
}
