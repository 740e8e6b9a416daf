//! `bedrockctl plan` and `bedrockctl apply`.

use super::account::{open_account, runtime};
use super::common::{load_config, print_stdout, stream_stdout};
use super::GlobalArgs;
use anyhow::{bail, Context, Result};
use bedrockctl::account::Account;
use bedrockctl::check::post_apply::{access_model, run_access_checks};
use bedrockctl::config::Config;
use bedrockctl::engine::guards::{self, now_rfc3339, refusals, GuardContext};
use bedrockctl::engine::progress::Reporter;
use bedrockctl::engine::{self, ExecOptions, Limits, Planned};
use bedrockctl::plan::report::{check_rows, locate, redact, redact_in_place, Report, StackReport};
use bedrockctl::plan::saved::{self, config_digest};
use bedrockctl::plan::{render_json, render_md, render_text, Conflict, DiffOptions, Plan};
use bedrockctl::span::SourceMap;
use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Config files or directories of stacks (repeatable)
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub files: Vec<PathBuf>,
    /// Save the plan to PLAN for `apply PLAN`
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Output: `text` for people, `json` for tools, `markdown` for a PR comment,
    /// `github` for workflow annotations
    #[arg(long, value_enum, default_value = "text")]
    pub format: PlanFormat,
    /// Exit 2 when there are changes
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Only report drift of managed resources
    #[arg(long)]
    pub refresh_only: bool,
    /// Also list resources this stack does not own
    #[arg(long)]
    pub show_unmanaged: bool,
    /// Take over untagged resources the config names (keeping their tags); without it
    /// plan refuses them
    #[arg(long)]
    pub adopt: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PlanFormat {
    Text,
    Json,
    Markdown,
    Github,
}

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// A plan saved with `plan --out`
    pub plan: Option<PathBuf>,
    /// Config file to plan and apply (ignored when PLAN is given)
    #[arg(short = 'f', long = "file", default_value = super::DEFAULT_CONFIG)]
    pub file: PathBuf,
    /// Apply without asking for confirmation (for CI; review the plan first)
    #[arg(long)]
    pub auto_approve: bool,
    /// Take over untagged resources the config names (keeping their tags)
    #[arg(long)]
    pub adopt: bool,
}

/// Engine settings; the environment overrides exist for tests and slow accounts.
pub(crate) fn exec_options() -> ExecOptions {
    let env_u64 = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let mut o = ExecOptions::default();
    if let Some(n) = env_u64("BEDROCKCTL_CONCURRENCY") {
        o.limits = Limits::new(n as usize);
    }
    if let Some(s) = env_u64("BEDROCKCTL_WAIT_TIMEOUT_SECS") {
        o.wait_timeout = Duration::from_secs(s);
    }
    o
}

pub(crate) fn connect(g: &GlobalArgs, rt: &tokio::runtime::Runtime) -> Result<Arc<dyn Account>> {
    let boxed = rt.block_on(open_account(g))?;
    Ok(Arc::from(boxed))
}

/// One config, loaded and planned, with what its report needs. The plan itself lives
/// only in `report` (redacted: nothing after planning needs the raw values).
struct Stack {
    config: PathBuf,
    planned: Planned,
    sources: SourceMap,
    report: Report,
}

/// Plan one loaded config and run its access checks offline.
async fn plan_stack(
    account: Arc<dyn Account>,
    config: PathBuf,
    cfg: Config,
    sources: SourceMap,
    opts: DiffOptions,
    exec: ExecOptions,
) -> Result<Stack> {
    let mut planned = engine::plan_config(account.clone(), &cfg, opts, &exec).await?;
    warn_account_pin(&cfg, &planned.plan);
    refusals_as_conflicts(&mut planned);
    let mut plan = std::mem::take(&mut planned.plan);
    redact_in_place(&mut plan);
    let locations = locate(&cfg, &sources);
    let (access_checks, access_checks_error) = if cfg.access_checks.is_empty() {
        (Some(Vec::new()), None)
    } else {
        match access_model(&cfg, Some(account.as_ref())).await {
            Ok(model) => match run_access_checks(&cfg, &model, None, false).await {
                Ok(results) => (Some(check_rows(results, &locations)), None),
                Err(e) => (None, Some(e.to_string())),
            },
            Err(e) => (None, Some(e.to_string())),
        }
    };
    if let Some(e) = &access_checks_error {
        eprintln!(
            "warning: `{}`: access checks could not be run: {e}",
            config.display()
        );
    }
    let report = Report {
        config: config.display().to_string(),
        plan,
        access_checks,
        access_checks_error,
        locations,
    };
    Ok(Stack {
        config,
        planned,
        sources,
        report,
    })
}

/// `-f` values: files as given; a directory stands for the bedrock configs under it
/// (hidden directories skipped), in path order. A config is a `*.yaml`/`*.yml` file with
/// top-level `version:` and `stack:` keys; other YAML (CI workflows, Kubernetes
/// manifests) is skipped, named with `-v` (issue 24).
fn expand_configs(files: &[PathBuf]) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read directory `{}`", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            if p.is_dir() {
                walk(&p, out)?;
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e == "yaml" || e == "yml")
            {
                if is_bedrock_config(&p) {
                    out.push(p);
                } else {
                    tracing::info!(
                        "skipping `{}`: not a bedrock config (no top-level `version:` and `stack:`)",
                        p.display()
                    );
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for f in files {
        if f.is_dir() {
            let before = out.len();
            walk(f, &mut out)?;
            if out.len() == before {
                bail!(
                    "`{}` holds no bedrock config\nhint: a config is a `*.yaml`/`*.yml` file with top-level `version:` and `stack:` keys",
                    f.display()
                );
            }
        } else {
            out.push(f.clone());
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|p| seen.insert(p.clone()));
    Ok(out)
}

/// Whether `path` looks like a bedrock config: top-level (unindented) `version:` and
/// `stack:` keys. Read with the config's own cap; unreadable files are kept, so that
/// loading reports why.
fn is_bedrock_config(path: &Path) -> bool {
    let Ok(text) =
        bedrockctl::input::read_bounded_string(path, bedrockctl::config::MAX_CONFIG_BYTES)
    else {
        return true;
    };
    let top = |key: &str| {
        text.lines()
            .any(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))
    };
    top("version") && top("stack")
}

/// Configs of one stack each plan to delete what the others create: say so once.
fn warn_shared_stacks(loaded: &[(PathBuf, String)]) {
    let mut by_stack: std::collections::BTreeMap<&str, Vec<&Path>> = Default::default();
    for (f, stack) in loaded {
        by_stack.entry(stack.as_str()).or_default().push(f);
    }
    for (stack, files) in by_stack.into_iter().filter(|(_, f)| f.len() > 1) {
        let names: Vec<String> = files.iter().map(|f| format!("`{}`", f.display())).collect();
        eprintln!(
            "warning: {} all declare stack `{stack}`: each plans to delete what the others create\nhint: give each config its own `stack:` name, or merge them into one file",
            names.join(", ")
        );
    }
}

fn write_step_summary(md: &str) -> Result<()> {
    // Unset or empty (a job that clears it): no job summary.
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| "cannot write the GitHub job summary".to_string())?;
        f.write_all(md.as_bytes())?;
    }
    Ok(())
}

pub fn run_plan(g: &GlobalArgs, a: PlanArgs) -> Result<u8> {
    let files = expand_configs(&a.files)?;
    if files.len() > 1 {
        return run_plan_many(g, &a, files);
    }
    let file = files
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from(super::DEFAULT_CONFIG));
    // Invalid config → exit 1 before any account call.
    let (cfg, sources) = load_config(&file)?;
    let rt = runtime()?;
    let account = connect(g, &rt)?;
    let spinner = spinner("reading the account");
    let stack = rt.block_on(plan_stack(
        account,
        file,
        cfg,
        sources,
        diff_options(&a),
        exec_options(),
    ));
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let stack = stack?;
    let r = &stack.report;
    let out = match a.format {
        PlanFormat::Json => None,
        PlanFormat::Markdown => Some(render_md::render_markdown_report(r)),
        PlanFormat::Github => {
            // In a GitHub Actions job the Markdown also goes to the job summary.
            write_step_summary(&render_md::render_markdown_report(r))?;
            Some(render_md::render_github_report(r))
        }
        PlanFormat::Text => Some(colour_if_terminal(render_text::render_report(r))),
    };
    match out {
        Some(text) => print_stdout(&text)?,
        None => stream_stdout(|w| render_json::write_pretty(w, &render_json::ReportJson::of(r)))?,
    }
    conflicts_error(&stack.report.plan)?;
    if let Some(path) = &a.out {
        let header = saved::save(
            &stack.report.plan,
            &stack.planned.snapshot,
            &absolute(&stack.config),
            &config_digest(&stack.sources),
        );
        std::fs::File::create(path)
            .map(|f| std::io::BufWriter::with_capacity(1 << 16, f))
            .and_then(|mut w| {
                saved::write(&mut w, &header, &stack.report.plan)?;
                w.flush()
            })
            .with_context(|| format!("cannot write plan file `{}`", path.display()))?;
        eprintln!(
            "saved the plan to `{}`; apply it with `bedrockctl apply {}`",
            path.display(),
            path.display()
        );
    }
    Ok(if a.detailed_exitcode && stack.report.plan.has_changes() {
        2
    } else {
        0
    })
}

fn diff_options(a: &PlanArgs) -> DiffOptions {
    DiffOptions {
        refresh_only: a.refresh_only,
        show_unmanaged: a.show_unmanaged,
        destroy: false,
        adopt: a.adopt,
    }
}

/// Exit-code severity: error (1) outranks changes (2), which outrank nothing (0).
fn severity(code: u8) -> u8 {
    match code {
        1 => 2,
        2 => 1,
        _ => 0,
    }
}

/// Several configs planned concurrently against one account connection, one report.
/// A config that cannot be loaded or planned is reported as such; the others still are.
fn run_plan_many(g: &GlobalArgs, a: &PlanArgs, files: Vec<PathBuf>) -> Result<u8> {
    if a.out.is_some() {
        bail!("`--out` saves the plan of one config; it cannot be used with several\nhint: run `bedrockctl plan -f FILE --out PLAN` per config");
    }
    let mut loaded = Vec::new();
    for f in &files {
        loaded.push(load_config(f).map_err(|e| format!("{e:#}")));
    }
    let stacks: Vec<(PathBuf, String)> = files
        .iter()
        .zip(&loaded)
        .filter_map(|(f, l)| Some((f.clone(), l.as_ref().ok()?.0.stack.value.clone())))
        .collect();
    warn_shared_stacks(&stacks);
    let rt = runtime()?;
    let account = connect(g, &rt)?;
    let opts = diff_options(a);
    let exec = exec_options();
    let results: Vec<Result<Stack, String>> = rt.block_on(async {
        let tasks: Vec<_> = files
            .iter()
            .cloned()
            .zip(loaded)
            .map(|(f, l)| {
                let (account, exec) = (account.clone(), exec.clone());
                tokio::spawn(async move {
                    let (cfg, sources) = l?;
                    plan_stack(account, f, cfg, sources, opts, exec)
                        .await
                        .map_err(|e| format!("{e:#}"))
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap_or_else(|e| Err(e.to_string())));
        }
        out
    });
    let mut code = 0u8;
    let mut reports = Vec::new();
    for (f, r) in files.iter().zip(results) {
        let this = match r {
            Ok(stack) => {
                let c = if let Err(e) = conflicts_error(&stack.report.plan) {
                    eprintln!("error: `{}`: {e:#}", f.display());
                    1
                } else if a.detailed_exitcode && stack.report.plan.has_changes() {
                    2
                } else {
                    0
                };
                reports.push(StackReport::Planned(Box::new(stack.report)));
                c
            }
            Err(e) => {
                eprintln!("error: `{}`: {}", f.display(), e.trim_end());
                reports.push(StackReport::Failed {
                    config: f.display().to_string(),
                    error: e,
                });
                1
            }
        };
        if severity(this) > severity(code) {
            code = this;
        }
    }
    let out = match a.format {
        PlanFormat::Json => None,
        PlanFormat::Markdown => Some(render_md::render_markdown_stacks(&reports)),
        PlanFormat::Github => {
            write_step_summary(&render_md::render_markdown_stacks(&reports))?;
            Some(render_md::render_github_stacks(&reports))
        }
        PlanFormat::Text => Some(render_text::render_stacks(&reports)),
    };
    match out {
        Some(text) => print_stdout(&text)?,
        None => stream_stdout(|w| render_json::write_stacks(w, &reports))?,
    }
    Ok(code)
}

fn absolute(p: &Path) -> String {
    std::path::absolute(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

/// Whether output may carry colour and spinners: a terminal, and `NO_COLOR` unset.
fn fancy(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none()
}

/// The plan text coloured for a terminal; plain for files, pipes and snapshots.
fn colour_if_terminal(text: String) -> String {
    if fancy(std::io::stdout().is_terminal()) {
        render_text::colorize(&text)
    } else {
        text
    }
}

/// A spinner on stderr while the account is read (issue 24); none unless stderr is a
/// terminal, so logs and tests never see it.
pub(crate) fn spinner(msg: &'static str) -> Option<indicatif::ProgressBar> {
    if !fancy(std::io::stderr().is_terminal()) {
        return None;
    }
    let s = indicatif::ProgressBar::new_spinner().with_message(msg);
    s.enable_steady_tick(Duration::from_millis(100));
    Some(s)
}

fn warn_account_pin(cfg: &Config, plan: &Plan) {
    if let Some(pin) = &cfg.account.id {
        if pin.value != plan.account_id {
            eprintln!(
                "warning: the config pins account `{}` but the credentials are for account `{}`; apply will refuse",
                pin.value, plan.account_id
            );
        }
    }
}

/// What apply's guards would refuse (prevent_destroy, a commitment term), listed in the
/// plan's conflicts so that `plan` fails as apply would, like Terraform (issue 25). The
/// account pin is whole-plan and only warned about (`warn_account_pin`); apply's guards
/// stay.
fn refusals_as_conflicts(planned: &mut Planned) {
    let now = now_rfc3339();
    let protected = config_protected(planned);
    let found = guards::refused(
        &planned.plan,
        &planned.snapshot,
        &GuardContext {
            account_pin: None,
            config_protected: &protected,
            now: &now,
        },
    );
    let stack = planned.plan.stack.clone();
    for r in found {
        if let Some(address) = r.address {
            planned.plan.conflicts.push(Conflict {
                address,
                owner: stack.clone(),
                reason: Some(r.message),
            });
        }
    }
    planned
        .plan
        .conflicts
        .sort_by(|a, b| a.address.cmp(&b.address));
}

fn conflicts_error(plan: &Plan) -> Result<()> {
    if plan.conflicts.is_empty() {
        return Ok(());
    }
    let (refused, owned): (Vec<_>, Vec<_>) =
        plan.conflicts.iter().partition(|c| c.reason.is_some());
    if !refused.is_empty() {
        let list: Vec<String> = refused
            .iter()
            .map(|c| format!("  - {}", c.describe()))
            .collect();
        bail!(
            "this plan cannot be applied:\n{}\nhint: change the config (or set `prevent_destroy: false` and apply first, or adopt with `--adopt`)",
            list.join("\n")
        )
    }
    let list: Vec<String> = owned
        .iter()
        .map(|c| format!("`{}` (owned by stack `{}`)", c.address, c.owner))
        .collect();
    bail!(
        "resources of this config are owned by another stack: {}\nhint: rename them in this config; bedrockctl never touches another stack's resources",
        list.join(", ")
    )
}

pub fn run_apply(g: &GlobalArgs, a: ApplyArgs) -> Result<u8> {
    let rt = runtime()?;
    let exec = exec_options();
    let (cfg, planned, approved, account) = match &a.plan {
        Some(plan_path) => {
            let text = read_plan_file(plan_path)?;
            let saved = match saved::parse(&text) {
                Ok(saved) => saved,
                Err(_) if looks_like_config(&text) => bail!(
                    "`{0}` is a bedrock config, not a saved plan\n  = hint: use `bedrockctl apply -f {0}`",
                    plan_path.display()
                ),
                Err(e) => return Err(e).with_context(|| format!("`{}`", plan_path.display())),
            };
            let (cfg, sources) = load_config(Path::new(&saved.config_path))?;
            let account = connect(g, &rt)?;
            let planned = rt.block_on(engine::plan_config(
                account.clone(),
                &cfg,
                DiffOptions {
                    adopt: a.adopt,
                    ..DiffOptions::default()
                },
                &exec,
            ))?;
            if saved::already_applied(&saved, &config_digest(&sources), &planned.plan) {
                eprintln!(
                    "the saved plan `{}` was already applied: the account matches it; nothing to do",
                    plan_path.display()
                );
                return Ok(0);
            }
            if let Err(e) = saved::check_fresh(
                &saved,
                &config_digest(&sources),
                &planned.plan,
                &planned.snapshot,
            ) {
                bail!(
                    "{e}\nhint: run `bedrockctl plan --out {}` again and review it",
                    plan_path.display()
                );
            }
            // A saved plan was reviewed when it was made.
            (cfg, planned, true, account)
        }
        None => {
            let (cfg, _) = load_config(&a.file)?;
            let account = connect(g, &rt)?;
            let spin = spinner("reading the account");
            let planned = rt.block_on(engine::plan_config(
                account.clone(),
                &cfg,
                DiffOptions {
                    adopt: a.adopt,
                    ..DiffOptions::default()
                },
                &exec,
            ));
            if let Some(s) = spin {
                s.finish_and_clear();
            }
            let planned = planned?;
            (cfg, planned, a.auto_approve, account)
        }
    };
    // Shown redacted, like `plan` (the plan itself keeps the values it applies).
    print_stdout(&colour_if_terminal(render_text::render_text(&redact(
        &planned.plan,
    ))))?;
    conflicts_error(&planned.plan)?;
    let code = reconcile(
        &rt,
        account,
        &cfg,
        &planned,
        &BTreeSet::new(),
        approved,
        &exec,
        "apply",
    )?;
    Ok(code)
}

/// Guards, approval, execution and the checks that follow; shared by apply and destroy.
#[allow(clippy::too_many_arguments)]
pub(crate) fn reconcile(
    rt: &tokio::runtime::Runtime,
    account: Arc<dyn Account>,
    cfg: &Config,
    planned: &Planned,
    config_protected: &BTreeSet<String>,
    approved: bool,
    exec: &ExecOptions,
    command: &str,
) -> Result<u8> {
    let plan = &planned.plan;
    if plan.actionable().next().is_some() {
        let now = now_rfc3339();
        let refused = refusals(
            plan,
            &planned.snapshot,
            &GuardContext {
                account_pin: cfg.account.id.as_ref().map(|i| i.value.as_str()),
                config_protected,
                now: &now,
            },
        );
        if !refused.is_empty() {
            bail!(
                "refusing to {command}; no change was made:\n{}",
                refused
                    .iter()
                    .map(|r| format!("  - {r}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        if !approved && !confirm(command)? {
            bail!("{command} cancelled; no change was made");
        }
        let reporter = Reporter::for_stderr(false);
        let outcome = rt.block_on(engine::execute(account.clone(), plan, exec, &reporter));
        let s = plan.summary();
        if !outcome.failures.is_empty() {
            let list: Vec<String> = outcome
                .failures
                .iter()
                .map(|(addr, e)| format!("  - `{addr}`: {e}"))
                .collect();
            bail!(
                "{command} failed: {} of {} changes made, {} failed, {} not attempted:\n{}\nhint: fix the cause and run `bedrockctl {command}` again; it continues where this run stopped",
                outcome.applied.len(),
                plan.actionable().count(),
                outcome.failures.len(),
                outcome.skipped,
                list.join("\n")
            );
        }
        eprintln!(
            "{} complete: {} added, {} changed, {} replaced, {} destroyed.",
            if command == "apply" {
                "Apply"
            } else {
                "Destroy"
            },
            s.add,
            s.change,
            s.replace,
            s.destroy
        );
    }
    if command != "apply" {
        return Ok(0);
    }
    let spin = spinner("running post-apply checks");
    let checks = rt.block_on(engine::post_apply_checks(cfg, account.as_ref()));
    if let Some(s) = spin {
        s.finish_and_clear();
    }
    let checks = checks?;
    if checks.results.is_empty() {
        return Ok(0);
    }
    if let Some(why) = &checks.simulate_error {
        eprintln!("warning: IAM's simulator could not be asked, offline verdicts only: {why}");
    }
    eprint!(
        "\n{}",
        super::check::render_checks(&checks.results, checks.simulate_error.is_none())
    );
    if checks.any_failed() {
        let failed = checks.results.iter().filter(|r| !r.pass).count();
        eprintln!(
            "error: the changes were made but {failed} access check{} failed",
            if failed == 1 { "" } else { "s" }
        );
        return Ok(3);
    }
    Ok(0)
}

/// Ask on the terminal; without one there is nobody to ask, so the answer is no.
fn confirm(command: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "refusing to {command} without approval: stdin is not a terminal; no change was made\nhint: review with `bedrockctl plan`, then pass `--auto-approve`"
        );
    }
    eprint!("Do you want to perform these actions? Only `yes` will be accepted: ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim() == "yes")
}

/// Addresses the config protects with `prevent_destroy: true`.
pub(crate) fn config_protected(planned: &Planned) -> BTreeSet<String> {
    planned.protected.clone()
}

/// Saved plans larger than this are refused (a 10,000-resource plan is a few MB).
const MAX_PLAN_FILE_BYTES: usize = 256 << 20;

/// Read a saved plan, bounded by [`MAX_PLAN_FILE_BYTES`].
fn read_plan_file(plan_path: &Path) -> Result<String> {
    let text = bedrockctl::input::read_bounded_string(plan_path, MAX_PLAN_FILE_BYTES)
        .with_context(|| format!("cannot read plan file `{}`", plan_path.display()))?;
    Ok(text)
}

/// A YAML config (top-level `version:` and `stack:` keys) given where a saved plan (JSON)
/// is expected: the usual slip of `apply bedrock.yaml` for `apply -f bedrock.yaml`.
fn looks_like_config(text: &str) -> bool {
    let top = |key: &str| text.lines().any(|l| l.starts_with(key));
    !text.trim_start().starts_with('{') && top("version:") && top("stack:")
}
