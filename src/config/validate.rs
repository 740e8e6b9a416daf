//! Semantic checks of a decoded config: limits and enums from the Bedrock API
//! (bedrock-api.md), regions, uniqueness, catalog facts and cross-references.
//!
//! The catalog's facts are confirmed or unknown: a confirmed impossibility is an error,
//! an unknown is at most a warning, and the live account settles it at plan time.

use super::model::*;
use super::rules::{is_account_id, Rules};
use crate::catalog::{catalog, Knowledge, APPLICATION_PROFILE_REGIONS};
use crate::diag::{code_list, Diagnostics};
use crate::span::Span;
use std::collections::HashMap;

pub const METRICS: &[&str] = &[
    "Invocations",
    "InvocationLatency",
    "InvocationClientErrors",
    "InvocationServerErrors",
    "InvocationThrottles",
    "InputTokenCount",
    "OutputTokenCount",
    "OutputImageCount",
    "LegacyModelInvocations",
    "ModelInvocationLogsCloudWatchDeliverySuccess",
    "ModelInvocationLogsCloudWatchDeliveryFailure",
    "ModelInvocationLogsS3DeliverySuccess",
    "ModelInvocationLogsS3DeliveryFailure",
];
pub const STATISTICS: &[&str] = &["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
pub const COMPARISONS: &[&str] = &[
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
];
pub const LOG_DATA: &[&str] = &["text", "image", "embedding", "video", "audio"];

pub fn validate(cfg: &Config, d: &mut Diagnostics) {
    let regions = cfg
        .account
        .regions
        .iter()
        .map(|r| r.value.clone())
        .collect();
    let mut r = Rules { d, regions };
    if cfg.version.value != 1 {
        r.d.error(
            cfg.version.span,
            format!("unsupported config version `{}`", cfg.version.value),
        )
        .hints
        .push("this bedrockctl reads `version: 1`".to_string());
    }
    if r.len(&cfg.stack, "stack name", 1, 64) {
        r.alnum_separated(&cfg.stack, "stack name", "-_", "[a-zA-Z0-9][a-zA-Z0-9_-]*");
    }
    if let Some(id) = &cfg.account.id {
        if !is_account_id(&id.value) {
            r.d.error(
                id.span,
                format!("account id must be 12 digits, found `{}`", id.value),
            )
            .hints
            .push("quote it so YAML keeps leading zeros: `id: \"012345678901\"`".to_string());
        }
    }
    if cfg.account.regions_declared {
        let region_list: Vec<_> = cfg.account.regions.to_vec();
        r.regions(&region_list, cfg.account.span, "`account.regions`");
    }
    for m in cfg.models.iter().flatten() {
        model(&mut r, m);
    }
    unique(
        &mut r,
        "model",
        cfg.models.iter().flatten().flat_map(|m| {
            m.regions
                .iter()
                .map(move |rg| (format!("`{}` in `{}`", m.id.value, rg.value), m.id.span))
        }),
    );
    for pt in cfg.provisioned_throughput.iter().flatten() {
        provisioned(&mut r, pt);
    }
    unique(
        &mut r,
        "provisioned throughput",
        cfg.provisioned_throughput.iter().flatten().map(|p| {
            (
                format!("`{}` in `{}`", p.name.value, p.region.value),
                p.name.span,
            )
        }),
    );
    for g in cfg.guardrails.iter().flatten() {
        super::validate_guardrail::guardrail(&mut r, g);
    }
    unique(
        &mut r,
        "guardrail",
        cfg.guardrails.iter().flatten().flat_map(|g| {
            g.regions
                .iter()
                .map(move |rg| (format!("`{}` in `{}`", g.name.value, rg.value), g.name.span))
        }),
    );
    for p in cfg.inference_profiles.iter().flatten() {
        profile(&mut r, p);
    }
    unique(
        &mut r,
        "inference profile",
        cfg.inference_profiles.iter().flatten().map(|p| {
            (
                format!("`{}` in `{}`", p.name.value, p.region.value),
                p.name.span,
            )
        }),
    );
    for l in cfg.invocation_logging.iter().flatten() {
        logging(&mut r, cfg, l);
    }
    unique(
        &mut r,
        "invocation logging configuration",
        cfg.invocation_logging
            .iter()
            .flatten()
            .map(|l| (format!("for `{}`", l.region.value), l.region.span)),
    );
    for a in cfg.alarms.iter().flatten() {
        alarm(&mut r, a);
    }
    unique(
        &mut r,
        "alarm",
        cfg.alarms.iter().flatten().map(|a| {
            (
                format!("`{}` in `{}`", a.name.value, a.region.value),
                a.name.span,
            )
        }),
    );
    super::validate_vpce::vpc_endpoints(&mut r, cfg);
    super::validate_iam::iam(&mut r, cfg);
    super::access::validate(cfg, r.d);
}

/// Report the second and later occurrences of a key; keys are written as the message
/// shows them (values in backticks).
fn unique(r: &mut Rules, what: &str, keys: impl Iterator<Item = (String, Span)>) {
    let mut seen: HashMap<String, Span> = HashMap::new();
    for (k, span) in keys {
        match seen.entry(k) {
            std::collections::hash_map::Entry::Occupied(e) => {
                r.d.error(span, format!("duplicate {what} {}", e.key()));
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(span);
            }
        }
    }
}

/// Error with the closest real ids when `id` is not a catalog model or profile.
pub(crate) fn known_model<'c>(r: &mut Rules, id: &S<String>) -> Option<&'c crate::catalog::Model> {
    let c = catalog();
    if let Some(m) = c.resolve(&id.value) {
        return Some(m);
    }
    let near = c.closest_ids(&id.value, 3);
    let d =
        r.d.error(id.span, format!("unknown model id `{}`", id.value));
    if !near.is_empty() {
        let list: Vec<String> = near.iter().map(|n| format!("`{n}`")).collect();
        d.hints.push(format!("did you mean {}?", list.join(" or ")));
    }
    d.hints
        .push("`bedrockctl models` lists the known ids".to_string());
    None
}

/// The id in a `foundation-model/ID` or system `inference-profile/ID` ARN must be one the
/// catalog knows, as a bare id must; other ARNs (application profiles, provisioned
/// models) carry account-assigned ids and are not checked here.
pub(crate) fn known_model_in_arn(r: &mut Rules, arn: &S<String>) {
    let id = arn
        .value
        .split_once(":foundation-model/")
        .or_else(|| arn.value.split_once(":inference-profile/"))
        .map(|(_, id)| id);
    if let Some(id) = id.filter(|id| !id.is_empty() && !id.contains(['*', '?'])) {
        known_model(r, &crate::span::Spanned::new(id.to_string(), arn.span));
    }
}

fn model(r: &mut Rules, m: &ModelReq) {
    r.regions(&m.regions, m.span, "a `models` entry");
    let Some(info) = known_model(r, &m.id) else {
        return;
    };
    let today = crate::catalog::today();
    for region in &m.regions {
        let rg = region.value.as_str();
        if info.is_end_of_life(rg, &today) {
            r.d.error(
                m.id.span,
                format!(
                    "model `{}` reached its end of life in `{rg}` on {}",
                    m.id.value,
                    info.eol_date_in(rg).unwrap_or("?")
                ),
            )
            .hints
            .push("choose an active model: `bedrockctl models --provider ...`".to_string());
            continue;
        }
        if info.offered_in(rg) == Knowledge::No {
            let where_: Vec<&str> = info.known_regions();
            r.d.error(
                region.span,
                format!("model `{}` is not offered in `{rg}`", m.id.value),
            )
            .hints
            .push(format!("it is offered in: {}", code_list(where_)));
            continue;
        }
        match m.via.value {
            Via::OnDemand => {
                let known = info.on_demand_in(rg);
                if known == Knowledge::Unknown {
                    if let Some(p) = info.profile_for(rg) {
                        r.d.warning(
                            m.via.span,
                            format!("the catalog does not confirm on-demand use of `{}` in `{rg}`", m.id.value),
                        )
                        .hints
                        .push(format!("plan checks it live; if it needs a profile, use `via: inference_profile` (`{}`)", p.profile_id));
                    }
                } else if known == Knowledge::No {
                    let d = r.d.error(
                        m.via.span,
                        format!(
                            "model `{}` cannot be invoked on demand in `{rg}`",
                            m.id.value
                        ),
                    );
                    match info.profile_for(rg) {
                        Some(p) => d.hints.push(format!(
                            "use `via: inference_profile`: requests go through the profile `{}`",
                            p.profile_id
                        )),
                        None => d.hints.push(
                            "it supports provisioned throughput or other regions only".to_string(),
                        ),
                    }
                }
            }
            Via::InferenceProfile => match info.supports_inference_profile() {
                Knowledge::No => {
                    r.d.error(
                        m.via.span,
                        format!(
                            "model `{}` has no cross-region inference profile",
                            m.id.value
                        ),
                    );
                }
                Knowledge::Yes if info.profile_for(rg).is_none() => {
                    let sources: Vec<String> = info
                        .cross_region_profiles
                        .iter()
                        .map(|p| {
                            format!("`{}` from {}", p.profile_id, code_list(&p.source_regions))
                        })
                        .collect();
                    r.d.error(
                        region.span,
                        format!(
                            "no inference profile of `{}` can be called from `{rg}`",
                            m.id.value
                        ),
                    )
                    .hints
                    .push(format!("profiles: {}", sources.join("; ")));
                }
                _ => {}
            },
            Via::Provisioned => provisioned_support(r, info, m.via.span),
            Via::Batch => {}
        }
    }
    if info.is_legacy() {
        r.d.warning(m.id.span, format!("model `{}` is legacy", m.id.value))
            .hints
            .push("legacy models stop working for accounts that have not used them recently; plan a move to an active model".to_string());
    }
}

fn provisioned_support(r: &mut Rules, info: &crate::catalog::Model, span: Span) {
    if info.supports_provisioned() == Knowledge::No {
        r.d.error(
            span,
            format!(
                "model `{}` cannot be bought as provisioned throughput",
                info.model_id
            ),
        );
    } else if info.is_legacy() {
        r.d.error(
            span,
            format!(
                "model `{}` is legacy and cannot get new provisioned throughput",
                info.model_id
            ),
        );
    }
}

fn provisioned(r: &mut Rules, pt: &ProvisionedThroughput) {
    if r.len(&pt.name, "provisioned throughput name", 1, 63) {
        r.alnum_separated(
            &pt.name,
            "provisioned throughput name",
            "_-",
            "([0-9a-zA-Z][_-]?)+",
        );
    }
    r.region(&pt.region);
    if pt.model_units.value < 1 {
        r.d.error(pt.model_units.span, "`model_units` must be at least 1");
    }
    if pt.model.value.starts_with("arn:") {
        r.arn(&pt.model, "`model`", Some("bedrock"));
        return;
    }
    let c = catalog();
    if let Some(info) = c.purchase(&pt.model.value) {
        provisioned_support(r, info, pt.model.span);
        let offered = info.provisioned_regions.get(&pt.model.value);
        if let Some(rs) = offered {
            if !rs.iter().any(|x| x == &pt.region.value) {
                r.d.error(
                    pt.region.span,
                    format!("`{}` is not sold in `{}`", pt.model.value, pt.region.value),
                )
                .hints
                .push(format!(
                    "provisioned throughput for it is sold in: {}",
                    code_list(rs)
                ));
            }
        }
        return;
    }
    if let Some(info) = known_model(r, &pt.model) {
        provisioned_support(r, info, pt.model.span);
        if !info.provisioned_purchase_ids.is_empty() {
            r.d.warning(
                pt.model.span,
                format!("`{}` is a model id, not a purchase id", pt.model.value),
            )
            .hints
            .push(format!(
                "purchase ids: {}",
                code_list(&info.provisioned_purchase_ids)
            ));
        }
    }
}

fn profile(r: &mut Rules, p: &InferenceProfile) {
    if r.len(&p.name, "inference profile name", 1, 64) {
        r.alnum_separated(
            &p.name,
            "inference profile name",
            " _-",
            "([0-9a-zA-Z][ _-]?)+",
        );
    }
    if let Some(desc) = &p.description {
        // CreateInferenceProfile: `description` min=1, max=200, `([0-9a-zA-Z:.][ _-]?)+`.
        if r.len(desc, "description", 1, 200) {
            r.word_separated(
                desc,
                "inference profile description",
                ":.",
                " _-",
                "([0-9a-zA-Z:.][ _-]?)+",
            );
        }
    }
    if r.region(&p.region) && !APPLICATION_PROFILE_REGIONS.contains(&p.region.value.as_str()) {
        r.d.error(
            p.region.span,
            format!(
                "application inference profiles cannot be created in `{}`",
                p.region.value
            ),
        )
        .hints
        .push(format!(
            "they can be created in: {}",
            code_list(APPLICATION_PROFILE_REGIONS)
        ));
    }
    if p.tags.len() > 200 {
        r.d.error(
            p.span,
            format!("too many tags: {}, at most 200", p.tags.len()),
        );
    }
    let source = &p.copy_from;
    if source.value.starts_with("arn:") {
        if r.arn(source, "`copy_from`", Some("bedrock")) {
            if source.value.contains(":foundation-model/")
                || source.value.contains(":inference-profile/")
            {
                known_model_in_arn(r, source);
            } else {
                r.d.error(
                    source.span,
                    "`copy_from` must be a foundation-model or inference-profile ARN",
                );
            }
        }
        return;
    }
    let c = catalog();
    if let Some((_, prof)) = c.profile(&source.value) {
        if !prof.source_regions.is_empty()
            && !prof.source_regions.iter().any(|x| x == &p.region.value)
        {
            r.d.error(
                source.span,
                format!(
                    "profile `{}` cannot be called from `{}`",
                    source.value, p.region.value
                ),
            )
            .hints
            .push(format!(
                "its source regions: {}",
                code_list(&prof.source_regions)
            ));
        }
    } else if let Some(info) = known_model(r, source) {
        if info.on_demand_in(&p.region.value) == Knowledge::No {
            let d = r.d.error(
                source.span,
                format!(
                    "`{}` cannot be invoked on demand in `{}`, so a profile cannot copy it",
                    source.value, p.region.value
                ),
            );
            if let Some(prof) = info.profile_for(&p.region.value) {
                d.hints.push(format!(
                    "copy the system profile instead: `copy_from: {}`",
                    prof.profile_id
                ));
            }
        }
    }
}

fn logging(r: &mut Rules, cfg: &Config, l: &InvocationLogging) {
    r.region(&l.region);
    if l.cloudwatch.is_none() && l.s3.is_none() {
        r.d.error(
            l.span,
            "invocation logging needs a destination: `cloudwatch`, `s3` or both",
        );
    }
    if let Some(cw) = &l.cloudwatch {
        if r.len(&cw.log_group, "`log_group`", 1, 512) {
            r.charset(
                &cw.log_group,
                "log group name",
                |c| c.is_ascii_alphanumeric() || "._-/#".contains(c),
                r"[\.\-_/#A-Za-z0-9]+",
            );
        }
        let role = &cw.role;
        if role.value.starts_with("arn:") {
            if r.arn(role, "`role`", Some("iam")) && !role.value.contains(":role/") {
                r.d.error(role.span, "`role` must be a role ARN");
            }
        } else if cfg.role(&role.value).is_none() {
            let names: Vec<&str> = cfg
                .iam
                .iter()
                .flat_map(|i| i.roles.iter().flatten())
                .map(|r| r.name.value.as_str())
                .collect();
            let d = r.d.error(
                role.span,
                format!("role `{}` is not defined under `iam.roles`", role.value),
            );
            if let Some(h) = crate::diag::did_you_mean(&role.value, names) {
                d.hints.push(h);
            } else {
                d.hints
                    .push("name a role of this config, or give a role ARN".to_string());
            }
        }
    }
    if let Some(s3) = &l.s3 {
        if r.len(&s3.bucket, "bucket name", 3, 63) {
            r.charset(
                &s3.bucket,
                "bucket name",
                |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.',
                "[a-z0-9.-]",
            );
        }
        if let Some(p) = &s3.prefix {
            r.len(p, "`prefix`", 0, 1024);
        }
    }
    let mut seen = Vec::new();
    for item in &l.data {
        if r.one_of(item, "logging data type", LOG_DATA) && seen.contains(&item.value) {
            r.d.error(
                item.span,
                format!("data type `{}` is listed twice", item.value),
            );
        }
        seen.push(item.value.clone());
    }
}

/// Services whose ARNs PutMetricAlarm takes as alarm actions.
const ALARM_ACTION_SERVICES: &[&str] = &[
    "sns",
    "lambda",
    "ssm",
    "ssm-incidents",
    "automate",
    "autoscaling",
];

fn arn_service(arn: &str) -> &str {
    arn.split(':').nth(2).unwrap_or("")
}

/// PutMetricAlarm: "an alarm's total current evaluation period can be no longer than one
/// day" (`Period` x `EvaluationPeriods` <= 86400), as the sandbox enforces it.
const MAX_EVALUATION_SECONDS: u64 = 86_400;

fn alarm(r: &mut Rules, a: &Alarm) {
    r.len(&a.name, "alarm name", 1, 255);
    r.region(&a.region);
    r.one_of(&a.metric, "metric of the `AWS/Bedrock` namespace", METRICS);
    r.one_of(&a.statistic, "statistic", STATISTICS);
    r.one_of(&a.comparison, "comparison", COMPARISONS);
    let p = a.period.value;
    if !(matches!(p, 10 | 20 | 30) || (p >= 60 && p.is_multiple_of(60))) {
        r.d.error(
            a.period.span,
            format!("`period` must be 10, 20, 30 or a multiple of 60 seconds, found `{p}`"),
        );
    }
    if a.evaluation_periods.value < 1 {
        r.d.error(
            a.evaluation_periods.span,
            "`evaluation_periods` must be at least 1",
        );
    } else if u64::from(p) * u64::from(a.evaluation_periods.value) > MAX_EVALUATION_SECONDS {
        r.d.error(
            a.evaluation_periods.span,
            "`period` x `evaluation_periods` must not exceed one day (86400 seconds)",
        );
    }
    if let Some(m) = &a.model {
        if catalog().resolve(&m.value).is_none() && !m.value.starts_with("arn:") {
            known_model(r, m);
        }
    }
    if a.actions.len() > 5 {
        r.d.error(
            a.span,
            format!("too many alarm actions: {}, at most 5", a.actions.len()),
        );
    }
    for act in &a.actions {
        if r.arn(act, "alarm action", None)
            && !ALARM_ACTION_SERVICES.contains(&arn_service(&act.value))
        {
            r.d.error(
                act.span,
                format!("alarm action `{}` is not an SNS topic, Lambda function, Systems Manager or EC2/Auto Scaling action", act.value),
            )
            .hints
            .push("notify through an SNS topic: `arn:aws:sns:REGION:ACCOUNT:TOPIC`".to_string());
        }
    }
    if let Some(desc) = &a.description {
        r.len(desc, "description", 0, 1024);
    }
}
