//! Model access in the sandbox: offers, agreements pending then available on the
//! sandbox clock, the use-case form gate and its limits, the enforced guardrail.

use crate::account::sandbox::kinds::access::*;
use crate::account::sandbox::kinds::enforced::ENFORCED_NAME;
use crate::account::sandbox::kinds::{self as kinds, Ctx};
use crate::account::sandbox::models;
use crate::account::sandbox::store::{Seed, State};
use crate::account::{Kind, Resource, GLOBAL};
use serde_json::json;

const R: &str = "us-east-1";
const HAIKU: &str = "anthropic.claude-haiku-4-5-20251001-v1:0";
const TODAY: &str = "2026-06-01";

fn state(mode: Option<&str>) -> State {
    let seed = Seed {
        model_access: mode.map(str::to_string),
        access_ready_ms: Some(100),
        ..Seed::default()
    };
    State::from_seed(seed, 0).unwrap()
}

fn ctx(now: i64) -> Ctx {
    Ctx {
        now,
        today: TODAY.into(),
        pt_ready_ms: 0,
    }
}

fn res(kind: Kind, region: &str, name: &str, spec: serde_json::Value) -> Resource {
    Resource {
        kind,
        region: region.into(),
        name: name.into(),
        id: None,
        spec: crate::account::spec::Spec::from_value(kind, spec).unwrap(),
        tags: Default::default(),
        status: None,
    }
}

fn agreement(id: &str, token: &str) -> Resource {
    res(
        Kind::ModelAgreement,
        R,
        id,
        json!({"model_id": id, "offer": {"offer_token": token}}),
    )
}

#[test]
fn offers_follow_the_provider() {
    let kinds = |id: &str| offers(id, R)[0].offer_type();
    assert_eq!(kinds("amazon.nova-lite-v1:0"), "free");
    assert_eq!(kinds("meta.llama3-3-70b-instruct-v1:0"), "terms");
    assert_eq!(kinds(HAIKU), "marketplace");
    assert!(offers("nobody.nothing-v1", R).is_empty());
    assert_eq!(offers(HAIKU, R), offers(HAIKU, R), "deterministic");
}

#[test]
fn nothing_enabled_then_agreement_pending_then_available() {
    let mut st = state(Some("none"));
    let s = models::status(&st, R, HAIKU, TODAY, 0);
    assert_eq!(s.agreement.as_deref(), Some("NOT_AVAILABLE"));
    assert_eq!(s.authorization.as_deref(), Some("NOT_AUTHORIZED"));
    assert!(!s.is_ready());
    let e = create(&mut st, &ctx(0), &agreement(HAIKU, "wrong")).unwrap_err();
    assert_eq!(e.code, "ValidationException");
    let token = offers(HAIKU, R)[0].offer_token.clone();
    let r = create(&mut st, &ctx(0), &agreement(HAIKU, &token)).unwrap();
    assert_eq!(r.status.as_deref(), Some("PENDING"));
    // Accepting again is answered like the first time.
    create(&mut st, &ctx(10), &agreement(HAIKU, &token)).unwrap();
    assert_eq!(st.access.agreements.len(), 1);
    assert_eq!(
        models::status(&st, R, HAIKU, TODAY, 50)
            .agreement
            .as_deref(),
        Some("PENDING")
    );
    let later = models::status(&st, R, HAIKU, TODAY, 100);
    assert_eq!(later.agreement.as_deref(), Some("AVAILABLE"));
    assert_eq!(later.entitlement.as_deref(), Some("AVAILABLE"));
    assert!(!later.is_ready(), "the form is still missing");
    put_use_case(
        &mut st,
        &ctx(100),
        &res(
            Kind::UseCase,
            GLOBAL,
            "default",
            json!({"form_data": "{\"companyName\": \"x\"}"}),
        ),
    )
    .unwrap();
    assert!(!models::status(&st, R, HAIKU, TODAY, 150).is_ready());
    assert!(models::status(&st, R, HAIKU, TODAY, 200).is_ready());
    // Another region is untouched.
    assert!(!models::status(&st, "us-west-2", HAIKU, TODAY, 200).is_ready());
    assert_eq!(list(&st, Kind::ModelAgreement, R, 200).len(), 1);
    let live = list(&st, Kind::ModelAgreement, R, 200).remove(0);
    delete(&mut st, &live).unwrap();
    assert!(!models::status(&st, R, HAIKU, TODAY, 200).is_ready());
}

#[test]
fn the_default_seed_keeps_every_model_enabled_and_bad_knobs_fail() {
    assert!(models::status(&state(None), R, HAIKU, TODAY, 0).is_ready());
    assert!(AccessState::from_seed(Some("some"), None).is_err());
    assert!(AccessState::from_seed(None, Some(-1)).is_err());
}

#[test]
fn the_form_has_the_apis_length_limits() {
    let mut st = state(Some("none"));
    let short = res(Kind::UseCase, GLOBAL, "default", json!({"form_data": "{}"}));
    assert_eq!(
        put_use_case(&mut st, &ctx(0), &short).unwrap_err().code,
        "ValidationException"
    );
    let long = res(
        Kind::UseCase,
        GLOBAL,
        "default",
        json!({"form_data": "x".repeat(16_385)}),
    );
    assert!(put_use_case(&mut st, &ctx(0), &long).is_err());
    assert!(st.access.use_case.is_none());
}

#[test]
fn enforced_guardrail_needs_a_published_version() {
    let mut st = state(None);
    let g = kinds::create(
        &mut st,
        &ctx(0),
        &res(
            Kind::Guardrail,
            R,
            "g",
            json!({"blocked_input_message": "x", "blocked_output_message": "x"}),
        ),
        "",
    )
    .unwrap();
    let arn = g.id.clone().unwrap();
    let want = |v: &str| {
        res(
            Kind::EnforcedGuardrail,
            R,
            ENFORCED_NAME,
            json!({"guardrail": arn, "version": v}),
        )
    };
    assert_eq!(
        create(&mut st, &ctx(0), &want("1")).unwrap_err().code,
        "ResourceNotFoundException"
    );
    assert_eq!(
        create(&mut st, &ctx(0), &want("01")).unwrap_err().code,
        "ValidationException"
    );
    kinds::create(
        &mut st,
        &ctx(0),
        &res(Kind::GuardrailVersion, R, "g", json!({"guardrail": "g", "snapshot": {"blocked_input_message": "x", "blocked_output_message": "x"}})),
        "",
    )
    .unwrap();
    let live = create(&mut st, &ctx(0), &want("1")).unwrap();
    assert_eq!(
        create(&mut st, &ctx(0), &want("1")).unwrap_err().code,
        "ConflictException"
    );
    let updated = update(&mut st, &ctx(1), &live, &want("1")).unwrap();
    assert_eq!(updated.id, live.id);
    delete(&mut st, &live).unwrap();
    assert!(st.of_kind(Kind::EnforcedGuardrail, R).next().is_none());
}
