//! Evaluator benchmarks: (a) one decision of the seed scenario (role allowed
//! InvokeModel + InvokeModelWithResponseStream on two foundation-model ARNs, an SCP
//! region allow-list via aws:RequestedRegion, a permissions boundary); (b) a
//! 200,000-decision role × model × region matrix end to end; (c) the mixed `iam eval`
//! corpus of issue 16 (benches/support/mixed_corpus.rs): one line at a time through
//! `jsonl::eval_line`, and the whole `bedrockctl iam eval` process over 20,000 lines.
//!
//! `BEDROCKCTL_MIXED_CORPUS_OUT=FILE cargo bench --bench iam_eval` writes the corpus to
//! FILE and exits (scripts/bench feeds the same file to the peer).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bedrockctl::check::access::{AccessModel, RoleAccess};
use bedrockctl::check::matrix::{matrix, MatrixModel};
use bedrockctl::config::Via;
use bedrockctl::iam::doc_cache::DocCache;
use bedrockctl::iam::jsonl::{eval_line, eval_line_cached};
use bedrockctl::iam::{compile_text, evaluate, Context, Decision, PolicySet, Principal, Request};
use criterion::{black_box, criterion_group, Criterion};
use std::time::Duration;

#[path = "support/mixed_corpus.rs"]
mod mixed_corpus;

/// The corpus of `scripts/bench` and docs/benchmarks.md: seed, lines, pool size.
const MIXED_SEED: u64 = 16;
const MIXED_LINES: usize = 20_000;
const MIXED_POOL: usize = 64;

const IDENTITY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow",
  "Action":["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"],
  "Resource":["arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
              "arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0"]}]}"#;
const BOUNDARY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["bedrock:*","logs:*"],"Resource":"*"}]}"#;
const SCP_ROOT: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"FullAWSAccess","Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const SCP_OU: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
  {"Sid":"RegionAllowList","Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*"],"Resource":"*",
   "Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-east-2","us-west-2"]}}}]}"#;

fn seed_set() -> PolicySet {
    PolicySet {
        identity: vec![compile_text(IDENTITY).unwrap()],
        permissions_boundary: Some(compile_text(BOUNDARY).unwrap()),
        scps: Some(vec![
            vec![compile_text(SCP_ROOT).unwrap()],
            vec![compile_text(SCP_OU).unwrap()],
        ]),
        ..PolicySet::default()
    }
}

fn one_decision(c: &mut Criterion) {
    let set = seed_set();
    let who = Principal::parse("arn:aws:iam::111122223333:role/chat-app");
    let resource = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0";
    let mut ctx = Context::default();
    ctx.derive(&who, resource, "");
    let req = Request {
        principal: &who,
        action: "bedrock:InvokeModelWithResponseStream",
        resource,
        resource_account: "",
        context: &ctx,
    };
    let mut reasons = Vec::with_capacity(8);
    assert_eq!(evaluate(&set, &req, &mut reasons).decision, Decision::Allow);
    c.bench_function("seed_decision", |b| {
        b.iter(|| evaluate(black_box(&set), black_box(&req), &mut reasons).decision)
    });
}

/// 200 roles x 50 models x 20 regions, every model on demand: 200,000 decisions.
fn matrix_200k(c: &mut Criterion) {
    let set = seed_set();
    let roles = (0..200)
        .map(|i| RoleAccess {
            name: format!("role-{i}"),
            arn: format!("arn:aws:iam::111122223333:role/role-{i}"),
            set: set.clone(),
            problems: Vec::new(),
            policy_names: Vec::new(),
            boundary_name: None,
        })
        .collect();
    let model = AccessModel {
        account: "111122223333".into(),
        roles,
        ..Default::default()
    };
    let mut models: Vec<MatrixModel> = (0..48)
        .map(|i| MatrixModel {
            id: format!("vendor.model-{i}-v1:0"),
            via: Via::OnDemand,
        })
        .collect();
    models.push(MatrixModel {
        id: "amazon.nova-lite-v1:0".into(),
        via: Via::OnDemand,
    });
    models.push(MatrixModel {
        id: "anthropic.claude-haiku-4-5-20251001-v1:0".into(),
        via: Via::OnDemand,
    });
    let regions: Vec<String> = [
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "ca-central-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-central-1",
        "eu-north-1",
        "eu-south-1",
        "ap-south-1",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-southeast-1",
        "ap-southeast-2",
        "sa-east-1",
        "me-central-1",
        "il-central-1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let cells = matrix(&model, &models, &regions, "bedrock:InvokeModel");
    assert_eq!(cells.len(), 200_000);
    let allowed = cells
        .iter()
        .filter(|c| c.decision == Decision::Allow)
        .count();
    // 2 granted models x 3 allow-listed regions x 200 roles.
    assert_eq!(allowed, 2 * 3 * 200);
    let mut g = c.benchmark_group("matrix");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("200k_decisions", |b| {
        b.iter(|| matrix(black_box(&model), &models, &regions, "bedrock:InvokeModel").len())
    });
    g.finish();
}

fn mixed(c: &mut Criterion) {
    let corpus = mixed_corpus::corpus(MIXED_SEED, MIXED_LINES, MIXED_POOL);
    let lines: Vec<&str> = corpus.lines().collect();
    let mut out = String::new();
    let mut reasons = Vec::new();
    for l in &lines {
        out.clear();
        eval_line(l, &mut out, &mut reasons);
        assert!(out.contains("\"decision\""), "{out}");
    }
    let mut g = c.benchmark_group("mixed");
    g.sample_size(10);
    g.throughput(criterion::Throughput::Elements(lines.len() as u64));
    g.bench_function("eval_line_20000", |b| {
        b.iter(|| {
            for l in &lines {
                out.clear();
                eval_line(black_box(l), &mut out, &mut reasons);
            }
            out.len()
        })
    });
    // As `iam eval` runs them: one cache of compiled documents for the stream.
    g.bench_function("eval_line_cached_20000", |b| {
        b.iter(|| {
            let mut cache = DocCache::new();
            for l in &lines {
                out.clear();
                eval_line_cached(black_box(l), &mut out, &mut reasons, &mut cache);
            }
            out.len()
        })
    });
    let dir = std::env::temp_dir().join(format!("bedrockctl-mixed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("mixed.jsonl");
    std::fs::write(&file, &corpus).unwrap();
    g.bench_function("process_20000", |b| {
        b.iter(|| {
            let o = std::process::Command::new(env!("CARGO_BIN_EXE_bedrockctl"))
                .args(["iam", "eval", "--input"])
                .arg(&file)
                .output()
                .unwrap();
            assert!(o.status.success());
            o.stdout.len()
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, one_decision, matrix_200k, mixed);

fn main() {
    if let Some(path) = std::env::var_os("BEDROCKCTL_MIXED_CORPUS_OUT") {
        let corpus = mixed_corpus::corpus(MIXED_SEED, MIXED_LINES, MIXED_POOL);
        std::fs::write(path, corpus).unwrap();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
