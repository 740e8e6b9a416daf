//! Planning benchmarks on the sandbox.
//!
//! 1. `plan_1000_10_regions_latency50`: 1,000 resources (alarms, guardrails, inference
//!    profiles) across 10 regions, every sandbox call delayed 50 ms. The wall time is
//!    compared with the bound the per-region concurrency limit allows:
//!    max over regions of ceil(calls in region / limit) × 50 ms.
//! 2. `plan_10000`: 10,000 alarms across 10 regions without latency; its peak memory is
//!    measured in a separate process (VmHWM from `/proc/self/status`), so the bench
//!    harness's own allocations do not count.
//!
//! Each runs against an in-memory account with the same fixed latency (the engine's
//! own scheduling and memory) and against the sandbox (what a user sees offline; it
//! keeps a small state parsed between calls, and a large one as bytes it scans per call).
//! Timed loops keep each plan until the loop ends and free them afterwards (that time
//! is printed too): the plan is the result, and the CLI prints it before freeing it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/peak.rs"]
mod peak;

use async_trait::async_trait;
use bedrockctl::account::sandbox::{self, faults::FaultConfig, Options};
use bedrockctl::account::{
    Account, AccountError, Kind, ModelStatus, OrgPolicies, PrincipalPolicies, ProbeKind,
    ProbeResult, Resource, SimulateRequest, SimulateResult,
};
use bedrockctl::config::{self, Config};
use bedrockctl::engine::{self, ExecOptions, Limits, Planned};
use bedrockctl::plan::{DiffOptions, Scope};
use bedrockctl::span::SourceMap;
use criterion::Criterion;
use serde_json::json;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const REGIONS: [&str; 10] = [
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "ap-northeast-1",
    "ap-southeast-1",
    "ap-southeast-2",
];
const STACK: &str = "bench";
const LATENCY_MS: u64 = 50;
const CHILD_ENV: &str = "BEDROCKCTL_BENCH_CHILD_DIR";
const CHILD_MODE_ENV: &str = "BEDROCKCTL_BENCH_CHILD_MODE";

fn tags() -> serde_json::Value {
    json!({"managed-by": "bedrockctl", "bedrockctl:stack": STACK})
}

/// Write `bedrock.yaml` and the sandbox seed for `per_region` alarms, guardrails and
/// profiles in each region; live matches desired except every tenth alarm (an update).
fn project(
    dir: &Path,
    alarms: usize,
    guardrails: usize,
    profiles: usize,
    write: bool,
) -> Vec<Resource> {
    let mut y = String::new();
    let _ = writeln!(
        y,
        "version: 1\nstack: {STACK}\naccount:\n  id: \"111122223333\"\n  regions: [{}]",
        REGIONS.join(", ")
    );
    let mut seed = Vec::new();
    if alarms > 0 {
        y.push_str("alarms:\n");
    }
    for r in REGIONS {
        for i in 0..alarms {
            let name = format!("alarm-{r}-{i}");
            let _ = writeln!(
                y,
                "  - {{ name: {name}, region: {r}, metric: Invocations, statistic: Sum, period: 60, threshold: 10, comparison: GreaterThanThreshold }}"
            );
            let threshold = if i % 10 == 0 { 11.0 } else { 10.0 };
            seed.push(resource(
                json!({"kind": "alarm", "region": r, "name": name, "tags": tags(),
                "spec": {"namespace": "AWS/Bedrock", "metric": "Invocations", "dimensions": {},
                  "statistic": "Sum", "period": 60, "evaluation_periods": 1,
                  "threshold": threshold, "comparison": "GreaterThanThreshold", "actions": []}}),
                seed.len(),
            ));
        }
    }
    if guardrails > 0 {
        y.push_str("guardrails:\n");
    }
    for r in REGIONS {
        for i in 0..guardrails {
            let name = format!("g-{r}-{i}");
            let _ = writeln!(
                y,
                "  - {{ name: {name}, regions: [{r}], blocked_input_message: no, blocked_output_message: no, content_filters: [{{ type: HATE, input: HIGH, output: HIGH }}] }}"
            );
            seed.push(resource(
                json!({"kind": "guardrail", "region": r, "name": name, "tags": tags(),
                "spec": {"blocked_input_message": "no", "blocked_output_message": "no",
                  "content_filters": [{"type": "HATE", "input": "HIGH", "output": "HIGH"}]}}),
                seed.len(),
            ));
        }
    }
    if profiles > 0 {
        y.push_str("inference_profiles:\n");
    }
    for r in REGIONS {
        for i in 0..profiles {
            let name = format!("p-{r}-{i}");
            let arn = format!("arn:aws:bedrock:{r}::foundation-model/amazon.nova-lite-v1:0");
            let _ = writeln!(
                y,
                "  - {{ name: {name}, region: {r}, copy_from: \"{arn}\" }}"
            );
            seed.push(resource(
                json!({"kind": "inference_profile", "region": r, "name": name,
                "tags": tags(), "spec": {"copy_from": arn}}),
                seed.len(),
            ));
        }
    }
    if write {
        std::fs::write(dir.join("bedrock.yaml"), y).unwrap();
        let sb = dir.join("sandbox");
        std::fs::create_dir_all(&sb).unwrap();
        #[derive(serde::Serialize)]
        struct Seed<'a> {
            resources: &'a [Resource],
        }
        let text = serde_json::to_string(&Seed { resources: &seed }).unwrap();
        std::fs::write(sb.join("seed.json"), text).unwrap();
    }
    seed
}

fn resource(mut v: serde_json::Value, i: usize) -> Resource {
    v["id"] = json!(format!("id-{i}"));
    serde_json::from_value(v).unwrap()
}

/// Materialize the sandbox state once, so measurements do not include seeding.
fn materialize(dir: &Path) {
    sandbox::open(&dir.join("sandbox")).unwrap();
}

/// An in-memory account with a fixed delay per call: isolates the engine's scheduling
/// from the sandbox's per-call cost (it re-reads and parses its state file every call).
struct MemAccount {
    resources: Vec<Resource>,
    latency: Duration,
    calls: AtomicUsize,
}

impl MemAccount {
    async fn call(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
    }
}

fn unsupported(op: &str) -> AccountError {
    AccountError::new(op, "NotSupported", "not in the benchmark account")
}

#[async_trait]
impl Account for MemAccount {
    async fn account_id(&self) -> Result<String, AccountError> {
        self.call().await;
        Ok("111122223333".into())
    }
    async fn list(&self, kind: Kind, region: &str) -> Result<Vec<Resource>, AccountError> {
        self.call().await;
        Ok(self
            .resources
            .iter()
            .filter(|r| r.kind == kind && r.region == region)
            .cloned()
            .collect())
    }
    async fn get(&self, _: Kind, _: &str, _: &str) -> Result<Option<Resource>, AccountError> {
        Err(unsupported("Get"))
    }
    async fn create(&self, _: &Resource, _: &str) -> Result<Resource, AccountError> {
        Err(unsupported("Create"))
    }
    async fn update(&self, _: &Resource, _: &Resource) -> Result<Resource, AccountError> {
        Err(unsupported("Update"))
    }
    async fn delete(&self, _: &Resource) -> Result<(), AccountError> {
        Err(unsupported("Delete"))
    }
    async fn model_status(&self, _: &str, _: &str) -> Result<ModelStatus, AccountError> {
        Err(unsupported("GetFoundationModelAvailability"))
    }
    async fn list_models(&self, _: &str) -> Result<Vec<ModelStatus>, AccountError> {
        Err(unsupported("ListFoundationModels"))
    }
    async fn org_policies(&self) -> Result<Option<OrgPolicies>, AccountError> {
        Ok(None)
    }
    async fn simulate(&self, _: &SimulateRequest) -> Result<SimulateResult, AccountError> {
        Err(unsupported("Simulate"))
    }
    async fn principal_policies(&self, _: &str) -> Result<PrincipalPolicies, AccountError> {
        Err(unsupported("PrincipalPolicies"))
    }
    async fn probe(&self, _: &str, _: &str, _: ProbeKind) -> Result<ProbeResult, AccountError> {
        Err(unsupported("Probe"))
    }
}

fn load(dir: &Path) -> Config {
    let mut sources = SourceMap::default();
    match config::load(&dir.join("bedrock.yaml"), &mut sources) {
        Ok((cfg, _)) => cfg,
        Err(d) => panic!("bench config invalid:\n{}", d.render(&sources)),
    }
}

fn account(dir: &Path, latency_ms: u64) -> Arc<dyn Account> {
    let mut opts = Options::from_env().unwrap();
    opts.faults = FaultConfig {
        latency_ms,
        ..FaultConfig::default()
    };
    Arc::new(sandbox::Sandbox::open_with(&dir.join("sandbox"), opts).unwrap())
}

/// One plan. The result is returned, not dropped: freeing it is not planning (the CLI
/// prints the plan before anything is freed), so the timed loops drop it afterwards
/// (criterion's `iter_with_large_drop`).
fn plan_once(
    rt: &tokio::runtime::Runtime,
    acct: &Arc<dyn Account>,
    cfg: &Config,
    exec: &ExecOptions,
) -> Planned {
    rt.block_on(engine::plan_config(
        acct.clone(),
        cfg,
        DiffOptions::default(),
        exec,
    ))
    .unwrap()
}

/// The wall time the concurrency limit allows for one plan of `cfg`: the busiest
/// region's calls in rounds of `per_region` (the account-id call runs alongside).
fn bound(cfg: &Config, per_region: usize) -> Duration {
    let scope = Scope::from_config(cfg);
    let mut rounds = 0;
    for r in scope.regions() {
        let calls = scope.lists.iter().filter(|(_, rr)| rr == r).count()
            + scope.models.iter().filter(|m| m.region == r).count();
        rounds = rounds.max(calls.div_ceil(per_region));
    }
    Duration::from_millis(LATENCY_MS * (rounds.max(1) as u64))
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

fn measure(
    c: &mut Criterion,
    label: &str,
    acct: &Arc<dyn Account>,
    cfg: &Config,
    per_region: usize,
) {
    let rt = rt();
    let exec = ExecOptions {
        limits: Limits::new(per_region),
        ..ExecOptions::default()
    };
    let n = plan_once(&rt, acct, cfg, &exec).plan.changes.len();
    assert_eq!(n, 1000, "planned resources");
    let runs = 5;
    let mut results = Vec::with_capacity(runs as usize);
    let t0 = Instant::now();
    for _ in 0..runs {
        results.push(plan_once(&rt, acct, cfg, &exec));
    }
    let mean = t0.elapsed() / runs;
    let t1 = Instant::now();
    drop(results);
    let free = t1.elapsed() / runs;
    let b = bound(cfg, per_region);
    eprintln!(
        "[{label}] plan 1000 resources / 10 regions, latency {LATENCY_MS} ms, limit {per_region}/region: mean {:.1} ms, bound {} ms, ratio {:.2} (freeing the plan afterwards: {:.1} ms)",
        mean.as_secs_f64() * 1e3,
        b.as_millis(),
        mean.as_secs_f64() / b.as_secs_f64(),
        free.as_secs_f64() * 1e3
    );
    c.bench_function(
        &format!("plan_1000_10_regions_latency50_{label}_limit{per_region}"),
        |bch| bch.iter_with_large_drop(|| plan_once(&rt, acct, cfg, &exec)),
    );
}

fn bench_1000(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let resources = project(dir.path(), 40, 30, 30, true);
    let cfg = load(dir.path());
    let mem: Arc<dyn Account> = Arc::new(MemAccount {
        resources,
        latency: Duration::from_millis(LATENCY_MS),
        calls: AtomicUsize::new(0),
    });
    for per_region in [4usize, 2, 1] {
        measure(c, "memory", &mem, &cfg, per_region);
    }
    materialize(dir.path());
    let sb = account(dir.path(), LATENCY_MS);
    measure(c, "sandbox", &sb, &cfg, 4);
    // The sandbox's own cost per call (state file read and parsed), without latency.
    let sb0 = account(dir.path(), 0);
    let rt = rt();
    let t0 = Instant::now();
    for _ in 0..10 {
        rt.block_on(sb0.list(Kind::Alarm, "us-east-1")).unwrap();
    }
    eprintln!(
        "[sandbox] one list call on a 1000-resource state: {:.1} ms",
        t0.elapsed().as_secs_f64() * 1e3 / 10.0
    );
}

/// VmHWM (peak resident set) of this process, in kB.
fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|v| v.parse().unwrap_or(0)))
        })
        .unwrap_or(0)
}

/// Child mode: one plan of the project in `dir`, then report peak memory. `memory`
/// plans against an in-memory account built from the seed; `sandbox` against the
/// sandbox.
fn child(dir: &Path, mode: &str) {
    let before = vm_hwm_kb();
    let cfg = load(dir);
    let after_config = vm_hwm_kb();
    let acct: Arc<dyn Account> = if mode == "memory" {
        let resources = project(dir, 1000, 0, 0, false);
        Arc::new(MemAccount {
            resources,
            latency: Duration::ZERO,
            calls: AtomicUsize::new(0),
        })
    } else {
        account(dir, 0)
    };
    let after_setup = vm_hwm_kb();
    let rt = rt();
    let t0 = Instant::now();
    let n = plan_once(&rt, &acct, &cfg, &ExecOptions::default())
        .plan
        .changes
        .len();
    println!(
        "mode={mode} resources={n} wall_ms={} vmhwm_kb={} (at start {before}, after config load {after_config}, after account setup {after_setup})",
        t0.elapsed().as_millis(),
        vm_hwm_kb()
    );
}

/// This bench in child mode `mode` on the project in `dir`; what it printed.
fn run_child(dir: &Path, mode: &str) -> String {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env(CHILD_ENV, dir)
        .env(CHILD_MODE_ENV, mode)
        .output()
        .unwrap();
    peak::printed(&out)
}

fn bench_10000(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let resources = project(dir.path(), 1000, 0, 0, true);
    materialize(dir.path());
    for mode in ["memory", "sandbox"] {
        eprintln!(
            "plan 10000 resources (separate process): {}",
            run_child(dir.path(), mode)
        );
    }
    // What a user runs: the binary itself, in each output form (peak::measure).
    for args in ["plan", "plan --format json", "plan --out saved.json"] {
        eprintln!(
            "plan 10000 resources (bedrockctl {args}): {}",
            peak::measure(dir.path(), &format!("--sandbox sandbox {args}"))
        );
    }
    let cfg = load(dir.path());
    let acct: Arc<dyn Account> = Arc::new(MemAccount {
        resources,
        latency: Duration::ZERO,
        calls: AtomicUsize::new(0),
    });
    let rt = rt();
    let exec = ExecOptions::default();
    let mut group = c.benchmark_group("large");
    group.sample_size(10);
    group.bench_function("plan_10000_memory", |b| {
        b.iter_with_large_drop(|| plan_once(&rt, &acct, &cfg, &exec))
    });
    group.finish();
}

fn main() {
    if peak::child_main() {
        return;
    }
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        let mode = std::env::var(CHILD_MODE_ENV).unwrap_or_else(|_| "memory".into());
        child(Path::new(&dir), &mode);
        return;
    }
    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    bench_1000(&mut c);
    bench_10000(&mut c);
    c.final_summary();
}
