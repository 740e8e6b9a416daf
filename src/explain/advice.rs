//! From facts to advice: causes, fixes and the commands that confirm them. This file
//! dispatches per category and handles model access, Marketplace, on-demand, invalid
//! ids, lifecycle and the use-case form, folding in the catalog (profiles, successors,
//! regions); `advice_iam` handles IAM denials and `advice_runtime` the other faults.

use super::classify::{Detail, Facts};
use super::input::Pasted;
use super::{advice_iam, advice_runtime, models, Category, Diagnosis};
use crate::catalog::{catalog, Knowledge, Model};

/// Accumulates a diagnosis' prose.
#[derive(Debug, Default)]
pub(super) struct Advice {
    pub summary: String,
    pub causes: Vec<String>,
    pub fixes: Vec<String>,
    pub commands: Vec<String>,
}

impl Advice {
    pub fn cause(&mut self, s: impl Into<String>) {
        push_unique(&mut self.causes, s.into());
    }
    pub fn fix(&mut self, s: impl Into<String>) {
        push_unique(&mut self.fixes, s.into());
    }
    pub fn command(&mut self, s: impl Into<String>) {
        push_unique(&mut self.commands, s.into());
    }
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// Quote a shell argument when it needs it (`*`, spaces, quotes, redirections).
/// `<placeholder>`s stay bare: the user replaces them before running the command.
pub(super) fn sh(arg: &str) -> String {
    let safe = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || ":/._,=@+-".contains(c))
    };
    let placeholder = arg
        .strip_prefix('<')
        .and_then(|a| a.strip_suffix('>'))
        .is_some_and(safe);
    if safe(arg) || placeholder {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// ` --region R` when the region is known; the AWS CLI's default region otherwise.
pub(super) fn region_flag(region: Option<&str>) -> String {
    region
        .map(|r| format!(" --region {}", sh(r)))
        .unwrap_or_default()
}

pub fn diagnose(p: &Pasted, f: Facts) -> Diagnosis {
    let mut a = Advice::default();
    match f.category {
        Category::AccessDenied => advice_iam::access_denied(&f, &mut a),
        Category::MarketplaceSubscription => marketplace(&f, &mut a),
        Category::ModelAccess => model_access(&f, &mut a),
        Category::OnDemandNotSupported => on_demand(&f, &mut a),
        Category::InvalidModelId => invalid_model_id(p, &f, &mut a),
        Category::LegacyModel => legacy(&f, &mut a),
        Category::UseCaseForm => use_case_form(&f, &mut a),
        Category::ModelNotReady => advice_runtime::model_not_ready(&f, &mut a),
        Category::Throttling => advice_runtime::throttling(p, &f, &mut a),
        Category::QuotaExceeded => advice_runtime::quota_exceeded(&f, &mut a),
        Category::Validation => advice_runtime::validation(p, &f, &mut a),
        Category::Unknown => advice_runtime::unknown(&f, &mut a),
    }
    super::advice_access::after(p, &f, &mut a);
    let mut evidence = Vec::new();
    if let Some(c) = &p.code {
        evidence.push(("code".to_string(), c.clone()));
    }
    if let Some(o) = &f.operation {
        evidence.push(("operation".to_string(), o.clone()));
    }
    if let Some(s) = p.status {
        evidence.push(("http status".to_string(), s.to_string()));
    }
    if let Some(r) = &p.request_id {
        evidence.push(("request id".to_string(), r.clone()));
    }
    if !p.message.is_empty() {
        evidence.push(("message".to_string(), p.message.clone()));
    }
    Diagnosis {
        category: f.category,
        principal: f.principal,
        action: f.action,
        resource: f.resource,
        region: f.region,
        model_id: f.model_id,
        policy_type: f.policy_type,
        explicit_deny: f.explicit_deny,
        causes: a.causes,
        fixes: a.fixes,
        commands: a.commands,
        summary: a.summary,
        evidence,
    }
}

/// The catalog model behind an id (model, profile or purchase id, or an ARN's id).
pub(super) fn model_of(f: &Facts) -> Option<&'static Model> {
    f.model_id.as_deref().and_then(|id| catalog().resolve(id))
}

/// A model id for control-plane commands: a profile id resolves to its model.
pub(super) fn base_id(f: &Facts) -> String {
    match (model_of(f), f.model_id.as_deref()) {
        (Some(m), _) => m.model_id.clone(),
        (None, Some(id)) => id.to_string(),
        (None, None) => "<model-id>".to_string(),
    }
}

pub(super) fn in_region(f: &Facts) -> String {
    f.region
        .as_deref()
        .map(|r| format!(" in `{r}`"))
        .unwrap_or_default()
}

pub(super) fn the_model(f: &Facts) -> String {
    f.model_id
        .as_deref()
        .map(|m| format!("`{m}`"))
        .unwrap_or_else(|| "the model".to_string())
}

fn availability_commands(f: &Facts, a: &mut Advice) {
    let id = sh(&base_id(f));
    let rf = region_flag(f.region.as_deref());
    a.command(format!(
        "aws bedrock get-foundation-model-availability --model-id {id}{rf}"
    ));
}

fn agreement_commands(f: &Facts, a: &mut Advice) {
    let id = sh(&base_id(f));
    let rf = region_flag(f.region.as_deref());
    a.command(format!(
        "aws bedrock list-foundation-model-agreement-offers --model-id {id}{rf}"
    ));
    a.command(format!(
        "aws bedrock create-foundation-model-agreement --model-id {id} --offer-token <offer-token>{rf}"
    ));
}

/// Says where the model is offered when the catalog confirms it is not in the region.
fn region_check(f: &Facts, a: &mut Advice) {
    let (Some(m), Some(region)) = (model_of(f), f.region.as_deref()) else {
        return;
    };
    let is_profile = f
        .model_id
        .as_deref()
        .and_then(|id| catalog().profile(id))
        .map(|(_, p)| p);
    if let Some(p) = is_profile {
        if !p.source_regions.iter().any(|r| r == region) {
            a.cause(format!(
                "the inference profile `{}` cannot be called from `{region}`; it serves: {}",
                p.profile_id,
                list(&p.source_regions)
            ));
        }
        return;
    }
    if m.offered_in(region) == Knowledge::No {
        a.cause(format!(
            "the catalog says `{}` is not offered in `{region}`; it is offered in: {}",
            m.model_id,
            list(&m.known_regions())
        ));
    }
}

pub(super) fn list<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return "(none known)".to_string();
    }
    items
        .iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn marketplace(f: &Facts, a: &mut Advice) {
    let (retry, denial) = match &f.detail {
        Detail::Marketplace {
            retry_minutes,
            denial,
        } => (*retry_minutes, denial.as_ref()),
        _ => (None, None),
    };
    let who = f
        .principal
        .as_deref()
        .map(|p| format!("`{p}`"))
        .unwrap_or_else(|| "the caller".to_string());
    a.summary = format!(
        "the AWS Marketplace subscription for {} could not be completed",
        the_model(f)
    );
    a.cause(format!(
        "{} is sold through AWS Marketplace: its first invocation subscribes the account, and {who} may not perform the Marketplace actions `aws-marketplace:ViewSubscriptions` and `aws-marketplace:Subscribe`",
        the_model(f)
    ));
    if let Some(d) = denial {
        a.cause(format!(
            "IAM refused `{}` on `{}`{}",
            d.action,
            d.resource.as_deref().unwrap_or("*"),
            d.policy_type
                .map(|t| if d.explicit == Some(true) {
                    format!(": explicit deny in {}", t.with_article())
                } else {
                    format!(": no {} allows it", t.describe())
                })
                .unwrap_or_default()
        ));
    }
    a.fix(format!(
        "have an administrator subscribe the account once: list the offers for `{}`, then create the agreement with the offer token (or enable the model on the Bedrock console's model access page)",
        base_id(f)
    ));
    a.fix("or grant `aws-marketplace:ViewSubscriptions` and `aws-marketplace:Subscribe` to the caller; keeping `Subscribe` on a runtime role is discouraged, remove it once the subscription exists");
    match retry {
        Some(n) => a.fix(format!(
            "after fixing, wait {n} minutes before retrying: access takes that long to propagate"
        )),
        None => a.fix("after fixing, allow a few minutes for access to propagate"),
    }
    agreement_commands(f, a);
    availability_commands(f, a);
    if let Some(iam) = f
        .principal
        .as_deref()
        .and_then(|p| super::arn::principal(p).iam_arn())
    {
        a.command(format!(
            "aws iam simulate-principal-policy --policy-source-arn {} --action-names aws-marketplace:ViewSubscriptions aws-marketplace:Subscribe --resource-arns '*'",
            sh(&iam)
        ));
    }
}

fn model_access(f: &Facts, a: &mut Advice) {
    a.summary = format!(
        "this account has no access to {}{}",
        the_model(f),
        in_region(f)
    );
    a.cause(format!(
        "access to {} is not enabled for this account{} (model access, or its Marketplace agreement, is per account and per region)",
        the_model(f),
        f.region
            .as_deref()
            .map(|r| format!(" in `{r}`"))
            .unwrap_or_else(|| " in the region the request went to".to_string())
    ));
    a.cause("the request went to a different region than the one where access was enabled (check the SDK client's region and `AWS_REGION`)");
    region_check(f, a);
    if model_of(f).is_some_and(|m| m.provider == "Anthropic") {
        a.cause("use of Anthropic models also needs the one-time use-case form for the account (or the organization)");
    }
    a.fix("send the request to the region where access is enabled, or enable access in this one");
    a.fix(format!(
        "enable access: check availability, then list the agreement offers for `{}` and create the agreement with the offer token (or use the Bedrock console's model access page)",
        base_id(f)
    ));
    availability_commands(f, a);
    agreement_commands(f, a);
}

fn on_demand(f: &Facts, a: &mut Advice) {
    let region = f.region.as_deref();
    a.summary = format!(
        "{} cannot be invoked on demand{}: call it through an inference profile",
        the_model(f),
        in_region(f)
    );
    a.cause(format!(
        "{} supports only inference-profile (or provisioned) throughput{}, so its bare model id cannot be invoked on demand",
        the_model(f),
        in_region(f)
    ));
    let rf = region_flag(region);
    match model_of(f) {
        Some(m) => {
            let profiles = models::profiles_for(m, region);
            let for_region = region.and_then(|r| m.profile_for(r));
            match (for_region, region) {
                (Some(p), Some(r)) => {
                    a.fix(format!(
                        "call the inference profile `{}` instead of `{}` (it serves `{r}` and routes within {})",
                        p.profile_id,
                        m.model_id,
                        models::geography(&p.profile_id)
                    ));
                    let dests = p.destinations_from(r);
                    a.fix(format!(
                        "allow `bedrock:InvokeModel` (and `bedrock:InvokeModelWithResponseStream` for streaming) on the profile ARN `arn:{}:bedrock:{r}:<account-id>:inference-profile/{}` and on the foundation-model ARN `arn:{}:bedrock:<region>::foundation-model/{}` in every destination region: {}",
                        catalog().partition(r),
                        p.profile_id,
                        catalog().partition(r),
                        m.model_id,
                        list(&dests)
                    ));
                }
                (None, Some(r)) if !profiles.is_empty() => {
                    let sources: Vec<&str> = m
                        .cross_region_profiles
                        .iter()
                        .flat_map(|p| p.source_regions.iter().map(String::as_str))
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect();
                    a.cause(format!(
                        "the catalog lists no system inference profile of `{}` that serves `{r}`",
                        m.model_id
                    ));
                    a.fix(format!(
                        "call it from a region its profiles serve ({}) through one of: {}",
                        list(&sources),
                        list(&profiles)
                    ));
                }
                _ if !profiles.is_empty() => {
                    a.fix(format!(
                        "call one of its inference profiles instead of `{}`, the one whose geography holds your region: {}",
                        m.model_id,
                        profiles
                            .iter()
                            .map(|p| format!("`{p}` ({})", models::geography(p)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    a.fix("allow the invoke actions on the profile ARN and on the foundation-model ARN in every destination region of the profile");
                }
                _ => {
                    a.fix(format!(
                        "call an inference profile of `{}`: prefix the id with your geography (`us.`, `eu.`, `apac.`, `global.`), after checking which profiles exist",
                        m.model_id
                    ));
                }
            }
            if m.supports_provisioned() == Knowledge::Yes {
                a.fix("or buy provisioned throughput and invoke its ARN");
            }
            if m.is_legacy() {
                a.cause(format!(
                    "note: `{}` is a legacy model{}",
                    m.model_id,
                    models::successor(m)
                        .map(|s| format!("; consider `{}`", s.model_id))
                        .unwrap_or_default()
                ));
            }
            if let Some(p) = for_region {
                a.command(format!(
                    "aws bedrock get-inference-profile --inference-profile-identifier {}{rf}",
                    sh(&p.profile_id)
                ));
            }
        }
        None => {
            a.fix(format!(
                "call an inference profile of {} instead: a system profile id is the model id prefixed with a geography (`us.`, `eu.`, `apac.`, `global.`), or use an application inference profile ARN",
                the_model(f)
            ));
        }
    }
    a.fix("or create an application inference profile from a system profile and call its ARN");
    let filter = f
        .model_id
        .as_deref()
        .map(|id| {
            format!(
                " --query \"inferenceProfileSummaries[?contains(inferenceProfileId, '{}')].inferenceProfileId\"",
                id.replace(['"', '\''], "")
            )
        })
        .unwrap_or_default();
    a.command(format!("aws bedrock list-inference-profiles{rf}{filter}"));
}

fn invalid_model_id(p: &Pasted, f: &Facts, a: &mut Advice) {
    let cat = catalog();
    if let Some(s) = super::classify::split_suggestion(&p.flat).1 {
        if cat.resolve(&s).is_some() {
            a.fix(format!(
                "use `{s}`, the id the service suggests (a valid Bedrock id{})",
                in_region(f)
            ));
        }
    }
    let region = f.region.as_deref();
    let rf = region_flag(region);
    let id = f.model_id.clone();
    a.summary = format!("{} is not a valid model id{}", the_model(f), in_region(f));
    match id.as_deref() {
        Some(id) => match cat.resolve(id) {
            Some(m) => {
                a.cause(format!(
                    "`{id}` is a real Bedrock id, so the region or the way it is used is wrong"
                ));
                region_check(f, a);
                let profile = cat.profile(id);
                if profile.is_none() && region.is_some_and(|r| m.on_demand_in(r) == Knowledge::No) {
                    if let Some(p) = region.and_then(|r| m.profile_for(r)) {
                        a.fix(format!(
                            "call the inference profile `{}` in this region",
                            p.profile_id
                        ));
                    }
                }
                a.fix(format!(
                    "`{}` is offered in: {}",
                    m.model_id,
                    list(&m.known_regions())
                ));
            }
            None => {
                a.cause(format!(
                    "`{id}` is not a model id or inference profile id Bedrock knows (a typo, a missing version suffix such as `-v1:0`, or a profile prefix that does not exist for this model)"
                ));
                let close = cat.closest_ids(id, 3);
                if close.is_empty() {
                    a.fix("compare the id with the ids Bedrock lists in the region");
                } else {
                    a.fix(format!("did you mean {}?", list(&close)));
                    if let Some(m) = close.first().and_then(|c| cat.resolve(c)) {
                        a.fix(format!(
                            "`{}` is offered in: {}",
                            close.first().copied().unwrap_or_default(),
                            list(&m.known_regions())
                        ));
                    }
                }
                if let Some(c) = close.first() {
                    a.command(format!(
                        "aws bedrock get-foundation-model --model-identifier {}{rf}",
                        sh(cat.resolve(c).map(|m| m.model_id.as_str()).unwrap_or(c))
                    ));
                }
            }
        },
        None => {
            a.cause("the model identifier in the request is not one Bedrock knows in this region (a typo, a region-scoped id used in another region, or a profile prefix where it is not valid)");
            a.fix("compare the id with the ids Bedrock lists in the region");
        }
    }
    a.command(format!(
        "aws bedrock list-foundation-models{rf} --query \"modelSummaries[].modelId\""
    ));
    a.command(format!(
        "aws bedrock list-inference-profiles{rf} --query \"inferenceProfileSummaries[].inferenceProfileId\""
    ));
}

fn legacy(f: &Facts, a: &mut Advice) {
    let (days, eol) = match f.detail {
        Detail::Legacy { days, end_of_life } => (days, end_of_life),
        _ => (None, false),
    };
    let model = model_of(f);
    let region = f.region.as_deref();
    if eol {
        a.summary = format!("{} has reached the end of its life", the_model(f));
        a.cause(format!(
            "{} has reached the end of its life: Bedrock no longer serves it{}",
            the_model(f),
            in_region(f)
        ));
    } else {
        a.summary = format!(
            "{} is a legacy model this account has not used recently",
            the_model(f)
        );
        a.cause(format!(
            "{} is marked legacy by its provider, and this account has not invoked it in the last {}, so Bedrock refuses it for this account (accounts that used it recently may still succeed)",
            the_model(f),
            days.map(|d| format!("{d} days")).unwrap_or_else(|| "weeks".to_string())
        ));
    }
    if let Some(m) = model {
        let eol_date = match region {
            Some(r) => m.eol_date_in(r),
            None => m.eol_date.as_deref(),
        };
        if let Some(d) = eol_date {
            a.cause(format!(
                "the catalog lists its end of life{} on `{d}`",
                region.map(|r| format!(" in `{r}`")).unwrap_or_default()
            ));
        }
        match models::successor(m) {
            Some(s) => {
                let how = region
                    .filter(|r| s.on_demand_in(r) != Knowledge::Yes)
                    .and_then(|r| s.profile_for(r))
                    .map(|p| format!(" (through the inference profile `{}`)", p.profile_id))
                    .unwrap_or_default();
                a.fix(format!(
                    "move to `{}`{how}, the newest active model of the same family ({})",
                    s.model_id, s.name
                ));
            }
            None => a.fix(format!(
                "move to an active model of another family: the catalog has no active successor of `{}` from {}",
                m.model_id, m.provider
            )),
        }
    } else {
        a.fix("move to an active model or inference profile of the same provider");
    }
    a.fix("update every config and code path that names the old id; `bedrockctl validate` warns about legacy and end-of-life models ahead of time");
    let rf = region_flag(region);
    let id = base_id(f);
    a.command(format!(
        "aws bedrock get-foundation-model --model-identifier {}{rf} --query modelDetails.modelLifecycle",
        sh(&id)
    ));
    let provider = model
        .map(|m| m.model_id.split('.').next().unwrap_or("").to_string())
        .or_else(|| {
            f.model_id
                .as_deref()
                .and_then(|i| i.split('.').next())
                .map(str::to_string)
        })
        .filter(|p| !p.is_empty() && !p.contains(':'));
    if let Some(p) = provider {
        a.command(format!(
            "aws bedrock list-foundation-models --by-provider {}{rf} --query \"modelSummaries[?modelLifecycle.status=='ACTIVE'].modelId\"",
            sh(&p)
        ));
    }
}

fn use_case_form(f: &Facts, a: &mut Advice) {
    let region = f.region.as_deref().unwrap_or("<region>");
    a.summary = "the Anthropic use-case form has not been submitted for this account".to_string();
    a.cause("use of Anthropic models needs a one-time use-case submission per account (or once for the organization, at its management account, inherited by member accounts)");
    a.fix(format!(
        "submit the use-case form on the Bedrock console (https://{region}.console.aws.amazon.com/bedrock/), model access page, then retry"
    ));
    a.fix("or submit it through the API: `PutUseCaseForModelAccess` with the form data");
    a.command(format!(
        "aws bedrock get-use-case-for-model-access{}",
        region_flag(f.region.as_deref())
    ));
    availability_commands(f, a);
}

#[cfg(test)]
mod tests {
    use super::sh;

    #[test]
    fn shell_quoting() {
        assert_eq!(sh("arn:aws:iam::1:role/app"), "arn:aws:iam::1:role/app");
        assert_eq!(sh("*"), "'*'");
        assert_eq!(sh("<model-id>"), "<model-id>");
        assert_eq!(sh("a<b"), "'a<b'");
        assert_eq!(sh("it's"), r"'it'\''s'");
    }
}
