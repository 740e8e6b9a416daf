//! Guardrail versions quota (issue 25): once a guardrail has the 20 numbered versions
//! its quota allows, a plan that publishes another warns in every form before apply
//! would fail on it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use engine_support::*;
use serde_json::Value;

fn with_message(n: usize) -> String {
    FULL.replacen(
        "Sorry, I can't provide that response.",
        &format!("Sorry, I can't provide that response ({n})."),
        1,
    )
}

#[test]
fn plan_warns_before_the_21st_guardrail_version() {
    let p = Project::new(&with_message(1));
    p.apply_ok();
    // Each edit of the guardrail publishes one more version: 20 in all.
    for n in 2..=20 {
        p.write_config(&with_message(n));
        let v = p.plan_json(&[], 0);
        assert!(
            v["warnings"].as_array().unwrap().is_empty(),
            "no warning below the quota (edit {n}): {v:#}"
        );
        p.apply_ok();
    }
    p.write_config(&with_message(21));
    let v: Value = p.plan_json(&[], 0);
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{v:#}");
    let w = warnings[0].as_str().unwrap();
    assert!(
        w.contains("guardrail `safety`")
            && w.contains("already has 20 versions")
            && w.contains("version 21 will fail"),
        "{w}"
    );
    let (_, text, _) = p.run(&["plan", "-f", "bedrock.yaml"]);
    assert!(text.contains("warning: guardrail `safety`"), "{text}");
    // The new version is one line under the draft's change (issue 20).
    assert!(
        text.contains(": a new version of `safety`, from the draft above\n"),
        "{text}"
    );
    let (_, md, _) = p.run_env(
        &["plan", "-f", "bedrock.yaml", "--format", "markdown"],
        &[("GITHUB_STEP_SUMMARY", "")],
    );
    assert!(md.contains("> [!WARNING]\n> guardrail `safety`"), "{md}");
    let (_, gh, _) = p.run_env(
        &["plan", "-f", "bedrock.yaml", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", "")],
    );
    assert!(
        gh.lines()
            .any(|l| l.starts_with("::warning") && l.contains("already has 20 versions")),
        "{gh}"
    );
}
