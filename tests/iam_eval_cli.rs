//! `bedrockctl iam eval` through the binary: one output line per input line, in
//! order, a blank line answered with an error line (N lines in, N out), malformed lines answered with an error and the run
//! going on, exit 0; an unreadable input exits 1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;

const GOOD: &str = r#"{"id":"c1","request":{"principal":"arn:aws:iam::111122223333:role/app","action":"bedrock:InvokeModel","resource":"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0","resource_account":"111122223333","context":{"aws:RequestedRegion":"us-east-1"}},"identity_policies":[{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]}],"resource_policy":null,"permissions_boundary":null,"session_policy":null,"scps":[[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"Lock","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}]}]],"rcps":null}"#;

#[test]
fn stdin_stream_with_a_malformed_line() {
    let denied = GOOD.replace("\"c1\"", "\"c3\"").replacen(
        "\"aws:RequestedRegion\":\"us-east-1\"}}",
        "\"aws:RequestedRegion\":\"eu-west-1\"}}",
        1,
    );
    let input =
        format!("{GOOD}\n\n{{\"id\": \"c2\", \"request\": 5}}\nnot json at all\n{denied}\n");
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .args(["iam", "eval"])
        .write_stdin(input)
        .assert()
        .code(0);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    // The blank second line is answered too (deliberate change, issues 22/25).
    assert_eq!(
        lines[1],
        serde_json::json!({"id": null, "error": "blank line"})
    );
    let lines = [&lines[0], &lines[2], &lines[3], &lines[4]];
    assert_eq!(
        *lines[0],
        serde_json::json!({"id":"c1","decision":"allow","reasons":[
            {"policy_type":"identity","policy_index":0,"statement":"Invoke","effect":"Allow"},
            {"policy_type":"scp","policy_index":0,"statement":"0","effect":"Allow"}]})
    );
    assert_eq!(lines[1]["id"], "c2");
    assert!(lines[1]["error"].as_str().unwrap().contains("request"));
    assert!(lines[2]["id"].is_null());
    assert!(lines[2]["error"].is_string());
    assert_eq!(
        *lines[3],
        serde_json::json!({"id":"c3","decision":"explicit_deny","reasons":[
            {"policy_type":"scp","policy_index":0,"statement":"Lock","effect":"Deny"}]})
    );
}

#[test]
fn input_file_and_unreadable_input() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("in.jsonl");
    std::fs::write(&path, format!("{GOOD}\r\n{GOOD}")).unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .args(["iam", "eval", "--input"])
        .arg(&path)
        .assert()
        .code(0);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 2);
    assert!(stdout.lines().all(|l| l.contains("\"decision\":\"allow\"")));
    Command::cargo_bin("bedrockctl")
        .unwrap()
        .args(["iam", "eval", "--input"])
        .arg(tmp.path().join("missing.jsonl"))
        .assert()
        .code(1);
}

#[test]
fn many_lines_stream_in_order() {
    let mut input = String::new();
    for i in 0..5000 {
        input.push_str(&GOOD.replace("\"c1\"", &i.to_string()));
        input.push('\n');
    }
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .args(["iam", "eval"])
        .write_stdin(input)
        .assert()
        .code(0);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for (i, l) in stdout.lines().enumerate() {
        assert!(l.starts_with(&format!("{{\"id\":{i},")), "line {i}: {l}");
    }
    assert_eq!(stdout.lines().count(), 5000);
}

#[test]
fn dash_reads_stdin_and_an_overlong_line_stops_with_an_error() {
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .args(["iam", "eval", "--input", "-"])
        .write_stdin(format!("{GOOD}\n"))
        .assert()
        .code(0);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("\"decision\":\"allow\""), "{stdout}");

    // One line above the 8 MiB cap (no newline at all, like /dev/zero): an error
    // line, then exit 1; the lines before it are answered.
    let mut input = format!("{GOOD}\n");
    input.push_str(&"x".repeat((8 << 20) + 10));
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .args(["iam", "eval"])
        .write_stdin(input)
        .assert()
        .code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].contains("\"decision\":\"allow\""));
    assert!(
        lines[1].contains("longer than 8388608 bytes"),
        "{}",
        lines[1]
    );
}

/// Issue 16: answers are the same and in the same order whatever the number of
/// worker threads, and a document repeated across lines (served from the cache of
/// compiled documents after its first line) decides as if it were compiled afresh,
/// including a broken document, whose error names its own line's byte offset.
#[test]
fn workers_and_the_document_cache_keep_answers_and_order() {
    let broken = r#"{"id":"bad","request":{"principal":"arn:aws:iam::111122223333:role/app","action":"bedrock:InvokeModel","resource":"*"},"identity_policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"bedrock:InvokeModel","Resource":"*"}]}]}"#;
    let as_text = GOOD.replace(
        r#""identity_policies":[{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]}]"#,
        r#""identity_policies":["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Invoke\",\"Effect\":\"Allow\",\"Action\":\"bedrock:InvokeModel\",\"Resource\":\"*\"}]}"]"#,
    );
    assert_ne!(as_text, GOOD);
    let mut input = String::new();
    let mut expected = Vec::new();
    for i in 0..700 {
        let region = ["us-east-1", "eu-west-1", "us-west-2"][i % 3];
        let line = match i % 5 {
            3 => broken.replace("\"bad\"", &format!("\"bad{i}\"")),
            4 => format!("  {}", as_text.replace("\"c1\"", &format!("\"t{i}\""))),
            _ => GOOD.replace("\"c1\"", &format!("\"g{i}\"")),
        }
        .replacen(
            "\"aws:RequestedRegion\":\"us-east-1\"}}",
            &format!("\"aws:RequestedRegion\":\"{region}\"}}}}"),
            1,
        );
        // Each line alone, through a fresh process: no cache, no other lines.
        if i < 10 {
            let alone = Command::cargo_bin("bedrockctl")
                .unwrap()
                .args(["iam", "eval"])
                .write_stdin(format!("{line}\n"))
                .assert()
                .code(0);
            expected.push(String::from_utf8(alone.get_output().stdout.clone()).unwrap());
        }
        input.push_str(&line);
        input.push('\n');
    }
    let mut outputs = Vec::new();
    for jobs in ["1", "3"] {
        let out = Command::cargo_bin("bedrockctl")
            .unwrap()
            .env("BEDROCKCTL_IAM_EVAL_JOBS", jobs)
            .args(["iam", "eval"])
            .write_stdin(input.clone())
            .assert()
            .code(0);
        outputs.push(String::from_utf8(out.get_output().stdout.clone()).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
    let lines: Vec<&str> = outputs[0].lines().collect();
    assert_eq!(lines.len(), 700);
    for (i, l) in lines.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let prefix = match i % 5 {
            3 => "bad",
            4 => "t",
            _ => "g",
        };
        assert_eq!(v["id"], format!("{prefix}{i}"), "line {i}: {l}");
        if i < 10 {
            assert_eq!(format!("{l}\n"), expected[i], "line {i}");
        }
    }
    let bad: serde_json::Value = serde_json::from_str(lines[8]).unwrap();
    let msg = bad["error"].as_str().unwrap();
    assert!(msg.starts_with("identity_policies[0]: "), "{msg}");
    assert!(msg.contains("Permit"), "{msg}");
    let allow: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(allow["decision"], "allow");
    let denied: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(denied["decision"], "explicit_deny");
}
