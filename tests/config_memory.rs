//! Memory of loading a config (issue 21), measured in live heap bytes with a counting
//! global allocator (this test binary only; only the test thread's allocations count).
//! Byte counts of a given build are deterministic, so the bounds below are exact
//! properties, not timings: a tag map costs its text and a few offsets, and `decode`
//! hands the YAML tree back while the model grows instead of holding both at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bedrockctl::config;
use bedrockctl::span::SourceMap;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;
use std::path::Path;

struct Counting;

thread_local! {
    // `const` init: reading them never allocates.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn add(delta: isize) {
    // `try_with`: the allocator also runs while thread-locals are torn down.
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let live = LIVE.with(|l| {
                l.set(l.get() + delta);
                l.get()
            });
            PEAK.with(|p| p.set(p.get().max(live)));
        }
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Live bytes now and the peak since the last `start`, counted from `start`.
struct Meter;

impl Meter {
    fn start() -> Meter {
        LIVE.with(|l| l.set(0));
        PEAK.with(|p| p.set(0));
        COUNTING.with(|c| c.set(true));
        Meter
    }
    fn live(&self) -> isize {
        LIVE.with(Cell::get)
    }
    fn peak(&self) -> isize {
        PEAK.with(Cell::get)
    }
}

impl Drop for Meter {
    fn drop(&mut self) {
        COUNTING.with(|c| c.set(false));
    }
}

/// `n` inference profiles, each with `tags` (a flow mapping, or nothing when empty).
fn profiles(n: usize, tags: &str) -> String {
    let mut s = String::from("version: 1\nstack: s\naccount:\n  regions: [us-east-1]\n");
    s.push_str("inference_profiles:\n");
    for i in 0..n {
        let _ = write!(
            s,
            "  - name: p{i}\n    region: us-east-1\n    copy_from: us.amazon.nova-lite-v1:0\n"
        );
        if !tags.is_empty() {
            let _ = writeln!(s, "    tags: {tags}");
        }
    }
    s
}

/// Live bytes the loaded config (and its source map) holds, and the peak while loading.
fn load_measured(text: String) -> (isize, isize) {
    // The first load of a process builds lazily initialised tables (the model catalog):
    // loaded once before counting, so only the config's own bytes are measured.
    let mut sources = SourceMap::default();
    let warm = profiles(1, "");
    assert!(config::load_str(Path::new("w.yaml"), warm, &mut sources).is_ok());
    let mut sources = SourceMap::default();
    let meter = Meter::start();
    let loaded = config::load_str(Path::new("b.yaml"), text, &mut sources);
    let (live, peak) = (meter.live(), meter.peak());
    drop(meter);
    if let Err(d) = loaded {
        panic!("{}", d.render(&sources));
    }
    (live, peak)
}

#[test]
fn a_tag_map_costs_its_text_and_offsets() {
    const N: usize = 400;
    // Same length of YAML either way, so the source text and line index cost the same.
    let (with_tags, _) = load_measured(profiles(N, "{ team: team-7, cost-center: cc-3 }"));
    let (without, _) = load_measured(profiles(N, "{}"));
    let per_map = (with_tags - without) / N as isize;
    // Keys and values are 25 bytes of text, their four end offsets 16: 41 bytes. As a
    // `BTreeMap` each map held a B-tree node plus four strings (579 bytes).
    assert!(
        (41..=48).contains(&per_map),
        "a two-tag map holds {per_map} bytes"
    );
}

/// The guardrails and alarms of the 50,000-resource bench, fewer of them. The anchor
/// makes the fast parser give up, so the whole tree is built (yaml-rust2's path) and
/// `decode` is what frees it: the streamed path never holds the lists at all.
fn mixed(n: usize) -> String {
    let mut s =
        String::from("version: 1\nstack: &s s\naccount:\n  regions: [us-east-1, us-west-2]\n");
    s.push_str("guardrails:\n");
    for i in 0..n {
        let _ = write!(
            s,
            "  - name: g{i}\n    regions: [us-east-1]\n    blocked_input_message: no\n    blocked_output_message: no\n    content_filters:\n      - {{ type: HATE, input: HIGH, output: HIGH }}\n    pii:\n      - {{ type: EMAIL, action: ANONYMIZE }}\n    tags: {{ team: team-{i} }}\n"
        );
    }
    s.push_str("alarms:\n");
    for i in 0..n {
        let _ = write!(
            s,
            "  - name: a{i}\n    region: us-west-2\n    metric: InvocationThrottles\n    statistic: Sum\n    period: 300\n    threshold: {i}\n    comparison: GreaterThanThreshold\n    actions: [\"arn:aws:sns:us-west-2:111122223333:oncall\"]\n"
        );
    }
    s
}

#[test]
fn decode_gives_the_tree_back_while_the_model_grows() {
    let text = mixed(1000);
    // The tree alone: parsed from a source map that already holds the text.
    let mut sources = SourceMap::default();
    let id = sources.add("b.yaml", text.clone());
    let file = sources.get(id).unwrap();
    let meter = Meter::start();
    let tree = config::yaml::parse(file, id).unwrap();
    let (tree_live, parse_peak) = (meter.live(), meter.peak());
    drop(tree);
    drop(meter);

    let (model, load_peak) = load_measured(text);
    assert!(
        tree_live > 0 && model > 0,
        "tree {tree_live}, model {model}"
    );
    // Holding the whole tree and the whole model at once peaks at both. Freed entry by
    // entry, the tree is given back as the model grows: the peak is the tree plus
    // about the first sections' entry arrays (allocated at their size up front), well
    // under the tree plus the model.
    let bound = parse_peak.max(tree_live) + model * 6 / 10;
    assert!(
        load_peak < bound,
        "peak {load_peak} B over {bound} (tree {tree_live}, parse peak {parse_peak}, model {model})"
    );
}
