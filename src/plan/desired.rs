//! Config → the resources it wants, in the canonical spec shape of each kind.
//!
//! Names from the config are turned into what the service stores: a `copy_from` id into
//! the foundation-model or system-profile ARN, a role or policy name into its ARN, a
//! model into an alarm's `ModelId` dimension, `grants:` into a generated inline policy.
//! Every taggable resource gets the ownership tags (and `bedrockctl:prevent-destroy`).

use super::scope::Scope;
use crate::account::spec::{
    AlarmSpec, CloudWatchLoggingSpec, ContentFilterSpec, GuardrailSpec, GuardrailVersionSpec,
    IamPolicySpec, IamRoleSpec, InferenceProfileSpec, InvocationLoggingSpec, PiiSpec,
    ProvisionedThroughputSpec, RegexSpec, S3LoggingSpec, TopicSpec,
};
use crate::account::{
    Kind, Resource, GLOBAL, TAG_MANAGED_BY, TAG_MANAGED_BY_VALUE, TAG_PREVENT_DESTROY, TAG_STACK,
};
use crate::catalog::catalog;
use crate::config::{Config, RolePolicy};
use crate::policy::arn::{policy_arn, role_arn};
use crate::policy::generate::batch_role_documents;
use crate::policy::{grants_document_with, logging_document, StackRefs};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// What a config wants, and what it is allowed to read and touch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Desired {
    pub scope: Scope,
    pub resources: Vec<Resource>,
    /// `resources` are already in normalized form (see [`Desired::normalize`]).
    pub normalized: bool,
}

impl Desired {
    pub fn stack(&self) -> &str {
        &self.scope.stack
    }

    /// Normalize every resource now, e.g. while the account is still being read, so
    /// the diff does not have to.
    pub fn normalize(&mut self) {
        if !self.normalized {
            for r in &mut self.resources {
                *r = super::diff::normalized(r);
            }
            self.normalized = true;
        }
    }
}

/// Build the desired resources of every managed kind. `account_id` is the live account's
/// (ARNs of roles, policies and system profiles are account-qualified).
///
/// A grant that names a resource of the stack refers to it by a placeholder of its
/// address (`policy::refs`); the diff puts in the live ARN, apply the created one.
pub fn desired(cfg: &Config, account_id: &str) -> Desired {
    let refs = StackRefs::pending(cfg);
    let scope = Scope::from_config(cfg);
    let stack = scope.stack.clone();
    let mut out = Vec::new();
    let mut push = |kind: Kind,
                    region: &str,
                    name: &str,
                    spec: serde_json::Value,
                    tags: BTreeMap<String, String>| {
        out.push(Resource {
            kind,
            region: region.to_string(),
            name: name.to_string(),
            id: None,
            spec,
            tags,
            status: None,
        });
    };

    for pt in cfg.provisioned_throughput.iter().flatten() {
        let spec = ProvisionedThroughputSpec {
            model_id: pt.model.value.clone(),
            model_units: pt.model_units.value,
            commitment: pt.commitment.value.as_str().to_string(),
            commitment_expiration: None,
        };
        push(
            Kind::ProvisionedThroughput,
            &pt.region.value,
            &pt.name.value,
            to_json(&spec),
            owned_tags(&stack, &pt.tags, pt.prevent_destroy),
        );
    }

    for g in cfg.guardrails.iter().flatten() {
        let spec = GuardrailSpec {
            description: g.description.as_ref().map(|d| d.value.clone()),
            blocked_input_message: g.blocked_input_message.value.clone(),
            blocked_output_message: g.blocked_output_message.value.clone(),
            content_filters: g
                .content_filters
                .iter()
                .map(|f| ContentFilterSpec {
                    r#type: f.r#type.value.clone(),
                    input: f.input.value.clone(),
                    output: f.output.value.clone(),
                })
                .collect(),
            denied_topics: g
                .denied_topics
                .iter()
                .map(|t| TopicSpec {
                    name: t.name.value.clone(),
                    definition: t.definition.value.clone(),
                    examples: t.examples.iter().map(|e| e.value.clone()).collect(),
                })
                .collect(),
            managed_words: g
                .words
                .iter()
                .flat_map(|w| w.managed.iter().map(|x| x.value.clone()))
                .collect(),
            custom_words: g
                .words
                .iter()
                .flat_map(|w| w.custom.iter().map(|x| x.value.clone()))
                .collect(),
            pii: g
                .pii
                .iter()
                .map(|p| PiiSpec {
                    r#type: p.r#type.value.clone(),
                    action: p.action.value.clone(),
                })
                .collect(),
            regexes: g
                .regexes
                .iter()
                .map(|r| RegexSpec {
                    name: r.name.value.clone(),
                    pattern: r.pattern.value.clone(),
                    action: r.action.value.clone(),
                    description: r.description.as_ref().map(|d| d.value.clone()),
                })
                .collect(),
            grounding_threshold: g
                .contextual_grounding
                .as_ref()
                .and_then(|c| c.grounding.as_ref().map(|x| x.value)),
            relevance_threshold: g
                .contextual_grounding
                .as_ref()
                .and_then(|c| c.relevance.as_ref().map(|x| x.value)),
            publish_version: g.publish_version,
        };
        let tags = owned_tags(&stack, &g.tags, g.prevent_destroy);
        for region in &g.regions {
            push(
                Kind::Guardrail,
                &region.value,
                &g.name.value,
                to_json(&spec),
                tags.clone(),
            );
            if g.publish_version {
                // The version number is the service's; the diff matches versions by content.
                let v = GuardrailVersionSpec {
                    guardrail: g.name.value.clone(),
                    version: String::new(),
                    snapshot: spec.clone(),
                };
                push(
                    Kind::GuardrailVersion,
                    &region.value,
                    &g.name.value,
                    to_json(&v),
                    owned_tags(&stack, &BTreeMap::new(), false),
                );
            }
        }
    }

    for p in cfg.inference_profiles.iter().flatten() {
        let spec = InferenceProfileSpec {
            copy_from: copy_from_arn(account_id, &p.region.value, &p.copy_from.value),
            description: p.description.as_ref().map(|d| d.value.clone()),
        };
        push(
            Kind::InferenceProfile,
            &p.region.value,
            &p.name.value,
            to_json(&spec),
            owned_tags(&stack, &p.tags, p.prevent_destroy),
        );
    }

    for l in cfg.invocation_logging.iter().flatten() {
        let has = |d: &str| l.data.iter().any(|x| x.value == d);
        let spec = InvocationLoggingSpec {
            cloudwatch: l.cloudwatch.as_ref().map(|c| CloudWatchLoggingSpec {
                log_group: c.log_group.value.clone(),
                role_arn: role_arn(account_id, &c.role.value),
            }),
            s3: l.s3.as_ref().map(|s| S3LoggingSpec {
                bucket: s.bucket.value.clone(),
                prefix: s.prefix.as_ref().map(|p| p.value.clone()),
            }),
            text: has("text"),
            image: has("image"),
            embedding: has("embedding"),
            video: has("video"),
            audio: has("audio"),
        };
        // Untaggable: ownership comes from the config declaring the region.
        push(
            Kind::InvocationLogging,
            &l.region.value,
            "default",
            to_json(&spec),
            BTreeMap::new(),
        );
    }

    for a in cfg.alarms.iter().flatten() {
        let mut dimensions = BTreeMap::new();
        if let Some(m) = &a.model {
            dimensions.insert("ModelId".to_string(), m.value.clone());
        }
        let spec = AlarmSpec {
            namespace: "AWS/Bedrock".to_string(),
            metric: a.metric.value.clone(),
            dimensions,
            statistic: a.statistic.value.clone(),
            period: a.period.value,
            evaluation_periods: a.evaluation_periods.value,
            threshold: a.threshold.value,
            comparison: a.comparison.value.clone(),
            actions: a.actions.iter().map(|x| x.value.clone()).collect(),
            description: a.description.as_ref().map(|d| d.value.clone()),
        };
        push(
            Kind::Alarm,
            &a.region.value,
            &a.name.value,
            to_json(&spec),
            owned_tags(&stack, &BTreeMap::new(), a.prevent_destroy),
        );
    }

    if let Some(iam) = &cfg.iam {
        for p in iam.policies.iter().flatten() {
            let spec = IamPolicySpec {
                document: p.file.document.clone(),
                description: p.description.as_ref().map(|d| d.value.clone()),
            };
            push(
                Kind::IamPolicy,
                GLOBAL,
                &p.name.value,
                to_json(&spec),
                owned_tags(&stack, &BTreeMap::new(), p.prevent_destroy),
            );
        }
        for r in iam.roles.iter().flatten() {
            let mut inline = BTreeMap::new();
            let mut managed = Vec::new();
            let mut grant_blocks = 0usize;
            for pol in &r.policies {
                match pol {
                    RolePolicy::File(f) => {
                        inline.insert(policy_name_of(&f.path.value), f.document.clone());
                    }
                    RolePolicy::Grants { grants, .. } => {
                        let name = if grant_blocks == 0 {
                            "bedrockctl-grants".to_string()
                        } else {
                            format!("bedrockctl-grants-{grant_blocks}")
                        };
                        grant_blocks += 1;
                        inline.insert(name, grants_document_with(cfg, grants, account_id, &refs));
                    }
                    RolePolicy::Managed(m) => managed.push(policy_arn(account_id, &m.value)),
                }
            }
            // The delivery role of invocation logging writes to exactly its log groups.
            if let Some(doc) = logging_document(cfg, &r.name.value, account_id) {
                inline.insert("bedrockctl-logging".to_string(), doc);
            }
            let spec = IamRoleSpec {
                assume_role_policy: r.assume_role_policy.document.clone(),
                permissions_boundary: r
                    .permissions_boundary
                    .as_ref()
                    .map(|b| policy_arn(account_id, &b.value)),
                inline_policies: inline,
                managed_policies: managed,
                description: r.description.as_ref().map(|d| d.value.clone()),
                max_session_duration: r.max_session_duration.as_ref().map(|m| m.value),
            };
            push(
                Kind::IamRole,
                GLOBAL,
                &r.name.value,
                to_json(&spec),
                owned_tags(&stack, &r.tags, r.prevent_destroy),
            );
        }
    }

    for b in &cfg.batch_roles {
        let (trust, policy) = batch_role_documents(cfg, b, account_id);
        let spec = IamRoleSpec {
            assume_role_policy: trust,
            permissions_boundary: None,
            inline_policies: BTreeMap::from([("bedrockctl-batch".to_string(), policy)]),
            managed_policies: Vec::new(),
            description: Some(
                "Bedrock batch inference service role (bedrockctl batch_roles)".into(),
            ),
            max_session_duration: None,
        };
        push(
            Kind::IamRole,
            GLOBAL,
            &b.name.value,
            to_json(&spec),
            owned_tags(&stack, &BTreeMap::new(), false),
        );
    }

    out.extend(super::desired_vpce::vpc_endpoints(
        cfg, account_id, &stack, &refs,
    ));
    out.sort_by(|a, b| (a.kind, &a.region, &a.name).cmp(&(b.kind, &b.region, &b.name)));
    Desired {
        scope,
        resources: out,
        normalized: false,
    }
}

/// Ownership tags plus the user's, with the prevent-destroy marker when asked for.
pub fn owned_tags(
    stack: &str,
    user: &BTreeMap<String, String>,
    prevent_destroy: bool,
) -> BTreeMap<String, String> {
    let mut t = user.clone();
    t.insert(TAG_MANAGED_BY.to_string(), TAG_MANAGED_BY_VALUE.to_string());
    t.insert(TAG_STACK.to_string(), stack.to_string());
    if prevent_destroy {
        t.insert(TAG_PREVENT_DESTROY.to_string(), "true".to_string());
    }
    t
}

/// Inline policy name for a policy file: its file stem (`policies/x.json` → `x`).
fn policy_name_of(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// A `copy_from` id as the ARN the service stores: a system profile id becomes the
/// account's profile ARN, anything else a foundation-model ARN.
pub fn copy_from_arn(account_id: &str, region: &str, id: &str) -> String {
    if id.starts_with("arn:") {
        return id.to_string();
    }
    let cat = catalog();
    let p = cat.partition(region);
    if cat.profile(id).is_some() || looks_like_profile(id) {
        format!("arn:{p}:bedrock:{region}:{account_id}:inference-profile/{id}")
    } else {
        format!("arn:{p}:bedrock:{region}::foundation-model/{id}")
    }
}

/// Geography prefixes of system profiles, for ids the catalog does not list yet.
fn looks_like_profile(id: &str) -> bool {
    [
        "us.", "eu.", "apac.", "jp.", "au.", "ca.", "global.", "us-gov.",
    ]
    .iter()
    .any(|p| id.starts_with(p))
}

fn to_json<T: Serialize>(t: &T) -> serde_json::Value {
    serde_json::to_value(t).unwrap_or(serde_json::Value::Null)
}
