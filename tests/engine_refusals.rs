//! Plan shows what apply will refuse (issue 25): removing a `prevent_destroy`
//! provisioned throughput, or changing the units of one inside its commitment term, is
//! a conflict in every plan form (JSON `conflicts` with a `reason`, markdown, a github
//! error annotation, text) and plan exits 1, as Terraform does; apply still refuses.
//! An account-pin mismatch is only a warning at plan.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use engine_support::*;
use serde_json::{json, Value};

const PT: &str = "provisioned_throughput.us-east-1.app-pt";

fn plan(p: &Project, args: &[&str]) -> (i32, String, String) {
    let mut a = vec!["plan", "-f", "bedrock.yaml"];
    a.extend_from_slice(args);
    p.run_env(&a, &[("GITHUB_STEP_SUMMARY", "")])
}

/// Every form names the refusal and exits 1.
fn assert_refused_everywhere(p: &Project, needle: &str) {
    let (code, json, err) = plan(p, &["--format", "json"]);
    assert_eq!(code, 1, "{json}\n{err}");
    assert!(err.contains("this plan cannot be applied"), "{err}");
    let v: Value = serde_json::from_str(&json).unwrap();
    let conflicts = v["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{v:#}");
    assert_eq!(conflicts[0]["address"], PT);
    assert_eq!(conflicts[0]["owner"], "app");
    assert!(
        conflicts[0]["reason"].as_str().unwrap().contains(needle),
        "{v:#}"
    );
    let (code, text, _) = plan(p, &[]);
    assert_eq!(code, 1);
    assert!(
        text.lines()
            .any(|l| l.starts_with("! ") && l.contains(PT) && l.contains(needle)),
        "{text}"
    );
    let (code, md, _) = plan(p, &["--format", "markdown"]);
    assert_eq!(code, 1);
    assert!(md.contains("Apply will refuse this plan"), "{md}");
    assert!(md.contains(needle), "{md}");
    let (code, gh, _) = plan(p, &["--format", "github"]);
    assert_eq!(code, 1);
    assert!(
        gh.lines()
            .any(|l| l.starts_with("::error") && l.contains("apply will refuse") && l.contains(PT)),
        "{gh}"
    );
    // apply's guard stays.
    let (code, _, err) = p.apply();
    assert_eq!(code, 1);
    assert!(err.contains(needle), "{err}");
}

#[test]
fn removing_a_prevent_destroy_throughput_is_refused_at_plan() {
    let protected = full_with(
        "    commitment: none\n",
        "    commitment: none\n    prevent_destroy: true\n",
    );
    let p = Project::new(&protected);
    p.apply_ok();
    let start = FULL.find("provisioned_throughput:\n").unwrap();
    let end = FULL.find("guardrails:\n").unwrap();
    p.write_config(&format!(
        "{}provisioned_throughput: []\n{}",
        &FULL[..start],
        &FULL[end..]
    ));
    assert_refused_everywhere(&p, "prevent_destroy");
    assert!(p.has("provisioned_throughput", "app-pt"));
}

#[test]
fn changing_the_units_of_a_committed_throughput_is_refused_at_plan() {
    let p = Project::new(FULL);
    p.seed(&json!({"resources": [
        {"kind": "provisioned_throughput", "region": "us-east-1", "name": "app-pt",
         "spec": {"model_id": "amazon.nova-lite-v1:0:24k", "model_units": 1,
                  "commitment": "one_month", "commitment_expiration": "2999-01-01T00:00:00Z"},
         "tags": {"managed-by": "bedrockctl", "bedrockctl:stack": "app"}}
    ]}));
    p.write_config(
        &FULL
            .replacen("commitment: none", "commitment: one_month", 1)
            .replacen("model_units: 1", "model_units: 2", 1),
    );
    assert_refused_everywhere(&p, "commitment term");
}

#[test]
fn account_pin_mismatch_is_a_warning_at_plan() {
    let p = Project::new(&FULL.replacen("111122223333", "999988887777", 1));
    let (code, out, err) = plan(&p, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("warning: the config pins account `999988887777`")
            && err.contains("apply will refuse"),
        "{err}"
    );
    assert!(!out.contains("! "), "no conflict for the pin: {out}");
}
