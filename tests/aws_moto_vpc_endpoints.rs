//! The AWS account's `vpc_endpoint` kind against moto's EC2 (library level): create
//! with the `Name` tag as the resource name, list only the Bedrock services, modify
//! subnets, groups, policy and tags in place, delete; every result checked
//! with boto3, every request on loopback and in the permission table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod aws_support;

use aws_support::{boto, moto_endpoint, owned, unique};
use bedrockctl::account::aws::{self, permissions, AwsAccount};
use bedrockctl::account::spec::Spec;
use bedrockctl::account::{Account, Kind, Resource};
use serde_json::{json, Value};

fn network() -> Vec<String> {
    let v = boto(
        "e = c('ec2')\n\
         v = e.create_vpc(CidrBlock='10.43.0.0/16')['Vpc']['VpcId']\n\
         s1 = e.create_subnet(VpcId=v, CidrBlock='10.43.1.0/24')['Subnet']['SubnetId']\n\
         s2 = e.create_subnet(VpcId=v, CidrBlock='10.43.2.0/24')['Subnet']['SubnetId']\n\
         g = e.create_security_group(GroupName='g' + v, Description='g', VpcId=v)['GroupId']\n\
         out([v, s1, s2, g])",
    );
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn described(id: &str) -> Value {
    boto(&format!(
        "ep = c('ec2').describe_vpc_endpoints(VpcEndpointIds=['{id}'])['VpcEndpoints'][0]\n\
         out({{'subnets': sorted(ep['SubnetIds']), 'groups': sorted(g['GroupId'] for g in ep['Groups']), \
         'dns': ep['PrivateDnsEnabled'], 'policy': json.loads(ep['PolicyDocument']), \
         'tags': {{t['Key']: t['Value'] for t in ep.get('Tags', [])}}, 'state': ep['State']}})"
    ))
}

#[tokio::test]
#[ignore = "needs moto"]
async fn vpc_endpoints_round_trip_through_ec2() {
    moto_endpoint("vpc_endpoints_round_trip_through_ec2");
    let acct = AwsAccount::connect(None, None).await.unwrap();
    let net = network();
    let (vpc, s1, s2, g) = (&net[0], &net[1], &net[2], &net[3]);
    let name = format!("{}/bedrock-runtime", unique("ep"));
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Sid": "App", "Effect": "Allow",
        "Principal": "*", "Action": "bedrock:InvokeModel", "Resource": "*"}]});
    let desired = Resource {
        kind: Kind::VpcEndpoint,
        region: "us-east-1".into(),
        name: name.clone(),
        id: None,
        spec: Spec::from_value(
            Kind::VpcEndpoint,
            json!({"vpc_id": vpc, "service_name": "com.amazonaws.us-east-1.bedrock-runtime",
                   "subnet_ids": [s1], "security_group_ids": [g], "private_dns": true,
                   "policy": policy}),
        )
        .unwrap(),
        tags: owned("moto-vpce"),
        status: None,
    };
    let created = acct.create(&desired, "tok-vpce-1").await.unwrap();
    let id = created.id.clone().unwrap();
    assert!(id.starts_with("vpce-"), "{id}");
    assert_eq!(created.name, name);
    let seen = described(&id);
    assert_eq!(seen["policy"], policy);
    assert_eq!(seen["tags"]["Name"], json!(name));
    assert_eq!(seen["tags"]["bedrockctl:stack"], "moto-vpce");

    // Listed under its name, the Name tag kept out of the compared tags; an endpoint of
    // another service (S3 gateway, say) is not bedrockctl's business.
    boto(&format!(
        "c('ec2').create_vpc_endpoint(VpcEndpointType='Gateway', VpcId='{vpc}', ServiceName='com.amazonaws.us-east-1.s3')\nout(True)"
    ));
    let listed = acct.list(Kind::VpcEndpoint, "us-east-1").await.unwrap();
    let live = listed.iter().find(|r| r.name == name).unwrap().clone();
    assert!(!live.tags.contains_key("Name"));
    assert!(listed.iter().all(|r| {
        r.spec.to_value()["service_name"]
            .as_str()
            .unwrap()
            .contains(".bedrock")
    }));

    // Modify in place: another subnet set, no groups, a new policy, a user tag. (moto
    // 5.2.5's ModifyVpcEndpoint ignores PrivateDnsEnabled, so the private-DNS change is
    // proved on the sandbox: tests/engine_vpc_endpoints.rs.)
    let policy2 = json!({"Version": "2012-10-17", "Statement": [{"Sid": "None", "Effect": "Deny",
        "Principal": "*", "Action": "*", "Resource": "*"}]});
    let mut want = live.clone();
    want.spec = want
        .spec
        .edit(|v| {
            v["subnet_ids"] = json!([s2]);
            v["security_group_ids"] = json!([]);
            v["policy"] = policy2.clone();
        })
        .unwrap();
    want.tags.insert("team".into(), "ml".into());
    let updated = acct.update(&live, &want).await.unwrap();
    assert_eq!(updated.id.as_deref(), Some(id.as_str()));
    let seen = described(&id);
    assert_eq!(seen["subnets"], json!([s2]));
    assert_eq!(seen["groups"], json!([]));
    assert_eq!(seen["policy"], policy2);
    assert_eq!(seen["tags"]["team"], "ml");
    assert_eq!(seen["tags"]["Name"], json!(name));

    acct.delete(&updated).await.unwrap();
    let gone = acct.get(Kind::VpcEndpoint, "us-east-1", &id).await.unwrap();
    assert!(gone.is_none(), "{gone:?}");

    for r in acct.requests() {
        assert!(aws::is_loopback(&r.host), "request left loopback: {r:?}");
        assert!(
            permissions::lookup(&r.service, &r.operation).is_some(),
            "operation {}:{} is not in the permission table",
            r.service,
            r.operation
        );
    }
}
