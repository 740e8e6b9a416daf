//! The report at scale (issue 20): 200 roles × 50 models × 20 regions, offline and
//! on a sandbox where the stack is applied, stays under 5 MB of HTML with every one
//! of the 200,000 cells in it. Timing lives in `benches/report.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/support/report_fixture.rs"]
mod report_fixture;

use assert_cmd::Command;
use report_fixture::{write_fixture, MODELS, REGIONS, ROLES};

const LIMIT: usize = 5 * 1024 * 1024;

#[test]
fn a_200_role_report_has_every_cell_and_stays_under_5_mb() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = write_fixture(tmp.path());
    // To look at the fixture (or time the CLI on it): write a copy there too.
    if let Some(dir) = std::env::var_os("BEDROCKCTL_REPORT_FIXTURE_OUT") {
        write_fixture(std::path::Path::new(&dir));
    }
    let sandbox = tmp.path().join("sb");
    let run = |args: &[&str]| {
        Command::cargo_bin("bedrockctl")
            .unwrap()
            .current_dir(tmp.path())
            .env_remove("BEDROCKCTL_SANDBOX_FAULTS")
            .arg("--sandbox")
            .arg(&sandbox)
            .args(args)
            .arg("-f")
            .arg(&cfg)
            .assert()
            .code(0)
    };
    run(&["apply", "--auto-approve"]);
    let out = tmp.path().join("report.html");
    run(&["report", "--out", out.to_str().unwrap()]);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.len() < LIMIT, "report is {} bytes", html.len());
    let cells: usize = ["a", "g", "i", "x", "d"]
        .iter()
        .map(|l| html.matches(&format!("<td class={l}>")).count())
        .sum();
    assert_eq!(cells, ROLES * MODELS * REGIONS);
    assert_eq!(html.matches("<table class=grid").count(), REGIONS);
    assert!(
        html.matches("<td class=g>").count() > 0,
        "guarded cells present"
    );
    assert!(
        html.contains("<b>0 / 0 / 0</b>to add"),
        "the applied stack has no pending change"
    );
}
