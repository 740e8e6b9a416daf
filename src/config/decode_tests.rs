//! Decoding that takes the tree apart (issue 21): tags into [`Tags`], and sections moved
//! out of the root mapping one by one. What a config means must not change.

use super::*;
use crate::span::SourceMap;
use std::path::Path;

const HEAD: &str = "version: 1\nstack: s\naccount:\n  regions: [us-east-1]\n";

fn load(body: &str) -> Result<Config, String> {
    let mut sources = SourceMap::default();
    match super::super::load_str(Path::new("b.yaml"), format!("{HEAD}{body}"), &mut sources) {
        Ok((cfg, _)) => Ok(cfg),
        Err(d) => Err(d.render(&sources)),
    }
}

fn profile(tags: &str) -> String {
    format!(
        "inference_profiles:\n  - name: p\n    region: us-east-1\n    copy_from: us.amazon.nova-lite-v1:0\n    tags: {tags}\n"
    )
}

#[test]
fn tags_come_out_sorted_by_key_with_their_values() {
    let cfg = match load(&profile("{ zone: b, team: ml, cost-center: cc-1 }")) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let tags = &cfg.inference_profiles.as_deref().unwrap_or_default()[0].tags;
    assert_eq!(
        tags.iter().collect::<Vec<_>>(),
        [("cost-center", "cc-1"), ("team", "ml"), ("zone", "b")]
    );
    assert_eq!(tags.get("team"), Some("ml"));
    assert_eq!(tags.to_map().get("zone").map(String::as_str), Some("b"));
}

#[test]
fn a_tag_value_that_is_not_text_is_reported_and_the_others_are_still_checked() {
    let err = match load(&profile("{ team: [a], \"bad key!\": x }")) {
        Ok(_) => panic!("accepted a list as a tag value"),
        Err(e) => e,
    };
    assert!(
        err.contains("`team` must be a string, found a list"),
        "{err}"
    );
    assert!(err.contains("tag key `bad key!` contains `!`"), "{err}");
}

#[test]
fn sections_taken_out_of_the_tree_keep_their_meaning() {
    // `[]` manages the kind, an absent key leaves it alone, a null is refused.
    let cfg = match load("guardrails: []\nalarms: []\n") {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(cfg.guardrails.map(|g| g.len()), Some(0));
    assert_eq!(cfg.alarms.map(|a| a.len()), Some(0));
    assert!(cfg.provisioned_throughput.is_none());
    let err = match load("guardrails:\nalarms: []\n") {
        Ok(_) => panic!("accepted a null section"),
        Err(e) => e,
    };
    assert!(
        err.contains("`guardrails` in the config has no value"),
        "{err}"
    );
    // A section of the wrong shape is reported at its own line.
    let err = match load("alarms: { name: a }\n") {
        Ok(_) => panic!("accepted a mapping as a list"),
        Err(e) => e,
    };
    assert!(
        err.contains("b.yaml:5:9: error: `alarms` must be a list"),
        "{err}"
    );
}

#[test]
fn every_entry_of_a_taken_section_is_decoded_and_kept_in_order() {
    let mut body = String::from("provisioned_throughput:\n");
    for i in 0..50 {
        body.push_str(&format!(
            "  - name: pt-{i}\n    region: us-east-1\n    model: amazon.nova-lite-v1:0:24k\n    model_units: 1\n    tags: {{ n: \"{i}\" }}\n"
        ));
    }
    let cfg = match load(&body) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let pts = cfg.provisioned_throughput.unwrap_or_default();
    assert_eq!(pts.len(), 50);
    for (i, pt) in pts.iter().enumerate() {
        assert_eq!(pt.name.value, format!("pt-{i}"));
        assert_eq!(pt.tags.get("n"), Some(i.to_string().as_str()));
    }
}

#[test]
fn regions_are_derived_from_taken_sections_when_not_declared() {
    let mut sources = SourceMap::default();
    let text = "version: 1\nstack: s\nalarms:\n  - name: a\n    region: eu-west-1\n    metric: InvocationThrottles\n    statistic: Sum\n    period: 300\n    threshold: 1\n    comparison: GreaterThanThreshold\n";
    let cfg = match super::super::load_str(Path::new("b.yaml"), text.to_string(), &mut sources) {
        Ok((c, _)) => c,
        Err(d) => panic!("{}", d.render(&sources)),
    };
    assert_eq!(cfg.regions().collect::<Vec<_>>(), ["eu-west-1"]);
}
