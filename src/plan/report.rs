//! What CI renderings need beyond the [`Plan`]: the config file it came from, the config
//! line of every resource (for annotations), the access-check results, and redaction of
//! sensitive values. Pure: built from a loaded config, its source map and results that
//! the caller already has.

use super::{AttrChange, Change, Plan};
use crate::account::spec::Spec;
use crate::account::{Kind, Resource, GLOBAL};
use crate::check::access::CheckResult;
use crate::config::{Config, Expect};
use crate::span::{SourceMap, Span};
use serde_json::Value;
use std::collections::BTreeMap;

/// What a redacted value is replaced with, in every format.
pub const REDACTED: &str = "(sensitive)";

/// One config's plan, ready to render.
#[derive(Debug, Clone)]
pub struct Report {
    /// The config file as the user named it.
    pub config: String,
    /// The plan, already passed through [`redact`].
    pub plan: Plan,
    /// `None` when the checks could not be run (see `access_checks_error`).
    pub access_checks: Option<Vec<CheckRow>>,
    pub access_checks_error: Option<String>,
    pub locations: Locations,
    /// CloudTrail audit findings (`audit:` in the config); `None` without it.
    pub audit: Option<Vec<crate::audit::Finding>>,
}

/// One access check result and the config line of the check.
#[derive(Debug, Clone)]
pub struct CheckRow {
    pub result: CheckResult,
    pub line: Option<usize>,
}

impl CheckRow {
    pub fn expect(&self) -> &'static str {
        match self.result.expect {
            Expect::Allow => "allow",
            Expect::Deny => "deny",
        }
    }
}

/// One entry of a multi-config run: a report, or why that config could not be planned.
#[derive(Debug, Clone)]
pub enum StackReport {
    Planned(Box<Report>),
    Failed { config: String, error: String },
}

impl StackReport {
    pub fn config(&self) -> &str {
        match self {
            StackReport::Planned(r) => &r.config,
            StackReport::Failed { config, .. } => config,
        }
    }
}

impl Report {
    /// A report without config locations or checks (library callers, unit tests).
    pub fn bare(plan: &Plan) -> Report {
        Report {
            config: String::new(),
            plan: redact(plan),
            access_checks: None,
            access_checks_error: None,
            locations: Locations::default(),
            audit: None,
        }
    }

    pub fn checks(&self) -> &[CheckRow] {
        self.access_checks.as_deref().unwrap_or(&[])
    }

    pub fn failed_checks(&self) -> impl Iterator<Item = &CheckRow> {
        self.checks().iter().filter(|c| !c.result.pass)
    }

    /// Config line responsible for a change (the attribute's own line when the change is
    /// about one attribute, else the resource's entry, else the kind's top-level key).
    pub fn line_of(&self, c: &Change) -> Option<usize> {
        self.locations.line_of(c)
    }
}

/// Config lines of resources, their attributes, model requirements and access checks.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    /// Line of each resource, and of those of its attributes written on their own line.
    /// One entry per resource with static attribute names: a 10,000-resource plan held
    /// ~80,000 (address, path) string pairs here before (issue 21).
    resources: BTreeMap<String, Place>,
    kinds: BTreeMap<Kind, usize>,
    models: BTreeMap<(String, String), usize>,
    /// Line of each access check, in config order.
    pub checks: Vec<usize>,
    /// The `stack:` line, the fallback for everything else.
    pub stack: Option<usize>,
}

#[derive(Debug, Clone, Default)]
struct Place {
    /// 0 when only attributes have a line.
    line: usize,
    attrs: Vec<(&'static str, usize)>,
}

/// No locations: a plan rendered without its config.
pub static NO_LOCATIONS: Locations = Locations {
    resources: BTreeMap::new(),
    kinds: BTreeMap::new(),
    models: BTreeMap::new(),
    checks: Vec::new(),
    stack: None,
};

impl Locations {
    /// The line of a kind's top-level key (`audit:` for `cloudtrail_trail`).
    pub fn kind_line(&self, kind: Kind) -> Option<usize> {
        self.kinds.get(&kind).copied()
    }

    /// See [`Report::line_of`].
    pub fn line_of(&self, c: &Change) -> Option<usize> {
        let address = c.address();
        if let [only] = c.attrs.as_slice() {
            if let Some(l) = self.attr(c.kind, &address, &only.path) {
                return Some(l);
            }
        }
        self.resource(c.kind, &address)
    }

    pub fn resource(&self, kind: Kind, address: &str) -> Option<usize> {
        if let Some(p) = self.resources.get(address).filter(|p| p.line > 0) {
            return Some(p.line);
        }
        // A matched guardrail version is named `<guardrail>:<n>`.
        if kind == Kind::GuardrailVersion {
            if let Some((base, _)) = address.rsplit_once(':') {
                if let Some(p) = self.resources.get(base).filter(|p| p.line > 0) {
                    return Some(p.line);
                }
            }
        }
        self.kinds.get(&kind).copied().or(self.stack)
    }

    pub fn attr(&self, _kind: Kind, address: &str, path: &str) -> Option<usize> {
        let place = self.resources.get(address)?;
        place
            .attrs
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, l)| *l)
    }

    pub fn model(&self, model_id: &str, region: &str) -> Option<usize> {
        self.models
            .get(&(model_id.to_string(), region.to_string()))
            .copied()
            .or(self.stack)
    }
}

fn addr(kind: Kind, region: &str, name: &str) -> String {
    format!("{kind}.{region}.{name}")
}

/// The top-level key that lists a kind.
fn kind_key(kind: Kind) -> &'static str {
    crate::kinds::def(kind).config_section()
}

/// Where every resource of `cfg` is written.
pub fn locate(cfg: &Config, sources: &SourceMap) -> Locations {
    let line = |s: Span| -> Option<usize> {
        let l = sources.line_of(s);
        (l > 0).then_some(l)
    };
    let mut loc = Locations {
        stack: line(cfg.stack.span),
        ..Locations::default()
    };
    if let Some(file) = sources.get(cfg.source) {
        for kind in Kind::ALL {
            let key = format!("{}:", kind_key(kind));
            if let Some(i) = file.text.lines().position(|l| l.starts_with(&key)) {
                loc.kinds.insert(kind, i + 1);
            }
        }
    }
    let mut put = |address: String, span: Span, attrs: Vec<(&'static str, Option<Span>)>| {
        let attrs: Vec<(&'static str, usize)> = attrs
            .into_iter()
            .filter_map(|(path, s)| Some((path, s.and_then(line)?)))
            .collect();
        match line(span) {
            Some(l) => {
                loc.resources.insert(address, Place { line: l, attrs });
            }
            None if !attrs.is_empty() => {
                loc.resources.insert(address, Place { line: 0, attrs });
            }
            None => {}
        }
    };
    for pt in cfg.provisioned_throughput.iter().flatten() {
        put(
            addr(Kind::ProvisionedThroughput, &pt.region, &pt.name),
            pt.span,
            vec![
                ("model_id", Some(pt.model.span)),
                ("model_units", Some(pt.model_units.span)),
                ("commitment", Some(pt.commitment.span)),
            ],
        );
    }
    for g in cfg.guardrails.iter().flatten() {
        for region in &g.regions {
            let attrs = vec![
                ("description", g.description.as_ref().map(|d| d.span)),
                ("blocked_input_message", Some(g.blocked_input_message.span)),
                (
                    "blocked_output_message",
                    Some(g.blocked_output_message.span),
                ),
                ("content_filters", g.content_filters.first().map(|f| f.span)),
                ("denied_topics", g.denied_topics.first().map(|t| t.span)),
                ("managed_words", g.words.as_ref().map(|w| w.span)),
                ("custom_words", g.words.as_ref().map(|w| w.span)),
                ("pii", g.pii.first().map(|p| p.span)),
                ("regexes", g.regexes.first().map(|r| r.span)),
                (
                    "grounding_threshold",
                    g.contextual_grounding.as_ref().map(|c| c.span),
                ),
                (
                    "relevance_threshold",
                    g.contextual_grounding.as_ref().map(|c| c.span),
                ),
            ];
            put(addr(Kind::Guardrail, region, &g.name), g.span, attrs);
            put(
                addr(Kind::GuardrailVersion, region, &g.name),
                g.span,
                Vec::new(),
            );
        }
    }
    for p in cfg.inference_profiles.iter().flatten() {
        put(
            addr(Kind::InferenceProfile, &p.region, &p.name),
            p.span,
            vec![
                ("copy_from", Some(p.copy_from.span)),
                ("description", p.description.as_ref().map(|d| d.span)),
            ],
        );
    }
    for l in cfg.invocation_logging.iter().flatten() {
        put(
            addr(Kind::InvocationLogging, &l.region, "default"),
            l.span,
            vec![
                ("cloudwatch", l.cloudwatch.as_ref().map(|c| c.span)),
                ("s3", l.s3.as_ref().map(|s| s.span)),
            ],
        );
    }
    for a in cfg.alarms.iter().flatten() {
        put(
            addr(Kind::Alarm, &a.region, &a.name),
            a.span,
            vec![
                ("metric", Some(a.metric.span)),
                ("dimensions", a.model.as_ref().map(|m| m.span)),
                ("statistic", Some(a.statistic.span)),
                ("period", Some(a.period.span)),
                ("evaluation_periods", Some(a.evaluation_periods.span)),
                ("threshold", Some(a.threshold.span)),
                ("comparison", Some(a.comparison.span)),
                ("actions", a.actions.first().map(|x| x.span)),
                ("description", a.description.as_ref().map(|d| d.span)),
            ],
        );
    }
    if let Some(t) = cfg.audit.as_ref().and_then(|a| a.trail.as_ref()) {
        put(
            addr(Kind::CloudTrailTrail, &t.region, &t.name),
            t.span,
            vec![
                ("s3_bucket", Some(t.bucket.span)),
                ("s3_prefix", t.prefix.as_ref().map(|p| p.span)),
            ],
        );
    }
    for e in cfg.vpc_endpoints.iter().flatten() {
        for s in &e.services {
            let name = crate::policy::endpoint::resource_name(&e.name.value, &s.value);
            put(
                addr(Kind::VpcEndpoint, &e.region, &name),
                e.span,
                vec![
                    ("vpc_id", Some(e.vpc_id.span)),
                    ("service_name", Some(s.span)),
                    ("subnet_ids", e.subnet_ids.first().map(|x| x.span)),
                    (
                        "security_group_ids",
                        e.security_group_ids.first().map(|x| x.span),
                    ),
                    ("private_dns", Some(e.private_dns.span)),
                    (
                        "policy",
                        e.policy.as_ref().map(|p| match p {
                            crate::config::EndpointPolicy::File(f) => f.path.span,
                            crate::config::EndpointPolicy::Roles { span, .. } => *span,
                        }),
                    ),
                ],
            );
        }
    }
    if let Some(iam) = &cfg.iam {
        for p in iam.policies.iter().flatten() {
            put(
                addr(Kind::IamPolicy, GLOBAL, &p.name),
                p.span,
                vec![
                    ("document", Some(p.file.path.span)),
                    ("description", p.description.as_ref().map(|d| d.span)),
                ],
            );
        }
        for r in iam.roles.iter().flatten() {
            put(
                addr(Kind::IamRole, GLOBAL, &r.name),
                r.span,
                vec![
                    ("assume_role_policy", Some(r.assume_role_policy.path.span)),
                    (
                        "permissions_boundary",
                        r.permissions_boundary.as_ref().map(|b| b.span),
                    ),
                    ("description", r.description.as_ref().map(|d| d.span)),
                    (
                        "max_session_duration",
                        r.max_session_duration.as_ref().map(|m| m.span),
                    ),
                ],
            );
        }
    }
    for (address, span) in super::access::places(cfg) {
        put(address, span, Vec::new());
    }
    for m in cfg.models.iter().flatten() {
        for region in &m.regions {
            if let Some(l) = line(m.span) {
                loc.models
                    .insert((m.id.value.clone(), region.value.clone()), l);
            }
        }
    }
    loc.checks = cfg
        .access_checks
        .iter()
        .map(|c| line(c.span).unwrap_or(0))
        .collect();
    loc
}

/// Pair check results (in config order) with their lines.
pub fn check_rows(results: Vec<CheckResult>, loc: &Locations) -> Vec<CheckRow> {
    results
        .into_iter()
        .enumerate()
        .map(|(i, result)| CheckRow {
            result,
            line: loc.checks.get(i).copied().filter(|l| *l > 0),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Redaction

/// Words that make a tag key or a top-level attribute name sensitive.
const SENSITIVE_WORDS: &[&str] = &[
    "secret",
    "password",
    "passwd",
    "passphrase",
    "token",
    "credential",
    "private_key",
    "private-key",
    "privatekey",
    "api_key",
    "api-key",
    "apikey",
    "access_key",
    "access-key",
    "accesskey",
    "signature",
];

/// A tag key or attribute name whose value is never shown.
pub fn is_sensitive_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SENSITIVE_WORDS.iter().any(|w| n.contains(w))
}

/// A string that looks like a credential wherever it appears: an AWS access key id
/// (`AKIA…`/`ASIA…` + 16 upper-case letters or digits) or a PEM private key.
pub fn looks_like_secret(s: &str) -> bool {
    if s.contains("PRIVATE KEY-----") {
        return true;
    }
    let b = s.as_bytes();
    (0..b.len().saturating_sub(19)).any(|i| {
        let head = &b[i..i + 4];
        (head == b"AKIA" || head == b"ASIA")
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b[i + 4..i + 20]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && b.get(i + 20).is_none_or(|c| !c.is_ascii_alphanumeric())
    })
}

/// Every string that looks like a credential, anywhere in `v`, becomes [`REDACTED`].
/// Whether anything was replaced.
fn redact_strings(v: &mut Value) -> bool {
    match v {
        Value::String(s) if looks_like_secret(s) => {
            *s = REDACTED.to_string();
            true
        }
        Value::Array(a) => a.iter_mut().fold(false, |hit, x| redact_strings(x) | hit),
        Value::Object(m) => m.values_mut().fold(false, |hit, x| redact_strings(x) | hit),
        _ => false,
    }
}

/// Top-level fields with sensitive names, then credential-like strings anywhere.
/// Whether anything was replaced.
fn redact_object(v: &mut Value) -> bool {
    let mut hit = false;
    if let Value::Object(m) = v {
        for (k, x) in m.iter_mut() {
            if is_sensitive_name(k) && !x.is_null() {
                *x = Value::String(REDACTED.to_string());
                hit = true;
            }
        }
    }
    redact_strings(v) | hit
}

fn redact_tags(tags: &mut BTreeMap<String, String>) {
    for (k, v) in tags.iter_mut() {
        if is_sensitive_name(k) || looks_like_secret(v) {
            *v = REDACTED.to_string();
        }
    }
}

fn redact_resource(r: &mut Resource) {
    let mut v = r.spec.to_value();
    if redact_object(&mut v) {
        // A redacted value is a string where a string was: the shape holds. Should it
        // not, the spec is emptied rather than shown unredacted.
        r.spec = Spec::from_value(r.kind, v).unwrap_or_else(|_| Spec::empty(r.kind));
    }
    redact_tags(&mut r.tags);
}

fn redact_attr(a: &mut AttrChange) {
    let sensitive = a.path != "tags" && is_sensitive_name(&a.path);
    for v in [&mut a.before, &mut a.after].into_iter().flatten() {
        if sensitive {
            *v = Value::String(REDACTED.to_string());
        } else if a.path == "tags" {
            redact_object(v);
        } else {
            redact_strings(v);
        }
    }
    // Both sides redacted: still say the field changed, without showing how.
}

fn redact_change(c: &mut Change) {
    for r in [&mut c.before, &mut c.after].into_iter().flatten() {
        redact_resource(r);
    }
    c.attrs.iter_mut().for_each(redact_attr);
}

/// The plan with sensitive values replaced by [`REDACTED`] (docs/plan-json.md,
/// "Redaction"). Applies to every format.
/// One change with its secrets redacted (see [`redact`]).
pub fn redacted_change(c: &Change) -> Change {
    let mut c = c.clone();
    redact_change(&mut c);
    c
}

pub fn redact(plan: &Plan) -> Plan {
    let mut p = plan.clone();
    redact_in_place(&mut p);
    p
}

/// [`redact`] without the copy, for callers that have no further use for the raw plan
/// (a large plan is mostly resource bodies; a second copy doubles peak memory).
pub fn redact_in_place(p: &mut Plan) {
    p.changes.iter_mut().for_each(redact_change);
    p.drift.iter_mut().for_each(redact_change);
    p.unmanaged.iter_mut().for_each(redact_resource);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sensitive_names_and_values() {
        assert!(is_sensitive_name("API_KEY"));
        assert!(is_sensitive_name("db-password"));
        assert!(!is_sensitive_name("cost-center"));
        assert!(!is_sensitive_name("max_session_duration"));
        assert!(looks_like_secret("key AKIAIOSFODNN7EXAMPLE here"));
        assert!(!looks_like_secret("AKIAIOSFODNN7EXAMPLEX"));
        assert!(!looks_like_secret("arn:aws:iam::111122223333:role/app"));
    }

    #[test]
    fn redact_replaces_tag_values_fields_and_credential_strings() {
        let mut r = Resource {
            kind: Kind::Alarm,
            region: "us-east-1".into(),
            name: "a".into(),
            id: None,
            spec: Spec::from_value(
                Kind::Alarm,
                json!({"namespace": "AWS/Bedrock", "metric": "Invocations", "statistic": "Sum",
                    "period": 60, "evaluation_periods": 1, "comparison": "GreaterThanThreshold",
                    "description": "uses ASIAABCDEFGHIJKLMNOP", "threshold": 1}),
            )
            .unwrap(),
            tags: [("Secret-Ref".to_string(), "s3cr3t".to_string())].into(),
            status: None,
        };
        redact_resource(&mut r);
        assert_eq!(r.spec.to_value()["description"], REDACTED);
        assert_eq!(r.spec.to_value()["threshold"], 1.0);
        assert_eq!(r.tags["Secret-Ref"], REDACTED);
    }
}
