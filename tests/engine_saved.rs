//! Saved plans and drift: `plan --out` + `apply PLAN`, staleness after an out-of-band
//! change or a config edit, and `--refresh-only --detailed-exitcode`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use bedrockctl::account::Kind;
use engine_support::*;

/// Change the guardrail's blocked message through the sandbox's own API.
fn change_guardrail_out_of_band(p: &Project) {
    let account = p.account();
    rt().block_on(async {
        let live = account.list(Kind::Guardrail, "us-east-1").await.unwrap();
        let g = live.iter().find(|r| r.name == "safety").unwrap();
        let mut desired = g.clone();
        desired.spec = desired
            .spec
            .edit(|v| v["blocked_output_message"] = "changed by hand".into())
            .unwrap();
        account.update(g, &desired).await.unwrap();
    });
}

#[test]
fn saved_plan_applies_and_converges() {
    let p = Project::new(FULL);
    let (code, _, err) = p.run(&["plan", "-f", "bedrock.yaml", "--out", "tfplan.json"]);
    assert_eq!(code, 0, "{err}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join("tfplan.json")).unwrap())
            .unwrap();
    assert_eq!(saved["format_version"], "1");
    assert_eq!(saved["account_id"], "111122223333");
    assert_eq!(saved["config_digest"].as_str().unwrap().len(), 64);
    // The plan JSON's contract fields are at the top level of the saved file as well.
    let changes = saved["resource_changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    assert!(changes
        .iter()
        .all(|c| c["actions"].is_array() && c["address"].is_string()));
    assert!(saved["drift"].is_array());
    let (code, _, err) = p.run(&["apply", "tfplan.json"]);
    assert_eq!(code, 0, "{err}");
    p.assert_converged();
    // Applied again: the account already matches it, so it says so (issue 25), it is
    // not "stale", and nothing changes.
    let before = p.inventory();
    let (code, _, err) = p.run(&["apply", "tfplan.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("already applied"), "{err}");
    assert!(!err.contains("stale"), "{err}");
    assert_eq!(p.inventory(), before);
}

#[test]
fn saved_plan_is_stale_after_out_of_band_change() {
    let p = Project::new(FULL);
    p.apply_ok();
    p.write_config(&full_with("threshold: 10", "threshold: 11"));
    let (code, _, err) = p.run(&["plan", "-f", "bedrock.yaml", "--out", "p.json"]);
    assert_eq!(code, 0, "{err}");
    change_guardrail_out_of_band(&p);
    let (code, _, err) = p.run(&["apply", "p.json"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("stale") && err.contains("guardrail.us-east-1.safety"),
        "{err}"
    );
    // Nothing was applied: the alarm still has the old threshold.
    let plan = p.plan_json(&[], 0);
    assert!(changes(&plan).contains(&("alarm.us-east-1.haiku-throttles".into(), "update".into())));
}

#[test]
fn saved_plan_is_stale_after_policy_file_edit() {
    let p = Project::new(FULL);
    let (code, _, _) = p.run(&["plan", "-f", "bedrock.yaml", "--out", "p.json"]);
    assert_eq!(code, 0);
    p.write_file(
        "policies/logging.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}"#,
    );
    let (code, _, err) = p.run(&["apply", "p.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("stale"), "{err}");
    assert!(p.inventory().is_empty(), "a stale plan changes nothing");
}

#[test]
fn refresh_only_reports_out_of_band_drift() {
    let p = Project::new(FULL);
    p.apply_ok();
    let (code, _, _) = p.run(&[
        "plan",
        "-f",
        "bedrock.yaml",
        "--refresh-only",
        "--detailed-exitcode",
    ]);
    assert_eq!(code, 0);
    change_guardrail_out_of_band(&p);
    let v = p.plan_json(&["--refresh-only", "--detailed-exitcode"], 2);
    assert_eq!(v["resource_changes"], serde_json::json!([]));
    let drift: Vec<&str> = v["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["address"].as_str().unwrap())
        .collect();
    assert_eq!(drift, vec!["guardrail.us-east-1.safety"]);
    assert_eq!(
        v["drift"][0]["before"]["blocked_output_message"],
        "changed by hand"
    );
    let (_, text, _) = p.run(&["plan", "-f", "bedrock.yaml", "--refresh-only"]);
    assert!(text.contains("Drift: 1 managed resource differs"), "{text}");
    // apply brings it back.
    p.apply_ok();
    p.assert_converged();
}
