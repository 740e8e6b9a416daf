//! Running the config's `access_checks` against an account: the offline evaluator on
//! the desired policies (plus the live policies of principals the config does not
//! define), compared with IAM's SimulatePrincipalPolicy when asked.
//!
//! `bedrockctl check` and the end of `apply` share this, so both prove access the same
//! way (design.md: `apply` exits 3 when the changes were made but a check fails).

use crate::account::retry::{with_retry, RetryPolicy};
use crate::account::{Account, AccountError, Kind};
use crate::check::access::{self, AccessModel, CheckResult, DEFAULT_ACCOUNT};
use crate::config::Config;
use crate::policy::StackRefs;
use std::collections::BTreeSet;

/// The access model of a config: desired roles and policies, the account id, and the
/// organization's SCPs (from the config, else from the account when it is open).
pub async fn access_model(
    cfg: &Config,
    account: Option<&dyn Account>,
) -> Result<AccessModel, AccountError> {
    // Throttling and 5xx are retried here as in refresh: a check is not a failure
    // because the account was busy.
    let retry = RetryPolicy::default();
    let account_id = match (&cfg.account.id, account) {
        (Some(id), _) => id.value.clone(),
        (None, Some(acct)) => with_retry(&retry, || acct.account_id()).await?,
        (None, None) => DEFAULT_ACCOUNT.to_string(),
    };
    let org = match (account, &cfg.organization) {
        (Some(acct), None) => with_retry(&retry, || acct.org_policies()).await?,
        _ => None,
    };
    let refs = match account {
        Some(acct) => stack_refs(cfg, acct).await?,
        None => StackRefs::none(),
    };
    let mut model = AccessModel::from_config_with(cfg, &account_id, org.as_ref(), refs);
    if let Some(acct) = account {
        for c in &cfg.access_checks {
            if model.find(&c.principal.value).is_none() && c.principal.value.starts_with("arn:") {
                let arn = c.principal.value.as_str();
                model.add_live_principal(
                    &with_retry(&retry, || acct.principal_policies(arn)).await?,
                );
            }
        }
    }
    Ok(model)
}

/// The live ARNs of the stack's guardrails, provisioned throughputs and inference
/// profiles: what grants naming them resolve to (see `policy::refs`).
pub async fn stack_refs(cfg: &Config, account: &dyn Account) -> Result<StackRefs, AccountError> {
    let retry = RetryPolicy::default();
    let mut lists: BTreeSet<(Kind, &str)> = BTreeSet::new();
    for g in cfg.guardrails.iter().flatten() {
        lists.extend(
            g.regions
                .iter()
                .map(|r| (Kind::Guardrail, r.value.as_str())),
        );
    }
    for p in cfg.provisioned_throughput.iter().flatten() {
        lists.insert((Kind::ProvisionedThroughput, p.region.value.as_str()));
    }
    for p in cfg.inference_profiles.iter().flatten() {
        lists.insert((Kind::InferenceProfile, p.region.value.as_str()));
    }
    let mut live = Vec::new();
    for (kind, region) in lists {
        live.extend(with_retry(&retry, || account.list(kind, region)).await?);
    }
    Ok(StackRefs::from_live(&cfg.stack.value, &live))
}

/// Every check, offline; with `simulate`, each also asked of IAM's simulator.
pub async fn run_access_checks(
    cfg: &Config,
    model: &AccessModel,
    account: Option<&dyn Account>,
    simulate: bool,
) -> Result<Vec<CheckResult>, AccountError> {
    let retry = RetryPolicy::default();
    let mut results = Vec::with_capacity(cfg.access_checks.len());
    for c in &cfg.access_checks {
        let mut r = access::run_check(model, c);
        if let (true, Some(acct)) = (simulate, account) {
            let mut answers = Vec::new();
            for q in access::simulate_requests(model, c) {
                answers.push(with_retry(&retry, || acct.simulate(&q)).await?);
            }
            access::apply_simulation(&mut r, &answers);
        }
        results.push(r);
    }
    Ok(results)
}

/// What the checks after an apply found.
#[derive(Debug, Clone, Default)]
pub struct ChecksOutcome {
    pub results: Vec<CheckResult>,
    /// Why the simulator could not be asked (the offline verdicts still stand).
    pub simulate_error: Option<String>,
}

impl ChecksOutcome {
    pub fn any_failed(&self) -> bool {
        self.results.iter().any(|r| !r.pass)
    }
}

/// Run the config's `access_checks` against the account as it is after the apply,
/// offline and with the simulator; a simulator that cannot be reached (no permission,
/// no support) degrades to the offline verdicts with a note.
pub async fn post_apply_checks(
    cfg: &Config,
    account: &dyn Account,
) -> Result<ChecksOutcome, AccountError> {
    if cfg.access_checks.is_empty() {
        return Ok(ChecksOutcome::default());
    }
    let model = access_model(cfg, Some(account)).await?;
    match run_access_checks(cfg, &model, Some(account), true).await {
        Ok(results) => Ok(ChecksOutcome {
            results,
            simulate_error: None,
        }),
        Err(e) => Ok(ChecksOutcome {
            results: run_access_checks(cfg, &model, None, false).await?,
            simulate_error: Some(e.to_string()),
        }),
    }
}
