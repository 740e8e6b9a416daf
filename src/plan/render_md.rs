//! Plan renderings for CI: Markdown (a pull-request comment or job summary) and GitHub
//! Actions workflow commands (`::notice`/`::warning`/`::error` annotations).
//!
//! Both are built from the same [`Plan`]; the Markdown embeds the text rendering in a
//! `diff` block so the `+`/`-` lines are coloured by the viewer.

use super::render_text::render_text;
use super::{Action, Change, Plan};
use std::fmt::Write as _;

fn summary_line(plan: &Plan) -> String {
    if plan.refresh_only {
        return format!(
            "{} managed resource{} drifted",
            plan.drift.len(),
            if plan.drift.len() == 1 { "" } else { "s" }
        );
    }
    let s = plan.summary();
    if plan.actionable().next().is_none() {
        "No changes.".to_string()
    } else {
        format!(
            "Plan: {} to add, {} to change, {} to replace, {} to destroy.",
            s.add, s.change, s.replace, s.destroy
        )
    }
}

/// Markdown cells must not break the table.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn changed(c: &Change) -> String {
    c.attrs
        .iter()
        .map(|a| {
            if a.forces_replace {
                format!("`{}` (forces replacement)", a.path)
            } else {
                format!("`{}`", a.path)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn render_markdown(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### bedrockctl plan: `{}`\n", cell(&plan.stack));
    let _ = writeln!(out, "**{}**\n", summary_line(plan));
    if !plan.conflicts.is_empty() {
        out.push_str("> [!CAUTION]\n> Owned by another stack, left alone:\n");
        for c in &plan.conflicts {
            let _ = writeln!(out, "> - `{}` (stack `{}`)", c.address, cell(&c.owner));
        }
        out.push('\n');
    }
    let rows: Vec<&Change> = if plan.refresh_only {
        plan.drift.iter().collect()
    } else {
        plan.actionable().collect()
    };
    if !rows.is_empty() {
        out.push_str("| action | resource | changed |\n|---|---|---|\n");
        for c in rows {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} |",
                c.action.as_str(),
                cell(&c.address()),
                changed(c)
            );
        }
        out.push('\n');
    }
    let not_ready: Vec<_> = plan.model_readiness.iter().filter(|r| !r.ready).collect();
    if !not_ready.is_empty() {
        out.push_str("**Model readiness**\n\n");
        for r in not_ready {
            let _ = writeln!(
                out,
                "- `{}` in `{}`: {}{}",
                r.model_id,
                r.region,
                cell(r.message.as_deref().unwrap_or("not ready")),
                r.fix
                    .as_deref()
                    .map(|f| format!(" (fix: {})", cell(f)))
                    .unwrap_or_default()
            );
        }
        out.push('\n');
    }
    out.push_str("<details><summary>Full plan</summary>\n\n```diff\n");
    for line in render_text(plan).replace("```", "'''").lines() {
        out.push_str(&diff_line(line));
        out.push('\n');
    }
    out.push_str("```\n\n</details>\n");
    out
}

/// A `diff` block colours by the first column: move a line's `+`/`-`/`~` marker there
/// (`~` and `-/+` become `!`, which viewers show as changed).
fn diff_line(line: &str) -> String {
    let t = line.trim_start();
    let indent = line.len() - t.len();
    let (marker, rest) = if let Some(rest) = t.strip_prefix("-/+") {
        ('!', rest)
    } else if let Some(rest) = t.strip_prefix('~') {
        ('!', rest)
    } else if let Some(rest) = t.strip_prefix('+') {
        ('+', rest)
    } else if let Some(rest) = t.strip_prefix('-') {
        ('-', rest)
    } else {
        return line.to_string();
    };
    format!("{marker}{}{rest}", " ".repeat(indent))
}

/// Workflow-command values: `%`, CR and LF must be escaped.
fn escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn render_github(plan: &Plan) -> String {
    let mut out = String::new();
    for c in &plan.conflicts {
        let _ = writeln!(
            out,
            "::error title=bedrockctl conflict::{}",
            escape(&format!(
                "{} is owned by stack `{}`; bedrockctl will not touch it",
                c.address, c.owner
            ))
        );
    }
    for c in &plan.drift {
        let _ = writeln!(
            out,
            "::warning title=drift: {}::{}",
            escape(&c.address()),
            escape(&format!("live differs from the config: {}", changed(c)))
        );
    }
    if !plan.refresh_only {
        for c in plan.actionable() {
            let level = match c.action {
                Action::Replace | Action::Delete => "warning",
                _ => "notice",
            };
            let detail = if c.attrs.is_empty() {
                String::new()
            } else {
                format!(": {}", changed(c))
            };
            let _ = writeln!(
                out,
                "::{level} title={} {}::{}",
                c.action.as_str(),
                escape(&c.address()),
                escape(&format!(
                    "{} will be {}d{detail}",
                    c.address(),
                    c.action.as_str()
                ))
            );
        }
    }
    for r in plan.model_readiness.iter().filter(|r| !r.ready) {
        let _ = writeln!(
            out,
            "::error title=model not ready::{}",
            escape(&format!(
                "{} in {}: {}{}",
                r.model_id,
                r.region,
                r.message.as_deref().unwrap_or("not ready"),
                r.fix
                    .as_deref()
                    .map(|f| format!(" (fix: {f})"))
                    .unwrap_or_default()
            ))
        );
    }
    let _ = writeln!(
        out,
        "::notice title=bedrockctl plan::{}",
        escape(&summary_line(plan))
    );
    out
}
