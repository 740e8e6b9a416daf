//! Retries with exponential backoff and full jitter for retryable account errors
//! (throttling, 5xx). Anything else is returned at once: retrying a validation error
//! only delays the message.

use crate::account::AccountError;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 12,
            base: Duration::from_millis(25),
            cap: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// Delay before retry number `attempt` (1-based): uniform in [0, min(cap, base·2^n)].
    pub fn delay(&self, attempt: u32) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX));
        let ceiling = exp.min(self.cap).as_millis() as u64;
        Duration::from_millis(jitter(ceiling.max(1)))
    }
}

/// Run `f` until it succeeds, fails with a non-retryable error, or attempts run out.
pub async fn with_retry<T, F, Fut>(policy: &RetryPolicy, mut f: F) -> Result<T, AccountError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AccountError>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match f().await {
            Err(e) if e.is_retryable() && attempt < policy.max_attempts => {
                let delay = policy.delay(attempt);
                tracing::debug!(
                    "{} failed with {} (attempt {attempt}); retrying in {} ms",
                    e.operation,
                    e.code,
                    delay.as_millis()
                );
                tokio::time::sleep(delay).await;
            }
            other => return other,
        }
    }
}

static RNG: AtomicU64 = AtomicU64::new(0);

/// A uniform number in `0..=max`. Jitter only has to decorrelate callers, so a
/// time-and-pid seeded xorshift is enough and keeps `rand` out of the dependency tree.
fn jitter(max: u64) -> u64 {
    let mut x = RNG.load(Ordering::Relaxed);
    if x == 0 {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        x = t ^ (u64::from(std::process::id()) << 32) | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    RNG.store(x, Ordering::Relaxed);
    x % (max + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    #[tokio::test]
    async fn retries_throttling_then_succeeds() {
        let calls = AtomicU32::new(0);
        let p = RetryPolicy {
            base: Duration::from_millis(1),
            ..RetryPolicy::default()
        };
        let r = with_retry(&p, || async {
            if calls.fetch_add(1, Ordering::SeqCst) < 3 {
                Err(AccountError::new("X", "ThrottlingException", "slow down"))
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn validation_errors_are_not_retried() {
        let calls = AtomicU32::new(0);
        let r: Result<(), _> = with_retry(&RetryPolicy::default(), || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(AccountError::validation("X", "bad"))
        })
        .await;
        assert!(r.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn delay_is_capped() {
        let p = RetryPolicy::default();
        for a in 1..30 {
            assert!(p.delay(a) <= p.cap);
        }
    }
}
