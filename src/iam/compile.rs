//! Policies compiled once for evaluation: lower-cased action patterns, ARN patterns
//! pre-split into components, condition values pre-parsed, keys pre-lower-cased.
//! Matching a request against a compiled statement allocates nothing.

use super::condition;
use super::context::{Context, Principal, PrincipalKind};
use super::pattern::{ArnParts, ArnPattern, Pattern, Syntax};
use super::policy::{Effect, Policy, PrincipalType, Statement};

/// A compiled policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledPolicy {
    pub statements: Vec<CompiledStatement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompiledStatement {
    pub effect: Effect,
    /// The `Sid`, or the statement's index as a string.
    pub label: String,
    actions: Matcher<Pattern>,
    resources: Option<Matcher<ArnPattern>>,
    principal: Option<PrincipalMatcher>,
    conditions: Box<[condition::Compiled]>,
}

#[derive(Debug, Clone, PartialEq)]
struct Matcher<T> {
    negated: bool,
    patterns: Box<[T]>,
}

#[derive(Debug, Clone, PartialEq)]
struct PrincipalMatcher {
    negated: bool,
    any: bool,
    entries: Box<[(PrincipalType, String)]>,
}

/// How a resource-based policy's `Principal` matched the caller; this decides
/// whether the resource policy alone can grant access (same-account rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalMatch {
    No,
    /// The account (`arn:aws:iam::A:root` or `A`): delegates to identity policies.
    Account,
    /// The role ARN, for the role or one of its sessions.
    Role,
    /// The exact user, role-session or service principal, or `*` for a session.
    Direct,
    /// `Principal: "*"` (or `{"AWS": "*"}`) for a user, role or session caller: in the
    /// same account the grant is not limited by a permissions boundary or session
    /// policy, whatever kind the caller is.
    Wildcard,
}

impl CompiledPolicy {
    pub fn compile(policy: &Policy) -> CompiledPolicy {
        let variables = policy.has_variables();
        CompiledPolicy {
            statements: policy
                .statements
                .iter()
                .enumerate()
                .map(|(i, s)| CompiledStatement::compile(s, i, variables))
                .collect(),
        }
    }
}

impl CompiledStatement {
    fn compile(st: &Statement, index: usize, variables: bool) -> CompiledStatement {
        let action_syntax = Syntax {
            wildcards: true,
            variables: false,
            ignore_case: true,
        };
        let arn_syntax = Syntax {
            wildcards: true,
            variables,
            ignore_case: false,
        };
        let actions = match &st.action {
            Some(a) => Matcher {
                negated: a.negated,
                patterns: a
                    .items
                    .iter()
                    .map(|i| Pattern::compile(&i.value, action_syntax))
                    .collect(),
            },
            None => Matcher {
                negated: false,
                patterns: Box::new([]),
            },
        };
        let resources = st.resource.as_ref().map(|r| Matcher {
            negated: r.negated,
            patterns: r
                .items
                .iter()
                .map(|i| ArnPattern::compile_resource(&i.value, arn_syntax))
                .collect(),
        });
        let principal = st.principal.as_ref().map(|p| PrincipalMatcher {
            negated: p.negated,
            any: p.any,
            entries: p
                .entries
                .iter()
                .map(|(t, i)| (*t, i.value.clone()))
                .collect(),
        });
        let conditions = st
            .conditions
            .iter()
            .map(|c| condition::Compiled::new(c.operator, &c.key, &c.values, variables))
            .collect();
        CompiledStatement {
            effect: st.effect,
            label: st.sid.clone().unwrap_or_else(|| index.to_string()),
            actions,
            resources,
            principal,
            conditions,
        }
    }

    pub fn matches_action(&self, action: &str) -> bool {
        let empty = Context::default();
        let any = self
            .actions
            .patterns
            .iter()
            .any(|p| p.matches(action, &empty) == Some(true));
        any != self.actions.negated
    }

    /// `None`: a policy variable could not be resolved.
    fn matches_resource(&self, resource: &ArnParts<'_>, ctx: &Context) -> Option<bool> {
        let Some(m) = &self.resources else {
            // No Resource element (trust policies, some resource policies): the
            // policy's own resource is meant.
            return Some(true);
        };
        let mut unresolved = false;
        let mut any = false;
        for p in m.patterns.iter() {
            match p.matches(resource, ctx) {
                Some(true) => {
                    any = true;
                    break;
                }
                Some(false) => {}
                None => unresolved = true,
            }
        }
        if m.negated {
            if any {
                return Some(false);
            }
            if unresolved {
                return None;
            }
            return Some(true);
        }
        if !any && unresolved {
            return None;
        }
        Some(any)
    }

    fn matches_conditions(&self, ctx: &Context) -> bool {
        self.conditions.iter().all(|c| c.eval(ctx) == Some(true))
    }

    /// Does this statement apply to the request? Principals are not looked at: that
    /// is [`CompiledStatement::principal_match`], only for policy types that carry one.
    pub fn applies(&self, action: &str, resource: &ArnParts<'_>, ctx: &Context) -> bool {
        self.matches_action(action)
            && self.matches_resource(resource, ctx) == Some(true)
            && self.matches_conditions(ctx)
    }

    pub fn principal_match(&self, who: &Principal) -> PrincipalMatch {
        let Some(pm) = &self.principal else {
            // IAM rejects resource policies without a principal; treat it as `*`.
            return wildcard(who);
        };
        if pm.any {
            return if pm.negated {
                PrincipalMatch::No
            } else {
                wildcard(who)
            };
        }
        let best = pm
            .entries
            .iter()
            .map(|(t, v)| entry_match(*t, v, who))
            .max()
            .unwrap_or(PrincipalMatch::No);
        if pm.negated {
            if best == PrincipalMatch::No {
                direct(who)
            } else {
                PrincipalMatch::No
            }
        } else {
            best
        }
    }
}

/// `Principal: "*"` grants to any caller past the boundary and session policy: the
/// policy evaluation logic page says permissions boundaries and session policies do
/// not limit permissions granted by a resource-based policy with a wildcard in the
/// Principal element
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>.
/// The root user keeps the account rule (neither applies to it).
fn wildcard(who: &Principal) -> PrincipalMatch {
    match who.kind {
        PrincipalKind::Root => PrincipalMatch::Account,
        _ => PrincipalMatch::Wildcard,
    }
}

/// An exact ARN or a matching NotPrincipal grants to the caller as the caller is: a user or session directly, a role as a role.
fn direct(who: &Principal) -> PrincipalMatch {
    match who.kind {
        PrincipalKind::Role => PrincipalMatch::Role,
        PrincipalKind::Root => PrincipalMatch::Account,
        _ => PrincipalMatch::Direct,
    }
}

fn entry_match(t: PrincipalType, value: &str, who: &Principal) -> PrincipalMatch {
    match t {
        PrincipalType::Service => {
            if who.kind == PrincipalKind::Service && value.eq_ignore_ascii_case(&who.arn) {
                PrincipalMatch::Direct
            } else {
                PrincipalMatch::No
            }
        }
        PrincipalType::Federated | PrincipalType::CanonicalUser => {
            if value == who.arn {
                PrincipalMatch::Direct
            } else {
                PrincipalMatch::No
            }
        }
        PrincipalType::Aws => {
            if value == "*" {
                return wildcard(who);
            }
            let is_account_id = value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit());
            let parts = ArnParts::new(value);
            if is_account_id || (parts.is_arn() && parts.get(2) == "iam" && parts.get(5) == "root")
            {
                let acct = if is_account_id { value } else { parts.get(4) };
                return if acct == who.account {
                    PrincipalMatch::Account
                } else {
                    PrincipalMatch::No
                };
            }
            if value == who.arn {
                return direct(who);
            }
            // A role ARN (with any path) names the role and all of its sessions.
            if matches!(who.kind, PrincipalKind::Session | PrincipalKind::Role)
                && parts.is_arn()
                && parts.get(2) == "iam"
                && parts.get(4) == who.account
            {
                if let Some(path) = parts.get(5).strip_prefix("role/") {
                    if path.rsplit('/').next() == Some(who.name.as_str()) {
                        return PrincipalMatch::Role;
                    }
                }
            }
            PrincipalMatch::No
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::policy;

    fn st(json: &str) -> CompiledStatement {
        let p = policy::parse(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{json}]}}"#
        ))
        .unwrap();
        CompiledPolicy::compile(&p).statements.remove(0)
    }

    #[test]
    fn actions_ignore_case() {
        let s = st(r#"{"Effect":"Allow","Action":"Bedrock:Invoke*","Resource":"*"}"#);
        assert!(s.matches_action("bedrock:InvokeModel"));
        assert!(s.matches_action("BEDROCK:INVOKEMODELWITHRESPONSESTREAM"));
        assert!(!s.matches_action("bedrock:GetFoundationModel"));
        let n = st(r#"{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*"}"#);
        assert!(n.matches_action("bedrock:InvokeModel"));
        assert!(!n.matches_action("IAM:PassRole"));
    }

    #[test]
    fn principals() {
        let s = st(
            r#"{"Effect":"Allow","Action":"*","Principal":{"AWS":["arn:aws:iam::111122223333:role/path/app","444455556666"]}}"#,
        );
        let session = Principal::parse("arn:aws:sts::111122223333:assumed-role/app/s");
        assert_eq!(s.principal_match(&session), PrincipalMatch::Role);
        let other = Principal::parse("arn:aws:iam::444455556666:user/u");
        assert_eq!(s.principal_match(&other), PrincipalMatch::Account);
        let nobody = Principal::parse("arn:aws:iam::999999999999:user/u");
        assert_eq!(s.principal_match(&nobody), PrincipalMatch::No);
        let sess = st(
            r#"{"Effect":"Allow","Action":"*","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/app/s"}}"#,
        );
        assert_eq!(sess.principal_match(&session), PrincipalMatch::Direct);
        let not = st(
            r#"{"Effect":"Deny","Action":"*","NotPrincipal":{"AWS":"arn:aws:iam::444455556666:user/u"}}"#,
        );
        assert_eq!(not.principal_match(&other), PrincipalMatch::No);
        assert_eq!(not.principal_match(&nobody), PrincipalMatch::Direct);
    }
}
