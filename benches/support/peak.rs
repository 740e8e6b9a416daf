//! Peak resident memory of one run of the bedrockctl binary, as a user sees it.
//!
//! The binary is started from a fresh child of the bench (the bench re-executed with
//! [`ARGS_ENV`] set): a process spawned straight from the bench would report the
//! bench's own peak, since Linux carries the peak RSS over a vfork + exec.

use std::path::Path;
use std::time::{Duration, Instant};

/// Set in the re-executed bench: the bedrockctl arguments, space-separated.
pub const ARGS_ENV: &str = "BEDROCKCTL_BENCH_PEAK_ARGS";
const DIR_ENV: &str = "BEDROCKCTL_BENCH_PEAK_DIR";

/// In the re-executed bench: run the binary, print its peak, and say so.
pub fn child_main() -> bool {
    let (Some(args), Some(dir)) = (std::env::var_os(ARGS_ENV), std::env::var_os(DIR_ENV)) else {
        return false;
    };
    let args = args.to_string_lossy().into_owned();
    let args: Vec<&str> = args.split_whitespace().collect();
    let (kb, wall) = binary_peak(Path::new(&dir), &args);
    println!("wall_ms={} peak_rss_kb={kb}", wall.as_millis());
    true
}

/// `bedrockctl ARGS` run in `dir` from a fresh child of this bench: what it printed.
pub fn measure(dir: &Path, args: &str) -> String {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env(ARGS_ENV, args)
        .env(DIR_ENV, dir)
        .output()
        .unwrap();
    printed(&out)
}

/// What a child process printed, stdout then stderr, trimmed.
pub fn printed(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout).trim(),
        String::from_utf8_lossy(&out.stderr).trim()
    )
}

/// Peak resident set (kB, from the child's rusage) and wall time of one run.
// Reaped with wait4 (for its rusage), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn binary_peak(dir: &Path, args: &[&str]) -> (i64, Duration) {
    let t0 = Instant::now();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_bedrockctl"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = i32::try_from(child.id()).unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value to be overwritten; wait4 reaps our
    // own child, which `child` (never waited on through std) still names.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "bedrockctl {args:?} failed: status {status}"
    );
    (usage.ru_maxrss, t0.elapsed())
}
