//! The text rendering of a diagnosis: a headline, the evidence read from the message,
//! causes, fixes and the commands to confirm. Plain text, readable without colour.

use super::Diagnosis;
use std::fmt::Write;

pub fn render_text(d: &Diagnosis) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", d.category.as_str(), d.summary);

    let mut facts: Vec<(String, String)> = Vec::new();
    let mut message = None;
    for (label, value) in &d.evidence {
        if label == "message" {
            message = Some(value.as_str());
        } else {
            facts.push((label.clone(), format!("`{value}`")));
        }
    }
    let fields = [
        ("principal", &d.principal),
        ("action", &d.action),
        ("resource", &d.resource),
        ("region", &d.region),
        ("model", &d.model_id),
    ];
    for (label, value) in fields {
        if let Some(v) = value {
            facts.push((label.to_string(), format!("`{v}`")));
        }
    }
    if let Some(t) = d.policy_type {
        let how = match d.explicit_deny {
            Some(true) => " (explicit deny)",
            Some(false) => " (implicit deny: nothing allows it)",
            None => "",
        };
        facts.push(("policy type".to_string(), format!("`{}`{how}", t.as_str())));
    } else if let Some(e) = d.explicit_deny {
        facts.push((
            "deny".to_string(),
            if e { "explicit" } else { "implicit" }.to_string(),
        ));
    }
    if !facts.is_empty() || message.is_some() {
        out.push_str("\nevidence:\n");
        let width = facts.iter().map(|(l, _)| l.len()).max().unwrap_or(0).max(7);
        for (label, value) in &facts {
            let _ = writeln!(out, "  {label:<width$}  {value}");
        }
        if let Some(m) = message {
            let _ = writeln!(out, "  {:<width$}  {m}", "message");
        }
    }
    section(&mut out, "causes", &d.causes, "  - ");
    section(&mut out, "fixes", &d.fixes, "  - ");
    section(&mut out, "commands to confirm", &d.commands, "  $ ");
    out
}

fn section(out: &mut String, title: &str, items: &[String], bullet: &str) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}:");
    for item in items {
        let _ = writeln!(out, "{bullet}{item}");
    }
}
