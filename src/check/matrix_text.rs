//! The access grid for the terminal (`check --matrix`): one block per role, models as
//! rows and regions as columns, so 50 roles × 20 models stays a set of short tables
//! rather than 1,000 rows; a role denied everywhere is one line, and so are the models
//! a role can use nowhere. Optional ANSI colour
//! per cell and a legend that says what every mark means, including the cells that
//! were evaluated with the guardrail a grant requires.
//!
//! Pure: the caller decides whether colour is wanted (a TTY, `NO_COLOR`).

use super::matrix::{Cell, Shade, GUARDRAIL_KEY};
use std::fmt::Write as _;

/// The mark a cell shows.
pub fn mark(shade: Shade) -> &'static str {
    match shade {
        Shade::Allow => "allow",
        Shade::Guarded => "guard",
        Shade::ImplicitDeny => "deny",
        Shade::ExplicitDeny => "DENY",
        Shade::DestinationDeny => "dest",
    }
}

fn sgr(shade: Shade) -> &'static str {
    match shade {
        Shade::Allow => "\x1b[32m",
        Shade::Guarded => "\x1b[36m",
        Shade::ImplicitDeny => "\x1b[33m",
        Shade::ExplicitDeny => "\x1b[1;31m",
        Shade::DestinationDeny => "\x1b[35m",
    }
}

const RESET: &str = "\x1b[0m";

fn paint(text: &str, shade: Shade, colour: bool) -> String {
    if colour {
        format!("{}{text}{RESET}", sgr(shade))
    } else {
        text.to_string()
    }
}

/// The grid as text. `cells` are in role, model, region order (as `matrix` makes
/// them); `regions` fixes the columns.
pub fn render(cells: &[Cell], regions: &[String], colour: bool) -> String {
    let mut out = String::new();
    if cells.is_empty() {
        out.push_str("no cells: the config has no roles, no models or no regions\n");
        return out;
    }
    let col_w: Vec<usize> = regions.iter().map(|r| r.len().max(5)).collect();
    let mut used = [false; 5];
    // (value, guardrail as named) -> the roles whose guard cells assumed it.
    let mut guards: Vec<(String, String, Vec<String>)> = Vec::new();
    for block in cells.chunk_by(|a, b| a.role == b.role) {
        let role = &block[0].role;
        if !out.is_empty() {
            out.push('\n');
        }
        let allowed = block.iter().filter(|c| c.decision.is_allow()).count();
        if allowed == 0 {
            let models = count_distinct(block.iter().map(|c| c.model.as_str()));
            let shade = if block.iter().any(|c| c.shade() == Shade::ExplicitDeny) {
                Shade::ExplicitDeny
            } else {
                Shade::ImplicitDeny
            };
            let mut counts = [0usize; 5];
            for c in block {
                mark_used(&mut used, c.shade());
                if let Some(i) = Shade::ALL.iter().position(|s| *s == c.shade()) {
                    counts[i] += 1;
                }
            }
            let _ = writeln!(
                out,
                "role {role}: {} everywhere ({models} model{} x {} region{}: {})",
                paint("denied", shade, colour),
                plural(models),
                regions.len(),
                plural(regions.len()),
                counts_text(&counts, colour)
            );
            continue;
        }
        let _ = writeln!(
            out,
            "role {role}: {allowed} of {} cell{} allowed",
            block.len(),
            plural(block.len())
        );
        let model_w = block
            .iter()
            .map(|c| c.model.len())
            .max()
            .unwrap_or(5)
            .max(5);
        let mut header = format!("  {:model_w$}", "MODEL");
        for (r, w) in regions.iter().zip(&col_w) {
            let _ = write!(header, "  {r:w$}");
        }
        out.push_str(header.trim_end());
        out.push('\n');
        // Models this role can use nowhere are one summary line, not a row each:
        // 200 roles x 50 models stays a few rows per role.
        let mut hidden = 0usize;
        let mut hidden_counts = [0usize; 5];
        for row in block.chunk_by(|a, b| a.model == b.model) {
            if !row.iter().any(|c| c.decision.is_allow()) {
                hidden += 1;
                for c in row {
                    mark_used(&mut used, c.shade());
                    if let Some(i) = Shade::ALL.iter().position(|s| *s == c.shade()) {
                        hidden_counts[i] += 1;
                    }
                }
                continue;
            }
            let mut line = format!("  {:model_w$}", row[0].model);
            for (r, w) in regions.iter().zip(&col_w) {
                match row.iter().find(|c| &c.region == r) {
                    Some(c) => {
                        let shade = c.shade();
                        mark_used(&mut used, shade);
                        if let (Some(g), Shade::Guarded) = (&c.guard, shade) {
                            note_guard(&mut guards, &g.value, &g.guardrail, role);
                        }
                        // Pad outside the colour so trailing blanks still trim.
                        let m = mark(shade);
                        let pad = w.saturating_sub(m.len());
                        let _ = write!(line, "  {}{:pad$}", paint(m, shade, colour), "");
                    }
                    None => {
                        let _ = write!(line, "  {:w$}", "-");
                    }
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if hidden > 0 {
            let _ = writeln!(
                out,
                "  ({hidden} other model{} denied in every region: {})",
                plural(hidden),
                counts_text(&hidden_counts, colour)
            );
        }
    }
    out.push_str("\nlegend:\n");
    for (i, shade) in Shade::ALL.iter().enumerate() {
        // The legend names every mark the grid used, and always the three basic ones.
        if used[i]
            || matches!(
                shade,
                Shade::Allow | Shade::ImplicitDeny | Shade::ExplicitDeny
            )
        {
            let m = mark(*shade);
            let _ = writeln!(
                out,
                "  {}{:pad$} = {}",
                paint(m, *shade, colour),
                "",
                shade.meaning(),
                pad = 5 - m.len()
            );
        }
    }
    for (value, name, roles) in &guards {
        let named = if name == value {
            String::new()
        } else {
            format!(" (guardrail `{name}`)")
        };
        let _ = writeln!(
            out,
            "  guard: {GUARDRAIL_KEY} = `{value}`{named} for {}",
            roles.join(", ")
        );
    }
    out
}

fn note_guard(
    guards: &mut Vec<(String, String, Vec<String>)>,
    value: &str,
    name: &str,
    role: &str,
) {
    match guards.iter_mut().find(|(v, n, _)| v == value && n == name) {
        Some((_, _, roles)) => {
            if roles.last().is_none_or(|r| r != role) {
                roles.push(role.to_string());
            }
        }
        None => guards.push((value.to_string(), name.to_string(), vec![role.to_string()])),
    }
}

/// `deny 4, DENY 2`: which marks a summarised part of the grid holds, so every mark
/// of the legend can be found.
fn counts_text(counts: &[usize; 5], colour: bool) -> String {
    Shade::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{} {n}", paint(mark(*s), *s, colour)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn mark_used(used: &mut [bool; 5], shade: Shade) {
    if let Some(i) = Shade::ALL.iter().position(|s| *s == shade) {
        used[i] = true;
    }
}

fn count_distinct<'a>(items: impl Iterator<Item = &'a str>) -> usize {
    let mut seen: Vec<&str> = Vec::new();
    for i in items {
        if !seen.contains(&i) {
            seen.push(i);
        }
    }
    seen.len()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::eval::Decision;

    fn cell(role: usize, model: usize, region: &str, decision: Decision) -> Cell {
        Cell {
            role: format!("role-{role}"),
            model: format!("vendor.model-{model}-v1:0"),
            region: region.to_string(),
            decision,
            denied_regions: Vec::new(),
            source_allowed: decision.is_allow(),
            evidence: Vec::new(),
            missing: None,
            resource: String::new(),
            guard: None,
        }
    }

    /// 50 roles x 20 models x 2 regions: ten roles with access get a row per model
    /// they can use plus one line for the rest, the forty others one line each,
    /// instead of 1,000 rows.
    #[test]
    fn fifty_roles_by_twenty_models_stay_short() {
        let regions = vec!["us-east-1".to_string(), "us-west-2".to_string()];
        let mut cells = Vec::new();
        for r in 0..50 {
            for m in 0..20 {
                for reg in &regions {
                    let d = if r < 10 && m % 4 == 0 {
                        Decision::Allow
                    } else if r % 7 == 0 {
                        Decision::ExplicitDeny
                    } else {
                        Decision::ImplicitDeny
                    };
                    cells.push(cell(r, m, reg, d));
                }
            }
        }
        let text = render(&cells, &regions, false);
        let blocks = text.lines().filter(|l| l.starts_with("role ")).count();
        assert_eq!(blocks, 50, "one header line per role");
        let denied = text
            .lines()
            .filter(|l| l.contains("denied everywhere (20 models x 2 regions: "))
            .count();
        assert_eq!(denied, 40);
        let rows = text
            .lines()
            .filter(|l| l.starts_with("  vendor.model-"))
            .count();
        assert_eq!(
            rows,
            10 * 5,
            "rows only for the models a role can use somewhere"
        );
        let others = text
            .lines()
            .filter(|l| l.starts_with("  (15 other models denied in every region: "))
            .count();
        assert_eq!(others, 10, "one summary line per role with access");
        assert!(
            text.contains("role role-0: 10 of 40 cells allowed"),
            "{text}"
        );
        let row = text
            .lines()
            .find(|l| l.starts_with("  vendor.model-4-v1:0"))
            .unwrap_or_default();
        assert_eq!(
            row.split_whitespace().collect::<Vec<_>>(),
            ["vendor.model-4-v1:0", "allow", "allow"]
        );
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn colour_wraps_the_padded_mark_so_columns_stay_aligned() {
        let regions = vec!["us-east-1".to_string()];
        let cells = vec![
            cell(0, 0, "us-east-1", Decision::Allow),
            cell(0, 1, "us-east-1", Decision::ExplicitDeny),
        ];
        let text = render(&cells, &regions, true);
        assert!(text.contains("\x1b[32mallow\x1b[0m"), "{text:?}");
        assert!(text.contains("\x1b[1;31mDENY\x1b[0m"), "{text:?}");
        let plain = render(&cells, &regions, false);
        let strip = text
            .replace("\x1b[32m", "")
            .replace("\x1b[1;31m", "")
            .replace("\x1b[33m", "")
            .replace("\x1b[36m", "")
            .replace("\x1b[35m", "")
            .replace("\x1b[0m", "");
        assert_eq!(strip, plain, "colour adds escapes only");
    }
}
