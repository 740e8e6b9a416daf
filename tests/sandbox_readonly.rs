//! Issue 25: `plan` needs no write access to the sandbox. After an apply, the sandbox
//! directory and its files are made read-only and `plan` runs as a user who cannot
//! write them (as root, whom permission bits do not stop, through `setpriv` to
//! `nobody`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn quickstart() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn read_only(path: &Path) {
    let meta = std::fs::metadata(path).unwrap();
    let mode = if meta.is_dir() { 0o555 } else { 0o444 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    if meta.is_dir() {
        for e in std::fs::read_dir(path).unwrap() {
            read_only(&e.unwrap().path());
        }
    }
}

#[test]
fn plan_runs_on_a_sandbox_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    copy_dir(&quickstart(), &project);
    // A copy beside the project: the build directory may not be reachable by `nobody`.
    let bin = dir.path().join("bedrockctl");
    std::fs::copy(assert_cmd::cargo::cargo_bin("bedrockctl"), &bin).unwrap();
    Command::new(&bin)
        .current_dir(&project)
        .args([
            "--sandbox",
            "sb",
            "apply",
            "-f",
            "bedrock.yaml",
            "--auto-approve",
        ])
        .env("NO_COLOR", "1")
        .assert()
        .success();
    read_only(&project);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // As a user who cannot write the sandbox (`nobody`, when the tests run as root).
    let as_reader = |args: &[&str]| {
        let mut cmd = if effective_uid() == 0 {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&bin);
            c
        } else {
            Command::new(&bin)
        };
        cmd.current_dir(&project)
            .args(["--sandbox", "sb"])
            .args(args)
            .env("NO_COLOR", "1")
            .env("HOME", dir.path())
            .output()
            .unwrap()
    };
    let out = as_reader(&["plan", "-f", "bedrock.yaml", "--detailed-exitcode"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("No changes"), "{stdout}");
    // And it really could not write: a destroy fails.
    let out = as_reader(&["destroy", "-f", "bedrock.yaml", "--auto-approve"]);
    assert_ne!(out.status.code(), Some(0));
    // Let the temporary directory be removed.
    for p in [project.clone(), project.join("sb")] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// The effective user id, read from /proc (no libc call needed in a test).
fn effective_uid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|r| r.split_whitespace().nth(1))
        .and_then(|u| u.parse().ok())
        .unwrap()
}
