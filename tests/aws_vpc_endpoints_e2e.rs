//! VPC interface endpoints (issue 18) through the binary against moto's EC2, checked
//! with boto3: apply creates the endpoints with the policy generated from the roles'
//! grants (read back with `describe_vpc_endpoints`), a grant's `source_vpce: NAME`
//! holds their ids, an in-place change goes through `modify_vpc_endpoint` (same id),
//! an out-of-band policy edit is drift (`--refresh-only --detailed-exitcode` exit 2),
//! and destroy removes only the stack's endpoints.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod aws_support;

use assert_cmd::Command;
use aws_support::{boto, moto_endpoint, unique};
use serde_json::{json, Value};
use std::path::Path;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn expect(dir: &Path, args: &[&str], code: i32) -> String {
    let (c, out, err) = run(dir, args);
    assert_eq!(
        c,
        code,
        "`bedrockctl {}` exited {c}\nstdout:\n{out}\nstderr:\n{err}",
        args.join(" ")
    );
    out
}

/// The stack's network: a VPC, two subnets and two security groups made with boto3.
fn network() -> (String, String, String, String, String) {
    let v = boto(
        "e = c('ec2')\n\
         v = e.create_vpc(CidrBlock='10.42.0.0/16')['Vpc']['VpcId']\n\
         s1 = e.create_subnet(VpcId=v, CidrBlock='10.42.1.0/24')['Subnet']['SubnetId']\n\
         s2 = e.create_subnet(VpcId=v, CidrBlock='10.42.2.0/24')['Subnet']['SubnetId']\n\
         g1 = e.create_security_group(GroupName='a' + v, Description='a', VpcId=v)['GroupId']\n\
         g2 = e.create_security_group(GroupName='b' + v, Description='b', VpcId=v)['GroupId']\n\
         out([v, s1, s2, g1, g2])",
    );
    let s = |i: usize| v[i].as_str().unwrap().to_string();
    (s(0), s(1), s(2), s(3), s(4))
}

fn config(stack: &str, app: &str, ep: &str, vpc: &str, subnets: &str, groups: &str) -> String {
    format!(
        r#"version: 1
stack: {stack}
account:
  id: "123456789012"
  regions: [us-east-1]
vpc_endpoints:
  - name: {ep}
    region: us-east-1
    vpc_id: {vpc}
    subnet_ids: [{subnets}]
    security_group_ids: [{groups}]
    services: [bedrock-runtime, bedrock]
    policy: {{ roles: [{app}] }}
iam:
  roles:
    - name: {app}
      assume_role_policy: policies/trust-lambda.json
      policies:
        - grants:
            - invoke: [amazon.nova-lite-v1:0]
              regions: [us-east-1]
              source_vpce: {ep}
"#
    )
}

/// The stack's endpoints as boto3 reads them: name tag → (id, policy, subnets, groups).
fn endpoints_of(vpc: &str) -> Value {
    boto(&format!(
        "e = c('ec2')\n\
         eps = e.describe_vpc_endpoints(Filters=[{{'Name': 'vpc-id', 'Values': ['{vpc}']}}])['VpcEndpoints']\n\
         res = {{}}\n\
         for ep in eps:\n    \
             if ep['State'].lower() in ('deleted', 'deleting'):\n        continue\n    \
             tags = {{t['Key']: t['Value'] for t in ep.get('Tags', [])}}\n    \
             res[tags.get('Name', ep['VpcEndpointId'])] = {{'id': ep['VpcEndpointId'], \
             'policy': json.loads(ep.get('PolicyDocument') or 'null'), 'subnets': sorted(ep['SubnetIds']), \
             'groups': sorted(g['GroupId'] for g in ep['Groups']), 'dns': ep.get('PrivateDnsEnabled'), \
             'stack': tags.get('bedrockctl:stack'), 'service': ep['ServiceName']}}\n\
         out(res)"
    ))
}

#[test]
#[ignore = "needs moto"]
fn endpoints_apply_modify_drift_destroy_against_moto() {
    moto_endpoint("endpoints_apply_modify_drift_destroy_against_moto");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("policies")).unwrap();
    std::fs::write(
        d.join("policies/trust-lambda.json"),
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        .to_string(),
    )
    .unwrap();
    let (stack, app, ep) = (unique("vpce"), unique("vpce-app"), unique("private"));
    let (rt_name, cp_name) = (format!("{ep}/bedrock-runtime"), format!("{ep}/bedrock"));
    let (vpc, s1, s2, g1, g2) = network();
    // An endpoint of the same VPC that bedrockctl does not own.
    let manual = boto(&format!(
        "out(c('ec2').create_vpc_endpoint(VpcEndpointType='Interface', VpcId='{vpc}', \
         ServiceName='com.amazonaws.us-east-1.bedrock-agent', SubnetIds=['{s1}'])['VpcEndpoint']['VpcEndpointId'])"
    ));
    std::fs::write(
        d.join("bedrock.yaml"),
        config(&stack, &app, &ep, &vpc, &s1, &g1),
    )
    .unwrap();

    expect(d, &["apply", "-f", "bedrock.yaml", "--auto-approve"], 0);
    expect(d, &["plan", "-f", "bedrock.yaml", "--detailed-exitcode"], 0);

    let eps = endpoints_of(&vpc);
    let runtime = &eps[&rt_name];
    let control = &eps[&cp_name];
    assert_eq!(
        runtime["service"],
        "com.amazonaws.us-east-1.bedrock-runtime"
    );
    assert_eq!(runtime["stack"], json!(stack));
    assert_eq!(runtime["subnets"], json!([s1]));
    assert_eq!(runtime["groups"], json!([g1]));
    assert_eq!(runtime["dns"], true);
    // The generated policy round-trips: only the app role, only InvokeModel on the model.
    let policy = runtime["policy"].to_string();
    assert!(
        policy.contains(&format!("arn:aws:iam::123456789012:role/{app}")),
        "{policy}"
    );
    assert!(policy.contains("bedrock:InvokeModel"), "{policy}");
    assert!(
        policy.contains("foundation-model/amazon.nova-lite-v1:0"),
        "{policy}"
    );
    // Nothing of the grants goes through the control-plane endpoint: it allows nothing.
    assert_eq!(control["policy"]["Statement"][0]["Effect"], "Deny");

    // The role's grant names exactly the two endpoints' ids.
    let doc = boto(&format!(
        "out(c('iam').get_role_policy(RoleName='{app}', PolicyName='bedrockctl-grants')['PolicyDocument'])"
    ));
    let mut vpces: Vec<String> = doc["Statement"][0]["Condition"]["StringEquals"]["aws:SourceVpce"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    vpces.sort();
    let mut ids = vec![
        runtime["id"].as_str().unwrap().to_string(),
        control["id"].as_str().unwrap().to_string(),
    ];
    ids.sort();
    assert_eq!(vpces, ids);

    // Subnets and security groups change in place: same endpoint, ModifyVpcEndpoint.
    std::fs::write(
        d.join("bedrock.yaml"),
        config(&stack, &app, &ep, &vpc, &format!("{s1}, {s2}"), &g2),
    )
    .unwrap();
    let plan: Value = serde_json::from_str(&expect(
        d,
        &["plan", "-f", "bedrock.yaml", "--format", "json"],
        0,
    ))
    .unwrap();
    let runtime_change = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == format!("vpc_endpoint.us-east-1.{rt_name}"))
        .unwrap()
        .clone();
    assert_eq!(runtime_change["actions"], json!(["update"]));
    expect(d, &["apply", "-f", "bedrock.yaml", "--auto-approve"], 0);
    expect(d, &["plan", "-f", "bedrock.yaml", "--detailed-exitcode"], 0);
    let eps = endpoints_of(&vpc);
    let after = &eps[&rt_name];
    assert_eq!(after["id"], runtime["id"]);
    let mut want = vec![s1.clone(), s2.clone()];
    want.sort();
    assert_eq!(after["subnets"], json!(want));
    assert_eq!(after["groups"], json!([g2]));

    // An out-of-band policy edit is drift.
    let id = after["id"].as_str().unwrap();
    boto(&format!(
        "c('ec2').modify_vpc_endpoint(VpcEndpointId='{id}', PolicyDocument=json.dumps({{'Version': '2012-10-17', \
         'Statement': [{{'Effect': 'Allow', 'Principal': '*', 'Action': '*', 'Resource': '*'}}]}}))\nout(True)"
    ));
    let out = expect(
        d,
        &[
            "plan",
            "-f",
            "bedrock.yaml",
            "--refresh-only",
            "--detailed-exitcode",
        ],
        2,
    );
    assert!(out.contains(&rt_name), "{out}");
    expect(d, &["apply", "-f", "bedrock.yaml", "--auto-approve"], 0);
    let restored = endpoints_of(&vpc)[&rt_name]["policy"].to_string();
    assert!(restored.contains(&format!("role/{app}")), "{restored}");

    // Destroy removes the stack's endpoints and leaves the manual one.
    expect(d, &["destroy", "-f", "bedrock.yaml", "--auto-approve"], 0);
    let left = endpoints_of(&vpc);
    let left: Vec<&str> = left
        .as_object()
        .unwrap()
        .values()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(left, vec![manual.as_str().unwrap()]);
}
