//! Model access as declared state (issue 17): `models[].access`, the top-level
//! `accept_agreements`, `revoke_agreements_on_destroy` and `use_case: { file: PATH }`,
//! and `guardrails[].enforce: account`.
//!
//! The use-case form is the `formData` body of `PutUseCaseForModelAccess`, a blob of
//! 10 to 16,384 bytes (botocore bedrock 2023-04-20, `AcknowledgementFormDataBody`). The
//! console and the Terraform/Pulumi resource send a JSON object with the fields below
//! (https://www.pulumi.com/registry/packages/aws/api-docs/bedrock/usecaseformodelaccess/),
//! so the file is checked offline for exactly that, with spans into the JSON file.

use super::decode::{Decoder, MapView};
use super::model::S;
use super::yaml::Node;
use crate::span::{SourceId, Span, Spanned};

/// `models[].access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessMode {
    /// Report readiness and the fix (the behaviour before issue 17).
    #[default]
    Check,
    /// Accept the model's agreement offers and submit the use-case form, then wait.
    Manage,
}

impl AccessMode {
    pub const ALL: &'static [(&'static str, AccessMode)] =
        &[("check", AccessMode::Check), ("manage", AccessMode::Manage)];
}

/// The top-level model-access settings.
#[derive(Debug, Clone, Default)]
pub struct AccessSettings {
    /// `accept_agreements: true`: the config may accept agreement offers (a legal act).
    pub accept_agreements: bool,
    /// `revoke_agreements_on_destroy: true`: `destroy` deletes the agreements of the
    /// config's `access: manage` models.
    pub revoke_agreements_on_destroy: bool,
    pub use_case: Option<UseCaseForm>,
}

/// `use_case: { file: PATH }`, read and checked.
#[derive(Debug, Clone)]
pub struct UseCaseForm {
    pub file: S<String>,
    pub source: SourceId,
    /// The file's text, sent as `formData` as written.
    pub body: String,
    pub span: Span,
}

/// Smallest and largest `formData` (botocore `AcknowledgementFormDataBody`).
pub use crate::vocab::bedrock::{
    USE_CASE_FORM_MAX_BYTES as FORM_MAX_BYTES, USE_CASE_FORM_MIN_BYTES as FORM_MIN_BYTES,
};
/// Fields of the form: (name, required).
pub const FORM_FIELDS: &[(&str, bool)] = &[
    ("companyName", true),
    ("companyWebsite", true),
    ("intendedUsers", true),
    ("industryOption", true),
    ("otherIndustryOption", false),
    ("useCases", true),
];

/// The top-level keys this module decodes.
pub const TOP_KEYS: &[&str] = &[
    "accept_agreements",
    "revoke_agreements_on_destroy",
    "use_case",
];

pub(crate) fn decode_settings(dec: &mut Decoder, m: &MapView) -> AccessSettings {
    let accept_agreements = dec.opt_bool(m, "accept_agreements");
    let revoke_agreements_on_destroy = dec.opt_bool(m, "revoke_agreements_on_destroy");
    let use_case = m.get("use_case").and_then(|n| decode_use_case(dec, n));
    AccessSettings {
        accept_agreements,
        revoke_agreements_on_destroy,
        use_case,
    }
}

fn decode_use_case(dec: &mut Decoder, node: &Node) -> Option<UseCaseForm> {
    let what = "`use_case`";
    let m = dec.map(node, what, &["file"])?;
    let file = dec.req_string(&m, "file", what)?;
    let full = dec.dir.join(&file.value);
    let bytes = match crate::input::read_bounded(&full, FORM_MAX_BYTES + 1) {
        Ok(b) => crate::input::strip_bom(b),
        Err(crate::input::ReadError::TooLarge { .. }) => {
            dec.diags
                .error(
                    file.span,
                    format!(
                        "use-case form `{}` is larger than the {FORM_MAX_BYTES} bytes `PutUseCaseForModelAccess` accepts",
                        file.value
                    ),
                )
                .hints
                .push("shorten `useCases`".to_string());
            return None;
        }
        Err(e) => {
            dec.diags.error(
                file.span,
                format!("cannot read use-case form `{}`: {e}", file.value),
            );
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let id = dec.sources.add(file.value.clone(), lossy);
            dec.diags.error(
                Span::new(id, valid, valid + 1),
                "use-case form is not valid UTF-8",
            );
            return None;
        }
    };
    let source = dec.sources.add(file.value.clone(), text.clone());
    let problems = check_form(&text);
    let ok = problems.is_empty();
    for p in problems {
        let d = dec
            .diags
            .error(Span::new(source, p.offset, p.offset + 1), p.message);
        d.hints.extend(p.hint);
    }
    ok.then_some(UseCaseForm {
        file,
        source,
        body: text,
        span: node.span,
    })
}

/// One problem of a form file, at a byte offset into it.
#[derive(Debug, Clone, PartialEq)]
pub struct FormProblem {
    pub offset: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// Every problem of a use-case form text (empty: it is what the API accepts).
pub fn check_form(text: &str) -> Vec<FormProblem> {
    use crate::iam::json::{parse, Json};
    let mut out = Vec::new();
    let mut problem = |offset: usize, message: String, hint: Option<&str>| {
        out.push(FormProblem {
            offset,
            message,
            hint: hint.map(str::to_string),
        })
    };
    if text.len() < FORM_MIN_BYTES {
        problem(
            0,
            format!(
                "use-case form is {} bytes; `PutUseCaseForModelAccess` needs at least {FORM_MIN_BYTES}",
                text.len()
            ),
            Some("fill in the form's fields (companyName, companyWebsite, intendedUsers, industryOption, useCases)"),
        );
        return out;
    }
    let root = match parse(text) {
        Ok(r) => r,
        Err(e) => {
            problem(
                e.offset,
                format!("use-case form is not valid JSON: {e}"),
                None,
            );
            return out;
        }
    };
    let Json::Obj(members) = &root.value else {
        problem(
            root.start,
            format!("use-case form must be a JSON object, found {}", root.kind()),
            None,
        );
        return out;
    };
    for (field, required) in FORM_FIELDS {
        let found: Vec<_> = members.iter().filter(|m| m.key == *field).collect();
        match found.as_slice() {
            [] if *required => problem(
                root.start,
                format!("use-case form has no `{field}`"),
                Some("the form's fields: companyName, companyWebsite, intendedUsers, industryOption, otherIndustryOption, useCases"),
            ),
            [] => {}
            [m, rest @ ..] => {
                if let Some(dup) = rest.first() {
                    problem(dup.key_start, format!("`{field}` is given twice"), None);
                }
                match &m.value.value {
                    Json::Str(s) if *required && s.trim().is_empty() => problem(
                        m.value.start,
                        format!("`{field}` is empty"),
                        None,
                    ),
                    Json::Str(_) => {}
                    _ => problem(
                        m.value.start,
                        format!("`{field}` must be a string, found {}", m.value.kind()),
                        Some("the console sends every field as a string (`\"intendedUsers\": \"0\"`)"),
                    ),
                }
            }
        }
    }
    for m in members {
        if !FORM_FIELDS.iter().any(|(f, _)| *f == m.key) {
            let names: Vec<&str> = FORM_FIELDS.iter().map(|(f, _)| *f).collect();
            problem(
                m.key_start,
                format!("unknown field `{}` in the use-case form", m.key),
                Some(
                    &crate::diag::did_you_mean(&m.key, names.iter().copied()).unwrap_or_else(
                        || format!("expected one of: {}", crate::diag::code_list(&names)),
                    ),
                ),
            );
        }
    }
    out
}

/// `models[].access`, default `check`.
pub(crate) fn decode_access_mode(
    dec: &mut Decoder,
    m: &MapView,
    entry: Span,
) -> Option<S<AccessMode>> {
    match m.get("access") {
        Some(n) => dec.enumeration(n, "access", AccessMode::ALL),
        None => Some(Spanned::new(AccessMode::Check, entry)),
    }
}

/// `guardrails[].enforce`: only `account` exists.
pub(crate) fn decode_enforce(dec: &mut Decoder, m: &MapView) -> Option<Span> {
    let n = m.get("enforce")?;
    dec.enumeration(n, "enforce", &[("account", ())])
        .map(|s| s.span)
}

/// Cross-field rules of model access.
pub fn validate(cfg: &super::Config, d: &mut crate::diag::Diagnostics) {
    let mut enforced: std::collections::BTreeMap<&str, &str> = Default::default();
    for g in cfg.guardrails.iter().flatten() {
        let Some(span) = g.enforce else { continue };
        if !g.publish_version {
            d.error(
                span,
                format!(
                    "guardrail `{}` is enforced on the account but publishes no version",
                    g.name.value
                ),
            )
            .hints
            .push(
                "add `publish_version: true`: the enforced configuration names a numbered version (`guardrailVersion`), never the draft"
                    .to_string(),
            );
        }
        for r in &g.regions {
            if let Some(other) = enforced.insert(&r.value, &g.name.value) {
                d.error(
                    span,
                    format!(
                        "guardrails `{other}` and `{}` are both enforced in `{}`",
                        g.name.value, r.value
                    ),
                )
                .hints
                .push("an account has one enforced guardrail configuration per region".to_string());
            }
        }
    }
    for m in cfg.models.iter().flatten() {
        if m.access.value == AccessMode::Manage && m.id.value.starts_with("arn:") {
            d.error(
                m.id.span,
                "`access: manage` needs a foundation model id, not an ARN",
            )
            .hints
            .push(
                "write the model id (`anthropic.claude-…`); agreements are per model and region"
                    .to_string(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"{"companyName": "X", "companyWebsite": "https://x.example", "intendedUsers": "0", "industryOption": "Tech", "useCases": "docs"}"#;

    #[test]
    fn a_complete_form_passes() {
        assert!(check_form(OK).is_empty(), "{:?}", check_form(OK));
    }

    #[test]
    fn problems_point_into_the_file() {
        let text = "{\"companyName\": 1, \"companyName\": \"y\", \"zzz\": \"a\"}";
        let p = check_form(text);
        let messages: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages.contains(&"`companyName` must be a string, found a number"),
            "{messages:?}"
        );
        assert!(messages.contains(&"`companyName` is given twice"));
        assert!(messages.contains(&"use-case form has no `useCases`"));
        assert!(messages.contains(&"unknown field `zzz` in the use-case form"));
        let dup = p.iter().find(|p| p.message.contains("twice")).unwrap();
        assert_eq!(&text[dup.offset..dup.offset + 13], "\"companyName\"");
        assert_eq!(check_form("[1, 2, 3, 4]").len(), 1);
        assert!(check_form("{\"a\":").len() == 1);
        assert!(check_form("{}")[0].message.contains("at least 10"));
    }
}
