//! The sandbox's `vpc_endpoint` kind: EC2's id shapes, services, quotas, private-DNS
//! conflicts and error codes; `pending` → `available`; ModifyVpcEndpoint in place only.

use super::*;

fn spec(vpc: &str, service: &str, dns: bool) -> serde_json::Value {
    json!({"vpc_id": vpc, "service_name": format!("com.amazonaws.us-east-1.{service}"),
           "subnet_ids": ["subnet-0a1b2c3d4e5f60718"], "security_group_ids": ["sg-0a1b2c3d"],
           "private_dns": dns})
}

const VPC: &str = "vpc-0a1b2c3d4e5f60718";

#[tokio::test]
async fn endpoints_become_available_and_modify_in_place() {
    let (_d, sb) = sandbox_with(Options {
        pt_ready_ms: 100,
        today: Some("2026-01-15".into()),
        ..Options::default()
    });
    let ep = sb
        .create(
            &res(
                Kind::VpcEndpoint,
                R,
                "p/bedrock-runtime",
                spec(VPC, "bedrock-runtime", true),
            ),
            "",
        )
        .await
        .unwrap();
    let id = ep.id.clone().unwrap();
    assert!(crate::vocab::vpc_endpoint::ec2_id_ok(&id, "vpce"), "{id}");
    assert_eq!(ep.status.as_deref(), Some("pending"));
    let sb = later(&sb, 150);
    let live = sb.get(Kind::VpcEndpoint, R, &id).await.unwrap().unwrap();
    assert_eq!(live.status.as_deref(), Some("available"));

    // Subnets, groups, DNS and policy change in place; lists are kept sorted.
    let mut want = live.clone();
    want.spec = want
        .spec
        .edit(|v| {
            v["subnet_ids"] = json!(["subnet-1a1b2c3d", "subnet-0a1b2c3d"]);
            v["private_dns"] = json!(false);
            v["policy"] = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]});
        })
        .unwrap();
    let after = sb.update(&live, &want).await.unwrap();
    assert_eq!(after.id.as_deref(), Some(id.as_str()));
    assert_eq!(
        after.spec.to_value()["subnet_ids"],
        json!(["subnet-0a1b2c3d", "subnet-1a1b2c3d"])
    );
    assert_eq!(after.spec.to_value()["private_dns"], false);

    // The VPC and the service are fixed.
    let mut moved = after.clone();
    moved.spec = moved
        .spec
        .edit(|v| v["vpc_id"] = json!("vpc-1a1b2c3d"))
        .unwrap();
    let e = err(sb.update(&after, &moved)).await;
    assert_eq!(e.code, "InvalidParameter");
    let mut other = after.clone();
    other.spec = other
        .spec
        .edit(|v| v["service_name"] = json!("com.amazonaws.us-east-1.bedrock"))
        .unwrap();
    assert_eq!(
        err(sb.update(&after, &other)).await.code,
        "InvalidParameter"
    );

    sb.delete(&after).await.unwrap();
    assert!(sb.get(Kind::VpcEndpoint, R, &id).await.unwrap().is_none());
    let gone = sb.delete(&after).await.unwrap_err();
    assert_eq!(gone.code, "InvalidVpcEndpointId.NotFound");
    assert!(gone.is_not_found());
}

#[tokio::test]
async fn ec2_rules_and_codes() {
    let (_d, sb) = sandbox();
    let create = |name: &str, s: serde_json::Value| res(Kind::VpcEndpoint, R, name, s);
    let code = |e: AccountError| e.code;
    assert_eq!(
        code(err(sb.create(&create("a", spec("vpc-xyz", "bedrock-runtime", false)), "")).await),
        "InvalidVpcId.Malformed"
    );
    let mut bad_subnet = spec(VPC, "bedrock-runtime", false);
    bad_subnet["subnet_ids"] = json!(["subnet-nothex!"]);
    assert_eq!(
        code(err(sb.create(&create("a", bad_subnet), "")).await),
        "InvalidSubnetID.Malformed"
    );
    let mut bad_group = spec(VPC, "bedrock-runtime", false);
    bad_group["security_group_ids"] = json!(["group-1"]);
    assert_eq!(
        code(err(sb.create(&create("a", bad_group), "")).await),
        "InvalidGroupId.Malformed"
    );
    assert_eq!(
        code(err(sb.create(&create("a", spec(VPC, "s3", false)), "")).await),
        "InvalidServiceName"
    );
    let mut huge = spec(VPC, "bedrock-runtime", false);
    huge["policy"] = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*",
        "Resource": (0..2000).map(|i| format!("arn:aws:bedrock:us-east-1::foundation-model/m{i}")).collect::<Vec<_>>()}]});
    assert_eq!(
        code(err(sb.create(&create("a", huge), "")).await),
        "InvalidParameter"
    );

    // One private-DNS endpoint per service and VPC.
    sb.create(
        &create("a/bedrock-runtime", spec(VPC, "bedrock-runtime", true)),
        "",
    )
    .await
    .unwrap();
    let e = err(sb.create(
        &create("b/bedrock-runtime", spec(VPC, "bedrock-runtime", true)),
        "",
    ))
    .await;
    assert_eq!(e.code, "InvalidParameter");
    assert!(
        e.message
            .contains("conflicting DNS domain for bedrock-runtime.us-east-1.amazonaws.com"),
        "{e}"
    );
    // Without private DNS, or in another VPC, it is fine.
    sb.create(
        &create("b/bedrock-runtime", spec(VPC, "bedrock-runtime", false)),
        "",
    )
    .await
    .unwrap();
    sb.create(
        &create(
            "c/bedrock-runtime",
            spec("vpc-1a1b2c3d", "bedrock-runtime", true),
        ),
        "",
    )
    .await
    .unwrap();

    // 50 interface endpoints per VPC.
    for i in 2..50 {
        sb.create(&create(&format!("n{i}"), spec(VPC, "bedrock", false)), "")
            .await
            .unwrap();
    }
    let e = err(sb.create(&create("n50", spec(VPC, "bedrock", false)), "")).await;
    assert_eq!(e.code, "VpcEndpointLimitExceeded");
}
