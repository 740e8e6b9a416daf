//! `validate` of generated configs: 5,000 resources (target: under 200 ms) and 50,000
//! (issue 21: under 300 ms whole process, under 120 MB peak RSS; the binary's peak is
//! measured from a fresh child process, see support/peak.rs).

#![allow(clippy::panic, clippy::unwrap_used)]

#[path = "support/peak.rs"]
mod peak;

use bedrockctl::config;
use bedrockctl::span::SourceMap;
use criterion::Criterion;
use std::fmt::Write as _;
use std::path::Path;

/// `n_each` each of guardrails, alarms, provisioned throughputs and inference
/// profiles. `rich` adds what hand-kept configs carry (a comment per resource,
/// descriptions, more tags): 50,000 resources come to 14.2 MB, about the size of the
/// config issue 21 measured (14.7 MB); without it, 9.2 MB.
fn generate(n_each: usize, rich: bool) -> String {
    let mut s =
        String::from("version: 1\nstack: bench\naccount:\n  regions: [us-east-1, us-west-2]\n");
    s.push_str("models:\n  - id: amazon.nova-lite-v1:0\n    regions: [us-east-1, us-west-2]\n");
    s.push_str("guardrails:\n");
    for i in 0..n_each {
        let _ = write!(
            s,
            "  - name: g{i}\n    regions: [us-east-1]\n    blocked_input_message: no\n    blocked_output_message: no\n    content_filters:\n      - {{ type: HATE, input: HIGH, output: HIGH }}\n      - {{ type: PROMPT_ATTACK, input: HIGH, output: NONE }}\n    pii:\n      - {{ type: EMAIL, action: ANONYMIZE }}\n"
        );
        if rich {
            let _ = write!(
                s,
                "    # owner: team-{t}, reviewed 2026-11\n    description: \"guardrail number {i} for the team that owns it\"\n    tags: {{ team: team-{t}, cost-center: cc-{c} }}\n",
                t = i % 50,
                c = i % 7
            );
        }
    }
    s.push_str("alarms:\n");
    for i in 0..n_each {
        let _ = write!(
            s,
            "  - name: a{i}\n    region: us-west-2\n    metric: InvocationThrottles\n    model: amazon.nova-lite-v1:0\n    statistic: Sum\n    period: 300\n    threshold: {i}\n    comparison: GreaterThanThreshold\n    actions: [\"arn:aws:sns:us-west-2:111122223333:oncall\"]\n"
        );
        if rich {
            let _ = write!(
                s,
                "    # paged when throttled for five minutes; owner: team-{}\n    evaluation_periods: 1\n",
                i % 50
            );
        }
    }
    s.push_str("provisioned_throughput:\n");
    for i in 0..n_each {
        let _ = write!(s, "  - name: pt-{i}\n    region: us-east-1\n    model: amazon.nova-lite-v1:0:24k\n    model_units: 1\n");
        if rich {
            let _ = write!(
                s,
                "    # owner: team-{t}, reviewed 2026-11\n    tags: {{ team: team-{t} }}\n",
                t = i % 50
            );
        }
    }
    s.push_str("inference_profiles:\n");
    for i in 0..n_each {
        let _ = write!(s, "  - name: p{i}\n    region: us-east-1\n    copy_from: us.amazon.nova-lite-v1:0\n    tags: {{ team: t{i} }}\n");
        if rich {
            let _ = write!(
                s,
                "    # owner: team-{}, reviewed 2026-11\n    description: \"application inference profile {i}\"\n",
                i % 50
            );
        }
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = generate(1250, false);
    let path = Path::new("bench.yaml");
    let mut sources = SourceMap::default();
    match config::load_str(path, text.clone(), &mut sources) {
        Ok(_) => {}
        Err(d) => panic!("generated config is invalid:\n{}", d.render(&sources)),
    }
    c.bench_function("validate_5000_resources", |b| {
        b.iter(|| {
            let mut sources = SourceMap::default();
            config::load_str(path, text.clone(), &mut sources).is_ok()
        })
    });
}

fn bench_50000(c: &mut Criterion) {
    let mut group = c.benchmark_group("large");
    group.sample_size(10);
    for (name, rich) in [
        ("validate_50000_resources", false),
        ("validate_50000_resources_rich", true),
    ] {
        let text = generate(12_500, rich);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bedrock.yaml"), &text).unwrap();
        eprintln!(
            "{name} ({} bytes, bedrockctl validate): {}",
            text.len(),
            peak::measure(dir.path(), "validate -f bedrock.yaml")
        );
        let path = Path::new("bench.yaml");
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut sources = SourceMap::default();
                config::load_str(path, text.clone(), &mut sources).is_ok()
            })
        });
    }
    group.finish();
}

fn main() {
    if peak::child_main() {
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    bench_50000(&mut c);
    c.final_summary();
}
