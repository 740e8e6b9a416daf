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

/// `(kind, region, name)` of every entry in the sandbox's `state.json`, read as plain
/// JSON (not through bedrockctl's store), with each entry's full JSON.
fn state_entries(p: &Project) -> Vec<((String, String, String), serde_json::Value)> {
    let text = std::fs::read_to_string(p.sandbox().join("state.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("state.json does not parse: {e}\n{text}"));
    v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            ((s("kind"), s("region"), s("name")), r.clone())
        })
        .collect()
}

/// Three applies of one config race on one sandbox under injected throttling and 5xx
/// errors, one of them killed with SIGKILL part-way; a final apply then converges with
/// every desired resource present exactly once and the unmanaged ones byte-identical.
/// Guards the claim in design.md that a sandbox dir may be shared by several processes.
#[test]
fn three_concurrent_applies_with_faults_and_a_kill_converge() {
    let bin = bin();
    let seed = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20260501u64);
    let mut rng = Lcg(seed);
    let want: BTreeMap<(String, String, String), usize> = [
        ("provisioned_throughput", "us-east-1", "app-pt"),
        ("guardrail", "us-east-1", "safety"),
        ("inference_profile", "us-east-1", "app-haiku"),
        ("invocation_logging", "us-east-1", "default"),
        ("alarm", "us-east-1", "haiku-throttles"),
        ("iam_policy", "global", "app-boundary"),
        ("iam_role", "global", "app-role"),
        ("iam_role", "global", "app-logging"),
    ]
    .into_iter()
    .map(|(k, r, n)| ((k.into(), r.into(), n.into()), 1))
    .collect();
    for round in 0..3u64 {
        let p = Project::new(FULL);
        seed_unmanaged(&p);
        // Creates state.json from the seed, so the children share one starting state.
        let (code, _, err) = p.run(&["plan", "-f", "bedrock.yaml"]);
        assert_eq!(code, 0, "{err}");
        let unmanaged_before: Vec<_> = state_entries(&p)
            .into_iter()
            .filter(|(k, _)| !want.contains_key(k))
            .collect();
        assert_eq!(unmanaged_before.len(), 4);

        let t0 = Instant::now();
        let children: Vec<_> = (0..3u64)
            .map(|i| {
                // The first child is the one killed: its calls are slower, so its apply
                // (about 0.9 s alone) is surely still running at the kill.
                let latency = if i == 0 { 15 } else { 2 };
                let faults = format!(
                    "latency_ms={latency},throttle=0.3,error5xx=0.05,seed={}",
                    seed.wrapping_add(round * 3 + i)
                );
                std::process::Command::new(&bin)
                    .current_dir(p.path())
                    .args(["--sandbox", p.sandbox().to_str().unwrap()])
                    .args(["apply", "-f", "bedrock.yaml", "--auto-approve"])
                    .env("BEDROCKCTL_SANDBOX_FAULTS", faults)
                    .env("BEDROCKCTL_SANDBOX_PT_READY_MS", "300")
                    .env("NO_COLOR", "1")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        // SIGKILL the first one somewhere in its first half second.
        let delay = Duration::from_millis(30 + rng.next(500));
        let mut children = children.into_iter();
        let mut victim = children.next().unwrap();
        std::thread::sleep(delay);
        let killed_mid_run = victim.try_wait().unwrap().is_none();
        victim.kill().ok(); // SIGKILL on Unix
        victim.wait().unwrap();
        assert!(
            killed_mid_run,
            "round {round}: the kill after {delay:?} came too late"
        );
        let mut outcomes = Vec::new();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            // Same config, so a racing apply meets only its own kind of work: a token
            // answers with the resource another process made, a taken name is adopted.
            assert_eq!(
                out.status.code(),
                Some(0),
                "racing apply, round {round} (seed {seed}):\n{err}"
            );
            outcomes.push((out.status.code(), err));
        }
        let racing = t0.elapsed();

        let (code, out, err) = p.apply();
        assert_eq!(
            code, 0,
            "final apply, round {round} (seed {seed}, kill after {delay:?}, racing \
             applies {outcomes:?})\n{out}\n{err}"
        );

        let entries = state_entries(&p);
        let mut counts: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for (k, _) in &entries {
            *counts.entry(k.clone()).or_default() += 1;
        }
        let dups: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            dups.is_empty(),
            "round {round} (seed {seed}): duplicates {dups:?}"
        );
        for (k, n) in &want {
            assert_eq!(counts.get(k), Some(n), "round {round}: {k:?} missing");
        }
        // One published version of `safety`, whatever its number.
        let versions: Vec<_> = entries
            .iter()
            .filter(|((kind, _, _), _)| kind == "guardrail_version")
            .map(|(k, _)| k.2.clone())
            .collect();
        assert_eq!(versions.len(), 1, "round {round}: versions {versions:?}");
        assert!(versions[0].starts_with("safety:"), "{versions:?}");
        let unmanaged_after: Vec<_> = entries
            .into_iter()
            .filter(|(k, _)| !want.contains_key(k) && k.0 != "guardrail_version")
            .collect();
        assert_eq!(
            unmanaged_after, unmanaged_before,
            "round {round}: an unmanaged resource was touched"
        );
        p.assert_converged();
        eprintln!(
            "round {round}: racing applies took {racing:?}, kill after {delay:?}, exits {:?}",
            outcomes.iter().map(|o| o.0).collect::<Vec<_>>()
        );
    }
}
