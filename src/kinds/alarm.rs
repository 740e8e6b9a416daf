//! `alarm`: a CloudWatch metric alarm on the `AWS/Bedrock` namespace.

use super::{with, KindDef};
use crate::account::spec::{AlarmSpec, Normalize, Spec};
use crate::account::Kind;

pub struct Def;

impl KindDef for Def {
    fn kind(&self) -> Kind {
        Kind::Alarm
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

    fn config_section(&self) -> &'static str {
        "alarms"
    }
}
