#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `bedrockctl probe` argument handling. The request itself needs an account (sandbox or
//! AWS); its failure diagnosis is unit-tested in `explain::tests`.

use assert_cmd::Command;
use predicates::str::contains;

fn bin() -> Command {
    let mut c = Command::cargo_bin("bedrockctl").unwrap();
    c.env_remove("AWS_PROFILE");
    c
}

#[test]
fn probe_needs_a_region() {
    bin()
        .args(["probe", "--model", "amazon.nova-lite-v1:0"])
        .assert()
        .code(1)
        .stderr(contains("--region"));
}

#[test]
fn stream_and_embedding_conflict() {
    bin()
        .args([
            "probe",
            "--model",
            "amazon.titan-embed-text-v2:0",
            "--region",
            "us-east-1",
            "--stream",
            "--embedding",
        ])
        .assert()
        .code(1);
}
