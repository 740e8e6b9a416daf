//! Spanned YAML tree → typed [`Config`]: shapes, types, unknown keys, policy files.
//!
//! Decoding never stops at the first problem: a bad field is reported and skipped, so a
//! single run lists every error. Range and cross-reference checks live in `validate`.

use super::model::*;
use super::text::Text;
use super::yaml::{Node, NodeKind};
use crate::diag::{code_list, did_you_mean, Diagnostic, Diagnostics};
use crate::span::{SourceId, SourceMap, Span, Spanned};
use std::path::Path;

/// What a policy file is for, which decides the IAM grammar it must follow.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PolicyUse {
    /// A role's `assume_role_policy`.
    Trust,
    /// A customer managed policy or a role's inline policy file.
    Identity,
}

/// Whose tag rules apply to a `tags:` mapping.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TagService {
    Bedrock,
    Iam,
}

pub(crate) struct Decoder<'a> {
    pub diags: &'a mut Diagnostics,
    pub sources: &'a mut SourceMap,
    pub dir: &'a Path,
}

/// A mapping whose keys were checked against the allowed set.
pub(crate) struct MapView<'n> {
    span: Span,
    entries: &'n [(Spanned<Text>, Node)],
}

impl<'n> MapView<'n> {
    /// The value of `key`, treating an explicit null as absent.
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| v)
            .filter(|v| v.kind != NodeKind::Null)
    }

    /// Keys written with no value (`guardrails:`, `guardrails: ~`), with their spans.
    pub fn null_keys(&self) -> impl Iterator<Item = &'n Spanned<Text>> + '_ {
        self.entries
            .iter()
            .filter(|(_, v)| v.kind == NodeKind::Null)
            .map(|(k, _)| k)
    }

    /// Whether the key is written at all, even with a null value.
    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.value == key)
    }

    pub fn key_span(&self, key: &str) -> Span {
        self.entries
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(k, _)| k.span)
            .unwrap_or(self.span)
    }
}

impl Decoder<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.error(span, message)
    }

    pub fn map<'n>(&mut self, node: &'n Node, what: &str, allowed: &[&str]) -> Option<MapView<'n>> {
        let NodeKind::Map(entries) = &node.kind else {
            self.error(
                node.span,
                format!("{what} must be a mapping, found {}", node.type_name()),
            );
            return None;
        };
        for (k, _) in entries {
            if !allowed.contains(&k.value.as_str()) {
                let hint = did_you_mean(&k.value, allowed.iter().copied());
                let d = self.error(k.span, format!("unknown key `{}` in {what}", k.value));
                match hint {
                    Some(h) => d.hints.push(h),
                    None => d
                        .hints
                        .push(format!("expected one of: {}", code_list(allowed))),
                }
            }
        }
        Some(MapView {
            span: node.span,
            entries,
        })
    }

    pub fn req<'n>(&mut self, m: &MapView<'n>, key: &str, what: &str) -> Option<&'n Node> {
        let v = m.get(key);
        if v.is_none() {
            let span = if m.has(key) { m.key_span(key) } else { m.span };
            self.error(span, format!("missing required key `{key}` in {what}"));
        }
        v
    }

    pub fn string(&mut self, node: &Node, what: &str) -> Option<S<String>> {
        match &node.kind {
            // `as_str` then one exact copy: `to_string` went through `Display` and the
            // formatter for each of a large config's ~300,000 strings.
            NodeKind::Scalar { text, .. } => {
                Some(Spanned::new(text.as_str().to_owned(), node.span))
            }
            _ => {
                self.error(
                    node.span,
                    format!("`{what}` must be a string, found {}", node.type_name()),
                );
                None
            }
        }
    }

    pub fn opt_string(&mut self, m: &MapView, key: &str) -> Option<S<String>> {
        m.get(key).and_then(|n| self.string(n, key))
    }

    pub fn req_string(&mut self, m: &MapView, key: &str, what: &str) -> Option<S<String>> {
        self.req(m, key, what).and_then(|n| self.string(n, key))
    }

    fn number_text<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        match &node.kind {
            NodeKind::Scalar { text, plain: true } => Some(text.as_str()),
            NodeKind::Scalar { plain: false, .. } => {
                self.error(
                    node.span,
                    format!("`{what}` must be a number, found a quoted string"),
                );
                None
            }
            _ => {
                self.error(
                    node.span,
                    format!("`{what}` must be a number, found {}", node.type_name()),
                );
                None
            }
        }
    }

    pub fn u32(&mut self, node: &Node, what: &str) -> Option<S<u32>> {
        let text = self.number_text(node, what)?;
        match text.replace('_', "").parse::<i64>() {
            Ok(v) if (0..=i64::from(u32::MAX)).contains(&v) => {
                Some(Spanned::new(v as u32, node.span))
            }
            Ok(v) => {
                self.error(node.span, format!("`{what}` is out of range: `{v}`"));
                None
            }
            Err(_) => {
                self.error(
                    node.span,
                    format!("`{what}` must be a whole number, found `{text}`"),
                );
                None
            }
        }
    }

    pub fn f64(&mut self, node: &Node, what: &str) -> Option<S<f64>> {
        let text = self.number_text(node, what)?;
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(Spanned::new(v, node.span)),
            _ => {
                self.error(
                    node.span,
                    format!("`{what}` must be a number, found `{text}`"),
                );
                None
            }
        }
    }

    pub fn bool(&mut self, node: &Node, what: &str) -> Option<bool> {
        match &node.kind {
            NodeKind::Scalar { text, plain: true } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                other => {
                    self.error(
                        node.span,
                        format!("`{what}` must be `true` or `false`, found `{other}`"),
                    );
                    None
                }
            },
            _ => {
                self.error(
                    node.span,
                    format!(
                        "`{what}` must be `true` or `false`, found {}",
                        node.type_name()
                    ),
                );
                None
            }
        }
    }

    /// A section written with no value is an error, never "manage and delete all": a
    /// list whose entries are all commented out leaves `guardrails:` alone, and taking
    /// that as `[]` destroyed a stack's guardrails (issue 25).
    pub fn refuse_null_sections(&mut self, m: &MapView, what: &str) {
        for k in m.null_keys() {
            let key = k.value.as_str();
            let hint = if LIST_SECTIONS.contains(&key) {
                format!(
                    "write `{key}: []` to manage `{key}` and delete everything of it this stack owns, or remove the key to leave it unmanaged"
                )
            } else {
                format!("give `{key}` a value, or remove the key")
            };
            self.error(k.span, format!("`{key}` in {what} has no value"))
                .hints
                .push(hint);
        }
    }

    /// A list inside an entry written with no value (`regions:` with its items
    /// commented out, `actions: ~`) is an error too: read as "none" it silently drops
    /// an alarm's actions or a grant's regions (issue 25: every list key of the model).
    pub fn refuse_null_lists(&mut self, m: &MapView, what: &str, keys: &[&str]) {
        for k in m.null_keys() {
            let key = k.value.as_str();
            if !keys.contains(&key) {
                continue;
            }
            self.error(k.span, format!("`{key}` in {what} has no value"))
                .hints
                .push(format!(
                    "`{key}` is a list: write `{key}: []` for an empty one, or list its items"
                ));
        }
    }

    pub fn opt_bool(&mut self, m: &MapView, key: &str) -> bool {
        m.get(key).and_then(|n| self.bool(n, key)).unwrap_or(false)
    }

    pub fn list<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Node]> {
        match &node.kind {
            NodeKind::Seq(items) => Some(items),
            _ => {
                self.error(
                    node.span,
                    format!("`{what}` must be a list, found {}", node.type_name()),
                )
                .hints
                .push(format!("write a one-item list as `{what}: [value]`"));
                None
            }
        }
    }

    /// The strings of a list; `None` when the node is not a list at all, so the caller
    /// drops the entry instead of reporting an empty list on top of the type error.
    pub fn string_list(&mut self, node: &Node, what: &str) -> Option<Vec<S<String>>> {
        let items = self.list(node, what)?;
        Some(exact(items, |n| self.string(n, what)))
    }

    pub fn opt_string_list(&mut self, m: &MapView, key: &str) -> Vec<S<String>> {
        m.get(key)
            .and_then(|n| self.string_list(n, key))
            .unwrap_or_default()
    }

    pub fn enumeration<T: Copy>(
        &mut self,
        node: &Node,
        what: &str,
        options: &[(&str, T)],
    ) -> Option<S<T>> {
        let s = self.string(node, what)?;
        match options.iter().find(|(name, _)| *name == s.value) {
            Some((_, v)) => Some(Spanned::new(*v, s.span)),
            None => {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                let hint = did_you_mean(&s.value, names.iter().copied())
                    .unwrap_or_else(|| format!("expected one of: {}", code_list(&names)));
                self.error(s.span, format!("invalid `{what}`: `{}`", s.value))
                    .hints
                    .push(hint);
                None
            }
        }
    }

    /// `tags:` of a resource, checked against the service's tag rules (bedrock-api.md
    /// TagResource; IAM TagRole): keys 1–128 and values 0–256 characters of the allowed
    /// set, no `aws:` keys, and none of the ownership keys bedrockctl sets itself.
    pub fn opt_tags(&mut self, m: &MapView, service: TagService) -> Tags {
        let Some(node) = m.get("tags") else {
            return Tags::new();
        };
        let NodeKind::Map(entries) = &node.kind else {
            self.error(
                node.span,
                format!("`tags` must be a mapping, found {}", node.type_name()),
            );
            return Tags::new();
        };
        let (allowed, pattern): (fn(char) -> bool, &str) = match service {
            TagService::Bedrock => (
                |c| c.is_ascii_alphanumeric() || c.is_whitespace() || "._:/=+@-".contains(c),
                r"[a-zA-Z0-9\s._:/=+@-]*",
            ),
            TagService::Iam => (
                |c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c),
                r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*",
            ),
        };
        // Borrowed from the tree until `Tags` copies them once into its one string.
        let mut out: Vec<(&str, &str)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            let NodeKind::Scalar { text, .. } = &v.kind else {
                // Reports the type error.
                let _ = self.string(v, &k.value);
                continue;
            };
            let value = Spanned::new(text.as_str(), v.span);
            let key = &k.value;
            let n = key.chars().count();
            if n == 0 || n > 128 {
                self.error(
                    k.span,
                    format!("tag key `{key}` must be 1 to 128 characters, found {n}"),
                );
            } else if let Some(bad) = key.chars().find(|c| !allowed(*c)) {
                self.error(k.span, format!("tag key `{key}` contains `{bad}`"))
                    .hints
                    .push(format!("allowed: `{pattern}`"));
            } else if key.to_ascii_lowercase().starts_with("aws:") {
                self.error(k.span, format!("tag key `{key}` is reserved for AWS use"));
            } else if key == crate::vocab::TAG_MANAGED_BY || key.starts_with("bedrockctl:") {
                self.error(
                    k.span,
                    format!("tag key `{key}` is reserved for bedrockctl's ownership tags"),
                )
                .hints
                .push("bedrockctl sets `managed-by` and `bedrockctl:*` itself".to_string());
            }
            let n = value.value.chars().count();
            if n > 256 {
                self.error(
                    value.span,
                    format!("tag value of `{key}` is too long: {n} characters, at most 256"),
                );
            } else if let Some(bad) = value.value.chars().find(|c| !allowed(*c)) {
                self.error(
                    value.span,
                    format!("tag value `{}` contains `{bad}`", value.value),
                )
                .hints
                .push(format!("allowed: `{pattern}`"));
            }
            out.push((key.as_str(), value.value));
        }
        out.into_iter().collect()
    }

    /// Read and check a policy file, then IAM's grammar for its use: a trust policy names
    /// a `Principal` and no `Resource`, an identity policy the other way round
    /// (MalformedPolicyDocument otherwise). Reported at the statement in the file.
    pub fn policy_file_for(&mut self, path: S<String>, use_: PolicyUse) -> Option<PolicyFile> {
        let file = self.policy_file(path)?;
        let text = self.sources.get(file.source).map(|f| f.text.clone())?;
        let root = crate::iam::json::parse(&text).ok()?;
        let statements: Vec<&crate::iam::json::Node> = match root.get("Statement") {
            Some(n) => match &n.value {
                crate::iam::json::Json::Arr(items) => items.iter().collect(),
                _ => vec![n],
            },
            None => Vec::new(),
        };
        let mut ok = true;
        for (i, st) in statements.iter().enumerate() {
            let has = |k: &str| st.get(k).is_some();
            let at = |k: &str| {
                st.as_object()
                    .and_then(|ms| ms.iter().find(|m| m.key == k))
                    .map_or(st.start, |m| m.key_start)
            };
            let problem = match use_ {
                PolicyUse::Trust if !has("Principal") && !has("NotPrincipal") => Some((
                    st.start,
                    format!("statement {i} of a trust policy has no `Principal`"),
                    "name who may assume the role, e.g. `\"Principal\": {\"Service\": \"lambda.amazonaws.com\"}`",
                )),
                PolicyUse::Trust if has("Resource") || has("NotResource") => Some((
                    at(if has("Resource") { "Resource" } else { "NotResource" }),
                    format!("statement {i} of a trust policy has a `Resource`"),
                    "a trust policy's resource is the role itself: remove `Resource`",
                )),
                PolicyUse::Identity if !has("Resource") && !has("NotResource") => Some((
                    st.start,
                    format!("statement {i} has no `Resource`"),
                    "name the ARNs the statement applies to, or `\"Resource\": \"*\"`",
                )),
                PolicyUse::Identity if has("Principal") || has("NotPrincipal") => Some((
                    at(if has("Principal") { "Principal" } else { "NotPrincipal" }),
                    format!("statement {i} of an identity policy has a `Principal`"),
                    "the principal of an identity policy is the role it is attached to: remove `Principal`",
                )),
                _ => None,
            };
            if let Some((offset, message, hint)) = problem {
                ok = false;
                self.error(Span::new(file.source, offset, offset + 1), message)
                    .hints
                    .push(hint.to_string());
            }
        }
        ok.then_some(file)
    }

    /// Read and check a policy JSON file named by a config value.
    pub fn policy_file(&mut self, path: S<String>) -> Option<PolicyFile> {
        let full = self.dir.join(&path.value);
        // Bounded read: a policy path naming /dev/zero or a huge file fails at its value.
        let bytes = match crate::input::read_bounded(&full, MAX_POLICY_FILE_BYTES) {
            Ok(b) => crate::input::strip_bom(b),
            Err(e) => {
                self.error(
                    path.span,
                    format!("cannot read policy file `{}`: {e}", path.value),
                );
                return None;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let id = self.sources.add(path.value.clone(), lossy);
                self.error(
                    Span::new(id, valid, valid + 1),
                    "policy file is not valid UTF-8",
                );
                return None;
            }
        };
        let id: SourceId = self.sources.add(path.value.clone(), text.clone());
        match crate::iam::check_policy_text(&text) {
            Ok(document) => Some(PolicyFile {
                path,
                source: id,
                document,
            }),
            Err(errors) => {
                for e in errors {
                    let d = self.error(Span::new(id, e.offset, e.offset + 1), e.message);
                    d.hints.extend(e.hint);
                }
                None
            }
        }
    }
}

/// Policy files a config names are refused past this size (IAM's largest policy document,
/// a managed policy, is 6,144 characters; the margin covers pretty-printing).
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
pub const MAX_POLICY_FILE_BYTES: usize = 1 << 20;

/// Sections that list resources or checks: `[]` is meaningful for them, null never is.
const LIST_SECTIONS: &[&str] = &[
    "models",
    "provisioned_throughput",
    "guardrails",
    "inference_profiles",
    "invocation_logging",
    "alarms",
    "vpc_endpoints",
    "access_checks",
    "policies",
    "roles",
];

const TOP: &[&str] = &[
    "version",
    "stack",
    "account",
    "models",
    "provisioned_throughput",
    "guardrails",
    "inference_profiles",
    "invocation_logging",
    "alarms",
    "vpc_endpoints",
    "iam",
    "organization",
    "access_checks",
    "batch_roles",
    "audit",
    "accept_agreements",
    "revoke_agreements_on_destroy",
    "use_case",
];

/// Decode the whole document. Returns `None` when required top-level parts are unusable;
/// diagnostics say why.
///
/// Takes the tree: each section's subtree is dropped as soon as that section is decoded,
/// so the typed model grows into the memory the tree gives back instead of on top of
/// all of it (a 50,000-resource config's peak, issue 21).
pub(crate) fn decode(
    dec: &mut Decoder,
    mut root: Node,
    streamed: super::stream::Streamed,
    path: &Path,
    source: SourceId,
) -> Option<Config> {
    let m = dec.map(&root, "the config", TOP)?;
    dec.refuse_null_sections(&m, "the config");
    let version = dec
        .req(&m, "version", "the config")
        .and_then(|n| dec.u32(n, "version"));
    let stack = dec.req_string(&m, "stack", "the config");
    // `account` is optional: without it no account is pinned and the regions are the
    // ones the config uses.
    let account = match m.get("account") {
        Some(n) => decode_account(dec, n),
        None => Some(AccountSpec {
            id: None,
            regions: Vec::new(),
            regions_declared: false,
            span: m.key_span("account"),
        }),
    };
    let root_span = root.span;
    // `map` above accepted the root, so it is a mapping.
    let NodeKind::Map(entries) = &mut root.kind else {
        return None;
    };
    let models = section(dec, entries, "models", streamed.models, decode_model);
    let provisioned_throughput = section(
        dec,
        entries,
        "provisioned_throughput",
        streamed.provisioned_throughput,
        decode_pt,
    );
    let guardrails = section(
        dec,
        entries,
        "guardrails",
        streamed.guardrails,
        super::decode_guardrail::decode_guardrail,
    );
    let inference_profiles = section(
        dec,
        entries,
        "inference_profiles",
        streamed.inference_profiles,
        decode_profile,
    );
    let invocation_logging = section(
        dec,
        entries,
        "invocation_logging",
        streamed.invocation_logging,
        decode_logging,
    );
    let alarms = section(dec, entries, "alarms", streamed.alarms, decode_alarm);
    let vpc_endpoints = take(entries, "vpc_endpoints").map(|n| {
        decode_owned_list(
            dec,
            n,
            "vpc_endpoints",
            super::decode_vpce::decode_vpc_endpoint,
        )
    });
    let iam = take(entries, "iam").and_then(|n| super::decode_iam::decode_iam(dec, &n));
    let organization =
        take(entries, "organization").and_then(|n| super::decode_iam::decode_organization(dec, &n));
    let access_checks = take(entries, "access_checks")
        .map(|n| decode_owned_list(dec, n, "access_checks", super::decode_iam::decode_check))
        .unwrap_or_default();
    let batch_roles = take(entries, "batch_roles")
        .map(|n| decode_owned_list(dec, n, "batch_roles", super::decode_iam::decode_batch_role))
        .unwrap_or_default();
    let audit = take(entries, "audit").and_then(|n| super::decode_audit::decode_audit(dec, &n));
    // Taken sections leave their key (with a null value): `has` and `key_span` below
    // still see them.
    let m = MapView {
        span: root_span,
        entries,
    };
    let model_access = super::access::decode_settings(dec, &m);
    // A kind key written with no value is an error (refuse_null_sections); the
    // `or_else` below keeps `[]` meaning "manage this kind".
    let mut config = Config {
        path: path.to_path_buf(),
        dir: dec.dir.to_path_buf(),
        source,
        version: version?,
        stack: stack?,
        account: account?,
        models: models.or_else(|| m.has("models").then(Vec::new)),
        provisioned_throughput: provisioned_throughput
            .or_else(|| m.has("provisioned_throughput").then(Vec::new)),
        guardrails: guardrails.or_else(|| m.has("guardrails").then(Vec::new)),
        inference_profiles: inference_profiles
            .or_else(|| m.has("inference_profiles").then(Vec::new)),
        invocation_logging: invocation_logging
            .or_else(|| m.has("invocation_logging").then(Vec::new)),
        alarms: alarms.or_else(|| m.has("alarms").then(Vec::new)),
        vpc_endpoints: vpc_endpoints.or_else(|| m.has("vpc_endpoints").then(Vec::new)),
        iam,
        organization,
        access_checks,
        batch_roles,
        audit,
        model_access,
    };
    if !config.account.regions_declared {
        config.account.regions = used_regions(&config);
        // A managed kind with no region to look in would silently delete nothing
        // (`guardrails: []` means "delete what this stack owns", somewhere).
        if config.account.regions.is_empty() {
            for &key in REGIONAL_SECTIONS {
                if m.has(key) {
                    dec.error(
                        m.key_span(key),
                        format!("`{key}` is managed but the config names no region"),
                    )
                    .hints
                    .push("list the regions to manage in `account.regions`".to_string());
                }
            }
        }
    }
    Some(config)
}

/// The value of the first `key` of a mapping, moved out (a null stays in its place, so
/// the key is still written); `None` when absent or null, as [`MapView::get`].
fn take(entries: &mut [(Spanned<Text>, Node)], key: &str) -> Option<Node> {
    let (_, value) = entries.iter_mut().find(|(k, _)| k.value == key)?;
    if value.kind == NodeKind::Null {
        return None;
    }
    let null = Node {
        kind: NodeKind::Null,
        span: value.span,
    };
    Some(std::mem::replace(value, null))
}

/// Every region the config names, in order of first appearance (IAM grants and access
/// checks included), for a config that does not write `account.regions`.
fn used_regions(cfg: &Config) -> Vec<S<String>> {
    let mut out: Vec<S<String>> = Vec::new();
    let mut add = |r: &S<String>| {
        if !out.iter().any(|x| x.value == r.value) {
            out.push(r.clone());
        }
    };
    for m in cfg.models.iter().flatten() {
        m.regions.iter().for_each(&mut add);
    }
    for p in cfg.provisioned_throughput.iter().flatten() {
        add(&p.region);
    }
    for g in cfg.guardrails.iter().flatten() {
        g.regions.iter().for_each(&mut add);
    }
    for p in cfg.inference_profiles.iter().flatten() {
        add(&p.region);
    }
    for l in cfg.invocation_logging.iter().flatten() {
        add(&l.region);
    }
    for a in cfg.alarms.iter().flatten() {
        add(&a.region);
    }
    for e in cfg.vpc_endpoints.iter().flatten() {
        add(&e.region);
    }
    for role in cfg.iam.iter().flat_map(|i| i.roles.iter().flatten()) {
        for p in &role.policies {
            if let RolePolicy::Grants { grants, .. } = p {
                for g in grants {
                    g.regions.iter().for_each(&mut add);
                }
            }
        }
    }
    for c in &cfg.access_checks {
        add(&c.region);
    }
    for b in &cfg.batch_roles {
        b.regions.iter().for_each(&mut add);
    }
    out
}

/// A resource list of the root: the items the parser streamed (see `stream`), or the
/// tree's, taken out of it and freed entry by entry as they are decoded.
fn section<T>(
    dec: &mut Decoder,
    entries: &mut [(Spanned<Text>, Node)],
    key: &str,
    streamed: Vec<T>,
    item: fn(&mut Decoder, &Node) -> Option<T>,
) -> Option<Vec<T>> {
    let node = take(entries, key)?;
    Some(if streamed.is_empty() {
        decode_owned_list(dec, node, key, item)
    } else {
        streamed
    })
}

pub(crate) fn decode_list<T>(
    dec: &mut Decoder,
    node: &Node,
    what: &str,
    item: fn(&mut Decoder, &Node) -> Option<T>,
) -> Vec<T> {
    let Some(items) = dec.list(node, what) else {
        return Vec::new();
    };
    exact(items, |n| item(dec, n))
}

/// [`decode_list`] of a section taken out of the tree: each entry's subtree is freed as
/// soon as that entry is decoded, so the model grows into the memory the tree gives back
/// (the largest section no longer has its tree and its model alive at once, issue 21).
fn decode_owned_list<T>(
    dec: &mut Decoder,
    node: Node,
    what: &str,
    item: fn(&mut Decoder, &Node) -> Option<T>,
) -> Vec<T> {
    let NodeKind::Seq(items) = node.kind else {
        // Reports the type error.
        let _ = dec.list(&node, what);
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    out.extend(items.into_iter().filter_map(|n| item(dec, &n)));
    out
}

/// `filter_map` into a vector sized by the list: `collect` would start at a capacity of
/// four, so one- and two-entry lists (most of a config's) took twice to four times their
/// size (issue 21).
pub(crate) fn exact<T>(items: &[Node], mut f: impl FnMut(&Node) -> Option<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    out.extend(items.iter().filter_map(&mut f));
    out
}

fn decode_account(dec: &mut Decoder, node: &Node) -> Option<AccountSpec> {
    let m = dec.map(node, "`account`", &["id", "regions"])?;
    dec.refuse_null_lists(&m, "`account`", &["regions"]);
    let id = dec.opt_string(&m, "id");
    let regions_declared = m.get("regions").is_some();
    let regions = match m.get("regions") {
        Some(n) => dec.string_list(n, "regions")?,
        None => Vec::new(),
    };
    Some(AccountSpec {
        id,
        regions,
        regions_declared,
        span: node.span,
    })
}

pub(super) fn decode_model(dec: &mut Decoder, node: &Node) -> Option<ModelReq> {
    let what = "a `models` entry";
    let m = dec.map(node, what, &["id", "regions", "via", "access"])?;
    dec.refuse_null_lists(&m, what, &["regions"]);
    let id = dec.req_string(&m, "id", what);
    let regions = dec
        .req(&m, "regions", what)
        .and_then(|n| dec.string_list(n, "regions"));
    let via = match m.get("via") {
        Some(n) => dec.enumeration(n, "via", Via::ALL),
        None => Some(Spanned::new(Via::OnDemand, node.span)),
    };
    let access = super::access::decode_access_mode(dec, &m, node.span);
    Some(ModelReq {
        id: id?,
        regions: regions?,
        via: via?,
        access: access?,
        span: node.span,
    })
}

pub(super) fn decode_pt(dec: &mut Decoder, node: &Node) -> Option<ProvisionedThroughput> {
    let what = "a `provisioned_throughput` entry";
    let m = dec.map(
        node,
        what,
        &[
            "name",
            "region",
            "model",
            "model_units",
            "commitment",
            "prevent_destroy",
            "tags",
        ],
    )?;
    let name = dec.req_string(&m, "name", what);
    let region = dec.req_string(&m, "region", what);
    let model = dec.req_string(&m, "model", what);
    let model_units = dec
        .req(&m, "model_units", what)
        .and_then(|n| dec.u32(n, "model_units"));
    let commitment = match m.get("commitment") {
        Some(n) => dec.enumeration(n, "commitment", Commitment::ALL),
        None => Some(Spanned::new(Commitment::None, node.span)),
    };
    let prevent_destroy = dec.opt_bool(&m, "prevent_destroy");
    let tags = dec.opt_tags(&m, TagService::Bedrock);
    Some(ProvisionedThroughput {
        name: name?,
        region: region?,
        model: model?,
        model_units: model_units?,
        commitment: commitment?,
        prevent_destroy,
        tags,
        span: node.span,
    })
}

pub(super) fn decode_profile(dec: &mut Decoder, node: &Node) -> Option<InferenceProfile> {
    let what = "an `inference_profiles` entry";
    let m = dec.map(
        node,
        what,
        &[
            "name",
            "region",
            "copy_from",
            "description",
            "tags",
            "prevent_destroy",
        ],
    )?;
    let name = dec.req_string(&m, "name", what);
    let region = dec.req_string(&m, "region", what);
    let copy_from = dec.req_string(&m, "copy_from", what);
    let description = dec.opt_string(&m, "description");
    let tags = dec.opt_tags(&m, TagService::Bedrock);
    let prevent_destroy = dec.opt_bool(&m, "prevent_destroy");
    Some(InferenceProfile {
        name: name?,
        region: region?,
        copy_from: copy_from?,
        description,
        tags,
        prevent_destroy,
        span: node.span,
    })
}

pub(super) fn decode_logging(dec: &mut Decoder, node: &Node) -> Option<InvocationLogging> {
    let what = "an `invocation_logging` entry";
    let m = dec.map(node, what, &["region", "cloudwatch", "s3", "data"])?;
    dec.refuse_null_lists(&m, what, &["data"]);
    let region = dec.req_string(&m, "region", what);
    let cloudwatch = m.get("cloudwatch").and_then(|n| {
        let c = dec.map(n, "`cloudwatch`", &["log_group", "role"])?;
        let log_group = dec.req_string(&c, "log_group", "`cloudwatch`");
        let role = dec.req_string(&c, "role", "`cloudwatch`");
        Some(CloudWatchLogging {
            log_group: log_group?,
            role: role?,
            span: n.span,
        })
    });
    let s3 = m.get("s3").and_then(|n| {
        let c = dec.map(n, "`s3`", &["bucket", "prefix"])?;
        let bucket = dec.req_string(&c, "bucket", "`s3`");
        let prefix = dec.opt_string(&c, "prefix");
        Some(S3Logging {
            bucket: bucket?,
            prefix,
            span: n.span,
        })
    });
    let data = dec.opt_string_list(&m, "data");
    Some(InvocationLogging {
        region: region?,
        cloudwatch,
        s3,
        data,
        span: node.span,
    })
}

pub(super) fn decode_alarm(dec: &mut Decoder, node: &Node) -> Option<Alarm> {
    let what = "an `alarms` entry";
    let m = dec.map(
        node,
        what,
        &[
            "name",
            "region",
            "metric",
            "model",
            "statistic",
            "period",
            "evaluation_periods",
            "threshold",
            "comparison",
            "actions",
            "description",
            "prevent_destroy",
        ],
    )?;
    dec.refuse_null_lists(&m, what, &["actions"]);
    let name = dec.req_string(&m, "name", what);
    let region = dec.req_string(&m, "region", what);
    let metric = dec.req_string(&m, "metric", what);
    let model = dec.opt_string(&m, "model");
    let statistic = dec.req_string(&m, "statistic", what);
    let period = dec
        .req(&m, "period", what)
        .and_then(|n| dec.u32(n, "period"));
    let evaluation_periods = match m.get("evaluation_periods") {
        Some(n) => dec.u32(n, "evaluation_periods"),
        None => Some(Spanned::new(1, node.span)),
    };
    let threshold = dec
        .req(&m, "threshold", what)
        .and_then(|n| dec.f64(n, "threshold"));
    let comparison = dec.req_string(&m, "comparison", what);
    let actions = dec.opt_string_list(&m, "actions");
    let description = dec.opt_string(&m, "description");
    let prevent_destroy = dec.opt_bool(&m, "prevent_destroy");
    Some(Alarm {
        name: name?,
        region: region?,
        metric: metric?,
        model,
        statistic: statistic?,
        period: period?,
        evaluation_periods: evaluation_periods?,
        threshold: threshold?,
        comparison: comparison?,
        actions,
        description,
        prevent_destroy,
        span: node.span,
    })
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
