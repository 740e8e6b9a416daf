use super::*;

fn ctx() -> LintContext {
    LintContext {
        models: None,
        today: "2026-09-01".into(),
        boundary: false,
    }
}

fn codes(text: &str, ctx: &LintContext) -> Vec<&'static str> {
    lint_text(text, ctx)
        .unwrap()
        .iter()
        .map(|f| f.code)
        .collect()
}

const FM: &str = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0";

fn allow(actions: &str, resources: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":{resources}}}]}}"#
    )
}

#[test]
fn codes_are_unique_kebab_case_and_documented_in_order() {
    let mut seen = BTreeSet::new();
    for r in RULES {
        assert!(seen.insert(r.code), "duplicate {}", r.code);
        assert!(r.code.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        assert!(!r.fix.ends_with('.'));
    }
}

#[test]
fn a_clean_grant_has_no_findings() {
    let text = allow(
        r#"["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"]"#,
        &format!("\"{FM}\""),
    );
    assert!(codes(&text, &ctx()).is_empty());
}

#[test]
fn boundaries_skip_breadth_rules_but_not_arn_rules() {
    let text = allow(
        r#"["bedrock:InvokeModel"]"#,
        r#"["*","arn:aws:bedrock:us-east-1:111122223333:foundation-model/amazon.nova-lite-v1:0"]"#,
    );
    assert_eq!(
        codes(&text, &ctx()),
        [
            "invoke-resource-wildcard",
            "foundation-model-arn-with-account",
            "streaming-missing"
        ]
    );
    let b = LintContext {
        boundary: true,
        ..ctx()
    };
    assert_eq!(codes(&text, &b), ["foundation-model-arn-with-account"]);
}

#[test]
fn deny_statements_do_not_count_as_grants() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"bedrock:*","Resource":"*"}]}"#;
    assert!(codes(text, &ctx()).is_empty());
}

#[test]
fn wildcard_account_and_region_are_not_flagged_as_wrong() {
    let text = allow(
        r#"["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"]"#,
        r#""arn:aws:bedrock:*:*:foundation-model/amazon.nova-lite-v1:0""#,
    );
    assert!(codes(&text, &ctx()).is_empty());
}

#[test]
fn unused_grant_needs_models() {
    let text = allow(
        r#"["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"]"#,
        &format!("\"{FM}\""),
    );
    let mut c = ctx();
    c.models = Some(["amazon.titan-embed-text-v2:0".to_string()].into());
    assert_eq!(codes(&text, &c), ["unused-grant"]);
    c.models = Some(["amazon.nova-lite-v1:0".to_string()].into());
    assert!(codes(&text, &c).is_empty());
}

#[test]
fn invalid_policies_are_errors_not_findings() {
    assert!(lint_text("{\"Statement\": [", &ctx()).is_err());
    assert!(lint_text(r#"{"Statement":[{"Effect":"Alow"}]}"#, &ctx()).is_err());
}

#[test]
fn a_lowercase_invoke_wildcard_on_every_foundation_model_is_an_error() {
    // Action names match case-insensitively, so `bedrock:invoke*` covers InvokeModel.
    let text = allow(
        r#""bedrock:invoke*""#,
        r#""arn:aws:bedrock:*::foundation-model/*""#,
    );
    let fs = lint_text(&text, &ctx()).unwrap();
    let codes: Vec<_> = fs.iter().map(|f| f.code).collect();
    assert!(codes.contains(&"invoke-resource-wildcard"), "{codes:?}");
    // One model, or a non-invoke action on every model, is not this finding.
    let one = allow(r#""bedrock:invoke*""#, &format!("\"{FM}\""));
    assert!(!codes_of(&one).contains(&"invoke-resource-wildcard"));
    let get = allow(
        r#""bedrock:GetFoundationModel""#,
        r#""arn:aws:bedrock:*::foundation-model/*""#,
    );
    assert!(!codes_of(&get).contains(&"invoke-resource-wildcard"));
}

#[test]
fn allow_invoke_with_not_resource_is_an_error_but_deny_is_not() {
    let allow_nr = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"bedrock:InvokeModel","NotResource":"{FM}"}}]}}"#
    );
    assert_eq!(codes_of(&allow_nr), ["not-resource-allow"]);
    let deny_nr = allow_nr.replace("\"Allow\"", "\"Deny\"");
    assert!(!codes_of(&deny_nr).contains(&"not-resource-allow"));
}

#[test]
fn a_profile_arn_without_account_never_matches() {
    let text = allow(
        r#""bedrock:InvokeModel""#,
        r#""arn:aws:bedrock:us-east-1::inference-profile/us.amazon.nova-lite-v1:0""#,
    );
    assert!(codes_of(&text).contains(&"profile-arn-without-account"));
}

fn codes_of(text: &str) -> Vec<&'static str> {
    codes(text, &ctx())
}

#[test]
fn legacy_model_is_reported_once_per_statement_and_model() {
    let m = "anthropic.claude-3-sonnet-20240229-v1:0";
    let arns = format!(
        r#"["arn:aws:bedrock:us-east-1::foundation-model/{m}","arn:aws:bedrock:us-west-2::foundation-model/{m}"]"#
    );
    let text = allow(
        r#"["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"]"#,
        &arns,
    );
    let n = codes_of(&text)
        .iter()
        .filter(|c| **c == "legacy-model")
        .count();
    assert_eq!(n, 1);
    // Two statements naming it are two findings.
    let two = text.replace(
        r#"]}]}"#,
        &format!(
            r#"]}},{{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"arn:aws:bedrock:us-east-1::foundation-model/{m}"}}]}}"#
        ),
    );
    let n = codes_of(&two)
        .iter()
        .filter(|c| **c == "legacy-model")
        .count();
    assert_eq!(n, 2);
}

#[test]
fn an_unconfirmed_region_is_a_warning_not_an_error() {
    use crate::catalog::Knowledge;
    // Any catalog model whose offer in some region is unconfirmed (region outside the
    // scan, or the model's scan incomplete) and that no profile routes there.
    let regions = [
        "us-east-1",
        "us-west-2",
        "eu-west-1",
        "ap-southeast-7",
        "mx-central-1",
    ];
    let case = catalog().models.iter().find_map(|m| {
        regions
            .iter()
            .find(|r| {
                m.offered_in(r) == Knowledge::Unknown
                    && !m.cross_region_profiles.iter().any(|p| {
                        p.destination_regions
                            .iter()
                            .any(|d| d == *r || d == crate::policy::generate::ALL_COMMERCIAL)
                    })
            })
            .map(|r| (m.model_id.clone(), r.to_string()))
    });
    let Some((id, region)) = case else {
        // A catalog that confirms everything has no such case; the rule is then moot.
        return;
    };
    let text = allow(
        r#""bedrock:GetFoundationModel""#,
        &format!("\"arn:aws:bedrock:{region}::foundation-model/{id}\""),
    );
    let fs = lint_text(&text, &ctx()).unwrap();
    let f = fs.iter().find(|f| f.code == "model-not-in-region");
    let f = f.unwrap_or_else(|| panic!("{id} in {region}: {fs:?}"));
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("does not confirm"), "{}", f.message);
}

/// Messages of the `shadowed-statement` findings of a list of statements.
fn shadowed_messages(statements: &[String]) -> Vec<String> {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    );
    lint_text(&text, &ctx())
        .unwrap()
        .into_iter()
        .filter(|f| f.code == "shadowed-statement")
        .map(|f| f.message)
        .collect()
}

fn st(sid: &str, actions: &str, resources: &str) -> String {
    format!(r#"{{"Sid":"{sid}","Effect":"Allow","Action":{actions},"Resource":{resources}}}"#)
}

/// The literal index of `shadowed` (issue 25, linear lint) finds what a scan of every
/// pair finds: case-insensitive actions, a pair that is not the broad one's first,
/// wildcard statements anywhere, and only the later of two identical statements.
#[test]
fn shadowed_statements_are_found_through_the_literal_index() {
    const FM2: &str = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0";
    let got = shadowed_messages(&[
        st("A", r#""bedrock:InvokeModel""#, &format!(r#""{FM}""#)),
        st("B", r#""bedrock:invokemodel""#, &format!(r#""{FM}""#)),
        st(
            "C",
            r#"["bedrock:InvokeModel","bedrock:Converse"]"#,
            &format!(r#"["{FM}","{FM2}"]"#),
        ),
        st("D", r#""bedrock:Converse""#, &format!(r#""{FM2}""#)),
        st("E", r#""bedrock:Get*""#, &format!(r#""{FM2}""#)),
        st(
            "F",
            r#""bedrock:GetFoundationModel""#,
            &format!(r#""{FM2}""#),
        ),
    ]);
    let want: Vec<String> = [("A", "C"), ("B", "A"), ("D", "C"), ("F", "E")]
        .iter()
        .map(|(n, b)| format!("statement `{n}` is covered by statement `{b}` and has no effect"))
        .collect();
    assert_eq!(got, want);
}

/// 5,000 literal statements and a wildcard one last: each literal one is covered by
/// the last (the scale the quadratic scan took 14.8 s on in a debug build).
#[test]
fn thousands_of_statements_are_each_matched_to_their_cover() {
    let mut sts: Vec<String> = (0..5_000)
        .map(|i| {
            st(
                &format!("S{i}"),
                r#""bedrock:InvokeModel""#,
                &format!(r#""arn:aws:bedrock:us-east-1::foundation-model/m{i}""#),
            )
        })
        .collect();
    sts.push(st("All", r#""bedrock:InvokeModel""#, r#""*""#));
    let got = shadowed_messages(&sts);
    assert_eq!(got.len(), 5_000);
    assert!(
        got.iter()
            .all(|m| m.ends_with("covered by statement `All` and has no effect")),
        "{:?}",
        got.first()
    );
}

/// Issue 22 (wild policy 30): `inference-profile/*` next to `foundation-model/*` in one
/// region: the `us.` profiles route to other US regions, which the statement lacks.
#[test]
fn wildcard_profiles_next_to_wildcard_models_in_one_region_are_flagged() {
    let text = allow(
        r#"["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"]"#,
        r#"["arn:aws:bedrock:us-east-1::foundation-model/*","arn:aws:bedrock:us-east-1:111122223333:inference-profile/*"]"#,
    );
    let fs = lint_text(&text, &ctx()).unwrap();
    let f = fs
        .iter()
        .find(|f| f.code == "profile-missing-destinations")
        .unwrap();
    assert!(f.message.contains("`us-east-2`"), "{}", f.message);
    assert!(
        f.message.contains("every commercial region"),
        "{}",
        f.message
    );
    // Granting every region's models closes the gap.
    let text = allow(
        r#"["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"]"#,
        r#"["arn:aws:bedrock:*::foundation-model/*","arn:aws:bedrock:us-east-1:111122223333:inference-profile/*"]"#,
    );
    assert!(!codes(&text, &ctx()).contains(&"profile-missing-destinations"));
}

fn with_condition(effect: &str, op: &str, key: &str, value: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Action":"bedrock:InvokeModel","Resource":"*","Condition":{{"{op}":{{"{key}":"{value}"}}}}}}]}}"#
    )
}

/// How a key no request carries plays out depends on the operator (IAM: a missing key
/// makes positive operators false, `IfExists`/negated/`ForAllValues` true, `Null`
/// true for "true").
#[test]
fn unknown_keys_kill_the_statement_only_for_operators_false_on_a_missing_key() {
    let message = |effect: &str, op: &str, value: &str| {
        let fs = lint_text(
            &with_condition(effect, op, "bedrock:modelId", value),
            &ctx(),
        )
        .unwrap();
        let f = fs
            .iter()
            .find(|f| f.code == "unknown-condition-key")
            .unwrap_or_else(|| panic!("{op}: {fs:?}"));
        (
            f.message.clone(),
            fs.iter().any(|f| f.code == "invoke-resource-wildcard"),
        )
    };
    for op in ["StringEquals", "StringLike", "ForAnyValue:StringEquals"] {
        let (m, wide) = message("Allow", op, "x");
        assert!(m.contains("this Allow never applies"), "{op}: {m}");
        assert!(!wide, "{op}: a dead Allow is not reported as wide");
    }
    for op in [
        "StringEqualsIfExists",
        "StringNotEquals",
        "ForAllValues:StringEquals",
    ] {
        let (m, wide) = message("Allow", op, "x");
        assert!(m.contains("limits nothing"), "{op}: {m}");
        assert!(
            wide,
            "{op}: the condition limits nothing, so the grant is wide"
        );
    }
    assert!(message("Allow", "Null", "true")
        .0
        .contains("limits nothing"));
    assert!(message("Allow", "Null", "false")
        .0
        .contains("never applies"));
    assert!(message("Deny", "StringEquals", "x")
        .0
        .contains("this Deny never applies"));
    // Known keys, in any case, are no finding.
    let text = with_condition("Allow", "StringEquals", "bedrock:INFERENCEPROFILEARN", "x");
    assert!(!codes(&text, &ctx()).contains(&"unknown-condition-key"));
}

#[test]
fn unknown_actions_are_checked_in_bedrock_only_and_case_insensitively() {
    let text = allow(
        r#"["bedrock:invokemodel","BEDROCK:InvokeModelWithResponseStream","s3:Converse","bedrock-mantle:Anything","bedrock:List*"]"#,
        &format!("\"{FM}\""),
    );
    let fs = lint_text(&text, &ctx()).unwrap();
    assert!(!fs.iter().any(|f| f.code == "unknown-action"), "{fs:?}");
}

#[test]
fn generated_policies_lint_clean() {
    use crate::policy::generate::tests::{load, BATCH, CONFIG};
    for yaml in [CONFIG, BATCH] {
        let (_dir, cfg) = load(yaml);
        for (role, doc) in crate::policy::generate_all(&cfg, "111122223333") {
            let text = serde_json::to_string_pretty(&doc).unwrap();
            let ctx = LintContext {
                models: None,
                today: "2026-01-01".into(),
                boundary: false,
            };
            let findings = lint_text(&text, &ctx).unwrap();
            assert!(findings.is_empty(), "{role}: {findings:#?}");
        }
    }
}
