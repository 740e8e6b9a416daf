//! The `bedrockctl iam eval` line protocol (design.md): one request object in,
//! one decision object out. Pure: the command streams lines through [`eval_line`].
//!
//! Beyond the contract, a request may carry `"management_account": true` to model
//! the organization's management account, which SCPs and RCPs do not restrict.

use super::compile::CompiledPolicy;
use super::doc_cache::DocCache;
use super::context::{Context, Principal, PrincipalKind, Value};
use super::eval::{evaluate, PolicySet, Reason, Request};
use super::json::{self, Json, Node};
use super::pattern::ArnParts;
use super::policy;
use super::PolicyError;
use std::fmt::Write as _;

/// Evaluate one input line and append the output line (with `\n`) to `out`.
/// A blank line is answered too (`{"id":null,"error":"blank line"}`) so that N lines
/// in give N lines out; always returns true (kept for callers that count lines).
pub fn eval_line(line: &str, out: &mut String, reasons: &mut Vec<Reason>) -> bool {
    eval_line_cached(line, out, reasons, &mut DocCache::new())
}

/// [`eval_line`] with a cache of compiled documents shared by the lines of a stream.
pub fn eval_line_cached(
    line: &str,
    out: &mut String,
    reasons: &mut Vec<Reason>,
    cache: &mut DocCache,
) -> bool {
    if line.trim().is_empty() {
        write_error(out, None, "blank line");
        return true;
    }
    // Documents are checked but not built: most are found in the cache by their text.
    let node = match json::parse_lazy(line, DOC_KEYS) {
        Ok(n) => n,
        Err(e) => {
            write_error(
                out,
                None,
                &format!("invalid JSON at byte {}: {}", e.offset, e),
            );
            return true;
        }
    };
    let id = node.get("id");
    match Input::from_node_cached(&node, line, cache) {
        Ok(input) => {
            let outcome = evaluate(&input.set, &input.request(), reasons);
            out.push_str("{\"id\":");
            write_id(out, id);
            let _ = write!(
                out,
                ",\"decision\":\"{}\",\"reasons\":[",
                outcome.decision.as_str()
            );
            for (i, r) in reasons.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(
                    out,
                    "{{\"policy_type\":\"{}\",\"policy_index\":{},\"statement\":",
                    r.policy_type.as_str(),
                    r.policy_index
                );
                write_str(out, input.set.label(r));
                let _ = write!(out, ",\"effect\":\"{}\"}}", r.effect.as_str());
            }
            out.push_str("]}\n");
        }
        Err(msg) => write_error(out, id, &msg),
    }
    true
}

/// The keys a line may carry (design.md "`bedrockctl iam eval` — JSONL interface").
const TOP_KEYS: &[&str] = &[
    "id",
    "request",
    "identity_policies",
    "resource_policy",
    "permissions_boundary",
    "session_policy",
    "vpc_endpoint_policy",
    "scps",
    "rcps",
    "management_account",
];
/// The keys whose values hold policy documents.
const DOC_KEYS: &[&str] = &[
    "identity_policies",
    "resource_policy",
    "permissions_boundary",
    "session_policy",
    "vpc_endpoint_policy",
    "scps",
    "rcps",
];
const REQUEST_KEYS: &[&str] = &[
    "principal",
    "action",
    "resource",
    "resource_account",
    "context",
];

/// Reject a duplicate key (JSON leaves the pick undefined, so we do not pick) and an
/// unknown key (a typo would otherwise silently drop a document), naming the closest
/// known key.
fn check_keys(obj: &Node, prefix: &str, known: &[&str]) -> Result<(), String> {
    let Some(members) = obj.as_object() else {
        return Ok(());
    };
    for (i, m) in members.iter().enumerate() {
        if members[..i].iter().any(|o| o.key == m.key) {
            return Err(format!("duplicate key `{prefix}{}`", m.key));
        }
        if !known.contains(&m.key.as_str()) {
            let best = known
                .iter()
                .map(|k| (strsim::jaro_winkler(k, &m.key), *k))
                .fold((0.0, ""), |a, b| if b.0 > a.0 { b } else { a });
            return Err(if best.0 >= 0.8 {
                format!(
                    "unknown key `{prefix}{}`: did you mean `{prefix}{}`?",
                    m.key, best.1
                )
            } else {
                format!(
                    "unknown key `{prefix}{}` (known: {})",
                    m.key,
                    known.join(", ")
                )
            });
        }
    }
    Ok(())
}

fn write_error(out: &mut String, id: Option<&Node>, msg: &str) {
    out.push_str("{\"id\":");
    write_id(out, id);
    out.push_str(",\"error\":");
    write_str(out, msg);
    out.push_str("}\n");
}

fn write_id(out: &mut String, id: Option<&Node>) {
    match id {
        Some(n) => out.push_str(&n.to_serde().to_string()),
        None => out.push_str("null"),
    }
}

fn write_str(out: &mut String, s: &str) {
    out.push_str(&serde_json::Value::String(s.to_string()).to_string());
}

/// A decoded input line.
pub struct Input {
    pub principal: Principal,
    pub action: String,
    pub resource: String,
    pub resource_account: String,
    pub context: Context,
    pub set: PolicySet,
}

impl Input {
    pub fn request(&self) -> Request<'_> {
        Request {
            principal: &self.principal,
            action: &self.action,
            resource: &self.resource,
            resource_account: &self.resource_account,
            context: &self.context,
        }
    }

    pub fn from_node(node: &Node) -> Result<Input, String> {
        Input::from_node_cached(node, "", &mut DocCache::new())
    }

    /// [`Input::from_node`] for a node parsed from `text`: each document is looked up
    /// in `cache` by its text (its span of `text`, or its content when it is given as
    /// JSON text); with `text` empty every document is compiled.
    pub fn from_node_cached(
        node: &Node,
        text: &str,
        cache: &mut DocCache,
    ) -> Result<Input, String> {
        let cx = &mut Docs { text, cache };
        if node.as_object().is_none() {
            return Err(format!(
                "a line must be a JSON object, found {}",
                node.kind()
            ));
        }
        check_keys(node, "", TOP_KEYS)?;
        let req = node
            .get("request")
            .filter(|r| !r.is_null())
            .ok_or("missing `request`")?;
        if req.as_object().is_none() {
            return Err(format!("`request` must be an object, found {}", req.kind()));
        }
        check_keys(req, "request.", REQUEST_KEYS)?;
        let field = |name: &str| -> Result<String, String> {
            match req.get(name) {
                Some(n) => n.as_str().map(str::to_string).ok_or_else(|| {
                    format!("`request.{name}` must be a string, found {}", n.kind())
                }),
                None => Err(format!("missing `request.{name}`")),
            }
        };
        let principal = Principal::parse(&field("principal")?);
        let action = field("action")?;
        let resource = field("resource")?;
        let resource_account = match req.get("resource_account") {
            None => ArnParts::new(&resource).get(4).to_string(),
            Some(n) if n.is_null() => ArnParts::new(&resource).get(4).to_string(),
            Some(n) => n
                .as_str()
                .ok_or_else(|| {
                    format!(
                        "`request.resource_account` must be a string, found {}",
                        n.kind()
                    )
                })?
                .to_string(),
        };
        let mut context = Context::default();
        if let Some(c) = req.get("context").filter(|c| !c.is_null()) {
            let Some(members) = c.as_object() else {
                return Err(format!(
                    "`request.context` must be an object, found {}",
                    c.kind()
                ));
            };
            for m in members {
                let v = context_value(&m.value)
                    .map_err(|k| format!("`request.context.{}` must be {k}", m.key))?;
                if let Some(v) = v {
                    context.insert(&m.key, v);
                }
            }
        }
        context.derive_for_eval(&principal, &resource, &resource_account);

        let management_account = match node.get("management_account") {
            None => false,
            Some(n) => match n.value {
                Json::Bool(b) => b,
                Json::Null => false,
                _ => return Err("`management_account` must be a boolean".into()),
            },
        };
        let set = PolicySet {
            identity: policy_list(cx, node.get("identity_policies"), "identity_policies")?
                .unwrap_or_default(),
            resource: one_policy(cx, node.get("resource_policy"), "resource_policy")?,
            permissions_boundary: one_policy(
                cx,
                node.get("permissions_boundary"),
                "permissions_boundary",
            )?,
            session: one_policy(cx, node.get("session_policy"), "session_policy")?,
            scps: levels(cx, node.get("scps"), "scps")?,
            rcps: levels(cx, node.get("rcps"), "rcps")?,
            management_account,
            vpc_endpoint: one_policy(cx, node.get("vpc_endpoint_policy"), "vpc_endpoint_policy")?,
        };
        // Checked after the documents so a line's document errors keep their message.
        if principal.kind == PrincipalKind::Other && !ArnParts::new(&principal.arn).is_arn() {
            return Err(format!(
                "`request.principal` must be an ARN, a 12-digit account id or a service principal, found {:?}",
                principal.arn
            ));
        }
        match action.split_once(':') {
            Some((svc, op)) if !svc.is_empty() && !op.is_empty() => {}
            _ => {
                return Err(format!(
                    "`request.action` must be `service:Operation` (e.g. `bedrock:InvokeModel`), found {action:?}"
                ))
            }
        }
        Ok(Input {
            principal,
            action,
            resource,
            resource_account,
            context,
            set,
        })
    }
}

/// A string → one value, an array of strings → a set; numbers and booleans are
/// taken as their text, null as absent.
fn context_value(n: &Node) -> Result<Option<Value>, &'static str> {
    let scalar = |n: &Node| match &n.value {
        Json::Str(s) => Some(s.clone()),
        Json::Num(s) => Some(s.clone()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match &n.value {
        Json::Null => Ok(None),
        Json::Arr(items) => items
            .iter()
            .map(|i| scalar(i).ok_or("a string or an array of strings"))
            .collect::<Result<Vec<_>, _>>()
            .map(|v| Some(Value::Many(v))),
        _ => scalar(n)
            .map(|s| Some(Value::One(s)))
            .ok_or("a string or an array of strings"),
    }
}

/// Where the documents of one line come from, and the cache they go through.
struct Docs<'a> {
    /// The line the nodes were parsed from ("" when unknown: no caching).
    text: &'a str,
    cache: &'a mut DocCache,
}

fn compile(cx: &mut Docs<'_>, n: &Node, what: &str) -> Result<CompiledPolicy, String> {
    if let Json::Str(text) = &n.value {
        return cx.cache.get_or_compile(text, || compile_uncached(n, what));
    }
    match cx.text.get(n.start..n.end).filter(|k| !k.is_empty()) {
        // The node may be a lazy one (json::parse_lazy): its text is the document.
        Some(text) => cx.cache.get_or_compile(text, || {
            let node = json::parse(text).map_err(|e| {
                format!("{what}: invalid JSON at byte {}: {e}", n.start + e.offset)
            })?;
            compile_uncached(&node, what).map_err(|_| {
                // Again on the whole-line offsets, so messages name line bytes.
                policy_errors(&node, what, n.start)
            })
        }),
        None => compile_uncached(n, what),
    }
}

/// The policy errors of `node` (a document parsed on its own) with offsets moved by
/// `shift` to where the document sits in its line.
fn policy_errors(node: &Node, what: &str, shift: usize) -> String {
    match policy::parse_node(node) {
        Ok(_) => format!("{what}: invalid policy document"),
        Err(mut errs) => {
            for e in &mut errs {
                e.offset += shift;
            }
            join_errors(what, &errs)
        }
    }
}

fn join_errors(what: &str, errs: &[PolicyError]) -> String {
    let mut msg = format!("{what}: ");
    for (i, e) in errs.iter().enumerate() {
        if i > 0 {
            msg.push_str("; ");
        }
        let _ = write!(msg, "{e}");
    }
    msg
}

fn compile_uncached(n: &Node, what: &str) -> Result<CompiledPolicy, String> {
    // Policy documents are sometimes passed as JSON text (as the AWS APIs take them).
    let parsed;
    let n = match &n.value {
        Json::Str(text) => {
            parsed = json::parse(text).map_err(|e| {
                format!(
                    "{what}: invalid JSON in policy text at byte {}: {e}",
                    e.offset
                )
            })?;
            &parsed
        }
        _ => n,
    };
    let p = policy::parse_node(n).map_err(|errs| join_errors(what, &errs))?;
    Ok(CompiledPolicy::compile(&p))
}

fn one_policy(
    cx: &mut Docs<'_>,
    n: Option<&Node>,
    what: &str,
) -> Result<Option<CompiledPolicy>, String> {
    match n {
        None => Ok(None),
        Some(n) if n.is_null() => Ok(None),
        Some(n) => compile(cx, n, what).map(Some),
    }
}

fn policy_list(
    cx: &mut Docs<'_>,
    n: Option<&Node>,
    what: &str,
) -> Result<Option<Vec<CompiledPolicy>>, String> {
    match n {
        None => Ok(None),
        Some(n) if n.is_null() => Ok(None),
        Some(Node {
            value: Json::Arr(items),
            ..
        }) => items
            .iter()
            .enumerate()
            .map(|(i, p)| compile(cx, p, &format!("{what}[{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(n) => Err(format!(
            "`{what}` must be an array of policies, found {}",
            n.kind()
        )),
    }
}

fn levels(
    cx: &mut Docs<'_>,
    n: Option<&Node>,
    what: &str,
) -> Result<Option<Vec<Vec<CompiledPolicy>>>, String> {
    match n {
        None => Ok(None),
        Some(n) if n.is_null() => Ok(None),
        Some(Node {
            value: Json::Arr(levels),
            ..
        }) => levels
            .iter()
            .enumerate()
            .map(|(li, level)| match &level.value {
                Json::Arr(_) => {
                    policy_list(cx, Some(level), &format!("{what}[{li}]")).map(Option::unwrap_or_default)
                }
                _ => Err(format!(
                    "`{what}[{li}]` must be an array of policies (one array per organization level), found {}",
                    level.kind()
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(n) => Err(format!(
            "`{what}` must be an array of arrays of policies, found {}",
            n.kind()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> serde_json::Value {
        let mut out = String::new();
        let mut reasons = Vec::new();
        assert!(eval_line(line, &mut out, &mut reasons));
        assert!(out.ends_with('\n'));
        serde_json::from_str(&out).unwrap()
    }

    #[test]
    fn contract_shape() {
        let v = run(
            r#"{"id":"c1","request":{"principal":"arn:aws:iam::111122223333:role/app","action":"bedrock:InvokeModel","resource":"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0","resource_account":"111122223333","context":{"aws:RequestedRegion":"us-east-1","aws:TagKeys":["team","env"]}},
            "identity_policies":[{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"arn:aws:bedrock:*::foundation-model/*"}]}],
            "resource_policy":null,"permissions_boundary":null,"session_policy":null,
            "scps":[[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}]],"rcps":null}"#,
        );
        assert_eq!(v["id"], "c1");
        assert_eq!(v["decision"], "allow");
        assert_eq!(
            v["reasons"][0],
            serde_json::json!({"policy_type":"identity","policy_index":0,"statement":"Invoke","effect":"Allow"})
        );
        assert_eq!(v["reasons"][1]["policy_type"], "scp");
        assert_eq!(v["reasons"][1]["statement"], "0");
    }

    #[test]
    fn policies_may_be_json_text() {
        let v = run(
            r#"{"id":"s","request":{"principal":"arn:aws:iam::1:user/u","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"},
            "identity_policies":["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}"]}"#,
        );
        assert_eq!(v["decision"], "allow", "{v}");
        let v = run(
            r#"{"id":"s","request":{"principal":"p","action":"s3:GetObject","resource":"*"},"identity_policies":["{oops"]}"#,
        );
        assert!(v["error"]
            .as_str()
            .unwrap()
            .contains("identity_policies[0]"));
    }

    #[test]
    fn malformed_lines_name_the_problem() {
        let mut out = String::new();
        let mut r = Vec::new();
        assert!(eval_line("   ", &mut out, &mut r));
        assert_eq!(out, "{\"id\":null,\"error\":\"blank line\"}\n");
        let v = run("{not json");
        assert!(v["id"].is_null());
        assert!(v["error"].as_str().unwrap().contains("invalid JSON"));
        let v = run(r#"{"id":7,"request":{"principal":"p","action":"a:b"}}"#);
        assert_eq!(v["id"], 7);
        assert!(v["error"].as_str().unwrap().contains("request.resource"));
        let v = run(
            r#"{"id":"x","request":{"principal":"p","action":"a:b","resource":"*"},"identity_policies":[{"Statement":{"Effect":"Permit","Action":"a:b"}}]}"#,
        );
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .contains("identity_policies[0]"),
            "{v}"
        );
        let v = run(
            r#"{"id":"x","request":{"principal":"p","action":"a:b","resource":"*"},"scps":[{"Statement":[]}]}"#,
        );
        assert!(v["error"]
            .as_str()
            .unwrap()
            .contains("one array per organization level"));
    }

    #[test]
    fn strict_input_keys_principal_and_action() {
        let req = r#""request":{"principal":"arn:aws:iam::111122223333:role/app","action":"bedrock:InvokeModel","resource":"*"}"#;
        let v = run(&format!(r#"{{"id":1,{req},"identity_policy":[]}}"#));
        assert_eq!(v["id"], 1);
        let e = v["error"].as_str().unwrap();
        assert!(e.contains("did you mean `identity_policies`"), "{e}");
        let v = run(&format!(r#"{{"id":1,"id":2,{req}}}"#));
        assert!(v["error"].as_str().unwrap().contains("duplicate key `id`"));
        let v = run(
            r#"{"id":3,"request":{"principal":"not-an-arn","action":"bedrock:InvokeModel","resource":"*"}}"#,
        );
        assert!(
            v["error"].as_str().unwrap().contains("request.principal"),
            "{v}"
        );
        let v = run(
            r#"{"id":4,"request":{"principal":"arn:aws:iam::111122223333:role/app","action":"InvokeModel","resource":"*"}}"#,
        );
        assert!(
            v["error"].as_str().unwrap().contains("request.action"),
            "{v}"
        );
        let v = run(
            r#"{"id":5,"request":{"principal":"bedrock.amazonaws.com","action":"s3:GetObject","resource":"*","resource_account":"1"}}"#,
        );
        assert_eq!(v["decision"], "implicit_deny", "{v}");
    }
}
