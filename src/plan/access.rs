//! Model access as declared state (issue 17), planned: the agreements to accept for
//! `access: manage` models, the use-case form, and each region's enforced guardrail.
//!
//! Pure: the caller (`engine::access`) reads the offers, the form and the enforced
//! configurations, and hands them in with the model statuses and the main plan. The
//! result is changes of kinds `model_agreement`, `use_case` and `enforced_guardrail`
//! (executed like any other), plus conflicts apply would refuse on:
//! - an agreement to accept without `accept_agreements: true` (a legal act, a whole
//!   refusal whose message says `agreement`);
//! - an Anthropic model to enable with no `use_case:` form to submit.
//!
//! Agreements and the form belong to the account, not the stack: removing a model or
//! `destroy` leaves them, unless `revoke_agreements_on_destroy: true` (agreements; the
//! form cannot be deleted). The enforced guardrail of a region is owned while a
//! guardrail of the config says `enforce: account`.

use super::{Action, Change, Conflict, Plan};
use crate::account::access::{
    needs_use_case_form, AgreementOffer, EnforcedGuardrailSpec, ModelAgreementSpec, UseCaseSpec,
    LATEST_VERSION,
};
use crate::account::spec::{GuardrailVersionSpec, KindSpec, Spec};
use crate::account::{Kind, ModelStatus, Resource, GLOBAL};
use crate::config::access::AccessMode;
use crate::config::Config;
use std::collections::BTreeMap;

pub const USE_CASE_NAME: &str = "default";
pub const ENFORCED_NAME: &str = "default";

/// What was read from the account for the access plan.
#[derive(Debug, Clone, Default)]
pub struct AccessInputs {
    /// Offers of the managed models that have no agreement yet, by (region, model):
    /// the offers, or why they could not be read.
    pub offers: BTreeMap<(String, String), Result<Vec<AgreementOffer>, String>>,
    /// The account's use-case form, when read (the config has `use_case:`).
    pub use_case: Option<Resource>,
    /// Enforced guardrail configurations of the regions the config enforces one in.
    pub enforced: Vec<Resource>,
}

/// The access part of a plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccessPlan {
    pub changes: Vec<Change>,
    pub conflicts: Vec<Conflict>,
    pub warnings: Vec<String>,
}

/// (region, model id) of every `access: manage` model.
pub fn managed_models(cfg: &Config) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = cfg
        .models
        .iter()
        .flatten()
        .filter(|m| m.access.value == AccessMode::Manage)
        .flat_map(|m| {
            m.regions
                .iter()
                .map(move |r| (r.value.clone(), m.id.value.clone()))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Where the config declares each access resource, for plan output's locations: the
/// model's `access: manage`, the `use_case:` mapping, each region's `enforce: account`.
pub fn places(cfg: &Config) -> Vec<(String, crate::span::Span)> {
    let mut out = Vec::new();
    for m in cfg.models.iter().flatten() {
        if m.access.value == AccessMode::Manage {
            for r in &m.regions {
                out.push((
                    format!("{}.{}.{}", Kind::ModelAgreement, r.value, m.id.value),
                    m.access.span,
                ));
            }
        }
    }
    if let Some(form) = &cfg.model_access.use_case {
        out.push((
            format!("{}.{GLOBAL}.{USE_CASE_NAME}", Kind::UseCase),
            form.span,
        ));
    }
    for g in cfg.guardrails.iter().flatten() {
        if let Some(span) = g.enforce {
            for r in &g.regions {
                out.push((
                    format!("{}.{}.{ENFORCED_NAME}", Kind::EnforcedGuardrail, r.value),
                    span,
                ));
            }
        }
    }
    out
}

/// Whether the model has an agreement in place (accepted, or accepted and pending).
pub fn has_agreement(s: &ModelStatus) -> bool {
    matches!(s.agreement.as_deref(), Some("AVAILABLE" | "PENDING"))
}

/// Whether the model needs an agreement accepted.
pub fn needs_agreement(s: &ModelStatus) -> bool {
    s.exists && matches!(s.agreement.as_deref(), Some("NOT_AVAILABLE" | "ERROR"))
}

/// (region, guardrail name) of every `enforce: account` guardrail.
pub fn enforced_guardrails(cfg: &Config) -> Vec<(String, String)> {
    cfg.guardrails
        .iter()
        .flatten()
        .filter(|g| g.enforce.is_some())
        .flat_map(|g| {
            g.regions
                .iter()
                .map(move |r| (r.value.clone(), g.name.value.clone()))
        })
        .collect()
}

fn change(kind: Kind, region: &str, name: &str, action: Action) -> Change {
    Change {
        kind,
        region: region.to_string(),
        name: name.to_string(),
        action,
        before: None,
        after: None,
        attrs: Vec::new(),
        adopt: false,
    }
}

fn resource(kind: Kind, region: &str, name: &str, spec: Spec) -> Resource {
    Resource {
        kind,
        region: region.to_string(),
        name: name.to_string(),
        id: None,
        spec,
        tags: Default::default(),
        status: None,
    }
}

fn live_agreement(s: &ModelStatus) -> Resource {
    let spec = ModelAgreementSpec {
        model_id: s.model_id.clone(),
        provider: provider(&s.model_id),
        ..ModelAgreementSpec::default()
    };
    Resource {
        id: Some(s.model_id.clone()),
        status: s.agreement.clone(),
        ..resource(Kind::ModelAgreement, &s.region, &s.model_id, spec.into())
    }
}

fn provider(model_id: &str) -> String {
    crate::catalog::catalog()
        .resolve(model_id)
        .map(|m| m.provider.clone())
        .unwrap_or_default()
}

/// Plan the access of `cfg` against the statuses read (`statuses`), what `inputs`
/// holds, and the main plan (`main`, for the guardrails' ARNs and versions).
pub fn plan_access(
    cfg: &Config,
    statuses: &[ModelStatus],
    inputs: &AccessInputs,
    main: &Plan,
    destroy: bool,
) -> AccessPlan {
    let mut out = AccessPlan::default();
    let stack = cfg.stack.value.clone();
    let status_of = |region: &str, id: &str| {
        statuses
            .iter()
            .find(|s| s.region == region && s.model_id == id)
    };
    let mut form_needed: Vec<String> = Vec::new();
    // Models whose only gate is the form: apply waits for them after submitting it.
    let mut form_only: Vec<String> = Vec::new();
    for (region, id) in managed_models(cfg) {
        let Some(s) = status_of(&region, &id) else {
            continue;
        };
        if !s.exists {
            continue;
        }
        if s.agreement.is_none() && s.authorization.is_none() {
            out.warnings.push(format!(
                "the availability of `{id}` in `{region}` could not be read (GetFoundationModelAvailability), so its access cannot be managed"
            ));
            continue;
        }
        if needs_use_case_form(&id) && s.authorization.as_deref() == Some("NOT_AUTHORIZED") {
            form_needed.push(format!("`{id}` in `{region}`"));
            if has_agreement(s) || !needs_agreement(s) {
                form_only.push(format!("{region}/{id}"));
            }
        }
        if has_agreement(s) {
            let live = live_agreement(s);
            if destroy {
                if cfg.model_access.revoke_agreements_on_destroy {
                    let mut c = change(Kind::ModelAgreement, &region, &id, Action::Delete);
                    c.before = Some(live);
                    out.changes.push(c);
                }
            } else {
                let mut c = change(Kind::ModelAgreement, &region, &id, Action::NoOp);
                c.before = Some(live);
                out.changes.push(c);
            }
            continue;
        }
        if destroy || !needs_agreement(s) {
            continue;
        }
        match inputs.offers.get(&(region.clone(), id.clone())) {
            Some(Ok(offers)) if !offers.is_empty() => {
                let offer = offers[0].clone();
                if offers.len() > 1 {
                    let tokens: Vec<String> =
                        offers.iter().map(|o| format!("`{}`", o.offer_token)).collect();
                    out.warnings.push(format!(
                        "`{id}` in `{region}` has {} agreement offers ({}); apply accepts the first, as ListFoundationModelAgreementOffers orders them",
                        offers.len(),
                        tokens.join(", ")
                    ));
                }
                let spec = ModelAgreementSpec {
                    model_id: id.clone(),
                    provider: provider(&id),
                    offer_type: offer.offer_type().to_string(),
                    offer: Some(offer.clone()),
                };
                let mut c = change(Kind::ModelAgreement, &region, &id, Action::Create);
                c.after = Some(resource(
                    Kind::ModelAgreement,
                    &region,
                    &id,
                    spec.into(),
                ));
                if !cfg.model_access.accept_agreements {
                    out.conflicts.push(Conflict {
                        address: c.address(),
                        owner: stack.clone(),
                        reason: Some(format!(
                            "accepting the agreement for `{id}` in `{region}` ({} offer{} of {}, token `{}`) is a legal act; refusing without `accept_agreements: true` at the top of the config",
                            offer.offer_type(),
                            offer
                                .offer_id
                                .as_deref()
                                .map(|o| format!(" `{o}`"))
                                .unwrap_or_default(),
                            if provider(&id).is_empty() { "its provider".to_string() } else { provider(&id) },
                            offer.offer_token
                        )),
                    });
                }
                out.changes.push(c);
            }
            Some(Ok(_)) => out.warnings.push(format!(
                "`{id}` in `{region}` has no agreement offer to accept (ListFoundationModelAgreementOffers returned none)"
            )),
            Some(Err(e)) => out.warnings.push(format!(
                "the agreement offers of `{id}` in `{region}` could not be read: {e}"
            )),
            None => {}
        }
    }
    plan_use_case(cfg, inputs, &form_needed, form_only, destroy, &mut out);
    plan_enforced(cfg, inputs, main, destroy, &mut out);
    out.changes
        .sort_by(|a, b| (a.kind, &a.region, &a.name).cmp(&(b.kind, &b.region, &b.name)));
    out
}

fn plan_use_case(
    cfg: &Config,
    inputs: &AccessInputs,
    form_needed: &[String],
    wait_for: Vec<String>,
    destroy: bool,
    out: &mut AccessPlan,
) {
    if destroy {
        return;
    }
    let Some(form) = &cfg.model_access.use_case else {
        if let Some(first) = form_needed.first() {
            out.conflicts.push(Conflict {
                address: format!("{}.{GLOBAL}.{USE_CASE_NAME}", Kind::UseCase),
                owner: cfg.stack.value.clone(),
                reason: Some(format!(
                    "{first} needs the Anthropic use-case form before it is authorized: add `use_case: {{ file: use-case.json }}` to the config (submitted once per account)"
                )),
            });
        }
        return;
    };
    let after = resource(
        Kind::UseCase,
        GLOBAL,
        USE_CASE_NAME,
        Spec::from(UseCaseSpec {
            form_data: form.body.clone(),
            wait_for,
        }),
    );
    match &inputs.use_case {
        None => {
            let mut c = change(Kind::UseCase, GLOBAL, USE_CASE_NAME, Action::Create);
            c.after = Some(after);
            out.changes.push(c);
        }
        Some(live) => {
            let text = |r: &Resource| UseCaseSpec::of(&r.spec).map(|u| u.form_data.clone());
            let same = text(live) == text(&after);
            if !same {
                // The form is submitted once per account (the Terraform resource treats a
                // different one as an error); a new text is not sent over the old one.
                out.warnings.push(format!(
                    "the account's use-case form differs from `{}`; it was submitted once for the account and is not sent again",
                    form.file.value
                ));
            }
            let mut c = change(Kind::UseCase, GLOBAL, USE_CASE_NAME, Action::NoOp);
            c.before = Some(live.clone());
            out.changes.push(c);
        }
    }
}

/// The guardrail's ARN and the version to enforce, from the main plan.
fn guardrail_ref(main: &Plan, region: &str, name: &str) -> (String, String) {
    let arn = main
        .changes
        .iter()
        .find(|c| c.kind == Kind::Guardrail && c.region == region && c.name == name)
        .and_then(|c| c.before.as_ref().and_then(|b| b.id.clone()))
        .unwrap_or_else(|| {
            crate::policy::refs::placeholder(&format!("{}.{region}.{name}", Kind::Guardrail))
        });
    let versions: Vec<&Change> = main
        .changes
        .iter()
        .filter(|c| {
            c.kind == Kind::GuardrailVersion
                && c.region == region
                && c.after
                    .as_ref()
                    .or(c.before.as_ref())
                    .and_then(|r| GuardrailVersionSpec::of(&r.spec))
                    .map(|g| g.guardrail.as_str())
                    == Some(name)
        })
        .collect();
    let version = if versions.iter().any(|c| c.action == Action::Create) {
        LATEST_VERSION.to_string()
    } else {
        versions
            .iter()
            .filter(|c| c.action == Action::NoOp)
            .filter_map(|c| c.before.as_ref())
            // The number ends the version's id (`<guardrail ARN>:<n>`); the normalized
            // spec may not carry it.
            .filter_map(|b| {
                b.id.as_deref()
                    .and_then(|id| id.rsplit_once(':'))
                    .map(|(_, n)| n)
                    .or_else(|| GuardrailVersionSpec::of(&b.spec).map(|g| g.version.as_str()))
                    .and_then(|n| n.parse::<u64>().ok())
            })
            .max()
            .map(|n| n.to_string())
            .unwrap_or_else(|| LATEST_VERSION.to_string())
    };
    (arn, version)
}

fn plan_enforced(
    cfg: &Config,
    inputs: &AccessInputs,
    main: &Plan,
    destroy: bool,
    out: &mut AccessPlan,
) {
    for (region, name) in enforced_guardrails(cfg) {
        let live = inputs
            .enforced
            .iter()
            .find(|r| r.region == region && r.kind == Kind::EnforcedGuardrail);
        let (arn, version) = guardrail_ref(main, &region, &name);
        if destroy {
            if let Some(l) = live {
                if EnforcedGuardrailSpec::of(&l.spec).map(|e| e.guardrail.as_str())
                    == Some(arn.as_str())
                {
                    let mut c = change(
                        Kind::EnforcedGuardrail,
                        &region,
                        ENFORCED_NAME,
                        Action::Delete,
                    );
                    c.before = Some(l.clone());
                    out.changes.push(c);
                }
            }
            continue;
        }
        let after = resource(
            Kind::EnforcedGuardrail,
            &region,
            ENFORCED_NAME,
            Spec::from(EnforcedGuardrailSpec {
                guardrail: arn,
                version,
            }),
        );
        let c = match live {
            None => {
                let mut c = change(
                    Kind::EnforcedGuardrail,
                    &region,
                    ENFORCED_NAME,
                    Action::Create,
                );
                c.after = Some(after);
                c
            }
            Some(l) => {
                let attrs = super::diff::attr_changes(Kind::EnforcedGuardrail, l, &after);
                let mut c = change(
                    Kind::EnforcedGuardrail,
                    &region,
                    ENFORCED_NAME,
                    if attrs.is_empty() {
                        Action::NoOp
                    } else {
                        Action::Update
                    },
                );
                c.before = Some(l.clone());
                // A no-op keeps only its live side, as the diff's do.
                if !attrs.is_empty() {
                    c.after = Some(Resource {
                        id: l.id.clone(),
                        ..after
                    });
                }
                c.attrs = attrs;
                c
            }
        };
        out.changes.push(c);
    }
}

#[cfg(test)]
#[path = "access_tests.rs"]
mod tests;
