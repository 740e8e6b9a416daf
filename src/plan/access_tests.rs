//! Fixtures of the access plan: statuses, offers and the main plan in, changes,
//! conflicts and warnings out.

use super::*;
use crate::account::access::AgreementOffer;
use crate::span::SourceMap;

const NOVA: &str = "amazon.nova-lite-v1:0";
const HAIKU: &str = "anthropic.claude-haiku-4-5-20251001-v1:0";

fn cfg(top: &str, guardrails: &str) -> Config {
    let text = format!(
        "version: 1\nstack: s\naccount:\n  regions: [us-east-1]\n{top}models:\n  - id: {NOVA}\n    regions: [us-east-1]\n    access: manage\n  - id: {HAIKU}\n    regions: [us-east-1]\n    via: inference_profile\n    access: manage\n  - id: amazon.nova-pro-v1:0\n    regions: [us-east-1]\n{guardrails}"
    );
    let mut sources = SourceMap::default();
    match crate::config::load_str(std::path::Path::new("b.yaml"), text, &mut sources) {
        Ok((c, _)) => c,
        Err(d) => panic!("{}", d.render(&sources)),
    }
}

fn status(id: &str, agreement: &str, auth: &str) -> ModelStatus {
    ModelStatus {
        model_id: id.into(),
        region: "us-east-1".into(),
        exists: true,
        agreement: Some(agreement.into()),
        authorization: Some(auth.into()),
        entitlement: Some("NOT_AVAILABLE".into()),
        region_availability: Some("AVAILABLE".into()),
        ..ModelStatus::default()
    }
}

fn offers() -> AccessInputs {
    let mut inputs = AccessInputs::default();
    for id in [NOVA, HAIKU] {
        inputs.offers.insert(
            ("us-east-1".into(), id.into()),
            Ok(vec![AgreementOffer {
                offer_token: format!("tok-{id}"),
                offer_id: id.starts_with("anthropic.").then(|| "offer-1".to_string()),
                ..AgreementOffer::default()
            }]),
        );
    }
    inputs
}

fn actions(p: &AccessPlan) -> Vec<String> {
    p.changes
        .iter()
        .map(|c| format!("{} {}", c.action.as_str(), c.address()))
        .collect()
}

#[test]
fn agreements_to_accept_are_refused_without_accept_agreements() {
    let statuses = [
        status(NOVA, "NOT_AVAILABLE", "AUTHORIZED"),
        status(HAIKU, "NOT_AVAILABLE", "AUTHORIZED"),
    ];
    let p = plan_access(&cfg("", ""), &statuses, &offers(), &Plan::default(), false);
    assert_eq!(
        actions(&p),
        [
            format!("create model_agreement.us-east-1.{NOVA}"),
            format!("create model_agreement.us-east-1.{HAIKU}"),
        ]
    );
    assert_eq!(p.conflicts.len(), 2);
    assert!(p.conflicts.iter().all(|c| c
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("agreement") && r.contains("accept_agreements: true"))));
    let haiku = p
        .conflicts
        .iter()
        .find(|c| c.address.contains(HAIKU))
        .unwrap();
    assert!(haiku.reason.as_deref().unwrap().contains("`offer-1`"));
    assert!(haiku.reason.as_deref().unwrap().contains("Anthropic"));

    let ok = plan_access(
        &cfg("accept_agreements: true\n", ""),
        &statuses,
        &offers(),
        &Plan::default(),
        false,
    );
    assert!(ok.conflicts.is_empty());
    // `access: check` models (nova-pro) are never planned.
    assert!(!actions(&ok).iter().any(|a| a.contains("nova-pro")));
}

#[test]
fn existing_agreements_are_no_ops_and_survive_destroy_unless_revoked() {
    let statuses = [
        status(NOVA, "AVAILABLE", "AUTHORIZED"),
        status(HAIKU, "PENDING", "AUTHORIZED"),
    ];
    let none = AccessInputs::default();
    let p = plan_access(&cfg("", ""), &statuses, &none, &Plan::default(), false);
    assert!(p.changes.iter().all(|c| c.action == Action::NoOp), "{p:?}");
    assert_eq!(p.changes.len(), 2);
    assert!(p.conflicts.is_empty());
    let d = plan_access(&cfg("", ""), &statuses, &none, &Plan::default(), true);
    assert!(d.changes.is_empty());
    let r = plan_access(
        &cfg("revoke_agreements_on_destroy: true\n", ""),
        &statuses,
        &none,
        &Plan::default(),
        true,
    );
    assert_eq!(
        actions(&r),
        [
            format!("delete model_agreement.us-east-1.{NOVA}"),
            format!("delete model_agreement.us-east-1.{HAIKU}"),
        ]
    );
}

#[test]
fn an_unauthorized_anthropic_model_needs_the_form() {
    let statuses = [
        status(NOVA, "AVAILABLE", "AUTHORIZED"),
        status(HAIKU, "AVAILABLE", "NOT_AUTHORIZED"),
    ];
    let p = plan_access(
        &cfg("", ""),
        &statuses,
        &AccessInputs::default(),
        &Plan::default(),
        false,
    );
    assert_eq!(p.conflicts.len(), 1);
    assert_eq!(p.conflicts[0].address, "use_case.global.default");
    assert!(p.conflicts[0].reason.as_deref().unwrap().contains(HAIKU));
}

#[test]
fn an_unreadable_availability_is_a_warning() {
    let s = ModelStatus {
        model_id: NOVA.into(),
        region: "us-east-1".into(),
        exists: true,
        ..ModelStatus::default()
    };
    let p = plan_access(&cfg("", ""), &[s], &offers(), &Plan::default(), false);
    assert!(p.changes.is_empty());
    assert!(
        p.warnings[0].contains("could not be read"),
        "{:?}",
        p.warnings
    );
}

#[test]
fn missing_offers_and_unreadable_offers_are_warnings() {
    let statuses = [
        status(NOVA, "NOT_AVAILABLE", "AUTHORIZED"),
        status(HAIKU, "NOT_AVAILABLE", "AUTHORIZED"),
    ];
    let mut inputs = AccessInputs::default();
    inputs
        .offers
        .insert(("us-east-1".into(), NOVA.into()), Ok(Vec::new()));
    inputs
        .offers
        .insert(("us-east-1".into(), HAIKU.into()), Err("denied".into()));
    let p = plan_access(&cfg("", ""), &statuses, &inputs, &Plan::default(), false);
    assert!(p.changes.is_empty());
    assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
}

const GUARD: &str = "guardrails:\n  - name: g\n    regions: [us-east-1]\n    blocked_input_message: x\n    blocked_output_message: x\n    publish_version: true\n    enforce: account\n";

fn main_plan(version_action: Action) -> Plan {
    let arn = "arn:aws:bedrock:us-east-1:111122223333:guardrail/abc";
    let g = Resource {
        id: Some(arn.into()),
        ..resource(
            Kind::Guardrail,
            "us-east-1",
            "g",
            crate::account::spec::GuardrailSpec::default().into(),
        )
    };
    let v = Resource {
        id: Some(format!("{arn}:7")),
        ..resource(
            Kind::GuardrailVersion,
            "us-east-1",
            "g:7",
            GuardrailVersionSpec {
                guardrail: "g".into(),
                ..GuardrailVersionSpec::default()
            }
            .into(),
        )
    };
    let mut gc = change(Kind::Guardrail, "us-east-1", "g", Action::NoOp);
    gc.before = Some(g);
    let mut vc = change(Kind::GuardrailVersion, "us-east-1", "g:7", Action::NoOp);
    vc.before = Some(v);
    let mut changes = vec![gc, vc];
    if version_action == Action::Create {
        let mut nc = change(Kind::GuardrailVersion, "us-east-1", "g", Action::Create);
        nc.after = Some(resource(
            Kind::GuardrailVersion,
            "us-east-1",
            "g",
            GuardrailVersionSpec {
                guardrail: "g".into(),
                ..GuardrailVersionSpec::default()
            }
            .into(),
        ));
        changes.push(nc);
    }
    Plan {
        changes,
        ..Plan::default()
    }
}

#[test]
fn the_enforced_guardrail_names_the_live_version_or_the_one_apply_publishes() {
    let c = cfg("", GUARD);
    let p = plan_access(
        &c,
        &[],
        &AccessInputs::default(),
        &main_plan(Action::NoOp),
        false,
    );
    let e = p
        .changes
        .iter()
        .find(|c| c.kind == Kind::EnforcedGuardrail)
        .unwrap();
    assert_eq!(e.action, Action::Create);
    let spec = &e.after.as_ref().unwrap().spec;
    assert_eq!(spec.to_value()["version"], "7");
    assert_eq!(
        spec.to_value()["guardrail"],
        "arn:aws:bedrock:us-east-1:111122223333:guardrail/abc"
    );

    let p = plan_access(
        &c,
        &[],
        &AccessInputs::default(),
        &main_plan(Action::Create),
        false,
    );
    let e = p
        .changes
        .iter()
        .find(|c| c.kind == Kind::EnforcedGuardrail)
        .unwrap();
    assert_eq!(
        e.after.as_ref().unwrap().spec.to_value()["version"],
        LATEST_VERSION
    );

    // Converged: the live configuration names the same; destroy deletes it.
    let live = Resource {
        id: Some("cfg1".into()),
        ..resource(Kind::EnforcedGuardrail, "us-east-1", ENFORCED_NAME, Spec::from_value(Kind::EnforcedGuardrail, serde_json::json!({"guardrail": "arn:aws:bedrock:us-east-1:111122223333:guardrail/abc", "version": "7"})).unwrap())
    };
    let inputs = AccessInputs {
        enforced: vec![live],
        ..AccessInputs::default()
    };
    let p = plan_access(&c, &[], &inputs, &main_plan(Action::NoOp), false);
    assert_eq!(
        actions(&p),
        ["no-op enforced_guardrail.us-east-1.default".to_string()]
    );
    let d = plan_access(&c, &[], &inputs, &main_plan(Action::NoOp), true);
    assert_eq!(
        actions(&d),
        ["delete enforced_guardrail.us-east-1.default".to_string()]
    );
}

#[test]
fn several_offers_accept_the_first_and_say_so() {
    let statuses = [status(NOVA, "NOT_AVAILABLE", "AUTHORIZED")];
    let mut inputs = AccessInputs::default();
    inputs.offers.insert(
        ("us-east-1".into(), NOVA.into()),
        Ok(vec![
            AgreementOffer {
                offer_token: "first".into(),
                ..AgreementOffer::default()
            },
            AgreementOffer {
                offer_token: "second".into(),
                ..AgreementOffer::default()
            },
        ]),
    );
    let p = plan_access(
        &cfg("accept_agreements: true\n", ""),
        &statuses,
        &inputs,
        &Plan::default(),
        false,
    );
    let after = p.changes[0].after.as_ref().unwrap().spec.to_value();
    assert_eq!(after["offer"]["offer_token"], "first");
    assert!(
        p.warnings[0].contains("`first`, `second`"),
        "{:?}",
        p.warnings
    );
}
