//! Renderers for lint findings: the `--format json` document and SARIF 2.1.0 for
//! GitHub code scanning (rules with ids, help and default levels; results with a
//! physical location). Text output is `Diagnostic::render`.

use super::{doc_path, RULES};
use crate::diag::{Diagnostic, Severity};
use crate::span::SourceMap;
use serde_json::{json, Value};

/// `(file, line, column)` of a diagnostic, when it has a known span.
pub fn position(d: &Diagnostic, sources: &SourceMap) -> Option<(String, usize, usize)> {
    let span = d.span?;
    let file = sources.get(span.source)?;
    let (line, col) = file.line_col(span.start as usize);
    Some((file.name.clone(), line, col))
}

fn fix_of(d: &Diagnostic) -> Option<&str> {
    d.hints.iter().find_map(|h| h.strip_prefix("fix: "))
}

/// `{"findings": [...], "errors": N, "warnings": N, "notes": N}`.
pub fn json_report(diags: &[Diagnostic], sources: &SourceMap) -> Value {
    let findings: Vec<Value> = diags
        .iter()
        .map(|d| {
            let pos = position(d, sources);
            json!({
                "code": if d.code.is_empty() { None } else { Some(d.code) },
                "severity": d.severity,
                "message": d.message,
                "file": pos.as_ref().map(|p| &p.0),
                "line": pos.as_ref().map(|p| p.1),
                "column": pos.as_ref().map(|p| p.2),
                "fix": fix_of(d),
                "doc": if d.code.is_empty() { None } else { Some(doc_path(d.code)) },
            })
        })
        .collect();
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    json!({
        "findings": findings,
        "errors": count(Severity::Error),
        "warnings": count(Severity::Warning),
        "notes": count(Severity::Note),
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A SARIF artifact URI for a path as the user wrote it: forward slashes, spaces
/// and percent signs escaped (RFC 3986 relative reference).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '\\' => out.push('/'),
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out.strip_prefix("./").map(str::to_string).unwrap_or(out)
}

/// The SARIF 2.1.0 log of a lint run.
pub fn sarif(diags: &[Diagnostic], sources: &SourceMap) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": pascal(r.code),
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": format!("{}. Fix: {}.", r.summary, r.fix)},
                "help": {
                    "text": format!("{}. See {}.", r.fix, doc_path(r.code)),
                    "markdown": format!("{}. See [`{}`]({}).", r.fix, r.code, doc_path(r.code)),
                },
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"tags": ["security", "iam", "bedrock"]},
            })
        })
        .collect();
    let results: Vec<Value> = diags
        .iter()
        .filter_map(|d| {
            let (file, line, col) = position(d, sources)?;
            let index = RULES.iter().position(|r| r.code == d.code);
            let mut message = d.message.clone();
            if let Some(fix) = fix_of(d) {
                message.push_str(&format!(" (fix: {fix})"));
            }
            let mut r = json!({
                "ruleId": if d.code.is_empty() { "policy-invalid" } else { d.code },
                "level": level(d.severity),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&file)},
                        "region": {"startLine": line, "startColumn": col},
                    }
                }],
            });
            if let (Some(i), Some(obj)) = (index, r.as_object_mut()) {
                obj.insert("ruleIndex".into(), json!(i));
            }
            Some(r)
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "bedrockctl",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// `bedrock-wildcard-action` → `BedrockWildcardAction`.
fn pascal(code: &str) -> String {
    code.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}
