//! The applied record of kinds that cannot be tagged, kept on the stack role they use
//! (see `plan::applied`): written after apply changed the resource, read back before
//! planning compares it.

use crate::account::retry::{with_retry, RetryPolicy};
use crate::account::{Account, Kind, Resource, GLOBAL};
use crate::plan::applied::{fingerprint, record_holder, record_key, TAG_APPLIED};
use std::collections::BTreeMap;

/// The holder role of `r`, when it is a role of `stack`.
async fn holder(
    account: &dyn Account,
    stack: &str,
    r: &Resource,
    retry: &RetryPolicy,
) -> Option<Resource> {
    let name = record_holder(r)?;
    let role = with_retry(retry, || account.get(Kind::IamRole, GLOBAL, &name))
        .await
        .ok()
        .flatten()?;
    (role.stack() == Some(stack)).then_some(role)
}

/// Copy the records of `stack`'s roles onto the untaggable resources of `live` as their
/// applied tag, so that `plan::applied::origin` can classify them. A resource without a
/// readable record stays without the tag (unverified).
pub(crate) async fn attach(
    account: &dyn Account,
    stack: &str,
    live: &mut [Resource],
    retry: &RetryPolicy,
) {
    for r in live.iter_mut() {
        let Some(role) = holder(account, stack, r, retry).await else {
            continue;
        };
        if let Some(fp) = role.tags.get(&record_key(r.kind, &r.region)) {
            r.tags.insert(TAG_APPLIED.to_string(), fp.clone());
        }
    }
}

/// After `applied` (the desired side of a create or update) was written: record its
/// fingerprint on its holder role. Returns a remark when no record could be written,
/// which only means the next plan cannot tell drift from an edit for it.
pub(crate) async fn write(
    account: &dyn Account,
    stack: &str,
    applied: &Resource,
    retry: &RetryPolicy,
) -> Option<String> {
    record_holder(applied)?;
    let Some(role) = holder(account, stack, applied, retry).await else {
        return Some("no stack role to record the applied state on".into());
    };
    let fp = fingerprint(applied.kind, &applied.spec, &BTreeMap::new());
    let key = record_key(applied.kind, &applied.region);
    if role.tags.get(&key) == Some(&fp) {
        return None;
    }
    let mut tagged = role.clone();
    tagged.tags.insert(key, fp);
    match with_retry(retry, || account.update(&role, &tagged)).await {
        Ok(_) => None,
        Err(e) => {
            tracing::warn!(
                "could not record what was applied to `{}`: {e}",
                applied.address()
            );
            Some(format!("applied state not recorded: {e}"))
        }
    }
}
