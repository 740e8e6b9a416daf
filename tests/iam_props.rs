//! Property tests of the evaluator and the parser: adding a Deny never grants,
//! removing an Allow never grants, and the parser never panics on arbitrary or
//! mutated input while every error it reports carries an offset inside the text.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bedrockctl::iam::{
    check_policy_text, compile_text, evaluate, Context, Decision, PolicySet, Principal, Request,
};
use proptest::prelude::*;

const ACTIONS: &[&str] = &[
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
    "bedrock:*",
    "bedrock:Invoke*",
    "s3:GetObject",
    "*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:bedrock:*::foundation-model/*",
    "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
    "arn:aws:bedrock:us-west-2::foundation-model/*",
    "arn:aws:bedrock:*:111122223333:inference-profile/*",
];
const CONDITIONS: &[&str] = &[
    "",
    r#","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}"#,
    r#","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}"#,
    r#","Condition":{"Bool":{"aws:SecureTransport":"true"}}"#,
    r#","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#,
];

fn statement() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        0..ACTIONS.len(),
        any::<bool>(),
        0..RESOURCES.len(),
        0..CONDITIONS.len(),
    )
        .prop_map(|(allow, a, not_action, r, c)| {
            format!(
                r#"{{"Effect":"{}","{}":"{}","Resource":"{}"{}}}"#,
                if allow { "Allow" } else { "Deny" },
                if not_action { "NotAction" } else { "Action" },
                ACTIONS[a],
                RESOURCES[r],
                CONDITIONS[c]
            )
        })
}

fn policy(stmts: &[String]) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        stmts.join(",")
    )
}

fn decide(
    identity: &[Vec<String>],
    boundary: Option<&[String]>,
    scp: Option<&[String]>,
    req: (usize, &str, &Context),
) -> Decision {
    let set = PolicySet {
        identity: identity
            .iter()
            .map(|p| compile_text(&policy(p)).unwrap())
            .collect(),
        permissions_boundary: boundary.map(|b| compile_text(&policy(b)).unwrap()),
        scps: scp.map(|s| vec![vec![compile_text(&policy(s)).unwrap()]]),
        ..PolicySet::default()
    };
    let who = Principal::parse("arn:aws:iam::111122223333:role/app");
    let action = [
        "bedrock:InvokeModel",
        "bedrock:InvokeModelWithResponseStream",
        "s3:GetObject",
    ][req.0];
    let r = Request {
        principal: &who,
        action,
        resource: req.1,
        resource_account: "",
        context: req.2,
    };
    evaluate(&set, &r, &mut Vec::new()).decision
}

fn context(region: bool, vpce: bool, tls: bool) -> Context {
    let mut c = Context::default();
    if region {
        c.insert("aws:RequestedRegion", "us-east-1".into());
    }
    if vpce {
        c.insert("aws:SourceVpce", "vpce-1".into());
    }
    if tls {
        c.insert("aws:SecureTransport", "true".into());
    }
    c
}

fn resource() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
        "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
        "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.amazon.nova-lite-v1:0",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn adding_a_deny_never_grants(
        ident in prop::collection::vec(prop::collection::vec(statement(), 1..4), 0..3),
        boundary in prop::option::of(prop::collection::vec(statement(), 1..3)),
        scp in prop::option::of(prop::collection::vec(statement(), 1..3)),
        extra in statement(),
        where_ in 0..3usize,
        a in 0..3usize, res in resource(), flags in any::<(bool, bool, bool)>(),
    ) {
        let ctx = context(flags.0, flags.1, flags.2);
        let before = decide(&ident, boundary.as_deref(), scp.as_deref(), (a, res, &ctx));
        let deny = extra.replace("\"Allow\"", "\"Deny\"");
        let (mut i2, mut b2, mut s2) = (ident.clone(), boundary.clone(), scp.clone());
        match where_ {
            0 => { if i2.is_empty() { i2.push(vec![deny]) } else { i2[0].push(deny) } }
            1 => { if let Some(b) = b2.as_mut() { b.push(deny) } else if let Some(p) = i2.first_mut() { p.push(deny) } }
            _ => { if let Some(s) = s2.as_mut() { s.push(deny) } else { i2.push(vec![deny]) } }
        }
        let after = decide(&i2, b2.as_deref(), s2.as_deref(), (a, res, &ctx));
        prop_assert!(!(after == Decision::Allow && before != Decision::Allow), "{before:?} -> {after:?}");
        if before != Decision::Allow { prop_assert!(after != Decision::Allow); }
    }

    #[test]
    fn removing_an_allow_never_grants(
        ident in prop::collection::vec(prop::collection::vec(statement(), 1..4), 1..3),
        scp in prop::option::of(prop::collection::vec(statement(), 1..3)),
        pick in any::<prop::sample::Index>(),
        a in 0..3usize, res in resource(), flags in any::<(bool, bool, bool)>(),
    ) {
        let ctx = context(flags.0, flags.1, flags.2);
        let before = decide(&ident, None, scp.as_deref(), (a, res, &ctx));
        let mut i2 = ident.clone();
        let all: Vec<(usize, usize)> = i2.iter().enumerate()
            .flat_map(|(p, s)| (0..s.len()).map(move |j| (p, j)))
            .filter(|(p, j)| ident[*p][*j].contains("\"Allow\""))
            .collect();
        if !all.is_empty() {
            let (p, j) = all[pick.index(all.len())];
            i2[p].remove(j);
        }
        let i2: Vec<Vec<String>> = i2.into_iter().filter(|p| !p.is_empty()).collect();
        let after = decide(&i2, None, scp.as_deref(), (a, res, &ctx));
        if before != Decision::Allow { prop_assert!(after != Decision::Allow); }
    }

    #[test]
    fn parser_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        if let Err(errs) = check_policy_text(&text) {
            prop_assert!(!errs.is_empty());
            for e in errs { prop_assert!(e.offset <= text.len()); }
        }
    }

    #[test]
    fn parser_never_panics_on_mutated_policies(
        stmts in prop::collection::vec(statement(), 1..4),
        cut in any::<prop::sample::Index>(),
        insert in prop::sample::select(vec!["{", "}", "[", "]", "\"", ",", ":", "\\", "\\u12", "\u{e9}", "null", "1e", "-", "\"Effect\":\"X\"", ""]),
        delete in 0usize..4,
    ) {
        let base = policy(&stmts);
        prop_assert!(check_policy_text(&base).is_ok());
        let mut pos = cut.index(base.len() + 1);
        while !base.is_char_boundary(pos) { pos -= 1; }
        let mut end = (pos + delete).min(base.len());
        while !base.is_char_boundary(end) { end -= 1; }
        let mutated = format!("{}{}{}", &base[..pos], insert, &base[end.max(pos)..]);
        if let Err(errs) = check_policy_text(&mutated) {
            prop_assert!(!errs.is_empty());
            for e in errs {
                prop_assert!(e.offset <= mutated.len(), "{} > {}", e.offset, mutated.len());
            }
        }
    }
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    let text = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    let errs = check_policy_text(&text).unwrap_err();
    assert!(errs[0].message.contains("nesting"));
}
