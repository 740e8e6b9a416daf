//! The AWS account implementation against a local moto server (started by
//! `scripts/test`): IAM roles and policies, CloudWatch alarms, Bedrock invocation
//! logging, STS. Every result is checked with an independent boto3 client, not
//! by reading back through bedrockctl. Each test also checks that every request
//! it sent went to loopback and is listed in the permission table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod aws_support;

use aws_support::{boto, moto_endpoint, owned, unique};
use bedrockctl::account::aws::{self, permissions, AwsAccount};
use bedrockctl::account::spec::Spec;
use bedrockctl::account::{Account, Kind, Resource, GLOBAL};
use serde_json::json;

async fn account() -> AwsAccount {
    AwsAccount::connect(None, None).await.unwrap()
}

/// Every request went to loopback, and each operation is in the permission table.
fn assert_sane(acct: &AwsAccount) {
    let reqs = acct.requests();
    assert!(!reqs.is_empty(), "the test sent no request at all");
    for r in reqs {
        assert!(aws::is_loopback(&r.host), "request left loopback: {r:?}");
        assert!(
            permissions::lookup(&r.service, &r.operation).is_some(),
            "operation {}:{} is not in src/account/aws/permissions.rs",
            r.service,
            r.operation
        );
    }
}

fn trust(service: &str) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
}

fn allow(action: &str) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})
}

fn resource(kind: Kind, region: &str, name: &str, spec: serde_json::Value) -> Resource {
    Resource {
        kind,
        region: region.to_string(),
        name: name.to_string(),
        id: None,
        spec: Spec::from_value(kind, spec).unwrap(),
        tags: owned("moto-test"),
        status: None,
    }
}

#[tokio::test]
#[ignore = "needs moto"]
async fn account_id_comes_from_sts() {
    moto_endpoint("account_id_comes_from_sts");
    let acct = aws::connect(None, None).await.unwrap();
    let id = acct.account_id().await.unwrap();
    let expected = boto("out(c('sts').get_caller_identity()['Account'])");
    assert_eq!(json!(id), expected);
    assert_eq!(id.len(), 12);
}

#[tokio::test]
#[ignore = "needs moto"]
async fn the_endpoint_is_loopback_and_every_request_goes_there() {
    let url = moto_endpoint("the_endpoint_is_loopback_and_every_request_goes_there");
    let acct = account().await;
    let configured = acct
        .sdk_config()
        .endpoint_url()
        .expect("AWS_ENDPOINT_URL is honoured");
    assert_eq!(configured, url);
    let host = url
        .split("://")
        .nth(1)
        .unwrap()
        .split([':', '/'])
        .next()
        .unwrap();
    assert!(
        aws::is_loopback(host),
        "AWS_ENDPOINT_URL `{url}` is not loopback"
    );
    acct.account_id().await.unwrap();
    acct.list(Kind::IamRole, GLOBAL).await.unwrap();
    acct.list(Kind::Alarm, "us-east-1").await.unwrap();
    assert_sane(&acct);
    let services: std::collections::BTreeSet<_> =
        acct.requests().into_iter().map(|r| r.service).collect();
    assert!(
        services.contains("STS") && services.contains("IAM") && services.contains("CloudWatch")
    );
}

#[tokio::test]
#[ignore = "needs moto"]
async fn iam_role_lifecycle() {
    moto_endpoint("iam_role_lifecycle");
    let acct = account().await;
    let stack = unique("stack");
    let role = unique("app");
    let pol_a = unique("grant-a");
    let pol_b = unique("grant-b");
    let boundary = unique("boundary");

    let mk_policy = |name: &str, action: &str| {
        let mut r = resource(
            Kind::IamPolicy,
            GLOBAL,
            name,
            json!({"document": allow(action), "description": "test"}),
        );
        r.tags = owned(&stack);
        r
    };
    let a = acct
        .create(&mk_policy(&pol_a, "bedrock:InvokeModel"), "t1")
        .await
        .unwrap();
    let b = acct
        .create(&mk_policy(&pol_b, "bedrock:Converse*"), "t2")
        .await
        .unwrap();
    let bd = acct
        .create(&mk_policy(&boundary, "bedrock:*"), "t3")
        .await
        .unwrap();
    let (a_arn, b_arn, bd_arn) = (
        a.id.clone().unwrap(),
        b.id.clone().unwrap(),
        bd.id.clone().unwrap(),
    );

    let mut desired = resource(
        Kind::IamRole,
        GLOBAL,
        &role,
        json!({
            "assume_role_policy": trust("lambda.amazonaws.com"),
            "permissions_boundary": bd_arn,
            "inline_policies": {"invoke": allow("bedrock:InvokeModel")},
            "managed_policies": [a_arn],
            "description": "chat app",
        }),
    );
    desired.tags = owned(&stack);
    let created = acct.create(&desired, "t4").await.unwrap();
    assert_eq!(created.name, role);
    assert!(created.is_managed());
    assert_eq!(created.stack(), Some(stack.as_str()));

    // Out of band: what IAM now holds.
    let seen = boto(&format!(
        "i = c('iam'); r = i.get_role(RoleName='{role}')['Role']\n\
         out({{'tags': {{t['Key']: t['Value'] for t in r.get('Tags', [])}},\n\
              'boundary': r.get('PermissionsBoundary', {{}}).get('PermissionsBoundaryArn'),\n\
              'trust': r['AssumeRolePolicyDocument'],\n\
              'inline': i.list_role_policies(RoleName='{role}')['PolicyNames'],\n\
              'doc': i.get_role_policy(RoleName='{role}', PolicyName='invoke')['PolicyDocument'],\n\
              'attached': [p['PolicyArn'] for p in i.list_attached_role_policies(RoleName='{role}')['AttachedPolicies']],\n\
              'description': r.get('Description')}})"
    ));
    assert_eq!(seen["tags"]["managed-by"], "bedrockctl");
    assert_eq!(seen["tags"]["bedrockctl:stack"], stack.as_str());
    assert_eq!(seen["boundary"], bd_arn.as_str());
    assert_eq!(
        seen["trust"]["Statement"][0]["Principal"]["Service"],
        "lambda.amazonaws.com"
    );
    assert_eq!(seen["inline"], json!(["invoke"]));
    assert_eq!(seen["doc"]["Statement"][0]["Action"], "bedrock:InvokeModel");
    assert_eq!(seen["attached"], json!([a_arn]));
    assert_eq!(seen["description"], "chat app");

    // Listing finds it with its tags and a spec equal to what was asked.
    let listed = acct.list(Kind::IamRole, GLOBAL).await.unwrap();
    let mine = listed.iter().find(|r| r.name == role).expect("listed");
    assert_eq!(mine.tags, owned(&stack));
    assert_eq!(
        mine.spec.to_value()["assume_role_policy"],
        trust("lambda.amazonaws.com")
    );
    assert_eq!(
        mine.spec.to_value()["inline_policies"]["invoke"],
        allow("bedrock:InvokeModel")
    );

    // Update everything that can change.
    let mut want = desired.clone();
    want.spec = Spec::from_value(
        Kind::IamRole,
        json!({
            "assume_role_policy": trust("ecs-tasks.amazonaws.com"),
            "inline_policies": {"invoke": allow("bedrock:InvokeModelWithResponseStream"), "extra": allow("bedrock:ListFoundationModels")},
            "managed_policies": [b_arn],
            "description": "chat app v2",
        }),
    )
    .unwrap();
    want.tags.insert("team".into(), "ml".into());
    let updated = acct.update(mine, &want).await.unwrap();
    assert_eq!(updated.tags.get("team").map(String::as_str), Some("ml"));

    let seen = boto(&format!(
        "i = c('iam'); r = i.get_role(RoleName='{role}')['Role']\n\
         out({{'tags': {{t['Key']: t['Value'] for t in r.get('Tags', [])}},\n\
              'boundary': r.get('PermissionsBoundary'),\n\
              'trust': r['AssumeRolePolicyDocument'],\n\
              'inline': sorted(i.list_role_policies(RoleName='{role}')['PolicyNames']),\n\
              'doc': i.get_role_policy(RoleName='{role}', PolicyName='invoke')['PolicyDocument'],\n\
              'attached': [p['PolicyArn'] for p in i.list_attached_role_policies(RoleName='{role}')['AttachedPolicies']],\n\
              'description': r.get('Description')}})"
    ));
    assert_eq!(
        seen["trust"]["Statement"][0]["Principal"]["Service"],
        "ecs-tasks.amazonaws.com"
    );
    assert_eq!(
        seen["boundary"],
        serde_json::Value::Null,
        "boundary removed"
    );
    assert_eq!(seen["inline"], json!(["extra", "invoke"]));
    assert_eq!(
        seen["doc"]["Statement"][0]["Action"],
        "bedrock:InvokeModelWithResponseStream"
    );
    assert_eq!(seen["attached"], json!([b_arn]));
    assert_eq!(seen["tags"]["team"], "ml");
    assert_eq!(seen["description"], "chat app v2");

    // principal_policies reads the same documents back.
    let pp = acct
        .principal_policies(updated.id.as_deref().unwrap())
        .await
        .unwrap();
    let names: Vec<&str> = pp.identity.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"invoke") && names.contains(&"extra") && names.contains(&b_arn.as_str()),
        "{names:?}"
    );

    // Delete: the role goes, the policies stay (nothing else owns them here).
    acct.delete(&updated).await.unwrap();
    let gone = boto(&format!(
        "i = c('iam')\nout([r['RoleName'] for p in i.get_paginator('list_roles').paginate() for r in p['Roles'] if r['RoleName'] == '{role}'])"
    ));
    assert_eq!(gone, json!([]));
    assert!(acct
        .get(Kind::IamRole, GLOBAL, &role)
        .await
        .unwrap()
        .is_none());
    for p in [&a, &b, &bd] {
        acct.delete(p).await.unwrap();
    }
    let left = boto(&format!(
        "i = c('iam')\nout([p['PolicyName'] for p in i.list_policies(Scope='Local')['Policies'] if p['PolicyName'] in ('{pol_a}', '{pol_b}', '{boundary}')])"
    ));
    assert_eq!(left, json!([]));
    assert_sane(&acct);
}

#[tokio::test]
#[ignore = "needs moto"]
async fn iam_policy_versions_are_pruned_and_attached_policies_are_not_deleted() {
    moto_endpoint("iam_policy_versions_are_pruned_and_attached_policies_are_not_deleted");
    let acct = account().await;
    let name = unique("versioned");
    let mut live = acct
        .create(
            &resource(
                Kind::IamPolicy,
                GLOBAL,
                &name,
                json!({"document": allow("bedrock:Get0")}),
            ),
            "v",
        )
        .await
        .unwrap();
    let arn = live.id.clone().unwrap();
    for i in 1..=7 {
        let desired = resource(
            Kind::IamPolicy,
            GLOBAL,
            &name,
            json!({"document": allow(&format!("bedrock:Get{i}"))}),
        );
        live = acct.update(&live, &desired).await.unwrap();
    }
    let seen = boto(&format!(
        "i = c('iam'); vs = i.list_policy_versions(PolicyArn='{arn}')['Versions']\n\
         d = [v['VersionId'] for v in vs if v['IsDefaultVersion']][0]\n\
         out({{'count': len(vs), 'doc': i.get_policy_version(PolicyArn='{arn}', VersionId=d)['PolicyVersion']['Document']}})"
    ));
    assert!(seen["count"].as_u64().unwrap() <= 5, "{seen}");
    assert_eq!(seen["doc"]["Statement"][0]["Action"], "bedrock:Get7");
    assert_eq!(live.spec.to_value()["document"], allow("bedrock:Get7"));

    // Attached out of band: delete is refused and the policy survives.
    let holder = unique("holder");
    boto(&format!(
        "i = c('iam'); i.create_role(RoleName='{holder}', AssumeRolePolicyDocument=json.dumps({trust}))\n\
         i.attach_role_policy(RoleName='{holder}', PolicyArn='{arn}'); out(True)",
        trust = trust("lambda.amazonaws.com")
    ));
    let err = acct.delete(&live).await.unwrap_err();
    assert_eq!(err.code, "ConflictException", "{err}");
    assert!(err.message.contains("attached"), "{err}");
    let exists = boto(&format!(
        "out(c('iam').get_policy(PolicyArn='{arn}')['Policy']['PolicyName'])"
    ));
    assert_eq!(exists, json!(name));

    boto(&format!(
        "c('iam').detach_role_policy(RoleName='{holder}', PolicyArn='{arn}'); out(True)"
    ));
    acct.delete(&live).await.unwrap();
    let gone = boto(&format!(
        "out([p['Arn'] for p in c('iam').list_policies(Scope='Local')['Policies'] if p['Arn'] == '{arn}'])"
    ));
    assert_eq!(gone, json!([]));
    assert_sane(&acct);
}

fn alarm_spec(threshold: f64, model: &str) -> serde_json::Value {
    json!({
        "namespace": "AWS/Bedrock",
        "metric": "InvocationThrottles",
        "dimensions": {"ModelId": model},
        "statistic": "Sum",
        "period": 300,
        "evaluation_periods": 1,
        "threshold": threshold,
        "comparison": "GreaterThanThreshold",
        "actions": ["arn:aws:sns:us-east-1:123456789012:oncall"],
        "description": "throttles",
    })
}

#[tokio::test]
#[ignore = "needs moto"]
async fn cloudwatch_alarm_lifecycle() {
    moto_endpoint("cloudwatch_alarm_lifecycle");
    let acct = account().await;
    let region = "us-west-2";
    let name = unique("haiku-throttles");
    let model = "anthropic.claude-haiku-4-5-20251001-v1:0";
    let desired = resource(Kind::Alarm, region, &name, alarm_spec(10.0, model));
    let created = acct.create(&desired, "a").await.unwrap();
    assert_eq!(created.spec.to_value(), alarm_spec(10.0, model));
    let arn = created.id.clone().unwrap();

    let script = format!(
        "cw = c('cloudwatch', '{region}'); a = cw.describe_alarms(AlarmNames=['{name}'])['MetricAlarms']\n\
         out({{'alarms': [{{'ns': x['Namespace'], 'metric': x['MetricName'], 'threshold': x['Threshold'],\n\
               'dims': x['Dimensions'], 'stat': x.get('Statistic'), 'actions': x['AlarmActions']}} for x in a],\n\
               'tags': {{t['Key']: t['Value'] for t in cw.list_tags_for_resource(ResourceARN='{arn}')['Tags']}}}})"
    );
    let seen = boto(&script);
    assert_eq!(seen["alarms"][0]["ns"], "AWS/Bedrock");
    assert_eq!(seen["alarms"][0]["metric"], "InvocationThrottles");
    assert_eq!(seen["alarms"][0]["threshold"], 10.0);
    assert_eq!(seen["alarms"][0]["stat"], "Sum");
    assert_eq!(
        seen["alarms"][0]["dims"],
        json!([{"Name": "ModelId", "Value": model}])
    );
    assert_eq!(seen["tags"]["managed-by"], "bedrockctl");

    // An alarm outside AWS/Bedrock is not bedrockctl's and is not listed.
    let other = unique("ec2-cpu");
    boto(&format!(
        "c('cloudwatch', '{region}').put_metric_alarm(AlarmName='{other}', Namespace='AWS/EC2', MetricName='CPUUtilization',\n\
         Statistic='Average', Period=60, EvaluationPeriods=1, Threshold=90, ComparisonOperator='GreaterThanThreshold'); out(True)"
    ));
    let listed = acct.list(Kind::Alarm, region).await.unwrap();
    assert!(listed.iter().any(|a| a.name == name));
    assert!(!listed.iter().any(|a| a.name == other));

    // Update threshold and tags.
    let mut want = resource(Kind::Alarm, region, &name, alarm_spec(25.0, model));
    want.tags.remove("bedrockctl:stack");
    want.tags.insert("team".into(), "ml".into());
    let updated = acct.update(&created, &want).await.unwrap();
    assert_eq!(updated.spec.to_value()["threshold"], 25.0);
    let seen = boto(&script);
    assert_eq!(seen["alarms"][0]["threshold"], 25.0);
    assert_eq!(seen["tags"]["team"], "ml");
    assert!(
        seen["tags"].get("bedrockctl:stack").is_none(),
        "removed tag is gone: {seen}"
    );

    acct.delete(&updated).await.unwrap();
    let seen = boto(&script.replace(
        &format!("'tags': {{t['Key']: t['Value'] for t in cw.list_tags_for_resource(ResourceARN='{arn}')['Tags']}}"),
        "'tags': {}",
    ));
    assert_eq!(seen["alarms"], json!([]));
    assert!(acct.get(Kind::Alarm, region, &arn).await.unwrap().is_none());
    assert_sane(&acct);
}

#[tokio::test]
#[ignore = "needs moto"]
async fn invocation_logging_put_get_delete() {
    moto_endpoint("invocation_logging_put_get_delete");
    let acct = account().await;
    // Logging is one per region: this region is used by no other test.
    let region = "eu-west-3";
    let spec = json!({
        "cloudwatch": {"log_group": "/bedrock/invocations", "role_arn": "arn:aws:iam::123456789012:role/bedrock-logging"},
        "s3": {"bucket": "my-bedrock-logs", "prefix": "invocations/"},
        "text": true, "image": false, "embedding": true, "video": false, "audio": false,
    });
    let mut desired = resource(Kind::InvocationLogging, region, "default", spec.clone());
    desired.tags.clear();
    let created = acct.create(&desired, "l").await.unwrap();
    assert_eq!(created.spec.to_value(), spec);

    let get = format!("out(c('bedrock', '{region}').get_model_invocation_logging_configuration().get('loggingConfig'))");
    let seen = boto(&get);
    assert_eq!(
        seen["cloudWatchConfig"]["logGroupName"],
        "/bedrock/invocations"
    );
    assert_eq!(seen["s3Config"]["bucketName"], "my-bedrock-logs");
    assert_eq!(seen["textDataDeliveryEnabled"], true);
    assert_eq!(seen["embeddingDataDeliveryEnabled"], true);
    assert_eq!(seen["imageDataDeliveryEnabled"], false);

    // Another region is untouched.
    let elsewhere = acct
        .list(Kind::InvocationLogging, "ap-south-1")
        .await
        .unwrap();
    assert!(elsewhere.is_empty());

    acct.delete(&created).await.unwrap();
    let seen = boto(&get);
    assert!(
        seen.is_null() || seen == json!({}),
        "configuration deleted: {seen}"
    );
    assert!(acct
        .list(Kind::InvocationLogging, region)
        .await
        .unwrap()
        .is_empty());
    assert_sane(&acct);
}

#[tokio::test]
#[ignore = "needs moto"]
async fn missing_resources_read_as_none() {
    moto_endpoint("missing_resources_read_as_none");
    let acct = account().await;
    assert!(acct
        .get(Kind::IamRole, GLOBAL, "no-such-role-xyz")
        .await
        .unwrap()
        .is_none());
    assert!(acct
        .get(
            Kind::IamPolicy,
            GLOBAL,
            "arn:aws:iam::123456789012:policy/no-such-policy-xyz"
        )
        .await
        .unwrap()
        .is_none());
    assert!(acct
        .get(Kind::Alarm, "us-east-1", "no-such-alarm-xyz")
        .await
        .unwrap()
        .is_none());
    assert_sane(&acct);
}

#[tokio::test]
#[ignore = "needs moto"]
async fn organization_scps_are_read_root_first_or_unknown() {
    moto_endpoint("organization_scps_are_read_root_first_or_unknown");
    let acct = account().await;
    // No organization yet (no other test creates one): unknown, not empty.
    let has_org = boto(
        "o = c('organizations')\ntry:\n    o.describe_organization(); out(True)\nexcept o.exceptions.AWSOrganizationsNotInUseException:\n    out(False)",
    );
    if has_org == json!(false) {
        assert_eq!(acct.org_policies().await.unwrap(), None);
        boto("c('organizations').create_organization(FeatureSet='ALL'); out(True)");
    }
    let deny = json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoOutsideUs", "Effect": "Deny",
        "Action": "bedrock:*", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}}]});
    let name = unique("deny-outside-us");
    boto(&format!(
        "o = c('organizations'); root = o.list_roots()['Roots'][0]['Id']\n\
         p = o.create_policy(Name='{name}', Description='t', Type='SERVICE_CONTROL_POLICY', Content=json.dumps({deny}))\n\
         o.attach_policy(PolicyId=p['Policy']['PolicySummary']['Id'], TargetId=root); out(True)"
    ));
    let org = acct
        .org_policies()
        .await
        .unwrap()
        .expect("readable from the management account");
    assert!(org.management_account);
    assert!(
        org.scps.len() >= 2,
        "root and account levels: {:?}",
        org.scps
    );
    assert!(
        org.scps[0].contains(&deny),
        "root level holds the SCP: {:?}",
        org.scps[0]
    );
    assert!(
        !org.scps.last().unwrap().contains(&deny),
        "attached to the root only"
    );
    assert_sane(&acct);
}

#[tokio::test]
#[ignore = "needs moto"]
async fn connect_uses_adaptive_retries() {
    moto_endpoint("connect_uses_adaptive_retries");
    let acct = account().await;
    let retry = acct.sdk_config().retry_config().unwrap();
    assert_eq!(retry.mode(), aws_smithy_types::retry::RetryMode::Adaptive);
    assert_eq!(retry.max_attempts(), aws::clients::MAX_ATTEMPTS);
}
