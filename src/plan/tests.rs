//! Diff engine fixtures: small desired/live lists and the actions they must produce.

use super::desired::owned_tags;
use super::*;
use crate::account::{Kind, Resource, GLOBAL};
use serde_json::{json, Value};

const STACK: &str = "app";

fn res(kind: Kind, region: &str, name: &str, spec: Value, stack: Option<&str>) -> Resource {
    Resource {
        kind,
        region: region.into(),
        name: name.into(),
        id: None,
        spec: crate::account::spec::Spec::from_value(kind, spec).unwrap(),
        tags: stack
            .map(|s| owned_tags(s, &crate::config::Tags::new(), false))
            .unwrap_or_default(),
        status: None,
    }
}

fn live(mut r: Resource) -> Resource {
    r.id = Some(format!("id-{}", r.name));
    r
}

fn pt(name: &str, units: u32, stack: Option<&str>) -> Resource {
    res(
        Kind::ProvisionedThroughput,
        "us-east-1",
        name,
        json!({"model_id": "amazon.nova-lite-v1:0:24k", "model_units": units, "commitment": "none"}),
        stack,
    )
}

fn scope(kinds: &[(Kind, &str)]) -> Scope {
    Scope {
        stack: STACK.into(),
        lists: kinds.iter().map(|(k, r)| (*k, r.to_string())).collect(),
        ..Scope::default()
    }
}

/// Plan `desired` against `live` and compare `address action` lines with `expect`.
fn check_plan(scope: Scope, desired: Vec<Resource>, live: Vec<Resource>, expect: &[&str]) -> Plan {
    check_plan_with(scope, desired, live, DiffOptions::default(), expect)
}

fn check_plan_with(
    scope: Scope,
    desired: Vec<Resource>,
    live: Vec<Resource>,
    opts: DiffOptions,
    expect: &[&str],
) -> Plan {
    let d = Desired {
        scope,
        resources: desired,
        normalized: false,
    };
    let snap = Snapshot {
        account_id: "111122223333".into(),
        resources: live,
        models: vec![],
    };
    let plan = diff(&d, &snap, opts);
    let got: Vec<String> = plan
        .changes
        .iter()
        .map(|c| format!("{} {}", c.address(), c.action.as_str()))
        .collect();
    assert_eq!(got, expect, "plan: {plan:#?}");
    plan
}

const PT_US: (Kind, &str) = (Kind::ProvisionedThroughput, "us-east-1");

#[test]
fn create_when_absent() {
    let p = check_plan(
        scope(&[PT_US]),
        vec![pt("a", 1, Some(STACK))],
        vec![],
        &["provisioned_throughput.us-east-1.a create"],
    );
    assert_eq!(p.summary().add, 1);
    assert!(p.has_changes());
}

#[test]
fn no_op_when_equal_and_server_fields_ignored() {
    let mut l = live(pt("a", 1, Some(STACK)));
    l.spec = l
        .spec
        .edit(|v| v["commitment_expiration"] = json!(null))
        .unwrap();
    l.status = Some("InService".into());
    l.tags.insert("aws:cloudformation:stack".into(), "x".into());
    let p = check_plan(
        scope(&[PT_US]),
        vec![pt("a", 1, Some(STACK))],
        vec![l],
        &["provisioned_throughput.us-east-1.a no-op"],
    );
    assert!(!p.has_changes());
    assert!(render_text::render_text(&p).contains("No changes."));
}

#[test]
fn model_units_force_replace_and_model_updates_in_place() {
    let p = check_plan(
        scope(&[PT_US]),
        vec![pt("a", 2, Some(STACK))],
        vec![live(pt("a", 1, Some(STACK)))],
        &["provisioned_throughput.us-east-1.a replace"],
    );
    assert!(p.changes[0].attrs[0].forces_replace);
    assert_eq!(p.drift.len(), 1);
    let mut d = pt("a", 1, Some(STACK));
    d.spec = d
        .spec
        .edit(|v| v["model_id"] = json!("amazon.nova-lite-v1:0:300k"))
        .unwrap();
    check_plan(
        scope(&[PT_US]),
        vec![d],
        vec![live(pt("a", 1, Some(STACK)))],
        &["provisioned_throughput.us-east-1.a update"],
    );
}

#[test]
fn pt_rename_updates_in_place_with_the_model() {
    let mut d = pt("b", 1, Some(STACK));
    d.spec = d
        .spec
        .edit(|v| v["model_id"] = json!("amazon.nova-lite-v1:0:300k"))
        .unwrap();
    let p = check_plan(
        scope(&[PT_US]),
        vec![d],
        vec![live(pt("a", 1, Some(STACK)))],
        &["provisioned_throughput.us-east-1.b update"],
    );
    let c = &p.changes[0];
    let paths: Vec<&str> = c.attrs.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, ["name", "model_id"]);
    assert_eq!(c.before.as_ref().map(|b| b.name.as_str()), Some("a"));
    assert_eq!(c.after.as_ref().and_then(|a| a.id.as_deref()), Some("id-a"));
    assert!(render_text::render_text(&p).contains("1 to change"));
}

#[test]
fn pt_rename_is_not_guessed_when_ambiguous_or_a_new_purchase() {
    // Two owned candidates with the same purchase: which one was renamed is unknowable.
    check_plan(
        scope(&[PT_US]),
        vec![pt("c", 1, Some(STACK))],
        vec![live(pt("a", 1, Some(STACK))), live(pt("b", 1, Some(STACK)))],
        &[
            "provisioned_throughput.us-east-1.a delete",
            "provisioned_throughput.us-east-1.b delete",
            "provisioned_throughput.us-east-1.c create",
        ],
    );
    // Other model units: a new purchase, never an in-place rename.
    check_plan(
        scope(&[PT_US]),
        vec![pt("b", 2, Some(STACK))],
        vec![live(pt("a", 1, Some(STACK)))],
        &[
            "provisioned_throughput.us-east-1.a delete",
            "provisioned_throughput.us-east-1.b create",
        ],
    );
    // A purchase this stack does not own is never taken over by a rename.
    check_plan(
        scope(&[PT_US]),
        vec![pt("b", 1, Some(STACK))],
        vec![live(pt("a", 1, None))],
        &["provisioned_throughput.us-east-1.b create"],
    );
}

#[test]
fn owned_leftovers_are_deleted_others_left_alone() {
    let p = check_plan_with(
        scope(&[PT_US]),
        vec![],
        vec![
            live(pt("mine", 1, Some(STACK))),
            live(pt("theirs", 1, Some("other"))),
            live(pt("manual", 1, None)),
        ],
        DiffOptions {
            show_unmanaged: true,
            ..DiffOptions::default()
        },
        &["provisioned_throughput.us-east-1.mine delete"],
    );
    assert_eq!(p.unmanaged.len(), 2);
}

#[test]
fn kinds_and_regions_outside_the_scope_are_invisible() {
    check_plan(
        scope(&[PT_US]),
        vec![],
        vec![
            live(pt("west", 1, Some(STACK))).with_region("us-west-2"),
            live(res(
                Kind::Alarm,
                "us-east-1",
                "al",
                json!({"namespace": "AWS/Bedrock", "metric": "Invocations", "statistic": "Sum",
                    "period": 60, "evaluation_periods": 1, "threshold": 1,
                    "comparison": "GreaterThanThreshold"}),
                Some(STACK),
            )),
        ],
        &[],
    );
}

trait WithRegion {
    fn with_region(self, r: &str) -> Self;
}

impl WithRegion for Resource {
    fn with_region(mut self, r: &str) -> Self {
        self.region = r.into();
        self
    }
}

#[test]
fn other_stacks_name_is_a_conflict() {
    let p = check_plan(
        scope(&[PT_US]),
        vec![pt("a", 1, Some(STACK))],
        vec![live(pt("a", 1, Some("other")))],
        &[],
    );
    assert_eq!(p.conflicts.len(), 1);
    assert_eq!(p.conflicts[0].owner, "other");
}

#[test]
fn untagged_resource_named_in_config_is_refused_without_adopt() {
    let p = check_plan(
        scope(&[PT_US]),
        vec![pt("a", 1, Some(STACK))],
        vec![live(pt("a", 1, None))],
        &[],
    );
    assert_eq!(p.conflicts.len(), 1);
    let why = p.conflicts[0].reason.as_deref().unwrap_or_default();
    assert!(
        why.contains("already exists and is not owned") && why.contains("import"),
        "{why}"
    );
}

#[test]
fn untagged_resource_named_in_config_is_adopted_with_adopt_keeping_its_tags() {
    let mut unowned = live(pt("a", 1, None));
    unowned.tags.insert("team".into(), "search".into());
    let p = check_plan_with(
        scope(&[PT_US]),
        vec![pt("a", 1, Some(STACK))],
        vec![unowned],
        DiffOptions {
            adopt: true,
            ..DiffOptions::default()
        },
        &["provisioned_throughput.us-east-1.a update"],
    );
    assert!(p.changes[0].adopt);
    assert_eq!(p.changes[0].attrs[0].path, "tags");
    let after = p.changes[0]
        .after
        .as_ref()
        .map(|a| a.tags.clone())
        .unwrap_or_default();
    assert_eq!(after.get("team").map(String::as_str), Some("search"));
    assert!(p.drift.is_empty(), "adoption is not drift");
}

#[test]
fn refresh_only_reports_drift_only() {
    let p = check_plan_with(
        scope(&[PT_US]),
        vec![pt("a", 2, Some(STACK)), pt("new", 1, Some(STACK))],
        vec![live(pt("a", 1, Some(STACK)))],
        DiffOptions {
            refresh_only: true,
            ..DiffOptions::default()
        },
        &[],
    );
    assert_eq!(p.drift.len(), 1);
    assert!(p.has_changes());
    let j = render_json::plan_json(&p);
    assert_eq!(
        j["drift"][0]["address"],
        "provisioned_throughput.us-east-1.a"
    );
    assert_eq!(j["resource_changes"], json!([]));
}

#[test]
fn policy_documents_compare_semantically() {
    let role = |doc: Value| {
        res(
            Kind::IamRole,
            GLOBAL,
            "r",
            json!({"assume_role_policy": doc, "inline_policies": {}, "managed_policies": []}),
            Some(STACK),
        )
    };
    let a = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}});
    let b = json!({"Statement": [{"Action": ["sts:AssumeRole"], "Effect": "Allow",
        "Principal": {"Service": ["lambda.amazonaws.com"]}}], "Version": "2012-10-17"});
    check_plan(
        scope(&[(Kind::IamRole, GLOBAL)]),
        vec![role(a)],
        vec![live(role(b))],
        &["iam_role.global.r no-op"],
    );
}

#[test]
fn inference_profile_change_replaces_tags_update() {
    let prof = |from: &str, extra: Option<(&str, &str)>| {
        let mut r = res(
            Kind::InferenceProfile,
            "us-east-1",
            "p",
            json!({"copy_from": from}),
            Some(STACK),
        );
        if let Some((k, v)) = extra {
            r.tags.insert(k.into(), v.into());
        }
        r
    };
    let sc = || scope(&[(Kind::InferenceProfile, "us-east-1")]);
    check_plan(
        sc(),
        vec![prof("arn:b", None)],
        vec![live(prof("arn:a", None))],
        &["inference_profile.us-east-1.p replace"],
    );
    check_plan(
        sc(),
        vec![prof("arn:a", Some(("cost-center", "42")))],
        vec![live(prof("arn:a", None))],
        &["inference_profile.us-east-1.p update"],
    );
}

#[test]
fn logging_is_owned_by_declared_region() {
    let lg = |region: &str| {
        res(
            Kind::InvocationLogging,
            region,
            "default",
            json!({"text": true, "image": false, "embedding": false, "video": false, "audio": false}),
            None,
        )
    };
    let mut sc = scope(&[
        (Kind::InvocationLogging, "us-east-1"),
        (Kind::InvocationLogging, "us-west-2"),
    ]);
    sc.logging_regions.insert("us-east-1".into());
    // Destroy removes the declared region's config and leaves the other region alone.
    check_plan_with(
        sc,
        vec![lg("us-east-1")],
        vec![live(lg("us-east-1")), live(lg("us-west-2"))],
        DiffOptions {
            destroy: true,
            ..DiffOptions::default()
        },
        &["invocation_logging.us-east-1.default delete"],
    );
}

#[test]
fn guardrail_versions_match_by_content() {
    let g = json!({"blocked_input_message": "i", "blocked_output_message": "o",
        "custom_words": ["b", "a"], "publish_version": true});
    let gv = |snapshot: Value, name: &str, version: &str| {
        res(
            Kind::GuardrailVersion,
            "us-east-1",
            name,
            json!({"guardrail": "g", "version": version, "snapshot": snapshot}),
            Some(STACK),
        )
    };
    let sc = || {
        scope(&[
            (Kind::Guardrail, "us-east-1"),
            (Kind::GuardrailVersion, "us-east-1"),
        ])
    };
    let guard = res(Kind::Guardrail, "us-east-1", "g", g.clone(), Some(STACK));
    let mut same = g.clone();
    same["custom_words"] = json!(["a", "b"]);
    same["publish_version"] = json!(false);
    check_plan(
        sc(),
        vec![guard.clone(), gv(g.clone(), "g", "")],
        vec![live(guard.clone()), live(gv(same, "g:1", "1"))],
        &[
            "guardrail.us-east-1.g no-op",
            "guardrail_version.us-east-1.g:1 no-op",
        ],
    );
    let mut old = g.clone();
    old["blocked_input_message"] = json!("old");
    check_plan(
        sc(),
        vec![guard.clone(), gv(g.clone(), "g", "")],
        vec![live(guard), live(gv(old, "g:1", "1"))],
        &[
            "guardrail.us-east-1.g no-op",
            "guardrail_version.us-east-1.g create",
        ],
    );
}

#[test]
fn text_render_shows_symbols_and_summary() {
    let p = check_plan(
        scope(&[PT_US]),
        // `new` buys other units than `old`, so it is not a rename of it.
        vec![pt("new", 2, Some(STACK)), pt("big", 3, Some(STACK))],
        vec![
            live(pt("big", 1, Some(STACK))),
            live(pt("old", 1, Some(STACK))),
        ],
        &[
            "provisioned_throughput.us-east-1.big replace",
            "provisioned_throughput.us-east-1.new create",
            "provisioned_throughput.us-east-1.old delete",
        ],
    );
    let t = render_text::render_text(&p);
    assert!(
        t.contains("-/+ provisioned_throughput.us-east-1.big"),
        "{t}"
    );
    assert!(
        t.contains("  + provisioned_throughput.us-east-1.new"),
        "{t}"
    );
    assert!(
        t.contains("  - provisioned_throughput.us-east-1.old"),
        "{t}"
    );
    assert!(
        t.contains("model_units = 1 -> 3 # forces replacement"),
        "{t}"
    );
    assert!(
        t.contains("Plan: 1 to add, 0 to change, 1 to replace, 1 to destroy."),
        "{t}"
    );
}

#[test]
fn saved_plan_goes_stale_when_live_changes() {
    let sc = scope(&[PT_US]);
    let d = Desired {
        scope: sc,
        resources: vec![pt("a", 2, Some(STACK))],
        normalized: false,
    };
    let mut snap = Snapshot {
        account_id: "111122223333".into(),
        resources: vec![live(pt("a", 1, Some(STACK)))],
        models: vec![],
    };
    let p = diff(&d, &snap, DiffOptions::default());
    let saved = saved::save(&p, &snap, "bedrock.yaml", "d1");
    let text = serde_json::to_string(&saved).unwrap();
    let back = saved::parse(&text).unwrap();
    assert!(saved::check_fresh(&back, "d1", &p, &snap).is_ok());
    assert!(saved::check_fresh(&back, "d2", &p, &snap)
        .unwrap_err()
        .to_string()
        .contains("stale"));
    snap.resources[0].spec = snap.resources[0]
        .spec
        .edit(|v| v["model_id"] = json!("other"))
        .unwrap();
    let p2 = diff(&d, &snap, DiffOptions::default());
    let err = saved::check_fresh(&back, "d1", &p2, &snap)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("stale") && err.contains("provisioned_throughput.us-east-1.a"),
        "{err}"
    );
}

/// A thousand pairs: replacements, no-ops and conflicts land where they belong, and
/// conflicts keep the desired order.
#[test]
fn large_plans_sort_every_pair_correctly() {
    let n = 1_000;
    let desired: Vec<Resource> = (0..n)
        .map(|i| pt(&format!("p{i:04}"), 1, Some(STACK)))
        .collect();
    let live: Vec<Resource> = (0..n)
        .map(|i| {
            let stack = if i % 97 == 0 {
                Some("other")
            } else {
                Some(STACK)
            };
            live(pt(
                &format!("p{i:04}"),
                if i % 10 == 0 { 2 } else { 1 },
                stack,
            ))
        })
        .collect();
    let d = Desired {
        scope: scope(&[PT_US]),
        resources: desired,
        normalized: false,
    };
    let snap = Snapshot {
        account_id: "111122223333".into(),
        resources: live,
        models: vec![],
    };
    let plan = diff(&d, &snap, DiffOptions::default());
    let conflicts = (0..n).filter(|i| i % 97 == 0).count();
    assert_eq!(plan.conflicts.len(), conflicts);
    assert_eq!(plan.changes.len(), n - conflicts);
    for (c, i) in plan.changes.iter().zip((0..n).filter(|i| i % 97 != 0)) {
        assert_eq!(c.name, format!("p{i:04}"));
        let want = if i % 10 == 0 {
            Action::Replace
        } else {
            Action::NoOp
        };
        assert_eq!(c.action, want, "{}", c.name);
    }
    let conflict_names: Vec<&str> = plan.conflicts.iter().map(|c| c.address.as_str()).collect();
    let mut sorted = conflict_names.clone();
    sorted.sort();
    assert_eq!(conflict_names, sorted, "desired order kept");
}

mod same_props {
    use super::super::diff::same;
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (0u8..4).prop_map(Value::from),
            "[ab]{0,2}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("[a-c]", inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// The same value with every object's keys in reverse order.
    fn reversed(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, x) in m.iter().rev() {
                    out.insert(k.clone(), reversed(x));
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(reversed).collect()),
            other => other.clone(),
        }
    }

    proptest! {
        #[test]
        fn same_is_equality(a in json(), b in json()) {
            prop_assert_eq!(same(&a, &b), a == b);
            let r = reversed(&b);
            prop_assert_eq!(same(&a, &r), a == r);
            prop_assert!(same(&b, &r));
        }
    }
}
