//! `audit: { cloudtrail: require | manage }`: do the account's CloudTrail trails record
//! the Bedrock calls this config makes? (issue 18; docs/audit.md)
//!
//! - [`events`]: the AWS facts — which calls are management events, which data events
//!   and under which `resources.type`.
//! - [`needs`]: what a config uses (regions, data event types and the grants behind them).
//! - [`selectors`]: whether a trail's basic or advanced selectors record a kind of event.
//! - [`coverage`]: trails + selectors + needs → findings (pure, unit-tested).
//! - [`read`]: reads the trails through the [`Account`](crate::account::Account) trait.
//!
//! Findings have stable kebab-case codes and the severities of design.md's "Lint
//! severities": an error means the config's calls go unrecorded (`check` exits 3), a
//! warning that they are recorded only in part or could not be verified.

pub mod coverage;
pub mod events;
pub mod needs;
pub mod read;
pub mod selectors;

use crate::diag::{Diagnostic, Severity};
use crate::span::Span;

/// One audit rule: code, severity and how to fix what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    pub fix: &'static str,
}

pub const RULE_NO_TRAIL: Rule = Rule {
    code: "cloudtrail-no-logging-trail",
    severity: Severity::Error,
    fix: "create a multi-region trail and start logging, or set `audit.cloudtrail: manage`",
};
pub const RULE_MGMT: Rule = Rule {
    code: "cloudtrail-management-events-missing",
    severity: Severity::Error,
    fix: "log management events (ReadWriteType All, or an advanced selector `eventCategory = Management`)",
};
pub const RULE_MGMT_READS: Rule = Rule {
    code: "cloudtrail-management-reads-missing",
    severity: Severity::Error,
    fix: "log read management events too: ReadWriteType All, or drop the `readOnly` filter",
};
pub const RULE_DATA: Rule = Rule {
    code: "cloudtrail-data-events-missing",
    severity: Severity::Error,
    fix: "add an advanced selector `eventCategory = Data` with that `resources.type`",
};
pub const RULE_NARROWED: Rule = Rule {
    code: "cloudtrail-selector-narrowed",
    severity: Severity::Warning,
    fix: "drop the eventName/resources.ARN filter if every call must be recorded",
};
pub const RULE_UNREADABLE_TRAIL: Rule = Rule {
    code: "cloudtrail-trail-unreadable",
    severity: Severity::Warning,
    fix: "allow cloudtrail:GetTrailStatus and cloudtrail:GetEventSelectors on the trail",
};
pub const RULE_UNREADABLE: Rule = Rule {
    code: "cloudtrail-unreadable",
    severity: Severity::Error,
    fix: "allow cloudtrail:DescribeTrails",
};

/// Every rule, in a stable order.
pub const RULES: &[Rule] = &[
    RULE_NO_TRAIL,
    RULE_MGMT,
    RULE_MGMT_READS,
    RULE_DATA,
    RULE_NARROWED,
    RULE_UNREADABLE_TRAIL,
    RULE_UNREADABLE,
];

/// One audit finding in one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub region: String,
    pub message: String,
}

impl Finding {
    pub fn new(rule: Rule, region: &str, message: String) -> Finding {
        Finding {
            code: rule.code,
            severity: rule.severity,
            region: region.to_string(),
            message,
        }
    }

    /// As a diagnostic at the config's `audit.cloudtrail` value, with the fix as a hint.
    pub fn to_diagnostic(&self, span: Option<Span>) -> Diagnostic {
        let mut d = Diagnostic {
            severity: self.severity,
            code: self.code,
            message: self.message.clone(),
            span,
            hints: Vec::new(),
        };
        if let Some(r) = RULES.iter().find(|r| r.code == self.code) {
            d.hints.push(format!("fix: {}", r.fix));
        }
        d.hints.push("see `docs/audit.md`".to_string());
        d
    }

    /// `{"code", "severity", "region", "message"}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code,
            "severity": self.severity.as_str(),
            "region": self.region,
            "message": self.message,
        })
    }
}

/// The text summary plan and check print: a count, then one line per finding.
pub fn render_summary(findings: &[Finding]) -> String {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let mut out = format!(
        "\nCloudTrail audit: {} error{}, {} warning{}\n",
        errors,
        if errors == 1 { "" } else { "s" },
        findings.len() - errors,
        if findings.len() - errors == 1 {
            ""
        } else {
            "s"
        }
    );
    if findings.is_empty() {
        out.push_str("  the trails record every Bedrock call this config makes\n");
    }
    for f in findings {
        out.push_str(&format!(
            "  {} [{}] {}: {}\n",
            f.severity.as_str(),
            f.code,
            f.region,
            f.message
        ));
    }
    out
}
