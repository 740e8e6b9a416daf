//! The binary end to end against moto, for the kinds moto serves (IAM roles and
//! policies, CloudWatch alarms, invocation logging): plan → apply → no changes →
//! an out-of-band change (boto3) shows as drift with `--refresh-only
//! --detailed-exitcode` (exit 2) → apply restores it → destroy removes only what
//! the stack owns. Also: no credential reaches stdout/stderr at maximum verbosity.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod aws_support;

use assert_cmd::Command;
use aws_support::{boto, moto_endpoint, unique};
use serde_json::{json, Value};
use std::path::Path;

struct Names {
    stack: String,
    app: String,
    logging: String,
    boundary: String,
    alarm: String,
}

impl Names {
    fn new() -> Self {
        Names {
            stack: unique("e2e"),
            app: unique("e2e-app"),
            logging: unique("e2e-logging"),
            boundary: unique("e2e-boundary"),
            alarm: unique("e2e-throttles"),
        }
    }

    fn config(&self, threshold: u32) -> String {
        format!(
            r#"version: 1
stack: {stack}
account:
  id: "123456789012"
  regions: [us-east-1]
invocation_logging:
  - region: us-east-1
    cloudwatch: {{ log_group: /bedrock/e2e, role: {logging} }}
    data: [text]
alarms:
  - name: {alarm}
    region: us-east-1
    metric: InvocationThrottles
    model: anthropic.claude-haiku-4-5-20251001-v1:0
    statistic: Sum
    period: 300
    threshold: {threshold}
    comparison: GreaterThanThreshold
iam:
  policies:
    - name: {boundary}
      file: policies/boundary.json
  roles:
    - name: {app}
      assume_role_policy: policies/trust-lambda.json
      permissions_boundary: {boundary}
      policies:
        - file: policies/invoke.json
    - name: {logging}
      assume_role_policy: policies/trust-bedrock.json
      policies:
        - file: policies/logging.json
"#,
            stack = self.stack,
            logging = self.logging,
            alarm = self.alarm,
            boundary = self.boundary,
            app = self.app,
        )
    }
}

fn write_project(dir: &Path, config: &str) {
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::write(dir.join("bedrock.yaml"), config).unwrap();
    let trust = |svc: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": svc}, "Action": "sts:AssumeRole"}]})
            .to_string()
    };
    std::fs::write(
        dir.join("policies/trust-lambda.json"),
        trust("lambda.amazonaws.com"),
    )
    .unwrap();
    std::fs::write(
        dir.join("policies/trust-bedrock.json"),
        trust("bedrock.amazonaws.com"),
    )
    .unwrap();
    std::fs::write(
        dir.join("policies/boundary.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Only", "Effect": "Allow",
 "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], "Resource": "*"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("policies/invoke.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Titan", "Effect": "Allow", "Action": "bedrock:InvokeModel",
 "Resource": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("policies/logging.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Logs", "Effect": "Allow",
 "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/bedrock/e2e:*"}]}"#,
    )
    .unwrap();
}

/// Run the binary in `dir`; (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("bedrockctl").unwrap();
    cmd.current_dir(dir).args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn expect(dir: &Path, args: &[&str], code: i32) -> String {
    let (c, out, err) = run(dir, args, &[]);
    assert_eq!(
        c,
        code,
        "`bedrockctl {}` exited {c}\nstdout:\n{out}\nstderr:\n{err}",
        args.join(" ")
    );
    out
}

fn alarm_threshold(name: &str) -> Value {
    boto(&format!(
        "a = c('cloudwatch').describe_alarms(AlarmNames=['{name}'])['MetricAlarms']\nout(a[0]['Threshold'] if a else None)"
    ))
}

fn roles_named(names: &[&str]) -> Value {
    let list = names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ");
    boto(&format!(
        "i = c('iam')\nout(sorted(r['RoleName'] for p in i.get_paginator('list_roles').paginate() for r in p['Roles'] if r['RoleName'] in ({list},)))"
    ))
}

#[test]
fn plan_apply_drift_restore_destroy_against_moto() {
    if moto_endpoint("plan_apply_drift_restore_destroy_against_moto").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let n = Names::new();
    write_project(d, &n.config(10));

    // 1. Everything is to be created.
    let plan: Value = serde_json::from_str(&expect(
        d,
        &[
            "plan",
            "-f",
            "bedrock.yaml",
            "--format",
            "json",
            "--detailed-exitcode",
        ],
        2,
    ))
    .unwrap();
    let mut created: Vec<String> = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["actions"] == json!(["create"]))
        .map(|c| c["kind"].as_str().unwrap().to_string())
        .collect();
    created.sort();
    assert_eq!(
        created,
        [
            "alarm",
            "iam_policy",
            "iam_role",
            "iam_role",
            "invocation_logging"
        ],
        "{plan:#}"
    );

    // 2. Apply, then nothing is left to do.
    expect(d, &["apply", "-f", "bedrock.yaml", "--auto-approve"], 0);
    expect(d, &["plan", "-f", "bedrock.yaml", "--detailed-exitcode"], 0);

    // Independently: the resources exist, tagged as the stack's.
    let seen = boto(&format!(
        "i = c('iam'); r = i.get_role(RoleName='{app}')['Role']\n\
         out({{'tags': {{t['Key']: t['Value'] for t in r.get('Tags', [])}},\n\
              'boundary': r['PermissionsBoundary']['PermissionsBoundaryArn'],\n\
              'logging': c('bedrock').get_model_invocation_logging_configuration()['loggingConfig']['cloudWatchConfig']}})",
        app = n.app
    ));
    assert_eq!(seen["tags"]["managed-by"], "bedrockctl");
    assert_eq!(seen["tags"]["bedrockctl:stack"], n.stack.as_str());
    assert!(seen["boundary"]
        .as_str()
        .unwrap()
        .ends_with(&format!(":policy/{}", n.boundary)));
    assert_eq!(seen["logging"]["logGroupName"], "/bedrock/e2e");
    assert!(seen["logging"]["roleArn"]
        .as_str()
        .unwrap()
        .ends_with(&format!(":role/{}", n.logging)));
    assert_eq!(alarm_threshold(&n.alarm), json!(10.0));

    // 3. Someone changes the alarm and the role's trust behind our back.
    boto(&format!(
        "c('cloudwatch').put_metric_alarm(AlarmName='{alarm}', Namespace='AWS/Bedrock', MetricName='InvocationThrottles',\n\
         Dimensions=[{{'Name': 'ModelId', 'Value': 'anthropic.claude-haiku-4-5-20251001-v1:0'}}], Statistic='Sum', Period=300,\n\
         EvaluationPeriods=1, Threshold=99, ComparisonOperator='GreaterThanThreshold')\n\
         c('iam').update_assume_role_policy(RoleName='{app}', PolicyDocument=json.dumps({{'Version': '2012-10-17', 'Statement': [\n\
         {{'Effect': 'Allow', 'Principal': {{'Service': 'ec2.amazonaws.com'}}, 'Action': 'sts:AssumeRole'}}]}}))\nout(True)",
        alarm = n.alarm,
        app = n.app
    ));
    assert_eq!(alarm_threshold(&n.alarm), json!(99.0));
    let (code, out, err) = run(
        d,
        &[
            "plan",
            "-f",
            "bedrock.yaml",
            "--refresh-only",
            "--detailed-exitcode",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(
        code, 2,
        "drift is reported with exit 2\nstdout:\n{out}\nstderr:\n{err}"
    );
    let drift: Value = serde_json::from_str(&out).unwrap();
    let drifted: Vec<&str> = drift["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    assert!(
        drifted.contains(&format!("alarm.us-east-1.{}", n.alarm).as_str()),
        "{drift:#}"
    );
    assert!(
        drifted.contains(&format!("iam_role.global.{}", n.app).as_str()),
        "{drift:#}"
    );

    // 4. Apply puts the declared state back.
    expect(d, &["apply", "-f", "bedrock.yaml", "--auto-approve"], 0);
    assert_eq!(alarm_threshold(&n.alarm), json!(10.0));
    let trust = boto(&format!(
        "out(c('iam').get_role(RoleName='{}')['Role']['AssumeRolePolicyDocument']['Statement'][0]['Principal']['Service'])",
        n.app
    ));
    assert_eq!(trust, "lambda.amazonaws.com");
    expect(d, &["plan", "-f", "bedrock.yaml", "--detailed-exitcode"], 0);

    // 5. Destroy removes what the stack owns, and nothing else.
    let stranger = unique("e2e-unmanaged");
    boto(&format!(
        "c('iam').create_role(RoleName='{stranger}', AssumeRolePolicyDocument=json.dumps({{'Version': '2012-10-17', 'Statement': []}})); out(True)"
    ));
    expect(d, &["destroy", "-f", "bedrock.yaml", "--auto-approve"], 0);
    assert_eq!(
        roles_named(&[&n.app, &n.logging, &stranger]),
        json!([stranger])
    );
    assert_eq!(alarm_threshold(&n.alarm), Value::Null, "alarm deleted");
    let policies = boto(&format!(
        "out([p['PolicyName'] for p in c('iam').list_policies(Scope='Local')['Policies'] if p['PolicyName'] == '{}'])",
        n.boundary
    ));
    assert_eq!(policies, json!([]));
    let logging = boto(
        "out(c('bedrock').get_model_invocation_logging_configuration().get('loggingConfig') or {})",
    );
    assert!(
        logging.get("cloudWatchConfig").is_none(),
        "logging removed: {logging}"
    );
}

#[test]
fn no_secret_reaches_output_at_maximum_verbosity() {
    if moto_endpoint("no_secret_reaches_output_at_maximum_verbosity").is_none() {
        return;
    }
    let secrets: Vec<String> = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ]
    .iter()
    .map(|v| std::env::var(v).expect("scripts/test exports dummy credentials"))
    .collect();
    let dir = tempfile::tempdir().unwrap();
    let n = Names::new();
    write_project(dir.path(), &n.config(10));
    let verbose = [("RUST_LOG", "trace"), ("AWS_LOG_LEVEL", "trace")];
    for args in [
        &["-vvv", "plan", "-f", "bedrock.yaml"][..],
        &["-vvv", "plan", "-f", "bedrock.yaml", "--format", "json"][..],
        &["-vvv", "plan", "-f", "bedrock.yaml", "--refresh-only"][..],
    ] {
        let (code, out, err) = run(dir.path(), args, &verbose);
        assert!(
            code == 0 || code == 2,
            "`{}` failed ({code}):\n{err}",
            args.join(" ")
        );
        for s in &secrets {
            assert!(
                !out.contains(s.as_str()) && !err.contains(s.as_str()),
                "a credential leaked from `{}`",
                args.join(" ")
            );
        }
        let lower = format!("{out}{err}").to_ascii_lowercase();
        for marker in ["x-amz-security-token", "signature=", "authorization:"] {
            assert!(
                !lower.contains(marker),
                "`{marker}` printed by `{}`",
                args.join(" ")
            );
        }
    }
}
