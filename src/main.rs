//! The `bedrockctl` binary: parse arguments, dispatch, map results to exit codes.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    limit_malloc_arenas();
    cli::main()
}

/// glibc gives each thread that allocates its own arena, and memory freed in one is not
/// reused by the others. Planning builds large trees on tokio's workers and on the main
/// thread in turn, so with an arena per thread a 10,000-resource plan kept far more
/// memory resident than it used (measured on a debug build: 188 MB peak with glibc's
/// default, 132 MB with one arena). Our few threads barely contend for the allocator.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only sets an allocator parameter; it runs before any other thread
    // exists, and a refused value leaves glibc's default in place.
    // `iam eval` spreads documents over worker threads that each allocate a lot; one
    // arena would serialize them (measured: two workers slower than one).
    let mut args = std::env::args().skip(1);
    let iam_eval = args.any(|a| a == "iam") && args.next().as_deref() == Some("eval");
    unsafe {
        if !iam_eval {
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
        // Large buffers (a growing vector of 10,000 changes, a state file's bytes) get
        // their own mapping, returned whole when freed, instead of leaving holes in the
        // heap that count as resident: 10,000-resource plan 91 -> 83 MB peak RSS.
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
