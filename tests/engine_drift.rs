//! Drift that means drift (issue 24), end to end on the sandbox: apply records what it
//! wrote (`bedrockctl:applied`), so a config edit is a pending change, an out-of-band
//! edit is drift, and both at once are both — in text, JSON, markdown and github output,
//! and in `--refresh-only --detailed-exitcode`. Resources without the record fall back
//! to the old rule and say so.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use bedrockctl::account::Kind;
use engine_support::*;
use serde_json::Value;

const ALARM: &str = "alarm.us-east-1.haiku-throttles";

fn applied() -> Project {
    let p = Project::new(FULL);
    p.apply_ok();
    p
}

/// The config with the alarm's threshold raised (a config edit).
fn edited() -> String {
    let c = FULL.replacen("threshold: 10", "threshold: 20", 1);
    assert_ne!(c, FULL);
    c
}

/// Edit the alarm through the sandbox's own API, as a console edit would; `keep_record`
/// false also strips the applied tag (a resource applied by an older bedrockctl).
fn edit_alarm_out_of_band(p: &Project, keep_record: bool) {
    let account = p.account();
    rt().block_on(async {
        let alarms = account.list(Kind::Alarm, "us-east-1").await.unwrap();
        let a = alarms.iter().find(|r| r.name == "haiku-throttles").unwrap();
        assert!(
            a.tags.contains_key("bedrockctl:applied"),
            "apply records what it wrote: {:?}",
            a.tags
        );
        let mut d = a.clone();
        d.spec = d
            .spec
            .edit(|v| v["threshold"] = serde_json::json!(50.0))
            .unwrap();
        if !keep_record {
            d.tags.remove("bedrockctl:applied");
        }
        account.update(a, &d).await.unwrap();
    });
}

fn run(p: &Project, args: &[&str]) -> (i32, String) {
    let mut a = vec!["plan", "-f", "bedrock.yaml", "--detailed-exitcode"];
    a.extend_from_slice(args);
    let (code, out, err) = p.run_env(&a, &[("GITHUB_STEP_SUMMARY", "")]);
    assert!(
        code == 0 || code == 2,
        "plan {args:?} failed ({code}):\n{out}\n{err}"
    );
    (code, out)
}

fn addresses(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| match d {
            Value::String(s) => s.clone(),
            d => d["address"].as_str().unwrap().to_string(),
        })
        .collect()
}

/// What every output form says about drift of the alarm: (json drift, json unverified,
/// text, markdown, github, refresh-only exit code).
struct Seen {
    drift: Vec<String>,
    unverified: Vec<String>,
    changes: Vec<(String, String)>,
    text: String,
    md: String,
    gh: String,
    refresh_code: i32,
}

fn seen(p: &Project) -> Seen {
    let (_, json) = run(p, &["--format", "json"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    let (_, text) = run(p, &[]);
    let (_, md) = run(p, &["--format", "markdown"]);
    let (_, gh) = run(p, &["--format", "github"]);
    let (refresh_code, _) = run(p, &["--refresh-only"]);
    Seen {
        drift: addresses(&v, "drift"),
        unverified: addresses(&v, "drift_unverified"),
        changes: changes(&v),
        text,
        md,
        gh,
        refresh_code,
    }
}

#[test]
fn apply_records_and_converges_without_showing_the_record() {
    let p = applied();
    p.assert_converged();
    let (_, json) = run(&p, &["--format", "json"]);
    assert!(!json.contains("bedrockctl:applied"), "{json}");
}

#[test]
fn config_edit_is_a_pending_change_not_drift() {
    let p = applied();
    p.write_config(&edited());
    let s = seen(&p);
    assert!(
        s.changes
            .contains(&(ALARM.to_string(), "update".to_string())),
        "{:?}",
        s.changes
    );
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    assert!(s.unverified.is_empty(), "{:?}", s.unverified);
    assert!(!s.text.contains("Drift:"), "{}", s.text);
    // Not a terminal: no colour, no spinner.
    assert!(!s.text.contains('\x1b'), "{:?}", s.text);
    assert!(s.text.contains("threshold"), "{}", s.text);
    assert!(!s.md.contains("drifted resource"), "{}", s.md);
    assert!(!s.gh.contains("title=drift"), "{}", s.gh);
    assert_eq!(s.refresh_code, 0, "a config edit is not drift");
}

#[test]
fn out_of_band_edit_is_drift() {
    let p = applied();
    edit_alarm_out_of_band(&p, true);
    let s = seen(&p);
    assert_eq!(s.drift, vec![ALARM.to_string()]);
    assert!(s.unverified.is_empty(), "{:?}", s.unverified);
    // The plan reverts it: the change is pending too.
    assert!(s
        .changes
        .contains(&(ALARM.to_string(), "update".to_string())));
    assert!(
        s.text
            .contains("Drift: 1 managed resource changed outside bedrockctl:\n  ~ alarm.us-east-1.haiku-throttles\n"),
        "{}",
        s.text
    );
    assert!(s.md.contains("1 drifted resource"), "{}", s.md);
    assert!(
        s.gh.contains("::warning")
            && s.gh
                .contains("title=drift%3A alarm.us-east-1.haiku-throttles"),
        "{}",
        s.gh
    );
    assert_eq!(s.refresh_code, 2);
    // Applying reverts the drift and records it again: nothing left.
    p.apply_ok();
    p.assert_converged();
    assert_eq!(run(&p, &["--refresh-only"]).0, 0);
}

#[test]
fn config_edit_and_out_of_band_edit_are_both() {
    let p = applied();
    edit_alarm_out_of_band(&p, true);
    p.write_config(&edited());
    let s = seen(&p);
    assert_eq!(s.drift, vec![ALARM.to_string()]);
    assert!(s
        .changes
        .contains(&(ALARM.to_string(), "update".to_string())));
    assert!(s.text.contains("Drift: 1 managed resource"), "{}", s.text);
    assert!(
        s.text
            .contains("bedrockctl will perform the following actions"),
        "{}",
        s.text
    );
    assert!(s.md.contains("1 drifted resource"), "{}", s.md);
    assert!(
        s.gh.contains("title=drift%3A alarm.us-east-1.haiku-throttles"),
        "{}",
        s.gh
    );
    assert_eq!(s.refresh_code, 2);
    // Applied, the config's value is what is recorded: converged, no drift.
    p.apply_ok();
    p.assert_converged();
}

#[test]
fn no_record_falls_back_to_counting_every_update_and_says_so() {
    let p = applied();
    edit_alarm_out_of_band(&p, false);
    p.write_config(&edited());
    let s = seen(&p);
    assert_eq!(s.drift, vec![ALARM.to_string()]);
    assert_eq!(s.unverified, vec![ALARM.to_string()]);
    assert!(
        s.text.contains("no record of what was applied"),
        "{}",
        s.text
    );
    assert!(s.gh.contains("unverified"), "{}", s.gh);
    assert_eq!(s.refresh_code, 2);
    // The next apply writes the record, and the plan is exact again.
    p.apply_ok();
    p.assert_converged();
    edit_alarm_out_of_band(&p, true);
    assert!(seen(&p).unverified.is_empty());
}

const LOGGING: &str = "invocation_logging.us-east-1.default";

/// Invocation logging cannot be tagged: its record lives on its delivery role.
fn edit_logging_out_of_band(p: &Project) {
    let account = p.account();
    rt().block_on(async {
        let live = account
            .list(Kind::InvocationLogging, "us-east-1")
            .await
            .unwrap();
        let l = live.first().unwrap();
        let mut d = l.clone();
        d.spec = d
            .spec
            .edit(|v| v["image"] = serde_json::json!(true))
            .unwrap();
        account.update(l, &d).await.unwrap();
    });
}

#[test]
fn logging_record_lives_on_its_stack_role() {
    let p = applied();
    let role = rt()
        .block_on(p.account().get(Kind::IamRole, "global", "app-logging"))
        .unwrap()
        .unwrap();
    assert_eq!(
        role.tags
            .get("bedrockctl:applied:invocation_logging:us-east-1")
            .map(String::len),
        Some(64),
        "{:?}",
        role.tags
    );
    p.assert_converged();
    let (_, json) = run(&p, &["--format", "json"]);
    assert!(!json.contains("bedrockctl:applied"), "{json}");
}

#[test]
fn logging_config_edit_is_a_change_and_out_of_band_edit_is_drift() {
    let p = applied();
    p.write_config(&FULL.replacen("data: [text, embedding]", "data: [text]", 1));
    let s = seen(&p);
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    assert!(s.unverified.is_empty(), "{:?}", s.unverified);
    assert!(s
        .changes
        .contains(&(LOGGING.to_string(), "update".to_string())));
    assert!(!s.md.contains("drifted"), "{}", s.md);
    assert!(!s.gh.contains("drift"), "{}", s.gh);
    assert_eq!(s.refresh_code, 0);
    p.apply_ok();
    p.assert_converged();
    // The role now records the edited config; an edit in the account is drift.
    edit_logging_out_of_band(&p);
    let s = seen(&p);
    assert_eq!(s.drift, vec![LOGGING.to_string()]);
    assert!(s.unverified.is_empty(), "{:?}", s.unverified);
    assert!(s.text.contains("Drift: 1 managed resource"), "{}", s.text);
    assert_eq!(s.refresh_code, 2);
    // Both at once: drift, and a pending change.
    p.write_config(FULL);
    let s = seen(&p);
    assert_eq!(s.drift, vec![LOGGING.to_string()]);
    assert!(s
        .changes
        .contains(&(LOGGING.to_string(), "update".to_string())));
    p.apply_ok();
    p.assert_converged();
}
