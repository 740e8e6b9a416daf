//! Per-kind behaviour: CRUD, limits and error codes of each resource kind.

use super::*;

#[tokio::test]
async fn guardrail_crud_and_validation() {
    let (_d, sb) = sandbox();
    let g = sb
        .create(
            &res(Kind::Guardrail, R, "safety", guardrail_spec()),
            "tok-1",
        )
        .await
        .unwrap();
    let id = g.id.clone().unwrap();
    let short = id.rsplit('/').next().unwrap();
    assert!(
        id.starts_with("arn:aws:bedrock:us-east-1:111122223333:guardrail/"),
        "{id}"
    );
    assert_eq!(short.len(), 12);
    assert!(short
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    assert_eq!(g.status.as_deref(), Some("READY"));
    assert_eq!(sb.list(Kind::Guardrail, R).await.unwrap(), vec![g.clone()]);
    assert!(sb
        .list(Kind::Guardrail, "us-west-2")
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        sb.get(Kind::Guardrail, R, short).await.unwrap().as_ref(),
        Some(&g)
    );

    // Update the draft in place.
    let mut want = g.clone();
    want.spec = want
        .spec
        .edit(|v| v["blocked_input_message"] = json!("No."))
        .unwrap();
    want.tags.insert("team".into(), "ml".into());
    let u = sb.update(&g, &want).await.unwrap();
    assert_eq!(u.id, g.id);
    assert_eq!(u.spec.to_value()["blocked_input_message"], "No.");
    // Lists come back in canonical order whatever order they were sent in.
    let mut shuffled = u.clone();
    shuffled.spec = shuffled
        .spec
        .edit(|v| v["custom_words"] = json!(["zeta", "alpha"]))
        .unwrap();
    let s = sb.update(&u, &shuffled).await.unwrap();
    assert_eq!(s.spec.to_value()["custom_words"], json!(["alpha", "zeta"]));
    assert_eq!(u.tags.get("team").map(String::as_str), Some("ml"));

    // Duplicate name → ConflictException.
    let e = err(sb.create(
        &res(Kind::Guardrail, R, "safety", guardrail_spec()),
        "tok-2",
    ))
    .await;
    assert_eq!(e.code, "ConflictException");

    // Name pattern, message length, enum, list size: all reported at once.
    let mut bad = guardrail_spec();
    bad["blocked_input_message"] = json!("x".repeat(501));
    bad["content_filters"] = json!([{"type": "GORE", "input": "HIGH", "output": "HIGH"}]);
    bad["regexes"] = json!((0..11)
        .map(|i| json!({"name": format!("r{i}"), "pattern": "a+", "action": "BLOCK"}))
        .collect::<Vec<_>>());
    let e = err(sb.create(&res(Kind::Guardrail, R, "bad name", bad), "")).await;
    assert_eq!(e.code, "ValidationException");
    assert!(
        e.message.starts_with("4 validation errors detected: "),
        "{}",
        e.message
    );
    assert!(e.message.contains("Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_]+"), "{}", e.message);
    assert!(e.message.contains("at 'blockedInputMessaging' failed to satisfy constraint: Member must have length less than or equal to 500"));
    assert!(e.message.contains("Value 'GORE' at 'contentPolicyConfig.filtersConfig.1.member.type' failed to satisfy constraint: Member must satisfy enum value set: [SEXUAL, VIOLENCE, HATE, INSULTS, MISCONDUCT, PROMPT_ATTACK]"));
    assert!(e.message.contains("'sensitiveInformationPolicyConfig.regexesConfig' failed to satisfy constraint: Member must have length less than or equal to 10"));

    let mut topics = guardrail_spec();
    topics["denied_topics"] =
        json!([{"name": "Investment/advice", "definition": "d", "examples": []}]);
    topics["grounding_threshold"] = json!(1.5);
    let e = err(sb.create(&res(Kind::Guardrail, R, "t", topics), "")).await;
    assert!(
        e.message
            .contains("topicPolicyConfig.topicsConfig.1.member.name"),
        "{}",
        e.message
    );
    assert!(
        e.message
            .contains("Member must have value less than or equal to 0.99"),
        "{}",
        e.message
    );

    sb.delete(&u).await.unwrap();
    assert!(sb.list(Kind::Guardrail, R).await.unwrap().is_empty());
    let e = sb.delete(&u).await.unwrap_err();
    assert_eq!(e.code, "ResourceNotFoundException");
}

#[tokio::test]
async fn guardrail_versions_snapshot_the_draft() {
    let (_d, sb) = sandbox();
    let g = sb
        .create(&res(Kind::Guardrail, R, "safety", guardrail_spec()), "")
        .await
        .unwrap();
    let ask = res(
        Kind::GuardrailVersion,
        R,
        "safety",
        json!({"guardrail": "safety", "snapshot": guardrail_spec()}),
    );
    let v1 = sb.create(&ask, "v-tok-1").await.unwrap();
    assert_eq!(v1.name, "safety:1");
    assert_eq!(v1.spec.to_value()["version"], "1");
    assert_eq!(
        v1.id.as_deref(),
        Some(format!("{}:1", g.id.as_deref().unwrap()).as_str())
    );
    // Same token → the same version, not a second one.
    assert_eq!(sb.create(&ask, "v-tok-1").await.unwrap(), v1);

    let mut draft = g.clone();
    draft.spec = draft
        .spec
        .edit(|v| v["blocked_output_message"] = json!("Changed."))
        .unwrap();
    sb.update(&g, &draft).await.unwrap();
    let v2 = sb.create(&ask, "v-tok-2").await.unwrap();
    assert_eq!(v2.name, "safety:2");
    assert_eq!(
        v2.spec.to_value()["snapshot"]["blocked_output_message"],
        "Changed."
    );
    assert_eq!(
        v1.spec.to_value()["snapshot"]["blocked_output_message"],
        "Sorry, I can't answer that."
    );

    // Versions are immutable.
    let mut changed = v1.clone();
    changed.spec = changed
        .spec
        .edit(|v| v["snapshot"]["blocked_input_message"] = json!("x"))
        .unwrap();
    let e = sb.update(&v1, &changed).await.unwrap_err();
    assert_eq!(e.code, "ValidationException");

    // Deleting a version does not free its number.
    sb.delete(&v2).await.unwrap();
    let v3 = sb.create(&ask, "v-tok-3").await.unwrap();
    assert_eq!(v3.name, "safety:3");

    // Unknown guardrail → ResourceNotFoundException.
    let e = err(sb.create(
        &res(
            Kind::GuardrailVersion,
            R,
            "x",
            json!({"guardrail": "nope", "snapshot": guardrail_spec()}),
        ),
        "",
    ))
    .await;
    assert_eq!(e.code, "ResourceNotFoundException");

    // Versions go with their guardrail.
    sb.delete(&g).await.unwrap();
    assert!(sb.list(Kind::GuardrailVersion, R).await.unwrap().is_empty());
}

#[tokio::test]
async fn provisioned_throughput_lifecycle() {
    let (_d, sb) = sandbox_with(Options {
        pt_ready_ms: 150,
        today: Some("2026-01-15".into()),
        ..Options::default()
    });
    let pt = sb
        .create(
            &res(
                Kind::ProvisionedThroughput,
                R,
                "lite-pt",
                pt_spec("amazon.nova-lite-v1:0:24k", 1, "none"),
            ),
            "pt-tok",
        )
        .await
        .unwrap();
    let id = pt.id.clone().unwrap();
    let (prefix, short) = id.rsplit_once('/').unwrap();
    assert_eq!(
        prefix,
        "arn:aws:bedrock:us-east-1:111122223333:provisioned-model"
    );
    assert!(
        short.len() == 12
            && short
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    assert_eq!(pt.status.as_deref(), Some("Creating"));
    assert!(pt.spec.to_value().get("commitment_expiration").is_none());
    let sb = later(&sb, 200);
    let live = sb
        .get(Kind::ProvisionedThroughput, R, "lite-pt")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(live.status.as_deref(), Some("InService"));

    // Rename and same-family model change are in place; units are not.
    let mut want = live.clone();
    want.name = "lite-pt-2".into();
    want.spec = want
        .spec
        .edit(|v| v["model_id"] = json!("amazon.nova-lite-v1:0:300k"))
        .unwrap();
    let u = sb.update(&live, &want).await.unwrap();
    assert_eq!(
        (u.name.as_str(), u.id.as_deref()),
        ("lite-pt-2", Some(id.as_str()))
    );
    let mut more = u.clone();
    more.spec = more.spec.edit(|v| v["model_units"] = json!(2)).unwrap();
    let e = sb.update(&u, &more).await.unwrap_err();
    assert_eq!(e.code, "ValidationException");
    assert!(e.message.contains("cannot be updated"), "{}", e.message);
    let mut other = u.clone();
    other.spec = other
        .spec
        .edit(|v| v["model_id"] = json!("amazon.nova-pro-v1:0"))
        .unwrap();
    let e = sb.update(&u, &other).await.unwrap_err();
    assert!(e.message.contains("same foundation model"), "{}", e.message);

    sb.delete(&u).await.unwrap();
    assert!(sb
        .list(Kind::ProvisionedThroughput, R)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn provisioned_throughput_rules() {
    let (_d, sb) = sandbox();
    let mk = |name: &str, model: &str, units: u32, c: &str| {
        res(
            Kind::ProvisionedThroughput,
            R,
            name,
            pt_spec(model, units, c),
        )
    };
    // Limits.
    let e = err(sb.create(&mk("-bad", "amazon.nova-lite-v1:0:24k", 0, "weekly"), "")).await;
    assert!(
        e.message.starts_with("3 validation errors detected"),
        "{}",
        e.message
    );
    assert!(e
        .message
        .contains("Member must satisfy regular expression pattern: ([0-9a-zA-Z][_-]?)+"));
    assert!(e.message.contains("Value '0' at 'modelUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"));
    // Unknown id.
    let e = err(sb.create(&mk("a", "amazon.nova-lite-v9", 1, "none"), "")).await;
    assert_eq!(e.message, models::INVALID_ID);
    // Purchase id in a region the catalog does not list for it.
    let e = err(sb.create(
        &res(
            Kind::ProvisionedThroughput,
            "us-west-2",
            "a",
            pt_spec("amazon.nova-lite-v1:0:24k", 1, "none"),
        ),
        "",
    ))
    .await;
    assert!(
        e.message.contains("not available in region us-west-2"),
        "{}",
        e.message
    );
    // Legacy model: no new throughput.
    let e = err(sb.create(
        &mk("a", "anthropic.claude-3-haiku-20240307-v1:0", 1, "none"),
        "",
    ))
    .await;
    assert_eq!(e.code, "ValidationException");
    assert!(e.message.contains("Legacy"), "{}", e.message);
    // Too many tags.
    let mut many = mk("a", "amazon.nova-lite-v1:0:24k", 1, "none");
    for i in 0..201 {
        many.tags.insert(format!("k{i}"), "v".into());
    }
    assert_eq!(err(sb.create(&many, "")).await.code, "TooManyTagsException");

    // Commitment: deletion refused until the term ends.
    let pt = sb
        .create(
            &mk("committed", "amazon.nova-lite-v1:0:24k", 1, "one_month"),
            "",
        )
        .await
        .unwrap();
    let exp = pt.spec.to_value()["commitment_expiration"]
        .as_str()
        .unwrap()
        .to_string();
    let exp_ms = clock::parse_rfc3339(&exp).unwrap();
    let gap = exp_ms - clock::now_ms(0);
    assert!((27 * 86_400_000..=32 * 86_400_000).contains(&gap), "{exp}");
    let e = sb.delete(&pt).await.unwrap_err();
    assert_eq!(e.code, "ValidationException");
    assert!(
        e.message.contains("commitment term has not ended"),
        "{}",
        e.message
    );
    assert_eq!(
        sb.list(Kind::ProvisionedThroughput, R).await.unwrap().len(),
        1
    );
    let later = Sandbox::open_with(
        sb.dir(),
        Options {
            clock_skew_ms: 32 * 86_400_000,
            ..sb.options().clone()
        },
    )
    .unwrap();
    later.delete(&pt).await.unwrap();
    assert!(sb
        .list(Kind::ProvisionedThroughput, R)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn end_of_life_blocks_provisioning_and_copying() {
    // Claude 3.5 Sonnet v1 reaches end of life on 2026-06-01 (catalog).
    let id = "anthropic.claude-3-5-sonnet-20240620-v1:0";
    let (_d, sb) = sandbox_with(Options {
        today: Some("2026-07-01".into()),
        ..Options::default()
    });
    let e = err(sb.create(
        &res(
            Kind::ProvisionedThroughput,
            R,
            "old",
            pt_spec(id, 1, "none"),
        ),
        "",
    ))
    .await;
    assert_eq!(e.message, models::END_OF_LIFE);
    let copy = json!({"copy_from": format!("arn:aws:bedrock:{R}::foundation-model/{id}")});
    let e = err(sb.create(&res(Kind::InferenceProfile, R, "old", copy), "")).await;
    assert_eq!(e.message, models::END_OF_LIFE);
    let st = sb.model_status(R, id).await.unwrap();
    assert!(!st.exists);
}

#[tokio::test]
async fn inference_profile_rules() {
    let (_d, sb) = sandbox();
    let from = |s: &str| json!({"copy_from": s, "description": "team chat"});
    let p = sb
        .create(&res(Kind::InferenceProfile, R, "chat app", from("arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.amazon.nova-lite-v1:0")), "p1")
        .await
        .unwrap();
    let id = p.id.clone().unwrap();
    assert!(
        id.starts_with("arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/"),
        "{id}"
    );
    assert_eq!(p.status.as_deref(), Some("ACTIVE"));
    // Retry with the same token: same profile.
    let again = sb
        .create(&res(Kind::InferenceProfile, R, "chat app", from("arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.amazon.nova-lite-v1:0")), "p1")
        .await
        .unwrap();
    assert_eq!(again.id, p.id);
    assert_eq!(sb.list(Kind::InferenceProfile, R).await.unwrap().len(), 1);
    // Token reused for a different name.
    let e = err(sb.create(
        &res(
            Kind::InferenceProfile,
            R,
            "other",
            from("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"),
        ),
        "p1",
    ))
    .await;
    assert_eq!(e.code, "ConflictException");
    // Duplicate name.
    let e = err(sb.create(
        &res(
            Kind::InferenceProfile,
            R,
            "chat app",
            from("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"),
        ),
        "",
    ))
    .await;
    assert_eq!(e.code, "ConflictException");
    // System profile from a region it does not serve.
    let e = err(sb.create(
        &res(
            Kind::InferenceProfile,
            "eu-west-1",
            "x",
            from(
                "arn:aws:bedrock:eu-west-1:111122223333:inference-profile/us.amazon.nova-lite-v1:0",
            ),
        ),
        "",
    ))
    .await;
    assert_eq!(e.code, "ResourceNotFoundException");
    // Not an application-profile region.
    let e = err(sb.create(
        &res(
            Kind::InferenceProfile,
            "eu-north-1",
            "x",
            from("arn:aws:bedrock:eu-north-1::foundation-model/amazon.nova-lite-v1:0"),
        ),
        "",
    ))
    .await;
    assert!(
        e.message.contains("not supported in region eu-north-1"),
        "{}",
        e.message
    );
    // Bad ARN shape.
    let e = err(sb.create(
        &res(
            Kind::InferenceProfile,
            R,
            "x",
            from("amazon.nova-lite-v1:0"),
        ),
        "",
    ))
    .await;
    assert!(
        e.message.contains("at 'modelSource.copyFrom'"),
        "{}",
        e.message
    );
    // Only tags update.
    let mut tagged = p.clone();
    tagged.tags.insert("cost-center".into(), "42".into());
    assert_eq!(
        sb.update(&p, &tagged)
            .await
            .unwrap()
            .tags
            .get("cost-center")
            .map(String::as_str),
        Some("42")
    );
    let mut moved = p.clone();
    moved.spec = moved
        .spec
        .edit(|v| v["description"] = json!("other"))
        .unwrap();
    assert_eq!(
        sb.update(&p, &moved).await.unwrap_err().code,
        "ValidationException"
    );
    sb.delete(&p).await.unwrap();
}

#[tokio::test]
async fn invocation_logging_needs_a_role_bedrock_can_assume() {
    let (_d, sb) = sandbox();
    let role_arn = "arn:aws:iam::111122223333:role/bedrock-logs";
    let spec = json!({"cloudwatch": {"log_group": "/bedrock/invocations", "role_arn": role_arn},
        "text": true, "image": false, "embedding": false, "video": false, "audio": false});
    let e = err(sb.create(
        &res(Kind::InvocationLogging, R, "default", spec.clone()),
        "",
    ))
    .await;
    assert_eq!(e.code, "ValidationException");
    assert!(e.message.contains("does not exist"), "{}", e.message);
    sb.create(&res(Kind::IamRole, GLOBAL, "bedrock-logs", role_spec()), "")
        .await
        .unwrap();
    let l = sb
        .create(
            &res(Kind::InvocationLogging, R, "default", spec.clone()),
            "",
        )
        .await
        .unwrap();
    assert!(l.tags.is_empty(), "invocation logging is untaggable");
    assert_eq!(l.id.as_deref(), Some("default"));
    // A second put overwrites the one configuration.
    let mut s2 = spec.clone();
    s2["image"] = json!(true);
    sb.create(&res(Kind::InvocationLogging, R, "default", s2), "")
        .await
        .unwrap();
    let all = sb.list(Kind::InvocationLogging, R).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].spec.to_value()["image"], true);
    let nothing =
        json!({"text": true, "image": false, "embedding": false, "video": false, "audio": false});
    assert_eq!(
        err(sb.create(&res(Kind::InvocationLogging, R, "default", nothing), ""))
            .await
            .code,
        "ValidationException"
    );
    let bucket = json!({"s3": {"bucket": "ab"}, "text": true, "image": false, "embedding": false, "video": false, "audio": false});
    let e = err(sb.create(&res(Kind::InvocationLogging, R, "default", bucket), "")).await;
    assert!(
        e.message.contains("'loggingConfig.s3Config.bucketName'"),
        "{}",
        e.message
    );
    sb.delete(&all[0]).await.unwrap();
    assert!(sb
        .list(Kind::InvocationLogging, R)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn alarms_upsert_and_validate() {
    let (_d, sb) = sandbox();
    let a = sb
        .create(&res(Kind::Alarm, R, "throttles", alarm_spec(60, 5)), "")
        .await
        .unwrap();
    assert_eq!(
        a.id.as_deref(),
        Some("arn:aws:cloudwatch:us-east-1:111122223333:alarm:throttles")
    );
    // Creating an existing name is PutMetricAlarm: an upsert, tags ignored.
    let mut again = res(Kind::Alarm, R, "throttles", alarm_spec(300, 2));
    again.tags.insert("new".into(), "tag".into());
    let b = sb.create(&again, "").await.unwrap();
    assert_eq!(b.id, a.id);
    assert_eq!(b.spec.to_value()["period"], 300);
    assert!(!b.tags.contains_key("new"));
    assert_eq!(sb.list(Kind::Alarm, R).await.unwrap().len(), 1);
    // update sets tags too.
    let c = sb.update(&b, &again).await.unwrap();
    assert!(c.tags.contains_key("new"));
    for (spec, needle) in [
        (alarm_spec(45, 1), "multiple of 60"),
        (alarm_spec(60, 0), "at 'evaluationPeriods'"),
        (alarm_spec(3600, 25), "86400"),
    ] {
        let e = err(sb.create(&res(Kind::Alarm, R, "x", spec), "")).await;
        assert_eq!(e.code, "ValidationError");
        assert!(e.message.contains(needle), "{needle}: {}", e.message);
    }
    let mut s = alarm_spec(10, 3);
    s["statistic"] = json!("Median");
    assert!(err(sb.create(&res(Kind::Alarm, R, "x", s), ""))
        .await
        .message
        .contains("Invalid statistic"));
    let mut s = alarm_spec(10, 3);
    s["statistic"] = json!("p99");
    sb.create(&res(Kind::Alarm, R, "hi-res", s), "")
        .await
        .unwrap();
    sb.delete(&c).await.unwrap();
    assert_eq!(sb.list(Kind::Alarm, R).await.unwrap().len(), 1);
}

#[tokio::test]
async fn iam_roles_and_policies() {
    let (_d, sb) = sandbox();
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}]});
    let p = sb
        .create(
            &res(
                Kind::IamPolicy,
                "us-east-1",
                "invoke",
                json!({"document": doc}),
            ),
            "",
        )
        .await
        .unwrap();
    assert_eq!(p.region, GLOBAL);
    assert_eq!(
        p.id.as_deref(),
        Some("arn:aws:iam::111122223333:policy/invoke")
    );
    let mut spec = role_spec();
    spec["managed_policies"] = json!([
        "arn:aws:iam::111122223333:policy/invoke",
        "arn:aws:iam::aws:policy/AmazonBedrockReadOnly"
    ]);
    spec["permissions_boundary"] = json!("arn:aws:iam::111122223333:policy/invoke");
    spec["inline_policies"] = json!({"extra": doc});
    let r = sb
        .create(&res(Kind::IamRole, GLOBAL, "app", spec.clone()), "")
        .await
        .unwrap();
    assert_eq!(r.id.as_deref(), Some("arn:aws:iam::111122223333:role/app"));
    // No tokens for IAM: the same name again is EntityAlreadyExists, even with another case.
    assert_eq!(
        err(sb.create(&res(Kind::IamRole, GLOBAL, "APP", spec.clone()), "t"))
            .await
            .code,
        "EntityAlreadyExists"
    );
    assert_eq!(
        err(sb.create(
            &res(Kind::IamPolicy, GLOBAL, "invoke", json!({"document": doc})),
            ""
        ))
        .await
        .code,
        "EntityAlreadyExists"
    );

    // principal_policies reads inline, attached and boundary documents.
    let pp = sb
        .principal_policies("arn:aws:sts::111122223333:assumed-role/app/session-1")
        .await
        .unwrap();
    assert_eq!(pp.principal_arn, "arn:aws:iam::111122223333:role/app");
    let names: Vec<&str> = pp.identity.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "extra",
            "arn:aws:iam::111122223333:policy/invoke",
            "arn:aws:iam::aws:policy/AmazonBedrockReadOnly"
        ]
    );
    assert_eq!(
        pp.permissions_boundary.map(|b| b.0).as_deref(),
        Some("arn:aws:iam::111122223333:policy/invoke")
    );
    assert_eq!(
        sb.principal_policies("arn:aws:iam::111122223333:role/ghost")
            .await
            .unwrap_err()
            .code,
        "NoSuchEntity"
    );

    // An attached policy cannot be deleted.
    let e = sb.delete(&p).await.unwrap_err();
    assert_eq!(e.code, "DeleteConflict");

    // Validation families.
    let e = err(sb.create(
        &res(Kind::IamRole, GLOBAL, &"r".repeat(65), role_spec()),
        "",
    ))
    .await;
    assert_eq!(e.code, "ValidationError");
    assert!(e
        .message
        .contains("Member must have length less than or equal to 64"));
    let e = err(sb.create(&res(Kind::IamRole, GLOBAL, "a/b", role_spec()), "")).await;
    assert!(e.message.contains(r"[\w+=,.@-]+"), "{}", e.message);
    let e = err(sb.create(
        &res(
            Kind::IamRole,
            GLOBAL,
            "r",
            json!({"assume_role_policy": doc}),
        ),
        "",
    ))
    .await;
    assert_eq!(e.code, "MalformedPolicyDocument");
    let mut s = role_spec();
    s["managed_policies"] = json!(["arn:aws:iam::111122223333:policy/missing"]);
    assert_eq!(
        err(sb.create(&res(Kind::IamRole, GLOBAL, "r", s), ""))
            .await
            .code,
        "NoSuchEntity"
    );
    let mut s = role_spec();
    s["managed_policies"] = json!((0..11)
        .map(|i| format!("arn:aws:iam::aws:policy/P{i}"))
        .collect::<Vec<_>>());
    assert_eq!(
        err(sb.create(&res(Kind::IamRole, GLOBAL, "r", s), ""))
            .await
            .code,
        "LimitExceeded"
    );
    let mut s = role_spec();
    s["max_session_duration"] = json!(60);
    assert!(err(sb.create(&res(Kind::IamRole, GLOBAL, "r", s), ""))
        .await
        .message
        .contains("greater than or equal to 3600"));
    let big = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": (0..300).map(|i| format!("arn:aws:s3:::bucket-{i}/*")).collect::<Vec<_>>()}]});
    let e = err(sb.create(
        &res(Kind::IamPolicy, GLOBAL, "big", json!({"document": big})),
        "",
    ))
    .await;
    assert_eq!(e.code, "LimitExceeded");

    // Update: detach, then the policy can go; then the role.
    let mut want = r.clone();
    want.spec = want
        .spec
        .edit(|v| v["managed_policies"] = json!([]))
        .unwrap();
    want.spec = want
        .spec
        .edit(|v| v["permissions_boundary"] = serde_json::Value::Null)
        .unwrap();
    let r2 = sb.update(&r, &want).await.unwrap();
    assert_eq!(r2.spec.to_value()["managed_policies"], json!([]));
    let mut newdoc = p.clone();
    newdoc.spec = newdoc
        .spec
        .edit(|v| v["document"]["Statement"][0]["Action"] = json!("bedrock:Converse*"))
        .unwrap();
    sb.update(&p, &newdoc).await.unwrap();
    sb.delete(&p).await.unwrap();
    sb.delete(&r2).await.unwrap();
    assert!(sb.list(Kind::IamRole, GLOBAL).await.unwrap().is_empty());
}
