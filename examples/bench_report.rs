//! bedrockctl's side of the peer comparison (`scripts/bench`): times the seed
//! scenario and the 200,000-decision matrix with `std::time::Instant` and prints one
//! JSON object in the same shape as `bench/peer/iam_simulate_bench.mjs`.
//!
//! The scenarios are read from `bench/seed.jsonl` (one `iam eval` line, design.md
//! shape) and `bench/matrix.json`, which the peer script reads too; they mirror
//! `benches/iam_eval.rs`.
//!
//! Usage: `cargo run --release --example bench_report -- [--iters N] [--matrix-out FILE]`
//! `--matrix-out` writes one character per matrix cell (`A` allow, `i` implicit deny,
//! `E` explicit deny), in role, model, region order, for the peer's cell-by-cell check.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bedrockctl::check::access::{AccessModel, RoleAccess};
use bedrockctl::check::matrix::{matrix, MatrixModel};
use bedrockctl::config::Via;
use bedrockctl::iam::jsonl::{eval_line, Input};
use bedrockctl::iam::{evaluate, json, Decision};
use std::hint::black_box;
use std::time::Instant;

const SEED: &str = include_str!("../bench/seed.jsonl");
const MATRIX: &str = include_str!("../bench/matrix.json");

fn main() {
    let mut iters: u64 = 2_000_000;
    let mut matrix_out: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--iters" => iters = args.next().expect("--iters N").parse().expect("a number"),
            "--matrix-out" => matrix_out = Some(args.next().expect("--matrix-out FILE")),
            other => panic!("unknown argument {other}"),
        }
    }
    let seed_line = SEED.trim();

    // (a) One decision over compiled policies, as `benches/iam_eval.rs` seed_decision.
    let node = json::parse(seed_line).expect("seed.jsonl parses");
    let input = Input::from_node(&node).expect("seed.jsonl is a valid iam eval line");
    let req = input.request();
    let mut reasons = Vec::with_capacity(8);
    let seed_decision = evaluate(&input.set, &req, &mut reasons).decision;
    assert_eq!(seed_decision, Decision::Allow);
    for _ in 0..iters / 10 {
        black_box(evaluate(black_box(&input.set), black_box(&req), &mut reasons).decision);
    }
    let t = Instant::now();
    for _ in 0..iters {
        black_box(evaluate(black_box(&input.set), black_box(&req), &mut reasons).decision);
    }
    let seed_us = t.elapsed().as_secs_f64() * 1e6 / iters as f64;

    // (b) The whole `iam eval` line: JSON parse, policy parse and compile, evaluate,
    // output. This is what the peer does on every call (it takes policy documents).
    let line_iters = (iters / 50).max(1000);
    let mut out = String::with_capacity(1024);
    for _ in 0..line_iters / 10 {
        out.clear();
        eval_line(black_box(seed_line), &mut out, &mut reasons);
    }
    let t = Instant::now();
    for _ in 0..line_iters {
        out.clear();
        eval_line(black_box(seed_line), &mut out, &mut reasons);
    }
    let line_us = t.elapsed().as_secs_f64() * 1e6 / line_iters as f64;
    assert!(out.contains("\"decision\":\"allow\""), "{out}");

    // (c) The 200,000-decision matrix, best of 3 after one warm-up run.
    let spec: serde_json::Value = serde_json::from_str(MATRIX).expect("matrix.json");
    let account = spec["account"].as_str().unwrap().to_string();
    let n_roles = spec["roles"].as_u64().unwrap() as usize;
    let action = spec["action"].as_str().unwrap();
    let roles = (0..n_roles)
        .map(|i| RoleAccess {
            name: format!("role-{i}"),
            arn: format!("arn:aws:iam::{account}:role/role-{i}"),
            set: input.set.clone(),
            problems: Vec::new(),
            policy_names: Vec::new(),
            boundary_name: None,
        })
        .collect();
    let model = AccessModel {
        account,
        roles,
        ..Default::default()
    };
    let models: Vec<MatrixModel> = spec["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| MatrixModel {
            id: m.as_str().unwrap().to_string(),
            via: Via::OnDemand,
        })
        .collect();
    let regions: Vec<String> = spec["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    let cells = matrix(&model, &models, &regions, action);
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let n = black_box(matrix(black_box(&model), &models, &regions, action)).len();
        best = best.min(t.elapsed().as_secs_f64());
        assert_eq!(n, cells.len());
    }
    let allowed = cells.iter().filter(|c| c.decision.is_allow()).count();
    if let Some(path) = matrix_out {
        let s: String = cells
            .iter()
            .map(|c| match c.decision {
                Decision::Allow => 'A',
                Decision::ImplicitDeny => 'i',
                Decision::ExplicitDeny => 'E',
            })
            .collect();
        std::fs::write(&path, s).expect("write --matrix-out");
    }

    let report = serde_json::json!({
        "tool": "bedrockctl",
        "version": env!("CARGO_PKG_VERSION"),
        "seed_decision": seed_decision.as_str(),
        "seed_us_per_decision": seed_us,
        "seed_line_us_per_decision": line_us,
        "seed_iterations": iters,
        "matrix_decisions": cells.len(),
        "matrix_allowed": allowed,
        "matrix_seconds": best,
    });
    println!("{report}");
}
