use super::*;

fn docs(name: &str, text: &str) -> (Format, Vec<Embedded>) {
    match extract(name, text).unwrap() {
        Extracted::Documents(f, d) => (f, d),
        Extracted::Policy => panic!("read as a bare policy"),
    }
}

#[test]
fn a_bare_policy_stays_a_policy() {
    let text = r#"{"Version":"2012-10-17","Statement":[]}"#;
    assert!(matches!(extract("p.json", text), Ok(Extracted::Policy)));
}

#[test]
fn get_policy_version_with_a_url_encoded_document() {
    let text = r#"{"PolicyVersion":{"Document":"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D","VersionId":"v3","IsDefaultVersion":true}}"#;
    let (f, d) = docs("v.json", text);
    assert_eq!(f, Format::AwsCli);
    assert_eq!(d[0].address, "policy version `v3`");
    assert!(d[0].document.get("Statement").is_some());
}

#[test]
fn yaml_short_forms_become_long_forms_with_positions() {
    let text = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: bedrock:InvokeModel\n            Resource: !Sub 'arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/x'\n";
    let (f, d) = docs("t.yaml", text);
    assert_eq!(f, Format::CloudFormation);
    assert_eq!(d[0].address, "AWS::IAM::ManagedPolicy `P`");
    let (rendered, map) = render(&d[0].document);
    assert!(
        rendered.contains("\"arn:aws:bedrock:*::foundation-model/x\""),
        "{rendered}"
    );
    let at = rendered.find("\"arn:").unwrap();
    let file_at = map.file_offset(at).unwrap();
    assert_eq!(&text[file_at..file_at + 4], "'arn");
}

#[test]
fn invalid_yaml_is_an_error_at_its_position() {
    let err = extract("t.yaml", "Resources:\n  P: [\n").unwrap_err();
    assert!(err.message.contains("invalid YAML"), "{err:?}");
}

#[test]
fn unknown_template_values_still_parse_as_policy_elements() {
    let text = "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument: !If\n        - UseIt\n        - Statement:\n            - Effect: Allow\n              Action: [!Ref Act]\n              Resource: !GetAtt [Kb, KnowledgeBaseArn]\n        - !Ref AWS::NoValue\n";
    let (_, d) = docs("t.yaml", text);
    let (rendered, _) = render(&d[0].document);
    assert!(rendered.contains("\"unresolved:{Act}\""), "{rendered}");
    assert!(
        rendered.contains("\"arn:{?}:{Kb.KnowledgeBaseArn}:{?}:{?}:{Kb.KnowledgeBaseArn}\""),
        "{rendered}"
    );
    assert!(crate::iam::policy::parse(&rendered).is_ok(), "{rendered}");
}

#[test]
fn terraform_state_values_and_policy_kinds() {
    let policy = r#"{\"Version\":\"2012-10-17\",\"Statement\":[]}"#;
    let text = format!(
        r#"{{"format_version":"1.0","values":{{"root_module":{{"resources":[
        {{"address":"aws_organizations_policy.rcp","mode":"managed","type":"aws_organizations_policy","values":{{"type":"RESOURCE_CONTROL_POLICY","content":"{policy}"}}}},
        {{"address":"aws_organizations_policy.tags","mode":"managed","type":"aws_organizations_policy","values":{{"type":"TAG_POLICY","content":"{{}}"}}}},
        {{"address":"data.aws_iam_policy_document.d","mode":"data","type":"aws_iam_policy_document","values":{{"json":"{policy}"}}}}
        ]}}}}}}"#
    );
    let (f, d) = docs("state.json", &text);
    assert_eq!(f, Format::Terraform);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].address, "`aws_organizations_policy.rcp`");
    assert_eq!(d[0].kind, Some("rcp"));
}
