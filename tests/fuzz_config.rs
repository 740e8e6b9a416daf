//! Property tests over the config loader: arbitrary and mutated input never panics,
//! and every error carries a position. `PROPTEST_CASES` raises the budget
//! (`scripts/fuzz` runs a long one).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bedrockctl::config;
use bedrockctl::span::SourceMap;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn quickstart() -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart/bedrock.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

fn check(path: &Path, text: String) -> Result<(), TestCaseError> {
    let mut sources = SourceMap::default();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        config::load_str(path, text, &mut sources)
    }));
    let Ok(result) = result else {
        return Err(TestCaseError::fail("loader panicked"));
    };
    if let Err(diags) = result {
        prop_assert!(diags.has_errors());
        for d in diags.items.iter().filter(|d| d.is_error()) {
            prop_assert!(d.span.is_some(), "error without a position: {}", d.message);
        }
        let rendered = diags.render(&sources);
        prop_assert!(rendered.contains(':'));
    }
    Ok(())
}

/// Byte-level edits of a valid config: delete, duplicate, or replace a slice.
fn mutate(text: &str, at: usize, len: usize, insert: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let at = at % bytes.len().max(1);
    let end = (at + len).min(bytes.len());
    bytes.splice(at..end, insert.bytes());
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        check(Path::new("fuzz.yaml"), text)?;
    }

    #[test]
    fn yaml_like_text_never_panics(text in "([a-z_]{1,8}: ?(\\[|\\{|-|&a|\\*a|\"|'|[0-9]{1,3}|[a-z]{1,5})?\n {0,6}){0,30}") {
        check(Path::new("fuzz.yaml"), text)?;
    }

    #[test]
    fn mutated_quickstart_never_panics(at in 0usize..4000, len in 0usize..40, insert in "[\\-:\\[\\]{}a-z0-9 \n\t'\"&*!#]{0,12}") {
        let (path, text) = quickstart();
        check(&path, mutate(&text, at, len, &insert))?;
    }
}

#[test]
fn the_unmutated_quickstart_loads() {
    let (path, text) = quickstart();
    let mut sources = SourceMap::default();
    assert!(config::load_str(&path, text, &mut sources).is_ok());
}
