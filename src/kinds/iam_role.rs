//! `iam_role`: an IAM role with its trust policy, inline and attached policies
//! (account-global): `iam.roles` and the batch service roles of `batch_roles`. Its
//! generated policies may name other resources of the stack, so it is planned after
//! them and applied above them on the ladder.

use super::import::{self, ImportDoc};
use super::{with, Cx, KindDef, Ownership, Traits};
use crate::account::spec::{IamRoleSpec, Normalize, Spec};
use crate::account::{Kind, Resource, GLOBAL};
use crate::config::{Config, Role, RolePolicy, Tags};
use crate::policy::canonical::canonical_policy;
use crate::policy::generate::batch_role_documents;
use crate::policy::{grants_document_with, logging_document};
use crate::vocab::arn::policy_arn;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

pub struct Def;

static TRAITS: Traits = Traits {
    section: "iam",
    // Everything updates in place.
    replace_fields: &[],
    taggable: true,
    takes_token: false,
    // Above VPC endpoints: a grant's `source_vpce: NAME` names their ids.
    rank: 2,
    deferral: 2,
    ownership: Ownership::Tags,
    read_only: false,
};

/// CreateRole's default MaxSessionDuration (seconds).
const DEFAULT_MAX_SESSION: u32 = 3600;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::IamRole
    }

    fn traits(&self) -> &'static Traits {
        &TRAITS
    }

    fn declared(&self, cfg: &Config) -> Option<Vec<String>> {
        let roles = cfg.iam.as_ref().is_some_and(|i| i.roles.is_some());
        (roles || !cfg.batch_roles.is_empty()).then(|| vec![GLOBAL.to_string()])
    }

    fn desired(&self, cx: &Cx<'_>) -> Vec<Resource> {
        let mut out = Vec::new();
        for r in cx.cfg.iam.iter().flat_map(|i| i.roles.iter().flatten()) {
            let spec = role_spec(cx, r);
            let tags = cx.owned_tags(&r.tags, r.prevent_destroy);
            out.push(cx.resource(spec, GLOBAL, &r.name.value, tags));
        }
        for b in &cx.cfg.batch_roles {
            let (trust, policy) = batch_role_documents(cx.cfg, b, cx.account_id);
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
            let tags = cx.owned_tags(&Tags::new(), false);
            out.push(cx.resource(spec, GLOBAL, &b.name.value, tags));
        }
        out
    }

    fn normalize(&self, spec: &mut Spec) {
        with(spec, |r: &mut IamRoleSpec| {
            r.normalize();
            r.max_session_duration.get_or_insert(DEFAULT_MAX_SESSION);
            r.assume_role_policy = canonical_policy(&r.assume_role_policy);
            for doc in r.inline_policies.values_mut() {
                *doc = canonical_policy(doc);
            }
        });
    }

    fn import(&self, r: &Resource, doc: &mut ImportDoc) {
        let Some(s) = r.spec.as_kind::<IamRoleSpec>() else {
            return;
        };
        let trust = format!("policies/{}/trust.json", r.name);
        doc.docs.push((trust.clone(), s.assume_role_policy.clone()));
        let mut pols: Vec<Value> = Vec::new();
        for (name, policy) in &s.inline_policies {
            // The file stem is the inline policy name the config will give it.
            let file = format!("policies/{}/{name}.json", r.name);
            doc.docs.push((file.clone(), policy.clone()));
            pols.push(json!({ "file": file }));
        }
        for arn in &s.managed_policies {
            pols.push(json!({ "managed": arn }));
        }
        doc.entry(
            "iam.roles",
            vec![
                ("name", json!(r.name)),
                ("assume_role_policy", json!(trust)),
                ("permissions_boundary", json!(s.permissions_boundary)),
                ("policies", json!(pols)),
                ("description", json!(s.description)),
                ("max_session_duration", json!(s.max_session_duration)),
                ("prevent_destroy", import::prevent(r)),
                ("tags", import::user_tags(r)),
            ],
        );
    }
}

/// An `iam.roles` entry: policy files inline by file stem, `grants:` blocks as
/// generated `bedrockctl-grants[-N]` policies, managed policies attached, and the
/// logging delivery policy when invocation logging names the role.
fn role_spec(cx: &Cx<'_>, r: &Role) -> IamRoleSpec {
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
                let doc = grants_document_with(cx.cfg, grants, cx.account_id, cx.refs);
                inline.insert(name, doc);
            }
            RolePolicy::Managed(m) => managed.push(policy_arn(cx.account_id, &m.value)),
        }
    }
    // The delivery role of invocation logging writes to exactly its log groups.
    if let Some(doc) = logging_document(cx.cfg, &r.name.value, cx.account_id) {
        inline.insert("bedrockctl-logging".to_string(), doc);
    }
    IamRoleSpec {
        assume_role_policy: r.assume_role_policy.document.clone(),
        permissions_boundary: r
            .permissions_boundary
            .as_ref()
            .map(|b| policy_arn(cx.account_id, &b.value)),
        inline_policies: inline,
        managed_policies: managed,
        description: r.description.as_ref().map(|d| d.value.clone()),
        max_session_duration: r.max_session_duration.as_ref().map(|m| m.value),
    }
}

/// Inline policy name for a policy file: its file stem (`policies/x.json` → `x`).
fn policy_name_of(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}
