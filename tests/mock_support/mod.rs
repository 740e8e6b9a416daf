//! What the aws-smithy-mocks tests share: an `AwsAccount` whose HTTP client answers
//! from mock rules (never dialling out), a capture of every request as the SDK
//! serialized it, and restJson response builders.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aws_sdk_bedrock::config::{BehaviorVersion, Credentials, SharedCredentialsProvider};
use aws_smithy_mocks::{create_mock_http_client, MockResponseInterceptor, Rule, RuleMode};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;
use aws_types::region::Region;
use aws_types::SdkConfig;
use bedrockctl::account::aws::AwsAccount;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as it left the SDK: method, URI, body.
#[derive(Debug, Clone)]
pub struct Sent {
    pub method: String,
    pub uri: String,
    pub body: String,
}

#[derive(Debug, Clone, Default)]
pub struct Wire(pub Arc<Mutex<Vec<Sent>>>);

impl Intercept for Wire {
    fn name(&self) -> &'static str {
        "WireCapture"
    }
    fn read_before_transmit(
        &self,
        ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let r = ctx.request();
        self.0.lock().unwrap().push(Sent {
            method: r.method().to_string(),
            uri: r.uri().to_string(),
            body: String::from_utf8_lossy(r.body().bytes().unwrap_or(&[])).into_owned(),
        });
        Ok(())
    }
}

impl Wire {
    pub fn all(&self) -> Vec<Sent> {
        self.0.lock().unwrap().clone()
    }
    /// Requests whose URI path contains `needle` and whose method is `method`.
    pub fn find(&self, method: &str, needle: &str) -> Vec<Sent> {
        self.all()
            .into_iter()
            .filter(|s| s.method == method && s.uri.contains(needle))
            .collect()
    }
    /// The path of every request, in order, with the region's host cut off.
    pub fn paths(&self) -> Vec<String> {
        self.all()
            .iter()
            .map(|s| {
                let path = s
                    .uri
                    .split_once("127.0.0.1:9")
                    .map_or(s.uri.as_str(), |(_, p)| p);
                format!("{} {}", s.method, path)
            })
            .collect()
    }
    pub fn json(&self, method: &str, needle: &str) -> serde_json::Value {
        let sent = self.find(method, needle);
        assert_eq!(
            sent.len(),
            1,
            "one {method} {needle} expected: {:#?}",
            self.all()
        );
        serde_json::from_str(&sent[0].body).unwrap()
    }
}

pub fn mocked(rules: &[&Rule]) -> (AwsAccount, Wire) {
    let mut mi = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in rules {
        mi = mi.with_rule(r);
    }
    let sdk = SdkConfig::builder()
        .region(Region::new("us-east-1"))
        // Never dialled (the mock HTTP client answers), but loopback all the same.
        .endpoint_url("http://127.0.0.1:9")
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDMOCK",
            "mocksecret",
            None,
            None,
            "mock",
        )))
        .http_client(create_mock_http_client())
        .behavior_version(BehaviorVersion::latest())
        // Standard mode: adaptive's client-side rate limiter waits seconds after a
        // throttle, which is right against AWS and slow in a test. `connect` itself
        // uses adaptive (checked in aws_moto_account.rs).
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .build();
    let wire = Wire::default();
    let acct = AwsAccount::from_sdk_config(
        sdk,
        vec![
            SharedInterceptor::new(wire.clone()),
            SharedInterceptor::new(mi),
        ],
    );
    (acct, wire)
}

pub fn respond(status: u16, body: &str) -> HttpResponse {
    let mut r = HttpResponse::new(
        StatusCode::try_from(status).unwrap(),
        SdkBody::from(body.to_string()),
    );
    r.headers_mut().insert("content-type", "application/json");
    r.headers_mut().insert("x-amzn-requestid", "req-0001");
    r
}

/// A restJson error: the code in `x-amzn-errortype`, the message in the body.
pub fn error(status: u16, code: &'static str, message: &str) -> HttpResponse {
    let mut r = respond(status, &json!({"message": message}).to_string());
    r.headers_mut().insert("x-amzn-errortype", code);
    r
}
