//! What moto cannot serve, through aws-smithy-mocks: guardrails (create, get,
//! list with nextToken pagination, update), provisioned throughput (Creating →
//! InService), inference profiles, ListFoundationModels with each model's
//! GetFoundationModelAvailability (and the `models --region` merge over them),
//! SimulatePrincipalPolicy, the Converse and ConverseStream probes (a real
//! event-stream body) and their failures as `probe` diagnoses them, a throttled call
//! that is retried, and enum values this SDK does not know.
//!
//! Responses are HTTP responses in the services' real wire shapes (restJson for
//! Bedrock, awsQuery XML for IAM and STS, awsJson for Organizations, event-stream
//! frames for ConverseStream), so the SDK's own deserializers run; requests are
//! checked on the wire as the SDK serialized them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_mocks::{mock, Rule};
use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use aws_smithy_types::retry::RetryConfig;
use aws_types::region::Region;
use bedrockctl::account::aws::{permissions, AwsAccount};
use bedrockctl::account::spec::Spec;
use bedrockctl::account::{Account, Kind, ProbeKind, Resource, SimulateRequest};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_bedrock::config::{BehaviorVersion, Credentials};
use aws_sdk_bedrock::Client as Bedrock;

const ACCOUNT: &str = "111122223333";
const GR_ARN: &str = "arn:aws:bedrock:us-east-1:111122223333:guardrail/abc123def456";

mod mock_support;
use mock_support::{error, mocked, respond};

fn xml(body: &str) -> HttpResponse {
    let mut r = HttpResponse::new(
        StatusCode::try_from(200).unwrap(),
        SdkBody::from(body.to_string()),
    );
    r.headers_mut().insert("content-type", "text/xml");
    r
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

fn owned() -> BTreeMap<String, String> {
    [("managed-by", "bedrockctl"), ("bedrockctl:stack", "chat")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

// ---- guardrails ------------------------------------------------------------------

fn guardrail_spec(high: &str) -> serde_json::Value {
    json!({
        "description": "Baseline content safety",
        "blocked_input_message": "Sorry, I can't help with that request.",
        "blocked_output_message": "Sorry, I can't provide that response.",
        "content_filters": [
            {"type": "HATE", "input": high, "output": high},
            {"type": "PROMPT_ATTACK", "input": "HIGH", "output": "NONE"}
        ],
        "denied_topics": [{"name": "investment-advice", "definition": "Recommendations about specific securities.", "examples": ["Which stock should I buy?"]}],
        "managed_words": ["PROFANITY"],
        "custom_words": ["competitor-x"],
        "pii": [{"type": "EMAIL", "action": "ANONYMIZE"}],
        "regexes": [{"name": "ticket-id", "pattern": "TCK-[0-9]{6}", "action": "ANONYMIZE"}],
        "grounding_threshold": 0.75,
        "relevance_threshold": 0.5
    })
}

/// GetGuardrail as the service answers: server-side defaults (tiers, modalities,
/// per-direction actions, enabled flags) filled in.
fn get_guardrail_body(strength: &str, version: &str) -> String {
    json!({
        "name": "default-safety",
        "description": "Baseline content safety",
        "guardrailId": "abc123def456",
        "guardrailArn": GR_ARN,
        "version": version,
        "status": "READY",
        "topicPolicy": {"topics": [{"name": "investment-advice", "definition": "Recommendations about specific securities.",
            "examples": ["Which stock should I buy?"], "type": "DENY", "inputAction": "BLOCK", "outputAction": "BLOCK",
            "inputEnabled": true, "outputEnabled": true}], "tier": {"tierName": "CLASSIC"}},
        "contentPolicy": {"filters": [
            {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE", "inputModalities": ["TEXT"],
             "outputModalities": ["TEXT"], "inputAction": "BLOCK", "outputAction": "NONE", "inputEnabled": true, "outputEnabled": false},
            {"type": "HATE", "inputStrength": strength, "outputStrength": strength, "inputModalities": ["TEXT"],
             "outputModalities": ["TEXT"], "inputAction": "BLOCK", "outputAction": "BLOCK", "inputEnabled": true, "outputEnabled": true}
        ], "tier": {"tierName": "CLASSIC"}},
        "wordPolicy": {"words": [{"text": "competitor-x", "inputAction": "BLOCK", "outputAction": "BLOCK"}],
            "managedWordLists": [{"type": "PROFANITY", "inputAction": "BLOCK", "outputAction": "BLOCK"}]},
        "sensitiveInformationPolicy": {"piiEntities": [{"type": "EMAIL", "action": "ANONYMIZE", "inputAction": "ANONYMIZE", "outputAction": "ANONYMIZE"}],
            "regexes": [{"name": "ticket-id", "pattern": "TCK-[0-9]{6}", "action": "ANONYMIZE"}]},
        "contextualGroundingPolicy": {"filters": [{"type": "RELEVANCE", "threshold": 0.5, "action": "BLOCK", "enabled": true},
            {"type": "GROUNDING", "threshold": 0.75, "action": "BLOCK", "enabled": true}]},
        "createdAt": "2025-06-01T10:00:00Z",
        "updatedAt": "2025-06-01T10:00:00Z",
        "blockedInputMessaging": "Sorry, I can't help with that request.",
        "blockedOutputsMessaging": "Sorry, I can't provide that response."
    })
    .to_string()
}

fn summary(id: &str, name: &str, version: &str) -> serde_json::Value {
    json!({"id": id, "arn": format!("arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/{id}"), "status": "READY",
           "name": name, "version": version, "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:00:00Z"})
}

fn tags_body() -> String {
    json!({"tags": [{"key": "managed-by", "value": "bedrockctl"}, {"key": "bedrockctl:stack", "value": "chat"}]}).to_string()
}

#[tokio::test]
async fn guardrail_create_reads_back_without_server_defaults_then_updates() {
    let create = mock!(Bedrock::create_guardrail).then_http_response(|| {
        respond(
            202,
            &json!({"guardrailId": "abc123def456", "guardrailArn": GR_ARN, "version": "DRAFT",
            "createdAt": "2025-06-01T10:00:00Z"})
            .to_string(),
        )
    });
    let get = mock!(Bedrock::get_guardrail)
        .sequence()
        .http_response(|| respond(200, &get_guardrail_body("HIGH", "DRAFT")))
        .http_response(|| respond(200, &get_guardrail_body("MEDIUM", "DRAFT")))
        .repeatedly()
        .build();
    let versions = mock!(Bedrock::list_guardrails)
        .match_requests(|r| r.guardrail_identifier().is_some())
        .then_http_response(|| {
            respond(
                200,
                &json!({"guardrails": [summary("abc123def456", "default-safety", "DRAFT")]})
                    .to_string(),
            )
        });
    let tags =
        mock!(Bedrock::list_tags_for_resource).then_http_response(|| respond(200, &tags_body()));
    let update = mock!(Bedrock::update_guardrail).then_http_response(|| {
        respond(
            202,
            &json!({"guardrailId": "abc123def456", "guardrailArn": GR_ARN, "version": "DRAFT",
            "updatedAt": "2025-06-02T10:00:00Z"})
            .to_string(),
        )
    });
    let (acct, wire) = mocked(&[&create, &get, &versions, &tags, &update]);

    let desired = Resource {
        kind: Kind::Guardrail,
        region: "us-east-1".into(),
        name: "default-safety".into(),
        id: None,
        spec: Spec::from_value(Kind::Guardrail, guardrail_spec("HIGH")).unwrap(),
        tags: owned(),
        status: None,
    };
    let live = acct
        .create(&desired, "plan-7:guardrail.us-east-1.default-safety")
        .await
        .unwrap();
    // Read back: equal to what was asked, no tier/modality/action defaults, sorted.
    let mut want = guardrail_spec("HIGH");
    want["regexes"][0]["description"] = serde_json::Value::Null;
    want["regexes"][0]
        .as_object_mut()
        .unwrap()
        .remove("description");
    assert_eq!(live.spec.to_value(), want);
    assert!(!live.spec.to_string().contains("CLASSIC"));
    assert_eq!(live.id.as_deref(), Some(GR_ARN));
    assert_eq!(live.status.as_deref(), Some("READY"));
    assert_eq!(live.tags, owned());

    // The create request on the wire.
    let body = wire.json("POST", "/guardrails");
    assert_eq!(body["name"], "default-safety");
    assert_eq!(
        body["blockedOutputsMessaging"],
        "Sorry, I can't provide that response."
    );
    assert_eq!(
        body["clientRequestToken"],
        "plan-7-guardrail-us-east-1-default-safety"
    );
    assert_eq!(
        body["contentPolicyConfig"]["filtersConfig"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        body["contentPolicyConfig"].get("tierConfig").is_none(),
        "tier is left to the server: {body}"
    );
    assert_eq!(body["topicPolicyConfig"]["topicsConfig"][0]["type"], "DENY");
    assert_eq!(
        body["wordPolicyConfig"]["managedWordListsConfig"][0]["type"],
        "PROFANITY"
    );
    assert_eq!(
        body["sensitiveInformationPolicyConfig"]["piiEntitiesConfig"][0]["action"],
        "ANONYMIZE"
    );
    assert_eq!(
        body["contextualGroundingPolicyConfig"]["filtersConfig"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        body["tags"],
        json!([{"key": "bedrockctl:stack", "value": "chat"}, {"key": "managed-by", "value": "bedrockctl"}])
    );

    // Update: the whole configuration goes again, with the new strength.
    let mut desired2 = desired.clone();
    desired2.spec = Spec::from_value(Kind::Guardrail, guardrail_spec("MEDIUM")).unwrap();
    let updated = acct.update(&live, &desired2).await.unwrap();
    let body = wire.json("PUT", "/guardrails/");
    assert!(wire
        .find("PUT", "/guardrails/")
        .first()
        .unwrap()
        .uri
        .ends_with(&format!(
            "/guardrails/{}",
            GR_ARN.replace(':', "%3A").replace('/', "%2F")
        )));
    let hate = body["contentPolicyConfig"]["filtersConfig"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["type"] == "HATE")
        .unwrap()
        .clone();
    assert_eq!(hate["inputStrength"], "MEDIUM");
    assert_eq!(body["name"], "default-safety");
    assert_eq!(
        updated.spec.to_value()["content_filters"][0]["input"],
        "MEDIUM"
    );
    // Tags were already right: no tag call.
    assert!(wire.find("POST", "/tagResource").is_empty());
    assert_table_covers(&acct);
}

#[tokio::test]
async fn guardrails_list_follows_next_token_and_reads_versions() {
    let page1 = mock!(Bedrock::list_guardrails)
        .match_requests(|r| r.guardrail_identifier().is_none() && r.next_token().is_none())
        .then_http_response(|| {
            respond(
                200,
                &json!({"guardrails": [summary("aaa111", "first", "DRAFT")], "nextToken": "tok-2"})
                    .to_string(),
            )
        });
    let page2 = mock!(Bedrock::list_guardrails)
        .match_requests(|r| r.guardrail_identifier().is_none() && r.next_token() == Some("tok-2"))
        .then_http_response(|| {
            respond(
                200,
                &json!({"guardrails": [summary("bbb222", "second", "DRAFT")]}).to_string(),
            )
        });
    let versions_a = mock!(Bedrock::list_guardrails)
        .match_requests(|r| r.guardrail_identifier() == Some("aaa111"))
        .then_http_response(|| {
            respond(200, &json!({"guardrails": [summary("aaa111", "first", "DRAFT"), summary("aaa111", "first", "1")]}).to_string())
        });
    let versions_b = mock!(Bedrock::list_guardrails)
        .match_requests(|r| r.guardrail_identifier() == Some("bbb222"))
        .then_http_response(|| {
            respond(
                200,
                &json!({"guardrails": [summary("bbb222", "second", "DRAFT")]}).to_string(),
            )
        });
    let get = mock!(Bedrock::get_guardrail).then_compute_response(|r| {
        let id = r.guardrail_identifier().unwrap().to_string();
        let version = r.guardrail_version().unwrap_or("DRAFT").to_string();
        let name = if id == "aaa111" { "first" } else { "second" };
        let mut body: serde_json::Value =
            serde_json::from_str(&get_guardrail_body("HIGH", &version)).unwrap();
        body["guardrailId"] = json!(id);
        body["name"] = json!(name);
        body["guardrailArn"] = json!(format!(
            "arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/{id}"
        ));
        aws_smithy_mocks::MockResponse::Http(respond(200, &body.to_string()))
    });
    let tags =
        mock!(Bedrock::list_tags_for_resource).then_http_response(|| respond(200, &tags_body()));
    let (acct, wire) = mocked(&[&page1, &page2, &versions_a, &versions_b, &get, &tags]);

    let listed = acct.list(Kind::Guardrail, "us-east-1").await.unwrap();
    let names: Vec<_> = listed.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["first", "second"]);
    assert_eq!(
        listed[0].spec.to_value()["publish_version"],
        true,
        "has version 1"
    );
    // A cleared flag is left out of the spec (`skip_serializing_if`).
    assert_eq!(listed[1].spec.to_value().get("publish_version"), None);
    assert!(
        wire.all().iter().any(|s| s.uri.contains("nextToken=tok-2")),
        "second page asked with the token"
    );

    let versions = acct
        .list(Kind::GuardrailVersion, "us-east-1")
        .await
        .unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].name, "first:1");
    assert_eq!(
        versions[0].id.as_deref(),
        Some("arn:aws:bedrock:us-east-1:111122223333:guardrail/aaa111:1")
    );
    assert_eq!(versions[0].spec.to_value()["version"], "1");
    assert_eq!(versions[0].spec.to_value()["guardrail"], "first");
    assert_eq!(
        versions[0].tags,
        owned(),
        "a version carries its guardrail's tags"
    );
    assert!(wire
        .all()
        .iter()
        .any(|s| s.uri.contains("/guardrails/aaa111?guardrailVersion=1")));
    assert_table_covers(&acct);
}

#[tokio::test]
async fn a_throttled_call_is_retried_and_errors_keep_code_and_request_id() {
    let throttled = mock!(Bedrock::list_guardrails)
        .sequence()
        .http_response(|| {
            error(
                429,
                "ThrottlingException",
                "Too many requests, please wait before trying again.",
            )
        })
        .http_response(|| respond(200, &json!({"guardrails": []}).to_string()))
        .build();
    let denied = mock!(Bedrock::get_provisioned_model_throughput)
        .match_requests(|r| r.provisioned_model_id() == Some("secret-pt"))
        .then_http_response(|| {
            error(
                403,
                "AccessDeniedException",
                "User is not authorized to perform: bedrock:GetProvisionedModelThroughput",
            )
        });
    let missing = mock!(Bedrock::get_provisioned_model_throughput)
        .match_requests(|r| r.provisioned_model_id() == Some("gone-pt"))
        .then_http_response(|| error(404, "ResourceNotFoundException", "not found"));
    let (acct, wire) = mocked(&[&throttled, &denied, &missing]);

    let listed = acct.list(Kind::Guardrail, "us-east-1").await.unwrap();
    assert!(listed.is_empty());
    assert_eq!(
        wire.find("GET", "/guardrails").len(),
        2,
        "one throttled attempt, one retry"
    );

    let err = acct
        .get(Kind::ProvisionedThroughput, "us-east-1", "secret-pt")
        .await
        .unwrap_err();
    assert_eq!(err.code, "AccessDeniedException");
    assert_eq!(err.operation, "GetProvisionedModelThroughput");
    assert_eq!(err.request_id.as_deref(), Some("req-0001"));
    assert!(err
        .message
        .contains("bedrock:GetProvisionedModelThroughput"));
    assert_eq!(
        wire.find("GET", "secret-pt").len(),
        1,
        "AccessDenied is not retried"
    );

    assert!(acct
        .get(Kind::ProvisionedThroughput, "us-east-1", "gone-pt")
        .await
        .unwrap()
        .is_none());
}

// ---- provisioned throughput -----------------------------------------------------------

const PT_ARN: &str = "arn:aws:bedrock:us-east-1:111122223333:provisioned-model/abcdefghijkl";

fn pt_body(status: &str, commitment: Option<&str>) -> String {
    let mut v = json!({
        "modelUnits": 2, "desiredModelUnits": 2, "provisionedModelName": "haiku-pt",
        "provisionedModelArn": PT_ARN,
        "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0:200k",
        "desiredModelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0:200k",
        "foundationModelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0:200k",
        "status": status, "creationTime": "2025-06-01T10:00:00Z", "lastModifiedTime": "2025-06-01T10:00:00Z"
    });
    if let Some(c) = commitment {
        v["commitmentDuration"] = json!(c);
        v["commitmentExpirationTime"] = json!("2025-07-01T10:00:00Z");
    }
    v.to_string()
}

#[tokio::test]
async fn provisioned_throughput_create_goes_creating_then_in_service() {
    let create = mock!(Bedrock::create_provisioned_model_throughput)
        .then_http_response(|| respond(201, &json!({"provisionedModelArn": PT_ARN}).to_string()));
    let get = mock!(Bedrock::get_provisioned_model_throughput)
        .sequence()
        .http_response(|| respond(200, &pt_body("Creating", Some("OneMonth"))))
        .http_response(|| respond(200, &pt_body("InService", Some("OneMonth"))))
        .repeatedly()
        .build();
    let list = mock!(Bedrock::list_provisioned_model_throughputs).then_http_response(|| {
        let mut s: serde_json::Value =
            serde_json::from_str(&pt_body("Reserving", Some("TwelveMonths"))).unwrap();
        s.as_object_mut().unwrap().remove("failureMessage");
        respond(200, &json!({"provisionedModelSummaries": [s]}).to_string())
    });
    let tags =
        mock!(Bedrock::list_tags_for_resource).then_http_response(|| respond(200, &tags_body()));
    let (acct, wire) = mocked(&[&create, &get, &list, &tags]);

    let desired = Resource {
        kind: Kind::ProvisionedThroughput,
        region: "us-east-1".into(),
        name: "haiku-pt".into(),
        id: None,
        spec: Spec::from_value(Kind::ProvisionedThroughput, json!({"model_id": "anthropic.claude-3-haiku-20240307-v1:0:200k", "model_units": 2, "commitment": "one_month"})).unwrap(),
        tags: owned(),
        status: None,
    };
    let live = acct.create(&desired, "tok_1").await.unwrap();
    assert_eq!(live.status.as_deref(), Some("Creating"));
    assert_eq!(
        live.spec.to_value()["model_id"],
        "anthropic.claude-3-haiku-20240307-v1:0:200k"
    );
    assert_eq!(live.spec.to_value()["commitment"], "one_month");
    assert_eq!(
        live.spec.to_value()["commitment_expiration"],
        "2025-07-01T10:00:00Z"
    );
    let body = wire.json("POST", "/provisioned-model-throughput");
    assert_eq!(body["modelUnits"], 2);
    assert_eq!(body["commitmentDuration"], "OneMonth");
    assert_eq!(body["provisionedModelName"], "haiku-pt");
    assert_eq!(
        body["modelId"],
        "anthropic.claude-3-haiku-20240307-v1:0:200k"
    );
    assert_eq!(body["clientRequestToken"], "tok-1");

    let later = acct
        .get(Kind::ProvisionedThroughput, "us-east-1", PT_ARN)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(later.status.as_deref(), Some("InService"));

    // Unknown status and commitment values pass through untouched.
    let listed = acct
        .list(Kind::ProvisionedThroughput, "us-east-1")
        .await
        .unwrap();
    assert_eq!(listed[0].status.as_deref(), Some("Reserving"));
    assert_eq!(listed[0].spec.to_value()["commitment"], "TwelveMonths");

    // Units cannot change in place: refused before any call.
    let mut more = desired.clone();
    more.spec = more.spec.edit(|v| v["model_units"] = json!(4)).unwrap();
    let before = wire.all().len();
    let err = acct.update(&later, &more).await.unwrap_err();
    assert!(err.message.contains("replace"), "{err}");
    assert_eq!(wire.all().len(), before);
    assert_table_covers(&acct);
}

// ---- inference profiles -----------------------------------------------------------------

const IP_ARN: &str =
    "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/k3lm4n5o6p7q";

fn profile(name: &str, arn: &str) -> serde_json::Value {
    json!({"inferenceProfileName": name, "inferenceProfileArn": arn, "inferenceProfileId": arn.rsplit('/').next().unwrap(),
        "status": "ACTIVE", "type": "APPLICATION", "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:00:00Z",
        "models": [
            {"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0"},
            {"modelArn": "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0"},
            {"modelArn": "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0"}]})
}

#[tokio::test]
async fn inference_profiles_create_get_and_list_application_profiles() {
    let create = mock!(Bedrock::create_inference_profile).then_http_response(|| {
        respond(
            201,
            &json!({"inferenceProfileArn": IP_ARN, "status": "ACTIVE"}).to_string(),
        )
    });
    let get = mock!(Bedrock::get_inference_profile)
        .then_http_response(|| respond(200, &profile("chat-haiku-tracked", IP_ARN).to_string()));
    let page1 = mock!(Bedrock::list_inference_profiles)
        .match_requests(|r| r.next_token().is_none())
        .then_http_response(|| {
            respond(200, &json!({"inferenceProfileSummaries": [profile("chat-haiku-tracked", IP_ARN)], "nextToken": "p2"}).to_string())
        });
    let page2 = mock!(Bedrock::list_inference_profiles)
        .match_requests(|r| r.next_token() == Some("p2"))
        .then_http_response(|| {
            respond(200, &json!({"inferenceProfileSummaries": [profile("batch", "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/zzzzzzzzzzzz")]}).to_string())
        });
    let tags =
        mock!(Bedrock::list_tags_for_resource).then_http_response(|| respond(200, &tags_body()));
    let (acct, wire) = mocked(&[&create, &get, &page1, &page2, &tags]);

    let copy_from = "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0";
    let desired = Resource {
        kind: Kind::InferenceProfile,
        region: "us-east-1".into(),
        name: "chat-haiku-tracked".into(),
        id: None,
        spec: Spec::from_value(Kind::InferenceProfile, json!({"copy_from": copy_from})).unwrap(),
        tags: owned(),
        status: None,
    };
    let live = acct.create(&desired, "t").await.unwrap();
    assert_eq!(
        live.spec.to_value(),
        json!({"copy_from": copy_from}),
        "source rebuilt from the models"
    );
    let body = wire.json("POST", "/inference-profiles");
    assert_eq!(body["modelSource"]["copyFrom"], copy_from);
    assert_eq!(body["inferenceProfileName"], "chat-haiku-tracked");
    assert_eq!(body["tags"].as_array().unwrap().len(), 2);

    let listed = acct
        .list(Kind::InferenceProfile, "us-east-1")
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    let lists: Vec<_> = wire.find("GET", "/inference-profiles?");
    assert!(
        lists.iter().all(|s| s.uri.contains("type=APPLICATION")),
        "{lists:?}"
    );
    assert!(lists.iter().any(|s| s.uri.contains("nextToken=p2")));
    assert_table_covers(&acct);
}

// ---- models -----------------------------------------------------------------------------

#[tokio::test]
async fn model_status_reads_availability_and_tolerates_unknown_enum_values() {
    let fm = mock!(Bedrock::get_foundation_model)
        .match_requests(|r| r.model_identifier() == Some("anthropic.claude-3-haiku-20240307-v1:0"))
        .then_http_response(|| {
            respond(200, &json!({"modelDetails": {
                "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
                "modelId": "anthropic.claude-3-haiku-20240307-v1:0", "modelName": "Claude 3 Haiku", "providerName": "Anthropic",
                "inputModalities": ["TEXT", "IMAGE"], "outputModalities": ["TEXT"], "responseStreamingSupported": true,
                "customizationsSupported": [], "inferenceTypesSupported": ["ON_DEMAND", "PROVISIONED", "RESERVED_CAPACITY"],
                "modelLifecycle": {"status": "SUNSETTING"}}}).to_string())
        });
    let unknown = mock!(Bedrock::get_foundation_model)
        .match_requests(|r| r.model_identifier() == Some("nobody.nothing-v9"))
        .then_http_response(|| {
            error(
                404,
                "ResourceNotFoundException",
                "The provided model identifier is invalid.",
            )
        });
    let avail = mock!(Bedrock::get_foundation_model_availability).then_http_response(|| {
        respond(
            200,
            &json!({"modelId": "anthropic.claude-3-haiku-20240307-v1:0",
            "agreementAvailability": {"status": "AVAILABLE"}, "authorizationStatus": "AUTHORIZED",
            "entitlementAvailability": "AVAILABLE", "regionAvailability": "NOT_AVAILABLE"})
            .to_string(),
        )
    });
    let list = mock!(Bedrock::list_foundation_models).then_http_response(|| {
        respond(200, &json!({"modelSummaries": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
            "modelId": "amazon.nova-lite-v1:0", "inferenceTypesSupported": ["ON_DEMAND", "INFERENCE_PROFILE"],
            "modelLifecycle": {"status": "ACTIVE"}}]}).to_string())
    });
    let (acct, wire) = mocked(&[&fm, &unknown, &avail, &list]);

    let s = acct
        .model_status("us-east-1", "anthropic.claude-3-haiku-20240307-v1:0")
        .await
        .unwrap();
    assert!(s.exists);
    assert_eq!(
        s.inference_types,
        ["ON_DEMAND", "PROVISIONED", "RESERVED_CAPACITY"]
    );
    assert_eq!(s.lifecycle.as_deref(), Some("SUNSETTING"));
    assert_eq!(s.agreement.as_deref(), Some("AVAILABLE"));
    assert_eq!(s.authorization.as_deref(), Some("AUTHORIZED"));
    assert_eq!(s.region_availability.as_deref(), Some("NOT_AVAILABLE"));
    assert!(!s.is_ready(), "not available in the region");
    assert!(wire.all().iter().any(|x| x
        .uri
        .contains("/foundation-model-availability/anthropic.claude-3-haiku-20240307-v1%3A0")));

    let none = acct
        .model_status("us-east-1", "nobody.nothing-v9")
        .await
        .unwrap();
    assert!(!none.exists);

    let models = acct.list_models("us-east-1").await.unwrap();
    assert_eq!(
        models[0].inference_types,
        ["ON_DEMAND", "INFERENCE_PROFILE"]
    );
    assert_table_covers(&acct);
}

/// One ListFoundationModels summary in the service's wire shape, extra fields and all.
fn model_summary(id: &str, types: &[&str], lifecycle: serde_json::Value) -> serde_json::Value {
    json!({"modelArn": format!("arn:aws:bedrock:us-east-1::foundation-model/{id}"), "modelId": id,
        "modelName": id, "providerName": id.split('.').next().unwrap(),
        "inputModalities": ["TEXT"], "outputModalities": ["TEXT"], "responseStreamingSupported": true,
        "customizationsSupported": [], "inferenceTypesSupported": types, "modelLifecycle": lifecycle})
}

fn availability_body(id: &str, agreement: &str, auth: &str, entitlement: &str) -> String {
    json!({"modelId": id, "agreementAvailability": {"status": agreement}, "authorizationStatus": auth,
        "entitlementAvailability": entitlement, "regionAvailability": "AVAILABLE"})
    .to_string()
}

#[tokio::test]
async fn list_models_reads_availability_retries_a_throttle_and_feeds_the_models_listing() {
    use bedrockctl::catalog::{catalog, listing};
    const LITE: &str = "amazon.nova-lite-v1:0";
    const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";
    const HAIKU_200K: &str = "anthropic.claude-3-haiku-20240307-v1:0:200k";
    const NEW: &str = "newcorp.frontier-v1:0";
    // Values botocore's model does not list yet: INFERENCE_PROFILE and a made-up
    // RESERVED inference type, a VIDEO_3D modality, a customization, a lifecycle
    // status and an entitlement value, plus a field the SDK has never heard of.
    let mut lite = model_summary(
        LITE,
        &["ON_DEMAND", "INFERENCE_PROFILE"],
        json!({"status": "ACTIVE", "startOfLifeTime": "2024-12-03T00:00:00Z"}),
    );
    lite["inputModalities"] = json!(["TEXT", "IMAGE", "VIDEO_3D"]);
    lite["customizationsSupported"] = json!(["FINE_TUNING", "REINFORCEMENT_FINE_TUNING"]);
    lite["someFutureField"] = json!({"nested": [1, 2]});
    let body = json!({"modelSummaries": [
        lite,
        model_summary(HAIKU, &["ON_DEMAND", "PROVISIONED"], json!({"status": "LEGACY",
            "legacyTime": "2025-09-01T00:00:00Z", "publicExtendedAccessTime": "2026-01-01T00:00:00Z",
            "endOfLifeTime": "2026-06-01T00:00:00Z"})),
        model_summary(HAIKU_200K, &["PROVISIONED"], json!({"status": "LEGACY"})),
        model_summary(NEW, &["ON_DEMAND", "RESERVED"], json!({"status": "PREVIEW"})),
    ]})
    .to_string();
    let list = mock!(Bedrock::list_foundation_models)
        .sequence()
        .http_response(|| error(429, "ThrottlingException", "Rate exceeded"))
        .http_response(move || respond(200, &body))
        .build();
    let avail = mock!(Bedrock::get_foundation_model_availability).then_compute_response(|r| {
        let id = r.model_id().unwrap();
        aws_smithy_mocks::MockResponse::Http(match id {
            LITE => respond(
                200,
                &availability_body(id, "AVAILABLE", "AUTHORIZED", "AVAILABLE"),
            ),
            HAIKU => respond(
                200,
                &availability_body(id, "NOT_AVAILABLE", "NOT_AUTHORIZED", "AVAILABLE"),
            ),
            NEW => respond(
                200,
                &availability_body(id, "AVAILABLE", "AUTHORIZED", "PENDING_REVIEW"),
            ),
            _ => error(
                400,
                "ValidationException",
                "The provided model identifier is invalid.",
            ),
        })
    });
    let (acct, wire) = mocked(&[&list, &avail]);

    let models = acct.list_models("us-east-1").await.unwrap();

    // The request: GET /foundation-models, no filter, once more after the throttle.
    let lists = wire.find("GET", "/foundation-models");
    assert_eq!(
        lists.len(),
        2,
        "one throttled attempt, one retry: {lists:#?}"
    );
    for l in &lists {
        assert!(
            l.uri.ends_with("/foundation-models"),
            "no filter: {}",
            l.uri
        );
        assert!(l.body.is_empty());
    }
    // Then the availability of every listed model, by its URL-encoded id.
    let mut asked: Vec<String> = wire
        .find("GET", "/foundation-model-availability/")
        .into_iter()
        .map(|s| s.uri.rsplit('/').next().unwrap().to_string())
        .collect();
    asked.sort();
    assert_eq!(
        asked,
        [
            "amazon.nova-lite-v1%3A0",
            "anthropic.claude-3-haiku-20240307-v1%3A0",
            "anthropic.claude-3-haiku-20240307-v1%3A0%3A200k",
            "newcorp.frontier-v1%3A0",
        ]
    );

    // Statuses in the listing's order; unknown enum values pass through as text.
    let ids: Vec<_> = models.iter().map(|m| m.model_id.as_str()).collect();
    assert_eq!(ids, [LITE, HAIKU, HAIKU_200K, NEW]);
    assert!(models.iter().all(|m| m.exists && m.region == "us-east-1"));
    assert_eq!(
        models[0].inference_types,
        ["ON_DEMAND", "INFERENCE_PROFILE"]
    );
    assert_eq!(models[0].authorization.as_deref(), Some("AUTHORIZED"));
    assert!(models[0].is_ready());
    assert_eq!(models[1].lifecycle.as_deref(), Some("LEGACY"));
    assert_eq!(models[1].authorization.as_deref(), Some("NOT_AUTHORIZED"));
    assert_eq!(models[1].agreement.as_deref(), Some("NOT_AVAILABLE"));
    assert!(!models[1].is_ready());
    // The variant the availability API refused: listed, availability unknown.
    assert_eq!(models[2].inference_types, ["PROVISIONED"]);
    assert_eq!(models[2].authorization, None);
    assert_eq!(models[3].inference_types, ["ON_DEMAND", "RESERVED"]);
    assert_eq!(models[3].lifecycle.as_deref(), Some("PREVIEW"));
    assert_eq!(models[3].entitlement.as_deref(), Some("PENDING_REVIEW"));
    assert!(!models[3].is_ready());

    // `models --region us-east-1` merges exactly this into the catalog's rows.
    let region = Some("us-east-1");
    let live = listing::by_id(models);
    let selected = listing::select(catalog(), None, region);
    let rows = listing::json_rows(&selected, region, Some(&live));
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["model_id"] == id)
            .unwrap_or_else(|| panic!("no row for {id}"))
            .clone()
    };
    let r = row(LITE);
    assert_eq!(r["provider"], "Amazon", "a catalog row: {r:#}");
    assert_eq!(r["live"]["ready"], true);
    assert_eq!(
        r["live"]["inference_types"],
        json!(["ON_DEMAND", "INFERENCE_PROFILE"])
    );
    let r = row(HAIKU);
    assert_eq!(r["live"]["ready"], false);
    assert_eq!(r["live"]["authorization"], "NOT_AUTHORIZED");
    assert_eq!(r["live"]["agreement"], "NOT_AVAILABLE");
    assert_eq!(r["live"]["lifecycle"], "LEGACY");
    // A catalog model the account does not list.
    assert_eq!(row("amazon.nova-pro-v1:0")["live"], serde_json::Value::Null);
    // Listed models the catalog does not know are appended, with their status.
    let r = row(NEW);
    assert_eq!(r["provider"], serde_json::Value::Null);
    assert_eq!(r["live"]["ready"], false);
    assert_eq!(
        r["live"]["inference_types"],
        json!(["ON_DEMAND", "RESERVED"])
    );
    assert_eq!(row(HAIKU_200K)["live"]["exists"], true);
    let table = listing::table(&selected, region, Some(&live));
    let line = |id: &str| {
        table
            .lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no line for {id}:\n{table}"))
            .to_string()
    };
    assert!(
        table.lines().next().unwrap().ends_with("  ACCOUNT"),
        "{table}"
    );
    assert!(line(LITE).ends_with("  ready"), "{table}");
    assert!(line(HAIKU).ends_with("  not ready"), "{table}");
    assert!(
        line("amazon.nova-pro-v1:0").ends_with("  not listed"),
        "{table}"
    );
    assert_table_covers(&acct);
}

#[tokio::test]
async fn list_models_stops_asking_availability_once_it_is_denied() {
    let ids: Vec<String> = (0..10).map(|i| format!("amazon.model-{i}-v1:0")).collect();
    let summaries: Vec<_> = ids
        .iter()
        .map(|id| model_summary(id, &["ON_DEMAND"], json!({"status": "ACTIVE"})))
        .collect();
    let body = json!({ "modelSummaries": summaries }).to_string();
    let list =
        mock!(Bedrock::list_foundation_models).then_http_response(move || respond(200, &body));
    let avail = mock!(Bedrock::get_foundation_model_availability).then_http_response(|| {
        error(
            403,
            "AccessDeniedException",
            "User: arn:aws:sts::111122223333:assumed-role/reader/s is not authorized to perform: bedrock:GetFoundationModelAvailability",
        )
    });
    let (acct, wire) = mocked(&[&list, &avail]);
    let models = acct.list_models("us-east-1").await.unwrap();
    assert_eq!(models.len(), 10, "the listing survives");
    assert!(models
        .iter()
        .all(|m| m.exists && m.authorization.is_none() && m.agreement.is_none()));
    let asked = wire.find("GET", "/foundation-model-availability/").len();
    assert!(
        (1..=bedrockctl::account::aws::CONCURRENCY).contains(&asked),
        "only the requests already in flight when the first denial came back: {asked}"
    );
    assert_table_covers(&acct);
}

// ---- IAM simulator ------------------------------------------------------------------------

#[tokio::test]
async fn simulate_principal_policy_sends_context_and_reads_the_decision() {
    let sim = mock!(aws_sdk_iam::Client::simulate_principal_policy).then_http_response(|| {
        xml(r#"<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <SimulatePrincipalPolicyResult>
    <IsTruncated>false</IsTruncated>
    <EvaluationResults>
      <member>
        <EvalActionName>bedrock:InvokeModel</EvalActionName>
        <EvalResourceName>arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0</EvalResourceName>
        <EvalDecision>explicitDeny</EvalDecision>
        <MatchedStatements>
          <member>
            <SourcePolicyId>deny-outside-us</SourcePolicyId>
            <SourcePolicyType>IAM Policy</SourcePolicyType>
            <StartPosition><Line>1</Line><Column>38</Column></StartPosition>
            <EndPosition><Line>1</Line><Column>190</Column></EndPosition>
          </member>
        </MatchedStatements>
        <MissingContextValues/>
      </member>
    </EvaluationResults>
  </SimulatePrincipalPolicyResult>
  <ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>
</SimulatePrincipalPolicyResponse>"#)
    });
    let (acct, wire) = mocked(&[&sim]);
    let mut context = BTreeMap::new();
    context.insert(
        "aws:RequestedRegion".to_string(),
        vec!["eu-west-1".to_string()],
    );
    context.insert(
        "aws:TagKeys".to_string(),
        vec!["team".to_string(), "env".to_string()],
    );
    let res = acct
        .simulate(&SimulateRequest {
            principal_arn: "arn:aws:sts::111122223333:assumed-role/app/session-1".into(),
            action: "bedrock:InvokeModel".into(),
            resource_arn: "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"
                .into(),
            context,
        })
        .await
        .unwrap();
    assert_eq!(res.decision, "explicitDeny");
    assert_eq!(res.matched_statements, ["deny-outside-us:1:38"]);

    let sent = wire.all();
    assert_eq!(sent.len(), 1);
    let form = &sent[0].body;
    for part in [
        "Action=SimulatePrincipalPolicy",
        "PolicySourceArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fapp",
        "ActionNames.member.1=bedrock%3AInvokeModel",
        "ContextEntries.member.1.ContextKeyName=aws%3ARequestedRegion",
        "ContextEntries.member.1.ContextKeyType=string",
        "ContextEntries.member.1.ContextKeyValues.member.1=eu-west-1",
        "ContextEntries.member.2.ContextKeyName=aws%3ATagKeys",
        "ContextEntries.member.2.ContextKeyType=stringList",
        "ContextEntries.member.2.ContextKeyValues.member.2=env",
    ] {
        assert!(form.contains(part), "`{part}` missing from {form}");
    }
    assert_table_covers(&acct);
}

// ---- probe --------------------------------------------------------------------------------

#[tokio::test]
async fn converse_probe_asks_for_one_token() {
    let converse = mock!(aws_sdk_bedrockruntime::Client::converse).then_http_response(|| {
        respond(200, &json!({"output": {"message": {"role": "assistant", "content": [{"text": "Hi"}]}},
            "stopReason": "max_tokens", "usage": {"inputTokens": 12, "outputTokens": 1, "totalTokens": 13},
            "metrics": {"latencyMs": 210}}).to_string())
    });
    let (acct, wire) = mocked(&[&converse]);
    let r = acct
        .probe("us-east-1", "amazon.nova-lite-v1:0", ProbeKind::Converse)
        .await
        .unwrap();
    assert_eq!(r.output_tokens, Some(1));
    let body = wire.json("POST", "/converse");
    assert_eq!(body["inferenceConfig"]["maxTokens"], 1);
    assert_eq!(body["messages"][0]["role"], "user");
    assert!(wire.all()[0]
        .uri
        .contains("/model/amazon.nova-lite-v1%3A0/converse"));
    assert_table_covers(&acct);
}

/// One event-stream frame as Bedrock sends it: an `event` with its `:event-type`, a JSON
/// payload (with the `p` padding field the service adds to every event).
fn event(kind: &'static str, mut payload: serde_json::Value) -> Message {
    payload["p"] = json!("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP");
    Message::new(payload.to_string().into_bytes())
        .add_header(Header::new(":event-type", HeaderValue::String(kind.into())))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ))
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String("event".into()),
        ))
}

/// An exception inside the stream: the code is only in `:exception-type`.
fn stream_exception(kind: &'static str, message: &str) -> Message {
    Message::new(json!({ "message": message }).to_string().into_bytes())
        .add_header(Header::new(
            ":exception-type",
            HeaderValue::String(kind.into()),
        ))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ))
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String("exception".into()),
        ))
}

/// An HTTP 200 whose body is the frames, encoded with the SDK's own frame writer
/// (prelude, headers, payload and both CRC32s).
fn event_stream(messages: &[Message]) -> HttpResponse {
    let mut body = Vec::new();
    for m in messages {
        write_message_to(m, &mut body).unwrap();
    }
    let mut r = HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body));
    r.headers_mut()
        .insert("content-type", "application/vnd.amazon.eventstream");
    r.headers_mut().insert("x-amzn-requestid", "req-stream-1");
    r
}

fn converse_stream_events() -> Vec<Message> {
    vec![
        event("messageStart", json!({"role": "assistant"})),
        event(
            "contentBlockDelta",
            json!({"contentBlockIndex": 0, "delta": {"text": "Hi"}}),
        ),
        event("contentBlockStop", json!({"contentBlockIndex": 0})),
        event("messageStop", json!({"stopReason": "max_tokens"})),
        event(
            "metadata",
            json!({"usage": {"inputTokens": 12, "outputTokens": 1, "totalTokens": 13},
                   "metrics": {"latencyMs": 312}}),
        ),
    ]
}

#[tokio::test]
async fn converse_stream_probe_asks_for_one_token_and_reads_the_stream_to_its_end() {
    let stream = mock!(aws_sdk_bedrockruntime::Client::converse_stream)
        .then_http_response(|| event_stream(&converse_stream_events()));
    let (acct, wire) = mocked(&[&stream]);
    let r = acct
        .probe(
            "us-east-1",
            "us.anthropic.claude-haiku-4-5-20251001-v1:0",
            ProbeKind::ConverseStream,
        )
        .await
        .unwrap();
    assert_eq!(r.output_tokens, Some(1), "read from the metadata event");
    let sent = wire.all();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0]
            .uri
            .ends_with("/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse-stream"),
        "{}",
        sent[0].uri
    );
    let body = wire.json("POST", "/converse-stream");
    assert_eq!(body["inferenceConfig"], json!({"maxTokens": 1}));
    assert_eq!(body["messages"][0]["role"], "user");
    assert!(body["messages"][0]["content"][0]["text"].is_string());
    assert_table_covers(&acct);
}

/// GetFoundationModel and GetFoundationModelAvailability for `id`: what `probe`'s
/// diagnosis reads about the model.
fn readable_model(id: &'static str, types: &'static [&'static str]) -> [Rule; 2] {
    let fm = mock!(Bedrock::get_foundation_model)
        .match_requests(move |r| r.model_identifier() == Some(id))
        .then_http_response(move || {
            let mut details = model_summary(id, types, json!({"status": "ACTIVE"}));
            details["modelName"] = json!("Probe target");
            respond(200, &json!({ "modelDetails": details }).to_string())
        });
    let avail = mock!(Bedrock::get_foundation_model_availability)
        .match_requests(move |r| r.model_id() == Some(id))
        .then_http_response(move || {
            respond(
                200,
                &availability_body(id, "AVAILABLE", "AUTHORIZED", "AVAILABLE"),
            )
        });
    [fm, avail]
}

#[tokio::test]
async fn an_exception_inside_the_stream_keeps_its_code_and_is_diagnosed() {
    use bedrockctl::explain::{deep, Category};
    const MODEL: &str = "amazon.nova-lite-v1:0";
    let stream = mock!(aws_sdk_bedrockruntime::Client::converse_stream).then_http_response(|| {
        event_stream(&[
            event("messageStart", json!({"role": "assistant"})),
            stream_exception(
                "throttlingException",
                "Too many tokens, please wait before trying again.",
            ),
        ])
    });
    let [fm, avail] = readable_model(MODEL, &["ON_DEMAND", "INFERENCE_PROFILE"]);
    let (acct, wire) = mocked(&[&stream, &fm, &avail]);
    let err = acct
        .probe("us-east-1", MODEL, ProbeKind::ConverseStream)
        .await
        .unwrap_err();
    // The payload names no code; the event's `:exception-type` does.
    assert_eq!(err.code, "ThrottlingException", "{err:?}");
    assert_eq!(err.operation, "ConverseStream");
    assert_eq!(
        err.message,
        "Too many tokens, please wait before trying again."
    );
    assert_eq!(wire.find("POST", "/converse-stream").len(), 1);

    let d = deep::probe_failure(&err, "us-east-1", MODEL, ProbeKind::ConverseStream, &acct).await;
    assert_eq!(d.category, Category::Throttling, "{d:#?}");
    assert_eq!(d.model_id.as_deref(), Some(MODEL));
    assert_eq!(d.region.as_deref(), Some("us-east-1"));
    assert_table_covers(&acct);
}

#[tokio::test]
async fn access_denied_from_converse_becomes_the_probe_diagnosis_with_the_role_policies() {
    use bedrockctl::explain::{deep, render_text, Category};
    const MODEL: &str = "amazon.nova-lite-v1:0";
    const DENIED: &str = "User: arn:aws:sts::111122223333:assumed-role/app/probe-session is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0 because no identity-based policy allows the bedrock:InvokeModel action";
    let converse = mock!(aws_sdk_bedrockruntime::Client::converse)
        .then_http_response(|| error(403, "AccessDeniedException", DENIED));
    // What IAM holds for the role: one inline policy that allows another model.
    let trust = percent_encoding::utf8_percent_encode(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        percent_encoding::NON_ALPHANUMERIC,
    )
    .to_string();
    let inline = percent_encoding::utf8_percent_encode(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Titan","Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}]}"#,
        percent_encoding::NON_ALPHANUMERIC,
    )
    .to_string();
    let get_role = mock!(aws_sdk_iam::Client::get_role)
        .match_requests(|r| r.role_name() == Some("app"))
        .then_http_response(move || {
            xml(&format!(r#"<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetRoleResult><Role><Path>/</Path><AssumeRolePolicyDocument>{trust}</AssumeRolePolicyDocument>
    <MaxSessionDuration>3600</MaxSessionDuration><RoleId>AROAEXAMPLEID</RoleId><RoleName>app</RoleName>
    <Arn>arn:aws:iam::111122223333:role/app</Arn><CreateDate>2025-06-01T10:00:00Z</CreateDate></Role></GetRoleResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetRoleResponse>"#))
        });
    let list_inline = mock!(aws_sdk_iam::Client::list_role_policies).then_http_response(|| {
        xml(r#"<ListRolePoliciesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ListRolePoliciesResult><PolicyNames><member>invoke-titan</member></PolicyNames><IsTruncated>false</IsTruncated></ListRolePoliciesResult>
  <ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></ListRolePoliciesResponse>"#)
    });
    let get_inline = mock!(aws_sdk_iam::Client::get_role_policy)
        .match_requests(|r| r.policy_name() == Some("invoke-titan"))
        .then_http_response(move || {
            xml(&format!(r#"<GetRolePolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetRolePolicyResult><RoleName>app</RoleName><PolicyName>invoke-titan</PolicyName><PolicyDocument>{inline}</PolicyDocument></GetRolePolicyResult>
  <ResponseMetadata><RequestId>r-3</RequestId></ResponseMetadata></GetRolePolicyResponse>"#))
        });
    let attached = mock!(aws_sdk_iam::Client::list_attached_role_policies).then_http_response(|| {
        xml(r#"<ListAttachedRolePoliciesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ListAttachedRolePoliciesResult><AttachedPolicies/><IsTruncated>false</IsTruncated></ListAttachedRolePoliciesResult>
  <ResponseMetadata><RequestId>r-4</RequestId></ResponseMetadata></ListAttachedRolePoliciesResponse>"#)
    });
    let who = mock!(aws_sdk_sts::Client::get_caller_identity).then_http_response(|| {
        xml(r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>arn:aws:sts::111122223333:assumed-role/app/probe-session</Arn>
    <UserId>AROAEXAMPLEID:probe-session</UserId><Account>111122223333</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>r-5</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#)
    });
    let org =
        mock!(aws_sdk_organizations::Client::describe_organization).then_http_response(|| {
            let mut r = HttpResponse::new(
                StatusCode::try_from(400).unwrap(),
                SdkBody::from(
                    json!({"__type": "AWSOrganizationsNotInUseException",
                       "Message": "Your account is not a member of an organization."})
                    .to_string(),
                ),
            );
            r.headers_mut()
                .insert("content-type", "application/x-amz-json-1.1");
            r
        });
    let [fm, avail] = readable_model(MODEL, &["ON_DEMAND", "INFERENCE_PROFILE"]);
    let (acct, wire) = mocked(&[
        &converse,
        &get_role,
        &list_inline,
        &get_inline,
        &attached,
        &who,
        &org,
        &fm,
        &avail,
    ]);

    let err = acct
        .probe("us-east-1", MODEL, ProbeKind::Converse)
        .await
        .unwrap_err();
    assert_eq!(err.code, "AccessDeniedException");
    assert_eq!(err.operation, "Converse");
    assert_eq!(err.request_id.as_deref(), Some("req-0001"));
    assert_eq!(
        wire.find("POST", "/converse").len(),
        1,
        "AccessDenied is not retried"
    );

    // What `bedrockctl probe` prints under the error: this diagnosis, as text.
    let d = deep::probe_failure(&err, "us-east-1", MODEL, ProbeKind::Converse, &acct).await;
    assert_eq!(d.category, Category::AccessDenied, "{d:#?}");
    assert_eq!(
        d.principal.as_deref(),
        Some("arn:aws:sts::111122223333:assumed-role/app/probe-session")
    );
    assert_eq!(d.action.as_deref(), Some("bedrock:InvokeModel"));
    assert_eq!(
        d.resource.as_deref(),
        Some("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0")
    );
    assert_eq!(d.explicit_deny, Some(false));
    let text = render_text(&d);
    assert!(text.starts_with("access_denied: "), "{text}");
    assert!(
        d.causes.iter().any(|c| c.starts_with("account: ")
            && c.contains("arn:aws:iam::111122223333:role/app")
            && c.contains("`invoke-titan`")
            && c.contains("has an Allow")),
        "the role's own policies were read and found lacking: {d:#?}"
    );
    assert!(
        d.causes
            .iter()
            .any(|c| c.contains("SCPs and RCPs are not readable")),
        "{d:#?}"
    );
    assert!(
        d.causes
            .iter()
            .any(|c| c.contains("`amazon.nova-lite-v1:0` is available to this account")),
        "{d:#?}"
    );
    for c in &d.causes {
        assert!(text.contains(c.as_str()), "`{c}` missing from:\n{text}");
    }
    assert!(wire
        .all()
        .iter()
        .any(|s| s.body.contains("Action=GetRole&") && s.body.contains("RoleName=app")));
    assert_table_covers(&acct);
}

#[tokio::test]
async fn on_demand_not_supported_from_converse_stream_becomes_the_probe_diagnosis() {
    use bedrockctl::explain::{deep, render_text, Category};
    const MODEL: &str = "anthropic.claude-haiku-4-5-20251001-v1:0";
    let stream = mock!(aws_sdk_bedrockruntime::Client::converse_stream).then_http_response(|| {
        error(
            400,
            "ValidationException",
            "Invocation of model ID anthropic.claude-haiku-4-5-20251001-v1:0 with on-demand throughput isn\u{2019}t supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
        )
    });
    let [fm, avail] = readable_model(MODEL, &["INFERENCE_PROFILE"]);
    let (acct, wire) = mocked(&[&stream, &fm, &avail]);
    let err = acct
        .probe("us-east-1", MODEL, ProbeKind::ConverseStream)
        .await
        .unwrap_err();
    assert_eq!(err.code, "ValidationException");
    assert_eq!(err.operation, "ConverseStream");
    assert_eq!(
        wire.find("POST", "/converse-stream").len(),
        1,
        "a validation error is not retried"
    );

    let d = deep::probe_failure(&err, "us-east-1", MODEL, ProbeKind::ConverseStream, &acct).await;
    assert_eq!(d.category, Category::OnDemandNotSupported, "{d:#?}");
    assert_eq!(d.model_id.as_deref(), Some(MODEL));
    assert_eq!(
        d.action.as_deref(),
        Some("bedrock:InvokeModelWithResponseStream")
    );
    assert!(
        d.fixes
            .iter()
            .any(|f| f.contains("`us.anthropic.claude-haiku-4-5-20251001-v1:0`")),
        "the US profile to call instead: {d:#?}"
    );
    let text = render_text(&d);
    assert!(text.starts_with("on_demand_not_supported: "), "{text}");
    for line in d.causes.iter().chain(&d.fixes) {
        assert!(
            text.contains(line.as_str()),
            "`{line}` missing from:\n{text}"
        );
    }
    assert!(
        d.causes.iter().any(|c| c
            == "account: `anthropic.claude-haiku-4-5-20251001-v1:0` is available to this account in `us-east-1`"),
        "{d:#?}"
    );
    assert_table_covers(&acct);
}

#[tokio::test]
async fn a_guardrail_version_is_created_from_the_named_guardrail() {
    let list = mock!(Bedrock::list_guardrails)
        .match_requests(|r| r.guardrail_identifier().is_none())
        .then_http_response(|| {
            respond(200, &json!({"guardrails": [summary("zzz999", "other", "DRAFT"), summary("abc123def456", "default-safety", "DRAFT")]}).to_string())
        });
    let create = mock!(Bedrock::create_guardrail_version).then_http_response(|| {
        respond(
            202,
            &json!({"guardrailId": "abc123def456", "version": "3"}).to_string(),
        )
    });
    let get = mock!(Bedrock::get_guardrail)
        .match_requests(|r| r.guardrail_version() == Some("3"))
        .then_http_response(|| respond(200, &get_guardrail_body("HIGH", "3")));
    let tags =
        mock!(Bedrock::list_tags_for_resource).then_http_response(|| respond(200, &tags_body()));
    let (acct, wire) = mocked(&[&list, &create, &get, &tags]);
    let desired = Resource {
        kind: Kind::GuardrailVersion,
        region: "us-east-1".into(),
        name: "default-safety".into(),
        id: None,
        spec: Spec::from_value(Kind::GuardrailVersion, json!({"guardrail": "default-safety", "version": "", "snapshot": guardrail_spec("HIGH")})).unwrap(),
        tags: owned(),
        status: None,
    };
    let v = acct.create(&desired, "v-3").await.unwrap();
    assert_eq!(v.name, "default-safety:3");
    assert_eq!(v.id.as_deref(), Some(format!("{GR_ARN}:3").as_str()));
    assert_eq!(v.spec.to_value()["version"], "3");
    assert_eq!(
        v.spec.to_value()["snapshot"]["content_filters"][0]["type"],
        "HATE"
    );
    let sent = wire.find("POST", "/guardrails/");
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].uri.contains("guardrail%2Fabc123def456"),
        "{}",
        sent[0].uri
    );
    let body: serde_json::Value = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(body["description"], "Baseline content safety");
    assert_eq!(body["clientRequestToken"], "v-3");

    // Versions are never updated in place.
    let err = acct.update(&v, &desired).await.unwrap_err();
    assert!(err.message.contains("immutable"), "{err}");
    assert_table_covers(&acct);
}

#[tokio::test]
async fn transport_failures_map_to_a_code_without_retry_storms() {
    // A closed loopback port: the connection is refused at once.
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url("http://127.0.0.1:1")
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDMOCK",
            "mocksecret",
            None,
            None,
            "mock",
        ))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(2)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .http_client(
            aws_smithy_http_client::Builder::new()
                .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                    aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
                ))
                .build_https(),
        )
        .load()
        .await;
    let acct = AwsAccount::from_sdk_config(sdk, Vec::new());
    let err = acct.account_id().await.unwrap_err();
    assert_eq!(err.code, "DispatchFailure", "{err}");
    assert_eq!(err.operation, "GetCallerIdentity");
    assert!(err.request_id.is_none());
    assert!(!err.message.contains("mocksecret"));
}

/// Issue 19: custom models are listed (ListCustomModels, paginated) and read
/// (GetCustomModel) with the shapes of botocore's `bedrock` model: `modelSummaries` of
/// `CustomModelSummary` (modelArn, modelName, creationTime, baseModelArn, baseModelName,
/// customizationType). moto answers ListCustomModels with a `creationTime` the SDK cannot
/// parse, so this is mocked.
#[tokio::test]
async fn custom_models_are_listed_across_pages_and_read() {
    const CM: &str =
        "arn:aws:bedrock:us-east-1:111122223333:custom-model/amazon.nova-lite-v1:0:300k/abcdefghijkl";
    let summary = |arn: &str, name: &str| {
        json!({"modelArn": arn, "modelName": name, "creationTime": "2026-11-30T10:00:00Z",
               "baseModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:300k",
               "baseModelName": "amazon.nova-lite-v1:0:300k", "customizationType": "FINE_TUNING"})
    };
    let page1 = mock!(Bedrock::list_custom_models)
        .match_requests(|r| r.next_token().is_none())
        .then_http_response(move || {
            respond(
                200,
                &json!({"modelSummaries": [summary(CM, "support-tuned")], "nextToken": "p2"})
                    .to_string(),
            )
        });
    let page2 = mock!(Bedrock::list_custom_models)
        .match_requests(|r| r.next_token() == Some("p2"))
        .then_http_response(move || {
            respond(
                200,
                &json!({"modelSummaries": [summary(&CM.replace("abcdefghijkl", "mnopqrstuvwx"), "legal-tuned")]})
                    .to_string(),
            )
        });
    let get = mock!(Bedrock::get_custom_model).then_http_response(move || {
        respond(
            200,
            &json!({"modelArn": CM, "modelName": "support-tuned", "creationTime": "2026-11-30T10:00:00Z",
                    "baseModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:300k",
                    "customizationType": "FINE_TUNING"})
            .to_string(),
        )
    });
    let tags =
        mock!(Bedrock::list_tags_for_resource).then_http_response(|| respond(200, &tags_body()));
    let (acct, wire) = mocked(&[&page1, &page2, &get, &tags]);
    let listed = acct.list(Kind::CustomModel, "us-east-1").await.unwrap();
    let names: Vec<&str> = listed.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["support-tuned", "legal-tuned"]);
    assert_eq!(listed[0].id.as_deref(), Some(CM));
    assert_eq!(
        listed[0].spec.to_value()["customization_type"],
        "FINE_TUNING"
    );
    let one = acct
        .get(Kind::CustomModel, "us-east-1", CM)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(one.name, "support-tuned");
    assert_eq!(wire.find("GET", "/custom-models").len(), 3);
    // Read-only: no write reaches the service.
    assert!(acct.delete(&one).await.is_err());
    assert_table_covers(&acct);
}

/// Issue 19: `probe --knowledge-base` sends one Retrieve through bedrock-agent-runtime
/// (botocore `bedrock-agent-runtime` shapes: `POST /knowledgebases/{id}/retrieve` with
/// `retrievalQuery.text` and `numberOfResults`), and a denial keeps its code.
#[tokio::test]
async fn knowledge_base_probe_sends_one_retrieve() {
    let ok = mock!(aws_sdk_bedrockagentruntime::Client::retrieve)
        .match_requests(|r| r.knowledge_base_id() == Some("KB12345678"))
        .then_http_response(|| {
            respond(
                200,
                &json!({"retrievalResults": [{"content": {"text": "Rotate keys every 90 days."},
                        "location": {"type": "S3", "s3Location": {"uri": "s3://docs/a.md"}}}]})
                .to_string(),
            )
        });
    let denied = mock!(aws_sdk_bedrockagentruntime::Client::retrieve)
        .match_requests(|r| r.knowledge_base_id() == Some("KBDENIED00"))
        .then_http_response(|| {
            error(
                403,
                "AccessDeniedException",
                "User: arn:aws:sts::111122223333:assumed-role/app/s is not authorized to perform: bedrock:Retrieve on resource: arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KBDENIED00",
            )
        });
    let (acct, wire) = mocked(&[&ok, &denied]);
    let r = acct
        .probe_knowledge_base("us-east-1", "KB12345678")
        .await
        .unwrap();
    assert_eq!(r.resolved.as_deref(), Some("1 result(s)"));
    let body = wire.json("POST", "/knowledgebases/KB12345678/retrieve");
    assert_eq!(body["retrievalQuery"]["text"], "Reply with one word.");
    assert_eq!(
        body["retrievalConfiguration"]["vectorSearchConfiguration"]["numberOfResults"],
        1
    );
    let e = acct
        .probe_knowledge_base("us-east-1", "KBDENIED00")
        .await
        .unwrap_err();
    assert_eq!(e.code, "AccessDeniedException");
    assert!(e.message.contains("bedrock:Retrieve"), "{e}");
    assert_table_covers(&acct);
}
