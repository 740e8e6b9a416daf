//! Reading the live account for a [`Scope`]: every (kind, region) list and model status
//! the scope names, concurrently with a bound per region, retried on throttling.
//!
//! This is the I/O half of planning; `plan` itself only sees the resulting [`Snapshot`].
//! Nothing outside the scope is read, so an unmanaged kind calls no API at all.

use super::retry::{with_retry, RetryPolicy};
use super::ApplyError;
use crate::account::{Account, Kind, Resource};
use crate::plan::{Scope, Snapshot};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

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
    let id_task = {
        let account = account.clone();
        tokio::spawn(async move {
            with_retry(&retry, || account.account_id())
                .await
                .map_err(|e| ApplyError::read("account id", e))
        })
    };

    let mut lists: JoinSet<Result<Vec<Resource>, ApplyError>> = JoinSet::new();
    for (kind, region) in &scope.lists {
        let (kind, region) = (*kind, region.clone());
        let account = account.clone();
        let sem = limits.region(&region);
        lists.spawn(async move {
            let _permit = sem.acquire_owned().await;
            with_retry(&retry, || account.list(kind, &region))
                .await
                .map_err(|e| ApplyError::read(&format!("`{kind}` in `{region}`"), e))
        });
    }
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

    let mut snap = Snapshot::default();
    while let Some(r) = lists.join_next().await {
        let mut rs = r.map_err(|e| ApplyError::Internal(e.to_string()))??;
        snap.resources.append(&mut rs);
    }
    while let Some(r) = models.join_next().await {
        snap.models
            .push(r.map_err(|e| ApplyError::Internal(e.to_string()))??);
    }
    snap.account_id = id_task
        .await
        .map_err(|e| ApplyError::Internal(e.to_string()))??;
    snap.resources
        .sort_by(|a, b| (a.kind, &a.region, &a.name).cmp(&(b.kind, &b.region, &b.name)));
    snap.models
        .sort_by(|a, b| (&a.region, &a.model_id).cmp(&(&b.region, &b.model_id)));
    Ok(snap)
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
        if kind == Kind::ModelAccess {
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
    Ok(refresh(account, &scope, limits, retry).await?.resources)
}
