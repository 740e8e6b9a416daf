//! Model access on the AWS implementation (issue 17), through aws-smithy-mocks: moto
//! has none of these operations. The mocks answer in the wire shapes of botocore's
//! bedrock model (2023-04-20): ListFoundationModelAgreementOffers `{modelId, offers:
//! [{offerId, offerToken, termDetails: {usageBasedPricingTerm: {rateCard}, legalTerm:
//! {url}, supportTerm, validityTerm}}]}`, CreateFoundationModelAgreement `{modelId,
//! offerToken}` → 202 `{modelId}`, GetUseCaseForModelAccess / PutUseCaseForModelAccess
//! `{formData: blob}`, GetFoundationModelAvailability, and the enforced guardrail
//! configuration calls. The fake account behind them keeps state, so a whole plan →
//! apply → plan cycle runs against it and its requests are asserted in order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aws_sdk_bedrock::Client as Bedrock;
use aws_smithy_mocks::{mock, MockResponse, Rule};
use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
use aws_smithy_types::body::SdkBody;
use bedrockctl::account::aws::{permissions, AwsAccount};
use bedrockctl::account::spec::Spec;
use bedrockctl::account::{Account, Kind, Resource};
use bedrockctl::engine::progress::Reporter;
use bedrockctl::engine::{execute, plan_config, ExecOptions};
use bedrockctl::plan::DiffOptions;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const NOVA: &str = "amazon.nova-lite-v1:0";
const HAIKU: &str = "anthropic.claude-haiku-4-5-20251001-v1:0";
const GR_ARN: &str = "arn:aws:bedrock:us-east-1:111122223333:guardrail/abc123def456";
const FORM: &str = r#"{"companyName": "Example Corp", "companyWebsite": "https://www.example.com", "intendedUsers": "0", "industryOption": "Technology", "useCases": "Internal assistant"}"#;

mod mock_support;
use mock_support::{error, mocked, respond};

/// What the fake account holds.
#[derive(Debug, Default)]
struct Fake {
    agreements: BTreeSet<String>,
    form: Option<String>,
    /// Availability calls answered since each agreement: the first says PENDING.
    polls: usize,
}

fn who() -> Rule {
    mock!(aws_sdk_sts::Client::get_caller_identity).then_http_response(|| {
        let mut r = HttpResponse::new(
            StatusCode::try_from(200).unwrap(),
            SdkBody::from(
                r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>arn:aws:sts::111122223333:assumed-role/ops/s</Arn>
    <UserId>AROAEXAMPLE:s</UserId><Account>111122223333</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#,
            ),
        );
        r.headers_mut().insert("content-type", "text/xml");
        r
    })
}

fn foundation_model() -> Rule {
    mock!(Bedrock::get_foundation_model).then_compute_response(|r| {
        let id = r.model_identifier().unwrap().to_string();
        let types = if id == HAIKU {
            json!(["INFERENCE_PROFILE"])
        } else {
            json!(["ON_DEMAND", "INFERENCE_PROFILE"])
        };
        MockResponse::Http(respond(
            200,
            &json!({"modelDetails": {
                "modelArn": format!("arn:aws:bedrock:us-east-1::foundation-model/{id}"),
                "modelId": id, "modelName": id, "providerName": id.split('.').next().unwrap(),
                "inputModalities": ["TEXT"], "outputModalities": ["TEXT"], "responseStreamingSupported": true,
                "customizationsSupported": [], "inferenceTypesSupported": types,
                "modelLifecycle": {"status": "ACTIVE"}}})
            .to_string(),
        ))
    })
}

fn availability(fake: Arc<Mutex<Fake>>) -> Rule {
    mock!(Bedrock::get_foundation_model_availability).then_compute_response(move |r| {
        let id = r.model_id().unwrap().to_string();
        let mut f = fake.lock().unwrap();
        let agreement = if f.agreements.contains(&id) {
            f.polls += 1;
            // Accepted agreements take one poll to settle, as the service's PENDING does.
            if f.polls == 1 {
                "PENDING"
            } else {
                "AVAILABLE"
            }
        } else {
            "NOT_AVAILABLE"
        };
        let auth = if id.starts_with("anthropic.") && f.form.is_none() {
            "NOT_AUTHORIZED"
        } else {
            "AUTHORIZED"
        };
        let entitlement = if agreement == "AVAILABLE" {
            "AVAILABLE"
        } else {
            "NOT_AVAILABLE"
        };
        MockResponse::Http(respond(
            200,
            &json!({"modelId": id, "agreementAvailability": {"status": agreement},
                "authorizationStatus": auth, "entitlementAvailability": entitlement,
                "regionAvailability": "AVAILABLE"})
            .to_string(),
        ))
    })
}

fn offers_body(id: &str) -> String {
    let offer = if id == NOVA {
        json!({"offerToken": "tok-nova-free", "termDetails": {
            "usageBasedPricingTerm": {"rateCard": []}, "legalTerm": {}, "supportTerm": {}}})
    } else {
        json!({"offerId": "offer-anthropic-1", "offerToken": "tok-haiku-mp", "termDetails": {
            "usageBasedPricingTerm": {"rateCard": [
                {"dimension": "input_tokens", "price": "0.001", "description": "per 1K input tokens", "unit": "USD"}]},
            "legalTerm": {"url": "https://aws.amazon.com/legal/bedrock/third-party-models/"},
            "supportTerm": {"refundPolicyDescription": "none"},
            "validityTerm": {"agreementDuration": "P12M"}}})
    };
    json!({"modelId": id, "offers": [offer]}).to_string()
}

/// ListFoundationModelAgreementOffers; the first call for Nova is throttled and the SDK
/// retries it (a retried request stays with the rule that answered it first).
fn offers() -> [Rule; 2] {
    [
        mock!(Bedrock::list_foundation_model_agreement_offers)
            .match_requests(|r| r.model_id() == Some(NOVA))
            .sequence()
            .http_response(|| error(429, "ThrottlingException", "Rate exceeded"))
            .http_response(|| respond(200, &offers_body(NOVA)))
            .build(),
        mock!(Bedrock::list_foundation_model_agreement_offers)
            .match_requests(|r| r.model_id() == Some(HAIKU))
            .then_http_response(|| respond(200, &offers_body(HAIKU))),
    ]
}

fn create_agreement(fake: Arc<Mutex<Fake>>) -> Rule {
    mock!(Bedrock::create_foundation_model_agreement).then_compute_response(move |r| {
        let id = r.model_id().unwrap().to_string();
        fake.lock().unwrap().agreements.insert(id.clone());
        MockResponse::Http(respond(202, &json!({"modelId": id}).to_string()))
    })
}

fn get_form(fake: Arc<Mutex<Fake>>) -> Rule {
    mock!(Bedrock::get_use_case_for_model_access).then_compute_response(move |_| {
        MockResponse::Http(match &fake.lock().unwrap().form {
            Some(f) => respond(
                200,
                &json!({"formData": aws_smithy_types::base64::encode(f)}).to_string(),
            ),
            None => error(404, "ResourceNotFoundException", "Use case not found."),
        })
    })
}

fn put_form(fake: Arc<Mutex<Fake>>) -> Rule {
    mock!(Bedrock::put_use_case_for_model_access).then_compute_response(move |r| {
        let data = String::from_utf8(r.form_data().unwrap().as_ref().to_vec()).unwrap();
        fake.lock().unwrap().form = Some(data);
        MockResponse::Http(respond(201, "{}"))
    })
}

fn project() -> (tempfile::TempDir, bedrockctl::config::Config) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("use-case.json"), FORM).unwrap();
    let text = format!(
        "version: 1\nstack: access\naccount:\n  regions: [us-east-1]\naccept_agreements: true\n\
         use_case: {{ file: use-case.json }}\nmodels:\n  - id: {NOVA}\n    regions: [us-east-1]\n    access: manage\n\
         \x20 - id: {HAIKU}\n    regions: [us-east-1]\n    via: inference_profile\n    access: manage\n"
    );
    let path = dir.path().join("bedrock.yaml");
    std::fs::write(&path, text).unwrap();
    let mut sources = bedrockctl::span::SourceMap::default();
    let (cfg, _) = bedrockctl::config::load(&path, &mut sources)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    (dir, cfg)
}

fn exec() -> ExecOptions {
    ExecOptions {
        wait_timeout: Duration::from_secs(20),
        poll_max: Duration::from_millis(20),
        ..ExecOptions::default()
    }
}

fn assert_table_covers(acct: &AwsAccount) {
    for r in acct.requests() {
        assert!(
            permissions::lookup(&r.service, &r.operation).is_some(),
            "{r:?} not in permissions.rs"
        );
        assert_eq!(r.host, "127.0.0.1");
    }
}

#[tokio::test]
async fn plan_apply_accepts_offers_submits_the_form_waits_and_a_rerun_creates_nothing() {
    let fake = Arc::new(Mutex::new(Fake::default()));
    let [nova_offers, haiku_offers] = offers();
    let rules = [
        who(),
        foundation_model(),
        availability(fake.clone()),
        nova_offers,
        haiku_offers,
        create_agreement(fake.clone()),
        get_form(fake.clone()),
        put_form(fake.clone()),
    ];
    let refs: Vec<&Rule> = rules.iter().collect();
    let (aws, wire) = mocked(&refs);
    let aws = Arc::new(aws);
    let acct: Arc<dyn Account> = aws.clone();
    let (_dir, cfg) = project();

    let planned = plan_config(acct.clone(), &cfg, DiffOptions::default(), &exec())
        .await
        .unwrap();
    let creates: Vec<String> = planned
        .plan
        .actionable()
        .map(|c| format!("{} {}", c.action.as_str(), c.address()))
        .collect();
    assert_eq!(
        creates,
        [
            format!("create model_agreement.us-east-1.{NOVA}"),
            format!("create model_agreement.us-east-1.{HAIKU}"),
            "create use_case.global.default".to_string(),
        ]
    );
    assert!(
        planned.plan.conflicts.is_empty(),
        "{:?}",
        planned.plan.conflicts
    );
    let haiku = planned
        .plan
        .changes
        .iter()
        .find(|c| c.name == HAIKU)
        .and_then(|c| c.after.as_ref())
        .unwrap()
        .spec
        .to_value();
    assert_eq!(haiku["offer"]["offer_id"], "offer-anthropic-1");
    assert_eq!(haiku["offer"]["offer_token"], "tok-haiku-mp");
    assert_eq!(
        haiku["offer"]["pricing"],
        json!(["input_tokens: 0.001 USD"])
    );
    assert_eq!(haiku["offer"]["duration"], "P12M");
    assert_eq!(haiku["offer_type"], "marketplace");
    assert_eq!(haiku["provider"], "Anthropic");
    // Throttled once, retried by the SDK: three calls for two models.
    assert_eq!(
        wire.find("GET", "/list-foundation-model-agreement-offers/")
            .len(),
        3
    );
    assert_eq!(wire.find("GET", "/use-case-for-model-access").len(), 1);

    let before = wire.all().len();
    let outcome = execute(acct.clone(), &planned.plan, &exec(), &Reporter::silent()).await;
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    assert_eq!(outcome.applied.len(), 3);
    let applied: Vec<String> = wire.paths()[before..]
        .iter()
        .filter(|p| p.starts_with("POST"))
        .cloned()
        .collect();
    // The form first (its own stage), then both agreements.
    assert_eq!(applied[0], "POST /use-case-for-model-access");
    let mut agreements = applied[1..].to_vec();
    agreements.sort();
    assert_eq!(
        agreements,
        [
            "POST /create-foundation-model-agreement",
            "POST /create-foundation-model-agreement"
        ]
    );
    // Bodies as botocore's model shapes them.
    let put: serde_json::Value =
        serde_json::from_str(&wire.find("POST", "/use-case-for-model-access")[0].body).unwrap();
    let sent = aws_smithy_types::base64::decode(put["formData"].as_str().unwrap()).unwrap();
    assert_eq!(String::from_utf8(sent).unwrap(), FORM);
    let mut bodies: Vec<serde_json::Value> = wire
        .find("POST", "/create-foundation-model-agreement")
        .iter()
        .map(|s| serde_json::from_str(&s.body).unwrap())
        .collect();
    bodies.sort_by_key(|b| b["modelId"].as_str().unwrap().to_string());
    assert_eq!(
        bodies,
        [
            json!({"modelId": NOVA, "offerToken": "tok-nova-free"}),
            json!({"modelId": HAIKU, "offerToken": "tok-haiku-mp"}),
        ]
    );
    // apply waited: availability was polled again after the agreements (PENDING first).
    assert!(fake.lock().unwrap().polls >= 3);

    // A re-run plans nothing, reads no offers and sends no create.
    let offers_before = wire
        .find("GET", "/list-foundation-model-agreement-offers/")
        .len();
    let creates_before = wire
        .find("POST", "/create-foundation-model-agreement")
        .len();
    let again = plan_config(acct.clone(), &cfg, DiffOptions::default(), &exec())
        .await
        .unwrap();
    assert_eq!(
        again.plan.actionable().count(),
        0,
        "{:?}",
        again.plan.changes
    );
    let outcome = execute(acct.clone(), &again.plan, &exec(), &Reporter::silent()).await;
    assert!(outcome.applied.is_empty());
    assert_eq!(
        wire.find("GET", "/list-foundation-model-agreement-offers/")
            .len(),
        offers_before
    );
    assert_eq!(
        wire.find("POST", "/create-foundation-model-agreement")
            .len(),
        creates_before
    );
    assert_eq!(wire.find("POST", "/use-case-for-model-access").len(), 1);
    assert_table_covers(&aws);
}

#[tokio::test]
async fn a_denied_create_agreement_fails_the_step_with_the_services_message() {
    let fake = Arc::new(Mutex::new(Fake {
        form: Some(FORM.to_string()),
        ..Fake::default()
    }));
    let denied = mock!(Bedrock::create_foundation_model_agreement).then_http_response(|| {
        error(
            403,
            "AccessDeniedException",
            "User: arn:aws:sts::111122223333:assumed-role/ops/s is not authorized to perform: aws-marketplace:Subscribe on resource: *",
        )
    });
    let [nova_offers, haiku_offers] = offers();
    let rules = [
        who(),
        foundation_model(),
        availability(fake.clone()),
        nova_offers,
        haiku_offers,
        denied,
        get_form(fake.clone()),
        put_form(fake.clone()),
    ];
    let refs: Vec<&Rule> = rules.iter().collect();
    let (acct, wire) = mocked(&refs);
    let acct: Arc<dyn Account> = Arc::new(acct);
    let (_dir, cfg) = project();
    let planned = plan_config(acct.clone(), &cfg, DiffOptions::default(), &exec())
        .await
        .unwrap();
    let outcome = execute(acct.clone(), &planned.plan, &exec(), &Reporter::silent()).await;
    assert_eq!(outcome.failures.len(), 2, "{outcome:?}");
    for (addr, e) in &outcome.failures {
        assert!(addr.starts_with("model_agreement.us-east-1."), "{addr}");
        assert!(e.contains("AccessDeniedException"), "{e}");
        assert!(e.contains("aws-marketplace:Subscribe"), "{e}");
    }
    // Access denied is not retried.
    assert_eq!(
        wire.find("POST", "/create-foundation-model-agreement")
            .len(),
        2
    );
    assert!(fake.lock().unwrap().agreements.is_empty());
}

#[tokio::test]
async fn enforced_guardrail_put_list_update_delete_in_the_wire_shapes() {
    let list = mock!(Bedrock::list_enforced_guardrails_configuration)
        .sequence()
        .http_response(|| {
            respond(
                200,
                &json!({"guardrailsConfig": [], "nextToken": "page-2"}).to_string(),
            )
        })
        .http_response(|| {
            respond(200, &json!({"guardrailsConfig": [{"configId": "cfg1", "guardrailArn": GR_ARN,
                "guardrailId": "abc123def456", "guardrailVersion": "3", "owner": "ACCOUNT",
                "createdAt": "2026-01-01T00:00:00Z", "createdBy": "arn:aws:iam::111122223333:role/ops",
                "updatedAt": "2026-01-01T00:00:00Z", "updatedBy": "arn:aws:iam::111122223333:role/ops"}]})
            .to_string())
        })
        .build();
    let put = mock!(Bedrock::put_enforced_guardrail_configuration).then_http_response(|| {
        respond(
            200,
            &json!({"configId": "cfg1", "updatedAt": "2026-01-01T00:00:00Z",
                "updatedBy": "arn:aws:iam::111122223333:role/ops"})
            .to_string(),
        )
    });
    let delete = mock!(Bedrock::delete_enforced_guardrail_configuration)
        .then_http_response(|| respond(200, "{}"));
    let (acct, wire) = mocked(&[&list, &put, &delete]);

    let live = acct
        .list(Kind::EnforcedGuardrail, "us-east-1")
        .await
        .unwrap();
    assert_eq!(live.len(), 1, "both pages read");
    assert_eq!(live[0].id.as_deref(), Some("cfg1"));
    assert_eq!(
        live[0].spec.to_value(),
        json!({"guardrail": GR_ARN, "version": "3"})
    );
    assert!(wire.all()[1].uri.contains("nextToken=page-2"));

    let desired = Resource {
        kind: Kind::EnforcedGuardrail,
        region: "us-east-1".into(),
        name: "default".into(),
        id: None,
        spec: Spec::from_value(
            Kind::EnforcedGuardrail,
            json!({"guardrail": GR_ARN, "version": "4"}),
        )
        .unwrap(),
        tags: Default::default(),
        status: None,
    };
    let created = acct.create(&desired, "tok").await.unwrap();
    assert_eq!(created.id.as_deref(), Some("cfg1"));
    let body: serde_json::Value =
        serde_json::from_str(&wire.find("PUT", "/enforcedGuardrailsConfiguration")[0].body)
            .unwrap();
    assert_eq!(
        body,
        json!({"guardrailInferenceConfig": {"guardrailIdentifier": GR_ARN, "guardrailVersion": "4"}})
    );
    acct.update(&live[0], &desired).await.unwrap();
    let body: serde_json::Value =
        serde_json::from_str(&wire.find("PUT", "/enforcedGuardrailsConfiguration")[1].body)
            .unwrap();
    assert_eq!(
        body["configId"], "cfg1",
        "an update names the configuration"
    );
    acct.delete(&live[0]).await.unwrap();
    assert_eq!(
        wire.find("DELETE", "/enforcedGuardrailsConfiguration/cfg1")
            .len(),
        1
    );
    assert_table_covers(&acct);
}

#[tokio::test]
async fn an_agreement_accepted_meanwhile_is_not_an_error() {
    let conflict = mock!(Bedrock::create_foundation_model_agreement).then_http_response(|| {
        error(
            409,
            "ConflictException",
            "An agreement already exists for this model.",
        )
    });
    let (acct, wire) = mocked(&[&conflict]);
    let desired = Resource {
        kind: Kind::ModelAgreement,
        region: "us-east-1".into(),
        name: NOVA.into(),
        id: None,
        spec: Spec::from_value(
            Kind::ModelAgreement,
            json!({"model_id": NOVA, "offer": {"offer_token": "tok-nova-free"}}),
        )
        .unwrap(),
        tags: Default::default(),
        status: None,
    };
    let r = acct.create(&desired, "").await.unwrap();
    assert_eq!(r.id.as_deref(), Some(NOVA));
    assert_eq!(r.status.as_deref(), Some("PENDING"));
    assert_eq!(
        wire.find("POST", "/create-foundation-model-agreement")
            .len(),
        1
    );
}
