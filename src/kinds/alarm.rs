//! `alarm`: a CloudWatch metric alarm on the `AWS/Bedrock` namespace.

use super::import::{self, ImportDoc};
use super::{with, Cx, KindDef, Ownership, Traits};
use crate::account::spec::{AlarmSpec, Normalize, Spec};
use crate::account::{Kind, Resource};
use crate::config::{Config, Tags};
use serde_json::json;
use std::collections::BTreeMap;

pub struct Def;

static TRAITS: Traits = Traits {
    section: "alarms",
    // Everything updates in place.
    replace_fields: &[],
    taggable: true,
    takes_token: false,
    rank: 0,
    deferral: 0,
    ownership: Ownership::Tags,
    read_only: false,
};

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::Alarm
    }

    fn traits(&self) -> &'static Traits {
        &TRAITS
    }

    fn declared(&self, cfg: &Config) -> Option<Vec<String>> {
        let alarms = cfg.alarms.as_ref()?;
        Some(alarms.iter().map(|a| a.region.value.clone()).collect())
    }

    fn desired(&self, cx: &Cx<'_>) -> Vec<Resource> {
        let alarms = cx.cfg.alarms.iter().flatten();
        alarms
            .map(|a| {
                let mut dimensions = BTreeMap::new();
                if let Some(m) = &a.model {
                    dimensions.insert("ModelId".to_string(), m.value.clone());
                }
                let spec = AlarmSpec {
                    namespace: "AWS/Bedrock".to_string(),
                    metric: a.metric.value.clone(),
                    dimensions,
                    statistic: a.statistic.value.clone(),
                    period: a.period.value,
                    evaluation_periods: a.evaluation_periods.value,
                    threshold: a.threshold.value,
                    comparison: a.comparison.value.clone(),
                    actions: a.actions.iter().map(|x| x.value.clone()).collect(),
                    description: a.description.as_ref().map(|d| d.value.clone()),
                };
                let tags = cx.owned_tags(&Tags::new(), a.prevent_destroy);
                cx.resource(spec, &a.region.value, &a.name.value, tags)
            })
            .collect()
    }

    fn normalize(&self, spec: &mut Spec) {
        with(spec, |a: &mut AlarmSpec| {
            a.normalize();
            // PutMetricAlarm's defaults, as DescribeAlarms reports them.
            if a.namespace.is_empty() {
                a.namespace = "AWS/Bedrock".to_string();
            }
            if a.evaluation_periods == 0 {
                a.evaluation_periods = 1;
            }
        });
    }

    fn import(&self, r: &Resource, doc: &mut ImportDoc) {
        let Some(s) = r.spec.as_kind::<AlarmSpec>() else {
            return;
        };
        doc.entry(
            self.traits().section,
            vec![
                ("name", json!(r.name)),
                ("region", json!(r.region)),
                ("metric", json!(s.metric)),
                ("model", json!(s.dimensions.get("ModelId"))),
                ("statistic", json!(s.statistic)),
                ("period", json!(s.period)),
                ("evaluation_periods", json!(s.evaluation_periods)),
                ("threshold", json!(s.threshold)),
                ("comparison", json!(s.comparison)),
                ("actions", json!(s.actions)),
                ("description", json!(s.description)),
                ("prevent_destroy", import::prevent(r)),
            ],
        );
    }
}
