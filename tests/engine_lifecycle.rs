//! Create, update, replace and delete of every kind through the binary on a sandbox,
//! with convergence (a second plan is empty) after each apply.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use engine_support::*;

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn create_everything_then_converge() {
    let p = Project::new(FULL);
    let plan = p.plan_json(&["--detailed-exitcode"], 2);
    assert_eq!(plan["format_version"], "1");
    let mut got = changes(&plan);
    got.sort();
    let mut want = vec![
        pair("provisioned_throughput.us-east-1.app-pt", "create"),
        pair("guardrail.us-east-1.safety", "create"),
        pair("guardrail_version.us-east-1.safety", "create"),
        pair("inference_profile.us-east-1.app-haiku", "create"),
        pair("invocation_logging.us-east-1.default", "create"),
        pair("alarm.us-east-1.haiku-throttles", "create"),
        pair("iam_policy.global.app-boundary", "create"),
        pair("iam_role.global.app-role", "create"),
        pair("iam_role.global.app-logging", "create"),
    ];
    want.sort();
    assert_eq!(got, want);
    let c = &plan["resource_changes"][0];
    for key in [
        "address", "kind", "name", "region", "actions", "before", "after",
    ] {
        assert!(c.get(key).is_some(), "resource change lacks {key}: {c}");
    }
    assert!(c["before"].is_null());
    assert_eq!(plan["model_readiness"][0]["ready"], true);

    p.apply_ok();
    p.assert_converged();
    let inv = p.inventory();
    assert_eq!(inv.len(), 9, "{inv:#?}");
    assert!(inv
        .iter()
        .filter(|r| r["kind"] != "invocation_logging")
        .all(|r| r["managed"] == true));
    // The grants policy points at the profile and its destination-region models.
    let (_, out, _) = p.run(&["plan", "-f", "bedrock.yaml", "--format", "json"]);
    assert!(out.contains("inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0"));
    assert!(out.contains("arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-haiku-4-5"));
}

#[test]
fn updates_in_place_and_replacements() {
    let p = Project::new(FULL);
    p.apply_ok();

    // Guardrail edit → update the draft, publish a new version.
    let cfg = full_with(
        "blocked_input_message: Sorry, I can't help with that request.",
        "blocked_input_message: Not here, sorry.",
    );
    // Alarm threshold and logging data → in place; profile description → replace.
    let cfg = cfg
        .replacen("threshold: 10", "threshold: 25", 1)
        .replacen("data: [text, embedding]", "data: [text]", 1)
        .replacen(
            "description: tracked haiku",
            "description: tracked haiku v2",
            1,
        )
        .replacen("model_units: 1", "model_units: 2", 1);
    p.write_config(&cfg);
    p.write_file(
        "policies/invoke.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Titan", "Effect": "Allow",
        "Action": "bedrock:InvokeModel",
        "Resource": "arn:aws:bedrock:us-west-2::foundation-model/amazon.titan-embed-text-v2:0"}]}"#,
    );
    p.write_file(
        "policies/boundary.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Only", "Effect": "Allow",
        "Action": "bedrock:*", "Resource": "*"}]}"#,
    );
    let mut got = p.actions();
    got.sort();
    let mut want = vec![
        pair("guardrail.us-east-1.safety", "update"),
        pair("guardrail_version.us-east-1.safety", "create"),
        pair("alarm.us-east-1.haiku-throttles", "update"),
        pair("invocation_logging.us-east-1.default", "update"),
        pair("inference_profile.us-east-1.app-haiku", "replace"),
        pair("provisioned_throughput.us-east-1.app-pt", "replace"),
        pair("iam_role.global.app-role", "update"),
        pair("iam_policy.global.app-boundary", "update"),
    ];
    want.sort();
    assert_eq!(got, want);
    let (_, text, _) = p.run(&["plan", "-f", "bedrock.yaml"]);
    assert!(
        text.contains("-/+ provisioned_throughput.us-east-1.app-pt"),
        "{text}"
    );
    assert!(
        text.contains("model_units = 1 -> 2 # forces replacement"),
        "{text}"
    );
    assert!(
        text.contains("Plan: 1 to add, 5 to change, 2 to replace, 0 to destroy."),
        "{text}"
    );
    p.apply_ok();
    p.assert_converged();
    let versions = p
        .inventory()
        .iter()
        .filter(|r| r["kind"] == "guardrail_version")
        .count();
    assert_eq!(versions, 2, "old version kept, new one published");

    // A model change on the throughput is in place (UpdateProvisionedModelThroughput).
    let cfg2 = cfg.replacen(
        "model: amazon.nova-lite-v1:0:24k",
        "model: amazon.nova-lite-v1:0:300k",
        1,
    );
    p.write_config(&cfg2);
    assert_eq!(
        p.actions(),
        vec![pair("provisioned_throughput.us-east-1.app-pt", "update")]
    );

    // So is a rename, even together with the model change: the same purchase keeps its
    // ARN (a delete + create would buy a new one).
    let before = p
        .inventory()
        .into_iter()
        .find(|r| r["kind"] == "provisioned_throughput")
        .unwrap();
    p.write_config(&cfg2.replacen("name: app-pt", "name: app-pt-renamed", 1));
    assert_eq!(
        p.actions(),
        vec![pair(
            "provisioned_throughput.us-east-1.app-pt-renamed",
            "update"
        )]
    );
    let (_, text, _) = p.run(&["plan", "-f", "bedrock.yaml"]);
    assert!(
        text.contains("name = \"app-pt\" -> \"app-pt-renamed\""),
        "{text}"
    );
    p.apply_ok();
    p.assert_converged();
    let pts: Vec<serde_json::Value> = p
        .inventory()
        .into_iter()
        .filter(|r| r["kind"] == "provisioned_throughput")
        .collect();
    assert_eq!(pts.len(), 1, "{pts:#?}");
    assert_eq!(pts[0]["name"], "app-pt-renamed");
    assert_eq!(pts[0]["id"], before["id"]);
}

#[test]
fn removed_entries_and_empty_lists_delete_absent_keys_do_not() {
    let p = Project::new(FULL);
    p.apply_ok();
    // `alarms:` absent → the alarm is not managed and stays; `guardrails: []` → deleted.
    let cut = |text: &str, key: &str, next: &str| {
        let start = text.find(key).unwrap();
        let end = text.find(next).unwrap();
        format!("{}{}", &text[..start], &text[end..])
    };
    let cfg = cut(FULL, "alarms:\n", "iam:\n");
    let cfg = cut(&cfg, "guardrails:\n", "inference_profiles:\n");
    let cfg = cfg.replacen(
        "inference_profiles:\n",
        "guardrails: []\ninference_profiles:\n",
        1,
    );
    // Role removed from the config → deleted.
    let cfg = cfg.replacen(
        "        - grants:\n            - invoke: [anthropic.claude-haiku-4-5-20251001-v1:0]\n              regions: [us-east-1]\n              via: inference_profile\n              streaming: true\n              guardrail: safety\n              require_guardrail: true\n",
        "",
        1,
    );
    p.write_config(&cfg);
    let got = p.actions();
    assert!(
        got.contains(&pair("guardrail.us-east-1.safety", "delete")),
        "{got:?}"
    );
    assert!(
        got.contains(&pair("iam_role.global.app-role", "update")),
        "{got:?}"
    );
    assert!(!got.iter().any(|(a, _)| a.starts_with("alarm.")), "{got:?}");
    p.apply_ok();
    p.assert_converged();
    assert!(
        p.has("alarm", "haiku-throttles"),
        "unmanaged kind left alone"
    );
    assert!(!p.has("guardrail", "safety"));
    assert!(
        !p.has("guardrail_version", "safety:1"),
        "versions go with the guardrail"
    );

    // destroy removes what the stack owns in the managed kinds, logging included.
    let (code, _, err) = p.run(&["destroy", "-f", "bedrock.yaml", "--auto-approve"]);
    assert_eq!(code, 0, "{err}");
    let left: Vec<String> = p
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
    assert_eq!(left, vec!["alarm.haiku-throttles".to_string()]);
}

#[test]
fn invalid_config_exits_1_before_touching_the_account() {
    let p = Project::new(&full_with("model_units: 1", "model_units: 0"));
    let (code, _, err) = p.apply();
    assert_eq!(code, 1);
    assert!(err.contains("bedrock.yaml:"), "{err}");
    assert!(
        !p.sandbox().join("state.json").exists(),
        "the sandbox was opened"
    );
}

#[test]
fn markdown_and_github_formats() {
    let p = Project::new(FULL);
    let (code, md, err) = p.run(&["plan", "-f", "bedrock.yaml", "--format", "markdown"]);
    assert_eq!(code, 0, "{err}");
    assert!(md.contains("### bedrockctl plan: `app`"), "{md}");
    assert!(
        md.contains("**Plan: 9 to add, 0 to change, 0 to replace, 0 to destroy.**"),
        "{md}"
    );
    assert!(
        md.contains("| create | `guardrail.us-east-1.safety` |"),
        "{md}"
    );
    assert!(md.contains("```diff"), "{md}");
    let summary = p.path().join("summary.md");
    let (code, gh, err) = p.run_env(
        &["plan", "-f", "bedrock.yaml", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        gh.contains("::notice title=create guardrail.us-east-1.safety::"),
        "{gh}"
    );
    assert!(gh.ends_with("::notice title=bedrockctl plan::Plan: 9 to add, 0 to change, 0 to replace, 0 to destroy.\n"), "{gh}");
    let written = std::fs::read_to_string(summary).unwrap();
    assert!(written.contains("### bedrockctl plan"), "{written}");
}

/// `-v` levels and `RUST_LOG` log to stderr, never to stdout; a plain run logs nothing.
#[test]
fn verbosity_logs_calls_and_retries_to_stderr_only() {
    let p = Project::new(FULL);
    let run = |verbose: Option<&str>, env: &[(&str, &str)]| {
        let mut args = vec!["plan", "-f", "bedrock.yaml", "--format", "json"];
        if let Some(v) = verbose {
            args.insert(0, v);
        }
        let mut c = p.cmd(&args);
        c.env_remove("RUST_LOG");
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?} {env:?}");
        let plan: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?} {env:?}: stdout is not the JSON plan: {e}"));
        (
            changes(&plan),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (quiet, err) = run(None, &[]);
    assert!(err.is_empty(), "a plain run logged: {err}");
    let (_, err) = run(Some("-v"), &[]);
    assert!(!err.contains("listed"), "-v shows no per-call lines: {err}");
    let faults = [("BEDROCKCTL_SANDBOX_FAULTS", "throttle=0.5,seed=3")];
    let (loud, err) = run(Some("-vv"), &faults);
    assert_eq!(loud, quiet, "logging changed the plan");
    assert!(
        err.contains("listed") && err.contains("`guardrail` in `us-east-1`"),
        "{err}"
    );
    assert!(
        err.contains("ThrottlingException") && err.contains("retrying in"),
        "{err}"
    );
    let (_, err) = run(None, &[("RUST_LOG", "bedrockctl=debug")]);
    assert!(err.contains("listed"), "RUST_LOG alone: {err}");
    let (_, err) = run(None, &[("RUST_LOG", "bedrockctl=loudest")]);
    assert!(err.contains("ignoring RUST_LOG"), "{err}");
}

/// `apply` and `destroy` show their plan redacted, as `plan` does; the account still
/// gets the real values.
#[test]
fn apply_and_destroy_show_secret_looking_values_redacted() {
    let p = Project::new(&full_with(
        "tags: { cost-center: \"42\" }",
        "tags: { cost-center: \"42\", api_token: not-a-real-but-sensitive, owner: AKIAIOSFODNN7EXAMPLE }",
    ));
    let secrets = ["not-a-real-but-sensitive", "AKIAIOSFODNN7EXAMPLE"];
    for args in [
        &["plan", "-f", "bedrock.yaml"][..],
        &["apply", "-f", "bedrock.yaml", "--auto-approve"],
        &["destroy", "-f", "bedrock.yaml", "--auto-approve"],
    ] {
        if args[0] == "destroy" {
            let live = rt()
                .block_on(
                    p.account()
                        .list(bedrockctl::account::Kind::InferenceProfile, "us-east-1"),
                )
                .unwrap();
            let profile = live
                .iter()
                .find(|r| r.name == "app-haiku")
                .expect("the profile was created");
            assert_eq!(
                profile.tags.get("owner").map(String::as_str),
                Some("AKIAIOSFODNN7EXAMPLE"),
                "the account gets the real value"
            );
        }
        let (code, out, err) = p.run(args);
        assert_eq!(code, 0, "{args:?}\n{out}\n{err}");
        // A destroy lists ids only.
        assert!(
            args[0] == "destroy" || out.contains("(sensitive)"),
            "{args:?}: {out}"
        );
        for s in secrets {
            assert!(
                !out.contains(s) && !err.contains(s),
                "{args:?} printed {s}:\n{out}\n{err}"
            );
        }
    }
}
