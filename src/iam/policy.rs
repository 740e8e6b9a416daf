//! The IAM policy grammar: a spanned JSON tree → a typed [`Policy`], with every
//! problem collected at its byte offset rather than stopping at the first.
//!
//! The grammar is the union over policy types (identity, resource, trust, SCP,
//! boundary, session), so `Principal` is accepted and `Resource` is optional:
//! which elements a given policy type needs is the caller's concern.

use super::condition::Operator;
use super::json::{self, Json, Node};
use super::PolicyError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Policy variables exist only in version 2012-10-17 documents.
    pub fn has_variables(&self) -> bool {
        self.version.as_deref() == Some("2012-10-17")
    }
}

/// A string as written and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub value: String,
    pub offset: usize,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub negated: bool,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalType {
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

/// `Principal`/`NotPrincipal`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalElement {
    pub negated: bool,
    /// `"Principal": "*"`.
    pub any: bool,
    pub entries: Vec<(PrincipalType, Item)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub operator: Operator,
    pub key: String,
    pub values: Vec<String>,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub action: Option<Element>,
    pub resource: Option<Element>,
    pub principal: Option<PrincipalElement>,
    pub conditions: Vec<Condition>,
    pub offset: usize,
}

/// Parse policy text; all problems, each with its offset.
pub fn parse(text: &str) -> Result<Policy, Vec<PolicyError>> {
    let node = json::parse(text).map_err(|e| vec![PolicyError::new(e.offset, e.message)])?;
    parse_node(&node)
}

/// Parse an already-parsed JSON document.
pub fn parse_node(node: &Node) -> Result<Policy, Vec<PolicyError>> {
    let mut p = Parser { errors: Vec::new() };
    let policy = p.policy(node);
    match policy {
        Some(pol) if p.errors.is_empty() => Ok(pol),
        _ => {
            if p.errors.is_empty() {
                p.err(node.start, "invalid policy document");
            }
            Err(p.errors)
        }
    }
}

struct Parser {
    errors: Vec<PolicyError>,
}

const TOP_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
];

impl Parser {
    fn err(&mut self, offset: usize, message: impl Into<String>) {
        self.errors.push(PolicyError::new(offset, message));
    }

    fn unknown_key(&mut self, offset: usize, key: &str, known: &[&str], what: &str) {
        self.errors.push(PolicyError {
            hint: crate::diag::did_you_mean(key, known.iter().copied()),
            ..PolicyError::new(offset, format!("unknown {what} element `{key}`"))
        });
    }

    /// Members of an object, reporting keys outside `known` and duplicates.
    fn members<'a>(
        &mut self,
        node: &'a Node,
        known: &[&str],
        what: &str,
    ) -> Option<Vec<(&'a str, &'a Node)>> {
        let Json::Obj(members) = &node.value else {
            self.err(
                node.start,
                format!("{what} must be an object, found {}", node.kind()),
            );
            return None;
        };
        let mut out: Vec<(&str, &Node)> = Vec::with_capacity(members.len());
        for m in members {
            if !known.is_empty() && !known.contains(&m.key.as_str()) {
                self.unknown_key(m.key_start, &m.key, known, what);
                continue;
            }
            if out.iter().any(|(k, _)| *k == m.key) {
                self.err(m.key_start, format!("duplicate key `{}` in {what}", m.key));
                continue;
            }
            out.push((m.key.as_str(), &m.value));
        }
        Some(out)
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            Json::Str(s) => Some(s.clone()),
            _ => {
                self.err(
                    node.start,
                    format!("`{what}` must be a string, found {}", node.kind()),
                );
                None
            }
        }
    }

    /// A string or a non-empty array of strings.
    fn string_list(&mut self, node: &Node, what: &str) -> Vec<Item> {
        match &node.value {
            Json::Str(s) => vec![Item {
                value: s.clone(),
                offset: node.start,
            }],
            Json::Arr(items) => {
                if items.is_empty() {
                    self.err(node.start, format!("`{what}` must not be an empty array"));
                }
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    match &i.value {
                        Json::Str(s) => out.push(Item {
                            value: s.clone(),
                            offset: i.start,
                        }),
                        _ => self.err(
                            i.start,
                            format!(
                                "each entry of `{what}` must be a string, found {}",
                                i.kind()
                            ),
                        ),
                    }
                }
                out
            }
            _ => {
                self.err(
                    node.start,
                    format!(
                        "`{what}` must be a string or an array of strings, found {}",
                        node.kind()
                    ),
                );
                Vec::new()
            }
        }
    }

    fn policy(&mut self, node: &Node) -> Option<Policy> {
        let members = self.members(node, TOP_KEYS, "policy")?;
        let mut version = None;
        let mut id = None;
        let mut statement = None;
        for (k, v) in members {
            match k {
                "Version" => {
                    if let Some(s) = self.string(v, "Version") {
                        if s != "2012-10-17" && s != "2008-10-17" {
                            self.err(
                                v.start,
                                format!(
                                    "unknown policy version `{s}` (expected `2012-10-17` or `2008-10-17`)"
                                ),
                            );
                        }
                        version = Some(s);
                    }
                }
                "Id" => id = self.string(v, "Id"),
                _ => statement = Some(v),
            }
        }
        let Some(statement) = statement else {
            self.err(node.start, "policy has no `Statement` element");
            return None;
        };
        let nodes: Vec<&Node> = match &statement.value {
            Json::Arr(items) => items.iter().collect(),
            Json::Obj(_) => vec![statement],
            _ => {
                self.err(
                    statement.start,
                    format!(
                        "`Statement` must be an object or an array of objects, found {}",
                        statement.kind()
                    ),
                );
                return None;
            }
        };
        let mut statements = Vec::with_capacity(nodes.len());
        // A set, not a list: a scan per statement made 50,000 Sids quadratic (issue 25).
        let mut sids: std::collections::HashSet<String> = std::collections::HashSet::new();
        for n in nodes {
            if let Some(st) = self.statement(n) {
                if let Some(sid) = &st.sid {
                    if !sids.insert(sid.clone()) {
                        let off = n.get("Sid").map(|s| s.start).unwrap_or(n.start);
                        self.err(
                            off,
                            format!("duplicate `Sid` `{sid}`: statement ids must be unique"),
                        );
                    }
                }
                statements.push(st);
            }
        }
        Some(Policy {
            version,
            id,
            statements,
        })
    }

    fn statement(&mut self, node: &Node) -> Option<Statement> {
        let members = self.members(node, STATEMENT_KEYS, "statement")?;
        let mut sid = None;
        let mut effect = None;
        let mut action: Option<Element> = None;
        let mut resource: Option<Element> = None;
        let mut principal = None;
        let mut conditions = Vec::new();
        let ok_before = self.errors.len();
        for (k, v) in &members {
            match *k {
                "Sid" => sid = self.string(v, "Sid"),
                "Effect" => {
                    if let Some(s) = self.string(v, "Effect") {
                        effect = match s.as_str() {
                            "Allow" => Some(Effect::Allow),
                            "Deny" => Some(Effect::Deny),
                            _ => {
                                self.err(
                                    v.start,
                                    format!("`Effect` must be `Allow` or `Deny`, found `{s}`"),
                                );
                                None
                            }
                        }
                    }
                }
                "Action" | "NotAction" => {
                    let items = self.string_list(v, k);
                    for i in &items {
                        self.check_action(i);
                    }
                    if action.is_some() {
                        self.err(
                            v.start,
                            "a statement may have `Action` or `NotAction`, not both",
                        );
                    }
                    action = Some(Element {
                        negated: *k == "NotAction",
                        items,
                    });
                }
                "Resource" | "NotResource" => {
                    let items = self.string_list(v, k);
                    for i in &items {
                        self.check_resource(i);
                    }
                    if resource.is_some() {
                        self.err(
                            v.start,
                            "a statement may have `Resource` or `NotResource`, not both",
                        );
                    }
                    resource = Some(Element {
                        negated: *k == "NotResource",
                        items,
                    });
                }
                "Principal" | "NotPrincipal" => {
                    if principal.is_some() {
                        self.err(
                            v.start,
                            "a statement may have `Principal` or `NotPrincipal`, not both",
                        );
                    }
                    principal = self.principal(v, *k == "NotPrincipal");
                }
                _ => conditions = self.conditions(v),
            }
        }
        if effect.is_none() && !members.iter().any(|(k, _)| *k == "Effect") {
            self.err(node.start, "statement has no `Effect` element");
        }
        if action.is_none() {
            self.err(
                node.start,
                "statement has no `Action` or `NotAction` element",
            );
        }
        if self.errors.len() > ok_before {
            return None;
        }
        Some(Statement {
            sid,
            effect: effect?,
            action,
            resource,
            principal,
            conditions,
            offset: node.start,
        })
    }

    fn check_action(&mut self, item: &Item) {
        let a = item.value.as_str();
        if a == "*" {
            return;
        }
        match a.split_once(':') {
            Some((svc, name))
                if !svc.is_empty()
                    && !name.is_empty()
                    && svc.bytes().all(|b| {
                        b.is_ascii_alphanumeric() || b == b'-' || b == b'*' || b == b'?'
                    })
                    && !name.contains(':') => {}
            _ => self.err(
                item.offset,
                format!("action `{a}` is not `service:action` or `*`"),
            ),
        }
    }

    fn check_resource(&mut self, item: &Item) {
        let r = item.value.as_str();
        if r == "*" {
            return;
        }
        if !r.starts_with("arn:") || r.matches(':').count() < 5 {
            self.err(
                item.offset,
                format!("resource `{r}` must be an ARN (`arn:partition:service:region:account:resource`) or `*`"),
            );
        }
    }

    fn principal(&mut self, node: &Node, negated: bool) -> Option<PrincipalElement> {
        let what = if negated { "NotPrincipal" } else { "Principal" };
        if let Json::Str(s) = &node.value {
            if s == "*" {
                return Some(PrincipalElement {
                    negated,
                    any: true,
                    entries: Vec::new(),
                });
            }
            self.err(
                node.start,
                format!("`{what}` must be `*` or an object such as {{\"AWS\": …}}"),
            );
            return None;
        }
        let members = self.members(
            node,
            &["AWS", "Service", "Federated", "CanonicalUser"],
            "principal",
        )?;
        let mut entries = Vec::new();
        for (k, v) in members {
            let t = match k {
                "AWS" => PrincipalType::Aws,
                "Service" => PrincipalType::Service,
                "Federated" => PrincipalType::Federated,
                _ => PrincipalType::CanonicalUser,
            };
            for item in self.string_list(v, k) {
                entries.push((t, item));
            }
        }
        Some(PrincipalElement {
            negated,
            any: false,
            entries,
        })
    }

    fn conditions(&mut self, node: &Node) -> Vec<Condition> {
        let mut out = Vec::new();
        let Some(ops) = self.members(node, &[], "Condition") else {
            return out;
        };
        let Json::Obj(raw) = &node.value else {
            return out;
        };
        for (name, body) in ops {
            let name_offset = raw
                .iter()
                .find(|m| m.key == name)
                .map(|m| m.key_start)
                .unwrap_or(node.start);
            let op = match Operator::parse(name) {
                Ok(op) => Some(op),
                Err(e) => {
                    self.errors.push(PolicyError {
                        offset: name_offset,
                        ..e
                    });
                    None
                }
            };
            let Some(keys) = self.members(body, &[], "condition block") else {
                continue;
            };
            let Json::Obj(raw_keys) = &body.value else {
                continue;
            };
            for (key, vals) in keys {
                let key_offset = raw_keys
                    .iter()
                    .find(|m| m.key == key)
                    .map(|m| m.key_start)
                    .unwrap_or(body.start);
                if key.is_empty() {
                    self.err(key_offset, "empty condition key");
                }
                let values = self.condition_values(vals, key);
                if let Some(op) = op {
                    for (v, off) in &values {
                        if let Err(msg) = op.check_value(v) {
                            self.err(*off, msg);
                        }
                    }
                    out.push(Condition {
                        operator: op,
                        key: key.to_string(),
                        values: values.into_iter().map(|(v, _)| v).collect(),
                        offset: key_offset,
                    });
                }
            }
        }
        out
    }

    fn condition_values(&mut self, node: &Node, key: &str) -> Vec<(String, usize)> {
        let scalar = |n: &Node| -> Option<String> {
            match &n.value {
                Json::Str(s) => Some(s.clone()),
                Json::Num(s) => Some(s.clone()),
                Json::Bool(b) => Some(b.to_string()),
                _ => None,
            }
        };
        match &node.value {
            Json::Arr(items) => {
                if items.is_empty() {
                    self.err(
                        node.start,
                        format!("condition key `{key}` has an empty list of values"),
                    );
                }
                let mut out = Vec::new();
                for i in items {
                    match scalar(i) {
                        Some(s) => out.push((s, i.start)),
                        None => self.err(
                            i.start,
                            format!(
                                "a value of condition key `{key}` must be a string, number or boolean, found {}",
                                i.kind()
                            ),
                        ),
                    }
                }
                out
            }
            _ => match scalar(node) {
                Some(s) => vec![(s, node.start)],
                None => {
                    self.err(
                        node.start,
                        format!(
                            "condition key `{key}` must have a string, number, boolean or an array of them, found {}",
                            node.kind()
                        ),
                    );
                    Vec::new()
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errs(text: &str) -> Vec<(usize, String)> {
        parse(text)
            .unwrap_err()
            .into_iter()
            .map(|e| match e.hint {
                Some(h) => (e.offset, format!("{}\nhint: {h}", e.message)),
                None => (e.offset, e.message),
            })
            .collect()
    }

    #[test]
    fn parses_full_grammar() {
        let p = parse(
            r#"{"Version":"2012-10-17","Id":"x","Statement":[
              {"Sid":"A","Effect":"Allow","Action":["bedrock:InvokeModel","bedrock:Get*"],
               "Resource":"arn:aws:bedrock:*::foundation-model/*",
               "Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]},
                            "Bool":{"aws:SecureTransport":true},
                            "NumericLessThan":{"s3:max-keys":10}}},
              {"Effect":"Deny","NotAction":"iam:*","NotResource":["*"],
               "Principal":{"AWS":["111122223333","arn:aws:iam::1:role/r"],"Service":"bedrock.amazonaws.com"}},
              {"Effect":"Allow","Action":"sts:AssumeRole","NotPrincipal":"*"}]}"#,
        )
        .unwrap();
        assert_eq!(p.statements.len(), 3);
        assert_eq!(p.statements[0].conditions.len(), 3);
        assert_eq!(p.statements[0].conditions[1].values, vec!["true"]);
        assert!(p.statements[1].action.as_ref().unwrap().negated);
        assert_eq!(p.statements[1].principal.as_ref().unwrap().entries.len(), 3);
        assert!(p.has_variables());
        let single =
            parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#).unwrap();
        assert_eq!(single.statements.len(), 1);
        assert!(!single.has_variables());
    }

    #[test]
    fn collects_every_error_with_offsets() {
        let text = r#"{"Version":"2012-10-17","Statment":[],"Statement":[
{"Effect":"allow","Action":"bedrock:InvokeModel","NotAction":"x:y","Resource":"bucket"},
{"Effect":"Allow","Action":"s3","Condition":{"StringEqualz":{"k":"v"},"NumericEquals":{"k":"abc"}}},
{"Sid":"S","Effect":"Allow","Action":"a:b"},{"Sid":"S","Effect":"Allow","Action":"a:b","Foo":1}]}"#;
        let e = errs(text);
        let msgs: Vec<&str> = e.iter().map(|(_, m)| m.as_str()).collect();
        let has = |s: &str| msgs.iter().any(|m| m.contains(s));
        assert!(has("unknown policy element `Statment`"), "{msgs:?}");
        assert!(has("did you mean `Statement`"));
        assert!(has("`Effect` must be `Allow` or `Deny`"));
        assert!(has("not both"));
        assert!(has("resource `bucket`"));
        assert!(has("action `s3`"));
        assert!(has("unknown condition operator `StringEqualz`"));
        assert!(has("`abc` is not a number"));
        assert!(has("unknown statement element `Foo`"));
        let (off, _) = e.iter().find(|(_, m)| m.contains("allow")).unwrap();
        assert_eq!(&text[*off..*off + 7], "\"allow\"");
        let (off, _) = e.iter().find(|(_, m)| m.contains("StringEqualz")).unwrap();
        assert!(text[*off..].starts_with("\"StringEqualz\""));
    }

    #[test]
    fn missing_pieces() {
        assert!(errs(r#"{"Version":"2012-10-17"}"#)[0]
            .1
            .contains("no `Statement`"));
        assert!(errs(r#"{"Statement":[{"Action":"a:b"}]}"#)[0]
            .1
            .contains("no `Effect`"));
        assert!(errs(r#"{"Statement":[{"Effect":"Deny"}]}"#)[0]
            .1
            .contains("no `Action`"));
        assert!(errs(r#"[1]"#)[0].1.contains("must be an object"));
        assert!(errs(r#"{"Version":"2020-01-01","Statement":[]}"#)[0]
            .1
            .contains("unknown policy version"));
        assert!(errs(r#"{"Statement":[],"Statement":[]}"#)[0]
            .1
            .contains("duplicate key"));
        assert!(
            errs(r#"{"Statement":{"Effect":"Allow","Action":"a:b","Principal":{"Aws":"*"}}}"#)[0]
                .1
                .contains("`Aws`")
        );
    }
}
