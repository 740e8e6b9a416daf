//! Shared helpers for the engine's end-to-end tests: a temp project with a config and
//! its policy files, a sandbox dir, and runners for the binary.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub const FULL: &str = r#"version: 1
stack: app
account:
  id: "111122223333"
  regions: [us-east-1, us-west-2]
models:
  - id: amazon.titan-embed-text-v2:0
    regions: [us-east-1]
    via: on_demand
provisioned_throughput:
  - name: app-pt
    region: us-east-1
    model: amazon.nova-lite-v1:0:24k
    model_units: 1
    commitment: none
guardrails:
  - name: safety
    regions: [us-east-1]
    description: Baseline content safety
    blocked_input_message: Sorry, I can't help with that request.
    blocked_output_message: Sorry, I can't provide that response.
    content_filters:
      - { type: HATE, input: HIGH, output: HIGH }
    words:
      custom: [competitor-x]
    publish_version: true
inference_profiles:
  - name: app-haiku
    region: us-east-1
    copy_from: us.anthropic.claude-haiku-4-5-20251001-v1:0
    description: tracked haiku
    tags: { cost-center: "42" }
invocation_logging:
  - region: us-east-1
    cloudwatch: { log_group: /bedrock/invocations, role: app-logging }
    data: [text, embedding]
alarms:
  - name: haiku-throttles
    region: us-east-1
    metric: InvocationThrottles
    model: anthropic.claude-haiku-4-5-20251001-v1:0
    statistic: Sum
    period: 300
    threshold: 10
    comparison: GreaterThanThreshold
iam:
  policies:
    - name: app-boundary
      file: policies/boundary.json
  roles:
    - name: app-role
      assume_role_policy: policies/trust-lambda.json
      permissions_boundary: app-boundary
      policies:
        - file: policies/invoke.json
        - grants:
            - invoke: [anthropic.claude-haiku-4-5-20251001-v1:0]
              regions: [us-east-1]
              via: inference_profile
              streaming: true
              guardrail: safety
              require_guardrail: true
    - name: app-logging
      assume_role_policy: policies/trust-bedrock.json
      policies:
        - file: policies/logging.json
"#;

const BOUNDARY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Only", "Effect": "Allow",
 "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:ApplyGuardrail"],
 "Resource": "*"}]}"#;
const INVOKE: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Titan", "Effect": "Allow",
 "Action": "bedrock:InvokeModel",
 "Resource": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}]}"#;
const LOGGING: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Logs", "Effect": "Allow",
 "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
 "Resource": "arn:aws:logs:us-east-1:111122223333:log-group:/bedrock/invocations:*"}]}"#;
const TRUST_LAMBDA: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
 "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
const TRUST_BEDROCK: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
 "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;

/// A project directory with `bedrock.yaml`, its policies, and a sandbox dir.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new(config: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("policies");
        std::fs::create_dir_all(&p).unwrap();
        for (name, text) in [
            ("boundary.json", BOUNDARY),
            ("invoke.json", INVOKE),
            ("logging.json", LOGGING),
            ("trust-lambda.json", TRUST_LAMBDA),
            ("trust-bedrock.json", TRUST_BEDROCK),
        ] {
            std::fs::write(p.join(name), text).unwrap();
        }
        let project = Project { dir };
        project.write_config(config);
        project
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn sandbox(&self) -> PathBuf {
        self.dir.path().join("sandbox")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.path().join("bedrock.yaml"), text).unwrap();
    }

    pub fn write_file(&self, rel: &str, text: &str) {
        std::fs::write(self.path().join(rel), text).unwrap();
    }

    /// Write the sandbox seed file (read when the sandbox is first created).
    pub fn seed(&self, seed: &Value) {
        std::fs::create_dir_all(self.sandbox()).unwrap();
        std::fs::write(self.sandbox().join("seed.json"), seed.to_string()).unwrap();
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(bin());
        c.current_dir(self.path())
            .env_remove("BEDROCKCTL_SANDBOX_FAULTS")
            .env("NO_COLOR", "1")
            .env(
                "BEDROCKCTL_SANDBOX_PT_READY_MS",
                std::env::var("TEST_PT_READY_MS").unwrap_or_else(|_| "200".into()),
            )
            .arg("--sandbox")
            .arg(self.sandbox())
            .args(args);
        c
    }

    /// Run and return (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Run with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
        let mut c = self.cmd(args);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn apply(&self) -> (i32, String, String) {
        self.run(&["apply", "-f", "bedrock.yaml", "--auto-approve"])
    }

    pub fn apply_ok(&self) {
        let (code, out, err) = self.apply();
        assert_eq!(code, 0, "apply failed\nstdout:\n{out}\nstderr:\n{err}");
    }

    /// `plan --format json` as a value, asserting the exit code.
    pub fn plan_json(&self, extra: &[&str], expect_code: i32) -> Value {
        let mut args = vec!["plan", "-f", "bedrock.yaml", "--format", "json"];
        args.extend_from_slice(extra);
        let (code, out, err) = self.run(&args);
        assert_eq!(
            code, expect_code,
            "plan exit\nstdout:\n{out}\nstderr:\n{err}"
        );
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("plan json: {e}\n{out}\n{err}"))
    }

    /// `address → action` of every change that does something.
    pub fn actions(&self) -> Vec<(String, String)> {
        let v = self.plan_json(&[], 0);
        changes(&v)
    }

    pub fn assert_converged(&self) {
        let (code, out, err) = self.run(&["plan", "-f", "bedrock.yaml", "--detailed-exitcode"]);
        assert_eq!(
            code, 0,
            "plan after apply is not empty\nstdout:\n{out}\nstderr:\n{err}"
        );
        assert!(out.contains("No changes."), "{out}");
    }

    /// The inventory (`import --format json`) without model_access rows.
    pub fn inventory(&self) -> Vec<Value> {
        let (code, out, err) = self.run(&[
            "import",
            "--format",
            "json",
            "--regions",
            "us-east-1,us-west-2",
        ]);
        assert_eq!(code, 0, "import failed: {err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] != "model_access")
            .cloned()
            .collect()
    }

    pub fn has(&self, kind: &str, name: &str) -> bool {
        self.inventory()
            .iter()
            .any(|r| r["kind"] == kind && r["name"] == name)
    }

    /// Open the sandbox through the library, for out-of-band changes.
    pub fn account(&self) -> Box<dyn bedrockctl::account::Account> {
        bedrockctl::account::sandbox::open(&self.sandbox()).unwrap()
    }
}

/// The binary under test. `BEDROCKCTL_TEST_BIN` overrides it: with a target directory
/// shared between checkouts, a private copy keeps another build from swapping it mid-run.
pub fn bin() -> PathBuf {
    std::env::var_os("BEDROCKCTL_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_bedrockctl")))
}

pub fn changes(plan: &Value) -> Vec<(String, String)> {
    plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["actions"][0] != "no-op")
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_string(),
                c["actions"][0].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `FULL` with one text replacement, asserting the text was there.
pub fn full_with(from: &str, to: &str) -> String {
    assert!(FULL.contains(from), "fixture lacks {from:?}");
    FULL.replacen(from, to, 1)
}

pub fn guardrail_spec(msg: &str) -> Value {
    serde_json::json!({"blocked_input_message": msg, "blocked_output_message": msg,
        "content_filters": [{"type": "HATE", "input": "HIGH", "output": "HIGH"}]})
}

/// Resources the `app` stack must never touch: untagged, and owned by another stack.
pub fn seed_unmanaged(p: &Project) {
    p.seed(&serde_json::json!({
        "resources": [
            {"kind": "guardrail", "region": "us-east-1", "name": "manual-guardrail",
             "spec": guardrail_spec("manual"), "tags": {}},
            {"kind": "guardrail", "region": "us-east-1", "name": "other-guardrail",
             "spec": guardrail_spec("other"),
             "tags": {"managed-by": "bedrockctl", "bedrockctl:stack": "other"}},
            {"kind": "iam_role", "region": "global", "name": "other-role",
             "spec": {"assume_role_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                 "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
                 "inline_policies": {}, "managed_policies": []},
             "tags": {"managed-by": "bedrockctl", "bedrockctl:stack": "other"}},
            {"kind": "alarm", "region": "us-east-1", "name": "manual-alarm",
             "spec": {"namespace": "AWS/Bedrock", "metric": "Invocations", "dimensions": {},
                 "statistic": "Sum", "period": 60, "evaluation_periods": 1, "threshold": 1.0,
                 "comparison": "GreaterThanThreshold", "actions": []},
             "tags": {}}
        ]
    }));
}

/// `bedrockctl iam eval` of one request by `principal` against the identity policy
/// `doc`: the decision (`allow`, `implicit_deny`, `explicit_deny`).
pub fn iam_eval(
    principal: &str,
    doc: &Value,
    action: &str,
    resource: &str,
    context: Value,
) -> String {
    use std::io::Write;
    let account = principal.split(':').nth(4).unwrap_or_default();
    let line = serde_json::json!({
        "id": "x",
        "request": {"principal": principal, "action": action, "resource": resource,
                    "resource_account": account, "context": context},
        "identity_policies": [doc],
    });
    let mut child = std::process::Command::new(bin())
        .args(["iam", "eval"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{line}").unwrap();
    let out = child.wait_with_output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["decision"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"))
        .to_string()
}
