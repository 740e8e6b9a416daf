//! The I/O half of model access (issue 17): reading the agreement offers, the use-case
//! form and the enforced guardrail configurations a config's access plan needs
//! (`plan::access`), and the waits apply does after accepting an agreement.
//!
//! Offers are read only for `access: manage` models that have no agreement yet, so a
//! converged account costs no extra call beyond the model statuses planning reads.

use super::{ApplyError, ExecOptions, Planned};
use crate::account::access::{EnforcedGuardrailSpec, LATEST_VERSION};
use crate::account::retry::{with_retry, RetryPolicy};
use crate::account::spec::{KindSpec, Spec};
use crate::account::{Account, AccountError, Kind, Resource, GLOBAL};
use crate::config::Config;
use crate::plan::access::{
    enforced_guardrails, managed_models, needs_agreement, plan_access, AccessInputs,
};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Read what the access plan needs and merge it into `planned`.
pub async fn plan_into(
    account: &dyn Account,
    cfg: &Config,
    exec: &ExecOptions,
    destroy: bool,
    refresh_only: bool,
    planned: &mut Planned,
) -> Result<(), ApplyError> {
    let managed = managed_models(cfg);
    let enforced = enforced_guardrails(cfg);
    if refresh_only
        || (managed.is_empty() && enforced.is_empty() && cfg.model_access.use_case.is_none())
    {
        return Ok(());
    }
    let mut inputs = AccessInputs::default();
    if !destroy {
        for (region, id) in &managed {
            let Some(s) = planned
                .snapshot
                .models
                .iter()
                .find(|s| &s.region == region && &s.model_id == id)
            else {
                continue;
            };
            if !needs_agreement(s) {
                continue;
            }
            let offers =
                match with_retry(&exec.retry, || account.agreement_offers(region, id)).await {
                    Ok(o) => Ok(o),
                    Err(e) if e.is_access_denied() || e.is_not_found() => Err(e.to_string()),
                    Err(e) => {
                        return Err(ApplyError::read(
                            &format!("the agreement offers of `{id}` in `{region}`"),
                            e,
                        ))
                    }
                };
            inputs.offers.insert((region.clone(), id.clone()), offers);
        }
        if cfg.model_access.use_case.is_some() {
            let live = with_retry(&exec.retry, || account.list(Kind::UseCase, GLOBAL))
                .await
                .map_err(|e| ApplyError::read("the use-case form", e))?;
            inputs.use_case = live.into_iter().next();
        }
    }
    let regions: BTreeSet<&str> = enforced.iter().map(|(r, _)| r.as_str()).collect();
    for region in regions {
        let mut live = with_retry(&exec.retry, || {
            account.list(Kind::EnforcedGuardrail, region)
        })
        .await
        .map_err(|e| ApplyError::read(&format!("the enforced guardrail in `{region}`"), e))?;
        inputs.enforced.append(&mut live);
    }
    let access = plan_access(
        cfg,
        &planned.snapshot.models,
        &inputs,
        &planned.plan,
        destroy,
    );
    let plan = &mut planned.plan;
    // A managed model's fix is this plan: say so instead of the console route.
    for r in plan.model_readiness.iter_mut().filter(|r| !r.ready) {
        let creates = |kind: Kind, name: Option<&str>| {
            access.changes.iter().any(|c| {
                c.kind == kind
                    && c.action == crate::plan::Action::Create
                    && name.is_none_or(|n| c.region == r.region && c.name == n)
            })
        };
        let fixed_here = match r.problem.as_deref() {
            Some("use-case-form") => creates(Kind::UseCase, None),
            Some("agreement" | "entitlement" | "model-access") => {
                creates(Kind::ModelAgreement, Some(&r.model_id))
            }
            _ => false,
        };
        if fixed_here && managed.contains(&(r.region.clone(), r.model_id.clone())) {
            r.fix = Some("`bedrockctl apply` does it (`access: manage`) and waits until the model is available".into());
        }
    }
    plan.changes.extend(access.changes);
    plan.changes
        .sort_by(|a, b| (a.kind, &a.region, &a.name).cmp(&(b.kind, &b.region, &b.name)));
    plan.conflicts.extend(access.conflicts);
    plan.conflicts.sort_by(|a, b| a.address.cmp(&b.address));
    plan.warnings.extend(access.warnings);
    Ok(())
}

/// After an agreement was accepted: poll GetFoundationModelAvailability until the model
/// is usable (agreement, authorization, entitlement), or time out with what is missing.
pub async fn wait_model_ready(
    account: &dyn Account,
    r: &Resource,
    opts: &ExecOptions,
) -> Result<(), String> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(100);
    loop {
        let s = with_retry(&opts.retry, || account.model_status(&r.region, &r.name))
            .await
            .map_err(|e| e.to_string())?;
        if s.is_ready() {
            return Ok(());
        }
        if s.agreement.as_deref() == Some("ERROR") {
            return Err(format!(
                "the agreement for `{}` in `{}` failed (agreementAvailability ERROR)",
                r.name, r.region
            ));
        }
        if start.elapsed() >= opts.wait_timeout {
            let field = |name: &str, v: &Option<String>| {
                format!("{name} {}", v.as_deref().unwrap_or("unknown"))
            };
            let hint = if s.authorization.as_deref() == Some("NOT_AUTHORIZED")
                && crate::account::access::needs_use_case_form(&r.name)
            {
                "the Anthropic use-case form may still be under review; run apply again later"
            } else {
                "access may take a few minutes to propagate; run apply again later"
            };
            return Err(format!(
                "timed out after {}s waiting for `{}` to be available in `{}` ({}, {}, {})\n    hint: {hint}",
                opts.wait_timeout.as_secs(),
                r.name,
                r.region,
                field("agreement", &s.agreement),
                field("authorization", &s.authorization),
                field("entitlement", &s.entitlement),
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(opts.poll_max);
    }
}

/// After the use-case form: wait for the models that lacked only the form.
pub async fn wait_form_models(
    account: &dyn Account,
    desired: &Resource,
    opts: &ExecOptions,
) -> Result<(), String> {
    let Some(spec) = crate::account::access::UseCaseSpec::of(&desired.spec) else {
        return Ok(());
    };
    for w in &spec.wait_for {
        let Some((region, model)) = w.split_once('/') else {
            continue;
        };
        let r = Resource {
            kind: Kind::ModelAgreement,
            region: region.to_string(),
            name: model.to_string(),
            id: None,
            spec: Spec::empty(Kind::ModelAgreement),
            tags: Default::default(),
            status: None,
        };
        wait_model_ready(account, &r, opts).await?;
    }
    Ok(())
}

/// An enforced guardrail whose version is published by this apply: the highest version
/// of its guardrail, read now that the versions stage ran.
pub async fn resolve_version(
    account: &dyn Account,
    desired: &mut Resource,
    opts: &ExecOptions,
) -> Result<(), String> {
    if desired.kind != Kind::EnforcedGuardrail {
        return Ok(());
    }
    let Some(mut spec) = EnforcedGuardrailSpec::of(&desired.spec).cloned() else {
        return Ok(());
    };
    if spec.version != LATEST_VERSION {
        return Ok(());
    }
    let prefix = format!("{}:", spec.guardrail);
    let versions = with_retry(&opts.retry, || {
        account.list(Kind::GuardrailVersion, &desired.region)
    })
    .await
    .map_err(|e: AccountError| e.to_string())?;
    let latest = versions
        .iter()
        .filter_map(|v| v.id.as_deref().and_then(|id| id.strip_prefix(&prefix)))
        .filter_map(|n| n.parse::<u64>().ok())
        .max()
        .ok_or_else(|| {
            format!(
                "guardrail `{}` has no published version to enforce",
                spec.guardrail
            )
        })?;
    spec.version = latest.to_string();
    desired.spec = spec.into();
    Ok(())
}

/// The kinds of this module.
pub fn is_access_kind(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::ModelAgreement | Kind::UseCase | Kind::EnforcedGuardrail
    )
}

/// `import`'s rows of the access kinds. Credentials made for an older policy may not
/// read them: a denied read is skipped with a warning, so the rest of the inventory
/// still comes out.
pub async fn inventory(
    account: &dyn Account,
    regions: &[String],
    retry: RetryPolicy,
) -> Result<Vec<Resource>, ApplyError> {
    let mut lists: Vec<(Kind, String)> = vec![(Kind::UseCase, GLOBAL.to_string())];
    for r in regions {
        lists.push((Kind::ModelAgreement, r.clone()));
        lists.push((Kind::EnforcedGuardrail, r.clone()));
    }
    let mut out = Vec::new();
    for (kind, region) in lists {
        match with_retry(&retry, || account.list(kind, &region)).await {
            Ok(mut rs) => out.append(&mut rs),
            Err(e) if e.is_access_denied() => {
                eprintln!("warning: `{kind}` in `{region}` is not readable with these credentials, left out: {e}");
            }
            Err(e) => return Err(ApplyError::read(&format!("`{kind}` in `{region}`"), e)),
        }
    }
    Ok(out)
}
