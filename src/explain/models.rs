//! What the embedded catalog adds to a diagnosis: the inference profile to use instead
//! of an on-demand id, the successor of a legacy model, near-miss ids, and model ids
//! mentioned elsewhere in a pasted stack trace.

use crate::catalog::{catalog, Model};

/// A model id or profile id the catalog knows, found anywhere in the text.
pub fn known_id_in(text: &str) -> Option<String> {
    let cat = catalog();
    text.split(|c: char| c.is_whitespace() || "'\"`,()[]{}=/<>".contains(c))
        .map(|t| t.trim_end_matches('.'))
        .find(|t| cat.resolve(t).is_some())
        .map(str::to_string)
}

/// `modelId='…'`, `"modelId": "…"`, `model_id=…` in a stack trace or request dump.
pub fn model_id_argument(text: &str) -> Option<String> {
    let r = super::input::regex!(
        r#"(?i)\b(?:modelId|model_id|model-id)\b["']?\s*[:=]\s*["']?([A-Za-z0-9._:/*-]+)"#
    )?;
    r.captures(text)
        .map(|c| c[1].trim_end_matches('.').to_string())
        .filter(|s| !s.is_empty())
}

/// The geography a system profile id serves, from its prefix.
pub fn geography(profile_id: &str) -> &'static str {
    match profile_id.split('.').next().unwrap_or("") {
        "us" => "US",
        "us-gov" => "AWS GovCloud (US)",
        "eu" => "EU",
        "apac" => "Asia Pacific",
        "au" => "Australia",
        "jp" => "Japan",
        "ca" => "Canada",
        "global" => "all commercial regions",
        _ => "its geography",
    }
}

/// Inference profiles to use for `model` (all of them, with the one for `region` first
/// when the catalog knows it).
pub fn profiles_for<'a>(model: &'a Model, region: Option<&str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    if let Some(p) = region.and_then(|r| model.profile_for(r)) {
        out.push(&p.profile_id);
    }
    for p in &model.cross_region_profiles {
        if !out.contains(&p.profile_id.as_str()) {
            out.push(&p.profile_id);
        }
    }
    out
}

/// The model a legacy or end-of-life model should be replaced with: the newest ACTIVE
/// model of the same provider that shares the most name words (the family, e.g.
/// `Sonnet`, `Haiku`, `Nova`, `Marengo`) and produces the same kind of output.
pub fn successor(model: &Model) -> Option<&'static Model> {
    let family = name_words(&model.name);
    let mut best: Option<(usize, f64, usize, &'static Model)> = None;
    for (index, m) in catalog().models.iter().enumerate() {
        if m.model_id == model.model_id
            || m.provider != model.provider
            || m.lifecycle.as_deref() != Some("ACTIVE")
            || !same_output(model, m)
        {
            continue;
        }
        let shared = name_words(&m.name)
            .iter()
            .filter(|w| family.contains(w))
            .count();
        if shared == 0 {
            continue;
        }
        let version = name_version(&m.name);
        // Ties go to the model listed first: the catalog lists a family's flagship first.
        let better = match best {
            None => true,
            Some((s, v, _, _)) => shared > s || (shared == s && version > v),
        };
        if better {
            best = Some((shared, version, index, m));
        }
    }
    best.map(|(_, _, _, m)| m)
}

fn same_output(a: &Model, b: &Model) -> bool {
    match (&a.modalities_out, &b.modalities_out) {
        (Some(x), Some(y)) => x == y,
        // An unknown output modality does not rule a model out; the family words decide.
        _ => true,
    }
}

/// Name words that name a family: alphabetic, not generic.
fn name_words(name: &str) -> Vec<String> {
    const GENERIC: &[&str] = &["instruct", "text", "g1", "embeddings", "v", "and"];
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase)
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphabetic()))
        .filter(|w| !GENERIC.contains(&w.as_str()))
        .collect()
}

/// The first version number in a display name: `Claude Sonnet 4.6` → 4.6, `Embed v4`
/// → 4, none → 0.
fn name_version(name: &str) -> f64 {
    name.split_whitespace()
        .map(|w| w.trim_start_matches(['v', 'V']))
        .find_map(|w| w.parse::<f64>().ok())
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn succ(id: &str) -> Option<&'static str> {
        let m = catalog().model(id).unwrap();
        successor(m).map(|s| s.model_id.as_str())
    }

    #[test]
    fn successors_stay_in_family() {
        assert_eq!(
            succ("anthropic.claude-3-5-sonnet-20240620-v1:0"),
            Some("anthropic.claude-sonnet-4-6")
        );
        assert_eq!(
            succ("anthropic.claude-3-haiku-20240307-v1:0"),
            Some("anthropic.claude-haiku-4-5-20251001-v1:0")
        );
        assert_eq!(
            succ("twelvelabs.marengo-embed-2-7-v1:0"),
            Some("twelvelabs.marengo-embed-3-0-v1:0")
        );
        assert_eq!(succ("cohere.command-r-v1:0"), None);
        let llama = succ("meta.llama3-1-405b-instruct-v1:0").unwrap();
        assert!(llama.starts_with("meta.llama4"), "{llama}");
    }

    #[test]
    fn finds_ids_in_text() {
        assert_eq!(
            known_id_in("response = client.invoke_model(modelId='anthropic.claude-v2', body=b)")
                .as_deref(),
            Some("anthropic.claude-v2")
        );
        assert_eq!(
            model_id_argument("modelId=\"anthropic.claude-x\"").as_deref(),
            Some("anthropic.claude-x")
        );
    }

    #[test]
    fn profile_for_region_first() {
        let m = catalog()
            .model("anthropic.claude-3-5-sonnet-20240620-v1:0")
            .unwrap();
        let p = profiles_for(m, Some("ap-northeast-1"));
        assert!(p[0].starts_with("apac."), "{p:?}");
    }
}
