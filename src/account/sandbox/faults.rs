//! Fault injection for the sandbox: `BEDROCKCTL_SANDBOX_FAULTS=
//! "latency_ms=50,throttle=0.3,error5xx=0.05,seed=7"`.
//!
//! Every sandbox API call first waits `latency_ms`, then draws one number from a
//! splitmix64 stream keyed by `seed` and the call's position in this handle's call
//! sequence: below `throttle` it fails with `ThrottlingException`, below
//! `throttle + error5xx` with `InternalServerException`. The same seed and the same
//! sequence of calls give the same faults, run after run. Faults fire before the state
//! is touched, so a failed call never half-applies.
//!
//! It does not model partial failures (a call that changes state and then reports an
//! error); the real services rarely do that for these operations.

use crate::account::AccountError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub const ENV: &str = "BEDROCKCTL_SANDBOX_FAULTS";

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaultConfig {
    pub latency_ms: u64,
    pub throttle: f64,
    pub error5xx: f64,
    pub seed: u64,
}

impl FaultConfig {
    /// From the environment; unset or empty means no faults.
    pub fn from_env() -> Result<FaultConfig, String> {
        match std::env::var(ENV) {
            Ok(v) => FaultConfig::parse(&v).map_err(|e| format!("invalid `{ENV}`: {e}")),
            Err(std::env::VarError::NotPresent) => Ok(FaultConfig::default()),
            Err(std::env::VarError::NotUnicode(_)) => Err(format!("`{ENV}` is not valid UTF-8")),
        }
    }

    /// `key=value` pairs separated by commas; keys `latency_ms`, `throttle`,
    /// `error5xx`, `seed`.
    pub fn parse(text: &str) -> Result<FaultConfig, String> {
        let mut c = FaultConfig::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` is not `key=value`"))?;
            let (key, value) = (key.trim(), value.trim());
            match key {
                "latency_ms" => {
                    c.latency_ms = value.parse().map_err(|_| {
                        format!(
                            "`latency_ms` must be a whole number of milliseconds, got `{value}`"
                        )
                    })?;
                }
                "throttle" => c.throttle = rate(key, value)?,
                "error5xx" => c.error5xx = rate(key, value)?,
                "seed" => {
                    c.seed = value.parse().map_err(|_| {
                        format!("`seed` must be a non-negative integer, got `{value}`")
                    })?;
                }
                _ => {
                    return Err(format!(
                    "unknown key `{key}` (expected `latency_ms`, `throttle`, `error5xx` or `seed`)"
                ))
                }
            }
        }
        if c.throttle + c.error5xx > 1.0 {
            return Err(format!(
                "`throttle` + `error5xx` must not exceed 1, got `{}`",
                c.throttle + c.error5xx
            ));
        }
        Ok(c)
    }

    pub fn is_active(&self) -> bool {
        self.latency_ms > 0 || self.throttle > 0.0 || self.error5xx > 0.0
    }
}

fn rate(key: &str, value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!(
            "`{key}` must be a rate between 0 and 1, got `{value}`"
        )),
    }
}

/// What a call draws: go ahead, or fail with this error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    Throttle,
    ServerError,
}

/// The per-handle fault stream.
#[derive(Debug, Default)]
pub struct Faults {
    pub config: FaultConfig,
    calls: AtomicU64,
}

impl Faults {
    pub fn new(config: FaultConfig) -> Faults {
        Faults {
            config,
            calls: AtomicU64::new(0),
        }
    }

    /// The fault for call number `n` (0-based); pure, so tests can replay a stream.
    pub fn draw(config: &FaultConfig, n: u64) -> Fault {
        if config.throttle <= 0.0 && config.error5xx <= 0.0 {
            return Fault::None;
        }
        let x = splitmix64(config.seed ^ splitmix64(n));
        // 53 high bits → a uniform f64 in [0, 1).
        let u = (x >> 11) as f64 / (1u64 << 53) as f64;
        if u < config.throttle {
            Fault::Throttle
        } else if u < config.throttle + config.error5xx {
            Fault::ServerError
        } else {
            Fault::None
        }
    }

    /// Wait the configured latency, then fail or not; called at the top of every
    /// operation, before any state is read or written.
    pub async fn before_call(&self, operation: &str) -> Result<(), AccountError> {
        if !self.config.is_active() {
            return Ok(());
        }
        if self.config.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(self.config.latency_ms)).await;
        }
        let n = self.calls.fetch_add(1, Ordering::Relaxed);
        let request_id = Some(format!("sandbox-fault-{:x}-{n}", self.config.seed));
        match Faults::draw(&self.config, n) {
            Fault::None => Ok(()),
            Fault::Throttle => Err(AccountError {
                request_id,
                ..AccountError::new(
                    operation,
                    "ThrottlingException",
                    "Too many requests, please wait before trying again.",
                )
            }),
            Fault::ServerError => Err(AccountError {
                request_id,
                ..AccountError::new(
                    operation,
                    "InternalServerException",
                    "An internal server error occurred. Retry your request.",
                )
            }),
        }
    }
}

/// Sebastiano Vigna's splitmix64 finalizer: a full-period, well-mixed 64-bit hash.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let c = FaultConfig::parse("latency_ms=50,throttle=0.3,error5xx=0.05,seed=7").unwrap();
        assert_eq!(
            c,
            FaultConfig {
                latency_ms: 50,
                throttle: 0.3,
                error5xx: 0.05,
                seed: 7
            }
        );
        assert_eq!(FaultConfig::parse("").unwrap(), FaultConfig::default());
    }

    #[test]
    fn rejects_bad_values_with_the_key_named() {
        for (text, needle) in [
            ("throttle=1.5", "`throttle`"),
            ("throttle=abc", "`throttle`"),
            ("latency_ms=-1", "`latency_ms`"),
            ("seed=x", "`seed`"),
            ("bogus=1", "unknown key `bogus`"),
            ("throttle", "not `key=value`"),
            ("throttle=0.6,error5xx=0.6", "must not exceed 1"),
        ] {
            let e = FaultConfig::parse(text).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn same_seed_same_sequence_and_rates_roughly_hold() {
        let c = FaultConfig::parse("throttle=0.3,error5xx=0.1,seed=7").unwrap();
        let a: Vec<Fault> = (0..2000).map(|n| Faults::draw(&c, n)).collect();
        let b: Vec<Fault> = (0..2000).map(|n| Faults::draw(&c, n)).collect();
        assert_eq!(a, b);
        let other = FaultConfig { seed: 8, ..c };
        let d: Vec<Fault> = (0..2000).map(|n| Faults::draw(&other, n)).collect();
        assert_ne!(a, d);
        let throttles = a.iter().filter(|f| **f == Fault::Throttle).count();
        let errors = a.iter().filter(|f| **f == Fault::ServerError).count();
        assert!((500..700).contains(&throttles), "{throttles}");
        assert!((130..270).contains(&errors), "{errors}");
    }

    #[tokio::test]
    async fn handle_stream_matches_draws() {
        let c = FaultConfig::parse("throttle=0.5,seed=3").unwrap();
        let f = Faults::new(c);
        for n in 0..50 {
            let got = f.before_call("Op").await;
            match Faults::draw(&c, n) {
                Fault::None => assert!(got.is_ok()),
                Fault::Throttle => assert_eq!(got.unwrap_err().code, "ThrottlingException"),
                Fault::ServerError => unreachable!(),
            }
        }
    }
}
