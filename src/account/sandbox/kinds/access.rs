//! Model access in the sandbox (issue 17): agreement offers per model, accepted
//! agreements that turn `PENDING` → `AVAILABLE` after a delay on the sandbox clock, the
//! Anthropic use-case form gate, and the per-region enforced guardrail configuration.
//!
//! Offers are simulated from the catalog's provider, so every model has one and the
//! whole flow runs offline: Amazon models have a free offer (no terms), Meta models a
//! EULA with usage prices (`terms`), every other provider an AWS Marketplace offer (an
//! `offerId` with terms). With the seed's `"model_access": "none"` nothing is enabled:
//! a model is usable once its agreement is `AVAILABLE` (the entitlement follows it),
//! and an Anthropic model also needs the use-case form (authorization follows it).
//! Without that knob every model starts enabled, as before issue 17.
//!
//! Agreements and the form live in the state's settings (`access`), not in
//! `resources`: model status calls read only the settings (`Store::read_settings`).
//! Request shapes and limits: botocore bedrock 2023-04-20 (`Offer`, `formData` 10 to
//! 16,384 bytes, `GuardrailNumericalVersion` `[1-9][0-9]{0,7}`).

use super::{parse_spec, Ctx};
use crate::account::access::{
    needs_use_case_form, AgreementOffer, ModelAgreementSpec, UseCaseSpec,
};
use crate::account::sandbox::store::{open_error, State};
use crate::account::{AccountError, Kind, ModelStatus, Resource, GLOBAL};
use crate::catalog;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Default delay of an accepted agreement or a submitted form (`access_ready_ms`).
pub const DEFAULT_READY_MS: i64 = 1500;
pub const USE_CASE_NAME: &str = "default";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessState {
    /// The seed said `"model_access": "none"`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nothing_enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agreements: Vec<AgreementRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_case: Option<UseCaseRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementRecord {
    pub region: String,
    pub model_id: String,
    pub offer_token: String,
    pub created_ms: i64,
    /// `PENDING` until then, `AVAILABLE` after.
    pub ready_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UseCaseRecord {
    pub form_data: String,
    pub submitted_ms: i64,
    pub ready_ms: i64,
}

impl AccessState {
    pub fn is_default(&self) -> bool {
        *self == AccessState::default()
    }

    pub fn from_seed(
        mode: Option<&str>,
        ready_ms: Option<i64>,
    ) -> Result<AccessState, AccountError> {
        let nothing_enabled = match mode {
            None | Some("enabled") => false,
            Some("none") => true,
            Some(other) => {
                return Err(open_error(format!(
                    "seed: `model_access` must be `enabled` or `none`, got `{other}`"
                )))
            }
        };
        if ready_ms.is_some_and(|ms| ms < 0) {
            return Err(open_error("seed: `access_ready_ms` must not be negative"));
        }
        Ok(AccessState {
            nothing_enabled,
            ready_ms,
            ..AccessState::default()
        })
    }

    fn delay(&self) -> i64 {
        self.ready_ms.unwrap_or(DEFAULT_READY_MS)
    }

    fn agreement(&self, region: &str, model_id: &str) -> Option<&AgreementRecord> {
        self.agreements
            .iter()
            .find(|a| a.region == region && a.model_id == model_id)
    }
}

pub(super) fn digest(parts: &[&str]) -> String {
    let d = Sha256::digest(parts.join("|"));
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The offers ListFoundationModelAgreementOffers returns for a model the region offers.
pub fn offers(model_id: &str, region: &str) -> Vec<AgreementOffer> {
    let Some(m) = catalog::catalog().model(model_id) else {
        return Vec::new();
    };
    let token = format!("sbx-offer-token-{}", digest(&[model_id, region]));
    let legal = Some(format!(
        "https://sandbox.bedrockctl.invalid/eula/{}",
        m.provider.to_lowercase().replace(' ', "-")
    ));
    let pricing = vec![
        "input_tokens: 0.001 USD per 1K tokens".to_string(),
        "output_tokens: 0.005 USD per 1K tokens".to_string(),
    ];
    let offer = match m.provider.as_str() {
        "Amazon" => AgreementOffer {
            offer_token: token,
            ..AgreementOffer::default()
        },
        "Meta" => AgreementOffer {
            offer_token: token,
            legal_url: legal,
            pricing,
            ..AgreementOffer::default()
        },
        _ => AgreementOffer {
            offer_id: Some(format!("offer-{}", digest(&["offer", model_id]))),
            offer_token: token,
            legal_url: legal,
            pricing,
            duration: Some("P12M".to_string()),
        },
    };
    vec![offer]
}

/// The seed's `"model_access": "none"`: nothing enabled, before the seed's overrides.
pub fn apply_defaults(s: &mut ModelStatus, access: &AccessState) {
    if s.exists && access.nothing_enabled {
        s.agreement = Some("NOT_AVAILABLE".to_string());
        s.entitlement = Some("NOT_AVAILABLE".to_string());
        if needs_use_case_form(&s.model_id) {
            s.authorization = Some("NOT_AUTHORIZED".to_string());
        }
    }
}

/// Fold the account's agreements and form into a model's status at `now`.
pub fn apply_to_status(s: &mut ModelStatus, access: &AccessState, now: i64) {
    if !s.exists {
        return;
    }
    if let Some(a) = access.agreement(&s.region, &s.model_id) {
        if now >= a.ready_ms {
            s.agreement = Some("AVAILABLE".to_string());
            s.entitlement = Some("AVAILABLE".to_string());
        } else {
            s.agreement = Some("PENDING".to_string());
        }
    }
    if let Some(u) = &access.use_case {
        if needs_use_case_form(&s.model_id) && now >= u.ready_ms {
            s.authorization = Some("AUTHORIZED".to_string());
        }
    }
}

fn agreement_resource(a: &AgreementRecord, now: i64) -> Resource {
    let offer = offers(&a.model_id, &a.region)
        .into_iter()
        .find(|o| o.offer_token == a.offer_token);
    let spec = ModelAgreementSpec {
        model_id: a.model_id.clone(),
        provider: provider(&a.model_id),
        offer_type: offer
            .as_ref()
            .map(|o| o.offer_type().to_string())
            .unwrap_or_default(),
        offer,
    };
    Resource {
        kind: Kind::ModelAgreement,
        region: a.region.clone(),
        name: a.model_id.clone(),
        id: Some(a.model_id.clone()),
        spec: crate::account::spec::Spec::from(spec),
        tags: Default::default(),
        status: Some(
            if now >= a.ready_ms {
                "AVAILABLE"
            } else {
                "PENDING"
            }
            .to_string(),
        ),
    }
}

pub fn provider(model_id: &str) -> String {
    catalog::catalog()
        .model(model_id)
        .map(|m| m.provider.clone())
        .unwrap_or_default()
}

fn use_case_resource(u: &UseCaseRecord) -> Resource {
    Resource {
        kind: Kind::UseCase,
        region: GLOBAL.to_string(),
        name: USE_CASE_NAME.to_string(),
        id: Some(USE_CASE_NAME.to_string()),
        spec: crate::account::spec::Spec::from(UseCaseSpec {
            form_data: u.form_data.clone(),
            wait_for: Vec::new(),
        }),
        tags: Default::default(),
        status: None,
    }
}

/// `list` of the kinds kept in the settings.
pub fn list(state: &State, kind: Kind, region: &str, now: i64) -> Vec<Resource> {
    match kind {
        Kind::ModelAgreement => state
            .access
            .agreements
            .iter()
            .filter(|a| a.region == region)
            .map(|a| agreement_resource(a, now))
            .collect(),
        Kind::UseCase => state
            .access
            .use_case
            .iter()
            .map(use_case_resource)
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `kind` is kept in the settings rather than in `resources`.
pub fn in_settings(kind: Kind) -> bool {
    matches!(kind, Kind::ModelAgreement | Kind::UseCase)
}

/// CreateFoundationModelAgreement, PutUseCaseForModelAccess or
/// PutEnforcedGuardrailConfiguration (create).
pub fn create(state: &mut State, ctx: &Ctx, desired: &Resource) -> Result<Resource, AccountError> {
    match desired.kind {
        Kind::ModelAgreement => create_agreement(state, ctx, desired),
        Kind::UseCase => put_use_case(state, ctx, desired),
        _ => super::enforced::put(state, ctx, desired, None),
    }
}

pub fn update(
    state: &mut State,
    ctx: &Ctx,
    live: &Resource,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    match live.kind {
        Kind::ModelAgreement => Err(AccountError::validation(
            "CreateFoundationModelAgreement",
            "an agreement cannot be changed; delete it and accept another offer",
        )),
        Kind::UseCase => put_use_case(state, ctx, desired),
        _ => super::enforced::put(state, ctx, desired, live.id.as_deref()),
    }
}

pub fn delete(state: &mut State, live: &Resource) -> Result<(), AccountError> {
    match live.kind {
        Kind::ModelAgreement => {
            let op = "DeleteFoundationModelAgreement";
            let before = state.access.agreements.len();
            state
                .access
                .agreements
                .retain(|a| !(a.region == live.region && a.model_id == live.name));
            if state.access.agreements.len() == before {
                return Err(AccountError::not_found(
                    op,
                    format!("No agreement found for model {}.", live.name),
                ));
            }
            Ok(())
        }
        Kind::UseCase => Err(AccountError::validation(
            "DeleteUseCaseForModelAccess",
            "the use-case form cannot be deleted (the API has no such operation)",
        )),
        _ => super::enforced::delete(state, live),
    }
}

fn create_agreement(
    state: &mut State,
    ctx: &Ctx,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    let op = "CreateFoundationModelAgreement";
    let spec: ModelAgreementSpec = parse_spec(op, desired)?;
    let status = crate::account::sandbox::models::status(
        state,
        &desired.region,
        &spec.model_id,
        &ctx.today,
        ctx.now,
    );
    if !status.exists {
        return Err(AccountError::not_found(
            op,
            format!(
                "The model {} is not available in this Region.",
                spec.model_id
            ),
        ));
    }
    let token = spec
        .offer
        .as_ref()
        .map(|o| o.offer_token.clone())
        .unwrap_or_default();
    if !offers(&spec.model_id, &desired.region)
        .iter()
        .any(|o| o.offer_token == token)
    {
        return Err(AccountError::validation(
            op,
            format!("The offer token is not valid for model {}.", spec.model_id),
        ));
    }
    // Accepting again is answered like the first time (the agreement stands).
    if state
        .access
        .agreement(&desired.region, &spec.model_id)
        .is_none()
    {
        let ready_ms = ctx.now.saturating_add(state.access.delay());
        state.access.agreements.push(AgreementRecord {
            region: desired.region.clone(),
            model_id: spec.model_id.clone(),
            offer_token: token,
            created_ms: ctx.now,
            ready_ms,
        });
    }
    let a = state
        .access
        .agreement(&desired.region, &spec.model_id)
        .ok_or_else(|| AccountError::new(op, "InternalServerException", "agreement lost"))?;
    Ok(agreement_resource(a, ctx.now))
}

pub(crate) fn put_use_case(
    state: &mut State,
    ctx: &Ctx,
    desired: &Resource,
) -> Result<Resource, AccountError> {
    let op = "PutUseCaseForModelAccess";
    let spec: UseCaseSpec = parse_spec(op, desired)?;
    let len = spec.form_data.len();
    if len < crate::vocab::bedrock::USE_CASE_FORM_MIN_BYTES {
        return Err(AccountError::validation(
            op,
            "1 validation error detected: Value at 'formData' failed to satisfy constraint: Member must have length greater than or equal to 10",
        ));
    }
    if len > crate::vocab::bedrock::USE_CASE_FORM_MAX_BYTES {
        return Err(AccountError::validation(
            op,
            "1 validation error detected: Value at 'formData' failed to satisfy constraint: Member must have length less than or equal to 16384",
        ));
    }
    let ready_ms = ctx.now.saturating_add(state.access.delay());
    let record = match &state.access.use_case {
        // The same form again changes nothing (and does not restart the review).
        Some(u) if u.form_data == spec.form_data => u.clone(),
        _ => UseCaseRecord {
            form_data: spec.form_data,
            submitted_ms: ctx.now,
            ready_ms,
        },
    };
    state.access.use_case = Some(record.clone());
    Ok(use_case_resource(&record))
}
