//! The report's scale fixture (issue 20): a config with 200 roles × 50 models × 20
//! regions, written to a directory with its trust policy. Shared by
//! `benches/report.rs` (timing) and `tests/report_scale.rs` (size and cell count).
//!
//! Models and regions come from the embedded catalog so the config validates: 50
//! models not past end of life, each declared in one of 20 scanned regions (on demand,
//! else through its cross-region profile); the grid still spans every model × every account region. Roles get
//! three models in three regions each, every fifth with a required guardrail.

use bedrockctl::catalog::{catalog, Knowledge};
use std::fmt::Write as _;
use std::path::Path;

pub const ROLES: usize = 200;
pub const MODELS: usize = 50;
pub const REGIONS: usize = 20;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// Write `bedrock.yaml` and `policies/trust.json` into `dir`; the config's path.
pub fn write_fixture(dir: &Path) -> std::path::PathBuf {
    let cat = catalog();
    // The 20 scanned regions with the most models on demand (us-east-1 first).
    let mut regions: Vec<String> = cat.scanned_regions.clone();
    let offered = |r: &str| {
        cat.models
            .iter()
            .filter(|m| m.on_demand_in(r) == Knowledge::Yes)
            .count()
    };
    regions.sort_by(|a, b| offered(b).cmp(&offered(a)).then(a.cmp(b)));
    regions.truncate(REGIONS);
    assert_eq!(
        regions.len(),
        REGIONS,
        "the catalog scans at least 20 regions"
    );
    // (id, region, via): on demand where the catalog confirms it, else through the
    // model's cross-region profile from a source region, else on demand where the
    // catalog cannot say (validation warns, the sandbox treats unknown as supported).
    let mut models: Vec<(String, String, &str)> = Vec::new();
    let today = bedrockctl::catalog::today();
    let live = |m: &bedrockctl::catalog::Model, r: &str| !m.is_end_of_life(r, &today);
    for m in &cat.models {
        let found = |ok: &dyn Fn(&str) -> bool| regions.iter().find(|r| live(m, r) && ok(r));
        if let Some(r) = found(&|r| m.on_demand_in(r) == Knowledge::Yes) {
            models.push((m.model_id.clone(), r.clone(), "on_demand"));
        } else if let Some(r) = found(&|r| m.profile_for(r).is_some()) {
            models.push((m.model_id.clone(), r.clone(), "inference_profile"));
        }
    }
    for m in &cat.models {
        if models.len() >= MODELS {
            break;
        }
        if models.iter().all(|(id, _, _)| *id != m.model_id) {
            if let Some(r) = regions
                .iter()
                .find(|r| live(m, r) && m.offered_in(r) != Knowledge::No)
            {
                models.push((m.model_id.clone(), r.clone(), "on_demand"));
            }
        }
    }
    models.truncate(MODELS);
    assert_eq!(models.len(), MODELS, "50 usable models in the catalog");
    let mut y = String::new();
    let _ = writeln!(
        y,
        "version: 1\nstack: report-bench\naccount:\n  id: \"111122223333\"\n  regions: [{}]",
        regions.join(", ")
    );
    y.push_str("models:\n");
    for (id, r, via) in &models {
        let _ = writeln!(y, "  - {{ id: {id}, regions: [{r}], via: {via} }}");
    }
    y.push_str("iam:\n  roles:\n");
    for i in 0..ROLES {
        let pick: Vec<&(String, String, &str)> =
            (0..3).map(|k| &models[(i * 7 + k * 13) % MODELS]).collect();
        let mut grant_regions: Vec<&str> = pick.iter().map(|(_, r, _)| r.as_str()).collect();
        grant_regions.sort();
        grant_regions.dedup();
        let _ = writeln!(
            y,
            "    - name: role-{i}\n      assume_role_policy: policies/trust.json\n      policies:\n        - grants:\n            - invoke: [{}]\n              regions: [{}]",
            pick.iter().map(|(id, _, _)| id.as_str()).collect::<Vec<_>>().join(", "),
            grant_regions.join(", ")
        );
        if i % 5 == 0 {
            let _ = writeln!(
                y,
                "              guardrail: arn:aws:bedrock:{}:111122223333:guardrail/abcdef123456\n              require_guardrail: true",
                grant_regions[0]
            );
        }
    }
    // Checks that hold: a role's own first model (on demand, unguarded roles) is
    // allowed; the model after it, which no grant of that role names, is denied.
    y.push_str("access_checks:\n");
    let mut written = 0;
    for j in (1..ROLES).filter(|j| j % 5 != 0) {
        let (id, r, via) = &models[(j * 7) % MODELS];
        if *via != "on_demand" {
            continue;
        }
        let (other, _, _) = &models[(j * 7 + 1) % MODELS];
        let _ = writeln!(
            y,
            "  - {{ principal: role/role-{j}, action: bedrock:InvokeModel, model: {id}, region: {r}, expect: allow }}\n  - {{ principal: role/role-{j}, action: bedrock:InvokeModel, model: {other}, region: {r}, expect: deny }}"
        );
        written += 2;
        if written >= 10 {
            break;
        }
    }
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::write(dir.join("policies/trust.json"), TRUST).unwrap();
    let path = dir.join("bedrock.yaml");
    std::fs::write(&path, y).unwrap();
    path
}
