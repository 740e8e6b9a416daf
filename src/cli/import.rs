//! `bedrockctl import`: list what exists in the account, as a JSON inventory or as
//! config entries that adopt it.

use super::account::runtime;
use super::common::{load_config, print_stdout};
use super::plan::{connect, exec_options};
use super::GlobalArgs;
use anyhow::{bail, Result};
use bedrockctl::account::retry::with_retry;
use bedrockctl::engine;
use bedrockctl::plan::adopt::{adopt_yaml, inventory_json};
use bedrockctl::plan::Scope;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output: `yaml`, a starter config adopting what was found, or `json`, the inventory
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: ImportFormat,
    /// Regions to scan (default: the config's, else the current region)
    #[arg(long = "regions", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Existing config: its regions and stack scope the scan
    #[arg(short = 'f', long = "file")]
    pub file: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportFormat {
    Yaml,
    Json,
}

pub fn run(g: &GlobalArgs, a: Args) -> Result<u8> {
    let mut regions = a.regions.clone();
    let default = std::path::Path::new(super::DEFAULT_CONFIG);
    let file = a
        .file
        .clone()
        .or_else(|| default.exists().then(|| default.to_path_buf()));
    let (scope, config_regions) = match &file {
        Some(f) => {
            let (cfg, _) = load_config(f)?;
            let regions: Vec<String> = cfg.regions().map(str::to_string).collect();
            (Some(Scope::from_config(&cfg)), regions)
        }
        None => (None, Vec::new()),
    };
    if regions.is_empty() {
        if !config_regions.is_empty() {
            regions = config_regions;
        } else if let Some(r) = &g.region {
            regions.push(r.clone());
        } else if let Ok(r) =
            std::env::var("AWS_REGION").or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
        {
            regions.push(r);
        } else if g.sandbox.is_some() {
            regions.push("us-east-1".to_string());
        }
    }
    if regions.is_empty() {
        bail!("no region to scan\nhint: pass `--regions us-east-1,us-west-2`, `--region`, or `-f bedrock.yaml`");
    }
    let rt = runtime()?;
    let account = connect(g, &rt)?;
    let exec = exec_options();
    let resources = rt.block_on(engine::inventory(
        account.clone(),
        &regions,
        &exec.limits,
        exec.retry,
    ))?;
    let out = match a.format {
        ImportFormat::Json => {
            let mut models = Vec::new();
            for r in &regions {
                let mut ms = rt
                    .block_on(with_retry(&exec.retry, || account.list_models(r)))
                    .map_err(|e| anyhow::anyhow!("cannot list models in `{r}`: {e}"))?;
                models.append(&mut ms);
            }
            let mut s = serde_json::to_string_pretty(&inventory_json(
                &resources,
                &models,
                scope
                    .as_ref()
                    .map(|s| (s.stack.as_str(), &s.logging_regions)),
            ))?;
            s.push('\n');
            s
        }
        ImportFormat::Yaml => adopt_yaml(&resources),
    };
    print_stdout(&out)?;
    Ok(0)
}
