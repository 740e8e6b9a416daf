//! The embedded Bedrock model catalog: model ids, regions, inference types,
//! cross-region inference profiles, provisioned-throughput purchase ids and lifecycle.
//!
//! Facts the catalog lists are confirmed; a fact it does not list is unknown, not false.
//! [`Knowledge`] carries that difference to callers, so validation errors only on a
//! confirmed impossibility and warns on unknowns.

mod data;
pub mod legs;
pub mod listing;

pub use data::{CrossRegionProfile, LifecycleWindow, Model};

use std::collections::HashMap;
use std::sync::OnceLock;

/// What the catalog knows about a yes/no question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Knowledge {
    Yes,
    No,
    Unknown,
}

#[derive(Debug)]
pub struct Catalog {
    pub models: Vec<Model>,
    /// Every Bedrock control-plane region, all partitions.
    pub regions: Vec<String>,
    /// Regions covered by the ListFoundationModels scan that backs `on_demand_regions`.
    pub scanned_regions: Vec<String>,
    partition_of: HashMap<String, String>,
    by_id: HashMap<String, usize>,
    by_profile: HashMap<String, (usize, usize)>,
    by_purchase: HashMap<String, usize>,
}

static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// The catalog embedded in the binary, parsed once.
pub fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(data::load)
}

/// Regions where application inference profiles can be created (AWS inference-profile page).
pub const APPLICATION_PROFILE_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-west-2",
];

impl Catalog {
    pub(crate) fn index(
        models: Vec<Model>,
        regions_by_partition: Vec<(String, Vec<String>)>,
        scanned_regions: Vec<String>,
    ) -> Catalog {
        let mut by_id = HashMap::new();
        let mut by_profile = HashMap::new();
        let mut by_purchase = HashMap::new();
        for (i, m) in models.iter().enumerate() {
            by_id.insert(m.model_id.clone(), i);
            for (j, p) in m.cross_region_profiles.iter().enumerate() {
                by_profile.insert(p.profile_id.clone(), (i, j));
            }
            for p in &m.provisioned_purchase_ids {
                by_purchase.insert(p.clone(), i);
            }
        }
        let mut partition_of = HashMap::new();
        let mut regions = Vec::new();
        for (partition, rs) in regions_by_partition {
            for r in rs {
                partition_of.insert(r.clone(), partition.clone());
                regions.push(r);
            }
        }
        Catalog {
            models,
            regions,
            scanned_regions,
            partition_of,
            by_id,
            by_profile,
            by_purchase,
        }
    }

    pub fn model(&self, id: &str) -> Option<&Model> {
        self.by_id.get(id).map(|&i| &self.models[i])
    }

    /// A system-defined cross-region profile id (`us.anthropic…`) and its model.
    pub fn profile(&self, profile_id: &str) -> Option<(&Model, &CrossRegionProfile)> {
        self.by_profile
            .get(profile_id)
            .map(|&(i, j)| (&self.models[i], &self.models[i].cross_region_profiles[j]))
    }

    /// The model behind a provisioned purchase id (`amazon.nova-lite-v1:0:24k`).
    pub fn purchase(&self, purchase_id: &str) -> Option<&Model> {
        self.by_purchase.get(purchase_id).map(|&i| &self.models[i])
    }

    /// The model for a model id, a profile id or a purchase id.
    pub fn resolve(&self, id: &str) -> Option<&Model> {
        self.model(id)
            .or_else(|| self.profile(id).map(|(m, _)| m))
            .or_else(|| self.purchase(id))
    }

    pub fn is_region(&self, region: &str) -> bool {
        self.partition_of.contains_key(region)
    }

    /// `aws`, `aws-us-gov`, `aws-cn`, … for a region; `aws` when unknown.
    pub fn partition(&self, region: &str) -> &str {
        self.partition_of
            .get(region)
            .map(String::as_str)
            .unwrap_or("aws")
    }

    /// Up to `n` ids (models and profiles) closest to a mistyped one, best first.
    pub fn closest_ids(&self, id: &str, n: usize) -> Vec<&str> {
        let all = self
            .models
            .iter()
            .map(|m| m.model_id.as_str())
            .chain(self.by_profile.keys().map(String::as_str));
        closest(id, all, n)
    }

    pub fn closest_regions(&self, region: &str, n: usize) -> Vec<&str> {
        closest(region, self.regions.iter().map(String::as_str), n)
    }
}

fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(s, _)| *s > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

impl Model {
    fn supports(&self, inference_type: &str) -> Knowledge {
        if self.inference_types.iter().any(|t| t == inference_type) {
            Knowledge::Yes
        } else if self.inference_types_complete {
            Knowledge::No
        } else {
            Knowledge::Unknown
        }
    }

    /// Whether the bare model id can be invoked on demand in `region`. Only a model whose
    /// inference types are complete and whose regions were scanned gives a confirmed `No`.
    pub fn on_demand_in(&self, region: &str) -> Knowledge {
        match self.supports("ON_DEMAND") {
            Knowledge::No => Knowledge::No,
            _ if self.on_demand_regions.iter().any(|r| r == region) => Knowledge::Yes,
            _ if self.inference_types_complete
                && self.on_demand_regions_scanned
                && catalog().scanned_regions.iter().any(|r| r == region) =>
            {
                Knowledge::No
            }
            _ => Knowledge::Unknown,
        }
    }

    pub fn supports_provisioned(&self) -> Knowledge {
        if !self.provisioned_purchase_ids.is_empty() {
            return Knowledge::Yes;
        }
        self.supports("PROVISIONED")
    }

    pub fn supports_inference_profile(&self) -> Knowledge {
        if !self.cross_region_profiles.is_empty() {
            return Knowledge::Yes;
        }
        self.supports("INFERENCE_PROFILE")
    }

    /// The system-defined profile a caller in `region` would use; geography profiles
    /// come before `global.` ones because they keep data in the geography.
    pub fn profile_for(&self, region: &str) -> Option<&CrossRegionProfile> {
        let mut candidates: Vec<&CrossRegionProfile> = self
            .cross_region_profiles
            .iter()
            .filter(|p| p.source_regions.iter().any(|r| r == region))
            .collect();
        candidates.sort_by_key(|p| p.profile_id.starts_with("global."));
        candidates.into_iter().next()
    }

    /// Regions where the model can be used in any way the catalog confirms.
    pub fn known_regions(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.on_demand_regions.iter().map(String::as_str).collect();
        for p in &self.cross_region_profiles {
            out.extend(p.source_regions.iter().map(String::as_str));
        }
        for rs in self.provisioned_regions.values() {
            out.extend(rs.iter().map(String::as_str));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether the model is usable in `region` at all (any inference type).
    pub fn offered_in(&self, region: &str) -> Knowledge {
        if self.known_regions().contains(&region) {
            return Knowledge::Yes;
        }
        let scanned = catalog().scanned_regions.iter().any(|r| r == region);
        if self.on_demand_regions_scanned && self.inference_types_complete && scanned {
            Knowledge::No
        } else {
            Knowledge::Unknown
        }
    }

    pub fn is_legacy(&self) -> bool {
        self.lifecycle.as_deref() == Some("LEGACY")
    }

    /// End-of-life date that applies in `region` (the region's own schedule first).
    pub fn eol_date_in(&self, region: &str) -> Option<&str> {
        self.lifecycle_schedule
            .iter()
            .find(|w| w.regions.iter().any(|r| r == region))
            .and_then(|w| w.eol_date.as_deref())
            .or(self.eol_date.as_deref())
    }

    /// True when `today` (YYYY-MM-DD) is on or after the model's end of life in `region`.
    pub fn is_end_of_life(&self, region: &str, today: &str) -> bool {
        self.eol_date_in(region).is_some_and(|d| today >= d)
    }

    /// Purchase ids offered for provisioned throughput in `region`.
    pub fn purchases_in(&self, region: &str) -> Vec<&str> {
        self.provisioned_regions
            .iter()
            .filter(|(_, rs)| rs.iter().any(|r| r == region))
            .map(|(p, _)| p.as_str())
            .collect()
    }
}

impl CrossRegionProfile {
    /// Destination regions for a request sent from `source` (falls back to all destinations).
    pub fn destinations_from(&self, source: &str) -> Vec<&str> {
        match self.routing_by_source.get(source) {
            Some(rs) => rs.iter().map(String::as_str).collect(),
            None => self
                .destination_regions
                .iter()
                .map(String::as_str)
                .collect(),
        }
    }
}

/// Today's date as `YYYY-MM-DD` (UTC), overridable with `BEDROCKCTL_TODAY` for tests.
pub fn today() -> String {
    if let Ok(d) = std::env::var("BEDROCKCTL_TODAY") {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date(secs / 86_400)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
pub fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests;
