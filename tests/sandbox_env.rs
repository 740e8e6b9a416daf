//! The environment variables the sandbox reads at open. One test per binary on
//! purpose: it sets process environment, which parallel tests must not race on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bedrockctl::account::sandbox::{self, Sandbox};

#[test]
fn environment_is_read_and_checked_at_open() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("BEDROCKCTL_SANDBOX_FAULTS", "throttle=1.5");
    let e = sandbox::open(dir.path())
        .err()
        .expect("a bad fault spec must fail open");
    assert!(
        e.message.contains("BEDROCKCTL_SANDBOX_FAULTS"),
        "{}",
        e.message
    );
    assert!(e.message.contains("`throttle`"), "{}", e.message);

    std::env::set_var(
        "BEDROCKCTL_SANDBOX_FAULTS",
        "latency_ms=5,throttle=0.25,seed=9",
    );
    std::env::set_var("BEDROCKCTL_SANDBOX_PT_READY_MS", "250");
    let sb = Sandbox::open(dir.path()).unwrap();
    assert_eq!(sb.options().faults.latency_ms, 5);
    assert_eq!(sb.options().faults.seed, 9);
    assert_eq!(sb.options().pt_ready_ms, 250);

    std::env::set_var("BEDROCKCTL_SANDBOX_PT_READY_MS", "soon");
    let e = Sandbox::open(dir.path()).unwrap_err();
    assert!(
        e.message.contains("BEDROCKCTL_SANDBOX_PT_READY_MS"),
        "{}",
        e.message
    );
}
