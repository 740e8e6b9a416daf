//! `bedrockctl report` end to end (issue 20): the JSON form of the quickstart's
//! offline report (insta snapshot, time and version redacted), the HTML page's
//! self-containment and sections, escaping of hostile names, and the account
//! section from a sandbox (pending changes, readiness read from the account, a config
//! edit reported as a change, an out-of-band edit as drift, both shown apart).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const NOW: &str = "2026-12-05T10:00:00Z";

fn bedrockctl(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("bedrockctl").unwrap();
    c.current_dir(dir)
        .env("BEDROCKCTL_NOW", NOW)
        .env_remove("NO_COLOR")
        .env_remove("BEDROCKCTL_SANDBOX_FAULTS");
    c
}

fn json_report(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = bedrockctl(dir)
        .args(args)
        .args(["--format", "json"])
        .assert()
        .code(0);
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

#[test]
fn offline_json_report_of_the_quickstart() {
    let mut doc = json_report(
        Path::new(ROOT),
        &["report", "-f", "examples/quickstart/bedrock.yaml"],
    );
    assert_eq!(doc["generated_at"], NOW, "BEDROCKCTL_NOW fixes the time");
    assert_eq!(doc["source"]["mode"], "offline");
    assert!(doc["plan"].is_null(), "offline: no plan");
    assert_eq!(doc["matrix"]["cells"].as_array().unwrap().len(), 8);
    // The version carries the git revision: redacted, as the time would be.
    doc["generated_at"] = "[time]".into();
    doc["bedrockctl_version"] = "[version]".into();
    insta::assert_json_snapshot!("quickstart_offline_json", doc);
}

#[test]
fn html_report_is_self_contained_and_has_every_section() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.html");
    let run = bedrockctl(Path::new(ROOT))
        .args(["report", "-f", "examples/quickstart/bedrock.yaml", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    assert!(stderr.contains("wrote the report to"), "{stderr}");
    assert!(stderr.contains("8 cells"), "{stderr}");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for id in [
        "summary",
        "matrix",
        "legend",
        "reasons",
        "checks",
        "readiness",
        "lint",
        "plan",
        "offline-note",
    ] {
        assert!(html.contains(&format!("id={id}")), "section `{id}` missing");
    }
    // Nothing is fetched: no external resource of any kind, and a CSP that forbids it.
    for needle in ["<link", "@import", "url(", " src=", "http://", "https://"] {
        assert!(
            !html.contains(needle),
            "`{needle}` in a self-contained report"
        );
    }
    assert!(html.contains("default-src 'none'"));
    assert!(html.contains("@media print"));
    // 8 grid cells, one per role x model x region, the guarded one as such.
    let grid_cells: usize = ["a", "g", "i", "x", "d"]
        .iter()
        .map(|l| {
            html.matches(&format!("<td class={l} ")).count()
                + html.matches(&format!("<td class={l}>")).count()
        })
        .sum();
    assert_eq!(grid_cells, 8);
    assert_eq!(html.matches("<td class=g ").count(), 1, "one guarded cell");
    assert!(html.contains("guardrail `default-safety`"));
    assert!(html.contains("no account was read"), "offline says so");
}

#[test]
fn hostile_names_are_escaped_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let q = Path::new(ROOT).join("examples/quickstart");
    std::fs::create_dir(dir.join("policies")).unwrap();
    for f in std::fs::read_dir(q.join("policies")).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), dir.join("policies").join(f.file_name())).unwrap();
    }
    let evil_file = "policies/<img src=x onerror=alert(1)>.json";
    let policy = std::fs::read_to_string(q.join("policies/chat-app-invoke.json"))
        .unwrap()
        .replace(
            "\"InvokeTitanEmbeddings\"",
            "\"</script><script>alert(2)</script>\"",
        );
    assert!(
        policy.contains("alert(2)"),
        "the fixture's Sid was replaced"
    );
    std::fs::write(dir.join(evil_file), policy).unwrap();
    let yaml = std::fs::read_to_string(q.join("bedrock.yaml"))
        .unwrap()
        .replace("policies/chat-app-invoke.json", &format!("\"{evil_file}\""));
    std::fs::write(dir.join("bedrock.yaml"), yaml).unwrap();
    let out = bedrockctl(dir).args(["report"]).assert().code(0);
    let html = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!html.contains("<img"), "a file name became markup");
    assert!(!html.contains("<script>alert"), "a Sid became a script");
    assert_eq!(
        html.matches("<script").count(),
        2,
        "the data block and the one script"
    );
    assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;.json"));
    // Inside the data block the same text is JSON with `<` escaped.
    assert!(html.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(2)"));
}

#[test]
fn sandbox_report_has_the_account_section() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let q = Path::new(ROOT).join("examples/quickstart");
    std::fs::create_dir(dir.join("policies")).unwrap();
    for f in std::fs::read_dir(q.join("policies")).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), dir.join("policies").join(f.file_name())).unwrap();
    }
    std::fs::copy(q.join("bedrock.yaml"), dir.join("bedrock.yaml")).unwrap();
    let sandbox = dir.join("sb");
    let sb = sandbox.to_str().unwrap();

    let before = json_report(dir, &["--sandbox", sb, "report"]);
    assert_eq!(before["source"]["mode"], "sandbox");
    assert_eq!(before["source"]["sandbox"], sb);
    let plan = &before["plan"];
    assert!(plan["summary"]["add"].as_u64().unwrap() > 5, "{plan}");
    assert_eq!(plan["drift"].as_array().unwrap().len(), 0);
    let readiness = before["readiness"].as_array().unwrap();
    assert!(!readiness.is_empty());
    assert!(
        readiness.iter().all(|r| r["source"] == "account"),
        "{readiness:?}"
    );

    bedrockctl(dir)
        .args(["--sandbox", sb, "apply", "--auto-approve"])
        .assert()
        .code(0);
    let yaml = std::fs::read_to_string(dir.join("bedrock.yaml")).unwrap();
    std::fs::write(
        dir.join("bedrock.yaml"),
        yaml.replace("threshold: 10", "threshold: 20"),
    )
    .unwrap();
    let after = json_report(dir, &["--sandbox", sb, "report"]);
    let plan = &after["plan"];
    assert_eq!(plan["summary"]["change"], 1, "{plan}");
    assert_eq!(
        plan["changes"][0]["address"],
        "alarm.us-east-1.haiku-throttles"
    );
    assert_eq!(
        plan["drift"].as_array().unwrap().len(),
        0,
        "a config edit is no drift"
    );

    let html = bedrockctl(dir)
        .args(["--sandbox", sb, "report"])
        .assert()
        .code(0);
    let html = String::from_utf8(html.get_output().stdout.clone()).unwrap();
    assert!(html.contains("alarm.us-east-1.haiku-throttles"));
    assert!(html.contains("sandbox account in"));
    assert!(!html.contains("id=offline-note"));

    // Now the account changes behind the config's back too: drift, shown apart.
    edit_alarm_out_of_band(&sandbox);
    let both = json_report(dir, &["--sandbox", sb, "report"]);
    let plan = &both["plan"];
    assert_eq!(
        plan["drift"][0]["address"], "alarm.us-east-1.haiku-throttles",
        "{plan}"
    );
    assert_eq!(
        plan["changes"][0]["address"],
        "alarm.us-east-1.haiku-throttles"
    );
    let html = bedrockctl(dir)
        .args(["--sandbox", sb, "report"])
        .assert()
        .code(0);
    let html = String::from_utf8(html.get_output().stdout.clone()).unwrap();
    let drift = &html[html.find("<h3 id=drift>").unwrap()..html.find("<h3 id=changes>").unwrap()];
    assert!(drift.contains("alarm.us-east-1.haiku-throttles"), "{drift}");
    assert!(
        html.contains(", 1 drifted</div>"),
        "summary card counts the drift"
    );
}

/// Raise the alarm's threshold through the sandbox's own API, as a console edit would.
fn edit_alarm_out_of_band(sandbox: &Path) {
    use bedrockctl::account::Kind;
    let account = bedrockctl::account::sandbox::open(sandbox).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let alarms = account.list(Kind::Alarm, "us-east-1").await.unwrap();
        let a = alarms.iter().find(|r| r.name == "haiku-throttles").unwrap();
        let mut d = a.clone();
        d.spec = d
            .spec
            .edit(|v| v["threshold"] = serde_json::json!(50.0))
            .unwrap();
        account.update(a, &d).await.unwrap();
    });
}

#[test]
fn lint_findings_point_at_file_line_col() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let q = Path::new(ROOT).join("examples/quickstart");
    std::fs::create_dir(dir.join("policies")).unwrap();
    for f in std::fs::read_dir(q.join("policies")).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), dir.join("policies").join(f.file_name())).unwrap();
    }
    std::fs::copy(q.join("bedrock.yaml"), dir.join("bedrock.yaml")).unwrap();
    // `bedrock:*` on every resource: a lint error (design.md "Lint severities").
    std::fs::write(
        dir.join("policies/chat-app-invoke.json"),
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"All\", \"Effect\": \"Allow\",\n     \"Action\": \"bedrock:*\", \"Resource\": \"*\"}\n  ]\n}\n",
    )
    .unwrap();
    let doc = json_report(dir, &["report"]);
    let lint = doc["lint"].as_array().unwrap();
    let f = lint
        .iter()
        .find(|f| f["severity"] == "error")
        .unwrap_or_else(|| panic!("an error finding: {lint:?}"));
    assert_eq!(f["file"], "policies/chat-app-invoke.json");
    assert_eq!(f["line"], 5, "{f}");
    let html = bedrockctl(dir).args(["report"]).assert().code(0);
    let html = String::from_utf8(html.get_output().stdout.clone()).unwrap();
    let at = format!("policies/chat-app-invoke.json:5:{}", f["column"]);
    assert!(html.contains(&at), "`{at}` in the lint table");
    assert!(html.contains("class=\"sev-error\""));
}

/// A cross-region profile whose destination region an SCP blocks: the cell is its own
/// shade (`destination-deny`, letter D), with the denied region and the SCP statement.
#[test]
fn destination_region_denial_is_its_own_shade() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("policies")).unwrap();
    std::fs::write(
        dir.join("policies/trust.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("policies/scp.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
        {"Sid":"RegionLock","Effect":"Deny","Action":"bedrock:*","Resource":"*",
         "Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-east-2"]}}}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("bedrock.yaml"),
        r#"version: 1
stack: dest-test
account:
  id: "111122223333"
  regions: [us-east-1]
models:
  - id: anthropic.claude-haiku-4-5-20251001-v1:0
    regions: [us-east-1]
    via: inference_profile
iam:
  roles:
    - name: app
      assume_role_policy: policies/trust.json
      policies:
        - grants:
            - invoke: [anthropic.claude-haiku-4-5-20251001-v1:0]
              regions: [us-east-1]
              via: inference_profile
organization:
  scps:
    - [policies/scp.json]
"#,
    )
    .unwrap();
    let doc = json_report(dir, &["report"]);
    let cell = &doc["matrix"]["cells"][0];
    assert_eq!(cell["shade"], "destination-deny", "{cell}");
    assert_eq!(cell["decision"], "explicit_deny");
    let reason = &doc["matrix"]["reasons"][cell["reason"].as_u64().unwrap() as usize];
    let text = reason["text"].as_str().unwrap();
    assert!(text.contains("us-west-2"), "{text}");
    assert_eq!(reason["evidence"][0]["statement"], "RegionLock");
    assert_eq!(reason["evidence"][0]["policy_type"], "scp");
    let html = bedrockctl(dir).args(["report"]).assert().code(0);
    let html = String::from_utf8(html.get_output().stdout.clone()).unwrap();
    assert_eq!(html.matches("<td class=d ").count(), 1, "one D cell");
    // And in the terminal grid.
    let text = bedrockctl(dir).args(["check", "--matrix"]).assert().code(0);
    let text = String::from_utf8(text.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("dest  = denied in a destination region"),
        "{text}"
    );
    assert!(
        text.contains("role app: denied everywhere (1 model x 1 region: dest 1)"),
        "{text}"
    );
}

/// `--live` reads the AWS account: without credentials that is the one-line error
/// with its hint (exit 1), and no half report on stdout.
#[test]
fn live_without_credentials_is_one_line_and_no_report() {
    let out = bedrockctl(Path::new(ROOT))
        .args(["report", "--live", "-f", "examples/quickstart/bedrock.yaml"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("BEDROCKCTL_LOOPBACK_ONLY", "1")
        .env("AWS_REGION", "us-east-1")
        .assert()
        .code(1);
    let o = out.get_output();
    assert!(
        o.stdout.is_empty(),
        "no report without the account it was asked for"
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no AWS credentials found"), "{stderr}");
}
