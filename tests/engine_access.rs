//! Model access as declared state (issue 17), end to end through the binary on the
//! sandbox: from "nothing enabled", three `access: manage` models (one behind the
//! Anthropic use-case form, one Marketplace offer, one free) become ready in one apply;
//! the refusal without `accept_agreements`; agreements surviving removal and `destroy`
//! unless `revoke_agreements_on_destroy`; the enforced guardrail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use engine_support::{changes, Project};
use serde_json::{json, Value};

const FORM: &str = r#"{
  "companyName": "Example Corp",
  "companyWebsite": "https://www.example.com",
  "intendedUsers": "0",
  "industryOption": "Technology",
  "otherIndustryOption": "",
  "useCases": "Internal developer documentation assistant"
}
"#;

const HAIKU: &str = "anthropic.claude-haiku-4-5-20251001-v1:0";
const MISTRAL: &str = "mistral.mistral-large-2402-v1:0";
const NOVA: &str = "amazon.nova-lite-v1:0";

fn config(accept: bool, extra: &str) -> String {
    format!(
        r#"version: 1
stack: access
account:
  id: "111122223333"
  regions: [us-east-1]
accept_agreements: {accept}
use_case: {{ file: use-case.json }}
{extra}models:
  - id: {HAIKU}
    regions: [us-east-1]
    via: inference_profile
    access: manage
  - id: {MISTRAL}
    regions: [us-east-1]
    access: manage
  - id: {NOVA}
    regions: [us-east-1]
    access: manage
"#
    )
}

/// A project whose sandbox starts with nothing enabled.
fn project(cfg: &str) -> Project {
    let p = Project::new(cfg);
    p.write_file("use-case.json", FORM);
    p.seed(&json!({"model_access": "none", "access_ready_ms": 300}));
    p
}

/// Plan JSON with the new kinds still follows docs/plan.schema.json.
fn assert_schema_valid(v: &Value) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/plan.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

fn agreements(p: &Project) -> Vec<String> {
    let mut v: Vec<String> = p
        .inventory()
        .iter()
        .filter(|r| r["kind"] == "model_agreement")
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn ready(plan: &Value) -> Vec<(String, bool)> {
    plan["model_readiness"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["model_id"].as_str().unwrap().to_string(),
                r["ready"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn nothing_enabled_to_three_ready_models_in_one_apply() {
    let p = project(&config(true, ""));
    // Nothing is usable yet: the probe is refused as the runtime refuses it.
    let (code, _, err) = p.run(&["probe", "--region", "us-east-1", "--model", NOVA]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("AccessDeniedException"), "{err}");

    let plan = p.plan_json(&[], 0);
    assert_schema_valid(&plan);
    assert!(ready(&plan).iter().all(|(_, r)| !r), "{plan}");
    // The fix readiness names is this plan.
    for r in plan["model_readiness"].as_array().unwrap() {
        assert!(
            r["fix"]
                .as_str()
                .unwrap()
                .contains("`bedrockctl apply` does it"),
            "{r}"
        );
    }
    let mut want = vec![
        (
            format!("model_agreement.us-east-1.{NOVA}"),
            "create".to_string(),
        ),
        (
            format!("model_agreement.us-east-1.{HAIKU}"),
            "create".to_string(),
        ),
        (
            format!("model_agreement.us-east-1.{MISTRAL}"),
            "create".to_string(),
        ),
        ("use_case.global.default".to_string(), "create".to_string()),
    ];
    want.sort();
    let mut got = changes(&plan);
    got.sort();
    assert_eq!(got, want);
    // Each agreement names its provider and the offer's terms (token, offer id).
    let after = |name: &str| -> Value {
        plan["resource_changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["address"] == format!("model_agreement.us-east-1.{name}"))
            .map(|c| c["after"].clone())
            .unwrap()
    };
    assert_eq!(after(HAIKU)["provider"], "Anthropic");
    assert_eq!(after(HAIKU)["offer_type"], "marketplace");
    assert!(after(HAIKU)["offer"]["offer_id"].is_string());
    assert!(after(MISTRAL)["offer"]["legal_url"].is_string());
    assert_eq!(after(MISTRAL)["offer_type"], "marketplace");
    assert_eq!(after(NOVA)["offer_type"], "free");
    // Each change points at the `access: manage` that asks for it.
    let line = |name: &str| -> i64 {
        plan["resource_changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["address"] == format!("model_agreement.us-east-1.{name}"))
            .map(|c| c["location"]["line"].as_i64().unwrap())
            .unwrap()
    };
    assert_eq!(line(HAIKU), 12);
    assert_eq!(line(MISTRAL), 15);
    assert!(after(NOVA)["offer"]["offer_token"]
        .as_str()
        .unwrap()
        .starts_with("sbx-offer-token-"));

    let (code, out, err) = p.apply();
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("Apply complete: 4 added"),
        "apply waits and reports: {err}"
    );
    assert!(
        err.contains(&format!(
            "model_agreement.us-east-1.{HAIKU}: created [accepted; the model is available]"
        )),
        "{err}"
    );
    // apply waited: every model is ready right after it, and the probes succeed.
    let plan = p.plan_json(&[], 0);
    assert!(ready(&plan).iter().all(|(_, r)| *r), "{plan}");
    for model in [format!("us.{HAIKU}"), MISTRAL.to_string(), NOVA.to_string()] {
        let (code, out, err) = p.run(&["probe", "--region", "us-east-1", "--model", &model]);
        assert_eq!(code, 0, "probe {model}: {out}\n{err}");
    }
    p.assert_converged();
    // `import` writes the agreements in place as managed models.
    let (code, yaml, err) = p.run(&["import", "--regions", "us-east-1"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        yaml.contains(&format!(
            r#"- {{"id":"{HAIKU}","regions":["us-east-1"],"access":"manage"}}"#
        )),
        "{yaml}"
    );

    // Removing a model leaves its agreement (it belongs to the account)...
    p.write_config(&config(true, "").replace(
        &format!("  - id: {NOVA}\n    regions: [us-east-1]\n    access: manage\n"),
        "",
    ));
    p.assert_converged();
    // ...and so does destroy.
    let (code, out, err) = p.run(&["destroy", "-f", "bedrock.yaml", "--auto-approve"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(agreements(&p), vec![NOVA, HAIKU, MISTRAL]);
    assert!(p.has("use_case", "default"));
}

#[test]
fn agreements_need_accept_agreements_and_nothing_changes_without_it() {
    let p = project(&config(false, ""));
    let (code, out, err) = p.apply();
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("agreement"), "{err}");
    assert!(err.contains("accept_agreements: true"), "{err}");
    // Whole refusal: not even the use-case form was sent.
    assert!(agreements(&p).is_empty());
    assert!(!p.has("use_case", "default"));
    // `plan` fails as apply would, and still shows the offers.
    let (code, out, _) = p.run(&["plan", "-f", "bedrock.yaml"]);
    assert_eq!(code, 1);
    assert!(out.contains("offer_token"), "{out}");
}

#[test]
fn an_anthropic_model_without_a_form_is_refused() {
    let p = project(&config(true, "").replace("use_case: { file: use-case.json }\n", ""));
    let (code, out, err) = p.apply();
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("use_case: { file:"), "{err}");
    assert!(agreements(&p).is_empty());
}

#[test]
fn revoke_agreements_on_destroy_opts_in() {
    let p = project(&config(true, "revoke_agreements_on_destroy: true\n"));
    p.apply_ok();
    assert_eq!(agreements(&p).len(), 3);
    let (code, out, err) = p.run(&["destroy", "-f", "bedrock.yaml", "--auto-approve"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(agreements(&p).is_empty(), "{out}");
    // The form cannot be deleted: it stays.
    assert!(p.has("use_case", "default"));
}

#[test]
fn a_timeout_says_what_is_missing() {
    let p = Project::new(&config(true, ""));
    p.write_file("use-case.json", FORM);
    // Agreements take an hour on the sandbox clock; apply gives up after one second.
    p.seed(&json!({"model_access": "none", "access_ready_ms": 3_600_000}));
    let (code, out, err) = p.run_env(
        &["apply", "-f", "bedrock.yaml", "--auto-approve"],
        &[("BEDROCKCTL_WAIT_TIMEOUT_SECS", "1")],
    );
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("timed out after 1s waiting for"), "{err}");
    assert!(err.contains("agreement PENDING"), "{err}");
    // The agreements were accepted; the next plan shows them pending, not to create.
    let plan = p.plan_json(&[], 0);
    assert!(changes(&plan).is_empty(), "{plan}");
}

const GUARDED: &str = r#"version: 1
stack: guarded
account:
  regions: [us-east-1]
guardrails:
  - name: safety
    regions: [us-east-1]
    blocked_input_message: Sorry.
    blocked_output_message: Sorry.
    content_filters:
      - { type: HATE, input: HIGH, output: HIGH }
    publish_version: true
    enforce: account
"#;

#[test]
fn enforce_account_sets_the_regions_enforced_guardrail() {
    let p = Project::new(GUARDED);
    let plan = p.plan_json(&[], 0);
    let enforced = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "enforced_guardrail.us-east-1.default")
        .cloned()
        .unwrap();
    assert_schema_valid(&plan);
    assert_eq!(enforced["actions"], json!(["create"]));
    assert_eq!(enforced["after_unknown"], json!(["/guardrail"]));
    p.apply_ok();
    p.assert_converged();
    let inv = p.inventory();
    let e = inv
        .iter()
        .find(|r| r["kind"] == "enforced_guardrail")
        .unwrap();
    assert_eq!(e["region"], "us-east-1");
    // A new draft publishes version 2, and the enforced configuration follows it.
    p.write_config(&GUARDED.replace("input: HIGH", "input: MEDIUM"));
    let got = p.actions();
    assert!(
        got.contains(&(
            "enforced_guardrail.us-east-1.default".to_string(),
            "update".to_string()
        )),
        "{got:?}"
    );
    p.apply_ok();
    p.assert_converged();
    let (_, out, _) = p.run(&["plan", "-f", "bedrock.yaml", "--format", "json"]);
    assert!(out.contains("\"version\": \"2\""), "{out}");
    // destroy removes the configuration with the guardrail.
    let (code, out, err) = p.run(&["destroy", "-f", "bedrock.yaml", "--auto-approve"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(!p.has("enforced_guardrail", "default"));
}

#[test]
fn enforce_without_publish_version_is_a_config_error() {
    let p = Project::new(&GUARDED.replace("    publish_version: true\n", ""));
    let (code, _, err) = p.run(&["validate", "-f", "bedrock.yaml"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("bedrock.yaml:12:14"), "{err}");
    assert!(err.contains("publish_version: true"), "{err}");
}

#[test]
fn the_use_case_form_is_checked_offline_with_spans() {
    let p = project(&config(true, ""));
    p.write_file(
        "use-case.json",
        "{\n  \"companyName\": \"X\",\n  \"intendedUsers\": 0,\n  \"industryOption\": \"Tech\",\n  \"useCases\": \"docs\",\n  \"website\": \"x\"\n}\n",
    );
    let (code, _, err) = p.run(&["validate", "-f", "bedrock.yaml"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("use-case.json:1:1: error: use-case form has no `companyWebsite`"),
        "{err}"
    );
    assert!(
        err.contains("use-case.json:3:20: error: `intendedUsers` must be a string"),
        "{err}"
    );
    assert!(
        err.contains("use-case.json:6:3: error: unknown field `website`"),
        "{err}"
    );
}

#[test]
fn a_model_that_lacks_only_the_form_is_waited_for_after_it() {
    let cfg = format!(
        "version: 1\nstack: form\naccount:\n  regions: [us-east-1]\nuse_case: {{ file: use-case.json }}\nmodels:\n  - id: {HAIKU}\n    regions: [us-east-1]\n    via: inference_profile\n    access: manage\n"
    );
    let p = Project::new(&cfg);
    p.write_file("use-case.json", FORM);
    // The agreement was accepted before (an override); only the form is missing.
    p.seed(&json!({"model_access": "none", "access_ready_ms": 300, "models": [
        {"region": "us-east-1", "model_id": HAIKU, "agreement": "AVAILABLE", "entitlement": "AVAILABLE"}]}));
    let plan = p.plan_json(&[], 0);
    assert_eq!(
        changes(&plan),
        [("use_case.global.default".to_string(), "create".to_string())]
    );
    let after = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "use_case.global.default")
        .map(|c| c["after"].clone())
        .unwrap();
    assert_eq!(after["wait_for"], json!([format!("us-east-1/{HAIKU}")]));
    // No agreement to accept: `accept_agreements` is not needed.
    p.apply_ok();
    // apply waited for the review: the model is ready right away.
    let plan = p.plan_json(&[], 0);
    assert!(ready(&plan).iter().all(|(_, r)| *r), "{plan}");
    p.assert_converged();
}

#[test]
fn throttles_and_server_errors_on_the_access_calls_are_retried() {
    let p = project(&config(true, ""));
    let (code, out, err) = p.run_env(
        &["apply", "-f", "bedrock.yaml", "--auto-approve"],
        &[(
            "BEDROCKCTL_SANDBOX_FAULTS",
            "throttle=0.3,error5xx=0.05,seed=7",
        )],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(agreements(&p).len(), 3);
    p.assert_converged();
}
