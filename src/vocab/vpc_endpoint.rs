//! Interface VPC endpoints of the Bedrock services: the endpoint services, EC2's quotas
//! and id shapes, shared by config validation, the sandbox and the AWS account so all
//! accept what EC2 accepts.

/// The Bedrock endpoint services (vpc-interface-endpoints.html, "Endpoint suffix",
/// https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html).
pub const SERVICES: &[&str] = &[
    "bedrock",
    "bedrock-runtime",
    "bedrock-agent",
    "bedrock-agent-runtime",
];

/// `com.amazonaws.REGION.SERVICE`, the endpoint service name of a Bedrock service.
pub fn service_name(region: &str, service: &str) -> String {
    format!("com.amazonaws.{region}.{service}")
}

/// Interface and Gateway Load Balancer endpoints per VPC (default quota), and
/// characters per VPC endpoint policy, white space included (not adjustable):
/// https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html
pub const MAX_PER_VPC: usize = 50;
pub const MAX_POLICY_CHARS: usize = 20_480;

/// `prefix-` followed by 8 or 17 lowercase hex digits, as EC2 ids are.
pub fn ec2_id_ok(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(|h| {
            matches!(h.len(), 8 | 17)
                && h.chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
}
