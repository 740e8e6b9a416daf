//! Rules about the Bedrock resources a policy names: foundation-model ARNs with an
//! account id, ids the catalog does not know or does not offer in the region,
//! cross-region profiles without their destination-region model ARNs, streaming left
//! out for chat models, legacy models, and grants of models the config never names.

use super::actions::allows_action;
use super::match_::glob;
use super::{resolve_model, Doc, Finding, LintContext};
use crate::catalog::{catalog, Knowledge, Model};
use crate::iam::policy::{Effect, Item, Statement};
use crate::policy::generate::{ALL_COMMERCIAL, INVOKE, INVOKE_STREAM};
use crate::vocab::arn::{has_wildcard, Arn};

/// Geography prefixes of system profile ids (the catalog's `profile_prefixes`).
const PROFILE_PREFIXES: &[&str] = &[
    "us.", "us-gov.", "eu.", "apac.", "au.", "jp.", "ca.", "global.",
];

fn end_of(item: &Item) -> usize {
    item.offset + item.value.len() + 2
}

fn resource_items(st: &Statement) -> impl Iterator<Item = &Item> {
    st.resource
        .as_ref()
        .filter(|r| !r.negated)
        .map(|r| r.items.as_slice())
        .unwrap_or(&[])
        .iter()
}

/// What a Bedrock resource ARN names.
enum Target<'a> {
    Model { region: &'a str, id: &'a str },
    Profile { region: &'a str, id: &'a str },
}

fn target<'a>(arn: &Arn<'a>) -> Option<Target<'a>> {
    // `{Name}`: a template value lint cannot know (CloudFormation `Ref` without a default).
    if !arn.is_bedrock() || arn.region.contains('{') || arn.resource.contains('{') {
        return None;
    }
    match arn.typed()? {
        ("foundation-model", id) => Some(Target::Model {
            region: arn.region,
            id,
        }),
        ("inference-profile", id) => Some(Target::Profile {
            region: arn.region,
            id,
        }),
        _ => None,
    }
}

/// Whether some Allow statement of the document allows `action` on `arn`
/// (conditions aside: they narrow who and how, not which resource).
/// The resources the Allow statements of a document grant one action on, indexed once:
/// asking every statement for every resource item made lint quadratic in the number of
/// statements (issue 25: 8,000 statements took seconds).
/// How many profiles route outside the granted regions, and the message tail; `None`
/// when none does.
type GapSummary = Option<(usize, String)>;

struct Grants<'a> {
    exact: std::collections::HashSet<&'a str>,
    patterns: Vec<&'a str>,
    /// `wildcard_models` results by (region, profile pattern, model pattern, partition):
    /// they depend on the document's grants only, and a generated policy repeats the
    /// same wildcard pair in every statement, which made lint quadratic and slow.
    gaps: std::cell::RefCell<std::collections::HashMap<[String; 4], GapSummary>>,
}

impl<'a> Grants<'a> {
    fn new(doc: &'a Doc<'_>, action: &str) -> Self {
        let mut g = Grants {
            exact: std::collections::HashSet::new(),
            patterns: Vec::new(),
            gaps: Default::default(),
        };
        for st in &doc.policy.statements {
            if st.effect != Effect::Allow || !allows_action(st, action) {
                continue;
            }
            for r in resource_items(st) {
                let v: &'a str = &r.value;
                if v.contains(['*', '?', '$']) {
                    g.patterns.push(v);
                } else {
                    g.exact.insert(v);
                }
            }
        }
        g
    }

    fn covers(&self, arn: &str) -> bool {
        self.exact.contains(arn) || self.patterns.iter().any(|p| glob(p, arn, false))
    }
}

/// A "did you mean" only for what looks like a typo (a few characters off). A complete
/// id far from every catalog id is more likely retired than mistyped: Bedrock drops a
/// model's id at its end of life (https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html),
/// and suggesting a different model as a "typo" fix misleads (issue 22).
fn closest(id: &str) -> String {
    let near = catalog().closest_ids(id, 1);
    match near.first() {
        Some(n) if strsim::levenshtein(id, n) <= (id.chars().count() / 8).max(2) => {
            format!("; did you mean `{n}`?")
        }
        _ => "; it may be retired (Bedrock removes a model's id at its end of life) or from a newer catalog: `bedrockctl models` lists the ids it knows".to_string(),
    }
}

/// Regions a model is reachable in: where it is offered, plus every destination of
/// its cross-region profiles.
fn reachable(m: &Model, region: &str) -> bool {
    m.offered_in(region) != Knowledge::No
        || m.cross_region_profiles.iter().any(|p| {
            p.destination_regions
                .iter()
                .any(|d| d == region || d == ALL_COMMERCIAL)
        })
}

/// Whether a cross-region profile of the model routes to `region`.
fn reached_by_profile(m: &Model, region: &str) -> bool {
    m.cross_region_profiles.iter().any(|p| {
        p.destination_regions
            .iter()
            .any(|d| d == region || d == ALL_COMMERCIAL)
    })
}

/// A model that answers in chat: text out, and not an embedding or rerank model.
fn is_chat(m: &Model) -> bool {
    let id = m.model_id.to_ascii_lowercase();
    if id.contains("embed") || id.contains("rerank") {
        return false;
    }
    match &m.modalities_out {
        Some(out) => out.iter().any(|o| o.eq_ignore_ascii_case("TEXT")),
        None => true,
    }
}

pub(super) fn check(doc: &Doc<'_>, ctx: &LintContext, out: &mut Vec<Finding>) {
    let cat = catalog();
    // `legacy-model` once per statement and model, at its first ARN: a profile plus
    // its destination-region ARNs would otherwise repeat it three or more times.
    let mut legacy_seen = std::collections::BTreeSet::new();
    let streams = Grants::new(doc, INVOKE_STREAM);
    let invokes = Grants::new(doc, INVOKE);
    for (si, st) in doc.policy.statements.iter().enumerate() {
        for item in resource_items(st) {
            let Some(arn) = Arn::parse(&item.value) else {
                continue;
            };
            let Some(t) = target(&arn) else { continue };
            let (start, end) = (item.offset, end_of(item));
            if let Target::Model { .. } = t {
                if !arn.account.is_empty() && !has_wildcard(arn.account) {
                    out.push(Finding::new(
                        "foundation-model-arn-with-account",
                        start,
                        end,
                        format!(
                            "`{}` has account `{}`; foundation-model ARNs have an empty account field, so this never matches",
                            item.value, arn.account
                        ),
                    ));
                }
            }
            // Profile ARNs carry the account that owns the profile (system-defined
            // profiles too): `arn:${Partition}:bedrock:${Region}:${Account}:inference-profile/${ResourceId}`,
            // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html
            if let Target::Profile { .. } = t {
                if arn.account.is_empty() {
                    out.push(Finding::new(
                        "profile-arn-without-account",
                        start,
                        end,
                        format!(
                            "`{}` has an empty account field; inference-profile ARNs carry the account id, so this never matches",
                            item.value
                        ),
                    ));
                }
            }
            if st.effect != Effect::Allow {
                continue;
            }
            match t {
                Target::Model { region, id } => {
                    if has_wildcard(id) {
                        continue;
                    }
                    let Some(m) = cat.model(id) else {
                        out.push(Finding::new(
                            "unknown-model",
                            start,
                            end,
                            format!("model `{id}` is not in the catalog{}", closest(id)),
                        ));
                        continue;
                    };
                    let concrete = !region.is_empty() && !has_wildcard(region);
                    if concrete && !reachable(m, region) {
                        out.push(Finding::new(
                            "model-not-in-region",
                            start,
                            end,
                            format!("model `{id}` is not offered in `{region}`"),
                        ));
                    } else if concrete
                        && m.offered_in(region) == Knowledge::Unknown
                        && !reached_by_profile(m, region)
                    {
                        // Unconfirmed is not "absent": a warning, not an error (exit 0).
                        let mut f = Finding::new(
                            "model-not-in-region",
                            start,
                            end,
                            format!("the catalog does not confirm that model `{id}` is offered in `{region}`"),
                        );
                        f.severity = crate::diag::Severity::Warning;
                        out.push(f);
                    }
                    if legacy_seen.insert((si, m.model_id.as_str())) {
                        legacy(m, id, region, concrete, &ctx.today, start, end, out);
                    }
                    unused(ctx, id, start, end, out);
                    if !ctx.boundary
                        && is_chat(m)
                        && allows_action(st, INVOKE)
                        && !streams.covers(&item.value)
                    {
                        out.push(Finding::new(
                            "streaming-missing",
                            start,
                            end,
                            format!(
                                "chat model `{id}` may be invoked but not streamed (ConverseStream needs `{INVOKE_STREAM}`)"
                            ),
                        ));
                    }
                }
                Target::Profile { region, id } => {
                    if has_wildcard(id) {
                        if !ctx.boundary {
                            let grants = [(INVOKE, &invokes), (INVOKE_STREAM, &streams)];
                            wildcard_profile(
                                doc,
                                si,
                                st,
                                (region, id),
                                &arn,
                                &grants,
                                (start, end),
                                out,
                            );
                        }
                        continue;
                    }
                    let Some((m, p)) = cat.profile(id) else {
                        if PROFILE_PREFIXES.iter().any(|pre| id.starts_with(pre)) {
                            out.push(Finding::new(
                                "unknown-model",
                                start,
                                end,
                                format!(
                                    "inference profile `{id}` is not in the catalog{}",
                                    closest(id)
                                ),
                            ));
                        }
                        continue;
                    };
                    let sources: Vec<&str> = if region.is_empty() || has_wildcard(region) {
                        p.source_regions
                            .iter()
                            .map(String::as_str)
                            .filter(|r| glob(region, r, false) || region.is_empty())
                            .collect()
                    } else if p.source_regions.iter().any(|r| r == region) {
                        vec![region]
                    } else {
                        out.push(Finding::new(
                            "model-not-in-region",
                            start,
                            end,
                            format!("inference profile `{id}` cannot be called from `{region}`"),
                        ));
                        continue;
                    };
                    let concrete = !region.is_empty() && !has_wildcard(region);
                    if legacy_seen.insert((si, m.model_id.as_str())) {
                        legacy(
                            m,
                            &m.model_id,
                            region,
                            concrete,
                            &ctx.today,
                            start,
                            end,
                            out,
                        );
                    }
                    unused(ctx, &m.model_id, start, end, out);
                    if ctx.boundary {
                        continue;
                    }
                    let part = arn.partition;
                    for action in [INVOKE, INVOKE_STREAM] {
                        if !allows_action(st, action) {
                            continue;
                        }
                        let grants = if action == INVOKE { &invokes } else { &streams };
                        let missing = missing_destinations(m, p, &sources, part, grants);
                        if !missing.is_empty() {
                            out.push(Finding::new(
                                "profile-missing-destinations",
                                start,
                                end,
                                format!(
                                    "statement {} allows `{action}` on profile `{id}` but not on `{}` in destination {}",
                                    doc.label(si),
                                    m.model_id,
                                    regions_phrase(&missing)
                                ),
                            ));
                            break;
                        }
                    }
                }
            }
        }
    }
}

/// Destination regions of profile `p` (called from `sources`) whose foundation-model ARN
/// of `m` the document does not grant, sorted.
fn missing_destinations<'c>(
    m: &Model,
    p: &'c crate::catalog::CrossRegionProfile,
    sources: &[&str],
    part: &str,
    grants: &Grants<'_>,
) -> Vec<&'c str> {
    let mut missing: Vec<&str> = Vec::new();
    for s in sources {
        for d in p.destinations_from(s) {
            let probe = if d == ALL_COMMERCIAL {
                format!("arn:{part}:bedrock:::foundation-model/{}", m.model_id)
            } else {
                format!("arn:{part}:bedrock:{d}::foundation-model/{}", m.model_id)
            };
            if !grants.covers(&probe) && !missing.contains(&d) {
                missing.push(d);
            }
        }
    }
    missing.sort_unstable();
    missing
}

/// "region `a`" or "regions `a`, `b`", for a finding's message.
fn regions_phrase(regions: &[&str]) -> String {
    let list: Vec<String> = regions.iter().map(|r| format!("`{r}`")).collect();
    format!(
        "region{} {}",
        if regions.len() == 1 { "" } else { "s" },
        list.join(", ")
    )
}

/// A profile granted with a wildcard id (`inference-profile/*`, `us.anthropic.*`) next to
/// foundation-model ARNs: every cross-region profile of those models that the wildcard
/// matches routes to its destination regions, so the statement needs the model there too
/// — the same finding a concrete profile id gets (issue 22; wild policies 01, 30, 32).
#[allow(clippy::too_many_arguments)]
fn wildcard_profile(
    doc: &Doc<'_>,
    si: usize,
    st: &Statement,
    (region, pattern): (&str, &str),
    arn: &Arn<'_>,
    grants: &[(&str, &Grants<'_>)],
    (start, end): (usize, usize),
    out: &mut Vec<Finding>,
) {
    let cat = catalog();
    let mut seen: Vec<&str> = Vec::new();
    for item in resource_items(st) {
        let Some(fm) = Arn::parse(&item.value) else {
            continue;
        };
        let Some(Target::Model { id, .. }) = target(&fm) else {
            continue;
        };
        if has_wildcard(id) {
            wildcard_models(
                doc,
                si,
                st,
                (region, pattern),
                id,
                arn,
                grants,
                (start, end),
                out,
            );
            continue;
        }
        let Some(m) = cat.model(id) else { continue };
        if seen.contains(&m.model_id.as_str()) {
            continue;
        }
        seen.push(&m.model_id);
        for p in &m.cross_region_profiles {
            if !glob(pattern, &p.profile_id, false) {
                continue;
            }
            let sources: Vec<&str> = p
                .source_regions
                .iter()
                .map(String::as_str)
                .filter(|r| region.is_empty() || glob(region, r, false))
                .collect();
            for (action, g) in grants {
                if !allows_action(st, action) {
                    continue;
                }
                let missing = missing_destinations(m, p, &sources, arn.partition, g);
                if missing.is_empty() {
                    continue;
                }
                out.push(Finding::new(
                    "profile-missing-destinations",
                    start,
                    end,
                    format!(
                        "statement {} allows `{action}` on any inference profile matching `{pattern}`, which includes `{}`, but not on `{}` in destination {}",
                        doc.label(si),
                        p.profile_id,
                        m.model_id,
                        regions_phrase(&missing)
                    ),
                ));
                break;
            }
        }
    }
}

/// A wildcard profile next to foundation-model ARNs with a wildcard id
/// (`foundation-model/*` in a few regions, wild policies 01, 30, 32): every catalog
/// model the id matches, through every profile the profile pattern matches, must be
/// granted in the profile's destination regions. One finding per statement and action,
/// with the union of the missing regions and one profile as an example, so a `*` over
/// the whole catalog stays one line.
#[allow(clippy::too_many_arguments)]
fn wildcard_models(
    doc: &Doc<'_>,
    si: usize,
    st: &Statement,
    (region, pattern): (&str, &str),
    model_pattern: &str,
    arn: &Arn<'_>,
    grants: &[(&str, &Grants<'_>)],
    (start, end): (usize, usize),
    out: &mut Vec<Finding>,
) {
    for (action, g) in grants {
        if !allows_action(st, action) {
            continue;
        }
        let key = [
            region.to_string(),
            pattern.to_string(),
            model_pattern.to_string(),
            arn.partition.to_string(),
        ];
        let known = g.gaps.borrow().get(&key).cloned();
        let summary = match known {
            Some(s) => s,
            None => {
                let s = gap_summary((region, pattern), model_pattern, arn.partition, g);
                g.gaps.borrow_mut().insert(key, s.clone());
                s
            }
        };
        let Some((profiles, detail)) = summary else {
            continue;
        };
        out.push(Finding::new(
            "profile-missing-destinations",
            start,
            end,
            format!(
                "statement {} allows `{action}` on any inference profile matching `{pattern}` but on foundation models `{model_pattern}` only in some regions: {profiles} profile(s) route outside them{detail}",
                doc.label(si),
            ),
        ));
        break;
    }
}

/// For `wildcard_models`: how many profiles route outside the granted regions, and the
/// message tail (an example profile and the missing regions); `None` when none does.
fn gap_summary(
    (region, pattern): (&str, &str),
    model_pattern: &str,
    partition: &str,
    g: &Grants<'_>,
) -> GapSummary {
    let mut missing: Vec<&str> = Vec::new();
    let mut example: Option<&str> = None;
    let mut profiles = 0usize;
    let mut global = false;
    for m in catalog()
        .models
        .iter()
        .filter(|m| glob(model_pattern, &m.model_id, false))
    {
        for p in m
            .cross_region_profiles
            .iter()
            .filter(|p| glob(pattern, &p.profile_id, false))
        {
            let sources: Vec<&str> = p
                .source_regions
                .iter()
                .map(String::as_str)
                .filter(|r| region.is_empty() || glob(region, r, false))
                .collect();
            let gaps = missing_destinations(m, p, &sources, partition, g);
            if gaps.is_empty() {
                continue;
            }
            profiles += 1;
            // Global profiles route to every commercial region: one phrase for them.
            if p.profile_id.starts_with("global.") {
                global = true;
                continue;
            }
            example.get_or_insert(p.profile_id.as_str());
            for d in gaps {
                if !missing.contains(&d) {
                    missing.push(d);
                }
            }
        }
    }
    if profiles == 0 {
        return None;
    }
    missing.sort_unstable();
    let total = missing.len();
    let mut gaps = if total > 6 {
        missing.truncate(6);
        format!("{} and {} more", regions_phrase(&missing), total - 6)
    } else if total > 0 {
        regions_phrase(&missing)
    } else {
        String::new()
    };
    if global {
        if !gaps.is_empty() {
            gaps.push_str(", and ");
        }
        gaps.push_str("every commercial region (for the `global.` profiles)");
    }
    let example = example.map_or_else(String::new, |e| format!(", e.g. `{e}`"));
    Some((profiles, format!("{example}; missing destinations: {gaps}")))
}

#[allow(clippy::too_many_arguments)]
fn legacy(
    m: &Model,
    id: &str,
    region: &str,
    concrete: bool,
    today: &str,
    start: usize,
    end: usize,
    out: &mut Vec<Finding>,
) {
    let eol = if concrete {
        m.eol_date_in(region)
            .filter(|d| !today.is_empty() && today >= *d)
    } else {
        m.eol_date
            .as_deref()
            .filter(|d| !today.is_empty() && today >= *d)
    };
    let message = match (eol, m.is_legacy()) {
        (Some(d), _) => format!("model `{id}` reached its end of life on {d}; requests fail"),
        (None, true) => match m.eol_date_in(region) {
            Some(d) => format!("model `{id}` is legacy (end of life {d})"),
            None => format!("model `{id}` is legacy"),
        },
        (None, false) => return,
    };
    out.push(Finding::new("legacy-model", start, end, message));
}

fn unused(ctx: &LintContext, id: &str, start: usize, end: usize, out: &mut Vec<Finding>) {
    if ctx.boundary {
        return;
    }
    if let Some(models) = &ctx.models {
        if !models.contains(resolve_model(id)) {
            out.push(Finding::new(
                "unused-grant",
                start,
                end,
                format!("`{id}` is granted but never named in `models:`"),
            ));
        }
    }
}
