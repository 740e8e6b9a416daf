//! References from grants to the stack's own guardrails (issue 15): `policy generate`
//! prints a placeholder without an account, the account-wide form before the guardrail
//! exists, and the guardrail's exact ARN once `apply` created it — read from the
//! account, no state file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use engine_support::*;
use serde_json::Value;

fn generate(p: &Project, with_account: bool) -> (i32, Value, String) {
    let mut c = if with_account {
        p.cmd(&[
            "policy",
            "generate",
            "--role",
            "app-role",
            "-f",
            "bedrock.yaml",
        ])
    } else {
        let mut c = assert_cmd::Command::new(bin());
        c.current_dir(p.path()).args([
            "policy",
            "generate",
            "--role",
            "app-role",
            "-f",
            "bedrock.yaml",
        ]);
        c
    };
    let out = c.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{err}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap_or(-1), doc, err)
}

fn statement<'a>(doc: &'a Value, sid: &str) -> &'a Value {
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == sid)
        .unwrap_or_else(|| panic!("no {sid} in {doc:#}"))
}

#[test]
fn generate_names_the_live_guardrail_after_apply() {
    let p = Project::new(FULL);

    // No account: a placeholder says what the resource stands for.
    let (code, doc, err) = generate(&p, false);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        statement(&doc, "ApplyGuardrail0")["Resource"],
        "${guardrail.safety.arn}"
    );
    assert!(err.contains("${guardrail.NAME.arn}"), "{err}");

    // An account without the guardrail yet: the account-wide form, proved.
    let (code, doc, err) = generate(&p, true);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        statement(&doc, "ApplyGuardrail0")["Resource"],
        "arn:aws:bedrock:us-east-1:111122223333:guardrail/*"
    );

    p.apply_ok();
    let arn = p
        .inventory()
        .iter()
        .find(|r| r["kind"] == "guardrail" && r["name"] == "safety")
        .and_then(|r| r["id"].as_str().map(str::to_string))
        .expect("the applied guardrail has an ARN");
    assert!(arn.contains(":guardrail/") && !arn.ends_with('*'), "{arn}");

    let (code, doc, err) = generate(&p, true);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("proved by"), "{err}");
    assert_eq!(statement(&doc, "ApplyGuardrail0")["Resource"], arn.as_str());
    let ids = &statement(&doc, "RequireGuardrail0")["Condition"]["StringNotLike"]
        ["bedrock:GuardrailIdentifier"];
    assert_eq!(ids, &serde_json::json!([arn.clone(), format!("{arn}:*")]));
    // No `*` in an ARN of a resource the stack owns.
    assert!(!doc.to_string().contains("guardrail/*"), "{doc:#}");
}
