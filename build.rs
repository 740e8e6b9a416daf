//! Build script: stamps `bedrockctl --version` with the git revision it was built from.
//!
//! Cheap on purpose: one `git rev-parse` per rebuild, rerun only when HEAD (or the branch it
//! points at) moves. Outside a git checkout (a crates.io tarball, a Docker context without
//! `.git`) the version is the bare package version; `BEDROCKCTL_GIT_REV` overrides it for
//! builds that know their revision another way (the release workflow sets nothing: it
//! builds from a checkout).

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=BEDROCKCTL_GIT_REV");
    let rev = std::env::var("BEDROCKCTL_GIT_REV")
        .ok()
        .filter(|r| !r.trim().is_empty())
        .or_else(git_revision);
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let long = match rev {
        Some(rev) => format!("{version} ({rev})"),
        None => version,
    };
    println!("cargo:rustc-env=BEDROCKCTL_LONG_VERSION={long}");
}

/// Short revision of HEAD; None when git or the checkout is absent.
fn git_revision() -> Option<String> {
    let git_dir = git(&["rev-parse", "--git-dir"])?;
    // A worktree's HEAD lives in its own git dir, not in `./.git/HEAD` (there `.git` is a
    // file), so ask git where it is and watch that, plus the ref HEAD points at.
    let git_dir = PathBuf::from(git_dir);
    let head = git_dir.join("HEAD");
    println!("cargo:rerun-if-changed={}", head.display());
    if let Ok(text) = std::fs::read_to_string(&head) {
        if let Some(reference) = text.trim().strip_prefix("ref: ") {
            let common = git(&["rev-parse", "--git-common-dir"]).map(PathBuf::from);
            for dir in [Some(git_dir.clone()), common].into_iter().flatten() {
                // A packed ref lives in `packed-refs` instead of its own file.
                for path in [dir.join(reference), dir.join("packed-refs")] {
                    if path.exists() {
                        println!("cargo:rerun-if-changed={}", path.display());
                    }
                }
            }
        }
    }
    let rev = git(&["rev-parse", "--short=12", "HEAD"])?;
    Some(rev)
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}
