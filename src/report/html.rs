//! The report as one self-contained HTML page: inline CSS, a few lines of inline
//! JavaScript and inline SVG, no external fetch of any kind. The essentials read
//! without JavaScript (the heat map's colours and letters, the legend, the table of
//! reasons, checks, readiness, lint, plan) and print (`@media print`).
//!
//! Every string from the config, the account or the evaluator passes through
//! [`esc`] (HTML text and attributes) or [`script_json`] (data inside `<script>`),
//! so a role named `<script>` stays text. Size: a 200-role × 50-model × 20-region grid
//! is about 12 bytes per cell (`<td class=a>`, letters from CSS) plus its reason
//! index in the data block; per-cell `title`s are written only for small grids.

use super::{Report, Source};
use crate::check::matrix::Shade;
use std::fmt::Write as _;

/// Grids with at most this many cells carry a `title` per cell (readable on hover
/// without JavaScript); larger ones rely on the script and the reasons table.
pub const TITLE_LIMIT: usize = 5_000;

/// Escape for HTML text and double- or single-quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&`
/// only occur inside JSON strings, where `\u003c` etc. mean the same characters,
/// so no `</script>` or `<!--` can end the element early.
pub fn script_json(v: &serde_json::Value) -> String {
    let text = v.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The CSS class (one letter: it is written once per cell) of a shade.
pub fn class(shade: Shade) -> &'static str {
    match shade {
        Shade::Allow => "a",
        Shade::Guarded => "g",
        Shade::ImplicitDeny => "i",
        Shade::ExplicitDeny => "x",
        Shade::DestinationDeny => "d",
    }
}

/// The fill colour of a shade (CSS and SVG; the browser test checks two of them).
pub fn colour(shade: Shade) -> &'static str {
    match shade {
        Shade::Allow => "#1a9850",
        Shade::Guarded => "#66c2a5",
        Shade::ImplicitDeny => "#fdae61",
        Shade::ExplicitDeny => "#d73027",
        Shade::DestinationDeny => "#756bb1",
    }
}

/// The letter a cell shows (so the grid reads in black and white too).
pub fn letter(shade: Shade) -> &'static str {
    match shade {
        Shade::Allow => "A",
        Shade::Guarded => "G",
        Shade::ImplicitDeny => "-",
        Shade::ExplicitDeny => "X",
        Shade::DestinationDeny => "D",
    }
}

fn css() -> String {
    let mut cells = String::new();
    for s in Shade::ALL {
        let fg = if matches!(s, Shade::ImplicitDeny | Shade::Guarded) {
            "#000"
        } else {
            "#fff"
        };
        let _ = write!(
            cells,
            "table.grid td.{c}{{background:{bg};color:{fg}}}table.grid td.{c}::after{{content:\"{l}\"}}.sw.{c}{{background:{bg}}}",
            c = class(s),
            bg = colour(s),
            l = letter(s),
        );
    }
    format!(
        "{base}{cells}{print}",
        base = r#"*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f24;background:#fff}
header,main,footer{max-width:1400px;margin:0 auto;padding:0 16px}header{padding-top:16px}h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
.meta{color:#57606a}.meta b{color:#1b1f24}.note{background:#fff8c5;border:1px solid #d4a72c;padding:6px 10px;border-radius:6px}
nav a{margin-right:12px}.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;min-width:150px}.card b{font-size:20px;display:block}
table{border-collapse:collapse}table.list{width:100%}table.list th,table.list td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}table.list th{background:#f6f8fa}
.scroll{overflow:auto;max-height:80vh;max-width:100%;display:inline-block;border:1px solid #d0d7de}table.grid{font-size:11px}table.grid th{font-weight:normal;background:#f6f8fa;position:sticky;z-index:1}table.grid thead th{top:0;vertical-align:bottom}
table.grid thead th.m{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;padding:4px 2px;max-height:260px}table.grid tbody th{left:0;text-align:right;padding:0 6px;white-space:nowrap}
table.grid td{width:20px;min-width:20px;height:20px;text-align:center;border:1px solid #fff;cursor:pointer;font-weight:bold}table.grid td:hover,table.grid td.sel{outline:2px solid #0969da}
.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:14px;height:14px;vertical-align:middle;margin-right:4px;border:1px solid #8c959f;text-align:center;font-size:10px;font-weight:bold;line-height:12px}
#detail{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;margin-top:8px;white-space:pre-wrap}
.pass{color:#1a7f37;font-weight:bold}.fail{color:#cf222e;font-weight:bold}.sev-error{color:#cf222e;font-weight:bold}.sev-warning{color:#9a6700;font-weight:bold}code{font-size:12px}footer{color:#57606a;margin:32px auto 16px}
"#,
        print = "@media print{*{-webkit-print-color-adjust:exact;print-color-adjust:exact}nav,#detail,noscript{display:none}.scroll{overflow:visible;max-height:none;border:0}table.grid th{position:static}details>*{display:block}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}",
    )
}

const SCRIPT: &str = r#"(function(){
var el=document.getElementById("grid-data");if(!el)return;var data=JSON.parse(el.textContent);
var panel=document.getElementById("detail"),sel=null;
function info(td){var tr=td.parentNode,t=tr.closest("table.grid");if(!t)return null;
var r=+t.getAttribute("data-region"),i=tr.sectionRowIndex,m=td.cellIndex-1;
var k=data.grid[r][i*data.models.length+m];if(k===undefined||k<0)return null;var rs=data.reasons[k];
return data.roles[i]+" \u00d7 "+data.models[m]+" in "+data.regions[r]+"\n"+rs.decision+" ("+rs.shade+")"+(rs.text?": "+rs.text:"");}
document.addEventListener("mouseover",function(e){var td=e.target.closest?e.target.closest("table.grid td"):null;if(td&&!td.title){var s=info(td);if(s)td.title=s;}});
document.addEventListener("click",function(e){var td=e.target.closest?e.target.closest("table.grid td"):null;if(!td)return;var s=info(td);if(!s)return;
if(sel)sel.classList.remove("sel");sel=td;td.classList.add("sel");panel.textContent=s;});
})();"#;

/// Render the whole page.
pub fn render(r: &Report) -> String {
    let n_cells = r.cells.len();
    let mut out = String::with_capacity(4096 + n_cells * 14 + r.roles.len() * r.regions.len() * 40);
    let title = format!("bedrockctl access report: {}", r.stack);
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\"><meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\"><title>{}</title><style>{}</style></head><body>",
        esc(&title),
        css()
    );
    header(&mut out, r);
    out.push_str("<main>\n");
    summary(&mut out, r);
    matrix(&mut out, r);
    reasons(&mut out, r);
    checks(&mut out, r);
    readiness(&mut out, r);
    lint(&mut out, r);
    plan(&mut out, r);
    out.push_str("</main>\n");
    let _ = writeln!(
        out,
        "<footer>made by bedrockctl {} at {}; self-contained: this page fetches nothing</footer>",
        esc(&r.version),
        esc(&r.generated_at)
    );
    data_block(&mut out, r);
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body></html>");
    out
}

fn header(out: &mut String, r: &Report) {
    let source = match &r.source {
        Source::Offline => "offline (config only)".to_string(),
        Source::Sandbox(d) => format!("sandbox account in {d}"),
        Source::Account => "AWS account".to_string(),
    };
    let _ = write!(
        out,
        "<header><h1>Bedrock access report: {stack}</h1><p class=meta>stack <b>{stack}</b> · config <b>{config}</b> · account <b>{acct}</b> · source <b id=source>{src}</b> · generated <b><time datetime=\"{at}\">{at}</time></b> · bedrockctl {ver}</p>",
        stack = esc(&r.stack),
        config = esc(&r.config),
        acct = esc(&r.account_id),
        src = esc(&source),
        at = esc(&r.generated_at),
        ver = esc(&r.version),
    );
    if r.source == Source::Offline {
        let _ = write!(
            out,
            "<p class=note id=offline-note>{}</p>",
            esc(r.account_note())
        );
    }
    out.push_str("<nav><a href=\"#matrix\">Access matrix</a><a href=\"#reasons\">Reasons</a><a href=\"#checks\">Access checks</a><a href=\"#readiness\">Model readiness</a><a href=\"#lint\">Lint</a><a href=\"#plan\">Drift and plan</a></nav></header>\n");
}

fn summary(out: &mut String, r: &Report) {
    let counts = r.shade_counts();
    let total: usize = counts.iter().sum();
    let failed = r.checks.iter().filter(|c| !c.pass).count();
    let errors = r.lint.iter().filter(|f| f.severity == "error").count();
    let warnings = r.lint.iter().filter(|f| f.severity == "warning").count();
    out.push_str("<section id=summary><h2>Summary</h2><div class=cards>");
    let _ = write!(
        out,
        "<div class=card><b>{}</b>of {} cells allowed ({} with a guardrail)</div>",
        counts[0] + counts[1],
        total,
        counts[1]
    );
    let _ = write!(
        out,
        "<div class=card><b class={}>{}/{}</b>access checks pass</div>",
        if failed == 0 { "pass" } else { "fail" },
        r.checks.len() - failed,
        r.checks.len()
    );
    let _ = write!(
        out,
        "<div class=card><b>{errors} / {warnings}</b>lint errors / warnings</div>"
    );
    match &r.plan {
        Some(p) => {
            let _ = write!(
                out,
                "<div class=card><b>{} / {} / {}</b>to add / change / destroy ({} replace), {} drifted</div>",
                p.add,
                p.change,
                p.destroy,
                p.replace,
                p.drift.len()
            );
        }
        None => out.push_str("<div class=card><b>n/a</b>no plan offline</div>"),
    }
    out.push_str("</div>");
    // The share of each shade as one stacked bar.
    if total > 0 {
        let _ = write!(
            out,
            "<svg id=bar role=img aria-label=\"cells by decision\" width=600 height=22 viewBox=\"0 0 600 22\">"
        );
        let mut x = 0.0f64;
        for (s, n) in Shade::ALL.iter().zip(counts) {
            if n == 0 {
                continue;
            }
            let w = 600.0 * n as f64 / total as f64;
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"0\" width=\"{w:.1}\" height=\"22\" fill=\"{}\"><title>{}: {n}</title></rect>",
                colour(*s),
                s.as_str()
            );
            x += w;
        }
        out.push_str("</svg>");
    }
    out.push_str("</section>\n");
}

fn legend(out: &mut String) {
    out.push_str("<p class=legend id=legend>");
    for s in Shade::ALL {
        let _ = write!(
            out,
            "<span><i class=\"sw {}\">{}</i>{}</span>",
            class(s),
            letter(s),
            esc(s.meaning())
        );
    }
    out.push_str("</p>");
}

fn matrix(out: &mut String, r: &Report) {
    let _ = write!(
        out,
        "<section id=matrix><h2>Access matrix</h2><p>Who can call <code>{}</code> on which model, in which region: {} role(s) × {} model(s) × {} region(s). Each cell is every IAM decision the request needs (through a cross-region profile: the profile and each destination region).</p>",
        esc(&r.action),
        r.roles.len(),
        r.models.len(),
        r.regions.len()
    );
    legend(out);
    out.push_str("<noscript><p class=note>Without JavaScript the colours, letters and the Reasons table below tell the story; small grids also show each cell's reason on hover.</p></noscript>");
    if r.cells.is_empty() {
        out.push_str(
            "<p>No cells: the config has no roles, no models or no regions.</p></section>\n",
        );
        return;
    }
    out.push_str("<div id=detail aria-live=polite>Click a cell to see the statement and policy that decided it.</div>");
    let grid = grid(r);
    let titles = r.cells.len() <= TITLE_LIMIT;
    let allowed_in = |ri: usize| {
        grid[ri]
            .iter()
            .flatten()
            .filter(|(s, _)| matches!(s, Shade::Allow | Shade::Guarded))
            .count()
    };
    // One link per region table: with 20 regions the page is long.
    out.push_str("<p id=regions>Regions: ");
    for (ri, region) in r.regions.iter().enumerate() {
        let _ = write!(
            out,
            "{}<a href=\"#region-{ri}\">{}</a> ({} allowed)",
            if ri == 0 { "" } else { " · " },
            esc(region),
            allowed_in(ri)
        );
    }
    out.push_str("</p>");
    for (ri, region) in r.regions.iter().enumerate() {
        let allowed = allowed_in(ri);
        let _ = write!(
            out,
            "<h3 id=\"region-{ri}\">{} <small class=meta>{allowed} of {} allowed</small></h3><div class=scroll><table class=grid data-region={ri}><thead><tr><th>role \\ model</th>",
            esc(region),
            grid[ri].len()
        );
        for m in &r.models {
            let _ = write!(out, "<th class=m scope=col>{}</th>", esc(m));
        }
        out.push_str("</tr></thead><tbody>\n");
        for (oi, role) in r.roles.iter().enumerate() {
            let _ = write!(out, "<tr><th scope=row>{}</th>", esc(role));
            for mi in 0..r.models.len() {
                match grid[ri][oi * r.models.len() + mi] {
                    Some((s, reason)) if titles => {
                        let rs = &r.reasons[reason];
                        let text = format!(
                            "{role} × {} in {region}\n{} ({}){}{}",
                            r.models[mi],
                            rs.decision,
                            rs.shade.as_str(),
                            if rs.text.is_empty() { "" } else { ": " },
                            rs.text
                        );
                        let _ = write!(out, "<td class={} title=\"{}\">", class(s), esc(&text));
                    }
                    Some((s, _)) => {
                        let _ = write!(out, "<td class={}>", class(s));
                    }
                    None => out.push_str("<td>"),
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table></div>\n");
    }
    out.push_str("</section>\n");
}

/// `grid[region][role * models + model]` = the cell's shade and reason.
fn grid(r: &Report) -> Vec<Vec<Option<(Shade, usize)>>> {
    let per = r.roles.len() * r.models.len();
    let mut g = vec![vec![None; per]; r.regions.len()];
    for c in &r.cells {
        if let Some(slot) = g
            .get_mut(c.region)
            .and_then(|row| row.get_mut(c.role * r.models.len() + c.model))
        {
            *slot = Some((c.shade, c.reason));
        }
    }
    g
}

fn reasons(out: &mut String, r: &Report) {
    let mut count = vec![0usize; r.reasons.len()];
    for c in &r.cells {
        if let Some(n) = count.get_mut(c.reason) {
            *n += 1;
        }
    }
    out.push_str("<section id=reasons><h2>Reasons</h2><p>Every distinct explanation in the grid, with the statement and policy that decided it.</p><table class=list><thead><tr><th></th><th>decision</th><th>why</th><th>deciding statements</th><th>cells</th></tr></thead><tbody>\n");
    for (i, rs) in r.reasons.iter().enumerate() {
        let ev: Vec<String> = rs
            .evidence
            .iter()
            .map(|(t, p, s, e)| {
                format!(
                    "{e} <code>{}</code> in <code>{}</code> ({})",
                    esc(s),
                    esc(p),
                    esc(t)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr id=\"reason-{i}\"><td><i class=\"sw {}\">{}</i></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            class(rs.shade),
            letter(rs.shade),
            esc(rs.decision),
            esc(&rs.text),
            ev.join("<br>"),
            count[i]
        );
    }
    out.push_str("</tbody></table></section>\n");
}

fn checks(out: &mut String, r: &Report) {
    out.push_str("<section id=checks><h2>Access checks</h2>");
    if r.checks.is_empty() {
        out.push_str("<p>No <code>access_checks</code> in the config.</p></section>\n");
        return;
    }
    out.push_str("<table class=list><thead><tr><th>result</th><th>principal</th><th>action</th><th>model</th><th>region</th><th>expect</th><th>offline</th><th>simulated</th><th>reason</th></tr></thead><tbody>\n");
    for c in &r.checks {
        let expect = match c.expect {
            crate::config::Expect::Allow => "allow",
            crate::config::Expect::Deny => "deny",
        };
        let mut reason = esc(&c.reason);
        if !c.denied_regions.is_empty() {
            reason.push_str(&format!(
                "<br>denied regions: {}",
                esc(&c.denied_regions.join(", "))
            ));
        }
        let _ = writeln!(
            out,
            "<tr><td class={}>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{expect}</td><td>{}</td><td>{}</td><td>{reason}</td></tr>",
            if c.pass { "pass" } else { "fail" },
            if c.pass { "pass" } else { "FAIL" },
            esc(&c.principal),
            esc(&c.action),
            esc(&c.model),
            esc(&c.region),
            c.offline.as_str(),
            c.simulated.map(|d| d.as_str()).unwrap_or("-"),
        );
    }
    out.push_str("</tbody></table></section>\n");
}

fn readiness(out: &mut String, r: &Report) {
    out.push_str("<section id=readiness><h2>Model readiness</h2>");
    if r.source == Source::Offline {
        out.push_str("<p class=meta>Offline: from the embedded catalog (what it confirms); an account answers for agreements, access and lifecycle.</p>");
    }
    if r.readiness.is_empty() {
        out.push_str("<p>No <code>models:</code> in the config.</p></section>\n");
        return;
    }
    out.push_str("<table class=list><thead><tr><th>model</th><th>region</th><th>via</th><th>status</th><th>source</th><th>problem</th><th>fix</th></tr></thead><tbody>\n");
    for x in &r.readiness {
        let problem = match (&x.problem, &x.message) {
            (Some(p), Some(m)) => format!("<code>{}</code> {}", esc(p), esc(m)),
            (None, Some(m)) => esc(m),
            (Some(p), None) => format!("<code>{}</code>", esc(p)),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class={}>{}</td><td>{}</td><td>{problem}</td><td>{}</td></tr>",
            esc(&x.model),
            esc(&x.region),
            esc(&x.via),
            if x.status == "ready" { "pass" } else { "fail" },
            x.status,
            x.source,
            esc(x.fix.as_deref().unwrap_or("")),
        );
    }
    out.push_str("</tbody></table></section>\n");
}

fn lint(out: &mut String, r: &Report) {
    out.push_str("<section id=lint><h2>Lint findings</h2>");
    if r.lint.is_empty() {
        out.push_str("<p>No findings in the config's policies.</p></section>\n");
        return;
    }
    out.push_str("<table class=list><thead><tr><th>location</th><th>severity</th><th>code</th><th>message</th></tr></thead><tbody>\n");
    for f in &r.lint {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td class=\"sev-{}\">{}</td><td><code>{}</code></td><td>{}</td></tr>",
            esc(&f.location()),
            esc(&f.severity),
            esc(&f.severity),
            esc(&f.code),
            esc(&f.message)
        );
    }
    out.push_str("</tbody></table></section>\n");
}

fn plan(out: &mut String, r: &Report) {
    out.push_str("<section id=plan><h2>Drift and pending plan</h2>");
    let Some(p) = &r.plan else {
        let _ = writeln!(
            out,
            "<p class=note>No account section: {}.</p></section>",
            esc(r.account_note())
        );
        return;
    };
    let _ = write!(
        out,
        "<p>Plan: <b>{}</b> to add, <b>{}</b> to change, <b>{}</b> to replace, <b>{}</b> to destroy; <b>{}</b> drifted (changed in the account behind the config's back).</p>",
        p.add,
        p.change,
        p.replace,
        p.destroy,
        p.drift.len()
    );
    let rows = |out: &mut String, title: &str, id: &str, rows: &[super::PlanRow]| {
        if rows.is_empty() {
            let _ = write!(out, "<h3 id={id}>{title}</h3><p>None.</p>");
            return;
        }
        let _ = write!(
            out,
            "<h3 id={id}>{title}</h3><table class=list><thead><tr><th>address</th><th>action</th><th>attributes</th></tr></thead><tbody>"
        );
        for c in rows {
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(&c.address),
                esc(&c.action),
                esc(&c.attrs.join(", "))
            );
        }
        out.push_str("</tbody></table>");
    };
    rows(out, "Drift", "drift", &p.drift);
    rows(out, "Pending changes", "changes", &p.changes);
    let list = |out: &mut String, title: &str, items: &[String]| {
        if items.is_empty() {
            return;
        }
        let _ = write!(out, "<h3>{title}</h3><ul>");
        for i in items {
            let _ = write!(out, "<li>{}</li>", esc(i));
        }
        out.push_str("</ul>");
    };
    list(
        out,
        "Unverified drift (nothing records what was applied)",
        &p.drift_unverified,
    );
    list(out, "Conflicts", &p.conflicts);
    list(out, "Warnings", &p.warnings);
    out.push_str("</section>\n");
}

fn data_block(out: &mut String, r: &Report) {
    let grid: Vec<Vec<i64>> = grid(r)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|c| c.map(|(_, i)| i as i64).unwrap_or(-1))
                .collect()
        })
        .collect();
    let data = serde_json::json!({
        "roles": r.roles,
        "models": r.models,
        "regions": r.regions,
        "reasons": r.reasons.iter().map(|x| serde_json::json!({
            "shade": x.shade.as_str(), "decision": x.decision, "text": x.text,
        })).collect::<Vec<_>>(),
        "grid": grid,
    });
    let _ = writeln!(
        out,
        "<script type=\"application/json\" id=grid-data>{}</script>",
        script_json(&data)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_covers_text_and_both_attribute_quotes() {
        assert_eq!(
            esc(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
        assert_eq!(esc("plain ü"), "plain ü");
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let v = serde_json::json!({"name": "</script><!-- & \u{2028}"});
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap_or_default();
        assert_eq!(back, v, "same data once parsed");
    }
}
