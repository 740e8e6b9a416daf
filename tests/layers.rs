//! The layer order of ARCHITECTURE.md ("Layers"), enforced: every `crate::MODULE`
//! path in `src/` (imports and inline paths alike, comments aside) must name a module
//! listed before the one it is written in. A new top-level module must be placed in
//! the order too. Reads the source as text, like `tests/aws_permissions.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The module order written in ARCHITECTURE.md: the line of the "Layers" section
/// that chains names with `<`, lowest first.
fn order() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Layers"))
        .expect("ARCHITECTURE.md has a `## Layers` section");
    let line = section
        .lines()
        .find(|l| l.contains(" < "))
        .expect("the Layers section chains the modules with ` < `");
    line.split('<')
        .map(|m| m.trim().trim_matches('`').to_string())
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `crate::NAME` occurrences outside comments, with their line numbers.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = &rest[..at];
            rest = &rest[at + "crate::".len()..];
            // `bedrockctl_crate::` and the like are other paths.
            if before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            // `crate::{a, b}` would hide its modules from this scan: reported as `{`.
            let name: String = if rest.starts_with('{') {
                "{".to_string()
            } else {
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect()
            };
            if !name.is_empty() {
                out.push((i + 1, name));
            }
        }
    }
    out
}

/// The upward paths of one file of top-level module `top`.
fn breaks(rank: &BTreeMap<&str, usize>, top: &str, file: &str, text: &str) -> Vec<String> {
    let Some(&own) = rank.get(top) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (line, target) in crate_paths(text) {
        if target == "{" {
            out.push(format!(
                "{file}:{line}: `crate::{{…}}` groups modules; write one `use` per module"
            ));
            continue;
        }
        match rank.get(target.as_str()) {
            Some(&t) if t < own || target == top => {}
            Some(_) => out.push(format!(
                "{file}:{line}: `{top}` uses `crate::{target}`, a layer above it"
            )),
            // Items of the crate root (macros, re-exports) are not modules.
            None => {}
        }
    }
    out
}

#[test]
fn imports_follow_the_layer_order() {
    let order = order();
    let rank: BTreeMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let src = root().join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    for line in lib.lines() {
        if let Some(m) = line
            .strip_prefix("pub mod ")
            .and_then(|l| l.strip_suffix(';'))
        {
            assert!(
                rank.contains_key(m),
                "module `{m}` is missing from ARCHITECTURE.md's layer order"
            );
        }
    }
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        // The crate root and the binary (`cli`, `main.rs`) sit above every layer.
        if !rank.contains_key(top.as_str()) {
            assert!(
                ["lib", "main", "cli"].contains(&top.as_str()),
                "{}: top-level module `{top}` is not in the layer order",
                rel.display()
            );
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        found.extend(breaks(
            &rank,
            &top,
            &format!("src/{}", rel.display()),
            &text,
        ));
    }
    assert!(
        found.is_empty(),
        "layer order broken:\n{}",
        found.join("\n")
    );
}

#[test]
fn an_upward_or_grouped_path_is_a_break() {
    let rank = BTreeMap::from([("iam", 0), ("plan", 1)]);
    let text = "use crate::iam::Policy;\nfn f() { crate::plan::diff(); }\nuse crate::{iam, plan};";
    let found = breaks(&rank, "iam", "src/iam/x.rs", text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("src/iam/x.rs:2: `iam` uses `crate::plan`"));
    assert!(found[1].starts_with("src/iam/x.rs:3:"));
    assert!(breaks(&rank, "plan", "src/plan/x.rs", text).len() == 1);
}

#[test]
fn the_scan_sees_paths_and_skips_comments() {
    let found = crate_paths("use crate::plan::Plan; // crate::engine\nlet x = crate::iam::eval();");
    assert_eq!(found, vec![(1, "plan".to_string()), (2, "iam".to_string())]);
}
