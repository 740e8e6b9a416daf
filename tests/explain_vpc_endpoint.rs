//! `explain` in deep mode for VPC endpoint policy denials (issue 18): with the sandbox,
//! the diagnosis names the endpoint the request went through and the statement that
//! denies it, or the statement its policy lacks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use engine_support::*;
use serde_json::{json, Value};

const MODEL: &str = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0";

fn seeded(policy: Value) -> Project {
    let p = Project::new("version: 1\nstack: x\naccount:\n  regions: [us-east-1]\n");
    p.seed(&json!({"resources": [
        {"kind": "iam_role", "region": "global", "name": "app",
         "spec": {"assume_role_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
             "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
             "inline_policies": {"invoke": {"Version": "2012-10-17", "Statement": [{"Sid": "Invoke",
                 "Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": MODEL}]}},
             "managed_policies": []}},
        {"kind": "vpc_endpoint", "region": "us-east-1", "name": "edge/bedrock-runtime",
         "id": "vpce-0a1b2c3d4e5f60718",
         "spec": {"vpc_id": "vpc-0a1b2c3d4e5f60718",
                  "service_name": "com.amazonaws.us-east-1.bedrock-runtime",
                  "subnet_ids": ["subnet-0a1b2c3d4e5f60718"], "security_group_ids": [],
                  "private_dns": true, "policy": policy},
         "tags": {"managed-by": "bedrockctl", "bedrockctl:stack": "x"}}
    ]}));
    p
}

fn explain(p: &Project, message: &str) -> Value {
    let out = p
        .cmd(&["explain", "--format", "json"])
        .write_stdin(message)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn joined(v: &Value, key: &str) -> String {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn deep_mode_names_the_endpoint_and_its_denying_statement() {
    let p = seeded(json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "All", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {"Sid": "NoNova", "Effect": "Deny", "Principal": "*", "Action": "bedrock:InvokeModel",
         "Resource": "arn:aws:bedrock:*::foundation-model/amazon.nova-*"}]}));
    let v = explain(
        &p,
        &format!("User: arn:aws:sts::111122223333:assumed-role/app/s is not authorized to perform: bedrock:InvokeModel on resource: {MODEL} with an explicit deny in a VPC endpoint policy"),
    );
    assert_eq!(v["policy_type"], "vpc_endpoint");
    let causes = joined(&v, "causes");
    assert!(
        causes.contains("statement `NoNova` of the policy of VPC endpoint `vpce-0a1b2c3d4e5f60718` (`edge/bedrock-runtime`"),
        "{causes}"
    );
    assert!(
        joined(&v, "fixes").contains("remove or narrow statement `NoNova`"),
        "{v:#}"
    );
}

#[test]
fn deep_mode_names_the_endpoint_and_the_missing_statement() {
    let p = seeded(json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Batch", "Effect": "Allow", "Principal": "*", "Action": "bedrock:InvokeModel",
         "Resource": "*", "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/batch"}}}]}));
    let v = explain(
        &p,
        &format!("User: arn:aws:sts::111122223333:assumed-role/app/s is not authorized to perform: bedrock:InvokeModel on resource: {MODEL} because no VPC endpoint policy allows the bedrock:InvokeModel action"),
    );
    let causes = joined(&v, "causes");
    assert!(
        causes.contains("the policy of VPC endpoint `vpce-0a1b2c3d4e5f60718`")
            && causes.contains("has no statement allowing `bedrock:InvokeModel`")
            && causes.contains("arn:aws:iam::111122223333:role/app"),
        "{causes}"
    );
    let fixes = joined(&v, "fixes");
    // The missing statement, ready to paste, and the config entry that owns the endpoint.
    assert!(
        fixes.contains(r#""aws:PrincipalArn":"arn:aws:iam::111122223333:role/app""#),
        "{fixes}"
    );
    assert!(
        fixes.contains(&format!(r#""Resource":"{MODEL}""#)),
        "{fixes}"
    );
    assert!(fixes.contains("`vpc_endpoints` entry `edge`"), "{fixes}");

    // Adding that statement makes the endpoint allow it: deep mode then says so.
    let p = seeded(json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "bedrock:InvokeModel", "Resource": MODEL,
         "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app"}}}]}));
    let v = explain(
        &p,
        &format!("User: arn:aws:sts::111122223333:assumed-role/app/s is not authorized to perform: bedrock:InvokeModel on resource: {MODEL} because no VPC endpoint policy allows the bedrock:InvokeModel action"),
    );
    assert!(
        joined(&v, "causes").contains("allows it: the request went through another endpoint"),
        "{v:#}"
    );
}
