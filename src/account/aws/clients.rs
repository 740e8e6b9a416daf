//! SDK configuration and clients: one client per service and region, created on
//! first use and reused; one HTTP client (rustls with ring) shared by all.
//!
//! Every client carries the [`Guard`] interceptor, which records each request's
//! service, operation and host (tests read it back) and, when
//! `BEDROCKCTL_LOOPBACK_ONLY` is set, refuses to send a request anywhere but
//! 127.0.0.0/8 or `[::1]`: the test harness sets it, so no test can reach AWS.

use crate::account::AccountError;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;
use aws_types::region::Region;
use aws_types::SdkConfig;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Env var that makes every client refuse non-loopback hosts.
pub const LOOPBACK_ONLY_ENV: &str = "BEDROCKCTL_LOOPBACK_ONLY";

/// Attempts per request (first try included) under the adaptive retry mode.
pub const MAX_ATTEMPTS: u32 = 6;

/// Load the standard credential chain and region (env, `--profile`/`AWS_PROFILE`,
/// SSO, credential_process, IMDS; `AWS_ENDPOINT_URL` is honoured by aws-config).
pub(crate) async fn load_sdk_config(profile: Option<&str>, region: Option<&str>) -> SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(http)
        .retry_config(RetryConfig::adaptive().with_max_attempts(MAX_ATTEMPTS));
    if let Some(p) = profile.filter(|p| !p.is_empty()) {
        loader = loader.profile_name(p);
    }
    if let Some(r) = region.filter(|r| !r.is_empty()) {
        loader = loader.region(Region::new(r.to_string()));
    }
    loader.load().await
}

/// One request as the guard saw it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RequestRecord {
    /// SDK service name (`Bedrock`, `IAM`, `CloudWatch`, …).
    pub service: String,
    /// API operation (`CreateGuardrail`, …).
    pub operation: String,
    /// Host the request was sent to.
    pub host: String,
}

/// Records requests and enforces loopback-only when asked.
#[derive(Debug, Default)]
pub(crate) struct Guard {
    log: Mutex<Vec<RequestRecord>>,
    loopback_only: bool,
}

impl Guard {
    pub(crate) fn from_env() -> Self {
        Guard {
            log: Mutex::new(Vec::new()),
            loopback_only: std::env::var_os(LOOPBACK_ONLY_ENV).is_some_and(|v| !v.is_empty()),
        }
    }

    pub(crate) fn records(&self) -> Vec<RequestRecord> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct GuardInterceptor(pub(crate) Arc<Guard>);

impl Intercept for GuardInterceptor {
    fn name(&self) -> &'static str {
        "BedrockctlGuard"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let host = uri_host(context.request().uri()).to_string();
        let (service, operation) = cfg
            .load::<Metadata>()
            .map(|m| (m.service().to_string(), m.name().to_string()))
            .unwrap_or_default();
        if let Ok(mut log) = self.0.log.lock() {
            log.push(RequestRecord {
                service: service.clone(),
                operation: operation.clone(),
                host: host.clone(),
            });
        }
        if self.0.loopback_only && !is_loopback(&host) {
            return Err(format!(
                "refusing to send {service}:{operation} to `{host}`: {LOOPBACK_ONLY_ENV} allows only loopback hosts"
            )
            .into());
        }
        Ok(())
    }
}

/// The host of an absolute URI (`http://127.0.0.1:5000/x` → `127.0.0.1`).
pub(crate) fn uri_host(uri: &str) -> &str {
    let rest = uri.split_once("://").map_or(uri, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = hostport.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    hostport.split(':').next().unwrap_or("")
}

/// 127.0.0.0/8, `::1` or `localhost`.
pub fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

/// Lazily created clients of one service, by region.
pub(crate) struct ClientMap<C> {
    clients: Mutex<HashMap<String, C>>,
}

impl<C: Clone> ClientMap<C> {
    pub(crate) fn new() -> Self {
        ClientMap {
            clients: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn get_or_create(
        &self,
        region: &str,
        make: impl FnOnce() -> C,
    ) -> Result<C, AccountError> {
        let mut map = self
            .clients
            .lock()
            .map_err(|_| AccountError::new("Client", "InternalError", "client cache poisoned"))?;
        Ok(map.entry(region.to_string()).or_insert_with(make).clone())
    }
}

/// What every service client gets besides the shared [`SdkConfig`].
#[derive(Clone)]
pub(crate) struct ClientExtras {
    pub(crate) interceptors: Vec<SharedInterceptor>,
}

/// `Config::builder` for one service from the shared config, region and extras.
macro_rules! service_client {
    ($krate:ident, $sdk:expr, $region:expr, $extras:expr) => {{
        let mut b = $krate::config::Builder::from($sdk)
            .region(aws_types::region::Region::new($region.to_string()));
        for i in &$extras.interceptors {
            b.push_interceptor(i.clone());
        }
        $krate::Client::from_conf(b.build())
    }};
}
pub(crate) use service_client;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_parsed_from_uris() {
        assert_eq!(uri_host("http://127.0.0.1:5000/x?y"), "127.0.0.1");
        assert_eq!(
            uri_host("https://bedrock.us-east-1.amazonaws.com/guardrails"),
            "bedrock.us-east-1.amazonaws.com"
        );
        assert_eq!(uri_host("http://[::1]:8080/"), "::1");
        assert_eq!(uri_host("http://user:pw@localhost:1/"), "localhost");
    }

    #[test]
    fn loopback_is_recognised() {
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("127.8.9.10"));
        assert!(is_loopback("::1"));
        assert!(is_loopback("localhost"));
        assert!(!is_loopback("10.0.0.1"));
        assert!(!is_loopback("iam.amazonaws.com"));
        assert!(!is_loopback(""));
    }
}
