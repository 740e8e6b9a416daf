//! A deliberately small IAM decision procedure for deep mode, used until the full
//! evaluator of `crate::iam` is wired in: it matches `Action`/`NotAction` and
//! `Resource`/`NotResource` with IAM wildcards and treats any statement with a
//! `Condition` as "cannot tell". It only reports a decision when that decision does not
//! depend on a condition, so it is exact where it answers and silent elsewhere.

use super::deep::{Decision, EvalInput, EvalOutcome, Evaluator, Reason};
use super::PolicyType;
use serde_json::Value;

#[derive(Debug, Default, Clone, Copy)]
pub struct TextMatcher;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hit {
    /// Matches the request, no condition.
    Yes,
    /// Would match if its condition holds.
    IfCondition,
    No,
}

struct Found {
    reason: Reason,
    hit: Hit,
}

impl Evaluator for TextMatcher {
    fn evaluate(&self, input: &EvalInput<'_>) -> EvalOutcome {
        let mut out = EvalOutcome::default();
        let mut uncertain = false;

        // Explicit denies anywhere win.
        let mut denies = Vec::new();
        for (name, doc) in input.identity {
            denies.extend(statements(doc, "Deny", input, PolicyType::Identity, name));
        }
        if let Some((name, doc)) = input.boundary {
            denies.extend(statements(
                doc,
                "Deny",
                input,
                PolicyType::PermissionsBoundary,
                name,
            ));
        }
        for (t, levels) in [(PolicyType::Scp, input.scps), (PolicyType::Rcp, input.rcps)] {
            for (level, docs) in levels.iter().enumerate() {
                for (i, doc) in docs.iter().enumerate() {
                    let name = format!("{} level {level} policy {i}", t.as_str());
                    denies.extend(statements(doc, "Deny", input, t, &name));
                }
            }
        }
        if let Some(d) = denies.iter().find(|d| d.hit == Hit::Yes) {
            out.decision = Some(Decision::ExplicitDeny);
            out.reasons.push(d.reason.clone());
            return out;
        }
        for d in denies.iter().filter(|d| d.hit == Hit::IfCondition) {
            uncertain = true;
            out.notes.push(format!(
                "the Deny statement `{}` in `{}` matches if its condition holds",
                d.reason.statement, d.reason.policy
            ));
        }

        // Every SCP / RCP level must allow.
        for (t, levels) in [(PolicyType::Scp, input.scps), (PolicyType::Rcp, input.rcps)] {
            for (level, docs) in levels.iter().enumerate() {
                let allows: Vec<Found> = docs
                    .iter()
                    .enumerate()
                    .flat_map(|(i, doc)| {
                        let name = format!("{} level {level} policy {i}", t.as_str());
                        statements(doc, "Allow", input, t, &name)
                    })
                    .collect();
                match best(&allows) {
                    Hit::Yes => {}
                    Hit::IfCondition => uncertain = true,
                    Hit::No => {
                        out.decision = Some(Decision::ImplicitDeny);
                        out.reasons.push(Reason {
                            policy_type: t,
                            policy: format!("{} level {level}", t.as_str()),
                            statement: String::new(),
                            effect: "Allow".to_string(),
                        });
                        return out;
                    }
                }
            }
        }

        if let Some((name, doc)) = input.boundary {
            let allows = statements(doc, "Allow", input, PolicyType::PermissionsBoundary, name);
            match best(&allows) {
                Hit::Yes => {}
                Hit::IfCondition => uncertain = true,
                Hit::No => {
                    out.decision = Some(Decision::ImplicitDeny);
                    out.reasons.push(Reason {
                        policy_type: PolicyType::PermissionsBoundary,
                        policy: name.clone(),
                        statement: String::new(),
                        effect: "Allow".to_string(),
                    });
                    return out;
                }
            }
        }

        let allows: Vec<Found> = input
            .identity
            .iter()
            .flat_map(|(name, doc)| statements(doc, "Allow", input, PolicyType::Identity, name))
            .collect();
        match best(&allows) {
            Hit::Yes => {
                if let Some(a) = allows.iter().find(|a| a.hit == Hit::Yes) {
                    out.reasons.push(a.reason.clone());
                }
                if !uncertain {
                    out.decision = Some(Decision::Allow);
                }
            }
            Hit::IfCondition => {
                for a in allows.iter().filter(|a| a.hit == Hit::IfCondition) {
                    out.notes.push(format!(
                        "the Allow statement `{}` in `{}` matches if its condition holds",
                        a.reason.statement, a.reason.policy
                    ));
                }
            }
            Hit::No => {
                out.decision = Some(Decision::ImplicitDeny);
                out.reasons.push(Reason {
                    policy_type: PolicyType::Identity,
                    policy: String::new(),
                    statement: String::new(),
                    effect: "Allow".to_string(),
                });
            }
        }
        out
    }
}

fn best(found: &[Found]) -> Hit {
    if found.iter().any(|f| f.hit == Hit::Yes) {
        Hit::Yes
    } else if found.iter().any(|f| f.hit == Hit::IfCondition) {
        Hit::IfCondition
    } else {
        Hit::No
    }
}

/// Statements of `effect` in `doc` that match the request (or would, given a condition).
fn statements(
    doc: &Value,
    effect: &str,
    input: &EvalInput<'_>,
    policy_type: PolicyType,
    policy: &str,
) -> Vec<Found> {
    let list: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    list.into_iter()
        .enumerate()
        .filter(|(_, s)| s.get("Effect").and_then(Value::as_str) == Some(effect))
        .filter_map(|(i, s)| {
            let action = field_matches(s, "Action", "NotAction", input.action, true)?;
            let resource = field_matches(s, "Resource", "NotResource", input.resource, false)?;
            if !(action && resource) {
                return None;
            }
            let hit = if s.get("Condition").is_some() {
                Hit::IfCondition
            } else {
                Hit::Yes
            };
            let statement = s
                .get("Sid")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| i.to_string());
            Some(Found {
                reason: Reason {
                    policy_type,
                    policy: policy.to_string(),
                    statement,
                    effect: effect.to_string(),
                },
                hit,
            })
        })
        .collect()
}

/// `Some(true)` when `value` matches the statement's `key` (or is outside `not_key`).
fn field_matches(
    s: &Value,
    key: &str,
    not_key: &str,
    value: &str,
    case_insensitive: bool,
) -> Option<bool> {
    let patterns = |v: &Value| -> Vec<String> {
        match v {
            Value::String(p) => vec![p.clone()],
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    };
    let any = |ps: Vec<String>| {
        ps.iter().any(|p| {
            if case_insensitive {
                glob(&p.to_ascii_lowercase(), &value.to_ascii_lowercase())
            } else {
                glob(p, value)
            }
        })
    };
    if let Some(v) = s.get(key) {
        Some(any(patterns(v)))
    } else {
        s.get(not_key).map(|v| !any(patterns(v)))
    }
}

/// IAM wildcard match: `*` any run, `?` one character.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input<'a>(
        identity: &'a [(String, Value)],
        boundary: Option<&'a (String, Value)>,
        scps: &'a [Vec<Value>],
    ) -> EvalInput<'a> {
        EvalInput {
            principal: "arn:aws:iam::111122223333:role/app",
            action: "bedrock:InvokeModel",
            resource: "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
            region: Some("us-east-1"),
            identity,
            boundary,
            scps,
            rcps: &[],
        }
    }

    #[test]
    fn globbing() {
        assert!(glob("bedrock:invoke*", "bedrock:invokemodel"));
        assert!(glob(
            "arn:aws:bedrock:*::foundation-model/*",
            "arn:aws:bedrock:us-east-1::foundation-model/x"
        ));
        assert!(!glob(
            "arn:aws:bedrock:us-west-2::*",
            "arn:aws:bedrock:us-east-1::x"
        ));
        assert!(glob("a?c", "abc"));
    }

    #[test]
    fn allow_and_missing_allow() {
        let allow = vec![(
            "app-policy".to_string(),
            json!({"Statement": [{"Sid": "Invoke", "Effect": "Allow", "Action": "bedrock:InvokeModel*", "Resource": "*"}]}),
        )];
        let out = TextMatcher.evaluate(&input(&allow, None, &[]));
        assert_eq!(out.decision, Some(Decision::Allow));
        assert_eq!(out.reasons[0].statement, "Invoke");

        let other = vec![(
            "p".to_string(),
            json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}),
        )];
        let out = TextMatcher.evaluate(&input(&other, None, &[]));
        assert_eq!(out.decision, Some(Decision::ImplicitDeny));
    }

    #[test]
    fn deny_wins_and_conditions_are_uncertain() {
        let docs = vec![(
            "p".to_string(),
            json!({"Statement": [
                {"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"},
                {"Sid": "NoNova", "Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": "arn:aws:bedrock:*::foundation-model/amazon.*"}
            ]}),
        )];
        let out = TextMatcher.evaluate(&input(&docs, None, &[]));
        assert_eq!(out.decision, Some(Decision::ExplicitDeny));
        assert_eq!(out.reasons[0].statement, "NoNova");

        let conditional = vec![(
            "p".to_string(),
            json!({"Statement": [
                {"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"},
                {"Sid": "Guardrail", "Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": "*",
                 "Condition": {"StringNotEquals": {"bedrock:GuardrailIdentifier": "arn:x"}}}
            ]}),
        )];
        let out = TextMatcher.evaluate(&input(&conditional, None, &[]));
        assert_eq!(out.decision, None);
        assert!(out.notes[0].contains("Guardrail"));
    }

    #[test]
    fn scp_level_without_allow() {
        let allow = vec![(
            "p".to_string(),
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        )];
        let scps = vec![
            vec![json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})],
            vec![json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})],
        ];
        let out = TextMatcher.evaluate(&input(&allow, None, &scps));
        assert_eq!(out.decision, Some(Decision::ImplicitDeny));
        assert_eq!(out.reasons[0].policy_type, PolicyType::Scp);
        assert_eq!(out.reasons[0].policy, "scp level 1");
    }

    #[test]
    fn boundary_caps() {
        let allow = vec![(
            "p".to_string(),
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        )];
        let boundary = (
            "boundary".to_string(),
            json!({"Statement": [{"Effect": "Allow", "NotAction": "bedrock:*", "Resource": "*"}]}),
        );
        let out = TextMatcher.evaluate(&input(&allow, Some(&boundary), &[]));
        assert_eq!(out.decision, Some(Decision::ImplicitDeny));
        assert_eq!(out.reasons[0].policy_type, PolicyType::PermissionsBoundary);
    }
}
