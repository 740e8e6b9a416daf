//! Policy lint: findings about IAM policy documents that grant Bedrock access,
//! each with a stable kebab-case code, a default severity, a one-line fix and a doc
//! page under `docs/lint/<code>.md`.
//!
//! Severities follow design.md: an error means the policy does not do what it
//! evidently intends or grants too much; a warning is a legacy model, an unused
//! grant or style; a note is advice. Only errors fail `bedrockctl lint` (exit 3).
//!
//! The linter reads text through the spanned JSON parser, so every finding has a byte
//! offset; it does no I/O (the CLI reads files and the config).

mod actions;
mod arn_vars;
mod batch;
mod iam_names;
mod match_;
mod models;
mod names;
pub mod render;

use crate::catalog::catalog;
use crate::config::{Config, RolePolicy};
use crate::diag::{Diagnostic, Severity};
use crate::iam::json::{self, Node};
use crate::iam::policy::{self, Policy};
use crate::iam::PolicyError;
use crate::span::{SourceId, SourceMap, Span};
use std::collections::BTreeSet;

/// A lint rule: code, default severity, what it finds and how to fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub fix: &'static str,
}

/// Every rule, in a stable order (the order of `docs/lint/`).
pub const RULES: &[Rule] = &[
    Rule {
        code: "bedrock-wildcard-action",
        severity: Severity::Error,
        summary: "an Allow grants `*` or `bedrock:*`",
        fix: "list the actions the workload calls, e.g. `bedrock:InvokeModel`",
    },
    Rule {
        code: "invoke-resource-wildcard",
        severity: Severity::Error,
        summary: "invoke actions are allowed on `Resource: \"*\"` or on every foundation model",
        fix: "name the foundation-model or inference-profile ARNs the workload uses",
    },
    Rule {
        code: "foundation-model-arn-with-account",
        severity: Severity::Error,
        summary: "a foundation-model ARN carries an account id and never matches",
        fix: "leave the account field empty: `arn:aws:bedrock:REGION::foundation-model/ID`",
    },
    Rule {
        code: "profile-arn-without-account",
        severity: Severity::Error,
        summary: "an inference-profile ARN has an empty account field and never matches",
        fix: "put the account id: `arn:aws:bedrock:REGION:ACCOUNT:inference-profile/ID` (or `*`)",
    },
    Rule {
        code: "variable-in-arn-prefix",
        severity: Severity::Error,
        summary: "a policy variable sits before the fifth colon of a Resource ARN and never matches",
        fix: "put the real partition/service/region/account, or use a `*` and an `aws:ResourceAccount` condition",
    },
    Rule {
        code: "unknown-model",
        severity: Severity::Warning,
        summary: "the model or profile id is not in the catalog",
        fix: "check the id against `bedrockctl models`",
    },
    Rule {
        code: "model-not-in-region",
        severity: Severity::Error,
        summary: "the catalog confirms the model or profile is not offered in that region",
        fix: "use a region the model is offered in, or its cross-region profile",
    },
    Rule {
        code: "profile-missing-destinations",
        severity: Severity::Error,
        summary: "an inference-profile grant lacks the foundation-model ARN of a destination region",
        fix: "allow the same actions on the foundation-model ARN in every destination region",
    },
    Rule {
        code: "streaming-missing",
        severity: Severity::Note,
        summary: "a chat model gets `bedrock:InvokeModel` but not `bedrock:InvokeModelWithResponseStream`",
        fix: "add `bedrock:InvokeModelWithResponseStream` if the app streams (ConverseStream)",
    },
    Rule {
        code: "legacy-model",
        severity: Severity::Warning,
        summary: "the model is legacy or past its end of life",
        fix: "move to the model's successor",
    },
    Rule {
        code: "not-action-allow",
        severity: Severity::Error,
        summary: "an Allow with `NotAction` grants every other action of every service",
        fix: "list the allowed actions with `Action` instead",
    },
    Rule {
        code: "not-resource-allow",
        severity: Severity::Error,
        summary: "an Allow of invoke actions with `NotResource` grants every other model",
        fix: "list the allowed model and profile ARNs with `Resource` instead",
    },
    Rule {
        code: "passrole-wildcard",
        severity: Severity::Error,
        summary: "`iam:PassRole` is allowed on every role",
        fix: "name the role ARN and add `iam:PassedToService`",
    },
    Rule {
        code: "unknown-action",
        severity: Severity::Warning,
        summary: "a `bedrock:` action is not in the Service Authorization Reference list, or a wildcard matches none",
        fix: "use the action AWS checks, e.g. `bedrock:InvokeModel` for Converse",
    },
    Rule {
        code: "unknown-condition-key",
        severity: Severity::Warning,
        summary: "a `bedrock:` condition key does not exist: no request carries it, which can make the statement dead",
        fix: "use a documented key such as `bedrock:InferenceProfileArn`, or name the models in `Resource`",
    },
    Rule {
        code: "grant-never-applies",
        severity: Severity::Error,
        summary: "an action is allowed only on resources it is never authorized on",
        fix: "grant actions without a resource type on `\"*\"`, and others on ARNs of their resource type",
    },
    Rule {
        code: "shadowed-statement",
        severity: Severity::Warning,
        summary: "a statement is covered by a broader unconditional one",
        fix: "remove the narrower statement or narrow the broader one",
    },
    Rule {
        code: "unused-grant",
        severity: Severity::Warning,
        summary: "access is granted to a model the config never names in `models:`",
        fix: "add the model to `models:` or remove the grant",
    },
    Rule {
        code: "resource-org-condition-on-model",
        severity: Severity::Error,
        summary: "an `aws:ResourceOrgID`/`aws:ResourceOrgPaths` condition on foundation-model access never matches (they belong to Bedrock)",
        fix: "drop the organization condition from statements about foundation models, or limit it to your own resources",
    },
    Rule {
        code: "bedrock-trust-without-source-account",
        severity: Severity::Warning,
        summary: "a trust policy lets `bedrock.amazonaws.com` assume the role for any account",
        fix: "add `aws:SourceAccount` (your account) and `aws:SourceArn` (`…:model-invocation-job/*`)",
    },
    Rule {
        code: "batch-output-not-writable",
        severity: Severity::Error,
        summary: "a batch job's service role cannot write the job's output location",
        fix: "grant `s3:PutObject` on the output prefix (and `s3:ListBucket` on its bucket), or use `batch_roles:`",
    },
    Rule {
        code: "wildcard-provisioned-grant",
        severity: Severity::Warning,
        summary: "a `via: provisioned` grant allows every provisioned model of the account in its regions",
        fix: "name the stack's provisioned throughput: `provisioned: NAME`",
    },
];

/// The rule of a code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// The doc page of a code, relative to the repository root.
pub fn doc_path(code: &str) -> String {
    format!("docs/lint/{code}.md")
}

/// One finding at a byte offset of the linted text.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub offset: usize,
    pub end: usize,
}

impl Finding {
    pub(crate) fn new(code: &'static str, offset: usize, end: usize, message: String) -> Finding {
        Finding {
            code,
            severity: rule(code).map(|r| r.severity).unwrap_or(Severity::Warning),
            message,
            offset,
            end,
        }
    }

    /// As a diagnostic of `source`, with the fix and the doc page as hints.
    pub fn to_diagnostic(&self, source: SourceId) -> Diagnostic {
        let span = Span::new(source, self.offset, self.end.max(self.offset));
        located(self, Some(span))
    }
}

fn located(f: &Finding, span: Option<Span>) -> Diagnostic {
    let mut d = Diagnostic {
        severity: f.severity,
        code: f.code,
        message: f.message.clone(),
        span,
        hints: Vec::new(),
    };
    if let Some(r) = rule(f.code) {
        d.hints.push(format!("fix: {}", r.fix));
    }
    d.hints.push(format!("see `{}`", doc_path(f.code)));
    d
}

/// What the linter knows besides the document.
#[derive(Debug, Clone, Default)]
pub struct LintContext {
    /// Model ids the config names in `models:` (profile ids resolved to their model);
    /// `None` when no config is in play, which turns `unused-grant` off.
    pub models: Option<BTreeSet<String>>,
    /// Today as `YYYY-MM-DD`, for end-of-life dates.
    pub today: String,
    /// The document is a permissions boundary: a ceiling, not a grant, so the rules
    /// about granting too much or too little (wildcards, streaming, destinations,
    /// unused grants) do not apply; the ARN rules still do.
    pub boundary: bool,
}

impl LintContext {
    /// The context of a config: its `models:` (when the key is present).
    pub fn for_config(cfg: &Config, today: &str) -> LintContext {
        let models = cfg.models.as_ref().map(|ms| {
            ms.iter()
                .map(|m| resolve_model(&m.id.value).to_string())
                .collect()
        });
        LintContext {
            models,
            today: today.to_string(),
            boundary: false,
        }
    }
}

/// A profile id stands for its model; anything else for itself.
pub(crate) fn resolve_model(id: &str) -> &str {
    catalog()
        .profile(id)
        .map(|(m, _)| m.model_id.as_str())
        .unwrap_or(id)
}

/// A parsed document with its spanned tree, for rules that need key positions.
pub(crate) struct Doc<'a> {
    pub policy: &'a Policy,
    /// The statement objects, in the order of `policy.statements`.
    pub nodes: Vec<&'a Node>,
    /// The index each statement has in the document as written (statements left out
    /// of a filtered view keep the others' numbers stable in messages).
    pub index: Vec<usize>,
}

impl<'a> Doc<'a> {
    fn new(policy: &'a Policy, root: &'a Node) -> Doc<'a> {
        let nodes = match root.get("Statement").map(|s| &s.value) {
            Some(json::Json::Arr(items)) => items.iter().collect(),
            Some(_) => root.get("Statement").into_iter().collect(),
            None => Vec::new(),
        };
        let index = (0..policy.statements.len()).collect();
        Doc {
            policy,
            nodes,
            index,
        }
    }

    /// Offset of `key` in statement `i`, else the statement's own offset.
    pub fn key_offset(&self, i: usize, key: &str) -> usize {
        self.nodes
            .get(i)
            .and_then(|n| n.as_object())
            .and_then(|ms| ms.iter().find(|m| m.key == key))
            .map(|m| m.key_start)
            .or_else(|| self.policy.statements.get(i).map(|s| s.offset))
            .unwrap_or(0)
    }

    /// How a statement is named in messages: its Sid, else its index.
    pub fn label(&self, i: usize) -> String {
        match self.policy.statements.get(i).and_then(|s| s.sid.as_deref()) {
            Some(sid) => format!("`{sid}`"),
            None => format!("#{}", self.index.get(i).copied().unwrap_or(i)),
        }
    }
}

/// Lint policy text. `Err` holds the problems that keep it from being a policy
/// (invalid JSON or grammar), each at its offset.
pub fn lint_text(text: &str, ctx: &LintContext) -> Result<Vec<Finding>, Vec<PolicyError>> {
    let root = json::parse(text).map_err(|e| vec![PolicyError::new(e.offset, e.message)])?;
    let policy = policy::parse_node(&root)?;
    let doc = Doc::new(&policy, &root);
    let mut out = Vec::new();
    names::check(&doc, &mut out);
    arn_vars::check(&doc, &mut out);
    batch::check(&doc, &mut out);
    // The rules about what statements grant skip dead statements (an unknown
    // condition key no request carries): such a statement grants nothing, so saying
    // it "allows invoking every model" would be wrong (issue 22, wild policy 19).
    let dead = names::dead_statements(&policy.statements);
    let live_policy;
    let live = if dead.is_empty() {
        &doc
    } else {
        let keep = |i: &usize| !dead.contains(i);
        live_policy = Policy {
            statements: (0..policy.statements.len())
                .filter(keep)
                .filter_map(|i| policy.statements.get(i).cloned())
                .collect(),
            ..policy.clone()
        };
        &Doc {
            policy: &live_policy,
            nodes: (0..doc.nodes.len())
                .filter(keep)
                .filter_map(|i| doc.nodes.get(i).copied())
                .collect(),
            index: (0..policy.statements.len()).filter(keep).collect(),
        }
    };
    if !ctx.boundary {
        actions::check(live, &mut out);
    }
    models::check(live, ctx, &mut out);
    out.sort_by(|a, b| (a.offset, a.code).cmp(&(b.offset, b.code)));
    out.dedup();
    Ok(out)
}

/// Lint a file already in `sources`; findings become diagnostics of that file.
pub fn lint_source(
    sources: &SourceMap,
    id: SourceId,
    ctx: &LintContext,
) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let text = sources.get(id).map(|f| f.text.as_str()).unwrap_or("");
    match lint_text(text, ctx) {
        Ok(fs) => Ok(fs.iter().map(|f| f.to_diagnostic(id)).collect()),
        Err(errs) => Err(errs
            .into_iter()
            .map(|e| {
                let d = Diagnostic::error(Some(Span::new(id, e.offset, e.offset)), e.message);
                match e.hint {
                    Some(h) => d.with_hint(h),
                    None => d,
                }
            })
            .collect()),
    }
}

/// `batch-output-not-writable`: an access check of a batch job whose service role cannot
/// write the output location (or list it), found by the same decomposition `check`
/// evaluates (`iam::batch_check`): the job would fail after it started.
fn batch_outputs(cfg: &Config, account: &str, out: &mut Vec<Diagnostic>) {
    if cfg.access_checks.iter().all(|c| c.batch.is_none()) {
        return;
    }
    let model = crate::check::access::AccessModel::from_config(cfg, account, None);
    for c in &cfg.access_checks {
        // A check expecting a deny documents a job that must not work.
        let Some(b) = c
            .batch
            .as_ref()
            .filter(|_| c.expect.value == crate::config::Expect::Allow)
        else {
            continue;
        };
        let r = crate::check::batch_check::run(&model, c, b);
        // The decomposition ends with the output's PutObject and ListBucket.
        let n = r.legs.len();
        let blocked = n >= 2
            && r.legs[n - 2..]
                .iter()
                .any(|l| !l.outcome.decision.is_allow());
        if blocked {
            let f = Finding::new(
                "batch-output-not-writable",
                0,
                0,
                format!(
                    "role `{}` cannot write `{}`: a batch job started with it fails when it writes its results",
                    b.role.value, b.output.value
                ),
            );
            out.push(located(&f, Some(b.output.span)));
        }
    }
}

/// Lint a file in any format [`crate::policy::inputs`] reads: a bare policy as
/// [`lint_source`] does; a CLI output, template or plan document by document, each
/// finding at the document's own line when the format has one (else at the resource)
/// and prefixed with the document's address. `kind` is the `--as` kind given for the
/// file, if any; otherwise a kind the format states (an SCP, a permissions boundary)
/// applies.
pub fn lint_input(
    sources: &SourceMap,
    id: SourceId,
    ctx: &LintContext,
    kind_given: bool,
) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    use crate::policy::inputs::{extract, render, Extracted};
    let Some(file) = sources.get(id) else {
        return Ok(Vec::new());
    };
    let documents = match extract(&file.name, &file.text) {
        Ok(Extracted::Policy) => return lint_source(sources, id, ctx),
        Ok(Extracted::Documents(format, docs)) if docs.is_empty() => {
            // Say so: "0 errors" on a template without policies would read as a pass.
            let d = Diagnostic {
                severity: crate::diag::Severity::Note,
                ..Diagnostic::error(
                    Some(Span::new(id, 0, 0)),
                    format!("no IAM policy found in this {}", format.name()),
                )
            };
            return Ok(vec![d]);
        }
        Ok(Extracted::Documents(_, docs)) => docs,
        Err(e) => {
            let span = Span::new(id, e.offset, e.offset);
            return Err(vec![Diagnostic::error(Some(span), e.message)]);
        }
    };
    let mut out = Vec::new();
    let mut invalid = Vec::new();
    for e in documents {
        let (text, map) = render(&e.document);
        let ctx = LintContext {
            boundary: ctx.boundary
                || (!kind_given && matches!(e.kind, Some("scp" | "rcp" | "boundary"))),
            ..ctx.clone()
        };
        let at = |offset: usize| {
            let o = map.file_offset(offset).unwrap_or(e.anchor);
            Span::new(id, o, o)
        };
        match lint_text(&text, &ctx) {
            Ok(fs) => {
                for f in fs {
                    let mut d = located(&f, Some(at(f.offset)));
                    d.message = format!("{}: {}", e.address, d.message);
                    out.push(d);
                }
            }
            Err(errs) => {
                for err in errs {
                    let d = Diagnostic::error(
                        Some(at(err.offset)),
                        format!("{}: {}", e.address, err.message),
                    );
                    invalid.push(match err.hint {
                        Some(h) => d.with_hint(h),
                        None => d,
                    });
                }
            }
        }
    }
    if invalid.is_empty() {
        Ok(out)
    } else {
        Err(invalid)
    }
}

/// Lint everything a config names: the roles' `file:` policies and the managed
/// policies (each at its own file position), and the generated `grants:` policies
/// (findings there point at the `grants:` block of the YAML; a grant naming a model
/// outside `models:` is `unused-grant` at the id).
pub fn lint_config(
    cfg: &Config,
    sources: &SourceMap,
    account: &str,
    ctx: &LintContext,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut files = Vec::new();
    if let Some(iam) = &cfg.iam {
        let roles = iam.roles.as_deref().unwrap_or(&[]);
        for p in iam.policies.iter().flatten() {
            let name = &p.name.value;
            let named = |v: &str| v == name || v.ends_with(&format!(":policy/{name}"));
            let bounds = roles.iter().any(|r| {
                r.permissions_boundary
                    .as_ref()
                    .is_some_and(|b| named(&b.value))
            });
            let attached = roles.iter().any(|r| {
                r.policies
                    .iter()
                    .any(|rp| matches!(rp, RolePolicy::Managed(m) if named(&m.value)))
            });
            files.push((p.file.source, bounds && !attached));
        }
        for r in iam.roles.iter().flatten() {
            for p in &r.policies {
                match p {
                    RolePolicy::File(f) => files.push((f.source, false)),
                    RolePolicy::Grants { grants, span } => {
                        let document =
                            crate::policy::generate::grants_document(cfg, grants, account);
                        let text = serde_json::to_string_pretty(&document).unwrap_or_default();
                        // Generated text: keep the findings that are about the grant
                        // itself, at the grants block.
                        if let Ok(fs) = lint_text(
                            &text,
                            &LintContext {
                                models: None,
                                ..ctx.clone()
                            },
                        ) {
                            for f in fs {
                                let mut d = located(&f, Some(*span));
                                d.message = format!(
                                    "generated policy of role `{}`: {}",
                                    r.name.value, d.message
                                );
                                out.push(d);
                            }
                        }
                        for g in grants.iter().filter(|g| g.provisioned.is_none()) {
                            let wide = g.invoke.iter().any(|id| {
                                !id.value.starts_with("arn:")
                                    && crate::policy::generate::via_for(cfg, g, &id.value)
                                        == crate::config::Via::Provisioned
                            });
                            if wide {
                                let at = g.via.as_ref().map_or(g.span, |v| v.span);
                                let f = Finding::new(
                                    "wildcard-provisioned-grant",
                                    0,
                                    0,
                                    format!(
                                        "role `{}` may invoke every provisioned model of the account in {}; name the one it uses with `provisioned: NAME`",
                                        r.name.value,
                                        g.regions.iter().map(|x| format!("`{}`", x.value)).collect::<Vec<_>>().join(", ")
                                    ),
                                );
                                out.push(located(&f, Some(at)));
                            }
                        }
                        if let Some(models) = &ctx.models {
                            for g in grants {
                                for id in &g.invoke {
                                    if id.value.starts_with("arn:") {
                                        continue;
                                    }
                                    if !models.contains(resolve_model(&id.value)) {
                                        let f = Finding::new(
                                            "unused-grant",
                                            0,
                                            0,
                                            format!(
                                                "`{}` is granted but never named in `models:`",
                                                id.value
                                            ),
                                        );
                                        out.push(located(&f, Some(id.span)));
                                    }
                                }
                            }
                        }
                    }
                    RolePolicy::Managed(_) => {}
                }
            }
        }
    }
    batch_outputs(cfg, account, &mut out);
    for (id, boundary) in files {
        if !seen.insert(id.0) {
            continue;
        }
        let ctx = LintContext {
            boundary,
            ..ctx.clone()
        };
        match lint_source(sources, id, &ctx) {
            Ok(ds) | Err(ds) => out.extend(ds),
        }
    }
    out
}

#[cfg(test)]
mod tests;
