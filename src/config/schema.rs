//! JSON Schema of bedrock.yaml for editors (`bedrockctl schema`).
//!
//! These types mirror the YAML shape only to describe it; decoding uses the spanned
//! decoder. A test checks that both accept the same keys.

use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// bedrockctl configuration: the Bedrock models, resources and access a stack needs.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ConfigSchema {
    /// Config format version; always 1.
    version: u32,
    /// Stack name, stored on every resource as the `bedrockctl:stack` tag.
    stack: String,
    /// The account: an optional id pin and the regions used (optional; without it,
    /// the regions the file uses).
    account: Option<AccountSchema>,
    /// Foundation models that must be usable, where and how.
    models: Option<Vec<ModelSchema>>,
    provisioned_throughput: Option<Vec<PtSchema>>,
    guardrails: Option<Vec<GuardrailSchema>>,
    inference_profiles: Option<Vec<ProfileSchema>>,
    invocation_logging: Option<Vec<LoggingSchema>>,
    alarms: Option<Vec<AlarmSchema>>,
    /// Interface VPC endpoints of the Bedrock services, one per service.
    vpc_endpoints: Option<Vec<VpcEndpointSchema>>,
    iam: Option<IamSchema>,
    organization: Option<OrganizationSchema>,
    access_checks: Option<Vec<CheckSchema>>,
    /// Batch inference service roles, generated from their S3 locations and models.
    batch_roles: Option<Vec<BatchRoleSchema>>,
    /// CloudTrail coverage of the Bedrock calls this config makes (docs/audit.md).
    audit: Option<AuditSchema>,
    /// Let `apply` accept the agreement offers of `access: manage` models (a legal act;
    /// without it a plan that would accept one is refused).
    accept_agreements: Option<bool>,
    /// `destroy` also deletes the agreements of this config's `access: manage` models
    /// (by default they stay: they belong to the account).
    revoke_agreements_on_destroy: Option<bool>,
    /// The Anthropic use-case form (the `PutUseCaseForModelAccess` body), submitted once
    /// per account when an `access: manage` Anthropic model needs it.
    use_case: Option<UseCaseSchema>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct UseCaseSchema {
    /// JSON file with companyName, companyWebsite, intendedUsers, industryOption,
    /// otherIndustryOption and useCases (strings), 10 to 16,384 bytes.
    file: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Access {
    /// Report readiness and the fix (default).
    Check,
    /// Accept the agreement offers and submit the use-case form, then wait until the
    /// model is available.
    Manage,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Enforce {
    /// The account-level enforced guardrail configuration in each of the guardrail's
    /// regions (needs `publish_version: true`).
    Account,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct AuditSchema {
    /// `require`: plan and check report trails that do not record the config's calls;
    /// `manage`: the stack owns a trail that does (and reports as `require`).
    cloudtrail: CloudTrailMode,
    /// The trail `manage` owns (required with `manage`, refused with `require`).
    trail: Option<AuditTrailSchema>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum CloudTrailMode {
    Require,
    Manage,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct AuditTrailSchema {
    /// Trail name (CreateTrail rules: 3-128 of `[A-Za-z0-9._-]`).
    #[schemars(length(min = 3, max = 128))]
    name: String,
    /// The trail's home region; the trail is multi-region.
    region: String,
    /// S3 bucket the trail delivers to (it must exist and allow CloudTrail to write).
    #[schemars(length(min = 3, max = 63))]
    bucket: String,
    /// S3 key prefix.
    #[schemars(length(max = 200))]
    prefix: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct BatchRoleSchema {
    /// The IAM role name.
    name: String,
    /// `s3://BUCKET/PREFIX` the jobs read.
    input: String,
    /// `s3://BUCKET/PREFIX` the jobs write.
    output: String,
    /// A KMS key ARN the jobs use.
    kms_key: Option<String>,
    /// Models the jobs invoke (ids or system profile ids).
    models: Vec<String>,
    /// Regions the jobs run in; default `account.regions`.
    regions: Option<Vec<String>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct AccountSchema {
    /// 12-digit account id; apply refuses any other account.
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    id: Option<String>,
    /// Every region used in this file (when written, every region used must be listed).
    regions: Option<Vec<String>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Via {
    OnDemand,
    InferenceProfile,
    Provisioned,
    Batch,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ModelSchema {
    /// Foundation model id, e.g. `anthropic.claude-haiku-4-5-20251001-v1:0`.
    id: String,
    regions: Vec<String>,
    via: Option<Via>,
    /// `check` (default) reports readiness; `manage` makes the model available.
    access: Option<Access>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Commitment {
    None,
    OneMonth,
    SixMonths,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PtSchema {
    #[schemars(length(min = 1, max = 63))]
    name: String,
    region: String,
    /// Purchase id (model + context length), e.g. `amazon.nova-lite-v1:0:24k`.
    model: String,
    #[schemars(range(min = 1))]
    model_units: u32,
    commitment: Option<Commitment>,
    prevent_destroy: Option<bool>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)]
enum FilterType {
    Sexual,
    Violence,
    Hate,
    Insults,
    Misconduct,
    PromptAttack,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)]
enum Strength {
    None,
    Low,
    Medium,
    High,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)]
enum PiiAction {
    Block,
    Anonymize,
    None,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct GuardrailSchema {
    #[schemars(length(min = 1, max = 50), regex(pattern = r"^[0-9a-zA-Z_-]+$"))]
    name: String,
    regions: Vec<String>,
    #[schemars(length(min = 1, max = 200))]
    description: Option<String>,
    #[schemars(length(min = 1, max = 500))]
    blocked_input_message: String,
    #[schemars(length(min = 1, max = 500))]
    blocked_output_message: String,
    #[schemars(length(max = 6))]
    content_filters: Option<Vec<FilterSchema>>,
    #[schemars(length(max = 30))]
    denied_topics: Option<Vec<TopicSchema>>,
    words: Option<WordsSchema>,
    pii: Option<Vec<PiiSchema>>,
    #[schemars(length(max = 10))]
    regexes: Option<Vec<RegexSchema>>,
    contextual_grounding: Option<GroundingSchema>,
    /// Create a numbered version whenever the draft changes.
    publish_version: Option<bool>,
    /// When publishing a version would pass the quota of 20 versions, delete the oldest
    /// versions first (default true); false leaves them and warns instead.
    prune_versions: Option<bool>,
    prevent_destroy: Option<bool>,
    tags: Option<BTreeMap<String, String>>,
    /// `account`: enforce this guardrail on every model invocation of the account.
    enforce: Option<Enforce>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct FilterSchema {
    r#type: FilterType,
    input: Strength,
    output: Strength,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct TopicSchema {
    #[schemars(length(min = 1, max = 100))]
    name: String,
    #[schemars(length(min = 1, max = 200))]
    definition: String,
    #[schemars(length(max = 5))]
    examples: Option<Vec<String>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WordsSchema {
    managed: Option<Vec<String>>,
    #[schemars(length(max = 10000))]
    custom: Option<Vec<String>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PiiSchema {
    /// A Bedrock PII entity type, e.g. `EMAIL`.
    r#type: String,
    action: PiiAction,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RegexSchema {
    name: String,
    pattern: String,
    action: PiiAction,
    description: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct GroundingSchema {
    #[schemars(range(min = 0.0, max = 0.99))]
    grounding: Option<f64>,
    #[schemars(range(min = 0.0, max = 0.99))]
    relevance: Option<f64>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ProfileSchema {
    #[schemars(length(min = 1, max = 64))]
    name: String,
    region: String,
    /// Model id, system profile id, or an ARN of either.
    copy_from: String,
    description: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    prevent_destroy: Option<bool>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct LoggingSchema {
    region: String,
    cloudwatch: Option<CloudWatchSchema>,
    s3: Option<S3Schema>,
    /// text | image | embedding | video | audio
    data: Option<Vec<String>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CloudWatchSchema {
    log_group: String,
    /// A role of this config (by name) or a role ARN.
    role: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct S3Schema {
    bucket: String,
    prefix: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct AlarmSchema {
    name: String,
    region: String,
    /// A metric of the `AWS/Bedrock` namespace, e.g. `InvocationThrottles`.
    metric: String,
    /// Only this model (the `ModelId` dimension); all models without it.
    model: Option<String>,
    /// SampleCount | Average | Sum | Minimum | Maximum
    statistic: String,
    /// Seconds: 10, 20, 30 or a multiple of 60.
    period: u32,
    evaluation_periods: Option<u32>,
    threshold: f64,
    comparison: String,
    actions: Option<Vec<String>>,
    description: Option<String>,
    prevent_destroy: Option<bool>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct VpcEndpointSchema {
    /// The entry's name; each endpoint is named `NAME/SERVICE` (its `Name` tag).
    name: String,
    region: String,
    #[schemars(regex(pattern = r"^vpc-([0-9a-f]{8}|[0-9a-f]{17})$"))]
    vpc_id: String,
    /// At least one; one network interface per subnet.
    subnet_ids: Vec<String>,
    security_group_ids: Option<Vec<String>>,
    /// One interface endpoint per service.
    services: Vec<EndpointService>,
    /// Private DNS names for the services in the VPC (default true).
    private_dns: Option<bool>,
    /// The endpoint policy; without it the service's default (full access).
    policy: Option<EndpointPolicySchema>,
    tags: Option<BTreeMap<String, String>>,
    prevent_destroy: Option<bool>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum EndpointService {
    BedrockRuntime,
    Bedrock,
    BedrockAgentRuntime,
    BedrockAgent,
}

/// `{ file: PATH }` (the document as written) or `{ roles: [ROLE, …] }` (generated from
/// those roles' grants, least privilege).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct EndpointPolicySchema {
    file: Option<String>,
    roles: Option<Vec<String>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct IamSchema {
    policies: Option<Vec<PolicySchema>>,
    roles: Option<Vec<RoleSchema>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PolicySchema {
    name: String,
    /// Path of the policy JSON, relative to this file.
    file: String,
    description: Option<String>,
    prevent_destroy: Option<bool>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RoleSchema {
    #[schemars(length(min = 1, max = 64))]
    name: String,
    /// Path of the trust policy JSON, relative to this file.
    assume_role_policy: String,
    /// A policy of this config (by name) or a policy ARN.
    permissions_boundary: Option<String>,
    policies: Option<Vec<RolePolicySchema>>,
    description: Option<String>,
    max_session_duration: Option<u32>,
    tags: Option<BTreeMap<String, String>>,
    prevent_destroy: Option<bool>,
}

/// Exactly one of `file`, `grants` or `managed`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RolePolicySchema {
    file: Option<String>,
    grants: Option<Vec<GrantSchema>>,
    managed: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct GrantSchema {
    /// Model ids or system profile ids (optional with `profile`).
    invoke: Option<Vec<String>>,
    /// Optional with `profile` (its region).
    regions: Option<Vec<String>>,
    via: Option<Via>,
    streaming: Option<bool>,
    /// A guardrail of this config (by name) or a guardrail ARN: the role may apply it.
    guardrail: Option<String>,
    /// Deny invoke requests that do not name the grant's guardrail.
    require_guardrail: Option<bool>,
    /// VPC endpoint ids (`vpce-…`) or names of `vpc_endpoints` entries (their ids).
    source_vpce: Option<StringOrList>,
    batch_role: Option<String>,
    /// A `provisioned_throughput` entry of this config: invoke through its ARN only.
    provisioned: Option<String>,
    /// An `inference_profiles` entry of this config: its ARN and the models it routes to.
    profile: Option<String>,
    /// Agent aliases the caller may invoke (InvokeAgent): alias ARNs or `AGENT_ID/ALIAS_ID`.
    agent: Option<Vec<String>>,
    /// Knowledge bases the caller may query (Retrieve): ids or ARNs.
    knowledge_base: Option<Vec<String>>,
    /// With `knowledge_base`: RetrieveAndGenerate with this model (and its invoke).
    generate_with: Option<String>,
    /// Start batch inference jobs with this service role (`via: batch`).
    batch: Option<BatchSchema>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct BatchSchema {
    /// A role of this config (by name) or a role ARN: the role Bedrock assumes.
    role: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct OrganizationSchema {
    management_account: Option<bool>,
    /// SCP files per level: root first, then each OU, then the account.
    scps: Option<Vec<Vec<String>>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Expect {
    Allow,
    Deny,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CheckSchema {
    /// `role/NAME` of this config, or a principal ARN.
    principal: String,
    action: String,
    model: String,
    region: String,
    expect: Expect,
    context: Option<BTreeMap<String, serde_json::Value>>,
    /// A `vpc_endpoints` entry the request is sent through: its id in `aws:SourceVpce`,
    /// its policy evaluated too.
    through: Option<String>,
    /// A batch job: the caller starts it with this service role, reading `input` and
    /// writing `output` (action `bedrock:CreateModelInvocationJob`).
    batch: Option<BatchCheckSchema>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct BatchCheckSchema {
    role: String,
    input: String,
    output: String,
}

/// One value or a list of them.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum StringOrList {
    One(String),
    Many(Vec<String>),
}

/// The schema as pretty JSON.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ConfigSchema);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::yaml;
    use crate::span::{SourceFile, SourceId};

    fn accepts(text: &str) -> Result<(), String> {
        let f = SourceFile::new("t.yaml", text);
        let root = yaml::parse(&f, SourceId(0))
            .map_err(|d| d.message)?
            .ok_or("empty")?;
        serde_json::from_value::<ConfigSchema>(yaml::to_json(&root))
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn schema_accepts_every_example_and_the_starter() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("src/cli/templates/starter.yaml")];
        for e in std::fs::read_dir(root.join("examples")).unwrap() {
            let p = e.unwrap().path().join("bedrock.yaml");
            if p.exists() {
                files.push(p);
            }
        }
        assert!(files.len() >= 2);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            accepts(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        }
    }

    #[test]
    fn schema_rejects_unknown_keys_like_the_decoder() {
        let base = "version: 1\nstack: t\naccount: {regions: [us-east-1]}\n";
        assert!(accepts(base).is_ok());
        assert!(accepts(&format!("{base}model: []\n")).is_err());
        assert!(accepts(&format!("{base}guardrails:\n  - name: g\n    regions: [us-east-1]\n    blocked_input_message: a\n    blocked_output_message: b\n    colour: red\n")).is_err());
    }
}
