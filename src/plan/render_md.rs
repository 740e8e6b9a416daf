//! Plan renderings for CI: Markdown (a pull-request comment or job summary) and GitHub
//! Actions workflow commands (`::notice`/`::warning`/`::error` annotations pointing at
//! the config line responsible).
//!
//! Markdown layout, most urgent first: failed access checks, conflicts, the summary
//! counts, a table of changes (or of drift under `--refresh-only`), one collapsible
//! attribute diff per change, models that are not ready.

use super::render_text::render_change;
use super::report::{Report, StackReport};
use super::{Action, Change, Plan};
use std::fmt::Write as _;

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn summary_line(plan: &Plan) -> String {
    if plan.refresh_only {
        return if plan.drift.is_empty() {
            "No drift: managed resources match the config.".to_string()
        } else {
            format!(
                "Drift: {} managed resource{} differ{} from the config.",
                plan.drift.len(),
                plural(plan.drift.len()),
                if plan.drift.len() == 1 { "s" } else { "" }
            )
        };
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

/// The summary line plus drift and check counts.
fn counts_line(r: &Report) -> String {
    let mut parts = vec![format!("**{}**", summary_line(&r.plan))];
    if !r.plan.refresh_only && !r.plan.drift.is_empty() {
        parts.push(format!(
            "{} drifted resource{}",
            r.plan.drift.len(),
            plural(r.plan.drift.len())
        ));
    }
    if !r.checks().is_empty() {
        let failed = r.failed_checks().count();
        parts.push(format!(
            "access checks: {} passed, {failed} failed",
            r.checks().len() - failed
        ));
    }
    let not_ready = r.plan.model_readiness.iter().filter(|m| !m.ready).count();
    if not_ready > 0 {
        parts.push(format!("{not_ready} model{} not ready", plural(not_ready)));
    }
    parts.join(" · ")
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

fn at(r: &Report, line: Option<usize>) -> String {
    match line {
        Some(l) if !r.config.is_empty() => format!("`{}:{l}`", cell(&r.config)),
        _ => String::new(),
    }
}

pub fn render_markdown(plan: &Plan) -> String {
    render_markdown_report(&Report::bare(plan))
}

pub fn render_markdown_report(r: &Report) -> String {
    let plan = &r.plan;
    let mut out = String::new();
    if r.config.is_empty() {
        let _ = writeln!(out, "### bedrockctl plan: `{}`\n", cell(&plan.stack));
    } else {
        let _ = writeln!(
            out,
            "### bedrockctl plan: `{}` (`{}`)\n",
            cell(&plan.stack),
            cell(&r.config)
        );
    }
    let failed: Vec<_> = r.failed_checks().collect();
    if !failed.is_empty() {
        let _ = writeln!(
            out,
            "> [!CAUTION]\n> **{} access check{} failed**\n",
            failed.len(),
            plural(failed.len())
        );
        out.push_str(
            "| principal | action | model | region | expected | got | config |\n|---|---|---|---|---|---|---|\n",
        );
        for c in &failed {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | `{}` | `{}` | {} | {} | {} |",
                cell(&c.result.principal),
                cell(&c.result.action),
                cell(&c.result.model),
                cell(&c.result.region),
                c.expect(),
                c.result.offline.as_str(),
                at(r, c.line)
            );
        }
        out.push('\n');
    }
    if let Some(findings) = r.audit.as_ref().filter(|f| !f.is_empty()) {
        let _ = writeln!(
            out,
            "> [!WARNING]\n> **CloudTrail audit: {} finding{}** (docs/audit.md)\n",
            findings.len(),
            plural(findings.len())
        );
        out.push_str("| severity | code | region | finding |\n|---|---|---|---|\n");
        for f in findings {
            let _ = writeln!(
                out,
                "| {} | `{}` | `{}` | {} |",
                f.severity.as_str(),
                f.code,
                cell(&f.region),
                cell(&f.message)
            );
        }
        out.push('\n');
    }
    if let Some(e) = &r.access_checks_error {
        let _ = writeln!(
            out,
            "> [!WARNING]\n> Access checks could not be run: {}\n",
            cell(e)
        );
    }
    let (refused, owned): (Vec<_>, Vec<_>) =
        plan.conflicts.iter().partition(|c| c.reason.is_some());
    if !owned.is_empty() {
        out.push_str("> [!CAUTION]\n> Owned by another stack, left alone:\n");
        for c in &owned {
            let _ = writeln!(out, "> - `{}` (stack `{}`)", c.address, cell(&c.owner));
        }
        out.push('\n');
    }
    for w in &plan.warnings {
        let _ = writeln!(out, "> [!WARNING]\n> {}\n", cell(w));
    }
    if !refused.is_empty() {
        out.push_str("> [!CAUTION]\n> Apply will refuse this plan:\n");
        for c in &refused {
            let _ = writeln!(out, "> - {}", cell(&c.describe()));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}\n", counts_line(r));
    let rows: Vec<&Change> = if plan.refresh_only {
        plan.drift.iter().collect()
    } else {
        plan.actionable().collect()
    };
    if !rows.is_empty() {
        out.push_str("| action | resource | changed | drift | config |\n|---|---|---|---|---|\n");
        for c in &rows {
            let drifted = plan.drift.iter().any(|d| d.address() == c.address());
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {} |",
                c.action.as_str(),
                cell(&c.address()),
                changed(c),
                if drifted { "yes" } else { "" },
                at(r, r.line_of(c))
            );
        }
        out.push('\n');
        for c in &rows {
            let mut text = String::new();
            render_change(&mut text, c);
            let _ = writeln!(
                out,
                "<details><summary><code>{}</code> {}</summary>\n\n```diff",
                html(&c.address()),
                c.action.as_str()
            );
            for line in text.replace("```", "'''").lines() {
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                out.push_str(&diff_line(line));
                out.push('\n');
            }
            out.push_str("```\n\n</details>\n");
        }
        out.push('\n');
    }
    let not_ready: Vec<_> = plan.model_readiness.iter().filter(|m| !m.ready).collect();
    if !not_ready.is_empty() {
        out.push_str("**Model readiness**\n\n");
        for m in not_ready {
            let _ = writeln!(
                out,
                "- `{}` in `{}`: {}{}",
                m.model_id,
                m.region,
                cell(m.message.as_deref().unwrap_or("not ready")),
                m.fix
                    .as_deref()
                    .map(|f| format!(" (fix: {})", cell(f)))
                    .unwrap_or_default()
            );
        }
        out.push('\n');
    }
    out
}

/// Several configs: one section per config.
pub fn render_markdown_stacks(stacks: &[StackReport]) -> String {
    let mut out = String::new();
    for s in stacks {
        match s {
            StackReport::Planned(r) => out.push_str(&render_markdown_report(r)),
            StackReport::Failed { config, error } => {
                let _ = writeln!(
                    out,
                    "### bedrockctl plan: `{}`\n\n> [!CAUTION]\n> **could not be planned**\n\n```\n{}\n```\n",
                    cell(config),
                    error.trim_end().replace("```", "'''")
                );
            }
        }
    }
    out
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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

/// Workflow-command properties also escape `:` and `,`.
fn escape_prop(s: &str) -> String {
    escape(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render_github(plan: &Plan) -> String {
    render_github_report(&Report::bare(plan))
}

/// `::LEVEL file=CONFIG,line=N,title=…::message` per finding (no `file=` when the config
/// is unknown), then a `::notice` with the summary.
pub fn render_github_report(r: &Report) -> String {
    let plan = &r.plan;
    let mut out = String::new();
    let mut emit = |level: &str, line: Option<usize>, title: &str, msg: &str| {
        let place = match line {
            Some(l) if !r.config.is_empty() => {
                format!("file={},line={l},", escape_prop(&r.config))
            }
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "::{level} {place}title={}::{}",
            escape_prop(title),
            escape(msg)
        );
    };
    for c in r.failed_checks() {
        let mut msg = format!(
            "{} {} {} in {}: expected {}, offline evaluation says {}",
            c.result.principal,
            c.result.action,
            c.result.model,
            c.result.region,
            c.expect(),
            c.result.offline.as_str()
        );
        if !c.result.reason.is_empty() {
            msg.push_str(&format!("\n{}", c.result.reason));
        }
        emit("error", c.line, "access check failed", &msg);
    }
    if let Some(e) = &r.access_checks_error {
        emit(
            "warning",
            r.locations.stack,
            "access checks not run",
            e.as_str(),
        );
    }
    for f in r.audit.iter().flatten() {
        let line = r
            .locations
            .kind_line(crate::account::Kind::CloudTrailTrail)
            .or(r.locations.stack);
        emit(
            f.severity.as_str(),
            line,
            &format!("CloudTrail audit [{}]", f.code),
            &format!("{}: {}", f.region, f.message),
        );
    }
    for c in &plan.conflicts {
        emit(
            "error",
            r.locations.stack,
            if c.reason.is_some() {
                "apply will refuse"
            } else {
                "bedrockctl conflict"
            },
            &c.describe(),
        );
    }
    for w in &plan.warnings {
        emit("warning", r.locations.stack, "bedrockctl warning", w);
    }
    // A drift job fails on drift: under --refresh-only drift is an error.
    let drift_level = if plan.refresh_only {
        "error"
    } else {
        "warning"
    };
    for c in &plan.drift {
        emit(
            drift_level,
            r.line_of(c),
            &format!("drift: {}", c.address()),
            &format!(
                "changed outside bedrockctl{}; live differs from the config: {}",
                if plan.drift_unverified.contains(&c.address()) {
                    " (unverified: no record of what was applied)"
                } else {
                    ""
                },
                attr_detail(c)
            ),
        );
    }
    if !plan.refresh_only {
        for c in plan.actionable() {
            // Creates and updates are routine: a notice without a location, so a PR's
            // diff view is not covered in annotations; replaces and deletes point at
            // the config line.
            let (level, line) = match c.action {
                Action::Replace | Action::Delete => ("warning", r.line_of(c)),
                _ => ("notice", None),
            };
            let detail = if c.attrs.is_empty() {
                String::new()
            } else {
                format!(": {}", attr_detail(c))
            };
            emit(
                level,
                line,
                &format!("{} {}", c.action.as_str(), c.address()),
                &format!("{} will be {}d{detail}", c.address(), c.action.as_str()),
            );
        }
    }
    for m in plan.model_readiness.iter().filter(|m| !m.ready) {
        emit(
            "error",
            r.locations.model(&m.model_id, &m.region),
            "model not ready",
            &format!(
                "{} in {}: {}{}",
                m.model_id,
                m.region,
                m.message.as_deref().unwrap_or("not ready"),
                m.fix
                    .as_deref()
                    .map(|f| format!(" (fix: {f})"))
                    .unwrap_or_default()
            ),
        );
    }
    let mut summary = summary_line(plan);
    if !r.checks().is_empty() {
        let failed = r.failed_checks().count();
        summary.push_str(&format!(
            " Access checks: {} passed, {failed} failed.",
            r.checks().len() - failed
        ));
    }
    emit("notice", None, "bedrockctl plan", &summary);
    out
}

/// `path: before -> after` per attribute, values inline and shortened.
fn attr_detail(c: &Change) -> String {
    let short = |v: &Option<serde_json::Value>| -> String {
        let s = v
            .as_ref()
            .map(|v| serde_json::to_string(v).unwrap_or_default())
            .unwrap_or_else(|| "null".into());
        if s.chars().count() > 80 {
            format!("{}…", s.chars().take(79).collect::<String>())
        } else {
            s
        }
    };
    c.attrs
        .iter()
        .map(|a| {
            format!(
                "{}: {} -> {}{}",
                a.path,
                short(&a.before),
                short(&a.after),
                if a.forces_replace {
                    " (forces replacement)"
                } else {
                    ""
                }
            )
        })
        .map(|s| crate::policy::refs::mask_unknowns(&s))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Several configs: every config's annotations, each pointing at its own file.
pub fn render_github_stacks(stacks: &[StackReport]) -> String {
    let mut out = String::new();
    for s in stacks {
        match s {
            StackReport::Planned(r) => out.push_str(&render_github_report(r)),
            StackReport::Failed { config, error } => {
                let _ = writeln!(
                    out,
                    "::error file={},title=bedrockctl plan::{}",
                    escape_prop(config),
                    escape(error.trim_end())
                );
            }
        }
    }
    out
}
