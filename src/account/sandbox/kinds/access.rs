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
    needs_use_case_form, AgreementOffer, EnforcedGuardrailSpec, ModelAgreementSpec, UseCaseSpec,
};
use crate::account::sandbox::store::{open_error, Entry, Meta, State};
use crate::account::{AccountError, Kind, ModelStatus, Resource, GLOBAL};
use crate::catalog;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Default delay of an accepted agreement or a submitted form (`access_ready_ms`).
pub const DEFAULT_READY_MS: i64 = 1500;
pub const USE_CASE_NAME: &str = "default";
pub const ENFORCED_NAME: &str = "default";

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

fn digest(parts: &[&str]) -> String {
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
        _ => put_enforced(state, ctx, desired, None),
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
        _ => put_enforced(state, ctx, desired, live.id.as_deref()),
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
        _ => {
            let op = "DeleteEnforcedGuardrailConfiguration";
            let id = live.id.as_deref().unwrap_or_default();
            let idx = state
                .position(Kind::EnforcedGuardrail, &live.region, id)
                .ok_or_else(|| {
                    AccountError::not_found(
                        op,
                        format!("The enforced guardrail configuration {id} was not found."),
                    )
                })?;
            state.resources.remove(idx);
            Ok(())
        }
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

fn put_use_case(
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

/// The numbered versions of the guardrail `arn` in `region`.
fn versions_of<'a>(
    state: &'a State,
    region: &str,
    arn: &'a str,
) -> impl Iterator<Item = String> + 'a {
    let prefix = format!("{arn}:");
    state
        .of_kind(Kind::GuardrailVersion, region)
        .filter_map(move |e| {
            e.resource
                .id
                .as_deref()
                .and_then(|id| id.strip_prefix(&prefix))
                .map(str::to_string)
        })
}

fn put_enforced(
    state: &mut State,
    ctx: &Ctx,
    desired: &Resource,
    config_id: Option<&str>,
) -> Result<Resource, AccountError> {
    let op = "PutEnforcedGuardrailConfiguration";
    let spec: EnforcedGuardrailSpec = parse_spec(op, desired)?;
    let region = desired.region.as_str();
    let version_ok = {
        let v = spec.version.as_bytes();
        !v.is_empty() && v.len() <= 8 && v[0] != b'0' && v.iter().all(u8::is_ascii_digit)
    };
    if !version_ok {
        return Err(AccountError::validation(
            op,
            format!(
                "1 validation error detected: Value '{}' at 'guardrailInferenceConfig.guardrailVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-9][0-9]{{0,7}}",
                spec.version
            ),
        ));
    }
    let guardrail = state
        .find(Kind::Guardrail, region, &spec.guardrail)
        .and_then(|e| e.resource.id.clone())
        .ok_or_else(|| {
            AccountError::not_found(
                op,
                format!("The guardrail {} was not found.", spec.guardrail),
            )
        })?;
    if !versions_of(state, region, &guardrail).any(|v| v == spec.version) {
        return Err(AccountError::not_found(
            op,
            format!(
                "Version {} of guardrail {guardrail} was not found.",
                spec.version
            ),
        ));
    }
    let stored = Resource {
        kind: Kind::EnforcedGuardrail,
        region: region.to_string(),
        name: ENFORCED_NAME.to_string(),
        id: None,
        spec: crate::account::spec::Spec::from(EnforcedGuardrailSpec {
            guardrail: guardrail.clone(),
            version: spec.version.clone(),
        }),
        tags: Default::default(),
        status: None,
    };
    let existing = state.position(Kind::EnforcedGuardrail, region, ENFORCED_NAME);
    match (existing, config_id) {
        (Some(idx), Some(id)) => {
            let e = &mut state.resources[idx];
            if e.resource.id.as_deref() != Some(id) {
                return Err(AccountError::not_found(
                    op,
                    format!("The enforced guardrail configuration {id} was not found."),
                ));
            }
            e.resource.spec = stored.spec;
            e.meta.updated_ms = ctx.now;
            Ok(e.resource.clone())
        }
        (Some(_), None) => Err(AccountError::conflict(
            op,
            "An enforced guardrail configuration already exists in this account and Region.",
        )),
        (None, Some(id)) => Err(AccountError::not_found(
            op,
            format!("The enforced guardrail configuration {id} was not found."),
        )),
        (None, None) => {
            let serial = state.next_serial();
            let id = digest(&[&state.account_id, region, &serial.to_string()])[..12].to_string();
            let r = Resource {
                id: Some(id),
                ..stored
            };
            state.resources.push(Entry {
                resource: r.clone(),
                meta: Meta {
                    created_ms: ctx.now,
                    updated_ms: ctx.now,
                    ..Meta::default()
                },
            });
            Ok(r)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::sandbox::models;
    use crate::account::sandbox::store::{Seed, State};
    use serde_json::json;

    const R: &str = "us-east-1";
    const HAIKU: &str = "anthropic.claude-haiku-4-5-20251001-v1:0";
    const TODAY: &str = "2026-06-01";

    fn state(mode: Option<&str>) -> State {
        let seed = Seed {
            model_access: mode.map(str::to_string),
            access_ready_ms: Some(100),
            ..Seed::default()
        };
        State::from_seed(seed, 0).unwrap()
    }

    fn ctx(now: i64) -> Ctx {
        Ctx {
            now,
            today: TODAY.into(),
            pt_ready_ms: 0,
        }
    }

    fn res(kind: Kind, region: &str, name: &str, spec: serde_json::Value) -> Resource {
        Resource {
            kind,
            region: region.into(),
            name: name.into(),
            id: None,
            spec: crate::account::spec::Spec::from_value(kind, spec).unwrap(),
            tags: Default::default(),
            status: None,
        }
    }

    fn agreement(id: &str, token: &str) -> Resource {
        res(
            Kind::ModelAgreement,
            R,
            id,
            json!({"model_id": id, "offer": {"offer_token": token}}),
        )
    }

    #[test]
    fn offers_follow_the_provider() {
        let kinds = |id: &str| offers(id, R)[0].offer_type();
        assert_eq!(kinds("amazon.nova-lite-v1:0"), "free");
        assert_eq!(kinds("meta.llama3-3-70b-instruct-v1:0"), "terms");
        assert_eq!(kinds(HAIKU), "marketplace");
        assert!(offers("nobody.nothing-v1", R).is_empty());
        assert_eq!(offers(HAIKU, R), offers(HAIKU, R), "deterministic");
    }

    #[test]
    fn nothing_enabled_then_agreement_pending_then_available() {
        let mut st = state(Some("none"));
        let s = models::status(&st, R, HAIKU, TODAY, 0);
        assert_eq!(s.agreement.as_deref(), Some("NOT_AVAILABLE"));
        assert_eq!(s.authorization.as_deref(), Some("NOT_AUTHORIZED"));
        assert!(!s.is_ready());
        let e = create(&mut st, &ctx(0), &agreement(HAIKU, "wrong")).unwrap_err();
        assert_eq!(e.code, "ValidationException");
        let token = offers(HAIKU, R)[0].offer_token.clone();
        let r = create(&mut st, &ctx(0), &agreement(HAIKU, &token)).unwrap();
        assert_eq!(r.status.as_deref(), Some("PENDING"));
        // Accepting again is answered like the first time.
        create(&mut st, &ctx(10), &agreement(HAIKU, &token)).unwrap();
        assert_eq!(st.access.agreements.len(), 1);
        assert_eq!(
            models::status(&st, R, HAIKU, TODAY, 50)
                .agreement
                .as_deref(),
            Some("PENDING")
        );
        let later = models::status(&st, R, HAIKU, TODAY, 100);
        assert_eq!(later.agreement.as_deref(), Some("AVAILABLE"));
        assert_eq!(later.entitlement.as_deref(), Some("AVAILABLE"));
        assert!(!later.is_ready(), "the form is still missing");
        put_use_case(
            &mut st,
            &ctx(100),
            &res(
                Kind::UseCase,
                GLOBAL,
                "default",
                json!({"form_data": "{\"companyName\": \"x\"}"}),
            ),
        )
        .unwrap();
        assert!(!models::status(&st, R, HAIKU, TODAY, 150).is_ready());
        assert!(models::status(&st, R, HAIKU, TODAY, 200).is_ready());
        // Another region is untouched.
        assert!(!models::status(&st, "us-west-2", HAIKU, TODAY, 200).is_ready());
        assert_eq!(list(&st, Kind::ModelAgreement, R, 200).len(), 1);
        let live = list(&st, Kind::ModelAgreement, R, 200).remove(0);
        delete(&mut st, &live).unwrap();
        assert!(!models::status(&st, R, HAIKU, TODAY, 200).is_ready());
    }

    #[test]
    fn the_default_seed_keeps_every_model_enabled_and_bad_knobs_fail() {
        assert!(models::status(&state(None), R, HAIKU, TODAY, 0).is_ready());
        assert!(AccessState::from_seed(Some("some"), None).is_err());
        assert!(AccessState::from_seed(None, Some(-1)).is_err());
    }

    #[test]
    fn the_form_has_the_apis_length_limits() {
        let mut st = state(Some("none"));
        let short = res(Kind::UseCase, GLOBAL, "default", json!({"form_data": "{}"}));
        assert_eq!(
            put_use_case(&mut st, &ctx(0), &short).unwrap_err().code,
            "ValidationException"
        );
        let long = res(
            Kind::UseCase,
            GLOBAL,
            "default",
            json!({"form_data": "x".repeat(16_385)}),
        );
        assert!(put_use_case(&mut st, &ctx(0), &long).is_err());
        assert!(st.access.use_case.is_none());
    }

    #[test]
    fn enforced_guardrail_needs_a_published_version() {
        let mut st = state(None);
        let g = super::super::create(
            &mut st,
            &ctx(0),
            &res(
                Kind::Guardrail,
                R,
                "g",
                json!({"blocked_input_message": "x", "blocked_output_message": "x"}),
            ),
            "",
        )
        .unwrap();
        let arn = g.id.clone().unwrap();
        let want = |v: &str| {
            res(
                Kind::EnforcedGuardrail,
                R,
                ENFORCED_NAME,
                json!({"guardrail": arn, "version": v}),
            )
        };
        assert_eq!(
            create(&mut st, &ctx(0), &want("1")).unwrap_err().code,
            "ResourceNotFoundException"
        );
        assert_eq!(
            create(&mut st, &ctx(0), &want("01")).unwrap_err().code,
            "ValidationException"
        );
        super::super::create(
            &mut st,
            &ctx(0),
            &res(Kind::GuardrailVersion, R, "g", json!({"guardrail": "g", "snapshot": {"blocked_input_message": "x", "blocked_output_message": "x"}})),
            "",
        )
        .unwrap();
        let live = create(&mut st, &ctx(0), &want("1")).unwrap();
        assert_eq!(
            create(&mut st, &ctx(0), &want("1")).unwrap_err().code,
            "ConflictException"
        );
        let updated = update(&mut st, &ctx(1), &live, &want("1")).unwrap();
        assert_eq!(updated.id, live.id);
        delete(&mut st, &live).unwrap();
        assert!(st.of_kind(Kind::EnforcedGuardrail, R).next().is_none());
    }
}
