use super::*;

#[test]
fn embedded_catalog_loads_and_indexes() {
    let c = catalog();
    assert!(c.models.len() > 50);
    assert!(c.is_region("us-east-1"));
    assert!(!c.is_region("us-east-9"));
    assert_eq!(c.partition("us-gov-west-1"), "aws-us-gov");
    let (m, p) = c
        .profile("us.anthropic.claude-3-haiku-20240307-v1:0")
        .expect("profile");
    assert_eq!(m.model_id, "anthropic.claude-3-haiku-20240307-v1:0");
    assert_eq!(
        p.destinations_from("us-east-1"),
        vec!["us-east-1", "us-west-2"]
    );
}

#[test]
fn global_profiles_expand_to_commercial_regions() {
    let c = catalog();
    let global = c
        .models
        .iter()
        .flat_map(|m| &m.cross_region_profiles)
        .find(|p| p.profile_id.starts_with("global."))
        .expect("a global profile");
    assert!(global.destination_regions.len() > 20);
    assert!(!global
        .destination_regions
        .iter()
        .any(|r| r == "ALL_COMMERCIAL_REGIONS"));
}

#[test]
fn closest_ids_suggest_real_models() {
    let c = catalog();
    let near = c.closest_ids("anthropic.claude-3-haiku-20240307-v1", 3);
    assert_eq!(
        near.first(),
        Some(&"anthropic.claude-3-haiku-20240307-v1:0")
    );
}

#[test]
fn purchase_ids_resolve_to_models() {
    let c = catalog();
    let m = c.purchase("amazon.nova-lite-v1:0:24k").expect("purchase");
    assert_eq!(m.model_id, "amazon.nova-lite-v1:0");
    assert_eq!(
        c.resolve("us.amazon.nova-lite-v1:0")
            .map(|m| m.model_id.as_str()),
        Some("amazon.nova-lite-v1:0")
    );
}

#[test]
fn on_demand_knowledge_is_three_valued() {
    let c = catalog();
    let haiku = c
        .model("anthropic.claude-3-haiku-20240307-v1:0")
        .expect("model");
    assert_eq!(haiku.on_demand_in("us-east-1"), Knowledge::Yes);
    let sonnet = c
        .model("anthropic.claude-3-5-sonnet-20240620-v1:0")
        .expect("model");
    assert_eq!(sonnet.on_demand_in("us-east-1"), Knowledge::No);
    assert_eq!(
        sonnet
            .profile_for("us-east-1")
            .map(|p| p.profile_id.as_str()),
        Some("us.anthropic.claude-3-5-sonnet-20240620-v1:0")
    );
}

#[test]
fn civil_dates() {
    assert_eq!(civil_date(0), "1970-01-01");
    assert_eq!(civil_date(20_454), "2026-01-01");
}

#[test]
fn region_names_give_the_catalog_partition() {
    let cat = catalog();
    assert!(!cat.partition_of.is_empty());
    for (region, partition) in &cat.partition_of {
        assert_eq!(crate::vocab::arn::partition(region), partition, "{region}");
    }
}
