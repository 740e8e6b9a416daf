//! Ownership: resources without our tags, or owned by another stack, are never touched
//! by apply or destroy; a config naming another stack's resource is refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use engine_support::*;
use serde_json::json;

#[test]
fn unowned_and_other_stack_resources_survive_apply_and_destroy() {
    let p = Project::new(FULL);
    seed_unmanaged(&p);
    let plan = p.plan_json(&["--show-unmanaged"], 0);
    let unmanaged: Vec<&str> = plan["unmanaged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["address"].as_str().unwrap())
        .collect();
    assert!(
        unmanaged.contains(&"guardrail.us-east-1.manual-guardrail"),
        "{unmanaged:?}"
    );
    assert!(
        unmanaged.contains(&"iam_role.global.other-role"),
        "{unmanaged:?}"
    );
    for (addr, _) in changes(&plan) {
        assert!(
            !addr.contains("manual") && !addr.contains("other"),
            "{addr}"
        );
    }
    p.apply_ok();
    p.assert_converged();
    let (code, _, err) = p.run(&["destroy", "-f", "bedrock.yaml", "--auto-approve"]);
    assert_eq!(code, 0, "{err}");
    for (kind, name) in [
        ("guardrail", "manual-guardrail"),
        ("guardrail", "other-guardrail"),
        ("iam_role", "other-role"),
        ("alarm", "manual-alarm"),
    ] {
        assert!(p.has(kind, name), "{kind} {name} was touched");
    }
    assert!(!p.has("guardrail", "safety"));
    // The other stack's guardrail keeps its spec: nothing was written to it.
    let inv = p.inventory();
    assert_eq!(inv.len(), 4, "{inv:#?}");
}

#[test]
fn a_name_owned_by_another_stack_is_refused() {
    let p = Project::new(
        &full_with("  - name: app-logging\n", "  - name: other-role\n").replacen(
            "role: app-logging",
            "role: other-role",
            1,
        ),
    );
    seed_unmanaged(&p);
    let (code, _, err) = p.apply();
    assert_eq!(code, 1);
    assert!(
        err.contains("iam_role.global.other-role") && err.contains("other"),
        "{err}"
    );
    assert!(
        !p.has("guardrail", "safety"),
        "nothing may change on a refused apply"
    );
}

#[test]
fn untagged_resource_named_in_config_is_adopted_only_with_adopt() {
    let p = Project::new(FULL);
    p.seed(&json!({"resources": [
        {"kind": "alarm", "region": "us-east-1", "name": "haiku-throttles",
         "spec": {"namespace": "AWS/Bedrock", "metric": "InvocationThrottles",
             "dimensions": {"ModelId": "anthropic.claude-haiku-4-5-20251001-v1:0"},
             "statistic": "Sum", "period": 300, "evaluation_periods": 1, "threshold": 10.0,
             "comparison": "GreaterThanThreshold", "actions": []},
         "tags": {"team": "search"}}
    ]}));
    // Not taken over silently (issue 25): plan and apply refuse, nothing changes.
    let refused = p.plan_json(&[], 1);
    let why = refused["conflicts"][0]["reason"]
        .as_str()
        .unwrap_or_default();
    assert!(
        why.contains("alarm.us-east-1.haiku-throttles")
            && why.contains("already exists and is not owned; adopt it with `import`"),
        "{refused:#}"
    );
    let (code, _, err) = p.apply();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not owned"), "{err}");
    assert!(
        !p.has("guardrail", "safety"),
        "a refused apply changes nothing"
    );
    let plan = p.plan_json(&["--adopt"], 0);
    let c = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "alarm.us-east-1.haiku-throttles")
        .unwrap();
    assert_eq!(c["actions"][0], "update");
    assert_eq!(c["adopt"], true);
    let (code, out, err) = p.run(&["apply", "-f", "bedrock.yaml", "--auto-approve", "--adopt"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let inv = p.inventory();
    let alarm = inv.iter().find(|r| r["kind"] == "alarm").unwrap();
    assert_eq!(alarm["stack"], "app");
    // Its own tags were kept.
    let account = p.account();
    let live = rt()
        .block_on(account.list(bedrockctl::account::Kind::Alarm, "us-east-1"))
        .unwrap();
    let a = live.iter().find(|r| r.name == "haiku-throttles").unwrap();
    assert_eq!(
        a.tags.get("team").map(String::as_str),
        Some("search"),
        "{:?}",
        a.tags
    );
}

/// `plan` diffs each list on the task that read it, as it arrives. Whatever the
/// options, the ownership mix or the account pin, that gives exactly the plan of
/// diffing the whole snapshot at once.
#[test]
fn the_streamed_plan_equals_the_plan_of_the_whole_snapshot() {
    use bedrockctl::account::Account;
    use bedrockctl::engine::{self, ExecOptions};
    use bedrockctl::plan::{self, DiffOptions, Scope};
    use std::sync::Arc;

    let p = Project::new(FULL);
    seed_unmanaged(&p);
    p.apply_ok();
    // Drift, a deletion and a conflict, so every action is in the plan.
    let drifted = full_with("threshold: 10\n", "threshold: 11\n")
        .replacen("tracked haiku", "tracked haiku 2", 1)
        .replacen("  - name: app-logging\n", "  - name: other-role\n", 1)
        .replacen("role: app-logging", "role: other-role", 1);
    let configs = [
        ("pinned", drifted.clone()),
        (
            "unpinned",
            drifted.replacen("  id: \"111122223333\"\n", "", 1),
        ),
        (
            "pinned to another account",
            drifted.replacen("id: \"111122223333\"", "id: \"999988887777\"", 1),
        ),
    ];
    let rt = rt();
    let exec = ExecOptions::default();
    let all = [
        DiffOptions::default(),
        DiffOptions {
            show_unmanaged: true,
            ..DiffOptions::default()
        },
        DiffOptions {
            refresh_only: true,
            ..DiffOptions::default()
        },
        DiffOptions {
            destroy: true,
            ..DiffOptions::default()
        },
    ];
    for (label, text) in configs {
        p.write_config(&text);
        let mut sources = bedrockctl::span::SourceMap::default();
        let (cfg, _) = bedrockctl::config::load(&p.path().join("bedrock.yaml"), &mut sources)
            .unwrap_or_else(|d| panic!("{label}: {}", d.render(&sources)));
        let account: Arc<dyn Account> = Arc::from(p.account());
        let snap = rt
            .block_on(engine::refresh(
                account.clone(),
                &Scope::from_config(&cfg),
                &exec.limits,
                exec.retry,
            ))
            .unwrap();
        for opts in all {
            let streamed = rt
                .block_on(engine::plan_config(account.clone(), &cfg, opts, &exec))
                .unwrap();
            let whole = plan::diff(&plan::desired(&cfg, &snap.account_id), &snap, opts);
            assert_eq!(streamed.plan, whole, "{label}, {opts:?}");
            assert!(
                whole.changes.iter().any(|c| c.is_change()) || opts.refresh_only,
                "{label}, {opts:?}: the fixture plans nothing"
            );
        }
    }
}
