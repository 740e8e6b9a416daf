//! `kill -9` at arbitrary moments while a process writes: the state file must always
//! parse, and every write the killed process saw succeed must still be there.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bedrockctl::account::sandbox::{Options, Sandbox};
use bedrockctl::account::spec::Spec;
use bedrockctl::account::{Account, Kind, Resource};
use serde_json::json;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const CHILD_ENV: &str = "BEDROCKCTL_SANDBOX_TEST_HAMMER";
const TEST_NAME: &str = "kill_dash_nine_never_corrupts_or_loses_committed_writes";

fn alarm(name: &str, threshold: f64) -> Resource {
    Resource {
        kind: Kind::Alarm,
        region: "us-east-1".into(),
        name: name.into(),
        id: None,
        spec: Spec::from_value(
            Kind::Alarm,
            json!({"namespace": "AWS/Bedrock", "metric": "Invocations", "statistic": "Sum",
            "period": 60, "evaluation_periods": 1, "threshold": threshold,
            "comparison": "GreaterThanThreshold"}),
        )
        .unwrap(),
        tags: Default::default(),
        status: None,
    }
}

/// The writer: create (and re-put) alarms forever, announcing each success on stdout
/// only after the call returned, i.e. after the state was durably replaced.
fn hammer(spec: &str) {
    let (dir, prefix) = spec.split_once('|').unwrap();
    let sb = Sandbox::open_with(Path::new(dir), Options::default()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut out = std::io::stdout().lock();
    for i in 0.. {
        let name = format!("{prefix}-{i}");
        rt.block_on(sb.create(&alarm(&name, i as f64), "")).unwrap();
        writeln!(out, "COMMITTED {name}").unwrap();
        out.flush().unwrap();
    }
}

fn state_names(dir: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(dir.join("state.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("state.json does not parse after kill -9: {e}"));
    assert_eq!(v["format_version"], 1);
    v["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn kill_dash_nine_never_corrupts_or_loses_committed_writes() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        hammer(&spec);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    Sandbox::open_with(dir.path(), Options::default()).unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut committed: BTreeSet<String> = BTreeSet::new();
    for round in 0..6u64 {
        let mut child = Command::new(&exe)
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, format!("{}|r{round}", dir.path().display()))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| l.strip_prefix("COMMITTED ").map(str::to_string))
                .collect::<Vec<_>>()
        });
        // Kill at a different point of the write cycle each round.
        std::thread::sleep(Duration::from_millis(150 + (round * 97) % 250));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let seen = reader.join().unwrap();
        committed.extend(seen);
        let on_disk = state_names(dir.path());
        let lost: Vec<&String> = committed.difference(&on_disk).collect();
        assert!(
            lost.is_empty(),
            "round {round}: committed writes lost: {lost:?}"
        );
        // The sandbox still opens and works after the kill.
        let sb = Sandbox::open_with(dir.path(), Options::default()).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        assert!(
            rt.block_on(sb.list(Kind::Alarm, "us-east-1"))
                .unwrap()
                .len()
                >= committed.len()
        );
    }
    eprintln!("{} writes committed across 6 kills", committed.len());
    assert!(
        committed.len() >= 6,
        "the writer made too little progress to test anything: {}",
        committed.len()
    );
}
