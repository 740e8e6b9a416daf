//! CloudWatch metric alarms with PutMetricAlarm semantics: create and update are the
//! same upsert, keyed by name.
//!
//! Limits are CloudWatch's: names 1–255, description ≤ 1024, period 10, 20, 30 or a
//! multiple of 60, EvaluationPeriods ≥ 1, Period × EvaluationPeriods ≤ one day, at most
//! 30 dimensions and 5 actions. CloudWatch reports them with the code `ValidationError`.
//! As in PutMetricAlarm, tags given when the alarm already exists are ignored (tags
//! change through TagResource, which `update` does).

use super::{arn_for, parse_spec, Ctx};
use crate::account::sandbox::store::{Entry, Meta, State};
use crate::account::sandbox::validate::{self, Violations};
use crate::account::spec::AlarmSpec;
use crate::account::spec::Spec;
use crate::account::{AccountError, Kind, Resource};

const OP: &str = "PutMetricAlarm";
const STATISTICS: &[&str] = &["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
const COMPARISONS: &[&str] = &[
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
];
const ANOMALY_COMPARISONS: &[&str] = &[
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
];

/// `p99`, `p99.9`, `tm90`, … (extended statistics), loosely.
fn extended_statistic(s: &str) -> bool {
    let body = ["p", "tm", "wm", "tc", "ts", "pr"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or("");
    !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ':' || c == '%')
}

pub fn check(name: &str, a: &AlarmSpec) -> Result<(), AccountError> {
    let mut v = Violations::new();
    v.length(name, "alarmName", 1, 255);
    if name.chars().any(char::is_control) {
        v.push(
            name,
            "alarmName",
            "Member must not contain control characters",
        );
    }
    v.length(&a.namespace, "namespace", 1, 255);
    v.pattern(
        &a.namespace,
        "namespace",
        !a.namespace.starts_with(':'),
        "[^:].*",
    );
    v.length(&a.metric, "metricName", 1, 255);
    if let Some(d) = &a.description {
        v.length(d, "alarmDescription", 0, 1024);
    }
    v.list_max(a.dimensions.len(), "dimensions", 30);
    for (i, (k, val)) in a.dimensions.iter().enumerate() {
        v.length(k, &format!("dimensions.{}.member.name", i + 1), 1, 255);
        v.length(val, &format!("dimensions.{}.member.value", i + 1), 1, 1024);
    }
    v.min_value(a.evaluation_periods, "evaluationPeriods", 1);
    v.min_value(a.period, "period", 1);
    v.list_max(a.actions.len(), "alarmActions", 5);
    for (i, act) in a.actions.iter().enumerate() {
        v.length(act, &format!("alarmActions.{}.member", i + 1), 1, 1024);
    }
    v.finish(OP, "ValidationError")?;

    let rule = |m: String| Err(AccountError::new(OP, "ValidationError", m));
    if !STATISTICS.contains(&a.statistic.as_str()) && !extended_statistic(&a.statistic) {
        return rule(format!(
            "Invalid statistic '{}': use one of {} or an extended statistic such as p99.",
            a.statistic,
            STATISTICS.join(", ")
        ));
    }
    if ANOMALY_COMPARISONS.contains(&a.comparison.as_str()) {
        return rule(format!(
            "ComparisonOperator {} is only valid for anomaly detection alarms, which need ThresholdMetricId.",
            a.comparison
        ));
    }
    if !COMPARISONS.contains(&a.comparison.as_str()) {
        let mut v = Violations::new();
        v.one_of(
            &a.comparison,
            "comparisonOperator",
            &[COMPARISONS, ANOMALY_COMPARISONS].concat(),
        );
        return v.finish(OP, "ValidationError");
    }
    if !matches!(a.period, 10 | 20 | 30) && !a.period.is_multiple_of(60) {
        return rule(format!(
            "The parameter Period must be 10, 20, 30, or a multiple of 60 (got {}).",
            a.period
        ));
    }
    if u64::from(a.period) * u64::from(a.evaluation_periods) > 86_400 {
        return rule(format!(
            "The product of Period ({}) and EvaluationPeriods ({}) must not exceed 86400 seconds (one day).",
            a.period, a.evaluation_periods
        ));
    }
    if !a.threshold.is_finite() {
        return rule("Threshold must be a finite number.".to_string());
    }
    for act in &a.actions {
        let parts: Vec<&str> = act.splitn(6, ':').collect();
        let ok = parts.len() == 6
            && parts[0] == "arn"
            && matches!(
                parts[2],
                "sns" | "automate" | "ssm" | "lambda" | "ssm-incidents" | "autoscaling"
            );
        if !ok {
            return rule(format!("Invalid alarm action '{act}': expected an SNS topic, Lambda, SSM or EC2/Auto Scaling action ARN."));
        }
    }
    Ok(())
}

/// `create` true: PutMetricAlarm from a create (tags apply only to a new alarm).
pub fn put(
    state: &mut State,
    ctx: &Ctx,
    d: &Resource,
    _create: bool,
) -> Result<String, AccountError> {
    let spec: AlarmSpec = parse_spec(OP, d)?;
    check(&d.name, &spec)?;
    validate::iam_style_tags(OP, &d.tags, "ValidationError")?;
    let mut spec = spec;
    crate::account::spec::Normalize::normalize(&mut spec);
    let value = Spec::from(spec);
    if let Some(e) = state.resources.iter_mut().find(|e| {
        e.resource.kind == Kind::Alarm && e.resource.region == d.region && e.resource.name == d.name
    }) {
        e.resource.spec = value;
        e.meta.updated_ms = ctx.now;
        return Ok(e.resource.id.clone().unwrap_or_default());
    }
    let id = arn_for(state, Kind::Alarm, &d.region, &d.name);
    state.resources.push(Entry {
        resource: Resource {
            id: Some(id.clone()),
            spec: value,
            status: Some("INSUFFICIENT_DATA".to_string()),
            ..d.clone()
        },
        meta: Meta {
            created_ms: ctx.now,
            updated_ms: ctx.now,
            ..Meta::default()
        },
    });
    Ok(id)
}

/// PutMetricAlarm for the spec, then TagResource/UntagResource for the tags. An alarm
/// cannot be renamed: a different name is a different alarm.
pub fn update(state: &mut State, ctx: &Ctx, idx: usize, d: &Resource) -> Result<(), AccountError> {
    let live_name = state.resources[idx].resource.name.clone();
    if d.name != live_name {
        return Err(AccountError::new(
            OP,
            "ValidationError",
            format!(
                "Alarm {live_name} cannot be renamed to {}; create a new alarm instead.",
                d.name
            ),
        ));
    }
    let d = Resource {
        region: state.resources[idx].resource.region.clone(),
        ..d.clone()
    };
    put(state, ctx, &d, false)?;
    validate::iam_style_tags("TagResource", &d.tags, "InvalidParameterValue")?;
    state.resources[idx].resource.tags = d.tags.clone();
    Ok(())
}
