//! Reading the live account for a [`Scope`]: every (kind, region) list and model status
//! the scope names, concurrently with a bound per region, retried on throttling.
//!
//! This is the I/O half of planning; `plan` itself only sees the resulting [`Snapshot`].
//! Nothing outside the scope is read, so an unmanaged kind calls no API at all.

use super::ApplyError;
use crate::account::retry::{with_retry, RetryPolicy};
use crate::account::{Account, Kind, ModelStatus, Resource};
use crate::plan::{Scope, Snapshot};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::{JoinHandle, JoinSet};

/// Per-region limits shared by every task of one run.
#[derive(Clone)]
pub struct Limits {
    per_region: usize,
    sems: Arc<std::sync::Mutex<HashMap<String, Arc<Semaphore>>>>,
}

impl Limits {
    pub fn new(per_region: usize) -> Self {
        Limits {
            per_region: per_region.max(1),
            sems: Arc::default(),
        }
    }

    pub fn per_region(&self) -> usize {
        self.per_region
    }

    pub fn region(&self, region: &str) -> Arc<Semaphore> {
        let mut m = match self.sems.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        m.entry(region.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_region)))
            .clone()
    }
}

/// Read everything the scope covers.
pub async fn refresh(
    account: Arc<dyn Account>,
    scope: &Scope,
    limits: &Limits,
    retry: RetryPolicy,
) -> Result<Snapshot, ApplyError> {
    // The account id is independent of the lists: ask for it alongside them.
    let id_task = spawn_account_id(&account, retry);
    let mut lists = spawn_lists(&account, scope, limits, retry, |_, _, list| async { list });
    let mut models = spawn_models(&account, scope, limits, retry);

    let mut snap = Snapshot::default();
    while let Some(r) = lists.join_next().await {
        let mut rs = r.map_err(|e| ApplyError::Internal(e.to_string()))??;
        snap.resources.append(&mut rs);
    }
    snap.models = join_models(&mut models).await?;
    snap.account_id = id_task
        .await
        .map_err(|e| ApplyError::Internal(e.to_string()))??;
    snap.resources
        .sort_by(|a, b| (a.kind, &a.region, &a.name).cmp(&(b.kind, &b.region, &b.name)));
    Ok(snap)
}

/// Ask for the account id on its own task (it is no region's call).
pub(crate) fn spawn_account_id(
    account: &Arc<dyn Account>,
    retry: RetryPolicy,
) -> JoinHandle<Result<String, ApplyError>> {
    let account = account.clone();
    tokio::spawn(async move {
        with_retry(&retry, || account.account_id())
            .await
            .map_err(|e| ApplyError::read("account id", e))
    })
}

/// One task per (kind, region) list of the scope, each within its region's limit.
/// A task gives its permit back before it hands the list to `then`, so whatever `then`
/// does with it (the plan diffs it there) never holds up the region's next call.
pub(crate) fn spawn_lists<T, F, Fut>(
    account: &Arc<dyn Account>,
    scope: &Scope,
    limits: &Limits,
    retry: RetryPolicy,
    then: F,
) -> JoinSet<Result<T, ApplyError>>
where
    F: Fn(Kind, String, Vec<Resource>) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut lists = JoinSet::new();
    for (kind, region) in &scope.lists {
        let (kind, region) = (*kind, region.clone());
        let account = account.clone();
        let sem = limits.region(&region);
        let then = then.clone();
        let stack = scope.stack.clone();
        lists.spawn(async move {
            let mut list = {
                let _permit = sem.acquire_owned().await;
                let t0 = std::time::Instant::now();
                let list = with_retry(&retry, || account.list(kind, &region))
                    .await
                    .map_err(|e| ApplyError::read(&format!("`{kind}` in `{region}`"), e))?;
                tracing::debug!(
                    "listed {} `{kind}` in `{region}` ({} ms)",
                    list.len(),
                    t0.elapsed().as_millis()
                );
                list
            };
            if kind == Kind::InvocationLogging {
                // Read where apply recorded it (plan::applied), to tell drift from edits.
                super::record::attach(account.as_ref(), &stack, &mut list, &retry).await;
            }
            Ok(then(kind, region, list).await)
        });
    }
    lists
}

/// One task per model status the scope needs, within the region's limit.
pub(crate) fn spawn_models(
    account: &Arc<dyn Account>,
    scope: &Scope,
    limits: &Limits,
    retry: RetryPolicy,
) -> JoinSet<Result<ModelStatus, ApplyError>> {
    let mut models = JoinSet::new();
    for need in &scope.models {
        let account = account.clone();
        let sem = limits.region(&need.region);
        let (region, id) = (need.region.clone(), need.model_id.clone());
        models.spawn(async move {
            let _permit = sem.acquire_owned().await;
            with_retry(&retry, || account.model_status(&region, &id))
                .await
                .map_err(|e| ApplyError::read(&format!("model `{id}` in `{region}`"), e))
        });
    }
    models
}

/// Every model status, ordered by region and model id.
pub(crate) async fn join_models(
    models: &mut JoinSet<Result<ModelStatus, ApplyError>>,
) -> Result<Vec<ModelStatus>, ApplyError> {
    let mut out = Vec::with_capacity(models.len());
    while let Some(r) = models.join_next().await {
        out.push(r.map_err(|e| ApplyError::Internal(e.to_string()))??);
    }
    out.sort_by(|a, b| (&a.region, &a.model_id).cmp(&(&b.region, &b.model_id)));
    Ok(out)
}

/// Every resource of the given kinds in the given regions (IAM kinds in `global`), for
/// `import`. Model access is reported per model by `model_status`, not listed here.
pub async fn inventory(
    account: Arc<dyn Account>,
    regions: &[String],
    limits: &Limits,
    retry: RetryPolicy,
) -> Result<Vec<Resource>, ApplyError> {
    let mut scope = Scope::default();
    for kind in Kind::ALL {
        if super::access::is_access_kind(kind) {
            continue;
        }
        if kind.is_global() {
            scope
                .lists
                .insert((kind, crate::account::GLOBAL.to_string()));
        } else {
            for r in regions {
                scope.lists.insert((kind, r.clone()));
            }
        }
    }
    let access = super::access::inventory(account.as_ref(), regions, retry).await?;
    let mut resources = refresh(account, &scope, limits, retry).await?.resources;
    resources.extend(access);
    Ok(resources)
}
