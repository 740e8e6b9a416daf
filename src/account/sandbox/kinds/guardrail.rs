//! Guardrails (the working draft, updated in place) and their numbered versions
//! (snapshots of the draft, never updated, deleted with their guardrail).
//!
//! Limits are the CreateGuardrail / UpdateGuardrail request constraints from
//! shared/reference/bedrock-api.md, reported with the wire field names.

use super::{arn_for, parse_spec, Ctx};
use crate::account::sandbox::store::{Entry, Meta, State};
use crate::account::sandbox::validate::{self, Violations};
use crate::account::spec::KindSpec;
use crate::account::spec::Spec;
use crate::account::spec::{
    GuardrailSpec, GuardrailVersionSpec, Normalize, FILTER_TYPES, PII_ACTIONS, PII_TYPES, STRENGTHS,
};
use crate::account::{AccountError, Kind, Resource};

/// Sandbox quotas (AWS defaults): guardrails per region, versions per guardrail.
pub const MAX_GUARDRAILS: usize = 100;
pub const MAX_VERSIONS: usize = 20;

/// Every CreateGuardrail constraint on the name and the spec.
pub fn check(op: &str, name: &str, g: &GuardrailSpec) -> Result<(), AccountError> {
    let mut v = Violations::new();
    v.length(name, "name", 1, 50);
    v.pattern(
        name,
        "name",
        validate::charset(name, "-_"),
        "[0-9a-zA-Z-_]+",
    );
    if let Some(d) = &g.description {
        v.length(d, "description", 1, 200);
    }
    v.length(&g.blocked_input_message, "blockedInputMessaging", 1, 500);
    v.length(&g.blocked_output_message, "blockedOutputsMessaging", 1, 500);

    let filters = "contentPolicyConfig.filtersConfig";
    v.list_max(g.content_filters.len(), filters, 6);
    for (i, f) in g.content_filters.iter().enumerate() {
        let at = |field: &str| format!("{filters}.{}.member.{field}", i + 1);
        v.one_of(&f.r#type, &at("type"), FILTER_TYPES);
        v.one_of(&f.input, &at("inputStrength"), STRENGTHS);
        v.one_of(&f.output, &at("outputStrength"), STRENGTHS);
        if f.r#type.eq_ignore_ascii_case("PROMPT_ATTACK") && !f.output.eq_ignore_ascii_case("NONE")
        {
            v.push_rule("PROMPT_ATTACK content filter: outputStrength must be NONE.");
        }
        if g.content_filters[..i]
            .iter()
            .any(|p| p.r#type.eq_ignore_ascii_case(&f.r#type))
        {
            v.push_rule(format!("Duplicate content filter type: {}.", f.r#type));
        }
    }

    let topics = "topicPolicyConfig.topicsConfig";
    v.list_max(g.denied_topics.len(), topics, 30);
    for (i, t) in g.denied_topics.iter().enumerate() {
        let at = |field: &str| format!("{topics}.{}.member.{field}", i + 1);
        v.length(&t.name, &at("name"), 1, 100);
        v.pattern(
            &t.name,
            &at("name"),
            validate::charset(&t.name, "-_ !?."),
            "[0-9a-zA-Z-_ !?.]+",
        );
        v.length(&t.definition, &at("definition"), 1, 200);
        v.list_max(t.examples.len(), &at("examples"), 5);
        for (j, ex) in t.examples.iter().enumerate() {
            v.length(ex, &format!("{}.{}.member", at("examples"), j + 1), 1, 100);
        }
    }

    let words = "wordPolicyConfig.wordsConfig";
    v.list_max(g.custom_words.len(), words, 10_000);
    for (i, w) in g.custom_words.iter().enumerate() {
        v.length(w, &format!("{words}.{}.member.text", i + 1), 1, 100);
    }
    for (i, w) in g.managed_words.iter().enumerate() {
        v.one_of(
            w,
            &format!(
                "wordPolicyConfig.managedWordListsConfig.{}.member.type",
                i + 1
            ),
            &["PROFANITY"],
        );
    }

    let pii = "sensitiveInformationPolicyConfig.piiEntitiesConfig";
    for (i, p) in g.pii.iter().enumerate() {
        v.one_of(
            &p.r#type,
            &format!("{pii}.{}.member.type", i + 1),
            PII_TYPES,
        );
        v.one_of(
            &p.action,
            &format!("{pii}.{}.member.action", i + 1),
            PII_ACTIONS,
        );
    }
    let rx = "sensitiveInformationPolicyConfig.regexesConfig";
    v.list_max(g.regexes.len(), rx, 10);
    for (i, r) in g.regexes.iter().enumerate() {
        let at = |field: &str| format!("{rx}.{}.member.{field}", i + 1);
        v.length(&r.name, &at("name"), 1, 100);
        v.length(&r.pattern, &at("pattern"), 1, 500);
        v.one_of(&r.action, &at("action"), PII_ACTIONS);
        if let Some(d) = &r.description {
            v.length(d, &at("description"), 1, 1000);
        }
    }

    let grounding = "contextualGroundingPolicyConfig.filtersConfig";
    for (i, t) in [g.grounding_threshold, g.relevance_threshold]
        .into_iter()
        .enumerate()
    {
        if let Some(t) = t {
            let at = format!("{grounding}.{}.member.threshold", i + 1);
            v.min_value(t, &at, 0.0);
            // The model declares only min=0; the service documents 0–0.99.
            v.max_value(t, &at, 0.99);
        }
    }
    v.finish(op, "ValidationException")
}

pub fn create(state: &mut State, ctx: &Ctx, d: &Resource) -> Result<String, AccountError> {
    let op = "CreateGuardrail";
    let mut spec: GuardrailSpec = parse_spec(op, d)?;
    // The service does not keep list order; reads come back in canonical order.
    spec.normalize();
    check(op, &d.name, &spec)?;
    validate::bedrock_tags(op, &d.tags)?;
    if state
        .find_by_name(Kind::Guardrail, &d.region, &d.name)
        .is_some()
    {
        return Err(AccountError::conflict(
            op,
            format!("A guardrail with the name {} already exists.", d.name),
        ));
    }
    if state.of_kind(Kind::Guardrail, &d.region).count() >= MAX_GUARDRAILS {
        return Err(AccountError::new(
            op,
            "ServiceQuotaExceededException",
            format!(
                "You have reached the limit of {MAX_GUARDRAILS} guardrails in {}.",
                d.region
            ),
        ));
    }
    let id = arn_for(state, Kind::Guardrail, &d.region, &d.name);
    state.resources.push(Entry {
        resource: Resource {
            id: Some(id.clone()),
            spec: Spec::from(spec),
            status: Some("READY".to_string()),
            ..d.clone()
        },
        meta: Meta {
            created_ms: ctx.now,
            updated_ms: ctx.now,
            next_version: Some(1),
            ..Meta::default()
        },
    });
    Ok(id)
}

/// UpdateGuardrail replaces the draft (name included); tags go through TagResource.
pub fn update(state: &mut State, ctx: &Ctx, idx: usize, d: &Resource) -> Result<(), AccountError> {
    let op = "UpdateGuardrail";
    let mut spec: GuardrailSpec = parse_spec(op, d)?;
    spec.normalize();
    check(op, &d.name, &spec)?;
    validate::bedrock_tags("TagResource", &d.tags)?;
    let live = state.resources[idx].resource.clone();
    if d.name != live.name
        && state
            .find_by_name(Kind::Guardrail, &live.region, &d.name)
            .is_some()
    {
        return Err(AccountError::conflict(
            op,
            format!("A guardrail with the name {} already exists.", d.name),
        ));
    }
    let value = Spec::from(spec);
    // Version names carry the guardrail name, so a rename renames them too.
    if d.name != live.name {
        let arn = live.id.clone().unwrap_or_default();
        for e in &mut state.resources {
            if e.resource.kind == Kind::GuardrailVersion && version_of(e) == Some(arn.as_str()) {
                if let Some(v) = GuardrailVersionSpec::of_mut(&mut e.resource.spec) {
                    v.guardrail = d.name.clone();
                    e.resource.name = format!("{}:{}", d.name, v.version);
                }
            }
        }
    }
    let e = &mut state.resources[idx];
    e.resource.name = d.name.clone();
    e.resource.spec = value;
    e.resource.tags = d.tags.clone();
    e.meta.updated_ms = ctx.now;
    Ok(())
}

/// The guardrail ARN a version belongs to (its id minus `:<n>`).
fn version_of(e: &Entry) -> Option<&str> {
    e.resource
        .id
        .as_deref()
        .and_then(|id| id.rsplit_once(':'))
        .map(|(g, _)| g)
}

fn find_guardrail(state: &State, region: &str, reference: &str) -> Option<usize> {
    state
        .position(Kind::Guardrail, region, reference)
        .or_else(|| {
            state.resources.iter().position(|e| {
                e.resource.kind == Kind::Guardrail
                    && e.resource.region == region
                    && e.resource.name == reference
            })
        })
}

/// CreateGuardrailVersion: snapshot the guardrail's current draft as version `n`.
pub fn create_version(state: &mut State, ctx: &Ctx, d: &Resource) -> Result<String, AccountError> {
    let op = "CreateGuardrailVersion";
    let spec: GuardrailVersionSpec = parse_spec(op, d)?;
    let gidx = find_guardrail(state, &d.region, &spec.guardrail).ok_or_else(|| {
        AccountError::not_found(
            op,
            format!("The guardrail {} was not found.", spec.guardrail),
        )
    })?;
    let guardrail = state.resources[gidx].clone();
    let arn = guardrail.resource.id.clone().unwrap_or_default();
    let existing = state
        .resources
        .iter()
        .filter(|e| {
            e.resource.kind == Kind::GuardrailVersion && version_of(e) == Some(arn.as_str())
        })
        .count();
    if existing >= MAX_VERSIONS {
        return Err(AccountError::new(
            op,
            "ServiceQuotaExceededException",
            format!(
                "Guardrail {} already has the maximum of {MAX_VERSIONS} versions.",
                guardrail.resource.name
            ),
        ));
    }
    let n = guardrail.meta.next_version.unwrap_or(1);
    state.resources[gidx].meta.next_version = Some(n + 1);
    let snapshot: GuardrailSpec = parse_spec(op, &guardrail.resource)?;
    let out_spec = GuardrailVersionSpec {
        guardrail: guardrail.resource.name.clone(),
        version: n.to_string(),
        snapshot,
    };
    let id = format!("{arn}:{n}");
    // Versions are not separately taggable; the sandbox keeps the tags it was given
    // (or the guardrail's) so that ownership reads the same as for the guardrail.
    let tags = if d.tags.is_empty() {
        guardrail.resource.tags.clone()
    } else {
        d.tags.clone()
    };
    state.resources.push(Entry {
        resource: Resource {
            kind: Kind::GuardrailVersion,
            region: d.region.clone(),
            name: format!("{}:{n}", guardrail.resource.name),
            id: Some(id.clone()),
            spec: Spec::from(out_spec),
            tags,
            status: Some("READY".to_string()),
        },
        meta: Meta {
            created_ms: ctx.now,
            updated_ms: ctx.now,
            ..Meta::default()
        },
    });
    Ok(id)
}

/// Versions are immutable; only the tags the sandbox keeps on them can change.
pub fn update_version(
    state: &mut State,
    ctx: &Ctx,
    idx: usize,
    d: &Resource,
) -> Result<(), AccountError> {
    let live = &state.resources[idx].resource;
    let a: GuardrailVersionSpec = parse_spec("UpdateGuardrail", live)?;
    let b: GuardrailVersionSpec = parse_spec("UpdateGuardrail", d)?;
    let same = a.snapshot == b.snapshot && (b.version.is_empty() || a.version == b.version);
    if !same {
        return Err(AccountError::validation(
            "UpdateGuardrail",
            format!(
                "Guardrail version {} cannot be updated: versions are snapshots. Update the guardrail and create a new version.",
                live.name
            ),
        ));
    }
    validate::bedrock_tags("TagResource", &d.tags)?;
    let e = &mut state.resources[idx];
    e.resource.tags = d.tags.clone();
    e.meta.updated_ms = ctx.now;
    Ok(())
}

/// DeleteGuardrail without a version removes every version too.
pub fn delete_versions_of(state: &mut State, idx: usize) {
    let arn = state.resources[idx].resource.id.clone().unwrap_or_default();
    state.resources.retain(|e| {
        !(e.resource.kind == Kind::GuardrailVersion && version_of(e) == Some(arn.as_str()))
    });
}

/// A seeded version names its guardrail in `spec.guardrail` (which must be seeded
/// before it) and its number in `spec.version`.
pub fn seeded_version_id(state: &mut State, r: &Resource) -> Result<String, AccountError> {
    let spec: GuardrailVersionSpec = parse_spec("OpenSandbox", r)?;
    let gidx = find_guardrail(state, &r.region, &spec.guardrail).ok_or_else(|| {
        crate::account::sandbox::store::open_error(format!(
            "seed: guardrail version `{}` names guardrail `{}`, which is not seeded before it",
            r.name, spec.guardrail
        ))
    })?;
    let n: u32 = spec.version.parse().map_err(|_| {
        crate::account::sandbox::store::open_error(format!(
            "seed: guardrail version `{}` needs a numeric `spec.version`",
            r.name
        ))
    })?;
    let g = &mut state.resources[gidx];
    g.meta.next_version = Some(g.meta.next_version.unwrap_or(1).max(n + 1));
    Ok(format!("{}:{n}", g.resource.id.clone().unwrap_or_default()))
}
