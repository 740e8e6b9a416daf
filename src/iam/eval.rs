//! The AWS policy evaluation logic over compiled policies: explicit deny wins;
//! RCPs and SCPs must allow at every organization level; resource-based policies
//! with their same-account and cross-account rules; permissions boundary and
//! session policy; otherwise an implicit deny.
//!
//! [`evaluate`] writes its evidence into a caller-owned buffer so a batch of
//! decisions allocates nothing once the buffer has grown.

use super::compile::{CompiledPolicy, PrincipalMatch};
use super::context::{Context, Principal, PrincipalKind};
use super::pattern::ArnParts;
use super::policy::Effect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyType {
    Identity,
    Resource,
    PermissionsBoundary,
    Session,
    Scp,
    Rcp,
    /// The policy of the VPC endpoint the request went through.
    VpcEndpoint,
}

impl PolicyType {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource => "resource",
            PolicyType::PermissionsBoundary => "permissions_boundary",
            PolicyType::Session => "session",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
            PolicyType::VpcEndpoint => "vpc_endpoint",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allow,
    ImplicitDeny,
    ExplicitDeny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::ImplicitDeny => "implicit_deny",
            Decision::ExplicitDeny => "explicit_deny",
        }
    }

    pub fn is_allow(self) -> bool {
        self == Decision::Allow
    }

    /// The worse of two decisions (explicit deny > implicit deny > allow).
    pub fn worst(self, other: Decision) -> Decision {
        let rank = |d: Decision| match d {
            Decision::Allow => 0,
            Decision::ImplicitDeny => 1,
            Decision::ExplicitDeny => 2,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

/// A statement that decided: which policy, which statement, which effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reason {
    pub policy_type: PolicyType,
    /// Index in its list; for SCPs and RCPs, counted across levels, root first.
    pub policy_index: u32,
    pub statement: u32,
    pub effect: Effect,
}

/// The result of one evaluation, besides the reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub decision: Decision,
    /// For an implicit deny: the policy type that had no applicable Allow
    /// (with the SCP/RCP level when it is one of those).
    pub missing: Option<(PolicyType, Option<u32>)>,
}

/// Every policy that applies to one request. `None` = that type does not apply.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicySet {
    pub identity: Vec<CompiledPolicy>,
    pub resource: Option<CompiledPolicy>,
    pub permissions_boundary: Option<CompiledPolicy>,
    pub session: Option<CompiledPolicy>,
    /// One list per organization level: root first, then OUs, then the account.
    pub scps: Option<Vec<Vec<CompiledPolicy>>>,
    pub rcps: Option<Vec<Vec<CompiledPolicy>>>,
    /// The management account is not restricted by SCPs or RCPs.
    pub management_account: bool,
    /// The policy of the VPC endpoint the request came through, when it did.
    pub vpc_endpoint: Option<CompiledPolicy>,
}

impl PolicySet {
    /// The statement label (Sid or index) a reason refers to.
    pub fn label(&self, r: &Reason) -> &str {
        let policy = match r.policy_type {
            PolicyType::Identity => self.identity.get(r.policy_index as usize),
            PolicyType::Resource => self.resource.as_ref(),
            PolicyType::PermissionsBoundary => self.permissions_boundary.as_ref(),
            PolicyType::Session => self.session.as_ref(),
            PolicyType::Scp => flat(self.scps.as_deref()).nth(r.policy_index as usize),
            PolicyType::Rcp => flat(self.rcps.as_deref()).nth(r.policy_index as usize),
            PolicyType::VpcEndpoint => self.vpc_endpoint.as_ref(),
        };
        policy
            .and_then(|p| p.statements.get(r.statement as usize))
            .map(|s| s.label.as_str())
            .unwrap_or("")
    }
}

fn flat(levels: Option<&[Vec<CompiledPolicy>]>) -> impl Iterator<Item = &CompiledPolicy> {
    levels.unwrap_or(&[]).iter().flatten()
}

/// One request, with its context already completed (see [`Context::derive`]).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub principal: &'a Principal,
    pub action: &'a str,
    pub resource: &'a str,
    /// The account that owns the resource; empty when unknown or account-less
    /// (foundation models), which counts as the caller's own account.
    pub resource_account: &'a str,
    pub context: &'a Context,
}

/// Evaluate. `reasons` is cleared and filled with the statements that decided:
/// the matching Deny statements for an explicit deny, the matching Allow
/// statements for an allow, nothing for an implicit deny (see [`Outcome::missing`]).
pub fn evaluate(set: &PolicySet, req: &Request<'_>, reasons: &mut Vec<Reason>) -> Outcome {
    reasons.clear();
    let arn = ArnParts::new(req.resource);
    let mut s = Scanner {
        req,
        arn,
        reasons,
        any_deny: false,
    };

    let mut identity_allow = false;
    for (i, p) in set.identity.iter().enumerate() {
        identity_allow |= s.scan(p, PolicyType::Identity, i, false).0;
    }
    let mut resource_allow = PrincipalMatch::No;
    if let Some(p) = &set.resource {
        let (allow, pm) = s.scan(p, PolicyType::Resource, 0, true);
        if allow {
            resource_allow = pm;
        }
    }
    let boundary_allow = set
        .permissions_boundary
        .as_ref()
        .map(|p| s.scan(p, PolicyType::PermissionsBoundary, 0, false).0);
    let session_allow = set
        .session
        .as_ref()
        .map(|p| s.scan(p, PolicyType::Session, 0, false).0);
    // An endpoint policy names principals like a resource policy does; it never grants,
    // it only has to allow too: https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
    let endpoint_allow = set
        .vpc_endpoint
        .as_ref()
        .map(|p| s.scan(p, PolicyType::VpcEndpoint, 0, true).0);
    let org_exempt = set.management_account;
    let mut scp_missing = s.levels(set.scps.as_deref(), PolicyType::Scp, false);
    let mut rcp_missing = s.levels(set.rcps.as_deref(), PolicyType::Rcp, true);
    let reasons = s.reasons;
    let mut any_deny = s.any_deny;

    if org_exempt {
        // SCPs and RCPs, Deny statements included, do not bind the management account.
        scp_missing = None;
        rcp_missing = None;
        reasons.retain(|r| !matches!(r.policy_type, PolicyType::Scp | PolicyType::Rcp));
        any_deny = reasons.iter().any(|r| r.effect == Effect::Deny);
    }
    if any_deny {
        reasons.retain(|r| r.effect == Effect::Deny);
        return Outcome {
            decision: Decision::ExplicitDeny,
            missing: None,
        };
    }
    let deny = |ty: PolicyType, level: Option<u32>, reasons: &mut Vec<Reason>| {
        reasons.clear();
        Outcome {
            decision: Decision::ImplicitDeny,
            missing: Some((ty, level)),
        }
    };
    if let Some(l) = rcp_missing {
        return deny(PolicyType::Rcp, Some(l), reasons);
    }
    if let Some(l) = scp_missing {
        return deny(PolicyType::Scp, Some(l), reasons);
    }
    if endpoint_allow == Some(false) {
        return deny(PolicyType::VpcEndpoint, None, reasons);
    }

    // Service principals have no account of their own: a resource policy naming the
    // service is the whole grant.
    let same_account = req.resource_account.is_empty()
        || req.resource_account == req.principal.account
        || req.principal.kind == PrincipalKind::Service;
    if same_account {
        // A resource policy naming the user or the role session grants on its own,
        // past implicit denies in identity policies, boundary and session policy.
        // `Principal: "*"` does so for a role ARN caller too (policy evaluation logic,
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
        let direct_grant = resource_allow == PrincipalMatch::Wildcard
            || (resource_allow == PrincipalMatch::Direct
                && matches!(
                    req.principal.kind,
                    PrincipalKind::User | PrincipalKind::Session | PrincipalKind::Service
                ));
        if !direct_grant {
            // Naming the role ARN grants like an identity policy would: the boundary
            // and session policy still limit it. Naming the account delegates to
            // identity policies.
            let base = identity_allow
                || matches!(
                    resource_allow,
                    PrincipalMatch::Role | PrincipalMatch::Direct
                );
            if !base {
                return deny(PolicyType::Identity, None, reasons);
            }
            if boundary_allow == Some(false) {
                return deny(PolicyType::PermissionsBoundary, None, reasons);
            }
            if session_allow == Some(false) {
                return deny(PolicyType::Session, None, reasons);
            }
        }
    } else {
        // Across accounts both sides must allow.
        if resource_allow == PrincipalMatch::No {
            return deny(PolicyType::Resource, None, reasons);
        }
        if !identity_allow {
            return deny(PolicyType::Identity, None, reasons);
        }
        if boundary_allow == Some(false) {
            return deny(PolicyType::PermissionsBoundary, None, reasons);
        }
        if session_allow == Some(false) {
            return deny(PolicyType::Session, None, reasons);
        }
    }
    Outcome {
        decision: Decision::Allow,
        missing: None,
    }
}

struct Scanner<'r, 'q> {
    req: &'q Request<'q>,
    arn: ArnParts<'q>,
    reasons: &'r mut Vec<Reason>,
    any_deny: bool,
}

impl Scanner<'_, '_> {
    /// Record the applicable statements of one policy; returns whether one allowed
    /// and the best way an allowing statement's principal matched.
    fn scan(
        &mut self,
        policy: &CompiledPolicy,
        ty: PolicyType,
        index: usize,
        with_principal: bool,
    ) -> (bool, PrincipalMatch) {
        let mut allow = false;
        let mut best = PrincipalMatch::No;
        for (si, st) in policy.statements.iter().enumerate() {
            if !st.applies(self.req.action, &self.arn, self.req.context) {
                continue;
            }
            let pm = if with_principal {
                let pm = st.principal_match(self.req.principal);
                if pm == PrincipalMatch::No {
                    continue;
                }
                pm
            } else {
                PrincipalMatch::Direct
            };
            match st.effect {
                Effect::Deny => self.any_deny = true,
                Effect::Allow => {
                    allow = true;
                    best = best.max(pm);
                }
            }
            self.reasons.push(Reason {
                policy_type: ty,
                policy_index: index as u32,
                statement: si as u32,
                effect: st.effect,
            });
        }
        (allow, best)
    }

    /// Organization levels: every level needs an Allow. Returns the first level without one.
    fn levels(
        &mut self,
        levels: Option<&[Vec<CompiledPolicy>]>,
        ty: PolicyType,
        with_principal: bool,
    ) -> Option<u32> {
        let levels = levels?;
        let mut missing = None;
        let mut index = 0usize;
        for (li, level) in levels.iter().enumerate() {
            let mut level_allow = false;
            for p in level {
                level_allow |= self.scan(p, ty, index, with_principal).0;
                index += 1;
            }
            if !level_allow && missing.is_none() {
                missing = Some(li as u32);
            }
        }
        missing
    }
}
