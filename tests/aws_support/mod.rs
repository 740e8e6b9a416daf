//! Shared helpers of the AWS tests: the moto endpoint that `scripts/test` starts,
//! an independent boto3 client for checking results out of band, unique names.
#![allow(dead_code)]

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// The moto endpoint that `scripts/test` starts. Tests that call this are marked
/// `#[ignore = "needs moto"]`, so a plain `cargo test` lists them as ignored instead of
/// passing them; `scripts/test` runs them with `--include-ignored`. Run by hand without
/// a moto server, they fail here rather than report a pass they did not earn.
pub fn moto_endpoint(test: &str) -> String {
    match std::env::var("AWS_ENDPOINT_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "{test} needs moto: AWS_ENDPOINT_URL is not set. Run `scripts/test`, which \
             starts a moto server on 127.0.0.1 and runs every AWS test against it"
        ),
    }
}

/// Run a boto3 script with the venv python `scripts/test` exports; the script's
/// last stdout line must be JSON. `c(service, region)` makes a client.
pub fn boto(script: &str) -> serde_json::Value {
    let python = std::env::var("BEDROCKCTL_MOTO_PYTHON")
        .expect("BEDROCKCTL_MOTO_PYTHON is set by scripts/test together with AWS_ENDPOINT_URL");
    let prelude = "import boto3, json, os, sys\n\
                   def c(svc, region='us-east-1'):\n    \
                   return boto3.client(svc, endpoint_url=os.environ['AWS_ENDPOINT_URL'], region_name=region)\n\
                   def out(v):\n    print(json.dumps(v, default=str))\n";
    let full = format!("{prelude}{script}\n");
    let o = Command::new(python)
        .arg("-c")
        .arg(&full)
        .output()
        .expect("run python");
    assert!(
        o.status.success(),
        "boto3 script failed:\n{full}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    let last = stdout.lines().last().unwrap_or("null");
    serde_json::from_str(last).unwrap_or_else(|e| panic!("boto3 output `{last}` is not JSON: {e}"))
}

/// A name no other test (or earlier run against the same server) uses.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos % 100_000
    )
}

/// Ownership tags of a stack, as the planner would add them.
pub fn owned(stack: &str) -> std::collections::BTreeMap<String, String> {
    [
        ("managed-by".to_string(), "bedrockctl".to_string()),
        ("bedrockctl:stack".to_string(), stack.to_string()),
    ]
    .into_iter()
    .collect()
}
