//! Executing the changes of a plan: dependency order, bounded concurrency per region,
//! idempotency tokens, adopt-by-tag, waiters.
//!
//! Order: the delete half of replacements first (the new resource needs the name), then
//! creates and updates from the bottom of the dependency ladder up (IAM policies → roles
//! → logging that uses a role; guardrail → guardrail version), then deletes from the top
//! down (logging before the role it uses, roles before the policies attached to them).
//! Changes within one step of that ladder are independent and run concurrently.
//!
//! Crash safety: a create carries a token derived from the stack, the address and the
//! desired spec, so a retried or re-run create returns the first one's resource instead
//! of making a second. Kinds without tokens answer a repeated create with "already
//! exists"; the resource is then looked up and, when it carries this stack's tags,
//! adopted rather than recreated.

use super::progress::Reporter;
use super::refresh::Limits;
use crate::account::retry::{with_retry, RetryPolicy};
use crate::account::{Account, AccountError, Kind, Resource};
use crate::plan::applied::stamp;
use crate::plan::diff::{attr_changes, normalized};
use crate::plan::saved::hex;
use crate::plan::{Action, Plan};
use crate::policy::refs::REF_KINDS;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

#[derive(Clone)]
pub struct ExecOptions {
    pub limits: Limits,
    pub retry: RetryPolicy,
    /// How long to wait for a provisioned throughput to be `InService`.
    pub wait_timeout: Duration,
    /// Longest pause between two status polls.
    pub poll_max: Duration,
}

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions {
            limits: Limits::new(4),
            retry: RetryPolicy::default(),
            wait_timeout: Duration::from_secs(30 * 60),
            poll_max: Duration::from_secs(5),
        }
    }
}

/// What happened: addresses done, and failures with their message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub applied: Vec<(String, Action)>,
    pub failures: Vec<(String, String)>,
    /// Changes not attempted because an earlier step failed.
    pub skipped: usize,
}

#[derive(Debug, Clone)]
enum Op {
    Create(Resource),
    Update(Resource, Resource),
    Delete(Resource),
}

#[derive(Debug, Clone)]
struct Step {
    address: String,
    action: Action,
    region: String,
    op: Op,
}

use crate::kinds::RANKS;

fn rank(kind: Kind) -> usize {
    usize::from(crate::kinds::def(kind).rank()).min(RANKS - 1)
}

/// The steps of a plan in stages; each stage runs after the previous one finished.
fn stages(plan: &Plan) -> Vec<Vec<Step>> {
    let mut replace_deletes: [Vec<Step>; RANKS] = Default::default();
    let mut forward: [Vec<Step>; RANKS] = Default::default();
    let mut deletes: [Vec<Step>; RANKS] = Default::default();
    for c in plan.actionable() {
        let r = rank(c.kind);
        let step = |op: Op| Step {
            address: c.address(),
            action: c.action,
            region: c.region.clone(),
            op,
        };
        match (c.action, &c.before, &c.after) {
            (Action::Create, _, Some(a)) => forward[r].push(step(Op::Create(a.clone()))),
            (Action::Update, Some(b), Some(a)) => {
                forward[r].push(step(Op::Update(b.clone(), a.clone())))
            }
            (Action::Replace, Some(b), Some(a)) => {
                replace_deletes[r].push(step(Op::Delete(b.clone())));
                forward[r].push(step(Op::Create(Resource {
                    id: None,
                    ..a.clone()
                })));
            }
            // A pruned guardrail version must be gone before the new one is published
            // (the quota counts both); versions are leaves, so deleting them first is
            // safe for a destroy too.
            (Action::Delete, Some(b), _) if c.kind == Kind::GuardrailVersion => {
                replace_deletes[r].push(step(Op::Delete(b.clone())))
            }
            (Action::Delete, Some(b), _) => deletes[r].push(step(Op::Delete(b.clone()))),
            _ => {}
        }
    }
    // Deletes top rung first, creates and updates bottom rung first.
    replace_deletes
        .into_iter()
        .rev()
        .chain(forward)
        .chain(deletes.into_iter().rev())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Token for a create: same stack, address and desired spec → same token, so a retry
/// after a crash is recognised by the service instead of duplicating the resource.
pub fn idempotency_token(stack: &str, desired: &Resource) -> String {
    let mut h = Sha256::new();
    h.update(stack.as_bytes());
    h.update([0]);
    h.update(desired.address().as_bytes());
    h.update([0]);
    h.update(normalized(desired).spec.to_value().to_string().as_bytes());
    hex(&h.finalize())
}

/// Run every change of `plan`. Stops before the next stage when a stage had failures, so
/// nothing is built on top of a failed step.
pub async fn execute(
    account: Arc<dyn Account>,
    plan: &Plan,
    opts: &ExecOptions,
    reporter: &Reporter,
) -> Outcome {
    let stages = stages(plan);
    let mut out = Outcome::default();
    // ARNs of the resources this run creates, for the placeholders of later stages.
    let mut known = BTreeMap::new();
    let total: usize = stages.iter().map(Vec::len).sum();
    reporter.start(total as u64);
    let mut done = 0usize;
    for (n, stage) in stages.into_iter().enumerate() {
        if !out.failures.is_empty() {
            out.skipped += stage.len();
            continue;
        }
        tracing::info!("stage {}: {} change(s)", n + 1, stage.len());
        let mut set = JoinSet::new();
        for mut step in stage {
            resolve(&mut step, &known);
            let account = account.clone();
            let opts = opts.clone();
            let stack = plan.stack.clone();
            let reporter = reporter.clone();
            set.spawn(async move {
                let sem = opts.limits.region(&step.region);
                let _permit = sem.acquire_owned().await;
                reporter.begin(&step.address, verb(&step.op));
                tracing::debug!("{} {}", verb(&step.op), step.address);
                let r = run_step(account.as_ref(), &stack, &step, &opts).await;
                (step, r)
            });
        }
        while let Some(joined) = set.join_next().await {
            done += 1;
            match joined {
                Ok((step, Ok(note))) => {
                    if let (Op::Create(d), Some(id)) = (&step.op, &note) {
                        if REF_KINDS.contains(&d.kind) && crate::policy::refs::is_ref_id(id) {
                            known.insert(step.address.clone(), id.clone());
                        }
                    }
                    reporter.finish(&step.address, past(&step.op), note.as_deref(), done);
                    if !matches!((step.action, &step.op), (Action::Replace, Op::Delete(_))) {
                        out.applied.push((step.address, step.action));
                    }
                }
                Ok((step, Err(e))) => {
                    reporter.fail(&step.address, &e, done);
                    out.failures.push((step.address, e));
                }
                Err(e) => out.failures.push(("(task)".into(), e.to_string())),
            }
        }
    }
    reporter.done();
    out
}

/// Put the ARNs created so far into the step's desired side (a grant naming a
/// resource created in an earlier stage), then record what will be applied (see
/// plan::applied), so the next plan can tell drift from a config edit.
fn resolve(step: &mut Step, known: &BTreeMap<String, String>) {
    let desired = match &mut step.op {
        Op::Create(d) | Op::Update(_, d) => d,
        Op::Delete(_) => return,
    };
    crate::policy::refs::substitute_spec(&mut desired.spec, known);
    *desired = stamp(desired.clone());
}

fn verb(op: &Op) -> &'static str {
    match op {
        Op::Create(d) if d.kind == Kind::ModelAgreement => {
            "accepting the offer, then waiting until the model is available"
        }
        Op::Create(_) => "creating",
        Op::Update(..) => "updating",
        Op::Delete(_) => "destroying",
    }
}

fn past(op: &Op) -> &'static str {
    match op {
        Op::Create(_) => "created",
        Op::Update(..) => "updated",
        Op::Delete(_) => "destroyed",
    }
}

/// One step, retried; `Ok(note)` carries an id or remark for the progress line.
async fn run_step(
    account: &dyn Account,
    stack: &str,
    step: &Step,
    opts: &ExecOptions,
) -> Result<Option<String>, String> {
    let fmt = |e: AccountError| format!("{e}");
    if let Op::Create(d) | Op::Update(_, d) = &step.op {
        if let Some(addr) = crate::policy::refs::spec_placeholder(&d.spec) {
            return Err(format!(
                "refers to `{addr}`, whose ARN is not known: it was neither in the account when planned nor created by this apply"
            ));
        }
    }
    let mut resolved = None;
    if let Op::Create(d) | Op::Update(_, d) = &step.op {
        if d.kind == Kind::EnforcedGuardrail {
            let mut d = d.clone();
            super::access::resolve_version(account, &mut d, opts).await?;
            resolved = Some(d);
        }
    }
    match &step.op {
        Op::Create(desired) => {
            let desired = resolved.as_ref().unwrap_or(desired);
            let token = idempotency_token(stack, desired);
            let created = match with_retry(&opts.retry, || account.create(desired, &token)).await {
                Ok(r) => r,
                Err(e) if is_already_exists(&e) => adopt(account, stack, desired, opts)
                    .await
                    .map_err(|m| format!("{}: {m}", fmt(e)))?,
                Err(e) => return Err(fmt(e)),
            };
            if matches!(
                desired.kind,
                Kind::ProvisionedThroughput | Kind::VpcEndpoint
            ) {
                wait_in_service(account, &created, opts).await?;
            }
            if desired.kind == Kind::ModelAgreement {
                super::access::wait_model_ready(account, desired, opts).await?;
                return Ok(Some("accepted; the model is available".into()));
            }
            if desired.kind == Kind::UseCase {
                super::access::wait_form_models(account, desired, opts).await?;
            }
            let remark = super::record::write(account, stack, desired, &opts.retry).await;
            Ok(remark.or(created.id))
        }
        Op::Update(live, desired) => {
            let desired = resolved.as_ref().unwrap_or(desired);
            if live.kind == Kind::ProvisionedThroughput && !is_settled(live) {
                wait_in_service(account, live, opts).await?;
            }
            let r = with_retry(&opts.retry, || account.update(live, desired))
                .await
                .map_err(fmt)?;
            let remark = super::record::write(account, stack, desired, &opts.retry).await;
            Ok(remark.or(r.id))
        }
        Op::Delete(live) => {
            match with_retry(&opts.retry, || account.delete(live)).await {
                Ok(()) => Ok(None),
                // Gone already (an earlier, interrupted run deleted it): the goal is met.
                Err(e) if e.is_not_found() => Ok(Some("already gone".into())),
                Err(e) => Err(fmt(e)),
            }
        }
    }
}

fn is_already_exists(e: &AccountError) -> bool {
    e.code.contains("AlreadyExists")
        || matches!(
            e.code.as_str(),
            "ConflictException" | "ResourceInUseException"
        )
}

/// A create said "already exists": find the resource; ours (by tags) is adopted and
/// brought to the desired spec, anyone else's is an error.
async fn adopt(
    account: &dyn Account,
    stack: &str,
    desired: &Resource,
    opts: &ExecOptions,
) -> Result<Resource, String> {
    let live = with_retry(&opts.retry, || account.list(desired.kind, &desired.region))
        .await
        .map_err(|e| e.to_string())?;
    let Some(found) = live.into_iter().find(|r| r.name == desired.name) else {
        return Err("and no resource of that name could be found".into());
    };
    if found.stack() != Some(stack) {
        return Err(format!(
            "`{}` exists and is not owned by stack `{stack}`",
            desired.address()
        ));
    }
    if attr_changes(desired.kind, &normalized(&found), &normalized(desired)).is_empty() {
        return Ok(found);
    }
    with_retry(&opts.retry, || account.update(&found, desired))
        .await
        .map_err(|e| e.to_string())
}

fn is_settled(r: &Resource) -> bool {
    r.status
        .as_deref()
        .is_none_or(|s| !s.eq_ignore_ascii_case("creating") && !s.eq_ignore_ascii_case("updating"))
}

/// Poll until a provisioned throughput is `InService`; `Failed` and timeouts are errors.
async fn wait_in_service(
    account: &dyn Account,
    r: &Resource,
    opts: &ExecOptions,
) -> Result<(), String> {
    let Some(id) = r.id.clone() else {
        return Ok(());
    };
    let start = Instant::now();
    let mut pause = Duration::from_millis(50);
    let mut current = r.status.clone();
    loop {
        // A provisioned throughput is `InService`, a VPC endpoint `available`
        // (DescribeVpcEndpoints states; `failed` and `rejected` are final).
        let ready = if r.kind == Kind::VpcEndpoint {
            "available"
        } else {
            "inservice"
        };
        match current.as_deref() {
            Some(s) if s.eq_ignore_ascii_case(ready) => return Ok(()),
            Some(s) if s.eq_ignore_ascii_case("failed") || s.eq_ignore_ascii_case("rejected") => {
                return Err(format!("`{}` failed to provision", r.address()))
            }
            _ => {}
        }
        if start.elapsed() >= opts.wait_timeout {
            return Err(format!(
                "timed out after {}s waiting for `{}` to be `{}` (status `{}`)\n    hint: it may still be provisioning; run apply again later",
                opts.wait_timeout.as_secs(),
                r.address(),
                if r.kind == Kind::VpcEndpoint { "available" } else { "InService" },
                current.as_deref().unwrap_or("unknown")
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(opts.poll_max);
        current = match with_retry(&opts.retry, || account.get(r.kind, &r.region, &id)).await {
            Ok(Some(live)) => live.status,
            Ok(None) => return Err(format!("`{}` disappeared while provisioning", r.address())),
            Err(e) => return Err(e.to_string()),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Change;
    use serde_json::json;

    fn change(kind: Kind, name: &str, action: Action) -> Change {
        let r = Resource {
            kind,
            region: "us-east-1".into(),
            name: name.into(),
            id: Some("x".into()),
            spec: crate::account::spec::Spec::empty(kind),
            tags: Default::default(),
            status: None,
        };
        Change {
            kind,
            region: r.region.clone(),
            name: name.into(),
            action,
            before: (action != Action::Create).then(|| r.clone()),
            after: (action != Action::Delete).then_some(r),
            attrs: vec![],
            adopt: false,
        }
    }

    #[test]
    fn stages_follow_the_dependency_ladder() {
        let plan = Plan {
            changes: vec![
                change(Kind::InvocationLogging, "default", Action::Create),
                change(Kind::IamRole, "r", Action::Create),
                change(Kind::IamPolicy, "p", Action::Create),
                change(Kind::IamPolicy, "old", Action::Delete),
                change(Kind::IamRole, "oldr", Action::Delete),
                change(Kind::ProvisionedThroughput, "pt", Action::Replace),
                change(Kind::VpcEndpoint, "e/bedrock-runtime", Action::Create),
            ],
            ..Plan::default()
        };
        let names: Vec<Vec<String>> = stages(&plan)
            .iter()
            .map(|s| {
                s.iter()
                    .map(|st| format!("{}:{}", verb(&st.op), st.address))
                    .collect()
            })
            .collect();
        assert_eq!(
            names,
            vec![
                vec!["destroying:provisioned_throughput.us-east-1.pt"],
                vec![
                    "creating:iam_policy.us-east-1.p",
                    "creating:provisioned_throughput.us-east-1.pt"
                ],
                // Endpoints after what their policies name, before the roles naming them.
                vec!["creating:vpc_endpoint.us-east-1.e/bedrock-runtime"],
                vec!["creating:iam_role.us-east-1.r"],
                vec!["creating:invocation_logging.us-east-1.default"],
                vec!["destroying:iam_role.us-east-1.oldr"],
                vec!["destroying:iam_policy.us-east-1.old"],
            ]
        );
    }

    #[test]
    fn tokens_are_stable_and_spec_sensitive() {
        let mut r = change(Kind::Guardrail, "g", Action::Create).after.unwrap();
        let a = idempotency_token("s", &r);
        assert_eq!(a, idempotency_token("s", &r));
        assert_ne!(a, idempotency_token("t", &r));
        r.spec = r
            .spec
            .edit(|v| v["blocked_input_message"] = json!("x"))
            .unwrap();
        assert_ne!(a, idempotency_token("s", &r));
    }
}
