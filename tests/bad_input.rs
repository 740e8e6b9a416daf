//! Every file of the bad-input corpus exits 1 with `FILE:LINE:COL: …` pointing at the
//! offending line, never panics, never hangs (20 s timeout) and stays under 100 MiB. Expectations: tests/fixtures/bad/expect.tsv
//! (regenerate the fixtures with `python3 tests/fixtures/bad/generate.py`). Every line
//! of what it prints follows the message style of docs (style.md, item 12).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// One corpus file, its expectation (`expect.tsv`) and what `validate` did with it.
struct Run {
    file: String,
    want_line: String,
    contains: String,
    code: Option<i32>,
    stderr: String,
}

/// Every corpus file run once through the binary, shared by the tests below.
fn corpus() -> &'static [Run] {
    static RUNS: OnceLock<Vec<Run>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
        let table = std::fs::read_to_string(dir.join("expect.tsv")).unwrap();
        table
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|line| {
                let mut cols = line.split('\t');
                let (file, want_line, contains) = (
                    cols.next().unwrap(),
                    cols.next().unwrap(),
                    cols.next().unwrap(),
                );
                // The data limit (100 MiB of heap and anonymous mappings) makes "stays
                // under 100 MB" part of the check: going over it aborts the process
                // instead of exiting 1. Not `ulimit -v`: the address space also counts
                // the binary's own code (about 69 MB of text in a debug build with the
                // EC2 and CloudTrail SDKs), which is not memory the input makes it use.
                let out = Command::new("bash")
                    .current_dir(&dir)
                    .args(["-c", "ulimit -d 102400; exec \"$0\" \"$@\""])
                    .arg(assert_cmd::cargo::cargo_bin("bedrockctl"))
                    .args(["validate", "-f", file])
                    .env("NO_COLOR", "1")
                    .timeout(Duration::from_secs(20))
                    .output()
                    .unwrap();
                Run {
                    file: file.to_string(),
                    want_line: want_line.to_string(),
                    contains: contains.to_string(),
                    code: out.status.code(),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                }
            })
            .collect()
    })
}

#[test]
fn corpus_reports_every_file_at_the_right_line() {
    let mut failures = Vec::new();
    let mut count = 0;
    for run in corpus() {
        let Run {
            file,
            want_line,
            contains,
            code,
            stderr,
        } = run;
        let (file, want_line, contains) = (file.as_str(), want_line.as_str(), contains.as_str());
        count += 1;
        let first = stderr.lines().next().unwrap_or("");
        let located = if contains.contains(".json:") {
            first.starts_with(contains)
        } else {
            first.starts_with(&format!("{file}:{want_line}:")) && stderr.contains(contains)
        };
        if *code != Some(1) || !located {
            failures.push(format!(
                "{file}: exit {code:?}, want line {want_line} containing {contains:?}\n{stderr}"
            ));
        }
    }
    assert!(count >= 40, "corpus too small: {count}");
    assert!(
        failures.is_empty(),
        "{} of {count} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn all_errors_are_reported_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bedrock.yaml");
    std::fs::write(
        &path,
        "version: 1\nstack: t\naccount:\n  regions: [us-east-1]\nalarms:\n  - name: a\n    region: us-east-1\n    metric: Invocation\n    statistic: Avg\n    period: 90\n    threshold: 1\n    comparison: GreaterThanThreshold\n",
    )
    .unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .args(["validate", "-f"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains(":8:13: error: invalid metric"), "{stderr}");
    assert!(
        stderr.contains(":9:16: error: invalid statistic"),
        "{stderr}"
    );
    assert!(stderr.contains(":10:13: error: `period`"), "{stderr}");
    assert!(stderr.contains("has 3 errors"), "{stderr}");
}

/// Why a message (or hint) breaks the house style, if it does: it must start lowercase,
/// with a backtick, or with an identifier (`YAML`, `PII`, `AccessDeniedException`), and
/// carry no advice of its own (that goes on a `hint:` line) and no final period.
fn style_problem(text: &str) -> Option<&'static str> {
    let first = text.split([' ', ':', ',']).next().unwrap_or("");
    let starts_ok = match first.chars().next() {
        None => return Some("empty"),
        Some(c) if c.is_lowercase() || c == '`' || c.is_ascii_digit() => true,
        // An acronym or a CamelCase identifier, not a capitalised word.
        Some(c) if c.is_uppercase() => first.chars().skip(1).any(char::is_uppercase),
        Some(_) => false,
    };
    if !starts_ok {
        return Some("starts with a capitalised word");
    }
    let lower = text.to_lowercase();
    if lower.contains("hint:") || lower.contains("help:") || lower.contains(". try ") {
        return Some("carries advice inline instead of on a `hint:` line");
    }
    if text.ends_with('.') && !text.ends_with("...") {
        return Some("ends with a period");
    }
    None
}

/// The style of every line `validate` prints for the corpus: a
/// `FILE:LINE:COL: severity: message` or `severity: message` header, the source excerpt
/// (`N | text`, `  | ^^^`), and advice only as `= hint: …` lines.
#[test]
fn corpus_diagnostics_follow_the_message_style() {
    let header = regex::Regex::new(
        r"^(?:[^:\s][^:]*:\d+:\d+: )?(error|warning|note)(?:\[[a-z0-9-]+\])?: (.*)$",
    )
    .unwrap();
    let excerpt = regex::Regex::new(r"^ *\d* \|( .*)?$").unwrap();
    let mut problems = Vec::new();
    let mut headers = 0;
    let mut hints = 0;
    for run in corpus() {
        let mut previous_blank = true;
        for line in run.stderr.lines() {
            let bad = |why: &str| format!("{}: {why}: {line:?}", run.file);
            if line.is_empty() {
                // One blank line between diagnostics, never two.
                if previous_blank {
                    problems.push(bad("stray blank line"));
                }
                previous_blank = true;
                continue;
            }
            previous_blank = false;
            if let Some(c) = header.captures(line) {
                headers += 1;
                // The YAML parser's own words after `invalid YAML: ` are quoted as given.
                let message = &c[2];
                if let Some(why) = style_problem(message) {
                    problems.push(bad(why));
                }
            } else if let Some(h) = line.strip_prefix("  = hint: ") {
                hints += 1;
                if let Some(why) = style_problem(h) {
                    problems.push(bad(why));
                }
            } else if !excerpt.is_match(line) {
                problems.push(bad(
                    "neither a diagnostic, a source excerpt nor a `= hint:` line",
                ));
            }
        }
    }
    assert!(
        headers >= 2 * corpus().len(),
        "too few diagnostics: {headers}"
    );
    assert!(hints >= 30, "too few hints: {hints}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn style_check_catches_what_it_should() {
    for ok in [
        "unknown key `x` in the config",
        "`period` must be a multiple of 60",
        "YAML tags are not supported",
        "PII type `NAME` is listed twice",
        "AccessDeniedException from `InvokeModel`",
        "did you mean `models`?",
    ] {
        assert_eq!(style_problem(ok), None, "{ok}");
    }
    for bad in [
        "Unknown key `x`",
        "model is Legacy. Try another one",
        "invalid value; hint: use `x`",
        "invalid value.",
        "Legacy models stop working",
    ] {
        assert!(style_problem(bad).is_some(), "{bad}");
    }
}

/// `validate -f FILE` in `dir`, under the same 100 MiB data cap and timeout as
/// the corpus: an endless source must end in a clear error, not in memory exhaustion.
#[cfg(unix)]
fn validate_capped(dir: &std::path::Path, file: &str) -> std::process::Output {
    Command::new("bash")
        .current_dir(dir)
        .args(["-c", "ulimit -d 102400; exec \"$0\" \"$@\""])
        .arg(assert_cmd::cargo::cargo_bin("bedrockctl"))
        .args(["validate", "-f", file])
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_config_symlinked_to_dev_zero_is_refused_with_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("bedrock.yaml")).unwrap();
    let out = validate_capped(dir.path(), "bedrock.yaml");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("config file is larger than the 32 MiB limit"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_policy_file_symlinked_to_dev_zero_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = "version: 1\nstack: t\naccount:\n  regions: [us-east-1]\niam:\n  roles:\n    - name: app\n      assume_role_policy: trust.json\n";
    std::fs::write(dir.path().join("bedrock.yaml"), config).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("trust.json")).unwrap();
    let out = validate_capped(dir.path(), "bedrock.yaml");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("bedrock.yaml:8:"), "{stderr}");
    assert!(
        stderr.contains("cannot read policy file `trust.json`: larger than the 1 MiB limit"),
        "{stderr}"
    );
}

#[test]
fn apply_given_a_config_instead_of_a_plan_hints_at_dash_f() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bedrock.yaml"),
        "version: 1\nstack: t\naccount:\n  regions: [us-east-1]\n",
    )
    .unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(dir.path())
        .args(["apply", "bedrock.yaml"])
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`bedrock.yaml` is a bedrock config, not a saved plan"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: use `bedrockctl apply -f bedrock.yaml`"),
        "{stderr}"
    );
}

#[test]
fn validate_reads_the_config_from_stdin_with_dash_f_dash() {
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .args(["validate", "-f", "-"])
        .env("NO_COLOR", "1")
        .write_stdin("version: 1\nstack: t\naccount:\n  regions: [us-east-1]\nfoo: 1\n")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("-:5:1: error: unknown key `foo`"),
        "{stderr}"
    );
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_key() {
    let dir = tempfile::tempdir().unwrap();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    std::fs::write(
        dir.path().join("trust.json"),
        [&b"\xEF\xBB\xBF"[..], trust.as_bytes()].concat(),
    )
    .unwrap();
    let config = "version: 1\nstack: t\naccount:\n  regions: [us-east-1]\niam:\n  roles:\n    - name: app\n      assume_role_policy: trust.json\n";
    std::fs::write(
        dir.path().join("bedrock.yaml"),
        [&b"\xEF\xBB\xBF"[..], config.as_bytes()].concat(),
    )
    .unwrap();
    let out = validate_capped(dir.path(), "bedrock.yaml");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // A BOM later in the file is still an error, at its own line.
    std::fs::write(
        dir.path().join("bedrock.yaml"),
        format!("{config}\u{feff}alarms: []\n"),
    )
    .unwrap();
    let out = validate_capped(dir.path(), "bedrock.yaml");
    assert_eq!(out.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn lint_of_a_file_symlinked_to_dev_zero_is_refused_with_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("policy.json")).unwrap();
    let out = Command::new("bash")
        .current_dir(dir.path())
        .args(["-c", "ulimit -d 102400; exec \"$0\" \"$@\""])
        .arg(assert_cmd::cargo::cargo_bin("bedrockctl"))
        .args(["lint", "policy.json"])
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("larger than the 8 MiB limit"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_sandbox_seed_symlinked_to_dev_zero_is_refused_with_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bedrock.yaml"),
        "version: 1\nstack: t\naccount:\n  regions: [us-east-1]\nalarms: []\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("sb")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("sb/seed.json")).unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(dir.path())
        .args(["--sandbox", "sb", "plan"])
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("larger than the 64 MiB limit"), "{stderr}");
}

/// `validate` of `config` in a fresh directory: exit code and stderr.
fn validate_text(config: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bedrock.yaml"), config).unwrap();
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .current_dir(dir.path())
        .args(["validate", "-f", "bedrock.yaml"])
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn many_errors_print_the_first_hundred_and_count_the_rest() {
    let mut config =
        String::from("version: 1\nstack: t\naccount:\n  regions: [us-east-1]\nalarms:\n");
    for i in 0..20_000 {
        config.push_str(&format!("  - {{ name: a{i}, regoin: us-east-1 }}\n"));
    }
    let (code, stderr) = validate_text(&config);
    assert_eq!(code, Some(1));
    let shown = stderr.matches(": error").count();
    assert_eq!(shown, 100, "{}", &stderr[..2000.min(stderr.len())]);
    // Each alarm has three errors here (unknown key, two missing keys and more): the
    // summary counts exactly what was not shown.
    let line = stderr
        .lines()
        .find(|l| l.starts_with("… and "))
        .expect("a summary line");
    assert!(line.contains("more errors not shown"), "{line}");
    assert!(line.contains("--format json"), "{line}");
    assert!(stderr.len() < 100_000, "{} bytes", stderr.len());
}

#[test]
fn a_long_line_is_cut_around_the_error() {
    let long = "x".repeat(2_000_000);
    let config = format!("version: 1\nstack: t\naccount:\n  regions: [us-east-1]\nalarms:\n  - {{ name: a, description: {long}, regoin: us-east-1 }}\n");
    let (code, stderr) = validate_text(&config);
    assert_eq!(code, Some(1));
    assert!(stderr.len() < 10_000, "{} bytes of stderr", stderr.len());
    // The block of the unknown key, which sits two million characters into the line.
    let lines: Vec<&str> = stderr.lines().collect();
    let head = lines
        .iter()
        .position(|l| l.contains("unknown key `regoin`"))
        .expect("the unknown-key error");
    let snippet = lines[head + 2];
    assert!(snippet.starts_with("6 | …"), "{snippet}");
    assert!(snippet.chars().count() <= 130, "{snippet}");
    // The caret still sits under the key it reports.
    let carets = lines[head + 3];
    let caret_col = carets[..carets.find('^').unwrap()].chars().count();
    let key_col = snippet[..snippet.find("regoin").unwrap()].chars().count();
    assert_eq!(caret_col, key_col, "\n{snippet}\n{carets}");
}

#[test]
fn lint_of_a_minified_policy_prints_each_finding_with_a_short_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let statements: Vec<String> = (0..2_000)
        .map(|i| {
            format!(
                r#"{{"Sid":"S{i}","Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}}"#
            )
        })
        .collect();
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    );
    std::fs::write(dir.path().join("p.json"), &policy).unwrap();
    for format in ["text", "json"] {
        let out = Command::cargo_bin("bedrockctl")
            .unwrap()
            .current_dir(dir.path())
            .args(["lint", "p.json", "--format", format])
            .env("NO_COLOR", "1")
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let size = out.stdout.len() + out.stderr.len();
        assert!(size > 0);
        assert!(
            size < 5_000_000,
            "{format}: {size} bytes for a {} byte policy",
            policy.len()
        );
    }
}

#[test]
fn a_guardrail_reference_in_a_check_must_name_a_guardrail_of_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let quickstart = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart");
    for e in std::fs::read_dir(quickstart.join("policies")).unwrap() {
        let e = e.unwrap();
        std::fs::create_dir_all(dir.path().join("policies")).unwrap();
        std::fs::copy(e.path(), dir.path().join("policies").join(e.file_name())).unwrap();
    }
    let text = std::fs::read_to_string(quickstart.join("bedrock.yaml"))
        .unwrap()
        .replace(
            "\"guardrail/default-safety\"",
            "\"guardrail/default-safty\"",
        );
    std::fs::write(dir.path().join("bedrock.yaml"), text).unwrap();
    let out = validate_capped(dir.path(), "bedrock.yaml");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "`guardrail/default-safty` in the context does not name a guardrail of this config"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("default-safety"), "did you mean: {stderr}");
}

/// Every list key inside an entry, written with no value (`KEY:` with its items
/// commented out, `KEY: ~`); the line marked `<-` holds the key. Read as "none" these
/// silently dropped an alarm's actions or a grant's regions (issue 25); the top-level
/// sections are in the corpus (`null-section-*.yaml`).
const NULL_LISTS: &[(&str, &str)] = &[
    ("regions", "account:\n  regions:   # <-\n#    - us-east-1\n"),
    ("regions", "models:\n  - id: amazon.titan-embed-text-v2:0\n    regions: ~   # <-\n"),
    ("data", "invocation_logging:\n  - region: us-east-1\n    data:   # <-\n"),
    ("actions", "alarms:\n  - name: a\n    region: us-east-1\n    actions:   # <-\n#      - arn:aws:sns:us-east-1:111122223333:t\n"),
    ("regions", "guardrails:\n  - name: g\n    regions:   # <-\n"),
    ("content_filters", "guardrails:\n  - name: g\n    content_filters: null   # <-\n"),
    ("denied_topics", "guardrails:\n  - name: g\n    denied_topics:   # <-\n"),
    ("pii", "guardrails:\n  - name: g\n    pii:   # <-\n"),
    ("regexes", "guardrails:\n  - name: g\n    regexes:   # <-\n"),
    ("managed", "guardrails:\n  - name: g\n    words:\n      managed:   # <-\n"),
    ("custom", "guardrails:\n  - name: g\n    words:\n      custom:   # <-\n"),
    ("examples", "guardrails:\n  - name: g\n    denied_topics:\n      - name: t\n        examples:   # <-\n"),
    ("policies", "iam:\n  roles:\n    - name: r\n      policies:   # <-\n"),
    ("grants", "iam:\n  roles:\n    - name: r\n      policies:\n        - grants:   # <-\n"),
    ("invoke", "iam:\n  roles:\n    - name: r\n      policies:\n        - grants:\n            - invoke:   # <-\n"),
    ("regions", "iam:\n  roles:\n    - name: r\n      policies:\n        - grants:\n            - regions:   # <-\n"),
    ("source_vpce", "iam:\n  roles:\n    - name: r\n      policies:\n        - grants:\n            - source_vpce:   # <-\n"),
    ("scps", "organization:\n  scps:   # <-\n"),
];

#[test]
fn a_null_list_inside_an_entry_is_an_error_at_its_key() {
    let dir = tempfile::tempdir().unwrap();
    for (i, (key, body)) in NULL_LISTS.iter().enumerate() {
        // `account` is written by the case that tests `account.regions`.
        let head = if body.starts_with("account:") {
            "version: 1\nstack: t\n"
        } else {
            "version: 1\nstack: t\naccount:\n  regions: [us-east-1]\n"
        };
        let text = format!("{head}{body}");
        let (line, col) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("# <-"))
            .map(|(n, l)| (n + 1, l.find(key).unwrap() + 1))
            .unwrap();
        let file = format!("null{i}.yaml");
        std::fs::write(dir.path().join(&file), &text).unwrap();
        let out = Command::cargo_bin("bedrockctl")
            .unwrap()
            .current_dir(dir.path())
            .args(["validate", "-f", &file])
            .env("NO_COLOR", "1")
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text}\n{stderr}");
        let want = format!("{file}:{line}:{col}: error: `{key}` in ");
        assert!(stderr.contains(&want), "want {want}\n{text}\n{stderr}");
        assert!(
            stderr.contains(&format!("`{key}` is a list: write `{key}: []`")),
            "{text}\n{stderr}"
        );
    }
}

#[test]
fn empty_lists_written_as_brackets_inside_entries_are_accepted() {
    let config = "version: 1\nstack: t\naccount:\n  regions: [us-east-1]\nalarms:\n  - name: a\n    region: us-east-1\n    metric: InvocationThrottles\n    statistic: Sum\n    period: 300\n    threshold: 1\n    comparison: GreaterThanThreshold\n    actions: []\n";
    let out = Command::cargo_bin("bedrockctl")
        .unwrap()
        .args(["validate", "-f", "-"])
        .env("NO_COLOR", "1")
        .write_stdin(config)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
