//! The command line: arguments resolved into one [`Run`], and one function
//! per command. This is the only layer that prints, prompts or exits.
//!
//! stdout carries data (the plan, JSON); stderr carries progress, prompts,
//! summaries and logs, so `remediate plan --format json | jq` always works.

mod apply;
pub mod args;
mod org;

use anyhow::{Context, Result, bail};
use clap::CommandFactory;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::aws::{Aws, AwsOptions};
use crate::collect;
use crate::controls;
use crate::finding::Finding;
use crate::plan::{self, Plan};
use crate::render::{self, Format, Style};
use crate::settings::FileSettings;
use crate::snapshot::Snapshot;
pub use args::{Cli, Command};
use args::{ColorArg, GlobalArgs};

/// Exit codes (documented in README and `--help`).
pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_DRIFT: i32 = 2;

/// A usage error clap found, as one line: its message, its tips, and which
/// `--help` to read. (clap prints several lines and exits 2, which `plan`
/// uses for "drift found".)
pub fn usage_line(e: &clap::Error) -> String {
    if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let names: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .filter(|n| n != "help")
            .collect();
        return format!(
            "error: no command given: use one of {} (see 'remediate --help')",
            names.join(", ")
        );
    }
    let text = e.render().to_string();
    // Paragraphs: the message (maybe over several lines, e.g. the missing
    // arguments or the possible values), tips, the usage, "For more …".
    let mut paragraphs = text.split("\n\n").map(|p| {
        p.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    });
    let first = paragraphs.next().unwrap_or_default();
    let mut parts = vec![if first.starts_with("error:") {
        first
    } else {
        format!("error: {first}")
    }];
    let mut command = "remediate".to_string();
    for p in paragraphs {
        if let Some(tip) = p.strip_prefix("tip:") {
            parts.push(tip.trim().to_string());
        } else if let Some(u) = p.strip_prefix("Usage:") {
            command = u
                .split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<', '-']))
                .collect::<Vec<_>>()
                .join(" ");
        }
    }
    format!("{} (see '{command} --help')", parts.join("; "))
}

/// Everything a command needs, resolved once from arguments, environment
/// and the settings file.
pub struct Run {
    pub aws: AwsOptions,
    /// The settings, with the benchmark of the run written into them.
    pub file: FileSettings,
    /// `--benchmark` as given (a saved plan of another one is refused).
    pub benchmark_arg: Option<String>,
    /// Whether the run names its benchmark (flag, environment or
    /// remediate.toml); a saved plan's otherwise applies.
    pub benchmark_named: bool,
    /// Whether the run names who gets the trail (`--org-trail` or
    /// `[org] trail`); a saved plan's otherwise applies.
    pub org_trail_named: bool,
    /// Set when the run covers more than the caller's account.
    pub org: Option<OrgRun>,
    pub controls: Vec<String>,
    pub regions: Option<Vec<String>>,
    pub concurrency: usize,
    /// How long writes wait out IAM's eventual consistency.
    pub iam_propagation: std::time::Duration,
    pub stats: bool,
    /// Colour on stdout.
    pub out_style: Style,
    /// Colour on stderr.
    pub err_style: Style,
    /// A progress bar on stderr (a terminal only).
    pub progress: bool,
}

/// The accounts of an organization run and how each is reached.
#[derive(Debug, Clone)]
pub struct OrgRun {
    pub selection: crate::org::Selection,
    pub reach: crate::org::Reach,
    pub account_concurrency: usize,
}

impl OrgRun {
    /// For a saved organization plan or journal run without organization
    /// flags: the default role, no external id.
    pub fn from_plan() -> OrgRun {
        OrgRun {
            selection: crate::org::Selection::default(),
            reach: crate::org::Reach {
                role: crate::settings::DEFAULT_ORG_ROLE.into(),
                external_id: None,
            },
            account_concurrency: 4,
        }
    }

    /// The command line wins over `[org]`; `None` for a one-account run.
    fn resolve(g: &GlobalArgs, f: &crate::settings::OrgSettings) -> Option<OrgRun> {
        let g = &g.organization;
        let pick = |cli: &Vec<String>, file: &Vec<String>| {
            if cli.is_empty() {
                file.clone()
            } else {
                cli.clone()
            }
        };
        let selection = crate::org::Selection {
            org: g.org || g.ou.is_some() || f.all_accounts || f.ou.is_some(),
            ou: g.ou.clone().or_else(|| f.ou.clone()),
            accounts: pick(&g.accounts, &f.accounts),
            exclude: pick(&g.exclude_accounts, &f.exclude_accounts),
            shard: g.shard,
        };
        selection.is_multi_account().then(|| OrgRun {
            selection,
            reach: crate::org::Reach {
                role: g.role.clone().unwrap_or_else(|| f.role.clone()),
                external_id: g.external_id.clone().or_else(|| f.external_id.clone()),
            },
            account_concurrency: g
                .account_concurrency
                .unwrap_or(f.account_concurrency)
                .max(1),
        })
    }
}

impl Run {
    pub fn resolve(g: &GlobalArgs) -> Result<Self> {
        let cli_benchmark = g.benchmark.as_deref();
        let (mut file, benchmark) = match &g.config {
            Some(p) => controls::load_settings(p, cli_benchmark)?,
            None if Path::new("remediate.toml").exists() => {
                controls::load_settings(Path::new("remediate.toml"), cli_benchmark)?
            }
            None => {
                let file = FileSettings::default();
                let b = controls::resolve(cli_benchmark, &file, "").map_err(anyhow::Error::msg)?;
                (file, b)
            }
        };
        let benchmark_named = cli_benchmark.is_some() || file.benchmark.is_some();
        let org_trail_named =
            g.organization.org_trail || file.org.trail != crate::settings::OrgTrail::default();
        // The settings carry the benchmark from here on (and into a saved plan).
        file.benchmark = Some(benchmark.key.to_string());
        if g.organization.org_trail {
            file.org.trail = crate::settings::OrgTrail::Organization;
        }
        for c in &g.controls {
            if !benchmark.is_known(c) {
                bail!(
                    "unknown control {c:?} in {}: use one of {}",
                    benchmark.key,
                    benchmark.ids().join(", ")
                );
            }
        }
        if g.regions.iter().any(|r| r.trim().is_empty()) {
            bail!(
                "--regions holds an empty region name: give them comma separated, e.g. us-east-1,eu-west-1"
            );
        }
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let style = |tty: bool| Style {
            color: match g.color {
                ColorArg::Always => true,
                ColorArg::Never => false,
                ColorArg::Auto => tty && !no_color,
            },
        };
        let iam_propagation = std::time::Duration::from_secs(
            g.iam_propagation_seconds
                .unwrap_or(file.aws.iam_propagation_seconds),
        );
        let org = OrgRun::resolve(g, &file.org);
        Ok(Run {
            aws: AwsOptions {
                profile: g.profile.clone(),
                region: g.region.clone(),
                endpoint_url: g.endpoint_url.clone(),
                // The command line wins over the settings file.
                retry_mode: g.retry_mode.map(Into::into).unwrap_or(file.aws.retry_mode),
                max_attempts: g.max_attempts.unwrap_or(file.aws.max_attempts),
            },
            file,
            benchmark_arg: g.benchmark.clone(),
            benchmark_named,
            org_trail_named,
            org,
            controls: g.controls.clone(),
            regions: (!g.regions.is_empty()).then(|| g.regions.clone()),
            concurrency: g.concurrency.max(1),
            iam_propagation,
            stats: g.stats,
            out_style: style(std::io::stdout().is_terminal()),
            err_style: style(std::io::stderr().is_terminal()),
            progress: std::io::stderr().is_terminal(),
        })
    }
}

/// The home region of a command that reads no credentials (`permissions`):
/// `--region`, else the environment's, else the profile's (files only, no
/// instance metadata), else `us-east-1` as for any run.
async fn offline_home_region(g: &GlobalArgs) -> String {
    use aws_config::meta::region::ProvideRegion;
    if let Some(r) = &g.region {
        return r.clone();
    }
    if let Some(r) = aws_config::environment::EnvironmentVariableRegionProvider::new()
        .region()
        .await
    {
        return r.to_string();
    }
    let mut profile = aws_config::profile::ProfileFileRegionProvider::builder();
    if let Some(p) = &g.profile {
        profile = profile.profile_name(p);
    }
    profile
        .build()
        .region()
        .await
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".into())
}

/// Run the parsed command; returns the exit code.
pub async fn run(cli: Cli) -> Result<i32> {
    if let Command::Completions { shell } = &cli.command {
        clap_complete::generate(
            *shell,
            &mut Cli::command(),
            "remediate",
            &mut std::io::stdout(),
        );
        return Ok(EXIT_OK);
    }
    if let Command::Permissions { for_, format } = &cli.command {
        let g = &cli.global.organization;
        let org = g.org || g.ou.is_some() || !g.accounts.is_empty() || g.shard.is_some();
        match format {
            args::PermissionsFormat::Json if org => {
                let role = g
                    .role
                    .as_deref()
                    .unwrap_or(crate::settings::DEFAULT_ORG_ROLE);
                // No credentials are read: the partition is the home region's.
                let partition =
                    crate::regions::partition_of(&offline_home_region(&cli.global).await);
                print!(
                    "{}",
                    crate::org::caller_policy(
                        &crate::permissions::policy_json(*for_),
                        role,
                        partition
                    )
                )
            }
            args::PermissionsFormat::Json => print!("{}", crate::permissions::policy_json(*for_)),
            args::PermissionsFormat::Cloudformation => {
                print!("{}", crate::cloudformation::template(*for_))
            }
        }
        return Ok(EXIT_OK);
    }
    if let Command::Report {
        command: args::ReportCommand::Merge { files, format },
    } = &cli.command
    {
        let mut reports = vec![];
        for f in files {
            reports.push((
                f.display().to_string(),
                crate::report::read_report(f).map_err(anyhow::Error::msg)?,
            ));
        }
        let merged = crate::report::OrgPlan::merge(reports).map_err(anyhow::Error::msg)?;
        let style = Run::resolve(&cli.global)?.out_style;
        print!("{}", render::org::render_org(&merged, *format, style));
        return Ok(merged.exit_code());
    }
    if let Command::Show {
        file,
        format,
        verify,
    } = &cli.command
    {
        return show(&cli.global, file, *format, verify).await;
    }
    if let Command::Sign { file, key } = &cli.command {
        return sign(&cli.global, file, key.as_deref()).await;
    }
    let run = Run::resolve(&cli.global)?;
    let mut cli = cli;
    // Refuse what cannot work before the account is read.
    match &mut cli.command {
        Command::Plan { out: Some(p), .. } => check_writable(p, "the plan")?,
        Command::Apply { journal, .. } => {
            let path = journal.get_or_insert_with(apply::default_journal);
            if path.parent() == Some(Path::new(apply::STATE_DIR))
                && !path.parent().is_some_and(Path::is_dir)
            {
                // The state directory is made only when there is something to journal.
                check_writable(Path::new(apply::STATE_DIR), "the journal's directory")?
            } else {
                check_writable(path, "the journal")?
            }
        }
        _ => {}
    }
    let aws = Aws::new(&run.aws).await;
    if aws
        .config
        .region()
        .is_some_and(|r| r.as_ref().trim().is_empty())
    {
        bail!("no region: set --region or AWS_REGION");
    }
    // Calls are counted for --stats even when the command fails (a refused
    // plan file shows it made no write).
    let result: Result<i32> = async {
        Ok(match cli.command {
            Command::Plan {
                format,
                out,
                sign_with,
            } => {
                let sign = sign_with.or_else(|| run.file.plan.sign_with.clone());
                let save = out.map(|path| SaveAs { path, sign });
                if run.org.is_some() {
                    org::cmd_plan(&run, &aws, format, save).await?
                } else {
                    cmd_plan(&run, &aws, format, save).await?
                }
            }
            Command::Apply {
                file,
                yes,
                step,
                journal,
                verify,
                settings_from_plan,
            } => {
                let approval = apply::Approval::from_flags(yes, step);
                let journal = journal.expect("set above");
                let saved = apply::Saved {
                    verifier: verifier_of(&run.file, &verify),
                    settings_from_plan,
                };
                if run.org.is_some() || file.as_deref().is_some_and(is_org_plan_file) {
                    org::cmd_apply(&run, &aws, file, approval, journal, &saved).await?
                } else {
                    apply::cmd_apply(&run, &aws, file, approval, journal, &saved).await?
                }
            }
            Command::Undo { journal, yes } if journal.is_dir() => {
                org::cmd_undo(&run, &aws, &journal, yes).await?
            }
            Command::Undo { journal, yes } => apply::cmd_undo(&run, &aws, &journal, yes).await?,
            _ => unreachable!("handled above"),
        })
    }
    .await;
    if run.stats {
        eprint!("{}", stats_text(&aws));
    }
    result
}

/// Where `plan --out` saves, and the key it signs with.
pub struct SaveAs {
    pub path: PathBuf,
    pub sign: Option<String>,
}

impl SaveAs {
    /// The signature of a file's digest, when one is asked for.
    pub async fn signature(
        &self,
        aws: &Aws,
        digest: &[u8; 32],
    ) -> Result<Option<plan::file::Signature>> {
        match &self.sign {
            None => Ok(None),
            Some(key) => Ok(Some(
                crate::signing::sign(aws, key, digest)
                    .await
                    .with_context(|| format!("signing the plan for {}", self.path.display()))?,
            )),
        }
    }

    pub fn saved_line(&self, signature: Option<&plan::file::Signature>) {
        let signed = signature
            .map(|s| format!(", {}", crate::signing::describe(Some(s))))
            .unwrap_or_default();
        eprintln!(
            "Plan saved to {}{signed}; apply it with: remediate apply {}",
            self.path.display(),
            self.path.display()
        );
    }
}

/// The verifier of a saved plan: the flags, else `[plan] verify_with`.
fn verifier_of(file: &FileSettings, v: &args::VerifyArgs) -> Option<crate::signing::Verifier> {
    crate::signing::verifier(
        v.verify_with_public_key.as_deref(),
        v.verify_with.as_deref(),
        file.plan.verify_with.as_deref(),
    )
}

/// With a verifier, refuse a saved plan its key did not sign, and say on
/// stderr that it did; without one, nothing.
async fn check_signature(
    aws: &Aws,
    verifier: Option<&crate::signing::Verifier>,
    name: &str,
    signature: Option<&plan::file::Signature>,
    digest: &[u8; 32],
) -> Result<()> {
    let Some(v) = verifier else {
        return Ok(());
    };
    crate::signing::verify(aws, v, name, signature, digest).await?;
    eprintln!(
        "Signature: {}, verified",
        crate::signing::describe(signature)
    );
    Ok(())
}

/// `sign FILE`: sign a saved plan as it is (its seal checked first), in
/// place. A signature it had is replaced: the new signer approves the
/// content anew.
async fn sign(g: &GlobalArgs, file: &Path, key: Option<&str>) -> Result<i32> {
    let run = Run::resolve(g)?;
    let Some(key) = key.or(run.file.plan.sign_with.as_deref()) else {
        bail!("sign needs a key: --key KEY, or [plan] sign_with in remediate.toml");
    };
    check_writable(file, "the signed plan")?;
    let aws = Aws::new(&run.aws).await;
    let name = file.display().to_string();
    let save = SaveAs {
        path: file.to_path_buf(),
        sign: Some(key.to_string()),
    };
    let signature = if is_org_plan_file(file) {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read plan file {name}"))?;
        let f = crate::report::parse_file(&name, &text).map_err(anyhow::Error::msg)?;
        let signature = save
            .signature(&aws, &crate::report::digest(&f.created_at, &f.plan))
            .await?;
        crate::report::write_file(file, &f.plan, f.created_at, signature.clone())?;
        signature
    } else {
        let f = plan::file::read(file)?;
        let signature = save
            .signature(&aws, &plan::file::digest(&f.created_at, &f.plan))
            .await?;
        plan::file::write(file, &f.plan, f.created_at, signature.clone())?;
        signature
    };
    eprintln!(
        "Signed {name}: {}",
        crate::signing::describe(signature.as_ref())
    );
    Ok(EXIT_OK)
}

/// `show FILE`: the plan as saved, then on stderr its signature (verified
/// when a verifier is given) and the settings it carries where they differ
/// from this run's.
async fn show(
    g: &GlobalArgs,
    file: &Path,
    format: Format,
    verify: &args::VerifyArgs,
) -> Result<i32> {
    let run = Run::resolve(g)?;
    let verifier = verifier_of(&run.file, verify);
    let name = file.display().to_string();
    let (signature, digest, settings) = if is_org_plan_file(file) {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read plan file {name}"))?;
        let f = crate::report::parse_file(&name, &text).map_err(anyhow::Error::msg)?;
        print!(
            "{}",
            render::org::render_org(&f.plan, format, run.out_style)
        );
        let settings: Vec<FileSettings> = f
            .plan
            .accounts
            .iter()
            .filter_map(|a| a.plan.as_ref().map(|p| p.settings.clone()))
            .collect();
        (
            f.signature.clone(),
            crate::report::digest(&f.created_at, &f.plan),
            settings,
        )
    } else {
        let f = plan::file::read(file)?;
        // A saved plan's findings are as of when it was made.
        let made = time::OffsetDateTime::parse(
            &f.created_at,
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
        let ms = (made.unix_timestamp_nanos() / 1_000_000) as i64;
        print!("{}", render::render_at(&f.plan, format, run.out_style, ms));
        let digest = plan::file::digest(&f.created_at, &f.plan);
        (f.signature.clone(), digest, vec![f.plan.settings.clone()])
    };
    if verifier.is_some() {
        // Offline verification makes no call; the client is only built.
        let aws = Aws::new(&run.aws).await;
        check_signature(&aws, verifier.as_ref(), &name, signature.as_ref(), &digest).await?;
    } else if signature.is_some() {
        eprintln!(
            "Signature: {} (not verified: pass --verify-with KEY or --verify-with-public-key FILE)",
            crate::signing::describe(signature.as_ref())
        );
    } else {
        eprintln!("Signature: unsigned");
    }
    if let Some(first) = settings.first() {
        let now = apply::run_settings_for(&run, first);
        let diff = plan::integrity::settings_differences(first, &now);
        if !diff.is_empty() {
            eprintln!(
                "Settings: the plan was made with settings that differ from this run's ({}); apply refuses it without --settings-from-plan:",
                diff.join(", ")
            );
            eprint!("{}", plan::integrity::settings_diff_text(first, &now));
        }
    }
    Ok(EXIT_OK)
}

/// Whether a saved plan file is an organization's (a file that cannot be
/// read is left to the single-account reader to report).
fn is_org_plan_file(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| crate::report::is_org_file(&t))
}

/// Collect the account with a progress indicator on stderr.
pub async fn scan(
    run: &Run,
    aws: &Aws,
    regions: Option<Vec<String>>,
    settings: &FileSettings,
) -> Result<Snapshot> {
    let bar = if run.progress {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_message("scanning regions");
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let opts = crate::controls::collect_options(regions, run.concurrency, settings);
    let started = now_unix();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let on_done = |region: &str| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        bar.set_message(format!("scanned {n} region(s), last {region}"));
    };
    let result = collect::collect(aws, &opts, &on_done).await;
    bar.finish_and_clear();
    let mut snap = result?;
    snap.collected_at = started;
    for e in &snap.read_errors {
        eprintln!(
            "warning: {} {} failed in {}: {}",
            e.service.as_str(),
            e.operation,
            e.region,
            e.message
        );
    }
    Ok(snap)
}

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Detect and plan over a snapshot: pure.
///
/// Refuses a plan whose documents AWS would refuse for their size.
pub fn build_plan(run: &Run, snap: &Snapshot) -> Result<(Vec<Finding>, Plan)> {
    let plan = crate::pipeline::make(snap, &run.file, &run.controls);
    plan::limits::check(&plan.actions, snap)?;
    let trusted = plan::integrity::Trusted::new(&snap.account_id, &run.file);
    plan::integrity::check_documents(&plan.actions, &trusted).map_err(anyhow::Error::msg)?;
    Ok((plan.findings.clone(), plan))
}

async fn cmd_plan(run: &Run, aws: &Aws, format: Format, out: Option<SaveAs>) -> Result<i32> {
    let snap = scan(run, aws, run.regions.clone(), &run.file).await?;
    let (findings, plan) = build_plan(run, &snap)?;
    let text = if format == Format::Json && run.stats {
        render::plan_json(
            &plan,
            Some(("api_calls", serde_json::to_value(aws.calls.snapshot())?)),
        )
    } else {
        render::render(&plan, format, run.out_style)
    };
    print!("{text}");
    if let Some(save) = out {
        let created_at = timestamp();
        let signature = save
            .signature(aws, &plan::file::digest(&created_at, &plan))
            .await?;
        plan::file::write(&save.path, &plan, created_at, signature.clone())
            .with_context(|| format!("saving the plan to {}", save.path.display()))?;
        save.saved_line(signature.as_ref());
    }
    // Drift wins over unreadable parts: the plan is still worth acting on.
    let unreadable = findings
        .iter()
        .any(|f| f.status == crate::finding::Status::Error);
    Ok(if !controls::is_clean(&findings) {
        EXIT_DRIFT
    } else if unreadable {
        eprintln!(
            "error: some regions or services could not be read (see the findings marked error); compliance is not proven"
        );
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}

/// Refuses up front a file that cannot be written (a missing directory, a
/// directory in its place, no permission), leaving nothing behind, so a long
/// scan is not wasted on a plan that cannot be saved.
pub fn check_writable(path: &Path, what: &str) -> Result<()> {
    let fail = |why: String| anyhow::anyhow!("cannot write {what} to {}: {why}", path.display());
    if path.is_dir() {
        return Err(fail("it is a directory".into()));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(fail(format!("no directory {}", dir.display())));
    }
    if path.exists() {
        std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| fail(e.to_string()))?;
    }
    // Files are written beside their final name, then renamed: the directory
    // must take a new file.
    let probe = dir.join(format!(".remediate-write-check-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| fail(e.to_string()))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

pub fn timestamp() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn stats_text(aws: &Aws) -> String {
    let calls = aws.calls.snapshot();
    let mut out = format!("API calls: {} in all\n", aws.calls.total());
    for (service, ops) in &calls {
        let n: u64 = ops.values().sum();
        let detail: Vec<String> = ops.iter().map(|(op, c)| format!("{op} {c}")).collect();
        out.push_str(&format!("  {service:<16}{n:>6}  {}\n", detail.join(", ")));
    }
    out
}
