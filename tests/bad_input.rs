//! Every file of the bad-input corpus exits 1 with `FILE:LINE:COL: …` pointing at the
//! offending line, never panics, never hangs (20 s timeout) and stays under 100 MiB. Expectations: tests/fixtures/bad/expect.tsv
//! (regenerate the fixtures with `python3 tests/fixtures/bad/generate.py`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use std::time::Duration;

#[test]
fn corpus_reports_every_file_at_the_right_line() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    let table = std::fs::read_to_string(dir.join("expect.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut cols = line.split('\t');
        let (file, want_line, contains) = (
            cols.next().unwrap(),
            cols.next().unwrap(),
            cols.next().unwrap(),
        );
        count += 1;
        // The address-space limit (100 MiB) makes "stays under 100 MB" part of the check:
        // going over it aborts the process instead of exiting 1.
        let out = Command::new("bash")
            .current_dir(&dir)
            .args(["-c", "ulimit -v 102400; exec \"$0\" \"$@\""])
            .arg(assert_cmd::cargo::cargo_bin("bedrockctl"))
            .args(["validate", "-f", file])
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().unwrap_or("");
        let located = if contains.contains(".json:") {
            first.starts_with(contains)
        } else {
            first.starts_with(&format!("{file}:{want_line}:")) && stderr.contains(contains)
        };
        if out.status.code() != Some(1) || !located {
            failures.push(format!(
                "{file}: exit {:?}, want line {want_line} containing {contains:?}\n{stderr}",
                out.status.code()
            ));
        }
    }
    assert!(count >= 40, "corpus too small: {count}");
    assert!(
        failures.is_empty(),
        "{} of {count} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn all_errors_are_reported_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bedrock.yaml");
    std::fs::write(
        &path,
        "version: 1\nstack: t\naccount:\n  regions: [us-east-1]\nalarms:\n  - name: a\n    region: us-east-1\n    metric: Invocation\n    statistic: Avg\n    period: 90\n    threshold: 1\n    comparison: GreaterThanThreshold\n",
    )
    .unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .args(["validate", "-f"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains(":8:13: error: invalid metric"), "{stderr}");
    assert!(
        stderr.contains(":9:16: error: invalid statistic"),
        "{stderr}"
    );
    assert!(stderr.contains(":10:13: error: `period`"), "{stderr}");
    assert!(stderr.contains("has 3 errors"), "{stderr}");
}
