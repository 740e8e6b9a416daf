//! Terraform-style text rendering of a plan: `+` create, `~` update in place, `-/+`
//! replace, `-` delete, one line per changed attribute, and a summary line. Long text
//! and policy documents are shown as a line diff.

use super::render_tree;
use super::report::{Report, StackReport};
use super::{Action, AttrChange, Change, Plan};
use crate::policy::refs;
use serde_json::Value;
use similar::{ChangeTag, TextDiff};
use std::fmt::Write as _;

/// Values longer than this (or multi-line) are shown as a line diff.
const LONG: usize = 60;

pub fn render_text(plan: &Plan) -> String {
    let mut out = String::new();
    for c in &plan.conflicts {
        let _ = writeln!(out, "! {}", c.describe());
    }
    if !plan.conflicts.is_empty() {
        out.push('\n');
    }
    for w in &plan.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    if !plan.warnings.is_empty() {
        out.push('\n');
    }
    // Drift (the live resource moved away from what apply wrote, see plan::applied) is
    // listed apart from the actions; the normal plan names it, the actions revert it.
    if !plan.refresh_only && !plan.drift.is_empty() {
        let _ = writeln!(
            out,
            "Drift: {} managed resource{} changed outside bedrockctl:",
            plan.drift.len(),
            plural(plan.drift.len()),
        );
        for c in &plan.drift {
            let _ = writeln!(out, "  ~ {}{}", c.address(), unverified_note(plan, c));
        }
        out.push('\n');
    }
    if plan.refresh_only && !plan.drift.is_empty() {
        let _ = writeln!(
            out,
            "Drift: {} managed resource{} differ{} from the config:\n",
            plan.drift.len(),
            plural(plan.drift.len()),
            if plan.drift.len() == 1 { "s" } else { "" }
        );
        for c in &plan.drift {
            render_change(&mut out, c);
        }
    }
    let actionable: Vec<&Change> = plan.actionable().collect();
    if !actionable.is_empty() {
        out.push_str("bedrockctl will perform the following actions:\n\n");
        for c in &actionable {
            render_change(&mut out, c);
        }
    }
    if !plan.unmanaged.is_empty() {
        out.push_str("Not managed by this stack (left alone):\n");
        for r in &plan.unmanaged {
            let owner = r
                .stack()
                .map(|s| format!(" (stack `{s}`)"))
                .unwrap_or_default();
            let _ = writeln!(out, "  . {}{owner}", r.address());
        }
        out.push('\n');
    }
    let not_ready: Vec<_> = plan.model_readiness.iter().filter(|r| !r.ready).collect();
    if !plan.model_readiness.is_empty() {
        let _ = writeln!(
            out,
            "Model readiness: {} of {} ready",
            plan.model_readiness.len() - not_ready.len(),
            plan.model_readiness.len()
        );
        for r in &not_ready {
            let _ = writeln!(
                out,
                "  ! {} in {} (via {}): {}",
                r.model_id,
                r.region,
                r.via,
                r.message.as_deref().unwrap_or("not ready")
            );
            if let Some(fix) = &r.fix {
                let _ = writeln!(out, "    hint: {fix}");
            }
        }
        out.push('\n');
    }
    if plan.refresh_only {
        if plan.drift.is_empty() {
            out.push_str("No drift: managed resources match the config.\n");
        } else {
            out.push_str("Refresh only: no changes are planned.\n");
        }
        return out;
    }
    let s = plan.summary();
    if actionable.is_empty() {
        out.push_str("No changes. The account matches the configuration.\n");
    } else {
        let _ = writeln!(
            out,
            "Plan: {} to add, {} to change, {} to replace, {} to destroy.",
            s.add, s.change, s.replace, s.destroy
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub(crate) fn render_change(out: &mut String, c: &Change) {
    let (sym, what) = match c.action {
        Action::Create => ("  +", "will be created"),
        Action::Update if c.adopt => ("  ~", "will be adopted (ownership tags added)"),
        Action::Update => ("  ~", "will be updated in place"),
        Action::Replace => ("-/+", "must be replaced"),
        Action::Delete => ("  -", "will be destroyed"),
        Action::NoOp => ("   ", "is up to date"),
    };
    // A new guardrail version is a snapshot of the draft, whose own change is shown
    // above it: one line, not the whole guardrail again (issue 20).
    if c.kind == crate::account::Kind::GuardrailVersion && c.action == Action::Create {
        let guardrail = c
            .after
            .as_ref()
            .and_then(|a| {
                a.spec
                    .as_kind::<crate::account::spec::GuardrailVersionSpec>()
            })
            .map(|v| v.guardrail.as_str())
            .unwrap_or(&c.name);
        let _ = writeln!(
            out,
            "  + {}: a new version of `{guardrail}`, from the draft above\n",
            c.address()
        );
        return;
    }
    let start = out.len();
    let _ = writeln!(out, "  # {} {what}", c.address());
    let _ = writeln!(out, "{sym} {}", c.address());
    match c.action {
        Action::Create => {
            if let Some(a) = &c.after {
                render_object(out, "+", &a.spec.to_value());
                if !a.tags.is_empty() {
                    render_tree::tree(out, 6, "tags", None, Some(&serde_json::json!(a.tags)));
                }
            }
        }
        Action::Delete => {
            if let Some(id) = c.before.as_ref().and_then(|b| b.id.as_ref()) {
                let _ = writeln!(out, "      - id = {id}");
            }
        }
        _ => {
            for a in &c.attrs {
                render_attr(out, a);
            }
        }
    }
    out.push('\n');
    if c.after
        .as_ref()
        .is_some_and(|a| refs::spec_has_placeholder(&a.spec))
    {
        let shown = out.split_off(start);
        out.push_str(&refs::mask_unknowns(&shown));
    }
}

fn render_object(out: &mut String, sym: &str, v: &Value) {
    if let Value::Object(m) = v {
        for (k, v) in m {
            let text = inline(v);
            if render_tree::is_nested(v) {
                render_tree::tree(out, 6, k, None, Some(v));
            } else if is_long(&text) {
                let _ = writeln!(out, "      {sym} {k} =");
                for line in pretty(v).lines() {
                    let _ = writeln!(out, "          {line}");
                }
            } else {
                let _ = writeln!(out, "      {sym} {k} = {text}");
            }
        }
    }
}

fn render_attr(out: &mut String, a: &AttrChange) {
    let note = if a.forces_replace {
        " # forces replacement"
    } else {
        ""
    };
    let b = a.before.as_ref().map(inline);
    let n = a.after.as_ref().map(inline);
    let long = b.as_deref().is_some_and(is_long) || n.as_deref().is_some_and(is_long);
    match (&a.before, &a.after) {
        (b, n)
            if b.as_ref().is_none_or(render_tree::is_nested)
                && n.as_ref().is_none_or(render_tree::is_nested) =>
        {
            render_tree::tree(out, 6, &a.path, b.as_ref(), n.as_ref());
            if !note.is_empty() {
                let _ = writeln!(out, "       {note}");
            }
        }
        (None, Some(v)) if !long => {
            let _ = writeln!(out, "      + {} = {}{note}", a.path, inline(v));
        }
        (Some(v), None) if !long => {
            let _ = writeln!(out, "      - {} = {}{note}", a.path, inline(v));
        }
        _ if !long => {
            let _ = writeln!(
                out,
                "      ~ {} = {} -> {}{note}",
                a.path,
                b.unwrap_or_else(|| "null".into()),
                n.unwrap_or_else(|| "null".into())
            );
        }
        _ => {
            let _ = writeln!(out, "      ~ {}{note}", a.path);
            let before = a.before.as_ref().map(pretty).unwrap_or_default();
            let after = a.after.as_ref().map(pretty).unwrap_or_default();
            let diff = TextDiff::from_lines(&before, &after);
            for ch in diff.iter_all_changes() {
                let sign = match ch.tag() {
                    ChangeTag::Delete => "-",
                    ChangeTag::Insert => "+",
                    ChangeTag::Equal => " ",
                };
                let _ = write!(out, "          {sign} {}", ch.value());
                if ch.missing_newline() {
                    out.push('\n');
                }
            }
        }
    }
}

fn is_long(s: &str) -> bool {
    s.len() > LONG || s.contains("\\n")
}

fn inline(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Pretty JSON; a string is shown as its own text so long messages diff by line.
fn pretty(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let mut s = s.clone();
            if !s.ends_with('\n') {
                s.push('\n');
            }
            s
        }
        other => {
            let mut s = serde_json::to_string_pretty(other).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

/// The plan of one config, then its access checks (failed ones with their config line).
pub fn render_report(r: &Report) -> String {
    let mut out = render_text(&r.plan);
    if let Some(e) = &r.access_checks_error {
        let _ = writeln!(out, "\nAccess checks could not be run: {e}");
    }
    let checks = r.checks();
    if !checks.is_empty() {
        let failed = r.failed_checks().count();
        let _ = writeln!(
            out,
            "\nAccess checks (offline): {} passed, {failed} failed",
            checks.len() - failed
        );
        for c in r.failed_checks() {
            let at = c
                .line
                .map(|l| format!(" ({}:{l})", r.config))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  FAIL {} {} {} in {}: expected {}, got {}{at}",
                c.result.principal,
                c.result.action,
                c.result.model,
                c.result.region,
                c.expect(),
                c.result.offline.as_str()
            );
            if !c.result.reason.is_empty() {
                let _ = writeln!(out, "       {}", c.result.reason);
            }
        }
    }
    out
}

/// Several configs: one section per config, in the order given.
pub fn render_stacks(stacks: &[StackReport]) -> String {
    let mut out = String::new();
    for (i, s) in stacks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match s {
            StackReport::Planned(r) => {
                let _ = writeln!(out, "=== stack `{}` ({}) ===\n", r.plan.stack, r.config);
                out.push_str(&render_report(r));
            }
            StackReport::Failed { config, error } => {
                let _ = writeln!(out, "=== {config} ===\n");
                let _ = writeln!(out, "error: {}", error.trim_end());
            }
        }
    }
    out
}

/// Why a change counts as drift without proof: nothing records what was applied.
fn unverified_note(plan: &Plan, c: &Change) -> &'static str {
    if plan.drift_unverified.contains(&c.address()) {
        " (no record of what was applied: any difference counts as drift)"
    } else {
        ""
    }
}

/// `text` with the change markers coloured as Terraform does: `+` green, `~` yellow,
/// `-` (and `-/+`) red, `!` conflicts red. Only for a terminal: the caller decides
/// (stdout is a TTY and `NO_COLOR` is unset), so files, pipes and snapshots stay plain.
pub fn colorize(text: &str) -> String {
    const GREEN: &str = "\x1b[32m";
    const YELLOW: &str = "\x1b[33m";
    const RED: &str = "\x1b[31m";
    const RESET: &str = "\x1b[0m";
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        let colour = match body.chars().next() {
            Some('+') => Some(GREEN),
            Some('~') => Some(YELLOW),
            Some('-') | Some('!') => Some(RED),
            _ => None,
        };
        match colour {
            Some(c) => {
                let (content, nl) = match line.strip_suffix('\n') {
                    Some(l) => (l, "\n"),
                    None => (line, ""),
                };
                let indent = content.len() - content.trim_start().len();
                let _ = write!(
                    out,
                    "{}{c}{}{RESET}{nl}",
                    &content[..indent],
                    &content[indent..]
                );
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod colour_tests {
    use super::colorize;

    #[test]
    fn markers_are_coloured_and_other_lines_left_alone() {
        let text = "bedrockctl will perform:\n  + a.b.c\n  ~ d\n-/+ e\nPlan: 1 to add\n";
        let c = colorize(text);
        assert!(c.contains("  \x1b[32m+ a.b.c\x1b[0m\n"), "{c:?}");
        assert!(c.contains("  \x1b[33m~ d\x1b[0m\n"), "{c:?}");
        assert!(c.contains("\x1b[31m-/+ e\x1b[0m\n"), "{c:?}");
        assert!(c.starts_with("bedrockctl will perform:\n"));
        assert!(c.ends_with("Plan: 1 to add\n"));
    }
}
