//! `check --matrix` in the terminal (issue 20, and issue 24's guarded grant): one
//! block per role, a legend naming every mark, colour only when wanted (a TTY or
//! `CLICOLOR_FORCE`, never with `NO_COLOR`), and the quickstart's
//! `require_guardrail` grant shown as allowed-with-the-guardrail, not a bare DENY.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use assert_cmd::Command;

const QUICKSTART: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/quickstart/bedrock.yaml"
);
const HAIKU: &str = "anthropic.claude-haiku-4-5-20251001-v1:0";

fn matrix(envs: &[(&str, &str)], extra: &[&str]) -> (String, serde_json::Value) {
    let mut cmd = Command::cargo_bin("bedrockctl").unwrap();
    cmd.args(["check", "-f", QUICKSTART, "--matrix"])
        .args(extra)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.assert().code(0);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let json = if extra.contains(&"json") {
        serde_json::from_str(&stdout).unwrap()
    } else {
        serde_json::Value::Null
    };
    (stdout, json)
}

/// The text of the row of `model` in the block of `role`.
fn row<'a>(text: &'a str, role: &str, model: &str) -> &'a str {
    let start = text.find(&format!("role {role}:")).unwrap();
    text[start..]
        .lines()
        .find(|l| l.trim_start().starts_with(model))
        .unwrap_or_else(|| panic!("no row {model} for {role} in\n{text}"))
}

#[test]
fn guarded_grant_is_allowed_with_its_guardrail_and_the_legend_says_so() {
    let (text, _) = matrix(&[], &[]);
    let haiku = row(&text, "chat-app", HAIKU);
    let cols: Vec<&str> = haiku.split_whitespace().collect();
    assert_eq!(cols, [HAIKU, "guard", "deny"], "{text}");
    assert!(
        !text.contains("\x1b["),
        "no colour when stdout is a pipe: {text:?}"
    );
    assert!(
        text.contains("guard = allowed only when the request names the guardrail"),
        "{text}"
    );
    assert!(
        text.contains("guard: bedrock:GuardrailIdentifier = `arn:aws:bedrock:us-east-1:111122223333:guardrail/default-safety` (guardrail `default-safety`) for chat-app"),
        "{text}"
    );
    // A role with no allowed cell is one line, not a table of denies.
    assert!(
        text.contains("role bedrock-logging: denied everywhere (2 models x 2 regions: deny 4)"),
        "{text}"
    );
}

#[test]
fn json_cells_carry_the_deciding_statement_and_the_guard() {
    let (_, doc) = matrix(&[], &["--format", "json"]);
    let cells = doc["matrix"].as_array().unwrap();
    assert_eq!(cells.len(), 8, "2 roles x 2 models x 2 regions");
    let cell = |role: &str, model: &str, region: &str| {
        cells
            .iter()
            .find(|c| c["role"] == role && c["model"] == model && c["region"] == region)
            .unwrap()
            .clone()
    };
    let guarded = cell("chat-app", HAIKU, "us-east-1");
    assert_eq!(guarded["decision"], "allow");
    assert_eq!(guarded["shade"], "allow-with-guardrail");
    assert_eq!(guarded["guard"]["key"], "bedrock:GuardrailIdentifier");
    assert_eq!(guarded["guard"]["guardrail"], "default-safety");
    let evidence = guarded["evidence"].as_array().unwrap();
    assert!(
        evidence
            .iter()
            .any(|e| e["policy"] == "grants #1" && e["statement"] == "Invoke0"),
        "{evidence:?}"
    );
    let titan = cell("chat-app", "amazon.titan-embed-text-v2:0", "us-west-2");
    assert_eq!(titan["shade"], "allow");
    assert_eq!(
        titan["evidence"][0]["policy"],
        "policies/chat-app-invoke.json"
    );
    let logging = cell("bedrock-logging", HAIKU, "us-east-1");
    assert_eq!(logging["decision"], "implicit_deny");
    assert_eq!(logging["missing"], "no identity policy allows it");
}

#[test]
fn colour_is_forced_by_clicolor_force_and_refused_by_no_color() {
    let (text, _) = matrix(&[("CLICOLOR_FORCE", "1")], &[]);
    let haiku = row(&text, "chat-app", HAIKU);
    assert!(haiku.contains("\x1b[36mguard"), "guard in cyan: {haiku:?}");
    let titan = row(&text, "chat-app", "amazon.titan-embed-text-v2:0");
    assert!(titan.contains("\x1b[32mallow"), "allow in green: {titan:?}");
    assert!(
        text.contains("\x1b[1;31mDENY"),
        "the legend shows the explicit-deny colour"
    );
    let (plain, _) = matrix(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]);
    assert!(!plain.contains('\x1b'), "NO_COLOR wins: {plain:?}");
}

/// Issue 24 as reported: `init`'s starter, whose guarded grant `check --matrix`
/// showed as a bare `DENY`.
#[test]
fn the_init_starter_shows_its_guarded_grant_as_guard() {
    let tmp = tempfile::tempdir().unwrap();
    Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(tmp.path())
        .arg("init")
        .assert()
        .code(0);
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(tmp.path())
        .env_remove("CLICOLOR_FORCE")
        .args(["check", "--matrix"])
        .assert()
        .code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let grid = &text[text.find("role ").unwrap()..text.find("legend:").unwrap()];
    assert!(!grid.contains("DENY"), "no bare explicit deny: {grid}");
    let haiku = grid
        .lines()
        .find(|l| l.trim_start().starts_with(HAIKU))
        .unwrap_or_else(|| panic!("no haiku row: {grid}"));
    assert_eq!(haiku.split_whitespace().nth(1), Some("guard"), "{grid}");
    assert!(
        text.contains("guard: bedrock:GuardrailIdentifier = `"),
        "{text}"
    );
}
