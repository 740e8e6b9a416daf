//! Guardrail versions quota (issue 25): once a guardrail has the 20 numbered versions
//! its quota allows, a plan that publishes another deletes the oldest first, so edits
//! keep converging; with `prune_versions: false` it warns in every form instead, before
//! apply would fail on it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use engine_support::*;
use serde_json::Value;

fn with_message(n: usize) -> String {
    with_message_in(FULL, n)
}

fn with_message_in(base: &str, n: usize) -> String {
    base.replacen(
        "Sorry, I can't provide that response.",
        &format!("Sorry, I can't provide that response ({n})."),
        1,
    )
}

fn kept(n: usize) -> String {
    with_message_in(
        &full_with(
            "publish_version: true",
            "publish_version: true\n    prune_versions: false",
        ),
        n,
    )
}

/// Live versions of `safety`, by number.
fn versions(p: &Project) -> Vec<u64> {
    let mut v: Vec<u64> = p
        .inventory()
        .iter()
        .filter(|r| r["kind"] == "guardrail_version")
        .map(|r| {
            let name = r["name"].as_str().unwrap();
            name.rsplit_once(':').unwrap().1.parse().unwrap()
        })
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn twenty_five_edits_converge_by_pruning_the_oldest_versions() {
    let p = Project::new(&with_message(1));
    p.apply_ok();
    for n in 2..=25 {
        p.write_config(&with_message(n));
        let v = p.plan_json(&[], 0);
        let deletes: Vec<(String, String)> = changes(&v)
            .into_iter()
            .filter(|(a, action)| a.starts_with("guardrail_version.") && action == "delete")
            .collect();
        if n <= 20 {
            assert!(deletes.is_empty(), "edit {n}: {deletes:?}");
        } else {
            // The plan shows which version goes: the oldest one.
            assert_eq!(
                deletes,
                vec![(
                    format!("guardrail_version.us-east-1.safety:{}", n - 20),
                    "delete".to_string()
                )],
                "edit {n}"
            );
        }
        assert!(v["warnings"].as_array().unwrap().is_empty(), "{v:#}");
        p.apply_ok();
        p.assert_converged();
    }
    assert_eq!(versions(&p), (6..=25).collect::<Vec<u64>>());
}

#[test]
fn plan_warns_before_the_21st_guardrail_version() {
    let p = Project::new(&kept(1));
    p.apply_ok();
    // Each edit of the guardrail publishes one more version: 20 in all.
    for n in 2..=20 {
        p.write_config(&kept(n));
        let v = p.plan_json(&[], 0);
        assert!(
            v["warnings"].as_array().unwrap().is_empty(),
            "no warning below the quota (edit {n}): {v:#}"
        );
        p.apply_ok();
    }
    p.write_config(&kept(21));
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
