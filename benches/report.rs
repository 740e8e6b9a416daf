//! `bedrockctl report` at the scale: 200 roles × 50 models × 20 regions
//! (200,000 grid cells). Three measurements:
//! - `report_sandbox_cli`: the released binary end to end on a sandbox where the
//!   stack is applied (config load, account reads, plan, checks, grid, lint, HTML
//!   written to a file) — the number issue 20 asks for (< 2 s, < 5 MB);
//! - `report_offline_cli`: the same without an account;
//! - `report_render`: in process, the grid and the HTML only (where the time goes).
//!
//! The report's size is printed once (`report size: N bytes`) and asserted < 5 MB.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/report_fixture.rs"]
mod report_fixture;

use bedrockctl::check::access::AccessModel;
use bedrockctl::check::matrix::{guards_from_config, matrix_with, models_of};
use bedrockctl::config::{self, Config};
use bedrockctl::plan::Scope;
use bedrockctl::report::{html, Inputs, Report, Source};
use bedrockctl::span::SourceMap;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_bedrockctl");
const LIMIT: u64 = 5 * 1024 * 1024;

fn run(dir: &Path, args: &[&str]) {
    let out = Command::new(BIN)
        .current_dir(dir)
        .env_remove("BEDROCKCTL_SANDBOX_FAULTS")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bedrockctl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The fixture, with the stack applied to a sandbox next to it.
fn setup() -> (PathBuf, PathBuf) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-bench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = report_fixture::write_fixture(&dir);
    let cfg_s = cfg.to_str().unwrap();
    run(
        &dir,
        &["--sandbox", "sb", "apply", "--auto-approve", "-f", cfg_s],
    );
    (dir, cfg)
}

fn cli(c: &mut Criterion) {
    let (dir, cfg) = setup();
    let cfg_s = cfg.to_str().unwrap();
    let mut g = c.benchmark_group("report_200x50x20");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("report_sandbox_cli", |b| {
        b.iter(|| {
            run(
                &dir,
                &[
                    "--sandbox",
                    "sb",
                    "report",
                    "-f",
                    cfg_s,
                    "--out",
                    "sandbox.html",
                ],
            )
        })
    });
    g.bench_function("report_offline_cli", |b| {
        b.iter(|| run(&dir, &["report", "-f", cfg_s, "--out", "offline.html"]))
    });
    g.finish();
    for f in ["sandbox.html", "offline.html"] {
        let size = std::fs::metadata(dir.join(f)).unwrap().len();
        eprintln!("report size ({f}): {size} bytes");
        assert!(size < LIMIT, "{f} is {size} bytes, over 5 MB");
    }
    run(
        &dir,
        &[
            "report",
            "-f",
            cfg_s,
            "--format",
            "json",
            "--out",
            "offline.json",
        ],
    );
    eprintln!(
        "report size (offline.json): {} bytes",
        std::fs::metadata(dir.join("offline.json")).unwrap().len()
    );
}

fn load(cfg: &Path) -> (Config, SourceMap) {
    let mut sources = SourceMap::default();
    let (cfg, _) =
        config::load(cfg, &mut sources).unwrap_or_else(|_| panic!("the fixture validates"));
    (cfg, sources)
}

fn render(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-bench-render");
    let _ = std::fs::remove_dir_all(&dir);
    let cfg_path = report_fixture::write_fixture(&dir);
    let (cfg, sources) = load(&cfg_path);
    let account = "111122223333";
    let model = AccessModel::from_config(&cfg, account, None);
    let models = models_of(&cfg);
    let regions: Vec<String> = cfg.regions().map(str::to_string).collect();
    let guards = guards_from_config(&cfg, account, &model.refs);
    let scope = Scope::from_config(&cfg);
    let mut g = c.benchmark_group("report_200x50x20");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    g.bench_function("report_render", |b| {
        b.iter(|| {
            let cells = matrix_with(&model, &models, &regions, "bedrock:InvokeModel", &guards);
            let report = Report::build(Inputs {
                generated_at: "2026-12-05T00:00:00Z".into(),
                version: "bench".into(),
                config: "bedrock.yaml".into(),
                stack: cfg.stack.value.clone(),
                source: Source::Offline,
                account_id: account.into(),
                action: "bedrock:InvokeModel".into(),
                regions: regions.clone(),
                cells: &cells,
                checks: Vec::new(),
                scope: &scope,
                lint: &[],
                sources: &sources,
                plan: None,
            });
            black_box(html::render(&report).len())
        })
    });
    g.finish();
}

criterion_group!(benches, cli, render);
criterion_main!(benches);
