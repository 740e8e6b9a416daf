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

/// design.md: probe sends "Converse / ConverseStream / embeddings" — an embeddings model
/// gets the embeddings request without `--embedding` (Converse cannot serve it).
#[test]
fn an_embeddings_model_is_probed_with_an_embeddings_request() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .arg("--sandbox")
        .arg(dir.path())
        .args([
            "probe",
            "--model",
            "amazon.titan-embed-text-v2:0",
            "--region",
            "us-east-1",
        ])
        .assert()
        .success()
        .stdout(contains("`InvokeModel` on `amazon.titan-embed-text-v2:0`"));
    bin()
        .arg("--sandbox")
        .arg(dir.path())
        .args([
            "probe",
            "--model",
            "amazon.nova-lite-v1:0",
            "--region",
            "us-east-1",
        ])
        .assert()
        .success()
        .stdout(contains("`Converse` on `amazon.nova-lite-v1:0`"));
}
