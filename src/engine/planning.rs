//! One planning pass: read the account and diff it against the config, overlapping
//! the two. Each (kind, region) list is diffed on the task that read it as soon as it
//! arrives, so the CPU work of a plan hides behind the calls still in flight and the
//! raw list is dropped right there; only guardrail versions (whose ownership follows
//! their guardrail, possibly in another list) and the final ordering wait for the end.

use super::refresh::{join_models, spawn_account_id, spawn_lists, spawn_models};
use super::{ApplyError, ExecOptions, Planned};
use crate::account::{Account, Kind, Resource, TAG_PREVENT_DESTROY};
use crate::config::Config;
use crate::plan::diff::{
    deferral_level, diff_list, finish, is_deferred, known_refs, resolve_refs, Finish, Partial,
    Split,
};
use crate::plan::{desired, Desired, DiffOptions, Scope};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::watch;

/// What a list task needs to diff its list: the desired side, split by list.
struct Handout {
    scope: Scope,
    opts: DiffOptions,
    split: Mutex<Split>,
}

impl Handout {
    fn diff(&self, kind: Kind, region: &str, live: Vec<Resource>) -> Partial {
        let desired = self.split().take(kind, region);
        diff_list(&self.scope, self.opts, desired, live)
    }

    /// The split; a task that panicked holding it left it usable (takes are atomic).
    fn split(&self) -> MutexGuard<'_, Split> {
        self.split.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A list as its task left it.
enum Piece {
    Diffed(Partial),
    /// Guardrail versions, or any list when planning stopped before the desired side
    /// was handed out.
    Raw(Vec<Resource>),
    /// A list whose desired side refers to other lists' resources (`diff::is_deferred`):
    /// diffed once they are all in.
    Deferred(Kind, String, Vec<Resource>),
}

/// Read the account for `cfg` and plan it.
pub async fn plan_config(
    account: Arc<dyn Account>,
    cfg: &Config,
    opts: DiffOptions,
    exec: &ExecOptions,
) -> Result<Planned, ApplyError> {
    let scope = Scope::from_config(cfg);
    // The desired side names the account (role and policy ARNs). With an account pin,
    // the lists are diffed against it before the account id has even arrived; if the
    // credentials turn out to be for another account (which `apply` then refuses), the
    // pass is repeated for the real one so the plan still shows the truth.
    let pin = scope.account_pin.clone();
    let (planned, actual) = pass(account.clone(), cfg, &scope, opts, exec, pin.clone()).await?;
    let mut planned = match pin {
        Some(pin) if pin != actual => {
            tracing::info!(
                "the credentials are for account {actual}, not the pinned {pin}: planning again for {actual}"
            );
            let (planned, _) = pass(account.clone(), cfg, &scope, opts, exec, Some(actual)).await?;
            planned
        }
        _ => planned,
    };
    if !opts.destroy {
        check_custom_models(account.as_ref(), cfg, exec, &mut planned).await?;
    }
    super::access::plan_into(
        account.as_ref(),
        cfg,
        exec,
        opts.destroy,
        opts.refresh_only,
        &mut planned,
    )
    .await?;
    Ok(planned)
}

/// A provisioned throughput naming a custom model (its ARN) needs that model in the
/// account: checked at plan time (ListCustomModels), a missing one is a conflict, so
/// `plan` exits 1 as the purchase would fail.
async fn check_custom_models(
    account: &dyn Account,
    cfg: &Config,
    exec: &ExecOptions,
    planned: &mut Planned,
) -> Result<(), ApplyError> {
    let wanted: Vec<_> = cfg
        .provisioned_throughput
        .iter()
        .flatten()
        .filter(|p| p.model.value.contains(":custom-model/"))
        .collect();
    let regions: BTreeSet<&str> = wanted.iter().map(|p| p.region.value.as_str()).collect();
    let mut known = BTreeSet::new();
    for region in regions {
        let models = crate::account::retry::with_retry(&exec.retry, || {
            account.list(Kind::CustomModel, region)
        })
        .await
        .map_err(|e| ApplyError::read(&format!("`custom_model` in `{region}`"), e))?;
        known.extend(models.into_iter().filter_map(|m| m.id));
    }
    for p in wanted {
        if !known.contains(&p.model.value) {
            planned.plan.conflicts.push(crate::plan::Conflict {
                address: format!("provisioned_throughput.{}.{}", p.region.value, p.name.value),
                owner: cfg.stack.value.clone(),
                reason: Some(format!(
                    "custom model `{}` is not in the account (`bedrockctl models --custom --region {}` lists them)",
                    p.model.value, p.region.value
                )),
            });
        }
    }
    Ok(())
}

/// One read of the account and its plan, against the desired side for `assumed` (the
/// account id the config is built for; read first when `None`). Also returns the
/// account id the credentials are for.
async fn pass(
    account: Arc<dyn Account>,
    cfg: &Config,
    scope: &Scope,
    opts: DiffOptions,
    exec: &ExecOptions,
    assumed: Option<String>,
) -> Result<(Planned, String), ApplyError> {
    let (tx, rx) = watch::channel(None::<Arc<Handout>>);
    let id_task = spawn_account_id(&account, exec.retry);
    let mut lists = spawn_lists(
        &account,
        scope,
        &exec.limits,
        exec.retry,
        move |kind, region, live| {
            let mut rx = rx.clone();
            async move {
                let handout = match rx.wait_for(Option::is_some).await {
                    Ok(h) => h.clone(),
                    Err(_) => None,
                };
                match handout {
                    Some(_) if is_deferred(kind) => Piece::Deferred(kind, region, live),
                    Some(h) if kind != Kind::GuardrailVersion => {
                        Piece::Diffed(h.diff(kind, &region, live))
                    }
                    _ => Piece::Raw(live),
                }
            }
        },
    );
    let mut models = spawn_models(&account, scope, &exec.limits, exec.retry);

    let hand_out = |d: Desired| {
        let protected: BTreeSet<String> = d
            .resources
            .iter()
            .filter(|r| r.tags.get(TAG_PREVENT_DESTROY).map(String::as_str) == Some("true"))
            .map(|r| r.address())
            .collect();
        let mut split = Split::new(d.resources, d.normalized);
        let versions = std::mem::take(&mut split.versions);
        let handout = Arc::new(Handout {
            scope: scope.clone(),
            opts,
            split: Mutex::new(split),
        });
        tx.send_replace(Some(handout.clone()));
        (protected, versions, handout)
    };
    let (account_id, handed) = match assumed {
        Some(id) => {
            let handed = hand_out(normalized_desired(cfg, &id));
            (id_task.await, Some(handed))
        }
        None => {
            let account_id = id_task.await;
            let handed = match &account_id {
                Ok(Ok(id)) => Some(hand_out(normalized_desired(cfg, id))),
                // Reported below, after any failed list (those name the call that failed).
                _ => None,
            };
            (account_id, handed)
        }
    };
    // Without a desired side, the lists come back raw instead of waiting for one.
    drop(tx);

    let mut parts = Vec::with_capacity(lists.len());
    let mut live_versions = Vec::new();
    let mut deferred = Vec::new();
    while let Some(r) = lists.join_next().await {
        match r.map_err(|e| ApplyError::Internal(e.to_string()))?? {
            Piece::Diffed(p) => parts.push(p),
            Piece::Deferred(kind, region, live) => deferred.push((kind, region, live)),
            Piece::Raw(mut live) => {
                live.retain(|r| {
                    r.kind == Kind::GuardrailVersion && scope.covers(r.kind, &r.region)
                });
                live_versions.append(&mut live);
            }
        }
    }
    let models = join_models(&mut models).await?;
    let account_id = account_id.map_err(|e| ApplyError::Internal(e.to_string()))??;
    let Some((protected, desired_versions, handout)) = handed else {
        return Err(ApplyError::Internal("no desired side to plan".into()));
    };
    // Level by level (`diff::deferral_level`), as `plan::diff` does.
    deferred.sort_by_key(|(kind, ..)| deferral_level(*kind));
    let mut level = None;
    let mut known = known_refs(&parts);
    for (kind, region, live) in deferred {
        if level.is_some_and(|l| l != deferral_level(kind)) {
            known = known_refs(&parts);
        }
        level = Some(deferral_level(kind));
        let desired = resolve_refs(handout.split().take(kind, &region), &known);
        parts.push(diff_list(scope, opts, desired, live));
    }
    // Desired resources no list task took (a (kind, region) the scope does not list):
    // creates, as `plan::diff` would plan them.
    let left = std::mem::take(&mut handout.split().lists);
    let known = known_refs(&parts);
    for ((kind, _), desired) in left {
        let desired = if is_deferred(kind) {
            resolve_refs(desired, &known)
        } else {
            desired
        };
        parts.push(diff_list(scope, opts, desired, Vec::new()));
    }
    let (plan, snapshot) = finish(
        scope,
        opts,
        Finish {
            account_id: account_id.clone(),
            parts,
            desired_versions,
            live_versions,
            models,
        },
    );
    let planned = Planned {
        scope: scope.clone(),
        protected,
        snapshot,
        plan,
    };
    Ok((planned, account_id))
}

fn normalized_desired(cfg: &Config, account_id: &str) -> Desired {
    let mut d = desired(cfg, account_id);
    d.normalize();
    d
}
