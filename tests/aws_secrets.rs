//! No credential, session token or signature reaches output, at any verbosity.
//!
//! In-process: every SDK log line at TRACE, captured while bedrockctl talks to
//! moto with dummy credentials, is free of them once passed through
//! `aws::redact::redact` (and the raw capture shows what there is to hide). Errors
//! carry no secret either. The CLI side is in `aws_cli_e2e.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod aws_support;

use aws_support::{moto_endpoint, owned, unique};
use bedrockctl::account::aws::{redact::redact, AwsAccount};
use bedrockctl::account::spec::Spec;
use bedrockctl::account::{Account, Kind, Resource, GLOBAL};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn secrets() -> Vec<String> {
    [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ]
    .iter()
    .filter_map(|v| std::env::var(v).ok())
    .filter(|v| v.len() >= 8)
    .collect()
}

#[test]
#[ignore = "needs moto"]
fn sdk_trace_logs_are_clean_after_redaction() {
    moto_endpoint("sdk_trace_logs_are_clean_after_redaction");
    let secrets = secrets();
    assert_eq!(
        secrets.len(),
        3,
        "scripts/test exports dummy access key, secret and session token"
    );

    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = tracing::subscriber::with_default(subscriber, || {
        rt.block_on(async {
            let acct = AwsAccount::connect(None, None).await.unwrap();
            acct.account_id().await.unwrap();
            let name = unique("secret-test");
            let role = Resource {
                kind: Kind::IamRole,
                region: GLOBAL.into(),
                name: name.clone(),
                id: None,
                spec: Spec::from_value(Kind::IamRole, json!({"assume_role_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}})).unwrap(),
                tags: owned("secrets"),
                status: None,
            };
            let live = acct.create(&role, "s").await.unwrap();
            acct.delete(&live).await.unwrap();
            // An error path as well: a malformed policy document.
            let mut bad = role.clone();
            bad.name = unique("secret-bad");
            bad.kind = Kind::IamPolicy;
            bad.spec =
                Spec::from_value(Kind::IamPolicy, json!({"document": {"Statement": "not-a-list"}}))
                    .unwrap();
            acct.create(&bad, "b").await.err()
        })
    });

    let raw = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        raw.lines().count() > 50,
        "the SDK logged at TRACE: {} lines",
        raw.lines().count()
    );
    let clean = redact(&raw);
    for s in &secrets {
        assert!(!clean.contains(s.as_str()), "a secret survived redaction");
    }
    for needle in ["Signature=", "x-amz-security-token:"] {
        for line in clean.lines().filter(|l| {
            l.to_ascii_lowercase()
                .contains(&needle.to_ascii_lowercase())
        }) {
            let after = &line[line
                .to_ascii_lowercase()
                .find(&needle.to_ascii_lowercase())
                .unwrap()
                + needle.len()..];
            assert!(
                after.trim_start().starts_with("[REDACTED]"),
                "unmasked {needle} in: {line}"
            );
        }
    }
    if let Some(e) = err {
        let shown = format!("{e} {e:?}");
        for s in &secrets {
            assert!(
                !shown.contains(s.as_str()),
                "an AccountError carries a secret"
            );
        }
    }
}
