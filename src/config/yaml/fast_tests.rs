//! The fast path against the general parser: wherever the fast path answers, its tree
//! (spans included) must be the general parser's, and it must answer for the plain
//! block YAML configs are written in.

use super::super::events;
use super::*;
use std::fmt::Write as _;

/// `None` when the fast path gave up; panics when it answered differently.
fn agree(text: &str) -> Option<Option<Node>> {
    let file = SourceFile::new("t.yaml", text);
    let fast = parse(&file, SourceId(0), None)?;
    match events::parse(&file, SourceId(0)) {
        Ok(slow) => assert_eq!(slow, fast, "the parsers disagree on:\n{text}"),
        Err(d) => panic!(
            "the fast path accepted what the general parser refuses ({}):\n{text}",
            d.message
        ),
    }
    Some(fast)
}

fn handled(text: &str) {
    assert!(agree(text).is_some(), "the fast path gave up on:\n{text}");
}

#[test]
fn the_shapes_configs_use() {
    for text in [
        "a: 1\nb:\n  - x\n  - y: 2\n    z: w\nc:\n- p\n- q\nd: [a, \"b\", {k: v}]\ne: 'it''s'\n",
        "# head\n\na: 1 # c\n\n# mid\nb:   # after\n  x: \"q\"\n  'y z': 'it''s'\n  w:\n    - v\n# tail\n\n",
        "g:\n- name: g\n  r: [x]\n- - a\n  - b\n- {a: 1}\n- [1]\n- \"s\"\nh:\n  - k: 1\n    j:\n      - 1\n  - - x\nz: 1",
        "---\nversion: 1\nstack: s # the stack\nmodels:\n  - id: amazon.nova-lite-v1:0\n    regions: [us-east-1, us-west-2]\n",
        "arn: arn:aws:bedrock:*::foundation-model/*\nt: -1\nn: ~\nu: null\nk a: a#b\ne: []\nm: {}\nq: \"\"\n",
        "  indented: root\n  b: 2\n",
        "- top\n- level: seq\n",
        "d: é\nf: [\"日本\", 'ü']\n",
        "long: a description that PyYAML wraps\n  onto the next line\n\n  and a paragraph\nnext: 1\n",
        "q: 'line1\n\n    line2'\ne: \"tab\\t nl\\n \\u00e9 \\x41 \\U0001F600 \\\" \\\\ \\/\"\n",
        "- a\n  b # c\n- 'x\n  y'\n",
        "a: 1\r\nb:\r\n  - x # c\r\n  - 'y\r\n    z'\r\n",
        "w: x\n  # a comment ends the scalar\nv: 2\n",
        "a: [1, 2,]\nb: {k: v,}\nb2: { k: v , }\nc: [\n  p, # c\n  q,\n]\nd:\n  e: [\n    1\n  ]\n  f: { a: 1,\n    b: [x, y] }\n",
        "m: |\n  Sorry, I can't help with that.\n  # not a comment\n\n  bye\nn: >-\n  folded\n  text\n\n  para\n",
        "- |+\n  kept\n\n- >\n   x\n- | # c\n  y\n",
        "a: &x 1\nb: *x\nc: &m\n  k: v\nd: *m\ne: &s\n- p\nf: &f [1, 2]\ng:\n  - *f\n  - &i [x]\nh: *i\nx: &x 2\ny: *x\n",
        "a: |\r\n  crlf\r\n  text\r\nb: 1\r\n",
        "",
        "# only a comment\n",
    ] {
        handled(text);
    }
}

#[test]
fn what_it_leaves_to_the_general_parser() {
    for text in [
        "a: *x\n",
        "a: &x [*x]\n",
        "- &k name: x\n",
        "- &a - x\n",
        "a: !tag 1\n",
        "a: |2\n  text\n",
        "a: |\n\n  text\n",
        "a: >\n  text\n    more indented\n",
        "a: |\n  no final break",
        "a:\nb: 1\n",
        "a: \"escaped \\\n  break\"\n",
        "a: 'tab\n\tthere'\n",
        "a: \"bad \\q\"\n",
        "a: x\n  b: continued\n",
        "a:\tb\n",
        "a: 1\rb: 2\r",
        "a: 'x\n---\n'\n",
        "a: 1\na: 2\n",
        "a: [1,\n2]\n",
        "[\n a]\n",
        "a: [x\n  y]\n",
        "? a\n: b\n",
        "a: 1\n---\nb: 2\n",
        "---\n",
        "a: b: c\n",
        "a: 1\n  b: 2\n",
        "- \n- x\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: {b: }\n",
        "a: [b: c]\n",
        "...\n",
    ] {
        let file = SourceFile::new("t.yaml", text);
        assert!(
            parse(&file, SourceId(0), None).is_none(),
            "the fast path should give up on:\n{text}"
        );
    }
}

#[test]
fn spans_follow_the_general_parsers_marks() {
    let text = "g:\n- name: x\n  r: [a]\nh: 1\n";
    let root = agree(text).flatten().unwrap();
    let NodeKind::Map(top) = &root.kind else {
        panic!("{root:?}")
    };
    // The root mapping starts at its first `:`; the indentless sequence at `name`.
    assert_eq!(root.span.start, 1);
    let seq = &top[0].1;
    assert_eq!((seq.span.start, seq.span.end), (5, 22));
    let NodeKind::Seq(items) = &seq.kind else {
        panic!("{seq:?}")
    };
    assert_eq!((items[0].span.start, items[0].span.end), (9, 22));
}

/// Every YAML file in the repository: the fast path agrees wherever it answers, and
/// answers for every example config (`bedrock.yaml`).
#[test]
fn repository_yaml_agrees() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["examples", "tests", "docs", "bench", ".github"] {
        collect_yaml(&root.join(dir), &mut files);
    }
    assert!(files.len() > 20, "found only {} YAML files", files.len());
    let mut answered = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if agree(text).is_some() {
            answered += 1;
        } else if path.ends_with("bedrock.yaml") {
            panic!("the fast path gave up on {}", path.display());
        }
    }
    assert!(answered * 2 > files.len(), "{answered} of {}", files.len());
}

use std::path::{Path, PathBuf};

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_yaml(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
}

/// xorshift: reproducible documents without a dependency.
/// The generator's state: the random word, and the anchors defined so far.
struct Rng(u64, Vec<String>);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PLAIN: &[&str] = &[
    "a",
    "us-east-1",
    "amazon.nova-lite-v1:0",
    "arn:aws:bedrock:*::foundation-model/*",
    "1",
    "-1",
    "300",
    "0.5",
    "true",
    "null",
    "~",
    "two words",
    "a#b",
    "é",
    "日本語",
    "x-y_z",
    "a:b",
];
const QUOTED: &[&str] = &[
    "\"x\"",
    "'it''s'",
    "\"a: b\"",
    "\"\"",
    "''",
    "\"# not a comment\"",
];
const KEYS: &[&str] = &[
    "name", "region", "id", "tags", "a b", "\"q\"", "'s'", "x1", "null",
];

/// A generated document; `exotic` adds what only the general parser reads.
fn document(rng: &mut Rng, exotic: bool) -> String {
    rng.1.clear();
    let mut out = String::new();
    if rng.below(8) == 0 {
        out.push_str("---\n");
    }
    block_map(rng, &mut out, 0, 0, exotic);
    out
}

/// A scalar value; one that goes on over lines continues them at column `cont`.
fn scalar(rng: &mut Rng, exotic: bool, cont: usize) -> String {
    let pad = " ".repeat(cont);
    let gap = if rng.below(4) == 0 { "\n" } else { "" };
    // 13 and 14 are an anchor and an escaped break when `exotic`.
    match rng.below(15) {
        0..=6 => rng.pick(PLAIN).to_string(),
        7..=9 => rng.pick(QUOTED).to_string(),
        10 => format!(
            "wrapped words{}\n{gap}{pad}and more words",
            rng.pick(&["", "  "])
        ),
        11 => format!("'quoted over{}\n{gap}{pad}lines'", rng.pick(&["", " "])),
        12 => format!(
            "\"{}\"",
            rng.pick(&["t\\tn\\n", "\\u00e9\\x41", "q\\\"b\\\\s\\/"])
        ),
        13 if !exotic => format!("\"a \\u00e9\n{gap}{pad}b\""),
        14 if !exotic => {
            // Only a literal scalar may indent a line more (folded ones fold differently).
            let (style, more) = match rng.below(3) {
                0 => (">", ""),
                1 => ("|", ""),
                _ => ("|", "  "),
            };
            format!(
                "{style}{}\n{pad}first line: with # and 'quotes'\n{gap}{pad}{more}second\n",
                rng.pick(&["", "-", "+", " # note"]),
            )
        }
        13 => "&anchor value".to_string(),
        _ => "\"esc\\\n  break\"".to_string(),
    }
}

fn flow(rng: &mut Rng, depth: usize) -> String {
    let n = rng.below(4);
    if rng.below(2) == 0 || depth > 2 {
        let items: Vec<String> = (0..n)
            .map(|_| {
                if depth < 2 && rng.below(5) == 0 {
                    flow(rng, depth + 1)
                } else {
                    rng.pick(&["a", "us-west-2", "\"q\"", "'s'", "1", "é"])
                        .to_string()
                }
            })
            .collect();
        format!("[{}]", items.join(", "))
    } else {
        let items: Vec<String> = (0..n)
            .map(|i| format!("k{i}: {}", rng.pick(&["v", "\"w\"", "HIGH", "1"])))
            .collect();
        format!("{{ {} }}", items.join(", "))
    }
}

fn trailing(rng: &mut Rng) -> &'static str {
    match rng.below(6) {
        0 => " # note",
        1 => "  ",
        _ => "",
    }
}

fn filler(rng: &mut Rng, out: &mut String, indent: usize) {
    match rng.below(10) {
        0 => out.push('\n'),
        1 => {
            let _ = writeln!(out, "{}# comment", " ".repeat(rng.below(indent + 3)));
        }
        _ => {}
    }
}

fn block_map(rng: &mut Rng, out: &mut String, indent: usize, depth: usize, exotic: bool) {
    let n = 1 + rng.below(4);
    let mut keys: Vec<&str> = Vec::new();
    for i in 0..n {
        let key = rng.pick(KEYS);
        if keys.contains(&key) {
            continue;
        }
        keys.push(key);
        if !out.ends_with("- ") {
            filler(rng, out, indent);
        }
        if i > 0 || !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(key);
        out.push(':');
        value(rng, out, indent, depth, exotic);
    }
}

fn value(rng: &mut Rng, out: &mut String, indent: usize, depth: usize, exotic: bool) {
    let choice = if depth > 3 {
        rng.below(3)
    } else {
        rng.below(7)
    };
    // Now and then an alias to an earlier anchor, or an anchor on this value (defined
    // once the value is complete, as YAML does).
    if !rng.1.is_empty() && rng.below(10) == 0 {
        let i = rng.below(rng.1.len());
        let name = rng.1[i].clone();
        let _ = writeln!(out, " *{name}{}", trailing(rng));
        return;
    }
    // Named by the count of complete anchors: an alias inside this value never names it
    // while it is open, and nested anchors reuse names (the latest `&` wins).
    let anchor = (rng.below(8) == 0).then(|| format!("an{}", rng.1.len()));
    if let Some(name) = &anchor {
        let _ = write!(out, " &{name}");
    }
    match choice {
        0 | 1 => {
            let text = scalar(rng, exotic, indent + 2);
            let _ = writeln!(out, " {text}{}", trailing(rng));
        }
        2 if rng.below(3) == 0 => {
            // Over lines, JSON style. (A closing bracket under the key is in
            // `the_shapes_configs_use`: yaml-rust2 takes it only after a plain scalar.)
            let pad = " ".repeat(indent + 2);
            let close = " ".repeat(indent + 2);
            let items: Vec<String> = (0..1 + rng.below(3)).map(|_| flow(rng, 1)).collect();
            let comma = rng.pick(&["", ","]);
            let _ = writeln!(
                out,
                " [ # list\n{pad}{}{comma}\n{close}]{}",
                items.join(&format!(",\n{pad}")),
                trailing(rng)
            );
        }
        2 => {
            let _ = writeln!(out, " {}{}", flow(rng, 0), trailing(rng));
        }
        3 | 4 => {
            let _ = writeln!(out, "{}", trailing(rng));
            let inner = indent + 2 + 2 * rng.below(2);
            block_map(rng, out, inner, depth + 1, exotic);
        }
        _ => {
            let _ = writeln!(out, "{}", trailing(rng));
            let seq_indent = if rng.below(2) == 0 {
                indent
            } else {
                indent + 2
            };
            block_seq(rng, out, seq_indent, depth + 1, exotic);
        }
    }
    if let Some(name) = anchor {
        rng.1.push(name);
    }
    if exotic && rng.below(12) == 0 {
        let _ = writeln!(out, "{}folded: more", " ".repeat(indent + 2));
    }
}

fn block_seq(rng: &mut Rng, out: &mut String, indent: usize, depth: usize, exotic: bool) {
    for _ in 0..1 + rng.below(3) {
        filler(rng, out, indent);
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match rng.below(if depth > 3 { 2 } else { 5 }) {
            0 => {
                let text = scalar(rng, exotic, indent + 2);
                let _ = writeln!(out, "{text}{}", trailing(rng));
            }
            1 => {
                let _ = writeln!(out, "{}", flow(rng, 0));
            }
            2 => block_seq_inline(rng, out, indent + 2, depth + 1, exotic),
            _ => block_map(rng, out, indent + 2, depth + 1, exotic),
        }
    }
}

fn block_seq_inline(rng: &mut Rng, out: &mut String, indent: usize, depth: usize, exotic: bool) {
    // `- - x`: the inner sequence's first dash shares the outer one's line.
    for i in 0..1 + rng.below(2) {
        if i > 0 {
            out.push_str(&" ".repeat(indent));
        }
        let text = scalar(rng, exotic, indent + 2);
        let _ = writeln!(out, "- {text}");
    }
    let _ = depth;
}

#[test]
fn generated_documents_agree_and_are_handled() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15, Vec::new());
    for i in 0..3000 {
        let text = document(&mut rng, false);
        // A quarter with Windows line ends.
        let text = if i % 4 == 0 {
            text.replace('\n', "\r\n")
        } else {
            text
        };
        handled(&text);
    }
    let mut answered = 0;
    for _ in 0..3000 {
        let text = document(&mut rng, true);
        answered += usize::from(agree(&text).is_some());
    }
    assert!(answered > 0 && answered < 3000, "{answered}");
}

/// Small random edits of the documents above and of the repository's examples: the
/// fast path may give up on the result, but where it answers it must agree.
/// `FAST_YAML_ROUNDS` and `FAST_YAML_SEED` run a longer search locally.
#[test]
fn mutations_agree() {
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let mut rng = Rng(env("FAST_YAML_SEED", 0x2545_f491_4f6c_dd1d) | 1, Vec::new());
    let rounds = env("FAST_YAML_ROUNDS", 20_000) as usize;
    let mut seeds: Vec<String> = (0..200)
        .map(|i| {
            let text = document(&mut rng, false);
            if i % 4 == 0 {
                text.replace('\n', "\r\n")
            } else {
                text
            }
        })
        .collect();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files = Vec::new();
    collect_yaml(&examples, &mut files);
    seeds.extend(files.iter().filter_map(|p| std::fs::read_to_string(p).ok()));
    const EDITS: &[&str] = &[
        " ", "  ", "\n", "-", "- ", ":", ": ", "#", " #", "[", "]", "{", "}", ",", "'", "\"", "&",
        "*", "!", "|", ">", "?", "\t", "\r", ".", "~", "...", "---", "é", "\\", "x",
    ];
    let mut answered = 0;
    for round in 0..rounds {
        let seed = &seeds[round % seeds.len()];
        let mut text: Vec<char> = seed.chars().collect();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(text.len() + 1);
            match rng.below(3) {
                0 if at < text.len() => {
                    text.remove(at);
                }
                _ => {
                    for (i, c) in rng.pick(EDITS).chars().enumerate() {
                        text.insert(at + i, c);
                    }
                }
            }
        }
        let text: String = text.into_iter().collect();
        answered += usize::from(agree(&text).is_some());
    }
    // Most edits keep the document in the fast path's reach, so the comparison bites.
    assert!(answered * 4 > rounds, "{answered} of {rounds}");
}
