//! Robustness: apply converges under injected throttling and 5xx errors, and after a
//! `kill -9` at random points a re-run converges without duplicating anything.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use engine_support::*;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Every resource appears once, and the kinds have the counts the config implies.
fn assert_no_duplicates(p: &Project) {
    let inv = p.inventory();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in &inv {
        let key = format!("{}.{}.{}", r["kind"], r["region"], r["name"]);
        *seen.entry(key).or_default() += 1;
    }
    let dups: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(dups.is_empty(), "duplicates: {dups:?}");
    let versions = inv
        .iter()
        .filter(|r| r["kind"] == "guardrail_version")
        .count();
    assert_eq!(versions, 1, "guardrail versions: {inv:#?}");
    assert_eq!(inv.len(), 9, "{inv:#?}");
}

#[test]
fn apply_converges_under_throttling_and_5xx() {
    for seed in [1, 7, 42] {
        let p = Project::new(FULL);
        let out = p
            .cmd(&["apply", "-f", "bedrock.yaml", "--auto-approve"])
            .env(
                "BEDROCKCTL_SANDBOX_FAULTS",
                format!("throttle=0.3,error5xx=0.05,seed={seed}"),
            )
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "seed {seed}: {err}");
        p.assert_converged();
        assert_no_duplicates(&p);
    }
}

/// A small deterministic generator, so a failing kill point can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound.max(1)
    }
}

#[test]
fn kill_9_at_random_points_then_rerun_converges() {
    let bin = bin();
    // How long one slowed-down apply takes, to spread kill points across all of it.
    let timed = Project::new(FULL);
    let t0 = Instant::now();
    let status = std::process::Command::new(&bin)
        .current_dir(timed.path())
        .args(["--sandbox", timed.sandbox().to_str().unwrap()])
        .args(["apply", "-f", "bedrock.yaml", "--auto-approve"])
        .env("BEDROCKCTL_SANDBOX_FAULTS", "latency_ms=15")
        .env("BEDROCKCTL_SANDBOX_PT_READY_MS", "300")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let full = t0.elapsed().as_millis() as u64;

    let seed = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261126);
    let mut rng = Lcg(seed);
    let mut killed_mid_run = 0;
    // Keep going until 20 kills landed while apply was still running (a kill after it
    // finished tests nothing), with a cap so a very fast machine cannot loop forever.
    let mut i = 0;
    while killed_mid_run < 20 && i < 60 {
        i += 1;
        let p = Project::new(FULL);
        let delay = rng.next(full * 9 / 10);
        let mut child = std::process::Command::new(&bin)
            .current_dir(p.path())
            .args(["--sandbox", p.sandbox().to_str().unwrap()])
            .args(["apply", "-f", "bedrock.yaml", "--auto-approve"])
            .env("BEDROCKCTL_SANDBOX_FAULTS", "latency_ms=15")
            .env("BEDROCKCTL_SANDBOX_PT_READY_MS", "300")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        child.kill().ok(); // SIGKILL on Unix
        child.wait().unwrap();
        let (code, out, err) = p.apply();
        assert_eq!(
            code, 0,
            "re-run after kill #{i} at {delay} ms (seed {seed}) failed\n{out}\n{err}"
        );
        p.assert_converged();
        assert_no_duplicates(&p);
    }
    assert!(
        killed_mid_run >= 20,
        "only {killed_mid_run} kills landed mid-apply (full apply takes {full} ms)"
    );
}
