//! Guards: account pin, commitment, prevent_destroy (config and tag-only), approval.
//! Every refusal is whole: no change at all, exit 1, and the message names the resource
//! and the reason's word.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use engine_support::*;
use serde_json::json;

/// Everything in the inventory, as `kind.name` strings.
fn names(p: &Project) -> Vec<String> {
    let mut v: Vec<String> = p
        .inventory()
        .iter()
        .map(|r| {
            format!(
                "{}.{}",
                r["kind"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn account_pin_mismatch_changes_nothing() {
    let p = Project::new(&full_with("id: \"111122223333\"", "id: \"999988887777\""));
    let (code, _, err) = p.apply();
    assert_eq!(code, 1);
    assert!(
        err.contains("account") && err.contains("999988887777"),
        "{err}"
    );
    assert!(
        err.contains("guardrail.us-east-1.safety"),
        "names the resources: {err}"
    );
    assert!(names(&p).is_empty());
}

#[test]
fn commitment_blocks_delete_and_the_whole_apply() {
    let p = Project::new(FULL);
    p.seed(&json!({"resources": [
        {"kind": "provisioned_throughput", "region": "us-east-1", "name": "committed-pt",
         "spec": {"model_id": "amazon.nova-lite-v1:0:24k", "model_units": 1,
                  "commitment": "one_month", "commitment_expiration": "2999-01-01T00:00:00Z"},
         "tags": {"managed-by": "bedrockctl", "bedrockctl:stack": "app"}}
    ]}));
    let (code, _, err) = p.apply();
    assert_eq!(code, 1);
    assert!(
        err.contains("commitment") && err.contains("provisioned_throughput.us-east-1.committed-pt"),
        "{err}"
    );
    assert_eq!(names(&p), vec!["provisioned_throughput.committed-pt"]);

    // The same throughput with a commitment that ended can go.
    let p = Project::new(FULL);
    p.seed(&json!({"resources": [
        {"kind": "provisioned_throughput", "region": "us-east-1", "name": "committed-pt",
         "spec": {"model_id": "amazon.nova-lite-v1:0:24k", "model_units": 1,
                  "commitment": "one_month", "commitment_expiration": "2001-01-01T00:00:00Z"},
         "tags": {"managed-by": "bedrockctl", "bedrockctl:stack": "app"}}
    ]}));
    p.apply_ok();
    assert!(!p.has("provisioned_throughput", "committed-pt"));
}

#[test]
fn prevent_destroy_from_config_and_from_tag() {
    let protected = full_with(
        "    commitment: none\n",
        "    commitment: none\n    prevent_destroy: true\n",
    );
    let p = Project::new(&protected);
    p.apply_ok();
    // Replace refused while the config protects it.
    p.write_config(&protected.replacen("model_units: 1", "model_units: 2", 1));
    let (code, _, err) = p.apply();
    assert_eq!(code, 1);
    assert!(
        err.contains("prevent_destroy") && err.contains("provisioned_throughput.us-east-1.app-pt"),
        "{err}"
    );
    // Removed from the config: the live tag alone still refuses, and nothing else changes.
    let start = FULL.find("provisioned_throughput:\n").unwrap();
    let end = FULL.find("guardrails:\n").unwrap();
    let without = format!(
        "{}provisioned_throughput: []\n{}",
        &FULL[..start],
        &FULL[end..]
    )
    .replacen("threshold: 10", "threshold: 99", 1);
    p.write_config(&without);
    let (code, _, err) = p.apply();
    assert_eq!(code, 1);
    assert!(err.contains("prevent_destroy"), "{err}");
    // plan shows the refusal too, and fails as apply does (issue 25).
    let plan = p.plan_json(&[], 1);
    assert_eq!(
        plan["conflicts"][0]["address"], "provisioned_throughput.us-east-1.app-pt",
        "{plan:#}"
    );
    assert!(
        changes(&plan).contains(&("alarm.us-east-1.haiku-throttles".into(), "update".into())),
        "the alarm update must not have been applied"
    );
    // destroy is refused the same way.
    let (code, _, err) = p.run(&["destroy", "-f", "bedrock.yaml", "--auto-approve"]);
    assert_eq!(code, 1);
    assert!(err.contains("prevent_destroy"), "{err}");
    assert!(p.has("provisioned_throughput", "app-pt"));
}

#[test]
fn tag_only_prevent_destroy_refuses() {
    let p = Project::new(FULL);
    p.seed(&json!({"resources": [
        {"kind": "inference_profile", "region": "us-east-1", "name": "old-profile",
         "spec": {"copy_from": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"},
         "tags": {"managed-by": "bedrockctl", "bedrockctl:stack": "app",
                  "bedrockctl:prevent-destroy": "true"}}
    ]}));
    let (code, _, err) = p.apply();
    assert_eq!(code, 1);
    assert!(
        err.contains("prevent_destroy") && err.contains("inference_profile.us-east-1.old-profile"),
        "{err}"
    );
    assert_eq!(names(&p), vec!["inference_profile.old-profile"]);
}

#[test]
fn no_approval_without_a_terminal() {
    let p = Project::new(FULL);
    let out = p
        .cmd(&["apply", "-f", "bedrock.yaml"])
        .write_stdin("yes\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--auto-approve"), "{err}");
    assert!(names(&p).is_empty());
}

/// Issue 25: every guardrail entry commented out leaves `guardrails:` with no value.
/// That is an error at its line, and nothing is deleted — `[]` is how to delete all.
#[test]
fn a_section_with_no_value_deletes_nothing() {
    let p = Project::new(FULL);
    p.apply_ok();
    let before = names(&p);
    assert!(
        before.iter().any(|n| n.starts_with("guardrail.")),
        "{before:?}"
    );
    let start = FULL.find("guardrails:\n").unwrap();
    let end = FULL.find("inference_profiles:").unwrap();
    let commented: String = FULL[start..end]
        .lines()
        .skip(1)
        .map(|l| format!("#{l}\n"))
        .collect();
    let cfg = format!("{}guardrails:\n{commented}{}", &FULL[..start], &FULL[end..]);
    p.write_config(&cfg);
    for args in [
        &["plan", "-f", "bedrock.yaml"][..],
        &["apply", "-f", "bedrock.yaml", "--auto-approve"],
    ] {
        let (code, _, err) = p.run(args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(
            err.contains("`guardrails` in the config has no value"),
            "{err}"
        );
        assert!(err.contains("bedrock.yaml:"), "points at the line: {err}");
        assert!(err.contains("guardrails: []"), "hint: {err}");
    }
    // `import` reads the config too: look with the original one.
    p.write_config(FULL);
    assert_eq!(names(&p), before, "nothing changed");
}
