//! Every SDK operation bedrockctl calls, with the IAM actions it needs.
//!
//! This table is the single source for the tool's own policies:
//! `policies/bedrockctl-plan.json` grants exactly the [`Access::Read`] actions and
//! `policies/bedrockctl-apply.json` exactly the `Read` and `Write` ones.
//! [`Access::Invoke`] (the `probe` command) is in neither: running plan or apply
//! never needs to invoke a model. Tests check both directions: each operation the
//! code calls is in the table (statically, from the sources, and at run time,
//! from the requests the SDK sent), and the policy files hold nothing else.

/// What kind of access an operation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads the account: plan, import, check, explain.
    Read,
    /// Changes the account: apply, destroy.
    Write,
    /// Invokes a model: probe.
    Invoke,
}

/// One SDK operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    /// The SDK's service name, as the request metadata carries it (`Bedrock`, `IAM`, …).
    pub service: &'static str,
    /// The API operation (`CreateGuardrail`).
    pub operation: &'static str,
    pub access: Access,
    /// IAM actions the call needs. The first is the operation's own action; the
    /// others are needed when the call carries tags, a boundary or a role.
    pub actions: &'static [&'static str],
}

const fn p(
    service: &'static str,
    operation: &'static str,
    access: Access,
    actions: &'static [&'static str],
) -> Permission {
    Permission {
        service,
        operation,
        access,
        actions,
    }
}

use Access::{Invoke, Read, Write};

const BR: &str = "Bedrock";
const RT: &str = "Bedrock Runtime";
const AR: &str = "Bedrock Agent Runtime";
const CW: &str = "CloudWatch";
const CT: &str = "CloudTrail";
const IAM: &str = "IAM";
const STS: &str = "STS";
const ORG: &str = "Organizations";
const EC2: &str = "EC2";

/// The table.
pub const PERMISSIONS: &[Permission] = &[
    // Bedrock: tags
    p(
        BR,
        "ListTagsForResource",
        Read,
        &["bedrock:ListTagsForResource"],
    ),
    p(BR, "TagResource", Write, &["bedrock:TagResource"]),
    p(BR, "UntagResource", Write, &["bedrock:UntagResource"]),
    // Bedrock: guardrails and versions
    p(BR, "ListGuardrails", Read, &["bedrock:ListGuardrails"]),
    p(BR, "GetGuardrail", Read, &["bedrock:GetGuardrail"]),
    // Tags on create: whether bedrock:TagResource is also checked is unconfirmed.
    p(
        BR,
        "CreateGuardrail",
        Write,
        &["bedrock:CreateGuardrail", "bedrock:TagResource"],
    ),
    p(BR, "UpdateGuardrail", Write, &["bedrock:UpdateGuardrail"]),
    p(BR, "DeleteGuardrail", Write, &["bedrock:DeleteGuardrail"]),
    p(
        BR,
        "CreateGuardrailVersion",
        Write,
        &["bedrock:CreateGuardrailVersion"],
    ),
    // Bedrock: provisioned throughput
    p(
        BR,
        "ListProvisionedModelThroughputs",
        Read,
        &["bedrock:ListProvisionedModelThroughputs"],
    ),
    p(BR, "ListCustomModels", Read, &["bedrock:ListCustomModels"]),
    p(BR, "GetCustomModel", Read, &["bedrock:GetCustomModel"]),
    p(
        BR,
        "GetProvisionedModelThroughput",
        Read,
        &["bedrock:GetProvisionedModelThroughput"],
    ),
    p(
        BR,
        "CreateProvisionedModelThroughput",
        Write,
        &[
            "bedrock:CreateProvisionedModelThroughput",
            "bedrock:TagResource",
        ],
    ),
    p(
        BR,
        "UpdateProvisionedModelThroughput",
        Write,
        &["bedrock:UpdateProvisionedModelThroughput"],
    ),
    p(
        BR,
        "DeleteProvisionedModelThroughput",
        Write,
        &["bedrock:DeleteProvisionedModelThroughput"],
    ),
    // Bedrock: application inference profiles
    p(
        BR,
        "ListInferenceProfiles",
        Read,
        &["bedrock:ListInferenceProfiles"],
    ),
    p(
        BR,
        "GetInferenceProfile",
        Read,
        &["bedrock:GetInferenceProfile"],
    ),
    p(
        BR,
        "CreateInferenceProfile",
        Write,
        &["bedrock:CreateInferenceProfile", "bedrock:TagResource"],
    ),
    p(
        BR,
        "DeleteInferenceProfile",
        Write,
        &["bedrock:DeleteInferenceProfile"],
    ),
    // Bedrock: invocation logging (the CloudWatch delivery role is passed to Bedrock)
    p(
        BR,
        "GetModelInvocationLoggingConfiguration",
        Read,
        &["bedrock:GetModelInvocationLoggingConfiguration"],
    ),
    p(
        BR,
        "PutModelInvocationLoggingConfiguration",
        Write,
        &[
            "bedrock:PutModelInvocationLoggingConfiguration",
            "iam:PassRole",
        ],
    ),
    p(
        BR,
        "DeleteModelInvocationLoggingConfiguration",
        Write,
        &["bedrock:DeleteModelInvocationLoggingConfiguration"],
    ),
    // Bedrock: models
    p(
        BR,
        "ListFoundationModels",
        Read,
        &["bedrock:ListFoundationModels"],
    ),
    p(
        BR,
        "GetFoundationModel",
        Read,
        &["bedrock:GetFoundationModel"],
    ),
    p(
        BR,
        "GetFoundationModelAvailability",
        Read,
        &["bedrock:GetFoundationModelAvailability"],
    ),
    // Bedrock: model access (issue 17). Accepting or deleting an agreement subscribes or
    // unsubscribes the account in AWS Marketplace, which needs the Marketplace actions:
    // https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html
    p(
        BR,
        "ListFoundationModelAgreementOffers",
        Read,
        &["bedrock:ListFoundationModelAgreementOffers"],
    ),
    p(
        BR,
        "CreateFoundationModelAgreement",
        Write,
        &[
            "bedrock:CreateFoundationModelAgreement",
            "aws-marketplace:Subscribe",
            "aws-marketplace:ViewSubscriptions",
        ],
    ),
    p(
        BR,
        "DeleteFoundationModelAgreement",
        Write,
        &[
            "bedrock:DeleteFoundationModelAgreement",
            "aws-marketplace:Unsubscribe",
            "aws-marketplace:ViewSubscriptions",
        ],
    ),
    p(
        BR,
        "GetUseCaseForModelAccess",
        Read,
        &["bedrock:GetUseCaseForModelAccess"],
    ),
    p(
        BR,
        "PutUseCaseForModelAccess",
        Write,
        &["bedrock:PutUseCaseForModelAccess"],
    ),
    p(
        BR,
        "ListEnforcedGuardrailsConfiguration",
        Read,
        &["bedrock:ListEnforcedGuardrailsConfiguration"],
    ),
    p(
        BR,
        "PutEnforcedGuardrailConfiguration",
        Write,
        &["bedrock:PutEnforcedGuardrailConfiguration"],
    ),
    p(
        BR,
        "DeleteEnforcedGuardrailConfiguration",
        Write,
        &["bedrock:DeleteEnforcedGuardrailConfiguration"],
    ),
    // Bedrock runtime: probe (Converse is authorized by InvokeModel)
    p(RT, "Converse", Invoke, &["bedrock:InvokeModel"]),
    p(
        RT,
        "ConverseStream",
        Invoke,
        &["bedrock:InvokeModelWithResponseStream"],
    ),
    p(RT, "InvokeModel", Invoke, &["bedrock:InvokeModel"]),
    // Bedrock agent runtime: probe --knowledge-base
    p(AR, "Retrieve", Invoke, &["bedrock:Retrieve"]),
    // CloudWatch alarms
    p(CW, "DescribeAlarms", Read, &["cloudwatch:DescribeAlarms"]),
    p(
        CW,
        "ListTagsForResource",
        Read,
        &["cloudwatch:ListTagsForResource"],
    ),
    p(
        CW,
        "PutMetricAlarm",
        Write,
        &["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"],
    ),
    p(CW, "TagResource", Write, &["cloudwatch:TagResource"]),
    p(CW, "UntagResource", Write, &["cloudwatch:UntagResource"]),
    p(CW, "DeleteAlarms", Write, &["cloudwatch:DeleteAlarms"]),
    // CloudTrail: the audit reads trails; `audit.cloudtrail: manage` owns one
    p(CT, "DescribeTrails", Read, &["cloudtrail:DescribeTrails"]),
    p(CT, "GetTrailStatus", Read, &["cloudtrail:GetTrailStatus"]),
    p(
        CT,
        "GetEventSelectors",
        Read,
        &["cloudtrail:GetEventSelectors"],
    ),
    p(CT, "ListTags", Read, &["cloudtrail:ListTags"]),
    p(
        CT,
        "CreateTrail",
        Write,
        &["cloudtrail:CreateTrail", "cloudtrail:AddTags"],
    ),
    p(CT, "UpdateTrail", Write, &["cloudtrail:UpdateTrail"]),
    p(
        CT,
        "PutEventSelectors",
        Write,
        &["cloudtrail:PutEventSelectors"],
    ),
    p(CT, "StartLogging", Write, &["cloudtrail:StartLogging"]),
    p(CT, "StopLogging", Write, &["cloudtrail:StopLogging"]),
    p(CT, "AddTags", Write, &["cloudtrail:AddTags"]),
    p(CT, "RemoveTags", Write, &["cloudtrail:RemoveTags"]),
    p(CT, "DeleteTrail", Write, &["cloudtrail:DeleteTrail"]),
    // EC2: interface VPC endpoints of the Bedrock services. Private DNS on an endpoint
    // associates the VPC with the service's private hosted zone, which needs
    // route53:AssociateVPCWithHostedZone (dependent action of ec2:CreateVpcEndpoint,
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
    p(
        EC2,
        "DescribeVpcEndpoints",
        Read,
        &["ec2:DescribeVpcEndpoints"],
    ),
    p(
        EC2,
        "CreateVpcEndpoint",
        Write,
        &[
            "ec2:CreateVpcEndpoint",
            "ec2:CreateTags",
            "route53:AssociateVPCWithHostedZone",
        ],
    ),
    p(
        EC2,
        "ModifyVpcEndpoint",
        Write,
        &[
            "ec2:ModifyVpcEndpoint",
            "route53:AssociateVPCWithHostedZone",
        ],
    ),
    p(
        EC2,
        "DeleteVpcEndpoints",
        Write,
        &["ec2:DeleteVpcEndpoints"],
    ),
    p(EC2, "CreateTags", Write, &["ec2:CreateTags"]),
    p(EC2, "DeleteTags", Write, &["ec2:DeleteTags"]),
    // IAM roles
    p(IAM, "ListRoles", Read, &["iam:ListRoles"]),
    p(IAM, "GetRole", Read, &["iam:GetRole"]),
    p(IAM, "ListRolePolicies", Read, &["iam:ListRolePolicies"]),
    p(IAM, "GetRolePolicy", Read, &["iam:GetRolePolicy"]),
    p(
        IAM,
        "ListAttachedRolePolicies",
        Read,
        &["iam:ListAttachedRolePolicies"],
    ),
    p(
        IAM,
        "ListInstanceProfilesForRole",
        Read,
        &["iam:ListInstanceProfilesForRole"],
    ),
    p(
        IAM,
        "CreateRole",
        Write,
        &[
            "iam:CreateRole",
            "iam:TagRole",
            "iam:PutRolePermissionsBoundary",
        ],
    ),
    p(IAM, "UpdateRole", Write, &["iam:UpdateRole"]),
    p(
        IAM,
        "UpdateAssumeRolePolicy",
        Write,
        &["iam:UpdateAssumeRolePolicy"],
    ),
    p(IAM, "PutRolePolicy", Write, &["iam:PutRolePolicy"]),
    p(IAM, "DeleteRolePolicy", Write, &["iam:DeleteRolePolicy"]),
    p(IAM, "AttachRolePolicy", Write, &["iam:AttachRolePolicy"]),
    p(IAM, "DetachRolePolicy", Write, &["iam:DetachRolePolicy"]),
    p(
        IAM,
        "PutRolePermissionsBoundary",
        Write,
        &["iam:PutRolePermissionsBoundary"],
    ),
    p(
        IAM,
        "DeleteRolePermissionsBoundary",
        Write,
        &["iam:DeleteRolePermissionsBoundary"],
    ),
    p(IAM, "TagRole", Write, &["iam:TagRole"]),
    p(IAM, "UntagRole", Write, &["iam:UntagRole"]),
    p(
        IAM,
        "RemoveRoleFromInstanceProfile",
        Write,
        &["iam:RemoveRoleFromInstanceProfile"],
    ),
    p(IAM, "DeleteRole", Write, &["iam:DeleteRole"]),
    // IAM customer managed policies
    p(IAM, "ListPolicies", Read, &["iam:ListPolicies"]),
    p(IAM, "GetPolicy", Read, &["iam:GetPolicy"]),
    p(IAM, "GetPolicyVersion", Read, &["iam:GetPolicyVersion"]),
    p(IAM, "ListPolicyVersions", Read, &["iam:ListPolicyVersions"]),
    p(
        IAM,
        "CreatePolicy",
        Write,
        &["iam:CreatePolicy", "iam:TagPolicy"],
    ),
    p(
        IAM,
        "CreatePolicyVersion",
        Write,
        &["iam:CreatePolicyVersion"],
    ),
    p(
        IAM,
        "DeletePolicyVersion",
        Write,
        &["iam:DeletePolicyVersion"],
    ),
    p(IAM, "TagPolicy", Write, &["iam:TagPolicy"]),
    p(IAM, "UntagPolicy", Write, &["iam:UntagPolicy"]),
    p(IAM, "DeletePolicy", Write, &["iam:DeletePolicy"]),
    // IAM principals (explain, check) and the simulator
    p(IAM, "GetUser", Read, &["iam:GetUser"]),
    p(IAM, "ListUserPolicies", Read, &["iam:ListUserPolicies"]),
    p(IAM, "GetUserPolicy", Read, &["iam:GetUserPolicy"]),
    p(
        IAM,
        "ListAttachedUserPolicies",
        Read,
        &["iam:ListAttachedUserPolicies"],
    ),
    p(IAM, "ListGroupsForUser", Read, &["iam:ListGroupsForUser"]),
    p(IAM, "ListGroupPolicies", Read, &["iam:ListGroupPolicies"]),
    p(IAM, "GetGroupPolicy", Read, &["iam:GetGroupPolicy"]),
    p(
        IAM,
        "ListAttachedGroupPolicies",
        Read,
        &["iam:ListAttachedGroupPolicies"],
    ),
    p(
        IAM,
        "SimulatePrincipalPolicy",
        Read,
        &["iam:SimulatePrincipalPolicy"],
    ),
    // STS (GetCallerIdentity needs no grant, but listing it keeps the table complete)
    p(STS, "GetCallerIdentity", Read, &["sts:GetCallerIdentity"]),
    // Organizations (read-only)
    p(
        ORG,
        "DescribeOrganization",
        Read,
        &["organizations:DescribeOrganization"],
    ),
    p(ORG, "ListParents", Read, &["organizations:ListParents"]),
    p(
        ORG,
        "ListPoliciesForTarget",
        Read,
        &["organizations:ListPoliciesForTarget"],
    ),
    p(
        ORG,
        "DescribePolicy",
        Read,
        &["organizations:DescribePolicy"],
    ),
];

/// The entry of one SDK operation.
pub fn lookup(service: &str, operation: &str) -> Option<&'static Permission> {
    PERMISSIONS
        .iter()
        .find(|p| p.service == service && p.operation == operation)
}

/// The client accessor in this module's sources (`acct.bedrock(region)?`) → SDK service.
pub fn service_of_accessor(accessor: &str) -> Option<&'static str> {
    match accessor {
        "bedrock" => Some(BR),
        "runtime" => Some(RT),
        "agent_runtime" => Some(AR),
        "cloudwatch" => Some(CW),
        "cloudtrail" => Some(CT),
        "ec2" => Some(EC2),
        "iam" => Some(IAM),
        "sts" => Some(STS),
        "organizations" => Some(ORG),
        _ => None,
    }
}

/// Sorted, deduplicated IAM actions of the given access levels.
pub fn actions(levels: &[Access]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = PERMISSIONS
        .iter()
        .filter(|p| levels.contains(&p.access))
        .flat_map(|p| p.actions.iter().copied())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
